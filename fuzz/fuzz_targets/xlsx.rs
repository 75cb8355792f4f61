//! The XLSX workbook reader never panics, hangs or runs out of memory on any file: a damaged
//! workbook is an error. The input is written to a per-process temporary file, since the reader
//! opens a path.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use ledgerline_formats::registry::Registry;
use ledgerline_formats::xlsx::{self, Workbook};
use ledgerline_formats::SaleLine;
use libfuzzer_sys::fuzz_target;

static PATH: LazyLock<PathBuf> =
    LazyLock::new(|| std::env::temp_dir().join(format!("ledgerline-fuzz-xlsx-{}.xlsx", std::process::id())));
static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::built_in);

fuzz_target!(|bytes: &[u8]| {
    std::fs::write(&*PATH, bytes).expect("the temporary file can be written");
    // Every row of the first sheet.
    if let Ok(mut workbook) = Workbook::open(&PATH, "fuzz.xlsx") {
        let _ = workbook.for_each_row(|_, cells| -> Result<bool, ()> {
            std::hint::black_box(cells);
            Ok(true)
        });
    }
    // Header detection and the mapped reader, as an import does.
    if let Ok(mut workbook) = Workbook::open(&PATH, "fuzz.xlsx") {
        if let Ok(Ok((mapping, shape))) = xlsx::detect(&mut workbook, REGISTRY.mappings()) {
            let mut lines: Vec<SaleLine> = Vec::new();
            let _ = xlsx::read_rows(&mut workbook, "fuzz.xlsx", mapping, &shape, &mut lines);
        }
    }
});
