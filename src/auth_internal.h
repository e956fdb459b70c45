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

#include <cjson/cJSON.h>

#include <pthread.h>
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

/* The string value of an object member, or NULL (absent or not a
 * string); borrowed from the tree. */
const char *clerk__json_string(const cJSON *obj, const char *name);

/* `s` starts with `prefix`, ASCII letters compared without case. */
bool clerk__ascii_prefix_nocase(const char *s, const char *prefix);

/* The current time in milliseconds since the epoch (CLOCK_REALTIME). */
int64_t clerk__auth_now_ms(void);

/* ------------------------------------------------------------------ */
/* Key sets (src/auth_keys.c)                                          */
/* ------------------------------------------------------------------ */

typedef struct evp_pkey_st clerk__pkey_t; /* OpenSSL's EVP_PKEY */

/* One key of a set.  `pkey` is NULL for a key that can sign nothing we
 * accept (not RSA, `use` not "sig", an `alg` we do not allow); it is kept
 * so that a token naming it gets token-invalid-algorithm, not a kid
 * mismatch. */
typedef struct clerk__jwt_key {
    char *kid;           /* NULL for a PEM key */
    clerk__pkey_t *pkey; /* RSA public key, or NULL */
    unsigned algs;       /* CLERK_ALG_* the key allows */
    size_t sig_len;      /* modulus size in bytes */
    /* EVP_DigestVerifyInit done once per algorithm (RS256, RS384, RS512),
     * copied per token: the init costs about 7 % of a verification.  Only
     * read after the set is built, so threads may copy them at once. */
    struct evp_md_ctx_st *verify_init[3];
} clerk__jwt_key_t;

/* The key for a token's kid (NULL: none).  A PEM set answers every kid,
 * NULL included. */
const clerk__jwt_key_t *clerk__jwt_keys_find(
    const clerk_jwt_keys_t *keys, const char *kid);

/* Take one more reference (sets are reference-counted so that a cache can
 * replace its set while other threads still verify with the old one);
 * clerk_jwt_keys_free() drops one. */
clerk_jwt_keys_t *clerk__jwt_keys_ref(const clerk_jwt_keys_t *keys);

/* ------------------------------------------------------------------ */
/* The client's JWKS cache (src/auth_jwks.c)                           */
/* ------------------------------------------------------------------ */

typedef struct clerk__jwks_cache clerk__jwks_cache_t;

/* Guarded by `lock`; the fields are src/auth_jwks.c's to use. */
struct clerk__jwks_cache {
    pthread_mutex_t lock;
    pthread_cond_t done; /* a fetch finished */
    clerk_jwt_keys_t *keys;
    int64_t fetched_at_ms; /* when `keys` arrived */
    bool attempted;
    int64_t attempt_at_ms; /* when the last fetch started */
    bool fetching;
    unsigned long generation; /* fetches finished */
    unsigned long epoch;      /* clerk_jwks_cache_clear() calls */
    clerk_status_t last_status;
    clerk_auth_error_t last_error;
};

/* Created with the client, freed with it (src/auth_cache.c: no
 * dependency on the generated operations, so the runtime links alone). */
clerk__jwks_cache_t *clerk__jwks_cache_new(void);
void clerk__jwks_cache_free(clerk__jwks_cache_t *cache);

/* A key set holding `kid` (a new reference, free with
 * clerk_jwt_keys_free()), fetching GET /jwks when the cache is empty,
 * expired, or lacks the kid (at most one fetch at a time per client, and
 * at most one per CLERK__JWKS_MIN_REFRESH_MS for unknown kids).  On a
 * failed fetch the old keys are kept and returned when they hold the kid;
 * otherwise the fetch's status is returned with `error` filled. */
#define CLERK__JWKS_MIN_REFRESH_MS 10000
clerk_status_t clerk__jwks_cache_get(
    clerk_client_t *client,
    const char *kid,
    int64_t now_ms,
    clerk_jwt_keys_t **out,
    clerk_auth_error_t *error);

#endif /* CLERK_AUTH_INTERNAL_H */
