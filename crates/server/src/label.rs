//! The label's pages: dashboard, imports, the unmatched queue, catalog, contracts, periods,
//! payees and invitations, payments and the SEPA file.

use std::collections::BTreeMap;
use std::io::Write as _;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use ledgerline_import::suspense::UnmatchedGroup;
use ledgerline_import::{CatalogIndex, FileImport, ImportOptions, ImportStatus};
use ledgerline_money::{Currency, Decimal};
use maud::{html, Markup};
use serde::Deserialize;

use crate::data::{self, parse_period};
use crate::error::PortalError;
use crate::pages::{csrf_field, encode_segment, layout, money, number};
use crate::payee::checked_multipart;
use crate::routes::Principal;
use crate::state::{blocking, App, AppState};
use crate::users::{self, NewUser, Role};

fn amounts(map: &BTreeMap<Currency, Decimal>) -> String {
    if map.is_empty() {
        return "0.00".to_string();
    }
    map.iter()
        .map(|(currency, amount)| money(*amount, currency.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn dashboard(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let figures = blocking(&app, |app| data::dashboard(app, &app.ledger()?)).await?;
    let mut by_month: BTreeMap<(String, Currency), Decimal> = BTreeMap::new();
    for row in &figures.receipts {
        *by_month
            .entry((row.month.clone(), row.currency))
            .or_default() += row.net;
    }
    let currencies: std::collections::BTreeSet<Currency> = by_month.keys().map(|(_, currency)| *currency).collect();
    let charts: Vec<String> = currencies.iter().map(|currency| receipts_chart(&by_month, *currency)).collect();
    // Newest month first; sources and currencies in order within a month.
    let mut newest_first: Vec<&data::MonthSource> = figures.receipts.iter().collect();
    newest_first.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then_with(|| a.source.cmp(&b.source))
            .then_with(|| a.currency.cmp(&b.currency))
    });
    let body = html! {
        div class="cards" {
            div class="card" { h2 { "Unmatched" } p class="figure" { (amounts(&figures.unmatched_net)) } p { (figures.unmatched_lines) " lines · " a href="/label/unmatched" { "resolve" } } }
            div class="card" {
                h2 { "Payable" }
                p class="figure" { (amounts(&figures.payable)) }
                p { @if let Some(period) = &figures.payable_period { "after " (period) " · " a href="/label/payments" { "payments" } } @else { "no period closed yet" } }
            }
            div class="card" { h2 { "Reports" } p class="figure" { (figures.imports) } p { a href="/label/imports" { "imports" } } }
        }
        h2 { "Receipts by month" }
        @for (chart, currency) in charts.iter().zip(&currencies) {
            figure { (crate::pages::trusted(chart.clone())) figcaption { "Net receipts by month in " (currency.code()) ", all sources, as reported (before conversion)." } }
        }
        h2 { "Receipts by month and source" }
        table {
            thead { tr { th scope="col" { "Month" } th scope="col" { "Source" } th scope="col" class="num" { "Lines" } th scope="col" class="num" { "Net" } } }
            tbody {
                @for row in &newest_first {
                    tr { td { (row.month) } td { (row.source) } (number(row.lines)) (number(money(row.net, row.currency.code()))) }
                }
            }
        }
    };
    Ok(layout(&app, "Dashboard", Some(&principal), body).into_response())
}

/// Bars of net receipts by month in one currency, as reported (the shared chart code draws
/// it, so it looks like the statements' charts). One chart per currency: amounts in different
/// currencies are not added or compared.
fn receipts_chart(by_month: &BTreeMap<(String, Currency), Decimal>, main: Currency) -> String {
    let rows: Vec<ledgerline_render::BreakdownRow> = by_month
        .iter()
        .filter(|((_, currency), _)| *currency == main)
        .map(|((month, _), amount)| ledgerline_render::BreakdownRow {
            keys: vec![month.clone()],
            lines: 0,
            units: 0,
            receipts: *amount,
            deductions: Decimal::ZERO,
            amount: *amount,
        })
        .collect();
    let total: Decimal = rows.iter().map(|row| row.amount).sum();
    let breakdown = ledgerline_render::Breakdown {
        id: "receipts-month",
        title: "Net receipts by month",
        keys: vec!["month"],
        rows,
        total: ledgerline_render::BreakdownRow {
            keys: vec![String::new()],
            lines: 0,
            units: 0,
            receipts: total,
            deductions: Decimal::ZERO,
            amount: total,
        },
    };
    ledgerline_render::charts::month_bars(
        &format!("chart-receipts-{}", main.code()),
        &format!("Net receipts by month, {}", main.code()),
        main.code(),
        &breakdown,
    )
    .to_svg()
}

fn import_result(import: &FileImport) -> Markup {
    html! {
        div class="notice" role="status" {
            @match import.status {
                ImportStatus::AlreadyImported => { p { strong { (import.file) } " was already imported as #" (import.import_id) "; nothing changed." } }
                ImportStatus::Imported => {
                    p { strong { (import.file) } " imported as #" (import.import_id) " (" (import.format) "): " (import.lines) " lines, " (import.matched_lines) " matched, " (import.unmatched_lines) " unmatched." }
                }
            }
            @for (currency, totals) in &import.totals { p { (currency) ": " (totals.units) " units, net " (totals.net.to_string()) ", gross " (totals.gross.to_string()) } }
            @for set in &import.report_sets {
                p { (set.describe()) }
                @if let Some(checks) = &set.checks { @if !checks.warnings.is_empty() { ul { @for warning in &checks.warnings { li { (warning) } } } } }
            }
            @if !import.diagnostics.is_empty() { ul { @for diagnostic in &import.diagnostics { li { (diagnostic) } } } }
        }
    }
}

fn imports_page(
    app: &App,
    principal: &Principal,
    rows: &[data::ImportRow],
    result: Option<Markup>,
) -> Response {
    let admin = principal.user.role == Role::Admin;
    let body = html! {
        @if let Some(result) = result { (result) }
        @if admin {
            form method="post" action="/label/imports" enctype="multipart/form-data" class="stack upload" data-progress="upload-progress" {
                (csrf_field(principal))
                label for="report" { "Sales report (DDEX DSR, distributor CSV or XLSX, gzip or zip)" }
                input id="report" name="file" type="file" required;
                progress id="upload-progress" max="100" value="0" hidden {}
                button type="submit" { "Import" }
            }
        }
        table {
            thead { tr { th scope="col" { "#" } th scope="col" { "File" } th scope="col" { "Source" } th scope="col" class="num" { "Lines" } th scope="col" class="num" { "Unmatched at import" } th scope="col" { "Sales" } th scope="col" { "Net" } th scope="col" { "Imported" } } }
            tbody {
                @for row in rows {
                    tr {
                        td { (row.id) } td title=(row.file_name) { (crate::pages::file_label(&row.file_name)) } td { (row.source) " " span class="muted" { (row.layout) } }
                        (number(row.lines)) (number(row.unmatched_lines))
                        td { (row.first_sale_day.as_deref().unwrap_or("")) " – " (row.last_sale_day.as_deref().unwrap_or("")) }
                        td { @for (currency, net) in &row.net { (net) " " (currency) " " } }
                        td { (row.imported_at) }
                    }
                }
            }
        }
    };
    layout(app, "Imports", Some(principal), body).into_response()
}

pub async fn imports(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let rows = blocking(&app, |app| data::imports(&app.ledger()?)).await?;
    Ok(imports_page(&app, &principal, &rows, None))
}

/// A report being received: a fresh folder under the home (removed when this is dropped) and
/// the file in it, under the name the client gave, cleaned.
pub struct Upload {
    _folder: tempfile::TempDir,
    pub path: std::path::PathBuf,
    file: std::fs::File,
}

impl Upload {
    pub fn create(app: &AppState, name: &str) -> Result<Upload, PortalError> {
        let folder = tempfile::Builder::new()
            .prefix("upload-")
            .tempdir_in(&app.config.home)
            .map_err(|error| PortalError::Internal(format!("upload folder: {error}")))?;
        let path = folder.path().join(sanitize(name));
        let file = std::fs::File::create(&path)
            .map_err(|error| PortalError::Internal(format!("upload file: {error}")))?;
        Ok(Upload {
            _folder: folder,
            path,
            file,
        })
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<(), PortalError> {
        self.file
            .write_all(chunk)
            .map_err(|error| PortalError::Internal(format!("upload file: {error}")))
    }
}

/// Streams the `file` field of a multipart upload to disk.
pub async fn receive_file(
    app: &AppState,
    multipart: &mut Multipart,
) -> Result<Upload, PortalError> {
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| PortalError::invalid("the upload could not be read"))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let mut upload = Upload::create(app, field.file_name().unwrap_or("report"))?;
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| PortalError::invalid("the upload was interrupted"))?
        {
            upload.write(&chunk)?;
        }
        return Ok(upload);
    }
    Err(PortalError::invalid("choose a file to import"))
}

