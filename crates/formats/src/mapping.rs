//! Distributor and DSP layouts as data.
//!
//! A mapping file (TOML) describes one layout: how to recognise its header, which column holds
//! which field of the [`SaleLine`], how dates and numbers are written, which rows to skip and
//! when amounts are negated. The built-in mappings live in `crates/formats/mappings/` and are
//! compiled in; a user's mapping is read with `--mapping FILE`. `docs/formats.md` is the
//! reference for writing one.

use std::borrow::Cow;
use std::collections::BTreeMap;

use ledgerline_model::{Icpn, Isrc, Month, Territory};
use ledgerline_money::{Currency, Decimal, NumberStyle};
use serde::Deserialize;

use crate::date_pattern::{DatePattern, DateValue};
use crate::line::{SaleLine, TextBuffers, Tier, UsageType};
use crate::summary::FormatId;

/// A mapping file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    pub source: String,
    pub layout: String,
    pub version: String,
    pub description: String,
    pub detect: Detect,
    #[serde(default)]
    pub read: ReadOptions,
    pub fields: Fields,
}

/// How a header is recognised: every required column present, no forbidden column present.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detect {
    pub required_columns: Vec<String>,
    #[serde(default)]
    pub forbidden_columns: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOptions {
    /// `"auto"` (default), `","`, `";"`, `"\t"` or `"|"`.
    pub delimiter: Option<String>,
    /// `"auto"` (default), `"plain"` (1234.5), `"decimal-comma"` (1234,5),
    /// `"english-grouped"` (1,234.5), `"continental-grouped"` (1.234,5).
    pub number_style: Option<String>,
    /// Rows that are not sales (payouts, totals) and are skipped.
    #[serde(default)]
    pub skip_rows_where: Vec<RowCondition>,
    /// Rows whose units and amounts are written positive but mean a return or void.
    #[serde(default)]
    pub negate_rows_where: Vec<RowCondition>,
}

/// A condition on one cell: its value (trimmed, case-insensitive) is one of `values`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowCondition {
    pub column: String,
    pub values: Vec<String>,
}

/// Where one field's value comes from.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The column holding the value.
    pub column: Option<String>,
    /// Alternative columns, in order: the first that is not empty in a row gives the value.
    /// Columns the header lacks are ignored, as long as one is present.
    pub columns: Option<Vec<String>>,
    /// Numeric fields only: the sum of these columns (FUGA counts product rows in one quantity
    /// column and asset rows in another).
    pub sum_of: Option<Vec<String>>,
    /// A constant (e.g. the currency a source implies: `value = "USD"`).
    pub value: Option<String>,
    /// Date pattern for date fields (see `date_pattern`).
    pub format: Option<String>,
    /// Value translation, case-insensitive on the key (`"Subscription" = "premium"`).
    pub map: Option<BTreeMap<String, String>>,
    /// Used when the cell is empty or, with `map`, when the value is not in the map.
    pub default: Option<String>,
}

/// The fields of a sale line a mapping can fill.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    /// A day or a month (by its pattern) giving both ends of the sale period.
    pub sale_period: Option<FieldSpec>,
    pub sale_start: Option<FieldSpec>,
    pub sale_end: Option<FieldSpec>,
    pub reporting_month: Option<FieldSpec>,
    pub service: FieldSpec,
    pub territory: FieldSpec,
    pub usage: FieldSpec,
    pub tier: Option<FieldSpec>,
    pub upc: Option<FieldSpec>,
    pub isrc: Option<FieldSpec>,
    pub catalog_number: Option<FieldSpec>,
    pub proprietary_id: Option<FieldSpec>,
    pub release_title: Option<FieldSpec>,
    pub track_title: Option<FieldSpec>,
    pub artist: Option<FieldSpec>,
    pub units: Option<FieldSpec>,
    pub gross: Option<FieldSpec>,
    pub net: FieldSpec,
    pub currency: FieldSpec,
    pub original_currency: Option<FieldSpec>,
    pub fx_rate: Option<FieldSpec>,
}

/// A problem in a mapping file itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("{file}: {message}")]
    Toml { file: String, message: String },
    #[error("{file}: field `{field}`: {message}")]
    Field {
        file: String,
        field: String,
        message: String,
    },
}

