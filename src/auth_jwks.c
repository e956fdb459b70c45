/*
 * The per-client JWKS cache: keys fetched with the generated GET /jwks
 * operation, kept CLERK_JWKS_CACHE_TTL_MS, refreshed by one thread at a
 * time while the others wait for its result, and never fetched more than
 * once per CLERK__JWKS_MIN_REFRESH_MS for kids it does not know.
 */
#include "auth_internal.h"
#include "runtime_internal.h"

#include <clerk/api/jwks.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* After a failed fetch with no keys at all, wait this long before the
 * next one, so an outage does not turn every request into a fetch. */
#define RETRY_AFTER_FAILURE_MS 1000

void clerk_jwks_cache_clear(clerk_client_t *client)
{
    clerk__jwks_cache_t *cache;
    clerk_jwt_keys_t *old;

    if (client == NULL || client->jwks == NULL) {
        return;
    }
    cache = client->jwks;
    pthread_mutex_lock(&cache->lock);
    old = cache->keys;
    cache->keys = NULL;
    cache->attempted = false;
    cache->epoch++; /* a fetch in flight must not refill the cache */
    pthread_mutex_unlock(&cache->lock);
    clerk_jwt_keys_free(old);
}

/* A time at or after `then` by less than `span`; a clock that went back
 * counts as elapsed (the safe side is to fetch). */
static bool within(int64_t now, int64_t then, int64_t span)
{
    return now >= then && now - then < span;
}

/* Was the refused fetch a refused secret key? (@clerk/backend looks for
 * the error code "clerk_key_invalid".) */
static bool secret_key_refused(const clerk_response_t *meta)
{
    size_t i;

    if (meta->errors == NULL) {
        return false;
    }
    for (i = 0; i < meta->errors->count; i++) {
        const char *code = meta->errors->items[i].code;

        if (code != NULL && strcmp(code, "clerk_key_invalid") == 0) {
            return true;
        }
    }
    return false;
}

/* GET /jwks through the generated operation, then parse the raw body
 * (not the typed model: the key set keeps only what verification needs). */
static clerk_status_t fetch_keys(
    clerk_client_t *client, clerk_jwt_keys_t **out, clerk_auth_error_t *error)
{
    clerk_jwks_get_jwks_response_t *res = NULL;
    clerk_status_t st;

    *out = NULL;
    st = clerk_jwks_get_jwks_detailed(&res, client);
    if (res == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        return CLERK_E_NOMEM;
    }
    /* The body is a key set only when it arrived whole: a 200 cut short
     * (CLERK_E_TRANSPORT) or over the size limit keeps its transfer
     * status.  CLERK_E_DECODE (the typed model refused it) still has the
     * whole body, which is parsed below with the JWKS rules. */
    if (res->meta.http_status == 200 && res->meta.body != NULL &&
        (st == CLERK_OK || st == CLERK_E_DECODE)) {
        st = clerk_jwt_keys_from_jwks(
            out, res->meta.body, res->meta.body_len, error);
        if (st == CLERK_E_INVALID_ARG) {
            st = CLERK_E_DECODE;
        }
    } else if (st == CLERK_OK) {
        st = CLERK_E_HTTP; /* a 2xx other than 200 has no key set */
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD,
            "loading the JWKS failed: HTTP %ld", res->meta.http_status);
    } else if (secret_key_refused(&res->meta)) {
        clerk__auth_fail(
            error, CLERK_AUTH_SECRET_KEY_INVALID,
            "loading the JWKS failed: the API refused the secret key (HTTP "
            "%ld)",
            res->meta.http_status);
    } else {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD,
            "loading the JWKS failed: %s (HTTP %ld)", clerk_status_str(st),
            res->meta.http_status);
    }
    clerk_jwks_get_jwks_response_free(res);
    return st;
}

