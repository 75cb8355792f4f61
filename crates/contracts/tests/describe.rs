//! `describe` in plain language, snapshot for a royalty deal with a rate table and a net-profit
//! deal: a change in wording shows here and must be deliberate (these texts go on statements).

use ledgerline_contracts::{describe, parse_contract};

fn described(example: &str) -> String {
    let path = format!("{}/../../docs/examples/contracts/{example}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    describe(&parse_contract(&text, example).unwrap())
}

#[test]
fn a_royalty_deal_with_a_rate_table() {
    assert_eq!(described("royalty-rate-table.toml"), r#"EX-ROYALTY version 1 (in force from 2025-01): Recording agreement: Winter Radio
A royalty deal in EUR, accounted half-yearly. It runs from 2024-10-15 with no end date.
It covers 2 releases (5012345000015, 5012345000022), worldwide.

Royalty: 18% of net receipts (what the label receives).
Except (when several apply, the most specific wins):
- 23% for downloads
- 15% for streams in the ad-supported or trial tiers
- 10% for user-generated content on TikTok or Instagram
- 16% for streams in the United States or Canada
- 20% for sales of singles

Paid to Winter Radio (P-WINTER), who pays back the advances and recoupable costs before being paid.

Balances stand alone: they are not netted with any other contract.
Amounts below 50.00 EUR are not paid out but carried forward to the next period.
"#);
}

#[test]
fn a_net_profit_deal() {
    assert_eq!(described("net-profit-split.toml"), r#"EX-NET-PROFIT version 1 (in force from 2025-03): Net profit agreement: Tamsin Brennan
A net-profit deal in EUR, accounted half-yearly. It runs from 2025-02-01 with no end date.
It covers 1 release (5012345000039), worldwide.

The net profit is net receipts (what the label receives) after the deductions below, minus the costs below. It is split 50% to the label and 50% to the payees.
Deducted first:
- Distribution fee: 12% of the receipts

Paid to Tamsin Brennan (P-TAMSIN), who pays back the advances before being paid.

Costs taken out of the profit before it is split: recording costs in full, marketing costs in full and video costs 50%. Other costs are the label's.

Balances stand alone: they are not netted with any other contract.
There is no minimum payout: any amount owed is paid.
"#);
}

#[test]
fn payee_settings_and_transfers_are_described() {
    let settings = described("payee-settings.toml");
    assert!(settings.contains("Ines Petit (P-INES): statements in GBP, VAT registered (GB123456789) at 20%, invoiced by self-billing and paid to account GB82 … 5432."), "{settings}");
    assert!(!settings.contains("1234 5698"), "the description does not print the whole account number");
    let transfers = described("manager-commission.toml");
    assert!(transfers.contains("20% of what Ida Holm (P-IDA) is paid goes to P-MANAGER (Manager's commission)."), "{transfers}");
    let reserve = described("reserve-and-escalation.toml");
    assert!(reserve.contains("- once 100,000 units have been sold, the default rate becomes 20%"), "{reserve}");
    assert!(reserve.contains("20% of each period's earnings from physical sales is held in reserve"), "{reserve}");
}
