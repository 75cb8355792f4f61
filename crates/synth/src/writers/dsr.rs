//! A DDEX DSR flat file in the Basic Audio Profile, as a DSP with a direct deal (here Spotify)
//! sends it monthly: TAB-separated, CRLF, one `HEAD`, `#` heading rows for every record type,
//! summary records (SY01.02 for the subscription tier, SY02.03 for the ad-supported tier, one
//! per territory), then one block per release (RE01.02, its AS01.02 resources, their SU02.02
//! stream counts pointing to a summary record through SummaryRecordId), and a `FOOT` whose
//! counts include every line of the file. Like the DDEX samples, which were exported from a
//! spreadsheet, every row is padded with empty cells to 22 and booleans are `TRUE`/`FALSE`; the
//! P-line is wrapped in literal quotes. The file name follows the DSR naming convention.
//!
//! Ground truth: `lines` = SU02.02 rows; `units` = the sum of their NumberOfStreams;
//! `net_receipts` = the sum of NetRevenue over the SY records, per CurrencyOfReporting (in BAP
//! the money sits on the summary records; a reader allocates it to the SU rows pro rata).

use anyhow::Result;
use ledgerline_model::Month;
use ledgerline_money::{Currency, Decimal};

use super::{dsp_identifier, ReportFile, ReportJob, Sink};
use crate::label::Label;
use crate::market::{LineProfile, SaleLine, Subject, Tier, TERRITORIES, SPOTIFY};
use crate::text::{push_integer, Row, TextStyle};
use crate::truth::ReportTotals;

pub const TRUTH_DEFINITION: &str = "lines = SU02.02 rows; units = sum of NumberOfStreams over the SU02.02 rows; net_receipts = sum of NetRevenue over the SY01.02 and SY02.03 summary records, per CurrencyOfReporting";

pub const LINE_PROFILE: LineProfile = LineProfile {
    services: SPOTIFY,
    currency: Currency::EUR,
    lines_per_release: 5,
    include_unmatched: true,
    territories: &[],
};

/// The DSP's (made-up) DDEX party id.
pub const SENDER_DPID: &str = "PADPIDA2008101601S";
const SENDER_NAME: &str = "Spotify";
const SERVICE_DESCRIPTION: &str = "Spotify";
/// Cells per row after padding, as in the DDEX samples.
const PADDED_CELLS: usize = 22;
const REVENUE_DIGITS: u32 = 6;
const STYLE: TextStyle = TextStyle::TSV_CRLF;

const HEADINGS: [&[&str]; 6] = [
    &[
        "#HEAD", "MessageVersion", "Profile", "ProfileVersion", "MessageId", "MessageCreatedDateTime", "FileNumber",
        "NumberOfFiles", "UsageStartDate", "UsageEndDate", "SenderPartyId", "SenderName", "ServiceDescription",
        "RecipientPartyId", "RecipientName", "RepresentedRepertoire",
    ],
    &[
        "#SY01.02", "SummaryRecordId", "DistributionChannel", "DistributionChannelDPID", "CommercialModel", "UseType",
        "Territory", "ServiceDescription", "TotalUsages", "Subscribers", "CurrencyOfReporting", "NetRevenue",
        "IndirectValue", "CurrencyOfTransaction", "ExchangeRate",
    ],
    &[
        "#SY02.03", "SummaryRecordId", "DistributionChannel", "DistributionChannelDPID", "CommercialModel", "UseType",
        "Territory", "ServiceDescription", "TotalUsages", "Users", "CurrencyOfReporting", "NetRevenue",
        "RightsController", "RightsControllerPartyId", "AllocatedUsages", "AllocatedRevenue", "AllocatedNetRevenue",
        "RightsType", "ContentCategory", "CurrencyOfTransaction", "ExchangeRate", "RightsTypePercentage",
    ],
    &[
        "#RE01.02", "BlockId", "ReleaseReference", "DspReleaseId", "ProprietaryReleaseId", "ReleaseCatalogNumber",
        "ReleaseICPN", "ReleaseDisplayArtistName", "ReleaseDisplayArtistPartyId", "ReleaseTitle", "ReleaseSubTitle",
        "ReleaseType", "ReleaseLabelName", "ReleasePLine", "DataProviderName", "ReleaseDate",
    ],
    &[
        "#AS01.02", "BlockId", "ResourceReference", "DspResourceId", "ResourceISRC", "ResourceTitle",
        "ResourceSubTitle", "ResourceDisplayArtistName", "ResourceDisplayArtistPartyId", "ResourceDuration",
        "ResourceType", "IsMasterRecording", "IsSubjectToOwnershipConflict", "LastConflictCheck",
    ],
    &[
        "#SU02.02", "BlockId", "SummaryRecordId", "SalesTransactionId", "TransactedRelease", "TransactedResource",
        "IsRoyaltyBearing", "NumberOfStreams", "PriceConsumerPaidExcSalesTax", "PromotionalActivity", "UseType",
    ],
];

