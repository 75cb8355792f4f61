//! Contracts: one per deal, written as `contracts/<id>.toml` (and `<id>-v2.toml` for the second
//! version of an amended contract) in the contract format of `docs/contracts.md`, through
//! `ledgerline-contracts` itself, so the files are in the format by construction.
//!
//! The deals are chosen so that every mechanic of the format appears in a default run: royalty
//! deals with rate tables by service, usage, tier, territory and configuration; escalations by
//! units, by receipts and from a date; reserves; deductions as a rate and per unit; advances per
//! contract and per release, fully and partly recoupable; recoupable costs (video at 50%);
//! 50/50 net-profit deals; a band whose members share one deal; a licence from another label
//! with a term end and excluded territories; producers and a featured artist paid from record
//! one once the artist's contract has recouped; two deals of one artist cross-collateralised in
//! a named group; a transfer (letter of direction); payee settings with VAT, self-billing,
//! withholding tax and bank details; half-yearly, quarterly and monthly accounting; a contract
//! accounted in GBP that is amended during the reporting period.

use anyhow::{Context, Result};
use ledgerline_contracts::{
    contract_to_toml, iban_check_digits, Accounting, AccountingFrequency, Advance, BankAccount, Basis, Bic, Conditions,
    Configuration, CrossCollateralisation, Deal, Deduction, DeductionAmount, Escalation, EscalationThreshold, Iban,
    NetProfitTerms, Payee, PayeeSettings, RateChange, RateEntry, RateTable, RecoupableCost, Reserve, RoyaltyTerms,
    Scope as ContractScope, Term, TerritoryScope, Tier, Transfer, TransferBase, Usage, VatRegistration,
};
use ledgerline_model::{Date, Icpn, Isrc, Month, Territory};
use ledgerline_money::{allocate, Currency, Decimal};

use crate::label::{DealShape, Label, PartyKind, ReleaseFormat};
use crate::random::Random;
use crate::words;

#[derive(Clone, Debug)]
pub struct ContractPayee {
    /// Index into [`Label::parties`].
    pub party: usize,
    pub share: Decimal,
    pub recoupable: bool,
    /// Producers and featured artists: paid from record one once `recoupment_of` has recouped,
    /// and never charged with production costs.
    pub from_record_one: bool,
    /// The contract whose recoupment releases a from-record-one payee's earnings.
    pub recoupment_of: Option<String>,
    /// The party's payee settings, carried by its first contract only (and that contract's
    /// later versions).
    pub settings: Option<PayeeSettings>,
}

#[derive(Clone, Debug)]
pub enum Scope {
    /// The releases covered.
    Releases(Vec<Icpn>),
    /// The tracks covered.
    Tracks(Vec<Isrc>),
}

/// A transfer between two parties (indexes into [`Label::parties`]).
#[derive(Clone, Debug)]
pub struct PartyTransfer {
    pub from: usize,
    pub to: usize,
    pub share: Decimal,
    pub of: TransferBase,
    pub description: &'static str,
}

