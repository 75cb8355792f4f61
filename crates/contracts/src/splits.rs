//! Simple splits in bulk: a CSV of (ISRC or UPC, payee, share) read as one contract per
//! recording.
//!
//! Self-releasing artists and small labels mostly need no more than "these people share the
//! receipts of this track". Writing a TOML contract per track is too much for that, so a splits
//! file lists one row per payee and recording (reference: `docs/contracts.md`, "Simple splits in
//! bulk"; example: `docs/examples/splits.csv`):
//!
//! ```csv
//! isrc,upc,payee,share,recoupable,valid_from
//! GBAYE2400001,,P001,0.6,,2025-01
//! GBAYE2400001,,P002,40%,,
//! ```
//!
//! The rows of one recording become the contract `SPLIT-<ISRC or UPC>`: a royalty on net
//! receipts at the rate of the shares' total, split between the payees in proportion to their
//! shares, so each payee earns exactly its share of the receipts and the label keeps the rest.
//! The contracts are generated as contract files ([`contract_to_toml`]) and go through the same
//! checks and versioning as hand-written ones ([`import_contracts`]), named `file.csv:line` so
//! every message still leads back to a row of the CSV.

use std::collections::BTreeMap;

use ledgerline_model::{Date, Icpn, Isrc, Month};
use ledgerline_money::{allocate, Currency, Decimal, RoundingMode};
use ledgerline_store::Ledger;
use rusqlite::OptionalExtension;

use crate::error::ContractError;
use crate::ledger::{check_contracts, check_contracts_in, import_contracts, ContractImport, ContractStoreError, SourceFile};
use crate::model::{
    Accounting, AccountingFrequency, Basis, Contract, CrossCollateralisation, Deal, Payee, RateTable, RoyaltyTerms, Scope,
    Term, TerritoryScope,
};
use crate::parse::parse_contract;
use crate::reader::suggestion;
use crate::write::contract_to_toml;

/// The columns of a splits file, in the documented order.
pub const SPLIT_COLUMNS: [&str; 6] = ["isrc", "upc", "payee", "share", "recoupable", "valid_from"];

/// The prefix of the ids of generated split contracts: `SPLIT-GBAYE2400001`.
pub const SPLIT_ID_PREFIX: &str = "SPLIT-";

/// What the header lists, for the messages about it.
const LAYOUT: &str = "a splits file has the columns isrc or upc (or both), payee and share, and optionally recoupable and valid_from";

/// Same id rules as contract files (`parse.rs`), so a payee read here is a valid `party` there.
const LONGEST_IDENTIFIER: usize = 64;

/// The recording a split row is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SplitRecording {
    Track(Isrc),
    Release(Icpn),
}

impl SplitRecording {
    /// The id of the contract the recording's rows become.
    pub fn contract_id(&self) -> String {
        format!("{SPLIT_ID_PREFIX}{}", self.code())
    }

    /// The normalised code: 12-character ISRC, or 13/14-digit UPC/EAN.
    pub fn code(&self) -> &str {
        match self {
            SplitRecording::Track(isrc) => isrc.as_str(),
            SplitRecording::Release(icpn) => icpn.as_str(),
        }
    }
}

/// One row of a splits file, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitRow {
    /// 1-based line of the row in the file.
    pub line: usize,
    pub recording: SplitRecording,
    /// The party's id in the ledger.
    pub payee: String,
    /// The payee's part of the recording's receipts, above 0 and at most 1.
    pub share: Decimal,
    pub recoupable: bool,
    pub valid_from: Option<Month>,
}

/// A cell of the CSV with where it starts (1-based line and character column).
#[derive(Clone, Debug)]
struct Cell {
    text: String,
    line: usize,
    column: usize,
}

#[derive(Clone, Debug)]
struct Record {
    line: usize,
    cells: Vec<Cell>,
}

