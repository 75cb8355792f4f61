//! `ledgerline catalog import FILE...` and `ledgerline catalog export --out FILE`.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;
use ledgerline_catalog::{
    export_catalog, import_catalog, read_catalog_file, CatalogFile, CatalogFileKind, Change, ChangeAction, ChangeCounts,
    ChangeReport, EntityKind,
};
use serde::Serialize;

use crate::args::{CatalogCommand, CatalogExportArgs, CatalogImportArgs, Cli};
use crate::home::Home;
use crate::output::Output;

/// At most this many changed records are listed per file in the text report; `--json` lists
/// every one.
const MAXIMUM_CHANGES_IN_TEXT: usize = 50;

pub fn run(cli: &Cli, command: &CatalogCommand, output: Output) -> anyhow::Result<u8> {
    match command {
        CatalogCommand::Import(arguments) => run_import(cli, arguments, output),
        CatalogCommand::Export(arguments) => run_export(cli, arguments, output),
    }
}

/// Added, changed and unchanged counts of each kind of record.
#[derive(Serialize)]
pub struct FileCounts {
    pub releases: ChangeCounts,
    pub tracks: ChangeCounts,
    pub parties: ChangeCounts,
    pub aliases: ChangeCounts,
}

/// One file's outcome.
#[derive(Serialize)]
pub struct FileOutcome {
    pub file: String,
    /// `catalog-csv`, `parties-csv`, `aliases-csv`, `ern-4.3`…; absent when the file could not
    /// be read far enough to tell.
    pub kind: Option<String>,
    /// `imported` (something changed), `unchanged` or `refused`.
    pub status: &'static str,
    pub counts: Option<FileCounts>,
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
    /// Why the file was refused: each problem with its position.
    pub errors: Vec<String>,
    pub errors_total: usize,
    pub hint: Option<String>,
    /// The kind said for people (`catalog CSV`, `DDEX ERN 4.3`); not in the JSON.
    #[serde(skip)]
    kind_description: Option<String>,
}

#[derive(Serialize)]
pub struct CatalogImportReport {
    pub files: Vec<FileOutcome>,
    pub imported: usize,
    pub unchanged: usize,
    pub refused: usize,
}

impl FileOutcome {
    fn refused(file: &str, kind: Option<&CatalogFileKind>, errors: Vec<String>, errors_total: usize, hint: Option<String>) -> FileOutcome {
        FileOutcome {
            file: file.to_string(),
            kind: kind.map(CatalogFileKind::code),
            status: "refused",
            counts: None,
            changes: Vec::new(),
            warnings: Vec::new(),
            errors,
            errors_total,
            hint,
            kind_description: kind.map(ToString::to_string),
        }
    }
}

/// Catalogs (CSV and ERN) are stored before parties and aliases, so an aliases file given
/// first on the command line can still refer to tracks of a catalog given after it.
fn import_order(kind: &CatalogFileKind) -> u8 {
    match kind {
        CatalogFileKind::CatalogCsv | CatalogFileKind::Ern { .. } => 0,
        CatalogFileKind::PartiesCsv => 1,
        CatalogFileKind::AliasesCsv => 2,
    }
}

/// The file read whole, or the outcome that refuses it (boxed: it is much larger than a file).
fn read_file(path: &Path, label: &str) -> Result<CatalogFile, Box<FileOutcome>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(Box::new(FileOutcome::refused(
                label,
                None,
                vec![format!("{label}: cannot be read: {error}")],
                1,
                Some("check the path and that the file is readable".to_string()),
            )))
        }
    };
    read_catalog_file(label, &bytes).map_err(|error| {
        let errors = error.problems.iter().map(ToString::to_string).collect();
        Box::new(FileOutcome::refused(
            label,
            None,
            errors,
            error.problems_total,
            Some("correct the file and import it again; nothing from it was stored".to_string()),
        ))
    })
}

/// Reads every file first, then stores each in its own transaction, catalogs first.
pub fn import_files(home: &Home, files: &[std::path::PathBuf], output: Output) -> anyhow::Result<CatalogImportReport> {
    let mut ledger = home.open()?;
    let mut outcomes: Vec<Option<FileOutcome>> = Vec::new();
    let mut readable: Vec<(usize, CatalogFile)> = Vec::new();
    for (index, path) in files.iter().enumerate() {
        let label = path.display().to_string();
        match read_file(path, &label) {
            Ok(file) => {
                readable.push((index, file));
                outcomes.push(None);
            }
            Err(outcome) => outcomes.push(Some(*outcome)),
        }
    }
    readable.sort_by_key(|(index, file)| (import_order(&file.kind), *index));
    for (index, file) in readable {
        let label = files[index].display().to_string();
        let spinner = output.spinner(&format!("importing {label}"));
        let result = import_catalog(&mut ledger, &file.catalog);
        spinner.finish_and_clear();
        outcomes[index] = Some(match result {
            Ok(report) => done(&label, &file, report),
            Err(error) => FileOutcome::refused(
                &label,
                Some(&file.kind),
                vec![format!("{label}: {error}")],
                1,
                error.hint().map(str::to_string),
            ),
        });
    }
    let files: Vec<FileOutcome> = outcomes.into_iter().flatten().collect();
    let count = |status: &str| files.iter().filter(|outcome| outcome.status == status).count();
    Ok(CatalogImportReport { imported: count("imported"), unchanged: count("unchanged"), refused: count("refused"), files })
}

