# Debian packages with CPack: libclerkN, N = CLERK_ABI_VERSION (the
# shared library, component `runtime`) and libclerk-dev (headers, static library, the .so link,
# libclerk.pc and the CMake package, component `dev`).  Built by
# cmake/package.sh (a Release build of its own, or an existing build folder)
# with `cpack -G DEB`.
set(CPACK_PACKAGE_NAME libclerk)
set(CPACK_PACKAGE_VENDOR "libclerk")
set(CPACK_PACKAGE_CONTACT "libclerk maintainers <libclerk@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C client library for Clerk's Backend API")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
# Debian packages install under /usr, whatever the build's own prefix (the
# .pc and CMake files find their prefix from where they are).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
set(CPACK_GENERATOR DEB)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING IGNORE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)

# The package is named after the SONAME (CLERK_ABI_VERSION, include/clerk/version.h).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "libclerk${CLERK_ABI_VERSION}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# Dependencies of the shared library from its ELF needs (dpkg-shlibdeps).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
  "C client library for Clerk's Backend API
 libclerk calls every operation of Clerk's Backend API from C11 (typed
 structs, retries, connection reuse, async calls) and verifies Clerk session
 tokens and webhooks.  This package holds the shared library.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libclerk-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The headers include <cjson/cJSON.h>; the CMake package looks for libcurl
# and libcrypto (find_dependency), which need their -dev packages.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libclerk${CLERK_ABI_VERSION} (= ${PROJECT_VERSION}-1), libcjson-dev, libcurl4-openssl-dev | libcurl-dev, libssl-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION
  "C client library for Clerk's Backend API (development files)
 libclerk calls every operation of Clerk's Backend API from C11.  This
 package holds the headers, the static library, libclerk.pc for pkg-config
 and the CMake package (find_package(clerk)).")
include(CPack)
