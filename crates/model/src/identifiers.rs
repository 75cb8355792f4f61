//! Recording, product and work identifiers: ISRC, UPC/EAN (ICPN) and ISWC.
//!
//! Each type stores its normalised form, so two spellings of the same code
//! (with or without hyphens, any letter case) compare equal and hash alike.

use std::fmt;

use crate::error::{quoted_excerpt, IcpnError, IsrcError, IsrcPart, IswcError};

/// International Standard Recording Code (ISO 3901), stored as 12 upper-case
/// characters without hyphens, e.g. `USRC17600001`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Isrc(String);

const ISRC_LENGTH: usize = 12;

impl Isrc {
    /// Reads an ISRC written with or without hyphens (`US-RC1-76-00001` or
    /// `USRC17600001`), in any letter case, with surrounding whitespace.
    /// ISRCs carry no check digit, so only the structure can be verified.
    pub fn parse(text: &str) -> Result<Isrc, IsrcError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(IsrcError::Empty);
        }
        let length = trimmed
            .chars()
            .filter(|&character| character != '-')
            .count();
        if length != ISRC_LENGTH {
            return Err(IsrcError::WrongLength {
                text: quoted_excerpt(trimmed),
                length,
            });
        }
        let mut normalised = String::with_capacity(ISRC_LENGTH);
        for (position_index, character) in trimmed.chars().enumerate() {
            if character == '-' {
                continue;
            }
            // Every accepted character is ASCII, so the byte length so far is
            // also the index of this character within the ISRC.
            let part = IsrcPart::at_index(normalised.len());
            let accepted = match part {
                IsrcPart::CountryCode => character.is_ascii_alphabetic(),
                IsrcPart::Registrant => character.is_ascii_alphanumeric(),
                IsrcPart::Year | IsrcPart::Designation => character.is_ascii_digit(),
            };
            if !accepted {
                return Err(IsrcError::WrongCharacter {
                    text: quoted_excerpt(trimmed),
                    position: position_index + 1,
                    found: character,
                    part,
                });
            }
            normalised.push(character.to_ascii_uppercase());
        }
        Ok(Isrc(normalised))
    }

    /// The normalised form: 12 upper-case characters, no hyphens.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The two-letter country code of the registrant (not necessarily an ISO
    /// 3166 code: `QM`, `QZ` and `ZZ` are issued too).
    pub fn country_code(&self) -> &str {
        &self.0[0..2]
    }

    /// The three-character registrant code.
    pub fn registrant(&self) -> &str {
        &self.0[2..5]
    }

    /// The last two digits of the year of reference, 0 to 99.
    pub fn year_two_digits(&self) -> u8 {
        let digits = self.0.as_bytes();
        (digits[5] - b'0') * 10 + (digits[6] - b'0')
    }

    /// The five-digit designation code.
    pub fn designation(&self) -> &str {
        &self.0[7..12]
    }

    /// The conventional display form, `CC-XXX-YY-NNNNN`.
    pub fn to_hyphenated(&self) -> String {
        format!(
            "{}-{}-{}-{}",
            self.country_code(),
            self.registrant(),
            &self.0[5..7],
            self.designation()
        )
    }
}

