//! What the label pages and the API show, read once here so both say the same thing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use ledgerline_import::suspense::UnmatchedGroup;

use ledgerline_money::{Currency, Decimal};
use ledgerline_store::Ledger;
use serde::Serialize;

use crate::error::PortalError;
use crate::state::{data_version, AppState};
use crate::users::User;

#[derive(Clone, Debug, Serialize)]
pub struct ImportRow {
    pub id: i64,
    pub file_name: String,
    pub source: String,
    pub layout: String,
    pub lines: i64,
    pub rejected: i64,
    pub matched_lines: i64,
    pub unmatched_lines: i64,
    pub first_sale_day: Option<String>,
    pub last_sale_day: Option<String>,
    pub imported_at: String,
    /// Net per currency, as the parser counted it.
    pub net: BTreeMap<String, String>,
}

pub fn imports(ledger: &Ledger) -> Result<Vec<ImportRow>, PortalError> {
    let mut query = ledger.connection().prepare(
        "SELECT id, file_name, source, layout, line_count, rejected_rows, matched_lines, unmatched_lines, first_sale_day, last_sale_day, imported_at
         FROM imports ORDER BY id DESC",
    )?;
    let mut rows: Vec<ImportRow> = query
        .query_map([], |row| {
            Ok(ImportRow {
                id: row.get(0)?,
                file_name: row.get(1)?,
                source: row.get(2)?,
                layout: row.get(3)?,
                lines: row.get(4)?,
                rejected: row.get(5)?,
                matched_lines: row.get(6)?,
                unmatched_lines: row.get(7)?,
                first_sale_day: row.get(8)?,
                last_sale_day: row.get(9)?,
                imported_at: row.get(10)?,
                net: BTreeMap::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut totals = ledger
        .connection()
        .prepare("SELECT import_id, currency, net FROM import_totals")?;
    let mut by_import: BTreeMap<i64, BTreeMap<String, String>> = BTreeMap::new();
    for row in totals.query_map([], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
        ))
    })? {
        let (id, currency, net) = row?;
        by_import.entry(id).or_default().insert(currency, net);
    }
    for row in &mut rows {
        row.net = by_import.remove(&row.id).unwrap_or_default();
    }
    Ok(rows)
}

/// The dashboard's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Dashboard {
    /// Net receipts by month (reporting month, else sale month), source and currency.
    pub receipts: Vec<MonthSource>,
    pub unmatched_lines: u64,
    pub unmatched_net: BTreeMap<Currency, Decimal>,
    /// What the last closed period made payable and is not paid yet, by currency.
    pub payable_period: Option<String>,
    pub payable: BTreeMap<Currency, Decimal>,
    pub imports: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct MonthSource {
    pub month: String,
    pub source: String,
    pub currency: Currency,
    pub net: Decimal,
    pub lines: u64,
}

/// The unmatched groups (they read every lake line), kept until the ledger changes.
pub fn unmatched(app: &AppState, ledger: &Ledger) -> Result<Arc<Vec<UnmatchedGroup>>, PortalError> {
    let version = data_version(ledger)?;
    app.memo.get_or("unmatched", &version, || {
        Ok(ledgerline_import::suspense::unmatched_groups(
            ledger,
            &app.lake_root(),
        )?)
    })
}

/// The dashboard, kept until the ledger changes.
pub fn dashboard(app: &AppState, ledger: &Ledger) -> Result<Arc<Dashboard>, PortalError> {
    let version = data_version(ledger)?;
    let groups = unmatched(app, ledger)?;
    app.memo.get_or("dashboard", &version, || {
        compute_dashboard(ledger, &app.lake_root(), &groups)
    })
}

fn compute_dashboard(
    ledger: &Ledger,
    lake_root: &Path,
    groups: &[UnmatchedGroup],
) -> Result<Dashboard, PortalError> {
    let mut sums: BTreeMap<(String, String, Currency), (Decimal, u64)> = BTreeMap::new();
    let mut query = ledger
        .connection()
        .prepare("SELECT content_sha256, source FROM imports ORDER BY id")?;
    let imports: Vec<(String, String)> = query
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (key, source) in &imports {
        let rows = ledgerline_lake::read_rollup(lake_root, key)
            .map_err(|error| PortalError::Internal(format!("lake: {error}")))?;
        for (rollup, totals) in rows {
            let month = rollup
                .reporting_month
                .unwrap_or(rollup.sale_month)
                .to_string();
            let entry = sums
                .entry((month, source.clone(), rollup.currency))
                .or_insert((Decimal::ZERO, 0));
            entry.0 += totals.net;
            entry.1 += totals.lines;
        }
    }
    let receipts = sums
        .into_iter()
        .map(|((month, source, currency), (net, lines))| MonthSource {
            month,
            source,
            currency,
            net,
            lines,
        })
        .collect();
    let mut unmatched_net: BTreeMap<Currency, Decimal> = BTreeMap::new();
    for group in groups {
        for (currency, amount) in &group.net {
            *unmatched_net.entry(*currency).or_default() += *amount;
        }
    }
    let closed = ledgerline_run::closed_periods(ledger)?;
    let mut payable = BTreeMap::new();
    if let Some(last) = closed.last() {
        for (_, (_, amount, currency)) in ledgerline_run::payable_balances(ledger, *last)? {
            *payable.entry(currency).or_insert(Decimal::ZERO) += amount;
        }
    }
    Ok(Dashboard {
        receipts,
        unmatched_lines: groups.iter().map(|group| group.lines).sum(),
        unmatched_net,
        payable_period: closed.last().map(ToString::to_string),
        payable,
        imports: imports.len(),
    })
}

#[derive(Clone, Debug, Serialize)]
pub struct PayeeRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub email: Option<String>,
    /// Portal users who are this payee.
    pub users: Vec<String>,
}

