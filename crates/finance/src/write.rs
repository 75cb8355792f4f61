//! The pack as files: `lender-pack.pdf` (for people), `lender-pack.xlsx` (for the lender's
//! analyst), `lender-pack.json` (every figure exact, as data) and the charts as SVG.

use std::path::{Path, PathBuf};

use ledgerline_money::{Decimal, RoundingMode};
use ledgerline_render::charts::{horizontal_bars, month_bars, Chart};
use ledgerline_render::report::{decay_chart, FitLine};
use ledgerline_render::{
    render_report_pdf, Breakdown as ChartData, BreakdownRow as ChartRow, Report, ReportBlock,
    ReportColumn, ReportTable,
};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;

use crate::error::FinanceError;
use crate::pack::{Breakdown, Flow, Pack, RELEASES_IN_PDF};
use crate::stats::Fit;

/// Releases listed in the PDF's rights register (largest LTM label share first).
const RIGHTS_IN_PDF: usize = 60;

/// The files written.
#[derive(Clone, Debug, Serialize)]
pub struct Written {
    pub folder: String,
    pub files: Vec<String>,
}

fn money(amount: Decimal) -> String {
    let plain = amount.format_fixed(2, RoundingMode::HalfEven);
    let (sign, body) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |rest| ("-", rest));
    let (integer, fraction) = body.split_once('.').unwrap_or((body, ""));
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

fn percent(fraction: Decimal, digits: u32) -> String {
    let hundredfold = fraction.checked_mul_integer(100).unwrap_or(fraction);
    format!(
        "{}%",
        hundredfold.format_fixed(digits, RoundingMode::HalfEven)
    )
}

fn percent_f64(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), FinanceError> {
    std::fs::write(path, bytes).map_err(|error| FinanceError::Write {
        path: path.display().to_string(),
        problem: error.to_string(),
    })
}

/// Writes the pack into `folder` (created if missing).
pub fn write_pack(pack: &Pack, folder: &Path) -> Result<Written, FinanceError> {
    let charts_folder = folder.join("charts");
    std::fs::create_dir_all(&charts_folder).map_err(|error| FinanceError::Write {
        path: charts_folder.display().to_string(),
        problem: error.to_string(),
    })?;
    let charts = charts(pack);
    let mut files: Vec<PathBuf> = Vec::new();
    let pdf = render_report_pdf(&report(pack, &charts))?;
    let xlsx = xlsx(pack).map_err(|error| FinanceError::Write {
        path: "lender-pack.xlsx".to_string(),
        problem: error.to_string(),
    })?;
    let json = serde_json::to_string_pretty(pack).map_err(|error| FinanceError::Write {
        path: "lender-pack.json".to_string(),
        problem: error.to_string(),
    })?;
    for (name, bytes) in [
        ("lender-pack.pdf", pdf),
        ("lender-pack.xlsx", xlsx),
        ("lender-pack.json", json.into_bytes()),
    ] {
        let path = folder.join(name);
        write_file(&path, &bytes)?;
        files.push(path);
    }
    for (name, chart) in [
        ("income-by-month.svg", &charts.month),
        ("income-by-cohort.svg", &charts.cohort),
        ("decay-fit.svg", &charts.decay),
    ] {
        let path = charts_folder.join(name);
        write_file(&path, chart.to_svg().as_bytes())?;
        files.push(path);
    }
    Ok(Written {
        folder: folder.display().to_string(),
        files: files
            .iter()
            .map(|path| path.display().to_string())
            .collect(),
    })
}

/// The pack's charts.
pub struct Charts {
    pub month: Chart,
    pub cohort: Chart,
    pub decay: Chart,
}

fn chart_rows(rows: impl Iterator<Item = (String, Decimal)>) -> Vec<ChartRow> {
    rows.map(|(key, amount)| ChartRow {
        keys: vec![key],
        amount,
        ..ChartRow::default()
    })
    .collect()
}

pub fn charts(pack: &Pack) -> Charts {
    let months = chart_rows(
        pack.by_month
            .iter()
            .map(|flow| (flow.key.clone(), flow.label_share)),
    );
    let month_data = ChartData {
        id: "month",
        title: "By month",
        keys: vec!["Month"],
        total: ChartRow::default(),
        rows: months,
    };
    let month = month_bars(
        "chart-income-month",
        &format!("Net label share by month ({})", pack.currency),
        &pack.currency,
        &month_data,
    );
    let cohort_rows = pack
        .breakdowns
        .iter()
        .find(|breakdown| breakdown.id == "cohort")
        .map(|breakdown| {
            chart_rows(
                breakdown
                    .rows
                    .iter()
                    .map(|row| (crate::stats::cohort_label(&row.keys[0]), row.ltm)),
            )
        })
        .unwrap_or_default();
    let cohort = horizontal_bars(
        "chart-income-cohort",
        "LTM net label share by years since release",
        &pack.currency,
        &cohort_rows,
        usize::MAX,
    );
    let mut lines = Vec::new();
    if let Some(fit) = &pack.decay.catalog {
        let x_from = pack
            .decay
            .points
            .iter()
            .map(|(x, _)| *x)
            .min()
            .unwrap_or(-6);
        let x_to = pack.decay.points.iter().map(|(x, _)| *x).max().unwrap_or(6);
        lines.push(FitLine {
            label: format!("catalog {}", percent_f64(fit.annual_decay)),
            slope: fit.monthly_slope,
            x_from,
            x_to,
        });
    }
    let decay = decay_chart(
        "chart-decay-fit",
        "Decay fit: each release's log income around its own average",
        "months from the release's average month of sale",
        &pack.decay.points,
        &lines,
    );
    Charts {
        month,
        cohort,
        decay,
    }
}

