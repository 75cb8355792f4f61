//! The XLSX statement: a Summary sheet, a Detail sheet (one row per earning line) and a Charges
//! sheet.
//!
//! **Floating point, and how exactness is kept.** XLSX stores numbers as binary doubles, so the
//! money cells (formatted `#,##0.00`) are doubles: convenient for sums and charts in a
//! spreadsheet, but not the record. Beside every money column is its `…_exact` twin, a text
//! cell with the exact decimal (`amount_exact`, `receipts_exact`, …). Totals are `SUM`
//! formulas whose cached value is written as the exact figure from the ledger, not a sum of
//! doubles. The statement's SHA-256 is in cell B9 of the Summary sheet, in the document's
//! keywords (`ledgerline-statement-sha256:<hash>`) and in a custom property of that name.
//! The creation date is the last day of the statement's last month (no clock is read), so the
//! same statement gives the same bytes.

use ledgerline_engine::Statement;
use ledgerline_money::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, Formula, Workbook, Worksheet, XlsxError};

use crate::breakdown::{breakdowns, check_lines};
use crate::text::{all_summary_fields, balance_rows, cents, exact, movement_rows, payable_converted_sentence, summary_rows};
use crate::{RenderError, HASH_MARKER};

/// Where the Summary sheet holds the hash (row, column), zero-based: B9.
pub const HASH_CELL: (u32, u16) = (8, 1);

fn xlsx_error(error: XlsxError) -> RenderError {
    RenderError::Xlsx(error.to_string())
}

/// The one conversion of money to binary floating point, for XLSX number cells only. The
/// exact text is always written beside it.
fn as_double(amount: Decimal) -> f64 {
    amount.to_string().parse::<f64>().unwrap_or(0.0)
}

struct Styles {
    title: CellFormat,
    bold: CellFormat,
    header: CellFormat,
    header_right: CellFormat,
    money: CellFormat,
    money_bold: CellFormat,
    exact: CellFormat,
    exact_bold: CellFormat,
    rate: CellFormat,
    units: CellFormat,
    units_bold: CellFormat,
    muted: CellFormat,
}

fn styles() -> Styles {
    let header = CellFormat::new().set_bold().set_background_color("#F4F6F9").set_border_bottom(rust_xlsxwriter::FormatBorder::Thin);
    Styles {
        title: CellFormat::new().set_bold().set_font_size(16),
        bold: CellFormat::new().set_bold(),
        header_right: header.clone().set_align(FormatAlign::Right),
        header,
        money: CellFormat::new().set_num_format("#,##0.00"),
        money_bold: CellFormat::new().set_num_format("#,##0.00").set_bold(),
        exact: CellFormat::new().set_font_color("#4A5568").set_align(FormatAlign::Right),
        exact_bold: CellFormat::new().set_font_color("#4A5568").set_align(FormatAlign::Right).set_bold(),
        rate: CellFormat::new().set_num_format("0.00####%"),
        units: CellFormat::new().set_num_format("#,##0"),
        units_bold: CellFormat::new().set_num_format("#,##0").set_bold(),
        muted: CellFormat::new().set_font_color("#4A5568").set_italic(),
    }
}

fn creation_date(statement: &Statement) -> ExcelDateTime {
    let parsed = statement
        .last_month
        .split_once('-')
        .and_then(|(year, month)| Some((year.parse::<u16>().ok()?, month.parse::<u8>().ok()?)))
        .filter(|(year, month)| (1900..=9999).contains(year) && (1..=12).contains(month));
    let (year, month) = parsed.unwrap_or((2000, 1));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let day = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    ExcelDateTime::from_ymd(year, month, day)
        .or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1))
        .unwrap_or_else(|_| unreachable!("2000-01-01 is a date"))
}

