//! Breakdowns of a statement's earnings: by service, territory, usage and tier, release and
//! track, and sale month. Each is an exact sum of the lines' `amount`s and is checked against
//! the summary's earnings; a breakdown that does not add up is an error, never a document.

use std::collections::BTreeMap;

use ledgerline_engine::Statement;
use ledgerline_money::Decimal;

use crate::RenderError;

/// One grouping of the earning lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breakdown {
    /// `service`, `territory`, `usage`, `track` or `month`.
    pub id: &'static str,
    pub title: &'static str,
    /// Names of the key columns (`Service`; `Usage`, `Tier`; `Release`, `Track`, `Title`).
    pub keys: Vec<&'static str>,
    /// Sorted by key (months and tracks in order; services and territories by earnings, largest
    /// first, then by name).
    pub rows: Vec<BreakdownRow>,
    pub total: BreakdownRow,
}

/// The lines that share one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BreakdownRow {
    pub keys: Vec<String>,
    pub lines: usize,
    pub units: i64,
    /// Exact sums.
    pub receipts: Decimal,
    pub deductions: Decimal,
    /// Exact sum of the lines' amounts (each to the cent, so this is to the cent).
    pub amount: Decimal,
}

impl BreakdownRow {
    fn add(&mut self, units: i64, receipts: Decimal, deductions: Decimal, amount: Decimal) {
        self.lines += 1;
        self.units += units;
        self.receipts += receipts;
        self.deductions += deductions;
        self.amount += amount;
    }
}

/// The five breakdowns, in statement order, each checked to add up to the summary's earnings.
pub fn breakdowns(statement: &Statement) -> Result<Vec<Breakdown>, RenderError> {
    let by_amount = |rows: &mut Vec<BreakdownRow>| rows.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.keys.cmp(&b.keys)));
    let list = vec![
        group(statement, "service", "By service", vec!["Service"], |l| vec![l.service.clone()], by_amount)?,
        group(statement, "territory", "By territory", vec!["Territory"], |l| vec![l.territory.clone()], by_amount)?,
        group(statement, "usage", "By usage type and tier", vec!["Usage", "Tier"], |l| vec![l.usage.clone(), l.tier.clone()], |_| {})?,
        group(
            statement,
            "track",
            "By release and track",
            vec!["Release", "Track", "Title"],
            |l| vec![l.release.clone(), l.track.clone(), l.title.clone()],
            |_| {},
        )?,
        group(statement, "month", "By month of sale", vec!["Month of sale"], |l| vec![l.sale_month.clone()], |_| {})?,
    ];
    Ok(list)
}

/// Checks that the lines add up to the summary's earnings.
pub(crate) fn check_lines(statement: &Statement) -> Result<(), RenderError> {
    let total: Decimal = statement.earnings.iter().map(|line| line.amount).sum();
    if total != statement.summary.earnings {
        return Err(RenderError::DoesNotAddUp {
            what: "earning lines".to_string(),
            found: total.to_string(),
            expected: statement.summary.earnings.to_string(),
        });
    }
    Ok(())
}

fn group(
    statement: &Statement,
    id: &'static str,
    title: &'static str,
    keys: Vec<&'static str>,
    key_of: impl Fn(&ledgerline_engine::EarningLine) -> Vec<String>,
    order: impl Fn(&mut Vec<BreakdownRow>),
) -> Result<Breakdown, RenderError> {
    // Keys are grouped without regard to case (sources write `Tidal` and `TIDAL`, and the
    // contracts match services that way too); a group is shown under the spelling most of its
    // lines carry, the first in order on a tie.
    let mut groups: BTreeMap<Vec<String>, (BreakdownRow, BTreeMap<Vec<String>, usize>)> = BTreeMap::new();
    let mut total = BreakdownRow { keys: vec!["Total".to_string()], ..BreakdownRow::default() };
    for line in &statement.earnings {
        let key = key_of(line);
        let folded: Vec<String> = key.iter().map(|part| part.to_lowercase()).collect();
        let (row, spellings) = groups.entry(folded).or_default();
        *spellings.entry(key).or_default() += 1;
        row.add(line.units, line.receipts, line.deductions, line.amount);
        total.add(line.units, line.receipts, line.deductions, line.amount);
    }
    let mut rows: Vec<BreakdownRow> = groups
        .into_values()
        .map(|(mut row, spellings)| {
            let most = spellings.values().copied().max().unwrap_or(0);
            row.keys = spellings.into_iter().find(|(_, count)| *count == most).map(|(key, _)| key).unwrap_or_default();
            row
        })
        .collect();
    order(&mut rows);
    let summed: Decimal = rows.iter().map(|row| row.amount).sum();
    if summed != statement.summary.earnings || total.amount != statement.summary.earnings {
        return Err(RenderError::DoesNotAddUp {
            what: format!("earnings {}", title.to_lowercase()),
            found: summed.to_string(),
            expected: statement.summary.earnings.to_string(),
        });
    }
    Ok(Breakdown { id, title, keys, rows, total })
}

/// Top `n` rows of a breakdown by earnings and one "the rest" row, adding up to the same total.
pub fn top_and_rest(breakdown: &Breakdown, n: usize) -> Vec<BreakdownRow> {
    let mut rows = breakdown.rows.clone();
    rows.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.keys.cmp(&b.keys)));
    if rows.len() <= n + 1 {
        return rows;
    }
    let rest_rows = rows.split_off(n);
    let mut rest = BreakdownRow { keys: vec![format!("The rest ({} more)", rest_rows.len())], ..BreakdownRow::default() };
    for row in rest_rows {
        rest.lines += row.lines;
        rest.units += row.units;
        rest.receipts += row.receipts;
        rest.deductions += row.deductions;
        rest.amount += row.amount;
    }
    rows.push(rest);
    rows
}
