//! DDEX DSR (Digital Sales Reporting) flat files: Basic Audio (Part 3, multi-record and
//! single-record variants), UGC (Part 4) and Financial Reporting to Record Companies (Part 9).
//!
//! # Reading
//!
//! A DSR file is TAB-separated text, one record per line (LF or CRLF), `#` lines are comments
//! and empty lines are allowed. Cells are never quoted (quotes are data) and use DSR's escaping
//! (Part 1 §6.6.4; `cells.rs` has the exact rules): backslash+TAB is a TAB inside a cell, two
//! backslashes+pipe a pipe inside a multi-value cell, three backslashes a backslash. Records are
//! dispatched on their exact RecordType including the version suffix; rows padded with extra
//! empty cells or missing trailing cells are read as they are, because spreadsheet exports do
//! both. Unknown record types are counted ([`DsrReport::unknown_record_types`]) and reported as
//! warnings.
//!
//! The file is read line by line into one reused buffer (line breaks found with `memchr`, at
//! most 16 MiB a line) and cells are located by one byte scan into a reused list of spans,
//! without allocating; only the strings a [`SaleLine`](crate::SaleLine) keeps are allocated.
//! Memory does not grow with the number of rows: a block (the records describing one release)
//! is contiguous, so only the current block is held, plus one entry per summary record.
//!
//! # What becomes a sale line
//!
//! | Profile | Line per | Units | Net | Currency |
//! |---|---|---|---|---|
//! | Basic Audio | SU01 (download), SU02 (stream), SR01/SR02 (single-record) | usages − returns | the row's share of its SY NetRevenue | SY CurrencyOfReporting |
//! | UGC | SU03; RU01 in blocks without SU03 (net 0) | Usages | SU03 NetRevenue | SY CurrencyOfReporting |
//! | Part 9 | SR08 | Usages − Returns | AllocatedNetRevenueInCurrencyOfAccounting | SY10 CurrencyOfAccounting |
//!
//! Every line takes from its summary record (linked by SummaryRecordId): the territory
//! (`Worldwide` too), the tier (CommercialModel: subscription → premium, advertisement
//! supported → ad-supported, anything with "trial" → trial, else other), the currency, the
//! original currency and exchange rate when the summary converted from another currency of
//! transaction, and the service: DistributionChannel, else the summary's ServiceDescription,
//! else HEAD's ServiceDescription, else HEAD's SenderName. In UGC several summary records may
//! share a SummaryRecordId (one per rights controller): lines take the first one's context and
//! their stated totals are added up. With a single summary record in the file, a row naming an
//! undefined SummaryRecordId is read as pointing to it, with a warning (DDEX's own sample names
//! "SY1" for the record "1"); otherwise it is refused. The sale period is HEAD's
//! UsageStartDate–UsageEndDate (Part 9: the SY10 reporting period when given). The ISRC (first
//! of a multi-value cell), track title and artist come from the AS record the row transacts,
//! the UPC, release title and catalog number from the RE record (the block's head release when
//! the row names only a resource). `reported_isrc`/`reported_upc` keep the cell as written;
//! `isrc`/`upc` are `None` when the cell is empty or invalid, and an invalid identifier is an
//! error diagnostic at its record's line and cell. The line itself is still passed on (its
//! units and money are sound; the reported text remains for matching), so skipping bad rows
//! does not lose money to an unreadable barcode.
//!
//! # Basic Audio money: streaming largest-remainder allocation
//!
//! Basic Audio puts the money on the summary records (SY NetRevenue) and only usage counts on
//! the rows. Each summary's NetRevenue is split among the valid rows pointing to it in
//! proportion to their usages (downloads or streams before returns), by largest remainder at
//! the full 12 fractional digits: the parts sum exactly to NetRevenue, each is within 10⁻¹² of
//! its exact share, and equal remainders favour the earlier row, exactly as
//! [`ledgerline_money::allocate_units`] would. Returns reduce a row's units but not its share:
//! the NetRevenue is already net of refunds and the rows carry no price of their own.
//!
//! To do this without holding the rows, the file is read twice (`open` is called twice). The
//! first read validates every row and tallies, per summary record, the number of rows of each
//! distinct usage count. A row's floor share and remainder depend only on its usage count, so
//! the tally yields how many units are left over and which remainder class is the last to
//! receive one (and how many of its rows, in file order, do). The second read hands every row
//! its floor plus the extra unit where due. [`allocation`] documents the arithmetic; the test
//! `dsr_allocation` proves it equal to `allocate_units` over many generated cases. Both reads
//! apply the same validation, so exactly the tallied rows receive shares; if the second read
//! sees a different file, parsing fails with [`DsrError::ChangedBetweenPasses`].
//!
//! In a multi-file report each file repeats the summary records but holds only some of the
//! rows, so there a row's share is computed against the summary's TotalUsages instead (the
//! usages outside the file form one more part that is never handed out). The report-level
//! totals (money and usages of each summary over every file, NumberOfLinesInReport and
//! NumberOfBlocksInReport) are checked by the importer when the file that completes the set
//! arrives (`ledgerline_import`'s `report_set`); [`SummaryRecordTotals`] carries what it needs.
//!
//! # Control totals
//!
//! Checked at the end of the file (RELIABILITY row 6). The FOOT counts (NumberOfLinesInFile
//! counts every line, HEAD, FOOT, comments and empty lines included; NumberOfSummaryRecords;
//! NumberOfBlocksInFile; and on a single-file report NumberOfLinesInReport and
//! NumberOfBlocksInReport) and each summary record's TotalUsages against the usages of the rows
//! pointing to it give warnings when they disagree: DDEX's own sample states 94 blocks and has
//! 3. Money that does not reconcile is an error that names both figures and the difference: a
//! UGC or Part 9 summary whose NetRevenue (Part 9: AllocatedNetRevenueInCurrencyOfAccounting)
//! differs from the sum of its rows (refused rows' readable money counted, so a refused row is
//! not reported twice), or a Basic Audio NetRevenue that no row can receive. A file without
//! FOOT (or SRFO) is truncated: an error. These errors concern the whole file, so they carry
//! line 0 (the summary record's line is in the reason, its cell in the column): the importer
//! refuses such a file even when told to skip bad rows. Because the diagnostics list is capped,
//! an error displaces a warning (and a file-level error a row error) from a full list, so what
//! decides the import is always in it.
//!
//! # Bad rows
//!
//! A usage row with a bad cell (not a number, an undefined SummaryRecordId, a reference to a
//! resource the block does not have…) is not passed to the sink; it is counted in
//! `summary.rejected` and described by an error [`Diagnostic`](crate::Diagnostic) with file,
//! line, column number, column name from the record layout, value and reason. Parsing goes on,
//! so one run lists every problem. A summary record with a bad cell makes every row pointing to
//! it a bad row.

