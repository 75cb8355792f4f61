//! The self-billing invoice PDF: the mentions Council Directive 2006/112/EC art. 226 asks of a
//! self-billed invoice are in its text (pdftotext, Debian: poppler-utils), its figures equal the
//! invoice's to the cent and add up, it is one A4 page, the same statement gives the same bytes,
//! a statement without an invoice is refused, and page 1 renders to PNG (pdftoppm).

use std::path::{Path, PathBuf};
use std::process::Command;

use ledgerline_engine::{EarningLine, Invoice, PayeeTax, Statement, StatementContract, Summary};
use ledgerline_money::{Decimal, RoundingMode};
use ledgerline_render::{extract_hash, invoice_file_name, render_invoice_pdf, Format, HASH_MARKER};

fn d(text: &str) -> Decimal {
    Decimal::parse(text).unwrap_or_else(|error| panic!("{text}: {error:?}"))
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_to(2, RoundingMode::HalfEven)
}

/// `1234.5` → `1,234.50`, written independently of the renderer.
fn grouped(amount: Decimal) -> String {
    let plain = amount.format_fixed(2, RoundingMode::HalfEven);
    let (sign, body) = plain.strip_prefix('-').map_or(("", plain.as_str()), |rest| ("-", rest));
    let (integer, fraction) = body.split_once('.').unwrap();
    let mut out = String::from(sign);
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    format!("{out}.{fraction}")
}

/// Parses `EUR 1,234.56` (or `EUR -1,234.56`) back into a decimal.
fn parse_money(text: &str) -> Decimal {
    let figure = text.trim().strip_prefix("EUR ").unwrap_or_else(|| panic!("`{text}` has the currency code"));
    d(&figure.replace(',', ""))
}

struct Party {
    name: &'static str,
    vat: &'static str,
    country: &'static str,
}

const LABEL: Party = Party { name: "Northern Lights Records", vat: "FR40303265045", country: "FR" };

/// A statement of `payee` for 2026-H1 whose royalties `net` became payable, with the invoice the
/// engine issues at close: VAT at `vat_rate` (none under reverse charge), withholding at
/// `withholding_rate` of the net, both to the cent half-even.
fn fixture(payee: &Party, net: &str, vat_rate: &str, withholding_rate: &str, reverse_charge: bool, number: &str) -> Statement {
    let net = d(net);
    let vat_rate = d(vat_rate);
    let withholding_rate = d(withholding_rate);
    let vat = cents(net.checked_mul(vat_rate, RoundingMode::HalfEven).unwrap());
    let withholding = cents(net.checked_mul(withholding_rate, RoundingMode::HalfEven).unwrap());
    let to_pay = net + vat - withholding;
    let summary = Summary {
        earnings: net,
        vat,
        withholding_tax: withholding,
        closing_balance: to_pay,
        payable: to_pay,
        ..Summary::default()
    };
    assert!(summary.adds_up(), "the fixture adds up");
    Statement {
        label: LABEL.name.to_string(),
        payee: "P008".to_string(),
        payee_name: payee.name.to_string(),
        period: "2026-H1".to_string(),
        first_month: "2026-01".to_string(),
        last_month: "2026-06".to_string(),
        currency: "EUR".to_string(),
        rounding: "half-even".to_string(),
        contracts: vec![StatementContract {
            id: "C001".into(),
            version: 2,
            title: "Recording agreement".into(),
            deal: "royalty".into(),
            share: d("1"),
        }],
        summary,
        accounts: Vec::new(),
        earnings: vec![EarningLine {
            contract: "C001".into(),
            version: 2,
            release: "5012345000015".into(),
            track: "GBAYE2400001".into(),
            title: "Northern Lights".into(),
            service: "Spotify".into(),
            territory: "FR".into(),
            usage: "stream".into(),
            tier: "premium".into(),
            sale_month: "2026-03".into(),
            units: 1_000_000,
            receipts: net.checked_div(d("0.2"), RoundingMode::HalfEven).unwrap(),
            deductions: Decimal::ZERO,
            rate: d("0.2"),
            amount: net,
        }],
        charges: Vec::new(),
        transfers: Vec::new(),
        payments: Vec::new(),
        adjustments: Vec::new(),
        notes: Vec::new(),
        tax: Some(PayeeTax {
            vat_number: Some(payee.vat.to_string()),
            vat_rate,
            self_billing: true,
            withholding_tax_rate: withholding_rate,
            country: Some(payee.country.to_string()),
            taxable: net,
        }),
        invoice: Some(Invoice {
            number: number.to_string(),
            date: "2026-07-03".to_string(),
            label_name: LABEL.name.to_string(),
            label_vat_number: Some(LABEL.vat.to_string()),
            label_country: Some(LABEL.country.to_string()),
            payee_name: payee.name.to_string(),
            payee_vat_number: payee.vat.to_string(),
            payee_country: Some(payee.country.to_string()),
            net,
            vat_rate,
            vat,
            withholding_tax_rate: withholding_rate,
            withholding_tax: withholding,
            total: net + vat,
            to_pay,
            reverse_charge,
        }),
        payable_converted: None,
    }
}