impl fmt::Display for Isrc {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

text_conversions_via_parse!(Isrc, IsrcError, "an ISRC such as USRC17600001");

/// International Code Product Number: the barcode of a release, given as a
/// 12-digit UPC-A, a 13-digit EAN-13 or a 14-digit GTIN-14.
///
/// Stored as 13 digits (EAN-13) whenever the code fits in 13, because the same
/// product appears as UPC-A in one report and EAN-13 in another and must match.
/// A GTIN-14 whose first digit is not 0 cannot be shortened and stays 14 digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Icpn(String);

/// The name most distributor reports use for the same code.
pub type Upc = Icpn;

impl Icpn {
    /// Reads a product code. Tolerates what spreadsheet exports do to barcodes:
    /// surrounding whitespace, surrounding double quotes (`"880000000008"`), a
    /// leading apostrophe (`'0880000000008`), the formula form
    /// `="0880000000008"`, and spaces or hyphens between digit groups.
    /// Refuses anything that is not 12 to 14 digits with a valid GS1 check digit.
    pub fn parse(text: &str) -> Result<Icpn, IcpnError> {
        let inner = strip_spreadsheet_decoration(text);
        if inner.is_empty() {
            return Err(IcpnError::Empty);
        }
        let mut digits = String::with_capacity(14);
        for (position_index, character) in inner.chars().enumerate() {
            if character.is_ascii_digit() {
                digits.push(character);
            } else if character != ' ' && character != '-' {
                return Err(IcpnError::NotADigit {
                    text: quoted_excerpt(inner),
                    position: position_index + 1,
                    found: character,
                });
            }
        }
        let kind = match digits.len() {
            12 => "UPC",
            13 => "EAN",
            14 => "GTIN",
            other_length => {
                return Err(IcpnError::WrongLength {
                    text: quoted_excerpt(inner),
                    digits: other_length,
                })
            }
        };
        let (body, check_digit_text) = digits.split_at(digits.len() - 1);
        let found = check_digit_text.as_bytes()[0] - b'0';
        // The body is non-empty and all digits, so a check digit always exists.
        if let Some(expected) = gs1_check_digit(body) {
            if found != expected {
                return Err(IcpnError::WrongCheckDigit {
                    kind,
                    digits,
                    found,
                    expected,
                });
            }
        }
        // GS1 weights count from the right, so adding or removing leading
        // zeros keeps the check digit valid.
        let normalised = match digits.len() {
            12 => format!("0{digits}"),
            14 if digits.starts_with('0') => digits[1..].to_owned(),
            _ => digits,
        };
        Ok(Icpn(normalised))
    }

    /// The normalised form: 13 digits, or 14 for a GTIN-14 not starting with 0.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 12-digit UPC-A form, when the code has one (its EAN-13 starts with 0).
    pub fn to_upc_a(&self) -> Option<String> {
        match self.0.strip_prefix('0') {
            Some(upc_a) if self.0.len() == 13 => Some(upc_a.to_owned()),
            _ => None,
        }
    }

    /// The 14-digit GTIN-14 form, zero-padded on the left.
    pub fn to_gtin_14(&self) -> String {
        format!("{:0>14}", self.0)
    }
}

/// Removes the wrapping that spreadsheets add to keep a barcode's leading
/// zeros: whitespace, `"…"`, `="…"` and a leading `'`.
fn strip_spreadsheet_decoration(text: &str) -> &str {
    let mut inner = text.trim();
    if let Some(rest) = inner.strip_prefix('=') {
        if rest.starts_with('"') {
            inner = rest;
        }
    }
    if inner.len() >= 2 && inner.starts_with('"') && inner.ends_with('"') {
        inner = inner[1..inner.len() - 1].trim();
    }
    if let Some(rest) = inner.strip_prefix('\'') {
        inner = rest.trim();
    }
    inner
}

impl fmt::Display for Icpn {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

text_conversions_via_parse!(
    Icpn,
    IcpnError,
    "a UPC/EAN product code such as 0880000000008"
);

/// The GS1 mod-10 check digit for `body` (all the digits before the check
/// digit, any length), or `None` when `body` is empty or not all ASCII digits.
/// Shared by UPC-A, EAN-8, EAN-13, GTIN-14 and SSCC, so a generator can append
/// it to any body to make a valid code.
pub fn gs1_check_digit(body: &str) -> Option<u8> {
    if body.is_empty() {
        return None;
    }
    let mut sum_modulo_ten: u32 = 0;
    // Weights alternate 3, 1, 3, … starting from the rightmost body digit.
    for (index_from_right, byte) in body.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return None;
        }
        let digit = u32::from(byte - b'0');
        let weight = if index_from_right % 2 == 0 { 3 } else { 1 };
        sum_modulo_ten = (sum_modulo_ten + weight * digit) % 10;
    }
    u8::try_from((10 - sum_modulo_ten) % 10).ok()
}

/// International Standard Musical Work Code (ISO 15707), stored as `T`
/// followed by 10 digits, e.g. `T0345246801`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Iswc(String);

