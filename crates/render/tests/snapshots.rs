//! Snapshot tests: the HTML, CSV and JSON of the fixture statement, byte for byte, against
//! `tests/snapshots/`. `UPDATE_SNAPSHOTS=1 cargo test -p ledgerline-render` rewrites them.

mod common;

use std::path::PathBuf;

use ledgerline_render::{render, Format};

fn check(name: &str, bytes: &[u8]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, bytes).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|error| panic!("{}: {error} (run with UPDATE_SNAPSHOTS=1 to write it)", path.display()));
    if expected != bytes {
        let actual = common::output_dir().join(name);
        std::fs::write(&actual, bytes).unwrap_or_else(|error| panic!("{}: {error}", actual.display()));
        let line = expected.split(|b| *b == b'\n').zip(bytes.split(|b| *b == b'\n')).position(|(a, b)| a != b).map_or(0, |l| l + 1);
        panic!(
            "{name} differs from its snapshot (first at line {line}); the new output is in {}; diff them, and run with UPDATE_SNAPSHOTS=1 if the change is intended",
            actual.display()
        );
    }
}

#[test]
fn html_matches_its_snapshot() {
    check("statement.html", &render(&common::fixture(), Format::Html).unwrap());
}

#[test]
fn csv_matches_its_snapshot() {
    check("statement.csv", &render(&common::fixture(), Format::Csv).unwrap());
}

#[test]
fn json_matches_its_snapshot_and_is_the_canonical_json() {
    let statement = common::fixture();
    let json = render(&statement, Format::Json).unwrap();
    assert_eq!(json, statement.canonical_json().into_bytes());
    check("statement.json", &json);
}

#[test]
fn every_format_is_deterministic() {
    let statement = common::fixture();
    for format in Format::ALL {
        let first = render(&statement, format).unwrap();
        let second = render(&common::fixture(), format).unwrap();
        assert!(first == second, "{format} output differs between two renderings of the same statement");
    }
}
