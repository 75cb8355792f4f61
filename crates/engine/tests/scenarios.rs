//! One hand-computed scenario per mechanic. Each expected figure is worked out in the comment
//! above it, from the contract and the receipts, not from the engine.

mod common;

use common::*;
use ledgerline_contracts::Usage;
use ledgerline_money::Currency;

const ARTIST: &str = "[scope]\nreleases = [\"5012345000015\"]\n[[payees]]\nparty = \"P1\"\nshare = \"1\"\n";

#[test]
fn fifty_fifty_net_profit_after_costs() {
    let np = contract("NP", &format!("deal = \"net_profit\"\n{ARTIST}[net_profit]\nlabel_share = \"0.5\"\n[[costs]]\nkind = \"recording\"\nrecoupable = \"1\"\n[[costs]]\nkind = \"video\"\nrecoupable = \"0.5\"\n"));
    let mut scenario = Scenario::new(vec![np]);
    scenario.receipt("2026-02", 1000, "1000").cost("2026-03-10", "NP", "recording", "200", None).cost("2026-03-11", "NP", "video", "100", None);
    let periods = scenario.run(&["2026-H1"]);
    let p1 = &periods[0]["P1"];
    // Profit 1000 − 200 − 50% of 100 = 750; the artist's half: 375.
    assert_eq!(p1.summary.earnings, dec("375"));
    assert_eq!(p1.summary.payable, dec("375"));
    assert_eq!(p1.summary.charges, dec("0"), "net-profit costs come out of the profit, not the payee's balance");
}

#[test]
fn net_profit_loss_is_carried_forward() {
    let np = contract("NP", &format!("deal = \"net_profit\"\n{ARTIST}[net_profit]\nlabel_share = \"0.5\"\n[[costs]]\nkind = \"recording\"\nrecoupable = \"1\"\n"));
    let mut scenario = Scenario::new(vec![np]);
    scenario.receipt("2026-02", 100, "300").cost("2026-03-10", "NP", "recording", "500", None).receipt("2026-08", 100, "600");
    let periods = scenario.run(&["2026-H1", "2026-H2"]);
    // H1: 300 − 500 = −200, nothing earned, the loss carried. H2: 600 − 200 = 400, half is 200.
    assert_eq!(periods[0]["P1"].summary.earnings, dec("0"));
    assert_eq!(periods[1]["P1"].summary.earnings, dec("200"));
}

#[test]
fn twenty_percent_royalty_after_a_fifteen_percent_distribution_fee() {
    let royalty = contract("R", &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.20\"\n[[deductions]]\nname = \"Distribution fee\"\nrate = \"0.15\"\n"));
    let mut scenario = Scenario::new(vec![royalty]);
    scenario.receipt("2026-01", 500, "1000.00").receipt("2026-02", 33, "33.33");
    let periods = scenario.run(&["2026-H1"]);
    let p1 = &periods[0]["P1"];
    // (1000 + 33.33) × 0.85 × 0.20 = 175.6661 → 175.67.
    assert_eq!(p1.summary.earnings, dec("175.67"));
    let line = p1.earnings.iter().find(|line| line.sale_month == "2026-01").unwrap();
    assert_eq!(line.deductions, dec("150"));
    assert_eq!(line.rate, dec("0.2"));
    assert_eq!(line.amount, dec("170"));
}

