//! Reading a contract file never panics or hangs on any text: bad input is a list of errors,
//! each with the file, line and column.
#![no_main]

use ledgerline_contracts::parse_contract;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    if let Err(errors) = parse_contract(text, "contracts/fuzz.toml") {
        for error in &errors {
            assert!(error.line >= 1 && error.column >= 1, "an error without a position: {error:?}");
        }
    }
});
