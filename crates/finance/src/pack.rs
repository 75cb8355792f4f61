//! The lender pack as data: every figure, computed from the fact table (pure, no I/O), and
//! checked before it is returned: each breakdown adds up to its total exactly, and every closed
//! period's figures equal what the ledger recorded when it was closed.

use std::collections::{BTreeMap, BTreeSet};

use ledgerline_model::{Date, Month, Territory};
use ledgerline_money::{Currency, Decimal, RoundingMode};
use serde::Serialize;

use crate::error::FinanceError;
use crate::facts::{Derived, Fact, Figures, CHARGES};
use crate::stats::{self, Fit, Observation, COHORTS};

/// The discount rates of the valuation table.
pub const DISCOUNT_RATES: [&str; 3] = ["0.085", "0.10", "0.12"];
/// Decay scenarios around the fitted rate, in points.
pub const DECAY_SCENARIOS: [i64; 3] = [-3, 0, 3];
/// History shown at most, in months (seven years).
pub const HISTORY_MONTHS: i32 = 84;
/// Years of rights remaining assumed unless given: the term of copyright in sound recordings
/// in the EU and the UK (70 years from publication).
pub const DEFAULT_YEARS: u32 = 70;
/// Releases named in the PDF's release table; the rest are one row (all are in XLSX and JSON).
pub const RELEASES_IN_PDF: usize = 25;

/// A release as the pack describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReleaseInfo {
    pub ean: String,
    pub title: String,
    pub artist: String,
    /// The catalog's format (`album`, `single`, …), or `unknown`.
    pub format: String,
    pub release_date: Option<Date>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrackInfo {
    pub isrc: String,
    pub title: String,
    pub artist: String,
    /// The releases it is on (EANs).
    pub releases: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogInfo {
    pub releases: BTreeMap<String, ReleaseInfo>,
    pub tracks: BTreeMap<String, TrackInfo>,
}

impl CatalogInfo {
    /// The release a fact belongs to: its own, else the earliest-released one its track is on.
    fn release_of(&self, fact: &Fact) -> Option<&ReleaseInfo> {
        if let Some(release) = fact.release.as_ref().and_then(|ean| self.releases.get(ean)) {
            return Some(release);
        }
        let track = self.tracks.get(fact.track.as_ref()?)?;
        track
            .releases
            .iter()
            .filter_map(|ean| self.releases.get(ean))
            .min_by(|a, b| a.release_date.cmp(&b.release_date).then(a.ean.cmp(&b.ean)))
    }
}

/// A contract as the rights register shows it (its latest version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RightsContract {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub deal: String,
    pub start: Date,
    /// `None`: no end date (for as long as the recordings sell).
    pub end: Option<Date>,
    pub territories: String,
    pub releases: Vec<String>,
    pub tracks: Vec<String>,
}

/// One payee's balances at the end of a period (from their statement).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PayeeBalances {
    pub payee: String,
    pub name: String,
    /// Payable on the statement.
    pub payable: Decimal,
    /// Paid since the period ended (recorded payments dated after it).
    pub paid_since: Decimal,
    pub carried_forward: Decimal,
    pub reserves: Decimal,
    pub held: Decimal,
    /// Zero or negative.
    pub unrecouped: Decimal,
}

/// Where the liabilities are read from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BalancesAt {
    /// The period whose closing balances these are, if any.
    pub period: Option<String>,
    pub last_month: Option<Month>,
    /// `issued statements` (a closed period) or `draft` (computed now).
    pub source: String,
    pub payees: Vec<PayeeBalances>,
}

/// Net receipts by the currency they were reported in: the imports' own control totals against
/// the lines the ledger reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportedCurrency {
    pub currency: String,
    pub import_totals: Decimal,
    pub lines_read: Decimal,
    pub difference: Decimal,
}

/// Everything the pack is computed from.
#[derive(Clone, Debug)]
pub struct PackInput {
    pub label: String,
    pub currency: Currency,
    pub rounding: RoundingMode,
    pub as_of: Month,
    /// How `as_of` was chosen, for the pack's notes.
    pub as_of_reason: String,
    pub years: u32,
    pub derived: Derived,
    pub catalog: CatalogInfo,
    pub contracts: Vec<RightsContract>,
    pub balances: BalancesAt,
    pub imported: Vec<ImportedCurrency>,
}

/// Receipts, payee earnings and label share over a span.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub key: String,
    /// Every receipt accounted, matched or not, converted.
    pub net_receipts: Decimal,
    pub suspense: Decimal,
    pub payee_earnings: Decimal,
    pub label_share: Decimal,
}

impl Flow {
    fn add_fact(&mut self, fact: &Fact) {
        self.net_receipts += fact.net_receipts;
        self.payee_earnings += fact.payee_earnings;
        self.label_share += fact.label_share;
    }

