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
    /// The address people reach the portal at (`https://royalties.label.example`), for the
    /// links it hands out (invitations). Without it the request's Host header is used, which
    /// a client can set: set it on any server others reach.
    pub public_url: Option<String>,
}

pub struct AppState {
    pub config: Config,
    pub sessions: Sessions,
    pub limits: LoginLimits,
    /// Figures that read the whole lake (the dashboard, the unmatched queue), kept until the
    /// ledger changes (see [`data_version`]).
    pub memo: Memo,
}

/// Values computed from the ledger and the lake, each stored with the [`data_version`] it was
/// computed at and used only while the version is the same.
#[derive(Default)]
pub struct Memo {
    entries: std::sync::Mutex<std::collections::HashMap<&'static str, MemoEntry>>,
}

/// A value and the data version it was computed at.
type MemoEntry = (String, Arc<dyn std::any::Any + Send + Sync>);

impl Memo {
    /// The value under `name` for `version`, computing it when missing or stale.
    pub fn get_or<T, F>(
        &self,
        name: &'static str,
        version: &str,
        compute: F,
    ) -> Result<Arc<T>, PortalError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Result<T, PortalError>,
    {
        if let Some((stored, value)) = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(name)
        {
            if stored == version {
                if let Ok(value) = value.clone().downcast::<T>() {
                    return Ok(value);
                }
            }
        }
        let value = Arc::new(compute()?);
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name, (version.to_string(), value.clone()));
        Ok(value)
    }
}

/// What the lake-wide figures depend on, read in one query: imports, aliases, the catalog,
/// closed periods and payments. Any change to these changes the version.
pub fn data_version(ledger: &Ledger) -> Result<String, PortalError> {
    Ok(ledger.connection().query_row(
        "SELECT (SELECT coalesce(max(id), 0) || '.' || count(*) FROM imports) || ':' ||
                (SELECT count(*) FROM aliases) || ':' ||
                (SELECT count(*) FROM tracks) || '.' || (SELECT count(*) FROM releases) || ':' ||
                (SELECT count(*) FROM periods WHERE closed_at IS NOT NULL) || ':' ||
                (SELECT coalesce(max(id), 0) FROM payments)",
        [],
        |row| row.get(0),
    )?)
}

pub type App = Arc<AppState>;

impl AppState {
    pub fn new(config: Config) -> App {
        Arc::new(AppState {
            config,
            sessions: Sessions::default(),
            limits: LoginLimits::default(),
            memo: Memo::default(),
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
