//! Writing the output tree: files with their SHA-256, and the containers senders use (gzip, a
//! ZIP with one entry, UTF-16LE text). Nothing here reads the clock, so archives carry fixed
//! timestamps and the same input always gives the same bytes.

use std::fs::{self, File};
use std::io::{self, Cursor, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use ledgerline_model::Date;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One file written into the output tree.
#[derive(Clone, Debug)]
pub struct WrittenFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub kind: &'static str,
    pub source: Option<&'static str>,
    pub lines: Option<u64>,
    pub byte_count: u64,
    pub sha256: String,
}

/// The output folder and the files written into it so far, in writing order.
pub struct OutputTree {
    root: PathBuf,
    pub files: Vec<WrittenFile>,
}

/// Where a written file belongs, for the summary and the manifest.
#[derive(Clone, Copy, Debug)]
pub struct FileRole {
    pub kind: &'static str,
    pub source: Option<&'static str>,
    pub lines: Option<u64>,
}

impl FileRole {
    pub fn new(kind: &'static str, lines: Option<u64>) -> FileRole {
        FileRole { kind, source: None, lines }
    }

    pub fn from_source(kind: &'static str, source: &'static str, lines: Option<u64>) -> FileRole {
        FileRole { kind, source: Some(source), lines }
    }
}

impl OutputTree {
    pub fn new(root: &Path) -> Result<OutputTree> {
        fs::create_dir_all(root).with_context(|| format!("cannot create the output folder {}", root.display()))?;
        Ok(OutputTree { root: root.to_path_buf(), files: Vec::new() })
    }

    fn absolute(&self, relative: &str) -> Result<PathBuf> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        Ok(path)
    }

    /// Writes a whole file at once.
    pub fn write(&mut self, relative: &str, role: FileRole, bytes: &[u8]) -> Result<()> {
        let path = self.absolute(relative)?;
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        self.files.push(WrittenFile {
            path: relative.to_string(),
            kind: role.kind,
            source: role.source,
            lines: role.lines,
            byte_count: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        });
        Ok(())
    }

    /// Opens a large file to be written in pieces; the hash is computed on the way through, so
    /// the file is never read back.
    pub fn create_streamed(&self, relative: &str) -> Result<StreamedFile> {
        let path = self.absolute(relative)?;
        let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(StreamedFile { relative: relative.to_string(), writer: HashingWriter { inner: file, hasher: Sha256::new(), byte_count: 0 } })
    }

    pub fn finish_streamed(&mut self, streamed: StreamedFile, role: FileRole) -> Result<()> {
        let relative = streamed.relative;
        let mut hashing = streamed.writer;
        hashing.flush().with_context(|| format!("cannot finish writing {relative}"))?;
        self.files.push(WrittenFile {
            path: relative,
            kind: role.kind,
            source: role.source,
            lines: role.lines,
            byte_count: hashing.byte_count,
            sha256: hex(&hashing.hasher.finalize()),
        });
        Ok(())
    }
}

/// A large file being written; see [`OutputTree::create_streamed`]. Callers hand it large
/// buffers, so it does no buffering of its own (which would only copy every byte once more).
pub struct StreamedFile {
    relative: String,
    writer: HashingWriter,
}

impl StreamedFile {
    /// Appends `bytes` and empties the buffer they came from, which the caller then reuses.
    pub fn drain_from(&mut self, bytes: &mut Vec<u8>) -> Result<()> {
        self.writer.write_all(bytes).with_context(|| format!("cannot write {}", self.relative))?;
        bytes.clear();
        Ok(())
    }
}

struct HashingWriter {
    inner: File,
    hasher: Sha256,
    byte_count: u64,
}

impl Write for HashingWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        self.byte_count += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0F)]));
    }
    text
}

/// gzip with a zero modification time and no file name in the header, so the bytes depend only
/// on the content.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder: GzEncoder<Vec<u8>> = GzBuilder::new().mtime(0).write(Vec::new(), Compression::default());
    encoder.write_all(bytes).context("gzip")?;
    encoder.finish().context("gzip")
}

/// A ZIP archive holding one deflated entry, stamped with `date` at noon (the archive date is
/// part of the bytes, so it must come from the data, never from the clock).
pub fn zip_one_entry(entry_name: &str, bytes: &[u8], date: Date) -> Result<Vec<u8>> {
    let year = u16::try_from(date.year()).context("zip year")?;
    let timestamp = DateTime::from_date_and_time(year, date.month_number(), date.day(), 12, 0, 0)
        .map_err(|error| anyhow::anyhow!("zip timestamp for {date}: {error:?}"))?;
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(timestamp)
        .unix_permissions(0o644);
    let mut archive = ZipWriter::new(Cursor::new(Vec::new()));
    archive.start_file(entry_name, options).with_context(|| format!("zip entry {entry_name}"))?;
    archive.write_all(bytes).with_context(|| format!("zip entry {entry_name}"))?;
    let cursor = archive.finish().context("finishing zip archive")?;
    Ok(cursor.into_inner())
}

/// UTF-8 text re-encoded as UTF-16 little-endian with a byte-order mark, as Bandcamp exports.
pub fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(2 + text.len() * 2);
    bytes.extend_from_slice(&[0xFF, 0xFE]);
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// UTF-8 with a byte-order mark, as Excel saves "CSV UTF-8" and The Orchard exports.
pub fn utf8_with_bom(bytes: &[u8]) -> Vec<u8> {
    let mut with_bom = Vec::with_capacity(bytes.len() + 3);
    with_bom.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    with_bom.extend_from_slice(bytes);
    with_bom
}
