//! The contract in plain language: who gets what, on what, paying back what.
//!
//! Shown by `ledgerline contracts show` and meant to be printed on statements, so it is written
//! for the artist reading their statement, not for the engineer: percentages rather than
//! fractions, names rather than keys, and every term of the contract in one place.

use std::fmt::Write;

use ledgerline_model::Territory;
use ledgerline_money::{Currency, Decimal, RoundingMode};

use crate::model::{
    Basis, Conditions, Configuration, Contract, CrossCollateralisation, Deal, DeductionAmount, EscalationThreshold, Payee,
    RateChange, TerritoryScope, TransferBase, Usage,
};
use crate::splits::Parties;

/// A fraction as a percentage: 0.185 is `18.5%`.
pub fn percent(fraction: Decimal) -> String {
    match fraction.checked_mul_integer(100) {
        Some(hundredfold) => format!("{hundredfold}%"),
        None => format!("{fraction} (as a fraction)"),
    }
}

/// Digits grouped by thousands with commas: `1234567.50` is `1,234,567.50`.
fn grouped(number: &str) -> String {
    let (sign, unsigned) = number.strip_prefix('-').map_or(("", number), |rest| ("-", rest));
    let (whole, fraction) = unsigned.split_once('.').map_or((unsigned, None), |(whole, fraction)| (whole, Some(fraction)));
    let mut out = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{out}.{fraction}"),
        None => format!("{sign}{out}"),
    }
}

/// An amount with the currency's minor digits (more only if the contract wrote more).
pub fn money(amount: Decimal, currency: Currency) -> String {
    let digits = amount.fractional_digits().max(currency.minor_digits());
    format!("{} {}", grouped(&amount.format_fixed(digits, RoundingMode::HalfEven)), currency.code())
}

fn join_words(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

fn usage_plural(usage: Usage) -> &'static str {
    match usage {
        Usage::Stream => "streams",
        Usage::Download => "downloads",
        Usage::Physical => "physical sales",
        Usage::Ugc => "user-generated content",
        Usage::Other => "other uses",
    }
}

fn configuration_plural(configuration: Configuration) -> &'static str {
    match configuration {
        Configuration::Album => "albums",
        Configuration::Ep => "EPs",
        Configuration::Single => "singles",
        Configuration::Compilation => "compilations",
        Configuration::Track => "tracks sold on their own",
        Configuration::Video => "videos",
    }
}

/// `downloads on Bandcamp in the United States` and the like; `sales` when nothing is named.
fn sales_phrase(conditions: &Conditions) -> String {
    let usages: Vec<String> = conditions.usages.iter().map(|usage| usage_plural(*usage).to_string()).collect();
    let mut phrase = if usages.is_empty() { "sales".to_string() } else { join_words(&usages, "and") };
    if !conditions.configurations.is_empty() {
        let configurations: Vec<String> =
            conditions.configurations.iter().map(|configuration| configuration_plural(*configuration).to_string()).collect();
        let _ = write!(phrase, " of {}", join_words(&configurations, "and"));
    }
    if !conditions.services.is_empty() {
        let _ = write!(phrase, " on {}", join_words(&conditions.services, "or"));
    }
    if !conditions.tiers.is_empty() {
        let tiers: Vec<String> = conditions.tiers.iter().map(|tier| tier.name().to_string()).collect();
        let _ = write!(phrase, " in the {} tier{}", join_words(&tiers, "or"), if tiers.len() > 1 { "s" } else { "" });
    }
    if !conditions.territories.is_empty() {
        let places: Vec<String> = conditions.territories.iter().map(|territory| place(*territory)).collect();
        let _ = write!(phrase, " in {}", join_words(&places, "or"));
    }
    phrase
}

/// A country's name as it reads in a sentence: "the United States", "Germany".
fn place(territory: Territory) -> String {
    let name = territory.english_name();
    let takes_the = name.starts_with("United ")
        || name.ends_with(" Islands")
        || name.ends_with(" Republic")
        || ["Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Comoros", "Seychelles"].contains(&name);
    if takes_the {
        format!("the {name}")
    } else {
        name.to_string()
    }
}