/// The file's text without a UTF-8 byte order mark: spreadsheets write one, and it is not part
/// of the first column's name.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads RFC 4180 CSV (comma-separated, `"` quoting with `""` for a quote, LF or CRLF), keeping
/// each cell's position for messages. A hand-rolled reader rather than the `csv` crate because
/// the messages need the character column of each cell, which that crate does not give.
/// Blank lines are skipped. An unclosed quote is reported and ends the file.
fn read_records(text: &str, file: &str, errors: &mut Vec<ContractError>) -> Vec<Record> {
    let mut records = Vec::new();
    let mut characters = without_bom(text).chars().peekable();
    let (mut line, mut column) = (1usize, 1usize);
    'records: while characters.peek().is_some() {
        let record_line = line;
        let mut cells: Vec<Cell> = Vec::new();
        loop {
            let (cell_line, cell_column) = (line, column);
            let mut value = String::new();
            // Spaces before an opening quote are allowed and ignored.
            while characters.peek() == Some(&' ') {
                characters.next();
                column += 1;
            }
            if characters.peek() == Some(&'"') {
                characters.next();
                column += 1;
                loop {
                    match characters.next() {
                        None => {
                            errors.push(ContractError {
                                file: file.to_string(),
                                line: cell_line,
                                column: cell_column,
                                key: String::new(),
                                message: "this quoted value is never closed; end it with \"".to_string(),
                            });
                            break 'records;
                        }
                        Some('"') if characters.peek() == Some(&'"') => {
                            characters.next();
                            column += 2;
                            value.push('"');
                        }
                        Some('"') => {
                            column += 1;
                            break;
                        }
                        Some('\n') => {
                            line += 1;
                            column = 1;
                            value.push('\n');
                        }
                        Some(other) => {
                            column += 1;
                            value.push(other);
                        }
                    }
                }
                // Anything between the closing quote and the next comma is kept, as spreadsheets do.
                while let Some(&next) = characters.peek() {
                    if matches!(next, ',' | '\n' | '\r') {
                        break;
                    }
                    characters.next();
                    column += 1;
                    value.push(next);
                }
            } else {
                while let Some(&next) = characters.peek() {
                    if matches!(next, ',' | '\n' | '\r') {
                        break;
                    }
                    characters.next();
                    column += 1;
                    value.push(next);
                }
            }
            cells.push(Cell { text: value.trim().to_string(), line: cell_line, column: cell_column });
            match characters.next() {
                Some(',') => column += 1,
                Some('\r') => {
                    if characters.peek() == Some(&'\n') {
                        characters.next();
                    }
                    line += 1;
                    column = 1;
                    break;
                }
                Some(_) => {
                    // Only '\n' can end a cell here.
                    line += 1;
                    column = 1;
                    break;
                }
                None => break,
            }
        }
        let blank = cells.iter().all(|cell| cell.text.is_empty());
        if !blank {
            records.push(Record { line: record_line, cells });
        }
    }
    records
}

fn column_name(cell: &Cell) -> String {
    cell.text.to_ascii_lowercase()
}

/// Whether a file is a splits CSV rather than a contract file: its first line names at least
/// two of the split columns. Told by the header, never by the file name, so `splits.txt` or a
/// spreadsheet export with an odd extension works too.
pub fn is_splits_csv(text: &str) -> bool {
    let Some(first_line) = without_bom(text).lines().find(|line| !line.trim().is_empty()) else {
        return false;
    };
    let mut ignored = Vec::new();
    let records = read_records(first_line, "", &mut ignored);
    records.first().is_some_and(|header| {
        header.cells.len() >= 2
            && header.cells.iter().filter(|cell| SPLIT_COLUMNS.contains(&column_name(cell).as_str())).count() >= 2
    })
}

