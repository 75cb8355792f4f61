//! Importing reports into a home: ground truth, idempotency, refusals that store nothing.

mod common;

use std::io::Write;

use common::Home;
use ledgerline_import::{
    import_file, lake_consistency, recover, CatalogIndex, ImportError, ImportOptions, ImportStatus,
};
use ledgerline_money::Decimal;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2_encoder();
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn flate2_encoder() -> flate2::write::GzEncoder<Vec<u8>> {
    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default())
}

#[test]
fn every_synthetic_report_imports_to_its_ground_truth_and_only_once() {
    let mut home = Home::new();
    let label = tempfile::tempdir().unwrap();
    ledgerline_synth::generate(&ledgerline_synth::SynthOptions { months: 3, ..Default::default() }, label.path()).unwrap();
    let mut reports = Vec::new();
    for source in std::fs::read_dir(label.path().join("reports")).unwrap() {
        for file in std::fs::read_dir(source.unwrap().path()).unwrap() {
            reports.push(file.unwrap().path());
        }
    }
    reports.sort();
    assert!(reports.len() >= 10);
    for report in &reports {
        let imported = home.import(report, &ImportOptions::default()).unwrap_or_else(|error| panic!("{}: {error}", report.display()));
        assert_eq!(imported.status, ImportStatus::Imported);
        let relative = report.strip_prefix(label.path().join("reports")).unwrap();
        let truth: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(label.path().join("truth").join(format!("{}.truth.json", relative.display()))).unwrap(),
        )
        .unwrap();
        assert_eq!(imported.lines, truth["lines"].as_u64().unwrap(), "{}", relative.display());
        let units: i64 = imported.totals.values().map(|totals| totals.units).sum();
        assert_eq!(units.to_string(), truth["units"].as_str().unwrap(), "{}", relative.display());
        for (currency, amount) in truth["net_receipts"].as_object().unwrap() {
            let net = imported.totals.iter().find(|(code, _)| code.code() == currency).map(|(_, totals)| totals.net);
            assert_eq!(net, Some(Decimal::parse(amount.as_str().unwrap()).unwrap()), "{}", relative.display());
        }
        // The lake holds exactly the lines the import counted.
        assert_eq!(ledgerline_lake::import_row_count(&home.lake(), &imported.content_sha256).unwrap(), imported.lines);
    }
    let stored = home.imports_stored();
    for report in &reports {
        let again = home.import(report, &ImportOptions::default()).unwrap();
        assert_eq!(again.status, ImportStatus::AlreadyImported);
    }
    assert_eq!(home.imports_stored(), stored, "importing again changes nothing");
    assert_eq!(home.lake_folders() as i64, stored);
}

#[test]
fn same_name_different_content_is_a_new_import() {
    let mut home = Home::new();
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let row = |amount: &str| format!("2026-02-14\t2026-02-01\t2026-01\tDeezer\tA\tT\tUSFEG1500041\t014549210301\t5\t100\tStreaming\tUS\t0\t{amount}\t0\n");
    let first = home.write("distrokid.tsv", format!("{header}{}", row("1.25")).as_bytes());
    assert_eq!(home.import(&first, &ImportOptions::default()).unwrap().status, ImportStatus::Imported);
    let first_import = home.import(&first, &ImportOptions::default()).unwrap();
    assert_eq!(first_import.status, ImportStatus::AlreadyImported);
    let second = home.write("distrokid.tsv", format!("{header}{}", row("1.26")).as_bytes());
    // The same size as an import: hashed before it is read (the first was hashed while read).
    let imported = home.import(&second, &ImportOptions::default()).unwrap();
    assert_eq!(imported.status, ImportStatus::Imported);
    assert_eq!(home.imports_stored(), 2);
    let sha256 = |bytes: &[u8]| -> String {
        use sha2::Digest;
        sha2::Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
    };
    assert_eq!(first_import.content_sha256, sha256(format!("{header}{}", row("1.25")).as_bytes()));
    assert_eq!(imported.content_sha256, sha256(format!("{header}{}", row("1.26")).as_bytes()));
    for (import, net) in [(&first_import, "1.25"), (&imported, "1.26")] {
        let lines: Vec<_> = ledgerline_lake::read_import(&home.lake(), &import.content_sha256)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].net, Decimal::parse(net).unwrap());
    }
    assert_eq!(
        std::fs::read_dir(home.lake().join(".staging")).map_or(0, |entries| entries.count()),
        0,
        "no staging folder is left"
    );
}

