/*
 * Session-token benchmark: the cost of verifying one RS256 Clerk session
 * token with a key parsed once, for two contenders in the same process:
 *
 *   (a) bare OpenSSL, what a careful engineer writes by hand: the public
 *       key parsed once into an EVP_PKEY, one EVP_MD_CTX reused; per
 *       token: find the two dots, base64url-decode the signature,
 *       EVP_DigestVerifyInit (EVP_sha256()) + EVP_DigestVerify over
 *       "header.payload".  The signature check only: no JSON, no claims.
 *       (Of the usual ways to write it, this one executes the fewest
 *       instructions: EVP_DigestVerifyInit_ex with "SHA256", or a new
 *       EVP_MD_CTX per token, cost about 1 % more.)
 *   (l) libclerk: clerk_jwt_keys_from_pem() once; per token
 *       clerk_verify_token() with options.keys, a fixed options.now and
 *       the token's azp as authorized party (every check of the issue),
 *       then clerk_session_claims_free().
 *
 *   clerk_bench_auth KEY.pem TOKEN.jwt NOW AZP N [a|l]
 *
 * Both contenders first check that they accept the token and refuse it
 * with one signature character changed (exit 1 otherwise).  Without a
 * contender argument, N verifications of each are timed in 10 interleaved
 * rounds (the order alternates) after 50 untimed ones; with "a" or "l"
 * only that contender runs its N (for callgrind, whose marginal counts
 * (Ir(N2) - Ir(N1)) / (N2 - N1) the harness takes).  One line per
 * contender on stdout, per verification:
 *
 *   contender=a verifications=N cpu_us=.. user_us=.. sys_us=.. wall_us=..
 *     instructions=..|na
 *
 * CPU is user + system time from getrusage(); instructions are user-space
 * instructions retired, from perf_event_open() when the machine exposes
 * the counter ("na" otherwise, e.g. in most VMs).
 */
#include <clerk/auth.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef __linux__
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#define BENCH_HAVE_PERF 1
#endif

#define ROUNDS 10
#define WARMUP 50

/* ------------------------------------------------------------------ */
/* (a) bare OpenSSL                                                     */
/* ------------------------------------------------------------------ */

typedef struct baseline {
    EVP_PKEY *pkey;
    EVP_MD_CTX *ctx;
} baseline_t;

static signed char b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return (signed char)(c - 'A');
    }
    if (c >= 'a' && c <= 'z') {
        return (signed char)(c - 'a' + 26);
    }
    if (c >= '0' && c <= '9') {
        return (signed char)(c - '0' + 52);
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

/* Unpadded base64url; false on a foreign byte, a bad length or when `out`
 * (cap bytes) is too small. */
static bool b64url_decode(
    const char *in, size_t len, unsigned char *out, size_t cap, size_t *n)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    size_t i;
    if (len % 4 == 1 || (len / 4) * 3 + 2 > cap) {
        return false;
    }
    for (i = 0; i < len; i++) {
        signed char v = b64url_value((unsigned char)in[i]);
        if (v < 0) {
            return false;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    *n = o;
    return true;
}

static bool baseline_verify(baseline_t *b, const char *token, size_t len)
{
    unsigned char sig[1024];
    size_t sig_len = 0;
    const char *end = token + len;
    const char *dot1 = memchr(token, '.', len);
    const char *dot2;
    if (dot1 == NULL) {
        return false;
    }
    dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1));
    if (dot2 == NULL || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1))) {
        return false;
    }
    if (!b64url_decode(
            dot2 + 1, (size_t)(end - dot2 - 1), sig, sizeof sig, &sig_len)) {
        return false;
    }
    if (EVP_MD_CTX_reset(b->ctx) != 1 ||
        EVP_DigestVerifyInit(b->ctx, NULL, EVP_sha256(), NULL, b->pkey) != 1) {
        return false;
    }
    return EVP_DigestVerify(
               b->ctx, sig, sig_len, (const unsigned char *)token,
               (size_t)(dot2 - token)) == 1;
}

/* ------------------------------------------------------------------ */
/* (l) libclerk                                                         */
/* ------------------------------------------------------------------ */

typedef struct contender_l {
    clerk_jwt_keys_t *keys;
    clerk_verify_options_t options;
    const char *azp[1];
    size_t sub_bytes; /* read from the claims, so nothing is skipped */
} contender_l_t;

static bool libclerk_verify(
    contender_l_t *l, const char *token, clerk_auth_reason_t *reason)
{
    clerk_session_claims_t *claims = NULL;
    clerk_auth_error_t error;
    clerk_status_t st = clerk_verify_token(
        &claims, token, &l->options, reason != NULL ? &error : NULL);
    if (reason != NULL) {
        *reason = error.reason;
    }
    if (st != CLERK_OK) {
        return false;
    }
    l->sub_bytes += strlen(claims->subject);
    clerk_session_claims_free(claims);
    return true;
}