impl Iswc {
    /// Reads an ISWC written as `T-034.524.680-1` or `T0345246801` (any
    /// letter case, any placement of hyphens, dots and spaces) and verifies its
    /// check digit.
    pub fn parse(text: &str) -> Result<Iswc, IswcError> {
        let trimmed = text.trim();
        let mut characters = trimmed.chars();
        let first = match characters.next() {
            None => return Err(IswcError::Empty),
            Some(first) => first,
        };
        if first != 'T' && first != 't' {
            return Err(IswcError::MissingLetterT {
                text: quoted_excerpt(trimmed),
                found: first,
            });
        }
        let mut digits = String::with_capacity(10);
        for (index_after_letter, character) in characters.enumerate() {
            if character.is_ascii_digit() {
                digits.push(character);
            } else if !matches!(character, '-' | '.' | ' ') {
                return Err(IswcError::NotADigit {
                    text: quoted_excerpt(trimmed),
                    position: index_after_letter + 2,
                    found: character,
                });
            }
        }
        if digits.len() != 10 {
            return Err(IswcError::WrongLength {
                text: quoted_excerpt(trimmed),
                digits: digits.len(),
            });
        }
        let (work_digits, check_digit_text) = digits.split_at(9);
        let found = check_digit_text.as_bytes()[0] - b'0';
        if let Some(expected) = iswc_check_digit(work_digits) {
            if found != expected {
                return Err(IswcError::WrongCheckDigit {
                    text: quoted_excerpt(trimmed),
                    found,
                    expected,
                });
            }
        }
        Ok(Iswc(format!("T{digits}")))
    }

    /// The normalised form, `T` and 10 digits without separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The conventional display form, `T-034.524.680-1`.
    pub fn to_display(&self) -> String {
        format!(
            "T-{}.{}.{}-{}",
            &self.0[1..4],
            &self.0[4..7],
            &self.0[7..10],
            &self.0[10..11]
        )
    }
}

impl fmt::Display for Iswc {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

text_conversions_via_parse!(Iswc, IswcError, "an ISWC such as T-034.524.680-1");

/// The ISWC check digit for the 9 work digits, or `None` unless given exactly
/// 9 ASCII digits: sum = 1 + Σ i·dᵢ (i = 1..9), check = (10 − sum mod 10) mod 10.
/// The leading 1 is the weight of the letter T.
pub fn iswc_check_digit(nine_digits: &str) -> Option<u8> {
    if nine_digits.len() != 9 {
        return None;
    }
    let mut sum: u32 = 1;
    for (weight, byte) in (1..).zip(nine_digits.bytes()) {
        if !byte.is_ascii_digit() {
            return None;
        }
        sum += weight * u32::from(byte - b'0');
    }
    u8::try_from((10 - sum % 10) % 10).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeserializeError, StrDeserializer};
    use serde::de::IntoDeserializer;
    use serde::Deserialize;

    fn isrc_error(text: &str) -> String {
        match Isrc::parse(text) {
            Ok(isrc) => format!("unexpectedly valid: {isrc}"),
            Err(error) => error.to_string(),
        }
    }

    fn icpn_error(text: &str) -> String {
        match Icpn::parse(text) {
            Ok(icpn) => format!("unexpectedly valid: {icpn}"),
            Err(error) => error.to_string(),
        }
    }

    fn iswc_error(text: &str) -> String {
        match Iswc::parse(text) {
            Ok(iswc) => format!("unexpectedly valid: {iswc}"),
            Err(error) => error.to_string(),
        }
    }

    // ---------------------------------------------------------------- ISRC

    #[test]
    fn isrc_accepts_compact_hyphenated_lower_case_and_padded_forms() {
        for text in [
            "USRC17600001",
            "US-RC1-76-00001",
            "usrc17600001",
            "us-rc1-76-00001",
            "  USRC17600001\t",
        ] {
            let isrc = Isrc::parse(text).expect(text);
            assert_eq!(isrc.as_str(), "USRC17600001", "{text}");
        }
    }

    #[test]
    fn isrc_parts_and_display_forms() {
        let isrc = Isrc::parse("gb-a1b-09-12345").expect("valid ISRC");
        assert_eq!(isrc.country_code(), "GB");
        assert_eq!(isrc.registrant(), "A1B");
        assert_eq!(isrc.year_two_digits(), 9);
        assert_eq!(isrc.designation(), "12345");
        assert_eq!(isrc.to_hyphenated(), "GB-A1B-09-12345");
        assert_eq!(isrc.to_string(), "GBA1B0912345");
        assert_eq!("GBA1B0912345".parse::<Isrc>(), Ok(isrc));
    }

    #[test]
    fn isrc_spellings_of_one_code_are_equal() {
        let compact = Isrc::parse("USRC17600001").expect("valid");
        let hyphenated = Isrc::parse("us-rc1-76-00001").expect("valid");
        assert_eq!(compact, hyphenated);
    }

    #[test]
    fn isrc_refuses_empty_input() {
        let expected = "ISRC is empty; an ISRC has 12 characters (CC-XXX-YY-NNNNN)";
        assert_eq!(isrc_error(""), expected);
        assert_eq!(isrc_error("   "), expected);
    }

