//! What a parser says about a whole report once it has read it.

use std::collections::BTreeMap;

use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal};

use crate::diagnostic::Diagnostic;
use crate::line::SaleLine;

/// Which layout a report was read as: `fuga/royalty-product-and-asset/1`, `ddex-dsr/BasicAudioProfile/1.3`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct FormatId {
    /// The family: `ddex-dsr`, `fuga`, `distrokid`, …
    pub source: String,
    /// The layout within the family (DSR profile, distributor export name).
    pub layout: String,
    /// The layout's version as the file states it or as the mapping numbers it.
    pub version: String,
}

impl std::fmt::Display for FormatId {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}/{}/{}", self.source, self.layout, self.version)
    }
}

/// Units and money of the accepted lines in one currency.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CurrencyTotals {
    pub lines: u64,
    pub units: i64,
    /// Sum of the gross amounts the source gave (lines without one count as zero).
    pub gross: Decimal,
    pub net: Decimal,
}

/// The outcome of reading one report.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReportSummary {
    /// Lines accepted (passed to the sink).
    pub lines: u64,
    /// Rows refused, each with at least one error diagnostic.
    pub rejected: u64,
    /// Rows the layout says are not sales (payouts, totals, blank rows).
    pub skipped: u64,
    pub totals: BTreeMap<Currency, CurrencyTotals>,
    pub first_sale_day: Option<Date>,
    pub last_sale_day: Option<Date>,
    /// Errors and warnings, capped at [`MAX_DIAGNOSTICS`]; `diagnostics_total` counts them all.
    pub diagnostics: Vec<Diagnostic>,
    pub diagnostics_total: u64,
    /// Errors among all diagnostics, including those past the cap.
    pub errors_total: u64,
}

/// Diagnostics kept per report: enough to fix a file, never a second copy of a huge one.
pub const MAX_DIAGNOSTICS: usize = 200;

impl ReportSummary {
    /// Counts an accepted line into the totals.
    pub fn count_line(&mut self, line: &SaleLine) {
        self.lines += 1;
        let totals = self.totals.entry(line.currency).or_default();
        totals.lines += 1;
        totals.units += line.units;
        if let Some(gross) = line.gross {
            totals.gross += gross;
        }
        totals.net += line.net;
        self.first_sale_day = Some(self.first_sale_day.map_or(line.sale_start, |day| day.min(line.sale_start)));
        self.last_sale_day = Some(self.last_sale_day.map_or(line.sale_end, |day| day.max(line.sale_end)));
    }

    pub fn add_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics_total += 1;
        if diagnostic.is_error() {
            self.errors_total += 1;
        }
        if self.diagnostics.len() < MAX_DIAGNOSTICS {
            self.diagnostics.push(diagnostic);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors_total > 0
    }

    /// Net receipts per currency, the figure control totals are checked against.
    pub fn net_by_currency(&self) -> BTreeMap<Currency, Decimal> {
        self.totals.iter().map(|(currency, totals)| (*currency, totals.net)).collect()
    }
}
