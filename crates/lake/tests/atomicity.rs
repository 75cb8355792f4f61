//! An import is in the lake whole or not at all, whatever happens to its writer.

mod common;

use std::path::Path;

use common::*;
use ledgerline_formats::LineSink;
use ledgerline_lake::{
    import_path, is_published, list_imports, lock_publishing, read_import, remove_leftovers,
    remove_unknown_imports,
    import_parts, unpublish, LakeError, LakeWriter, PendingKey, WriterOptions,
};

fn entries(folder: &Path) -> Vec<String> {
    match std::fs::read_dir(folder) {
        Ok(listing) => {
            let mut names: Vec<String> = listing
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
        Err(_) => Vec::new(),
    }
}

fn writer_with_lines(lake: &Path, key: &str, count: u64) -> LakeWriter {
    let mut writer = LakeWriter::create(lake, key).unwrap();
    for index in 0..count {
        writer.accept(small_line(index)).unwrap();
    }
    writer
}

#[test]
fn a_writer_dropped_without_finishing_leaves_nothing() {
    let lake = tempfile::tempdir().unwrap();
    let writer = writer_with_lines(lake.path(), KEY_A, 20_000);
    let staging = writer.staging_path().to_path_buf();
    assert!(staging.starts_with(lake.path().join(".staging")));
    assert!(
        staging.join("part-00000.parquet").is_file(),
        "a batch was written"
    );
    drop(writer);
    assert!(!staging.exists());
    assert!(entries(&lake.path().join("imports")).is_empty());
    assert!(entries(&lake.path().join(".staging")).is_empty());
    assert!(!is_published(lake.path(), KEY_A).unwrap());
}

#[test]
fn finishing_does_not_publish_and_discard_removes_the_staging_folder() {
    let lake = tempfile::tempdir().unwrap();
    let staged = writer_with_lines(lake.path(), KEY_A, 10).finish().unwrap();
    let staging = staged.staging_path().to_path_buf();
    assert!(staging.join("part-00000.parquet").is_file());
    assert!(entries(&lake.path().join("imports")).is_empty());
    staged.discard().unwrap();
    assert!(!staging.exists());
    assert!(entries(&lake.path().join("imports")).is_empty());
}

#[test]
fn a_staged_import_dropped_unpublished_is_discarded() {
    let lake = tempfile::tempdir().unwrap();
    let staged = writer_with_lines(lake.path(), KEY_A, 10).finish().unwrap();
    let staging = staged.staging_path().to_path_buf();
    drop(staged);
    assert!(!staging.exists());
}

#[test]
fn remove_leftovers_cleans_up_after_a_crashed_writer_only() {
    let lake = tempfile::tempdir().unwrap();
    // A crash: the writer is never dropped, its folder stays. It belonged to another process
    // (no process has this id: Linux pids stay below 2^22).
    let crashed = writer_with_lines(lake.path(), KEY_A, 10_000);
    let crashed_staging = crashed.staging_path().to_path_buf();
    std::mem::forget(crashed);
    let foreign = lake
        .path()
        .join(".staging")
        .join(format!("{KEY_A}-4000000000-0"));
    std::fs::rename(&crashed_staging, &foreign).unwrap();
    // An interrupted unpublish and something that is no staging folder at all.
    std::fs::create_dir_all(
        lake.path()
            .join(".staging")
            .join(format!("{KEY_B}-4000000001-3-removed")),
    )
    .unwrap();
    std::fs::write(lake.path().join(".staging").join("stray.tmp"), b"x").unwrap();
    // A live writer of this process must survive, and so must published imports.
    writer_with_lines(lake.path(), KEY_C, 5)
        .finish()
        .unwrap()
        .publish()
        .unwrap();
    let live = writer_with_lines(lake.path(), KEY_B, 5);

    assert_eq!(remove_leftovers(lake.path()).unwrap(), 3);
    assert_eq!(
        entries(&lake.path().join(".staging")),
        vec![live
            .staging_path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()]
    );
    assert_eq!(list_imports(lake.path()).unwrap(), vec![KEY_C.to_string()]);
    live.finish().unwrap().publish().unwrap();
    assert_eq!(read_import(lake.path(), KEY_B).unwrap().count(), 5);
    assert_eq!(remove_leftovers(lake.path()).unwrap(), 0);
}

#[test]
fn remove_leftovers_on_a_new_lake_is_a_no_op() {
    let lake = tempfile::tempdir().unwrap();
    assert_eq!(remove_leftovers(&lake.path().join("not-yet")).unwrap(), 0);
}

#[test]
fn publishing_a_key_twice_is_refused_and_keeps_the_first() {
    let lake = tempfile::tempdir().unwrap();
    writer_with_lines(lake.path(), KEY_A, 7)
        .finish()
        .unwrap()
        .publish()
        .unwrap();
    let first: Vec<_> = read_import(lake.path(), KEY_A)
        .unwrap()
        .map(Result::unwrap)
        .collect();

    let mut second = LakeWriter::create(lake.path(), KEY_A).unwrap();
    second.accept(full_line(1)).unwrap();
    let second = second.finish().unwrap();
    let second_staging = second.staging_path().to_path_buf();
    let error = second.publish().unwrap_err();
    assert!(
        matches!(error, LakeError::AlreadyPublished { .. }),
        "{error}"
    );
    assert!(error
        .to_string()
        .contains(&import_path(lake.path(), KEY_A).display().to_string()));
    assert!(!second_staging.exists(), "the refused copy is discarded");

    let after: Vec<_> = read_import(lake.path(), KEY_A)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(after, first);
    assert_eq!(
        entries(&import_path(lake.path(), KEY_A)),
        vec!["part-00000.parquet".to_string()]
    );
}

#[test]
fn unpublish_removes_an_import_whole() {
    let lake = tempfile::tempdir().unwrap();
    writer_with_lines(lake.path(), KEY_A, 3)
        .finish()
        .unwrap()
        .publish()
        .unwrap();
    assert!(unpublish(lake.path(), KEY_A).unwrap());
    assert!(!import_path(lake.path(), KEY_A).exists());
    assert!(entries(&lake.path().join(".staging")).is_empty());
    assert!(!unpublish(lake.path(), KEY_A).unwrap(), "already gone");
    // The same report can be imported again.
    writer_with_lines(lake.path(), KEY_A, 4)
        .finish()
        .unwrap()
        .publish()
        .unwrap();
    assert_eq!(read_import(lake.path(), KEY_A).unwrap().count(), 4);
}

#[test]
fn imports_the_database_does_not_know_are_removed_at_start_up() {
    let lake = tempfile::tempdir().unwrap();
    for key in [KEY_A, KEY_B, KEY_C] {
        writer_with_lines(lake.path(), key, 2)
            .finish()
            .unwrap()
            .publish()
            .unwrap();
    }
    // Not the lake's: left alone.
    std::fs::create_dir_all(lake.path().join("imports").join("README-folder")).unwrap();
    let committed = [KEY_B];
    let lock = lock_publishing(lake.path()).unwrap();
    let removed = remove_unknown_imports(&lock, |key| committed.contains(&key)).unwrap();
    let mut expected = vec![KEY_A.to_string(), KEY_C.to_string()];
    expected.sort();
    assert_eq!(removed, expected);
    assert_eq!(list_imports(lake.path()).unwrap(), vec![KEY_B.to_string()]);
    assert!(lake.path().join("imports").join("README-folder").is_dir());
    assert!(remove_unknown_imports(&lock, |_| true).unwrap().is_empty());
}

/// Another process's import between publishing and committing its record is not a crash's
/// leftover: the clean-up waits for the publishing lock, and asks "committed?" only then.
#[test]
fn the_clean_up_leaves_alone_an_import_another_process_is_committing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};
    use std::time::{Duration, Instant};

    let lake = tempfile::tempdir().unwrap();
    let committed = Arc::new(AtomicBool::new(false));
    let (published, on_published) = mpsc::channel();
    let importer = {
        let (lake, committed) = (lake.path().to_path_buf(), committed.clone());
        std::thread::spawn(move || {
            let staged = writer_with_lines(&lake, KEY_A, 3).finish().unwrap();
            let lock = lock_publishing(&lake).unwrap();
            staged.publish().unwrap();
            published.send(()).unwrap();
            // The database commit, slow on a busy disk.
            std::thread::sleep(Duration::from_millis(300));
            committed.store(true, Ordering::SeqCst);
            drop(lock);
        })
    };
    on_published.recv().unwrap();
    let started = Instant::now();
    // Start-up of another process: the lock (its own open of the lock file), then the question.
    let lock = lock_publishing(lake.path()).unwrap();
    let waited = started.elapsed();
    let removed =
        remove_unknown_imports(&lock, |_| committed.load(Ordering::SeqCst)).unwrap();
    drop(lock);
    importer.join().unwrap();
    assert!(removed.is_empty(), "removed {removed:?}");
    assert!(waited >= Duration::from_millis(200), "the clean-up did not wait: {waited:?}");
    assert_eq!(read_import(lake.path(), KEY_A).unwrap().count(), 3);
    // Once the lock is free and the import was never committed, it is removed.
    let lock = lock_publishing(lake.path()).unwrap();
    assert_eq!(remove_unknown_imports(&lock, |_| false).unwrap(), vec![KEY_A.to_string()]);
}

