//! Charts of a statement's earnings, as SVG: by month of sale (bars), by service (horizontal
//! bars) and by territory (the top ten and the rest).
//!
//! A chart is first a [`Chart`]: a list of rectangles, lines and texts in integer coordinates.
//! [`Chart::to_svg`] writes it as a standalone SVG (with `<title>` and `<desc>` for screen
//! readers); the PDF renderer draws the same shapes through the PDF library, so HTML, PDF and
//! the portal show the same picture. Bar lengths are computed from the exact amounts with
//! integer arithmetic; output is deterministic.

use ledgerline_engine::Statement;
use ledgerline_money::Decimal;

use crate::breakdown::{breakdowns, top_and_rest, Breakdown, BreakdownRow};
use crate::text::{escape, key, money, month_short};
use crate::RenderError;

/// How a text is placed relative to its `x`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

pub const INK: Rgb = Rgb(0x1a, 0x20, 0x2c);
pub const MUTED: Rgb = Rgb(0x4a, 0x55, 0x68);
pub const GRID: Rgb = Rgb(0xd9, 0xde, 0xe5);
pub const BAR: Rgb = Rgb(0x2f, 0x5f, 0x98);
pub const NEGATIVE: Rgb = Rgb(0xb8, 0x32, 0x32);
pub const REST: Rgb = Rgb(0x8a, 0x9b, 0xb0);

/// One drawing primitive, in chart units (y grows downwards; text `y` is the baseline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    Rect { x: i32, y: i32, width: i32, height: i32, fill: Rgb },
    Line { x1: i32, y1: i32, x2: i32, y2: i32, stroke: Rgb },
    Text { x: i32, y: i32, size: i32, anchor: Anchor, bold: bool, fill: Rgb, text: String },
}

/// A chart: a titled picture of `width` × `height` units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    /// Used for element ids (`chart-month`).
    pub id: String,
    pub title: String,
    /// What the chart shows, in words, for screen readers.
    pub description: String,
    pub width: i32,
    pub height: i32,
    pub shapes: Vec<Shape>,
}

const FONT_FAMILY: &str = "'DejaVu Sans Condensed', 'DejaVu Sans', 'Arial Narrow', Arial, sans-serif";

impl Chart {
    /// The chart as a standalone SVG document fragment (`<svg …>…</svg>`).
    pub fn to_svg(&self) -> String {
        let mut svg = String::with_capacity(4096);
        svg.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{font}\">\n",
            id = self.id,
            w = self.width,
            h = self.height,
            font = FONT_FAMILY,
        ));
        svg.push_str(&format!("<title id=\"{}-title\">{}</title>\n", self.id, escape(&self.title)));
        svg.push_str(&format!("<desc id=\"{}-desc\">{}</desc>\n", self.id, escape(&self.description)));
        for shape in &self.shapes {
            match shape {
                Shape::Rect { x, y, width, height, fill } => svg.push_str(&format!(
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" fill=\"{}\"/>\n",
                    fill.hex()
                )),
                Shape::Line { x1, y1, x2, y2, stroke } => svg.push_str(&format!(
                    "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke=\"{}\" stroke-width=\"1\"/>\n",
                    stroke.hex()
                )),
                Shape::Text { x, y, size, anchor, bold, fill, text } => {
                    let anchor = match anchor {
                        Anchor::Start => "start",
                        Anchor::Middle => "middle",
                        Anchor::End => "end",
                    };
                    svg.push_str(&format!(
                        "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" text-anchor=\"{anchor}\" fill=\"{}\"{}>{}</text>\n",
                        fill.hex(),
                        if *bold { " font-weight=\"bold\"" } else { "" },
                        escape(text)
                    ))
                }
            }
        }
        svg.push_str("</svg>");
        svg
    }
}

/// The three charts of a statement, in statement order: by month, by service, by territory.
pub fn statement_charts(statement: &Statement) -> Result<Vec<Chart>, RenderError> {
    let list = breakdowns(statement)?;
    let find = |id: &str| list.iter().find(|b| b.id == id).cloned().unwrap_or_else(|| unreachable!("breakdown {id} is always made"));
    Ok(vec![
        month_chart(&statement.currency, &find("month")),
        horizontal_bars("chart-service", "Earnings by service", &statement.currency, &find("service").rows, usize::MAX),
        horizontal_bars("chart-territory", "Earnings by territory (top ten and the rest)", &statement.currency, &top_and_rest(&find("territory"), 10), 10),
    ])
}

/// Earnings by month of sale, as SVG.
pub fn earnings_by_month(statement: &Statement) -> Result<String, RenderError> {
    Ok(statement_charts(statement)?.remove(0).to_svg())
}

