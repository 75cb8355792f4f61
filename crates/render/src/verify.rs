//! Reading a statement file back: the SHA-256 it claims, its figures (CSV and JSON), and the
//! byte-for-byte comparison with a fresh rendering of the issued statement.
//!
//! `ledgerline verify FILE` is: [`crate::Format::detect`] → [`extract_hash`] → find the issued
//! statement with that hash in the ledger → [`verify_against`]. A file whose figures were
//! changed either claims a hash no statement has, or differs from the re-rendered bytes.

use std::collections::BTreeMap;
use std::io::Read as _;

use ledgerline_engine::Statement;
use ledgerline_money::Decimal;

use crate::csv::{column, COLUMNS, HEADER};
use crate::text::all_summary_fields;
use crate::{render, Format, RenderError, HASH_MARKER};

/// The SHA-256 (64 lower-case hex digits) a statement file claims, or `None` if it carries
/// none. For JSON it is recomputed from the content (the canonical JSON is what is hashed).
pub fn extract_hash(bytes: &[u8], format: Format) -> Option<String> {
    match format {
        Format::Json => serde_json::from_slice::<Statement>(bytes).ok().map(|statement| statement.sha256()),
        Format::Html => hex_after(bytes, format!("<meta name=\"{HASH_MARKER}\" content=\"").as_bytes()),
        Format::Pdf => hex_after(bytes, format!("{HASH_MARKER}:").as_bytes()),
        Format::Csv => {
            let text = std::str::from_utf8(bytes).ok()?;
            let rows = parse_csv(text).ok()?;
            let kind = column("kind");
            let description = column("description");
            rows.iter()
                .rev()
                .find(|row| row.get(kind).map(String::as_str) == Some("sha256"))
                .and_then(|row| row.get(description))
                .filter(|hash| is_hash(hash.as_bytes()))
                .cloned()
        }
        Format::Xlsx => {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
            let mut core = String::new();
            archive.by_name("docProps/core.xml").ok()?.read_to_string(&mut core).ok()?;
            hex_after(core.as_bytes(), format!("{HASH_MARKER}:").as_bytes())
        }
    }
}

fn is_hash(candidate: &[u8]) -> bool {
    candidate.len() == 64 && candidate.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

/// The 64 hex digits right after the first occurrence of `marker`.
fn hex_after(haystack: &[u8], marker: &[u8]) -> Option<String> {
    let start = haystack.windows(marker.len()).position(|window| window == marker)? + marker.len();
    let candidate = haystack.get(start..start + 64)?;
    is_hash(candidate).then(|| String::from_utf8_lossy(candidate).into_owned())
}

/// The figures a CSV or JSON statement file states, read back exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    /// The hash the file claims (CSV) or that its content has (JSON).
    pub sha256: Option<String>,
    /// Every summary figure, by its field name in the canonical JSON (`earnings`,
    /// `closing_balance`, …).
    pub summary: BTreeMap<String, Decimal>,
    pub earning_lines: usize,
    /// The exact sum of the earning lines' amounts.
    pub earnings_total: Decimal,
}

/// Reads the figures of a CSV or JSON statement file.
pub fn figures_from(bytes: &[u8], format: Format) -> Result<Figures, RenderError> {
    let unreadable = |reason: String| RenderError::Unreadable { format, reason };
    match format {
        Format::Json => {
            let statement: Statement = serde_json::from_slice(bytes).map_err(|error| unreadable(error.to_string()))?;
            Ok(Figures {
                sha256: Some(statement.sha256()),
                summary: all_summary_fields(&statement).into_iter().map(|(name, value)| (name.to_string(), value)).collect(),
                earning_lines: statement.earnings.len(),
                earnings_total: statement.earnings.iter().map(|line| line.amount).sum(),
            })
        }
        Format::Csv => {
            let text = std::str::from_utf8(bytes).map_err(|error| unreadable(error.to_string()))?;
            let rows = parse_csv(text).map_err(unreadable)?;
            let header = rows.first().ok_or_else(|| unreadable("the file is empty".to_string()))?;
            if header.join(",") != HEADER {
                return Err(unreadable(format!("the header is not `{HEADER}`")));
            }
            let (kind, description, amount) = (column("kind"), column("description"), column("amount"));
            let mut figures = Figures { sha256: None, summary: BTreeMap::new(), earning_lines: 0, earnings_total: Decimal::ZERO };
            for (index, row) in rows.iter().enumerate().skip(1) {
                if row.len() != COLUMNS.len() {
                    return Err(unreadable(format!("line {} has {} fields, not {}", index + 1, row.len(), COLUMNS.len())));
                }
                let decimal = |text: &str| {
                    Decimal::parse(text).map_err(|error| unreadable(format!("line {}: `{text}`: {error}", index + 1)))
                };
                match row[kind].as_str() {
                    "earning" => {
                        figures.earning_lines += 1;
                        figures.earnings_total += decimal(&row[amount])?;
                    }
                    "summary" => {
                        figures.summary.insert(row[description].clone(), decimal(&row[amount])?);
                    }
                    "sha256" => figures.sha256 = Some(row[description].clone()),
                    _ => {}
                }
            }
            Ok(figures)
        }
        other => Err(RenderError::NoFigures(other)),
    }
}

/// What comparing a file with the issued statement found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The file is exactly the issued statement drawn in its format.
    Matches,
    /// The file claims another hash (or none).
    HashDiffers { claimed: Option<String>, issued: String },
    /// The file claims the right hash but its bytes differ from the issued statement's
    /// rendering, from byte `offset` on (a figure, a word or the layout was changed).
    ContentDiffers { offset: usize },
}

/// Compares a statement file with `statement` (the issued one, found by the hash the file
/// claims): the claimed hash must be the statement's and the bytes must be exactly what
/// rendering the statement in `format` gives.
pub fn verify_against(bytes: &[u8], format: Format, statement: &Statement) -> Result<Verdict, RenderError> {
    let issued = statement.sha256();
    let claimed = extract_hash(bytes, format);
    if claimed.as_deref() != Some(issued.as_str()) {
        return Ok(Verdict::HashDiffers { claimed, issued });
    }
    let expected = render(statement, format)?;
    if expected == bytes {
        return Ok(Verdict::Matches);
    }
    let offset = expected.iter().zip(bytes).position(|(a, b)| a != b).unwrap_or(expected.len().min(bytes.len()));
    Ok(Verdict::ContentDiffers { offset })
}

/// RFC 4180 CSV into rows of fields (quoted fields may hold commas, quotes and line ends).
pub(crate) fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut line = 1;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(format!("an unterminated quoted field at line {line}"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}
