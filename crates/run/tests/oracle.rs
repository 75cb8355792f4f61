//! The engine against a deliberately naive reference calculator on generated labels.
//!
//! The oracle below is written from docs/contracts.md alone, as plainly as possible: loops over
//! receipts, one balance per payee and contract, no shared code with the engine beyond the
//! money crate's rounding and largest-remainder allocation (tested on their own). It covers the
//! mechanics that combine freely (royalty rates by usage, deductions, splits between payees,
//! recoupable and non-recoupable payees, advances over periods, net-profit deals with costs and
//! losses carried forward, returns); the others have hand-computed scenarios in
//! crates/engine/tests/scenarios.rs. For every case: engine and oracle agree to the cent on
//! each payee's earnings, charges, payable and closing balance in every period, the engine's
//! conservation check passes, and the postings a close would make balance.

use std::collections::BTreeMap;

use ledgerline_contracts::{parse_contract, Contract, Tier, Usage};
use ledgerline_engine::{
    AccountingBasis, Catalog, CatalogRelease, Cost, FxTable, ReceiptKey, ReceiptSums, RunInput, Settings, Statement,
};
use ledgerline_model::{Date, Month, Period, Territory};
use ledgerline_money::{allocate, Currency, Decimal, RoundingMode};

const CASES: u64 = 10_000;
const RELEASES: [&str; 3] = ["5012345000015", "5012345000022", "5012345000039"];
const PERIODS: [&str; 2] = ["2026-H1", "2026-H2"];

/// xorshift64*: small, fast, reproducible.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A fraction with up to 4 decimals in [0, 1].
    fn fraction(&mut self) -> Decimal {
        Decimal::from_units(self.below(10_001) as i128, 4).unwrap()
    }
}

/// A generated contract as the oracle sees it.
#[derive(Clone, Debug)]
struct Deal {
    id: String,
    release: &'static str,
    net_profit: Option<Decimal>,
    default_rate: Decimal,
    download_rate: Option<Decimal>,
    deduction: Option<Decimal>,
    payees: Vec<(String, Decimal, bool)>,
    advance: Option<(Decimal, Date)>,
    cost_recoupable: Decimal,
}

impl Deal {
    fn toml(&self) -> String {
        let mut text = format!(
            "id = \"{}\"\nversion = 1\nvalid_from = \"2020-01\"\ntitle = \"Deal {}\"\ncurrency = \"EUR\"\ndeal = \"{}\"\n[term]\nstart = \"2020-01-01\"\n[scope]\nreleases = [\"{}\"]\n",
            self.id,
            self.id,
            if self.net_profit.is_some() { "net_profit" } else { "royalty" },
            self.release
        );
        for (party, share, recoupable) in &self.payees {
            text.push_str(&format!("[[payees]]\nparty = \"{party}\"\nshare = \"{share}\"\nrecoupable = {recoupable}\n"));
        }
        match self.net_profit {
            Some(label_share) => text.push_str(&format!("[net_profit]\nlabel_share = \"{label_share}\"\n")),
            None => {
                text.push_str(&format!("[royalty]\ndefault_rate = \"{}\"\n", self.default_rate));
                if let Some(rate) = self.download_rate {
                    text.push_str(&format!("[[royalty.rates]]\nusage = \"download\"\nrate = \"{rate}\"\n"));
                }
            }
        }
        if let Some(rate) = self.deduction {
            text.push_str(&format!("[[deductions]]\nname = \"Fee\"\nrate = \"{rate}\"\n"));
        }
        if let Some((amount, date)) = self.advance {
            text.push_str(&format!("[[advances]]\namount = \"{amount}\"\ndate = \"{date}\"\n"));
        }
        text.push_str(&format!("[[costs]]\nkind = \"recording\"\nrecoupable = \"{}\"\n", self.cost_recoupable));
        text
    }
}

