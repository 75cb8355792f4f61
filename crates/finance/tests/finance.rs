//! The lender pack's figures: the valuation multiple against hand-computed values, the decay
//! fit on a generated catalog with a known decay, breakdowns that add up to their totals, and
//! a pack refused when a closed period differs from the ledger.

use std::collections::BTreeMap;

use ledgerline_finance::facts::{Derived, Fact, Figures, PeriodFigures};
use ledgerline_finance::pack::{BalancesAt, CatalogInfo, PackInput, ReleaseInfo, DEFAULT_YEARS};
use ledgerline_finance::stats::{fit_decay, multiple, Observation};
use ledgerline_finance::{build, FinanceError};
use ledgerline_model::{Date, Month};
use ledgerline_money::{Currency, Decimal, RoundingMode};

/// The multiple by adding up the discounted years one by one: Σ_{k=1..N} ((1 − d)/(1 + r))^k.
fn by_hand(r: f64, d: f64, years: u32) -> f64 {
    (1..=years)
        .map(|k| ((1.0 - d) / (1.0 + r)).powi(k as i32))
        .sum()
}

#[test]
fn the_multiple_matches_hand_computed_values() {
    // r = 10%, flat income, 70 years: about 10.0× (9.987…).
    let flat = multiple(0.10, 0.0, 70);
    assert!((flat - 10.0).abs() < 0.05, "{flat}");
    assert!((flat - 9.987_3).abs() < 0.000_1, "{flat}");
    // r = 8.5%, falling 6% a year: about 6.5× (6.48…).
    let falling = multiple(0.085, 0.06, 70);
    assert!((falling - 6.5).abs() < 0.05, "{falling}");
    assert!((falling - 6.482_5).abs() < 0.000_1, "{falling}");
    for (r, d, years) in [
        (0.10, 0.0, 70),
        (0.085, 0.06, 70),
        (0.12, 0.15, 10),
        (0.10, -0.05, 30),
        (0.085, 0.03, 1),
    ] {
        assert!(
            (multiple(r, d, years) - by_hand(r, d, years)).abs() < 1e-9,
            "r {r} d {d} N {years}"
        );
    }
    // q = 1 (growth equal to the discount rate): N years of 1.
    assert!((multiple(0.10, -0.10, 25) - 25.0).abs() < 1e-9);
}

/// A deterministic generator (no clock, no global state): xorshift.
struct Noise(u64);

impl Noise {
    /// Uniform in [-1, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn amount(value: f64) -> Decimal {
    Decimal::parse(&format!("{value:.2}")).unwrap()
}

/// A catalog of 40 releases, one every three months from 2014, with three years of monthly
/// income (2023 to 2025) that falls by `decay` a year, with ±30% noise.
fn generated_catalog(decay: f64) -> (Vec<Fact>, CatalogInfo) {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let mut catalog = CatalogInfo::default();
    let mut facts = Vec::new();
    let first_release = month("2014-01");
    for release in 0..40 {
        let released = first_release.add_months(release * 3).unwrap();
        let ean = format!("{:013}", 5_012_345_000_000u64 + release as u64);
        catalog.releases.insert(
            ean.clone(),
            ReleaseInfo {
                ean: ean.clone(),
                title: format!("Release {release}"),
                artist: format!("Artist {}", release % 7),
                format: if release % 3 == 0 { "album" } else { "single" }.to_string(),
                release_date: Some(released.first_day()),
            },
        );
        let level = 200.0 + 50.0 * f64::from(release % 5);
        for sale in month("2023-01").through(month("2025-12")) {
            let age = sale.index() - released.index();
            if age < 0 {
                continue;
            }
            let income =
                level * (1.0 - decay).powf(f64::from(age) / 12.0) * (1.0 + 0.3 * noise.next());
            let share = amount(income);
            facts.push(Fact {
                period: 0,
                month: sale,
                sale_month: Some(sale),
                release: Some(ean.clone()),
                track: None,
                service: if release % 2 == 0 {
                    "Spotify"
                } else {
                    "Apple Music"
                }
                .to_string(),
                territory: if release % 4 == 0 { "DE" } else { "GB" }.to_string(),
                usage: "stream".to_string(),
                tier: "premium".to_string(),
                net_receipts: share,
                payee_earnings: Decimal::ZERO,
                label_share: share,
            });
        }
    }
    (facts, catalog)
}

