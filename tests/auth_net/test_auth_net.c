/*
 * The network side of authentication, against the scripted fault server
 * (tests/runtime/fault_server.py) on 127.0.0.1:
 *
 * - the per-client JWKS cache of clerk_verify_token() (options.client):
 *   one GET /jwks, the TTL, one refresh per unknown kid and its rate limit,
 *   a forged-kid storm, 16 threads missing at once, failed refreshes and
 *   fetches, clerk_jwks_cache_clear();
 * - clerk_authenticate_request(): where the token is found, what is refused
 *   before any verification, and that session tokens with a PEM key never
 *   touch the network;
 * - clerk_verify_machine_token(): the three verify operations, their
 *   request bodies and the verdict for each kind of answer.
 *
 * Fetch counts come from the server's request log (each test has its own
 * tag), never from timings.  Keys and tokens are minted by
 * mint_net_tokens.py with the openssl CLI; $CLERK_AUTH_NET_TOKENS names its
 * output.  Every verification passes options.now, so the cache's TTL and
 * rate limits are driven by the test's clock, not the machine's.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "auth_internal.h"
#include "fault.h"

#include <clerk.h>
#include <clerk/auth.h>

#include <cjson/cJSON.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TEST_SECRET "sk_test_authnet_s3cr3t"

/* Seconds, for options.now. */
#define TTL_S      (CLERK_JWKS_CACHE_TTL_MS / 1000)
#define REFRESH_S  (CLERK__JWKS_MIN_REFRESH_MS / 1000)
#define STORM_SIZE 1000
#define THREADS    16

/* What mint_net_tokens.py made. */
static cJSON *minted;
static int64_t t0; /* the tokens are valid from t0 - 10 to t0 + 1 day */
static const char *pem_a;
static const char *jwks_a;
static const char *jwks_ab;
static const char *token_a;
static const char *token_b;
static const char *subject;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)len + 1);
        if (text != NULL && fread(text, 1, (size_t)len, f) != (size_t)len) {
            free(text);
            text = NULL;
        }
        if (text != NULL) {
            text[len] = '\0';
        }
    }
    fclose(f);
    return text;
}

static const char *minted_str(const char *name)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(minted, name));
}

static int group_setup(void **state)
{
    const char *path = getenv("CLERK_AUTH_NET_TOKENS");
    char *text;

    (void)state;
    if (path == NULL || fault_init() != 0) {
        return -1;
    }
    text = slurp(path);
    minted = text != NULL ? cJSON_Parse(text) : NULL;
    free(text);
    if (!cJSON_IsNumber(cJSON_GetObjectItem(minted, "now"))) {
        return -1;
    }
    t0 = (int64_t)cJSON_GetObjectItem(minted, "now")->valuedouble;
    pem_a = minted_str("pem_a");
    jwks_a = minted_str("jwks_a");
    jwks_ab = minted_str("jwks_ab");
    token_a = minted_str("token_a");
    token_b = minted_str("token_b");
    subject = minted_str("subject");
    return pem_a && jwks_a && jwks_ab && token_a && token_b && subject ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    cJSON_Delete(minted);
    return 0;
}

/* malloc'd a + b + c. */
static char *join3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);

    assert_non_null(s);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

static bool contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* A client for the fault server's `tag`; retries off when asked, so one
 * fetch is one request in the log. */
static clerk_client_t *net_client(const char *tag, bool no_retry)
{
    clerk_client_options_t o;
    clerk_client_t *c = NULL;

    memset(&o, 0, sizeof(o));
    o.base_url = fault_base_url(tag, false);
    o.secret_key = TEST_SECRET;
    o.retry.disable = no_retry;
    o.retry.initial_ms = 5;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_non_null(c);
    return c;
}

/* script_answer() flags: answer after 0.5 s; close the connection after
 * answering (so that the next request opens a fresh one). */
#define ANSWER_SLOW  0x1u
#define ANSWER_CLOSE 0x2u

/* Queue one scripted answer (`repeat` times) for `tag`. */
static void script_answer(
    const char *tag, int status, const char *body, int repeat, unsigned flags)
{
    cJSON *list = cJSON_CreateArray();
    cJSON *action = cJSON_CreateObject();
    char *text;

    assert_non_null(list);
    assert_non_null(action);
    cJSON_AddItemToArray(list, action);
    assert_non_null(cJSON_AddNumberToObject(action, "status", status));
    if (body != NULL) {
        assert_non_null(cJSON_AddStringToObject(action, "body", body));
    }
    if (repeat > 1) {
        assert_non_null(cJSON_AddNumberToObject(action, "repeat", repeat));
    }
    if (flags & ANSWER_SLOW) {
        assert_non_null(cJSON_AddNumberToObject(action, "delay", 0.5));
    }
    if (flags & ANSWER_CLOSE) {
        assert_non_null(cJSON_AddBoolToObject(action, "close", true));
    }
    text = cJSON_PrintUnformatted(list);
    assert_non_null(text);
    assert_int_equal(fault_script(tag, text), 0);
    cJSON_free(text);
    cJSON_Delete(list);
}

static void script_jwks(const char *tag, const char *jwks, int repeat)
{
    script_answer(tag, 200, jwks, repeat, 0);
}

/* Number of GET /jwks the server saw for `tag`; any other request fails
 * the test. */
static int jwks_fetches(const char *tag)
{
    cJSON *reqs = fault_requests(tag);
    char target[256];
    int n;
    int i;

    assert_non_null(reqs);
    snprintf(target, sizeof(target), "/t/%s/v1/jwks", tag);
    n = cJSON_GetArraySize(reqs);
    for (i = 0; i < n; i++) {
        assert_string_equal(fault_req_field(reqs, i, "method"), "GET");
        assert_string_equal(fault_req_field(reqs, i, "target"), target);
    }
    cJSON_Delete(reqs);
    return n;
}

/* clerk_verify_token() with the client source at `now`; checks that
 * success and claims go together. */
static clerk_status_t verify_at(
    clerk_client_t *c, const char *token, int64_t now, clerk_auth_error_t *err)
{
    clerk_verify_options_t o;
    clerk_session_claims_t *claims = NULL;
    clerk_status_t st;

    memset(&o, 0, sizeof(o));
    o.client = c;
    o.now = now;
    st = clerk_verify_token(&claims, token, &o, err);
    if (st == CLERK_OK) {
        assert_non_null(claims);
        assert_string_equal(claims->subject, subject);
    } else {
        assert_null(claims);
        assert_false(contains(err->message, TEST_SECRET));
        assert_false(contains(err->message, token));
    }
    clerk_session_claims_free(claims);
    return st;
}

static void verify_ok(clerk_client_t *c, const char *token, int64_t now)
{
    clerk_auth_error_t err;

    assert_int_equal(verify_at(c, token, now, &err), CLERK_OK);
    assert_int_equal(err.reason, CLERK_AUTH_OK);
    assert_string_equal(err.message, "");
}

static void verify_fails(
    clerk_client_t *c,
    const char *token,
    int64_t now,
    clerk_status_t expect,
    clerk_auth_reason_t reason)
{
    clerk_auth_error_t err;

    assert_int_equal(verify_at(c, token, now, &err), expect);
    assert_string_equal(
        clerk_auth_reason_str(err.reason), clerk_auth_reason_str(reason));
    assert_true(err.message[0] != '\0');
}

