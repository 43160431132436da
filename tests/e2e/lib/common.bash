# common.bash — helpers shared by the end-to-end tests (tests/e2e/*.sh), which run
# the built `medallion` ($MEDALLION_BIN) the way a user would.
#
# Exit statuses follow ctest's convention: 0 pass, 1 fail, 77 skipped.

set -u

if [ -z "${MEDALLION_BIN:-}" ] || [ ! -x "$MEDALLION_BIN" ]; then
  echo "FAIL: \$MEDALLION_BIN must name the built medallion binary" >&2
  exit 1
fi

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The shared corpus: $MEDALLION_SHARED, else $MEDALLION_SOURCE_DIR/../shared.
# Absent: skip (77), or fail when $MEDALLION_REQUIRE_SHARED is set (not "0").
require_shared() {
  local dir="${MEDALLION_SHARED:-}"
  if [ -z "$dir" ] && [ -n "${MEDALLION_SOURCE_DIR:-}" ]; then dir="$MEDALLION_SOURCE_DIR/../shared"; fi
  if [ -z "$dir" ] || [ ! -d "$dir/conformance/parquet" ]; then
    if [ -n "${MEDALLION_REQUIRE_SHARED:-}" ] && [ "${MEDALLION_REQUIRE_SHARED}" != 0 ]; then
      fail "$1 needs ../shared (or \$MEDALLION_SHARED), which is absent"
    fi
    echo "SKIPPED: $1: ../shared (or \$MEDALLION_SHARED) is absent"
    exit 77
  fi
  SHARED="$(cd "$dir" && pwd)"
  CORPUS="$SHARED/conformance/parquet"
}

# A fresh directory in $TMP, removed when the script exits.
make_temp() {
  local base="${MEDALLION_BINARY_DIR:-${TMPDIR:-/tmp}}/test-tmp"
  mkdir -p "$base"
  TMP="$(mktemp -d "$base/e2e-$1-XXXXXX")"
  trap 'rm -rf "$TMP"' EXIT
}

# Runs medallion with a time limit (and a memory limit unless sanitized, as
# AddressSanitizer reserves terabytes of address space); sets STATUS, OUT, ERR.
run_medallion() {
  OUT="$TMP/stdout"
  ERR="$TMP/stderr"
  local limit_memory=1
  if grep -q __asan_init "$MEDALLION_BIN" 2>/dev/null; then limit_memory=0; fi
  (
    if [ "$limit_memory" = 1 ]; then ulimit -v 2000000; fi
    exec timeout 60 "$MEDALLION_BIN" "$@"
  ) >"$OUT" 2>"$ERR"
  STATUS=$?
}

# Fails unless the last run_medallion ended with the given status.
expect_status() {
  if [ "$STATUS" != "$1" ]; then
    echo "--- stderr:" >&2
    head -c 2000 "$ERR" >&2
    fail "medallion ${*:2}: exit status $STATUS, expected $1"
  fi
}

# Fails unless stderr is one line "medallion: ..." containing the given text.
expect_one_line_error_naming() {
  local lines
  lines=$(wc -l <"$ERR")
  if [ "$lines" != 1 ] || ! grep -q '^medallion: ' "$ERR" || ! grep -qF -- "$1" "$ERR"; then
    echo "--- stderr:" >&2
    cat "$ERR" >&2
    fail "expected one 'medallion: ' line on stderr naming '$1'"
  fi
}

# Compares two files of JSON lines by the corpus README's rules (JSON values
# equal; numbers equal as exact integers or as doubles). Identical files pass at
# once; otherwise python3 compares values (without python3, bytes must match).
json_lines_equal() {
  # Identical bytes are equal values; only a difference needs the JSON comparison.
  if cmp -s "$1" "$2"; then return 0; fi
  if command -v python3 >/dev/null 2>&1; then
    python3 "$(dirname "${BASH_SOURCE[0]}")/json_lines_equal.py" "$1" "$2"
  else
    echo "$1 and $2 differ (python3 absent: compared bytes)"
    return 1
  fi
}

# silver_diff_key TABLE: the key columns `medallion diff --key` aligns a silver
# table (or its rejects) on, so differences print per key; empty for gold and
# for the patients rejects, whose key may be null.
silver_diff_key() {
  case "$1" in
    silver/billing | silver/billing_rejects) echo BILL_ID,LINE_NR ;;
    silver/patients) echo PATIENT_KEY ;;
    silver/geriatric_assessments | silver/geriatric_assessments_rejects) echo ASSESSMENT_ID ;;
    silver/patient_plans | silver/patient_plans_rejects) echo PLAN_ID ;;
    silver/bill_payments | silver/bill_payments_rejects) echo PAYMENT_ID ;;
    silver/tariff_codes) echo TARIFF_CODE ;;
    silver/pmb_conditions) echo ICD10_CODE ;;
    *) echo "" ;;
  esac
}

# diff_silver_gold HOME_A HOME_B WHAT: every silver, rejects and gold table of
# HOME_A equals HOME_B's under PIPELINE.md §6 (`medallion diff`); fails naming
# the table and WHAT, and sets COMPARED to the number of tables compared.
diff_silver_gold() {
  COMPARED=0
  local dir table key
  for dir in "$1"/silver/* "$1"/gold/*; do
    table="${dir#"$1"/}"
    key="$(silver_diff_key "$table")"
    run_medallion diff "$dir" "$2/$table" ${key:+--key "$key"}
    [ "$STATUS" = 0 ] || fail "$table differs ($3): $(head -20 "$OUT") $(cat "$ERR")"
    COMPARED=$((COMPARED + 1))
  done
  [ "$COMPARED" -ge 16 ] || fail "only $COMPARED silver and gold tables compared ($3)"
}
