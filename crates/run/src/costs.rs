//! The costs file: advances paid and costs spent against contracts (`ledgerline costs import`).
//!
//! The layout, every check and every refusal are documented for users in `docs/costs.md`.
//! Columns (header required, any order): `date`, `contract_id`, `kind`, `amount`, `currency`,
//! and optionally `release_upc`, `party_id`, `recoupable_percent`, `description`, `cost_id`.
//!
//! The contract decides what is paid back: its `[[costs]]` entry for the row's kind (the entry
//! for the row's release, else the contract-wide one, in the version the engine uses for the
//! cost's month), and its `[[advances]]` for rows of kind `advance`. `recoupable_percent`, when
//! given, is checked against that figure, so that a file never says something the run does not
//! do. A kind the contract does not recoup is refused unless the row says `recoupable_percent`
//! 0: the label's own cost, recorded and not recouped, said on purpose rather than by a
//! misspelling.
//!
//! A row is known by its `cost_id` (the label's own reference) when it has one, else by its
//! content: a row recorded before is skipped when its cost_id says so, and refused otherwise, so
//! re-importing a costs file that has grown never charges its earlier rows twice.

use std::collections::BTreeMap;

use ledgerline_contracts::{all_contract_versions, Contract};
use ledgerline_model::{Date, Icpn};
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::error::RunError;

const REQUIRED: [&str; 5] = ["date", "contract_id", "kind", "amount", "currency"];
const OPTIONAL: [&str; 5] = ["release_upc", "party_id", "recoupable_percent", "description", "cost_id"];
/// The longest cost_id (the migration checks the same).
const LONGEST_COST_ID: usize = 100;

/// One row of a costs file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CostRow {
    pub line: u64,
    pub date: Date,
    pub contract: String,
    pub party: Option<String>,
    pub release: Option<String>,
    pub kind: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub description: String,
    /// The label's own reference for the cost, when the file has one.
    pub cost_id: Option<String>,
    /// The part the file says is recouped; checked against the contract, never used.
    pub recoupable_percent: Option<Decimal>,
}

/// A row skipped because its cost_id was recorded before with the same content.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AlreadyRecorded {
    pub line: u64,
    pub cost_id: String,
    /// Where it was recorded from: `file:line` of the earlier import.
    pub recorded_from: String,
}

/// A row recorded as the label's own cost: its contract does not recoup its kind, and the row
/// says so with `recoupable_percent` 0.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct NotRecouped {
    pub line: u64,
    pub contract_id: String,
    pub kind: String,
}

/// What importing a costs file did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CostsImport {
    pub file: String,
    /// `imported` when rows were recorded; `already_imported` when the same bytes were imported
    /// before, or every row is a cost recorded before under its cost_id.
    pub status: &'static str,
    /// The cost rows in the file.
    pub rows: u64,
    /// The rows recorded now.
    pub recorded: u64,
    /// Rows whose cost_id was recorded before with the same content: skipped.
    pub already_recorded: Vec<AlreadyRecorded>,
    /// Rows recorded now that their contract does not recoup (the label's own costs).
    pub not_recouped: Vec<NotRecouped>,
}

/// A problem with a place in the file, sorted by it.
struct Problem {
    line: u64,
    column: usize,
    text: String,
}

/// The file as read: where each column is, the good rows, and every problem.
struct Read {
    headers: Vec<String>,
    rows: Vec<CostRow>,
    problems: Vec<Problem>,
}

impl Read {
    /// The 1-based position of a column, 1 when the file has no such column.
    fn column(&self, name: &str) -> usize {
        self.headers.iter().position(|header| header == name).map_or(1, |index| index + 1)
    }

    fn problem(&mut self, line: u64, name: &str, reason: String, file: &str) {
        let column = self.column(name);
        self.problems.push(Problem { line, column, text: format!("{file}:{line}:{column}: {name}: {reason}") });
    }

    /// A problem with the row as a whole: at its cost_id when it has one, else its first column.
    fn row_problem(&mut self, row: &CostRow, reason: String, file: &str) {
        if row.cost_id.is_some() {
            self.problem(row.line, "cost_id", reason, file);
        } else {
            let line = row.line;
            self.problems.push(Problem { line, column: 1, text: format!("{file}:{line}:1: {reason}") });
        }
    }
}