#[test]
fn producer_from_record_one_after_the_artist_recoups_an_advance_over_two_periods() {
    let artist = contract(
        "ART",
        &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.20\"\n[[advances]]\namount = \"300\"\ndate = \"2026-01-05\"\n"),
    );
    let producer = contract(
        "PROD",
        "deal = \"royalty\"\n[scope]\nreleases = [\"5012345000015\"]\n[[payees]]\nparty = \"P2\"\nshare = \"1\"\nrecoupable = false\nfrom_record_one = true\nrecoupment_of = \"ART\"\n[royalty]\ndefault_rate = \"0.03\"\n",
    );
    let mut scenario = Scenario::new(vec![artist, producer]);
    scenario.receipt("2026-02", 1000, "1000").receipt("2026-08", 1000, "1000");
    let periods = scenario.run(&["2026-H1", "2026-H2"]);
    // H1: the artist earns 200 against a 300 advance: 100 unrecouped, nothing payable. The
    // producer's 30 is held.
    assert_eq!(periods[0]["P1"].summary.charges, dec("300"));
    assert_eq!(periods[0]["P1"].summary.unrecouped, dec("-100"));
    assert_eq!(periods[0]["P1"].summary.payable, dec("0"));
    assert_eq!(periods[0]["P2"].summary.held_balance, dec("30"));
    assert_eq!(periods[0]["P2"].summary.payable, dec("0"));
    // H2: the artist earns 200 more: recouped, 100 payable. The producer is paid from record
    // one: 30 + 30 = 60.
    assert_eq!(periods[1]["P1"].summary.payable, dec("100"));
    assert_eq!(periods[1]["P2"].summary.released_after_recoupment, dec("60"));
    assert_eq!(periods[1]["P2"].summary.payable, dec("60"));
}

#[test]
fn a_video_cost_half_recoupable() {
    let artist = contract(
        "ART",
        &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.20\"\n[[costs]]\nkind = \"video\"\nrecoupable = \"0.5\"\n"),
    );
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 1000, "1500").cost("2026-02-01", "ART", "video", "400", None).cost("2026-02-02", "ART", "marketing", "999", None);
    let p1 = &scenario.run(&["2026-H1"])[0]["P1"];
    // Earnings 20% of 1500 = 300; half the 400 video = 200 charged; marketing is the label's own.
    assert_eq!(p1.summary.earnings, dec("300"));
    assert_eq!(p1.summary.charges, dec("200"));
    assert_eq!(p1.summary.payable, dec("100"));
    assert_eq!(p1.charges.len(), 1);
}

fn two_deals(crossed: &str) -> Vec<ledgerline_contracts::Contract> {
    let first = contract(
        "A",
        &format!("deal = \"royalty\"\ncross_collateralisation = \"{crossed}\"\n{ARTIST}[royalty]\ndefault_rate = \"0.20\"\n[[advances]]\namount = \"500\"\ndate = \"2026-01-01\"\n"),
    );
    let second = contract(
        "B",
        &format!("deal = \"royalty\"\ncross_collateralisation = \"{crossed}\"\n[scope]\nreleases = [\"5012345000022\"]\n[[payees]]\nparty = \"P1\"\nshare = \"1\"\n[royalty]\ndefault_rate = \"0.30\"\n"),
    );
    vec![first, second]
}

#[test]
fn cross_collateralised_contracts_against_separately_recouped_ones() {
    let receipts = |scenario: &mut Scenario| {
        scenario.receipt("2026-02", 1000, "1000");
        scenario.receipt_with("2026-02", 1000, "1000", Currency::EUR, Usage::Stream, Some(RELEASE_2), None);
    };
    // A earns 200 against 500; B earns 300.
    let mut separate = Scenario::new(two_deals("none"));
    receipts(&mut separate);
    let p1 = &separate.run(&["2026-H1"])[0]["P1"];
    // Separately: A stays 300 unrecouped, B's 300 is payable.
    assert_eq!(p1.summary.unrecouped, dec("-300"));
    assert_eq!(p1.summary.payable, dec("300"));
    let mut crossed = Scenario::new(two_deals("payee"));
    receipts(&mut crossed);
    let p1 = &crossed.run(&["2026-H1"])[0]["P1"];
    // Netted: 200 + 300 − 500 = 0, nothing payable, nothing unrecouped.
    assert_eq!(p1.summary.unrecouped, dec("0"));
    assert_eq!(p1.summary.payable, dec("0"));
    assert_eq!(p1.summary.closing_balance, dec("0"));
}

