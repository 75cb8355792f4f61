use std::fmt::Write;

use ledgerline_import::{lake_consistency, LakeConsistency};
use ledgerline_store::{Ledger, TrialBalance};
use serde::Serialize;

use crate::args::Cli;
use crate::home::Home;
use crate::output::Output;

#[derive(Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub schema_version: u32,
    pub integrity_problems: Vec<String>,
    pub trial_balance: TrialBalance,
    pub lake: LakeConsistency,
}

pub fn check_ledger(ledger: &Ledger, lake_root: &std::path::Path) -> anyhow::Result<CheckReport> {
    let integrity_problems = ledger.integrity_problems()?;
    let trial_balance = ledger.trial_balance()?;
    let lake = lake_consistency(ledger, lake_root)?;
    Ok(CheckReport {
        ok: integrity_problems.is_empty() && trial_balance.is_balanced() && lake.problems.is_empty(),
        lake,
        schema_version: ledger.schema_version()?,
        integrity_problems,
        trial_balance,
    })
}

pub fn render(report: &CheckReport) -> String {
    let mut text = String::new();
    let balance = &report.trial_balance;
    let _ = writeln!(text, "Schema version {}.", report.schema_version);
    if report.integrity_problems.is_empty() {
        let _ = writeln!(text, "Database integrity: ok.");
    } else {
        let _ = writeln!(text, "Database integrity: {} problem(s):", report.integrity_problems.len());
        for problem in &report.integrity_problems {
            let _ = writeln!(text, "  {problem}");
        }
    }
    let _ = writeln!(text, "Trial balance over {} transactions, {} postings:", balance.transactions, balance.postings);
    if balance.currencies.is_empty() {
        let _ = writeln!(text, "  (no postings yet)");
    }
    for currency in &balance.currencies {
        let verdict = if currency.debits == currency.credits { "balanced" } else { "NOT BALANCED" };
        let _ = writeln!(text, "  {}: debits {} credits {} {verdict}", currency.currency, currency.debits, currency.credits);
    }
    for (id, currency, sum) in &balance.unbalanced_transactions {
        let _ = writeln!(text, "  transaction {} does not balance in {currency}: off by {sum}", id.0);
    }
    let _ = writeln!(text, "Lake: {} imports checked against their lines.", report.lake.imports_checked);
    for problem in &report.lake.problems {
        let _ = writeln!(text, "  {problem}");
    }
    if !report.lake.unrecorded_folders.is_empty() {
        let _ = writeln!(
            text,
            "  {} lake folder(s) without an import record (left by an interrupted import; the next import removes them)",
            report.lake.unrecorded_folders.len()
        );
    }
    let _ = writeln!(text, "{}", if report.ok { "Ledger OK." } else { "Ledger has problems." });
    text
}

pub fn run(cli: &Cli, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let report = check_ledger(&ledger, &home.path.join(crate::home::LAKE_FOLDER))?;
    output.report(&report, render)?;
    Ok(if report.ok { 0 } else { 1 })
}
