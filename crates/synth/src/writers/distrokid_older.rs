//! DistroKid's "See Excruciating Detail" bank export, **older layout**: Reporting Date, Sale
//! Month, Store, Artist, Title, ISRC, UPC, Quantity, Team Percentage, Song/Album, Country of
//! Sale, Songwriter Royalties Withheld, Earnings (USD). No Date Inserted, no Source Type, no
//! Recoup (USD); the withholding column has no currency suffix. TAB-separated, CRLF, UTF-8,
//! amounts in USD with many decimals.
//!
//! The label keeps a second DistroKid account (one artist's back catalog) whose export is still
//! this layout; it is downloaded once per quarter, so one file covers up to three sale months.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of Quantity; `net_receipts` = the sum of
//! Earnings (USD) (already net of the songwriter royalties withheld on US downloads).

use anyhow::Result;
use ledgerline_money::{Currency, Decimal};

use super::distrokid::store_name;
use super::{MemorySink, ReportFile, ReportJob, Sink};
use crate::market::{LineProfile, Subject, DISTRIBUTED_SERVICES};
use crate::text::{rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str =
    "older layout; lines = data rows; units = sum of Quantity; net_receipts = sum of Earnings (USD), in USD";

pub const COLUMNS: [&str; 13] = [
    "Reporting Date",
    "Sale Month",
    "Store",
    "Artist",
    "Title",
    "ISRC",
    "UPC",
    "Quantity",
    "Team Percentage",
    "Song/Album",
    "Country of Sale",
    "Songwriter Royalties Withheld",
    "Earnings (USD)",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::USD,
    lines_per_release: 4,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 12;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    // The same source name as the newer layout, so a stream of its own.
    let mut random = job.random("older-layout-lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let reporting_date = job.report_date(1 + random.below(27) as u8)?.to_string();
    // DistroKid withholds 9.1 cents per US download for the songwriters.
    let withheld_per_download = Decimal::from_units(91, 3).unwrap_or(Decimal::ZERO);

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::TSV_CRLF;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let (title, song_or_album) = match line.subject {
            Subject::Release { .. } => (names.release_title, "Album"),
            _ => (names.track_title, "Song"),
        };
        let artist = if names.track_artist.is_empty() { names.release_artist } else { names.track_artist };
        let withheld = if line.service.usage.is_download() && line.territory.alpha2 == "US" {
            withheld_per_download.checked_mul_integer(i128::from(line.quantity)).unwrap_or(Decimal::ZERO)
        } else {
            Decimal::ZERO
        };
        let earnings = rounded(line.gross() - withheld, AMOUNT_DIGITS);
        Row::new(sink.out(), style)
            .text(&reporting_date)
            .text(&line.month.to_string())
            .text(store_name(line))
            .text(artist)
            .text(title)
            .text(names.isrc)
            .text(names.release_upc)
            .integer(line.quantity)
            .text("100")
            .text(song_or_album)
            .text(line.territory.alpha2)
            .decimal(withheld, 3)
            .decimal(earnings, AMOUNT_DIGITS)
            .end();
        totals.add_line(line.quantity, Currency::USD, earnings);
    }
    Ok(vec![ReportFile {
        file_name: format!("DistroKid_{}_older-layout_{}_{}.tsv", job.label.company_code, job.first_month(), job.last_month()),
        bytes: sink.bytes,
        totals,
    }])
}
