//! Measures benchmark-mode generation speed: `cargo run --release -p ledgerline-synth --example
//! generate_speed [LINES]` writes one FUGA CSV and one DSR file of LINES usage lines each
//! (default 1,000,000) into a temporary folder and prints usage lines written per second.

use std::time::Instant;

use ledgerline_synth::{generate, SynthOptions};

fn main() -> anyhow::Result<()> {
    let lines: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1_000_000,
    };
    let folder = tempfile::tempdir()?;
    let options = SynthOptions { lines: Some(lines), ..SynthOptions::default() };
    let started = Instant::now();
    let summary = generate(&options, folder.path())?;
    let elapsed = started.elapsed();
    let bytes: u64 = summary
        .files
        .iter()
        .filter_map(|file| std::fs::metadata(folder.path().join(&file.path)).ok())
        .map(|metadata| metadata.len())
        .sum();
    let per_second = u128::from(summary.report_lines) * 1_000_000 / elapsed.as_micros().max(1);
    println!(
        "{} usage lines ({} MB on disk) in {} ms: {per_second} lines per second",
        summary.report_lines,
        bytes / 1_000_000,
        elapsed.as_millis()
    );
    Ok(())
}