/// The statement as an XLSX workbook.
pub fn render_xlsx(statement: &Statement) -> Result<Vec<u8>, RenderError> {
    check_lines(statement)?;
    breakdowns(statement)?;
    let hash = statement.sha256();
    let s = styles();
    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title(format!("Royalty statement {} {} ({})", statement.period, statement.payee_name, statement.payee))
        .set_subject(format!("Royalty statement for {} ({}), {}", statement.payee_name, statement.payee, statement.period))
        .set_author(statement.label.clone())
        .set_company(statement.label.clone())
        .set_keywords(format!("{HASH_MARKER}:{hash}"))
        .set_comment("Money cells are binary doubles; the …_exact columns hold the exact figures.")
        .set_custom_property(HASH_MARKER, hash.as_str())
        .set_creation_datetime(&creation_date(statement));
    workbook.set_properties(&properties);

    summary_sheet(workbook.add_worksheet(), statement, &hash, &s).map_err(xlsx_error)?;
    detail_sheet(workbook.add_worksheet(), statement, &s).map_err(xlsx_error)?;
    charges_sheet(workbook.add_worksheet(), statement, &s).map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn summary_sheet(sheet: &mut Worksheet, statement: &Statement, hash: &str, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 18)?;
    sheet.set_column_width(2, 18)?;
    sheet.set_column_width(3, 26)?;
    sheet.set_paper_size(9); // A4
    sheet.write_string_with_format(0, 0, "Royalty statement", &s.title)?;
    let facts = [
        ("Label", statement.label.clone()),
        ("Payee", format!("{} ({})", statement.payee_name, statement.payee)),
        ("Period", statement.period.clone()),
        ("Months covered", format!("{} to {}", statement.first_month, statement.last_month)),
        ("Currency", statement.currency.clone()),
        ("Rounding", format!("to the cent, {}", statement.rounding)),
        ("Contracts", statement.contracts.iter().map(|c| format!("{} v{} {} ({})", c.id, c.version, c.title, crate::text::percent(c.share))).collect::<Vec<_>>().join("; ")),
        ("Statement SHA-256", hash.to_string()),
    ];
    for (index, (name, value)) in facts.iter().enumerate() {
        let row = 1 + index as u32;
        sheet.write_string_with_format(row, 0, *name, &s.bold)?;
        sheet.write_string(row, 1, value)?;
    }
    debug_assert_eq!(facts[HASH_CELL.0 as usize - 1].0, "Statement SHA-256");

    let mut row = 11u32;
    let currency = &statement.currency;
    let plain = CellFormat::new();
    let table = |sheet: &mut Worksheet, row: &mut u32, title: &str, rows: Vec<(&'static str, &'static str, Decimal)>| -> Result<(), XlsxError> {
        sheet.write_string_with_format(*row, 0, title, &s.header)?;
        sheet.write_string_with_format(*row, 1, format!("Amount ({currency})"), &s.header_right)?;
        sheet.write_string_with_format(*row, 2, "Exact", &s.header_right)?;
        sheet.write_string_with_format(*row, 3, "Field", &s.header)?;
        *row += 1;
        for (field, name, value) in rows {
            let key = field == "closing_balance" || field == "earnings";
            sheet.write_string_with_format(*row, 0, name, if key { &s.bold } else { &plain })?;
            sheet.write_number_with_format(*row, 1, as_double(value), if key { &s.money_bold } else { &s.money })?;
            sheet.write_string_with_format(*row, 2, cents(value), if key { &s.exact_bold } else { &s.exact })?;
            sheet.write_string_with_format(*row, 3, field, &s.muted)?;
            *row += 1;
        }
        *row += 1;
        Ok(())
    };
    table(sheet, &mut row, "Summary", summary_rows(statement))?;
    table(sheet, &mut row, "Where the closing balance sits", balance_rows(statement))?;
    if let Some(sentence) = payable_converted_sentence(statement) {
        sheet.write_string_with_format(row, 0, sentence, &s.bold)?;
        row += 2;
    }
    table(sheet, &mut row, "Movements inside the balance", movement_rows(statement))?;
    sheet.write_string_with_format(row, 0, "Every summary figure as in the canonical JSON (signs as stored)", &s.header)?;
    sheet.write_string_with_format(row, 1, format!("Amount ({currency})"), &s.header_right)?;
    sheet.write_string_with_format(row, 2, "Exact", &s.header_right)?;
    row += 1;
    for (field, value) in all_summary_fields(statement) {
        sheet.write_string(row, 0, field)?;
        sheet.write_number_with_format(row, 1, as_double(value), &s.money)?;
        sheet.write_string_with_format(row, 2, cents(value), &s.exact)?;
        row += 1;
    }
    row += 1;
    sheet.write_string_with_format(
        row,
        0,
        "Money cells are binary floating point (as XLSX stores numbers); the Exact column holds the exact figures. Check a copy with: ledgerline verify FILE",
        &s.muted,
    )?;
    Ok(())
}

const DETAIL_COLUMNS: [(&str, f64); 19] = [
    ("contract", 10.0),
    ("version", 8.0),
    ("release", 16.0),
    ("track", 15.0),
    ("title", 28.0),
    ("service", 14.0),
    ("territory", 9.0),
    ("usage", 10.0),
    ("tier", 12.0),
    ("sale_month", 10.0),
    ("units", 10.0),
    ("receipts", 13.0),
    ("deductions", 12.0),
    ("rate", 9.0),
    ("amount", 13.0),
    ("receipts_exact", 18.0),
    ("deductions_exact", 18.0),
    ("rate_exact", 12.0),
    ("amount_exact", 14.0),
];

