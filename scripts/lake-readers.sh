#!/usr/bin/env bash
# The lake read by the tools it is meant for: DuckDB and Polars read every import's Parquet
# files and must find exactly the lines Ledgerline wrote (every column, every null).
#
#   bash scripts/lake-readers.sh LAKE_DIR EXPECTED_DIR
#
# EXPECTED_DIR holds one <import key>.jsonl per import: the lines as Ledgerline's own reader
# reads them, one JSON object per line, columns named as in the lake (crates/cli/tests/
# lake_readers.rs writes them). Exits 1 with the first differences. Polars and DuckDB come from
# the benchmark's virtual environment (bench/compare/venv.sh: made once, from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
[ $# -eq 2 ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
source "$root/bench/compare/venv.sh"
exec "$python" "$root/scripts/lake_readers.py" "$1" "$2"
