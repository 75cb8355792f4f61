//! FUGA's monthly `royalty_product_and_asset.csv`: comma-separated UTF-8 with FUGA's full column
//! list, amounts in EUR, delivered inside a ZIP named after the statement run
//! (`June2026StatementRun_Company_statement.zip` holding
//! `June2026StatementRun_Company-royalty_product_and_asset.csv`).
//!
//! Ground truth: `lines` = data rows; `units` = Product Quantity + Asset Quantity summed over all
//! rows (asset rows carry their count in Asset Quantity and 0 in Product Quantity, product rows —
//! whole-album downloads without an ISRC — the other way round); `net_receipts` = the sum of
//! Reported Royalty, per the Currency column (always EUR).

use anyhow::Result;
use ledgerline_model::Month;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use super::{ReportFile, ReportJob, Sink};
use crate::fx::FxTable;
use crate::label::Label;
use crate::market::{LineProfile, SaleLine, Subject, Tier, Usage, DISTRIBUTED_SERVICES};
use crate::output::zip_one_entry;
use crate::text::{month_name, rounded, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = data rows of the CSV inside the ZIP; units = sum of Product Quantity + Asset Quantity (asset rows count in Asset Quantity, product rows in Product Quantity, the other is 0); net_receipts = sum of Reported Royalty per Currency";

pub const COLUMNS: [&str; 32] = [
    "Sale ID",
    "Sale Start date",
    "Sale End date",
    "DSP",
    "Sale Store Name",
    "Sale Type",
    "Sale User Type",
    "Territory",
    "Product UPC",
    "Product Reference",
    "Product Catalog Number",
    "Product Label",
    "Product Artist",
    "Product Title",
    "Asset Artist",
    "Asset Title",
    "Asset Version",
    "Asset Duration",
    "Asset ISRC",
    "Asset Reference",
    "Asset/Product",
    "Product Quantity",
    "Asset Quantity",
    "Original Gross Income",
    "Original currency",
    "Exchange Rate",
    "Converted Gross Income",
    "Contract deal term",
    "Reported Royalty",
    "Currency",
    "Report Run ID",
    "Report ID",
];

pub const LINE_PROFILE: LineProfile = LineProfile {
    services: DISTRIBUTED_SERVICES,
    currency: Currency::EUR,
    lines_per_release: 9,
    include_unmatched: true,
    territories: &[],
};

/// FUGA's fee: the label receives 85% of what FUGA collects.
const DEAL_TERM_PERCENT: i64 = 85;
const AMOUNT_DIGITS: u32 = 8;

/// Writes FUGA rows one at a time; shared by the monthly reports and the benchmark file.
pub struct FugaRows<'a> {
    label: &'a Label,
    fx: &'a FxTable,
    next_sale_id: i64,
    report_run_id: i64,
    report_id: i64,
    deal_term: Decimal,
    /// The sale dates of the month last written, kept to avoid formatting them on every row.
    month_dates: Option<(Month, String, String)>,
    /// The product and asset columns of the subject last written.
    subject_columns: Option<(Subject, Vec<u8>)>,
}

/// Product UPC through Asset/Product.
const SUBJECT_COLUMN_COUNT: usize = 13;

