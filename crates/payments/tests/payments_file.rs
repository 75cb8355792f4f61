//! The payments file: a good file read field by field, and a catalogue of bad files, one
//! mistake each, with the exact message a person gets.

use ledgerline_model::{Date, Period};
use ledgerline_money::{Currency, Decimal};
use ledgerline_payments::{read_payments, PaymentProblem};

fn messages(text: &str) -> Vec<String> {
    match read_payments(text, "payments.csv") {
        Ok(payments) => panic!("expected problems, got {} payments", payments.len()),
        Err(problems) => problems.iter().map(PaymentProblem::to_string).collect(),
    }
}

#[test]
fn a_good_file_reads_every_field() {
    // A byte order mark, CRLF, columns in another order and letter case, quoted values with a
    // comma and doubled quotes, blank lines and a comma-only line, optional values left empty.
    let text = "\u{feff}Payee,DATE,Amount,currency,Reference,period\r\n\
                P001,2026-07-15,1250.00,EUR,\"Royalties, H1 \"\"2026\"\"\",2026-H1\r\n\
                \r\n\
                ,,,,,\r\n\
                artist_2.b,2026-07-16,12.5,eur,,\r\n\
                \"P-003\",2026-08-01,1500,JPY,Advance,2026-Q3\r\n\
                P004 , 2026-08-02 , 0.01 , USD , , 2026-07 \r\n";
    let payments = read_payments(text, "payments.csv").unwrap_or_else(|problems| panic!("{problems:?}"));
    assert_eq!(payments.len(), 4);

    let first = &payments[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.payee.as_str(), "P001");
    assert_eq!(first.date, Date::parse("2026-07-15").unwrap());
    assert_eq!(first.amount, Decimal::parse("1250").unwrap());
    assert_eq!(first.currency, Currency::EUR);
    assert_eq!(first.reference.as_deref(), Some("Royalties, H1 \"2026\""));
    assert_eq!(first.period, Some(Period::parse("2026-H1").unwrap()));

    let second = &payments[1];
    assert_eq!(second.line, 5, "blank and comma-only lines are skipped but still counted");
    assert_eq!(second.payee.as_str(), "artist_2.b");
    assert_eq!(second.amount.to_string(), "12.5");
    assert_eq!(second.currency, Currency::EUR);
    assert_eq!((second.reference.as_deref(), second.period), (None, None));

    let third = &payments[2];
    assert_eq!((third.payee.as_str(), third.currency.code(), third.amount.to_string().as_str()), ("P-003", "JPY", "1500"));
    assert_eq!(third.period, Some(Period::parse("2026-Q3").unwrap()));

    let fourth = &payments[3];
    assert_eq!(fourth.payee.as_str(), "P004", "values are trimmed");
    assert_eq!(fourth.amount, Decimal::parse("0.01").unwrap());
    assert_eq!(fourth.reference, None);
    assert_eq!(fourth.period, Some(Period::parse("2026-07").unwrap()));
}

#[test]
fn optional_columns_may_be_absent_and_a_header_only_file_has_no_payments() {
    let payments = read_payments("date,payee,amount,currency\n2026-01-31,P1,3.00,GBP", "p.csv").unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!((payments[0].reference.clone(), payments[0].period), (None, None));
    assert_eq!(read_payments("date,payee,amount,currency\n", "p.csv").unwrap(), []);
}

const HEADER: &str = "date,payee,amount,currency,reference,period\n";