    #[test]
    fn isrc_refuses_wrong_lengths() {
        assert_eq!(
            isrc_error("USRC1760001"),
            "ISRC \"USRC1760001\" has 11 characters; an ISRC has 12 (CC-XXX-YY-NNNNN)"
        );
        assert_eq!(
            isrc_error("USRC176000011"),
            "ISRC \"USRC176000011\" has 13 characters; an ISRC has 12 (CC-XXX-YY-NNNNN)"
        );
        assert_eq!(
            isrc_error("US-RC1-76-0001"),
            "ISRC \"US-RC1-76-0001\" has 11 characters not counting hyphens; an ISRC has 12 (CC-XXX-YY-NNNNN)"
        );
    }

    #[test]
    fn isrc_refuses_wrong_character_classes_naming_the_position() {
        assert_eq!(
            isrc_error("U1RC17600001"),
            "ISRC \"U1RC17600001\": character 2 is '1', but the country code (CC in CC-XXX-YY-NNNNN) must be letters A-Z"
        );
        assert_eq!(
            isrc_error("USR_17600001"),
            "ISRC \"USR_17600001\": character 4 is '_', but the registrant code (XXX in CC-XXX-YY-NNNNN) must be letters A-Z or digits"
        );
        assert_eq!(
            isrc_error("USRC1X600001"),
            "ISRC \"USRC1X600001\": character 6 is 'X', but the year (YY in CC-XXX-YY-NNNNN) must be digits"
        );
        // Positions count the characters as given, hyphens included.
        assert_eq!(
            isrc_error("US-RC1-76-0000O"),
            "ISRC \"US-RC1-76-0000O\": character 15 is 'O', but the designation (NNNNN in CC-XXX-YY-NNNNN) must be digits"
        );
        assert_eq!(
            isrc_error("ÜSRC17600001"),
            "ISRC \"ÜSRC17600001\": character 1 is 'Ü', but the country code (CC in CC-XXX-YY-NNNNN) must be letters A-Z"
        );
    }

    #[test]
    fn isrc_serde_reads_and_validates_strings() {
        let deserializer: StrDeserializer<DeserializeError> = "us-rc1-76-00001".into_deserializer();
        let isrc = Isrc::deserialize(deserializer).expect("valid");
        assert_eq!(isrc.as_str(), "USRC17600001");

        let deserializer: StrDeserializer<DeserializeError> = "USRC1760001".into_deserializer();
        let error = Isrc::deserialize(deserializer).expect_err("too short");
        assert_eq!(
            error.to_string(),
            "ISRC \"USRC1760001\" has 11 characters; an ISRC has 12 (CC-XXX-YY-NNNNN)"
        );
    }

    // ---------------------------------------------------------------- GS1

    #[test]
    fn gs1_check_digit_matches_known_codes() {
        // 036000291452 is the UPC-A printed in GS1's own examples.
        assert_eq!(gs1_check_digit("03600029145"), Some(2));
        // 4006381333931 is a widely cited valid EAN-13.
        assert_eq!(gs1_check_digit("400638133393"), Some(1));
        assert_eq!(gs1_check_digit("12345678901"), Some(2));
        // 880000000001 looks like a barcode but is not a valid UPC-A: its check digit is 8.
        assert_eq!(gs1_check_digit("88000000000"), Some(8));
        assert_eq!(gs1_check_digit("1234567890123"), Some(1));
        assert_eq!(gs1_check_digit("0"), Some(0));
        assert_eq!(gs1_check_digit(""), None);
        assert_eq!(gs1_check_digit("12a4"), None);
    }

    // ---------------------------------------------------------------- ICPN

    #[test]
    fn icpn_normalises_upc_a_to_ean_13() {
        let upc = Upc::parse("036000291452").expect("valid UPC-A");
        assert_eq!(upc.as_str(), "0036000291452");
        assert_eq!(upc.to_upc_a().as_deref(), Some("036000291452"));
        assert_eq!(upc.to_gtin_14(), "00036000291452");
    }

    #[test]
    fn icpn_keeps_ean_13_and_has_no_upc_a_form_unless_it_starts_with_zero() {
        let ean = Icpn::parse("4006381333931").expect("valid EAN-13");
        assert_eq!(ean.as_str(), "4006381333931");
        assert_eq!(ean.to_upc_a(), None);
        assert_eq!(ean.to_string(), "4006381333931");
    }

