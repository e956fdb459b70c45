/*
 * Internals shared by the authentication sources (src/auth_*.c).  Not
 * installed, not API.
 *
 *   auth_common.c   reasons, error filling, strict base64
 *   auth_keys.c     PEM / JWKS -> clerk_jwt_keys_t (RSA EVP_PKEYs by kid)
 *   auth_jwt.c      session tokens: parse, verify, claims
 *   auth_jwks.c     the per-client JWKS cache (GET /jwks)
 *   auth_request.c  clerk_authenticate_request, machine tokens
 *   auth_webhook.c  Svix / Standard Webhooks signatures and events
 */
#ifndef CLERK_AUTH_INTERNAL_H
#define CLERK_AUTH_INTERNAL_H

#include <clerk/auth.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fill `error` (may be NULL) with a reason and a printf-style message.
 * Messages are built from library text and from values the library chose
 * to show (claim names, numbers); never from secrets or whole tokens. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
void clerk__auth_fail(
    clerk_auth_error_t *error,
    clerk_auth_reason_t reason,
    const char *fmt,
    ...);

/* Reset `error` (may be NULL) to CLERK_AUTH_OK with an empty message. */
void clerk__auth_ok(clerk_auth_error_t *error);

/* Strict RFC 4648 decoding.  CLERK__B64_URL: section 5 alphabet ("-_"), no
 * padding.  CLERK__B64_STD: section 4 alphabet ("+/"), padding required up
 * to a multiple of 4.  Both refuse any other byte (whitespace included)
 * and non-zero trailing bits, so every accepted text is canonical.
 * `out` must hold clerk__b64_decoded_max(len) bytes.  Returns false on
 * invalid input. */
#define CLERK__B64_URL 0
#define CLERK__B64_STD 1
bool clerk__b64_decode(
    const char *in, size_t len, int mode, unsigned char *out, size_t *out_len);
size_t clerk__b64_decoded_max(size_t len);

/* Standard base64 (with padding) of `len` bytes into `out`, which must
 * hold 4 * ((len + 2) / 3) + 1 bytes; NUL-terminated.  Returns the length. */
size_t clerk__b64_encode(const unsigned char *in, size_t len, char *out);

/* The current time in milliseconds since the epoch (CLOCK_REALTIME). */
int64_t clerk__auth_now_ms(void);

#endif /* CLERK_AUTH_INTERNAL_H */
