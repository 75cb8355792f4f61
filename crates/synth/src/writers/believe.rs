//! Believe's financial report as a label finds it after opening it in a French Excel and saving
//! it again: `;`-separated, every field quoted, dates `YYYY/MM/DD`, a **decimal comma**, the UPC
//! kept as 13-character text, CRLF line endings, inside a ZIP as Backstage delivers it.
//! Believe reports quarterly here, so one file holds three sale months.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of Quantity; `net_receipts` = the sum of
//! Net Revenue, per Client Payment Currency (always EUR), read with a decimal comma.

use anyhow::Result;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{ReportFile, ReportJob, MemorySink, Sink};
use crate::market::{LineProfile, Subject, Tier, Usage, DISTRIBUTED_SERVICES};
use crate::output::zip_one_entry;
use crate::text::{date_with_slashes, rounded, Quoting, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows of the CSV inside the ZIP; units = sum of Quantity; net_receipts = sum of Net Revenue (decimal comma) per Client Payment Currency";

pub const COLUMNS: [&str; 21] = [
    "Reporting month",
    "Sales Month",
    "Platform",
    "Country / Region",
    "Label Name",
    "Artist Name",
    "Release title",
    "Track title",
    "UPC",
    "ISRC",
    "Release Catalog nb",
    "Streaming Subscription Type",
    "Release type",
    "Sales Type",
    "Quantity",
    "Client Payment Currency",
    "Unit Price",
    "Mechanical Fee",
    "Gross Revenue",
    "Client share rate",
    "Net Revenue",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::EUR,
    lines_per_release: 7,
    include_unmatched: false,
    territories: &[],
};

const STYLE: TextStyle = TextStyle { delimiter: b';', quoting: Quoting::Always, line_ending: "\r\n", decimal_separator: b',' };
const AMOUNT_DIGITS: u32 = 8;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let report_month = job.report_month()?;
    let reporting_month = date_with_slashes(report_month.first_day());
    // Believe keeps 20% of what it collects.
    let client_share = Decimal::from_units(80, 2).unwrap_or(Decimal::ONE);

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    super::header_row(sink.out(), STYLE, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let release_type = match line.subject {
            Subject::Track { release, .. } | Subject::Release { release } => job.label.releases[release].format.name(),
            Subject::Unmatched { .. } => "EP",
        };
        let subscription_type = match line.tier {
            Tier::Premium => "Premium",
            Tier::Free => "Free",
            Tier::None => "",
        };
        let sales_type = match line.service.usage {
            Usage::Stream | Usage::Video => "Streaming",
            Usage::Download | Usage::AlbumDownload => "Download",
            Usage::Social => "Creation",
        };
        let gross = rounded(line.gross(), AMOUNT_DIGITS);
        let net = rounded(gross.checked_mul(client_share, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let territory = ledgerline_model::CountryCode::from_alpha2(line.territory.alpha2)?;
        Row::new(sink.out(), STYLE)
            .text(&reporting_month)
            .text(&date_with_slashes(line.month.first_day()))
            .text(line.service.name)
            .text(territory.english_name())
            .text(&job.label.name)
            .text(names.release_artist)
            .text(names.release_title)
            .text(names.track_title)
            .text(names.release_ean13)
            .text(names.isrc)
            .text(names.catalog_number)
            .text(subscription_type)
            .text(release_type)
            .text(sales_type)
            .integer(line.quantity)
            .text("EUR")
            .decimal(rounded(line.unit_rate(), AMOUNT_DIGITS), AMOUNT_DIGITS)
            .decimal(Decimal::ZERO, 2)
            .decimal(gross, AMOUNT_DIGITS)
            .decimal(client_share, 2)
            .decimal(net, AMOUNT_DIGITS)
            .end();
        totals.add_line(line.quantity, Currency::EUR, net);
    }
    let stem = format!("Believe_{}_{}-{}", job.label.company_code, job.first_month(), job.last_month());
    let archive = zip_one_entry(&format!("{stem}.csv"), &sink.bytes, job.report_date(10)?)?;
    Ok(vec![ReportFile { file_name: format!("{stem}.zip"), bytes: archive, totals }])
}
