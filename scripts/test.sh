#!/usr/bin/env bash
# Runs every test of every crate: unit, property, integration and CLI tests against the real
# binary. This is exactly what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo test --workspace --locked "$@"
