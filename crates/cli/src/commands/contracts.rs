//! `ledgerline contracts import|check|show`: contract files into the ledger, checked, and shown
//! in plain language.

use std::fmt::Write;
use std::path::PathBuf;

use ledgerline_contracts::{
    check_contracts_and_splits, check_contracts_and_splits_in, contract_ids, contract_versions, describe_with_parties,
    import_contracts_and_splits, latest_contract, ledger_parties, stored_contract, Contract, ContractError, ContractImport,
    ContractStoreError, ImportStatus, SourceFile, StoredContract, StoredVersion,
};
use ledgerline_store::Ledger;
use serde::Serialize;

use crate::args::{Cli, ContractsArgs, ContractsCommand};
use crate::home::Home;
use crate::output::{refuse, Output};

pub fn run(cli: &Cli, arguments: &ContractsArgs, output: Output) -> anyhow::Result<u8> {
    match &arguments.command {
        ContractsCommand::Import { files } => import(cli, files, output),
        ContractsCommand::Check { files } => check(cli, files, output),
        ContractsCommand::Show { id, contract_version } => show(cli, id, *contract_version, output),
    }
}

/// Reads the files as text; a file that cannot be read is a problem of that file, reported with
/// the others rather than stopping at it.
fn read_sources(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<ContractError>) {
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        let problem = |message: String| ContractError { file: name.clone(), line: 1, column: 1, key: String::new(), message };
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push(SourceFile::new(name.clone(), text)),
                Err(error) => {
                    let offset = error.utf8_error().valid_up_to();
                    let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
                    let line = valid.matches('\n').count() + 1;
                    let column = valid.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
                    problems.push(ContractError {
                        file: name.clone(),
                        line,
                        column,
                        key: String::new(),
                        message: "is not UTF-8 text; save the contract as UTF-8".to_string(),
                    });
                }
            },
            Err(error) => problems.push(problem(format!("cannot be read: {error}"))),
        }
    }
    (sources, problems)
}

/// The report when files have problems: on stdout with `--json`, always on stderr, one problem a
/// line in the `file:line:column: key: message` form editors understand.
#[derive(Serialize)]
struct ProblemReport<'a> {
    status: &'static str,
    problems: &'a [ContractError],
}

fn report_problems(mut problems: Vec<ContractError>, files: usize, action: &str, output: Output) -> anyhow::Result<u8> {
    problems.sort();
    problems.dedup();
    let mut files_with_problems: Vec<&str> = problems.iter().map(|problem| problem.file.as_str()).collect();
    files_with_problems.dedup();
    for problem in &problems {
        eprintln!("{problem}");
    }
    eprintln!(
        "error: {} problem{} in {} of {files} file{}; {action}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        files_with_problems.len(),
        if files == 1 { "" } else { "s" },
    );
    eprintln!("hint: each problem says where it is (file:line:column) and what to write instead; docs/contracts.md describes the format");
    if output.json {
        println!("{}", serde_json::to_string_pretty(&ProblemReport { status: "refused", problems: &problems })?);
    }
    Ok(1)
}

/// The warnings of an import or a check, one a line in the `file:line:column: key: message` form.
fn render_warnings(text: &mut String, warnings: &[ContractError]) {
    for warning in warnings {
        let _ = writeln!(text, "warning: {warning}");
    }
}

fn render_import(report: &ContractImport) -> String {
    let mut text = String::new();
    for contract in &report.contracts {
        let what = match contract.status {
            ImportStatus::Imported => "imported",
            ImportStatus::Unchanged => "unchanged (already in the ledger)",
        };
        let _ = writeln!(
            text,
            "{}: {} version {} (from {}) {what}: {}",
            contract.file, contract.id, contract.version, contract.valid_from, contract.title
        );
    }
    render_warnings(&mut text, &report.warnings);
    let _ = writeln!(text, "{} imported, {} unchanged.", report.imported, report.unchanged);
    text
}

fn import(cli: &Cli, paths: &[PathBuf], output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let mut ledger = home.open()?;
    let (sources, unreadable) = read_sources(paths);
    if !unreadable.is_empty() {
        // Check the readable ones too, so one run lists everything to fix.
        let mut problems = unreadable;
        match check_contracts_and_splits_in(&ledger, &sources) {
            Ok(_) => {}
            Err(ContractStoreError::Invalid(more)) => problems.extend(more),
            Err(other) => return Err(other.into()),
        }
        return report_problems(problems, paths.len(), "nothing was imported", output);
    }
    // Splits CSVs (told by their header) become contract files versioned against the ledger.
    match import_contracts_and_splits(&mut ledger, &sources) {
        Ok(report) => {
            output.report(&report, render_import)?;
            Ok(0)
        }
        Err(ContractStoreError::Invalid(problems)) => report_problems(problems, paths.len(), "nothing was imported", output),
        Err(other) => Err(other.into()),
    }
}

#[derive(Serialize)]
struct CheckedContract {
    id: String,
    version: u32,
    valid_from: String,
    title: String,
    /// Against a ledger: `new` (an import would store it) or `unchanged` (already in the ledger,
    /// or the same as an earlier file); absent when the files were checked on their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
}

#[derive(Serialize)]
struct CheckReport {
    status: &'static str,
    /// The home whose ledger the files were checked against; `null` when there is none and the
    /// files were checked on their own.
    ledger: Option<String>,
    contracts: Vec<CheckedContract>,
    warnings: Vec<ContractError>,
}

