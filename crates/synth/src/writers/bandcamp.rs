//! Bandcamp's sales report (Tools → sales report), as the older exports came: a comma-separated
//! CSV in **UTF-16LE with a byte-order mark**, the 2020 layout of 52 columns, timestamps like
//! `1/1/26 4:49am`, one row per fan purchase with buyer details, an occasional refund, and a
//! PayPal payout row at the end of each month that is not a sale. Prices are what fans chose to
//! pay (at least the minimum price).
//!
//! Ground truth: `lines` = rows whose `item type` is not `payout`; `units` = the sum of their
//! quantity; `net_receipts` = the sum of their `net amount`, per `currency` (EUR).

use anyhow::Result;
use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{ReportFile, ReportJob};
use crate::output::utf16le_with_bom;
use crate::random::ZipfTable;
use crate::text::{date_compact, date_time_bandcamp, rounded, Row, TextStyle};
use crate::truth::ReportTotals;
use crate::words;

pub const TRUTH_DEFINITION: &str = "lines = rows of the UTF-16LE CSV whose item type is not payout; units = sum of quantity over those rows; net_receipts = sum of net amount over those rows, per currency";

pub const COLUMNS: [&str; 52] = [
    "date", "paid to", "item type", "item name", "artist", "currency", "item price", "quantity", "discount code",
    "sub total", "tax", "shipping", "ship from country name", "transaction fee", "fee type", "item total",
    "amount you received", "bandcamp transaction id", "paypal transaction id", "assessed revenue share",
    "collected revenue share", "balance of revenue share", "change to payout balance", "payout balance",
    "net amount", "package", "option", "item url", "sku", "catalog number", "upc", "isrc", "buyer name",
    "buyer email", "buyer phone", "buyer note", "ship to name", "ship to street", "ship to street 2",
    "ship to city", "ship to state", "ship to zip", "ship to country", "ship to country code", "ship date",
    "ship notes", "country", "country code", "region/state", "city", "referrer", "referrer url",
];

/// Fans' countries: Bandcamp's audience leans to the US, UK and Germany.
/// Country name, code, weight and a city.
const BUYER_COUNTRIES: [(&str, &str, u32, &str); 8] = [
    ("United States", "US", 30, "Portland"),
    ("United Kingdom", "GB", 18, "Leeds"),
    ("Germany", "DE", 14, "Leipzig"),
    ("France", "FR", 8, "Lyon"),
    ("Netherlands", "NL", 8, "Utrecht"),
    ("Japan", "JP", 6, "Osaka"),
    ("Sweden", "SE", 6, "Malmö"),
    ("Canada", "CA", 10, "Montreal"),
];

