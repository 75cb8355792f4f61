//! Writing one import: [`LakeWriter`] buffers at most one batch of lines in dictionary-coded
//! columns ([`crate::encode`]), hands full batches to its encoder thread, which gathers them
//! into row groups, writes those as Parquet pages and rolls over to a new part file past a
//! size; [`StagedImport`] is the finished, durable, not yet visible result.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

use arrow_schema::SchemaRef;
use ledgerline_formats::{LineSink, SaleLine};
use ledgerline_money::Decimal;
use parquet::arrow::{add_encoded_arrow_schema_to_metadata, ArrowSchemaConverter};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{WriterProperties, WriterPropertiesPtr};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnPath, TypePtr};

use crate::encode::{Columns, PageEncoder};
use crate::error::LakeError;
use crate::layout::{
    check_import_key, ensure_dir, import_path, new_staging_path, sync_dir, IMPORTS_DIR, STAGING_DIR,
};
use crate::schema::{
    column, lake_schema, IMPORT_KEY_KEY, MAX_MONEY_SCALED, MONEY_PRECISION, SCHEMA_VERSION,
    SCHEMA_VERSION_KEY,
};

/// Lines longer than this (all text fields together) are refused: no real report has them,
/// and they would defeat the memory bound.
const MAX_LINE_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// Sizes that bound the writer's memory and shape its files. The defaults suit every report;
/// tests use small values to exercise row groups and parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterOptions {
    /// Lines buffered in a batch's columns before they are handed to the encoder thread.
    pub batch_rows: usize,
    /// Text bytes buffered before the batch is handed over early (long titles).
    pub batch_text_bytes: usize,
    /// Rows per Parquet row group at most.
    pub row_group_rows: usize,
    /// Bytes a row group may hold while it is gathered (values, indices, amounts) at most.
    pub row_group_bytes: usize,
    /// A part file is closed, and the next one started, once it holds this many bytes. The
    /// Parquet writer keeps the footer metadata of the open part (row groups, page indexes:
    /// about 1.5 MB per million lines) until the part is closed, so this bounds that too.
    pub part_bytes: u64,
    /// zstd compression level (1, the default, is the fastest; up to 22 for smaller files).
    /// On report-like data level 3 was no smaller and no faster than 1.
    pub zstd_level: i32,
}

impl Default for WriterOptions {
    fn default() -> WriterOptions {
        WriterOptions {
            batch_rows: 8 * 1024,
            batch_text_bytes: 32 * 1024 * 1024,
            row_group_rows: 128 * 1024,
            row_group_bytes: 128 * 1024 * 1024,
            part_bytes: 128 * 1024 * 1024,
            zstd_level: 1,
        }
    }
}

/// The key of an import being written, which may become known only while it is written: the
/// importer hashes a file while reading it, so that the SHA-256 pass does not hold up the
/// parsing. The encoder thread writes the key into each part file's footer when it closes the
/// part; a part that is full before the key is known is kept open (flushed, holding only its
/// footer metadata) until the key comes or the writer finishes, so that the encoder never
/// waits for a key the reading has yet to produce. [`LakeWriter::finish`] names the staged
/// import with it.
#[derive(Clone, Debug, Default)]
pub struct PendingKey(Arc<OnceLock<Option<String>>>);

impl PendingKey {
    /// A key not known yet: [`set`](PendingKey::set) must be called exactly once, whatever
    /// happens (with `None` when the key cannot be had), or closing a part waits for ever.
    pub fn new() -> PendingKey {
        PendingKey::default()
    }

    /// A key known from the start.
    pub fn known(import_key: &str) -> PendingKey {
        let key = PendingKey::new();
        key.set(Some(import_key.to_string()));
        key
    }

    /// Gives the key (`None`: it cannot be had, the import will be dropped). Later calls are
    /// ignored.
    pub fn set(&self, import_key: Option<String>) {
        let _ = self.0.set(import_key);
    }

    /// The key, waiting until it is set.
    fn wait(&self) -> Option<&str> {
        self.0.wait().as_deref()
    }

