//! Steps 1 to 4 of "How the terms apply" (docs/contracts.md) for one receipt under one contract
//! version: coverage, base, deductions, rate.

use std::collections::{BTreeMap, BTreeSet};

use ledgerline_contracts::{
    Basis, Configuration, Contract, Deal, DeductionAmount, Escalation, EscalationThreshold, RateChange, Sale,
};
use ledgerline_model::{Month, Territory};
use ledgerline_money::{Decimal, RoundingMode};

use crate::input::{Catalog, ReceiptKey};

/// Every version of every contract, and which contracts name which recordings.
pub(crate) struct ContractIndex<'a> {
    /// Versions by contract id, in version order (validation keeps `valid_from` increasing).
    pub versions: BTreeMap<&'a str, Vec<&'a Contract>>,
    /// The same versions by the id's place in `versions`, and those places.
    pub lists: Vec<Vec<&'a Contract>>,
    places: BTreeMap<&'a str, usize>,
    by_release: BTreeMap<&'a str, BTreeSet<&'a str>>,
    by_track: BTreeMap<&'a str, BTreeSet<&'a str>>,
}

impl<'a> ContractIndex<'a> {
    pub fn new(contracts: &'a [Contract]) -> ContractIndex<'a> {
        let mut versions: BTreeMap<&str, Vec<&Contract>> = BTreeMap::new();
        let mut by_release: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut by_track: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for contract in contracts {
            versions.entry(contract.id.as_str()).or_default().push(contract);
            for release in &contract.scope.releases {
                by_release.entry(release.as_str()).or_default().insert(contract.id.as_str());
            }
            for track in &contract.scope.tracks {
                by_track.entry(track.as_str()).or_default().insert(contract.id.as_str());
            }
        }
        for list in versions.values_mut() {
            list.sort_by_key(|contract| contract.version);
        }
        let lists = versions.values().cloned().collect();
        let places = versions.keys().enumerate().map(|(place, id)| (*id, place)).collect();
        ContractIndex { versions, lists, places, by_release, by_track }
    }

    /// The place of a contract id in [`ContractIndex::lists`].
    pub fn place(&self, id: &str) -> Option<usize> {
        self.places.get(id).copied()
    }

    /// The version of a contract in force in `month`: the highest whose `valid_from` is not
    /// after it.
    pub fn in_force(&self, id: &str, month: Month) -> Option<&'a Contract> {
        in_force_of(self.versions.get(id)?, month)
    }

    /// The latest version whose `valid_from` is not after `month`, or the first version when
    /// the contract starts later (used for settlement terms of contracts without sales yet).
    pub fn governing(&self, id: &str, month: Month) -> Option<&'a Contract> {
        governing_of(self.versions.get(id)?, month)
    }

    /// The contracts that name the receipt's recording: its release, its track, or a release
    /// the track is on. Sorted by id.
    pub fn candidates(&self, key: &ReceiptKey, catalog: &Catalog) -> BTreeSet<&'a str> {
        let mut found = BTreeSet::new();
        let mut add_release = |ean: &str| {
            if let Some(ids) = self.by_release.get(ean) {
                found.extend(ids.iter().copied());
            }
        };
        match (&key.release, &key.track) {
            (Some(release), _) => add_release(release),
            (None, Some(track)) => catalog.releases_of_track(track).into_iter().for_each(add_release),
            (None, None) => {}
        }
        if let Some(track) = &key.track {
            if let Some(ids) = self.by_track.get(track.as_str()) {
                found.extend(ids.iter().copied());
            }
        }
        found
    }
}

/// Of a contract's versions (in version order), the one in force in `month`: the highest whose
/// `valid_from` is not after it.
pub(crate) fn in_force_of<'a>(versions: &[&'a Contract], month: Month) -> Option<&'a Contract> {
    versions.iter().rev().find(|contract| contract.valid_from <= month).copied()
}

/// Of a contract's versions, the one [`ContractIndex::governing`] gives.
pub(crate) fn governing_of<'a>(versions: &[&'a Contract], month: Month) -> Option<&'a Contract> {
    in_force_of(versions, month).or_else(|| versions.first().copied())
}

