//! Delimited reports (CSV, TSV, `;`, `|`) read through a mapping: finding the header among
//! preamble rows, the delimiter and the number style, then streaming rows into sale lines.

use std::io::{BufRead, Read};

use ledgerline_money::NumberStyle;

use crate::diagnostic::Diagnostic;
use crate::mapping::{normalise_column_name, BoundMapping, MappingFile, RowOutcome};
use crate::summary::ReportSummary;
use crate::LineSink;

/// Delimiters tried, in order of how common they are in royalty reports.
const DELIMITERS: [u8; 4] = [b'\t', b',', b';', b'|'];
/// Rows examined for the header: SoundCloud and YouTube put a couple of preamble rows first.
const HEADER_SEARCH_ROWS: usize = 20;
/// Rows after the header examined to decide the number style.
const NUMBER_STYLE_SAMPLE_ROWS: usize = 200;

/// Finds the line a CSV record starts on. The csv crate's own line numbers drift with CRLF
/// line endings and blank lines, and a diagnostic must name the right line, so this reader
/// keeps a window of the bytes it hands to the parser and counts newlines up to each record.
struct LineTracker<R> {
    inner: R,
    /// Recent bytes; `window[0]` is at offset `window_start`.
    window: Vec<u8>,
    window_start: u64,
    /// Offset and line reached by the last lookup (lookups only move forward).
    cursor_offset: u64,
    cursor_line: u64,
}

/// Bytes kept behind the parser: more than the csv reader's buffer, so a record's start is
/// always still in the window when it is looked up.
const TRACKER_WINDOW_BYTES: usize = 2 * 1024 * 1024;

impl<R: Read> LineTracker<R> {
    fn new(inner: R) -> LineTracker<R> {
        LineTracker { inner, window: Vec::new(), window_start: 0, cursor_offset: 0, cursor_line: 1 }
    }

    /// The line of the record whose position the csv crate reports as `byte`: skip the line
    /// terminators the parser counts as part of the record's start, then count newlines.
    fn line_of_record(&mut self, byte: u64) -> u64 {
        let mut start = byte.max(self.cursor_offset);
        while let Some(&next) = self.window.get((start - self.window_start) as usize) {
            if next != b'\n' && next != b'\r' {
                break;
            }
            start += 1;
        }
        let from = (self.cursor_offset - self.window_start) as usize;
        let to = ((start - self.window_start) as usize).min(self.window.len());
        if from < to {
            self.cursor_line += memchr::memchr_iter(b'\n', &self.window[from..to]).count() as u64;
        }
        self.cursor_offset = start.max(self.cursor_offset);
        self.cursor_line
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        if self.window.len() + read > TRACKER_WINDOW_BYTES && self.cursor_offset > self.window_start {
            // Drop what lies behind the cursor; it is never looked at again.
            let behind = ((self.cursor_offset - self.window_start) as usize).min(self.window.len());
            self.window.drain(..behind);
            self.window_start += behind as u64;
        }
        self.window.extend_from_slice(&buffer[..read]);
        Ok(read)
    }
}

/// What the sniffer decided about a delimited file.
#[derive(Clone, Debug)]
pub struct TableShape {
    pub delimiter: u8,
    /// Line of the header row in the decoded text, from 1.
    pub header_line: u64,
    pub header: Vec<String>,
    pub number_style: NumberStyle,
}

/// A delimited file whose header no mapping recognises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLayout {
    /// The most plausible header row seen, and its line.
    pub columns: Vec<String>,
    pub line: u64,
    pub delimiter: Option<u8>,
}

fn records_of(sample: &[u8], delimiter: u8, limit: usize) -> Vec<(u64, Vec<String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(LineTracker::new(sample));
    let mut records = Vec::new();
    let mut record = csv::StringRecord::new();
    // The sample may end mid-record or mid-character; stop at the first error.
    while records.len() < limit {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let byte = record.position().map_or(0, csv::Position::byte);
                let line = reader.get_mut().line_of_record(byte);
                records.push((line, record.iter().map(str::to_string).collect()));
            }
            Ok(false) | Err(_) => break,
        }
    }
    records
}

