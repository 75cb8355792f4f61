//! Exchange-rate tables: `month,from,to,rate` CSV files into the ledger's `fx_rates`.
//!
//! Rates are exact decimals. Importing the same rate again is "unchanged"; a different rate for
//! a month and pair already stored is refused with both values, because statements computed with
//! the stored rate must stay explainable. A file with any problem stores nothing.

use std::collections::BTreeMap;

use ledgerline_model::Month;
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, OptionalExtension};

use crate::error::ImportError;

/// One rate: one unit of `from` is `rate` units of `to`, for sales of `month`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FxRate {
    pub month: Month,
    pub from: Currency,
    pub to: Currency,
    pub rate: Decimal,
}

/// What an FX import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct FxImport {
    pub file: String,
    pub added: u64,
    pub unchanged: u64,
    /// Rates of months no closed period covers that `replace` changed: (month, from, to, the
    /// rate before, the rate now).
    pub replaced: Vec<ReplacedRate>,
    /// Rates more than five times (or less than a fifth of) the rate of the month before, for
    /// the same pair: typos like 9.2 for 0.92, said while they can still be corrected.
    pub warnings: Vec<String>,
    pub first_month: Option<Month>,
    pub last_month: Option<Month>,
}

/// A stored rate of an open month that an import with `replace` changed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReplacedRate {
    pub month: Month,
    pub from: Currency,
    pub to: Currency,
    pub before: Decimal,
    pub now: Decimal,
}

const COLUMNS: [&str; 4] = ["month", "from", "to", "rate"];

/// Reads a rate table; every problem is `file:line:column: message`, all of them collected.
pub fn read_fx_rates(text: &str, file: &str) -> Result<Vec<FxRate>, Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut rates = Vec::new();
    let mut seen: BTreeMap<(Month, Currency, Currency), usize> = BTreeMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("{file}:{line}: {error}"));
                continue;
            }
        };
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        if index == 0 {
            let header: Vec<String> = cells.iter().map(|cell| cell.to_ascii_lowercase()).collect();
            if header != COLUMNS {
                problems.push(format!("{file}:1: the header must be {}, found {}", COLUMNS.join(","), cells.join(",")));
                break;
            }
            continue;
        }
        if cells.iter().all(|cell| cell.is_empty()) {
            continue;
        }
        if cells.len() > COLUMNS.len() {
            let hint = if cells.len() == COLUMNS.len() + 1 && cells[3].bytes().all(|byte| byte.is_ascii_digit()) {
                format!(": a decimal comma splits the rate in two (write {}.{}, with a point)", cells[3], cells[4])
            } else {
                String::new()
            };
            problems.push(format!(
                "{file}:{line}:{}: {} cells, but a row has {} (month,from,to,rate){hint}",
                COLUMNS.len() + 1,
                cells.len(),
                COLUMNS.len()
            ));
            continue;
        }
        let cell = |column: usize| cells.get(column).copied().unwrap_or("");
        let mut problem = |column: usize, message: String| {
            problems.push(format!("{file}:{line}:{}: column \"{}\": {message}", column + 1, COLUMNS[column]));
        };
        let month = Month::parse(cell(0)).map_err(|error| problem(0, error.to_string())).ok();
        let from = Currency::parse(cell(1)).map_err(|error| problem(1, error.to_string())).ok();
        let to = Currency::parse(cell(2)).map_err(|error| problem(2, error.to_string())).ok();
        let rate = match Decimal::parse(cell(3)) {
            Ok(rate) if rate.is_positive() => Some(rate),
            Ok(rate) => {
                problem(3, format!("rate {rate} must be above zero"));
                None
            }
            Err(error) => {
                problem(3, error.to_string());
                None
            }
        };
        let (Some(month), Some(from), Some(to), Some(rate)) = (month, from, to, rate) else { continue };
        if from == to {
            problem(2, format!("a rate converts between two currencies; both are {from}"));
            continue;
        }
        if let Some(first_line) = seen.insert((month, from, to), line) {
            problem(0, format!("{month} {from}→{to} is already given on line {first_line}"));
            continue;
        }
        rates.push(FxRate { month, from, to, rate });
    }
    if rates.is_empty() && problems.is_empty() {
        problems.push(format!("{file}: no rates"));
    }
    if problems.is_empty() {
        Ok(rates)
    } else {
        Err(problems)
    }
}