fn done(label: &str, file: &CatalogFile, report: ChangeReport) -> FileOutcome {
    FileOutcome {
        file: label.to_string(),
        kind: Some(file.kind.code()),
        status: if report.has_changes() { "imported" } else { "unchanged" },
        counts: Some(FileCounts {
            releases: report.releases,
            tracks: report.tracks,
            parties: report.parties,
            aliases: report.aliases,
        }),
        changes: report.changes,
        warnings: file.warnings.clone(),
        errors: Vec::new(),
        errors_total: 0,
        hint: None,
        kind_description: Some(file.kind.to_string()),
    }
}

fn plural(entity: EntityKind, count: u64) -> String {
    let noun = match (entity, count) {
        (EntityKind::Release, 1) => "release",
        (EntityKind::Release, _) => "releases",
        (EntityKind::Track, 1) => "track",
        (EntityKind::Track, _) => "tracks",
        (EntityKind::Party, 1) => "party",
        (EntityKind::Party, _) => "parties",
        (EntityKind::Alias, 1) => "alias",
        (EntityKind::Alias, _) => "aliases",
    };
    format!("{count} {noun}")
}

/// `3 releases (1 added, 2 unchanged); 12 tracks (12 unchanged)`.
fn summary(counts: &FileCounts) -> String {
    let kinds = [
        (EntityKind::Release, &counts.releases),
        (EntityKind::Track, &counts.tracks),
        (EntityKind::Party, &counts.parties),
        (EntityKind::Alias, &counts.aliases),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter(|(_, counts)| counts.total() > 0)
        .map(|(entity, counts)| {
            let details: Vec<String> = [("added", counts.added), ("changed", counts.changed), ("unchanged", counts.unchanged)]
                .iter()
                .filter(|(_, number)| *number > 0)
                .map(|(word, number)| format!("{number} {word}"))
                .collect();
            format!("{} ({})", plural(*entity, counts.total()), details.join(", "))
        })
        .collect();
    if parts.is_empty() {
        "nothing in it".to_string()
    } else {
        parts.join("; ")
    }
}

pub fn render(report: &CatalogImportReport) -> String {
    let mut text = String::new();
    for outcome in report.files.iter().filter(|outcome| outcome.status != "refused") {
        let kind = outcome.kind_description.as_deref().unwrap_or("catalog file");
        let counts = outcome.counts.as_ref().map(summary).unwrap_or_default();
        if outcome.status == "unchanged" {
            let _ = writeln!(text, "{} ({kind}): no changes; {counts}", outcome.file);
        } else {
            let _ = writeln!(text, "{} ({kind}): {counts}", outcome.file);
        }
        // Additions are counted above; changes are listed, since they replace what was there.
        let changed: Vec<&Change> = outcome.changes.iter().filter(|change| change.action == ChangeAction::Changed).collect();
        for change in changed.iter().take(MAXIMUM_CHANGES_IN_TEXT) {
            let _ = writeln!(text, "    {change}");
        }
        if changed.len() > MAXIMUM_CHANGES_IN_TEXT {
            let _ = writeln!(text, "    … and {} more changes (--json lists them all)", changed.len() - MAXIMUM_CHANGES_IN_TEXT);
        }
        for warning in &outcome.warnings {
            let _ = writeln!(text, "    warning: {warning}");
        }
    }
    text
}

/// The problems of refused files, for stderr: what is wrong and where, whatever the output mode.
fn render_refusals(report: &CatalogImportReport) -> String {
    let mut text = String::new();
    for outcome in report.files.iter().filter(|outcome| outcome.status == "refused") {
        let _ = writeln!(text, "error: {}: refused, nothing from it was imported", outcome.file);
        for error in &outcome.errors {
            let _ = writeln!(text, "    {error}");
        }
        if outcome.errors_total > outcome.errors.len() {
            let _ = writeln!(text, "    … and {} more", outcome.errors_total - outcome.errors.len());
        }
        if let Some(hint) = &outcome.hint {
            let _ = writeln!(text, "hint: {hint}");
        }
    }
    text
}

fn run_import(cli: &Cli, arguments: &CatalogImportArgs, output: Output) -> anyhow::Result<u8> {
    let report = import_files(&Home::new(&cli.home), &arguments.files, output)?;
    eprint!("{}", render_refusals(&report));
    output.report(&report, render)?;
    Ok(if report.refused > 0 { 1 } else { 0 })
}

#[derive(Serialize)]
pub struct CatalogExportReport {
    pub out: String,
    /// Data rows written (one per track on a release, one per release without tracks).
    pub rows: usize,
}

/// Records in CSV text: line ends outside double quotes (a quoted field may hold a line break;
/// an escaped quote `""` toggles twice and so changes nothing).
fn record_count(csv_text: &str) -> usize {
    let mut in_quotes = false;
    let mut records = 0;
    for byte in csv_text.bytes() {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => records += 1,
            _ => {}
        }
    }
    records
}

fn run_export(cli: &Cli, arguments: &CatalogExportArgs, output: Output) -> anyhow::Result<u8> {
    let ledger = Home::new(&cli.home).open()?;
    let csv_text = export_catalog(&ledger)?;
    std::fs::write(&arguments.out, &csv_text).with_context(|| format!("cannot write {}", arguments.out.display()))?;
    let report = CatalogExportReport {
        out: arguments.out.display().to_string(),
        rows: record_count(&csv_text).saturating_sub(1),
    };
    output.report(&report, |report| format!("Wrote the catalog to {} ({} rows)\n", report.out, report.rows))?;
    Ok(0)
}
