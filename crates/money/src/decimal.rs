//! The fixed-point [`Decimal`] type: exact sums, rounding only where the caller names it.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use ethnum::I256;

use crate::rounding::RoundingMode;

/// Number of fractional digits every [`Decimal`] carries.
pub const SCALE_DIGITS: u32 = 12;
const SCALE: i128 = 10i128.pow(SCALE_DIGITS);
/// Parsed values are limited to 18 integer digits so that sums of billions of parsed lines
/// still fit comfortably in the 26 integer digits the representation holds.
const MAX_PARSED_INTEGER_DIGITS: u32 = 18;
/// `10^n` for every count of fractional digits, for parsing.
const POWERS_OF_TEN: [u64; SCALE_DIGITS as usize + 1] = {
    let mut powers = [1u64; SCALE_DIGITS as usize + 1];
    let mut index = 1;
    while index < powers.len() {
        powers[index] = powers[index - 1] * 10;
        index += 1;
    }
    powers
};

/// A signed decimal number with exactly 12 fractional digits.
///
/// The value is `scaled / 10¹²`. Equality, ordering and hashing are those of the value, because
/// the representation is unique.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Decimal {
    scaled: i128,
}

/// How a text number is written: the decimal separator and an optional thousands separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NumberStyle {
    pub decimal_separator: u8,
    pub grouping_separator: Option<u8>,
}

impl NumberStyle {
    /// `1234.56`: the form DDEX DSR and most CSV exports use.
    pub const PLAIN: NumberStyle = NumberStyle { decimal_separator: b'.', grouping_separator: None };
    /// `1,234.56`.
    pub const ENGLISH_GROUPED: NumberStyle =
        NumberStyle { decimal_separator: b'.', grouping_separator: Some(b',') };
    /// `1234,56`: files re-saved by a French or German spreadsheet.
    pub const DECIMAL_COMMA: NumberStyle =
        NumberStyle { decimal_separator: b',', grouping_separator: None };
    /// `1.234,56`.
    pub const CONTINENTAL_GROUPED: NumberStyle =
        NumberStyle { decimal_separator: b',', grouping_separator: Some(b'.') };
}

/// Why a text is not a decimal number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecimalErrorKind {
    Empty,
    /// A character that cannot appear there; `position` counts characters from 1.
    UnexpectedCharacter { position: usize, character: char },
    /// A grouping separator that does not separate groups of three digits.
    MisplacedGroupingSeparator { position: usize },
    /// More significant fractional digits than the 12 a [`Decimal`] keeps.
    TooManyFractionalDigits { digits: usize },
    /// More than 18 integer digits.
    TooLarge,
}

/// A text that is not a decimal number, with the text and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("\"{text}\" is not a decimal number: {}", describe(.kind))]
pub struct DecimalError {
    pub text: String,
    pub kind: DecimalErrorKind,
}

fn describe(kind: &DecimalErrorKind) -> String {
    match kind {
        DecimalErrorKind::Empty => "it is empty".to_string(),
        DecimalErrorKind::UnexpectedCharacter { position, character } => {
            format!("unexpected {character:?} at character {position}")
        }
        DecimalErrorKind::MisplacedGroupingSeparator { position } => {
            format!("thousands separator at character {position} does not separate groups of three digits")
        }
        DecimalErrorKind::TooManyFractionalDigits { digits } => format!(
            "{digits} significant fractional digits; at most {SCALE_DIGITS} are kept exactly"
        ),
        DecimalErrorKind::TooLarge => {
            format!("more than {MAX_PARSED_INTEGER_DIGITS} integer digits")
        }
    }
}

