/**
 * @file clerk/common.h
 * @brief Export macro, C++ guards and the few definitions every header needs.
 *
 * Anything not declared in a header under include/clerk* (or the generated
 * <clerk/api/...> and <clerk/model/...> headers) is not part of the API.
 */
#ifndef CLERK_COMMON_H
#define CLERK_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CLERK_BEGIN_DECL extern "C" {
#define CLERK_END_DECL   }
#else
#define CLERK_BEGIN_DECL
#define CLERK_END_DECL
#endif

/* Exported symbols; the library is built with -fvisibility=hidden. */
#if defined(_WIN32) && defined(CLERK_BUILDING_SHARED)
#define CLERK_EXTERN __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define CLERK_EXTERN __attribute__((visibility("default")))
#else
#define CLERK_EXTERN
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CLERK_DEPRECATED __attribute__((deprecated))
#else
#define CLERK_DEPRECATED
#endif

#endif /* CLERK_COMMON_H */
