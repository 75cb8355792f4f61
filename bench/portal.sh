#!/usr/bin/env bash
# Times every portal page on the demo label (release build, loopback, one client):
# `bash bench/portal.sh [RUNS]`. A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked --quiet -p ledgerline-cli
binary="${CARGO_TARGET_DIR:-target}/release/ledgerline"
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
"$binary" --home "$work/home" --json demo --no-serve > "$work/demo.json"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$binary" --home "$work/home" serve --bind "127.0.0.1:$port" --insecure-http 2>/dev/null &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/login" >/dev/null 2>&1 && break; sleep 0.1; done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/portal.py "http://127.0.0.1:$port" "$work/demo.json" "${1:-7}"
