#!/usr/bin/env bash
# npm-ci.sh SRC_DIR DEST_DIR — install an npm package folder (package.json +
# package-lock.json + its files) into DEST_DIR with `npm ci`, once.
#
# Used for the DuckDB oracle, the Polars interop package and the benchmark's DuckDB:
# the copy is skipped when DEST_DIR already holds the same lock file, and a lock
# (flock on DEST_DIR.lock) keeps tests that ctest runs in parallel from installing
# into the same folder at once. Prints DEST_DIR's path on success.
set -euo pipefail
src=$(cd "$1" && pwd)
dest=$(realpath -m "$2")
mkdir -p "$(dirname "$dest")"
exec 9>"$dest.lock"
flock 9
if [[ -f "$dest/.installed" ]] && cmp -s "$src/package-lock.json" "$dest/.installed"; then
  echo "$dest"
  exit 0
fi
rm -rf "$dest"
mkdir -p "$dest"
(cd "$src" && tar --exclude=node_modules -cf - .) | (cd "$dest" && tar -xf -)
chmod -R u+w "$dest"
echo "npm-ci: installing $src into $dest" >&2
if ! (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1); then
  cat "$dest/npm-ci.log" >&2
  exit 1
fi
cp "$src/package-lock.json" "$dest/.installed"
echo "$dest"
