//! `ledgerline run`, `close`, `costs import` and `explain`: royalty runs on a home.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ledgerline_engine::{Conservation, PeriodResult, Summary};
use ledgerline_model::{CalendarProblem, Period};
use ledgerline_money::{Decimal, RoundingMode};
use ledgerline_run::{CloseOptions, Closed, Draft, RunError};
use serde::Serialize;

use crate::args::{Cli, CloseArgs, CostsCommand, ExplainArgs, PeriodArgs};
use crate::home::{Home, LAKE_FOLDER};
use crate::output::{refuse, Output};

/// A run error as a refusal with its hint.
pub fn refusal(error: RunError) -> anyhow::Error {
    let hint = error.hint().unwrap_or_else(|| {
        match &error {
            RunError::Store(ledgerline_store::StoreError::Open { .. }) => {
                "check that --home names the label's home and that its ledger.db can be read and written"
            }
            RunError::Store(ledgerline_store::StoreError::SchemaTooNew { .. }) => {
                "use the Ledgerline version that last wrote this home, or a newer one"
            }
            RunError::Lake(_) => {
                "the home's lake folder holds the imported reports: check that it is there, can be read and written, and that the disk is not full"
            }
            // The ledger or the lake holds what this Ledgerline did not write, or a bug.
            _ => "this is not about what was typed: `ledgerline check` checks the ledger; if it passes, please report this message",
        }
        .to_string()
    });
    refuse(error.to_string(), hint)
}

pub fn parse_period(text: &str) -> anyhow::Result<Period> {
    Period::parse(text).map_err(|error| {
        let hint = match error.problem() {
            CalendarProblem::DayGiven { month } => {
                format!("statements cover whole months: give the month {month}, or {}, {} or {}", month.quarter(), month.half(), month.year())
            }
            CalendarProblem::YearLast { period } => format!("write {period}"),
            // The message lists the forms already.
            _ => "for example `ledgerline run 2026-H1` for the first half of 2026".to_string(),
        };
        refuse(error.to_string(), hint)
    })
}

/// The `run --json` and `close --json` document (docs/json.md).
#[derive(Serialize)]
pub struct RunReport {
    pub period: String,
    /// `draft` for `run`, `closed` for `close`.
    pub status: &'static str,
    pub first_month: String,
    pub last_month: String,
    pub lines_read: u64,
    /// The conservation figures by accounting currency: net_receipts = payee_credits +
    /// label_share + suspense, exactly.
    pub currencies: BTreeMap<String, Conservation>,
    pub payees: Vec<PayeeFigures>,
    /// Issued periods whose recomputed figures differ (late reports, aliases, corrections).
    pub adjusted_periods: Vec<String>,
}

