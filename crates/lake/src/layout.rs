//! Where things live in a lake folder, and the operations that move whole imports:
//! clean-up of staging leftovers, unpublishing, and removal of imports the database does not
//! know.
//!
//! ```text
//! lake_root/
//!   imports/<import_key>/part-00000.parquet     published, complete, immutable
//!                        part-00001.parquet     (large imports only)
//!   .staging/<import_key>-<pid>-<counter>/      being written, or left by a crash
//!                                               (64 zeros for the key while it is being
//!                                               computed: `PendingKey`)
//!   .staging/<import_key>-<pid>-<counter>-removed/   being deleted after unpublishing
//!   .publish.lock                               the publishing lock ([`lock_publishing`])
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::LakeError;

pub(crate) const IMPORTS_DIR: &str = "imports";
pub(crate) const STAGING_DIR: &str = ".staging";
const PUBLISH_LOCK: &str = ".publish.lock";
const REMOVED_SUFFIX: &str = "-removed";
const IMPORT_KEY_LENGTH: usize = 64;

/// Makes staging folder names unique within the process.
static STAGING_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The folder a published import lives in: `lake_root/imports/<import_key>/`.
///
/// The key is not checked here; the functions that touch the file system check it.
pub fn import_path(lake_root: &Path, import_key: &str) -> PathBuf {
    lake_root.join(IMPORTS_DIR).join(import_key)
}

/// Whether `key` is a valid import key: exactly 64 lower-case hexadecimal digits, the form of
/// a SHA-256. Only such names are ever created in, or removed from, the lake.
pub fn is_valid_import_key(key: &str) -> bool {
    key.len() == IMPORT_KEY_LENGTH
        && key
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

pub(crate) fn check_import_key(lake_root: &Path, key: &str) -> Result<(), LakeError> {
    if is_valid_import_key(key) {
        Ok(())
    } else {
        Err(LakeError::InvalidImportKey {
            key: key.to_string(),
            lake_root: lake_root.to_path_buf(),
        })
    }
}

/// A fresh staging folder name for `import_key`, unique in this process and tagged with its id.
pub(crate) fn new_staging_path(lake_root: &Path, import_key: &str, suffix: &str) -> PathBuf {
    let counter = STAGING_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!("{import_key}-{}-{counter}{suffix}", std::process::id());
    lake_root.join(STAGING_DIR).join(name)
}

/// Creates `path` (and its parents) if missing; when it had to be created, fsyncs its parent
/// so that the new folder survives a crash.
pub(crate) fn ensure_dir(path: &Path) -> Result<(), LakeError> {
    if path.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(path).map_err(LakeError::io("create folder", path))?;
    if let Some(parent) = path.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

/// Makes the entries of folder `path` durable (file creations, renames, removals).
#[cfg(unix)]
pub(crate) fn sync_dir(path: &Path) -> Result<(), LakeError> {
    let folder = fs::File::open(path).map_err(LakeError::io("open folder for fsync", path))?;
    folder
        .sync_all()
        .map_err(LakeError::io("fsync folder", path))
}

/// Folders cannot be opened for fsync on this platform; its file system orders metadata
/// updates itself (NTFS journals them).
#[cfg(not(unix))]
pub(crate) fn sync_dir(_path: &Path) -> Result<(), LakeError> {
    Ok(())
}

/// The entries of `folder`, or none when it does not exist.
fn entries(folder: &Path) -> Result<Vec<(String, PathBuf)>, LakeError> {
    let listing = match fs::read_dir(folder) {
        Ok(listing) => listing,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(LakeError::io("list folder", folder)(error)),
    };
    let mut found = Vec::new();
    for entry in listing {
        let entry = entry.map_err(LakeError::io("list folder", folder))?;
        // Names that are not UTF-8 are never created by the lake; they are shown lossily.
        let name = entry.file_name().to_string_lossy().into_owned();
        found.push((name, entry.path()));
    }
    found.sort();
    Ok(found)
}

fn remove_entry(path: &Path) -> Result<(), LakeError> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(LakeError::io("inspect", path)(error)),
    };
    let removed = if metadata.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    match removed {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(LakeError::io("remove", path)(error)),
    }
}

/// The process id a staging folder name carries: `<key>-<pid>-<counter>[-removed]`.
fn staging_owner(name: &str) -> Option<u32> {
    let name = name.strip_suffix(REMOVED_SUFFIX).unwrap_or(name);
    let mut fields = name.rsplitn(3, '-');
    let _counter: u64 = fields.next()?.parse().ok()?;
    let pid: u32 = fields.next()?.parse().ok()?;
    let key = fields.next()?;
    is_valid_import_key(key).then_some(pid)
}

/// Whether process `pid` still runs, as far as this platform can tell.
#[cfg(target_os = "linux")]
fn process_is_running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Without `/proc`, no other process is assumed to write the lake at start-up.
#[cfg(not(target_os = "linux"))]
fn process_is_running(_pid: u32) -> bool {
    false
}

/// Deletes what crashed or interrupted writers left in `lake_root/.staging/`; returns how many
/// entries were removed. Call it at start-up.
///
/// Kept: the staging folders of this process (its live writers own them) and, on Linux, those
/// of processes that still run (another Ledgerline process importing into the same lake).
/// Removed: everything else under `.staging/`, which is never read. Nothing under `imports/`
/// is touched. A process id reused by an unrelated process only delays the clean-up.
pub fn remove_leftovers(lake_root: &Path) -> Result<usize, LakeError> {
    let staging_root = lake_root.join(STAGING_DIR);
    let own_pid = std::process::id();
    let mut removed = 0;
    for (name, path) in entries(&staging_root)? {
        let stale = match staging_owner(&name) {
            Some(pid) => pid != own_pid && !process_is_running(pid),
            None => true,
        };
        if stale {
            remove_entry(&path)?;
            removed += 1;
        }
    }
    if removed > 0 {
        sync_dir(&staging_root)?;
    }
    Ok(removed)
}

