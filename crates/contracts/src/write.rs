//! Writing a contract back as a contract file, in the canonical layout of `docs/contracts.md`.
//!
//! Used by the synthetic label generator (so its files are in the format by construction) and by
//! the round-trip tests: reading what this writes gives the same contract.

use std::fmt::Write;

use ledgerline_money::{Decimal, RoundingMode};

use crate::model::{
    Conditions, Contract, CrossCollateralisation, Deal, DeductionAmount, EscalationThreshold, PayeeSettings, RateChange,
};

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// A decimal in quotes with at least `minimum_digits` fractional digits, the way people write
/// rates (`"0.10"`) and amounts (`"7500.00"`); never fewer digits than the value needs.
fn quoted_decimal(value: Decimal, minimum_digits: u32) -> String {
    quoted(&value.format_fixed(value.fractional_digits().max(minimum_digits), RoundingMode::HalfEven))
}

fn fraction(value: Decimal) -> String {
    quoted_decimal(value, 2)
}

fn list(items: &[String]) -> String {
    match items {
        [only] => quoted(only),
        _ => format!("[{}]", items.iter().map(|item| quoted(item)).collect::<Vec<_>>().join(", ")),
    }
}

fn write_conditions(out: &mut String, conditions: &Conditions) {
    let keys: [(&str, Vec<String>); 5] = [
        ("service", conditions.services.clone()),
        ("usage", conditions.usages.iter().map(|usage| usage.name().to_string()).collect()),
        ("tier", conditions.tiers.iter().map(|tier| tier.name().to_string()).collect()),
        ("territory", conditions.territories.iter().map(|territory| territory.alpha2().to_string()).collect()),
        ("configuration", conditions.configurations.iter().map(|configuration| configuration.name().to_string()).collect()),
    ];
    for (key, values) in keys {
        if !values.is_empty() {
            let _ = writeln!(out, "{key} = {}", list(&values));
        }
    }
}

fn write_settings(out: &mut String, settings: &PayeeSettings) {
    out.push_str("\n[payees.settings]\n");
    if let Some(currency) = settings.statement_currency {
        let _ = writeln!(out, "statement_currency = {}", quoted(currency.code()));
    }
    if let Some(vat) = &settings.vat {
        out.push_str("vat_registered = true\n");
        let _ = writeln!(out, "vat_number = {}", quoted(&vat.number));
        let _ = writeln!(out, "vat_rate = {}", fraction(vat.rate));
        if vat.self_billing {
            out.push_str("self_billing = true\n");
        }
    }
    if !settings.withholding_tax_rate.is_zero() {
        let _ = writeln!(out, "withholding_tax_rate = {}", fraction(settings.withholding_tax_rate));
    }
    if let Some(bank) = &settings.bank {
        out.push_str("\n[payees.settings.bank]\n");
        if let Some(holder) = &bank.account_holder {
            let _ = writeln!(out, "account_holder = {}", quoted(holder));
        }
        let _ = writeln!(out, "iban = {}", quoted(&bank.iban.to_grouped()));
        if let Some(bic) = &bank.bic {
            let _ = writeln!(out, "bic = {}", quoted(bic.as_str()));
        }
    }
}

