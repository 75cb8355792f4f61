//! An independent, deliberately simple reader per format recomputes lines, units and net
//! receipts of every report of a default generation and compares them with its truth file.
//! The readers share no code with the writers: they unpack, decode, split and add up, knowing
//! only the column names each format documents.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::Path;

use ledgerline_money::{Decimal, NumberStyle};
use ledgerline_synth::{generate, SynthOptions};

/// What a reader finds in one report.
#[derive(Debug, Default, PartialEq)]
struct Found {
    lines: u64,
    units: i128,
    net_receipts: BTreeMap<String, Decimal>,
    isrcs: BTreeSet<String>,
}

/// The bytes of the report itself: the single ZIP entry, the gunzipped stream, or the file.
fn unpack(path: &Path) -> Vec<u8> {
    let bytes = fs::read(path).unwrap();
    let name = path.to_string_lossy();
    if name.ends_with(".zip") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 1, "{name} holds one entry");
        let mut entry = archive.by_index(0).unwrap();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        content
    } else if name.ends_with(".gz") {
        let mut content = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_end(&mut content).unwrap();
        content
    } else {
        bytes
    }
}

/// Text from UTF-16LE with a BOM, UTF-8 with a BOM, or plain UTF-8.
fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest.chunks(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
        String::from_utf16(&units).unwrap()
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8(rest.to_vec()).unwrap()
    } else {
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}

/// Splits one line on `delimiter`, honouring double quotes (no field spans lines here).
fn split(line: &str, delimiter: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        if quoted {
            if character == '"' {
                if characters.peek() == Some(&'"') {
                    field.push('"');
                    characters.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(character);
            }
        } else if character == '"' && field.is_empty() {
            quoted = true;
        } else if character == delimiter {
            fields.push(std::mem::take(&mut field));
        } else {
            field.push(character);
        }
    }
    fields.push(field);
    fields
}

fn lines_of(text: &str) -> Vec<&str> {
    text.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).filter(|line| !line.is_empty()).collect()
}

fn number(text: &str, style: NumberStyle) -> Decimal {
    Decimal::parse_bytes(text.as_bytes(), style).unwrap_or_else(|error| panic!("{error}"))
}

fn integer(text: &str) -> i128 {
    text.trim().parse().unwrap_or_else(|_| panic!("{text:?} is not an integer"))
}

/// How to read a delimited report with a header row.
struct Layout {
    delimiter: char,
    unit_columns: &'static [&'static str],
    net_column: &'static str,
    /// A column naming the currency, or a fixed currency the format implies.
    currency: Currency,
    isrc_column: &'static str,
    number_style: NumberStyle,
    /// Rows whose column has this value are not sales.
    skip_when: Option<(&'static str, &'static str)>,
}

enum Currency {
    Column(&'static str),
    Fixed(&'static str),
}

fn read_with_header(text: &str, layout: &Layout) -> Found {
    let lines = lines_of(text);
    let header = split(lines[0], layout.delimiter);
    let column = |name: &str| header.iter().position(|cell| cell == name).unwrap_or_else(|| panic!("no column {name:?}"));
    let mut found = Found::default();
    for line in &lines[1..] {
        let cells = split(line, layout.delimiter);
        assert_eq!(cells.len(), header.len(), "row has as many cells as the header: {line}");
        if let Some((skip_column, skip_value)) = layout.skip_when {
            if cells[column(skip_column)] == skip_value {
                continue;
            }
        }
        found.lines += 1;
        for unit_column in layout.unit_columns {
            found.units += integer(&cells[column(unit_column)]);
        }
        let currency = match layout.currency {
            Currency::Column(name) => cells[column(name)].clone(),
            Currency::Fixed(code) => code.to_string(),
        };
        *found.net_receipts.entry(currency).or_default() += number(&cells[column(layout.net_column)], layout.number_style);
        let isrc = &cells[column(layout.isrc_column)];
        if !isrc.is_empty() {
            found.isrcs.insert(isrc.clone());
        }
    }
    found
}

/// DSR BAP: SU02.02 rows are the lines, the money is on the SY records; also checks the FOOT
/// counts and that every SU row points to a summary record whose TotalUsages it adds up to.
fn read_dsr(text: &str) -> Found {
    let lines = lines_of(text);
    let mut found = Found::default();
    let mut summary_usages: BTreeMap<String, i128> = BTreeMap::new();
    let mut usages_by_summary: BTreeMap<String, i128> = BTreeMap::new();
    let mut resources: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut blocks = BTreeSet::new();
    for line in &lines {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 22, "rows are padded to 22 cells: {line}");
        match cells[0] {
            "SY01.02" | "SY02.03" => {
                *found.net_receipts.entry(cells[10].to_string()).or_default() += number(cells[11], NumberStyle::PLAIN);
                summary_usages.insert(cells[1].to_string(), integer(cells[8]));
            }
            "RE01.02" => {
                blocks.insert(cells[1].to_string());
            }
            "AS01.02" => {
                resources.insert((cells[1].to_string(), cells[2].to_string()), cells[4].to_string());
            }
            "SU02.02" => {
                found.lines += 1;
                found.units += integer(cells[7]);
                *usages_by_summary.entry(cells[2].to_string()).or_default() += integer(cells[7]);
                let isrc = &resources[&(cells[1].to_string(), cells[5].to_string())];
                found.isrcs.insert(isrc.clone());
            }
            "FOOT" => {
                assert_eq!(integer(cells[1]), lines.len() as i128, "NumberOfLinesInFile counts every line");
                assert_eq!(integer(cells[3]), summary_usages.len() as i128);
                assert_eq!(integer(cells[4]), blocks.len() as i128);
            }
            other => assert!(other == "HEAD" || other.starts_with('#'), "unexpected record {other}"),
        }
    }
    assert_eq!(summary_usages, usages_by_summary, "SY TotalUsages equal the SU streams that point to them");
    assert!(lines[0].starts_with("HEAD\t") && lines[lines.len() - 1].starts_with("FOOT\t"));
    found
}

/// The text of one member of a ZIP (XLSX) file.
fn zip_member(path: &Path, member: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(fs::read(path).unwrap())).unwrap();
    let mut entry = archive.by_name(member).unwrap_or_else(|_| panic!("{} has {member}", path.display()));
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The text between `open` (up to its `>`) and `close` in `text`, if any.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)?;
    let after_tag = start + text[start..].find('>')? + 1;
    let end = after_tag + text[after_tag..].find(close)?;
    Some(&text[after_tag..end])
}