/// Reads a costs file; every problem is listed as `file:line:column: column: reason`.
pub fn read_costs(text: &str, file: &str) -> Result<Vec<CostRow>, Vec<String>> {
    let read = read(text, file);
    if read.problems.is_empty() {
        Ok(read.rows)
    } else {
        Err(sorted(read.problems))
    }
}

fn sorted(mut problems: Vec<Problem>) -> Vec<String> {
    problems.sort_by_key(|problem| (problem.line, problem.column));
    problems.into_iter().map(|problem| problem.text).collect()
}

fn read(text: &str, file: &str) -> Read {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let mut read = Read { headers: Vec::new(), rows: Vec::new(), problems: Vec::new() };
    match reader.headers() {
        Ok(headers) => read.headers = headers.iter().map(|name| name.trim().to_lowercase()).collect(),
        Err(error) => {
            read.problems.push(Problem { line: 1, column: 1, text: format!("{file}:1:1: the header cannot be read: {error}") });
            return read;
        }
    }
    for (index, name) in read.headers.iter().enumerate() {
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            let columns = [&REQUIRED[..], &OPTIONAL[..]].concat().join(", ");
            read.problems.push(Problem {
                line: 1,
                column: index + 1,
                text: format!("{file}:1:{}: {name}: unknown column; the columns are {columns}", index + 1),
            });
        } else if read.headers[..index].contains(name) {
            read.problems.push(Problem { line: 1, column: index + 1, text: format!("{file}:1:{}: {name}: the column is named twice", index + 1) });
        }
    }
    for name in REQUIRED {
        if !read.headers.iter().any(|header| header == name) {
            read.problems.push(Problem { line: 1, column: 1, text: format!("{file}:1:1: {name}: the header has no {name} column") });
        }
    }
    if !read.problems.is_empty() {
        return read;
    }
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                read.problems.push(Problem { line, column: 1, text: format!("{file}:{line}:1: the row cannot be read: {error}") });
                continue;
            }
        };
        let line = record.position().map_or(0, |position| position.line());
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let headers = read.headers.clone();
        let cell = |name: &str| headers.iter().position(|header| header == name).and_then(|index| record.get(index)).unwrap_or("").trim();
        let before = read.problems.len();
        let date = Date::parse(cell("date")).map_err(|error| read.problem(line, "date", error.to_string(), file)).ok();
        let contract = cell("contract_id").to_string();
        if contract.is_empty() {
            read.problem(line, "contract_id", "empty; name the contract the cost is recorded against".to_string(), file);
        }
        let kind = cell("kind").to_lowercase();
        if kind.is_empty() {
            read.problem(line, "kind", "empty; write the kind of cost (recording, video, marketing, advance, …)".to_string(), file);
        }
        let amount =
            Decimal::parse(cell("amount")).map_err(|error| read.problem(line, "amount", error.to_string(), file)).ok();
        let currency = Currency::parse(cell("currency")).map_err(|error| read.problem(line, "currency", error.to_string(), file)).ok();
        let release = match cell("release_upc") {
            "" => None,
            code => Icpn::parse(code).map(|icpn| icpn.as_str().to_string()).map_err(|error| read.problem(line, "release_upc", error.to_string(), file)).ok(),
        };
        let recoupable_percent = match cell("recoupable_percent") {
            "" => None,
            text => match Decimal::parse(text) {
                Ok(fraction) if fraction.is_negative() || fraction > Decimal::ONE => {
                    read.problem(
                        line,
                        "recoupable_percent",
                        format!("\"{text}\" is not between 0 and 1: write the part recouped as a fraction, as contracts do (1 fully, 0.5 half, 0 not at all)"),
                        file,
                    );
                    None
                }
                Ok(fraction) => Some(fraction),
                Err(_) => {
                    read.problem(
                        line,
                        "recoupable_percent",
                        format!("\"{text}\" is not a fraction: write the part recouped as contracts do (1 fully, 0.5 half, 0 not at all)"),
                        file,
                    );
                    None
                }
            },
        };
        let cost_id = match cell("cost_id") {
            "" => None,
            id if id.chars().count() > LONGEST_COST_ID || id.chars().any(char::is_control) => {
                read.problem(line, "cost_id", format!("\"{id}\" is not a cost id: at most {LONGEST_COST_ID} characters on one line"), file);
                None
            }
            id => Some(id.to_string()),
        };
        if read.problems.len() > before {
            continue;
        }
        if let (Some(date), Some(amount), Some(currency)) = (date, amount, currency) {
            read.rows.push(CostRow {
                line,
                date,
                contract,
                party: Some(cell("party_id").to_string()).filter(|party| !party.is_empty()),
                release,
                kind,
                amount,
                currency,
                description: cell("description").to_string(),
                cost_id,
                recoupable_percent,
            });
        }
    }
    read
}

