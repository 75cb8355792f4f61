use std::fmt::Write;

use ledgerline_synth::{generate, SynthOptions, SynthSummary};

use crate::args::SynthArgs;
use crate::output::Output;

pub fn options_from(arguments: &SynthArgs) -> SynthOptions {
    SynthOptions {
        seed: arguments.seed,
        artists: arguments.artists,
        months: arguments.months,
        lines: arguments.lines,
        ..SynthOptions::default()
    }
}

pub fn render(summary: &SynthSummary) -> String {
    let mut text = String::new();
    let reports = summary.files.iter().filter(|file| file.kind == "report").count();
    let _ = writeln!(
        text,
        "Generated {} releases, {} tracks, {} parties, {} contracts and {reports} reports ({} sale lines).",
        summary.releases, summary.tracks, summary.parties, summary.contracts, summary.report_lines
    );
    text
}

pub fn run(arguments: &SynthArgs, output: Output) -> anyhow::Result<u8> {
    let spinner = output.spinner("generating the synthetic label");
    let summary = generate(&options_from(arguments), &arguments.out)?;
    spinner.finish_and_clear();
    output.report(&summary, |summary| format!("{}Written to {}\n", render(summary), arguments.out.display()))?;
    Ok(0)
}
