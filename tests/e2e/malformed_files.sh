#!/usr/bin/env bash
# malformed_files.sh — `medallion cat` on every malformed file of the conformance
# corpus ends without a crash or hang; files whose manifest says "error" exit 1
# with one "medallion: " line naming the file.
source "$(dirname "$0")/lib/common.bash"
require_shared "malformed files"
make_temp malformed

failures=0
while IFS=$'\t' read -r file expect _; do
  [ "$file" = file ] && continue
  path="$CORPUS/malformed/$file"
  [ -f "$path" ] || continue
  run_medallion cat "$path"
  if [ "$STATUS" -gt 1 ]; then
    echo "FAIL $file: exit status $STATUS (crash, sanitizer report or timeout): $(head -c 300 "$ERR")"
    failures=$((failures + 1))
  elif [ "$expect" = error ] && [ "$STATUS" != 1 ]; then
    echo "FAIL $file: expected an error, got exit 0"
    failures=$((failures + 1))
  elif [ "$STATUS" = 1 ] && ! { [ "$(wc -l <"$ERR")" = 1 ] && grep -q "^medallion: .*$file" "$ERR"; }; then
    echo "FAIL $file: error message does not name the file: $(head -c 300 "$ERR")"
    failures=$((failures + 1))
  fi
  run_medallion cat --schema "$path"
  if [ "$STATUS" -gt 1 ]; then
    echo "FAIL $file: cat --schema: exit status $STATUS: $(head -c 300 "$ERR")"
    failures=$((failures + 1))
  fi
done <"$CORPUS/malformed/manifest.tsv"
[ "$failures" = 0 ] || fail "$failures malformed files mishandled"
echo "ok"
