//! One read of a DSR file: HEAD, summary records, blocks, usage rows and the footer, with the
//! control totals checked at the end.
//!
//! The same code serves both reads of a Basic Audio report. In the survey read
//! ([`Mode::Survey`]) nothing is emitted and no diagnostic is kept: the read only decides which
//! rows are valid and tallies their usages per summary record. The full read ([`Mode::Full`])
//! repeats every decision identically, so exactly the rows that were tallied receive a share.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use ledgerline_model::{Date, Icpn, Isrc, Territory};
use ledgerline_money::{Currency, Decimal, NumberStyle};

use super::allocation::{StreamingAllocation, UsageTally};
use super::cells::{read_line, CellSplitter, LineRead, Row, MAXIMUM_LINE_BYTES};
use super::records::{Profile, RecordKind, HEAD_CELLS};
use super::{io_error_at, DsrError, DsrFooter, DsrHeader, SummaryRecordTotals};
use crate::{Diagnostic, LineSink, ReportSummary, SaleLine, Tier, UsageType, MAX_DIAGNOSTICS};

/// Distinct unknown record types remembered; beyond this they are counted under one key, so a
/// file of garbage after a valid HEAD cannot grow the map without bound.
const MAXIMUM_UNKNOWN_RECORD_TYPES: usize = 1000;
/// Unknown record types are reported under at most this many characters.
const MAXIMUM_RECORD_TYPE_CHARACTERS: usize = 40;
const OTHER_UNKNOWN_RECORD_TYPES: &str = "(other)";
/// Undefined SummaryRecordIds warned about individually.
const MAXIMUM_REPORTED_UNDEFINED_IDS: usize = 100;

/// Which read this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// First read of a Basic Audio report: tally usages, emit nothing, keep no diagnostics.
    Survey,
    /// The read that emits lines and diagnostics.
    Full,
}

/// HEAD, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HeadRecord {
    pub(crate) header: DsrHeader,
    pub(crate) profile: Profile,
    pub(crate) line_number: u64,
}

fn header_error<E>(file: &str, row: &Row, column: usize, reason: impl Into<String>) -> DsrError<E> {
    DsrError::Header {
        file: file.to_string(),
        line: row.line_number,
        column,
        cell: HEAD_CELLS.get(column - 1).copied().unwrap_or("?").to_string(),
        value: row.text(column).chars().take(80).collect(),
        reason: reason.into(),
    }
}

/// Reads up to and including the HEAD record. Returns it and the number of lines read.
pub(crate) fn read_head<R: BufRead, E>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
    splitter: &mut CellSplitter,
    file: &str,
) -> Result<(HeadRecord, u64), DsrError<E>> {
    let mut line_number: u64 = 0;
    let not_dsr = |reason: String| DsrError::NotDsr { file: file.to_string(), reason };
    loop {
        let read =
            read_line(reader, buffer).map_err(|source| DsrError::Io(io_error_at(file, line_number + 1, source)))?;
        line_number += 1;
        match read {
            LineRead::EndOfFile if line_number == 1 => return Err(not_dsr("the file is empty".to_string())),
            LineRead::EndOfFile => {
                return Err(not_dsr(format!("no HEAD record: the {} lines are all comments or empty", line_number - 1)))
            }
            LineRead::TooLong { length_bytes } => {
                return Err(not_dsr(format!(
                    "line {line_number} is {length_bytes} bytes long without a line break, before any HEAD record"
                )))
            }
            LineRead::Line => {}
        }
        let bytes: &[u8] = if line_number == 1 {
            buffer.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buffer.as_slice())
        } else {
            buffer.as_slice()
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Err(not_dsr(format!("line {line_number} is not UTF-8 text")));
        };
        if text.starts_with('#') {
            continue;
        }
        let row = splitter.split(text, line_number);
        if row.is_blank() {
            continue;
        }
        let record_type = row.trimmed(1);
        if record_type != "HEAD" {
            let shown: String = record_type.chars().take(MAXIMUM_RECORD_TYPE_CHARACTERS).collect();
            return Err(not_dsr(format!("the first record, on line {line_number}, is \"{shown}\", not HEAD")));
        }
        return parse_head(&row, file).map(|head| (head, line_number));
    }
}

fn parse_head<E>(row: &Row, file: &str) -> Result<HeadRecord, DsrError<E>> {
    let profile_text = row.trimmed(3);
    let profile = Profile::parse(&profile_text).ok_or_else(|| DsrError::UnsupportedProfile {
        file: file.to_string(),
        line: row.line_number,
        profile: profile_text.chars().take(80).collect(),
    })?;
    let date = |column: usize| {
        Date::parse(&row.text(column)).map_err(|error| header_error::<E>(file, row, column, error.to_string()))
    };
    let usage_start = date(9)?;
    let usage_end = date(10)?;
    if usage_end < usage_start {
        return Err(header_error(file, row, 10, format!("the usage period ends before it starts ({usage_start})")));
    }
    let file_count = |column: usize| {
        let text = row.trimmed(column);
        match text.parse::<u32>() {
            Ok(number) if number >= 1 => Ok(number),
            _ => Err(header_error::<E>(file, row, column, "is not a file number (1, 2, 3…)")),
        }
    };
    let file_number = file_count(7)?;
    let number_of_files = file_count(8)?;
    if file_number > number_of_files {
        return Err(header_error(file, row, 7, format!("file {file_number} of a report of {number_of_files} files")));
    }
    let owned = |column: usize| row.trimmed(column).into_owned();
    let represented_repertoire =
        row.values(16).into_iter().map(|value| value.trim().to_string()).filter(|value| !value.is_empty()).collect();
    Ok(HeadRecord {
        header: DsrHeader {
            message_version: owned(2),
            profile: owned(3),
            profile_version: owned(4),
            message_id: owned(5),
            created: owned(6),
            file_number,
            number_of_files,
            usage_start,
            usage_end,
            sender_party_id: owned(11),
            sender_name: owned(12),
            service_description: owned(13),
            recipient_party_id: owned(14),
            recipient_name: owned(15),
            represented_repertoire,
        },
        profile,
        line_number: row.line_number,
    })
}

/// What a usage row inherits from its summary record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SummaryContext {
    service: String,
    territory: Territory,
    tier: Tier,
    /// From UseType, for records whose type does not say (SR08).
    usage_from_use_type: UsageType,
    pub(crate) currency: Currency,
    original_currency: Option<Currency>,
    fx_rate: Option<Decimal>,
    sale_start: Date,
    sale_end: Date,
}

/// The summary records sharing one SummaryRecordId (one per rights controller in UGC; always
/// one in the other profiles), and what this read found pointing to them.
#[derive(Clone, Debug)]
pub(crate) struct SummaryGroup {
    pub(crate) id: String,
    pub(crate) record_type: String,
    pub(crate) kind: RecordKind,
    pub(crate) first_line: u64,
    pub(crate) records: u64,
    /// `None` when a record of the group has an error: rows pointing to it are refused.
    pub(crate) context: Option<SummaryContext>,
    /// NetRevenue (Part 9: AllocatedNetRevenueInCurrencyOfAccounting), summed over the records.
    pub(crate) stated_amount: Option<Decimal>,
    pub(crate) stated_amount_text: String,
    pub(crate) stated_total_usages: Option<i128>,
    pub(crate) stated_total_usages_text: String,
    pub(crate) rows: u64,
    pub(crate) usages: i128,
    pub(crate) net: Decimal,
    pub(crate) tally: UsageTally,
    pub(crate) tally_overflowed: bool,
    /// Refused rows that pointed to the summary, and the money of those whose money was
    /// readable: a control total that fails only because of refused rows is theirs to explain.
    pub(crate) rejected_rows: u64,
    pub(crate) rejected_net: Decimal,
    pub(crate) rejected_money_unreadable: bool,
}

impl SummaryGroup {
    pub(crate) fn totals(&self) -> SummaryRecordTotals {
        SummaryRecordTotals {
            summary_record_id: self.id.clone(),
            record_type: self.record_type.clone(),
            line: self.first_line,
            records: self.records,
            currency: self.context.as_ref().map(|context| context.currency),
            stated_amount: self.stated_amount,
            stated_total_usages: self.stated_total_usages,
            rows: self.rows,
            usages: self.usages,
            net: self.net,
            rejected_rows: self.rejected_rows,
            rejected_net: self.rejected_net,
            rejected_money_unreadable: self.rejected_money_unreadable,
        }
    }

