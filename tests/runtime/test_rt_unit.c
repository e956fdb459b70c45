/*
 * Runtime pieces without a server: Retry-After, retry decisions, backoff
 * bounds, the percent-encoder, URL building, status texts, NULL safety.
 */
#include "rt_common.h"
#include "runtime_internal.h"

#include <math.h>

static void test_retry_after_parse(void **state)
{
    uint64_t ms = 12345;
    int64_t date = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */

    (void)state;
    assert_true(clerk__retry_after_ms("120", 0, &ms));
    assert_int_equal(ms, 120000);
    assert_true(clerk__retry_after_ms("  5 ", 0, &ms));
    assert_int_equal(ms, 5000);
    assert_true(clerk__retry_after_ms("0", 0, &ms));
    assert_int_equal(ms, 0);
    assert_true(clerk__retry_after_ms("99999999999999999999999", 0, &ms));
    assert_true(ms >= UINT64_C(100000000) * 1000);
    assert_false(clerk__retry_after_ms("abc", 0, &ms));
    assert_false(clerk__retry_after_ms("-1", 0, &ms));
    assert_false(clerk__retry_after_ms("1.5", 0, &ms));
    assert_false(clerk__retry_after_ms("", 0, &ms));
    assert_false(clerk__retry_after_ms(NULL, 0, &ms));
    assert_true(
        clerk__retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", date - 10, &ms));
    assert_int_equal(ms, 10000);
    assert_true(
        clerk__retry_after_ms("Sunday, 06-Nov-94 08:49:37 GMT", date - 3, &ms));
    assert_int_equal(ms, 3000);
    /* A date in the past: no wait. */
    assert_true(clerk__retry_after_ms(
        "Sun, 06 Nov 1994 08:49:37 GMT", date + 100, &ms));
    assert_int_equal(ms, 0);
}

static void test_retry_allowed(void **state)
{
    (void)state;
    /* Statuses. */
    assert_true(clerk__retry_allowed(true, CURLE_OK, 429));
    assert_true(clerk__retry_allowed(false, CURLE_OK, 429));
    assert_true(clerk__retry_allowed(true, CURLE_OK, 502));
    assert_true(clerk__retry_allowed(true, CURLE_OK, 503));
    assert_true(clerk__retry_allowed(true, CURLE_OK, 504));
    assert_false(clerk__retry_allowed(false, CURLE_OK, 502));
    assert_false(clerk__retry_allowed(false, CURLE_OK, 503));
    assert_false(clerk__retry_allowed(true, CURLE_OK, 500));
    assert_false(clerk__retry_allowed(true, CURLE_OK, 200));
    assert_false(clerk__retry_allowed(true, CURLE_OK, 404));
    assert_false(clerk__retry_allowed(true, CURLE_OK, 301));
    /* Connection failures: before sending, always; after, idempotent. */
    assert_true(clerk__retry_allowed(false, CURLE_COULDNT_CONNECT, 0));
    assert_true(clerk__retry_allowed(false, CURLE_COULDNT_RESOLVE_HOST, 0));
    assert_true(clerk__retry_allowed(true, CURLE_RECV_ERROR, 0));
    assert_true(clerk__retry_allowed(true, CURLE_GOT_NOTHING, 0));
    assert_false(clerk__retry_allowed(false, CURLE_RECV_ERROR, 0));
    assert_false(clerk__retry_allowed(false, CURLE_SEND_ERROR, 0));
    /* Never: timeouts, TLS problems, size limit. */
    assert_false(clerk__retry_allowed(true, CURLE_OPERATION_TIMEDOUT, 0));
    assert_false(clerk__retry_allowed(true, CURLE_PEER_FAILED_VERIFICATION, 0));
    assert_false(clerk__retry_allowed(true, CURLE_WRITE_ERROR, 200));
}

static void test_backoff_bounds(void **state)
{
    uint64_t rng = clerk__rng_seed("a");
    uint64_t other = clerk__rng_seed("b");
    unsigned w;
    unsigned lo = UINT32_MAX;
    unsigned hi = 0;
    int i;

    (void)state;
    for (i = 0; i < 2000; i++) {
        w = clerk__retry_wait_ms(1, 1000, 1.5, 60000, NULL, &rng);
        assert_true(w >= CLERK_RETRY_MIN_WAIT_MS);
        assert_true(w <= 1000);
        lo = w < lo ? w : lo;
        hi = w > hi ? w : hi;
        /* attempt 3: 1000 * 1.5^2 = 2250 */
        w = clerk__retry_wait_ms(3, 1000, 1.5, 60000, NULL, &rng);
        assert_true(w >= CLERK_RETRY_MIN_WAIT_MS && w <= 2250);
        /* capped */
        assert_true(clerk__retry_wait_ms(40, 500, 2.0, 700, NULL, &rng) <= 700);
        /* A tiny policy still waits the minimum. */
        assert_int_equal(
            clerk__retry_wait_ms(1, 1, 1.0, 60000, NULL, &rng),
            CLERK_RETRY_MIN_WAIT_MS);
        assert_int_equal(
            clerk__retry_wait_ms(5, 500, 2.0, 10, NULL, &rng),
            CLERK_RETRY_MIN_WAIT_MS);
    }
    /* Full jitter spreads over the range (the minimum clips the bottom). */
    assert_true(lo < 200);
    assert_true(hi > 800);
    /* Retry-After wins, but never past the cap nor below the minimum. */
    assert_int_equal(clerk__retry_wait_ms(1, 100, 1.5, 60000, "2", &rng), 2000);
    assert_int_equal(
        clerk__retry_wait_ms(1, 100, 1.5, 1500, "3600", &rng), 1500);
    assert_int_equal(
        clerk__retry_wait_ms(1, 100, 1.5, 1500, "0", &rng),
        CLERK_RETRY_MIN_WAIT_MS);
    assert_int_equal(
        clerk__retry_wait_ms(
            1, 100, 1.5, 1500, "Wed, 21 Oct 2015 07:28:00 GMT", &rng),
        CLERK_RETRY_MIN_WAIT_MS);
    /* Unparseable Retry-After: the backoff applies. */
    w = clerk__retry_wait_ms(1, 1000, 1.5, 60000, "soon", &rng);
    assert_true(w >= CLERK_RETRY_MIN_WAIT_MS && w <= 1000);
    /* Two states do not produce the same stream. */
    assert_true(
        clerk__rng_next(&rng) != clerk__rng_next(&other) ||
        clerk__rng_next(&rng) != clerk__rng_next(&other));
}

/* Feed `text` as one header line (exact size: no NUL after it). */
static void header_line(clerk__reply_t *reply, const char *text, size_t n)
{
    char *line = malloc(n > 0 ? n : 1);

    assert_non_null(line);
    memcpy(line, text, n);
    assert_int_equal(clerk__reply_header(reply, line, n), n);
    free(line);
}

static void test_header_parser(void **state)
{
    clerk__reply_t reply;

    (void)state;
    memset(&reply, 0, sizeof(reply));
    reply.body_limit = 100;
    header_line(&reply, "HTTP/1.1 200 OK\r\n", 17);
    header_line(&reply, "Retry-After:  7 \r\n", 18);
    /* A NUL inside a line would make "X" read as a header with the value
     * "Retry-After" (found by tests/fuzz/fuzz_headers.c): skipped. */
    header_line(&reply, "X\0Retry-After: 0\r\n", 19);
    header_line(&reply, "\0: v\r\n", 6);
    header_line(&reply, "Y: a\0b\r\n", 9);
    header_line(&reply, " folded\r\n", 9);
    header_line(&reply, "NoColon\r\n", 9);
    header_line(&reply, "\r\n", 2);
    assert_int_equal(reply.headers.count, 1);
    assert_string_equal(clerk__headers_get(&reply.headers, "retry-after"), "7");
    assert_null(clerk__headers_get(&reply.headers, "X"));
    assert_null(clerk__headers_get(&reply.headers, "Y"));
    /* A new status line starts over. */
    header_line(&reply, "HTTP/1.1 503 Busy\r\n", 19);
    assert_int_equal(reply.headers.count, 0);
    clerk__reply_free(&reply);
}

static void test_escaper_unreserved_only(void **state)
{
    clerk__rtbuf_t b = { 0 };
    char in[2] = { 0, 0 };
    char expect[4];
    int c;

    (void)state;
    for (c = 1; c < 256; c++) {
        bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                          c == '_' || c == '~';

        in[0] = (char)c;
        b.len = 0;
        assert_true(clerk__rtbuf_append_escaped(&b, in, false));
        if (unreserved) {
            assert_int_equal(b.len, 1);
            assert_int_equal(b.data[0], c);
        } else {
            snprintf(expect, sizeof(expect), "%%%02X", (unsigned)c);
            assert_string_equal(b.data, expect);
        }
    }
    b.len = 0;
    assert_true(clerk__rtbuf_append_escaped(&b, "..", true));
    assert_string_equal(b.data, "%2E%2E");
    b.len = 0;
    assert_true(clerk__rtbuf_append_escaped(&b, "..", false));
    assert_string_equal(b.data, "..");
    b.len = 0;
    assert_true(clerk__rtbuf_append_escaped(&b, "...", true));
    assert_string_equal(b.data, "...");
    clerk__rtbuf_free(&b);
}

static void test_request_build(void **state)
{
    clerk_client_t *c = NULL;
    clerk_client_options_t o = { 0 };
    clerk__request_t req;
    char msg[256];
    const char *args[2] = { "a/b", "x y" };
    list_params_t p;

    (void)state;
    o.base_url = "http://user:pw@127.0.0.1:1/v1///";
    o.secret_key = "sk_unit";
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(
        clerk__request_build(
            c, &op_get2, args, NULL, NULL, &req, msg, sizeof(msg)),
        CLERK_OK);
    assert_string_equal(
        req.url, "http://user:pw@127.0.0.1:1/v1/users/a%2Fb/items/x%20y");
    assert_string_equal(
        req.display_url, "http://127.0.0.1:1/v1/users/a%2Fb/items/x%20y");
    assert_true(req.idempotent);
    assert_null(req.body);
    assert_false(req.send_empty_body);
    clerk__request_free(&req);

    /* An enum value outside its table is refused. */
    memset(&p, 0, sizeof(p));
    p.order_by = CLERK_ENUM(3);
    assert_int_equal(
        clerk__request_build(
            c, &op_list, NULL, &p, NULL, &req, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(msg, "order_by"));
    /* Arrays with items == NULL but a count. */
    memset(&p, 0, sizeof(p));
    p.email_address.count = 2;
    assert_int_equal(
        clerk__request_build(
            c, &op_list, NULL, &p, NULL, &req, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    /* The required-query check happens before anything else is built. */
    assert_int_equal(
        clerk__request_build(
            c, &op_must, NULL, NULL, NULL, &req, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_null(req.url);
    clerk_client_free(c);
}

typedef struct num_params {
    clerk_opt_double_t x;
    clerk_opt_double_t y;
    int64_t n;
    bool b;
} num_params_t;

static const clerk__param_t num_query[] = {
    { "x", offsetof(num_params_t, x), &clerk__type_opt_num, 0 },
    { "y", offsetof(num_params_t, y), &clerk__type_opt_num, 0 },
    { "n", offsetof(num_params_t, n), &clerk__type_int, CLERK__F_REQUIRED },
    { "b", offsetof(num_params_t, b), &clerk__type_bool, 0 },
};

static const clerk__op_t op_num = {
    "GET", "/n",  "Num", 0,    num_query, 4, CLERK__BODY_NONE, NULL, false,
    NULL,  false, NULL,  NULL, 0,         0
};

static void test_query_numbers(void **state)
{
    clerk_client_t *c = NULL;
    clerk_client_options_t o = { 0 };
    clerk__request_t req;
    char msg[256];
    num_params_t p;

    (void)state;
    o.base_url = "http://127.0.0.1:1";
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    memset(&p, 0, sizeof(p));
    p.x = CLERK_DOUBLE(0.1);
    p.y = CLERK_DOUBLE(-1e300);
    p.n = INT64_MIN;
    assert_int_equal(
        clerk__request_build(
            c, &op_num, NULL, &p, NULL, &req, msg, sizeof(msg)),
        CLERK_OK);
    /* Shortest round-trip text; '+' is escaped like any reserved byte. */
    assert_string_equal(
        req.url, "http://127.0.0.1:1/n?x=0.1&y=-1e%2B300&n=-9223372036854775808"
                 "&b=false");
    clerk__request_free(&req);
    /* Not a number: refused before anything is built. */
    p.y = CLERK_DOUBLE(NAN);
    assert_int_equal(
        clerk__request_build(
            c, &op_num, NULL, &p, NULL, &req, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(msg, "y"));
    clerk_client_free(c);
}

static void test_status_and_version(void **state)
{
    int s;

    (void)state;
    for (s = 0; s <= (int)CLERK_E_CANCELLED; s++) {
        assert_non_null(clerk_status_str((clerk_status_t)s));
        assert_string_not_equal(
            clerk_status_str((clerk_status_t)s), "unknown status");
    }
    assert_string_equal(clerk_status_str((clerk_status_t)99), "unknown status");
    assert_string_equal(clerk_status_str((clerk_status_t)-1), "unknown status");
    assert_int_equal(clerk_version_num(), CLERK_VERSION_NUM);
    assert_string_equal(clerk_version_str(), CLERK_VERSION);
    assert_int_equal(clerk_global_init(), CLERK_OK);
    assert_int_equal(clerk_global_init(), CLERK_OK);
    assert_null(clerk_response_header(NULL, "x"));
    clerk_response_free(NULL);
    clerk__op_response_free(&op_list, NULL);
    clerk_free(NULL);
}

static void test_defaults(void **state)
{
    clerk_client_t *c = NULL;

    (void)state;
    unsetenv("CLERK_SECRET_KEY");
    assert_int_equal(clerk_client_new(&c, NULL), CLERK_OK);
    assert_string_equal(c->base_url, "https://api.clerk.com/v1");
    assert_null(c->secret);
    assert_int_equal(c->connect_timeout_ms, 10000);
    assert_int_equal(c->timeout_ms, 60000);
    assert_int_equal(c->max_attempts, 3);
    assert_int_equal(c->initial_ms, 500);
    assert_true(c->factor == 1.5);
    assert_int_equal(c->max_wait_ms, 60000);
    assert_int_equal(c->deadline_ms, 120000);
    assert_int_equal(c->max_response_bytes, 64u * 1024 * 1024);
    assert_false(c->insecure);
    assert_false(c->strict);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_parse),
        cmocka_unit_test(test_retry_allowed),
        cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_header_parser),
        cmocka_unit_test(test_escaper_unreserved_only),
        cmocka_unit_test(test_request_build),
        cmocka_unit_test(test_query_numbers),
        cmocka_unit_test(test_status_and_version),
        cmocka_unit_test(test_defaults),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
