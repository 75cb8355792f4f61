//! The lake's schema: one column per [`SaleLine`](ledgerline_formats::SaleLine) field, and the
//! exact conversions between field values and column values.
//!
//! | column              | Arrow type                                           | Parquet physical / logical type              | nullable |
//! |---------------------|------------------------------------------------------|----------------------------------------------|----------|
//! | `line_number`       | `UInt64`                                             | INT64 / INTEGER(64, unsigned), delta-encoded | no       |
//! | `sale_start`        | `Date32`                                             | INT32 / DATE                                 | no       |
//! | `sale_end`          | `Date32`                                             | INT32 / DATE                                 | no       |
//! | `reporting_month`   | `Date32`, first day of the month                     | INT32 / DATE                                 | yes      |
//! | `service`           | `Utf8`                                               | BYTE_ARRAY / STRING                          | no       |
//! | `territory`         | `Utf8`, alpha-2 or `WW`                              | BYTE_ARRAY / STRING                          | no       |
//! | `usage`             | `Utf8`, `stream` `download` `physical` `ugc` `other` | BYTE_ARRAY / STRING                          | no       |
//! | `tier`              | `Utf8`, `premium` `ad-supported` `trial` `other`     | BYTE_ARRAY / STRING                          | no       |
//! | `reported_upc`      | `Utf8`, as reported                                  | BYTE_ARRAY / STRING                          | no       |
//! | `reported_isrc`     | `Utf8`, as reported                                  | BYTE_ARRAY / STRING                          | no       |
//! | `upc`               | `Utf8`, normalized 13 (or 14) digits                 | BYTE_ARRAY / STRING                          | yes      |
//! | `isrc`              | `Utf8`, normalized 12 characters                     | BYTE_ARRAY / STRING                          | yes      |
//! | `catalog_number`    | `Utf8`                                               | BYTE_ARRAY / STRING                          | no       |
//! | `proprietary_id`    | `Utf8`                                               | BYTE_ARRAY / STRING                          | no       |
//! | `release_title`     | `Utf8`                                               | BYTE_ARRAY / STRING                          | no       |
//! | `track_title`       | `Utf8`                                               | BYTE_ARRAY / STRING                          | no       |
//! | `artist`            | `Utf8`                                               | BYTE_ARRAY / STRING                          | no       |
//! | `units`             | `Int64`                                              | INT64                                        | no       |
//! | `gross`             | `Decimal128(38, 12)`                                 | FIXED_LEN_BYTE_ARRAY(16) / DECIMAL(38, 12)   | yes      |
//! | `net`               | `Decimal128(38, 12)`                                 | FIXED_LEN_BYTE_ARRAY(16) / DECIMAL(38, 12)   | no       |
//! | `currency`          | `Utf8`, ISO 4217 code                                | BYTE_ARRAY / STRING                          | no       |
//! | `original_currency` | `Utf8`, ISO 4217 code                                | BYTE_ARRAY / STRING                          | yes      |
//! | `fx_rate`           | `Decimal128(38, 12)`                                 | FIXED_LEN_BYTE_ARRAY(16) / DECIMAL(38, 12)   | yes      |
//!
//! Choices:
//! - **Money** is `Decimal128(38, 12)`: the stored integer is exactly
//!   [`Decimal::scaled`](ledgerline_money::Decimal::scaled), so DuckDB, Polars or pyarrow read
//!   exact decimals, never floats. A value needs at most 38 digits, i.e. an absolute value below
//!   10²⁶; anything larger is refused at write time (it cannot come from a parsed report).
//! - **Months** are stored as `Date32` of the month's first day (`2026-07` is `2026-07-01`):
//!   a typed column, comparable with `sale_start`/`sale_end`, with useful min/max statistics;
//!   reading refuses a value that is not the first of a month.
//! - **Enumerations** are their stable kebab-case names ([`UsageType::name`],
//!   [`Tier::name`]), so a query reads `usage = 'stream'`.
//! - **Strings** are plain `Utf8` in the Arrow schema; the lake's encoder
//!   ([`crate::encode`]) dictionary-encodes every string column chunk, which is what keeps
//!   service, territory, usage, tier and currency small on disk. Other tools therefore see
//!   ordinary string columns, not categoricals.
//! - Validated identifiers (`upc`, `isrc`) hold their normalized form and are validated again
//!   when read, like every other typed value.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef};
use ledgerline_formats::{Tier, UsageType};
use ledgerline_model::{Date, Month};

