//! Roll-ups: an import's lines added up by everything a royalty run can depend on, kept beside
//! the lake (`lake/rollups/v1/<import key>.tsv`).
//!
//! A run needs sums, not lines: lines that share their months, service, territory, usage, tier,
//! currency and identifiers as reported are interchangeable for every contract term. The import
//! folds its lines into a roll-up as it reads them ([`RollupBuilder`]), and runs read that: tens
//! of thousands of rows instead of millions of lines. Identifiers are kept as reported and
//! matched at run time, so an alias added later still re-matches everything.
//!
//! A roll-up is derived data: written aside and renamed into place, rebuilt from the lake when
//! missing or unreadable, and checked against the import's row count every time it is read.

use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ledgerline_formats::SaleLine;
use ledgerline_model::{Month, Territory};
use ledgerline_money::{Currency, Decimal};

use crate::error::LakeError;

const FOLDER: &str = "rollups/v1";
const HEADER: &str = "sale_month\treporting_month\tservice\tterritory\tusage\ttier\tcurrency\toriginal_currency\tfx_rate\tisrc\tupc\tcatalog_number\tproprietary_id\treported_isrc\treported_upc\tlines\tunits\tnet\tgross";
const KEY_CELLS: usize = 15;

/// What lines are rolled up by.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupKey {
    pub sale_month: Month,
    pub reporting_month: Option<Month>,
    pub service: String,
    pub territory: Territory,
    /// `stream`, `download`, … as in the normalized sale line.
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

/// The sums of the lines under one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RollupSums {
    pub lines: u64,
    pub units: i64,
    pub net: Decimal,
    /// The gross amount, or the net one where the source gives no gross.
    pub gross: Decimal,
}

impl RollupSums {
    fn add(&mut self, line: &SaleLine) {
        self.lines += 1;
        self.units += line.units;
        self.net += line.net;
        self.gross += line.gross.unwrap_or(line.net);
    }
}

/// Folds lines into a roll-up while they are read. The key of each line is written into one
/// reused buffer as the roll-up file's own cells, so a line whose key was seen before costs a
/// hash lookup and no allocation.
#[derive(Debug, Default)]
pub struct RollupBuilder {
    sums: HashMap<String, RollupSums>,
    key: String,
}

impl RollupBuilder {
    pub fn new() -> RollupBuilder {
        RollupBuilder::default()
    }

    pub fn add(&mut self, line: &SaleLine) {
        self.key.clear();
        key_cells(&mut self.key, line);
        match self.sums.get_mut(self.key.as_str()) {
            Some(sums) => sums.add(line),
            None => {
                let mut sums = RollupSums::default();
                sums.add(line);
                self.sums.insert(self.key.clone(), sums);
            }
        }
    }

    /// Lines added so far.
    pub fn lines(&self) -> u64 {
        self.sums.values().map(|sums| sums.lines).sum()
    }

    /// Writes the roll-up of `import_key`: staged, synced, renamed into place.
    pub fn write(self, lake_root: &Path, import_key: &str) -> Result<(), LakeError> {
        crate::layout::check_import_key(lake_root, import_key)?;
        let target = path(lake_root, import_key);
        let folder = lake_root.join(FOLDER);
        fs::create_dir_all(&folder).map_err(LakeError::io("create folder", &folder))?;
        let staged = folder.join(format!(".{import_key}.{}.tmp", std::process::id()));
        let mut rows: Vec<(String, RollupSums)> = self.sums.into_iter().collect();
        rows.sort_unstable_by(|left, right| left.0.cmp(&right.0));
        let file = fs::File::create(&staged).map_err(LakeError::io("create", &staged))?;
        let mut writer = std::io::BufWriter::new(file);
        let mut write_all = || -> std::io::Result<()> {
            writeln!(writer, "{HEADER}")?;
            for (key, sums) in &rows {
                writeln!(writer, "{key}\t{}\t{}\t{}\t{}", sums.lines, sums.units, sums.net, sums.gross)?;
            }
            writer.flush()
        };
        write_all().map_err(LakeError::io("write", &staged))?;
        let file = writer.into_inner().map_err(|error| LakeError::Io { action: "write", path: staged.clone(), source: error.into_error() })?;
        file.sync_all().map_err(LakeError::io("fsync", &staged))?;
        fs::rename(&staged, &target).map_err(LakeError::io("rename", &staged))?;
        Ok(())
    }
}

