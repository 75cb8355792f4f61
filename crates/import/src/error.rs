use ledgerline_formats::mapping::MappingError;
use ledgerline_formats::report::ReadError;
use ledgerline_formats::source::SourceError;
use ledgerline_formats::Diagnostic;
use ledgerline_lake::LakeError;
use ledgerline_store::StoreError;

/// Why a file was not imported. Nothing of it is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Source(SourceError),
    #[error("{message}")]
    Unreadable { message: String, hint: Option<String> },
    #[error("unknown source \"{source_name}\"; known sources: ddex-dsr, {}", known.join(", "))]
    UnknownSource { source_name: String, known: Vec<String> },
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error("{file}: refused, nothing imported: {errors_total} error(s){}", if *rejected_rows > 0 { format!(" in {rejected_rows} row(s)") } else { String::new() })]
    Refused {
        file: String,
        rejected_rows: u64,
        errors_total: u64,
        /// The errors, capped; `errors_total` counts them all.
        diagnostics: Vec<Diagnostic>,
        /// Whether `--skip-bad-rows` would import the rest (not when the report's own control
        /// totals disagree).
        can_skip: bool,
    },
    /// A file of a multi-file DSR report that cannot join the files of it already imported.
    #[error("{file}: refused, nothing imported: {reason}")]
    ReportSet { file: String, reason: String },
    /// A report of the file already imported in other packaging (see `reports_already_imported`).
    #[error("{file}: refused, nothing imported: {part} was already imported as #{import_id} ({imported_as}), in other packaging; the file's other reports can be imported on their own")]
    ReportAlreadyImported { file: String, part: String, import_id: i64, imported_as: String },
    #[error("{file}: refused, nothing imported: {first} and {second} are the same report (the same bytes); it would be counted twice")]
    SameReportTwice { file: String, first: String, second: String },
    #[error("{file}: refused, nothing imported: it has the same lines and totals as import #{import_id} ({imported_as}): {what}; it is most likely the same report saved again (re-encoded or re-exported), and its money would be counted twice")]
    SameTotals { file: String, import_id: i64, imported_as: String, what: String },
    #[error("{message}")]
    Alias { message: String },
    #[error("{file}: refused, nothing imported: {}", conflicts.join("; "))]
    FxConflict { file: String, conflicts: Vec<String> },
    #[error("the ledger holds a corrupt {what}")]
    Corrupt { what: String },
    #[error(transparent)]
    Lake(#[from] LakeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(error: rusqlite::Error) -> ImportError {
        ImportError::Store(StoreError::Sqlite(error))
    }
}

impl ImportError {
    pub(crate) fn from_read(error: ReadError<LakeError>) -> ImportError {
        match error {
            ReadError::Source(source) => ImportError::Source(source),
            ReadError::Table(ledgerline_formats::tabular::TableError::Sink(lake))
            | ReadError::Dsr(ledgerline_formats::dsr::DsrError::Sink(lake)) => ImportError::Lake(lake),
            other => ImportError::Unreadable { hint: other.hint(), message: other.to_string() },
        }
    }

    /// What the user can do, when there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            ImportError::Unreadable { hint, .. } => hint.clone(),
            ImportError::Refused { can_skip: true, .. } => Some(
                "fix the rows listed, or import the good rows with --skip-bad-rows (the rejected rows are kept with their reasons)".to_string(),
            ),
            ImportError::Refused { can_skip: false, .. } => {
                Some("the report's own totals disagree with its lines; ask the sender for a corrected report".to_string())
            }
            ImportError::UnknownSource { .. } => Some("leave out --source to detect the layout".to_string()),
            ImportError::FxConflict { .. } => Some(
                "a rate a closed period used is kept, because its statements must stay explainable; a rate of a month no closed period covers is corrected with `ledgerline fx import --replace FILE` (docs/formats.md, \"Exchange rates\")".to_string(),
            ),
            ImportError::SameTotals { .. } => Some(
                "if it really is another report (two reports can agree to the last digit, rarely), import it with --allow-same-totals".to_string(),
            ),
            ImportError::ReportSet { reason, .. } if !reason.ends_with("import the file again") => Some(
                "a DSR report is imported once and its files must agree; a corrected report comes under a new MessageId, ask the sender for one".to_string(),
            ),
            _ => None,
        }
    }
}
