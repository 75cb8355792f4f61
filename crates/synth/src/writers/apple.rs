//! Apple's financial report for iTunes downloads (the Sales layout): TAB-delimited text,
//! gzip-compressed (`.txt.gz`), one file per region and currency (EU in EUR, GB in GBP, rest of
//! world in USD), returns marked `R` with a negative quantity.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of Quantity; `net_receipts` = the sum of
//! Extended Partner Share, per Partner Share Currency.

use anyhow::Result;
use ledgerline_money::{Currency, Decimal};

use super::{ReportFile, ReportJob, MemorySink, Sink};
use crate::market::{LineProfile, Subject, ITUNES};
use crate::output::gzip;
use crate::text::{date_us_padded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows of the gunzipped text; units = sum of Quantity; net_receipts = sum of Extended Partner Share per Partner Share Currency";

pub const COLUMNS: [&str; 22] = [
    "Start Date",
    "End Date",
    "UPC",
    "ISRC/ISBN",
    "Vendor Identifier",
    "Quantity",
    "Partner Share",
    "Extended Partner Share",
    "Partner Share Currency",
    "Sales or Return",
    "Apple Identifier",
    "Artist/Show/Developer/Author",
    "Title",
    "Label/Studio/Network/Developer/Publisher",
    "Grid",
    "Product Type Identifier",
    "ISAN/Other Identifier",
    "Country Of Sale",
    "Pre-order Flag",
    "Promo Code",
    "Customer Price",
    "Customer Currency",
];

const EURO_TERRITORIES: &[&str] = &["DE", "FR", "NL", "SE", "BE", "ES", "IT", "PL", "NO", "DK", "CH", "IE"];
const WORLD_TERRITORIES: &[&str] = &["US", "JP", "BR", "MX", "CA", "AU", "IN"];

/// Apple's regions: report code, currency, territories.
const REGIONS: [(&str, Currency, &[&str]); 3] =
    [("EU", Currency::EUR, EURO_TERRITORIES), ("GB", Currency::GBP, &["GB"]), ("WW", Currency::USD, WORLD_TERRITORIES)];

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let vendor_number = super::stable_number(&format!("apple/vendor/{}", job.label.dpid), 80_000_000, 89_999_999);
    let report_month = job.report_month()?;
    let mut files = Vec::new();
    for (region, currency, territories) in REGIONS {
        let profile = LineProfile { services: ITUNES, currency, lines_per_release: 1, include_unmatched: false, territories };
        let mut random = job.random(region);
        let lines = job.lines(&profile, &mut random);
        let mut sink = MemorySink::default();
        let mut totals = ReportTotals::default();
        let style = TextStyle::TSV;
        super::header_row(sink.out(), style, &COLUMNS);
        for line in &lines {
            let names = job.label.names_of(line.subject);
            // Apple pays a fixed share per price tier; the market rate is exactly that share.
            let partner_share = crate::text::rounded(line.unit_rate(), 2);
            let extended = partner_share.checked_mul_integer(i128::from(line.quantity)).unwrap_or(Decimal::ZERO);
            let is_album = matches!(line.subject, Subject::Release { .. });
            let (vendor_identifier, title, product_type) = if is_album {
                (names.catalog_number.to_string(), names.release_title, "A")
            } else {
                (format!("{}_{}", names.catalog_number, &names.isrc[names.isrc.len().saturating_sub(5)..]), names.track_title, "S")
            };
            // The store's price points per currency.
            let customer_price_cents = match (currency == Currency::GBP, is_album) {
                (true, true) => 799,
                (true, false) => 99,
                (false, true) => 999,
                (false, false) => 129,
            };
            let customer_price = Decimal::from_units(customer_price_cents, 2).unwrap_or(Decimal::ZERO);
            let apple_identifier = super::stable_number(&format!("apple/item/{vendor_identifier}"), 1_000_000_000, 1_799_999_999);
            let artist = if names.track_artist.is_empty() { names.release_artist } else { names.track_artist };
            Row::new(sink.out(), style)
                .text(&date_us_padded(line.month.first_day()))
                .text(&date_us_padded(line.month.last_day()))
                .text(names.release_upc)
                .text(names.isrc)
                .text(&vendor_identifier)
                .integer(line.quantity)
                .decimal(partner_share, 2)
                .decimal(extended, 2)
                .text(currency.code())
                .text(if line.quantity < 0 { "R" } else { "S" })
                .integer(apple_identifier)
                .text(artist)
                .text(title)
                .text(&job.label.name)
                .text("")
                .text(product_type)
                .text("")
                .text(line.territory.alpha2)
                .text("")
                .text("")
                .decimal(customer_price, 2)
                .text(currency.code())
                .end();
            totals.add_line(line.quantity, currency, extended);
        }
        files.push(ReportFile {
            file_name: format!(
                "{vendor_number}_{:02}{:02}_{region}.txt.gz",
                report_month.number(),
                report_month.year().rem_euclid(100)
            ),
            bytes: gzip(&sink.bytes)?,
            totals,
        });
    }
    Ok(files)
}