/// Amuse's XLSX statement: shared strings and the first sheet's cells, by plain string search.
/// Numbers are the decimal text in `<v>`; Credit rows are sales, Debit rows withdrawals.
fn read_amuse(path: &Path) -> Found {
    assert!(fs::read(path).unwrap().starts_with(b"PK\x03\x04"), "Amuse statements are XLSX (ZIP) workbooks");
    let shared = zip_member(path, "xl/sharedStrings.xml");
    let strings: Vec<String> =
        shared.split("<si>").skip(1).map(|item| unescape_xml(between(item, "<t", "</t>").unwrap_or(""))).collect();
    let sheet = zip_member(path, "xl/worksheets/sheet1.xml");
    let rows: Vec<Vec<(String, String)>> = sheet
        .split("<row ")
        .skip(1)
        .map(|row| {
            row.split("<c r=\"")
                .skip(1)
                .map(|cell| {
                    let column: String = cell.chars().take_while(|character| character.is_ascii_uppercase()).collect();
                    let value = between(cell, "<v", "</v>").unwrap_or("");
                    let tag_end = cell.find('>').unwrap();
                    let text = if cell[..tag_end].contains("t=\"s\"") { strings[value.parse::<usize>().unwrap()].clone() } else { value.to_string() };
                    (column, text)
                })
                .collect()
        })
        .collect();
    let header: Vec<&str> = rows[0].iter().map(|(_, text)| text.as_str()).collect();
    assert_eq!(header[..3], ["Transaction date", "Type", "Source"], "Amuse header");
    let column_of = |name: &str| {
        let index = header.iter().position(|cell| *cell == name).unwrap_or_else(|| panic!("no column {name:?}"));
        rows[0][index].0.clone()
    };
    let (kind, quantity, total, isrc) = (column_of("Type"), column_of("Quantity"), column_of("Total"), column_of("ISRC"));
    let mut found = Found::default();
    for row in &rows[1..] {
        let cell = |column: &str| row.iter().find(|(name, _)| name == column).map_or("", |(_, text)| text.as_str());
        if cell(&kind) == "Debit" {
            continue;
        }
        assert_eq!(cell(&kind), "Credit");
        found.lines += 1;
        found.units += integer(cell(&quantity));
        *found.net_receipts.entry("USD".to_string()).or_default() += Decimal::parse(cell(&total)).unwrap();
        if !cell(&isrc).is_empty() {
            found.isrcs.insert(cell(&isrc).to_string());
        }
    }
    found
}