    pub(crate) fn amount_column(&self) -> usize {
        SummaryColumns::of(self.kind).amount
    }

    pub(crate) fn total_usages_column(&self) -> usize {
        SummaryColumns::of(self.kind).total_usages
    }
}

/// Where a summary record kind keeps the cells the parser reads.
struct SummaryColumns {
    channel: usize,
    commercial_model: usize,
    use_type: usize,
    territory: usize,
    service: usize,
    total_usages: usize,
    currency: usize,
    amount: usize,
    currency_of_transaction: usize,
    exchange_rate: usize,
    period: Option<(usize, usize)>,
}

impl SummaryColumns {
    fn of(kind: RecordKind) -> SummaryColumns {
        let shared = SummaryColumns {
            channel: 3,
            commercial_model: 5,
            use_type: 6,
            territory: 7,
            service: 8,
            total_usages: 9,
            currency: 11,
            amount: 12,
            currency_of_transaction: 14,
            exchange_rate: 15,
            period: None,
        };
        match kind {
            RecordKind::RightsControllerSummary => {
                SummaryColumns { currency_of_transaction: 20, exchange_rate: 21, ..shared }
            }
            RecordKind::SubscriptionSummary => {
                SummaryColumns { currency_of_transaction: 21, exchange_rate: 22, ..shared }
            }
            RecordKind::FinancialSummary => SummaryColumns {
                territory: 13,
                service: 14,
                total_usages: 17,
                currency: 22,
                amount: 38,
                currency_of_transaction: 21,
                exchange_rate: 23,
                period: Some((7, 8)),
                ..shared
            },
            _ => shared,
        }
    }
}

/// A bad cell: where, what and why.
struct CellProblem {
    column: usize,
    value: String,
    reason: String,
}

impl CellProblem {
    fn new(column: usize, value: &str, reason: impl Into<String>) -> CellProblem {
        CellProblem { column, value: value.to_string(), reason: reason.into() }
    }
}

/// Where a one-row-per-sale layout keeps the identity of what was sold.
struct IdentityCells {
    isrc: usize,
    icpn: usize,
    resource_artist: usize,
    release_artist: usize,
    /// The preferred proprietary id, and the one used when it is empty.
    proprietary_id: (usize, usize),
    catalog_number: usize,
    release_title: usize,
    track_title: usize,
}

/// SR01/SR02 (Basic Audio single-record variant).
const SINGLE_RECORD_IDENTITY_CELLS: IdentityCells = IdentityCells {
    isrc: 4,
    icpn: 24,
    resource_artist: 7,
    release_artist: 25,
    proprietary_id: (3, 21),
    catalog_number: 23,
    release_title: 27,
    track_title: 5,
};

/// SR08 (Part 9, Financial Reporting to Record Companies).
const FINANCIAL_SALE_IDENTITY_CELLS: IdentityCells = IdentityCells {
    isrc: 14,
    icpn: 4,
    resource_artist: 23,
    release_artist: 12,
    proprietary_id: (16, 5),
    catalog_number: 6,
    release_title: 10,
    track_title: 21,
};

/// The identifiers and names a sale line takes from its release and resource.
#[derive(Clone, Debug, Default)]
struct Identity {
    reported_upc: String,
    upc: Option<Icpn>,
    reported_isrc: String,
    isrc: Option<Isrc>,
    catalog_number: String,
    proprietary_id: String,
    release_title: String,
    track_title: String,
    artist: String,
}

#[derive(Clone, Debug, Default)]
struct ReleaseEntry {
    reference: String,
    dsp_release_id: String,
    catalog_number: String,
    reported_upc: String,
    upc: Option<Icpn>,
    title: String,
    artist: String,
    /// RE02 only: the ResourceReferences the sub-release consists of.
    used_resources: Vec<String>,
    is_head_release: bool,
}

#[derive(Clone, Debug, Default)]
struct ResourceEntry {
    reference: String,
    dsp_resource_id: String,
    reported_isrc: String,
    isrc: Option<Isrc>,
    title: String,
    artist: String,
}

/// One usage row, validated, waiting to become a sale line.
struct Usage {
    line_number: u64,
    group: usize,
    usage: UsageType,
    units: i64,
    /// Usages (streams, downloads before returns): the weight of the row's share in Basic Audio.
    usages: u64,
    /// The row's own money (UGC, Part 9); `None` when it comes from the summary record.
    row_money: Option<Decimal>,
    identity: Identity,
}

/// The block being read: blocks are contiguous, so only the current one is held.
#[derive(Default)]
struct Block {
    id: String,
    releases: Vec<ReleaseEntry>,
    resources: Vec<ResourceEntry>,
    has_ugc_usages: bool,
    /// RU01 rows become lines only in blocks without SU03 (where SU03 exists, RU01 breaks its
    /// usages down by video and would count them twice).
    pending_release_usages: Vec<Usage>,
}

impl Block {
    fn resource(&self, reference: &str) -> Option<&ResourceEntry> {
        self.resources.iter().find(|resource| resource.reference == reference)
    }

    fn release(&self, reference: &str) -> Option<&ReleaseEntry> {
        self.releases.iter().find(|release| release.reference == reference)
    }

    fn head_release(&self) -> Option<&ReleaseEntry> {
        self.releases.iter().find(|release| release.is_head_release)
    }

    /// The resource a UGC row is about: the one with that id, or the block's only resource.
    fn ugc_resource(&self, identifier: &str) -> Option<&ResourceEntry> {
        let found = if identifier.is_empty() {
            None
        } else {
            self.resources
                .iter()
                .find(|resource| resource.dsp_resource_id == identifier || resource.reference == identifier)
        };
        found.or(match self.resources.as_slice() {
            [only] => Some(only),
            _ => None,
        })
    }
}

fn identity_of(
    release: Option<&ReleaseEntry>,
    head: Option<&ReleaseEntry>,
    resource: Option<&ResourceEntry>,
) -> Identity {
    // The UPC belongs to the product sold: the release named, or the block's head release when
    // only a resource was named. A sub-release (RE02) has no ICPN of its own.
    let product = release.or(head);
    let titled_release = product.filter(|release| release.is_head_release).or(head);
    let (reported_upc, upc) = match product {
        Some(release) if release.is_head_release => (release.reported_upc.clone(), release.upc.clone()),
        _ => (String::new(), None),
    };
    let artist = match resource {
        Some(resource) if !resource.artist.is_empty() => resource.artist.clone(),
        _ => product.or(head).map(|release| release.artist.clone()).unwrap_or_default(),
    };
    Identity {
        reported_upc,
        upc,
        reported_isrc: resource.map(|resource| resource.reported_isrc.clone()).unwrap_or_default(),
        isrc: resource.and_then(|resource| resource.isrc.clone()),
        catalog_number: titled_release.map(|release| release.catalog_number.clone()).unwrap_or_default(),
        proprietary_id: match (resource, product) {
            (Some(resource), _) => resource.dsp_resource_id.clone(),
            (None, Some(release)) => release.dsp_release_id.clone(),
            (None, None) => String::new(),
        },
        release_title: titled_release.map(|release| release.title.clone()).unwrap_or_default(),
        track_title: resource.map(|resource| resource.title.clone()).unwrap_or_default(),
        artist,
    }
}

/// A whole number in a count cell: `5`, `5.` and `5.0` are all five.
fn parse_count(text: &str) -> Result<i64, String> {
    let value = Decimal::parse_bytes(text.as_bytes(), NumberStyle::PLAIN).map_err(|error| error.to_string())?;
    value
        .to_units(0)
        .and_then(|units| i64::try_from(units).ok())
        .ok_or_else(|| format!("\"{}\" is not a whole number", text.trim()))
}

fn parse_boolean(text: &str) -> Option<bool> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("true") || trimmed == "1" {
        Some(true)
    } else if trimmed.eq_ignore_ascii_case("false") || trimmed == "0" {
        Some(false)
    } else {
        None
    }
}

fn tier_of(commercial_model: &str) -> Tier {
    let lower = commercial_model.to_ascii_lowercase();
    if lower.contains("trial") {
        Tier::Trial
    } else if lower.contains("subscription") {
        Tier::Premium
    } else if lower.contains("advertisement") || lower.contains("adsupported") || lower.contains("adfunded") {
        Tier::AdSupported
    } else {
        Tier::Other
    }
}

