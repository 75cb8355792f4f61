//! XLSX statements (Amuse): cells read exactly from the sheet XML, dates from serial days,
//! diagnostics at sheet row and column, damaged workbooks refused naming the file.

use std::path::{Path, PathBuf};

use ledgerline_formats::registry::Registry;
use ledgerline_formats::report::{self, Layout};
use ledgerline_formats::source::open_report;
use ledgerline_formats::SaleLine;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const HEADER: [&str; 14] = [
    "Transaction date", "Type", "Source", "Royalty Date", "Service", "UPC", "ISRC", "Artist", "Release", "Track", "Quantity",
    "Amount", "Split", "Total",
];

/// A statement with a title row, the header on row 2 and three data rows; `total_of_second`
/// is written as text when it does not parse as a number.
fn statement(folder: &Path, name: &str, total_of_second: &str) -> PathBuf {
    let mut workbook = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Amuse statement").unwrap();
    for (column, name) in HEADER.iter().enumerate() {
        sheet.write_string(1, column as u16, *name).unwrap();
    }
    let rows: [(&str, &str, f64, &str); 3] =
        [("Credit", "Streaming", 12.0, "0.1234567"), ("Credit", "Download", 1.0, total_of_second), ("Debit", "Withdrawal", 0.0, "-25.5")];
    for (index, (kind, source, quantity, total)) in rows.into_iter().enumerate() {
        let row = index as u32 + 2;
        sheet.write_datetime_with_format(row, 0, ExcelDateTime::from_ymd(2026, 2, 3).unwrap(), &date).unwrap();
        sheet.write_string(row, 1, kind).unwrap();
        sheet.write_string(row, 2, source).unwrap();
        if kind == "Credit" {
            sheet.write_datetime_with_format(row, 3, ExcelDateTime::from_ymd(2026, 1, 17).unwrap(), &date).unwrap();
            sheet.write_string(row, 4, "Deezer").unwrap();
            sheet.write_string(row, 5, "014549210301").unwrap();
            sheet.write_string(row, 6, "USFEG1500041").unwrap();
            sheet.write_string(row, 7, "Ada & Co").unwrap();
            sheet.write_string(row, 8, "Release <1>").unwrap();
            sheet.write_string(row, 9, "Tune").unwrap();
            sheet.write_number(row, 10, quantity).unwrap();
            sheet.write_number(row, 12, 100.0).unwrap();
        }
        match total.parse::<f64>() {
            Ok(number) => {
                if kind == "Credit" {
                    sheet.write_number(row, 11, number).unwrap();
                }
                sheet.write_number(row, 13, number).unwrap();
            }
            Err(_) => {
                sheet.write_string(row, 11, total).unwrap();
                sheet.write_string(row, 13, total).unwrap();
            }
        }
    }
    let path = folder.join(name);
    workbook.save(&path).unwrap();
    path
}

fn read(path: &Path, name: &str) -> (Vec<SaleLine>, Vec<String>) {
    let parts = open_report(path, name).unwrap();
    assert_eq!(parts.len(), 1, "an XLSX is one part, not a ZIP of members");
    assert!(parts[0].is_xlsx());
    let detection = report::detect::<std::convert::Infallible>(&parts[0], &Registry::built_in(), false).unwrap();
    assert_eq!(detection.format.source, "amuse");
    assert!(matches!(&detection.layout, Layout::Sheet { shape, .. } if shape.header_row == 2));
    let mut lines = Vec::new();
    let summary = report::read(&parts[0], &detection, &mut lines).unwrap();
    (lines, summary.summary.diagnostics.iter().map(ToString::to_string).collect())
}

#[test]
fn numbers_dates_and_text_are_read_exactly() {
    let folder = tempfile::tempdir().unwrap();
    let path = statement(folder.path(), "statement.xlsx", "2.5");
    let (lines, diagnostics) = read(&path, "statement.xlsx");
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(lines.len(), 2, "the Debit (withdrawal) row is skipped");
    assert_eq!(lines[0].net.to_string(), "0.1234567");
    assert_eq!(lines[0].gross.map(|gross| gross.to_string()).as_deref(), Some("0.1234567"));
    assert_eq!(lines[0].units, 12);
    assert_eq!(lines[0].sale_start.to_string(), "2026-01-17");
    assert_eq!(lines[0].sale_end.to_string(), "2026-01-17");
    assert_eq!(lines[0].reporting_month.map(|month| month.to_string()).as_deref(), Some("2026-02"));
    assert_eq!(lines[0].artist, "Ada & Co");
    assert_eq!(lines[0].release_title, "Release <1>");
    assert_eq!(lines[0].currency.code(), "USD");
    assert_eq!(lines[0].line_number, 3, "the sheet's row number");
}

