//! The run: every statement period from the first month with data to the period asked for,
//! month by month, carrying balances, reserves, held earnings and escalation counts forward.
//!
//! Recomputing from the beginning every time is what makes a run a pure function of the
//! facts: no stored intermediate state can drift from the receipts, contracts and costs it came
//! from, and a late report for an issued period shows up as the difference between the issued
//! figures and the recomputed ones (see [`crate::adjust`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ledgerline_contracts::{Contract, Deal, Payee, PayeeSettings, Transfer, TransferBase};
use ledgerline_model::{Month, Period};
use ledgerline_money::{allocate, apportion, Currency, Decimal, RoundingMode};

use crate::error::EngineError;
use crate::fx::Converter;
use crate::fast_hash::FastHash;
use crate::input::{Cost, Payment, ReceiptKey, ReceiptSums, RunInput};
use crate::statement::{
    AccountLine, ChargeLine, ConvertedAmount, EarningLine, PayeeTax, PaymentLine, Statement, StatementContract, Summary, TransferLine,
};
use crate::terms::{self, ContractIndex, EscalationState};

/// The figures that show money is conserved in a period, in the accounting currency.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Conservation {
    pub currency: Currency,
    /// Every receipt accounted in the period, matched or not, converted.
    pub net_receipts: Decimal,
    /// The payees' earnings, as the statements show them (the sum of their earning lines).
    pub payee_credits: Decimal,
    /// What the label keeps: receipts no contract pays on, the rest of what contracts cover,
    /// and the rounding of earnings to the cent (`rounding`, included here).
    pub label_share: Decimal,
    /// Of `label_share`: the difference between exact earnings and earnings to the cent.
    pub rounding: Decimal,
    /// Receipts the catalog does not know yet.
    pub suspense: Decimal,
    /// Receipts by the currency they were reported in, before conversion.
    pub receipts_by_currency: BTreeMap<Currency, Decimal>,
}

impl Conservation {
    pub fn difference(&self) -> Decimal {
        self.net_receipts - (self.payee_credits + self.label_share + self.suspense)
    }
}

/// One statement period's result.
#[derive(Clone, Debug)]
pub struct PeriodResult {
    pub period: Period,
    pub first_month: Month,
    pub last_month: Month,
    pub conservation: Conservation,
    /// One per party with money in the period or a balance, sorted by party id.
    pub statements: Vec<Statement>,
    pub label: String,
    pub rounding: RoundingMode,
    pub party_names: BTreeMap<String, String>,
}

/// Every period of a run, in order; the last is the one asked for.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub periods: Vec<PeriodResult>,
}

/// Computes every period of the input. Refuses (and returns no statements) when a rate is
/// missing, when a statement does not add up, or when money is not conserved.
pub fn run(input: &RunInput) -> Result<RunResult, EngineError> {
    let windows = windows(input)?;
    let mut state = State::new(input);
    let mut periods = Vec::with_capacity(windows.len());
    for (period, first, last) in windows {
        periods.push(state.period(period, first, last)?);
    }
    Ok(RunResult { periods })
}

/// The months of each statement period: the first takes every earlier month with data too.
fn windows(input: &RunInput) -> Result<Vec<(Period, Month, Month)>, EngineError> {
    let first_period = input.periods.first().ok_or(EngineError::NoPeriods)?;
    let earliest = [
        input.receipts.keys().next().map(|key| key.month),
        input.suspense.keys().next().map(|key| key.month),
        input.costs.iter().map(|cost| cost.date.month()).min(),
        input.payments.iter().map(|payment| payment.date.month()).min(),
        input.contracts.iter().flat_map(|contract| contract.advances.iter().map(|advance| advance.date.month())).min(),
    ]
    .into_iter()
    .flatten()
    .min()
    .map_or(first_period.first_month(), |month| month.min(first_period.first_month()));
    let mut windows = Vec::with_capacity(input.periods.len());
    let mut next_first = earliest;
    for period in &input.periods {
        windows.push((*period, next_first, period.last_month()));
        next_first = period.last_month().next().ok_or(EngineError::Overflow("a month after the year 2999"))?;
    }
    Ok(windows)
}

/// Where a payee's money sits. The balance is the sum of every bucket.
#[derive(Clone, Debug, Default)]
struct Books {
    /// Recoupment accounts: a contract id (`C001`), `all-contracts` (cross-collateralised by
    /// payee) or `group:NAME`.
    accounts: BTreeMap<String, Decimal>,
    /// Costs and advances that only one release pays back, not yet recouped (≤ 0).
    release_accounts: BTreeMap<(String, String), Decimal>,
    /// From-record-one earnings waiting for a contract to recoup, by contract.
    held: BTreeMap<String, Decimal>,
    /// Reserves by contract, and their scheduled releases.
    reserves: BTreeMap<String, Decimal>,
    reserve_releases: BTreeMap<(Month, String), Decimal>,
    /// Transfers received and not yet payable.
    received: Decimal,
    payable: Decimal,
}

impl Books {
    fn balance(&self) -> Decimal {
        self.accounts.values().copied().sum::<Decimal>()
            + self.release_accounts.values().copied().sum::<Decimal>()
            + self.held.values().copied().sum::<Decimal>()
            + self.reserves.values().copied().sum::<Decimal>()
            + self.received
            + self.payable
    }
}

/// A payee's statement while it is being drawn up.
#[derive(Default)]
struct Draft {
    contracts: BTreeSet<StatementContract>,
    summary: Summary,
    earnings: Vec<EarningLine>,
    charges: Vec<ChargeLine>,
    transfers: Vec<TransferLine>,
    payments: Vec<PaymentLine>,
    /// What became payable in the period before tax.
    taxable: Decimal,
    active: bool,
}

/// Earnings of one contract version from receipts sharing a statement line. Borrows from the
/// input: a run makes one per receipt and contract, so it must not allocate.
///
/// Ordered as its texts are (release, track, service, territory, usage, tier), then sale month
/// and rate; the texts are compared by their ranks among the run's texts ([`TextRanks`]), which
/// order them the same way without reading them.
#[derive(Clone, Debug)]
struct DetailKey<'a> {
    ranks: TextRanks,
    release: &'a str,
    track: &'a str,
    service: &'a str,
    territory: &'static str,
    usage: &'static str,
    tier: &'static str,
    sale_month: Month,
    rate: Decimal,
}

