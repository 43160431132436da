#!/usr/bin/env bash
# demo.sh — from a fresh clone to a running demo in one command: install the
# Debian packages, configure and build a Release build in build/release, then
# run the healthcare pipeline on built-in demo data: `medallion run` generates
# the source tables on first use, then writes bronze, silver and gold Delta
# tables and the SQLite/DuckDB outputs under build/demo/home.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

"$root/scripts/setup.sh"
jobs=${MEDALLION_JOBS:-2}
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
cmake --build build/release -j"$jobs"

mkdir -p build/demo
exec "$root/build/release/medallion" run --home "$root/build/demo/home" "$@"
