use ledgerline_money::Currency;

/// Everything that can go wrong in the ledger database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the ledger database {path}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the ledger database is at schema version {found}, newer than this Ledgerline knows ({known}); use a newer ledgerline")]
    SchemaTooNew { found: u32, known: u32 },
    #[error("migration {version} ({name}) was applied with different content (recorded sha256 {recorded}, built-in {built_in}); the database was made by a different build")]
    MigrationChanged { version: u32, name: String, recorded: String, built_in: String },
    #[error("transaction \"{description}\" does not balance in {currency}: postings sum to {sum}, not 0")]
    Unbalanced { description: String, currency: Currency, sum: String },
    #[error("transaction \"{description}\" has no postings")]
    EmptyTransaction { description: String },
    #[error("stored amount {value:?} in posting {posting_id} is not a decimal: {reason}")]
    CorruptAmount { posting_id: i64, value: String, reason: String },
    #[error("stored currency {value:?} in posting {posting_id} is not an ISO 4217 code")]
    CorruptCurrency { posting_id: i64, value: String },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}
