#!/bin/sh
# Builds libclerk with its tests and runs the whole suite with ctest.
#   BUILD_DIR           build folder (default: build)
#   CLERK_SANITIZE=ON   build with ASan + UBSan (default folder: build-asan);
#                       ThreadSanitizer has its own script, tests/run_tsan.sh
#   CLERK_OPENAPI_SPEC  the spec (default: ../shared/openapi/clerk-bapi-2026-05-12.yml)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
san=${CLERK_SANITIZE:-OFF}
if [ "$san" = ON ]; then def=build-asan; else def=build; fi
build=${BUILD_DIR:-$top/$def}
spec=${CLERK_OPENAPI_SPEC:-$top/../shared/openapi/clerk-bapi-2026-05-12.yml}

"$top/cmake/install-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLERK_ASSERTS=ON \
      -DCLERK_SANITIZE="$san" -DCLERK_OPENAPI_SPEC="$spec" >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" --timeout 600
