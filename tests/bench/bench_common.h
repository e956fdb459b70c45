/*
 * Shared by the benchmark clients: the request headers both send, the
 * tally of what a walk read (so that the harness can check that both
 * clients read the same values), the clocks and the one-line report.
 */
#ifndef CLERK_BENCH_COMMON_H
#define CLERK_BENCH_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* What libclerk sends by default with .secret_key = BENCH_SECRET_KEY. */
#define BENCH_SECRET_KEY  "sk_test_bench_0123456789abcdef"
#define BENCH_API_VERSION "2026-05-12"

/* Every scalar read, string bytes read, and a sum of the numbers so that
 * nothing can be optimised away and both clients can be compared. */
typedef struct bench_tally {
    size_t values;
    size_t str_bytes;
    size_t nulls;
    size_t trues;
    double num_sum;
} bench_tally_t;

static inline void bench_tally_init(bench_tally_t *t)
{
    memset(t, 0, sizeof *t);
}

static inline void bench_tally_str(bench_tally_t *t, const char *s)
{
    t->values++;
    t->str_bytes += strlen(s);
#ifdef BENCH_TRACE
    fprintf(stderr, "s %s\n", s);
#endif
}

static inline void bench_tally_num(bench_tally_t *t, double v)
{
    t->values++;
    t->num_sum += v;
#ifdef BENCH_TRACE
    fprintf(stderr, "n %.17g\n", v);
#endif
}

static inline void bench_tally_bool(bench_tally_t *t, bool v)
{
    t->values++;
    t->trues += v ? 1u : 0u;
#ifdef BENCH_TRACE
    fprintf(stderr, "b %d\n", (int)v);
#endif
}

static inline void bench_tally_null(bench_tally_t *t)
{
    t->values++;
    t->nulls++;
#ifdef BENCH_TRACE
    fprintf(stderr, "null\n");
#endif
}

/* Wall time, and from getrusage(): user and system CPU time and minor
 * page faults (pages the kernel had to map, e.g. after the heap grew). */
typedef struct bench_clock {
    struct timespec wall0, wall1;
    struct rusage ru0, ru1;
} bench_clock_t;

static inline void bench_clock_start(bench_clock_t *c)
{
    clock_gettime(CLOCK_MONOTONIC, &c->wall0);
    getrusage(RUSAGE_SELF, &c->ru0);
}

static inline void bench_clock_stop(bench_clock_t *c)
{
    getrusage(RUSAGE_SELF, &c->ru1);
    clock_gettime(CLOCK_MONOTONIC, &c->wall1);
}

static inline double bench_tv_us(const struct timeval *a,
                                 const struct timeval *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e6 +
           (double)(b->tv_usec - a->tv_usec);
}

static inline double bench_us(const struct timespec *a,
                              const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e6 +
           (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

/* Parses a positive request count; 0 on success. */
static inline int bench_parse_count(const char *s, long *out)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1) {
        return -1;
    }
    *out = v;
    return 0;
}

/* One line on stdout for the harness; per-response figures. */
static inline void bench_report(long n, const bench_clock_t *c,
                                const bench_tally_t *t)
{
    struct rusage ru;
    long maxrss = -1;
    double user = bench_tv_us(&c->ru0.ru_utime, &c->ru1.ru_utime);
    double sys = bench_tv_us(&c->ru0.ru_stime, &c->ru1.ru_stime);
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        maxrss = ru.ru_maxrss;
    }
    printf("requests=%ld wall_us=%.2f cpu_us=%.2f user_us=%.2f sys_us=%.2f "
           "minflt=%.2f maxrss_kb=%ld "
           "values=%zu str_bytes=%zu nulls=%zu trues=%zu num_sum=%.17g\n",
           n, bench_us(&c->wall0, &c->wall1) / (double)n,
           (user + sys) / (double)n, user / (double)n, sys / (double)n,
           (double)(c->ru1.ru_minflt - c->ru0.ru_minflt) / (double)n, maxrss,
           t->values / (size_t)n, t->str_bytes / (size_t)n,
           t->nulls / (size_t)n, t->trues / (size_t)n,
           t->num_sum / (double)n);
}

#endif /* CLERK_BENCH_COMMON_H */
