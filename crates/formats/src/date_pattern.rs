//! Date patterns for mapping files, e.g. `{YYYY}-{MM}-{DD}`, `{M}/{D}/{YY} {H}:{mm}{ampm}`,
//! `{YYYY}M{MM}` (The Orchard's `2017M10`), `{MON}-{YY}` (Symphonic's `JUN-25`),
//! `{MONTH} {YYYY}` (`June 2025`).
//!
//! Placeholders are in braces so that letters in the pattern are literal: `M` in `{YYYY}M{MM}`
//! is the letter M. A pattern without a day gives a month: the period from its first to its last
//! day.

use ledgerline_model::{Date, Month};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Year4,
    Year2,
    Month2,
    Month1or2,
    Day2,
    Day1or2,
    MonthAbbreviation,
    MonthName,
    Hour,
    Minute,
    Second,
    AmPm,
    Literal(char),
    /// `{*}`: anything up to the next literal (or the end), e.g. a time zone.
    Anything,
}

/// A compiled date pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatePattern {
    text: String,
    tokens: Vec<Token>,
    has_day: bool,
}

/// What a date cell held: a day, or a whole month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateValue {
    Day(Date),
    Month(Month),
}

impl DateValue {
    pub fn first_day(self) -> Date {
        match self {
            DateValue::Day(day) => day,
            DateValue::Month(month) => month.first_day(),
        }
    }

    pub fn last_day(self) -> Date {
        match self {
            DateValue::Day(day) => day,
            DateValue::Month(month) => month.last_day(),
        }
    }

    pub fn month(self) -> Month {
        match self {
            DateValue::Day(day) => day.month(),
            DateValue::Month(month) => month,
        }
    }
}

const MONTH_NAMES: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
];

