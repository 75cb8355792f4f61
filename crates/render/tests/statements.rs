//! Content checks that hold whatever the layout: breakdowns and charts add up, the HTML is
//! self-contained and accessible, the CSV reads back to the statement's figures, inconsistent
//! statements are refused.

mod common;

use ledgerline_money::Decimal;
use ledgerline_render::breakdown::top_and_rest;
use ledgerline_render::charts::{earnings_by_month, earnings_by_service, earnings_by_territory, statement_charts, Shape};
use ledgerline_render::{breakdowns, figures_from, render_csv, render_html, Format, RenderError};

#[test]
fn every_breakdown_adds_up_to_the_earnings_to_the_cent() {
    let statement = common::fixture();
    let list = breakdowns(&statement).unwrap();
    assert_eq!(list.iter().map(|b| b.id).collect::<Vec<_>>(), ["service", "territory", "usage", "track", "month"]);
    for breakdown in &list {
        let sum: Decimal = breakdown.rows.iter().map(|row| row.amount).sum();
        assert_eq!(sum, statement.summary.earnings, "{}", breakdown.title);
        assert_eq!(breakdown.total.amount, statement.summary.earnings);
        let lines: usize = breakdown.rows.iter().map(|row| row.lines).sum();
        assert_eq!(lines, statement.earnings.len());
    }
    let territory = list.iter().find(|b| b.id == "territory").unwrap();
    let top = top_and_rest(territory, 10);
    assert_eq!(top.len(), 11, "ten territories and the rest");
    assert!(top[10].keys[0].starts_with("The rest ("));
    assert_eq!(top.iter().map(|row| row.amount).sum::<Decimal>(), statement.summary.earnings);
}

#[test]
fn charts_are_accessible_deterministic_svg_and_show_every_group() {
    let statement = common::fixture();
    for svg in [earnings_by_month(&statement).unwrap(), earnings_by_service(&statement).unwrap(), earnings_by_territory(&statement).unwrap()] {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"img\"") && svg.contains("<title id=") && svg.contains("<desc id="));
        assert!(!svg.contains("http://") || svg.matches("http://").count() == 1, "only the SVG namespace");
        assert!(svg.ends_with("</svg>"));
    }
    assert_eq!(earnings_by_month(&statement).unwrap(), earnings_by_month(&common::fixture()).unwrap());
    let charts = statement_charts(&statement).unwrap();
    let bars = |index: usize| charts[index].shapes.iter().filter(|s| matches!(s, Shape::Rect { .. })).count();
    // Six months and the cost line without a month.
    assert_eq!(bars(0), 7);
    assert_eq!(bars(1), 10, "eight services, the physical shop and the cost line");
    assert_eq!(bars(2), 11, "top ten territories and the rest");
    // The description (read by screen readers) names each bar's exact figure.
    assert!(charts[2].description.contains("The rest ("));
}

#[test]
fn the_html_is_self_contained_accessible_and_carries_the_hash() {
    let statement = common::fixture();
    let html = render_html(&statement).unwrap();
    let hash = statement.sha256();
    assert!(html.contains(&format!("<meta name=\"ledgerline-statement-sha256\" content=\"{hash}\">")));
    assert!(html.contains(&format!("<span class=\"hash\" id=\"sha256\">{hash}</span>")));
    for external in ["<link", "<script", "src=", "url(", "@import", "https://"] {
        assert!(!html.contains(external), "the HTML must not load anything ({external})");
    }
    assert_eq!(html.matches("<table").count(), html.matches("<caption>").count(), "every table has a caption");
    assert!(html.contains("<th scope=\"col\"") && html.contains("<th scope=\"row\""));
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("How your royalty was computed"));
    assert_eq!(html.matches("<svg").count(), 3);
    // The earnings figure, with thousands separators, in the summary.
    let earnings = statement.summary.earnings.format_fixed(2, ledgerline_money::RoundingMode::HalfEven);
    assert!(earnings.len() > 6, "the fixture's earnings run into thousands");
    let grouped = format!("{},{}", &earnings[..earnings.len() - 6], &earnings[earnings.len() - 6..]);
    assert!(html.contains(&format!("<td class=\"num\">{grouped}</td>")), "earnings {grouped}");
    // The return shows as negative.
    assert!(html.contains("<td class=\"num neg\">-0.59</td>"));
    assert!(html.contains("rounded to the cent, half-even"));
}

#[test]
fn the_csv_reads_back_to_the_statement_figures_exactly() {
    let statement = common::fixture();
    let csv = render_csv(&statement).unwrap();
    let figures = figures_from(csv.as_bytes(), Format::Csv).unwrap();
    assert_eq!(figures.sha256.as_deref(), Some(statement.sha256().as_str()));
    assert_eq!(figures.earning_lines, statement.earnings.len());
    assert_eq!(figures.earnings_total, statement.summary.earnings);
    assert_eq!(figures.summary["earnings"], statement.summary.earnings);
    assert_eq!(figures.summary["closing_balance"], statement.summary.closing_balance);
    assert_eq!(figures.summary["payable"], statement.summary.payable);
    assert_eq!(figures.summary.len(), 19);
    // Exact receipts are exact text, not rounded.
    let exact = statement.earnings.iter().find(|l| l.receipts.fractional_digits() > 2).unwrap();
    assert!(csv.contains(&format!(",{},", exact.receipts)));
    // Quoting: a title with a comma and one with quotes.
    assert!(csv.contains("\"Lanterns, Slowly\""));
    assert!(csv.contains("\"Night Ferry (Live at the \"\"Roundhouse\"\")\""));
    let json = figures_from(statement.canonical_json().as_bytes(), Format::Json).unwrap();
    assert_eq!(json, figures);
}