static void b64url(const unsigned char *in, size_t len, char *out)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i;
    size_t o = 0;

    for (i = 0; i + 2 < len; i += 3) {
        out[o++] = abc[in[i] >> 2];
        out[o++] = abc[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[o++] = abc[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        out[o++] = abc[in[i + 2] & 63];
    }
    if (len - i == 1) {
        out[o++] = abc[in[i] >> 2];
        out[o++] = abc[(in[i] & 3) << 4];
    } else if (len - i == 2) {
        out[o++] = abc[in[i] >> 2];
        out[o++] = abc[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        out[o++] = abc[(in[i + 1] & 15) << 2];
    }
    out[o] = '\0';
}

/* token_a with its header replaced by one naming `kid`: what an attacker
 * sends (the signature no longer matters, the kid is looked up first). */
static char *forge_kid(const char *kid)
{
    char header[256];
    char encoded[400];
    int n = snprintf(
        header, sizeof(header),
        "{\"alg\":\"RS256\",\"kid\":\"%s\",\"typ\":"
        "\"JWT\"}",
        kid);

    assert_true(n > 0 && (size_t)n < sizeof(header));
    b64url((const unsigned char *)header, (size_t)n, encoded);
    return join3(encoded, strchr(token_a, '.'), "");
}

/* ------------------------------------------------------------------ */
/* 1. The client's JWKS cache                                          */
/* ------------------------------------------------------------------ */

static void test_jwks_first_fetch_then_cached(void **state)
{
    const char *tag = "authnet-first";
    clerk_client_t *c = net_client(tag, true);
    clerk_client_t *c2 = net_client(tag, true);
    cJSON *reqs;
    char want[128];
    int i;

    (void)state;
    script_jwks(tag, jwks_a, 10);
    verify_ok(c, token_a, t0);
    assert_int_equal(jwks_fetches(tag), 1);

    /* The one request: GET .../v1/jwks with the client's credentials. */
    reqs = fault_requests(tag);
    assert_non_null(reqs);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "GET /t/authnet-first/v1/jwks HTTP/1.1");
    snprintf(want, sizeof(want), "Bearer %s", TEST_SECRET);
    assert_string_equal(fault_req_header(reqs, 0, "Authorization"), want);
    assert_string_equal(
        fault_req_header(reqs, 0, "Clerk-API-Version"), CLERK_API_VERSION);
    cJSON_Delete(reqs);

    /* Same kid, within the TTL: from the cache. */
    for (i = 0; i < 20; i++) {
        verify_ok(c, token_a, t0 + i * 15);
    }
    verify_ok(c, token_a, t0 + TTL_S - 1);
    assert_int_equal(jwks_fetches(tag), 1);

    /* The cache is per client: another client fetches its own. */
    verify_ok(c2, token_a, t0);
    verify_ok(c2, token_a, t0 + 1);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c2);
    clerk_client_free(c);
}

static void test_jwks_ttl(void **state)
{
    const char *tag = "authnet-ttl";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    script_jwks(tag, jwks_a, 10);
    verify_ok(c, token_a, t0);
    verify_ok(c, token_a, t0 + TTL_S - 1);
    assert_int_equal(jwks_fetches(tag), 1);
    /* At exactly 5 minutes the keys are stale: one refetch. */
    verify_ok(c, token_a, t0 + TTL_S);
    assert_int_equal(jwks_fetches(tag), 2);
    verify_ok(c, token_a, t0 + TTL_S + 1);
    verify_ok(c, token_a, t0 + 2 * TTL_S - 1);
    assert_int_equal(jwks_fetches(tag), 2);
    verify_ok(c, token_a, t0 + 2 * TTL_S + 30);
    verify_ok(c, token_a, t0 + 2 * TTL_S + 31);
    assert_int_equal(jwks_fetches(tag), 3);
    /* A clock that went back is no reason to trust the keys longer: the
     * cache refetches (the safe side) once, then uses the new keys. */
    verify_ok(c, token_a, t0 + 100);
    verify_ok(c, token_a, t0 + 101);
    assert_int_equal(jwks_fetches(tag), 4);
    clerk_client_free(c);
}

static void test_jwks_unknown_kid_refresh(void **state)
{
    const char *tag = "authnet-kid";
    clerk_client_t *c = net_client(tag, true);
    char *forged;

    (void)state;
    /* The instance starts with key A, then adds key B (a rotation). */
    script_jwks(tag, jwks_a, 1);
    script_jwks(tag, jwks_ab, 10);
    verify_ok(c, token_a, t0);
    assert_int_equal(jwks_fetches(tag), 1);

    /* kid-b within 10 s of the first fetch: no refresh yet. */
    verify_fails(
        c, token_b, t0 + REFRESH_S - 1, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_JWK_KID_MISMATCH);
    assert_int_equal(jwks_fetches(tag), 1);

    /* Later: exactly one refresh, which brings key B. */
    verify_ok(c, token_b, t0 + 20);
    assert_int_equal(jwks_fetches(tag), 2);
    verify_ok(c, token_a, t0 + 20);
    verify_ok(c, token_b, t0 + 21);
    assert_int_equal(jwks_fetches(tag), 2);

    /* A kid the instance does not have: refused, and no refresh within
     * 10 s of the last one... */
    forged = forge_kid("kid-unknown");
    verify_fails(
        c, forged, t0 + 21, CLERK_E_UNAUTHORIZED, CLERK_AUTH_JWK_KID_MISMATCH);
    verify_fails(
        c, forged, t0 + 20 + REFRESH_S - 1, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_JWK_KID_MISMATCH);
    assert_int_equal(jwks_fetches(tag), 2);
    /* ...then one again. */
    verify_fails(
        c, forged, t0 + 20 + REFRESH_S, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_JWK_KID_MISMATCH);
    assert_int_equal(jwks_fetches(tag), 3);
    verify_fails(
        c, forged, t0 + 20 + REFRESH_S + 1, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_JWK_KID_MISMATCH);
    assert_int_equal(jwks_fetches(tag), 3);
    free(forged);
    clerk_client_free(c);
}

static void test_jwks_forged_kid_storm(void **state)
{
    const char *tag = "authnet-storm";
    clerk_client_t *c = net_client(tag, true);
    unsigned long long x = 0x9e3779b97f4a7c15ULL; /* xorshift state */
    char kid[40];
    char *forged;
    int i;

    (void)state;
    script_jwks(tag, jwks_a, 20);
    verify_ok(c, token_a, t0);
    assert_int_equal(jwks_fetches(tag), 1);

    /* 1000 tokens with random kids inside one 10 s window (starting 20 s
     * after the first fetch): one refresh in all. */
    for (i = 0; i < STORM_SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        snprintf(kid, sizeof(kid), "forged-%016llx", x);
        forged = forge_kid(kid);
        verify_fails(
            c, forged, t0 + 20 + (int64_t)i * (REFRESH_S - 1) / STORM_SIZE,
            CLERK_E_UNAUTHORIZED, CLERK_AUTH_JWK_KID_MISMATCH);
        free(forged);
    }
    assert_int_equal(jwks_fetches(tag), 2);
    /* The real key still works, from the cache. */
    verify_ok(c, token_a, t0 + 25);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c);
}

typedef struct worker {
    clerk_client_t *client;
    pthread_barrier_t *start;
    const char *token;
    int64_t now;
    clerk_status_t status;
    clerk_auth_reason_t reason;
    bool subject_ok;
} worker_t;

