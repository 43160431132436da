#!/usr/bin/env bash
# sigkill_run.sh — a run killed with SIGKILL at random points leaves every
# Delta table readable at a committed version, the next run completes, and in
# the end silver and gold equal those of an uninterrupted run.
#
# At least 50 kills (MEDALLION_KILLS), each after a random delay within the
# length of an uninterrupted run; the seed is printed (set MEDALLION_KILL_SEED
# to replay). After every kill each table the killed run touched (its
# _delta_log changed) must `medallion cat` (the others were checked before);
# every tenth run after a kill is let finish and must succeed.
source "$(dirname "$0")/lib/common.bash"
make_temp sigkill
cd "$TMP"
unset MEDALLION_ENV MEDALLION_HOME MEDALLION_SOURCE MEDALLION_AS_OF MEDALLION_CONFIG MEDALLION_THREADS
export MEDALLION_HASH_KEY=medallion-test-key
KILLS="${MEDALLION_KILLS:-50}"
SEED="${MEDALLION_KILL_SEED:-$(( $(date +%s) % 100000 ))}"
echo "seed $SEED (replay with MEDALLION_KILL_SEED=$SEED)"
RANDOM=$SEED

run_medallion generate --scale 0.005 --seed 3 --out src
expect_status 0 generate
RUN=(run --source "parquet:$TMP/src" --as-of 2026-06-30)

start=$(date +%s%N)
run_medallion "${RUN[@]}" --home ref
expect_status 0 "uninterrupted run"
run_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "uninterrupted run: $run_ms ms"

tables_readable() {
  local dir n=0
  while IFS= read -r dir; do
    dir="${dir%/_delta_log}"
    timeout 60 "$MEDALLION_BIN" cat "$dir" >/dev/null 2>"$TMP/cat-err" || fail "after kill $1 (delay $2 ms): $dir unreadable: $(head -3 "$TMP/cat-err")"
    n=$((n + 1))
  done < <(find home -type d -name _delta_log ${3:+-newer "$3"})
  echo "$n"
}

kills=0 attempts=0 completed=0
while [ "$kills" -lt "$KILLS" ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le $((KILLS * 3)) ] || fail "only $kills kills in $attempts attempts"
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (run_ms + 1) ))
  touch "$TMP/marker"
  sleep 0.01 # the marker is older than any commit of this run
  launched=$(date +%s%N)
  "$MEDALLION_BIN" "${RUN[@]}" --home home >"$TMP/kill-out" 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null # no "Killed" line from the shell
  status=$?
  if [ "$status" = 137 ]; then
    kills=$((kills + 1))
  elif [ "$status" != 0 ]; then
    fail "run before kill $((kills + 1)) failed by itself (status $status): $(tail -5 "$TMP/kill-out")"
  else
    # It finished before the kill: runs are quicker than the first one was
    # (measured on a busier machine), so aim the delays within this one.
    took_ms=$(( ($(date +%s%N) - launched) / 1000000 ))
    [ "$took_ms" -lt "$run_ms" ] && run_ms=$took_ms
  fi
  [ -d home ] && tables_readable "$kills" "$delay_ms" "$TMP/marker" >/dev/null
  if [ $((kills % 10)) = 0 ] && [ "$status" = 137 ]; then
    run_medallion "${RUN[@]}" --home home
    expect_status 0 "run after kill $kills"
    completed=$((completed + 1))
  fi
done
echo "$kills kills in $attempts attempts, $completed runs let finish in between"

run_medallion "${RUN[@]}" --home home
expect_status 0 "final run"
n=$(tables_readable final 0)
[ "$n" -ge 19 ] || fail "only $n Delta tables under the home"
diff_silver_gold ref home "the uninterrupted run against the killed runs' home"
echo "ok: $kills kills, $COMPARED silver and gold tables equal to the uninterrupted run"
