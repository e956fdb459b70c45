/*
 * Client-side rate limiter: a sliding log of slots shared by every thread
 * and every loop that uses a client (see src/ratelimit_internal.h).
 */
#include "ratelimit_internal.h"
#include "runtime_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct clerk__ratelimit {
    pthread_mutex_t lock;
    double *ring; /* slot start times, oldest at `head` */
    size_t max;
    size_t head;
    size_t count;
    double window_ms;
    clerk__clock_now_fn now;
    clerk__clock_sleep_fn sleep;
    void *payload;
};

/* Clerk's published Backend API limits, per 10 seconds. */
#define CLERK_LIVE_LIMIT      1000u
#define CLERK_TEST_LIMIT      100u
#define CLERK_LIMIT_WINDOW_MS 10000u

static double real_now(void *payload)
{
    (void)payload;
    return clerk__now_ms();
}

static void real_sleep(double ms, void *payload)
{
    (void)payload;
    unsigned whole = (unsigned)ms;

    /* Rounded up: a slot is never taken early. */
    clerk__sleep_ms((double)whole < ms ? whole + 1 : whole);
}

/* Whether the base URL's host is Clerk's API (api.clerk.com). */
static bool is_clerk_api(const char *url)
{
    static const char host[] = "api.clerk.com";
    const char *p = url != NULL ? strstr(url, "://") : NULL;
    size_t n = sizeof(host) - 1;
    size_t i;

    if (p == NULL) {
        return false;
    }
    p += 3;
    for (i = 0; i < n; i++) {
        char c = p[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != host[i]) {
            return false;
        }
    }
    return p[n] == '\0' || p[n] == '/' || p[n] == ':';
}

void clerk__ratelimit_choose(
    const clerk_rate_limit_t *opts,
    const char *base_url,
    const char *secret,
    unsigned *max,
    unsigned *window_ms)
{
    *max = 0;
    *window_ms = opts->window_ms != 0 ? opts->window_ms : CLERK_LIMIT_WINDOW_MS;
    if (opts->disable) {
        return;
    }
    if (opts->max_requests != 0) {
        *max = opts->max_requests;
    } else if (is_clerk_api(base_url)) {
        *max = secret != NULL && strncmp(secret, "sk_live_", 8) == 0
                   ? CLERK_LIVE_LIMIT
                   : CLERK_TEST_LIMIT;
    }
}

clerk__ratelimit_t *clerk__ratelimit_new(unsigned max, unsigned window_ms)
{
    clerk__ratelimit_t *rl = calloc(1, sizeof(*rl));

    if (rl == NULL) {
        return NULL;
    }
    rl->ring = malloc((size_t)max * sizeof(double));
    if (rl->ring == NULL || pthread_mutex_init(&rl->lock, NULL) != 0) {
        free(rl->ring);
        free(rl);
        return NULL;
    }
    rl->max = max;
    rl->window_ms = (double)window_ms;
    rl->now = real_now;
    rl->sleep = real_sleep;
    return rl;
}

void clerk__ratelimit_free(clerk__ratelimit_t *rl)
{
    if (rl == NULL) {
        return;
    }
    pthread_mutex_destroy(&rl->lock);
    free(rl->ring);
    free(rl);
}

void clerk__ratelimit_set_clock(
    clerk__ratelimit_t *rl,
    clerk__clock_now_fn now,
    clerk__clock_sleep_fn sleep,
    void *payload)
{
    rl->now = now;
    rl->sleep = sleep;
    rl->payload = payload;
}

double clerk__ratelimit_reserve(clerk__ratelimit_t *rl, double budget_ms)
{
    double now;
    double slot;

    pthread_mutex_lock(&rl->lock);
    /* Read under the lock, so slots are handed out in clock order and the
     * ring stays sorted. */
    now = rl->now(rl->payload);
    slot = now;
    if (rl->count == rl->max) {
        double free_at = rl->ring[rl->head] + rl->window_ms;

        if (free_at > slot) {
            slot = free_at;
        }
    }
    if (budget_ms >= 0 && slot - now > budget_ms) {
        pthread_mutex_unlock(&rl->lock);
        return -1.0;
    }
    if (rl->count < rl->max) {
        rl->ring[(rl->head + rl->count) % rl->max] = slot;
        rl->count++;
    } else {
        rl->ring[rl->head] = slot;
        rl->head = (rl->head + 1) % rl->max;
    }
    pthread_mutex_unlock(&rl->lock);
    return slot - now;
}

void clerk__ratelimit_message(
    const clerk__ratelimit_t *rl, char *message, size_t size)
{
    snprintf(
        message, size,
        "%s: no slot of the client-side rate limit (%zu requests per %.0f "
        "ms) before the call's deadline",
        clerk_status_str(CLERK_E_TIMEOUT), rl->max, rl->window_ms);
}

clerk_status_t clerk__ratelimit_acquire(
    clerk__ratelimit_t *rl, double budget_ms, char *message, size_t size)
{
    double wait;

    if (rl == NULL) {
        return CLERK_OK;
    }
    wait = clerk__ratelimit_reserve(rl, budget_ms);
    if (wait < 0) {
        clerk__ratelimit_message(rl, message, size);
        return CLERK_E_TIMEOUT;
    }
    if (wait > 0) {
        rl->sleep(wait, rl->payload);
    }
    return CLERK_OK;
}
