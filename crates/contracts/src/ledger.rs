//! Contract versions in the ledger database (`contracts` table).
//!
//! A contract version is stored as the exact text of its file with the text's SHA-256, so what
//! governed a period can always be shown as written and re-read. Versions are never changed: a
//! changed contract is a new version with the month it applies from.

use std::collections::{BTreeMap, BTreeSet};

use ledgerline_model::Month;
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ContractError, LineIndex};
use crate::model::{Contract, PayeeSettings};
use crate::parse::{parse_with_positions, Positions};
use crate::reader::Span;
use crate::splits::Parties;

/// A contract file to check or import: its name (as shown in errors) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { name: name.into(), text: text.into() }
    }
}

/// Why contracts could not be imported or read back.
#[derive(Debug, thiserror::Error)]
pub enum ContractStoreError {
    /// Problems in the files; nothing was stored.
    #[error("{} problem{} in the contract files; nothing was imported", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<ContractError>),
    #[error("contract {contract_id} version {version} in the ledger no longer reads as a contract: {problem}")]
    StoredContractUnreadable { contract_id: String, version: u32, problem: String },
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// What happened to one file on import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// A new version, now stored.
    Imported,
    /// The same version with the same text was already stored (or is earlier in the same
    /// import); nothing changed.
    Unchanged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportedContract {
    pub file: String,
    pub id: String,
    pub version: u32,
    pub valid_from: Month,
    pub title: String,
    pub status: ImportStatus,
    pub content_sha256: String,
}

/// The outcome of importing contract files (or of checking them against the ledger, where
/// `imported` counts the versions an import would store).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContractImport {
    pub contracts: Vec<ImportedContract>,
    pub imported: usize,
    pub unchanged: usize,
    /// What is worth knowing but does not stop the import: releases and tracks of a scope that
    /// the catalog does not have (yet). Same shape as a problem: file, line, column, key, message.
    pub warnings: Vec<ContractError>,
}

/// A stored version, read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredContract {
    pub contract: Contract,
    pub content_sha256: String,
    pub imported_at: String,
    pub source_text: String,
}

/// A stored version without its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredVersion {
    pub version: u32,
    pub valid_from: Month,
    pub content_sha256: String,
    pub imported_at: String,
}

/// The SHA-256 of a contract's text, lower-case hex.
pub fn content_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

struct StoredRow {
    contract_id: String,
    version: u32,
    valid_from: String,
    source_text: String,
    content_sha256: String,
    imported_at: String,
}

