//! Display text: money with thousands separators, percentages, months, the explanation.

use ledgerline_engine::Statement;
use ledgerline_money::{Decimal, RoundingMode};

/// An amount to the cent with thousands separators: `-1,234.56`. Display only: figures that
/// are already to the cent are shown exactly; anything finer is rounded half-even.
pub(crate) fn money(amount: Decimal) -> String {
    group(&amount.format_fixed(2, RoundingMode::HalfEven))
}

/// Whether showing `amount` to the cent rounds it.
pub(crate) fn is_rounded_for_display(amount: Decimal) -> bool {
    amount.to_units(2).is_none()
}

/// Inserts `,` every three integer digits of a plain decimal string.
pub(crate) fn group(plain: &str) -> String {
    let (sign, body) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (integer, fraction) = match body.find('.') {
        Some(dot) => (&body[..dot], &body[dot..]),
        None => (body, ""),
    };
    let mut grouped = String::with_capacity(plain.len() + integer.len() / 3);
    grouped.push_str(sign);
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped.push_str(fraction);
    grouped
}

/// Whole units with thousands separators.
pub(crate) fn count(units: i64) -> String {
    group(&units.to_string())
}

/// A fraction as an exact percentage: `0.185` → `18.5%`.
pub(crate) fn percent(fraction: Decimal) -> String {
    match fraction.checked_mul_integer(100) {
        Some(hundredfold) => format!("{hundredfold}%"),
        None => format!("{fraction}"),
    }
}

/// The exact decimal text (`12.5`, `-0.000001`, `0`).
pub(crate) fn exact(amount: Decimal) -> String {
    amount.to_string()
}

/// An amount to the cent without separators (`1234.50`), for data formats.
pub(crate) fn cents(amount: Decimal) -> String {
    if is_rounded_for_display(amount) {
        exact(amount)
    } else {
        amount.format_fixed(2, RoundingMode::HalfEven)
    }
}

const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

/// `2026-03` → `March 2026`; anything else as it is.
pub(crate) fn month_name(month: &str) -> String {
    let parsed = month
        .split_once('-')
        .and_then(|(year, number)| Some((year, number.parse::<usize>().ok()?)))
        .filter(|(year, number)| year.len() == 4 && (1..=12).contains(number));
    match parsed {
        Some((year, number)) => format!("{} {year}", MONTHS[number - 1]),
        None => month.to_string(),
    }
}

/// `Mar 2026` (short, for chart axes).
pub(crate) fn month_short(month: &str) -> String {
    let name = month_name(month);
    match name.split_once(' ') {
        Some((word, year)) if word.len() > 3 => format!("{} {year}", &word[..3]),
        _ => name,
    }
}

/// The months a statement covers, in words.
pub(crate) fn months_covered(statement: &Statement) -> String {
    if statement.first_month == statement.last_month {
        month_name(&statement.first_month)
    } else {
        format!("{} to {}", month_name(&statement.first_month), month_name(&statement.last_month))
    }
}

/// A key shown in a table: empty keys (costs and losses of net-profit deals have no service,
/// territory or month) are shown as a dash.
pub(crate) fn key(text: &str) -> &str {
    if text.is_empty() {
        "—"
    } else {
        text
    }
}

/// A deal kind in words.
pub(crate) fn deal_name(deal: &str) -> &str {
    match deal {
        "royalty" => "royalty deal",
        "net_profit" => "net-profit split",
        other => other,
    }
}

/// Human names of the summary figures, in statement order, with the field they come from.
pub(crate) fn summary_rows(statement: &Statement) -> Vec<(&'static str, &'static str, Decimal)> {
    let s = &statement.summary;
    vec![
        ("opening_balance", "Opening balance", s.opening_balance),
        ("earnings", "Earnings", s.earnings),
        ("transfers_in", "Transfers received", s.transfers_in),
        ("transfers_out", "Transfers paid away", -s.transfers_out),
        ("charges", "Advances and costs charged", -s.charges),
        ("vat", "VAT", s.vat),
        ("withholding_tax", "Tax withheld", -s.withholding_tax),
        ("payments", "Payments made", -s.payments),
        ("adjustments", "Adjustments to earlier periods", s.adjustments),
        ("closing_balance", "Closing balance", s.closing_balance),
    ]
}

