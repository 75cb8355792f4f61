//! Roll-ups: an import's lines added up by everything a run can depend on, kept beside the lake.
//!
//! A run needs sums, not lines: lines that share their months, service, territory, usage, tier,
//! currency and identifiers as reported are interchangeable for every contract term. So each
//! import is folded once into a roll-up (`lake/rollups/v1/<import key>.tsv`) and runs read that:
//! a few thousand rows instead of millions of lines. Identifiers are kept as reported and
//! matched at run time, so an alias added later still re-matches everything.
//!
//! A roll-up is derived data: it is written aside and renamed into place, recomputed when
//! missing, and refused (then recomputed) when unreadable. Its line count and totals are checked
//! against the lake's row count every time it is read.

use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ledgerline_engine::ReceiptSums;
use ledgerline_formats::SaleLine;
use ledgerline_model::{Month, Territory};
use ledgerline_money::{Currency, Decimal};

use crate::error::RunError;

const FOLDER: &str = "rollups/v1";
const HEADER: &str = "sale_month\treporting_month\tservice\tterritory\tusage\ttier\tcurrency\toriginal_currency\tfx_rate\tisrc\tupc\tcatalog_number\tproprietary_id\treported_isrc\treported_upc\tlines\tunits\tnet\tgross";

/// What lines are rolled up by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupKey {
    pub sale_month: Month,
    pub reporting_month: Option<Month>,
    pub service: String,
    pub territory: Territory,
    pub usage: String,
    pub tier: String,
    pub currency: Currency,
    pub original_currency: Option<Currency>,
    pub fx_rate: Option<Decimal>,
    pub identifiers: Identifiers,
}

/// A line's identifiers: validated (ISRC, 13-digit EAN) where valid, and as reported.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifiers {
    pub isrc: String,
    pub upc: String,
    pub catalog_number: String,
    pub proprietary_id: String,
    pub reported_isrc: String,
    pub reported_upc: String,
}

impl Identifiers {
    pub fn of(line: &SaleLine) -> Identifiers {
        Identifiers {
            isrc: line.isrc.as_ref().map(|isrc| isrc.as_str().to_string()).unwrap_or_default(),
            upc: line.upc.as_ref().map(|upc| upc.as_str().to_string()).unwrap_or_default(),
            catalog_number: line.catalog_number.clone(),
            proprietary_id: line.proprietary_id.clone(),
            reported_isrc: line.reported_isrc.clone(),
            reported_upc: line.reported_upc.clone(),
        }
    }
}

impl RollupKey {
    pub fn of(line: &SaleLine) -> RollupKey {
        RollupKey {
            sale_month: line.sale_start.month(),
            reporting_month: line.reporting_month,
            service: line.service.clone(),
            territory: line.territory,
            usage: line.usage.name().to_string(),
            tier: line.tier.name().to_string(),
            currency: line.currency,
            original_currency: line.original_currency,
            fx_rate: line.fx_rate,
            identifiers: Identifiers::of(line),
        }
    }
}

fn path(lake_root: &Path, import_key: &str) -> PathBuf {
    lake_root.join(FOLDER).join(format!("{import_key}.tsv"))
}

/// The roll-up of an import: read from its file, or built from the lake and written.
pub fn rollup(lake_root: &Path, import_key: &str) -> Result<Vec<(RollupKey, ReceiptSums)>, RunError> {
    let expected_lines = ledgerline_lake::import_row_count(lake_root, import_key)?;
    if let Ok(text) = fs::read_to_string(path(lake_root, import_key)) {
        if let Some(rows) = parse(&text) {
            if rows.iter().map(|(_, sums)| sums.lines).sum::<u64>() == expected_lines {
                return Ok(rows);
            }
        }
    }
    let rows = build(lake_root, import_key)?;
    write(lake_root, import_key, &rows)?;
    Ok(rows)
}

fn build(lake_root: &Path, import_key: &str) -> Result<Vec<(RollupKey, ReceiptSums)>, RunError> {
    let mut sums: HashMap<RollupKey, ReceiptSums> = HashMap::new();
    for line in ledgerline_lake::read_import(lake_root, import_key)? {
        let line = line?;
        let entry = sums.entry(RollupKey::of(&line)).or_default();
        entry.add(&ReceiptSums { lines: 1, units: line.units, net: line.net, gross: line.gross.unwrap_or(line.net) });
    }
    let mut rows: Vec<(RollupKey, ReceiptSums)> = sums.into_iter().collect();
    rows.sort_by(|left, right| left.0.cmp(&right.0));
    Ok(rows)
}

/// Tabs, newlines and backslashes in text are escaped, so every row is one line of cells.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")
}

fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match characters.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn write(lake_root: &Path, import_key: &str, rows: &[(RollupKey, ReceiptSums)]) -> Result<(), RunError> {
    let target = path(lake_root, import_key);
    let folder = target.parent().unwrap_or(lake_root);
    let io = |error: std::io::Error| RunError::corrupt(format!("roll-up {}", target.display()), error);
    fs::create_dir_all(folder).map_err(io)?;
    let staged = folder.join(format!(".{import_key}.{}.tmp", std::process::id()));
    let mut file = std::io::BufWriter::new(fs::File::create(&staged).map_err(io)?);
    writeln!(file, "{HEADER}").map_err(io)?;
    for (key, sums) in rows {
        let ids = &key.identifiers;
        let optional = |value: Option<String>| value.unwrap_or_default();
        writeln!(
            file,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            key.sale_month,
            optional(key.reporting_month.map(|month| month.to_string())),
            escape(&key.service),
            key.territory.alpha2(),
            key.usage,
            key.tier,
            key.currency,
            optional(key.original_currency.map(|currency| currency.to_string())),
            optional(key.fx_rate.map(|rate| rate.to_string())),
            escape(&ids.isrc),
            escape(&ids.upc),
            escape(&ids.catalog_number),
            escape(&ids.proprietary_id),
            escape(&ids.reported_isrc),
            escape(&ids.reported_upc),
            sums.lines,
            sums.units,
            sums.net,
            sums.gross
        )
        .map_err(io)?;
    }
    let file = file.into_inner().map_err(|error| io(error.into_error()))?;
    file.sync_all().map_err(io)?;
    fs::rename(&staged, &target).map_err(io)?;
    Ok(())
}

/// Reads a roll-up file; `None` when any part of it is not what [`write`] writes.
fn parse(text: &str) -> Option<Vec<(RollupKey, ReceiptSums)>> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let optional_month = |cell: &str| if cell.is_empty() { Some(None) } else { Month::parse(cell).ok().map(Some) };
    let optional_currency = |cell: &str| if cell.is_empty() { Some(None) } else { Currency::parse(cell).ok().map(Some) };
    let mut rows = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        let [sale, reporting, service, territory, usage, tier, currency, original, rate, isrc, upc, catalog, proprietary, reported_isrc, reported_upc, count, units, net, gross] =
            cells.as_slice()
        else {
            return None;
        };
        let key = RollupKey {
            sale_month: Month::parse(sale).ok()?,
            reporting_month: optional_month(reporting)?,
            service: unescape(service),
            territory: Territory::parse(territory).ok()?,
            usage: usage.to_string(),
            tier: tier.to_string(),
            currency: Currency::parse(currency).ok()?,
            original_currency: optional_currency(original)?,
            fx_rate: if rate.is_empty() { None } else { Some(Decimal::parse(rate).ok()?) },
            identifiers: Identifiers {
                isrc: unescape(isrc),
                upc: unescape(upc),
                catalog_number: unescape(catalog),
                proprietary_id: unescape(proprietary),
                reported_isrc: unescape(reported_isrc),
                reported_upc: unescape(reported_upc),
            },
        };
        let sums = ReceiptSums { lines: count.parse().ok()?, units: units.parse().ok()?, net: Decimal::parse(net).ok()?, gross: Decimal::parse(gross).ok()? };
        rows.push((key, sums));
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_rollup_reads_back_exactly() {
        let folder = tempfile::tempdir().unwrap();
        let key = RollupKey {
            sale_month: Month::parse("2026-03").unwrap(),
            reporting_month: None,
            service: "Odd\tService\\ name\n".to_string(),
            territory: Territory::parse("WW").unwrap(),
            usage: "stream".to_string(),
            tier: "ad-supported".to_string(),
            currency: Currency::USD,
            original_currency: Some(Currency::EUR),
            fx_rate: Some(Decimal::parse("1.0834").unwrap()),
            identifiers: Identifiers { isrc: "GBAYE2400001".to_string(), reported_isrc: "GB-AYE-24-00001".to_string(), ..Identifiers::default() },
        };
        let sums = ReceiptSums { lines: 3, units: -2, net: Decimal::parse("-0.000000000001").unwrap(), gross: Decimal::parse("12.5").unwrap() };
        let rows = vec![(key, sums)];
        let import_key = "a".repeat(64);
        write(folder.path(), &import_key, &rows).unwrap();
        let text = fs::read_to_string(path(folder.path(), &import_key)).unwrap();
        assert_eq!(parse(&text), Some(rows));
        assert_eq!(parse(&text.replace("stream", "stream\textra")), None, "a row with a cell too many is refused");
    }
}
