//! Accounting periods: months, quarters, halves and years, and calendar dates.
//!
//! Royalty statements cover whole months, so a [`Month`] is the unit and
//! every [`Period`] is a run of consecutive months. Years are limited to
//! 1900–2999: anything outside is a typo in a report, not a real sale.

use std::cmp::Ordering;
use std::fmt;
use std::iter::FusedIterator;

use crate::error::{CalendarItem, CalendarProblem, PeriodError};

pub const FIRST_SUPPORTED_YEAR: i32 = 1900;
pub const LAST_SUPPORTED_YEAR: i32 = 2999;

const MONTHS_PER_YEAR: i32 = 12;

/// Gregorian leap year rule.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn year_is_supported(year: i32) -> bool {
    (FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&year)
}

/// A calendar month, e.g. `2026-07`. Orders chronologically.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Month {
    // Field order matters: the derived ordering compares year first.
    year: i32,
    month: u8,
}

impl Month {
    pub fn new(year: i32, month: u8) -> Result<Month, PeriodError> {
        let fail =
            |problem| PeriodError::new(CalendarItem::Month, &format!("{year}-{month:02}"), problem);
        if !year_is_supported(year) {
            return Err(fail(CalendarProblem::YearOutOfRange));
        }
        if !(1..=12).contains(&month) {
            return Err(fail(CalendarProblem::MonthOutOfRange));
        }
        Ok(Month { year, month })
    }