#[derive(Serialize)]
pub struct PayeeFigures {
    pub payee: String,
    pub name: String,
    pub currency: String,
    #[serde(flatten)]
    pub summary: Summary,
    /// For issued statements: the SHA-256 recorded with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

pub fn report(draft: &Draft, status: &'static str, closed: Option<&Closed>) -> RunReport {
    let last: &PeriodResult = draft.result.periods.last().unwrap_or_else(|| unreachable!("a run has its period"));
    let hashes: BTreeMap<&str, &str> =
        closed.map(|closed| closed.statements.iter().map(|s| (s.payee.as_str(), s.sha256.as_str())).collect()).unwrap_or_default();
    let mut adjusted: Vec<String> =
        last.statements.iter().flat_map(|statement| statement.adjustments.iter().map(|a| a.period.clone())).collect();
    adjusted.sort();
    adjusted.dedup();
    RunReport {
        period: last.period.to_string(),
        status,
        first_month: last.first_month.to_string(),
        last_month: last.last_month.to_string(),
        lines_read: draft.lines_read,
        currencies: BTreeMap::from([(last.conservation.currency.code().to_string(), last.conservation.clone())]),
        payees: last
            .statements
            .iter()
            .map(|statement| PayeeFigures {
                payee: statement.payee.clone(),
                name: statement.payee_name.clone(),
                currency: statement.currency.clone(),
                summary: statement.summary.clone(),
                sha256: hashes.get(statement.payee.as_str()).map(|hash| hash.to_string()),
            })
            .collect(),
        adjusted_periods: adjusted,
    }
}

fn money(amount: Decimal) -> String {
    amount.format_fixed(2, RoundingMode::HalfEven)
}

pub fn render(report: &RunReport, all_payees: bool) -> String {
    let mut text = String::new();
    let verb = if report.status == "closed" { "Closed" } else { "Draft of" };
    let _ = writeln!(
        text,
        "{verb} {} ({} to {}): {} report lines read, {} payees.",
        report.period,
        report.first_month,
        report.last_month,
        report.lines_read,
        report.payees.len()
    );
    for (currency, figures) in &report.currencies {
        // Exact figures, every one with as many decimals as the most precise needs, so that
        // the decimal points line up and the sum can be checked by eye.
        let parts = [figures.net_receipts, figures.payee_credits, figures.label_share, figures.suspense];
        let digits = parts.iter().map(|amount| amount.fractional_digits()).max().unwrap_or(0).max(2);
        let exact = |amount: Decimal| amount.format_fixed(digits, RoundingMode::HalfEven);
        let _ = writeln!(text, "Money is conserved ({currency}), exactly:");
        let _ = writeln!(text, "    net receipts  {:>22}", exact(figures.net_receipts));
        let _ = writeln!(text, "  = payee credits {:>22}", exact(figures.payee_credits));
        let _ = writeln!(text, "  + label share   {:>22}   (of which rounding {})", exact(figures.label_share), figures.rounding);
        let _ = writeln!(text, "  + suspense      {:>22}", exact(figures.suspense));
    }
    // A negative payable is an overpayment to be recovered from later earnings: it is not
    // money the label owes, so it is kept out of the total to pay and shown on its own.
    let payable: Decimal =
        report.payees.iter().map(|payee| payee.summary.payable).filter(|amount| *amount > Decimal::ZERO).sum();
    let overpaid: Vec<&PayeeFigures> = report.payees.iter().filter(|payee| payee.summary.payable < Decimal::ZERO).collect();
    let unrecouped: Decimal = report.payees.iter().map(|payee| payee.summary.unrecouped).sum();
    let _ = writeln!(text, "Payable {}; unrecouped {}.", money(payable), money(unrecouped));
    if report.payees.is_empty() && report.currencies.values().any(|figures| !figures.net_receipts.is_zero()) {
        let _ = writeln!(
            text,
            "No payee: no contract is in force in the period, so every matched receipt goes to the label share. Import the contracts with `ledgerline contracts import FOLDER`."
        );
    }
    if !overpaid.is_empty() {
        let total: Decimal = overpaid.iter().map(|payee| -payee.summary.payable).sum();
        let names: Vec<String> =
            overpaid.iter().map(|payee| format!("{} {}", payee.payee, money(-payee.summary.payable))).collect();
        let _ = writeln!(
            text,
            "Overpaid {} ({}): paid beyond what they had earned; recovered from their later earnings.",
            money(total),
            names.join(", ")
        );
    }
    if !report.adjusted_periods.is_empty() {
        let _ = writeln!(text, "Adjustments for issued periods: {}.", report.adjusted_periods.join(", "));
    }
    if report.payees.is_empty() {
        return text;
    }
    let mut shown: Vec<&PayeeFigures> = report.payees.iter().collect();
    if !all_payees {
        shown.sort_by(|left, right| right.summary.earnings.cmp(&left.summary.earnings).then(left.payee.cmp(&right.payee)));
        shown.truncate(10);
        shown.sort_by(|left, right| left.payee.cmp(&right.payee));
    }
    let _ = writeln!(
        text,
        "\n{:<8} {:<24} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "payee", "name", "opening", "earnings", "charges", "other", "closing", "payable"
    );
    for payee in shown {
        let summary = &payee.summary;
        let name: String = payee.name.chars().take(24).collect();
        let _ = writeln!(
            text,
            "{:<8} {:<24} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
            payee.payee,
            name,
            money(summary.opening_balance),
            money(summary.earnings),
            money(-summary.charges),
            money(summary.other_movements()),
            money(summary.closing_balance),
            money(summary.payable)
        );
    }
    let _ = writeln!(
        text,
        "(opening + earnings + charges + other = closing; other: transfers, VAT, withholding tax, payments and adjustments, itemised on the statement)"
    );
    if !all_payees && report.payees.len() > 10 {
        let _ = writeln!(text, "(the ten largest earners; --payees shows all, --json gives every figure)");
    }
    text
}

pub fn run_period(cli: &Cli, arguments: &PeriodArgs, output: Output) -> anyhow::Result<u8> {
    let period = parse_period(&arguments.period)?;
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let spinner = output.spinner(&format!("computing {period}"));
    let draft = ledgerline_run::draft(&ledger, &home.path.join(LAKE_FOLDER), period).map_err(refusal)?;
    spinner.finish_and_clear();
    output.report(&report(&draft, "draft", None), |report| render(report, arguments.payees))?;
    Ok(0)
}

pub fn run_close(cli: &Cli, arguments: &CloseArgs, output: Output) -> anyhow::Result<u8> {
    let period = parse_period(&arguments.period.period)?;
    let options = CloseOptions { without_contracts: arguments.without_contracts };
    let (draft, closed) = close(&Home::new(&cli.home), period, options, output)?;
    output.report(&report(&draft, "closed", Some(&closed)), |report| {
        let mut text = render(report, arguments.period.payees);
        let _ = writeln!(
            text,
            "\nIssued {} statements (each recorded with its SHA-256) and posted {} ledger accounts; {} is closed.",
            closed.statements.len(),
            closed.postings.len(),
            closed.period
        );
        text
    })?;
    Ok(0)
}

/// Closes a period of a home.
pub fn close(home: &Home, period: Period, options: CloseOptions, output: Output) -> anyhow::Result<(Draft, Closed)> {
    let mut ledger = home.open()?;
    let spinner = output.spinner(&format!("closing {period}"));
    let outcome = ledgerline_run::close_period(&mut ledger, &home.path.join(LAKE_FOLDER), period, options).map_err(refusal)?;
    spinner.finish_and_clear();
    Ok(outcome)
}

/// Imports one costs file into a home.
pub fn import_costs_file(home: &Home, path: &std::path::Path) -> anyhow::Result<ledgerline_run::CostsImport> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| refuse(format!("{label}: cannot read: {error}"), "give a UTF-8 CSV file"))?;
    let mut ledger = home.open()?;
    ledgerline_run::import_costs(&mut ledger, &text, &label).map_err(|error| match error {
        RunError::BadFile { .. } => refuse(error.to_string(), "see docs/costs.md for the layout and what each refusal means; nothing of the file was recorded"),
        other => refusal(other),
    })
}