#[derive(Clone, Debug)]
pub struct Contract {
    pub id: String,
    pub version: u32,
    pub valid_from: Month,
    pub title: String,
    pub currency: Currency,
    pub basis: Basis,
    pub term: Term,
    pub accounting: Accounting,
    pub scope: Scope,
    /// Countries carved out of worldwide.
    pub excluded_territories: Vec<Territory>,
    pub cross_collateralisation: CrossCollateralisation,
    pub payees: Vec<ContractPayee>,
    pub deal: Deal,
    pub deductions: Vec<Deduction>,
    pub reserve: Option<Reserve>,
    /// The advance paid on signature, which the costs file also lists as paid.
    pub advance: Option<(Decimal, Date)>,
    /// Further advances written in the contract: per release, or partly recoupable.
    pub more_advances: Vec<Advance>,
    pub recoupable_costs: Vec<RecoupableCost>,
    pub transfers: Vec<PartyTransfer>,
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
        matches!(self.deal, Deal::NetProfit(_))
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

fn royalty(default_rate: Decimal, entries: Vec<RateEntry>, escalations: Vec<Escalation>) -> Deal {
    Deal::Royalty(RoyaltyTerms { rates: RateTable { default_rate, entries }, escalations })
}

fn entry(conditions: Conditions, rate: Decimal) -> RateEntry {
    RateEntry { conditions, rate }
}

fn deduction(name: &str, amount: DeductionAmount, usages: Vec<Usage>) -> Deduction {
    Deduction { name: name.to_string(), amount, conditions: Conditions { usages, ..Conditions::default() } }
}

fn cost(kind: &str, recoupable: Decimal) -> RecoupableCost {
    RecoupableCost { kind: kind.to_string(), recoupable, release: None }
}

/// What artists' deals charge back: recording and tour support in full, videos half; a
/// net-profit deal also takes marketing out of the profit. Matches `costs.csv`.
fn production_costs(net_profit: bool) -> Vec<RecoupableCost> {
    let mut costs = vec![cost("recording", Decimal::ONE), cost("video", decimal(5, 1)), cost("tour_support", Decimal::ONE)];
    if net_profit {
        costs.push(cost("marketing", Decimal::ONE));
    }
    costs
}

fn half_yearly() -> Accounting {
    Accounting { frequency: AccountingFrequency::HalfYearly, minimum_payout: Decimal::ZERO }
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
            .map(|(&party, share)| ContractPayee {
                party,
                share,
                recoupable: true,
                from_record_one: false,
                recoupment_of: None,
                settings: None,
            })
            .collect();
        let base_rate = decimal(18 + random.range(0, 7), 2);
        let advance_amount = decimal(2_000 + random.range(0, 16) * 500, 0);
        let scope_of = |indexes: &[usize]| -> Result<Scope> {
            Ok(Scope::Releases(indexes.iter().map(|&index| Icpn::parse(&label.releases[index].ean13)).collect::<Result<_, _>>()?))
        };
        // Deals are signed some months before the first release they cover.
        let signing_date = |month: Month| {
            let signed = month.add_months(-4).unwrap_or(month);
            Date::new(signed.year(), signed.number(), 15)
        };
        let signed = signing_date(valid_from)?;

        let base = Contract {
            id: String::new(),
            version: 1,
            valid_from,
            title: format!("Recording agreement: {}", artist.name),
            currency: Currency::EUR,
            basis: Basis::NetReceipts,
            term: Term { start: signed, end: None },
            accounting: half_yearly(),
            scope: scope_of(&releases)?,
            excluded_territories: Vec::new(),
            cross_collateralisation: CrossCollateralisation::Payee,
            payees,
            deal: royalty(base_rate, Vec::new(), Vec::new()),
            deductions: Vec::new(),
            reserve: None,
            advance: None,
            more_advances: Vec::new(),
            recoupable_costs: production_costs(false),
            transfers: Vec::new(),
            releases: releases.clone(),
        };

        match artist.deal {
            DealShape::FullRoyalty => {
                let rates = vec![
                    entry(Conditions { usages: vec![Usage::Download], ..Conditions::default() }, base_rate + decimal(5, 2)),
                    entry(
                        Conditions { services: vec!["TikTok".to_string()], usages: vec![Usage::Ugc], ..Conditions::default() },
                        decimal(10, 2),
                    ),
                    entry(
                        Conditions { usages: vec![Usage::Stream], tiers: vec![Tier::AdSupported, Tier::Trial], ..Conditions::default() },
                        base_rate - decimal(3, 2),
                    ),
                    entry(
                        Conditions { usages: vec![Usage::Stream], territories: vec![Territory::parse("US")?], ..Conditions::default() },
                        base_rate - decimal(2, 2),
                    ),
                    entry(Conditions { configurations: vec![Configuration::Single], ..Conditions::default() }, base_rate + decimal(2, 2)),
                ];
                let escalations = vec![
                    Escalation { threshold: EscalationThreshold::AfterUnits(100_000), change: RateChange::DefaultRate(base_rate + decimal(2, 2)) },
                    Escalation { threshold: EscalationThreshold::AfterUnits(500_000), change: RateChange::DefaultRate(base_rate + decimal(4, 2)) },
                ];
                contracts.push(Contract {
                    id: next_id(),
                    deal: royalty(base_rate, rates, escalations),
                    accounting: Accounting { frequency: AccountingFrequency::HalfYearly, minimum_payout: decimal(50, 0) },
                    deductions: vec![
                        deduction("Distribution fee", DeductionAmount::Rate(decimal(15, 2)), Vec::new()),
                        deduction("Packaging", DeductionAmount::Rate(decimal(5, 2)), vec![Usage::Physical]),
                        deduction("Manufacturing", DeductionAmount::PerUnit(decimal(80, 2)), vec![Usage::Physical]),
                    ],
                    reserve: Some(Reserve { rate: decimal(10, 2), release_over_periods: 2, usages: Vec::new() }),
                    advance: Some((advance_amount, signed)),
                    ..base
                });
            }
            DealShape::NetProfitWithArtist => {
                contracts.push(Contract {
                    id: next_id(),
                    title: format!("Net profit agreement: {}", artist.name),
                    deal: Deal::NetProfit(NetProfitTerms { label_share: decimal(5, 1) }),
                    accounting: Accounting { frequency: AccountingFrequency::Quarterly, minimum_payout: decimal(25, 0) },
                    deductions: vec![deduction("Distribution fee", DeductionAmount::Rate(decimal(12, 2)), Vec::new())],
                    recoupable_costs: production_costs(true),
                    cross_collateralisation: CrossCollateralisation::None,
                    ..base
                });
            }
            DealShape::RoyaltyInPoundsWithNewVersion => {
                let id = next_id();
                let download = |rate| entry(Conditions { usages: vec![Usage::Download], ..Conditions::default() }, rate);
                let first_version = Contract {
                    id: id.clone(),
                    currency: Currency::GBP,
                    deal: royalty(base_rate, vec![download(base_rate + decimal(4, 2))], Vec::new()),
                    accounting: Accounting { frequency: AccountingFrequency::Monthly, minimum_payout: decimal(20, 0) },
                    deductions: vec![deduction("Distribution fee", DeductionAmount::Rate(decimal(15, 2)), Vec::new())],
                    advance: Some((decimal(3_000, 0), signed)),
                    ..base
                };
                // Renegotiated: from the third reporting month the rates go up two points, and
                // two more once the contract's receipts pass £20,000.
                let amended_from = first_month.add_months(2).context("amendment month")?;
                let mut second_version = first_version.clone();
                second_version.version = 2;
                second_version.valid_from = amended_from;
                second_version.title = format!("{} (amended {})", first_version.title, amended_from);
                second_version.deal = royalty(
                    base_rate + decimal(2, 2),
                    vec![download(base_rate + decimal(6, 2))],
                    vec![Escalation { threshold: EscalationThreshold::AfterReceipts(decimal(20_000, 0)), change: RateChange::Increase(decimal(2, 2)) }],
                );
                contracts.push(first_version);
                contracts.push(second_version);
            }
            DealShape::LicensedFromLabel => {
                let licensor = artist.payees.first().map_or("another label", |&party| label.parties[party].name.as_str());
                // A fifteen-year licence for the world except North America, where the licensor
                // has its own distribution.
                let end = Date::new(signed.year() + 15, signed.month_number(), signed.day())?;
                let mut payees = base.payees.clone();
                for payee in &mut payees {
                    payee.recoupable = false;
                }
                contracts.push(Contract {
                    id: next_id(),
                    title: format!("Licence agreement: {} (from {licensor})", artist.name),
                    deal: Deal::NetProfit(NetProfitTerms { label_share: decimal(5, 1) }),
                    term: Term { start: signed, end: Some(end) },
                    accounting: Accounting { frequency: AccountingFrequency::Quarterly, minimum_payout: Decimal::ZERO },
                    excluded_territories: vec![Territory::parse("US")?, Territory::parse("CA")?],
                    deductions: vec![deduction("Distribution fee", DeductionAmount::Rate(decimal(10, 2)), Vec::new())],
                    recoupable_costs: production_costs(true),
                    cross_collateralisation: CrossCollateralisation::None,
                    payees,
                    ..base
                });
            }
            DealShape::TwoDealsCrossCollateralised => {
                let group = CrossCollateralisation::Group(format!("group-{}", words::ascii_slug(&artist.name, "-")));
                let split = releases.len().div_ceil(2).max(1);
                let (first_releases, later_releases) = releases.split_at(split.min(releases.len()));
                contracts.push(Contract {
                    id: next_id(),
                    title: format!("Recording agreement: {} (first album)", artist.name),
                    scope: scope_of(first_releases)?,
                    releases: first_releases.to_vec(),
                    cross_collateralisation: group.clone(),
                    advance: Some((advance_amount, signed)),
                    reserve: Some(Reserve { rate: decimal(15, 2), release_over_periods: 3, usages: vec![Usage::Physical] }),
                    ..base.clone()
                });
                if let Some(&second_first) = later_releases.first() {
                    let second_from = label.releases[second_first].month();
                    let second_signed = signing_date(second_from)?;
                    let second_rate = base_rate + decimal(2, 2);
                    // A delivery advance that only the second album's first release pays back,
                    // half of it recoupable.
                    let delivery = Advance {
                        amount: decimal(1_500, 0),
                        date: label.releases[second_first].date,
                        recoupable: decimal(5, 1),
                        release: Some(Icpn::parse(&label.releases[second_first].ean13)?),
                        description: Some("On delivery".to_string()),
                    };
                    // Two years after signing the rate goes up again, whatever the sales.
                    let step_date = Date::new(second_signed.year() + 2, 1, 1)?;
                    contracts.push(Contract {
                        id: next_id(),
                        valid_from: second_from,
                        title: format!("Recording agreement: {} (second album)", artist.name),
                        term: Term { start: second_signed, end: None },
                        scope: scope_of(later_releases)?,
                        releases: later_releases.to_vec(),
                        cross_collateralisation: group,
                        deal: royalty(
                            second_rate,
                            Vec::new(),
                            vec![Escalation { threshold: EscalationThreshold::From(step_date), change: RateChange::DefaultRate(second_rate + decimal(2, 2)) }],
                        ),
                        advance: Some((advance_amount + decimal(2_500, 0), second_signed)),
                        more_advances: vec![delivery],
                        ..base
                    });
                }
            }
            DealShape::SimpleRoyalty => {
                // The artist directs the label to pay a tenth of what they are paid to the
                // label's first producer, who worked on the record (a letter of direction).
                let transfers = match (base.payees.first(), label.producers.first()) {
                    (Some(payee), Some(&producer)) => vec![PartyTransfer {
                        from: payee.party,
                        to: producer,
                        share: decimal(10, 2),
                        of: TransferBase::Payable,
                        description: "Letter of direction: producer royalty",
                    }],
                    _ => Vec::new(),
                };
                contracts.push(Contract { id: next_id(), transfers, ..base });
            }
        }
    }