pub mod allocation;
mod cells;
mod reading;
mod records;

use std::collections::BTreeMap;
use std::io::{self, BufRead};

use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal};

use self::allocation::StreamingAllocation;
use self::cells::CellSplitter;
use self::reading::{read_head, HeadRecord, Mode, Reading, SummaryGroup};
use crate::{Diagnostic, FormatId, LineSink, ReportSummary};

/// HEAD: who sent the report, to whom, for which period, and where the file sits in a
/// multi-file report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DsrHeader {
    /// `dsrf/<Part 1>/<AVS>/<Part 8>` in theory; real files also write `dsrf/30`.
    pub message_version: String,
    /// The Profile cell as written (`UGCProfile`); [`DsrReport::format`] has the canonical name.
    pub profile: String,
    pub profile_version: String,
    pub message_id: String,
    /// MessageCreatedDateTime as written (RFC 3339).
    pub created: String,
    pub file_number: u32,
    pub number_of_files: u32,
    pub usage_start: Date,
    pub usage_end: Date,
    pub sender_party_id: String,
    pub sender_name: String,
    pub service_description: String,
    pub recipient_party_id: String,
    pub recipient_name: String,
    pub represented_repertoire: Vec<String>,
}

impl DsrHeader {
    /// Whether this is the last file of its report, the one that carries the report's totals.
    pub fn is_last_file(&self) -> bool {
        self.file_number == self.number_of_files
    }
}

/// The footer's counts as the file states them (`None` when a cell is empty or not a count).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DsrFooter {
    /// `FOOT`, or `SRFO` in single-record-block profiles.
    pub record_type: String,
    pub line: u64,
    pub lines_in_file: Option<u64>,
    pub lines_in_report: Option<u64>,
    pub summary_records: Option<u64>,
    pub blocks_in_file: Option<u64>,
    pub blocks_in_report: Option<u64>,
}

/// One SummaryRecordId: what the summary states and what this file's rows add up to. In a
/// multi-file report the importer adds these up over the files to check the report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SummaryRecordTotals {
    pub summary_record_id: String,
    pub record_type: String,
    /// Line of the first summary record with this id.
    pub line: u64,
    /// Summary records sharing the id (UGC has one per rights controller).
    pub records: u64,
    /// `None` when the summary record has errors.
    pub currency: Option<Currency>,
    /// NetRevenue (Part 9: AllocatedNetRevenueInCurrencyOfAccounting), summed over the records.
    pub stated_amount: Option<Decimal>,
    pub stated_total_usages: Option<i128>,
    /// Accepted rows pointing to the summary in this file, their usages and their net.
    pub rows: u64,
    pub usages: i128,
    pub net: Decimal,
    /// Refused rows pointing to the summary in this file (kept with `--skip-bad-rows`), and the
    /// money of those whose money was readable; `rejected_money_unreadable` when some was not.
    pub rejected_rows: u64,
    pub rejected_net: Decimal,
    pub rejected_money_unreadable: bool,
}

