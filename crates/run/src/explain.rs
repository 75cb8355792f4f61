//! `ledgerline explain`: from a statement figure to the report lines and the contract term
//! behind it.

use std::collections::HashMap;
use std::path::Path;

use ledgerline_engine::{EarningLine, Statement};
use ledgerline_model::{Month, Period};
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::Ledger;
use rusqlite::OptionalExtension;

use crate::error::RunError;
use crate::load::{imports, issued_statements, receipt_key, settings, Matcher};
use ledgerline_engine::{FastHash, ReceiptKey};
use ledgerline_lake::{RollupKey, RollupKeyIndex};

/// Which figures to explain.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub payee: String,
    pub period: Option<Period>,
    pub track: Option<String>,
    pub service: Option<String>,
    pub territory: Option<String>,
}

/// A report line behind a statement line.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExplainedLine {
    pub import_id: i64,
    pub file: String,
    pub line: u64,
    pub units: i64,
    pub net: Decimal,
    pub currency: Currency,
}

/// One statement line with its term and its report lines.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Explained {
    pub earning: EarningLine,
    /// The contract term in words: `C001 version 1 (royalty): 18% of net receipts after deductions`.
    pub term: String,
    pub lines: Vec<ExplainedLine>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Explanation {
    pub payee: String,
    pub period: String,
    pub status: &'static str,
    pub total: Decimal,
    pub currency: String,
    pub items: Vec<Explained>,
    /// Why no statement line matched the --track, --service or --territory given (empty when
    /// some did, or none was given).
    pub notes: Vec<String>,
}

fn wanted(query: &Query, line: &EarningLine) -> bool {
    query.track.as_ref().is_none_or(|track| line.track.eq_ignore_ascii_case(&track.replace('-', "")))
        && query.service.as_ref().is_none_or(|service| line.service.eq_ignore_ascii_case(service))
        && query.territory.as_ref().is_none_or(|territory| line.territory.eq_ignore_ascii_case(territory))
}

/// Explains a payee's earnings in a period: issued statements for closed periods, the draft
/// otherwise.
pub fn explain(ledger: &Ledger, lake_root: &Path, query: &Query) -> Result<Explanation, RunError> {
    let period = match query.period {
        Some(period) => period,
        None => *crate::load::closed_periods(ledger)?.last().ok_or_else(|| RunError::Refused {
            message: "no period given, and none is closed to explain by default".to_string(),
            hint: "give the period with --period, such as --period 2026-H1: a period not closed is explained from its draft".to_string(),
        })?,
    };
    let issued = issued_statements(ledger, Some(&period.to_string()))?;
    let (statement, status): (Option<Statement>, &'static str) = if crate::load::closed_periods(ledger)?.contains(&period) {
        (issued.into_iter().map(|(_, statement)| statement).find(|statement| statement.payee == query.payee), "issued")
    } else {
        let draft = crate::draft(ledger, lake_root, period)?;
        let last = draft.result.periods.into_iter().last();
        (last.and_then(|last| last.statements.into_iter().find(|statement| statement.payee == query.payee)), "draft")
    };
    let statement = match statement {
        Some(statement) => statement,
        None => return Err(no_statement(ledger, &query.payee, period, status)?),
    };
    let first = Month::parse(&statement.first_month).map_err(|error| RunError::corrupt("statement month", error))?;
    let last = Month::parse(&statement.last_month).map_err(|error| RunError::corrupt("statement month", error))?;
    let mut items: Vec<Explained> = statement
        .earnings
        .iter()
        .filter(|line| wanted(query, line))
        .map(|line| Explained { earning: line.clone(), term: term(line), lines: Vec::new() })
        .collect();
    let notes = if items.is_empty() { why_nothing_matched(ledger, query, &statement, period)? } else { Vec::new() };
    let settings = settings(ledger)?;
    let matcher = Matcher::load(ledger)?;
    let names = import_names(ledger)?;
    // Statement lines by what a receipt shares with them (several contracts can pay the payee
    // on one track), and for each roll-up key the statement lines its report lines belong to:
    // a report repeats a key on many lines, so each key is resolved once.
    let mut by_receipt: HashMap<ReceiptText, Vec<usize>> = HashMap::new();
    for (index, item) in items.iter().enumerate() {
        by_receipt.entry(ReceiptText::of_earning(&item.earning)).or_default().push(index);
    }
    let resolve = |rollup_key: &RollupKey| -> Vec<usize> {
        receipt_key(rollup_key, &matcher, &settings)
            .filter(|receipt| receipt.month >= first && receipt.month <= last)
            .and_then(|receipt| by_receipt.get(&ReceiptText::of_receipt(&receipt)))
            .cloned()
            .unwrap_or_default()
    };
    for (import_id, key) in imports(ledger)? {
        // The import's roll-up names every key its lines have: an import none of whose keys is
        // behind the statement (another period, other tracks) is not read line by line.
        let mut targets: RollupKeyIndex<Vec<usize>, FastHash> = RollupKeyIndex::default();
        for (rollup_key, _) in ledgerline_lake::read_rollup(lake_root, &key)? {
            let indices = resolve(&rollup_key);
            targets.insert(rollup_key, indices);
        }
        if targets.values().all(Vec::is_empty) {
            continue;
        }
        let file = names.get(&import_id).cloned().unwrap_or_default();
        let mut unknown = None;
        ledgerline_lake::read_import(lake_root, &key)?.for_each_line(|line| {
            let Some(indices) = targets.get(line) else {
                // The roll-up counts every line, so this cannot happen unless the lake changed
                // while it was read.
                unknown.get_or_insert(line.line_number);
                return;
            };
            for &index in indices {
                items[index].lines.push(ExplainedLine {
                    import_id,
                    file: file.clone(),
                    line: line.line_number,
                    units: line.units,
                    net: line.net,
                    currency: line.currency,
                });
            }
        })?;
        if let Some(line) = unknown {
            return Err(RunError::corrupt(
                format!("report line {line} of import #{import_id}"),
                "its roll-up key is not in the import's roll-up",
            ));
        }
    }
    let total = items.iter().map(|item| item.earning.amount).sum();
    Ok(Explanation { payee: statement.payee, period: period.to_string(), status, total, currency: statement.currency, items, notes })
}