    // The contract (first version) that carries a release, for producers and featured artists
    // paid once it has recouped.
    let contract_of_release = |release_index: usize, contracts: &[Contract]| -> Option<String> {
        contracts.iter().find(|contract| contract.version == 1 && contract.releases.contains(&release_index)).map(|contract| contract.id.clone())
    };
    let from_record_one_payee = |party: usize, recoupment_of: Option<String>| ContractPayee {
        party,
        share: Decimal::ONE,
        recoupable: false,
        // Without a contract to wait for the payee is simply paid from the first unit.
        from_record_one: true,
        recoupment_of,
        settings: None,
    };

    // Producers: three points on one album each, paid from record one once the artist's
    // contract has recouped.
    let albums: Vec<usize> =
        (0..label.releases.len()).filter(|&index| label.releases[index].format == ReleaseFormat::Album).collect();
    for (position, &producer) in label.producers.iter().enumerate() {
        let Some(&album) = albums.get(position * 2 % albums.len().max(1)) else { continue };
        let release = &label.releases[album];
        let isrcs: Vec<Isrc> = release
            .tracks
            .iter()
            .filter(|track| track.disc_number == 1)
            .map(|track| Isrc::parse(&label.tracks[track.track].isrc))
            .collect::<Result<_, _>>()?;
        let recoupment_of = contract_of_release(album, &contracts);
        contracts.push(Contract {
            id: next_id(),
            version: 1,
            valid_from: release.month(),
            title: format!("Producer agreement: {} on {}", label.parties[producer].name, release.title),
            currency: Currency::EUR,
            basis: Basis::NetReceipts,
            term: Term { start: release.month().first_day(), end: None },
            accounting: half_yearly(),
            scope: Scope::Tracks(isrcs),
            excluded_territories: Vec::new(),
            cross_collateralisation: CrossCollateralisation::None,
            payees: vec![from_record_one_payee(producer, recoupment_of)],
            deal: royalty(decimal(3, 2), Vec::new(), Vec::new()),
            deductions: Vec::new(),
            reserve: None,
            advance: None,
            more_advances: Vec::new(),
            recoupable_costs: Vec::new(),
            transfers: Vec::new(),
            releases: vec![album],
        });
    }

