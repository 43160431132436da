#!/usr/bin/env bash
# failed_asset_keeps_tables.sh — a silver asset that fails leaves its rejects
# table with its previous rows (it commits rejects first, then silver, and
# restores rejects when silver fails): the run reports the asset failed, its dependents skipped,
# and silver/patients_rejects still equals the previous run's; the next run,
# once the cause is gone, completes.
source "$(dirname "$0")/lib/common.bash"
make_temp failed_asset
cd "$TMP"
unset MEDALLION_ENV MEDALLION_HOME MEDALLION_SOURCE MEDALLION_AS_OF MEDALLION_CONFIG

run_medallion generate --scale 0.002 --seed 4 --out src
expect_status 0 generate
RUN=(run --home h --source "parquet:$TMP/src" --as-of 2026-06-30 --select +silver/patients)
MEDALLION_HASH_KEY=key-one run_medallion "${RUN[@]}"
expect_status 0 "first run"
cp -r h/silver/patients_rejects before_rejects

# A file where the silver table should be: the silver write fails, after the
# rejects write (whose rows differ: another hash key changes PATIENT_KEY).
mv h/silver/patients patients.saved
echo "not a table" >h/silver/patients
MEDALLION_HASH_KEY=key-two run_medallion "${RUN[@]}" --json
expect_status 1 "run with an unwritable silver table"
grep -q '"asset":"silver/patients","status":"failed"' "$OUT" || fail "silver/patients not failed: $(cat "$OUT")"
run_medallion diff before_rejects h/silver/patients_rejects
expect_status 0 "rejects after the failed asset"
run_medallion history h/silver/patients_rejects --json
# A full refresh streams silver into its table from the start, so it can fail
# before the rejects write (no new commit) as well as after it (a restore).
if ! grep -q "restored_version" "$OUT"; then
  [ "$(grep -o '"version":' "$OUT" | wc -l)" -eq 1 ] || fail "rejects changed without a restore commit: $(cat "$OUT")"
fi

# Cause gone: the next run completes and now both tables carry key-two's rows.
rm h/silver/patients
mv patients.saved h/silver/patients
MEDALLION_HASH_KEY=key-two run_medallion "${RUN[@]}"
expect_status 0 "run after the cause is gone"
run_medallion diff before_rejects h/silver/patients_rejects
expect_status 1 "rejects rewritten with the new key"
echo "ok"
