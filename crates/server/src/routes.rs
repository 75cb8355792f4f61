//! Every route, once: its method, path, who may use it, and what it does. The router, the
//! access checks, the OpenAPI document and the access-control tests are all made from this
//! table, so a route cannot exist without a declared access rule.

use axum::body::Body;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;

use crate::error::PortalError;
use crate::session::same_token;
use crate::state::App;
use crate::users::{user_by_api_token, user_by_id, User};
use crate::{account, api, label, pages, payee};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (the login page, static files, the OpenAPI document).
    Public,
    /// Any signed-in user.
    SignedIn,
    /// The route names a payee (`{payee}`): that payee's own users, label staff granted that
    /// payee, and label admins.
    Payee,
    /// Label admins and staff (staff see only the payees they are granted within it).
    Label,
    /// Label admins only: everything that changes the label's books.
    Admin,
}

/// Where a state-changing request carries its CSRF token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Csrf {
    /// A GET: changes nothing.
    None,
    /// The `_csrf` field of a url-encoded form, or the `X-CSRF-Token` header.
    Form,
    /// A multipart upload: the handler checks the `_csrf` field, which must come first.
    Multipart,
    /// Login and invitations: no session yet; a double-submit cookie set with the form.
    PreSession,
}

#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub csrf: Csrf,
    pub summary: &'static str,
}

impl RouteSpec {
    pub fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }
}

const fn page(path: &'static str, access: Access, summary: &'static str) -> RouteSpec {
    RouteSpec {
        method: "GET",
        path,
        access,
        csrf: Csrf::None,
        summary,
    }
}

const fn form(path: &'static str, access: Access, csrf: Csrf, summary: &'static str) -> RouteSpec {
    RouteSpec {
        method: "POST",
        path,
        access,
        csrf,
        summary,
    }
}

