//! The page layout shared by every portal page, the home redirect, static files, and errors
//! dressed as pages. Pages are server-rendered HTML (maud escapes every value); the reading
//! pages work without JavaScript.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Extension;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::error::ErrorShown;
use crate::routes::Principal;
use crate::state::App;
use crate::users::Role;

const STYLE: &str = include_str!("../static/portal.css");
const SCRIPT: &str = include_str!("../static/portal.js");

pub async fn style_sheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// `/`: payees go to their statements, the label to its dashboard.
pub async fn home(Extension(principal): Extension<Principal>) -> Redirect {
    match (&principal.user.role, &principal.user.payee) {
        (Role::Payee, Some(payee)) => Redirect::to(&format!("/payees/{}", encode_segment(payee))),
        _ => Redirect::to("/label"),
    }
}

/// A path segment, percent-encoded.
pub fn encode_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A query value, percent-encoded.
pub fn encode_query(text: &str) -> String {
    encode_segment(text)
}

/// A hidden field with the session's CSRF token, for every form that changes something.
pub fn csrf_field(principal: &Principal) -> Markup {
    html! { input type="hidden" name="_csrf" value=(principal.csrf.as_deref().unwrap_or("")); }
}

/// The page around `body`.
pub fn layout(app: &App, title: &str, principal: Option<&Principal>, body: Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (app.config.label_name) " · Ledgerline" }
                link rel="stylesheet" href="/static/portal.css";
                script src="/static/portal.js" defer {}
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header class="top" {
                    span class="brand" { (app.config.label_name) " " span class="muted" { "· Ledgerline" } }
                    @if let Some(principal) = principal {
                        nav aria-label="Main" {
                            ul {
                                @if principal.user.is_label() {
                                    li { a href="/label" { "Dashboard" } }
                                    li { a href="/label/imports" { "Imports" } }
                                    li { a href="/label/unmatched" { "Unmatched" } }
                                    li { a href="/label/catalog" { "Catalog" } }
                                    li { a href="/label/contracts" { "Contracts" } }
                                    li { a href="/label/periods" { "Periods" } }
                                    li { a href="/label/payees" { "Payees" } }
                                    li { a href="/label/payments" { "Payments" } }
                                } @else if let Some(payee) = &principal.user.payee {
                                    li { a href={ "/payees/" (encode_segment(payee)) } { "My statements" } }
                                }
                                li { a href="/verify" { "Verify a file" } }
                                li { a href="/account" { "Account" } }
                            }
                        }
                        form class="logout" method="post" action="/logout" {
                            (csrf_field(principal))
                            span class="muted" { (principal.user.email) " " }
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" { h1 { (title) } (body) }
                footer { "Every figure adds up to the cent and can be traced to the report lines behind it." }
            }
        }
    };
    Html(markup.into_string())
}

/// Errors answered to browsers become pages; the API keeps its plain or JSON answers.
pub async fn dress_errors(State(app): State<App>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if response.extensions().get::<ErrorShown>().is_none() {
        return response;
    }
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let message = String::from_utf8_lossy(&bytes).into_owned();
    if is_api {
        let body = serde_json::json!({ "error": message, "status": status.as_u16() });
        return (status, axum::Json(body)).into_response();
    }
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::UNAUTHORIZED => "Sign in first",
        StatusCode::FORBIDDEN => "Refused",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::UNPROCESSABLE_ENTITY => "That did not work",
        _ => "Something went wrong",
    };
    let body = html! {
        p class="error" role="alert" { (message) }
        p { a href="/" { "Back to the start" } }
    };
    (status, layout(&app, title, None, body)).into_response()
}

/// Money as text with its currency, as the statements show it.
pub fn money(amount: ledgerline_money::Decimal, currency: &str) -> String {
    format!(
        "{} {currency}",
        amount.format_fixed(2, ledgerline_money::RoundingMode::HalfEven)
    )
}

/// A table cell holding a number, aligned right.
pub fn number(text: impl std::fmt::Display) -> Markup {
    html! { td class="num" { (text.to_string()) } }
}

/// Trusted markup (SVG charts the render crate draws from figures).
pub fn trusted(svg: String) -> PreEscaped<String> {
    PreEscaped(svg)
}

/// A report's file name without the folders it was imported from (which are the importing
/// machine's business, not the reader's).
pub fn file_label(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}