/// Collapses runs of whitespace, trims and lower-cases a header cell, so `Total  Royalty
/// Bearing Plays` (Apple's two spaces) and a BOM-less `ISRC ` match their mapping.
pub fn normalise_column_name(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl MappingFile {
    pub fn parse(text: &str, file: &str) -> Result<MappingFile, MappingError> {
        let mapping: MappingFile = toml::from_str(text).map_err(|error| MappingError::Toml {
            file: file.to_string(),
            message: error.to_string(),
        })?;
        mapping.validate(file)?;
        Ok(mapping)
    }

    pub fn format_id(&self) -> FormatId {
        FormatId {
            source: self.source.clone(),
            layout: self.layout.clone(),
            version: self.version.clone(),
        }
    }

    fn validate(&self, file: &str) -> Result<(), MappingError> {
        let field_error = |field: &str, message: &str| MappingError::Field {
            file: file.to_string(),
            field: field.to_string(),
            message: message.to_string(),
        };
        let fields = &self.fields;
        let period_given = fields.sale_period.is_some()
            || (fields.sale_start.is_some() && fields.sale_end.is_some());
        if !period_given {
            return Err(field_error(
                "sale_period",
                "give sale_period, or both sale_start and sale_end",
            ));
        }
        for (name, spec) in self.date_fields() {
            let Some(pattern) = &spec.format else {
                return Err(field_error(
                    name,
                    "a date field needs `format`, e.g. format = \"{YYYY}-{MM}-{DD}\"",
                ));
            };
            DatePattern::compile(pattern).map_err(|message| field_error(name, &message))?;
        }
        for (name, spec) in self.all_fields() {
            let sources = [
                spec.column.is_some(),
                spec.columns.is_some(),
                spec.sum_of.is_some(),
            ];
            if sources.iter().filter(|given| **given).count() > 1 {
                return Err(field_error(
                    name,
                    "give only one of column, columns and sum_of",
                ));
            }
            if !sources.iter().any(|given| *given) && spec.value.is_none() && spec.default.is_none()
            {
                return Err(field_error(
                    name,
                    "say where the value comes from: column, columns, sum_of, value or default",
                ));
            }
            if spec.sum_of.is_some() && !["units", "gross", "net"].contains(&name) {
                return Err(field_error(name, "sum_of is for units, gross and net only"));
            }
        }
        for (name, spec, allowed) in [
            (
                "usage",
                Some(&fields.usage),
                &["stream", "download", "physical", "ugc", "other"][..],
            ),
            (
                "tier",
                fields.tier.as_ref(),
                &["premium", "ad-supported", "trial", "other"][..],
            ),
        ] {
            let Some(spec) = spec else { continue };
            let targets = spec
                .map
                .iter()
                .flat_map(|map| map.values())
                .chain(spec.value.iter())
                .chain(spec.default.iter());
            for target in targets {
                if !allowed.contains(&target.as_str()) {
                    return Err(field_error(
                        name,
                        &format!("\"{target}\" is not one of {}", allowed.join(", ")),
                    ));
                }
            }
        }
        if self.detect.required_columns.is_empty() {
            return Err(field_error(
                "detect.required_columns",
                "list the columns that identify this layout",
            ));
        }
        Ok(())
    }

    fn date_fields(&self) -> impl Iterator<Item = (&'static str, &FieldSpec)> {
        let fields = &self.fields;
        [
            ("sale_period", fields.sale_period.as_ref()),
            ("sale_start", fields.sale_start.as_ref()),
            ("sale_end", fields.sale_end.as_ref()),
            ("reporting_month", fields.reporting_month.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, spec)| spec.map(|spec| (name, spec)))
    }

    fn all_fields(&self) -> Vec<(&'static str, &FieldSpec)> {
        let fields = &self.fields;
        let optional = [
            ("sale_period", &fields.sale_period),
            ("sale_start", &fields.sale_start),
            ("sale_end", &fields.sale_end),
            ("reporting_month", &fields.reporting_month),
            ("tier", &fields.tier),
            ("upc", &fields.upc),
            ("isrc", &fields.isrc),
            ("catalog_number", &fields.catalog_number),
            ("proprietary_id", &fields.proprietary_id),
            ("release_title", &fields.release_title),
            ("track_title", &fields.track_title),
            ("artist", &fields.artist),
            ("units", &fields.units),
            ("gross", &fields.gross),
            ("original_currency", &fields.original_currency),
            ("fx_rate", &fields.fx_rate),
        ];
        let mut all = vec![
            ("service", &fields.service),
            ("territory", &fields.territory),
            ("usage", &fields.usage),
            ("net", &fields.net),
            ("currency", &fields.currency),
        ];
        all.extend(
            optional
                .into_iter()
                .filter_map(|(name, spec)| spec.as_ref().map(|spec| (name, spec))),
        );
        all
    }

    /// Whether a header row (already normalised) is this layout.
    pub fn matches_header(&self, normalised_header: &[String]) -> bool {
        let has = |column: &String| normalised_header.contains(&normalise_column_name(column));
        self.detect.required_columns.iter().all(has)
            && !self.detect.forbidden_columns.iter().any(has)
    }

    /// The columns this layout requires that a header row (already normalised) lacks, as the
    /// layout names them: what keeps a near miss from being recognised.
    pub fn missing_columns(&self, normalised_header: &[String]) -> Vec<&str> {
        self.detect
            .required_columns
            .iter()
            .filter(|column| !normalised_header.contains(&normalise_column_name(column)))
            .map(String::as_str)
            .collect()
    }

    /// Binds the mapping to a header: column names become indices. A mapped column the header
    /// lacks is an error naming it.
    pub fn bind(
        &self,
        header: &[String],
        number_style: NumberStyle,
    ) -> Result<BoundMapping, String> {
        let normalised: Vec<String> = header
            .iter()
            .map(|cell| normalise_column_name(cell))
            .collect();
        let find = |name: &str| {
            normalised
                .iter()
                .position(|cell| *cell == normalise_column_name(name))
        };
        let bind_spec = |field: &str, spec: &FieldSpec| -> Result<BoundField, String> {
            let missing = |name: &str| {
                format!(
                    "missing column \"{name}\" (field {field} of mapping {})",
                    self.format_id()
                )
            };
            let (columns, sum) = match (&spec.column, &spec.columns, &spec.sum_of) {
                (Some(name), _, _) => (vec![find(name).ok_or_else(|| missing(name))?], false),
                (None, Some(names), _) => {
                    let present: Vec<usize> = names.iter().filter_map(|name| find(name)).collect();
                    if present.is_empty() {
                        return Err(format!(
                            "none of the columns {names:?} is present (field {field} of mapping {})",
                            self.format_id()
                        ));
                    }
                    (present, false)
                }
                (None, None, Some(names)) => (
                    names
                        .iter()
                        .map(|name| find(name).ok_or_else(|| missing(name)))
                        .collect::<Result<_, _>>()?,
                    true,
                ),
                (None, None, None) => (Vec::new(), false),
            };
            // Sorted by key and without duplicates, through a BTreeMap; then a vector, which is
            // quicker to scan for the few keys a map has.
            let map = spec.map.as_ref().map(|map| {
                let lower_cased: BTreeMap<String, String> = map
                    .iter()
                    .map(|(key, value)| (key.trim().to_lowercase(), value.clone()))
                    .collect();
                lower_cased.into_iter().collect::<Vec<_>>()
            });
            let pattern = spec
                .format
                .as_deref()
                .map(DatePattern::compile)
                .transpose()?;
            Ok(BoundField {
                column_names: columns
                    .iter()
                    .map(|index| header[*index].trim().to_string())
                    .collect(),
                columns,
                sum,
                value: spec.value.clone(),
                default: spec.default.clone(),
                map,
                pattern,
            })
        };
        let bind_optional = |field: &str, spec: &Option<FieldSpec>| {
            spec.as_ref().map(|spec| bind_spec(field, spec)).transpose()
        };
        let bind_conditions = |conditions: &[RowCondition]| -> Result<Vec<BoundCondition>, String> {
            conditions
                .iter()
                .map(|condition| {
                    let column = find(&condition.column).ok_or_else(|| {
                        format!(
                            "missing column \"{}\" (row condition of mapping {})",
                            condition.column,
                            self.format_id()
                        )
                    })?;
                    Ok(BoundCondition {
                        column,
                        values: condition
                            .values
                            .iter()
                            .map(|value| value.trim().to_lowercase())
                            .collect(),
                    })
                })
                .collect()
        };
        let fields = &self.fields;
        Ok(BoundMapping {
            format: self.format_id(),
            number_style,
            skip_rows_where: bind_conditions(&self.read.skip_rows_where)?,
            negate_rows_where: bind_conditions(&self.read.negate_rows_where)?,
            sale_period: bind_optional("sale_period", &fields.sale_period)?,
            sale_start: bind_optional("sale_start", &fields.sale_start)?,
            sale_end: bind_optional("sale_end", &fields.sale_end)?,
            reporting_month: bind_optional("reporting_month", &fields.reporting_month)?,
            service: bind_spec("service", &fields.service)?,
            territory: bind_spec("territory", &fields.territory)?,
            usage: bind_spec("usage", &fields.usage)?,
            tier: bind_optional("tier", &fields.tier)?,
            upc: bind_optional("upc", &fields.upc)?,
            isrc: bind_optional("isrc", &fields.isrc)?,
            catalog_number: bind_optional("catalog_number", &fields.catalog_number)?,
            proprietary_id: bind_optional("proprietary_id", &fields.proprietary_id)?,
            release_title: bind_optional("release_title", &fields.release_title)?,
            track_title: bind_optional("track_title", &fields.track_title)?,
            artist: bind_optional("artist", &fields.artist)?,
            units: bind_optional("units", &fields.units)?,
            gross: bind_optional("gross", &fields.gross)?,
            net: bind_spec("net", &fields.net)?,
            currency: bind_spec("currency", &fields.currency)?,
            original_currency: bind_optional("original_currency", &fields.original_currency)?,
            fx_rate: bind_optional("fx_rate", &fields.fx_rate)?,
        })
    }

    /// Names of the columns holding amounts, for number-style detection.
    pub fn money_columns(&self) -> Vec<&str> {
        [
            Some(&self.fields.net),
            self.fields.gross.as_ref(),
            self.fields.fx_rate.as_ref(),
        ]
        .into_iter()
        .flatten()
        .flat_map(|spec| {
            spec.column
                .iter()
                .chain(spec.columns.iter().flatten())
                .chain(spec.sum_of.iter().flatten())
        })
        .map(String::as_str)
        .collect()
    }
}

#[derive(Clone, Debug)]
struct BoundField {
    /// Header indices, in priority order (or the terms of a sum).
    columns: Vec<usize>,
    column_names: Vec<String>,
    sum: bool,
    value: Option<String>,
    default: Option<String>,
    /// Lower-cased keys, sorted.
    map: Option<Vec<(String, String)>>,
    pattern: Option<DatePattern>,
}

#[derive(Clone, Debug)]
struct BoundCondition {
    column: usize,
    values: Vec<String>,
}

/// A cell that could not be read, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellProblem {
    /// Column from 1.
    pub column: Option<usize>,
    pub column_name: Option<String>,
    pub value: String,
    pub reason: String,
}

