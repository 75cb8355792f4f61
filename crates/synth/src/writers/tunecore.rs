//! TuneCore's sales report CSV: comma-separated UTF-8, 21 columns from Sales Period to Currency.
//! Quirks as TuneCore writes them:
//!
//! - `Sales Period` is the first day of the sale month (`2026-01-01`) and means the whole month;
//!   `Posted Date` is the day TuneCore posted the sales to the account;
//! - `UPC` is the release's barcode and `Optional UPC` is empty; `TC Song ID` is TuneCore's own
//!   numeric song id and the track's ISRC is in `Optional ISRC` (empty on album rows, whose
//!   `Song Title` is empty too);
//! - `Net Sales` is in the store's currency (`Net Sales Currency`, EUR or GBP in those
//!   territories, with the `Exchange Rate` to dollars), `Total Earned` is in the account
//!   currency (`Currency`, USD); the exchange rate is empty when the store paid in dollars;
//! - returns have a negative `# Units Sold` and negative amounts.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of `# Units Sold`; `net_receipts` = the
//! sum of `Total Earned`, in USD (TuneCore passes on 100% of what the stores pay).

use anyhow::Result;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{MemorySink, ReportFile, ReportJob, Sink};
use crate::market::{LineProfile, SaleLine, Subject, Tier, Usage, DISTRIBUTED_SERVICES};
use crate::text::{rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows; units = sum of # Units Sold; net_receipts = sum of Total Earned, in USD";

pub const COLUMNS: [&str; 21] = [
    "Sales Period",
    "Posted Date",
    "Store Name",
    "Country Of Sale",
    "Artist",
    "Release Type",
    "Release Title",
    "Song Title",
    "Label",
    "UPC",
    "Optional UPC",
    "TC Song ID",
    "Optional ISRC",
    "Sales Type",
    "# Units Sold",
    "Per Unit Price",
    "Net Sales",
    "Net Sales Currency",
    "Exchange Rate",
    "Total Earned",
    "Currency",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::USD,
    lines_per_release: 4,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 8;

fn store_name(line: &SaleLine) -> &'static str {
    match (line.service.name, line.service.usage, line.tier) {
        ("Amazon Music", Usage::Download, _) => "Amazon MP3",
        ("Amazon Music", _, Tier::Free) => "Amazon Prime",
        ("Amazon Music", _, _) => "Amazon Unlimited",
        ("YouTube Music", _, _) => "YouTube Music",
        ("TIDAL", _, _) => "Tidal",
        (name, _, _) => name,
    }
}

fn sales_type(usage: Usage) -> &'static str {
    match usage {
        Usage::Download | Usage::AlbumDownload => "Download",
        Usage::Social => "Social Media",
        Usage::Stream | Usage::Video => "Streaming",
    }
}

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let posted_date = job.report_date(3 + random.below(20) as u8)?.to_string();

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::CSV;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let rates = job.fx.rates(line.month);
        // The store's currency per dollar, and dollars per unit of the store's currency.
        let (store_currency, per_dollar_micro, dollars_per_unit_micro) = match line.territory.currency {
            Currency::EUR => (Currency::EUR, rates.eur_per_usd_micro, rates.usd_per_eur_micro()),
            Currency::GBP => (
                Currency::GBP,
                rates.eur_per_usd_micro * rates.gbp_per_eur_micro() / 1_000_000,
                rates.usd_per_eur_micro() * rates.eur_per_gbp_micro / 1_000_000,
            ),
            _ => (Currency::USD, 1_000_000, 1_000_000),
        };
        let to_store_currency = |value: Decimal| {
            rounded(
                value
                    .checked_mul(Decimal::from_units(i128::from(per_dollar_micro), 6).unwrap_or(Decimal::ONE), RoundingMode::HalfEven)
                    .unwrap_or(Decimal::ZERO),
                AMOUNT_DIGITS,
            )
        };
        let total_earned = rounded(line.gross(), AMOUNT_DIGITS);
        let net_sales = to_store_currency(line.gross());
        let per_unit_price = to_store_currency(line.unit_rate());
        let (release_type, song_title, tc_song_id) = match line.subject {
            Subject::Release { .. } => ("Album", "", String::new()),
            Subject::Track { release, .. } => {
                let release_type = if job.label.releases[release].tracks.len() > 1 { "Album" } else { "Single" };
                (release_type, names.track_title, super::stable_number(&format!("tunecore/{}", names.isrc), 1_000_000, 9_999_999).to_string())
            }
            Subject::Unmatched { .. } => ("Single", names.track_title, String::new()),
        };
        let artist = if names.track_artist.is_empty() { names.release_artist } else { names.track_artist };
        let mut row = Row::new(sink.out(), style);
        row.text(&line.month.first_day().to_string())
            .text(&posted_date)
            .text(store_name(line))
            .text(line.territory.alpha2)
            .text(artist)
            .text(release_type)
            .text(names.release_title)
            .text(song_title)
            .text(&job.label.name)
            .text(names.release_upc)
            .text("")
            .text(&tc_song_id)
            .text(names.isrc)
            .text(sales_type(line.service.usage))
            .integer(line.quantity)
            .decimal(per_unit_price, AMOUNT_DIGITS)
            .decimal(net_sales, AMOUNT_DIGITS)
            .text(store_currency.code());
        if store_currency == Currency::USD {
            row.text("");
        } else {
            row.decimal(Decimal::from_units(i128::from(dollars_per_unit_micro), 6).unwrap_or(Decimal::ONE), 6);
        }
        row.decimal(total_earned, AMOUNT_DIGITS).text("USD").end();
        totals.add_line(line.quantity, Currency::USD, total_earned);
    }
    Ok(vec![ReportFile {
        file_name: format!("TuneCore_Sales_{}_{}_{}.csv", job.label.company_code, job.first_month(), job.last_month()),
        bytes: sink.bytes,
        totals,
    }])
}
