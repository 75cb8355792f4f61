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

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use ledgerline_formats::SaleLine;
use ledgerline_model::text::same;
use ledgerline_model::{Icpn, Isrc, Month, Territory};
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
            isrc: line
                .isrc
                .as_ref()
                .map(|isrc| isrc.as_str().to_string())
                .unwrap_or_default(),
            upc: line
                .upc
                .as_ref()
                .map(|upc| upc.as_str().to_string())
                .unwrap_or_default(),
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
    fn absorb(&mut self, other: &RollupSums) {
        self.lines += other.lines;
        self.units += other.units;
        self.net += other.net;
        self.gross += other.gross;
    }

    fn add(&mut self, line: &SaleLine) {
        self.lines += 1;
        self.units += line.units;
        self.net += line.net;
        self.gross += line.gross.unwrap_or(line.net);
    }
}

/// Folds lines into a roll-up while they are read, on the import's busiest thread, so a line
/// whose key was seen before must cost little: its fields are hashed where they lie (no
/// formatting, no allocation) and compared with the stored key; only a new key is copied.
///
/// Memory grows with the number of distinct keys, not lines; past [`MAXIMUM_KEYS`] the builder
/// gives up (and writes nothing), so an import's memory stays bounded whatever the file, and the
/// first run builds the roll-up from the lake instead.
#[derive(Debug, Default)]
pub struct RollupBuilder {
    buckets: HashMap<u64, Vec<(SaleLine, RollupSums)>, std::hash::BuildHasherDefault<PassThrough>>,
    keys: usize,
    limit: usize,
    lines: u64,
    gave_up: bool,
}

/// Distinct keys a [`RollupBuilder`] holds at most (a few hundred bytes each).
pub const MAXIMUM_KEYS: usize = 300_000;

impl RollupBuilder {
    pub fn new() -> RollupBuilder {
        RollupBuilder::with_limit(MAXIMUM_KEYS)
    }

    /// A builder that gives up past `limit` distinct keys.
    pub fn with_limit(limit: usize) -> RollupBuilder {
        RollupBuilder {
            limit,
            ..RollupBuilder::default()
        }
    }

    /// Whether it gave up (too many distinct keys).
    pub fn gave_up(&self) -> bool {
        self.gave_up
    }

    pub fn add(&mut self, line: &SaleLine) {
        self.lines += 1;
        if self.gave_up {
            return;
        }
        // Buckets almost always hold one key: no room reserved for more.
        let bucket = self
            .buckets
            .entry(key_hash(line))
            .or_insert_with(|| Vec::with_capacity(1));
        match bucket.iter_mut().find(|(seen, _)| same_key(seen, line)) {
            Some((_, sums)) => sums.add(line),
            None => {
                let mut sums = RollupSums::default();
                sums.add(line);
                bucket.push((key_fields(line), sums));
                self.keys += 1;
                if self.keys > self.limit {
                    self.give_up();
                }
            }
        }
    }

    /// Adds what another builder folded (lines read on another thread): the sums are exact, so
    /// the order lines are added in does not matter. Gives up past this builder's limit.
    pub fn absorb(&mut self, other: RollupBuilder) {
        self.lines += other.lines;
        if self.gave_up || other.gave_up {
            self.give_up();
            return;
        }
        for (hash, entries) in other.buckets {
            let bucket = self
                .buckets
                .entry(hash)
                .or_insert_with(|| Vec::with_capacity(1));
            for (line, sums) in entries {
                match bucket.iter_mut().find(|(seen, _)| same_key(seen, &line)) {
                    Some((_, mine)) => mine.absorb(&sums),
                    None => {
                        bucket.push((line, sums));
                        self.keys += 1;
                    }
                }
            }
            if self.keys > self.limit {
                self.give_up();
                return;
            }
        }
    }

    fn give_up(&mut self) {
        self.gave_up = true;
        self.buckets = HashMap::default();
    }

