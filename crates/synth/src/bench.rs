//! Benchmark mode (`--lines N`): instead of months of small reports, one FUGA CSV (unzipped)
//! and one DSR file with about N usage lines each, for the first month. Rows are streamed to
//! disk and hashed on the way, so memory stays flat whatever N is.

use anyhow::{Context, Result};
use ledgerline_model::Month;
use ledgerline_money::allocate_units;

use crate::fx::FxTable;
use crate::label::Label;
use crate::market::{decay_percent, LinePicker, MonthContext, SaleLine, Subject};
use crate::output::{FileRole, OutputTree};
use crate::random::Random;
use crate::source::Source;
use crate::truth::{write_truth, ReportTotals};
use crate::writers::{dsr, fuga, FileSink};

/// How many lines each (release, track) pair gets: N split in proportion to popularity and
/// age, every pair at least a little, so the file covers the whole catalog.
fn line_quotas(label: &Label, month: Month, line_count: u64) -> Result<Vec<(usize, usize, i64, i64)>> {
    let mut pairs = Vec::new();
    let mut weights = Vec::new();
    for (release_index, release) in label.releases.iter().enumerate() {
        let decay = decay_percent(month.index() - release.month().index());
        if decay == 0 {
            continue;
        }
        for release_track in &release.tracks {
            let activity = i64::from(label.tracks[release_track.track].popularity_per_mille) * decay / 100;
            pairs.push((release_index, release_track.track, activity.max(1)));
            weights.push(activity.max(1) as u128 + 2);
        }
    }
    let total = i128::from(line_count);
    let quotas = allocate_units(total, &weights).context("no release is on sale in the benchmark month")?;
    Ok(pairs
        .into_iter()
        .zip(quotas)
        .map(|((release, track, activity), quota)| (release, track, activity, quota as i64))
        .collect())
}

/// Feeds the benchmark lines of one stream name to `emit`, release by release (so DSR blocks
/// stay contiguous). Calling it again with the same arguments gives the same lines.
fn emit_lines(
    label: &Label,
    quotas: &[(usize, usize, i64, i64)],
    profile: &crate::market::LineProfile,
    month: Month,
    fx: &FxTable,
    random: &mut Random,
    emit: &mut dyn FnMut(&SaleLine) -> Result<()>,
) -> Result<()> {
    let picker = LinePicker::new(profile);
    let rates = fx.rates(month);
    let context = MonthContext { profile, month, rates: &rates };
    for &(release, track, activity, quota) in quotas {
        let subject = Subject::Track { release, track };
        for _ in 0..quota {
            if let Some(line) = picker.line(&context, subject, activity, random) {
                emit(&line)?;
            }
        }
    }
    // A handful of lines for repertoire outside the catalog, as in real files.
    for track in 0..label.unmatched_tracks.len() {
        if let Some(line) = picker.line(&context, Subject::Unmatched { track }, 50, random) {
            emit(&line)?;
        }
    }
    Ok(())
}

/// Writes both benchmark files and their truth; returns the number of usage lines written.
pub fn write_benchmark_reports(
    tree: &mut OutputTree,
    label: &Label,
    fx: &FxTable,
    seed: u64,
    month: Month,
    line_count: u64,
) -> Result<u64> {
    let quotas = line_quotas(label, month, line_count)?;
    let mut written_lines = 0;

    // FUGA, one pass.
    let report_month = month.next().context("month after the benchmark month")?;
    let fuga_relative = format!("reports/fuga/bench-{month}.csv");
    let mut sink = FileSink::new(tree.create_streamed(&fuga_relative)?);
    let mut totals = ReportTotals::default();
    let mut rows = fuga::FugaRows::new(label, fx, report_month, 50_000_000);
    rows.header(&mut sink)?;
    let mut random = Random::for_stream(seed, "bench/fuga");
    emit_lines(label, &quotas, &fuga::LINE_PROFILE, month, fx, &mut random, &mut |line| {
        rows.row(line, &mut sink, &mut totals)
    })?;
    let streamed = sink.finish()?;
    tree.finish_streamed(streamed, FileRole::from_source("report", Source::Fuga.name(), Some(totals.lines)))?;
    write_truth(tree, &fuga_relative, Source::Fuga, &totals)?;
    written_lines += totals.lines;

    // DSR: the writer replays the lines twice (summary records first, then blocks).
    let created = report_month.first_day().to_string();
    let header = dsr::header_for(label, month, created)?;
    let dsr_relative = format!("reports/dsr/{}", header.file_name());
    let mut sink = FileSink::new(tree.create_streamed(&dsr_relative)?);
    let mut totals = ReportTotals::default();
    let mut replay = |emit: &mut dyn FnMut(&SaleLine) -> Result<()>| -> Result<()> {
        let mut random = Random::for_stream(seed, "bench/dsr");
        emit_lines(label, &quotas, &dsr::LINE_PROFILE, month, fx, &mut random, emit)
    };
    dsr::write_file(&header, &mut replay, &mut sink, &mut totals)?;
    let streamed = sink.finish()?;
    tree.finish_streamed(streamed, FileRole::from_source("report", Source::Dsr.name(), Some(totals.lines)))?;
    write_truth(tree, &dsr_relative, Source::Dsr, &totals)?;
    written_lines += totals.lines;
    Ok(written_lines)
}
