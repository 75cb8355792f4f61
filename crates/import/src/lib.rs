//! Importing sales reports into a Ledgerline home.
//!
//! For each file: hash its bytes (the import's identity), stop if that content is already
//! imported (a file whose size no import has cannot be one, and is hashed while it is read,
//! from the bytes the reading takes: see `Hashing`), recognise and parse every part
//! (`formats`), count how many lines match the catalog,
//! write the lines to a staging folder of the lake, then publish the folder and commit the import
//! record in one database transaction. A file with bad rows is refused whole unless the caller
//! asks to skip them, in which case the rejected rows are recorded with their reasons.
//!
//! Crash safety: the lake folder is published (an atomic rename, fsynced) before the database
//! commits; [`recover`] at start-up removes staging leftovers and any published folder the
//! database does not know, so after a crash an import is wholly present or wholly absent.

mod catalog_index;
mod error;
pub mod fx;
mod report_set;
pub mod suspense;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ledgerline_formats::registry::Registry;
use ledgerline_formats::report::{self, PartSummary, ReadError};
use ledgerline_formats::source::{open_report, RawTap, Taps};
use ledgerline_formats::tabular::{self, ChunkSink};
use ledgerline_formats::{Diagnostic, LineSink, SaleLine, Severity};
use ledgerline_lake::{BatchBuilder, Batches, LakeError, LakeWriter, PendingKey, RollupBuilder};
use ledgerline_money::{Currency, Decimal};
use ledgerline_store::{utc_timestamp_now, Ledger};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

pub use catalog_index::CatalogIndex;
pub use error::ImportError;
pub use report_set::{CountCheck, ReportSet, SetChecks, SummaryCheck};

/// How to read the files.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// `--source NAME`: only this source's layouts (or `ddex-dsr`).
    pub source: Option<String>,
    /// `--mapping FILE`: read with this mapping only.
    pub mapping: Option<std::path::PathBuf>,
    /// `--skip-bad-rows`: import the good rows, record the rejected ones.
    pub skip_bad_rows: bool,
    /// `--allow-same-totals`: import a report whose layout, line count, sale days and totals
    /// per currency are exactly those of a report imported before (otherwise refused as the
    /// same report saved again).
    pub allow_same_totals: bool,
    /// Told how far the reading of each part has got, for a progress bar.
    pub progress: Option<ledgerline_formats::source::ProgressHook>,
}

/// Whether the file was imported now or found already imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    AlreadyImported,
}

/// Units and money of one currency, as exact decimal strings in JSON.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub lines: u64,
    pub units: i64,
    pub gross: Decimal,
    pub net: Decimal,
}

/// What happened to one file.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FileImport {
    pub file: String,
    pub status: ImportStatus,
    pub import_id: i64,
    pub content_sha256: String,
    /// `source/layout/version` of the (first) part.
    pub format: String,
    pub parts: Vec<String>,
    pub lines: u64,
    pub rejected: u64,
    pub matched_lines: u64,
    pub unmatched_lines: u64,
    pub totals: BTreeMap<Currency, Totals>,
    pub first_sale_day: Option<String>,
    pub last_sale_day: Option<String>,
    /// Warnings, and with `--skip-bad-rows` the rejected rows (capped).
    pub diagnostics: Vec<Diagnostic>,
    pub diagnostics_total: u64,
    /// For a file of a multi-file DDEX DSR report: the report and how far it has got; the
    /// first of `report_sets`, kept for readers of the JSON written before there was a list.
    pub report_set: Option<ReportSet>,
    /// Every multi-file DDEX DSR report the file holds files of (a ZIP may hold files of
    /// several), in the order they come in it; empty for any other file.
    pub report_sets: Vec<ReportSet>,
}

/// Removes what a crashed import may have left: staging folders, and published lake folders
/// the database has no record of. Returns how many of each were removed.
pub fn recover(ledger: &Ledger, lake_root: &Path) -> Result<(usize, usize), ImportError> {
    let staging = ledgerline_lake::remove_leftovers(lake_root)?;
    // Under the publishing lock, and the committed imports read after it was taken: an import
    // another process is committing right now is not a crash's leftover.
    let publishing = ledgerline_lake::lock_publishing(lake_root)?;
    let known = known_import_keys(ledger)?;
    let unknown = ledgerline_lake::remove_unknown_imports(&publishing, |key| known.contains(key))?;
    Ok((staging, unknown.len()))
}

/// How the lake and the ledger's import records agree.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LakeConsistency {
    pub imports_checked: u64,
    /// Imports recorded in the ledger whose lines are missing or have another count:
    /// `import #id: reason`. Must be empty.
    pub problems: Vec<String>,
    /// Published lake folders the ledger has no record of: what a crash between publishing and
    /// committing leaves; the next import removes them.
    pub unrecorded_folders: Vec<String>,
}

