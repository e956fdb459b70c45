/*
 * Shared pieces of the runtime's libFuzzer targets: a reader that splits
 * the fuzzer's bytes into the values a target needs, and a check that
 * aborts with a message (libFuzzer then saves the input as a crash).
 */
#ifndef CLERK_FUZZ_COMMON_H
#define CLERK_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, what)                                                 \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(                                                           \
                stderr, "fuzz check failed: %s (%s:%d)\n", what, __FILE__,     \
                __LINE__);                                                     \
            abort();                                                           \
        }                                                                      \
    } while (0)

typedef struct fuzz_reader {
    const uint8_t *p;
    size_t n;
} fuzz_reader_t;

static inline uint8_t fuzz_byte(fuzz_reader_t *r)
{
    uint8_t b = 0;

    if (r->n > 0) {
        b = r->p[0];
        r->p++;
        r->n--;
    }
    return b;
}

static inline uint64_t fuzz_u64(fuzz_reader_t *r)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | fuzz_byte(r);
    }
    return v;
}

/* A heap string of up to `max` bytes, ending at the first 0 byte of the
 * input (the separator) or at `max`.  Exact-size allocation, so reading
 * past its NUL is an ASan error.  NULL only when out of memory. */
static inline char *fuzz_str(fuzz_reader_t *r, size_t max)
{
    size_t n = 0;
    char *s;

    while (n < r->n && n < max && r->p[n] != 0) {
        n++;
    }
    s = malloc(n + 1);
    if (s == NULL) {
        return NULL;
    }
    memcpy(s, r->p, n);
    s[n] = '\0';
    r->p += n;
    r->n -= n;
    if (r->n > 0 && n < max) {
        r->p++; /* the separator */
        r->n--;
    }
    return s;
}

/* The value of a hex digit, or -1. */
static inline int fuzz_hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decode s[0..n) into a new string; NULL when malformed (a '%'
 * without two upper-case hex digits) or out of memory. */
static inline char *fuzz_pct_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t i;
    size_t j = 0;

    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? fuzz_hex(s[i + 1]) : -1;
            int lo = i + 2 < n ? fuzz_hex(s[i + 2]) : -1;

            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            out[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    return out;
}

#endif
