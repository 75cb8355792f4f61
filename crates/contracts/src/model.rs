//! The typed contract: what a contract file means once it has been read and validated.
//!
//! Every value here has passed validation (see `parse.rs`), so code that receives a
//! [`Contract`] never checks a rate range or an identifier again. Rates, shares and amounts are
//! exact [`Decimal`]s; nothing here is ever a binary floating-point number. The types serialise
//! to JSON (`ledgerline contracts show --json`) with decimals as strings, so no reader turns them
//! into floats either.

use ledgerline_model::{CountryCode, Date, Icpn, Isrc, Month, PeriodKind, Territory};
use ledgerline_money::{Currency, Decimal};
use serde::Serialize;

use crate::bank::{Bic, Iban};

/// One version of one contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contract {
    /// The contract's name in the ledger, shared by all its versions (`C001`).
    pub id: String,
    /// 1 for the original; each amendment is the next number.
    pub version: u32,
    /// The first month this version governs; it governs until the next version's `valid_from`.
    pub valid_from: Month,
    pub title: String,
    pub deal: Deal,
    /// What rates and profit shares are applied to.
    pub basis: Basis,
    /// The currency of every amount written in the contract (advances, per-unit deductions,
    /// receipt thresholds, the minimum payout).
    pub currency: Currency,
    pub term: Term,
    pub accounting: Accounting,
    pub scope: Scope,
    pub payees: Vec<Payee>,
    /// Taken off the base before rates or profit shares are applied, in file order.
    pub deductions: Vec<Deduction>,
    pub advances: Vec<Advance>,
    /// Which kinds of costs recorded against this contract are paid back from earnings, and how
    /// much of each.
    pub recoupable_costs: Vec<RecoupableCost>,
    pub cross_collateralisation: CrossCollateralisation,
    pub reserve: Option<Reserve>,
    pub transfers: Vec<Transfer>,
    pub notes: Option<String>,
}

/// The kind of deal and its terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deal {
    /// The payees earn a rate of the base; the label keeps the rest.
    Royalty(RoyaltyTerms),
    /// The base minus recoupable costs is split: the label keeps `label_share`, the payees share
    /// the rest.
    NetProfit(NetProfitTerms),
}

impl Deal {
    pub fn name(&self) -> &'static str {
        match self {
            Deal::Royalty(_) => "royalty",
            Deal::NetProfit(_) => "net_profit",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoyaltyTerms {
    pub rates: RateTable,
    /// Rate steps, in increasing order of their thresholds; all of one kind.
    pub escalations: Vec<Escalation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetProfitTerms {
    /// The label's part of the net profit (0.5 for a 50/50 deal); the payees share the rest.
    pub label_share: Decimal,
}

/// What a rate or a profit share is applied to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// What the label actually received for a sale, after the store and the distributor.
    NetReceipts,
    /// What the store charged, before its and the distributor's cut.
    GrossReceipts,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::NetReceipts => "net_receipts",
            Basis::GrossReceipts => "gross_receipts",
        }
    }
}

/// The dates the contract runs between.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Term {
    pub start: Date,
    /// Sales after this date are not covered (an expired licence). `None`: the contract pays
    /// for as long as the recordings sell, which is usual for recording agreements.
    pub end: Option<Date>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Accounting {
    pub frequency: AccountingFrequency,
    /// In the contract currency. A payee owed less than this in a period is not paid; the
    /// balance is carried forward to the next period.
    pub minimum_payout: Decimal,
}

/// How often statements are drawn up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountingFrequency {
    Monthly,
    Quarterly,
    HalfYearly,
}

impl AccountingFrequency {
    pub const NAMES: [&'static str; 3] = ["half-yearly", "quarterly", "monthly"];

    pub fn name(self) -> &'static str {
        match self {
            AccountingFrequency::Monthly => "monthly",
            AccountingFrequency::Quarterly => "quarterly",
            AccountingFrequency::HalfYearly => "half-yearly",
        }
    }

    pub fn parse(text: &str) -> Option<AccountingFrequency> {
        match text {
            "monthly" => Some(AccountingFrequency::Monthly),
            "quarterly" => Some(AccountingFrequency::Quarterly),
            "half-yearly" => Some(AccountingFrequency::HalfYearly),
            _ => None,
        }
    }

    /// The kind of period a statement under this contract covers.
    pub fn period_kind(self) -> PeriodKind {
        match self {
            AccountingFrequency::Monthly => PeriodKind::Month,
            AccountingFrequency::Quarterly => PeriodKind::Quarter,
            AccountingFrequency::HalfYearly => PeriodKind::Half,
        }
    }
}