    /// Whether the key (or its absence) is known yet.
    fn is_set(&self) -> bool {
        self.0.get().is_some()
    }
}

/// The staging folder name of an import whose key is not known yet (see [`PendingKey`]): a
/// well-formed key that no content has, so start-up recognises the folder's owner.
const PENDING_STAGING_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Writes the sale lines of one import into a staging folder of the lake.
///
/// Lines go in through [`LineSink::accept`]; [`finish`](LakeWriter::finish) makes the files
/// durable and returns a [`StagedImport`], which [`publish`](StagedImport::publish) makes
/// visible. A writer dropped before `finish` deletes its staging folder; one that is never
/// dropped (a crash) leaves it for [`remove_leftovers`](crate::remove_leftovers).
///
/// Two cores share the work: the caller's thread copies lines into dictionary-coded columns,
/// and a thread of the writer's own gathers full batches into row groups and writes them as
/// Parquet pages. An error on that thread is returned by the next `accept` or by `finish`.
///
/// Memory is bounded whatever the report size: one batch of lines
/// ([`WriterOptions::batch_rows`]) plus [`BATCHES_IN_FLIGHT`] handed over, one row group being
/// gathered ([`WriterOptions::row_group_rows`] and [`WriterOptions::row_group_bytes`]) and the
/// footer metadata of one part file ([`WriterOptions::part_bytes`]).
#[derive(Debug)]
pub struct LakeWriter {
    lake_root: PathBuf,
    import_key: PendingKey,
    staging_dir: PathBuf,
    options: WriterOptions,
    schema: SchemaRef,
    columns: Columns,
    /// `None` once finished or failed.
    encoder: Option<Encoder>,
    rows: u64,
    failed: bool,
    /// Set once the staging folder is handed to a [`StagedImport`] or removed.
    released: bool,
}

/// Full batches waiting for the encoder thread: enough to absorb jitter between the threads,
/// few enough to keep memory bounded.
const BATCHES_IN_FLIGHT: usize = 2;

/// The handle on the thread that encodes batches into part files.
#[derive(Debug)]
struct Encoder {
    batches: SyncSender<Columns>,
    thread: JoinHandle<Result<usize, LakeError>>,
    /// Set before the channel is closed when the import is being thrown away: the encoder
    /// then drops its parts without waiting for a key.
    abandoned: Arc<AtomicBool>,
}

impl Encoder {
    fn start(parts: PartFiles) -> Result<Encoder, LakeError> {
        let staging_dir = parts.staging_dir.clone();
        let abandoned = parts.abandoned.clone();
        let (batches, received) = sync_channel::<Columns>(BATCHES_IN_FLIGHT);
        let thread = std::thread::Builder::new()
            .name("lake-encoder".to_string())
            .spawn(move || parts.write_all(received))
            .map_err(LakeError::io("start the Parquet encoder for", staging_dir))?;
        Ok(Encoder {
            batches,
            thread,
            abandoned,
        })
    }

    /// Stops the encoder without finishing its parts (they are being thrown away).
    fn abandon(self, staging_dir: &Path) {
        self.abandoned.store(true, Ordering::SeqCst);
        let _ = self.finish(staging_dir);
    }

    /// Waits for every batch to be written and the last part closed; returns the number of
    /// part files.
    fn finish(self, staging_dir: &Path) -> Result<usize, LakeError> {
        drop(self.batches);
        self.thread.join().unwrap_or_else(|_| {
            Err(LakeError::WriterFailed {
                path: staging_dir.to_path_buf(),
            })
        })
    }
}

/// The part files of one import, owned by the encoder thread.
struct PartFiles {
    staging_dir: PathBuf,
    import_key: PendingKey,
    /// The Parquet schema of the lake's Arrow schema.
    parquet_schema: TypePtr,
    properties: WriterPropertiesPtr,
    part_bytes: u64,
    row_group_rows: usize,
    row_group_bytes: usize,
    /// The lines of the row group being gathered.
    row_group: Columns,
    remap: Vec<u32>,
    pages: PageEncoder,
    part: Option<Part>,
    /// Full parts waiting for the import key to be closed with it (see [`PendingKey`]).
    unfinished: Vec<Part>,
    opened_parts: usize,
    abandoned: Arc<AtomicBool>,
}

