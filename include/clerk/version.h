/**
 * @file clerk/version.h
 * @brief Compile-time and run-time version of libclerk.
 */
#ifndef CLERK_VERSION_H
#define CLERK_VERSION_H

#include <clerk/common.h>

/* The one place the version is defined; CMakeLists.txt reads it from here. */
/** Major version: incompatible API or ABI changes. */
#define CLERK_VERSION_MAJOR 0
/** Minor version: additions. */
#define CLERK_VERSION_MINOR 1
/** Patch version: fixes. */
#define CLERK_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define CLERK_VERSION       "0.1.0"
/** The version as one number, (MAJOR << 16) | (MINOR << 8) | PATCH. */
#define CLERK_VERSION_NUM                                                      \
    ((CLERK_VERSION_MAJOR << 16) | (CLERK_VERSION_MINOR << 8) |                \
     CLERK_VERSION_PATCH)

/** Clerk Backend API version sent as the Clerk-API-Version header. */
#define CLERK_API_VERSION "2026-05-12"

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