/// What the contract covers: recordings and territories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Releases covered with all their tracks.
    pub releases: Vec<Icpn>,
    /// Tracks covered wherever they appear.
    pub tracks: Vec<Isrc>,
    pub territories: TerritoryScope,
}

impl Scope {
    /// Whether a sale line of this release or track falls in the contract's recordings.
    pub fn covers_recording(&self, release: Option<&Icpn>, track: Option<&Isrc>) -> bool {
        release.is_some_and(|code| self.releases.contains(code)) || track.is_some_and(|code| self.tracks.contains(code))
    }
}

/// Where the contract applies: the included territories minus the excluded countries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TerritoryScope {
    /// `[Worldwide]` unless the contract lists countries.
    pub include: Vec<Territory>,
    /// Countries carved out of `include`.
    pub exclude: Vec<Territory>,
}

impl TerritoryScope {
    pub fn worldwide() -> TerritoryScope {
        TerritoryScope { include: vec![Territory::Worldwide], exclude: Vec::new() }
    }

    pub fn is_worldwide(&self) -> bool {
        self.exclude.is_empty() && self.include.iter().any(|territory| territory.is_worldwide())
    }

    /// Whether sales in `country` are covered.
    pub fn covers(&self, country: CountryCode) -> bool {
        self.include.iter().any(|territory| territory.includes(country))
            && !self.exclude.iter().any(|territory| territory.includes(country))
    }
}

/// Someone the contract pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payee {
    /// The party's id in the ledger (`P001`).
    pub party: String,
    /// The party's name, for people reading the contract and its description.
    pub name: Option<String>,
    /// The payee's part of what the payees earn under the contract; the shares of a contract
    /// add up to exactly 1.
    pub share: Decimal,
    /// Whether advances and recoupable costs are paid back from this payee's earnings.
    pub recoupable: bool,
    /// Whether the payee's earnings are held until `recoupment_of` is recouped and then paid
    /// back to the first unit sold.
    pub from_record_one: bool,
    /// The contract whose recoupment releases a from-record-one payee's earnings; `None` means
    /// this contract.
    pub recoupment_of: Option<String>,
    pub settings: Option<PayeeSettings>,
}

impl Payee {
    /// `Name (P001)`, or the id alone when the contract gives no name.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.party),
            None => self.party.clone(),
        }
    }
}

/// How a payee is paid and taxed. Belongs to the party, not to one contract: when several
/// contracts carry settings for one party they must agree (checked on import).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayeeSettings {
    /// The currency statements are drawn up in; `None`: the label's accounting currency.
    pub statement_currency: Option<Currency>,
    /// `None` when the payee is not registered for VAT.
    pub vat: Option<VatRegistration>,
    /// Withheld from payments and paid to the tax authority; 0 when none.
    pub withholding_tax_rate: Decimal,
    pub bank: Option<BankAccount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VatRegistration {
    pub number: String,
    /// Added to the amount payable (0 for reverse charge).
    pub rate: Decimal,
    /// Whether the label issues the VAT invoice on the payee's behalf.
    pub self_billing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BankAccount {
    pub account_holder: Option<String>,
    pub iban: Iban,
    pub bic: Option<Bic>,
}

/// How a sale was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Usage {
    Stream,
    Download,
    Physical,
    /// User-generated content: YouTube Content ID, TikTok, Instagram.
    Ugc,
    Other,
}

impl Usage {
    pub const ALL: [Usage; 5] = [Usage::Stream, Usage::Download, Usage::Physical, Usage::Ugc, Usage::Other];

    /// The name used in contract files and in normalized sale lines.
    pub fn name(self) -> &'static str {
        match self {
            Usage::Stream => "stream",
            Usage::Download => "download",
            Usage::Physical => "physical",
            Usage::Ugc => "ugc",
            Usage::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Usage> {
        Usage::ALL.into_iter().find(|usage| usage.name() == text)
    }
}

/// The commercial tier of a stream or sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    Premium,
    AdSupported,
    Trial,
    Other,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Premium, Tier::AdSupported, Tier::Trial, Tier::Other];

    /// The name used in contract files and in normalized sale lines.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Premium => "premium",
            Tier::AdSupported => "ad-supported",
            Tier::Trial => "trial",
            Tier::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|tier| tier.name() == text)
    }
}

/// What the product sold is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Configuration {
    Album,
    Ep,
    Single,
    Compilation,
    /// A track sold or streamed on its own rather than as part of a release.
    Track,
    /// A music video.
    Video,
}

impl Configuration {
    pub const ALL: [Configuration; 6] = [
        Configuration::Album,
        Configuration::Ep,
        Configuration::Single,
        Configuration::Compilation,
        Configuration::Track,
        Configuration::Video,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Configuration::Album => "album",
            Configuration::Ep => "ep",
            Configuration::Single => "single",
            Configuration::Compilation => "compilation",
            Configuration::Track => "track",
            Configuration::Video => "video",
        }
    }

    pub fn parse(text: &str) -> Option<Configuration> {
        Configuration::ALL.into_iter().find(|configuration| configuration.name() == text)
    }
}

