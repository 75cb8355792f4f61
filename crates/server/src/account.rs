//! Signing in and out, invitations, and the account page with two-factor sign-in.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use maud::html;
use serde::Deserialize;

use crate::error::PortalError;
use crate::pages::{csrf_field, layout};
use crate::routes::{cookie, cross_site, Principal};
use crate::session::same_token;
use crate::state::{blocking, App};
use crate::totp;
use crate::users::{self, hash_password, new_token, password_problem, verify_password, Role};

/// How long the sign-in form's token lives.
const LOGIN_FORM_SECONDS: u64 = 30 * 60;

/// The client's address, for the per-address login limit. Behind a reverse proxy this is the
/// proxy's address: run the proxy's own limits as well (docs/portal.md).
fn client_address(connect: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
    connect.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

fn login_page(app: &App, token: &str, error: Option<&str>, email: &str) -> Response {
    let body = html! {
        @if let Some(error) = error { p class="error" role="alert" { (error) } }
        form method="post" action="/login" class="stack" {
            input type="hidden" name="_login" value=(token);
            label for="email" { "Email" }
            input id="email" name="email" type="email" autocomplete="username" required value=(email);
            label for="password" { "Password" }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            label for="code" { "Code from your authenticator app " span class="muted" { "(only if you turned on two-factor sign-in)" } }
            input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}";
            button type="submit" { "Sign in" }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let cookie = app.cookie(app.login_cookie(), token, Some(LOGIN_FORM_SECONDS));
    (
        status,
        [(header::SET_COOKIE, cookie)],
        layout(app, "Sign in", None, body),
    )
        .into_response()
}

pub async fn login_form(
    State(app): State<App>,
    principal: Option<Extension<Principal>>,
) -> Response {
    if principal.is_some() {
        return Redirect::to("/").into_response();
    }
    login_page(&app, &new_token(), None, "")
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(rename = "_login", default)]
    login: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// The double-submit check of forms shown before there is a session.
fn pre_session_check(app: &App, headers: &HeaderMap, form_token: &str) -> Result<(), PortalError> {
    if cross_site(headers) {
        return Err(PortalError::CrossSite);
    }
    match cookie(headers, app.login_cookie()) {
        Some(expected) if !form_token.is_empty() && same_token(form_token, expected) => Ok(()),
        _ => Err(PortalError::CrossSite),
    }
}

/// Signs in: a new session (a new id, whatever the browser had), the old one ended.
fn signed_in(app: &App, headers: &HeaderMap, user_id: i64) -> Response {
    if let Some(old) = cookie(headers, app.session_cookie()) {
        app.sessions.end(old);
    }
    let token = app.sessions.start(user_id);
    let mut response = Redirect::to("/").into_response();
    let headers = response.headers_mut();
    for value in [
        app.cookie(app.session_cookie(), &token, None),
        app.expired_cookie(app.login_cookie()),
    ] {
        headers.append(
            header::SET_COOKIE,
            value.parse().expect("cookie values are header-safe"),
        );
    }
    // 303: the browser follows with a GET.
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

pub async fn login(
    State(app): State<App>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PortalError> {
    pre_session_check(&app, &headers, &form.login)?;
    let address = client_address(connect.as_ref().map(|Extension(info)| info));
    let email = form.email.trim().to_string();
    if let Some(minutes) = app.limits.blocked(&email, address) {
        return Err(PortalError::TooManyAttempts(minutes));
    }
    let password = form.password;
    let code = form.code;
    let lookup_email = email.clone();
    let user = blocking(&app, move |app| {
        let ledger = app.ledger()?;
        let found = users::user_by_email(&ledger, &lookup_email)?;
        let (user, stored) = match &found {
            Some((user, stored)) => (Some(user), stored.as_str()),
            None => (None, users::decoy_hash()),
        };
        let password_ok = verify_password(&password, stored) && user.is_some();
        let Some(user) = user.filter(|_| password_ok) else {
            return Ok(None);
        };
        if let Some((secret, last_step)) = users::totp_secret(&ledger, user.id)? {
            match totp::accepted_step(&secret, &code, totp::current_step(), last_step as u64) {
                Some(step) => users::record_totp_step(&ledger, user.id, step as i64)?,
                None => return Ok(None),
            }
        }
        Ok(Some(user.id))
    })
    .await?;
    match user {
        Some(user_id) => {
            app.limits.succeeded(&email);
            Ok(signed_in(&app, &headers, user_id))
        }
        None => {
            app.limits.failed(&email, address);
            Ok(login_page(
                &app,
                &new_token(),
                Some("The email, the password or the code is wrong."),
                &email,
            ))
        }
    }
}

pub async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, app.session_cookie()) {
        app.sessions.end(token);
    }
    let mut response = Redirect::to("/login").into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response.headers_mut().insert(
        header::SET_COOKIE,
        app.expired_cookie(app.session_cookie())
            .parse()
            .expect("cookie values are header-safe"),
    );
    response
}

fn invitation_page(
    app: &App,
    token: &str,
    form_token: &str,
    email: &str,
    role: Role,
    error: Option<&str>,
) -> Response {
    let body = html! {
        p { "You are invited as " strong { (role.name()) } " with the email " strong { (email) } ". Choose a password to finish." }
        p class="muted" { "At least " (users::MINIMUM_PASSWORD_LENGTH) " characters; a phrase of several unrelated words is easy to remember and hard to guess." }
        @if let Some(error) = error { p class="error" role="alert" { (error) } }
        form method="post" action={ "/invite/" (token) } class="stack" {
            input type="hidden" name="_login" value=(form_token);
            label for="password" { "Password" }
            input id="password" name="password" type="password" autocomplete="new-password" required;
            label for="repeat" { "The same password again" }
            input id="repeat" name="repeat" type="password" autocomplete="new-password" required;
            button type="submit" { "Create my account" }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let cookie = app.cookie(app.login_cookie(), form_token, Some(LOGIN_FORM_SECONDS));
    (
        status,
        [(header::SET_COOKIE, cookie)],
        layout(app, "Your invitation", None, body),
    )
        .into_response()
}

pub async fn invitation_form(
    State(app): State<App>,
    Path(token): Path<String>,
) -> Result<Response, PortalError> {
    let lookup = token.clone();
    let invitation = blocking(&app, move |app| {
        users::open_invitation(&app.ledger()?, &lookup)
    })
    .await?;
    let (email, role, _, _) = invitation.ok_or(PortalError::NotFound)?;
    Ok(invitation_page(
        &app,
        &token,
        &new_token(),
        &email,
        role,
        None,
    ))
}

#[derive(Deserialize)]
pub struct InvitationForm {
    #[serde(rename = "_login", default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

pub async fn accept_invitation(
    State(app): State<App>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<InvitationForm>,
) -> Result<Response, PortalError> {
    pre_session_check(&app, &headers, &form.login)?;
    let lookup = token.clone();
    let invitation = blocking(&app, move |app| {
        users::open_invitation(&app.ledger()?, &lookup)
    })
    .await?;
    let (email, role, _, _) = invitation.ok_or(PortalError::NotFound)?;
    let problem = if form.password != form.repeat {
        Some("The two passwords differ.".to_string())
    } else {
        password_problem(&form.password, &email)
    };
    if let Some(problem) = problem {
        return Ok(invitation_page(
            &app,
            &token,
            &new_token(),
            &email,
            role,
            Some(&problem),
        ));
    }
    let password = form.password;
    let user_id = blocking(&app, move |app| {
        let hash = hash_password(&password);
        users::accept_invitation(&mut app.ledger()?, &token, &hash)
    })
    .await?;
    Ok(signed_in(&app, &headers, user_id))
}

pub async fn account_page(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
) -> Response {
    account_view(&app, &principal, None, None).into_response()
}

fn account_view(
    app: &App,
    principal: &Principal,
    pending_secret: Option<&str>,
    message: Option<&str>,
) -> axum::response::Html<String> {
    let user = &principal.user;
    let body = html! {
        @if let Some(message) = message { p class="notice" role="status" { (message) } }
        dl class="facts" {
            dt { "Email" } dd { (user.email) }
            dt { "Role" } dd { (user.role.name()) }
            @if let Some(payee) = &user.payee { dt { "Payee" } dd { (payee) } }
        }
        @if user.is_label() {
            h2 { "Two-factor sign-in" }
            @if let Some(secret) = pending_secret {
                p { "Add this key to your authenticator app (or open the link on your phone), then type the code it shows." }
                p { code class="secret" { (secret) } }
                p class="muted small" { (totp::otpauth_uri(&app.config.label_name, &user.email, secret)) }
                form method="post" action="/account/totp" class="stack" {
                    (csrf_field(principal))
                    input type="hidden" name="action" value="confirm";
                    input type="hidden" name="secret" value=(secret);
                    label for="code" { "Code" }
                    input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required;
                    button type="submit" { "Turn on" }
                }
            } @else if user.totp {
                p { "On: signing in asks for a code from your authenticator app." }
                form method="post" action="/account/totp" class="stack" {
                    (csrf_field(principal))
                    input type="hidden" name="action" value="disable";
                    label for="code" { "Current code, to turn it off" }
                    input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required;
                    button type="submit" { "Turn off" }
                }
            } @else {
                p { "Off. With it on, signing in also asks for a code from an authenticator app." }
                form method="post" action="/account/totp" {
                    (csrf_field(principal))
                    input type="hidden" name="action" value="start";
                    button type="submit" { "Set up two-factor sign-in" }
                }
            }
        }
    };
    layout(app, "Account", Some(principal), body)
}

#[derive(Deserialize)]
pub struct TotpForm {
    action: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

pub async fn totp(
    State(app): State<App>,
    Extension(principal): Extension<Principal>,
    Form(form): Form<TotpForm>,
) -> Result<Response, PortalError> {
    let user_id = principal.user.id;
    match form.action.as_str() {
        "start" => {
            Ok(account_view(&app, &principal, Some(&totp::new_secret()), None).into_response())
        }
        "confirm" => {
            let Some(step) = totp::accepted_step(&form.secret, &form.code, totp::current_step(), 0)
            else {
                return Ok((
                    StatusCode::UNPROCESSABLE_ENTITY,
                    account_view(
                        &app,
                        &principal,
                        Some(&form.secret),
                        Some("That code does not match: try the next one."),
                    ),
                )
                    .into_response());
            };
            let secret = form.secret;
            blocking(&app, move |app| {
                users::set_totp(&app.ledger()?, user_id, Some(&secret), step as i64)
            })
            .await?;
            let mut principal = principal;
            principal.user.totp = true;
            Ok(
                account_view(&app, &principal, None, Some("Two-factor sign-in is on."))
                    .into_response(),
            )
        }
        "disable" => {
            let code = form.code;
            let done = blocking(&app, move |app| {
                let ledger = app.ledger()?;
                let Some((secret, last)) = users::totp_secret(&ledger, user_id)? else {
                    return Ok(true);
                };
                match totp::accepted_step(&secret, &code, totp::current_step(), last as u64) {
                    Some(_) => users::set_totp(&ledger, user_id, None, 0).map(|()| true),
                    None => Ok(false),
                }
            })
            .await?;
            if !done {
                return Err(PortalError::invalid("that code does not match"));
            }
            let mut principal = principal;
            principal.user.totp = false;
            Ok(
                account_view(&app, &principal, None, Some("Two-factor sign-in is off."))
                    .into_response(),
            )
        }
        _ => Err(PortalError::invalid("unknown action")),
    }
}