fn overflow(operation: &str) -> ! {
    // Values are bounded at parse time far below the representable range, so reaching this is
    // a broken invariant, not bad input.
    panic!("decimal overflow in {operation}: amounts beyond 10^26 cannot occur in valid data")
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { scaled: 0 };
    pub const ONE: Decimal = Decimal { scaled: SCALE };
    /// The smallest positive value, 10⁻¹².
    pub const EPSILON: Decimal = Decimal { scaled: 1 };

    /// The value `scaled / 10¹²`.
    pub const fn from_scaled(scaled: i128) -> Decimal {
        Decimal { scaled }
    }

    /// The count of 10⁻¹² units; the exact representation.
    pub const fn scaled(self) -> i128 {
        self.scaled
    }

    pub const fn from_integer(value: i64) -> Decimal {
        Decimal { scaled: value as i128 * SCALE }
    }

    /// `units × 10^-digits`, for example 1234 cents with 2 digits is 12.34.
    pub fn from_units(units: i128, digits: u32) -> Option<Decimal> {
        if digits > SCALE_DIGITS {
            return None;
        }
        units.checked_mul(10i128.pow(SCALE_DIGITS - digits)).map(Decimal::from_scaled)
    }

    /// The value as a count of `10^-digits` units, if it is exactly such a count.
    pub fn to_units(self, digits: u32) -> Option<i128> {
        if digits > SCALE_DIGITS {
            return None;
        }
        let unit = 10i128.pow(SCALE_DIGITS - digits);
        (self.scaled % unit == 0).then_some(self.scaled / unit)
    }

    /// The value rounded to a count of `10^-digits` units.
    pub fn to_units_rounded(self, digits: u32, mode: RoundingMode) -> i128 {
        let digits = digits.min(SCALE_DIGITS);
        mode.divide_i128(self.scaled, 10i128.pow(SCALE_DIGITS - digits))
    }

    /// The value rounded to `digits` fractional digits (at most 12).
    pub fn round_to(self, digits: u32, mode: RoundingMode) -> Decimal {
        if digits >= SCALE_DIGITS {
            return self;
        }
        let unit = 10i128.pow(SCALE_DIGITS - digits);
        Decimal { scaled: mode.divide_i128(self.scaled, unit) * unit }
    }

    /// How many fractional digits the value needs to be written exactly (0 to 12).
    pub fn fractional_digits(self) -> u32 {
        let mut fraction = (self.scaled % SCALE).unsigned_abs();
        if fraction == 0 {
            return 0;
        }
        let mut digits = SCALE_DIGITS;
        while fraction.is_multiple_of(10) {
            fraction /= 10;
            digits -= 1;
        }
        digits
    }

    pub fn is_zero(self) -> bool {
        self.scaled == 0
    }

    pub fn is_negative(self) -> bool {
        self.scaled < 0
    }

    pub fn is_positive(self) -> bool {
        self.scaled > 0
    }

    pub fn abs(self) -> Decimal {
        Decimal { scaled: self.scaled.checked_abs().unwrap_or_else(|| overflow("abs")) }
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        self.scaled.checked_add(other.scaled).map(Decimal::from_scaled)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.scaled.checked_sub(other.scaled).map(Decimal::from_scaled)
    }

    /// Multiplication by an integer count (units × unit price): always exact.
    pub fn checked_mul_integer(self, factor: i128) -> Option<Decimal> {
        self.scaled.checked_mul(factor).map(Decimal::from_scaled)
    }

    /// The product, rounded once to 12 fractional digits with `mode`.
    ///
    /// The product of two 12-digit values has 24 fractional digits; the intermediate is held in
    /// 256 bits, so nothing is lost before the one rounding.
    pub fn checked_mul(self, other: Decimal, mode: RoundingMode) -> Option<Decimal> {
        if let Some(product) = self.scaled.checked_mul(other.scaled) {
            return Some(Decimal::from_scaled(mode.divide_i128(product, SCALE)));
        }
        let product = I256::from(self.scaled) * I256::from(other.scaled);
        narrow(divide_wide(product, I256::from(SCALE), mode))
    }

    /// The quotient, rounded once to 12 fractional digits with `mode`; `None` when dividing by
    /// zero or when the result does not fit.
    pub fn checked_div(self, divisor: Decimal, mode: RoundingMode) -> Option<Decimal> {
        if divisor.is_zero() {
            return None;
        }
        let (numerator, denominator) = if divisor.scaled < 0 {
            (-I256::from(self.scaled), -I256::from(divisor.scaled))
        } else {
            (I256::from(self.scaled), I256::from(divisor.scaled))
        };
        narrow(divide_wide(numerator * I256::from(SCALE), denominator, mode))
    }

    /// Parses the plain form: optional sign, digits, optional `.` and digits (`5`, `5.`, `-0.25`,
    /// `.5`). Surrounding spaces are ignored. Exact or an error.
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        Decimal::parse_bytes(text.as_bytes(), NumberStyle::PLAIN)
    }

    /// Parses a number written in `style`, without allocating unless the text is invalid.
    ///
    /// Fractional digits beyond the twelfth are accepted only when they are zeros, so the value
    /// is always exactly the one written.
    pub fn parse_bytes(bytes: &[u8], style: NumberStyle) -> Result<Decimal, DecimalError> {
        parse_bytes(bytes, style).map_err(|kind| DecimalError {
            text: String::from_utf8_lossy(bytes).into_owned(),
            kind,
        })
    }

    /// The value with exactly `digits` fractional digits, rounded with `mode` if it has more.
    pub fn format_fixed(self, digits: u32, mode: RoundingMode) -> String {
        let digits = digits.min(SCALE_DIGITS);
        let units = self.to_units_rounded(digits, mode);
        let mut text = String::with_capacity(24);
        if units < 0 {
            text.push('-');
        }
        let magnitude = units.unsigned_abs();
        let divisor = 10u128.pow(digits);
        text.push_str(&(magnitude / divisor).to_string());
        if digits > 0 {
            text.push('.');
            let fraction = (magnitude % divisor).to_string();
            for _ in fraction.len()..digits as usize {
                text.push('0');
            }
            text.push_str(&fraction);
        }
        text
    }
}