fn render_check(report: &CheckReport) -> String {
    let mut text = String::new();
    for contract in &report.contracts {
        let status = match contract.status {
            Some("new") => " (new)",
            Some(_) => " (unchanged: already in the ledger)",
            None => "",
        };
        let _ = writeln!(text, "{} version {} (from {}): {}{status}", contract.id, contract.version, contract.valid_from, contract.title);
    }
    render_warnings(&mut text, &report.warnings);
    let count = report.contracts.len();
    let versions = format!("{count} contract version{}", if count == 1 { "" } else { "s" });
    match &report.ledger {
        Some(home) => {
            let _ = writeln!(text, "{versions} checked against the ledger in {home}: no problems; nothing was stored.");
        }
        None => {
            let _ = writeln!(text, "{versions} checked without a ledger: no problems.");
        }
    }
    text
}

/// The ledger to check against: the home's (--home or LEDGERLINE_HOME, else `ledgerline-home`)
/// when it has one. Without one the files are checked on their own: `check` needs no home, and
/// creates none.
fn ledger_to_check_against(cli: &Cli) -> anyhow::Result<Option<Ledger>> {
    let home = Home::new(&cli.home);
    if home.is_initialised() {
        Ok(Some(home.open()?))
    } else {
        Ok(None)
    }
}

fn check(cli: &Cli, paths: &[PathBuf], output: Output) -> anyhow::Result<u8> {
    let ledger = ledger_to_check_against(cli)?;
    if ledger.is_none() {
        // On stderr, so stdout stays the report (and the one JSON document with --json).
        eprintln!(
            "note: {} is not a Ledgerline home, so the files were checked on their own; `contracts import` also checks them against the ledger (versions already imported, parties, the catalog): point --home (or LEDGERLINE_HOME) at the label's home to check that too",
            cli.home.display()
        );
    }
    let (sources, mut problems) = read_sources(paths);
    let checked: Result<CheckReport, Vec<ContractError>> = match &ledger {
        Some(ledger) => match check_contracts_and_splits_in(ledger, &sources) {
            Ok(report) => Ok(CheckReport {
                status: "ok",
                ledger: Some(cli.home.display().to_string()),
                contracts: report
                    .contracts
                    .iter()
                    .map(|contract| CheckedContract {
                        id: contract.id.clone(),
                        version: contract.version,
                        valid_from: contract.valid_from.to_string(),
                        title: contract.title.clone(),
                        status: Some(match contract.status {
                            ImportStatus::Imported => "new",
                            ImportStatus::Unchanged => "unchanged",
                        }),
                    })
                    .collect(),
                warnings: report.warnings,
            }),
            Err(ContractStoreError::Invalid(more)) => Err(more),
            Err(other) => return Err(other.into()),
        },
        None => check_contracts_and_splits(&sources).map(|contracts| CheckReport {
            status: "ok",
            ledger: None,
            contracts: contracts
                .iter()
                .map(|contract: &Contract| CheckedContract {
                    id: contract.id.clone(),
                    version: contract.version,
                    valid_from: contract.valid_from.to_string(),
                    title: contract.title.clone(),
                    status: None,
                })
                .collect(),
            warnings: Vec::new(),
        }),
    };
    match checked {
        Ok(report) if problems.is_empty() => {
            output.report(&report, render_check)?;
            Ok(0)
        }
        Ok(_) => report_problems(problems, paths.len(), "fix them before importing", output),
        Err(more) => {
            problems.extend(more);
            report_problems(problems, paths.len(), "fix them before importing", output)
        }
    }
}

#[derive(Serialize)]
struct ShowReport<'a> {
    id: &'a str,
    version: u32,
    valid_from: String,
    content_sha256: &'a str,
    imported_at: &'a str,
    versions: &'a [StoredVersion],
    description: String,
    contract: &'a Contract,
}

fn render_show(report: &ShowReport<'_>) -> String {
    let mut text = report.description.clone();
    let versions: Vec<String> =
        report.versions.iter().map(|version| format!("version {} from {} (imported {})", version.version, version.valid_from, version.imported_at)).collect();
    let _ = writeln!(text, "\nIn the ledger: {}.", versions.join("; "));
    let _ = writeln!(text, "This version's text has SHA-256 {}.", report.content_sha256);
    text
}

fn show(cli: &Cli, id: &str, version: Option<u32>, output: Output) -> anyhow::Result<u8> {
    let ledger = Home::new(&cli.home).open()?;
    let found: Option<StoredContract> = match version {
        Some(number) => stored_contract(&ledger, id, number)?,
        None => latest_contract(&ledger, id)?,
    };
    let versions = contract_versions(&ledger, id)?;
    let Some(stored) = found else {
        let known = contract_ids(&ledger)?;
        let hint = if known.is_empty() {
            "no contracts are imported yet: import them with `ledgerline contracts import FILE...`".to_string()
        } else if !versions.is_empty() {
            let numbers: Vec<String> = versions.iter().map(|version| version.version.to_string()).collect();
            format!("{id} has version {} in the ledger", numbers.join(", "))
        } else {
            let shown: Vec<&str> = known.iter().take(12).map(String::as_str).collect();
            format!("contracts in the ledger: {}{}", shown.join(", "), if known.len() > shown.len() { ", …" } else { "" })
        };
        let what = match version {
            Some(number) => format!("contract {id} version {number} is not in the ledger"),
            None => format!("contract {id} is not in the ledger"),
        };
        return Err(refuse(what, hint));
    };
    let report = ShowReport {
        id: &stored.contract.id,
        version: stored.contract.version,
        valid_from: stored.contract.valid_from.to_string(),
        content_sha256: &stored.content_sha256,
        imported_at: &stored.imported_at,
        versions: &versions,
        description: describe_with_parties(&stored.contract, &ledger_parties(&ledger)?),
        contract: &stored.contract,
    };
    output.report(&report, render_show)?;
    Ok(0)
}
