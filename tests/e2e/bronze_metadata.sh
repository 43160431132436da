#!/usr/bin/env bash
# bronze_metadata.sh — every bronze row carries its run's metadata: the source
# system, the run id and one ingestion time for the whole run, whatever the
# source batch it came in (bronze builds these columns once per batch length
# and shares them between batches, so batches of two lengths are covered).
source "$(dirname "$0")/lib/common.bash"
make_temp bronze_metadata

RUN_ID=11111111-2222-4333-8444-555555555555
# Scale 0.3: ~305,000 billing lines in row groups of 262,144, so the source
# hands bronze one full batch and one shorter one.
run_medallion generate --scale 0.3 --seed 5 --out "$TMP/src"
expect_status 0
run_medallion cat --schema "$TMP/src/billing.parquet"
expect_status 0
groups=$(grep -c '^row group [0-9]*: rows=' "$OUT")
[ "$groups" -ge 2 ] || fail "the test source has $groups row group(s); it needs batches of two lengths"
sizes=$(grep '^row group [0-9]*: rows=' "$OUT" | sed 's/.*rows=//' | sort -u | wc -l)
[ "$sizes" -ge 2 ] || fail "every source row group has the same length"
source_rows=$(grep '^row group [0-9]*: rows=' "$OUT" | sed 's/.*rows=//' | awk '{ n += $1 } END { print n }')

MEDALLION_HASH_KEY=test-key run_medallion run --home "$TMP/home" --source "parquet:$TMP/src" \
  --select bronze/billing_raw --run-id "$RUN_ID"
expect_status 0
run_medallion cat "$TMP/home/bronze/billing_raw"
expect_status 0
rows=$(wc -l <"$OUT")
[ "$rows" = "$source_rows" ] || fail "bronze has $rows rows, the source $source_rows"
with_source=$(grep -c '"_source_system":"parquet"' "$OUT")
[ "$with_source" = "$rows" ] || fail "$((rows - with_source)) bronze rows lack _source_system parquet"
with_run=$(grep -c "\"_run_id\":\"$RUN_ID\"" "$OUT")
[ "$with_run" = "$rows" ] || fail "$((rows - with_run)) bronze rows lack _run_id $RUN_ID"
times=$(grep -o '"_ingested_at":"[^"]*"' "$OUT" | sort -u | wc -l)
[ "$times" = 1 ] || fail "bronze rows have $times different _ingested_at values, expected one"
with_time=$(grep -c '"_ingested_at":"[0-9]' "$OUT")
[ "$with_time" = "$rows" ] || fail "$((rows - with_time)) bronze rows have no _ingested_at"
echo "ok: $rows bronze rows from $groups source batches carry the run's metadata"
