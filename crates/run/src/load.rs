//! Reads everything a run depends on from the ledger and the lake into the engine's input.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ledgerline_contracts::{Configuration, Tier, Usage};
use ledgerline_engine::{
    AccountingBasis, Catalog, CatalogRelease, CatalogTrack, Cost, FastHash, FxTable, Issued, Party, Payment, ReceiptKey,
    ReceiptSums, RunInput, Settings, Statement, SuspenseKey,
};
use ledgerline_model::{Date, Month, Period, Territory};
use ledgerline_money::{Currency, Decimal, RoundingMode};
use ledgerline_store::Ledger;

use crate::error::RunError;
use ledgerline_lake::{Identifiers, RollupKey};

/// The setting that chooses the month receipts are accounted in.
pub const BASIS_SETTING: &str = "accounting_basis";

/// The engine's input for a period, and what the ledger already issued.
pub struct Loaded {
    pub input: RunInput,
    /// Summaries of the statements issued for the closed periods.
    pub issued: Issued,
    /// Report lines read from the lake.
    pub lines_read: u64,
}

pub fn settings(ledger: &Ledger) -> Result<Settings, RunError> {
    let currency = ledger.setting("accounting_currency")?.ok_or(RunError::NotInitialised)?;
    let accounting_currency = Currency::parse(&currency).map_err(|error| RunError::corrupt("accounting currency", error))?;
    let rounding = match ledger.setting("rounding_mode")? {
        Some(text) => text.parse::<RoundingMode>().map_err(|error| RunError::corrupt("rounding mode", error))?,
        None => RoundingMode::HalfEven,
    };
    let basis = match ledger.setting(BASIS_SETTING)? {
        Some(text) => AccountingBasis::parse(&text).ok_or_else(|| RunError::corrupt("accounting basis", text))?,
        None => AccountingBasis::ReportingMonth,
    };
    Ok(Settings { label_name: ledger.setting("label_name")?.unwrap_or_default(), accounting_currency, rounding, basis })
}

/// Closed periods in order.
pub fn closed_periods(ledger: &Ledger) -> Result<Vec<Period>, RunError> {
    let mut statement = ledger.connection().prepare("SELECT id FROM periods WHERE status = 'closed' ORDER BY first_month")?;
    let ids: Vec<String> = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    ids.iter().map(|id| Period::parse(id).map_err(|error| RunError::corrupt("closed period", error))).collect()
}

/// The periods a run of `target` computes: every closed one, then `target`.
pub fn periods_for(ledger: &Ledger, target: Period) -> Result<Vec<Period>, RunError> {
    let mut periods = closed_periods(ledger)?;
    if periods.contains(&target) {
        return Err(RunError::AlreadyClosed { period: target });
    }
    if let Some(last) = periods.last() {
        if target.last_month() <= last.last_month() {
            return Err(RunError::BeforeClosed { period: target, closed: *last });
        }
    }
    periods.push(target);
    Ok(periods)
}

pub fn load(ledger: &Ledger, lake_root: &Path, target: Period) -> Result<Loaded, RunError> {
    let settings = settings(ledger)?;
    let periods = periods_for(ledger, target)?;
    let catalog = catalog(ledger)?;
    let matcher = Matcher::load(ledger)?;
    // Added up under compact keys (text interned), then sorted once into the engine's map.
    let mut receipts = Receipts::default();
    let mut suspense: BTreeMap<SuspenseKey, ReceiptSums> = BTreeMap::new();
    let mut lines_read = 0u64;
    let mut rates = ReportRates::default();
    for (_, key) in imports(ledger)? {
        ledgerline_lake::for_each_rollup_row(lake_root, &key, |rolled, rolled_sums| {
            let sums = ReceiptSums { lines: rolled_sums.lines, units: rolled_sums.units, net: rolled_sums.net, gross: rolled_sums.gross };
            lines_read += sums.lines;
            let month = match settings.basis {
                AccountingBasis::ReportingMonth => rolled.reporting_month.unwrap_or(rolled.sale_month),
                AccountingBasis::SaleMonth => rolled.sale_month,
            };
            let report_rate = rates.get(rolled.original_currency, rolled.fx_rate, settings.accounting_currency);
            let (release, track) = matcher.resolve_text(&TextIdentifiers {
                isrc: &rolled.isrc,
                upc: &rolled.upc,
                catalog_number: &rolled.catalog_number,
                proprietary_id: &rolled.proprietary_id,
                reported_isrc: &rolled.reported_isrc,
                reported_upc: &rolled.reported_upc,
            });
            if release.is_none() && track.is_none() {
                suspense.entry(SuspenseKey { month, currency: rolled.currency, report_rate }).or_default().add(&sums);
                return;
            }
            let key = CompactKey {
                month,
                sale_month: rolled.sale_month,
                release: release.map_or(0, |release| receipts.releases.id(release)),
                track: track.map_or(0, |track| receipts.tracks.id(track)),
                service: receipts.services.id(&rolled.service),
                territory: rolled.territory,
                usage: Usage::parse(rolled.usage).unwrap_or(Usage::Other),
                tier: Tier::parse(rolled.tier).unwrap_or(Tier::Other),
                currency: rolled.currency,
                report_rate,
            };
            receipts.sums.entry(key).or_default().add(&sums);
        })?;
    }
    let input = RunInput {
        settings,
        periods,
        contracts: ledgerline_contracts::all_contract_versions(ledger)?,
        catalog,
        parties: parties(ledger)?,
        receipts: receipts.sorted(),
        suspense,
        costs: costs(ledger)?,
        payments: payments(ledger)?,
        fx: fx_table(ledger.connection())?,
    };
    Ok(Loaded { input, issued: issued(ledger)?, lines_read })
}

