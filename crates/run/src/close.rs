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
use rusqlite::{params, OptionalExtension};

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

/// Member states of the European Union (ISO 3166 alpha-2), for the reverse-charge mention.
const EU_MEMBER_STATES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL",
    "PL", "PT", "RO", "SE", "SI", "SK",
];

/// The label as a self-billing invoice names it (settings `label_name`, `label_vat_number`,
/// `label_country`).
pub struct LabelIdentity {
    name: String,
    vat_number: Option<String>,
    country: Option<String>,
}

impl LabelIdentity {
    fn load(connection: &rusqlite::Connection) -> Result<LabelIdentity, RunError> {
        let setting = |key: &str| -> Result<Option<String>, RunError> {
            let value: Option<String> =
                connection.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0)).optional()?;
            Ok(value.filter(|value| !value.is_empty()))
        };
        Ok(LabelIdentity {
            name: setting("label_name")?.unwrap_or_default(),
            vat_number: setting("label_vat_number")?,
            country: setting("label_country")?,
        })
    }
}

/// The self-billing invoice of a statement, numbered next in the ledger's sequence: for a
/// VAT-registered payee who agreed to self-billing and to whom something became payable.
fn invoice_for(
    connection: &rusqlite::Connection,
    statement: &ledgerline_engine::Statement,
    label: &LabelIdentity,
    period: &str,
    closed_at: &str,
) -> Result<Option<ledgerline_engine::Invoice>, RunError> {
    let Some(tax) = statement.tax.as_ref().filter(|tax| tax.self_billing && tax.taxable.is_positive()) else { return Ok(None) };
    let Some(vat_number) = tax.vat_number.clone() else { return Ok(None) };
    let number: i64 = connection.query_row("SELECT coalesce(max(number), 0) + 1 FROM self_billing_invoices", [], |row| row.get(0))?;
    connection.execute(
        "INSERT INTO self_billing_invoices (number, payee_id, period, issued_at) VALUES (?1, ?2, ?3, ?4)",
        params![number, statement.payee, period, closed_at],
    )?;
    let summary = &statement.summary;
    let in_eu = |country: &Option<String>| country.as_deref().is_some_and(|code| EU_MEMBER_STATES.contains(&code));
    let reverse_charge = tax.vat_rate.is_zero() && in_eu(&tax.country) && in_eu(&label.country) && tax.country != label.country;
    let total = tax.taxable + summary.vat;
    Ok(Some(ledgerline_engine::Invoice {
        number: format!("SB-{number:06}"),
        date: closed_at.get(..10).unwrap_or(closed_at).to_string(),
        label_name: label.name.clone(),
        label_vat_number: label.vat_number.clone(),
        label_country: label.country.clone(),
        payee_name: statement.payee_name.clone(),
        payee_vat_number: vat_number,
        payee_country: tax.country.clone(),
        net: tax.taxable,
        vat_rate: tax.vat_rate,
        vat: summary.vat,
        withholding_tax_rate: tax.withholding_tax_rate,
        withholding_tax: summary.withholding_tax,
        total,
        to_pay: total - summary.withholding_tax,
        reverse_charge,
    }))
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
    let label = LabelIdentity::load(&transaction)?;
    for statement in &period.statements {
        let mut statement = statement.clone();
        statement.invoice = invoice_for(&transaction, &statement, &label, &name, &closed_at)?;
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
