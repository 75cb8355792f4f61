//! Storing catalogs in a ledger and exporting them again, on the synthetic label's catalog.

use ledgerline_catalog::{
    export_catalog, import_catalog, read_catalog_file, CatalogImportError, ChangeAction, EntityKind, FieldChange,
};
use ledgerline_store::Ledger;
use ledgerline_synth::{generate, SynthOptions};

/// The synthetic label's `catalog.csv` and `parties.csv`.
fn synth_catalog() -> (Vec<u8>, Vec<u8>) {
    let folder = tempfile::tempdir().unwrap();
    generate(&SynthOptions { months: 1, ..SynthOptions::default() }, folder.path()).unwrap();
    let read = |name: &str| std::fs::read(folder.path().join("catalog").join(name)).unwrap();
    (read("catalog.csv"), read("parties.csv"))
}

fn import(ledger: &mut Ledger, name: &str, bytes: &[u8]) -> ledgerline_catalog::ChangeReport {
    let file = read_catalog_file(name, bytes).unwrap_or_else(|error| panic!("{error}: {:?}", error.problems));
    import_catalog(ledger, &file.catalog).unwrap()
}

/// Rewrites the cells of a catalog CSV: `change(row)` edits each data row's fields in place;
/// returning false drops the row.
fn edited(csv_bytes: &[u8], mut change: impl FnMut(&mut Vec<String>) -> bool) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_bytes);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    for (index, record) in reader.records().enumerate() {
        let mut fields: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if index == 0 || change(&mut fields) {
            writer.write_record(&fields).unwrap();
        }
    }
    writer.into_inner().unwrap()
}

fn count(ledger: &Ledger, sql: &str) -> i64 {
    ledger.connection().query_row(sql, [], |row| row.get(0)).unwrap()
}

const ISRC: usize = 9;
const TRACK_TITLE: usize = 10;
const RELEASE_UPC: usize = 0;
const LABEL: usize = 4;

#[test]
fn the_synthetic_catalog_imports_and_imports_again_without_changes() {
    let (catalog, parties) = synth_catalog();
    let mut ledger = Ledger::open_in_memory().unwrap();
    let first = import(&mut ledger, "catalog.csv", &catalog);
    assert!(first.releases.added > 10 && first.tracks.added > 50, "{:?} {:?}", first.releases, first.tracks);
    assert_eq!((first.releases.changed, first.tracks.changed), (0, 0));
    assert_eq!(count(&ledger, "SELECT count(*) FROM releases") as u64, first.releases.added);
    let rows = catalog.iter().filter(|&&byte| byte == b'\n').count() as i64 - 1;
    assert_eq!(count(&ledger, "SELECT count(*) FROM release_tracks"), rows, "one tracklist entry per row");
    let first_parties = import(&mut ledger, "parties.csv", &parties);
    assert_eq!(first_parties.parties.added as i64, count(&ledger, "SELECT count(*) FROM parties"));

    let again = import(&mut ledger, "catalog.csv", &catalog);
    assert!(!again.has_changes(), "{:?}", again.changes);
    assert_eq!((again.releases.unchanged, again.tracks.unchanged), (first.releases.added, first.tracks.added));
    let parties_again = import(&mut ledger, "parties.csv", &parties);
    assert!(!parties_again.has_changes());
    assert_eq!(parties_again.parties.unchanged, first_parties.parties.added);
}

