//! One writer per report format. Each takes a [`ReportJob`] (a source and the sale months one
//! report covers), draws its lines from the market model and writes the file the way that
//! sender does, quirks included, while adding up the ground truth from the values it writes.

pub mod amuse;
pub mod apple;
pub mod bandcamp;
pub mod beatport;
pub mod believe;
pub mod cdbaby;
pub mod distrokid;
pub mod distrokid_older;
pub mod dsr;
pub mod fuga;
pub mod orchard;
pub mod symphonic;
pub mod tunecore;
pub mod youtube;

use anyhow::{Context, Result};
use ledgerline_model::{Date, Month};

use crate::fx::FxTable;
use crate::label::Label;
use crate::market::{generate_month_lines, LineProfile, MonthContext, SaleLine};
use crate::output::StreamedFile;
use crate::random::Random;
use crate::source::Source;
use crate::truth::ReportTotals;

/// Where rows go: memory for the small files of a demo (which are then zipped or re-encoded),
/// a file for the large benchmark files.
pub trait Sink {
    fn out(&mut self) -> &mut Vec<u8>;
    /// Called after each row, so a file sink can pass full buffers on.
    fn row_done(&mut self) -> Result<()>;
}

#[derive(Default)]
pub struct MemorySink {
    pub bytes: Vec<u8>,
}

impl Sink for MemorySink {
    fn out(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    fn row_done(&mut self) -> Result<()> {
        Ok(())
    }
}

pub struct FileSink {
    buffer: Vec<u8>,
    file: StreamedFile,
}

impl FileSink {
    const FLUSH_AT_BYTES: usize = 1 << 18;

    pub fn new(file: StreamedFile) -> FileSink {
        FileSink { buffer: Vec::with_capacity(FileSink::FLUSH_AT_BYTES + 4096), file }
    }

    pub fn finish(mut self) -> Result<StreamedFile> {
        self.file.drain_from(&mut self.buffer)?;
        Ok(self.file)
    }
}

impl Sink for FileSink {
    fn out(&mut self) -> &mut Vec<u8> {
        &mut self.buffer
    }

    fn row_done(&mut self) -> Result<()> {
        if self.buffer.len() >= FileSink::FLUSH_AT_BYTES {
            self.file.drain_from(&mut self.buffer)?;
        }
        Ok(())
    }
}

/// One report to write: a source and the sale months it covers.
pub struct ReportJob<'a> {
    pub label: &'a Label,
    pub source: Source,
    pub sale_months: Vec<Month>,
    pub fx: &'a FxTable,
    pub seed: u64,
}

/// A finished report file (its name under `reports/<source>/`) and its ground truth.
pub struct ReportFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub totals: ReportTotals,
}

impl ReportJob<'_> {
    // `schedule` never makes a job without months, so indexing the first and last is safe.
    pub fn first_month(&self) -> Month {
        self.sale_months[0]
    }

    pub fn last_month(&self) -> Month {
        self.sale_months[self.sale_months.len() - 1]
    }

    /// The month the report is issued: the one after its last sale month.
    pub fn report_month(&self) -> Result<Month> {
        self.last_month().next().context("report month beyond the supported calendar")
    }

    /// A day of the report month, for statement dates and archive timestamps.
    pub fn report_date(&self, day: u8) -> Result<Date> {
        let month = self.report_month()?;
        Ok(Date::new(month.year(), month.number(), day.min(month.day_count()))?)
    }

    /// This report's own random stream: independent of every other file.
    pub fn random(&self, part: &str) -> Random {
        Random::for_stream(self.seed, &format!("report/{}/{}/{part}", self.source.name(), self.first_month()))
    }

    /// The releases this source reports: all of them, or those delivered through it.
    pub fn releases(&self) -> Vec<usize> {
        self.label
            .releases
            .iter()
            .enumerate()
            .filter(|(_, release)| self.source.reports_whole_catalog() || release.distributor == self.source)
            .map(|(index, _)| index)
            .collect()
    }

    /// The sale lines of every month of the report.
    pub fn lines(&self, profile: &LineProfile, random: &mut Random) -> Vec<SaleLine> {
        let releases = self.releases();
        let mut lines = Vec::new();
        for &month in &self.sale_months {
            let rates = self.fx.rates(month);
            let context = MonthContext { profile, month, rates: &rates };
            generate_month_lines(self.label, &releases, context, random, &mut lines);
        }
        lines
    }
}

