//! The self-billing invoice as a PDF: one A4 page, drawn with the statement PDF's fonts and
//! style ([`crate::pdf`]).
//!
//! A self-billing invoice is issued by the customer (the label) in the name and on behalf of
//! the supplier (a VAT-registered payee), for the royalties that became payable in a period.
//! It carries what Council Directive 2006/112/EC art. 226 asks of one: the mention
//! "Self-billing" (226(10a)), the number and date, both parties with their VAT numbers, what is
//! invoiced and for which period, the net amount, the VAT rate and amount, the total, and for a
//! reverse-charge supply no VAT and the mention "Reverse charge" (226(11a)). Tax the label
//! withholds from the payment is shown apart from the invoice total, with the amount paid.
//!
//! Deterministic like the statement: no creation date, compiled-in fonts. The document
//! information carries the invoice number and the statement's SHA-256
//! (`ledgerline-invoice-number:SB-000001`, `ledgerline-invoice-statement-sha256:<hash>`); the
//! statement marker itself ([`crate::HASH_MARKER`]) is deliberately not written, so that
//! `ledgerline verify` never mistakes an invoice for a statement PDF.

use krilla::geom::Size;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::{Document, SerializeSettings};
use ledgerline_engine::{Invoice, Statement};
use ledgerline_money::Decimal;

use crate::charts::{Rgb, INK, MUTED};
use crate::pdf::{draw, Face, Fonts, Op, ACCENT, BAND, BOLD, LEFT, NEGATIVE, PAGE_HEIGHT, PAGE_WIDTH, REGULAR, RIGHT, RULE, WIDTH};
use crate::text::{money, months_covered, percent};
use crate::RenderError;

/// The width of the box with the invoice's number and date, top right.
const BOX_WIDTH: f32 = 224.0;

/// The document-information marker before the invoice number.
pub const INVOICE_NUMBER_MARKER: &str = "ledgerline-invoice-number";
/// The document-information marker before the SHA-256 of the statement the invoice goes with.
pub const INVOICE_STATEMENT_MARKER: &str = "ledgerline-invoice-statement-sha256";

/// The file name of a statement's self-billing invoice, `<period>-<payee>-invoice-<number>.pdf`
/// (`2026-H1-P008-invoice-SB-000001.pdf`), with anything but letters, digits, `-`, `_` and `.`
/// replaced by `_`; `None` when the statement has no invoice.
pub fn invoice_file_name(statement: &Statement) -> Option<String> {
    let invoice = statement.invoice.as_ref()?;
    Some(format!("{}-{}-invoice-{}.pdf", clean(&statement.period), clean(&statement.payee), clean(&invoice.number)))
}