    // Featured artists: a share of the one track they appear on, from record one once the main
    // artist's contract has recouped.
    for (track_index, track) in label.tracks.iter().enumerate() {
        let Some(party) = track.featured_party else { continue };
        let Some((release_index, release)) =
            label.releases.iter().enumerate().find(|(_, release)| release.tracks.iter().any(|entry| entry.track == track_index))
        else {
            continue;
        };
        let recoupment_of = contract_of_release(release_index, &contracts);
        contracts.push(Contract {
            id: next_id(),
            version: 1,
            valid_from: release.month(),
            title: format!("Featured artist agreement: {} on {}", label.parties[party].name, track.title),
            currency: Currency::EUR,
            basis: Basis::NetReceipts,
            term: Term { start: release.month().first_day(), end: None },
            accounting: half_yearly(),
            scope: Scope::Tracks(vec![Isrc::parse(&track.isrc)?]),
            excluded_territories: Vec::new(),
            cross_collateralisation: CrossCollateralisation::None,
            payees: vec![from_record_one_payee(party, recoupment_of)],
            deal: royalty(decimal(5, 2), Vec::new(), Vec::new()),
            deductions: Vec::new(),
            reserve: None,
            advance: None,
            more_advances: Vec::new(),
            recoupable_costs: Vec::new(),
            transfers: Vec::new(),
            releases: vec![release_index],
        });
    }