struct Case {
    deals: Vec<Deal>,
    receipts: Vec<(Month, &'static str, Usage, i64, Decimal)>,
    costs: Vec<(Date, String, Decimal)>,
}

fn shares(random: &mut Random, count: usize) -> Vec<Decimal> {
    // Cut 10,000 basis points into `count` positive parts.
    let mut cuts: Vec<u64> = (0..count - 1).map(|_| 1 + random.below(9_999)).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut points = Vec::new();
    let mut previous = 0;
    for cut in cuts.into_iter().chain([10_000]) {
        points.push(cut - previous);
        previous = cut;
    }
    points.into_iter().map(|point| Decimal::from_units(point as i128, 4).unwrap()).collect()
}

fn generate(seed: u64) -> Case {
    let mut random = Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut deals = Vec::new();
    for (index, release) in RELEASES.iter().enumerate().take(1 + random.below(3) as usize) {
        let payee_count = 1 + random.below(3) as usize;
        let payees = shares(&mut random, payee_count)
            .into_iter()
            .enumerate()
            .map(|(number, share)| (format!("P{}", random.below(4) * 10 + number as u64), share, random.chance(70)))
            .collect::<Vec<_>>();
        // A party appears once per contract.
        let mut seen = std::collections::BTreeSet::new();
        if !payees.iter().all(|(party, _, _)| seen.insert(party.clone())) {
            continue;
        }
        let month = Month::new(2026, 1 + random.below(12) as u8).unwrap();
        deals.push(Deal {
            id: format!("C{index}"),
            release,
            net_profit: random.chance(30).then(|| random.fraction()),
            default_rate: random.fraction(),
            download_rate: random.chance(40).then(|| random.fraction()),
            deduction: random.chance(40).then(|| Decimal::from_units(random.below(3_001) as i128, 4).unwrap()),
            payees,
            advance: random.chance(50).then(|| (Decimal::from_units(random.below(50_000) as i128 + 1, 2).unwrap(), Date::new(2026, month.number(), 1).unwrap())),
            cost_recoupable: random.fraction(),
        });
    }
    let mut receipts = Vec::new();
    for _ in 0..random.below(25) {
        let month = Month::new(2026, 1 + random.below(12) as u8).unwrap();
        let release = RELEASES[random.below(3) as usize];
        let usage = if random.chance(30) { Usage::Download } else { Usage::Stream };
        let units = random.below(2_000) as i64 - 200;
        let net = Decimal::from_units(random.below(5_000_000) as i128 - 500_000, 4).unwrap();
        receipts.push((month, release, usage, units, net));
    }
    let mut costs = Vec::new();
    for deal in &deals {
        if random.chance(50) {
            let date = Date::new(2026, 1 + random.below(12) as u8, 1 + random.below(28) as u8).unwrap();
            costs.push((date, deal.id.clone(), Decimal::from_units(random.below(100_000) as i128, 2).unwrap()));
        }
    }
    Case { deals, receipts, costs }
}

fn input(case: &Case) -> RunInput {
    let contracts: Vec<Contract> = case
        .deals
        .iter()
        .map(|deal| parse_contract(&deal.toml(), "generated.toml").unwrap_or_else(|errors| panic!("{errors:?}\n{}", deal.toml())))
        .collect();
    let mut catalog = Catalog::default();
    for ean in RELEASES {
        catalog.releases.insert(
            ean.to_string(),
            CatalogRelease { ean: ean.to_string(), title: ean.to_string(), configuration: None, tracks: Vec::new() },
        );
    }
    let mut receipts: BTreeMap<ReceiptKey, ReceiptSums> = BTreeMap::new();
    for (month, release, usage, units, net) in &case.receipts {
        let key = ReceiptKey {
            month: *month,
            sale_month: *month,
            release: Some(release.to_string()),
            track: None,
            service: "Spotify".to_string(),
            territory: Territory::parse("FR").unwrap(),
            usage: *usage,
            tier: Tier::Premium,
            currency: Currency::EUR,
            report_rate: None,
        };
        receipts.entry(key).or_default().add(&ReceiptSums { lines: 1, units: *units, net: *net, gross: *net });
    }
    RunInput {
        settings: Settings {
            label_name: "Oracle".to_string(),
            accounting_currency: Currency::EUR,
            rounding: RoundingMode::HalfEven,
            basis: AccountingBasis::ReportingMonth,
        },
        periods: PERIODS.iter().map(|text| Period::parse(text).unwrap()).collect(),
        contracts,
        catalog,
        parties: BTreeMap::new(),
        receipts,
        suspense: BTreeMap::new(),
        costs: case
            .costs
            .iter()
            .map(|(date, contract, amount)| Cost {
                date: *date,
                contract: contract.clone(),
                release: None,
                kind: "recording".to_string(),
                amount: *amount,
                currency: Currency::EUR,
                description: "Studio".to_string(),
                source: "costs.csv".to_string(),
            })
            .collect(),
        payments: Vec::new(),
        fx: FxTable::default(),
    }
}

/// The oracle's figures for one payee in one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Figures {
    earnings: Decimal,
    charges: Decimal,
    payable: Decimal,
    closing: Decimal,
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_to(2, RoundingMode::HalfEven)
}

fn times(left: Decimal, right: Decimal) -> Decimal {
    left.checked_mul(right, RoundingMode::HalfEven).unwrap()
}