/// What is known about a sale when choosing its rate or deductions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sale<'a> {
    /// The store or platform as the report names it; compared without regard to letter case.
    pub service: &'a str,
    pub usage: Usage,
    pub tier: Tier,
    pub territory: Territory,
    pub configuration: Option<Configuration>,
}

/// Conditions on a sale; an empty list matches any value. All non-empty lists must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Conditions {
    pub services: Vec<String>,
    pub usages: Vec<Usage>,
    pub tiers: Vec<Tier>,
    /// Countries (never worldwide: a condition that matches everything is no condition).
    pub territories: Vec<Territory>,
    pub configurations: Vec<Configuration>,
}

/// Weights of the condition keys in the precedence of rate entries: when two entries name as
/// many conditions, the one naming the heavier key wins. Powers of two, so that the sum over the
/// named keys orders entries first by their heaviest key, then the next, and so on.
const SERVICE_WEIGHT: u8 = 16;
const USAGE_WEIGHT: u8 = 8;
const TIER_WEIGHT: u8 = 4;
const TERRITORY_WEIGHT: u8 = 2;
const CONFIGURATION_WEIGHT: u8 = 1;

impl Conditions {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.usages.is_empty()
            && self.tiers.is_empty()
            && self.territories.is_empty()
            && self.configurations.is_empty()
    }

    /// The keys this entry names, one bit each (service highest, configuration lowest).
    pub fn named_keys(&self) -> u8 {
        let mut keys = 0;
        if !self.services.is_empty() {
            keys |= SERVICE_WEIGHT;
        }
        if !self.usages.is_empty() {
            keys |= USAGE_WEIGHT;
        }
        if !self.tiers.is_empty() {
            keys |= TIER_WEIGHT;
        }
        if !self.territories.is_empty() {
            keys |= TERRITORY_WEIGHT;
        }
        if !self.configurations.is_empty() {
            keys |= CONFIGURATION_WEIGHT;
        }
        keys
    }

    /// How specific the conditions are: more named keys first, then by the heaviest key named
    /// (service, usage, tier, territory, configuration). Greater is more specific.
    pub fn specificity(&self) -> (u32, u8) {
        let keys = self.named_keys();
        (keys.count_ones(), keys)
    }

    pub fn matches(&self, sale: &Sale<'_>) -> bool {
        let service_matches =
            self.services.is_empty() || self.services.iter().any(|service| service.eq_ignore_ascii_case(sale.service.trim()));
        let territory_matches = self.territories.is_empty()
            || sale.territory.country().is_some_and(|country| self.territories.iter().any(|territory| territory.includes(country)));
        service_matches
            && (self.usages.is_empty() || self.usages.contains(&sale.usage))
            && (self.tiers.is_empty() || self.tiers.contains(&sale.tier))
            && territory_matches
            && (self.configurations.is_empty() || sale.configuration.is_some_and(|found| self.configurations.contains(&found)))
    }

    /// Whether one sale could match both: the same keys named and every named list sharing a
    /// value. Two rate entries like that would tie, which validation refuses.
    pub fn overlaps(&self, other: &Conditions) -> bool {
        fn share<T: PartialEq>(left: &[T], right: &[T]) -> bool {
            left.is_empty() && right.is_empty() || left.iter().any(|item| right.contains(item))
        }
        let services_share = self.services.is_empty() && other.services.is_empty()
            || self.services.iter().any(|left| other.services.iter().any(|right| left.eq_ignore_ascii_case(right)));
        self.named_keys() == other.named_keys()
            && services_share
            && share(&self.usages, &other.usages)
            && share(&self.tiers, &other.tiers)
            && share(&self.territories, &other.territories)
            && share(&self.configurations, &other.configurations)
    }
}

/// The royalty rates of a contract: a default and the entries that override it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RateTable {
    pub default_rate: Decimal,
    pub entries: Vec<RateEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RateEntry {
    pub conditions: Conditions,
    pub rate: Decimal,
}

impl RateTable {
    /// The entry that decides a sale's rate: the most specific matching entry (see
    /// [`Conditions::specificity`]); `None` when only the default applies. Validation refuses
    /// tables where two entries could tie.
    pub fn entry_for(&self, sale: &Sale<'_>) -> Option<&RateEntry> {
        let mut best: Option<&RateEntry> = None;
        for entry in self.entries.iter().filter(|entry| entry.conditions.matches(sale)) {
            if best.is_none_or(|current| entry.conditions.specificity() > current.conditions.specificity()) {
                best = Some(entry);
            }
        }
        best
    }