/// Checks every recorded import against its lake folder (existence and line count, from the
/// Parquet metadata) and lists lake folders without a record. Reads only; changes nothing.
pub fn lake_consistency(ledger: &Ledger, lake_root: &Path) -> Result<LakeConsistency, ImportError> {
    let mut consistency = LakeConsistency::default();
    let mut statement = ledger
        .connection()
        .prepare("SELECT id, content_sha256, line_count FROM imports ORDER BY id")?;
    let recorded: Vec<(i64, String, i64)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, key, line_count) in &recorded {
        consistency.imports_checked += 1;
        match ledgerline_lake::import_row_count(lake_root, key) {
            Ok(rows) if rows == *line_count as u64 => {}
            Ok(rows) => consistency.problems.push(format!(
                "import #{id}: the ledger records {line_count} lines, the lake holds {rows}"
            )),
            Err(error) => consistency
                .problems
                .push(format!("import #{id}: its lines cannot be read: {error}")),
        }
    }
    let known: std::collections::HashSet<&str> =
        recorded.iter().map(|(_, key, _)| key.as_str()).collect();
    consistency.unrecorded_folders = ledgerline_lake::list_imports(lake_root)?
        .into_iter()
        .filter(|key| !known.contains(key.as_str()))
        .collect();
    Ok(consistency)
}

fn known_import_keys(ledger: &Ledger) -> Result<std::collections::HashSet<String>, ImportError> {
    let mut statement = ledger
        .connection()
        .prepare("SELECT content_sha256 FROM imports")?;
    let keys = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(keys)
}

fn sha256_of_file(path: &Path, label: &str) -> Result<(String, u64), ImportError> {
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
        file: label.to_string(),
        source,
    })?;
    sha256_of_reader(file, label)
}

/// The SHA-256 of everything `reader` gives, and how many bytes that was.
fn sha256_of_reader(mut reader: impl Read, label: &str) -> Result<(String, u64), ImportError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let read = reader.read(&mut buffer).map_err(|source| ImportError::Io {
            file: label.to_string(),
            source,
        })?;
        if read == 0 {
            break;
        }
        size += read as u64;
        hasher.update(&buffer[..read]);
    }
    Ok((hex(&hasher.finalize()), size))
}

/// The SHA-256 of the file being imported, its identity. When some import has the file's
/// size it is computed first, so that content already imported is recognised before it is
/// read. Otherwise the file cannot be one of them, and the hash is computed while the file is
/// read (the lake writer learns the key through a [`PendingKey`]): by the reading itself,
/// from the bytes it takes (a [`RawTap`]), when one reading of a delimited text takes the
/// whole file; else on a thread of its own, which reads the file a second time.
enum Hashing {
    Done(String, u64),
    /// Not started yet: [`begin`](Hashing::begin) chooses how.
    Pending(KeyGuard, PathBuf),
    Running {
        key: KeyGuard,
        thread: std::thread::JoinHandle<Result<(String, u64), ImportError>>,
    },
    Tapped {
        key: KeyGuard,
        state: Arc<Mutex<TapState>>,
        /// Taken by the one reading that hashes.
        tap: Option<RawTap>,
        path: PathBuf,
    },
}

/// What a [`RawTap`] hashed: the file's bytes from the first, and whether it saw the end.
#[derive(Default)]
struct TapState {
    hasher: Sha256,
    bytes: u64,
    ended: bool,
}

impl TapState {
    /// A tap that hashes into a new state.
    fn tap() -> (Arc<Mutex<TapState>>, RawTap) {
        let state = Arc::new(Mutex::new(TapState::default()));
        let fed = Arc::clone(&state);
        let tap = RawTap::new(move |bytes: &[u8]| {
            let mut state = fed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if bytes.is_empty() {
                state.ended = true;
            } else {
                state.hasher.update(bytes);
                state.bytes += bytes.len() as u64;
            }
        });
        (state, tap)
    }

