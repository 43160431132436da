#!/usr/bin/env bash
# firebird_prod_matches_parquet.sh — the same generated data, loaded into a
# Firebird database (`generate --firebird`, the embedded engine) and run with
# MEDALLION_ENV=prod, gives the same silver and gold tables (`medallion diff`)
# as the Parquet source in dev; the Firebird bronze rows say _source_system
# "firebird". Skips without the Firebird 3 engine unless MEDALLION_REQUIRE_FIREBIRD.
source "$(dirname "$0")/lib/common.bash"
engine=""
for f in /usr/lib/x86_64-linux-gnu/firebird/3.0/plugins/libEngine12.so \
  /usr/lib/aarch64-linux-gnu/firebird/3.0/plugins/libEngine12.so /usr/lib/firebird/3.0/plugins/libEngine12.so \
  /opt/firebird/plugins/libEngine12.so; do
  [ -r "$f" ] && engine="$f"
done
if [ -z "$engine" ]; then
  [ -n "${MEDALLION_REQUIRE_FIREBIRD:-}" ] && fail "no Firebird 3 engine (MEDALLION_REQUIRE_FIREBIRD is set)"
  echo "SKIPPED: no Firebird 3 engine installed"
  exit 77
fi
# Only read by a sanitizer build: Firebird's own process-lifetime caches are not leaks of ours.
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lib/lsan-firebird.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
make_temp firebird_prod
cd "$TMP"
unset MEDALLION_ENV MEDALLION_HOME MEDALLION_SOURCE MEDALLION_AS_OF MEDALLION_CONFIG
export MEDALLION_HASH_KEY=medallion-test-key

run_medallion generate --scale 0.002 --seed 11 --out src --firebird "$TMP/clinic.fdb"
expect_status 0 "generate --firebird"
run_medallion run --home parquet_home --source "parquet:$TMP/src" --as-of 2026-06-30
expect_status 0 "dev run on Parquet"
MEDALLION_ENV=prod run_medallion run --home firebird_home --source "firebird:$TMP/clinic.fdb" --as-of 2026-06-30
expect_status 0 "prod run on Firebird"
grep -q "env prod" "$ERR" || fail "not a prod run: $(head -3 "$ERR")"

run_medallion cat firebird_home/bronze/tariff_codes_raw
grep -q '"_source_system":"firebird"' "$OUT" || fail "bronze rows do not come from firebird"

diff_silver_gold parquet_home firebird_home "the Parquet source against the Firebird source"
echo "ok: $COMPARED silver and gold tables equal"