/// Which reports a default run writes: monthly sources every month, the others once per
/// calendar quarter (covering the months of that quarter inside the period).
pub fn schedule(months: &[Month]) -> Vec<(Source, Vec<Month>)> {
    let mut jobs = Vec::new();
    for source in Source::ALL {
        if source.reports_monthly() {
            for &month in months {
                jobs.push((source, vec![month]));
            }
        } else {
            let mut current: Vec<Month> = Vec::new();
            for &month in months {
                if current.first().is_some_and(|first| first.quarter() != month.quarter()) {
                    jobs.push((source, std::mem::take(&mut current)));
                }
                current.push(month);
            }
            if !current.is_empty() {
                jobs.push((source, current));
            }
        }
    }
    jobs
}

/// Writes one report with the writer of its source.
pub fn write_report(job: &ReportJob) -> Result<Vec<ReportFile>> {
    match job.source {
        Source::Fuga => fuga::write(job),
        Source::Dsr => dsr::write(job),
        Source::DistroKid => distrokid::write(job),
        Source::Believe => believe::write(job),
        Source::Bandcamp => bandcamp::write(job),
        Source::YouTube => youtube::write(job),
        Source::Orchard => orchard::write(job),
        Source::Symphonic => symphonic::write(job),
        Source::Apple => apple::write(job),
        Source::CdBaby => cdbaby::write(job),
        Source::TuneCore => tunecore::write(job),
        Source::Beatport => beatport::write(job),
        Source::DistroKidOlder => distrokid_older::write(job),
        Source::Amuse => amuse::write(job),
    }
}

/// What `lines`, `units` and `net_receipts` mean in the truth files of each source.
pub fn truth_definition(source: Source) -> &'static str {
    match source {
        Source::Fuga => fuga::TRUTH_DEFINITION,
        Source::Dsr => dsr::TRUTH_DEFINITION,
        Source::DistroKid => distrokid::TRUTH_DEFINITION,
        Source::Believe => believe::TRUTH_DEFINITION,
        Source::Bandcamp => bandcamp::TRUTH_DEFINITION,
        Source::YouTube => youtube::TRUTH_DEFINITION,
        Source::Orchard => orchard::TRUTH_DEFINITION,
        Source::Symphonic => symphonic::TRUTH_DEFINITION,
        Source::Apple => apple::TRUTH_DEFINITION,
        Source::CdBaby => cdbaby::TRUTH_DEFINITION,
        Source::TuneCore => tunecore::TRUTH_DEFINITION,
        Source::Beatport => beatport::TRUTH_DEFINITION,
        Source::DistroKidOlder => distrokid_older::TRUTH_DEFINITION,
        Source::Amuse => amuse::TRUTH_DEFINITION,
    }
}

/// Writes a header row.
pub fn header_row(out: &mut Vec<u8>, style: crate::text::TextStyle, columns: &[&str]) {
    crate::text::Row::new(out, style).texts(columns).end();
}

/// A deterministic DSP-style identifier: `length` characters of base 62 derived from `key`.
pub fn dsp_identifier(key: &str, length: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut random = Random::for_stream(0x5EED, key);
    (0..length).map(|_| char::from(ALPHABET[random.index(ALPHABET.len())])).collect()
}

/// A number in `low..=high` that depends only on `key`: stable ids for items across files.
pub fn stable_number(key: &str, low: i64, high: i64) -> i64 {
    Random::for_stream(0x1D5, key).range(low, high)
}