fn flow_table(
    caption: &str,
    first: &str,
    flows: &[Flow],
    total: Option<&Flow>,
    small: bool,
) -> ReportTable {
    let row = |flow: &Flow| {
        vec![
            flow.key.clone(),
            money(flow.net_receipts),
            money(flow.suspense),
            money(flow.payee_earnings),
            money(flow.label_share),
        ]
    };
    ReportTable {
        caption: caption.to_string(),
        columns: vec![
            ReportColumn::text(first),
            ReportColumn::figure("Net receipts"),
            ReportColumn::figure("of which suspense"),
            ReportColumn::figure("Payee earnings"),
            ReportColumn::figure("Net label share"),
        ],
        rows: flows.iter().map(row).collect(),
        total: total.map(|flow| {
            let mut cells = row(flow);
            cells[0] = "Total".to_string();
            cells
        }),
        small,
    }
}

fn breakdown_table(breakdown: &Breakdown, limit: Option<usize>) -> ReportTable {
    let mut columns: Vec<ReportColumn> = breakdown
        .key_columns
        .iter()
        .map(|name| {
            if *name == "Title" {
                ReportColumn::wide(*name)
            } else {
                ReportColumn::text(*name)
            }
        })
        .collect();
    columns.extend(
        breakdown
            .years
            .iter()
            .map(|year| ReportColumn::figure(year.to_string())),
    );
    columns.push(ReportColumn::figure("LTM"));
    columns.push(ReportColumn::figure("Total"));
    let cells = |keys: &[String], row: &crate::pack::BreakdownRow| {
        let mut cells: Vec<String> = keys.to_vec();
        cells.extend(row.by_year.iter().map(|amount| money(*amount)));
        cells.push(money(row.ltm));
        cells.push(money(row.total));
        cells
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let shown = limit.unwrap_or(usize::MAX).min(breakdown.rows.len());
    for row in &breakdown.rows[..shown] {
        rows.push(cells(&row.keys, row));
    }
    if shown < breakdown.rows.len() {
        let mut rest = crate::pack::BreakdownRow {
            by_year: vec![Decimal::ZERO; breakdown.years.len()],
            ..Default::default()
        };
        for row in &breakdown.rows[shown..] {
            rest.by_year
                .iter_mut()
                .zip(&row.by_year)
                .for_each(|(a, b)| *a += *b);
            rest.ltm += row.ltm;
            rest.total += row.total;
        }
        let mut keys = vec![String::new(); breakdown.key_columns.len()];
        keys[0] = format!("{} others", breakdown.rows.len() - shown);
        if keys.len() > 1 {
            keys[0] = String::new();
            keys[1] = format!("{} others (all in the XLSX)", breakdown.rows.len() - shown);
        }
        rows.push(cells(&keys, &rest));
    }
    let mut total_keys = vec![String::new(); breakdown.key_columns.len()];
    total_keys[0] = "Total".to_string();
    ReportTable {
        caption: format!("Net label share {}", breakdown.title.to_lowercase()),
        columns,
        rows,
        total: Some(cells(&total_keys, &breakdown.total)),
        small: breakdown.rows.len() > 12 || breakdown.years.len() > 4,
    }
}

fn fit_cells(name: &str, fit: Option<&Fit>, ltm: Option<Decimal>) -> Vec<String> {
    let mut cells = vec![name.to_string()];
    match fit {
        Some(fit) => cells.extend([
            fit.releases.to_string(),
            fit.observations.to_string(),
            format!("{:.4}", fit.monthly_slope),
            percent_f64(fit.annual_decay),
            match (fit.annual_decay_low, fit.annual_decay_high) {
                (Some(low), Some(high)) if low < -1.0 => {
                    format!("below −100% to {}", percent_f64(high))
                }
                (Some(low), Some(high)) => format!("{} to {}", percent_f64(low), percent_f64(high)),
                _ => "–".to_string(),
            },
            format!("{:.2}", fit.r_squared),
        ]),
        None => cells.extend(["–", "–", "–", "no fit", "–", "–"].map(String::from)),
    }
    cells.push(ltm.map_or(String::new(), money));
    cells
}

/// The PDF's content.
pub fn report(pack: &Pack, charts: &Charts) -> Report {
    let currency = &pack.currency;
    let mut blocks = Vec::new();
    let valuation_mid = pack
        .valuation
        .scenarios
        .iter()
        .find(|s| s.name == "fitted")
        .and_then(|s| s.cells.get(1));
    blocks.push(ReportBlock::Section("Summary".to_string()));
    blocks.push(ReportBlock::Paragraph(format!(
        "Every amount in this pack comes from the label's ledger and adds up to the cent: each breakdown adds up to its total, and each closed period's figures equal those the ledger recorded when the period was closed (see Reconciliation). Amounts are in {currency}. The valuation is an estimate with stated assumptions, not an appraisal."
    )));
    let mut summary = vec![
        vec![
            "Net receipts, last twelve months".to_string(),
            money(pack.ltm.flow.net_receipts),
        ],
        vec![
            "Payee earnings (royalties), last twelve months".to_string(),
            money(pack.ltm.flow.payee_earnings),
        ],
        vec![
            "Net label share, last twelve months (LTM)".to_string(),
            money(pack.ltm.flow.label_share),
        ],
        vec![
            format!(
                "Net label share, {} to {}",
                pack.history.first_month, pack.history.last_month
            ),
            money(pack.history.flow.label_share),
        ],
        vec![
            "Royalties accrued and not yet paid".to_string(),
            money(pack.liabilities.accrued_unpaid),
        ],
        vec![
            "Unrecouped advances and costs (recoverable, not owed)".to_string(),
            money(pack.liabilities.unrecouped),
        ],
    ];
    if let Some(age) = &pack.dollar_age {
        summary.push(vec![
            "Dollar age of the catalog (revenue-weighted, years)".to_string(),
            age.years.format_fixed(2, RoundingMode::HalfEven),
        ]);
    }
    summary.push(vec![
        "Catalog decay, fitted (a year)".to_string(),
        pack.decay
            .catalog
            .as_ref()
            .map_or("no fit".to_string(), |fit| percent_f64(fit.annual_decay)),
    ]);
    if let Some(cell) = valuation_mid.filter(|cell| cell.meaningful) {
        summary.push(vec![
            format!(
                "Indicative value at 10%, fitted decay, {} years (multiple {})",
                pack.valuation.years,
                cell.multiple.format_fixed(2, RoundingMode::HalfEven)
            ),
            money(cell.value),
        ]);
    }
    blocks.push(ReportBlock::Table(ReportTable {
        caption: "Key figures".to_string(),
        columns: vec![
            ReportColumn::text("Figure"),
            ReportColumn::figure(currency.clone()),
        ],
        rows: summary,
        total: None,
        small: false,
    }));
    let mut notes = vec![format!("As of {}: {}.", pack.as_of, pack.as_of_reason)];
    notes.extend(pack.warnings.iter().cloned());
    blocks.push(ReportBlock::Notes(notes));

    blocks.push(ReportBlock::Section("Income by year and month".to_string()));
    let history_total = Flow {
        key: "Total".to_string(),
        ..pack.history.flow.clone()
    };
    blocks.push(ReportBlock::Table(flow_table(
        "By year (accounting year)",
        "Year",
        &pack.by_year,
        Some(&history_total),
        false,
    )));
    blocks.push(ReportBlock::Chart(charts.month.clone()));
    blocks.push(ReportBlock::Table(flow_table(
        "By month (the month receipts are accounted in)",
        "Month",
        &pack.by_month,
        Some(&history_total),
        true,
    )));
    blocks.push(ReportBlock::Notes(vec![
        "Net receipts = payee earnings + net label share + suspense (receipts not yet matched to the catalog), exactly, in every row.".to_string(),
    ]));

    blocks.push(ReportBlock::Section(
        "Income by source, territory, usage, format, release and age".to_string(),
    ));
    for breakdown in &pack.breakdowns {
        let limit =
            (breakdown.id == "release" || breakdown.id == "territory" || breakdown.id == "source")
                .then_some(RELEASES_IN_PDF);
        blocks.push(ReportBlock::Table(breakdown_table(breakdown, limit)));
        if breakdown.id == "cohort" {
            blocks.push(ReportBlock::Chart(charts.cohort.clone()));
        }
    }

    blocks.push(ReportBlock::Section("Concentration".to_string()));
    blocks.push(ReportBlock::Table(ReportTable {
        caption: "Share of the LTM net label share from the largest".to_string(),
        columns: vec![
            ReportColumn::text("Of"),
            ReportColumn::figure("Earning"),
            ReportColumn::figure("Top 1"),
            ReportColumn::figure("Top 5"),
            ReportColumn::figure("Top 10"),
            ReportColumn::wide("Largest"),
        ],
        rows: pack
            .concentration
            .iter()
            .map(|c| {
                vec![
                    c.of.to_string(),
                    c.earning.to_string(),
                    percent(c.top_1, 2),
                    percent(c.top_5, 2),
                    percent(c.top_10, 2),
                    c.leaders
                        .first()
                        .map_or(String::new(), |(name, _)| name.clone()),
                ]
            })
            .collect(),
        total: None,
        small: false,
    }));
    if let Some(age) = &pack.dollar_age {
        blocks.push(ReportBlock::Paragraph(format!(
            "Dollar age: {} years. The age of each release at {} (from its release date), weighted by its LTM net label share, over {} releases earning {} {currency} of the LTM net label share.",
            age.years.format_fixed(2, RoundingMode::HalfEven), pack.as_of, age.releases, money(age.weighted_over)
        )));
    }

    blocks.push(ReportBlock::Section("Decay".to_string()));
    let mut fit_rows: Vec<Vec<String>> = pack
        .decay
        .cohorts
        .iter()
        .map(|c| {
            fit_cells(
                &crate::stats::cohort_label(c.cohort),
                c.fit.as_ref(),
                Some(c.ltm_label_share),
            )
        })
        .collect();
    fit_rows.push(fit_cells(
        "Catalog (all ages)",
        pack.decay.catalog.as_ref(),
        Some(pack.ltm.flow.label_share),
    ));
    blocks.push(ReportBlock::Table(ReportTable {
        caption: "Annual decay fitted per release-age cohort".to_string(),
        columns: vec![
            ReportColumn::text("Age"),
            ReportColumn::figure("Releases"),
            ReportColumn::figure("Release-months"),
            ReportColumn::figure("Slope / month"),
            ReportColumn::figure("Decay / year"),
            ReportColumn::figure("95% range"),
            ReportColumn::figure("R²"),
            ReportColumn::figure("LTM label share"),
        ],
        rows: fit_rows,
        total: None,
        small: false,
    }));
    blocks.push(ReportBlock::Chart(charts.decay.clone()));
    blocks.push(ReportBlock::Notes(vec![
        "The chart shows each release-month's log net label share less the release's own average, against its distance in months from the release's average month: the variation the slope is fitted to. A tight band around the line is a reliable fit; a cloud is not.".to_string(),
        "Least squares on the natural log of each release's monthly net label share against months since release, with one level per release (so a big release does not pass for a young one); decay a year = 1 − exp(12 × slope). R² is within releases.".to_string(),
        format!(
            "Months of sale after {} are left out: 95% of receipts arrive within {} month(s) of the sale, so later months are not complete yet. {} release-months with a zero or negative label share are left out (the log needs a positive amount).",
            pack.decay.last_sale_month.map_or("–".to_string(), |month| month.to_string()),
            pack.decay.reporting_lag_months,
            pack.decay.non_positive_left_out
        ),
        "The fit is a statistic (binary floating point); it never enters a ledger figure.".to_string(),
    ]));

    blocks.push(ReportBlock::Section("Liabilities".to_string()));
    let l = &pack.liabilities;
    blocks.push(ReportBlock::Table(ReportTable {
        caption: format!(
            "Owed to artists and other payees at the end of {} ({})",
            l.at.period.clone().unwrap_or_else(|| "–".to_string()),
            l.at.source
        ),
        columns: vec![
            ReportColumn::text("Liability"),
            ReportColumn::figure(currency.clone()),
        ],
        rows: vec![
            vec![
                "Payable on statements, less payments recorded since".to_string(),
                money(l.payable_outstanding),
            ],
            vec![
                "Carried forward (below the minimum payout)".to_string(),
                money(l.carried_forward),
            ],
            vec![
                "Reserves held against returns".to_string(),
                money(l.reserves),
            ],
            vec![
                "Held until recoupment (from record one)".to_string(),
                money(l.held_until_recoupment),
            ],
        ],
        total: Some(vec![
            "Royalties accrued and not yet paid".to_string(),
            money(l.accrued_unpaid),
        ]),
        small: false,
    }));
    blocks.push(ReportBlock::Paragraph(format!(
        "Unrecouped advances and costs: {} {currency}. This is not a liability: it is recovered only from those payees' future royalties, and never repaid by them.",
        money(l.unrecouped)
    )));

    blocks.push(ReportBlock::Section("Rights register".to_string()));
    blocks.push(ReportBlock::Table(ReportTable {
        caption: "Releases, the contracts that cover them, their term and territory".to_string(),
        columns: vec![
            ReportColumn::text("Release"),
            ReportColumn::wide("Title"),
            ReportColumn::text("Released"),
            ReportColumn::text("Format"),
            ReportColumn::text("Contracts"),
            ReportColumn::wide("Term"),
            ReportColumn::wide("Territory"),
            ReportColumn::figure("LTM label share"),
        ],
        rows: pack
            .rights
            .iter()
            .take(RIGHTS_IN_PDF)
            .map(|row| {
                vec![
                    row.release.ean.clone(),
                    format!("{} – {}", row.release.artist, row.release.title),
                    row.release
                        .release_date
                        .map_or("unknown".to_string(), |date| date.to_string()),
                    row.release.format.clone(),
                    row.contracts.join(", "),
                    match (row.term_start, row.term_end) {
                        (Some(start), Some(end)) => format!("{start} to {end}"),
                        (Some(start), None) => format!("from {start}, no end"),
                        _ => "–".to_string(),
                    },
                    row.territories.clone(),
                    money(row.ltm_label_share),
                ]
            })
            .collect(),
        total: None,
        small: true,
    }));
    blocks.push(ReportBlock::Notes(vec![
        format!(
            "{} releases{}; the XLSX and JSON list every one.",
            pack.rights.len(),
            if pack.rights.len() > RIGHTS_IN_PDF { format!(", the {RIGHTS_IN_PDF} with the largest LTM label share shown here") } else { String::new() }
        ),
        "Term and territory as the contracts recorded in the ledger say; \"no end\" means the contract pays for as long as the recordings sell. Ownership of masters and licences in are what the contracts record, not a legal title search.".to_string(),
    ]));

    blocks.push(ReportBlock::Section(
        "Valuation (an estimate, not an appraisal)".to_string(),
    ));
    let mut columns = vec![ReportColumn::text("Decay scenario")];
    for cell in pack
        .valuation
        .scenarios
        .first()
        .map(|s| s.cells.as_slice())
        .unwrap_or_default()
    {
        columns.push(ReportColumn::figure(format!(
            "M at {}",
            percent(cell.discount_rate, 1)
        )));
        columns.push(ReportColumn::figure(format!(
            "Value at {}",
            percent(cell.discount_rate, 1)
        )));
    }
    blocks.push(ReportBlock::Table(ReportTable {
        caption: format!(
            // The decays in percent a year, as the key figures and the text output say them
            // (the cells are too narrow for the unit).
            "LTM net label share {} {currency} × M, for N = {} years; decay scenarios in percent a year",
            money(pack.valuation.ltm_label_share),
            pack.valuation.years
        ),
        columns,
        rows: pack
            .valuation
            .scenarios
            .iter()
            .map(|scenario| {
                let mut cells = vec![format!(
                    "{} ({})",
                    scenario.name,
                    percent(scenario.decay, 1)
                )];
                for cell in &scenario.cells {
                    if cell.meaningful {
                        cells.push(format!(
                            "{}×",
                            cell.multiple.format_fixed(2, RoundingMode::HalfEven)
                        ));
                        cells.push(money(cell.value));
                    } else {
                        cells.push("n/m".to_string());
                        cells.push("n/m".to_string());
                    }
                }
                cells
            })
            .collect(),
        total: None,
        small: false,
    }));
    blocks.push(ReportBlock::Notes(pack.valuation.assumptions.clone()));
    blocks.push(ReportBlock::Paragraph(pack.valuation.statement.clone()));

    blocks.push(ReportBlock::Section("Reconciliation".to_string()));
    blocks.push(ReportBlock::Table(ReportTable {
        caption: "Each period: the ledger's figures (recorded at close) against the pack's"
            .to_string(),
        columns: vec![
            ReportColumn::text("Period"),
            ReportColumn::text("Months"),
            ReportColumn::text("Status"),
            ReportColumn::figure("Ledger net receipts"),
            ReportColumn::figure("Pack net receipts"),
            ReportColumn::figure("Ledger label share"),
            ReportColumn::figure("Pack label share"),
            ReportColumn::figure("Difference"),
        ],
        rows: pack
            .reconciliation
            .periods
            .iter()
            .map(|p| {
                vec![
                    p.period.clone(),
                    format!("{} to {}", p.first_month, p.last_month),
                    p.status.to_string(),
                    p.ledger_net_receipts
                        .map_or("not closed".to_string(), money),
                    money(p.pack_net_receipts),
                    p.ledger_label_share.map_or("not closed".to_string(), money),
                    money(p.pack_label_share),
                    p.difference.map_or("–".to_string(), |d| d.to_string()),
                ]
            })
            .collect(),
        total: None,
        small: true,
    }));
    blocks.push(ReportBlock::Table(ReportTable {
        caption:
            "Net receipts by reporting currency: the imports' control totals against the lines read"
                .to_string(),
        columns: vec![
            ReportColumn::text("Currency"),
            ReportColumn::figure("Import totals"),
            ReportColumn::figure("Lines read"),
            ReportColumn::figure("Difference"),
        ],
        rows: pack
            .reconciliation
            .imported
            .iter()
            .map(|i| {
                vec![
                    i.currency.clone(),
                    money(i.import_totals),
                    money(i.lines_read),
                    i.difference.to_string(),
                ]
            })
            .collect(),
        total: None,
        small: false,
    }));
    blocks.push(ReportBlock::Notes(vec![
        format!(
            "{} checks were made before this pack was written, each exact to 10⁻¹²: every breakdown adds up to its total, every year and month to net receipts, and the periods to the history. Each difference is 0; the list is in the JSON and XLSX.",
            pack.reconciliation.checks.len()
        ),
        "Ledger figures are the `period_figures` recorded when each period was closed; the pack's are recomputed from the same facts and must be equal, or no pack is written.".to_string(),
        "Amounts are shown rounded to the cent; the JSON and XLSX carry them exactly.".to_string(),
    ]));

    Report {
        label: pack.label.clone(),
        title: "Lender pack".to_string(),
        facts: vec![
            ("As of".to_string(), pack.as_of.to_string()),
            (
                "History".to_string(),
                format!(
                    "{} to {} ({} months with receipts)",
                    pack.history.first_month,
                    pack.history.last_month,
                    pack.history.months_with_data
                ),
            ),
            (
                "LTM net label share".to_string(),
                format!("{currency} {}", money(pack.ltm.flow.label_share)),
            ),
            ("Currency".to_string(), currency.clone()),
        ],
        running: format!("Lender pack · as of {}", pack.as_of),
        footer: format!(
            "Ledgerline lender pack · {} · as of {} · an estimate, not an appraisal",
            pack.label, pack.as_of
        ),
        blocks,
        subject: format!("Lender pack of {} as of {}", pack.label, pack.as_of),
        keywords: vec!["lender pack".to_string(), "catalog valuation".to_string()],
    }
}

/// A cell of the workbook.
enum X {
    Text(String),
    Money(Decimal),
    Number(f64),
    Int(i64),
}

/// The one conversion of money to binary floating point, for XLSX number cells only; the exact
/// text is written beside it.
fn as_double(amount: Decimal) -> f64 {
    amount.to_string().parse::<f64>().unwrap_or(0.0)
}

struct Styles {
    title: Format,
    header: Format,
    money: Format,
    exact: Format,
    number: Format,
}

fn sheet(
    workbook: &mut Workbook,
    name: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<X>],
    s: &Styles,
) -> Result<(), XlsxError> {
    let sheet: &mut Worksheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    sheet.write_string_with_format(0, 0, title, &s.title)?;
    // Money columns get an exact twin at the end of the row.
    let money_columns: Vec<usize> = (0..headers.len())
        .filter(|i| {
            rows.iter()
                .any(|row| matches!(row.get(*i), Some(X::Money(_))))
        })
        .collect();
    let mut column = 0u16;
    for header in headers {
        sheet.write_string_with_format(2, column, *header, &s.header)?;
        sheet.set_column_width(column, if column == 0 { 28 } else { 16 })?;
        column += 1;
    }
    for index in &money_columns {
        sheet.write_string_with_format(
            2,
            column,
            format!("{} (exact)", headers[*index]),
            &s.header,
        )?;
        sheet.set_column_width(column, 22)?;
        column += 1;
    }
    for (offset, row) in rows.iter().enumerate() {
        let r = 3 + offset as u32;
        for (index, cell) in row.iter().enumerate() {
            let c = index as u16;
            match cell {
                X::Text(text) => sheet.write_string(r, c, text)?,
                X::Money(amount) => {
                    sheet.write_number_with_format(r, c, as_double(*amount), &s.money)?
                }
                X::Number(value) if value.is_finite() => {
                    sheet.write_number_with_format(r, c, *value, &s.number)?
                }
                X::Number(value) => sheet.write_string(r, c, value.to_string())?,
                X::Int(value) => sheet.write_number(r, c, *value as f64)?,
            };
        }
        for (extra, index) in money_columns.iter().enumerate() {
            if let Some(X::Money(amount)) = row.get(*index) {
                sheet.write_string_with_format(
                    r,
                    (headers.len() + extra) as u16,
                    amount.to_string(),
                    &s.exact,
                )?;
            }
        }
    }
    sheet.set_freeze_panes(3, 0)?;
    Ok(())
}