    #[test]
    fn icpn_shortens_gtin_14_with_leading_zero_and_keeps_others() {
        let shortened = Icpn::parse("00036000291452").expect("valid GTIN-14");
        assert_eq!(shortened.as_str(), "0036000291452");
        assert_eq!(shortened, Icpn::parse("036000291452").expect("valid UPC-A"));

        let full = Icpn::parse("12345678901231").expect("valid GTIN-14");
        assert_eq!(full.as_str(), "12345678901231");
        assert_eq!(full.to_upc_a(), None);
        assert_eq!(full.to_gtin_14(), "12345678901231");
    }

    #[test]
    fn icpn_tolerates_spreadsheet_decoration_and_separators() {
        for text in [
            "880000000008",
            "0880000000008",
            "  880000000008  ",
            "\"880000000008\"",
            "\" 880000000008 \"",
            "'0880000000008",
            "=\"0880000000008\"",
            "8 80000 00000 8",
            "0-880000-000008",
            "00880000000008",
        ] {
            let icpn = Icpn::parse(text).expect(text);
            assert_eq!(icpn.as_str(), "0880000000008", "{text}");
        }
    }

    #[test]
    fn icpn_refuses_empty_input() {
        let expected =
            "product code is empty; expected a 12-digit UPC-A, a 13-digit EAN-13 or a 14-digit GTIN-14";
        assert_eq!(icpn_error(""), expected);
        assert_eq!(icpn_error("  "), expected);
        assert_eq!(icpn_error("\"\""), expected);
    }

    #[test]
    fn icpn_refuses_wrong_lengths() {
        assert_eq!(
            icpn_error("88000000001"),
            "product code \"88000000001\" has 11 digits; a UPC-A has 12, an EAN-13 13 and a GTIN-14 14"
        );
        assert_eq!(
            icpn_error("'123456789012345"),
            "product code \"123456789012345\" has 15 digits; a UPC-A has 12, an EAN-13 13 and a GTIN-14 14"
        );
        assert_eq!(
            icpn_error("- -"),
            "product code \"- -\" has 0 digits; a UPC-A has 12, an EAN-13 13 and a GTIN-14 14"
        );
    }

    #[test]
    fn icpn_refuses_non_digits_naming_the_position() {
        assert_eq!(
            icpn_error("88000000A001"),
            "product code \"88000000A001\": character 9 is 'A', but a UPC/EAN/GTIN has only digits (spaces and hyphens are ignored)"
        );
        // Scientific notation is what a spreadsheet makes of an unquoted barcode.
        assert_eq!(
            icpn_error("8.8E+11"),
            "product code \"8.8E+11\": character 2 is '.', but a UPC/EAN/GTIN has only digits (spaces and hyphens are ignored)"
        );
    }

    #[test]
    fn icpn_refuses_wrong_check_digits_naming_the_code_kind() {
        assert_eq!(
            icpn_error("123456789013"),
            "UPC \"123456789013\" check digit is 3, expected 2"
        );
        assert_eq!(
            icpn_error("4006381333932"),
            "EAN \"4006381333932\" check digit is 2, expected 1"
        );
        assert_eq!(
            icpn_error("12345678901234"),
            "GTIN \"12345678901234\" check digit is 4, expected 1"
        );
        assert_eq!(
            icpn_error("\"1234 5678 9013\""),
            "UPC \"123456789013\" check digit is 3, expected 2"
        );
    }

    #[test]
    fn icpn_generated_codes_are_accepted() {
        // What a synthetic-data generator does: pick a body, append the digit.
        for body in [
            "00000000000",
            "99999999999",
            "088000000000",
            "5012345678900",
        ] {
            let check_digit = gs1_check_digit(body).expect("digits");
            let code = format!("{body}{check_digit}");
            assert!(Icpn::parse(&code).is_ok(), "{code}");
        }
    }

    #[test]
    fn icpn_serde_reads_and_validates_strings() {
        let deserializer: StrDeserializer<DeserializeError> = "'036000291452".into_deserializer();
        assert_eq!(
            Icpn::deserialize(deserializer).map(|icpn| icpn.to_string()),
            Ok("0036000291452".to_owned())
        );
        let deserializer: StrDeserializer<DeserializeError> = "036000291453".into_deserializer();
        assert!(Icpn::deserialize(deserializer).is_err());
    }

    // ---------------------------------------------------------------- ISWC

