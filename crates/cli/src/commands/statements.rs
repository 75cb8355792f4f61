//! `ledgerline statements PERIOD --out DIR` and `ledgerline verify FILE`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ledgerline_render::{render, Format};
use ledgerline_store::Ledger;
use serde::Serialize;

use crate::args::{Cli, StatementsArgs, VerifyArgs};
use crate::commands::royalties::{parse_period, refusal};
use crate::home::Home;
use crate::output::{counted, refuse, Output};

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
            Format::parse(name.trim()).ok_or_else(|| {
                refuse(
                    format!("--format: \"{}\" is not a statement format", name.trim()),
                    "html, pdf, csv, xlsx or json, separated by commas",
                )
            })
        })
        .collect()
}

/// Writes the issued statements of a closed period into `folder`, one file per payee and
/// format (`2026-H1-P008.pdf`).
pub fn write_statements(
    ledger: &Ledger,
    period: &str,
    folder: &Path,
    formats: &[Format],
    payee: Option<&str>,
) -> anyhow::Result<WrittenStatements> {
    let period = parse_period(period)?;
    if !ledgerline_run::closed_periods(ledger)
        .map_err(refusal)?
        .contains(&period)
    {
        return Err(refuse(
            format!("{period} is not closed: it has no issued statements"),
            format!("see the draft with `ledgerline run {period}`, issue it with `ledgerline close {period}`"),
        ));
    }
    let statements =
        ledgerline_run::issued_statements(ledger, Some(&period.to_string())).map_err(refusal)?;
    let chosen: Vec<_> = statements
        .iter()
        .filter(|(_, statement)| payee.is_none_or(|id| statement.payee == id))
        .collect();
    if let (Some(id), true) = (payee, chosen.is_empty()) {
        return Err(refuse(
            format!("{id} has no statement for {period}"),
            "see who has one with `ledgerline run` --json or the list of payees",
        ));
    }
    std::fs::create_dir_all(folder).map_err(|error| {
        refuse(
            format!("{}: cannot create: {error}", folder.display()),
            "choose a writable folder",
        )
    })?;
    let mut files = Vec::new();
    for (_, statement) in chosen.iter() {
        for format in formats {
            let bytes = render(statement, *format).map_err(|error| {
                refuse(
                    format!("statement of {} for {period}: {error}", statement.payee),
                    "report this: an issued statement must always render",
                )
            })?;
            let path = folder.join(ledgerline_render::file_name(statement, *format));
            std::fs::write(&path, bytes).map_err(|error| {
                refuse(
                    format!("{}: cannot write: {error}", path.display()),
                    "choose a writable folder",
                )
            })?;
            files.push(path.display().to_string());
        }
        // The self-billing invoice goes with the statement's PDF.
        if let (Some(name), true) = (
            ledgerline_render::invoice_file_name(statement),
            formats.contains(&Format::Pdf),
        ) {
            let bytes = ledgerline_render::render_invoice_pdf(statement).map_err(|error| {
                refuse(
                    format!("invoice of {} for {period}: {error}", statement.payee),
                    "report this: an issued invoice must always render",
                )
            })?;
            let path = folder.join(name);
            std::fs::write(&path, bytes).map_err(|error| {
                refuse(
                    format!("{}: cannot write: {error}", path.display()),
                    "choose a writable folder",
                )
            })?;
            files.push(path.display().to_string());
        }
    }
    Ok(WrittenStatements {
        period: period.to_string(),
        folder: folder.display().to_string(),
        statements: chosen.len(),
        files,
    })
}

pub fn run_statements(cli: &Cli, arguments: &StatementsArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let formats = formats(&arguments.format)?;
    let written = write_statements(
        &ledger,
        &arguments.period,
        &arguments.out,
        &formats,
        arguments.payee.as_deref(),
    )?;
    output.report(&written, |written| {
        format!(
            "Wrote {} for {} of {} into {}.\n",
            counted(written.files.len() as u64, "file", "files"),
            counted(written.statements as u64, "statement", "statements"),
            written.period,
            written.folder
        )
    })?;
    Ok(0)
}

#[derive(Serialize)]
struct Verification {
    file: String,
    #[serde(flatten)]
    verification: ledgerline_run::Verification,
}

pub fn run_verify(cli: &Cli, arguments: &VerifyArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let path: &PathBuf = &arguments.file;
    let bytes = std::fs::read(path).map_err(|error| {
        refuse(
            format!("{}: cannot read: {error}", path.display()),
            "give a statement file",
        )
    })?;
    let verification = ledgerline_run::verify_statement_file(&ledger, &bytes).map_err(refusal)?;
    if verification.format.is_none() {
        return Err(refuse(
            format!("{}: {}", path.display(), verification.detail),
            "give an HTML, PDF, CSV, XLSX or JSON statement",
        ));
    }
    let ok = verification.matches();
    let verification = Verification {
        file: path.display().to_string(),
        verification,
    };
    output.report(&verification, |shown| {
        let mut text = String::new();
        let verdict = if shown.verification.matches() {
            "VERIFIED"
        } else {
            "NOT VERIFIED"
        };
        let _ = writeln!(
            text,
            "{verdict}: {} ({})",
            shown.file,
            shown.verification.format.unwrap_or("?")
        );
        let _ = writeln!(text, "  {}", shown.verification.detail);
        if let Some(issued_at) = &shown.verification.issued_at {
            let _ = writeln!(text, "  issued {issued_at}");
        }
        text
    })?;
    Ok(if ok { 0 } else { 1 })
}
