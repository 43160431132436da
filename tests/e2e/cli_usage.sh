#!/usr/bin/env bash
# cli_usage.sh — the command line contract: --help and --version succeed, every
# subcommand has --help, and usage errors, missing files and broken files exit 1
# with one "medallion: " line on stderr that names the problem.
source "$(dirname "$0")/lib/common.bash"
make_temp usage

run_medallion --help
expect_status 0 --help
grep -q '^usage: medallion' "$OUT" || fail "--help does not print usage"
cp "$OUT" "$TMP/help"
for command in cat cp demo; do
  grep -q "^  $command " "$TMP/help" || fail "--help does not list $command"
  run_medallion "$command" --help
  expect_status 0 "$command" --help
  grep -q "^usage: medallion $command" "$OUT" || fail "$command --help does not print its usage"
done

run_medallion --version
expect_status 0 --version
grep -Eq '^medallion [0-9]+\.[0-9]+\.[0-9]+' "$OUT" || fail "--version prints '$(cat "$OUT")'"

run_medallion
expect_status 1 "(no arguments)"

run_medallion frobnicate
expect_status 1 frobnicate
expect_one_line_error_naming "frobnicate"

run_medallion cat
expect_status 1 cat
expect_one_line_error_naming "missing argument"

run_medallion cat --bogus x.parquet
expect_status 1 cat --bogus
expect_one_line_error_naming "--bogus"

run_medallion cp a.parquet
expect_status 1 cp a.parquet
expect_one_line_error_naming "missing argument"

run_medallion cp a.parquet b.parquet --codec lzo9
expect_status 1 cp --codec lzo9
expect_one_line_error_naming "lzo9"

run_medallion cp a.parquet b.parquet --row-group-rows 0
expect_status 1 cp --row-group-rows 0
expect_one_line_error_naming "--row-group-rows"

run_medallion cat --limit -3 x.parquet
expect_status 1 cat --limit -3
expect_one_line_error_naming "--limit"

missing="$TMP/no-such-file.parquet"
run_medallion cat "$missing"
expect_status 1 cat "$missing"
expect_one_line_error_naming "no-such-file.parquet"

run_medallion cp "$missing" "$TMP/out.parquet"
expect_status 1 cp "$missing"
expect_one_line_error_naming "no-such-file.parquet"
[ ! -e "$TMP/out.parquet" ] || fail "cp of a missing file created its destination"

broken="$TMP/broken.parquet"
printf 'PAR1 this is not a parquet file at all PAR1' >"$broken"
run_medallion cat "$broken"
expect_status 1 cat "$broken"
expect_one_line_error_naming "broken.parquet"

run_medallion cat --schema "$broken"
expect_status 1 cat --schema "$broken"
expect_one_line_error_naming "broken.parquet"

: >"$TMP/empty.parquet"
run_medallion cat "$TMP/empty.parquet"
expect_status 1 cat empty.parquet
expect_one_line_error_naming "empty.parquet"

echo "ok"
