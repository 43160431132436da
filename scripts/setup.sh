#!/usr/bin/env bash
# setup.sh — install what Medallion needs to build and test on Debian bookworm.
#
# Idempotent and quick on a machine that is already set up: apt is only touched
# when a package is missing, so demo.sh and test.sh can call this every time.
# Runs as root (CI and the developer machines are root); uses sudo otherwise.
# Node.js is only installed from Debian when no `node` is on PATH at all: the
# project machines ship Node 20, which the interop tests and benchmarks prefer.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates time
  clang libclang-rt-14-dev
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libbrotli-dev libssl-dev
  libsqlite3-dev libcmocka-dev firebird-dev
  libmicrohttpd-dev chromium wrk
  firebird3.0-server firebird3.0-utils
  python3
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if command -v node >/dev/null 2>&1; then
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if ((node_major < 20)); then
    echo "setup: note: node $(node --version) is older than 20; the DuckDB oracle and nodejs-polars interop tests want Node 20"
  fi
fi

# DuckDB's C library ships only inside an npm package (no Debian package, no
# header): fetch the pinned version into /usr/local/lib/medallion, where
# `medallion run` looks for libduckdb.so when MEDALLION_LIBDUCKDB is unset.
# Without it the pipeline still runs and says that the DuckDB output was skipped.
duckdb_dir=/usr/local/lib/medallion
duckdb_version=1.5.6-r.1
if [[ ! -e "$duckdb_dir/libduckdb.so" && $(id -u) -eq 0 ]] && command -v npm >/dev/null 2>&1; then
  echo "setup: fetching libduckdb.so (@duckdb/node-bindings-linux-x64@$duckdb_version) into $duckdb_dir"
  mkdir -p "$duckdb_dir/npm"
  if npm install --no-save --no-audit --no-fund --prefix "$duckdb_dir/npm" \
       "@duckdb/node-bindings-linux-x64@$duckdb_version" >/dev/null 2>&1; then
    ln -sf "$duckdb_dir/npm/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so" "$duckdb_dir/libduckdb.so"
  else
    echo "setup: note: could not fetch libduckdb.so; the pipeline will skip its DuckDB output" >&2
  fi
fi