/* ------------------------------------------------------------------ */
/* Measuring                                                            */
/* ------------------------------------------------------------------ */

typedef struct tally {
    long n;
    long accepted;
    double cpu_us, user_us, sys_us, wall_us;
    uint64_t instructions;
    bool have_instructions;
} tally_t;

typedef struct snapshot {
    struct rusage ru;
    struct timespec wall;
    uint64_t instructions;
    bool have_instructions;
} snapshot_t;

static int perf_fd = -1;

static void perf_open(void)
{
#ifdef BENCH_HAVE_PERF
    struct perf_event_attr attr;
    long fd;
    memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof attr;
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    perf_fd = fd >= 0 ? (int)fd : -1;
#endif
}

static void snap(snapshot_t *s)
{
    s->have_instructions = false;
#ifdef BENCH_HAVE_PERF
    if (perf_fd >= 0) {
        uint64_t v = 0;
        if (read(perf_fd, &v, sizeof v) == (ssize_t)sizeof v) {
            s->instructions = v;
            s->have_instructions = true;
        }
    }
#endif
    getrusage(RUSAGE_SELF, &s->ru);
    clock_gettime(CLOCK_MONOTONIC, &s->wall);
}

static double tv_us(const struct timeval *tv)
{
    return (double)tv->tv_sec * 1e6 + (double)tv->tv_usec;
}

static void add_delta(tally_t *t, const snapshot_t *a, const snapshot_t *b)
{
    double user = tv_us(&b->ru.ru_utime) - tv_us(&a->ru.ru_utime);
    double sys = tv_us(&b->ru.ru_stime) - tv_us(&a->ru.ru_stime);
    t->user_us += user;
    t->sys_us += sys;
    t->cpu_us += user + sys;
    t->wall_us += (double)(b->wall.tv_sec - a->wall.tv_sec) * 1e6 +
                  (double)(b->wall.tv_nsec - a->wall.tv_nsec) / 1e3;
    if (a->have_instructions && b->have_instructions) {
        t->instructions += b->instructions - a->instructions;
        t->have_instructions = true;
    }
}

typedef struct bench {
    baseline_t a;
    contender_l_t l;
    const char *token;
    size_t token_len;
} bench_t;

static void run(bench_t *b, char which, long n, tally_t *t)
{
    snapshot_t s0, s1;
    long ok = 0;
    long i;
    snap(&s0);
    if (which == 'a') {
        for (i = 0; i < n; i++) {
            ok += baseline_verify(&b->a, b->token, b->token_len) ? 1 : 0;
        }
    } else {
        for (i = 0; i < n; i++) {
            ok += libclerk_verify(&b->l, b->token, NULL) ? 1 : 0;
        }
    }
    snap(&s1);
    add_delta(t, &s0, &s1);
    t->n += n;
    t->accepted += ok;
}

static void report(char which, const tally_t *t)
{
    double n = (double)t->n;
    printf(
        "contender=%c verifications=%ld cpu_us=%.3f user_us=%.3f "
        "sys_us=%.3f wall_us=%.3f ",
        which, t->n, t->cpu_us / n, t->user_us / n, t->sys_us / n,
        t->wall_us / n);
    if (t->have_instructions) {
        printf("instructions=%.0f\n", (double)t->instructions / n);
    } else {
        printf("instructions=na\n");
    }
}

/* ------------------------------------------------------------------ */
/* Set-up                                                               */
/* ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL) {
        return NULL;
    }
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            char *nb = realloc(buf, cap + 65536);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                goto done;
            }
            buf = nb;
            cap += 65536;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
        goto done;
    }
    buf[n] = '\0';
    *len = n;
done:
    fclose(f);
    return buf;
}

static bool parse_long(const char *s, long long min, long long *out)
{
    char *end = NULL;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min) {
        return false;
    }
    *out = v;
    return true;
}

/* Both contenders accept the token and refuse it with a signature
 * character changed; otherwise the figures would mean nothing. */
static bool self_check(bench_t *b)
{
    char *bad = NULL;
    clerk_auth_reason_t reason = CLERK_AUTH_OK;
    bool ok = false;
    if (!baseline_verify(&b->a, b->token, b->token_len)) {
        fprintf(stderr, "auth_bench: (a) refuses the token\n");
        goto done;
    }
    if (!libclerk_verify(&b->l, b->token, &reason)) {
        fprintf(
            stderr, "auth_bench: (l) refuses the token: %s\n",
            clerk_auth_reason_str(reason));
        goto done;
    }
    bad = malloc(b->token_len + 1);
    if (bad == NULL) {
        goto done;
    }
    memcpy(bad, b->token, b->token_len + 1);
    /* The middle of the signature: every bit there is significant. */
    bad[b->token_len - 100] = bad[b->token_len - 100] == 'A' ? 'B' : 'A';
    if (baseline_verify(&b->a, bad, b->token_len)) {
        fprintf(stderr, "auth_bench: (a) accepts a bad signature\n");
        goto done;
    }
    if (libclerk_verify(&b->l, bad, &reason) ||
        reason != CLERK_AUTH_TOKEN_INVALID_SIGNATURE) {
        fprintf(
            stderr, "auth_bench: (l) does not refuse a bad signature "
                    "as such\n");
        goto done;
    }
    ok = true;
done:
    free(bad);
    return ok;
}

