//! Closing a period: the ledger is brought to what the run computed, the statements are issued
//! with their hashes, and the period is closed, in one database transaction.
//!
//! The postings of a close are the difference between the account balances the run computes
//! through the period (from every fact since the beginning) and the balances the ledger holds.
//! For a first close that is the whole period; later, the same difference carries both the new
//! period and the adjustments for earlier ones, so the ledger always equals the recomputed books.

use std::collections::BTreeMap;

use ledgerline_engine::{PeriodResult, RunResult};
use ledgerline_money::{Currency, Decimal, Money};
use ledgerline_store::{post_within, utc_timestamp_now, Ledger, NewPosting, NewTransaction};
use rusqlite::params;

use crate::error::RunError;

/// What a close did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Closed {
    pub period: String,
    pub statements: Vec<IssuedStatement>,
    /// Postings made, by account (debit positive).
    pub postings: BTreeMap<String, Decimal>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct IssuedStatement {
    pub payee: String,
    pub sha256: String,
    pub payable: Decimal,
}

/// The label's accounts; payees' are `payee/<id>/<kind>/<name>`.
pub const RECEIPTS: &str = "label/receipts";
pub const SUSPENSE: &str = "label/suspense";
pub const LABEL_SHARE: &str = "label/share";
pub const COSTS_RECOUPED: &str = "label/costs-recouped";
pub const VAT_RECOVERABLE: &str = "tax/vat-recoverable";
pub const WITHHOLDING: &str = "tax/withholding";
pub const PAID: &str = "cash/payments";

/// Every account's balance as the run computes it at the end of its last period (debit
/// positive): what the ledger must hold once the period is closed.
pub fn computed_balances(result: &RunResult) -> BTreeMap<String, Decimal> {
    let mut balances: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut add = |account: &str, amount: Decimal| *balances.entry(account.to_string()).or_default() += amount;
    for period in &result.periods {
        let figures = &period.conservation;
        add(RECEIPTS, figures.net_receipts);
        add(SUSPENSE, -figures.suspense);
        add(LABEL_SHARE, -figures.label_share);
        for statement in &period.statements {
            let summary = &statement.summary;
            add(COSTS_RECOUPED, -summary.charges);
            add(VAT_RECOVERABLE, summary.vat);
            add(WITHHOLDING, -summary.withholding_tax);
            add(PAID, -summary.payments);
        }
    }
    if let Some(last) = result.periods.last() {
        for statement in &last.statements {
            for line in &statement.accounts {
                add(&format!("payee/{}/{}/{}", statement.payee, line.kind, line.name), -line.balance);
            }
        }
    }
    balances.retain(|_, amount| !amount.is_zero());
    balances
}

/// Every account's balance in the ledger, in one currency.
fn ledger_balances(connection: &rusqlite::Connection, currency: Currency) -> Result<BTreeMap<String, Decimal>, RunError> {
    let mut statement = connection.prepare("SELECT account, amount FROM postings WHERE currency = ?1")?;
    let mut balances: BTreeMap<String, Decimal> = BTreeMap::new();
    for row in statement.query_map([currency.code()], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))? {
        let (account, amount) = row?;
        let amount = Decimal::parse(&amount).map_err(|error| RunError::corrupt(format!("posting to {account}"), error))?;
        *balances.entry(account).or_default() += amount;
    }
    Ok(balances)
}

/// Issues the last period of `result`: postings, statements, closed period, all or nothing.
pub fn close(ledger: &mut Ledger, result: &RunResult) -> Result<Closed, RunError> {
    let period: &PeriodResult = result.periods.last().ok_or(ledgerline_engine::EngineError::NoPeriods)?;
    let currency = period.conservation.currency;
    let name = period.period.to_string();
    let transaction = ledger.connection_mut().transaction()?;
    let target = computed_balances(result);
    let current = ledger_balances(&transaction, currency)?;
    let mut postings: BTreeMap<String, Decimal> = BTreeMap::new();
    for account in target.keys().chain(current.keys()) {
        let difference = target.get(account).copied().unwrap_or_default() - current.get(account).copied().unwrap_or_default();
        if !difference.is_zero() {
            postings.insert(account.clone(), difference);
        }
    }
    if !postings.is_empty() {
        let entry = NewTransaction {
            period: Some(name.clone()),
            kind: "royalty-run".to_string(),
            description: format!("close {name}: receipts, earnings, recoupment, reserves, transfers, tax and payments"),
            postings: postings
                .iter()
                .map(|(account, amount)| NewPosting { account: account.clone(), amount: Money::new(*amount, currency), memo: None })
                .collect(),
        };
        post_within(&transaction, &entry)?;
    }
    let closed_at = utc_timestamp_now();
    transaction.execute(
        "INSERT INTO periods (id, first_month, last_month, status, closed_at) VALUES (?1, ?2, ?3, 'closed', ?4)",
        params![name, period.first_month.to_string(), period.last_month.to_string(), closed_at],
    )?;
    let figures = &period.conservation;
    transaction.execute(
        "INSERT INTO period_figures (period, currency, net_receipts, payee_credits, label_share, rounding, suspense)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            name,
            currency.code(),
            figures.net_receipts.to_string(),
            figures.payee_credits.to_string(),
            figures.label_share.to_string(),
            figures.rounding.to_string(),
            figures.suspense.to_string()
        ],
    )?;
    let mut issued = Vec::new();
    for statement in &period.statements {
        let sha256 = statement.sha256();
        transaction.execute(
            "INSERT OR IGNORE INTO parties (id, name, kind) VALUES (?1, ?2, 'payee')",
            params![statement.payee, statement.payee_name],
        )?;
        transaction.execute(
            "INSERT INTO statements (payee_id, period, currency, content, content_sha256, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![statement.payee, name, statement.currency, statement.canonical_json(), sha256, closed_at],
        )?;
        issued.push(IssuedStatement { payee: statement.payee.clone(), sha256, payable: statement.summary.payable });
    }
    transaction.commit()?;
    Ok(Closed { period: name, statements: issued, postings })
}
