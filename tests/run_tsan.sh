#!/bin/sh
# Builds the runtime with ThreadSanitizer and runs the shared-client test
# (tests/runtime/test_rt_reuse.c: one client, 8 threads x 200 calls, over
# HTTP and HTTPS) and the rate limiter's (test_rt_ratelimit.c: 8 threads
# sharing one limit) against the fault server.  Only those tests' targets
# are built.  Any report fails the run.
#   BUILD_DIR   build folder (default: build-tsan)
# System libraries are not instrumented; tests/tsan.supp says what that
# hides (OpenSSL internals only).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-tsan}
spec=${CLERK_OPENAPI_SPEC:-$top/../shared/openapi/clerk-bapi-2026-05-12.yml}

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCLERK_SANITIZE=THREAD -DCLERK_BUILD_EXAMPLES=OFF \
      -DCLERK_OPENAPI_SPEC="$spec" >/dev/null
cmake --build "$build" -j"$(nproc)" --target test_rt_reuse test_rt_ratelimit
cd "$build"
TSAN_OPTIONS="suppressions=$top/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
    ctest --output-on-failure --timeout 600 -R '^runtime\.(reuse|ratelimit)$'
