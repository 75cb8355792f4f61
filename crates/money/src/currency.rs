//! ISO 4217 currencies with their minor units, and [`Money`]: an amount in a currency.

use std::fmt;
use std::str::FromStr;

use crate::allocation::{allocate, AllocationError};
use crate::decimal::Decimal;
use crate::rounding::RoundingMode;

/// An ISO 4217 currency code known to Ledgerline, e.g. `EUR`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    code: [u8; 3],
    minor_digits: u8,
}

/// Active ISO 4217 codes (plus a few recently withdrawn ones that still appear in older
/// reports: HRK, SLL, ANG, ZWL) and their minor units. Sorted by code for binary search.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2),
    ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2),
    ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BOV", 2), ("BRL", 2),
    ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2),
    ("CHE", 2), ("CHF", 2), ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2),
    ("COU", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2),
    ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2),
    ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0),
    ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HRK", 2), ("HTG", 2), ("HUF", 2),
    ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2),
    ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2),
    ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2),
    ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2),
    ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2),
    ("MXN", 2), ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2),
    ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2),
    ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2),
    ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2),
    ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SLL", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2),
    ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2),
    ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2),
    ("UGX", 0), ("USD", 2), ("USN", 2), ("UYI", 0), ("UYU", 2), ("UYW", 4), ("UZS", 2),
    ("VED", 2), ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2),
    ("XCG", 2), ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
    ("ZWL", 2),
];

/// A text that is not a known ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency \"{given}\"; expected an ISO 4217 code such as EUR, USD or GBP")]
pub struct CurrencyError {
    pub given: String,
}

impl Currency {
    pub const EUR: Currency = Currency { code: *b"EUR", minor_digits: 2 };
    pub const USD: Currency = Currency { code: *b"USD", minor_digits: 2 };
    pub const GBP: Currency = Currency { code: *b"GBP", minor_digits: 2 };
    pub const JPY: Currency = Currency { code: *b"JPY", minor_digits: 0 };

    /// Looks up a code, case-insensitively, ignoring surrounding spaces.
    pub fn parse(text: &str) -> Result<Currency, CurrencyError> {
        let trimmed = text.trim();
        let error = || CurrencyError { given: text.to_string() };
        let bytes = trimmed.as_bytes();
        if bytes.len() != 3 {
            return Err(error());
        }
        let code = [
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ];
        CURRENCIES
            .binary_search_by(|(candidate, _)| candidate.as_bytes().cmp(&code[..]))
            .map(|found| Currency { code, minor_digits: CURRENCIES[found].1 })
            .map_err(|_| error())
    }

    pub fn code(&self) -> &str {
        // The code bytes come from the ASCII table above, so this cannot fail.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point in the currency's minor unit (EUR 2, JPY 0, KWD 3).
    pub fn minor_digits(&self) -> u32 {
        u32::from(self.minor_digits)
    }

    /// Every currency Ledgerline knows, in code order.
    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES.iter().map(|(code, minor_digits)| {
            let bytes = code.as_bytes();
            Currency { code: [bytes[0], bytes[1], bytes[2]], minor_digits: *minor_digits }
        })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.pad(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Currency::parse(text)
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An exact amount in one currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

/// Arithmetic across currencies, which must go through FX first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {left} with {right}: convert one currency first")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("{amount} {currency} is finer than the currency's minor unit (0.{zeros}1)", zeros = "0".repeat((currency.minor_digits() as usize).saturating_sub(1)))]
    FinerThanMinorUnit { amount: Decimal, currency: Currency },
    #[error(transparent)]
    Allocation(#[from] AllocationError),
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money { amount: Decimal::ZERO, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency });
        }
        Ok(Money { amount: self.amount + other.amount, currency: self.currency })
    }

    /// Rounded to the currency's minor unit: the named rounding point of statement amounts.
    pub fn round_to_minor_unit(self, mode: RoundingMode) -> Money {
        Money { amount: self.amount.round_to(self.currency.minor_digits(), mode), currency: self.currency }
    }

    /// Splits this amount among `weights` in minor units; the parts add up to the amount.
    /// The amount must already be in whole minor units (round it first, at a named point).
    pub fn allocate(self, weights: &[Decimal]) -> Result<Vec<Money>, MoneyError> {
        if self.amount.to_units(self.currency.minor_digits()).is_none() {
            return Err(MoneyError::FinerThanMinorUnit { amount: self.amount, currency: self.currency });
        }
        let parts = allocate(self.amount, weights, self.currency.minor_digits())?;
        Ok(parts.into_iter().map(|amount| Money { amount, currency: self.currency }).collect())
    }
}

impl fmt::Display for Money {
    /// `1234.50 EUR`: always the currency's minor digits.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.currency.minor_digits().max(self.amount.fractional_digits());
        write!(formatter, "{} {}", self.amount.format_fixed(digits, RoundingMode::HalfEven), self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Money({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in CURRENCIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        assert!(Currency::all().all(|currency| Currency::parse(currency.code()) == Ok(currency)));
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        let digits = |code: &str| Currency::parse(code).unwrap().minor_digits();
        assert_eq!(digits("EUR"), 2);
        assert_eq!(digits("jpy"), 0);
        assert_eq!(digits(" KWD "), 3);
        assert_eq!(digits("CLF"), 4);
        assert_eq!(digits("ISK"), 0);
        assert_eq!(
            Currency::parse("EURO").unwrap_err().to_string(),
            "unknown currency \"EURO\"; expected an ISO 4217 code such as EUR, USD or GBP"
        );
        assert!(Currency::parse("XYZ").is_err());
    }

    #[test]
    fn money_refuses_mixed_currencies_and_sub_minor_allocation() {
        let euros = Money::new(Decimal::parse("10").unwrap(), Currency::EUR);
        let dollars = Money::new(Decimal::parse("10").unwrap(), Currency::USD);
        assert_eq!(
            euros.checked_add(dollars).unwrap_err().to_string(),
            "cannot combine EUR with USD: convert one currency first"
        );
        let fine = Money::new(Decimal::parse("10.001").unwrap(), Currency::EUR);
        assert_eq!(
            fine.allocate(&[Decimal::ONE]).unwrap_err().to_string(),
            "10.001 EUR is finer than the currency's minor unit (0.01)"
        );
        let parts = euros.allocate(&[Decimal::ONE, Decimal::ONE, Decimal::ONE]).unwrap();
        let shown: Vec<String> = parts.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["3.34 EUR", "3.33 EUR", "3.33 EUR"]);
    }
}