impl DetailKey<'_> {
    fn order(&self) -> (TextRanks, Month, Decimal) {
        (self.ranks, self.sale_month, self.rate)
    }
}

impl PartialEq for DetailKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.order() == other.order()
    }
}

impl Eq for DetailKey<'_> {}

impl PartialOrd for DetailKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DetailKey<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order().cmp(&other.order())
    }
}

/// A receipt's release, track, service, territory, usage and tier texts (as a [`DetailKey`]
/// holds them) by their places in the sorted distinct texts of each: equal ranks are equal
/// texts, and ranks compare as the texts do.
type TextRanks = [u32; 6];

/// The [`DetailKey`] texts of a receipt.
fn detail_texts(key: &ReceiptKey) -> [&str; 6] {
    [
        key.release.as_deref().unwrap_or_default(),
        key.track.as_deref().unwrap_or_default(),
        &key.service,
        key.territory.alpha2(),
        key.usage.name(),
        key.tier.name(),
    ]
}

/// The [`TextRanks`] of every receipt, in the order given.
fn text_ranks(keys: &[&ReceiptKey]) -> Vec<TextRanks> {
    let mut fields: [Numbering<'_>; 6] = Default::default();
    let numbers: Vec<TextRanks> = keys
        .iter()
        .map(|key| {
            let texts = detail_texts(key);
            std::array::from_fn(|field| fields[field].number(texts[field]))
        })
        .collect();
    let ranks: [Vec<u32>; 6] = std::array::from_fn(|field| fields[field].ranks());
    numbers.into_iter().map(|numbers| std::array::from_fn(|field| ranks[field][numbers[field] as usize])).collect()
}

/// Texts numbered in the order they are first seen.
#[derive(Default)]
struct Numbering<'t> {
    numbers: HashMap<&'t str, u32, FastHash>,
    texts: Vec<&'t str>,
    /// The text numbered last: keys in order mostly repeat their neighbour's.
    last: Option<(&'t str, u32)>,
}

impl<'t> Numbering<'t> {
    fn number(&mut self, text: &'t str) -> u32 {
        if let Some((last, number)) = self.last {
            if last == text {
                return number;
            }
        }
        let next = self.texts.len() as u32;
        let number = *self.numbers.entry(text).or_insert(next);
        if number == next {
            self.texts.push(text);
        }
        self.last = Some((text, number));
        number
    }

    /// The place of each number's text among the sorted texts.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.texts.len() as u32).collect();
        order.sort_unstable_by_key(|number| self.texts[*number as usize]);
        let mut ranks = vec![0; order.len()];
        for (place, number) in order.into_iter().enumerate() {
            ranks[number as usize] = place as u32;
        }
        ranks
    }
}

/// A receipt of a month, with its ranks.
#[derive(Clone, Copy)]
struct Receipt<'a> {
    key: &'a ReceiptKey,
    sums: &'a ReceiptSums,
    ranks: TextRanks,
}

#[derive(Clone, Copy, Debug, Default)]
struct DetailSums {
    units: i64,
    receipts: Decimal,
    deductions: Decimal,
    /// Royalty deals: the exact earnings. Net-profit deals: the base after deductions.
    exact: Decimal,
}

type VersionKey<'a> = (&'a str, u32);

/// The statement lines of each contract version, while they are added up.
type Details<'a> = HashMap<VersionKey<'a>, BTreeMap<DetailKey<'a>, DetailSums>, FastHash>;

/// A contract id and the place of its versions in [`ContractIndex::lists`].
type Candidate<'a> = (&'a str, usize);

struct State<'a> {
    input: &'a RunInput,
    index: ContractIndex<'a>,
    fx: Converter<'a>,
    cents: u32,
    books: BTreeMap<String, Books>,
    escalation: HashMap<&'a str, EscalationState, FastHash>,
    /// Net-profit losses carried forward, by contract (≥ 0).
    losses: BTreeMap<&'a str, Decimal>,
    /// The receipts of each month, in key order.
    by_month: BTreeMap<Month, Vec<Receipt<'a>>>,
    /// The contracts naming each recording (release, track), found once, in id order.
    candidates: HashMap<(Option<&'a str>, Option<&'a str>), Vec<Candidate<'a>>, FastHash>,
}

