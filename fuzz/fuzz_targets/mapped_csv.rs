//! Layout detection and the mapped-CSV reader never panic on any text, with every built-in
//! mapping.
#![no_main]

use ledgerline_formats::registry::Registry;
use ledgerline_formats::{tabular, SaleLine};
use libfuzzer_sys::fuzz_target;

// Parsing the built-in mappings once keeps the fuzzer on the reader, not on TOML.
static REGISTRY: std::sync::LazyLock<Registry> = std::sync::LazyLock::new(Registry::built_in);

fuzz_target!(|bytes: &[u8]| {
    if let Ok((mapping, shape)) = tabular::detect(bytes, REGISTRY.mappings()) {
        let mut lines: Vec<SaleLine> = Vec::new();
        let _ = tabular::read_rows(bytes, "fuzz.csv", mapping, &shape, &mut lines);
    }
});