fn cents(value: i64) -> Decimal {
    Decimal::from_units(i128::from(value), 2).unwrap_or(Decimal::ZERO)
}

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("sales");
    let label = job.label;
    let paid_to = format!("payments@{}.example.com", words::ascii_slug(&label.company_code, ""));
    let style = TextStyle::CSV;
    let mut text: Vec<u8> = Vec::new();
    super::header_row(&mut text, style, &COLUMNS);
    let mut totals = ReportTotals::default();
    let mut payout_balance = Decimal::ZERO;
    let mut transaction_number: i64 = 1_000_000_000 + random.range(0, 99_999_999);

    for &month in &job.sale_months {
        // Newest first: Bandcamp sales follow a Zipf law over the releases by recency, most of
        // them going to the latest record.
        let mut on_sale: Vec<usize> = (0..label.releases.len()).filter(|&index| label.releases[index].month() <= month).collect();
        if on_sale.is_empty() {
            continue;
        }
        on_sale.reverse();
        let recency = ZipfTable::new(on_sale.len());
        let sale_count = 4 + random.below(3 + label.artists.len() as u64);
        let mut sales: Vec<(u8, u32)> = (0..sale_count)
            .map(|_| (1 + random.below(u64::from(month.day_count())) as u8, random.below(24 * 60) as u32))
            .collect();
        sales.sort_unstable();
        let refund_at = if random.chance(1, 2) { Some(random.index(sales.len())) } else { None };
        for (position, (day, minute)) in sales.iter().enumerate() {
            let release_index = on_sale[recency.draw(&mut random).min(on_sale.len() - 1)];
            let release = &label.releases[release_index];
            let buys_album = release.tracks.len() > 2 && random.chance(2, 5);
            let track = release.tracks[random.index(release.tracks.len())].track;
            let (item_type, item_name, minimum_cents, isrc) = if buys_album {
                ("album", release.title.as_str(), 700, "")
            } else {
                ("track", label.tracks[track].title.as_str(), 100, label.tracks[track].isrc.as_str())
            };
            // Fans often pay more than asked.
            let price_cents = minimum_cents + if random.chance(1, 3) { random.heavy_tailed(50, 2_000) as i64 } else { 0 };
            let refunded = refund_at == Some(position);
            let quantity: i64 = if refunded { -1 } else { 1 };
            let sub_total = cents(price_cents * quantity);
            // PayPal's fee (2.9% + 0.35) and Bandcamp's 15% share, rounded to cents.
            let fee = rounded(
                sub_total.checked_mul(Decimal::from_units(29, 3).unwrap_or(Decimal::ZERO), RoundingMode::HalfEven).unwrap_or(Decimal::ZERO)
                    + cents(35 * quantity),
                2,
            );
            let revenue_share = rounded(
                sub_total.checked_mul(Decimal::from_units(15, 2).unwrap_or(Decimal::ZERO), RoundingMode::HalfEven).unwrap_or(Decimal::ZERO),
                2,
            );
            let item_total = sub_total;
            let amount_received = item_total - fee;
            let net_amount = amount_received - revenue_share;
            payout_balance += net_amount;
            transaction_number += 1 + random.range(0, 40);
            let (country_name, country_code, _, city) =
                BUYER_COUNTRIES[random.weighted_index(&BUYER_COUNTRIES.map(|(_, _, weight, _)| weight)).unwrap_or(0)];
            let buyer = words::person_name(&mut random);
            let buyer_email = format!("{}@example.net", words::ascii_slug(&buyer, "."));
            let date = Date::new(month.year(), month.number(), *day)?;
            let item_url = format!(
                "https://{}.bandcamp.com/{}/{}",
                words::ascii_slug(&release.display_artist, ""),
                item_type,
                words::ascii_slug(item_name, "-")
            );
            let mut row = Row::new(&mut text, style);
            row.text(&date_time_bandcamp(date, *minute))
                .text(&paid_to)
                .text(if refunded { "refund" } else { item_type })
                .text(item_name)
                .text(&release.display_artist)
                .text("EUR")
                .decimal(cents(price_cents), 2)
                .integer(quantity)
                .text("")
                .decimal(sub_total, 2)
                .decimal(Decimal::ZERO, 2)
                .text("")
                .text("")
                .decimal(fee, 2)
                .text("paypal")
                .decimal(item_total, 2)
                .decimal(amount_received, 2)
                .integer(transaction_number)
                .text(&format!("{:X}", transaction_number * 7_919))
                .decimal(revenue_share, 2)
                .decimal(revenue_share, 2)
                .decimal(Decimal::ZERO, 2)
                .decimal(net_amount, 2)
                .decimal(payout_balance, 2)
                .decimal(net_amount, 2)
                .text("")
                .text("")
                .text(&item_url)
                .text("")
                .text(&release.catalog_number)
                .text(&release.upc)
                .text(isrc)
                .text(&buyer)
                .text(&buyer_email)
                .text("")
                .text(if random.chance(1, 6) { "love this, thank you!" } else { "" })
                .pad_to(46)
                .text(country_name)
                .text(country_code)
                .text("")
                .text(city)
                .text(if random.chance(1, 2) { "bandcamp" } else { "" })
                .text("")
                .end();
            totals.add_line(quantity, Currency::EUR, net_amount);
        }
        // The month's payout to PayPal: moves the balance out, is not a sale.
        let payout_date = month.last_day();
        let payout = payout_balance;
        payout_balance = Decimal::ZERO;
        Row::new(&mut text, style)
            .text(&date_time_bandcamp(payout_date, 23 * 60 + 59))
            .text(&paid_to)
            .text("payout")
            .text("")
            .text("")
            .text("EUR")
            .pad_to(22)
            .decimal(-payout, 2)
            .decimal(Decimal::ZERO, 2)
            .pad_to(COLUMNS.len())
            .end();
    }
    let utf8 = String::from_utf8(text)?;
    Ok(vec![ReportFile {
        file_name: format!(
            "{}-{}_bandcamp_sales_{}.csv",
            date_compact(job.first_month().first_day()),
            date_compact(job.last_month().last_day()),
            words::ascii_slug(&label.company_code, "")
        ),
        bytes: utf16le_with_bom(&utf8),
        totals,
    }])
}
