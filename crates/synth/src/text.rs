//! Writing delimited text by hand: fields, quoting, numbers and the date spellings of the
//! different senders. Everything appends to a byte buffer, so a writer can build a million rows
//! without allocating per row.

use ledgerline_model::{Date, Month};
use ledgerline_money::{Decimal, RoundingMode};

/// When a field is wrapped in double quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// RFC 4180: only fields containing the delimiter, a quote, CR or LF.
    WhenNeeded,
    /// Every field, as Believe's exports do.
    Always,
    /// Never (DSR flat files forbid quoting; TSV exports with no delimiter in the data).
    Never,
}

/// The shape of one delimited format.
#[derive(Clone, Copy, Debug)]
pub struct TextStyle {
    pub delimiter: u8,
    pub quoting: Quoting,
    pub line_ending: &'static str,
    /// `.` or `,` (a file re-saved by a French spreadsheet).
    pub decimal_separator: u8,
}

impl TextStyle {
    pub const CSV: TextStyle =
        TextStyle { delimiter: b',', quoting: Quoting::WhenNeeded, line_ending: "\n", decimal_separator: b'.' };
    pub const TSV: TextStyle =
        TextStyle { delimiter: b'\t', quoting: Quoting::Never, line_ending: "\n", decimal_separator: b'.' };
    pub const TSV_CRLF: TextStyle =
        TextStyle { delimiter: b'\t', quoting: Quoting::Never, line_ending: "\r\n", decimal_separator: b'.' };
}

/// Builds one row into a buffer. Fields are separated by the style's delimiter; [`Row::end`]
/// writes the line ending.
pub struct Row<'a> {
    out: &'a mut Vec<u8>,
    style: TextStyle,
    fields: usize,
}

impl<'a> Row<'a> {
    pub fn new(out: &'a mut Vec<u8>, style: TextStyle) -> Row<'a> {
        Row { out, style, fields: 0 }
    }

    fn separator(&mut self) {
        if self.fields > 0 {
            self.out.push(self.style.delimiter);
        }
        self.fields += 1;
    }

    /// A text field, quoted according to the style.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.separator();
        push_quoted(self.out, value.as_bytes(), self.style);
        self
    }

    /// Several text fields.
    pub fn texts(&mut self, values: &[&str]) -> &mut Self {
        for value in values {
            self.text(value);
        }
        self
    }

    /// Bytes that already hold `field_count` delimited fields in this style (a row fragment
    /// rendered once and reused for many rows).
    pub fn preformatted_fields(&mut self, value: &[u8], field_count: usize) -> &mut Self {
        self.separator();
        self.out.extend_from_slice(value);
        self.fields += field_count.saturating_sub(1);
        self
    }

    /// A field written exactly as given, never quoted (numbers, pre-rendered fragments).
    pub fn raw(&mut self, value: &[u8]) -> &mut Self {
        self.separator();
        self.out.extend_from_slice(value);
        self
    }

    pub fn integer(&mut self, value: i64) -> &mut Self {
        self.separator();
        let quote = self.style.quoting == Quoting::Always;
        if quote {
            self.out.push(b'"');
        }
        push_integer(self.out, i128::from(value));
        if quote {
            self.out.push(b'"');
        }
        self
    }

    /// A decimal with exactly `digits` fractional digits; the value must already have at most
    /// that many (round it first, and count the rounded value in the totals).
    pub fn decimal(&mut self, value: Decimal, digits: u32) -> &mut Self {
        self.separator();
        let quote = self.style.quoting == Quoting::Always
            || (self.style.quoting == Quoting::WhenNeeded && self.style.decimal_separator == self.style.delimiter);
        if quote {
            self.out.push(b'"');
        }
        push_decimal(self.out, value, digits, self.style.decimal_separator);
        if quote {
            self.out.push(b'"');
        }
        self
    }

    /// Empty fields up to a total of `count` fields, as spreadsheet exports pad rows.
    pub fn pad_to(&mut self, count: usize) -> &mut Self {
        while self.fields < count {
            self.separator();
        }
        self
    }