    fn add(&mut self, other: &Flow) {
        self.net_receipts += other.net_receipts;
        self.suspense += other.suspense;
        self.payee_earnings += other.payee_earnings;
        self.label_share += other.label_share;
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    pub first_month: Month,
    pub last_month: Month,
    pub months: i32,
    /// Months in the window with any receipts.
    pub months_with_data: usize,
    #[serde(flatten)]
    pub flow: Flow,
}

/// Label share by one dimension: by year of the history, the last twelve months and in total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub id: &'static str,
    pub title: &'static str,
    pub key_columns: Vec<&'static str>,
    pub years: Vec<i32>,
    pub rows: Vec<BreakdownRow>,
    pub total: BreakdownRow,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BreakdownRow {
    pub keys: Vec<String>,
    /// Label share by year of `years`.
    pub by_year: Vec<Decimal>,
    pub ltm: Decimal,
    pub total: Decimal,
    pub net_receipts_ltm: Decimal,
    pub net_receipts_total: Decimal,
}

impl BreakdownRow {
    fn add(&mut self, other: &BreakdownRow) {
        if self.by_year.len() < other.by_year.len() {
            self.by_year.resize(other.by_year.len(), Decimal::ZERO);
        }
        for (mine, theirs) in self.by_year.iter_mut().zip(&other.by_year) {
            *mine += *theirs;
        }
        self.ltm += other.ltm;
        self.total += other.total;
        self.net_receipts_ltm += other.net_receipts_ltm;
        self.net_receipts_total += other.net_receipts_total;
    }
}

/// Shares of the LTM label share earned by the top 1, 5 and 10 of something.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Concentration {
    /// `tracks`, `releases` or `artists`.
    pub of: &'static str,
    /// How many earned a positive label share in the LTM.
    pub earning: usize,
    /// Fractions of the LTM label share, to 4 decimals (`0.1234` is 12.34%).
    pub top_1: Decimal,
    pub top_5: Decimal,
    pub top_10: Decimal,
    /// The largest, by name.
    pub leaders: Vec<(String, Decimal)>,
    /// The LTM label share not attributable to one (no track matched, net-profit costs).
    pub unattributed: Decimal,
}

