//! Royalty runs through the real binary: run, close, adjustments, costs, payments, SEPA, explain.

mod common;

use std::path::{Path, PathBuf};

use common::{decimal, json, ledgerline, stderr, stdout};
use ledgerline_money::Decimal;


/// A demo home, with 2026-H1 closed by the demo itself.
fn demo_home() -> (tempfile::TempDir, PathBuf, serde_json::Value) {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    let output = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    (folder, home, report)
}

fn assert_conserved(currencies: &serde_json::Value) {
    for (currency, figures) in currencies.as_object().unwrap() {
        let receipts = decimal(&figures["net_receipts"]);
        let accounted = decimal(&figures["payee_credits"]) + decimal(&figures["label_share"]) + decimal(&figures["suspense"]);
        assert_eq!(receipts, accounted, "{currency}: {figures}");
        assert!(receipts.is_positive());
    }
}

fn assert_ledger_ok(home: &Path) {
    let check = ledgerline(home, &["--json", "check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    assert_eq!(json(&check)["ok"], true);
}

#[test]
fn the_demo_closes_a_period_whose_figures_are_conserved_and_add_up() {
    let (_folder, home, report) = demo_home();
    let closed = &report["closed"];
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["period"], "2026-H1");
    assert_conserved(&closed["currencies"]);
    let payees = closed["payees"].as_array().unwrap();
    assert!(payees.len() >= 10);
    let credits: Decimal = payees.iter().map(|payee| decimal(&payee["earnings"])).sum();
    assert_eq!(credits, decimal(&closed["currencies"]["EUR"]["payee_credits"]), "the statements carry the payee credits");
    for payee in payees {
        let moved = decimal(&payee["opening_balance"]) + decimal(&payee["earnings"]) + decimal(&payee["transfers_in"])
            - decimal(&payee["transfers_out"])
            - decimal(&payee["charges"])
            + decimal(&payee["vat"])
            - decimal(&payee["withholding_tax"])
            - decimal(&payee["payments"])
            + decimal(&payee["adjustments"]);
        assert_eq!(moved, decimal(&payee["closing_balance"]), "{payee}");
        assert_eq!(payee["sha256"].as_str().unwrap().len(), 64);
    }
    assert!(report["check"]["trial_balance"]["postings"].as_u64().unwrap() > 0);
    assert_ledger_ok(&home);

    // Closed is closed.
    for arguments in [["close", "2026-H1"], ["run", "2026-H1"], ["run", "2026-Q1"]] {
        let again = ledgerline(&home, &arguments);
        assert_eq!(again.status.code(), Some(1), "{arguments:?}");
        assert!(stderr(&again).contains("2026-H1 is closed") || stderr(&again).contains("ends before 2026-H1"), "{}", stderr(&again));
        assert!(!stderr(&again).contains("see docs/royalties.md"), "a specific hint: {}", stderr(&again));
    }
    let before = ledgerline(&home, &["run", "2026-Q1"]);
    assert_eq!(
        stderr(&before),
        "error: 2026-Q1 ends before 2026-H1, which is closed: a period is run after the last closed one\n\
         hint: run a period after 2026-H1, such as `ledgerline run 2026-Q3`: whatever changed in 2026-Q1 since the close goes into it as an adjustment\n"
    );
    // A draft of the next period changes nothing, however often it runs.
    let first = stdout(&ledgerline(&home, &["--json", "run", "2026-H2"]));
    let second = stdout(&ledgerline(&home, &["--json", "run", "2026-H2"]));
    assert_eq!(first, second);
    assert_ledger_ok(&home);
}

#[test]
fn resolving_suspense_after_close_becomes_an_adjustment_in_the_next_period() {
    let (_folder, home, report) = demo_home();
    let suspense_before = decimal(&report["closed"]["currencies"]["EUR"]["suspense"]);
    let unmatched = json(&ledgerline(&home, &["--json", "unmatched"]));
    let group = &unmatched["groups"][0];
    let identifier = group["identifier"].as_str().unwrap().to_string();
    // Point it at a track a contract pays on: the first track of the first earning line of P008.
    let explained = json(&ledgerline(&home, &["--json", "explain", "--payee", "P008", "--period", "2026-H1"]));
    let track = explained["items"][0]["earning"]["track"].as_str().unwrap().to_string();
    let alias = ledgerline(&home, &["alias", &identifier, "--track", &track]);
    assert!(alias.status.success(), "{}", stderr(&alias));

    let draft = json(&ledgerline(&home, &["--json", "run", "2026-H2"]));
    assert_eq!(draft["adjusted_periods"], serde_json::json!(["2026-H1"]));
    let p008 = draft["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P008").unwrap();
    assert!(decimal(&p008["adjustments"]).is_positive(), "{p008}");
    // The issued statement stays as issued: its closing balance opens the next period.
    let issued = report["closed"]["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P008").unwrap();
    assert_eq!(decimal(&p008["opening_balance"]), decimal(&issued["closing_balance"]));

    let closed = ledgerline(&home, &["--json", "close", "2026-H2"]);
    assert!(closed.status.success(), "{}", stderr(&closed));
    let closed = json(&closed);
    assert_conserved(&closed["currencies"]);
    assert_ledger_ok(&home);
    // The ledger's suspense account went down by what the alias matched.
    let suspense_after = json(&ledgerline(&home, &["--json", "run", "2027-H1"]));
    assert_eq!(suspense_after["adjusted_periods"], serde_json::json!([]), "nothing changed since the close");
    assert!(suspense_before.is_positive());
}

#[test]
fn costs_import_once_and_refuse_bad_rows_with_positions() {
    let (folder, home, _) = demo_home();
    let costs = home.join("inbox/costs/costs.csv");
    let again = json(&ledgerline(&home, &["--json", "costs", "import", costs.to_str().unwrap()]));
    assert_eq!(again["status"], "already_imported");

    let bad = folder.path().join("bad-costs.csv");
    std::fs::write(
        &bad,
        "date,contract_id,kind,amount,currency,release_upc\n2026-02-30,C001,video,100,EUR,\n2026-03-01,C001,video,1.2.3,EUR,\n2026-03-01,C001,video,10,EURO,5012345000016\n",
    )
    .unwrap();
    let output = ledgerline(&home, &["costs", "import", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    for expected in ["bad-costs.csv:2:1: date:", "bad-costs.csv:3:4: amount:", "bad-costs.csv:4:5: currency:", "bad-costs.csv:4:6: release_upc:"] {
        assert!(message.contains(expected), "{expected} in {message}");
    }
    assert_ledger_ok(&home);
}

#[test]
fn explain_traces_earnings_to_report_lines() {
    let (_folder, home, report) = demo_home();
    let explained = json(&ledgerline(&home, &["--json", "explain", "--payee", "P008", "--period", "2026-H1"]));
    assert_eq!(explained["status"], "issued");
    let issued = report["closed"]["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P008").unwrap();
    assert_eq!(decimal(&explained["total"]), decimal(&issued["earnings"]));
    for item in explained["items"].as_array().unwrap() {
        let lines = item["lines"].as_array().unwrap();
        assert!(!lines.is_empty(), "every earning line has report lines: {item}");
        assert!(lines.iter().all(|line| line["line"].as_u64().unwrap() >= 1 && !line["file"].as_str().unwrap().is_empty()));
        assert!(item["term"].as_str().unwrap().starts_with(item["earning"]["contract"].as_str().unwrap()));
    }
    let one = explained["items"][0]["earning"].clone();
    let narrowed = json(&ledgerline(
        &home,
        &["--json", "explain", "--payee", "P008", "--period", "2026-H1", "--track", one["track"].as_str().unwrap(), "--service", one["service"].as_str().unwrap()],
    ));
    assert!(narrowed["items"].as_array().unwrap().len() < explained["items"].as_array().unwrap().len());

    // A filter that matches no line says why: an ISRC the catalog does not know is refused, a
    // known track or a service without lines is a note.
    let typo = ledgerline(&home, &["explain", "--payee", "P008", "--period", "2026-H1", "--track", "XX-000-00-00000"]);
    assert_eq!(typo.status.code(), Some(1));
    assert_eq!(
        stderr(&typo),
        "error: --track XX-000-00-00000: no line of P008 in 2026-H1 carries ISRC XX0000000000, and the catalog does not know it\n\
         hint: check the ISRC: `ledgerline explain --payee P008 --period 2026-H1` lists every line of the statement with its ISRC\n"
    );
    let service = json(&ledgerline(&home, &["--json", "explain", "--payee", "P008", "--period", "2026-H1", "--service", "Nosuch"]));
    assert_eq!(service["items"], serde_json::json!([]));
    let note = service["notes"][0].as_str().unwrap();
    assert!(note.starts_with("no line of P008 in 2026-H1 is from the service \"Nosuch\"; its lines are from "), "{note}");
    assert!(note.contains(one["service"].as_str().unwrap()), "{note}");
    let p008_tracks: Vec<&str> = explained["items"].as_array().unwrap().iter().map(|item| item["earning"]["track"].as_str().unwrap()).collect();
    let others = json(&ledgerline(&home, &["--json", "explain", "--payee", "P013", "--period", "2026-H1"]));
    let other_track = others["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["earning"]["track"].as_str().unwrap())
        .find(|track| !track.is_empty() && !p008_tracks.contains(track))
        .expect("P013 earns on a track P008 does not");
    let known = ledgerline(&home, &["explain", "--payee", "P008", "--period", "2026-H1", "--track", other_track]);
    assert!(known.status.success(), "{}", stderr(&known));
    assert!(
        stdout(&known).contains(&format!("no line of P008 in 2026-H1 carries ISRC {other_track} (")) && stdout(&known).contains("the catalog knows the track"),
        "{}",
        stdout(&known)
    );
    assert_eq!(narrowed["notes"], serde_json::json!([]), "no note when lines match");

    // A payee the ledger does not know is named as such, with where the payee ids are.
    let unknown = ledgerline(&home, &["explain", "--payee", "P999", "--period", "2026-H1"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(
        stderr(&unknown),
        "error: --payee P999: no such payee in the ledger\n\
         hint: payee ids are the party ids of the parties file imported; `ledgerline run 2026-H2 --payees` lists every payee with a statement\n"
    );
}

#[test]
fn payments_and_the_sepa_file() {
    let (folder, home, _) = demo_home();
    // Without bank details, nobody can be paid by SEPA: a refusal that says who and why.
    let sepa = folder.path().join("transfers.xml");
    let arguments = ["payments", "sepa", "2026-H1", "--out", sepa.to_str().unwrap(), "--debtor-iban", "DE89 3704 0044 0532 0130 00"];
    let refused = ledgerline(&home, &arguments);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("P020"), "{}", stderr(&refused));

    // Noor Novak (P020) gives her bank details from July in a new version of her contract.
    let original = std::fs::read_to_string(home.join("inbox/contracts/C016.toml")).unwrap();
    let valid_from = original.lines().find(|line| line.starts_with("valid_from = ")).expect("the contract says from when it applies");
    let amended = original.replace("version = 1", "version = 2").replace(valid_from, "valid_from = \"2026-07\"").replace(
        "withholding_tax_rate = \"0.10\"\n",
        "withholding_tax_rate = \"0.10\"\n\n[payees.settings.bank]\naccount_holder = \"Noor Novak\"\niban = \"NL91 ABNA 0417 1643 00\"\n",
    );
    let file = folder.path().join("C016-v2.toml");
    std::fs::write(&file, amended).unwrap();
    let imported = ledgerline(&home, &["contracts", "import", file.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));

    let written = ledgerline(&home, &{
        let mut with_json = vec!["--json"];
        with_json.extend(arguments);
        with_json
    });
    assert!(written.status.success(), "{}", stderr(&written));
    let document = json(&written);
    assert_eq!(document["transfers"], 1);
    let total = decimal(&document["total"]);
    assert!(total.is_positive());
    let xml = std::fs::read_to_string(&sepa).unwrap();
    assert!(xml.contains("<NbOfTxs>1</NbOfTxs>") && xml.contains("NL91ABNA0417164300"), "{xml}");
    assert!(xml.contains(&format!("<CtrlSum>{}</CtrlSum>", total.format_fixed(2, ledgerline_money::RoundingMode::HalfEven))));

    // The payment is made and recorded; the next period shows it and nothing stays payable.
    let paid = ledgerline(&home, &["payments", "add", "--payee", "P020", "--amount", &total.to_string(), "--date", "2026-07-20", "--reference", "SEPA 2026-H1"]);
    assert!(paid.status.success(), "{}", stderr(&paid));
    let twice = json(&ledgerline(&home, &["--json", "payments", "add", "--payee", "P020", "--amount", &total.to_string(), "--date", "2026-07-20", "--reference", "SEPA 2026-H1"]));
    assert_eq!(twice["already_recorded"], 1);
    let unknown = ledgerline(&home, &["payments", "add", "--payee", "P999", "--amount", "1", "--date", "2026-07-20"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("payments add: --payee P999: no such payee in the ledger; nothing was recorded"), "{}", stderr(&unknown));

    let h2 = json(&ledgerline(&home, &["--json", "run", "2026-H2"]));
    let p020 = h2["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P020").unwrap();
    assert_eq!(decimal(&p020["payments"]), total);
    // What H1 made payable was paid; only what H2 itself brings (late reports) can be payable.
    let payable = decimal(&p020["payable"]);
    assert!(payable < total && payable <= decimal(&p020["earnings"]).abs(), "{p020}");
}

#[test]
fn the_demo_writes_every_statement_in_every_format_and_verify_tells_issued_from_changed() {
    let (folder, home, report) = demo_home();
    let written = &report["statements"];
    let payees = report["closed"]["payees"].as_array().unwrap().len();
    assert_eq!(written["statements"], payees);
    assert_eq!(written["files"].as_array().unwrap().len(), payees * 5);
    let statements = home.join("statements/2026-H1");
    for format in ["html", "pdf", "csv", "xlsx", "json"] {
        let file = statements.join(format!("2026-H1-P008.{format}"));
        let verified = ledgerline(&home, &["--json", "verify", file.to_str().unwrap()]);
        assert!(verified.status.success(), "{format}: {}", stdout(&verified));
        assert_eq!(json(&verified)["result"], "matches");
    }
    // The PDF shows the ledger's figures: earnings and closing balance as the close reported them.
    let p008 = report["closed"]["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P008").unwrap();
    let text = std::process::Command::new("pdftotext").args(["-layout", statements.join("2026-H1-P008.pdf").to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for figure in ["earnings", "closing_balance", "charges"] {
        let amount = decimal(&p008[figure]).abs().format_fixed(2, ledgerline_money::RoundingMode::HalfEven);
        let (whole, cents) = amount.split_once('.').unwrap();
        let grouped: Vec<String> = whole.as_bytes().rchunks(3).rev().map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect();
        let shown = format!("{}.{cents}", grouped.join(","));
        assert!(text.contains(&shown), "{figure} {shown} in the PDF");
    }
    // One figure changed in the CSV: the hash it claims is the issued one, the content is not.
    let csv = std::fs::read_to_string(statements.join("2026-H1-P008.csv")).unwrap();
    let earnings = report["closed"]["payees"].as_array().unwrap().iter().find(|payee| payee["payee"] == "P008").unwrap()["earnings"].as_str().unwrap().to_string();
    assert!(csv.contains(&earnings), "the CSV carries the earnings {earnings}");
    let changed = folder.path().join("changed.csv");
    std::fs::write(&changed, csv.replacen(&earnings, "999999.99", 1)).unwrap();
    let refused = ledgerline(&home, &["--json", "verify", changed.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(json(&refused)["result"], "content_differs");
    // A JSON statement with a changed figure has another hash, which no issued statement has.
    let statement = std::fs::read_to_string(statements.join("2026-H1-P008.json")).unwrap();
    let forged = folder.path().join("forged.json");
    std::fs::write(&forged, statement.replacen(&format!("\"earnings\":\"{earnings}\""), "\"earnings\":\"999999.99\"", 1)).unwrap();
    let refused = json(&ledgerline(&home, &["--json", "verify", forged.to_str().unwrap()]));
    assert_ne!(refused["result"], "matches");
    // The statements command writes one payee's in the formats asked for.
    let out = folder.path().join("out");
    let one = json(&ledgerline(&home, &["--json", "statements", "2026-H1", "--out", out.to_str().unwrap(), "--payee", "P008", "--format", "pdf,csv"]));
    assert_eq!(one["files"].as_array().unwrap().len(), 2);
    let open = ledgerline(&home, &["statements", "2026-H2", "--out", out.to_str().unwrap()]);
    assert_eq!(open.status.code(), Some(1));
    assert!(stderr(&open).contains("2026-H2 is not closed"));
}

#[test]
fn a_self_billed_payee_gets_a_numbered_invoice_with_the_reverse_charge_mention() {
    let folder = tempfile::tempdir().unwrap();
    let label = folder.path().join("label");
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["synth", "--out", label.to_str().unwrap()]).status.success());
    // Noor Novak (P020) lives in Germany, is VAT registered and agreed to self-billing; the
    // label is Dutch: a cross-border supply, reverse charged.
    let parties = std::fs::read_to_string(label.join("catalog/parties.csv")).unwrap();
    let parties: String = parties
        .lines()
        .map(|line| if line.starts_with("P020,") { line.replace(",US,", ",DE,").replace(",US", ",DE") } else { line.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(label.join("catalog/parties.csv"), parties + "\n").unwrap();
    let contract = std::fs::read_to_string(label.join("contracts/C016.toml")).unwrap().replace(
        "withholding_tax_rate = \"0.10\"\n",
        "withholding_tax_rate = \"0.10\"\nvat_registered = true\nvat_number = \"DE123456789\"\nvat_rate = \"0\"\nself_billing = true\n",
    );
    std::fs::write(label.join("contracts/C016.toml"), contract).unwrap();

    let path = |relative: &str| label.join(relative).to_str().unwrap().to_string();
    let steps: Vec<Vec<String>> = vec![
        vec!["init".into(), "--vat-number".into(), "NL001234567B01".into(), "--country".into(), "NL".into()],
        vec!["catalog".into(), "import".into(), path("catalog/catalog.csv"), path("catalog/parties.csv")],
        vec!["fx".into(), "import".into(), path("fx/fx-rates.csv")],
    ];
    for step in steps {
        let arguments: Vec<&str> = step.iter().map(String::as_str).collect();
        let output = ledgerline(&home, &arguments);
        assert!(output.status.success(), "{arguments:?}: {}", stderr(&output));
    }
    let mut contracts: Vec<String> = std::fs::read_dir(label.join("contracts")).unwrap().map(|entry| entry.unwrap().path().display().to_string()).collect();
    contracts.sort();
    let mut arguments = vec!["contracts", "import"];
    arguments.extend(contracts.iter().map(String::as_str));
    assert!(ledgerline(&home, &arguments).status.success());
    let costs = ledgerline(&home, &["costs", "import", &path("costs/costs.csv")]);
    assert!(costs.status.success(), "{}", stderr(&costs));
    let mut reports: Vec<String> = Vec::new();
    for source in std::fs::read_dir(label.join("reports")).unwrap() {
        for file in std::fs::read_dir(source.unwrap().path()).unwrap() {
            reports.push(file.unwrap().path().display().to_string());
        }
    }
    reports.sort();
    let mut arguments = vec!["import"];
    arguments.extend(reports.iter().map(String::as_str));
    let imported = ledgerline(&home, &arguments);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let closed = ledgerline(&home, &["close", "2026-H1"]);
    assert!(closed.status.success(), "{}", stderr(&closed));

    let out = folder.path().join("statements");
    let written = json(&ledgerline(&home, &["--json", "statements", "2026-H1", "--out", out.to_str().unwrap(), "--payee", "P020", "--format", "pdf"]));
    let files: Vec<&str> = written["files"].as_array().unwrap().iter().map(|file| file.as_str().unwrap()).collect();
    let invoice = files.iter().find(|file| file.ends_with("-invoice-SB-000001.pdf")).unwrap_or_else(|| panic!("an invoice among {files:?}"));
    let text = std::process::Command::new("pdftotext").args([invoice, "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for expected in ["Self-billing", "SB-000001", "DE123456789", "NL001234567B01", "Reverse charge"] {
        assert!(text.contains(expected), "{expected} in the invoice:\n{text}");
    }
    // `verify` on the invoice says what it is and which statement it goes with.
    let verified = json(&ledgerline(&home, &["--json", "verify", invoice]));
    let statement = files.iter().find(|file| file.ends_with("2026-H1-P020.pdf")).unwrap();
    let statement = json(&ledgerline(&home, &["--json", "verify", statement]));
    assert_eq!(statement["result"], "matches", "{statement}");
    let detail = verified["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("this is a self-billing invoice, not a statement: it goes with the statement whose SHA-256 is ")
            && detail.contains(statement["sha256"].as_str().unwrap()),
        "{verified}"
    );
    // The statement of the same payee verifies; the invoice is not mistaken for it.
    let statement = files.iter().find(|file| file.ends_with("2026-H1-P020.pdf")).unwrap();
    assert!(ledgerline(&home, &["verify", statement]).status.success());
}

/// Closing before any contract is imported would send every receipt to the label share for
/// good: refused, with the way out named; `--without-contracts` closes all the same. The draft
/// says why there is no payee.
#[test]
fn closing_without_any_contract_is_refused_unless_asked_for() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init", "--currency", "USD"]).status.success());
    let header = "Date Inserted\tReporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSource Type\tCountry of Sale\tSongwriter Royalties Withheld (USD)\tEarnings (USD)\tRecoup (USD)\n";
    let report = folder.path().join("distrokid.tsv");
    std::fs::write(
        &report,
        format!("{header}2026-02-14\t2026-02-01\t2026-01\tDeezer\tA\tT\tUSFEG1500041\t014549210301\t5\t100\tStreaming\tUS\t0\t1.25\t0\n"),
    )
    .unwrap();
    let import = ledgerline(&home, &["import", report.to_str().unwrap()]);
    assert!(import.status.success(), "{}", stderr(&import));

    let draft = stdout(&ledgerline(&home, &["run", "2026"]));
    assert!(draft.contains("No payee: no contract is in force in the period"), "{draft}");
    assert!(!draft.contains("payee    name"), "no empty table: {draft}");

    let refused = ledgerline(&home, &["close", "2026"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("2026 is not closed: the ledger holds no contract, so every receipt would go to the label share"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("--without-contracts"), "{}", stderr(&refused));
    let still_open = ledgerline(&home, &["--json", "run", "2026"]);
    assert_eq!(json(&still_open)["status"], "draft");
    assert!(ledgerline(&home, &["run", "2026-H1"]).status.success(), "nothing was closed");

    let closed = ledgerline(&home, &["--json", "close", "2026", "--without-contracts"]);
    assert!(closed.status.success(), "{}", stderr(&closed));
    let closed = json(&closed);
    assert_eq!(closed["status"], "closed");
    // No catalog either: the line is unmatched, in suspense until an alias or the catalog matches it.
    assert_eq!(decimal(&closed["currencies"]["USD"]["net_receipts"]), decimal(&serde_json::json!("1.25")));
    assert_eq!(decimal(&closed["currencies"]["USD"]["suspense"]), decimal(&serde_json::json!("1.25")));
    assert_ledger_ok(&home);
}

/// The text of a run: the conservation figures exact with their decimal points lined up, and
/// each payee's row adding up from opening to closing (the `other` column holds transfers,
/// tax, payments and adjustments).
#[test]
fn the_run_text_adds_up_on_screen() {
    let (_folder, home, _report) = demo_home();
    let text = stdout(&ledgerline(&home, &["run", "2026-H2", "--payees"]));
    let figures: Vec<&str> = text
        .lines()
        .skip_while(|line| !line.starts_with("Money is conserved"))
        .skip(1)
        .take(4)
        .map(|line| line.split_whitespace().find(|word| word.contains('.')).unwrap())
        .collect();
    let points: Vec<usize> = text
        .lines()
        .skip_while(|line| !line.starts_with("Money is conserved"))
        .skip(1)
        .take(4)
        .map(|line| line.find('.').unwrap())
        .collect();
    assert!(points.windows(2).all(|pair| pair[0] == pair[1]), "decimal points line up: {text}");
    let [receipts, credits, label, suspense] = [0, 1, 2, 3].map(|index| Decimal::parse(figures[index]).unwrap());
    assert_eq!(receipts, credits + label + suspense, "{text}");
    let header = text.lines().find(|line| line.starts_with("payee ")).unwrap();
    assert!(header.split_whitespace().eq(["payee", "name", "opening", "earnings", "charges", "other", "closing", "payable"]), "{header}");
    let rows: Vec<&str> = text.lines().filter(|line| line.starts_with('P') && line.len() > 40).collect();
    assert!(rows.len() > 10, "{text}");
    for row in rows {
        let numbers: Vec<Decimal> =
            row.split_whitespace().rev().take(6).map(|word| Decimal::parse(word).unwrap()).collect::<Vec<_>>().into_iter().rev().collect();
        let [opening, earnings, charges, other, closing, _payable] = numbers[..] else { unreachable!() };
        assert_eq!(opening + earnings + charges + other, closing, "{row}");
    }
}

/// A wrong exchange rate of a month no closed period covers is corrected with `--replace`;
/// one a closed period used is kept, with or without it, and the refusal says which is which.
#[test]
fn a_rate_of_an_open_month_is_corrected_and_one_a_closed_period_used_is_kept() {
    let (folder, home, _report) = demo_home();
    // The demo closed 2026-H1.
    let file = folder.path().join("rates.csv");
    std::fs::write(&file, "month,from,to,rate\n2027-01,USD,EUR,9.2\n").unwrap();
    assert!(ledgerline(&home, &["fx", "import", file.to_str().unwrap()]).status.success());
    std::fs::write(&file, "month,from,to,rate\n2027-01,USD,EUR,0.92\n").unwrap();
    let refused = ledgerline(&home, &["fx", "import", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("2027-01 USD→EUR: the ledger has 9.2, the file says 0.92 (no closed period used it: --replace corrects it)"), "{}", stderr(&refused));
    let replaced = json(&ledgerline(&home, &["--json", "fx", "import", "--replace", file.to_str().unwrap()]));
    assert_eq!(replaced["replaced"][0]["before"], "9.2", "{replaced}");
    assert_eq!(replaced["replaced"][0]["now"], "0.92", "{replaced}");
    let again = json(&ledgerline(&home, &["--json", "fx", "import", file.to_str().unwrap()]));
    assert_eq!(again["unchanged"], 1, "{again}");

    std::fs::write(&file, "month,from,to,rate\n2026-03,USD,EUR,1.5\n").unwrap();
    let kept = ledgerline(&home, &["fx", "import", "--replace", file.to_str().unwrap()]);
    assert_eq!(kept.status.code(), Some(1));
    assert!(stderr(&kept).contains("2026-03 is in a closed period, which used the rate, so it is kept"), "{}", stderr(&kept));
    assert_ledger_ok(&home);
}
