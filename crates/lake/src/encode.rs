//! The lake's own column encoding: lines go straight from [`SaleLine`]s into dictionary-coded
//! columns, and row groups are written as Parquet pages without Arrow arrays in between.
//!
//! Why: the lake's text columns repeat. A report lists a track's sales together, so titles,
//! identifiers and artists are the same as the line before on almost every line, and services,
//! territories, tiers and currencies come from a few dozen values. Going through Arrow copied
//! every value into a string array and Parquet's dictionary encoder then hashed every value
//! again: together 45% of an import's CPU time. Here a value equal to the one before costs one
//! comparison, another value one hash lookup, and only new values are copied.
//!
//! The files are ordinary Parquet, the same schema and encodings as before (dictionary pages
//! for text, plain for amounts, `DELTA_BINARY_PACKED` line numbers, zstd), read by any reader:
//! - text: a `PLAIN` dictionary page and one v1 data page of `RLE_DICTIONARY` indices
//!   (definition levels first when the column is nullable), per column chunk;
//! - amounts: one v1 data page of `PLAIN` 16-byte big-endian decimals;
//! - line numbers, dates and units: Parquet's own column writers (cheap for numbers, and they
//!   keep those columns' statistics).
//!
//! Text columns and amounts carry no min/max statistics (they would prune nothing: every row
//! group holds every service, territory and title range) and no page index.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::io::Write;
use std::ops::Range;

use bytes::Bytes;
use ledgerline_formats::SaleLine;
use ledgerline_model::text::same_bytes;
use ledgerline_money::Decimal;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::{Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::ColumnChunkMetaData;
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;

use crate::rollup::WordHasher;
use crate::schema::{date_to_days, month_to_days};

/// The index of a null in a [`TextColumn`].
const NULL: u32 = u32::MAX;

/// Values to their index, under the roll-up's fast hash. Like the roll-up's, it is not keyed: a
/// report crafted so that many distinct values share a hash would make its own import slow
/// (never wrong). A keyed hash (ahash with a random key) cost 3–4% of an import's CPU time.
type Lookup = HashMap<Box<[u8]>, u32, BuildHasherDefault<WordHasher>>;

/// A dictionary-coded text column: the distinct values in the order first seen, and per row
/// the index of its value ([`NULL`] for none).
#[derive(Debug, Default)]
pub(crate) struct TextColumn {
    bytes: Vec<u8>,
    /// Where each value ends in `bytes`; it starts where the one before ends.
    ends: Vec<usize>,
    lookup: Lookup,
    indices: Vec<u32>,
    /// The index of the value last interned, tried first.
    last: u32,
    /// For a column of a small closed set of values ([`push_keyed`](Self::push_keyed)): the
    /// index of each value by its number, [`NULL`] for one not met yet.
    by_key: Vec<u32>,
}

impl TextColumn {
    fn new() -> TextColumn {
        TextColumn {
            last: NULL,
            ..TextColumn::default()
        }
    }

    fn value(&self, index: u32) -> &[u8] {
        let index = index as usize;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.bytes[start..self.ends[index]]
    }

    fn intern(&mut self, value: &[u8]) -> u32 {
        if self.last != NULL && same_bytes(self.value(self.last), value) {
            return self.last;
        }
        let index = match self.lookup.get(value) {
            Some(&index) => index,
            None => {
                let index = u32::try_from(self.ends.len()).expect("fewer than 2^32 values");
                self.bytes.extend_from_slice(value);
                self.ends.push(self.bytes.len());
                self.lookup.insert(value.into(), index);
                index
            }
        };
        self.last = index;
        index
    }

    fn push(&mut self, value: &str) {
        let index = self.intern(value.as_bytes());
        self.indices.push(index);
    }

    /// [`push`](Self::push) for a value of a small closed set that has the number `key`
    /// (an enum's variant, a two-letter code): found by the number, not by hashing the text.
    fn push_keyed(&mut self, key: usize, value: &str) {
        let index = match self.by_key.get(key) {
            Some(&index) if index != NULL => index,
            _ => {
                let index = self.intern(value.as_bytes());
                if self.by_key.len() <= key {
                    self.by_key.resize(key + 1, NULL);
                }
                self.by_key[key] = index;
                index
            }
        };
        self.indices.push(index);
    }

    fn push_option(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.push(value),
            None => self.indices.push(NULL),
        }
    }

    /// Appends rows `range` of `other`, re-coded into this column's dictionary; `remap` is
    /// scratch space (other's index to ours, filled as values are met).
    fn append(&mut self, other: &TextColumn, range: Range<usize>, remap: &mut Vec<u32>) {
        remap.clear();
        remap.resize(other.ends.len(), NULL);
        self.indices.reserve(range.len());
        for &theirs in &other.indices[range] {
            if theirs == NULL {
                self.indices.push(NULL);
                continue;
            }
            let mut ours = remap[theirs as usize];
            if ours == NULL {
                ours = self.intern(other.value(theirs));
                remap[theirs as usize] = ours;
            }
            self.indices.push(ours);
        }
    }

    /// Memory held for the values (twice: in `bytes` and as the lookup's keys), their ends
    /// and lookup entries, and the indices.
    fn bytes_held(&self) -> usize {
        2 * self.bytes.len() + self.ends.len() * (8 + 24 + 16) + self.indices.len() * 4
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.lookup.clear();
        self.indices.clear();
        self.last = NULL;
        self.by_key.clear();
    }
}

