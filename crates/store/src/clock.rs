//! UTC timestamps for the records the store keeps (when an import ran, when a statement was
//! issued). Only the store reads the clock; the engine never does.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as RFC 3339 UTC with second precision, e.g. `2026-11-23T23:30:00Z`.
pub fn utc_timestamp_now() -> String {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    format_unix_seconds(seconds)
}

/// The UTC time `seconds` from now, in the same form as [`utc_timestamp_now`]; such timestamps
/// compare as text in time order.
pub fn utc_timestamp_in(seconds: u64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    format_unix_seconds(now.saturating_add(seconds))
}

fn format_unix_seconds(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let second_of_day = seconds % 86_400;
    let (year, month, day) = ledgerline_model::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}


#[cfg(test)]
mod tests {
    use super::format_unix_seconds;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_unix_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_unix_seconds(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_unix_seconds(1_795_476_600), "2026-11-23T23:30:00Z");
    }
}
