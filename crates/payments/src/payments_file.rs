//! The payments file: a CSV in which the label records the payments it made to payees.
//!
//! ```text
//! date,payee,amount,currency,reference,period
//! 2026-07-15,P001,1250.00,EUR,Royalties 2026-H1,2026-H1
//! ```
//!
//! Every problem of the file is collected, each with file, line, column, column name, value and
//! reason; a file with any problem gives no payments at all.

use std::fmt;

use ledgerline_model::{Date, Period};
use ledgerline_money::{Currency, Decimal, NumberStyle};
use serde::Serialize;

use crate::csv_text::{self, Field, Record, SyntaxProblem};

/// Longest party id, as in the parties file.
pub const MAXIMUM_PARTY_ID_LENGTH: usize = 64;
/// Longest reference: the remittance text a SEPA transfer carries (`Ustrd`, 140 characters).
pub const MAXIMUM_REFERENCE_LENGTH: usize = 140;
/// Longest part of a value quoted in a message.
const MAXIMUM_QUOTED_CHARACTERS: usize = 64;

/// The identifier of a party (payee): letters, digits, `-`, `_` and `.`, 1 to 64 characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PartyId(String);

impl PartyId {
    /// Checks a party id; the error is the reason, quoting the text.
    pub fn parse(text: &str) -> Result<PartyId, String> {
        if text.is_empty() {
            return Err("a party id is empty".to_string());
        }
        if let Some(character) = text.chars().find(|character| !is_party_id_character(*character)) {
            return Err(format!(
                "\"{}\" contains {character:?}; a party id has only letters, digits, '-', '_' and '.'",
                excerpt(text)
            ));
        }
        let length = text.chars().count();
        if length > MAXIMUM_PARTY_ID_LENGTH {
            return Err(format!(
                "\"{}\" has {length} characters; a party id has at most {MAXIMUM_PARTY_ID_LENGTH}",
                excerpt(text)
            ));
        }
        Ok(PartyId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_party_id_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.')
}

impl fmt::Display for PartyId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// One payment the label made to a payee, as read from a payments file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// The line of the file the payment is on (1 is the header).
    pub line: u64,
    pub date: Date,
    pub payee: PartyId,
    /// Positive, with at most the currency's minor-unit digits.
    pub amount: Decimal,
    pub currency: Currency,
    /// Free text, trimmed; `None` when the cell is empty or the column absent.
    pub reference: Option<String>,
    /// The statement period the payment settles, when given.
    pub period: Option<Period>,
}

/// One thing wrong with a payments file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaymentProblem {
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column, in characters, where the value starts (its opening quote, if quoted).
    pub column: u64,
    /// The column the value belongs to, when the problem is in one cell.
    pub column_name: Option<String>,
    /// The value as written (trimmed), when there is one.
    pub value: Option<String>,
    /// What is wrong and, where it can be said, how to write it instead.
    pub reason: String,
}

impl fmt::Display for PaymentProblem {
    /// `payments.csv:3:12: amount: "12,50" is not a decimal; write 12.50`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if let Some(column_name) = &self.column_name {
            write!(formatter, "{column_name}: ")?;
        }
        formatter.write_str(&self.reason)
    }
}

/// The columns of a payments file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Date,
    Payee,
    Amount,
    Currency,
    Reference,
    Period,
}

const COLUMNS: [(Column, &str); 6] = [
    (Column::Date, "date"),
    (Column::Payee, "payee"),
    (Column::Amount, "amount"),
    (Column::Currency, "currency"),
    (Column::Reference, "reference"),
    (Column::Period, "period"),
];

const REQUIRED_COLUMNS: [Column; 4] = [Column::Date, Column::Payee, Column::Amount, Column::Currency];

const COLUMN_LIST: &str = "date, payee, amount, currency, reference and period";

impl Column {
    fn name(self) -> &'static str {
        COLUMNS.iter().find(|(column, _)| *column == self).map_or("", |(_, name)| name)
    }

    fn from_name(name: &str) -> Option<Column> {
        COLUMNS.iter().find(|(_, known)| known.eq_ignore_ascii_case(name)).map(|(column, _)| *column)
    }
}

/// Collects problems of one file.
struct Problems {
    file: String,
    list: Vec<PaymentProblem>,
}

impl Problems {
    fn at(&mut self, line: u64, column: u64, column_name: Option<&str>, value: Option<&str>, reason: String) {
        self.list.push(PaymentProblem {
            file: self.file.clone(),
            line,
            column,
            column_name: column_name.map(str::to_string),
            value: value.map(str::to_string),
            reason,
        });
    }

    fn in_cell(&mut self, field: &Field, column: Column, value: &str, reason: String) {
        self.at(field.line, field.column, Some(column.name()), Some(value), reason);
    }
}