pub fn sanitize(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.').trim().to_string();
    if clean.is_empty() {
        "report".to_string()
    } else {
        clean.chars().take(200).collect()
    }
}

/// Imports one received file into the home, like `ledgerline import`.
pub fn import_received(app: &AppState, path: &std::path::Path) -> Result<FileImport, PortalError> {
    let mut ledger = app.ledger()?;
    let lake_root = app.lake_root();
    ledgerline_import::recover(&ledger, &lake_root)?;
    let catalog = CatalogIndex::load(&ledger)?;
    let name = path.file_name().map_or_else(
        || "report".to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let options = ImportOptions {
        source: None,
        mapping: None,
        skip_bad_rows: false,
        allow_same_totals: false,
        progress: None,
    };
    match ledgerline_import::import_file(&mut ledger, &lake_root, path, &name, &options, &catalog) {
        Ok(import) => Ok(import),
        Err(error) => {
            let mut message = error.to_string();
            if let ledgerline_import::ImportError::Refused {
                diagnostics,
                errors_total,
                ..
            } = &error
            {
                for diagnostic in diagnostics.iter().take(20) {
                    message.push_str(&format!("\n{diagnostic}"));
                }
                if *errors_total > diagnostics.len() as u64 {
                    message.push_str(&format!(
                        "\n… and {} more",
                        errors_total - diagnostics.len() as u64
                    ));
                }
            }
            if let Some(hint) = error.hint() {
                message.push_str(&format!("\nhint: {hint}"));
            }
            Err(PortalError::Invalid(message))
        }
    }
}

pub async fn upload(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    mut multipart: Multipart,
) -> Result<Response, PortalError> {
    checked_multipart(&principal, &mut multipart).await?;
    let upload = receive_file(&app, &mut multipart).await?;
    let outcome = blocking(&app, move |app| {
        let result = import_received(app, &upload.path);
        drop(upload);
        Ok((result, data::imports(&app.ledger()?)?))
    })
    .await?;
    let (result, rows) = outcome;
    let (status, shown) = match result {
        Ok(import) => (StatusCode::OK, import_result(&import)),
        Err(error) => (
            error.status(),
            html! { div class="error" role="alert" { @for line in error.public_message().lines() { p { (line) } } } },
        ),
    };
    let mut response = imports_page(&app, &principal, &rows, Some(shown));
    *response.status_mut() = status;
    Ok(response)
}

fn unmatched_page(
    app: &App,
    principal: &Principal,
    groups: &[UnmatchedGroup],
    message: Option<Markup>,
) -> Response {
    let admin = principal.user.role == Role::Admin;
    let body = html! {
        @if let Some(message) = message { (message) }
        @if groups.is_empty() {
            p { "Every imported line matches the catalog." }
        } @else {
            p { "Lines whose identifiers the catalog does not know are held in suspense: they count in the receipts but pay nobody until resolved. Say which track (ISRC) or release (UPC/EAN) an identifier stands for; every line carrying it matches from then on." }
            table {
                thead { tr { th scope="col" { "Identifier" } th scope="col" { "As reported" } th scope="col" class="num" { "Lines" } th scope="col" class="num" { "Net" } @if admin { th scope="col" { "Resolve" } } } }
                tbody {
                    @for group in groups {
                        tr {
                            td { span class="muted" { (group.identifier_kind) } " " code { (if group.identifier.is_empty() { "(none)" } else { &group.identifier }) } }
                            td { "\u{201c}" (group.track_title) "\u{201d} by " (group.artist) br; span class="muted small" { (group.sources.iter().cloned().collect::<Vec<_>>().join(", ")) } }
                            (number(group.lines))
                            td class="num" { @for (currency, amount) in &group.net { (money(*amount, currency.code())) " " } }
                            @if admin && !group.identifier.is_empty() {
                                td {
                                    form method="post" action="/label/unmatched" class="inline" {
                                        (csrf_field(principal))
                                        input type="hidden" name="identifier" value=(group.identifier);
                                        label { span class="visually-hidden" { "Track ISRC or release UPC for " (group.identifier) } input name="target" placeholder="ISRC or UPC" required size="16"; }
                                        button type="submit" { "Resolve" }
                                    }
                                }
                            } @else if admin { td {} }
                        }
                    }
                }
            }
        }
    };
    layout(app, "Unmatched", Some(principal), body).into_response()
}

pub async fn unmatched(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let groups = blocking(&app, |app| data::unmatched(app, &app.ledger()?)).await?;
    Ok(unmatched_page(&app, &principal, &groups, None))
}

#[derive(Deserialize)]
pub struct ResolveForm {
    identifier: String,
    target: String,
}

/// Resolves an identifier to a track (an ISRC) or a release (a UPC/EAN), like `ledgerline alias`.
pub fn resolve_alias(
    app: &AppState,
    identifier: &str,
    target: &str,
) -> Result<ledgerline_import::suspense::AliasOutcome, PortalError> {
    use ledgerline_import::suspense::AliasTarget;
    let target = target.trim();
    let parsed = match ledgerline_model::Isrc::parse(target) {
        Ok(isrc) => AliasTarget::Track(isrc),
        Err(isrc_error) => match ledgerline_model::Icpn::parse(target) {
            Ok(icpn) => AliasTarget::Release(icpn),
            // Say what is wrong with it as what it looks like: an ISRC has letters, a UPC/EAN
            // is digits only.
            Err(_) if target.bytes().any(|byte| byte.is_ascii_alphabetic()) => {
                return Err(PortalError::invalid(format!("not an ISRC: {isrc_error}")))
            }
            Err(icpn_error) => return Err(PortalError::invalid(format!("not a UPC/EAN: {icpn_error}"))),
        },
    };
    Ok(ledgerline_import::suspense::add_alias(
        &mut app.ledger()?,
        &app.lake_root(),
        identifier.trim(),
        &parsed,
    )?)
}

pub async fn resolve(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, PortalError> {
    let (outcome, groups) = blocking(&app, move |app| {
        let outcome = resolve_alias(app, &form.identifier, &form.target);
        Ok((outcome, data::unmatched(app, &app.ledger()?)?))
    })
    .await?;
    let (status, message) = match outcome {
        Ok(outcome) => (
            StatusCode::OK,
            html! { p class="notice" role="status" { "\u{201c}" (outcome.identifier) "\u{201d} → " (outcome.target) ": " (outcome.lines_resolved) " lines now match." } },
        ),
        Err(error) => (
            error.status(),
            html! { p class="error" role="alert" { (error.public_message()) } },
        ),
    };
    let mut response = unmatched_page(&app, &principal, &groups, Some(message));
    *response.status_mut() = status;
    Ok(response)
}

pub async fn catalog(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let releases: Vec<Row> = blocking(&app, |app| {
        let ledger = app.ledger()?;
        let mut query = ledger.connection().prepare(
            "SELECT r.title, r.display_artist, r.icpn, r.release_date, r.format, (SELECT count(*) FROM release_tracks t WHERE t.release_id = r.id)
             FROM releases r ORDER BY r.release_date DESC, r.title",
        )?;
        let rows = query.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)))?.collect::<Result<_, _>>()?;
        Ok(rows)
    })
    .await?;
    let body = html! {
        p { (releases.len()) " releases." }
        table {
            thead { tr { th scope="col" { "Release" } th scope="col" { "Artist" } th scope="col" { "UPC/EAN" } th scope="col" { "Released" } th scope="col" { "Format" } th scope="col" class="num" { "Tracks" } } }
            tbody {
                @for (title, artist, icpn, date, format, tracks) in &releases {
                    tr { td { (title) } td { (artist.as_deref().unwrap_or("")) } td { code { (icpn.as_deref().unwrap_or("")) } } td { (date.as_deref().unwrap_or("")) } td { (format.as_deref().unwrap_or("")) } (number(tracks)) }
                }
            }
        }
    };
    Ok(layout(&app, "Catalog", Some(&principal), body).into_response())
}