/// The payees (parties) `user` may see.
pub fn payees(ledger: &Ledger, user: &User) -> Result<Vec<PayeeRow>, PortalError> {
    let mut query = ledger
        .connection()
        .prepare("SELECT id, name, kind, email FROM parties ORDER BY id")?;
    let mut rows: Vec<PayeeRow> = query
        .query_map([], |row| {
            Ok(PayeeRow {
                id: row.get(0)?,
                name: row.get(1)?,
                kind: row.get(2)?,
                email: row.get(3)?,
                users: Vec::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|row| user.may_see_payee(&row.id))
        .collect();
    let mut users = ledger
        .connection()
        .prepare("SELECT payee_id, email FROM users WHERE payee_id IS NOT NULL")?;
    let mut by_payee: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in users.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })? {
        let (payee, email) = row?;
        by_payee.entry(payee).or_default().push(email);
    }
    for row in &mut rows {
        row.users = by_payee.remove(&row.id).unwrap_or_default();
    }
    Ok(rows)
}

/// One payee's line in a period's draft or issue.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodPayee {
    pub payee: String,
    pub name: String,
    pub currency: String,
    pub opening_balance: Decimal,
    pub earnings: Decimal,
    pub charges: Decimal,
    /// Transfers, VAT, withholding tax, payments and adjustments, as they move the balance:
    /// opening + earnings − charges + other = closing.
    pub other: Decimal,
    pub closing_balance: Decimal,
    pub payable: Decimal,
}

#[derive(Clone, Debug, Serialize)]
pub struct PeriodView {
    pub period: String,
    /// `draft` or `closed`.
    pub status: &'static str,
    pub first_month: String,
    pub last_month: String,
    pub conservation: Figures,
    pub payees: Vec<PeriodPayee>,
}

/// Net receipts = payee credits + label share + suspense, in the accounting currency.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    pub currency: String,
    pub net_receipts: Decimal,
    pub payee_credits: Decimal,
    pub label_share: Decimal,
    pub suspense: Decimal,
}

