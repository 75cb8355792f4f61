#!/usr/bin/env bash
# Installs what building and testing Ledgerline needs on a fresh Debian machine, and nothing
# else. Safe to run again: it only installs what is missing. Sourced by scripts/demo.sh and
# scripts/test.sh, so a newcomer never runs it by hand.
set -euo pipefail

# System packages: a C compiler for the bundled SQLite; poppler's pdftotext, pdftoppm and
# pdfinfo, with which the statement tests read back and render the PDFs they write; Chromium,
# Node and npm for the portal's browser tests (tests/browser), which drive Debian's Chromium.
needed_packages=()
command -v cc >/dev/null 2>&1 || needed_packages+=(gcc libc6-dev)
command -v pdftoppm >/dev/null 2>&1 || needed_packages+=(poppler-utils)
[ -x /usr/bin/chromium ] || needed_packages+=(chromium)
command -v node >/dev/null 2>&1 || needed_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || needed_packages+=(npm)
command -v curl >/dev/null 2>&1 || needed_packages+=(curl)

if [ "${#needed_packages[@]}" -gt 0 ]; then
  echo "setup: installing ${needed_packages[*]}" >&2
  sudo_prefix=""
  [ "$(id -u)" -eq 0 ] || sudo_prefix="sudo"
  $sudo_prefix apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_prefix apt-get install -y -qq "${needed_packages[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing; install Rust from https://rustup.rs and run this again" >&2
  exit 1
fi

# One target folder shared by every checkout on this machine saves rebuilding dependencies;
# an explicit CARGO_TARGET_DIR from the caller wins.
if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -d /work/target ]; then
  export CARGO_TARGET_DIR=/work/target
fi