/// A DistroKid file whose second data row has `bad` in the column `column`.
fn distrokid_with(column: &str, bad: &str) -> String {
    let header = ["Date Inserted", "Reporting Date", "Sale Month", "Store", "Artist", "Title", "ISRC", "UPC", "Quantity", "Team Percentage", "Source Type", "Country of Sale", "Songwriter Royalties Withheld (USD)", "Earnings (USD)", "Recoup (USD)"];
    let good = ["2026-02-14", "2026-02-01", "2026-01", "Deezer", "Ada", "Tune", "USFEG1500041", "014549210301", "5", "100", "Streaming", "US", "0", "1.25", "0"];
    let mut bad_row = good;
    let index = header.iter().position(|name| *name == column).unwrap();
    bad_row[index] = bad;
    format!("{}\r\n{}\r\n{}\r\n{}\r\n", header.join("\t"), good.join("\t"), bad_row.join("\t"), good.join("\t"))
}

fn refusal(home: &mut Home, name: &str, bytes: &[u8]) -> (String, Vec<String>) {
    let path = home.write(name, bytes);
    let error = home.import(&path, &ImportOptions::default()).expect_err(name);
    let diagnostics = match &error {
        ImportError::Refused { diagnostics, .. } => diagnostics.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    assert_eq!(home.imports_stored(), 0, "{name}: nothing stored");
    assert_eq!(home.lake_folders(), 0, "{name}: nothing in the lake");
    (error.to_string(), diagnostics)
}

#[test]
fn the_catalogue_of_bad_inputs_is_refused_with_clear_messages_and_nothing_stored() {
    let mut home = Home::new();
    let cases: Vec<(&str, Vec<u8>, &str, Option<&str>)> = vec![
        ("empty.csv", Vec::new(), "empty.csv: the file is empty", None),
        ("garbage.bin", vec![0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02], "garbage.bin: this is a binary file, not a text report (a zero byte at offset 4)", None),
        (
            "missing-column.csv",
            b"Sale ID,Sale Start date,Sale Store Name,Reported Royalty,Asset ISRC,Product UPC\n1,2026-01-01,Spotify,1.0,USFEG1500041,014549210301\n".to_vec(),
            "missing-column.csv: line 1: missing column \"Sale End date\" (field sale_end of mapping fuga/royalty-product-and-asset/1)",
            None,
        ),
        (
            "bad-decimal.tsv",
            distrokid_with("Earnings (USD)", "1.2.5").into_bytes(),
            "bad-decimal.tsv: refused, nothing imported: 1 error(s) in 1 row(s)",
            Some("bad-decimal.tsv:3:14: error: not a decimal number: unexpected '.' at character 4 (column \"Earnings (USD)\", value \"1.2.5\")"),
        ),
        (
            "bad-isrc.tsv",
            distrokid_with("ISRC", "USFEG150004").into_bytes(),
            "bad-isrc.tsv: refused, nothing imported: 1 error(s) in 1 row(s)",
            Some("bad-isrc.tsv:3:7: error: ISRC \"USFEG150004\" has 11 characters; an ISRC has 12 (CC-XXX-YY-NNNNN) (column \"ISRC\", value \"USFEG150004\")"),
        ),
        (
            "bad-upc.tsv",
            distrokid_with("UPC", "014549210302").into_bytes(),
            "bad-upc.tsv: refused, nothing imported: 1 error(s) in 1 row(s)",
            None,
        ),
        (
            "negative-country.tsv",
            distrokid_with("Country of Sale", "Atlantis").into_bytes(),
            "negative-country.tsv: refused, nothing imported: 1 error(s) in 1 row(s)",
            None,
        ),
        (
            "bad-quantity.tsv",
            distrokid_with("Quantity", "2.5").into_bytes(),
            "bad-quantity.tsv: refused, nothing imported: 1 error(s) in 1 row(s)",
            Some("bad-quantity.tsv:3:9: error: a quantity must be a whole number (column \"Quantity\", value \"2.5\")"),
        ),
        (
            "unknown.csv",
            b"When,Where,How much\n2026-01-01,here,1\n".to_vec(),
            "unknown.csv: unknown layout; columns seen on line 1: \"When\", \"Where\", \"How much\"",
            None,
        ),
        (
            "near-miss.csv",
            b"STATEMENT PERIOD,SALE COUNTRY,TRANSACTION TYPE,ISRC\n2026-04,JP,Stream,USHHF2200136\n".to_vec(),
            "near-miss.csv: unknown layout; columns seen on line 1: \"STATEMENT PERIOD\", \"SALE COUNTRY\", \"TRANSACTION TYPE\", \"ISRC\"; the closest known layout, orchard/statement/2, also needs column \"NET SHARE ACCOUNT CURRENCY\"",
            None,
        ),
    ];
    for (name, bytes, message, first_diagnostic) in cases {
        let (error, diagnostics) = refusal(&mut home, name, &bytes);
        assert_eq!(error, message, "{name}");
        if let Some(expected) = first_diagnostic {
            assert_eq!(diagnostics.first().map(String::as_str), Some(expected), "{name}");
        } else if name.starts_with("bad-") || name.starts_with("negative") {
            assert!(!diagnostics.is_empty(), "{name}: the refusal lists the bad cells");
            assert!(diagnostics[0].starts_with(&format!("{name}:3:")), "{name}: {diagnostics:?}");
        }
    }
}

#[test]
fn unknown_currency_truncated_gzip_invalid_utf8_and_a_huge_line_are_refused() {
    let mut home = Home::new();
    // An unknown currency in a layout that names its currency per row.
    let orchard = "\u{feff}STATEMENT PERIOD,TRANSACTION DATE,SALE COUNTRY,STORE,SERVICE DETAIL,TRANSACTION TYPE,DISPLAY UPC,ISRC,QUANTITY,ACCOUNT CURRENCY,NET SHARE ACCOUNT CURRENCY\n2026-04,2026-01-24,GB,Deezer,Premium,Stream,014549210301,USFEG1500041,3,EURO,0.5\n";
    let orchard = orchard.replace("STATEMENT PERIOD,", "STATEMENT PERIOD,PRODUCT CODE,PRODUCT,TRACK,TRACK ARTIST,PRODUCT ARTIST,YOUTUBE VIDEO ID,GROSS REVENUE ACCOUNT CURRENCY,SALE CURRENCY,CURRENCY CONVERSION RATE,")
        .replace("\n2026-04,", "\n2026-04,LBR1,P,T,A,A,,0.6,EUR,1,");
    let (_, diagnostics) = refusal(&mut home, "orchard.csv", orchard.as_bytes());
    assert!(diagnostics.iter().any(|diagnostic| diagnostic.contains("unknown currency \"EURO\"")), "{diagnostics:?}");

    let whole = gzip(distrokid_with("Quantity", "1").repeat(2000).as_bytes());
    let (error, _) = refusal(&mut home, "cut.tsv.gz", &whole[..whole.len() / 2]);
    assert!(error.contains("the gzip stream is truncated"), "{error}");

    let mut latin = distrokid_with("Title", "Caf").into_bytes();
    latin.extend(std::iter::repeat_n(b'x', 70_000));
    latin.extend_from_slice(b"\t\xE9\n");
    let (error, _) = refusal(&mut home, "latin.tsv", &latin);
    assert!(error.contains("invalid UTF-8"), "{error}");

    let mut huge = distrokid_with("Quantity", "1").into_bytes();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge.push(b'\n');
    let (error, diagnostics) = refusal(&mut home, "huge.tsv", &huge);
    assert!(error.starts_with("huge.tsv: refused"), "{error}");
    assert!(diagnostics[0].len() < 1000, "a 10 MB value is not repeated in full: {}", diagnostics[0].len());
}

#[test]
fn skip_bad_rows_keeps_the_good_rows_and_records_the_rejected_ones() {
    let mut home = Home::new();
    let path = home.write("partly-bad.tsv", distrokid_with("Earnings (USD)", "n/a").as_bytes());
    let imported = home.import(&path, &ImportOptions { skip_bad_rows: true, ..Default::default() }).unwrap();
    assert_eq!((imported.lines, imported.rejected), (2, 1));
    let recorded: Vec<(i64, String)> = home
        .ledger
        .connection()
        .prepare("SELECT line, reason FROM import_diagnostics WHERE severity = 'error'")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recorded, [(3, "not a decimal number: unexpected 'n' at character 1".to_string())]);
}