#[test]
fn a_statement_whose_lines_do_not_add_up_is_refused_in_every_format() {
    let mut statement = common::fixture();
    statement.earnings[0].amount += Decimal::parse("0.01").unwrap();
    for format in [Format::Html, Format::Pdf, Format::Csv, Format::Xlsx] {
        match ledgerline_render::render(&statement, format) {
            Err(RenderError::DoesNotAddUp { .. }) => {}
            other => panic!("{format}: expected DoesNotAddUp, got {:?}", other.map(|b| b.len())),
        }
    }
}

#[test]
fn a_statement_without_lines_renders() {
    let mut statement = common::fixture();
    statement.earnings.clear();
    statement.summary.earnings = Decimal::ZERO;
    statement.summary.closing_balance = statement.summary.opening_balance - statement.summary.transfers_out - statement.summary.charges
        - statement.summary.payments
        + statement.summary.adjustments;
    statement.summary.reserves_balance = Decimal::ZERO;
    statement.summary.payable = Decimal::ZERO;
    statement.summary.unrecouped = statement.summary.closing_balance;
    assert!(statement.summary.adds_up());
    for format in Format::ALL {
        let bytes = ledgerline_render::render(&statement, format).unwrap();
        assert!(!bytes.is_empty());
    }
}

/// A payee paid in another currency sees the payable amount in it, with the rate, in the
/// document (HTML and PDF share it) and in the CSV; the figures still read back exactly.
#[test]
fn a_payee_paid_in_another_currency_sees_the_converted_payable() {
    let mut statement = common::fixture();
    let html_before = render_html(&statement).unwrap();
    assert!(!html_before.contains("Paid in"));
    statement.payable_converted = Some(ledgerline_engine::ConvertedAmount {
        currency: "USD".to_string(),
        rate: common::d("1.0842"),
        rate_month: "2026-06".to_string(),
        amount: common::d("1234.56"),
    });
    let html = render_html(&statement).unwrap();
    let payable = statement.summary.payable.format_fixed(2, ledgerline_money::RoundingMode::HalfEven);
    let (whole, cents) = payable.split_once('.').unwrap();
    let grouped: String = {
        let digits: Vec<char> = whole.chars().collect();
        let mut text = String::new();
        for (index, digit) in digits.iter().enumerate() {
            if index > 0 && (digits.len() - index) % 3 == 0 {
                text.push(',');
            }
            text.push(*digit);
        }
        format!("{text}.{cents}")
    };
    let sentence = format!(
        "Paid in USD: the payable {grouped} {currency} is 1,234.56 USD, at 1.0842 USD per {currency} (the rate of 2026-06).",
        currency = statement.currency
    );
    assert!(html.contains(&sentence), "{sentence}");
    let csv = render_csv(&statement).unwrap();
    assert!(
        csv.contains("payable_converted,,,,,USD,,,,,2026-06,,payable,,,,1.0842,1234.56\n"),
        "{csv}"
    );
    let figures = figures_from(csv.as_bytes(), Format::Csv).unwrap();
    assert_eq!(figures.summary["payable"], statement.summary.payable);
}

/// A contract at a loss carried forward: the statement says the payee's share of it and that
/// it comes off later profits (the loss is not in the balance, so no table shows it).
#[test]
fn a_loss_carried_forward_is_explained() {
    let mut statement = common::fixture();
    let first = statement.earnings[0].clone();
    let mut cost = first.clone();
    cost.usage = "cost".to_string();
    cost.title = "recording: studio (2026-01-10)".to_string();
    cost.amount = common::d("-1234.5");
    let mut carried = first.clone();
    carried.usage = "loss".to_string();
    carried.title = "Loss carried forward to later periods".to_string();
    carried.amount = common::d("1234.5");
    statement.earnings.push(cost);
    statement.earnings.push(carried);
    let html = render_html(&statement).unwrap();
    assert!(
        html.contains(&format!(
            "The costs exceeded the receipts: your share of the loss, {} 1,234.50, is carried forward, not charged to you, and comes off later profits under this contract before you earn from it again.",
            statement.currency
        )),
        "the loss explained"
    );
    assert!(!render_html(&common::fixture()).unwrap().contains("The costs exceeded the receipts"));
}

/// Sources spell one service differently (`Tidal`, `TIDAL`): the breakdown shows it once,
/// under the spelling most of its lines carry, and still adds up.
#[test]
fn a_service_spelt_two_ways_is_one_row() {
    let mut statement = common::fixture();
    let service = statement.earnings[0].service.clone();
    let same: Vec<usize> = (0..statement.earnings.len()).filter(|index| statement.earnings[*index].service == service).collect();
    assert!(same.len() >= 3, "the fixture has several lines of {service}");
    statement.earnings[same[0]].service = service.to_uppercase();
    assert_ne!(service, service.to_uppercase());
    let by_service = breakdowns(&statement).unwrap().into_iter().find(|b| b.id == "service").unwrap();
    let rows: Vec<_> = by_service.rows.iter().filter(|row| row.keys[0].eq_ignore_ascii_case(&service)).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].keys[0], service);
    assert_eq!(rows[0].lines, same.len());
    assert_eq!(by_service.rows.iter().map(|row| row.amount).sum::<Decimal>(), statement.summary.earnings);
}