#[test]
fn a_twenty_percent_reserve_released_over_two_periods() {
    let artist = contract(
        "ART",
        &format!("deal = \"royalty\"\n{ARTIST}[accounting]\nfrequency = \"quarterly\"\n[royalty]\ndefault_rate = \"0.20\"\n[reserve]\nrate = \"0.20\"\nrelease_over_periods = 2\nusage = \"physical\"\n"),
    );
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt_with("2026-02", 100, "1000", Currency::EUR, Usage::Physical, Some(RELEASE), None);
    scenario.receipt("2026-02", 100, "100");
    let periods = scenario.run(&["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
    // Q1: 200 physical + 20 stream earned; 20% of the physical 200 = 40 held; 180 payable.
    assert_eq!(periods[0]["P1"].summary.reserves_held, dec("40"));
    assert_eq!(periods[0]["P1"].summary.payable, dec("180"));
    // Released 20 in each of the next two quarters.
    assert_eq!(periods[1]["P1"].summary.reserves_released, dec("20"));
    assert_eq!(periods[1]["P1"].summary.payable, dec("200"));
    assert_eq!(periods[2]["P1"].summary.reserves_released, dec("20"));
    assert_eq!(periods[2]["P1"].summary.reserves_balance, dec("0"));
    assert_eq!(periods[2]["P1"].summary.payable, dec("220"));
}

#[test]
fn an_escalation_after_a_hundred_thousand_units() {
    let artist = contract(
        "ART",
        &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.10\"\n[[royalty.escalations]]\nafter_units = 100000\nrate = \"0.15\"\n"),
    );
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-01", 60_000, "600").receipt("2026-02", 40_000, "400").receipt("2026-03", 10_000, "100");
    let p1 = &scenario.run(&["2026-Q1"])[0]["P1"];
    // January and February at 10% (the 100,000th unit is sold in February, so the step applies
    // from March): 60 + 40; March at 15%: 15. Total 115.
    assert_eq!(p1.summary.earnings, dec("115"));
    let march = p1.earnings.iter().find(|line| line.sale_month == "2026-03").unwrap();
    assert_eq!(march.rate, dec("0.15"));
}

#[test]
fn a_minimum_payout_carries_the_balance_forward() {
    let artist = contract("ART", &format!("deal = \"royalty\"\n{ARTIST}[accounting]\nminimum_payout = \"50\"\n[royalty]\ndefault_rate = \"0.10\"\n"));
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 10, "300").receipt("2026-08", 10, "300");
    let periods = scenario.run(&["2026-H1", "2026-H2"]);
    // 30 is under 50: carried. Then 60: payable.
    assert_eq!(periods[0]["P1"].summary.carried_forward, dec("30"));
    assert_eq!(periods[0]["P1"].summary.payable, dec("0"));
    assert_eq!(periods[1]["P1"].summary.opening_balance, dec("30"));
    assert_eq!(periods[1]["P1"].summary.payable, dec("60"));
    assert_eq!(periods[1]["P1"].summary.carried_forward, dec("0"));
}

#[test]
fn receipts_in_three_currencies() {
    let artist = contract("ART", &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.5\"\n"));
    let mut scenario = Scenario::new(vec![artist]);
    scenario
        .receipt("2026-02", 1, "100")
        .receipt_with("2026-02", 1, "100", Currency::USD, Usage::Stream, Some(RELEASE), Some(TRACK))
        .receipt_with("2026-02", 1, "100", Currency::GBP, Usage::Stream, Some(RELEASE), Some(TRACK))
        .rate("2026-02", Currency::USD, "0.9")
        .rate("2026-02", Currency::GBP, "1.15");
    let mut scenario_copy = Scenario { input: scenario.input.clone() };
    let p1 = &scenario.run(&["2026-H1"])[0]["P1"];
    // (100 + 90 + 115) × 0.5 = 152.50.
    assert_eq!(p1.summary.earnings, dec("152.5"));
    // Without the GBP rate the run is refused, naming the pair and the month.
    scenario_copy.input.fx.rates.retain(|(_, from, _), _| *from != Currency::GBP);
    scenario_copy.input.periods = vec![period("2026-H1")];
    let error = ledgerline_engine::run(&scenario_copy.input).unwrap_err();
    assert_eq!(error.to_string(), "no exchange rate from GBP to EUR for 2026-02");
}

