//! Reports that are not statements (the lender pack of `ledgerline value`), drawn with the
//! statement's PDF machinery: the same fonts, page geometry, tables that repeat their header
//! across pages, and charts from [`crate::charts`].
//!
//! A report is data: a header, then blocks (sections, paragraphs, notes, tables, charts). The
//! caller formats every figure as text; this module lays it out. Deterministic like the
//! statements: no clock, fonts compiled in.

use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::{Document, SerializeSettings};

use crate::charts::{
    title_shape, truncate, Anchor, Chart, Rgb, Scale, Shape, BAR, GRID, INK, MUTED, REST,
};
use crate::document::{Align, Cell, Column, Row, RowStyle, Table};
use crate::pdf::{
    draw, Face, Fonts, Layout, Op, ACCENT, BOLD, LEFT, PAGE_HEIGHT, PAGE_WIDTH, REGULAR, RIGHT,
    RULE,
};
use crate::RenderError;

/// A column of a report table: text (left-aligned) or a figure (right-aligned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportColumn {
    pub title: String,
    pub numeric: bool,
    /// A text column that gives up width first (cut with an ellipsis) when the table is wide.
    pub flexible: bool,
}

impl ReportColumn {
    pub fn text(title: impl Into<String>) -> ReportColumn {
        ReportColumn {
            title: title.into(),
            numeric: false,
            flexible: false,
        }
    }

    /// A text column that may be shortened in a wide table (titles, descriptions).
    pub fn wide(title: impl Into<String>) -> ReportColumn {
        ReportColumn {
            title: title.into(),
            numeric: false,
            flexible: true,
        }
    }

    pub fn figure(title: impl Into<String>) -> ReportColumn {
        ReportColumn {
            title: title.into(),
            numeric: true,
            flexible: false,
        }
    }
}

/// A table of already formatted cells; figures starting with `-` are drawn in red.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportTable {
    pub caption: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<Vec<String>>,
    pub total: Option<Vec<String>>,
    /// Small print (long tables).
    pub small: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportBlock {
    Section(String),
    Paragraph(String),
    /// Bulleted notes in muted small print.
    Notes(Vec<String>),
    Table(ReportTable),
    Chart(Chart),
    /// Starts a new page.
    PageBreak,
}

/// A whole report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Small capitals above the title (the label's name).
    pub label: String,
    pub title: String,
    /// Key facts under the title.
    pub facts: Vec<(String, String)>,
    /// The running header of pages after the first.
    pub running: String,
    /// The footer of every page (left), beside the page number.
    pub footer: String,
    pub blocks: Vec<ReportBlock>,
    /// Document information.
    pub subject: String,
    pub keywords: Vec<String>,
}

fn cells(texts: &[String], numeric: &[bool]) -> Vec<Cell> {
    texts
        .iter()
        .enumerate()
        .map(|(index, text)| Cell {
            text: text.clone(),
            negative: numeric.get(index).copied().unwrap_or(false) && text.starts_with('-'),
        })
        .collect()
}

fn table(report_table: &ReportTable) -> Table {
    let numeric: Vec<bool> = report_table
        .columns
        .iter()
        .map(|column| column.numeric)
        .collect();
    Table {
        caption: report_table.caption.clone(),
        columns: report_table
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| Column {
                title: column.title.clone(),
                align: if column.numeric {
                    Align::Right
                } else {
                    Align::Left
                },
                flexible: column.flexible
                    || (!column.numeric
                        && index == 0
                        && !report_table.columns.iter().any(|c| c.flexible)),
            })
            .collect(),
        rows: report_table
            .rows
            .iter()
            .map(|row| Row {
                cells: cells(row, &numeric),
                style: RowStyle::Plain,
            })
            .collect(),
        total: report_table.total.as_ref().map(|row| cells(row, &numeric)),
        row_headers: true,
        detail: report_table.small,
    }
}

