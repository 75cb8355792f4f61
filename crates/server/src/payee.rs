//! A payee's pages: their statements, one statement with charts and drill-down to the report
//! lines, downloads in every format, and the verify check. The access check (routes.rs) has
//! already made sure the caller may see `{payee}`; every query here is by that payee as well.

use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::Extension;
use ledgerline_engine::Statement;
use ledgerline_money::Decimal;
use ledgerline_render::Format;
use ledgerline_store::Ledger;
use maud::{html, Markup};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::error::PortalError;
use crate::pages::{
    csrf_field, encode_query, encode_segment, file_label, layout, money, number, trusted,
};
use crate::routes::Principal;
use crate::session::same_token;
use crate::state::{blocking, App, AppState};

/// One issued statement of a payee, as listed.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedSummary {
    pub period: String,
    pub currency: String,
    pub earnings: Decimal,
    pub closing_balance: Decimal,
    pub payable: Decimal,
    pub sha256: String,
    pub issued_at: String,
}

/// A payee's issued statements, newest first.
pub fn issued_of(ledger: &Ledger, payee: &str) -> Result<Vec<IssuedSummary>, PortalError> {
    let mut query = ledger.connection().prepare_cached("SELECT period, currency, content, content_sha256, issued_at FROM statements WHERE payee_id = ?1 ORDER BY issued_at DESC, period DESC")?;
    let rows = query.query_map([payee], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let mut list = Vec::new();
    for row in rows {
        let (period, currency, content, sha256, issued_at) = row?;
        let statement: Statement = serde_json::from_str(&content)
            .map_err(|error| PortalError::Internal(format!("statement {sha256}: {error}")))?;
        list.push(IssuedSummary {
            period,
            currency,
            earnings: statement.summary.earnings,
            closing_balance: statement.summary.closing_balance,
            payable: statement.summary.payable,
            sha256,
            issued_at,
        });
    }
    Ok(list)
}

/// The issued statement of `payee` for `period`.
pub fn issued_statement(
    ledger: &Ledger,
    payee: &str,
    period: &str,
) -> Result<Statement, PortalError> {
    let content: Option<String> = ledger
        .connection()
        .query_row("SELECT content FROM statements WHERE payee_id = ?1 AND period = ?2 ORDER BY currency LIMIT 1", [payee, period], |row| row.get(0))
        .optional()?;
    let content = content.ok_or(PortalError::NotFound)?;
    serde_json::from_str(&content).map_err(|error| {
        PortalError::Internal(format!("statement of {payee} for {period}: {error}"))
    })
}

/// A payment made to a payee.
#[derive(Clone, Debug, Serialize)]
pub struct PaymentRow {
    pub date: String,
    pub amount: String,
    pub currency: String,
    pub reference: String,
    pub period: Option<String>,
}

pub fn payments_of(ledger: &Ledger, payee: &str) -> Result<Vec<PaymentRow>, PortalError> {
    let mut query = ledger.connection().prepare_cached("SELECT date, amount, currency, reference, period FROM payments WHERE payee_id = ?1 ORDER BY date DESC, id DESC")?;
    let rows = query.query_map([payee], |row| {
        Ok(PaymentRow {
            date: row.get(0)?,
            amount: row.get(1)?,
            currency: row.get(2)?,
            reference: row.get(3)?,
            period: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn party_name(ledger: &Ledger, payee: &str) -> Result<String, PortalError> {
    Ok(ledger
        .connection()
        .query_row("SELECT name FROM parties WHERE id = ?1", [payee], |row| {
            row.get(0)
        })
        .optional()?
        .unwrap_or_else(|| payee.to_string()))
}

fn statement_link(payee: &str, period: &str) -> String {
    format!(
        "/payees/{}/statements/{}",
        encode_segment(payee),
        encode_segment(period)
    )
}

pub async fn payee_home(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path(payee): Path<String>,
) -> Result<Response, PortalError> {
    let lookup = payee.clone();
    let (name, statements, payments) = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        Ok((
            party_name(&ledger, &lookup)?,
            issued_of(&ledger, &lookup)?,
            payments_of(&ledger, &lookup)?,
        ))
    })
    .await?;
    let body = html! {
        h2 { "Statements" }
        @if statements.is_empty() {
            p { "No statement has been issued to you yet." }
        } @else {
            table {
                caption class="visually-hidden" { "Issued statements" }
                thead { tr { th scope="col" { "Period" } th scope="col" class="num" { "Earnings" } th scope="col" class="num" { "Closing balance" } th scope="col" class="num" { "Payable" } th scope="col" { "Issued" } } }
                tbody {
                    @for statement in &statements {
                        tr {
                            td { a href=(statement_link(&payee, &statement.period)) { (statement.period) } }
                            (number(money(statement.earnings, &statement.currency)))
                            (number(money(statement.closing_balance, &statement.currency)))
                            (number(money(statement.payable, &statement.currency)))
                            td { (statement.issued_at) }
                        }
                    }
                }
            }
        }
        h2 { "Payments" }
        @if payments.is_empty() {
            p { "No payment recorded yet." }
        } @else {
            table {
                thead { tr { th scope="col" { "Date" } th scope="col" class="num" { "Amount" } th scope="col" { "Reference" } th scope="col" { "For period" } } }
                tbody {
                    @for payment in &payments {
                        tr { td { (payment.date) } td class="num" { (payment.amount) " " (payment.currency) } td { (payment.reference) } td { (payment.period.as_deref().unwrap_or("")) } }
                    }
                }
            }
        }
    };
    Ok(layout(&app, &format!("{name}: statements"), Some(&principal), body).into_response())
}

fn summary_table(statement: &Statement) -> Markup {
    let summary = &statement.summary;
    let currency = statement.currency.as_str();
    let rows: [(&str, Decimal); 10] = [
        ("Opening balance", summary.opening_balance),
        ("Earnings", summary.earnings),
        ("Transfers in", summary.transfers_in),
        ("Transfers out", -summary.transfers_out),
        ("Advances and costs charged", -summary.charges),
        ("VAT", summary.vat),
        ("Withholding tax", -summary.withholding_tax),
        ("Payments", -summary.payments),
        ("Adjustments to issued periods", summary.adjustments),
        ("Closing balance", summary.closing_balance),
    ];
    let sits: [(&str, Decimal); 5] = [
        ("Payable now", summary.payable),
        ("Reserves held", summary.reserves_balance),
        ("Held until a contract recoups", summary.held_balance),
        (
            "Carried forward (under the minimum payout)",
            summary.carried_forward,
        ),
        ("Advances and costs not yet recouped", summary.unrecouped),
    ];
    html! {
        table class="summary" {
            caption { "Summary, " (currency) }
            tbody {
                @for (name, amount) in rows {
                    @if name == "Closing balance" || name == "Opening balance" || name == "Earnings" || !amount.is_zero() {
                        tr class=[(name == "Closing balance").then_some("total")] { th scope="row" { (name) } (number(money(amount, currency))) }
                    }
                }
            }
        }
        table class="summary" {
            caption { "Where the closing balance sits" }
            tbody {
                @for (name, amount) in sits {
                    tr { th scope="row" { (name) } (number(money(amount, currency))) }
                }
            }
        }
    }
}

pub async fn statement(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path((payee, period)): Path<(String, String)>,
) -> Result<Response, PortalError> {
    let statement = blocking(&app, move |app| {
        issued_statement(&app.ledger()?, &payee, &period)
    })
    .await?;
    let charts = ledgerline_render::charts::statement_charts(&statement)
        .map_err(|error| PortalError::Internal(format!("charts: {error}")))?;
    let base = statement_link(&statement.payee, &statement.period);
    let sha256 = statement.sha256();
    let body = html! {
        p class="lead" {
            (statement.payee_name) " · " (statement.period) " (" (statement.first_month) " to " (statement.last_month) ") · " (statement.currency)
            " · amounts rounded " (statement.rounding)
        }
        @if let Some(converted) = &statement.payable_converted {
            p class="notice" {
                "Payable in " (converted.currency) ": " strong { (converted.amount.format_fixed(2, ledgerline_money::RoundingMode::HalfEven)) " " (converted.currency) }
                " (1 " (statement.currency) " = " (converted.rate.to_string()) " " (converted.currency) ", the rate of " (converted.rate_month) ")"
            }
        }
        (summary_table(&statement))
        section aria-label="Charts" class="charts" {
            @for chart in &charts {
                figure { (trusted(chart.to_svg())) figcaption { (chart.description) } }
            }
        }
        h2 { "Where your earnings came from" }
        p { a href={ (base) "/lines" } { "Drill down by service, then territory, then track, to the report lines behind each amount" } }
        h2 { "Contracts" }
        ul {
            @for contract in &statement.contracts {
                li { (contract.title) " (" (contract.id) " version " (contract.version) ", " (contract.deal) "): your share " (ledgerline_contracts::percent(contract.share)) }
            }
        }
        @if !statement.notes.is_empty() {
            h2 { "How your royalty was computed" }
            ul { @for note in &statement.notes { li { (note) } } }
        }
        h2 { "Download" }
        ul class="downloads" {
            @for format in Format::ALL {
                li { a href={ (base) "/download/" (format.name()) } download { (format.name().to_uppercase()) } }
            }
            @if statement.invoice.is_some() {
                li { a href={ (base) "/invoice" } download { "Self-billing invoice (PDF)" } }
            }
        }
        p class="muted small" { "SHA-256 of this statement: " code { (sha256) } ". Any copy of it can be checked on the " a href="/verify" { "verify page" } "." }
    };
    Ok(layout(
        &app,
        &format!("Statement {}", statement.period),
        Some(&principal),
        body,
    )
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct LinesQuery {
    pub service: Option<String>,
    pub territory: Option<String>,
    pub track: Option<String>,
}

/// One row of a drill-down level.
#[derive(Clone, Debug, Serialize)]
pub struct LevelRow {
    pub key: String,
    pub title: String,
    pub lines: usize,
    pub units: i64,
    pub amount: Decimal,
}

/// The rows of the next level down: earnings by service, then territory, then track, under
/// the choices made so far. The rows add up to the earnings they split.
pub fn drill_level(statement: &Statement, query: &LinesQuery) -> (&'static str, Vec<LevelRow>) {
    let chosen =
        |value: &Option<String>, actual: &str| value.as_ref().is_none_or(|wanted| wanted == actual);
    let level = match (&query.service, &query.territory) {
        (None, _) => "service",
        (Some(_), None) => "territory",
        (Some(_), Some(_)) => "track",
    };
    let mut rows: BTreeMap<String, LevelRow> = BTreeMap::new();
    for line in statement.earnings.iter().filter(|line| {
        chosen(&query.service, &line.service)
            && chosen(&query.territory, &line.territory)
            && chosen(&query.track, &line.track)
    }) {
        let (key, title) = match level {
            "service" => (line.service.clone(), line.service.clone()),
            "territory" => (line.territory.clone(), line.territory.clone()),
            _ => (line.track.clone(), line.title.clone()),
        };
        let row = rows.entry(key.clone()).or_insert(LevelRow {
            key,
            title,
            lines: 0,
            units: 0,
            amount: Decimal::ZERO,
        });
        row.lines += 1;
        row.units += line.units;
        row.amount += line.amount;
    }
    let mut rows: Vec<LevelRow> = rows.into_values().collect();
    rows.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.key.cmp(&b.key)));
    (level, rows)
}

pub async fn lines(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path((payee, period)): Path<(String, String)>,
    Query(query): Query<LinesQuery>,
) -> Result<Response, PortalError> {
    let deepest = query.service.is_some() && query.territory.is_some() && query.track.is_some();
    let wanted = (
        payee.clone(),
        period.clone(),
        query.service.clone(),
        query.territory.clone(),
        query.track.clone(),
    );
    let (statement, explanation) = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let statement = issued_statement(&ledger, &wanted.0, &wanted.1)?;
        let explanation = if deepest {
            let parsed =
                ledgerline_model::Period::parse(&wanted.1).map_err(|_| PortalError::NotFound)?;
            let query = ledgerline_run::Query {
                payee: wanted.0.clone(),
                period: Some(parsed),
                track: wanted.4.clone(),
                service: wanted.2.clone(),
                territory: wanted.3.clone(),
            };
            Some(ledgerline_run::explain(&ledger, &app.lake_root(), &query)?)
        } else {
            None
        };
        Ok((statement, explanation))
    })
    .await?;
    let base = statement_link(&payee, &period);
    let currency = statement.currency.clone();
    let (level, rows) = drill_level(&statement, &query);
    let track_title = query.track.as_ref().map(|track| {
        statement
            .earnings
            .iter()
            .find(|line| &line.track == track)
            .map_or_else(|| track.clone(), |line| line.title.clone())
    });
    let total: Decimal = rows.iter().map(|row| row.amount).sum();
    let link = |service: Option<&str>, territory: Option<&str>, track: Option<&str>| {
        let mut parts = Vec::new();
        if let Some(service) = service {
            parts.push(format!("service={}", encode_query(service)));
        }
        if let Some(territory) = territory {
            parts.push(format!("territory={}", encode_query(territory)));
        }
        if let Some(track) = track {
            parts.push(format!("track={}", encode_query(track)));
        }
        format!(
            "{base}/lines{}{}",
            if parts.is_empty() { "" } else { "?" },
            parts.join("&")
        )
    };
    let body = html! {
        nav aria-label="Breadcrumb" class="crumbs" {
            a href=(base) { (statement.period) } " › "
            a href=(link(None, None, None)) { "All services" }
            @if let Some(service) = &query.service { " › " a href=(link(Some(service), None, None)) { (service) } }
            @if let (Some(service), Some(territory)) = (&query.service, &query.territory) { " › " a href=(link(Some(service), Some(territory), None)) { (territory) } }
            @if let Some(track) = &track_title { " › " (track) }
        }
        @if let Some(explanation) = &explanation {
            @for item in &explanation.items {
                section class="explained" {
                    h2 { (item.earning.title) " · " (item.earning.service) " · " (item.earning.territory) " · " (item.earning.usage) " " (item.earning.tier) " · sold " (item.earning.sale_month) }
                    p { "Your amount: " strong { (money(item.earning.amount, &currency)) } " = " (item.term) }
                    table {
                        caption { "The report lines behind it" }
                        thead { tr { th scope="col" { "Report" } th scope="col" class="num" { "Line" } th scope="col" class="num" { "Units" } th scope="col" class="num" { "Net" } } }
                        tbody {
                            @for line in &item.lines {
                                tr { td { "#" (line.import_id) " " (file_label(&line.file)) } td class="num" { (line.line) } td class="num" { (line.units) } td class="num" { (line.net.to_string()) " " (line.currency.to_string()) } }
                            }
                        }
                    }
                }
            }
        } @else {
            table {
                caption { "Earnings by " (level) }
                thead { tr { th scope="col" { (level) } th scope="col" class="num" { "Lines" } th scope="col" class="num" { "Units" } th scope="col" class="num" { "Amount" } } }
                tbody {
                    @for row in &rows {
                        tr {
                            td {
                                @let target = match level {
                                    "service" => link(Some(&row.key), None, None),
                                    "territory" => link(query.service.as_deref(), Some(&row.key), None),
                                    _ => link(query.service.as_deref(), query.territory.as_deref(), Some(&row.key)),
                                };
                                a href=(target) { (row.title) }
                                @if level == "track" { " " span class="muted" { (row.key) } }
                            }
                            (number(row.lines))
                            (number(row.units))
                            (number(money(row.amount, &currency)))
                        }
                    }
                }
                tfoot { tr class="total" { th scope="row" { "Total" } td {} td {} (number(money(total, &currency))) } }
            }
        }
    };
    Ok(layout(
        &app,
        &format!("Statement {}: lines", statement.period),
        Some(&principal),
        body,
    )
    .into_response())
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file_name.replace(['"', '\\', '\r', '\n'], "_")
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub fn content_type(format: Format) -> &'static str {
    match format {
        Format::Html => "text/html; charset=utf-8",
        Format::Pdf => "application/pdf",
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Json => "application/json",
    }
}

/// A document of an issued statement, rendered once: issued statements never change and
/// rendering is deterministic, so the bytes are kept under `cache/documents/<sha256>.<kind>` in
/// the home (written aside and renamed, so a reader never sees half a file).
fn cached_document(
    app: &AppState,
    statement: &Statement,
    kind: &str,
    render: impl FnOnce(&Statement) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, PortalError> {
    let folder = app.config.home.join("cache").join("documents");
    let path = folder.join(format!("{}.{kind}", statement.sha256()));
    if let Ok(bytes) = std::fs::read(&path) {
        if !bytes.is_empty() {
            return Ok(bytes);
        }
    }
    let bytes = render(statement)
        .map_err(|error| PortalError::Internal(format!("render {kind}: {error}")))?;
    let written = std::fs::create_dir_all(&folder).and_then(|()| {
        let mut file = tempfile::NamedTempFile::new_in(&folder)?;
        std::io::Write::write_all(&mut file, &bytes)?;
        file.persist(&path).map_err(|error| error.error)?;
        Ok(())
    });
    if let Err(error) = written {
        // Serving matters more than caching.
        eprintln!("ledgerline serve: cannot cache {}: {error}", path.display());
    }
    Ok(bytes)
}

pub async fn download(
    State(app): State<App>,
    Path((payee, period, format)): Path<(String, String, String)>,
) -> Result<Response, PortalError> {
    let format = Format::parse(&format).ok_or(PortalError::NotFound)?;
    let (statement, bytes) = blocking(&app, move |app| {
        let statement = issued_statement(&app.ledger()?, &payee, &period)?;
        let bytes = cached_document(app, &statement, format.extension(), |statement| {
            ledgerline_render::render(statement, format).map_err(|error| error.to_string())
        })?;
        Ok((statement, bytes))
    })
    .await?;
    Ok(attachment(
        bytes,
        content_type(format),
        &ledgerline_render::file_name(&statement, format),
    ))
}

pub async fn invoice(
    State(app): State<App>,
    Path((payee, period)): Path<(String, String)>,
) -> Result<Response, PortalError> {
    let (name, bytes) = blocking(&app, move |app| {
        let statement = issued_statement(&app.ledger()?, &payee, &period)?;
        let name = ledgerline_render::invoice_file_name(&statement).ok_or(PortalError::NotFound)?;
        let bytes = cached_document(app, &statement, "invoice.pdf", |statement| {
            ledgerline_render::render_invoice_pdf(statement).map_err(|error| error.to_string())
        })?;
        Ok((name, bytes))
    })
    .await?;
    Ok(attachment(bytes, "application/pdf", &name))
}

fn verify_page(
    app: &App,
    principal: &Principal,
    result: Option<&ledgerline_run::Verification>,
) -> Html<String> {
    let body = html! {
        p { "Choose a statement file (HTML, PDF, CSV, XLSX or JSON) to check that it is exactly the statement that was issued, unchanged." }
        form method="post" action="/verify" enctype="multipart/form-data" class="stack" {
            (csrf_field(principal))
            label for="file" { "Statement file" }
            input id="file" name="file" type="file" required;
            button type="submit" { "Check" }
        }
        @if let Some(result) = result {
            @let verified = result.matches();
            p class=(if verified { "verdict ok" } else { "verdict bad" }) role="status" {
                strong { (if verified { "Verified" } else { "Not verified" }) } ": " (result.detail)
            }
            @if let Some(issued_at) = &result.issued_at { p { "Issued " (issued_at) } }
        }
    };
    layout(app, "Verify a statement", Some(principal), body)
}

pub async fn verify_form(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Response {
    verify_page(&app, &principal, None).into_response()
}

/// Reads a multipart form whose first field must be `_csrf` (checked against the session),
/// then hands the other fields to `field` in order.
pub async fn checked_multipart(
    principal: &Principal,
    multipart: &mut Multipart,
) -> Result<(), PortalError> {
    let Some(expected) = &principal.csrf else {
        return Ok(());
    };
    let first = multipart
        .next_field()
        .await
        .map_err(|_| PortalError::invalid("the upload could not be read"))?;
    let Some(first) = first else {
        return Err(PortalError::CrossSite);
    };
    if first.name() != Some("_csrf") {
        return Err(PortalError::CrossSite);
    }
    let token = first.text().await.map_err(|_| PortalError::CrossSite)?;
    if !same_token(&token, expected) {
        return Err(PortalError::CrossSite);
    }
    Ok(())
}

/// The largest statement file the verify page reads.
const VERIFY_LIMIT: usize = 32 << 20;

pub async fn verify(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    mut multipart: Multipart,
) -> Result<Response, PortalError> {
    checked_multipart(&principal, &mut multipart).await?;
    let mut bytes = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| PortalError::invalid("the upload could not be read"))?
    {
        if field.name() == Some("file") {
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|_| PortalError::invalid("the upload could not be read"))?
            {
                if bytes.len() + chunk.len() > VERIFY_LIMIT {
                    return Err(PortalError::invalid(
                        "a statement file is smaller than 32 MiB",
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
    }
    let user = principal.user.clone();
    let mut result = blocking(&app, move |app| {
        Ok(ledgerline_run::verify_statement_file(
            &app.ledger()?,
            &bytes,
        )?)
    })
    .await?;
    // Say nothing about statements the caller may not see.
    if result
        .payee
        .as_deref()
        .is_some_and(|payee| !user.may_see_payee(payee))
    {
        result = ledgerline_run::Verification {
            format: result.format,
            result: "unknown_hash",
            sha256: result.sha256,
            payee: None,
            period: None,
            issued_at: None,
            detail: "no statement issued to you has this SHA-256".to_string(),
        };
    }
    Ok(verify_page(&app, &principal, Some(&result)).into_response())
}
