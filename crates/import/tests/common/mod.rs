//! A Ledgerline home in a temporary folder, for the import tests.

#![allow(dead_code)] // each test file uses its part

use std::path::{Path, PathBuf};

use ledgerline_formats::SaleLine;
use ledgerline_import::{import_file, CatalogIndex, FileImport, ImportError, ImportOptions};
use ledgerline_store::Ledger;

pub struct Home {
    _folder: tempfile::TempDir,
    pub root: PathBuf,
    pub ledger: Ledger,
}

impl Home {
    pub fn new() -> Home {
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().to_path_buf();
        std::fs::create_dir_all(root.join("lake")).unwrap();
        let ledger = Ledger::open(&root.join("ledger.db")).unwrap();
        Home { _folder: folder, root, ledger }
    }

    pub fn lake(&self) -> PathBuf {
        self.root.join("lake")
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Imports `path` under its file name, with an empty catalog.
    pub fn import(&mut self, path: &Path, options: &ImportOptions) -> Result<FileImport, ImportError> {
        let lake = self.lake();
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        import_file(&mut self.ledger, &lake, path, &label, options, &CatalogIndex::default())
    }

    /// Writes `text` as `name` and imports it with the default options.
    pub fn import_text(&mut self, name: &str, text: &str) -> Result<FileImport, ImportError> {
        let path = self.write(name, text);
        self.import(&path, &ImportOptions::default())
    }

    pub fn count(&self, table: &str) -> i64 {
        self.ledger
            .connection()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0))
            .unwrap()
    }

    pub fn imports_stored(&self) -> i64 {
        self.count("imports")
    }

    pub fn lake_folders(&self) -> usize {
        std::fs::read_dir(self.lake().join("imports")).map_or(0, |entries| entries.count())
    }

    /// The lines an import put in the lake.
    pub fn lines(&self, import: &FileImport) -> Vec<SaleLine> {
        ledgerline_lake::read_import(&self.lake(), &import.content_sha256)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}
