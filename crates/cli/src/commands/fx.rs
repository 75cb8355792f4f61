//! `ledgerline fx import FILE`: monthly exchange rates into the ledger.

use ledgerline_import::fx::{import_fx_rates, read_fx_rates, FxImport};

use crate::args::{Cli, FxCommand};
use crate::home::Home;
use crate::output::{refuse, Output};

/// Reads and stores one rate table.
pub fn import_file(home: &Home, path: &std::path::Path, replace: bool) -> anyhow::Result<FxImport> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| refuse(format!("{label}: cannot read: {error}"), "give a UTF-8 CSV file"))?;
    let rates = read_fx_rates(&text, &label).map_err(|problems| {
        refuse(problems.join("\n"), "the layout is month,from,to,rate with one row per month and currency pair, rates with a decimal point (docs/formats.md, \"Exchange rates\")")
    })?;
    let mut ledger = home.open()?;
    Ok(import_fx_rates(&mut ledger, &rates, &label, replace)?)
}

pub fn run(cli: &Cli, command: &FxCommand, output: Output) -> anyhow::Result<u8> {
    match command {
        FxCommand::Import { file, replace } => {
            let outcome = import_file(&Home::new(&cli.home), file, *replace)?;
            output.report(&outcome, |outcome| {
                let span = match (outcome.first_month, outcome.last_month) {
                    (Some(first), Some(last)) => format!(" for {first} to {last}"),
                    _ => String::new(),
                };
                let mut text =
                    format!("{}: {} rates added, {} already known{span}.\n", outcome.file, outcome.added, outcome.unchanged);
                for warning in &outcome.warnings {
                    text.push_str(&format!("    warning: {warning}\n"));
                }
                for replaced in &outcome.replaced {
                    text.push_str(&format!(
                        "    {} {}→{}: {} replaced by {} (no closed period used it)\n",
                        replaced.month, replaced.from, replaced.to, replaced.before, replaced.now
                    ));
                }
                text
            })?;
            Ok(0)
        }
    }
}