/// Texts numbered in the order they are first seen, from 1 (0 stands for none).
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32, FastHash>,
    texts: Vec<String>,
}

impl Interner {
    fn id(&mut self, text: &str) -> u32 {
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        self.texts.push(text.to_string());
        let id = self.texts.len() as u32;
        self.ids.insert(text.to_string(), id);
        id
    }

    /// The text of an id.
    fn text(&self, id: u32) -> Option<&str> {
        (id != 0).then(|| self.texts[id as usize - 1].as_str())
    }

    /// Each id's place in the order of the texts (none first), so that comparing ranks
    /// compares the texts as `Option<String>` does.
    fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (1..=self.texts.len() as u32).collect();
        order.sort_unstable_by(|left, right| self.texts[*left as usize - 1].cmp(&self.texts[*right as usize - 1]));
        let mut ranks = vec![0; self.texts.len() + 1];
        for (place, id) in order.into_iter().enumerate() {
            ranks[id as usize] = place as u32 + 1;
        }
        ranks
    }
}

/// A [`ReceiptKey`] with its text replaced by interned ids.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct CompactKey {
    month: Month,
    sale_month: Month,
    release: u32,
    track: u32,
    service: u32,
    territory: Territory,
    usage: Usage,
    tier: Tier,
    currency: Currency,
    report_rate: Option<Decimal>,
}

/// Matched receipts while they are added up.
#[derive(Default)]
struct Receipts {
    sums: HashMap<CompactKey, ReceiptSums, FastHash>,
    releases: Interner,
    tracks: Interner,
    services: Interner,
}

impl Receipts {
    /// The engine's ordered map: sorted once by the ranks of the texts (the order of
    /// [`ReceiptKey`]), then built from the sorted run.
    fn sorted(self) -> BTreeMap<ReceiptKey, ReceiptSums> {
        let (releases, tracks, services) = (self.releases.ranks(), self.tracks.ranks(), self.services.ranks());
        let entries: Vec<(CompactKey, ReceiptSums)> = self.sums.into_iter().collect();
        // Months and ranks packed into integers (in the same order), then the rest of the key.
        let month = |month: Month| u64::from((month.index() as u32) ^ 0x8000_0000);
        let rest = |key: &CompactKey| (key.territory, key.usage, key.tier, key.currency, key.report_rate);
        let mut order: Vec<(u64, u64, u32, u32)> = entries
            .iter()
            .enumerate()
            .map(|(index, (key, _))| {
                (
                    (month(key.month) << 32) | month(key.sale_month),
                    (u64::from(releases[key.release as usize]) << 32) | u64::from(tracks[key.track as usize]),
                    services[key.service as usize],
                    index as u32,
                )
            })
            .collect();
        // Keys are distinct, so an unstable sort is deterministic.
        order.sort_unstable_by(|left, right| {
            (left.0, left.1, left.2)
                .cmp(&(right.0, right.1, right.2))
                .then_with(|| rest(&entries[left.3 as usize].0).cmp(&rest(&entries[right.3 as usize].0)))
        });
        order
            .into_iter()
            .map(|(_, _, _, index)| {
                let (key, sums) = entries[index as usize];
                let receipt = ReceiptKey {
                    month: key.month,
                    sale_month: key.sale_month,
                    release: self.releases.text(key.release).map(str::to_string),
                    track: self.tracks.text(key.track).map(str::to_string),
                    service: self.services.text(key.service).unwrap_or_default().to_string(),
                    territory: key.territory,
                    usage: key.usage,
                    tier: key.tier,
                    currency: key.currency,
                    report_rate: key.report_rate,
                };
                (receipt, sums)
            })
            .collect()
    }
}