#[test]
fn recovery_removes_what_a_crash_left_behind() {
    let mut home = Home::new();
    let path = home.write("ok.tsv", distrokid_with("Quantity", "2").as_bytes());
    let imported = home.import(&path, &ImportOptions::default()).unwrap();
    // A published folder without a database record: the crash window between rename and commit.
    let orphan = "ab".repeat(32);
    std::fs::create_dir_all(home.lake().join("imports").join(&orphan)).unwrap();
    // A staging folder of a process that no longer runs (no pid this high exists on Linux).
    std::fs::create_dir_all(home.lake().join(".staging").join(format!("{orphan}-4294967294-0"))).unwrap();
    let (staging, unknown) = recover(&home.ledger, &home.lake()).unwrap();
    assert_eq!((staging, unknown), (1, 1));
    assert!(ledgerline_lake::import_path(&home.lake(), &imported.content_sha256).is_dir(), "committed imports stay");
    assert!(!home.lake().join("imports").join(&orphan).exists());
}

#[test]
fn a_truncated_xlsx_statement_is_refused_naming_the_file_and_nothing_is_stored() {
    let mut home = Home::new();
    let label = tempfile::tempdir().unwrap();
    ledgerline_synth::generate(&ledgerline_synth::SynthOptions { months: 1, ..Default::default() }, label.path()).unwrap();
    let amuse = std::fs::read_dir(label.path().join("reports/amuse")).unwrap().next().unwrap().unwrap().path();
    let bytes = std::fs::read(&amuse).unwrap();
    let (error, _) = refusal(&mut home, "amuse-cut.xlsx", &bytes[..bytes.len() / 2]);
    assert!(error.starts_with("amuse-cut.xlsx: a damaged XLSX workbook that cannot be read (truncated or corrupt)"), "{error}");
}