/// What to do with a row.
#[derive(Debug)]
pub enum RowOutcome {
    Line(Box<SaleLine>),
    /// A row the mapping says is not a sale (a payout, a total).
    Skipped,
    Rejected(Vec<CellProblem>),
}

/// A mapping bound to one file's header and number style: ready to convert rows.
#[derive(Clone, Debug)]
pub struct BoundMapping {
    pub format: FormatId,
    pub number_style: NumberStyle,
    skip_rows_where: Vec<BoundCondition>,
    negate_rows_where: Vec<BoundCondition>,
    sale_period: Option<BoundField>,
    sale_start: Option<BoundField>,
    sale_end: Option<BoundField>,
    reporting_month: Option<BoundField>,
    service: BoundField,
    territory: BoundField,
    usage: BoundField,
    tier: Option<BoundField>,
    upc: Option<BoundField>,
    isrc: Option<BoundField>,
    catalog_number: Option<BoundField>,
    proprietary_id: Option<BoundField>,
    release_title: Option<BoundField>,
    track_title: Option<BoundField>,
    artist: Option<BoundField>,
    units: Option<BoundField>,
    gross: Option<BoundField>,
    net: BoundField,
    currency: BoundField,
    original_currency: Option<BoundField>,
    fx_rate: Option<BoundField>,
}