    /// The hash, when the tap saw everything to the end.
    fn hash(state: &Mutex<TapState>) -> Option<(String, u64)> {
        let tapped = std::mem::take(&mut *state.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        tapped
            .ended
            .then(|| (hex(&tapped.hasher.finalize()), tapped.bytes))
    }
}

/// Whether the file is one delimited text, read by one parallel reading from its start (which
/// can then hash what it reads, see [`RawTap`]).
fn read_by_one_reading(parts: &[ledgerline_formats::source::ReportPart], detections: &[report::Detection]) -> bool {
    matches!(
        (parts, detections),
        ([_], [report::Detection { layout: report::Layout::Table { .. }, .. }])
    )
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl Hashing {
    fn start(ledger: &Ledger, path: &Path, label: &str) -> Result<Hashing, ImportError> {
        let byte_size = std::fs::metadata(path)
            .map_err(|source| ImportError::Io {
                file: label.to_string(),
                source,
            })?
            .len();
        let same_size: bool = ledger.connection().query_row(
            "SELECT EXISTS (SELECT 1 FROM imports WHERE byte_size = ?1)",
            [i64::try_from(byte_size).unwrap_or(i64::MAX)],
            |row| row.get(0),
        )?;
        if same_size {
            let (content_sha256, byte_size) = sha256_of_file(path, label)?;
            return Ok(Hashing::Done(content_sha256, byte_size));
        }
        Ok(Hashing::Pending(KeyGuard(PendingKey::new()), path.to_path_buf()))
    }

    /// Starts hashing a file whose hash is not known yet: from the bytes the reading takes
    /// when a single delimited text is read from the file's first byte to its last (the usual
    /// report), else on a thread.
    fn begin(
        self,
        path: &Path,
        label: &str,
        parts: &[ledgerline_formats::source::ReportPart],
        detections: &[report::Detection],
    ) -> Result<Hashing, ImportError> {
        let Hashing::Pending(key, _) = self else {
            return Ok(self);
        };
        if read_by_one_reading(parts, detections) && parts.iter().all(|part| part.reads_whole_file()) {
            let (state, tap) = TapState::tap();
            return Ok(Hashing::Tapped {
                key,
                state,
                tap: Some(tap),
                path: path.to_path_buf(),
            });
        }
        let (thread_key, thread_path, thread_label) =
            (key.0.clone(), path.to_path_buf(), label.to_string());
        let thread = std::thread::Builder::new()
            .name("import-sha256".to_string())
            .spawn(move || {
                // Set whatever happens, or the lake writer would wait for it.
                let key = KeyGuard(thread_key);
                key.settle(sha256_of_file(&thread_path, &thread_label))
            })
            .map_err(|source| ImportError::Io {
                file: label.to_string(),
                source,
            })?;
        Ok(Hashing::Running { key, thread })
    }

    fn key(&self) -> PendingKey {
        match self {
            Hashing::Done(content_sha256, _) => PendingKey::known(content_sha256),
            Hashing::Pending(key, _) | Hashing::Running { key, .. } | Hashing::Tapped { key, .. } => {
                key.0.clone()
            }
        }
    }

    /// The tap for the one reading that hashes the file, the first time it is asked for.
    fn take_tap(&mut self) -> Option<RawTap> {
        match self {
            Hashing::Tapped { tap, .. } => tap.take(),
            _ => None,
        }
    }

    /// The hash and the size hashed; the pending key is given them.
    fn finish(self, label: &str) -> Result<(String, u64), ImportError> {
        match self {
            Hashing::Done(content_sha256, byte_size) => Ok((content_sha256, byte_size)),
            Hashing::Running { thread, .. } => thread.join().unwrap_or_else(|_| {
                Err(ImportError::Io {
                    file: label.to_string(),
                    source: std::io::Error::other("the SHA-256 thread failed"),
                })
            }),
            Hashing::Tapped {
                key, state, path, ..
            } => {
                // A reading that stopped early (read again in order) did not see it all.
                key.settle(match TapState::hash(&state) {
                    Some(hashed) => Ok(hashed),
                    None => sha256_of_file(&path, label),
                })
            }
            Hashing::Pending(key, path) => key.settle(sha256_of_file(&path, label)),
        }
    }
}

/// Gives a [`PendingKey`] no key when dropped before it was given one.
struct KeyGuard(PendingKey);

impl KeyGuard {
    /// Gives the key the hash, or no key when hashing failed; passes the result on.
    fn settle(self, hashed: Result<(String, u64), ImportError>) -> Result<(String, u64), ImportError> {
        self.0.set(hashed.as_ref().ok().map(|(sha, _)| sha.clone()));
        hashed
    }
}

impl Drop for KeyGuard {
    fn drop(&mut self) {
        self.0.set(None);
    }
}

/// A report inside an import and the SHA-256 of its unpacked bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PartHash {
    label: String,
    content_sha256: String,
}

/// The hashes of the parts whose unpacked bytes are not the file's (gzip content, ZIP
/// members): from the bytes the reading takes when one reading takes the whole part, else on a
/// thread while the file is read. A part that is the file has the file's hash, known once the
/// file is hashed.
enum UnpackedHashing {
    /// Every part is the file.
    Files { labels: Vec<String> },
    Tapped {
        part: ledgerline_formats::source::ReportPart,
        state: Arc<Mutex<TapState>>,
        /// Taken by the one reading that hashes.
        tap: Option<RawTap>,
    },
    Thread {
        labels: Vec<String>,
        thread: std::thread::JoinHandle<Result<Vec<Option<String>>, ImportError>>,
    },
}

impl UnpackedHashing {
    fn start(
        parts: &[ledgerline_formats::source::ReportPart],
        detections: &[report::Detection],
    ) -> Result<UnpackedHashing, ImportError> {
        let labels: Vec<String> = parts.iter().map(|part| part.label.clone()).collect();
        if parts.iter().all(|part| part.is_the_file()) {
            return Ok(UnpackedHashing::Files { labels });
        }
        if let ([part], true) = (parts, read_by_one_reading(parts, detections)) {
            let (state, tap) = TapState::tap();
            return Ok(UnpackedHashing::Tapped { part: part.clone(), state, tap: Some(tap) });
        }
        let parts = parts.to_vec();
        let thread = std::thread::Builder::new()
            .name("import-parts-sha256".to_string())
            .spawn(move || parts.iter().map(unpacked_hash).collect())
            .map_err(|source| ImportError::Io {
                file: labels.first().cloned().unwrap_or_default(),
                source,
            })?;
        Ok(UnpackedHashing::Thread { labels, thread })
    }

    /// The tap for the one reading that hashes the part, the first time it is asked for.
    fn take_tap(&mut self) -> Option<RawTap> {
        match self {
            UnpackedHashing::Tapped { tap, .. } => tap.take(),
            _ => None,
        }
    }