/// A value quoted in a message, shortened when very long.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(MAXIMUM_QUOTED_CHARACTERS) {
        Some((cut_at, _)) => format!("{}…", &text[..cut_at]),
        None => text.to_string(),
    }
}

/// Reads a payments file. `file` is the name used in messages.
///
/// Returns every payment, in file order, or every problem, sorted by position. The text may
/// start with a byte order mark and use LF or CRLF line ends; blank lines are skipped.
pub fn read_payments(text: &str, file: &str) -> Result<Vec<Payment>, Vec<PaymentProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Problems { file: file.to_string(), list: Vec::new() };
    let (records, syntax_problems) = csv_text::records(text);

    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        if syntax_problems.is_empty() {
            problems.at(1, 1, None, None, format!("the file is empty; its first line must be a header naming the columns {COLUMN_LIST}"));
        }
        report_syntax_problems(&syntax_problems, None, &mut problems);
        return Err(sorted(problems.list));
    };
    let columns = read_header(&header, &mut problems);
    report_syntax_problems(&syntax_problems, Some((&header, &columns)), &mut problems);

    let mut payments = Vec::new();
    for record in records {
        if let Some(payment) = read_row(&record, &columns, &mut problems) {
            payments.push(payment);
        }
    }
    if problems.list.is_empty() {
        Ok(payments)
    } else {
        Err(sorted(problems.list))
    }
}

fn sorted(mut problems: Vec<PaymentProblem>) -> Vec<PaymentProblem> {
    problems.sort_by_key(|problem| (problem.line, problem.column));
    problems
}

/// The column of each header position (`None` for unknown or repeated names), after reporting
/// what is wrong with the header.
fn read_header(header: &Record, problems: &mut Problems) -> Vec<Option<Column>> {
    let names: Vec<&str> = header.fields.iter().map(|field| field.value.trim()).collect();
    if !names.iter().any(|name| Column::from_name(name).is_some()) {
        problems.at(
            header.line,
            1,
            None,
            None,
            format!(
                "the first line must be a header naming the columns {COLUMN_LIST}, but it starts with \"{}\"",
                excerpt(names.first().copied().unwrap_or(""))
            ),
        );
        return vec![None; names.len()];
    }
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(names.len());
    for (field, name) in header.fields.iter().zip(&names) {
        if name.is_empty() {
            problems.at(field.line, field.column, None, None, "a column of the header has no name".to_string());
            columns.push(None);
            continue;
        }
        let Some(column) = Column::from_name(name) else {
            problems.at(
                field.line,
                field.column,
                None,
                Some(name),
                format!("unknown column \"{}\"; the columns are {COLUMN_LIST}", excerpt(name)),
            );
            columns.push(None);
            continue;
        };
        if let Some(first) = columns.iter().position(|known| *known == Some(column)) {
            problems.at(
                field.line,
                field.column,
                None,
                Some(name),
                format!("column \"{}\" is given twice (first at column {})", column.name(), header.fields[first].column),
            );
            columns.push(None);
            continue;
        }
        columns.push(Some(column));
    }
    for required in REQUIRED_COLUMNS {
        if !columns.contains(&Some(required)) {
            problems.at(
                header.line,
                1,
                None,
                None,
                format!("missing column \"{}\"; the header must name date, payee, amount and currency", required.name()),
            );
        }
    }
    columns
}

fn report_syntax_problems(
    syntax_problems: &[SyntaxProblem],
    header: Option<(&Record, &[Option<Column>])>,
    problems: &mut Problems,
) {
    // The column a value belongs to, for a value of a data row.
    let column_name = |record_line: u64, field_index: usize| -> Option<&'static str> {
        let (header, columns) = header?;
        if record_line == header.line {
            return None;
        }
        columns.get(field_index).copied().flatten().map(Column::name)
    };
    for problem in syntax_problems {
        match *problem {
            SyntaxProblem::UnclosedQuote { line, column, record_line, field_index } => problems.at(
                line,
                column,
                column_name(record_line, field_index),
                None,
                "a quoted value starts here but its closing quote is missing, so the rest of the file cannot be read; \
                 close the quote, and write a quote inside a quoted value as two (\"\")"
                    .to_string(),
            ),
            SyntaxProblem::TextAfterClosingQuote { line, column, field_column, record_line, field_index } => problems.at(
                line,
                column,
                column_name(record_line, field_index),
                None,
                format!(
                    "text after the closing quote of the value that starts at column {field_column}; \
                     put the whole value in quotes and write a quote inside it as two (\"\")"
                ),
            ),
        }
    }
}

