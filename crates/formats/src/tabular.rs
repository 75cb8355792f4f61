//! Delimited reports (CSV, TSV, `;`, `|`) read through a mapping: finding the header among
//! preamble rows, the delimiter and the number style, then streaming rows into sale lines.

mod records;

use std::io::BufRead;

use ledgerline_money::{Decimal, NumberStyle};

use crate::diagnostic::Diagnostic;
use crate::line::SaleLine;
use crate::mapping::{normalise_column_name, BoundMapping, Conversion, MappingFile, RowState};
use crate::summary::{ReportSummary, MAX_DIAGNOSTICS};
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
    /// When the sample's amounts can be read two ways and nothing in it settles which (`1,250`:
    /// 1250 or 1.25): the line of the first such amount and a warning for the import.
    pub number_style_note: Option<(u64, String)>,
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
            Ok(Some(record)) => {
                records.push((record.line, record.iter().map(str::to_string).collect()))
            }
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
        rows_after: Vec<(u64, Vec<String>)>,
    }
    let mut best: Option<Candidate> = None;
    for delimiter in DELIMITERS {
        let records = records_of(
            sample,
            delimiter,
            HEADER_SEARCH_ROWS + NUMBER_STYLE_SAMPLE_ROWS,
        );
        for (index, (line, cells)) in records.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            if cells.len() < 2 {
                continue;
            }
            let normalised: Vec<String> = cells
                .iter()
                .map(|cell| normalise_column_name(cell))
                .collect();
            for mapping in mappings {
                if !mapping.matches_header(&normalised) {
                    continue;
                }
                let specificity = mapping.detect.required_columns.len();
                let better = best.as_ref().is_none_or(|best| {
                    (*line, std::cmp::Reverse(specificity))
                        < (best.line, std::cmp::Reverse(best.specificity))
                });
                if better {
                    best = Some(Candidate {
                        line: *line,
                        specificity,
                        mapping,
                        delimiter,
                        header: cells.clone(),
                        rows_after: records.iter().skip(index + 1).cloned().collect(),
                    });
                }
            }
        }
    }
    match best {
        Some(found) => {
            let (number_style, number_style_note) = decide_number_style(
                found.mapping,
                &found.header,
                &found.rows_after,
                found.delimiter,
            );
            Ok((
                found.mapping,
                TableShape {
                    delimiter: found.delimiter,
                    header_line: found.line,
                    header: found.header,
                    number_style,
                    number_style_note,
                },
            ))
        }
        None => Err(most_plausible_header(sample)),
    }
}

/// For an unknown layout: the delimiter that splits the first rows most consistently into the
/// most columns, and the first row it splits that way, shown to the user with a hint.
fn most_plausible_header(sample: &[u8]) -> UnknownLayout {
    let mut best = UnknownLayout {
        columns: Vec::new(),
        line: 1,
        delimiter: None,
    };
    for delimiter in DELIMITERS {
        let records = records_of(sample, delimiter, HEADER_SEARCH_ROWS);
        let widest = records
            .iter()
            .map(|(_, cells)| cells.len())
            .max()
            .unwrap_or(0);
        if widest > best.columns.len().max(1) {
            if let Some((line, cells)) = records.iter().find(|(_, cells)| cells.len() == widest) {
                best = UnknownLayout {
                    columns: cells.clone(),
                    line: *line,
                    delimiter: Some(delimiter),
                };
            }
        }
    }
    best
}