int main(int argc, char **argv)
{
    bench_t b;
    char *pem = NULL;
    char *token = NULL;
    size_t pem_len = 0;
    FILE *pf = NULL;
    long long now = 0, n = 0;
    char only = 0;
    clerk_auth_error_t error;
    tally_t ta, tl;
    int rc = 1;
    long r;

    memset(&b, 0, sizeof b);
    memset(&ta, 0, sizeof ta);
    memset(&tl, 0, sizeof tl);
    if (argc < 6 || argc > 7 || !parse_long(argv[3], 1, &now) ||
        !parse_long(argv[5], ROUNDS, &n) ||
        (argc == 7 && strcmp(argv[6], "a") != 0 && strcmp(argv[6], "l") != 0)) {
        fprintf(
            stderr,
            "usage: %s KEY.pem TOKEN.jwt NOW AZP N [a|l]\n"
            "(N >= %d)\n",
            argv[0], ROUNDS);
        return 2;
    }
    if (argc == 7) {
        only = argv[6][0];
    }
    pem = read_file(argv[1], &pem_len);
    token = read_file(argv[2], &b.token_len);
    if (pem == NULL || token == NULL) {
        fprintf(stderr, "auth_bench: cannot read %s or %s\n", argv[1], argv[2]);
        goto done;
    }
    while (b.token_len > 0 &&
           (token[b.token_len - 1] == '\n' || token[b.token_len - 1] == '\r')) {
        token[--b.token_len] = '\0';
    }
    if (b.token_len < 200) {
        fprintf(stderr, "auth_bench: %s is not a session token\n", argv[2]);
        goto done;
    }
    b.token = token;

    /* (a): the key once, a reused digest context. */
    pf = fopen(argv[1], "rb");
    if (pf == NULL) {
        goto done;
    }
    b.a.pkey = PEM_read_PUBKEY(pf, NULL, NULL, NULL);
    b.a.ctx = EVP_MD_CTX_new();
    if (b.a.pkey == NULL || b.a.ctx == NULL) {
        fprintf(stderr, "auth_bench: (a) cannot load the key\n");
        goto done;
    }

    /* (l): the key set once. */
    if (clerk_jwt_keys_from_pem(&b.l.keys, pem, pem_len, &error) != CLERK_OK) {
        fprintf(
            stderr, "auth_bench: (l) cannot load the key: %s\n", error.message);
        goto done;
    }
    b.l.azp[0] = argv[4];
    b.l.options.keys = b.l.keys;
    b.l.options.now = (int64_t)now;
    b.l.options.authorized_parties = b.l.azp;
    b.l.options.authorized_party_count = 1;

    if (!self_check(&b)) {
        goto done;
    }
    perf_open();

    if (only != 0) {
        tally_t *t = only == 'a' ? &ta : &tl;
        run(&b, only, (long)n, t);
        if (t->accepted != t->n) {
            fprintf(
                stderr, "auth_bench: %ld of %ld verifications failed\n",
                t->n - t->accepted, t->n);
            goto done;
        }
        report(only, t);
        rc = 0;
        goto done;
    }

    {
        tally_t warm;
        memset(&warm, 0, sizeof warm);
        run(&b, 'a', WARMUP, &warm);
        run(&b, 'l', WARMUP, &warm);
    }
    for (r = 0; r < ROUNDS; r++) {
        long per = (long)(n / ROUNDS) + (r < n % ROUNDS ? 1 : 0);
        if (r % 2 == 0) {
            run(&b, 'a', per, &ta);
            run(&b, 'l', per, &tl);
        } else {
            run(&b, 'l', per, &tl);
            run(&b, 'a', per, &ta);
        }
    }
    if (ta.accepted != ta.n || tl.accepted != tl.n) {
        fprintf(stderr, "auth_bench: some verifications failed\n");
        goto done;
    }
    report('a', &ta);
    report('l', &tl);
    rc = 0;
done:
    if (pf != NULL) {
        fclose(pf);
    }
    clerk_jwt_keys_free(b.l.keys);
    EVP_MD_CTX_free(b.a.ctx);
    EVP_PKEY_free(b.a.pkey);
    free(pem);
    free(token);
    return rc;
}