#[test]
fn keys_that_are_not_sha256_hex_are_refused_before_touching_the_disk() {
    let lake = tempfile::tempdir().unwrap();
    for key in [
        "../escape",
        "",
        "ABCDEF",
        &KEY_A.to_uppercase(),
        &KEY_A[..63],
    ] {
        let error = LakeWriter::create(lake.path(), key).unwrap_err();
        assert!(
            matches!(error, LakeError::InvalidImportKey { .. }),
            "{error}"
        );
        assert!(matches!(
            read_import(lake.path(), key),
            Err(LakeError::InvalidImportKey { .. })
        ));
        assert!(matches!(
            unpublish(lake.path(), key),
            Err(LakeError::InvalidImportKey { .. })
        ));
    }
    assert!(entries(lake.path()).is_empty());
}

/// The importer hashes a file while it reads it: the writer starts without its key, names its
/// staging folder with 64 zeros, and takes the key when it is given (part footers included).
#[test]
fn a_key_given_while_writing_names_the_import_and_its_files() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path();
    let key = PendingKey::new();
    let mut writer = LakeWriter::create_pending(lake, key.clone()).unwrap();
    let staging = entries(&lake.join(".staging"));
    assert_eq!(staging.len(), 1);
    assert!(staging[0].starts_with(&"0".repeat(64)), "{staging:?}");
    for index in 0..100 {
        writer.accept(small_line(index)).unwrap();
    }
    key.set(Some(KEY_A.to_string()));
    key.set(Some(KEY_B.to_string())); // the first key stays
    let staged = writer.finish().unwrap();
    assert_eq!(staged.import_key(), KEY_A);
    let published = staged.publish().unwrap();
    assert_eq!(published, import_path(lake, KEY_A));
    assert_eq!(read_import(lake, KEY_A).unwrap().count(), 100);
    let part = std::fs::File::open(published.join("part-00000.parquet")).unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(part).unwrap();
    use parquet::file::reader::FileReader;
    let key_values = reader.metadata().file_metadata().key_value_metadata().unwrap().clone();
    assert!(key_values
        .iter()
        .any(|kv| kv.key == "ledgerline.lake.import_key" && kv.value.as_deref() == Some(KEY_A)));
}