    /// Lines added so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// The roll-up file's text.
    fn into_text(self) -> String {
        let mut rows: Vec<(String, RollupSums)> = self
            .buckets
            .into_values()
            .flatten()
            .map(|(line, sums)| {
                let mut key = String::new();
                key_cells(&mut key, &line);
                (key, sums)
            })
            .collect();
        rows.sort_unstable_by(|left, right| left.0.cmp(&right.0));
        let mut text = String::with_capacity(rows.len() * 160);
        text.push_str(HEADER);
        text.push('\n');
        for (key, sums) in &rows {
            use std::fmt::Write as _;
            let _ = writeln!(
                text,
                "{key}\t{}\t{}\t{}\t{}",
                sums.lines, sums.units, sums.net, sums.gross
            );
        }
        text
    }

    /// Writes the roll-up of `import_key`: staged, synced, renamed into place. Writes nothing
    /// when the builder gave up (too many distinct keys).
    pub fn write(self, lake_root: &Path, import_key: &str) -> Result<(), LakeError> {
        crate::layout::check_import_key(lake_root, import_key)?;
        if self.gave_up {
            return Ok(());
        }
        write_text(lake_root, import_key, &self.into_text())
    }
}

fn write_text(lake_root: &Path, import_key: &str, text: &str) -> Result<(), LakeError> {
    let target = path(lake_root, import_key);
    let folder = lake_root.join(FOLDER);
    fs::create_dir_all(&folder).map_err(LakeError::io("create folder", &folder))?;
    let staged = folder.join(format!(".{import_key}.{}.tmp", std::process::id()));
    let mut file = fs::File::create(&staged).map_err(LakeError::io("create", &staged))?;
    file.write_all(text.as_bytes())
        .map_err(LakeError::io("write", &staged))?;
    file.sync_all().map_err(LakeError::io("fsync", &staged))?;
    fs::rename(&staged, &target).map_err(LakeError::io("rename", &staged))?;
    Ok(())
}

/// A copy of the line's key fields only (titles and artist left empty): what a key costs to keep.
fn key_fields(line: &SaleLine) -> SaleLine {
    SaleLine {
        line_number: 0,
        sale_start: line.sale_start,
        sale_end: line.sale_end,
        reporting_month: line.reporting_month,
        service: line.service.clone(),
        territory: line.territory,
        usage: line.usage,
        tier: line.tier,
        reported_upc: line.reported_upc.clone(),
        reported_isrc: line.reported_isrc.clone(),
        upc: line.upc.clone(),
        isrc: line.isrc.clone(),
        catalog_number: line.catalog_number.clone(),
        proprietary_id: line.proprietary_id.clone(),
        release_title: String::new(),
        track_title: String::new(),
        artist: String::new(),
        units: 0,
        gross: None,
        net: Decimal::ZERO,
        currency: line.currency,
        original_currency: line.original_currency,
        fx_rate: line.fx_rate,
    }
}

/// Whether two lines share every field a roll-up key holds.
fn same_key(left: &SaleLine, right: &SaleLine) -> bool {
    left.sale_start.month() == right.sale_start.month()
        && left.reporting_month == right.reporting_month
        && left.territory == right.territory
        && left.usage == right.usage
        && left.tier == right.tier
        && left.currency == right.currency
        && left.original_currency == right.original_currency
        && left.fx_rate == right.fx_rate
        && same_identifier(left.isrc.as_ref().map(Isrc::as_str), right.isrc.as_ref().map(Isrc::as_str))
        && same_identifier(left.upc.as_ref().map(Icpn::as_str), right.upc.as_ref().map(Icpn::as_str))
        && same(&left.service, &right.service)
        && same(&left.catalog_number, &right.catalog_number)
        && same(&left.proprietary_id, &right.proprietary_id)
        && same(&left.reported_isrc, &right.reported_isrc)
        && same(&left.reported_upc, &right.reported_upc)
}

fn same_identifier(left: Option<&str>, right: Option<&str>) -> bool {
    match (left, right) {
        (Some(left), Some(right)) => same(left, right),
        (None, None) => true,
        _ => false,
    }
}