#[test]
fn a_managers_twenty_percent_of_what_is_paid() {
    let artist = contract(
        "ART",
        &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.5\"\n[[transfers]]\nfrom = \"P1\"\nto = \"MGR\"\nshare = \"0.2\"\n"),
    );
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 1, "200");
    let periods = scenario.run(&["2026-H1"]);
    // 100 payable: 20 to the manager, 80 to the artist.
    assert_eq!(periods[0]["P1"].summary.payable, dec("80"));
    assert_eq!(periods[0]["P1"].summary.transfers_out, dec("20"));
    assert_eq!(periods[0]["MGR"].summary.transfers_in, dec("20"));
    assert_eq!(periods[0]["MGR"].summary.payable, dec("20"));
}

#[test]
fn withholding_tax_and_vat_for_a_self_billed_payee() {
    let settings = "[payees.settings]\nvat_registered = true\nvat_number = \"GB123456789\"\nvat_rate = \"0.20\"\nself_billing = true\nwithholding_tax_rate = \"0.10\"\n";
    let artist = contract(
        "ART",
        &format!("deal = \"royalty\"\n[scope]\nreleases = [\"5012345000015\"]\n[[payees]]\nparty = \"P1\"\nshare = \"1\"\n{settings}[royalty]\ndefault_rate = \"0.5\"\n"),
    );
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 1, "200").payment("2026-09-01", "P1", "110");
    let periods = scenario.run(&["2026-H1", "2026-H2"]);
    // 100 payable; VAT 20 added, withholding 10 deducted: 110 to pay.
    let summary = &periods[0]["P1"].summary;
    assert_eq!((summary.vat, summary.withholding_tax, summary.payable), (dec("20"), dec("10"), dec("110")));
    // Paid in H2: nothing left.
    assert_eq!(periods[1]["P1"].summary.payments, dec("110"));
    assert_eq!(periods[1]["P1"].summary.closing_balance, dec("0"));
}

#[test]
fn conservation_counts_suspense_and_the_label_share() {
    let artist = contract("ART", &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.333\"\n"));
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 1, "10.01").unmatched("2026-03", "4.99");
    scenario.receipt_with("2026-02", 1, "7", Currency::EUR, Usage::Stream, Some(RELEASE_2), None);
    scenario.input.periods = vec![period("2026-H1")];
    let result = ledgerline_engine::run(&scenario.input).unwrap();
    let conservation = &result.periods[0].conservation;
    // 10.01 × 0.333 = 3.33333 → 3.33 to the artist; the label keeps 10.01 − 3.33 + 7 (no
    // contract covers the second release) = 13.68; 4.99 in suspense.
    assert_eq!(conservation.net_receipts, dec("22"));
    assert_eq!(conservation.payee_credits, dec("3.33"));
    assert_eq!(conservation.label_share, dec("13.68"));
    assert_eq!(conservation.rounding, dec("0.00333"));
    assert_eq!(conservation.suspense, dec("4.99"));
    assert!(conservation.difference().is_zero());
}

#[test]
fn the_same_inputs_give_identical_statement_hashes() {
    let artist = contract("ART", &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.2\"\n"));
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 3, "10").receipt("2026-03", -1, "-3.33");
    let first = scenario.run(&["2026-H1"]);
    let second = scenario.run(&["2026-H1"]);
    assert_eq!(first[0]["P1"].sha256(), second[0]["P1"].sha256());
    assert_eq!(first[0]["P1"].summary.earnings, dec("1.33"));
}