fn oracle(case: &Case) -> Vec<BTreeMap<String, Figures>> {
    let mut balances: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    let mut payable: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut losses: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut result = Vec::new();
    for (index, period_name) in PERIODS.iter().enumerate() {
        let period = Period::parse(period_name).unwrap();
        let in_period = |month: Month| if index == 0 { month <= period.last_month() } else { period.contains(month) };
        let mut figures: BTreeMap<String, Figures> = BTreeMap::new();
        for deal in &case.deals {
            let mut exact = Decimal::ZERO;
            for (month, release, usage, _, net) in &case.receipts {
                if *release != deal.release || !in_period(*month) {
                    continue;
                }
                let after_fee = *net - deal.deduction.map_or(Decimal::ZERO, |rate| times(*net, rate));
                exact += match deal.net_profit {
                    Some(_) => after_fee,
                    None => {
                        let rate = if *usage == Usage::Download { deal.download_rate.unwrap_or(deal.default_rate) } else { deal.default_rate };
                        times(rate, after_fee)
                    }
                };
            }
            if let Some(label_share) = deal.net_profit {
                let costs: Decimal = case
                    .costs
                    .iter()
                    .filter(|(date, contract, _)| *contract == deal.id && in_period(date.month()))
                    .map(|(_, _, amount)| cents(times(*amount, deal.cost_recoupable)))
                    .sum();
                let profit = exact - costs - losses.get(&deal.id).copied().unwrap_or_default();
                losses.insert(deal.id.clone(), (-profit).max(Decimal::ZERO));
                exact = times(profit.max(Decimal::ZERO), Decimal::ONE - label_share);
            }
            let shares: Vec<Decimal> = deal.payees.iter().map(|(_, share, _)| *share).collect();
            let parts = allocate(cents(exact), &shares, 2).unwrap();
            for ((party, _, _), part) in deal.payees.iter().zip(parts) {
                figures.entry(party.clone()).or_default().earnings += part;
                *balances.entry((party.clone(), deal.id.clone())).or_default() += part;
            }
            // Advances, and in royalty deals the recoupable part of each cost, are charged to
            // the recoupable payees in proportion to their shares.
            let mut charges: Vec<Decimal> = deal.advance.iter().filter(|(_, date)| in_period(date.month())).map(|(amount, _)| *amount).collect();
            if deal.net_profit.is_none() {
                for (date, contract, amount) in &case.costs {
                    if *contract == deal.id && in_period(date.month()) {
                        charges.push(cents(times(*amount, deal.cost_recoupable)));
                    }
                }
            }
            let recoupable: Vec<&(String, Decimal, bool)> = deal.payees.iter().filter(|(_, _, recoupable)| *recoupable).collect();
            for charge in charges.into_iter().filter(|_| !recoupable.is_empty()) {
                let weights: Vec<Decimal> = recoupable.iter().map(|(_, share, _)| *share).collect();
                for ((party, _, _), part) in recoupable.iter().zip(allocate(charge, &weights, 2).unwrap()) {
                    figures.entry(party.clone()).or_default().charges += part;
                    *balances.entry((party.clone(), deal.id.clone())).or_default() -= part;
                }
            }
        }
        for ((party, _), balance) in balances.iter_mut() {
            if balance.is_positive() {
                *payable.entry(party.clone()).or_default() += *balance;
                *balance = Decimal::ZERO;
            }
        }
        for (party, figure) in figures.iter_mut() {
            figure.payable = payable.get(party).copied().unwrap_or_default();
        }
        for ((party, _), balance) in &balances {
            figures.entry(party.clone()).or_default().closing += *balance;
        }
        for (party, amount) in &payable {
            let figure = figures.entry(party.clone()).or_default();
            figure.payable = *amount;
            figure.closing += *amount;
        }
        result.push(figures);
    }
    result
}

fn engine_figures(statement: &Statement) -> Figures {
    let summary = &statement.summary;
    Figures { earnings: summary.earnings, charges: summary.charges, payable: summary.payable, closing: summary.closing_balance }
}

#[test]
fn engine_and_oracle_agree_to_the_cent_and_money_is_conserved() {
    let mut compared = 0u64;
    for seed in 0..CASES {
        let case = generate(seed);
        let input = input(&case);
        let result = ledgerline_engine::run(&input).unwrap_or_else(|error| panic!("case {seed}: {error}"));
        let expected = oracle(&case);
        for (period, expected) in result.periods.iter().zip(&expected) {
            assert!(period.conservation.difference().is_zero(), "case {seed}: {:?}", period.conservation);
            let actual: BTreeMap<String, Figures> =
                period.statements.iter().map(|statement| (statement.payee.clone(), engine_figures(statement))).collect();
            for (party, figures) in expected {
                let zero = Figures::default();
                let found = actual.get(party).unwrap_or(&zero);
                assert_eq!(found, figures, "case {seed}, {}, payee {party}\n{:#?}", period.period, case.deals);
                compared += 1;
            }
            for (party, figures) in &actual {
                if !expected.contains_key(party) {
                    assert_eq!(figures, &Figures::default(), "case {seed}: the engine pays {party}, the oracle does not");
                }
            }
        }
        let postings = ledgerline_run::computed_balances(&result);
        let total: Decimal = postings.values().copied().sum();
        assert!(total.is_zero(), "case {seed}: the postings of a close do not balance: {total}");
    }
    assert!(compared > CASES, "the generator must produce payees to compare ({compared})");
}
