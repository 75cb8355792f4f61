#!/usr/bin/env bash
# The portal's browser tests: a demo label in a temporary home, `ledgerline serve` on a free
# loopback port, and Debian's headless Chromium driven by playwright-core through the scenarios
# of portal.test.mjs (Node's built-in test runner). Run by scripts/test.sh after the cargo
# tests, which build the binary; builds it only if it is missing. Exits with the tests' result.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# Chromium, Node and npm if missing, and the shared cargo target folder (as scripts/test.sh).
source scripts/setup.sh

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
binary="$target_dir/debug/ledgerline"
if [ ! -x "$binary" ]; then
  echo "browser tests: building the ledgerline binary" >&2
  cargo build -p ledgerline-cli --locked
fi

chromium="${LEDGERLINE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser tests: $chromium is missing (scripts/setup.sh installs Debian's chromium)" >&2
  exit 1
fi

# playwright-core as pinned by package-lock.json; it never downloads a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -f "$here/node_modules/.package-lock.json" ] \
  || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ledgerline-browser.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${LEDGERLINE_KEEP_BROWSER_HOME:-}" = 1 ]; then
    echo "browser tests: kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# The demo label (2026-H1 closed, portal users made) and a second synthetic label whose
# tracks the demo's catalog does not know, for the import and unmatched scenario.
home="$work/home"
"$binary" --home "$home" --json demo --no-serve >"$work/demo.json" 2>"$work/demo.log" || {
  cat "$work/demo.log" >&2
  exit 1
}
"$binary" synth --out "$work/other-label" --seed 2 >"$work/synth.log" 2>&1 || {
  cat "$work/synth.log" >&2
  exit 1
}
report="$(find "$work/other-label/reports" -type f -name '*.csv' | LC_ALL=C sort | head -n 1)"
if [ -z "$report" ]; then
  echo "browser tests: synth wrote no CSV report under $work/other-label/reports" >&2
  exit 1
fi

port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
base_url="http://127.0.0.1:$port"
"$binary" --home "$home" serve --bind "127.0.0.1:$port" --insecure-http >"$work/serve.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$base_url/login" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "browser tests: the server stopped:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.2
done
if ! curl -fsS -o /dev/null "$base_url/login"; then
  echo "browser tests: the server did not answer on $base_url within 20 s:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi

export LEDGERLINE_URL="$base_url"
export LEDGERLINE_DEMO_JSON="$work/demo.json"
export LEDGERLINE_CATALOG_CSV="$home/inbox/catalog/catalog.csv"
export LEDGERLINE_REPORT="$report"
export LEDGERLINE_CHROMIUM="$chromium"
export LEDGERLINE_SCREENSHOTS="${LEDGERLINE_SCREENSHOTS:-$here/screenshots}"

status=0
node --test --test-reporter=spec "$here"/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "browser tests: failed; the server's log:" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit "$status"