    // Each party's settings go in its first contract, and in that contract's later versions.
    let mut settled_in: Vec<(usize, String)> = Vec::new();
    for contract in &mut contracts {
        for payee in &mut contract.payees {
            if !settled_in.iter().any(|(party, _)| *party == payee.party) {
                settled_in.push((payee.party, contract.id.clone()));
            }
            if settled_in.iter().any(|(party, id)| *party == payee.party && *id == contract.id) {
                payee.settings = Some(payee_settings(seed, label, payee.party)?);
            }
        }
    }
    Ok(contracts)
}

/// ISO 3166 alpha-2 of the countries whose payees are paid by IBAN here, with the bank code and
/// BIC the synthetic accounts use and the length of the national account number (BBAN).
const BANKS: [(&str, &str, &str, usize); 5] = [
    ("DE", "", "DEUTDEFFXXX", 18),
    ("FR", "", "BNPAFRPPXXX", 23),
    ("GB", "WEST", "WESTGB2L", 14),
    ("NL", "ABNA", "ABNANL2A", 10),
    ("SE", "", "ESSESESS", 20),
];

/// VAT on royalties by the payee's country (standard rates).
fn vat_rate(country: &str) -> Decimal {
    match country {
        "DE" => decimal(19, 2),
        "FR" | "GB" => decimal(20, 2),
        "NL" => decimal(21, 2),
        "SE" => decimal(25, 2),
        _ => Decimal::ZERO,
    }
}