fn stored_rows(connection: &rusqlite::Connection) -> Result<Vec<StoredRow>, ContractStoreError> {
    let mut statement = connection.prepare(
        "SELECT contract_id, version, valid_from, source_text, content_sha256, imported_at FROM contracts ORDER BY contract_id, version",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(StoredRow {
            contract_id: row.get(0)?,
            version: row.get(1)?,
            valid_from: row.get(2)?,
            source_text: row.get(3)?,
            content_sha256: row.get(4)?,
            imported_at: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn read_stored(row: &StoredRow) -> Result<StoredContract, ContractStoreError> {
    let name = format!("ledger:{} version {}", row.contract_id, row.version);
    match crate::parse::parse_contract(&row.source_text, &name) {
        Ok(contract) => Ok(StoredContract {
            contract,
            content_sha256: row.content_sha256.clone(),
            imported_at: row.imported_at.clone(),
            source_text: row.source_text.clone(),
        }),
        Err(errors) => Err(ContractStoreError::StoredContractUnreadable {
            contract_id: row.contract_id.clone(),
            version: row.version,
            problem: errors.first().map_or_else(String::new, ToString::to_string),
        }),
    }
}

/// What contracts refer to in the ledger: the parties (refused when unknown) and the catalog's
/// releases and tracks (a warning when unknown: the catalog may be imported later).
pub(crate) struct References {
    parties: Parties,
    releases: BTreeSet<String>,
    tracks: BTreeSet<String>,
}

impl References {
    pub(crate) fn read(connection: &rusqlite::Connection) -> Result<References, rusqlite::Error> {
        let parties = parties_in(connection)?;
        let codes = |sql: &str| -> Result<BTreeSet<String>, rusqlite::Error> {
            let mut statement = connection.prepare(sql)?;
            let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
            rows.collect()
        };
        Ok(References {
            parties,
            releases: codes("SELECT icpn FROM releases WHERE icpn IS NOT NULL")?,
            tracks: codes("SELECT isrc FROM tracks WHERE isrc IS NOT NULL")?,
        })
    }
}

/// The parties stored in the ledger (`parties` table): id to name.
pub(crate) fn parties_in(connection: &rusqlite::Connection) -> Result<Parties, rusqlite::Error> {
    let mut statement = connection.prepare("SELECT id, name FROM parties ORDER BY id")?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
    rows.collect()
}

/// The parties a contract names that the ledger does not have (refused), and the recordings of
/// its scope the catalog does not have (warned about).
fn check_references(candidate: &Candidate<'_>, references: &References, errors: &mut Vec<ContractError>, warnings: &mut Vec<ContractError>) {
    let contract = &candidate.contract;
    let hint = if references.parties.is_empty() {
        "the ledger has no parties yet: import them first (ledgerline catalog import parties.csv)"
    } else {
        "import the party first (ledgerline catalog import parties.csv) or correct the id"
    };
    for payee in &contract.payees {
        if !references.parties.contains_key(&payee.party) {
            let span = candidate.positions.payee_parties.get(&payee.party).cloned().unwrap_or(0..0);
            errors.push(error_in(
                candidate.file,
                &span,
                "[[payees]] party",
                format!("\"{}\" is not a party in the ledger, so its statements would have no one to go to; {hint}", payee.party),
            ));
        }
    }
    for (index, transfer) in contract.transfers.iter().enumerate() {
        if !references.parties.contains_key(&transfer.to) {
            let span = candidate.positions.transfer_targets.get(index).cloned().unwrap_or(0..0);
            errors.push(error_in(
                candidate.file,
                &span,
                "[[transfers]] to",
                format!("\"{}\" is not a party in the ledger, so the transfer would have no one to go to; {hint}", transfer.to),
            ));
        }
    }
    let catalog_hint = "its sales are matched to the contract through the catalog: import it (ledgerline catalog import catalog.csv) before running the periods it sold in, or correct the code";
    for (index, release) in contract.scope.releases.iter().enumerate() {
        if !references.releases.contains(release.as_str()) {
            let span = candidate.positions.scope_releases.get(index).cloned().unwrap_or(0..0);
            warnings.push(error_in(candidate.file, &span, "[scope] releases", format!("release {release} is not in the catalog; {catalog_hint}")));
        }
    }
    for (index, track) in contract.scope.tracks.iter().enumerate() {
        if !references.tracks.contains(track.as_str()) {
            let span = candidate.positions.scope_tracks.get(index).cloned().unwrap_or(0..0);
            warnings.push(error_in(candidate.file, &span, "[scope] tracks", format!("track {track} is not in the catalog; {catalog_hint}")));
        }
    }
}

/// What [`plan`] found: the outcome per file, the candidates to insert, and the warnings.
struct Planned<'f> {
    outcomes: Vec<ImportedContract>,
    candidates: Vec<Candidate<'f>>,
    warnings: Vec<ContractError>,
}

/// A file read and ready to store.
struct Candidate<'f> {
    file: &'f SourceFile,
    contract: Contract,
    positions: Positions,
    sha256: String,
}

/// A version as the consistency checks see it: stored, or from a file of this batch.
struct Known<'a> {
    version: u32,
    valid_from: Month,
    /// Index into the candidates, for versions not stored yet.
    candidate: Option<usize>,
    contract: Option<&'a Contract>,
}

fn error_in(file: &SourceFile, span: &Span, key: &str, message: String) -> ContractError {
    let (line, column) = LineIndex::new(&file.text).position(&file.text, span.start);
    ContractError { file: file.name.clone(), line, column, key: key.to_string(), message }
}

/// Reads every file and checks them against each other and against what is stored: the same
/// version with other content is refused, versions of one contract must apply from increasing
/// months, and a payee's settings must agree across the latest versions of all contracts. With
/// `references` (the ledger's parties and catalog), every party a contract names must be a party
/// of the ledger, and recordings of a scope missing from the catalog are warned about.
/// Returns the outcome per file, the candidates to insert and the warnings.
fn plan<'f>(files: &'f [SourceFile], stored: &[StoredRow], references: Option<&References>) -> Result<Planned<'f>, ContractStoreError> {
    let mut errors: Vec<ContractError> = Vec::new();
    let mut warnings: Vec<ContractError> = Vec::new();
    let mut read: Vec<Candidate<'f>> = Vec::new();
    for file in files {
        match parse_with_positions(&file.text, &file.name) {
            Ok((contract, positions)) => read.push(Candidate { file, contract, positions, sha256: content_sha256(&file.text) }),
            Err(problems) => errors.extend(problems),
        }
    }
    if let Some(references) = references {
        for candidate in &read {
            check_references(candidate, references, &mut errors, &mut warnings);
        }
    }

    let stored_by_key: BTreeMap<(&str, u32), &StoredRow> = stored.iter().map(|row| ((row.contract_id.as_str(), row.version), row)).collect();
    let mut outcomes: Vec<ImportedContract> = Vec::new();
    let mut new_candidates: Vec<Candidate<'f>> = Vec::new();
    for candidate in read {
        let contract = &candidate.contract;
        let outcome = |status| ImportedContract {
            file: candidate.file.name.clone(),
            id: contract.id.clone(),
            version: contract.version,
            valid_from: contract.valid_from,
            title: contract.title.clone(),
            status,
            content_sha256: candidate.sha256.clone(),
        };
        let change_hint = format!(
            "a changed contract is a new version: set version = {} and valid_from to the month the change applies from",
            stored.iter().filter(|row| row.contract_id == contract.id).map(|row| row.version).max().unwrap_or(contract.version).max(contract.version) + 1
        );
        if let Some(row) = stored_by_key.get(&(contract.id.as_str(), contract.version)) {
            if row.content_sha256 == candidate.sha256 {
                outcomes.push(outcome(ImportStatus::Unchanged));
            } else {
                errors.push(error_in(
                    candidate.file,
                    &candidate.positions.version,
                    "version",
                    format!(
                        "{} version {} is already in the ledger with different content (imported {}); {change_hint}",
                        contract.id, contract.version, row.imported_at
                    ),
                ));
            }
            continue;
        }
        if let Some(earlier) = new_candidates.iter().find(|earlier| earlier.contract.id == contract.id && earlier.contract.version == contract.version) {
            if earlier.sha256 == candidate.sha256 {
                outcomes.push(outcome(ImportStatus::Unchanged));
            } else {
                errors.push(error_in(
                    candidate.file,
                    &candidate.positions.version,
                    "version",
                    format!("{} version {} is also in {} with different content; {change_hint}", contract.id, contract.version, earlier.file.name),
                ));
            }
            continue;
        }
        outcomes.push(outcome(ImportStatus::Imported));
        new_candidates.push(candidate);
    }

    // Versions of each contract, stored and new, in version order.
    // Only the latest stored versions are read back: older ones no longer carry the settings
    // that count.
    let stored_contracts: Vec<StoredContract> = latest_stored_per_id(stored)
        .into_iter()
        .filter(|row| !new_candidates.iter().any(|candidate| candidate.contract.id == row.contract_id && candidate.contract.version > row.version))
        .map(read_stored)
        .collect::<Result<_, _>>()?;
    let mut versions: BTreeMap<&str, Vec<Known<'_>>> = BTreeMap::new();
    for row in stored {
        if let Ok(valid_from) = Month::parse(&row.valid_from) {
            let contract = stored_contracts
                .iter()
                .find(|stored| stored.contract.id == row.contract_id && stored.contract.version == row.version)
                .map(|stored| &stored.contract);
            versions.entry(row.contract_id.as_str()).or_default().push(Known { version: row.version, valid_from, candidate: None, contract });
        }
    }
    for (index, candidate) in new_candidates.iter().enumerate() {
        versions.entry(candidate.contract.id.as_str()).or_default().push(Known {
            version: candidate.contract.version,
            valid_from: candidate.contract.valid_from,
            candidate: Some(index),
            contract: Some(&candidate.contract),
        });
    }
    for known in versions.values_mut() {
        known.sort_by_key(|version| version.version);
        for pair in known.windows(2) {
            let (earlier, later) = (&pair[0], &pair[1]);
            if later.valid_from > earlier.valid_from {
                continue;
            }
            // Report it in the file being imported; two stored versions cannot be fixed here.
            let (culprit, message) = match (later.candidate, earlier.candidate) {
                (Some(index), _) => (
                    index,
                    format!(
                        "\"{}\" is not after version {}'s \"{}\": each version must apply from a later month than the one before",
                        later.valid_from, earlier.version, earlier.valid_from
                    ),
                ),
                (None, Some(index)) => (
                    index,
                    format!(
                        "\"{}\" is not before version {}'s \"{}\": each version must apply from a later month than the one before",
                        earlier.valid_from, later.version, later.valid_from
                    ),
                ),
                (None, None) => continue,
            };
            let candidate = &new_candidates[culprit];
            errors.push(error_in(candidate.file, &candidate.positions.valid_from, "valid_from", message));
        }
    }

    // A payee's settings across the latest version of every contract.
    let mut settings_seen: BTreeMap<&str, (&PayeeSettings, String)> = BTreeMap::new();
    for known in versions.values() {
        let Some(latest) = known.last() else { continue };
        let Some(contract) = latest.contract else { continue };
        for payee in &contract.payees {
            let Some(settings) = &payee.settings else { continue };
            let place = format!("{} version {}", contract.id, contract.version);
            match settings_seen.get(payee.party.as_str()) {
                Some((other, other_place)) if *other != settings => {
                    if let Some(index) = latest.candidate {
                        let candidate = &new_candidates[index];
                        let span = candidate.positions.settings.get(&payee.party).cloned().unwrap_or(0..0);
                        errors.push(error_in(
                            candidate.file,
                            &span,
                            "[payees.settings]",
                            format!(
                                "the settings of {} differ from those in {other_place}; settings belong to the payee, so give them once or keep them the same in every contract",
                                payee.party
                            ),
                        ));
                    }
                }
                Some(_) => {}
                None => {
                    settings_seen.insert(payee.party.as_str(), (settings, place));
                }
            }
        }
    }

    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(ContractStoreError::Invalid(errors));
    }
    warnings.sort();
    warnings.dedup();
    Ok(Planned { outcomes, candidates: new_candidates, warnings })
}