/// Version of the column layout, stored in each file's key-value metadata.
pub const SCHEMA_VERSION: &str = "1";
/// Key-value metadata key holding [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "ledgerline.lake.schema_version";
/// Key-value metadata key holding the import key (the report's SHA-256).
pub const IMPORT_KEY_KEY: &str = "ledgerline.lake.import_key";

/// Precision and scale of every money column: `DECIMAL(38, 12)`.
pub const MONEY_PRECISION: u8 = 38;
pub const MONEY_SCALE: i8 = 12;
/// Largest absolute scaled value a `DECIMAL(38, …)` holds: 10³⁸ − 1.
pub(crate) const MAX_MONEY_SCALED: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

pub(crate) mod column {
    pub const LINE_NUMBER: &str = "line_number";
    pub const SALE_START: &str = "sale_start";
    pub const SALE_END: &str = "sale_end";
    pub const REPORTING_MONTH: &str = "reporting_month";
    pub const SERVICE: &str = "service";
    pub const TERRITORY: &str = "territory";
    pub const USAGE: &str = "usage";
    pub const TIER: &str = "tier";
    pub const REPORTED_UPC: &str = "reported_upc";
    pub const REPORTED_ISRC: &str = "reported_isrc";
    pub const UPC: &str = "upc";
    pub const ISRC: &str = "isrc";
    pub const CATALOG_NUMBER: &str = "catalog_number";
    pub const PROPRIETARY_ID: &str = "proprietary_id";
    pub const RELEASE_TITLE: &str = "release_title";
    pub const TRACK_TITLE: &str = "track_title";
    pub const ARTIST: &str = "artist";
    pub const UNITS: &str = "units";
    pub const GROSS: &str = "gross";
    pub const NET: &str = "net";
    pub const CURRENCY: &str = "currency";
    pub const ORIGINAL_CURRENCY: &str = "original_currency";
    pub const FX_RATE: &str = "fx_rate";
}

fn money() -> DataType {
    DataType::Decimal128(MONEY_PRECISION, MONEY_SCALE)
}

/// The Arrow schema of every lake file, in [`SaleLine`](ledgerline_formats::SaleLine) field
/// order.
pub fn lake_schema() -> SchemaRef {
    use column::*;
    let fields = vec![
        Field::new(LINE_NUMBER, DataType::UInt64, false),
        Field::new(SALE_START, DataType::Date32, false),
        Field::new(SALE_END, DataType::Date32, false),
        Field::new(REPORTING_MONTH, DataType::Date32, true),
        Field::new(SERVICE, DataType::Utf8, false),
        Field::new(TERRITORY, DataType::Utf8, false),
        Field::new(USAGE, DataType::Utf8, false),
        Field::new(TIER, DataType::Utf8, false),
        Field::new(REPORTED_UPC, DataType::Utf8, false),
        Field::new(REPORTED_ISRC, DataType::Utf8, false),
        Field::new(UPC, DataType::Utf8, true),
        Field::new(ISRC, DataType::Utf8, true),
        Field::new(CATALOG_NUMBER, DataType::Utf8, false),
        Field::new(PROPRIETARY_ID, DataType::Utf8, false),
        Field::new(RELEASE_TITLE, DataType::Utf8, false),
        Field::new(TRACK_TITLE, DataType::Utf8, false),
        Field::new(ARTIST, DataType::Utf8, false),
        Field::new(UNITS, DataType::Int64, false),
        Field::new(GROSS, money(), true),
        Field::new(NET, money(), false),
        Field::new(CURRENCY, DataType::Utf8, false),
        Field::new(ORIGINAL_CURRENCY, DataType::Utf8, true),
        Field::new(FX_RATE, money(), true),
    ];
    Arc::new(Schema::new(fields))
}

/// Days from 1970-01-01 to 1970-03-01 shifted to the proleptic era start (0000-03-01).
const DAYS_FROM_ERA_START_TO_UNIX_EPOCH: i64 = 719_468;
const DAYS_PER_400_YEARS: i64 = 146_097;