/// Stores the rates in one transaction. A rate that differs from the stored one is refused,
/// unless `replace` and no closed period covers its month (nothing issued used it): then it
/// replaces the stored one.
pub fn import_fx_rates(ledger: &mut Ledger, rates: &[FxRate], file: &str, replace: bool) -> Result<FxImport, ImportError> {
    let transaction = ledger.connection_mut().transaction()?;
    let mut outcome = FxImport { file: file.to_string(), ..FxImport::default() };
    let imported_at = utc_timestamp_now();
    let mut conflicts = Vec::new();
    // A period takes every earlier month no closed period covers: the months up to the last
    // closed period's last month are all covered.
    let last_closed: Option<String> =
        transaction.query_row("SELECT max(last_month) FROM periods WHERE status = 'closed'", [], |row| row.get(0))?;
    let closed = |month: Month| last_closed.as_deref().is_some_and(|last| month.to_string().as_str() <= last);
    for rate in rates {
        let stored: Option<String> = transaction
            .query_row(
                "SELECT rate FROM fx_rates WHERE month = ?1 AND from_currency = ?2 AND to_currency = ?3",
                params![rate.month.to_string(), rate.from.code(), rate.to.code()],
                |row| row.get(0),
            )
            .optional()?;
        match stored {
            Some(stored) if Decimal::parse(&stored).ok() == Some(rate.rate) => outcome.unchanged += 1,
            Some(stored) if replace && !closed(rate.month) => {
                transaction.execute(
                    "UPDATE fx_rates SET rate = ?4, source_file = ?5, imported_at = ?6 WHERE month = ?1 AND from_currency = ?2 AND to_currency = ?3",
                    params![rate.month.to_string(), rate.from.code(), rate.to.code(), rate.rate.to_string(), file, imported_at],
                )?;
                outcome.replaced.push(ReplacedRate {
                    month: rate.month,
                    from: rate.from,
                    to: rate.to,
                    before: Decimal::parse(&stored).map_err(|_| ImportError::Corrupt { what: format!("rate {} {}→{}", rate.month, rate.from, rate.to) })?,
                    now: rate.rate,
                });
            }
            Some(stored) if closed(rate.month) => conflicts.push(format!(
                "{} {}→{}: the ledger has {stored}, the file says {}; {} is in a closed period, which used the rate, so it is kept",
                rate.month, rate.from, rate.to, rate.rate, rate.month
            )),
            Some(stored) => conflicts.push(format!(
                "{} {}→{}: the ledger has {stored}, the file says {} (no closed period used it: --replace corrects it)",
                rate.month, rate.from, rate.to, rate.rate
            )),
            None => {
                transaction.execute(
                    "INSERT INTO fx_rates (month, from_currency, to_currency, rate, source_file, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![rate.month.to_string(), rate.from.code(), rate.to.code(), rate.rate.to_string(), file, imported_at],
                )?;
                outcome.added += 1;
            }
        }
        outcome.first_month = Some(outcome.first_month.map_or(rate.month, |month| month.min(rate.month)));
        outcome.last_month = Some(outcome.last_month.map_or(rate.month, |month| month.max(rate.month)));
    }
    if !conflicts.is_empty() {
        return Err(ImportError::FxConflict { file: file.to_string(), conflicts });
    }
    outcome.warnings = jumps(&transaction, rates)?;
    transaction.commit()?;
    Ok(outcome)
}

