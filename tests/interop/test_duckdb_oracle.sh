#!/usr/bin/env bash
# test_duckdb_oracle.sh — files our writer produces must read in DuckDB (the
# parquet-oracle of shared/tools) exactly as they read in Medallion, and the
# statistics we write must agree with the data as DuckDB decodes them.
# Files: every flat conformance file through `medallion cp` with rotating codec and
# dictionary options, one file through every option, and `medallion demo` output.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

interop_require_node
interop_find_shared
interop_npm_ci "$shared/tools/parquet-oracle" parquet-oracle
oracle="$npm_package_dir/oracle.mjs"
out="$MEDALLION_BINARY_DIR/test-tmp/interop-duckdb"

failed=0
interop_write_files "$out" || failed=$((failed + 1))
passed=0
while IFS= read -r name; do
  file="$out/$name.parquet"
  if ! node "$oracle" "$file" >"$out/$name.oracle.jsonl" 2>"$out/$name.oracle.err"; then
    echo "$name: FAILED: DuckDB cannot read it: $(grep -v '^oracle: note' "$out/$name.oracle.err" | head -c 400)"
    failed=$((failed + 1))
    continue
  fi
  if ! node "$oracle" --meta "$file" >"$out/$name.meta.json" 2>"$out/$name.oracle.err"; then
    echo "$name: FAILED: DuckDB cannot read its metadata: $(head -c 400 "$out/$name.oracle.err")"
    failed=$((failed + 1))
    continue
  fi
  if node "$interop_dir/check_duckdb.mjs" "$name" "$out/$name.oracle.jsonl" "$out/$name.ours.jsonl" "$out/$name.meta.json"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done <"$out/files.txt"

echo "duckdb interop: $passed passed, $failed failed"
((failed == 0 && passed > 0))