/// The report as a PDF document (A4).
pub fn render_report_pdf(report: &Report) -> Result<Vec<u8>, RenderError> {
    let fonts = Fonts {
        regular: Face::new(REGULAR)?,
        bold: Face::new(BOLD)?,
    };
    let mut layout = Layout::new(&fonts);
    layout.header(&report.label, &report.title, &report.facts);
    for block in &report.blocks {
        match block {
            ReportBlock::Section(title) => layout.section(title),
            ReportBlock::Paragraph(text) => layout.paragraph(text, 9.3, INK, 6.0),
            ReportBlock::Notes(notes) => {
                for note in notes {
                    layout.paragraph(&format!("• {note}"), 8.5, MUTED, 2.0);
                }
                layout.y += 4.0;
            }
            ReportBlock::Table(report_table) => layout.table(&table(report_table)),
            ReportBlock::Chart(chart) => layout.chart(chart),
            ReportBlock::PageBreak => layout.new_page(),
        }
    }
    let pages = std::mem::take(&mut layout.pages);
    let count = pages.len();
    let settings = SerializeSettings {
        enable_tagging: false,
        ..SerializeSettings::default()
    };
    let mut pdf = Document::new_with(settings);
    for (index, ops) in pages.iter().enumerate() {
        let size = Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| RenderError::Pdf("page size".into()))?;
        let mut page = pdf.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, op);
        }
        let mut furniture = Vec::new();
        if index > 0 {
            furniture.push(Op::Text {
                x: LEFT,
                y: 30.0,
                size: 7.5,
                bold: true,
                color: ACCENT,
                text: report.label.clone(),
            });
            let width = fonts.width(&report.running, 7.5, false);
            furniture.push(Op::Text {
                x: RIGHT - width,
                y: 30.0,
                size: 7.5,
                bold: false,
                color: MUTED,
                text: report.running.clone(),
            });
            furniture.push(Op::Line {
                x1: LEFT,
                y1: 36.0,
                x2: RIGHT,
                y2: 36.0,
                color: RULE,
                width: 0.6,
            });
        }
        let footer_y = PAGE_HEIGHT - 28.0;
        furniture.push(Op::Line {
            x1: LEFT,
            y1: footer_y - 11.0,
            x2: RIGHT,
            y2: footer_y - 11.0,
            color: RULE,
            width: 0.6,
        });
        furniture.push(Op::Text {
            x: LEFT,
            y: footer_y,
            size: 6.5,
            bold: false,
            color: MUTED,
            text: report.footer.clone(),
        });
        let number = format!("Page {} of {count}", index + 1);
        let width = fonts.width(&number, 7.5, false);
        furniture.push(Op::Text {
            x: RIGHT - width,
            y: footer_y,
            size: 7.5,
            bold: false,
            color: MUTED,
            text: number,
        });
        for op in &furniture {
            draw(&mut surface, &fonts, op);
        }
        surface.finish();
        page.finish();
    }
    pdf.set_metadata(
        Metadata::new()
            .title(format!("{}: {}", report.title, report.label))
            .description(report.subject.clone())
            .keywords(report.keywords.clone())
            .authors(vec![report.label.clone()])
            .creator("Ledgerline".to_string())
            .language("en".to_string()),
    );
    pdf.finish()
        .map_err(|error| RenderError::Pdf(format!("{error:?}")))
}

/// A fitted straight line on a scatter chart: `y = slope × x` from `x_from` to `x_to`.
#[derive(Clone, Debug, PartialEq)]
pub struct FitLine {
    pub label: String,
    pub slope: f64,
    pub x_from: i32,
    pub x_to: i32,
}

const FIT_WIDTH: i32 = 640;

