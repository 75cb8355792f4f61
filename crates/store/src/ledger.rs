//! Double-entry postings and the trial balance.
//!
//! Sign convention: a posting's amount is positive for a debit and negative for a credit, so a
//! transaction balances when its postings sum to zero in every currency. [`Ledger::post`]
//! refuses a transaction that does not balance before anything is written, and
//! [`Ledger::trial_balance`] re-verifies the whole ledger from the stored rows.

use std::collections::BTreeMap;

use ledgerline_money::{Currency, Decimal, Money};
use rusqlite::params;

use crate::clock::utc_timestamp_now;
use crate::error::StoreError;
use crate::Ledger;

/// The id of a stored ledger transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct TransactionId(pub i64);

/// One leg of a transaction: an account and a signed amount (debit positive, credit negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPosting {
    pub account: String,
    pub amount: Money,
    pub memo: Option<String>,
}

/// A balanced set of postings to be recorded together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTransaction {
    /// The accounting period the transaction belongs to (`2026-H1`), if any.
    pub period: Option<String>,
    /// What produced it: `royalty-run`, `payment`, `cost`, `adjustment`, …
    pub kind: String,
    pub description: String,
    pub postings: Vec<NewPosting>,
}

impl NewTransaction {
    /// Checks that the postings sum to zero in every currency.
    pub fn check_balanced(&self) -> Result<(), StoreError> {
        if self.postings.is_empty() {
            return Err(StoreError::EmptyTransaction { description: self.description.clone() });
        }
        let mut sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
        for posting in &self.postings {
            *sums.entry(posting.amount.currency).or_default() += posting.amount.amount;
        }
        match sums.into_iter().find(|(_, sum)| !sum.is_zero()) {
            Some((currency, sum)) => Err(StoreError::Unbalanced {
                description: self.description.clone(),
                currency,
                sum: sum.to_string(),
            }),
            None => Ok(()),
        }
    }
}

/// Debits and credits of one currency across the ledger.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CurrencyBalance {
    pub currency: Currency,
    pub debits: Decimal,
    pub credits: Decimal,
}

/// The result of re-adding every stored posting.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TrialBalance {
    pub transactions: u64,
    pub postings: u64,
    pub currencies: Vec<CurrencyBalance>,
    /// Transactions whose postings do not sum to zero in some currency: (id, currency, sum).
    pub unbalanced_transactions: Vec<(TransactionId, Currency, Decimal)>,
}

impl TrialBalance {
    pub fn is_balanced(&self) -> bool {
        self.unbalanced_transactions.is_empty()
            && self.currencies.iter().all(|balance| balance.debits == balance.credits)
    }
}

impl Ledger {
    /// Records a balanced transaction atomically; an unbalanced one is refused and nothing is
    /// written.
    pub fn post(&mut self, transaction: &NewTransaction) -> Result<TransactionId, StoreError> {
        let database_transaction = self.connection_mut().transaction()?;
        let id = post_within(&database_transaction, transaction)?;
        database_transaction.commit()?;
        Ok(id)
    }

    /// Re-adds every stored posting: per currency, and per transaction.
    pub fn trial_balance(&self) -> Result<TrialBalance, StoreError> {
        let connection = self.connection();
        let transactions: i64 = connection.query_row("SELECT count(*) FROM ledger_transactions", [], |row| row.get(0))?;
        let mut statement =
            connection.prepare("SELECT id, transaction_id, currency, amount FROM postings ORDER BY transaction_id, id")?;
        let mut rows = statement.query([])?;
        let mut totals: BTreeMap<Currency, (Decimal, Decimal)> = BTreeMap::new();
        let mut unbalanced = Vec::new();
        let mut postings: u64 = 0;
        let mut current: Option<(i64, BTreeMap<Currency, Decimal>)> = None;
        let finish = |(id, sums): (i64, BTreeMap<Currency, Decimal>), unbalanced: &mut Vec<_>| {
            for (currency, sum) in sums {
                if !sum.is_zero() {
                    unbalanced.push((TransactionId(id), currency, sum));
                }
            }
        };
        while let Some(row) = rows.next()? {
            let posting_id: i64 = row.get(0)?;
            let transaction_id: i64 = row.get(1)?;
            let currency_text: String = row.get(2)?;
            let amount_text: String = row.get(3)?;
            let currency = Currency::parse(&currency_text)
                .map_err(|_| StoreError::CorruptCurrency { posting_id, value: currency_text.clone() })?;
            let amount = Decimal::parse(&amount_text).map_err(|error| StoreError::CorruptAmount {
                posting_id,
                value: amount_text.clone(),
                reason: error.to_string(),
            })?;
            postings += 1;
            let entry = totals.entry(currency).or_default();
            if amount.is_negative() {
                entry.1 += -amount;
            } else {
                entry.0 += amount;
            }
            if current.as_ref().is_some_and(|(id, _)| *id != transaction_id) {
                if let Some(done) = current.take() {
                    finish(done, &mut unbalanced);
                }
            }
            *current.get_or_insert_with(|| (transaction_id, BTreeMap::new())).1.entry(currency).or_default() += amount;
        }
        if let Some(done) = current.take() {
            finish(done, &mut unbalanced);
        }
        Ok(TrialBalance {
            transactions: transactions as u64,
            postings,
            currencies: totals
                .into_iter()
                .map(|(currency, (debits, credits))| CurrencyBalance { currency, debits, credits })
                .collect(),
            unbalanced_transactions: unbalanced,
        })
    }
}

/// Inserts a balanced transaction inside a database transaction the caller controls, so that a
/// royalty run can post many transactions and commit them all or none.
pub fn post_within(
    database_transaction: &rusqlite::Transaction<'_>,
    transaction: &NewTransaction,
) -> Result<TransactionId, StoreError> {
    transaction.check_balanced()?;
    database_transaction.execute(
        "INSERT INTO ledger_transactions (period, kind, description, posted_at) VALUES (?1, ?2, ?3, ?4)",
        params![transaction.period, transaction.kind, transaction.description, utc_timestamp_now()],
    )?;
    let id = database_transaction.last_insert_rowid();
    let mut insert = database_transaction
        .prepare_cached("INSERT INTO postings (transaction_id, account, currency, amount, memo) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for posting in &transaction.postings {
        insert.execute(params![
            id,
            posting.account,
            posting.amount.currency.code(),
            posting.amount.amount.to_string(),
            posting.memo
        ])?;
    }
    Ok(TransactionId(id))
}