/// The checks of an import against what the ledger holds, on `connection` (the import's
/// transaction, or the ledger itself for a check that stores nothing).
fn plan_against<'f>(connection: &rusqlite::Connection, files: &'f [SourceFile]) -> Result<Planned<'f>, ContractStoreError> {
    let stored = stored_rows(connection)?;
    let references = References::read(connection)?;
    plan(files, &stored, Some(&references))
}

fn report(planned: &Planned<'_>) -> ContractImport {
    let imported = planned.outcomes.iter().filter(|outcome| outcome.status == ImportStatus::Imported).count();
    ContractImport {
        unchanged: planned.outcomes.len() - imported,
        imported,
        contracts: planned.outcomes.clone(),
        warnings: planned.warnings.clone(),
    }
}

/// The row of the highest version of each contract id.
fn latest_stored_per_id(stored: &[StoredRow]) -> Vec<&StoredRow> {
    let mut latest: BTreeMap<&str, &StoredRow> = BTreeMap::new();
    for row in stored {
        let entry = latest.entry(row.contract_id.as_str()).or_insert(row);
        if row.version > entry.version {
            *entry = row;
        }
    }
    latest.into_values().collect()
}

/// Reads and checks contract files without storing anything: every problem in every file, and
/// the problems between files (the same version twice with different content, versions out of
/// order, payee settings that disagree).
pub fn check_contracts(files: &[SourceFile]) -> Result<Vec<Contract>, Vec<ContractError>> {
    match plan(files, &[], None) {
        Ok(Planned { candidates, .. }) => {
            let mut contracts: Vec<Contract> = Vec::new();
            // Duplicated files (same version, same text) are one contract.
            for file in files {
                if let Some(candidate) = candidates.iter().find(|candidate| std::ptr::eq(candidate.file, file)) {
                    contracts.push(candidate.contract.clone());
                }
            }
            Ok(contracts)
        }
        Err(ContractStoreError::Invalid(errors)) => Err(errors),
        // With nothing stored, nothing can fail to read back or fail in the database.
        Err(other) => Err(vec![ContractError {
            file: String::new(),
            line: 1,
            column: 1,
            key: String::new(),
            message: other.to_string(),
        }]),
    }
}

