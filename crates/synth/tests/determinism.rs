//! The same options give byte-identical output; a different seed gives a different label; the
//! manifest's hashes are those of the files; an earlier generation is replaced in place and a
//! folder that is not ours is refused.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use ledgerline_synth::{generate, SynthOptions};
use sha2::{Digest, Sha256};

/// Every file under `root`, by relative path with `/` separators.
fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn same_seed_gives_byte_identical_trees_and_another_seed_does_not() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let other_seed = tempfile::tempdir().unwrap();
    let options = SynthOptions::default();
    let first_summary = generate(&options, first.path()).unwrap();
    let second_summary = generate(&options, second.path()).unwrap();
    generate(&SynthOptions { seed: 2, ..options.clone() }, other_seed.path()).unwrap();

    assert_eq!(first_summary, second_summary);
    let first_files = read_tree(first.path());
    let second_files = read_tree(second.path());
    assert_eq!(first_files.keys().collect::<Vec<_>>(), second_files.keys().collect::<Vec<_>>());
    for (path, bytes) in &first_files {
        assert!(bytes == &second_files[path], "{path} differs between two runs with the same seed");
    }
    assert_eq!(first_files.len(), first_summary.files.len(), "the summary lists every file");

    let other_files = read_tree(other_seed.path());
    assert_ne!(first_files["catalog/catalog.csv"], other_files["catalog/catalog.csv"]);
    let reports = |files: &BTreeMap<String, Vec<u8>>| -> Vec<Vec<u8>> {
        files.iter().filter(|(path, _)| path.starts_with("reports/")).map(|(_, bytes)| bytes.clone()).collect()
    };
    let other_reports = reports(&other_files);
    for report in reports(&first_files) {
        assert!(!other_reports.contains(&report), "a report is identical under another seed");
    }
}

#[test]
fn manifest_lists_every_file_with_its_hash() {
    let folder = tempfile::tempdir().unwrap();
    let options = SynthOptions { artists: 3, months: 2, ..SynthOptions::default() };
    generate(&options, folder.path()).unwrap();
    let files = read_tree(folder.path());
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["generator"], "ledgerline-synth");
    assert_eq!(manifest["options"]["seed"], 1);
    assert_eq!(manifest["options"]["first_month"], "2026-01");
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 1, "every file but the manifest itself");
    for entry in listed {
        let path = entry["path"].as_str().unwrap();
        let bytes = &files[path];
        let digest: String = Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(entry["sha256"].as_str().unwrap(), digest, "{path}");
        assert_eq!(entry["bytes"].as_u64().unwrap(), bytes.len() as u64, "{path}");
    }
}

#[test]
fn regenerating_replaces_an_earlier_run_and_refuses_foreign_folders() {
    let folder = tempfile::tempdir().unwrap();
    generate(&SynthOptions { seed: 5, artists: 4, months: 3, ..SynthOptions::default() }, folder.path()).unwrap();
    let options = SynthOptions { artists: 3, months: 2, ..SynthOptions::default() };
    generate(&options, folder.path()).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    generate(&options, fresh.path()).unwrap();
    assert_eq!(read_tree(folder.path()), read_tree(fresh.path()), "no file of the earlier run is left behind");

    let foreign = tempfile::tempdir().unwrap();
    fs::write(foreign.path().join("notes.txt"), "mine").unwrap();
    let error = generate(&options, foreign.path()).unwrap_err().to_string();
    assert!(error.contains("not empty"), "{error}");
    assert_eq!(fs::read_to_string(foreign.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn bad_options_are_refused() {
    let folder = tempfile::tempdir().unwrap();
    for options in [
        SynthOptions { artists: 0, ..SynthOptions::default() },
        SynthOptions { months: 0, ..SynthOptions::default() },
        SynthOptions { lines: Some(0), ..SynthOptions::default() },
    ] {
        assert!(generate(&options, folder.path()).is_err(), "{options:?}");
    }
}
