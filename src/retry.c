/*
 * Retry policy: which failures are retried, how long to wait, Retry-After.
 *
 * Retried: HTTP 429 always; 502, 503, 504 for idempotent methods; a
 * connection that could not be made (resolve/connect failed, so nothing was
 * sent) always; a connection lost after sending (reset, empty reply) for
 * idempotent methods only.  POST and PATCH are the non-idempotent methods.
 * Timeouts are not retried: a server that is too slow once is likely to be
 * too slow again, and retrying would multiply the caller's timeout.
 *
 * The wait before attempt n + 1 is uniform in [0, min(cap, initial *
 * factor^(n-1))] ("full jitter"), or the server's Retry-After (seconds or
 * HTTP-date) when it sent one, never more than the cap; and never less than
 * CLERK_RETRY_MIN_WAIT_MS, so neither a server answering "Retry-After: 0"
 * nor a tiny policy turns retries into a burst.  The random numbers come
 * from a per-call xorshift64* state, so threads share nothing.
 */
#include "runtime_internal.h"

#include <errno.h>
#include <time.h>

bool clerk__retry_allowed(bool idempotent, CURLcode rc, long http_status)
{
    if (rc == CURLE_OK) {
        if (http_status == 429) {
            return true;
        }
        return idempotent &&
               (http_status == 502 || http_status == 503 || http_status == 504);
    }
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        /* Nothing was sent: safe for every method. */
        return true;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return idempotent;
    default:
        return false;
    }
}

static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

uint64_t clerk__rng_seed(const void *salt)
{
    struct timespec a = { 0, 0 };
    struct timespec b = { 0, 0 };
    uint64_t s;

    clock_gettime(CLOCK_REALTIME, &a);
    clock_gettime(CLOCK_MONOTONIC, &b);
    s = splitmix64(
        (uint64_t)a.tv_sec * UINT64_C(1000000000) + (uint64_t)a.tv_nsec);
    s ^= splitmix64((uint64_t)b.tv_nsec ^ (uint64_t)(uintptr_t)salt);
    return s != 0 ? s : UINT64_C(0x2545F4914F6CDD1D);
}

uint64_t clerk__rng_next(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

bool clerk__retry_after_ms(const char *value, int64_t now, uint64_t *out)
{
    const char *p = value;
    uint64_t secs = 0;
    bool digits = false;
    time_t when;

    if (value == NULL) {
        return false;
    }
    while (is_space(*p)) {
        p++;
    }
    while (*p >= '0' && *p <= '9') {
        digits = true;
        if (secs < UINT64_C(100000000)) {
            secs = secs * 10 + (uint64_t)(*p - '0');
        }
        p++;
    }
    if (digits) {
        while (is_space(*p)) {
            p++;
        }
        if (*p != '\0') {
            return false;
        }
        *out = secs * 1000;
        return true;
    }
    /* An HTTP-date; curl_getdate() keeps no state and reads RFC 1123,
     * RFC 850 and asctime forms. */
    when = curl_getdate(value, NULL);
    if (when == (time_t)-1) {
        return false;
    }
    *out = (int64_t)when > now ? (uint64_t)((int64_t)when - now) * 1000 : 0;
    return true;
}

unsigned clerk__retry_wait_ms(
    unsigned attempt,
    unsigned initial_ms,
    double factor,
    unsigned max_wait_ms,
    const char *retry_after,
    uint64_t *rng)
{
    uint64_t after;
    double step = (double)initial_ms;
    unsigned wait;
    unsigned i;

    if (retry_after != NULL &&
        clerk__retry_after_ms(retry_after, (int64_t)time(NULL), &after)) {
        wait = after > max_wait_ms ? max_wait_ms : (unsigned)after;
    } else {
        for (i = 1; i < attempt && step < (double)max_wait_ms; i++) {
            step *= factor;
        }
        if (!(step < (double)max_wait_ms)) {
            step = (double)max_wait_ms;
        }
        /* Full jitter: uniform over [0, step]. */
        wait =
            (unsigned)((double)(clerk__rng_next(rng) >> 11) * (1.0 / 9007199254740992.0) * (step + 1.0));
    }
    return wait < CLERK_RETRY_MIN_WAIT_MS ? CLERK_RETRY_MIN_WAIT_MS : wait;
}

void clerk__sleep_ms(unsigned ms)
{
    struct timespec req;
    struct timespec rem;

    req.tv_sec = (time_t)(ms / 1000);
    req.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
        req = rem;
    }
}

double clerk__now_ms(void)
{
    struct timespec t = { 0, 0 };

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}
