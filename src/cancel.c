/*
 * Cancel tokens (clerk_cancel_t): a flag one thread sets and the calls that
 * carry the token (through a view, clerk_client_view()) read.
 *
 * A call in a transfer reads it from curl's progress callback, which curl
 * calls at least about once a second even while nothing arrives, and after
 * each chunk; a call waiting to retry reads it every few milliseconds.
 */
#include "runtime_internal.h"

#include <stdlib.h>

/* How often a retry wait looks at the flag. */
#define POLL_SLICE_MS 10u

struct clerk_cancel {
    atomic_int set;
};

clerk_status_t clerk_cancel_new(clerk_cancel_t **out)
{
    clerk_cancel_t *c;

    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    c = malloc(sizeof(*c));
    *out = c;
    if (c == NULL) {
        return CLERK_E_NOMEM;
    }
    atomic_init(&c->set, 0);
    return CLERK_OK;
}

void clerk_cancel_set(clerk_cancel_t *cancel)
{
    if (cancel != NULL) {
        atomic_store(&cancel->set, 1);
    }
}

void clerk_cancel_reset(clerk_cancel_t *cancel)
{
    if (cancel != NULL) {
        atomic_store(&cancel->set, 0);
    }
}

bool clerk_cancel_is_set(const clerk_cancel_t *cancel)
{
    return clerk__cancelled(cancel);
}

void clerk_cancel_free(clerk_cancel_t *cancel)
{
    free(cancel);
}

bool clerk__cancelled(const clerk_cancel_t *cancel)
{
    /* atomic_load takes a pointer to non-const in C11. */
    return cancel != NULL && atomic_load(&((clerk_cancel_t *)cancel)->set) != 0;
}

int clerk__cancel_progress(
    void *token,
    curl_off_t dltotal,
    curl_off_t dlnow,
    curl_off_t ultotal,
    curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return clerk__cancelled(token) ? 1 : 0;
}

bool clerk__sleep_cancellable(unsigned ms, const clerk_cancel_t *cancel)
{
    unsigned step;

    if (cancel == NULL) {
        clerk__sleep_ms(ms);
        return true;
    }
    while (ms > 0) {
        if (clerk__cancelled(cancel)) {
            return false;
        }
        step = ms < POLL_SLICE_MS ? ms : POLL_SLICE_MS;
        clerk__sleep_ms(step);
        ms -= step;
    }
    return !clerk__cancelled(cancel);
}