/// Checks contract files against the ledger exactly as [`import_contracts`] does (the same
/// version with other content, versions out of order, payee settings that disagree, parties the
/// ledger does not have; recordings the catalog does not have are warnings) and stores nothing.
/// The report says what an import would do: `imported` are the versions it would store.
pub fn check_contracts_in(ledger: &Ledger, files: &[SourceFile]) -> Result<ContractImport, ContractStoreError> {
    Ok(report(&plan_against(ledger.connection(), files)?))
}

/// Imports contract files in one database transaction: all of them or, if any has a problem,
/// none. A new (id, version) is stored with its text and SHA-256; the same (id, version) with the
/// same text is unchanged; with a different text it is refused. Every party a contract names
/// (payees, transfer recipients) must be in the ledger; releases and tracks of the scope that
/// the catalog does not have are warnings in the report.
pub fn import_contracts(ledger: &mut Ledger, files: &[SourceFile]) -> Result<ContractImport, ContractStoreError> {
    // IMMEDIATE takes the write lock before reading, so no other import can slip a version in
    // between the checks and the inserts.
    let transaction = ledger.connection_mut().transaction_with_behavior(TransactionBehavior::Immediate)?;
    let planned = plan_against(&transaction, files)?;
    let imported_at = utc_timestamp_now();
    for candidate in &planned.candidates {
        transaction.execute(
            "INSERT INTO contracts (contract_id, version, valid_from, source_text, content_sha256, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                candidate.contract.id,
                candidate.contract.version,
                candidate.contract.valid_from.to_string(),
                candidate.file.text,
                candidate.sha256,
                imported_at
            ],
        )?;
    }
    transaction.commit()?;
    Ok(report(&planned))
}

