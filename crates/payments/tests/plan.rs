//! Who is paid and who is left out, and why; and that a plan makes a valid file.

use ledgerline_contracts::{BankAccount, Bic, Iban};
use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal};
use ledgerline_payments::{
    pain_001, plan_transfers, CreditTransferBatch, LeftOutReason, PartyId, PayeeBalance,
};

fn bank(iban: &str, bic: Option<&str>) -> Option<BankAccount> {
    Some(BankAccount {
        account_holder: None,
        iban: Iban::parse(iban).unwrap_or_else(|error| panic!("{error}")),
        bic: bic.map(|code| Bic::parse(code).unwrap()),
    })
}

fn balance(party: &str, payable: &str, currency: Currency, bank: Option<BankAccount>) -> PayeeBalance {
    PayeeBalance {
        party_id: PartyId::parse(party).unwrap(),
        name: format!("Name of {party}"),
        payable: Decimal::parse(payable).unwrap(),
        currency,
        bank,
        remittance_information: "Royalties 2026-H1".to_string(),
    }
}

const NL: &str = "NL91ABNA0417164300";

#[test]
fn each_payee_is_paid_or_left_out_with_its_reason_sorted_by_party() {
    let mut holder_named = balance("A_named", "10.00", Currency::EUR, bank("DE89370400440532013000", None));
    if let Some(account) = &mut holder_named.bank {
        account.account_holder = Some("Müller GbR".to_string());
    }
    let candidates = vec![
        balance("Z-paid", "99.99", Currency::EUR, bank(NL, Some("ABNANL2A"))),
        balance("K-zero", "0", Currency::EUR, bank(NL, None)),
        balance("K-negative", "-12.50", Currency::EUR, bank(NL, None)),
        balance("L-dollars", "50.00", Currency::USD, bank(NL, None)),
        balance("M-no-bank", "50.00", Currency::EUR, None),
        balance("N-turkey", "50.00", Currency::EUR, bank("TR330006100519786457841326", None)),
        balance("O-swiss-no-bic", "50.00", Currency::EUR, bank("CH9300762011623852957", None)),
        balance("O-swiss-bic", "50.00", Currency::EUR, bank("CH9300762011623852957", Some("UBSWCHZH80A"))),
        balance("P-fraction", "50.005", Currency::EUR, bank(NL, None)),
        balance("Q-huge", "1000000000", Currency::EUR, bank(NL, None)),
        balance("R-twice", "5.00", Currency::EUR, bank(NL, None)),
        balance("R-twice", "6.00", Currency::EUR, bank(NL, None)),
        PayeeBalance { name: "☺☺".to_string(), ..balance("S-nameless", "5.00", Currency::EUR, bank(NL, None)) },
        holder_named,
    ];
    let (transfers, left_out) = plan_transfers(&candidates);

    let paid: Vec<(&str, String, &str, String)> = transfers
        .iter()
        .map(|transfer| (transfer.party_id.as_str(), transfer.end_to_end_id.clone(), transfer.creditor_name.as_str(), transfer.amount.to_string()))
        .collect();
    assert_eq!(paid.len(), 3);
    assert_eq!((paid[0].0, paid[0].2, paid[0].3.as_str()), ("A_named", "Müller GbR", "10"), "the account holder is the creditor");
    assert!(paid[0].1.starts_with("A-named-"), "an end-to-end id without '_': {}", paid[0].1);
    assert_eq!(paid[1], ("O-swiss-bic", "O-swiss-bic".to_string(), "Name of O-swiss-bic", "50".to_string()));
    assert_eq!(paid[2], ("Z-paid", "Z-paid".to_string(), "Name of Z-paid", "99.99".to_string()));
    assert_eq!(transfers[2].bic.as_ref().map(Bic::as_str), Some("ABNANL2A"));
    assert_eq!(transfers[2].remittance_information, "Royalties 2026-H1");

    let reasons: Vec<(&str, String)> = left_out.iter().map(|left| (left.party_id.as_str(), left.reason.to_string())).collect();
    assert_eq!(
        reasons,
        [
            ("K-negative", "nothing to pay: the balance is not above zero".to_string()),
            ("K-zero", "nothing to pay: the balance is not above zero".to_string()),
            ("L-dollars", "the balance is in USD; a SEPA credit transfer is in EUR only".to_string()),
            ("M-no-bank", "no bank details: add the payee's IBAN (and BIC) to their contract".to_string()),
            ("N-turkey", "the IBAN is from TR, which is not in the SEPA scheme; pay by international transfer".to_string()),
            (
                "O-swiss-no-bic",
                "the IBAN is from CH, a SEPA country outside the EEA, where the bank's BIC is required; add the BIC to the contract".to_string()
            ),
            ("P-fraction", "the balance has fractions of a cent; round it to cents before paying".to_string()),
            ("Q-huge", "the balance is above 999999999.99, the most one SEPA transfer can carry".to_string()),
            ("R-twice", "the payee has 2 balances in this run; combine them into one".to_string()),
            ("R-twice", "the payee has 2 balances in this run; combine them into one".to_string()),
            (
                "S-nameless",
                "the name has no letter or digit that a SEPA file can carry; add a Latin-script account holder name".to_string()
            ),
        ]
    );
    assert_eq!(left_out[2].reason, LeftOutReason::CurrencyNotEur { currency: Currency::USD });
    assert_eq!(left_out[3].payable, Decimal::parse("50").unwrap());
}

