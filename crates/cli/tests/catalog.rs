//! `ledgerline catalog import` and `catalog export`, run as the real binary in temporary folders.

use std::path::{Path, PathBuf};

mod common;
use common::{ledgerline, stdout, stderr, json};

/// A new home and a synthetic label beside it; returns (home, catalog.csv, parties.csv).
fn home_with_synthetic_label(folder: &Path) -> (PathBuf, String, String) {
    let home = folder.join("home");
    let label = folder.join("label");
    assert!(ledgerline(&home, &["init"]).status.success());
    let synth = ledgerline(&home, &["synth", "--out", label.to_str().unwrap(), "--months", "1"]);
    assert!(synth.status.success(), "{}", stderr(&synth));
    let path = |name: &str| label.join("catalog").join(name).to_str().unwrap().to_string();
    (home, path("catalog.csv"), path("parties.csv"))
}

fn count(home: &Path, table: &str) -> i64 {
    let connection = rusqlite::Connection::open(home.join("ledger.db")).unwrap();
    connection.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap()
}

#[test]
fn the_synthetic_catalog_imports_and_a_second_import_says_no_changes() {
    let folder = tempfile::tempdir().unwrap();
    let (home, catalog, parties) = home_with_synthetic_label(folder.path());

    let first = ledgerline(&home, &["--json", "catalog", "import", &parties, &catalog]);
    assert!(first.status.success(), "{}", stderr(&first));
    let report = json(&first);
    assert_eq!(report["imported"], 2);
    assert_eq!(report["refused"], 0);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files[0]["kind"], "parties-csv");
    assert_eq!(files[1]["kind"], "catalog-csv");
    assert_eq!(files[1]["status"], "imported");
    let releases_added = files[1]["counts"]["releases"]["added"].as_i64().unwrap();
    let tracks_added = files[1]["counts"]["tracks"]["added"].as_i64().unwrap();
    assert_eq!(releases_added, count(&home, "releases"));
    assert_eq!(tracks_added, count(&home, "tracks"));
    assert_eq!(files[0]["counts"]["parties"]["added"].as_i64().unwrap(), count(&home, "parties"));
    let first_change = &files[1]["changes"][0];
    assert_eq!(first_change["entity"], "track");
    assert_eq!(first_change["action"], "added");

    let second = ledgerline(&home, &["catalog", "import", &catalog, &parties]);
    assert!(second.status.success(), "{}", stderr(&second));
    let text = stdout(&second);
    assert!(
        text.contains(&format!("{catalog} (catalog CSV): no changes; {releases_added} releases ({releases_added} unchanged)")),
        "{text}"
    );
    assert!(text.contains(&format!("{parties} (parties CSV): no changes;")), "{text}");

    let again = json(&ledgerline(&home, &["--json", "catalog", "import", &catalog]));
    assert_eq!(again["files"][0]["status"], "unchanged");
    assert_eq!(again["files"][0]["changes"], serde_json::json!([]));
    assert_eq!(again["unchanged"], 1);
}