/// Finds the mapping, delimiter and header line of a delimited sample. Mappings earlier in
/// `mappings` win ties; a header found earlier in the file wins over one found later.
pub fn detect<'mapping>(
    sample: &[u8],
    mappings: &'mapping [MappingFile],
) -> Result<(&'mapping MappingFile, TableShape), UnknownLayout> {
    /// The best header found so far.
    struct Candidate<'found> {
        line: u64,
        specificity: usize,
        mapping: &'found MappingFile,
        delimiter: u8,
        header: Vec<String>,
        rows_after: Vec<Vec<String>>,
    }
    let mut best: Option<Candidate> = None;
    for delimiter in DELIMITERS {
        let records = records_of(sample, delimiter, HEADER_SEARCH_ROWS + NUMBER_STYLE_SAMPLE_ROWS);
        for (index, (line, cells)) in records.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            if cells.len() < 2 {
                continue;
            }
            let normalised: Vec<String> = cells.iter().map(|cell| normalise_column_name(cell)).collect();
            for mapping in mappings {
                if !mapping.matches_header(&normalised) {
                    continue;
                }
                let specificity = mapping.detect.required_columns.len();
                let better = best.as_ref().is_none_or(|best| {
                    (*line, std::cmp::Reverse(specificity)) < (best.line, std::cmp::Reverse(best.specificity))
                });
                if better {
                    best = Some(Candidate {
                        line: *line,
                        specificity,
                        mapping,
                        delimiter,
                        header: cells.clone(),
                        rows_after: records.iter().skip(index + 1).map(|(_, cells)| cells.clone()).collect(),
                    });
                }
            }
        }
    }
    match best {
        Some(found) => {
            let number_style = decide_number_style(found.mapping, &found.header, &found.rows_after, found.delimiter);
            Ok((
                found.mapping,
                TableShape { delimiter: found.delimiter, header_line: found.line, header: found.header, number_style },
            ))
        }
        None => Err(most_plausible_header(sample)),
    }
}

/// For an unknown layout: the delimiter that splits the first rows most consistently into the
/// most columns, and the first row it splits that way, shown to the user with a hint.
fn most_plausible_header(sample: &[u8]) -> UnknownLayout {
    let mut best = UnknownLayout { columns: Vec::new(), line: 1, delimiter: None };
    for delimiter in DELIMITERS {
        let records = records_of(sample, delimiter, HEADER_SEARCH_ROWS);
        let widest = records.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
        if widest > best.columns.len().max(1) {
            if let Some((line, cells)) = records.iter().find(|(_, cells)| cells.len() == widest) {
                best = UnknownLayout { columns: cells.clone(), line: *line, delimiter: Some(delimiter) };
            }
        }
    }
    best
}

/// Looks at the money cells of the first rows: `1234,56` means a decimal comma, `1.234,56`
/// continental grouping, `1,234.56` English grouping; anything else is plain.
fn decide_number_style(mapping: &MappingFile, header: &[String], rows: &[Vec<String>], delimiter: u8) -> NumberStyle {
    match mapping.read.number_style.as_deref() {
        Some("plain") => return NumberStyle::PLAIN,
        Some("decimal-comma") => return NumberStyle::DECIMAL_COMMA,
        Some("english-grouped") => return NumberStyle::ENGLISH_GROUPED,
        Some("continental-grouped") => return NumberStyle::CONTINENTAL_GROUPED,
        _ => {}
    }
    let money_indices: Vec<usize> = mapping
        .money_columns()
        .iter()
        .filter_map(|name| {
            let wanted = normalise_column_name(name);
            header.iter().position(|cell| normalise_column_name(cell) == wanted)
        })
        .collect();
    let (mut decimal_comma, mut continental, mut english) = (false, false, false);
    for row in rows {
        for index in &money_indices {
            let Some(cell) = row.get(*index) else { continue };
            let cell = cell.trim();
            match (cell.rfind(','), cell.rfind('.')) {
                (Some(comma), Some(dot)) if comma > dot => continental = true,
                (Some(_), Some(_)) => english = true,
                (Some(comma), None) => {
                    // `1,234` in a comma-delimited file must have been quoted on purpose: a
                    // thousands separator. Elsewhere a lone comma is a decimal comma.
                    let digits_after = cell.len() - comma - 1;
                    if delimiter == b',' && digits_after == 3 {
                        english = true;
                    } else {
                        decimal_comma = true;
                    }
                }
                _ => {}
            }
        }
    }
    if continental {
        NumberStyle::CONTINENTAL_GROUPED
    } else if decimal_comma {
        NumberStyle::DECIMAL_COMMA
    } else if english {
        NumberStyle::ENGLISH_GROUPED
    } else {
        NumberStyle::PLAIN
    }
}

