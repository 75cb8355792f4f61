//! The lender pack (`ledgerline value`): what a label's catalog earns and owes, reconciled to
//! the ledger, with an indicative valuation.
//!
//! - [`facts`]: every period's receipts from the run machinery, with the payee earnings of the
//!   engine's statements attributed to them, so that what the label keeps can be broken down by
//!   any dimension and still add up to the period's label share exactly.
//! - [`pack`]: the figures (pure): income by year, month, source, territory, usage, format,
//!   release and release age; concentration; dollar age; decay; liabilities; rights; valuation;
//!   reconciliation. [`build`] refuses to return a pack whose breakdowns do not add up or whose
//!   closed periods differ from the ledger's recorded figures.
//! - [`stats`]: the decay fit and the valuation multiple (statistics, in `f64`; see the module).
//! - [`load`]: reading the ledger and the lake; [`write`]: PDF, XLSX, JSON and SVG charts.
//!
//! docs/finance.md explains every figure.

mod error;
pub mod facts;
pub mod load;
pub mod pack;
pub mod stats;
pub mod write;

use std::path::Path;

use ledgerline_store::Ledger;

pub use error::FinanceError;
pub use load::Options;
pub use pack::{build, Pack, PackInput};
pub use write::{write_pack, Written};

/// Loads, computes and checks the pack of a home.
pub fn lender_pack(
    ledger: &Ledger,
    lake_root: &Path,
    options: &Options,
) -> Result<Pack, FinanceError> {
    let input = load::load(ledger, lake_root, options)?;
    build(&input)
}
