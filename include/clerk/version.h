/**
 * @file clerk/version.h
 * @brief Compile-time and run-time version of libclerk.
 */
#ifndef CLERK_VERSION_H
#define CLERK_VERSION_H

#include <clerk/common.h>

/* The one place the version is defined; CMakeLists.txt reads it from here. */
/** Major version number. */
#define CLERK_VERSION_MAJOR 0
/** Minor version number. */
#define CLERK_VERSION_MINOR 2
/** Patch version number. */
#define CLERK_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define CLERK_VERSION       "0.2.0"
/** The version as one number, (MAJOR << 16) | (MINOR << 8) | PATCH. */
#define CLERK_VERSION_NUM                                                      \
    ((CLERK_VERSION_MAJOR << 16) | (CLERK_VERSION_MINOR << 8) |                \
     CLERK_VERSION_PATCH)

/**
 * The ABI version: the shared library is libclerk.so.CLERK_ABI_VERSION.
 *
 * ABI policy.  Every public struct is part of the ABI, including the ones a
 * caller allocates and fills (clerk_client_options_t and the other option
 * structs, the generated `_params_t` and `_request_t` structs, models), so
 * any change to one (a field appended included), any change to an exported
 * function's signature and any removal is an incompatible change: the first
 * one after a release increments CLERK_ABI_VERSION, and with it the SONAME
 * and the Debian package name (libclerkN).  Regenerating from a new Clerk
 * OpenAPI document changes generated structs, so it nearly always bumps it.
 * Adding functions or types is compatible and does not.  CI compares the
 * built library with the last release's ABI (tests/abi/check.sh, with
 * libabigail's abidiff) and fails on an incompatible change made without a
 * bump.  Programs are compiled against one ABI version: compare
 * clerk_version() with CLERK_VERSION_NUM to notice a mismatch.
 */
#define CLERK_ABI_VERSION 1

/* CLERK_API_VERSION, the Clerk Backend API version sent as the
 * Clerk-API-Version header, is generated from the OpenAPI document's
 * info.version. */
#include <clerk/api/version.h>

CLERK_BEGIN_DECL

/**
 * Version of the library linked at run time.
 *
 * Compare with CLERK_VERSION_NUM to detect a header/library mismatch.
 *
 * @return (major << 16) | (minor << 8) | patch.
 */
CLERK_EXTERN unsigned clerk_version_num(void);

/**
 * Version of the library linked at run time, as text.
 *
 * @return A static string such as "0.1.0"; never NULL.
 */
CLERK_EXTERN const char *clerk_version_str(void);

CLERK_END_DECL

#endif /* CLERK_VERSION_H */