fn territory_phrase(territories: &TerritoryScope) -> String {
    let names = |list: &[Territory]| -> Vec<String> { list.iter().map(|territory| place(*territory)).collect() };
    let worldwide = territories.include.iter().any(|territory| territory.is_worldwide());
    match (worldwide, territories.exclude.is_empty()) {
        (true, true) => "worldwide".to_string(),
        (true, false) => format!("worldwide except {}", join_words(&names(&territories.exclude), "and")),
        (false, _) => format!("in {} only", join_words(&names(&territories.include), "and")),
    }
}

fn basis_phrase(basis: Basis) -> &'static str {
    match basis {
        Basis::NetReceipts => "net receipts (what the label receives)",
        Basis::GrossReceipts => "gross receipts (what the store charged)",
    }
}

/// `net_profit`: in a net-profit deal costs come out of the profit before the split, so a
/// payee pays back only advances from their share.
fn payee_terms(payee: &Payee, sole_payee: bool, net_profit: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    if payee.recoupable {
        let part = if sole_payee { "" } else { "their part of " };
        let what = if net_profit { "advances" } else { "advances and recoupable costs" };
        parts.push(format!("pays back {part}the {what} before being paid"));
    }
    if payee.from_record_one {
        let whose = match &payee.recoupment_of {
            Some(other) => format!("contract {other}"),
            None => "this contract".to_string(),
        };
        parts.push(format!("is paid only once {whose} has recouped, and then for every unit from the first"));
    } else if !payee.recoupable {
        parts.push("is paid from the first unit sold, paying back nothing".to_string());
    }
    join_words(&parts, "and")
}

fn settings_phrase(payee: &Payee) -> Option<String> {
    let settings = payee.settings.as_ref()?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(currency) = settings.statement_currency {
        parts.push(format!("statements in {}", currency.code()));
    }
    match &settings.vat {
        Some(vat) => parts.push(format!(
            "VAT registered ({}) at {}{}",
            vat.number,
            percent(vat.rate),
            if vat.self_billing { ", invoiced by self-billing" } else { "" }
        )),
        None => parts.push("not VAT registered".to_string()),
    }
    if !settings.withholding_tax_rate.is_zero() {
        parts.push(format!("{} withholding tax", percent(settings.withholding_tax_rate)));
    }
    if let Some(bank) = &settings.bank {
        // Only the country, check digits and last four characters: the description is shown on
        // screens and statements, where the whole account number is not needed.
        let iban = bank.iban.as_str();
        let last_four = iban.get(iban.len().saturating_sub(4)..).unwrap_or("");
        let first_four = iban.get(0..4).unwrap_or("");
        parts.push(format!("paid to account {first_four} … {last_four}"));
    }
    Some(format!("{}: {}.", payee.label(), join_words(&parts, "and")))
}

/// The contract in plain language, several short paragraphs ending in a newline. Payees are
/// named as the contract names them (`Ines Petit (P009)`), or by their id alone.
pub fn describe(contract: &Contract) -> String {
    describe_named(contract, None)
}

/// [`describe`] with the parties' names from the ledger: a payee or transfer recipient the
/// ledger knows is `Ines Petit (P009)` even when the contract gives no name (the ledger's name
/// wins over the contract's, as it is the one statements carry).
pub fn describe_with_parties(contract: &Contract, parties: &Parties) -> String {
    let mut named = contract.clone();
    for payee in &mut named.payees {
        if let Some(name) = parties.get(&payee.party) {
            payee.name = Some(name.clone());
        }
    }
    describe_named(&named, Some(parties))
}

