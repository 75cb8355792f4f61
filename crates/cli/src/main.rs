//! The `ledgerline` binary: argument parsing, output and exit codes over the library crates.
//!
//! Exit codes: 0 success, 1 refused or bad input (the message says what and where, often with a
//! `hint:`), 2 usage error (from the argument parser).

mod args;
mod commands;
mod home;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::output::{Output, Refusal};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let output = Output { json: cli.json };
    let result = match &cli.command {
        Command::Init(arguments) => commands::init::run(&cli, arguments, output),
        Command::Check => commands::check::run(&cli, output),
        Command::Fx(command) => commands::fx::run(&cli, command, output),
        Command::Unmatched => commands::suspense::run_unmatched(&cli, output),
        Command::Alias(arguments) => commands::suspense::run_alias(&cli, arguments, output),
        Command::Import(arguments) => commands::import::run(&cli, arguments, output),
        Command::Catalog(command) => commands::catalog::run(&cli, command, output),
        Command::Contracts(arguments) => commands::contracts::run(&cli, arguments, output),
        Command::Costs(command) => commands::royalties::run_costs(&cli, command, output),
        Command::Run(arguments) => commands::royalties::run_period(&cli, arguments, output),
        Command::Close(arguments) => commands::royalties::run_close(&cli, arguments, output),
        Command::Payments(command) => commands::payments::run(&cli, command, output),
        Command::Explain(arguments) => commands::royalties::run_explain(&cli, arguments, output),
        Command::Statements(arguments) => commands::statements::run_statements(&cli, arguments, output),
        Command::Verify(arguments) => commands::statements::run_verify(&cli, arguments, output),
        Command::Value(arguments) => commands::value::run(&cli, arguments, output),
        Command::Synth(arguments) => commands::synth::run(arguments, output),
        Command::Demo(arguments) => commands::demo::run(&cli, arguments, output),
        Command::Serve(arguments) => commands::serve::run_serve(&cli, arguments),
        Command::Users(command) => commands::serve::run_users(&cli, command, output),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            report_error(&error, output);
            ExitCode::from(1)
        }
    }
}

/// A usage error (or `--help`, `--version`) from the argument parser: printed as clap prints it,
/// and with `--json` anywhere among the arguments also as the JSON error document, exit code 2.
fn usage_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let _ = error.print();
    if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return ExitCode::SUCCESS;
    }
    let json = std::env::args_os().skip(1).take_while(|argument| argument != "--").any(|argument| argument == "--json");
    if json {
        let (message, usage) = usage_parts(&error.render().to_string());
        let hint = match usage {
            Some(usage) => format!("usage: {usage}; add --help for every option"),
            None => "add --help for every option".to_string(),
        };
        let document = serde_json::json!({ "error": message, "causes": Vec::<String>::new(), "hint": hint });
        println!("{document:#}");
    }
    ExitCode::from(2)
}

/// The message of a rendered clap error (without its `error: `) and its usage line, if any.
fn usage_parts(text: &str) -> (String, Option<String>) {
    let mut message = Vec::new();
    let mut usage = None;
    let mut in_message = true;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("Usage: ") {
            usage = Some(rest.trim().to_string());
            in_message = false;
        } else if line.trim().is_empty() {
            in_message = in_message && message.is_empty();
        } else if in_message {
            message.push(line.strip_prefix("error: ").unwrap_or(line).trim().to_string());
        }
    }
    (message.join(" "), usage)
}

fn report_error(error: &anyhow::Error, output: Output) {
    let hint = error.downcast_ref::<Refusal>().and_then(|refusal| refusal.hint.clone());
    let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
    eprintln!("error: {error}");
    for cause in &causes {
        eprintln!("  caused by: {cause}");
    }
    if let Some(hint) = &hint {
        eprintln!("hint: {hint}");
    }
    if output.json {
        let document = serde_json::json!({ "error": error.to_string(), "causes": causes, "hint": hint });
        println!("{document:#}");
    }
}
