//! Contracts: one per deal, written as `contracts/<id>.toml` (and `<id>-v2.toml` for the second
//! version of an amended contract) in the draft contract format.
//!
//! The deals are chosen to exercise the engine: royalty deals with rate tables, escalations,
//! reserves, deductions and advances; 50/50 net-profit deals; a band whose members share one
//! deal; a licence from another label; a producer paid from record one; a featured artist on
//! one track; two deals of one artist cross-collateralised in a named group; a contract
//! accounted in GBP that is amended during the reporting period. Amounts and rates are quoted
//! decimal strings, never TOML floats, so nothing reads them as binary floating point.

use anyhow::{Context, Result};
use ledgerline_model::{Date, Month};
use ledgerline_money::{allocate, Currency, Decimal};

use crate::label::{DealShape, Label, ReleaseFormat};
use crate::random::Random;
use crate::words;

#[derive(Clone, Debug)]
pub struct ContractPayee {
    /// Index into [`Label::parties`].
    pub party: usize,
    pub share: Decimal,
    pub recoupable: bool,
    pub from_record_one: bool,
}

/// One entry of a royalty rate table; unset keys match everything.
#[derive(Clone, Debug, Default)]
pub struct RateEntry {
    pub service: Option<&'static str>,
    pub usage: Option<&'static str>,
    pub territory: Option<&'static str>,
    pub configuration: Option<&'static str>,
    pub rate: Decimal,
}

#[derive(Clone, Debug)]
pub struct Escalation {
    pub after_units: u64,
    pub rate: Decimal,
}

#[derive(Clone, Debug)]
pub enum DealTerms {
    Royalty { default_rate: Decimal, rates: Vec<RateEntry>, escalations: Vec<Escalation> },
    NetProfit { label_share: Decimal },
}

