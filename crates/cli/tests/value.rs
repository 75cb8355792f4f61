//! `ledgerline value` through the real binary: the lender pack of the demo label, its totals
//! against the ledger's closed-period figures, and the files it writes.

mod common;

use common::{decimal, json, ledgerline, stderr, stdout};
use ledgerline_money::Decimal;


#[test]
fn the_lender_pack_of_the_demo_equals_the_ledger() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    let demo = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let demo = json(&demo);
    // The demo wrote a pack into the home.
    let demo_pack = &demo["lender_pack"];
    assert!(
        home.join("lender-pack").join("lender-pack.pdf").is_file(),
        "{demo_pack}"
    );

    let out = folder.path().join("pack");
    let output = ledgerline(&home, &["--json", "value", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        report["as_of"], "2026-06",
        "the last closed month by default"
    );

    // The ledger's figures of every closed period.
    let connection = rusqlite::Connection::open(home.join("ledger.db")).unwrap();
    let mut statement = connection
        .prepare(
            "SELECT period, net_receipts, label_share FROM period_figures WHERE currency = 'EUR'",
        )
        .unwrap();
    let figures: Vec<(String, String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!figures.is_empty());
    let ledger_label_share: Decimal = figures
        .iter()
        .map(|(_, _, share)| Decimal::parse(share).unwrap())
        .sum();
    let ledger_net_receipts: Decimal = figures
        .iter()
        .map(|(_, net, _)| Decimal::parse(net).unwrap())
        .sum();

    // The history equals the ledger.
    assert_eq!(
        decimal(&report["history"]["label_share"]),
        ledger_label_share
    );
    assert_eq!(
        decimal(&report["history"]["net_receipts"]),
        ledger_net_receipts
    );
    // The LTM is the last twelve of the months that add up to the ledger's figures.
    let pack_file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("lender-pack.json")).unwrap()).unwrap();
    let first = pack_file["ltm"]["first_month"]
        .as_str()
        .unwrap()
        .to_string();
    let months = pack_file["by_month"].as_array().unwrap();
    let all_months: Decimal = months
        .iter()
        .map(|month| decimal(&month["label_share"]))
        .sum();
    assert_eq!(all_months, ledger_label_share);
    let last_twelve: Decimal = months
        .iter()
        .filter(|month| month["key"].as_str().unwrap() >= first.as_str())
        .map(|month| decimal(&month["label_share"]))
        .sum();
    assert_eq!(pack_file["ltm"]["months"], 12);
    assert_eq!(decimal(&report["ltm"]["label_share"]), last_twelve);
    assert_eq!(decimal(&demo_pack["ltm"]["label_share"]), last_twelve);
    let by_year: Decimal = report["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|flow| decimal(&flow["label_share"]))
        .sum();
    assert_eq!(by_year, ledger_label_share);
    for period in report["periods"].as_array().unwrap() {
        let (_, net, share) = figures
            .iter()
            .find(|(name, _, _)| *name == period["period"])
            .expect("a closed period");
        assert_eq!(
            decimal(&period["ledger_label_share"]),
            Decimal::parse(share).unwrap()
        );
        assert_eq!(
            decimal(&period["pack_label_share"]),
            Decimal::parse(share).unwrap()
        );
        assert_eq!(
            decimal(&period["pack_net_receipts"]),
            Decimal::parse(net).unwrap()
        );
        assert_eq!(decimal(&period["difference"]), Decimal::ZERO);
    }
    assert!(report["checks"].as_u64().unwrap() > 10);

    // The full pack: every breakdown adds up to the history total.
    let pack: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("lender-pack.json")).unwrap()).unwrap();
    for breakdown in pack["breakdowns"].as_array().unwrap() {
        let sum: Decimal = breakdown["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| decimal(&row["total"]))
            .sum();
        assert_eq!(sum, ledger_label_share, "{}", breakdown["id"]);
    }
    let scenarios = pack["valuation"]["scenarios"].as_array().unwrap();
    assert_eq!(
        scenarios.len(),
        4,
        "fitted ± 3 points and the flat reference"
    );
    assert!(pack["valuation"]["statement"]
        .as_str()
        .unwrap()
        .contains("not an appraisal"));

    // The PDF opens and says what it is; the XLSX is a ZIP; the charts are SVG.
    let pdf = out.join("lender-pack.pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let text = text_of_pdf(&pdf);
    for expected in [
        "Lender pack",
        "Reconciliation",
        "Rights register",
        "Valuation",
        "not an appraisal",
        "Decay",
    ] {
        assert!(text.contains(expected), "{expected} missing from the PDF");
    }
    assert!(std::fs::read(out.join("lender-pack.xlsx"))
        .unwrap()
        .starts_with(b"PK\x03\x04"));
    assert!(
        std::fs::read_to_string(out.join("charts").join("income-by-month.svg"))
            .unwrap()
            .starts_with("<svg")
    );

    // Text output names the figures; a bad month is a refusal with a hint.
    let text = ledgerline(&home, &["value", "--out", out.to_str().unwrap()]);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(
        stdout(&text).contains("LTM net label share"),
        "{}",
        stdout(&text)
    );
    // The fitted decay is said the same way wherever it appears: percent a year.
    let fitted = pack["decay"]["catalog"]["annual_decay"].as_f64().unwrap();
    let fitted = format!("{:.1}% a year", fitted * 100.0);
    assert!(
        stdout(&text).contains(&format!("Catalog decay, fitted: {fitted}.")),
        "{}",
        stdout(&text)
    );
    assert!(
        stdout(&text).contains(&format!("  fitted, decay {fitted}: at 8.5%: ")),
        "{}",
        stdout(&text)
    );
    let pdf_text = text_of_pdf(&pdf);
    assert!(
        pdf_text.contains("decay scenarios in percent a year"),
        "the PDF's valuation table says the unit"
    );
    assert!(
        pdf_text.contains(&format!("fitted ({})", fitted.trim_end_matches(" a year"))),
        "the PDF's scenario row"
    );
    let bad = ledgerline(&home, &["value", "--as-of", "2026-13"]);
    assert_eq!(bad.status.code(), Some(1), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("hint:"), "{}", stderr(&bad));
    let early = ledgerline(&home, &["value", "--as-of", "2001-01"]);
    assert_eq!(early.status.code(), Some(1), "{}", stderr(&early));
}

fn text_of_pdf(pdf: &std::path::Path) -> String {
    let text = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success());
    String::from_utf8_lossy(&text.stdout).into_owned()
}

#[test]
fn a_home_without_receipts_has_no_pack() {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    assert!(ledgerline(&home, &["init"]).status.success());
    let output = ledgerline(&home, &["value"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no receipts"),
        "{}",
        stderr(&output)
    );
}
