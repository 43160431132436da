#!/usr/bin/env bash
# delta_commands.sh — the Delta table commands a user drives by hand: `write`
# (append, overwrite, partitioned, replace-where), `history` (plain and
# --json), `cat TABLE_DIR` at the latest version, at --version and at
# --timestamp, and `vacuum` (dry run, forced zero window); usage errors are one
# "medallion: " line naming the problem.
source "$(dirname "$0")/lib/common.bash"
make_temp delta_commands
cd "$TMP"

run_medallion generate --scale 0.001 --seed 3 --out src
expect_status 0 generate
PARQUET="$TMP/src/tariff_codes.parquet"
run_medallion cat "$PARQUET"
expect_status 0 "cat source"
sort "$OUT" >source.jsonl
rows=$(wc -l <source.jsonl)
[ "$rows" -gt 10 ] || fail "the generated tariff_codes has only $rows rows"

# Version 0, then an append: the table holds the rows twice.
run_medallion write t --from "$PARQUET"
expect_status 0 "write (create)"
grep -q "t: version 0" "$OUT" || fail "write printed '$(cat "$OUT")'"
sleep 1.1 # the second commit must get a later millisecond timestamp than the first
run_medallion write t --from "$PARQUET" --mode append
expect_status 0 "write --mode append"
run_medallion cat t
expect_status 0 "cat table"
[ "$(wc -l <"$OUT")" = $((2 * rows)) ] || fail "after the append: $(wc -l <"$OUT") rows, expected $((2 * rows))"
run_medallion cat t --version 0
expect_status 0 "cat --version 0"
diff -q <(sort "$OUT") source.jsonl >/dev/null || fail "version 0 differs from the source file"

# --timestamp picks the newest version committed at or before it.
run_medallion history t --json
expect_status 0 "history --json"
[ "$(wc -l <"$OUT")" = 2 ] || fail "history --json: $(cat "$OUT")"
first_ms=$(head -1 "$OUT" | sed 's/.*"timestamp":\([0-9]*\).*/\1/')
at=$(date -u -d "@$((first_ms / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((first_ms % 1000)))Z
run_medallion cat t --timestamp "$at"
expect_status 0 "cat --timestamp $at"
diff -q <(sort "$OUT") source.jsonl >/dev/null || fail "cat --timestamp $at is not version 0"
run_medallion history t
expect_status 0 history
grep -q '^VERSION' "$OUT" && grep -q '^1 .*WRITE' "$OUT" || fail "history: $(cat "$OUT")"

# Overwrite to one copy: the files of versions 0 and 1 become unreferenced.
run_medallion write t --from "$PARQUET" --mode overwrite
expect_status 0 "write --mode overwrite"
run_medallion vacuum t --dry-run --retain-hours 0 --force
expect_status 0 "vacuum --dry-run"
[ "$(wc -l <"$OUT")" = 2 ] || fail "vacuum --dry-run lists: $(cat "$OUT")"
while read -r file; do [ -f "t/$file" ] || fail "dry run deleted t/$file"; done <"$OUT"
run_medallion vacuum t --retain-hours 0
expect_status 1 "vacuum below the minimum window without --force"
expect_one_line_error_naming "168"
run_medallion vacuum t --retain-hours 0 --force
expect_status 0 vacuum
while read -r file; do [ ! -e "t/$file" ] || fail "vacuum left t/$file"; done <"$OUT"
run_medallion cat t
expect_status 0 "cat after vacuum"
diff -q <(sort "$OUT") source.jsonl >/dev/null || fail "the latest version changed after vacuum"

# Partitioned table, then replace one partition.
run_medallion write p --from "$PARQUET" --partition-by CATEGORY
expect_status 0 "write --partition-by"
ls -d p/CATEGORY=* >/dev/null 2>&1 || fail "no CATEGORY=… partition directories"
run_medallion write p --from "$PARQUET" --replace-where "CATEGORY = 'nonexistent'"
expect_status 1 "replace-where with rows outside the predicate"
grep -q "replace" "$ERR" || fail "replace-where error does not say why: $(cat "$ERR")"
run_medallion cat p
expect_status 0 "cat partitioned"
diff -q <(sort "$OUT") source.jsonl >/dev/null || fail "the partitioned table differs from the source file"

# Usage errors: one line, naming the problem.
run_medallion write t
expect_status 1 "write without --from"
expect_one_line_error_naming "--from"
run_medallion write t --from "$PARQUET" --mode sideways
expect_status 1 "write --mode sideways"
expect_one_line_error_naming "sideways"
run_medallion cat t --version 1 --timestamp "$at"
expect_status 1 "cat --version and --timestamp"
expect_one_line_error_naming "not both"
run_medallion cat t --version nine
expect_status 1 "cat --version nine"
expect_one_line_error_naming "nine"
run_medallion history
expect_status 1 "history without a table"
expect_one_line_error_naming "missing argument"
run_medallion history nowhere
expect_status 1 "history of a missing table"
expect_one_line_error_naming "nowhere"
run_medallion vacuum t --retain-hours soon
expect_status 1 "vacuum --retain-hours soon"
expect_one_line_error_naming "soon"
run_medallion generate --scale 1 --seed x --out g
expect_status 1 "generate --seed x"
expect_one_line_error_naming "--seed"
echo "PASS"
