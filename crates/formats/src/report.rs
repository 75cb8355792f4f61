//! One entry point for any report part: decide what it is (DDEX DSR or a mapped layout), then
//! read it into a sink.

use std::io::Read;

use crate::dsr;
use crate::mapping::MappingFile;
use crate::registry::Registry;
use crate::source::{ReportPart, SourceError};
use crate::summary::{FormatId, ReportSummary};
use crate::tabular::{self, TableError, TableShape, UnknownLayout};
use crate::xlsx::{self, SheetShape};
use crate::LineSink;

/// Decoded text examined to recognise a layout.
const DETECTION_SAMPLE_BYTES: u64 = 64 * 1024;

/// What a part was recognised as.
#[derive(Clone, Debug)]
pub enum Layout {
    Dsr,
    Table { mapping: Box<MappingFile>, shape: TableShape },
    /// The first worksheet of an XLSX workbook, read through a mapping like a table.
    Sheet { mapping: Box<MappingFile>, shape: SheetShape },
}

/// A recognised part, ready to read.
#[derive(Clone, Debug)]
pub struct Detection {
    pub format: FormatId,
    pub layout: Layout,
}

/// What reading a part produced (the lines went to the sink).
#[derive(Clone, Debug, serde::Serialize)]
pub struct PartSummary {
    pub label: String,
    pub format: FormatId,
    pub summary: ReportSummary,
    /// For DSR: what the importer needs to recognise and check a multi-file report (HEAD's
    /// place of the file in its report, the footer's report counts, the summary totals).
    pub file_of_set: Option<DsrSetFacts>,
}

/// One DSR file's part in its report: where it sits, what its footer states for the whole
/// report, and per summary record what is stated and what this file's rows add up to. Every
/// file of a multi-file report repeats the summary records and holds some of the rows, so the
/// importer adds these up over the files once it has all of them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DsrSetFacts {
    /// The canonical profile (`BasicAudioProfile`, `UgcProfile`, …), as in the format id.
    pub profile: String,
    pub message_id: String,
    pub sender_party_id: String,
    pub sender_name: String,
    pub file_number: u32,
    pub number_of_files: u32,
    /// FOOT NumberOfLinesInReport / NumberOfBlocksInReport as stated (only the last file must).
    pub lines_in_report: Option<u64>,
    pub blocks_in_report: Option<u64>,
    /// This file's lines (as FOOT counts them) and blocks, as read.
    pub lines_in_file: u64,
    pub blocks_in_file: u64,
    pub summary_records: Vec<dsr::SummaryRecordTotals>,
}

impl DsrSetFacts {
    fn of(report: &dsr::DsrReport) -> DsrSetFacts {
        let header = &report.header;
        DsrSetFacts {
            profile: report.format.layout.clone(),
            message_id: header.message_id.clone(),
            sender_party_id: header.sender_party_id.clone(),
            sender_name: header.sender_name.clone(),
            file_number: header.file_number,
            number_of_files: header.number_of_files,
            lines_in_report: report.footer.as_ref().and_then(|footer| footer.lines_in_report),
            blocks_in_report: report.footer.as_ref().and_then(|footer| footer.blocks_in_report),
            lines_in_file: report.lines_in_file,
            blocks_in_file: report.blocks_in_file,
            summary_records: report.summary_records.clone(),
        }
    }
}

/// Why a part cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{file}: unknown layout; columns seen on line {line}: {columns}{}", closest.as_ref().map(|closest| format!("; {closest}")).unwrap_or_default())]
    UnknownLayout { file: String, line: u64, columns: String, known_sources: Vec<String>, closest: Option<String> },
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
    #[error(transparent)]
    Table(TableError<E>),
    #[error(transparent)]
    Dsr(dsr::DsrError<E>),
}

impl<E> ReadError<E> {
    /// What the user can do about it, when there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            ReadError::UnknownLayout { closest: Some(_), .. } => Some(
                "if it is that layout, the export lacks those columns: export the report again with every column, or describe its layout in a mapping file and import with --mapping FILE (see docs/formats.md)".to_string(),
            ),
            ReadError::UnknownLayout { known_sources, .. } => Some(format!(
                "if this is a layout of a known source ({}), name it with --source; otherwise describe it in a mapping file and import with --mapping FILE (see docs/formats.md)",
                known_sources.join(", ")
            )),
            _ => None,
        }
    }
}