struct Part {
    path: PathBuf,
    writer: SerializedFileWriter<File>,
}

impl PartFiles {
    /// Writes batches until the channel closes, then closes the last part. Every import has at
    /// least one part file (the first is opened before any line arrives).
    fn write_all(mut self, batches: Receiver<Columns>) -> Result<usize, LakeError> {
        for batch in batches {
            self.write(&batch)?;
        }
        if self.abandoned.load(Ordering::SeqCst) {
            return Ok(0);
        }
        self.write_row_group()?;
        if self.part.is_none() && self.opened_parts == 0 {
            self.open_part()?;
        }
        if let Some(part) = self.part.take() {
            self.unfinished.push(part);
        }
        self.close_unfinished()?;
        Ok(self.opened_parts)
    }

    /// Gathers a batch into row groups, writing each as it fills.
    fn write(&mut self, batch: &Columns) -> Result<(), LakeError> {
        let mut from = 0;
        while from < batch.rows() {
            let room = self.row_group_rows.saturating_sub(self.row_group.rows()).max(1);
            let to = (from + room).min(batch.rows());
            self.row_group.append(batch, from..to, &mut self.remap);
            from = to;
            if self.row_group.rows() >= self.row_group_rows
                || self.row_group.bytes_held() >= self.row_group_bytes
            {
                self.write_row_group()?;
            }
        }
        Ok(())
    }

    /// Writes the gathered lines as a row group, then sets the part aside if it has grown past
    /// the part size (only its footer waits, for the key).
    fn write_row_group(&mut self) -> Result<(), LakeError> {
        if self.row_group.rows() == 0 {
            return Ok(());
        }
        if self.part.is_none() {
            self.open_part()?;
        }
        let Some(part) = self.part.as_mut() else {
            return Err(LakeError::WriterFailed {
                path: self.staging_dir.clone(),
            });
        };
        self.row_group
            .write_row_group(&mut part.writer, &mut self.pages)
            .map_err(LakeError::parquet("writing", &part.path))?;
        self.row_group.clear();
        let part_bytes = u64::try_from(part.writer.bytes_written()).unwrap_or(u64::MAX);
        if part_bytes >= self.part_bytes {
            if let Some(part) = self.part.take() {
                self.unfinished.push(part);
            }
        }
        if !self.unfinished.is_empty() && self.import_key.is_set() {
            self.close_unfinished()?;
        }
        Ok(())
    }

    fn open_part(&mut self) -> Result<(), LakeError> {
        let path = self.staging_dir.join(part_file_name(self.opened_parts));
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(LakeError::io("create", &path))?;
        let writer =
            SerializedFileWriter::new(file, self.parquet_schema.clone(), self.properties.clone())
                .map_err(LakeError::parquet("starting", &path))?;
        self.part = Some(Part { path, writer });
        self.opened_parts += 1;
        Ok(())
    }

    /// Closes the full parts with the import key in their footers, waiting for the key.
    fn close_unfinished(&mut self) -> Result<(), LakeError> {
        let import_key = self.import_key.wait();
        for mut part in self.unfinished.drain(..) {
            if let Some(import_key) = import_key {
                part.writer.append_key_value_metadata(KeyValue::new(
                    IMPORT_KEY_KEY.to_string(),
                    import_key.to_string(),
                ));
            }
            part.writer
                .finish()
                .map_err(LakeError::parquet("closing", &part.path))?;
            part.writer
                .inner()
                .sync_all()
                .map_err(LakeError::io("fsync", &part.path))?;
        }
        Ok(())
    }
}

impl LakeWriter {
    /// Starts writing the import `import_key` (the report's SHA-256, 64 lower-case hex digits)
    /// into a new staging folder `lake_root/.staging/<import_key>-<pid>-<counter>/`.
    pub fn create(lake_root: &Path, import_key: &str) -> Result<LakeWriter, LakeError> {
        LakeWriter::create_with(lake_root, import_key, WriterOptions::default())
    }