/* No cmocka asserts off the main thread: record, check after join. */
static void *verify_worker(void *arg)
{
    worker_t *w = arg;
    clerk_verify_options_t o;
    clerk_session_claims_t *claims = NULL;
    clerk_auth_error_t err;

    memset(&o, 0, sizeof(o));
    o.client = w->client;
    o.now = w->now;
    pthread_barrier_wait(w->start);
    w->status = clerk_verify_token(&claims, w->token, &o, &err);
    w->reason = err.reason;
    w->subject_ok = claims != NULL && strcmp(claims->subject, subject) == 0;
    clerk_session_claims_free(claims);
    return NULL;
}

/* THREADS threads verify `token` at `now` at once; each must end with
 * `expect` and `reason`. */
static void verify_in_threads(
    clerk_client_t *c,
    const char *token,
    int64_t now,
    clerk_status_t expect,
    clerk_auth_reason_t reason)
{
    pthread_barrier_t start;
    pthread_t threads[THREADS];
    worker_t workers[THREADS];
    int i;

    assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
    for (i = 0; i < THREADS; i++) {
        workers[i].client = c;
        workers[i].start = &start;
        workers[i].token = token;
        workers[i].now = now;
        workers[i].status = CLERK_E_CANCELLED;
        workers[i].reason = CLERK_AUTH_OK;
        workers[i].subject_ok = false;
        assert_int_equal(
            pthread_create(&threads[i], NULL, verify_worker, &workers[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    }
    pthread_barrier_destroy(&start);
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(workers[i].status, expect);
        assert_string_equal(
            clerk_auth_reason_str(workers[i].reason),
            clerk_auth_reason_str(reason));
        assert_int_equal(workers[i].subject_ok, expect == CLERK_OK);
    }
}

/* In each case one slow answer keeps the fetch in flight while the other
 * threads arrive, and more good answers are queued, so that a second
 * fetch would succeed and only the request count catches it. */

static void test_jwks_single_flight_16_threads(void **state)
{
    const char *tag = "authnet-threads";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    script_answer(tag, 200, jwks_a, 1, ANSWER_SLOW);
    script_jwks(tag, jwks_a, THREADS);
    verify_in_threads(c, token_a, t0, CLERK_OK, CLERK_AUTH_OK);
    assert_int_equal(jwks_fetches(tag), 1);
    clerk_client_free(c);
}

static void test_jwks_single_flight_expired(void **state)
{
    const char *tag = "authnet-threads-ttl";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    script_jwks(tag, jwks_a, 1);
    script_answer(tag, 200, jwks_a, 1, ANSWER_SLOW);
    script_jwks(tag, jwks_a, THREADS);
    verify_ok(c, token_a, t0);
    verify_in_threads(c, token_a, t0 + TTL_S, CLERK_OK, CLERK_AUTH_OK);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c);
}

static void test_jwks_single_flight_unknown_kid(void **state)
{
    const char *tag = "authnet-threads-kid";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    script_jwks(tag, jwks_a, 1);
    script_answer(tag, 200, jwks_ab, 1, ANSWER_SLOW);
    script_jwks(tag, jwks_ab, THREADS);
    verify_ok(c, token_a, t0);
    verify_in_threads(c, token_b, t0 + 20, CLERK_OK, CLERK_AUTH_OK);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c);
}

static void test_jwks_single_flight_failure(void **state)
{
    const char *tag = "authnet-threads-fail";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    script_answer(tag, 500, "{\"errors\":[]}", 1, ANSWER_SLOW);
    script_jwks(tag, jwks_a, THREADS);
    /* All 16 share the one failed fetch (those arriving after it get its
     * verdict for a second), so all fail the same way. */
    verify_in_threads(
        c, token_a, t0, CLERK_E_HTTP, CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag), 1);
    clerk_client_free(c);
}

/* An expired cache whose refresh fails keeps its keys; `fail` is the
 * scripted failure (a 500 or a reset). */
static void refresh_failure_keeps_keys(const char *tag, const char *fail)
{
    clerk_client_t *c = net_client(tag, true);

    /* The first answer closes its connection: curl itself re-sends a
     * request once when a reused connection dies before answering, and
     * the refresh must be one request, on a fresh connection. */
    script_answer(tag, 200, jwks_a, 1, ANSWER_CLOSE);
    verify_ok(c, token_a, t0);
    assert_int_equal(jwks_fetches(tag), 1);

    assert_int_equal(fault_script(tag, fail), 0);
    verify_ok(c, token_a, t0 + TTL_S + 1); /* nothing wrong reported */
    assert_int_equal(jwks_fetches(tag), 2);
    /* Within a second of the failure: no new attempt. */
    verify_ok(c, token_a, t0 + TTL_S + 1);
    assert_int_equal(jwks_fetches(tag), 2);
    /* Then the API is back: one fetch, and the new keys are current. */
    script_jwks(tag, jwks_ab, 5);
    verify_ok(c, token_a, t0 + TTL_S + 2);
    assert_int_equal(jwks_fetches(tag), 3);
    verify_ok(c, token_b, t0 + TTL_S + 3);
    verify_ok(c, token_a, t0 + TTL_S + 4);
    assert_int_equal(jwks_fetches(tag), 3);
    clerk_client_free(c);
}

static void test_jwks_refresh_500_keeps_keys(void **state)
{
    (void)state;
    refresh_failure_keeps_keys(
        "authnet-refresh500",
        "[{\"status\":500,\"body\":\"{\\\"errors\\\":[{\\\"message\\\":"
        "\\\"boom\\\",\\\"long_message\\\":\\\"boom\\\",\\\"code\\\":"
        "\\\"internal_clerk_error\\\"}]}\"}]");
}

static void test_jwks_refresh_reset_keeps_keys(void **state)
{
    (void)state;
    refresh_failure_keeps_keys("authnet-refreshrst", "[{\"reset\":true}]");
}

static void test_jwks_unknown_kid_refresh_failure(void **state)
{
    const char *tag = "authnet-kidfail";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    script_jwks(tag, jwks_a, 1);
    script_answer(tag, 503, "{\"errors\":[]}", 1, 0);
    verify_ok(c, token_a, t0);
    /* An unknown kid refreshes, the refresh fails: the kid is still
     * unknown (not a fetch error), and the keys it had still work. */
    verify_fails(
        c, token_b, t0 + 20, CLERK_E_UNAUTHORIZED, CLERK_AUTH_JWK_KID_MISMATCH);
    assert_int_equal(jwks_fetches(tag), 2);
    verify_ok(c, token_a, t0 + 21);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c);
}

static void test_jwks_failure_empty_cache(void **state)
{
    const char *tag = "authnet-empty500";
    const char *tag2 = "authnet-emptyrst";
    clerk_client_t *c = net_client(tag, true);
    clerk_client_t *c2 = net_client(tag2, true);

    (void)state;
    script_answer(
        tag, 500,
        "{\"errors\":[{\"message\":\"boom\",\"long_message\":\"boom\","
        "\"code\":\"internal_clerk_error\"}]}",
        1, 0);
    verify_fails(
        c, token_a, t0, CLERK_E_HTTP, CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag), 1);
    /* Within a second: the same verdict, without a new request. */
    verify_fails(
        c, token_a, t0, CLERK_E_HTTP, CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag), 1);
    /* A second later the cache tries again, and the API is back. */
    script_jwks(tag, jwks_a, 5);
    verify_ok(c, token_a, t0 + 1);
    assert_int_equal(jwks_fetches(tag), 2);

    /* A reset connection: a transport failure. */
    assert_int_equal(fault_script(tag2, "[{\"reset\":true}]"), 0);
    verify_fails(
        c2, token_a, t0, CLERK_E_TRANSPORT,
        CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag2), 1);
    clerk_client_free(c2);
    clerk_client_free(c);
}