/// Looks at the money cells of the first rows and takes the number style that reads the most
/// of them (`1234,56` a decimal comma, `1.234,56` continental grouping, `1,234.56` English
/// grouping, else plain), so that one odd cell among many does not decide for the file: it is
/// refused on its own row instead. Between styles that read as many cells, the cells decide as
/// before (a lone comma is a decimal comma, except `1,234` quoted in a comma-delimited file);
/// when those styles give some cell different values (`1,250`: 1250 or 1.25), the choice is a
/// guess and the note says so.
fn decide_number_style(
    mapping: &MappingFile,
    header: &[String],
    rows: &[(u64, Vec<String>)],
    delimiter: u8,
) -> (NumberStyle, Option<(u64, String)>) {
    match mapping.read.number_style.as_deref() {
        Some("plain") => return (NumberStyle::PLAIN, None),
        Some("decimal-comma") => return (NumberStyle::DECIMAL_COMMA, None),
        Some("english-grouped") => return (NumberStyle::ENGLISH_GROUPED, None),
        Some("continental-grouped") => return (NumberStyle::CONTINENTAL_GROUPED, None),
        _ => {}
    }
    let money_indices: Vec<usize> = mapping
        .money_columns()
        .iter()
        .filter_map(|name| {
            let wanted = normalise_column_name(name);
            header
                .iter()
                .position(|cell| normalise_column_name(cell) == wanted)
        })
        .collect();
    let cells: Vec<(u64, &str)> = rows
        .iter()
        .flat_map(|(line, row)| {
            money_indices
                .iter()
                .filter_map(move |index| row.get(*index).map(|cell| (*line, cell.trim())))
        })
        .filter(|(_, cell)| !cell.is_empty())
        .collect();
    let by_cells = style_by_cells(&cells, delimiter);
    const STYLES: [NumberStyle; 4] = [
        NumberStyle::PLAIN,
        NumberStyle::ENGLISH_GROUPED,
        NumberStyle::DECIMAL_COMMA,
        NumberStyle::CONTINENTAL_GROUPED,
    ];
    let readings: Vec<Vec<Option<Decimal>>> = STYLES
        .iter()
        .map(|style| {
            cells
                .iter()
                .map(|(_, cell)| plausible_reading(cell, *style))
                .collect()
        })
        .collect();
    let read = |index: usize| readings[index].iter().filter(|value| value.is_some()).count();
    let most = (0..STYLES.len()).map(read).max().unwrap_or(0);
    if most == 0 {
        return (by_cells, None);
    }
    let tied: Vec<usize> = (0..STYLES.len()).filter(|index| read(*index) == most).collect();
    let chosen = tied
        .iter()
        .copied()
        .find(|index| STYLES[*index] == by_cells)
        .unwrap_or(tied[0]);
    let disagreement = tied.iter().find_map(|other| {
        cells.iter().enumerate().find_map(|(at, (line, cell))| {
            match (readings[chosen][at], readings[*other][at]) {
                (Some(taken), Some(instead)) if taken != instead => {
                    Some((*line, *cell, taken, instead))
                }
                _ => None,
            }
        })
    });
    let note = disagreement.map(|(line, cell, taken, instead)| {
        (
            line,
            format!(
                "amounts such as \"{cell}\" can be read as {taken} or as {instead}, and no amount in the first {NUMBER_STYLE_SAMPLE_ROWS} rows settles which; they were read as {taken}. Check an amount against the sender's own total; if it is wrong, save the file with unambiguous amounts (a dot for decimals, no thousands separators) and import it again"
            ),
        )
    });
    (STYLES[chosen], note)
}

/// The value of a money cell in `style`, unless the style reads it implausibly: a leading zero
/// before a thousands separator (`0.004` is not four thousandths' grouping of 4).
fn plausible_reading(cell: &str, style: NumberStyle) -> Option<Decimal> {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell).as_bytes();
    if let (Some(separator), [b'0', next, ..]) = (style.grouping_separator, digits) {
        if *next == separator {
            return None;
        }
    }
    Decimal::parse_bytes(cell.as_bytes(), style).ok()
}