    /// [`create`](LakeWriter::create) for an import whose key is set later (see
    /// [`PendingKey`]); the staging folder is `.staging/<64 zeros>-<pid>-<counter>/`.
    pub fn create_pending(lake_root: &Path, import_key: PendingKey) -> Result<LakeWriter, LakeError> {
        LakeWriter::start(lake_root, import_key, WriterOptions::default())
    }

    /// [`create_pending`](LakeWriter::create_pending) with explicit sizes.
    pub fn create_pending_with(
        lake_root: &Path,
        import_key: PendingKey,
        options: WriterOptions,
    ) -> Result<LakeWriter, LakeError> {
        LakeWriter::start(lake_root, import_key, options)
    }

    /// [`create`](LakeWriter::create) with explicit sizes.
    pub fn create_with(
        lake_root: &Path,
        import_key: &str,
        options: WriterOptions,
    ) -> Result<LakeWriter, LakeError> {
        check_import_key(lake_root, import_key)?;
        LakeWriter::start(lake_root, PendingKey::known(import_key), options)
    }

    fn start(
        lake_root: &Path,
        import_key: PendingKey,
        options: WriterOptions,
    ) -> Result<LakeWriter, LakeError> {
        let options = WriterOptions {
            batch_rows: options.batch_rows.max(1),
            batch_text_bytes: options.batch_text_bytes.max(1),
            // Parquet counts a page's values in an i32, and readers index a chunk's text with
            // i32 offsets: a row group stays well inside both.
            row_group_rows: options.row_group_rows.clamp(1, i32::MAX as usize / 2),
            row_group_bytes: options.row_group_bytes.clamp(1, 1 << 30),
            part_bytes: options.part_bytes.max(1),
            zstd_level: options.zstd_level,
        };
        let staging_root = lake_root.join(STAGING_DIR);
        ensure_dir(&staging_root)?;
        let staging_key = import_key
            .0
            .get()
            .and_then(Option::as_deref)
            .unwrap_or(PENDING_STAGING_KEY);
        let staging_dir = new_staging_path(lake_root, staging_key, "");
        fs::create_dir(&staging_dir)
            .map_err(LakeError::io("create staging folder", &staging_dir))?;
        // From here on the folder is ours: dropping the writer removes it, also on error.
        let mut writer = LakeWriter {
            lake_root: lake_root.to_path_buf(),
            import_key: import_key.clone(),
            staging_dir: staging_dir.clone(),
            options: options.clone(),
            schema: lake_schema(),
            columns: Columns::new(options.batch_rows),
            encoder: None,
            rows: 0,
            failed: false,
            released: false,
        };
        let configuring = |source| LakeError::Parquet {
            action: "configuring",
            path: staging_dir.clone(),
            source,
        };
        let mut properties = writer_properties(&options).map_err(configuring)?;
        let parquet_schema = ArrowSchemaConverter::new()
            .with_coerce_types(properties.coerce_types())
            .convert(&writer.schema)
            .map_err(configuring)?
            .root_schema_ptr();
        // As Arrow's own writer does: readers restore the exact Arrow types from it.
        add_encoded_arrow_schema_to_metadata(&writer.schema, &mut properties);
        let pages = PageEncoder::new(options.zstd_level).map_err(configuring)?;
        let mut parts = PartFiles {
            staging_dir,
            import_key,
            parquet_schema,
            properties: Arc::new(properties),
            part_bytes: options.part_bytes,
            row_group_rows: options.row_group_rows,
            row_group_bytes: options.row_group_bytes,
            row_group: Columns::new(0),
            remap: Vec::new(),
            pages,
            part: None,
            unfinished: Vec::new(),
            opened_parts: 0,
            abandoned: Arc::new(AtomicBool::new(false)),
        };
        parts.open_part()?;
        writer.encoder = Some(Encoder::start(parts)?);
        Ok(writer)
    }

    /// The staging folder being written.
    pub fn staging_path(&self) -> &Path {
        &self.staging_dir
    }