const FOOT_HEADING: &[&str] = &[
    "#FOOT", "NumberOfLinesInFile", "NumberOfLinesInReport", "NumberOfSummaryRecords", "NumberOfBlocksInFile",
    "NumberOfBlocksInReport",
];

/// One summary record: a tier in a territory.
#[derive(Clone, Debug)]
struct Summary {
    tier: Tier,
    territory: usize,
    usages: i64,
    revenue: Decimal,
}

/// Everything the file needs besides its lines.
pub struct DsrHeader<'a> {
    pub label: &'a Label,
    pub month: Month,
    pub created: String,
    pub message_id: String,
}

impl DsrHeader<'_> {
    /// `DSR_Recipient_Sender_Service_2026-01-01--2026-01-31_multi_1of1_20260205T060000.tsv`.
    pub fn file_name(&self) -> String {
        format!(
            "DSR_{}_{}_{}_{}--{}_multi_1of1_{}.tsv",
            self.label.dpid,
            SENDER_DPID,
            SERVICE_DESCRIPTION,
            self.month.first_day(),
            self.month.last_day(),
            self.created.replace(['-', ':'], "").trim_end_matches('Z')
        )
    }
}

fn summary_key(line: &SaleLine) -> (Tier, usize) {
    let territory = TERRITORIES.iter().position(|territory| territory.alpha2 == line.territory.alpha2).unwrap_or(0);
    (line.tier, territory)
}

/// A callback that feeds every line of the file to `emit`, the same lines in the same order each
/// time it is called: the writer calls it twice, once to total the summary records that must
/// come first, once to write the blocks.
pub type LineReplay<'r> = dyn FnMut(&mut dyn FnMut(&SaleLine) -> Result<()>) -> Result<()> + 'r;

/// Writes rows of one DSR file and counts them for the FOOT.
struct DsrRows<'a, 'h, S: Sink> {
    header: &'a DsrHeader<'h>,
    sink: &'a mut S,
    totals: &'a mut ReportTotals,
    summaries: Vec<Summary>,
    lines_written: u64,
    blocks_written: u64,
    transactions_written: u64,
}

impl<S: Sink> DsrRows<'_, '_, S> {
    /// One row: the cells `fill` writes, padded to the spreadsheet width.
    fn row(&mut self, fill: impl FnOnce(&mut Row)) -> Result<()> {
        let mut row = Row::new(self.sink.out(), STYLE);
        fill(&mut row);
        row.pad_to(PADDED_CELLS).end();
        self.lines_written += 1;
        self.sink.row_done()
    }

    fn head_and_headings(&mut self) -> Result<()> {
        let header = self.header;
        let label = header.label;
        let usage_start = header.month.first_day().to_string();
        let usage_end = header.month.last_day().to_string();
        self.row(|row| {
            row.texts(&["HEAD", "dsrf/1.3/1.4.1/1.3", "BasicAudioProfile", "1.3", &header.message_id, &header.created])
                .integer(1)
                .integer(1)
                .text(&usage_start)
                .text(&usage_end)
                .texts(&[SENDER_DPID, SENDER_NAME, SERVICE_DESCRIPTION, &label.dpid, &label.name, ""]);
        })?;
        for heading in HEADINGS {
            self.row(|row| {
                row.texts(heading);
            })?;
        }
        Ok(())
    }

