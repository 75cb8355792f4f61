//! The pack's fact table: every period's receipts, each with the payee earnings attributed to
//! it and what the label keeps, so that every breakdown adds up exactly to the period's figures.
//!
//! Attribution (docs/finance.md, "Where the label share comes from"):
//!
//! - A period's statement lines are grouped by release, track, service, territory, usage, tier
//!   and month of sale (the dimensions a statement line carries; contracts and payees are
//!   summed). Each group's payee earnings are apportioned over the period's receipts with the
//!   same dimensions (they differ only by accounting month, currency and the report's own rate)
//!   in proportion to their converted net receipts, to 10⁻¹² by largest remainder, so the parts
//!   add up to the group exactly.
//! - A receipt's label share is its converted net receipts less the payee earnings attributed
//!   to it. The rounding of earnings to the cent is therefore already in the lines (where the
//!   statements put it); the period's rounding total is shown for reference.
//! - Net-profit statement lines for costs and losses carried are not receipts: they become one
//!   fact per period and release, in the period's last month, with no receipts and a label
//!   share equal to minus the payees' part.
//! - Unmatched receipts (suspense) are kept per month: part of net receipts, not label share.
//!
//! Every period is then checked: the facts must add up to the engine's conservation figures
//! exactly, or nothing is returned.

use std::collections::BTreeMap;

use ledgerline_engine::{RunInput, RunResult};
use ledgerline_model::{Month, Period};
use ledgerline_money::{apportion, Currency, Decimal, RoundingMode};
use serde::Serialize;

use crate::error::FinanceError;

/// The dimension value of net-profit costs and losses, which have no service, territory or
/// usage.
pub const CHARGES: &str = "net-profit costs and losses";

/// Receipts of one key in one period, with what the payees earned from them and what the label
/// keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// Index into the periods.
    pub period: usize,
    /// The month the receipts are accounted in (the ledger's accounting basis).
    pub month: Month,
    /// The month of sale; `None` for net-profit costs and losses.
    pub sale_month: Option<Month>,
    /// 13-digit EAN, when matched.
    pub release: Option<String>,
    /// ISRC, when matched.
    pub track: Option<String>,
    pub service: String,
    /// ISO alpha-2 (`WW` worldwide).
    pub territory: String,
    pub usage: String,
    pub tier: String,
    /// Converted into the accounting currency, exact.
    pub net_receipts: Decimal,
    pub payee_earnings: Decimal,
    /// `net_receipts − payee_earnings`.
    pub label_share: Decimal,
}

/// The conservation figures of a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub net_receipts: Decimal,
    pub payee_credits: Decimal,
    pub label_share: Decimal,
    pub rounding: Decimal,
    pub suspense: Decimal,
}

/// One statement period as computed, and as the ledger recorded it when it was closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodFigures {
    pub period: String,
    pub first_month: Month,
    pub last_month: Month,
    /// Closed in the ledger; otherwise a draft computed for the pack.
    pub closed: bool,
    /// What the engine computed now.
    pub computed: Figures,
    /// `period_figures` in the ledger (closed periods only).
    pub ledger: Option<Figures>,
    /// Unmatched receipts by accounting month.
    pub suspense_by_month: BTreeMap<Month, Decimal>,
}

/// The fact table and the periods it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derived {
    pub facts: Vec<Fact>,
    pub periods: Vec<PeriodFigures>,
}

type GroupKey = (String, String, String, String, String, String, String);

fn convert(
    input: &RunInput,
    amount: Decimal,
    from: Currency,
    month: Month,
    report_rate: Option<Decimal>,
) -> Result<Decimal, FinanceError> {
    // The engine's conversion (crates/engine/src/fx.rs), repeated: the facts are checked against
    // the engine's totals below, so any difference is caught, never hidden.
    let to = input.settings.accounting_currency;
    let rounding = input.settings.rounding;
    if from == to || amount.is_zero() {
        return Ok(amount);
    }
    let rate = match report_rate {
        Some(rate) => rate,
        None => match input.fx.rates.get(&(month, from, to)) {
            Some(rate) => *rate,
            None => {
                let reverse = input
                    .fx
                    .rates
                    .get(&(month, to, from))
                    .filter(|rate| !rate.is_zero())
                    .ok_or(FinanceError::MissingRate {
                        from: from.code().to_string(),
                        to: to.code().to_string(),
                        month,
                    })?;
                Decimal::ONE
                    .checked_div(*reverse, rounding)
                    .ok_or(FinanceError::Overflow("an inverse exchange rate"))?
            }
        },
    };
    amount
        .checked_mul(rate, rounding)
        .ok_or(FinanceError::Overflow("a converted amount"))
}