fn clean(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// Refuses an invoice whose figures do not add up: `net + vat = total`,
/// `total − withholding_tax = to_pay`, and no VAT on a reverse-charge invoice.
fn check(invoice: &Invoice) -> Result<(), RenderError> {
    let wrong = |what: &str| Err(RenderError::Pdf(format!("self-billing invoice {}: {what}", invoice.number)));
    if invoice.net + invoice.vat != invoice.total {
        return wrong("the net amount and the VAT do not add up to the total");
    }
    if invoice.total - invoice.withholding_tax != invoice.to_pay {
        return wrong("the total less the tax withheld is not the amount to be paid");
    }
    if invoice.reverse_charge && !invoice.vat.is_zero() {
        return wrong("a reverse-charge invoice charges VAT");
    }
    Ok(())
}

/// Country names for the codes Ledgerline's parties use most (the EU member states and a few
/// others); any other code is shown as it is.
fn country(code: Option<&str>) -> String {
    let Some(code) = code.filter(|code| !code.trim().is_empty()) else { return "—".to_string() };
    let name = match code.to_ascii_uppercase().as_str() {
        "AT" => "Austria",
        "BE" => "Belgium",
        "BG" => "Bulgaria",
        "HR" => "Croatia",
        "CY" => "Cyprus",
        "CZ" => "Czechia",
        "DK" => "Denmark",
        "EE" => "Estonia",
        "FI" => "Finland",
        "FR" => "France",
        "DE" => "Germany",
        "GR" | "EL" => "Greece",
        "HU" => "Hungary",
        "IE" => "Ireland",
        "IT" => "Italy",
        "LV" => "Latvia",
        "LT" => "Lithuania",
        "LU" => "Luxembourg",
        "MT" => "Malta",
        "NL" => "Netherlands",
        "PL" => "Poland",
        "PT" => "Portugal",
        "RO" => "Romania",
        "SK" => "Slovakia",
        "SI" => "Slovenia",
        "ES" => "Spain",
        "SE" => "Sweden",
        "GB" | "UK" => "United Kingdom",
        "CH" => "Switzerland",
        "NO" => "Norway",
        "IS" => "Iceland",
        "LI" => "Liechtenstein",
        "US" => "United States",
        "CA" => "Canada",
        "AU" => "Australia",
        "JP" => "Japan",
        _ => return code.to_string(),
    };
    format!("{name} ({})", code.to_ascii_uppercase())
}

/// One page of drawing operations, y downwards (text `y` is the baseline).
struct Sheet<'f> {
    fonts: &'f Fonts,
    ops: Vec<Op>,
}

impl Sheet<'_> {
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, color: Rgb, text: impl Into<String>) {
        self.ops.push(Op::Text { x, y, size, bold, color, text: text.into() });
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, color: Rgb, text: &str) {
        let width = self.fonts.width(text, size, bold);
        self.text(right - width, y, size, bold, color, text);
    }

    fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Rgb) {
        self.ops.push(Op::Rect { x, y, width, height, color });
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32) {
        self.ops.push(Op::Line { x1, y1, x2, y2, color, width });
    }

    /// Wrapped text from `top`; returns the y below its last line.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(&mut self, x: f32, top: f32, width: f32, size: f32, bold: bool, color: Rgb, text: &str) -> f32 {
        let leading = size * 1.45;
        let mut y = top;
        for line in self.fonts.wrap(text, size, bold, width) {
            y += leading;
            self.text(x, y - leading * 0.28, size, bold, color, line);
        }
        y
    }

    /// A section heading with a thin rule under it; returns the y below.
    fn heading(&mut self, y: f32, title: &str) -> f32 {
        let y = y + 16.0;
        self.text(LEFT, y, 12.0, true, INK, title);
        self.line(LEFT, y + 5.0, RIGHT, y + 5.0, RULE, 0.8);
        y + 13.0
    }

    /// One party: a small caption, the name, then labelled facts; returns the y below.
    #[allow(clippy::too_many_arguments)]
    fn party(&mut self, x: f32, top: f32, width: f32, caption: &str, role: &str, name: &str, facts: &[(&str, String)]) -> f32 {
        let mut y = top + 10.0;
        self.text(x, y, 8.0, true, ACCENT, caption.to_uppercase());
        y = self.paragraph(x, y + 1.0, width, 8.0, false, MUTED, role);
        y = self.paragraph(x, y + 1.0, width, 11.5, true, INK, name);
        let key_width = facts.iter().map(|(key, _)| self.fonts.width(key, 9.0, false)).fold(0.0, f32::max) + 10.0;
        for (key, value) in facts {
            y += 13.5;
            self.text(x, y, 9.0, false, MUTED, *key);
            let value = self.fonts.fit(value, 9.0, true, width - key_width);
            self.text(x + key_width, y, 9.0, true, INK, value);
        }
        y
    }

    /// An amount row (`label … EUR 1,234.56`) between `left` and `RIGHT`; `key` rows are bold on
    /// a band. Returns the y below.
    #[allow(clippy::too_many_arguments)]
    fn amount_row(&mut self, left: f32, y: f32, label: &str, currency: &str, amount: Decimal, key: bool, ruled: bool) -> f32 {
        let (size, height) = if key { (10.5, 22.0) } else { (9.5, 19.0) };
        if key {
            self.rect(left, y, RIGHT - left, height, BAND);
            self.line(left, y, RIGHT, y, MUTED, 0.9);
        }
        let baseline = y + height * 0.67;
        let figure = format!("{currency} {}", money(amount));
        let color = if amount.is_negative() { NEGATIVE } else { INK };
        let figure_width = self.fonts.width(&figure, size, key);
        let label = self.fonts.fit(label, size, key, RIGHT - left - figure_width - 24.0);
        self.text(left + 6.0, baseline, size, key, INK, label);
        self.text_right(RIGHT - 6.0, baseline, size, key, color, &figure);
        if ruled && !key {
            self.line(left, y + height, RIGHT, y + height, RULE, 0.5);
        }
        y + height
    }

    /// A note: a bold title and a paragraph beside an accent bar, on a band. Returns the y below.
    fn note(&mut self, top: f32, title: &str, text: &str) -> f32 {
        let inner = WIDTH - 24.0;
        let lines = self.fonts.wrap(text, 8.8, false, inner).len() as f32;
        let height = 8.0 + 14.0 + lines * 8.8 * 1.45 + 8.0;
        self.rect(LEFT, top, WIDTH, height, BAND);
        self.rect(LEFT, top, 3.0, height, ACCENT);
        self.text(LEFT + 14.0, top + 19.0, 10.0, true, INK, title);
        self.paragraph(LEFT + 14.0, top + 23.0, inner, 8.8, false, INK, text);
        top + height + 8.0
    }
}