pub async fn contracts(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let user = principal.user.clone();
    let list = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let mut rows = Vec::new();
        for id in ledgerline_contracts::contract_ids(&ledger)
            .map_err(|error| PortalError::Internal(error.to_string()))?
        {
            let versions = ledgerline_contracts::contract_versions(&ledger, &id)
                .map_err(|error| PortalError::Internal(error.to_string()))?;
            let Some(last) = versions.last() else {
                continue;
            };
            let Some(stored) = ledgerline_contracts::stored_contract(&ledger, &id, last.version)
                .map_err(|error| PortalError::Internal(error.to_string()))?
            else {
                continue;
            };
            let payees: Vec<String> = stored
                .contract
                .payees
                .iter()
                .map(|payee| payee.party.clone())
                .collect();
            let visible = user.role == Role::Admin
                || (user.role == Role::Staff && user.all_payees)
                || payees.iter().any(|payee| user.may_see_payee(payee));
            if !visible {
                continue;
            }
            rows.push((
                id,
                stored.contract.title.clone(),
                versions.len(),
                payees.join(", "),
            ));
        }
        Ok(rows)
    })
    .await?;
    let body = html! {
        table {
            thead { tr { th scope="col" { "Contract" } th scope="col" { "Title" } th scope="col" class="num" { "Versions" } th scope="col" { "Payees" } } }
            tbody {
                @for (id, title, versions, payees) in &list {
                    tr { td { a href={ "/label/contracts/" (encode_segment(id)) } { (id) } } td { (title) } (number(versions)) td { (payees) } }
                }
            }
        }
    };
    Ok(layout(&app, "Contracts", Some(&principal), body).into_response())
}