#[test]
fn a_changed_title_and_label_are_reported_field_by_field() {
    let (catalog, _) = synth_catalog();
    let mut ledger = Ledger::open_in_memory().unwrap();
    import(&mut ledger, "catalog.csv", &catalog);

    let mut first_row: Vec<String> = Vec::new();
    let changed = edited(&catalog, |fields| {
        if first_row.is_empty() {
            first_row = fields.clone();
        }
        if fields[ISRC] == first_row[ISRC] {
            fields[TRACK_TITLE] = "A New Title".to_string();
        }
        if fields[RELEASE_UPC] == first_row[RELEASE_UPC] {
            fields[LABEL] = "Other Label Ltd".to_string();
        }
        true
    });
    let report = import(&mut ledger, "catalog.csv", &changed);
    assert_eq!((report.tracks.changed, report.releases.changed), (1, 1));
    assert_eq!(report.changes.len(), 2, "{:?}", report.changes);
    let track_change = &report.changes[0];
    assert_eq!((track_change.entity, track_change.action), (EntityKind::Track, ChangeAction::Changed));
    assert_eq!(track_change.key, first_row[ISRC]);
    assert_eq!(
        track_change.fields,
        vec![FieldChange { field: "title".to_string(), old: Some(first_row[TRACK_TITLE].clone()), new: Some("A New Title".to_string()) }]
    );
    let release_change = &report.changes[1];
    assert_eq!(release_change.entity, EntityKind::Release);
    // The ICPN is the normalised EAN-13 of the file's code.
    assert!(release_change.key.ends_with(&first_row[RELEASE_UPC]), "{} for {}", release_change.key, first_row[RELEASE_UPC]);
    assert_eq!(
        release_change.to_string(),
        format!(
            "release {} ({}): label \"{}\" → \"Other Label Ltd\"",
            release_change.key, first_row[2], first_row[LABEL]
        )
    );
    let stored: String = ledger
        .connection()
        .query_row("SELECT title FROM tracks WHERE isrc = ?1", [&first_row[ISRC]], |row| row.get(0))
        .unwrap();
    assert_eq!(stored, "A New Title");
}

#[test]
fn the_tracklist_of_each_release_in_the_file_is_replaced() {
    let (catalog, _) = synth_catalog();
    let mut ledger = Ledger::open_in_memory().unwrap();
    import(&mut ledger, "catalog.csv", &catalog);
    let entries_before = count(&ledger, "SELECT count(*) FROM release_tracks");

    // Drop the second row of the first release.
    let mut seen_of_first_release = 0;
    let mut first_upc = String::new();
    let mut dropped = Vec::new();
    let shorter = edited(&catalog, |fields| {
        if first_upc.is_empty() {
            first_upc = fields[RELEASE_UPC].clone();
        }
        if fields[RELEASE_UPC] == first_upc {
            seen_of_first_release += 1;
            if seen_of_first_release == 2 {
                dropped = fields.clone();
                return false;
            }
        }
        true
    });
    let report = import(&mut ledger, "catalog.csv", &shorter);
    assert_eq!(report.releases.changed, 1);
    let change = &report.changes[0];
    assert_eq!(change.entity, EntityKind::Release);
    let position = format!("track {}-{}", dropped[7], dropped[8]);
    assert_eq!(change.fields, vec![FieldChange { field: position, old: Some(dropped[ISRC].clone()), new: None }]);
    assert_eq!(count(&ledger, "SELECT count(*) FROM release_tracks"), entries_before - 1);
}

#[test]
fn party_changes_are_reported() {
    let (_, parties) = synth_catalog();
    let mut ledger = Ledger::open_in_memory().unwrap();
    import(&mut ledger, "parties.csv", &parties);
    let text = String::from_utf8(parties).unwrap();
    let first_party_line = text.lines().nth(1).unwrap();
    let fields: Vec<&str> = first_party_line.split(',').collect();
    let moved = text.replacen(first_party_line, &first_party_line.replace(fields[3], "new.address@example.org"), 1);
    let report = import(&mut ledger, "parties.csv", moved.as_bytes());
    assert_eq!(report.parties.changed, 1);
    assert_eq!(
        report.changes[0].to_string(),
        format!("party {} ({}): email \"{}\" → \"new.address@example.org\"", fields[0], fields[1], fields[3])
    );
}

