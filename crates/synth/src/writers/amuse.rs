//! Amuse's "Financial Statements" export: an XLSX workbook with one sheet, columns Transaction
//! date, Type, Source, Royalty Date, Service, UPC, ISRC, Artist, Release, Track, Quantity,
//! Amount, Split, Total. Dates and numbers are stored as numbers, as Amuse does (dates as Excel
//! serial days with a date format); identifiers and names are text. Credit rows carry royalties;
//! the statement also lists the artist's withdrawals as Debit rows, which are not sales. Amount
//! is the value before splits, Split the percentage kept, Total the value after splits. No
//! territory is given (Amuse reports worldwide totals per day and service).
//!
//! **Exactness.** An XLSX number is a binary double written as text. Every amount written here
//! has at most 13 significant digits, so the double's shortest representation (which
//! rust_xlsxwriter writes into the sheet XML) is the decimal itself; the writer checks that for
//! each value and adds up the decimal text that ends up in the sheet.
//!
//! Ground truth: `lines` = Credit rows; `units` = the sum of Quantity; `net_receipts` = the sum
//! of Total, in USD.

use anyhow::{bail, Context, Result};
use ledgerline_money::{Currency, Decimal, RoundingMode};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::{ReportFile, ReportJob};
use crate::market::{LineProfile, Subject, Usage, DISTRIBUTED_SERVICES};
use crate::text::rounded;
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = Credit rows; units = sum of Quantity; net_receipts = sum of Total (after splits), in USD";

pub const COLUMNS: [&str; 14] = [
    "Transaction date",
    "Type",
    "Source",
    "Royalty Date",
    "Service",
    "UPC",
    "ISRC",
    "Artist",
    "Release",
    "Track",
    "Quantity",
    "Amount",
    "Split",
    "Total",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::USD,
    lines_per_release: 2,
    include_unmatched: false,
    territories: &[],
};

/// Digits of Amount and Total.
const AMOUNT_DIGITS: u32 = 9;

/// The one conversion to binary floating point, for the XLSX number cell; refused unless the
/// double's shortest text (what the sheet XML holds) is exactly `value`. Returns the double and
/// the decimal read back from that text.
fn exact_double(value: Decimal) -> Result<(f64, Decimal)> {
    let double: f64 = value.to_string().parse().with_context(|| format!("{value} as a number cell"))?;
    let written = Decimal::parse(&double.to_string()).with_context(|| format!("{double} read back"))?;
    if written != value {
        bail!("{value} is not exactly representable in an XLSX number cell (it would read back as {written})");
    }
    Ok((double, written))
}

fn excel_date(date: ledgerline_model::Date) -> Result<ExcelDateTime> {
    let year = u16::try_from(date.year()).context("a year before 0")?;
    Ok(ExcelDateTime::from_ymd(year, date.month_number(), date.day())?)
}

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let report_month = job.report_month()?;
    let transaction_date = job.report_date(1 + random.below(10) as u8)?;
    let withdrawal_date = job.report_date(15 + random.below(10) as u8)?;

    let mut workbook = Workbook::new();
    // No clock: the creation date is the statement's own date, so the same seed gives the same bytes.
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&excel_date(transaction_date)?));
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Statement")?;
    for (column, name) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, column as u16, *name)?;
    }
    let mut totals = ReportTotals::default();
    let mut row: u32 = 1;
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let artist = if names.track_artist.is_empty() { names.release_artist } else { names.track_artist };
        let track = match line.subject {
            Subject::Release { .. } => "",
            _ => names.track_title,
        };
        let source = match line.service.usage {
            Usage::Download | Usage::AlbumDownload => "Download",
            Usage::Social => "Social media",
            Usage::Stream => "Streaming",
            Usage::Video => "Video",
        };
        // A release with a featured artist's split keeps half; the others keep everything.
        let split: i64 = if super::stable_number(&format!("amuse/split/{}", names.release_upc), 0, 3) == 0 { 50 } else { 100 };
        let amount = rounded(line.gross(), AMOUNT_DIGITS);
        let total = rounded(
            amount.checked_mul(Decimal::from_units(i128::from(split), 2).context("split")?, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO),
            AMOUNT_DIGITS,
        );
        let (amount_double, _) = exact_double(amount)?;
        let (total_double, total_written) = exact_double(total)?;
        let royalty_date = ledgerline_model::Date::new(line.month.year(), line.month.number(), line.day.min(line.month.day_count()))?;

        sheet.write_datetime_with_format(row, 0, excel_date(transaction_date)?, &date_format)?;
        sheet.write_string(row, 1, "Credit")?;
        sheet.write_string(row, 2, source)?;
        sheet.write_datetime_with_format(row, 3, excel_date(royalty_date)?, &date_format)?;
        sheet.write_string(row, 4, line.service.name)?;
        sheet.write_string(row, 5, names.release_upc)?;
        sheet.write_string(row, 6, names.isrc)?;
        sheet.write_string(row, 7, artist)?;
        sheet.write_string(row, 8, names.release_title)?;
        sheet.write_string(row, 9, track)?;
        sheet.write_number(row, 10, line.quantity as f64)?;
        sheet.write_number(row, 11, amount_double)?;
        sheet.write_number(row, 12, split as f64)?;
        sheet.write_number(row, 13, total_double)?;
        totals.add_line(line.quantity, Currency::USD, total_written);
        row += 1;
    }
    // The artist's withdrawal of the previous balance: a Debit row, not a sale.
    let withdrawal = Decimal::from_units(i128::from(random.range(2_000, 90_000)), 2).context("withdrawal")?;
    let (withdrawal_double, _) = exact_double(-withdrawal)?;
    sheet.write_datetime_with_format(row, 0, excel_date(withdrawal_date)?, &date_format)?;
    sheet.write_string(row, 1, "Debit")?;
    sheet.write_string(row, 2, "Withdrawal")?;
    sheet.write_number(row, 13, withdrawal_double)?;

    let bytes = workbook.save_to_buffer()?;
    Ok(vec![ReportFile { file_name: format!("amuse_statement_{}_{}.xlsx", job.label.company_code, report_month), bytes, totals }])
}