fn describe_named(contract: &Contract, parties: Option<&Parties>) -> String {
    let currency = contract.currency;
    let mut out = String::new();
    let _ = writeln!(out, "{} version {} (in force from {}): {}", contract.id, contract.version, contract.valid_from, contract.title);
    let deal_name = match contract.deal {
        Deal::Royalty(_) => "A royalty deal",
        Deal::NetProfit(_) => "A net-profit deal",
    };
    let end = match contract.term.end {
        Some(end) => format!("to {end}; sales after that date are not covered"),
        None => "with no end date".to_string(),
    };
    let _ = writeln!(
        out,
        "{deal_name} in {}, accounted {}. It runs from {} {end}.",
        currency.code(),
        contract.accounting.frequency.name(),
        contract.term.start
    );

    let mut covered: Vec<String> = Vec::new();
    if !contract.scope.releases.is_empty() {
        let codes: Vec<&str> = contract.scope.releases.iter().map(|code| code.as_str()).collect();
        let noun = if codes.len() == 1 { "release" } else { "releases" };
        covered.push(format!("{} {noun} ({})", codes.len(), codes.join(", ")));
    }
    if !contract.scope.tracks.is_empty() {
        let codes: Vec<&str> = contract.scope.tracks.iter().map(|code| code.as_str()).collect();
        let noun = if codes.len() == 1 { "track" } else { "tracks" };
        covered.push(format!("{} {noun} ({})", codes.len(), codes.join(", ")));
    }
    let _ = writeln!(out, "It covers {}, {}.", join_words(&covered, "and"), territory_phrase(&contract.scope.territories));

    out.push('\n');
    let base = if contract.deductions.is_empty() {
        basis_phrase(contract.basis).to_string()
    } else {
        format!("{} after the deductions below", basis_phrase(contract.basis))
    };
    match &contract.deal {
        Deal::Royalty(terms) => {
            let _ = writeln!(out, "Royalty: {} of {base}.", percent(terms.rates.default_rate));
            if !terms.rates.entries.is_empty() {
                out.push_str("Except (when several apply, the most specific wins):\n");
                for entry in &terms.rates.entries {
                    let _ = writeln!(out, "- {} for {}", percent(entry.rate), sales_phrase(&entry.conditions));
                }
            }
            if !terms.escalations.is_empty() {
                out.push_str("The rates go up:\n");
                for step in &terms.escalations {
                    let when = match step.threshold {
                        EscalationThreshold::AfterUnits(units) => format!("once {} units have been sold", grouped(&units.to_string())),
                        EscalationThreshold::AfterReceipts(amount) => format!("once receipts reach {}", money(amount, currency)),
                        EscalationThreshold::From(date) => format!("for sales from {date}"),
                    };
                    let what = match step.change {
                        RateChange::DefaultRate(rate) => format!("the default rate becomes {}", percent(rate)),
                        RateChange::Increase(increase) => format!("every rate goes up by {} points", increase.checked_mul_integer(100).unwrap_or(increase)),
                    };
                    let _ = writeln!(out, "- {when}, {what}");
                }
            }
        }
        Deal::NetProfit(terms) => {
            let payees_part = Decimal::ONE - terms.label_share;
            let _ = writeln!(
                out,
                "The net profit is {base}, minus the costs below. It is split {} to the label and {} to the payees.",
                percent(terms.label_share),
                percent(payees_part)
            );
        }
    }
    if !contract.deductions.is_empty() {
        out.push_str("Deducted first:\n");
        for deduction in &contract.deductions {
            let amount = match deduction.amount {
                DeductionAmount::Rate(rate) => format!("{} of the receipts", percent(rate)),
                DeductionAmount::PerUnit(per_unit) => format!("{} per unit", money(per_unit, currency)),
            };
            let applies = if deduction.conditions.is_empty() { String::new() } else { format!(" on {}", sales_phrase(&deduction.conditions)) };
            let _ = writeln!(out, "- {}: {amount}{applies}", deduction.name);
        }
    }

    out.push('\n');
    let net_profit = matches!(contract.deal, Deal::NetProfit(_));
    let share_of = match contract.deal {
        Deal::Royalty(_) => "of the royalty",
        Deal::NetProfit(_) => "of the payees' part",
    };
    if let [only] = contract.payees.as_slice() {
        let _ = writeln!(out, "Paid to {}, who {}.", only.label(), payee_terms(only, true, net_profit));
    } else {
        out.push_str("Shared between:\n");
        for payee in &contract.payees {
            let _ = writeln!(out, "- {}: {} {share_of}; {}", payee.label(), percent(payee.share), payee_terms(payee, false, net_profit));
        }
    }
    for transfer in &contract.transfers {
        let from = contract.payee(&transfer.from).map_or(transfer.from.clone(), Payee::label);
        let base = match transfer.of {
            TransferBase::Payable => "is paid",
            TransferBase::Earnings => "earns, before recoupment,",
        };
        let why = transfer.description.as_ref().map_or(String::new(), |description| format!(" ({description})"));
        let to = match (contract.payee(&transfer.to), parties.and_then(|known| known.get(&transfer.to))) {
            (Some(payee), _) => payee.label(),
            (None, Some(name)) => format!("{name} ({})", transfer.to),
            (None, None) => transfer.to.clone(),
        };
        let _ = writeln!(out, "{} of what {from} {base} goes to {to}{why}.", percent(transfer.share));
    }

    let recoups = !contract.advances.is_empty() || !contract.recoupable_costs.is_empty();
    if recoups {
        out.push('\n');
    }
    for advance in &contract.advances {
        let recoupable = if advance.recoupable == Decimal::ONE {
            "recoupable in full".to_string()
        } else if advance.recoupable.is_zero() {
            "not recoupable".to_string()
        } else {
            format!("{} recoupable", percent(advance.recoupable))
        };
        let from_what = match &advance.release {
            Some(release) => format!(" from the earnings of release {release}"),
            None => String::new(),
        };
        let what = advance.description.as_ref().map_or(String::new(), |description| format!(" ({description})"));
        let _ = writeln!(out, "Advance of {} paid {}{what}, {recoupable}{from_what}.", money(advance.amount, currency), advance.date);
    }
    if !contract.recoupable_costs.is_empty() {
        let costs: Vec<String> = contract
            .recoupable_costs
            .iter()
            .map(|cost| {
                let part = if cost.recoupable == Decimal::ONE { "in full".to_string() } else { percent(cost.recoupable) };
                let release = cost.release.as_ref().map_or(String::new(), |release| format!(" of release {release}"));
                format!("{} costs{release} {part}", cost.kind.replace('_', " "))
            })
            .collect();
        let lead = if net_profit { "Costs taken out of the profit before it is split" } else { "Costs paid back from earnings" };
        let _ = writeln!(out, "{lead}: {}. Other costs are the label's.", join_words(&costs, "and"));
    }

    out.push('\n');
    match &contract.cross_collateralisation {
        CrossCollateralisation::None => out.push_str("Balances stand alone: they are not netted with any other contract.\n"),
        CrossCollateralisation::Payee => {
            out.push_str("Balances are netted with every other contract of the same payee that is also cross-collateralised by payee.\n")
        }
        CrossCollateralisation::Group(group) => {
            let _ = writeln!(out, "Balances are netted with the payee's other contracts in group \"{group}\".");
        }
    }
    if let Some(reserve) = &contract.reserve {
        let on = if reserve.usages.is_empty() {
            "earnings".to_string()
        } else {
            let usages: Vec<String> = reserve.usages.iter().map(|usage| usage_plural(*usage).to_string()).collect();
            format!("earnings from {}", join_words(&usages, "and"))
        };
        let periods = if reserve.release_over_periods == 1 { "the next period".to_string() } else { format!("equal parts over the next {} periods", reserve.release_over_periods) };
        let _ = writeln!(out, "{} of each period's {on} is held in reserve against returns and released in {periods}.", percent(reserve.rate));
    }
    if contract.accounting.minimum_payout.is_zero() {
        out.push_str("There is no minimum payout: any amount owed is paid.\n");
    } else {
        let _ = writeln!(
            out,
            "Amounts below {} are not paid out but carried forward to the next period.",
            money(contract.accounting.minimum_payout, currency)
        );
    }
    let settings: Vec<String> = contract.payees.iter().filter_map(settings_phrase).collect();
    if !settings.is_empty() {
        out.push('\n');
        for line in settings {
            let _ = writeln!(out, "{line}");
        }
    }
    if let Some(notes) = &contract.notes {
        let _ = writeln!(out, "\nNotes: {notes}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_way_people_write_them() {
        assert_eq!(percent(Decimal::parse("0.185").unwrap()), "18.5%");
        assert_eq!(percent(Decimal::ONE), "100%");
        assert_eq!(grouped("1234567.50"), "1,234,567.50");
        assert_eq!(grouped("-999"), "-999");
        assert_eq!(money(Decimal::from_integer(7500), Currency::EUR), "7,500.00 EUR");
        assert_eq!(join_words(&["a".into(), "b".into(), "c".into()], "and"), "a, b and c");
    }
}
