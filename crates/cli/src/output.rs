//! How commands talk to the user: text for people, one JSON document for scripts, progress on
//! a terminal only.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Where a command's report goes.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub json: bool,
}

impl Output {
    /// Prints the report: `document` as JSON with `--json`, otherwise the text `render` writes.
    pub fn report<T: Serialize>(&self, document: &T, render: impl FnOnce(&T) -> String) -> anyhow::Result<()> {
        let text = if self.json { format!("{}\n", serde_json::to_string_pretty(document)?) } else { render(document) };
        let mut stdout = std::io::stdout().lock();
        match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
            // A reader that stopped early (`ledgerline unmatched | head`) is not an error.
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }

    /// A spinner with a message, shown only when a person is watching stdout and not with
    /// `--json`. Finishing it clears the line.
    pub fn spinner(&self, message: &str) -> ProgressBar {
        if self.json || !std::io::stdout().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

impl Output {
    /// A bar over bytes, shown only when a person is watching stdout and not with `--json`.
    pub fn byte_bar(&self, message: &str) -> ProgressBar {
        if self.json || !std::io::stdout().is_terminal() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(message.to_string());
        bar
    }
}

/// A refusal the user can act on: the message says what and where, the hint what to do.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

pub fn refuse(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Refusal { message: message.into(), hint: Some(hint.into()) })
}

/// `1 line`, `2 lines`: a count and its noun, in the plural unless the count is one.
pub fn counted(count: impl Into<u64>, singular: &str, plural: &str) -> String {
    let count = count.into();
    format!("{count} {}", if count == 1 { singular } else { plural })
}