fn read_row(record: &Record, columns: &[Option<Column>], problems: &mut Problems) -> Option<Payment> {
    let count_before = problems.list.len();
    if record.fields.len() != columns.len() {
        // Too many: point at the first value without a column; too few: at the last value.
        let (position, quantity) = if record.fields.len() > columns.len() {
            (record.fields.get(columns.len()), "too many")
        } else {
            (record.fields.last(), "too few")
        };
        let (line, column) = position.map_or((record.line, 1), |field| (field.line, field.column));
        problems.at(
            line,
            column,
            None,
            None,
            format!(
                "{quantity} values: this row has {} but the header names {} columns",
                record.fields.len(),
                columns.len()
            ),
        );
    }

    let cell = |wanted: Column| -> Option<(&Field, &str)> {
        let index = columns.iter().position(|column| *column == Some(wanted))?;
        record.fields.get(index).map(|field| (field, field.value.trim()))
    };

    let date = cell(Column::Date).and_then(|(field, value)| read_date(field, value, problems));
    let payee = cell(Column::Payee).and_then(|(field, value)| read_payee(field, value, problems));
    let currency = cell(Column::Currency).and_then(|(field, value)| read_currency(field, value, problems));
    let amount = cell(Column::Amount).and_then(|(field, value)| read_amount(field, value, currency, problems));
    let reference = cell(Column::Reference).and_then(|(field, value)| read_reference(field, value, problems));
    let period = cell(Column::Period).and_then(|(field, value)| read_period(field, value, problems));

    if problems.list.len() != count_before {
        return None;
    }
    // A required value whose column is missing from the header was reported with the header.
    Some(Payment {
        line: record.line,
        date: date?,
        payee: payee?,
        amount: amount?,
        currency: currency?,
        reference: reference.flatten(),
        period: period.flatten(),
    })
}

fn read_date(field: &Field, value: &str, problems: &mut Problems) -> Option<Date> {
    if value.is_empty() {
        problems.in_cell(field, Column::Date, value, "missing; write the date of the payment as 2026-07-31".to_string());
        return None;
    }
    match Date::parse(value) {
        Ok(date) => Some(date),
        Err(error) => {
            problems.in_cell(
                field,
                Column::Date,
                value,
                format!("\"{}\" is not a date: {}; write a date as 2026-07-31", excerpt(value), error.problem()),
            );
            None
        }
    }
}

fn read_payee(field: &Field, value: &str, problems: &mut Problems) -> Option<PartyId> {
    if value.is_empty() {
        problems.in_cell(field, Column::Payee, value, "missing; write the party id of the payee, as in the parties file".to_string());
        return None;
    }
    match PartyId::parse(value) {
        Ok(party) => Some(party),
        Err(reason) => {
            problems.in_cell(field, Column::Payee, value, reason);
            None
        }
    }
}

fn read_currency(field: &Field, value: &str, problems: &mut Problems) -> Option<Currency> {
    if value.is_empty() {
        problems.in_cell(field, Column::Currency, value, "missing; write an ISO 4217 code such as EUR".to_string());
        return None;
    }
    match Currency::parse(value) {
        Ok(currency) => Some(currency),
        Err(_) => {
            problems.in_cell(
                field,
                Column::Currency,
                value,
                format!("\"{}\" is not an ISO 4217 currency code; write a code such as EUR, USD or GBP", excerpt(value)),
            );
            None
        }
    }
}

/// Reads an amount; the number of decimals is checked against `currency` when that is known
/// (an unknown currency is reported on its own).
fn read_amount(field: &Field, value: &str, currency: Option<Currency>, problems: &mut Problems) -> Option<Decimal> {
    if value.is_empty() {
        problems.in_cell(field, Column::Amount, value, "missing; write the amount paid, such as 1250.00".to_string());
        return None;
    }
    let amount = match Decimal::parse(value) {
        Ok(amount) => amount,
        Err(error) => {
            problems.in_cell(field, Column::Amount, value, amount_reason(value, &error, "the currency has its own column"));
            return None;
        }
    };
    if !amount.is_positive() {
        problems.in_cell(
            field,
            Column::Amount,
            value,
            format!("\"{}\" is not more than zero; a payment to a payee is a positive amount", excerpt(value)),
        );
        return None;
    }
    if let Some(currency) = currency {
        let digits = amount.fractional_digits();
        if digits > currency.minor_digits() {
            let allowed = match currency.minor_digits() {
                0 => "none".to_string(),
                count => count.to_string(),
            };
            problems.in_cell(
                field,
                Column::Amount,
                value,
                format!(
                    "\"{}\" has {digits} decimal{}; {} has {allowed}",
                    excerpt(value),
                    if digits == 1 { "" } else { "s" },
                    currency.code()
                ),
            );
            return None;
        }
    }
    Some(amount)
}

