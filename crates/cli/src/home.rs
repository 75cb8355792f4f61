//! The Ledgerline home folder: `ledger.db` and `lake/`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ledgerline_store::{Ledger, LEDGER_FILE_NAME};

use crate::output::refuse;

/// Folder of imported report lines (Parquet), beside the ledger.
pub const LAKE_FOLDER: &str = "lake";

pub struct Home {
    pub path: PathBuf,
}

impl Home {
    pub fn new(path: &Path) -> Home {
        Home { path: path.to_path_buf() }
    }

    pub fn ledger_path(&self) -> PathBuf {
        self.path.join(LEDGER_FILE_NAME)
    }

    pub fn is_initialised(&self) -> bool {
        self.ledger_path().is_file()
    }

    /// Creates the folder, the ledger (migrated) and the lake folder; harmless if they exist.
    pub fn create(&self) -> anyhow::Result<Ledger> {
        std::fs::create_dir_all(self.path.join(LAKE_FOLDER))
            .with_context(|| format!("cannot create the home folder {}", self.path.display()))?;
        Ok(Ledger::open(&self.ledger_path())?)
    }

    /// Opens the ledger of an existing home; a missing home is a refusal with a hint.
    pub fn open(&self) -> anyhow::Result<Ledger> {
        if !self.is_initialised() {
            return Err(refuse(
                format!("{} is not a Ledgerline home (no {LEDGER_FILE_NAME} in it)", self.path.display()),
                "run `ledgerline init` first, or point --home (or LEDGERLINE_HOME) at an existing home",
            ));
        }
        Ok(Ledger::open(&self.ledger_path())?)
    }
}
