#!/bin/sh
# The session-token benchmark in one command:
#
#   tests/bench/auth_run.sh [harness options]
#
# Builds clerk_bench_auth in $CLERK_BENCH_BUILD_DIR (default: build-bench
# in the source tree, Release) when needed, installs the pinned
# @clerk/backend (tests/bench/node/package-lock.json) with `npm ci` when
# missing, then runs auth_harness.py: bare OpenSSL, libclerk and
# @clerk/backend on the same token, 3 runs, table.  Options are passed to
# the harness, e.g. --runs 5, --n 50000, --no-node, --no-callgrind (see
# --help).  Needs openssl, valgrind, /usr/bin/python3, node and npm.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${CLERK_BENCH_BUILD_DIR:-$src/build-bench}
node_dir=$src/tests/bench/node

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j2 --target clerk_bench_auth >/dev/null

if [ ! -d "$node_dir/node_modules/@clerk/backend" ] &&
   command -v npm >/dev/null 2>&1; then
    echo "auth_run: npm ci (tests/bench/node)" >&2
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

exec /usr/bin/python3 "$src/tests/bench/auth_harness.py" \
    --bench "$build/tests/bench/clerk_bench_auth" \
    --work-dir "$build/bench-auth" "$@"