/// What converting a row into a reused line gave.
#[derive(Debug)]
pub enum Conversion<'line> {
    Line(&'line SaleLine),
    /// A row the mapping says is not a sale (a payout, a total).
    Skipped,
    Rejected(Vec<CellProblem>),
}

/// The cells of one row, by index from 0: a slice of strings, or a record as the delimited
/// reader split it (which saves collecting every row's cells into a vector).
pub trait Cells {
    fn cell(&self, index: usize) -> Option<&str>;
    fn count(&self) -> usize;
}

impl Cells for [&str] {
    fn cell(&self, index: usize) -> Option<&str> {
        self.get(index).copied()
    }

    fn count(&self) -> usize {
        self.len()
    }
}

/// `buffer` holding `value`; reports repeat a track's identifiers and titles line after line,
/// and comparing a short text costs less than copying it.
fn refill(mut buffer: String, value: &str) -> String {
    if !ledgerline_model::text::same(&buffer, value) {
        buffer.clear();
        buffer.push_str(value);
    }
    buffer
}

/// The last text a field held and the value it parsed to: report cells repeat row after row
/// (the statement's dates, the currency), so most rows are parsed by one comparison.
#[derive(Debug)]
struct Memo<T> {
    text: String,
    value: Option<T>,
}

impl<T> Default for Memo<T> {
    fn default() -> Memo<T> {
        Memo {
            text: String::new(),
            value: None,
        }
    }
}