    /// Lines accepted so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// A builder of batches for [`write_batches`](LakeWriter::write_batches), to be used on
    /// another thread.
    pub fn batch_builder(&self) -> Result<BatchBuilder, LakeError> {
        Ok(BatchBuilder {
            staging_dir: self.staging_dir.clone(),
            batch_rows: self.options.batch_rows,
            batch_text_bytes: self.options.batch_text_bytes,
            columns: Columns::new(self.options.batch_rows),
            batches: Vec::new(),
        })
    }

    /// Writes batches of a [`BatchBuilder`] after the lines accepted so far.
    pub fn write_batches(&mut self, batches: Batches) -> Result<(), LakeError> {
        if self.failed {
            return Err(self.failed_error());
        }
        let result = self.send_batches(batches);
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    fn send_batches(&mut self, batches: Batches) -> Result<(), LakeError> {
        self.write_batch()?;
        for batch in batches.0 {
            self.rows += batch.rows() as u64;
            self.send(batch)?;
        }
        Ok(())
    }

    /// Writes what is buffered, closes the last part, fsyncs every file, the staging folder and
    /// its parent. An import without lines still gets one part file (schema only), so that
    /// every published import has the same shape.
    pub fn finish(mut self) -> Result<StagedImport, LakeError> {
        if self.failed {
            return Err(self.failed_error());
        }
        self.write_batch()?;
        let Some(encoder) = self.encoder.take() else {
            return Err(self.failed_error());
        };
        let parts = encoder.finish(&self.staging_dir)?;
        let import_key = match self.import_key.wait() {
            Some(key) => key.to_string(),
            None => return Err(self.failed_error()),
        };
        check_import_key(&self.lake_root, &import_key)?;
        sync_dir(&self.staging_dir)?;
        sync_dir(&self.lake_root.join(STAGING_DIR))?;
        self.released = true;
        Ok(StagedImport {
            lake_root: self.lake_root.clone(),
            import_key,
            staging_dir: self.staging_dir.clone(),
            rows: self.rows,
            parts,
            consumed: false,
        })
    }

    fn failed_error(&self) -> LakeError {
        LakeError::WriterFailed {
            path: self.staging_dir.clone(),
        }
    }

    fn push(&mut self, line: &SaleLine) -> Result<(), LakeError> {
        let text_bytes = storable_text_bytes(line, &self.staging_dir)?;
        if self.columns.rows() > 0
            && self.columns.text_bytes + text_bytes > self.options.batch_text_bytes
        {
            self.write_batch()?;
        }
        self.columns.append_line(line, text_bytes);
        self.rows += 1;
        if self.columns.rows() >= self.options.batch_rows {
            self.write_batch()?;
        }
        Ok(())
    }

    /// Hands the buffered lines to the encoder thread. Should that thread have stopped on an
    /// error, waits for it and returns its error.
    fn write_batch(&mut self) -> Result<(), LakeError> {
        match take_batch(&mut self.columns, self.options.batch_rows) {
            Some(batch) => self.send(batch),
            None => Ok(()),
        }
    }

    /// Hands a batch to the encoder thread. Should that thread have stopped on an error, waits
    /// for it and returns its error.
    fn send(&mut self, batch: Columns) -> Result<(), LakeError> {
        let Some(encoder) = self.encoder.as_ref() else {
            return Err(self.failed_error());
        };
        if encoder.batches.send(batch).is_ok() {
            return Ok(());
        }
        // The thread stops receiving only after an error of its own.
        match self
            .encoder
            .take()
            .map(|encoder| encoder.finish(&self.staging_dir))
        {
            Some(Err(error)) => Err(error),
            _ => Err(self.failed_error()),
        }
    }

    /// Accepts a line, or refuses everything once something failed: the files are then
    /// incomplete and will be deleted.
    fn accept_checked(&mut self, line: &SaleLine) -> Result<(), LakeError> {
        if self.failed {
            return Err(self.failed_error());
        }
        let result = self.push(line);
        if result.is_err() {
            self.failed = true;
        }
        result
    }
}

impl LineSink for LakeWriter {
    type Error = LakeError;