pub async fn contract(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let user = principal.user.clone();
    let versions = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let mut shown = Vec::new();
        for version in ledgerline_contracts::contract_versions(&ledger, &id)
            .map_err(|error| PortalError::Internal(error.to_string()))?
        {
            if let Some(stored) =
                ledgerline_contracts::stored_contract(&ledger, &id, version.version)
                    .map_err(|error| PortalError::Internal(error.to_string()))?
            {
                if !stored
                    .contract
                    .payees
                    .iter()
                    .any(|payee| user.may_see_payee(&payee.party))
                {
                    return Err(PortalError::Forbidden);
                }
                shown.push((
                    version.version,
                    version.valid_from.to_string(),
                    ledgerline_contracts::describe(&stored.contract),
                ));
            }
        }
        if shown.is_empty() {
            return Err(PortalError::NotFound);
        }
        Ok(shown)
    })
    .await?;
    let body = html! {
        @for (version, from, description) in versions.iter().rev() {
            section {
                h2 { "Version " (version) ", from " (from) }
                pre class="contract" { (description) }
            }
        }
    };
    Ok(layout(&app, "Contract", Some(&principal), body).into_response())
}

pub async fn periods(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let closed = blocking(&app, |app| {
        Ok(ledgerline_run::closed_periods(&app.ledger()?)?)
    })
    .await?;
    let body = html! {
        h2 { "Closed" }
        @if closed.is_empty() { p { "No period is closed yet." } } @else {
            ul { @for period in closed.iter().rev() { li { a href={ "/label/periods/" (period.to_string()) } { (period.to_string()) } } } }
        }
        h2 { "Run a period" }
        form method="get" action="/label/periods/preview" class="inline" id="run-period" {
            label for="period" { "Period " span class="muted" { "(2026-H2, 2026-Q3, 2026-07 or 2026)" } }
            input id="period" name="period" required pattern="[0-9]{4}(-(H[12]|Q[1-4]|[0-1][0-9]))?";
            button type="submit" { "Preview" }
        }
    };
    Ok(layout(&app, "Periods", Some(&principal), body).into_response())
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    period: Option<String>,
}