fn is_identifier(text: &str) -> bool {
    let mut characters = text.chars();
    characters.next().is_some_and(|first| first.is_ascii_alphanumeric())
        && characters.all(|character| character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.'))
        && text.len() <= LONGEST_IDENTIFIER
}

/// Reads a share written as a fraction (`0.25`) or a percentage (`25%`), exactly.
fn read_share(text: &str) -> Option<Decimal> {
    match text.strip_suffix('%') {
        Some(percent) => {
            let value = Decimal::parse(percent.trim()).ok()?;
            let fraction = value.checked_div(Decimal::from_integer(100), RoundingMode::HalfEven)?;
            // A percentage with more digits than a share keeps would be rounded: refuse it.
            (fraction.checked_mul_integer(100)? == value).then_some(fraction)
        }
        None => Decimal::parse(text).ok(),
    }
}

/// A share as a percentage for people: `0.3` is `30%`.
fn as_percent(share: Decimal) -> String {
    share.checked_mul_integer(100).map_or_else(|| share.to_string(), |percent| format!("{percent}%"))
}

/// The ledger's parties (id and name), to refuse unknown payees and to name the payees.
pub type Parties = BTreeMap<String, String>;

/// The parties stored in the ledger (`parties` table): id to name.
pub fn ledger_parties(ledger: &Ledger) -> Result<Parties, rusqlite::Error> {
    crate::ledger::parties_in(ledger.connection())
}

struct Reader<'a> {
    file: &'a str,
    errors: Vec<ContractError>,
}

impl Reader<'_> {
    fn error(&mut self, cell: &Cell, key: &str, message: String) {
        self.errors.push(ContractError { file: self.file.to_string(), line: cell.line, column: cell.column, key: key.to_string(), message });
    }
}

/// Reads a splits file: its rows, or every problem in it (each with line, column, column name
/// and value). With `parties`, a payee must be one of them.
pub fn read_splits(file: &SourceFile, parties: Option<&Parties>) -> Result<Vec<SplitRow>, Vec<ContractError>> {
    let mut reader = Reader { file: &file.name, errors: Vec::new() };
    let records = read_records(&file.text, &file.name, &mut reader.errors);
    let Some((header, rows)) = records.split_first() else {
        reader.errors.push(ContractError {
            file: file.name.clone(),
            line: 1,
            column: 1,
            key: String::new(),
            message: format!("is empty; {LAYOUT}, named on its first line"),
        });
        return Err(reader.errors);
    };

    // Which column is where.
    let mut positions: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (index, cell) in header.cells.iter().enumerate() {
        let name = column_name(cell);
        match SPLIT_COLUMNS.iter().find(|known| **known == name) {
            Some(known) if positions.contains_key(known) => {
                reader.error(cell, known, "this column is named twice; keep one".to_string());
            }
            Some(known) => {
                positions.insert(known, index);
            }
            None if name.is_empty() => reader.error(cell, "", format!("a column has no name; {LAYOUT}")),
            None => reader.error(cell, &name, format!("unknown column{}; {LAYOUT}", suggestion(&name, &SPLIT_COLUMNS))),
        }
    }
    let header_start = Cell { text: String::new(), line: header.line, column: 1 };
    for required in ["payee", "share"] {
        if !positions.contains_key(required) {
            reader.error(&header_start, required, format!("the header has no {required} column; {LAYOUT}"));
        }
    }
    if !positions.contains_key("isrc") && !positions.contains_key("upc") {
        reader.error(&header_start, "isrc", format!("the header has neither an isrc nor a upc column; {LAYOUT}"));
    }
    if !reader.errors.is_empty() {
        // Without a sound header the rows cannot be read column by column.
        reader.errors.sort();
        return Err(reader.errors);
    }

    let mut read: Vec<SplitRow> = Vec::new();
    for record in rows {
        if let Some(row) = read_row(&mut reader, record, header, &positions, parties) {
            read.push(row);
        }
    }
    check_groups(&mut reader, &read, rows, &positions);
    if reader.errors.is_empty() {
        Ok(read)
    } else {
        reader.errors.sort();
        reader.errors.dedup();
        Err(reader.errors)
    }
}

/// The cell of a column in a row; a missing trailing cell reads as empty, placed just after the
/// row's last cell.
fn cell_of(record: &Record, positions: &BTreeMap<&'static str, usize>, column: &str) -> Option<Cell> {
    let index = *positions.get(column)?;
    Some(record.cells.get(index).cloned().unwrap_or_else(|| {
        let last = record.cells.last();
        Cell {
            text: String::new(),
            line: last.map_or(record.line, |cell| cell.line),
            column: last.map_or(1, |cell| cell.column + cell.text.chars().count() + 1),
        }
    }))
}

