//! Diagnostics: what is wrong with a report, and exactly where.

use std::fmt;

/// Whether a diagnostic stops the import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Known harmless discrepancies (for example DDEX's own samples disagree with their FOOT
    /// block count). Reported, imported.
    Warning,
    /// Bad data: the file is refused unless the user asks to skip bad rows.
    Error,
}

/// One problem in a report: file, line, column, the value found and why it is wrong.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user named it (plus `!member` for a file inside a ZIP).
    pub file: String,
    /// Line in the decompressed, decoded text, from 1; 0 when the problem is the whole file.
    pub line: u64,
    /// Column number from 1, when the problem is in one cell.
    pub column: Option<usize>,
    /// The column's header name, when the file has one.
    pub column_name: Option<String>,
    /// The offending value, cut to a readable length.
    pub value: Option<String>,
    pub reason: String,
}

const SHOWN_VALUE_CHARACTERS: usize = 80;

impl Diagnostic {
    pub fn error(file: &str, line: u64, reason: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            line,
            column: None,
            column_name: None,
            value: None,
            reason: reason.into(),
        }
    }

    pub fn warning(file: &str, line: u64, reason: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, line, reason) }
    }

    /// Places the diagnostic in a cell.
    pub fn at_column(mut self, column: usize, column_name: Option<&str>) -> Diagnostic {
        self.column = Some(column);
        self.column_name = column_name.map(str::to_string);
        self
    }

    /// Records the offending value, shortened so a 10 MB cell does not become a 10 MB message.
    pub fn with_value(mut self, value: &str) -> Diagnostic {
        let mut shown: String = value.chars().take(SHOWN_VALUE_CHARACTERS).collect();
        if value.chars().nth(SHOWN_VALUE_CHARACTERS).is_some() {
            shown.push('…');
        }
        self.value = Some(shown);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: error: reason (value "x", column "Name")`, the shape compilers use
    /// so editors can jump to the place.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.file)?;
        if self.line > 0 {
            write!(formatter, ":{}", self.line)?;
            if let Some(column) = self.column {
                write!(formatter, ":{column}")?;
            }
        }
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(formatter, ": {severity}: {}", self.reason)?;
        match (&self.column_name, &self.value) {
            (Some(name), Some(value)) => write!(formatter, " (column \"{name}\", value \"{value}\")"),
            (Some(name), None) => write!(formatter, " (column \"{name}\")"),
            (None, Some(value)) => write!(formatter, " (value \"{value}\")"),
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_column_and_value() {
        let diagnostic = Diagnostic::error("fuga.csv", 12, "not a decimal number")
            .at_column(23, Some("Reported Royalty"))
            .with_value("12,3.4");
        assert_eq!(
            diagnostic.to_string(),
            "fuga.csv:12:23: error: not a decimal number (column \"Reported Royalty\", value \"12,3.4\")"
        );
        let whole_file = Diagnostic::warning("a.tsv", 0, "FOOT block count 94 but 3 blocks");
        assert_eq!(whole_file.to_string(), "a.tsv: warning: FOOT block count 94 but 3 blocks");
    }

    #[test]
    fn long_values_are_cut() {
        let diagnostic = Diagnostic::error("x", 1, "too long").with_value(&"9".repeat(10_000_000));
        assert_eq!(diagnostic.value.map(|value| value.chars().count()), Some(81));
    }
}
