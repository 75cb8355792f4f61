//! The royalty engine: from matched receipts, contracts, costs and payments to statements.
//!
//! Pure by design (docs/royalties.md): [`run`] takes a [`RunInput`] and returns every period's
//! statements and conservation figures. It reads no file, no clock and no database, iterates
//! only ordered collections, and keeps every amount exact ([`ledgerline_money::Decimal`]) until
//! the named rounding points: a contract version's earnings in a period are rounded once to the
//! cent and split between its payees by largest remainder; advances, costs, reserves, transfers
//! and tax are each rounded once to the cent where they are computed. Statement lines are
//! apportioned so that they add up to the figure above them.
//!
//! Conservation is asserted here, not only tested: a period whose net receipts differ from
//! payee credits + label share + suspense by any amount is refused with the difference, and so
//! is a statement whose figures do not add up.

mod adjust;
mod compute;
mod error;
mod fast_hash;
mod fx;
mod input;
mod statement;
mod terms;

pub use adjust::{adjust, Issued};
pub use compute::{run, Conservation, PeriodResult, RunResult};
pub use error::EngineError;
pub use fast_hash::{FastHash, FastHasher};
pub use input::{
    AccountingBasis, Catalog, CatalogRelease, CatalogTrack, Cost, FxTable, Party, Payment, ReceiptKey, ReceiptSums, RunInput,
    Settings, SuspenseKey,
};
pub use statement::{
    AccountLine, Adjustment, ChargeLine, ConvertedAmount, EarningLine, Invoice, PayeeTax, PaymentLine, Statement, StatementContract, Summary,
    TransferLine,
};