/// The keys of every published import, sorted. Entries of `imports/` whose name is not an
/// import key are not the lake's and are ignored.
pub fn list_imports(lake_root: &Path) -> Result<Vec<String>, LakeError> {
    let imports_root = lake_root.join(IMPORTS_DIR);
    let mut keys: Vec<String> = entries(&imports_root)?
        .into_iter()
        .filter(|(name, path)| is_valid_import_key(name) && path.is_dir())
        .map(|(name, _)| name)
        .collect();
    keys.sort();
    Ok(keys)
}

/// Whether the import is published.
pub fn is_published(lake_root: &Path, import_key: &str) -> Result<bool, LakeError> {
    check_import_key(lake_root, import_key)?;
    Ok(import_path(lake_root, import_key).is_dir())
}

/// Removes a published import; returns `false` when it was not published.
///
/// The folder is first renamed into `.staging/` (atomic: readers see the whole import or
/// nothing) and the rename made durable; only then are its files deleted. Should the deletion
/// fail or be interrupted, the rest is a staging leftover that [`remove_leftovers`] deletes,
/// and this still returns `Ok(true)`: the import is no longer in the lake.
///
/// The importer calls this when the database commit that follows [`publish`] fails.
///
/// [`publish`]: crate::StagedImport::publish
pub fn unpublish(lake_root: &Path, import_key: &str) -> Result<bool, LakeError> {
    check_import_key(lake_root, import_key)?;
    let published = import_path(lake_root, import_key);
    if !published.is_dir() {
        return Ok(false);
    }
    let staging_root = lake_root.join(STAGING_DIR);
    ensure_dir(&staging_root)?;
    let doomed = new_staging_path(lake_root, import_key, REMOVED_SUFFIX);
    match fs::rename(&published, &doomed) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(LakeError::io("move out of the lake", &published)(error)),
    }
    sync_dir(&lake_root.join(IMPORTS_DIR))?;
    sync_dir(&staging_root)?;
    // Best effort: a failure leaves a leftover for `remove_leftovers`, not a half import.
    let _ = fs::remove_dir_all(&doomed);
    Ok(true)
}

/// The lake's publishing lock: an exclusive advisory lock (`flock`) on
/// `lake_root/.publish.lock`, released when dropped.
///
/// A published import the database does not know yet is either one a crash left or one whose
/// record another process (or thread) is committing at this moment. The lock tells them apart:
/// an import holds it from its last "is this report new?" check through [`publish`] to the
/// commit of its record, and [`remove_unknown_imports`] runs under it, so the clean-up only
/// ever sees imports that are committed or abandoned. It also makes that last check and the
/// commit one step, so two processes importing one report at the same moment (in the same or
/// in other packaging) end with one import and one "already imported", never with two.
/// Each holder keeps it for a few file renames and one SQLite commit; others wait.
///
/// [`publish`]: crate::StagedImport::publish
#[derive(Debug)]
pub struct PublishLock {
    lake_root: PathBuf,
    _file: fs::File,
}

/// Takes the lake's [`PublishLock`], waiting while another holder has it.
pub fn lock_publishing(lake_root: &Path) -> Result<PublishLock, LakeError> {
    ensure_dir(lake_root)?;
    let path = lake_root.join(PUBLISH_LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(LakeError::io("open the publishing lock", &path))?;
    file.lock()
        .map_err(LakeError::io("take the publishing lock", &path))?;
    Ok(PublishLock {
        lake_root: lake_root.to_path_buf(),
        _file: file,
    })
}

impl PublishLock {
    /// The lake this lock is of.
    pub fn lake_root(&self) -> &Path {
        &self.lake_root
    }
}

/// Removes every published import that `is_known` does not recognise; returns their keys,
/// sorted. Call it at start-up with "is this import committed in the database?", asked after
/// the lock was taken (a record committed before it is then seen).
///
/// This closes the one crash window of an import: after [`publish`] made the files durable
/// under `imports/` and before the database committed the import. Such an import is unknown
/// to the database, so it is removed here and a new import of the same report starts clean.
/// An import inside that window in a live process holds the lock, so this waits for it.
///
/// [`publish`]: crate::StagedImport::publish
pub fn remove_unknown_imports(
    lock: &PublishLock,
    mut is_known: impl FnMut(&str) -> bool,
) -> Result<Vec<String>, LakeError> {
    let lake_root = lock.lake_root();
    let mut removed = Vec::new();
    for key in list_imports(lake_root)? {
        if !is_known(&key) && unpublish(lake_root, &key)? {
            removed.push(key);
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn keys_are_sha256_hex() {
        assert!(is_valid_import_key(KEY));
        assert!(!is_valid_import_key(&KEY.to_uppercase()));
        assert!(!is_valid_import_key(&KEY[1..]));
        assert!(!is_valid_import_key("../../etc"));
        assert!(!is_valid_import_key(""));
    }

    #[test]
    fn staging_names_carry_their_owner() {
        assert_eq!(staging_owner(&format!("{KEY}-123-7")), Some(123));
        assert_eq!(staging_owner(&format!("{KEY}-123-7-removed")), Some(123));
        assert_eq!(staging_owner("notes.txt"), None);
        assert_eq!(staging_owner(&format!("{KEY}-x-7")), None);
    }
}