fn usage_of_use_type(use_type: &str) -> UsageType {
    let lower = use_type.to_ascii_lowercase();
    if lower.contains("download") {
        UsageType::Download
    } else if lower.contains("stream") {
        UsageType::Stream
    } else {
        UsageType::Other
    }
}

/// Adds a diagnostic to the capped list so that what decides the import is never crowded out:
/// the importer refuses a file on any error in the list, and refuses `--skip-bad-rows` on a
/// file-level error (line 0, a control total). When the list is full, an error replaces the
/// last warning, and a file-level error the last row error.
fn keep_diagnostic(summary: &mut ReportSummary, diagnostic: Diagnostic) {
    if diagnostic.is_error() && summary.diagnostics.len() >= MAX_DIAGNOSTICS {
        let file_level = diagnostic.line == 0;
        let replaceable = summary.diagnostics.iter().rposition(|kept| !kept.is_error()).or_else(|| {
            if file_level {
                summary.diagnostics.iter().rposition(|kept| kept.line != 0)
            } else {
                None
            }
        });
        if let Some(position) = replaceable {
            summary.diagnostics.remove(position);
        }
    }
    summary.add_diagnostic(diagnostic);
}

#[derive(Clone, Copy, Debug)]
struct UnknownRecordType {
    count: u64,
    first_line: u64,
}

/// The state of one read.
pub(crate) struct Reading<'run, S: LineSink> {
    file: &'run str,
    mode: Mode,
    profile: Profile,
    header: &'run DsrHeader,
    sink: &'run mut S,
    pub(crate) summary: ReportSummary,
    pub(crate) lines_in_file: u64,
    summary_record_lines: u64,
    pub(crate) blocks: u64,
    pub(crate) footer: Option<DsrFooter>,
    pub(crate) groups: Vec<SummaryGroup>,
    group_index: HashMap<String, usize>,
    /// SummaryRecordIds of summary record types Ledgerline does not read, for clear messages.
    unread_summary_ids: HashMap<String, (String, u64)>,
    reported_undefined_ids: HashSet<String>,
    warned_late_summary: bool,
    block: Block,
    unknown_record_types: BTreeMap<String, UnknownRecordType>,
    /// Basic Audio full read: the plan of each summary group, by group index.
    plans: Vec<Option<StreamingAllocation>>,
}

type Outcome<E> = Result<(), DsrError<E>>;

