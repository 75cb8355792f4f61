//! Payments made to payees, what is payable to them now, and what is still payable for a SEPA
//! file.
//!
//! A payment is a fact recorded as the label made it; it enters the books in the period its
//! date falls in (the statement of that period shows it and reduces the payable amount).
//!
//! **What is payable to a payee now** is what their last issued statement made payable (the
//! `payable` of its summary: earnings released past recoupment, reserves and the minimum payout,
//! after tax, less the payments that statement already shows), less every payment recorded
//! since that statement was issued or dated after its period. Earnings of a period not yet
//! closed are not payable: recoupment, reserves and the minimum payout are only decided when the
//! period closes. A payee without an issued statement has nothing payable.

use std::collections::BTreeMap;
use std::fmt;

use ledgerline_engine::{FxTable, Statement};
use ledgerline_model::{Date, Month, Period};
use ledgerline_money::{Currency, Decimal, RoundingMode};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::RunError;

/// What recording payments did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentsRecorded {
    pub recorded: u64,
    /// The same payment (payee, date, amount, currency, reference) recorded before.
    pub already_recorded: u64,
    /// The payees the recorded payments paid more than was payable to them, by party id.
    pub overpaid: Vec<Overpayment>,
    /// Recorded payments that could not be compared with what is payable (no exchange rate).
    pub unchecked: Vec<UncheckedPayment>,
}

/// A payee paid more than was payable to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overpayment {
    pub payee: String,
    /// The currency of the payee's statements: `payable`, `paid`, `excess` and `payable_after`
    /// are in it.
    pub currency: Currency,
    /// What was payable before these payments (see the module documentation).
    pub payable: Decimal,
    /// The payments recorded now, converted into `currency` where they were in another one.
    pub paid: Decimal,
    /// The part of `paid` above what was payable: `paid − max(payable, 0)`.
    pub excess: Decimal,
    /// `payable − paid`: negative, recovered from the payee's later earnings.
    pub payable_after: Decimal,
}

/// A recorded payment in another currency than the payee's statements, with no exchange rate
/// for its month: it could not be compared with what is payable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UncheckedPayment {
    pub payee: String,
    pub date: String,
    pub amount: Decimal,
    pub currency: Currency,
    /// The statement currency it needs a rate into.
    pub into: Currency,
}

/// Whether a payment above what is payable is refused or recorded with a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overpaying {
    /// Refuse the payments when any payee would be overpaid (a payment typed by hand).
    Refuse,
    /// Record them and report each overpaid payee (bank records of money already sent, or
    /// `--overpay`).
    Record,
}

/// A payment to record: as read from a payments file or given on the command line.
pub struct NewPayment<'a> {
    pub date: String,
    pub payee: &'a str,
    pub amount: Decimal,
    pub currency: Currency,
    pub reference: &'a str,
    pub period: Option<String>,
    /// Where it comes from: `file:line` for a payments file, [`MANUAL_SOURCE`] for
    /// `payments add`.
    pub source: String,
}

/// The source of a payment typed with `payments add`.
pub const MANUAL_SOURCE: &str = "manual";

/// What is payable to one payee, and where the figure comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payable {
    pub payee: String,
    pub name: String,
    pub currency: Currency,
    /// The closed period of the statement the figure starts from; `None` when the payee has no
    /// issued statement.
    pub statement_period: Option<String>,
    /// What that statement made payable.
    pub on_statement: Decimal,
    /// Positive balances under the minimum payout that statement carried forward.
    pub carried_forward: Decimal,
    /// Payments recorded since that statement was issued or dated after its period, in
    /// `currency`.
    pub paid_since: Decimal,
    /// `on_statement − paid_since`.
    pub payable: Decimal,
}