    /// Every part's hash; `file_sha256` is the hash of the parts that are the file.
    fn finish(self, file_sha256: &str) -> Result<Vec<PartHash>, ImportError> {
        let (labels, hashes) = match self {
            UnpackedHashing::Files { labels } => {
                let hashes = vec![None; labels.len()];
                (labels, hashes)
            }
            UnpackedHashing::Tapped { part, state, .. } => {
                // A reading that stopped early (read again in order) did not see it all.
                let hash = match TapState::hash(&state) {
                    Some((hash, _)) => Some(hash),
                    None => unpacked_hash(&part)?,
                };
                (vec![part.label], vec![hash])
            }
            UnpackedHashing::Thread { labels, thread } => {
                let hashes = thread.join().unwrap_or_else(|_| {
                    Err(ImportError::Io {
                        file: labels.first().cloned().unwrap_or_default(),
                        source: std::io::Error::other("the thread hashing the file's reports failed"),
                    })
                })?;
                (labels, hashes)
            }
        };
        Ok(labels
            .into_iter()
            .zip(hashes)
            .map(|(label, hash)| PartHash {
                label,
                content_sha256: hash.unwrap_or_else(|| file_sha256.to_string()),
            })
            .collect())
    }
}

/// The SHA-256 of a part's unpacked bytes; `None` for a part that is the file.
fn unpacked_hash(part: &ledgerline_formats::source::ReportPart) -> Result<Option<String>, ImportError> {
    if part.is_the_file() {
        return Ok(None);
    }
    let bytes = part.open_unpacked().map_err(ImportError::Source)?;
    Ok(Some(sha256_of_reader(bytes, &part.label)?.0))
}

/// Whether the file's reports were imported before in other packaging (the CSV of a ZIP
/// imported before, the ZIP of a CSV imported before, a gzipped copy): every one of them
/// means the file is already imported (the earlier import is returned as such); only some of
/// them, or one report twice in the file, refuses it, so that no report is counted twice.
fn reports_already_imported(
    ledger: &Ledger,
    label: &str,
    parts: &[PartHash],
) -> Result<Option<Result<FileImport, ImportError>>, ImportError> {
    for (index, part) in parts.iter().enumerate() {
        if let Some(twin) = parts[..index]
            .iter()
            .find(|earlier| earlier.content_sha256 == part.content_sha256)
        {
            return Ok(Some(Err(ImportError::SameReportTwice {
                file: label.to_string(),
                first: twin.label.clone(),
                second: part.label.clone(),
            })));
        }
    }
    let connection = ledger.connection();
    let mut found = Vec::with_capacity(parts.len());
    for part in parts {
        let by_file = connection
            .query_row(
                "SELECT id, content_sha256, file_name FROM imports WHERE content_sha256 = ?1",
                [&part.content_sha256],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)),
            )
            .optional()?;
        let earlier = match by_file {
            Some(earlier) => Some(earlier),
            None => connection
                .query_row(
                    "SELECT i.id, i.content_sha256, p.part FROM import_parts p JOIN imports i ON i.id = p.import_id
                     WHERE p.content_sha256 = ?1 ORDER BY i.id LIMIT 1",
                    [&part.content_sha256],
                    |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)),
                )
                .optional()?,
        };
        found.push(earlier);
    }
    if found.iter().all(Option::is_none) {
        return Ok(None);
    }
    if found.iter().all(Option::is_some) {
        if let Some(Some((_, import_sha256, _))) = found.first() {
            return Ok(existing_import(ledger, import_sha256, label)?.map(Ok));
        }
    }
    Ok(parts
        .iter()
        .zip(&found)
        .find_map(|(part, earlier)| earlier.as_ref().map(|earlier| (part, earlier)))
        .map(|(part, (import_id, _, imported_as))| {
            Err(ImportError::ReportAlreadyImported {
                file: label.to_string(),
                part: part.label.clone(),
                import_id: *import_id,
                imported_as: imported_as.clone(),
            })
        }))
}

/// [`CatalogIndex::matches`] with the last matched ISRC remembered: a report lists a track's
/// sales together, so most lines are answered by one comparison instead of a hash lookup.
struct Matcher<'a> {
    index: &'a CatalogIndex,
    last_isrc_matched: String,
}

impl<'a> Matcher<'a> {
    fn new(index: &'a CatalogIndex) -> Matcher<'a> {
        Matcher {
            index,
            last_isrc_matched: String::new(),
        }
    }

    fn matches(&mut self, line: &SaleLine) -> bool {
        let isrc = line.isrc.as_ref().map_or("", |isrc| isrc.as_str());
        if !isrc.is_empty() && ledgerline_model::text::same(isrc, &self.last_isrc_matched) {
            return true;
        }
        let matched = self.index.matches(line);
        if matched && self.index.knows_isrc(isrc) {
            self.last_isrc_matched.clear();
            self.last_isrc_matched.push_str(isrc);
        }
        matched
    }
}

/// Counts how many lines the catalog knows and hands them to the lake writer (which encodes
/// Parquet on a thread of its own).
struct MatchingSink<'a> {
    catalog: Matcher<'a>,
    lake: LakeWriter,
    /// The import's lines added up for royalty runs (`ledgerline_lake::read_rollup`).
    rollup: RollupBuilder,
    matched: u64,
    unmatched: u64,
}

