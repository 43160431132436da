#!/usr/bin/env bash
# replay.sh — CI's fuzz smoke test: run every libFuzzer target over seeds made
# from the shared conformance corpus, then a short mutation run with a fixed
# seed. It keeps the targets building (they are not part of ctest) and
# replays the inputs that once crashed a reader; the long runs of
# fuzz/README.md are what finds new bugs.
#
#   fuzz/replay.sh BUILD_DIR SHARED_DIR [RUNS]     (RUNS: mutations per target, default 20000)
#
# BUILD_DIR was configured with -DMEDALLION_FUZZ=ON and clang. Exit status 0
# when no target crashed, leaked or hung.
set -euo pipefail
build=$(cd "$1" && pwd)
shared=$(cd "$2" && pwd)
runs=${3:-20000}
work=$(mktemp -d "${TMPDIR:-/tmp}/medallion-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{parquet,json,log,dv}
cp "$shared"/conformance/parquet/valid/*.parquet "$shared"/conformance/parquet/malformed/*.parquet "$work/parquet/"
n=0
for log in "$shared"/conformance/delta/cases/*/table/_delta_log; do
  n=$((n + 1))
  # fuzz_delta_log's input: the commits of one log, NUL-separated, in order.
  first=1
  for commit in "$log"/*.json; do
    [[ -f "$commit" ]] || continue
    cp "$commit" "$work/json/$n-$(basename "$commit")"
    if ((first)); then first=0; else printf '\0'; fi
    cat "$commit"
  done >"$work/log/$n"
done
for dv in "$shared"/conformance/delta/cases/*/table/deletion_vector_*.bin; do
  [[ -f "$dv" ]] && cp "$dv" "$work/dv/"
done

status=0
for pair in fuzz_parquet_reader:parquet delta/fuzz_delta_json:json delta/fuzz_delta_log:log delta/fuzz_delta_dv:dv; do
  target=$build/fuzz/${pair%%:*}
  seeds=$work/${pair##*:}
  name=$(basename "$target")
  mkdir -p "$work/corpus-$name" "$work/artifacts-$name"
  echo "fuzz: $name over $(find "$seeds" -type f | wc -l) seeds, then $runs mutations (seed 1)"
  if ! "$target" -seed=1 -runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$work/artifacts-$name/" "$work/corpus-$name" "$seeds" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED:" >&2
    tail -40 "$work/$name.log" >&2
    for artifact in "$work/artifacts-$name"/*; do
      [[ -f "$artifact" ]] && echo "fuzz: crashing input (base64): $(base64 -w0 "$artifact")" >&2
    done
    status=1
  else
    grep -E "^Done|DONE" "$work/$name.log" | tail -1
  fi
done
exit "$status"
