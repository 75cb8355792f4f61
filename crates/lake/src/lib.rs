//! The lake: Parquet storage of normalized sale lines, one file set per import, written
//! atomically.
//!
//! Each imported report becomes a folder `lake_root/imports/<import_key>/` (the key is the
//! SHA-256 of the report's bytes) holding `part-00000.parquet`, and a new part every 128 MiB
//! of Parquet for very large reports. One Parquet column per
//! [`SaleLine`](ledgerline_formats::SaleLine) field, money as exact `DECIMAL(38, 12)`, zstd
//! compression, row groups of at most 128Ki rows; the column table is in [`schema`]. DuckDB,
//! Polars or pyarrow can query the lake directly:
//! `SELECT sum(net) FROM 'lake/imports/*/part-*.parquet'` gives exact decimals.
//!
//! This is the only crate of Ledgerline that knows Arrow and Parquet: everything else sees
//! [`SaleLine`](ledgerline_formats::SaleLine)s, [`LakeWriter`] (a
//! [`LineSink`](ledgerline_formats::LineSink)), [`read_import`] and paths.
//!
//! What it is not: it does not parse reports (`formats`), decide whether a report was already
//! imported or record imports (`store`, the ledger database, is the authority on which imports
//! exist), match, convert or aggregate lines (`engine`). It never uses floating point.
//!
//! # Writing an import
//!
//! ```no_run
//! # fn demo(lake_root: &std::path::Path, key: &str, lines: Vec<ledgerline_formats::SaleLine>)
//! #     -> Result<(), ledgerline_lake::LakeError> {
//! use ledgerline_formats::LineSink;
//! let mut writer = ledgerline_lake::LakeWriter::create(lake_root, key)?;
//! for line in lines {
//!     writer.accept(line)?; // or: parser.parse(bytes, &mut writer)
//! }
//! let staged = writer.finish()?; // durable, invisible
//! staged.publish()?; // visible under imports/
//! // …then commit the import in the database; if that fails:
//! // ledgerline_lake::unpublish(lake_root, key)?;
//! # Ok(()) }
//! ```
//!
//! # Crash safety
//!
//! The promise: after any crash (process killed, power lost, disk full), a folder under
//! `imports/` is a complete import, and at start-up the lake holds exactly the imports the
//! database committed. The argument, step by step:
//!
//! 1. **Writing** happens only under `.staging/<key>-<pid>-<counter>/`, which no reader looks
//!    at. A crash while writing leaves an orphan there; [`remove_leftovers`] deletes it at the
//!    next start-up. A writer dropped without finishing (an error, a refused report) deletes its
//!    own folder. A full disk is an I/O error from `accept` or `finish`: same outcome.
//! 2. **[`LakeWriter::finish`]** closes every part file (footer written), `fsync`s each file,
//!    then the staging folder and `.staging/`. From then on the contents are on disk, before
//!    any name for them exists under `imports/`.
//! 3. **[`StagedImport::publish`]** renames the staging folder to `imports/<key>/`. `rename(2)`
//!    is atomic: the import appears whole or not at all, never partially. It then `fsync`s
//!    `imports/`, so the new name is durable before `publish` returns. Because the data was
//!    made durable in step 2, a power loss right after the rename cannot expose empty or
//!    truncated files under the new name. Publishing a key that is already there is refused
//!    without touching the published copy (a rename onto a non-empty folder fails, and every
//!    import has at least one part file).
//! 4. **The importer commits the database after `publish`.** So the database never records an
//!    import whose files are not durable. If the commit fails, the importer calls
//!    [`unpublish`]. If the process dies between `publish` and the commit, the folder is in the
//!    lake but unknown to the database: at start-up [`remove_unknown_imports`], given "is this
//!    key committed?", removes it, and importing the report again starts clean. The importer
//!    holds the [`PublishLock`] from its last check that the report is new until its commit,
//!    and the clean-up runs under it, so a folder another live process is committing is never
//!    taken for one a crash left.
//! 5. **Removal** ([`unpublish`]) first renames the folder back into `.staging/` (atomic, then
//!    `fsync`ed) and only then deletes files, so an interrupted removal never leaves a partial
//!    import visible; what remains is a leftover for step 1's clean-up.
//!
//! Start-up order for a program using the lake: [`remove_leftovers`], then, holding
//! [`lock_publishing`]'s lock, [`remove_unknown_imports`] with the database's list of committed
//! imports read after the lock was taken.
//!
//! Assumptions: a file system where `rename` of a folder is atomic and `fsync` of a folder
//! makes its entries durable (ext4, XFS, APFS, btrfs; on Windows folders are not fsynced and
//! NTFS's journal is relied upon). Process-id liveness for [`remove_leftovers`] is checked on
//! Linux through `/proc`; elsewhere it assumes no other process writes the same lake at
//! start-up.

mod encode;
mod error;
mod layout;
mod reader;
mod rollup;
pub mod schema;
mod writer;

pub use error::LakeError;
pub use layout::{
    import_path, is_published, is_valid_import_key, list_imports, lock_publishing,
    remove_leftovers, remove_unknown_imports, unpublish, PublishLock,
};
pub use reader::{import_parts, import_row_count, read_import, ImportReader};
pub use rollup::{
    for_each_rollup_row, read_rollup, Identifiers, RollupBuilder, RollupKey, RollupKeyIndex, RollupRow,
    RollupSums,
    MAXIMUM_KEYS,
};
pub use schema::lake_schema;
pub use writer::{BatchBuilder, Batches, LakeWriter, PendingKey, StagedImport, WriterOptions};