/// What reading a DSR file found besides its lines.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DsrReport {
    /// `ddex-dsr/<canonical profile>/<ProfileVersion>`.
    pub format: FormatId,
    pub header: DsrHeader,
    pub summary: ReportSummary,
    /// Rows of record types Ledgerline does not read, by type.
    pub unknown_record_types: BTreeMap<String, u64>,
    pub footer: Option<DsrFooter>,
    /// Every line of the file, as FOOT's NumberOfLinesInFile counts them.
    pub lines_in_file: u64,
    pub blocks_in_file: u64,
    pub summary_records: Vec<SummaryRecordTotals>,
}

/// Why a file could not be read at all. Problems with rows are diagnostics in the report, not
/// errors.
#[derive(Debug, thiserror::Error)]
pub enum DsrError<E> {
    /// Reading failed; the message names the file and the line being read, the kind is the
    /// original one.
    #[error("cannot read the report: {0}")]
    Io(io::Error),
    /// The sink refused a line: the sink's own error, unchanged, so the importer can tell a
    /// full disk from a bad file.
    #[error("the sale line could not be stored: {0}")]
    Sink(E),
    #[error("{file}: not a DDEX DSR flat file: {reason}")]
    NotDsr { file: String, reason: String },
    #[error(
        "{file}:{line}: DSR profile \"{profile}\" is not supported; Ledgerline reads BasicAudioProfile, BasicAudioProfileSRB, UgcProfile and FinancialReportingToRecordCompaniesProfileSRB"
    )]
    UnsupportedProfile { file: String, line: u64, profile: String },
    #[error("{file}:{line}:{column}: HEAD cell {cell} (value \"{value}\"): {reason}")]
    Header { file: String, line: u64, column: usize, cell: String, value: String, reason: String },
    #[error("{file}: the report changed between its two reads ({detail}); import it from a copy that does not change")]
    ChangedBetweenPasses { file: String, detail: String },
}

/// Whether a file starts like a DSR flat file: its first line that is neither empty nor a `#`
/// comment is a HEAD record. `first_bytes` may end in the middle of a line.
pub fn looks_like_dsr(first_bytes: &[u8]) -> bool {
    let bytes = first_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first_bytes);
    for line in bytes.split(|byte| *byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.starts_with(b"#") || line.iter().all(|byte| *byte == b'\t' || *byte == b' ') {
            continue;
        }
        return line.starts_with(b"HEAD\t") || line == b"HEAD";
    }
    false
}

/// Reads a DSR file, passing each sale line to `sink` as it is read.
///
/// `open` is called once per read and returns the report's text, already decompressed and
/// decoded to UTF-8. Basic Audio needs two reads (see the module docs on allocation); UGC and
/// Part 9 one.
pub fn parse<R: BufRead, S: LineSink>(
    open: &mut dyn FnMut() -> io::Result<R>,
    file_label: &str,
    sink: &mut S,
) -> Result<DsrReport, DsrError<S::Error>> {
    let open_error = |source: io::Error| DsrError::Io(io_error_at(file_label, 0, source));
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut splitter = CellSplitter::default();
    let mut reader = open().map_err(open_error)?;
    let (head, lines_before_records) = read_head(&mut reader, &mut buffer, &mut splitter, file_label)?;

    let mut plans = Vec::new();
    let mut plan_diagnostics = Vec::new();
    let mut survey_groups: Option<(u64, Vec<SummaryGroup>)> = None;
    if head.profile.money_on_summary_records() {
        let mut survey = Reading::new(file_label, Mode::Survey, &head, sink, Vec::new(), lines_before_records);
        survey.read_records(&mut reader, &mut buffer, &mut splitter)?;
        let lines_in_file = survey.lines_in_file;
        let (_, groups, _) = survey.into_parts();
        (plans, plan_diagnostics) = plan_allocations(file_label, &head, &groups);
        survey_groups = Some((lines_in_file, groups));
        drop(reader);
        reader = open().map_err(open_error)?;
        let (second_head, second_lines_before_records) =
            read_head(&mut reader, &mut buffer, &mut splitter, file_label)?;
        if second_head.header != head.header || second_lines_before_records != lines_before_records {
            return Err(changed(file_label, "the HEAD record differs"));
        }
    }

    let mut full = Reading::new(file_label, Mode::Full, &head, sink, plans, lines_before_records);
    for diagnostic in plan_diagnostics {
        full.diagnose(diagnostic);
    }
    full.read_records(&mut reader, &mut buffer, &mut splitter)?;
    full.check_control_totals();
    let unknown_record_types = full.unknown_record_type_counts();
    let footer = full.footer.clone();
    let lines_in_file = full.lines_in_file;
    let blocks_in_file = full.blocks;
    let (summary, groups, plans) = full.into_parts();
    if let Some((survey_lines, survey_groups)) = survey_groups {
        check_same_file(file_label, &head, survey_lines, lines_in_file, &survey_groups, &groups, &plans)?;
    }
    Ok(DsrReport {
        format: FormatId {
            source: "ddex-dsr".to_string(),
            layout: head.profile.canonical_name().to_string(),
            version: head.header.profile_version.clone(),
        },
        summary_records: groups.iter().map(SummaryGroup::totals).collect(),
        header: head.header,
        summary,
        unknown_record_types,
        footer,
        lines_in_file,
        blocks_in_file,
    })
}

