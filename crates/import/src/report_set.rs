//! Multi-file DDEX DSR reports: each file imports on its own, the set is recognised.
//!
//! A DSR report too large for one file comes as several (HEAD `FileNumber` of `NumberOfFiles`);
//! every file has its own HEAD and FOOT, repeats the same summary records and holds some of the
//! blocks. Each file is an import of its own, atomic and idempotent like any other. The files of
//! one report are recognised by HEAD's `SenderPartyId` and `MessageId`: what each file adds to
//! its report (its place, its footer's report counts, per summary record what is stated and
//! what its rows add up to) is recorded in `dsr_report_files` and `dsr_report_file_summaries`
//! (migration 0007) in the import's own transaction.
//!
//! When a file arrives, before anything of it is stored:
//! - a file whose place in the report is already taken by other content is refused (the same
//!   content is "already imported", found by its hash before it is read);
//! - a file that disagrees with the files already imported about the number of files, the
//!   profile or the summary records (every file repeats them) is refused;
//! - when it completes the set, the report's totals are checked over every file:
//!   - UGC and Part 9: per summary record, the rows' money over all files against the stated
//!     amount. Part 9 money that does not reconcile refuses the completing file, as it refuses a
//!     single file; a UGC summary states the service's revenue shared by every rights
//!     controller, so there it is a warning, as in a single file;
//!   - Basic Audio: the shares handed out over all files against NetRevenue. Each file hands
//!     out its rows' shares against TotalUsages and rounds at 10⁻¹² on its own, so with
//!     TotalUsages equal to the rows' usages over the set the shares add up to NetRevenue within
//!     less than one 10⁻¹² per file: that residue is reported in the check (`difference`) and
//!     the set reconciles. Any other difference comes from a TotalUsages that the rows do not
//!     add up to (or rows refused with `--skip-bad-rows`): it is a warning that names the
//!     summary, both figures and the money not handed out (or handed out beyond NetRevenue), it
//!     is stored with the import and the set is marked as not reconciling. The file is not
//!     refused: the files already imported are facts and cannot be taken back, so refusing the
//!     last one would only leave its rows' money out too and the report incomplete for ever;
//!   - TotalUsages against the rows' usages over the set, and the last file's
//!     NumberOfLinesInReport / NumberOfBlocksInReport against the files' own counts: warnings.
//!
//! Single-file reports are recorded only by sender and MessageId (`dsr_messages`, migration
//! 0009): a file with the MessageId of a report imported before, as one file or as several, is
//! the same report again with other content and is refused, so its money is not counted twice.
//!
//! Only reports of more than one file are recorded in `dsr_report_files`. The checks are repeated inside the import's
//! transaction (after the import's row has taken the write lock), so two processes importing
//! files of one report at once cannot both miss the completion.

use std::collections::BTreeMap;

use ledgerline_formats::dsr::SummaryRecordTotals;
use ledgerline_formats::report::{DsrSetFacts, PartSummary};
use ledgerline_formats::Diagnostic;
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::Ledger;
use rusqlite::{params, Connection};

use crate::ImportError;

/// A multi-file report as the importer knows it, from one of its files.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReportSet {
    pub message_id: String,
    pub sender_party_id: String,
    pub sender_name: String,
    /// This file's place in the report.
    pub file_number: u32,
    pub number_of_files: u32,
    /// The file numbers of the report imported so far, this file included, ascending.
    pub files_imported: Vec<u32>,
    pub complete: bool,
    /// The report-level checks, once every file is imported.
    pub checks: Option<SetChecks>,
}

impl ReportSet {
    /// The file numbers not imported yet.
    pub fn files_missing(&self) -> Vec<u32> {
        (1..=self.number_of_files)
            .filter(|number| !self.files_imported.contains(number))
            .collect()
    }

