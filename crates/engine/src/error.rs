use ledgerline_model::Month;
use ledgerline_money::{Currency, Decimal};

/// Why a run cannot produce statements.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("no exchange rate from {from} to {to} for {month}")]
    MissingRate { from: Currency, to: Currency, month: Month },
    #[error("an amount is too large to compute exactly: {0}")]
    Overflow(&'static str),
    #[error("no periods to compute")]
    NoPeriods,
    #[error(
        "money is not conserved in {period} ({currency}): net receipts {net_receipts} but payee credits {payee_credits} + label share {label_share} + suspense {suspense} = {accounted}, a difference of {difference}"
    )]
    NotConserved {
        period: String,
        currency: Currency,
        net_receipts: Decimal,
        payee_credits: Decimal,
        label_share: Decimal,
        suspense: Decimal,
        accounted: Decimal,
        difference: Decimal,
    },
    #[error("the statement of {payee} for {period} does not add up: {detail}")]
    StatementDoesNotAddUp { payee: String, period: String, detail: String },
}