pub fn run_costs(cli: &Cli, command: &CostsCommand, output: Output) -> anyhow::Result<u8> {
    match command {
        CostsCommand::Import { file } => {
            let outcome = import_costs_file(&Home::new(&cli.home), file)?;
            output.report(&outcome, |outcome| {
                let mut text = match (outcome.status, outcome.already_recorded.len()) {
                    ("already_imported", 0) => format!("{}: already imported; nothing changed.\n", outcome.file),
                    ("already_imported", known) => {
                        format!("{}: all {known} costs are already recorded (by cost_id); nothing changed.\n", outcome.file)
                    }
                    (_, 0) => format!("{}: {} costs recorded.\n", outcome.file, outcome.recorded),
                    (_, known) => format!(
                        "{}: {} costs recorded; {known} already recorded (by cost_id) and skipped.\n",
                        outcome.file, outcome.recorded
                    ),
                };
                if !outcome.not_recouped.is_empty() {
                    let lines: Vec<String> = outcome.not_recouped.iter().map(|row| row.line.to_string()).collect();
                    let _ = writeln!(
                        text,
                        "{} of them not recouped (recoupable_percent 0, a kind their contract does not recoup): line {}.",
                        lines.len(),
                        lines.join(", ")
                    );
                }
                text
            })?;
            Ok(0)
        }
    }
}

pub fn run_explain(cli: &Cli, arguments: &ExplainArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let query = ledgerline_run::Query {
        payee: arguments.payee.clone(),
        period: arguments.period.as_deref().map(parse_period).transpose()?,
        track: arguments.track.clone(),
        service: arguments.service.clone(),
        territory: arguments.territory.clone(),
    };
    let explanation = ledgerline_run::explain(&ledger, &home.path.join(LAKE_FOLDER), &query).map_err(refusal)?;
    output.report(&explanation, |explanation| {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{} in {} ({}): {} {} from {} statement lines.",
            explanation.payee,
            explanation.period,
            explanation.status,
            money(explanation.total),
            explanation.currency,
            explanation.items.len()
        );
        for note in &explanation.notes {
            let _ = writeln!(text, "{note}.");
        }
        for item in &explanation.items {
            let earning = &item.earning;
            let _ = writeln!(
                text,
                "\n{} {} {} {} {} {} {}: {} {}",
                earning.track,
                earning.title,
                earning.service,
                earning.territory,
                earning.usage,
                earning.tier,
                earning.sale_month,
                money(earning.amount),
                explanation.currency
            );
            let _ = writeln!(text, "  term: {}", item.term);
            for line in item.lines.iter().take(arguments.lines) {
                let _ = writeln!(text, "  {} line {}: {} units, {} {}", line.file, line.line, line.units, line.net, line.currency);
            }
            if item.lines.len() > arguments.lines {
                let _ = writeln!(text, "  … and {} more lines (--lines N or --json shows them)", item.lines.len() - arguments.lines);
            }
        }
        text
    })?;
    Ok(0)
}
