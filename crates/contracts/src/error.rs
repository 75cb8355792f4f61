//! Problems found in contract files, each with the file, line, column and key it is about.

use std::fmt;

use serde::Serialize;

/// One problem in a contract file.
///
/// Displayed the way compilers report errors, so editors can jump to it:
/// `contracts/C001.toml:14:8: [[royalty.rates]] rate: "1.5" is above 1 (rates are fractions: 0.25 is 25%)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ContractError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Where in the document: `[[royalty.rates]] rate`, `version`, `[payees.settings.bank] iban`;
    /// empty for problems with the file as a whole (TOML syntax).
    pub key: String,
    pub message: String,
}

impl fmt::Display for ContractError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(formatter, "{}: ", self.key)?;
        }
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for ContractError {}

/// Byte offsets to 1-based line and character column.
#[derive(Clone, Debug)]
pub(crate) struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(index, _)| index + 1));
        LineIndex { line_starts }
    }

    pub(crate) fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line_index = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        // A span can only start on a character boundary, but be safe with a lossy count.
        let column = text.get(line_start..offset).map_or(offset - line_start, |prefix| prefix.chars().count()) + 1;
        (line_index + 1, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "a = 1\nné = \"x\"\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 6), (2, 1));
        let quote = text.find('"').unwrap();
        assert_eq!(index.position(text, quote), (2, 6), "é is one column");
        assert_eq!(index.position(text, text.len()), (3, 1));
    }
}