/// Lines in columns, in schema order ([`crate::lake_schema`]): what a batch of lines becomes
/// on the thread that read them, and what a row group gathers before it is written.
#[derive(Debug)]
pub(crate) struct Columns {
    line_number: Vec<i64>,
    sale_start: Vec<i32>,
    sale_end: Vec<i32>,
    reporting_month: Vec<Option<i32>>,
    /// service, territory, usage, tier, reported_upc, reported_isrc, upc, isrc,
    /// catalog_number, proprietary_id, release_title, track_title, artist
    text: [TextColumn; 13],
    units: Vec<i64>,
    gross: Vec<Option<i128>>,
    net: Vec<i128>,
    /// currency, original_currency
    currencies: [TextColumn; 2],
    fx_rate: Vec<Option<i128>>,
    /// Text bytes of the lines, as counted by the caller (for the batch size bound).
    pub(crate) text_bytes: usize,
}

impl Columns {
    pub(crate) fn new(capacity: usize) -> Columns {
        Columns {
            line_number: Vec::with_capacity(capacity),
            sale_start: Vec::with_capacity(capacity),
            sale_end: Vec::with_capacity(capacity),
            reporting_month: Vec::with_capacity(capacity),
            text: std::array::from_fn(|_| TextColumn::new()),
            units: Vec::with_capacity(capacity),
            gross: Vec::with_capacity(capacity),
            net: Vec::with_capacity(capacity),
            currencies: std::array::from_fn(|_| TextColumn::new()),
            fx_rate: Vec::with_capacity(capacity),
            text_bytes: 0,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.line_number.len()
    }

    pub(crate) fn append_line(&mut self, line: &SaleLine, text_bytes: usize) {
        self.line_number.push(line.line_number as i64);
        self.sale_start.push(date_to_days(line.sale_start));
        self.sale_end.push(date_to_days(line.sale_end));
        self.reporting_month
            .push(line.reporting_month.map(month_to_days));
        let [service, territory, usage, tier, reported_upc, reported_isrc, upc, isrc, catalog_number, proprietary_id, release_title, track_title, artist] =
            &mut self.text;
        service.push(&line.service);
        let code = line.territory.alpha2();
        match code.as_bytes() {
            &[first @ b'A'..=b'Z', second @ b'A'..=b'Z'] => territory.push_keyed(
                usize::from(first - b'A') * 26 + usize::from(second - b'A'),
                code,
            ),
            _ => territory.push(code),
        }
        usage.push_keyed(line.usage as usize, line.usage.name());
        tier.push_keyed(line.tier as usize, line.tier.name());
        reported_upc.push(&line.reported_upc);
        reported_isrc.push(&line.reported_isrc);
        upc.push_option(line.upc.as_ref().map(|upc| upc.as_str()));
        isrc.push_option(line.isrc.as_ref().map(|isrc| isrc.as_str()));
        catalog_number.push(&line.catalog_number);
        proprietary_id.push(&line.proprietary_id);
        release_title.push(&line.release_title);
        track_title.push(&line.track_title);
        artist.push(&line.artist);
        self.units.push(line.units);
        self.gross.push(line.gross.map(Decimal::scaled));
        self.net.push(line.net.scaled());
        let [currency, original_currency] = &mut self.currencies;
        currency.push(line.currency.code());
        original_currency.push_option(line.original_currency.as_ref().map(|currency| currency.code()));
        self.fx_rate.push(line.fx_rate.map(Decimal::scaled));
        self.text_bytes += text_bytes;
    }

    /// Appends rows `range` of `other`.
    pub(crate) fn append(&mut self, other: &Columns, range: Range<usize>, remap: &mut Vec<u32>) {
        let (start, end) = (range.start, range.end);
        self.line_number.extend_from_slice(&other.line_number[start..end]);
        self.sale_start.extend_from_slice(&other.sale_start[start..end]);
        self.sale_end.extend_from_slice(&other.sale_end[start..end]);
        self.reporting_month
            .extend_from_slice(&other.reporting_month[start..end]);
        for (ours, theirs) in self.text.iter_mut().zip(&other.text) {
            ours.append(theirs, start..end, remap);
        }
        self.units.extend_from_slice(&other.units[start..end]);
        self.gross.extend_from_slice(&other.gross[start..end]);
        self.net.extend_from_slice(&other.net[start..end]);
        for (ours, theirs) in self.currencies.iter_mut().zip(&other.currencies) {
            ours.append(theirs, start..end, remap);
        }
        self.fx_rate.extend_from_slice(&other.fx_rate[start..end]);
    }

    /// Memory held, roughly: what bounds a row group's size.
    pub(crate) fn bytes_held(&self) -> usize {
        let rows = self.rows();
        rows * (8 + 4 + 4 + 8 + 8 + 16 + 2 * std::mem::size_of::<Option<i128>>())
            + self.text.iter().map(TextColumn::bytes_held).sum::<usize>()
            + self.currencies.iter().map(TextColumn::bytes_held).sum::<usize>()
    }

    pub(crate) fn clear(&mut self) {
        self.line_number.clear();
        self.sale_start.clear();
        self.sale_end.clear();
        self.reporting_month.clear();
        self.text.iter_mut().for_each(TextColumn::clear);
        self.units.clear();
        self.gross.clear();
        self.net.clear();
        self.currencies.iter_mut().for_each(TextColumn::clear);
        self.fx_rate.clear();
        self.text_bytes = 0;
    }

    /// Writes the rows as one row group of `file`, whose schema is the lake's.
    pub(crate) fn write_row_group<W: Write + Send>(
        &self,
        file: &mut SerializedFileWriter<W>,
        pages: &mut PageEncoder,
    ) -> Result<(), ParquetError> {
        let columns: Vec<ColumnDescPtr> = file.schema_descr().columns().to_vec();
        let mut row_group = file.next_row_group()?;
        let mut column = 0;
        let mut next = || {
            column += 1;
            columns[column - 1].clone()
        };
        let rows = self.rows();
        // Numbers through Parquet's own writers.
        macro_rules! numbers {
            ($kind:ty, $values:expr, $levels:expr) => {{
                next();
                let mut writer = row_group
                    .next_column()?
                    .ok_or_else(|| ParquetError::General("the lake schema has fewer columns".into()))?;
                writer.typed::<$kind>().write_batch($values, $levels, None)?;
                writer.close()?;
            }};
        }
        numbers!(Int64Type, &self.line_number, None);
        numbers!(Int32Type, &self.sale_start, None);
        numbers!(Int32Type, &self.sale_end, None);
        let months: Vec<i32> = self.reporting_month.iter().flatten().copied().collect();
        let levels: Vec<i16> = self
            .reporting_month
            .iter()
            .map(|month| i16::from(month.is_some()))
            .collect();
        numbers!(Int32Type, &months, Some(&levels));
        for text in &self.text {
            let (bytes, close) = pages.text_chunk(next(), text, rows)?;
            row_group.append_column(&bytes, close)?;
        }
        numbers!(Int64Type, &self.units, None);
        for amounts in [
            AmountsRef::Optional(&self.gross),
            AmountsRef::Required(&self.net),
        ] {
            let (bytes, close) = pages.amount_chunk(next(), amounts, rows)?;
            row_group.append_column(&bytes, close)?;
        }
        for text in &self.currencies {
            let (bytes, close) = pages.text_chunk(next(), text, rows)?;
            row_group.append_column(&bytes, close)?;
        }
        let (bytes, close) = pages.amount_chunk(next(), AmountsRef::Optional(&self.fx_rate), rows)?;
        row_group.append_column(&bytes, close)?;
        row_group.close()?;
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum AmountsRef<'a> {
    Required(&'a [i128]),
    Optional(&'a [Option<i128>]),
}

/// Encodes column chunks of text and amounts into pages, zstd-compressed; keeps its buffers
/// and compressor from chunk to chunk.
pub(crate) struct PageEncoder {
    compressor: zstd::bulk::Compressor<'static>,
    level: i32,
    plain: Vec<u8>,
    values: Vec<u32>,
    levels: Vec<u32>,
}

impl std::fmt::Debug for PageEncoder {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("PageEncoder").field("level", &self.level).finish()
    }
}

impl PageEncoder {
    pub(crate) fn new(level: i32) -> Result<PageEncoder, ParquetError> {
        Ok(PageEncoder {
            compressor: zstd::bulk::Compressor::new(level)
                .map_err(|error| ParquetError::External(Box::new(error)))?,
            level,
            plain: Vec::new(),
            values: Vec::new(),
            levels: Vec::new(),
        })
    }

    /// The page body in `plain`, compressed.
    fn compress_plain(&mut self) -> Result<Bytes, ParquetError> {
        let compressed = self
            .compressor
            .compress(&self.plain)
            .map_err(|error| ParquetError::External(Box::new(error)))?;
        Ok(Bytes::from(compressed))
    }

    /// `plain` := the definition levels of a nullable column (length-prefixed, as v1 data
    /// pages hold them), or nothing for a required one.
    fn start_data_page(&mut self, descr: &ColumnDescPtr, present: impl Iterator<Item = bool>) {
        self.plain.clear();
        if descr.max_def_level() > 0 {
            self.levels.clear();
            self.levels.extend(present.map(u32::from));
            self.plain.extend_from_slice(&[0; 4]);
            encode_rle_hybrid(&self.levels, 1, &mut self.plain);
            let length = u32::try_from(self.plain.len() - 4).expect("levels under 4 GiB");
            self.plain[..4].copy_from_slice(&length.to_le_bytes());
        }
    }

    fn text_chunk(
        &mut self,
        descr: ColumnDescPtr,
        text: &TextColumn,
        rows: usize,
    ) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
        let mut pages = Vec::with_capacity(2);
        let entries = text.ends.len();
        if entries > 0 {
            self.plain.clear();
            for index in 0..entries {
                let value = text.value(index as u32);
                let length = u32::try_from(value.len()).expect("values under 4 GiB");
                self.plain.extend_from_slice(&length.to_le_bytes());
                self.plain.extend_from_slice(value);
            }
            let uncompressed = self.plain.len();
            let buf = self.compress_plain()?;
            pages.push((
                Page::DictionaryPage {
                    buf,
                    num_values: entries as u32,
                    encoding: Encoding::PLAIN,
                    is_sorted: false,
                },
                uncompressed,
            ));
        }
        self.start_data_page(&descr, text.indices.iter().map(|&index| index != NULL));
        let encoding = if entries > 0 {
            self.values.clear();
            self.values
                .extend(text.indices.iter().copied().filter(|&index| index != NULL));
            let bit_width = bits_for(entries - 1);
            self.plain.push(bit_width);
            encode_rle_hybrid(&self.values, bit_width, &mut self.plain);
            Encoding::RLE_DICTIONARY
        } else {
            // Every row null: no values, no dictionary.
            Encoding::PLAIN
        };
        let uncompressed = self.plain.len();
        let buf = self.compress_plain()?;
        pages.push((
            Page::DataPage {
                buf,
                num_values: u32::try_from(rows).expect("row groups under 2^32 rows"),
                encoding,
                def_level_encoding: Encoding::RLE,
                rep_level_encoding: Encoding::RLE,
                statistics: None,
            },
            uncompressed,
        ));
        let encodings = if entries > 0 {
            vec![Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY]
        } else {
            vec![Encoding::PLAIN, Encoding::RLE]
        };
        self.chunk(descr, pages, rows, encodings)
    }

    fn amount_chunk(
        &mut self,
        descr: ColumnDescPtr,
        amounts: AmountsRef<'_>,
        rows: usize,
    ) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
        match amounts {
            AmountsRef::Required(values) => {
                self.start_data_page(&descr, std::iter::empty());
                self.plain.reserve(values.len() * 16);
                for value in values {
                    self.plain.extend_from_slice(&value.to_be_bytes());
                }
            }
            AmountsRef::Optional(values) => {
                self.start_data_page(&descr, values.iter().map(Option::is_some));
                self.plain.reserve(values.len() * 16);
                for value in values.iter().flatten() {
                    self.plain.extend_from_slice(&value.to_be_bytes());
                }
            }
        }
        let uncompressed = self.plain.len();
        let buf = self.compress_plain()?;
        let page = Page::DataPage {
            buf,
            num_values: u32::try_from(rows).expect("row groups under 2^32 rows"),
            encoding: Encoding::PLAIN,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        self.chunk(descr, vec![(page, uncompressed)], rows, vec![Encoding::PLAIN, Encoding::RLE])
    }

    /// The pages as one column chunk, with its metadata (offsets relative to its first byte).
    fn chunk(
        &mut self,
        descr: ColumnDescPtr,
        pages: Vec<(Page, usize)>,
        rows: usize,
        encodings: Vec<Encoding>,
    ) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
        let mut sink = TrackedWrite::new(Vec::new());
        let mut dictionary_offset = None;
        let mut data_offset = None;
        let (mut compressed_size, mut uncompressed_size) = (0u64, 0u64);
        {
            let mut writer = SerializedPageWriter::new(&mut sink);
            for (page, uncompressed) in pages {
                let is_dictionary = page.is_dictionary_page();
                let spec = writer.write_page(CompressedPage::new(page, uncompressed))?;
                if is_dictionary {
                    dictionary_offset = Some(spec.offset as i64);
                } else if data_offset.is_none() {
                    data_offset = Some(spec.offset as i64);
                }
                compressed_size += spec.compressed_size as u64;
                uncompressed_size += spec.uncompressed_size as u64;
            }
            writer.close()?;
        }
        let bytes = Bytes::from(sink.into_inner()?);
        let metadata = ColumnChunkMetaData::builder(descr)
            .set_encodings(encodings)
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(self.level)?))
            .set_num_values(rows as i64)
            .set_total_compressed_size(compressed_size as i64)
            .set_total_uncompressed_size(uncompressed_size as i64)
            .set_data_page_offset(data_offset.unwrap_or(0))
            .set_dictionary_page_offset(dictionary_offset)
            .build()?;
        let close = ColumnCloseResult {
            bytes_written: bytes.len() as u64,
            rows_written: rows as u64,
            metadata,
            bloom_filter: None,
            column_index: None,
            offset_index: None,
        };
        Ok((bytes, close))
    }
}