/// Why a delimited report could not be read to the end.
#[derive(Debug, thiserror::Error)]
pub enum TableError<E> {
    #[error("{file}: {message}")]
    Read { file: String, message: String },
    #[error("{file}: line {line}: {message}")]
    Header { file: String, line: u64, message: String },
    #[error("{file}: the file has a header but no rows")]
    HeaderOnly { file: String },
    #[error(transparent)]
    Sink(E),
}

/// Streams the rows after the header through `mapping` into `sink`.
pub fn read_rows<R: BufRead, S: LineSink>(
    text: R,
    file_label: &str,
    mapping: &MappingFile,
    shape: &TableShape,
    sink: &mut S,
) -> Result<(BoundMapping, ReportSummary), TableError<S::Error>> {
    let bound = mapping.bind(&shape.header, shape.number_style).map_err(|message| TableError::Header {
        file: file_label.to_string(),
        line: shape.header_line,
        message,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(shape.delimiter)
        .buffer_capacity(256 * 1024)
        .from_reader(LineTracker::new(text));
    let mut record = csv::StringRecord::new();
    let mut summary = ReportSummary::default();
    let mut rows_after_header: u64 = 0;
    loop {
        let more = reader.read_record(&mut record).map_err(|error| TableError::Read {
            file: file_label.to_string(),
            message: describe_csv_error(&error),
        })?;
        if !more {
            break;
        }
        let byte = record.position().map_or(0, csv::Position::byte);
        let line = reader.get_mut().line_of_record(byte);
        if line <= shape.header_line {
            continue;
        }
        rows_after_header += 1;
        let cells: Vec<&str> = record.iter().collect();
        match bound.convert(&cells, line) {
            RowOutcome::Line(sale_line) => {
                summary.count_line(&sale_line);
                sink.accept(*sale_line).map_err(TableError::Sink)?;
            }
            RowOutcome::Skipped => summary.skipped += 1,
            RowOutcome::Rejected(problems) => {
                summary.rejected += 1;
                for problem in problems {
                    let mut diagnostic = Diagnostic::error(file_label, line, problem.reason);
                    if let Some(column) = problem.column {
                        diagnostic = diagnostic.at_column(column, problem.column_name.as_deref());
                    }
                    summary.add_diagnostic(diagnostic.with_value(&problem.value));
                }
            }
        }
    }
    if rows_after_header == 0 {
        return Err(TableError::HeaderOnly { file: file_label.to_string() });
    }
    Ok((bound, summary))
}

fn describe_csv_error(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Io(io_error) => io_error.to_string(),
        csv::ErrorKind::Utf8 { pos, err } => {
            format!("line {}: invalid UTF-8 in field {}", pos.as_ref().map_or(0, csv::Position::line), err.field() + 1)
        }
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(required: &[&str], extra: &str) -> MappingFile {
        let text = format!(
            r#"
source = "test"
layout = "test"
version = "1"
description = "test"
[detect]
required_columns = {required:?}
{extra}
[fields]
sale_period = {{ column = "Month", format = "{{YYYY}}-{{MM}}" }}
service = {{ column = "Store" }}
territory = {{ column = "Country" }}
usage = {{ value = "stream" }}
units = {{ column = "Units" }}
net = {{ column = "Net" }}
currency = {{ value = "EUR" }}
"#
        );
        MappingFile::parse(&text, "test.toml").unwrap()
    }

    #[test]
    fn finds_header_after_preamble_with_any_delimiter() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let sample = b"Account ID;123\nStatement;abc\nMonth;Store;Country;Units;Net\n2026-01;Spotify;FR;10;1,5\n";
        let (_, shape) = detect(sample, &mappings).unwrap();
        assert_eq!(shape.delimiter, b';');
        assert_eq!(shape.header_line, 3);
        assert_eq!(shape.number_style, NumberStyle::DECIMAL_COMMA);
    }

    #[test]
    fn decides_number_styles() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let style = |sample: &[u8]| detect(sample, &mappings).unwrap().1.number_style;
        assert_eq!(style(b"Month\tStore\tCountry\tUnits\tNet\n2026-01\tS\tFR\t1\t1.234,50\n"), NumberStyle::CONTINENTAL_GROUPED);
        assert_eq!(style(b"Month,Store,Country,Units,Net\n2026-01,S,FR,1,\"1,234.50\"\n"), NumberStyle::ENGLISH_GROUPED);
        assert_eq!(style(b"Month,Store,Country,Units,Net\n2026-01,S,FR,1,0.004\n"), NumberStyle::PLAIN);
    }

    #[test]
    fn unknown_layouts_show_the_columns_seen() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let unknown = detect(b"Date,Shop,Money\n2026-01-01,x,1\n", &mappings).unwrap_err();
        assert_eq!(unknown.columns, ["Date", "Shop", "Money"]);
        assert_eq!(unknown.delimiter, Some(b','));
    }

    #[test]
    fn streams_rows_with_diagnostics() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let text = "Month,Store,Country,Units,Net\n2026-01,Spotify,FR,10,1.5\n2026-13,Deezer,Atlantis,x,1.2.3\n,,,,\n2026-02,Spotify,DE,-1,-0.25\n";
        let (chosen, shape) = detect(text.as_bytes(), &mappings).unwrap();
        let mut lines = Vec::new();
        let (_, summary) = read_rows(text.as_bytes(), "r.csv", chosen, &shape, &mut lines).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(summary.rejected, 1);
        assert_eq!(summary.skipped, 1);
        let messages: Vec<String> = summary.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].starts_with("r.csv:3:1: error: "), "{}", messages[0]);
        assert!(messages[0].ends_with("(column \"Month\", value \"2026-13\")"), "{}", messages[0]);
        assert!(messages[1].starts_with("r.csv:3:3: error: "), "{}", messages[1]);
        assert_eq!(messages[2], "r.csv:3:4: error: not a decimal number: unexpected 'x' at character 1 (column \"Units\", value \"x\")");
        assert_eq!(messages[3], "r.csv:3:5: error: not a decimal number: unexpected '.' at character 4 (column \"Net\", value \"1.2.3\")");
        assert_eq!(lines[1].units, -1);
        assert_eq!(lines[1].net.to_string(), "-0.25");
        assert_eq!(summary.net_by_currency().values().next().map(ToString::to_string), Some("1.25".to_string()));
    }

    #[test]
    fn line_numbers_survive_crlf_blank_lines_and_multi_line_fields() {
        for (text, expected) in [
            ("h,x\na,1\nb,2\n", vec![1, 2, 3]),
            ("h,x\r\na,1\r\nb,2\r\n", vec![1, 2, 3]),
            ("h,x\r\na,1\r\n\r\nb,2\r\n", vec![1, 2, 4]),
            ("h,x\r\n\"a\r\nz\",1\r\nb,2\r\n", vec![1, 2, 4]),
            ("h,x\n\na,1\n\"q\nq\",3\nb,2", vec![1, 3, 4, 6]),
        ] {
            let lines: Vec<u64> = records_of(text.as_bytes(), b',', 10).into_iter().map(|(line, _)| line).collect();
            assert_eq!(lines, expected, "{text:?}");
        }
    }

    #[test]
    fn header_only_and_missing_columns_are_refused() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let text = "Month,Store,Country,Units,Net\n";
        let (chosen, shape) = detect(text.as_bytes(), &mappings).unwrap();
        let error = read_rows(text.as_bytes(), "h.csv", chosen, &shape, &mut Vec::new()).unwrap_err();
        assert_eq!(error.to_string(), "h.csv: the file has a header but no rows");

        let text = "Store,Country,Units,Net\nS,FR,1,1\n";
        let (chosen, shape) = detect(text.as_bytes(), &mappings).unwrap();
        let error = read_rows(text.as_bytes(), "m.csv", chosen, &shape, &mut Vec::new()).unwrap_err();
        assert_eq!(error.to_string(), "m.csv: line 1: missing column \"Month\" (field sale_period of mapping test/test/1)");
    }
}