#[test]
fn aliases_point_at_one_thing_and_a_conflict_stores_nothing() {
    let (catalog, _) = synth_catalog();
    let mut ledger = Ledger::open_in_memory().unwrap();
    import(&mut ledger, "catalog.csv", &catalog);
    let text = String::from_utf8(catalog).unwrap();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let other_row: Vec<&str> = text.lines().nth(2).unwrap().split(',').collect();
    let (upc, isrc, other_isrc) = (row[RELEASE_UPC], row[ISRC], other_row[ISRC]);

    let aliases = format!("namespace,value,isrc,upc\napple,1440001,{isrc},\nbelieve,REL-1,,{upc}\n");
    let report = import(&mut ledger, "aliases.csv", aliases.as_bytes());
    assert_eq!(report.aliases.added, 2);
    let again = import(&mut ledger, "aliases.csv", aliases.as_bytes());
    assert_eq!((again.aliases.unchanged, again.has_changes()), (2, false));

    let conflicting = format!("namespace,value,isrc,upc\napple,1440002,{other_isrc},\napple,1440001,{other_isrc},\n");
    let file = read_catalog_file("conflict.csv", conflicting.as_bytes()).unwrap();
    let error = import_catalog(&mut ledger, &file.catalog).unwrap_err();
    assert!(matches!(error, CatalogImportError::AliasConflict { .. }));
    let message = error.to_string();
    assert!(message.starts_with(&format!("alias apple \"1440001\" already stands for track {isrc} \"")), "{message}");
    assert!(message.contains(&format!("; this file makes it stand for track {other_isrc} \"")), "{message}");
    assert_eq!(count(&ledger, "SELECT count(*) FROM aliases WHERE value = '1440002'"), 0, "the whole file was rolled back");

    // The same value under another namespace: report lines are matched by value, so it must
    // stand for the same thing (the same target is fine).
    let elsewhere = format!("namespace,value,isrc,upc\nfuga,1440001,{other_isrc},\n");
    let file = read_catalog_file("elsewhere.csv", elsewhere.as_bytes()).unwrap();
    let message = import_catalog(&mut ledger, &file.catalog).unwrap_err().to_string();
    assert!(
        message.starts_with(&format!("alias fuga \"1440001\" already stands for track {isrc} \"")),
        "{message}"
    );
    assert!(message.contains("as apple \"1440001\" (report lines are matched by the value, whoever reported it)"), "{message}");
    let same = format!("namespace,value,isrc,upc\nfuga,1440001,{isrc},\n");
    assert_eq!(import(&mut ledger, "same.csv", same.as_bytes()).aliases.added, 1);

    let unknown = read_catalog_file("unknown.csv", b"namespace,value,isrc,upc\napple,9,ZZZZZ9900001,\n").unwrap();
    let error = import_catalog(&mut ledger, &unknown.catalog).unwrap_err();
    assert_eq!(
        error.to_string(),
        "alias apple \"9\" refers to track ZZZZZ9900001, which is neither in this file nor in the catalog"
    );
}

#[test]
fn export_then_import_then_export_gives_the_same_bytes() {
    let (catalog, _) = synth_catalog();
    // A release without tracks must survive the round trip too.
    let mut with_empty_release = catalog.clone();
    with_empty_release.extend_from_slice(b"5000000000005,XQ-9,Coming Soon,Nobody,Last Ballroom,,Single,,,,,,,\n");
    let mut first_ledger = Ledger::open_in_memory().unwrap();
    import(&mut first_ledger, "catalog.csv", &with_empty_release);
    let first_export = export_catalog(&first_ledger).unwrap();

    let mut second_ledger = Ledger::open_in_memory().unwrap();
    import(&mut second_ledger, "export.csv", first_export.as_bytes());
    let second_export = export_catalog(&second_ledger).unwrap();
    assert_eq!(first_export, second_export);
    let again = import(&mut first_ledger, "export.csv", first_export.as_bytes());
    assert!(!again.has_changes(), "{:?}", again.changes);

    let mut lines = first_export.lines();
    assert_eq!(lines.next(), Some(ledgerline_catalog::CATALOG_COLUMNS.join(",").as_str()));
    let keys: Vec<String> = lines.map(|line| line.split(',').next().unwrap_or("").to_string()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows are sorted by release");
    assert!(first_export.contains("\n5000000000005,XQ-9,Coming Soon,Nobody,Last Ballroom,,Single,,,,,,,\n"));
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_read_the_same() {
    let (catalog, parties) = synth_catalog();
    for original in [catalog, parties] {
        let plain = read_catalog_file("plain.csv", &original).unwrap();
        let mut windows = b"\xEF\xBB\xBF".to_vec();
        windows.extend(String::from_utf8(original).unwrap().replace('\n', "\r\n").into_bytes());
        let with_bom_and_crlf = read_catalog_file("windows.csv", &windows).unwrap();
        assert_eq!(plain, with_bom_and_crlf);
    }
}
