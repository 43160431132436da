#!/usr/bin/env bash
# run_config_progress.sh — `medallion run` settings and progress: a config file
# (<home>/medallion.conf, --config, $MEDALLION_CONFIG) under flags and the
# environment; prod without a hash key stops before reading anything; the hash
# key from the file is never printed nor stored; when stderr is not a terminal
# the progress is plain lines (no escape sequences), one per asset start and end.
source "$(dirname "$0")/lib/common.bash"
make_temp run_config
cd "$TMP"
unset MEDALLION_ENV MEDALLION_HOME MEDALLION_SOURCE MEDALLION_AS_OF MEDALLION_HASH_KEY MEDALLION_CONFIG MEDALLION_THREADS

run_medallion generate --scale 0.002 --seed 5 --out src
expect_status 0 generate

# <home>/medallion.conf supplies source, as_of, key and threads.
SECRET="conf-secret-$$-xyzzy"
mkdir -p home
cat >home/medallion.conf <<CONF
# test config
source = parquet:$TMP/src
as_of = 2026-06-30
hash_key = "$SECRET"
threads = 2
CONF
run_medallion run --home home
expect_status 0 "run with home/medallion.conf"
grep -q "as_of 2026-06-30" "$ERR" || fail "as_of from the config file not used: $(head -3 "$ERR")"
grep -q "warning" "$ERR" && fail "a hash key in the config file still gave the test-key warning"
grep -q "$SECRET" "$OUT" "$ERR" && fail "the hash key was printed"
grep -rq --exclude=medallion.conf "$SECRET" home && fail "the hash key is stored under the home"
[ "$(grep -c ' running$' "$ERR")" = 19 ] || fail "plain progress: expected 19 'running' lines: $(cat "$ERR")"
[ "$(grep -Ec ' ok +[0-9]+ rows +[0-9.]+ s' "$ERR")" = 19 ] || fail "plain progress: expected 19 'ok ... rows ... s' lines"
grep -q $'\033' "$ERR" && fail "escape sequences in non-terminal progress"
grep -q $'\r' "$ERR" && fail "carriage returns in non-terminal progress"
grep -q "^gold/monthly_revenue  *succeeded" "$OUT" || fail "summary table: $(cat "$OUT")"

# The environment beats the file, a flag beats the environment.
MEDALLION_AS_OF=2026-05-31 run_medallion run --home home
expect_status 0 "run with MEDALLION_AS_OF"
grep -q "as_of 2026-05-31" "$ERR" || fail "MEDALLION_AS_OF did not override the file"
MEDALLION_AS_OF=2026-05-31 run_medallion run --home home --as-of 2026-04-30
grep -q "as_of 2026-04-30" "$ERR" || fail "--as-of did not override the environment"

# --config and $MEDALLION_CONFIG name the file; a missing one is an error.
cp home/medallion.conf other.conf
sed -i 's/2026-06-30/2026-03-31/' other.conf
run_medallion run --home home --config other.conf
expect_status 0 "run --config"
grep -q "as_of 2026-03-31" "$ERR" || fail "--config file not used"
MEDALLION_CONFIG=missing.conf run_medallion run --home home
expect_status 1 "missing MEDALLION_CONFIG"
grep -q "missing.conf" "$ERR" || fail "missing config file not named: $(cat "$ERR")"

# A bad line names the file and line but never echoes a value.
printf 'hash_key = %s\nbogus %s\n' "$SECRET" "$SECRET" >bad.conf
run_medallion run --home home --config bad.conf
expect_status 1 "bad config line"
grep -q "bad.conf:2" "$ERR" || fail "bad line not located: $(cat "$ERR")"
grep -q "$SECRET" "$ERR" && fail "a config error echoed the secret"

# prod without a key: an error before anything is read (no home, no source access).
printf 'env = prod\nsource = parquet:%s/nowhere\n' "$TMP" >prod.conf
run_medallion run --home prodhome --config prod.conf
expect_status 1 "prod without a key"
grep -q "MEDALLION_HASH_KEY is not set" "$ERR" || fail "prod without a key: $(cat "$ERR")"
[ -e prodhome ] && fail "prod without a key created the home"

# The run store records the config without the key.
python3 - "$TMP/home/runs.sqlite" "$SECRET" <<'PY' || fail "run store config check"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("select config from runs").fetchall()
assert rows and all(sys.argv[2] not in (r[0] or "") for r in rows), rows
assert all('"as_of"' in r[0] for r in rows)
PY
echo "ok"