/// Records payments, all or none. Every payee must be a party in the ledger. With
/// [`Overpaying::Refuse`], payments paying a payee more than is payable to them now are refused
/// (nothing recorded); with [`Overpaying::Record`] they are recorded and listed in
/// [`PaymentsRecorded::overpaid`]. A payment recorded before counts neither way.
pub fn record_payments(
    ledger: &mut Ledger,
    payments: &[NewPayment<'_>],
    overpaying: Overpaying,
) -> Result<PaymentsRecorded, RunError> {
    let rounding = crate::settings(ledger)?.rounding;
    let transaction = ledger.connection_mut().transaction()?;
    let fx = crate::load::fx_table(&transaction)?;
    let mut outcome = PaymentsRecorded {
        recorded: 0,
        already_recorded: 0,
        overpaid: Vec::new(),
        unchecked: Vec::new(),
    };
    let mut problems = Vec::new();
    // Per payee: what was payable before these payments, and what they pay.
    let mut checked: BTreeMap<&str, (Payable, Decimal)> = BTreeMap::new();
    for payment in payments {
        let known: i64 = transaction.query_row(
            "SELECT count(*) FROM parties WHERE id = ?1",
            [payment.payee],
            |row| row.get(0),
        )?;
        if known == 0 {
            problems.push(if payment.source == MANUAL_SOURCE {
                format!(
                    "payments add: --payee {}: no such payee in the ledger",
                    payment.payee
                )
            } else {
                format!(
                    "{}: payee: \"{}\" is not a party in the ledger",
                    payment.source, payment.payee
                )
            });
            continue;
        }
        if !checked.contains_key(payment.payee) {
            let payable = payable_now(&transaction, &fx, payment.payee, rounding)?;
            checked.insert(payment.payee, (payable, Decimal::ZERO));
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
        if inserted != 1 {
            outcome.already_recorded += 1;
            continue;
        }
        outcome.recorded += 1;
        let Some((payable, paid)) = checked.get_mut(payment.payee) else {
            continue;
        };
        let date =
            Date::parse(&payment.date).map_err(|error| RunError::corrupt("payment date", error))?;
        match convert(
            &fx,
            payment.amount,
            payment.currency,
            payable.currency,
            date.month(),
            rounding,
        )? {
            Some(amount) => *paid += amount,
            None => outcome.unchecked.push(UncheckedPayment {
                payee: payment.payee.to_string(),
                date: payment.date.clone(),
                amount: payment.amount,
                currency: payment.currency,
                into: payable.currency,
            }),
        }
    }
    if !problems.is_empty() {
        // Only payees the ledger does not know are problems here.
        return Err(RunError::Refused {
            message: match problems.as_slice() {
                [one] => format!("{one}; nothing was recorded"),
                _ => format!("{}\nnothing of the file was recorded", problems.join("\n")),
            },
            hint: "payee ids are the party ids of the parties file: import the party first (ledgerline catalog import parties.csv) or correct the id".to_string(),
        });
    }
    for (payee, (payable, paid)) in &checked {
        let paid = *paid;
        let excess = paid - payable.payable.max(Decimal::ZERO);
        if excess.is_positive() {
            outcome.overpaid.push(Overpayment {
                payee: payee.to_string(),
                currency: payable.currency,
                payable: payable.payable,
                paid,
                excess,
                payable_after: payable.payable - paid,
            });
        }
    }
    if overpaying == Overpaying::Refuse {
        if let Some(first) = outcome.overpaid.first() {
            let basis = checked.get(first.payee.as_str()).and_then(|(payable, _)| payable.statement_period.as_ref());
            let since = match basis {
                Some(period) => format!(
                    "what the {period} statement made payable, less payments recorded since"
                ),
                None => "nothing until a statement of theirs is issued".to_string(),
            };
            return Err(RunError::Refused {
                message: format!("{}; nothing was recorded", first.refusal()),
                hint: format!(
                    "payable to {} is {since}; check the amount, and if it really was paid, record it with --overpay: the excess is recovered from {}'s later earnings",
                    first.payee, first.payee
                ),
            });
        }
    }
    transaction.commit()?;
    Ok(outcome)
}

/// An amount with the currency's decimals when it has no more, as `100.00 EUR`.
pub fn money(amount: Decimal, currency: Currency) -> String {
    let digits = currency.minor_digits();
    let text = if amount.to_units(digits).is_some() {
        amount.format_fixed(digits, RoundingMode::HalfEven)
    } else {
        amount.to_string()
    };
    format!("{text} {}", currency.code())
}

impl Overpayment {
    /// Why `payments add` refuses the payment.
    pub fn refusal(&self) -> String {
        if self.payable.is_positive() {
            format!(
                "--amount: {} is {} more than the {} payable to {}",
                money(self.paid, self.currency),
                money(self.excess, self.currency),
                money(self.payable, self.currency),
                self.payee
            )
        } else {
            format!(
                "--amount: nothing is payable to {} ({} payable), so all {} would be paid in excess",
                self.payee,
                money(self.payable, self.currency),
                money(self.paid, self.currency)
            )
        }
    }
}

impl fmt::Display for Overpayment {
    /// The warning: who, what was payable, the excess, and that it is recovered later.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.payable.is_positive() {
            write!(
                formatter,
                "{} was paid {}, {} more than the {} payable",
                self.payee,
                money(self.paid, self.currency),
                money(self.excess, self.currency),
                money(self.payable, self.currency)
            )?;
        } else {
            write!(
                formatter,
                "{} was paid {} with nothing payable ({} payable)",
                self.payee,
                money(self.paid, self.currency),
                money(self.payable, self.currency)
            )?;
        }
        write!(
            formatter,
            "; the payable amount becomes {}: the excess is recovered from {}'s later earnings",
            money(self.payable_after, self.currency),
            self.payee
        )
    }
}

