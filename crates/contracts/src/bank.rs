//! Bank details: IBAN (ISO 13616, with its mod-97 check) and BIC (ISO 9362).
//!
//! Checked when the contract is read, because a mistyped account number found only when the
//! label pays means a payment sent to a stranger or bounced weeks later.

use std::fmt;

use ledgerline_model::CountryCode;
use serde::Serialize;

/// An International Bank Account Number, stored in its electronic form: upper case, no spaces.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iban(String);

/// A Business Identifier Code (SWIFT code), 8 or 11 characters, upper case.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bic(String);

/// IBAN lengths of the countries that issue them (SWIFT IBAN registry), so that a number with a
/// digit too many or too few is named as such rather than as a failed checksum. Countries not
/// listed get the general checks only. Sorted by code for binary search.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
    ("BH", 22), ("BR", 29), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24), ("DE", 22), ("DK", 18),
    ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18), ("FO", 18), ("FR", 27), ("GB", 22),
    ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HR", 21), ("HU", 28), ("IE", 22),
    ("IL", 23), ("IS", 26), ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32),
    ("LI", 21), ("LT", 20), ("LU", 20), ("LV", 21), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19),
    ("MR", 27), ("MT", 31), ("MU", 30), ("NL", 18), ("NO", 15), ("PK", 24), ("PL", 28), ("PS", 29),
    ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("SA", 24), ("SE", 24), ("SI", 19), ("SK", 24),
    ("SM", 27), ("TN", 24), ("TR", 26), ("UA", 29), ("VG", 24), ("XK", 20),
];

const IBAN_MINIMUM_LENGTH: usize = 15;
const IBAN_MAXIMUM_LENGTH: usize = 34;

/// The ISO 7064 MOD 97-10 remainder of an IBAN: the first four characters moved to the end,
/// letters read as 10 to 35. A valid IBAN gives 1. `None` if a character is not A-Z or 0-9.
pub fn iban_remainder(electronic_form: &str) -> Option<u32> {
    let (head, tail) = electronic_form.split_at(electronic_form.len().min(4));
    let mut remainder: u32 = 0;
    for character in tail.chars().chain(head.chars()) {
        let value = character.to_digit(36)?;
        // Letters are two digits, digits one: shift the running remainder accordingly.
        remainder = if value >= 10 { (remainder * 100 + value) % 97 } else { (remainder * 10 + value) % 97 };
    }
    Some(remainder)
}

/// The two check digits that make `country` + check digits + `bban` a valid IBAN.
pub fn iban_check_digits(country: &str, bban: &str) -> Option<u32> {
    let remainder = iban_remainder(&format!("{country}00{bban}"))?;
    Some(98 - remainder)
}

impl Iban {
    /// Reads an IBAN written in groups of four or run together, in any letter case.
    pub fn parse(text: &str) -> Result<Iban, String> {
        let written = text.trim();
        let electronic: String = written.chars().filter(|character| !character.is_whitespace()).collect::<String>().to_ascii_uppercase();
        if electronic.is_empty() {
            return Err("the IBAN is empty".to_string());
        }
        if let Some(character) = electronic.chars().find(|character| !character.is_ascii_alphanumeric()) {
            return Err(format!("IBAN \"{written}\" contains '{character}'; an IBAN has only letters and digits (spaces between groups are fine)"));
        }
        let country = electronic.get(0..2).unwrap_or("");
        if country.len() < 2 || !country.chars().all(|character| character.is_ascii_alphabetic()) {
            return Err(format!("IBAN \"{written}\" does not start with a two-letter country code"));
        }
        if CountryCode::from_alpha2(country).is_err() {
            return Err(format!("IBAN \"{written}\" starts with \"{country}\", which is not a country code"));
        }
        if !electronic.get(2..4).is_some_and(|digits| digits.chars().all(|character| character.is_ascii_digit())) {
            return Err(format!("IBAN \"{written}\" has no check digits after the country code (two digits, as in NL91…)"));
        }
        match IBAN_LENGTHS.binary_search_by(|(code, _)| (*code).cmp(country)) {
            Ok(index) if IBAN_LENGTHS[index].1 != electronic.len() => {
                return Err(format!(
                    "IBAN \"{written}\" has {} characters; a {country} IBAN has {}",
                    electronic.len(),
                    IBAN_LENGTHS[index].1
                ));
            }
            Ok(_) => {}
            Err(_) if !(IBAN_MINIMUM_LENGTH..=IBAN_MAXIMUM_LENGTH).contains(&electronic.len()) => {
                return Err(format!(
                    "IBAN \"{written}\" has {} characters; an IBAN has {IBAN_MINIMUM_LENGTH} to {IBAN_MAXIMUM_LENGTH}",
                    electronic.len()
                ));
            }
            Err(_) => {}
        }
        match iban_remainder(&electronic) {
            Some(1) => Ok(Iban(electronic)),
            Some(remainder) => Err(format!(
                "IBAN \"{written}\" fails its check (mod 97 gives {remainder}, not 1): a character is mistyped or two are swapped"
            )),
            None => Err(format!("IBAN \"{written}\" has a character that is not a letter or digit")),
        }
    }