/// Earnings by service, as SVG.
pub fn earnings_by_service(statement: &Statement) -> Result<String, RenderError> {
    Ok(statement_charts(statement)?.remove(1).to_svg())
}

/// Earnings by territory, the top ten and "the rest", as SVG.
pub fn earnings_by_territory(statement: &Statement) -> Result<String, RenderError> {
    Ok(statement_charts(statement)?.remove(2).to_svg())
}

const WIDTH: i32 = 640;

fn cents_of(amount: Decimal) -> i128 {
    amount.to_units_rounded(2, ledgerline_money::RoundingMode::HalfEven)
}

/// A scale from cents to chart units: nice ticks covering `lo..=hi` (both including zero).
pub(crate) struct Scale {
    pub(crate) lo: i128,
    pub(crate) hi: i128,
    pub(crate) step: i128,
}

impl Scale {
    pub(crate) fn new(values: impl Iterator<Item = i128>, intervals: i128) -> Scale {
        let (mut lo, mut hi) = (0i128, 0i128);
        for value in values {
            lo = lo.min(value);
            hi = hi.max(value);
        }
        let span = (hi - lo).max(1);
        let raw = (span + intervals - 1) / intervals;
        let mut magnitude = 1i128;
        while magnitude * 10 <= raw {
            magnitude *= 10;
        }
        let step = [1, 2, 5, 10].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10 * magnitude).max(1);
        let lo = lo.div_euclid(step) * step;
        let hi = if hi % step == 0 { hi } else { (hi.div_euclid(step) + 1) * step };
        let hi = if hi == lo { lo + step } else { hi };
        Scale { lo, hi, step }
    }

    /// Position of `value` on an axis from `start` (at `lo`) to `end` (at `hi`).
    pub(crate) fn at(&self, value: i128, start: i32, end: i32) -> i32 {
        let length = i128::from(end - start);
        let offset = (value - self.lo) * length / (self.hi - self.lo);
        start + offset as i32
    }

    pub(crate) fn ticks(&self) -> Vec<i128> {
        let mut ticks = Vec::new();
        let mut tick = self.lo;
        while tick <= self.hi {
            ticks.push(tick);
            tick += self.step;
        }
        ticks
    }
}

/// A tick label: whole currency units with separators (`12,000`), or cents for small steps.
pub(crate) fn tick_label(cents: i128, step: i128) -> String {
    let amount = Decimal::from_units(cents, 2).unwrap_or(Decimal::ZERO);
    if step % 100 == 0 {
        crate::text::group(&amount.format_fixed(0, ledgerline_money::RoundingMode::HalfEven))
    } else {
        money(amount)
    }
}

pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

pub(crate) fn title_shape(title: &str) -> Shape {
    Shape::Text { x: 0, y: 16, size: 14, anchor: Anchor::Start, bold: true, fill: INK, text: title.to_string() }
}

fn describe(currency: &str, rows: &[BreakdownRow], label: impl Fn(&BreakdownRow) -> String) -> String {
    let parts: Vec<String> = rows.iter().map(|row| format!("{}: {currency} {}", label(row), money(row.amount))).collect();
    parts.join("; ")
}

fn month_chart(currency: &str, breakdown: &Breakdown) -> Chart {
    month_bars("chart-month", "Earnings by month of sale", currency, breakdown)
}

