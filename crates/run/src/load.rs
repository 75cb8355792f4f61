//! Reads everything a run depends on from the ledger and the lake into the engine's input.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ledgerline_contracts::{contract_ids, contract_versions, stored_contract, Configuration, Contract, Tier, Usage};
use ledgerline_engine::{
    AccountingBasis, Catalog, CatalogRelease, CatalogTrack, Cost, FxTable, Issued, Party, Payment, ReceiptKey, ReceiptSums,
    RunInput, Settings, Statement, SuspenseKey,
};
use ledgerline_model::{Date, Month, Period};
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
    // Added up in hash maps, then sorted once into the engine's ordered maps.
    let mut receipts: HashMap<ReceiptKey, ReceiptSums> = HashMap::new();
    let mut suspense: BTreeMap<SuspenseKey, ReceiptSums> = BTreeMap::new();
    let mut lines_read = 0u64;
    for (_, key) in imports(ledger)? {
        for (rolled, rolled_sums) in ledgerline_lake::read_rollup(lake_root, &key)? {
            let sums = ReceiptSums { lines: rolled_sums.lines, units: rolled_sums.units, net: rolled_sums.net, gross: rolled_sums.gross };
            lines_read += sums.lines;
            match receipt_key(&rolled, &matcher, &settings) {
                Some(key) => receipts.entry(key).or_default().add(&sums),
                None => {
                    let key = SuspenseKey {
                        month: accounting_month(&rolled, settings.basis),
                        currency: rolled.currency,
                        report_rate: report_rate(&rolled, settings.accounting_currency),
                    };
                    suspense.entry(key).or_default().add(&sums);
                }
            }
        }
    }
    let input = RunInput {
        settings,
        periods,
        contracts: all_contracts(ledger)?,
        catalog,
        parties: parties(ledger)?,
        receipts: sorted(receipts),
        suspense,
        costs: costs(ledger)?,
        payments: payments(ledger)?,
        fx: fx(ledger)?,
    };
    Ok(Loaded { input, issued: issued(ledger)?, lines_read })
}

/// A hash map as the engine's ordered map: sorted once in place (keys are distinct, so an
/// unstable sort is deterministic), then built from the sorted run without comparing again.
fn sorted(receipts: HashMap<ReceiptKey, ReceiptSums>) -> BTreeMap<ReceiptKey, ReceiptSums> {
    let mut entries: Vec<(ReceiptKey, ReceiptSums)> = receipts.into_iter().collect();
    entries.sort_unstable_by(|left, right| left.0.cmp(&right.0));
    entries.into_iter().collect()
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
    match (key.original_currency, key.fx_rate) {
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
    isrcs: HashMap<String, ()>,
    eans: HashMap<String, ()>,
    catalog_numbers: HashMap<String, String>,
    /// Alias value → (track ISRC, release EAN).
    aliases: HashMap<String, (Option<String>, Option<String>)>,
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
        let known = |value: &String, set: &HashMap<String, ()>| (!value.is_empty() && set.contains_key(value)).then(|| value.clone());
        let mut track = known(&ids.isrc, &self.isrcs);
        let mut release = known(&ids.upc, &self.eans);
        if release.is_none() && !ids.catalog_number.is_empty() {
            release = self.catalog_numbers.get(&ids.catalog_number.to_uppercase()).cloned();
        }
        if track.is_none() || release.is_none() {
            for value in [&ids.proprietary_id, &ids.reported_isrc, &ids.reported_upc, &ids.catalog_number] {
                if let Some((alias_track, alias_release)) = self.aliases.get(value.as_str()).filter(|_| !value.is_empty()) {
                    track = track.or_else(|| alias_track.clone());
                    release = release.or_else(|| alias_release.clone());
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

fn all_contracts(ledger: &Ledger) -> Result<Vec<Contract>, RunError> {
    let mut contracts = Vec::new();
    for id in contract_ids(ledger)? {
        for version in contract_versions(ledger, &id)? {
            if let Some(stored) = stored_contract(ledger, &id, version.version)? {
                contracts.push(stored.contract);
            }
        }
    }
    Ok(contracts)
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

fn fx(ledger: &Ledger) -> Result<FxTable, RunError> {
    let mut statement = ledger.connection().prepare("SELECT month, from_currency, to_currency, rate FROM fx_rates")?;
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
