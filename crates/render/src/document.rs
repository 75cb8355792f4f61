//! The content of a statement document, shared by the HTML and the PDF: a list of blocks
//! (header, headings, paragraphs, tables, charts), so both formats say exactly the same thing.

use ledgerline_engine::Statement;
use ledgerline_money::Decimal;

use crate::breakdown::Breakdown;
use crate::text::{
    balance_rows, count, deal_name, exact, explanation, key, money, months_covered, movement_rows, payable_converted_sentence,
    percent, summary_rows,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub title: String,
    pub align: Align,
    /// Text columns that may be shortened (with an ellipsis) in the PDF when a table is wide.
    pub flexible: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Cell {
    pub text: String,
    pub negative: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowStyle {
    Plain,
    /// A figure that stands out (earnings, the closing balance inside the summary).
    Key,
    Total,
}

#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub cells: Vec<Cell>,
    pub style: RowStyle,
}

#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub total: Option<Vec<Cell>>,
    /// The first cell of each row names the row (`<th scope="row">`).
    pub row_headers: bool,
    /// The line detail: small print.
    pub detail: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Block {
    Header { label: String, title: String, facts: Vec<(String, String)> },
    Section { id: &'static str, title: String },
    Paragraph { text: String, lead: bool },
    Notes(Vec<String>),
    Hash(String),
    Table(Table),
    Charts,
    Footnotes(Vec<String>),
}

fn text(value: impl Into<String>) -> Cell {
    Cell { text: value.into(), negative: false }
}

fn amount(value: Decimal) -> Cell {
    Cell { text: money(value), negative: value.is_negative() }
}

/// An exact figure shown to the cent, marked when that rounds it.
fn rounded(value: Decimal) -> Cell {
    Cell { text: money(value), negative: value.is_negative() }
}

fn left(title: &str) -> Column {
    Column { title: title.to_string(), align: Align::Left, flexible: false }
}

fn flexible(title: &str) -> Column {
    Column { title: title.to_string(), align: Align::Left, flexible: true }
}

fn right(title: &str) -> Column {
    Column { title: title.to_string(), align: Align::Right, flexible: false }
}

fn plain(cells: Vec<Cell>) -> Row {
    Row { cells, style: RowStyle::Plain }
}

pub(crate) const ROUNDING_NOTE: &str = "Receipts and deductions (marked *) are exact in the ledger and shown here rounded to the cent, half-even; their totals are of the exact amounts, so a total can differ by a cent from the sum of the rounded figures above it. Earnings and every other amount are exact to the cent.";

/// The blocks of a statement, in order. `breakdowns` are the checked breakdowns; `hash` is the
/// statement's SHA-256.
pub(crate) fn blocks(statement: &Statement, breakdowns: &[Breakdown], hash: &str) -> Vec<Block> {
    let currency = &statement.currency;
    let mut blocks = Vec::new();

    blocks.push(Block::Header {
        label: statement.label.clone(),
        title: "Royalty statement".to_string(),
        facts: vec![
            ("Payee".to_string(), format!("{} ({})", statement.payee_name, statement.payee)),
            ("Period".to_string(), format!("{}: {}", statement.period, months_covered(statement))),
            ("Currency".to_string(), currency.clone()),
            ("Rounding".to_string(), format!("to the cent, {}", statement.rounding)),
        ],
    });
    blocks.push(Block::Table(Table {
        caption: "Contracts on this statement".to_string(),
        columns: vec![left("Contract"), left("Version"), flexible("Title"), left("Deal"), right("Your share")],
        rows: statement
            .contracts
            .iter()
            .map(|c| plain(vec![text(&c.id), text(c.version.to_string()), text(&c.title), text(deal_name(&c.deal)), text(percent(c.share))]))
            .collect(),
        total: None,
        row_headers: true,
        detail: false,
    }));

    // Summary.
    blocks.push(Block::Section { id: "summary", title: "Summary".to_string() });
    let summary = summary_rows(statement);
    let closing = summary.last().map(|(_, _, value)| *value).unwrap_or(Decimal::ZERO);
    blocks.push(Block::Table(Table {
        caption: format!("Your balance for {} ({currency})", statement.period),
        columns: vec![left("Figure"), right(&format!("Amount ({currency})"))],
        rows: summary[..summary.len() - 1]
            .iter()
            .map(|(field, name, value)| Row {
                cells: vec![text(*name), amount(*value)],
                style: if *field == "earnings" { RowStyle::Key } else { RowStyle::Plain },
            })
            .collect(),
        total: Some(vec![text("Closing balance"), amount(closing)]),
        row_headers: true,
        detail: false,
    }));
    let balance = balance_rows(statement);
    blocks.push(Block::Table(Table {
        caption: format!("Where the closing balance sits ({currency})"),
        columns: vec![left("Part"), right(&format!("Amount ({currency})"))],
        rows: balance[..balance.len() - 1].iter().map(|(_, name, value)| plain(vec![text(*name), amount(*value)])).collect(),
        total: Some(vec![text("Closing balance"), amount(closing)]),
        row_headers: true,
        detail: false,
    }));
    if let Some(sentence) = payable_converted_sentence(statement) {
        blocks.push(Block::Paragraph { text: sentence, lead: false });
    }
    blocks.push(Block::Table(Table {
        caption: format!("Movements inside the balance this period ({currency}; they do not change it)"),
        columns: vec![left("Movement"), right(&format!("Amount ({currency})"))],
        rows: movement_rows(statement).iter().map(|(_, name, value)| plain(vec![text(*name), amount(*value)])).collect(),
        total: None,
        row_headers: true,
        detail: false,
    }));
    if !statement.accounts.is_empty() {
        let total: Decimal = statement.accounts.iter().map(|a| a.balance).sum();
        blocks.push(Block::Table(Table {
            caption: format!("The closing balance by account ({currency})"),
            columns: vec![left("Kind"), flexible("Account"), right("Balance")],
            rows: statement.accounts.iter().map(|a| plain(vec![text(&a.kind), text(&a.name), amount(a.balance)])).collect(),
            total: Some(vec![text("Total"), text(""), amount(total)]),
            row_headers: true,
            detail: false,
        }));
    }

    // How it was computed.
    blocks.push(Block::Section { id: "how", title: "How your royalty was computed".to_string() });
    for (index, paragraph) in explanation(statement).into_iter().enumerate() {
        blocks.push(Block::Paragraph { text: paragraph, lead: index == 0 });
    }
    if !statement.notes.is_empty() {
        blocks.push(Block::Notes(statement.notes.clone()));
    }

    // Charts and breakdowns.
    blocks.push(Block::Section { id: "charts", title: "Your earnings at a glance".to_string() });
    blocks.push(Block::Charts);
    blocks.push(Block::Section { id: "breakdowns", title: "Where your earnings came from".to_string() });
    let with_deductions = statement.earnings.iter().any(|line| !line.deductions.is_zero());
    for breakdown in breakdowns {
        let mut columns: Vec<Column> = breakdown
            .keys
            .iter()
            .map(|name| if *name == "Title" { flexible(name) } else { left(name) })
            .collect();
        columns.push(right("Units"));
        columns.push(right("Receipts*"));
        if with_deductions {
            columns.push(right("Deductions*"));
        }
        columns.push(right("Earnings"));
        let cells = |row: &crate::breakdown::BreakdownRow, total: bool| {
            let mut cells: Vec<Cell> = if total {
                let mut cells = vec![text("Total")];
                cells.extend((1..breakdown.keys.len()).map(|_| text("")));
                cells
            } else {
                row.keys.iter().map(|k| text(key(k))).collect()
            };
            cells.push(text(count(row.units)));
            cells.push(rounded(row.receipts));
            if with_deductions {
                cells.push(rounded(row.deductions));
            }
            cells.push(amount(row.amount));
            cells
        };
        blocks.push(Block::Table(Table {
            caption: format!("Earnings {} ({currency})", breakdown.title.to_lowercase()),
            columns,
            rows: breakdown.rows.iter().map(|row| plain(cells(row, false))).collect(),
            total: Some(cells(&breakdown.total, true)),
            row_headers: true,
            detail: false,
        }));
    }

    // Charges.
    blocks.push(Block::Section { id: "charges", title: "Advances and costs charged".to_string() });
    if statement.charges.is_empty() {
        blocks.push(Block::Paragraph { text: "No advances or costs were charged to you in this period.".to_string(), lead: false });
    } else {
        let total_amount: Decimal = statement.charges.iter().map(|c| c.amount).sum();
        let total_recoupable: Decimal = statement.charges.iter().map(|c| c.recoupable).sum();
        let total_charged: Decimal = statement.charges.iter().map(|c| c.charged).sum();
        blocks.push(Block::Table(Table {
            caption: format!("Advances and costs ({currency})"),
            columns: vec![
                left("Date"),
                left("Contract"),
                left("Kind"),
                flexible("Description"),
                left("Release"),
                right("Amount"),
                right("Recoupable"),
                right("Charged to you"),
            ],
            rows: statement
                .charges
                .iter()
                .map(|c| {
                    plain(vec![
                        text(&c.date),
                        text(&c.contract),
                        text(&c.kind),
                        text(&c.description),
                        text(key(&c.release)),
                        amount(c.amount),
                        amount(c.recoupable),
                        amount(c.charged),
                    ])
                })
                .collect(),
            total: Some(vec![
                text("Total"),
                text(""),
                text(""),
                text(""),
                text(""),
                amount(total_amount),
                amount(total_recoupable),
                amount(total_charged),
            ]),
            row_headers: true,
            detail: false,
        }));
    }

    // Transfers.
    blocks.push(Block::Section { id: "transfers", title: "Transfers".to_string() });
    if statement.transfers.is_empty() {
        blocks.push(Block::Paragraph { text: "No transfers to or from you in this period.".to_string(), lead: false });
    } else {
        let total: Decimal = statement.transfers.iter().map(|t| t.amount).sum();
        blocks.push(Block::Table(Table {
            caption: format!("Transfers: positive when received, negative when paid away ({currency})"),
            columns: vec![left("Contract"), left("From"), left("To"), left("Of"), right("Share"), flexible("Description"), right("Amount")],
            rows: statement
                .transfers
                .iter()
                .map(|t| {
                    plain(vec![
                        text(&t.contract),
                        text(&t.from),
                        text(&t.to),
                        text(&t.of),
                        text(percent(t.share)),
                        text(&t.description),
                        amount(t.amount),
                    ])
                })
                .collect(),
            total: Some(vec![text("Total"), text(""), text(""), text(""), text(""), text(""), amount(total)]),
            row_headers: true,
            detail: false,
        }));
    }

    // Payments.
    blocks.push(Block::Section { id: "payments", title: "Payments".to_string() });
    if statement.payments.is_empty() {
        blocks.push(Block::Paragraph { text: "No payments were made to you in this period.".to_string(), lead: false });
    } else {
        let total: Decimal = statement.payments.iter().map(|p| p.amount).sum();
        blocks.push(Block::Table(Table {
            caption: format!("Payments made to you ({currency})"),
            columns: vec![left("Date"), flexible("Reference"), right("Amount")],
            rows: statement.payments.iter().map(|p| plain(vec![text(&p.date), text(&p.reference), amount(p.amount)])).collect(),
            total: Some(vec![text("Total"), text(""), amount(total)]),
            row_headers: true,
            detail: false,
        }));
    }

    // Adjustments.
    blocks.push(Block::Section { id: "adjustments", title: "Adjustments to earlier periods".to_string() });
    if statement.adjustments.is_empty() {
        blocks.push(Block::Paragraph { text: "No statement issued earlier has changed.".to_string(), lead: false });
    } else {
        blocks.push(Block::Paragraph {
            text: "Late reports, resolved matches or contract corrections changed figures of periods already issued. Each row is one figure of one period: what was issued, what it is now, and the difference, which this statement carries.".to_string(),
            lead: false,
        });
        blocks.push(Block::Table(Table {
            caption: format!("Adjustments by period and figure ({currency})"),
            columns: vec![left("Period"), left("Figure"), right("Issued"), right("Recomputed"), right("Difference")],
            rows: statement
                .adjustments
                .iter()
                .map(|a| plain(vec![text(&a.period), text(a.figure.replace('_', " ")), amount(a.issued), amount(a.recomputed), amount(a.difference)]))
                .collect(),
            total: Some(vec![text("Total carried by this statement"), text(""), text(""), text(""), amount(statement.summary.adjustments)]),
            row_headers: true,
            detail: false,
        }));
    }

    // Line detail.
    blocks.push(Block::Section { id: "detail", title: "Line detail".to_string() });
    blocks.push(Block::Paragraph {
        text: format!(
            "Every line of your earnings: one line per contract, track, service, territory, usage, tier, month of sale and rate. {} lines; the CSV and XLSX versions of this statement carry the same lines with exact figures.",
            count(statement.earnings.len() as i64)
        ),
        lead: false,
    });
    let mut columns = vec![
        left("Contract"),
        left("Track"),
        flexible("Title"),
        left("Service"),
        left("Terr."),
        left("Usage / tier"),
        left("Month"),
        right("Units"),
        right("Receipts*"),
    ];
    if with_deductions {
        columns.push(right("Deduct.*"));
    }
    columns.push(right("Rate"));
    columns.push(right("Earnings"));
    let rows = statement
        .earnings
        .iter()
        .map(|line| {
            let usage = if line.tier.is_empty() { line.usage.clone() } else { format!("{} / {}", line.usage, line.tier) };
            let mut cells = vec![
                text(format!("{} v{}", line.contract, line.version)),
                text(key(&line.track)),
                text(&line.title),
                text(key(&line.service)),
                text(key(&line.territory)),
                text(usage),
                text(key(&line.sale_month)),
                text(count(line.units)),
                rounded(line.receipts),
            ];
            if with_deductions {
                cells.push(rounded(line.deductions));
            }
            cells.push(text(percent(line.rate)));
            cells.push(amount(line.amount));
            plain(cells)
        })
        .collect();
    let units: i64 = statement.earnings.iter().map(|l| l.units).sum();
    let receipts: Decimal = statement.earnings.iter().map(|l| l.receipts).sum();
    let deductions: Decimal = statement.earnings.iter().map(|l| l.deductions).sum();
    let mut total = vec![text("Total"), text(""), text(""), text(""), text(""), text(""), text(""), text(count(units)), rounded(receipts)];
    if with_deductions {
        total.push(rounded(deductions));
    }
    total.push(text(""));
    total.push(amount(statement.summary.earnings));
    blocks.push(Block::Table(Table {
        caption: format!("Earning lines ({currency})"),
        columns,
        rows,
        total: Some(total),
        row_headers: false,
        detail: true,
    }));

    // Verification.
    blocks.push(Block::Section { id: "verify", title: "Checking this statement".to_string() });
    blocks.push(Block::Paragraph {
        text: "The SHA-256 below is the fingerprint of this statement's figures (its canonical JSON, recorded in the ledger when the statement was issued). Every format of the statement carries it. To check a copy, run “ledgerline verify FILE” on it: Ledgerline finds the issued statement with this fingerprint, draws it again and compares the two files byte for byte, so any changed figure is found. For the JSON version, the file's own SHA-256 (sha256sum) is the fingerprint.".to_string(),
        lead: false,
    });
    blocks.push(Block::Hash(hash.to_string()));

    blocks.push(Block::Footnotes(vec![
        format!("* {ROUNDING_NOTE}"),
        format!(
            "Amounts are in {currency}; negative amounts reduce your balance. Exact receipts total {currency} {}.",
            exact(receipts)
        ),
        format!("{} · {} · {} · SHA-256 {hash}", statement.label, statement.payee, statement.period),
    ]));
    blocks
}