impl Figures {
    pub fn difference(&self) -> Decimal {
        self.net_receipts - (self.payee_credits + self.label_share + self.suspense)
    }
}

fn period_payee(statement: &ledgerline_engine::Statement) -> PeriodPayee {
    PeriodPayee {
        payee: statement.payee.clone(),
        name: statement.payee_name.clone(),
        currency: statement.currency.clone(),
        opening_balance: statement.summary.opening_balance,
        earnings: statement.summary.earnings,
        charges: statement.summary.charges,
        other: statement.summary.other_movements(),
        closing_balance: statement.summary.closing_balance,
        payable: statement.summary.payable,
    }
}

/// The figures of a period: for a closed one, what was issued (the statements and the
/// figures recorded at close); otherwise the draft as computed now.
pub fn period(
    ledger: &Ledger,
    lake_root: &Path,
    period: ledgerline_model::Period,
    user: &User,
) -> Result<PeriodView, PortalError> {
    if ledgerline_run::closed_periods(ledger)?.contains(&period) {
        let name = period.to_string();
        let statements = ledgerline_run::issued_statements(ledger, Some(&name))?;
        let figures = ledger.connection().query_row(
            "SELECT currency, net_receipts, payee_credits, label_share, suspense FROM period_figures WHERE period = ?1 ORDER BY currency LIMIT 1",
            [&name],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?, row.get::<_, String>(4)?)),
        )?;
        let exact = |text: &str| {
            Decimal::parse(text).map_err(|error| {
                PortalError::Internal(format!("period figures of {name}: {error}"))
            })
        };
        let conservation = Figures {
            currency: figures.0.clone(),
            net_receipts: exact(&figures.1)?,
            payee_credits: exact(&figures.2)?,
            label_share: exact(&figures.3)?,
            suspense: exact(&figures.4)?,
        };
        let (first_month, last_month) = statements.first().map_or(
            (
                period.first_month().to_string(),
                period.last_month().to_string(),
            ),
            |(_, statement)| (statement.first_month.clone(), statement.last_month.clone()),
        );
        return Ok(PeriodView {
            period: name,
            status: "closed",
            first_month,
            last_month,
            conservation,
            payees: statements
                .iter()
                .map(|(_, statement)| statement)
                .filter(|statement| user.may_see_payee(&statement.payee))
                .map(period_payee)
                .collect(),
        });
    }
    let draft = ledgerline_run::draft(ledger, lake_root, period)?;
    let last = draft
        .result
        .periods
        .last()
        .ok_or_else(|| PortalError::invalid(format!("{period} has nothing to compute")))?;
    let c = &last.conservation;
    Ok(PeriodView {
        period: period.to_string(),
        status: "draft",
        first_month: last.first_month.to_string(),
        last_month: last.last_month.to_string(),
        conservation: Figures {
            currency: c.currency.code().to_string(),
            net_receipts: c.net_receipts,
            payee_credits: c.payee_credits,
            label_share: c.label_share,
            suspense: c.suspense,
        },
        payees: last
            .statements
            .iter()
            .filter(|statement| user.may_see_payee(&statement.payee))
            .map(period_payee)
            .collect(),
    })
}

/// Closes `period` (issues its statements) and returns what it now shows to `user`.
pub fn close(
    ledger: &mut Ledger,
    lake_root: &Path,
    period: ledgerline_model::Period,
    user: &User,
) -> Result<(ledgerline_run::Closed, PeriodView), PortalError> {
    let (_, closed) = ledgerline_run::close_period(ledger, lake_root, period, ledgerline_run::CloseOptions::default())?;
    Ok((closed, self::period(ledger, lake_root, period, user)?))
}

pub fn parse_period(text: &str) -> Result<ledgerline_model::Period, PortalError> {
    ledgerline_model::Period::parse(text.trim()).map_err(|error| {
        PortalError::invalid(format!(
            "\"{text}\" is not a period: {error} (write 2026-H1, 2026-Q3, 2026-07 or 2026)"
        ))
    })
}
