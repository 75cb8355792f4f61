//! Errors for every type in this crate.
//!
//! Each message quotes the text that was given and says what is wrong with it,
//! because these messages end up in import reports read by label staff, who
//! need to find the offending cell in a spreadsheet without reading code.

use std::fmt;

use thiserror::Error;

use crate::period::{Month, Period};

/// Longest part of a rejected text quoted in an error message; a broken report
/// can put a whole line into one cell, and an error must stay readable.
const MAXIMUM_QUOTED_CHARACTERS: usize = 64;

/// The text to quote in an error message, shortened when very long.
pub(crate) fn quoted_excerpt(text: &str) -> String {
    match text.char_indices().nth(MAXIMUM_QUOTED_CHARACTERS) {
        Some((cut_at, _)) => format!("{}…", &text[..cut_at]),
        None => text.to_owned(),
    }
}

/// Any error from this crate, for callers that just propagate with `?`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    #[error(transparent)]
    Isrc(#[from] IsrcError),
    #[error(transparent)]
    Icpn(#[from] IcpnError),
    #[error(transparent)]
    Iswc(#[from] IswcError),
    #[error(transparent)]
    Territory(#[from] TerritoryError),
    #[error(transparent)]
    Period(#[from] PeriodError),
}

/// The four parts of an ISRC, named in errors so a person can see which part
/// of `CC-XXX-YY-NNNNN` is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IsrcPart {
    CountryCode,
    Registrant,
    Year,
    Designation,
}

impl IsrcPart {
    /// Which part holds the character at `index` (0-based, hyphens not counted).
    pub(crate) fn at_index(index: usize) -> IsrcPart {
        match index {
            0..=1 => IsrcPart::CountryCode,
            2..=4 => IsrcPart::Registrant,
            5..=6 => IsrcPart::Year,
            _ => IsrcPart::Designation,
        }
    }

    /// The rule for this part, as said in error messages.
    pub fn rule(self) -> &'static str {
        match self {
            IsrcPart::CountryCode => "the country code (CC in CC-XXX-YY-NNNNN) must be letters A-Z",
            IsrcPart::Registrant => {
                "the registrant code (XXX in CC-XXX-YY-NNNNN) must be letters A-Z or digits"
            }
            IsrcPart::Year => "the year (YY in CC-XXX-YY-NNNNN) must be digits",
            IsrcPart::Designation => "the designation (NNNNN in CC-XXX-YY-NNNNN) must be digits",
        }
    }
}

fn not_counting_hyphens_note(text: &str) -> &'static str {
    if text.contains('-') {
        " not counting hyphens"
    } else {
        ""
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IsrcError {
    #[error("ISRC is empty; an ISRC has 12 characters (CC-XXX-YY-NNNNN)")]
    Empty,
    #[error(
        "ISRC \"{text}\" has {length} characters{}; an ISRC has 12 (CC-XXX-YY-NNNNN)",
        not_counting_hyphens_note(.text)
    )]
    WrongLength { text: String, length: usize },
    /// `position` is 1-based and counts characters of the given text, hyphens included.
    #[error("ISRC \"{text}\": character {position} is '{found}', but {}", .part.rule())]
    WrongCharacter {
        text: String,
        position: usize,
        found: char,
        part: IsrcPart,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IcpnError {
    #[error(
        "product code is empty; expected a 12-digit UPC-A, a 13-digit EAN-13 or a 14-digit GTIN-14"
    )]
    Empty,
    /// `position` is 1-based and counts characters of `text`.
    #[error(
        "product code \"{text}\": character {position} is '{found}', but a UPC/EAN/GTIN has only digits (spaces and hyphens are ignored)"
    )]
    NotADigit {
        text: String,
        position: usize,
        found: char,
    },
    #[error(
        "product code \"{text}\" has {digits} digits; a UPC-A has 12, an EAN-13 13 and a GTIN-14 14"
    )]
    WrongLength { text: String, digits: usize },
    /// `kind` is "UPC", "EAN" or "GTIN" after the number of digits given.
    #[error("{kind} \"{digits}\" check digit is {found}, expected {expected}")]
    WrongCheckDigit {
        kind: &'static str,
        digits: String,
        found: u8,
        expected: u8,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IswcError {
    #[error("ISWC is empty; an ISWC is T followed by 10 digits (T-034.524.680-1)")]
    Empty,
    #[error(
        "ISWC \"{text}\" starts with '{found}'; an ISWC starts with the letter T (T-034.524.680-1)"
    )]
    MissingLetterT { text: String, found: char },
    /// `position` is 1-based and counts characters of the given text.
    #[error(
        "ISWC \"{text}\": character {position} is '{found}', but after the T an ISWC has only digits, hyphens and dots (T-034.524.680-1)"
    )]
    NotADigit {
        text: String,
        position: usize,
        found: char,
    },
    #[error("ISWC \"{text}\" has {digits} digits after the T; an ISWC has 10 (T-034.524.680-1)")]
    WrongLength { text: String, digits: usize },
    #[error("ISWC \"{text}\" check digit is {found}, expected {expected}")]
    WrongCheckDigit {
        text: String,
        found: u8,
        expected: u8,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TerritoryError {
    #[error(
        "territory is empty; expected an ISO 3166-1 code (GB or GBR), an English country name, or WW for worldwide"
    )]
    Empty,
    #[error(
        "territory \"{text}\" is not an ISO 3166-1 alpha-2 or alpha-3 code, a known English country name, or WW/Worldwide"
    )]
    Unknown { text: String },
    #[error("territory \"{text}\" means worldwide, but a single country is needed here")]
    WorldwideIsNotACountry { text: String },
    #[error("country code \"{text}\" is not an ISO 3166-1 alpha-2 code (two letters, such as GB)")]
    UnknownAlpha2 { text: String },
    #[error(
        "country code \"{text}\" is not an ISO 3166-1 alpha-3 code (three letters, such as GBR)"
    )]
    UnknownAlpha3 { text: String },
}

