"""Checks that Ledgerline, Polars and DuckDB agree to the cent, then prints the table of one
input size. Called by bench/compare.sh; reads the folder it wrote:

    python report.py DIR

DIR/meta holds `key value` lines (lines, bytes, runs, file, polars, duckdb, check_only);
DIR/run-R/ holds, per run R, for each tool T in ledgerline-import, ledgerline-run, polars,
duckdb, polars-kept, duckdb-kept and wc: T.ns (wall clock in nanoseconds) and T.rss (peak RSS
in KiB, from /usr/bin/time); the earnings as CSV (`payee,earnings`) in T.csv for the Polars
and DuckDB ones, and
Ledgerline's `import --json` and `run 2026 --json` output in import.json and run.json.

Exits 1 with the differences when any run of any tool disagrees with Ledgerline on any payee.
Amounts are compared as decimal.Decimal, never floats; only the timings are floats.
"""

import csv
import json
import os
import statistics
import sys
from decimal import Decimal

CENT = Decimal("0.01")


def read_meta(folder):
    meta = {}
    with open(os.path.join(folder, "meta"), encoding="utf-8") as file:
        for line in file:
            key, _, value = line.rstrip("\n").partition(" ")
            meta[key] = value
    return meta


def cents(text, where):
    value = Decimal(text)
    if value != value.quantize(CENT):
        sys.exit(f"{where}: {text} is not a whole number of cents")
    return value.quantize(CENT)


def csv_totals(path):
    with open(path, newline="", encoding="utf-8") as file:
        return {row["payee"]: cents(row["earnings"], path) for row in csv.DictReader(file)}


def ledgerline_totals(run_dir, data_lines):
    with open(os.path.join(run_dir, "import.json"), encoding="utf-8") as file:
        imported = json.load(file)["files"][0]
    if imported["status"] != "imported" or imported["lines"] != data_lines or imported["rejected"]:
        sys.exit(f"{run_dir}/import.json: expected {data_lines} lines imported and none rejected, got {imported}")
    with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as file:
        run = json.load(file)
    if set(run["currencies"]) != {"EUR"}:
        sys.exit(f"{run_dir}/run.json: expected EUR only, got {sorted(run['currencies'])}")
    return {payee["payee"]: cents(payee["earnings"], f"{run_dir}/run.json {payee['payee']}") for payee in run["payees"]}, run


def timing(run_dir, tool):
    with open(os.path.join(run_dir, f"{tool}.ns"), encoding="utf-8") as file:
        seconds = int(file.read().strip()) / 1e9
    with open(os.path.join(run_dir, f"{tool}.rss"), encoding="utf-8") as file:
        # /usr/bin/time may print a "Command exited with non-zero status" line first.
        kib = int(file.read().split()[-1])
    return seconds, kib


def differences(reference, other):
    """Payee, Ledgerline's figure, the other's; a payee missing on one side earns 0 there."""
    rows = []
    for payee in sorted(set(reference) | set(other)):
        left, right = reference.get(payee, Decimal("0.00")), other.get(payee, Decimal("0.00"))
        if left != right:
            rows.append((payee, left, right))
    return rows