fn read_row(
    reader: &mut Reader<'_>,
    record: &Record,
    header: &Record,
    positions: &BTreeMap<&'static str, usize>,
    parties: Option<&Parties>,
) -> Option<SplitRow> {
    let errors_before = reader.errors.len();
    if record.cells.len() > header.cells.len() {
        if let Some(extra) = record.cells.get(header.cells.len()) {
            reader.error(
                extra,
                "",
                format!("the row has {} values but the header names {} columns", record.cells.len(), header.cells.len()),
            );
        }
    }
    let isrc_cell = cell_of(record, positions, "isrc").filter(|cell| !cell.text.is_empty());
    let upc_cell = cell_of(record, positions, "upc").filter(|cell| !cell.text.is_empty());
    let recording = match (&isrc_cell, &upc_cell) {
        (Some(isrc), Some(upc)) => {
            reader.error(
                isrc,
                "isrc",
                format!(
                    "\"{}\" and upc \"{}\" are both given; a row splits one recording: give the ISRC of a track or the UPC of a release, not both",
                    isrc.text, upc.text
                ),
            );
            None
        }
        (None, None) => {
            let place = cell_of(record, positions, "isrc").or_else(|| cell_of(record, positions, "upc"));
            let key = if positions.contains_key("isrc") { "isrc" } else { "upc" };
            if let Some(place) = place {
                reader.error(&place, key, "the row names no recording: give the ISRC of a track or the UPC of a release".to_string());
            }
            None
        }
        (Some(isrc), None) => match Isrc::parse(&isrc.text) {
            Ok(code) => Some(SplitRecording::Track(code)),
            Err(error) => {
                reader.error(isrc, "isrc", error.to_string());
                None
            }
        },
        (None, Some(upc)) => match Icpn::parse(&upc.text) {
            Ok(code) => Some(SplitRecording::Release(code)),
            Err(error) => {
                reader.error(upc, "upc", error.to_string());
                None
            }
        },
    };

    let payee = cell_of(record, positions, "payee").and_then(|cell| {
        if cell.text.is_empty() {
            reader.error(&cell, "payee", "is empty; give the party id of the payee, as in parties.csv".to_string());
            None
        } else if !is_identifier(&cell.text) {
            reader.error(
                &cell,
                "payee",
                format!(
                    "\"{}\" is not a party id: use letters, digits, '-', '_' and '.' (up to {LONGEST_IDENTIFIER}), starting with a letter or digit",
                    cell.text
                ),
            );
            None
        } else if parties.is_some_and(|known| !known.contains_key(&cell.text)) {
            reader.error(
                &cell,
                "payee",
                format!("\"{}\" is not a party in the ledger; import it first (ledgerline catalog import parties.csv) or correct the id", cell.text),
            );
            None
        } else {
            Some(cell.text)
        }
    });

    let share = cell_of(record, positions, "share").and_then(|cell| match read_share(&cell.text) {
        None if cell.text.is_empty() => {
            reader.error(&cell, "share", "is empty; give the payee's part, as in 0.25 or 25%".to_string());
            None
        }
        None => {
            reader.error(&cell, "share", format!("\"{}\" is not a decimal; write a fraction such as 0.25 or a percentage such as 25%", cell.text));
            None
        }
        Some(value) if !value.is_positive() || value > Decimal::ONE => {
            reader.error(&cell, "share", format!("\"{}\" is out of range; a share is above 0 and at most 1 (100%)", cell.text));
            None
        }
        Some(value) => Some(value),
    });

    let recoupable = match cell_of(record, positions, "recoupable") {
        None => Some(false),
        Some(cell) => match cell.text.to_ascii_lowercase().as_str() {
            "" | "false" => Some(false),
            "true" => Some(true),
            _ => {
                reader.error(&cell, "recoupable", format!("\"{}\" is not true or false (leave it empty for false)", cell.text));
                None
            }
        },
    };

    let valid_from = match cell_of(record, positions, "valid_from") {
        Some(cell) if !cell.text.is_empty() => match Month::parse(&cell.text) {
            Ok(month) => Some(Some(month)),
            Err(error) => {
                reader.error(&cell, "valid_from", error.to_string());
                None
            }
        },
        _ => Some(None),
    };

    if reader.errors.len() > errors_before {
        return None;
    }
    Some(SplitRow { line: record.line, recording: recording?, payee: payee?, share: share?, recoupable: recoupable?, valid_from: valid_from? })
}

