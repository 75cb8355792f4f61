//! The SEPA credit transfer file (ISO 20022 pain.001) of what a closed period made payable,
//! with the payees left out and why.

use std::collections::BTreeMap;

use ledgerline_contracts::{contracts_in_force, BankAccount, Bic, Iban};
use ledgerline_model::{Date, Period};
use ledgerline_money::Decimal;
use ledgerline_payments::{
    pain_001, plan_transfers, CreditTransferBatch, LeftOut, PartyId, PayeeBalance,
};
use ledgerline_store::Ledger;
use serde::Serialize;

use crate::error::RunError;

/// What the label pays from.
#[derive(Clone, Debug)]
pub struct SepaRequest {
    pub period: Period,
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
    pub transfers: usize,
    pub total: Decimal,
    pub left_out: Vec<LeftOut>,
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
/// details; refused when the period is not closed or nobody can be paid.
pub fn sepa_file(ledger: &Ledger, request: &SepaRequest) -> Result<SepaFile, RunError> {
    let period = request.period;
    let settings = crate::settings(ledger)?;
    if !crate::closed_periods(ledger)?.contains(&period) {
        return Err(RunError::Refused {
            message: format!("{period} is not closed"),
            hint: format!("close it first: ledgerline close {period}"),
        });
    }
    let banks = bank_accounts(ledger, request.execution_date)?;
    let balances = crate::payable_balances(ledger, period)?;
    let mut candidates = Vec::new();
    for (payee, (name, payable, currency)) in balances {
        let Ok(party_id) = PartyId::parse(&payee) else {
            continue;
        };
        candidates.push(PayeeBalance {
            party_id,
            name,
            payable,
            currency,
            bank: banks.get(&payee).cloned(),
            remittance_information: format!("Royalties {period} {}", settings.label_name),
        });
    }
    let (transfers, left_out) = plan_transfers(&candidates);
    if transfers.is_empty() {
        let reasons: Vec<String> = left_out
            .iter()
            .filter(|left| left.payable.is_positive())
            .map(|left| {
                format!(
                    "  {} {}: {} {}: {}",
                    left.party_id.as_str(),
                    left.name,
                    left.payable,
                    left.currency,
                    left.reason
                )
            })
            .collect();
        return Err(RunError::Refused {
            message: format!("no payee of {period} can be paid by SEPA; nothing was written\n{}", reasons.join("\n")),
            hint: "give payees bank details in their contracts ([payees.settings.bank], docs/contracts.md)".to_string(),
        });
    }
    let execution = request.execution_date;
    let identifier = format!("LL-{}-{}", period, execution.to_string().replace('-', ""));
    let batch = CreditTransferBatch {
        message_id: identifier.clone(),
        creation_date_time: format!("{execution}T00:00:00"),
        initiating_party_name: settings.label_name.clone(),
        payment_information_id: identifier,
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
    Ok(SepaFile {
        xml,
        transfers: batch.transfers.len(),
        total,
        left_out,
    })
}
