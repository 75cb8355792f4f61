//! The CSV statement: one table with a header row, one row per earning line, then the charges,
//! transfers, payments and adjustments, the summary figures, and last the statement's SHA-256;
//! the `kind` column says which (`earning`, `charge`, `transfer`, `payment`, `adjustment`,
//! `statement`, `summary`, `payable_converted` when the payee is paid in another currency,
//! `sha256`). Decimals are exact text with `.` (`amount` always to the cent);
//! UTF-8 without byte-order mark, `\n` line ends, RFC 4180 quoting.

use std::fmt::Write as _;

use ledgerline_engine::Statement;

use crate::breakdown::{breakdowns, check_lines};
use crate::text::{all_summary_fields, cents, exact};
use crate::RenderError;

pub(crate) const COLUMNS: [&str; 18] = [
    "kind",
    "contract",
    "version",
    "release",
    "track",
    "title",
    "service",
    "territory",
    "usage",
    "tier",
    "sale_month",
    "date",
    "description",
    "units",
    "receipts",
    "deductions",
    "rate",
    "amount",
];

pub(crate) const HEADER: &str =
    "kind,contract,version,release,track,title,service,territory,usage,tier,sale_month,date,description,units,receipts,deductions,rate,amount";

/// Index of a column by name.
pub(crate) fn column(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).unwrap_or_else(|| unreachable!("column {name}"))
}

fn field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn row(out: &mut String, values: [(&str, String); 18]) {
    for (index, (name, value)) in values.iter().enumerate() {
        debug_assert_eq!(*name, COLUMNS[index]);
        if index > 0 {
            out.push(',');
        }
        field(out, value);
    }
    out.push('\n');
}

/// A row with only some columns filled.
fn sparse(out: &mut String, kind: &str, filled: &[(&str, String)]) {
    let values: [(&str, String); 18] = std::array::from_fn(|index| {
        let name = COLUMNS[index];
        if name == "kind" {
            return (name, kind.to_string());
        }
        let value = filled.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()).unwrap_or_default();
        (name, value)
    });
    row(out, values);
}

/// The statement as CSV.
pub fn render_csv(statement: &Statement) -> Result<String, RenderError> {
    check_lines(statement)?;
    breakdowns(statement)?;
    let mut out = String::with_capacity(256 + statement.earnings.len() * 160);
    out.push_str(HEADER);
    out.push('\n');
    for line in &statement.earnings {
        row(
            &mut out,
            [
                ("kind", "earning".to_string()),
                ("contract", line.contract.clone()),
                ("version", line.version.to_string()),
                ("release", line.release.clone()),
                ("track", line.track.clone()),
                ("title", line.title.clone()),
                ("service", line.service.clone()),
                ("territory", line.territory.clone()),
                ("usage", line.usage.clone()),
                ("tier", line.tier.clone()),
                ("sale_month", line.sale_month.clone()),
                ("date", String::new()),
                ("description", String::new()),
                ("units", line.units.to_string()),
                ("receipts", exact(line.receipts)),
                ("deductions", exact(line.deductions)),
                ("rate", exact(line.rate)),
                ("amount", cents(line.amount)),
            ],
        );
    }
    for charge in &statement.charges {
        sparse(
            &mut out,
            "charge",
            &[
                ("contract", charge.contract.clone()),
                ("release", charge.release.clone()),
                ("usage", charge.kind.clone()),
                ("date", charge.date.clone()),
                ("description", charge.description.clone()),
                // The whole cost and its recoupable part; `amount` is this payee's charge.
                ("receipts", exact(charge.amount)),
                ("deductions", exact(charge.recoupable)),
                ("amount", cents(charge.charged)),
            ],
        );
    }
    for transfer in &statement.transfers {
        sparse(
            &mut out,
            "transfer",
            &[
                ("contract", transfer.contract.clone()),
                ("title", format!("{} to {}", transfer.from, transfer.to)),
                ("usage", transfer.of.clone()),
                ("description", transfer.description.clone()),
                ("rate", exact(transfer.share)),
                ("amount", cents(transfer.amount)),
            ],
        );
    }
    for payment in &statement.payments {
        sparse(
            &mut out,
            "payment",
            &[("date", payment.date.clone()), ("description", payment.reference.clone()), ("amount", cents(payment.amount))],
        );
    }
    for adjustment in &statement.adjustments {
        sparse(
            &mut out,
            "adjustment",
            &[
                ("sale_month", adjustment.period.clone()),
                ("description", adjustment.figure.clone()),
                ("receipts", exact(adjustment.issued)),
                ("deductions", exact(adjustment.recomputed)),
                ("amount", cents(adjustment.difference)),
            ],
        );
    }
    let context = [
        ("label", statement.label.clone()),
        ("payee", statement.payee.clone()),
        ("payee_name", statement.payee_name.clone()),
        ("period", statement.period.clone()),
        ("first_month", statement.first_month.clone()),
        ("last_month", statement.last_month.clone()),
        ("currency", statement.currency.clone()),
        ("rounding", statement.rounding.clone()),
    ];
    for (name, value) in context {
        sparse(&mut out, "statement", &[("description", name.to_string()), ("title", value)]);
    }
    for (name, value) in all_summary_fields(statement) {
        sparse(&mut out, "summary", &[("description", name.to_string()), ("amount", cents(value))]);
    }
    if let Some(converted) = &statement.payable_converted {
        // The payable amount in the payee's own currency (`title`), at `rate` units of it per
        // unit of the statement's currency, the rate of `sale_month`.
        sparse(
            &mut out,
            "payable_converted",
            &[
                ("title", converted.currency.clone()),
                ("sale_month", converted.rate_month.clone()),
                ("description", "payable".to_string()),
                ("rate", exact(converted.rate)),
                ("amount", cents(converted.amount)),
            ],
        );
    }
    let mut hash_row = String::new();
    let _ = write!(hash_row, "{}", statement.sha256());
    sparse(&mut out, "sha256", &[("description", hash_row)]);
    Ok(out)
}