fn pack_input(facts: Vec<Fact>, catalog: CatalogInfo, ledger_difference: Decimal) -> PackInput {
    let total: Decimal = facts.iter().map(|fact| fact.label_share).sum();
    let computed = Figures {
        net_receipts: total,
        payee_credits: Decimal::ZERO,
        label_share: total,
        rounding: Decimal::ZERO,
        suspense: Decimal::ZERO,
    };
    let ledger = Figures {
        label_share: total + ledger_difference,
        ..computed
    };
    PackInput {
        label: "Generated Records".to_string(),
        currency: Currency::EUR,
        rounding: RoundingMode::HalfEven,
        as_of: month("2025-12"),
        as_of_reason: "test".to_string(),
        years: DEFAULT_YEARS,
        derived: Derived {
            facts,
            periods: vec![PeriodFigures {
                period: "2025".to_string(),
                first_month: month("2023-01"),
                last_month: month("2025-12"),
                closed: true,
                computed,
                ledger: Some(ledger),
                suspense_by_month: BTreeMap::new(),
            }],
        },
        catalog,
        contracts: Vec::new(),
        balances: BalancesAt::default(),
        imported: Vec::new(),
    }
}

#[test]
fn the_decay_fit_recovers_a_known_decay_within_one_point() {
    for decay in [0.08, 0.18, 0.30] {
        let (facts, catalog) = generated_catalog(decay);
        // The statistic on its own.
        let mut by_release: BTreeMap<(String, i32), f64> = BTreeMap::new();
        for fact in &facts {
            let release = &catalog.releases[fact.release.as_ref().unwrap()];
            let age = fact.month.index() - release.release_date.unwrap().month().index();
            *by_release.entry((release.ean.clone(), age)).or_default() +=
                fact.label_share.to_string().parse::<f64>().unwrap();
        }
        let observations: Vec<Observation> = by_release
            .into_iter()
            .map(|((group, months), income)| Observation {
                group,
                months,
                income,
            })
            .collect();
        let fit = fit_decay(&observations).expect("a fit");
        assert!(
            (fit.annual_decay - decay).abs() < 0.01,
            "decay {decay}: fitted {fit:?}"
        );
        assert!(fit.r_squared > 0.0 && fit.r_squared <= 1.0, "{fit:?}");
        let (low, high) = (
            fit.annual_decay_low.unwrap(),
            fit.annual_decay_high.unwrap(),
        );
        assert!(
            low <= decay && decay <= high,
            "{decay} outside {low}..{high}"
        );

        // Through the whole pack: the catalog rate, and the rate the valuation uses.
        let pack = build(&pack_input(facts, catalog, Decimal::ZERO)).expect("the pack");
        let catalog_fit = pack.decay.catalog.as_ref().expect("a catalog fit");
        assert!(
            (catalog_fit.annual_decay - decay).abs() < 0.01,
            "decay {decay}: {catalog_fit:?}"
        );
        let used: f64 = pack.decay.rate_used.to_string().parse().unwrap();
        assert!((used - decay).abs() < 0.01, "{used}");
        for cohort in &pack.decay.cohorts {
            if let Some(fit) = &cohort.fit {
                assert!(
                    (fit.annual_decay - decay).abs() < 0.05,
                    "cohort {}: {fit:?}",
                    cohort.cohort
                );
            }
        }
    }
}

#[test]
fn a_fit_needs_two_months_of_one_release() {
    let one = [
        Observation {
            group: "A".into(),
            months: 3,
            income: 10.0,
        },
        Observation {
            group: "B".into(),
            months: 5,
            income: 8.0,
        },
    ];
    assert!(fit_decay(&one).is_none());
    assert!(fit_decay(&[]).is_none());
}

