//! Royalty runs against a home: the engine's input read from the ledger and the lake, drafts,
//! closes, costs and payments, and explanations of figures.
//!
//! The engine (`ledgerline-engine`) computes; this crate reads and writes. A draft
//! ([`draft`]) can be recomputed any number of times; [`close_period`] issues it.

mod close;
mod costs;
mod error;
mod explain;
mod load;
mod payments;
mod sepa;
mod verify;

use std::path::Path;

use ledgerline_engine::RunResult;
use ledgerline_model::Period;
use ledgerline_store::Ledger;

pub use close::{computed_balances, Closed, IssuedStatement};
pub use costs::{import_costs, read_costs, CostRow, CostsImport};
pub use error::RunError;
pub use explain::{explain, Explained, ExplainedLine, Explanation, Query};
pub use load::{closed_periods, issued_statements, load, settings, Loaded, Matcher, TextIdentifiers, BASIS_SETTING};
pub use payments::{
    money, payable_balances, payable_now, payables, record_payments, NewPayment, Overpaying, MANUAL_SOURCE, Overpayment, Payable, PaymentsRecorded,
    UncheckedPayment,
};
pub use sepa::{sepa_file, sepa_file_with, EarlierFile, SepaFile, SepaRequest};
pub use verify::{verify_statement_file, Verification};

/// A computed period, not yet issued.
pub struct Draft {
    pub result: RunResult,
    pub lines_read: u64,
}

/// Computes `period` (and every closed period before it, to find the adjustments).
pub fn draft(ledger: &Ledger, lake_root: &Path, period: Period) -> Result<Draft, RunError> {
    let loaded = load(ledger, lake_root, period)?;
    let mut result = ledgerline_engine::run(&loaded.input)?;
    ledgerline_engine::adjust(&mut result, &loaded.issued);
    Ok(Draft { result, lines_read: loaded.lines_read })
}

/// How a close may proceed.
#[derive(Clone, Copy, Debug, Default)]
pub struct CloseOptions {
    /// Close even though the ledger holds no contract, so that every receipt goes to the label
    /// share (a label that owes no one royalties). Without it such a close is refused: issuing
    /// cannot be undone, and contracts imported later would only become adjustments.
    pub without_contracts: bool,
}

/// Computes and issues `period`.
pub fn close_period(
    ledger: &mut Ledger,
    lake_root: &Path,
    period: Period,
    options: CloseOptions,
) -> Result<(Draft, Closed), RunError> {
    let contracts: i64 = ledger.connection().query_row("SELECT count(*) FROM contracts", [], |row| row.get(0))?;
    if contracts == 0 && !options.without_contracts {
        return Err(RunError::Refused {
            message: format!(
                "{period} is not closed: the ledger holds no contract, so every receipt would go to the label share and no payee would have a statement; a closed period cannot be reopened"
            ),
            hint: "import the contracts first (`ledgerline contracts import FOLDER`), check the draft with `ledgerline run`, then close; if the label owes no one royalties, close with --without-contracts".to_string(),
        });
    }
    let draft = draft(ledger, lake_root, period)?;
    let closed = close::close(ledger, &draft.result)?;
    Ok((draft, closed))
}