fn column_letter(index: u16) -> String {
    let mut index = u32::from(index) + 1;
    let mut letters = Vec::new();
    while index > 0 {
        let remainder = (index - 1) % 26;
        letters.push(char::from(b'A' + remainder as u8));
        index = (index - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn detail_sheet(sheet: &mut Worksheet, statement: &Statement, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Detail")?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_repeat_rows(0, 0)?;
    for (index, (name, width)) in DETAIL_COLUMNS.iter().enumerate() {
        let right = index >= 10;
        sheet.write_string_with_format(0, index as u16, *name, if right { &s.header_right } else { &s.header })?;
        sheet.set_column_width(index as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, line) in statement.earnings.iter().enumerate() {
        let row = 1 + index as u32;
        let texts = [&line.contract, &line.release, &line.track, &line.title, &line.service, &line.territory, &line.usage, &line.tier, &line.sale_month];
        sheet.write_string(row, 0, texts[0])?;
        sheet.write_number(row, 1, f64::from(line.version))?;
        for (offset, value) in texts[1..].iter().enumerate() {
            sheet.write_string(row, 2 + offset as u16, *value)?;
        }
        // Unit counts are whole numbers, exact in a double up to 2^53.
        sheet.write_number_with_format(row, 10, line.units as f64, &s.units)?;
        sheet.write_number_with_format(row, 11, as_double(line.receipts), &s.money)?;
        sheet.write_number_with_format(row, 12, as_double(line.deductions), &s.money)?;
        sheet.write_number_with_format(row, 13, as_double(line.rate), &s.rate)?;
        sheet.write_number_with_format(row, 14, as_double(line.amount), &s.money)?;
        sheet.write_string_with_format(row, 15, exact(line.receipts), &s.exact)?;
        sheet.write_string_with_format(row, 16, exact(line.deductions), &s.exact)?;
        sheet.write_string_with_format(row, 17, exact(line.rate), &s.exact)?;
        sheet.write_string_with_format(row, 18, cents(line.amount), &s.exact)?;
    }
    let last = statement.earnings.len() as u32; // last data row, zero-based
    let total_row = last + 1;
    sheet.write_string_with_format(total_row, 0, "Total", &s.bold)?;
    let sum = |column: u16| {
        let letter = column_letter(column);
        if last == 0 {
            "=0".to_string()
        } else {
            format!("=SUM({letter}2:{letter}{})", last + 1)
        }
    };
    let units: i64 = statement.earnings.iter().map(|l| l.units).sum();
    let receipts: Decimal = statement.earnings.iter().map(|l| l.receipts).sum();
    let deductions: Decimal = statement.earnings.iter().map(|l| l.deductions).sum();
    sheet.write_formula_with_format(total_row, 10, Formula::new(sum(10)).set_result(units.to_string()), &s.units_bold)?;
    sheet.write_formula_with_format(total_row, 11, Formula::new(sum(11)).set_result(exact(receipts)), &s.money_bold)?;
    sheet.write_formula_with_format(total_row, 12, Formula::new(sum(12)).set_result(exact(deductions)), &s.money_bold)?;
    sheet.write_formula_with_format(total_row, 14, Formula::new(sum(14)).set_result(cents(statement.summary.earnings)), &s.money_bold)?;
    sheet.write_string_with_format(total_row, 15, exact(receipts), &s.exact_bold)?;
    sheet.write_string_with_format(total_row, 16, exact(deductions), &s.exact_bold)?;
    sheet.write_string_with_format(total_row, 18, cents(statement.summary.earnings), &s.exact_bold)?;
    if last > 0 {
        sheet.autofilter(0, 0, last, (DETAIL_COLUMNS.len() - 1) as u16)?;
    }
    Ok(())
}

fn charges_sheet(sheet: &mut Worksheet, statement: &Statement, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Charges")?;
    let columns = [
        ("date", 12.0),
        ("contract", 10.0),
        ("kind", 14.0),
        ("description", 36.0),
        ("release", 16.0),
        ("amount", 13.0),
        ("recoupable", 13.0),
        ("charged", 13.0),
        ("amount_exact", 14.0),
        ("recoupable_exact", 16.0),
        ("charged_exact", 14.0),
    ];
    for (index, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, index as u16, *name, if index >= 5 { &s.header_right } else { &s.header })?;
        sheet.set_column_width(index as u16, *width)?;
    }
    for (index, charge) in statement.charges.iter().enumerate() {
        let row = 1 + index as u32;
        for (column, value) in [&charge.date, &charge.contract, &charge.kind, &charge.description, &charge.release].iter().enumerate() {
            sheet.write_string(row, column as u16, *value)?;
        }
        for (offset, value) in [charge.amount, charge.recoupable, charge.charged].iter().enumerate() {
            sheet.write_number_with_format(row, 5 + offset as u16, as_double(*value), &s.money)?;
            sheet.write_string_with_format(row, 8 + offset as u16, cents(*value), &s.exact)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::column_letter(0), "A");
        assert_eq!(super::column_letter(18), "S");
        assert_eq!(super::column_letter(26), "AA");
    }
}