    fn summary_records(&mut self) -> Result<()> {
        let label = self.header.label;
        let rights_controller_party = format!("DPID::{}", label.dpid);
        for position in 0..self.summaries.len() {
            let summary = self.summaries[position].clone();
            let territory = &TERRITORIES[summary.territory];
            let net_revenue = crate::text::rounded(summary.revenue, REVENUE_DIGITS);
            self.totals.add_money(Currency::EUR, net_revenue);
            let id = format!("SY{}", position + 1);
            // The transaction currency is informative; the file reports in EUR.
            let transaction_currency = territory.currency.code();
            let exchange_rate = if territory.currency == Currency::EUR { "1" } else { "" };
            let subscribers = 1_000 + (summary.usages.unsigned_abs() as i64 / 7) % 900_000;
            if summary.tier == Tier::Free {
                self.row(|row| {
                    row.texts(&["SY02.03", &id, "Spotify", SENDER_DPID, "AdvertisementSupportedModel", "OnDemandStream"])
                        .text(territory.alpha2)
                        .text("Spotify Free")
                        .integer(summary.usages)
                        .integer(subscribers)
                        .text("EUR")
                        .decimal(net_revenue, REVENUE_DIGITS)
                        .text(&label.name)
                        .text(&rights_controller_party)
                        .integer(summary.usages)
                        .decimal(net_revenue, REVENUE_DIGITS)
                        .decimal(net_revenue, REVENUE_DIGITS)
                        .text("")
                        .text("Music")
                        .text(transaction_currency)
                        .text(exchange_rate)
                        .text("100");
                })?;
            } else {
                self.row(|row| {
                    row.texts(&["SY01.02", &id, "Spotify", SENDER_DPID, "SubscriptionModel", "OnDemandStream"])
                        .text(territory.alpha2)
                        .text("Spotify Premium")
                        .integer(summary.usages)
                        .integer(subscribers)
                        .text("EUR")
                        .decimal(net_revenue, REVENUE_DIGITS)
                        .text("0")
                        .text(transaction_currency)
                        .text(exchange_rate);
                })?;
            }
        }
        Ok(())
    }

    /// One block: the release, its resources (each once, in order of first use), their usage.
    fn block(&mut self, block: &[SaleLine]) -> Result<()> {
        let Some(first) = block.first() else { return Ok(()) };
        let label = self.header.label;
        self.blocks_written += 1;
        let block_id = self.blocks_written as i64;
        let (release, release_key) = match first.subject {
            Subject::Track { release, .. } | Subject::Release { release } => (&label.releases[release], release),
            Subject::Unmatched { .. } => (&label.unmatched_release, usize::MAX),
        };
        let release_reference = format!("R{block_id}");
        let p_line = format!("\"(P) {} {}\"", release.date.year(), label.name);
        let dsp_release_id = dsp_identifier(&format!("release/{}", release.upc), 22);
        let release_date = release.date.to_string();
        self.row(|row| {
            row.text("RE01.02")
                .integer(block_id)
                .text(&release_reference)
                .text(&dsp_release_id)
                .text("")
                .text(&release.catalog_number)
                .text(&release.upc)
                .text(&release.display_artist)
                .text("")
                .text(&release.title)
                .text("")
                .text(release.format.name())
                .text(&label.name)
                .text(&p_line)
                .text(&label.name)
                .text(&release_date);
        })?;

        let mut resources: Vec<Subject> = Vec::new();
        for line in block {
            if !resources.contains(&line.subject) {
                resources.push(line.subject);
            }
        }
        for (resource_position, subject) in resources.iter().enumerate() {
            let names = label.names_of(*subject);
            let seconds = names.duration_seconds;
            // Spreadsheet-made files mix both duration spellings.
            let duration =
                if resource_position % 3 == 2 { format!("PT{seconds}S") } else { format!("PT{}M{}S", seconds / 60, seconds % 60) };
            let resource_reference = format!("A{}", resource_position + 1);
            let dsp_resource_id = dsp_identifier(&format!("track/{}", names.isrc), 22);
            self.row(|row| {
                row.text("AS01.02")
                    .integer(block_id)
                    .text(&resource_reference)
                    .text(&dsp_resource_id)
                    .text(names.isrc)
                    .text(names.track_title)
                    .text(names.track_version)
                    .text(names.track_artist)
                    .text("")
                    .text(&duration)
                    .text("SoundRecording")
                    .text("TRUE")
                    .text("FALSE")
                    .text("");
            })?;
        }

        let mut summary_id = Vec::with_capacity(8);
        let mut transaction_id = Vec::with_capacity(24);
        let mut resource_reference = Vec::with_capacity(8);
        for line in block {
            let resource_position = resources.iter().position(|subject| *subject == line.subject).unwrap_or(0);
            let (tier, territory) = summary_key(line);
            let summary_position =
                self.summaries.iter().position(|summary| summary.tier == tier && summary.territory == territory).unwrap_or(0);
            self.transactions_written += 1;
            self.totals.add_units(line.quantity);
            summary_id.clear();
            summary_id.extend_from_slice(b"SY");
            push_integer(&mut summary_id, summary_position as i128 + 1);
            transaction_id.clear();
            transaction_id.push(b'T');
            // Unique in the file and stable: the release and a running number.
            push_integer(&mut transaction_id, (release_key.min(99_999) as i128) * 10_000_000_000 + self.transactions_written as i128);
            resource_reference.clear();
            resource_reference.push(b'A');
            push_integer(&mut resource_reference, resource_position as i128 + 1);
            self.row(|row| {
                row.text("SU02.02")
                    .integer(block_id)
                    .raw(&summary_id)
                    .raw(&transaction_id)
                    .text("")
                    .raw(&resource_reference)
                    .text("TRUE")
                    .integer(line.quantity)
                    .text("")
                    .text("")
                    .text("OnDemandStream");
            })?;
        }
        Ok(())
    }

