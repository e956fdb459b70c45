#!/bin/sh
# Builds tests/install/consumer.c against an installed libclerk, with
# pkg-config and with CMake's find_package(clerk) (shared and static), and
# runs each program.
#
#   check.sh WORK [PREFIX [BUILD]]
#
# WORK: scratch folder (emptied).  PREFIX: where `cmake --install` put
# libclerk; without it, the system's (Debian packages).  BUILD: a build
# folder to `cmake --install` into PREFIX first.  With CLERK_API_URL
# set the programs also call the API there (e.g. a Prism mock).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$1
prefix=${2:-}
rm -rf "$work"
mkdir -p "$work"
if [ -n "${3:-}" ]; then
    rm -rf "$prefix"
    cmake --install "$3" --prefix "$prefix" >/dev/null
fi
cc=${CC:-cc}

if [ -n "$prefix" ]; then
    prefix=$(cd "$prefix" && pwd)
    PKG_CONFIG_PATH=$(find "$prefix" -name libclerk.pc -printf '%h\n' | head -n1)
    export PKG_CONFIG_PATH
    cmake_prefix="-DCMAKE_PREFIX_PATH=$prefix"
else
    cmake_prefix=""
fi

echo "check: pkg-config libclerk $(pkg-config --modversion libclerk): $(pkg-config --cflags --libs libclerk)"
libdir=$(pkg-config --variable=libdir libclerk)
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer_pc" \
    "$here/consumer/consumer.c" $(pkg-config --cflags --libs libclerk) \
    -Wl,-rpath,"$libdir"
"$work/consumer_pc"

# shellcheck disable=SC2086
cmake -S "$here/consumer" -B "$work/cmake" $cmake_prefix -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/cmake" -j2 >/dev/null
"$work/cmake/consumer_cmake"
"$work/cmake/consumer_cmake_static"
echo "check: pkg-config, find_package(clerk) shared and static: passed"