impl LineSink for MatchingSink<'_> {
    type Error = LakeError;

    fn accept(&mut self, line: SaleLine) -> Result<(), LakeError> {
        self.accept_borrowed(&line)
    }

    fn accept_borrowed(&mut self, line: &SaleLine) -> Result<(), LakeError> {
        if self.catalog.matches(line) {
            self.matched += 1;
        } else {
            self.unmatched += 1;
        }
        self.rollup.add(line);
        self.lake.accept_borrowed(line)
    }
}

/// Reads every part into the lake writer; returns the summaries, or the first error.
fn read_into_lake(
    parts: &[ledgerline_formats::source::ReportPart],
    detections: &[report::Detection],
    sink: &mut MatchingSink,
) -> Result<Vec<PartSummary>, ImportError> {
    parts
        .iter()
        .zip(detections)
        .map(|(part, detection)| {
            report::read(part, detection, sink).map_err(ImportError::from_read)
        })
        .collect()
}

/// The sink of one thread of a parallel read: counts matches, folds the lines into the thread's
/// roll-up and copies them into the lake's batches; the reading thread hands the batches to the lake
/// in order. The threads' roll-ups are added to the import's once the whole part is read (the
/// sums are exact, so the order does not matter): a roll-up per chunk cost a new key for most
/// lines, since a chunk holds few lines of each key.
struct ChunkMatchingSink<'a> {
    catalog: Matcher<'a>,
    batches: BatchBuilder,
    rollup: RollupBuilder,
    matched: u64,
    unmatched: u64,
}

impl ChunkSink for ChunkMatchingSink<'_> {
    type Error = LakeError;
    type Output = Batches;

    fn accept(&mut self, line: &SaleLine) -> Result<(), LakeError> {
        if self.catalog.matches(line) {
            self.matched += 1;
        } else {
            self.unmatched += 1;
        }
        self.rollup.add(line);
        self.batches.push(line)
    }

    fn end_chunk(&mut self) -> Result<Batches, LakeError> {
        self.batches.take_batches()
    }
}

/// Threads that read a delimited report: the machine's cores (the Parquet encoder has a
/// thread of its own and takes its share).
fn reading_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
}

/// [`read_into_lake`] with each delimited part read on several threads; `None` when a part
/// cannot be read that way with certainty (see `read_rows_parallel`): the lake writer then
/// holds an unknown part of it, and the caller starts again.
fn read_into_lake_in_parallel(
    parts: &[ledgerline_formats::source::ReportPart],
    detections: &[report::Detection],
    sink: &mut MatchingSink,
    mut taps: Taps,
) -> Result<Option<Vec<PartSummary>>, ImportError> {
    let mut summaries = Vec::with_capacity(parts.len());
    for (part, detection) in parts.iter().zip(detections) {
        let report::Layout::Table { mapping, shape } = &detection.layout else {
            summaries.push(report::read(part, detection, sink).map_err(ImportError::from_read)?);
            continue;
        };
        let threads = reading_threads();
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            workers.push(ChunkMatchingSink {
                catalog: Matcher::new(sink.catalog.index),
                batches: sink.lake.batch_builder()?,
                // A thread that sees more keys than the limit gives up, and so does the
                // import's roll-up when it absorbs it: the import has as many keys at least.
                rollup: RollupBuilder::new(),
                matched: 0,
                unmatched: 0,
            });
        }
        let text = part
            .open_text_tapped(std::mem::take(&mut taps))
            .map_err(ImportError::Source)?;
        let lake = &mut sink.lake;
        let read = tabular::read_rows_parallel(text, &part.label, mapping, shape, workers, |batches| {
            lake.write_batches(batches)
        })
        .map_err(|error| ImportError::from_read(ReadError::Table(error)))?;
        let Some(read) = read else { return Ok(None) };
        for worker in read.sinks {
            sink.matched += worker.matched;
            sink.unmatched += worker.unmatched;
            sink.rollup.absorb(worker.rollup);
        }
        summaries.push(PartSummary {
            label: part.label.clone(),
            format: read.bound.format,
            summary: read.summary,
            file_of_set: None,
        });
    }
    Ok(Some(summaries))
}