/// Stores a costs file whole, or nothing; the same bytes again change nothing, and rows known
/// by their cost_id are skipped. See the module documentation for what is refused.
pub fn import_costs(ledger: &mut Ledger, text: &str, file: &str) -> Result<CostsImport, RunError> {
    let mut read = read(text, file);
    if !read.problems.iter().any(|problem| problem.line > 1) && !read.problems.is_empty() {
        // The header is wrong: nothing below it can be checked.
        return Err(RunError::BadFile { problems: sorted(read.problems) });
    }
    let sha256: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
    let rows_in_file = read.rows.len() as u64;
    let contracts = all_contract_versions(ledger)?;
    let transaction = ledger.connection_mut().transaction_with_behavior(TransactionBehavior::Immediate)?;
    let known: Option<i64> =
        transaction.query_row("SELECT id FROM cost_imports WHERE content_sha256 = ?1", [&sha256], |row| row.get(0)).optional()?;
    if known.is_some() && read.problems.is_empty() {
        return Ok(CostsImport {
            file: file.to_string(),
            status: "already_imported",
            rows: rows_in_file,
            recorded: 0,
            already_recorded: Vec::new(),
            not_recouped: Vec::new(),
        });
    }

    // Each row against the ledger: its contract, party and release exist, and what the row
    // says is recouped is what the contract recoups.
    let mut versions: BTreeMap<&str, Vec<&Contract>> = BTreeMap::new();
    for contract in &contracts {
        versions.entry(contract.id.as_str()).or_default().push(contract);
    }
    let mut not_recouped = Vec::new();
    let rows = std::mem::take(&mut read.rows);
    for row in &rows {
        let Some(contract) = versions.get(row.contract.as_str()).and_then(|list| contract_for(list, row.date)) else {
            let known = if versions.is_empty() {
                "the ledger holds no contract yet".to_string()
            } else {
                format!("the contracts are {}", list(versions.keys().copied()))
            };
            read.problem(
                row.line,
                "contract_id",
                format!("\"{}\" is not a contract in the ledger ({known}); import the contract first (ledgerline contracts import FILE) or correct the id", row.contract),
                file,
            );
            continue;
        };
        if let Some(party) = &row.party {
            let found: Option<String> = transaction.query_row("SELECT id FROM parties WHERE id = ?1", [party], |r| r.get(0)).optional()?;
            if found.is_none() {
                read.problem(
                    row.line,
                    "party_id",
                    format!("\"{party}\" is not a party in the ledger; import it first (ledgerline catalog import parties.csv) or correct the id"),
                    file,
                );
            }
        }
        if let Some(release) = &row.release {
            let found: Option<i64> = transaction.query_row("SELECT id FROM releases WHERE icpn = ?1", [release], |r| r.get(0)).optional()?;
            if found.is_none() {
                read.problem(
                    row.line,
                    "release_upc",
                    format!("{release} is not a release in the catalog; import the catalog first (ledgerline catalog import FILE) or correct the code"),
                    file,
                );
            }
        }
        match recouped(contract, row) {
            Recouped::Entry { fraction, what } => {
                if let Some(said) = row.recoupable_percent.filter(|said| *said != fraction) {
                    read.problem(row.line, "recoupable_percent", disagreement(said, contract, row, &format!("recoups {fraction} of {what}")), file);
                }
            }
            Recouped::Advances(advances) => {
                if let Some(said) = row.recoupable_percent.filter(|said| advances.iter().all(|(fraction, _)| fraction != said)) {
                    let recoups: Vec<String> = advances.iter().map(|(fraction, date)| format!("{fraction} of its advance of {date}")).collect();
                    let what = format!("recoups {} ([[advances]])", recoups.join(" and "));
                    read.problem(row.line, "recoupable_percent", disagreement(said, contract, row, &what), file);
                }
            }
            Recouped::Nothing { missing } => match row.recoupable_percent {
                Some(said) if said.is_zero() => {
                    not_recouped.push(NotRecouped { line: row.line, contract_id: row.contract.clone(), kind: row.kind.clone() })
                }
                Some(said) => {
                    let what = format!("{missing}, so it recoups 0 of it{}", recoups(contract));
                    read.problem(row.line, "recoupable_percent", disagreement(said, contract, row, &what), file);
                }
                None => read.problem(
                    row.line,
                    "kind",
                    format!(
                        "contract {} (version {}) {missing}, so this cost would never be recouped{}; correct the kind if it is misspelt, or write 0 in recoupable_percent to record the label's own cost",
                        contract.id,
                        contract.version,
                        if row.kind == "advance" { String::new() } else { recoups(contract) }
                    ),
                    file,
                ),
            },
        }
    }

    // Each row against the costs recorded before and the rows above it.
    let recorded = recorded_costs(&transaction)?;
    let mut by_id: BTreeMap<&str, &Recorded> = BTreeMap::new();
    let mut by_content: BTreeMap<Content, Vec<&Recorded>> = BTreeMap::new();
    for cost in &recorded {
        if let Some(id) = &cost.cost_id {
            by_id.insert(id.as_str(), cost);
        }
        by_content.entry(cost.content.clone()).or_default().push(cost);
    }
    let mut already_recorded = Vec::new();
    let mut new_rows: Vec<&CostRow> = Vec::new();
    let mut ids_in_file: BTreeMap<&str, u64> = BTreeMap::new();
    let mut contents_in_file: BTreeMap<Content, Vec<&CostRow>> = BTreeMap::new();
    for row in &rows {
        let content = Content::of(row);
        if let Some(id) = &row.cost_id {
            if let Some(&line) = ids_in_file.get(id.as_str()) {
                read.problem(row.line, "cost_id", format!("\"{id}\" is also the cost_id of line {line}; each cost has its own"), file);
                continue;
            }
            ids_in_file.insert(id, row.line);
            if let Some(earlier) = by_id.get(id.as_str()) {
                if earlier.content == content {
                    already_recorded.push(AlreadyRecorded { line: row.line, cost_id: id.clone(), recorded_from: earlier.source.clone() });
                } else {
                    read.problem(
                        row.line,
                        "cost_id",
                        format!(
                            "\"{id}\" was recorded from {} with other content ({}); a recorded cost is never changed: to correct it, record its reversal (the negative amount) and the correct cost, each under a new cost_id",
                            earlier.source,
                            earlier.content.differences(&content).join(", ")
                        ),
                        file,
                    );
                }
                continue;
            }
        }
        // A new row: the same content as a recorded cost, or as a row above, is the same cost
        // again unless both carry (different) cost_ids.
        let same_recorded = by_content.get(&content).and_then(|costs| costs.iter().find(|cost| cost.cost_id.is_none() || row.cost_id.is_none()));
        if let Some(earlier) = same_recorded {
            let how = if earlier.cost_id.is_some() {
                "if it is another cost with the same figures, give it a cost_id of its own"
            } else {
                "if it is another cost with the same figures, tell the two apart in description (an invoice number, say): the recorded one has no cost_id"
            };
            read.row_problem(
                row,
                format!("the same cost (every column) is already recorded, from {}; leave the row out if it is that cost; {how}", earlier.source),
                file,
            );
            continue;
        }
        let same_above = contents_in_file.get(&content).and_then(|above| above.iter().find(|other| other.cost_id.is_none() || row.cost_id.is_none()));
        if let Some(above) = same_above {
            read.row_problem(
                row,
                format!(
                    "the same cost (every column) as line {}; leave one out if they are one cost, or give each its own cost_id if they are two",
                    above.line
                ),
                file,
            );
            continue;
        }
        contents_in_file.entry(content).or_default().push(row);
        new_rows.push(row);
    }
    if !read.problems.is_empty() {
        return Err(RunError::BadFile { problems: sorted(read.problems) });
    }
    if new_rows.is_empty() && !rows.is_empty() {
        return Ok(CostsImport {
            file: file.to_string(),
            status: "already_imported",
            rows: rows_in_file,
            recorded: 0,
            already_recorded,
            not_recouped: Vec::new(),
        });
    }

    transaction.execute(
        "INSERT INTO cost_imports (content_sha256, file_name, rows, imported_at) VALUES (?1, ?2, ?3, ?4)",
        params![sha256, file, new_rows.len() as i64, utc_timestamp_now()],
    )?;
    let import_id = transaction.last_insert_rowid();
    {
        let mut insert = transaction.prepare(
            "INSERT INTO costs (import_id, line, date, contract_id, party_id, release, kind, amount, currency, description, cost_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for row in &new_rows {
            insert.execute(params![
                import_id,
                row.line as i64,
                row.date.to_string(),
                row.contract,
                row.party,
                row.release,
                row.kind,
                row.amount.to_string(),
                row.currency.code(),
                row.description,
                row.cost_id
            ])?;
        }
    }
    transaction.commit()?;
    let new_lines: Vec<u64> = new_rows.iter().map(|row| row.line).collect();
    not_recouped.retain(|row| new_lines.contains(&row.line));
    Ok(CostsImport { file: file.to_string(), status: "imported", rows: rows_in_file, recorded: new_rows.len() as u64, already_recorded, not_recouped })
}

