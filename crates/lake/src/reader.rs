//! Reading a published import back as [`SaleLine`]s, every field exactly as written.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int64Type, UInt64Type};
use arrow_array::{Array, Date32Array, Decimal128Array, RecordBatch, StringArray};
use arrow_schema::{DataType, SchemaRef};
use ledgerline_formats::{SaleLine, TextBuffers};
use ledgerline_model::{Icpn, Isrc, Territory};
use ledgerline_money::{Currency, Decimal};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::error::LakeError;
use crate::layout::{check_import_key, import_path};
use crate::schema::{
    column, days_to_date, days_to_month, lake_schema, parse_tier, parse_usage, IMPORT_KEY_KEY,
};
use crate::writer::part_file_name;

/// Rows decoded at a time; bounds the reader's memory.
const READ_BATCH_ROWS: usize = 8 * 1024;

/// The part files of a published import, in order. Refuses a folder whose parts are not
/// numbered `part-00000.parquet`, `part-00001.parquet`, … without a gap.
pub fn import_parts(lake_root: &Path, import_key: &str) -> Result<Vec<PathBuf>, LakeError> {
    check_import_key(lake_root, import_key)?;
    let folder = import_path(lake_root, import_key);
    let listing = match std::fs::read_dir(&folder) {
        Ok(listing) => listing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(LakeError::NotFound {
                import_key: import_key.to_string(),
                path: folder,
            });
        }
        Err(error) => return Err(LakeError::io("list folder", &folder)(error)),
    };
    let mut names = Vec::new();
    for entry in listing {
        let entry = entry.map_err(LakeError::io("list folder", &folder))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("part-") && name.ends_with(".parquet") {
            names.push(name);
        }
    }
    names.sort();
    let mut parts = Vec::with_capacity(names.len());
    for (index, name) in names.into_iter().enumerate() {
        if name != part_file_name(index) {
            return Err(LakeError::Invalid {
                path: folder.join(&name),
                reason: format!(
                    "expected {} here: a part is missing or misnamed",
                    part_file_name(index)
                ),
            });
        }
        parts.push(folder.join(name));
    }
    if parts.is_empty() {
        return Err(LakeError::Invalid {
            path: folder,
            reason: "the import holds no part file".to_string(),
        });
    }
    Ok(parts)
}

/// Number of lines in a published import, from the files' footers (no data is read).
pub fn import_row_count(lake_root: &Path, import_key: &str) -> Result<u64, LakeError> {
    let mut total: u64 = 0;
    for part in import_parts(lake_root, import_key)? {
        let file = File::open(&part).map_err(LakeError::io("open", &part))?;
        let reader = SerializedFileReader::new(file)
            .map_err(LakeError::parquet("reading the footer of", &part))?;
        let rows = reader.metadata().file_metadata().num_rows();
        let rows = u64::try_from(rows).map_err(|_| LakeError::Invalid {
            path: part.clone(),
            reason: format!("the footer gives a negative row count {rows}"),
        })?;
        total = total.saturating_add(rows);
    }
    Ok(total)
}

/// Reads a published import line by line, in the order it was written.
///
/// Files are opened and validated as the iteration reaches them; a problem (I/O, a foreign
/// schema, an invalid value) is yielded as an error, after which the iteration ends.
pub fn read_import(lake_root: &Path, import_key: &str) -> Result<ImportReader, LakeError> {
    let parts = import_parts(lake_root, import_key)?;
    Ok(ImportReader {
        parts: parts.into_iter(),
        current: None,
        buffered: Vec::new().into_iter(),
        expected: lake_schema(),
        import_key: import_key.to_string(),
        done: false,
    })
}

/// Iterator over the lines of one import; see [`read_import`]. Holds at most one decoded batch.
pub struct ImportReader {
    parts: std::vec::IntoIter<PathBuf>,
    current: Option<OpenPart>,
    buffered: std::vec::IntoIter<SaleLine>,
    expected: SchemaRef,
    import_key: String,
    done: bool,
}

struct OpenPart {
    path: PathBuf,
    batches: ParquetRecordBatchReader,
    rows_read: u64,
}