/// Whether the version covers the receipt: recording, territory, term.
pub(crate) fn covers(contract: &Contract, key: &ReceiptKey, catalog: &Catalog) -> bool {
    let releases_named = contract.scope.releases.iter().any(|code| {
        let ean = code.as_str();
        key.release.as_deref() == Some(ean)
            || (key.release.is_none()
                && key.track.as_ref().is_some_and(|track| catalog.releases.get(ean).is_some_and(|release| release.tracks.contains(track))))
    });
    let track_named = key.track.as_ref().is_some_and(|track| contract.scope.tracks.iter().any(|code| code.as_str() == track));
    let territory_covered = match key.territory {
        Territory::Worldwide => contract.scope.territories.is_worldwide(),
        Territory::Country(country) => contract.scope.territories.covers(country),
    };
    (releases_named || track_named) && territory_covered && contract.term_covers_month(key.sale_month)
}

/// What the product sold is: the release's format when the line names a release, a track on
/// its own otherwise.
pub(crate) fn configuration(key: &ReceiptKey, catalog: &Catalog) -> Option<Configuration> {
    match &key.release {
        Some(ean) => catalog.releases.get(ean).and_then(|release| release.configuration),
        None => key.track.as_ref().map(|_| Configuration::Track),
    }
}

pub(crate) fn sale<'k>(key: &'k ReceiptKey, catalog: &Catalog) -> Sale<'k> {
    Sale { service: &key.service, usage: key.usage, tier: key.tier, territory: key.territory, configuration: configuration(key, catalog) }
}

/// The base of a receipt under a contract, in the accounting currency.
pub(crate) fn base(contract: &Contract, net: Decimal, gross: Decimal) -> Decimal {
    match contract.basis {
        Basis::NetReceipts => net,
        Basis::GrossReceipts => gross,
    }
}

/// The deductions that apply to a sale, and what is left of the base: never below zero for a
/// sale, never above zero for a return. `per_unit` converts a per-unit amount from the
/// contract's currency.
pub(crate) fn deduct(
    contract: &Contract,
    sale: &Sale<'_>,
    base: Decimal,
    units: i64,
    per_unit: &dyn Fn(Decimal) -> Option<Decimal>,
    rounding: RoundingMode,
) -> Option<(Decimal, Decimal)> {
    let mut deducted = Decimal::ZERO;
    for deduction in contract.deductions.iter().filter(|deduction| deduction.conditions.matches(sale)) {
        deducted += match deduction.amount {
            DeductionAmount::Rate(rate) => base.checked_mul(rate, rounding)?,
            DeductionAmount::PerUnit(amount) => per_unit(amount)?.checked_mul_integer(i128::from(units))?,
        };
    }
    let left = base - deducted;
    let left = if base.is_negative() { left.min(Decimal::ZERO).max(base) } else { left.max(Decimal::ZERO).min(base) };
    Some((base - left, left))
}

/// Which escalation step a contract has reached, if any, as of the end of the previous month.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EscalationState {
    pub units: i128,
    pub receipts: Decimal,
    pub reached: Option<usize>,
}

/// The royalty rate for a sale: the rate table's, then the escalation step that applies.
pub(crate) fn royalty_rate(contract: &Contract, sale: &Sale<'_>, sale_month: Month, state: &EscalationState) -> Option<Decimal> {
    let Deal::Royalty(terms) = &contract.deal else { return None };
    let entry = terms.rates.entry_for(sale);
    let written = entry.map_or(terms.rates.default_rate, |entry| entry.rate);
    let step = match terms.escalations.first().map(|step| step.threshold) {
        Some(EscalationThreshold::From(_)) => date_step(&terms.escalations, sale_month),
        Some(_) => state.reached,
        None => None,
    };
    let Some(step) = step.and_then(|index| terms.escalations.get(index)) else { return Some(written) };
    Some(match step.change {
        RateChange::DefaultRate(rate) if entry.is_none() => rate,
        RateChange::DefaultRate(_) => written,
        RateChange::Increase(increase) => (written + increase).min(Decimal::ONE),
    })
}

/// The last date step whose month has begun by the sale month.
fn date_step(steps: &[Escalation], sale_month: Month) -> Option<usize> {
    steps.iter().rposition(|step| matches!(step.threshold, EscalationThreshold::From(date) if date.month() <= sale_month))
}

/// The last units or receipts step the cumulative counts reach. `threshold_amount` converts a
/// receipts threshold from the contract's currency.
pub(crate) fn reached_step(
    steps: &[Escalation],
    state: &EscalationState,
    threshold_amount: &dyn Fn(Decimal) -> Option<Decimal>,
) -> Option<usize> {
    steps.iter().rposition(|step| match step.threshold {
        EscalationThreshold::AfterUnits(units) => state.units >= i128::from(units),
        EscalationThreshold::AfterReceipts(amount) => threshold_amount(amount).is_some_and(|amount| state.receipts >= amount),
        EscalationThreshold::From(_) => false,
    })
}
