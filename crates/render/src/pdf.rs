//! The PDF statement, drawn with krilla: A4, DejaVu Sans Condensed embedded (subset), page
//! numbers ("Page 2 of 5"), tables that break across pages with their header row repeated,
//! the charts drawn as vector paths, the same content as the HTML ([`crate::document`]).
//!
//! Deterministic: no creation date is written, the fonts are compiled in (so the bytes do not
//! depend on the machine's fonts), and layout uses only the font's own metrics. The hash is in
//! the document information (subject and keywords, `ledgerline-statement-sha256:<hash>`) and
//! in the visible text (every page's footer and the "Checking this statement" section).
//!
//! The fonts, page geometry, colours and drawing operations are shared with the self-billing
//! invoice ([`crate::invoice`]).

use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use ledgerline_engine::Statement;

use crate::breakdown::{breakdowns, check_lines};
use crate::charts::{statement_charts, Anchor, Chart, Rgb, Shape, INK, MUTED};
use crate::document::{self, Align, Block, Cell, RowStyle, Table};
use crate::{RenderError, HASH_MARKER};

pub(crate) static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

pub(crate) const PAGE_WIDTH: f32 = 595.276;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
pub(crate) const LEFT: f32 = 42.0;
pub(crate) const RIGHT: f32 = PAGE_WIDTH - 42.0;
pub(crate) const WIDTH: f32 = RIGHT - LEFT;
pub(crate) const TOP: f32 = 54.0;
pub(crate) const BOTTOM: f32 = PAGE_HEIGHT - 52.0;

pub(crate) const ACCENT: Rgb = Rgb(0x2f, 0x5f, 0x98);
pub(crate) const RULE: Rgb = Rgb(0xd9, 0xde, 0xe5);
pub(crate) const BAND: Rgb = Rgb(0xf0, 0xf3, 0xf7);
pub(crate) const NEGATIVE: Rgb = Rgb(0xb8, 0x32, 0x32);

/// A face for measuring text, the same shaping krilla applies when drawing.
pub(crate) struct Face {
    face: rustybuzz::Face<'static>,
    font: Font,
}

impl Face {
    pub(crate) fn new(bytes: &'static [u8]) -> Result<Face, RenderError> {
        let face = rustybuzz::Face::from_slice(bytes, 0).ok_or_else(|| RenderError::Pdf("the embedded font does not parse".into()))?;
        let data: Arc<dyn AsRef<[u8]> + Send + Sync> = Arc::new(bytes);
        let font = Font::new(data.into(), 0).ok_or_else(|| RenderError::Pdf("the embedded font does not load".into()))?;
        Ok(Face { face, font })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let output = rustybuzz::shape(&self.face, &[], buffer);
        let units: i32 = output.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / f32::from(self.face.units_per_em() as u16) * size
    }
}

pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

impl Fonts {
    pub(crate) fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    pub(crate) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    /// `text` cut with an ellipsis to fit `width`.
    pub(crate) fn fit(&self, text: &str, size: f32, bold: bool, width: f32) -> String {
        if self.width(text, size, bold) <= width {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut keep = chars.len();
        while keep > 0 {
            keep -= 1;
            let candidate: String = chars[..keep].iter().collect::<String>() + "…";
            if self.width(&candidate, size, bold) <= width {
                return candidate;
            }
        }
        String::new()
    }

    /// Greedy word wrap to `width`.
    pub(crate) fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ') {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if self.width(&candidate, size, bold) <= width || line.is_empty() && self.width(word, size, bold) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if self.width(word, size, bold) <= width {
                line = word.to_string();
            } else {
                // A word wider than the line (a hash): break it by characters.
                for c in word.chars() {
                    let candidate = format!("{line}{c}");
                    if self.width(&candidate, size, bold) > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                    }
                    line.push(c);
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// A drawing operation on a page, in points, y downwards (text `y` is the baseline).
pub(crate) enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, color: Rgb, text: String },
    Rect { x: f32, y: f32, width: f32, height: f32, color: Rgb },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32 },
}

pub(crate) struct Layout<'f> {
    pub(crate) fonts: &'f Fonts,
    pub(crate) pages: Vec<Vec<Op>>,
    pub(crate) y: f32,
}