/// Where the closing balance sits.
pub(crate) fn balance_rows(statement: &Statement) -> Vec<(&'static str, &'static str, Decimal)> {
    let s = &statement.summary;
    vec![
        ("payable", "Payable to you", s.payable),
        ("reserves_balance", "Held in reserve", s.reserves_balance),
        ("held_balance", "Held until recoupment", s.held_balance),
        ("carried_forward", "Carried forward (under the minimum payout)", s.carried_forward),
        ("unrecouped", "Unrecouped advances and costs", s.unrecouped),
        ("closing_balance", "Closing balance", s.closing_balance),
    ]
}

/// Movements inside the balance (they do not change it).
pub(crate) fn movement_rows(statement: &Statement) -> Vec<(&'static str, &'static str, Decimal)> {
    let s = &statement.summary;
    vec![
        ("reserves_held", "Reserves held this period", s.reserves_held),
        ("reserves_released", "Reserves released this period", s.reserves_released),
        ("held_until_recoupment", "Held until recoupment this period", s.held_until_recoupment),
        ("released_after_recoupment", "Released after recoupment this period", s.released_after_recoupment),
    ]
}

/// Every summary figure by its field name (as in the canonical JSON), for read-back checks.
pub(crate) fn all_summary_fields(statement: &Statement) -> Vec<(&'static str, Decimal)> {
    let s = &statement.summary;
    vec![
        ("opening_balance", s.opening_balance),
        ("earnings", s.earnings),
        ("transfers_in", s.transfers_in),
        ("transfers_out", s.transfers_out),
        ("charges", s.charges),
        ("vat", s.vat),
        ("withholding_tax", s.withholding_tax),
        ("payments", s.payments),
        ("adjustments", s.adjustments),
        ("closing_balance", s.closing_balance),
        ("reserves_held", s.reserves_held),
        ("reserves_released", s.reserves_released),
        ("held_until_recoupment", s.held_until_recoupment),
        ("released_after_recoupment", s.released_after_recoupment),
        ("payable", s.payable),
        ("reserves_balance", s.reserves_balance),
        ("held_balance", s.held_balance),
        ("carried_forward", s.carried_forward),
        ("unrecouped", s.unrecouped),
    ]
}