impl<T: Clone> Memo<T> {
    /// The value of `text`, parsed by `parse` unless it is the text of last time. Only
    /// successes are kept: a failure is parsed again to report it.
    fn get<E>(&mut self, text: &str, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<T, E> {
        match &self.value {
            Some(value) if ledgerline_model::text::same(&self.text, text) => return Ok(value.clone()),
            _ => {}
        }
        let value = parse(text)?;
        self.text = refill(std::mem::take(&mut self.text), text);
        self.value = Some(value.clone());
        Ok(value)
    }
}

impl<T: Clone + PartialEq> Memo<T> {
    /// [`get`](Memo::get), handing back `previous` (the previous line's value, taken out of
    /// it) rather than a copy when it is the value: an identifier is a `String`, and copying
    /// it for every line cost an allocation and a free per line.
    fn get_reusing<E>(
        &mut self,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
        previous: Option<T>,
    ) -> Result<T, E> {
        if let (Some(value), Some(previous)) = (&self.value, previous) {
            if previous == *value && ledgerline_model::text::same(&self.text, text) {
                return Ok(previous);
            }
        }
        self.get(text, parse)
    }
}

/// What converting rows one after another keeps from row to row: the previous line, whose
/// text buffers the next row refills, and the last values of the fields that repeat.
#[derive(Debug, Default)]
pub struct RowState {
    line: Option<SaleLine>,
    sale_period: Memo<DateValue>,
    sale_start: Memo<DateValue>,
    sale_end: Memo<DateValue>,
    reporting_month: Memo<DateValue>,
    /// Currencies seen, by code as written: a report uses a handful, often alternating (the
    /// original currency of a line), which would defeat a memo of the last one.
    currencies: Vec<(String, Currency)>,
    /// Reports list a product's or a track's sales together.
    upc: Memo<Icpn>,
    isrc: Memo<Isrc>,
    /// Territories by two-letter upper-case code (`b'A'..=b'Z'` squared), the usual cell;
    /// other spellings are parsed every time.
    territories: Vec<Option<Territory>>,
}

impl RowState {
    fn currency(&mut self, text: &str) -> Result<Currency, ledgerline_money::CurrencyError> {
        if let Some((_, currency)) = self
            .currencies
            .iter()
            .find(|(code, _)| ledgerline_model::text::same(code, text))
        {
            return Ok(*currency);
        }
        let currency = Currency::parse(text)?;
        if self.currencies.len() < 16 {
            self.currencies.push((text.to_string(), currency));
        }
        Ok(currency)
    }

    fn territory(&mut self, text: &str) -> Result<Territory, ledgerline_model::TerritoryError> {
        let slot = match text.as_bytes() {
            [first @ b'A'..=b'Z', second @ b'A'..=b'Z'] => {
                usize::from(first - b'A') * 26 + usize::from(second - b'A')
            }
            _ => return Territory::parse(text),
        };
        if self.territories.is_empty() {
            self.territories = vec![None; 26 * 26];
        }
        if let Some(territory) = self.territories[slot] {
            return Ok(territory);
        }
        let territory = Territory::parse(text)?;
        self.territories[slot] = Some(territory);
        Ok(territory)
    }
}

/// Reads cells of one row and collects every problem, so a row reports all its bad cells.
struct RowReader<'row, C: Cells + ?Sized> {
    cells: &'row C,
    problems: Vec<CellProblem>,
}