clerk_status_t clerk__jwks_cache_get(
    clerk_client_t *client,
    const char *kid,
    int64_t now_ms,
    clerk_jwt_keys_t **out,
    clerk_auth_error_t *error)
{
    clerk__jwks_cache_t *cache = client->jwks;
    clerk_jwt_keys_t *fresh = NULL;
    clerk_jwt_keys_t *old = NULL;
    clerk_auth_error_t fetch_error = { CLERK_AUTH_OK, "" };
    clerk_status_t st;
    unsigned long seen;
    unsigned long epoch;
    bool have;
    bool current;

    *out = NULL;
    pthread_mutex_lock(&cache->lock);
    for (;;) {
        have = cache->keys != NULL;
        current = have &&
                  within(now_ms, cache->fetched_at_ms, CLERK_JWKS_CACHE_TTL_MS);
        if (current && clerk__jwt_keys_find(cache->keys, kid) != NULL) {
            goto use_cached;
        }
        if (!cache->fetching) {
            break;
        }
        /* Someone is fetching: wait for that fetch, then use its result
         * rather than start another. */
        seen = cache->generation;
        while (cache->fetching && cache->generation == seen) {
            pthread_cond_wait(&cache->done, &cache->lock);
        }
        if (cache->keys != NULL) {
            goto use_cached;
        }
        if (cache->last_status == CLERK_OK) {
            continue; /* cleared during that fetch: fetch anew */
        }
        st = cache->last_status;
        if (error != NULL) {
            *error = cache->last_error;
        }
        pthread_mutex_unlock(&cache->lock);
        return st != CLERK_OK ? st : CLERK_E_UNAUTHORIZED;
    }
    /* Rate limits: an unknown kid with current keys refreshes at most
     * every CLERK__JWKS_MIN_REFRESH_MS; after a failure with no keys, at
     * most every RETRY_AFTER_FAILURE_MS. */
    if (cache->attempted &&
        ((current &&
          within(now_ms, cache->attempt_at_ms, CLERK__JWKS_MIN_REFRESH_MS)) ||
         (!have && cache->last_status != CLERK_OK &&
          within(now_ms, cache->attempt_at_ms, RETRY_AFTER_FAILURE_MS)))) {
        if (have) {
            goto use_cached; /* the caller reports the kid mismatch */
        }
        st = cache->last_status;
        if (error != NULL) {
            *error = cache->last_error;
        }
        pthread_mutex_unlock(&cache->lock);
        return st;
    }
    if (!current && have && cache->attempted &&
        cache->last_status != CLERK_OK &&
        within(now_ms, cache->attempt_at_ms, RETRY_AFTER_FAILURE_MS)) {
        goto use_cached; /* expired, refresh failing: keep the old keys */
    }
    cache->fetching = true;
    cache->attempted = true;
    cache->attempt_at_ms = now_ms;
    epoch = cache->epoch;
    pthread_mutex_unlock(&cache->lock);

    st = fetch_keys(client, &fresh, &fetch_error);

    pthread_mutex_lock(&cache->lock);
    cache->fetching = false;
    cache->generation++;
    cache->last_status = st;
    cache->last_error = fetch_error;
    if (st == CLERK_OK && cache->epoch == epoch) {
        old = cache->keys;
        cache->keys = fresh;
        fresh = NULL;
        cache->fetched_at_ms = now_ms;
    }
    pthread_cond_broadcast(&cache->done);
    if (fresh != NULL) {
        /* Cleared while fetching: the keys may predate the rotation the
         * clear was for, so only this call uses them. */
        pthread_mutex_unlock(&cache->lock);
        *out = fresh;
        return CLERK_OK;
    }
    if (cache->keys == NULL) {
        if (error != NULL) {
            *error = fetch_error;
        }
        pthread_mutex_unlock(&cache->lock);
        return st;
    }
use_cached:
    *out = clerk__jwt_keys_ref(cache->keys);
    pthread_mutex_unlock(&cache->lock);
    clerk_jwt_keys_free(old);
    return CLERK_OK;
}