#[test]
fn a_changed_title_is_reported_with_old_and_new_value() {
    let folder = tempfile::tempdir().unwrap();
    let (home, catalog, _) = home_with_synthetic_label(folder.path());
    assert!(ledgerline(&home, &["catalog", "import", &catalog]).status.success());

    let text = std::fs::read_to_string(&catalog).unwrap();
    let first_row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let (isrc, title) = (first_row[9], first_row[10]);
    let renamed: String = text
        .lines()
        .map(|line| {
            let mut fields: Vec<&str> = line.split(',').collect();
            if fields.get(9) == Some(&isrc) {
                fields[10] = "Renamed Song";
            }
            format!("{}\n", fields.join(","))
        })
        .collect();
    let edited = folder.path().join("edited.csv");
    std::fs::write(&edited, renamed).unwrap();

    let output = ledgerline(&home, &["catalog", "import", edited.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("1 changed"), "{report}");
    assert!(report.contains(&format!("    track {isrc} (Renamed Song): title \"{title}\" → \"Renamed Song\"")), "{report}");
}

#[test]
fn a_bad_isrc_refuses_the_whole_file_with_its_line() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init"]).status.success());
    let bad = folder.path().join("bad.csv");
    std::fs::write(
        &bad,
        "release_upc,catalog_number,release_title,release_artist,label,release_date,release_format,disc_number,track_number,isrc,track_title,track_artist,duration_seconds,track_version\n\
         0880000000008,LBR001,Signal,Bram,Last Ballroom,2012-04-22,EP,1,1,FRERZ1200163,One,Bram,162,\n\
         0880000000008,LBR001,Signal,Bram,Last Ballroom,2012-04-22,EP,1,2,USRC1760001,Two,Bram,200,\n",
    )
    .unwrap();
    let output = ledgerline(&home, &["catalog", "import", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    assert!(
        errors.contains(&format!("{}:3: column \"isrc\": ISRC \"USRC1760001\" has 11 characters", bad.display())),
        "{errors}"
    );
    assert!(errors.contains("nothing from it was imported"), "{errors}");
    assert_eq!(count(&home, "releases"), 0, "the good row of the bad file is not stored either");
    assert_eq!(count(&home, "tracks"), 0);

    let as_json = ledgerline(&home, &["--json", "catalog", "import", bad.to_str().unwrap()]);
    assert_eq!(as_json.status.code(), Some(1));
    let report = json(&as_json);
    assert_eq!(report["refused"], 1);
    assert_eq!(report["files"][0]["status"], "refused");
    assert!(report["files"][0]["errors"][0].as_str().unwrap().contains(":3: column \"isrc\""));
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let folder = tempfile::tempdir().unwrap();
    let (home, catalog, _) = home_with_synthetic_label(folder.path());
    let missing = folder.path().join("missing.csv");
    let output = ledgerline(&home, &["--json", "catalog", "import", missing.to_str().unwrap(), &catalog]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!((report["refused"].as_i64(), report["imported"].as_i64()), (Some(1), Some(1)));
    assert!(stderr(&output).contains("missing.csv: cannot be read"));
    assert!(count(&home, "releases") > 0);
}

#[test]
fn ern_samples_import_by_content() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init"]).status.success());
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples/ern");
    let sample = |name: &str| samples.join(name).to_str().unwrap().to_string();
    let ern_43 = sample("ern43_audio_album_ddex-sample-trimmed_kazhs-ddex-json-codec.xml");
    let ern_382 = sample("ern382_official_album_ddex-sample_kazhs-ddex-json-codec.xml");
    let output = ledgerline(&home, &["--json", "catalog", "import", &ern_43, &ern_382]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["files"][0]["kind"], "ern-4.3");
    assert_eq!(report["files"][1]["kind"], "ern-3.8.2");
    assert_eq!(report["files"][1]["counts"]["tracks"]["added"], 6);
    assert_eq!(count(&home, "tracks"), 8);
}

#[test]
fn export_writes_the_layout_import_reads() {
    let folder = tempfile::tempdir().unwrap();
    let (home, catalog, _) = home_with_synthetic_label(folder.path());
    assert!(ledgerline(&home, &["catalog", "import", &catalog]).status.success());
    let exported = folder.path().join("exported.csv");
    let output = ledgerline(&home, &["--json", "catalog", "export", "--out", exported.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let rows = json(&output)["rows"].as_i64().unwrap();
    assert_eq!(rows, count(&home, "release_tracks"), "one row per track on a release");

    let reimport = ledgerline(&home, &["--json", "catalog", "import", exported.to_str().unwrap()]);
    assert_eq!(json(&reimport)["files"][0]["status"], "unchanged");
    let exported_again = folder.path().join("exported-again.csv");
    assert!(ledgerline(&home, &["catalog", "export", "--out", exported_again.to_str().unwrap()]).status.success());
    assert_eq!(std::fs::read(&exported).unwrap(), std::fs::read(&exported_again).unwrap());
}

#[test]
fn catalog_commands_need_a_home_and_files() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("nowhere");
    let output = ledgerline(&home, &["catalog", "import", "catalog.csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("hint: run `ledgerline init` first"), "{}", stderr(&output));
    assert_eq!(ledgerline(&home, &["catalog", "import"]).status.code(), Some(2), "at least one file is required");
    assert_eq!(ledgerline(&home, &["catalog", "export"]).status.code(), Some(2), "--out is required");
}
