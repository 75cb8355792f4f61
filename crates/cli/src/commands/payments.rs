//! `ledgerline payments import|add|sepa`: payments to payees and the SEPA file.

use std::fmt::Write as _;

use ledgerline_contracts::{Bic, Iban};
use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal, RoundingMode};
use ledgerline_payments::{read_payments, LeftOut, PartyId};
use ledgerline_run::{NewPayment, PaymentsRecorded};
use serde::Serialize;

use crate::args::{Cli, PaymentsCommand};
use crate::commands::royalties::{parse_period, refusal};
use crate::home::Home;
use crate::output::{refuse, Output};

pub fn run(cli: &Cli, command: &PaymentsCommand, output: Output) -> anyhow::Result<u8> {
    let home = Home::new(&cli.home);
    match command {
        PaymentsCommand::Import { file } => {
            let label = file.display().to_string();
            let text = std::fs::read_to_string(file).map_err(|error| {
                refuse(
                    format!("{label}: cannot read: {error}"),
                    "give a UTF-8 CSV file",
                )
            })?;
            let payments = read_payments(&text, &label).map_err(|problems| {
                refuse(
                    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
                    "the columns are date, payee, amount, currency, reference, period (see docs/payments.md)",
                )
            })?;
            let new: Vec<NewPayment<'_>> = payments
                .iter()
                .map(|payment| NewPayment {
                    date: payment.date.to_string(),
                    payee: payment.payee.as_str(),
                    amount: payment.amount,
                    currency: payment.currency,
                    reference: payment.reference.as_deref().unwrap_or(""),
                    period: payment.period.map(|period| period.to_string()),
                    source: format!("{label}:{}", payment.line),
                })
                .collect();
            let outcome =
                ledgerline_run::record_payments(&mut home.open()?, &new).map_err(refusal)?;
            report_recorded(output, &outcome)
        }
        PaymentsCommand::Add {
            payee,
            amount,
            currency,
            date,
            reference,
        } => {
            let mut ledger = home.open()?;
            PartyId::parse(payee).map_err(|problem| {
                refuse(
                    format!("--payee: {problem}"),
                    "give the party id, as in parties.csv",
                )
            })?;
            let amount = Decimal::parse(amount).map_err(|error| {
                refuse(
                    format!("--amount: \"{amount}\" {error}"),
                    "write a decimal such as 120.50",
                )
            })?;
            let currency = match currency {
                Some(code) => Currency::parse(code).map_err(|error| {
                    refuse(
                        format!("--currency: {error}"),
                        "an ISO 4217 code such as EUR",
                    )
                })?,
                None => {
                    ledgerline_run::settings(&ledger)
                        .map_err(refusal)?
                        .accounting_currency
                }
            };
            let date = Date::parse(date).map_err(|error| {
                refuse(format!("--date: {error}"), "write the date as YYYY-MM-DD")
            })?;
            let payment = NewPayment {
                date: date.to_string(),
                payee,
                amount,
                currency,
                reference,
                period: None,
                source: "manual".to_string(),
            };
            let outcome =
                ledgerline_run::record_payments(&mut ledger, &[payment]).map_err(refusal)?;
            report_recorded(output, &outcome)
        }
        PaymentsCommand::Sepa {
            period,
            out,
            execution_date,
            debtor_iban,
            debtor_bic,
            debtor_name,
        } => {
            let request = ledgerline_run::SepaRequest {
                period: parse_period(period)?,
                execution_date: Date::parse(execution_date).map_err(|error| {
                    refuse(format!("--execution-date: {error}"), "write YYYY-MM-DD")
                })?,
                debtor_iban: Iban::parse(debtor_iban).map_err(|problem| {
                    refuse(
                        format!("--debtor-iban: {problem}"),
                        "the label's own account",
                    )
                })?,
                debtor_bic: debtor_bic.as_deref().map(Bic::parse).transpose().map_err(
                    |problem| refuse(format!("--debtor-bic: {problem}"), "8 or 11 characters"),
                )?,
                debtor_name: debtor_name.clone(),
            };
            let file = ledgerline_run::sepa_file(&home.open()?, &request).map_err(refusal)?;
            std::fs::write(out, &file.xml).map_err(|error| {
                refuse(
                    format!("{}: cannot write: {error}", out.display()),
                    "choose a writable path",
                )
            })?;
            let document = SepaReport {
                file: out.display().to_string(),
                transfers: file.transfers,
                total: file.total,
                left_out: file.left_out,
            };
            output.report(&document, |document| {
                let mut text = format!(
                    "{}: {} credit transfers, {} EUR in total.\n",
                    document.file,
                    document.transfers,
                    document.total.format_fixed(2, RoundingMode::HalfEven)
                );
                if !document.left_out.is_empty() {
                    let _ = writeln!(text, "Left out:");
                    for left in &document.left_out {
                        let _ = writeln!(
                            text,
                            "  {} {}: {} {} ({})",
                            left.party_id.as_str(),
                            left.name,
                            left.payable,
                            left.currency,
                            left.reason
                        );
                    }
                }
                text
            })?;
            Ok(0)
        }
    }
}

#[derive(Serialize)]
struct SepaReport {
    file: String,
    transfers: usize,
    total: Decimal,
    left_out: Vec<LeftOut>,
}

fn report_recorded(output: Output, outcome: &PaymentsRecorded) -> anyhow::Result<u8> {
    output.report(outcome, |outcome| {
        format!(
            "{} payments recorded, {} already recorded.\n",
            outcome.recorded, outcome.already_recorded
        )
    })?;
    Ok(0)
}
