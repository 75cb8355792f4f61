//! `bench/compare.sh` keeps working: a 10,000-line version of the benchmark against Polars and
//! DuckDB runs with the debug binary, Ledgerline and the peers (each also in its "lines kept"
//! form) must agree to the cent and the table must list them all. The benchmark's Python environment (Polars and DuckDB from PyPI, pinned in
//! `bench/compare/requirements.txt`) is made on first use under
//! `${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline-bench/`; without PyPI (or python3's venv module)
//! this test fails with the script's message, it does not skip.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[test]
fn the_comparison_with_polars_and_duckdb_agrees_to_the_cent_on_a_small_label() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let started = Instant::now();
    let output = Command::new("bash")
        .arg(root.join("bench/compare.sh"))
        .args(["--lines", "10000", "--runs", "1", "--check-only"])
        .env("LEDGERLINE_BIN", env!("CARGO_BIN_EXE_ledgerline"))
        .env_remove("LEDGERLINE_HOME")
        .current_dir(&root)
        .output()
        .expect("bash runs bench/compare.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "bench/compare.sh --lines 10000 --runs 1 --check-only failed ({}).\n\
         It needs python3 with the venv module (Debian: python3-venv) and PyPI to install Polars and DuckDB once.\n\
         stdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(stdout.contains("all five agree to the cent"), "no agreement line:\n{stdout}\nstderr:\n{stderr}");
    for tool in ["ledgerline import + run", "polars ", "duckdb ", "wc -l (floor)"] {
        assert!(
            stdout.lines().any(|line| line.trim_start().starts_with(tool)),
            "the table has no row for {tool:?}:\n{stdout}"
        );
    }
    for tool in ["polars", "duckdb"] {
        assert!(
            stdout.lines().any(|line| line.trim_start().starts_with(tool) && line.contains(", lines kept")),
            "the table has no lines-kept row for {tool}:\n{stdout}"
        );
    }
    assert!(!stdout.contains("MISMATCH"), "{stdout}");
    println!("{stdout}\n(bench/compare.sh took {:.1} s)", started.elapsed().as_secs_f64());
}