/// [`rate_into`] of the last currency and rate asked for: neighbouring roll-up rows mostly
/// share them, and the division is the costly part.
#[derive(Default)]
struct ReportRates {
    /// The original currency and rate asked for last, and the answer.
    last: Option<(ReportConversion, Option<Decimal>)>,
}

/// A report's original currency and its rate from it.
type ReportConversion = (Option<Currency>, Option<Decimal>);

impl ReportRates {
    fn get(&mut self, original: Option<Currency>, rate: Option<Decimal>, accounting: Currency) -> Option<Decimal> {
        match self.last {
            Some((asked, answer)) if asked == (original, rate) => answer,
            _ => {
                let answer = rate_into(original, rate, accounting);
                self.last = Some(((original, rate), answer));
                answer
            }
        }
    }
}

/// The month lines are accounted in.
pub fn accounting_month(key: &RollupKey, basis: AccountingBasis) -> Month {
    match basis {
        AccountingBasis::ReportingMonth => key.reporting_month.unwrap_or(key.sale_month),
        AccountingBasis::SaleMonth => key.sale_month,
    }
}

/// The report's own rate into the accounting currency, when it converted from it.
fn report_rate(key: &RollupKey, accounting: Currency) -> Option<Decimal> {
    rate_into(key.original_currency, key.fx_rate, accounting)
}

fn rate_into(original: Option<Currency>, rate: Option<Decimal>, accounting: Currency) -> Option<Decimal> {
    match (original, rate) {
        (Some(original), Some(rate)) if original == accounting && !rate.is_zero() => Decimal::ONE.checked_div(rate, RoundingMode::HalfEven),
        _ => None,
    }
}

/// The key matched lines are added up under; `None` when the catalog does not know them.
pub fn receipt_key(key: &RollupKey, matcher: &Matcher, settings: &Settings) -> Option<ReceiptKey> {
    let (release, track) = matcher.resolve(&key.identifiers);
    if release.is_none() && track.is_none() {
        return None;
    }
    Some(ReceiptKey {
        month: accounting_month(key, settings.basis),
        sale_month: key.sale_month,
        release,
        track,
        service: key.service.clone(),
        territory: key.territory,
        usage: Usage::parse(&key.usage).unwrap_or(Usage::Other),
        tier: Tier::parse(&key.tier).unwrap_or(Tier::Other),
        currency: key.currency,
        report_rate: report_rate(key, settings.accounting_currency),
    })
}

/// Matches lines to the catalog: ISRC, then the product code, then the catalog number, then
/// aliases, as at import.
pub struct Matcher {
    isrcs: HashMap<String, (), FastHash>,
    eans: HashMap<String, (), FastHash>,
    catalog_numbers: HashMap<String, String, FastHash>,
    /// Alias value → (track ISRC, release EAN).
    aliases: HashMap<String, (Option<String>, Option<String>), FastHash>,
}

/// A line's identifiers as text (what [`Identifiers`] holds, borrowed).
pub struct TextIdentifiers<'t> {
    pub isrc: &'t str,
    pub upc: &'t str,
    pub catalog_number: &'t str,
    pub proprietary_id: &'t str,
    pub reported_isrc: &'t str,
    pub reported_upc: &'t str,
}