    /// One line for people: where the file sits and how far the set has got.
    pub fn describe(&self) -> String {
        let sender = if self.sender_name.is_empty() || self.sender_name == self.sender_party_id {
            self.sender_party_id.clone()
        } else {
            format!("{} ({})", self.sender_name, self.sender_party_id)
        };
        let place = format!(
            "file {} of {} of DSR report {} from {sender}",
            self.file_number, self.number_of_files, self.message_id
        );
        match &self.checks {
            None => format!(
                "{place}: file{} {} imported, waiting for {}",
                if self.files_imported.len() == 1 {
                    ""
                } else {
                    "s"
                },
                list(&self.files_imported),
                list(&self.files_missing())
            ),
            Some(checks) if checks.money_reconciles && checks.warnings.is_empty() => {
                format!("{place}: complete, totals reconcile")
            }
            Some(checks) if checks.money_reconciles => {
                format!(
                    "{place}: complete, money reconciles, {} count warning(s)",
                    checks.warnings.len()
                )
            }
            Some(_) => format!("{place}: complete, totals do NOT reconcile (see the warnings)"),
        }
    }
}

fn list(numbers: &[u32]) -> String {
    numbers
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report's totals over every file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SetChecks {
    /// Every summary record's money over the files agrees with what it states (Basic Audio:
    /// within the rounding of each file's shares, shown as `difference`).
    pub money_reconciles: bool,
    pub summaries: Vec<SummaryCheck>,
    /// The last file's NumberOfLinesInReport against the files' lines, when stated.
    pub lines_in_report: Option<CountCheck>,
    /// The last file's NumberOfBlocksInReport against the files' blocks, when stated.
    pub blocks_in_report: Option<CountCheck>,
    /// What disagrees without refusing the file (also stored with the completing import).
    pub warnings: Vec<String>,
}

/// One summary record over every file of the report.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SummaryCheck {
    pub summary_record_id: String,
    pub currency: Option<Currency>,
    /// NetRevenue (Part 9: AllocatedNetRevenueInCurrencyOfAccounting) as stated.
    pub stated_amount: Option<Decimal>,
    /// The accepted rows of every file, and their money (Basic Audio: the shares handed out).
    pub rows: u64,
    pub net: Decimal,
    /// Rows refused with `--skip-bad-rows`, and their readable money.
    pub rejected_rows: u64,
    pub rejected_net: Decimal,
    /// stated − net − rejected net, when an amount is stated.
    pub difference: Option<Decimal>,
    pub stated_total_usages: Option<i128>,
    pub usages: i128,
    pub reconciles: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CountCheck {
    pub stated: u64,
    pub found: u64,
}

/// How the files of one report are found.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SetKey {
    sender_party_id: String,
    message_id: String,
}

impl SetKey {
    fn of(facts: &DsrSetFacts) -> SetKey {
        SetKey {
            sender_party_id: facts.sender_party_id.clone(),
            message_id: facts.message_id.clone(),
        }
    }

    fn describe(&self) -> String {
        format!(
            "DSR report {} from {}",
            self.message_id, self.sender_party_id
        )
    }
}

/// One file of a report: imported before (`import_id`) or arriving now.
#[derive(Clone, Debug)]
struct SetFile {
    import_id: Option<i64>,
    part: String,
    facts: DsrSetFacts,
}

impl SetFile {
    fn place(&self) -> String {
        match self.import_id {
            Some(id) => format!("import #{id}, {}", self.part),
            None => self.part.clone(),
        }
    }
}

/// A report touched by an import, as checked before it is stored.
#[derive(Debug)]
struct CheckedSet {
    key: SetKey,
    /// File numbers of the report present after this import.
    files_imported: Vec<u32>,
    /// The status as seen from the first of the import's files of this report.
    status: ReportSet,
}

/// The multi-file DSR parts of an import, checked against the files of their reports already
/// imported; recorded with the import by [`PendingSets::record`].
#[derive(Debug)]
pub(crate) struct PendingSets {
    files: Vec<SetFile>,
    sets: Vec<CheckedSet>,
    /// The import's single-file reports with a MessageId: (key, part).
    singles: Vec<(SetKey, String)>,
}

impl PendingSets {
    /// The status of every report the import holds files of, in the order their first files
    /// come in the import, for the import's result.
    pub(crate) fn statuses(&self) -> Vec<ReportSet> {
        self.sets.iter().map(|set| set.status.clone()).collect()
    }

