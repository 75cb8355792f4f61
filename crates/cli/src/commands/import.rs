//! `ledgerline import FILE...`: sales reports into the lake and the ledger.

use std::fmt::Write;

use ledgerline_formats::source::ProgressHook;
use ledgerline_import::{import_file, recover, CatalogIndex, FileImport, ImportError, ImportOptions, ImportStatus};
use serde::Serialize;

use crate::args::{Cli, ImportArgs};
use crate::home::{Home, LAKE_FOLDER};
use crate::output::Output;

/// One file's outcome in the report: its import, or why it was refused.
#[derive(Serialize)]
#[serde(untagged)]
pub enum FileOutcome {
    Done(Box<FileImport>),
    Failed { file: String, status: &'static str, error: String, hint: Option<String>, diagnostics: Vec<String> },
}

#[derive(Serialize)]
pub struct ImportReport {
    pub files: Vec<FileOutcome>,
    pub imported: usize,
    pub already_imported: usize,
    pub refused: usize,
}

fn render_done(text: &mut String, import: &FileImport) {
    match import.status {
        ImportStatus::AlreadyImported => {
            let _ = writeln!(text, "{}: already imported as #{} ({}); nothing changed", import.file, import.import_id, import.format);
        }
        ImportStatus::Imported => {
            let _ = writeln!(
                text,
                "{}: imported as #{} ({}): {}, {} matched, {} unmatched{}",
                import.file,
                import.import_id,
                import.format,
                crate::output::counted(import.lines, "line", "lines"),
                import.matched_lines,
                import.unmatched_lines,
                if import.rejected > 0 { format!(", {} rows rejected and kept with their reasons", import.rejected) } else { String::new() }
            );
        }
    }
    for (currency, totals) in &import.totals {
        let _ = writeln!(text, "    {currency}: {} units, net {}, gross {}", totals.units, totals.net, totals.gross);
    }
    for set in &import.report_sets {
        let _ = writeln!(text, "    {}", set.describe());
        if import.status == ImportStatus::Imported {
            for warning in set.checks.iter().flat_map(|checks| &checks.warnings) {
                let _ = writeln!(text, "    {}: warning: {warning}", import.file);
            }
        }
    }
    for diagnostic in &import.diagnostics {
        let _ = writeln!(text, "    {diagnostic}");
    }
    if import.diagnostics_total > import.diagnostics.len() as u64 {
        let _ = writeln!(text, "    … and {} more", import.diagnostics_total - import.diagnostics.len() as u64);
    }
}

pub fn render(report: &ImportReport) -> String {
    let mut text = String::new();
    for outcome in &report.files {
        match outcome {
            FileOutcome::Done(import) => render_done(&mut text, import),
            FileOutcome::Failed { error, hint, diagnostics, .. } => {
                let _ = writeln!(text, "error: {error}");
                for diagnostic in diagnostics {
                    let _ = writeln!(text, "    {diagnostic}");
                }
                if let Some(hint) = hint {
                    let _ = writeln!(text, "hint: {hint}");
                }
            }
        }
    }
    text
}

fn failure(file: &str, error: &ImportError) -> FileOutcome {
    let mut diagnostics = Vec::new();
    if let ImportError::Refused { diagnostics: listed, errors_total, .. } = error {
        diagnostics = listed.iter().map(ToString::to_string).collect();
        if *errors_total > listed.len() as u64 {
            diagnostics.push(format!("… and {} more", errors_total - listed.len() as u64));
        }
    }
    FileOutcome::Failed { file: file.to_string(), status: "refused", error: error.to_string(), hint: error.hint(), diagnostics }
}

/// Imports every file, each on its own: one refused file does not stop the others.
pub fn import_files(home: &Home, files: &[std::path::PathBuf], options: &ImportOptions, output: Output) -> anyhow::Result<ImportReport> {
    let mut ledger = home.open()?;
    let lake_root = home.path.join(LAKE_FOLDER);
    recover(&ledger, &lake_root)?;
    let catalog = CatalogIndex::load(&ledger)?;
    let mut report = ImportReport { files: Vec::new(), imported: 0, already_imported: 0, refused: 0 };
    for path in files {
        let label = path.display().to_string();
        let short_name = path.file_name().map_or_else(|| label.clone(), |name| name.to_string_lossy().into_owned());
        let bar = output.byte_bar(&short_name);
        let mut options = options.clone();
        if !bar.is_hidden() {
            let shown = bar.clone();
            options.progress = Some(ProgressHook::new(move |read, total| {
                shown.set_length(total);
                shown.set_position(read);
            }));
        }
        let result = import_file(&mut ledger, &lake_root, path, &label, &options, &catalog);
        bar.finish_and_clear();
        match result {
            Ok(import) => {
                match import.status {
                    ImportStatus::Imported => report.imported += 1,
                    ImportStatus::AlreadyImported => report.already_imported += 1,
                }
                report.files.push(FileOutcome::Done(Box::new(import)));
            }
            Err(error) => {
                report.refused += 1;
                report.files.push(failure(&label, &error));
            }
        }
    }
    Ok(report)
}

pub fn run(cli: &Cli, arguments: &ImportArgs, output: Output) -> anyhow::Result<u8> {
    let options = ImportOptions {
        source: arguments.source.clone(),
        mapping: arguments.mapping.clone(),
        skip_bad_rows: arguments.skip_bad_rows,
        allow_same_totals: arguments.allow_same_totals,
        progress: None,
    };
    let report = import_files(&Home::new(&cli.home), &arguments.files, &options, output)?;
    let refused = report.refused;
    output.report(&report, render)?;
    Ok(if refused > 0 { 1 } else { 0 })
}
