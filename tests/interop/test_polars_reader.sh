#!/usr/bin/env bash
# test_polars_reader.sh — files our writer produces must read in Polars
# (nodejs-polars 0.25.2, pinned by polars/package-lock.json) with the same row
# count and values as in Medallion. Same files as test_duckdb_oracle.sh.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

interop_require_node
interop_find_shared
interop_npm_ci "$interop_dir/polars" polars
out="$MEDALLION_BINARY_DIR/test-tmp/interop-polars"

write_status=0
interop_write_files "$out" || write_status=1
node "$interop_dir/check_polars.mjs" "$npm_package_dir" "$out"
read_status=$?
((write_status == 0 && read_status == 0))
