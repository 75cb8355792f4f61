//! The portal and the JSON API: `ledgerline serve`.
//!
//! Server-rendered pages (no JavaScript build step; the reading pages work without
//! JavaScript) and a JSON API over the same data, on axum. Every route is declared once in
//! [`routes::ROUTES`] with who may use it; the router, the access checks, the OpenAPI document
//! and the access-control tests are made from that table.
//!
//! Security (docs/portal.md): Argon2id passwords, common ones refused; login attempts limited
//! per account and per address; sessions in memory with their id rotated at sign-in, idle and
//! absolute timeouts and a logout that ends them on the server; `__Host-` cookies, Secure,
//! HttpOnly, SameSite=Strict; a CSRF token on every state-changing request and cross-site
//! requests refused; HSTS, CSP, nosniff and frame-ancestors on every response; optional TOTP for
//! label users; errors never show internals.

pub mod account;
pub mod api;
pub mod data;
pub mod error;
pub mod label;
pub mod pages;
pub mod payee;
pub mod routes;
pub mod session;
pub mod state;
pub mod totp;
pub mod users;

use std::net::SocketAddr;

pub use error::PortalError;
pub use routes::{router, Access, RouteSpec, ROUTES};
pub use state::{App, AppState, Config};

/// Serves the portal on `bind` until the process is stopped (Ctrl-C).
pub async fn serve(config: Config, bind: SocketAddr) -> std::io::Result<()> {
    let app = AppState::new(config);
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Serves on `bind` from a plain thread: builds the runtime (two workers; the ledger work runs
/// on the blocking pool).
pub fn serve_blocking(config: Config, bind: SocketAddr) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(serve(config, bind))
}
