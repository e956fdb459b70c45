#!/bin/sh
# The async benchmark in one command:
#
#   tests/bench/run_async.sh [async_bench.py options]
#
# Configures (Release) and builds the client in $CLERK_BENCH_BUILD_DIR
# (default: build-bench in the source tree) when needed, installs the
# pinned @clerk/backend (tests/bench/package-lock.json) when missing, then
# runs async_bench.py, which starts nginx on 127.0.0.1 and prints the table.
# Options, e.g. --n 2000, --concurrency 64, --protocols h2, --runs 3.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${CLERK_BENCH_BUILD_DIR:-$src/build-bench}
spec=${CLERK_OPENAPI_SPEC:-$src/../shared/openapi/clerk-bapi-2026-05-12.yml}

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        -DCLERK_OPENAPI_SPEC="$spec" >/dev/null
fi
cmake --build "$build" -j2 --target clerk_bench_async >/dev/null
if [ ! -d "$src/tests/bench/node_modules/@clerk/backend" ]; then
    (cd "$src/tests/bench" && npm ci --no-audit --no-fund --loglevel=error)
fi

exec /usr/bin/python3 "$src/tests/bench/async_bench.py" \
    --build-dir "$build" --spec "$spec" "$@"
