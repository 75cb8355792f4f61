//! `ledgerline demo`: a generated label taken through every step Ledgerline has so far.
//!
//! It grows with each capability: today it creates the home, generates the label into
//! `inbox/` inside it and checks the ledger; import, royalty runs, statements and the portal join
//! as they land.

use std::fmt::Write;

use ledgerline_money::{Currency, RoundingMode};
use ledgerline_synth::{generate, SynthOptions, SynthSummary};
use serde::Serialize;

use crate::args::{Cli, DemoArgs};
use crate::commands::check::{check_ledger, CheckReport};
use crate::commands::init::LabelSettings;
use crate::home::Home;
use crate::output::{refuse, Output};

/// Folder inside the home where the demo writes the generated label's files.
const INBOX_FOLDER: &str = "inbox";
const DEMO_LABEL_NAME: &str = "Northern Lights Records (demo)";

#[derive(Serialize)]
struct DemoReport {
    home: String,
    inbox: String,
    label_name: String,
    generated: SynthSummary,
    check: CheckReport,
    next_steps: Vec<String>,
}

/// Makes `home` a fresh demo home. An earlier demo home is replaced; anything else is refused,
/// so the demo never deletes a real ledger or unrelated files.
fn prepare_fresh_home(home: &Home) -> anyhow::Result<()> {
    if home.is_initialised() {
        let is_demo = home.open()?.setting("demo")?.as_deref() == Some("true");
        if !is_demo {
            return Err(refuse(
                format!("{} holds a ledger that is not a demo; the demo will not touch it", home.path.display()),
                "run the demo elsewhere: `ledgerline --home /tmp/ledgerline-demo demo`",
            ));
        }
        std::fs::remove_dir_all(&home.path)?;
    } else if home.path.exists() && std::fs::read_dir(&home.path)?.next().is_some() {
        return Err(refuse(
            format!("{} exists and is not empty", home.path.display()),
            "give the demo an empty or new folder with --home DIR",
        ));
    }
    Ok(())
}

fn render(report: &DemoReport) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "Ledgerline demo: {}", report.label_name);
    let _ = writeln!(text, "  home: {}", report.home);
    let _ = write!(text, "  1. generated the label into {}: {}", report.inbox, crate::commands::synth::render(&report.generated));
    let mut sources: Vec<&str> = report.generated.files.iter().filter_map(|file| file.source.as_deref()).collect();
    sources.sort_unstable();
    sources.dedup();
    let _ = writeln!(text, "     report formats: {}", sources.join(", "));
    let _ = writeln!(
        text,
        "  2. checked the ledger: {} (schema {}, {} postings)",
        if report.check.ok { "ok" } else { "PROBLEMS" },
        report.check.schema_version,
        report.check.trial_balance.postings
    );
    let _ = writeln!(text, "Where to look:");
    for step in &report.next_steps {
        let _ = writeln!(text, "  - {step}");
    }
    text
}

pub fn run(cli: &Cli, arguments: &DemoArgs, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    prepare_fresh_home(&home)?;
    let ledger = home.create()?;
    LabelSettings {
        label_name: DEMO_LABEL_NAME.to_string(),
        accounting_currency: Currency::EUR,
        rounding_mode: RoundingMode::HalfEven,
    }
    .store(&ledger)?;
    ledger.set_setting("demo", "true")?;

    let inbox = home.path.join(INBOX_FOLDER);
    let spinner = output.spinner("generating the demo label");
    let generated = generate(&SynthOptions { seed: arguments.seed, ..SynthOptions::default() }, &inbox)?;
    spinner.finish_and_clear();

    let check = check_ledger(&ledger)?;
    let ok = check.ok;
    let report = DemoReport {
        home: home.path.display().to_string(),
        inbox: inbox.display().to_string(),
        label_name: DEMO_LABEL_NAME.to_string(),
        next_steps: vec![
            format!("the catalog, contracts, costs and FX rates: {}/catalog, contracts, costs, fx", inbox.display()),
            format!("the sales reports, one folder per source: {}/reports", inbox.display()),
            format!("what each report contains, exactly: {}/truth", inbox.display()),
            format!("the ledger: `ledgerline --home {} check`", home.path.display()),
        ],
        generated,
        check,
    };
    output.report(&report, render)?;
    Ok(if ok { 0 } else { 1 })
}