fn flow_rows(flows: &[Flow]) -> Vec<Vec<X>> {
    flows
        .iter()
        .map(|f| {
            vec![
                X::Text(f.key.clone()),
                X::Money(f.net_receipts),
                X::Money(f.suspense),
                X::Money(f.payee_earnings),
                X::Money(f.label_share),
            ]
        })
        .collect()
}

fn fit_row(name: String, fit: Option<&Fit>) -> Vec<X> {
    match fit {
        Some(fit) => vec![
            X::Text(name),
            X::Int(fit.releases as i64),
            X::Int(fit.observations as i64),
            X::Number(fit.monthly_slope),
            X::Number(fit.annual_decay),
            fit.annual_decay_low
                .map_or(X::Text(String::new()), X::Number),
            fit.annual_decay_high
                .map_or(X::Text(String::new()), X::Number),
            X::Number(fit.r_squared),
        ],
        None => vec![X::Text(name), X::Text("no fit".to_string())],
    }
}

/// The workbook: one sheet per part of the pack.
pub fn xlsx(pack: &Pack) -> Result<Vec<u8>, XlsxError> {
    let s = Styles {
        title: Format::new().set_bold().set_font_size(14),
        header: Format::new().set_bold().set_background_color("#F4F6F9"),
        money: Format::new().set_num_format("#,##0.00"),
        exact: Format::new()
            .set_font_color("#4A5568")
            .set_align(rust_xlsxwriter::FormatAlign::Right),
        number: Format::new().set_num_format("0.0000"),
    };
    let mut workbook = Workbook::new();
    let date = ExcelDateTime::from_ymd(
        pack.as_of.year().clamp(1900, 9999) as u16,
        pack.as_of.number(),
        pack.as_of.last_day().day(),
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Lender pack of {} as of {}",
                pack.label, pack.as_of
            ))
            .set_author(pack.label.clone())
            .set_comment(
                "Money cells are binary doubles; the (exact) columns hold the exact figures.",
            )
            .set_creation_datetime(&date),
    );
    let title = |what: &str| {
        format!(
            "{what} · {} · as of {} · {}",
            pack.label, pack.as_of, pack.currency
        )
    };
    let mut summary = vec![
        vec![X::Text("As of".into()), X::Text(pack.as_of.to_string())],
        vec![
            X::Text("LTM net receipts".into()),
            X::Money(pack.ltm.flow.net_receipts),
        ],
        vec![
            X::Text("LTM payee earnings".into()),
            X::Money(pack.ltm.flow.payee_earnings),
        ],
        vec![
            X::Text("LTM net label share".into()),
            X::Money(pack.ltm.flow.label_share),
        ],
        vec![
            X::Text(format!(
                "Net label share {} to {}",
                pack.history.first_month, pack.history.last_month
            )),
            X::Money(pack.history.flow.label_share),
        ],
        vec![
            X::Text("Royalties accrued and not yet paid".into()),
            X::Money(pack.liabilities.accrued_unpaid),
        ],
        vec![
            X::Text("Unrecouped advances and costs".into()),
            X::Money(pack.liabilities.unrecouped),
        ],
    ];
    if let Some(age) = &pack.dollar_age {
        summary.push(vec![
            X::Text("Dollar age (years)".into()),
            X::Text(age.years.format_fixed(2, RoundingMode::HalfEven)),
        ]);
    }
    for warning in &pack.warnings {
        summary.push(vec![X::Text(warning.clone())]);
    }
    summary.push(vec![X::Text(pack.valuation.statement.clone())]);
    sheet(
        &mut workbook,
        "Summary",
        &title("Lender pack"),
        &["Figure", "Amount"],
        &summary,
        &s,
    )?;
    let headers = [
        "Key",
        "Net receipts",
        "Suspense",
        "Payee earnings",
        "Net label share",
    ];
    sheet(
        &mut workbook,
        "By year",
        &title("By year"),
        &headers,
        &flow_rows(&pack.by_year),
        &s,
    )?;
    sheet(
        &mut workbook,
        "By month",
        &title("By month"),
        &headers,
        &flow_rows(&pack.by_month),
        &s,
    )?;
    for breakdown in &pack.breakdowns {
        let mut headers: Vec<String> = breakdown
            .key_columns
            .iter()
            .map(|k| k.to_string())
            .collect();
        headers.extend(breakdown.years.iter().map(|y| y.to_string()));
        headers
            .extend(["LTM", "Total", "Net receipts LTM", "Net receipts total"].map(String::from));
        let to_row = |row: &crate::pack::BreakdownRow| {
            let mut cells: Vec<X> = row.keys.iter().map(|k| X::Text(k.clone())).collect();
            cells.extend(row.by_year.iter().map(|a| X::Money(*a)));
            cells.extend([
                X::Money(row.ltm),
                X::Money(row.total),
                X::Money(row.net_receipts_ltm),
                X::Money(row.net_receipts_total),
            ]);
            cells
        };
        let mut rows: Vec<Vec<X>> = breakdown.rows.iter().map(to_row).collect();
        let mut total = to_row(&breakdown.total);
        for cell in total.iter_mut().take(breakdown.key_columns.len()).skip(1) {
            *cell = X::Text(String::new());
        }
        rows.push(total);
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let name = format!("By {}", breakdown.id);
        sheet(
            &mut workbook,
            &name,
            &title(&format!(
                "Net label share {}",
                breakdown.title.to_lowercase()
            )),
            &header_refs,
            &rows,
            &s,
        )?;
    }
    let concentration: Vec<Vec<X>> = pack
        .concentration
        .iter()
        .map(|c| {
            vec![
                X::Text(c.of.to_string()),
                X::Int(c.earning as i64),
                X::Text(c.top_1.to_string()),
                X::Text(c.top_5.to_string()),
                X::Text(c.top_10.to_string()),
                X::Money(c.unattributed),
            ]
        })
        .collect();
    sheet(
        &mut workbook,
        "Concentration",
        &title("Concentration (fractions of the LTM net label share)"),
        &["Of", "Earning", "Top 1", "Top 5", "Top 10", "Unattributed"],
        &concentration,
        &s,
    )?;
    let mut decay: Vec<Vec<X>> = pack
        .decay
        .cohorts
        .iter()
        .map(|c| fit_row(c.cohort.to_string(), c.fit.as_ref()))
        .collect();
    decay.push(fit_row("Catalog".to_string(), pack.decay.catalog.as_ref()));
    sheet(
        &mut workbook,
        "Decay",
        &title("Decay fit"),
        &[
            "Years since release",
            "Releases",
            "Months",
            "Slope a month",
            "Decay a year",
            "Decay low",
            "Decay high",
            "R²",
        ],
        &decay,
        &s,
    )?;
    let payees: Vec<Vec<X>> = pack
        .liabilities
        .at
        .payees
        .iter()
        .map(|p| {
            vec![
                X::Text(p.payee.clone()),
                X::Text(p.name.clone()),
                X::Money(p.payable),
                X::Money(p.paid_since),
                X::Money(p.carried_forward),
                X::Money(p.reserves),
                X::Money(p.held),
                X::Money(p.unrecouped),
            ]
        })
        .collect();
    sheet(
        &mut workbook,
        "Liabilities",
        &title("Balances by payee"),
        &[
            "Payee",
            "Name",
            "Payable",
            "Paid since",
            "Carried forward",
            "Reserves",
            "Held",
            "Unrecouped",
        ],
        &payees,
        &s,
    )?;
    let rights: Vec<Vec<X>> = pack
        .rights
        .iter()
        .map(|r| {
            vec![
                X::Text(r.release.ean.clone()),
                X::Text(r.release.title.clone()),
                X::Text(r.release.artist.clone()),
                X::Text(
                    r.release
                        .release_date
                        .map_or(String::new(), |d| d.to_string()),
                ),
                X::Text(r.release.format.clone()),
                X::Text(r.contracts.join(", ")),
                X::Text(r.term_start.map_or(String::new(), |d| d.to_string())),
                X::Text(r.term_end.map_or("no end".to_string(), |d| d.to_string())),
                X::Text(r.territories.clone()),
                X::Money(r.ltm_label_share),
            ]
        })
        .collect();
    sheet(
        &mut workbook,
        "Rights",
        &title("Rights register"),
        &[
            "Release",
            "Title",
            "Artist",
            "Released",
            "Format",
            "Contracts",
            "Term start",
            "Term end",
            "Territory",
            "LTM label share",
        ],
        &rights,
        &s,
    )?;
    let mut valuation: Vec<Vec<X>> = Vec::new();
    for scenario in &pack.valuation.scenarios {
        for cell in &scenario.cells {
            valuation.push(vec![
                X::Text(scenario.name.clone()),
                X::Text(scenario.decay.to_string()),
                X::Text(cell.discount_rate.to_string()),
                X::Text(if cell.meaningful {
                    cell.multiple.to_string()
                } else {
                    "n/m".to_string()
                }),
                if cell.meaningful {
                    X::Money(cell.value)
                } else {
                    X::Text("n/m".to_string())
                },
            ]);
        }
    }
    for assumption in &pack.valuation.assumptions {
        valuation.push(vec![X::Text(assumption.clone())]);
    }
    valuation.push(vec![X::Text(pack.valuation.statement.clone())]);
    sheet(
        &mut workbook,
        "Valuation",
        &title(&format!("Valuation, N = {} years", pack.valuation.years)),
        &["Scenario", "Decay", "Discount rate", "Multiple", "Value"],
        &valuation,
        &s,
    )?;
    let mut reconciliation: Vec<Vec<X>> = pack
        .reconciliation
        .periods
        .iter()
        .map(|p| {
            vec![
                X::Text(p.period.clone()),
                X::Text(p.status.to_string()),
                p.ledger_net_receipts
                    .map_or(X::Text("not closed".into()), X::Money),
                X::Money(p.pack_net_receipts),
                p.ledger_label_share
                    .map_or(X::Text("not closed".into()), X::Money),
                X::Money(p.pack_label_share),
                X::Text(p.difference.map_or(String::new(), |d| d.to_string())),
            ]
        })
        .collect();
    for check in &pack.reconciliation.checks {
        reconciliation.push(vec![
            X::Text(check.what.clone()),
            X::Text("check".into()),
            X::Money(check.total),
            X::Money(check.sum),
            X::Text(String::new()),
            X::Text(String::new()),
            X::Text(check.difference.to_string()),
        ]);
    }
    sheet(
        &mut workbook,
        "Reconciliation",
        &title("Reconciliation"),
        &[
            "Period or check",
            "Status",
            "Ledger net receipts / total",
            "Pack net receipts / sum",
            "Ledger label share",
            "Pack label share",
            "Difference",
        ],
        &reconciliation,
        &s,
    )?;
    workbook.save_to_buffer()
}
