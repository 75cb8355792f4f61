//! Statements as documents.
//!
//! One [`Statement`] (every figure of one payee's statement for one period, from
//! `ledgerline-engine`) is drawn as HTML, PDF, CSV, XLSX or its canonical JSON, with SVG charts
//! ([`charts`]) shared by the HTML, the PDF and the portal. Every document carries the
//! statement's SHA-256 (the hash of its canonical JSON, recorded in the ledger at issue), and
//! rendering is deterministic: the same statement gives the same bytes, so `ledgerline verify
//! FILE` can find the issued statement by the hash the file claims ([`extract_hash`]), render it
//! again and compare byte for byte ([`verify_against`]).
//!
//! Money is exact throughout: figures are `Decimal`s summed exactly; the only rounding is for
//! display (receipts and deductions on lines, which are exact, shown to the cent half-even).
//! The one place binary floating point meets money is the XLSX number cells, which the format
//! forces; each such cell has its exact decimal text beside it (see [`xlsx`]).

pub mod breakdown;
pub mod charts;
mod csv;
mod document;
mod html;
mod invoice;
mod pdf;
pub mod report;
mod text;
mod verify;
pub mod xlsx;

use ledgerline_engine::Statement;

pub use breakdown::{breakdowns, Breakdown, BreakdownRow};
pub use csv::render_csv;
pub use html::render_html;
pub use invoice::{invoice_file_name, render_invoice_pdf, INVOICE_NUMBER_MARKER, INVOICE_STATEMENT_MARKER};
pub use pdf::render_pdf;
pub use report::{render_report_pdf, Report, ReportBlock, ReportColumn, ReportTable};
pub use verify::{extract_hash, figures_from, verify_against, Figures, Verdict};
pub use xlsx::render_xlsx;

/// The marker every format writes before the statement's SHA-256 (besides JSON, whose content
/// is the hashed text itself).
pub const HASH_MARKER: &str = "ledgerline-statement-sha256";

/// A document format of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Html,
    Pdf,
    Csv,
    Xlsx,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Html, Format::Pdf, Format::Csv, Format::Xlsx, Format::Json];

    /// The name used on the command line and as the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
        }
    }

    pub fn extension(self) -> &'static str {
        self.name()
    }

    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name().eq_ignore_ascii_case(text))
    }

    /// The format of a statement file, from its first bytes: `%PDF`, a ZIP (`PK`), a JSON
    /// object, an HTML document, or else the CSV layout (its header starts `kind,`).
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        let trimmed = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if trimmed.starts_with(b"%PDF-") {
            Some(Format::Pdf)
        } else if trimmed.starts_with(b"PK\x03\x04") {
            Some(Format::Xlsx)
        } else if trimmed.starts_with(b"{") {
            Some(Format::Json)
        } else if trimmed.len() >= 15 && trimmed[..15].eq_ignore_ascii_case(b"<!doctype html>") {
            Some(Format::Html)
        } else if trimmed.starts_with(csv::HEADER.as_bytes()) {
            Some(Format::Csv)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Why a statement could not be drawn, or a file could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A breakdown (or the lines) does not add up to the summary's earnings: the statement is
    /// inconsistent and must not be issued in any format.
    #[error("the {what} add up to {found}, but the statement's earnings are {expected}")]
    DoesNotAddUp { what: String, found: String, expected: String },
    /// The summary's own figures do not add up (opening + movements ≠ closing, or the parts of
    /// the closing balance ≠ closing).
    #[error("the statement's summary does not add up")]
    SummaryDoesNotAddUp,
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("XLSX: {0}")]
    Xlsx(String),
    #[error("{format} file: {reason}")]
    Unreadable { format: Format, reason: String },
    #[error("{0} files carry no figures to read back; use CSV or JSON")]
    NoFigures(Format),
}

/// Draws `statement` in `format`.
pub fn render(statement: &Statement, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Html => render_html(statement).map(String::into_bytes),
        Format::Pdf => render_pdf(statement),
        Format::Csv => render_csv(statement).map(String::into_bytes),
        Format::Xlsx => render_xlsx(statement),
        Format::Json => Ok(render_json(statement).into_bytes()),
    }
}

/// The canonical JSON ([`Statement::canonical_json`]), exactly: its SHA-256 is the statement's
/// hash, so `sha256sum statement.json` prints the hash the ledger recorded. No trailing newline.
pub fn render_json(statement: &Statement) -> String {
    statement.canonical_json()
}

/// A file name for a statement: `<period>-<payee>.<ext>`, with anything but letters, digits,
/// `-`, `_` and `.` replaced by `_`.
pub fn file_name(statement: &Statement, format: Format) -> String {
    let clean = |text: &str| -> String {
        text.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
    };
    format!("{}-{}.{}", clean(&statement.period), clean(&statement.payee), format.extension())
}
