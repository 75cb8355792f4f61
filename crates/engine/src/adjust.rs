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

/// What was issued: each issued statement's summary by period name and payee, and the
/// adjustments issued statements carried, in the order their periods were closed.
#[derive(Clone, Debug, Default)]
pub struct Issued {
    pub summaries: BTreeMap<(String, String), Summary>,
    /// (payee, adjustment), earliest close first.
    pub adjustments: Vec<(String, Adjustment)>,
}

impl Issued {
    /// Adds an issued statement; statements must be added in the order their periods closed.
    pub fn add(&mut self, statement: &Statement) {
        self.summaries.insert((statement.period.clone(), statement.payee.clone()), statement.summary.clone());
        self.adjustments.extend(statement.adjustments.iter().map(|adjustment| (statement.payee.clone(), adjustment.clone())));
    }

    /// The figures of an issued period as last issued: the statement's own, or the recomputed
    /// value a later statement already adjusted it to.
    fn baseline(&self) -> BTreeMap<(String, String, &'static str), Decimal> {
        let mut baseline = BTreeMap::new();
        for ((period, payee), summary) in &self.summaries {
            for (figure, amount) in summary.movements().into_iter().filter(|(figure, _)| *figure != ADJUSTMENTS) {
                baseline.insert((period.clone(), payee.clone(), figure), amount);
            }
        }
        for (payee, adjustment) in &self.adjustments {
            if let Some((figure, _)) = Summary::default().movements().into_iter().find(|(figure, _)| *figure == adjustment.figure) {
                baseline.insert((adjustment.period.clone(), payee.clone(), figure), adjustment.recomputed);
            }
        }
        baseline
    }
}

/// The movement that is itself made of adjustments: never compared.
const ADJUSTMENTS: &str = "adjustments";

/// Adds the adjustments for issued periods to the last period's statements, and a statement
/// for a payee who only has adjustments. `issued` holds the summaries of every issued
/// statement of the earlier periods of `result`.
pub fn adjust(result: &mut RunResult, issued: &Issued) {
    let Some((last, earlier)) = result.periods.split_last_mut() else { return };
    let baseline = issued.baseline();
    let mut adjustments: BTreeMap<String, Vec<Adjustment>> = BTreeMap::new();
    for period in earlier.iter() {
        let name = period.period.to_string();
        let recomputed: BTreeMap<&str, &Summary> =
            period.statements.iter().map(|statement| (statement.payee.as_str(), &statement.summary)).collect();
        let zero = Summary::default();
        let mut payees: Vec<&str> = recomputed.keys().copied().collect();
        payees.extend(baseline.keys().filter(|(issued_period, _, _)| *issued_period == name).map(|(_, payee, _)| payee.as_str()));
        payees.sort_unstable();
        payees.dedup();
        for payee in payees {
            let now = recomputed.get(payee).copied().unwrap_or(&zero);
            for (figure, recomputed) in now.movements().into_iter().filter(|(figure, _)| *figure != ADJUSTMENTS) {
                let issued = baseline.get(&(name.clone(), payee.to_string(), figure)).copied().unwrap_or_default();
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
        tax: None,
        invoice: None,
        payable_converted: None,
    }
}