impl Matcher {
    pub fn load(ledger: &Ledger) -> Result<Matcher, RunError> {
        let connection = ledger.connection();
        let pairs = |sql: &str| -> Result<Vec<(String, Option<String>)>, RunError> {
            let mut statement = connection.prepare(sql)?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
            Ok(rows)
        };
        let isrcs = pairs("SELECT isrc, NULL FROM tracks WHERE isrc IS NOT NULL")?.into_iter().map(|(isrc, _)| (isrc, ())).collect();
        let eans = pairs("SELECT icpn, NULL FROM releases WHERE icpn IS NOT NULL")?.into_iter().map(|(ean, _)| (ean, ())).collect();
        let catalog_numbers = pairs("SELECT upper(catalog_number), icpn FROM releases WHERE catalog_number <> '' AND icpn IS NOT NULL")?
            .into_iter()
            .filter_map(|(number, ean)| ean.map(|ean| (number, ean)))
            .collect();
        let mut statement = connection.prepare(
            "SELECT aliases.value, tracks.isrc, releases.icpn FROM aliases
             LEFT JOIN tracks ON tracks.id = aliases.track_id LEFT JOIN releases ON releases.id = aliases.release_id",
        )?;
        let aliases = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, (row.get(1)?, row.get(2)?))))?
            .collect::<Result<_, _>>()?;
        Ok(Matcher { isrcs, eans, catalog_numbers, aliases })
    }

    /// The release and track lines with these identifiers are for, as far as the catalog knows.
    pub fn resolve(&self, ids: &Identifiers) -> (Option<String>, Option<String>) {
        let (release, track) = self.resolve_text(&TextIdentifiers {
            isrc: &ids.isrc,
            upc: &ids.upc,
            catalog_number: &ids.catalog_number,
            proprietary_id: &ids.proprietary_id,
            reported_isrc: &ids.reported_isrc,
            reported_upc: &ids.reported_upc,
        });
        (release.map(str::to_string), track.map(str::to_string))
    }

    /// [`Matcher::resolve`] without copying: the texts returned are the catalog's.
    pub fn resolve_text(&self, ids: &TextIdentifiers<'_>) -> (Option<&str>, Option<&str>) {
        fn known<'m>(value: &str, set: &'m HashMap<String, (), FastHash>) -> Option<&'m str> {
            if value.is_empty() {
                return None;
            }
            set.get_key_value(value).map(|(key, _)| key.as_str())
        }
        let mut track = known(ids.isrc, &self.isrcs);
        let mut release = known(ids.upc, &self.eans);
        if release.is_none() && !ids.catalog_number.is_empty() {
            let number = ids.catalog_number;
            // Text without lower-case letters (ASCII only) is its own upper case.
            let found = if number.bytes().all(|byte| byte.is_ascii() && !byte.is_ascii_lowercase()) {
                self.catalog_numbers.get(number)
            } else {
                self.catalog_numbers.get(&number.to_uppercase())
            };
            release = found.map(String::as_str);
        }
        if track.is_none() || release.is_none() {
            for value in [ids.proprietary_id, ids.reported_isrc, ids.reported_upc, ids.catalog_number] {
                if let Some((alias_track, alias_release)) = self.aliases.get(value).filter(|_| !value.is_empty()) {
                    track = track.or(alias_track.as_deref());
                    release = release.or(alias_release.as_deref());
                }
            }
        }
        (release, track)
    }
}

/// Committed imports in order: id and lake key.
pub fn imports(ledger: &Ledger) -> Result<Vec<(i64, String)>, RunError> {
    let mut statement = ledger.connection().prepare("SELECT id, content_sha256 FROM imports ORDER BY id")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn catalog(ledger: &Ledger) -> Result<Catalog, RunError> {
    let connection = ledger.connection();
    let mut catalog = Catalog::default();
    let mut statement = connection.prepare("SELECT id, icpn, title, coalesce(format, '') FROM releases WHERE icpn IS NOT NULL ORDER BY id")?;
    let releases: Vec<(i64, String, String, String)> =
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?.collect::<Result<_, _>>()?;
    let mut statement = connection.prepare(
        "SELECT release_tracks.release_id, tracks.isrc FROM release_tracks JOIN tracks ON tracks.id = release_tracks.track_id
         WHERE tracks.isrc IS NOT NULL ORDER BY release_tracks.release_id, disc_number, track_number",
    )?;
    let mut tracklists: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))? {
        let (release, isrc) = row?;
        tracklists.entry(release).or_default().push(isrc);
    }
    for (id, ean, title, format) in releases {
        let configuration = Configuration::parse(&format.trim().to_lowercase());
        let tracks = tracklists.remove(&id).unwrap_or_default();
        catalog.releases.insert(ean.clone(), CatalogRelease { ean, title, configuration, tracks });
    }
    let mut statement = connection.prepare("SELECT isrc, title, coalesce(display_artist, '') FROM tracks WHERE isrc IS NOT NULL")?;
    for row in statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))? {
        let (isrc, title, artist) = row?;
        catalog.tracks.insert(isrc.clone(), CatalogTrack { isrc, title, artist });
    }
    Ok(catalog)
}