    /// Upper case, no spaces: `NL91ABNA0417164300`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form, in groups of four: `NL91 ABNA 0417 1643 00`.
    pub fn to_grouped(&self) -> String {
        let characters: Vec<char> = self.0.chars().collect();
        characters.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

impl Bic {
    /// Reads a BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (location) and
    /// optionally 3 letters or digits (branch).
    pub fn parse(text: &str) -> Result<Bic, String> {
        let written = text.trim();
        let code = written.to_ascii_uppercase();
        let shape = "a BIC is 8 or 11 characters: bank (4 letters), country (2 letters), location (2 letters or digits), optional branch (3)";
        if code.len() != 8 && code.len() != 11 {
            return Err(format!("BIC \"{written}\" has {} characters; {shape}", code.chars().count()));
        }
        let bytes = code.as_bytes();
        if !bytes[0..4].iter().all(u8::is_ascii_alphabetic) {
            return Err(format!("BIC \"{written}\": the bank code (first 4 characters) must be letters; {shape}"));
        }
        let country = &code[4..6];
        if CountryCode::from_alpha2(country).is_err() {
            return Err(format!("BIC \"{written}\": characters 5 and 6 (\"{country}\") must be a country code; {shape}"));
        }
        if !bytes[6..].iter().all(u8::is_ascii_alphanumeric) {
            return Err(format!("BIC \"{written}\": location and branch must be letters or digits; {shape}"));
        }
        Ok(Bic(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.to_grouped())
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl Serialize for Iban {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl Serialize for Bic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_example_ibans_in_any_spacing() {
        for text in ["NL91 ABNA 0417 1643 00", "GB82WEST12345698765432", "de89 3704 0044 0532 0130 00", "FR1420041010050500013M02606"] {
            let iban = Iban::parse(text).unwrap_or_else(|error| panic!("{error}"));
            assert!(!iban.as_str().contains(' '));
        }
        assert_eq!(Iban::parse("nl91abna0417164300").unwrap().to_grouped(), "NL91 ABNA 0417 1643 00");
    }

    #[test]
    fn refuses_typos_with_the_reason() {
        assert!(Iban::parse("NL91ABNA0417164301").unwrap_err().contains("mod 97 gives"));
        assert!(Iban::parse("NL91ABNA041716430").unwrap_err().contains("a NL IBAN has 18"));
        assert!(Iban::parse("QQ91ABNA0417164300").unwrap_err().contains("not a country code"));
        assert!(Iban::parse("NL9XABNA0417164300").unwrap_err().contains("check digits"));
        assert!(Iban::parse("NL91-ABNA-0417164300").unwrap_err().contains("'-'"));
    }

    #[test]
    fn check_digits_make_a_valid_iban() {
        let digits = iban_check_digits("NL", "ABNA0417164300").unwrap();
        assert_eq!(digits, 91);
    }

    #[test]
    fn bic_shapes() {
        assert_eq!(Bic::parse("abnanl2a").unwrap().as_str(), "ABNANL2A");
        assert!(Bic::parse("DEUTDEFF500").is_ok());
        assert!(Bic::parse("ABNANL2").unwrap_err().contains("7 characters"));
        assert!(Bic::parse("AB1ANL2A").unwrap_err().contains("bank code"));
        assert!(Bic::parse("ABNAQQ2A").unwrap_err().contains("country code"));
    }
}