/// Days since 1970-01-01 (Arrow `Date32`), by the proleptic Gregorian calendar.
///
/// Integer-only civil-to-days conversion (H. Hinnant's algorithm, with the year starting in
/// March so that the leap day is the last day of the shifted year).
pub(crate) fn date_to_days(date: Date) -> i32 {
    let month = i64::from(date.month_number());
    let day = i64::from(date.day());
    let year = i64::from(date.year()) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * DAYS_PER_400_YEARS + day_of_era - DAYS_FROM_ERA_START_TO_UNIX_EPOCH;
    // Supported years are 1900..=2999, about ±380,000 days from 1970: always fits.
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

/// The date `days` after 1970-01-01, or why it is not a supported date.
pub(crate) fn days_to_date(days: i32) -> Result<Date, String> {
    let shifted = i64::from(days) + DAYS_FROM_ERA_START_TO_UNIX_EPOCH;
    let era = shifted.div_euclid(DAYS_PER_400_YEARS);
    let day_of_era = shifted - era * DAYS_PER_400_YEARS;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let out_of_range = || format!("{days} days after 1970-01-01 is outside the supported years");
    let year = i32::try_from(year).map_err(|_| out_of_range())?;
    let month = u8::try_from(month).map_err(|_| out_of_range())?;
    let day = u8::try_from(day).map_err(|_| out_of_range())?;
    Date::new(year, month, day).map_err(|error| error.to_string())
}

/// A month as the `Date32` of its first day.
pub(crate) fn month_to_days(month: Month) -> i32 {
    date_to_days(month.first_day())
}

/// The month whose first day is `days` after 1970-01-01.
pub(crate) fn days_to_month(days: i32) -> Result<Month, String> {
    let date = days_to_date(days)?;
    if date.day() == 1 {
        Ok(date.month())
    } else {
        Err(format!("{date} is not the first day of a month"))
    }
}

const ALL_USAGES: [UsageType; 5] = [
    UsageType::Stream,
    UsageType::Download,
    UsageType::Physical,
    UsageType::Ugc,
    UsageType::Other,
];
const ALL_TIERS: [Tier; 4] = [Tier::Premium, Tier::AdSupported, Tier::Trial, Tier::Other];

/// Fails to compile when a variant is added to [`UsageType`] or [`Tier`], so that
/// [`ALL_USAGES`] and [`ALL_TIERS`] (and with them what the reader accepts) are kept complete.
#[allow(dead_code)]
fn variant_lists_are_complete(usage: UsageType, tier: Tier) {
    match usage {
        UsageType::Stream
        | UsageType::Download
        | UsageType::Physical
        | UsageType::Ugc
        | UsageType::Other => {}
    }
    match tier {
        Tier::Premium | Tier::AdSupported | Tier::Trial | Tier::Other => {}
    }
}

pub(crate) fn parse_usage(text: &str) -> Option<UsageType> {
    ALL_USAGES.into_iter().find(|usage| usage.name() == text)
}

pub(crate) fn parse_tier(text: &str) -> Option<Tier> {
    ALL_TIERS.into_iter().find(|tier| tier.name() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_dates() {
        let epoch = Date::new(1970, 1, 1).unwrap();
        assert_eq!(date_to_days(epoch), 0);
        assert_eq!(date_to_days(Date::new(2000, 3, 1).unwrap()), 11_017);
        assert_eq!(date_to_days(Date::new(1969, 12, 31).unwrap()), -1);
        assert_eq!(date_to_days(Date::new(2026, 7, 1).unwrap()), 20_635);
    }

    #[test]
    fn every_supported_day_round_trips_in_order() {
        let first = date_to_days(Date::new(1900, 1, 1).unwrap());
        let last = date_to_days(Date::new(2999, 12, 31).unwrap());
        let mut previous: Option<Date> = None;
        for days in first..=last {
            let date = days_to_date(days).unwrap();
            assert_eq!(date_to_days(date), days);
            if let Some(previous) = previous {
                assert!(previous < date);
            }
            previous = Some(date);
        }
        assert!(days_to_date(first - 1).is_err());
        assert!(days_to_date(last + 1).is_err());
        assert!(days_to_date(i32::MIN).is_err());
        assert!(days_to_date(i32::MAX).is_err());
    }

    #[test]
    fn months_are_first_days() {
        let month = Month::new(2026, 7).unwrap();
        assert_eq!(days_to_month(month_to_days(month)).unwrap(), month);
        assert!(days_to_month(month_to_days(month) + 1).is_err());
    }

    #[test]
    fn enum_names_round_trip() {
        for usage in ALL_USAGES {
            assert_eq!(parse_usage(usage.name()), Some(usage));
        }
        for tier in ALL_TIERS {
            assert_eq!(parse_tier(tier.name()), Some(tier));
        }
        assert_eq!(parse_usage("Stream"), None);
    }
}
