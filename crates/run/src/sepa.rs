//! The SEPA credit transfer file (ISO 20022 pain.001) of what a closed period made payable,
//! with the payees left out and why.
//!
//! Each file written is recorded in the ledger (`sepa_files`) with the next sequence number,
//! which is in its message id: a bank refuses a message id it has seen, so a file written again
//! (the same day, for the same period) must have a new one. `CreDtTm` is when the file was made
//! (UTC, with its offset). Everything else in the file follows from the ledger and the request.

use std::collections::BTreeMap;

use ledgerline_contracts::{contracts_in_force, BankAccount, Bic, Iban};
use ledgerline_model::{Date, Period};
use ledgerline_money::{Decimal, RoundingMode};
use ledgerline_payments::{
    pain_001, plan_transfers, CreditTransferBatch, LeftOut, LeftOutReason, PartyId, PayeeBalance,
};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::params;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::RunError;

/// What the label pays from.
#[derive(Clone, Debug)]
pub struct SepaRequest {
    pub period: Period,
    /// The date the bank is asked to execute the transfers: today (UTC) or later.
    pub execution_date: Date,
    pub debtor_iban: Iban,
    pub debtor_bic: Option<Bic>,
    /// The account holder's name; the label's name when absent.
    pub debtor_name: Option<String>,
}

/// The file and what is in it.
#[derive(Clone, Debug, Serialize)]
pub struct SepaFile {
    #[serde(skip)]
    pub xml: String,
    /// `GrpHdr/MsgId` (also `PmtInfId`): `LL-<period>-<creation day>-<sequence>`.
    pub message_id: String,
    /// The file's number among all SEPA files this ledger has written, from 1.
    pub sequence: i64,
    /// `GrpHdr/CreDtTm`.
    pub created_at: String,
    pub execution_date: String,
    pub transfers: usize,
    pub total: Decimal,
    pub left_out: Vec<LeftOut>,
    /// Files written before for the same period, oldest first.
    pub earlier_files: Vec<EarlierFile>,
}

/// A SEPA file written before for the same period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EarlierFile {
    pub message_id: String,
    pub created_at: String,
    pub execution_date: String,
    pub transfers: i64,
    pub total: String,
}

/// Each party's bank account, from the contracts in force in the month of `date`.
fn bank_accounts(ledger: &Ledger, date: Date) -> Result<BTreeMap<String, BankAccount>, RunError> {
    let mut banks = BTreeMap::new();
    for stored in contracts_in_force(ledger, date.month())? {
        for payee in &stored.contract.payees {
            if let Some(bank) = payee
                .settings
                .as_ref()
                .and_then(|settings| settings.bank.clone())
            {
                banks.entry(payee.party.clone()).or_insert(bank);
            }
        }
    }
    Ok(banks)
}

/// The pain.001 file paying what `request.period` made payable, to every payee with bank
/// details, recorded in the ledger as written now; refused when the period is not closed, the
/// execution date is in the past or nobody can be paid.
pub fn sepa_file(ledger: &Ledger, request: &SepaRequest) -> Result<SepaFile, RunError> {
    sepa_file_with(ledger, request, &utc_timestamp_now(), |_| Ok(()))
}

