#!/usr/bin/env bash
# demo.sh — `medallion demo` writes its billing file, reads it back equal, and
# the file it leaves is readable by `medallion cat` (with nulls, non-ASCII names,
# decimals and UTC timestamps in the output).
source "$(dirname "$0")/lib/common.bash"
make_temp demo

run_medallion demo --out "$TMP/nested/out"
expect_status 0 demo
file="$TMP/nested/out/billing.parquet"
[ -f "$file" ] || fail "demo did not write $file"
grep -q "round trip: every row read back equals the row written" "$OUT" || fail "demo output: $(cat "$OUT")"

run_medallion cat "$file"
expect_status 0 cat "$file"
[ "$(wc -l <"$OUT")" = 300 ] || fail "cat of the demo file printed $(wc -l <"$OUT") rows, not 300"
grep -q '"patient_name":null' "$OUT" || fail "no null patient names in the demo file"
grep -q '"amount":"-' "$OUT" || fail "no negative amounts (refunds) in the demo file"
grep -q 'Ø' "$OUT" || fail "non-ASCII names did not survive"
grep -Eq '"billed_at":"2024-[0-9-]+T[0-9:]+\.[0-9]{6}Z"' "$OUT" || fail "billed_at is not a UTC timestamp"
head -1 "$OUT" | grep -q '^{"claim_id":1000000,"patient_id":' || fail "first row: $(head -1 "$OUT")"

run_medallion cat --limit 3 "$file"
expect_status 0 cat --limit 3
[ "$(wc -l <"$OUT")" = 3 ] || fail "cat --limit 3 printed $(wc -l <"$OUT") rows"

if [ -w /dev/full ]; then
  "$MEDALLION_BIN" cat "$file" >/dev/full 2>"$TMP/full-err"
  [ $? = 1 ] || fail "cat to a full disk did not exit 1"
  grep -q '^medallion: .*cannot write to standard output' "$TMP/full-err" || fail "cat to /dev/full: $(cat "$TMP/full-err")"
fi

# The same data every run.
run_medallion demo --out "$TMP/again" --show 0
expect_status 0 demo again
cmp -s "$file" "$TMP/again/billing.parquet" || fail "two demo runs wrote different files"

run_medallion demo --out "$file"
expect_status 1 demo --out FILE
expect_one_line_error_naming "$file"
echo "ok"