impl std::fmt::Debug for ImportReader {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ImportReader")
            .field("current", &self.current.as_ref().map(|part| &part.path))
            .field("parts_left", &self.parts.len())
            .finish_non_exhaustive()
    }
}

impl ImportReader {
    /// The next decoded batch, with the file it is from and the row of that file its first line
    /// is; `Ok(None)` at the end of the import.
    fn next_batch(&mut self) -> Result<Option<(RecordBatch, PathBuf, u64)>, LakeError> {
        loop {
            let part = match self.current.as_mut() {
                Some(part) => part,
                None => match self.parts.next() {
                    Some(path) => self
                        .current
                        .insert(open_part(path, &self.expected, &self.import_key)?),
                    None => return Ok(None),
                },
            };
            match part.batches.next() {
                Some(Ok(batch)) => {
                    let first_row = part.rows_read;
                    part.rows_read += u64::try_from(batch.num_rows()).unwrap_or(u64::MAX);
                    return Ok(Some((batch, part.path.clone(), first_row)));
                }
                Some(Err(source)) => {
                    return Err(LakeError::Arrow {
                        action: "reading",
                        path: part.path.clone(),
                        source,
                    });
                }
                None => self.current = None,
            }
        }
    }

    /// Decodes the next batch into `buffered`; `Ok(false)` at the end of the import.
    fn fill(&mut self) -> Result<bool, LakeError> {
        let Some((batch, path, first_row)) = self.next_batch()? else {
            return Ok(false);
        };
        self.buffered = batch_to_lines(&batch, &path, first_row)?.into_iter();
        Ok(true)
    }

    /// Hands every remaining line to `visit`, in order, each in the same reused line (no
    /// allocation per line, unlike iterating): for reading a whole import when the lines are
    /// not kept. Stops at the first problem, as iterating does.
    pub fn for_each_line(mut self, mut visit: impl FnMut(&SaleLine)) -> Result<(), LakeError> {
        for line in self.buffered.by_ref() {
            visit(&line);
        }
        let mut recycled = None;
        while let Some((batch, path, first_row)) = self.next_batch()? {
            let columns = BatchColumns::new(&batch, &path, first_row)?;
            for row in 0..batch.num_rows() {
                let line = columns.line(row, recycled.take())?;
                visit(&line);
                recycled = Some(line);
            }
        }
        Ok(())
    }
}

impl Iterator for ImportReader {
    type Item = Result<SaleLine, LakeError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(line) = self.buffered.next() {
                return Some(Ok(line));
            }
            if self.done {
                return None;
            }
            match self.fill() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(error) => {
                    self.done = true;
                    self.current = None;
                    return Some(Err(error));
                }
            }
        }
    }
}

impl std::iter::FusedIterator for ImportReader {}

