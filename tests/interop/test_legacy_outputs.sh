#!/usr/bin/env bash
# test_legacy_outputs.sh — the pipeline's legacy outputs opened with the real
# engines: every gold table in legacy/medallion.sqlite (libsqlite3, through
# Python's sqlite3) and legacy/medallion.duckdb (DuckDB through @duckdb/node-api)
# has the gold Delta table's rows and value-keeping column types
# (legacy/check_legacy.py says exactly which).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

interop_require_node
interop_npm_ci "$interop_dir/legacy" legacy
out="$MEDALLION_BINARY_DIR/test-tmp/interop-legacy"
rm -rf "$out"
mkdir -p "$out"
cd "$out" || exit 1
"$MEDALLION_BIN" generate --scale 0.005 --seed 21 --out src >/dev/null || { echo "FAILED: generate"; exit 1; }
lib="$npm_package_dir/node_modules/@duckdb/node-bindings-linux-$(node -p process.arch)/libduckdb.so"
[[ -f "$lib" ]] || lib="${MEDALLION_LIBDUCKDB:-}"
MEDALLION_HASH_KEY=medallion-test-key MEDALLION_LIBDUCKDB="$lib" \
  "$MEDALLION_BIN" run --home home --source "parquet:$out/src" --as-of 2026-06-30 --json >run.json 2>run.err ||
  { echo "FAILED: run: $(tail -5 run.err)"; exit 1; }
grep -q '"duckdb_skipped":null' run.json || { echo "FAILED: the DuckDB output was skipped: $(cat run.json)"; exit 1; }
cp "$interop_dir/legacy/dump_duckdb.mjs" "$npm_package_dir/" # resolves @duckdb/node-api from there
node "$npm_package_dir/dump_duckdb.mjs" home/legacy/medallion.duckdb >duckdb.jsonl ||
  { echo "FAILED: DuckDB cannot read home/legacy/medallion.duckdb"; exit 1; }
python3 "$interop_dir/legacy/check_legacy.py" home duckdb.jsonl
