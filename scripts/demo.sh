#!/usr/bin/env bash
# Builds Ledgerline and runs the demo: a generated label taken through every step.
# Extra arguments go to `ledgerline demo` (e.g. --seed 7). The home is ./ledgerline-home
# unless --home DIR or LEDGERLINE_HOME says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked --quiet -p ledgerline-cli
binary="${CARGO_TARGET_DIR:-target}/release/ledgerline"
exec "$binary" demo "$@"
