#!/usr/bin/env bash
# Ledgerline against Polars and DuckDB on the same work, side by side (issue #8): per-payee
# earnings of a FUGA-layout CSV under simple splits, to the cent.
#
#   bash bench/compare.sh [--lines N[,N...]] [--runs R] [--check-only]
#
# Defaults: --lines 1000000,3000000 --runs 5. `--lines 10000000` works too (a 2.9 GB file; the
# synth label and a Ledgerline home with its lake need about 4 GB free in $TMPDIR).
#
# For each N it generates a label with `ledgerline synth --lines N` (its FUGA-layout CSV,
# reports/fuga/*.csv, is the input) and a splits file from its catalog (bench/compare/splits.py:
# every track 1 to 3 payees). Then R times, the tools in a different order each time:
#   - Ledgerline on a fresh home (untimed: init, catalog import, contracts import splits.csv),
#     timed: `import FUGA.csv` + `run 2026 --json`; earnings per payee from the JSON;
#   - Polars (bench/compare/polars_payees.py): lazy scan_csv, group by ISRC x service x
#     territory x tier, join to the splits, per-contract rounding and largest-remainder split
#     exactly as Ledgerline does, sum per payee, in Decimal;
#   - DuckDB (bench/compare/duckdb_payees.py): read_csv and the same in SQL, DECIMAL(38,12);
#   - Polars and DuckDB again with --keep-lines: first every line's columns that Ledgerline's
#     FUGA mapping reads, typed (dates, integers, exact decimals), stored in a zstd Parquet file,
#     then the same query on that file: the work Ledgerline's import does besides the query
#     (it keeps every line in its lake), so the two comparisons read side by side;
#   - `wc -l` of the file, the floor.
# It checks that all three give the same per-payee totals to the cent in every run (exit 1 with
# the differences otherwise), then prints per N: median wall time, peak RSS, MB/s, lines/s and
# the ratios Ledgerline/Polars and Ledgerline/DuckDB.
#
# Polars and DuckDB come from PyPI, pinned in bench/compare/requirements.txt, into a virtual
# environment made once under ${XDG_CACHE_HOME:-$HOME/.cache}/ledgerline-bench/ (outside the
# checkout; LEDGERLINE_BENCH_VENV names another folder). Needs python3 with the venv module
# (Debian: python3-venv) and /usr/bin/time (Debian: time).
#
# --check-only: the test suite's mode (crates/cli/tests/bench_compare.rs): one run, the table is
# printed but its timings are not a measurement. LEDGERLINE_BIN=PATH uses that binary instead of
# building the release one (the tests point it at the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

lines_list="1000000,3000000"
runs=5
check_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --lines) [ $# -ge 2 ] || usage; lines_list="$2"; shift 2 ;;
        --lines=*) lines_list="${1#--lines=}"; shift ;;
        --runs) [ $# -ge 2 ] || usage; runs="$2"; shift 2 ;;
        --runs=*) runs="${1#--runs=}"; shift ;;
        --check-only) check_only=1; shift ;;
        -h|--help) usage ;;
        *) echo "compare.sh: unknown argument '$1'" >&2; usage ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --runs takes a positive whole number, not '$runs'" >&2; exit 2; }