impl<'f> Layout<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Layout<'f> {
        Layout { fonts, pages: vec![Vec::new()], y: TOP - 14.0 }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().unwrap_or_else(|| unreachable!("a layout always has a page"))
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` fits below the current position.
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, color: Rgb, text: impl Into<String>) {
        self.ops().push(Op::Text { x, y, size, bold, color, text: text.into() });
    }

    pub(crate) fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, color: Rgb, text: &str) {
        let width = self.fonts.width(text, size, bold);
        self.text(right - width, y, size, bold, color, text);
    }

    pub(crate) fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Rgb) {
        self.ops().push(Op::Rect { x, y, width, height, color });
    }

    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32) {
        self.ops().push(Op::Line { x1, y1, x2, y2, color, width });
    }

    pub(crate) fn paragraph(&mut self, text: &str, size: f32, color: Rgb, after: f32) {
        let leading = size * 1.45;
        for line in self.fonts.wrap(text, size, false, WIDTH) {
            self.ensure(leading);
            self.y += leading;
            self.text(LEFT, self.y - leading * 0.28, size, false, color, line);
        }
        self.y += after;
    }

    pub(crate) fn header(&mut self, label: &str, title: &str, facts: &[(String, String)]) {
        self.y = TOP - 14.0;
        self.text(LEFT, self.y + 8.0, 9.0, true, ACCENT, label.to_uppercase());
        self.y += 34.0;
        self.text(LEFT, self.y, 22.0, true, INK, title);
        self.y += 10.0;
        let key_width = facts.iter().map(|(k, _)| self.fonts.width(k, 9.5, false)).fold(0.0, f32::max) + 14.0;
        for (key, value) in facts {
            self.y += 14.0;
            self.text(LEFT, self.y, 9.5, false, MUTED, key.clone());
            self.text(LEFT + key_width, self.y, 9.5, true, INK, value.clone());
        }
        self.y += 10.0;
        self.line(LEFT, self.y, RIGHT, self.y, ACCENT, 2.0);
        self.y += 12.0;
    }

    pub(crate) fn section(&mut self, title: &str) {
        // Keep a heading with what follows it.
        self.ensure(90.0);
        self.y += 14.0;
        self.y += 16.0;
        self.text(LEFT, self.y, 14.0, true, INK, title);
        self.y += 5.0;
        self.line(LEFT, self.y, RIGHT, self.y, RULE, 0.8);
        self.y += 8.0;
    }

    fn hash(&mut self, hash: &str) {
        let size = 9.5;
        let width = self.fonts.width(hash, size, false) + 16.0;
        self.ensure(24.0);
        self.rect(LEFT, self.y, width.min(WIDTH), 20.0, BAND);
        self.text(LEFT + 8.0, self.y + 13.5, size, false, INK, hash);
        self.y += 28.0;
    }

    pub(crate) fn chart(&mut self, chart: &Chart) {
        let scale = WIDTH / chart.width as f32;
        let height = chart.height as f32 * scale;
        self.ensure(height + 10.0);
        let (x0, y0) = (LEFT, self.y);
        let at = |x: i32, y: i32| (x0 + x as f32 * scale, y0 + y as f32 * scale);
        for shape in &chart.shapes {
            match shape {
                Shape::Rect { x, y, width, height, fill } => {
                    let (px, py) = at(*x, *y);
                    if *width > 0 && *height > 0 {
                        self.rect(px, py, *width as f32 * scale, *height as f32 * scale, *fill);
                    }
                }
                Shape::Line { x1, y1, x2, y2, stroke } => {
                    let (a, b) = at(*x1, *y1);
                    let (c, d) = at(*x2, *y2);
                    self.line(a, b, c, d, *stroke, 0.6);
                }
                Shape::Text { x, y, size, anchor, bold, fill, text } => {
                    let (px, py) = at(*x, *y);
                    let size = *size as f32 * scale;
                    let width = self.fonts.width(text, size, *bold);
                    let left = match anchor {
                        Anchor::Start => px,
                        Anchor::Middle => px - width / 2.0,
                        Anchor::End => px - width,
                    };
                    self.text(left, py, size, *bold, *fill, text.clone());
                }
            }
        }
        self.y += height + 12.0;
    }

    pub(crate) fn table(&mut self, table: &Table) {
        let size = if table.detail { 6.5 } else { 8.6 };
        let row_height = size * 1.75;
        let pad = if table.detail { 2.6 } else { 5.0 };
        let widths = self.column_widths(table, size, pad);
        let total_rows = table.rows.len() + usize::from(table.total.is_some());
        // Caption, header and the first rows (or all of a short table) stay together.
        let keep = 18.0 + row_height * (1 + total_rows.min(3)) as f32;
        self.ensure(keep);
        self.caption(&table.caption, false);
        self.header_row(table, &widths, size, row_height, pad);
        for (index, row) in table.rows.iter().enumerate() {
            if self.y + row_height > BOTTOM {
                self.new_page();
                self.caption(&table.caption, true);
                self.header_row(table, &widths, size, row_height, pad);
            }
            let band = index % 2 == 1 && table.detail;
            self.row(table, &widths, &row.cells, size, row_height, pad, row.style, band);
        }
        if let Some(total) = &table.total {
            if self.y + row_height > BOTTOM {
                self.new_page();
                self.caption(&table.caption, true);
                self.header_row(table, &widths, size, row_height, pad);
            }
            self.row(table, &widths, total, size, row_height, pad, RowStyle::Total, false);
        }
        self.y += 12.0;
    }

    fn caption(&mut self, caption: &str, continued: bool) {
        let text = if continued { format!("{caption} (continued)") } else { caption.to_string() };
        self.y += 13.0;
        self.text(LEFT, self.y, 9.5, true, INK, text);
        self.y += 5.0;
    }

    fn header_row(&mut self, table: &Table, widths: &[f32], size: f32, height: f32, pad: f32) {
        self.rect(LEFT, self.y, WIDTH, height, BAND);
        let mut x = LEFT;
        let baseline = self.y + height * 0.68;
        for (column, width) in table.columns.iter().zip(widths) {
            let text = self.fonts.fit(&column.title, size, true, width - 2.0 * pad);
            match column.align {
                Align::Left => self.text(x + pad, baseline, size, true, INK, text),
                Align::Right => self.text_right(x + width - pad, baseline, size, true, INK, &text),
            }
            x += width;
        }
        self.y += height;
        self.line(LEFT, self.y, RIGHT, self.y, MUTED, 0.9);
    }

    #[allow(clippy::too_many_arguments)]
    fn row(&mut self, table: &Table, widths: &[f32], cells: &[Cell], size: f32, height: f32, pad: f32, style: RowStyle, band: bool) {
        let bold = style != RowStyle::Plain;
        if style == RowStyle::Key || band {
            self.rect(LEFT, self.y, WIDTH, height, BAND);
        }
        if style == RowStyle::Total {
            self.line(LEFT, self.y, RIGHT, self.y, MUTED, 0.9);
        }
        let baseline = self.y + height * 0.68;
        let mut x = LEFT;
        for ((column, width), cell) in table.columns.iter().zip(widths).zip(cells) {
            let color = if cell.negative { NEGATIVE } else { INK };
            let text = self.fonts.fit(&cell.text, size, bold, width - 2.0 * pad);
            match column.align {
                Align::Left => self.text(x + pad, baseline, size, bold, color, text),
                Align::Right => self.text_right(x + width - pad, baseline, size, bold, color, &text),
            }
            x += width;
        }
        self.y += height;
        if style != RowStyle::Total && !table.detail {
            self.line(LEFT, self.y, RIGHT, self.y, RULE, 0.5);
        }
    }

    /// Natural widths; extra room goes to the first flexible (or first) column; when too wide,
    /// flexible columns shrink (their text is cut with an ellipsis), then all columns do.
    fn column_widths(&self, table: &Table, size: f32, pad: f32) -> Vec<f32> {
        let mut widths: Vec<f32> = table
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| {
                let mut width = self.fonts.width(&column.title, size, true);
                let rows = table.rows.iter().map(|r| (&r.cells, r.style != RowStyle::Plain));
                for (cells, bold) in rows.chain(table.total.iter().map(|cells| (cells, true))) {
                    if let Some(cell) = cells.get(index) {
                        width = width.max(self.fonts.width(&cell.text, size, bold));
                    }
                }
                width + 2.0 * pad + 1.5
            })
            .collect();
        let total: f32 = widths.iter().sum();
        let flexible: Vec<usize> = (0..widths.len()).filter(|i| table.columns[*i].flexible).collect();
        if total <= WIDTH {
            let grow = if flexible.is_empty() { vec![0] } else { flexible };
            let extra = (WIDTH - total) / grow.len() as f32;
            for index in grow {
                widths[index] += extra;
            }
            return widths;
        }
        let mut excess = total - WIDTH;
        for index in flexible {
            let minimum = 56.0;
            let cut = (widths[index] - minimum).max(0.0).min(excess);
            widths[index] -= cut;
            excess -= cut;
        }
        if excess > 0.0 {
            // Then the other text columns, in proportion; figures keep their width.
            let text: Vec<usize> = (0..widths.len()).filter(|i| table.columns[*i].align == Align::Left).collect();
            let text_width: f32 = text.iter().map(|i| widths[*i]).sum();
            if text_width > excess {
                for index in text {
                    widths[index] -= excess * widths[index] / text_width;
                }
            } else {
                let sum: f32 = widths.iter().sum();
                for width in &mut widths {
                    *width *= WIDTH / sum;
                }
            }
        }
        widths
    }
}

fn paint(color: Rgb) -> Fill {
    Fill { paint: rgb::Color::new(color.0, color.1, color.2).into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

pub(crate) fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, size, bold, color, text } => {
            surface.set_fill(Some(paint(*color)));
            surface.set_stroke(None);
            surface.draw_text(Point::from_xy(*x, *y), fonts.face(*bold).font.clone(), *size, text, false, TextDirection::LeftToRight);
        }
        Op::Rect { x, y, width, height, color } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                let mut builder = PathBuilder::new();
                builder.push_rect(rect);
                if let Some(path) = builder.finish() {
                    surface.set_fill(Some(paint(*color)));
                    surface.set_stroke(None);
                    surface.draw_path(&path);
                }
            }
        }
        Op::Line { x1, y1, x2, y2, color, width } => {
            let mut builder = PathBuilder::new();
            builder.move_to(*x1, *y1);
            builder.line_to(*x2, *y2);
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color.0, color.1, color.2).into(),
                    width: *width,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}

/// The statement as a PDF document.
pub fn render_pdf(statement: &Statement) -> Result<Vec<u8>, RenderError> {
    check_lines(statement)?;
    if !statement.summary.adds_up() {
        return Err(RenderError::SummaryDoesNotAddUp);
    }
    let list = breakdowns(statement)?;
    let charts = statement_charts(statement)?;
    let hash = statement.sha256();
    let blocks = document::blocks(statement, &list, &hash);
    let fonts = Fonts { regular: Face::new(REGULAR)?, bold: Face::new(BOLD)? };

    let mut layout = Layout::new(&fonts);
    for block in &blocks {
        match block {
            Block::Header { label, title, facts } => layout.header(label, title, facts),
            Block::Section { id, title } => {
                if *id == "detail" {
                    layout.new_page();
                    layout.y -= 30.0;
                }
                layout.section(title)
            }
            Block::Paragraph { text, lead } => layout.paragraph(text, if *lead { 10.0 } else { 9.3 }, INK, 6.0),
            Block::Notes(notes) => {
                for note in notes {
                    layout.paragraph(&format!("• {note}"), 8.5, MUTED, 2.0);
                }
                layout.y += 4.0;
            }
            Block::Hash(hash) => layout.hash(hash),
            Block::Table(table) => layout.table(table),
            Block::Charts => {
                for chart in &charts {
                    layout.chart(chart);
                }
            }
            Block::Footnotes(notes) => {
                layout.ensure(30.0);
                layout.y += 10.0;
                let y = layout.y;
                layout.line(LEFT, y, RIGHT, y, RULE, 0.6);
                layout.y += 4.0;
                for note in notes {
                    layout.paragraph(note, 7.6, MUTED, 2.0);
                }
            }
        }
    }

    let pages = std::mem::take(&mut layout.pages);
    let count = pages.len();
    let settings = SerializeSettings { enable_tagging: false, ..SerializeSettings::default() };
    let mut pdf = Document::new_with(settings);
    let running = format!("Royalty statement · {} ({}) · {}", statement.payee_name, statement.payee, statement.period);
    for (index, ops) in pages.iter().enumerate() {
        let size = Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| RenderError::Pdf("page size".into()))?;
        let mut page = pdf.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &fonts, op);
        }
        let mut furniture = Vec::new();
        if index > 0 {
            furniture.push(Op::Text { x: LEFT, y: 30.0, size: 7.5, bold: true, color: ACCENT, text: statement.label.clone() });
            let width = fonts.width(&running, 7.5, false);
            furniture.push(Op::Text { x: RIGHT - width, y: 30.0, size: 7.5, bold: false, color: MUTED, text: running.clone() });
            furniture.push(Op::Line { x1: LEFT, y1: 36.0, x2: RIGHT, y2: 36.0, color: RULE, width: 0.6 });
        }
        let footer_y = PAGE_HEIGHT - 28.0;
        furniture.push(Op::Line { x1: LEFT, y1: footer_y - 11.0, x2: RIGHT, y2: footer_y - 11.0, color: RULE, width: 0.6 });
        furniture.push(Op::Text { x: LEFT, y: footer_y, size: 6.5, bold: false, color: MUTED, text: format!("SHA-256 {hash}") });
        let number = format!("Page {} of {count}", index + 1);
        let width = fonts.width(&number, 7.5, false);
        furniture.push(Op::Text { x: RIGHT - width, y: footer_y, size: 7.5, bold: false, color: MUTED, text: number });
        for op in &furniture {
            draw(&mut surface, &fonts, op);
        }
        surface.finish();
        page.finish();
    }
    let marker = format!("{HASH_MARKER}:{hash}");
    pdf.set_metadata(
        Metadata::new()
            .title(format!("Royalty statement {}: {} ({})", statement.period, statement.payee_name, statement.payee))
            .description(format!("Royalty statement of {} for {}. {marker}", statement.label, statement.period))
            .keywords(vec![marker.clone(), "royalty statement".to_string()])
            .authors(vec![statement.label.clone()])
            .creator("Ledgerline".to_string())
            .language("en".to_string()),
    );
    pdf.finish().map_err(|error| RenderError::Pdf(format!("{error:?}")))
}