/// The version of a contract the engine applies to a cost of `date`: the one in force in its
/// month, or the first when the cost comes before every version (as
/// `ledgerline_engine`'s `ContractIndex::in_force` / `governing` decide). `versions` are in
/// version order.
fn contract_for<'a>(versions: &[&'a Contract], date: Date) -> Option<&'a Contract> {
    let month = date.month();
    versions.iter().rev().find(|contract| contract.valid_from <= month).or_else(|| versions.first()).copied()
}

/// What a contract recoups of a row.
enum Recouped {
    /// A `[[costs]]` entry applies: this fraction, of what (for messages).
    Entry { fraction: Decimal, what: String },
    /// An advance: the contract's `[[advances]]` paid on the row's date, or all of them.
    Advances(Vec<(Decimal, Date)>),
    /// Nothing: why, as "has no [[costs]] entry for …".
    Nothing { missing: String },
}

/// The entry the engine charges a cost by: the one for the cost's release, else the
/// contract-wide one (`ledgerline_engine` `compute.rs`, charges).
fn recouped(contract: &Contract, row: &CostRow) -> Recouped {
    if row.kind == "advance" {
        if contract.advances.is_empty() {
            return Recouped::Nothing { missing: "has no [[advances]]".to_string() };
        }
        let same_date: Vec<(Decimal, Date)> =
            contract.advances.iter().filter(|advance| advance.date == row.date).map(|advance| (advance.recoupable, advance.date)).collect();
        if !same_date.is_empty() {
            return Recouped::Advances(same_date);
        }
        return Recouped::Advances(contract.advances.iter().map(|advance| (advance.recoupable, advance.date)).collect());
    }
    let entry = contract
        .recoupable_costs
        .iter()
        .filter(|entry| entry.kind == row.kind)
        .find(|entry| entry.release.as_ref().map(|code| code.as_str()) == row.release.as_deref())
        .or_else(|| contract.recoupable_costs.iter().find(|entry| entry.kind == row.kind && entry.release.is_none()));
    match entry {
        Some(entry) => Recouped::Entry {
            fraction: entry.recoupable,
            what: match &entry.release {
                Some(release) => format!("{} costs of release {}", row.kind, release.as_str()),
                None => format!("{} costs", row.kind),
            },
        },
        None => {
            let of_release = match &row.release {
                Some(release) => format!(" of release {release}"),
                None => " without a release".to_string(),
            };
            let listed = contract.recoupable_costs.iter().any(|entry| entry.kind == row.kind);
            Recouped::Nothing {
                missing: if listed {
                    format!("has no [[costs]] entry for \"{}\" costs{of_release}", row.kind)
                } else {
                    format!("has no [[costs]] entry for \"{}\"", row.kind)
                },
            }
        }
    }
}

