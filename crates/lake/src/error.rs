//! The one error type of the lake. Every variant names the file or folder it is about.

use std::path::PathBuf;

use arrow_schema::ArrowError;
use parquet::errors::ParquetError;

/// Why a lake operation failed. Every message names the path concerned.
#[derive(Debug, thiserror::Error)]
pub enum LakeError {
    /// A file system operation failed.
    #[error("could not {action} {}: {source}", .path.display())]
    Io {
        /// What was being done, as a verb phrase: "create folder", "rename", "fsync".
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The Parquet library refused to write or read a file.
    #[error("Parquet error while {action} {}: {source}", .path.display())]
    Parquet {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: ParquetError,
    },

    /// The Arrow library refused to assemble or take apart a batch of lines.
    #[error("Arrow error while {action} {}: {source}", .path.display())]
    Arrow {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: ArrowError,
    },

    /// An import key that is not the 64 lower-case hexadecimal digits of a SHA-256.
    #[error(
        "\"{key}\" is not an import key (under {}): expected the 64 lower-case hexadecimal \
         digits of the report's SHA-256",
        .lake_root.display()
    )]
    InvalidImportKey { key: String, lake_root: PathBuf },

    /// Publishing found the import already in the lake; the published copy was left as it was.
    #[error("import {import_key} is already in the lake at {}; the published copy was left untouched", .path.display())]
    AlreadyPublished { import_key: String, path: PathBuf },

    /// Reading asked for an import that was never published (or was removed).
    #[error("import {import_key} is not in the lake: {} does not exist", .path.display())]
    NotFound { import_key: String, path: PathBuf },

    /// A sale line holds a value the lake's schema cannot represent exactly.
    #[error("line {line_number} cannot be stored in {}: {reason}", .path.display())]
    Unstorable {
        path: PathBuf,
        line_number: u64,
        reason: String,
    },

    /// A lake file or folder does not hold what the lake writes: a missing part, a foreign
    /// schema, a null where a value is required, a value that is not valid for its type.
    #[error("{} is not a valid lake file: {reason}", .path.display())]
    Invalid { path: PathBuf, reason: String },

    /// A previous call on this writer failed, so what it holds is incomplete.
    #[error("the lake writer for {} failed earlier and cannot be used any more", .path.display())]
    WriterFailed { path: PathBuf },
}

impl LakeError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> LakeError {
        let path = path.into();
        move |source| LakeError::Io {
            action,
            path,
            source,
        }
    }

    pub(crate) fn parquet(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(ParquetError) -> LakeError {
        let path = path.into();
        move |source| LakeError::Parquet {
            action,
            path,
            source,
        }
    }
}