pub async fn period(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path(period): Path<String>,
    axum::extract::Query(query): axum::extract::Query<PreviewQuery>,
) -> Result<Response, PortalError> {
    // The run form sends /label/periods/preview?period=…
    let text = if period == "preview" {
        query.period.unwrap_or_default()
    } else {
        period
    };
    let period = parse_period(&text)?;
    let user = principal.user.clone();
    let view = blocking(&app, move |app| {
        data::period(&app.ledger()?, &app.lake_root(), period, &user)
    })
    .await?;
    Ok(period_page(&app, &principal, &view, None))
}

fn period_page(
    app: &App,
    principal: &Principal,
    view: &data::PeriodView,
    message: Option<Markup>,
) -> Response {
    let c = &view.conservation;
    let currency = c.currency.as_str();
    let body = html! {
        @if let Some(message) = message { (message) }
        p class="lead" { (view.period) " · " (view.first_month) " to " (view.last_month) " · " strong { (view.status) } }
        table class="summary" {
            caption { "Money is conserved" }
            tbody {
                tr { th scope="row" { "Net receipts" } (number(money(c.net_receipts, currency))) }
                tr { th scope="row" { "= payee credits" } (number(money(c.payee_credits, currency))) }
                tr { th scope="row" { "+ label share" } (number(money(c.label_share, currency))) }
                tr { th scope="row" { "+ suspense" } (number(money(c.suspense, currency))) }
                tr class="total" { th scope="row" { "difference" } (number(c.difference().to_string())) }
            }
        }
        @if view.status == "draft" && principal.user.role == Role::Admin {
            form method="post" action={ "/label/periods/" (view.period) "/close" } class="inline" id="close-period" {
                (csrf_field(principal))
                p { "Closing issues these statements for good: the ledger is posted, each statement is recorded with its SHA-256, and later changes become adjustments in the next period." }
                button type="submit" { "Close " (view.period) " and issue its statements" }
            }
        }
        table {
            caption { "Opening balance + earnings − charges + other (transfers, VAT, tax withheld, payments and adjustments to issued periods, itemised on each statement) = closing balance." }
            thead { tr { th scope="col" { "Payee" } th scope="col" class="num" { "Opening balance" } th scope="col" class="num" { "Earnings" } th scope="col" class="num" { "Charges" } th scope="col" class="num" { "Other" } th scope="col" class="num" { "Closing balance" } th scope="col" class="num" { "Payable" } } }
            tbody {
                @for payee in &view.payees {
                    tr {
                        td {
                            @if view.status == "closed" { a href={ "/payees/" (encode_segment(&payee.payee)) "/statements/" (view.period) } { (payee.name) } } @else { (payee.name) }
                            " " span class="muted" { (payee.payee) }
                        }
                        (number(money(payee.opening_balance, &payee.currency)))
                        (number(money(payee.earnings, &payee.currency)))
                        (number(money(payee.charges, &payee.currency)))
                        (number(money(payee.other, &payee.currency)))
                        (number(money(payee.closing_balance, &payee.currency)))
                        (number(money(payee.payable, &payee.currency)))
                    }
                }
            }
        }
    };
    layout(
        app,
        &format!("Period {}", view.period),
        Some(principal),
        body,
    )
    .into_response()
}

