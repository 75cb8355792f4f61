//! XLSX workbooks (Amuse delivers its statements as `.xlsx`): the first worksheet's rows as
//! cells, read exactly, then through the same mapping machinery as delimited reports.
//!
//! **Exactness.** XLSX stores a number as the text of a binary double (`<v>0.1234</v>`). The
//! reader never converts that text to a float: the cell is the text as stored (exponent
//! notation such as `1.5E-3` is rewritten as plain decimal digits, exactly), so money is read
//! with the same decimal parser as a CSV cell. Cells whose style is a date format hold Excel
//! serial day numbers; they become `YYYY-MM-DD` (with ` HH:MM:SS` when the serial has a
//! fraction), counted in integers from 1899-12-30 (or 1904-01-01 for 1904-based workbooks).
//!
//! The sheet XML is streamed with quick-xml; only the shared strings and the styles' date flags
//! are held in memory. A row is numbered as the sheet numbers it (`<row r="…">`), and a cell's
//! column is its column in the sheet (A = 1), so diagnostics point at the cell a user sees.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use ledgerline_money::NumberStyle;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::diagnostic::Diagnostic;
use crate::mapping::{normalise_column_name, BoundMapping, Conversion, MappingFile, RowState};
use crate::source::SourceError;
use crate::summary::ReportSummary;
use crate::tabular::{TableError, UnknownLayout};
use crate::LineSink;

/// Rows examined for the header (as for delimited reports).
const HEADER_SEARCH_ROWS: usize = 20;

/// Whether the first local file header of a ZIP names a member of an Office Open XML package:
/// decides "XLSX" even when the archive is too damaged to list its members.
pub fn first_member_is_ooxml(bytes: &[u8]) -> bool {
    if bytes.len() < 30 || !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let name_length = usize::from(u16::from_le_bytes([bytes[26], bytes[27]]));
    let Some(name) = bytes.get(30..30 + name_length) else { return false };
    name == b"[Content_Types].xml" || name.starts_with(b"xl/") || name.starts_with(b"_rels/") || name.starts_with(b"docProps/")
}

/// Whether a readable archive is an XLSX workbook.
pub fn archive_is_xlsx<R: Read + Seek>(archive: &zip::ZipArchive<R>) -> bool {
    let mut content_types = false;
    let mut workbook = false;
    for name in archive.file_names().flatten() {
        content_types |= name == "[Content_Types].xml";
        workbook |= name == "xl/workbook.xml";
    }
    content_types && workbook
}

/// A streaming XML reader over one member of the workbook's archive.
type MemberReader<'archive> = Reader<BufReader<zip::read::ZipFile<'archive, BufReader<File>>>>;

/// An opened workbook: where its first sheet is, its shared strings and which styles are dates.
pub struct Workbook {
    label: String,
    archive: zip::ZipArchive<BufReader<File>>,
    sheet_member: String,
    shared_strings: Vec<String>,
    /// Per cell style (`s` attribute), whether its number format is a date.
    date_styles: Vec<bool>,
    date1904: bool,
}

fn damaged(label: &str, reason: impl std::fmt::Display) -> SourceError {
    SourceError::BadXlsx { file: label.to_string(), reason: reason.to_string() }
}

fn attribute(start: &BytesStart, wanted: &[u8]) -> Result<Option<String>, String> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| error.to_string())?;
        if attribute.key.local_name().as_ref() == wanted {
            let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|error| error.to_string())?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// Text content of an event (text, CDATA or an entity reference), appended to `out`.
fn push_text(event: &Event, out: &mut String) -> Result<(), String> {
    match event {
        Event::Text(content) => out.push_str(&content.xml10_content().map_err(|error| error.to_string())?),
        Event::CData(content) => out.push_str(&content.decode().map_err(|error| error.to_string())?),
        Event::GeneralRef(reference) => {
            let resolved = if reference.is_char_ref() {
                reference.resolve_char_ref().ok().flatten().map(String::from)
            } else {
                reference.decode().ok().and_then(|name| quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string))
            };
            match resolved {
                Some(text) => out.push_str(&text),
                None => return Err(format!("unknown entity &{};", String::from_utf8_lossy(reference))),
            }
        }
        _ => {}
    }
    Ok(())
}

