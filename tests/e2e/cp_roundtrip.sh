#!/usr/bin/env bash
# cp_roundtrip.sh — `medallion cp` with every codec (and with small row groups,
# small pages and no dictionary) keeps every row of every flat conformance file:
# `cat SRC` and `cat DST` print the same bytes, and the key-value metadata is kept.
# Nested files are copied once each (zstd); refusing them is allowed while the
# writer does not write nested columns.
source "$(dirname "$0")/lib/common.bash"
require_shared "cp round trip"
make_temp cp

# Flat files: features.tsv column 7 ("nested") is "no".
mapfile -t files < <(awk -F'\t' 'NR > 1 && $7 == "no" { print $1 }' "$CORPUS/features.tsv")
[ "${#files[@]}" -gt 0 ] || fail "no flat files listed in $CORPUS/features.tsv"

failures=0
copies=0
for file in "${files[@]}"; do
  src="$CORPUS/valid/$file"
  [ -f "$src" ] || continue
  run_medallion cat "$src"
  if [ "$STATUS" != 0 ]; then
    echo "FAIL $file: cat SRC failed: $(head -c 300 "$ERR")"
    failures=$((failures + 1))
    continue
  fi
  mv "$OUT" "$TMP/src.jsonl"
  for variant in snappy zstd gzip lz4_raw brotli none small; do
    dst="$TMP/copy.parquet"
    rm -f "$dst"
    if [ "$variant" = small ]; then
      run_medallion cp "$src" "$dst" --row-group-rows 1000 --page-bytes 4k --no-dictionary --codec zstd
    else
      run_medallion cp "$src" "$dst" --codec "$variant"
    fi
    copies=$((copies + 1))
    if [ "$STATUS" != 0 ]; then
      echo "FAIL $file ($variant): cp failed: $(head -c 300 "$ERR")"
      failures=$((failures + 1))
      continue
    fi
    run_medallion cat "$dst"
    if [ "$STATUS" != 0 ]; then
      echo "FAIL $file ($variant): cat DST failed: $(head -c 300 "$ERR")"
      failures=$((failures + 1))
    elif ! cmp -s "$OUT" "$TMP/src.jsonl"; then
      echo "FAIL $file ($variant): rows differ after cp"
      diff <(head -c 100000 "$TMP/src.jsonl") <(head -c 100000 "$OUT") | head -4
      failures=$((failures + 1))
    fi
  done
done
# Nested files: copied equal too, or refused cleanly (one message naming the
# nested column, no destination left behind) while the writer lacks nesting.
mapfile -t nested_files < <(awk -F'\t' 'NR > 1 && $7 == "yes" { print $1 }' "$CORPUS/features.tsv")
refused=0
for file in "${nested_files[@]}"; do
  src="$CORPUS/valid/$file"
  dst="$TMP/nested-copy.parquet"
  [ -f "$src" ] || continue
  rm -f "$dst"
  run_medallion cp "$src" "$dst" --codec zstd
  copies=$((copies + 1))
  if [ "$STATUS" = 1 ] && grep -q "nested column" "$ERR" && [ "$(wc -l <"$ERR")" = 1 ]; then
    [ ! -e "$dst" ] || { echo "FAIL $file: refused copy left $dst behind"; failures=$((failures + 1)); }
    refused=$((refused + 1))
    continue
  fi
  if [ "$STATUS" != 0 ]; then
    echo "FAIL $file (nested): cp failed: $(head -c 300 "$ERR")"
    failures=$((failures + 1))
    continue
  fi
  run_medallion cat "$src"
  mv "$OUT" "$TMP/src.jsonl"
  run_medallion cat "$dst"
  if [ "$STATUS" != 0 ] || ! cmp -s "$OUT" "$TMP/src.jsonl"; then
    echo "FAIL $file (nested): rows differ after cp"
    failures=$((failures + 1))
  fi
done

echo "$((copies - failures - refused)) of $copies copies round-trip; $refused nested copies refused"
[ "$failures" = 0 ] || fail "$failures copies differ"

# Key-value metadata survives: files whose writers left key-value pairs keep them
# all, in order, in the copy's --schema report — all but ARROW:schema, which the
# writer drops on purpose (it describes the source's layout, not the copy's).
for file in binary.parquet data_index_bloom_encoding_with_length.parquet; do
  src="$CORPUS/valid/$file"
  [ -f "$src" ] || continue
  run_medallion cat --schema "$src"
  expect_status 0 cat --schema "$src"
  sed -n '/^key-value metadata/,/^schema/p' "$OUT" >"$TMP/kv-src"
  grep -q '^key-value metadata: [1-9]' "$TMP/kv-src" || fail "$file: expected key-value metadata in the source"
  run_medallion cp "$src" "$TMP/kv.parquet" --codec gzip
  expect_status 0 cp "$src"
  run_medallion cat --schema "$TMP/kv.parquet"
  expect_status 0 cat --schema kv.parquet
  sed -n '/^key-value metadata/,/^schema/p' "$OUT" >"$TMP/kv-dst"
  grep -v -e '^key-value metadata:' -e 'ARROW:schema' "$TMP/kv-src" >"$TMP/kv-src-kept"
  grep -v -e '^key-value metadata:' -e 'ARROW:schema' "$TMP/kv-dst" >"$TMP/kv-dst-kept"
  diff "$TMP/kv-src-kept" "$TMP/kv-dst-kept" || fail "$file: cp changed the key-value metadata"
done
echo "ok"
