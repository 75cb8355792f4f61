//! Opening a report (ZIP, gzip, text encodings) never panics, hangs or runs out of memory: each
//! part is unpacked and decoded to its end, or refused with an error. The input is written to a
//! per-process temporary file, since the opener reads a path.
#![no_main]

use std::io::Read;
use std::path::PathBuf;
use std::sync::LazyLock;

use ledgerline_formats::source::open_report;
use libfuzzer_sys::fuzz_target;

static PATH: LazyLock<PathBuf> =
    LazyLock::new(|| std::env::temp_dir().join(format!("ledgerline-fuzz-source-{}.csv", std::process::id())));

/// More than a fuzz input can honestly unpack to; a reader that goes past it is not bounded.
const READ_LIMIT: u64 = 64 << 20;

/// Reads to the end (bounded), discarding the bytes.
fn drain(reader: impl Read) {
    let mut sink = std::io::sink();
    let _ = std::io::copy(&mut reader.take(READ_LIMIT), &mut sink);
}

fuzz_target!(|bytes: &[u8]| {
    std::fs::write(&*PATH, bytes).expect("the temporary file can be written");
    let Ok(parts) = open_report(&PATH, "fuzz.csv") else { return };
    for part in &parts {
        if part.is_xlsx() {
            let _ = part.open_workbook();
            continue;
        }
        if let Ok(reader) = part.open_unpacked() {
            drain(reader);
        }
        if let Ok(reader) = part.open_text() {
            drain(reader);
        }
    }
});