fn narrow(value: I256) -> Option<Decimal> {
    i128::try_from(value).ok().map(Decimal::from_scaled)
}

/// [`RoundingMode::divide_i128`] on 256-bit integers; the divisor is positive.
fn divide_wide(numerator: I256, divisor: I256, mode: RoundingMode) -> I256 {
    let quotient = numerator / divisor;
    let remainder = numerator % divisor;
    if remainder == I256::ZERO {
        return quotient;
    }
    let away = if numerator < I256::ZERO { I256::new(-1) } else { I256::ONE };
    let twice_remainder = remainder.abs() * I256::new(2);
    let round_away = match mode {
        RoundingMode::TowardZero => false,
        RoundingMode::HalfUp => twice_remainder >= divisor,
        RoundingMode::HalfEven => {
            twice_remainder > divisor
                || (twice_remainder == divisor && quotient % I256::new(2) != I256::ZERO)
        }
    };
    if round_away {
        quotient + away
    } else {
        quotient
    }
}

fn parse_bytes(bytes: &[u8], style: NumberStyle) -> Result<Decimal, DecimalErrorKind> {
    match parse_plain(bytes, style.decimal_separator) {
        Some(value) => Ok(value),
        None => parse_general(bytes, style),
    }
}

/// The usual cell, parsed in one pass: an optional `-`, at most 18 integer digits, and at most
/// 12 fractional digits after the decimal separator (no spaces, no `+`, no grouping). `None`
/// for anything else, which [`parse_general`] then reads (or explains). Five amounts a line
/// go through here, so it matters; the test `plain_and_general_parsing_agree` checks that it
/// gives what `parse_general` gives wherever it answers.
#[inline]
fn parse_plain(bytes: &[u8], decimal_separator: u8) -> Option<Decimal> {
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, bytes),
    };
    let mut index = 0;
    let mut integer: u64 = 0;
    while index < digits.len() && index <= MAX_PARSED_INTEGER_DIGITS as usize {
        let digit = digits[index].wrapping_sub(b'0');
        if digit >= 10 {
            break;
        }
        integer = integer * 10 + u64::from(digit);
        index += 1;
    }
    let integer_digits = index;
    if integer_digits > MAX_PARSED_INTEGER_DIGITS as usize {
        return None;
    }
    let mut fraction: u64 = 0;
    let mut fraction_digits = 0;
    if index < digits.len() {
        if digits[index] != decimal_separator {
            return None;
        }
        index += 1;
        let fraction_start = index;
        while index < digits.len() {
            let digit = digits[index].wrapping_sub(b'0');
            if digit >= 10 || index - fraction_start >= SCALE_DIGITS as usize {
                return None;
            }
            fraction = fraction * 10 + u64::from(digit);
            index += 1;
        }
        fraction_digits = index - fraction_start;
    }
    if integer_digits + fraction_digits == 0 {
        return None;
    }
    let scaled = i128::from(integer) * SCALE
        + i128::from(fraction * POWERS_OF_TEN[SCALE_DIGITS as usize - fraction_digits]);
    Some(Decimal { scaled: if negative { -scaled } else { scaled } })
}