/// Derives the facts of every period of `result` (computed from `input`), and checks each
/// period's facts against its conservation figures. `closed` says which periods are closed and
/// what the ledger recorded for them.
pub fn derive(
    input: &RunInput,
    result: &RunResult,
    ledger: &BTreeMap<String, Figures>,
) -> Result<Derived, FinanceError> {
    let mut derived = Derived::default();
    for (index, period) in result.periods.iter().enumerate() {
        let (first, last) = (period.first_month, period.last_month);
        let name = period.period.to_string();
        let start = derived.facts.len();
        let mut groups: BTreeMap<GroupKey, Vec<usize>> = BTreeMap::new();
        for (key, sums) in input
            .receipts
            .iter()
            .filter(|(key, _)| (first..=last).contains(&key.month))
        {
            let net = convert(input, sums.net, key.currency, key.month, key.report_rate)?;
            let fact = Fact {
                period: index,
                month: key.month,
                sale_month: Some(key.sale_month),
                release: key.release.clone(),
                track: key.track.clone(),
                service: key.service.clone(),
                territory: key.territory.alpha2().to_string(),
                usage: key.usage.name().to_string(),
                tier: key.tier.name().to_string(),
                net_receipts: net,
                payee_earnings: Decimal::ZERO,
                label_share: Decimal::ZERO,
            };
            let group = (
                fact.release.clone().unwrap_or_default(),
                fact.track.clone().unwrap_or_default(),
                fact.service.clone(),
                fact.territory.clone(),
                fact.usage.clone(),
                fact.tier.clone(),
                key.sale_month.to_string(),
            );
            groups.entry(group).or_default().push(derived.facts.len());
            derived.facts.push(fact);
        }
        let mut suspense_by_month: BTreeMap<Month, Decimal> = BTreeMap::new();
        for (key, sums) in input
            .suspense
            .iter()
            .filter(|(key, _)| (first..=last).contains(&key.month))
        {
            *suspense_by_month.entry(key.month).or_default() +=
                convert(input, sums.net, key.currency, key.month, key.report_rate)?;
        }

        let mut earned: BTreeMap<GroupKey, Decimal> = BTreeMap::new();
        let mut charges: BTreeMap<String, Decimal> = BTreeMap::new();
        for statement in &period.statements {
            for line in &statement.earnings {
                if line.usage == "cost" || line.usage == "loss" {
                    *charges.entry(line.release.clone()).or_default() += line.amount;
                } else {
                    let group = (
                        line.release.clone(),
                        line.track.clone(),
                        line.service.clone(),
                        line.territory.clone(),
                        line.usage.clone(),
                        line.tier.clone(),
                        line.sale_month.clone(),
                    );
                    *earned.entry(group).or_default() += line.amount;
                }
            }
        }
        for (group, amount) in earned {
            let Some(members) = groups.get(&group) else {
                return Err(FinanceError::Unattributable {
                    period: name,
                    detail: format!(
                        "statement lines of release {:?}, track {:?}, {} {} {} {} sold {} ({amount}) have no receipts",
                        group.0, group.1, group.2, group.3, group.4, group.5, group.6
                    ),
                });
            };
            let nets: Vec<Decimal> = members
                .iter()
                .map(|member| derived.facts[*member].net_receipts)
                .collect();
            let total: Decimal = nets.iter().copied().sum();
            let parts: Vec<Decimal> = if members.len() == 1 || total.is_zero() {
                let mut parts = vec![Decimal::ZERO; members.len()];
                parts[0] = amount;
                parts
            } else {
                let mut exact = Vec::with_capacity(nets.len());
                for net in &nets {
                    let product = amount
                        .checked_mul(*net, RoundingMode::HalfEven)
                        .ok_or(FinanceError::Overflow("an attribution"))?;
                    exact.push(
                        product
                            .checked_div(total, RoundingMode::HalfEven)
                            .ok_or(FinanceError::Overflow("an attribution"))?,
                    );
                }
                apportion(amount.scaled(), &exact, 12)
                    .into_iter()
                    .map(Decimal::from_scaled)
                    .collect()
            };
            for (member, part) in members.iter().zip(parts) {
                derived.facts[*member].payee_earnings += part;
            }
        }
        for fact in &mut derived.facts[start..] {
            fact.label_share = fact.net_receipts - fact.payee_earnings;
        }
        for (release, amount) in charges {
            derived.facts.push(Fact {
                period: index,
                month: last,
                sale_month: None,
                release: (!release.is_empty()).then_some(release),
                track: None,
                service: CHARGES.to_string(),
                territory: CHARGES.to_string(),
                usage: CHARGES.to_string(),
                tier: CHARGES.to_string(),
                net_receipts: Decimal::ZERO,
                payee_earnings: amount,
                label_share: -amount,
            });
        }

        let conservation = &period.conservation;
        let computed = Figures {
            net_receipts: conservation.net_receipts,
            payee_credits: conservation.payee_credits,
            label_share: conservation.label_share,
            rounding: conservation.rounding,
            suspense: conservation.suspense,
        };
        let facts = &derived.facts[start..];
        let suspense: Decimal = suspense_by_month.values().copied().sum();
        let checks = [
            (
                "net receipts",
                computed.net_receipts,
                facts.iter().map(|fact| fact.net_receipts).sum::<Decimal>() + suspense,
            ),
            (
                "payee credits",
                computed.payee_credits,
                facts.iter().map(|fact| fact.payee_earnings).sum(),
            ),
            (
                "label share",
                computed.label_share,
                facts.iter().map(|fact| fact.label_share).sum(),
            ),
            ("suspense", computed.suspense, suspense),
        ];
        for (what, expected, found) in checks {
            if expected != found {
                return Err(FinanceError::DoesNotAddUp {
                    what: format!("the {what} of {name} by receipt"),
                    expected: expected.to_string(),
                    found: found.to_string(),
                });
            }
        }
        let ledger_figures = ledger.get(&name).copied();
        derived.periods.push(PeriodFigures {
            period: name,
            first_month: first,
            last_month: last,
            closed: ledger_figures.is_some(),
            computed,
            ledger: ledger_figures,
            suspense_by_month,
        });
    }
    Ok(derived)
}

/// The periods to compute for a pack: every closed period, then one month at a time up to
/// `through` (drafts: months after the last close are not issued yet).
pub fn pack_periods(closed: &[Period], through: Month) -> Vec<Period> {
    let mut periods = closed.to_vec();
    let mut next = closed.last().and_then(|period| period.last_month().next());
    if closed.is_empty() {
        // The first period takes every earlier month with data.
        return vec![Period::Month(through)];
    }
    while let Some(month) = next.filter(|month| *month <= through) {
        periods.push(Period::Month(month));
        next = month.next();
    }
    periods
}
