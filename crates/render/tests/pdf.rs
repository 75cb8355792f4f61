//! The PDF: text extracted with pdftotext (Debian: poppler-utils) carries the statement's
//! figures and hash, pages are numbered, tables break across pages with their header
//! repeated, and page 1 renders to PNG with pdftoppm.

mod common;

use std::process::Command;

use ledgerline_money::RoundingMode;
use ledgerline_render::{extract_hash, render_pdf, Format};

fn grouped(amount: ledgerline_money::Decimal) -> String {
    let plain = amount.format_fixed(2, RoundingMode::HalfEven);
    let (sign, body) = plain.strip_prefix('-').map_or(("", plain.as_str()), |rest| ("-", rest));
    let (integer, fraction) = body.split_once('.').unwrap();
    let mut out = String::from(sign);
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    format!("{out}.{fraction}")
}

fn tools() {
    for tool in ["pdftotext", "pdftoppm", "pdfinfo"] {
        assert!(common::have(tool), "{tool} is missing: install Debian's poppler-utils (scripts/setup.sh does)");
    }
}

#[test]
fn the_pdf_text_carries_every_summary_figure_page_numbers_and_the_hash() {
    tools();
    let statement = common::fixture();
    let pdf = render_pdf(&statement).unwrap();
    let dir = common::output_dir();
    let path = dir.join("statement.pdf");
    std::fs::write(&path, &pdf).unwrap();

    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(info.status.success(), "pdfinfo: {}", String::from_utf8_lossy(&info.stderr));
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 4, "200 lines make a multi-page statement, got {pages}");
    assert!(info.contains("Page size:") && info.contains("595.276 x 841.89"), "A4: {info}");
    let hash = statement.sha256();
    assert!(info.contains(&format!("ledgerline-statement-sha256:{hash}")), "the hash in the document information: {info}");
    assert!(!info.contains("CreationDate"), "no creation date: {info}");
    assert_eq!(extract_hash(&pdf, Format::Pdf).as_deref(), Some(hash.as_str()));

    let text = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    std::fs::write(dir.join("statement.txt"), &text).unwrap();
    let pages_text: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(pages_text.len(), pages);
    for (index, page) in pages_text.iter().enumerate() {
        assert!(page.contains(&format!("Page {} of {pages}", index + 1)), "page {} is numbered", index + 1);
        assert!(page.contains(&format!("SHA-256 {hash}")), "page {} carries the hash", index + 1);
    }
    let s = &statement.summary;
    for (name, value) in [
        ("Opening balance", s.opening_balance),
        ("Earnings", s.earnings),
        ("Transfers paid away", -s.transfers_out),
        ("Advances and costs charged", -s.charges),
        ("Payments made", -s.payments),
        ("Adjustments to earlier periods", s.adjustments),
        ("Closing balance", s.closing_balance),
        ("Payable to you", s.payable),
        ("Held in reserve", s.reserves_balance),
    ] {
        let line = text.lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name} in the PDF text"));
        assert!(line.trim_end().ends_with(&grouped(value)), "{name}: expected {} in `{line}`", grouped(value));
    }
    // Every earning line's amount appears, and the detail table repeats its header on each page.
    let continued = text.matches("Earning lines (EUR) (continued)").count();
    assert!(continued >= 2, "the line detail runs over pages with its caption and header repeated");
    let headers = text.lines().filter(|l| l.contains("Contract") && l.contains("Receipts*") && l.contains("Earnings") && l.contains("Rate")).count();
    assert_eq!(headers, continued + 1, "the header row is repeated on every page of the detail");
    assert!(text.contains("How your royalty was computed"));
    assert!(text.contains("Earnings by month of sale") && text.contains("Earnings by territory"));
    assert!(text.contains("ledgerline verify FILE"));
    assert!(text.contains("Lanterns, Slowly"));
    // A title too long for its column is cut with an ellipsis (the HTML, CSV and XLSX keep it whole).
    assert!(text.contains("Night Ferry (Live at the \"Round"));
}

#[test]
fn page_one_renders_to_png() {
    tools();
    let pdf = render_pdf(&common::fixture()).unwrap();
    let dir = common::output_dir();
    let path = dir.join("page.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let prefix = dir.join("statement-page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-f", "1", "-l", "3"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(status.success());
    let png = std::fs::read(dir.join("statement-page-1.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // An A4 page at 110 dpi is 910 × 1287 pixels.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (910, 1287));
    assert!(png.len() > 40_000, "page 1 has content ({} bytes)", png.len());
}