pub async fn close(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Path(period): Path<String>,
) -> Result<Response, PortalError> {
    let period = parse_period(&period)?;
    let user = principal.user.clone();
    let (closed, view) = blocking(&app, move |app| {
        data::close(&mut app.ledger()?, &app.lake_root(), period, &user)
    })
    .await?;
    let message = html! { p class="notice" role="status" { (closed.period) " is closed: " (closed.statements.len()) " statements issued." } };
    Ok(period_page(&app, &principal, &view, Some(message)))
}

fn payees_page(
    app: &App,
    principal: &Principal,
    rows: &[data::PayeeRow],
    message: Option<Markup>,
) -> Response {
    let admin = principal.user.role == Role::Admin;
    let body = html! {
        @if let Some(message) = message { (message) }
        @if admin {
            h2 { "Invite someone" }
            form method="post" action="/label/invitations" class="stack" id="invite" {
                (csrf_field(principal))
                label for="invite-email" { "Email" }
                input id="invite-email" name="email" type="email" required;
                label for="invite-role" { "Role" }
                select id="invite-role" name="role" {
                    option value="payee" { "Payee: sees their own statements" }
                    option value="staff" { "Label staff: reads everything" }
                    option value="admin" { "Label admin: does everything" }
                }
                label for="invite-payee" { "Payee (for a payee)" }
                select id="invite-payee" name="payee" {
                    option value="" { "—" }
                    @for row in rows { option value=(row.id) { (row.name) " (" (row.id) ")" } }
                }
                button type="submit" { "Create invitation link" }
            }
        }
        h2 { "Payees" }
        table {
            thead { tr { th scope="col" { "Payee" } th scope="col" { "Kind" } th scope="col" { "Email" } th scope="col" { "Portal users" } } }
            tbody {
                @for row in rows {
                    tr {
                        td { a href={ "/payees/" (encode_segment(&row.id)) } { (row.name) } " " span class="muted" { (row.id) } }
                        td { (row.kind) } td { (row.email.as_deref().unwrap_or("")) } td { (row.users.join(", ")) }
                    }
                }
            }
        }
    };
    layout(app, "Payees", Some(principal), body).into_response()
}

