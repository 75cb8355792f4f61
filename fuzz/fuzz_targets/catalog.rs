//! Reading a catalog file (the catalog, parties and aliases CSV layouts, DDEX ERN XML) never
//! panics or hangs on any bytes: bad input is a list of problems.
//!
//! The kind is told by content, not by name, so every input reaches the CSV or the ERN reader by
//! its first character; the file name (used in messages only) still varies with the first byte.
#![no_main]

use ledgerline_catalog::read_catalog_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let file_name = match bytes.first() {
        Some(byte) if byte % 2 == 0 => "catalog.csv",
        _ => "ern.xml",
    };
    let _ = read_catalog_file(file_name, bytes);
});
