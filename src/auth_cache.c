/*
 * The per-client JWKS cache's life cycle, apart from src/auth_jwks.c (which
 * fills it through the generated GET /jwks operation) so that the client
 * depends on no generated code.
 */
#include "auth_internal.h"

#include <stdlib.h>

clerk__jwks_cache_t *clerk__jwks_cache_new(void)
{
    clerk__jwks_cache_t *cache = calloc(1, sizeof(*cache));

    if (cache == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&cache->lock, NULL) != 0) {
        free(cache);
        return NULL;
    }
    if (pthread_cond_init(&cache->done, NULL) != 0) {
        pthread_mutex_destroy(&cache->lock);
        free(cache);
        return NULL;
    }
    return cache;
}

void clerk__jwks_cache_free(clerk__jwks_cache_t *cache)
{
    if (cache == NULL) {
        return;
    }
    clerk_jwt_keys_free(cache->keys);
    pthread_cond_destroy(&cache->done);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
}
