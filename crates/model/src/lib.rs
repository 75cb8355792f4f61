//! The vocabulary shared by every Ledgerline crate: validated identifiers
//! (ISRC, UPC/EAN product codes, ISWC), territories (ISO 3166-1 countries and
//! "worldwide") and accounting periods (months, quarters, halves, years).
//!
//! Every type here is built by parsing text and can only hold a valid value,
//! so code that receives one never has to check it again. Parsing is lenient
//! about the harmless noise found in distributor reports (hyphens, quotes,
//! letter case, surrounding whitespace) and strict about everything else; each
//! error message quotes what was given and says what is wrong with it.
//!
//! What this crate is not: it does no I/O and no money arithmetic (amounts
//! live in `ledgerline-money`), and it never uses floating point.

/// Implements `FromStr` and serde for a type as its canonical string:
/// serialising writes `Display`, deserialising runs the type's own `parse`, so
/// a value read from a file is validated exactly like a value typed by a person.
macro_rules! text_conversions_via_parse {
    ($type_name:ty, $error_type:ty, $expecting:literal) => {
        impl std::str::FromStr for $type_name {
            type Err = $error_type;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                <$type_name>::parse(text)
            }
        }

        impl serde::Serialize for $type_name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type_name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct CanonicalStringVisitor;

                impl serde::de::Visitor<'_> for CanonicalStringVisitor {
                    type Value = $type_name;

                    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                        formatter.write_str($expecting)
                    }

                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                        <$type_name>::parse(text).map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(CanonicalStringVisitor)
            }
        }
    };
}

pub mod error;
pub mod identifiers;
pub mod period;
pub mod territory;
pub mod text;

pub use error::{
    CalendarItem, CalendarProblem, IcpnError, IsrcError, IsrcPart, IswcError, ModelError,
    PeriodError, TerritoryError,
};
pub use identifiers::{gs1_check_digit, iswc_check_digit, Icpn, Isrc, Iswc, Upc};
pub use period::{
    civil_from_days, is_leap_year, Date, Half, Month, MonthIter, Period, PeriodKind, Quarter, Year,
    FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR,
};
pub use territory::{all_countries, CountryCode, Territory};
