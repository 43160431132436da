#!/usr/bin/env bash
# test.sh — build and run every test, the way CI does:
#   1. build/release: Release build, the whole ctest suite (unit tests, e2e
#      scripts, the install + pkg-config test, the DuckDB/Polars interop tests);
#   2. build/asan: clang with AddressSanitizer + UndefinedBehaviorSanitizer
#      (-DMEDALLION_SANITIZE=ON), the same ctest suite but for the peer-reader interop tests;
#   3. build/fuzz: the libFuzzer targets (clang), replayed over seeds made from
#      ../shared's corpus plus a short fixed-seed mutation run (fuzz/replay.sh).
# Tests that need ../shared skip when it is absent, unless MEDALLION_REQUIRE_SHARED=1
# (or --require-shared), which .ci/run sets so that a missing corpus fails CI.
# Options: --require-shared, --release-only, --asan-only (each "only" skips the fuzz step too).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

run_release=1
run_asan=1
run_fuzz=1
for arg in "$@"; do
  case "$arg" in
    --require-shared) export MEDALLION_REQUIRE_SHARED=1 ;;
    --release-only) run_asan=0 run_fuzz=0 ;;
    --asan-only) run_release=0 run_fuzz=0 ;;
    *) echo "usage: scripts/test.sh [--require-shared] [--release-only|--asan-only]" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh"
jobs=${MEDALLION_JOBS:-2}

# Install the DuckDB oracle once, before ctest runs tests in parallel, and point
# every test at it (tests/parquet/writer_oracle.h reads MEDALLION_PARQUET_ORACLE;
# tests/interop finds the same folder), so no two tests race to install it.
shared_dir=${MEDALLION_SHARED:-$root/../shared}
if [[ -z "${MEDALLION_PARQUET_ORACLE:-}" && -d "$shared_dir/tools/parquet-oracle" ]] && command -v npm >/dev/null 2>&1; then
  if oracle_dir=$("$root/scripts/npm-ci.sh" "$shared_dir/tools/parquet-oracle" "$root/build/node/parquet-oracle"); then
    export MEDALLION_PARQUET_ORACLE="$oracle_dir/oracle.mjs"
  else
    echo "test.sh: warning: could not install the DuckDB oracle; tests that need it will say so" >&2
  fi
fi

ctest_args=(--output-on-failure -j"$jobs" --timeout 1800)
status=0

if ((run_release)); then
  echo "== release build (build/release)"
  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
  cmake --build build/release -j"$jobs"
  (cd build/release && ctest "${ctest_args[@]}") || status=1
fi

if ((run_asan)); then
  echo "== ASan + UBSan build (build/asan)"
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DMEDALLION_SANITIZE=ON
  cmake --build build/asan -j"$jobs"
  # The sanitizer pass skips the tests whose subject is another engine's
  # reading of our files (interop/*) and the e2e copy of every corpus file with
  # every codec: they re-run code the other tests already drive under the
  # sanitizers, and under ASan they alone would take most of CI's time budget.
  # The UI's browser and wrk load tests are skipped too: tests/ui/test_*.c
  # drive the same server code under the sanitizers.
  (cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest "${ctest_args[@]}" -E '^(interop/|e2e/cp_roundtrip$|e2e/ui_browser$|e2e/ui_load$)') || status=1
fi

if ((run_fuzz)); then
  echo "== libFuzzer targets (build/fuzz)"
  if [[ -d "$shared_dir/conformance/parquet" ]]; then
    cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DMEDALLION_FUZZ=ON \
      -DMEDALLION_TESTS=OFF
    cmake --build build/fuzz -j"$jobs" --target fuzz_parquet_reader fuzz_delta_json fuzz_delta_log fuzz_delta_dv
    "$root/fuzz/replay.sh" build/fuzz "$shared_dir" || status=1
  elif [[ -n "${MEDALLION_REQUIRE_SHARED:-}" && "${MEDALLION_REQUIRE_SHARED}" != 0 ]]; then
    echo "test.sh: the fuzz step needs ../shared (or \$MEDALLION_SHARED), which is absent" >&2
    status=1
  else
    echo "SKIPPED: fuzz replay: ../shared (or \$MEDALLION_SHARED) is absent"
  fi
fi

if ((status == 0)); then echo "test.sh: all test suites passed"; else echo "test.sh: FAILED" >&2; fi
exit "$status"
