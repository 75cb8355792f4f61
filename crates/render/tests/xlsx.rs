//! The XLSX read back (unzipped, the sheet XML parsed): totals, exact columns, the hash cell
//! and document properties.

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use ledgerline_money::Decimal;
use ledgerline_render::{extract_hash, render_xlsx, Format};
use quick_xml::events::Event;

/// The text an event carries: character data, or an entity reference resolved.
fn text_of(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(text) => Some(text.xml10_content().unwrap().into_owned()),
        Event::GeneralRef(reference) => Some(if reference.is_char_ref() {
            reference.resolve_char_ref().unwrap().unwrap().to_string()
        } else {
            let name = reference.decode().unwrap();
            quick_xml::escape::resolve_predefined_entity(&name).unwrap().to_string()
        }),
        _ => None,
    }
}

struct Sheet {
    /// Cell reference (`B9`) → (value as written, formula if any).
    cells: BTreeMap<String, (String, Option<String>)>,
}

fn entry(archive: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> String {
    let mut text = String::new();
    archive.by_name(name).unwrap_or_else(|error| panic!("{name}: {error}")).read_to_string(&mut text).unwrap();
    text
}

fn shared_strings(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let mut in_text = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"si" => current = Some(String::new()),
            Event::Start(e) if e.name().as_ref() == b"t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"t" => in_text = false,
            event @ (Event::Text(_) | Event::GeneralRef(_)) if in_text => {
                if let (Some(current), Some(text)) = (current.as_mut(), text_of(&event)) {
                    current.push_str(&text);
                }
            }
            Event::End(e) if e.name().as_ref() == b"si" => strings.push(current.take().unwrap()),
            Event::Eof => break,
            _ => {}
        }
    }
    strings
}

fn sheet(xml: &str, strings: &[String]) -> Sheet {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cells = BTreeMap::new();
    let (mut reference, mut kind) = (String::new(), String::new());
    let (mut value, mut formula) = (String::new(), None::<String>);
    let mut field: Option<&'static str> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"c" => {
                reference.clear();
                kind.clear();
                value.clear();
                formula = None;
                for attribute in e.attributes() {
                    let attribute = attribute.unwrap();
                    match attribute.key.as_ref() {
                        b"r" => reference = String::from_utf8(attribute.value.to_vec()).unwrap(),
                        b"t" => kind = String::from_utf8(attribute.value.to_vec()).unwrap(),
                        _ => {}
                    }
                }
            }
            Event::Start(e) if e.name().as_ref() == b"v" => field = Some("v"),
            Event::Start(e) if e.name().as_ref() == b"f" => field = Some("f"),
            Event::End(e) if matches!(e.name().as_ref(), b"v" | b"f") => field = None,
            event @ (Event::Text(_) | Event::GeneralRef(_)) => match (field, text_of(&event)) {
                (Some("v"), Some(text)) => value.push_str(&text),
                (Some("f"), Some(text)) => formula.get_or_insert_with(String::new).push_str(&text),
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == b"c" => {
                let shown = if kind == "s" { strings[value.parse::<usize>().unwrap()].clone() } else { value.clone() };
                cells.insert(reference.clone(), (shown, formula.clone()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Sheet { cells }
}

impl Sheet {
    fn get(&self, reference: &str) -> &str {
        self.cells.get(reference).map(|(v, _)| v.as_str()).unwrap_or_else(|| panic!("cell {reference}"))
    }
}

#[test]
fn the_workbook_reads_back_with_exact_totals_and_the_hash() {
    let statement = common::fixture();
    let bytes = render_xlsx(&statement).unwrap();
    std::fs::write(common::output_dir().join("statement.xlsx"), &bytes).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let workbook = entry(&mut archive, "xl/workbook.xml");
    assert!(workbook.contains("name=\"Summary\"") && workbook.contains("name=\"Detail\"") && workbook.contains("name=\"Charges\""));
    let strings = shared_strings(&entry(&mut archive, "xl/sharedStrings.xml"));
    let summary = sheet(&entry(&mut archive, "xl/worksheets/sheet1.xml"), &strings);
    let detail = sheet(&entry(&mut archive, "xl/worksheets/sheet2.xml"), &strings);
    let hash = statement.sha256();

    assert_eq!(summary.get("A9"), "Statement SHA-256");
    assert_eq!(summary.get("B9"), hash);
    assert_eq!(extract_hash(&bytes, Format::Xlsx).as_deref(), Some(hash.as_str()));
    let core = entry(&mut archive, "docProps/core.xml");
    assert!(core.contains(&format!("ledgerline-statement-sha256:{hash}")));
    assert!(core.contains("2026-06-30T00:00:00Z"), "the creation date comes from the statement: {core}");
    let custom = entry(&mut archive, "docProps/custom.xml");
    assert!(custom.contains(&hash));

    // Detail: header, one row per line, and a totals row whose cached values are exact.
    assert_eq!(detail.get("A1"), "contract");
    assert_eq!(detail.get("O1"), "amount");
    assert_eq!(detail.get("S1"), "amount_exact");
    let n = statement.earnings.len();
    let mut exact_sum = Decimal::ZERO;
    for (index, line) in statement.earnings.iter().enumerate() {
        let row = index + 2;
        assert_eq!(detail.get(&format!("A{row}")), line.contract);
        let exact = Decimal::parse(detail.get(&format!("S{row}"))).unwrap();
        assert_eq!(exact, line.amount);
        assert_eq!(Decimal::parse(detail.get(&format!("P{row}"))).unwrap(), line.receipts, "receipts_exact is exact");
        exact_sum += exact;
    }
    assert_eq!(exact_sum, statement.summary.earnings);
    let total_row = n + 2;
    assert_eq!(detail.get(&format!("A{total_row}")), "Total");
    let (cached, formula) = &detail.cells[&format!("O{total_row}")];
    assert_eq!(formula.as_deref(), Some(format!("SUM(O2:O{})", n + 1).as_str()));
    assert_eq!(Decimal::parse(cached).unwrap(), statement.summary.earnings, "the cached total is the exact earnings");
    assert_eq!(Decimal::parse(detail.get(&format!("S{total_row}"))).unwrap(), statement.summary.earnings);

    // Summary: every figure with its exact text beside the number.
    let mut found = BTreeMap::new();
    for (reference, (value, _)) in &summary.cells {
        if let Some(row) = reference.strip_prefix('A') {
            if let Some((exact, _)) = summary.cells.get(&format!("C{row}")) {
                found.insert(value.clone(), exact.clone());
            }
        }
    }
    assert_eq!(Decimal::parse(&found["earnings"]).unwrap(), statement.summary.earnings);
    assert_eq!(Decimal::parse(&found["closing_balance"]).unwrap(), statement.summary.closing_balance);
    assert_eq!(Decimal::parse(&found["payable"]).unwrap(), statement.summary.payable);
}
