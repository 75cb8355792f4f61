//! The Orchard's modern statement CSV: UPPER-CASE headers, comma-separated UTF-8 **with a
//! byte-order mark**, US number format, account currency EUR, one file per quarter.
//!
//! Ground truth: `lines` = data rows; `units` = the sum of QUANTITY; `net_receipts` = the sum of
//! NET SHARE ACCOUNT CURRENCY, per ACCOUNT CURRENCY (EUR).

use anyhow::Result;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{ReportFile, ReportJob, MemorySink, Sink};
use crate::market::{LineProfile, Subject, Tier, Usage, DISTRIBUTED_SERVICES};
use crate::output::utf8_with_bom;
use crate::text::{rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows (after the UTF-8 byte-order mark and the header); units = sum of QUANTITY; net_receipts = sum of NET SHARE ACCOUNT CURRENCY per ACCOUNT CURRENCY";

pub const COLUMNS: [&str; 30] = [
    "STATEMENT PERIOD",
    "ORIGINAL STATEMENT PERIOD",
    "ACCOUNT ID",
    "CONTRACT ID",
    "TRANSACTION DATE",
    "SALE COUNTRY",
    "STORE",
    "SERVICE DETAIL",
    "LABEL IMPRINT",
    "PRODUCT ARTIST",
    "PRODUCT",
    "PRODUCT VERSION",
    "PRODUCT CODE",
    "DISPLAY UPC",
    "TRACK ARTIST",
    "TRACK",
    "TRACK VERSION",
    "ISRC",
    "YOUTUBE VIDEO ID",
    "TRANSACTION TYPE",
    "TRANSACTION SUBTYPE",
    "QUANTITY",
    "SALE CURRENCY",
    "UNIT PRICE SALE CURRENCY",
    "GROSS REVENUE SALE CURRENCY",
    "CURRENCY CONVERSION RATE",
    "ACCOUNT CURRENCY",
    "GROSS REVENUE ACCOUNT CURRENCY",
    "MECHANICAL DEDUCTION",
    "NET SHARE ACCOUNT CURRENCY",
];

const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::EUR,
    lines_per_release: 7,
    include_unmatched: false,
    territories: &[],
};

const AMOUNT_DIGITS: u32 = 8;

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let statement_period = job.report_month()?.to_string();
    let account_id = 31_000 + random.below(9_000) as i64;
    let contract_id = format!("AGR{:06}", random.below(1_000_000));
    // The Orchard keeps 20%; US downloads also carry a mechanical deduction.
    let net_share = Decimal::from_units(80, 2).unwrap_or(Decimal::ONE);
    let mechanical_per_download = Decimal::from_units(84, 3).unwrap_or(Decimal::ZERO);

    let mut sink = MemorySink::default();
    let mut totals = ReportTotals::default();
    let style = TextStyle::CSV;
    super::header_row(sink.out(), style, &COLUMNS);
    for line in &lines {
        let names = job.label.names_of(line.subject);
        let rates = job.fx.rates(line.month);
        let (sale_per_account_micro, account_per_sale_micro) = if line.territory.currency == Currency::USD {
            (rates.usd_per_eur_micro(), rates.eur_per_usd_micro)
        } else if line.territory.currency == Currency::GBP {
            (rates.gbp_per_eur_micro(), rates.eur_per_gbp_micro)
        } else {
            (1_000_000, 1_000_000)
        };
        let sale_per_account = Decimal::from_units(i128::from(sale_per_account_micro), 6).unwrap_or(Decimal::ONE);
        let gross_account = rounded(line.gross(), AMOUNT_DIGITS);
        let gross_sale = rounded(gross_account.checked_mul(sale_per_account, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let unit_price_sale = rounded(line.unit_rate().checked_mul(sale_per_account, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let mechanical = if line.service.usage.is_download() && line.territory.alpha2 == "US" {
            mechanical_per_download.checked_mul_integer(i128::from(line.quantity)).unwrap_or(Decimal::ZERO)
        } else {
            Decimal::ZERO
        };
        let net = rounded((gross_account - mechanical).checked_mul(net_share, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let (transaction_type, subtype) = match (line.service.usage, line.tier) {
            (Usage::Download, _) => ("Download", "Track"),
            (Usage::AlbumDownload, _) => ("Download", "Album"),
            (Usage::Social, _) => ("Stream", "UGC"),
            (_, Tier::Free) => ("Stream", "Ad-Supported"),
            _ => ("Stream", "Subscription"),
        };
        let transaction_date = ledgerline_model::Date::new(line.month.year(), line.month.number(), line.day)?.to_string();
        let (track_artist, track) = match line.subject {
            Subject::Release { .. } => ("", ""),
            _ => (names.track_artist, names.track_title),
        };
        Row::new(sink.out(), style)
            .text(&statement_period)
            .text("")
            .integer(account_id)
            .text(&contract_id)
            .text(&transaction_date)
            .text(line.territory.alpha2)
            .text(line.service.name)
            .text(if line.tier == Tier::Free { "Ad-Supported" } else { "Premium" })
            .text(&job.label.name)
            .text(names.release_artist)
            .text(names.release_title)
            .text("")
            .text(names.catalog_number)
            .text(names.release_upc)
            .text(track_artist)
            .text(track)
            .text(names.track_version)
            .text(names.isrc)
            .text("")
            .text(transaction_type)
            .text(subtype)
            .integer(line.quantity)
            .text(line.territory.currency.code())
            .decimal(unit_price_sale, AMOUNT_DIGITS)
            .decimal(gross_sale, AMOUNT_DIGITS)
            .decimal(Decimal::from_units(i128::from(account_per_sale_micro), 6).unwrap_or(Decimal::ONE), 6)
            .text("EUR")
            .decimal(gross_account, AMOUNT_DIGITS)
            .decimal(mechanical, 3)
            .decimal(net, AMOUNT_DIGITS)
            .end();
        totals.add_line(line.quantity, Currency::EUR, net);
    }
    Ok(vec![ReportFile {
        file_name: format!("Orchard_{}_{}_statement.csv", job.label.company_code, statement_period),
        bytes: utf8_with_bom(&sink.bytes),
        totals,
    }])
}
