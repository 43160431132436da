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
