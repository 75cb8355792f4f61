//! Reading a TOML document key by key, keeping every value's position so that each problem can
//! be reported at its line and column, and collecting problems instead of stopping at the first.
//!
//! Serde's derive would stop at the first problem and lose most positions; a royalty manager
//! fixing a contract wants the whole list at once, each with where it is.

use std::ops::Range;

use ledgerline_model::{Date, Month};
use ledgerline_money::{Decimal, RoundingMode};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{ContractError, LineIndex};

pub(crate) type Span = Range<usize>;
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// A value as read, with where it is and how it was written (for messages).
#[derive(Clone, Debug)]
pub(crate) struct Read<T> {
    pub value: T,
    pub span: Span,
    /// The value as the file wrote it: quoted for strings (`"1.5"`), bare for numbers.
    pub written: String,
}

/// A table of the document, named the way errors print it.
#[derive(Clone)]
pub(crate) struct Table<'t, 'i> {
    pub table: &'t DeTable<'i>,
    /// `[royalty]`, `[[royalty.rates]]`, `[payees.settings]`; empty for the document root.
    pub name: String,
    /// The dotted path (`royalty.rates`), from which sub-tables are named.
    pub dotted: String,
    /// The table's header (or the inline table), where "missing key" problems point.
    pub span: Span,
}

impl<'t, 'i> Table<'t, 'i> {
    pub(crate) fn root(table: &'t DeTable<'i>) -> Table<'t, 'i> {
        Table { table, name: String::new(), dotted: String::new(), span: 0..0 }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'t Value<'i>> {
        self.table.get(key)
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    /// The key as errors name it: `[royalty] default_rate`, or `version` at the root.
    pub(crate) fn key_path(&self, key: &str) -> String {
        if self.name.is_empty() {
            key.to_string()
        } else {
            format!("{} {key}", self.name)
        }
    }

    fn child_dotted(&self, key: &str) -> String {
        if self.dotted.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.dotted)
        }
    }
}

/// The document being read and the problems found so far.
pub(crate) struct Document<'s> {
    pub source: &'s str,
    file: &'s str,
    lines: LineIndex,
    pub errors: Vec<ContractError>,
}

/// A short description of a TOML value's type for "expected X, found Y" messages.
fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(array) if array.iter().all(|item| item.get_ref().is_table()) && !array.is_empty() => {
            "an array of tables"
        }
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Levenshtein distance, for "did you mean" on unknown keys and names.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (left_index, left_character) in left.chars().enumerate() {
        let mut current = vec![left_index + 1];
        for (right_index, right_character) in right.iter().enumerate() {
            let substitution = previous[right_index] + usize::from(left_character != *right_character);
            current.push(substitution.min(previous[right_index + 1] + 1).min(current[right_index] + 1));
        }
        previous = current;
    }
    previous[right.len()]
}

/// ` (did you mean "x"?)` when a known name is close to what was written.
pub(crate) fn suggestion(written: &str, known: &[&str]) -> String {
    let lowered = written.to_ascii_lowercase().replace(['-', ' '], "_");
    let best = known
        .iter()
        .map(|name| {
            let canonical = name.replace('-', "_");
            // A name written longer or shorter ("streaming" for "stream") counts as one edit.
            let shorter = lowered.len().min(canonical.len());
            let is_prefix = shorter >= 3 && (lowered.starts_with(&canonical) || canonical.starts_with(&lowered));
            (if is_prefix { 1 } else { edit_distance(&lowered, &canonical) }, *name)
        })
        .filter(|(distance, name)| *distance <= 2.max(name.len() / 4))
        .min_by_key(|(distance, _)| *distance);
    match best {
        Some((_, name)) if name != written => format!(" (did you mean \"{name}\"?)"),
        _ => String::new(),
    }
}