/// A multiply-rotate hash of the key fields (the FxHash scheme): fast, and collisions only cost
/// a comparison, since equal hashes are checked field by field.
fn key_hash(line: &SaleLine) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut hash = 0u64;
    let mut mix = |word: u64| hash = (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let mut bytes = |text: &[u8]| {
        for chunk in text.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            mix(u64::from_le_bytes(word));
        }
        mix(text.len() as u64);
    };
    bytes(line.service.as_bytes());
    bytes(
        line.isrc
            .as_ref()
            .map_or(&b""[..], |isrc| isrc.as_str().as_bytes()),
    );
    bytes(
        line.upc
            .as_ref()
            .map_or(&b""[..], |upc| upc.as_str().as_bytes()),
    );
    bytes(line.catalog_number.as_bytes());
    bytes(line.proprietary_id.as_bytes());
    bytes(line.reported_isrc.as_bytes());
    bytes(line.reported_upc.as_bytes());
    bytes(line.territory.alpha2().as_bytes());
    bytes(line.currency.code().as_bytes());
    bytes(
        line.original_currency
            .as_ref()
            .map_or("", |currency| currency.code())
            .as_bytes(),
    );
    let mut mix = |word: u64| hash = (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    mix(line.sale_start.month().index() as u64);
    mix(line
        .reporting_month
        .map_or(u64::MAX, |month| month.index() as u64));
    mix(line.usage as u64);
    mix(line.tier as u64);
    let rate = line.fx_rate.map_or(0, |rate| rate.scaled());
    mix(rate as u64);
    mix((rate >> 64) as u64);
    hash
}

/// A hasher for keys that are hashes already.
#[derive(Debug, Default)]
struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
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
    if !text
        .bytes()
        .any(|byte| matches!(byte, b'\\' | b'\t' | b'\n' | b'\r'))
    {
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

/// The text of a cell, its escapes undone; borrowed when it has none (almost always).
fn unescaped(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
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
    Cow::Owned(out)
}

fn path(lake_root: &Path, import_key: &str) -> PathBuf {
    lake_root.join(FOLDER).join(format!("{import_key}.tsv"))
}

/// The roll-up of a published import: read from its file, or rebuilt from the lake's lines (and
/// written) when the file is missing, unreadable or does not count the import's rows.
pub fn read_rollup(
    lake_root: &Path,
    import_key: &str,
) -> Result<Vec<(RollupKey, RollupSums)>, LakeError> {
    let mut rows = Vec::new();
    for_each_rollup_row(lake_root, import_key, |row, sums| {
        rows.push((row.to_key(), *sums))
    })?;
    Ok(rows)
}

/// What [`read_rollup`] reads, row by row and without copying the text of the keys: `visit`
/// sees every row of the roll-up, in file order, once the whole file has been checked (so it
/// never sees the rows of a file that is then rebuilt).
pub fn for_each_rollup_row(
    lake_root: &Path,
    import_key: &str,
    mut visit: impl FnMut(&RollupRow<'_>, &RollupSums),
) -> Result<(), LakeError> {
    let expected_lines = crate::reader::import_row_count(lake_root, import_key)?;
    if let Ok(text) = fs::read_to_string(path(lake_root, import_key)) {
        if let Some(rows) = parse_rows(&text) {
            if rows.iter().map(|(_, sums)| sums.lines).sum::<u64>() == expected_lines {
                rows.iter().for_each(|(row, sums)| visit(row, sums));
                return Ok(());
            }
        }
    }
    // Rebuilt from the lines, whatever the number of keys: the run needs them all.
    let mut builder = RollupBuilder::with_limit(usize::MAX);
    for line in crate::reader::read_import(lake_root, import_key)? {
        builder.add(&line?);
    }
    let text = builder.into_text();
    write_text(lake_root, import_key, &text)?;
    let rows = parse_rows(&text).ok_or_else(|| LakeError::Invalid {
        path: path(lake_root, import_key),
        reason: "a rebuilt roll-up does not read back".to_string(),
    })?;
    rows.iter().for_each(|(row, sums)| visit(row, sums));
    Ok(())
}

/// A roll-up row's key as it lies in the file's text: what [`RollupKey`] holds, with the text
/// cells borrowed (unescaped only when they hold an escape).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupRow<'t> {
    pub sale_month: Month,
    pub reporting_month: Option<Month>,
    pub service: Cow<'t, str>,
    pub territory: Territory,
    pub usage: &'t str,
    pub tier: &'t str,
    pub currency: Currency,
    pub original_currency: Option<Currency>,
    pub fx_rate: Option<Decimal>,
    pub isrc: Cow<'t, str>,
    pub upc: Cow<'t, str>,
    pub catalog_number: Cow<'t, str>,
    pub proprietary_id: Cow<'t, str>,
    pub reported_isrc: Cow<'t, str>,
    pub reported_upc: Cow<'t, str>,
}

impl RollupRow<'_> {
    /// The key, owned.
    pub fn to_key(&self) -> RollupKey {
        RollupKey {
            sale_month: self.sale_month,
            reporting_month: self.reporting_month,
            service: self.service.to_string(),
            territory: self.territory,
            usage: self.usage.to_string(),
            tier: self.tier.to_string(),
            currency: self.currency,
            original_currency: self.original_currency,
            fx_rate: self.fx_rate,
            identifiers: Identifiers {
                isrc: self.isrc.to_string(),
                upc: self.upc.to_string(),
                catalog_number: self.catalog_number.to_string(),
                proprietary_id: self.proprietary_id.to_string(),
                reported_isrc: self.reported_isrc.to_string(),
                reported_upc: self.reported_upc.to_string(),
            },
        }
    }
}