fn parties(ledger: &Ledger) -> Result<BTreeMap<String, Party>, RunError> {
    let mut statement = ledger.connection().prepare("SELECT id, name, country FROM parties")?;
    let rows = statement
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?)))?
        .map(|row| row.map(|(id, name, country)| (id.clone(), Party { id, name, country: country.filter(|code| !code.is_empty()) })))
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn decimal(text: &str, what: &str) -> Result<Decimal, RunError> {
    Decimal::parse(text).map_err(|error| RunError::corrupt(what, error))
}

fn currency(text: &str) -> Result<Currency, RunError> {
    Currency::parse(text).map_err(|error| RunError::corrupt("currency", error))
}

fn date(text: &str) -> Result<Date, RunError> {
    Date::parse(text).map_err(|error| RunError::corrupt("date", error))
}

fn costs(ledger: &Ledger) -> Result<Vec<Cost>, RunError> {
    let mut statement = ledger.connection().prepare(
        "SELECT costs.date, contract_id, coalesce(release, ''), kind, amount, currency, description, cost_imports.file_name, line
         FROM costs JOIN cost_imports ON cost_imports.id = costs.import_id ORDER BY costs.id",
    )?;
    let rows: Vec<[String; 8]> = statement
        .query_map([], |row| {
            Ok([row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?, format!("{}:{}", row.get::<_, String>(7)?, row.get::<_, i64>(8)?)])
        })?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|[day, contract, release, kind, amount, code, description, source]| {
            Ok(Cost {
                date: date(&day)?,
                contract,
                release: (!release.is_empty()).then_some(release),
                kind,
                amount: decimal(&amount, "cost amount")?,
                currency: currency(&code)?,
                description,
                source,
            })
        })
        .collect()
}

fn payments(ledger: &Ledger) -> Result<Vec<Payment>, RunError> {
    let mut statement = ledger.connection().prepare("SELECT date, payee_id, amount, currency, reference FROM payments ORDER BY id")?;
    let rows: Vec<[String; 5]> = statement
        .query_map([], |row| Ok([row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?]))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|[day, payee, amount, code, reference]| {
            Ok(Payment { date: date(&day)?, payee, amount: decimal(&amount, "payment amount")?, currency: currency(&code)?, reference })
        })
        .collect()
}

/// Every exchange rate of the ledger.
pub(crate) fn fx_table(connection: &rusqlite::Connection) -> Result<FxTable, RunError> {
    let mut statement = connection.prepare("SELECT month, from_currency, to_currency, rate FROM fx_rates")?;
    let rows: Vec<[String; 4]> =
        statement.query_map([], |row| Ok([row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?]))?.collect::<Result<_, _>>()?;
    let mut table = FxTable::default();
    for [month, from, to, rate] in rows {
        let month = Month::parse(&month).map_err(|error| RunError::corrupt("fx month", error))?;
        table.rates.insert((month, currency(&from)?, currency(&to)?), decimal(&rate, "fx rate")?);
    }
    Ok(table)
}

/// The issued statements of every closed period.
pub fn issued_statements(ledger: &Ledger, period: Option<&str>) -> Result<Vec<(String, Statement)>, RunError> {
    let mut statement = ledger
        .connection()
        .prepare("SELECT period, content, content_sha256 FROM statements WHERE ?1 IS NULL OR period = ?1 ORDER BY period, payee_id")?;
    let rows: Vec<(String, String, String)> =
        statement.query_map([period], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(period, content, sha256)| {
            let statement: Statement = serde_json::from_str(&content).map_err(|error| RunError::corrupt(format!("statement of {period}"), error))?;
            Ok((sha256, statement))
        })
        .collect()
}

/// The issued statements, in the order their periods were closed.
fn issued(ledger: &Ledger) -> Result<Issued, RunError> {
    let mut issued = Issued::default();
    let statements = issued_statements(ledger, None)?;
    for period in closed_periods(ledger)? {
        let name = period.to_string();
        statements.iter().filter(|(_, statement)| statement.period == name).for_each(|(_, statement)| issued.add(statement));
    }
    Ok(issued)
}