#[test]
fn every_breakdown_and_cohort_adds_up_to_the_totals_exactly() {
    let (facts, catalog) = generated_catalog(0.15);
    let total: Decimal = facts.iter().map(|fact| fact.label_share).sum();
    let ltm_total: Decimal = facts
        .iter()
        .filter(|fact| fact.month >= month("2025-01"))
        .map(|fact| fact.label_share)
        .sum();
    let pack = build(&pack_input(facts, catalog, Decimal::ZERO)).expect("the pack");
    assert_eq!(pack.history.flow.label_share, total);
    assert_eq!(pack.ltm.flow.label_share, ltm_total);
    assert_eq!(
        pack.by_year
            .iter()
            .map(|flow| flow.label_share)
            .sum::<Decimal>(),
        total
    );
    assert_eq!(
        pack.by_month
            .iter()
            .map(|flow| flow.label_share)
            .sum::<Decimal>(),
        total
    );
    assert_eq!(pack.by_month.len(), 36);
    let ids: Vec<&str> = pack
        .breakdowns
        .iter()
        .map(|breakdown| breakdown.id)
        .collect();
    assert_eq!(
        ids,
        [
            "source",
            "territory",
            "usage",
            "format",
            "release",
            "cohort"
        ]
    );
    for breakdown in &pack.breakdowns {
        assert_eq!(
            breakdown.rows.iter().map(|row| row.total).sum::<Decimal>(),
            total,
            "{}",
            breakdown.id
        );
        assert_eq!(
            breakdown.rows.iter().map(|row| row.ltm).sum::<Decimal>(),
            ltm_total,
            "{}",
            breakdown.id
        );
        assert_eq!(breakdown.total.total, total);
        for (index, year) in breakdown.years.iter().enumerate() {
            let in_year: Decimal = pack
                .by_year
                .iter()
                .filter(|flow| flow.key == year.to_string())
                .map(|flow| flow.label_share)
                .sum();
            assert_eq!(
                breakdown
                    .rows
                    .iter()
                    .map(|row| row.by_year[index])
                    .sum::<Decimal>(),
                in_year,
                "{} {year}",
                breakdown.id
            );
        }
    }
    let cohorts = pack
        .breakdowns
        .iter()
        .find(|breakdown| breakdown.id == "cohort")
        .unwrap();
    let names: Vec<&str> = cohorts
        .rows
        .iter()
        .map(|row| row.keys[0].as_str())
        .collect();
    assert_eq!(names, ["under 1", "1", "2", "3–4", "5–9", "10+"]);
    // The cohort fits' LTM label shares are the cohort rows' LTM too.
    for fit in &pack.decay.cohorts {
        let row = cohorts
            .rows
            .iter()
            .find(|row| row.keys[0] == fit.cohort)
            .map_or(Decimal::ZERO, |row| row.ltm);
        assert_eq!(fit.ltm_label_share, row, "{}", fit.cohort);
    }
    // The period reconciles to the ledger, and every check has a zero difference.
    assert_eq!(
        pack.reconciliation.periods[0].difference,
        Some(Decimal::ZERO)
    );
    assert!(pack
        .reconciliation
        .checks
        .iter()
        .all(|check| check.difference.is_zero()));
    // Values are LTM × the multiple, to the cent.
    for scenario in &pack.valuation.scenarios {
        for cell in &scenario.cells {
            let expected = pack
                .ltm
                .flow
                .label_share
                .checked_mul(cell.multiple, RoundingMode::HalfEven)
                .unwrap()
                .round_to(2, RoundingMode::HalfEven);
            assert_eq!(cell.value, expected);
        }
    }
    // Dollar age: releases from 2014 to 2023, weighted; somewhere in between.
    let age = pack.dollar_age.expect("a dollar age");
    assert!(
        age.years > Decimal::from_integer(2) && age.years < Decimal::from_integer(12),
        "{age:?}"
    );
    let releases = pack
        .concentration
        .iter()
        .find(|c| c.of == "releases")
        .unwrap();
    assert!(
        releases.top_1 <= releases.top_5
            && releases.top_5 <= releases.top_10
            && releases.top_10 <= Decimal::ONE
    );
}

#[test]
fn a_pack_whose_closed_period_differs_from_the_ledger_is_refused() {
    let (facts, catalog) = generated_catalog(0.15);
    let cent = Decimal::parse("0.01").unwrap();
    match build(&pack_input(facts, catalog, cent)) {
        Err(FinanceError::NotReconciled {
            period,
            figure,
            difference,
            ..
        }) => {
            assert_eq!(period, "2025");
            assert_eq!(figure, "label share");
            assert_eq!(difference, "-0.01");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let error = build(&pack_input(
        Vec::new(),
        CatalogInfo::default(),
        Decimal::ZERO,
    ))
    .unwrap_err();
    assert!(matches!(error, FinanceError::NoData), "{error}");
}

#[test]
fn an_as_of_month_before_the_data_is_refused() {
    let (facts, catalog) = generated_catalog(0.15);
    let mut input = pack_input(facts, catalog, Decimal::ZERO);
    input.as_of = month("2020-01");
    let error = build(&input).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("before the first month with receipts"),
        "{error}"
    );
    let _ = Date::parse("2020-01-01").unwrap();
}