    /// Records the import's files of multi-file reports, inside the import's transaction, and
    /// makes sure no other import of the same reports committed since they were checked.
    pub(crate) fn record(
        &self,
        transaction: &Connection,
        import_id: i64,
        label: &str,
    ) -> Result<(), ImportError> {
        for file in &self.files {
            insert_file(transaction, import_id, file, label)?;
        }
        for (key, part) in &self.singles {
            transaction.execute(
                "INSERT INTO dsr_messages (import_id, part, sender_party_id, message_id) VALUES (?1, ?2, ?3, ?4)",
                params![import_id, part, key.sender_party_id, key.message_id],
            )?;
        }
        for set in &self.sets {
            let now: Vec<u32> = load_set(transaction, &set.key)?
                .iter()
                .map(|file| file.facts.file_number)
                .collect();
            if now != set.files_imported {
                return Err(ImportError::ReportSet {
                    file: label.to_string(),
                    reason: format!(
                        "another import of {} committed while this file was read; import the file again",
                        set.key.describe()
                    ),
                });
            }
            if let Some(checks) = &set.status.checks {
                for warning in &checks.warnings {
                    transaction.execute(
                        "INSERT INTO import_diagnostics (import_id, severity, file, line, column_number, column_name, value, reason)
                         VALUES (?1, 'warning', ?2, 0, NULL, NULL, NULL, ?3)",
                        params![import_id, label, warning],
                    )?;
                }
            }
        }
        Ok(())
    }
}

