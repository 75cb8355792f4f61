#!/usr/bin/env bash
# Runs every test of every crate: unit, property, integration and CLI tests against the real
# binary, then the portal's browser tests (tests/browser: headless Chromium against a real
# `ledgerline serve`, on the binary the cargo tests built). This is exactly what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo test --workspace --locked "$@"
bash tests/browser/run.sh