/// A scatter of points (`x`: months, `y`: log income relative to each release's own level)
/// with fitted lines through the origin, for the decay fit. Statistics, not money:
/// the values are `f64` and only placed on the page (to 1/1000 of a log unit).
pub fn decay_chart(
    id: &'static str,
    title: &str,
    x_label: &str,
    points: &[(i32, f64)],
    lines: &[FitLine],
) -> Chart {
    let (left, right, top, bottom) = (64, FIT_WIDTH - 120, 46, 266);
    let height = 300;
    let milli = |value: f64| -> i128 { (value * 1000.0).round().clamp(-1.0e12, 1.0e12) as i128 };
    let mut ys: Vec<i128> = points.iter().map(|(_, y)| milli(*y)).collect();
    for line in lines {
        ys.push(milli(line.slope * f64::from(line.x_from)));
        ys.push(milli(line.slope * f64::from(line.x_to)));
    }
    let scale = Scale::new(ys.into_iter(), 4);
    let x_max = points
        .iter()
        .map(|(x, _)| *x)
        .chain(lines.iter().map(|line| line.x_to))
        .max()
        .unwrap_or(6)
        .max(1);
    let x_min = points
        .iter()
        .map(|(x, _)| *x)
        .chain(lines.iter().map(|line| line.x_from))
        .min()
        .unwrap_or(0)
        .min(0);
    let x_scale = Scale::new([i128::from(x_min), i128::from(x_max)].into_iter(), 6);
    let mut shapes = vec![title_shape(title)];
    for tick in scale.ticks() {
        let y = scale.at(tick, bottom, top);
        shapes.push(Shape::Line {
            x1: left,
            y1: y,
            x2: right,
            y2: y,
            stroke: GRID,
        });
        shapes.push(Shape::Text {
            x: left - 6,
            y: y + 4,
            size: 10,
            anchor: Anchor::End,
            bold: false,
            fill: MUTED,
            text: format!("{:.1}", tick as f64 / 1000.0),
        });
    }
    for tick in x_scale.ticks() {
        let x = x_scale.at(tick, left, right);
        shapes.push(Shape::Text {
            x,
            y: bottom + 16,
            size: 10,
            anchor: Anchor::Middle,
            bold: false,
            fill: MUTED,
            text: tick.to_string(),
        });
    }
    shapes.push(Shape::Text {
        x: (left + right) / 2,
        y: bottom + 30,
        size: 10,
        anchor: Anchor::Middle,
        bold: false,
        fill: MUTED,
        text: x_label.to_string(),
    });
    shapes.push(Shape::Text {
        x: left - 6,
        y: top - 10,
        size: 10,
        anchor: Anchor::End,
        bold: false,
        fill: MUTED,
        text: "log income".to_string(),
    });
    // At most 1,500 points, evenly spaced through the list (deterministic).
    let every = points.len().div_ceil(1500).max(1);
    for (x, y) in points.iter().step_by(every) {
        let px = x_scale.at(i128::from(*x), left, right);
        let py = scale.at(milli(*y), bottom, top);
        shapes.push(Shape::Rect {
            x: px - 1,
            y: py - 1,
            width: 3,
            height: 3,
            fill: REST,
        });
    }
    const COLOURS: [Rgb; 6] = [
        BAR,
        Rgb(0xc0, 0x6a, 0x1b),
        Rgb(0x2e, 0x8b, 0x57),
        Rgb(0x8e, 0x44, 0xad),
        Rgb(0xb8, 0x32, 0x32),
        INK,
    ];
    for (index, line) in lines.iter().enumerate() {
        let colour = COLOURS[index % COLOURS.len()];
        // Drawn as short segments (lines are one pixel wide in both SVG and PDF).
        let (from, to) = (line.x_from, line.x_to.max(line.x_from));
        let mut previous: Option<(i32, i32)> = None;
        let steps = (to - from).max(1);
        for step in 0..=steps {
            let x = from + step;
            let px = x_scale.at(i128::from(x), left, right);
            let py = scale.at(milli(line.slope * f64::from(x)), bottom, top);
            if let Some((x0, y0)) = previous {
                shapes.push(Shape::Line {
                    x1: x0,
                    y1: y0,
                    x2: px,
                    y2: py,
                    stroke: colour,
                });
            }
            previous = Some((px, py));
        }
        let legend_y = top + 14 * index as i32;
        shapes.push(Shape::Rect {
            x: right + 10,
            y: legend_y - 8,
            width: 10,
            height: 3,
            fill: colour,
        });
        shapes.push(Shape::Text {
            x: right + 24,
            y: legend_y,
            size: 10,
            anchor: Anchor::Start,
            bold: false,
            fill: INK,
            text: truncate(&line.label, 14),
        });
    }
    shapes.push(Shape::Line {
        x1: left,
        y1: bottom,
        x2: right,
        y2: bottom,
        stroke: MUTED,
    });
    let description = format!(
        "Scatter of {} observations of log income, each release's own level removed; fitted lines: {}.",
        points.len(),
        lines.iter().map(|line| format!("{} slope {:.4} a month", line.label, line.slope)).collect::<Vec<_>>().join("; ")
    );
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        description,
        width: FIT_WIDTH,
        height,
        shapes,
    }
}
