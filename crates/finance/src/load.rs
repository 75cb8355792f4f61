//! Reads what the pack is computed from: the run machinery's input (ledger and lake roll-ups),
//! the engine's periods, the ledger's closed-period figures, the catalog's dates and formats,
//! the contracts' terms and the payees' balances.

use std::collections::BTreeMap;
use std::path::Path;

use ledgerline_engine::Statement;
use ledgerline_model::{Date, Month, Period};
use ledgerline_money::Decimal;
use ledgerline_store::Ledger;

use crate::error::FinanceError;
use crate::facts::{self, Figures};
use crate::pack::{
    BalancesAt, CatalogInfo, ImportedCurrency, PackInput, PayeeBalances, ReleaseInfo,
    RightsContract, TrackInfo, DEFAULT_YEARS,
};

/// What the user asked for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// The last month of the pack; default: the last month of the last closed period, or the
    /// last month with receipts when nothing is closed.
    pub as_of: Option<Month>,
    /// Years of rights remaining for the valuation; default [`DEFAULT_YEARS`].
    pub years: Option<u32>,
}

fn decimal(text: &str, what: &str) -> Result<Decimal, FinanceError> {
    Decimal::parse(text).map_err(|error| FinanceError::corrupt(what, error))
}

/// The figures `close` recorded for each closed period, in the accounting currency.
pub fn ledger_figures(
    ledger: &Ledger,
    currency: &str,
) -> Result<BTreeMap<String, Figures>, FinanceError> {
    let mut statement = ledger.connection().prepare(
        "SELECT period, net_receipts, payee_credits, label_share, rounding, suspense FROM period_figures WHERE currency = ?1 ORDER BY period",
    )?;
    let rows: Vec<[String; 6]> = statement
        .query_map([currency], |row| {
            Ok([
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            ])
        })?
        .collect::<Result<_, _>>()?;
    let mut figures = BTreeMap::new();
    for [period, net, credits, share, rounding, suspense] in rows {
        let what = format!("figures of {period}");
        figures.insert(
            period.clone(),
            Figures {
                net_receipts: decimal(&net, &what)?,
                payee_credits: decimal(&credits, &what)?,
                label_share: decimal(&share, &what)?,
                rounding: decimal(&rounding, &what)?,
                suspense: decimal(&suspense, &what)?,
            },
        );
    }
    Ok(figures)
}

fn release_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(date) = Date::parse(text) {
        return Some(date);
    }
    match text.len() {
        4 => Date::new(text.parse().ok()?, 1, 1).ok(),
        7 => Month::parse(text).ok().map(Month::first_day),
        _ => None,
    }
}

fn catalog_info(
    ledger: &Ledger,
    catalog: &ledgerline_engine::Catalog,
) -> Result<CatalogInfo, FinanceError> {
    let mut info = CatalogInfo::default();
    let mut statement = ledger.connection().prepare(
        "SELECT icpn, title, coalesce(display_artist, ''), coalesce(format, ''), coalesce(release_date, '') FROM releases WHERE icpn IS NOT NULL",
    )?;
    let rows: Vec<[String; 5]> = statement
        .query_map([], |row| {
            Ok([
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ])
        })?
        .collect::<Result<_, _>>()?;
    for [ean, title, artist, format, date] in rows {
        let format = format.trim().to_lowercase();
        info.releases.insert(
            ean.clone(),
            ReleaseInfo {
                ean,
                title,
                artist,
                format: if format.is_empty() {
                    "unknown".to_string()
                } else {
                    format
                },
                release_date: release_date(&date),
            },
        );
    }
    for track in catalog.tracks.values() {
        info.tracks.insert(
            track.isrc.clone(),
            TrackInfo {
                isrc: track.isrc.clone(),
                title: track.title.clone(),
                artist: track.artist.clone(),
                releases: Vec::new(),
            },
        );
    }
    for release in catalog.releases.values() {
        for isrc in &release.tracks {
            if let Some(track) = info.tracks.get_mut(isrc) {
                track.releases.push(release.ean.clone());
            }
        }
    }
    Ok(info)
}

fn rights_contracts(contracts: &[ledgerline_contracts::Contract]) -> Vec<RightsContract> {
    let mut latest: BTreeMap<&str, &ledgerline_contracts::Contract> = BTreeMap::new();
    for contract in contracts {
        let entry = latest.entry(contract.id.as_str()).or_insert(contract);
        if contract.version > entry.version {
            *entry = contract;
        }
    }
    latest
        .values()
        .map(|contract| {
            let scope = &contract.scope.territories;
            let territories = if scope.is_worldwide() {
                "Worldwide".to_string()
            } else {
                let include: Vec<&str> = scope
                    .include
                    .iter()
                    .map(|territory| territory.alpha2())
                    .collect();
                let exclude: Vec<&str> = scope
                    .exclude
                    .iter()
                    .map(|territory| territory.alpha2())
                    .collect();
                let include = include.join(", ").replace("WW", "Worldwide");
                if exclude.is_empty() {
                    include
                } else {
                    format!("{include} excluding {}", exclude.join(", "))
                }
            };
            RightsContract {
                id: contract.id.clone(),
                version: contract.version,
                title: contract.title.clone(),
                deal: contract.deal.name().to_string(),
                start: contract.term.start,
                end: contract.term.end,
                territories,
                releases: contract
                    .scope
                    .releases
                    .iter()
                    .map(|code| code.as_str().to_string())
                    .collect(),
                tracks: contract
                    .scope
                    .tracks
                    .iter()
                    .map(|code| code.as_str().to_string())
                    .collect(),
            }
        })
        .collect()
}

