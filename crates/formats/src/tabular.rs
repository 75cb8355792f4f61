//! Delimited reports (CSV, TSV, `;`, `|`) read through a mapping: finding the header among
//! preamble rows, the delimiter and the number style, then streaming rows into sale lines.

mod records;

use std::io::BufRead;

use ledgerline_money::NumberStyle;

use crate::diagnostic::Diagnostic;
use crate::mapping::{normalise_column_name, BoundMapping, Conversion, MappingFile, RowState};
use crate::summary::ReportSummary;
use crate::LineSink;
use records::RecordSplitter;

/// Delimiters tried, in order of how common they are in royalty reports.
const DELIMITERS: [u8; 4] = [b'\t', b',', b';', b'|'];
/// Rows examined for the header: SoundCloud and YouTube put a couple of preamble rows first.
const HEADER_SEARCH_ROWS: usize = 20;
/// Rows after the header examined to decide the number style.
const NUMBER_STYLE_SAMPLE_ROWS: usize = 200;

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
    let mut splitter = RecordSplitter::new(sample, delimiter);
    let mut records = Vec::new();
    // The sample may end mid-record or mid-character; stop at the first error.
    while records.len() < limit {
        match splitter.next_record() {
            Ok(Some(record)) => records.push((record.line, record.iter().map(str::to_string).collect())),
            Ok(None) | Err(_) => break,
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
    let mut splitter = RecordSplitter::new(text, shape.delimiter);
    let mut row_state = RowState::default();
    let mut summary = ReportSummary::default();
    let mut rows_after_header: u64 = 0;
    loop {
        let record = splitter.next_record().map_err(|error| TableError::Read {
            file: file_label.to_string(),
            message: error.to_string(),
        })?;
        let Some(record) = record else { break };
        let line = record.line;
        if line <= shape.header_line {
            continue;
        }
        rows_after_header += 1;
        match bound.convert_into(&record, line, &mut row_state) {
            Conversion::Line(sale_line) => {
                summary.count_line(sale_line);
                sink.accept_borrowed(sale_line).map_err(TableError::Sink)?;
            }
            Conversion::Skipped => summary.skipped += 1,
            Conversion::Rejected(problems) => {
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