#[test]
fn the_planned_transfers_make_a_file_the_bank_takes() {
    let candidates: Vec<PayeeBalance> = (1..=30)
        .rev()
        .map(|index| balance(&format!("P{index:03}"), &format!("{index}.{index:02}"), Currency::EUR, bank(NL, None)))
        .collect();
    let (transfers, left_out) = plan_transfers(&candidates);
    assert!(left_out.is_empty());
    assert_eq!(transfers.first().map(|transfer| transfer.party_id.as_str()), Some("P001"));
    let expected_sum: i128 = (1..=30).map(|index| index * 100 + index).sum();
    let batch = CreditTransferBatch {
        message_id: "LL-1".to_string(),
        creation_date_time: "2026-07-15T09:30:00Z".to_string(),
        initiating_party_name: "Label".to_string(),
        payment_information_id: "LL-1-1".to_string(),
        requested_execution_date: Date::parse("2026-07-16").unwrap(),
        debtor_name: "Label".to_string(),
        debtor_iban: Iban::parse("DE89370400440532013000").unwrap(),
        debtor_bic: None,
        batch_booking: true,
        transfers,
    };
    let xml = pain_001(&batch).unwrap_or_else(|error| panic!("{error}"));
    assert!(xml.contains("<NbOfTxs>30</NbOfTxs>"));
    let sum = Decimal::from_units(expected_sum, 2).unwrap().format_fixed(2, Default::default());
    assert_eq!(sum, "469.65", "101 × (1 + … + 30) cents");
    assert_eq!(xml.matches(&format!("<CtrlSum>{sum}</CtrlSum>")).count(), 2);
}

/// Reasons with nothing to do about them give no hint; the others say what to do.
#[test]
fn only_reasons_that_can_be_acted_on_say_what_to_do() {
    let paid = Decimal::parse("1.51").unwrap();
    assert_eq!(LeftOutReason::NothingToPay.what_to_do(), None);
    assert_eq!(LeftOutReason::AlreadyPaid { paid }.what_to_do(), None);
    assert_eq!(LeftOutReason::BelowMinimumPayout { carried_forward: paid }.what_to_do(), None);
    assert_eq!(
        LeftOutReason::NoBankDetails.what_to_do(),
        Some("give payees bank details in their contracts ([payees.settings.bank], docs/contracts.md)")
    );
    assert_eq!(
        LeftOutReason::AlreadyPaid { paid }.to_string(),
        "already paid: the payments recorded since the statement (1.51) cover what it made payable"
    );
    assert_eq!(
        LeftOutReason::BelowMinimumPayout { carried_forward: paid }.to_string(),
        "under the minimum payout: 1.51 is carried forward until the balance reaches it"
    );
}