impl<'row, C: Cells + ?Sized> RowReader<'row, C> {
    /// The first non-empty trimmed cell of the field's columns, with its position in
    /// `columns`; empty when there is none (spreadsheet exports drop trailing empty cells).
    fn cell(&self, field: &BoundField) -> (usize, &'row str) {
        for (position, index) in field.columns.iter().enumerate() {
            let cell = self.cells.cell(*index).map_or("", trim);
            if !cell.is_empty() {
                return (position, cell);
            }
        }
        (0, "")
    }

    /// The field's value: the cell, else the constant, else the default, then translated by
    /// the field's map.
    ///
    /// Borrowed from the row or the mapping: this runs for every field of every line, so it
    /// allocates only when a non-ASCII value has to be lower-cased for the map.
    fn value<'value>(&self, field: &'value BoundField) -> Cow<'value, str>
    where
        'row: 'value,
    {
        let (_, cell) = self.cell(field);
        let chosen: &'value str = if cell.is_empty() {
            field
                .value
                .as_deref()
                .or(field.default.as_deref())
                .unwrap_or("")
        } else {
            cell
        };
        let Some(map) = &field.map else {
            return Cow::Borrowed(chosen);
        };
        // Map keys were lower-cased when the mapping was bound.
        let mapped = if chosen.is_ascii() {
            map.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(chosen))
                .map(|(_, mapped)| mapped)
        } else {
            let lower = chosen.to_lowercase();
            map.binary_search_by(|(key, _)| key.as_str().cmp(&lower))
                .ok()
                .map(|index| &map[index].1)
        };
        match (mapped, &field.default) {
            (Some(mapped), _) => Cow::Borrowed(mapped.as_str()),
            (None, Some(default)) => Cow::Borrowed(default.as_str()),
            (None, None) => Cow::Borrowed(chosen),
        }
    }

    /// [`value`](Self::value) of a field the mapping may leave out; empty when it does.
    fn optional_value<'value>(&self, field: &'value Option<BoundField>) -> Cow<'value, str>
    where
        'row: 'value,
    {
        field
            .as_ref()
            .map_or(Cow::Borrowed(""), |field| self.value(field))
    }

    fn problem(&mut self, field: &BoundField, value: &str, reason: impl Into<String>) {
        let (position, _) = self.cell(field);
        self.problem_at(field, position, value, reason);
    }

    fn problem_at(
        &mut self,
        field: &BoundField,
        position: usize,
        value: &str,
        reason: impl Into<String>,
    ) {
        self.problems.push(CellProblem {
            column: field.columns.get(position).map(|index| index + 1),
            column_name: field.column_names.get(position).cloned(),
            value: value.to_string(),
            reason: reason.into(),
        });
    }

    fn date(&mut self, field: &BoundField, memo: &mut Memo<DateValue>) -> Option<DateValue> {
        let text = self.value(field);
        let pattern = field.pattern.as_ref()?;
        match memo.get(&text, |text| pattern.parse(text)) {
            Ok(value) => Some(value),
            Err(reason) => {
                let reason = if text.is_empty() {
                    "the date is missing".to_string()
                } else {
                    reason
                };
                self.problem(field, &text, reason);
                None
            }
        }
    }

    fn decimal(&mut self, field: &BoundField, style: NumberStyle, what: &str) -> Option<Decimal> {
        if field.sum {
            return self.sum(field, style, what);
        }
        let (position, cell) = self.cell(field);
        // The usual case, a cell without a map: no second look for the value.
        let text = if cell.is_empty() || field.map.is_some() {
            self.value(field)
        } else {
            Cow::Borrowed(cell)
        };
        if text.is_empty() {
            self.problem(field, &text, format!("the {what} is missing"));
            return None;
        }
        self.parse_decimal(field, position, &text, style)
    }

    fn parse_decimal(
        &mut self,
        field: &BoundField,
        position: usize,
        text: &str,
        style: NumberStyle,
    ) -> Option<Decimal> {
        match Decimal::parse_bytes(text.as_bytes(), style) {
            Ok(value) => Some(value),
            Err(error) => {
                let reason = error.to_string();
                // The message already quotes the text; keep the reason after the colon.
                let reason = reason
                    .split_once(": ")
                    .map_or(reason.as_str(), |(_, after)| after)
                    .to_string();
                self.problem_at(
                    field,
                    position,
                    text,
                    format!("not a decimal number: {reason}"),
                );
                None
            }
        }
    }

    /// Adds the non-empty cells of a `sum_of` field; all empty is a missing value.
    fn sum(&mut self, field: &BoundField, style: NumberStyle, what: &str) -> Option<Decimal> {
        let mut total = Decimal::ZERO;
        let mut any = false;
        let mut all_valid = true;
        for (position, index) in field.columns.iter().enumerate() {
            let cell = self.cells.cell(*index).map_or("", trim);
            if cell.is_empty() {
                continue;
            }
            any = true;
            match self.parse_decimal(field, position, cell, style) {
                Some(value) => total += value,
                None => all_valid = false,
            }
        }
        if !any {
            self.problem(field, "", format!("the {what} is missing"));
            return None;
        }
        all_valid.then_some(total)
    }
}