/// The import's identity is the SHA-256 of the file's bytes however the file is read: hashed
/// from the bytes the parallel reading takes (as it is, with a BOM, gzip-compressed), or on
/// its own when that reading gives up before the end and the file is read again in order (here
/// a quoted title full of line breaks lies where the text is cut into chunks).
#[test]
fn the_identity_is_the_files_sha256_however_it_is_read() {
    let header = "Sale ID,Sale Start date,Sale End date,DSP,Sale Store Name,Sale Type,Sale User Type,Territory,Product UPC,Product Reference,Product Catalog Number,Product Label,Product Artist,Product Title,Asset Artist,Asset Title,Asset Version,Asset Duration,Asset ISRC,Asset Reference,Asset/Product,Product Quantity,Asset Quantity,Original Gross Income,Original currency,Exchange Rate,Converted Gross Income,Contract deal term,Reported Royalty,Currency,Report Run ID,Report ID\n";
    let row = |id: usize, title: &str| {
        format!("{id},2026-01-01,2026-01-31,Deezer,Deezer Free,Stream,Free,DE,3745882810046,7000000,LBR001,Last Ballroom Records,Bram Weber,Signal of Parade,Bram Weber,{title},,162,FRERZ1200163,9000700,Asset,0,71,0.09599200,EUR,1.000000,0.09599200,85%,0.08159320,EUR,42602,902602\n")
    };
    let small: String = std::iter::once(header.to_string()).chain((0..40).map(|id| row(id, "The Horizon"))).collect();
    let mut bommed = b"\xEF\xBB\xBF".to_vec();
    bommed.extend_from_slice(small.as_bytes());
    let mut large = header.to_string();
    let mut id = 0;
    while large.len() < 2 * 1024 * 1024 - 2_000 {
        large.push_str(&row(id, "The Horizon"));
        id += 1;
    }
    let broken_title = format!("\"{}\"", "verse\n".repeat(1_000));
    large.push_str(&row(id, &broken_title));
    // Chunks beyond the cut are read ahead while the first is parsed: far enough that the
    // reading gives up before it has seen the whole file.
    let large_lines = id + 2 + 45_000;
    for id in id + 1..large_lines {
        large.push_str(&row(id, "The Horizon"));
    }
    let sha256 = |bytes: &[u8]| -> String {
        use sha2::Digest;
        sha2::Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
    };
    for (name, bytes, lines) in [
        ("plain.csv", small.as_bytes().to_vec(), 40),
        ("bom.csv", bommed, 40),
        ("small.csv.gz", gzip(small.as_bytes()), 40),
        ("packed.csv.gz", gzip(large.as_bytes()), large_lines as u64),
        ("broken.csv", large.as_bytes().to_vec(), large_lines as u64),
    ] {
        // A home each: some are one report in other packaging, recognised as such.
        let mut home = Home::new();
        let path = home.write(name, &bytes);
        let imported = home.import(&path, &ImportOptions::default()).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(imported.status, ImportStatus::Imported, "{name}");
        assert_eq!(imported.content_sha256, sha256(&bytes), "{name}");
        assert_eq!(imported.lines, lines, "{name}");
        assert_eq!(ledgerline_lake::import_row_count(&home.lake(), &imported.content_sha256).unwrap(), lines, "{name}");
        let again = home.import(&path, &ImportOptions::default()).unwrap();
        assert_eq!(again.status, ImportStatus::AlreadyImported, "{name}");
    }
    let mut home = Home::new();
    let path = home.write("broken.csv", large.as_bytes());
    let import = home.import(&path, &ImportOptions::default()).unwrap();
    let broken = home.lines(&import);
    // The gzip file's report, hashed again after the reading gave up, is the plain file's.
    let mut packed_home = Home::new();
    let packed = packed_home.write("packed.csv.gz", gzip(large.as_bytes()));
    let first = packed_home.import(&packed, &ImportOptions::default()).unwrap();
    let plain = packed_home.write("broken.csv", large.as_bytes());
    let again = packed_home.import(&plain, &ImportOptions::default()).unwrap();
    assert_eq!((again.status, again.import_id), (ImportStatus::AlreadyImported, first.import_id));
    // Titles are kept with their line breaks (trimmed at the ends, like every field).
    assert!(broken.iter().any(|line| line.track_title == "verse\n".repeat(1_000).trim_end()));
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        archive.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        archive.write_all(bytes).unwrap();
    }
    archive.finish().unwrap().into_inner()
}

