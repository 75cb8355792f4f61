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
    let cli = Cli::parse();
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