/// [`str::trim`], with the usual cell (starting and ending with a visible ASCII character)
/// returned as it is without looking at characters: this runs for every cell read.
#[inline]
fn trim(cell: &str) -> &str {
    match cell.as_bytes() {
        [first, .., last] if (b'!'..=b'~').contains(first) && (b'!'..=b'~').contains(last) => cell,
        [only] if (b'!'..=b'~').contains(only) => cell,
        _ => cell.trim(),
    }
}

fn condition_holds<C: Cells + ?Sized>(conditions: &[BoundCondition], cells: &C) -> bool {
    conditions.iter().any(|condition| {
        let cell = cells.cell(condition.column).map_or("", trim);
        condition
            .values
            .iter()
            .any(|value| cell.eq_ignore_ascii_case(value))
    })
}

impl BoundMapping {
    /// Converts one row. `line_number` is the row's line in the decoded text.
    pub fn convert(&self, cells: &[&str], line_number: u64) -> RowOutcome {
        let mut state = RowState::default();
        match self.convert_into(cells, line_number, &mut state) {
            Conversion::Line(_) => {}
            Conversion::Skipped => return RowOutcome::Skipped,
            Conversion::Rejected(problems) => return RowOutcome::Rejected(problems),
        }
        state
            .line
            .map_or(RowOutcome::Skipped, |line| RowOutcome::Line(Box::new(line)))
    }

