//! The label's catalog: reading it from files, storing it in the ledger, writing it back out.
//!
//! A catalog is the releases (ICPN/UPC, catalog number, title, artist, label, date, format) with
//! their tracklists, the tracks (ISRC, title, artist, duration, version), the parties the label
//! pays, and aliases: the other identifiers sales reports use for a track or a release. Sales
//! lines are matched against it, and contracts refer to its tracks, releases and parties.
//!
//! What it reads ([`read_catalog_file`], kind told by content):
//! - the catalog CSV: one row per track on a release (columns in [`CATALOG_COLUMNS`]);
//! - the parties CSV ([`PARTY_COLUMNS`]) and the aliases CSV ([`ALIAS_COLUMNS`]);
//! - DDEX ERN NewReleaseMessage 3.8.2 and 4.1 to 4.3, streamed with quick-xml.
//!
//! Every problem in a file is reported with the file, the line (CSV) or the XML path (ERN), the
//! field and the value, and a file with any problem imports nothing. [`import_catalog`] stores a
//! catalog in one SQLite transaction and reports exactly what changed, so importing the same
//! content again says "no changes". [`export_catalog`] writes the catalog CSV back, sorted, so
//! export and import round-trip byte for byte.
//!
//! What it is not: it matches no sales lines (the import crate does, through the tables this
//! crate fills), knows nothing of contracts or money, and reads no spreadsheets (XLSX) or
//! distributor-specific catalog exports. The column layouts are documented in
//! `docs/catalog.md`.

mod catalog;
mod csv_layouts;
mod ern;
mod export;
mod problem;
mod reading;
mod storing;

pub use catalog::{Alias, AliasName, AliasTarget, Catalog, Party, PartyKind, Release, ReleaseKey, Track, TracklistEntry};
pub use csv_layouts::{ALIAS_COLUMNS, CATALOG_COLUMNS, PARTY_COLUMNS};
pub use ern::{GRID_NAMESPACE, ICPN_NAMESPACE};
pub use export::{export_catalog, CatalogExportError};
pub use problem::{CatalogReadError, Location, Problem, MAXIMUM_LISTED_PROBLEMS};
pub use reading::{read_catalog_file, CatalogFile, CatalogFileKind};
pub use storing::{import_catalog, CatalogImportError, Change, ChangeAction, ChangeCounts, ChangeReport, EntityKind, FieldChange};