/// The "How your royalty was computed" paragraphs, in plain language, from the statement's
/// contracts, lines and figures.
pub(crate) fn explanation(statement: &Statement) -> Vec<String> {
    let currency = &statement.currency;
    let mut paragraphs = Vec::new();
    let s = &statement.summary;

    for contract in &statement.contracts {
        let lines: Vec<_> = statement
            .earnings
            .iter()
            .filter(|line| line.contract == contract.id && line.version == contract.version)
            .collect();
        let mut text = format!(
            "Under “{}” ({} version {}, a {}), your share is {}.",
            contract.title,
            contract.id,
            contract.version,
            deal_name(&contract.deal),
            percent(contract.share)
        );
        let receipts: Decimal = lines.iter().filter(|line| line.usage != "cost" && line.usage != "loss").map(|line| line.receipts).sum();
        let deductions: Decimal = lines.iter().map(|line| line.deductions).sum();
        let amount: Decimal = lines.iter().map(|line| line.amount).sum();
        let mut rates: Vec<Decimal> = lines.iter().filter(|line| line.usage != "cost" && line.usage != "loss").map(|line| line.rate).collect();
        rates.sort();
        rates.dedup();
        if contract.deal == "net_profit" {
            text.push_str(&format!(
                " The label's receipts of {currency} {} from your recordings, less the recoupable costs, are split: the artists' part is {}, and your share of it is what you earn.",
                money(receipts),
                rates.first().map(|rate| percent(*rate)).unwrap_or_else(|| "as the contract sets".to_string())
            ));
        } else if !lines.is_empty() {
            let rate_words = match rates.len() {
                0 => String::new(),
                1 => format!("a rate of {}", percent(rates[0])),
                _ if rates.len() <= 6 => {
                    let shown: Vec<String> = rates.iter().map(|rate| percent(*rate)).collect();
                    format!("rates of {} (by service, usage or tier, with any escalation)", join_words(&shown))
                }
                _ => format!("rates from {} to {}", percent(rates[0]), percent(rates[rates.len() - 1])),
            };
            text.push_str(&format!(
                " {} lines of sales and streams brought in {currency} {}",
                count(lines.len() as i64),
                money(receipts)
            ));
            if !deductions.is_zero() {
                text.push_str(&format!("; deductions of {currency} {} were taken off before the rate applied", money(deductions)));
            }
            if !rate_words.is_empty() {
                text.push_str(&format!("; the contract applied {rate_words} to what remained"));
            }
            text.push('.');
        }
        text.push_str(&format!(
            " Your earnings under it are {currency} {}: each contract's earnings are rounded once to the cent ({}) and shared out so the lines add up exactly.",
            money(amount),
            statement.rounding
        ));
        // A net-profit deal at a loss: the loss is not in the payee's balance (nothing is owed
        // for it), but it comes off later profits, so the statement says how much.
        let carried: Decimal = lines
            .iter()
            .filter(|line| line.usage == "loss" && line.title.starts_with("Loss carried forward"))
            .map(|line| line.amount)
            .sum();
        if carried.is_positive() {
            text.push_str(&format!(
                " The costs exceeded the receipts: your share of the loss, {currency} {}, is carried forward, not charged to you, and comes off later profits under this contract before you earn from it again.",
                money(carried)
            ));
        }
        paragraphs.push(text);
    }
    if statement.contracts.is_empty() {
        paragraphs.push("No contract paid you in this period.".to_string());
    }

    let returns: Vec<_> = statement.earnings.iter().filter(|line| line.amount.is_negative()).collect();
    if !returns.is_empty() {
        let total: Decimal = returns.iter().map(|line| line.amount).sum();
        paragraphs.push(format!(
            "{} line{} {} negative (returns, chargebacks or costs), taking {currency} {} off your earnings; they are included in every total.",
            returns.len(),
            if returns.len() == 1 { "" } else { "s" },
            if returns.len() == 1 { "is" } else { "are" },
            money(-total)
        ));
    }

    let mut status = Vec::new();
    if !s.charges.is_zero() {
        status.push(format!("Advances and costs of {currency} {} were charged to you in this period.", money(s.charges)));
    }
    if s.unrecouped.is_negative() {
        status.push(format!(
            "{currency} {} of advances and costs is still to be recouped from future earnings before they become payable.",
            money(-s.unrecouped)
        ));
    } else if !s.charges.is_zero() || statement.accounts.iter().any(|account| account.kind == "recoupment") {
        status.push("Your advances and costs are fully recouped.".to_string());
    }
    if !s.reserves_held.is_zero() || !s.reserves_released.is_zero() {
        let mut reserve = Vec::new();
        if !s.reserves_held.is_zero() {
            reserve.push(format!("a reserve against returns of {currency} {} was held", money(s.reserves_held)));
        }
        if !s.reserves_released.is_zero() {
            reserve.push(format!("{currency} {} of earlier reserves was released", money(s.reserves_released)));
        }
        let sentence = reserve.join(" and ");
        let mut chars = sentence.chars();
        let capitalised: String = chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default();
        status.push(format!("{capitalised}."));
    }
    if !s.carried_forward.is_zero() {
        status.push(format!("{currency} {} is carried forward because it is under the minimum payout.", money(s.carried_forward)));
    }
    if s.payable.is_positive() {
        status.push(format!("{currency} {} is payable to you.", money(s.payable)));
    } else {
        status.push("Nothing is payable to you for this period.".to_string());
    }
    paragraphs.push(status.join(" "));
    paragraphs
}

fn join_words(words: &[String]) -> String {
    match words.len() {
        0 => String::new(),
        1 => words[0].clone(),
        n => format!("{} and {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// HTML/XML escaping for text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_and_cents() {
        assert_eq!(money(Decimal::parse("1234567.891").unwrap()), "1,234,567.89");
        assert_eq!(money(Decimal::parse("-1000").unwrap()), "-1,000.00");
        assert_eq!(money(Decimal::parse("999.995").unwrap()), "1,000.00");
        assert_eq!(money(Decimal::parse("0.125").unwrap()), "0.12");
        assert_eq!(percent(Decimal::parse("0.185").unwrap()), "18.5%");
        assert_eq!(month_name("2026-03"), "March 2026");
        assert_eq!(month_short("2026-09"), "Sep 2026");
    }
}

/// The sentence giving the payable amount in the payee's own currency, when the statement has
/// one: every figure stays in the statement's currency, where it adds up to the cent; this is
/// the one amount converted, at the stated rate.
pub(crate) fn payable_converted_sentence(statement: &Statement) -> Option<String> {
    let converted = statement.payable_converted.as_ref()?;
    Some(format!(
        "Paid in {to}: the payable {payable} {from} is {amount} {to}, at {rate} {to} per {from} (the rate of {month}). Every other figure is in {from}.",
        to = converted.currency,
        from = statement.currency,
        payable = money(statement.summary.payable),
        amount = money(converted.amount),
        rate = exact(converted.rate),
        month = converted.rate_month,
    ))
}
