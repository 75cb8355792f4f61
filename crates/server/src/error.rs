//! Errors as the browser and API clients see them: a status and a plain message, never the
//! internals. What went wrong inside is written to the server's log with a reference that the
//! page shows, so an administrator can find it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The request is understood but refused: bad form input, a rule of the ledger.
    #[error("{0}")]
    Invalid(String),
    /// Not signed in (or the session ended).
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, but this is not yours to see or do. Shown as "not found", so that nobody
    /// learns what exists.
    #[error("not found")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("this request did not come from a Ledgerline page: reload the page and try again")]
    CrossSite,
    #[error("too many attempts: wait {0} minutes and try again")]
    TooManyAttempts(u64),
    /// Anything else: logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl PortalError {
    pub fn invalid(message: impl Into<String>) -> PortalError {
        PortalError::Invalid(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            PortalError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PortalError::Unauthenticated => StatusCode::UNAUTHORIZED,
            PortalError::Forbidden | PortalError::NotFound => StatusCode::NOT_FOUND,
            PortalError::CrossSite => StatusCode::FORBIDDEN,
            PortalError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            PortalError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user is told.
    pub fn public_message(&self) -> String {
        match self {
            PortalError::Internal(detail) => {
                let reference = crate::users::new_token()[..10].to_string();
                eprintln!("ledgerline serve: error {reference}: {detail}");
                format!("Something went wrong on our side (reference {reference}). The administrator can find it in the server log.")
            }
            other => other.to_string(),
        }
    }
}

impl From<rusqlite::Error> for PortalError {
    fn from(error: rusqlite::Error) -> PortalError {
        PortalError::Internal(format!("database: {error}"))
    }
}

impl From<ledgerline_store::StoreError> for PortalError {
    fn from(error: ledgerline_store::StoreError) -> PortalError {
        PortalError::Internal(format!("ledger: {error}"))
    }
}

impl From<ledgerline_run::RunError> for PortalError {
    fn from(error: ledgerline_run::RunError) -> PortalError {
        match error.hint() {
            // Refusals of the run (a period not closed, a missing rate) are the user's to act on.
            Some(hint) => PortalError::Invalid(format!("{error} ({hint})")),
            None => PortalError::Internal(format!("run: {error}")),
        }
    }
}

impl From<ledgerline_import::ImportError> for PortalError {
    fn from(error: ledgerline_import::ImportError) -> PortalError {
        PortalError::Invalid(match error.hint() {
            Some(hint) => format!("{error} ({hint})"),
            None => error.to_string(),
        })
    }
}

impl From<tokio::task::JoinError> for PortalError {
    fn from(error: tokio::task::JoinError) -> PortalError {
        PortalError::Internal(format!("worker: {error}"))
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        // Pages and the API share this; the page layout wraps it for browsers (see `pages`).
        let status = self.status();
        let message = self.public_message();
        let mut response = (status, message).into_response();
        response.extensions_mut().insert(ErrorShown);
        response
    }
}

/// Marks a response made from an error, so that the HTML layer can dress it as a page.
#[derive(Clone, Copy, Debug)]
pub struct ErrorShown;
