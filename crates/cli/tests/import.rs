//! `import`, `unmatched` and `alias` through the real binary, on a generated label.


use std::process::Output;

mod common;
use common::{ledgerline, stderr, json};

/// The JSON document of a command that must have succeeded.
fn json_ok(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    json(output)
}

#[test]
fn reports_import_once_and_the_suspense_queue_resolves_by_alias() {
    let folder = tempfile::tempdir().unwrap();
    let label = folder.path().join("label");
    let home = folder.path().join("home");
    assert!(ledgerline(folder.path(), &["synth", "--out", label.to_str().unwrap(), "--months", "2"]).status.success());
    assert!(ledgerline(&home, &["init"]).status.success());
    let catalog = label.join("catalog/catalog.csv");
    assert!(ledgerline(&home, &["catalog", "import", catalog.to_str().unwrap()]).status.success());

    let fuga_folder = label.join("reports/fuga");
    let report = std::fs::read_dir(&fuga_folder).unwrap().next().unwrap().unwrap().path();
    let first = json_ok(&ledgerline(&home, &["--json", "import", report.to_str().unwrap()]));
    let file = &first["files"][0];
    assert_eq!(file["status"], "imported");
    assert_eq!(file["format"], "fuga/royalty-product-and-asset/1");
    assert!(file["totals"]["EUR"]["net"].is_string(), "money is an exact decimal string: {file}");
    let unmatched_lines = file["unmatched_lines"].as_u64().unwrap();
    assert_eq!(file["matched_lines"].as_u64().unwrap() + unmatched_lines, file["lines"].as_u64().unwrap());

    let again = json_ok(&ledgerline(&home, &["--json", "import", report.to_str().unwrap()]));
    assert_eq!(again["files"][0]["status"], "already_imported");
    assert_eq!(again["files"][0]["import_id"], file["import_id"]);

    let queue = json_ok(&ledgerline(&home, &["--json", "unmatched"]));
    assert_eq!(queue["lines"].as_u64().unwrap(), unmatched_lines);
    if unmatched_lines == 0 {
        return;
    }
    let group = &queue["groups"][0];
    let identifier = group["identifier"].as_str().unwrap();
    let group_lines = group["lines"].as_u64().unwrap();
    // Alias the unknown ISRC to the first track of the catalog.
    let catalog_text = std::fs::read_to_string(&catalog).unwrap();
    let some_isrc = catalog_text.lines().nth(1).unwrap().split(',').nth(9).unwrap();
    let aliased = json_ok(&ledgerline(&home, &["--json", "alias", identifier, "--track", some_isrc]));
    assert_eq!(aliased["created"], true);
    assert_eq!(aliased["lines_resolved"].as_u64().unwrap(), group_lines);
    let queue = json_ok(&ledgerline(&home, &["--json", "unmatched"]));
    assert_eq!(queue["lines"].as_u64().unwrap(), unmatched_lines - group_lines);

    let refused = ledgerline(&home, &["alias", identifier, "--track", "FRXXX0000001"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is not in the catalog"));
    // Moving it to another track is refused, naming the track it stands for.
    let other_isrc = catalog_text.lines().map(|line| line.split(',').nth(9).unwrap_or("")).find(|isrc| !isrc.is_empty() && *isrc != some_isrc && *isrc != "isrc").unwrap();
    let moved = ledgerline(&home, &["alias", identifier, "--track", other_isrc]);
    assert_eq!(moved.status.code(), Some(1));
    let message = String::from_utf8_lossy(&moved.stderr);
    assert!(message.contains(&format!("\"{identifier}\" is already an alias (namespace report) of track {some_isrc} \"")), "{message}");
    // A typo, and a catalog ISRC, are refused, nothing stored.
    let typo = ledgerline(&home, &["alias", "NOPE123", "--track", some_isrc]);
    assert_eq!(typo.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("no unmatched line carries \"NOPE123\""), "{}", String::from_utf8_lossy(&typo.stderr));
    let itself = ledgerline(&home, &["alias", other_isrc, "--track", some_isrc]);
    assert_eq!(itself.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&itself.stderr).contains("is itself a track or release of the catalog"));
}

#[test]
fn a_refused_report_exits_1_and_names_the_cell() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init"]).status.success());
    let report = folder.path().join("bad.csv");
    std::fs::write(
        &report,
        "Sale ID,Sale Start date,Sale End date,DSP,Sale Store Name,Sale Type,Sale User Type,Territory,Product UPC,Product Catalog Number,Product Title,Asset Artist,Asset Title,Asset ISRC,Asset Reference,Product Reference,Product Artist,Product Quantity,Asset Quantity,Converted Gross Income,Reported Royalty,Currency,Original currency,Exchange Rate\n\
         1,2026-01-01,2026-01-31,Spotify,Spotify,Stream,Premium,FR,,,,A,T,FRXXX2600001,1,,A,0,3,0.1,0.08,EUR,EUR,1\n\
         2,2026-01-01,2026-01-31,Spotify,Spotify,Stream,Premium,FR,,,,A,T,FRXXX2600001,1,,A,0,3,0.1,zero,EUR,EUR,1\n",
    )
    .unwrap();
    let output = ledgerline(&home, &["import", report.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("refused, nothing imported: 1 error(s) in 1 row(s)"), "{text}");
    assert!(text.contains(":3:21: error: not a decimal number: unexpected 'z' at character 1 (column \"Reported Royalty\", value \"zero\")"), "{text}");
    assert!(text.contains("hint: fix the rows listed, or import the good rows with --skip-bad-rows"), "{text}");
    let check = ledgerline(&home, &["--json", "check"]);
    assert_eq!(json_ok(&check)["lake"]["imports_checked"], 0);
}

/// File `number` of a two-file Basic Audio report: NetRevenue 100 GBP over 40 streams, 30 in
/// file 1 and 10 in file 2.
fn dsr_set_file(number: usize) -> String {
    let head = format!(
        "HEAD\tdsrf/1.4/1.4.1/1.4\tBasicAudioProfile\t1.3\tM-CLI\t2026-02-05T06:00:00Z\t{number}\t2\t2026-01-01\t2026-01-31\tPADPIDA2008101601S\tSpotify\t\tPADPIDA0000000002X\tLabel\t"
    );
    let streams: &[&str] = if number == 1 { &["10", "20"] } else { &["10"] };
    let mut rows = vec![
        head,
        "SY01.02\tS1\tSpotify\t\tSubscriptionModel\tOnDemandStream\tGB\tPremium\t40\t\tGBP\t100\t\tGBP\t1".to_string(),
        format!("RE01.02\t{number}\tR1\tDSPREL\t\t\t0880000000008\tArtist\t\tAlbum"),
        format!("AS01.02\t{number}\tA1\tDSPRES\tGBAAA260000{number}\tSong\t\tArtist"),
    ];
    for streams in streams {
        rows.push(format!("SU02.02\t{number}\tS1\tT\t\tA1\tTRUE\t{streams}"));
    }
    let lines = rows.len() + 1;
    if number == 2 {
        rows.push(format!("FOOT\t{lines}\t{}\t1\t1\t2", lines + 7));
    } else {
        rows.push(format!("FOOT\t{lines}\t\t1\t1\t"));
    }
    rows.join("\n") + "\n"
}

#[test]
fn a_multi_file_dsr_report_is_recognised_and_checked_when_complete() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init"]).status.success());
    let first = folder.path().join("DSR_1of2.tsv");
    let second = folder.path().join("DSR_2of2.tsv");
    std::fs::write(&first, dsr_set_file(1)).unwrap();
    std::fs::write(&second, dsr_set_file(2)).unwrap();

    let output = ledgerline(&home, &["import", first.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("    file 1 of 2 of DSR report M-CLI from Spotify (PADPIDA2008101601S): file 1 imported, waiting for 2\n"),
        "{text}"
    );

    let done = json_ok(&ledgerline(&home, &["--json", "import", second.to_str().unwrap()]));
    let set = &done["files"][0]["report_set"];
    assert_eq!(done["files"][0]["report_sets"], serde_json::json!([set]));
    assert_eq!(set["message_id"], "M-CLI");
    assert_eq!(set["sender_party_id"], "PADPIDA2008101601S");
    assert_eq!((set["file_number"].as_u64(), set["number_of_files"].as_u64()), (Some(2), Some(2)));
    assert_eq!(set["files_imported"], serde_json::json!([1, 2]));
    assert_eq!(set["complete"], true);
    let checks = &set["checks"];
    assert_eq!(checks["money_reconciles"], true);
    assert_eq!(checks["summaries"][0]["stated_amount"], "100");
    assert_eq!(checks["summaries"][0]["net"], "100");
    assert_eq!(checks["summaries"][0]["difference"], "0");
    assert_eq!(checks["summaries"][0]["usages"], 40);
    assert_eq!(checks["lines_in_report"], serde_json::json!({"stated": 13, "found": 13}));
    assert_eq!(checks["warnings"], serde_json::json!([]));

    let again = ledgerline(&home, &["import", second.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("already imported as #2"), "{text}");
    assert!(
        text.contains("    file 2 of 2 of DSR report M-CLI from Spotify (PADPIDA2008101601S): complete, totals reconcile\n"),
        "{text}"
    );
}