    fn foot(&mut self) -> Result<()> {
        // The FOOT counts itself and its heading row.
        let lines_in_file = self.lines_written as i64 + 2;
        let summary_count = self.summaries.len() as i64;
        let blocks = self.blocks_written as i64;
        self.row(|row| {
            row.texts(FOOT_HEADING);
        })?;
        self.row(|row| {
            row.text("FOOT").integer(lines_in_file).integer(lines_in_file).integer(summary_count).integer(blocks).integer(blocks);
        })
    }
}

/// Writes a whole DSR file.
pub fn write_file<S: Sink>(header: &DsrHeader, replay: &mut LineReplay, sink: &mut S, totals: &mut ReportTotals) -> Result<()> {
    // First pass: the summary records, which come before every block.
    let mut summaries: Vec<Summary> = Vec::new();
    replay(&mut |line: &SaleLine| {
        let (tier, territory) = summary_key(line);
        match summaries.iter_mut().find(|summary| summary.tier == tier && summary.territory == territory) {
            Some(summary) => {
                summary.usages += line.quantity;
                summary.revenue += line.gross();
            }
            None => summaries.push(Summary { tier, territory, usages: line.quantity, revenue: line.gross() }),
        }
        Ok(())
    })?;
    summaries.sort_by_key(|summary| (summary.tier, summary.territory));

    let mut rows =
        DsrRows { header, sink, totals, summaries, lines_written: 0, blocks_written: 0, transactions_written: 0 };
    rows.head_and_headings()?;
    rows.summary_records()?;

    // Second pass: one block per release; lines arrive release by release.
    let mut block: Vec<SaleLine> = Vec::new();
    let mut current_release: Option<usize> = None;
    replay(&mut |line: &SaleLine| {
        let release_key = match line.subject {
            Subject::Track { release, .. } | Subject::Release { release } => release,
            Subject::Unmatched { .. } => usize::MAX,
        };
        if current_release != Some(release_key) {
            rows.block(&block)?;
            block.clear();
            current_release = Some(release_key);
        }
        block.push(*line);
        Ok(())
    })?;
    rows.block(&block)?;
    rows.foot()
}

pub fn write(job: &ReportJob) -> Result<Vec<ReportFile>> {
    let mut random = job.random("lines");
    let lines = job.lines(&LINE_PROFILE, &mut random);
    let header = header_for(job.label, job.first_month(), job.report_date(5)?.to_string())?;
    let mut sink = super::MemorySink::default();
    let mut totals = ReportTotals::default();
    let mut replay = |emit: &mut dyn FnMut(&SaleLine) -> Result<()>| -> Result<()> {
        for line in &lines {
            emit(line)?;
        }
        Ok(())
    };
    write_file(&header, &mut replay, &mut sink, &mut totals)?;
    Ok(vec![ReportFile { file_name: header.file_name(), bytes: sink.bytes, totals }])
}

/// The header of the DSR for `month`, created on `created_date` (ISO) at 06:00 UTC.
pub fn header_for<'a>(label: &'a Label, month: Month, created_date: String) -> Result<DsrHeader<'a>> {
    Ok(DsrHeader {
        label,
        month,
        created: format!("{created_date}T06:00:00Z"),
        message_id: format!("{}-{}-{}", SENDER_NAME.to_uppercase(), label.catalog_prefix, month),
    })
}