/// The style the cells point to, looked at one by one (the choice between styles that read as
/// many cells).
fn style_by_cells(cells: &[(u64, &str)], delimiter: u8) -> NumberStyle {
    let (mut decimal_comma, mut continental, mut english) = (false, false, false);
    for (_, cell) in cells {
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
    Header {
        file: String,
        line: u64,
        message: String,
    },
    #[error(transparent)]
    Sink(E),
}

/// The warning of a report with a header and no rows: a period without sales is a report too
/// (recorded, so that the same file again is "already imported"), but a file cut off after its
/// header looks the same, so it is said.
pub(crate) fn header_only(file_label: &str, header_line: u64) -> Diagnostic {
    Diagnostic::warning(
        file_label,
        header_line,
        "the report has a header but no rows: recorded as a report without sales (if the sender's report has sales, the file was cut off: get it again)",
    )
}

/// Streams the rows after the header through `mapping` into `sink`. A header without rows is a
/// report without sales, with a warning.
pub fn read_rows<R: BufRead, S: LineSink>(
    text: R,
    file_label: &str,
    mapping: &MappingFile,
    shape: &TableShape,
    sink: &mut S,
) -> Result<(BoundMapping, ReportSummary), TableError<S::Error>> {
    let bound = mapping
        .bind(&shape.header, shape.number_style)
        .map_err(|message| TableError::Header {
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
                record_rejection(&mut summary, file_label, line, problems)
            }
        }
    }
    if rows_after_header == 0 {
        summary.add_diagnostic(header_only(file_label, shape.header_line));
    }
    Ok((bound, summary))
}

/// What one thread of a parallel read ([`read_rows_parallel`]) hands its lines to. Each thread
/// has its own; what it gathered for each chunk of the text ([`end_chunk`](ChunkSink::end_chunk))
/// is handed to the caller in the text's order.
pub trait ChunkSink: Send {
    type Error: Send;
    type Output: Send;
    fn accept(&mut self, line: &SaleLine) -> Result<(), Self::Error>;
    /// The end of a chunk: what the caller receives for it.
    fn end_chunk(&mut self) -> Result<Self::Output, Self::Error>;
}

/// Bytes of text per chunk of a parallel read: large enough that handing chunks between
/// threads costs nothing, small enough that the chunks in flight stay a few tens of MB.
const CHUNK_BYTES: usize = 2 * 1024 * 1024;

/// What a parallel read gives back when it read everything.
pub struct ParallelRead<W> {
    pub bound: BoundMapping,
    pub summary: ReportSummary,
    /// The threads' sinks, for what they gathered over all their chunks.
    pub sinks: Vec<W>,
}

/// One chunk of the text for a worker: it starts a record and on `line`.
struct Job {
    index: usize,
    line: u64,
    at_text_start: bool,
    last: bool,
    /// The chunk is `bytes[..length]`.
    bytes: Vec<u8>,
    length: usize,
}

/// What a worker made of one chunk.
struct ChunkDone<O> {
    output: O,
    summary: ReportSummary,
    rows_after_header: u64,
    /// Whether the chunk's last record ended with a line end outside quotes.
    ended_between_records: bool,
}

struct Finished<O> {
    index: usize,
    last: bool,
    /// `None` when the chunk met an error: the whole text is then read again in order, which
    /// reports the first error exactly as a sequential read does.
    done: Option<ChunkDone<O>>,
    bytes: Vec<u8>,
}

/// [`read_rows`] on several threads: the text is cut into chunks after a line end, each chunk
/// is split and converted by one of `sinks`' threads, and the chunks' outputs are handed to
/// `merge` in the order of the text, with the summary merged in the same order (line numbers,
/// diagnostics and their order are those of a sequential read).
///
/// A line end inside a quoted field cannot be told from one between records without reading
/// from the start; a chunk is checked to end between records once the chunk before it was.
/// `Ok(None)` means a chunk did not (a quoted field spans two chunks), or a chunk met an
/// error: nothing is certain, and the caller reads the text again with [`read_rows`], which
/// also reports any error exactly.
pub fn read_rows_parallel<R: std::io::Read, W: ChunkSink>(
    text: R,
    file_label: &str,
    mapping: &MappingFile,
    shape: &TableShape,
    sinks: Vec<W>,
    merge: impl FnMut(W::Output) -> Result<(), W::Error>,
) -> Result<Option<ParallelRead<W>>, TableError<W::Error>> {
    read_in_chunks(text, file_label, mapping, shape, sinks, merge, CHUNK_BYTES)
}