/// Excel's built-in number formats that are dates or times.
fn built_in_date_format(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58 | 71..=81)
}

/// Whether a custom number format code shows a date or time: a `y`, `m`, `d`, `h` or `s`
/// outside quoted text, escapes and `[…]` sections (colours, locales).
fn custom_date_format(code: &str) -> bool {
    let mut characters = code.chars();
    let mut in_quotes = false;
    let mut in_brackets = false;
    while let Some(character) = characters.next() {
        match character {
            '"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            '\\' | '_' | '*' => {
                characters.next();
            }
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            _ if in_brackets => {}
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

impl Workbook {
    /// Opens the workbook at `path`; `label` names it in messages.
    pub fn open(path: &Path, label: &str) -> Result<Workbook, SourceError> {
        let file = File::open(path).map_err(|source| SourceError::Io { file: label.to_string(), source })?;
        let archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|error| damaged(label, error))?;
        let mut workbook = Workbook {
            label: label.to_string(),
            archive,
            sheet_member: String::new(),
            shared_strings: Vec::new(),
            date_styles: Vec::new(),
            date1904: false,
        };
        let (relationship, date1904) = workbook.first_sheet_relationship()?;
        workbook.date1904 = date1904;
        workbook.sheet_member = workbook.sheet_target(&relationship)?;
        workbook.shared_strings = workbook.read_shared_strings()?;
        workbook.date_styles = workbook.read_date_styles()?;
        Ok(workbook)
    }

    fn member_reader(&mut self, name: &str) -> Result<Option<MemberReader<'_>>, SourceError> {
        let label = self.label.clone();
        match self.archive.by_name(name) {
            Ok(member) => {
                let mut reader = Reader::from_reader(BufReader::new(member));
                reader.config_mut().trim_text(false);
                Ok(Some(reader))
            }
            Err(zip::result::ZipError::FileNotFound) => Ok(None),
            Err(error) => Err(damaged(&label, format!("{name}: {error}"))),
        }
    }

    /// The relationship id of the first `<sheet>` in `xl/workbook.xml`, and whether dates
    /// count from 1904.
    fn first_sheet_relationship(&mut self) -> Result<(String, bool), SourceError> {
        let label = self.label.clone();
        let mut reader = self.member_reader("xl/workbook.xml")?.ok_or_else(|| damaged(&label, "xl/workbook.xml is missing"))?;
        let mut buffer = Vec::new();
        let mut date1904 = false;
        loop {
            let event = reader.read_event_into(&mut buffer).map_err(|error| damaged(&label, format!("xl/workbook.xml: {error}")))?;
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => match start.local_name().as_ref() {
                    b"workbookPr" => {
                        let value = attribute(start, b"date1904").map_err(|error| damaged(&label, error))?;
                        date1904 = matches!(value.as_deref(), Some("1" | "true"));
                    }
                    b"sheet" => {
                        let id = attribute(start, b"id").map_err(|error| damaged(&label, error))?;
                        return id.map(|id| (id, date1904)).ok_or_else(|| damaged(&label, "the first sheet has no relationship id"));
                    }
                    _ => {}
                },
                Event::Eof => return Err(damaged(&label, "the workbook has no worksheet")),
                _ => {}
            }
            buffer.clear();
        }
    }

    /// The member holding the sheet with relationship `id`.
    fn sheet_target(&mut self, id: &str) -> Result<String, SourceError> {
        let label = self.label.clone();
        let mut reader = self
            .member_reader("xl/_rels/workbook.xml.rels")?
            .ok_or_else(|| damaged(&label, "xl/_rels/workbook.xml.rels is missing"))?;
        let mut buffer = Vec::new();
        loop {
            let event = reader.read_event_into(&mut buffer).map_err(|error| damaged(&label, format!("workbook relationships: {error}")))?;
            match event {
                Event::Start(ref start) | Event::Empty(ref start) if start.local_name().as_ref() == b"Relationship" => {
                    if attribute(start, b"Id").map_err(|error| damaged(&label, error))?.as_deref() == Some(id) {
                        let target = attribute(start, b"Target")
                            .map_err(|error| damaged(&label, error))?
                            .ok_or_else(|| damaged(&label, "the sheet relationship has no target"))?;
                        return Ok(match target.strip_prefix('/') {
                            Some(absolute) => absolute.to_string(),
                            None => format!("xl/{target}"),
                        });
                    }
                }
                Event::Eof => return Err(damaged(&label, format!("no relationship {id} for the first sheet"))),
                _ => {}
            }
            buffer.clear();
        }
    }

    fn read_shared_strings(&mut self) -> Result<Vec<String>, SourceError> {
        let label = self.label.clone();
        let Some(mut reader) = self.member_reader("xl/sharedStrings.xml")? else { return Ok(Vec::new()) };
        let mut strings = Vec::new();
        let mut buffer = Vec::new();
        let mut current = String::new();
        // Inside <si>, inside a <t>, inside a phonetic run (<rPh>, not part of the text).
        let (mut in_item, mut in_text, mut in_phonetic) = (false, false, false);
        loop {
            let event = reader.read_event_into(&mut buffer).map_err(|error| damaged(&label, format!("xl/sharedStrings.xml: {error}")))?;
            match &event {
                Event::Start(start) => match start.local_name().as_ref() {
                    b"si" => {
                        in_item = true;
                        current.clear();
                    }
                    b"t" => in_text = true,
                    b"rPh" => in_phonetic = true,
                    _ => {}
                },
                Event::Empty(start) if start.local_name().as_ref() == b"si" => strings.push(String::new()),
                Event::End(end) => match end.local_name().as_ref() {
                    b"si" => {
                        in_item = false;
                        strings.push(std::mem::take(&mut current));
                    }
                    b"t" => in_text = false,
                    b"rPh" => in_phonetic = false,
                    _ => {}
                },
                Event::Eof => break,
                _ if in_item && in_text && !in_phonetic => {
                    push_text(&event, &mut current).map_err(|error| damaged(&label, format!("xl/sharedStrings.xml: {error}")))?
                }
                _ => {}
            }
            buffer.clear();
        }
        Ok(strings)
    }

    fn read_date_styles(&mut self) -> Result<Vec<bool>, SourceError> {
        let label = self.label.clone();
        let Some(mut reader) = self.member_reader("xl/styles.xml")? else { return Ok(Vec::new()) };
        let mut custom_dates: Vec<u32> = Vec::new();
        let mut styles = Vec::new();
        let mut in_cell_xfs = false;
        let mut buffer = Vec::new();
        let bad = |error: String| damaged(&label, format!("xl/styles.xml: {error}"));
        loop {
            let event = reader.read_event_into(&mut buffer).map_err(|error| bad(error.to_string()))?;
            match &event {
                Event::Start(start) | Event::Empty(start) => match start.local_name().as_ref() {
                    b"numFmt" => {
                        let id = attribute(start, b"numFmtId").map_err(bad)?.and_then(|id| id.parse::<u32>().ok());
                        let code = attribute(start, b"formatCode").map_err(bad)?.unwrap_or_default();
                        if let Some(id) = id.filter(|_| custom_date_format(&code)) {
                            custom_dates.push(id);
                        }
                    }
                    b"cellXfs" => in_cell_xfs = matches!(event, Event::Start(_)),
                    b"xf" if in_cell_xfs => {
                        let id = attribute(start, b"numFmtId").map_err(bad)?.and_then(|id| id.parse::<u32>().ok()).unwrap_or(0);
                        styles.push(built_in_date_format(id) || custom_dates.contains(&id));
                    }
                    _ => {}
                },
                Event::End(end) if end.local_name().as_ref() == b"cellXfs" => in_cell_xfs = false,
                Event::Eof => break,
                _ => {}
            }
            buffer.clear();
        }
        Ok(styles)
    }

    /// Streams the first sheet's rows to `each`: the sheet's row number (from 1) and the cells
    /// by column (A at index 0; cells the sheet leaves out are empty). `each` returns whether to
    /// go on.
    pub fn for_each_row<E>(
        &mut self,
        mut each: impl FnMut(u64, &[String]) -> Result<bool, E>,
    ) -> Result<(), RowsError<E>> {
        let label = self.label.clone();
        let sheet = self.sheet_member.clone();
        let shared_strings = std::mem::take(&mut self.shared_strings);
        let date_styles = std::mem::take(&mut self.date_styles);
        let date1904 = self.date1904;
        let result = (|| {
            let mut reader = self
                .member_reader(&sheet)
                .map_err(RowsError::Source)?
                .ok_or_else(|| RowsError::Source(damaged(&label, format!("{sheet} is missing"))))?;
            let mut state = SheetState::default();
            let mut buffer = Vec::new();
            loop {
                let event = match reader.read_event_into(&mut buffer) {
                    Ok(event) => event,
                    Err(error) => {
                        let row = if state.row_number > 0 { format!(" (row {})", state.row_number) } else { String::new() };
                        return Err(RowsError::Source(damaged(&label, format!("{sheet}{row}: {error}"))));
                    }
                };
                let bad = |message: String| RowsError::Source(damaged(&label, format!("{sheet}: {message}")));
                match &event {
                    Event::Start(start) | Event::Empty(start) => {
                        let empty = matches!(event, Event::Empty(_));
                        match start.local_name().as_ref() {
                            b"row" => {
                                let number = attribute(start, b"r").map_err(bad)?;
                                state.row_number = match number {
                                    Some(text) => text.parse().map_err(|_| bad(format!("row number \"{text}\"")))?,
                                    None => state.row_number.checked_add(1).ok_or_else(|| {
                                        bad(format!("the row after row {} is past the last row number", state.row_number))
                                    })?,
                                };
                                state.cells.clear();
                                state.next_column = 0;
                                if empty && !each(state.row_number, &state.cells).map_err(RowsError::Stop)? {
                                    return Ok(());
                                }
                            }
                            b"c" => {
                                let reference = attribute(start, b"r").map_err(bad)?;
                                state.column = match reference {
                                    Some(reference) => column_index(&reference).ok_or_else(|| bad(format!("cell reference \"{reference}\"")))?,
                                    None => state.next_column,
                                };
                                state.next_column = state.column + 1;
                                state.kind = attribute(start, b"t").map_err(bad)?.unwrap_or_default();
                                state.style = attribute(start, b"s").map_err(bad)?.and_then(|style| style.parse().ok()).unwrap_or(0);
                                state.value.clear();
                                state.inline.clear();
                                if empty {
                                    state.finish_cell(&shared_strings, &date_styles, date1904).map_err(bad)?;
                                }
                            }
                            b"v" => state.in_value = !empty,
                            b"is" => state.in_inline = !empty,
                            b"t" if state.in_inline => state.in_inline_text = !empty,
                            b"rPh" if state.in_inline => state.in_phonetic = !empty,
                            _ => {}
                        }
                    }
                    Event::End(end) => match end.local_name().as_ref() {
                        b"v" => state.in_value = false,
                        b"is" => state.in_inline = false,
                        b"t" => state.in_inline_text = false,
                        b"rPh" => state.in_phonetic = false,
                        b"c" => state.finish_cell(&shared_strings, &date_styles, date1904).map_err(bad)?,
                        b"row" => {
                            if !each(state.row_number, &state.cells).map_err(RowsError::Stop)? {
                                return Ok(());
                            }
                        }
                        _ => {}
                    },
                    Event::Eof => return Ok(()),
                    _ => {
                        if state.in_value {
                            push_text(&event, &mut state.value).map_err(bad)?;
                        } else if state.in_inline && state.in_inline_text && !state.in_phonetic {
                            push_text(&event, &mut state.inline).map_err(bad)?;
                        }
                    }
                }
                buffer.clear();
            }
        })();
        self.shared_strings = shared_strings;
        self.date_styles = date_styles;
        result
    }
}