/// Rates of the file that jump more than fivefold from the rate of the month before (stored or
/// in the file), pair by pair, as warnings.
fn jumps(connection: &rusqlite::Connection, rates: &[FxRate]) -> Result<Vec<String>, ImportError> {
    const FACTOR: i128 = 5;
    let mut warnings = Vec::new();
    // A rate after a flagged one is compared with it no further: the flagged one is the news.
    let mut flagged: Vec<(String, Currency, Currency)> = Vec::new();
    let mut statement =
        connection.prepare("SELECT month, rate FROM fx_rates WHERE from_currency = ?1 AND to_currency = ?2 AND month < ?3 ORDER BY month DESC LIMIT 1")?;
    for rate in rates {
        let before: Option<(String, String)> = statement
            .query_row(params![rate.from.code(), rate.to.code(), rate.month.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((month, before)) = before else { continue };
        let Ok(before) = Decimal::parse(&before) else { continue };
        if flagged.contains(&(month.clone(), rate.from, rate.to)) {
            continue;
        }
        let (now, then) = (rate.rate.scaled(), before.scaled());
        if now > then.saturating_mul(FACTOR) || now.saturating_mul(FACTOR) < then {
            flagged.push((rate.month.to_string(), rate.from, rate.to));
            warnings.push(format!(
                "{} {}→{} {} is {} the rate of {month} ({before}): check it; until a period using it is closed, `ledgerline fx import --replace` corrects it",
                rate.month,
                rate.from,
                rate.to,
                rate.rate,
                if now > then { "more than five times" } else { "less than a fifth of" }
            ));
        }
    }
    Ok(warnings)
}

/// The stored rate for a month and pair, if any.
pub fn stored_rate(ledger: &Ledger, month: Month, from: Currency, to: Currency) -> Result<Option<Decimal>, ImportError> {
    let text: Option<String> = ledger
        .connection()
        .query_row(
            "SELECT rate FROM fx_rates WHERE month = ?1 AND from_currency = ?2 AND to_currency = ?3",
            params![month.to_string(), from.code(), to.code()],
            |row| row.get(0),
        )
        .optional()?;
    text.map(|text| Decimal::parse(&text).map_err(|_| ImportError::Corrupt { what: format!("rate {month} {from}→{to}") }))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rates_and_names_every_problem() {
        let rates = read_fx_rates("\u{feff}month,from,to,rate\n2026-01,USD,EUR,0.900893\n\n2026-01,gbp,EUR,1.188782\n", "fx.csv").unwrap();
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[1].from, Currency::GBP);
        let problems =
            read_fx_rates("month,from,to,rate\n2026-13,USD,EUR,0.9\n2026-01,USD,EURO,0.9\n2026-01,USD,EUR,-1\n2026-01,USD,USD,1\n2026-02,USD,EUR,0.9\n2026-02,USD,EUR,0.8\n", "fx.csv")
                .unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0].starts_with("fx.csv:2:1: column \"month\": "), "{}", problems[0]);
        assert_eq!(problems[1], "fx.csv:3:3: column \"to\": unknown currency \"EURO\"; expected an ISO 4217 code such as EUR, USD or GBP");
        assert_eq!(problems[2], "fx.csv:4:4: column \"rate\": rate -1 must be above zero");
        assert_eq!(problems[3], "fx.csv:5:3: column \"to\": a rate converts between two currencies; both are USD");
        assert_eq!(problems[4], "fx.csv:7:1: column \"month\": 2026-02 USD→EUR is already given on line 6");
        let comma = read_fx_rates("month,from,to,rate\n2026-01,USD,EUR,0,92\n", "fx.csv").unwrap_err();
        assert_eq!(
            comma,
            ["fx.csv:2:5: 5 cells, but a row has 4 (month,from,to,rate): a decimal comma splits the rate in two (write 0.92, with a point)"]
        );

        assert_eq!(read_fx_rates("when,a,b,c\n", "x.csv").unwrap_err(), ["x.csv:1: the header must be month,from,to,rate, found when,a,b,c"]);
    }

    #[test]
    fn import_is_idempotent_and_refuses_a_changed_rate() {
        let mut ledger = Ledger::open_in_memory().unwrap();
        let rates = read_fx_rates("month,from,to,rate\n2026-01,USD,EUR,0.9\n2026-02,USD,EUR,0.91\n", "fx.csv").unwrap();
        let first = import_fx_rates(&mut ledger, &rates, "fx.csv", false).unwrap();
        assert_eq!((first.added, first.unchanged), (2, 0));
        let again = import_fx_rates(&mut ledger, &rates, "fx.csv", false).unwrap();
        assert_eq!((again.added, again.unchanged), (0, 2));
        let changed = read_fx_rates("month,from,to,rate\n2026-03,USD,EUR,0.92\n2026-01,USD,EUR,0.95\n", "new.csv").unwrap();
        let error = import_fx_rates(&mut ledger, &changed, "new.csv", false).unwrap_err();
        assert_eq!(
            error.to_string(),
            "new.csv: refused, nothing imported: 2026-01 USD→EUR: the ledger has 0.9, the file says 0.95 (no closed period used it: --replace corrects it)"
        );
        let jump = read_fx_rates("month,from,to,rate\n2026-04,USD,EUR,9.2\n2026-05,USD,EUR,1.8\n", "jump.csv").unwrap();
        let outcome = import_fx_rates(&mut ledger, &jump, "jump.csv", false).unwrap();
        assert_eq!(
            outcome.warnings,
            ["2026-04 USD→EUR 9.2 is more than five times the rate of 2026-02 (0.91): check it; until a period using it is closed, `ledgerline fx import --replace` corrects it"]
        );
        assert_eq!(stored_rate(&ledger, Month::parse("2026-03").unwrap(), Currency::USD, Currency::EUR).unwrap(), None, "all or nothing");
        assert_eq!(
            stored_rate(&ledger, Month::parse("2026-02").unwrap(), Currency::USD, Currency::EUR).unwrap(),
            Some(Decimal::parse("0.91").unwrap())
        );
    }
}