/// Imports one file. `label` is how the user named it (kept in messages and the record).
pub fn import_file(
    ledger: &mut Ledger,
    lake_root: &Path,
    path: &Path,
    label: &str,
    options: &ImportOptions,
    catalog: &CatalogIndex,
) -> Result<FileImport, ImportError> {
    let hashing = Hashing::start(ledger, path, label)?;
    if let Hashing::Done(content_sha256, _) = &hashing {
        if let Some(existing) = existing_import(ledger, content_sha256, label)? {
            return Ok(existing);
        }
    }
    let registry = match (&options.mapping, &options.source) {
        (Some(mapping), _) => Registry::from_user_mapping(mapping)?,
        (None, Some(source)) if source.eq_ignore_ascii_case("ddex-dsr") => Registry::built_in(),
        (None, Some(source)) => {
            let all = Registry::built_in();
            all.restricted_to_source(source)
                .ok_or_else(|| ImportError::UnknownSource {
                    source_name: source.clone(),
                    known: all.source_names(),
                })?
        }
        (None, None) => Registry::built_in(),
    };
    let force_dsr = options
        .source
        .as_deref()
        .is_some_and(|source| source.eq_ignore_ascii_case("ddex-dsr"));

    let mut parts = open_report(path, label).map_err(ImportError::Source)?;
    if let Some(hook) = &options.progress {
        parts = parts
            .into_iter()
            .map(|part| part.with_progress(hook.clone()))
            .collect();
    }
    // Recognise every part before writing anything, so an unknown member refuses the file early.
    let mut detections = Vec::with_capacity(parts.len());
    for part in &parts {
        detections.push(
            report::detect::<LakeError>(part, &registry, force_dsr)
                .map_err(ImportError::from_read)?,
        );
    }
    let mut hashing = hashing.begin(path, label, &parts, &detections)?;
    let tap = hashing.take_tap();
    let mut unpacked = UnpackedHashing::start(&parts, &detections)?;
    let taps = Taps { file: tap, unpacked: unpacked.take_tap() };
    let new_sink = || -> Result<MatchingSink, ImportError> {
        Ok(MatchingSink {
            catalog: Matcher::new(catalog),
            lake: LakeWriter::create_pending(lake_root, hashing.key())?,
            rollup: RollupBuilder::new(),
            matched: 0,
            unmatched: 0,
        })
    };
    let mut sink = new_sink()?;
    let mut summaries = match read_into_lake_in_parallel(&parts, &detections, &mut sink, taps)? {
        Some(summaries) => summaries,
        None => {
            // A quoted line break across chunks, or an error: read it all again in order
            // (which also reports any error exactly as it always has).
            drop(sink);
            sink = new_sink()?;
            read_into_lake(&parts, &detections, &mut sink)?
        }
    };
    for (summary, detection) in summaries.iter_mut().zip(&detections) {
        if let report::Layout::Table { shape, .. } = &detection.layout {
            if let Some((line, note)) = &shape.number_style_note {
                summary
                    .summary
                    .add_diagnostic(Diagnostic::warning(&summary.label, *line, note.clone()));
            }
        }
    }
    let MatchingSink {
        lake,
        matched,
        unmatched,
        rollup,
        ..
    } = sink;
    let (content_sha256, byte_size) = hashing.finish(label)?;
    if let Some(existing) = existing_import(ledger, &content_sha256, label)? {
        // Imported meanwhile by another process.
        drop(lake);
        return Ok(existing);
    }
    let part_hashes = unpacked.finish(&content_sha256)?;
    if let Some(earlier) = reports_already_imported(ledger, label, &part_hashes)? {
        drop(lake);
        return earlier;
    }

    let mut diagnostics: Vec<Diagnostic> = summaries
        .iter()
        .flat_map(|summary| summary.summary.diagnostics.iter().cloned())
        .collect();
    let diagnostics_total: u64 = summaries
        .iter()
        .map(|summary| summary.summary.diagnostics_total)
        .sum();
    let rejected: u64 = summaries
        .iter()
        .map(|summary| summary.summary.rejected)
        .sum();
    let has_errors = summaries.iter().any(|summary| summary.summary.has_errors());
    // Control-total failures are errors without a rejected row: they cannot be skipped.
    let file_level_errors = diagnostics
        .iter()
        .any(|diagnostic| diagnostic.is_error() && diagnostic.line == 0);
    if has_errors && (!options.skip_bad_rows || file_level_errors) {
        drop(lake);
        diagnostics.retain(Diagnostic::is_error);
        return Err(ImportError::Refused {
            file: label.to_string(),
            rejected_rows: rejected,
            errors_total: summaries
                .iter()
                .map(|summary| summary.summary.errors_total)
                .sum(),
            diagnostics,
            can_skip: !file_level_errors,
        });
    }

    let staged = lake.finish()?;
    // The roll-up is derived data that runs rebuild when it is missing or does not count the
    // import's rows; runs read only committed imports, so one left by a failed import is unread.
    rollup.write(lake_root, &content_sha256)?;
    // From the last "is it new?" to the commit, under the publishing lock: another process may
    // have imported this file, or its reports in other packaging, since the checks above, and
    // the clean-up of a starting process must not take this import for a crash's leftover.
    let publishing = ledgerline_lake::lock_publishing(lake_root)?;
    if let Some(existing) = existing_import(ledger, &content_sha256, label)? {
        return Ok(existing);
    }
    if let Some(earlier) = reports_already_imported(ledger, label, &part_hashes)? {
        return earlier;
    }
    // A file of a multi-file DSR report must fit the files of it already imported.
    let report_sets = report_set::check(ledger, label, &summaries)?;
    if !options.allow_same_totals {
        if let Some(error) = same_totals_as_earlier(ledger, label, &summaries, matched + unmatched)? {
            return Err(error);
        }
    }
    let lake_path = staged.publish()?;
    let record = ImportRecord {
        content_sha256: &content_sha256,
        label,
        byte_size,
        summaries: &summaries,
        matched,
        unmatched,
        lake_path: &lake_path,
        diagnostics: &diagnostics,
        report_sets: report_sets.as_ref(),
        part_hashes: &part_hashes,
    };
    let import_id = match record.insert(ledger) {
        Ok(id) => id,
        Err(error) => {
            // Keep lake and database in step: without the record, the files must go.
            let _ = ledgerline_lake::unpublish(lake_root, &content_sha256);
            return Err(error);
        }
    };
    drop(publishing);
    let set_statuses = report_sets
        .as_ref()
        .map(report_set::PendingSets::statuses)
        .unwrap_or_default();
    Ok(FileImport {
        file: label.to_string(),
        status: ImportStatus::Imported,
        import_id,
        content_sha256: content_sha256.clone(),
        format: summaries
            .first()
            .map(|summary| summary.format.to_string())
            .unwrap_or_default(),
        parts: summaries
            .iter()
            .map(|summary| summary.label.clone())
            .collect(),
        lines: matched + unmatched,
        rejected,
        matched_lines: matched,
        unmatched_lines: unmatched,
        totals: combined_totals(&summaries),
        first_sale_day: summaries
            .iter()
            .filter_map(|summary| summary.summary.first_sale_day)
            .min()
            .map(|day| day.to_string()),
        last_sale_day: summaries
            .iter()
            .filter_map(|summary| summary.summary.last_sale_day)
            .max()
            .map(|day| day.to_string()),
        diagnostics,
        diagnostics_total,
        report_set: set_statuses.first().cloned(),
        report_sets: set_statuses,
    })
}