    pub fn end(&mut self) {
        self.out.extend_from_slice(self.style.line_ending.as_bytes());
    }
}

/// Appends `value`, quoted if the style asks for it.
pub fn push_quoted(out: &mut Vec<u8>, value: &[u8], style: TextStyle) {
    let needs_quotes = match style.quoting {
        Quoting::Always => true,
        Quoting::Never => false,
        // Every byte that forces quoting (the delimiters `,` `;` TAB, `"`, CR, LF) is below `<`,
        // so letters, the bulk of the text, are ruled out by one comparison.
        Quoting::WhenNeeded => value.iter().any(|&byte| {
            byte < b'<' && (byte == style.delimiter || byte == b'"' || byte == b'\n' || byte == b'\r')
        }),
    };
    if !needs_quotes {
        out.extend_from_slice(value);
        return;
    }
    out.push(b'"');
    for &byte in value {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    out.push(b'"');
}

/// Appends a decimal integer.
pub fn push_integer(out: &mut Vec<u8>, value: i128) {
    if value < 0 {
        out.push(b'-');
    }
    let magnitude = value.unsigned_abs();
    // 64-bit division is many times faster than 128-bit, and every realistic value fits.
    match u64::try_from(magnitude) {
        Ok(small) => push_unsigned(out, small),
        Err(_) => {
            let high = magnitude / 10_000_000_000_000_000_000;
            let low = (magnitude % 10_000_000_000_000_000_000) as u64;
            push_integer(out, high as i128);
            push_zero_padded(out, low, 19);
        }
    }
}

fn push_unsigned(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut position = digits.len();
    loop {
        position -= 1;
        digits[position] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[position..]);
}

/// `value` as exactly `width` digits, with leading zeros.
fn push_zero_padded(out: &mut Vec<u8>, mut value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let width = width.min(digits.len());
    for position in (0..width).rev() {
        digits[position] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    out.extend_from_slice(&digits[..width]);
}

/// Appends `value` with exactly `digits` fractional digits (rounded half-even if it has more)
/// and the given decimal separator.
pub fn push_decimal(out: &mut Vec<u8>, value: Decimal, digits: u32, decimal_separator: u8) {
    let digits = digits.min(12);
    let units = value.to_units_rounded(digits, RoundingMode::HalfEven);
    if units < 0 {
        out.push(b'-');
    }
    let magnitude = units.unsigned_abs();
    let divisor = 10u128.pow(digits);
    push_integer(out, (magnitude / divisor) as i128);
    if digits > 0 {
        out.push(decimal_separator);
        // The fraction is below 10^12, so it fits a u64.
        push_zero_padded(out, (magnitude % divisor) as u64, digits as usize);
    }
}

/// `value` rounded half-even to `digits`: the amount a format prints, and so the amount its
/// ground truth adds up.
pub fn rounded(value: Decimal, digits: u32) -> Decimal {
    value.round_to(digits, RoundingMode::HalfEven)
}

/// A decimal as text with exactly `digits` fractional digits.
pub fn decimal_text(value: Decimal, digits: u32) -> String {
    let mut out = Vec::with_capacity(24);
    push_decimal(&mut out, value, digits, b'.');
    String::from_utf8_lossy(&out).into_owned()
}

pub const MONTH_NAMES: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
];

pub fn month_name(month: Month) -> &'static str {
    MONTH_NAMES[usize::from(month.number().clamp(1, 12) - 1)]
}

/// `JUN-26`, Symphonic's reporting period.
pub fn month_abbreviation_upper_with_year(month: Month) -> String {
    let abbreviation: String = month_name(month).chars().take(3).collect::<String>().to_uppercase();
    format!("{abbreviation}-{:02}", month.year().rem_euclid(100))
}

/// `June 2026`.
pub fn month_name_with_year(month: Month) -> String {
    format!("{} {}", month_name(month), month.year())
}

