//! The portal and the API, handler by handler without a socket: sessions, CSRF, rate limits,
//! headers, the access-control matrix made from the route table, and the label's flows. The
//! home is the demo's (built once by the real binary, `demo --no-serve`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::{json, ledgerline, stderr};
use http_body_util::BodyExt;
use ledgerline_server::users::{self, NewUser, Role};
use ledgerline_server::{router, AppState, Config, ROUTES};
use tower::ServiceExt;

struct Demo {
    _folder: tempfile::TempDir,
    home: PathBuf,
    report: serde_json::Value,
}

fn make_demo() -> Demo {
    let folder = tempfile::tempdir().unwrap();
    let home = folder.path().join("home");
    let output = ledgerline(&home, &["--json", "demo", "--no-serve"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = json(&output);
    Demo {
        _folder: folder,
        home,
        report,
    }
}

/// One demo home for the tests that only read.
fn shared() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(make_demo)
}

fn app_for(home: &Path, insecure_http: bool) -> (ledgerline_server::App, Router) {
    let app = AppState::new(Config {
        home: home.to_path_buf(),
        insecure_http,
        label_name: "Test label".to_string(),
        public_url: None,
    });
    let router = router(app.clone());
    (app, router)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|value| value.to_str().unwrap().to_string())
            .collect()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|cookie| {
            cookie
                .strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap().to_string())
        })
    }
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(uri).header(header::HOST, "portal.test");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::empty()).unwrap()
}