/// Why no line of the statement matched the query's filters, one note per filter; a track
/// the catalog does not know is refused, as a mistyped ISRC.
fn why_nothing_matched(ledger: &Ledger, query: &Query, statement: &Statement, period: Period) -> Result<Vec<String>, RunError> {
    let payee = &statement.payee;
    let lines = &statement.earnings;
    if query.track.is_none() && query.service.is_none() && query.territory.is_none() {
        return Ok(Vec::new());
    }
    if lines.is_empty() {
        return Ok(vec![format!("{payee}'s statement for {period} has no earnings lines")]);
    }
    let alone = |filter: Query| lines.iter().any(|line| wanted(&filter, line));
    let mut notes = Vec::new();
    if let Some(track) = &query.track {
        if !alone(Query { track: Some(track.clone()), ..Query::default() }) {
            let isrc = track.replace('-', "").to_uppercase();
            let connection = ledger.connection();
            let title: Option<String> = connection
                .query_row("SELECT title FROM tracks WHERE upper(isrc) = ?1", [&isrc], |row| row.get(0))
                .optional()?;
            let alias_of: Option<String> = connection
                .query_row(
                    "SELECT tracks.isrc FROM aliases JOIN tracks ON tracks.id = aliases.track_id WHERE upper(aliases.value) = ?1",
                    [&isrc],
                    |row| row.get(0),
                )
                .optional()?;
            match (title, alias_of) {
                (Some(title), _) => {
                    notes.push(format!("no line of {payee} in {period} carries ISRC {isrc} ({title}): the catalog knows the track, but it earned {payee} nothing in {period}"))
                }
                (None, Some(catalog_isrc)) => {
                    return Err(RunError::Refused {
                        message: format!("--track {track}: statements name tracks by their catalog ISRC, and {isrc} is an alias of {catalog_isrc}"),
                        hint: format!("ledgerline explain --payee {payee} --period {period} --track {catalog_isrc}"),
                    })
                }
                (None, None) => {
                    return Err(RunError::Refused {
                        message: format!("--track {track}: no line of {payee} in {period} carries ISRC {isrc}, and the catalog does not know it"),
                        hint: format!(
                            "check the ISRC: `ledgerline explain --payee {payee} --period {period}` lists every line of the statement with its ISRC"
                        ),
                    })
                }
            }
        }
    }
    let values = |of: fn(&EarningLine) -> &str| {
        let mut values: Vec<&str> = lines.iter().map(of).collect();
        values.sort_unstable();
        values.dedup();
        values.join(", ")
    };
    if let Some(service) = &query.service {
        if !alone(Query { service: Some(service.clone()), ..Query::default() }) {
            notes.push(format!("no line of {payee} in {period} is from the service \"{service}\"; its lines are from {}", values(|line| &line.service)));
        }
    }
    if let Some(territory) = &query.territory {
        if !alone(Query { territory: Some(territory.clone()), ..Query::default() }) {
            notes.push(format!("no line of {payee} in {period} is for the territory \"{territory}\"; its lines are for {}", values(|line| &line.territory)));
        }
    }
    if notes.is_empty() {
        notes.push(format!("{payee} has lines in {period} for each of --track, --service and --territory given, but none for all of them together"));
    }
    Ok(notes)
}