fn open_part(path: PathBuf, expected: &SchemaRef, import_key: &str) -> Result<OpenPart, LakeError> {
    let file = File::open(&path).map_err(LakeError::io("open", &path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(LakeError::parquet("reading the footer of", &path))?;
    // A part copied into the wrong import folder would be read as the wrong report.
    let recorded_key = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|pairs| pairs.iter().find(|pair| pair.key == IMPORT_KEY_KEY))
        .and_then(|pair| pair.value.clone());
    if let Some(recorded_key) = recorded_key {
        if recorded_key != import_key {
            return Err(LakeError::Invalid {
                path,
                reason: format!("the file belongs to import {recorded_key}, not {import_key}"),
            });
        }
    }
    let found = builder.schema();
    for field in expected.fields() {
        match found.field_with_name(field.name()) {
            Ok(found_field) if found_field.data_type() == field.data_type() => {}
            Ok(found_field) => {
                return Err(LakeError::Invalid {
                    path,
                    reason: format!(
                        "column {} is {}, expected {}",
                        field.name(),
                        found_field.data_type(),
                        field.data_type()
                    ),
                });
            }
            Err(_) => {
                return Err(LakeError::Invalid {
                    path,
                    reason: format!("column {} is missing", field.name()),
                });
            }
        }
    }
    let batches = builder
        .with_batch_size(READ_BATCH_ROWS)
        .build()
        .map_err(LakeError::parquet("starting to read", &path))?;
    Ok(OpenPart {
        path,
        batches,
        rows_read: 0,
    })
}

/// The last value converted from one column: report lines repeat dates, territories and
/// currencies row after row, and their validating constructors are not free.
struct Memo<K, V> {
    last: std::cell::RefCell<Option<(K, V)>>,
}

impl<K: PartialEq + Clone, V: Clone> Memo<K, V> {
    fn new() -> Memo<K, V> {
        Memo {
            last: std::cell::RefCell::new(None),
        }
    }

    fn get<E>(&self, key: K, convert: impl FnOnce(&K) -> Result<V, E>) -> Result<V, E> {
        if let Some((last_key, value)) = self.last.borrow().as_ref() {
            if *last_key == key {
                return Ok(value.clone());
            }
        }
        let value = convert(&key)?;
        *self.last.borrow_mut() = Some((key, value.clone()));
        Ok(value)
    }
}

/// The typed columns of one batch, looked up by name.
struct BatchColumns<'a> {
    path: &'a Path,
    first_row: u64,
    sale_start_memo: Memo<i32, ledgerline_model::Date>,
    sale_end_memo: Memo<i32, ledgerline_model::Date>,
    month_memo: Memo<i32, ledgerline_model::Month>,
    territory_memo: Memo<&'a str, Territory>,
    currency_memo: Memo<&'a str, Currency>,
    /// Apart from `currency_memo`: a line's two currencies differ, and one memo would miss on
    /// each.
    original_currency_memo: Memo<&'a str, Currency>,
    upc_memo: Memo<&'a str, Icpn>,
    isrc_memo: Memo<&'a str, Isrc>,
    line_number: &'a arrow_array::UInt64Array,
    sale_start: &'a Date32Array,
    sale_end: &'a Date32Array,
    reporting_month: &'a Date32Array,
    service: &'a StringArray,
    territory: &'a StringArray,
    usage: &'a StringArray,
    tier: &'a StringArray,
    reported_upc: &'a StringArray,
    reported_isrc: &'a StringArray,
    upc: &'a StringArray,
    isrc: &'a StringArray,
    catalog_number: &'a StringArray,
    proprietary_id: &'a StringArray,
    release_title: &'a StringArray,
    track_title: &'a StringArray,
    artist: &'a StringArray,
    units: &'a arrow_array::Int64Array,
    gross: &'a Decimal128Array,
    net: &'a Decimal128Array,
    currency: &'a StringArray,
    original_currency: &'a StringArray,
    fx_rate: &'a Decimal128Array,
}

fn typed<'a, T: 'a>(
    batch: &'a RecordBatch,
    path: &Path,
    name: &str,
    cast: impl FnOnce(&'a dyn Array) -> Option<&'a T>,
) -> Result<&'a T, LakeError> {
    let array = batch
        .column_by_name(name)
        .ok_or_else(|| LakeError::Invalid {
            path: path.to_path_buf(),
            reason: format!("column {name} is missing"),
        })?;
    let found_type: &DataType = array.data_type();
    cast(array.as_ref()).ok_or_else(|| LakeError::Invalid {
        path: path.to_path_buf(),
        reason: format!("column {name} has type {found_type}"),
    })
}

fn strings<'a>(
    batch: &'a RecordBatch,
    path: &Path,
    name: &str,
) -> Result<&'a StringArray, LakeError> {
    typed(batch, path, name, |array| array.as_string_opt::<i32>())
}

fn dates<'a>(
    batch: &'a RecordBatch,
    path: &Path,
    name: &str,
) -> Result<&'a Date32Array, LakeError> {
    typed(batch, path, name, |array| {
        array.as_primitive_opt::<Date32Type>()
    })
}

fn money<'a>(
    batch: &'a RecordBatch,
    path: &Path,
    name: &str,
) -> Result<&'a Decimal128Array, LakeError> {
    typed(batch, path, name, |array| {
        array.as_primitive_opt::<Decimal128Type>()
    })
}