#[test]
fn a_non_numeric_amount_is_reported_at_its_sheet_row_and_column() {
    let folder = tempfile::tempdir().unwrap();
    let path = statement(folder.path(), "bad-total.xlsx", "n/a");
    let (lines, diagnostics) = read(&path, "bad-total.xlsx");
    assert_eq!(lines.len(), 1);
    assert!(
        diagnostics.iter().any(|diagnostic| diagnostic.starts_with("bad-total.xlsx:4:14: error: not a decimal number")
            && diagnostic.ends_with("(column \"Total\", value \"n/a\")")),
        "{diagnostics:#?}"
    );
    assert!(diagnostics.iter().any(|diagnostic| diagnostic.starts_with("bad-total.xlsx:4:12: ")), "Amount (column L) too: {diagnostics:#?}");
}

#[test]
fn a_truncated_workbook_is_refused_naming_the_file() {
    let folder = tempfile::tempdir().unwrap();
    let path = statement(folder.path(), "whole.xlsx", "2.5");
    let bytes = std::fs::read(&path).unwrap();
    for cut in [bytes.len() / 2, bytes.len() - 10, 200] {
        let truncated = folder.path().join("cut.xlsx");
        std::fs::write(&truncated, &bytes[..cut]).unwrap();
        let error = open_report(&truncated, "cut.xlsx").unwrap_err().to_string();
        assert!(error.starts_with("cut.xlsx: a damaged XLSX workbook that cannot be read (truncated or corrupt)"), "{cut}: {error}");
    }
}

/// A workbook of the members the reader needs, with `sheet` as its first worksheet's XML.
fn workbook_with_sheet(folder: &Path, name: &str, sheet: &[u8]) -> PathBuf {
    use std::io::Write;
    let path = folder.join(name);
    let mut archive = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let members: [(&str, &[u8]); 5] = [
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", br#"<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ("xl/styles.xml", br#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (member, bytes) in members {
        archive.start_file(member, zip::write::SimpleFileOptions::default()).unwrap();
        archive.write_all(bytes).unwrap();
    }
    archive.finish().unwrap();
    path
}

#[test]
fn a_row_numbered_past_the_last_row_number_is_refused_not_a_panic() {
    // Found with the xlsx fuzz target: a numberless row after row u64::MAX overflowed the row count.
    let folder = tempfile::tempdir().unwrap();
    let sheet = br#"<worksheet><sheetData><row r="18446744073709551615"/><row/></sheetData></worksheet>"#;
    let path = workbook_with_sheet(folder.path(), "rows.xlsx", sheet);
    let error = ledgerline_formats::xlsx::rows_of(&path, "rows.xlsx").unwrap_err().to_string();
    assert!(error.starts_with("rows.xlsx: a damaged XLSX workbook"), "{error}");
    assert!(error.ends_with("xl/worksheets/sheet1.xml: the row after row 18446744073709551615 is past the last row number"), "{error}");
}

#[test]
fn a_date_serial_past_9999_stays_the_number_as_stored() {
    // Found with the xlsx fuzz target: a huge serial in a date-styled cell overflowed the day count.
    let folder = tempfile::tempdir().unwrap();
    let sheet = br#"<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>9223372036854775807</v></c><c r="B1" s="1"><v>46023</v></c></row></sheetData></worksheet>"#;
    let path = workbook_with_sheet(folder.path(), "dates.xlsx", sheet);
    let rows = ledgerline_formats::xlsx::rows_of(&path, "dates.xlsx").unwrap();
    assert_eq!(rows, vec![(1, vec!["9223372036854775807".to_string(), "2026-01-01".to_string()])]);
}

#[test]
fn a_sheet_with_a_header_and_no_rows_is_a_report_without_sales() {
    let folder = tempfile::tempdir().unwrap();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "Amuse statement").unwrap();
    for (column, name) in HEADER.iter().enumerate() {
        sheet.write_string(1, column as u16, *name).unwrap();
    }
    let path = folder.path().join("empty.xlsx");
    workbook.save(&path).unwrap();
    let (lines, diagnostics) = read(&path, "empty.xlsx");
    assert!(lines.is_empty());
    assert_eq!(
        diagnostics,
        ["empty.xlsx:2: warning: the report has a header but no rows: recorded as a report without sales (if the sender's report has sales, the file was cut off: get it again)"]
    );
}