/// Every route of the portal and the API.
pub const ROUTES: &[RouteSpec] = &[
    page(
        "/",
        Access::SignedIn,
        "Home: a payee's statements, or the label's dashboard",
    ),
    page("/login", Access::Public, "The sign-in form"),
    form("/login", Access::Public, Csrf::PreSession, "Sign in"),
    form(
        "/logout",
        Access::SignedIn,
        Csrf::Form,
        "Sign out: the session ends on the server",
    ),
    page(
        "/invite/{token}",
        Access::Public,
        "An invitation: choose a password",
    ),
    form(
        "/invite/{token}",
        Access::Public,
        Csrf::PreSession,
        "Accept an invitation",
    ),
    page(
        "/account",
        Access::SignedIn,
        "Your account and two-factor sign-in",
    ),
    form(
        "/account/totp",
        Access::Label,
        Csrf::Form,
        "Start, confirm or turn off two-factor sign-in",
    ),
    page(
        "/static/portal.css",
        Access::Public,
        "The portal's style sheet",
    ),
    page(
        "/static/portal.js",
        Access::Public,
        "Upload progress (optional: every page works without it)",
    ),
    page("/verify", Access::SignedIn, "Check a statement file"),
    form(
        "/verify",
        Access::SignedIn,
        Csrf::Multipart,
        "Check a statement file: is it exactly what was issued?",
    ),
    // A payee's own pages.
    page(
        "/payees/{payee}",
        Access::Payee,
        "A payee's statements and payments",
    ),
    page(
        "/payees/{payee}/statements/{period}",
        Access::Payee,
        "A statement: summary, charts, breakdowns",
    ),
    page(
        "/payees/{payee}/statements/{period}/lines",
        Access::Payee,
        "Drill down: service, territory, track, then the report lines",
    ),
    page(
        "/payees/{payee}/statements/{period}/download/{format}",
        Access::Payee,
        "The statement as html, pdf, csv, xlsx or json",
    ),
    page(
        "/payees/{payee}/statements/{period}/invoice",
        Access::Payee,
        "The self-billing invoice (PDF)",
    ),
    // The label's pages.
    page(
        "/label",
        Access::Label,
        "Dashboard: receipts by month and source, unmatched, payable",
    ),
    page("/label/imports", Access::Label, "Imported reports"),
    form(
        "/label/imports",
        Access::Admin,
        Csrf::Multipart,
        "Upload and import a sales report",
    ),
    page(
        "/label/unmatched",
        Access::Label,
        "Lines the catalog does not know",
    ),
    form(
        "/label/unmatched",
        Access::Admin,
        Csrf::Form,
        "Resolve an identifier to a track or release",
    ),
    page("/label/catalog", Access::Label, "Releases and tracks"),
    page("/label/contracts", Access::Label, "Contracts"),
    page(
        "/label/contracts/{contract}",
        Access::Label,
        "A contract in plain language",
    ),
    page(
        "/label/periods",
        Access::Label,
        "Statement periods: run, preview, close",
    ),
    page(
        "/label/periods/{period}",
        Access::Label,
        "The draft of a period",
    ),
    form(
        "/label/periods/{period}/close",
        Access::Admin,
        Csrf::Form,
        "Close a period: issue its statements",
    ),
    page(
        "/label/payees",
        Access::Label,
        "Payees and their portal access",
    ),
    form(
        "/label/invitations",
        Access::Admin,
        Csrf::Form,
        "Invite a payee or a label user",
    ),
    page(
        "/label/payments",
        Access::Label,
        "Payments and what is payable",
    ),
    form(
        "/label/payments/sepa",
        Access::Admin,
        Csrf::Form,
        "Download the SEPA credit transfer file of a period",
    ),
    // The JSON API.
    page(
        "/api/openapi.json",
        Access::Public,
        "This API's OpenAPI document",
    ),
    page(
        "/api/v1/me",
        Access::SignedIn,
        "Who the token or session belongs to",
    ),
    page(
        "/api/v1/payees/{payee}/statements",
        Access::Payee,
        "A payee's issued statements",
    ),
    page(
        "/api/v1/payees/{payee}/statements/{period}",
        Access::Payee,
        "One issued statement (canonical JSON)",
    ),
    page(
        "/api/v1/payees/{payee}/statements/{period}/lines",
        Access::Payee,
        "A statement's lines with the report lines behind them",
    ),
    page(
        "/api/v1/dashboard",
        Access::Label,
        "Receipts by month and source, unmatched, payable",
    ),
    page("/api/v1/imports", Access::Label, "Imported reports"),
    form(
        "/api/v1/imports",
        Access::Admin,
        Csrf::Form,
        "Import a report: the request body is the file; ?name= its file name",
    ),
    page("/api/v1/unmatched", Access::Label, "The suspense queue"),
    form(
        "/api/v1/aliases",
        Access::Admin,
        Csrf::Form,
        "Resolve an identifier: {\"identifier\", \"track\" or \"release\"}",
    ),
    page("/api/v1/payees", Access::Label, "Payees the caller may see"),
    page(
        "/api/v1/periods/{period}",
        Access::Label,
        "The draft (or issued) figures of a period",
    ),
    form(
        "/api/v1/periods/{period}/close",
        Access::Admin,
        Csrf::Form,
        "Close a period",
    ),
];

