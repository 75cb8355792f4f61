//! The HTML statement: one self-contained file (inline CSS and SVG, no external requests),
//! printable on A4, with headings and captioned tables for screen readers.

use std::fmt::Write as _;

use ledgerline_engine::Statement;

use crate::breakdown::{breakdowns, check_lines};
use crate::charts::statement_charts;
use crate::document::{self, Align, Block, Cell, Table};
use crate::text::escape;
use crate::{RenderError, HASH_MARKER};

const STYLE: &str = r#"
:root { --ink: #1a202c; --muted: #4a5568; --rule: #d9dee5; --band: #f4f6f9; --accent: #2f5f98; --negative: #b83232; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0; font-size: 15px; line-height: 1.45; }
main { max-width: 62rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
header.statement { border-bottom: 3px solid var(--accent); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.label-name { margin: 0; color: var(--accent); font-weight: bold; letter-spacing: .04em; text-transform: uppercase; font-size: .85rem; }
h1 { font-size: 1.8rem; margin: .2rem 0 .8rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--rule); padding-bottom: .25rem; break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; break-after: avoid; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: 0 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .2rem 0 .4rem; caption-side: top; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
thead th { background: var(--band); font-weight: bold; border-bottom: 2px solid var(--muted); }
th[scope=row] { font-weight: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.neg { color: var(--negative); }
tr.total th, tr.total td { font-weight: bold; border-top: 2px solid var(--muted); border-bottom: none; }
tr.key th, tr.key td { font-weight: bold; background: var(--band); }
table.detail { font-size: .78rem; }
.lead { font-size: 1.05rem; }
.figures { display: grid; grid-template-columns: 1fr; gap: 1rem; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
.hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; word-break: break-all; background: var(--band); padding: .4rem .6rem; display: inline-block; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.notes { color: var(--muted); font-size: .85rem; }
footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: .8rem; color: var(--muted); font-size: .85rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table { page-break-inside: auto; }
  thead { display: table-header-group; }
  tfoot { display: table-row-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  figure { break-inside: avoid; }
  section.detail { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The statement as one HTML document.
pub fn render_html(statement: &Statement) -> Result<String, RenderError> {
    check_lines(statement)?;
    if !statement.summary.adds_up() {
        return Err(RenderError::SummaryDoesNotAddUp);
    }
    let list = breakdowns(statement)?;
    let charts = statement_charts(statement)?;
    let hash = statement.sha256();
    let blocks = document::blocks(statement, &list, &hash);

    let mut html = String::with_capacity(64 * 1024 + statement.earnings.len() * 600);
    let title = format!("Royalty statement: {} ({}), {}", statement.payee_name, statement.payee, statement.period);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(html, "<title>{}</title>", escape(&title));
    let _ = writeln!(html, "<meta name=\"{HASH_MARKER}\" content=\"{hash}\">");
    let _ = writeln!(html, "<meta name=\"generator\" content=\"Ledgerline\">");
    let _ = writeln!(html, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");

    for block in &blocks {
        match block {
            Block::Header { label, title, facts } => {
                html.push_str("<header class=\"statement\">\n");
                let _ = writeln!(html, "<p class=\"label-name\">{}</p>", escape(label));
                let _ = writeln!(html, "<h1>{}</h1>", escape(title));
                html.push_str("<dl class=\"facts\">\n");
                for (term, value) in facts {
                    let _ = writeln!(html, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(value));
                }
                html.push_str("</dl>\n</header>\n");
            }
            Block::Section { id, title } => {
                let _ = writeln!(html, "<h2 id=\"{id}\">{}</h2>", escape(title));
            }
            Block::Paragraph { text, lead } => {
                let _ = writeln!(html, "<p{}>{}</p>", if *lead { " class=\"lead\"" } else { "" }, escape(text));
            }
            Block::Notes(notes) => {
                html.push_str("<ul class=\"notes\">\n");
                for note in notes {
                    let _ = writeln!(html, "<li>{}</li>", escape(note));
                }
                html.push_str("</ul>\n");
            }
            Block::Hash(hash) => {
                let _ = writeln!(html, "<p><span class=\"hash\" id=\"sha256\">{hash}</span></p>");
            }
            Block::Table(table) => write_table(&mut html, table),
            Block::Charts => {
                html.push_str("<div class=\"figures\">\n");
                for chart in &charts {
                    let _ = writeln!(html, "<figure>\n{}\n</figure>", chart.to_svg());
                }
                html.push_str("</div>\n");
            }
            Block::Footnotes(notes) => {
                html.push_str("<footer>\n");
                for note in notes {
                    let _ = writeln!(html, "<p>{}</p>", escape(note));
                }
                html.push_str("</footer>\n");
            }
        }
    }
    html.push_str("</main>\n</body>\n</html>\n");
    Ok(html)
}

fn write_table(html: &mut String, table: &Table) {
    let class = if table.detail { " class=\"detail\"" } else { "" };
    let _ = writeln!(html, "<table{class}>");
    let _ = writeln!(html, "<caption>{}</caption>", escape(&table.caption));
    html.push_str("<thead><tr>");
    for column in &table.columns {
        let class = if column.align == Align::Right { " class=\"num\"" } else { "" };
        let _ = write!(html, "<th scope=\"col\"{class}>{}</th>", escape(&column.title));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        write_row(html, table, &row.cells, row_class(row.style));
    }
    html.push_str("</tbody>\n");
    if let Some(total) = &table.total {
        html.push_str("<tfoot>\n");
        write_row(html, table, total, " class=\"total\"");
        html.push_str("</tfoot>\n");
    }
    html.push_str("</table>\n");
}

fn row_class(style: document::RowStyle) -> &'static str {
    match style {
        document::RowStyle::Plain => "",
        document::RowStyle::Key => " class=\"key\"",
        document::RowStyle::Total => " class=\"total\"",
    }
}

fn write_row(html: &mut String, table: &Table, cells: &[Cell], class: &str) {
    let _ = write!(html, "<tr{class}>");
    for (index, (cell, column)) in cells.iter().zip(&table.columns).enumerate() {
        let mut classes = Vec::new();
        if column.align == Align::Right {
            classes.push("num");
        }
        if cell.negative {
            classes.push("neg");
        }
        let class = if classes.is_empty() { String::new() } else { format!(" class=\"{}\"", classes.join(" ")) };
        if index == 0 && table.row_headers {
            let _ = write!(html, "<th scope=\"row\"{class}>{}</th>", escape(&cell.text));
        } else {
            let _ = write!(html, "<td{class}>{}</td>", escape(&cell.text));
        }
    }
    html.push_str("</tr>\n");
}
