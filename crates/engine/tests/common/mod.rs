//! Building engine inputs by hand for the scenario and property tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use ledgerline_contracts::{parse_contract, Contract, Tier, Usage};
use ledgerline_engine::{
    AccountingBasis, Catalog, CatalogRelease, CatalogTrack, Cost, FxTable, Payment, ReceiptKey, ReceiptSums, RunInput, Settings,
    Statement, SuspenseKey,
};
use ledgerline_model::{Date, Month, Period, Territory};
use ledgerline_money::{Currency, Decimal, RoundingMode};

pub const RELEASE: &str = "5012345000015";
pub const RELEASE_2: &str = "5012345000022";
pub const TRACK: &str = "GBAYE2400001";
pub const TRACK_2: &str = "GBAYE2400002";

pub fn dec(text: &str) -> Decimal {
    Decimal::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

pub fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

pub fn period(text: &str) -> Period {
    Period::parse(text).unwrap()
}

/// A contract from its TOML body; `id`, `version`, `valid_from`, `title`, `currency` and the
/// term are filled in unless the body gives them.
pub fn contract(id: &str, body: &str) -> Contract {
    let mut text = String::new();
    if !body.contains("\nversion") && !body.starts_with("version") {
        text.push_str("version = 1\n");
    }
    if !body.contains("valid_from") {
        text.push_str("valid_from = \"2020-01\"\n");
    }
    if !body.lines().any(|line| line.starts_with("currency")) {
        text.push_str("currency = \"EUR\"\n");
    }
    text.push_str(&format!("id = \"{id}\"\ntitle = \"Contract {id}\"\n"));
    let (top, tables) = match body.find('[') {
        Some(position) => body.split_at(position),
        None => (body, ""),
    };
    text.push_str(top);
    if !body.contains("[term]") {
        text.push_str("\n[term]\nstart = \"2020-01-01\"\n");
    }
    text.push('\n');
    text.push_str(tables);
    parse_contract(&text, &format!("{id}.toml")).unwrap_or_else(|errors| {
        panic!("{id}: {}\n{text}", errors.iter().map(|error| error.to_string()).collect::<Vec<_>>().join("\n"))
    })
}

pub struct Scenario {
    pub input: RunInput,
}

impl Scenario {
    pub fn new(contracts: Vec<Contract>) -> Scenario {
        let mut catalog = Catalog::default();
        for (ean, tracks) in [(RELEASE, vec![TRACK, TRACK_2]), (RELEASE_2, vec![])] {
            catalog.releases.insert(
                ean.to_string(),
                CatalogRelease {
                    ean: ean.to_string(),
                    title: format!("Release {ean}"),
                    configuration: None,
                    tracks: tracks.iter().map(|t| t.to_string()).collect(),
                },
            );
        }
        for isrc in [TRACK, TRACK_2] {
            catalog.tracks.insert(
                isrc.to_string(),
                CatalogTrack { isrc: isrc.to_string(), title: format!("Track {isrc}"), artist: "Artist".to_string() },
            );
        }
        Scenario {
            input: RunInput {
                settings: Settings {
                    label_name: "Test Label".to_string(),
                    accounting_currency: Currency::EUR,
                    rounding: RoundingMode::HalfEven,
                    basis: AccountingBasis::ReportingMonth,
                },
                periods: Vec::new(),
                contracts,
                catalog,
                parties: BTreeMap::new(),
                receipts: BTreeMap::new(),
                suspense: BTreeMap::new(),
                costs: Vec::new(),
                payments: Vec::new(),
                fx: FxTable::default(),
            },
        }
    }

    /// A receipt for the first track of the first release, streamed in Germany.
    pub fn receipt(&mut self, month_text: &str, units: i64, net: &str) -> &mut Scenario {
        self.receipt_with(month_text, units, net, Currency::EUR, Usage::Stream, Some(RELEASE), Some(TRACK))
    }

    #[allow(clippy::too_many_arguments)]
    pub fn receipt_with(
        &mut self,
        month_text: &str,
        units: i64,
        net: &str,
        currency: Currency,
        usage: Usage,
        release: Option<&str>,
        track: Option<&str>,
    ) -> &mut Scenario {
        let key = ReceiptKey {
            month: month(month_text),
            sale_month: month(month_text),
            release: release.map(str::to_string),
            track: track.map(str::to_string),
            service: "Spotify".to_string(),
            territory: Territory::parse("DE").unwrap(),
            usage,
            tier: Tier::Premium,
            currency,
            report_rate: None,
        };
        let sums = ReceiptSums { lines: 1, units, net: dec(net), gross: dec(net) };
        self.input.receipts.entry(key).or_default().add(&sums);
        self
    }

    pub fn unmatched(&mut self, month_text: &str, net: &str) -> &mut Scenario {
        let key = SuspenseKey { month: month(month_text), currency: Currency::EUR, report_rate: None };
        self.input.suspense.entry(key).or_default().add(&ReceiptSums { lines: 1, units: 1, net: dec(net), gross: dec(net) });
        self
    }

    pub fn cost(&mut self, date: &str, contract: &str, kind: &str, amount: &str, release: Option<&str>) -> &mut Scenario {
        self.input.costs.push(Cost {
            date: Date::parse(date).unwrap(),
            contract: contract.to_string(),
            release: release.map(str::to_string),
            kind: kind.to_string(),
            amount: dec(amount),
            currency: Currency::EUR,
            description: format!("{kind} cost"),
            source: "costs.csv:2".to_string(),
        });
        self
    }

    pub fn payment(&mut self, date: &str, payee: &str, amount: &str) -> &mut Scenario {
        self.input.payments.push(Payment {
            date: Date::parse(date).unwrap(),
            payee: payee.to_string(),
            amount: dec(amount),
            currency: Currency::EUR,
            reference: "transfer".to_string(),
        });
        self
    }

    pub fn rate(&mut self, month_text: &str, from: Currency, rate: &str) -> &mut Scenario {
        self.input.fx.rates.insert((month(month_text), from, Currency::EUR), dec(rate));
        self
    }

    /// Runs the periods and returns each period's statements by payee.
    pub fn run(&mut self, periods: &[&str]) -> Vec<BTreeMap<String, Statement>> {
        self.input.periods = periods.iter().map(|text| period(text)).collect();
        let result = ledgerline_engine::run(&self.input).unwrap_or_else(|error| panic!("run: {error}"));
        result
            .periods
            .into_iter()
            .map(|period| period.statements.into_iter().map(|statement| (statement.payee.clone(), statement)).collect())
            .collect()
    }
}