/// Checks the import's files of multi-file DSR reports against the files of those reports
/// already imported. `Ok(None)`: the import holds none. Refuses (nothing is stored yet) a file
/// whose place is taken, that disagrees with its report's other files, or that completes a
/// report whose money does not reconcile.
pub(crate) fn check(
    ledger: &Ledger,
    label: &str,
    summaries: &[PartSummary],
) -> Result<Option<PendingSets>, ImportError> {
    let files: Vec<SetFile> = summaries
        .iter()
        .filter_map(|summary| {
            let facts = summary
                .file_of_set
                .as_ref()
                .filter(|facts| facts.number_of_files > 1)?;
            Some(SetFile {
                import_id: None,
                part: summary.label.clone(),
                facts: facts.clone(),
            })
        })
        .collect();
    let singles = check_single_files(ledger.connection(), label, summaries, &files)?;
    if files.is_empty() && singles.is_empty() {
        return Ok(None);
    }
    let mut keys: Vec<SetKey> = Vec::new();
    for file in &files {
        let key = SetKey::of(&file.facts);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let mut sets = Vec::new();
    let mut errors = Vec::new();
    for key in keys {
        if let Some((import_id, part)) = single_of(ledger.connection(), &key)? {
            return Err(ImportError::ReportSet {
                file: label.to_string(),
                reason: format!(
                    "{} was imported before as a report of one file, as import #{import_id} ({part}); this file says the report has {} files: it is the same report again, and its money would count twice",
                    key.describe(),
                    files.iter().find(|file| SetKey::of(&file.facts) == key).map_or(0, |file| file.facts.number_of_files)
                ),
            });
        }
        let mut present = load_set(ledger.connection(), &key)?;
        let arriving: Vec<&SetFile> = files
            .iter()
            .filter(|file| SetKey::of(&file.facts) == key)
            .collect();
        for file in &arriving {
            refuse_conflicts(label, &key, &present, file)?;
            present.push((*file).clone());
        }
        present.sort_by_key(|file| file.facts.file_number);
        let this = arriving[0];
        let (status, set_errors) = evaluate(label, &key, &present, this.facts.file_number);
        errors.extend(set_errors);
        sets.push(CheckedSet {
            files_imported: status.files_imported.clone(),
            key,
            status,
        });
    }
    if !errors.is_empty() {
        return Err(ImportError::Refused {
            file: label.to_string(),
            rejected_rows: 0,
            errors_total: errors.len() as u64,
            diagnostics: errors,
            can_skip: false,
        });
    }
    Ok(Some(PendingSets { files, sets, singles }))
}

/// The import's single-file DSR reports (NumberOfFiles 1, with a sender and a MessageId), each
/// refused when its report is already imported with other content: as another single file, as
/// files of a multi-file report, or twice in this import. (The same content is "already
/// imported", found by its hash before it is read.)
fn check_single_files(
    connection: &Connection,
    label: &str,
    summaries: &[PartSummary],
    set_files: &[SetFile],
) -> Result<Vec<(SetKey, String)>, ImportError> {
    let refuse = |reason: String| ImportError::ReportSet {
        file: label.to_string(),
        reason,
    };
    let mut singles: Vec<(SetKey, String)> = Vec::new();
    for summary in summaries {
        let Some(facts) = summary.file_of_set.as_ref().filter(|facts| {
            facts.number_of_files == 1
                && !facts.message_id.is_empty()
                && !facts.sender_party_id.is_empty()
        }) else {
            continue;
        };
        let key = SetKey::of(facts);
        if let Some((import_id, part)) = single_of(connection, &key)? {
            return Err(refuse(format!(
                "{} was imported before, with other content, as import #{import_id} ({part}); a sender gives each report its own MessageId, so this is the same report again (another version or export of it) and its money would count twice",
                key.describe()
            )));
        }
        if let Some(file) = load_set(connection, &key)?.first() {
            return Err(refuse(format!(
                "{} was imported before as a report of {} files (file {} is {}); this file says the report is one file: it is the same report again, and its money would count twice",
                key.describe(),
                file.facts.number_of_files,
                file.facts.file_number,
                file.place()
            )));
        }
        let in_import = singles
            .iter()
            .find(|(other, _)| *other == key)
            .map(|(_, part)| part.clone())
            .or_else(|| {
                set_files
                    .iter()
                    .find(|file| SetKey::of(&file.facts) == key)
                    .map(|file| file.part.clone())
            });
        if let Some(other) = in_import {
            return Err(refuse(format!(
                "{} is in this import twice ({other} and {}); a report is imported once",
                key.describe(),
                summary.label
            )));
        }
        singles.push((key, summary.label.clone()));
    }
    Ok(singles)
}

/// The import and part holding the single-file report `key`, if one does.
fn single_of(connection: &Connection, key: &SetKey) -> Result<Option<(i64, String)>, ImportError> {
    let mut statement = connection.prepare_cached(
        "SELECT import_id, part FROM dsr_messages WHERE sender_party_id = ?1 AND message_id = ?2",
    )?;
    let mut rows = statement.query(params![key.sender_party_id, key.message_id])?;
    match rows.next()? {
        Some(row) => Ok(Some((row.get(0)?, row.get(1)?))),
        None => Ok(None),
    }
}

/// The status of every report an import already recorded holds files of, in the order its
/// files were recorded (each as seen from its first file in the import), the checks recomputed
/// from the ledger.
pub(crate) fn statuses_of_import(
    connection: &Connection,
    import_id: i64,
) -> Result<Vec<ReportSet>, ImportError> {
    let mut statement = connection.prepare(
        "SELECT sender_party_id, message_id, file_number FROM dsr_report_files WHERE import_id = ?1 ORDER BY id",
    )?;
    let recorded = statement
        .query_map([import_id], |row| {
            Ok((
                SetKey {
                    sender_party_id: row.get(0)?,
                    message_id: row.get(1)?,
                },
                row.get::<_, u32>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen: Vec<&SetKey> = Vec::new();
    let mut statuses = Vec::new();
    for (key, file_number) in &recorded {
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let files = load_set(connection, key)?;
        let label = files
            .iter()
            .find(|file| file.facts.file_number == *file_number)
            .map(|file| file.part.clone())
            .unwrap_or_default();
        statuses.push(evaluate(&label, key, &files, *file_number).0);
    }
    Ok(statuses)
}

/// Why a file cannot join its report's files (`present`: the files imported before, and the
/// import's own files of the report already admitted).
fn refuse_conflicts(
    label: &str,
    key: &SetKey,
    present: &[SetFile],
    file: &SetFile,
) -> Result<(), ImportError> {
    let refuse = |reason: String| {
        Err(ImportError::ReportSet {
            file: label.to_string(),
            reason,
        })
    };
    let facts = &file.facts;
    if let Some(taken) = present
        .iter()
        .find(|other| other.facts.file_number == facts.file_number)
    {
        return refuse(match taken.import_id {
            Some(id) => format!(
                "{} already has its file {} of {}, with other content, as import #{id} ({}); a report has each of its files once",
                key.describe(),
                facts.file_number,
                facts.number_of_files,
                taken.part
            ),
            None => format!(
                "{} has its file {} twice in this import ({} and {})",
                key.describe(),
                facts.file_number,
                taken.part,
                file.part
            ),
        });
    }
    let Some(first) = present.first() else {
        return Ok(());
    };
    if first.facts.number_of_files != facts.number_of_files {
        return refuse(format!(
            "{} is file {} of {} files here, but its file {} ({}) says the report has {} files",
            key.describe(),
            facts.file_number,
            facts.number_of_files,
            first.facts.file_number,
            first.place(),
            first.facts.number_of_files
        ));
    }
    if first.facts.profile != facts.profile {
        return refuse(format!(
            "{} is a {} here, but its file {} ({}) is a {}",
            key.describe(),
            facts.profile,
            first.facts.file_number,
            first.place(),
            first.facts.profile
        ));
    }
    if let Some(difference) =
        summary_difference(&facts.summary_records, &first.facts.summary_records)
    {
        return refuse(format!(
            "{}: {difference} in file {} ({}); every file of a report repeats the same summary records",
            key.describe(),
            first.facts.file_number,
            first.place()
        ));
    }
    Ok(())
}

/// The first way this file's summary records differ from another file's, in words.
fn summary_difference(
    here: &[SummaryRecordTotals],
    there: &[SummaryRecordTotals],
) -> Option<String> {
    let ids = |records: &[SummaryRecordTotals]| -> Vec<String> {
        records
            .iter()
            .map(|record| record.summary_record_id.clone())
            .collect()
    };
    for record in here {
        let Some(other) = there
            .iter()
            .find(|other| other.summary_record_id == record.summary_record_id)
        else {
            return Some(format!(
                "this file has summary record {}, which is not among the summary records ({}) of its file",
                record.summary_record_id,
                ids(there).join(", ")
            ));
        };
        let currency = |currency: Option<Currency>| {
            currency.map_or_else(|| "no valid currency".to_string(), |c| c.to_string())
        };
        let amount = |amount: Option<Decimal>| {
            amount.map_or_else(|| "no amount".to_string(), |a| a.to_string())
        };
        let usages =
            |usages: Option<i128>| usages.map_or_else(|| "none".to_string(), |u| u.to_string());
        if record.currency != other.currency || record.stated_amount != other.stated_amount {
            return Some(format!(
                "summary record {} states {} {} in this file, but {} {}",
                record.summary_record_id,
                amount(record.stated_amount),
                currency(record.currency),
                amount(other.stated_amount),
                currency(other.currency)
            ));
        }
        if record.stated_total_usages != other.stated_total_usages {
            return Some(format!(
                "summary record {} states TotalUsages {} in this file, but {}",
                record.summary_record_id,
                usages(record.stated_total_usages),
                usages(other.stated_total_usages)
            ));
        }
    }
    if let Some(missing) = there.iter().find(|other| {
        !here
            .iter()
            .any(|record| record.summary_record_id == other.summary_record_id)
    }) {
        return Some(format!(
            "this file lacks summary record {}, which is stated",
            missing.summary_record_id
        ));
    }
    None
}

fn money_name(profile: &str) -> &'static str {
    if profile.starts_with("FinancialReporting") {
        "AllocatedNetRevenueInCurrencyOfAccounting"
    } else {
        "NetRevenue"
    }
}

fn money_on_summary_records(profile: &str) -> bool {
    profile.starts_with("BasicAudioProfile")
}

/// The report's status seen from file `file_number`, and when `files` complete it, its checks;
/// the errors are money that does not reconcile (the completing file is refused).
fn evaluate(
    label: &str,
    key: &SetKey,
    files: &[SetFile],
    file_number: u32,
) -> (ReportSet, Vec<Diagnostic>) {
    let first = &files[0].facts;
    let number_of_files = first.number_of_files;
    let files_imported: Vec<u32> = files.iter().map(|file| file.facts.file_number).collect();
    let complete = files_imported.len() == number_of_files as usize
        && files_imported
            .iter()
            .enumerate()
            .all(|(index, number)| *number as usize == index + 1);
    let mut errors = Vec::new();
    let checks = complete.then(|| {
        let (checks, set_errors) = check_totals(label, key, files);
        errors = set_errors;
        checks
    });
    let status = ReportSet {
        message_id: key.message_id.clone(),
        sender_party_id: key.sender_party_id.clone(),
        sender_name: first.sender_name.clone(),
        file_number,
        number_of_files,
        files_imported,
        complete,
        checks,
    };
    (status, errors)
}

#[derive(Default)]
struct SummarySum {
    rows: u64,
    usages: i128,
    net: Decimal,
    rejected_rows: u64,
    rejected_net: Decimal,
    rejected_money_unreadable: bool,
}

/// The report-level checks over the complete set of files (sorted by file number).
fn check_totals(label: &str, key: &SetKey, files: &[SetFile]) -> (SetChecks, Vec<Diagnostic>) {
    let first = &files[0].facts;
    let profile = first.profile.as_str();
    let money = money_name(profile);
    let subject = format!("{} ({} files)", key.describe(), files.len());
    let mut sums: BTreeMap<&str, SummarySum> = BTreeMap::new();
    for file in files {
        for record in &file.facts.summary_records {
            let sum = sums.entry(record.summary_record_id.as_str()).or_default();
            sum.rows += record.rows;
            sum.usages += record.usages;
            sum.net += record.net;
            sum.rejected_rows += record.rejected_rows;
            sum.rejected_net += record.rejected_net;
            sum.rejected_money_unreadable |= record.rejected_money_unreadable;
        }
    }
    let mut warnings: Vec<String> = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut summaries = Vec::new();
    for record in &first.summary_records {
        let sum = sums
            .remove(record.summary_record_id.as_str())
            .unwrap_or_default();
        let id = &record.summary_record_id;
        let currency_text = record
            .currency
            .map_or_else(String::new, |currency| format!(" {currency}"));
        let difference = record
            .stated_amount
            .map(|stated| stated - sum.net - sum.rejected_net);
        let mut reconciles = true;
        if let Some(stated_usages) = record.stated_total_usages {
            if stated_usages != sum.usages {
                warnings.push(format!(
                    "{subject}: summary record {id} states TotalUsages {stated_usages}, but the usage rows of all files pointing to it have {} usages",
                    sum.usages
                ));
            }
        }
        if let (Some(stated), Some(difference), Some(_)) =
            (record.stated_amount, difference, record.currency)
        {
            if money_on_summary_records(profile) {
                // Each file rounds its shares on its own: less than 10⁻¹² per file may remain.
                let rounding = sum.rejected_rows == 0
                    && record.stated_total_usages == Some(sum.usages)
                    && difference.scaled().abs() < i128::from(number_of(files));
                if !difference.is_zero() && !rounding {
                    reconciles = false;
                    let cause = if sum.rows == 0 {
                        "no usage row of any file points to it".to_string()
                    } else {
                        let mut cause = match record.stated_total_usages {
                            Some(total) if total != sum.usages => format!(
                                "its shares were computed against TotalUsages {total}, but the rows have {} usages",
                                sum.usages
                            ),
                            Some(_) => "the files' shares do not add up".to_string(),
                            None => "it states no TotalUsages to share against".to_string(),
                        };
                        if sum.rejected_rows > 0 {
                            cause.push_str(&format!(
                                "; {} refused rows received no share",
                                sum.rejected_rows
                            ));
                        }
                        cause
                    };
                    let what = if difference.is_positive() {
                        format!("{difference}{currency_text} of it is on no line")
                    } else {
                        format!("{}{currency_text} more than it was handed out", -difference)
                    };
                    warnings.push(format!(
                        "{subject}: summary record {id} states {money} {stated}{currency_text}, but the usage rows of all files received {}{currency_text}: {what} ({cause}); ask the sender for a corrected report",
                        sum.net
                    ));
                }
            } else if !sum.rejected_money_unreadable && !difference.is_zero() {
                reconciles = false;
                let refused = if sum.rejected_rows > 0 {
                    format!(
                        " (and {} refused rows {}{currency_text})",
                        sum.rejected_rows, sum.rejected_net
                    )
                } else {
                    String::new()
                };
                let reason = format!(
                    "{subject}: summary record {id} states {money} {stated}{currency_text}, but the usage rows of all files total {}{currency_text}{refused}; difference {difference}{currency_text}",
                    sum.net
                );
                // As in a single file: a UGC summary states the service's revenue shared by
                // every rights controller, no control total; a Part 9 summary must agree.
                if profile.starts_with("Ugc") {
                    warnings.push(reason);
                } else {
                    errors.push(Diagnostic::error(label, 0, reason));
                }
            }
        }
        summaries.push(SummaryCheck {
            summary_record_id: id.clone(),
            currency: record.currency,
            stated_amount: record.stated_amount,
            rows: sum.rows,
            net: sum.net,
            rejected_rows: sum.rejected_rows,
            rejected_net: sum.rejected_net,
            difference,
            stated_total_usages: record.stated_total_usages,
            usages: sum.usages,
            reconciles,
        });
    }
    let last = &files[files.len() - 1].facts;
    let lines: u64 = files.iter().map(|file| file.facts.lines_in_file).sum();
    let blocks: u64 = files.iter().map(|file| file.facts.blocks_in_file).sum();
    let lines_in_report = last.lines_in_report.map(|stated| CountCheck {
        stated,
        found: lines,
    });
    let blocks_in_report = last.blocks_in_report.map(|stated| CountCheck {
        stated,
        found: blocks,
    });
    for (name, check) in [
        ("NumberOfLinesInReport", lines_in_report),
        ("NumberOfBlocksInReport", blocks_in_report),
    ] {
        if let Some(CountCheck { stated, found }) = check {
            if stated != found {
                let what = if name.contains("Lines") {
                    "lines"
                } else {
                    "blocks"
                };
                warnings.push(format!(
                    "{subject}: FOOT {name} of file {} is {stated}, but the files have {found} {what}",
                    last.file_number
                ));
            }
        }
    }
    let money_reconciles = summaries.iter().all(|summary| summary.reconciles);
    (
        SetChecks {
            money_reconciles,
            summaries,
            lines_in_report,
            blocks_in_report,
            warnings,
        },
        errors,
    )
}

fn number_of(files: &[SetFile]) -> u32 {
    files.len() as u32
}

/// Every recorded file of a report, by file number.
fn load_set(connection: &Connection, key: &SetKey) -> Result<Vec<SetFile>, ImportError> {
    let mut statement = connection.prepare(
        "SELECT id, import_id, part, profile, sender_name, file_number, number_of_files, lines_in_report,
                blocks_in_report, lines_in_file, blocks_in_file
         FROM dsr_report_files WHERE sender_party_id = ?1 AND message_id = ?2 ORDER BY file_number",
    )?;
    let rows = statement
        .query_map(params![key.sender_party_id, key.message_id], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                SetFile {
                    import_id: Some(row.get(1)?),
                    part: row.get(2)?,
                    facts: DsrSetFacts {
                        profile: row.get(3)?,
                        message_id: key.message_id.clone(),
                        sender_party_id: key.sender_party_id.clone(),
                        sender_name: row.get(4)?,
                        file_number: row.get(5)?,
                        number_of_files: row.get(6)?,
                        lines_in_report: row.get::<_, Option<i64>>(7)?.map(|count| count as u64),
                        blocks_in_report: row.get::<_, Option<i64>>(8)?.map(|count| count as u64),
                        lines_in_file: row.get::<_, i64>(9)? as u64,
                        blocks_in_file: row.get::<_, i64>(10)? as u64,
                        summary_records: Vec::new(),
                    },
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut files = Vec::with_capacity(rows.len());
    let mut summaries = connection.prepare(
        "SELECT summary_record_id, record_type, currency, stated_amount, stated_total_usages, row_count, usages, net,
                rejected_rows, rejected_net, rejected_money_unreadable
         FROM dsr_report_file_summaries WHERE report_file_id = ?1 ORDER BY rowid",
    )?;
    for (id, mut file) in rows {
        let corrupt = |what: &str| ImportError::Corrupt {
            what: format!("{what} of DSR report file {id}"),
        };
        let records = summaries
            .query_map([id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, i64>(8)?,
                    row.get::<_, String>(9)?,
                    row.get::<_, bool>(10)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (
            summary_record_id,
            record_type,
            currency,
            stated_amount,
            stated_total_usages,
            rows,
            usages,
            net,
            rejected_rows,
            rejected_net,
            unreadable,
        ) in records
        {
            let decimal = |text: &str, what: &str| Decimal::parse(text).map_err(|_| corrupt(what));
            let count = |text: &str, what: &str| text.parse::<i128>().map_err(|_| corrupt(what));
            file.facts.summary_records.push(SummaryRecordTotals {
                summary_record_id,
                record_type,
                line: 0,
                records: 1,
                currency: currency
                    .map(|code| Currency::parse(&code).map_err(|_| corrupt("currency")))
                    .transpose()?,
                stated_amount: stated_amount
                    .map(|text| decimal(&text, "stated amount"))
                    .transpose()?,
                stated_total_usages: stated_total_usages
                    .map(|text| count(&text, "TotalUsages"))
                    .transpose()?,
                rows: rows as u64,
                usages: count(&usages, "usages")?,
                net: decimal(&net, "net")?,
                rejected_rows: rejected_rows as u64,
                rejected_net: decimal(&rejected_net, "rejected net")?,
                rejected_money_unreadable: unreadable,
            });
        }
        files.push(file);
    }
    Ok(files)
}

fn insert_file(
    connection: &Connection,
    import_id: i64,
    file: &SetFile,
    label: &str,
) -> Result<(), ImportError> {
    let facts = &file.facts;
    let inserted = connection.execute(
        "INSERT INTO dsr_report_files (import_id, part, profile, sender_party_id, sender_name, message_id, file_number,
                                       number_of_files, lines_in_report, blocks_in_report, lines_in_file, blocks_in_file)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            import_id,
            file.part,
            facts.profile,
            facts.sender_party_id,
            facts.sender_name,
            facts.message_id,
            facts.file_number,
            facts.number_of_files,
            facts.lines_in_report.map(|count| count as i64),
            facts.blocks_in_report.map(|count| count as i64),
            facts.lines_in_file as i64,
            facts.blocks_in_file as i64,
        ],
    );
    if let Err(rusqlite::Error::SqliteFailure(failure, _)) = &inserted {
        if failure.code == rusqlite::ErrorCode::ConstraintViolation {
            return Err(ImportError::ReportSet {
                file: label.to_string(),
                reason: format!(
                    "another import of file {} of {} committed while this file was read; import the file again",
                    facts.file_number,
                    SetKey::of(facts).describe()
                ),
            });
        }
    }
    inserted?;
    let report_file_id = connection.last_insert_rowid();
    for record in &facts.summary_records {
        connection.execute(
            "INSERT INTO dsr_report_file_summaries (report_file_id, summary_record_id, record_type, currency, stated_amount,
                                                    stated_total_usages, row_count, usages, net, rejected_rows, rejected_net,
                                                    rejected_money_unreadable)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                report_file_id,
                record.summary_record_id,
                record.record_type,
                record.currency.map(|currency| currency.code().to_string()),
                record.stated_amount.map(|amount| amount.to_string()),
                record.stated_total_usages.map(|usages| usages.to_string()),
                record.rows as i64,
                record.usages.to_string(),
                record.net.to_string(),
                record.rejected_rows as i64,
                record.rejected_net.to_string(),
                record.rejected_money_unreadable,
            ],
        )?;
    }
    Ok(())
}
