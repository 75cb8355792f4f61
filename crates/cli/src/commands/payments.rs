//! `ledgerline payments import|add|sepa`: payments to payees and the SEPA file.

use std::fmt::Write as _;

use ledgerline_contracts::{Bic, Iban};
use ledgerline_model::Date;
use ledgerline_money::{Currency, Decimal, RoundingMode};
use ledgerline_payments::{amount_reason, read_payments, LeftOut, PartyId};
use ledgerline_run::{EarlierFile, NewPayment, Overpaying, PaymentsRecorded, RunError};
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
            // Bank records of money already sent: recorded, with a warning per overpaid payee.
            let outcome =
                ledgerline_run::record_payments(&mut home.open()?, &new, Overpaying::Record)
                    .map_err(refusal)?;
            report_recorded(output, &outcome)
        }
        PaymentsCommand::Add {
            payee,
            amount,
            currency,
            date,
            reference,
            overpay,
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
                    format!("--amount: {}", amount_reason(amount, &error, "the currency goes in --currency")),
                    format!("ledgerline payments add --payee {payee} --amount 1250.00 --date YYYY-MM-DD, with a point before the decimals and no thousands separators"),
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
                source: ledgerline_run::MANUAL_SOURCE.to_string(),
            };
            // Typed by hand: an amount above what is payable is a typo until --overpay says not.
            let overpaying = if *overpay {
                Overpaying::Record
            } else {
                Overpaying::Refuse
            };
            let outcome = ledgerline_run::record_payments(&mut ledger, &[payment], overpaying)
                .map_err(refusal)?;
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
            let now = ledgerline_store::utc_timestamp_now();
            let request = ledgerline_run::SepaRequest {
                period: parse_period(period)?,
                // Today (UTC) when left out: a bank executes it on its next business day.
                execution_date: Date::parse(execution_date.as_deref().unwrap_or(&now[..10]))
                    .map_err(|error| {
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
            let file = ledgerline_run::sepa_file_with(&home.open()?, &request, &now, |xml| {
                std::fs::write(out, xml).map_err(|error| RunError::Refused {
                    message: format!("{}: cannot write: {error}", out.display()),
                    hint: "choose a writable path".to_string(),
                })
            })
            .map_err(refusal)?;
            let document = SepaReport {
                file: out.display().to_string(),
                message_id: file.message_id,
                created_at: file.created_at,
                execution_date: file.execution_date,
                transfers: file.transfers,
                total: file.total,
                left_out: file.left_out,
                earlier_files: file.earlier_files,
            };
            output.report(&document, |document| {
                let mut text = format!(
                    "{}: {} credit transfers, {} EUR in total, to be executed on {} (message id {}).\n",
                    document.file,
                    document.transfers,
                    document.total.format_fixed(2, RoundingMode::HalfEven),
                    document.execution_date,
                    document.message_id
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
                if !document.earlier_files.is_empty() {
                    let earlier: Vec<String> = document
                        .earlier_files
                        .iter()
                        .map(|earlier| format!("{} ({})", earlier.message_id, earlier.created_at))
                        .collect();
                    let _ = writeln!(
                        text,
                        "warning: SEPA files for {} were written before: {}; if one of them went to the bank, record its payments (ledgerline payments import FILE) before sending this one, or its payees are paid twice",
                        period,
                        earlier.join(", ")
                    );
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
    message_id: String,
    created_at: String,
    execution_date: String,
    transfers: usize,
    total: Decimal,
    left_out: Vec<LeftOut>,
    earlier_files: Vec<EarlierFile>,
}

fn report_recorded(output: Output, outcome: &PaymentsRecorded) -> anyhow::Result<u8> {
    output.report(outcome, |outcome| {
        let mut text = format!(
            "{} payments recorded, {} already recorded.\n",
            outcome.recorded, outcome.already_recorded
        );
        for overpaid in &outcome.overpaid {
            let _ = writeln!(text, "warning: {overpaid}");
        }
        for unchecked in &outcome.unchecked {
            let _ = writeln!(text, "warning: {unchecked}");
        }
        text
    })?;
    Ok(0)
}
