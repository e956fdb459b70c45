#!/bin/sh
# Builds the Debian packages libclerk0 and libclerk-dev with CPack:
#   ./cmake/package.sh            -> build-pkg/packages/*.deb
# Configures a Release build installing under /usr (folder $PKG_BUILD_DIR,
# default build-pkg; no tests, no examples), builds it and runs cpack.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${PKG_BUILD_DIR:-$top/build-pkg}

"$top/cmake/install-deps.sh"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX=/usr -DCLERK_BUILD_TESTS=OFF \
      -DCLERK_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target clerk clerk_static
rm -f "$build"/packages/*.deb
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/packages/*.deb