fn read_report(source: &str, path: &Path) -> Found {
    if source == "amuse" {
        return read_amuse(path);
    }
    let raw = fs::read(path).unwrap();
    let content = unpack(path);
    let text = decode(&content);
    let plain = NumberStyle::PLAIN;
    let layout = |delimiter, unit_columns, net_column, currency, isrc_column| Layout {
        delimiter,
        unit_columns,
        net_column,
        currency,
        isrc_column,
        number_style: plain,
        skip_when: None,
    };
    match source {
        "dsr" => {
            assert!(text.contains("\r\n"), "DSR uses CRLF");
            read_dsr(&text)
        }
        "fuga" => {
            // Monthly statements come zipped; the benchmark file is a bare CSV.
            let is_benchmark_file = path.extension().is_some_and(|extension| extension == "csv");
            assert!(raw.starts_with(b"PK") || is_benchmark_file, "FUGA comes zipped");
            read_with_header(&text, &layout(',', &["Product Quantity", "Asset Quantity"], "Reported Royalty", Currency::Column("Currency"), "Asset ISRC"))
        }
        "distrokid" => {
            assert!(text.contains("\r\n"));
            let header = lines_of(&text)[0];
            if path.to_string_lossy().contains("older-layout") {
                assert!(header.starts_with("Reporting Date\tSale Month\t") && header.contains("\tSong/Album\t"), "older layout: {header}");
                assert!(!header.contains("Date Inserted") && !header.contains("Source Type"), "older layout: {header}");
            } else {
                assert!(header.starts_with("Date Inserted\t"), "newer layout: {header}");
            }
            read_with_header(&text, &layout('\t', &["Quantity"], "Earnings (USD)", Currency::Fixed("USD"), "ISRC"))
        }
        "believe" => {
            assert!(raw.starts_with(b"PK"), "Believe comes zipped");
            read_with_header(
                &text,
                &Layout {
                    number_style: NumberStyle::DECIMAL_COMMA,
                    ..layout(';', &["Quantity"], "Net Revenue", Currency::Column("Client Payment Currency"), "ISRC")
                },
            )
        }
        "bandcamp" => {
            assert!(raw.starts_with(&[0xFF, 0xFE]), "Bandcamp is UTF-16LE with a BOM");
            read_with_header(
                &text,
                &Layout { skip_when: Some(("item type", "payout")), ..layout(',', &["quantity"], "net amount", Currency::Column("currency"), "isrc") },
            )
        }
        "youtube" => {
            assert!(raw.starts_with(&[0x1F, 0x8B]), "YouTube comes gzipped");
            read_with_header(&text, &layout(',', &["Owned Views"], "Partner Revenue", Currency::Fixed("USD"), "ISRC"))
        }
        "orchard" => {
            assert!(raw.starts_with(&[0xEF, 0xBB, 0xBF]), "The Orchard writes a UTF-8 BOM");
            read_with_header(&text, &layout(',', &["QUANTITY"], "NET SHARE ACCOUNT CURRENCY", Currency::Column("ACCOUNT CURRENCY"), "ISRC"))
        }
        "symphonic" => read_with_header(&text, &layout(',', &["Count"], "Royalty ($US)", Currency::Fixed("USD"), "ISRC Code")),
        "apple" => {
            assert!(raw.starts_with(&[0x1F, 0x8B]), "Apple reports come gzipped");
            read_with_header(
                &text,
                &layout('\t', &["Quantity"], "Extended Partner Share", Currency::Column("Partner Share Currency"), "ISRC/ISBN"),
            )
        }
        "cdbaby" => {
            assert!(text.contains("\t\"") && text.contains("\r\n"), "CD Baby quotes the barcode and uses CRLF");
            read_with_header(&text, &layout('\t', &["Quantity"], "Subtotal", Currency::Fixed("USD"), "Isrc"))
        }
        "tunecore" => read_with_header(&text, &layout(',', &["# Units Sold"], "Total Earned", Currency::Column("Currency"), "Optional ISRC")),
        "beatport" => {
            // The label's receipts are the content revenue plus the lossless upcharge.
            let content = read_with_header(&text, &layout(',', &["TRACK_COUNT"], "NET_CONTENT_REVENUE", Currency::Fixed("USD"), "TRACK_ISRC_CODE"));
            let lossless = read_with_header(&text, &layout(',', &[], "NET_WAV_REVENUE", Currency::Fixed("USD"), "TRACK_ISRC_CODE"));
            let rows = lines_of(&text);
            assert!(rows[1..].iter().all(|line| split(line, ',')[9].len() == 3), "Beatport territories are ISO alpha-3");
            let mut found = content;
            for (currency, amount) in lossless.net_receipts {
                *found.net_receipts.entry(currency).or_default() += amount;
            }
            found
        }
        other => panic!("unknown source folder {other}"),
    }
}

