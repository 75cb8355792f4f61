//! What the engine is given: everything a royalty run depends on, as plain values.
//!
//! The caller (the `ledgerline-run` crate) reads these from the ledger and the lake; the engine
//! never reads anything itself. Collections are sorted by the engine before use, so the order
//! the caller lists them in never changes a result.

use std::collections::BTreeMap;

use ledgerline_contracts::{Configuration, Contract, Tier, Usage};
use ledgerline_model::{Date, Month, Period, Territory};
use ledgerline_money::{Currency, Decimal, RoundingMode};
use serde::Serialize;

/// Which month a receipt is accounted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountingBasis {
    /// The month the source reported the line in (the default): what arrived in a period is
    /// accounted in it.
    ReportingMonth,
    /// The month the sale was made in.
    SaleMonth,
}

impl AccountingBasis {
    pub fn name(self) -> &'static str {
        match self {
            AccountingBasis::ReportingMonth => "reporting_month",
            AccountingBasis::SaleMonth => "sale_month",
        }
    }

    pub fn parse(text: &str) -> Option<AccountingBasis> {
        match text {
            "reporting_month" => Some(AccountingBasis::ReportingMonth),
            "sale_month" => Some(AccountingBasis::SaleMonth),
            _ => None,
        }
    }
}

/// The label's settings that every figure depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub label_name: String,
    pub accounting_currency: Currency,
    pub rounding: RoundingMode,
    pub basis: AccountingBasis,
}

/// Receipts that share everything a contract term can depend on, added up.
///
/// The caller folds report lines into these (see [`crate::ReceiptKey`] and
/// [`crate::ReceiptBook`]); the engine never sees single lines, so a run over millions of lines
/// costs what a run over their distinct keys costs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ReceiptKey {
    /// The month the receipt is accounted in ([`AccountingBasis`]).
    pub month: Month,
    pub sale_month: Month,
    /// The release matched (13-digit EAN), when the line names one the catalog knows.
    pub release: Option<String>,
    /// The track matched (ISRC), when the line names one the catalog knows.
    pub track: Option<String>,
    pub service: String,
    pub territory: Territory,
    pub usage: Usage,
    pub tier: Tier,
    pub currency: Currency,
    /// The rate the report itself gives from `currency` to the accounting currency, if any.
    pub report_rate: Option<Decimal>,
}

/// The sums of the lines under one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReceiptSums {
    pub lines: u64,
    pub units: i64,
    pub net: Decimal,
    pub gross: Decimal,
}

impl ReceiptSums {
    pub fn add(&mut self, other: &ReceiptSums) {
        self.lines += other.lines;
        self.units += other.units;
        self.net += other.net;
        self.gross += other.gross;
    }
}

/// Lines the catalog does not know (suspense), by the month they are accounted in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SuspenseKey {
    pub month: Month,
    pub currency: Currency,
    pub report_rate: Option<Decimal>,
}

/// A release as the engine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogRelease {
    /// 13-digit EAN.
    pub ean: String,
    pub title: String,
    pub configuration: Option<Configuration>,
    pub tracks: Vec<String>,
}

/// A track as the engine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogTrack {
    pub isrc: String,
    pub title: String,
    pub artist: String,
}

/// The catalog: which tracks are on which releases, and what each release is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub releases: BTreeMap<String, CatalogRelease>,
    pub tracks: BTreeMap<String, CatalogTrack>,
}

impl Catalog {
    /// The releases a track appears on, in EAN order.
    pub fn releases_of_track(&self, isrc: &str) -> Vec<&str> {
        self.releases
            .values()
            .filter(|release| release.tracks.iter().any(|track| track == isrc))
            .map(|release| release.ean.as_str())
            .collect()
    }
}

/// A cost the label recorded against a contract (`ledgerline costs import`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Cost {
    pub date: Date,
    pub contract: String,
    /// The release it was spent on (13-digit EAN), if any.
    pub release: Option<String>,
    pub kind: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub description: String,
    /// Where it was recorded (`costs.csv:12`), for `explain`.
    pub source: String,
}

/// A payment the label made to a payee.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Payment {
    pub date: Date,
    pub payee: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub reference: String,
}

/// Monthly exchange rates: one unit of `from` is `rate` units of `to`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FxTable {
    pub rates: BTreeMap<(Month, Currency, Currency), Decimal>,
}

/// What a party is called and how it is paid, for statements.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    pub id: String,
    pub name: String,
    /// ISO 3166 alpha-2, when known.
    pub country: Option<String>,
}

/// Everything a run depends on.
#[derive(Clone, Debug)]
pub struct RunInput {
    pub settings: Settings,
    /// The statement periods to compute, in order: every closed period, then the one run. The
    /// first also takes every earlier month; each later one starts the month after the one
    /// before it ends.
    pub periods: Vec<Period>,
    /// Every stored version of every contract.
    pub contracts: Vec<Contract>,
    pub catalog: Catalog,
    pub parties: BTreeMap<String, Party>,
    pub receipts: BTreeMap<ReceiptKey, ReceiptSums>,
    pub suspense: BTreeMap<SuspenseKey, ReceiptSums>,
    pub costs: Vec<Cost>,
    pub payments: Vec<Payment>,
    pub fx: FxTable,
}
