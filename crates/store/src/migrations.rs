//! Versioned schema migrations, applied in order when the ledger is opened.
//!
//! Each migration is a SQL file compiled into the binary. Applied migrations are recorded with
//! the SHA-256 of their text, so a database and a build that disagree about history are caught
//! instead of silently diverging. Migrations run inside one transaction: a failure leaves the
//! database as it was.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::clock::utc_timestamp_now;
use crate::error::StoreError;

struct Migration {
    version: u32,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "ledger", sql: include_str!("../migrations/0001_ledger.sql") },
    Migration {
        version: 2,
        name: "contracts are versioned facts",
        sql: include_str!("../migrations/0002_contracts_are_versioned_facts.sql"),
    },
    Migration { version: 3, name: "fx rates", sql: include_str!("../migrations/0003_fx_rates.sql") },
    Migration { version: 4, name: "royalty runs", sql: include_str!("../migrations/0004_royalty_runs.sql") },
    Migration {
        version: 5,
        name: "self-billing invoices",
        sql: include_str!("../migrations/0005_self_billing_invoices.sql"),
    },
    Migration { version: 6, name: "portal", sql: include_str!("../migrations/0006_portal.sql") },
    Migration {
        version: 7,
        name: "dsr report sets",
        sql: include_str!("../migrations/0007_dsr_report_sets.sql"),
    },
    Migration { version: 8, name: "import parts", sql: include_str!("../migrations/0008_import_parts.sql") },
    Migration { version: 9, name: "dsr messages", sql: include_str!("../migrations/0009_dsr_messages.sql") },
    Migration { version: 10, name: "cost identity", sql: include_str!("../migrations/0010_cost_identity.sql") },
    Migration { version: 11, name: "sepa files", sql: include_str!("../migrations/0011_sepa_files.sql") },
    Migration {
        version: 12,
        name: "fx rates of open months",
        sql: include_str!("../migrations/0012_fx_rates_of_open_months.sql"),
    },
];

/// The schema version this build creates and understands.
pub const LATEST_SCHEMA_VERSION: u32 = 12;

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

pub(crate) fn current_version(connection: &Connection) -> Result<u32, StoreError> {
    let version: Option<u32> = connection
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| row.get(0))
        .optional()?
        .flatten();
    Ok(version.unwrap_or(0))
}

pub(crate) fn apply(connection: &mut Connection) -> Result<(), StoreError> {
    // IMMEDIATE takes the write lock up front so two processes opening a new home do not both
    // try to create the schema.
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    transaction.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             sha256     TEXT NOT NULL,
             applied_at TEXT NOT NULL
         ) STRICT;",
    )?;
    let applied_version = current_version(&transaction)?;
    if applied_version > LATEST_SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found: applied_version, known: LATEST_SCHEMA_VERSION });
    }
    for migration in MIGRATIONS {
        let built_in = sha256_hex(migration.sql);
        if migration.version <= applied_version {
            let recorded: String = transaction.query_row(
                "SELECT sha256 FROM schema_migrations WHERE version = ?1",
                [migration.version],
                |row| row.get(0),
            )?;
            if recorded != built_in {
                return Err(StoreError::MigrationChanged {
                    version: migration.version,
                    name: migration.name.to_string(),
                    recorded,
                    built_in,
                });
            }
            continue;
        }
        transaction.execute_batch(migration.sql)?;
        transaction.execute(
            "INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![migration.version, migration.name, built_in, utc_timestamp_now()],
        )?;
    }
    transaction.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|migration| migration.version), Some(LATEST_SCHEMA_VERSION));
    }

    #[test]
    fn applying_twice_is_a_no_op() {
        let mut connection = Connection::open_in_memory().unwrap();
        apply(&mut connection).unwrap();
        apply(&mut connection).unwrap();
        assert_eq!(current_version(&connection).unwrap(), LATEST_SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_database_from_a_newer_build() {
        let mut connection = Connection::open_in_memory().unwrap();
        apply(&mut connection).unwrap();
        connection
            .execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x', 'now')", [])
            .unwrap();
        assert!(matches!(apply(&mut connection), Err(StoreError::SchemaTooNew { found: 99, .. })));
    }

    #[test]
    fn refuses_an_edited_migration() {
        let mut connection = Connection::open_in_memory().unwrap();
        apply(&mut connection).unwrap();
        connection.execute("UPDATE schema_migrations SET sha256 = 'edited' WHERE version = 1", []).unwrap();
        let error = apply(&mut connection).unwrap_err();
        assert!(error.to_string().starts_with("migration 1 (ledger) was applied with different content"));
    }
}
