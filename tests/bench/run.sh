#!/bin/sh
# The libclerk benchmark in one command:
#
#   tests/bench/run.sh [harness options]
#
# Configures (Release) and builds the two clients in $CLERK_BENCH_BUILD_DIR
# (default: build-bench in the source tree) when needed, then runs
# harness.py, which starts nginx on 127.0.0.1, runs both clients and prints
# the table.  Options are passed to the harness, e.g. --runs 1,
# --workloads user, --schemes https, --no-callgrind (see --help).
# Needs nginx (nginx-light), openssl, valgrind, /usr/bin/python3 + PyYAML.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${CLERK_BENCH_BUILD_DIR:-$src/build-bench}
spec=${CLERK_OPENAPI_SPEC:-$src/../shared/openapi/clerk-bapi-2026-05-12.yml}

if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
        -DCLERK_OPENAPI_SPEC="$spec" >/dev/null
fi
cmake --build "$build" -j2 --target clerk_bench_clients >/dev/null

exec /usr/bin/python3 "$src/tests/bench/harness.py" \
    --build-dir "$build" --spec "$spec" "$@"
