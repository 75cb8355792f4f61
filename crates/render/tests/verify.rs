//! Every format carries the statement's hash; a file verifies against the issued statement
//! byte for byte; a changed figure is found.

mod common;

use ledgerline_money::Decimal;
use ledgerline_render::{extract_hash, render, verify_against, Format, Verdict};

#[test]
fn every_format_carries_the_hash_and_is_detected() {
    let statement = common::fixture();
    let hash = statement.sha256();
    for format in Format::ALL {
        let bytes = render(&statement, format).unwrap();
        assert_eq!(Format::detect(&bytes), Some(format), "{format}");
        assert_eq!(extract_hash(&bytes, format).as_deref(), Some(hash.as_str()), "{format}");
        assert_eq!(verify_against(&bytes, format, &statement).unwrap(), Verdict::Matches, "{format}");
    }
}

#[test]
fn a_changed_figure_is_found_in_every_text_format() {
    let statement = common::fixture();
    let earnings = statement.summary.earnings.format_fixed(2, ledgerline_money::RoundingMode::HalfEven);
    // CSV: the summary row of earnings changed by a cent; the hash row still claims the issue.
    let csv = String::from_utf8(render(&statement, Format::Csv).unwrap()).unwrap();
    let forged_figure = (statement.summary.earnings + Decimal::parse("0.01").unwrap()).format_fixed(2, ledgerline_money::RoundingMode::HalfEven);
    let forged = csv.replace(&format!(",earnings,,,,,{earnings}\n"), &format!(",earnings,,,,,{forged_figure}\n"));
    assert_ne!(forged, csv, "the summary row is where the test expects it");
    match verify_against(forged.as_bytes(), Format::Csv, &statement).unwrap() {
        Verdict::ContentDiffers { offset } => assert!(offset > 0),
        other => panic!("expected ContentDiffers, got {other:?}"),
    }
    // JSON: a changed figure changes the hash itself, so no issued statement has it.
    let json = statement.canonical_json();
    let forged = json.replacen(&format!("\"earnings\":\"{}\"", statement.summary.earnings), &format!("\"earnings\":\"{forged_figure}\""), 1);
    assert_ne!(forged, json);
    match verify_against(forged.as_bytes(), Format::Json, &statement).unwrap() {
        Verdict::HashDiffers { claimed: Some(claimed), issued } => assert_ne!(claimed, issued),
        other => panic!("expected HashDiffers, got {other:?}"),
    }
    // HTML: a figure changed in the visible text.
    let html = String::from_utf8(render(&statement, Format::Html).unwrap()).unwrap();
    let forged = html.replacen("Ada Moreno", "Ada Moreno ", 1);
    assert!(matches!(verify_against(forged.as_bytes(), Format::Html, &statement).unwrap(), Verdict::ContentDiffers { .. }));
    // A file of another statement claims another hash.
    let mut other = common::fixture();
    other.payee_name = "Someone Else".into();
    let pdf = render(&other, Format::Pdf).unwrap();
    assert!(matches!(verify_against(&pdf, Format::Pdf, &statement).unwrap(), Verdict::HashDiffers { .. }));
}

#[test]
fn a_file_without_a_hash_claims_none() {
    assert_eq!(extract_hash(b"kind,contract\n", Format::Csv), None);
    assert_eq!(extract_hash(b"<!DOCTYPE html><p>hello</p>", Format::Html), None);
    assert_eq!(extract_hash(b"%PDF-1.7 nothing", Format::Pdf), None);
    assert_eq!(extract_hash(b"PK\x03\x04 not a zip", Format::Xlsx), None);
    assert_eq!(extract_hash(b"{\"not\":\"a statement\"}", Format::Json), None);
    assert_eq!(Format::detect(b"hello"), None);
}