    /// Reads exactly `YYYY-MM`, e.g. `2026-07` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Month, PeriodError> {
        let trimmed = text.trim();
        let fail = |problem| PeriodError::new(CalendarItem::Month, trimmed, problem);
        let (year, after_year) = match read_year(trimmed.as_bytes()) {
            Ok(read) => read,
            Err(problem) => {
                return Err(fail(match year_last(trimmed) {
                    Some(period @ Period::Month(_)) => CalendarProblem::YearLast { period },
                    _ => problem,
                }))
            }
        };
        let month_field = match after_year.split_first() {
            Some((b'-', month_field)) => month_field,
            _ => return Err(fail(CalendarProblem::MissingHyphenAfterYear)),
        };
        if let Some(month) = day_of(year, month_field) {
            return Err(fail(CalendarProblem::DayGiven { month }));
        }
        let month = read_month_number(month_field).map_err(fail)?;
        Ok(Month { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1 to 12.
    pub fn number(self) -> u8 {
        self.month
    }

    /// Months since January of year 0, so that month arithmetic is integer
    /// arithmetic: `b.index() - a.index()` is the number of months from a to b.
    pub fn index(self) -> i32 {
        self.year * MONTHS_PER_YEAR + i32::from(self.month) - 1
    }

    /// The month with this [`index`](Month::index), if its year is supported.
    pub fn from_index(index: i32) -> Option<Month> {
        let year = index.div_euclid(MONTHS_PER_YEAR);
        let month = u8::try_from(index.rem_euclid(MONTHS_PER_YEAR) + 1).ok()?;
        year_is_supported(year).then_some(Month { year, month })
    }

    /// The following month; `None` after 2999-12.
    pub fn next(self) -> Option<Month> {
        self.add_months(1)
    }

    /// The preceding month; `None` before 1900-01.
    pub fn previous(self) -> Option<Month> {
        self.add_months(-1)
    }

    /// The month `count` months later (earlier when negative), if supported.
    pub fn add_months(self, count: i32) -> Option<Month> {
        Month::from_index(self.index().checked_add(count)?)
    }

    /// The months from this one through `last`, both included; empty when
    /// `last` is earlier.
    pub fn through(self, last: Month) -> MonthIter {
        MonthIter {
            next_index: self.index(),
            last_index: last.index(),
        }
    }

    /// Number of days, 28 to 31, leap years included.
    pub fn day_count(self) -> u8 {
        match self.month {
            2 if is_leap_year(self.year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }

    pub fn last_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: self.day_count(),
        }
    }

    /// The quarter this month falls in.
    pub fn quarter(self) -> Quarter {
        Quarter {
            year: self.year,
            quarter: (self.month - 1) / 3 + 1,
        }
    }

    /// The half-year this month falls in.
    pub fn half(self) -> Half {
        Half {
            year: self.year,
            half: (self.month - 1) / 6 + 1,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04}-{:02}", self.year, self.month)
    }
}

text_conversions_via_parse!(Month, PeriodError, "a month such as 2026-07");

/// Iterator over consecutive months, from [`Period::months`] or
/// [`Month::through`].
#[derive(Clone, Debug)]
pub struct MonthIter {
    next_index: i32,
    last_index: i32,
}

impl MonthIter {
    fn remaining(&self) -> usize {
        usize::try_from(self.last_index - self.next_index + 1).unwrap_or(0)
    }
}

impl Iterator for MonthIter {
    type Item = Month;

    fn next(&mut self) -> Option<Month> {
        if self.next_index > self.last_index {
            return None;
        }
        let month = Month::from_index(self.next_index);
        self.next_index += 1;
        month
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = self.remaining();
        (remaining, Some(remaining))
    }
}

impl DoubleEndedIterator for MonthIter {
    fn next_back(&mut self) -> Option<Month> {
        if self.next_index > self.last_index {
            return None;
        }
        let month = Month::from_index(self.last_index);
        self.last_index -= 1;
        month
    }
}

impl ExactSizeIterator for MonthIter {}

impl FusedIterator for MonthIter {}

/// A calendar date, e.g. `2026-07-31`. Orders chronologically.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Date {
    // Field order matters: the derived ordering compares year, month, day.
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, PeriodError> {
        // The text is formatted only on failure: report readers build millions of dates.
        let fail = |problem| {
            PeriodError::new(
                CalendarItem::Date,
                &format!("{year}-{month:02}-{day:02}"),
                problem,
            )
        };
        let whole_month = Month::new(year, month).map_err(|error| fail(error.problem()))?;
        check_day(whole_month, day).map_err(fail)
    }

    /// Reads exactly ISO 8601 `YYYY-MM-DD`, e.g. `2026-07-31` (surrounding
    /// whitespace ignored).
    pub fn parse(text: &str) -> Result<Date, PeriodError> {
        let trimmed = text.trim();
        let fail = |problem| PeriodError::new(CalendarItem::Date, trimmed, problem);
        let (year, after_year) = read_year(trimmed.as_bytes()).map_err(fail)?;
        let after_hyphen = match after_year.split_first() {
            Some((b'-', after_hyphen)) => after_hyphen,
            _ => return Err(fail(CalendarProblem::MissingHyphenAfterYear)),
        };
        let month_length = after_hyphen
            .iter()
            .position(|&byte| byte == b'-')
            .unwrap_or(after_hyphen.len());
        let (month_field, after_month) = after_hyphen.split_at(month_length);
        let month = read_month_number(month_field).map_err(fail)?;
        let day_field = match after_month.split_first() {
            Some((b'-', day_field)) => day_field,
            _ => return Err(fail(CalendarProblem::MissingHyphenAfterMonth)),
        };
        let whole_month = Month { year, month };
        let day = match read_two_digits(day_field) {
            Some(day) => day,
            None => return Err(fail(CalendarProblem::DayOutOfRange { month: whole_month })),
        };
        check_day(whole_month, day).map_err(fail)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1 to 12.
    pub fn month_number(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The month this date falls in.
    pub fn month(self) -> Month {
        Month {
            year: self.year,
            month: self.month,
        }
    }
}

fn check_day(month: Month, day: u8) -> Result<Date, CalendarProblem> {
    if (1..=month.day_count()).contains(&day) {
        Ok(Date {
            year: month.year,
            month: month.month,
            day,
        })
    } else {
        Err(CalendarProblem::DayOutOfRange { month })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{:04}-{:02}-{:02}",
            self.year, self.month, self.day
        )
    }
}

text_conversions_via_parse!(Date, PeriodError, "a date such as 2026-07-31");

/// A calendar quarter, e.g. `2026-Q3` (July to September).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Quarter {
    year: i32,
    quarter: u8,
}

impl Quarter {
    pub fn new(year: i32, quarter: u8) -> Result<Quarter, PeriodError> {
        let fail = |problem| {
            PeriodError::new(CalendarItem::Period, &format!("{year}-Q{quarter}"), problem)
        };
        if !year_is_supported(year) {
            return Err(fail(CalendarProblem::YearOutOfRange));
        }
        if !(1..=4).contains(&quarter) {
            return Err(fail(CalendarProblem::QuarterOutOfRange));
        }
        Ok(Quarter { year, quarter })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The quarter of the year, 1 to 4.
    pub fn number(self) -> u8 {
        self.quarter
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04}-Q{}", self.year, self.quarter)
    }
}

/// A half-year, e.g. `2026-H1` (January to June).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Half {
    year: i32,
    half: u8,
}

impl Half {
    pub fn new(year: i32, half: u8) -> Result<Half, PeriodError> {
        let fail =
            |problem| PeriodError::new(CalendarItem::Period, &format!("{year}-H{half}"), problem);
        if !year_is_supported(year) {
            return Err(fail(CalendarProblem::YearOutOfRange));
        }
        if !(1..=2).contains(&half) {
            return Err(fail(CalendarProblem::HalfOutOfRange));
        }
        Ok(Half { year, half })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The half of the year, 1 or 2.
    pub fn number(self) -> u8 {
        self.half
    }
}

impl fmt::Display for Half {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04}-H{}", self.year, self.half)
    }
}