/// One bad file per mistake: the file text and every message expected, in order.
fn catalogue() -> Vec<(&'static str, String, Vec<&'static str>)> {
    let row = |rest: &str| format!("{HEADER}{rest}");
    vec![
        (
            "empty file",
            String::new(),
            vec!["payments.csv:1:1: the file is empty; its first line must be a header naming the columns date, payee, amount, currency, reference and period"],
        ),
        (
            "no header",
            "2026-07-15,P001,12.50,EUR\n".to_string(),
            vec!["payments.csv:1:1: the first line must be a header naming the columns date, payee, amount, currency, reference and period, but it starts with \"2026-07-15\""],
        ),
        (
            "unknown column",
            "date,payee,amount,currency,memo\n2026-07-15,P001,12.50,EUR,x\n".to_string(),
            vec!["payments.csv:1:28: unknown column \"memo\"; the columns are date, payee, amount, currency, reference and period"],
        ),
        (
            "repeated column",
            "date,payee,amount,currency,Amount\n".to_string(),
            vec!["payments.csv:1:28: column \"amount\" is given twice (first at column 12)"],
        ),
        (
            "missing required column",
            "date,payee,amount\n2026-07-15,P001,12.50\n".to_string(),
            vec!["payments.csv:1:1: missing column \"currency\"; the header must name date, payee, amount and currency"],
        ),
        (
            "header column without a name",
            "date,payee,,amount,currency\n".to_string(),
            vec!["payments.csv:1:12: a column of the header has no name"],
        ),
        (
            "decimal comma",
            "date,amount,payee,currency\n2026-07-01,10.00,P001,EUR\n2026-07-15,\"12,50\",P001,EUR\n".to_string(),
            vec!["payments.csv:3:12: amount: \"12,50\" is not a decimal; write 12.50"],
        ),
        (
            "thousands separators",
            row("2026-07-15,P001,\"1,234.50\",EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"1,234.50\" is not a decimal; write 1234.50"],
        ),
        (
            "continental thousands separators",
            row("2026-07-15,P001,\"1.234,50\",EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"1.234,50\" is not a decimal; write 1234.50"],
        ),
        (
            "ambiguous comma",
            row("2026-07-15,P001,\"1,234\",EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"1,234\" is not a decimal number: unexpected ',' at character 2; write the amount with a point before the decimals, such as 1250.00"],
        ),
        (
            "currency sign in the amount",
            row("2026-07-15,P001,€12.50,EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"€12.50\" is not a decimal; write the number alone, without a currency sign or code (the currency has its own column)"],
        ),
        (
            "zero amount",
            row("2026-07-15,P001,0.00,EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"0.00\" is not more than zero; a payment to a payee is a positive amount"],
        ),
        (
            "negative amount",
            row("2026-07-15,P001,-5,EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"-5\" is not more than zero; a payment to a payee is a positive amount"],
        ),
        (
            "more decimals than the currency has",
            row("2026-07-15,P001,12.345,EUR,,\n"),
            vec!["payments.csv:2:17: amount: \"12.345\" has 3 decimals; EUR has 2"],
        ),
        (
            "decimals in a currency without minor units",
            row("2026-07-15,P001,1500.5,JPY,,\n"),
            vec!["payments.csv:2:17: amount: \"1500.5\" has 1 decimal; JPY has none"],
        ),
        (
            "missing amount",
            row("2026-07-15,P001,,EUR,,\n"),
            vec!["payments.csv:2:17: amount: missing; write the amount paid, such as 1250.00"],
        ),
        (
            "date in another order",
            row("15/07/2026,P001,12.50,EUR,,\n"),
            vec!["payments.csv:2:1: date: \"15/07/2026\" is not a date: year must be 4 digits; write a date as 2026-07-31"],
        ),
        (
            "day that does not exist",
            row("2026-02-30,P001,12.50,EUR,,\n"),
            vec!["payments.csv:2:1: date: \"2026-02-30\" is not a date: day must be 01 to 28 in 2026-02; write a date as 2026-07-31"],
        ),
        (
            "missing date",
            row(",P001,12.50,EUR,,\n"),
            vec!["payments.csv:2:1: date: missing; write the date of the payment as 2026-07-31"],
        ),
        (
            "payee with a space",
            row("2026-07-15,Jane Doe,12.50,EUR,,\n"),
            vec!["payments.csv:2:12: payee: \"Jane Doe\" contains ' '; a party id has only letters, digits, '-', '_' and '.'"],
        ),
        (
            "payee too long",
            row(&format!("2026-07-15,{},12.50,EUR,,\n", "p".repeat(65))),
            vec![concat!(
                "payments.csv:2:12: payee: \"pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp…\" has 65 characters; ",
                "a party id has at most 64"
            )],
        ),
        (
            "missing payee",
            row("2026-07-15,,12.50,EUR,,\n"),
            vec!["payments.csv:2:12: payee: missing; write the party id of the payee, as in the parties file"],
        ),
        (
            "unknown currency",
            row("2026-07-15,P001,12.50,EURO,,\n"),
            vec!["payments.csv:2:23: currency: \"EURO\" is not an ISO 4217 currency code; write a code such as EUR, USD or GBP"],
        ),
        (
            "missing currency",
            row("2026-07-15,P001,12.50,,,\n"),
            vec!["payments.csv:2:23: currency: missing; write an ISO 4217 code such as EUR"],
        ),
        (
            "period that does not exist",
            row("2026-07-15,P001,12.50,EUR,,2026-Q5\n"),
            vec!["payments.csv:2:28: period: \"2026-Q5\" is not a period: quarter must be Q1 to Q4; write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)"],
        ),
        (
            "reference too long",
            row(&format!("2026-07-15,P001,12.50,EUR,{},\n", "r".repeat(141))),
            vec![concat!(
                "payments.csv:2:27: reference: \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr…\" has 141 characters; ",
                "a reference has at most 140, the most a bank transfer carries"
            )],
        ),
        (
            "reference over two lines",
            row("2026-07-15,P001,12.50,EUR,\"first\nsecond\",\n"),
            vec!["payments.csv:2:27: reference: \"first\nsecond\" contains a line break or another control character; write the reference on one line"],
        ),
        (
            "too many values",
            row("2026-07-15,P001,12.50,EUR,,,extra\n"),
            vec!["payments.csv:2:29: too many values: this row has 7 but the header names 6 columns"],
        ),
        (
            "too few values",
            row("2026-07-15,P001,12.50,EUR\n"),
            vec!["payments.csv:2:23: too few values: this row has 4 but the header names 6 columns"],
        ),
        (
            "unclosed quote",
            row("2026-07-15,P001,12.50,EUR,\"Royalties H1,2026-H1\n2026-07-16,P002,1.00,EUR,,\n"),
            vec![concat!(
                "payments.csv:2:27: reference: a quoted value starts here but its closing quote is missing, so the rest of the file cannot be read; ",
                "close the quote, and write a quote inside a quoted value as two (\"\")"
            )],
        ),
        (
            "text after a closing quote",
            row("2026-07-15,P001,12.50,EUR,\"Royalties\" H1,2026-H1\n"),
            vec![concat!(
                "payments.csv:2:38: reference: text after the closing quote of the value that starts at column 27; ",
                "put the whole value in quotes and write a quote inside it as two (\"\")"
            )],
        ),
    ]
}

