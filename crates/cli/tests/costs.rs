//! `ledgerline costs import` through the real binary, on a demo home: what is refused (and
//! that nothing of a refused file reaches the run), cost_id and re-importing a grown file, and
//! the charges the run makes of what was recorded.

mod common;

use std::path::Path;

use common::{json, ledgerline, stderr, stdout};
use ledgerline_money::Decimal;

const HEADER: &str = "date,contract_id,party_id,release_upc,kind,amount,currency,recoupable_percent,description,cost_id\n";
/// In the demo: C007 is a royalty deal of P009 alone (share 1, recoupable), recouping recording
/// 1, video 0.5 and tour_support 1; 3745882810046 is one of its releases.
const ROWS: &str = "2026-08-03,C007,P009,3745882810046,recording,1000.00,EUR,1,Studio: second album,LBR-2026-101\n\
                    2026-08-04,C007,P009,3745882810046,video,400.00,EUR,0.5,Music video,LBR-2026-102\n\
                    2026-08-05,C007,P009,3745882810046,marketing,300.00,EUR,0,Press campaign,LBR-2026-103\n";

/// P009's charges in the draft of 2026-H2.
fn charges(home: &Path) -> Decimal {
    let output = ledgerline(home, &["--json", "run", "2026-H2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    let payee = report["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P009").expect("P009 has a statement");
    Decimal::parse(payee["charges"].as_str().unwrap()).unwrap()
}

fn write(folder: &Path, name: &str, text: &str) -> String {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn costs_import_refuses_what_the_run_would_ignore_and_charges_what_the_contract_recoups() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    let demo = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let before = charges(&home);
    let draft_before = stdout(&ledgerline(&home, &["--json", "run", "2026-H2"]));

    // The walkthrough's file: a contract not in the ledger and a misspelt kind.
    let bad = write(
        folder.path(),
        "bad.csv",
        &format!("{HEADER}2026-08-01,C999,,,recording,100,EUR,,Studio,\n2026-08-02,C007,,,recordng,200,EUR,,Studio,\n"),
    );
    let output = ledgerline(&home, &["costs", "import", &bad]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(message.contains(&format!("{bad}:2:2: contract_id: \"C999\" is not a contract in the ledger (the contracts are C001, C002")), "{message}");
    assert!(message.contains("import the contract first (ledgerline contracts import FILE) or correct the id"), "{message}");
    assert!(
        message.contains(&format!(
            "{bad}:3:5: kind: contract C007 (version 1) has no [[costs]] entry for \"recordng\", so this cost would never be recouped; it recoups recording (1), video (0.5), tour_support (1); correct the kind if it is misspelt, or write 0 in recoupable_percent to record the label's own cost"
        )),
        "{message}"
    );
    let refused = json(&ledgerline(&home, &["--json", "costs", "import", &bad]));
    assert!(refused["error"].as_str().unwrap().contains(":3:5: kind:"), "{refused}");

    // recoupable_percent set to 0 on a studio row: the contract recoups it in full.
    let zero = write(folder.path(), "zero.csv", &format!("{HEADER}2026-08-03,C007,P009,3745882810046,recording,1000.00,EUR,0,Studio,\n"));
    let output = ledgerline(&home, &["costs", "import", &zero]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!(
            "{zero}:2:8: recoupable_percent: 0 here, but contract C007 (version 1, the one for 2026-08-03) recoups 1 of recording costs; the contract decides what is recouped"
        )),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&ledgerline(&home, &["--json", "run", "2026-H2"])), draft_before, "nothing of a refused file is stored");

    // A good file: recording in full, video half, marketing the label's own.
    let costs = write(folder.path(), "costs.csv", &format!("{HEADER}{ROWS}"));
    let imported = json(&ledgerline(&home, &["--json", "costs", "import", &costs]));
    assert_eq!(imported["status"], "imported");
    assert_eq!(imported["recorded"], 3);
    assert_eq!(imported["not_recouped"], serde_json::json!([{ "line": 4, "contract_id": "C007", "kind": "marketing" }]));
    assert_eq!(charges(&home), before + Decimal::parse("1200").unwrap(), "1000 in full and half of 400");

    // The same file with a row added: only the new row is recorded.
    let grown = write(
        folder.path(),
        "costs.csv",
        &format!("{HEADER}{ROWS}2026-09-01,C007,P009,3745882810046,tour_support,250.00,EUR,1,Tour support,LBR-2026-104\n"),
    );
    let output = ledgerline(&home, &["costs", "import", &grown]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), format!("{grown}: 1 costs recorded; 3 already recorded (by cost_id) and skipped.\n"));
    assert_eq!(charges(&home), before + Decimal::parse("1450").unwrap(), "the earlier rows are not charged twice");
    let again = ledgerline(&home, &["costs", "import", &grown]);
    assert_eq!(stdout(&again), format!("{grown}: already imported; nothing changed.\n"));

    // A cost_id recorded before, now with another amount: a conflict.
    let changed = write(folder.path(), "changed.csv", &format!("{HEADER}2026-08-03,C007,P009,3745882810046,recording,1100.00,EUR,1,Studio: second album,LBR-2026-101\n"));
    let output = ledgerline(&home, &["costs", "import", &changed]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("{changed}:2:10: cost_id: \"LBR-2026-101\" was recorded from {costs}:2 with other content (amount \"1000\" there, \"1100\" here)")),
        "{}",
        stderr(&output)
    );
    assert_eq!(charges(&home), before + Decimal::parse("1450").unwrap());

    let check = ledgerline(&home, &["--json", "check"]);
    assert_eq!(json(&check)["ok"], true, "{}", stdout(&check));
}

#[test]
fn the_demo_costs_file_grown_without_cost_ids_is_refused_row_by_row() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    let demo = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    assert_eq!(json(&demo)["costs"]["recorded"], json(&demo)["costs"]["rows"]);
    let original = std::fs::read_to_string(home.join("inbox/costs/costs.csv")).unwrap();
    let rows = original.lines().count() - 1;
    let before = charges(&home);
    let grown = write(folder.path(), "costs.csv", &format!("{original}2026-08-03,C007,P009,3745882810046,recording,1000.00,EUR,1,Studio: second album\n"));
    let output = ledgerline(&home, &["costs", "import", &grown]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    let already: Vec<&str> = message.lines().filter(|line| line.contains("is already recorded, from")).collect();
    assert_eq!(already.len(), rows, "every earlier row is named: {message}");
    assert!(already[0].trim_start_matches("error: ").starts_with(&format!("{grown}:2:1: the same cost (every column) is already recorded, from ")), "{message}");
    assert!(!message.contains(&format!("{grown}:{}:", rows + 2)), "the new row is fine: {message}");
    assert!(message.contains("hint: see docs/costs.md"), "{message}");
    assert_eq!(charges(&home), before, "nothing charged twice");
    // Only the new row: recorded and charged.
    let new = write(folder.path(), "new.csv", "date,contract_id,party_id,release_upc,kind,amount,currency,recoupable_percent,description\n2026-08-03,C007,P009,3745882810046,recording,1000.00,EUR,1,Studio: second album\n");
    let output = ledgerline(&home, &["costs", "import", &new]);
    assert_eq!(stdout(&output), format!("{new}: 1 costs recorded.\n"), "{}", stderr(&output));
    assert_eq!(charges(&home), before + Decimal::parse("1000").unwrap());
}