/// The revenue-weighted age of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DollarAge {
    /// Years, to 2 decimals.
    pub years: Decimal,
    /// The LTM label share of releases with a known release date and a positive LTM label share,
    /// over which the age is weighted.
    pub weighted_over: Decimal,
    pub releases: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CohortFit {
    pub cohort: &'static str,
    pub fit: Option<Fit>,
    /// The cohort's label share in the last twelve months.
    pub ltm_label_share: Decimal,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Decay {
    /// Months of sale left out at the end because their reports are not all in yet.
    pub reporting_lag_months: i32,
    /// The last month of sale used.
    pub last_sale_month: Option<Month>,
    pub cohorts: Vec<CohortFit>,
    pub catalog: Option<Fit>,
    /// The catalog rate as the valuation uses it (rounded to 0.1 point; 0 when nothing fits).
    pub rate_used: Decimal,
    /// Release-months left out because their label share was zero or negative.
    pub non_positive_left_out: usize,
    /// The chart's points: each release-month's distance in months from the release's own mean
    /// month, and its log income less the release's mean log income (the within-release
    /// variation the slope is fitted to).
    #[serde(skip)]
    pub points: Vec<(i32, f64)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Liabilities {
    #[serde(flatten)]
    pub at: BalancesAt,
    /// Payable on the statements less payments recorded since.
    pub payable_outstanding: Decimal,
    pub carried_forward: Decimal,
    pub reserves: Decimal,
    pub held_until_recoupment: Decimal,
    /// Royalties accrued and not yet paid: the sum of the four above.
    pub accrued_unpaid: Decimal,
    /// Advances and costs not yet recouped, as a positive amount: recoverable only from future
    /// royalties of those payees, never owed by them.
    pub unrecouped: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RightsRow {
    pub release: ReleaseInfo,
    pub contracts: Vec<String>,
    pub term_start: Option<Date>,
    /// The earliest end of the contracts covering it, if any has one.
    pub term_end: Option<Date>,
    pub territories: String,
    pub ltm_label_share: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValuationCell {
    pub discount_rate: Decimal,
    /// To 4 decimals.
    pub multiple: Decimal,
    /// LTM label share × multiple, to the cent.
    pub value: Decimal,
    /// False when the decay is growth at or above the discount rate (`q ≥ 1`), where the
    /// multiple only measures how far out `N` reaches: multiple and value are then 0 and the
    /// pack prints "n/m".
    pub meaningful: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValuationScenario {
    pub name: String,
    pub decay: Decimal,
    pub cells: Vec<ValuationCell>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Valuation {
    pub ltm_label_share: Decimal,
    pub years: u32,
    pub scenarios: Vec<ValuationScenario>,
    pub assumptions: Vec<String>,
    pub statement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodReconciliation {
    pub period: String,
    pub first_month: Month,
    pub last_month: Month,
    /// `closed` or `draft`.
    pub status: &'static str,
    pub ledger_net_receipts: Option<Decimal>,
    pub pack_net_receipts: Decimal,
    pub ledger_label_share: Option<Decimal>,
    pub pack_label_share: Decimal,
    /// Pack − ledger (zero for every closed period, or there is no pack).
    pub difference: Option<Decimal>,
    /// The part of the period's label share inside the pack's history.
    pub label_share_in_history: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub what: String,
    pub total: Decimal,
    pub sum: Decimal,
    pub difference: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    pub periods: Vec<PeriodReconciliation>,
    pub checks: Vec<Check>,
    pub imported: Vec<ImportedCurrency>,
}

/// The lender pack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pack {
    pub label: String,
    pub currency: String,
    pub as_of: Month,
    pub as_of_reason: String,
    pub ltm: Window,
    pub history: Window,
    pub warnings: Vec<String>,
    pub by_year: Vec<Flow>,
    pub by_month: Vec<Flow>,
    pub breakdowns: Vec<Breakdown>,
    pub concentration: Vec<Concentration>,
    pub dollar_age: Option<DollarAge>,
    pub decay: Decay,
    pub liabilities: Liabilities,
    pub rights: Vec<RightsRow>,
    pub valuation: Valuation,
    pub reconciliation: Reconciliation,
}

fn months_between(from: Month, to: Month) -> i32 {
    to.index() - from.index()
}

fn fraction(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        return Decimal::ZERO;
    }
    part.checked_div(whole, RoundingMode::HalfEven)
        .map_or(Decimal::ZERO, |value| {
            value.round_to(4, RoundingMode::HalfEven)
        })
}

fn to_f64(value: Decimal) -> f64 {
    value.to_string().parse::<f64>().unwrap_or(0.0)
}

/// A statistic as a `Decimal` with `digits` decimals (the one place `f64` becomes a figure).
fn from_f64(value: f64, digits: usize) -> Decimal {
    if !value.is_finite() {
        return Decimal::ZERO;
    }
    Decimal::parse(&format!("{value:.digits$}")).unwrap_or(Decimal::ZERO)
}

fn territory_name(code: &str) -> String {
    if code == CHARGES {
        return String::new();
    }
    code.parse::<Territory>()
        .map(|territory| territory.english_name().to_string())
        .unwrap_or_default()
}

/// Builds the pack and checks it. Refuses (and returns nothing) when a breakdown does not add up
/// to its total, or a closed period's figures differ from the ledger's.
pub fn build(input: &PackInput) -> Result<Pack, FinanceError> {
    let facts = &input.derived.facts;
    let first_data = facts
        .iter()
        .map(|fact| fact.month)
        .chain(
            input
                .derived
                .periods
                .iter()
                .flat_map(|period| period.suspense_by_month.keys().copied()),
        )
        .min()
        .ok_or(FinanceError::NoData)?;
    let as_of = input.as_of;
    if as_of < first_data {
        return Err(FinanceError::AsOfBeforeData {
            as_of,
            first: first_data,
        });
    }
    let ltm_first = as_of
        .add_months(-11)
        .ok_or(FinanceError::Overflow("a month before 1900"))?;
    let history_first = as_of
        .add_months(1 - HISTORY_MONTHS)
        .ok_or(FinanceError::Overflow("a month before 1900"))?
        .max(first_data);
    let in_history = |month: Month| (history_first..=as_of).contains(&month);
    let in_ltm = |month: Month| (ltm_first..=as_of).contains(&month);
    let window: Vec<&Fact> = facts.iter().filter(|fact| in_history(fact.month)).collect();
    let years: Vec<i32> = (history_first.year()..=as_of.year()).collect();
    let mut warnings = Vec::new();
    let mut checks = Vec::new();

    // Year and month: receipts, suspense, payee earnings and label share.
    let mut months: BTreeMap<Month, Flow> = BTreeMap::new();
    for fact in &window {
        months
            .entry(fact.month)
            .or_insert_with(|| Flow {
                key: fact.month.to_string(),
                ..Flow::default()
            })
            .add_fact(fact);
    }
    for period in &input.derived.periods {
        for (month, amount) in period
            .suspense_by_month
            .iter()
            .filter(|(month, _)| in_history(**month))
        {
            let flow = months.entry(*month).or_insert_with(|| Flow {
                key: month.to_string(),
                ..Flow::default()
            });
            flow.suspense += *amount;
            flow.net_receipts += *amount;
        }
    }
    let mut history_flow = Flow {
        key: "history".to_string(),
        ..Flow::default()
    };
    let mut ltm_flow = Flow {
        key: "ltm".to_string(),
        ..Flow::default()
    };
    let mut by_year: BTreeMap<i32, Flow> = BTreeMap::new();
    for (month, flow) in &months {
        history_flow.add(flow);
        if in_ltm(*month) {
            ltm_flow.add(flow);
        }
        by_year
            .entry(month.year())
            .or_insert_with(|| Flow {
                key: month.year().to_string(),
                ..Flow::default()
            })
            .add(flow);
    }
    history_flow.key = "history".to_string();
    ltm_flow.key = "ltm".to_string();
    let history_label_share: Decimal = window.iter().map(|fact| fact.label_share).sum();
    check(
        &mut checks,
        "label share by month",
        history_label_share,
        months.values().map(|flow| flow.label_share).sum(),
    )?;
    check(
        &mut checks,
        "label share by year",
        history_label_share,
        by_year.values().map(|flow| flow.label_share).sum(),
    )?;
    for flow in months.values().chain(by_year.values()) {
        let accounted = flow.payee_earnings + flow.label_share + flow.suspense;
        check(
            &mut checks,
            &format!(
                "net receipts of {} (payee earnings + label share + suspense)",
                flow.key
            ),
            flow.net_receipts,
            accounted,
        )?;
    }
    let months_with_data = |from: Month| months.keys().filter(|month| **month >= from).count();
    let ltm = Window {
        first_month: ltm_first,
        last_month: as_of,
        months: 12,
        months_with_data: months_with_data(ltm_first),
        flow: ltm_flow,
    };
    let history = Window {
        first_month: history_first,
        last_month: as_of,
        months: months_between(history_first, as_of) + 1,
        months_with_data: months_with_data(history_first),
        flow: history_flow,
    };
    if ltm.months_with_data < 12 {
        warnings.push(format!(
            "The ledger has receipts for {} of the last twelve months ({} to {}): the LTM figure covers only those months and is not annualised; the valuation below applies the multiple to it as it is.",
            ltm.months_with_data, ltm_first, as_of
        ));
    }

    // Breakdowns of the label share.
    let catalog = &input.catalog;
    let release_age = |fact: &Fact| -> Option<i32> {
        let release = catalog.release_of(fact)?;
        let date = release.release_date?;
        Some(months_between(date.month(), fact.sale_month?))
    };
    let cohort_of = |fact: &Fact| -> String {
        if fact.sale_month.is_none() {
            return CHARGES.to_string();
        }
        match release_age(fact) {
            Some(months) => stats::cohort(months).to_string(),
            None => "unknown release date".to_string(),
        }
    };
    type KeyFn<'a> = Box<dyn Fn(&Fact) -> Vec<String> + 'a>;
    let dimensions: Vec<(&'static str, &'static str, Vec<&'static str>, KeyFn, bool)> = vec![
        (
            "source",
            "By source (store or service)",
            vec!["Source"],
            Box::new(|fact: &Fact| vec![fact.service.clone()]),
            true,
        ),
        (
            "territory",
            "By territory",
            vec!["Territory", "Name"],
            Box::new(|fact: &Fact| vec![fact.territory.clone(), territory_name(&fact.territory)]),
            true,
        ),
        (
            "usage",
            "By usage type",
            vec!["Usage"],
            Box::new(|fact: &Fact| vec![fact.usage.clone()]),
            true,
        ),
        (
            "format",
            "By release format",
            vec!["Format"],
            Box::new(|fact: &Fact| {
                if fact.sale_month.is_none() {
                    return vec![CHARGES.to_string()];
                }
                vec![catalog.release_of(fact).map_or_else(
                    || "no release matched".to_string(),
                    |release| release.format.clone(),
                )]
            }),
            true,
        ),
        (
            "release",
            "By release",
            vec!["Release", "Title", "Artist"],
            Box::new(|fact: &Fact| match catalog.release_of(fact) {
                Some(release) => vec![
                    release.ean.clone(),
                    release.title.clone(),
                    release.artist.clone(),
                ],
                None if fact.sale_month.is_none() => {
                    vec![String::new(), CHARGES.to_string(), String::new()]
                }
                None => vec![
                    String::new(),
                    "no release matched".to_string(),
                    String::new(),
                ],
            }),
            true,
        ),
        (
            "cohort",
            "By release age (years since release at the time of sale)",
            vec!["Years since release"],
            Box::new(|fact: &Fact| vec![cohort_of(fact)]),
            false,
        ),
    ];
    let mut breakdowns = Vec::new();
    for (id, title, key_columns, key, by_amount) in dimensions {
        let mut rows: BTreeMap<Vec<String>, BreakdownRow> = BTreeMap::new();
        for fact in &window {
            let keys = key(fact);
            let row = rows.entry(keys.clone()).or_insert_with(|| BreakdownRow {
                keys,
                by_year: vec![Decimal::ZERO; years.len()],
                ..BreakdownRow::default()
            });
            let year_index = (fact.month.year() - years[0]) as usize;
            row.by_year[year_index] += fact.label_share;
            row.total += fact.label_share;
            row.net_receipts_total += fact.net_receipts;
            if in_ltm(fact.month) {
                row.ltm += fact.label_share;
                row.net_receipts_ltm += fact.net_receipts;
            }
        }
        let mut rows: Vec<BreakdownRow> = rows.into_values().collect();
        if by_amount {
            rows.sort_by(|a, b| {
                b.ltm
                    .cmp(&a.ltm)
                    .then(b.total.cmp(&a.total))
                    .then(a.keys.cmp(&b.keys))
            });
        } else {
            let order = |keys: &[String]| {
                COHORTS
                    .iter()
                    .position(|(name, _, _)| *name == keys[0])
                    .unwrap_or(COHORTS.len())
            };
            rows.sort_by(|a, b| {
                order(&a.keys)
                    .cmp(&order(&b.keys))
                    .then(a.keys.cmp(&b.keys))
            });
        }
        let mut total = BreakdownRow {
            keys: vec!["Total".to_string()],
            by_year: vec![Decimal::ZERO; years.len()],
            ..BreakdownRow::default()
        };
        for row in &rows {
            total.add(row);
        }
        check(
            &mut checks,
            &format!("label share {}", title.to_lowercase()),
            history.flow.label_share,
            total.total,
        )?;
        check(
            &mut checks,
            &format!("LTM label share {}", title.to_lowercase()),
            ltm.flow.label_share,
            total.ltm,
        )?;
        for (index, year) in years.iter().enumerate() {
            let year_total = by_year
                .get(year)
                .map_or(Decimal::ZERO, |flow| flow.label_share);
            check(
                &mut checks,
                &format!("{year} label share {}", title.to_lowercase()),
                year_total,
                total.by_year[index],
            )?;
        }
        breakdowns.push(Breakdown {
            id,
            title,
            key_columns,
            years: years.clone(),
            rows,
            total,
        });
    }

    // Concentration in the LTM.
    let ltm_facts: Vec<&Fact> = window
        .iter()
        .copied()
        .filter(|fact| in_ltm(fact.month))
        .collect();
    let ltm_total = ltm.flow.label_share;
    let concentration = vec![
        concentration_of("tracks", &ltm_facts, ltm_total, |fact| {
            let isrc = fact.track.as_ref()?;
            let title = catalog.tracks.get(isrc).map_or(String::new(), |track| {
                format!("{} – {}", track.artist, track.title)
            });
            Some(format!("{isrc} {title}"))
        }),
        concentration_of("releases", &ltm_facts, ltm_total, |fact| {
            catalog
                .release_of(fact)
                .map(|release| format!("{} {} – {}", release.ean, release.artist, release.title))
        }),
        concentration_of("artists", &ltm_facts, ltm_total, |fact| {
            let from_track = fact
                .track
                .as_ref()
                .and_then(|isrc| catalog.tracks.get(isrc))
                .map(|track| track.artist.clone());
            from_track
                .or_else(|| {
                    catalog
                        .release_of(fact)
                        .map(|release| release.artist.clone())
                })
                .filter(|artist| !artist.is_empty())
        }),
    ];

    // Dollar age: LTM label share by release, weighted by the release's age at the as-of month.
    let mut release_ltm: BTreeMap<String, Decimal> = BTreeMap::new();
    for fact in &ltm_facts {
        if let Some(release) = catalog.release_of(fact) {
            *release_ltm.entry(release.ean.clone()).or_default() += fact.label_share;
        }
    }
    let dollar_age = {
        let (mut weight, mut weighted, mut count) = (Decimal::ZERO, Decimal::ZERO, 0usize);
        for (ean, amount) in release_ltm
            .iter()
            .filter(|(_, amount)| amount.is_positive())
        {
            let Some(date) = catalog
                .releases
                .get(ean)
                .and_then(|release| release.release_date)
            else {
                continue;
            };
            let months = i64::from(months_between(date.month(), as_of).max(0));
            weight += *amount;
            weighted += amount
                .checked_mul_integer(i128::from(months))
                .ok_or(FinanceError::Overflow("the dollar age"))?;
            count += 1;
        }
        (!weight.is_zero()).then(|| DollarAge {
            years: weighted
                .checked_div(
                    weight.checked_mul_integer(12).unwrap_or(weight),
                    RoundingMode::HalfEven,
                )
                .map_or(Decimal::ZERO, |years| {
                    years.round_to(2, RoundingMode::HalfEven)
                }),
            weighted_over: weight,
            releases: count,
        })
    };

    let decay = decay(input, &window, &ltm_facts, as_of);
    if decay.catalog.is_none() {
        warnings.push("No decay could be fitted (no release has income in two different months of sale); the valuation assumes flat income (0% decay).".to_string());
    }
    if let Some(fit) = &decay.catalog {
        let sale_months: BTreeSet<Month> =
            window.iter().filter_map(|fact| fact.sale_month).collect();
        let range = fit
            .annual_decay_high
            .zip(fit.annual_decay_low)
            .map(|(high, low)| high - low);
        if fit.r_squared < 0.25 || sale_months.len() < 24 || range.is_none_or(|range| range > 0.2) {
            warnings.push(format!(
                "The fitted decay ({:.1}% a year) is not reliable: {} months of sale, within-release R² {:.2}{}. With little or noisy history the fit mostly measures noise; read the valuation as illustrative and compare the flat (0% decay) reference row.",
                fit.annual_decay * 100.0,
                sale_months.len(),
                fit.r_squared,
                match (fit.annual_decay_low, fit.annual_decay_high) {
                    (Some(low), Some(high)) => format!(", 95% range {:.1}% to {:.1}%", low.max(-9.99) * 100.0, high * 100.0),
                    _ => String::new(),
                }
            ));
        }
    }
    let liabilities = liabilities(&input.balances);
    let rights = rights(input, &release_ltm);
    let ltm_charges: Decimal = ltm_facts
        .iter()
        .filter(|fact| fact.sale_month.is_none())
        .map(|fact| fact.label_share)
        .sum();
    let valuation = valuation(
        input,
        ltm.flow.label_share,
        ltm_charges,
        &decay,
        &ltm,
        &history,
    )?;

    // Reconciliation with the ledger, period by period.
    let mut periods = Vec::new();
    for (index, period) in input.derived.periods.iter().enumerate() {
        let own: Vec<&Fact> = facts.iter().filter(|fact| fact.period == index).collect();
        let suspense: Decimal = period.suspense_by_month.values().copied().sum();
        let pack = Figures {
            net_receipts: own.iter().map(|fact| fact.net_receipts).sum::<Decimal>() + suspense,
            payee_credits: own.iter().map(|fact| fact.payee_earnings).sum(),
            label_share: own.iter().map(|fact| fact.label_share).sum(),
            rounding: period.computed.rounding,
            suspense,
        };
        let in_window: Decimal = own
            .iter()
            .filter(|fact| in_history(fact.month))
            .map(|fact| fact.label_share)
            .sum();
        if let Some(ledger) = &period.ledger {
            for (figure, ledger_value, pack_value) in [
                ("net receipts", ledger.net_receipts, pack.net_receipts),
                ("payee credits", ledger.payee_credits, pack.payee_credits),
                ("label share", ledger.label_share, pack.label_share),
                ("suspense", ledger.suspense, pack.suspense),
            ] {
                if ledger_value != pack_value {
                    return Err(FinanceError::NotReconciled {
                        period: period.period.clone(),
                        figure,
                        ledger: ledger_value.to_string(),
                        pack: pack_value.to_string(),
                        difference: (pack_value - ledger_value).to_string(),
                    });
                }
            }
        }
        if period.first_month > as_of || period.last_month < history_first {
            continue;
        }
        periods.push(PeriodReconciliation {
            period: period.period.clone(),
            first_month: period.first_month,
            last_month: period.last_month,
            status: if period.closed { "closed" } else { "draft" },
            ledger_net_receipts: period.ledger.map(|ledger| ledger.net_receipts),
            pack_net_receipts: pack.net_receipts,
            ledger_label_share: period.ledger.map(|ledger| ledger.label_share),
            pack_label_share: pack.label_share,
            difference: period
                .ledger
                .map(|ledger| pack.label_share - ledger.label_share),
            label_share_in_history: in_window,
        });
    }
    check(
        &mut checks,
        "label share of the periods inside the history",
        history.flow.label_share,
        periods.iter().map(|p| p.label_share_in_history).sum(),
    )?;
    for imported in &input.imported {
        if !imported.difference.is_zero() {
            warnings.push(format!(
                "Net receipts in {}: the imports' control totals are {} but the lines read add up to {} (difference {}).",
                imported.currency, imported.import_totals, imported.lines_read, imported.difference
            ));
        }
    }
    if periods.iter().any(|period| period.status == "draft") {
        warnings.push("Months after the last closed period are drafts computed for this pack (one month at a time); they are not in the ledger yet and can change until their period is closed.".to_string());
    }

    Ok(Pack {
        label: input.label.clone(),
        currency: input.currency.code().to_string(),
        as_of,
        as_of_reason: input.as_of_reason.clone(),
        ltm,
        history,
        warnings,
        by_year: by_year.into_values().collect(),
        by_month: months.into_values().collect(),
        breakdowns,
        concentration,
        dollar_age,
        decay,
        liabilities,
        rights,
        valuation,
        reconciliation: Reconciliation {
            periods,
            checks,
            imported: input.imported.clone(),
        },
    })
}

/// Records a check and refuses when it fails.
fn check(
    checks: &mut Vec<Check>,
    what: &str,
    total: Decimal,
    sum: Decimal,
) -> Result<(), FinanceError> {
    if total != sum {
        return Err(FinanceError::DoesNotAddUp {
            what: format!("the {what}"),
            expected: total.to_string(),
            found: sum.to_string(),
        });
    }
    checks.push(Check {
        what: what.to_string(),
        total,
        sum,
        difference: sum - total,
    });
    Ok(())
}

fn concentration_of(
    of: &'static str,
    facts: &[&Fact],
    total: Decimal,
    name: impl Fn(&Fact) -> Option<String>,
) -> Concentration {
    let mut amounts: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut unattributed = Decimal::ZERO;
    for fact in facts {
        match name(fact) {
            Some(name) => *amounts.entry(name).or_default() += fact.label_share,
            None => unattributed += fact.label_share,
        }
    }
    let mut ranked: Vec<(String, Decimal)> = amounts
        .into_iter()
        .filter(|(_, amount)| amount.is_positive())
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let top = |n: usize| {
        fraction(
            ranked.iter().take(n).map(|(_, amount)| *amount).sum(),
            total,
        )
    };
    Concentration {
        of,
        earning: ranked.len(),
        top_1: top(1),
        top_5: top(5),
        top_10: top(10),
        leaders: ranked.iter().take(10).cloned().collect(),
        unattributed,
    }
}

/// The months of reporting lag that cover 95% of net receipts (by absolute amount).
fn reporting_lag(facts: &[&Fact]) -> i32 {
    let mut by_lag: BTreeMap<i32, Decimal> = BTreeMap::new();
    for fact in facts {
        if let Some(sale) = fact.sale_month {
            *by_lag
                .entry(months_between(sale, fact.month).max(0))
                .or_default() += fact.net_receipts.abs();
        }
    }
    let total: Decimal = by_lag.values().copied().sum();
    let threshold = total
        .checked_mul(
            Decimal::parse("0.95").unwrap_or(Decimal::ONE),
            RoundingMode::HalfEven,
        )
        .unwrap_or(total);
    let mut covered = Decimal::ZERO;
    for (lag, amount) in by_lag {
        covered += amount;
        if covered >= threshold {
            return lag;
        }
    }
    0
}

fn decay(input: &PackInput, window: &[&Fact], ltm_facts: &[&Fact], as_of: Month) -> Decay {
    let catalog = &input.catalog;
    let lag = reporting_lag(window);
    let last_sale = as_of.add_months(-lag);
    // Label share by release and month of sale.
    let mut cells: BTreeMap<(String, Month), (Decimal, i32)> = BTreeMap::new();
    for fact in window {
        let (Some(sale), Some(release)) = (fact.sale_month, catalog.release_of(fact)) else {
            continue;
        };
        let Some(date) = release.release_date else {
            continue;
        };
        if last_sale.is_some_and(|last| sale > last) {
            continue;
        }
        let entry = cells
            .entry((release.ean.clone(), sale))
            .or_insert((Decimal::ZERO, months_between(date.month(), sale).max(0)));
        entry.0 += fact.label_share;
    }
    let mut observations = Vec::new();
    let mut non_positive = 0usize;
    for ((ean, _), (amount, months)) in &cells {
        if amount.is_positive() {
            observations.push(Observation {
                group: ean.clone(),
                months: *months,
                income: to_f64(*amount),
            });
        } else {
            non_positive += 1;
        }
    }
    let mut cohorts = Vec::new();
    for (name, from, to) in COHORTS {
        // Within a cohort, a release's months in that age band form its group.
        let members: Vec<Observation> = observations
            .iter()
            .filter(|o| (from..=to).contains(&o.months))
            .cloned()
            .collect();
        let ltm_label_share = ltm_facts
            .iter()
            .filter(|fact| {
                let months = catalog
                    .release_of(fact)
                    .and_then(|r| r.release_date)
                    .zip(fact.sale_month)
                    .map(|(d, s)| months_between(d.month(), s));
                months.is_some_and(|months| stats::cohort(months) == name)
            })
            .map(|fact| fact.label_share)
            .sum();
        cohorts.push(CohortFit {
            cohort: name,
            fit: stats::fit_decay(&members),
            ltm_label_share,
        });
    }
    let catalog_fit = stats::fit_decay(&observations);
    let rate_used = catalog_fit
        .as_ref()
        .map_or(Decimal::ZERO, |fit| from_f64(fit.annual_decay, 3));
    let mut points = Vec::new();
    if catalog_fit.is_some() {
        let mut groups: BTreeMap<&str, Vec<(i32, f64)>> = BTreeMap::new();
        for observation in &observations {
            groups
                .entry(observation.group.as_str())
                .or_default()
                .push((observation.months, observation.income.ln()));
        }
        for members in groups.values().filter(|members| members.len() >= 2) {
            let n = members.len() as f64;
            let mean_x = members.iter().map(|m| f64::from(m.0)).sum::<f64>() / n;
            let mean_y = members.iter().map(|m| m.1).sum::<f64>() / n;
            for (months, log) in members {
                points.push(((f64::from(*months) - mean_x).round() as i32, log - mean_y));
            }
        }
    }
    Decay {
        reporting_lag_months: lag,
        last_sale_month: last_sale,
        cohorts,
        catalog: catalog_fit,
        rate_used,
        non_positive_left_out: non_positive,
        points,
    }
}

fn liabilities(at: &BalancesAt) -> Liabilities {
    let sum = |field: fn(&PayeeBalances) -> Decimal| at.payees.iter().map(field).sum::<Decimal>();
    let payable_outstanding = sum(|p| p.payable - p.paid_since);
    let carried_forward = sum(|p| p.carried_forward);
    let reserves = sum(|p| p.reserves);
    let held = sum(|p| p.held);
    Liabilities {
        at: at.clone(),
        payable_outstanding,
        carried_forward,
        reserves,
        held_until_recoupment: held,
        accrued_unpaid: payable_outstanding + carried_forward + reserves + held,
        unrecouped: -sum(|p| p.unrecouped),
    }
}

fn rights(input: &PackInput, release_ltm: &BTreeMap<String, Decimal>) -> Vec<RightsRow> {
    let catalog = &input.catalog;
    let mut rows = Vec::new();
    let mut tracklists: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for track in catalog.tracks.values() {
        for ean in &track.releases {
            tracklists
                .entry(ean.as_str())
                .or_default()
                .insert(track.isrc.as_str());
        }
    }
    // Contracts by the releases and tracks they name, found once.
    let mut by_release: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    let mut by_track: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (index, contract) in input.contracts.iter().enumerate() {
        contract.releases.iter().for_each(|ean| {
            by_release.entry(ean.as_str()).or_default().insert(index);
        });
        contract.tracks.iter().for_each(|isrc| {
            by_track.entry(isrc.as_str()).or_default().insert(index);
        });
    }
    for release in catalog.releases.values() {
        let empty = BTreeSet::new();
        let tracks = tracklists.get(release.ean.as_str()).unwrap_or(&empty);
        let mut covering_indices: BTreeSet<usize> = by_release
            .get(release.ean.as_str())
            .cloned()
            .unwrap_or_default();
        for isrc in tracks {
            covering_indices.extend(by_track.get(isrc).into_iter().flatten().copied());
        }
        let covering: Vec<&RightsContract> = covering_indices
            .iter()
            .map(|index| &input.contracts[*index])
            .collect();
        let ltm = release_ltm.get(&release.ean).copied().unwrap_or_default();
        if covering.is_empty() && ltm.is_zero() {
            continue;
        }
        let mut territories: Vec<String> = covering
            .iter()
            .map(|contract| contract.territories.clone())
            .collect();
        territories.sort();
        territories.dedup();
        rows.push(RightsRow {
            release: release.clone(),
            contracts: covering
                .iter()
                .map(|contract| format!("{} v{}", contract.id, contract.version))
                .collect(),
            term_start: covering.iter().map(|contract| contract.start).min(),
            term_end: covering.iter().filter_map(|contract| contract.end).min(),
            territories: if territories.is_empty() {
                "no contract recorded".to_string()
            } else {
                territories.join("; ")
            },
            ltm_label_share: ltm,
        });
    }
    rows.sort_by(|a, b| {
        b.ltm_label_share
            .cmp(&a.ltm_label_share)
            .then(a.release.ean.cmp(&b.release.ean))
    });
    rows
}

fn percent(value: Decimal, digits: u32) -> String {
    let hundredfold = value.checked_mul_integer(100).unwrap_or(value);
    format!(
        "{}%",
        hundredfold.format_fixed(digits, RoundingMode::HalfEven)
    )
}

fn valuation(
    input: &PackInput,
    ltm_label_share: Decimal,
    ltm_charges: Decimal,
    decay: &Decay,
    ltm: &Window,
    history: &Window,
) -> Result<Valuation, FinanceError> {
    let point = Decimal::parse("0.01").unwrap_or(Decimal::ZERO);
    let mut scenarios = Vec::new();
    let _ = history;
    let mut rates: Vec<(String, Decimal)> = DECAY_SCENARIOS
        .iter()
        .map(|offset| {
            let rate = decay.rate_used
                + point
                    .checked_mul_integer(i128::from(*offset))
                    .unwrap_or(Decimal::ZERO);
            let name = match *offset {
                0 => "fitted".to_string(),
                offset if offset > 0 => format!("fitted + {offset} points"),
                offset => format!("fitted − {} points", -offset),
            };
            (name, rate)
        })
        .collect();
    rates.push(("flat (reference)".to_string(), Decimal::ZERO));
    for (name, rate) in rates {
        let mut cells = Vec::new();
        for discount in DISCOUNT_RATES {
            let discount_rate = Decimal::parse(discount).unwrap_or(Decimal::ZERO);
            let q = (1.0 - to_f64(rate)) / (1.0 + to_f64(discount_rate));
            let raw = stats::multiple(to_f64(discount_rate), to_f64(rate), input.years);
            let meaningful = q < 1.0 && raw.is_finite() && raw < 1.0e6;
            let multiple = if meaningful {
                from_f64(raw, 4)
            } else {
                Decimal::ZERO
            };
            let value = ltm_label_share
                .checked_mul(multiple, input.rounding)
                .ok_or(FinanceError::Overflow("a valuation"))?
                .round_to(input.currency.minor_digits(), input.rounding);
            cells.push(ValuationCell {
                discount_rate,
                multiple,
                value,
                meaningful,
            });
        }
        scenarios.push(ValuationScenario {
            name,
            decay: rate,
            cells,
        });
    }
    let fit_text = match &decay.catalog {
        Some(fit) => format!(
            "Decay: the catalog's annual decay fitted from its own history, {} a year (least squares on log label share by months since release, one level per release; {} observations of {} releases, within-release R² {:.2}), rounded to 0.1 point; the scenarios add and subtract 3 points.",
            percent(decay.rate_used, 1),
            fit.observations,
            fit.releases,
            fit.r_squared
        ),
        None => "Decay: none could be fitted; 0% (flat income) is used, with ± 3 points.".to_string(),
    };
    let assumptions = vec![
        format!(
            "Income: the label's net share over the last twelve months ({} to {}), {} {}, as in the ledger{}.",
            ltm.first_month,
            ltm.last_month,
            input.currency.code(),
            ltm_label_share,
            if ltm.months_with_data < 12 { format!(" (only {} months have receipts)", ltm.months_with_data) } else { String::new() }
        ),
        format!(
            "Of the LTM net label share, {} {} is the payees' part of costs and losses in net-profit deals (a smaller payee share, not receipts); the label's own costs are not deducted anywhere in this pack.",
            input.currency.code(),
            ltm_charges
        ),
        fit_text,
        "A reference row with no decay (flat income) is shown beside the scenarios.".to_string(),
        format!(
            "Remaining rights: N = {} years of income, each year's income received at its end (the first a year from now).",
            input.years
        ),
        "Discount rates: 8.5%, 10% and 12% a year.".to_string(),
        "Multiple: M = q(1 − q^N)/(1 − q) with q = (1 − d)/(1 + r); value = LTM net label share × M, rounded to the cent. M is computed in binary floating point and rounded to 4 decimals before it multiplies money.".to_string(),
        format!(
            "Not included: unrecouped balances, liabilities to artists ({} {} accrued and unpaid at {}), taxes, costs of running the catalog, new releases, and rights ending before N years.",
            input.currency.code(),
            liabilities(&input.balances).accrued_unpaid,
            input.balances.last_month.map_or("the last period".to_string(), |month| month.to_string())
        ),
        format!("History used: {} to {}.", history.first_month, history.last_month),
    ];
    Ok(Valuation {
        ltm_label_share,
        years: input.years,
        scenarios,
        assumptions,
        statement: "This is an estimate computed from the label's own ledger with the stated assumptions, not an appraisal or a fairness opinion. A lender or valuer will make their own.".to_string(),
    })
}