pub async fn payees(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let user = principal.user.clone();
    let rows = blocking(&app, move |app| data::payees(&app.ledger()?, &user)).await?;
    Ok(payees_page(&app, &principal, &rows, None))
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
    #[serde(default)]
    payee: String,
}

pub async fn invite(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    headers: axum::http::HeaderMap,
    Form(form): Form<InviteForm>,
) -> Result<Response, PortalError> {
    let role = Role::parse(&form.role).ok_or_else(|| PortalError::invalid("choose a role"))?;
    let user = principal.user.clone();
    let (token, rows) = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let payee = (role == Role::Payee)
            .then_some(form.payee.trim())
            .filter(|payee| !payee.is_empty());
        if role == Role::Payee && payee.is_none() {
            return Err(PortalError::invalid("a payee invitation names the payee"));
        }
        let invitation = NewUser {
            email: form.email.trim(),
            role,
            payee,
            all_payees: role == Role::Staff,
            grants: &[],
        };
        let token = users::invite(&ledger, &invitation, user.id)?;
        Ok((token, data::payees(&ledger, &user)?))
    })
    .await?;
    let base = match &app.config.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("localhost");
            format!(
                "{}://{host}",
                if app.config.insecure_http {
                    "http"
                } else {
                    "https"
                }
            )
        }
    };
    let link = format!("{base}/invite/{token}");
    let message = html! {
        div class="notice" role="status" {
            p { "Send this link to the person invited; it works once, for " (users::INVITATION_SECONDS / 86_400) " days:" }
            p { code class="secret" id="invitation-link" { (link) } }
        }
    };
    Ok(payees_page(&app, &principal, &rows, Some(message)))
}