#[test]
fn every_report_matches_its_truth_file() {
    let folder = tempfile::tempdir().unwrap();
    let summary = generate(&SynthOptions::default(), folder.path()).unwrap();
    let root = folder.path();
    let catalog = fs::read_to_string(root.join("catalog/catalog.csv")).unwrap();
    let catalog_isrcs: BTreeSet<String> = lines_of(&catalog)[1..].iter().map(|line| split(line, ',')[9].clone()).collect();

    let mut sources_seen = BTreeSet::new();
    let mut total_lines = 0;
    let mut unmatched_isrcs = BTreeSet::new();
    for source_entry in fs::read_dir(root.join("reports")).unwrap() {
        let source_folder = source_entry.unwrap().path();
        let source = source_folder.file_name().unwrap().to_string_lossy().to_string();
        for report_entry in fs::read_dir(&source_folder).unwrap() {
            let report = report_entry.unwrap().path();
            let file_name = report.file_name().unwrap().to_string_lossy().to_string();
            let truth_path = root.join("truth").join(&source).join(format!("{file_name}.truth.json"));
            let truth: serde_json::Value = serde_json::from_slice(&fs::read(&truth_path).unwrap()).unwrap();
            let found = read_report(&source, &report);

            assert_eq!(truth["file"], format!("reports/{source}/{file_name}"));
            assert_eq!(truth["source"], source.as_str());
            assert_eq!(truth["lines"].as_u64().unwrap(), found.lines, "lines of {file_name}");
            assert_eq!(truth["units"].as_str().unwrap(), found.units.to_string(), "units of {file_name}");
            let truth_net: BTreeMap<String, Decimal> = truth["net_receipts"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(currency, amount)| (currency.clone(), Decimal::parse(amount.as_str().unwrap()).unwrap()))
                .collect();
            assert_eq!(truth_net, found.net_receipts, "net receipts of {file_name}");
            assert!(found.lines > 0, "{file_name} has sale lines");
            sources_seen.insert(source.clone());
            total_lines += found.lines;
            unmatched_isrcs.extend(found.isrcs.difference(&catalog_isrcs).cloned());
        }
    }
    let expected_sources: BTreeSet<String> =
        ["amuse", "apple", "bandcamp", "beatport", "believe", "cdbaby", "distrokid", "dsr", "fuga", "orchard", "symphonic", "tunecore", "youtube"]
            .iter()
            .map(|name| name.to_string())
            .collect();
    assert_eq!(sources_seen, expected_sources, "every format appears in a default run");
    assert_eq!(total_lines, summary.report_lines);
    assert!((1_000..10_000).contains(&total_lines), "a few thousand lines, not {total_lines}");
    assert!(!unmatched_isrcs.is_empty(), "some lines carry ISRCs that are not in the catalog");
}

#[test]
fn truth_files_are_sorted_pretty_json_with_a_trailing_newline() {
    let folder = tempfile::tempdir().unwrap();
    generate(&SynthOptions { artists: 2, months: 1, ..SynthOptions::default() }, folder.path()).unwrap();
    let truth_folder = folder.path().join("truth/fuga");
    let entry = fs::read_dir(&truth_folder).unwrap().next().unwrap().unwrap();
    let text = fs::read_to_string(entry.path()).unwrap();
    assert!(text.ends_with("}\n"));
    let keys: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("  \""))
        .map(|line| line.trim().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(keys, ["definition", "file", "lines", "net_receipts", "source", "units"]);
}

#[test]
fn benchmark_mode_writes_one_large_fuga_and_dsr_file_with_truth() {
    let folder = tempfile::tempdir().unwrap();
    let options = SynthOptions { lines: Some(20_000), artists: 4, ..SynthOptions::default() };
    let summary = generate(&options, folder.path()).unwrap();
    let reports: Vec<_> = summary.files.iter().filter(|file| file.kind == "report").collect();
    assert_eq!(reports.len(), 2);
    for report in reports {
        let path = folder.path().join(&report.path);
        let source = report.source.as_deref().unwrap();
        let found = read_report(source, &path);
        // About N lines: N plus a few for repertoire outside the catalog.
        assert!((20_000..20_010).contains(&found.lines), "{source}: {}", found.lines);
        let relative = report.path.to_string_lossy().replace('\\', "/");
        let under_reports = relative.strip_prefix("reports/").unwrap();
        let truth: serde_json::Value =
            serde_json::from_slice(&fs::read(folder.path().join(format!("truth/{under_reports}.truth.json"))).unwrap()).unwrap();
        assert_eq!(truth["lines"].as_u64().unwrap(), found.lines);
        assert_eq!(truth["units"].as_str().unwrap(), found.units.to_string());
    }
    assert!(folder.path().join("reports/fuga/bench-2026-01.csv").is_file());
}