/// "; it recoups recording (1), video (0.5)" or "; it recoups no costs".
fn recoups(contract: &Contract) -> String {
    if contract.recoupable_costs.is_empty() {
        return "; it recoups no costs".to_string();
    }
    let entries = contract.recoupable_costs.iter().map(|entry| match &entry.release {
        Some(release) => format!("{} of release {} ({})", entry.kind, release.as_str(), entry.recoupable),
        None => format!("{} ({})", entry.kind, entry.recoupable),
    });
    format!("; it recoups {}", entries.collect::<Vec<_>>().join(", "))
}

fn disagreement(said: Decimal, contract: &Contract, row: &CostRow, what: &str) -> String {
    format!(
        "{said} here, but contract {} (version {}, the one for {}) {what}; the contract decides what is recouped: correct the column (or leave it empty), or import a new version of the contract",
        contract.id, contract.version, row.date
    )
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.len() > 10 {
        format!("{}, … ({} in all)", items[..10].join(", "), items.len())
    } else {
        items.join(", ")
    }
}

/// Every column of a cost but its cost_id: two rows with the same content are the same cost
/// unless their cost_ids tell them apart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Content {
    date: String,
    contract: String,
    party: Option<String>,
    release: Option<String>,
    kind: String,
    /// Exact and canonical (`1500` for `1500.00`).
    amount: String,
    currency: String,
    description: String,
}

