#!/bin/sh
# Builds the Debian packages libclerkN (N = CLERK_ABI_VERSION; the shared
# library) and libclerk-dev (headers, static library, libclerk.pc, CMake package) with CPack:
#
#   ./cmake/package.sh            # -> build-pkg/packages/*.deb
#   ./cmake/package.sh BUILD_DIR  # package an existing build folder instead
#
# Without BUILD_DIR it configures a Release build for /usr in build-pkg (no
# tests, no examples) and builds the libraries.  The packages install under
# /usr whatever the build's own prefix.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-}
if [ -z "$build" ]; then
    build=$top/build-pkg
    "$top/cmake/install-deps.sh"
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_INSTALL_PREFIX=/usr -DCLERK_BUILD_TESTS=OFF \
          -DCLERK_BUILD_EXAMPLES=OFF >/dev/null
fi
build=$(cd "$build" && pwd)
cmake --build "$build" -j"$(nproc)" --target clerk clerk_static
rm -f "$build"/packages/*.deb
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/packages/*.deb
