/*
 * libFuzzer target: the Retry-After parser and the wait computed from it.
 *
 * Input: 8 bytes "now" (seconds), 1 byte attempt, 2 bytes initial_ms,
 * 1 byte factor, 2 bytes max_wait_ms, then the header value.  Checks: the
 * wait lies within [CLERK_RETRY_MIN_WAIT_MS, max(max_wait_ms, minimum)];
 * a delta-seconds value parses to a whole number of seconds and the same
 * value with surrounding blanks parses the same; the parser never reads
 * past the value (exact-size copy under ASan).
 */
#include "fuzz_common.h"

#include "runtime_internal.h"

static int all_digits(const char *s)
{
    const char *p = s;

    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (*p < '0' || *p > '9') {
        return 0;
    }
    while (*p >= '0' && *p <= '9') {
        p++;
    }
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return *p == '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader_t r = { data, size };
    int64_t now = (int64_t)(fuzz_u64(&r) & UINT64_C(0x3FFFFFFFFF));
    unsigned attempt = 1u + fuzz_byte(&r) % 12u;
    unsigned initial = (unsigned)fuzz_byte(&r) << 8;
    double factor;
    unsigned max_wait;
    uint64_t rng = 1;
    uint64_t ms = 0;
    uint64_t again = 0;
    unsigned wait;
    unsigned top;
    char *value = NULL;
    char *padded = NULL;
    size_t n;
    bool ok;

    initial |= fuzz_byte(&r);
    factor = 1.0 + fuzz_byte(&r) / 16.0;
    max_wait = (unsigned)fuzz_byte(&r) << 8;
    max_wait |= fuzz_byte(&r);
    value = malloc(r.n + 1);
    if (value == NULL) {
        return 0;
    }
    memcpy(value, r.p, r.n);
    value[r.n] = '\0';
    n = strlen(value);

    ok = clerk__retry_after_ms(value, now, &ms);
    if (ok && all_digits(value)) {
        FUZZ_CHECK(ms % 1000 == 0, "delta-seconds is whole seconds");
        padded = malloc(n + 3);
        if (padded != NULL) {
            padded[0] = ' ';
            memcpy(padded + 1, value, n);
            padded[n + 1] = '\t';
            padded[n + 2] = '\0';
            FUZZ_CHECK(
                clerk__retry_after_ms(padded, now, &again) && again == ms,
                "blanks around delta-seconds change nothing");
        }
    }
    if (!ok && all_digits(value)) {
        FUZZ_CHECK(0, "delta-seconds refused");
    }

    wait = clerk__retry_wait_ms(
        attempt, initial == 0 ? 1 : initial, factor,
        max_wait == 0 ? 1 : max_wait, value, &rng);
    top = max_wait == 0 ? 1 : max_wait;
    if (top < CLERK_RETRY_MIN_WAIT_MS) {
        top = CLERK_RETRY_MIN_WAIT_MS;
    }
    FUZZ_CHECK(wait >= CLERK_RETRY_MIN_WAIT_MS, "wait below the minimum");
    FUZZ_CHECK(wait <= top, "wait above the cap");
    free(padded);
    free(value);
    return 0;
}