impl<'run, S: LineSink> Reading<'run, S> {
    pub(crate) fn new(
        file: &'run str,
        mode: Mode,
        head: &'run HeadRecord,
        sink: &'run mut S,
        plans: Vec<Option<StreamingAllocation>>,
        lines_read: u64,
    ) -> Reading<'run, S> {
        Reading {
            file,
            mode,
            profile: head.profile,
            header: &head.header,
            sink,
            summary: ReportSummary::default(),
            lines_in_file: lines_read,
            summary_record_lines: 0,
            blocks: 0,
            footer: None,
            groups: Vec::new(),
            group_index: HashMap::new(),
            unread_summary_ids: HashMap::new(),
            reported_undefined_ids: HashSet::new(),
            warned_late_summary: false,
            block: Block::default(),
            unknown_record_types: BTreeMap::new(),
            plans,
        }
    }

    fn single_file(&self) -> bool {
        self.header.number_of_files == 1
    }

    pub(crate) fn diagnose(&mut self, diagnostic: Diagnostic) {
        if self.mode == Mode::Full {
            keep_diagnostic(&mut self.summary, diagnostic);
        }
    }

    fn cell_diagnostic(&self, line: u64, kind: RecordKind, problem: &CellProblem, error: bool) -> Diagnostic {
        let base = if error {
            Diagnostic::error(self.file, line, problem.reason.clone())
        } else {
            Diagnostic::warning(self.file, line, problem.reason.clone())
        };
        let placed = base.at_column(problem.column, kind.cell_name(problem.column));
        if problem.value.is_empty() {
            placed
        } else {
            placed.with_value(&problem.value)
        }
    }

    fn cell_error(&mut self, line: u64, kind: RecordKind, problem: CellProblem) {
        if self.mode == Mode::Full {
            let diagnostic = self.cell_diagnostic(line, kind, &problem, true);
            keep_diagnostic(&mut self.summary, diagnostic);
        }
    }

    fn cell_warning(&mut self, line: u64, kind: RecordKind, problem: CellProblem) {
        if self.mode == Mode::Full {
            let diagnostic = self.cell_diagnostic(line, kind, &problem, false);
            keep_diagnostic(&mut self.summary, diagnostic);
        }
    }

    /// Refuses a usage row: counted, and the reason kept.
    fn reject(&mut self, line: u64, kind: RecordKind, problem: CellProblem) {
        if self.mode == Mode::Full {
            self.summary.rejected += 1;
        }
        self.cell_error(line, kind, problem);
    }

    fn reject_line(&mut self, line: u64, reason: String) {
        if self.mode == Mode::Full {
            self.summary.rejected += 1;
            keep_diagnostic(&mut self.summary, Diagnostic::error(self.file, line, reason));
        }
    }

    /// The summary group of a usage row, or `None` after refusing the row.
    fn usage_summary(&mut self, row: &Row, kind: RecordKind, column: usize) -> Option<usize> {
        match self.resolve_summary(row, column) {
            Ok(group) => Some(group),
            Err(problem) => {
                self.reject(row.line_number, kind, problem);
                None
            }
        }
    }

    /// Refuses a row that pointed to a summary group; `row_money` is the row's own money when
    /// its kind carries one (`Err` when that cell was unreadable too).
    fn reject_in_group(
        &mut self,
        row: &Row,
        kind: RecordKind,
        group: usize,
        row_money: Option<Result<Decimal, ()>>,
        problem: CellProblem,
    ) {
        let summary_group = &mut self.groups[group];
        summary_group.rejected_rows += 1;
        match row_money {
            Some(Ok(money)) => summary_group.rejected_net += money,
            Some(Err(())) => summary_group.rejected_money_unreadable = true,
            None => {}
        }
        self.reject(row.line_number, kind, problem);
    }

    /// Reads every line after HEAD.
    pub(crate) fn read_records<R: BufRead>(
        &mut self,
        reader: &mut R,
        buffer: &mut Vec<u8>,
        splitter: &mut CellSplitter,
    ) -> Outcome<S::Error> {
        loop {
            let read = read_line(reader, buffer)
                .map_err(|source| DsrError::Io(io_error_at(self.file, self.lines_in_file + 1, source)))?;
            let line_number = self.lines_in_file + 1;
            match read {
                LineRead::EndOfFile => break,
                LineRead::Line => self.lines_in_file = line_number,
                LineRead::TooLong { length_bytes } => {
                    self.lines_in_file = line_number;
                    self.refuse_unreadable_line(
                        line_number,
                        buffer,
                        format!("line is {length_bytes} bytes long; lines longer than {MAXIMUM_LINE_BYTES} bytes are not read"),
                    );
                    continue;
                }
            }
            let text = match std::str::from_utf8(buffer) {
                Ok(text) => text,
                Err(error) => {
                    let reason =
                        format!("line is not UTF-8 text (invalid byte at position {})", error.valid_up_to() + 1);
                    self.refuse_unreadable_line(line_number, buffer, reason);
                    continue;
                }
            };
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let row = splitter.split(text, line_number);
            if row.is_blank() {
                continue;
            }
            self.handle_record(&row)?;
        }
        self.finish_block()
    }

    /// A line that cannot be split into cells. It counts as a refused row when its record type
    /// (ASCII, before the first TAB) is one that carries usages.
    fn refuse_unreadable_line(&mut self, line_number: u64, buffer: &[u8], reason: String) {
        let record_type_end = memchr::memchr(b'\t', buffer).unwrap_or(buffer.len()).min(MAXIMUM_RECORD_TYPE_CHARACTERS);
        let record_type = String::from_utf8_lossy(&buffer[..record_type_end]);
        if RecordKind::classify(record_type.trim()).is_some_and(RecordKind::carries_usage) {
            self.reject_line(line_number, reason);
        } else {
            self.diagnose(Diagnostic::error(self.file, line_number, reason));
        }
    }

    fn count_unknown_record_type(&mut self, record_type: &str, line_number: u64) {
        let mut key: String = record_type.chars().take(MAXIMUM_RECORD_TYPE_CHARACTERS).collect();
        if !self.unknown_record_types.contains_key(&key)
            && self.unknown_record_types.len() >= MAXIMUM_UNKNOWN_RECORD_TYPES
        {
            key = OTHER_UNKNOWN_RECORD_TYPES.to_string();
        }
        let entry =
            self.unknown_record_types.entry(key).or_insert(UnknownRecordType { count: 0, first_line: line_number });
        entry.count += 1;
    }

    fn handle_record(&mut self, row: &Row) -> Outcome<S::Error> {
        let record_type = row.trimmed(1);
        let kind = RecordKind::classify(&record_type);
        if self.footer.is_some() {
            let reason = format!("record {} after the footer; a DSR file ends with its footer", record_type);
            if kind.is_some_and(RecordKind::carries_usage) {
                self.reject_line(row.line_number, reason);
            } else {
                self.diagnose(Diagnostic::error(self.file, row.line_number, reason));
            }
            return Ok(());
        }
        let Some(kind) = kind else {
            if record_type.starts_with("SY") {
                // A summary record of a type Ledgerline does not read still counts for the
                // footer, and rows pointing to it deserve a precise message.
                self.summary_record_lines += 1;
                let id = row.trimmed(2).into_owned();
                if !id.is_empty() && !self.unread_summary_ids.contains_key(&id) {
                    self.unread_summary_ids.insert(id, (record_type.to_string(), row.line_number));
                }
            }
            self.count_unknown_record_type(&record_type, row.line_number);
            return Ok(());
        };
        match kind {
            RecordKind::Head => {
                self.diagnose(Diagnostic::error(self.file, row.line_number, "a second HEAD record; a file has one"));
                return Ok(());
            }
            RecordKind::Foot | RecordKind::SingleRecordFoot => return self.handle_footer(row, kind),
            _ => {}
        }
        if !self.profile.uses(kind) {
            if kind.carries_usage() {
                let reason = format!(
                    "record type {} is not part of the {} profile, so its usages cannot be read",
                    record_type,
                    self.profile.canonical_name()
                );
                self.reject_line(row.line_number, reason);
            } else {
                self.count_unknown_record_type(&record_type, row.line_number);
            }
            return Ok(());
        }
        if kind.is_summary() {
            self.handle_summary(row, kind, &record_type);
            return Ok(());
        }
        match kind {
            RecordKind::SingleRecordDownloads | RecordKind::SingleRecordStreams => {
                self.handle_single_record_sale(row, kind)
            }
            RecordKind::FinancialSales => self.handle_financial_sale(row),
            _ => {
                if !self.enter_block(row, kind)? {
                    return Ok(());
                }
                match kind {
                    RecordKind::Release => self.handle_release(row, kind),
                    RecordKind::SubRelease => self.handle_sub_release(row),
                    RecordKind::SoundRecording | RecordKind::SoundRecordingWithWork => self.handle_resource(row, kind),
                    RecordKind::DownloadSales | RecordKind::StreamUsages => self.handle_block_sale(row, kind),
                    RecordKind::UgcUsages => self.handle_ugc_usage(row),
                    RecordKind::UgcReleaseUsages => self.handle_ugc_release_usage(row),
                    RecordKind::LicensorShares => {
                        self.handle_licensor_share(row);
                        Ok(())
                    }
                    // MW01 carries nothing a sale line needs.
                    _ => Ok(()),
                }
            }
        }
    }

    /// Moves to the row's block, closing the previous one. Returns whether the row has a block.
    fn enter_block(&mut self, row: &Row, kind: RecordKind) -> Result<bool, DsrError<S::Error>> {
        let block_id = row.trimmed(2);
        if block_id.is_empty() {
            let problem = CellProblem::new(2, "", "BlockId is empty; every record of a block carries its BlockId");
            if kind.carries_usage() {
                self.reject(row.line_number, kind, problem);
            } else {
                self.cell_error(row.line_number, kind, problem);
            }
            return Ok(false);
        }
        if self.blocks == 0 || block_id != self.block.id.as_str() {
            self.finish_block()?;
            self.blocks += 1;
            self.block.id.clear();
            self.block.id.push_str(&block_id);
        }
        Ok(true)
    }

    fn finish_block(&mut self) -> Outcome<S::Error> {
        let pending = std::mem::take(&mut self.block.pending_release_usages);
        if !self.block.has_ugc_usages {
            for usage in pending {
                self.accept_usage(usage)?;
            }
        }
        self.block.releases.clear();
        self.block.resources.clear();
        self.block.has_ugc_usages = false;
        Ok(())
    }

    fn handle_footer(&mut self, row: &Row, kind: RecordKind) -> Outcome<S::Error> {
        self.finish_block()?;
        let mut count = |column: usize| -> Option<u64> {
            let text = row.trimmed(column);
            if text.is_empty() {
                return None;
            }
            match parse_count(&text).ok().and_then(|number| u64::try_from(number).ok()) {
                Some(number) => Some(number),
                None => {
                    let problem = CellProblem::new(column, &text, "is not a count");
                    self.cell_warning(row.line_number, kind, problem);
                    None
                }
            }
        };
        let footer = if kind == RecordKind::Foot {
            DsrFooter {
                record_type: "FOOT".to_string(),
                line: row.line_number,
                lines_in_file: count(2),
                lines_in_report: count(3),
                summary_records: count(4),
                blocks_in_file: count(5),
                blocks_in_report: count(6),
            }
        } else {
            DsrFooter {
                record_type: "SRFO".to_string(),
                line: row.line_number,
                lines_in_file: None,
                lines_in_report: count(2),
                summary_records: count(3),
                blocks_in_file: None,
                blocks_in_report: None,
            }
        };
        self.footer = Some(footer);
        Ok(())
    }

    fn handle_summary(&mut self, row: &Row, kind: RecordKind, record_type: &str) {
        self.summary_record_lines += 1;
        let line = row.line_number;
        if self.blocks > 0 && !self.warned_late_summary {
            self.warned_late_summary = true;
            self.diagnose(Diagnostic::warning(
                self.file,
                line,
                "summary record after the first block; summary records come before the blocks",
            ));
        }
        let id = row.trimmed(2).into_owned();
        if id.is_empty() {
            self.cell_error(line, kind, CellProblem::new(2, "", "SummaryRecordId is empty"));
            return;
        }
        let columns = SummaryColumns::of(kind);
        let mut problems: Vec<CellProblem> = Vec::new();

        let territory_text = row.trimmed(columns.territory);
        let territory = Territory::parse(&territory_text)
            .map_err(|error| problems.push(CellProblem::new(columns.territory, &territory_text, error.to_string())))
            .ok();
        let currency_text = row.trimmed(columns.currency);
        let currency = Currency::parse(&currency_text)
            .map_err(|error| problems.push(CellProblem::new(columns.currency, &currency_text, error.to_string())))
            .ok();
        let amount_text = row.trimmed(columns.amount).into_owned();
        let amount = Decimal::parse_bytes(amount_text.as_bytes(), NumberStyle::PLAIN)
            .map_err(|error| problems.push(CellProblem::new(columns.amount, &amount_text, error.to_string())))
            .ok();
        let total_usages_text = row.trimmed(columns.total_usages).into_owned();
        let stated_total_usages = if total_usages_text.is_empty() {
            None
        } else {
            parse_count(&total_usages_text)
                .map_err(|reason| problems.push(CellProblem::new(columns.total_usages, &total_usages_text, reason)))
                .ok()
                .map(i128::from)
        };
        let transaction_text = row.trimmed(columns.currency_of_transaction);
        let currency_of_transaction = if transaction_text.is_empty() {
            None
        } else {
            Currency::parse(&transaction_text)
                .map_err(|error| {
                    problems.push(CellProblem::new(
                        columns.currency_of_transaction,
                        &transaction_text,
                        error.to_string(),
                    ))
                })
                .ok()
        };
        let rate_text = row.trimmed(columns.exchange_rate);
        let exchange_rate = if rate_text.is_empty() {
            None
        } else {
            Decimal::parse_bytes(rate_text.as_bytes(), NumberStyle::PLAIN)
                .map_err(|error| problems.push(CellProblem::new(columns.exchange_rate, &rate_text, error.to_string())))
                .ok()
        };
        let mut sale_start = self.header.usage_start;
        let mut sale_end = self.header.usage_end;
        if let Some((start_column, end_column)) = columns.period {
            for (column, target) in [(start_column, &mut sale_start), (end_column, &mut sale_end)] {
                let text = row.trimmed(column);
                if !text.is_empty() {
                    match Date::parse(&text) {
                        Ok(date) => *target = date,
                        Err(error) => problems.push(CellProblem::new(column, &text, error.to_string())),
                    }
                }
            }
        }
        let channel = row.trimmed(columns.channel);
        let service_description = row.trimmed(columns.service);
        // The platform as the report names it: the distribution channel, else the summary's
        // service description, else HEAD's, else the sender.
        let service = [
            channel.as_ref(),
            service_description.as_ref(),
            self.header.service_description.as_str(),
            self.header.sender_name.as_str(),
        ]
        .into_iter()
        .find(|text| !text.is_empty())
        .unwrap_or("")
        .to_string();

        let context = match (territory, currency, amount, problems.is_empty()) {
            (Some(territory), Some(currency), Some(_), true) => {
                // A currency of transaction equal to the currency of reporting is no conversion.
                let original_currency = currency_of_transaction.filter(|original| *original != currency);
                Some(SummaryContext {
                    service,
                    territory,
                    tier: tier_of(&row.text(columns.commercial_model)),
                    usage_from_use_type: usage_of_use_type(&row.text(columns.use_type)),
                    currency,
                    original_currency,
                    fx_rate: original_currency.and(exchange_rate),
                    sale_start,
                    sale_end,
                })
            }
            _ => None,
        };
        for problem in problems {
            self.cell_error(line, kind, problem);
        }

        if let Some(&index) = self.group_index.get(&id) {
            self.merge_summary(index, row, kind, context, amount, stated_total_usages);
            return;
        }
        self.group_index.insert(id.clone(), self.groups.len());
        self.groups.push(SummaryGroup {
            id,
            record_type: record_type.to_string(),
            kind,
            first_line: line,
            records: 1,
            context,
            stated_amount: amount,
            stated_amount_text: amount_text,
            stated_total_usages,
            stated_total_usages_text: total_usages_text,
            rows: 0,
            usages: 0,
            net: Decimal::ZERO,
            tally: UsageTally::default(),
            tally_overflowed: false,
            rejected_rows: 0,
            rejected_net: Decimal::ZERO,
            rejected_money_unreadable: false,
        });
    }

    /// A second summary record with the same SummaryRecordId: in UGC one per rights controller
    /// (their amounts add up), anywhere else an error.
    fn merge_summary(
        &mut self,
        index: usize,
        row: &Row,
        kind: RecordKind,
        context: Option<SummaryContext>,
        amount: Option<Decimal>,
        stated_total_usages: Option<i128>,
    ) {
        let line = row.line_number;
        let group = &self.groups[index];
        let first_line = group.first_line;
        let id = group.id.clone();
        if self.profile != Profile::Ugc || group.kind != kind {
            let problem = CellProblem::new(
                2,
                &id,
                format!("SummaryRecordId is already used by the summary record on line {first_line}; this record is ignored"),
            );
            self.cell_error(line, kind, problem);
            return;
        }
        let columns = SummaryColumns::of(kind);
        let mut errors: Vec<CellProblem> = Vec::new();
        let mut warnings: Vec<CellProblem> = Vec::new();
        if let (Some(first), Some(this)) = (&group.context, &context) {
            if first.currency != this.currency {
                errors.push(CellProblem::new(
                    columns.currency,
                    this.currency.code(),
                    format!("summary record {id} on line {first_line} is in {}; records sharing a SummaryRecordId must share the currency", first.currency),
                ));
            }
            if first.territory != this.territory {
                errors.push(CellProblem::new(
                    columns.territory,
                    &row.trimmed(columns.territory),
                    format!("summary record {id} on line {first_line} is for {}; records sharing a SummaryRecordId must share the territory", first.territory.alpha2()),
                ));
            }
            if first.service != this.service {
                warnings.push(CellProblem::new(
                    columns.service,
                    &this.service,
                    format!(
                        "summary record {id} on line {first_line} names the service \"{}\"; its lines keep that name",
                        first.service
                    ),
                ));
            }
        }
        let group = &mut self.groups[index];
        group.records += 1;
        group.stated_amount = match (group.stated_amount, amount) {
            (Some(sum), Some(amount)) => Some(sum + amount),
            _ => None,
        };
        group.stated_total_usages = match (group.stated_total_usages, stated_total_usages) {
            (Some(sum), Some(usages)) => Some(sum + usages),
            _ => None,
        };
        // Messages about the group quote the sums, not the first record's figures.
        group.stated_amount_text = group.stated_amount.map(|sum| sum.to_string()).unwrap_or_default();
        group.stated_total_usages_text = group.stated_total_usages.map(|sum| sum.to_string()).unwrap_or_default();
        if context.is_none() || !errors.is_empty() {
            group.context = None;
        }
        for problem in errors {
            self.cell_error(line, kind, problem);
        }
        for problem in warnings {
            self.cell_warning(line, kind, problem);
        }
    }

    /// The summary group a usage row points to.
    fn resolve_summary(&mut self, row: &Row, column: usize) -> Result<usize, CellProblem> {
        let id = row.trimmed(column);
        if id.is_empty() {
            return Err(CellProblem::new(column, "", "SummaryRecordId is empty"));
        }
        let index = match self.group_index.get(id.as_ref()) {
            Some(&index) => index,
            None => {
                if let Some((record_type, line)) = self.unread_summary_ids.get(id.as_ref()) {
                    return Err(CellProblem::new(
                        column,
                        &id,
                        format!(
                            "points to a {record_type} summary record (line {line}), a type Ledgerline does not read"
                        ),
                    ));
                }
                if self.groups.len() != 1 || !self.unread_summary_ids.is_empty() {
                    return Err(CellProblem::new(column, &id, "no summary record has this SummaryRecordId"));
                }
                // With a single summary record every row must point to it; DDEX's own BAP
                // sample writes "SY1" in the rows for the record "1".
                if self.reported_undefined_ids.len() < MAXIMUM_REPORTED_UNDEFINED_IDS
                    && self.reported_undefined_ids.insert(id.to_string())
                {
                    let only = self.groups[0].id.clone();
                    let message = format!(
                        "no summary record has SummaryRecordId \"{id}\"; the report has a single summary record (\"{only}\", line {}), so rows naming \"{id}\" are read as pointing to it",
                        self.groups[0].first_line
                    );
                    self.diagnose(
                        Diagnostic::warning(self.file, row.line_number, message)
                            .at_column(column, Some("SummaryRecordId")),
                    );
                }
                0
            }
        };
        let group = &self.groups[index];
        if group.context.is_none() {
            return Err(CellProblem::new(
                column,
                &id,
                format!(
                    "summary record {} (line {}) has errors, so rows pointing to it cannot be read",
                    group.id, group.first_line
                ),
            ));
        }
        Ok(index)
    }

    fn count_cell(row: &Row, column: usize, required: bool) -> Result<i64, CellProblem> {
        let text = row.trimmed(column);
        if text.is_empty() {
            return if required { Err(CellProblem::new(column, "", "is empty; a count is required")) } else { Ok(0) };
        }
        let count = parse_count(&text).map_err(|reason| CellProblem::new(column, &text, reason))?;
        if count < 0 {
            return Err(CellProblem::new(
                column,
                &text,
                "is negative; usages and returns are counted as positive numbers",
            ));
        }
        Ok(count)
    }

    fn money_cell(row: &Row, column: usize) -> Result<Decimal, CellProblem> {
        let text = row.trimmed(column);
        Decimal::parse_bytes(text.as_bytes(), NumberStyle::PLAIN)
            .map_err(|error| CellProblem::new(column, &text, error.to_string()))
    }

    fn check_boolean(row: &Row, column: usize) -> Result<(), CellProblem> {
        let text = row.trimmed(column);
        if text.is_empty() || parse_boolean(&text).is_some() {
            Ok(())
        } else {
            Err(CellProblem::new(column, &text, "is not a boolean (true or false)"))
        }
    }

    /// Reads an ISRC cell (multi-value; the first value is the line's ISRC). Every invalid value
    /// is an error at its cell; the text as reported is kept either way.
    fn isrc_cell(&mut self, row: &Row, kind: RecordKind, column: usize) -> (String, Option<Isrc>) {
        let reported = row.trimmed(column).into_owned();
        if self.mode == Mode::Survey || reported.is_empty() {
            return (reported, None);
        }
        let mut first: Option<Option<Isrc>> = None;
        for value in row.values(column) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let parsed = match Isrc::parse(value) {
                Ok(isrc) => Some(isrc),
                Err(error) => {
                    self.cell_error(row.line_number, kind, CellProblem::new(column, value, error.to_string()));
                    None
                }
            };
            if first.is_none() {
                first = Some(parsed);
            }
        }
        (reported, first.flatten())
    }

    fn icpn_cell(&mut self, row: &Row, kind: RecordKind, column: usize) -> (String, Option<Icpn>) {
        let reported = row.trimmed(column).into_owned();
        if self.mode == Mode::Survey || reported.is_empty() {
            return (reported, None);
        }
        match Icpn::parse(&reported) {
            Ok(icpn) => (reported, Some(icpn)),
            Err(error) => {
                self.cell_error(row.line_number, kind, CellProblem::new(column, &reported, error.to_string()));
                (reported, None)
            }
        }
    }

    fn handle_release(&mut self, row: &Row, kind: RecordKind) -> Outcome<S::Error> {
        let (reported_upc, upc) = self.icpn_cell(row, kind, 7);
        let is_head_release = self.block.head_release().is_none();
        self.block.releases.push(ReleaseEntry {
            reference: row.trimmed(3).into_owned(),
            dsp_release_id: row.trimmed(4).into_owned(),
            catalog_number: row.trimmed(6).into_owned(),
            reported_upc,
            upc,
            title: row.text(10).into_owned(),
            artist: row.text(8).into_owned(),
            used_resources: Vec::new(),
            is_head_release,
        });
        Ok(())
    }

    fn handle_sub_release(&mut self, row: &Row) -> Outcome<S::Error> {
        let used_resources =
            row.values(6).into_iter().map(|value| value.trim().to_string()).filter(|value| !value.is_empty()).collect();
        self.block.releases.push(ReleaseEntry {
            reference: row.trimmed(3).into_owned(),
            dsp_release_id: row.trimmed(4).into_owned(),
            used_resources,
            is_head_release: false,
            ..ReleaseEntry::default()
        });
        Ok(())
    }

    fn handle_resource(&mut self, row: &Row, kind: RecordKind) -> Outcome<S::Error> {
        let (reported_isrc, isrc) = self.isrc_cell(row, kind, 5);
        self.block.resources.push(ResourceEntry {
            reference: row.trimmed(3).into_owned(),
            dsp_resource_id: row.trimmed(4).into_owned(),
            reported_isrc,
            isrc,
            title: row.text(6).into_owned(),
            artist: row.text(8).into_owned(),
        });
        Ok(())
    }

    /// The identity of an SU01/SU02 row from its TransactedRelease and TransactedResource.
    fn block_identity(
        &self,
        row: &Row,
        release_column: usize,
        resource_column: usize,
    ) -> Result<Identity, CellProblem> {
        let release_reference = row.trimmed(release_column);
        let resource_reference = row.trimmed(resource_column);
        if release_reference.is_empty() && resource_reference.is_empty() {
            return Err(CellProblem::new(
                release_column,
                "",
                "neither TransactedRelease nor TransactedResource is given",
            ));
        }
        let block = &self.block;
        let mut resource = None;
        if !resource_reference.is_empty() {
            resource = Some(block.resource(&resource_reference).ok_or_else(|| {
                CellProblem::new(
                    resource_column,
                    &resource_reference,
                    format!("block {} has no resource with this ResourceReference", block.id),
                )
            })?);
        }
        let mut release = None;
        if !release_reference.is_empty() {
            release = Some(block.release(&release_reference).ok_or_else(|| {
                CellProblem::new(
                    release_column,
                    &release_reference,
                    format!("block {} has no release with this ReleaseReference", block.id),
                )
            })?);
        }
        if self.mode == Mode::Survey {
            return Ok(Identity::default());
        }
        // A sub-release sold on its own stands for the resources it consists of.
        let resource = resource.or_else(|| {
            release
                .filter(|release| !release.is_head_release)
                .and_then(|release| release.used_resources.first())
                .and_then(|reference| block.resource(reference))
        });
        Ok(identity_of(release, block.head_release(), resource))
    }

    fn handle_block_sale(&mut self, row: &Row, kind: RecordKind) -> Outcome<S::Error> {
        let Some(group) = self.usage_summary(row, kind, 3) else {
            return Ok(());
        };
        let result = (|| {
            Self::check_boolean(row, 7)?;
            let (usages, returns) = if kind == RecordKind::DownloadSales {
                (Self::count_cell(row, 9, true)?, Self::count_cell(row, 10, false)?)
            } else {
                (Self::count_cell(row, 8, true)?, 0)
            };
            let identity = self.block_identity(row, 5, 6)?;
            Ok(Usage {
                line_number: row.line_number,
                group,
                usage: if kind == RecordKind::DownloadSales { UsageType::Download } else { UsageType::Stream },
                units: usages - returns,
                usages: usages.unsigned_abs(),
                row_money: None,
                identity,
            })
        })();
        match result {
            Ok(usage) => self.accept_usage(usage),
            Err(problem) => {
                self.reject_in_group(row, kind, group, None, problem);
                Ok(())
            }
        }
    }

    fn handle_single_record_sale(&mut self, row: &Row, kind: RecordKind) -> Outcome<S::Error> {
        let downloads = kind == RecordKind::SingleRecordDownloads;
        let Some(group) = self.usage_summary(row, kind, 2) else {
            return Ok(());
        };
        let result = (|| {
            let (usages, returns) = if downloads {
                Self::check_boolean(row, 35)?;
                (Self::count_cell(row, 37, true)?, Self::count_cell(row, 38, false)?)
            } else {
                Self::check_boolean(row, 34)?;
                (Self::count_cell(row, 35, true)?, 0)
            };
            Ok((usages, returns))
        })();
        let (usages, returns) = match result {
            Ok(values) => values,
            Err(problem) => {
                self.reject_in_group(row, kind, group, None, problem);
                return Ok(());
            }
        };
        let identity = self.single_record_identity(row, kind);
        self.accept_usage(Usage {
            line_number: row.line_number,
            group,
            usage: if downloads { UsageType::Download } else { UsageType::Stream },
            units: usages - returns,
            usages: usages.unsigned_abs(),
            row_money: None,
            identity,
        })
    }

    fn single_record_identity(&mut self, row: &Row, kind: RecordKind) -> Identity {
        self.identity_from_cells(row, kind, &SINGLE_RECORD_IDENTITY_CELLS)
    }

    /// The identifiers and names of a one-row-per-sale record (SR01/SR02, SR08), read from the
    /// cell positions of its layout.
    fn identity_from_cells(&mut self, row: &Row, kind: RecordKind, cells: &IdentityCells) -> Identity {
        if self.mode == Mode::Survey {
            return Identity::default();
        }
        let (reported_isrc, isrc) = self.isrc_cell(row, kind, cells.isrc);
        let (reported_upc, upc) = self.icpn_cell(row, kind, cells.icpn);
        let resource_artist = row.text(cells.resource_artist);
        let (preferred_id, fallback_id) = cells.proprietary_id;
        let proprietary_id = if row.trimmed(preferred_id).is_empty() { row.trimmed(fallback_id) } else { row.trimmed(preferred_id) };
        Identity {
            reported_upc,
            upc,
            reported_isrc,
            isrc,
            catalog_number: row.trimmed(cells.catalog_number).into_owned(),
            proprietary_id: proprietary_id.into_owned(),
            release_title: row.text(cells.release_title).into_owned(),
            track_title: row.text(cells.track_title).into_owned(),
            artist: if resource_artist.is_empty() {
                row.text(cells.release_artist).into_owned()
            } else {
                resource_artist.into_owned()
            },
        }
    }

    fn handle_financial_sale(&mut self, row: &Row) -> Outcome<S::Error> {
        let kind = RecordKind::FinancialSales;
        let Some(group) = self.usage_summary(row, kind, 25) else {
            return Ok(());
        };
        let money = Self::money_cell(row, 47);
        let result = (|| {
            let usages = Self::count_cell(row, 27, true)?;
            let returns = Self::count_cell(row, 28, false)?;
            Ok((usages, returns))
        })();
        let (usages, returns, money) = match (result, money) {
            (Ok((usages, returns)), Ok(money)) => (usages, returns, money),
            (Err(problem), money) => {
                self.reject_in_group(row, kind, group, Some(money.map_err(|_| ())), problem);
                return Ok(());
            }
            (Ok(_), Err(problem)) => {
                self.reject_in_group(row, kind, group, Some(Err(())), problem);
                return Ok(());
            }
        };
        let identity = self.identity_from_cells(row, kind, &FINANCIAL_SALE_IDENTITY_CELLS);
        let usage = self.groups[group].context.as_ref().map_or(UsageType::Other, |context| context.usage_from_use_type);
        self.accept_usage(Usage {
            line_number: row.line_number,
            group,
            usage,
            units: usages - returns,
            usages: usages.unsigned_abs(),
            row_money: Some(money),
            identity,
        })
    }

    fn ugc_identity(&self, resource_identifier: &str) -> Identity {
        if self.mode == Mode::Survey {
            return Identity::default();
        }
        let resource = self.block.ugc_resource(resource_identifier);
        let mut identity = identity_of(None, self.block.head_release(), resource);
        if identity.proprietary_id.is_empty() {
            identity.proprietary_id = resource_identifier.to_string();
        }
        identity
    }

    fn handle_ugc_usage(&mut self, row: &Row) -> Outcome<S::Error> {
        let kind = RecordKind::UgcUsages;
        self.block.has_ugc_usages = true;
        let Some(group) = self.usage_summary(row, kind, 4) else {
            return Ok(());
        };
        let money = Self::money_cell(row, 7);
        let result = (|| {
            let usages = Self::count_cell(row, 6, true)?;
            Self::check_boolean(row, 11)?;
            Ok(usages)
        })();
        let (usages, money) = match (result, money) {
            (Ok(usages), Ok(money)) => (usages, money),
            (Err(problem), money) => {
                self.reject_in_group(row, kind, group, Some(money.map_err(|_| ())), problem);
                return Ok(());
            }
            (Ok(_), Err(problem)) => {
                self.reject_in_group(row, kind, group, Some(Err(())), problem);
                return Ok(());
            }
        };
        let identity = self.ugc_identity(&row.trimmed(5));
        // RU01 rows of this block were a breakdown of these usages; they are not lines.
        self.block.pending_release_usages.clear();
        self.accept_usage(Usage {
            line_number: row.line_number,
            group,
            usage: UsageType::Ugc,
            units: usages,
            usages: usages.unsigned_abs(),
            row_money: Some(money),
            identity,
        })
    }

    fn handle_ugc_release_usage(&mut self, row: &Row) -> Outcome<S::Error> {
        let kind = RecordKind::UgcReleaseUsages;
        let Some(group) = self.usage_summary(row, kind, 3) else {
            return Ok(());
        };
        let result = (|| {
            let mut usages: i64 = 0;
            for value in row.values(5) {
                let value = value.trim();
                if value.is_empty() {
                    continue;
                }
                let count = parse_count(value).map_err(|reason| CellProblem::new(5, value, reason))?;
                if count < 0 {
                    return Err(CellProblem::new(5, value, "is negative; usages are counted as positive numbers"));
                }
                usages = usages
                    .checked_add(count)
                    .ok_or_else(|| CellProblem::new(5, value, "the usages add up to more than can be counted"))?;
            }
            Ok(usages)
        })();
        let usages = match result {
            Ok(usages) => usages,
            Err(problem) => {
                self.reject_in_group(row, kind, group, None, problem);
                return Ok(());
            }
        };
        if self.block.has_ugc_usages {
            return Ok(());
        }
        let identity = self.ugc_identity(&row.trimmed(7));
        self.block.pending_release_usages.push(Usage {
            line_number: row.line_number,
            group,
            usage: UsageType::Ugc,
            units: usages,
            usages: usages.unsigned_abs(),
            row_money: Some(Decimal::ZERO),
            identity,
        });
        Ok(())
    }

    /// LI01 amounts are not sale lines (the SU03 row carries the money), but bad numbers in
    /// them are bad data.
    fn handle_licensor_share(&mut self, row: &Row) {
        for column in [9, 10] {
            let text = row.trimmed(column);
            if !text.is_empty() {
                if let Err(error) = Decimal::parse_bytes(text.as_bytes(), NumberStyle::PLAIN) {
                    let problem = CellProblem::new(column, &text, error.to_string());
                    self.cell_error(row.line_number, RecordKind::LicensorShares, problem);
                }
            }
        }
    }

    /// Counts a valid usage row into its summary group and, in the full read, emits its line.
    fn accept_usage(&mut self, usage: Usage) -> Outcome<S::Error> {
        let group = &mut self.groups[usage.group];
        group.rows += 1;
        group.usages += i128::from(usage.usages);
        if self.mode == Mode::Survey {
            if usage.row_money.is_none() && group.tally.add(usage.usages).is_err() {
                group.tally_overflowed = true;
            }
            return Ok(());
        }
        let net = match usage.row_money {
            Some(money) => money,
            None => match self.plans.get_mut(usage.group).and_then(Option::as_mut) {
                Some(plan) => Decimal::from_scaled(plan.share(usage.usages)),
                None => Decimal::ZERO,
            },
        };
        group.net += net;
        let Some(context) = &group.context else {
            // resolve_summary refuses rows of groups without a context.
            return Ok(());
        };
        let identity = usage.identity;
        let line = SaleLine {
            line_number: usage.line_number,
            sale_start: context.sale_start,
            sale_end: context.sale_end,
            reporting_month: None,
            service: context.service.clone(),
            territory: context.territory,
            usage: usage.usage,
            tier: context.tier,
            reported_upc: identity.reported_upc,
            reported_isrc: identity.reported_isrc,
            upc: identity.upc,
            isrc: identity.isrc,
            catalog_number: identity.catalog_number,
            proprietary_id: identity.proprietary_id,
            release_title: identity.release_title,
            track_title: identity.track_title,
            artist: identity.artist,
            units: usage.units,
            gross: None,
            net,
            currency: context.currency,
            original_currency: context.original_currency,
            fx_rate: context.fx_rate,
        };
        self.summary.count_line(&line);
        self.sink.accept(line).map_err(DsrError::Sink)
    }

    /// After the last line: unknown record types, the footer's counts and the summary records'
    /// totals. Only the full read reports.
    pub(crate) fn check_control_totals(&mut self) {
        if self.mode == Mode::Survey {
            return;
        }
        let unknown: Vec<(String, UnknownRecordType)> =
            self.unknown_record_types.iter().map(|(record_type, seen)| (record_type.clone(), *seen)).collect();
        for (record_type, seen) in unknown {
            let reason = format!(
                "{} record{} of unknown type {record_type} ignored (first on line {})",
                seen.count,
                if seen.count == 1 { "" } else { "s" },
                seen.first_line
            );
            self.diagnose(Diagnostic::warning(self.file, seen.first_line, reason));
        }
        self.check_footer();
        // A truncated file's summaries cannot add up; the truncation is the one thing to say.
        if self.single_file() && self.footer.is_some() {
            for index in 0..self.groups.len() {
                self.check_summary_group(index);
            }
        }
    }

    fn check_footer(&mut self) {
        let footer_name = match self.profile {
            Profile::BasicAudio | Profile::Ugc => "FOOT",
            Profile::BasicAudioSingleRecord | Profile::FinancialReporting => "SRFO",
        };
        let Some(footer) = self.footer.clone() else {
            let reason = format!(
                "the file ends at line {} without a {footer_name} record: it is truncated or incomplete",
                self.lines_in_file
            );
            self.diagnose(Diagnostic::error(self.file, 0, reason));
            return;
        };
        let kind = if footer.record_type == "FOOT" { RecordKind::Foot } else { RecordKind::SingleRecordFoot };
        let last_file = self.header.file_number == self.header.number_of_files;
        let single_file = self.single_file();
        let mut checks: Vec<(usize, Option<u64>, u64, &str)> = Vec::new();
        if kind == RecordKind::Foot {
            checks.push((2, footer.lines_in_file, self.lines_in_file, "the file has {} lines"));
            if single_file {
                checks.push((3, footer.lines_in_report, self.lines_in_file, "the report has {} lines"));
            }
            checks.push((4, footer.summary_records, self.summary_record_lines, "the file has {} summary records"));
            checks.push((5, footer.blocks_in_file, self.blocks, "the file has {} blocks"));
            if single_file {
                checks.push((6, footer.blocks_in_report, self.blocks, "the report has {} blocks"));
            }
            if footer.lines_in_file.is_none() {
                self.cell_warning(
                    footer.line,
                    kind,
                    CellProblem::new(2, "", "is empty; the footer must count the file's lines"),
                );
            }
            if last_file && footer.lines_in_report.is_none() {
                self.cell_warning(
                    footer.line,
                    kind,
                    CellProblem::new(3, "", "is empty; the report's last file must count the report's lines"),
                );
            }
        } else {
            // SRFO counts only the report's lines: in a multi-file report the importer checks
            // them over every file.
            if single_file {
                checks.push((2, footer.lines_in_report, self.lines_in_file, "the report has {} lines"));
            }
            checks.push((3, footer.summary_records, self.summary_record_lines, "the report has {} summary records"));
        }
        for (column, stated, found, what) in checks {
            if let Some(stated) = stated {
                if stated != found {
                    let name = kind.cell_name(column).unwrap_or("?");
                    let problem = CellProblem::new(
                        column,
                        &stated.to_string(),
                        format!(
                            "{} {name} is {stated}, but {}",
                            footer.record_type,
                            what.replace("{}", &found.to_string())
                        ),
                    );
                    self.cell_warning(footer.line, kind, problem);
                }
            }
        }
    }

    /// TotalUsages and money of one summary group against the rows pointing to it (single-file
    /// reports; in a multi-file report they cover every file).
    fn check_summary_group(&mut self, index: usize) {
        let group = &self.groups[index];
        let Some(context) = &group.context else {
            return;
        };
        let currency = context.currency;
        let kind = group.kind;
        let line = group.first_line;
        let records_note = if group.records > 1 {
            format!(" ({} records share this SummaryRecordId)", group.records)
        } else {
            String::new()
        };
        let money_name = kind.cell_name(group.amount_column()).unwrap_or("NetRevenue");
        let mut warnings: Vec<CellProblem> = Vec::new();
        let mut errors: Vec<CellProblem> = Vec::new();
        if let Some(stated_usages) = group.stated_total_usages {
            if stated_usages != group.usages {
                let consequence = if self.profile.money_on_summary_records() && group.rows > 0 {
                    format!("; its {money_name} was allocated over the {} usages of those rows", group.usages)
                } else {
                    String::new()
                };
                warnings.push(CellProblem::new(
                    group.total_usages_column(),
                    &group.stated_total_usages_text,
                    format!(
                        "summary record {}{records_note} states TotalUsages {stated_usages}, but the usage rows pointing to it have {} usages{consequence}",
                        group.id, group.usages
                    ),
                ));
            }
        }
        // Money that does not reconcile is a control-total failure of the whole file (line 0,
        // which the importer does not let `--skip-bad-rows` pass); the summary's line is named
        // in the reason. A failure explained by refused rows is left to their own errors.
        let place = if group.records > 1 {
            format!("line {line}; {} records share this SummaryRecordId", group.records)
        } else {
            format!("line {line}")
        };
        let subject = format!("summary record {} ({place})", group.id);
        if let Some(stated) = group.stated_amount {
            if self.profile.money_on_summary_records() {
                // Zero revenue needs no row to receive it.
                if stated.is_zero() {
                    // Nothing to allocate, nothing to check.
                } else if group.rows == 0 && group.rejected_rows == 0 {
                    errors.push(CellProblem::new(
                        group.amount_column(),
                        &group.stated_amount_text,
                        format!(
                            "{money_name} {stated} {currency} of {subject} is not allocated: no usage rows point to it"
                        ),
                    ));
                } else if group.rows > 0 && group.usages == 0 {
                    errors.push(CellProblem::new(
                        group.amount_column(),
                        &group.stated_amount_text,
                        format!(
                            "{money_name} {stated} {currency} of {subject} cannot be allocated: the {} usage rows pointing to it have no usages",
                            group.rows
                        ),
                    ));
                } else if group.rows > 0 && self.plans.get(index).is_none_or(Option::is_none) {
                    errors.push(CellProblem::new(
                        group.total_usages_column(),
                        &group.stated_total_usages_text,
                        format!("the usages of the rows pointing to {subject} add up to more than can be allocated"),
                    ));
                }
            } else if !group.rejected_money_unreadable && stated != group.net + group.rejected_net {
                let refused = if group.rejected_rows > 0 {
                    format!(" (and {} refused rows {} {currency})", group.rejected_rows, group.rejected_net)
                } else {
                    String::new()
                };
                // A UGC summary record states the service's revenue in the territory, shared by
                // every rights controller; this licensor's rows are a part of it (DDEX's own UGC
                // test files state 15763.58 USD over rows worth 7 USD). It is reported, but it
                // is no control total. Part 9 summaries are the licensor's own and must agree.
                let findings = if self.profile == Profile::Ugc { &mut warnings } else { &mut errors };
                findings.push(CellProblem::new(
                    group.amount_column(),
                    &group.stated_amount_text,
                    format!(
                        "{subject} states {money_name} {stated} {currency}, but its usage rows total {} {currency}{refused}; difference {} {currency}",
                        group.net,
                        stated - group.net - group.rejected_net
                    ),
                ));
            }
        }
        for problem in warnings {
            self.cell_warning(line, kind, problem);
        }
        for problem in errors {
            self.cell_error(0, kind, problem);
        }
    }

    pub(crate) fn unknown_record_type_counts(&self) -> BTreeMap<String, u64> {
        self.unknown_record_types.iter().map(|(record_type, seen)| (record_type.clone(), seen.count)).collect()
    }

    pub(crate) fn into_parts(self) -> (ReportSummary, Vec<SummaryGroup>, Vec<Option<StreamingAllocation>>) {
        (self.summary, self.groups, self.plans)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_never_crowded_out_of_the_capped_list() {
        let mut summary = ReportSummary::default();
        for line in 1..=(MAX_DIAGNOSTICS as u64 - 1) {
            keep_diagnostic(&mut summary, Diagnostic::error("f", line, "bad row"));
        }
        keep_diagnostic(&mut summary, Diagnostic::warning("f", 900, "count differs"));
        keep_diagnostic(&mut summary, Diagnostic::error("f", 901, "bad row"));
        assert!(summary.diagnostics.iter().all(Diagnostic::is_error));
        keep_diagnostic(&mut summary, Diagnostic::error("f", 0, "money does not reconcile"));
        assert_eq!(summary.diagnostics.len(), MAX_DIAGNOSTICS);
        assert_eq!(summary.diagnostics_total, MAX_DIAGNOSTICS as u64 + 2);
        assert!(summary.diagnostics.iter().any(|diagnostic| diagnostic.line == 0));
        // A row error arriving at a list full of errors is only counted.
        keep_diagnostic(&mut summary, Diagnostic::error("f", 902, "bad row"));
        assert!(summary.diagnostics.iter().all(|diagnostic| diagnostic.line != 902));
    }

    #[test]
    fn counts_accept_integer_spellings_of_decimals() {
        assert_eq!(parse_count("5"), Ok(5));
        assert_eq!(parse_count("5."), Ok(5));
        assert_eq!(parse_count("5.0"), Ok(5));
        assert_eq!(parse_count("5.5"), Err("\"5.5\" is not a whole number".to_string()));
    }

    #[test]
    fn booleans_ignore_case() {
        assert_eq!(parse_boolean("TRUE"), Some(true));
        assert_eq!(parse_boolean("False"), Some(false));
        assert_eq!(parse_boolean("yes"), None);
    }

    #[test]
    fn commercial_models_map_to_tiers() {
        assert_eq!(tier_of("SubscriptionModel"), Tier::Premium);
        assert_eq!(tier_of("AdvertisementSupportedModel"), Tier::AdSupported);
        assert_eq!(tier_of("FreeTrialSubscriptionModel"), Tier::Trial);
        assert_eq!(tier_of("PayAsYouGoModel"), Tier::Other);
    }
}