fn handler(spec: &RouteSpec) -> MethodRouter<App> {
    match (spec.method, spec.path) {
        ("GET", "/") => get(pages::home),
        ("GET", "/login") => get(account::login_form),
        ("POST", "/login") => post(account::login),
        ("POST", "/logout") => post(account::logout),
        ("GET", "/invite/{token}") => get(account::invitation_form),
        ("POST", "/invite/{token}") => post(account::accept_invitation),
        ("GET", "/account") => get(account::account_page),
        ("POST", "/account/totp") => post(account::totp),
        ("GET", "/static/portal.css") => get(pages::style_sheet),
        ("GET", "/static/portal.js") => get(pages::script),
        ("GET", "/verify") => get(payee::verify_form),
        ("POST", "/verify") => post(payee::verify),
        ("GET", "/payees/{payee}") => get(payee::payee_home),
        ("GET", "/payees/{payee}/statements/{period}") => get(payee::statement),
        ("GET", "/payees/{payee}/statements/{period}/lines") => get(payee::lines),
        ("GET", "/payees/{payee}/statements/{period}/download/{format}") => get(payee::download),
        ("GET", "/payees/{payee}/statements/{period}/invoice") => get(payee::invoice),
        ("GET", "/label") => get(label::dashboard),
        ("GET", "/label/imports") => get(label::imports),
        ("POST", "/label/imports") => {
            post(label::upload).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        }
        ("GET", "/label/unmatched") => get(label::unmatched),
        ("POST", "/label/unmatched") => post(label::resolve),
        ("GET", "/label/catalog") => get(label::catalog),
        ("GET", "/label/contracts") => get(label::contracts),
        ("GET", "/label/contracts/{contract}") => get(label::contract),
        ("GET", "/label/periods") => get(label::periods),
        ("GET", "/label/periods/{period}") => get(label::period),
        ("POST", "/label/periods/{period}/close") => post(label::close),
        ("GET", "/label/payees") => get(label::payees),
        ("POST", "/label/invitations") => post(label::invite),
        ("GET", "/label/payments") => get(label::payments),
        ("POST", "/label/payments/sepa") => post(label::sepa),
        ("GET", "/api/openapi.json") => get(api::openapi),
        ("GET", "/api/v1/me") => get(api::me),
        ("GET", "/api/v1/payees/{payee}/statements") => get(api::statements),
        ("GET", "/api/v1/payees/{payee}/statements/{period}") => get(api::statement),
        ("GET", "/api/v1/payees/{payee}/statements/{period}/lines") => get(api::lines),
        ("GET", "/api/v1/dashboard") => get(api::dashboard),
        ("GET", "/api/v1/imports") => get(api::imports),
        ("POST", "/api/v1/imports") => {
            post(api::import).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT))
        }
        ("GET", "/api/v1/unmatched") => get(api::unmatched),
        ("POST", "/api/v1/aliases") => post(api::alias),
        ("GET", "/api/v1/payees") => get(api::payees),
        ("GET", "/api/v1/periods/{period}") => get(api::period),
        ("POST", "/api/v1/periods/{period}/close") => post(api::close),
        (method, path) => panic!("route {method} {path} is in ROUTES but has no handler"),
    }
}

/// The largest report upload accepted (2 GiB); it is streamed to a file, not held in memory.
pub const UPLOAD_LIMIT: usize = 2 << 30;

/// The signed-in user of a request, put there by the access check.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    /// The session's CSRF token, for the forms of the page (`None` for API tokens).
    pub csrf: Option<String>,
}

/// The whole application.
pub fn router(app: App) -> Router {
    let mut router: Router<App> = Router::new();
    for spec in ROUTES {
        let guarded =
            handler(spec).route_layer(middleware::from_fn_with_state((app.clone(), *spec), guard));
        router = router.route(spec.path, guarded);
    }
    router
        .fallback(|| async { PortalError::NotFound })
        .layer(middleware::from_fn_with_state(
            app.clone(),
            pages::dress_errors,
        ))
        .layer(middleware::from_fn(security_headers))
        .with_state(app)
}

