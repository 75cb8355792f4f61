//! Issued periods stay as issued: what changed since (a late report, a resolved alias, a
//! contract correction) is shown on the next statement as adjustments.
//!
//! The run recomputes every period from the facts. For each period already issued, the
//! difference between the recomputed and the issued summary figures becomes an adjustment line
//! on the open period's statement, and its opening balance is the issued closing balance. The
//! closing balance is the recomputed one, so nothing is lost and nothing counted twice.

use std::collections::BTreeMap;

use ledgerline_money::Decimal;

use crate::compute::{PeriodResult, RunResult};
use crate::statement::{Adjustment, Statement, Summary};

/// Issued summaries by period name and payee.
pub type Issued = BTreeMap<(String, String), Summary>;

/// Adds the adjustments for issued periods to the last period's statements, and a statement
/// for a payee who only has adjustments. `issued` holds the summaries of every issued
/// statement of the earlier periods of `result`.
pub fn adjust(result: &mut RunResult, issued: &Issued) {
    let Some((last, earlier)) = result.periods.split_last_mut() else { return };
    let mut adjustments: BTreeMap<String, Vec<Adjustment>> = BTreeMap::new();
    for period in earlier.iter() {
        let name = period.period.to_string();
        let recomputed: BTreeMap<&str, &Summary> =
            period.statements.iter().map(|statement| (statement.payee.as_str(), &statement.summary)).collect();
        let mut payees: Vec<&str> = recomputed.keys().copied().collect();
        payees.extend(issued.keys().filter(|(issued_period, _)| *issued_period == name).map(|(_, payee)| payee.as_str()));
        payees.sort_unstable();
        payees.dedup();
        let zero = Summary::default();
        for payee in payees {
            let now = recomputed.get(payee).copied().unwrap_or(&zero);
            let then = issued.get(&(name.clone(), payee.to_string())).unwrap_or(&zero);
            for ((figure, recomputed), (_, issued)) in now.movements().into_iter().zip(then.movements()) {
                if recomputed != issued {
                    adjustments.entry(payee.to_string()).or_default().push(Adjustment {
                        period: name.clone(),
                        figure: figure.to_string(),
                        issued,
                        recomputed,
                        difference: recomputed - issued,
                    });
                }
            }
        }
    }
    for (payee, lines) in adjustments {
        let total: Decimal = lines.iter().map(|line| line.difference).sum();
        let index = match last.statements.binary_search_by(|statement| statement.payee.as_str().cmp(&payee)) {
            Ok(index) => index,
            Err(index) => {
                // The payee had money only in the issued periods: a statement of adjustments.
                last.statements.insert(index, template(last, &payee));
                index
            }
        };
        let statement = &mut last.statements[index];
        statement.summary.opening_balance -= total;
        statement.summary.adjustments += total;
        statement.adjustments = lines;
    }
}

/// An empty statement of the period for a payee.
fn template(period: &PeriodResult, payee: &str) -> Statement {
    Statement {
        label: period.label.clone(),
        payee: payee.to_string(),
        payee_name: period.party_names.get(payee).cloned().unwrap_or_else(|| payee.to_string()),
        period: period.period.to_string(),
        first_month: period.first_month.to_string(),
        last_month: period.last_month.to_string(),
        currency: period.conservation.currency.code().to_string(),
        rounding: period.rounding.name().to_string(),
        contracts: Vec::new(),
        summary: Summary::default(),
        accounts: Vec::new(),
        earnings: Vec::new(),
        charges: Vec::new(),
        transfers: Vec::new(),
        payments: Vec::new(),
        adjustments: Vec::new(),
        notes: Vec::new(),
    }
}
