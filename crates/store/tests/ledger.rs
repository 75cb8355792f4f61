//! The ledger's own guarantees, checked through the public API and through plain SQL on the
//! database file, the way a careless script or a tamperer would reach it.

use ledgerline_money::{Currency, Decimal, Money};
use ledgerline_store::{Ledger, NewPosting, NewTransaction, StoreError, LEDGER_FILE_NAME};
use rusqlite::Connection;

fn money(text: &str, currency: Currency) -> Money {
    Money::new(Decimal::parse(text).unwrap(), currency)
}

fn posting(account: &str, amount: &str, currency: Currency) -> NewPosting {
    NewPosting { account: account.to_string(), amount: money(amount, currency), memo: None }
}

fn royalty_accrual() -> NewTransaction {
    NewTransaction {
        period: Some("2026-H1".to_string()),
        kind: "royalty-run".to_string(),
        description: "royalties 2026-H1".to_string(),
        postings: vec![
            posting("receipts:fuga", "100.000000000001", Currency::EUR),
            posting("payee:P001:earned", "-25.000000000001", Currency::EUR),
            posting("label:retained", "-75", Currency::EUR),
            posting("receipts:distrokid", "10", Currency::USD),
            posting("suspense", "-10", Currency::USD),
        ],
    }
}

fn sql_error(connection: &Connection, sql: &str) -> String {
    connection.execute(sql, []).expect_err(sql).to_string()
}

#[test]
fn posted_entries_cannot_be_updated_or_deleted_through_plain_sql() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(LEDGER_FILE_NAME);
    let mut ledger = Ledger::open(&path).unwrap();
    ledger.post(&royalty_accrual()).unwrap();
    drop(ledger);

    let tamperer = Connection::open(&path).unwrap();
    let refused_posting = "postings are append-only: post a correcting entry instead";
    assert!(sql_error(&tamperer, "UPDATE postings SET amount = '0' WHERE account = 'label:retained'").contains(refused_posting));
    assert!(sql_error(&tamperer, "DELETE FROM postings").contains(refused_posting));
    assert!(sql_error(&tamperer, "UPDATE ledger_transactions SET description = 'x'").contains("ledger transactions are append-only"));
    assert!(sql_error(&tamperer, "DELETE FROM ledger_transactions").contains("ledger transactions are append-only"));
    let postings: i64 = tamperer.query_row("SELECT count(*) FROM postings", [], |row| row.get(0)).unwrap();
    assert_eq!(postings, 5);
    let amount: String = tamperer
        .query_row("SELECT amount FROM postings WHERE account = 'label:retained'", [], |row| row.get(0))
        .unwrap();
    assert_eq!(amount, "-75");
}

#[test]
fn issued_statements_and_closed_periods_cannot_be_changed() {
    let ledger = Ledger::open_in_memory().unwrap();
    let connection = ledger.connection();
    connection.execute("INSERT INTO parties (id, name, kind) VALUES ('P001', 'Ada', 'artist')", []).unwrap();
    connection
        .execute(
            "INSERT INTO statements (payee_id, period, currency, content, content_sha256, issued_at)
             VALUES ('P001', '2026-H1', 'EUR', '{}', ?1, '2026-07-01T00:00:00Z')",
            ["a".repeat(64)],
        )
        .unwrap();
    let refused = "issued statements are immutable";
    assert!(sql_error(connection, "UPDATE statements SET content = '{\"payable\":\"1000000\"}'").contains(refused));
    assert!(sql_error(connection, "DELETE FROM statements").contains(refused));

    connection
        .execute("INSERT INTO periods (id, first_month, last_month, status, closed_at) VALUES ('2026-H1', '2026-01', '2026-06', 'closed', 'now')", [])
        .unwrap();
    assert!(sql_error(connection, "UPDATE periods SET status = 'open'").contains("period is closed"));
    assert!(sql_error(connection, "DELETE FROM periods").contains("period is closed"));
}

#[test]
fn an_unbalanced_transaction_is_refused_and_nothing_is_written() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let mut unbalanced = royalty_accrual();
    unbalanced.postings[1] = posting("payee:P001:earned", "-25", Currency::EUR);
    let error = ledger.post(&unbalanced).unwrap_err();
    assert!(matches!(error, StoreError::Unbalanced { .. }));
    assert_eq!(
        error.to_string(),
        "transaction \"royalties 2026-H1\" does not balance in EUR: postings sum to 0.000000000001, not 0"
    );
    let empty = NewTransaction { postings: vec![], ..royalty_accrual() };
    assert!(matches!(ledger.post(&empty), Err(StoreError::EmptyTransaction { .. })));
    let trial_balance = ledger.trial_balance().unwrap();
    assert_eq!((trial_balance.transactions, trial_balance.postings), (0, 0));
}

#[test]
fn trial_balance_adds_every_posting_and_finds_a_smuggled_imbalance() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    ledger.post(&royalty_accrual()).unwrap();
    ledger.post(&royalty_accrual()).unwrap();
    let trial_balance = ledger.trial_balance().unwrap();
    assert!(trial_balance.is_balanced());
    assert_eq!(trial_balance.postings, 10);
    let euros = trial_balance.currencies.iter().find(|balance| balance.currency == Currency::EUR).unwrap();
    assert_eq!(euros.debits.to_string(), "200.000000000002");
    assert_eq!(euros.credits, euros.debits);

    // Plain SQL can still append (history is append-only, not closed), so the check must catch
    // a one-legged entry written behind the application's back.
    ledger
        .connection()
        .execute("INSERT INTO postings (transaction_id, account, currency, amount) VALUES (1, 'smuggled', 'EUR', '0.01')", [])
        .unwrap();
    let trial_balance = ledger.trial_balance().unwrap();
    assert!(!trial_balance.is_balanced());
    assert_eq!(trial_balance.unbalanced_transactions.len(), 1);
    assert_eq!(trial_balance.unbalanced_transactions[0].2.to_string(), "0.01");
}