[ "$check_only" -eq 0 ] || runs=1
IFS=',' read -r -a sizes <<< "$lines_list"
for size in "${sizes[@]}"; do
    [[ "$size" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --lines takes whole numbers separated by commas, not '$lines_list'" >&2; exit 2; }
done

if [ ! -x /usr/bin/time ]; then
    echo "compare.sh: /usr/bin/time is missing; install it (Debian package: time)" >&2
    exit 1
fi

# The Ledgerline binary: the release build, or the one LEDGERLINE_BIN names.
if [ -n "${LEDGERLINE_BIN:-}" ]; then
    ledgerline="$LEDGERLINE_BIN"
    [ -x "$ledgerline" ] || { echo "compare.sh: LEDGERLINE_BIN=$ledgerline is not an executable" >&2; exit 1; }
else
    source scripts/setup.sh
    cargo build --release --locked --quiet -p ledgerline-cli
    ledgerline="${CARGO_TARGET_DIR:-target}/release/ledgerline"
fi
ledgerline="$(cd "$(dirname "$ledgerline")" && pwd)/$(basename "$ledgerline")"

# The virtual environment with Polars and DuckDB (bench/compare/venv.sh): sets python and versions.
source "$root/bench/compare/venv.sh"
read -r polars_version duckdb_version <<< "$versions"

work="$(mktemp -d "${TMPDIR:-/tmp}/ledgerline-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Runs a command, recording its wall clock (ns) in PREFIX.ns and its peak RSS (KiB) in
# PREFIX.rss; its stdout goes to OUT. A failing command stops the benchmark with its stderr.
timed() {
    local prefix="$1" out="$2"
    shift 2
    local start end
    start=$(date +%s%N)
    if ! /usr/bin/time -f "%M" -o "$prefix.rss" "$@" > "$out" 2> "$prefix.err"; then
        echo "compare.sh: failed: $*" >&2
        cat "$prefix.err" >&2
        exit 1
    fi
    end=$(date +%s%N)
    echo $((end - start)) > "$prefix.ns"
}

run_ledgerline() {
    local dir="$1" label="$2" report="$3" home="$1/home"
    "$ledgerline" --home "$home" init > /dev/null
    "$ledgerline" --home "$home" catalog import "$label/catalog/catalog.csv" "$label/catalog/parties.csv" > /dev/null
    "$ledgerline" --home "$home" contracts import "$label/splits.csv" > /dev/null
    timed "$dir/ledgerline-import" "$dir/import.json" "$ledgerline" --home "$home" --json import "$report"
    timed "$dir/ledgerline-run" "$dir/run.json" "$ledgerline" --home "$home" --json run 2026
    rm -rf "$home"
}

echo "Ledgerline $ledgerline; polars $polars_version, duckdb $duckdb_version (Python $("$python" -c 'import platform; print(platform.python_version())')); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
tools=(ledgerline polars duckdb polars-kept duckdb-kept wc)
for size in "${sizes[@]}"; do
    label="$work/label-$size"
    "$ledgerline" synth --out "$label" --lines "$size" --json > /dev/null
    reports=("$label"/reports/fuga/*.csv)
    [ "${#reports[@]}" -eq 1 ] || { echo "compare.sh: expected one FUGA report in $label/reports/fuga, found ${#reports[@]}" >&2; exit 1; }
    report="${reports[0]}"
    "$python" "$root/bench/compare/splits.py" "$label/catalog/catalog.csv" "$label/catalog/parties.csv" "$label/splits.csv" "$label/contract-payees.csv"
    # Data lines: every line after the header (synth writes no blank or quoted multi-line rows).
    data_lines=$(( $(wc -l < "$report") - 1 ))
    folder="$work/result-$size"
    mkdir -p "$folder"
    {
        echo "lines $data_lines"
        echo "bytes $(stat -c %s "$report")"
        echo "runs $runs"
        echo "file reports/fuga/$(basename "$report")"
        echo "polars $polars_version"
        echo "duckdb $duckdb_version"
        echo "check_only $check_only"
    } > "$folder/meta"
    for run in $(seq 1 "$runs"); do
        dir="$folder/run-$run"
        mkdir -p "$dir"
        # Each run starts with another tool, so no tool always runs first or after the same one.
        for offset in "${!tools[@]}"; do
            tool="${tools[$(( (run - 1 + offset) % ${#tools[@]} ))]}"
            case "$tool" in
                ledgerline) run_ledgerline "$dir" "$label" "$report" ;;
                polars) timed "$dir/polars" /dev/null "$python" "$root/bench/compare/polars_payees.py" "$report" "$label/contract-payees.csv" "$dir/polars.csv" ;;
                duckdb) timed "$dir/duckdb" /dev/null "$python" "$root/bench/compare/duckdb_payees.py" "$report" "$label/contract-payees.csv" "$dir/duckdb.csv" ;;
                polars-kept|duckdb-kept)
                    script="${tool%-kept}_payees.py"
                    timed "$dir/$tool" /dev/null "$python" "$root/bench/compare/$script" "$report" "$label/contract-payees.csv" "$dir/$tool.csv" --keep-lines "$dir/$tool.parquet"
                    rm -f "$dir/$tool.parquet" ;;
                wc) timed "$dir/wc" /dev/null wc -l "$report" ;;
            esac
        done
    done
    echo
    "$python" "$root/bench/compare/report.py" "$folder" || status=1
    echo "   load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
    rm -rf "$label"
done
exit "$status"