fn read_in_chunks<R: std::io::Read, W: ChunkSink>(
    mut text: R,
    file_label: &str,
    mapping: &MappingFile,
    shape: &TableShape,
    sinks: Vec<W>,
    mut merge: impl FnMut(W::Output) -> Result<(), W::Error>,
    chunk_bytes: usize,
) -> Result<Option<ParallelRead<W>>, TableError<W::Error>> {
    use std::collections::BTreeMap;
    use std::sync::mpsc::channel;
    use std::sync::Mutex;

    let bound = mapping
        .bind(&shape.header, shape.number_style)
        .map_err(|message| TableError::Header {
            file: file_label.to_string(),
            line: shape.header_line,
            message,
        })?;
    let read_error = |error: std::io::Error| TableError::Read {
        file: file_label.to_string(),
        message: error.to_string(),
    };
    let workers = sinks.len().max(1);
    let in_flight_limit = workers + 2;
    let (job_sender, job_receiver) = channel::<Job>();
    let job_receiver = Mutex::new(job_receiver);
    let (done_sender, done_receiver) = channel::<Finished<W::Output>>();
    let bound_ref = &bound;
    let header_line = shape.header_line;
    let delimiter = shape.delimiter;

    std::thread::scope(|scope| {
        let handles: Vec<_> = sinks
            .into_iter()
            .map(|mut sink| {
                let job_receiver = &job_receiver;
                let done_sender = done_sender.clone();
                std::thread::Builder::new()
                    .name("report-reader".to_string())
                    .spawn_scoped(scope, move || {
                        let mut row_state = RowState::default();
                        loop {
                            let job = match job_receiver.lock() {
                                Ok(receiver) => receiver.recv(),
                                Err(_) => break,
                            };
                            let Ok(job) = job else { break };
                            let (index, last) = (job.index, job.last);
                            let (done, bytes) = read_chunk(
                                job,
                                bound_ref,
                                header_line,
                                delimiter,
                                file_label,
                                &mut sink,
                                &mut row_state,
                            );
                            let finished = Finished {
                                index,
                                last,
                                done,
                                bytes,
                            };
                            if done_sender.send(finished).is_err() {
                                break;
                            }
                        }
                        sink
                    })
            })
            .collect();
        drop(done_sender);
        let mut handles = match handles.into_iter().collect::<Result<Vec<_>, _>>() {
            Ok(handles) => handles,
            Err(error) => {
                drop(job_sender);
                return Err(read_error(error));
            }
        };

        let mut summary = ReportSummary::default();
        let mut rows_after_header = 0u64;
        let mut waiting: BTreeMap<usize, Finished<W::Output>> = BTreeMap::new();
        let mut next_to_merge = 0usize;
        let mut in_flight = 0usize;
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let mut carry: Vec<u8> = Vec::new();
        let mut next_index = 0usize;
        let mut line = 1u64;
        let mut at_end = false;
        let mut certain = true;
        let mut merged_last = false;
        let mut failure: Option<TableError<W::Error>> = None;

        // Merges the chunks that are next in order; `false` once the read is uncertain.
        let mut merge_ready = |waiting: &mut BTreeMap<usize, Finished<W::Output>>,
                               spare: &mut Vec<Vec<u8>>,
                               next_to_merge: &mut usize,
                               merged_last: &mut bool|
         -> Result<bool, TableError<W::Error>> {
            while let Some(finished) = waiting.remove(next_to_merge) {
                *next_to_merge += 1;
                spare.push(finished.bytes);
                let Some(done) = finished.done else {
                    return Ok(false);
                };
                if !finished.last && !done.ended_between_records {
                    return Ok(false);
                }
                rows_after_header += done.rows_after_header;
                merge_summary(&mut summary, done.summary);
                merge(done.output).map_err(TableError::Sink)?;
                *merged_last |= finished.last;
            }
            Ok(true)
        };

        while !merged_last && certain && failure.is_none() {
            // Hand out chunks while few enough are in flight.
            if !at_end && in_flight < in_flight_limit {
                let mut bytes = spare.pop().unwrap_or_default();
                match next_chunk(&mut text, &mut carry, &mut bytes, chunk_bytes) {
                    Ok((length, last)) => {
                        at_end = last;
                        let lines = count_line_ends(&bytes[..length]);
                        let job = Job {
                            index: next_index,
                            line,
                            at_text_start: next_index == 0,
                            last,
                            bytes,
                            length,
                        };
                        line += lines;
                        next_index += 1;
                        in_flight += 1;
                        if job_sender.send(job).is_err() {
                            certain = false;
                        }
                    }
                    Err(_) => certain = false,
                }
                continue;
            }
            // A reader that stopped while chunks are handed out can only have panicked: its
            // chunk will never come back, so stop waiting (the sequential read reports it).
            let finished = loop {
                match done_receiver.recv_timeout(std::time::Duration::from_millis(200)) {
                    Ok(finished) => break Some(finished),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        if handles.iter().any(|handle| handle.is_finished()) {
                            break None;
                        }
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break None,
                }
            };
            let Some(finished) = finished else {
                certain = false;
                break;
            };
            in_flight -= 1;
            waiting.insert(finished.index, finished);
            match merge_ready(
                &mut waiting,
                &mut spare,
                &mut next_to_merge,
                &mut merged_last,
            ) {
                Ok(still_certain) => certain &= still_certain,
                Err(error) => failure = Some(error),
            }
        }
        drop(job_sender);
        // Let the workers finish what they hold and stop.
        while in_flight > 0 {
            if done_receiver.recv().is_err() {
                break;
            }
            in_flight -= 1;
        }
        let sinks: Vec<W> = handles
            .drain(..)
            .filter_map(|handle| handle.join().ok())
            .collect();
        if let Some(error) = failure {
            return Err(error);
        }
        if !certain || sinks.len() != workers {
            return Ok(None);
        }
        if rows_after_header == 0 {
            summary.add_diagnostic(header_only(file_label, shape.header_line));
        }
        Ok(Some(ParallelRead {
            bound: bound.clone(),
            summary,
            sinks,
        }))
    })
}