/// Why streaming rows stopped early.
#[derive(Debug)]
pub enum RowsError<E> {
    Source(SourceError),
    /// The row callback's own error.
    Stop(E),
}

#[derive(Default)]
struct SheetState {
    row_number: u64,
    cells: Vec<String>,
    next_column: usize,
    column: usize,
    kind: String,
    style: usize,
    value: String,
    inline: String,
    in_value: bool,
    in_inline: bool,
    in_inline_text: bool,
    in_phonetic: bool,
}

impl SheetState {
    fn finish_cell(&mut self, shared_strings: &[String], date_styles: &[bool], date1904: bool) -> Result<(), String> {
        let text = match self.kind.as_str() {
            "s" => {
                let index: usize = self.value.trim().parse().map_err(|_| format!("shared string index \"{}\"", self.value))?;
                shared_strings.get(index).cloned().ok_or_else(|| format!("shared string {index} does not exist"))?
            }
            "inlineStr" => std::mem::take(&mut self.inline),
            "b" => if self.value.trim() == "1" { "TRUE" } else { "FALSE" }.to_string(),
            // Formula text results, errors (#N/A) and ISO dates: the text as stored.
            "str" | "e" | "d" => std::mem::take(&mut self.value),
            // Numbers.
            _ => {
                let raw = self.value.trim();
                if raw.is_empty() {
                    String::new()
                } else if date_styles.get(self.style).copied().unwrap_or(false) {
                    serial_to_date_text(raw, date1904).unwrap_or_else(|| raw.to_string())
                } else {
                    plain_decimal(raw).unwrap_or_else(|| raw.to_string())
                }
            }
        };
        if self.cells.len() <= self.column {
            self.cells.resize(self.column + 1, String::new());
        }
        self.cells[self.column] = text;
        Ok(())
    }
}