/// Bits needed for values up to `max` (0 for 0, as Parquet's own writer does).
fn bits_for(max: usize) -> u8 {
    (usize::BITS - max.leading_zeros()) as u8
}

fn write_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Runs of at least this many equal values are written as one RLE run.
const MIN_RLE_RUN: usize = 8;
/// Groups of 8 values in one bit-packed run at most (a one-byte header holds up to 63).
const MAX_PACKED_GROUPS: usize = 63;

/// Parquet's RLE / bit-packing hybrid encoding of `values` (each below 2^`bit_width`), without
/// a length prefix: runs of [`MIN_RLE_RUN`] or more equal values as RLE runs, the rest
/// bit-packed in groups of 8 (the last group padded with zeros).
pub(crate) fn encode_rle_hybrid(values: &[u32], bit_width: u8, out: &mut Vec<u8>) {
    let value_bytes = usize::from(bit_width).div_ceil(8);
    let mut packed_from: Option<usize> = None;
    let mut at = 0;
    while at < values.len() {
        let value = values[at];
        let mut run = 1;
        while at + run < values.len() && values[at + run] == value {
            run += 1;
        }
        if run >= MIN_RLE_RUN {
            if let Some(from) = packed_from.take() {
                write_bit_packed(&values[from..at], bit_width, out);
            }
            write_varint((run as u64) << 1, out);
            out.extend_from_slice(&value.to_le_bytes()[..value_bytes]);
            at += run;
        } else {
            let from = *packed_from.get_or_insert(at);
            at = (at + 8).min(values.len());
            if at - from >= MAX_PACKED_GROUPS * 8 {
                write_bit_packed(&values[from..at], bit_width, out);
                packed_from = None;
            }
        }
    }
    if let Some(from) = packed_from {
        write_bit_packed(&values[from..], bit_width, out);
    }
}

