//! Whether a statement file is exactly what was issued: the file names the SHA-256 of the
//! statement it claims to be; the issued statement with that hash is rendered again in the
//! file's format and compared byte for byte.

use ledgerline_engine::Statement;
use ledgerline_render::{extract_hash, verify_against, Format, Verdict};
use ledgerline_store::Ledger;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::RunError;

#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    pub format: Option<&'static str>,
    /// `matches`, `not_a_statement`, `unknown_hash`, `hash_differs` or `content_differs`.
    pub result: &'static str,
    pub sha256: Option<String>,
    pub payee: Option<String>,
    pub period: Option<String>,
    pub issued_at: Option<String>,
    pub detail: String,
}

impl Verification {
    pub fn matches(&self) -> bool {
        self.result == "matches"
    }
}

/// Verifies the bytes of a statement file against the ledger's issued statements.
pub fn verify_statement_file(ledger: &Ledger, bytes: &[u8]) -> Result<Verification, RunError> {
    let mut verification = Verification {
        format: None,
        result: "not_a_statement",
        sha256: None,
        payee: None,
        period: None,
        issued_at: None,
        detail: String::new(),
    };
    let Some(format) = Format::detect(bytes) else {
        verification.detail =
            "not a statement file Ledgerline writes (HTML, PDF, CSV, XLSX or JSON)".to_string();
        return Ok(verification);
    };
    verification.format = Some(format.name());
    verification.result = "unknown_hash";
    let claimed = extract_hash(bytes, format);
    verification.sha256 = claimed.clone();
    let issued: Option<(String, String)> = match &claimed {
        Some(hash) => ledger
            .connection()
            .query_row(
                "SELECT content, issued_at FROM statements WHERE content_sha256 = ?1",
                [hash],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?,
        None => None,
    };
    let Some((content, issued_at)) = issued else {
        verification.detail = match &claimed {
            Some(hash) => format!("no statement issued in this ledger has the SHA-256 {hash}"),
            None => match invoice_statement_hash(bytes) {
                Some(hash) => format!(
                    "this is a self-billing invoice, not a statement: it goes with the statement whose SHA-256 is {hash}; verify that statement's file"
                ),
                None => "the file carries no statement SHA-256".to_string(),
            },
        };
        return Ok(verification);
    };
    let statement: Statement = serde_json::from_str(&content)
        .map_err(|error| RunError::corrupt("an issued statement", error))?;
    verification.payee = Some(statement.payee.clone());
    verification.period = Some(statement.period.clone());
    verification.issued_at = Some(issued_at);
    let verdict = match verify_against(bytes, format, &statement) {
        Ok(verdict) => verdict,
        Err(error) => {
            verification.result = "content_differs";
            verification.detail =
                format!("the file cannot be read as a statement ({error}): it may be damaged");
            return Ok(verification);
        }
    };
    (verification.result, verification.detail) = match verdict {
        Verdict::Matches => ("matches", format!("the file is exactly the statement of {} for {} as issued", statement.payee, statement.period)),
        Verdict::HashDiffers { claimed, issued } => ("hash_differs", format!("the file claims {claimed:?}; the issued statement's SHA-256 is {issued}")),
        Verdict::ContentDiffers { offset } => (
            "content_differs",
            format!("the file claims the issued statement's SHA-256 but its content differs from it, from byte {offset}: a figure or a word was changed"),
        ),
    };
    Ok(verification)
}

/// The SHA-256 of the statement a self-billing invoice PDF names in its document information.
fn invoice_statement_hash(bytes: &[u8]) -> Option<String> {
    let marker = format!("{}:", ledgerline_render::INVOICE_STATEMENT_MARKER);
    let at = bytes.windows(marker.len()).position(|window| window == marker.as_bytes())? + marker.len();
    let hash: String = bytes[at..].iter().take(64).map(|byte| char::from(*byte)).collect();
    (hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())).then_some(hash)
}