impl DatePattern {
    pub fn compile(text: &str) -> Result<DatePattern, String> {
        let mut tokens = Vec::new();
        let mut characters = text.chars();
        while let Some(character) = characters.next() {
            if character != '{' {
                tokens.push(Token::Literal(character));
                continue;
            }
            let name: String = characters.by_ref().take_while(|inner| *inner != '}').collect();
            tokens.push(match name.as_str() {
                "YYYY" => Token::Year4,
                "YY" => Token::Year2,
                "MM" => Token::Month2,
                "M" => Token::Month1or2,
                "DD" => Token::Day2,
                "D" => Token::Day1or2,
                "MON" => Token::MonthAbbreviation,
                "MONTH" => Token::MonthName,
                "H" | "HH" => Token::Hour,
                "mm" => Token::Minute,
                "ss" => Token::Second,
                "ampm" => Token::AmPm,
                "*" => Token::Anything,
                other => {
                    return Err(format!(
                        "unknown placeholder {{{other}}} in date pattern \"{text}\"; use {{YYYY}} {{YY}} {{MM}} {{M}} {{DD}} {{D}} {{MON}} {{MONTH}} {{H}} {{mm}} {{ss}} {{ampm}} {{*}}"
                    ))
                }
            });
        }
        let has_year = tokens.iter().any(|token| matches!(token, Token::Year4 | Token::Year2));
        let has_month = tokens
            .iter()
            .any(|token| matches!(token, Token::Month2 | Token::Month1or2 | Token::MonthAbbreviation | Token::MonthName));
        if !has_year || !has_month {
            return Err(format!("date pattern \"{text}\" needs a year and a month"));
        }
        let has_day = tokens.iter().any(|token| matches!(token, Token::Day2 | Token::Day1or2));
        Ok(DatePattern { text: text.to_string(), tokens, has_day })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parses a cell; the error says what was expected.
    pub fn parse(&self, cell: &str) -> Result<DateValue, String> {
        let mismatch = || format!("does not match the date pattern \"{}\"", self.text);
        let bytes = cell.trim().as_bytes();
        let mut position = 0;
        let (mut year, mut month, mut day) = (None, None, None);
        for (index, token) in self.tokens.iter().enumerate() {
            let take_digits = |position: &mut usize, minimum: usize, maximum: usize| -> Option<u32> {
                let start = *position;
                while *position < bytes.len() && *position - start < maximum && bytes[*position].is_ascii_digit() {
                    *position += 1;
                }
                if *position - start < minimum {
                    return None;
                }
                std::str::from_utf8(&bytes[start..*position]).ok()?.parse().ok()
            };
            match token {
                Token::Year4 => year = Some(take_digits(&mut position, 4, 4).ok_or_else(mismatch)? as i32),
                Token::Year2 => year = Some(2000 + take_digits(&mut position, 2, 2).ok_or_else(mismatch)? as i32),
                Token::Month2 => month = Some(take_digits(&mut position, 2, 2).ok_or_else(mismatch)?),
                Token::Month1or2 => month = Some(take_digits(&mut position, 1, 2).ok_or_else(mismatch)?),
                Token::Day2 => day = Some(take_digits(&mut position, 2, 2).ok_or_else(mismatch)?),
                Token::Day1or2 => day = Some(take_digits(&mut position, 1, 2).ok_or_else(mismatch)?),
                Token::Hour | Token::Minute | Token::Second => {
                    take_digits(&mut position, 1, 2).ok_or_else(mismatch)?;
                }
                Token::AmPm => {
                    let rest = bytes.get(position..position + 2).ok_or_else(mismatch)?;
                    if !rest.eq_ignore_ascii_case(b"am") && !rest.eq_ignore_ascii_case(b"pm") {
                        return Err(mismatch());
                    }
                    position += 2;
                }
                Token::MonthAbbreviation | Token::MonthName => {
                    let start = position;
                    while position < bytes.len() && bytes[position].is_ascii_alphabetic() {
                        position += 1;
                    }
                    let word = std::str::from_utf8(&bytes[start..position]).map_err(|_| mismatch())?.to_ascii_lowercase();
                    let found = MONTH_NAMES.iter().position(|name| {
                        if *token == Token::MonthName {
                            *name == word
                        } else {
                            word.len() == 3 && name.starts_with(&word)
                        }
                    });
                    month = Some(found.ok_or_else(mismatch)? as u32 + 1);
                }
                Token::Literal(literal) => {
                    let mut buffer = [0u8; 4];
                    let literal_bytes = literal.encode_utf8(&mut buffer).as_bytes();
                    if !bytes[position..].starts_with(literal_bytes) {
                        return Err(mismatch());
                    }
                    position += literal_bytes.len();
                }
                Token::Anything => {
                    let next_literal = self.tokens[index + 1..].iter().find_map(|next| match next {
                        Token::Literal(literal) => Some(*literal),
                        _ => None,
                    });
                    position = match next_literal {
                        Some(literal) => cell.trim()[position..].find(literal).map_or(bytes.len(), |offset| position + offset),
                        None => bytes.len(),
                    };
                }
            }
        }
        if position != bytes.len() {
            return Err(mismatch());
        }
        let (Some(year), Some(month)) = (year, month) else { return Err(mismatch()) };
        let month_number = u8::try_from(month).map_err(|_| mismatch())?;
        if self.has_day {
            let day = day.and_then(|day| u8::try_from(day).ok()).ok_or_else(mismatch)?;
            Date::new(year, month_number, day).map(DateValue::Day).map_err(|error| error.to_string())
        } else {
            Month::new(year, month_number).map(DateValue::Month).map_err(|error| error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pattern: &str, cell: &str) -> Result<String, String> {
        DatePattern::compile(pattern)?.parse(cell).map(|value| match value {
            DateValue::Day(day) => day.to_string(),
            DateValue::Month(month) => month.to_string(),
        })
    }

    #[test]
    fn reads_the_forms_sources_use() {
        assert_eq!(parse("{YYYY}-{MM}-{DD}", "2026-07-31"), Ok("2026-07-31".into()));
        assert_eq!(parse("{YYYY}/{MM}/{DD}", "2026/07/01"), Ok("2026-07-01".into()));
        assert_eq!(parse("{M}/{D}/{YYYY} {H}:{mm}:{ss} {ampm}", "10/5/2026 12:00:00 AM"), Ok("2026-10-05".into()));
        assert_eq!(parse("{M}/{D}/{YY} {H}:{mm}{ampm}", "1/1/26 4:49am"), Ok("2026-01-01".into()));
        assert_eq!(parse("{YYYY}M{MM}", "2017M10"), Ok("2017-10".into()));
        assert_eq!(parse("{MON}-{YY}", "JUN-25"), Ok("2025-06".into()));
        assert_eq!(parse("{MONTH} {YYYY}", "June 2025"), Ok("2025-06".into()));
        assert_eq!(parse("{YYYY}-{MM}", "2026-02"), Ok("2026-02".into()));
        assert_eq!(parse("{YYYY}-{MM}-{DD}T{*}", "2026-02-03T10:00:00Z"), Ok("2026-02-03".into()));
    }

    #[test]
    fn refuses_what_does_not_match() {
        assert_eq!(parse("{YYYY}-{MM}-{DD}", "31/07/2026"), Err("does not match the date pattern \"{YYYY}-{MM}-{DD}\"".into()));
        assert!(parse("{YYYY}-{MM}-{DD}", "2026-02-30").unwrap_err().contains("02"));
        assert_eq!(parse("{YYYY}-{MM}", "2026-13").unwrap_err(), Month::new(2026, 13).unwrap_err().to_string());
        assert!(DatePattern::compile("{YYYY}-{QQ}").unwrap_err().starts_with("unknown placeholder {QQ}"));
        assert_eq!(DatePattern::compile("{DD}").unwrap_err(), "date pattern \"{DD}\" needs a year and a month");
    }
}
