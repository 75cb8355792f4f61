//! Sessions, their cookie, CSRF tokens and the login rate limits.
//!
//! A session is a random 32-byte token in a cookie; the server keeps only its SHA-256, the user
//! and the session's CSRF token, in memory: restarting the server signs everyone out, which is
//! the safe direction. A session ends after [`IDLE_SECONDS`] without a request, after
//! [`ABSOLUTE_SECONDS`] whatever happens, and at logout, when it is removed on the server (the
//! old cookie then opens nothing). Signing in always starts a new session (the id rotates).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use subtle::ConstantTimeEq;

use crate::users::{new_token, token_hash};

/// A session ends after this long without a request.
pub const IDLE_SECONDS: u64 = 30 * 60;
/// And after this long in any case.
pub const ABSOLUTE_SECONDS: u64 = 12 * 3600;
/// Failed logins allowed per account, and per client address, in [`LIMIT_WINDOW_SECONDS`].
pub const ACCOUNT_FAILURES: usize = 5;
pub const ADDRESS_FAILURES: usize = 20;
pub const LIMIT_WINDOW_SECONDS: u64 = 15 * 60;
/// How many accounts and addresses with failures are kept before old ones are dropped.
const PRUNE_AT: usize = 100_000;

/// Cookie names. `__Host-` makes the browser insist on Secure, Path=/ and no Domain, so no other
/// host (a sibling subdomain) can set or read it.
pub const SESSION_COOKIE: &str = "__Host-ledgerline";
pub const LOGIN_COOKIE: &str = "__Host-ledgerline-login";
/// The names used for plain-HTTP loopback development, where browsers refuse `__Host-`.
pub const DEV_SESSION_COOKIE: &str = "ledgerline-dev";
pub const DEV_LOGIN_COOKIE: &str = "ledgerline-dev-login";

#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: i64,
    pub csrf: String,
    created: Instant,
    last_seen: Instant,
}

#[derive(Default)]
pub struct Sessions {
    by_hash: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// Starts a session for `user_id`; returns the token for the cookie.
    pub fn start(&self, user_id: i64) -> String {
        let token = new_token();
        let now = Instant::now();
        let session = Session {
            user_id,
            csrf: new_token(),
            created: now,
            last_seen: now,
        };
        let mut sessions = self
            .by_hash
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sessions.retain(|_, session| alive(session, now));
        sessions.insert(token_hash(&token), session);
        token
    }

    /// The live session of `token`, touched; expired sessions are removed.
    pub fn get(&self, token: &str) -> Option<Session> {
        let now = Instant::now();
        let key = token_hash(token);
        let mut sessions = self
            .by_hash
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let session = sessions.get_mut(&key)?;
        if !alive(session, now) {
            sessions.remove(&key);
            return None;
        }
        session.last_seen = now;
        Some(session.clone())
    }

    pub fn end(&self, token: &str) {
        self.by_hash
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&token_hash(token));
    }

    /// Ends every session of a user (password change, account removed).
    pub fn end_all_of(&self, user_id: i64) {
        self.by_hash
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retain(|_, session| session.user_id != user_id);
    }

    /// For tests: pretend `seconds` passed for every session.
    pub fn age_all(&self, seconds: u64) {
        let shift = Duration::from_secs(seconds);
        for session in self
            .by_hash
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .values_mut()
        {
            session.created = session
                .created
                .checked_sub(shift)
                .unwrap_or(session.created);
            session.last_seen = session
                .last_seen
                .checked_sub(shift)
                .unwrap_or(session.last_seen);
        }
    }
}

fn alive(session: &Session, now: Instant) -> bool {
    now.duration_since(session.last_seen) < Duration::from_secs(IDLE_SECONDS)
        && now.duration_since(session.created) < Duration::from_secs(ABSOLUTE_SECONDS)
}

/// Equal in constant time (tokens).
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// When failures happened, per account (lower-cased email) and per address.
type Failures = (HashMap<String, Vec<Instant>>, HashMap<IpAddr, Vec<Instant>>);

/// Failed logins per account and per address, in a sliding window.
#[derive(Default)]
pub struct LoginLimits {
    failures: Mutex<Failures>,
}

impl LoginLimits {
    /// `Some(minutes)` to wait when the account or the address had too many failures.
    pub fn blocked(&self, email: &str, address: IpAddr) -> Option<u64> {
        let now = Instant::now();
        let window = Duration::from_secs(LIMIT_WINDOW_SECONDS);
        let mut guard = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (accounts, addresses) = &mut *guard;
        let mut wait = None;
        let mut check = |times: Option<&mut Vec<Instant>>, limit: usize| {
            if let Some(times) = times {
                times.retain(|time| now.duration_since(*time) < window);
                if times.len() >= limit {
                    let oldest = times[0];
                    let left = window
                        .saturating_sub(now.duration_since(oldest))
                        .as_secs()
                        .div_ceil(60)
                        .max(1);
                    wait = Some(wait.map_or(left, |other: u64| other.max(left)));
                }
            }
        };
        check(accounts.get_mut(&email.to_lowercase()), ACCOUNT_FAILURES);
        check(addresses.get_mut(&address), ADDRESS_FAILURES);
        wait
    }

    pub fn failed(&self, email: &str, address: IpAddr) {
        let now = Instant::now();
        let mut guard = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (accounts, addresses) = &mut *guard;
        // Attempts on many made-up accounts must not grow memory without end: past a bound,
        // what is older than the window is dropped.
        if accounts.len() + addresses.len() > PRUNE_AT {
            let window = Duration::from_secs(LIMIT_WINDOW_SECONDS);
            accounts.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|last| now.duration_since(*last) < window)
            });
            addresses.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|last| now.duration_since(*last) < window)
            });
        }
        accounts.entry(email.to_lowercase()).or_default().push(now);
        addresses.entry(address).or_default().push(now);
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn succeeded(&self, email: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0
            .remove(&email.to_lowercase());
    }
}