/// The error with the file and line in its message (line 0: opening the file), kind kept.
pub(crate) fn io_error_at(file: &str, line: u64, error: io::Error) -> io::Error {
    let place = if line == 0 { file.to_string() } else { format!("{file}:{line}") };
    io::Error::new(error.kind(), format!("{place}: {error}"))
}

fn changed<E>(file: &str, detail: &str) -> DsrError<E> {
    DsrError::ChangedBetweenPasses { file: file.to_string(), detail: detail.to_string() }
}

/// Plans each summary record's allocation from the first read's tallies.
fn plan_allocations(
    file: &str,
    head: &HeadRecord,
    groups: &[SummaryGroup],
) -> (Vec<Option<StreamingAllocation>>, Vec<Diagnostic>) {
    let multi_file = head.header.number_of_files > 1;
    let mut diagnostics = Vec::new();
    if multi_file {
        diagnostics.push(Diagnostic::warning(
            file,
            0,
            format!(
                "file {} of a {}-file report: each summary's NetRevenue covers every file, so rows receive their share of it against the summary's TotalUsages; the report's totals are checked over all its files when the last of them is imported",
                head.header.file_number, head.header.number_of_files
            ),
        ));
    }
    let plans = groups
        .iter()
        .map(|group| {
            let amount = group.stated_amount?;
            if group.context.is_none() || group.tally_overflowed || group.tally.rows() == 0 {
                return None;
            }
            let trailing_weight = if multi_file {
                let weight_sum = group.tally.weight_sum();
                match group.stated_total_usages.and_then(|total| u128::try_from(total).ok()) {
                    Some(total) if total >= weight_sum => Some(total - weight_sum),
                    _ => {
                        diagnostics.push(
                            Diagnostic::warning(
                                file,
                                group.first_line,
                                format!(
                                    "summary record {} gives no TotalUsages at least the {} usages of this file's rows, so its NetRevenue was allocated over this file's rows alone",
                                    group.id, weight_sum
                                ),
                            )
                            .at_column(group.total_usages_column(), Some("TotalUsages")),
                        );
                        None
                    }
                }
            } else {
                None
            };
            match StreamingAllocation::plan(amount.scaled(), &group.tally, trailing_weight) {
                Ok(plan) => Some(plan),
                Err(error) => {
                    // Single-file reports get a precise message from the control totals.
                    if multi_file {
                        diagnostics.push(
                            Diagnostic::error(
                                file,
                                group.first_line,
                                format!("NetRevenue of summary record {} cannot be allocated: {error}", group.id),
                            )
                            .at_column(group.amount_column(), Some("NetRevenue")),
                        );
                    }
                    None
                }
            }
        })
        .collect();
    (plans, diagnostics)
}

/// The second read must have seen the file the first read tallied, or the shares handed out
/// would not add up.
fn check_same_file<E>(
    file: &str,
    head: &HeadRecord,
    survey_lines: u64,
    full_lines: u64,
    survey_groups: &[SummaryGroup],
    full_groups: &[SummaryGroup],
    plans: &[Option<StreamingAllocation>],
) -> Result<(), DsrError<E>> {
    if survey_lines != full_lines {
        return Err(changed(file, &format!("{survey_lines} lines, then {full_lines}")));
    }
    if survey_groups.len() != full_groups.len() {
        return Err(changed(file, "the summary records differ"));
    }
    for ((survey, full), plan) in survey_groups.iter().zip(full_groups).zip(plans) {
        if survey.id != full.id || survey.rows != full.rows || survey.usages != full.usages {
            return Err(changed(file, &format!("the rows of summary record {} differ", survey.id)));
        }
        let handed_out_everything = head.header.number_of_files == 1;
        if let (Some(plan), Some(amount), true) = (plan, survey.stated_amount, handed_out_everything) {
            if plan.handed_out() != amount.scaled() {
                return Err(changed(file, &format!("the shares of summary record {} do not add up", survey.id)));
            }
        }
    }
    Ok(())
}