    #[test]
    fn iswc_check_digit_matches_known_codes() {
        // T-034.524.680-1: 1 + 1·0 + 2·3 + 3·4 + 4·5 + 5·2 + 6·4 + 7·6 + 8·8 + 9·0
        // = 179, and (10 − 9) mod 10 = 1.
        assert_eq!(iswc_check_digit("034524680"), Some(1));
        // T-000.000.001-0, the first ISWC ever allocated: 1 + 9·1 = 10 → 0.
        assert_eq!(iswc_check_digit("000000001"), Some(0));
        // T-010.304.620-0, sometimes quoted as an example, does not verify: the sum is 97,
        // so its check digit is 3 (T-010.304.620-3).
        assert_eq!(iswc_check_digit("010304620"), Some(3));
        assert_eq!(iswc_check_digit("03452468"), None);
        assert_eq!(iswc_check_digit("0345246800"), None);
        assert_eq!(iswc_check_digit("03452468x"), None);
    }

    #[test]
    fn iswc_accepts_display_and_compact_forms() {
        for text in [
            "T-034.524.680-1",
            "T0345246801",
            "t-034.524.680-1",
            " T 034 524 680 1 ",
            "T-034524680-1",
        ] {
            let iswc = Iswc::parse(text).expect(text);
            assert_eq!(iswc.as_str(), "T0345246801", "{text}");
            assert_eq!(iswc.to_display(), "T-034.524.680-1", "{text}");
        }
        let first = Iswc::parse("T-000.000.001-0").expect("valid");
        assert_eq!(first.to_string(), "T0000000010");
        assert_eq!("T0000000010".parse::<Iswc>(), Ok(first));
        assert!(Iswc::parse("T-010.304.620-3").is_ok());
    }

    #[test]
    fn iswc_refuses_empty_input() {
        let expected = "ISWC is empty; an ISWC is T followed by 10 digits (T-034.524.680-1)";
        assert_eq!(iswc_error(""), expected);
        assert_eq!(iswc_error(" \t "), expected);
    }

    #[test]
    fn iswc_refuses_a_missing_letter_t() {
        assert_eq!(
            iswc_error("0345246801"),
            "ISWC \"0345246801\" starts with '0'; an ISWC starts with the letter T (T-034.524.680-1)"
        );
        assert_eq!(
            iswc_error("X-034.524.680-1"),
            "ISWC \"X-034.524.680-1\" starts with 'X'; an ISWC starts with the letter T (T-034.524.680-1)"
        );
    }

    #[test]
    fn iswc_refuses_non_digits_naming_the_position() {
        assert_eq!(
            iswc_error("T-034.5Z4.680-1"),
            "ISWC \"T-034.5Z4.680-1\": character 8 is 'Z', but after the T an ISWC has only digits, hyphens and dots (T-034.524.680-1)"
        );
        assert_eq!(
            iswc_error("TT0345246801"),
            "ISWC \"TT0345246801\": character 2 is 'T', but after the T an ISWC has only digits, hyphens and dots (T-034.524.680-1)"
        );
    }

    #[test]
    fn iswc_refuses_wrong_lengths() {
        assert_eq!(
            iswc_error("T-034.524.680"),
            "ISWC \"T-034.524.680\" has 9 digits after the T; an ISWC has 10 (T-034.524.680-1)"
        );
        assert_eq!(
            iswc_error("T03452468011"),
            "ISWC \"T03452468011\" has 11 digits after the T; an ISWC has 10 (T-034.524.680-1)"
        );
    }

    #[test]
    fn iswc_refuses_wrong_check_digits() {
        assert_eq!(
            iswc_error("T-034.524.680-2"),
            "ISWC \"T-034.524.680-2\" check digit is 2, expected 1"
        );
        assert_eq!(
            iswc_error("T-010.304.620-0"),
            "ISWC \"T-010.304.620-0\" check digit is 0, expected 3"
        );
    }

    #[test]
    fn iswc_serde_reads_and_validates_strings() {
        let deserializer: StrDeserializer<DeserializeError> = "T-034.524.680-1".into_deserializer();
        assert_eq!(
            Iswc::deserialize(deserializer).map(|iswc| iswc.to_string()),
            Ok("T0345246801".to_owned())
        );
        let deserializer: StrDeserializer<DeserializeError> = "T-034.524.680-9".into_deserializer();
        assert!(Iswc::deserialize(deserializer).is_err());
    }
}