/// A party's payee settings, drawn from its own stream so that adding settings never changes
/// the rest of the label.
fn payee_settings(seed: u64, label: &Label, party_index: usize) -> Result<PayeeSettings> {
    let party = &label.parties[party_index];
    let mut random = Random::for_stream(seed, &format!("bank-account-{}", party.id));
    let statement_currency = match party.country {
        "GB" => Currency::GBP,
        "US" => Currency::USD,
        _ => Currency::EUR,
    };
    let vat = party.vat_id.as_ref().map(|number| VatRegistration {
        number: number.clone(),
        rate: vat_rate(party.country),
        // A label invoices the other label itself; artists are self-billed.
        self_billing: party.kind != PartyKind::Label,
    });
    // The label withholds tax on royalties paid to residents outside Europe.
    let withholding_tax_rate = if party.tax_residence == "US" { decimal(10, 2) } else { Decimal::ZERO };
    let bank = match BANKS.iter().find(|(country, _, _, _)| *country == party.country) {
        Some((country, bank_code, bic, digits)) => {
            let account: String = (0..*digits).map(|_| char::from(b'0' + random.below(10) as u8)).collect();
            let bban = format!("{bank_code}{account}");
            let check = iban_check_digits(country, &bban).context("IBAN check digits")?;
            Some(BankAccount {
                account_holder: Some(party.name.clone()),
                iban: Iban::parse(&format!("{country}{check:02}{bban}")).map_err(anyhow::Error::msg)?,
                bic: Some(Bic::parse(bic).map_err(anyhow::Error::msg)?),
            })
        }
        None => None,
    };
    Ok(PayeeSettings { statement_currency: Some(statement_currency), vat, withholding_tax_rate, bank })
}

/// The contract in the contract model.
pub fn to_model(contract: &Contract, label: &Label) -> ledgerline_contracts::Contract {
    let (releases, tracks) = match &contract.scope {
        Scope::Releases(codes) => (codes.clone(), Vec::new()),
        Scope::Tracks(codes) => (Vec::new(), codes.clone()),
    };
    let payees = contract
        .payees
        .iter()
        .map(|payee| {
            let party = &label.parties[payee.party];
            Payee {
                party: party.id.clone(),
                name: Some(party.name.clone()),
                share: payee.share,
                recoupable: payee.recoupable,
                // Without a contract to wait for, the payee is simply paid from the first unit.
                from_record_one: payee.from_record_one && payee.recoupment_of.is_some(),
                recoupment_of: payee.recoupment_of.clone(),
                settings: payee.settings.clone(),
            }
        })
        .collect();
    let mut advances: Vec<Advance> = contract
        .advance
        .iter()
        .map(|(amount, date)| Advance {
            amount: *amount,
            date: *date,
            recoupable: Decimal::ONE,
            release: None,
            description: Some("On signature".to_string()),
        })
        .collect();
    advances.extend(contract.more_advances.iter().cloned());
    ledgerline_contracts::Contract {
        id: contract.id.clone(),
        version: contract.version,
        valid_from: contract.valid_from,
        title: contract.title.clone(),
        deal: contract.deal.clone(),
        basis: contract.basis,
        currency: contract.currency,
        term: contract.term,
        accounting: contract.accounting,
        scope: ContractScope {
            releases,
            tracks,
            territories: TerritoryScope { include: vec![Territory::Worldwide], exclude: contract.excluded_territories.clone() },
        },
        payees,
        deductions: contract.deductions.clone(),
        advances,
        recoupable_costs: contract.recoupable_costs.clone(),
        cross_collateralisation: contract.cross_collateralisation.clone(),
        reserve: contract.reserve.clone(),
        transfers: contract
            .transfers
            .iter()
            .map(|transfer| Transfer {
                from: label.parties[transfer.from].id.clone(),
                to: label.parties[transfer.to].id.clone(),
                share: transfer.share,
                of: transfer.of,
                description: Some(transfer.description.to_string()),
            })
            .collect(),
        notes: None,
    }
}

/// The contract as a contract file.
pub fn contract_toml(contract: &Contract, label: &Label) -> String {
    contract_to_toml(&to_model(contract, label))
}