    /// Buffers the line; hands a batch to the encoder when the buffer is full.
    fn accept(&mut self, line: SaleLine) -> Result<(), LakeError> {
        self.accept_checked(&line)
    }

    /// As [`accept`](LakeWriter::accept): the line is copied into the columns either way.
    fn accept_borrowed(&mut self, line: &SaleLine) -> Result<(), LakeError> {
        self.accept_checked(line)
    }
}

impl Drop for LakeWriter {
    fn drop(&mut self) {
        if !self.released {
            // Stop the encoder and let it close its file handle before removing the folder
            // (required on Windows), ignoring errors: the folder is being thrown away.
            if let Some(encoder) = self.encoder.take() {
                encoder.abandon(&self.staging_dir);
            }
            let _ = fs::remove_dir_all(&self.staging_dir);
        }
    }
}

/// A finished import: durable in its staging folder, not yet visible under `imports/`.
///
/// Dropping it without [`publish`](StagedImport::publish) or
/// [`discard`](StagedImport::discard) discards it.
#[derive(Debug)]
pub struct StagedImport {
    lake_root: PathBuf,
    import_key: String,
    staging_dir: PathBuf,
    rows: u64,
    parts: usize,
    consumed: bool,
}

impl StagedImport {
    pub fn import_key(&self) -> &str {
        &self.import_key
    }

    /// Number of lines written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Number of part files written (at least one).
    pub fn parts(&self) -> usize {
        self.parts
    }

    /// The staging folder holding the files.
    pub fn staging_path(&self) -> &Path {
        &self.staging_dir
    }

    /// Makes the import visible: renames the staging folder to `lake_root/imports/<key>/` in
    /// one atomic step and fsyncs `imports/` (and `.staging/`), so the import is durable when
    /// this returns. Returns the published folder.
    ///
    /// Refused with [`LakeError::AlreadyPublished`] when the key is already in the lake; the
    /// published copy is untouched and this staged copy is deleted. The refusal cannot race
    /// with another publisher: a rename onto an existing non-empty folder fails, and a
    /// published folder always holds at least one part file.
    pub fn publish(mut self) -> Result<PathBuf, LakeError> {
        let imports_root = self.lake_root.join(IMPORTS_DIR);
        ensure_dir(&imports_root)?;
        let destination = import_path(&self.lake_root, &self.import_key);
        let already = || LakeError::AlreadyPublished {
            import_key: self.import_key.clone(),
            path: destination.clone(),
        };
        if fs::symlink_metadata(&destination).is_ok() {
            return Err(already());
        }
        if let Err(error) = fs::rename(&self.staging_dir, &destination) {
            if fs::symlink_metadata(&destination).is_ok() {
                return Err(already());
            }
            return Err(LakeError::io("publish (rename)", &self.staging_dir)(error));
        }
        self.consumed = true;
        // Should an fsync fail now, the import is visible but maybe not durable: the caller
        // treats the publish as failed and calls `unpublish` (or start-up removes it).
        sync_dir(&imports_root)?;
        sync_dir(&self.lake_root.join(STAGING_DIR))?;
        Ok(destination)
    }

    /// Deletes the staged files.
    pub fn discard(mut self) -> Result<(), LakeError> {
        self.consumed = true;
        match fs::remove_dir_all(&self.staging_dir) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(LakeError::io("remove staging folder", &self.staging_dir)(
                error,
            )),
        }
    }
}

impl Drop for StagedImport {
    fn drop(&mut self) {
        if !self.consumed {
            let _ = fs::remove_dir_all(&self.staging_dir);
        }
    }
}