/// A VAT-registered payee in the label's country: 20% VAT, 10% withheld.
fn domestic() -> Statement {
    let payee = Party { name: "Ada Moreno", vat: "FR83404833048", country: "FR" };
    fixture(&payee, "12345.67", "0.2", "0.1", false, "SB-000001")
}

/// A VAT-registered payee in another member state: reverse charge, nothing withheld.
fn cross_border() -> Statement {
    let payee = Party { name: "Jonas Weber", vat: "DE136695976", country: "DE" };
    fixture(&payee, "3210.5", "0", "0", true, "SB-000002")
}

/// A payee registered for VAT at 0% (no reverse charge), with 15% withheld.
fn zero_rated() -> Statement {
    let payee = Party { name: "Lea Fontaine", vat: "FR27514868827", country: "FR" };
    fixture(&payee, "999.99", "0", "0.15", false, "SB-000003")
}

fn have(program: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {program}")).output().map(|o| o.status.success()).unwrap_or(false)
}

fn tools() {
    for tool in ["pdftotext", "pdftoppm", "pdfinfo"] {
        assert!(have(tool), "{tool} is missing: install Debian's poppler-utils (scripts/setup.sh does)");
    }
}

fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render");
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    dir
}

fn run(program: &str, args: &[&str], path: &Path) -> String {
    let output = Command::new(program).args(args).arg(path).arg("-").output().unwrap();
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// An invoice rendered and read back: the file, pdfinfo's output, the layout text and the text
/// with every run of whitespace made one space.
struct Rendered {
    pdf: Vec<u8>,
    info: String,
    layout: String,
    flat: String,
}

fn render(statement: &Statement, name: &str) -> Rendered {
    tools();
    let pdf = render_invoice_pdf(statement).unwrap();
    let path = output_dir().join(name);
    std::fs::write(&path, &pdf).unwrap();
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(info.status.success(), "pdfinfo: {}", String::from_utf8_lossy(&info.stderr));
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let layout = run("pdftotext", &["-layout"], &path);
    std::fs::write(path.with_extension("txt"), &layout).unwrap();
    let flat = run("pdftotext", &["-raw"], &path).split_whitespace().collect::<Vec<_>>().join(" ");
    Rendered { pdf, info, layout, flat }
}

/// The figure at the end of the first layout line that starts with `label` and ends with an
/// amount in EUR.
fn figure(text: &str, label: &str) -> Decimal {
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(label) && line.contains("EUR "))
        .unwrap_or_else(|| panic!("a line starting `{label}` with an amount in\n{text}"));
    let start = line.rfind("EUR ").unwrap();
    parse_money(&line[start..])
}

