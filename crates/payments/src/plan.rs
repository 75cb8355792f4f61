//! Who can be paid by SEPA credit transfer, and who is left out and why.

use std::collections::BTreeMap;
use std::fmt;

use ledgerline_contracts::BankAccount;
use ledgerline_money::{Currency, Decimal};
use serde::Serialize;

use crate::countries::{sepa_area, SepaArea};
use crate::pain001::{CreditTransfer, MAXIMUM_TRANSFER_CENTS};
use crate::payments_file::PartyId;
use crate::sepa_text::{identifier_problem, to_sepa_text, MAXIMUM_NAME_LENGTH};

/// A payee with what the label owes them, as the caller found it in the ledger and contracts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayeeBalance {
    pub party_id: PartyId,
    /// The payee's name; the account holder of `bank`, when given, is used instead.
    pub name: String,
    /// What the label owes the payee (negative when the payee owes the label).
    pub payable: Decimal,
    pub currency: Currency,
    pub bank: Option<BankAccount>,
    /// The text the payee sees on their bank statement, such as "Royalties 2026-H1".
    pub remittance_information: String,
}

/// A payee who gets no transfer in this run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    pub party_id: PartyId,
    pub name: String,
    pub payable: Decimal,
    pub currency: Currency,
    pub reason: LeftOutReason,
}

/// Why a payee gets no SEPA transfer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum LeftOutReason {
    /// The balance is zero or negative.
    NothingToPay,
    /// The statement made an amount payable, and the payments recorded since cover it. Set by
    /// the caller, which knows the payments; [`plan_transfers`] says [`LeftOutReason::NothingToPay`].
    AlreadyPaid { paid: Decimal },
    /// Nothing is payable because the balance is under the minimum payout: it is carried forward
    /// to a later period. Set by the caller, which knows the statement.
    BelowMinimumPayout { carried_forward: Decimal },
    /// SEPA transfers are in euros only.
    CurrencyNotEur { currency: Currency },
    /// No IBAN on file.
    NoBankDetails,
    /// The IBAN's country is not in the SEPA scheme.
    IbanOutsideSepa { country: String },
    /// Banks in SEPA countries outside the EEA (CH, GB, ...) need the beneficiary bank's BIC.
    BicNeededOutsideEea { country: String },
    /// The balance has fractions of a cent: it must be rounded (a named rounding) before paying.
    NotWholeCents,
    /// Above the SEPA maximum of one transfer.
    AboveSepaMaximum,
    /// Neither the name nor the account holder has a letter or digit a SEPA file can carry.
    NoUsableName,
    /// The same party appears more than once among the candidates.
    ListedMoreThanOnce { times: usize },
}

impl fmt::Display for LeftOutReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeftOutReason::NothingToPay => formatter.write_str("nothing to pay: the balance is not above zero"),
            LeftOutReason::AlreadyPaid { paid } => {
                write!(formatter, "already paid: the payments recorded since the statement ({paid}) cover what it made payable")
            }
            LeftOutReason::BelowMinimumPayout { carried_forward } => write!(
                formatter,
                "under the minimum payout: {carried_forward} is carried forward until the balance reaches it"
            ),
            LeftOutReason::CurrencyNotEur { currency } => {
                write!(formatter, "the balance is in {currency}; a SEPA credit transfer is in EUR only")
            }
            LeftOutReason::NoBankDetails => {
                formatter.write_str("no bank details: add the payee's IBAN (and BIC) to their contract")
            }
            LeftOutReason::IbanOutsideSepa { country } => write!(
                formatter,
                "the IBAN is from {country}, which is not in the SEPA scheme; pay by international transfer"
            ),
            LeftOutReason::BicNeededOutsideEea { country } => write!(
                formatter,
                "the IBAN is from {country}, a SEPA country outside the EEA, where the bank's BIC is required; add the BIC to the contract"
            ),
            LeftOutReason::NotWholeCents => {
                formatter.write_str("the balance has fractions of a cent; round it to cents before paying")
            }
            LeftOutReason::AboveSepaMaximum => {
                formatter.write_str("the balance is above 999999999.99, the most one SEPA transfer can carry")
            }
            LeftOutReason::NoUsableName => {
                formatter.write_str("the name has no letter or digit that a SEPA file can carry; add a Latin-script account holder name")
            }
            LeftOutReason::ListedMoreThanOnce { times } => {
                write!(formatter, "the payee has {times} balances in this run; combine them into one")
            }
        }
    }
}

impl LeftOutReason {
    /// What the label can do to get such a payee paid, for a hint; `None` when there is nothing
    /// to do (nothing payable, already paid, under the minimum payout).
    pub fn what_to_do(&self) -> Option<&'static str> {
        match self {
            LeftOutReason::NothingToPay | LeftOutReason::AlreadyPaid { .. } | LeftOutReason::BelowMinimumPayout { .. } => None,
            LeftOutReason::CurrencyNotEur { .. } => Some("pay balances in other currencies than EUR by another kind of transfer"),
            LeftOutReason::NoBankDetails => {
                Some("give payees bank details in their contracts ([payees.settings.bank], docs/contracts.md)")
            }
            LeftOutReason::IbanOutsideSepa { .. } => Some("pay payees whose IBAN is outside the SEPA scheme by international transfer"),
            LeftOutReason::BicNeededOutsideEea { .. } => {
                Some("add the bank's BIC to the contracts of payees banking in a SEPA country outside the EEA")
            }
            LeftOutReason::NotWholeCents => Some("round balances with fractions of a cent to cents before paying"),
            LeftOutReason::AboveSepaMaximum => Some("split balances above 999999999.99 into several payments"),
            LeftOutReason::NoUsableName => Some("add a Latin-script account holder name to the payee's bank details"),
            LeftOutReason::ListedMoreThanOnce { .. } => Some("combine each payee's balances into one"),
        }
    }
}