impl<'a> State<'a> {
    fn new(input: &'a RunInput) -> State<'a> {
        let currency = input.settings.accounting_currency;
        State {
            input,
            index: ContractIndex::new(&input.contracts),
            fx: Converter { table: &input.fx, to: currency, rounding: input.settings.rounding },
            cents: currency.minor_digits(),
            books: BTreeMap::new(),
            escalation: HashMap::default(),
            losses: BTreeMap::new(),
            candidates: HashMap::default(),
            by_month: {
                let keys: Vec<&ReceiptKey> = input.receipts.keys().collect();
                let ranks = text_ranks(&keys);
                let mut by_month: BTreeMap<Month, Vec<Receipt<'_>>> = BTreeMap::new();
                for ((key, sums), ranks) in input.receipts.iter().zip(ranks) {
                    by_month.entry(key.month).or_default().push(Receipt { key, sums, ranks });
                }
                by_month
            },
        }
    }

    fn rounding(&self) -> RoundingMode {
        self.input.settings.rounding
    }

    fn mul(&self, left: Decimal, right: Decimal, what: &'static str) -> Result<Decimal, EngineError> {
        left.checked_mul(right, self.rounding()).ok_or(EngineError::Overflow(what))
    }

    fn to_cents(&self, amount: Decimal) -> Decimal {
        amount.round_to(self.cents, self.rounding())
    }

    fn period(&mut self, period: Period, first: Month, last: Month) -> Result<PeriodResult, EngineError> {
        let opening: BTreeMap<String, Decimal> = self.books.iter().map(|(party, books)| (party.clone(), books.balance())).collect();
        let mut drafts: BTreeMap<String, Draft> = BTreeMap::new();
        let mut conservation = Conservation {
            currency: self.input.settings.accounting_currency,
            net_receipts: Decimal::ZERO,
            payee_credits: Decimal::ZERO,
            label_share: Decimal::ZERO,
            rounding: Decimal::ZERO,
            suspense: Decimal::ZERO,
            receipts_by_currency: BTreeMap::new(),
        };

        // Steps 1 to 4 per receipt, month by month (escalation counts move at month ends).
        let mut details: Details<'a> = HashMap::default();
        let mut matched = Decimal::ZERO;
        for month in first.through(last) {
            // Each month belongs to one period; taken out while its receipts are applied.
            let receipts = self.by_month.remove(&month).unwrap_or_default();
            let mut counted: HashMap<&'a str, (i128, Decimal), FastHash> = HashMap::default();
            for receipt in &receipts {
                let (key, sums) = (receipt.key, receipt.sums);
                *conservation.receipts_by_currency.entry(key.currency).or_default() += sums.net;
                let net = self.fx.convert(sums.net, key.currency, month, key.report_rate)?;
                let gross = self.fx.convert(sums.gross, key.currency, month, key.report_rate)?;
                conservation.net_receipts += net;
                matched += net;
                self.apply_receipt(receipt, net, gross, &mut details, &mut counted)?;
            }
            self.by_month.insert(month, receipts);
            for (key, sums) in self.input.suspense.iter().filter(|(key, _)| key.month == month) {
                *conservation.receipts_by_currency.entry(key.currency).or_default() += sums.net;
                let net = self.fx.convert(sums.net, key.currency, month, key.report_rate)?;
                conservation.net_receipts += net;
                conservation.suspense += net;
            }
            self.close_month(month, counted)?;
        }

        // Step 4 for net-profit deals, step 5 for all: earnings to the cent, split by shares.
        let charges = self.charges(first, last)?;
        let earned = self.earnings(&details, &charges, &mut conservation)?;
        // The label share computed from the exact earnings, independently of the statements.
        let exact_earnings: Decimal = earned.iter().map(|earning| earning.exact).sum();
        conservation.label_share = matched - exact_earnings + conservation.rounding;

        // Steps 6 to 11 per payee.
        self.settle(&earned, &charges, first, last, &mut drafts)?;

        let statements = self.statements(period, first, last, &opening, drafts, &mut conservation)?;
        if !conservation.difference().is_zero() {
            return Err(EngineError::NotConserved {
                period: period.to_string(),
                currency: conservation.currency,
                net_receipts: conservation.net_receipts,
                payee_credits: conservation.payee_credits,
                label_share: conservation.label_share,
                suspense: conservation.suspense,
                accounted: conservation.payee_credits + conservation.label_share + conservation.suspense,
                difference: conservation.difference(),
            });
        }
        Ok(PeriodResult {
            period,
            first_month: first,
            last_month: last,
            conservation,
            statements,
            label: self.input.settings.label_name.clone(),
            rounding: self.rounding(),
            party_names: self.input.parties.iter().map(|(id, party)| (id.clone(), party.name.clone())).collect(),
        })
    }

    /// Steps 1 to 4 of one receipt under every contract that covers it.
    fn apply_receipt(
        &mut self,
        receipt: &Receipt<'a>,
        net: Decimal,
        gross: Decimal,
        details: &mut Details<'a>,
        counted: &mut HashMap<&'a str, (i128, Decimal), FastHash>,
    ) -> Result<(), EngineError> {
        let (key, sums) = (receipt.key, receipt.sums);
        let catalog = &self.input.catalog;
        let sale = terms::sale(key, catalog);
        let recording = (key.release.as_deref(), key.track.as_deref());
        if !self.candidates.contains_key(&recording) {
            let found: Vec<Candidate<'a>> = self
                .index
                .candidates(key, catalog)
                .into_iter()
                .filter_map(|id| Some((id, self.index.place(id)?)))
                .collect();
            self.candidates.insert(recording, found);
        }
        let this = &*self;
        for &(id, place) in &this.candidates[&recording] {
            let Some(contract) = terms::in_force_of(&this.index.lists[place], key.sale_month) else { continue };
            if !terms::covers(contract, key, catalog) {
                continue;
            }
            let base = terms::base(contract, net, gross);
            let per_unit = |amount: Decimal| this.fx.convert(amount, contract.currency, key.month, None).ok();
            let (deducted, left) = terms::deduct(contract, &sale, base, sums.units, &per_unit, this.rounding())
                .ok_or(EngineError::Overflow("a deduction"))?;
            let state = this.escalation.get(id).copied().unwrap_or_default();
            let (rate, exact) = match &contract.deal {
                Deal::Royalty(_) => {
                    let rate = terms::royalty_rate(contract, &sale, key.sale_month, &state).unwrap_or(Decimal::ZERO);
                    (rate, this.mul(rate, left, "a royalty")?)
                }
                Deal::NetProfit(terms) => (Decimal::ONE - terms.label_share, left),
            };
            let count = counted.entry(id).or_default();
            count.0 += i128::from(sums.units);
            count.1 += base;
            let detail = DetailKey {
                ranks: receipt.ranks,
                release: key.release.as_deref().unwrap_or_default(),
                track: key.track.as_deref().unwrap_or_default(),
                service: &key.service,
                territory: key.territory.alpha2(),
                usage: key.usage.name(),
                tier: key.tier.name(),
                sale_month: key.sale_month,
                rate,
            };
            let entry = details.entry((id, contract.version)).or_default().entry(detail).or_default();
            entry.units += sums.units;
            entry.receipts += base;
            entry.deductions += deducted;
            entry.exact += exact;
        }
        Ok(())
    }

    /// Moves escalation counts at the end of a month: a step reached applies from the next.
    fn close_month(&mut self, month: Month, counted: HashMap<&'a str, (i128, Decimal), FastHash>) -> Result<(), EngineError> {
        let mut counted: Vec<(&'a str, (i128, Decimal))> = counted.into_iter().collect();
        counted.sort_unstable_by_key(|(id, _)| *id);
        for (id, (units, receipts)) in counted {
            let Some(contract) = self.index.governing(id, month) else { continue };
            let state = self.escalation.entry(id).or_default();
            state.units += units;
            state.receipts += receipts;
            if let Deal::Royalty(terms) = &contract.deal {
                let fx = &self.fx;
                let convert = |amount: Decimal| fx.convert(amount, contract.currency, month, None).ok();
                state.reached = terms::reached_step(&terms.escalations, state, &convert);
            }
        }
        Ok(())
    }

    /// Advances and recordable costs dated in the window, converted, with their recoupable part.
    fn charges(&self, first: Month, last: Month) -> Result<Vec<Charge<'a>>, EngineError> {
        let mut charges = Vec::new();
        for (id, versions) in &self.index.versions {
            for contract in versions {
                for advance in &contract.advances {
                    let month = advance.date.month();
                    // Versions repeat the advances of earlier ones: charge each from the
                    // version in force on its date only.
                    if month < first || month > last || self.index.in_force(id, month).map(|c| c.version) != Some(contract.version) {
                        continue;
                    }
                    let amount = self.fx.convert(advance.amount, contract.currency, month, None)?;
                    charges.push(Charge {
                        contract,
                        date: advance.date.to_string(),
                        kind: "advance".to_string(),
                        description: advance.description.clone().unwrap_or_else(|| "Advance".to_string()),
                        release: advance.release.as_ref().map(|code| code.as_str().to_string()),
                        amount,
                        recoupable: self.to_cents(self.mul(amount, advance.recoupable, "a recoupable advance")?),
                    });
                }
            }
        }
        let mut costs: Vec<&Cost> = self.input.costs.iter().filter(|cost| (first..=last).contains(&cost.date.month())).collect();
        costs.sort();
        for cost in costs {
            let month = cost.date.month();
            let Some(contract) = self.index.in_force(&cost.contract, month).or_else(|| self.index.governing(&cost.contract, month)) else {
                continue;
            };
            // The entry for the cost's release wins over the contract-wide one.
            let entry = contract
                .recoupable_costs
                .iter()
                .filter(|entry| entry.kind == cost.kind)
                .find(|entry| entry.release.as_ref().map(|code| code.as_str()) == cost.release.as_deref())
                .or_else(|| contract.recoupable_costs.iter().find(|entry| entry.kind == cost.kind && entry.release.is_none()));
            let Some(entry) = entry else { continue };
            let amount = self.fx.convert(cost.amount, cost.currency, month, None)?;
            charges.push(Charge {
                contract,
                date: cost.date.to_string(),
                kind: cost.kind.clone(),
                description: cost.description.clone(),
                release: entry.release.as_ref().map(|code| code.as_str().to_string()),
                amount,
                recoupable: self.to_cents(self.mul(amount, entry.recoupable, "a recoupable cost")?),
            });
        }
        Ok(charges)
    }

    /// Earnings of every contract version in the period, to the cent, split between its payees.
    fn earnings(
        &mut self,
        details: &Details<'a>,
        charges: &[Charge<'a>],
        conservation: &mut Conservation,
    ) -> Result<Vec<Earned<'a>>, EngineError> {
        let mut earned = Vec::new();
        let mut versions: BTreeSet<VersionKey<'a>> = details.keys().copied().collect();
        // Net-profit deals with costs or a loss but no receipts still settle their profit.
        for charge in charges.iter().filter(|charge| charge.kind != "advance") {
            if matches!(charge.contract.deal, Deal::NetProfit(_)) {
                versions.insert((charge.contract.id.as_str(), charge.contract.version));
            }
        }
        for (id, version) in versions {
            let Some(contract) = self.index.versions.get(id).and_then(|list| list.iter().find(|c| c.version == version).copied()) else {
                continue;
            };
            let empty = BTreeMap::new();
            let lines = details.get(&(id, version)).unwrap_or(&empty);
            let mut items: Vec<(Item, Decimal)> = Vec::with_capacity(lines.len());
            for (key, sums) in lines {
                items.push((Item::Receipts(key.clone(), *sums), sums.exact));
            }
            if let Deal::NetProfit(terms) = &contract.deal {
                let payees_part = Decimal::ONE - terms.label_share;
                let mut profit: Decimal = lines.values().map(|sums| sums.exact).sum();
                for charge in charges.iter().filter(|c| c.kind != "advance" && c.contract.id == id && c.contract.version == version) {
                    profit -= charge.recoupable;
                    items.push((Item::Cost(charge.clone()), -charge.recoupable));
                }
                let loss = self.losses.get(id).copied().unwrap_or_default();
                if !loss.is_zero() {
                    profit -= loss;
                    items.push((Item::LossBroughtForward, -loss));
                }
                if profit.is_negative() {
                    self.losses.insert(id, -profit);
                    items.push((Item::LossCarriedForward, -profit));
                } else {
                    self.losses.remove(id);
                }
                for item in &mut items {
                    item.1 = self.mul(item.1, payees_part, "a profit share")?;
                }
            }
            let exact: Decimal = items.iter().map(|(_, amount)| *amount).sum();
            let rounded = self.to_cents(exact);
            conservation.rounding += exact - rounded;
            let shares: Vec<Decimal> = contract.payees.iter().map(|payee| payee.share).collect();
            let parts = allocate(rounded, &shares, self.cents).map_err(|_| EngineError::Overflow("a split between payees"))?;
            earned.push(Earned { contract, items, exact, parts });
        }
        Ok(earned)
    }

    /// Steps 6 to 11: transfers of earnings, recoupment, reserves, from record one, minimum
    /// payout, transfers of the payable amount, tax and payments.
    fn settle(
        &mut self,
        earned: &[Earned<'a>],
        charges: &[Charge<'a>],
        first: Month,
        last: Month,
        drafts: &mut BTreeMap<String, Draft>,
    ) -> Result<(), EngineError> {
        let payable_before: BTreeMap<String, Decimal> =
            self.books.iter().map(|(party, books)| (party.clone(), books.payable)).collect();
        // Charges first, so that this period's earnings of a release pay back its costs.
        for charge in charges {
            if matches!(charge.contract.deal, Deal::NetProfit(_)) && charge.kind != "advance" {
                continue;
            }
            let recoupable: Vec<&Payee> = charge.contract.payees.iter().filter(|payee| payee.recoupable).collect();
            let shares: Vec<Decimal> = recoupable.iter().map(|payee| payee.share).collect();
            let parts = if recoupable.is_empty() {
                Vec::new()
            } else {
                allocate(charge.recoupable, &shares, self.cents).map_err(|_| EngineError::Overflow("a charge"))?
            };
            for (payee, part) in recoupable.iter().zip(parts) {
                let account = account_of(charge.contract, payee);
                let books = self.books.entry(payee.party.clone()).or_default();
                match &charge.release {
                    Some(release) => *books.release_accounts.entry((charge.contract.id.clone(), release.clone())).or_default() -= part,
                    None => *books.accounts.entry(account).or_default() -= part,
                }
                let draft = drafts.entry(payee.party.clone()).or_default();
                draft.active = true;
                draft.summary.charges += part;
                draft.charges.push(ChargeLine {
                    date: charge.date.clone(),
                    contract: charge.contract.id.clone(),
                    kind: charge.kind.clone(),
                    description: charge.description.clone(),
                    release: charge.release.clone().unwrap_or_default(),
                    amount: charge.amount,
                    recoupable: charge.recoupable,
                    charged: part,
                });
            }
        }

        // Earnings: statement lines, held or credited, transfers of earnings, release accounts.
        // Each payee's statement lines are counted first, so that their list is made once.
        let mut line_counts: BTreeMap<&str, usize> = BTreeMap::new();
        for earning in earned {
            for payee in &earning.contract.payees {
                *line_counts.entry(payee.party.as_str()).or_default() += earning.items.len();
            }
        }
        for (party, count) in line_counts {
            drafts.entry(party.to_string()).or_default().earnings.reserve(count);
        }
        for earning in earned {
            for (payee, part) in earning.contract.payees.iter().zip(&earning.parts) {
                let account = account_of(earning.contract, payee);
                let draft = drafts.entry(payee.party.clone()).or_default();
                let first_line = draft.earnings.len();
                self.earning_lines(earning, payee, *part, &mut draft.earnings)?;
                let lines = &draft.earnings[first_line..];
                draft.active = true;
                draft.contracts.insert(StatementContract {
                    id: earning.contract.id.clone(),
                    version: earning.contract.version,
                    title: earning.contract.title.clone(),
                    deal: earning.contract.deal.name().to_string(),
                    share: payee.share,
                });
                draft.summary.earnings += *part;
                // Only a contract with release accounts (costs of one release) needs them.
                let has_release_accounts = self
                    .books
                    .get(&payee.party)
                    .is_some_and(|books| books.release_accounts.keys().any(|(id, _)| *id == earning.contract.id));
                let by_release = if has_release_accounts { release_totals(lines) } else { BTreeMap::new() };
                let books = self.books.entry(payee.party.clone()).or_default();
                if payee.from_record_one {
                    *books.held.entry(earning.contract.id.clone()).or_default() += *part;
                    draft.summary.held_until_recoupment += *part;
                } else {
                    *books.accounts.entry(account.clone()).or_default() += *part;
                }
                for transfer in earning.contract.transfers.iter().filter(|t| t.from == payee.party && t.of == TransferBase::Earnings) {
                    let amount = self.to_cents(self.mul(*part, transfer.share, "a transfer")?);
                    self.transfer(drafts, earning.contract, transfer, amount, Some(&account))?;
                }
                // Costs of one release are paid back from that release's earnings first.
                let books = self.books.entry(payee.party.clone()).or_default();
                for (release, amount) in by_release {
                    if let Some(unrecouped) = books.release_accounts.get_mut(&(earning.contract.id.clone(), release)) {
                        let recouped = amount.max(Decimal::ZERO).min(-*unrecouped);
                        if recouped.is_positive() {
                            *unrecouped += recouped;
                            *books.accounts.entry(account.clone()).or_default() -= recouped;
                        }
                    }
                }
            }
        }

        // Reserves: releases due in the window, then this period's holds.
        for (party, books) in self.books.iter_mut() {
            let due: Vec<(Month, String)> = books.reserve_releases.range((first, String::new())..).filter(|((month, _), _)| *month <= last).map(|(key, _)| key.clone()).collect();
            for key in due {
                let amount = books.reserve_releases.remove(&key).unwrap_or_default();
                let contract_id = key.1;
                *books.reserves.entry(contract_id.clone()).or_default() -= amount;
                let account = self
                    .index
                    .governing(&contract_id, last)
                    .and_then(|contract| contract.payee(party).map(|payee| account_of(contract, payee)))
                    .unwrap_or_else(|| contract_id.clone());
                *books.accounts.entry(account).or_default() += amount;
                let draft = drafts.entry(party.clone()).or_default();
                draft.active = true;
                draft.summary.reserves_released += amount;
            }
        }
        for earning in earned {
            let Some(reserve) = &earning.contract.reserve else { continue };
            let months_per_period = i32::from(earning.contract.accounting.frequency.period_kind().month_count());
            for payee in &earning.contract.payees {
                let draft = drafts.entry(payee.party.clone()).or_default();
                let reserved: Decimal = draft
                    .earnings
                    .iter()
                    .filter(|line| line.contract == earning.contract.id && line.version == earning.contract.version)
                    .filter(|line| reserve.usages.is_empty() || reserve.usages.iter().any(|usage| usage.name() == line.usage))
                    .map(|line| line.amount)
                    .sum();
                if !reserved.is_positive() || payee.from_record_one {
                    continue;
                }
                let held = self.to_cents(self.mul(reserved, reserve.rate, "a reserve")?);
                if held.is_zero() {
                    continue;
                }
                let releases = allocate(held, &vec![Decimal::ONE; reserve.release_over_periods as usize], self.cents)
                    .map_err(|_| EngineError::Overflow("a reserve release"))?;
                let books = self.books.entry(payee.party.clone()).or_default();
                *books.accounts.entry(account_of(earning.contract, payee)).or_default() -= held;
                *books.reserves.entry(earning.contract.id.clone()).or_default() += held;
                for (step, amount) in releases.into_iter().enumerate() {
                    let offset = months_per_period * (step as i32 + 1);
                    let month = last.add_months(offset).ok_or(EngineError::Overflow("a reserve release after 2999"))?;
                    *books.reserve_releases.entry((month, earning.contract.id.clone())).or_default() += amount;
                }
                draft.summary.reserves_held += held;
            }
        }

        // From record one: held earnings are released once the contract they wait for recoups.
        let parties: Vec<String> = self.books.keys().cloned().collect();
        for party in &parties {
            let held: Vec<(String, Decimal)> = self.books[party].held.iter().filter(|(_, amount)| !amount.is_zero()).map(|(id, amount)| (id.clone(), *amount)).collect();
            for (contract_id, amount) in held {
                let Some(contract) = self.index.governing(&contract_id, last) else { continue };
                let Some(payee) = contract.payee(party) else { continue };
                let waits_for = payee.recoupment_of.clone().unwrap_or_else(|| contract_id.clone());
                if !self.recouped(&waits_for, last) {
                    continue;
                }
                let account = account_of(contract, payee);
                let books = self.books.entry(party.clone()).or_default();
                books.held.remove(&contract_id);
                *books.accounts.entry(account).or_default() += amount;
                drafts.entry(party.clone()).or_default().summary.released_after_recoupment += amount;
            }
        }

        // Minimum payout and transfers of the payable amount.
        for party in &parties {
            let minimums = self.minimums(party, last)?;
            let accounts: Vec<(String, Decimal)> = self.books[party].accounts.iter().map(|(name, amount)| (name.clone(), *amount)).collect();
            for (account, balance) in accounts {
                let minimum = minimums.get(&account).copied().unwrap_or_default();
                if !balance.is_positive() || balance < minimum {
                    continue;
                }
                let books = self.books.entry(party.clone()).or_default();
                books.accounts.insert(account.clone(), Decimal::ZERO);
                books.payable += balance;
                for (contract, transfer) in self.payable_transfers(party, &account, last) {
                    let amount = self.to_cents(self.mul(balance, transfer.share, "a transfer")?);
                    self.books.entry(party.clone()).or_default().payable -= amount;
                    self.transfer(drafts, contract, transfer, amount, None)?;
                }
            }
        }
        // What was transferred to a party is payable to it.
        for books in self.books.values_mut() {
            if books.received.is_positive() {
                books.payable += books.received;
                books.received = Decimal::ZERO;
            }
        }

        // Tax on what became payable, then payments.
        let parties: Vec<String> = self.books.keys().cloned().collect();
        for party in &parties {
            let became_payable = self.books[party].payable - payable_before.get(party).copied().unwrap_or_default();
            if !became_payable.is_positive() {
                continue;
            }
            let Some(settings) = self.settings_of(party, last) else { continue };
            drafts.entry(party.clone()).or_default().taxable = became_payable;
            let vat = match &settings.vat {
                Some(vat) => self.to_cents(self.mul(became_payable, vat.rate, "VAT")?),
                None => Decimal::ZERO,
            };
            let withholding = self.to_cents(self.mul(became_payable, settings.withholding_tax_rate, "withholding tax")?);
            self.books.entry(party.clone()).or_default().payable += vat - withholding;
            let draft = drafts.entry(party.clone()).or_default();
            draft.summary.vat += vat;
            draft.summary.withholding_tax += withholding;
        }
        let mut payments: Vec<&Payment> =
            self.input.payments.iter().filter(|payment| (first..=last).contains(&payment.date.month())).collect();
        payments.sort();
        for payment in payments {
            let amount = self.fx.convert(payment.amount, payment.currency, payment.date.month(), None)?;
            self.books.entry(payment.payee.clone()).or_default().payable -= amount;
            let draft = drafts.entry(payment.payee.clone()).or_default();
            draft.active = true;
            draft.summary.payments += amount;
            draft.payments.push(PaymentLine { date: payment.date.to_string(), amount, reference: payment.reference.clone() });
        }
        Ok(())
    }

    /// The payable amount in the party's statement currency, when it has another one and a
    /// rate is known.
    fn payable_converted(&self, party: &str, last: Month, payable: Decimal) -> Option<ConvertedAmount> {
        let currency = self.settings_of(party, last)?.statement_currency?;
        if currency == self.input.settings.accounting_currency {
            return None;
        }
        let (rate, month) = self.fx.rate_from_accounting(currency, last)?;
        let amount = payable.checked_mul(rate, self.rounding())?.round_to(currency.minor_digits(), self.rounding());
        Some(ConvertedAmount { currency: currency.code().to_string(), rate, rate_month: month.to_string(), amount })
    }

    /// A party's payment and tax settings, from the contracts in force that carry them.
    fn settings_of(&self, party: &str, month: Month) -> Option<&'a PayeeSettings> {
        self.index
            .versions
            .values()
            .filter_map(|versions| terms::governing_of(versions, month))
            .filter_map(|contract| contract.payee(party))
            .find_map(|payee| payee.settings.as_ref())
    }

    /// Whether every recoupable payee of a contract is recouped under it.
    fn recouped(&self, contract_id: &str, month: Month) -> bool {
        let Some(contract) = self.index.governing(contract_id, month) else { return true };
        contract.payees.iter().filter(|payee| payee.recoupable).all(|payee| {
            let Some(books) = self.books.get(&payee.party) else { return true };
            let account = account_of(contract, payee);
            books.accounts.get(&account).is_none_or(|balance| !balance.is_negative())
                && books.release_accounts.iter().filter(|((id, _), _)| id == contract_id).all(|(_, balance)| balance.is_zero())
        })
    }

    /// The minimum payout of each of a party's accounts: the highest of its contracts'.
    fn minimums(&self, party: &str, month: Month) -> Result<BTreeMap<String, Decimal>, EngineError> {
        let mut minimums: BTreeMap<String, Decimal> = BTreeMap::new();
        for versions in self.index.versions.values() {
            let Some(contract) = terms::governing_of(versions, month) else { continue };
            let Some(payee) = contract.payee(party) else { continue };
            let minimum = self.fx.convert_latest(contract.accounting.minimum_payout, contract.currency, month)?;
            let entry = minimums.entry(account_of(contract, payee)).or_default();
            *entry = (*entry).max(minimum);
        }
        Ok(minimums)
    }

    /// The transfers of the payable amount from `party` in the contracts of one account.
    fn payable_transfers(&self, party: &str, account: &str, month: Month) -> Vec<(&'a Contract, &'a Transfer)> {
        let mut found = Vec::new();
        for versions in self.index.versions.values() {
            let Some(contract) = terms::governing_of(versions, month) else { continue };
            let Some(payee) = contract.payee(party) else { continue };
            if account_of(contract, payee) != account {
                continue;
            }
            for transfer in contract.transfers.iter().filter(|t| t.from == party && t.of == TransferBase::Payable) {
                found.push((contract, transfer));
            }
        }
        found
    }

    /// Moves `amount` from the transfer's payee to its receiver: out of `account` for a
    /// transfer of earnings, out of the payable amount (already taken) otherwise.
    fn transfer(
        &mut self,
        drafts: &mut BTreeMap<String, Draft>,
        contract: &Contract,
        transfer: &Transfer,
        amount: Decimal,
        account: Option<&str>,
    ) -> Result<(), EngineError> {
        if amount.is_zero() {
            return Ok(());
        }
        if let Some(account) = account {
            *self.books.entry(transfer.from.clone()).or_default().accounts.entry(account.to_string()).or_default() -= amount;
        }
        self.books.entry(transfer.to.clone()).or_default().received += amount;
        let description = transfer.description.clone().unwrap_or_default();
        for (party, signed) in [(&transfer.from, -amount), (&transfer.to, amount)] {
            let draft = drafts.entry(party.clone()).or_default();
            draft.active = true;
            if signed.is_negative() {
                draft.summary.transfers_out += amount;
            } else {
                draft.summary.transfers_in += amount;
            }
            draft.transfers.push(TransferLine {
                contract: contract.id.clone(),
                from: transfer.from.clone(),
                to: transfer.to.clone(),
                of: transfer.of.name().to_string(),
                share: transfer.share,
                amount: signed,
                description: description.clone(),
            });
        }
        Ok(())
    }

    /// A payee's statement lines for one contract version, adding up to its part.
    /// Appended to `lines`.
    fn earning_lines(&self, earning: &Earned<'a>, payee: &Payee, part: Decimal, lines: &mut Vec<EarningLine>) -> Result<(), EngineError> {
        let mut exact = Vec::with_capacity(earning.items.len());
        for (_, amount) in &earning.items {
            exact.push(self.mul(*amount, payee.share, "a payee's part")?);
        }
        let total_units = part.to_units(self.cents).ok_or(EngineError::Overflow("a payee's part"))?;
        let cents = apportion(total_units, &exact, self.cents);
        let contract = earning.contract;
        lines.reserve(cents.len());
        // Neighbouring lines mostly share their recording, and a period has few sale months.
        let mut last_title: Option<(&str, &str, String)> = None;
        let mut month_names: Vec<(Month, String)> = Vec::new();
        for ((item, _), units) in earning.items.iter().zip(cents) {
            let amount = Decimal::from_units(units, self.cents).ok_or(EngineError::Overflow("an earning line"))?;
            let mut line = EarningLine {
                contract: contract.id.clone(),
                version: contract.version,
                release: String::new(),
                track: String::new(),
                title: String::new(),
                service: String::new(),
                territory: String::new(),
                usage: String::new(),
                tier: String::new(),
                sale_month: String::new(),
                units: 0,
                receipts: Decimal::ZERO,
                deductions: Decimal::ZERO,
                rate: Decimal::ZERO,
                amount,
            };
            match item {
                Item::Receipts(key, sums) => {
                    line.title = match &last_title {
                        Some((release, track, title)) if *release == key.release && *track == key.track => title.clone(),
                        _ => {
                            let title = self.title(key.release, key.track);
                            last_title = Some((key.release, key.track, title.clone()));
                            title
                        }
                    };
                    line.release = key.release.to_string();
                    line.track = key.track.to_string();
                    line.service = key.service.to_string();
                    line.territory = key.territory.to_string();
                    line.usage = key.usage.to_string();
                    line.tier = key.tier.to_string();
                    line.sale_month = match month_names.iter().find(|(month, _)| *month == key.sale_month) {
                        Some((_, name)) => name.clone(),
                        None => {
                            let name = key.sale_month.to_string();
                            month_names.push((key.sale_month, name.clone()));
                            name
                        }
                    };
                    line.units = sums.units;
                    line.receipts = sums.receipts;
                    line.deductions = sums.deductions;
                    line.rate = key.rate;
                }
                Item::Cost(charge) => {
                    line.release = charge.release.clone().unwrap_or_default();
                    line.usage = "cost".to_string();
                    line.title = format!("{}: {} ({})", charge.kind, charge.description, charge.date);
                    line.receipts = -charge.recoupable;
                    line.rate = self.net_profit_part(contract);
                }
                Item::LossBroughtForward => {
                    line.usage = "loss".to_string();
                    line.title = "Loss brought forward from earlier periods".to_string();
                    line.rate = self.net_profit_part(contract);
                }
                Item::LossCarriedForward => {
                    line.usage = "loss".to_string();
                    line.title = "Loss carried forward to later periods".to_string();
                    line.rate = self.net_profit_part(contract);
                }
            }
            lines.push(line);
        }
        Ok(())
    }

    fn net_profit_part(&self, contract: &Contract) -> Decimal {
        match &contract.deal {
            Deal::NetProfit(terms) => Decimal::ONE - terms.label_share,
            Deal::Royalty(_) => Decimal::ZERO,
        }
    }

    fn title(&self, release: &str, track: &str) -> String {
        let catalog = &self.input.catalog;
        catalog
            .tracks
            .get(track)
            .map(|track| track.title.clone())
            .or_else(|| catalog.releases.get(release).map(|release| release.title.clone()))
            .unwrap_or_default()
    }

    /// Draws up the statements from the drafts and the books, and checks each adds up.
    fn statements(
        &self,
        period: Period,
        first: Month,
        last: Month,
        opening: &BTreeMap<String, Decimal>,
        drafts: BTreeMap<String, Draft>,
        conservation: &mut Conservation,
    ) -> Result<Vec<Statement>, EngineError> {
        let mut statements = Vec::new();
        let mut drafts = drafts;
        let parties: BTreeSet<String> = self.books.keys().chain(drafts.keys()).cloned().collect();
        for party in parties {
            let books = self.books.get(&party).cloned().unwrap_or_default();
            let draft = drafts.remove(&party).unwrap_or_default();
            let opening_balance = opening.get(&party).copied().unwrap_or_default();
            let closing = books.balance();
            if !draft.active && opening_balance.is_zero() && closing.is_zero() {
                continue;
            }
            let mut summary = draft.summary;
            summary.opening_balance = opening_balance;
            summary.closing_balance = closing;
            summary.payable = books.payable;
            summary.reserves_balance = books.reserves.values().copied().sum();
            summary.held_balance = books.held.values().copied().sum();
            let negative: Decimal = books.accounts.values().filter(|amount| amount.is_negative()).copied().sum();
            summary.unrecouped = negative + books.release_accounts.values().copied().sum::<Decimal>();
            summary.carried_forward = books.accounts.values().filter(|amount| amount.is_positive()).copied().sum::<Decimal>() + books.received;
            conservation.payee_credits += draft.earnings.iter().map(|line| line.amount).sum::<Decimal>();
            if draft.earnings.iter().map(|line| line.amount).sum::<Decimal>() != summary.earnings {
                return Err(EngineError::StatementDoesNotAddUp {
                    payee: party,
                    period: period.to_string(),
                    detail: "the earning lines do not add up to the earnings".to_string(),
                });
            }
            if !summary.adds_up() {
                return Err(EngineError::StatementDoesNotAddUp { payee: party, period: period.to_string(), detail: format!("{summary:?}") });
            }
            let accounts = account_lines(&books);
            let mut earnings = draft.earnings;
            earnings.sort();
            let mut charges = draft.charges;
            charges.sort();
            let mut transfers = draft.transfers;
            transfers.sort();
            let mut payments = draft.payments;
            payments.sort();
            let party_id = party.clone();
            statements.push(Statement {
                label: self.input.settings.label_name.clone(),
                payee_name: self.input.parties.get(&party).map(|p| p.name.clone()).unwrap_or_else(|| party.clone()),
                payee: party,
                period: period.to_string(),
                first_month: first.to_string(),
                last_month: last.to_string(),
                currency: self.input.settings.accounting_currency.code().to_string(),
                rounding: self.rounding().name().to_string(),
                contracts: draft.contracts.into_iter().collect(),
                summary,
                accounts,
                earnings,
                charges,
                transfers,
                payments,
                adjustments: Vec::new(),
                notes: Vec::new(),
                tax: self.settings_of(&party_id, last).map(|settings| PayeeTax {
                    vat_number: settings.vat.as_ref().map(|vat| vat.number.clone()),
                    vat_rate: settings.vat.as_ref().map_or(Decimal::ZERO, |vat| vat.rate),
                    self_billing: settings.vat.as_ref().is_some_and(|vat| vat.self_billing),
                    withholding_tax_rate: settings.withholding_tax_rate,
                    country: self.input.parties.get(&party_id).and_then(|party| party.country.clone()),
                    taxable: draft.taxable,
                }),
                invoice: None,
                payable_converted: self.payable_converted(&party_id, last, books.payable),
            });
        }
        Ok(statements)
    }
}

/// An advance or cost dated in the period.
#[derive(Clone, Debug)]
struct Charge<'a> {
    contract: &'a Contract,
    date: String,
    kind: String,
    description: String,
    release: Option<String>,
    /// In the accounting currency.
    amount: Decimal,
    /// The part paid back, to the cent.
    recoupable: Decimal,
}

/// What a statement line of a contract version is made from.
#[derive(Clone, Debug)]
enum Item<'a> {
    Receipts(DetailKey<'a>, DetailSums),
    Cost(Charge<'a>),
    LossBroughtForward,
    LossCarriedForward,
}

/// One contract version's earnings in a period.
struct Earned<'a> {
    contract: &'a Contract,
    /// The statement lines' exact amounts (the payees' whole part).
    items: Vec<(Item<'a>, Decimal)>,
    exact: Decimal,
    /// Each payee's part to the cent, in the order of `contract.payees`.
    parts: Vec<Decimal>,
}

/// The account a payee's money under a contract is kept in: contracts that are cross-
/// collateralised share one.
fn account_of(contract: &Contract, payee: &Payee) -> String {
    use ledgerline_contracts::CrossCollateralisation;
    if !payee.recoupable {
        return contract.id.clone();
    }
    match &contract.cross_collateralisation {
        CrossCollateralisation::None => contract.id.clone(),
        CrossCollateralisation::Payee => "all-contracts".to_string(),
        CrossCollateralisation::Group(group) => format!("group:{group}"),
    }
}

/// Every bucket of a payee's books that holds money, as statement lines.
fn account_lines(books: &Books) -> Vec<AccountLine> {
    let line = |kind: &str, name: String, balance: Decimal| AccountLine { kind: kind.to_string(), name, balance };
    let mut lines: Vec<AccountLine> = Vec::new();
    lines.extend(books.accounts.iter().map(|(name, balance)| line("recoupment", name.clone(), *balance)));
    lines.extend(books.release_accounts.iter().map(|((contract, release), balance)| line("release", format!("{contract} {release}"), *balance)));
    lines.extend(books.held.iter().map(|(contract, balance)| line("held", contract.clone(), *balance)));
    lines.extend(books.reserves.iter().map(|(contract, balance)| line("reserve", contract.clone(), *balance)));
    lines.push(line("transfers", "received".to_string(), books.received));
    lines.push(line("payable", "payable".to_string(), books.payable));
    lines.retain(|line| !line.balance.is_zero());
    lines
}

/// A payee's earnings by release, for paying back the costs of one release.
fn release_totals(lines: &[EarningLine]) -> BTreeMap<String, Decimal> {
    let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in lines.iter().filter(|line| !line.release.is_empty()) {
        *totals.entry(line.release.clone()).or_default() += line.amount;
    }
    totals
}
