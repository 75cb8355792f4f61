//! One entry point for every catalog file: decode, tell the kind by content, read.

use std::fmt;

use crate::catalog::Catalog;
use crate::csv_layouts::{normalised_header, read_aliases_csv, read_catalog_csv, read_parties_csv, CsvLayout};
use crate::ern::read_ern;
use crate::problem::{CatalogReadError, Location, ProblemList};

/// What kind of catalog file was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogFileKind {
    CatalogCsv,
    PartiesCsv,
    AliasesCsv,
    /// A DDEX ERN NewReleaseMessage, with its version (`4.3`, `3.8.2`).
    Ern { version: String },
}

impl CatalogFileKind {
    /// A stable name for scripts: `catalog-csv`, `parties-csv`, `aliases-csv`, `ern-4.3`.
    pub fn code(&self) -> String {
        match self {
            CatalogFileKind::CatalogCsv => "catalog-csv".to_string(),
            CatalogFileKind::PartiesCsv => "parties-csv".to_string(),
            CatalogFileKind::AliasesCsv => "aliases-csv".to_string(),
            CatalogFileKind::Ern { version } => format!("ern-{version}"),
        }
    }
}

impl fmt::Display for CatalogFileKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogFileKind::CatalogCsv => formatter.write_str("catalog CSV"),
            CatalogFileKind::PartiesCsv => formatter.write_str("parties CSV"),
            CatalogFileKind::AliasesCsv => formatter.write_str("aliases CSV"),
            CatalogFileKind::Ern { version } => write!(formatter, "DDEX ERN {version}"),
        }
    }
}

/// A catalog file that was read whole, without a problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogFile {
    pub kind: CatalogFileKind,
    pub catalog: Catalog,
    /// Data deliberately left out, each said in a sentence (an ERN release date that is only a
    /// year, for example). Not problems: the file imports.
    pub warnings: Vec<String>,
}

const UTF8_BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads a catalog file of any supported kind. `file_name` is used in messages only.
///
/// The kind is told by content, not by name: a file whose first character other than
/// whitespace is `<` is read as DDEX ERN; otherwise it is CSV, and the header says which
/// layout (a `party_id` column: parties; `namespace`: aliases; `release_upc`: catalog).
/// Any problem refuses the whole file, with every problem listed.
pub fn read_catalog_file(file_name: &str, bytes: &[u8]) -> Result<CatalogFile, CatalogReadError> {
    let mut problems = ProblemList::new(file_name);
    let Some(text) = decode(bytes, &mut problems) else {
        return Err(problems.into_error());
    };
    if text.trim().is_empty() {
        problems.push(Location::File, None, "the file is empty");
        return Err(problems.into_error());
    }
    if text.trim_start().starts_with('<') {
        return match read_ern(text, &mut problems) {
            Some(content) => {
                let kind = CatalogFileKind::Ern { version: content.version };
                problems.into_result(CatalogFile { kind, catalog: content.catalog, warnings: content.warnings })
            }
            None => Err(problems.into_error()),
        };
    }
    let header = {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        match reader.records().next() {
            Some(Ok(record)) => normalised_header(&record),
            Some(Err(error)) => {
                problems.push(Location::Line(1), None, format!("the header cannot be read as CSV: {error}"));
                return Err(problems.into_error());
            }
            None => Vec::new(),
        }
    };
    let (kind, catalog) = match CsvLayout::detect(&header) {
        Some(CsvLayout::Catalog) => (CatalogFileKind::CatalogCsv, read_catalog_csv(text, &mut problems)),
        Some(CsvLayout::Parties) => (CatalogFileKind::PartiesCsv, read_parties_csv(text, &mut problems)),
        Some(CsvLayout::Aliases) => (CatalogFileKind::AliasesCsv, read_aliases_csv(text, &mut problems)),
        None => {
            problems.push(
                Location::Line(1),
                None,
                format!(
                    "the header \"{}\" is not that of a catalog, parties or aliases CSV (their first columns are release_upc, party_id and namespace), nor is the file DDEX ERN XML",
                    header.join(",")
                ),
            );
            return Err(problems.into_error());
        }
    };
    problems.into_result(CatalogFile { kind, catalog, warnings: Vec::new() })
}

/// The text of a UTF-8 file, without its byte order mark. Anything else is a problem: guessing
/// an encoding would put wrong letters into names and titles without anyone noticing.
fn decode<'a>(bytes: &'a [u8], problems: &mut ProblemList) -> Option<&'a str> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        problems.push(Location::File, None, "the file is UTF-16; save it as UTF-8 (with or without a BOM)");
        return None;
    }
    let bytes = bytes.strip_prefix(UTF8_BYTE_ORDER_MARK).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = 1 + valid.iter().filter(|&&byte| byte == b'\n').count() as u64;
            let bad_byte = bytes.get(error.valid_up_to()).copied().unwrap_or_default();
            problems.push(
                Location::Line(line),
                None,
                format!("byte 0x{bad_byte:02X} is not UTF-8; save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_told_by_content() {
        let parties = read_catalog_file("a.txt", b"\xEF\xBB\xBFparty_id,name,kind,email,country,vat_id,tax_residence\nP1,Ann,artist,,,,\n").unwrap();
        assert_eq!(parties.kind, CatalogFileKind::PartiesCsv);
        assert_eq!(parties.catalog.parties.len(), 1, "the BOM does not hide the party_id column");
        let aliases = read_catalog_file("b.csv", b"namespace,value,isrc,upc\r\napple,1,FRERZ1200163,\r\n").unwrap();
        assert_eq!(aliases.kind, CatalogFileKind::AliasesCsv);
        assert_eq!(aliases.kind.code(), "aliases-csv");
    }

    #[test]
    fn unreadable_files_say_why() {
        let problem = |bytes: &[u8]| read_catalog_file("x.csv", bytes).unwrap_err().problems[0].to_string();
        assert_eq!(problem(b""), "x.csv: the file is empty");
        assert_eq!(problem(b"\xFF\xFEp\0"), "x.csv: the file is UTF-16; save it as UTF-8 (with or without a BOM)");
        assert!(problem(b"party_id,name\nP1,Ren\xE9e\n").starts_with("x.csv:2: byte 0xE9 is not UTF-8"));
        assert!(problem(b"date,amount\n").starts_with("x.csv:1: the header \"date,amount\" is not that of a catalog"));
        assert!(problem(b"  <html><body/></html>").starts_with("x.csv: the root element is <html>"));
        assert!(problem(b"<NewReleaseMessage xmlns=\"http://ddex.net/xml/ern/43\"><A></B></NewReleaseMessage>")
            .starts_with("x.csv: /NewReleaseMessage/A (line 1): the XML cannot be read"));
    }
}