/// A report saved again (re-encoded as UTF-8, re-exported by a spreadsheet, another
/// delimiter) has other bytes, so no hash knows it; but its lines are the same. An import whose
/// layout, line count, first and last sale days and totals per currency (lines, units, gross,
/// net, exact) are all those of an earlier import is taken for it, and refused. Empty reports
/// are left alone: every report without sales agrees with every other. So are DDEX DSR reports,
/// which say which report they are (sender and MessageId, checked by `report_set`): the files
/// of one multi-file report may well agree in their totals.
fn same_totals_as_earlier(
    ledger: &Ledger,
    label: &str,
    summaries: &[PartSummary],
    lines: u64,
) -> Result<Option<ImportError>, ImportError> {
    let Some(format) = summaries.first().map(|summary| &summary.format) else {
        return Ok(None);
    };
    if lines == 0 || summaries.iter().any(|summary| summary.file_of_set.is_some()) {
        return Ok(None);
    }
    let day = |pick: fn(&PartSummary) -> Option<ledgerline_model::Date>, first: bool| {
        let days = summaries.iter().filter_map(pick);
        if first { days.min() } else { days.max() }.map(|day| day.to_string())
    };
    let first_day = day(|summary| summary.summary.first_sale_day, true);
    let last_day = day(|summary| summary.summary.last_sale_day, false);
    let totals = combined_totals(summaries);
    let connection = ledger.connection();
    let mut candidates = connection.prepare(
        "SELECT id, file_name FROM imports
         WHERE source = ?1 AND layout = ?2 AND line_count = ?3 AND first_sale_day IS ?4 AND last_sale_day IS ?5
         ORDER BY id",
    )?;
    let candidates = candidates
        .query_map(
            params![format.source, format.layout, lines as i64, first_day, last_day],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
        )?
        .collect::<Result<Vec<_>, _>>()?;
    for (import_id, imported_as) in candidates {
        if import_totals_of(connection, import_id)? == totals {
            let net: Vec<String> = totals
                .iter()
                .map(|(currency, totals)| format!("{} {currency}", totals.net))
                .collect();
            let days = match (&first_day, &last_day) {
                (Some(first), Some(last)) => format!(", sales from {first} to {last}"),
                _ => String::new(),
            };
            return Ok(Some(ImportError::SameTotals {
                file: label.to_string(),
                import_id,
                imported_as,
                what: format!("{lines} lines of {}/{}{days}, net {}", format.source, format.layout, net.join(", ")),
            }));
        }
    }
    Ok(None)
}