#[test]
fn amounts_must_look_like_decimals_to_the_database_too() {
    let ledger = Ledger::open_in_memory().unwrap();
    let connection = ledger.connection();
    connection
        .execute("INSERT INTO ledger_transactions (kind, description, posted_at) VALUES ('x', 'x', 'now')", [])
        .unwrap();
    let error = sql_error(connection, "INSERT INTO postings (transaction_id, account, currency, amount) VALUES (1, 'a', 'EUR', '1e5')");
    assert!(error.contains("CHECK constraint failed"), "{error}");
    let error = sql_error(connection, "INSERT INTO postings (transaction_id, account, currency, amount) VALUES (1, 'a', 'EUR', '12 EUR')");
    assert!(error.contains("CHECK constraint failed"), "{error}");
}

#[test]
fn reopening_keeps_the_schema_and_settings() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join(LEDGER_FILE_NAME);
    let ledger = Ledger::open(&path).unwrap();
    ledger.set_setting("accounting_currency", "EUR").unwrap();
    assert!(ledger.integrity_problems().unwrap().is_empty());
    drop(ledger);
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.schema_version().unwrap(), ledgerline_store::LATEST_SCHEMA_VERSION);
    assert_eq!(ledger.setting("accounting_currency").unwrap().as_deref(), Some("EUR"));
    assert_eq!(ledger.setting("missing").unwrap(), None);
}

#[test]
fn contract_versions_cannot_be_rewritten() {
    let ledger = Ledger::open_in_memory().unwrap();
    let connection = ledger.connection();
    connection
        .execute(
            "INSERT INTO contracts (contract_id, version, valid_from, source_text, content_sha256, imported_at)
             VALUES ('C001', 1, '2026-01', 'id = \"C001\"', 'x', 'now')",
            [],
        )
        .unwrap();
    let refused = "contract versions are append-only: import the change as a new version";
    assert!(sql_error(connection, "UPDATE contracts SET source_text = 'rate = 0.99'").contains(refused));
    assert!(sql_error(connection, "DELETE FROM contracts").contains(refused));
}

#[test]
fn a_report_is_in_one_import_at_most_and_its_record_cannot_be_changed() {
    let ledger = Ledger::open_in_memory().unwrap();
    let connection = ledger.connection();
    for (id, sha) in [(1, "a"), (2, "b")] {
        connection
            .execute(
                "INSERT INTO imports (id, content_sha256, file_name, source, layout, format_version, byte_size, line_count,
                                      rejected_rows, matched_lines, unmatched_lines, lake_path, imported_at)
                 VALUES (?1, ?2, 'f', 's', 'l', 'v', 1, 0, 0, 0, 0, 'p', 'now')",
                rusqlite::params![id, sha.repeat(64)],
            )
            .unwrap();
    }
    let part = |import: i64, position: i64, sha: &str| {
        connection.execute(
            "INSERT INTO import_parts (import_id, position, part, content_sha256) VALUES (?1, ?2, 'x.csv', ?3)",
            rusqlite::params![import, position, sha.repeat(64)],
        )
    };
    part(1, 0, "c").unwrap();
    part(1, 1, "d").unwrap();
    // The same report in another import: refused by the database too.
    assert!(part(2, 0, "c").unwrap_err().to_string().contains("UNIQUE"));
    assert!(part(2, 0, "e").is_ok());
    assert!(sql_error(connection, "UPDATE import_parts SET content_sha256 = content_sha256").contains("imports are facts"));
    assert!(sql_error(connection, "DELETE FROM import_parts").contains("imports are facts"));
}

#[test]
fn a_rate_a_closed_period_used_cannot_be_changed_and_none_can_be_removed() {
    let ledger = Ledger::open_in_memory().unwrap();
    let connection = ledger.connection();
    connection
        .execute("INSERT INTO periods (id, first_month, last_month, status, closed_at) VALUES ('2026-H1', '2026-01', '2026-06', 'closed', 'now')", [])
        .unwrap();
    for month in ["2025-11", "2026-06", "2026-07"] {
        connection
            .execute(
                "INSERT INTO fx_rates (month, from_currency, to_currency, rate, source_file, imported_at) VALUES (?1, 'USD', 'EUR', '0.9', 'fx.csv', 'now')",
                [month],
            )
            .unwrap();
    }
    // Months in or before the last closed period (a period takes the earlier months too).
    for month in ["2025-11", "2026-06"] {
        let error = sql_error(connection, &format!("UPDATE fx_rates SET rate = '0.8' WHERE month = '{month}'"));
        assert!(error.contains("exchange rates a closed period used are kept"), "{month}: {error}");
    }
    connection.execute("UPDATE fx_rates SET rate = '0.8' WHERE month = '2026-07'", []).unwrap();
    let error = sql_error(connection, "UPDATE fx_rates SET month = '2026-08' WHERE month = '2026-07'");
    assert!(error.contains("cannot be changed"), "{error}");
    let error = sql_error(connection, "DELETE FROM fx_rates WHERE month = '2026-07'");
    assert!(error.contains("cannot be removed"), "{error}");
}
