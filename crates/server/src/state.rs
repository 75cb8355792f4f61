//! What every request shares: where the home is, the sessions, the login limits.

use std::path::PathBuf;
use std::sync::Arc;

use ledgerline_store::Ledger;

use crate::error::PortalError;
use crate::session::{
    LoginLimits, Sessions, DEV_LOGIN_COOKIE, DEV_SESSION_COOKIE, LOGIN_COOKIE, SESSION_COOKIE,
};

/// How the server is run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The Ledgerline home (ledger.db and lake/).
    pub home: PathBuf,
    /// Plain-HTTP development on loopback: cookies without `Secure` (and so without the
    /// `__Host-` prefix, which requires it). Never for a server others reach.
    pub insecure_http: bool,
    /// The label's name, shown in the header.
    pub label_name: String,
}

pub struct AppState {
    pub config: Config,
    pub sessions: Sessions,
    pub limits: LoginLimits,
}

pub type App = Arc<AppState>;

impl AppState {
    pub fn new(config: Config) -> App {
        Arc::new(AppState {
            config,
            sessions: Sessions::default(),
            limits: LoginLimits::default(),
        })
    }

    pub fn lake_root(&self) -> PathBuf {
        self.config.home.join("lake")
    }

    /// A connection to the ledger for one request. SQLite opens in well under a millisecond;
    /// with WAL, readers never wait for the writer.
    pub fn ledger(&self) -> Result<Ledger, PortalError> {
        Ok(Ledger::open(
            &self.config.home.join(ledgerline_store::LEDGER_FILE_NAME),
        )?)
    }

    pub fn session_cookie(&self) -> &'static str {
        if self.config.insecure_http {
            DEV_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    pub fn login_cookie(&self) -> &'static str {
        if self.config.insecure_http {
            DEV_LOGIN_COOKIE
        } else {
            LOGIN_COOKIE
        }
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure unless developing over
    /// plain HTTP.
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<u64>) -> String {
        let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
        if !self.config.insecure_http {
            cookie.push_str("; Secure");
        }
        if let Some(seconds) = max_age {
            cookie.push_str(&format!("; Max-Age={seconds}"));
        }
        cookie
    }

    pub fn expired_cookie(&self, name: &str) -> String {
        self.cookie(name, "", Some(0))
    }
}

/// Runs blocking ledger work off the async workers.
pub async fn blocking<T, F>(app: &App, work: F) -> Result<T, PortalError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, PortalError> + Send + 'static,
{
    let app = app.clone();
    tokio::task::spawn_blocking(move || work(&app)).await?
}
