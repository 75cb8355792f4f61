//! What every CLI test needs: run the real binary in a home, read what it printed.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `ledgerline --home HOME ARGUMENTS…`, with no LEDGERLINE_HOME from the environment.
pub fn ledgerline(home: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ledgerline"))
        .arg("--home")
        .arg(home)
        .args(arguments)
        .env_remove("LEDGERLINE_HOME")
        .output()
        .expect("the ledgerline binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Stdout as the one JSON document `--json` promises.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is one JSON document ({error}): {}", stdout(output)))
}

/// An exact decimal string of a JSON document, as a `Decimal`.
pub fn decimal(value: &serde_json::Value) -> ledgerline_money::Decimal {
    ledgerline_money::Decimal::parse(value.as_str().unwrap_or_else(|| panic!("an exact decimal string: {value}"))).unwrap()
}