/// Checks between the rows of one recording: a payee once, shares adding up to 1 at most, one
/// month.
fn check_groups(reader: &mut Reader<'_>, rows: &[SplitRow], records: &[Record], positions: &BTreeMap<&'static str, usize>) {
    let record_at = |line: usize| records.iter().find(|record| record.line == line);
    let cell_at = |line: usize, column: &str| record_at(line).and_then(|record| cell_of(record, positions, column));
    for (recording, group) in group_rows(rows) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for row in &group {
            if let Some(first_line) = seen.get(row.payee.as_str()) {
                if let Some(cell) = cell_at(row.line, "payee") {
                    reader.error(
                        &cell,
                        "payee",
                        format!(
                            "\"{}\" is already a payee of {} on line {first_line}; give each payee one row per recording, with the whole share",
                            row.payee,
                            recording.code()
                        ),
                    );
                }
            } else {
                seen.insert(&row.payee, row.line);
            }
        }
        let total: Decimal = group.iter().map(|row| row.share).sum();
        if total > Decimal::ONE {
            let listing: Vec<String> = group.iter().map(|row| format!("{} {}", row.payee, row.share)).collect();
            if let Some(cell) = group.last().and_then(|row| cell_at(row.line, "share")) {
                reader.error(
                    &cell,
                    "share",
                    format!(
                        "the shares of {} add up to {total} ({}), more than all of the receipts; they must add up to 1 at most (the label keeps the rest)",
                        recording.code(),
                        listing.join(" + ")
                    ),
                );
            }
        }
        let mut month: Option<(Month, usize)> = None;
        for row in &group {
            let Some(row_month) = row.valid_from else { continue };
            match month {
                None => month = Some((row_month, row.line)),
                Some((first, first_line)) if first != row_month => {
                    if let Some(cell) = cell_at(row.line, "valid_from") {
                        reader.error(
                            &cell,
                            "valid_from",
                            format!(
                                "\"{row_month}\" differs from \"{first}\" on line {first_line}; the rows of one recording make one contract, which applies from one month"
                            ),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}

/// The rows of each recording, recordings in the order of their first row.
fn group_rows(rows: &[SplitRow]) -> Vec<(&SplitRecording, Vec<&SplitRow>)> {
    let mut groups: Vec<(&SplitRecording, Vec<&SplitRow>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(recording, _)| **recording == row.recording) {
            Some((_, group)) => group.push(row),
            None => groups.push((&row.recording, vec![row])),
        }
    }
    groups
}

/// The month a split applies from when the file gives none: the earliest the ledger knows, so
/// the split covers every sale ever reported.
fn earliest_month() -> Option<Month> {
    Month::new(ledgerline_model::period::FIRST_SUPPORTED_YEAR, 1).ok()
}

/// What a split decides, for telling whether a stored version already says it: the deal, the
/// basis, the recordings and the payees' parts. Titles, notes and payee names are left out, so
/// renaming a party in the catalog does not make a new version.
fn same_terms(left: &Contract, right: &Contract) -> bool {
    let payees = |contract: &Contract| -> Vec<(String, Decimal, bool, bool)> {
        contract.payees.iter().map(|payee| (payee.party.clone(), payee.share, payee.recoupable, payee.from_record_one)).collect()
    };
    left.deal == right.deal
        && left.basis == right.basis
        && left.scope == right.scope
        && payees(left) == payees(right)
        && left.deductions.is_empty() == right.deductions.is_empty()
        && left.advances.is_empty() == right.advances.is_empty()
        && left.transfers.is_empty() == right.transfers.is_empty()
}

/// The contract one recording's rows stand for.
fn split_contract(
    recording: &SplitRecording,
    rows: &[&SplitRow],
    version: u32,
    valid_from: Month,
    term_start: Date,
    currency: Currency,
    parties: Option<&Parties>,
) -> Option<Contract> {
    let total: Decimal = rows.iter().map(|row| row.share).sum();
    let weights: Vec<Decimal> = rows.iter().map(|row| row.share).collect();
    // The payees share the royalty in proportion to their shares. When a part of the total is
    // not a finite decimal (0.3 of 0.9), it is rounded at the 12th digit with the remainders
    // going to the largest parts, so the shares still add up to exactly 1 as contracts require.
    let shares = if total == Decimal::ONE { weights } else { allocate(Decimal::ONE, &weights, 12).ok()? };
    let payees = rows
        .iter()
        .zip(shares)
        .map(|(row, share)| Payee {
            party: row.payee.clone(),
            name: parties.and_then(|known| known.get(&row.payee)).cloned(),
            share,
            recoupable: row.recoupable,
            from_record_one: false,
            recoupment_of: None,
            settings: None,
        })
        .collect();
    let parts: Vec<String> = rows.iter().map(|row| format!("{} {}", row.payee, as_percent(row.share))).collect();
    let label_part = Decimal::ONE - total;
    let notes = format!(
        "A simple split of the net receipts: {}; the label keeps {}.",
        parts.join(", "),
        if label_part.is_zero() { "nothing".to_string() } else { as_percent(label_part) }
    );
    let (title, scope) = match recording {
        SplitRecording::Track(isrc) => (
            format!("Split of track {isrc}"),
            Scope { releases: Vec::new(), tracks: vec![isrc.clone()], territories: TerritoryScope::worldwide() },
        ),
        SplitRecording::Release(icpn) => (
            format!("Split of release {icpn}"),
            Scope { releases: vec![icpn.clone()], tracks: Vec::new(), territories: TerritoryScope::worldwide() },
        ),
    };
    Some(Contract {
        id: recording.contract_id(),
        version,
        valid_from,
        title,
        // A royalty at the rate of the shares' total, of net receipts, with nothing deducted:
        // each payee earns exactly its share of what the label received.
        deal: Deal::Royalty(RoyaltyTerms { rates: RateTable { default_rate: total, entries: Vec::new() }, escalations: Vec::new() }),
        basis: Basis::NetReceipts,
        currency,
        term: Term { start: term_start, end: None },
        accounting: Accounting { frequency: AccountingFrequency::HalfYearly, minimum_payout: Decimal::ZERO },
        scope,
        payees,
        deductions: Vec::new(),
        advances: Vec::new(),
        recoupable_costs: Vec::new(),
        cross_collateralisation: CrossCollateralisation::None,
        reserve: None,
        transfers: Vec::new(),
        notes: Some(notes),
    })
}

/// The first line of every generated file, so a stored split says where it came from. It names
/// no file path: the same rows imported from another folder must give the same text.
const GENERATED_HEADER: &str = "# A simple split, generated from a splits CSV (docs/contracts.md, \"Simple splits in bulk\").\n";

/// The latest stored version of a contract, read back, with its text.
fn latest_stored(ledger: &Ledger, contract_id: &str) -> Result<Option<(Contract, String)>, ContractStoreError> {
    let row: Option<(u32, String)> = ledger
        .connection()
        .query_row(
            "SELECT version, source_text FROM contracts WHERE contract_id = ?1 ORDER BY version DESC LIMIT 1",
            [contract_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((version, text)) = row else { return Ok(None) };
    match parse_contract(&text, contract_id) {
        Ok(contract) => Ok(Some((contract, text))),
        Err(errors) => Err(ContractStoreError::StoredContractUnreadable {
            contract_id: contract_id.to_string(),
            version,
            problem: errors.first().map_or_else(String::new, ToString::to_string),
        }),
    }
}

/// The label's accounting currency (`ledgerline init --currency`), EUR without a ledger.
fn accounting_currency(ledger: Option<&Ledger>) -> Result<Currency, ContractStoreError> {
    let Some(ledger) = ledger else { return Ok(Currency::EUR) };
    let code: Option<String> = ledger
        .connection()
        .query_row("SELECT value FROM settings WHERE key = 'accounting_currency'", [], |row| row.get(0))
        .optional()?;
    Ok(code.and_then(|code| Currency::parse(&code).ok()).unwrap_or(Currency::EUR))
}

/// Where a generated contract file came from, to move its problems back onto the CSV.
#[derive(Clone, Debug)]
struct Origin {
    generated: String,
    file: String,
    line: usize,
}

/// The contract files a splits file stands for, one per recording, named `file.csv:line` after
/// the recording's first row.
///
/// With a ledger, each is versioned against what is stored: a recording whose stored split says
/// the same is given the stored text (so importing it again is "unchanged"); a changed one
/// becomes the next version, from the month of its rows or, without one, the earliest month in
/// the file. Payees must be parties of the ledger. Without a ledger every split is version 1.
pub fn split_sources(file: &SourceFile, ledger: Option<&Ledger>) -> Result<Result<Vec<SourceFile>, Vec<ContractError>>, ContractStoreError> {
    let parties = ledger.map(ledger_parties).transpose()?;
    let rows = match read_splits(file, parties.as_ref()) {
        Ok(rows) => rows,
        Err(errors) => return Ok(Err(errors)),
    };
    let currency = accounting_currency(ledger)?;
    let file_month = rows.iter().filter_map(|row| row.valid_from).min();
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for (recording, group) in group_rows(&rows) {
        let Some(first) = group.first() else { continue };
        let given_month = group.iter().find_map(|row| row.valid_from).or(file_month);
        let stored = match ledger {
            Some(ledger) => latest_stored(ledger, &recording.contract_id())?,
            None => None,
        };
        let name = format!("{}:{}", file.name, first.line);
        let generated = match &stored {
            None => given_month.or_else(earliest_month).and_then(|month| {
                split_contract(recording, &group, 1, month, month.first_day(), currency, parties.as_ref())
            }),
            Some((previous, text)) => {
                let same = split_contract(recording, &group, previous.version, previous.valid_from, previous.term.start, currency, parties.as_ref())
                    .is_some_and(|probe| same_terms(&probe, previous));
                if same {
                    // The stored text itself, so the import finds the same SHA-256: "unchanged".
                    sources.push(SourceFile::new(name, text.clone()));
                    continue;
                }
                let Some(month) = given_month else {
                    errors.push(ContractError {
                        file: file.name.clone(),
                        line: first.line,
                        column: 1,
                        key: "valid_from".to_string(),
                        message: format!(
                            "{} version {} in the ledger (from {}) splits {} differently; give the month the new split applies from in valid_from",
                            previous.id,
                            previous.version,
                            previous.valid_from,
                            recording.code()
                        ),
                    });
                    continue;
                };
                // A new version keeps the term: the contract still started when it started.
                split_contract(recording, &group, previous.version + 1, month, previous.term.start, currency, parties.as_ref())
            }
        };
        match generated {
            Some(contract) => sources.push(SourceFile::new(name, format!("{GENERATED_HEADER}{}", contract_to_toml(&contract)))),
            None => errors.push(ContractError {
                file: file.name.clone(),
                line: first.line,
                column: 1,
                key: String::new(),
                message: format!("the split of {} could not be made into a contract", recording.code()),
            }),
        }
    }
    Ok(if errors.is_empty() { Ok(sources) } else { Err(errors) })
}

/// The files to check or import once splits files are replaced by their contract files.
struct Expanded {
    files: Vec<SourceFile>,
    /// Where each generated file came from.
    origins: Vec<Origin>,
    /// The problems of the splits files.
    problems: Vec<ContractError>,
}

/// Replaces each splits file among `files` by the contract files it stands for; contract files
/// pass through as they are.
fn expand(files: &[SourceFile], ledger: Option<&Ledger>) -> Result<Expanded, ContractStoreError> {
    let mut expanded = Vec::new();
    let mut origins = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        if !is_splits_csv(&file.text) {
            expanded.push(file.clone());
            continue;
        }
        match split_sources(file, ledger)? {
            Ok(sources) => {
                for source in sources {
                    let line = source.name.rsplit(':').next().and_then(|line| line.parse().ok()).unwrap_or(1);
                    origins.push(Origin { generated: source.name.clone(), file: file.name.clone(), line });
                    expanded.push(source);
                }
            }
            Err(problems) => errors.extend(problems),
        }
    }
    Ok(Expanded { files: expanded, origins, problems: errors })
}

/// A problem found in a generated contract file, moved onto the row of the CSV it came from
/// (its first row of the recording), keeping the key and the message.
fn relocate(mut errors: Vec<ContractError>, origins: &[Origin]) -> Vec<ContractError> {
    for error in &mut errors {
        if let Some(origin) = origins.iter().find(|origin| origin.generated == error.file) {
            error.file = origin.file.clone();
            error.line = origin.line;
            error.column = 1;
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

/// [`check_contracts`] for contract files and splits files together (told apart by content).
/// Without a ledger, payees are not checked against the parties and every split is version 1.
pub fn check_contracts_and_splits(files: &[SourceFile]) -> Result<Vec<Contract>, Vec<ContractError>> {
    let Expanded { files: expanded, origins, problems: mut errors } = match expand(files, None) {
        Ok(expanded) => expanded,
        Err(error) => {
            return Err(vec![ContractError { file: String::new(), line: 1, column: 1, key: String::new(), message: error.to_string() }])
        }
    };
    match check_contracts(&expanded) {
        Ok(contracts) if errors.is_empty() => Ok(contracts),
        Ok(_) => Err(relocate(errors, &origins)),
        Err(more) => {
            errors.extend(more);
            Err(relocate(errors, &origins))
        }
    }
}

/// The splits files among `files` versioned against the ledger (see [`split_sources`]); their
/// problems refuse the whole batch, listed with the contract files' own problems so one run
/// lists everything to fix.
fn expand_in(ledger: &Ledger, files: &[SourceFile]) -> Result<Expanded, ContractStoreError> {
    let expanded = expand(files, Some(ledger))?;
    if !expanded.problems.is_empty() {
        let mut all = expanded.problems;
        if let Err(more) = check_contracts(&expanded.files) {
            all.extend(more);
        }
        return Err(ContractStoreError::Invalid(relocate(all, &expanded.origins)));
    }
    Ok(expanded)
}

/// Problems and warnings of generated files moved onto the rows of their splits file.
fn relocated(outcome: Result<ContractImport, ContractStoreError>, origins: &[Origin]) -> Result<ContractImport, ContractStoreError> {
    match outcome {
        Ok(mut report) => {
            report.warnings = relocate(std::mem::take(&mut report.warnings), origins);
            Ok(report)
        }
        Err(ContractStoreError::Invalid(problems)) => Err(ContractStoreError::Invalid(relocate(problems, origins))),
        Err(other) => Err(other),
    }
}

/// [`import_contracts`] for contract files and splits files together (told apart by content):
/// each splits file is versioned against the ledger (see [`split_sources`]) and everything is
/// imported in one transaction, all or nothing.
pub fn import_contracts_and_splits(ledger: &mut Ledger, files: &[SourceFile]) -> Result<ContractImport, ContractStoreError> {
    let expanded = expand_in(ledger, files)?;
    relocated(import_contracts(ledger, &expanded.files), &expanded.origins)
}

/// [`check_contracts_in`] for contract files and splits files together: every check
/// [`import_contracts_and_splits`] makes against the ledger, storing nothing.
pub fn check_contracts_and_splits_in(ledger: &Ledger, files: &[SourceFile]) -> Result<ContractImport, ContractStoreError> {
    let expanded = expand_in(ledger, files)?;
    relocated(check_contracts_in(ledger, &expanded.files), &expanded.origins)
}