pub async fn payments(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, PortalError> {
    let user = principal.user.clone();
    let (payable, payments, period) = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let closed = ledgerline_run::closed_periods(&ledger)?;
        let payable = match closed.last() {
            Some(last) => ledgerline_run::payable_balances(&ledger, *last)?.into_iter().filter(|(payee, _)| user.may_see_payee(payee)).collect(),
            None => BTreeMap::new(),
        };
        let mut query = ledger.connection().prepare("SELECT date, payee_id, amount, currency, reference FROM payments ORDER BY date DESC, id DESC")?;
        let payments: Vec<(String, String, String, String, String)> = query
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|row: &(String, String, String, String, String)| user.may_see_payee(&row.1))
            .collect();
        Ok((payable, payments, closed.last().map(ToString::to_string)))
    })
    .await?;
    let admin = principal.user.role == Role::Admin;
    let body = html! {
        h2 { "Payable" @if let Some(period) = &period { " after " (period) } }
        table {
            thead { tr { th scope="col" { "Payee" } th scope="col" class="num" { "Payable" } } }
            tbody {
                @for (payee, (name, amount, currency)) in &payable {
                    @if amount.is_positive() { tr { td { (name) " " span class="muted" { (payee) } } (number(money(*amount, currency.code()))) } }
                }
            }
        }
        @if admin && period.is_some() {
            h2 { "SEPA credit transfer file" }
            form method="post" action="/label/payments/sepa" class="stack" {
                (csrf_field(&principal))
                input type="hidden" name="period" value=(period.clone().unwrap_or_default());
                label for="iban" { "Label's IBAN (the account paid from)" }
                input id="iban" name="debtor_iban" required;
                label for="bic" { "BIC (optional)" }
                input id="bic" name="debtor_bic";
                label for="date" { "Execution date" }
                input id="date" name="execution_date" type="date" required;
                button type="submit" { "Download pain.001 file" }
            }
        }
        h2 { "Payments made" }
        table {
            thead { tr { th scope="col" { "Date" } th scope="col" { "Payee" } th scope="col" class="num" { "Amount" } th scope="col" { "Reference" } } }
            tbody { @for (date, payee, amount, currency, reference) in &payments { tr { td { (date) } td { (payee) } td class="num" { (amount) " " (currency) } td { (reference) } } } }
        }
    };
    Ok(layout(&app, "Payments", Some(&principal), body).into_response())
}

#[derive(Deserialize)]
pub struct SepaForm {
    period: String,
    debtor_iban: String,
    #[serde(default)]
    debtor_bic: String,
    execution_date: String,
}

pub async fn sepa(
    State(app): State<App>,
    Form(form): Form<SepaForm>,
) -> Result<Response, PortalError> {
    let request = ledgerline_run::SepaRequest {
        period: parse_period(&form.period)?,
        execution_date: ledgerline_model::Date::parse(&form.execution_date)
            .map_err(|error| PortalError::invalid(format!("execution date: {error}")))?,
        debtor_iban: ledgerline_contracts::Iban::parse(&form.debtor_iban)
            .map_err(|problem| PortalError::invalid(format!("IBAN: {problem}")))?,
        debtor_bic: Some(form.debtor_bic.trim())
            .filter(|bic| !bic.is_empty())
            .map(ledgerline_contracts::Bic::parse)
            .transpose()
            .map_err(|problem| PortalError::invalid(format!("BIC: {problem}")))?,
        debtor_name: None,
    };
    let period = request.period;
    let file = blocking(&app, move |app| {
        Ok(ledgerline_run::sepa_file(&app.ledger()?, &request)?)
    })
    .await?;
    let name = format!("sepa-{period}.xml");
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        file.xml,
    )
        .into_response())
}
