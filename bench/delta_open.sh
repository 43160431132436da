#!/bin/sh
# delta_open.sh — build bench/delta_open.c against build/ (cmake --build build
# first) and time opening the latest snapshot of a generated 10,000-commit
# Delta table. Usage: bench/delta_open.sh [COMMITS] [BUILD_DIR]
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
commits=${1:-10000}
build=${2:-$root/build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/include" "$here/delta_open.c" "$build/libmedallion_static.a" \
  $(pkg-config --libs libzstd snappy zlib liblz4 libbrotlidec libbrotlienc libcrypto) -lm -lpthread -o "$out/delta_open"
"$out/delta_open" "$out/table" "$commits"
