//! Ground truth: what a correct reader must find in each generated report.
//!
//! For every report file the generator writes `truth/<source>/<file name>.truth.json` (the
//! path under `reports/`, mirrored under `truth/`):
//!
//! ```json
//! {
//!   "definition": "lines = data rows; units = sum of Quantity; net_receipts = sum of …",
//!   "file": "reports/fuga/…_statement.zip",
//!   "lines": 123,
//!   "net_receipts": { "EUR": "45.678901230000" },
//!   "source": "fuga",
//!   "units": "98765"
//! }
//! ```
//!
//! `lines` counts sale lines only (no header, comment, HEAD/FOOT or summary rows, no payout
//! rows), `units` is the sum of the quantity column (returns count negative), and
//! `net_receipts` holds the exact sum, per currency, of the money column the label receives.
//! Which columns those are differs per format; `definition` says it in words, and each writer
//! module documents it too. The sums are computed from the very values written, after their
//! rounding, so an exact reader reproduces them to the last digit.

use std::collections::BTreeMap;

use anyhow::Result;
use ledgerline_money::{Currency, Decimal};
use serde::Serialize;

use crate::output::{FileRole, OutputTree};
use crate::source::Source;
use crate::writers::truth_definition;

/// Running totals of one report file.
#[derive(Clone, Debug, Default)]
pub struct ReportTotals {
    pub lines: u64,
    pub units: i128,
    pub net_receipts: BTreeMap<String, Decimal>,
}

impl ReportTotals {
    /// One sale line with its quantity and the amount the label receives for it.
    pub fn add_line(&mut self, units: i64, currency: Currency, net: Decimal) {
        self.lines += 1;
        self.units += i128::from(units);
        self.add_money(currency, net);
    }

    /// Money that is not on a sale line (DSR summary records).
    pub fn add_money(&mut self, currency: Currency, amount: Decimal) {
        *self.net_receipts.entry(currency.code().to_string()).or_insert(Decimal::ZERO) += amount;
    }

    /// A sale line whose money is reported elsewhere (DSR usage rows).
    pub fn add_units(&mut self, units: i64) {
        self.lines += 1;
        self.units += i128::from(units);
    }
}

/// The JSON document. Fields are declared in alphabetical order, which is the order serde
/// writes them, so the keys come out sorted.
#[derive(Serialize)]
struct TruthDocument<'a> {
    definition: &'a str,
    file: &'a str,
    lines: u64,
    net_receipts: BTreeMap<&'a str, String>,
    source: &'a str,
    units: String,
}

/// The truth file's bytes: pretty JSON with a trailing newline.
pub fn truth_json(file: &str, source: &str, definition: &str, totals: &ReportTotals) -> serde_json::Result<Vec<u8>> {
    let document = TruthDocument {
        definition,
        file,
        lines: totals.lines,
        net_receipts: totals
            .net_receipts
            .iter()
            .map(|(currency, amount)| (currency.as_str(), amount.to_string()))
            .collect(),
        source,
        units: totals.units.to_string(),
    };
    let mut bytes = serde_json::to_vec_pretty(&document)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `truth/<path under reports/>.truth.json` for the report at `report_relative`.
pub fn write_truth(tree: &mut OutputTree, report_relative: &str, source: Source, totals: &ReportTotals) -> Result<()> {
    let under_reports = report_relative.strip_prefix("reports/").unwrap_or(report_relative);
    let truth_relative = format!("truth/{under_reports}.truth.json");
    let bytes = truth_json(report_relative, source.name(), truth_definition(source), totals)?;
    tree.write(&truth_relative, FileRole::from_source("truth", source.name(), None), &bytes)
}