/// What every invoice must say, whatever its VAT treatment.
fn common_mentions(statement: &Statement, rendered: &Rendered) {
    let invoice = statement.invoice.as_ref().unwrap();
    let text = &rendered.flat;
    let hash = statement.sha256();
    for mention in [
        "Self-billing invoice",
        "Invoice issued by the customer on behalf of the supplier",
        "Self-billing This invoice was drawn up and issued by the customer",
        "art. 226(10a)",
        "SUPPLIER The payee, in whose name this invoice is issued",
        "CUSTOMER The label, which issues this invoice",
        "Supply period 2026-H1",
        &format!("Invoice number {}", invoice.number),
        &format!("Invoice date {}", invoice.date),
        &format!("Royalties for 2026-H1 (January 2026 to June 2026), statement SHA-256 {hash}"),
        &format!("Statement SHA-256 {hash}"),
        "Page 1 of 1",
        "Amount to be paid to the supplier",
    ] {
        assert!(text.contains(mention), "`{mention}` in the invoice text:\n{}", rendered.layout);
    }
    // Both parties: name, VAT number, country.
    for (name, vat, country) in [
        (invoice.payee_name.as_str(), invoice.payee_vat_number.as_str(), invoice.payee_country.as_deref().unwrap()),
        (invoice.label_name.as_str(), invoice.label_vat_number.as_deref().unwrap(), invoice.label_country.as_deref().unwrap()),
    ] {
        assert!(text.contains(name), "{name} on the invoice");
        assert!(text.contains(&format!("VAT number {vat}")), "VAT number {vat} on the invoice:\n{}", rendered.layout);
        assert!(text.contains(&format!("({country})")), "country {country} on the invoice");
    }
    assert!(rendered.layout.find("SUPPLIER").unwrap() < rendered.layout.find(&invoice.payee_vat_number).unwrap());

    // The figures, to the cent, with the currency code and thousands separators; they add up.
    let layout = &rendered.layout;
    let net = figure(layout, "Net amount  ");
    let total = figure(layout, "Invoice total");
    let to_pay = figure(layout, "Amount to be paid to the supplier");
    assert_eq!(net, invoice.net);
    assert_eq!(total, invoice.total);
    assert_eq!(to_pay, invoice.to_pay);
    assert!(layout.contains(&format!("EUR {}", grouped(invoice.net))));
    assert!(layout.contains(&format!("EUR {}", grouped(invoice.total))));
    assert!(layout.contains(&format!("EUR {}", grouped(invoice.to_pay))));
    let vat = figure(layout, "VAT ");
    assert_eq!(vat, invoice.vat);
    assert_eq!(net + vat, total, "net + VAT = total on the page");
    let withheld = if invoice.withholding_tax.is_zero() {
        assert!(!layout.contains("Withholding tax"), "no withholding line when nothing is withheld");
        Decimal::ZERO
    } else {
        -figure(layout, "Withholding tax")
    };
    assert_eq!(withheld, invoice.withholding_tax);
    assert_eq!(total - withheld, to_pay, "total − withholding = to pay on the page");

    // One A4 page, no creation date, the invoice number and the statement's hash in the
    // document information; and not the statement marker, which `verify` would misread.
    let info = &rendered.info;
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "one page: {info}");
    assert!(info.contains("595.276 x 841.89"), "A4: {info}");
    assert!(!info.contains("CreationDate"), "no creation date: {info}");
    assert!(info.contains(&format!("ledgerline-invoice-number:{}", invoice.number)), "{info}");
    assert!(info.contains(&format!("ledgerline-invoice-statement-sha256:{hash}")), "{info}");
    assert!(info.contains(&format!("Self-billing invoice {}", invoice.number)), "{info}");
    assert!(!rendered.pdf.windows(HASH_MARKER.len() + 1).any(|w| w == format!("{HASH_MARKER}:").as_bytes()));
    assert_eq!(extract_hash(&rendered.pdf, Format::Pdf), None, "an invoice is not taken for a statement PDF");
}

#[test]
fn a_domestic_invoice_charges_vat_and_shows_the_withholding_apart() {
    let statement = domestic();
    let rendered = render(&statement, "invoice-domestic.pdf");
    common_mentions(&statement, &rendered);
    let text = &rendered.flat;
    assert!(text.contains("EUR 12,345.67") && text.contains("EUR 2,469.13") && text.contains("EUR 14,814.80"), "{}", rendered.layout);
    assert!(text.contains("VAT 20%"));
    assert!(text.contains("Withholding tax 10% of the net amount, deducted by the customer from the payment"));
    assert!(text.contains("EUR -1,234.57"));
    assert!(text.contains("EUR 13,580.23"));
    assert!(text.contains("France (FR)"));
    assert!(!text.contains("Reverse charge") && !text.contains("reverse charge"), "no reverse charge on a domestic invoice");
}

#[test]
fn a_cross_border_invoice_says_reverse_charge_and_charges_no_vat() {
    let statement = cross_border();
    let rendered = render(&statement, "invoice-reverse-charge.pdf");
    common_mentions(&statement, &rendered);
    let text = &rendered.flat;
    assert!(text.contains("VAT 0% (reverse charge) EUR 0.00"), "{}", rendered.layout);
    assert!(text.contains("Reverse charge No VAT is charged on this invoice"), "{}", rendered.layout);
    assert!(text.contains("accounts for the VAT due on this supply"));
    assert!(text.contains("art. 226(11a)"));
    assert!(text.contains("Germany (DE)") && text.contains("France (FR)"));
    assert_eq!(figure(&rendered.layout, "Invoice total"), d("3210.50"));
    assert!(text.contains("EUR 3,210.50"));
    assert!(text.contains("No tax is withheld from the payment"));
}