/// Every number form a [`NumberStyle`] allows, with a precise error for anything else.
fn parse_general(bytes: &[u8], style: NumberStyle) -> Result<Decimal, DecimalErrorKind> {
    let start = bytes.iter().position(|byte| !byte.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|byte| !byte.is_ascii_whitespace()).map_or(start, |last| last + 1);
    let body = &bytes[start..end];
    if body.is_empty() {
        return Err(DecimalErrorKind::Empty);
    }
    // Positions in messages count characters of the text as given, from 1.
    let position_of = |index: usize| start + index + 1;

    let mut index = 0;
    let negative = match body[0] {
        b'-' => {
            index = 1;
            true
        }
        b'+' => {
            index = 1;
            false
        }
        _ => false,
    };

    // At most 18 significant integer digits and 12 fractional ones are accepted, so both
    // parts fit in a u64: cheaper than i128 arithmetic on every digit.
    let mut integer: u64 = 0;
    let mut significant_integer_digits: u32 = 0;
    let mut any_digit = false;
    // Digits since the last grouping separator, and whether one was seen.
    let mut group_length: usize = 0;
    let mut grouped = false;
    while index < body.len() {
        let byte = body[index];
        if byte.is_ascii_digit() {
            any_digit = true;
            group_length += 1;
            if integer != 0 || byte != b'0' {
                significant_integer_digits += 1;
                if significant_integer_digits > MAX_PARSED_INTEGER_DIGITS {
                    return Err(DecimalErrorKind::TooLarge);
                }
            }
            integer = integer * 10 + u64::from(byte - b'0');
        } else if Some(byte) == style.grouping_separator {
            let first_group_ok = !grouped && (1..=3).contains(&group_length);
            let later_group_ok = grouped && group_length == 3;
            if !(first_group_ok || later_group_ok) {
                return Err(DecimalErrorKind::MisplacedGroupingSeparator { position: position_of(index) });
            }
            grouped = true;
            group_length = 0;
        } else if byte == style.decimal_separator {
            break;
        } else {
            return Err(unexpected(body, index, start));
        }
        index += 1;
    }
    if grouped && group_length != 3 {
        return Err(DecimalErrorKind::MisplacedGroupingSeparator { position: position_of(index) });
    }

    let mut fraction: u64 = 0;
    let mut fraction_digits: u32 = 0;
    if index < body.len() {
        // At the decimal separator.
        index += 1;
        let mut pending_zeros: u32 = 0;
        while index < body.len() {
            let byte = body[index];
            if !byte.is_ascii_digit() {
                return Err(unexpected(body, index, start));
            }
            any_digit = true;
            if byte == b'0' {
                pending_zeros += 1;
            } else {
                let digits_needed = fraction_digits + pending_zeros + 1;
                if digits_needed > SCALE_DIGITS {
                    let total_digits = body[index..].iter().take_while(|b| b.is_ascii_digit()).count();
                    return Err(DecimalErrorKind::TooManyFractionalDigits {
                        digits: digits_needed as usize + total_digits - 1,
                    });
                }
                fraction = fraction * POWERS_OF_TEN[(pending_zeros + 1) as usize] + u64::from(byte - b'0');
                fraction_digits = digits_needed;
                pending_zeros = 0;
            }
            index += 1;
        }
    }
    if !any_digit {
        // Only a sign or a separator: name the last character, which is where a digit was due.
        let last = body.len() - 1;
        return Err(DecimalErrorKind::UnexpectedCharacter {
            position: position_of(last),
            character: char::from(body[last]),
        });
    }
    let scaled = i128::from(integer) * SCALE
        + i128::from(fraction * POWERS_OF_TEN[(SCALE_DIGITS - fraction_digits) as usize]);
    Ok(Decimal { scaled: if negative { -scaled } else { scaled } })
}

fn unexpected(body: &[u8], index: usize, start: usize) -> DecimalErrorKind {
    // Report the character, decoding UTF-8 so a stray "€" is named as such.
    let character = std::str::from_utf8(&body[index..])
        .ok()
        .and_then(|rest| rest.chars().next())
        .unwrap_or(char::from(body[index]));
    DecimalErrorKind::UnexpectedCharacter { position: start + index + 1, character }
}

impl fmt::Display for Decimal {
    /// The shortest exact form: `12.5`, `-0.000001`, `0`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.fractional_digits();
        let text = self.format_fixed(digits, RoundingMode::HalfEven);
        formatter.pad(&text)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Decimal({self})")
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::parse(text)
    }
}

impl Add for Decimal {
    type Output = Decimal;