/// A report imported once is not counted again when it comes back in other packaging: the CSV
/// of a ZIP imported before, the ZIP or a gzipped copy of a CSV imported before. Every report
/// of the file known: "already imported", nothing changes; only some, or one report twice in
/// a ZIP: refused, naming the report, nothing stored.
#[test]
fn a_report_imported_before_in_other_packaging_is_not_counted_twice() {
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let report = |amount: &str| format!("{header}2026-02-14\t2026-02-01\t2026-01\tDeezer\tA\tT\tUSFEG1500041\t014549210301\t5\t100\tStreaming\tUS\t0\t{amount}\t0\n").into_bytes();
    let (january, february, march) = (report("1.25"), report("2.50"), report("3.75"));
    let mut home = Home::new();
    let january_import = home.import(&home.write("january.tsv", &january), &ImportOptions::default()).unwrap();
    assert_eq!(january_import.status, ImportStatus::Imported);
    let zip_import = home
        .import(&home.write("feb-mar.zip", zip_of(&[("february.tsv", &february), ("march.tsv", &march)])), &ImportOptions::default())
        .unwrap();
    assert_eq!(zip_import.status, ImportStatus::Imported);
    let (imports, folders) = (home.imports_stored(), home.lake_folders());

    // Every report known: already imported, as the earlier import.
    for (name, bytes, earlier) in [
        ("january.zip", zip_of(&[("january.tsv", &january)]), &january_import),
        ("january.tsv.gz", gzip(&january), &january_import),
        ("february.tsv", february.clone(), &zip_import),
        ("march.tsv.gz", gzip(&march), &zip_import),
        ("both.zip", zip_of(&[("m.tsv", &march), ("f.tsv", &february)]), &zip_import),
    ] {
        let again = home.import(&home.write(name, &bytes), &ImportOptions::default()).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(again.status, ImportStatus::AlreadyImported, "{name}");
        assert_eq!(again.import_id, earlier.import_id, "{name}");
    }

    // Some reports known: refused, naming the one already imported.
    let april = report("5.00");
    let error = home
        .import(&home.write("jan-apr.zip", zip_of(&[("april.tsv", &april), ("january.tsv", &january)])), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "jan-apr.zip: refused, nothing imported: jan-apr.zip!january.tsv was already imported as #{} (january.tsv), in other packaging; the file's other reports can be imported on their own",
            january_import.import_id
        )
    );
    // One report twice in a ZIP: refused.
    let error = home
        .import(&home.write("twice.zip", zip_of(&[("a.tsv", &april), ("b.tsv", &april)])), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "twice.zip: refused, nothing imported: twice.zip!a.tsv and twice.zip!b.tsv are the same report (the same bytes); it would be counted twice"
    );
    assert_eq!((home.imports_stored(), home.lake_folders()), (imports, folders), "nothing stored");
    assert_eq!(
        std::fs::read_dir(home.lake().join(".staging")).map_or(0, |entries| entries.count()),
        0,
        "no staging folder is left"
    );
    // April on its own is new.
    let april_import = home.import(&home.write("april.tsv", &april), &ImportOptions::default()).unwrap();
    assert_eq!(april_import.status, ImportStatus::Imported);
    assert_eq!(home.count("import_parts"), 4);
}