#[test]
fn the_catalogue_of_bad_files_gives_exact_messages() {
    for (name, text, expected) in catalogue() {
        assert_eq!(messages(&text), expected, "case: {name}");
    }
}

#[test]
fn the_catalogue_reads_the_same_with_crlf_and_a_byte_order_mark() {
    for (name, text, expected) in catalogue() {
        let crlf = text.replace('\n', "\r\n");
        // Inside a quoted value a CRLF is read as a plain line break, so messages do not change.
        assert_eq!(messages(&format!("\u{feff}{crlf}")), expected, "case: {name}");
    }
}

#[test]
fn every_problem_of_a_file_is_reported_in_order_and_nothing_is_returned() {
    let text = format!(
        "{HEADER}\
         2026-07-15,P001,12.50,EUR,,\n\
         2026-13-01,P 2,12,50,EUR,,\n\
         2026-07-15,P003,7.5,XXX,,2026-H3\n\
         2026-07-15,P004,1.00,EUR,fine,2026\n"
    );
    assert_eq!(
        messages(&text),
        [
            "payments.csv:3:1: date: \"2026-13-01\" is not a date: month must be 01 to 12; write a date as 2026-07-31",
            "payments.csv:3:12: payee: \"P 2\" contains ' '; a party id has only letters, digits, '-', '_' and '.'",
            // The unquoted decimal comma splits the amount: "50" lands in the currency column.
            "payments.csv:3:19: currency: \"50\" is not an ISO 4217 currency code; write a code such as EUR, USD or GBP",
            "payments.csv:3:27: too many values: this row has 7 but the header names 6 columns",
            "payments.csv:4:21: currency: \"XXX\" is not an ISO 4217 currency code; write a code such as EUR, USD or GBP",
            "payments.csv:4:26: period: \"2026-H3\" is not a period: half must be H1 or H2; write a period as a month (2026-07), quarter (2026-Q3), half (2026-H1) or year (2026)",
        ]
    );
}

#[test]
fn problems_carry_their_parts_separately() {
    let problems = read_payments("date,amount,payee,currency\n2026-07-15,\"12,50\",P001,EUR\n", "in/payments.csv").unwrap_err();
    assert_eq!(problems.len(), 1);
    let problem = &problems[0];
    assert_eq!(problem.file, "in/payments.csv");
    assert_eq!((problem.line, problem.column), (2, 12));
    assert_eq!(problem.column_name.as_deref(), Some("amount"));
    assert_eq!(problem.value.as_deref(), Some("12,50"));
    assert_eq!(problem.reason, "\"12,50\" is not a decimal; write 12.50");
}

#[test]
fn columns_count_characters_not_bytes() {
    // "Zoë ok" has 6 characters and 7 bytes: the amount starts at column 24, not 25.
    let text = "date,reference,payee,amount,currency\n2026-07-15,Zoë ok,P001,abc,EUR\n";
    assert_eq!(
        messages(text),
        ["payments.csv:2:24: amount: \"abc\" is not a decimal number: unexpected 'a' at character 1; write the amount with a point before the decimals, such as 1250.00"]
    );
}