/// [`sepa_file`] at the time `now` (`2026-11-24T20:39:42Z`, UTC), handing the XML to `write`
/// before the file is recorded: when `write` fails, nothing is recorded.
pub fn sepa_file_with(
    ledger: &Ledger,
    request: &SepaRequest,
    now: &str,
    write: impl FnOnce(&str) -> Result<(), RunError>,
) -> Result<SepaFile, RunError> {
    let period = request.period;
    let settings = crate::settings(ledger)?;
    let today = Date::parse(now.get(..10).unwrap_or(now))
        .map_err(|error| RunError::corrupt("the clock", error))?;
    let created_at = match now.strip_suffix('Z') {
        Some(time) => format!("{time}+00:00"),
        None => now.to_string(),
    };
    let execution = request.execution_date;
    if execution < today {
        return Err(RunError::Refused {
            message: format!("the execution date {execution} is in the past (today is {today}, UTC): a bank executes transfers on a date to come"),
            hint: format!("give today or a later date with --execution-date {today}, or leave it out for today"),
        });
    }
    if !crate::closed_periods(ledger)?.contains(&period) {
        return Err(RunError::Refused {
            message: format!("{period} is not closed"),
            hint: format!("close it first: ledgerline close {period}"),
        });
    }
    let banks = bank_accounts(ledger, execution)?;
    let balances = crate::payables(ledger, period)?;
    let mut candidates = Vec::new();
    for (payee, payable) in &balances {
        let Ok(party_id) = PartyId::parse(payee) else {
            continue;
        };
        candidates.push(PayeeBalance {
            party_id,
            name: payable.name.clone(),
            payable: payable.payable,
            currency: payable.currency,
            bank: banks.get(payee).cloned(),
            remittance_information: format!("Royalties {period} {}", settings.label_name),
        });
    }
    let (transfers, mut left_out) = plan_transfers(&candidates);
    // Nothing to pay, told apart: paid since the statement, or under the minimum payout.
    for left in &mut left_out {
        if left.reason != LeftOutReason::NothingToPay {
            continue;
        }
        let Some(payable) = balances.get(left.party_id.as_str()) else {
            continue;
        };
        if payable.on_statement.is_positive() && payable.paid_since.is_positive() {
            left.reason = LeftOutReason::AlreadyPaid {
                paid: payable.paid_since,
            };
        } else if payable.carried_forward.is_positive() {
            left.reason = LeftOutReason::BelowMinimumPayout {
                carried_forward: payable.carried_forward,
            };
        }
    }
    if transfers.is_empty() {
        return Err(nobody_to_pay(period, &left_out));
    }

    // Through a shared connection: the ledger is not otherwise written while this runs.
    let transaction = ledger.connection().unchecked_transaction()?;
    let sequence: i64 = transaction.query_row(
        "SELECT coalesce(max(sequence), 0) + 1 FROM sepa_files",
        [],
        |row| row.get(0),
    )?;
    let earlier_files = {
        let mut query = transaction.prepare(
            "SELECT message_id, created_at, execution_date, transfers, total FROM sepa_files WHERE period = ?1 ORDER BY sequence",
        )?;
        let rows = query.query_map([period.to_string()], |row| {
            Ok(EarlierFile {
                message_id: row.get(0)?,
                created_at: row.get(1)?,
                execution_date: row.get(2)?,
                transfers: row.get(3)?,
                total: row.get(4)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let message_id = format!(
        "LL-{period}-{}-{sequence:04}",
        today.to_string().replace('-', "")
    );
    let batch = CreditTransferBatch {
        message_id: message_id.clone(),
        creation_date_time: created_at.clone(),
        initiating_party_name: settings.label_name.clone(),
        payment_information_id: message_id.clone(),
        requested_execution_date: execution,
        debtor_name: request
            .debtor_name
            .clone()
            .unwrap_or_else(|| settings.label_name.clone()),
        debtor_iban: request.debtor_iban.clone(),
        debtor_bic: request.debtor_bic.clone(),
        batch_booking: true,
        transfers,
    };
    let total: Decimal = batch.transfers.iter().map(|transfer| transfer.amount).sum();
    let xml = pain_001(&batch).map_err(|error| RunError::Refused {
        message: error.to_string(),
        hint: "correct the payees' bank details in their contracts".to_string(),
    })?;
    let sha256: String = Sha256::digest(xml.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    transaction.execute(
        "INSERT INTO sepa_files (sequence, message_id, period, created_at, execution_date, debtor_iban, transfers, total, content_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            sequence,
            message_id,
            period.to_string(),
            created_at,
            execution.to_string(),
            request.debtor_iban.as_str(),
            batch.transfers.len() as i64,
            total.format_fixed(2, RoundingMode::HalfEven),
            sha256
        ],
    )?;
    write(&xml)?;
    transaction.commit()?;
    Ok(SepaFile {
        xml,
        message_id,
        sequence,
        created_at,
        execution_date: execution.to_string(),
        transfers: batch.transfers.len(),
        total,
        left_out,
        earlier_files,
    })
}

/// The refusal when no payee can be paid: those with something payable by name, the others
/// counted by reason, and a hint that matches the reasons.
fn nobody_to_pay(period: Period, left_out: &[LeftOut]) -> RunError {
    let mut lines = vec![format!(
        "no payee of {period} can be paid by SEPA; nothing was written"
    )];
    let (mut already_paid, mut nothing, mut below_minimum) = (0, 0, 0);
    let mut to_do: Vec<&'static str> = Vec::new();
    for left in left_out {
        match &left.reason {
            LeftOutReason::AlreadyPaid { .. } => already_paid += 1,
            LeftOutReason::NothingToPay => nothing += 1,
            LeftOutReason::BelowMinimumPayout { .. } => below_minimum += 1,
            reason => {
                lines.push(format!(
                    "  {} {}: {} {}: {reason}",
                    left.party_id.as_str(),
                    left.name,
                    left.payable,
                    left.currency
                ));
                if let Some(what) = reason.what_to_do() {
                    if !to_do.contains(&what) {
                        to_do.push(what);
                    }
                }
            }
        }
    }
    let payees = |count: usize| {
        if count == 1 {
            "1 payee".to_string()
        } else {
            format!("{count} payees")
        }
    };
    let mut counted = Vec::new();
    if already_paid > 0 {
        counted.push(format!("{} already paid", payees(already_paid)));
    }
    if below_minimum > 0 {
        counted.push(format!(
            "{} under the minimum payout",
            payees(below_minimum)
        ));
    }
    if nothing > 0 {
        counted.push(format!("{} with nothing payable", payees(nothing)));
    }
    if !counted.is_empty() {
        lines.push(format!("  {}", counted.join(", ")));
    }
    let hint = if !to_do.is_empty() {
        to_do.join("; ")
    } else if left_out.is_empty() {
        format!("nothing to transfer: {period} has no statements")
    } else {
        let mut why = Vec::new();
        if already_paid > 0 {
            why.push("the payments recorded since the statements cover what they made payable");
        }
        if below_minimum > 0 {
            why.push("balances under the minimum payout carry forward until they reach it");
        }
        if nothing > 0 {
            why.push("balances of zero or less carry forward");
        }
        format!("nothing to transfer for {period}: {}", why.join("; "))
    };
    RunError::Refused {
        message: lines.join("\n"),
        hint,
    }
}
