//! Runs the real `ledgerline` binary in temporary folders, as a user or a script would.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{ledgerline, stdout, stderr, json};

/// Every file under `root`, relative path and bytes, in a stable order.
fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn help_explains_the_commands() {
    let output = Command::new(env!("CARGO_BIN_EXE_ledgerline")).arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = stdout(&output);
    for word in ["royalty accounting", "init", "check", "synth", "demo", "--home", "--json"] {
        assert!(text.contains(word), "help mentions {word}: {text}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let home = tempfile::tempdir().unwrap();
    assert_eq!(ledgerline(home.path(), &["no-such-command"]).status.code(), Some(2));
    assert_eq!(ledgerline(home.path(), &["synth"]).status.code(), Some(2), "--out is required");
    assert_eq!(ledgerline(home.path(), &["synth", "--out", "x", "--seed", "minus one"]).status.code(), Some(2));
    // With --json, anywhere, a usage error is the JSON error document too.
    let missing = ledgerline(home.path(), &["--json", "run"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        json(&missing),
        serde_json::json!({
            "error": "the following required arguments were not provided: <PERIOD>",
            "causes": [],
            "hint": "usage: ledgerline run <PERIOD>; add --help for every option"
        })
    );
    assert!(stderr(&missing).contains("<PERIOD>"), "the text still goes to stderr");
    let unknown = ledgerline(home.path(), &["no-such-command", "--json"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(json(&unknown)["error"], "unrecognized subcommand 'no-such-command'");
    assert!(ledgerline(home.path(), &["no-such-command"]).stdout.is_empty(), "no JSON without --json");
}

#[test]
fn a_day_or_a_misspelt_period_is_refused_with_the_forms_accepted() {
    let home = tempfile::tempdir().unwrap();
    let forms = "write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)";
    let day = ledgerline(home.path(), &["run", "2026-01-01"]);
    assert_eq!(day.status.code(), Some(1));
    assert_eq!(
        stderr(&day),
        format!(
            "error: period \"2026-01-01\" is a day, not a period (the day lies in 2026-01, 2026-Q1, 2026-H1 and 2026); {forms}\n\
             hint: statements cover whole months: give the month 2026-01, or 2026-Q1, 2026-H1 or 2026\n"
        )
    );
    let year_last = ledgerline(home.path(), &["run", "H1-2026"]);
    assert_eq!(year_last.status.code(), Some(1));
    assert!(stderr(&year_last).contains("error: period \"H1-2026\": the year comes first: 2026-H1;"), "{}", stderr(&year_last));
    assert!(stderr(&year_last).contains("hint: write 2026-H1"), "{}", stderr(&year_last));
    for (text, problem) in [
        ("2026-13", "period \"2026-13\": month must be 01 to 12"),
        ("2026-Q5", "period \"2026-Q5\": quarter must be Q1 to Q4"),
        ("", "period is empty"),
    ] {
        let output = ledgerline(home.path(), &["run", text]);
        assert_eq!(output.status.code(), Some(1), "{text:?}");
        assert!(stderr(&output).starts_with(&format!("error: {problem}; {forms}\n")), "{text:?}: {}", stderr(&output));
    }
}

#[test]
fn explain_without_a_period_on_a_home_with_nothing_closed_asks_for_one() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("label");
    assert!(ledgerline(&home, &["init", "--currency", "EUR"]).status.success());
    let output = ledgerline(&home, &["explain", "--payee", "P001"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: no period given, and none is closed to explain by default\n\
         hint: give the period with --period, such as --period 2026-H1: a period not closed is explained from its draft\n"
    );
}

#[test]
fn init_creates_a_home_once() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("label");
    let first = ledgerline(&home, &["init", "--label-name", "Tiny Records", "--currency", "gbp"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("Created a Ledgerline home"));
    assert!(home.join("ledger.db").is_file());
    assert!(home.join("lake").is_dir());

    let second = ledgerline(&home, &["--json", "init"]);
    assert!(second.status.success());
    let report = json(&second);
    assert_eq!(report["created"], false);
    assert_eq!(report["label_name"], "Tiny Records");
    assert_eq!(report["accounting_currency"], "GBP");
    assert_eq!(report["rounding_mode"], "half-even");
    assert_eq!(report["accounting_basis"], "reporting_month");

    // The same settings again, or none, change nothing; another currency is refused.
    for arguments in [&["init", "--currency", "GBP"][..], &["init", "--label-name", "Tiny Records", "--rounding", "half-even"][..]] {
        let same = ledgerline(&home, arguments);
        assert_eq!(same.status.code(), Some(0), "{arguments:?}: {}", stderr(&same));
        assert!(stdout(&same).ends_with("nothing changed.\n"), "{}", stdout(&same));
    }
    let other = ledgerline(&home, &["init", "--currency", "USD"]);
    assert_eq!(other.status.code(), Some(1));
    assert_eq!(
        stderr(&other),
        "error: --currency USD: this home's accounting currency is GBP, and it cannot be changed once set: its ledger and statements are kept in it\n\
         hint: leave --currency out to keep GBP; for a label accounted in USD, create another home: `ledgerline --home DIR init --currency USD`\n"
    );
    let renamed = ledgerline(&home, &["init", "--label-name", "Big Records"]);
    assert_eq!(renamed.status.code(), Some(1));
    assert!(
        stderr(&renamed).starts_with("error: --label-name \"Big Records\": this home's label name is \"Tiny Records\", and init sets it only when it creates a home\n"),
        "{}",
        stderr(&renamed)
    );
    assert_eq!(json(&ledgerline(&home, &["--json", "init"]))["accounting_currency"], "GBP", "nothing changed");
}

#[test]
fn bad_settings_are_refused_with_a_hint() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("label");
    let output = ledgerline(&home, &["init", "--currency", "EURO"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("error: --currency: unknown currency \"EURO\""), "{message}");
    assert!(message.contains("hint: give a three-letter ISO 4217 code"), "{message}");
    assert!(!home.exists(), "nothing is created when the settings are refused");
}

#[test]
fn check_needs_a_home_and_passes_on_a_new_one() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("label");
    let refused = ledgerline(&home, &["--json", "check"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("hint: run `ledgerline init` first"));
    assert!(json(&refused)["error"].as_str().unwrap().contains("is not a Ledgerline home"));

    assert!(ledgerline(&home, &["init"]).status.success());
    let checked = ledgerline(&home, &["--json", "check"]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    let report = json(&checked);
    assert_eq!(report["ok"], true);
    assert_eq!(report["integrity_problems"].as_array().unwrap().len(), 0);
    assert_eq!(report["trial_balance"]["postings"], 0);
}

#[test]
fn check_fails_when_the_ledger_does_not_balance() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("label");
    assert!(ledgerline(&home, &["init"]).status.success());
    // A one-legged entry written behind Ledgerline's back.
    let connection = rusqlite::Connection::open(home.join("ledger.db")).unwrap();
    connection
        .execute_batch(
            "INSERT INTO ledger_transactions (kind, description, posted_at) VALUES ('manual', 'smuggled', 'now');
             INSERT INTO postings (transaction_id, account, currency, amount) VALUES (1, 'cash', 'EUR', '5');",
        )
        .unwrap();
    drop(connection);
    let output = ledgerline(&home, &["check"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("EUR: debits 5 credits 0 NOT BALANCED"), "{text}");
    assert!(text.contains("transaction 1 does not balance in EUR: off by 5"), "{text}");
}

#[test]
fn synth_is_deterministic() {
    let folder = tempfile::tempdir().unwrap();
    let first = folder.path().join("A");
    let second = folder.path().join("B");
    let third = folder.path().join("C");
    for (out, seed) in [(&first, "1"), (&second, "1"), (&third, "2")] {
        let output = ledgerline(folder.path(), &["synth", "--out", out.to_str().unwrap(), "--seed", seed, "--months", "3"]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let first_tree = tree(&first);
    assert!(first_tree.len() > 10, "a label has many files");
    assert!(first_tree == tree(&second), "same seed, same bytes");
    assert!(first_tree != tree(&third), "another seed, another label");
}

#[test]
fn demo_runs_end_to_end_and_can_run_again() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("demo-home");
    let output = ledgerline(&home, &["demo", "--no-serve"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Ledgerline demo"), "{text}");
    assert!(text.contains("checked the ledger: ok"), "{text}");
    assert!(home.join("inbox/catalog/catalog.csv").is_file());

    let again = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(again.status.success(), "a demo home is replaced: {}", stderr(&again));
    let report = json(&again);
    assert_eq!(report["check"]["ok"], true);
    assert!(report["generated"]["report_lines"].as_u64().unwrap() > 0);

    // Amounts shown to people are to the cent with their currency; --json keeps them exact.
    let figures = &report["closed"]["currencies"]["EUR"];
    let cents = |value: &serde_json::Value| {
        let exact = ledgerline_money::Decimal::parse(value.as_str().unwrap()).unwrap();
        format!("{} EUR", exact.format_fixed(2, ledgerline_money::RoundingMode::HalfEven))
    };
    assert!(
        text.contains(&format!(
            "money is conserved (EUR): net receipts {} = payee credits {} + label share {} + suspense {} (to the cent; --json gives the exact figures)",
            cents(&figures["net_receipts"]),
            cents(&figures["payee_credits"]),
            cents(&figures["label_share"]),
            cents(&figures["suspense"])
        )),
        "{text}"
    );
    assert!(figures["label_share"].as_str().unwrap().split('.').nth(1).is_some_and(|decimals| decimals.len() > 2), "exact in JSON");
    for line in text.lines().filter(|line| line.contains("net receipts") || line.contains("payable now") || line.contains("LTM")) {
        let words: Vec<&str> = line.split([' ', ',', '(', ')']).filter(|word| !word.is_empty()).collect();
        for pair in words.windows(2) {
            let is_code = pair[1].len() == 3 && pair[1].chars().all(|c| c.is_ascii_uppercase());
            if is_code && pair[0].starts_with(|c: char| c.is_ascii_digit()) {
                let decimals = pair[0].split_once('.').map(|(_, decimals)| decimals);
                assert_eq!(decimals.map(str::len), Some(2), "{} {} in {line}", pair[0], pair[1]);
            }
        }
    }
}

#[test]
fn demo_never_touches_a_real_ledger() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("label");
    assert!(ledgerline(&home, &["init"]).status.success());
    let output = ledgerline(&home, &["demo", "--no-serve"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("holds a ledger that is not a demo"));
    assert!(home.join("ledger.db").is_file());
}