impl<'a> FugaRows<'a> {
    pub fn new(label: &'a Label, fx: &'a FxTable, report_month: Month, first_sale_id: i64) -> FugaRows<'a> {
        let run = i64::from(report_month.year()) * 100 + i64::from(report_month.number());
        FugaRows {
            label,
            fx,
            next_sale_id: first_sale_id,
            report_run_id: 40_000 + run % 10_000,
            report_id: 900_000 + run % 100_000,
            deal_term: Decimal::from_units(i128::from(DEAL_TERM_PERCENT), 2).unwrap_or(Decimal::ONE),
            month_dates: None,
            subject_columns: None,
        }
    }

    pub fn header<S: Sink>(&self, sink: &mut S) -> Result<()> {
        super::header_row(sink.out(), TextStyle::CSV, &COLUMNS);
        sink.row_done()
    }

    pub fn row<S: Sink>(&mut self, line: &SaleLine, sink: &mut S, totals: &mut ReportTotals) -> Result<()> {
        let rates = self.fx.rates(line.month);
        let converted_gross = rounded(line.gross(), AMOUNT_DIGITS);
        let royalty = rounded(converted_gross.checked_mul(self.deal_term, RoundingMode::HalfEven).unwrap_or(Decimal::ZERO), AMOUNT_DIGITS);
        let (original_per_eur_micro, eur_per_original_micro) = if line.territory.currency == Currency::USD {
            (rates.usd_per_eur_micro(), rates.eur_per_usd_micro)
        } else if line.territory.currency == Currency::GBP {
            (rates.gbp_per_eur_micro(), rates.eur_per_gbp_micro)
        } else {
            (1_000_000, 1_000_000)
        };
        let original_gross = rounded(
            converted_gross
                .checked_mul(Decimal::from_units(i128::from(original_per_eur_micro), 6).unwrap_or(Decimal::ONE), RoundingMode::HalfEven)
                .unwrap_or(Decimal::ZERO),
            AMOUNT_DIGITS,
        );
        let exchange_rate = Decimal::from_units(i128::from(eur_per_original_micro), 6).unwrap_or(Decimal::ONE);
        let is_product = matches!(line.subject, Subject::Release { .. });
        let (product_quantity, asset_quantity) = if is_product { (line.quantity, 0) } else { (0, line.quantity) };

        if self.month_dates.as_ref().is_none_or(|(month, _, _)| *month != line.month) {
            self.month_dates = Some((line.month, line.month.first_day().to_string(), line.month.last_day().to_string()));
        }
        // Lines come grouped by track, so the product and asset columns are rendered once per
        // track and reused: most of a FUGA row is the same for every line of a track.
        if self.subject_columns.as_ref().is_none_or(|(subject, _)| *subject != line.subject) {
            self.subject_columns = Some((line.subject, self.render_subject_columns(line.subject)));
        }
        let (start_date, end_date) = match &self.month_dates {
            Some((_, start, end)) => (start.as_str(), end.as_str()),
            None => ("", ""),
        };
        let subject_columns = match &self.subject_columns {
            Some((_, columns)) => columns.as_slice(),
            None => &[],
        };

        let sale_id = self.next_sale_id;
        self.next_sale_id += 1;
        Row::new(sink.out(), TextStyle::CSV)
            .integer(sale_id)
            .text(start_date)
            .text(end_date)
            .text(line.service.name)
            .text(store_name(line))
            .text(sale_type(line.service.usage))
            .text(user_type(line.tier))
            .text(line.territory.alpha2)
            .preformatted_fields(subject_columns, SUBJECT_COLUMN_COUNT)
            .integer(product_quantity)
            .integer(asset_quantity)
            .decimal(original_gross, AMOUNT_DIGITS)
            .text(line.territory.currency.code())
            .decimal(exchange_rate, 6)
            .decimal(converted_gross, AMOUNT_DIGITS)
            .text("85%")
            .decimal(royalty, AMOUNT_DIGITS)
            .text("EUR")
            .integer(self.report_run_id)
            .integer(self.report_id)
            .end();
        totals.add_line(line.quantity, Currency::EUR, royalty);
        sink.row_done()
    }

    /// The columns from Product UPC to Asset/Product for one track or product.
    fn render_subject_columns(&self, subject: Subject) -> Vec<u8> {
        let names = self.label.names_of(subject);
        let (product_reference, asset_reference) = match subject {
            Subject::Track { release, track } => (7_000_000 + release as i64 * 13, 9_000_000 + track as i64 * 7),
            Subject::Release { release } => (7_000_000 + release as i64 * 13, 0),
            Subject::Unmatched { track } => (6_400_017, 8_800_000 + track as i64 * 11),
        };
        let mut columns = Vec::with_capacity(160);
        let mut row = Row::new(&mut columns, TextStyle::CSV);
        row.text(names.release_upc)
            .integer(product_reference)
            .text(names.catalog_number)
            .text(&self.label.name)
            .text(names.release_artist)
            .text(names.release_title);
        if matches!(subject, Subject::Release { .. }) {
            row.texts(&["", "", "", "", "", ""]).text("Product");
        } else {
            row.text(names.track_artist)
                .text(names.track_title)
                .text(names.track_version)
                .integer(i64::from(names.duration_seconds))
                .text(names.isrc)
                .integer(asset_reference)
                .text("Asset");
        }
        columns
    }
}

/// The store as FUGA names it: the DSP, and for free tiers the free product.
fn store_name(line: &SaleLine) -> &'static str {
    match (line.service.name, line.tier) {
        ("Amazon Music", Tier::Free) => "Amazon Prime Music",
        ("Amazon Music", Tier::Premium) => "Amazon Music Unlimited",
        ("Deezer", Tier::Free) => "Deezer Free",
        ("YouTube Music", Tier::Free) => "YouTube Music (ad-supported)",
        ("SoundCloud", Tier::Free) => "SoundCloud (ad-supported)",
        ("SoundCloud", Tier::Premium) => "SoundCloud Go+",
        (name, _) => name,
    }
}

fn sale_type(usage: Usage) -> &'static str {
    match usage {
        Usage::Stream => "Stream",
        Usage::Download | Usage::AlbumDownload => "Download",
        Usage::Social => "UGC",
        Usage::Video => "Video",
    }
}

fn user_type(tier: Tier) -> &'static str {
    match tier {
        Tier::Premium => "Premium",
        Tier::Free => "Free",
        Tier::None => "",
    }
}

/// `June2026StatementRun_Company`: the stem FUGA gives every file of a statement run.
pub fn statement_run_stem(label: &Label, report_month: Month) -> String {
    format!("{}{}StatementRun_{}", month_name(report_month), report_month.year(), label.company_code)
}

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let report_month = job.report_month()?;
    let mut rows = FugaRows::new(job.label, job.fx, report_month, 10_000_000 + random.range(0, 899_999) * 10);
    let mut sink = super::MemorySink::default();
    let mut totals = ReportTotals::default();
    rows.header(&mut sink)?;
    for line in &lines {
        rows.row(line, &mut sink, &mut totals)?;
    }
    let stem = statement_run_stem(job.label, report_month);
    let entry_name = format!("{stem}-royalty_product_and_asset.csv");
    let archive = zip_one_entry(&entry_name, &sink.bytes, job.report_date(3)?)?;
    Ok(vec![ReportFile { file_name: format!("{stem}_statement.zip"), bytes: archive, totals }])
}
