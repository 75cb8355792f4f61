//! Symphonic's "Earnings Detail" CSV: territories as ISO **alpha-3**, `Reporting Period` like
//! `JUN-26`, `Activity Period` like `June 2026`, amounts in `Royalty ($US)`. Voids carry a
//! negative count; partners that give no count (TikTok here) are written with a count of 1.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of Count as written (so a TikTok line
//! counts 1); `net_receipts` = the sum of Royalty ($US), in USD.

use anyhow::Result;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{ReportFile, ReportJob, MemorySink, Sink};
use crate::market::{LineProfile, Subject, Usage, DISTRIBUTED_SERVICES};
use crate::text::{month_abbreviation_upper_with_year, month_name_with_year, rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows; units = sum of Count as written (partners without counts give 1 or -1); net_receipts = sum of Royalty ($US), in USD";

pub const COLUMNS: [&str; 19] = [
    "Reporting Period",
    "Label",
    "Release Name",
    "Release Version",
    "Release Artists",
    "UPC Code",
    "Catalogue",
    "Track Title",
    "Mix Version",
    "ISRC Code",
    "Track Artists",
    "Digital Service Provider",
    "Activity Period",
    "Territory",
    "Delivery",
    "Content Type",
    "Sale or Void",
    "Count",
    "Royalty ($US)",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::USD,
    lines_per_release: 6,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 8;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let reporting_period = month_abbreviation_upper_with_year(job.report_month()?);
    // Symphonic keeps 15%.
    let label_share = Decimal::from_units(85, 2).unwrap_or(Decimal::ONE);

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::CSV;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let territory = ledgerline_model::CountryCode::from_alpha2(line.territory.alpha2)?;
        let royalty = rounded(line.gross().checked_mul(label_share, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let count = if line.service.usage == Usage::Social { line.quantity.signum() } else { line.quantity };
        let (delivery, content_type) = match (line.service.usage, line.subject) {
            (_, Subject::Release { .. }) => ("Download", "Album"),
            (Usage::Download, _) => ("Download", "Track"),
            _ => ("Streaming", "Track"),
        };
        Row::new(sink.out(), style)
            .text(&reporting_period)
            .text(&job.label.name)
            .text(names.release_title)
            .text("")
            .text(names.release_artist)
            .text(names.release_upc)
            .text(names.catalog_number)
            .text(names.track_title)
            .text(names.track_version)
            .text(names.isrc)
            .text(names.track_artist)
            .text(line.service.name)
            .text(&month_name_with_year(line.month))
            .text(territory.alpha3())
            .text(delivery)
            .text(content_type)
            .text(if line.quantity < 0 { "Void" } else { "Sale" })
            .integer(count)
            .decimal(royalty, AMOUNT_DIGITS)
            .end();
        totals.add_line(count, Currency::USD, royalty);
    }
    Ok(vec![ReportFile {
        file_name: format!("Symphonic_Earnings_Detail_{}_{}.csv", job.label.company_code, reporting_period),
        bytes: sink.bytes,
        totals,
    }])
}
