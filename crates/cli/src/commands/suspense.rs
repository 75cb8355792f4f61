//! `ledgerline unmatched` and `ledgerline alias`: the suspense queue and how it is worked off.

use std::fmt::Write;

use ledgerline_import::suspense::{add_alias, unmatched_groups, AliasOutcome, AliasTarget, UnmatchedGroup};
use ledgerline_model::{Icpn, Isrc};
use serde::Serialize;

use crate::args::{AliasArgs, Cli};
use crate::home::{Home, LAKE_FOLDER};
use crate::output::{counted, refuse, Output};

#[derive(Serialize)]
struct UnmatchedReport {
    groups: Vec<UnmatchedGroup>,
    lines: u64,
}

fn render_unmatched(report: &UnmatchedReport) -> String {
    let mut text = String::new();
    if report.groups.is_empty() {
        return "Every imported line matches the catalog.\n".to_string();
    }
    let _ = writeln!(
        text,
        "{} in {} (most lines first):",
        counted(report.lines, "unmatched line", "unmatched lines"),
        counted(report.groups.len() as u64, "group", "groups")
    );
    for group in &report.groups {
        let net: Vec<String> = group
            .net
            .iter()
            .map(|(currency, amount)| format!("{} {currency}", amount.format_fixed(2, ledgerline_money::RoundingMode::HalfEven)))
            .collect();
        let _ = writeln!(
            text,
            "  {} {}: {}, {} units, {} — \"{}\" by {} ({})",
            group.identifier_kind,
            if group.identifier.is_empty() { "(none)" } else { &group.identifier },
            counted(group.lines, "line", "lines"),
            group.units,
            net.join(", "),
            group.track_title,
            group.artist,
            group.sources.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let _ = writeln!(text, "Resolve a group with `ledgerline alias IDENTIFIER --track ISRC` (or --release UPC).");
    text
}

pub fn run_unmatched(cli: &Cli, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    let ledger = home.open()?;
    let groups = unmatched_groups(&ledger, &home.path.join(LAKE_FOLDER))?;
    let lines = groups.iter().map(|group| group.lines).sum();
    output.report(&UnmatchedReport { groups, lines }, render_unmatched)?;
    Ok(0)
}

pub fn run_alias(cli: &Cli, arguments: &AliasArgs, output: Output) -> anyhow::Result<u8> {
    let target = match (&arguments.track, &arguments.release) {
        (Some(isrc), None) => AliasTarget::Track(
            Isrc::parse(isrc).map_err(|error| refuse(format!("--track: {error}"), "give the catalog track's ISRC"))?,
        ),
        (None, Some(upc)) => AliasTarget::Release(
            Icpn::parse(upc).map_err(|error| refuse(format!("--release: {error}"), "give the catalog release's UPC or EAN"))?,
        ),
        _ => return Err(refuse("say what the identifier stands for", "add --track ISRC or --release UPC (one of them)")),
    };
    let home = Home::new(&cli.home);
    let mut ledger = home.open()?;
    let outcome = add_alias(&mut ledger, &home.path.join(LAKE_FOLDER), &arguments.identifier, &target)?;
    output.report(&outcome, |outcome: &AliasOutcome| {
        format!(
            "{} \"{}\" → {}; {} unmatched lines now match.\n",
            if outcome.created { "Aliased" } else { "Already aliased:" },
            outcome.identifier,
            outcome.target,
            outcome.lines_resolved
        )
    })?;
    Ok(0)
}