/// Adds the summary of the rows that follow those of `summary`, as if one summary had counted
/// them all in order (the first [`MAX_DIAGNOSTICS`] diagnostics are kept).
/// A rejected row: counted, and each of its cell problems a diagnostic at its line and column.
fn record_rejection(
    summary: &mut ReportSummary,
    file_label: &str,
    line: u64,
    problems: Vec<crate::mapping::CellProblem>,
) {
    summary.rejected += 1;
    for problem in problems {
        let mut diagnostic = Diagnostic::error(file_label, line, problem.reason);
        if let Some(column) = problem.column {
            diagnostic = diagnostic.at_column(column, problem.column_name.as_deref());
        }
        summary.add_diagnostic(diagnostic.with_value(&problem.value));
    }
}

fn merge_summary(summary: &mut ReportSummary, later: ReportSummary) {
    summary.lines += later.lines;
    summary.rejected += later.rejected;
    summary.skipped += later.skipped;
    for (currency, totals) in later.totals {
        let mine = summary.totals.entry(currency).or_default();
        mine.lines += totals.lines;
        mine.units += totals.units;
        mine.gross += totals.gross;
        mine.net += totals.net;
    }
    summary.first_sale_day = match (summary.first_sale_day, later.first_sale_day) {
        (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
        (mine, theirs) => mine.or(theirs),
    };
    summary.last_sale_day = match (summary.last_sale_day, later.last_sale_day) {
        (Some(mine), Some(theirs)) => Some(mine.max(theirs)),
        (mine, theirs) => mine.or(theirs),
    };
    let room = MAX_DIAGNOSTICS.saturating_sub(summary.diagnostics.len());
    summary
        .diagnostics
        .extend(later.diagnostics.into_iter().take(room));
    summary.diagnostics_total += later.diagnostics_total;
    summary.errors_total += later.errors_total;
}

/// Splits and converts one chunk into `sink`; `None` on any error. Gives the chunk's buffer back.
fn read_chunk<W: ChunkSink>(
    job: Job,
    bound: &BoundMapping,
    header_line: u64,
    delimiter: u8,
    file_label: &str,
    sink: &mut W,
    row_state: &mut RowState,
) -> (Option<ChunkDone<W::Output>>, Vec<u8>) {
    let mut splitter = RecordSplitter::over(
        job.bytes,
        job.length,
        delimiter,
        job.line,
        job.at_text_start,
    );
    let done = convert_chunk(
        &mut splitter,
        bound,
        header_line,
        file_label,
        sink,
        row_state,
    );
    (done, splitter.into_buffer())
}

fn convert_chunk<W: ChunkSink>(
    splitter: &mut RecordSplitter<std::io::Empty>,
    bound: &BoundMapping,
    header_line: u64,
    file_label: &str,
    sink: &mut W,
    row_state: &mut RowState,
) -> Option<ChunkDone<W::Output>> {
    let mut summary = ReportSummary::default();
    let mut rows_after_header = 0u64;
    while let Some(record) = splitter.next_record().ok()? {
        let line = record.line;
        if line <= header_line {
            continue;
        }
        rows_after_header += 1;
        match bound.convert_into(&record, line, row_state) {
            Conversion::Line(sale_line) => {
                summary.count_line(sale_line);
                sink.accept(sale_line).ok()?;
            }
            Conversion::Skipped => summary.skipped += 1,
            Conversion::Rejected(problems) => {
                record_rejection(&mut summary, file_label, line, problems)
            }
        }
    }
    let ended_between_records = splitter.ended_between_records();
    let output = sink.end_chunk().ok()?;
    Some(ChunkDone {
        output,
        summary,
        rows_after_header,
        ended_between_records,
    })
}

/// Fills `bytes` with the next chunk of `text`: `carry` (what the last chunk left after its
/// last line end), then text up to `chunk_bytes`, cut after its last line end (read on until
/// there is one). Returns the chunk's length (the buffer is longer: it is not cleared, to save
/// writing it twice) and whether the text ended.
fn next_chunk(
    text: &mut impl std::io::Read,
    carry: &mut Vec<u8>,
    bytes: &mut Vec<u8>,
    chunk_bytes: usize,
) -> std::io::Result<(usize, bool)> {
    let step = (chunk_bytes / 4).max(1);
    if bytes.len() < carry.len() + step {
        bytes.resize((carry.len() + step).max(chunk_bytes), 0);
    }
    bytes[..carry.len()].copy_from_slice(carry);
    let mut length = carry.len();
    carry.clear();
    let mut searched = 0;
    loop {
        if bytes.len() < length + step {
            bytes.resize((length + step).max(chunk_bytes), 0);
        }
        let read = match text.read(&mut bytes[length..]) {
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        length += read;
        if read == 0 {
            return Ok((length, true));
        }
        if length >= chunk_bytes {
            if let Some(last_line_end) = memchr::memrchr(b'\n', &bytes[searched..length]) {
                let cut = searched + last_line_end + 1;
                carry.extend_from_slice(&bytes[cut..length]);
                return Ok((cut, false));
            }
            searched = length;
        }
    }
}

/// Line ends in a chunk.
fn count_line_ends(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
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
        assert_eq!(
            style(b"Month\tStore\tCountry\tUnits\tNet\n2026-01\tS\tFR\t1\t1.234,50\n"),
            NumberStyle::CONTINENTAL_GROUPED
        );
        assert_eq!(
            style(b"Month,Store,Country,Units,Net\n2026-01,S,FR,1,\"1,234.50\"\n"),
            NumberStyle::ENGLISH_GROUPED
        );
        assert_eq!(
            style(b"Month,Store,Country,Units,Net\n2026-01,S,FR,1,0.004\n"),
            NumberStyle::PLAIN
        );
    }

    #[test]
    fn one_odd_amount_does_not_decide_for_the_file() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let mut text = String::from("Month\tStore\tCountry\tUnits\tNet\n");
        for row in 0..50 {
            text.push_str(&format!("2026-01\tS\tFR\t1\t{}.{:02}\n", row, row % 97));
        }
        text.push_str("2026-01\tS\tFR\t1\t6,849504\n");
        let (_, shape) = detect(text.as_bytes(), &mappings).unwrap();
        assert_eq!(shape.number_style, NumberStyle::PLAIN);
        assert_eq!(shape.number_style_note, None);
        // Decimal commas throughout, `0,004` among them: not a thousands separator.
        let (_, shape) = detect(
            b"Month;Store;Country;Units;Net\n2026-01;S;FR;1;0,004\n2026-01;S;FR;1;12,5\n",
            &mappings,
        )
        .unwrap();
        assert_eq!(
            (shape.number_style, shape.number_style_note),
            (NumberStyle::DECIMAL_COMMA, None)
        );
    }

    #[test]
    fn amounts_that_read_two_ways_are_a_guess_and_say_so() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let (_, shape) = detect(
            b"Month,Store,Country,Units,Net\n2026-01,S,FR,1,\"1,250\"\n2026-01,S,FR,1,\"2,125\"\n",
            &mappings,
        )
        .unwrap();
        assert_eq!(shape.number_style, NumberStyle::ENGLISH_GROUPED);
        let (line, note) = shape.number_style_note.unwrap();
        assert_eq!(line, 2);
        assert!(
            note.starts_with("amounts such as \"1,250\" can be read as 1250 or as 1.25, and no amount in the first 200 rows settles which; they were read as 1250."),
            "{note}"
        );
        // One amount that settles it: no note.
        let (_, shape) = detect(
            b"Month,Store,Country,Units,Net\n2026-01,S,FR,1,\"1,250\"\n2026-01,S,FR,1,\"2,125.50\"\n",
            &mappings,
        )
        .unwrap();
        assert_eq!(
            (shape.number_style, shape.number_style_note),
            (NumberStyle::ENGLISH_GROUPED, None)
        );
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
        let messages: Vec<String> = summary
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(
            messages[0].starts_with("r.csv:3:1: error: "),
            "{}",
            messages[0]
        );
        assert!(
            messages[0].ends_with("(column \"Month\", value \"2026-13\")"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].starts_with("r.csv:3:3: error: "),
            "{}",
            messages[1]
        );
        assert_eq!(messages[2], "r.csv:3:4: error: not a decimal number: unexpected 'x' at character 1 (column \"Units\", value \"x\")");
        assert_eq!(messages[3], "r.csv:3:5: error: not a decimal number: unexpected '.' at character 4 (column \"Net\", value \"1.2.3\")");
        assert_eq!(lines[1].units, -1);
        assert_eq!(lines[1].net.to_string(), "-0.25");
        assert_eq!(
            summary
                .net_by_currency()
                .values()
                .next()
                .map(ToString::to_string),
            Some("1.25".to_string())
        );
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
            let lines: Vec<u64> = records_of(text.as_bytes(), b',', 10)
                .into_iter()
                .map(|(line, _)| line)
                .collect();
            assert_eq!(lines, expected, "{text:?}");
        }
    }

    /// Collects each chunk's lines.
    struct Collect(Vec<SaleLine>);

    impl ChunkSink for Collect {
        type Error = std::convert::Infallible;
        type Output = Vec<SaleLine>;

        fn accept(&mut self, line: &SaleLine) -> Result<(), Self::Error> {
            self.0.push(line.clone());
            Ok(())
        }

        fn end_chunk(&mut self) -> Result<Vec<SaleLine>, Self::Error> {
            Ok(std::mem::take(&mut self.0))
        }
    }

    #[test]
    fn chunked_reads_agree_with_the_sequential_one_or_decline() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let mut text = String::from("\u{feff}Month,Store,Country,Units,Net\n");
        for row in 0..300 {
            match row % 7 {
                0 => text.push_str(&format!("2026-01,\"Spo,tify\",FR,{row},1.5\n")),
                1 => text.push_str("2026-13,Deezer,Atlantis,x,1.2.3\r\n"),
                2 => text.push_str(",,,,\n\n"),
                3 if row % 3 == 0 => {
                    text.push_str(&format!("2026-02,\"Multi\nline\",DE,{row},-0.25\n"))
                }
                _ => text.push_str(&format!("2026-02,Apple,DE,{row},0.{row}\n")),
            }
        }
        let (chosen, shape) = detect(text.as_bytes(), &mappings).unwrap();
        let mut sequential = Vec::new();
        let (_, expected) =
            read_rows(text.as_bytes(), "r.csv", chosen, &shape, &mut sequential).unwrap();
        let (mut agreed, mut declined) = (0, 0);
        for chunk_bytes in [1, 7, 40, 64, 333, 1000, 1 << 20] {
            for threads in [1, 2, 3] {
                let mut lines = Vec::new();
                let sinks = (0..threads).map(|_| Collect(Vec::new())).collect();
                let read = read_in_chunks(
                    text.as_bytes(),
                    "r.csv",
                    chosen,
                    &shape,
                    sinks,
                    |chunk| {
                        lines.extend(chunk);
                        Ok(())
                    },
                    chunk_bytes,
                )
                .unwrap();
                let Some(read) = read else {
                    declined += 1;
                    continue;
                };
                agreed += 1;
                assert_eq!(
                    read.summary, expected,
                    "{chunk_bytes} bytes per chunk, {threads} threads"
                );
                assert_eq!(
                    lines, sequential,
                    "{chunk_bytes} bytes per chunk, {threads} threads"
                );
            }
        }
        assert!(
            agreed > 0 && declined > 0,
            "{agreed} agreed, {declined} declined"
        );
        // Without quoted line breaks every cut is certain.
        let plain = text.replace("Multi\nline", "Multi line");
        let (chosen, shape) = detect(plain.as_bytes(), &mappings).unwrap();
        let mut sequential = Vec::new();
        let (_, expected) =
            read_rows(plain.as_bytes(), "r.csv", chosen, &shape, &mut sequential).unwrap();
        for chunk_bytes in [1, 7, 40, 64, 333] {
            let mut lines = Vec::new();
            let sinks = (0..2).map(|_| Collect(Vec::new())).collect();
            let read = read_in_chunks(
                plain.as_bytes(),
                "r.csv",
                chosen,
                &shape,
                sinks,
                |chunk| {
                    lines.extend(chunk);
                    Ok(())
                },
                chunk_bytes,
            )
            .unwrap()
            .expect("certain");
            assert_eq!(read.summary, expected);
            assert_eq!(lines, sequential);
        }
    }

    #[test]
    fn a_header_only_report_has_no_lines_and_a_warning_and_missing_columns_are_refused() {
        let mappings = vec![mapping(&["Store", "Net"], "")];
        let text = "Month,Store,Country,Units,Net\n";
        let (chosen, shape) = detect(text.as_bytes(), &mappings).unwrap();
        let mut lines = Vec::new();
        let (_, summary) = read_rows(text.as_bytes(), "h.csv", chosen, &shape, &mut lines).unwrap();
        assert!(lines.is_empty());
        assert_eq!((summary.lines, summary.rejected, summary.errors_total), (0, 0, 0));
        assert_eq!(
            summary.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["h.csv:1: warning: the report has a header but no rows: recorded as a report without sales (if the sender's report has sales, the file was cut off: get it again)"]
        );

        let text = "Store,Country,Units,Net\nS,FR,1,1\n";
        let (chosen, shape) = detect(text.as_bytes(), &mappings).unwrap();
        let error =
            read_rows(text.as_bytes(), "m.csv", chosen, &shape, &mut Vec::new()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "m.csv: line 1: missing column \"Month\" (field sale_period of mapping test/test/1)"
        );
    }
}