#[test]
fn a_late_report_after_close_becomes_an_adjustment_in_the_next_period() {
    let artist = contract("ART", &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.2\"\n"));
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-03", 10, "100");
    let issued_h1 = scenario.run(&["2026-H1"]).remove(0);
    assert_eq!(issued_h1["P1"].summary.payable, dec("20"));
    let mut issued = ledgerline_engine::Issued::default();
    issued_h1.values().for_each(|statement| issued.add(statement));

    // A report for March arrives after H1 was issued, and one for July.
    scenario.receipt("2026-03", 5, "50").receipt("2026-07", 1, "10");
    scenario.input.periods = vec![period("2026-H1"), period("2026-H2")];
    let mut result = ledgerline_engine::run(&scenario.input).unwrap();
    ledgerline_engine::adjust(&mut result, &issued);
    let h2 = &result.periods[1].statements[0];
    // The late 50 earns 10 for H1: an adjustment. H2's own earnings are 2. Opening is the issued
    // closing balance (20 payable, unpaid); closing 20 + 10 + 2 = 32.
    assert_eq!(h2.adjustments.len(), 1);
    assert_eq!(h2.adjustments[0].figure, "earnings");
    assert_eq!(h2.adjustments[0].difference, dec("10"));
    assert_eq!(h2.summary.opening_balance, dec("20"));
    assert_eq!(h2.summary.earnings, dec("2"));
    assert_eq!(h2.summary.adjustments, dec("10"));
    assert_eq!(h2.summary.closing_balance, dec("32"));
    assert!(h2.summary.adds_up());
}

#[test]
fn an_adjustment_once_issued_is_not_made_again() {
    let artist = contract("ART", &format!("deal = \"royalty\"\n{ARTIST}[royalty]\ndefault_rate = \"0.2\"\n"));
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-03", 10, "100");
    let mut issued = ledgerline_engine::Issued::default();
    scenario.run(&["2026-H1"])[0].values().for_each(|statement| issued.add(statement));
    scenario.receipt("2026-03", 5, "50");
    scenario.input.periods = vec![period("2026-H1"), period("2026-H2")];
    let mut result = ledgerline_engine::run(&scenario.input).unwrap();
    ledgerline_engine::adjust(&mut result, &issued);
    result.periods[1].statements.iter().for_each(|statement| issued.add(statement));
    assert_eq!(result.periods[1].statements[0].summary.adjustments, dec("10"));

    // H2 issued with the adjustment: the next period has none.
    scenario.input.periods = vec![period("2026-H1"), period("2026-H2"), period("2027-H1")];
    let mut result = ledgerline_engine::run(&scenario.input).unwrap();
    ledgerline_engine::adjust(&mut result, &issued);
    let next = &result.periods[2].statements[0];
    assert!(next.adjustments.is_empty(), "{:?}", next.adjustments);
    assert_eq!(next.summary.opening_balance, dec("30"));
}

#[test]
fn the_payable_amount_in_the_payees_statement_currency() {
    let artist = contract(
        "ART",
        "deal = \"royalty\"\n[scope]\nreleases = [\"5012345000015\"]\n[[payees]]\nparty = \"P1\"\nshare = \"1\"\n[payees.settings]\nstatement_currency = \"USD\"\n[royalty]\ndefault_rate = \"0.5\"\n",
    );
    let mut scenario = Scenario::new(vec![artist]);
    scenario.receipt("2026-02", 1, "200.02");
    // Only April's EUR→USD rate is known: the latest up to June is used.
    scenario.input.fx.rates.insert((month("2026-04"), Currency::EUR, Currency::USD), dec("1.0837"));
    let statement = &scenario.run(&["2026-H1"])[0]["P1"];
    // Payable 100.01 EUR × 1.0837 = 108.380837 → 108.38 USD.
    let converted = statement.payable_converted.as_ref().unwrap();
    assert_eq!((converted.currency.as_str(), converted.rate_month.as_str()), ("USD", "2026-04"));
    assert_eq!(converted.amount, dec("108.38"));
    assert_eq!(statement.summary.payable, dec("100.01"));
}