fn post_form(uri: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Request<Body> {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let mut builder = Request::post(uri)
        .header(header::HOST, "portal.test")
        .header(header::ORIGIN, "https://portal.test")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    builder.body(Body::from(body)).unwrap()
}

/// The value of a hidden field in a page.
fn field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// Signs in through the real form; returns the session cookie ("name=value").
async fn sign_in(router: &Router, login_cookie: &str, email: &str, password: &str) -> Reply {
    sign_in_with_code(router, login_cookie, email, password, "").await
}

/// Signs in with a two-factor code.
async fn sign_in_with_code(
    router: &Router,
    login_cookie: &str,
    email: &str,
    password: &str,
    code: &str,
) -> Reply {
    let form = send(router, get("/login", None)).await;
    assert_eq!(form.status, StatusCode::OK);
    let token = field(&form.text(), "_login");
    let login = form.cookie(login_cookie).unwrap();
    send(
        router,
        post_form(
            "/login",
            Some(&format!("{login_cookie}={login}")),
            &[
                ("_login", &token),
                ("email", email),
                ("password", password),
                ("code", code),
            ],
        ),
    )
    .await
}

fn logins(report: &serde_json::Value) -> Vec<(String, String, Option<String>)> {
    report["logins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|login| {
            (
                login["email"].as_str().unwrap().to_string(),
                login["password"].as_str().unwrap().to_string(),
                login["payee"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn session_for(app: &ledgerline_server::App, email: &str) -> (String, String) {
    let ledger = app.ledger().unwrap();
    let (user, _) = users::user_by_email(&ledger, email).unwrap().unwrap();
    let token = app.sessions.start(user.id);
    let csrf = app.sessions.get(&token).unwrap().csrf;
    (format!("{}={token}", app.session_cookie()), csrf)
}

#[test]
fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    let demo = shared();
    let (app, router) = app_for(&demo.home, false);
    let (email, password, payee) = logins(&demo.report)
        .into_iter()
        .find(|login| login.2.is_some())
        .unwrap();
    runtime().block_on(async {
        // A session the browser already had (say, planted by someone else) is not kept.
        let (planted, _) = session_for(&app, &email);
        let form = send(&router, get("/login", None)).await;
        let token = field(&form.text(), "_login");
        let login_cookie = form.cookie("__Host-ledgerline-login").unwrap();
        let reply = send(
            &router,
            post_form(
                "/login",
                Some(&format!(
                    "__Host-ledgerline-login={login_cookie}; {planted}"
                )),
                &[
                    ("_login", &token),
                    ("email", &email),
                    ("password", &password),
                ],
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        let session_cookie = reply
            .set_cookies()
            .into_iter()
            .find(|cookie| cookie.starts_with("__Host-ledgerline="))
            .unwrap();
        for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(
                session_cookie.contains(attribute),
                "{attribute} missing: {session_cookie}"
            );
        }
        assert!(!session_cookie.contains("Domain"), "{session_cookie}");
        let session = format!(
            "__Host-ledgerline={}",
            reply.cookie("__Host-ledgerline").unwrap()
        );
        assert_ne!(session, planted, "a new session id at sign-in");
        let old = send(&router, get("/", Some(&planted))).await;
        assert_eq!(
            old.headers.get(header::LOCATION).unwrap(),
            "/login",
            "the planted session ended"
        );

        let home = send(&router, get("/", Some(&session))).await;
        let own = format!("/payees/{}", payee.unwrap());
        assert_eq!(
            home.headers
                .get(header::LOCATION)
                .unwrap()
                .to_str()
                .unwrap(),
            own
        );
        let page = send(&router, get(&own, Some(&session))).await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = field(&page.text(), "_csrf");

        let out = send(
            &router,
            post_form("/logout", Some(&session), &[("_csrf", &csrf)]),
        )
        .await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(out.set_cookies().iter().any(
            |cookie| cookie.starts_with("__Host-ledgerline=;") && cookie.contains("Max-Age=0")
        ));
        let after = send(&router, get(&own, Some(&session))).await;
        assert_eq!(
            after.headers.get(header::LOCATION).unwrap(),
            "/login",
            "the old cookie opens nothing after logout"
        );
    });
}

#[test]
fn sessions_end_after_the_idle_and_the_absolute_timeouts() {
    let demo = shared();
    let (app, router) = app_for(&demo.home, false);
    let (email, _, payee) = logins(&demo.report)
        .into_iter()
        .find(|login| login.2.is_some())
        .unwrap();
    let own = format!("/payees/{}", payee.unwrap());
    runtime().block_on(async {
        let (idle, _) = session_for(&app, &email);
        assert_eq!(
            send(&router, get(&own, Some(&idle))).await.status,
            StatusCode::OK
        );
        app.sessions
            .age_all(ledgerline_server::session::IDLE_SECONDS + 1);
        assert_eq!(
            send(&router, get(&own, Some(&idle))).await.status,
            StatusCode::SEE_OTHER,
            "idle timeout"
        );

        // Active every few minutes, but past the absolute limit.
        let (busy, _) = session_for(&app, &email);
        let steps = ledgerline_server::session::ABSOLUTE_SECONDS / 600 + 1;
        let mut last = StatusCode::OK;
        for _ in 0..steps {
            app.sessions.age_all(600);
            last = send(&router, get(&own, Some(&busy))).await.status;
            if last != StatusCode::OK {
                break;
            }
        }
        assert_eq!(last, StatusCode::SEE_OTHER, "absolute timeout");
    });
}

#[test]
fn wrong_passwords_are_limited_per_account_and_per_address() {
    let demo = shared();
    let (_, router) = app_for(&demo.home, false);
    let (email, password, _) = logins(&demo.report)
        .into_iter()
        .find(|login| login.2.is_some())
        .unwrap();
    runtime().block_on(async {
        for attempt in 0..ledgerline_server::session::ACCOUNT_FAILURES {
            let reply = sign_in(
                &router,
                "__Host-ledgerline-login",
                &email,
                "wrong password entirely",
            )
            .await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
            assert!(
                reply.text().contains("wrong"),
                "the same message for every failure"
            );
        }
        let blocked = sign_in(&router, "__Host-ledgerline-login", &email, &password).await;
        assert_eq!(
            blocked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits: {}",
            blocked.text()
        );

        // Per address: many accounts tried from one address (the tests have no socket: one
        // address for all).
        let mut statuses = Vec::new();
        for index in 0..ledgerline_server::session::ADDRESS_FAILURES + 1 {
            statuses.push(
                sign_in(
                    &router,
                    "__Host-ledgerline-login",
                    &format!("nobody{index}@example.com"),
                    "wrong password entirely",
                )
                .await
                .status,
            );
        }
        assert_eq!(
            statuses.last(),
            Some(&StatusCode::TOO_MANY_REQUESTS),
            "{statuses:?}"
        );
    });
}

#[test]
fn passwords_are_argon2id_and_common_ones_are_refused() {
    for common in [
        "password123",
        "Password1!",
        "qwertyuiop",
        "iloveyou123",
        "letmein2024",
        "abcdefghij",
    ] {
        assert!(
            users::password_problem(common, "someone@example.com").is_some(),
            "{common} accepted"
        );
    }
    assert!(users::password_problem("short", "a@b.example").is_some());
    assert!(
        users::password_problem("someone@example.com", "someone@example.com").is_some(),
        "the email itself"
    );
    assert!(users::password_problem("violet tractor ninety lagoon", "a@b.example").is_none());
    let hash = users::hash_password("violet tractor ninety lagoon");
    assert!(
        hash.starts_with(&format!(
            "$argon2id$v=19$m={},t={},p=1$",
            users::ARGON2_MEMORY_KIB,
            users::ARGON2_ITERATIONS
        )),
        "{hash}"
    );
    const { assert!(users::ARGON2_MEMORY_KIB >= 19 * 1024 && users::ARGON2_ITERATIONS >= 2) };
    assert!(users::verify_password(
        "violet tractor ninety lagoon",
        &hash
    ));
    assert!(!users::verify_password(
        "violet tractor ninety lagoons",
        &hash
    ));
}

/// A path of the route table with its parameters filled in.
fn fill(path: &str, payee: &str, period: &str) -> String {
    path.replace("{payee}", payee)
        .replace("{period}", period)
        .replace("{format}", "pdf")
        .replace("{token}", "not-a-token")
        .replace("{contract}", "C001")
}

#[test]
fn every_response_carries_the_security_headers_and_every_state_change_refuses_cross_site_requests()
{
    let demo = shared();
    let (app, router) = app_for(&demo.home, false);
    let (payee_email, _, payee) = logins(&demo.report)
        .into_iter()
        .find(|login| login.2.is_some())
        .unwrap();
    let payee = payee.unwrap();
    runtime().block_on(async {
        let (admin, admin_csrf) = session_for(&app, "admin@label.example");
        let (payee_session, _) = session_for(&app, &payee_email);
        let mut checked = 0;
        for spec in ROUTES {
            let uri = fill(spec.path, &payee, "2026-H1");
            for cookie in [None, Some(admin.as_str()), Some(payee_session.as_str())] {
                let request = if spec.method == "GET" {
                    get(&uri, cookie)
                } else {
                    post_form(&uri, cookie, &[])
                };
                let reply = send(&router, request).await;
                let headers = &reply.headers;
                assert!(
                    headers
                        .get("strict-transport-security")
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .contains("max-age="),
                    "{uri}"
                );
                let csp = headers
                    .get("content-security-policy")
                    .unwrap()
                    .to_str()
                    .unwrap();
                assert!(
                    csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
                    "{uri}: {csp}"
                );
                assert_eq!(
                    headers.get("x-content-type-options").unwrap(),
                    "nosniff",
                    "{uri}"
                );
                assert_eq!(headers.get("x-frame-options").unwrap(), "DENY", "{uri}");
                let text = reply.text();
                for internal in ["rusqlite", "panicked", "SQLITE", "thread '", "src/"] {
                    assert!(!text.contains(internal), "{uri} shows internals: {text}");
                }
                checked += 1;
            }
            if spec.method == "POST" && spec.access != ledgerline_server::Access::Public {
                // Without the token, from another site, or with another origin: refused.
                let missing = send(&router, post_form(&uri, Some(&admin), &[])).await;
                assert_eq!(
                    missing.status,
                    StatusCode::FORBIDDEN,
                    "{uri} without a CSRF token: {}",
                    missing.text()
                );
                let mut cross = post_form(&uri, Some(&admin), &[("_csrf", &admin_csrf)]);
                cross
                    .headers_mut()
                    .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
                cross
                    .headers_mut()
                    .insert("sec-fetch-site", "cross-site".parse().unwrap());
                assert_eq!(
                    send(&router, cross).await.status,
                    StatusCode::FORBIDDEN,
                    "{uri} cross-site"
                );
                let mut other_origin = post_form(&uri, Some(&admin), &[("_csrf", &admin_csrf)]);
                other_origin.headers_mut().remove("sec-fetch-site");
                other_origin
                    .headers_mut()
                    .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
                assert_eq!(
                    send(&router, other_origin).await.status,
                    StatusCode::FORBIDDEN,
                    "{uri} other origin"
                );
                let mut wrong = post_form(&uri, Some(&admin), &[("_csrf", "not-the-token")]);
                wrong.headers_mut().insert(
                    header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded".parse().unwrap(),
                );
                assert_eq!(
                    send(&router, wrong).await.status,
                    StatusCode::FORBIDDEN,
                    "{uri} wrong token"
                );
            }
            if spec.method == "POST" && spec.access == ledgerline_server::Access::Public {
                // Forms before a session: the double-submit cookie is required.
                let reply = send(
                    &router,
                    post_form(
                        &uri,
                        None,
                        &[
                            ("_login", "forged"),
                            ("email", "admin@label.example"),
                            ("password", "x"),
                        ],
                    ),
                )
                .await;
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
            }
        }
        assert!(checked >= ROUTES.len() * 3);
        // Unknown paths too.
        let missing = send(&router, get("/no/such/page", None)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.headers.get("content-security-policy").is_some());
    });
}

/// Every payee route × every pair of payees (A asks for B's), and label staff without a grant:
/// none succeeds.
#[test]
fn the_access_control_matrix_lets_no_one_see_another_payees_documents() {
    let demo = shared();
    let (app, router) = app_for(&demo.home, false);
    let ledger = app.ledger().unwrap();
    let parties: Vec<String> = {
        let mut query = ledger
            .connection()
            .prepare("SELECT id FROM parties ORDER BY id")
            .unwrap();
        query
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let periods: Vec<String> = {
        let mut query = ledger
            .connection()
            .prepare("SELECT DISTINCT period FROM statements")
            .unwrap();
        query
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(
        parties.len() >= 20 && !periods.is_empty(),
        "{} parties",
        parties.len()
    );
    // A payee user for every party (sessions made directly: the matrix is about access, the
    // sign-in is tested above), and staff granted one payee only.
    let mut attackers: Vec<(String, Vec<String>)> = Vec::new();
    let hash = users::hash_password("matrix password that nobody guesses");
    let mut writable = app.ledger().unwrap();
    for party in &parties {
        let email = format!("matrix-{}@example.com", party.to_lowercase());
        if users::user_by_email(&writable, &email).unwrap().is_none() {
            users::add_user(
                &mut writable,
                &NewUser {
                    email: &email,
                    role: Role::Payee,
                    payee: Some(party),
                    all_payees: false,
                    grants: &[],
                },
                &hash,
            )
            .unwrap();
        }
        attackers.push((email, vec![party.clone()]));
    }
    for (index, party) in parties.iter().take(3).enumerate() {
        let email = format!("matrix-staff-{index}@example.com");
        if users::user_by_email(&writable, &email).unwrap().is_none() {
            users::add_user(
                &mut writable,
                &NewUser {
                    email: &email,
                    role: Role::Staff,
                    payee: None,
                    all_payees: false,
                    grants: std::slice::from_ref(party),
                },
                &hash,
            )
            .unwrap();
        }
        attackers.push((email, vec![party.clone()]));
    }
    let payee_routes: Vec<_> = ROUTES
        .iter()
        .filter(|spec| spec.path.contains("{payee}"))
        .collect();
    assert!(
        payee_routes.len() >= 8,
        "statements, documents, lines and downloads"
    );
    let formats = ["html", "pdf", "csv", "xlsx", "json"];
    let mut tried = 0usize;
    let mut own_ok = 0usize;
    runtime().block_on(async {
        for (email, own) in &attackers {
            let (session, _) = session_for(&app, email);
            for victim in &parties {
                let allowed = own.contains(victim);
                for spec in &payee_routes {
                    for period in periods
                        .iter()
                        .map(String::as_str)
                        .chain(["2026-H2", "2026"])
                    {
                        let variants: Vec<String> = if spec.path.contains("{format}") {
                            formats
                                .iter()
                                .map(|format| {
                                    fill(spec.path, victim, period)
                                        .replace("/pdf", &format!("/{format}"))
                                })
                                .collect()
                        } else if spec.path.ends_with("/lines") {
                            vec![
                                fill(spec.path, victim, period),
                                format!("{}?service=Spotify", fill(spec.path, victim, period)),
                            ]
                        } else {
                            vec![fill(spec.path, victim, period)]
                        };
                        for uri in variants {
                            if allowed {
                                continue;
                            }
                            let reply = send(&router, get(&uri, Some(&session))).await;
                            assert_eq!(
                                reply.status,
                                StatusCode::NOT_FOUND,
                                "{email} got {uri}: {}",
                                reply.status
                            );
                            assert!(
                                !reply.text().contains(victim.as_str())
                                    || reply.text().len() < 4096,
                                "{uri} leaks"
                            );
                            tried += 1;
                        }
                    }
                }
            }
            // And their own pages open (at least the list).
            let own_page = send(&router, get(&format!("/payees/{}", own[0]), Some(&session))).await;
            if own_page.status == StatusCode::OK {
                own_ok += 1;
            }
        }
    });
    assert!(tried >= 10_000, "only {tried} requests");
    assert_eq!(
        own_ok,
        attackers.len(),
        "every user can open their own list"
    );
    eprintln!("access-control matrix: {tried} unauthorised requests, none succeeded");
}

#[test]
fn a_payee_opens_a_statement_drills_down_to_report_lines_and_downloads_every_format() {
    let demo = shared();
    let (app, router) = app_for(&demo.home, false);
    let (email, _, payee) = logins(&demo.report)
        .into_iter()
        .find(|login| login.2.is_some())
        .unwrap();
    let payee = payee.unwrap();
    runtime().block_on(async {
        let (session, _) = session_for(&app, &email);
        let list = send(&router, get(&format!("/payees/{payee}"), Some(&session))).await;
        assert!(list.text().contains("2026-H1"));
        let base = format!("/payees/{payee}/statements/2026-H1");
        let page = send(&router, get(&base, Some(&session))).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(
            text.contains("<svg") && text.contains("Closing balance") && text.contains("SHA-256"),
            "{text}"
        );
        // service → territory → track → report lines
        let level = send(&router, get(&format!("{base}/lines"), Some(&session)))
            .await
            .text();
        let service = first_link_value(&level, "service=");
        let level = send(
            &router,
            get(&format!("{base}/lines?service={service}"), Some(&session)),
        )
        .await
        .text();
        let territory = first_link_value(&level, "territory=");
        let level = send(
            &router,
            get(
                &format!("{base}/lines?service={service}&territory={territory}"),
                Some(&session),
            ),
        )
        .await
        .text();
        let track = first_link_value(&level, "track=");
        let deepest = send(
            &router,
            get(
                &format!("{base}/lines?service={service}&territory={territory}&track={track}"),
                Some(&session),
            ),
        )
        .await;
        assert_eq!(deepest.status, StatusCode::OK);
        assert!(
            deepest.text().contains("The report lines behind it"),
            "{}",
            deepest.text()
        );
        for format in ["html", "pdf", "csv", "xlsx", "json"] {
            let file = send(
                &router,
                get(&format!("{base}/download/{format}"), Some(&session)),
            )
            .await;
            assert_eq!(file.status, StatusCode::OK, "{format}");
            assert!(file
                .headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("attachment"));
            if format == "pdf" {
                assert!(file.body.starts_with(b"%PDF-"));
            }
            // What was downloaded verifies.
            let ledger = app.ledger().unwrap();
            assert!(
                ledgerline_run::verify_statement_file(&ledger, &file.body)
                    .unwrap()
                    .matches(),
                "{format}"
            );
        }
        // The API says the same.
        let api = send(
            &router,
            get(
                &format!("/api/v1/payees/{payee}/statements"),
                Some(&session),
            ),
        )
        .await;
        assert_eq!(api.status, StatusCode::OK);
        assert!(api.text().contains("2026-H1"));
        // But not the label's pages.
        assert_eq!(
            send(&router, get("/label", Some(&session))).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            send(&router, get("/api/v1/dashboard", Some(&session)))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    });
}

/// The value after `key` in the first drill-down link of a page (the deepest key of the link).
fn first_link_value(page: &str, key: &str) -> String {
    let start = page.find("lines?").expect("a drill-down link");
    let rest = &page[start..];
    let at = rest
        .find(key)
        .unwrap_or_else(|| panic!("no {key} in {rest}"))
        + key.len();
    rest[at..]
        .split(['&', '"'])
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

fn multipart(csrf: &str, file_name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "ledgerline-test-boundary-7d0a1c";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn the_label_uploads_a_report_resolves_an_identifier_runs_and_closes_a_period() {
    let demo = make_demo();
    let (app, router) = app_for(&demo.home, false);
    let inbox = PathBuf::from(demo.report["inbox"].as_str().unwrap());
    let mut fuga: Vec<PathBuf> = std::fs::read_dir(inbox.join("reports/fuga"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    fuga.sort();
    let file_name = fuga[0].file_name().unwrap().to_string_lossy().into_owned();
    let original = std::fs::read(&fuga[0]).unwrap();
    runtime().block_on(async {
        let (session, csrf) = session_for(&app, "admin@label.example");
        let dashboard = send(&router, get("/label", Some(&session))).await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert!(dashboard.text().contains("Receipts by month and source"));
        // One receipts chart per currency reported in (the demo label's reports come in
        // several), never one currency standing for all.
        for currency in ["EUR", "USD"] {
            assert!(
                dashboard.text().contains(&format!("Net receipts by month in {currency}, all sources")),
                "a {currency} chart"
            );
        }

        // Upload the same report: already imported, nothing changes.
        let (content_type, body) = multipart(&csrf, &file_name, &original);
        let request = Request::post("/label/imports")
            .header(header::HOST, "portal.test")
            .header(header::ORIGIN, "https://portal.test")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert!(
            reply.text().contains("already imported"),
            "{}",
            reply.text()
        );

        // A multipart upload without the token first is refused.
        let (content_type, body) = multipart("forged", &file_name, &original);
        let request = Request::post("/label/imports")
            .header(header::HOST, "portal.test")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        assert_eq!(send(&router, request).await.status, StatusCode::FORBIDDEN);

        // A bad file gets its clear error and stores nothing.
        let before = send(&router, get("/api/v1/imports", Some(&session)))
            .await
            .text();
        let (content_type, body) = multipart(&csrf, "garbage.csv", b"\x00\x01\x02 not a report");
        let request = Request::post("/label/imports")
            .header(header::HOST, "portal.test")
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text()
        );
        assert!(reply.text().contains("garbage.csv"), "{}", reply.text());
        assert_eq!(
            send(&router, get("/api/v1/imports", Some(&session)))
                .await
                .text(),
            before
        );

        // Resolve the largest unmatched identifier to a catalog track.
        let unmatched: serde_json::Value = serde_json::from_slice(
            &send(&router, get("/api/v1/unmatched", Some(&session)))
                .await
                .body,
        )
        .unwrap();
        let group = unmatched["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|group| !group["identifier"].as_str().unwrap().is_empty())
            .expect("the demo has unmatched lines");
        let identifier = group["identifier"].as_str().unwrap().to_string();
        let ledger = app.ledger().unwrap();
        let isrc: String = ledger
            .connection()
            .query_row(
                "SELECT isrc FROM tracks WHERE isrc IS NOT NULL ORDER BY id LIMIT 1",
                [],
                |row| row.get(0),
            )
            .unwrap();
        // A mistyped target says what is wrong with it, as the CLI does.
        let typo = &isrc[..11];
        let reply = send(
            &router,
            post_form(
                "/label/unmatched",
                Some(&session),
                &[("_csrf", &csrf), ("identifier", &identifier), ("target", typo)],
            ),
        )
        .await;
        assert!(
            reply.text().contains(&format!("not an ISRC: ISRC &quot;{typo}&quot; has 11 characters; an ISRC has 12")),
            "{}",
            reply.text()
        );
        let reply = send(
            &router,
            post_form(
                "/label/unmatched",
                Some(&session),
                &[
                    ("_csrf", &csrf),
                    ("identifier", &identifier),
                    ("target", &isrc),
                ],
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert!(reply.text().contains("lines now match"), "{}", reply.text());

        // Preview the next period, then close it.
        let preview = send(
            &router,
            get("/label/periods/preview?period=2026-H2", Some(&session)),
        )
        .await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
        assert!(preview.text().contains("Money is conserved") && preview.text().contains("draft"));
        // The alias just made changes the issued 2026-H1: its difference is an adjustment, in
        // the "Other" column, so each row adds up from its opening to its closing balance.
        for column in ["Opening balance", "Earnings", "Charges", "Other", "Closing balance"] {
            assert!(preview.text().contains(&format!(">{column}</th>")), "{column}");
        }
        let closed = send(
            &router,
            post_form(
                "/label/periods/2026-H2/close",
                Some(&session),
                &[("_csrf", &csrf)],
            ),
        )
        .await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.text());
        assert!(closed.text().contains("is closed"), "{}", closed.text());
        let again = send(
            &router,
            post_form(
                "/label/periods/2026-H2/close",
                Some(&session),
                &[("_csrf", &csrf)],
            ),
        )
        .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "closed is closed"
        );
    });
    let check = ledgerline(&demo.home, &["--json", "check"]);
    assert!(check.status.success());
}

#[test]
fn invitations_work_once_and_api_tokens_are_for_label_users() {
    let demo = make_demo();
    let (app, router) = app_for(&demo.home, false);
    runtime().block_on(async {
        let (session, csrf) = session_for(&app, "admin@label.example");
        let reply = send(
            &router,
            post_form(
                "/label/invitations",
                Some(&session),
                &[
                    ("_csrf", &csrf),
                    ("email", "new.artist@example.com"),
                    ("role", "payee"),
                    ("payee", "P001"),
                ],
            ),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let text = reply.text();
        assert!(
            text.contains("https://portal.test/invite/"),
            "the link names the host asked: {text}"
        );
        let start = text.find("/invite/").unwrap() + "/invite/".len();
        let token: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let form = send(&router, get(&format!("/invite/{token}"), None)).await;
        assert_eq!(form.status, StatusCode::OK);
        let form_token = field(&form.text(), "_login");
        let cookie = format!(
            "__Host-ledgerline-login={}",
            form.cookie("__Host-ledgerline-login").unwrap()
        );
        let weak = send(
            &router,
            post_form(
                &format!("/invite/{token}"),
                Some(&cookie),
                &[
                    ("_login", &form_token),
                    ("password", "password123"),
                    ("repeat", "password123"),
                ],
            ),
        )
        .await;
        assert_eq!(
            weak.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a common password is refused"
        );
        let strong = "orchid basalt fifteen kettles";
        let accepted = send(
            &router,
            post_form(
                &format!("/invite/{token}"),
                Some(&cookie),
                &[
                    ("_login", &form_token),
                    ("password", strong),
                    ("repeat", strong),
                ],
            ),
        )
        .await;
        assert_eq!(
            accepted.status,
            StatusCode::SEE_OTHER,
            "{}",
            accepted.text()
        );
        let reused = send(&router, get(&format!("/invite/{token}"), None)).await;
        assert_eq!(
            reused.status,
            StatusCode::NOT_FOUND,
            "an invitation works once"
        );
        let signed = sign_in(
            &router,
            "__Host-ledgerline-login",
            "new.artist@example.com",
            strong,
        )
        .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER);

        // API tokens: a label admin's works on the API, not on pages.
        let ledger = app.ledger().unwrap();
        let (admin, _) = users::user_by_email(&ledger, "admin@label.example")
            .unwrap()
            .unwrap();
        let token = users::create_api_token(&ledger, admin.id, "test").unwrap();
        let bearer = |uri: &str| {
            Request::get(uri)
                .header(header::HOST, "portal.test")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let dashboard = send(&router, bearer("/api/v1/dashboard")).await;
        assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text());
        assert!(dashboard.text().contains("receipts"));
        assert_eq!(
            send(&router, bearer("/label")).await.status,
            StatusCode::SEE_OTHER,
            "tokens do not open pages"
        );
        let forged = Request::get("/api/v1/dashboard")
            .header(header::AUTHORIZATION, "Bearer llk_forged")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&router, forged).await.status, StatusCode::UNAUTHORIZED);
        // The OpenAPI document lists every API route.
        let document: serde_json::Value =
            serde_json::from_slice(&send(&router, get("/api/openapi.json", None)).await.body)
                .unwrap();
        for spec in ROUTES
            .iter()
            .filter(|spec| spec.path.starts_with("/api/v1/"))
        {
            assert!(
                document["paths"][spec.path][spec.method.to_lowercase()].is_object(),
                "{} {}",
                spec.method,
                spec.path
            );
        }
    });
}

#[test]
fn plain_http_is_only_for_loopback_development() {
    let demo = shared();
    let refused = ledgerline(
        &demo.home,
        &["serve", "--bind", "0.0.0.0:0", "--insecure-http"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("loopback"),
        "{}",
        stderr(&refused)
    );
    let (_, router) = app_for(&demo.home, true);
    runtime().block_on(async {
        let form = send(&router, get("/login", None)).await;
        let cookie = form.set_cookies().join("\n");
        assert!(
            cookie.starts_with("ledgerline-dev-login=") && !cookie.contains("Secure"),
            "{cookie}"
        );
    });
}

#[test]
fn label_users_can_turn_on_two_factor_sign_in_and_then_need_the_code() {
    use ledgerline_server::totp;
    let demo = make_demo();
    let (app, router) = app_for(&demo.home, false);
    let (email, password, _) = logins(&demo.report)
        .into_iter()
        .find(|login| login.2.is_none())
        .unwrap();
    runtime().block_on(async {
        let (session, csrf) = session_for(&app, &email);
        let started = send(
            &router,
            post_form(
                "/account/totp",
                Some(&session),
                &[("_csrf", &csrf), ("action", "start")],
            ),
        )
        .await;
        assert_eq!(started.status, StatusCode::OK);
        let secret = field(&started.text(), "secret");
        let bytes = totp::base32_decode(&secret).unwrap();
        let code = |step: u64| format!("{:06}", totp::code_at(&bytes, step));
        let wrong = send(
            &router,
            post_form(
                "/account/totp",
                Some(&session),
                &[
                    ("_csrf", &csrf),
                    ("action", "confirm"),
                    ("secret", &secret),
                    ("code", "000000"),
                ],
            ),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        let now = totp::current_step();
        let confirmed = send(
            &router,
            post_form(
                "/account/totp",
                Some(&session),
                &[
                    ("_csrf", &csrf),
                    ("action", "confirm"),
                    ("secret", &secret),
                    ("code", &code(now)),
                ],
            ),
        )
        .await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
        assert!(confirmed.text().contains("Two-factor sign-in is on"));

        // The password alone no longer signs in; with the next code it does, once.
        let without = sign_in(&router, "__Host-ledgerline-login", &email, &password).await;
        assert_eq!(without.status, StatusCode::UNAUTHORIZED);
        let login = "__Host-ledgerline-login";
        assert_eq!(
            sign_in_with_code(&router, login, &email, &password, &code(now + 1))
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            sign_in_with_code(&router, login, &email, &password, &code(now + 1))
                .await
                .status,
            StatusCode::UNAUTHORIZED,
            "a code is accepted once"
        );
    });
}

#[test]
fn invitation_links_use_the_public_url_when_one_is_set() {
    let demo = make_demo();
    let app = AppState::new(Config {
        home: demo.home.clone(),
        insecure_http: false,
        label_name: "Test label".to_string(),
        public_url: Some("https://royalties.label.example/".to_string()),
    });
    let router = router(app.clone());
    runtime().block_on(async {
        let (session, csrf) = session_for(&app, "admin@label.example");
        let mut request = post_form(
            "/label/invitations",
            Some(&session),
            &[
                ("_csrf", &csrf),
                ("email", "someone@example.com"),
                ("role", "staff"),
                ("payee", ""),
            ],
        );
        request
            .headers_mut()
            .insert(header::HOST, "attacker.example".parse().unwrap());
        request
            .headers_mut()
            .insert(header::ORIGIN, "https://attacker.example".parse().unwrap());
        let reply = send(&router, request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert!(
            reply
                .text()
                .contains("https://royalties.label.example/invite/"),
            "{}",
            reply.text()
        );
        assert!(!reply.text().contains("attacker.example/invite"));
    });
}
