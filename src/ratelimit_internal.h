/*
 * The client-side rate limiter (src/ratelimit.c).  Not installed, not API.
 *
 * A sliding log: the send times of the last `max` requests are kept in a
 * ring, oldest first, and request k may start no earlier than request
 * k - max plus the window, so no window of `window_ms` ever holds more
 * than `max` request starts.  Slots are handed out in order and reserved
 * ahead: a caller that gets a slot in the future owns it and only has to
 * wait for it (sync calls sleep, async calls arm their timer), so callers
 * never spin and the wait is O(1) under one mutex.
 */
#ifndef CLERK_RATELIMIT_INTERNAL_H
#define CLERK_RATELIMIT_INTERNAL_H

#include <clerk/client.h>

#include <stdbool.h>
#include <stddef.h>

typedef struct clerk__ratelimit clerk__ratelimit_t;

/* The clock the limiter reads and sleeps on (ms, any origin, never going
 * back); tests inject their own with clerk__ratelimit_set_clock(). */
typedef double (*clerk__clock_now_fn)(void *payload);
typedef void (*clerk__clock_sleep_fn)(double ms, void *payload);

/* The limit for these options: *max 0 = none.  `base_url` is the final
 * one, `secret` the key in use (either may be NULL). */
void clerk__ratelimit_choose(
    const clerk_rate_limit_t *opts,
    const char *base_url,
    const char *secret,
    unsigned *max,
    unsigned *window_ms);

/* A limiter of `max` requests per `window_ms` (max > 0); NULL when out of
 * memory. */
clerk__ratelimit_t *clerk__ratelimit_new(unsigned max, unsigned window_ms);
void clerk__ratelimit_free(clerk__ratelimit_t *rl);

/* Test hook: replace the clock (before any call uses the limiter). */
void clerk__ratelimit_set_clock(
    clerk__ratelimit_t *rl,
    clerk__clock_now_fn now,
    clerk__clock_sleep_fn sleep,
    void *payload);

/* Reserve the next slot.  Returns how long to wait for it in ms (0: go
 * now), or -1 when it would start more than `budget_ms` from now
 * (`budget_ms` < 0: any wait is fine); nothing is reserved then. */
double clerk__ratelimit_reserve(clerk__ratelimit_t *rl, double budget_ms);

/* Sync calls: reserve a slot and sleep until it comes.  CLERK_OK (also
 * when `rl` is NULL: no limit), or CLERK_E_TIMEOUT with a message when no
 * slot comes within `budget_ms`. */
clerk_status_t clerk__ratelimit_acquire(
    clerk__ratelimit_t *rl, double budget_ms, char *message, size_t size);

/* The message of a call that gets no slot before its deadline. */
void clerk__ratelimit_message(
    const clerk__ratelimit_t *rl, char *message, size_t size);

#endif /* CLERK_RATELIMIT_INTERNAL_H */