/// Two processes importing one report at the same moment, as the same file or in other
/// packaging, while a third starts (and cleans up the lake): one import, one "already imported",
/// no error, and every committed import has its lines.
#[test]
fn one_report_imported_by_two_processes_at_once_is_imported_once() {
    use std::sync::{Arc, Barrier};

    let home = Home::new();
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let rounds = 12;
    for round in 0..rounds {
        let report = format!("{header}2026-02-14\t2026-02-01\t2026-01\tDeezer\tA\tT\tUSFEG1500041\t014549210301\t5\t100\tStreaming\tUS\t0\t{round}.25\t0\n");
        let plain = home.write(&format!("report-{round}.tsv"), report.as_bytes());
        // Even rounds: the same file twice; odd rounds: the file and its gzipped copy.
        let other = if round % 2 == 0 {
            plain.clone()
        } else {
            home.write(&format!("report-{round}.tsv.gz"), gzip(report.as_bytes()))
        };
        let barrier = Arc::new(Barrier::new(3));
        let importers: Vec<_> = [plain, other]
            .into_iter()
            .map(|path| {
                let (root, barrier) = (home.root.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut ledger = ledgerline_store::Ledger::open(&root.join("ledger.db")).unwrap();
                    let label = path.file_name().unwrap().to_string_lossy().into_owned();
                    barrier.wait();
                    import_file(&mut ledger, &root.join("lake"), &path, &label, &ImportOptions::default(), &CatalogIndex::default())
                })
            })
            .collect();
        let starting = {
            let (root, barrier) = (home.root.clone(), barrier.clone());
            std::thread::spawn(move || {
                let ledger = ledgerline_store::Ledger::open(&root.join("ledger.db")).unwrap();
                barrier.wait();
                recover(&ledger, &root.join("lake")).unwrap()
            })
        };
        let results: Vec<_> = importers
            .into_iter()
            .map(|importer| importer.join().unwrap().unwrap_or_else(|error| panic!("round {round}: {error}")))
            .collect();
        starting.join().unwrap();
        let mut statuses: Vec<_> = results.iter().map(|result| result.status).collect();
        statuses.sort_by_key(|status| *status != ImportStatus::Imported);
        assert_eq!(statuses, [ImportStatus::Imported, ImportStatus::AlreadyImported], "round {round}");
        assert_eq!(results[0].import_id, results[1].import_id, "round {round}");
    }
    assert_eq!(home.imports_stored(), rounds);
    assert_eq!(home.lake_folders(), rounds as usize);
    let consistency = lake_consistency(&home.ledger, &home.lake()).unwrap();
    assert!(consistency.problems.is_empty(), "{:?}", consistency.problems);
    assert!(consistency.unrecorded_folders.is_empty(), "{:?}", consistency.unrecorded_folders);
}