fn write_bit_packed(values: &[u32], bit_width: u8, out: &mut Vec<u8>) {
    let groups = values.len().div_ceil(8);
    write_varint(((groups as u64) << 1) | 1, out);
    let width = u32::from(bit_width);
    let (mut word, mut bits) = (0u64, 0u32);
    for position in 0..groups * 8 {
        let value = values.get(position).copied().unwrap_or(0);
        word |= u64::from(value) << bits;
        bits += width;
        while bits >= 8 {
            out.push(word as u8);
            word >>= 8;
            bits -= 8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoder written from the format's description, to check the encoder against.
    fn decode(mut data: &[u8], bit_width: u8, count: usize) -> Vec<u32> {
        fn varint(data: &mut &[u8]) -> u64 {
            let (mut value, mut shift) = (0u64, 0);
            loop {
                let byte = data[0];
                *data = &data[1..];
                value |= u64::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    return value;
                }
                shift += 7;
            }
        }
        let value_bytes = usize::from(bit_width).div_ceil(8);
        let mut out = Vec::new();
        while out.len() < count {
            let header = varint(&mut data);
            if header & 1 == 0 {
                let mut bytes = [0u8; 4];
                bytes[..value_bytes].copy_from_slice(&data[..value_bytes]);
                data = &data[value_bytes..];
                out.extend(std::iter::repeat_n(u32::from_le_bytes(bytes), (header >> 1) as usize));
            } else {
                let values = (header >> 1) as usize * 8;
                let mut bit = 0usize;
                for _ in 0..values {
                    let mut value = 0u32;
                    for k in 0..usize::from(bit_width) {
                        let at = bit + k;
                        value |= u32::from((data[at / 8] >> (at % 8)) & 1) << k;
                    }
                    bit += usize::from(bit_width);
                    out.push(value);
                }
                data = &data[values * usize::from(bit_width) / 8..];
            }
        }
        assert!(data.is_empty(), "{} bytes left over", data.len());
        out.truncate(count);
        out
    }

    #[test]
    fn the_hybrid_encoding_decodes_to_its_values() {
        let mut seed = 7u64;
        let mut random = move |below: u32| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as u32) % below.max(1)
        };
        for bit_width in [0u8, 1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 24, 31, 32] {
            let limit = if bit_width >= 32 { u32::MAX } else { (1u32 << bit_width) - 1 };
            for length in [0usize, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 503, 504, 505, 1000, 5000] {
                for runs in [1u32, 3, 20] {
                    let mut values = Vec::with_capacity(length);
                    while values.len() < length {
                        let value = if limit == 0 { 0 } else { random(limit).max(random(2) * limit) };
                        let repeat = 1 + random(runs) as usize;
                        for _ in 0..repeat.min(length - values.len()) {
                            values.push(value);
                        }
                    }
                    let mut out = Vec::new();
                    encode_rle_hybrid(&values, bit_width, &mut out);
                    assert_eq!(decode(&out, bit_width, length), values, "width {bit_width}, length {length}, runs {runs}");
                }
            }
        }
    }

    #[test]
    fn values_found_by_number_are_the_values_pushed() {
        let mut column = TextColumn::new();
        for (key, value) in [(3, "DE"), (3, "DE"), (7, "FR"), (3, "DE"), (0, "AA")] {
            column.push_keyed(key, value);
        }
        column.push("FR");
        assert_eq!(column.indices, [0, 0, 1, 0, 2, 1]);
        assert_eq!(column.value(2), b"AA");
        column.clear();
        column.push_keyed(7, "GB");
        assert_eq!((column.indices.as_slice(), column.value(0)), (&[0][..], &b"GB"[..]));
    }

    #[test]
    fn bit_widths_are_the_bits_of_the_largest_index() {
        assert_eq!([0, 1, 2, 3, 4, 255, 256].map(bits_for), [0, 1, 2, 2, 3, 8, 9]);
    }

    #[test]
    fn text_columns_keep_one_entry_per_value() {
        let mut column = TextColumn::new();
        for value in ["a", "a", "b", "a", "", "b", "b"] {
            column.push(value);
        }
        column.push_option(None);
        assert_eq!(column.ends.len(), 3);
        assert_eq!(column.indices, [0, 0, 1, 0, 2, 1, 1, NULL]);
        let mut other = TextColumn::new();
        other.push("b");
        let mut remap = Vec::new();
        other.append(&column, 1..8, &mut remap);
        let values: Vec<Option<&[u8]>> = other
            .indices
            .iter()
            .map(|&index| (index != NULL).then(|| other.value(index)))
            .collect();
        let expected: Vec<Option<&[u8]>> =
            vec![Some(b"b"), Some(b"a"), Some(b"b"), Some(b"a"), Some(b""), Some(b"b"), Some(b"b"), None];
        assert_eq!(values, expected);
        assert_eq!(other.ends.len(), 3);
    }
}
