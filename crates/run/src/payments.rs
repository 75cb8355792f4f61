//! Payments made to payees, and what is still payable for a SEPA file.
//!
//! A payment is a fact recorded as the label made it; it enters the books in the period its
//! date falls in (the statement of that period shows it and reduces the payable amount).

use std::collections::BTreeMap;

use ledgerline_model::Period;
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::params;

use crate::error::RunError;
use crate::load::issued_statements;

/// What recording payments did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PaymentsRecorded {
    pub recorded: u64,
    /// The same payment (payee, date, amount, currency, reference) recorded before.
    pub already_recorded: u64,
}

/// A payment to record: as read from a payments file or given on the command line.
pub struct NewPayment<'a> {
    pub date: String,
    pub payee: &'a str,
    pub amount: Decimal,
    pub currency: Currency,
    pub reference: &'a str,
    pub period: Option<String>,
    pub source: String,
}

/// Records payments, all or none. Every payee must be a party in the ledger.
pub fn record_payments(ledger: &mut Ledger, payments: &[NewPayment<'_>]) -> Result<PaymentsRecorded, RunError> {
    let transaction = ledger.connection_mut().transaction()?;
    let mut outcome = PaymentsRecorded { recorded: 0, already_recorded: 0 };
    let mut problems = Vec::new();
    for payment in payments {
        let known: i64 = transaction.query_row("SELECT count(*) FROM parties WHERE id = ?1", [payment.payee], |row| row.get(0))?;
        if known == 0 {
            problems.push(format!("{}: payee: \"{}\" is not a party in the ledger", payment.source, payment.payee));
            continue;
        }
        let inserted = transaction.execute(
            "INSERT OR IGNORE INTO payments (date, payee_id, amount, currency, reference, period, source, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                payment.date,
                payment.payee,
                payment.amount.to_string(),
                payment.currency.code(),
                payment.reference,
                payment.period,
                payment.source,
                utc_timestamp_now()
            ],
        )?;
        if inserted == 1 {
            outcome.recorded += 1;
        } else {
            outcome.already_recorded += 1;
        }
    }
    if !problems.is_empty() {
        return Err(RunError::BadFile { problems });
    }
    transaction.commit()?;
    Ok(outcome)
}

/// What each payee of an issued period is still owed: the payable amount on the statement,
/// less payments recorded since the period ended. Sorted by payee.
pub fn payable_balances(ledger: &Ledger, period: Period) -> Result<BTreeMap<String, (String, Decimal, Currency)>, RunError> {
    let mut balances = BTreeMap::new();
    let last_day = period.last_day().to_string();
    for (_, statement) in issued_statements(ledger, Some(&period.to_string()))? {
        let currency = Currency::parse(&statement.currency).map_err(|error| RunError::corrupt("statement currency", error))?;
        let mut statement_paid = ledger
            .connection()
            .prepare("SELECT amount FROM payments WHERE payee_id = ?1 AND currency = ?2 AND date > ?3")?;
        let paid: Vec<String> =
            statement_paid.query_map(params![statement.payee, currency.code(), last_day], |row| row.get(0))?.collect::<Result<_, _>>()?;
        let mut owed = statement.summary.payable;
        for amount in paid {
            owed -= Decimal::parse(&amount).map_err(|error| RunError::corrupt("payment amount", error))?;
        }
        balances.insert(statement.payee.clone(), (statement.payee_name.clone(), owed, currency));
    }
    Ok(balances)
}