/// A calendar year, e.g. `2026`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Year {
    year: i32,
}

impl Year {
    pub fn new(year: i32) -> Result<Year, PeriodError> {
        if year_is_supported(year) {
            Ok(Year { year })
        } else {
            Err(PeriodError::new(
                CalendarItem::Period,
                &year.to_string(),
                CalendarProblem::YearOutOfRange,
            ))
        }
    }

    pub fn number(self) -> i32 {
        self.year
    }
}

impl fmt::Display for Year {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04}", self.year)
    }
}

/// The length of a period.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
}

impl PeriodKind {
    pub fn month_count(self) -> u8 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Half => 6,
            PeriodKind::Year => 12,
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half-year",
            PeriodKind::Year => "year",
        })
    }
}

/// An accounting period: a month, quarter, half-year or year, written
/// `2026-07`, `2026-Q3`, `2026-H1` or `2026`.
///
/// Periods order by first month, and a shorter period before a longer one
/// starting the same month (`2026-01` < `2026-Q1` < `2026-H1` < `2026`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Period {
    Month(Month),
    Quarter(Quarter),
    Half(Half),
    Year(Year),
}

impl Period {
    /// Reads exactly one of `2026-07`, `2026-Q3` (or `q3`), `2026-H1` (or
    /// `h1`) or `2026`, ignoring surrounding whitespace.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let trimmed = text.trim();
        let fail = |problem| PeriodError::new(CalendarItem::Period, trimmed, problem);
        let (year, after_year) = match read_year(trimmed.as_bytes()) {
            Ok(read) => read,
            Err(problem) => {
                return Err(fail(match year_last(trimmed) {
                    Some(period) => CalendarProblem::YearLast { period },
                    None => problem,
                }))
            }
        };
        let part = match after_year.split_first() {
            None => return Ok(Period::Year(Year { year })),
            Some((b'-', part)) => part,
            Some(_) => return Err(fail(CalendarProblem::MissingHyphenAfterYear)),
        };
        match part {
            [b'Q' | b'q', digit @ b'1'..=b'4'] => Ok(Period::Quarter(Quarter {
                year,
                quarter: digit - b'0',
            })),
            [b'Q' | b'q', ..] => Err(fail(CalendarProblem::QuarterOutOfRange)),
            [b'H' | b'h', digit @ b'1'..=b'2'] => Ok(Period::Half(Half {
                year,
                half: digit - b'0',
            })),
            [b'H' | b'h', ..] => Err(fail(CalendarProblem::HalfOutOfRange)),
            [b'0'..=b'9', ..] => {
                if let Some(month) = day_of(year, part) {
                    return Err(fail(CalendarProblem::DayGiven { month }));
                }
                let month = read_month_number(part).map_err(fail)?;
                Ok(Period::Month(Month { year, month }))
            }
            _ => Err(fail(CalendarProblem::UnrecognisedPartAfterYear)),
        }
    }

    /// The period of `kind` that contains `month`.
    pub fn containing(kind: PeriodKind, month: Month) -> Period {
        match kind {
            PeriodKind::Month => Period::Month(month),
            PeriodKind::Quarter => Period::Quarter(month.quarter()),
            PeriodKind::Half => Period::Half(month.half()),
            PeriodKind::Year => Period::Year(Year { year: month.year }),
        }
    }

    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Month(_) => PeriodKind::Month,
            Period::Quarter(_) => PeriodKind::Quarter,
            Period::Half(_) => PeriodKind::Half,
            Period::Year(_) => PeriodKind::Year,
        }
    }

    /// The calendar year the period lies in.
    pub fn year(self) -> i32 {
        self.first_month().year
    }

    pub fn first_month(self) -> Month {
        match self {
            Period::Month(month) => month,
            Period::Quarter(Quarter { year, quarter }) => Month {
                year,
                month: (quarter - 1) * 3 + 1,
            },
            Period::Half(Half { year, half }) => Month {
                year,
                month: (half - 1) * 6 + 1,
            },
            Period::Year(Year { year }) => Month { year, month: 1 },
        }
    }

    pub fn last_month(self) -> Month {
        let first_month = self.first_month();
        Month {
            year: first_month.year,
            month: first_month.month + self.kind().month_count() - 1,
        }
    }

    pub fn first_day(self) -> Date {
        self.first_month().first_day()
    }

    pub fn last_day(self) -> Date {
        self.last_month().last_day()
    }

    /// The months of the period, in order.
    pub fn months(self) -> MonthIter {
        self.first_month().through(self.last_month())
    }

    pub fn contains(self, month: Month) -> bool {
        (self.first_month()..=self.last_month()).contains(&month)
    }

    /// The following period of the same kind; `None` after 2999.
    pub fn next(self) -> Option<Period> {
        let month_after = self.last_month().next()?;
        Some(Period::containing(self.kind(), month_after))
    }

    /// The preceding period of the same kind; `None` before 1900.
    pub fn previous(self) -> Option<Period> {
        let month_before = self.first_month().previous()?;
        Some(Period::containing(self.kind(), month_before))
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Period) -> Ordering {
        // First and last month together identify a period, so this ordering
        // agrees with equality.
        (self.first_month(), self.last_month()).cmp(&(other.first_month(), other.last_month()))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Period) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<Month> for Period {
    fn from(month: Month) -> Period {
        Period::Month(month)
    }
}

