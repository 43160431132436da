#!/usr/bin/env bash
# cat_schema.sh — `medallion cat --schema` reports the schema with core types and
# nullability, the Parquet leaves, and per row group per leaf the chunk metadata
# and statistics.
source "$(dirname "$0")/lib/common.bash"
require_shared "cat --schema"
make_temp schema

file="$CORPUS/valid/duckdb_alltypes_snappy.parquet"
run_medallion cat --schema "$file"
expect_status 0 cat --schema
grep -q '^rows: 2500$' "$OUT" || fail "no 'rows: 2500' line"
grep -q '^row groups: 2$' "$OUT" || fail "no 'row groups: 2' line"
grep -Eq '^  c_dec12_2: decimal\(12, ?2\) nullable$' "$OUT" || fail "c_dec12_2 is not listed as a nullable decimal(12,2)"
grep -Eq '^  c_int64: physical=INT64 ' "$OUT" || fail "leaf c_int64 missing"
grep -q '^row group 0: rows=' "$OUT" || fail "no row group 0"
grep -q '^row group 1: rows=' "$OUT" || fail "no row group 1"
grep -Eq '^    c_int64: num_values=[0-9]+ codec=SNAPPY encodings=[A-Z_,]+ compressed=[0-9]+ uncompressed=[0-9]+' "$OUT" ||
  fail "chunk line for c_int64 malformed"
grep -Eq '^    c_date: .* min="[0-9-]+" max="[0-9-]+"' "$OUT" || fail "c_date statistics are not rendered as dates"
echo "ok"