/// The statement's self-billing invoice as a one-page A4 PDF. Refused when the statement has
/// no invoice, or when its figures do not add up.
pub fn render_invoice_pdf(statement: &Statement) -> Result<Vec<u8>, RenderError> {
    let invoice = statement
        .invoice
        .as_ref()
        .ok_or_else(|| RenderError::Pdf(format!("the statement of {} for {} has no self-billing invoice", statement.payee, statement.period)))?;
    check(invoice)?;
    let hash = statement.sha256();
    let currency = statement.currency.as_str();
    let fonts = Fonts { regular: Face::new(REGULAR)?, bold: Face::new(BOLD)? };
    let mut sheet = Sheet { fonts: &fonts, ops: Vec::new() };
    let vat_rate = percent(invoice.vat_rate);
    let withholding_rate = percent(invoice.withholding_tax_rate);
    let withholds = !invoice.withholding_tax.is_zero() || !invoice.withholding_tax_rate.is_zero();

    // Header: who issues it, what it is, and the invoice's number and date in a box.
    let issuer = fonts.fit(&invoice.label_name.to_uppercase(), 9.0, true, WIDTH - BOX_WIDTH - 20.0);
    sheet.text(LEFT, 48.0, 9.0, true, ACCENT, issuer);
    sheet.text(LEFT, 82.0, 22.0, true, INK, "Self-billing invoice");
    sheet.text(LEFT, 99.0, 9.5, false, MUTED, "Invoice issued by the customer on behalf of the supplier");
    let facts = [
        ("Invoice number", invoice.number.clone()),
        ("Invoice date", invoice.date.clone()),
        ("Supply period", statement.period.clone()),
        ("Currency", currency.to_string()),
    ];
    let box_left = RIGHT - BOX_WIDTH;
    let box_top = 38.0;
    let row = 16.0;
    let key_width = facts.iter().map(|(key, _)| fonts.width(key, 8.5, false)).fold(0.0, f32::max);
    sheet.rect(box_left, box_top, BOX_WIDTH, 10.0 + row * facts.len() as f32, BAND);
    for (index, (key, value)) in facts.iter().enumerate() {
        let y = box_top + 17.0 + row * index as f32;
        let bold_size = if index == 0 { 10.5 } else { 9.0 };
        sheet.text(box_left + 9.0, y, 8.5, false, MUTED, *key);
        let value = fonts.fit(value, bold_size, true, BOX_WIDTH - 27.0 - key_width);
        sheet.text_right(RIGHT - 9.0, y, bold_size, true, INK, &value);
    }
    let mut y = 118.0;
    sheet.line(LEFT, y, RIGHT, y, ACCENT, 2.0);

    // The parties.
    let column = (WIDTH - 28.0) / 2.0;
    let supplier = sheet.party(
        LEFT,
        y + 10.0,
        column,
        "Supplier",
        "The payee, in whose name this invoice is issued",
        &invoice.payee_name,
        &[
            ("VAT number", invoice.payee_vat_number.clone()),
            ("Country", country(invoice.payee_country.as_deref())),
            ("Payee id", statement.payee.clone()),
        ],
    );
    let customer = sheet.party(
        LEFT + column + 28.0,
        y + 10.0,
        column,
        "Customer",
        "The label, which issues this invoice",
        &invoice.label_name,
        &[
            ("VAT number", invoice.label_vat_number.clone().unwrap_or_else(|| "—".to_string())),
            ("Country", country(invoice.label_country.as_deref())),
        ],
    );
    y = supplier.max(customer) + 14.0;

    // What is invoiced.
    y = sheet.heading(y, "Invoice");
    let amount_column = 130.0;
    let header_height = 17.0;
    sheet.rect(LEFT, y, WIDTH, header_height, BAND);
    sheet.text(LEFT + 6.0, y + 11.5, 8.6, true, INK, "Description");
    sheet.text_right(RIGHT - 6.0, y + 11.5, 8.6, true, INK, &format!("Net amount ({currency})"));
    y += header_height;
    sheet.line(LEFT, y, RIGHT, y, MUTED, 0.9);
    let description_width = WIDTH - amount_column - 12.0;
    let first = format!("Royalties for {} ({}),", statement.period, months_covered(statement));
    let top = y + 3.0;
    let mut below = sheet.paragraph(LEFT + 6.0, top, description_width, 9.5, true, INK, &first);
    below = sheet.paragraph(LEFT + 6.0, below, description_width, 8.2, false, MUTED, &format!("statement SHA-256 {hash}"));
    let detail = format!(
        "The royalty statement of {} ({}) for {} sets out how this amount was computed.",
        statement.payee_name, statement.payee, statement.period
    );
    below = sheet.paragraph(LEFT + 6.0, below, description_width, 8.2, false, MUTED, &detail);
    // The amount is drawn after the description so that text extraction reads the description whole.
    sheet.text_right(RIGHT - 6.0, top + 9.5 * 1.45 * 0.72, 9.5, true, INK, &money(invoice.net));
    y = below + 6.0;
    sheet.line(LEFT, y, RIGHT, y, RULE, 0.5);
    y += 8.0;

    // The totals, on the right.
    let totals_left = RIGHT - 290.0;
    let vat_label = if invoice.reverse_charge {
        "VAT 0% (reverse charge)".to_string()
    } else {
        format!("VAT {vat_rate}")
    };
    y = sheet.amount_row(totals_left, y, "Net amount", currency, invoice.net, false, true);
    y = sheet.amount_row(totals_left, y, &vat_label, currency, invoice.vat, false, false);
    y = sheet.amount_row(totals_left, y + 2.0, "Invoice total", currency, invoice.total, true, false);

    // Payment: the withholding, apart from the invoice total.
    y = sheet.heading(y + 8.0, "Payment");
    y += 2.0;
    y = sheet.amount_row(LEFT, y, "Invoice total", currency, invoice.total, false, true);
    if withholds {
        let label = format!("Withholding tax {withholding_rate} of the net amount, deducted by the customer from the payment");
        y = sheet.amount_row(LEFT, y, &label, currency, -invoice.withholding_tax, false, false);
    }
    y = sheet.amount_row(LEFT, y + 2.0, "Amount to be paid to the supplier", currency, invoice.to_pay, true, false);
    y += 6.0;
    if withholds {
        let text = format!(
            "The customer withholds tax of {currency} {} ({withholding_rate} of the net amount) from the payment and pays it to the tax authority on the supplier's behalf. The withholding does not change the invoice total or the VAT; it only reduces what is paid to the supplier.",
            money(invoice.withholding_tax)
        );
        y = sheet.paragraph(LEFT, y, WIDTH, 8.5, false, MUTED, &text);
    } else {
        y = sheet.paragraph(LEFT, y, WIDTH, 8.5, false, MUTED, "No tax is withheld from the payment: the supplier is paid the invoice total.");
    }
    y += 10.0;

    // The mentions the VAT rules require.
    y = sheet.note(
        y,
        "Self-billing",
        &format!(
            "This invoice was drawn up and issued by the customer, {}, in the name and on behalf of the supplier, {}, under a self-billing agreement between them (Council Directive 2006/112/EC, art. 224 and art. 226(10a)).",
            invoice.label_name, invoice.payee_name
        ),
    );
    if invoice.reverse_charge {
        y = sheet.note(
            y,
            "Reverse charge",
            &format!(
                "No VAT is charged on this invoice. The supplier and the customer are established in different EU member states: the customer, {}, accounts for the VAT due on this supply in its own VAT return (Council Directive 2006/112/EC, art. 196 and art. 226(11a)).",
                invoice.label_name
            ),
        );
    } else if invoice.vat_rate.is_zero() {
        y = sheet.note(y, "VAT 0%", "No VAT is charged on this invoice: the supplier's VAT rate for this supply is 0%.");
    } else {
        y = sheet.note(
            y,
            &format!("VAT {vat_rate}"),
            &format!(
                "VAT of {currency} {} ({vat_rate} of the net amount) is charged on this invoice; the supplier accounts for it to its tax authority.",
                money(invoice.vat)
            ),
        );
    }
    let _ = y;

    // Footer.
    let footer_y = PAGE_HEIGHT - 28.0;
    sheet.line(LEFT, footer_y - 19.0, RIGHT, footer_y - 19.0, RULE, 0.6);
    let running = format!("Self-billing invoice {} · {} on behalf of {}", invoice.number, invoice.label_name, invoice.payee_name);
    let running = fonts.fit(&running, 7.5, false, WIDTH - 70.0);
    sheet.text(LEFT, footer_y - 8.0, 7.5, false, MUTED, running);
    sheet.text_right(RIGHT, footer_y - 8.0, 7.5, false, MUTED, "Page 1 of 1");
    sheet.text(LEFT, footer_y + 2.0, 6.5, false, MUTED, format!("Statement SHA-256 {hash}"));

    let settings = SerializeSettings { enable_tagging: false, ..SerializeSettings::default() };
    let mut pdf = Document::new_with(settings);
    let size = Size::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| RenderError::Pdf("page size".into()))?;
    let mut page = pdf.start_page_with(PageSettings::new(size));
    let mut surface = page.surface();
    for op in &sheet.ops {
        draw(&mut surface, &fonts, op);
    }
    surface.finish();
    page.finish();
    let number = format!("{INVOICE_NUMBER_MARKER}:{}", invoice.number);
    let statement_hash = format!("{INVOICE_STATEMENT_MARKER}:{hash}");
    pdf.set_metadata(
        Metadata::new()
            .title(format!("Self-billing invoice {}: {} for {}", invoice.number, invoice.payee_name, statement.period))
            .description(format!(
                "Self-billing invoice {} issued by {} on behalf of {} for {}. {number} {statement_hash}",
                invoice.number, invoice.label_name, invoice.payee_name, statement.period
            ))
            .keywords(vec![number, statement_hash, "self-billing invoice".to_string()])
            .authors(vec![invoice.label_name.clone()])
            .creator("Ledgerline".to_string())
            .language("en".to_string()),
    );
    pdf.finish().map_err(|error| RenderError::Pdf(format!("{error:?}")))
}
