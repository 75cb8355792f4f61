//! A small comma-separated-values tokenizer that remembers where every value starts.
//!
//! The `csv` crate knows the line of a record but not the column of a field, and it accepts an
//! unclosed quote by reading to the end of the file. A payments file is small and its messages
//! must point at the cell (`payments.csv:3:12`), so it is read here, character by character.
//!
//! Rules (RFC 4180 with the usual leniencies): records end at LF or CRLF; a value that starts
//! with `"` is quoted, may hold commas, line breaks and doubled quotes (`""`), and must be
//! followed by a comma or the end of the record; a quote anywhere else is an ordinary character.

/// One value of a record, with the position of its first character (the opening quote, when
/// quoted). Lines and columns count from 1; columns count characters, not bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    pub value: String,
    pub line: u64,
    pub column: u64,
}

/// One record: the line it starts on and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub line: u64,
    pub fields: Vec<Field>,
}

/// Something that makes the text not CSV at all at a position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SyntaxProblem {
    /// A quoted value whose closing quote never comes; everything after it is swallowed.
    UnclosedQuote { line: u64, column: u64, record_line: u64, field_index: usize },
    /// Characters between a closing quote and the next comma (`"ab"c`); the position is that of
    /// the first such character, `field_column` that of the value's opening quote.
    TextAfterClosingQuote { line: u64, column: u64, field_column: u64, record_line: u64, field_index: usize },
}

/// Splits `text` (already without a byte order mark) into records. Records whose values are all
/// empty or white space (blank lines, and the `,,,,` lines spreadsheets leave) are dropped.
/// Reading stops at an unclosed quote, because nothing after it can be placed reliably.
pub(crate) fn records(text: &str) -> (Vec<Record>, Vec<SyntaxProblem>) {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut characters = text.chars().peekable();
    let mut line: u64 = 1;
    let mut column: u64 = 1;

    // State of the record and field being read.
    let mut fields: Vec<Field> = Vec::new();
    let mut record_line = line;
    let mut value = String::new();
    let mut field_start = (line, column);
    let mut at_field_start = true;

    let finish_record = |fields: &mut Vec<Field>, records: &mut Vec<Record>, record_line: u64| {
        let taken = std::mem::take(fields);
        if taken.iter().any(|field| !field.value.trim().is_empty()) {
            records.push(Record { line: record_line, fields: taken });
        }
    };

    while let Some(character) = characters.next() {
        if at_field_start {
            field_start = (line, column);
            at_field_start = false;
            if character == '"' {
                column += 1;
                // A quoted value: read to the closing quote.
                let mut closed = false;
                while let Some(inner) = characters.next() {
                    match inner {
                        '"' if characters.peek() == Some(&'"') => {
                            characters.next();
                            value.push('"');
                            column += 2;
                        }
                        '"' => {
                            column += 1;
                            closed = true;
                            break;
                        }
                        '\n' => {
                            value.push('\n');
                            line += 1;
                            column = 1;
                        }
                        '\r' if characters.peek() == Some(&'\n') => {
                            // CRLF inside a quoted value is kept as a plain line break.
                        }
                        other => {
                            value.push(other);
                            column += 1;
                        }
                    }
                }
                if !closed {
                    problems.push(SyntaxProblem::UnclosedQuote {
                        line: field_start.0,
                        column: field_start.1,
                        record_line,
                        field_index: fields.len(),
                    });
                    return (records, problems);
                }
                // After the closing quote only a comma or the end of the record may follow.
                let mut reported = false;
                loop {
                    match characters.peek() {
                        None | Some(',') | Some('\n') => break,
                        Some('\r') => {
                            let mut lookahead = characters.clone();
                            lookahead.next();
                            if matches!(lookahead.peek(), Some('\n') | None) {
                                break;
                            }
                        }
                        Some(_) => {}
                    }
                    if !reported {
                        problems.push(SyntaxProblem::TextAfterClosingQuote {
                            line,
                            column,
                            field_column: field_start.1,
                            record_line,
                            field_index: fields.len(),
                        });
                        reported = true;
                    }
                    characters.next();
                    column += 1;
                }
                continue;
            }
        }
        match character {
            ',' => {
                fields.push(Field { value: std::mem::take(&mut value), line: field_start.0, column: field_start.1 });
                column += 1;
                at_field_start = true;
                // A comma at the very end of a record still opens an (empty) value.
                field_start = (line, column);
            }
            '\r' if characters.peek() == Some(&'\n') => {
                // The LF that follows ends the record.
            }
            '\n' => {
                fields.push(Field { value: std::mem::take(&mut value), line: field_start.0, column: field_start.1 });
                finish_record(&mut fields, &mut records, record_line);
                line += 1;
                column = 1;
                record_line = line;
                at_field_start = true;
                field_start = (line, column);
            }
            other => {
                value.push(other);
                column += 1;
            }
        }
    }
    // The last record, when the text does not end with a line break.
    if !at_field_start || !fields.is_empty() || !value.is_empty() {
        fields.push(Field { value, line: field_start.0, column: field_start.1 });
        finish_record(&mut fields, &mut records, record_line);
    }
    (records, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(record: &Record) -> Vec<(&str, u64, u64)> {
        record.fields.iter().map(|field| (field.value.as_str(), field.line, field.column)).collect()
    }

    #[test]
    fn positions_count_characters_from_one() {
        let (records, problems) = records("a,bé,c\nÅse,\"x,y\",\n");
        assert!(problems.is_empty());
        assert_eq!(values(&records[0]), [("a", 1, 1), ("bé", 1, 3), ("c", 1, 6)]);
        assert_eq!(values(&records[1]), [("Åse", 2, 1), ("x,y", 2, 5), ("", 2, 11)]);
    }

    #[test]
    fn crlf_blank_lines_and_comma_only_lines_are_handled() {
        let (records, problems) = records("a,b\r\n\r\n,,\r\n1,2");
        assert!(problems.is_empty());
        assert_eq!(records.len(), 2);
        assert_eq!(values(&records[1]), [("1", 4, 1), ("2", 4, 3)]);
    }

    #[test]
    fn quoted_values_keep_doubled_quotes_and_line_breaks() {
        let (records, problems) = records("\"say \"\"hi\"\"\",\"two\r\nlines\",z\nnext\n");
        assert!(problems.is_empty());
        assert_eq!(values(&records[0]), [("say \"hi\"", 1, 1), ("two\nlines", 1, 14), ("z", 2, 8)]);
        assert_eq!(records[1].line, 3);
    }

    #[test]
    fn a_quote_inside_an_unquoted_value_is_a_character() {
        let (records, problems) = records("12\" vinyl,x\n");
        assert!(problems.is_empty());
        assert_eq!(records[0].fields[0].value, "12\" vinyl");
    }

    #[test]
    fn unclosed_quote_and_text_after_closing_quote_are_found() {
        let (_, problems) = records("a,\"b\"c,d\ne,\"open\nf\n");
        assert_eq!(
            problems,
            [
                SyntaxProblem::TextAfterClosingQuote { line: 1, column: 6, field_column: 3, record_line: 1, field_index: 1 },
                SyntaxProblem::UnclosedQuote { line: 2, column: 3, record_line: 2, field_index: 1 },
            ]
        );
    }
}
