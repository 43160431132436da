#!/usr/bin/env bash
# install_and_link.sh — ctest test: `cmake --install` the current build into a
# temporary prefix, build consumer.c against the installed library with
# `pkg-config --cflags --libs medallion`, run it, and run the installed CLI.
#
# This is what a user of the library does, so it catches a wrong .pc file, a
# header that is not installed or includes a private one, and a symbol missing
# from the shared library's exports. Environment (set by tests/CMakeLists.txt):
# MEDALLION_BINARY_DIR, MEDALLION_SOURCE_DIR, MEDALLION_CC, MEDALLION_SANITIZE.
set -euo pipefail
: "${MEDALLION_BINARY_DIR:?}" "${MEDALLION_SOURCE_DIR:?}"
cc=${MEDALLION_CC:-cc}

prefix="$MEDALLION_BINARY_DIR/test-tmp/install-prefix"
rm -rf "$prefix"
mkdir -p "$prefix"
cmake --install "$MEDALLION_BINARY_DIR" --prefix "$prefix" >"$prefix.log"

pcdir=$(dirname "$(find "$prefix" -name medallion.pc -print -quit)")
[[ -f "$pcdir/medallion.pc" ]] || { echo "FAILED: no medallion.pc installed under $prefix"; exit 1; }
export PKG_CONFIG_PATH="$pcdir"
version=$(pkg-config --modversion medallion)
flags=$(pkg-config --cflags --libs medallion)
echo "pkg-config medallion $version: $flags"

# The flags must point into the prefix we installed to (the .pc is relocatable).
case "$flags" in
  *"-I$prefix/"*) ;;
  *) echo "FAILED: pkg-config --cflags does not point into $prefix: $flags"; exit 1 ;;
esac

extra=()
if [[ "${MEDALLION_SANITIZE:-OFF}" =~ ^(ON|1|TRUE|YES)$ ]]; then
  extra=(-fsanitize=address,undefined)
fi
# shellcheck disable=SC2086 # pkg-config output is a list of flags
"$cc" -std=c11 -Wall -Wextra -Werror "${extra[@]}" -o "$prefix/consumer" \
  "$MEDALLION_SOURCE_DIR/tests/install/consumer.c" $flags

libdir=$(pkg-config --variable=libdir medallion)
actual=$(LD_LIBRARY_PATH="$libdir" "$prefix/consumer")
expected='rows=3 columns=3
id: int64 nulls=0
name: utf8 nulls=1
amount: decimal(12,2) nulls=0
sum(id)=303
duplicate=refused'
if [[ "$actual" != "$expected" ]]; then
  echo "FAILED: consumer printed:"
  echo "$actual"
  echo "expected:"
  echo "$expected"
  exit 1
fi
echo "consumer output OK"

# The program must have picked up the installed library, not the build tree's.
# ldd's output is captured first: under pipefail, `ldd | grep -q` fails at
# random when grep exits on the first match and ldd dies of SIGPIPE (the
# install test's intermittent failure).
resolved=$(LD_LIBRARY_PATH="$libdir" ldd "$prefix/consumer")
if ! grep -qF "$libdir/libmedallion.so" <<<"$resolved"; then
  echo "FAILED: consumer does not resolve libmedallion from $libdir; ldd says:"
  echo "$resolved"
  exit 1
fi

cli_version=$("$prefix/bin/medallion" --version)
if [[ "$cli_version" != "medallion $version" ]]; then
  echo "FAILED: installed medallion --version printed '$cli_version', expected 'medallion $version'"
  exit 1
fi
echo "$cli_version OK"
rm -rf "$prefix" "$prefix.log"