/// Amounts that read two ways (`1,250`: 1.25 with a decimal comma, 1250 with a thousands
/// comma) with nothing in the file to settle it: imported as the cells point (a lone comma in
/// a tab-separated file is a decimal comma), with a warning naming the first such amount.
#[test]
fn amounts_that_read_two_ways_are_imported_with_a_warning() {
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let row = |amount: &str| format!("2026-02-14\t2026-02-01\t2026-01\tDeezer\tA\tT\tUSFEG1500041\t014549210301\t5\t100\tStreaming\tUS\t0\t{amount}\t0\n");
    let mut home = Home::new();
    let import = home
        .import_text("ambiguous.tsv", &format!("{header}{}{}", row("1,250"), row("2,125")))
        .unwrap();
    assert_eq!(import.status, ImportStatus::Imported);
    let warning = import
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.reason.contains("can be read as"))
        .expect("a warning");
    assert_eq!((warning.file.as_str(), warning.line), ("ambiguous.tsv", 2));
    assert!(
        warning.reason.starts_with("amounts such as \"1,250\" can be read as 1.25 or as 1250"),
        "{}",
        warning.reason
    );
    let net: Decimal = import.totals.values().map(|totals| totals.net).sum();
    assert_eq!(net, Decimal::parse("3.375").unwrap());
    // Settled by one amount: no warning.
    let import = home
        .import_text("settled.tsv", &format!("{header}{}{}", row("1,250"), row("0,5")))
        .unwrap();
    assert!(!import.diagnostics.iter().any(|diagnostic| diagnostic.reason.contains("can be read as")));
}

/// A report with a header and no rows is a period without sales: recorded with no lines and a
/// warning (a file cut off after its header looks the same), and "already imported" the next
/// time, like any report.
#[test]
fn a_report_without_rows_is_recorded_with_a_warning() {
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let mut home = Home::new();
    let import = home.import_text("no-sales.tsv", header).unwrap();
    assert_eq!(import.status, ImportStatus::Imported);
    assert_eq!((import.lines, import.rejected), (0, 0));
    assert!(import.totals.is_empty(), "{:?}", import.totals);
    assert_eq!(
        import.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["no-sales.tsv:1: warning: the report has a header but no rows: recorded as a report without sales (if the sender's report has sales, the file was cut off: get it again)"]
    );
    assert_eq!(home.imports_stored(), 1);
    let again = home.import_text("no-sales-copy.tsv", header).unwrap();
    assert_eq!((again.status, again.import_id), (ImportStatus::AlreadyImported, import.import_id));
}

/// A report saved again (here re-encoded as UTF-16 with CRLF line ends, as a spreadsheet
/// would) has other bytes, so no hash knows it; its lines and totals are those of the import
/// before, exactly: refused, naming it, nothing stored. `allow_same_totals` imports it all the
/// same; a report that differs in one amount is another report.
#[test]
fn a_report_saved_again_is_refused_by_its_totals() {
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let row = |amount: &str| format!("2026-02-14\t2026-02-01\t2026-01\tDeezer\tA\tT\tUSFEG1500041\t014549210301\t5\t100\tStreaming\tUS\t0\t{amount}\t0\n");
    let text = format!("{header}{}{}", row("1.25"), row("0.004"));
    let mut home = Home::new();
    let first = home.import_text("report.tsv", &text).unwrap();
    let resaved: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.replace('\n', "\r\n").encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let path = home.write("report (resaved).tsv", &resaved);
    let error = home.import(&path, &ImportOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "report (resaved).tsv: refused, nothing imported: it has the same lines and totals as import #{} (report.tsv): 2 lines of distrokid/bank-details, sales from 2026-01-01 to 2026-01-31, net 1.254 USD; it is most likely the same report saved again (re-encoded or re-exported), and its money would be counted twice",
            first.import_id
        )
    );
    assert!(error.hint().unwrap().contains("--allow-same-totals"));
    assert_eq!(home.imports_stored(), 1);
    let other = format!("{header}{}{}", row("1.25"), row("0.005"));
    assert_eq!(home.import_text("other.tsv", &other).unwrap().status, ImportStatus::Imported);
    let allowed = home
        .import(&path, &ImportOptions { allow_same_totals: true, ..Default::default() })
        .unwrap();
    assert_eq!(allowed.status, ImportStatus::Imported);
    assert_eq!(home.imports_stored(), 3);
}