def main(folder):
    meta = read_meta(folder)
    data_lines, size, runs = int(meta["lines"]), int(meta["bytes"]), int(meta["runs"])
    peers = ["polars", "duckdb", "polars-kept", "duckdb-kept"]
    tools = ["ledgerline", *peers, "wc"]
    times = {tool: [] for tool in tools}
    peaks = {tool: [] for tool in tools}
    ledgerline_phases = {"ledgerline-import": [], "ledgerline-run": []}
    mismatches = []
    reference = None
    for run in range(1, runs + 1):
        run_dir = os.path.join(folder, f"run-{run}")
        ours, run_json = ledgerline_totals(run_dir, data_lines)
        if reference is None:
            reference = (ours, run_json)
        results = {"ledgerline": ours, **{peer: csv_totals(os.path.join(run_dir, f"{peer}.csv")) for peer in peers}}
        for name in results:
            for payee, left, right in differences(reference[0], results[name]):
                mismatches.append(f"run {run}: {payee}: ledgerline {left}, {name} {right}, difference {right - left}")
        import_seconds, import_kib = timing(run_dir, "ledgerline-import")
        run_seconds, run_kib = timing(run_dir, "ledgerline-run")
        ledgerline_phases["ledgerline-import"].append(import_seconds)
        ledgerline_phases["ledgerline-run"].append(run_seconds)
        times["ledgerline"].append(import_seconds + run_seconds)
        peaks["ledgerline"].append(max(import_kib, run_kib))
        for tool in (*peers, "wc"):
            seconds, kib = timing(run_dir, tool)
            times[tool].append(seconds)
            peaks[tool].append(kib)

    ours, run_json = reference
    figures = run_json["currencies"]["EUR"]
    total = sum(ours.values(), Decimal("0.00"))
    print(f"== {data_lines:,} lines, {size / 1e6:,.1f} MB: {meta['file']}")
    print(
        f"   {len(ours)} payees earn {total} EUR of {figures['net_receipts']} net receipts "
        f"(suspense {figures['suspense']}, label share {figures['label_share']}); "
        f"Ledgerline's payee credits {figures['payee_credits']}"
    )
    if mismatches:
        print(f"   MISMATCH: the tools disagree on {len(mismatches)} figures:")
        for line in mismatches[:50]:
            print(f"     {line}")
        if len(mismatches) > 50:
            print(f"     ... and {len(mismatches) - 50} more")
        return 1
    if Decimal(figures["payee_credits"]) != total:
        print(f"   MISMATCH: Ledgerline's payee credits {figures['payee_credits']} are not the sum of its payees' earnings {total}")
        return 1
    print(f"   all five agree to the cent on every payee in every run ({runs} run{'s' if runs != 1 else ''})")
    if meta.get("check_only") == "1":
        print("   check only: one run, timings are not a measurement")

    labels = {
        "ledgerline": "ledgerline import + run",
        "polars": f"polars {meta['polars']}",
        "duckdb": f"duckdb {meta['duckdb']}",
        "polars-kept": f"polars {meta['polars']}, lines kept",
        "duckdb-kept": f"duckdb {meta['duckdb']}, lines kept",
        "wc": "wc -l (floor)",
    }
    median = {tool: statistics.median(times[tool]) for tool in tools}
    peak = {tool: max(peaks[tool]) for tool in tools}
    print()
    header = f"   {'tool':<31} {'wall s':>8} {'peak MiB':>9} {'MB/s':>8} {'lines/s':>12}  {'Ledgerline/this: time':>21} {'memory':>7}"
    print(header)
    print("   " + "-" * (len(header) - 3))
    for tool in tools:
        seconds = median[tool]
        throughput = size / 1e6 / seconds if seconds > 0 else float("inf")
        rate = data_lines / seconds if seconds > 0 else float("inf")
        time_ratio = memory_ratio = ""
        if tool in peers and seconds > 0:
            time_ratio = f"{median['ledgerline'] / seconds:.2f}x"
            memory_ratio = f"{peak['ledgerline'] / peak[tool]:.2f}x"
        print(f"   {labels[tool]:<31} {seconds:>8.3f} {peak[tool] / 1024:>9.0f} {throughput:>8.1f} {rate:>12,.0f}  {time_ratio:>21} {memory_ratio:>7}")
    phases = ", ".join(f"{name.split('-')[1]} {statistics.median(values):.3f} s" for name, values in ledgerline_phases.items())
    print(f"   Ledgerline by phase (medians): {phases}")
    print("   lines kept: the peer also stores every line's mapped columns, typed, in zstd Parquet and queries that, as Ledgerline's import keeps every line in its lake")
    print(f"   wall: median of {runs} run{'s' if runs != 1 else ''}; peak MiB: the highest peak RSS of the runs (Ledgerline: of its two commands)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
