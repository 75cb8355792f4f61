//! DistroKid's "See Excruciating Detail" bank export, newer layout (with Date Inserted, Source
//! Type and Recoup (USD)): TAB-separated, CRLF line endings, UTF-8, amounts in USD with many
//! decimals, as DistroKid prints them.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of Quantity; `net_receipts` = the sum of
//! Earnings (USD) (already net of the songwriter royalties DistroKid withholds on US downloads;
//! Recoup (USD) is 0 because the label has no DistroKid splits to recoup).

use anyhow::Result;
use ledgerline_money::{Currency, Decimal};

use super::{ReportFile, ReportJob, MemorySink, Sink};
use crate::market::{LineProfile, SaleLine, Subject, Tier, Usage, DISTRIBUTED_SERVICES};
use crate::text::{rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows; units = sum of Quantity; net_receipts = sum of Earnings (USD), in USD";

pub const COLUMNS: [&str; 15] = [
    "Date Inserted",
    "Reporting Date",
    "Sale Month",
    "Store",
    "Artist",
    "Title",
    "ISRC",
    "UPC",
    "Quantity",
    "Team Percentage",
    "Source Type",
    "Country of Sale",
    "Songwriter Royalties Withheld (USD)",
    "Earnings (USD)",
    "Recoup (USD)",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::USD,
    lines_per_release: 6,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 12;

/// The store as DistroKid names it; both of DistroKid's layouts use these names.
pub(super) fn store_name(line: &SaleLine) -> &'static str {
    match (line.service.name, line.service.usage, line.tier) {
        ("Amazon Music", Usage::Download, _) => "Amazon",
        ("Amazon Music", _, Tier::Free) => "Amazon Prime",
        ("Amazon Music", _, _) => "Amazon Unlimited",
        ("YouTube Music", _, Tier::Free) => "YouTube (Ads)",
        ("YouTube Music", _, _) => "YouTube (Red)",
        ("TIDAL", _, _) => "Tidal",
        (name, _, _) => name,
    }
}

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let report_month = job.report_month()?;
    let date_inserted = job.report_date(2 + random.below(20) as u8)?.to_string();
    let reporting_date = report_month.first_day().to_string();
    // DistroKid withholds 9.1 cents per US download for the songwriters.
    let withheld_per_download = Decimal::from_units(91, 3).unwrap_or(Decimal::ZERO);

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::TSV_CRLF;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let title = match line.subject {
            Subject::Release { .. } => names.release_title,
            _ => names.track_title,
        };
        let artist = if names.track_artist.is_empty() { names.release_artist } else { names.track_artist };
        let withheld = if line.service.usage.is_download() && line.territory.alpha2 == "US" {
            withheld_per_download.checked_mul_integer(i128::from(line.quantity)).unwrap_or(Decimal::ZERO)
        } else {
            Decimal::ZERO
        };
        let earnings = rounded(line.gross() - withheld, AMOUNT_DIGITS);
        let source_type = match line.service.usage {
            Usage::Download | Usage::AlbumDownload => "Download",
            Usage::Social => "Social",
            Usage::Stream | Usage::Video => "Streaming",
        };
        Row::new(sink.out(), style)
            .text(&date_inserted)
            .text(&reporting_date)
            .text(&line.month.to_string())
            .text(store_name(line))
            .text(artist)
            .text(title)
            .text(names.isrc)
            .text(names.release_upc)
            .integer(line.quantity)
            .text("100")
            .text(source_type)
            .text(line.territory.alpha2)
            .decimal(withheld, 3)
            .decimal(earnings, AMOUNT_DIGITS)
            .text("0")
            .end();
        totals.add_line(line.quantity, Currency::USD, earnings);
    }
    Ok(vec![ReportFile {
        file_name: format!("DistroKid_{}_{}.tsv", job.label.company_code, report_month),
        bytes: sink.bytes,
        totals,
    }])
}
