#!/usr/bin/env bash
# Review performance benchmark (issue 5): 2,500 sessions / 1,000,000 entries, or --quick.
# A measurement, not a test: it prints a table and never fails on a slow figure.
#   src-tauri/crates/export/bench.sh [--quick] [--runs N] [--dir DIR]
set -euo pipefail
cd "$(dirname "$0")/../../.."
exec cargo run --quiet --release -p holdspace-export --bin holdspace-bench -- "$@"
