//! The lake is the bridge to DuckDB and Polars (DESIGN.md): both must read every line exactly
//! as Ledgerline wrote it. Every report of a synthetic label (every source and layout: nulls,
//! ZIPs of several reports, DSR sets) is imported; for each import the lines Ledgerline's own
//! reader gives are written as JSON, and `scripts/lake-readers.sh` has DuckDB and Polars read
//! the Parquet files and compare every column of every line. The Python environment is the
//! benchmark's (`bench/compare/venv.sh`, made once from PyPI); without it this test fails with
//! the script's message, it does not skip.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use ledgerline_formats::SaleLine;
use serde_json::json;

fn ledgerline(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ledgerline"));
    command.arg("--home").arg(home).env_remove("LEDGERLINE_HOME");
    command
}

fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// A line as the lake's columns, in the text the Python side compares with.
fn as_columns(line: &SaleLine) -> serde_json::Value {
    let text = |value: Option<&str>| value.map(str::to_string);
    json!({
        "line_number": line.line_number,
        "sale_start": line.sale_start.to_string(),
        "sale_end": line.sale_end.to_string(),
        "reporting_month": line.reporting_month.map(|month| month.first_day().to_string()),
        "service": line.service,
        "territory": line.territory.alpha2(),
        "usage": line.usage.name(),
        "tier": line.tier.name(),
        "reported_upc": line.reported_upc,
        "reported_isrc": line.reported_isrc,
        "upc": text(line.upc.as_ref().map(|upc| upc.as_str())),
        "isrc": text(line.isrc.as_ref().map(|isrc| isrc.as_str())),
        "catalog_number": line.catalog_number,
        "proprietary_id": line.proprietary_id,
        "release_title": line.release_title,
        "track_title": line.track_title,
        "artist": line.artist,
        "units": line.units,
        "gross": line.gross.map(|gross| gross.to_string()),
        "net": line.net.to_string(),
        "currency": line.currency.code(),
        "original_currency": line.original_currency.map(|currency| currency.code().to_string()),
        "fx_rate": line.fx_rate.map(|rate| rate.to_string()),
    })
}

#[test]
fn duckdb_and_polars_read_every_line_of_the_lake_as_ledgerline_wrote_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let work = tempfile::tempdir().unwrap();
    let (label, home, expected) = (work.path().join("label"), work.path().join("home"), work.path().join("expected"));
    let synth = Command::new(env!("CARGO_BIN_EXE_ledgerline"))
        .args(["synth", "--out"])
        .arg(&label)
        .output()
        .unwrap();
    assert!(synth.status.success(), "{}", String::from_utf8_lossy(&synth.stderr));
    assert!(ledgerline(&home).arg("init").output().unwrap().status.success());
    let reports = files_under(&label.join("reports"));
    let imported = ledgerline(&home).arg("--json").arg("import").args(&reports).output().unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let result: serde_json::Value = serde_json::from_slice(&imported.stdout).unwrap();
    let mut keys: Vec<String> = result["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["content_sha256"].as_str().unwrap().to_string())
        .collect();
    keys.sort();
    keys.dedup();
    assert!(keys.len() >= 20, "only {} imports", keys.len());

    std::fs::create_dir(&expected).unwrap();
    let (mut lines, mut nulls) = (0, 0);
    for key in &keys {
        let mut out = std::fs::File::create(expected.join(format!("{key}.jsonl"))).unwrap();
        for line in ledgerline_lake::read_import(&home.join("lake"), key).unwrap() {
            let columns = as_columns(&line.unwrap());
            nulls += columns.as_object().unwrap().values().filter(|value| value.is_null()).count();
            lines += 1;
            writeln!(out, "{columns}").unwrap();
        }
    }
    assert!(lines > 1_000 && nulls > 1_000, "{lines} lines, {nulls} nulls: too few to test");

    let output = Command::new("bash")
        .arg(root.join("scripts/lake-readers.sh"))
        .arg(home.join("lake"))
        .arg(&expected)
        .current_dir(&root)
        .output()
        .expect("bash runs scripts/lake-readers.sh");
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "DuckDB or Polars read the lake otherwise (or their environment could not be made; it needs python3 with venv and PyPI once).\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains(&format!("read {} imports, {lines} lines, exactly as Ledgerline wrote them", keys.len())), "{stdout}");
    println!("{stdout}");
}
