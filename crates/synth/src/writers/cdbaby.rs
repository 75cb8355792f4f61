//! CD Baby's accounting export: TAB-separated text in a `.txt`, CRLF line endings, the barcode
//! wrapped in literal double quotes (`"880000000001"`), dates like `10/15/2026 12:00:00 AM`,
//! USD implied by nothing but the account.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of Quantity; `net_receipts` = the sum of
//! Subtotal, in USD.

use anyhow::Result;
use ledgerline_model::Date;
use ledgerline_money::Currency;

use super::{ReportFile, ReportJob, MemorySink, Sink};
use crate::market::{LineProfile, Subject, Usage, DISTRIBUTED_SERVICES};
use crate::text::{date_us_midnight, rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows; units = sum of Quantity; net_receipts = sum of Subtotal, in USD (implied)";

pub const COLUMNS: [&str; 14] = [
    "Report Date",
    "Sales Date",
    "Quantity",
    "Price",
    "Subtotal",
    "Isrc",
    "Barcode",
    "CDBabySku",
    "Album Name",
    "Artist Name",
    "Track Name",
    "Partner Name",
    "Transaction Type",
    "Delivery Country",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::USD,
    lines_per_release: 6,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 6;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let report_date = date_us_midnight(job.report_date(15)?);

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::TSV_CRLF;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let subtotal = rounded(line.gross(), AMOUNT_DIGITS);
        let sku = match line.subject {
            Subject::Track { release, .. } | Subject::Release { release } => 2_900_000 + release as i64 * 3,
            Subject::Unmatched { .. } => 2_899_999,
        };
        let transaction_type = match line.service.usage {
            Usage::Download => "Digital Track Sale",
            Usage::AlbumDownload => "Digital Album Sale",
            Usage::Social => "Social Media Sync",
            Usage::Stream | Usage::Video => "Streaming",
        };
        let sales_date = date_us_midnight(Date::new(line.month.year(), line.month.number(), line.day)?);
        let barcode = format!("\"{}\"", names.release_upc);
        Row::new(sink.out(), style)
            .text(&report_date)
            .text(&sales_date)
            .integer(line.quantity)
            .decimal(rounded(line.unit_rate(), AMOUNT_DIGITS), AMOUNT_DIGITS)
            .decimal(subtotal, AMOUNT_DIGITS)
            .text(names.isrc)
            .raw(barcode.as_bytes())
            .integer(sku)
            .text(names.release_title)
            .text(names.release_artist)
            .text(names.track_title)
            .text(line.service.name)
            .text(transaction_type)
            .text(line.territory.alpha2)
            .end();
        totals.add_line(line.quantity, Currency::USD, subtotal);
    }
    Ok(vec![ReportFile {
        file_name: format!("CDBaby_Accounting_{}_{}.txt", job.label.company_code, job.report_month()?),
        bytes: sink.bytes,
        totals,
    }])
}
