#!/usr/bin/env bash
# Import throughput: generate a FUGA-layout CSV of LINES lines (default 3,000,000) with synth,
# import it into a fresh home, and print wall time, MB/s and peak memory. A measurement, not a
# test: run it on a quiet machine and quote the figures.
#
#   bash bench/import.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
lines="${1:-3000000}"
cargo build --release --locked --quiet -p ledgerline-cli
ledgerline="${CARGO_TARGET_DIR:-target}/release/ledgerline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$ledgerline" synth --out "$work/label" --lines "$lines" --json > /dev/null
report="$(ls "$work"/label/reports/fuga/*.csv)"
bytes=$(stat -c %s "$report")
"$ledgerline" --home "$work/home" init > /dev/null
/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$ledgerline" --home "$work/home" --json import "$report" > "$work/result.json"
read -r seconds peak_kib user_seconds system_seconds < "$work/time"
imported=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][0]["lines"])' "$work/result.json")
# Counting the file's lines is the floor any reader has to beat.
floor_start=$(date +%s%N); wc -l < "$report" > /dev/null; floor_ms=$(( ($(date +%s%N) - floor_start) / 1000000 ))
python3 - "$bytes" "$seconds" "$peak_kib" "$imported" "$floor_ms" "$user_seconds" "$system_seconds" <<'PY'
import sys
size, seconds, peak_kib, lines, floor_ms = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
cpu_seconds = float(sys.argv[6]) + float(sys.argv[7])
print(f"file: {size / 1e6:.1f} MB, {lines:,} lines imported")
print(f"import: {seconds:.2f} s wall, {size / 1e6 / seconds:.1f} MB/s, {lines / seconds:,.0f} lines/s, peak RSS {peak_kib / 1024:.0f} MiB")
print(f"cpu: {cpu_seconds:.2f} s user+system ({cpu_seconds / seconds:.2f} cores busy on average)")
print(f"floor (wc -l): {floor_ms / 1000:.3f} s")
PY