/// The last cell read and what it parsed to: rows are sorted, so neighbours mostly repeat
/// their months, territory, currencies and rate, and each is parsed once per run of equal cells.
struct Last<'t, T> {
    cell: Option<&'t str>,
    value: Option<T>,
}

impl<'t, T: Copy> Last<'t, T> {
    fn new() -> Self {
        Last {
            cell: None,
            value: None,
        }
    }

    fn parse(&mut self, cell: &'t str, parse: impl FnOnce(&str) -> Option<T>) -> Option<T> {
        if self.cell != Some(cell) {
            self.value = parse(cell);
            self.cell = Some(cell);
        }
        self.value
    }
}

/// Reads a roll-up file's rows, borrowing their text; `None` when any part of it is not what
/// [`RollupBuilder::write`] writes.
fn parse_rows(text: &str) -> Option<Vec<(RollupRow<'_>, RollupSums)>> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let optional_month = |cell: &str| {
        if cell.is_empty() {
            Some(None)
        } else {
            Month::parse(cell).ok().map(Some)
        }
    };
    let optional_currency = |cell: &str| {
        if cell.is_empty() {
            Some(None)
        } else {
            Currency::parse(cell).ok().map(Some)
        }
    };
    let optional_rate = |cell: &str| {
        if cell.is_empty() {
            Some(None)
        } else {
            Decimal::parse(cell).ok().map(Some)
        }
    };
    let mut sale_months = Last::new();
    let mut reporting_months = Last::new();
    let mut territories = Last::new();
    let mut currencies = Last::new();
    let mut originals = Last::new();
    let mut rates = Last::new();
    let mut rows = Vec::with_capacity(text.len() / 150);
    for line in lines {
        let mut cells = [""; KEY_CELLS + 4];
        let mut found = 0;
        let mut start = 0;
        for (index, byte) in line.bytes().enumerate() {
            if byte == b'\t' {
                *cells.get_mut(found)? = &line[start..index];
                found += 1;
                start = index + 1;
            }
        }
        *cells.get_mut(found)? = &line[start..];
        if found + 1 != cells.len() {
            return None;
        }
        let [sale, reporting, service, territory, usage, tier, currency, original, rate, isrc, upc, catalog, proprietary, reported_isrc, reported_upc, count, units, net, gross] =
            cells;
        let row = RollupRow {
            sale_month: sale_months.parse(sale, |cell| Month::parse(cell).ok())?,
            reporting_month: reporting_months.parse(reporting, optional_month)?,
            service: unescaped(service),
            territory: territories.parse(territory, |cell| Territory::parse(cell).ok())?,
            usage,
            tier,
            currency: currencies.parse(currency, |cell| Currency::parse(cell).ok())?,
            original_currency: originals.parse(original, optional_currency)?,
            fx_rate: rates.parse(rate, optional_rate)?,
            isrc: unescaped(isrc),
            upc: unescaped(upc),
            catalog_number: unescaped(catalog),
            proprietary_id: unescaped(proprietary),
            reported_isrc: unescaped(reported_isrc),
            reported_upc: unescaped(reported_upc),
        };
        let sums = RollupSums {
            lines: count.parse().ok()?,
            units: units.parse().ok()?,
            net: Decimal::parse(net).ok()?,
            gross: Decimal::parse(gross).ok()?,
        };
        rows.push((row, sums));
    }
    Some(rows)
}