/// For each contract, the version that governs `month`: the highest version whose `valid_from`
/// is not after it. Contracts whose first version starts later are left out. Sorted by id.
///
/// The term dates are not applied here: whether a sale falls inside the term is decided per sale
/// by the engine (see [`Contract::term_covers_month`]).
pub fn contracts_in_force(ledger: &Ledger, month: Month) -> Result<Vec<StoredContract>, ContractStoreError> {
    let stored = stored_rows(ledger.connection())?;
    let mut governing: BTreeMap<&str, &StoredRow> = BTreeMap::new();
    for row in &stored {
        let valid_from = Month::parse(&row.valid_from).map_err(|error| ContractStoreError::StoredContractUnreadable {
            contract_id: row.contract_id.clone(),
            version: row.version,
            problem: error.to_string(),
        })?;
        if valid_from <= month {
            let entry = governing.entry(row.contract_id.as_str()).or_insert(row);
            if row.version > entry.version {
                *entry = row;
            }
        }
    }
    governing.values().map(|row| read_stored(row)).collect()
}

/// The highest stored version of a contract.
pub fn latest_contract(ledger: &Ledger, contract_id: &str) -> Result<Option<StoredContract>, ContractStoreError> {
    let stored = stored_rows(ledger.connection())?;
    stored.iter().filter(|row| row.contract_id == contract_id).max_by_key(|row| row.version).map(read_stored).transpose()
}

