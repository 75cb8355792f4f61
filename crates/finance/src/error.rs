use ledgerline_model::Month;

/// Why a lender pack could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FinanceError {
    #[error(transparent)]
    Run(Box<ledgerline_run::RunError>),
    #[error(transparent)]
    Engine(Box<ledgerline_engine::EngineError>),
    #[error("ledger database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored {what} cannot be read: {problem}")]
    Corrupt { what: String, problem: String },
    #[error("the ledger has no receipts yet: import sales reports first")]
    NoData,
    #[error("--as-of {as_of} is before the first month with receipts ({first})")]
    AsOfBeforeData { as_of: Month, first: Month },
    #[error("no rate from {from} to {to} for {month}")]
    MissingRate {
        from: String,
        to: String,
        month: Month,
    },
    #[error("a figure is too large: {0}")]
    Overflow(&'static str),
    #[error("{period}: {detail}")]
    Unattributable { period: String, detail: String },
    /// A breakdown does not add up to its total: the pack is not written.
    #[error("{what} add up to {found}, but the total is {expected}; the pack was not written")]
    DoesNotAddUp {
        what: String,
        expected: String,
        found: String,
    },
    /// A closed period's figures in the pack differ from those the ledger recorded at close.
    #[error("{period}: the pack's {figure} is {pack} but the ledger recorded {ledger} when the period was closed (difference {difference}); the pack was not written")]
    NotReconciled {
        period: String,
        figure: &'static str,
        ledger: String,
        pack: String,
        difference: String,
    },
    #[error("cannot write {path}: {problem}")]
    Write { path: String, problem: String },
    #[error(transparent)]
    Render(Box<ledgerline_render::RenderError>),
}

impl From<ledgerline_run::RunError> for FinanceError {
    fn from(error: ledgerline_run::RunError) -> FinanceError {
        FinanceError::Run(Box::new(error))
    }
}

impl From<ledgerline_engine::EngineError> for FinanceError {
    fn from(error: ledgerline_engine::EngineError) -> FinanceError {
        FinanceError::Engine(Box::new(error))
    }
}

impl From<ledgerline_render::RenderError> for FinanceError {
    fn from(error: ledgerline_render::RenderError) -> FinanceError {
        FinanceError::Render(Box::new(error))
    }
}

impl FinanceError {
    pub fn corrupt(what: impl Into<String>, problem: impl ToString) -> FinanceError {
        FinanceError::Corrupt {
            what: what.into(),
            problem: problem.to_string(),
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            FinanceError::Run(error) => error.hint(),
            FinanceError::NoData => Some("ledgerline import FILE...".to_string()),
            FinanceError::AsOfBeforeData { .. } => Some("leave --as-of out to use the last closed month".to_string()),
            FinanceError::MissingRate { .. } => Some("import the month's rates with `ledgerline fx import FILE`".to_string()),
            FinanceError::NotReconciled { .. } => Some(
                "receipts, aliases, contracts or costs changed after the period was closed, so its recomputed figures differ \
                 from the issued ones; the statements carry the change as an adjustment in the next period, but the pack \
                 cannot show adjustments yet, so it cannot be written for this ledger until it can (docs/finance.md, Limits)"
                    .to_string(),
            ),
            FinanceError::DoesNotAddUp { .. } | FinanceError::Unattributable { .. } => {
                Some("this is a bug in Ledgerline; please report it with `ledgerline check` output".to_string())
            }
            _ => None,
        }
    }
}