/// Headers on every response, errors included.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(&str, &str); 7] = [
        ("strict-transport-security", "max-age=63072000; includeSubDomains"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        // Not `no-referrer`: with it browsers send `Origin: null` on the portal's own forms.
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether a state-changing request came from another site: the browser says so in
/// `Sec-Fetch-Site`, or `Origin` names another host than the one asked.
pub fn cross_site(headers: &HeaderMap) -> bool {
    // Browsers that send Sec-Fetch-Site say where the request came from; trust it alone.
    if let Some(site) = headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
    {
        return site != "same-origin" && site != "none";
    }
    // Otherwise the Origin, when there is one, must be this host.
    if let Some(origin) = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
    {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
        return origin == "null" || !origin_host.eq_ignore_ascii_case(host);
    }
    false
}

enum Caller {
    Anonymous,
    Session { user: User, csrf: String },
    Token(User),
}

async fn identify(app: &App, headers: &HeaderMap) -> Result<Caller, PortalError> {
    if let Some(authorization) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    {
        let token = authorization
            .strip_prefix("Bearer ")
            .ok_or(PortalError::Unauthenticated)?
            .trim()
            .to_string();
        let user =
            crate::state::blocking(app, move |app| user_by_api_token(&app.ledger()?, &token))
                .await?;
        return user.map(Caller::Token).ok_or(PortalError::Unauthenticated);
    }
    let Some(token) = cookie(headers, app.session_cookie()) else {
        return Ok(Caller::Anonymous);
    };
    let Some(session) = app.sessions.get(token) else {
        return Ok(Caller::Anonymous);
    };
    let user = crate::state::blocking(app, move |app| {
        user_by_id(&app.ledger()?, session.user_id)
            .map(|user| user.map(|user| (user, session.csrf)))
    })
    .await?;
    Ok(
        user.map_or(Caller::Anonymous, |(user, csrf)| Caller::Session {
            user,
            csrf,
        }),
    )
}

fn allowed(spec: &RouteSpec, user: &User, params: &RawPathParams) -> bool {
    match spec.access {
        Access::Public | Access::SignedIn => true,
        Access::Label => user.is_label(),
        Access::Admin => user.role == crate::users::Role::Admin,
        Access::Payee => params
            .iter()
            .find(|(name, _)| *name == "payee")
            .is_some_and(|(_, payee)| user.may_see_payee(payee)),
    }
}

/// The form field `_csrf` of a url-encoded body.
fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == "_csrf")
        .map(|(_, value)| value)
}

/// The access check and CSRF check of one route, before its handler runs.
async fn guard(
    State((app, spec)): State<(App, RouteSpec)>,
    params: RawPathParams,
    request: Request,
    next: Next,
) -> Response {
    match check(&app, &spec, &params, request).await {
        Ok(request) => next.run(request).await,
        Err(PortalError::Unauthenticated) if !spec.is_api() && spec.method == "GET" => {
            Redirect::to("/login").into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn check(
    app: &App,
    spec: &RouteSpec,
    params: &RawPathParams,
    request: Request,
) -> Result<Request, PortalError> {
    let caller = identify(app, request.headers()).await?;
    if spec.access == Access::Public {
        let mut request = request;
        if let Caller::Session { user, csrf } = caller {
            request.extensions_mut().insert(Principal {
                user,
                csrf: Some(csrf),
            });
        }
        return Ok(request);
    }
    let (user, csrf) = match caller {
        Caller::Anonymous => return Err(PortalError::Unauthenticated),
        Caller::Token(_) if !spec.is_api() => return Err(PortalError::Unauthenticated),
        Caller::Token(user) => (user, None),
        Caller::Session { user, csrf } => (user, Some(csrf)),
    };
    if !allowed(spec, &user, params) {
        return Err(PortalError::Forbidden);
    }
    let mut request = request;
    if spec.method != "GET" {
        if let Some(expected) = &csrf {
            // A cookie came with the request: it must come from our own pages.
            if cross_site(request.headers()) {
                return Err(PortalError::CrossSite);
            }
            let from_header = request
                .headers()
                .get("x-csrf-token")
                .and_then(|value| value.to_str().ok())
                .map(str::to_string);
            match (spec.csrf, from_header) {
                (_, Some(token)) if same_token(&token, expected) => {}
                (Csrf::Form, None) => {
                    let (parts, body) = request.into_parts();
                    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
                        .await
                        .map_err(|_| PortalError::invalid("the form is too large"))?;
                    if !form_token(&bytes).is_some_and(|token| same_token(&token, expected)) {
                        return Err(PortalError::CrossSite);
                    }
                    request = Request::from_parts(parts, Body::from(bytes));
                }
                (Csrf::Multipart, None) => {
                    // The handler checks the `_csrf` field, which must come first.
                    let multipart = request
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .and_then(|value| value.to_str().ok())
                        .is_some_and(|value| value.starts_with("multipart/form-data"));
                    if !multipart {
                        return Err(PortalError::CrossSite);
                    }
                }
                _ => return Err(PortalError::CrossSite),
            }
        }
    }
    request.extensions_mut().insert(Principal { user, csrf });
    Ok(request)
}

/// The largest url-encoded form accepted.
const FORM_LIMIT: usize = 64 * 1024;