fn sample_of(part: &ReportPart) -> Result<Vec<u8>, SourceError> {
    let mut sample = Vec::new();
    part.open_text()?
        .take(DETECTION_SAMPLE_BYTES)
        .read_to_end(&mut sample)
        .map_err(|source| SourceError::Io { file: part.label.clone(), source })?;
    // A record cut by the end of the sample would mislead the number-style guess.
    if sample.len() as u64 == DETECTION_SAMPLE_BYTES {
        if let Some(last_newline) = memchr::memrchr(b'\n', &sample) {
            sample.truncate(last_newline + 1);
        }
    }
    Ok(sample)
}

/// Recognises a part. `force_dsr` is `--source ddex-dsr`.
pub fn detect<E>(part: &ReportPart, registry: &Registry, force_dsr: bool) -> Result<Detection, ReadError<E>> {
    if part.is_xlsx() {
        let mut workbook = part.open_workbook()?;
        return match xlsx::detect(&mut workbook, registry.mappings())? {
            Ok((mapping, shape)) => Ok(Detection {
                format: mapping.format_id(),
                layout: Layout::Sheet { mapping: Box::new(mapping.clone()), shape },
            }),
            Err(unknown) => Err(unknown_layout(part, registry, unknown)),
        };
    }
    let sample = sample_of(part)?;
    if force_dsr || dsr::looks_like_dsr(&sample) {
        return Ok(Detection {
            format: FormatId { source: "ddex-dsr".into(), layout: "unknown".into(), version: String::new() },
            layout: Layout::Dsr,
        });
    }
    match tabular::detect(&sample, registry.mappings()) {
        Ok((mapping, shape)) => Ok(Detection {
            format: mapping.format_id(),
            layout: Layout::Table { mapping: Box::new(mapping.clone()), shape },
        }),
        Err(unknown) => Err(unknown_layout(part, registry, unknown)),
    }
}

fn unknown_layout<E>(part: &ReportPart, registry: &Registry, unknown: UnknownLayout) -> ReadError<E> {
    ReadError::UnknownLayout {
        file: part.label.clone(),
        line: unknown.line,
        columns: unknown.columns.iter().map(|column| format!("\"{}\"", column.trim())).collect::<Vec<_>>().join(", "),
        known_sources: registry.source_names(),
        closest: closest_layout(registry, &unknown.columns),
    }
}

/// The known layout the header misses by the fewest columns, when it has most of that
/// layout's required columns: `the closest layout, orchard/…/1, lacks "NET SHARE …"`.
fn closest_layout(registry: &Registry, columns: &[String]) -> Option<String> {
    let header: Vec<String> = columns.iter().map(|column| crate::mapping::normalise_column_name(column)).collect();
    let (mapping, missing) = registry
        .mappings()
        .iter()
        .map(|mapping| (mapping, mapping.missing_columns(&header)))
        .filter(|(mapping, missing)| !missing.is_empty() && missing.len() * 2 <= mapping.detect.required_columns.len())
        .min_by_key(|(_, missing)| missing.len())?;
    let names: Vec<String> = missing.iter().map(|name| format!("\"{name}\"")).collect();
    Some(format!(
        "the closest known layout, {}, also needs column{} {}",
        mapping.format_id(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    ))
}

/// Reads a recognised part into `sink`.
pub fn read<S: LineSink>(part: &ReportPart, detection: &Detection, sink: &mut S) -> Result<PartSummary, ReadError<S::Error>> {
    match &detection.layout {
        Layout::Table { mapping, shape } => {
            let text = part.open_text()?;
            let (bound, summary) = tabular::read_rows(text, &part.label, mapping, shape, sink).map_err(ReadError::Table)?;
            Ok(PartSummary { label: part.label.clone(), format: bound.format, summary, file_of_set: None })
        }
        Layout::Sheet { mapping, shape } => {
            let mut workbook = part.open_workbook()?;
            let (bound, summary) = xlsx::read_rows(&mut workbook, &part.label, mapping, shape, sink).map_err(ReadError::Table)?;
            Ok(PartSummary { label: part.label.clone(), format: bound.format, summary, file_of_set: None })
        }
        Layout::Dsr => {
            let mut open = || part.open_text().map_err(|error| match error {
                SourceError::Io { source, .. } => source,
                other => std::io::Error::other(other.to_string()),
            });
            let report = dsr::parse(&mut open, &part.label, sink).map_err(ReadError::Dsr)?;
            Ok(PartSummary {
                label: part.label.clone(),
                file_of_set: Some(DsrSetFacts::of(&report)),
                format: report.format,
                summary: report.summary,
            })
        }
    }
}