fn balances_of(
    statements: &[Statement],
    paid_since: &BTreeMap<String, Decimal>,
) -> Vec<PayeeBalances> {
    statements
        .iter()
        .map(|statement| {
            let summary = &statement.summary;
            PayeeBalances {
                payee: statement.payee.clone(),
                name: statement.payee_name.clone(),
                payable: summary.payable,
                paid_since: paid_since
                    .get(&statement.payee)
                    .copied()
                    .unwrap_or_default(),
                carried_forward: summary.carried_forward,
                reserves: summary.reserves_balance,
                held: summary.held_balance,
                unrecouped: summary.unrecouped,
            }
        })
        .collect()
}

/// Reads and computes everything [`crate::build`] needs.
pub fn load(
    ledger: &Ledger,
    lake_root: &Path,
    options: &Options,
) -> Result<PackInput, FinanceError> {
    let settings = ledgerline_run::settings(ledger)?;
    let closed = ledgerline_run::closed_periods(ledger)?;
    let last_closed = closed.last().map(|period| period.last_month());
    // Any period after the last closed one lets the run machinery read everything; the periods
    // are replaced below.
    let target = match last_closed {
        Some(month) => Period::Month(
            month
                .next()
                .ok_or(FinanceError::Overflow("a month after 2999"))?,
        ),
        None => Period::Month(
            Month::new(2999, 12).map_err(|error| FinanceError::corrupt("calendar", error))?,
        ),
    };
    let mut loaded = ledgerline_run::load(ledger, lake_root, target)?;
    let input = &mut loaded.input;
    let last_data = input
        .receipts
        .keys()
        .map(|key| key.month)
        .chain(input.suspense.keys().map(|key| key.month))
        .max();
    let first_data = input
        .receipts
        .keys()
        .map(|key| key.month)
        .chain(input.suspense.keys().map(|key| key.month))
        .min();
    let (Some(last_data), Some(first_data)) = (last_data, first_data) else {
        return Err(FinanceError::NoData);
    };
    let (as_of, as_of_reason) = match (options.as_of, last_closed) {
        (Some(month), _) => (month, "given with --as-of".to_string()),
        (None, Some(month)) => (
            month,
            format!(
                "the last month of the last closed period ({})",
                closed.last().map(ToString::to_string).unwrap_or_default()
            ),
        ),
        (None, None) => (
            last_data,
            "the last month with receipts (no period is closed yet)".to_string(),
        ),
    };
    if as_of < first_data {
        return Err(FinanceError::AsOfBeforeData {
            as_of,
            first: first_data,
        });
    }
    let through = last_closed.map_or(as_of, |last| last.max(as_of));
    input.periods = facts::pack_periods(&closed, through);
    let result = ledgerline_engine::run(input)?;
    let ledger_figures = ledger_figures(ledger, settings.accounting_currency.code())?;
    let derived = facts::derive(input, &result, &ledger_figures)?;

    // Balances at the end of the last period that ends by the as-of month.
    let balances = match result
        .periods
        .iter()
        .rev()
        .find(|period| period.last_month <= as_of)
    {
        Some(period) if ledger_figures.contains_key(&period.period.to_string()) => {
            let name = period.period.to_string();
            let issued: Vec<Statement> = ledgerline_run::issued_statements(ledger, Some(&name))?
                .into_iter()
                .map(|(_, statement)| statement)
                .collect();
            let owed = ledgerline_run::payable_balances(ledger, period.period)?;
            let paid_since: BTreeMap<String, Decimal> = issued
                .iter()
                .map(|statement| {
                    let still = owed
                        .get(&statement.payee)
                        .map_or(statement.summary.payable, |(_, amount, _)| *amount);
                    (statement.payee.clone(), statement.summary.payable - still)
                })
                .collect();
            BalancesAt {
                period: Some(name),
                last_month: Some(period.last_month),
                source: "issued statements".to_string(),
                payees: balances_of(&issued, &paid_since),
            }
        }
        Some(period) => BalancesAt {
            period: Some(period.period.to_string()),
            last_month: Some(period.last_month),
            source: "draft".to_string(),
            payees: balances_of(&period.statements, &BTreeMap::new()),
        },
        None => BalancesAt {
            source: "none: no period ends by the as-of month".to_string(),
            ..BalancesAt::default()
        },
    };

    // Net receipts as imported, by currency, against the lines read.
    let mut imported: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let mut statement = ledger
        .connection()
        .prepare("SELECT currency, net FROM import_totals")?;
    let rows: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (currency, net) in rows {
        imported.entry(currency).or_default().0 += decimal(&net, "import totals")?;
    }
    for (key, sums) in &input.receipts {
        imported
            .entry(key.currency.code().to_string())
            .or_default()
            .1 += sums.net;
    }
    for (key, sums) in &input.suspense {
        imported
            .entry(key.currency.code().to_string())
            .or_default()
            .1 += sums.net;
    }
    let imported = imported
        .into_iter()
        .map(|(currency, (import_totals, lines_read))| ImportedCurrency {
            currency,
            import_totals,
            lines_read,
            difference: lines_read - import_totals,
        })
        .collect();

    Ok(PackInput {
        label: settings.label_name.clone(),
        currency: settings.accounting_currency,
        rounding: settings.rounding,
        as_of,
        as_of_reason,
        years: options.years.unwrap_or(DEFAULT_YEARS),
        catalog: catalog_info(ledger, &input.catalog)?,
        contracts: rights_contracts(&input.contracts),
        derived,
        balances,
        imported,
    })
}