/// Vertical bars by month (`keys[0]` is `YYYY-MM`; rows with an empty key are drawn last as
/// "Other"), as used for a statement's earnings by month of sale.
pub fn month_bars(id: &str, title: &str, currency: &str, breakdown: &Breakdown) -> Chart {
    // Months in order; lines without a month of sale (costs of net-profit deals) last.
    let mut rows: Vec<BreakdownRow> = breakdown.rows.iter().filter(|row| !row.keys[0].is_empty()).cloned().collect();
    rows.extend(breakdown.rows.iter().filter(|row| row.keys[0].is_empty()).cloned());
    let rows = &rows;
    let title = title.to_string();
    let label = |row: &BreakdownRow| if row.keys[0].is_empty() { "Other".to_string() } else { month_short(&row.keys[0]) };
    let description = if rows.is_empty() {
        "No earnings in this period.".to_string()
    } else {
        format!("Bar chart, {currency}. {}.", describe(currency, rows, label))
    };
    let (left, right, top, bottom) = (64, WIDTH - 8, 46, 226);
    let height = 258;
    let mut shapes = vec![title_shape(&title)];
    let scale = Scale::new(rows.iter().map(|row| cents_of(row.amount)), 4);
    for tick in scale.ticks() {
        let y = scale.at(tick, bottom, top);
        shapes.push(Shape::Line { x1: left, y1: y, x2: right, y2: y, stroke: GRID });
        shapes.push(Shape::Text { x: left - 6, y: y + 4, size: 10, anchor: Anchor::End, bold: false, fill: MUTED, text: tick_label(tick, scale.step) });
    }
    shapes.push(Shape::Text { x: left - 6, y: top - 8, size: 10, anchor: Anchor::End, bold: false, fill: MUTED, text: currency.to_string() });
    let n = rows.len().max(1) as i32;
    let slot = (right - left) / n;
    let bar = (slot * 7 / 10).clamp(2, 48);
    let every = (rows.len() as i32 + 11) / 12;
    let zero = scale.at(0, bottom, top);
    for (index, row) in rows.iter().enumerate() {
        let index = index as i32;
        let value = cents_of(row.amount);
        let y = scale.at(value, bottom, top);
        let x = left + index * slot + (slot - bar) / 2;
        let (y0, h) = if value >= 0 { (y, zero - y) } else { (zero, y - zero) };
        shapes.push(Shape::Rect { x, y: y0, width: bar, height: h.max(if value == 0 { 0 } else { 1 }), fill: if value < 0 { NEGATIVE } else { BAR } });
        if index % every.max(1) == 0 {
            shapes.push(Shape::Text { x: x + bar / 2, y: bottom + 16, size: 10, anchor: Anchor::Middle, bold: false, fill: MUTED, text: label(row) });
        }
        if rows.len() <= 8 {
            let label_y = if value >= 0 { y - 4 } else { y + 12 };
            shapes.push(Shape::Text { x: x + bar / 2, y: label_y, size: 9, anchor: Anchor::Middle, bold: false, fill: INK, text: money(row.amount) });
        }
    }
    shapes.push(Shape::Line { x1: left, y1: zero, x2: right, y2: zero, stroke: MUTED });
    Chart { id: id.to_string(), title, description, width: WIDTH, height, shapes }
}

/// Horizontal bars, one per row (`keys[0]` names it); with `top_n` rows before a last "rest"
/// row drawn in a lighter colour (`usize::MAX`: no rest row).
pub fn horizontal_bars(id: &str, title: &str, currency: &str, rows: &[BreakdownRow], top_n: usize) -> Chart {
    let row_height = 20;
    let top = 30;
    let (label_right, value_right) = (150, WIDTH - 4);
    let (left, right) = (label_right + 6, WIDTH - 96);
    let height = top + row_height * rows.len().max(1) as i32 + 8;
    let label = |row: &BreakdownRow| key(&row.keys[0]).to_string();
    let description = if rows.is_empty() {
        "No earnings in this period.".to_string()
    } else {
        format!("Bar chart, {currency}. {}.", describe(currency, rows, label))
    };
    let mut shapes = vec![title_shape(title)];
    let scale = Scale::new(rows.iter().map(|row| cents_of(row.amount)), 4);
    let zero = scale.at(0, left, right);
    for (index, row) in rows.iter().enumerate() {
        let y = top + index as i32 * row_height;
        let value = cents_of(row.amount);
        let x = scale.at(value, left, right);
        let is_rest = top_n != usize::MAX && index == top_n;
        let fill = if value < 0 {
            NEGATIVE
        } else if is_rest {
            REST
        } else {
            BAR
        };
        let (x0, w) = if value >= 0 { (zero, x - zero) } else { (x, zero - x) };
        shapes.push(Shape::Rect { x: x0, y: y + 3, width: w.max(if value == 0 { 0 } else { 1 }), height: row_height - 6, fill });
        shapes.push(Shape::Text { x: label_right, y: y + 14, size: 11, anchor: Anchor::End, bold: false, fill: INK, text: truncate(&label(row), 24) });
        shapes.push(Shape::Text { x: value_right, y: y + 14, size: 11, anchor: Anchor::End, bold: false, fill: INK, text: money(row.amount) });
    }
    shapes.push(Shape::Line { x1: zero, y1: top, x2: zero, y2: top + row_height * rows.len().max(1) as i32, stroke: MUTED });
    Chart { id: id.to_string(), title: title.to_string(), description, width: WIDTH, height, shapes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_cover_their_values_with_round_ticks() {
        let scale = Scale::new([123_456i128, -2_000].into_iter(), 4);
        assert!(scale.lo <= -2_000 && scale.hi >= 123_456);
        assert_eq!(scale.lo % scale.step, 0);
        assert_eq!(scale.at(scale.lo, 0, 100), 0);
        assert_eq!(scale.at(scale.hi, 0, 100), 100);
        let empty = Scale::new(std::iter::empty(), 4);
        assert!(empty.hi > empty.lo);
    }
}