/* A 200 that did not arrive whole is a failed load, not a bad JWKS. */
static void test_jwks_truncated_or_too_large(void **state)
{
    const char *tag = "authnet-trunc";
    const char *tag2 = "authnet-toolarge";
    clerk_client_options_t o;
    clerk_client_t *c = net_client(tag, true);
    clerk_client_t *c2 = NULL;
    cJSON *list = cJSON_CreateArray();
    cJSON *action = cJSON_CreateObject();
    char *text;

    (void)state;
    cJSON_AddItemToArray(list, action);
    cJSON_AddStringToObject(action, "body", jwks_a);
    cJSON_AddBoolToObject(action, "truncate", true);
    text = cJSON_PrintUnformatted(list);
    assert_non_null(text);
    assert_int_equal(fault_script(tag, text), 0);
    cJSON_free(text);
    cJSON_Delete(list);
    verify_fails(
        c, token_a, t0, CLERK_E_TRANSPORT,
        CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag), 1);

    memset(&o, 0, sizeof(o));
    o.base_url = fault_base_url(tag2, false);
    o.secret_key = TEST_SECRET;
    o.retry.disable = true;
    o.max_response_bytes = 256;
    assert_int_equal(clerk_client_new(&c2, &o), CLERK_OK);
    script_jwks(tag2, jwks_a, 1);
    verify_fails(
        c2, token_a, t0, CLERK_E_TOO_LARGE,
        CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag2), 1);
    clerk_client_free(c2);
    clerk_client_free(c);
}

static void test_jwks_secret_key_invalid(void **state)
{
    const char *tag = "authnet-401";
    clerk_client_t *c = net_client(tag, true);
    clerk_auth_error_t err;

    (void)state;
    script_answer(
        tag, 401,
        "{\"errors\":[{\"message\":\"The provided Clerk Secret Key is "
        "invalid.\",\"long_message\":\"The provided Clerk Secret Key is "
        "invalid. Make sure that your Clerk Secret Key is correct.\","
        "\"code\":\"clerk_key_invalid\"}]}",
        1, 0);
    assert_int_equal(verify_at(c, token_a, t0, &err), CLERK_E_HTTP);
    assert_string_equal(
        clerk_auth_reason_str(err.reason), "secret-key-invalid");
    assert_int_equal(jwks_fetches(tag), 1);

    /* A 401 without that code is just a failed load. */
    script_answer(
        tag, 401,
        "{\"errors\":[{\"message\":\"Unauthorized\",\"long_message\":"
        "\"Unauthorized\",\"code\":\"authentication_invalid\"}]}",
        1, 0);
    verify_fails(
        c, token_a, t0 + 2, CLERK_E_HTTP, CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c);
}

static void test_jwks_not_a_jwks(void **state)
{
    static const struct {
        const char *tag;
        const char *body;
        clerk_auth_reason_t reason;
    } cases[] = {
        { "authnet-nojwks1", "{\"ok\":true}", CLERK_AUTH_JWK_REMOTE_INVALID },
        { "authnet-nojwks2", "<html>Service Unavailable</html>",
          CLERK_AUTH_JWK_REMOTE_INVALID },
        { "authnet-nojwks3", "{\"keys\":{}}", CLERK_AUTH_JWK_REMOTE_INVALID },
        { "authnet-nojwks4", "{\"keys\":[{\"kty\":\"RSA\"}]}",
          CLERK_AUTH_JWK_REMOTE_INVALID },
        { "authnet-nojwks5", "{\"keys\":[]}", CLERK_AUTH_JWK_REMOTE_MISSING },
    };

    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        clerk_client_t *c = net_client(cases[i].tag, true);

        script_answer(cases[i].tag, 200, cases[i].body, 1, 0);
        verify_fails(c, token_a, t0, CLERK_E_DECODE, cases[i].reason);
        assert_int_equal(jwks_fetches(cases[i].tag), 1);
        clerk_client_free(c);
    }
}

static void test_jwks_cache_clear(void **state)
{
    const char *tag = "authnet-clear";
    clerk_client_t *c = net_client(tag, true);

    (void)state;
    clerk_jwks_cache_clear(NULL); /* no-op */
    clerk_jwks_cache_clear(c);    /* nothing cached yet: no-op */
    script_jwks(tag, jwks_a, 1);
    script_jwks(tag, jwks_ab, 5);
    verify_ok(c, token_a, t0);
    verify_ok(c, token_a, t0 + 1);
    assert_int_equal(jwks_fetches(tag), 1);
    /* Keys rotated in the Dashboard: clearing fetches at once, even
     * within the TTL and the unknown-kid rate limit. */
    clerk_jwks_cache_clear(c);
    verify_ok(c, token_b, t0 + 2);
    assert_int_equal(jwks_fetches(tag), 2);
    verify_ok(c, token_a, t0 + 3);
    assert_int_equal(jwks_fetches(tag), 2);
    clerk_client_free(c);
}

static void *verify_a_worker(void *arg)
{
    worker_t *w = arg;
    clerk_verify_options_t o;
    clerk_session_claims_t *claims = NULL;
    clerk_auth_error_t err;

    memset(&o, 0, sizeof(o));
    o.client = w->client;
    o.now = w->now;
    w->status = clerk_verify_token(&claims, w->token, &o, &err);
    w->reason = err.reason;
    clerk_session_claims_free(claims);
    return NULL;
}

/* Key A compromised: the instance drops it (JWKS with key B only) and the
 * application clears the cache while a fetch from before the rotation is
 * in flight.  What that fetch brings must not be cached, or tokens signed
 * with key A would verify for another TTL. */