#[derive(Clone, Debug)]
pub enum Scope {
    /// EAN-13 codes of the releases covered.
    Releases(Vec<String>),
    /// ISRCs of the tracks covered.
    Tracks(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Contract {
    pub id: String,
    pub version: u32,
    pub valid_from: Month,
    pub title: String,
    pub currency: Currency,
    pub basis: &'static str,
    pub scope: Scope,
    pub cross_collateralisation: String,
    pub payees: Vec<ContractPayee>,
    pub terms: DealTerms,
    pub deductions: Vec<(&'static str, Decimal)>,
    pub reserve: Option<(Decimal, u32)>,
    pub advance: Option<(Decimal, Date)>,
    /// Releases (indexes) whose costs this contract carries.
    pub releases: Vec<usize>,
}

impl Contract {
    pub fn file_name(&self) -> String {
        if self.version == 1 {
            format!("{}.toml", self.id)
        } else {
            format!("{}-v{}.toml", self.id, self.version)
        }
    }

    pub fn is_net_profit(&self) -> bool {
        matches!(self.terms, DealTerms::NetProfit { .. })
    }
}

fn decimal(units: i64, digits: u32) -> Decimal {
    Decimal::from_units(i128::from(units), digits).unwrap_or(Decimal::ZERO)
}

/// Equal shares of 1 for `count` payees, in ten-thousandths, adding up to exactly 1.
fn equal_shares(count: usize) -> Result<Vec<Decimal>> {
    let weights = vec![Decimal::ONE; count.max(1)];
    Ok(allocate(Decimal::ONE, &weights, 4)?)
}

/// Builds every contract of the label.
pub fn build_contracts(seed: u64, label: &Label, first_month: Month) -> Result<Vec<Contract>> {
    let mut random = Random::for_stream(seed, "contracts");
    let mut contracts: Vec<Contract> = Vec::new();
    let mut next_number = 1;
    let mut next_id = || {
        let id = format!("C{next_number:03}");
        next_number += 1;
        id
    };

    for (artist_index, artist) in label.artists.iter().enumerate() {
        let releases: Vec<usize> = label.releases_of(artist_index).map(|(index, _)| index).collect();
        let Some(&first_release) = releases.first() else { continue };
        let valid_from = label.releases[first_release].month();
        let shares = equal_shares(artist.payees.len())?;
        let payees: Vec<ContractPayee> = artist
            .payees
            .iter()
            .zip(shares)
            .map(|(&party, share)| ContractPayee { party, share, recoupable: true, from_record_one: false })
            .collect();
        let base_rate = decimal(18 + random.range(0, 7), 2);
        let advance_amount = decimal(2_000 + random.range(0, 16) * 500, 0);
        let scope_of = |indexes: &[usize]| Scope::Releases(indexes.iter().map(|&index| label.releases[index].ean13.clone()).collect());
        // Deals are signed some months before the first release they cover.
        let signing_date = |month: Month| {
            let signed = month.add_months(-4).unwrap_or(month);
            Date::new(signed.year(), signed.number(), 15)
        };

        let base = Contract {
            id: String::new(),
            version: 1,
            valid_from,
            title: format!("Recording agreement: {}", artist.name),
            currency: Currency::EUR,
            basis: "net_receipts",
            scope: scope_of(&releases),
            cross_collateralisation: "payee".to_string(),
            payees,
            terms: DealTerms::Royalty { default_rate: base_rate, rates: Vec::new(), escalations: Vec::new() },
            deductions: Vec::new(),
            reserve: None,
            advance: None,
            releases: releases.clone(),
        };

        match artist.deal {
            DealShape::FullRoyalty => {
                contracts.push(Contract {
                    id: next_id(),
                    terms: DealTerms::Royalty {
                        default_rate: base_rate,
                        rates: vec![
                            RateEntry { usage: Some("download"), rate: base_rate + decimal(5, 2), ..RateEntry::default() },
                            RateEntry { service: Some("TikTok"), rate: decimal(10, 2), ..RateEntry::default() },
                            RateEntry { territory: Some("US"), usage: Some("stream"), rate: base_rate - decimal(2, 2), ..RateEntry::default() },
                            RateEntry { configuration: Some("single"), rate: base_rate + decimal(2, 2), ..RateEntry::default() },
                        ],
                        escalations: vec![
                            Escalation { after_units: 100_000, rate: base_rate + decimal(2, 2) },
                            Escalation { after_units: 500_000, rate: base_rate + decimal(4, 2) },
                        ],
                    },
                    deductions: vec![("distribution_fee", decimal(15, 2)), ("packaging", decimal(5, 2))],
                    reserve: Some((decimal(10, 2), 2)),
                    advance: Some((advance_amount, signing_date(valid_from)?)),
                    ..base
                });
            }
            DealShape::NetProfitWithArtist => {
                contracts.push(Contract {
                    id: next_id(),
                    title: format!("Net profit agreement: {}", artist.name),
                    terms: DealTerms::NetProfit { label_share: decimal(5, 1) },
                    deductions: vec![("distribution_fee", decimal(12, 2))],
                    cross_collateralisation: "none".to_string(),
                    ..base
                });
            }
            DealShape::RoyaltyInPoundsWithNewVersion => {
                let id = next_id();
                let first_version = Contract {
                    id: id.clone(),
                    currency: Currency::GBP,
                    terms: DealTerms::Royalty {
                        default_rate: base_rate,
                        rates: vec![RateEntry { usage: Some("download"), rate: base_rate + decimal(4, 2), ..RateEntry::default() }],
                        escalations: Vec::new(),
                    },
                    deductions: vec![("distribution_fee", decimal(15, 2))],
                    advance: Some((decimal(3_000, 0), signing_date(valid_from)?)),
                    ..base
                };
                // Renegotiated: from the third reporting month the rate goes up two points.
                let amended_from = first_month.add_months(2).context("amendment month")?;
                let mut second_version = first_version.clone();
                second_version.version = 2;
                second_version.valid_from = amended_from;
                second_version.title = format!("{} (amended {})", first_version.title, amended_from);
                second_version.terms = DealTerms::Royalty {
                    default_rate: base_rate + decimal(2, 2),
                    rates: vec![RateEntry { usage: Some("download"), rate: base_rate + decimal(6, 2), ..RateEntry::default() }],
                    escalations: vec![Escalation { after_units: 250_000, rate: base_rate + decimal(4, 2) }],
                };
                contracts.push(first_version);
                contracts.push(second_version);
            }
            DealShape::LicensedFromLabel => {
                let licensor = artist.payees.first().map_or("another label", |&party| label.parties[party].name.as_str());
                contracts.push(Contract {
                    id: next_id(),
                    title: format!("Licence agreement: {} (from {licensor})", artist.name),
                    terms: DealTerms::NetProfit { label_share: decimal(5, 1) },
                    deductions: vec![("distribution_fee", decimal(10, 2))],
                    cross_collateralisation: "none".to_string(),
                    ..base
                });
            }
            DealShape::TwoDealsCrossCollateralised => {
                let group = format!("group-{}", words::ascii_slug(&artist.name, "-"));
                let split = releases.len().div_ceil(2).max(1);
                let (first_releases, later_releases) = releases.split_at(split.min(releases.len()));
                contracts.push(Contract {
                    id: next_id(),
                    title: format!("Recording agreement: {} (first album)", artist.name),
                    scope: scope_of(first_releases),
                    releases: first_releases.to_vec(),
                    cross_collateralisation: group.clone(),
                    advance: Some((advance_amount, signing_date(valid_from)?)),
                    reserve: Some((decimal(15, 2), 3)),
                    ..base.clone()
                });
                if let Some(&second_first) = later_releases.first() {
                    let second_from = label.releases[second_first].month();
                    contracts.push(Contract {
                        id: next_id(),
                        valid_from: second_from,
                        title: format!("Recording agreement: {} (second album)", artist.name),
                        scope: scope_of(later_releases),
                        releases: later_releases.to_vec(),
                        cross_collateralisation: group,
                        terms: DealTerms::Royalty { default_rate: base_rate + decimal(2, 2), rates: Vec::new(), escalations: Vec::new() },
                        advance: Some((advance_amount + decimal(2_500, 0), signing_date(second_from)?)),
                        ..base
                    });
                }
            }
            DealShape::SimpleRoyalty => {
                contracts.push(Contract { id: next_id(), ..base });
            }
        }
    }

    // Producers: three points on one album each, paid from record one (no recoupment).
    let albums: Vec<usize> =
        (0..label.releases.len()).filter(|&index| label.releases[index].format == ReleaseFormat::Album).collect();
    for (position, &producer) in label.producers.iter().enumerate() {
        let Some(&album) = albums.get(position * 2 % albums.len().max(1)) else { continue };
        let release = &label.releases[album];
        let isrcs: Vec<String> =
            release.tracks.iter().filter(|track| track.disc_number == 1).map(|track| label.tracks[track.track].isrc.clone()).collect();
        contracts.push(Contract {
            id: next_id(),
            version: 1,
            valid_from: release.month(),
            title: format!("Producer agreement: {} on {}", label.parties[producer].name, release.title),
            currency: Currency::EUR,
            basis: "net_receipts",
            scope: Scope::Tracks(isrcs),
            cross_collateralisation: "none".to_string(),
            payees: vec![ContractPayee { party: producer, share: Decimal::ONE, recoupable: false, from_record_one: true }],
            terms: DealTerms::Royalty { default_rate: decimal(3, 2), rates: Vec::new(), escalations: Vec::new() },
            deductions: Vec::new(),
            reserve: None,
            advance: None,
            releases: vec![album],
        });
    }

    // Featured artists: a share of the one track they appear on.
    for (track_index, track) in label.tracks.iter().enumerate() {
        let Some(party) = track.featured_party else { continue };
        let Some((release_index, release)) =
            label.releases.iter().enumerate().find(|(_, release)| release.tracks.iter().any(|entry| entry.track == track_index))
        else {
            continue;
        };
        contracts.push(Contract {
            id: next_id(),
            version: 1,
            valid_from: release.month(),
            title: format!("Featured artist agreement: {} on {}", label.parties[party].name, track.title),
            currency: Currency::EUR,
            basis: "net_receipts",
            scope: Scope::Tracks(vec![track.isrc.clone()]),
            cross_collateralisation: "none".to_string(),
            payees: vec![ContractPayee { party, share: Decimal::ONE, recoupable: false, from_record_one: true }],
            terms: DealTerms::Royalty { default_rate: decimal(5, 2), rates: Vec::new(), escalations: Vec::new() },
            deductions: Vec::new(),
            reserve: None,
            advance: None,
            releases: vec![release_index],
        });
    }
    Ok(contracts)
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(control))),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// A rate, share or percent as a quoted decimal with at least two fractional digits
/// (`"0.10"`, `"0.3334"`, `"1.00"`), the way people write them in contracts.
fn quoted_decimal(value: &Decimal) -> String {
    quoted(&crate::text::decimal_text(*value, value.fractional_digits().max(2)))
}

fn string_array(items: &[String]) -> String {
    let quoted_items: Vec<String> = items.iter().map(|item| quoted(item)).collect();
    format!("[{}]", quoted_items.join(", "))
}

/// The contract as a TOML document.
pub fn contract_toml(contract: &Contract, label: &Label) -> String {
    let mut text = String::new();
    let mut line = |content: String| {
        text.push_str(&content);
        text.push('\n');
    };
    line(format!("id = {}", quoted(&contract.id)));
    line(format!("version = {}", contract.version));
    line(format!("valid_from = {}", quoted(&contract.valid_from.to_string())));
    line(format!("title = {}", quoted(&contract.title)));
    line(format!("currency = {}", quoted(contract.currency.code())));
    line(format!("deal = {}", quoted(if contract.is_net_profit() { "net_profit" } else { "royalty" })));
    line(format!("basis = {}", quoted(contract.basis)));
    match &contract.scope {
        Scope::Releases(codes) => line(format!("releases = {}", string_array(codes))),
        Scope::Tracks(isrcs) => line(format!("tracks = {}", string_array(isrcs))),
    }
    line(format!("cross_collateralisation = {}", quoted(&contract.cross_collateralisation)));
    for payee in &contract.payees {
        line(String::new());
        line("[[payees]]".to_string());
        line(format!("party = {}", quoted(&label.parties[payee.party].id)));
        line(format!("share = {}", quoted_decimal(&payee.share)));
        line(format!("recoupable = {}", payee.recoupable));
        if payee.from_record_one {
            line("from_record_one = true".to_string());
        }
    }
    match &contract.terms {
        DealTerms::Royalty { default_rate, rates, escalations } => {
            line(String::new());
            line("[royalty]".to_string());
            line(format!("default_rate = {}", quoted_decimal(default_rate)));
            for entry in rates {
                line(String::new());
                line("[[royalty.rates]]".to_string());
                let keys = [
                    ("service", entry.service),
                    ("usage", entry.usage),
                    ("territory", entry.territory),
                    ("configuration", entry.configuration),
                ];
                for (key, value) in keys {
                    if let Some(value) = value {
                        line(format!("{key} = {}", quoted(value)));
                    }
                }
                line(format!("rate = {}", quoted_decimal(&entry.rate)));
            }
            for escalation in escalations {
                line(String::new());
                line("[[royalty.escalations]]".to_string());
                line(format!("after_units = {}", escalation.after_units));
                line(format!("rate = {}", quoted_decimal(&escalation.rate)));
            }
        }
        DealTerms::NetProfit { label_share } => {
            line(String::new());
            line("[net_profit]".to_string());
            line(format!("label_share = {}", quoted_decimal(label_share)));
        }
    }
    for (kind, percent) in &contract.deductions {
        line(String::new());
        line("[[deductions]]".to_string());
        line(format!("kind = {}", quoted(kind)));
        line(format!("percent = {}", quoted_decimal(percent)));
    }
    if let Some((percent, periods)) = &contract.reserve {
        line(String::new());
        line("[reserve]".to_string());
        line(format!("percent = {}", quoted_decimal(percent)));
        line(format!("release_over_periods = {periods}"));
    }
    if let Some((amount, date)) = &contract.advance {
        line(String::new());
        line("[advance]".to_string());
        line(format!("amount = {}", quoted(&crate::text::decimal_text(*amount, contract.currency.minor_digits()))));
        line(format!("date = {}", quoted(&date.to_string())));
    }
    text
}