impl<'a> BatchColumns<'a> {
    fn new(
        batch: &'a RecordBatch,
        path: &'a Path,
        first_row: u64,
    ) -> Result<BatchColumns<'a>, LakeError> {
        use column::*;
        Ok(BatchColumns {
            path,
            first_row,
            sale_start_memo: Memo::new(),
            sale_end_memo: Memo::new(),
            month_memo: Memo::new(),
            territory_memo: Memo::new(),
            currency_memo: Memo::new(),
            original_currency_memo: Memo::new(),
            upc_memo: Memo::new(),
            isrc_memo: Memo::new(),
            line_number: typed(batch, path, LINE_NUMBER, |array| {
                array.as_primitive_opt::<UInt64Type>()
            })?,
            sale_start: dates(batch, path, SALE_START)?,
            sale_end: dates(batch, path, SALE_END)?,
            reporting_month: dates(batch, path, REPORTING_MONTH)?,
            service: strings(batch, path, SERVICE)?,
            territory: strings(batch, path, TERRITORY)?,
            usage: strings(batch, path, USAGE)?,
            tier: strings(batch, path, TIER)?,
            reported_upc: strings(batch, path, REPORTED_UPC)?,
            reported_isrc: strings(batch, path, REPORTED_ISRC)?,
            upc: strings(batch, path, UPC)?,
            isrc: strings(batch, path, ISRC)?,
            catalog_number: strings(batch, path, CATALOG_NUMBER)?,
            proprietary_id: strings(batch, path, PROPRIETARY_ID)?,
            release_title: strings(batch, path, RELEASE_TITLE)?,
            track_title: strings(batch, path, TRACK_TITLE)?,
            artist: strings(batch, path, ARTIST)?,
            units: typed(batch, path, UNITS, |array| {
                array.as_primitive_opt::<Int64Type>()
            })?,
            gross: money(batch, path, GROSS)?,
            net: money(batch, path, NET)?,
            currency: strings(batch, path, CURRENCY)?,
            original_currency: strings(batch, path, ORIGINAL_CURRENCY)?,
            fx_rate: money(batch, path, FX_RATE)?,
        })
    }

    fn invalid(&self, row: usize, name: &str, reason: impl std::fmt::Display) -> LakeError {
        let row = self
            .first_row
            .saturating_add(u64::try_from(row).unwrap_or(u64::MAX));
        LakeError::Invalid {
            path: self.path.to_path_buf(),
            reason: format!("row {row} (counting from 0), column {name}: {reason}"),
        }
    }

    fn required<'s, T>(&self, array: &'s T, row: usize, name: &str) -> Result<(), LakeError>
    where
        T: Array + 's,
    {
        if array.is_null(row) {
            Err(self.invalid(row, name, "null where a value is required"))
        } else {
            Ok(())
        }
    }

    /// The cell's text in `buffer` (a previous line's, emptied), so that reading lines one
    /// after another does not allocate a string per cell.
    fn text(
        &self,
        mut buffer: String,
        array: &StringArray,
        row: usize,
        name: &str,
    ) -> Result<String, LakeError> {
        self.required(array, row, name)?;
        buffer.clear();
        buffer.push_str(array.value(row));
        Ok(buffer)
    }

    fn optional_text<'s>(&self, array: &'s StringArray, row: usize) -> Option<&'s str> {
        (!array.is_null(row)).then(|| array.value(row))
    }

    fn date(
        &self,
        array: &Date32Array,
        memo: &Memo<i32, ledgerline_model::Date>,
        row: usize,
        name: &str,
    ) -> Result<ledgerline_model::Date, LakeError> {
        self.required(array, row, name)?;
        memo.get(array.value(row), |days| days_to_date(*days))
            .map_err(|reason| self.invalid(row, name, reason))
    }

    fn decimal(&self, array: &Decimal128Array, row: usize) -> Option<Decimal> {
        (!array.is_null(row)).then(|| Decimal::from_scaled(array.value(row)))
    }

    fn currency(
        &self,
        memo: &Memo<&'a str, Currency>,
        text: &'a str,
        row: usize,
        name: &str,
    ) -> Result<Currency, LakeError> {
        memo.get(text, |text| Currency::parse(text))
            .map_err(|error| self.invalid(row, name, error))
    }

    /// The line of `row`; `recycled` (a line read before) lends its text buffers.
    fn line(&self, row: usize, recycled: Option<SaleLine>) -> Result<SaleLine, LakeError> {
        use column::*;
        let buffers = TextBuffers::recycle(recycled);
        self.required(self.line_number, row, LINE_NUMBER)?;
        self.required(self.units, row, UNITS)?;
        let reporting_month = if self.reporting_month.is_null(row) {
            None
        } else {
            Some(
                self.month_memo
                    .get(self.reporting_month.value(row), |days| days_to_month(*days))
                    .map_err(|reason| self.invalid(row, REPORTING_MONTH, reason))?,
            )
        };
        self.required(self.territory, row, TERRITORY)?;
        let territory = self
            .territory_memo
            .get(self.territory.value(row), |text| Territory::parse(text))
            .map_err(|error| self.invalid(row, TERRITORY, error))?;
        self.required(self.usage, row, USAGE)?;
        let usage_text = self.usage.value(row);
        let usage = parse_usage(usage_text).ok_or_else(|| {
            self.invalid(row, USAGE, format!("unknown usage type \"{usage_text}\""))
        })?;
        self.required(self.tier, row, TIER)?;
        let tier_text = self.tier.value(row);
        let tier = parse_tier(tier_text)
            .ok_or_else(|| self.invalid(row, TIER, format!("unknown tier \"{tier_text}\"")))?;
        let upc = match self.optional_text(self.upc, row) {
            Some(text) => Some(
                self.upc_memo
                    .get(text, |text| Icpn::parse(text))
                    .map_err(|error| self.invalid(row, UPC, error))?,
            ),
            None => None,
        };
        let isrc = match self.optional_text(self.isrc, row) {
            Some(text) => Some(
                self.isrc_memo
                    .get(text, |text| Isrc::parse(text))
                    .map_err(|error| self.invalid(row, ISRC, error))?,
            ),
            None => None,
        };
        self.required(self.net, row, NET)?;
        self.required(self.currency, row, CURRENCY)?;
        let currency = self.currency(&self.currency_memo, self.currency.value(row), row, CURRENCY)?;
        let original_currency = match self.optional_text(self.original_currency, row) {
            Some(text) => Some(self.currency(
                &self.original_currency_memo,
                text,
                row,
                ORIGINAL_CURRENCY,
            )?),
            None => None,
        };
        Ok(SaleLine {
            line_number: self.line_number.value(row),
            sale_start: self.date(self.sale_start, &self.sale_start_memo, row, SALE_START)?,
            sale_end: self.date(self.sale_end, &self.sale_end_memo, row, SALE_END)?,
            reporting_month,
            service: self.text(buffers.service, self.service, row, SERVICE)?,
            territory,
            usage,
            tier,
            reported_upc: self.text(buffers.reported_upc, self.reported_upc, row, REPORTED_UPC)?,
            reported_isrc: self.text(buffers.reported_isrc, self.reported_isrc, row, REPORTED_ISRC)?,
            upc,
            isrc,
            catalog_number: self.text(buffers.catalog_number, self.catalog_number, row, CATALOG_NUMBER)?,
            proprietary_id: self.text(buffers.proprietary_id, self.proprietary_id, row, PROPRIETARY_ID)?,
            release_title: self.text(buffers.release_title, self.release_title, row, RELEASE_TITLE)?,
            track_title: self.text(buffers.track_title, self.track_title, row, TRACK_TITLE)?,
            artist: self.text(buffers.artist, self.artist, row, ARTIST)?,
            units: self.units.value(row),
            gross: self.decimal(self.gross, row),
            net: Decimal::from_scaled(self.net.value(row)),
            currency,
            original_currency,
            fx_rate: self.decimal(self.fx_rate, row),
        })
    }
}

fn batch_to_lines(
    batch: &RecordBatch,
    path: &Path,
    first_row: u64,
) -> Result<Vec<SaleLine>, LakeError> {
    let columns = BatchColumns::new(batch, path, first_row)?;
    (0..batch.num_rows())
        .map(|row| columns.line(row, None))
        .collect()
}
