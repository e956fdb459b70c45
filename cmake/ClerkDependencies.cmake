# Finds libcurl, cJSON and OpenSSL libcrypto from the system.  A missing one
# stops configure with the Debian package that provides it.
find_package(Threads REQUIRED)

find_package(CURL QUIET)
if(NOT CURL_FOUND)
  message(FATAL_ERROR "libcurl not found: install the Debian package libcurl4-openssl-dev")
endif()

find_package(OpenSSL QUIET COMPONENTS Crypto)
if(NOT OPENSSL_FOUND)
  message(FATAL_ERROR "OpenSSL libcrypto not found: install the Debian package libssl-dev")
endif()

find_path(CJSON_INCLUDE_DIR cjson/cJSON.h)
find_library(CJSON_LIBRARY NAMES cjson)
if(NOT CJSON_INCLUDE_DIR OR NOT CJSON_LIBRARY)
  message(FATAL_ERROR "cJSON not found: install the Debian package libcjson-dev")
endif()
if(NOT TARGET clerk::cjson)
  add_library(clerk::cjson UNKNOWN IMPORTED)
  set_target_properties(clerk::cjson PROPERTIES
    IMPORTED_LOCATION "${CJSON_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CJSON_INCLUDE_DIR}")
endif()