/// Why `payee` has no statement to explain in `period` (`status` says whether the period is
/// closed), with where to find the payees that have one.
fn no_statement(ledger: &Ledger, payee: &str, period: Period, status: &str) -> Result<RunError, RunError> {
    // The payees are listed by the draft of a period not closed: this one, or the one after
    // the last closed period.
    let listed = if status == "issued" {
        crate::load::closed_periods(ledger)?.last().and_then(|closed| closed.last_month().next()).map(|month| Period::containing(period.kind(), month))
    } else {
        Some(period)
    };
    let listing = match listed {
        Some(listed) => format!("`ledgerline run {listed} --payees` lists every payee with a statement"),
        None => "the payee ids are the party ids of the parties file".to_string(),
    };
    let known: i64 = ledger.connection().query_row("SELECT count(*) FROM parties WHERE id = ?1", [payee], |row| row.get(0))?;
    Ok(if known == 0 {
        RunError::Refused {
            message: format!("--payee {payee}: no such payee in the ledger"),
            hint: format!("payee ids are the party ids of the parties file imported; {listing}"),
        }
    } else {
        let which = if status == "issued" { "was issued no statement for" } else { "has no statement in the draft of" };
        RunError::Refused {
            message: format!("{payee} {which} {period}"),
            hint: format!("explain a period in which {payee} has a statement; {listing}"),
        }
    })
}

/// What a statement line and a receipt must share for the receipt's report lines to be behind
/// it, as the statement writes them.
#[derive(PartialEq, Eq, Hash)]
struct ReceiptText {
    usage: String,
    tier: String,
    sale_month: String,
    service: String,
    territory: String,
    release: String,
    track: String,
}

impl ReceiptText {
    fn of_earning(earning: &EarningLine) -> ReceiptText {
        ReceiptText {
            usage: earning.usage.clone(),
            tier: earning.tier.clone(),
            sale_month: earning.sale_month.clone(),
            service: earning.service.clone(),
            territory: earning.territory.clone(),
            release: earning.release.clone(),
            track: earning.track.clone(),
        }
    }

    fn of_receipt(receipt: &ReceiptKey) -> ReceiptText {
        ReceiptText {
            usage: receipt.usage.name().to_string(),
            tier: receipt.tier.name().to_string(),
            sale_month: receipt.sale_month.to_string(),
            service: receipt.service.clone(),
            territory: receipt.territory.alpha2().to_string(),
            release: receipt.release.clone().unwrap_or_default(),
            track: receipt.track.clone().unwrap_or_default(),
        }
    }
}

fn term(line: &EarningLine) -> String {
    let percent = (line.rate.checked_mul_integer(100)).map_or_else(|| line.rate.to_string(), |value| format!("{value}%"));
    match line.usage.as_str() {
        "cost" | "loss" => format!("{} version {}: the payees' {percent} of the net profit", line.contract, line.version),
        _ if line.deductions.is_zero() => {
            format!("{} version {}: {percent} of receipts of {} ({} units)", line.contract, line.version, line.receipts, line.units)
        }
        _ => format!(
            "{} version {}: {percent} of receipts of {} less deductions of {} ({} units)",
            line.contract, line.version, line.receipts, line.deductions, line.units
        ),
    }
}

fn import_names(ledger: &Ledger) -> Result<std::collections::BTreeMap<i64, String>, RunError> {
    let mut statement = ledger.connection().prepare("SELECT id, file_name FROM imports")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
    Ok(rows)
}