impl From<Quarter> for Period {
    fn from(quarter: Quarter) -> Period {
        Period::Quarter(quarter)
    }
}

impl From<Half> for Period {
    fn from(half: Half) -> Period {
        Period::Half(half)
    }
}

impl From<Year> for Period {
    fn from(year: Year) -> Period {
        Period::Year(year)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month(month) => month.fmt(formatter),
            Period::Quarter(quarter) => quarter.fmt(formatter),
            Period::Half(half) => half.fmt(formatter),
            Period::Year(year) => year.fmt(formatter),
        }
    }
}

text_conversions_via_parse!(
    Period,
    PeriodError,
    "a period such as 2026-07, 2026-Q3, 2026-H1 or 2026"
);

/// Reads the 4-digit supported year at the start of `bytes`, returning it
/// with the bytes after it. Works on bytes so that no slice can split a
/// multi-byte character.
fn read_year(bytes: &[u8]) -> Result<(i32, &[u8]), CalendarProblem> {
    if bytes.is_empty() {
        return Err(CalendarProblem::Empty);
    }
    let four_digits = bytes.len() >= 4
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && !bytes.get(4).is_some_and(u8::is_ascii_digit);
    if !four_digits {
        return Err(CalendarProblem::YearNotFourDigits);
    }
    let (year_digits, rest) = bytes.split_at(4);
    let year = year_digits
        .iter()
        .fold(0, |value, digit| value * 10 + i32::from(digit - b'0'));
    if !year_is_supported(year) {
        return Err(CalendarProblem::YearOutOfRange);
    }
    Ok((year, rest))
}

/// The month of a day written where a month or period was expected: `field` is what follows
/// the year and its hyphen, `MM-DD` (`01-01` of `2026-01-01`; the day need not exist, a
/// date is meant either way).
fn day_of(year: i32, field: &[u8]) -> Option<Month> {
    let [month_tens, month_units, b'-', day_tens, day_units] = field else {
        return None;
    };
    let month = read_month_number(&[*month_tens, *month_units]).ok()?;
    read_two_digits(&[*day_tens, *day_units])?;
    Some(Month { year, month })
}

/// The period meant by a text with the year last (`H1-2026`, `q3-2026`, `07-2026`), if it is
/// one once the year is put first.
fn year_last(text: &str) -> Option<Period> {
    let (part, year) = text.rsplit_once('-')?;
    if year.len() != 4
        || !year.bytes().all(|byte| byte.is_ascii_digit())
        || part.is_empty()
        || part.contains('-')
    {
        return None;
    }
    Period::parse(&format!("{year}-{part}")).ok()
}

/// Reads a month field, which must be exactly two digits, 01 to 12.
fn read_month_number(field: &[u8]) -> Result<u8, CalendarProblem> {
    read_two_digits(field)
        .filter(|month| (1..=12).contains(month))
        .ok_or(CalendarProblem::MonthOutOfRange)
}

fn read_two_digits(field: &[u8]) -> Option<u8> {
    match field {
        [tens @ b'0'..=b'9', units @ b'0'..=b'9'] => Some((tens - b'0') * 10 + (units - b'0')),
        _ => None,
    }
}

