//! What is wrong with a catalog file, said so that a person can find it: the file, the line (CSV)
//! or the XML path (ERN), the field, the value and the rule it breaks.

use std::fmt;

/// At most this many problems of one file are kept with their text; the rest are counted. A
/// file with a systematic mistake (a wrong column on every row) would otherwise bury the first,
/// most useful messages under thousands of the same.
pub const MAXIMUM_LISTED_PROBLEMS: usize = 100;

/// Where in a file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (empty, not UTF-8, unknown header).
    File,
    /// A CSV record, by the line it starts on (1 is the header).
    Line(u64),
    /// An XML element, by its path from the root (`/NewReleaseMessage/ResourceList/
    /// SoundRecording[2]/ResourceId/ISRC`) and the line its start tag is on.
    Xml { path: String, line: u64 },
}

/// One thing wrong with a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub location: Location,
    /// The CSV column, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, quoting the value.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::File => write!(formatter, "{}: ", self.file)?,
            Location::Line(line) => write!(formatter, "{}:{line}: ", self.file)?,
            Location::Xml { path, line } => write!(formatter, "{}: {path} (line {line}): ", self.file)?,
        }
        if let Some(column) = &self.column {
            write!(formatter, "column \"{column}\": ")?;
        }
        formatter.write_str(&self.message)
    }
}

/// A file that cannot be imported, with every problem found in it (up to
/// [`MAXIMUM_LISTED_PROBLEMS`]). Nothing of such a file is imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problems_total} {} found; nothing from this file was imported", if *.problems_total == 1 { "problem" } else { "problems" })]
pub struct CatalogReadError {
    pub file: String,
    pub problems: Vec<Problem>,
    pub problems_total: usize,
}

/// Collects the problems of one file while it is read.
#[derive(Debug)]
pub(crate) struct ProblemList {
    file: String,
    problems: Vec<Problem>,
    total: usize,
}

impl ProblemList {
    pub(crate) fn new(file: &str) -> ProblemList {
        ProblemList { file: file.to_string(), problems: Vec::new(), total: 0 }
    }

    pub(crate) fn push(&mut self, location: Location, column: Option<&str>, message: impl Into<String>) {
        self.total += 1;
        if self.problems.len() < MAXIMUM_LISTED_PROBLEMS {
            self.problems.push(Problem {
                file: self.file.clone(),
                location,
                column: column.map(str::to_string),
                message: message.into(),
            });
        }
    }

    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// `Ok(value)` when no problem was found, otherwise the error listing them.
    pub(crate) fn into_result<T>(self, value: T) -> Result<T, CatalogReadError> {
        if self.total == 0 {
            Ok(value)
        } else {
            Err(self.into_error())
        }
    }

    pub(crate) fn into_error(self) -> CatalogReadError {
        CatalogReadError { file: self.file, problems: self.problems, problems_total: self.total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_file_position_column_and_value() {
        let mut problems = ProblemList::new("catalog.csv");
        problems.push(Location::Line(12), Some("isrc"), "ISRC \"USRC1760001\" has 11 characters");
        problems.push(
            Location::Xml { path: "/NewReleaseMessage/ResourceList/SoundRecording[2]/ResourceId/ISRC".to_string(), line: 97 },
            None,
            "ISRC is empty",
        );
        let error = problems.into_error();
        assert_eq!(error.problems[0].to_string(), "catalog.csv:12: column \"isrc\": ISRC \"USRC1760001\" has 11 characters");
        assert_eq!(
            error.problems[1].to_string(),
            "catalog.csv: /NewReleaseMessage/ResourceList/SoundRecording[2]/ResourceId/ISRC (line 97): ISRC is empty"
        );
        assert_eq!(error.to_string(), "catalog.csv: 2 problems found; nothing from this file was imported");
    }

    #[test]
    fn only_the_first_problems_are_kept_but_all_are_counted() {
        let mut problems = ProblemList::new("big.csv");
        for line in 0..(MAXIMUM_LISTED_PROBLEMS as u64 + 5) {
            problems.push(Location::Line(line + 2), None, "bad");
        }
        let error = problems.into_error();
        assert_eq!(error.problems.len(), MAXIMUM_LISTED_PROBLEMS);
        assert_eq!(error.problems_total, MAXIMUM_LISTED_PROBLEMS + 5);
    }
}