/// The contract as a contract file.
pub fn contract_to_toml(contract: &Contract) -> String {
    let amount_digits = contract.currency.minor_digits();
    let amount = |value: Decimal| quoted_decimal(value, amount_digits);
    let mut out = String::new();
    let _ = writeln!(out, "id = {}", quoted(&contract.id));
    let _ = writeln!(out, "version = {}", contract.version);
    let _ = writeln!(out, "valid_from = {}", quoted(&contract.valid_from.to_string()));
    let _ = writeln!(out, "title = {}", quoted(&contract.title));
    let _ = writeln!(out, "deal = {}", quoted(contract.deal.name()));
    let _ = writeln!(out, "basis = {}", quoted(contract.basis.name()));
    let _ = writeln!(out, "currency = {}", quoted(contract.currency.code()));
    match &contract.cross_collateralisation {
        CrossCollateralisation::None => out.push_str("cross_collateralisation = \"none\"\n"),
        CrossCollateralisation::Payee => out.push_str("cross_collateralisation = \"payee\"\n"),
        CrossCollateralisation::Group(group) => {
            out.push_str("cross_collateralisation = \"group\"\n");
            let _ = writeln!(out, "group = {}", quoted(group));
        }
    }
    if let Some(notes) = &contract.notes {
        let _ = writeln!(out, "notes = {}", quoted(notes));
    }

    out.push_str("\n[term]\n");
    let _ = writeln!(out, "start = {}", quoted(&contract.term.start.to_string()));
    if let Some(end) = contract.term.end {
        let _ = writeln!(out, "end = {}", quoted(&end.to_string()));
    }

    out.push_str("\n[accounting]\n");
    let _ = writeln!(out, "frequency = {}", quoted(contract.accounting.frequency.name()));
    let _ = writeln!(out, "minimum_payout = {}", amount(contract.accounting.minimum_payout));

    out.push_str("\n[scope]\n");
    if !contract.scope.releases.is_empty() {
        let codes: Vec<String> = contract.scope.releases.iter().map(|code| code.as_str().to_string()).collect();
        let _ = writeln!(out, "releases = [{}]", codes.iter().map(|code| quoted(code)).collect::<Vec<_>>().join(", "));
    }
    if !contract.scope.tracks.is_empty() {
        let codes: Vec<String> = contract.scope.tracks.iter().map(|code| code.as_str().to_string()).collect();
        let _ = writeln!(out, "tracks = [{}]", codes.iter().map(|code| quoted(code)).collect::<Vec<_>>().join(", "));
    }
    let territories = &contract.scope.territories;
    if !territories.is_worldwide() || !territories.exclude.is_empty() {
        let included: Vec<String> = territories.include.iter().map(|territory| quoted(territory.alpha2())).collect();
        let _ = writeln!(out, "territories = [{}]", included.join(", "));
        if !territories.exclude.is_empty() {
            let excluded: Vec<String> = territories.exclude.iter().map(|territory| quoted(territory.alpha2())).collect();
            let _ = writeln!(out, "excluded_territories = [{}]", excluded.join(", "));
        }
    }

    for payee in &contract.payees {
        out.push_str("\n[[payees]]\n");
        let _ = writeln!(out, "party = {}", quoted(&payee.party));
        if let Some(name) = &payee.name {
            let _ = writeln!(out, "name = {}", quoted(name));
        }
        let _ = writeln!(out, "share = {}", fraction(payee.share));
        let _ = writeln!(out, "recoupable = {}", payee.recoupable);
        if payee.from_record_one {
            out.push_str("from_record_one = true\n");
        }
        if let Some(other) = &payee.recoupment_of {
            let _ = writeln!(out, "recoupment_of = {}", quoted(other));
        }
        if let Some(settings) = &payee.settings {
            write_settings(&mut out, settings);
        }
    }

    match &contract.deal {
        Deal::Royalty(terms) => {
            out.push_str("\n[royalty]\n");
            let _ = writeln!(out, "default_rate = {}", fraction(terms.rates.default_rate));
            for entry in &terms.rates.entries {
                out.push_str("\n[[royalty.rates]]\n");
                write_conditions(&mut out, &entry.conditions);
                let _ = writeln!(out, "rate = {}", fraction(entry.rate));
            }
            for step in &terms.escalations {
                out.push_str("\n[[royalty.escalations]]\n");
                match step.threshold {
                    EscalationThreshold::AfterUnits(units) => {
                        let _ = writeln!(out, "after_units = {units}");
                    }
                    EscalationThreshold::AfterReceipts(receipts) => {
                        let _ = writeln!(out, "after_receipts = {}", amount(receipts));
                    }
                    EscalationThreshold::From(date) => {
                        let _ = writeln!(out, "from = {}", quoted(&date.to_string()));
                    }
                }
                match step.change {
                    RateChange::DefaultRate(rate) => {
                        let _ = writeln!(out, "rate = {}", fraction(rate));
                    }
                    RateChange::Increase(increase) => {
                        let _ = writeln!(out, "increase = {}", fraction(increase));
                    }
                }
            }
        }
        Deal::NetProfit(terms) => {
            out.push_str("\n[net_profit]\n");
            let _ = writeln!(out, "label_share = {}", fraction(terms.label_share));
        }
    }

    for deduction in &contract.deductions {
        out.push_str("\n[[deductions]]\n");
        let _ = writeln!(out, "name = {}", quoted(&deduction.name));
        match deduction.amount {
            DeductionAmount::Rate(rate) => {
                let _ = writeln!(out, "rate = {}", fraction(rate));
            }
            DeductionAmount::PerUnit(per_unit) => {
                let _ = writeln!(out, "per_unit = {}", amount(per_unit));
            }
        }
        write_conditions(&mut out, &deduction.conditions);
    }

    for advance in &contract.advances {
        out.push_str("\n[[advances]]\n");
        let _ = writeln!(out, "amount = {}", amount(advance.amount));
        let _ = writeln!(out, "date = {}", quoted(&advance.date.to_string()));
        let _ = writeln!(out, "recoupable = {}", fraction(advance.recoupable));
        if let Some(release) = &advance.release {
            let _ = writeln!(out, "release = {}", quoted(release.as_str()));
        }
        if let Some(description) = &advance.description {
            let _ = writeln!(out, "description = {}", quoted(description));
        }
    }

    for cost in &contract.recoupable_costs {
        out.push_str("\n[[costs]]\n");
        let _ = writeln!(out, "kind = {}", quoted(&cost.kind));
        let _ = writeln!(out, "recoupable = {}", fraction(cost.recoupable));
        if let Some(release) = &cost.release {
            let _ = writeln!(out, "release = {}", quoted(release.as_str()));
        }
    }

    if let Some(reserve) = &contract.reserve {
        out.push_str("\n[reserve]\n");
        let _ = writeln!(out, "rate = {}", fraction(reserve.rate));
        let _ = writeln!(out, "release_over_periods = {}", reserve.release_over_periods);
        if !reserve.usages.is_empty() {
            let names: Vec<String> = reserve.usages.iter().map(|usage| usage.name().to_string()).collect();
            let _ = writeln!(out, "usage = {}", list(&names));
        }
    }

    for transfer in &contract.transfers {
        out.push_str("\n[[transfers]]\n");
        let _ = writeln!(out, "from = {}", quoted(&transfer.from));
        let _ = writeln!(out, "to = {}", quoted(&transfer.to));
        let _ = writeln!(out, "share = {}", fraction(transfer.share));
        let _ = writeln!(out, "of = {}", quoted(transfer.of.name()));
        if let Some(description) = &transfer.description {
            let _ = writeln!(out, "description = {}", quoted(description));
        }
    }
    out
}