impl<'s> Document<'s> {
    pub(crate) fn new(source: &'s str, file: &'s str) -> Document<'s> {
        Document { source, file, lines: LineIndex::new(source), errors: Vec::new() }
    }

    pub(crate) fn error_at(&mut self, span: &Span, key: String, message: impl Into<String>) {
        let (line, column) = self.lines.position(self.source, span.start);
        self.errors.push(ContractError { file: self.file.to_string(), line, column, key, message: message.into() });
    }

    pub(crate) fn error(&mut self, table: &Table<'_, '_>, key: &str, span: &Span, message: impl Into<String>) {
        self.error_at(span, table.key_path(key), message);
    }

    /// Reports every key of `table` that is not in `allowed`: a misspelt key would otherwise be
    /// ignored silently and the contract would mean something else than its author thinks.
    pub(crate) fn deny_unknown_keys(&mut self, table: &Table<'_, '_>, allowed: &[&str]) {
        for (key, _) in table.table.iter() {
            let name: &str = key.get_ref();
            if !allowed.contains(&name) {
                // The whole list only helps when no close name explains the mistake.
                let message = match suggestion(name, allowed) {
                    close if close.is_empty() => format!("unknown key; allowed here: {}", allowed.join(", ")),
                    close => format!("unknown key{close}"),
                };
                self.error(table, name, &key.span(), message);
            }
        }
    }

    /// Reports a missing required key at the table's header.
    pub(crate) fn missing(&mut self, table: &Table<'_, '_>, key: &str, explanation: &str) {
        let span = table.span.clone();
        self.error(table, key, &span, format!("missing: {explanation}"));
    }

    /// Reports a missing required table (`[term]`) at the start of the file.
    pub(crate) fn missing_table(&mut self, name: &str, explanation: &str) {
        self.error_at(&(0..0), name.to_string(), format!("missing: {explanation}"));
    }

    fn wrong_type(&mut self, table: &Table<'_, '_>, key: &str, value: &Value<'_>, expected: &str) {
        self.error(table, key, &value.span(), format!("expected {expected}, found {}", type_name(value.get_ref())));
    }

    /// The text of the value as written in the file.
    fn written(&self, span: &Span) -> String {
        self.source.get(span.clone()).unwrap_or("").trim().to_string()
    }

    pub(crate) fn string(&mut self, table: &Table<'_, '_>, key: &str) -> Option<Read<String>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::String(text) => Some(Read { value: text.to_string(), span: value.span(), written: format!("\"{text}\"") }),
            _ => {
                self.wrong_type(table, key, value, "a string in quotes");
                None
            }
        }
    }

    /// A string that must be there and not blank.
    pub(crate) fn required_string(&mut self, table: &Table<'_, '_>, key: &str, explanation: &str) -> Option<Read<String>> {
        if !table.has(key) {
            self.missing(table, key, explanation);
            return None;
        }
        let read = self.string(table, key)?;
        if read.value.trim().is_empty() {
            self.error(table, key, &read.span, format!("is empty: {explanation}"));
            return None;
        }
        Some(read)
    }

    /// A non-blank string if present (an empty one is a mistake worth saying).
    pub(crate) fn optional_text(&mut self, table: &Table<'_, '_>, key: &str) -> Option<String> {
        let read = self.string(table, key)?;
        if read.value.trim().is_empty() {
            self.error(table, key, &read.span, "is empty; leave the key out instead");
            return None;
        }
        Some(read.value.trim().to_string())
    }

    pub(crate) fn boolean(&mut self, table: &Table<'_, '_>, key: &str) -> Option<bool> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(flag) => Some(*flag),
            DeValue::String(text) if *text == "true" || *text == "false" => {
                self.error(table, key, &value.span(), format!("write true or false without quotes, not \"{text}\""));
                None
            }
            _ => {
                self.wrong_type(table, key, value, "true or false");
                None
            }
        }
    }

    pub(crate) fn integer(&mut self, table: &Table<'_, '_>, key: &str) -> Option<Read<i64>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Integer(integer) => match i64::from_str_radix(integer.as_str(), integer.radix()) {
                Ok(number) => Some(Read { value: number, span: value.span(), written: self.written(&value.span()) }),
                Err(_) => {
                    self.error(table, key, &value.span(), "is too large");
                    None
                }
            },
            DeValue::String(text) if text.trim().parse::<i64>().is_ok() => {
                self.error(table, key, &value.span(), format!("write the whole number without quotes: {}", text.trim()));
                None
            }
            _ => {
                self.wrong_type(table, key, value, "a whole number");
                None
            }
        }
    }

    /// An exact decimal: a quoted string (`"0.25"`, recommended) or a bare TOML number, which is
    /// read from the digits written and never through binary floating point.
    pub(crate) fn decimal(&mut self, table: &Table<'_, '_>, key: &str) -> Option<Read<Decimal>> {
        let value = table.get(key)?;
        let span = value.span();
        let (text, written) = match value.get_ref() {
            DeValue::String(text) => (text.trim().to_string(), format!("\"{text}\"")),
            DeValue::Integer(integer) if integer.radix() == 10 => {
                let written = self.written(&span);
                (written.replace('_', ""), written)
            }
            DeValue::Float(_) => {
                let written = self.written(&span);
                (written.replace('_', ""), written)
            }
            _ => {
                self.wrong_type(table, key, value, "a decimal in quotes such as \"0.25\"");
                return None;
            }
        };
        if let Some(percent) = text.strip_suffix('%') {
            let hint = Decimal::parse(percent.trim())
                .ok()
                .and_then(|number| number.checked_div(Decimal::from_integer(100), RoundingMode::HalfEven))
                .map_or(String::new(), |fraction| format!(": \"{fraction}\""));
            self.error(table, key, &span, format!("{written} is a percentage; write it as a fraction{hint}"));
            return None;
        }
        match Decimal::parse(&text) {
            Ok(number) => Some(Read { value: number, span, written }),
            Err(_) if text.contains(',') => {
                self.error(table, key, &span, format!("{written} is not a decimal: use a point for the decimal separator and no thousands separator, as in \"1234.50\""));
                None
            }
            Err(_) => {
                self.error(table, key, &span, format!("{written} is not a decimal; write it as digits with a point, as in \"0.25\" or \"1500.00\""));
                None
            }
        }
    }

    /// A fraction from 0 to 1, such as a rate or share. `what` names it in the plural
    /// (`rates`), `hint` explains the scale.
    pub(crate) fn fraction(&mut self, table: &Table<'_, '_>, key: &str, what: &str, hint: &str) -> Option<Read<Decimal>> {
        let read = self.decimal(table, key)?;
        if read.value > Decimal::ONE {
            self.error(table, key, &read.span, format!("{} is above 1 ({what} are fractions: {hint})", read.written));
            return None;
        }
        if read.value.is_negative() {
            self.error(table, key, &read.span, format!("{} is negative; {what} are fractions from 0 to 1", read.written));
            return None;
        }
        Some(read)
    }

    /// An amount of money: zero or more.
    pub(crate) fn amount(&mut self, table: &Table<'_, '_>, key: &str, what: &str) -> Option<Read<Decimal>> {
        let read = self.decimal(table, key)?;
        if read.value.is_negative() {
            self.error(table, key, &read.span, format!("{} is negative; {what}", read.written));
            return None;
        }
        Some(read)
    }

    /// A date: `"2026-07-31"` or a bare TOML date `2026-07-31`.
    pub(crate) fn date(&mut self, table: &Table<'_, '_>, key: &str) -> Option<Read<Date>> {
        let value = table.get(key)?;
        let span = value.span();
        let (text, written) = match value.get_ref() {
            DeValue::String(text) => (text.to_string(), format!("\"{text}\"")),
            DeValue::Datetime(_) => (self.written(&span), self.written(&span)),
            _ => {
                self.wrong_type(table, key, value, "a date such as \"2026-07-31\"");
                return None;
            }
        };
        match Date::parse(&text) {
            Ok(date) => Some(Read { value: date, span, written }),
            Err(error) => {
                // The model's message quotes the text and shows the form to use.
                self.error(table, key, &span, error.to_string());
                None
            }
        }
    }

    /// A month: `"2026-07"`.
    pub(crate) fn month(&mut self, table: &Table<'_, '_>, key: &str) -> Option<Read<Month>> {
        let value = table.get(key)?;
        let span = value.span();
        match value.get_ref() {
            DeValue::String(text) => match Month::parse(text) {
                Ok(month) => Some(Read { value: month, span, written: format!("\"{text}\"") }),
                Err(error) => {
                    let message = match Date::parse(text) {
                        Ok(date) => format!("\"{text}\" is a date; write the month alone: \"{}\"", date.month()),
                        Err(_) => error.to_string(),
                    };
                    self.error(table, key, &span, message);
                    None
                }
            },
            DeValue::Datetime(_) => {
                let written = self.written(&span);
                let month = written.get(0..7).unwrap_or(&written).to_string();
                self.error(table, key, &span, format!("{written} is a date; write the month as a string: \"{month}\""));
                None
            }
            _ => {
                self.wrong_type(table, key, value, "a month in quotes such as \"2026-07\"");
                None
            }
        }
    }

    /// A string or an array of strings (`usage = "stream"` or `usage = ["stream", "ugc"]`).
    pub(crate) fn string_list(&mut self, table: &Table<'_, '_>, key: &str) -> Option<Vec<Read<String>>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::String(text) => Some(vec![Read { value: text.to_string(), span: value.span(), written: format!("\"{text}\"") }]),
            DeValue::Array(items) => {
                let mut strings = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(text) => {
                            strings.push(Read { value: text.to_string(), span: item.span(), written: format!("\"{text}\"") })
                        }
                        _ => self.wrong_type(table, key, item, "strings in quotes"),
                    }
                }
                if items.is_empty() {
                    self.error(table, key, &value.span(), "is an empty list; leave the key out instead");
                }
                Some(strings)
            }
            _ => {
                self.wrong_type(table, key, value, "a string or a list of strings");
                None
            }
        }
    }

    /// A sub-table (`[royalty]` or `royalty = { … }`).
    pub(crate) fn table<'t, 'i>(&mut self, parent: &Table<'t, 'i>, key: &str) -> Option<Table<'t, 'i>> {
        let value = parent.get(key)?;
        let dotted = parent.child_dotted(key);
        match value.get_ref() {
            DeValue::Table(table) => Some(Table { table, name: format!("[{dotted}]"), dotted, span: value.span() }),
            DeValue::Array(_) => {
                self.error(parent, key, &value.span(), format!("write [{dotted}] with single brackets: a contract has one {key} table"));
                None
            }
            _ => {
                self.wrong_type(parent, key, value, &format!("a table [{dotted}]"));
                None
            }
        }
    }

    /// An array of tables (`[[payees]]`), each named `[[payees]]` in errors.
    pub(crate) fn tables<'t, 'i>(&mut self, parent: &Table<'t, 'i>, key: &str) -> Vec<Table<'t, 'i>> {
        let Some(value) = parent.get(key) else { return Vec::new() };
        let dotted = parent.child_dotted(key);
        match value.get_ref() {
            DeValue::Array(items) => {
                let mut tables = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(table) => {
                            tables.push(Table { table, name: format!("[[{dotted}]]"), dotted: dotted.clone(), span: item.span() })
                        }
                        _ => self.wrong_type(parent, key, item, &format!("tables [[{dotted}]]")),
                    }
                }
                tables
            }
            DeValue::Table(_) => {
                self.error(parent, key, &value.span(), format!("write [[{dotted}]] with double brackets: there can be several"));
                Vec::new()
            }
            _ => {
                self.wrong_type(parent, key, value, &format!("tables [[{dotted}]]"));
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggestion("defualt_rate", &["default_rate", "rates"]), " (did you mean \"default_rate\"?)");
        assert_eq!(suggestion("streaming", &["stream", "download"]), " (did you mean \"stream\"?)");
        assert_eq!(suggestion("ad_supported", &["premium", "ad-supported"]), " (did you mean \"ad-supported\"?)");
        assert_eq!(suggestion("colour", &["stream", "download"]), "");
    }
}