/// Why `value` is not an amount and how to write it, as `"12,50" is not a decimal; write 12.50`
/// (`error` is what [`Decimal::parse`] said, for an amount with no unambiguous plain form;
/// `currency_given` says where the currency goes instead: `the currency has its own column`).
pub fn amount_reason(value: &str, error: &impl fmt::Display, currency_given: &str) -> String {
    match rewritten_amount(value) {
        Some(AmountHint::Write(plain)) => format!("\"{}\" is not a decimal; write {plain}", excerpt(value)),
        Some(AmountHint::NoCurrencySign) => format!(
            "\"{}\" is not a decimal; write the number alone, without a currency sign or code ({currency_given})",
            excerpt(value)
        ),
        None => format!("{error}; write the amount with a point before the decimals, such as 1250.00"),
    }
}

enum AmountHint {
    /// The same number in the plain form.
    Write(String),
    /// A number with a currency sign or code attached.
    NoCurrencySign,
}

/// What an amount that is not in the plain form probably means, when that is unambiguous:
/// `12,50` (decimal comma), `1,234.50` and `1.234,50` (grouped), `€12.50` (a currency sign).
fn rewritten_amount(value: &str) -> Option<AmountHint> {
    let has_comma = value.contains(',');
    let has_point = value.contains('.');
    let style = match (has_comma, has_point) {
        (true, true) if value.rfind('.') > value.rfind(',') => Some(NumberStyle::ENGLISH_GROUPED),
        (true, true) => Some(NumberStyle::CONTINENTAL_GROUPED),
        (true, false) => {
            let after_comma = value.rsplit(',').next().unwrap_or("");
            // `1,234` is one thousand two hundred and thirty-four to some and one point two three
            // four to others: no guess.
            if value.matches(',').count() == 1 && after_comma.len() != 3 {
                Some(NumberStyle::DECIMAL_COMMA)
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(style) = style {
        if Decimal::parse_bytes(value.as_bytes(), style).is_ok() {
            let decimal_separator = char::from(style.decimal_separator);
            let plain: String = value
                .chars()
                .filter(|character| Some(*character as u32) != style.grouping_separator.map(u32::from))
                .map(|character| if character == decimal_separator { '.' } else { character })
                .collect();
            return Some(AmountHint::Write(plain));
        }
    }
    let without_sign: String = value
        .chars()
        .filter(|character| !(matches!(character, '€' | '$' | '£' | '¥') || character.is_ascii_alphabetic()))
        .collect();
    if without_sign.len() != value.len() && Decimal::parse(&without_sign).is_ok() {
        return Some(AmountHint::NoCurrencySign);
    }
    None
}

fn read_reference(field: &Field, value: &str, problems: &mut Problems) -> Option<Option<String>> {
    if value.is_empty() {
        return Some(None);
    }
    let length = value.chars().count();
    if length > MAXIMUM_REFERENCE_LENGTH {
        problems.in_cell(
            field,
            Column::Reference,
            value,
            format!(
                "\"{}\" has {length} characters; a reference has at most {MAXIMUM_REFERENCE_LENGTH}, the most a bank transfer carries",
                excerpt(value)
            ),
        );
        return None;
    }
    if value.chars().any(char::is_control) {
        problems.in_cell(
            field,
            Column::Reference,
            value,
            format!("\"{}\" contains a line break or another control character; write the reference on one line", excerpt(value)),
        );
        return None;
    }
    Some(Some(value.to_string()))
}

fn read_period(field: &Field, value: &str, problems: &mut Problems) -> Option<Option<Period>> {
    if value.is_empty() {
        return Some(None);
    }
    match Period::parse(value) {
        Ok(period) => Some(Some(period)),
        Err(error) => {
            problems.in_cell(
                field,
                Column::Period,
                value,
                format!(
                    "\"{}\" is not a period: {}; write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)",
                    excerpt(value),
                    error.problem()
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_hints_are_given_only_when_unambiguous() {
        let hint = |text: &str| match rewritten_amount(text) {
            Some(AmountHint::Write(plain)) => plain,
            Some(AmountHint::NoCurrencySign) => "sign".to_string(),
            None => "none".to_string(),
        };
        assert_eq!(hint("12,50"), "12.50");
        assert_eq!(hint("1,234.50"), "1234.50");
        assert_eq!(hint("1.234,50"), "1234.50");
        assert_eq!(hint("1,234"), "none");
        assert_eq!(hint("€12.50"), "sign");
        assert_eq!(hint("12.50 EUR"), "sign");
        assert_eq!(hint("twelve"), "none");
    }

    #[test]
    fn party_ids() {
        assert!(PartyId::parse("P-001_a.b").is_ok());
        assert!(PartyId::parse(&"x".repeat(64)).is_ok());
        assert!(PartyId::parse(&"x".repeat(65)).unwrap_err().contains("65 characters"));
        assert!(PartyId::parse("Jane Doe").unwrap_err().contains("' '"));
    }
}