    /// The rate for a sale before escalations.
    pub fn rate_for(&self, sale: &Sale<'_>) -> Decimal {
        self.entry_for(sale).map_or(self.default_rate, |entry| entry.rate)
    }
}

/// A step in the royalty rate once a threshold is reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub threshold: EscalationThreshold,
    pub change: RateChange,
}

/// When a step applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationThreshold {
    /// Once the cumulative units sold under the contract reach this count.
    AfterUnits(u64),
    /// Once the cumulative base (in the contract currency) reaches this amount.
    AfterReceipts(Decimal),
    /// For sales from this date on.
    From(Date),
}

impl EscalationThreshold {
    pub fn key(self) -> &'static str {
        match self {
            EscalationThreshold::AfterUnits(_) => "after_units",
            EscalationThreshold::AfterReceipts(_) => "after_receipts",
            EscalationThreshold::From(_) => "from",
        }
    }
}

/// What a step does to the rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateChange {
    /// The default rate becomes this; the rate table's entries are unchanged.
    DefaultRate(Decimal),
    /// Added to the default rate and to every entry of the rate table (not on top of earlier
    /// steps: each step states the whole increase over the written rates).
    Increase(Decimal),
}

/// Taken off the base before rates apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deduction {
    pub name: String,
    pub amount: DeductionAmount,
    /// Which sales the deduction applies to; empty: all.
    pub conditions: Conditions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeductionAmount {
    /// A fraction of the base (0.15 for a 15% distribution fee).
    Rate(Decimal),
    /// An amount in the contract currency for every unit.
    PerUnit(Decimal),
}

/// Money paid to the payees up front and paid back from their earnings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Advance {
    /// In the contract currency.
    pub amount: Decimal,
    /// When it is paid; it recoups from earnings of the periods from then on.
    pub date: Date,
    /// The part that is paid back: 1 fully, 0.5 half, 0 not at all.
    pub recoupable: Decimal,
    /// Only this release's earnings pay it back; `None`: the whole contract's.
    pub release: Option<Icpn>,
    pub description: Option<String>,
}

/// A kind of cost recorded against the contract (`ledgerline costs import`) that is paid back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoupableCost {
    /// As written in the costs file: `recording`, `video`, `marketing`, `tour_support`, …
    pub kind: String,
    /// The part that is paid back: 1 fully, 0.5 half.
    pub recoupable: Decimal,
    /// Only costs of this release, paid back from this release's earnings; `None`: costs of any
    /// release of the contract.
    pub release: Option<Icpn>,
}

/// Which balances are netted together before anything is payable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "group", rename_all = "snake_case")]
pub enum CrossCollateralisation {
    /// The contract's balances stand alone.
    None,
    /// Netted with every other contract of the same payee that also says `payee`.
    Payee,
    /// Netted with the other contracts of the same payee in this named group.
    Group(String),
}

/// Part of the earnings held back against returns and released later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reserve {
    /// The part of each period's earnings held.
    pub rate: Decimal,
    /// Released in equal parts over this many following periods.
    pub release_over_periods: u32,
    /// Only earnings from these usages are reserved; empty: all.
    pub usages: Vec<Usage>,
}

/// A share of one payee's money paid to another party (a manager's commission, a letter of
/// direction to a producer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transfer {
    /// A payee of this contract.
    pub from: String,
    /// Any party; it need not be a payee of this contract.
    pub to: String,
    pub share: Decimal,
    pub of: TransferBase,
    pub description: Option<String>,
}

/// What a transfer takes its share of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferBase {
    /// What the payee is actually paid in a period, after recoupment, reserves and the
    /// minimum payout.
    Payable,
    /// What the payee earns in a period, before recoupment: the transfer is charged to the
    /// payee's balance even while it is unrecouped.
    Earnings,
}

impl TransferBase {
    pub fn name(self) -> &'static str {
        match self {
            TransferBase::Payable => "payable",
            TransferBase::Earnings => "earnings",
        }
    }
}

impl Contract {
    /// The royalty terms, for a royalty deal.
    pub fn royalty(&self) -> Option<&RoyaltyTerms> {
        match &self.deal {
            Deal::Royalty(terms) => Some(terms),
            Deal::NetProfit(_) => None,
        }
    }

    pub fn payee(&self, party: &str) -> Option<&Payee> {
        self.payees.iter().find(|payee| payee.party == party)
    }

    /// Whether sales in this month fall inside the term (the end date's month still counts).
    pub fn term_covers_month(&self, month: Month) -> bool {
        self.term.start.month() <= month && self.term.end.is_none_or(|end| month <= end.month())
    }
}
