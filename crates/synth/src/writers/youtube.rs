//! YouTube Content ID "asset raw" report for music partners: a comma-separated UTF-8 CSV,
//! gzip-compressed (`YouTube_<owner>_M_<start>_<end>_asset_raw_v1-1.csv.gz`), one row per asset,
//! country and day, amounts in USD. Rows with an `Adjustment Type` other than `None` correct an
//! earlier month (their Day lies in that month) and carry no views.
//!
//! Ground truth: `lines` = data rows (adjustments included); `units` = the sum of Owned Views;
//! `net_receipts` = the sum of Partner Revenue, in USD.

use anyhow::Result;
use ledgerline_model::Date;
use ledgerline_money::{allocate, Currency, Decimal, RoundingMode};

use super::{dsp_identifier, MemorySink, ReportFile, ReportJob, Sink};
use crate::market::{LineProfile, Subject, YOUTUBE_CONTENT_ID};
use crate::output::gzip;
use crate::text::{date_compact, rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows of the gunzipped CSV (adjustment rows included); units = sum of Owned Views; net_receipts = sum of Partner Revenue, in USD";

pub const COLUMNS: [&str; 27] = [
    "Adjustment Type",
    "Day",
    "Country",
    "Asset ID",
    "Asset Title",
    "Asset Labels",
    "Asset Channel ID",
    "Asset Type",
    "Custom ID",
    "ISRC",
    "UPC",
    "GRid",
    "Artist",
    "Album",
    "Label",
    "Administer Publish Rights",
    "Owned Views",
    "YouTube Revenue Split : Auction",
    "YouTube Revenue Split : Reserved",
    "YouTube Revenue Split : Partner Sold YouTube Served",
    "YouTube Revenue Split : Partner Sold Partner Served",
    "YouTube Revenue Split",
    "Partner Revenue : Auction",
    "Partner Revenue : Reserved",
    "Partner Revenue : Partner Sold YouTube Served",
    "Partner Revenue : Partner Sold Partner Served",
    "Partner Revenue",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: YOUTUBE_CONTENT_ID,
    currency: Currency::USD,
    lines_per_release: 2,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 6;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let channel_id = format!("UC{}", dsp_identifier(&format!("youtube/channel/{}", job.label.dpid), 22));
    // The partner keeps 55% of what the asset earns; the revenue splits by sales channel.
    let partner_share = Decimal::from_units(55, 2).unwrap_or(Decimal::ONE);
    let channel_weights: Vec<Decimal> =
        [70, 18, 8, 4].iter().map(|percent| Decimal::from_integer(*percent)).collect();

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::CSV;
    super::header_row(sink.out(), style, &COLUMNS);
    let write_row = |sink: &mut MemorySink,
                         totals: &mut ReportTotals,
                         adjustment: &str,
                         day: Date,
                         line: &crate::market::SaleLine,
                         views: i64,
                         total_revenue: Decimal|
     -> Result<()> {
        let names = job.label.names_of(line.subject);
        let partner_revenue = rounded(total_revenue.checked_mul(partner_share, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let youtube_split = allocate(total_revenue, &channel_weights, AMOUNT_DIGITS)?;
        let partner_split = allocate(partner_revenue, &channel_weights, AMOUNT_DIGITS)?;
        let asset_id = format!("A{}", super::stable_number(&format!("youtube/asset/{}", names.isrc), 100_000_000_000_000, 999_999_999_999_999));
        let asset_type = if matches!(line.subject, Subject::Track { track, .. } if track % 4 == 0) { "Sound Recording" } else { "Art Track" };
        let mut row = Row::new(sink.out(), style);
        row.text(adjustment)
            .text(&date_compact(day))
            .text(line.territory.alpha2)
            .text(&asset_id)
            .text(names.track_title)
            .text(&job.label.name)
            .text(&channel_id)
            .text(asset_type)
            .text(names.isrc)
            .text(names.isrc)
            .text(names.release_upc)
            .text("")
            .text(names.track_artist)
            .text(names.release_title)
            .text(&job.label.name)
            .text("No")
            .integer(views);
        for part in &youtube_split {
            row.decimal(*part, AMOUNT_DIGITS);
        }
        row.decimal(total_revenue, AMOUNT_DIGITS);
        for part in &partner_split {
            row.decimal(*part, AMOUNT_DIGITS);
        }
        row.decimal(partner_revenue, AMOUNT_DIGITS).end();
        totals.add_line(views, Currency::USD, partner_revenue);
        Ok(())
    };

    for line in &lines {
        let day = Date::new(line.month.year(), line.month.number(), line.day)?;
        write_row(&mut sink, &mut totals, "None", day, line, line.quantity, rounded(line.gross(), AMOUNT_DIGITS))?;
        // About one asset row in forty gets a correction of an earlier month: a claim released
        // or reinstated after the fact.
        if random.chance(1, 40) {
            let earlier = line.month.add_months(-1).unwrap_or(line.month);
            let day = Date::new(earlier.year(), earlier.number(), line.day.min(earlier.day_count()))?;
            let correction = rounded(line.gross(), AMOUNT_DIGITS);
            let percent = random.range(-60, 20);
            let adjusted = rounded(correction.checked_mul(Decimal::from_integer(percent), RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
            let adjusted = rounded(adjusted.checked_div(Decimal::from_integer(100), RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
            write_row(&mut sink, &mut totals, "Adjustment", day, line, 0, adjusted)?;
        }
    }
    let month = job.first_month();
    Ok(vec![ReportFile {
        file_name: format!(
            "YouTube_{}_M_{}_{}_asset_raw_v1-1.csv.gz",
            job.label.company_code,
            date_compact(month.first_day()),
            date_compact(job.last_month().last_day())
        ),
        bytes: gzip(&sink.bytes)?,
        totals,
    }])
}
