# lib.sh — shared by the interop tests (sourced, not run): where ../shared is,
# skip-or-fail, the npm installs of the independent readers, and the set of
# Parquet files our CLI writes for them to read.
#
# The npm dependencies go to $MEDALLION_NODE_DIR (default <source>/build/node),
# shared by every build dir and installed once by scripts/npm-ci.sh, from committed
# lock files, under a lock, because ctest -j runs several of these tests at once.

: "${MEDALLION_BIN:?set by ctest}" "${MEDALLION_SOURCE_DIR:?set by ctest}" "${MEDALLION_BINARY_DIR:?set by ctest}"
interop_dir="$MEDALLION_SOURCE_DIR/tests/interop"
node_dir=${MEDALLION_NODE_DIR:-$MEDALLION_SOURCE_DIR/build/node}

# Print SKIPPED and exit 77, or FAILED and exit 1 when the run requires everything
# (MEDALLION_REQUIRE_SHARED=1, as .ci/run sets it): CI must not pass by skipping.
interop_unavailable() {
  if [[ -n "${MEDALLION_REQUIRE_SHARED:-}" && "${MEDALLION_REQUIRE_SHARED}" != 0 ]]; then
    echo "FAILED: $1 (required because MEDALLION_REQUIRE_SHARED=1)"
    exit 1
  fi
  echo "SKIPPED: $1"
  exit 77
}

# Sets $shared to the shared folder: $MEDALLION_SHARED, else <source>/../shared.
interop_find_shared() {
  local dir=${MEDALLION_SHARED:-$MEDALLION_SOURCE_DIR/../shared}
  [[ -d "$dir/conformance/parquet/valid" ]] || interop_unavailable "no shared corpus at $dir (set MEDALLION_SHARED)"
  shared=$(cd "$dir" && pwd)
}

interop_require_node() {
  command -v node >/dev/null 2>&1 || interop_unavailable "node is not installed (scripts/setup.sh installs it)"
  command -v npm >/dev/null 2>&1 || interop_unavailable "npm is not installed (scripts/setup.sh installs it)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  ((major >= 20)) || interop_unavailable "node $(node --version) is older than 20"
}

# interop_npm_ci SRC_DIR DEST_NAME: `npm ci` a package into $node_dir/DEST_NAME once
# (scripts/npm-ci.sh). Sets $npm_package_dir.
interop_npm_ci() {
  npm_package_dir=$("$MEDALLION_SOURCE_DIR/scripts/npm-ci.sh" "$1" "$node_dir/$2") ||
    { echo "FAILED: npm ci of $1"; exit 1; }
}

# The CLI's spelling of the writer options (one place to change).
interop_cp() { # IN OUT CODEC DICT(on|off) [more cp options]
  local args=(cp "$1" "$2" --codec "$3")
  [[ "$4" == off ]] && args+=(--no-dictionary)
  "$MEDALLION_BIN" "${args[@]}" "${@:5}"
}
interop_cat() { "$MEDALLION_BIN" cat "$1"; }

# interop_write_files OUTDIR (after interop_find_shared): write the files the other readers must read, with our
# CLI, and our own reading of each as OUT/NAME.ours.jsonl. Files:
#  - every flat (non-nested) valid conformance file, copied with `medallion cp`;
#    the codec and dictionary setting rotate over the files so every option meets
#    many types, and duckdb_alltypes_uncompressed also gets every codec x dictionary
#    combination, in row groups of 1000 rows (3 per file) and small (4 KiB) pages;
#  - `medallion demo` output (its .parquet files).
# Lists OUT/files.txt (one NAME a line). Failures are collected, not fatal, so one run
# shows them all; returns 1 if any.
interop_write_files() {
  local out=$1 valid codecs=(snappy zstd gzip lz4_raw brotli none) dicts=(on off)
  valid="$shared/conformance/parquet/valid"
  rm -rf "$out"
  mkdir -p "$out"
  : >"$out/files.txt"
  local failures=0 i=0 file name codec dict
  while IFS=$'\t' read -r file _set _codecs _enc _pv _lt nested _rows _rgs; do
    [[ "$file" == file || "$nested" != no ]] && continue
    name=${file%.parquet}
    codec=${codecs[$((i % ${#codecs[@]}))]}
    dict=${dicts[$(((i / ${#codecs[@]}) % 2))]}
    i=$((i + 1))
    interop_write_one "$valid/$file" "$out" "$name.$codec.dict-$dict" "$codec" "$dict" || failures=$((failures + 1))
  done <"$shared/conformance/parquet/features.tsv"
  for codec in "${codecs[@]}"; do
    for dict in "${dicts[@]}"; do
      interop_write_one "$valid/duckdb_alltypes_uncompressed.parquet" "$out" \
        "alltypes-matrix.$codec.dict-$dict" "$codec" "$dict" --row-group-rows 1000 --page-bytes 4k ||
        failures=$((failures + 1))
    done
  done
  local demo="$out/demo-run"
  mkdir -p "$demo"
  if "$MEDALLION_BIN" demo --out "$demo" --rows 5000 --show 0 >"$out/demo.log" 2>&1; then
    while IFS= read -r -d '' file; do
      name="demo.$(basename "$file" .parquet)"
      cp "$file" "$out/$name.parquet"
      if interop_cat "$out/$name.parquet" >"$out/$name.ours.jsonl" 2>"$out/$name.err"; then
        echo "$name" >>"$out/files.txt"
      else
        echo "FAIL $name: medallion cat: $(head -c 400 "$out/$name.err")"
        failures=$((failures + 1))
      fi
    done < <(find "$demo" -name '*.parquet' -print0 | sort -z)
    grep -q '^demo\.' "$out/files.txt" || { echo "FAIL medallion demo wrote no .parquet file"; failures=$((failures + 1)); }
  else
    echo "FAIL medallion demo: $(tail -c 400 "$out/demo.log")"
    failures=$((failures + 1))
  fi
  echo "interop: wrote $(wc -l <"$out/files.txt") files, $failures failures"
  ((failures == 0))
}

interop_write_one() { # SRC OUTDIR NAME CODEC DICT [more cp options]
  local src=$1 out=$2 name=$3
  if ! interop_cp "$src" "$out/$name.parquet" "$4" "$5" "${@:6}" 2>"$out/$name.err"; then
    echo "FAIL $name: medallion cp: $(head -c 400 "$out/$name.err")"
    return 1
  fi
  if ! interop_cat "$out/$name.parquet" >"$out/$name.ours.jsonl" 2>"$out/$name.err"; then
    echo "FAIL $name: medallion cat: $(head -c 400 "$out/$name.err")"
    return 1
  fi
  echo "$name" >>"$out/files.txt"
}