/// The importer may learn the key only once the whole file is read (it hashes the bytes as it
/// reads them), long after the first parts are full: those wait, open, for the key, and the
/// writer never waits for it before `finish`.
#[test]
fn parts_full_before_the_key_is_known_are_closed_with_it() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path();
    let key = PendingKey::new();
    let options = WriterOptions {
        batch_rows: 100,
        row_group_rows: 300,
        part_bytes: 5_000,
        ..WriterOptions::default()
    };
    let mut writer = LakeWriter::create_pending_with(lake, key.clone(), options).unwrap();
    let lines: Vec<_> = (0..4_000).map(small_line).collect();
    for line in &lines {
        writer.accept(line.clone()).unwrap();
    }
    key.set(Some(KEY_A.to_string()));
    let staged = writer.finish().unwrap();
    let part_count = staged.parts();
    assert!(part_count > 3, "expected several parts, got {part_count}");
    staged.publish().unwrap();
    let parts = import_parts(lake, KEY_A).unwrap();
    assert_eq!(parts.len(), part_count);
    for part in &parts {
        let file = std::fs::File::open(part).unwrap();
        let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
        use parquet::file::reader::FileReader;
        let key_values = reader.metadata().file_metadata().key_value_metadata().unwrap().clone();
        assert!(
            key_values
                .iter()
                .any(|kv| kv.key == "ledgerline.lake.import_key" && kv.value.as_deref() == Some(KEY_A)),
            "{part:?} lacks the key"
        );
    }
    let read: Vec<_> = read_import(lake, KEY_A).unwrap().map(Result::unwrap).collect();
    assert_eq!(read, lines);
}

/// A writer dropped while its key is still unknown (the import failed before the file was
/// hashed) does not wait for the key: it leaves nothing, at once.
#[test]
fn a_writer_dropped_before_its_key_is_known_does_not_wait_for_it() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path();
    let key = PendingKey::new();
    let options = WriterOptions {
        batch_rows: 100,
        part_bytes: 5_000,
        ..WriterOptions::default()
    };
    let mut writer = LakeWriter::create_pending_with(lake, key.clone(), options).unwrap();
    for index in 0..3_000 {
        writer.accept(small_line(index)).unwrap();
    }
    drop(writer);
    assert_eq!(entries(&lake.join(".staging")), Vec::<String>::new());
    // The key is still free to be given to a writer started afresh.
    let mut writer = LakeWriter::create_pending(lake, key.clone()).unwrap();
    writer.accept(small_line(1)).unwrap();
    key.set(Some(KEY_B.to_string()));
    writer.finish().unwrap().publish().unwrap();
    assert_eq!(list_imports(lake).unwrap(), vec![KEY_B.to_string()]);
}

/// A key that cannot be had (the file could not be hashed) leaves nothing behind.
#[test]
fn a_key_that_never_comes_leaves_nothing() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path();
    let key = PendingKey::new();
    let mut writer = LakeWriter::create_pending(lake, key.clone()).unwrap();
    writer.accept(small_line(1)).unwrap();
    key.set(None);
    assert!(writer.finish().is_err());
    assert_eq!(entries(&lake.join(".staging")), Vec::<String>::new());
    assert_eq!(list_imports(lake).unwrap(), Vec::<String>::new());
}
