#!/usr/bin/env bash
# Royalty run speed: generate a label with a FUGA-layout CSV of LINES lines (default 3,000,000)
# with synth, import it with the catalog, contracts, rates and costs into a fresh home, then
# time `ledgerline run` of the year (which reads the roll-up the import wrote): the first run
# and the median of five later runs. Prints wall time and peak memory. A measurement, not a test.
#
#   bash bench/run.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
lines="${1:-3000000}"
cargo build --release --locked --quiet -p ledgerline-cli
ledgerline="${CARGO_TARGET_DIR:-target}/release/ledgerline"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$ledgerline" synth --out "$work/label" --lines "$lines" --json > /dev/null
home="$work/home"
"$ledgerline" --home "$home" init > /dev/null
"$ledgerline" --home "$home" catalog import "$work/label/catalog/catalog.csv" "$work/label/catalog/parties.csv" > /dev/null
"$ledgerline" --home "$home" contracts import "$work"/label/contracts/*.toml > /dev/null
"$ledgerline" --home "$home" fx import "$work/label/fx/fx-rates.csv" > /dev/null
"$ledgerline" --home "$home" costs import "$work/label/costs/costs.csv" > /dev/null
report="$(ls "$work"/label/reports/fuga/*.csv)"
"$ledgerline" --home "$home" import "$report" > /dev/null

timed() {
    /usr/bin/time -f "%e %M" -o "$work/time" "$ledgerline" --home "$home" --json run 2026 > "$work/run.json"
    cat "$work/time"
}
first=$(timed)
later=""
for _ in 1 2 3 4 5; do later+="$(timed)"$'\n'; done
python3 - "$first" "$later" "$work/run.json" <<'PY'
import json, statistics, sys
first_seconds, first_kib = sys.argv[1].split()
runs = [line.split() for line in sys.argv[2].strip().splitlines()]
seconds = statistics.median(float(run[0]) for run in runs)
peak = max(int(run[1]) for run in runs)
report = json.load(open(sys.argv[3]))
lines = report["lines_read"]
figures = report["currencies"]["EUR"]
print(f"run 2026 over {int(lines):,} lake lines, {len(report['payees'])} payees")
print(f"first run: {float(first_seconds):.3f} s wall, peak RSS {int(first_kib) / 1024:.0f} MiB")
print(f"later runs (median of 5): {seconds:.3f} s wall, peak RSS {peak / 1024:.0f} MiB")
print(f"net receipts {figures['net_receipts']} = payee credits {figures['payee_credits']} + label share {figures['label_share']} + suspense {figures['suspense']}")
PY