/// The text bytes of a line the lake can store; an error naming the line otherwise.
fn storable_text_bytes(line: &SaleLine, staging_dir: &Path) -> Result<usize, LakeError> {
    let unstorable = |reason: String| LakeError::Unstorable {
        path: staging_dir.to_path_buf(),
        line_number: line.line_number,
        reason,
    };
    let text_bytes = line.service.len()
        + line.reported_upc.len()
        + line.reported_isrc.len()
        + line.catalog_number.len()
        + line.proprietary_id.len()
        + line.release_title.len()
        + line.track_title.len()
        + line.artist.len()
        + 64;
    if text_bytes > MAX_LINE_TEXT_BYTES {
        return Err(unstorable(format!(
            "its text fields hold {text_bytes} bytes; at most {MAX_LINE_TEXT_BYTES} are stored"
        )));
    }
    for (name, value) in [
        (column::GROSS, line.gross),
        (column::NET, Some(line.net)),
        (column::FX_RATE, line.fx_rate),
    ] {
        if let Some(value) = value {
            if !fits_money_column(value) {
                return Err(unstorable(format!(
                    "{name} {value} has more than {MONEY_PRECISION} digits"
                )));
            }
        }
    }
    Ok(text_bytes)
}

/// Copies lines into batches of columns on a thread of the caller's, for
/// [`LakeWriter::write_batches`]: when lines are read on several threads, each has a builder,
/// and the batches are handed to the writer in the order of the lines.
#[derive(Debug)]
pub struct BatchBuilder {
    staging_dir: PathBuf,
    batch_rows: usize,
    batch_text_bytes: usize,
    columns: Columns,
    batches: Vec<Columns>,
}

impl BatchBuilder {
    /// Copies a line into the columns; refuses one the lake cannot store, as
    /// [`LakeWriter`] does.
    pub fn push(&mut self, line: &SaleLine) -> Result<(), LakeError> {
        let text_bytes = storable_text_bytes(line, &self.staging_dir)?;
        if self.columns.rows() > 0 && self.columns.text_bytes + text_bytes > self.batch_text_bytes {
            self.end_batch();
        }
        self.columns.append_line(line, text_bytes);
        if self.columns.rows() >= self.batch_rows {
            self.end_batch();
        }
        Ok(())
    }

    fn end_batch(&mut self) {
        if let Some(batch) = take_batch(&mut self.columns, self.batch_rows) {
            self.batches.push(batch);
        }
    }

    /// The batches of the lines pushed since the last call, in order.
    pub fn take_batches(&mut self) -> Result<Batches, LakeError> {
        self.end_batch();
        Ok(Batches(std::mem::take(&mut self.batches)))
    }
}

/// Lines copied into batches by a [`BatchBuilder`], for [`LakeWriter::write_batches`].
#[derive(Debug, Default)]
pub struct Batches(Vec<Columns>);

impl Batches {
    /// Lines held.
    pub fn rows(&self) -> usize {
        self.0.iter().map(Columns::rows).sum()
    }
}

/// `part-00000.parquet`, `part-00001.parquet`, …
pub(crate) fn part_file_name(index: usize) -> String {
    format!("part-{index:05}.parquet")
}

fn fits_money_column(value: Decimal) -> bool {
    (-MAX_MONEY_SCALED..=MAX_MONEY_SCALED).contains(&value.scaled())
}

/// The properties of the lake's Parquet files. They shape what Parquet's own column writers
/// write (line numbers, dates, units: with statistics, dictionaries for the dates and units);
/// text and amount columns are encoded by [`crate::encode`], without statistics.
fn writer_properties(
    options: &WriterOptions,
) -> Result<WriterProperties, parquet::errors::ParquetError> {
    let line_number = ColumnPath::from(column::LINE_NUMBER);
    Ok(WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(options.zstd_level)?))
        .set_dictionary_enabled(true)
        // Line numbers are distinct and ascending: deltas, not a dictionary.
        .set_column_dictionary_enabled(line_number.clone(), false)
        .set_column_encoding(line_number, Encoding::DELTA_BINARY_PACKED)
        .set_key_value_metadata(Some(vec![KeyValue::new(
            SCHEMA_VERSION_KEY.to_string(),
            SCHEMA_VERSION.to_string(),
        )]))
        .build())
}

/// The buffered lines as one batch, the buffer emptied; `None` when it held none.
fn take_batch(columns: &mut Columns, capacity: usize) -> Option<Columns> {
    if columns.rows() == 0 {
        return None;
    }
    Some(std::mem::replace(columns, Columns::new(capacity)))
}
