//! Reading the sales reports a label receives.
//!
//! Input: the bytes of a report file as the label got it (gzip, ZIP, UTF-8 with or without BOM,
//! UTF-16, Windows-1252; TAB, comma, semicolon or pipe; preamble rows; decimal commas).
//! Output: normalized [`SaleLine`]s pushed to a [`LineSink`], and [`Diagnostic`]s that name the
//! file, line, column and value of every problem.
//!
//! Distributor and DSP layouts are data: one mapping file per layout in `mappings/`, compiled
//! in, and user mappings read at run time. DDEX DSR flat files are code (`dsr`), because
//! their record types, versions, summary records and control totals need more than a column map.
//!
//! What this crate is not: it does not store anything (that is `lake` and `store`), match lines
//! to the catalog, or convert currencies. It never uses floating point.

pub mod date_pattern;
pub mod diagnostic;
pub mod dsr;
pub mod line;
pub mod mapping;
pub mod registry;
pub mod report;
pub mod source;
pub mod summary;
pub mod tabular;
pub mod xlsx;

pub use diagnostic::{Diagnostic, Severity};
pub use line::{SaleLine, TextBuffers, Tier, UsageType};
pub use summary::{CurrencyTotals, FormatId, ReportSummary, MAX_DIAGNOSTICS};

/// Where parsed lines go. The importer writes them to the lake as they come, so a parser never
/// holds a whole report in memory.
pub trait LineSink {
    type Error;
    fn accept(&mut self, line: SaleLine) -> Result<(), Self::Error>;

    /// Takes a line the parser keeps and refills for its next row, which saves allocating the
    /// text fields of every line when the sink only reads them (the importer copies them into
    /// Parquet columns). The default hands a copy to [`accept`](LineSink::accept).
    fn accept_borrowed(&mut self, line: &SaleLine) -> Result<(), Self::Error> {
        self.accept(line.clone())
    }
}

impl LineSink for Vec<SaleLine> {
    type Error = std::convert::Infallible;

    fn accept(&mut self, line: SaleLine) -> Result<(), Self::Error> {
        self.push(line);
        Ok(())
    }
}
