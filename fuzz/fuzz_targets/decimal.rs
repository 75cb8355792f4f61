//! Decimal parsing never panics, and what it accepts prints back to the same value.
#![no_main]

use ledgerline_money::{Decimal, NumberStyle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for style in [NumberStyle::PLAIN, NumberStyle::DECIMAL_COMMA, NumberStyle::ENGLISH_GROUPED, NumberStyle::CONTINENTAL_GROUPED] {
        if let Ok(value) = Decimal::parse_bytes(bytes, style) {
            assert_eq!(Decimal::parse(&value.to_string()), Ok(value));
        }
    }
});
