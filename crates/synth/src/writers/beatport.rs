//! Beatport's label statement export (Baseware): comma-separated UTF-8 with UPPER_SNAKE_CASE
//! headers, territories as ISO **alpha-3**, one row per track or release sale in a format (MP3,
//! WAV, AIFF) or per stream count on Beatport Streaming. Lossless formats carry an upcharge in
//! `GROSS_WAV_REVENUE` / `NET_WAV_REVENUE` on top of the content revenue. Refunds have
//! `PURCHASE_STATUS` `Refunded` and negative counts and amounts. Amounts are in US dollars.
//!
//! The label delivers one artist's releases to Beatport directly (a Beatport label account);
//! Beatport statements are quarterly.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of TRACK_COUNT; `net_receipts` = the sum
//! of NET_CONTENT_REVENUE and NET_WAV_REVENUE, in USD (nothing is withheld: the withholding
//! columns are 0 for this label).

use anyhow::Result;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{MemorySink, ReportFile, ReportJob, Sink};
use crate::market::{LineProfile, Service, Subject, Tier, Usage};
use crate::text::{rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str =
    "lines = data rows; units = sum of TRACK_COUNT; net_receipts = sum of NET_CONTENT_REVENUE + NET_WAV_REVENUE, in USD";

pub const COLUMNS: [&str; 25] = [
    "PRODUCT_UPC",
    "PRODUCT_CATALOGUE_NUMBER",
    "TRACK_ISRC_CODE",
    "LABEL",
    "RELEASE",
    "TRACK_TITLE",
    "TRACK_ARTIST",
    "REMIXER_NAME",
    "REMIX",
    "TERRITORY",
    "PURCHASE_STATUS",
    "FORMAT",
    "DELIVERY",
    "TRANSACTION_DATE",
    "CONTENT_TYPE",
    "TRACK_COUNT",
    "GROSS_CONTENT_REVENUE",
    "GROSS_WAV_REVENUE",
    "PAID_PRICE",
    "NET_CONTENT_REVENUE",
    "NET_WAV_REVENUE",
    "MECHANICAL_WITHHOLDING",
    "US_TAX_WITHHOLDING",
    "WITHHELD_AMOUNT",
    "US_TAX_WITHHOLDING_PERCENT",
];

const NO_TIER: &[Tier] = &[Tier::None];

/// What Beatport sells: track and release downloads, and Beatport Streaming.
const BEATPORT_SERVICES: &[Service] = &[
    Service { name: "Beatport", usage: Usage::Download, tiers: NO_TIER, rate_micro_eur: 1_290_000, weight: 6 },
    Service { name: "Beatport", usage: Usage::AlbumDownload, tiers: NO_TIER, rate_micro_eur: 5_990_000, weight: 1 },
    Service { name: "Beatport Streaming", usage: Usage::Stream, tiers: &[Tier::Premium], rate_micro_eur: 8_100, weight: 2 },
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: BEATPORT_SERVICES,
    currency: Currency::USD,
    lines_per_release: 5,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 6;

/// The label's share of Beatport's revenue, in percent.
const LABEL_SHARE_PERCENT: i128 = 70;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let share = Decimal::from_units(LABEL_SHARE_PERCENT, 2).unwrap_or(Decimal::ONE);
    let zero = Decimal::ZERO;

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::CSV;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let territory = ledgerline_model::CountryCode::from_alpha2(line.territory.alpha2)?;
        let is_stream = line.service.usage == Usage::Stream;
        // A third of the downloads are lossless, at an upcharge of a quarter of the price.
        let format = if is_stream {
            "AAC"
        } else {
            *random.pick(&["MP3", "MP3", "WAV", "AIFF"]).unwrap_or(&"MP3")
        };
        let gross_content = rounded(line.gross(), AMOUNT_DIGITS);
        let gross_wav = if format == "WAV" || format == "AIFF" {
            rounded(gross_content.checked_mul(Decimal::from_units(25, 2).unwrap_or(zero), RoundingMode::HalfEven).unwrap_or(zero), AMOUNT_DIGITS)
        } else {
            zero
        };
        let net_of = |gross: Decimal| rounded(gross.checked_mul(share, RoundingMode::HalfEven).unwrap_or(zero), AMOUNT_DIGITS);
        let (net_content, net_wav) = (net_of(gross_content), net_of(gross_wav));
        let (content_type, track_title, track_artist, isrc) = match line.subject {
            Subject::Release { .. } => ("Release", "", names.release_artist, ""),
            _ => ("Track", names.track_title, names.track_artist, names.isrc),
        };
        let remix = if names.track_version.is_empty() { "Original Mix" } else { names.track_version };
        let transaction_date = format!(
            "{} {:02}:{:02}:{:02}",
            ledgerline_model::Date::new(line.month.year(), line.month.number(), line.day)?,
            random.below(24),
            random.below(60),
            random.below(60)
        );
        Row::new(sink.out(), style)
            .text(names.release_upc)
            .text(names.catalog_number)
            .text(isrc)
            .text(&job.label.name)
            .text(names.release_title)
            .text(track_title)
            .text(track_artist)
            .text("")
            .text(if matches!(line.subject, Subject::Release { .. }) { "" } else { remix })
            .text(territory.alpha3())
            .text(if line.quantity < 0 { "Refunded" } else { "Purchased" })
            .text(format)
            .text(if is_stream { "Streaming" } else { "Download" })
            .text(&transaction_date)
            .text(content_type)
            .integer(line.quantity)
            .decimal(gross_content, AMOUNT_DIGITS)
            .decimal(gross_wav, AMOUNT_DIGITS)
            .decimal(gross_content + gross_wav, AMOUNT_DIGITS)
            .decimal(net_content, AMOUNT_DIGITS)
            .decimal(net_wav, AMOUNT_DIGITS)
            .decimal(zero, 2)
            .decimal(zero, 2)
            .decimal(zero, 2)
            .text("0")
            .end();
        totals.add_line(line.quantity, Currency::USD, net_content + net_wav);
    }
    Ok(vec![ReportFile {
        file_name: format!("Beatport_Statement_{}_{}_{}.csv", job.label.company_code, job.first_month(), job.last_month()),
        bytes: sink.bytes,
        totals,
    }])
}