    fn add(self, other: Decimal) -> Decimal {
        self.checked_add(other).unwrap_or_else(|| overflow("addition"))
    }
}

impl Sub for Decimal {
    type Output = Decimal;

    fn sub(self, other: Decimal) -> Decimal {
        self.checked_sub(other).unwrap_or_else(|| overflow("subtraction"))
    }
}

impl Neg for Decimal {
    type Output = Decimal;

    fn neg(self) -> Decimal {
        Decimal { scaled: self.scaled.checked_neg().unwrap_or_else(|| overflow("negation")) }
    }
}

impl AddAssign for Decimal {
    fn add_assign(&mut self, other: Decimal) {
        *self = *self + other;
    }
}

impl SubAssign for Decimal {
    fn sub_assign(&mut self, other: Decimal) {
        *self = *self - other;
    }
}

impl Sum for Decimal {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Decimal {
        iter.fold(Decimal::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Decimal> for Decimal {
    fn sum<I: Iterator<Item = &'a Decimal>>(iter: I) -> Decimal {
        iter.copied().sum()
    }
}

impl serde::Serialize for Decimal {
    /// As a JSON string, never a JSON number, so that no reader turns it into a float.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Decimal::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    /// The one-pass parser agrees with the general one on every text it accepts, over
    /// generated texts of digits, separators, signs and spaces (fixed seed).
    #[test]
    fn plain_and_general_parsing_agree() {
        let alphabet = b"0000123456789..,,--+ ";
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let styles = [
            NumberStyle::PLAIN,
            NumberStyle::ENGLISH_GROUPED,
            NumberStyle::DECIMAL_COMMA,
        ];
        let mut answered = 0;
        for case in 0..400_000 {
            let length = (next() % 34) as usize;
            let text: Vec<u8> = (0..length)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let style = styles[case % styles.len()];
            if let Some(plain) = super::parse_plain(&text, style.decimal_separator) {
                answered += 1;
                assert_eq!(
                    super::parse_general(&text, style),
                    Ok(plain),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
        // Digits-only texts and money-like ones must take the fast path.
        for text in ["0", "-0", "71", "0.08159320", "-12.5", "123456789012345678.123456789012", ".5", "5."] {
            assert!(super::parse_plain(text.as_bytes(), b'.').is_some(), "{text}");
        }
        assert!(answered > 1_000, "{answered}");
    }

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn parses_the_forms_real_files_use() {
        assert_eq!(d("5"), Decimal::from_integer(5));
        assert_eq!(d("5."), Decimal::from_integer(5));
        assert_eq!(d("5.0"), Decimal::from_integer(5));
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("-0.25").to_string(), "-0.25");
        assert_eq!(d("+7").to_string(), "7");
        assert_eq!(d("  0.003123456789 ").to_string(), "0.003123456789");
        assert_eq!(d("1.500000000000000000").to_string(), "1.5");
        assert_eq!(d("000012.340").to_string(), "12.34");
        assert_eq!(d("-0").to_string(), "0");
    }

    #[test]
    fn parses_localised_forms() {
        let parse = |text: &str, style| Decimal::parse_bytes(text.as_bytes(), style).map(|v| v.to_string());
        assert_eq!(parse("1234,56", NumberStyle::DECIMAL_COMMA).unwrap(), "1234.56");
        assert_eq!(parse("1.234.567,5", NumberStyle::CONTINENTAL_GROUPED).unwrap(), "1234567.5");
        assert_eq!(parse("1,234.5", NumberStyle::ENGLISH_GROUPED).unwrap(), "1234.5");
        assert_eq!(parse("-12,5", NumberStyle::DECIMAL_COMMA).unwrap(), "-12.5");
        assert_eq!(
            parse("12,34.5", NumberStyle::ENGLISH_GROUPED).unwrap_err().to_string(),
            "\"12,34.5\" is not a decimal number: thousands separator at character 6 does not separate groups of three digits"
        );
        assert_eq!(
            parse("1234.5", NumberStyle::DECIMAL_COMMA).unwrap_err().to_string(),
            "\"1234.5\" is not a decimal number: unexpected '.' at character 5"
        );
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        let error = |text: &str| Decimal::parse(text).unwrap_err().to_string();
        assert_eq!(error(""), "\"\" is not a decimal number: it is empty");
        assert_eq!(error("   "), "\"   \" is not a decimal number: it is empty");
        assert_eq!(error("1.2.3"), "\"1.2.3\" is not a decimal number: unexpected '.' at character 4");
        assert_eq!(error("12€"), "\"12€\" is not a decimal number: unexpected '€' at character 3");
        assert_eq!(error("1e-5"), "\"1e-5\" is not a decimal number: unexpected 'e' at character 2");
        assert_eq!(error("-"), "\"-\" is not a decimal number: unexpected '-' at character 1");
        assert_eq!(error("NaN"), "\"NaN\" is not a decimal number: unexpected 'N' at character 1");
        assert_eq!(
            error("0.0000000000001"),
            "\"0.0000000000001\" is not a decimal number: 13 significant fractional digits; at most 12 are kept exactly"
        );
        assert_eq!(
            error("1234567890123456789"),
            "\"1234567890123456789\" is not a decimal number: more than 18 integer digits"
        );
    }

    #[test]
    fn arithmetic_is_exact_and_rounds_once() {
        assert_eq!(d("0.1") + d("0.2"), d("0.3"));
        assert_eq!(d("1") - d("0.000000000001"), d("0.999999999999"));
        assert_eq!(d("10.005").checked_mul(d("0.5"), RoundingMode::HalfEven), Some(d("5.0025")));
        // 1/3 to 12 digits.
        assert_eq!(d("1").checked_div(d("3"), RoundingMode::HalfEven), Some(d("0.333333333333")));
        assert_eq!(d("2").checked_div(d("3"), RoundingMode::HalfEven), Some(d("0.666666666667")));
        assert_eq!(d("2").checked_div(d("-3"), RoundingMode::TowardZero), Some(d("-0.666666666666")));
        assert_eq!(d("1").checked_div(Decimal::ZERO, RoundingMode::HalfEven), None);
        // Products whose intermediate exceeds i128 go through the wide path.
        let big = d("123456789012345678.123456789012");
        assert_eq!(big.checked_mul(d("0.5"), RoundingMode::HalfEven), Some(d("61728394506172839.061728394506")));
        assert_eq!(big.checked_mul(d("1"), RoundingMode::HalfEven), Some(big));
        assert_eq!(d("0.000000000001").checked_mul(d("0.5"), RoundingMode::HalfEven), Some(Decimal::ZERO));
        assert_eq!(d("0.000000000003").checked_mul(d("0.5"), RoundingMode::HalfEven), Some(d("0.000000000002")));
        assert_eq!(d("0.000000000003").checked_mul(d("0.5"), RoundingMode::HalfUp), Some(d("0.000000000002")));
        assert_eq!(d("0.000000000001").checked_mul(d("0.5"), RoundingMode::HalfUp), Some(d("0.000000000001")));
        assert_eq!(d("7").checked_mul_integer(3), Some(d("21")));
    }

    #[test]
    fn rounds_to_named_digits() {
        assert_eq!(d("2.345").round_to(2, RoundingMode::HalfEven), d("2.34"));
        assert_eq!(d("2.355").round_to(2, RoundingMode::HalfEven), d("2.36"));
        assert_eq!(d("2.345").round_to(2, RoundingMode::HalfUp), d("2.35"));
        assert_eq!(d("-2.345").round_to(2, RoundingMode::HalfUp), d("-2.35"));
        assert_eq!(d("2.349").round_to(2, RoundingMode::TowardZero), d("2.34"));
        assert_eq!(d("2.5").round_to(0, RoundingMode::HalfEven), d("2"));
        assert_eq!(d("12.3456").format_fixed(2, RoundingMode::HalfEven), "12.35");
        assert_eq!(d("-0.004").format_fixed(2, RoundingMode::HalfEven), "0.00");
        assert_eq!(d("-0.006").format_fixed(2, RoundingMode::HalfEven), "-0.01");
        assert_eq!(d("5").format_fixed(3, RoundingMode::HalfEven), "5.000");
        assert_eq!(d("12.34").to_units(2), Some(1234));
        assert_eq!(d("12.345").to_units(2), None);
        assert_eq!(Decimal::from_units(-1234, 2), Some(d("-12.34")));
    }

    #[test]
    fn serialises_as_a_string() {
        let value = d("-1234.5");
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"-1234.5\"");
        assert_eq!(serde_json::from_str::<Decimal>("\"-1234.5\"").unwrap(), value);
        assert!(serde_json::from_str::<Decimal>("\"1,5\"").is_err());
    }
}