/// The totals per currency an import recorded.
fn import_totals_of(
    connection: &rusqlite::Connection,
    import_id: i64,
) -> Result<BTreeMap<Currency, Totals>, ImportError> {
    let mut statement = connection.prepare_cached(
        "SELECT currency, lines, units, gross, net FROM import_totals WHERE import_id = ?1 ORDER BY currency",
    )?;
    let rows = statement.query_map([import_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let mut totals = BTreeMap::new();
    for row in rows {
        let (currency, lines, units, gross, net) = row?;
        let corrupt = |what: &str| ImportError::Corrupt {
            what: format!("{what} of import {import_id}"),
        };
        totals.insert(
            Currency::parse(&currency).map_err(|_| corrupt("currency"))?,
            Totals {
                lines: lines as u64,
                units,
                gross: Decimal::parse(&gross).map_err(|_| corrupt("gross total"))?,
                net: Decimal::parse(&net).map_err(|_| corrupt("net total"))?,
            },
        );
    }
    Ok(totals)
}

fn combined_totals(summaries: &[PartSummary]) -> BTreeMap<Currency, Totals> {
    let mut totals: BTreeMap<Currency, Totals> = BTreeMap::new();
    for summary in summaries {
        for (currency, part) in &summary.summary.totals {
            let entry = totals.entry(*currency).or_insert(Totals {
                lines: 0,
                units: 0,
                gross: Decimal::ZERO,
                net: Decimal::ZERO,
            });
            entry.lines += part.lines;
            entry.units += part.units;
            entry.gross += part.gross;
            entry.net += part.net;
        }
    }
    totals
}

struct ImportRecord<'a> {
    content_sha256: &'a str,
    label: &'a str,
    byte_size: u64,
    summaries: &'a [PartSummary],
    matched: u64,
    unmatched: u64,
    lake_path: &'a Path,
    diagnostics: &'a [Diagnostic],
    report_sets: Option<&'a report_set::PendingSets>,
    part_hashes: &'a [PartHash],
}

impl ImportRecord<'_> {
    fn insert(&self, ledger: &mut Ledger) -> Result<i64, ImportError> {
        let transaction = ledger.connection_mut().transaction()?;
        let first = self.summaries.first();
        let format = first.map(|summary| summary.format.clone());
        let first_day = self
            .summaries
            .iter()
            .filter_map(|summary| summary.summary.first_sale_day)
            .min();
        let last_day = self
            .summaries
            .iter()
            .filter_map(|summary| summary.summary.last_sale_day)
            .max();
        let rejected: u64 = self
            .summaries
            .iter()
            .map(|summary| summary.summary.rejected)
            .sum();
        transaction.execute(
            "INSERT INTO imports (content_sha256, file_name, source, layout, format_version, byte_size, line_count,
                                  rejected_rows, matched_lines, unmatched_lines, first_sale_day, last_sale_day,
                                  lake_path, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                self.content_sha256,
                self.label,
                format.as_ref().map(|format| format.source.clone()).unwrap_or_default(),
                format.as_ref().map(|format| format.layout.clone()).unwrap_or_default(),
                format.as_ref().map(|format| format.version.clone()).unwrap_or_default(),
                self.byte_size as i64,
                (self.matched + self.unmatched) as i64,
                rejected as i64,
                self.matched as i64,
                self.unmatched as i64,
                first_day.map(|day| day.to_string()),
                last_day.map(|day| day.to_string()),
                self.lake_path.display().to_string(),
                utc_timestamp_now(),
            ],
        )?;
        let import_id = transaction.last_insert_rowid();
        for (currency, totals) in combined_totals(self.summaries) {
            transaction.execute(
                "INSERT INTO import_totals (import_id, currency, lines, units, gross, net) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![import_id, currency.code(), totals.lines as i64, totals.units, totals.gross.to_string(), totals.net.to_string()],
            )?;
        }
        for diagnostic in self.diagnostics {
            transaction.execute(
                "INSERT INTO import_diagnostics (import_id, severity, file, line, column_number, column_name, value, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    import_id,
                    if diagnostic.severity == Severity::Error { "error" } else { "warning" },
                    diagnostic.file,
                    diagnostic.line as i64,
                    diagnostic.column.map(|column| column as i64),
                    diagnostic.column_name,
                    diagnostic.value,
                    diagnostic.reason,
                ],
            )?;
        }
        for (position, part) in self.part_hashes.iter().enumerate() {
            transaction.execute(
                "INSERT INTO import_parts (import_id, position, part, content_sha256) VALUES (?1, ?2, ?3, ?4)",
                params![import_id, position as i64, part.label, part.content_sha256],
            )?;
        }
        if let Some(report_sets) = self.report_sets {
            report_sets.record(&transaction, import_id, self.label)?;
        }
        transaction.commit()?;
        Ok(import_id)
    }
}

/// The stored record of content already imported, reported as such.
fn existing_import(
    ledger: &Ledger,
    content_sha256: &str,
    label: &str,
) -> Result<Option<FileImport>, ImportError> {
    let connection = ledger.connection();
    let row = connection
        .query_row(
            "SELECT id, source, layout, format_version, line_count, rejected_rows, matched_lines, unmatched_lines,
                    first_sale_day, last_sale_day, file_name
             FROM imports WHERE content_sha256 = ?1",
            [content_sha256],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    format!("{}/{}/{}", row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?),
                    row.get::<_, i64>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, i64>(6)?,
                    row.get::<_, i64>(7)?,
                    row.get::<_, Option<String>>(8)?,
                    row.get::<_, Option<String>>(9)?,
                    row.get::<_, String>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((
        import_id,
        format,
        _lines,
        rejected,
        matched,
        unmatched,
        first_day,
        last_day,
        first_name,
    )) = row
    else {
        return Ok(None);
    };
    let totals = import_totals_of(connection, import_id)?;
    let report_sets = report_set::statuses_of_import(connection, import_id)?;
    // Every report of the import as it was named then; imports made before import_parts
    // existed have no rows there, only their file name.
    let mut parts = connection
        .prepare("SELECT part FROM import_parts WHERE import_id = ?1 ORDER BY position")?
        .query_map([import_id], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    if parts.is_empty() {
        parts.push(first_name);
    }
    Ok(Some(FileImport {
        file: label.to_string(),
        status: ImportStatus::AlreadyImported,
        import_id,
        content_sha256: content_sha256.to_string(),
        format,
        parts,
        lines: (matched + unmatched) as u64,
        rejected: rejected as u64,
        matched_lines: matched as u64,
        unmatched_lines: unmatched as u64,
        totals,
        first_sale_day: first_day,
        last_sale_day: last_day,
        diagnostics: Vec::new(),
        diagnostics_total: 0,
        report_set: report_sets.first().cloned(),
        report_sets,
    }))
}