impl fmt::Display for UncheckedPayment {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{}: the payment of {} on {} could not be compared with what is payable: no {}/{} rate for {} (ledgerline fx import FILE)",
            self.payee,
            money(self.amount, self.currency),
            self.date,
            self.currency.code(),
            self.into.code(),
            self.date.get(..7).unwrap_or(&self.date)
        )
    }
}

/// The payee's last issued statement (by period end) and when it was issued.
fn last_statement(
    connection: &Connection,
    payee: &str,
) -> Result<Option<(Statement, String)>, RunError> {
    let row: Option<(String, String)> = connection
        .query_row(
            "SELECT statements.content, statements.issued_at FROM statements JOIN periods ON periods.id = statements.period
             WHERE statements.payee_id = ?1 AND periods.status = 'closed'
             ORDER BY periods.last_month DESC, statements.issued_at DESC LIMIT 1",
            [payee],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(content, issued_at)| {
        let statement: Statement = serde_json::from_str(&content)
            .map_err(|error| RunError::corrupt(format!("statement of {payee}"), error))?;
        Ok((statement, issued_at))
    })
    .transpose()
}

/// What is payable to `payee` now (see the module documentation).
pub fn payable_now(
    connection: &Connection,
    fx: &FxTable,
    payee: &str,
    rounding: RoundingMode,
) -> Result<Payable, RunError> {
    match last_statement(connection, payee)? {
        Some((statement, issued_at)) => payable_from(connection, fx, &statement, &issued_at, rounding),
        None => {
            let currency: String = connection
                .query_row(
                    "SELECT value FROM settings WHERE key = 'accounting_currency'",
                    [],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or(RunError::NotInitialised)?;
            let currency = Currency::parse(&currency)
                .map_err(|error| RunError::corrupt("accounting currency", error))?;
            let name: Option<String> = connection
                .query_row("SELECT name FROM parties WHERE id = ?1", [payee], |row| {
                    row.get(0)
                })
                .optional()?;
            let paid_since = paid(connection, fx, payee, None, currency, rounding)?;
            Ok(Payable {
                payee: payee.to_string(),
                name: name.unwrap_or_else(|| payee.to_string()),
                currency,
                statement_period: None,
                on_statement: Decimal::ZERO,
                carried_forward: Decimal::ZERO,
                paid_since,
                payable: -paid_since,
            })
        }
    }
}

/// What `statement` made payable, less the payments it does not show: those dated after its
/// period, and those recorded when or after it was issued.
fn payable_from(
    connection: &Connection,
    fx: &FxTable,
    statement: &Statement,
    issued_at: &str,
    rounding: RoundingMode,
) -> Result<Payable, RunError> {
    let currency = Currency::parse(&statement.currency)
        .map_err(|error| RunError::corrupt("statement currency", error))?;
    let last_day = Month::parse(&statement.last_month)
        .map_err(|error| RunError::corrupt("statement month", error))?
        .last_day();
    let paid_since = paid(
        connection,
        fx,
        &statement.payee,
        Some((last_day, issued_at)),
        currency,
        rounding,
    )?;
    Ok(Payable {
        payee: statement.payee.clone(),
        name: statement.payee_name.clone(),
        currency,
        statement_period: Some(statement.period.clone()),
        on_statement: statement.summary.payable,
        carried_forward: statement.summary.carried_forward,
        paid_since,
        payable: statement.summary.payable - paid_since,
    })
}

/// The payments to `payee` a statement of a period ending `after.0` and issued at `after.1`
/// does not show (all of them without one), in `currency`. A payment in another currency is
/// converted at its month's rate, as the run converts it; without a rate it is refused.
fn paid(
    connection: &Connection,
    fx: &FxTable,
    payee: &str,
    after: Option<(Date, &str)>,
    currency: Currency,
    rounding: RoundingMode,
) -> Result<Decimal, RunError> {
    let (last_day, issued_at) = match after {
        Some((day, issued_at)) => (day.to_string(), issued_at.to_string()),
        None => (String::new(), String::new()),
    };
    let mut query = connection.prepare(
        "SELECT date, amount, currency FROM payments WHERE payee_id = ?1 AND (date > ?2 OR recorded_at >= ?3) ORDER BY id",
    )?;
    let rows: Vec<(String, String, String)> = query
        .query_map(params![payee, last_day, issued_at], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut total = Decimal::ZERO;
    for (day, amount, code) in rows {
        let amount =
            Decimal::parse(&amount).map_err(|error| RunError::corrupt("payment amount", error))?;
        let from =
            Currency::parse(&code).map_err(|error| RunError::corrupt("payment currency", error))?;
        let date = Date::parse(&day).map_err(|error| RunError::corrupt("payment date", error))?;
        let Some(converted) = convert(fx, amount, from, currency, date.month(), rounding)?
        else {
            return Err(RunError::Refused {
                message: format!(
                    "what is payable to {payee} cannot be told: the payment of {} on {day} needs a {}/{} rate for {}",
                    money(amount, from),
                    from.code(),
                    currency.code(),
                    date.month()
                ),
                hint: "import the month's rates with `ledgerline fx import FILE`".to_string(),
            });
        };
        total += converted;
    }
    Ok(total)
}

/// `amount` in `to`, at the month's rate (direct, or the inverse of the reverse rate), as the
/// run converts payments; `None` without a rate.
fn convert(
    fx: &FxTable,
    amount: Decimal,
    from: Currency,
    to: Currency,
    month: Month,
    rounding: RoundingMode,
) -> Result<Option<Decimal>, RunError> {
    if from == to || amount.is_zero() {
        return Ok(Some(amount));
    }
    let Some(rate) = fx.rate(from, to, month, rounding)? else {
        return Ok(None);
    };
    Ok(Some(amount.checked_mul(rate, rounding).ok_or_else(
        || RunError::corrupt("payment amount", "the converted amount overflows"),
    )?))
}

/// What each payee of an issued period is still owed: the payable amount on the statement,
/// less payments the statement does not show (dated after the period, or recorded since it was
/// issued), as (name, amount, currency). Sorted by payee.
pub fn payable_balances(
    ledger: &Ledger,
    period: Period,
) -> Result<BTreeMap<String, (String, Decimal, Currency)>, RunError> {
    Ok(payables(ledger, period)?
        .into_iter()
        .map(|(payee, payable)| (payee, (payable.name, payable.payable, payable.currency)))
        .collect())
}

/// [`payable_balances`] with where each figure comes from. Sorted by payee.
pub fn payables(ledger: &Ledger, period: Period) -> Result<BTreeMap<String, Payable>, RunError> {
    let rounding = crate::settings(ledger)?.rounding;
    let connection = ledger.connection();
    let fx = crate::load::fx_table(connection)?;
    let mut query = connection
        .prepare("SELECT content, issued_at FROM statements WHERE period = ?1 ORDER BY payee_id")?;
    let rows: Vec<(String, String)> = query
        .query_map([period.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut balances = BTreeMap::new();
    for (content, issued_at) in rows {
        let statement: Statement = serde_json::from_str(&content)
            .map_err(|error| RunError::corrupt(format!("statement of {period}"), error))?;
        let payable = payable_from(connection, &fx, &statement, &issued_at, rounding)?;
        balances.insert(statement.payee.clone(), payable);
    }
    Ok(balances)
}
