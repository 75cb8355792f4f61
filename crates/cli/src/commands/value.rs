//! `ledgerline value`: the lender pack (docs/finance.md).

use std::fmt::Write as _;
use std::path::Path;

use ledgerline_finance::{FinanceError, Options, Pack, Written};
use ledgerline_model::Month;
use ledgerline_money::{Decimal, RoundingMode};
use ledgerline_store::Ledger;
use serde::Serialize;

use crate::args::{Cli, ValueArgs};
use crate::home::{Home, LAKE_FOLDER};
use crate::output::{refuse, Output};

/// Folder inside the home the pack goes to unless `--out` says otherwise.
pub const PACK_FOLDER: &str = "lender-pack";

/// The `value --json` document: where the pack was written and its headline figures (the whole
/// pack is in `lender-pack.json`).
#[derive(Serialize)]
pub struct ValueReport {
    pub written: Written,
    pub currency: String,
    pub as_of: Month,
    pub ltm: ledgerline_finance::pack::Window,
    pub history: ledgerline_finance::pack::Window,
    pub by_year: Vec<ledgerline_finance::pack::Flow>,
    pub periods: Vec<ledgerline_finance::pack::PeriodReconciliation>,
    pub checks: usize,
    pub catalog_decay: Option<f64>,
    pub valuation: ledgerline_finance::pack::Valuation,
    pub liabilities_accrued_unpaid: Decimal,
    pub warnings: Vec<String>,
}

/// A pack error as a refusal with its hint.
pub fn refusal(error: FinanceError) -> anyhow::Error {
    let hint = error
        .hint()
        .unwrap_or_else(|| "see docs/finance.md".to_string());
    refuse(error.to_string(), hint)
}

/// Computes, checks and writes the pack of a ledger into `folder`.
pub fn write_lender_pack(
    ledger: &Ledger,
    lake_root: &Path,
    options: &Options,
    folder: &Path,
) -> anyhow::Result<ValueReport> {
    let pack: Pack =
        ledgerline_finance::lender_pack(ledger, lake_root, options).map_err(refusal)?;
    let written = ledgerline_finance::write_pack(&pack, folder).map_err(refusal)?;
    Ok(ValueReport {
        written,
        currency: pack.currency.clone(),
        as_of: pack.as_of,
        ltm: pack.ltm.clone(),
        history: pack.history.clone(),
        by_year: pack.by_year.clone(),
        periods: pack.reconciliation.periods.clone(),
        checks: pack.reconciliation.checks.len(),
        catalog_decay: pack.decay.catalog.as_ref().map(|fit| fit.annual_decay),
        valuation: pack.valuation.clone(),
        liabilities_accrued_unpaid: pack.liabilities.accrued_unpaid,
        warnings: pack.warnings.clone(),
    })
}

/// A fraction in percent to 0.1 point, as the pack writes rates: `0.285` is `28.5%`.
fn percent(fraction: Decimal) -> String {
    let hundredfold = fraction.checked_mul_integer(100).unwrap_or(fraction);
    format!("{}%", hundredfold.format_fixed(1, RoundingMode::HalfEven))
}

fn money(amount: Decimal) -> String {
    amount.format_fixed(2, RoundingMode::HalfEven)
}

pub fn render(report: &ValueReport) -> String {
    let mut text = String::new();
    let currency = &report.currency;
    let _ = writeln!(
        text,
        "Lender pack as of {} written to {}:",
        report.as_of, report.written.folder
    );
    for file in &report.written.files {
        let _ = writeln!(text, "  {file}");
    }
    let _ = writeln!(
        text,
        "LTM net label share ({} to {}): {currency} {} (net receipts {}, payee earnings {}, suspense {})",
        report.ltm.first_month,
        report.ltm.last_month,
        money(report.ltm.flow.label_share),
        money(report.ltm.flow.net_receipts),
        money(report.ltm.flow.payee_earnings),
        money(report.ltm.flow.suspense)
    );
    let _ = writeln!(
        text,
        "History {} to {}: net label share {currency} {}",
        report.history.first_month,
        report.history.last_month,
        money(report.history.flow.label_share)
    );
    for period in &report.periods {
        let _ = writeln!(
            text,
            "  {} ({}): ledger label share {}, pack {}, difference {}",
            period.period,
            period.status,
            period
                .ledger_label_share
                .map_or("not closed".to_string(), |amount| amount.to_string()),
            period.pack_label_share,
            period
                .difference
                .map_or("–".to_string(), |difference| difference.to_string())
        );
    }
    let _ = writeln!(
        text,
        "{} reconciliation checks, every difference 0.",
        report.checks
    );
    if let Some(decay) = report.catalog_decay {
        let _ = writeln!(text, "Catalog decay, fitted: {:.1}% a year.", decay * 100.0);
    }
    let _ = writeln!(
        text,
        "Indicative value by decay scenario and discount rate (N = {} years; an estimate, not an appraisal):",
        report.valuation.years
    );
    for scenario in &report.valuation.scenarios {
        let cells: Vec<String> = scenario
            .cells
            .iter()
            .map(|cell| {
                if !cell.meaningful {
                    return format!(
                        "at {}: not meaningful (growth at or above the discount rate)",
                        percent(cell.discount_rate)
                    );
                }
                format!(
                    "at {}: {}× = {}",
                    percent(cell.discount_rate),
                    cell.multiple.format_fixed(2, RoundingMode::HalfEven),
                    money(cell.value)
                )
            })
            .collect();
        // The decay as the fit above says it, in percent a year.
        let _ = writeln!(
            text,
            "  {}, decay {} a year: {}",
            scenario.name,
            percent(scenario.decay),
            cells.join("; ")
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(text, "note: {warning}");
    }
    text
}

pub fn run(cli: &Cli, arguments: &ValueArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let as_of = match &arguments.as_of {
        Some(text) => Some(Month::parse(text).map_err(|error| {
            refuse(
                format!("--as-of: {error}"),
                "write a month: --as-of 2026-06",
            )
        })?),
        None => None,
    };
    let folder = arguments
        .out
        .clone()
        .unwrap_or_else(|| home.path.join(PACK_FOLDER));
    let options = Options {
        as_of,
        years: Some(arguments.years),
    };
    let spinner = output.spinner("computing the lender pack");
    let report = write_lender_pack(&ledger, &home.path.join(LAKE_FOLDER), &options, &folder);
    spinner.finish_and_clear();
    output.report(&report?, render)?;
    Ok(0)
}
