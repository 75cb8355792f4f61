//! The costs file: advances paid and costs spent against contracts (`ledgerline costs import`).
//!
//! Columns (header required, any order): `date`, `contract_id`, `kind`, `amount`, `currency`,
//! and optionally `release_upc`, `party_id`, `recoupable_percent`, `description`. Which kinds
//! are paid back, and how much of each, is decided by the contract's `[[costs]]`; the
//! `recoupable_percent` column is the label's own note and is not used. Rows of kind `advance`
//! record the payment of an advance the contract's `[[advances]]` already recoups.

use ledgerline_model::{Date, Icpn};
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::RunError;

const REQUIRED: [&str; 5] = ["date", "contract_id", "kind", "amount", "currency"];
const OPTIONAL: [&str; 4] = ["release_upc", "party_id", "recoupable_percent", "description"];

/// One row of a costs file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostRow {
    pub line: u64,
    pub date: Date,
    pub contract: String,
    pub party: Option<String>,
    pub release: Option<String>,
    pub kind: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub description: String,
}

/// What importing a costs file did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CostsImport {
    pub file: String,
    /// `imported`, or `already_imported` when the same bytes were imported before.
    pub status: &'static str,
    pub rows: u64,
}

/// Reads a costs file; every problem is listed as `file:line:column: column: reason`.
pub fn read_costs(text: &str, file: &str) -> Result<Vec<CostRow>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|name| name.trim().to_lowercase()).collect(),
        Err(error) => return Err(vec![format!("{file}:1:1: the header cannot be read: {error}")]),
    };
    for (index, name) in headers.iter().enumerate() {
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            problems.push(format!("{file}:1:{}: {name}: unknown column; the columns are {}", index + 1, [&REQUIRED[..], &OPTIONAL[..]].concat().join(", ")));
        }
    }
    for name in REQUIRED {
        if !headers.iter().any(|header| header == name) {
            problems.push(format!("{file}:1:1: {name}: the header has no {name} column"));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let column = |name: &str| headers.iter().position(|header| header == name);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                problems.push(format!("{file}:{line}:1: the row cannot be read: {error}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |position| position.line());
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| column(name).and_then(|index| record.get(index)).unwrap_or("").trim();
        let mut problem = |name: &str, reason: String| {
            let at = column(name).map_or(1, |index| index + 1);
            problems.push(format!("{file}:{line}:{at}: {name}: {reason}"));
        };
        let date = Date::parse(cell("date")).map_err(|error| problem("date", error.to_string())).ok();
        let contract = cell("contract_id").to_string();
        if contract.is_empty() {
            problem("contract_id", "empty; name the contract the cost is recorded against".to_string());
        }
        let kind = cell("kind").to_lowercase();
        if kind.is_empty() {
            problem("kind", "empty; write the kind of cost (recording, video, marketing, advance, …)".to_string());
        }
        let amount = Decimal::parse(cell("amount")).map_err(|error| problem("amount", format!("\"{}\" {error}", cell("amount")))).ok();
        let currency = Currency::parse(cell("currency")).map_err(|error| problem("currency", error.to_string())).ok();
        let release = match cell("release_upc") {
            "" => None,
            code => Icpn::parse(code).map(|icpn| icpn.as_str().to_string()).map_err(|error| problem("release_upc", error.to_string())).ok(),
        };
        if let (Some(date), Some(amount), Some(currency), false, false) = (date, amount, currency, contract.is_empty(), kind.is_empty()) {
            if release.is_some() || cell("release_upc").is_empty() {
                rows.push(CostRow {
                    line,
                    date,
                    contract,
                    party: Some(cell("party_id").to_string()).filter(|party| !party.is_empty()),
                    release,
                    kind,
                    amount,
                    currency,
                    description: cell("description").to_string(),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// Stores a costs file whole, or nothing; the same bytes again change nothing.
pub fn import_costs(ledger: &mut Ledger, text: &str, file: &str) -> Result<CostsImport, RunError> {
    let rows = read_costs(text, file).map_err(|problems| RunError::BadFile { problems })?;
    let sha256: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
    let transaction = ledger.connection_mut().transaction()?;
    let known: Option<i64> =
        transaction.query_row("SELECT id FROM cost_imports WHERE content_sha256 = ?1", [&sha256], |row| row.get(0)).optional()?;
    if known.is_some() {
        return Ok(CostsImport { file: file.to_string(), status: "already_imported", rows: rows.len() as u64 });
    }
    transaction.execute(
        "INSERT INTO cost_imports (content_sha256, file_name, rows, imported_at) VALUES (?1, ?2, ?3, ?4)",
        params![sha256, file, rows.len() as i64, utc_timestamp_now()],
    )?;
    let import_id = transaction.last_insert_rowid();
    {
        let mut insert = transaction.prepare(
            "INSERT INTO costs (import_id, line, date, contract_id, party_id, release, kind, amount, currency, description)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for row in &rows {
            insert.execute(params![
                import_id,
                row.line as i64,
                row.date.to_string(),
                row.contract,
                row.party,
                row.release,
                row.kind,
                row.amount.to_string(),
                row.currency.code(),
                row.description
            ])?;
        }
    }
    transaction.commit()?;
    Ok(CostsImport { file: file.to_string(), status: "imported", rows: rows.len() as u64 })
}