/// One stored version of a contract.
pub fn stored_contract(ledger: &Ledger, contract_id: &str, version: u32) -> Result<Option<StoredContract>, ContractStoreError> {
    let stored = stored_rows(ledger.connection())?;
    stored.iter().find(|row| row.contract_id == contract_id && row.version == version).map(read_stored).transpose()
}

/// Every stored version of a contract, oldest first.
pub fn contract_versions(ledger: &Ledger, contract_id: &str) -> Result<Vec<StoredVersion>, ContractStoreError> {
    let stored = stored_rows(ledger.connection())?;
    stored
        .iter()
        .filter(|row| row.contract_id == contract_id)
        .map(|row| {
            let valid_from = Month::parse(&row.valid_from).map_err(|error| ContractStoreError::StoredContractUnreadable {
                contract_id: row.contract_id.clone(),
                version: row.version,
                problem: error.to_string(),
            })?;
            Ok(StoredVersion { version: row.version, valid_from, content_sha256: row.content_sha256.clone(), imported_at: row.imported_at.clone() })
        })
        .collect()
}

/// Every stored version of every contract, read back: by contract id, then version. What
/// [`contract_ids`], [`contract_versions`] and [`stored_contract`] give one by one, read in one
/// query (a run needs them all).
pub fn all_contract_versions(ledger: &Ledger) -> Result<Vec<Contract>, ContractStoreError> {
    let mut statement =
        ledger.connection().prepare("SELECT contract_id, version, valid_from, source_text FROM contracts ORDER BY contract_id, version")?;
    let rows: Vec<(String, u32, String, String)> =
        statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?.collect::<Result<_, _>>()?;
    let mut contracts = Vec::with_capacity(rows.len());
    for group in rows.chunk_by(|left, right| left.0 == right.0) {
        // As `contract_versions` does: every version's month must read before any is parsed.
        for (contract_id, version, valid_from, _) in group {
            Month::parse(valid_from).map_err(|error| ContractStoreError::StoredContractUnreadable {
                contract_id: contract_id.clone(),
                version: *version,
                problem: error.to_string(),
            })?;
        }
        for (contract_id, version, _, source_text) in group {
            let name = format!("ledger:{contract_id} version {version}");
            let contract = crate::parse::parse_contract(source_text, &name).map_err(|errors| ContractStoreError::StoredContractUnreadable {
                contract_id: contract_id.clone(),
                version: *version,
                problem: errors.first().map_or_else(String::new, ToString::to_string),
            })?;
            contracts.push(contract);
        }
    }
    Ok(contracts)
}

/// The ids of every stored contract, sorted.
pub fn contract_ids(ledger: &Ledger) -> Result<Vec<String>, ContractStoreError> {
    let mut statement = ledger.connection().prepare("SELECT DISTINCT contract_id FROM contracts ORDER BY contract_id")?;
    let ids = statement.query_map([], |row| row.get::<_, String>(0))?;
    Ok(ids.collect::<Result<Vec<_>, _>>()?)
}
