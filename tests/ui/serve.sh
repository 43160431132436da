# serve.sh — shared by the UI's shell tests (tests/e2e/ui_*.sh; sourced, not
# run): skip-or-fail when a tool is missing, build a small lakehouse with the
# pipeline, start `medallion ui` on a free port and stop it with a signal.
: "${MEDALLION_BIN:?set by ctest}" "${MEDALLION_SOURCE_DIR:?set by ctest}" "${MEDALLION_BINARY_DIR:?set by ctest}"

# Print SKIPPED and exit 77, or FAILED and exit 1 when everything is required
# (MEDALLION_REQUIRE_SHARED=1, as CI sets it): CI must not pass by skipping.
ui_unavailable() {
  if [[ -n "${MEDALLION_REQUIRE_SHARED:-}" && "${MEDALLION_REQUIRE_SHARED}" != 0 ]]; then
    echo "FAILED: $1 (required because MEDALLION_REQUIRE_SHARED=1)"
    exit 1
  fi
  echo "SKIPPED: $1"
  exit 77
}

ui_require() { # TOOL...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || ui_unavailable "$tool is not installed (scripts/setup.sh installs it)"
  done
}

# ui_make_home DIR RUNS: generate a small source and run the pipeline RUNS times
# into DIR/home (each run writes a new version of every table).
ui_make_home() {
  local dir=$1 runs=$2 i
  "$MEDALLION_BIN" generate --scale 0.005 --seed 11 --out "$dir/source" >/dev/null
  for ((i = 0; i < runs; i++)); do
    MEDALLION_HASH_KEY=ui-test-key MEDALLION_LIBDUCKDB=/nonexistent/libduckdb.so \
      "$MEDALLION_BIN" run --home "$dir/home" --source "parquet:$dir/source" --as-of 2026-06-30 >"$dir/run-$i.log" 2>&1 ||
      { cat "$dir/run-$i.log"; echo "FAILED: pipeline run $i"; exit 1; }
  done
}

# ui_start HOME LOG: start the server on a free port (--port 0); sets ui_pid,
# ui_port and ui_url.
ui_start() {
  local home=$1 log=$2 i
  "$MEDALLION_BIN" ui --home "$home" --port 0 >"$log" 2>&1 &
  ui_pid=$!
  for ((i = 0; i < 100; i++)); do
    ui_port=$(sed -n 's|^medallion ui: serving .* at http://127.0.0.1:\([0-9]*\)/$|\1|p' "$log")
    [[ -n "$ui_port" ]] && break
    kill -0 "$ui_pid" 2>/dev/null || { cat "$log"; echo "FAILED: medallion ui exited"; exit 1; }
    sleep 0.1
  done
  [[ -n "$ui_port" ]] || { cat "$log"; echo "FAILED: medallion ui did not start"; exit 1; }
  ui_url=http://127.0.0.1:$ui_port
}

# ui_stop SIGNAL LOG: stop the server with SIGNAL; fails unless it exits 0
# promptly and says so.
ui_stop() {
  local signal=$1 log=$2 i status=0
  kill -s "$signal" "$ui_pid"
  for ((i = 0; i < 100; i++)); do
    kill -0 "$ui_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$ui_pid" 2>/dev/null && { kill -KILL "$ui_pid"; echo "FAILED: medallion ui ignored SIG$signal"; exit 1; }
  wait "$ui_pid" || status=$?
  ((status == 0)) || { cat "$log"; echo "FAILED: medallion ui exited $status after SIG$signal"; exit 1; }
  grep -q "SIG$signal received, stopping" "$log" || { cat "$log"; echo "FAILED: no shutdown message"; exit 1; }
  echo "ok   SIG$signal: clean shutdown"
}