static void test_jwks_cache_clear_during_fetch(void **state)
{
    const char *tag = "authnet-clear-race";
    clerk_client_t *c = net_client(tag, true);
    cJSON *doc = cJSON_Parse(jwks_ab);
    char *jwks_b;
    worker_t w;
    pthread_t thread;
    int polls;

    (void)state;
    assert_non_null(doc);
    cJSON_DeleteItemFromArray(cJSON_GetObjectItem(doc, "keys"), 0);
    jwks_b = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    assert_non_null(jwks_b);
    script_answer(tag, 200, jwks_ab, 1, ANSWER_SLOW);
    script_jwks(tag, jwks_b, 5);
    memset(&w, 0, sizeof(w));
    w.client = c;
    w.token = token_a;
    w.now = t0;
    assert_int_equal(pthread_create(&thread, NULL, verify_a_worker, &w), 0);
    /* The server logs the request before its 0.5 s delay: once it is
     * there, the fetch is in flight.  (A bounded wait for an event, not a
     * timing check; were the clear to come after the fetch, the test
     * would still hold.) */
    for (polls = 0; polls < 2000 && fault_request_count(tag) < 1; polls++) {
        usleep(5000);
    }
    assert_int_equal(fault_request_count(tag), 1);
    clerk_jwks_cache_clear(c);
    assert_int_equal(pthread_join(thread, NULL), 0);
    /* The call that was in flight may use what it fetched... */
    assert_int_equal(w.status, CLERK_OK);
    /* ...but the next one fetches the rotated set, without key A. */
    verify_fails(
        c, token_a, t0 + 1, CLERK_E_UNAUTHORIZED, CLERK_AUTH_JWK_KID_MISMATCH);
    assert_int_equal(jwks_fetches(tag), 2);
    verify_ok(c, token_b, t0 + 2);
    assert_int_equal(jwks_fetches(tag), 2);
    cJSON_free(jwks_b);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* 2. clerk_authenticate_request                                       */
/* ------------------------------------------------------------------ */

/* Options with the PEM key (networkless) and a client for machine tokens
 * that session tokens must never use. */
static clerk_authenticate_options_t pem_options(clerk_client_t *c)
{
    clerk_authenticate_options_t o;

    memset(&o, 0, sizeof(o));
    o.verify.jwt_key = pem_a;
    o.verify.now = t0;
    o.client = c;
    return o;
}

/* Authenticate and check the verdict; returns it (caller frees). */
static clerk_auth_t *authn(
    const clerk_authenticate_options_t *o,
    const char *authorization,
    const char *cookie,
    clerk_status_t expect,
    clerk_auth_reason_t reason,
    clerk_token_type_t type)
{
    clerk_auth_t *auth = NULL;

    assert_int_equal(
        clerk_authenticate_request(&auth, authorization, cookie, o), expect);
    assert_non_null(auth);
    assert_string_equal(
        clerk_auth_reason_str(auth->reason), clerk_auth_reason_str(reason));
    assert_int_equal(auth->token_type, type);
    if (expect == CLERK_OK) {
        assert_int_equal(auth->state, CLERK_SIGNED_IN);
        assert_string_equal(auth->message, "");
        if (type == CLERK_TOKEN_SESSION) {
            assert_non_null(auth->session);
            assert_string_equal(auth->session->subject, subject);
            assert_null(auth->machine);
        } else {
            assert_non_null(auth->machine);
            assert_null(auth->session);
        }
    } else {
        assert_int_equal(auth->state, CLERK_SIGNED_OUT);
        assert_null(auth->session);
        assert_null(auth->machine);
        assert_true(auth->message[0] != '\0');
        assert_false(contains(auth->message, TEST_SECRET));
    }
    return auth;
}

static void authn_check(
    const clerk_authenticate_options_t *o,
    const char *authorization,
    const char *cookie,
    clerk_status_t expect,
    clerk_auth_reason_t reason,
    clerk_token_type_t type)
{
    clerk_auth_free(authn(o, authorization, cookie, expect, reason, type));
}

static void test_request_bearer_header(void **state)
{
    const char *tag = "authnet-req-bearer";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o = pem_options(c);
    static const char *const prefixes[] = {
        "Bearer ",    "bearer ",      "BEARER ",
        "BeArEr    ", "  Bearer \t ", "\tBearer\t",
    };
    size_t i;
    char *h;

    (void)state;
    for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        h = join3(prefixes[i], token_a, "  ");
        authn_check(&o, h, NULL, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
        free(h);
    }
    /* The session's claims reach the caller. */
    h = join3("Bearer ", token_a, "");
    {
        clerk_auth_t *a =
            authn(&o, h, NULL, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);

        assert_string_equal(a->session->session_id, minted_str("session_id"));
        assert_string_equal(a->session->issuer, minted_str("issuer"));
        assert_int_equal(a->session->expires_at, t0 + 86400);
        clerk_auth_free(a);
    }
    /* Checks still apply: the same token a day later is expired. */
    o.verify.now = t0 + 86400 + 10;
    authn_check(
        &o, h, NULL, CLERK_E_UNAUTHORIZED, CLERK_AUTH_TOKEN_EXPIRED,
        CLERK_TOKEN_SESSION);
    free(h);
    /* Session tokens with a PEM key never use the client. */
    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

static void test_request_session_cookie(void **state)
{
    const char *tag = "authnet-req-cookie";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o = pem_options(c);
    char *cookie;

    (void)state;
    cookie = join3("__session=", token_a, "");
    authn_check(&o, NULL, cookie, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
    free(cookie);
    /* Among other cookies, some with similar names. */
    cookie = join3(
        "theme=dark; __session_Xy12=abc; __client_uat=1767225600; "
        "__session=",
        token_a, "; __session=ignored.second.one; lang=en");
    authn_check(&o, NULL, cookie, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
    free(cookie);
    /* A quoted value (RFC 6265 cookie-value). */
    cookie = join3("a=1;__session=\"", token_a, "\";b=2");
    authn_check(&o, NULL, cookie, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
    free(cookie);
    /* An Authorization header of another scheme: the cookie is used. */
    cookie = join3("__session=", token_a, "");
    authn_check(
        &o, "Basic dXNlcjpwYXNzd29yZA==", cookie, CLERK_OK, CLERK_AUTH_OK,
        CLERK_TOKEN_SESSION);
    authn_check(
        &o, "Bearer", cookie, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
    authn_check(
        &o, "Bearertoken", cookie, CLERK_OK, CLERK_AUTH_OK,
        CLERK_TOKEN_SESSION);
    free(cookie);
    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

static void test_request_header_wins(void **state)
{
    const char *tag = "authnet-req-wins";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o = pem_options(c);
    char *header = join3("Bearer ", token_a, "");
    char *cookie = join3("__session=", token_a, "");

    (void)state;
    /* A valid header and a bad cookie: the header is what counts... */
    authn_check(
        &o, header, "__session=not.a.token", CLERK_OK, CLERK_AUTH_OK,
        CLERK_TOKEN_SESSION);
    /* ...and a bad header is not rescued by a valid cookie. */
    authn_check(
        &o, "Bearer not.a.token", cookie, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_INVALID, CLERK_TOKEN_SESSION);
    free(header);
    free(cookie);
    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

static void test_request_no_token(void **state)
{
    const char *tag = "authnet-req-none";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o = pem_options(c);
    static const char *const headers[] = { NULL, "", "Bearer ", "Bearer   ",
                                           "Basic dXNlcjpwYXNz" };
    static const char *const cookies[] = { NULL, "",
                                           "__session=", "__session=\"\"",
                                           "theme=dark; __session_x=abc" };
    size_t i;
    size_t j;

    (void)state;
    for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
        for (j = 0; j < sizeof(cookies) / sizeof(cookies[0]); j++) {
            authn_check(
                &o, headers[i], cookies[j], CLERK_E_UNAUTHORIZED,
                CLERK_AUTH_SESSION_TOKEN_MISSING, CLERK_TOKEN_NONE);
        }
    }
    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

static void test_request_type_mismatch(void **state)
{
    const char *tag = "authnet-req-type";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o = pem_options(c);
    char *session_header = join3("Bearer ", token_a, "");

    (void)state;
    /* Machine tokens are not accepted by default. */
    authn_check(
        &o, "Bearer mt_authnet_m2m_0001", NULL, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_M2M);
    authn_check(
        &o, "Bearer ak_authnet_key_0001", NULL, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_API_KEY);
    authn_check(
        &o, "Bearer oat_authnet_access_0001", NULL, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_OAUTH);
    /* Accepting one machine type is not accepting the others. */
    o.accepts = CLERK_ACCEPT_SESSION | CLERK_ACCEPT_API_KEY;
    authn_check(
        &o, "Bearer mt_authnet_m2m_0001", NULL, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_M2M);
    /* A machine token in a cookie is refused even when accepted. */
    o.accepts = CLERK_ACCEPT_ANY;
    authn_check(
        &o, NULL, "__session=mt_authnet_m2m_0001", CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_M2M);
    authn_check(
        &o, NULL, "__session=ak_authnet_key_0001", CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_API_KEY);
    /* Machine tokens only: a session token is the wrong type. */
    o.accepts = CLERK_ACCEPT_MACHINE;
    authn_check(
        &o, session_header, NULL, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_TYPE_MISMATCH, CLERK_TOKEN_SESSION);
    free(session_header);
    /* None of these reached the API. */
    assert_int_equal(fault_request_count(tag), 0);

    /* A machine token accepted, with no client to verify it with. */
    o.client = NULL;
    authn_check(
        &o, "Bearer mt_authnet_m2m_0001", NULL, CLERK_E_INVALID_ARG,
        CLERK_AUTH_UNEXPECTED_ERROR, CLERK_TOKEN_M2M);
    clerk_client_free(c);
}

static void test_request_client_source(void **state)
{
    const char *tag = "authnet-req-jwks";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o;
    char *header = join3("Bearer ", token_a, "");
    char *cookie = join3("__session=", token_b, "");

    (void)state;
    memset(&o, 0, sizeof(o));
    o.verify.client = c;
    o.verify.now = t0;
    script_jwks(tag, jwks_ab, 5);
    authn_check(&o, header, NULL, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
    authn_check(&o, NULL, cookie, CLERK_OK, CLERK_AUTH_OK, CLERK_TOKEN_SESSION);
    assert_int_equal(jwks_fetches(tag), 1);
    free(header);
    free(cookie);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* 3. Machine tokens                                                   */
/* ------------------------------------------------------------------ */

#define M2M_TOKEN   "mt_authnet_m2m_s3cr3t_0001"
#define API_KEY     "ak_authnet_key_s3cr3t_0001"
#define OAUTH_TOKEN "oat_authnet_access_s3cr3t_0001"

/* 200 answers shaped like the spec's (clerk-bapi-2026-05-12). */
static const char m2m_ok[] =
    "{\"object\":\"machine_to_machine_token\","
    "\"id\":\"mt_f7f0ba8c3b4843ce7d85fcdd5e71853e\","
    "\"subject\":\"mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk\","
    "\"claims\":{\"important_metadata\":\"Some useful data\"},"
    "\"scopes\":[\"mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk\","
    "\"mch_2yGkLpQ7Y3rXSwtU24CzTk9I7Em\"],"
    "\"revoked\":false,\"revocation_reason\":null,\"expired\":false,"
    "\"expiration\":1767312000000,\"last_used_at\":null,"
    "\"created_at\":1767225600000,\"updated_at\":1767225600000}";

static const char api_key_ok[] =
    "{\"object\":\"api_key\",\"id\":\"ak_3beecc9c60adb5f9b850e91a8ee1e992\","
    "\"type\":\"api_key\",\"subject\":\"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk\","
    "\"name\":\"MY_SERVICE_API_KEY\",\"description\":\"This is my API Key\","
    "\"claims\":{\"foo\":\"bar\"},\"scopes\":[\"read\",\"write\"],"
    "\"revoked\":false,\"revocation_reason\":null,\"expired\":false,"
    "\"expiration\":null,\"created_by\":\"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk\","
    "\"last_used_at\":1767225600000,\"created_at\":1767225600000,"
    "\"updated_at\":1767225600000}";

static const char oauth_ok[] =
    "{\"object\":\"clerk_idp_oauth_access_token\","
    "\"id\":\"oat_0ef5a7a33d87ed87ee7954c845d80450\","
    "\"client_id\":\"client_2xhFjEI5X2qWRvtV13BzSj8H6Dk\","
    "\"subject\":\"user_2xhFjEI5X2qWRvtV13BzSj8H6Dk\","
    "\"scopes\":[\"read\",\"write\"],\"revoked\":false,"
    "\"revocation_reason\":null,\"expired\":false,"
    "\"expiration\":1767229200000,\"created_at\":1767225600000,"
    "\"updated_at\":1767225600000}";

static const char not_found[] =
    "{\"errors\":[{\"message\":\"not found\",\"long_message\":\"Resource "
    "not found\",\"code\":\"resource_not_found\"}]}";

typedef struct machine_case {
    const char *token;
    const char *path;   /* after /t/<tag>/v1 */
    const char *member; /* the request body's one member */
    clerk_token_type_t type;
} machine_case_t;

static const machine_case_t machine_cases[] = {
    { M2M_TOKEN, "/m2m_tokens/verify", "token", CLERK_TOKEN_M2M },
    { API_KEY, "/api_keys/verify", "secret", CLERK_TOKEN_API_KEY },
    { OAUTH_TOKEN, "/oauth_applications/access_tokens/verify", "access_token",
      CLERK_TOKEN_OAUTH },
};

/* Request `i` of `tag` is the verify call of `mc`. */
static void check_verify_request(
    const char *tag, int i, const machine_case_t *mc)
{
    cJSON *reqs = fault_requests(tag);
    cJSON *body;
    char want[256];

    assert_non_null(reqs);
    assert_string_equal(fault_req_field(reqs, i, "method"), "POST");
    snprintf(want, sizeof(want), "/t/%s/v1%s", tag, mc->path);
    assert_string_equal(fault_req_field(reqs, i, "target"), want);
    snprintf(want, sizeof(want), "Bearer %s", TEST_SECRET);
    assert_string_equal(fault_req_header(reqs, i, "Authorization"), want);
    assert_string_equal(
        fault_req_header(reqs, i, "Clerk-API-Version"), CLERK_API_VERSION);
    assert_true(contains(
        fault_req_header(reqs, i, "Content-Type"), "application/json"));
    body = cJSON_Parse(fault_req_field(reqs, i, "body"));
    assert_true(cJSON_IsObject(body));
    assert_int_equal(cJSON_GetArraySize(body), 1);
    assert_string_equal(
        cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(body, mc->member)),
        mc->token);
    cJSON_Delete(body);
    cJSON_Delete(reqs);
}

static clerk_status_t verify_machine(
    clerk_client_t *c,
    const char *token,
    clerk_machine_token_t **out,
    clerk_auth_error_t *err)
{
    clerk_status_t st = clerk_verify_machine_token(out, c, token, err);

    if (st == CLERK_OK) {
        assert_non_null(*out);
        assert_int_equal(err->reason, CLERK_AUTH_OK);
    } else {
        assert_null(*out);
        assert_true(err->message[0] != '\0');
        assert_false(contains(err->message, token));
        assert_false(contains(err->message, TEST_SECRET));
    }
    return st;
}

static void test_machine_m2m_ok(void **state)
{
    const char *tag = "authnet-mt-ok";
    clerk_client_t *c = net_client(tag, true);
    clerk_machine_token_t *t = NULL;
    clerk_auth_error_t err;

    (void)state;
    script_answer(tag, 200, m2m_ok, 1, 0);
    assert_int_equal(verify_machine(c, M2M_TOKEN, &t, &err), CLERK_OK);
    assert_int_equal(t->type, CLERK_TOKEN_M2M);
    assert_string_equal(t->id, "mt_f7f0ba8c3b4843ce7d85fcdd5e71853e");
    assert_string_equal(t->subject, "mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    assert_null(t->name);
    assert_int_equal(t->scope_count, 2);
    assert_string_equal(t->scopes[0], "mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    assert_string_equal(t->scopes[1], "mch_2yGkLpQ7Y3rXSwtU24CzTk9I7Em");
    assert_non_null(t->claims);
    assert_string_equal(
        cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(t->claims, "important_metadata")),
        "Some useful data");
    assert_int_equal(t->expires_at.state, CLERK_SET);
    assert_int_equal(t->expires_at.value, 1767312000000LL);
    assert_non_null(t->json);
    clerk_machine_token_free(t);
    check_verify_request(tag, 0, &machine_cases[0]);
    assert_int_equal(fault_request_count(tag), 1);
    clerk_client_free(c);
}

static void test_machine_api_key_ok(void **state)
{
    const char *tag = "authnet-ak-ok";
    clerk_client_t *c = net_client(tag, true);
    clerk_machine_token_t *t = NULL;
    clerk_auth_error_t err;

    (void)state;
    script_answer(tag, 200, api_key_ok, 1, 0);
    assert_int_equal(verify_machine(c, API_KEY, &t, &err), CLERK_OK);
    assert_int_equal(t->type, CLERK_TOKEN_API_KEY);
    assert_string_equal(t->id, "ak_3beecc9c60adb5f9b850e91a8ee1e992");
    assert_string_equal(t->subject, "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    assert_string_equal(t->name, "MY_SERVICE_API_KEY");
    assert_int_equal(t->scope_count, 2);
    assert_string_equal(t->scopes[0], "read");
    assert_string_equal(t->scopes[1], "write");
    assert_string_equal(
        cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(t->claims, "foo")),
        "bar");
    assert_int_equal(t->expires_at.state, CLERK_UNSET); /* never expires */
    clerk_machine_token_free(t);
    check_verify_request(tag, 0, &machine_cases[1]);
    assert_int_equal(fault_request_count(tag), 1);
    clerk_client_free(c);
}

static void test_machine_oauth_ok(void **state)
{
    const char *tag = "authnet-oat-ok";
    clerk_client_t *c = net_client(tag, true);
    clerk_machine_token_t *t = NULL;
    clerk_auth_error_t err;

    (void)state;
    script_answer(tag, 200, oauth_ok, 1, 0);
    assert_int_equal(verify_machine(c, OAUTH_TOKEN, &t, &err), CLERK_OK);
    assert_int_equal(t->type, CLERK_TOKEN_OAUTH);
    assert_string_equal(t->id, "oat_0ef5a7a33d87ed87ee7954c845d80450");
    assert_string_equal(t->subject, "user_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    assert_int_equal(t->scope_count, 2);
    assert_null(t->claims);
    assert_int_equal(t->expires_at.state, CLERK_SET);
    assert_int_equal(t->expires_at.value, 1767229200000LL);
    clerk_machine_token_free(t);
    check_verify_request(tag, 0, &machine_cases[2]);
    assert_int_equal(fault_request_count(tag), 1);
    clerk_client_free(c);
}

/* Every kind, each refusal the API can give. */
static void test_machine_refusals(void **state)
{
    static const struct {
        const char *name;
        int status;
        const char *body;
        clerk_status_t expect;
        clerk_auth_reason_t reason;
    } answers[] = {
        { "404", 404, not_found, CLERK_E_UNAUTHORIZED,
          CLERK_AUTH_TOKEN_INVALID },
        { "400", 400,
          "{\"errors\":[{\"message\":\"Bad Request\",\"long_message\":"
          "\"Bad Request\",\"code\":\"bad_request\"}]}",
          CLERK_E_UNAUTHORIZED, CLERK_AUTH_TOKEN_INVALID },
        { "422", 422,
          "{\"errors\":[{\"message\":\"is invalid\",\"long_message\":"
          "\"is invalid\",\"code\":\"form_param_value_invalid\"}]}",
          CLERK_E_UNAUTHORIZED, CLERK_AUTH_TOKEN_INVALID },
        { "401", 401,
          "{\"errors\":[{\"message\":\"The provided Clerk Secret Key is "
          "invalid.\",\"long_message\":\"invalid\",\"code\":"
          "\"clerk_key_invalid\"}]}",
          CLERK_E_HTTP, CLERK_AUTH_SECRET_KEY_INVALID },
        { "500", 500,
          "{\"errors\":[{\"message\":\"boom\",\"long_message\":\"boom\","
          "\"code\":\"internal_clerk_error\"}]}",
          CLERK_E_HTTP, CLERK_AUTH_UNEXPECTED_ERROR },
    };

    char tag[64];
    size_t i;
    size_t k;

    (void)state;
    for (k = 0; k < sizeof(machine_cases) / sizeof(machine_cases[0]); k++) {
        for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
            clerk_client_t *c;
            clerk_machine_token_t *t = NULL;
            clerk_auth_error_t err;

            snprintf(
                tag, sizeof(tag), "authnet-mref-%zu-%s", k, answers[i].name);
            c = net_client(tag, true);
            script_answer(tag, answers[i].status, answers[i].body, 1, 0);
            assert_int_equal(
                verify_machine(c, machine_cases[k].token, &t, &err),
                answers[i].expect);
            assert_string_equal(
                clerk_auth_reason_str(err.reason),
                clerk_auth_reason_str(answers[i].reason));
            /* One request each: a refusal is not retried. */
            assert_int_equal(fault_request_count(tag), 1);
            check_verify_request(tag, 0, &machine_cases[k]);
            clerk_client_free(c);
        }
    }
}

/* A 200 saying the token is no longer good. */
static void test_machine_revoked_expired(void **state)
{
    const char *tag = "authnet-mt-revoked";
    clerk_client_t *c = net_client(tag, true);
    clerk_machine_token_t *t = NULL;
    clerk_auth_error_t err;
    cJSON *doc;
    char *body;

    (void)state;
    doc = cJSON_Parse(m2m_ok);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "revoked", cJSON_CreateTrue());
    cJSON_ReplaceItemInObjectCaseSensitive(
        doc, "revocation_reason", cJSON_CreateString("Revoked by user"));
    body = cJSON_PrintUnformatted(doc);
    script_answer(tag, 200, body, 1, 0);
    cJSON_free(body);
    cJSON_Delete(doc);
    assert_int_equal(
        verify_machine(c, M2M_TOKEN, &t, &err), CLERK_E_UNAUTHORIZED);
    assert_int_equal(err.reason, CLERK_AUTH_TOKEN_INVALID);

    doc = cJSON_Parse(api_key_ok);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "expired", cJSON_CreateTrue());
    body = cJSON_PrintUnformatted(doc);
    script_answer(tag, 200, body, 1, 0);
    cJSON_free(body);
    cJSON_Delete(doc);
    assert_int_equal(
        verify_machine(c, API_KEY, &t, &err), CLERK_E_UNAUTHORIZED);
    assert_int_equal(err.reason, CLERK_AUTH_TOKEN_INVALID);

    /* The OAuth verify operation's other 200 shape: {"active": false}. */
    script_answer(tag, 200, "{\"active\":false}", 1, 0);
    assert_int_equal(
        verify_machine(c, OAUTH_TOKEN, &t, &err), CLERK_E_UNAUTHORIZED);
    assert_int_equal(err.reason, CLERK_AUTH_TOKEN_INVALID);

    /* A 200 that is not a verify answer at all. */
    script_answer(tag, 200, "{\"ok\":true}", 1, 0);
    assert_int_equal(verify_machine(c, M2M_TOKEN, &t, &err), CLERK_E_DECODE);
    assert_int_equal(err.reason, CLERK_AUTH_UNEXPECTED_ERROR);
    script_answer(tag, 200, "not json", 1, 0);
    assert_int_equal(verify_machine(c, M2M_TOKEN, &t, &err), CLERK_E_DECODE);
    assert_int_equal(err.reason, CLERK_AUTH_UNEXPECTED_ERROR);
    assert_int_equal(fault_request_count(tag), 5);
    clerk_client_free(c);
}

static void test_machine_transport_and_args(void **state)
{
    const char *tag = "authnet-mt-args";
    clerk_client_t *c = net_client(tag, true);
    clerk_machine_token_t *t = NULL;
    clerk_auth_error_t err;

    (void)state;
    /* Not a machine token: refused before any request. */
    assert_int_equal(
        clerk_verify_machine_token(&t, c, token_a, &err), CLERK_E_INVALID_ARG);
    assert_null(t);
    assert_int_equal(err.reason, CLERK_AUTH_TOKEN_TYPE_MISMATCH);
    assert_int_equal(
        clerk_verify_machine_token(&t, NULL, M2M_TOKEN, &err),
        CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_verify_machine_token(NULL, c, M2M_TOKEN, &err),
        CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_verify_machine_token(&t, c, NULL, NULL), CLERK_E_INVALID_ARG);
    assert_int_equal(fault_request_count(tag), 0);
    /* A reset connection. */
    assert_int_equal(fault_script(tag, "[{\"reset\":true}]"), 0);
    assert_int_equal(verify_machine(c, API_KEY, &t, &err), CLERK_E_TRANSPORT);
    assert_int_equal(err.reason, CLERK_AUTH_UNEXPECTED_ERROR);
    assert_int_equal(fault_request_count(tag), 1);
    /* A 200 cut short: the transfer failed, whatever arrived. */
    assert_int_equal(
        fault_script(
            tag, "[{\"truncate\":true,\"close\":true,\"body\":"
                 "\"{\\\"subject\\\":\\\"user_1\\\"}\"}]"),
        0);
    assert_int_equal(verify_machine(c, API_KEY, &t, &err), CLERK_E_TRANSPORT);
    assert_int_equal(err.reason, CLERK_AUTH_UNEXPECTED_ERROR);
    assert_int_equal(fault_request_count(tag), 2);
    clerk_client_free(c);
}

static void test_request_machine_tokens(void **state)
{
    const char *tag = "authnet-req-machine";
    clerk_client_t *c = net_client(tag, true);
    clerk_authenticate_options_t o = pem_options(c);
    clerk_auth_t *a;

    (void)state;
    o.accepts = CLERK_ACCEPT_ANY;
    script_answer(tag, 200, m2m_ok, 1, 0);
    a = authn(
        &o, "Bearer " M2M_TOKEN, NULL, CLERK_OK, CLERK_AUTH_OK,
        CLERK_TOKEN_M2M);
    assert_string_equal(a->machine->subject, "mch_2xhFjEI5X2qWRvtV13BzSj8H6Dk");
    clerk_auth_free(a);
    script_answer(tag, 200, api_key_ok, 1, 0);
    a = authn(
        &o, "bearer  " API_KEY, NULL, CLERK_OK, CLERK_AUTH_OK,
        CLERK_TOKEN_API_KEY);
    assert_string_equal(a->machine->name, "MY_SERVICE_API_KEY");
    clerk_auth_free(a);
    script_answer(tag, 404, not_found, 1, 0);
    authn_check(
        &o, "Bearer " OAUTH_TOKEN, NULL, CLERK_E_UNAUTHORIZED,
        CLERK_AUTH_TOKEN_INVALID, CLERK_TOKEN_OAUTH);
    assert_int_equal(fault_request_count(tag), 3);
    check_verify_request(tag, 0, &machine_cases[0]);
    check_verify_request(tag, 1, &machine_cases[1]);
    check_verify_request(tag, 2, &machine_cases[2]);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Against Prism (optional: `test_auth_net prism <state file>`)        */
/* ------------------------------------------------------------------ */

static const char *prism_state;
static char prism_url[256];

/* Line 1 of the contract tests' Prism state file is its base URL. */
static int prism_setup(void **state)
{
    char *text = slurp(prism_state);
    size_t n;

    (void)state;
    if (text == NULL) {
        return -1;
    }
    n = strcspn(text, "\r\n");
    if (n == 0 || n >= sizeof(prism_url)) {
        free(text);
        return -1;
    }
    memcpy(prism_url, text, n);
    prism_url[n] = '\0';
    free(text);
    return 0;
}

/* Prism (static mode) checks the request against the spec (path, body
 * schema with additionalProperties false, bearer auth) and answers the
 * spec's example, so this pins the generated operations and the verdict
 * on the spec's own answer. */
static void test_machine_prism(void **state)
{
    clerk_client_options_t o;
    clerk_client_t *c = NULL;
    clerk_machine_token_t *t = NULL;
    clerk_auth_error_t err;
    size_t k;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.base_url = prism_url;
    o.secret_key = TEST_SECRET;
    o.retry.disable = true;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    for (k = 0; k < sizeof(machine_cases) / sizeof(machine_cases[0]); k++) {
        assert_int_equal(
            verify_machine(c, machine_cases[k].token, &t, &err), CLERK_OK);
        assert_int_equal(t->type, machine_cases[k].type);
        /* The spec's example ids carry the kind's prefix. */
        assert_non_null(t->id);
        assert_memory_equal(
            t->id, machine_cases[k].token,
            strcspn(machine_cases[k].token, "_") + 1);
        assert_true(
            strncmp(t->subject, "mch_", 4) == 0 ||
            strncmp(t->subject, "user_", 5) == 0);
        assert_int_equal(t->expires_at.state, CLERK_SET);
        clerk_machine_token_free(t);
        t = NULL;
    }
    clerk_client_free(c);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jwks_first_fetch_then_cached),
        cmocka_unit_test(test_jwks_ttl),
        cmocka_unit_test(test_jwks_unknown_kid_refresh),
        cmocka_unit_test(test_jwks_forged_kid_storm),
        cmocka_unit_test(test_jwks_single_flight_16_threads),
        cmocka_unit_test(test_jwks_single_flight_expired),
        cmocka_unit_test(test_jwks_single_flight_unknown_kid),
        cmocka_unit_test(test_jwks_single_flight_failure),
        cmocka_unit_test(test_jwks_refresh_500_keeps_keys),
        cmocka_unit_test(test_jwks_refresh_reset_keeps_keys),
        cmocka_unit_test(test_jwks_unknown_kid_refresh_failure),
        cmocka_unit_test(test_jwks_failure_empty_cache),
        cmocka_unit_test(test_jwks_truncated_or_too_large),
        cmocka_unit_test(test_jwks_secret_key_invalid),
        cmocka_unit_test(test_jwks_not_a_jwks),
        cmocka_unit_test(test_jwks_cache_clear),
        cmocka_unit_test(test_jwks_cache_clear_during_fetch),
        cmocka_unit_test(test_request_bearer_header),
        cmocka_unit_test(test_request_session_cookie),
        cmocka_unit_test(test_request_header_wins),
        cmocka_unit_test(test_request_no_token),
        cmocka_unit_test(test_request_type_mismatch),
        cmocka_unit_test(test_request_client_source),
        cmocka_unit_test(test_machine_m2m_ok),
        cmocka_unit_test(test_machine_api_key_ok),
        cmocka_unit_test(test_machine_oauth_ok),
        cmocka_unit_test(test_machine_refusals),
        cmocka_unit_test(test_machine_revoked_expired),
        cmocka_unit_test(test_machine_transport_and_args),
        cmocka_unit_test(test_request_machine_tokens),
    };

    const struct CMUnitTest prism_tests[] = {
        cmocka_unit_test(test_machine_prism),
    };

    if (argc == 3 && strcmp(argv[1], "prism") == 0) {
        prism_state = argv[2];
        return cmocka_run_group_tests(prism_tests, prism_setup, NULL);
    }
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
