//! The Ledgerline ledger database.
//!
//! `ledger.db` in a Ledgerline home is a SQLite database holding imports, the catalog, parties,
//! contracts, periods, the double-entry ledger, issued statements and users. This crate owns its
//! schema (versioned migrations applied when the database is opened), the rules the database
//! enforces itself (append-only postings, immutable statements, closed periods stay closed), and
//! the integrity checks behind `ledgerline check`.
//!
//! What it is not: it computes no royalties (that is the engine) and parses no reports (that is
//! formats). Money is stored as exact decimal text and summed with [`ledgerline_money::Decimal`],
//! never with SQL arithmetic, which would go through floating point.

mod clock;
mod error;
mod ledger;
mod migrations;

use std::path::Path;

use rusqlite::Connection;

pub use clock::{utc_timestamp_in, utc_timestamp_now};
pub use error::StoreError;
pub use ledger::{post_within, CurrencyBalance, NewPosting, NewTransaction, TransactionId, TrialBalance};
pub use migrations::LATEST_SCHEMA_VERSION;

/// File name of the ledger database inside a Ledgerline home.
pub const LEDGER_FILE_NAME: &str = "ledger.db";

/// An open ledger database, migrated to the latest schema.
pub struct Ledger {
    connection: Connection,
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Ledger, StoreError> {
        let connection = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Ledger::configure(connection)
    }

    /// A ledger that lives in memory only, for tests and dry runs.
    pub fn open_in_memory() -> Result<Ledger, StoreError> {
        Ledger::configure(Connection::open_in_memory()?)
    }

    fn configure(mut connection: Connection) -> Result<Ledger, StoreError> {
        // WAL lets the portal read while an import writes; FULL synchronous makes a committed
        // transaction survive power loss, which a ledger must.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        migrations::apply(&mut connection)?;
        Ok(Ledger { connection })
    }

    /// The schema version the database is at after opening.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrations::current_version(&self.connection)
    }

    /// The underlying connection, for crates that add their own queries to the ledger.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// Mutable access, for crates that open their own transactions.
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.connection
    }

    /// A setting from the `settings` table.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .connection
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0))
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// SQLite's own structural check plus foreign keys; an empty list means healthy.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut statement = self.connection.prepare("PRAGMA integrity_check")?;
        for row in statement.query_map([], |row| row.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut statement = self.connection.prepare("PRAGMA foreign_key_check")?;
        let rows = statement.query_map([], |row| {
            Ok(format!(
                "foreign key: row {} of {} points to a missing row in {}",
                row.get::<_, i64>(1)?,
                row.get::<_, String>(0)?,
                row.get::<_, String>(2)?
            ))
        })?;
        for row in rows {
            problems.push(row?);
        }
        Ok(problems)
    }
}