/// What was being read when a calendar text was refused; decides the wording
/// and the accepted forms quoted at the end of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarItem {
    Period,
    Month,
    Date,
}

impl CalendarItem {
    fn noun(self) -> &'static str {
        match self {
            CalendarItem::Period => "period",
            CalendarItem::Month => "month",
            CalendarItem::Date => "date",
        }
    }

    fn accepted_forms(self) -> &'static str {
        match self {
            CalendarItem::Period => {
                "write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)"
            }
            CalendarItem::Month => "write a month as 2026-07",
            CalendarItem::Date => "write a date as 2026-07-31",
        }
    }
}

/// What is wrong with a period, month or date text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarProblem {
    Empty,
    YearNotFourDigits,
    YearOutOfRange,
    MissingHyphenAfterYear,
    MonthOutOfRange,
    MissingHyphenAfterMonth,
    DayOutOfRange {
        month: Month,
    },
    QuarterOutOfRange,
    HalfOutOfRange,
    UnrecognisedPartAfterYear,
    /// A whole date (`2026-01-01`) where a period or month is read: `month` is the month the
    /// day lies in.
    DayGiven {
        month: Month,
    },
    /// The year written last (`H1-2026`, `07-2026`): `period` is what was meant.
    YearLast {
        period: Period,
    },
}

impl fmt::Display for CalendarProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarProblem::Empty => formatter.write_str("is empty"),
            CalendarProblem::YearNotFourDigits => formatter.write_str("year must be 4 digits"),
            CalendarProblem::YearOutOfRange => write!(
                formatter,
                "year must be {} to {}",
                crate::period::FIRST_SUPPORTED_YEAR,
                crate::period::LAST_SUPPORTED_YEAR
            ),
            CalendarProblem::MissingHyphenAfterYear => {
                formatter.write_str("expected a hyphen after the year")
            }
            CalendarProblem::MonthOutOfRange => formatter.write_str("month must be 01 to 12"),
            CalendarProblem::MissingHyphenAfterMonth => {
                formatter.write_str("expected a hyphen after the month")
            }
            CalendarProblem::DayOutOfRange { month } => {
                write!(
                    formatter,
                    "day must be 01 to {:02} in {month}",
                    month.day_count()
                )
            }
            CalendarProblem::QuarterOutOfRange => formatter.write_str("quarter must be Q1 to Q4"),
            CalendarProblem::HalfOutOfRange => formatter.write_str("half must be H1 or H2"),
            CalendarProblem::UnrecognisedPartAfterYear => formatter
                .write_str("after the year comes a month (07), a quarter (Q3) or a half (H1)"),
            CalendarProblem::DayGiven { month } => {
                write!(
                    formatter,
                    "is a day of {month}, not a month or longer period"
                )
            }
            CalendarProblem::YearLast { period } => {
                write!(formatter, "the year comes first: {period}")
            }
        }
    }
}

/// A period, month or date text that could not be read, or numbers that do
/// not make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    item: CalendarItem,
    text: String,
    problem: CalendarProblem,
}

impl PeriodError {
    pub(crate) fn new(item: CalendarItem, text: &str, problem: CalendarProblem) -> PeriodError {
        PeriodError {
            item,
            text: quoted_excerpt(text),
            problem,
        }
    }

    pub fn item(&self) -> CalendarItem {
        self.item
    }

    /// The rejected text (shortened when very long).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn problem(&self) -> CalendarProblem {
        self.problem
    }
}

impl fmt::Display for PeriodError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = self.item.noun();
        let forms = self.item.accepted_forms();
        match self.problem {
            CalendarProblem::Empty => write!(formatter, "{noun} is empty; {forms}"),
            CalendarProblem::DayGiven { month } => match self.item {
                CalendarItem::Period => write!(
                    formatter,
                    "period \"{}\" is a day, not a period (the day lies in {month}, {}, {} and {}); {forms}",
                    self.text,
                    month.quarter(),
                    month.half(),
                    month.year()
                ),
                _ => write!(formatter, "{noun} \"{}\" is a day, not a {noun}; {forms}", self.text),
            },
            problem => write!(formatter, "{noun} \"{}\": {problem}; {forms}", self.text),
        }
    }
}

impl std::error::Error for PeriodError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_shortened_in_messages() {
        let long_text = "A".repeat(200);
        let excerpt = quoted_excerpt(&long_text);
        assert_eq!(excerpt.chars().count(), MAXIMUM_QUOTED_CHARACTERS + 1);
        assert!(excerpt.ends_with('…'));
        assert_eq!(quoted_excerpt("short"), "short");
    }

    #[test]
    fn model_error_wraps_each_error_with_the_same_message() {
        let error = ModelError::from(IsrcError::Empty);
        assert_eq!(
            error.to_string(),
            "ISRC is empty; an ISRC has 12 characters (CC-XXX-YY-NNNNN)"
        );
    }
}
