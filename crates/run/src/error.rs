use ledgerline_model::Period;

/// Why a run, a close or a record of costs or payments was refused.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] ledgerline_store::StoreError),
    #[error("ledger database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Lake(#[from] ledgerline_lake::LakeError),
    #[error(transparent)]
    Contracts(#[from] ledgerline_contracts::ContractStoreError),
    #[error(transparent)]
    Engine(#[from] ledgerline_engine::EngineError),
    #[error("the home has no accounting currency; run `ledgerline init` first")]
    NotInitialised,
    #[error("{period} is closed: its statements were issued and cannot change")]
    AlreadyClosed { period: Period },
    #[error("{period} ends before {closed}, which is closed: a period is run after the last closed one")]
    BeforeClosed { period: Period, closed: Period },
    #[error("stored {what} cannot be read: {problem}")]
    Corrupt { what: String, problem: String },
    #[error("{}", problems.join("\n"))]
    BadFile { problems: Vec<String> },
    /// A request the ledger cannot carry out as asked, with what to do instead.
    #[error("{message}")]
    Refused { message: String, hint: String },
}

impl RunError {
    pub fn corrupt(what: impl Into<String>, problem: impl ToString) -> RunError {
        RunError::Corrupt { what: what.into(), problem: problem.to_string() }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            RunError::Engine(ledgerline_engine::EngineError::MissingRate { .. }) => {
                Some("import the month's rates with `ledgerline fx import FILE`".to_string())
            }
            RunError::Engine(ledgerline_engine::EngineError::Overflow(_)) => Some(
                "look for an absurdly large amount or number of units in the period's reports, costs or payments and correct it".to_string(),
            ),
            RunError::AlreadyClosed { .. } => Some("see its statements with `ledgerline statements PERIOD`; changes go into the next period".to_string()),
            RunError::BeforeClosed { period, closed } => {
                let next = closed.last_month().next().map(|month| Period::containing(period.kind(), month));
                Some(match next {
                    Some(next) => format!(
                        "run a period after {closed}, such as `ledgerline run {next}`: whatever changed in {period} since the close goes into it as an adjustment"
                    ),
                    None => format!("{closed} is the last period Ledgerline can run"),
                })
            }
            RunError::NotInitialised => Some("ledgerline init --currency EUR".to_string()),
            RunError::BadFile { .. } => Some("nothing of the file was recorded; correct the lines named and give the whole file again".to_string()),
            RunError::Contracts(ledgerline_contracts::ContractStoreError::Invalid(_)) => Some(
                "`ledgerline contracts check FILE...` lists every problem with its file, line and column; nothing was imported".to_string(),
            ),
            RunError::Refused { hint, .. } => Some(hint.clone()),
            // Everything else is the home's files (unreadable, or holding what this Ledgerline
            // did not write) or a bug: nothing a request can change, so no hint; the portal
            // treats it as internal, the CLI says what to check.
            _ => None,
        }
    }
}