#[test]
fn long_names_wrap_and_the_invoice_stays_on_one_page() {
    let payee = Party {
        name: "The Extraordinarily Long-Named Chamber Orchestra and Choir of the Northern Harbour Towns",
        vat: "ESX1234567X",
        country: "ES",
    };
    let mut statement = fixture(&payee, "1234567.89", "0.21", "0.19", false, "SB-123456");
    statement.invoice.as_mut().unwrap().label_name =
        "Northern Lights Records Worldwide Publishing and Distribution Company Limited".to_string();
    statement.label = statement.invoice.as_ref().unwrap().label_name.clone();
    let rendered = render(&statement, "invoice-long-names.pdf");
    common_mentions(&statement, &rendered);
    assert!(rendered.flat.contains("Spain (ES)"));
    assert!(rendered.flat.contains("EUR 1,234,567.89"), "millions are grouped");
}

#[test]
fn a_zero_rated_invoice_says_vat_0_percent_plainly() {
    let statement = zero_rated();
    let rendered = render(&statement, "invoice-zero-rated.pdf");
    common_mentions(&statement, &rendered);
    let text = &rendered.flat;
    assert!(text.contains("VAT 0% EUR 0.00"), "{}", rendered.layout);
    assert!(text.contains("VAT 0% No VAT is charged on this invoice"));
    assert!(!text.contains("everse charge"));
    assert!(text.contains("Withholding tax 15% of the net amount") && text.contains("EUR -150.00") && text.contains("EUR 849.99"));
}

#[test]
fn the_same_statement_gives_the_same_bytes() {
    for statement in [domestic(), cross_border()] {
        let first = render_invoice_pdf(&statement).unwrap();
        let second = render_invoice_pdf(&statement.clone()).unwrap();
        assert!(first.starts_with(b"%PDF-"));
        assert_eq!(first, second, "two renders of the same invoice are identical");
    }
    // A different invoice number gives a different document.
    let mut other = domestic();
    other.invoice.as_mut().unwrap().number = "SB-000042".to_string();
    assert_ne!(render_invoice_pdf(&domestic()).unwrap(), render_invoice_pdf(&other).unwrap());
}

#[test]
fn a_statement_without_an_invoice_or_with_figures_that_do_not_add_up_is_refused() {
    let mut statement = domestic();
    statement.invoice = None;
    let error = render_invoice_pdf(&statement).unwrap_err();
    assert!(error.to_string().contains("no self-billing invoice"), "{error}");
    assert_eq!(invoice_file_name(&statement), None);

    let mut wrong_total = domestic();
    wrong_total.invoice.as_mut().unwrap().total += d("0.01");
    assert!(render_invoice_pdf(&wrong_total).unwrap_err().to_string().contains("do not add up"));
    let mut wrong_payment = domestic();
    wrong_payment.invoice.as_mut().unwrap().to_pay -= d("0.01");
    assert!(render_invoice_pdf(&wrong_payment).unwrap_err().to_string().contains("amount to be paid"));
    let mut vat_under_reverse_charge = domestic();
    vat_under_reverse_charge.invoice.as_mut().unwrap().reverse_charge = true;
    assert!(render_invoice_pdf(&vat_under_reverse_charge).unwrap_err().to_string().contains("reverse-charge"));
}

#[test]
fn the_file_name_carries_period_payee_and_number() {
    assert_eq!(invoice_file_name(&domestic()).as_deref(), Some("2026-H1-P008-invoice-SB-000001.pdf"));
    assert_eq!(invoice_file_name(&cross_border()).as_deref(), Some("2026-H1-P008-invoice-SB-000002.pdf"));
}

#[test]
fn invoices_render_to_png() {
    tools();
    let dir = output_dir();
    for (statement, name) in [(domestic(), "invoice-domestic"), (cross_border(), "invoice-reverse-charge")] {
        let path = dir.join(format!("{name}-png.pdf"));
        std::fs::write(&path, render_invoice_pdf(&statement).unwrap()).unwrap();
        let prefix = dir.join(format!("{name}-page"));
        let status = Command::new("pdftoppm").args(["-png", "-r", "110", "-singlefile"]).arg(&path).arg(&prefix).status().unwrap();
        assert!(status.success());
        let png = std::fs::read(prefix.with_extension("png")).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // An A4 page at 110 dpi is 910 × 1287 pixels.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), (910, 1287));
        assert!(png.len() > 30_000, "the page has content ({} bytes)", png.len());
    }
}
