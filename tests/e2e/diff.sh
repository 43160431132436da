#!/usr/bin/env bash
# diff.sh — `medallion diff` under PIPELINE.md §6: a gold Delta table equals its
# SQLite copy (exit 0); a changed value, a missing and an extra row are printed
# as changed (~, with --key), only in A (-) and only in B (+) (exit 1); a float
# within a relative 1e-9 still counts as equal; '_' columns are ignored; an
# unreadable operand is exit 2.
source "$(dirname "$0")/lib/common.bash"
make_temp diff
cd "$TMP"
unset MEDALLION_ENV MEDALLION_HOME MEDALLION_SOURCE MEDALLION_AS_OF MEDALLION_CONFIG

run_medallion generate --scale 0.002 --seed 9 --out src
expect_status 0 generate
MEDALLION_HASH_KEY=k run_medallion run --home h --source parquet:src --as-of 2026-06-30
expect_status 0 run
DB="$TMP/h/legacy/medallion.sqlite"

run_medallion diff h/gold/monthly_revenue "$DB:gold_monthly_revenue" --key MONTH
expect_status 0 "diff of equal tables"
grep -q "0 only in A (-), 0 only in B (+), 0 changed" "$OUT" || fail "equal: $(cat "$OUT")"

# Change one amount, nudge a float by 1e-12 relative, delete one month, add one.
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
months = [r[0] for r in db.execute("select MONTH from gold_monthly_revenue order by MONTH")]
db.execute("update gold_monthly_revenue set BILLED_AMOUNT = '1.23' where MONTH = ?", (months[0],))
db.execute("update gold_monthly_revenue set COLLECTION_RATE = COLLECTION_RATE * (1 + 1e-12) where MONTH = ?", (months[1],))
db.execute("delete from gold_monthly_revenue where MONTH = ?", (months[2],))
db.execute("insert into gold_monthly_revenue values ('1999-01-01', '5.00', '0.00', 0.0)")
db.commit()
print(months[0], months[2])
PY
run_medallion diff h/gold/monthly_revenue "$DB:gold_monthly_revenue" --key MONTH
expect_status 1 "diff of changed tables"
grep -q "^~ MONTH=.*: BILLED_AMOUNT: [0-9.-]* -> 1.23;$" "$OUT" || fail "changed row: $(cat "$OUT")"
[ "$(grep -c '^~' "$OUT")" = 1 ] || fail "the 1e-12 nudge counted as a change: $(cat "$OUT")"
grep -q "^- MONTH=" "$OUT" || fail "deleted row not shown: $(cat "$OUT")"
grep -q "^+ MONTH=1999-01-01, BILLED_AMOUNT=5.00, COLLECTED_AMOUNT=0.00, COLLECTION_RATE=0.0$" "$OUT" ||
  fail "added row: $(cat "$OUT")"
grep -q "1 only in A (-), 1 only in B (+), 1 changed (~)" "$OUT" || fail "summary: $(cat "$OUT")"

# Without --key the changed row is one removal and one addition.
run_medallion diff h/gold/monthly_revenue "$DB:gold_monthly_revenue"
expect_status 1 "diff without a key"
grep -q "2 only in A (-), 2 only in B (+)$" "$OUT" || fail "no key: $(cat "$OUT")"

# Silver tables carry _run_id: two runs with different run ids are still equal.
MEDALLION_HASH_KEY=k run_medallion run --home h2 --source parquet:src --as-of 2026-06-30 --select +silver/patients
expect_status 0 "second run"
run_medallion diff h/silver/patients h2/silver/patients --key PATIENT_KEY
expect_status 0 "silver across runs"
# A different hash key changes every PATIENT_KEY.
MEDALLION_HASH_KEY=other run_medallion run --home h3 --source parquet:src --as-of 2026-06-30 --select +silver/patients
run_medallion diff h/silver/patients h3/silver/patients --limit 2
expect_status 1 "silver with another key"
[ "$(grep -c '^[-+]' "$OUT")" = 4 ] || fail "--limit 2: $(cat "$OUT")"

# Parquet operands, bad operands, unknown key columns.
run_medallion diff src/billing.parquet src/billing.parquet --key BILL_ID,LINE_NR
expect_status 0 "parquet with itself"
run_medallion diff h/gold/monthly_revenue nowhere
expect_status 2 "missing operand"
run_medallion diff h/gold/monthly_revenue "$DB:no_such_table"
expect_status 2 "missing sqlite table"
run_medallion diff h/gold/monthly_revenue "$DB:gold_monthly_revenue" --key NOPE
expect_status 2 "unknown key column"
run_medallion diff --help
expect_status 0 "--help"
grep -q "0 equal, 1 different, 2 error" "$OUT" || fail "--help lacks the exit statuses"

# DuckDB, when a libduckdb is at hand.
LIB="${MEDALLION_LIBDUCKDB:-/usr/local/lib/medallion/libduckdb.so}"
if [ -f "$LIB" ] && [ -f h/legacy/medallion.duckdb ]; then
  MEDALLION_LIBDUCKDB="$LIB" run_medallion diff h/gold/grouped_billing h/legacy/medallion.duckdb:gold_grouped_billing \
    --key SOURCE,SERVICE_MONTH,TARIFF_CATEGORY
  expect_status 0 "delta vs duckdb"
else
  echo "note: no libduckdb; DuckDB operand not checked"
fi
echo "ok"