/// The key cells of a line, tab-separated, as the roll-up file writes them.
fn key_cells(out: &mut String, line: &SaleLine) {
    use std::fmt::Write as _;
    let _ = write!(out, "{}\t", line.sale_start.month());
    if let Some(month) = line.reporting_month {
        let _ = write!(out, "{month}");
    }
    out.push('\t');
    push_escaped(out, &line.service);
    out.push('\t');
    out.push_str(line.territory.alpha2());
    out.push('\t');
    out.push_str(line.usage.name());
    out.push('\t');
    out.push_str(line.tier.name());
    out.push('\t');
    out.push_str(line.currency.code());
    out.push('\t');
    if let Some(currency) = line.original_currency {
        out.push_str(currency.code());
    }
    out.push('\t');
    if let Some(rate) = line.fx_rate {
        let _ = write!(out, "{rate}");
    }
    for value in [
        line.isrc.as_ref().map_or("", |isrc| isrc.as_str()),
        line.upc.as_ref().map_or("", |upc| upc.as_str()),
        &line.catalog_number,
        &line.proprietary_id,
        &line.reported_isrc,
        &line.reported_upc,
    ] {
        out.push('\t');
        push_escaped(out, value);
    }
}

/// Tabs, newlines and backslashes in text are escaped, so every row is one line of cells.
fn push_escaped(out: &mut String, text: &str) {
    if !text.bytes().any(|byte| matches!(byte, b'\\' | b'\t' | b'\n' | b'\r')) {
        out.push_str(text);
        return;
    }
    for character in text.chars() {
        match character {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            other => out.push(other),
        }
    }
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

fn path(lake_root: &Path, import_key: &str) -> PathBuf {
    lake_root.join(FOLDER).join(format!("{import_key}.tsv"))
}

/// The roll-up of a published import: read from its file, or rebuilt from the lake's lines (and
/// written) when the file is missing, unreadable or does not count the import's rows.
pub fn read_rollup(lake_root: &Path, import_key: &str) -> Result<Vec<(RollupKey, RollupSums)>, LakeError> {
    let expected_lines = crate::reader::import_row_count(lake_root, import_key)?;
    if let Ok(text) = fs::read_to_string(path(lake_root, import_key)) {
        if let Some(rows) = parse(&text) {
            if rows.iter().map(|(_, sums)| sums.lines).sum::<u64>() == expected_lines {
                return Ok(rows);
            }
        }
    }
    let mut builder = RollupBuilder::new();
    for line in crate::reader::read_import(lake_root, import_key)? {
        builder.add(&line?);
    }
    builder.write(lake_root, import_key)?;
    let text = fs::read_to_string(path(lake_root, import_key)).map_err(LakeError::io("read", path(lake_root, import_key)))?;
    parse(&text).ok_or_else(|| LakeError::Invalid { path: path(lake_root, import_key), reason: "the roll-up just written does not read back".to_string() })
}

/// Reads a roll-up file; `None` when any part of it is not what [`RollupBuilder::write`] writes.
fn parse(text: &str) -> Option<Vec<(RollupKey, RollupSums)>> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let optional_month = |cell: &str| if cell.is_empty() { Some(None) } else { Month::parse(cell).ok().map(Some) };
    let optional_currency = |cell: &str| if cell.is_empty() { Some(None) } else { Currency::parse(cell).ok().map(Some) };
    let mut rows = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != KEY_CELLS + 4 {
            return None;
        }
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
        let sums = RollupSums { lines: count.parse().ok()?, units: units.parse().ok()?, net: Decimal::parse(net).ok()?, gross: Decimal::parse(gross).ok()? };
        rows.push((key, sums));
    }
    Some(rows)
}
