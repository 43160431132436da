#!/usr/bin/env bash
# ui_load.sh — `medallion ui` under a bounded load on loopback: wrk (Debian)
# with 200 connections for a few seconds per endpoint, over a lakehouse built by
# one pipeline run. Fails on any socket error or non-2xx response, on a crash,
# on resident memory that keeps growing from one round to the next (a leak),
# or on an unclean SIGINT shutdown. Prints wrk's figures.
set -euo pipefail
source "$MEDALLION_SOURCE_DIR/tests/ui/serve.sh"
ui_require wrk

out=$MEDALLION_BINARY_DIR/test-out/ui_load
rm -rf "$out"
mkdir -p "$out"
ui_make_home "$out" 1
ui_start "$out/home" "$out/server.log"
trap 'kill "$ui_pid" 2>/dev/null || true' EXIT

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$ui_pid/status"; }
failures=0
# load PATH SECONDS: one wrk round; fails on errors or non-2xx answers.
load() {
  local path=$1 seconds=$2 report
  # Let requests queued by the previous round finish first (one connection,
  # patient timeout), so each round measures its own endpoint.
  wrk -t1 -c1 -d1s --timeout 30s "$ui_url/api/runs" >/dev/null
  report=$(wrk -t2 -c200 -d"${seconds}s" --timeout 10s "$ui_url$path")
  echo "== $path (200 connections, ${seconds} s)"
  grep -E "Requests/sec|Latency|requests in" <<<"$report"
  local done_requests
  done_requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$report")
  # A floor, not a benchmark: the machine may be shared and loaded.
  if ((${done_requests:-0} < 10)); then
    echo "FAIL $path: only ${done_requests:-0} requests answered"
    failures=$((failures + 1))
  fi
  if grep -qE "Socket errors|Non-2xx" <<<"$report"; then
    grep -E "Socket errors|Non-2xx" <<<"$report"
    echo "FAIL $path: errors under load"
    failures=$((failures + 1))
  fi
  kill -0 "$ui_pid" 2>/dev/null || { cat "$out/server.log"; echo "FAILED: the server died under load"; exit 1; }
}

load /api/runs 3
rss_first=$(rss_kb)
load /api/runs 3
load '/api/tables/silver/billing/rows?version=0&limit=50' 3
load /api/assets 3
rss_second=$(rss_kb)
load /api/runs 3
load /api/assets 3
rss_third=$(rss_kb)
echo "resident memory (KiB) after rounds 1, 4 and 6: $rss_first $rss_second $rss_third"
# A leak of even one small buffer per request grows by megabytes over these
# hundreds of thousands of requests; allocator noise stays well under 16 MiB.
if ((rss_third - rss_second > 16384)); then
  echo "FAIL resident memory grew by $((rss_third - rss_second)) KiB between identical rounds"
  failures=$((failures + 1))
fi
ui_stop INT "$out/server.log"
trap - EXIT
((failures == 0)) && echo "load test passed" || { echo "$failures load check(s) failed"; exit 1; }