/// `B7` → 1; `AA1` → 26.
fn column_index(reference: &str) -> Option<usize> {
    let letters: &str = &reference[..reference.find(|character: char| character.is_ascii_digit()).unwrap_or(reference.len())];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut index = 0usize;
    for letter in letters.bytes() {
        if !letter.is_ascii_alphabetic() {
            return None;
        }
        index = index * 26 + usize::from(letter.to_ascii_uppercase() - b'A') + 1;
    }
    Some(index - 1)
}

/// A number as stored (`-1.25`, `4.5E-3`, `1E+21`) as plain decimal text, digit for digit;
/// `None` if it is not a number.
pub fn plain_decimal(text: &str) -> Option<String> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(position) => (&text[..position], text[position + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (negative, unsigned) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.is_empty() && fraction.is_empty() || !whole.bytes().chain(fraction.bytes()).all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    if exponent == 0 {
        return Some(text.strip_prefix('+').unwrap_or(text).to_string());
    }
    if exponent.unsigned_abs() > 400 {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    // Position of the decimal point within `digits`, after shifting.
    let point = whole.len() as i64 + i64::from(exponent);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    Some(out)
}


/// Excel's last serial day, 9999-12-31.
const LAST_SERIAL_DAY: i64 = 2_958_465;

/// An Excel serial date (`46023`, `46023.5`) as `YYYY-MM-DD` (and ` HH:MM:SS` for a time of
/// day), exactly: whole days from 1899-12-30 (1904-01-01 in 1904-based workbooks), the fraction
/// as seconds rounded half up.
pub fn serial_to_date_text(text: &str, date1904: bool) -> Option<String> {
    let plain = plain_decimal(text)?;
    if plain.starts_with('-') {
        return None;
    }
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut days: i64 = whole.parse().ok()?;
    // Past 9999-12-31 a serial is no date Excel shows (and day arithmetic would overflow): the
    // cell stays the number as stored.
    if days > LAST_SERIAL_DAY {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    let mut seconds: u64 = 0;
    if !fraction.is_empty() {
        let digits = fraction.len().min(30);
        let numerator: u128 = fraction[..digits].parse().ok()?;
        let denominator = 10u128.checked_pow(digits as u32)?;
        let scaled = numerator * 86_400 * 2 + denominator;
        seconds = u64::try_from(scaled / (2 * denominator)).ok()?;
        if seconds >= 86_400 {
            days += 1;
            seconds -= 86_400;
        }
    }
    // Days since 1970-01-01: 1899-12-30 is 25569 days before it, 1904-01-01 is 24107.
    // (Serials before 1900-03-01 carry Excel's phantom 1900-02-29 and are one day off.)
    let epoch_offset = if date1904 { 24_107 } else { 25_569 };
    if !date1904 && days < 61 {
        return None;
    }
    let (year, month, day) = ledgerline_model::civil_from_days(days - epoch_offset);
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    if seconds > 0 {
        out.push_str(&format!(" {:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60));
    }
    Some(out)
}

/// What the header search decided about a sheet.
#[derive(Clone, Debug)]
pub struct SheetShape {
    /// The sheet's row number of the header, from 1.
    pub header_row: u64,
    pub header: Vec<String>,
    pub number_style: NumberStyle,
}

/// Numbers in a sheet are plain (`1234.5`) unless the mapping says how its text cells write them.
fn number_style_of(mapping: &MappingFile) -> NumberStyle {
    match mapping.read.number_style.as_deref() {
        Some("decimal-comma") => NumberStyle::DECIMAL_COMMA,
        Some("english-grouped") => NumberStyle::ENGLISH_GROUPED,
        Some("continental-grouped") => NumberStyle::CONTINENTAL_GROUPED,
        _ => NumberStyle::PLAIN,
    }
}

/// Finds the header among the first rows of the first sheet and the mapping it matches: the
/// earliest header wins, then the mapping with the most required columns, then the earlier
/// mapping.
pub fn detect<'mapping>(
    workbook: &mut Workbook,
    mappings: &'mapping [MappingFile],
) -> Result<Result<(&'mapping MappingFile, SheetShape), UnknownLayout>, SourceError> {
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let outcome = workbook.for_each_row(|number, cells| -> Result<bool, std::convert::Infallible> {
        rows.push((number, cells.to_vec()));
        Ok(rows.len() < HEADER_SEARCH_ROWS)
    });
    match outcome {
        Ok(()) => {}
        Err(RowsError::Source(error)) => return Err(error),
        Err(RowsError::Stop(never)) => match never {},
    }
    for (number, cells) in &rows {
        let filled = cells.iter().filter(|cell| !cell.trim().is_empty()).count();
        if filled < 2 {
            continue;
        }
        let normalised: Vec<String> = cells.iter().map(|cell| normalise_column_name(cell)).collect();
        let mut best: Option<&MappingFile> = None;
        for mapping in mappings {
            if mapping.matches_header(&normalised)
                && best.is_none_or(|best| mapping.detect.required_columns.len() > best.detect.required_columns.len())
            {
                best = Some(mapping);
            }
        }
        if let Some(mapping) = best {
            let shape = SheetShape { header_row: *number, header: cells.clone(), number_style: number_style_of(mapping) };
            return Ok(Ok((mapping, shape)));
        }
    }
    let widest = rows.iter().max_by_key(|(number, cells)| (cells.iter().filter(|cell| !cell.trim().is_empty()).count(), std::cmp::Reverse(*number)));
    Ok(Err(match widest {
        Some((number, cells)) => UnknownLayout { columns: cells.clone(), line: *number, delimiter: None },
        None => UnknownLayout { columns: Vec::new(), line: 1, delimiter: None },
    }))
}

/// Streams the rows after the header through `mapping` into `sink`. Diagnostics name the
/// sheet's row number as the line and the cell's column (A = 1).
pub fn read_rows<S: LineSink>(
    workbook: &mut Workbook,
    file_label: &str,
    mapping: &MappingFile,
    shape: &SheetShape,
    sink: &mut S,
) -> Result<(BoundMapping, ReportSummary), TableError<S::Error>> {
    let bound = mapping.bind(&shape.header, shape.number_style).map_err(|message| TableError::Header {
        file: file_label.to_string(),
        line: shape.header_row,
        message,
    })?;
    let mut row_state = RowState::default();
    let mut summary = ReportSummary::default();
    let mut rows_after_header: u64 = 0;
    let outcome = workbook.for_each_row(|row_number, cells| -> Result<bool, S::Error> {
        if row_number <= shape.header_row {
            return Ok(true);
        }
        rows_after_header += 1;
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        match bound.convert_into(cells.as_slice(), row_number, &mut row_state) {
            Conversion::Line(sale_line) => {
                summary.count_line(sale_line);
                sink.accept_borrowed(sale_line)?;
            }
            Conversion::Skipped => summary.skipped += 1,
            Conversion::Rejected(problems) => {
                summary.rejected += 1;
                for problem in problems {
                    let mut diagnostic = Diagnostic::error(file_label, row_number, problem.reason);
                    if let Some(column) = problem.column {
                        diagnostic = diagnostic.at_column(column, problem.column_name.as_deref());
                    }
                    summary.add_diagnostic(diagnostic.with_value(&problem.value));
                }
            }
        }
        Ok(true)
    });
    match outcome {
        Ok(()) => {}
        Err(RowsError::Source(error)) => return Err(TableError::Read { file: file_label.to_string(), message: without_file(&error, file_label) }),
        Err(RowsError::Stop(error)) => return Err(TableError::Sink(error)),
    }
    if rows_after_header == 0 {
        summary.add_diagnostic(crate::tabular::header_only(file_label, shape.header_row));
    }
    Ok((bound, summary))
}

/// A source error's message without its leading `file: ` (the table error adds it again).
fn without_file(error: &SourceError, file_label: &str) -> String {
    let message = error.to_string();
    message.strip_prefix(&format!("{file_label}: ")).map(str::to_string).unwrap_or(message)
}

/// Reads every row of the first sheet (tests and tools): row numbers and cells.
pub fn rows_of(path: &Path, label: &str) -> Result<Vec<(u64, Vec<String>)>, SourceError> {
    let mut workbook = Workbook::open(path, label)?;
    let mut rows = Vec::new();
    let outcome = workbook.for_each_row(|number, cells| -> Result<bool, std::convert::Infallible> {
        rows.push((number, cells.to_vec()));
        Ok(true)
    });
    match outcome {
        Ok(()) => Ok(rows),
        Err(RowsError::Source(error)) => Err(error),
        Err(RowsError::Stop(never)) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rewritten_without_exponents_digit_for_digit() {
        assert_eq!(plain_decimal("0.1234567").as_deref(), Some("0.1234567"));
        assert_eq!(plain_decimal("-12").as_deref(), Some("-12"));
        assert_eq!(plain_decimal("1.5E-3").as_deref(), Some("0.0015"));
        assert_eq!(plain_decimal("1.25e2").as_deref(), Some("125"));
        assert_eq!(plain_decimal("-7E+2").as_deref(), Some("-700"));
        assert_eq!(plain_decimal("1.23456E1").as_deref(), Some("12.3456"));
        assert_eq!(plain_decimal("abc"), None);
        assert_eq!(plain_decimal("1.2.3"), None);
    }

    #[test]
    fn serial_dates_are_exact() {
        assert_eq!(serial_to_date_text("61", false).as_deref(), Some("1900-03-01"));
        assert_eq!(serial_to_date_text("45658", false).as_deref(), Some("2025-01-01"));
        assert_eq!(serial_to_date_text("46022", false).as_deref(), Some("2025-12-31"));
        assert_eq!(serial_to_date_text("45658.5", false).as_deref(), Some("2025-01-01 12:00:00"));
        assert_eq!(serial_to_date_text("0", true).as_deref(), Some("1904-01-01"));
        assert_eq!(serial_to_date_text("2958465", false).as_deref(), Some("9999-12-31"));
        // Serials past the last day Excel shows stay numbers, instead of overflowing the day count.
        assert_eq!(serial_to_date_text("2958466", false), None);
        assert_eq!(serial_to_date_text("9223372036854775807", false), None);
        assert_eq!(serial_to_date_text("9223372036854775807.99999999", true), None);
        assert_eq!(column_index("A1"), Some(0));
        assert_eq!(column_index("AA10"), Some(26));
    }

    #[test]
    fn custom_formats_are_told_apart() {
        assert!(custom_date_format("yyyy-mm-dd"));
        assert!(custom_date_format("[$-409]d-mmm-yy"));
        assert!(!custom_date_format("#,##0.00"));
        assert!(!custom_date_format("General"));
        assert!(!custom_date_format("0.00\" days\""));
    }
}
