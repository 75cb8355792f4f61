//! `ledgerline statements PERIOD --out DIR` and `ledgerline verify FILE`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ledgerline_render::{extract_hash, render, verify_against, Format, Verdict};
use ledgerline_store::Ledger;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::args::{Cli, StatementsArgs, VerifyArgs};
use crate::commands::royalties::{parse_period, refusal};
use crate::home::Home;
use crate::output::{refuse, Output};

#[derive(Serialize)]
pub struct WrittenStatements {
    pub period: String,
    pub folder: String,
    pub statements: usize,
    pub files: Vec<String>,
}

fn formats(text: &str) -> anyhow::Result<Vec<Format>> {
    text.split(',')
        .map(|name| {
            Format::parse(name.trim()).ok_or_else(|| refuse(format!("--format: \"{}\" is not a statement format", name.trim()), "html, pdf, csv, xlsx or json, separated by commas"))
        })
        .collect()
}

/// Writes the issued statements of a closed period into `folder`, one file per payee and
/// format (`2026-H1-P008.pdf`).
pub fn write_statements(ledger: &Ledger, period: &str, folder: &Path, formats: &[Format], payee: Option<&str>) -> anyhow::Result<WrittenStatements> {
    let period = parse_period(period)?;
    if !ledgerline_run::closed_periods(ledger).map_err(refusal)?.contains(&period) {
        return Err(refuse(
            format!("{period} is not closed: it has no issued statements"),
            format!("see the draft with `ledgerline run {period}`, issue it with `ledgerline close {period}`"),
        ));
    }
    let statements = ledgerline_run::issued_statements(ledger, Some(&period.to_string())).map_err(refusal)?;
    let chosen: Vec<_> = statements.iter().filter(|(_, statement)| payee.is_none_or(|id| statement.payee == id)).collect();
    if let (Some(id), true) = (payee, chosen.is_empty()) {
        return Err(refuse(format!("{id} has no statement for {period}"), "see who has one with `ledgerline run` --json or the list of payees"));
    }
    std::fs::create_dir_all(folder).map_err(|error| refuse(format!("{}: cannot create: {error}", folder.display()), "choose a writable folder"))?;
    let mut files = Vec::new();
    for (_, statement) in chosen.iter() {
        for format in formats {
            let bytes = render(statement, *format).map_err(|error| refuse(format!("statement of {} for {period}: {error}", statement.payee), "report this: an issued statement must always render"))?;
            let path = folder.join(ledgerline_render::file_name(statement, *format));
            std::fs::write(&path, bytes).map_err(|error| refuse(format!("{}: cannot write: {error}", path.display()), "choose a writable folder"))?;
            files.push(path.display().to_string());
        }
        // The self-billing invoice goes with the statement's PDF.
        if let (Some(name), true) = (ledgerline_render::invoice_file_name(statement), formats.contains(&Format::Pdf)) {
            let bytes = ledgerline_render::render_invoice_pdf(statement)
                .map_err(|error| refuse(format!("invoice of {} for {period}: {error}", statement.payee), "report this: an issued invoice must always render"))?;
            let path = folder.join(name);
            std::fs::write(&path, bytes).map_err(|error| refuse(format!("{}: cannot write: {error}", path.display()), "choose a writable folder"))?;
            files.push(path.display().to_string());
        }
    }
    Ok(WrittenStatements { period: period.to_string(), folder: folder.display().to_string(), statements: chosen.len(), files })
}

pub fn run_statements(cli: &Cli, arguments: &StatementsArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let formats = formats(&arguments.format)?;
    let written = write_statements(&ledger, &arguments.period, &arguments.out, &formats, arguments.payee.as_deref())?;
    output.report(&written, |written| {
        format!("Wrote {} files for {} statements of {} into {}.\n", written.files.len(), written.statements, written.period, written.folder)
    })?;
    Ok(0)
}

#[derive(Serialize)]
struct Verification {
    file: String,
    format: &'static str,
    /// `matches`, `unknown_hash`, `hash_differs` or `content_differs`.
    result: &'static str,
    sha256: Option<String>,
    payee: Option<String>,
    period: Option<String>,
    issued_at: Option<String>,
    detail: String,
}

pub fn run_verify(cli: &Cli, arguments: &VerifyArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let path: &PathBuf = &arguments.file;
    let bytes = std::fs::read(path).map_err(|error| refuse(format!("{}: cannot read: {error}", path.display()), "give a statement file"))?;
    let format = Format::detect(&bytes).ok_or_else(|| refuse(format!("{}: not a statement file Ledgerline writes", path.display()), "give an HTML, PDF, CSV, XLSX or JSON statement"))?;
    let claimed = extract_hash(&bytes, format);
    let mut verification = Verification {
        file: path.display().to_string(),
        format: format.name(),
        result: "unknown_hash",
        sha256: claimed.clone(),
        payee: None,
        period: None,
        issued_at: None,
        detail: String::new(),
    };
    let issued: Option<(String, String)> = match &claimed {
        Some(hash) => ledger
            .connection()
            .query_row("SELECT content, issued_at FROM statements WHERE content_sha256 = ?1", [hash], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?,
        None => None,
    };
    match issued {
        None => {
            verification.detail = match &claimed {
                Some(hash) => format!("no statement issued in this ledger has the SHA-256 {hash}"),
                None => "the file carries no statement SHA-256".to_string(),
            };
        }
        Some((content, issued_at)) => {
            let statement: ledgerline_engine::Statement = serde_json::from_str(&content)?;
            verification.payee = Some(statement.payee.clone());
            verification.period = Some(statement.period.clone());
            verification.issued_at = Some(issued_at);
            let verdict = verify_against(&bytes, format, &statement).map_err(|error| refuse(error.to_string(), "the file may be damaged"))?;
            (verification.result, verification.detail) = match verdict {
                Verdict::Matches => ("matches", format!("the file is exactly the statement of {} for {} as issued", statement.payee, statement.period)),
                Verdict::HashDiffers { claimed, issued } => ("hash_differs", format!("the file claims {claimed:?}; the issued statement's SHA-256 is {issued}")),
                Verdict::ContentDiffers { offset } => (
                    "content_differs",
                    format!("the file claims the issued statement's SHA-256 but its content differs from it, from byte {offset}: a figure or a word was changed"),
                ),
            };
        }
    }
    let ok = verification.result == "matches";
    output.report(&verification, |verification| {
        let mut text = String::new();
        let verdict = if verification.result == "matches" { "VERIFIED" } else { "NOT VERIFIED" };
        let _ = writeln!(text, "{verdict}: {} ({})", verification.file, verification.format);
        let _ = writeln!(text, "  {}", verification.detail);
        if let Some(issued_at) = &verification.issued_at {
            let _ = writeln!(text, "  issued {issued_at}");
        }
        text
    })?;
    Ok(if ok { 0 } else { 1 })
}
