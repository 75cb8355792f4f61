//! The DSR parser never panics or hangs on any text: bad input is a diagnostic or an error.
#![no_main]

use ledgerline_formats::{dsr, SaleLine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let mut open = || Ok::<_, std::io::Error>(std::io::Cursor::new(bytes));
    let mut lines: Vec<SaleLine> = Vec::new();
    let _ = dsr::parse(&mut open, "fuzz.tsv", &mut lines);
});