    /// Converts one row of a stream of rows; `state` carries what the previous rows leave
    /// for the next (see [`RowState`]), so that streaming a report allocates next to nothing.
    pub fn convert_into<'state, C: Cells + ?Sized>(
        &self,
        cells: &C,
        line_number: u64,
        state: &'state mut RowState,
    ) -> Conversion<'state> {
        let all_empty = (0..cells.count())
            .all(|index| cells.cell(index).is_none_or(|cell| trim(cell).is_empty()));
        if all_empty || condition_holds(&self.skip_rows_where, cells) {
            return Conversion::Skipped;
        }
        let mut row = RowReader {
            cells,
            problems: Vec::new(),
        };
        let (sale_start, sale_end) = match (&self.sale_period, &self.sale_start, &self.sale_end) {
            (_, Some(start), Some(end)) => (
                row.date(start, &mut state.sale_start)
                    .map(DateValue::first_day),
                row.date(end, &mut state.sale_end).map(DateValue::last_day),
            ),
            (Some(period), _, _) => {
                let value = row.date(period, &mut state.sale_period);
                (
                    value.map(DateValue::first_day),
                    value.map(DateValue::last_day),
                )
            }
            _ => (None, None),
        };
        let reporting_month: Option<Month> = self.reporting_month.as_ref().and_then(|field| {
            if row.value(field).is_empty() {
                None
            } else {
                row.date(field, &mut state.reporting_month)
                    .map(DateValue::month)
            }
        });
        let service = row.value(&self.service);
        if service.is_empty() {
            row.problem(&self.service, "", "the service (store) is missing");
        }
        let territory_text = row.value(&self.territory);
        let territory = match state.territory(&territory_text) {
            Ok(territory) => Some(territory),
            Err(error) => {
                row.problem(&self.territory, &territory_text, error.to_string());
                None
            }
        };
        let usage = match row.value(&self.usage).as_ref() {
            "stream" => Some(UsageType::Stream),
            "download" => Some(UsageType::Download),
            "physical" => Some(UsageType::Physical),
            "ugc" => Some(UsageType::Ugc),
            "other" => Some(UsageType::Other),
            unknown => {
                let unknown = unknown.to_string();
                row.problem(
                    &self.usage,
                    &unknown,
                    "unknown usage type: add it to the mapping's usage map",
                );
                None
            }
        };
        let tier = match self.tier.as_ref().map(|field| row.value(field)) {
            None => Tier::Other,
            Some(text) => match text.as_ref() {
                "premium" => Tier::Premium,
                "ad-supported" => Tier::AdSupported,
                "trial" => Tier::Trial,
                _ => Tier::Other,
            },
        };
        let reported_upc = row.optional_value(&self.upc);
        let upc = if reported_upc.is_empty() {
            None
        } else {
            let previous = state.line.as_mut().and_then(|line| line.upc.take());
            match state.upc.get_reusing(&reported_upc, Icpn::parse, previous) {
                Ok(upc) => Some(upc),
                Err(error) => {
                    if let Some(field) = &self.upc {
                        row.problem(field, &reported_upc, error.to_string());
                    }
                    None
                }
            }
        };
        let reported_isrc = row.optional_value(&self.isrc);
        let isrc = if reported_isrc.is_empty() {
            None
        } else {
            let previous = state.line.as_mut().and_then(|line| line.isrc.take());
            match state.isrc.get_reusing(&reported_isrc, Isrc::parse, previous) {
                Ok(isrc) => Some(isrc),
                Err(error) => {
                    if let Some(field) = &self.isrc {
                        row.problem(field, &reported_isrc, error.to_string());
                    }
                    None
                }
            }
        };
        let units = match &self.units {
            None => Some(0),
            Some(field) => row
                .decimal(field, self.number_style, "quantity")
                .and_then(|value| {
                    match value
                        .to_units(0)
                        .and_then(|units| i64::try_from(units).ok())
                    {
                        Some(units) => Some(units),
                        None => {
                            row.problem(
                                field,
                                &value.to_string(),
                                "a quantity must be a whole number",
                            );
                            None
                        }
                    }
                }),
        };
        let gross = match &self.gross {
            Some(field) if !row.value(field).is_empty() => {
                row.decimal(field, self.number_style, "gross amount")
            }
            _ => None,
        };
        let net = row.decimal(&self.net, self.number_style, "net amount");
        let currency_text = row.value(&self.currency);
        let currency = match state.currency(&currency_text) {
            Ok(currency) => Some(currency),
            Err(error) => {
                row.problem(&self.currency, &currency_text, error.to_string());
                None
            }
        };
        let original_currency = match &self.original_currency {
            Some(field) if !row.value(field).is_empty() => {
                let text = row.value(field);
                match state.currency(&text) {
                    Ok(currency) => Some(currency),
                    Err(error) => {
                        row.problem(field, &text, error.to_string());
                        None
                    }
                }
            }
            _ => None,
        };
        let fx_rate = match &self.fx_rate {
            Some(field) if !row.value(field).is_empty() => {
                row.decimal(field, self.number_style, "exchange rate")
            }
            _ => None,
        };
        let (
            Some(sale_start),
            Some(sale_end),
            Some(territory),
            Some(usage),
            Some(units),
            Some(net),
            Some(currency),
        ) = (sale_start, sale_end, territory, usage, units, net, currency)
        else {
            return Conversion::Rejected(row.problems);
        };
        if !row.problems.is_empty() {
            return Conversion::Rejected(row.problems);
        }
        let negate = condition_holds(&self.negate_rows_where, cells);
        let sign = |value: Decimal| {
            if negate && value.is_positive() {
                -value
            } else {
                value
            }
        };
        let units = if negate && units > 0 { -units } else { units };
        let buffers = TextBuffers::recycle(state.line.take());
        Conversion::Line(state.line.insert(SaleLine {
            line_number,
            sale_start,
            sale_end,
            reporting_month,
            service: refill(buffers.service, &service),
            territory,
            usage,
            tier,
            reported_upc: refill(buffers.reported_upc, &reported_upc),
            reported_isrc: refill(buffers.reported_isrc, &reported_isrc),
            upc,
            isrc,
            catalog_number: refill(
                buffers.catalog_number,
                &row.optional_value(&self.catalog_number),
            ),
            proprietary_id: refill(
                buffers.proprietary_id,
                &row.optional_value(&self.proprietary_id),
            ),
            release_title: refill(
                buffers.release_title,
                &row.optional_value(&self.release_title),
            ),
            track_title: refill(buffers.track_title, &row.optional_value(&self.track_title)),
            artist: refill(buffers.artist, &row.optional_value(&self.artist)),
            units,
            gross: gross.map(sign),
            net: sign(net),
            currency,
            original_currency,
            fx_rate,
        }))
    }
}