/// Splits the candidates into transfers and payees left out, each sorted by party id.
///
/// A payee is paid when the balance is positive, in EUR, in whole cents and at most
/// 999999999.99, and the bank account has an IBAN from a SEPA country (with a BIC when that
/// country is outside the EEA). The transfer's end-to-end id is [`end_to_end_id_for`] the party;
/// a caller that wants the period in it sets its own.
pub fn plan_transfers(candidates: &[PayeeBalance]) -> (Vec<CreditTransfer>, Vec<LeftOut>) {
    let mut by_party: BTreeMap<&PartyId, Vec<&PayeeBalance>> = BTreeMap::new();
    for candidate in candidates {
        by_party.entry(&candidate.party_id).or_default().push(candidate);
    }
    let mut transfers = Vec::new();
    let mut left_out = Vec::new();
    for (_, balances) in by_party {
        let times = balances.len();
        for candidate in balances {
            let leave_out = |reason: LeftOutReason| LeftOut {
                party_id: candidate.party_id.clone(),
                name: candidate.name.clone(),
                payable: candidate.payable,
                currency: candidate.currency,
                reason,
            };
            if times > 1 {
                left_out.push(leave_out(LeftOutReason::ListedMoreThanOnce { times }));
                continue;
            }
            match transfer_for(candidate) {
                Ok(transfer) => transfers.push(transfer),
                Err(reason) => left_out.push(leave_out(reason)),
            }
        }
    }
    (transfers, left_out)
}

fn transfer_for(candidate: &PayeeBalance) -> Result<CreditTransfer, LeftOutReason> {
    if !candidate.payable.is_positive() {
        return Err(LeftOutReason::NothingToPay);
    }
    if candidate.currency != Currency::EUR {
        return Err(LeftOutReason::CurrencyNotEur { currency: candidate.currency });
    }
    let Some(bank) = &candidate.bank else {
        return Err(LeftOutReason::NoBankDetails);
    };
    let country = bank.iban.as_str().get(0..2).unwrap_or("").to_string();
    match sepa_area(&country) {
        None => return Err(LeftOutReason::IbanOutsideSepa { country }),
        Some(SepaArea::OutsideEuropeanEconomicArea) if bank.bic.is_none() => {
            return Err(LeftOutReason::BicNeededOutsideEea { country })
        }
        Some(_) => {}
    }
    let Some(cents) = candidate.payable.to_units(2) else {
        return Err(LeftOutReason::NotWholeCents);
    };
    if cents > MAXIMUM_TRANSFER_CENTS {
        return Err(LeftOutReason::AboveSepaMaximum);
    }
    let creditor_name = bank.account_holder.clone().filter(|holder| !holder.trim().is_empty()).unwrap_or_else(|| candidate.name.clone());
    if to_sepa_text(&creditor_name, MAXIMUM_NAME_LENGTH).is_empty() {
        return Err(LeftOutReason::NoUsableName);
    }
    Ok(CreditTransfer {
        party_id: candidate.party_id.clone(),
        end_to_end_id: end_to_end_id_for(&candidate.party_id),
        creditor_name,
        iban: bank.iban.clone(),
        bic: bank.bic.clone(),
        amount: candidate.payable,
        currency: candidate.currency,
        remittance_information: candidate.remittance_information.clone(),
    })
}

/// A SEPA end-to-end id for a party: the party id itself when it is one (at most 35 characters,
/// no `_`), otherwise its first 26 characters with `_` as `-`, a `-` and 8 hexadecimal digits of
/// a hash of the whole id, so that different parties keep different ids.
pub fn end_to_end_id_for(party_id: &PartyId) -> String {
    let text = party_id.as_str();
    if identifier_problem(text).is_none() {
        return text.to_string();
    }
    let readable: String = text.chars().take(26).map(|character| if character == '_' { '-' } else { character }).collect();
    format!("{readable}-{:08x}", fnv1a_32(text.as_bytes()))
}

/// 32-bit FNV-1a: a fixed, documented hash, so the same party gets the same id on every run and
/// every platform (unlike `std`'s randomly seeded hasher).
fn fnv1a_32(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in bytes {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_published_test_vectors() {
        assert_eq!(fnv1a_32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a_32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a_32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn end_to_end_ids_are_sepa_identifiers_and_stay_distinct() {
        let id = |text: &str| end_to_end_id_for(&PartyId::parse(text).unwrap());
        assert_eq!(id("P-001"), "P-001");
        let underscored = id("P_001");
        assert!(underscored.starts_with("P-001-") && underscored.len() == 14, "{underscored}");
        assert_ne!(underscored, id("P-001"));
        let long = id(&"a".repeat(64));
        assert_eq!(long.len(), 35);
        assert_eq!(identifier_problem(&long), None);
        assert_ne!(long, id(&format!("{}b", "a".repeat(63))));
    }
}