/// `2026/01/31`.
pub fn date_with_slashes(date: Date) -> String {
    format!("{:04}/{:02}/{:02}", date.year(), date.month_number(), date.day())
}

/// `01/31/2026`, as Apple writes dates.
pub fn date_us_padded(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.month_number(), date.day(), date.year())
}

/// `1/31/2026 12:00:00 AM`, as CD Baby's exports write midnight.
pub fn date_us_midnight(date: Date) -> String {
    format!("{}/{}/{:04} 12:00:00 AM", date.month_number(), date.day(), date.year())
}

/// `1/31/26 4:49pm`, Bandcamp's timestamp.
pub fn date_time_bandcamp(date: Date, minute_of_day: u32) -> String {
    let hour = minute_of_day / 60 % 24;
    let minute = minute_of_day % 60;
    let (twelve_hour, suffix) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    format!(
        "{}/{}/{:02} {}:{:02}{}",
        date.month_number(),
        date.day(),
        date.year().rem_euclid(100),
        twelve_hour,
        minute,
        suffix
    )
}

/// `20260131`, YouTube's `Day` column.
pub fn date_compact(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month_number(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn quoting_follows_the_style() {
        let mut out = Vec::new();
        Row::new(&mut out, TextStyle::CSV).text("plain").text("a,b").text("say \"hi\"").integer(-3).end();
        assert_eq!(String::from_utf8(out).unwrap(), "plain,\"a,b\",\"say \"\"hi\"\"\",-3\n");
        let mut out = Vec::new();
        let believe = TextStyle { delimiter: b';', quoting: Quoting::Always, line_ending: "\r\n", decimal_separator: b',' };
        Row::new(&mut out, believe).text("x").decimal(Decimal::parse("-1.5").unwrap(), 2).integer(4).end();
        assert_eq!(String::from_utf8(out).unwrap(), "\"x\";\"-1,50\";\"4\"\r\n");
    }

    #[test]
    fn decimals_are_fixed_and_rounded_half_even() {
        let mut out = Vec::new();
        push_decimal(&mut out, Decimal::parse("0.125").unwrap(), 2, b'.');
        out.push(b' ');
        push_decimal(&mut out, Decimal::parse("-0.000001").unwrap(), 6, b'.');
        out.push(b' ');
        push_decimal(&mut out, Decimal::parse("12").unwrap(), 0, b'.');
        out.push(b' ');
        push_decimal(&mut out, Decimal::parse("123456789012345678.000000000001").unwrap(), 12, b'.');
        out.push(b' ');
        push_integer(&mut out, -170_141_183_460_469_231_731_687_303_715_884_105_728);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0.12 -0.000001 12 123456789012345678.000000000001 -170141183460469231731687303715884105728"
        );
    }

    #[test]
    fn padding_adds_empty_cells() {
        let mut out = Vec::new();
        Row::new(&mut out, TextStyle::TSV_CRLF).text("FOOT").integer(3).pad_to(5).end();
        assert_eq!(String::from_utf8(out).unwrap(), "FOOT\t3\t\t\t\r\n");
    }

    #[test]
    fn date_spellings() {
        assert_eq!(date_time_bandcamp(date("2026-01-01"), 4 * 60 + 49), "1/1/26 4:49am");
        assert_eq!(date_time_bandcamp(date("2026-11-30"), 12 * 60 + 5), "11/30/26 12:05pm");
        assert_eq!(date_time_bandcamp(date("2026-11-30"), 5), "11/30/26 12:05am");
        assert_eq!(date_us_midnight(date("2026-10-15")), "10/15/2026 12:00:00 AM");
        assert_eq!(date_us_padded(date("2026-02-03")), "02/03/2026");
        assert_eq!(date_with_slashes(date("2026-02-03")), "2026/02/03");
        let june = Month::parse("2026-06").unwrap();
        assert_eq!(month_abbreviation_upper_with_year(june), "JUN-26");
        assert_eq!(month_name_with_year(june), "June 2026");
        assert_eq!(date_compact(date("2026-02-03")), "20260203");
    }
}
