#!/usr/bin/env bash
# cat_conformance.sh — `medallion cat` prints every valid file of the Parquet
# conformance corpus exactly as its .expected.jsonl (compared as JSON values,
# per the corpus README). A nested file (features.tsv) may instead be refused
# with "unsupported nested column", as parquet.h allows while the reader lacks
# nested support; such refusals are counted and listed, not failed.
source "$(dirname "$0")/lib/common.bash"
require_shared "cat conformance"
make_temp cat

# The comparison itself: equal values in other spellings pass, other values fail.
if command -v python3 >/dev/null 2>&1; then
  printf '{"a":3,"b":[1e0,"x"],"c":-0.0,"d":18446744073709551615}\n' >"$TMP/left"
  printf '{"b":[1.0,"x"],"a":3.0,"c":0,"d":18446744073709551615}\n' >"$TMP/right"
  json_lines_equal "$TMP/left" "$TMP/right" >/dev/null || fail "comparison rejects equal values"
  printf '{"b":[1.0,"x"],"a":3.0,"c":0,"d":18446744073709551614}\n' >"$TMP/right"
  ! json_lines_equal "$TMP/left" "$TMP/right" >/dev/null || fail "comparison accepts different uint64 values"
  printf '{"b":[true,"x"],"a":3.0,"c":0,"d":18446744073709551615}\n' >"$TMP/right"
  ! json_lines_equal "$TMP/left" "$TMP/right" >/dev/null || fail "comparison accepts true for 1"
fi

failures=0
checked=0
refused=""
for parquet in "$CORPUS"/valid/*.parquet; do
  name="$(basename "$parquet" .parquet)"
  expected="$CORPUS/valid/$name.expected.jsonl"
  [ -f "$expected" ] || continue
  checked=$((checked + 1))
  run_medallion cat "$parquet"
  nested="$(awk -F'\t' -v f="$name.parquet" '$1 == f { print $7 }' "$CORPUS/features.tsv")"
  if [ "$STATUS" = 1 ] && [ "$nested" = yes ] && grep -q "unsupported nested column" "$ERR"; then
    refused="$refused $name"
    continue
  fi
  if [ "$STATUS" != 0 ]; then
    echo "FAIL $name: exit $STATUS: $(head -c 300 "$ERR")"
    failures=$((failures + 1))
    continue
  fi
  if ! difference="$(json_lines_equal "$OUT" "$expected")"; then
    echo "FAIL $name: $difference"
    failures=$((failures + 1))
  fi
done
[ "$checked" -gt 0 ] || fail "no valid files found in $CORPUS/valid"
refusals=$(echo $refused | wc -w)
echo "$((checked - failures - refusals)) of $checked files print as expected; $refusals nested files refused:$refused"
[ "$failures" = 0 ] || fail "$failures files differ"