impl Content {
    fn of(row: &CostRow) -> Content {
        Content {
            date: row.date.to_string(),
            contract: row.contract.clone(),
            party: row.party.clone(),
            release: row.release.clone(),
            kind: row.kind.clone(),
            amount: row.amount.to_string(),
            currency: row.currency.code().to_string(),
            description: row.description.clone(),
        }
    }

    /// `amount 1500 there, 1600 here`, for each column that differs.
    fn differences(&self, here: &Content) -> Vec<String> {
        let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "empty".to_string());
        let mut out = Vec::new();
        let mut compare = |name: &str, there: String, here: String| {
            if there != here {
                out.push(format!("{name} {there:?} there, {here:?} here"));
            }
        };
        compare("date", self.date.clone(), here.date.clone());
        compare("contract_id", self.contract.clone(), here.contract.clone());
        compare("party_id", show(&self.party), show(&here.party));
        compare("release_upc", show(&self.release), show(&here.release));
        compare("kind", self.kind.clone(), here.kind.clone());
        compare("amount", self.amount.clone(), here.amount.clone());
        compare("currency", self.currency.clone(), here.currency.clone());
        compare("description", self.description.clone(), here.description.clone());
        out
    }
}

/// A cost recorded before.
struct Recorded {
    cost_id: Option<String>,
    content: Content,
    /// `file:line` it was recorded from.
    source: String,
}

fn recorded_costs(connection: &rusqlite::Connection) -> Result<Vec<Recorded>, RunError> {
    let mut statement = connection.prepare(
        "SELECT costs.cost_id, costs.date, contract_id, party_id, release, kind, amount, currency, description, cost_imports.file_name, line
         FROM costs JOIN cost_imports ON cost_imports.id = costs.import_id ORDER BY costs.id",
    )?;
    let rows = statement.query_map([], |row| {
        let amount: String = row.get(6)?;
        Ok(Recorded {
            cost_id: row.get(0)?,
            content: Content {
                date: row.get(1)?,
                contract: row.get(2)?,
                party: row.get(3)?,
                release: row.get(4)?,
                kind: row.get(5)?,
                amount,
                currency: row.get(7)?,
                description: row.get(8)?,
            },
            source: format!("{}:{}", row.get::<_, String>(9)?, row.get::<_, i64>(10)?),
        })
    })?;
    let mut recorded = rows.collect::<Result<Vec<_>, _>>()?;
    // Amounts are stored in canonical form; read them back through Decimal so that an amount
    // stored by an older build in another form still compares equal.
    for cost in &mut recorded {
        let amount = Decimal::parse(&cost.content.amount).map_err(|error| RunError::corrupt("cost amount", error))?;
        cost.content.amount = amount.to_string();
    }
    Ok(recorded)
}