/// The proleptic Gregorian date (year, month, day) `days` days after 1970-01-01, by integer
/// arithmetic (Howard Hinnant's `civil_from_days`). Used by the clock and by readers of serial
/// dates; no range check.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeserializeError, StrDeserializer};
    use serde::de::IntoDeserializer;
    use serde::Deserialize;

    fn month(text: &str) -> Month {
        match Month::parse(text) {
            Ok(month) => month,
            Err(error) => panic!("{error}"),
        }
    }

    fn period(text: &str) -> Period {
        match Period::parse(text) {
            Ok(period) => period,
            Err(error) => panic!("{error}"),
        }
    }

    fn date(text: &str) -> Date {
        match Date::parse(text) {
            Ok(date) => date,
            Err(error) => panic!("{error}"),
        }
    }

    fn period_error(text: &str) -> String {
        match Period::parse(text) {
            Ok(period) => format!("unexpectedly valid: {period}"),
            Err(error) => error.to_string(),
        }
    }

    fn month_error(text: &str) -> String {
        match Month::parse(text) {
            Ok(month) => format!("unexpectedly valid: {month}"),
            Err(error) => error.to_string(),
        }
    }

    fn date_error(text: &str) -> String {
        match Date::parse(text) {
            Ok(date) => format!("unexpectedly valid: {date}"),
            Err(error) => error.to_string(),
        }
    }

    const PERIOD_FORMS: &str =
        "write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)";

    // ---------------------------------------------------------------- Month

    #[test]
    fn month_parse_display_round_trip() {
        for text in ["2026-07", "1900-01", "2999-12", "2024-02"] {
            assert_eq!(month(text).to_string(), text);
            assert_eq!(text.parse::<Month>(), Ok(month(text)));
        }
        assert_eq!(month(" 2026-07 "), month("2026-07"));
        let july = month("2026-07");
        assert_eq!((july.year(), july.number()), (2026, 7));
        assert_eq!(Month::new(2026, 7), Ok(july));
    }

    #[test]
    fn month_next_and_previous_cross_year_boundaries() {
        assert_eq!(month("2026-12").next(), Some(month("2027-01")));
        assert_eq!(month("2027-01").previous(), Some(month("2026-12")));
        assert_eq!(month("2026-07").next(), Some(month("2026-08")));
        assert_eq!(month("2999-12").next(), None);
        assert_eq!(month("1900-01").previous(), None);
        assert_eq!(month("2026-07").add_months(18), Some(month("2028-01")));
        assert_eq!(month("2026-07").add_months(-7), Some(month("2025-12")));
        assert_eq!(month("2026-07").add_months(i32::MAX), None);
    }

    #[test]
    fn month_index_round_trips_and_measures_distance() {
        assert_eq!(month("2026-01").index(), 2026 * 12);
        assert_eq!(month("2026-07").index() - month("2025-07").index(), 12);
        for text in ["1900-01", "2026-07", "2999-12", "2000-12"] {
            assert_eq!(Month::from_index(month(text).index()), Some(month(text)));
        }
        assert_eq!(Month::from_index(1899 * 12 + 11), None);
        assert_eq!(Month::from_index(3000 * 12), None);
        assert_eq!(Month::from_index(-1), None);
    }

    #[test]
    fn month_orders_chronologically() {
        assert!(month("2025-12") < month("2026-01"));
        assert!(month("2026-02") < month("2026-10"));
    }

    #[test]
    fn month_days_follow_leap_years() {
        assert_eq!(month("2024-02").day_count(), 29);
        assert_eq!(month("2026-02").day_count(), 28);
        assert_eq!(month("2000-02").day_count(), 29, "divisible by 400");
        assert_eq!(month("1900-02").day_count(), 28, "divisible by 100");
        assert_eq!(month("2026-04").day_count(), 30);
        assert_eq!(month("2026-12").day_count(), 31);
        assert_eq!(month("2024-02").first_day(), date("2024-02-01"));
        assert_eq!(month("2024-02").last_day(), date("2024-02-29"));
        assert_eq!(month("2026-07").last_day().to_string(), "2026-07-31");
    }

    #[test]
    fn month_refuses_bad_text_saying_why() {
        assert_eq!(
            month_error("2026-13"),
            "month \"2026-13\": month must be 01 to 12; write a month as 2026-07"
        );
        assert_eq!(
            month_error("2026-7"),
            "month \"2026-7\": month must be 01 to 12; write a month as 2026-07"
        );
        assert_eq!(
            month_error("2026"),
            "month \"2026\": expected a hyphen after the year; write a month as 2026-07"
        );
        assert_eq!(
            month_error("2026-Q3"),
            "month \"2026-Q3\": month must be 01 to 12; write a month as 2026-07"
        );
        assert_eq!(month_error(""), "month is empty; write a month as 2026-07");
        assert_eq!(
            month_error("2026-07-31"),
            "month \"2026-07-31\" is a day, not a month; write a month as 2026-07"
        );
        assert_eq!(
            month_error("07-2026"),
            "month \"07-2026\": the year comes first: 2026-07; write a month as 2026-07"
        );
        assert_eq!(
            month_error("Q3-2026"),
            "month \"Q3-2026\": year must be 4 digits; write a month as 2026-07"
        );
        assert_eq!(
            Month::new(2026, 0).map_err(|error| error.to_string()),
            Err("month \"2026-00\": month must be 01 to 12; write a month as 2026-07".to_owned())
        );
        assert_eq!(
            Month::new(3000, 1).map_err(|error| error.to_string()),
            Err(
                "month \"3000-01\": year must be 1900 to 2999; write a month as 2026-07".to_owned()
            )
        );
    }

    #[test]
    fn month_iteration_is_exact_and_reversible() {
        let months: Vec<String> = month("2026-11")
            .through(month("2027-02"))
            .map(|month| month.to_string())
            .collect();
        assert_eq!(months, ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(month("2026-11").through(month("2027-02")).len(), 4);
        assert_eq!(
            month("2026-11").through(month("2027-02")).next_back(),
            Some(month("2027-02"))
        );
        assert_eq!(month("2026-11").through(month("2026-10")).count(), 0);
        assert_eq!(month("2026-11").through(month("2026-10")).len(), 0);
    }

    // ---------------------------------------------------------------- Date

    #[test]
    fn date_parse_display_round_trip_and_accessors() {
        for text in ["2026-07-31", "2024-02-29", "1900-01-01", "2999-12-31"] {
            assert_eq!(date(text).to_string(), text);
            assert_eq!(text.parse::<Date>(), Ok(date(text)));
        }
        let day = date("2026-07-31");
        assert_eq!((day.year(), day.month_number(), day.day()), (2026, 7, 31));
        assert_eq!(day.month(), month("2026-07"));
        assert_eq!(Date::new(2026, 7, 31), Ok(day));
        assert!(date("2026-07-31") < date("2026-08-01"));
    }

    #[test]
    fn date_refuses_days_outside_the_month() {
        assert_eq!(
            date_error("2026-02-29"),
            "date \"2026-02-29\": day must be 01 to 28 in 2026-02; write a date as 2026-07-31"
        );
        assert_eq!(
            date_error("2026-04-31"),
            "date \"2026-04-31\": day must be 01 to 30 in 2026-04; write a date as 2026-07-31"
        );
        assert_eq!(
            date_error("2026-07-00"),
            "date \"2026-07-00\": day must be 01 to 31 in 2026-07; write a date as 2026-07-31"
        );
        assert_eq!(
            date_error("2026-07-5"),
            "date \"2026-07-5\": day must be 01 to 31 in 2026-07; write a date as 2026-07-31"
        );
        assert_eq!(
            Date::new(2026, 2, 30).map_err(|error| error.to_string()),
            Err(
                "date \"2026-02-30\": day must be 01 to 28 in 2026-02; write a date as 2026-07-31"
                    .to_owned()
            )
        );
        assert_eq!(
            Date::new(2026, 13, 1).map_err(|error| error.to_string()),
            Err(
                "date \"2026-13-01\": month must be 01 to 12; write a date as 2026-07-31"
                    .to_owned()
            )
        );
    }

    #[test]
    fn date_refuses_other_shapes() {
        assert_eq!(
            date_error("31/07/2026"),
            "date \"31/07/2026\": year must be 4 digits; write a date as 2026-07-31"
        );
        assert_eq!(
            date_error("2026-07"),
            "date \"2026-07\": expected a hyphen after the month; write a date as 2026-07-31"
        );
        assert_eq!(
            date_error("2026/07/31"),
            "date \"2026/07/31\": expected a hyphen after the year; write a date as 2026-07-31"
        );
        assert_eq!(
            date_error("2026-7-31"),
            "date \"2026-7-31\": month must be 01 to 12; write a date as 2026-07-31"
        );
        assert_eq!(date_error(" "), "date is empty; write a date as 2026-07-31");
    }

    #[test]
    fn leap_year_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(2026));
    }

    // ---------------------------------------------------------------- Period

    #[test]
    fn period_parse_display_round_trip() {
        for text in [
            "2026-07", "2026-Q3", "2026-H1", "2026", "1900", "2999-12", "2999-Q4",
        ] {
            assert_eq!(period(text).to_string(), text);
            assert_eq!(text.parse::<Period>(), Ok(period(text)));
        }
        assert_eq!(period("2026-q3").to_string(), "2026-Q3");
        assert_eq!(period("2026-h2").to_string(), "2026-H2");
        assert_eq!(period("  2026 ").to_string(), "2026");
    }

    #[test]
    fn period_kinds_and_bounds() {
        let cases = [
            (
                "2026-07",
                PeriodKind::Month,
                "2026-07",
                "2026-07",
                "2026-07-01",
                "2026-07-31",
            ),
            (
                "2026-Q1",
                PeriodKind::Quarter,
                "2026-01",
                "2026-03",
                "2026-01-01",
                "2026-03-31",
            ),
            (
                "2026-Q3",
                PeriodKind::Quarter,
                "2026-07",
                "2026-09",
                "2026-07-01",
                "2026-09-30",
            ),
            (
                "2026-Q4",
                PeriodKind::Quarter,
                "2026-10",
                "2026-12",
                "2026-10-01",
                "2026-12-31",
            ),
            (
                "2024-H1",
                PeriodKind::Half,
                "2024-01",
                "2024-06",
                "2024-01-01",
                "2024-06-30",
            ),
            (
                "2026-H2",
                PeriodKind::Half,
                "2026-07",
                "2026-12",
                "2026-07-01",
                "2026-12-31",
            ),
            (
                "2026",
                PeriodKind::Year,
                "2026-01",
                "2026-12",
                "2026-01-01",
                "2026-12-31",
            ),
        ];
        for (text, kind, first_month, last_month, first_day, last_day) in cases {
            let period = period(text);
            assert_eq!(period.kind(), kind, "{text}");
            assert_eq!(period.first_month(), month(first_month), "{text}");
            assert_eq!(period.last_month(), month(last_month), "{text}");
            assert_eq!(period.first_day(), date(first_day), "{text}");
            assert_eq!(period.last_day(), date(last_day), "{text}");
            assert_eq!(period.year(), period.first_month().year());
            assert_eq!(period.months().len(), usize::from(kind.month_count()));
        }
    }

    #[test]
    fn period_months_and_contains() {
        let quarter = period("2026-Q3");
        let months: Vec<String> = quarter.months().map(|month| month.to_string()).collect();
        assert_eq!(months, ["2026-07", "2026-08", "2026-09"]);
        assert!(quarter.contains(month("2026-07")));
        assert!(quarter.contains(month("2026-09")));
        assert!(!quarter.contains(month("2026-06")));
        assert!(!quarter.contains(month("2026-10")));
        assert!(!quarter.contains(month("2025-08")));
        assert_eq!(period("2026").months().count(), 12);
        for month in period("2026").months() {
            assert!(period("2026").contains(month));
        }
    }

    #[test]
    fn period_next_and_previous_keep_the_kind() {
        let pairs = [
            ("2026-07", "2026-08"),
            ("2026-12", "2027-01"),
            ("2026-Q3", "2026-Q4"),
            ("2026-Q4", "2027-Q1"),
            ("2026-H1", "2026-H2"),
            ("2026-H2", "2027-H1"),
            ("2026", "2027"),
        ];
        for (this, following) in pairs {
            assert_eq!(period(this).next(), Some(period(following)), "{this}");
            assert_eq!(
                period(following).previous(),
                Some(period(this)),
                "{following}"
            );
        }
        assert_eq!(period("2999").next(), None);
        assert_eq!(period("2999-Q4").next(), None);
        assert_eq!(period("1900-H1").previous(), None);
    }

    #[test]
    fn period_containing_a_month() {
        let august = month("2026-08");
        assert_eq!(
            Period::containing(PeriodKind::Month, august),
            period("2026-08")
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, august),
            period("2026-Q3")
        );
        assert_eq!(
            Period::containing(PeriodKind::Half, august),
            period("2026-H2")
        );
        assert_eq!(Period::containing(PeriodKind::Year, august), period("2026"));
        assert_eq!(august.quarter().to_string(), "2026-Q3");
        assert_eq!(august.half().to_string(), "2026-H2");
    }

    #[test]
    fn period_orders_by_start_then_length() {
        let mut periods: Vec<Period> = [
            "2026", "2026-Q1", "2025-12", "2026-H1", "2026-01", "2026-02",
        ]
        .into_iter()
        .map(period)
        .collect();
        periods.sort();
        let sorted: Vec<String> = periods.iter().map(|period| period.to_string()).collect();
        assert_eq!(
            sorted,
            ["2025-12", "2026-01", "2026-Q1", "2026-H1", "2026", "2026-02"]
        );
    }

    #[test]
    fn period_constructors_validate() {
        assert_eq!(
            Quarter::new(2026, 3).map(Period::from),
            Ok(period("2026-Q3"))
        );
        assert_eq!(Half::new(2026, 2).map(Period::from), Ok(period("2026-H2")));
        assert_eq!(Year::new(2026).map(Period::from), Ok(period("2026")));
        assert_eq!(Period::from(month("2026-07")), period("2026-07"));
        assert_eq!(
            Quarter::new(2026, 5).map_err(|error| error.to_string()),
            Err(format!(
                "period \"2026-Q5\": quarter must be Q1 to Q4; {PERIOD_FORMS}"
            ))
        );
        assert_eq!(
            Half::new(2026, 0).map_err(|error| error.to_string()),
            Err(format!(
                "period \"2026-H0\": half must be H1 or H2; {PERIOD_FORMS}"
            ))
        );
        assert_eq!(
            Year::new(1899).map_err(|error| error.to_string()),
            Err(format!(
                "period \"1899\": year must be 1900 to 2999; {PERIOD_FORMS}"
            ))
        );
    }

    #[test]
    fn period_refuses_bad_text_saying_what_is_accepted() {
        let cases = [
            ("2026-13", "month must be 01 to 12"),
            ("2026-00", "month must be 01 to 12"),
            ("2026-7", "month must be 01 to 12"),
            ("2026-007", "month must be 01 to 12"),
            ("2026-Q5", "quarter must be Q1 to Q4"),
            ("2026-Q0", "quarter must be Q1 to Q4"),
            ("2026-Q", "quarter must be Q1 to Q4"),
            ("2026-Q12", "quarter must be Q1 to Q4"),
            ("2026-H3", "half must be H1 or H2"),
            ("2026-h", "half must be H1 or H2"),
            (
                "2026-",
                "after the year comes a month (07), a quarter (Q3) or a half (H1)",
            ),
            (
                "2026-M07",
                "after the year comes a month (07), a quarter (Q3) or a half (H1)",
            ),
            ("2026/07", "expected a hyphen after the year"),
            ("2026Q3", "expected a hyphen after the year"),
            ("26-07", "year must be 4 digits"),
            ("20260", "year must be 4 digits"),
            ("Q3-2026", "the year comes first: 2026-Q3"),
            ("h1-2026", "the year comes first: 2026-H1"),
            ("07-2026", "the year comes first: 2026-07"),
            ("H3-2026", "year must be 4 digits"),
            ("2026-13-01", "month must be 01 to 12"),
            ("July 2026", "year must be 4 digits"),
            ("1899", "year must be 1900 to 2999"),
            ("3000-Q1", "year must be 1900 to 2999"),
            ("2026-0é", "month must be 01 to 12"),
        ];
        for (text, problem) in cases {
            assert_eq!(
                period_error(text),
                format!("period \"{text}\": {problem}; {PERIOD_FORMS}"),
                "{text}"
            );
        }
        assert_eq!(
            period_error("2026-13"),
            "period \"2026-13\": month must be 01 to 12; write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)"
        );
        assert_eq!(
            period_error("2026-01-01"),
            format!("period \"2026-01-01\" is a day, not a period (the day lies in 2026-01, 2026-Q1, 2026-H1 and 2026); {PERIOD_FORMS}")
        );
        assert_eq!(
            Period::parse("2026-08-31").map_err(|error| error.problem()),
            Err(CalendarProblem::DayGiven {
                month: month("2026-08")
            })
        );
        assert_eq!(period_error(""), format!("period is empty; {PERIOD_FORMS}"));
        assert_eq!(
            period_error("   "),
            format!("period is empty; {PERIOD_FORMS}")
        );
    }

    #[test]
    fn period_error_exposes_its_parts() {
        let error = Period::parse("2026-Q7").expect_err("invalid quarter");
        assert_eq!(error.item(), CalendarItem::Period);
        assert_eq!(error.text(), "2026-Q7");
        assert_eq!(error.problem(), CalendarProblem::QuarterOutOfRange);
    }

    #[test]
    fn serde_reads_canonical_strings_and_validates() {
        let deserializer: StrDeserializer<DeserializeError> = "2026-q3".into_deserializer();
        assert_eq!(Period::deserialize(deserializer), Ok(period("2026-Q3")));
        let deserializer: StrDeserializer<DeserializeError> = "2026-07".into_deserializer();
        assert_eq!(Month::deserialize(deserializer), Ok(month("2026-07")));
        let deserializer: StrDeserializer<DeserializeError> = "2026-07-31".into_deserializer();
        assert_eq!(Date::deserialize(deserializer), Ok(date("2026-07-31")));
        let deserializer: StrDeserializer<DeserializeError> = "2026-13".into_deserializer();
        assert_eq!(
            Period::deserialize(deserializer).map_err(|error| error.to_string()),
            Err(format!(
                "period \"2026-13\": month must be 01 to 12; {PERIOD_FORMS}"
            ))
        );
    }
}
