/*
 * Faults: timeouts, resets, retries (429 + Retry-After, 5xx, POST rules),
 * refused connections, malformed / truncated / oversized bodies, redirects.
 */
#include "rt_common.h"

static bool contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

static json_response_t *call(
    clerk_client_t *c, const clerk__op_t *op, clerk_status_t expect)
{
    json_response_t *r = NULL;
    body_t b = { "n", { CLERK_UNSET, 0 } };

    assert_int_equal(
        rt_call(
            (void **)&r, c, op, NULL, NULL,
            op->body_kind == CLERK__BODY_JSON ? &b : NULL),
        expect);
    assert_non_null(r);
    assert_int_equal(r->meta.status, expect);
    assert_non_null(r->meta.message);
    return r;
}

static void test_timeout_not_retried(void **state)
{
    const char *tag = "timeout";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r;

    (void)state;
    o.timeout_ms = 300;
    c = rt_client(tag, false, &o);
    /* One slow answer only: a retry would get a quick 200 and pass. */
    assert_int_equal(fault_script(tag, "[{\"delay\":2}]"), 0);
    r = call(c, &op_list, CLERK_E_TIMEOUT);
    assert_int_equal(r->meta.http_status, 0);
    assert_int_equal(r->meta.attempts, 1);
    assert_null(r->data);
    assert_false(contains(r->meta.message, TEST_SECRET));
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
}

static void test_reset_get_retried_post_not(void **state)
{
    const char *tag = "reset";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r;

    (void)state;
    assert_int_equal(fault_script(tag, "[{\"reset\":true,\"repeat\":3}]"), 0);
    r = call(c, &op_list, CLERK_E_TRANSPORT);
    assert_int_equal(r->meta.attempts, 3);
    assert_int_equal(r->meta.http_status, 0);
    clerk__op_response_free(&op_list, r);
    assert_int_equal(fault_request_count(tag), 3);

    /* POST: the request was sent, so it is not repeated. */
    assert_int_equal(fault_script(tag, "[{\"reset\":true}]"), 0);
    r = call(c, &op_create, CLERK_E_TRANSPORT);
    assert_int_equal(r->meta.attempts, 1);
    clerk__op_response_free(&op_create, r);
    assert_int_equal(fault_request_count(tag), 4);
    clerk_client_free(c);
}

static void test_429_retry_after_then_200(void **state)
{
    const char *tag = "r429";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":429,\"headers\":[[\"Retry-After\",\"1\"]]}]"),
        0);
    r = call(c, &op_list, CLERK_OK);
    assert_int_equal(r->meta.attempts, 2);
    assert_int_equal(r->meta.http_status, 200);
    clerk__op_response_free(&op_list, r);
    /* 429 is retried on POST too (HTTP-date in the past: no wait). */
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":429,\"headers\":[[\"Retry-After\","
                 "\"Wed, 21 Oct 2015 07:28:00 GMT\"]]}]"),
        0);
    r = call(c, &op_create, CLERK_OK);
    assert_int_equal(r->meta.attempts, 2);
    clerk__op_response_free(&op_create, r);
    assert_int_equal(fault_request_count(tag), 4);
    clerk_client_free(c);
}

static void test_retry_after_capped(void **state)
{
    const char *tag = "rcap";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r;

    (void)state;
    o.retry.max_wait_ms = 20;
    c = rt_client(tag, false, &o);
    /* An hour is asked for; the cap keeps this test (and its ctest
     * timeout) short. */
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":503,\"headers\":[[\"Retry-After\",\"3600\"]]}]"),
        0);
    r = call(c, &op_list, CLERK_OK);
    assert_int_equal(r->meta.attempts, 2);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
}

static void test_503_then_200_get(void **state)
{
    const char *tag = "r503";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r;

    (void)state;
    assert_int_equal(fault_script(tag, "[{\"status\":503}]"), 0);
    r = call(c, &op_list, CLERK_OK);
    assert_int_equal(r->meta.attempts, 2);
    clerk__op_response_free(&op_list, r);
    /* 502 and 504 too; three failures exhaust the default 3 attempts. */
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":502},{\"status\":504},{\"status\":503}]"),
        0);
    r = call(c, &op_list, CLERK_E_HTTP);
    assert_int_equal(r->meta.attempts, 3);
    assert_int_equal(r->meta.http_status, 503);
    clerk__op_response_free(&op_list, r);
    assert_int_equal(fault_request_count(tag), 5);
    clerk_client_free(c);
}

static void test_post_5xx_not_retried(void **state)
{
    const char *tag = "post5xx";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r;

    (void)state;
    assert_int_equal(
        fault_script(tag, "[{\"status\":500},{\"status\":503}]"), 0);
    r = call(c, &op_create, CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 500);
    assert_int_equal(r->meta.attempts, 1);
    clerk__op_response_free(&op_create, r);
    r = call(c, &op_create, CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 503);
    assert_int_equal(r->meta.attempts, 1);
    clerk__op_response_free(&op_create, r);
    /* GET with 500: not a retryable status either. */
    assert_int_equal(fault_script(tag, "[{\"status\":500}]"), 0);
    r = call(c, &op_list, CLERK_E_HTTP);
    assert_int_equal(r->meta.attempts, 1);
    clerk__op_response_free(&op_list, r);
    assert_int_equal(fault_request_count(tag), 3);
    clerk_client_free(c);
}

static void test_retry_policy_options(void **state)
{
    const char *tag = "policy";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r;

    (void)state;
    o.retry.disable = true;
    c = rt_client(tag, false, &o);
    assert_int_equal(fault_script(tag, "[{\"status\":503}]"), 0);
    r = call(c, &op_list, CLERK_E_HTTP);
    assert_int_equal(r->meta.attempts, 1);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);

    memset(&o, 0, sizeof(o));
    o.retry.max_attempts = 5;
    o.retry.factor = 2.0;
    c = rt_client(tag, false, &o);
    assert_int_equal(fault_script(tag, "[{\"status\":503,\"repeat\":4}]"), 0);
    r = call(c, &op_list, CLERK_OK);
    assert_int_equal(r->meta.attempts, 5);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 6);
}

static void test_connection_refused(void **state)
{
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r;
    char url[128];

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1", fault_closed_port());
    o.base_url = url;
    c = rt_client("refused", false, &o);
    r = call(c, &op_list, CLERK_E_TRANSPORT);
    assert_int_equal(r->meta.attempts, 3);
    assert_int_equal(r->meta.http_status, 0);
    clerk__op_response_free(&op_list, r);
    /* Nothing was sent, so POST is retried as well. */
    r = call(c, &op_create, CLERK_E_TRANSPORT);
    assert_int_equal(r->meta.attempts, 3);
    clerk__op_response_free(&op_create, r);
    clerk_client_free(c);
}

static void test_malformed_and_truncated(void **state)
{
    const char *tag = "badbody";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r;

    (void)state;
    o.retry.disable = true;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(
            tag, "[{\"body\":\"{\\\"a\\\":\"},{\"body\":\"{\\\"a\\\":1} x\"},"
                 "{\"body\":\"\"},"
                 "{\"body\":\"{\\\"ok\\\":true}\",\"truncate\":true},"
                 "{\"body\":\"{\\\"deep\\\":" /* nesting within limits */
                 "[[[[[[[[[[1]]]]]]]]]]}\"}]"),
        0);
    r = call(c, &op_list, CLERK_E_DECODE);
    assert_int_equal(r->meta.http_status, 200);
    assert_string_equal(r->meta.body, "{\"a\":");
    assert_int_equal(r->meta.body_len, 5);
    assert_null(r->data);
    clerk__op_response_free(&op_list, r);
    r = call(c, &op_list, CLERK_E_DECODE);
    clerk__op_response_free(&op_list, r);
    r = call(c, &op_list, CLERK_E_DECODE);
    assert_int_equal(r->meta.body_len, 0);
    clerk__op_response_free(&op_list, r);
    /* Fewer bytes than Content-Length, then the connection closes. */
    r = call(c, &op_list, CLERK_E_TRANSPORT);
    assert_int_equal(r->meta.http_status, 200);
    assert_null(r->data);
    clerk__op_response_free(&op_list, r);
    r = call(c, &op_list, CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
}

static void test_oversized(void **state)
{
    const char *tag = "big";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    clerk_client_t *roomy;
    json_response_t *r;

    (void)state;
    o.max_response_bytes = 1000;
    c = rt_client(tag, false, &o);
    roomy = rt_client(tag, false, NULL);
    assert_int_equal(
        fault_script(
            tag, "[{\"big\":5000},{\"big\":5000,\"no_length\":true},"
                 "{\"big\":1000},{\"big\":1001,\"no_length\":true},"
                 "{\"big\":3000000}]"),
        0);
    /* Declared too large: refused from Content-Length. */
    r = call(c, &op_list, CLERK_E_TOO_LARGE);
    assert_int_equal(r->meta.attempts, 1);
    assert_int_equal(r->meta.body_len, 0);
    assert_true(contains(r->meta.message, "1000"));
    clerk__op_response_free(&op_list, r);
    /* Undeclared: stopped while reading. */
    r = call(c, &op_list, CLERK_E_TOO_LARGE);
    clerk__op_response_free(&op_list, r);
    /* Exactly at the limit is fine; one byte over is not. */
    r = call(c, &op_list, CLERK_OK);
    assert_int_equal(r->meta.body_len, 1000);
    clerk__op_response_free(&op_list, r);
    r = call(c, &op_list, CLERK_E_TOO_LARGE);
    clerk__op_response_free(&op_list, r);
    /* A large body under the default 64 MiB limit. */
    r = call(roomy, &op_list, CLERK_OK);
    assert_int_equal(r->meta.body_len, 3000000);
    assert_int_equal(r->meta.body[r->meta.body_len], '\0');
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    clerk_client_free(roomy);
    assert_int_equal(fault_request_count(tag), 5);
}

/* Size limits are CLERK_E_TOO_LARGE, never libcurl's out-of-memory code
 * mapped to CLERK_E_NOMEM, and are not retried. */
static void test_oversized_headers(void **state)
{
    const char *tag = "bighdr";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"big_header\":1048576},"
                 "{\"big_header\":61440,\"big_header_count\":4},"
                 "{\"big_header\":92160},"
                 "{\"big_header\":40960,\"big_header_count\":4}]"),
        0);
    /* One 1 MiB header line: over libcurl's per-line limit. */
    r = call(c, &op_list, CLERK_E_TOO_LARGE);
    assert_int_equal(r->meta.attempts, 1);
    assert_true(contains(r->meta.message, "header"));
    clerk__op_response_free(&op_list, r);
    /* 240 KiB of headers in lines libcurl accepts: over our total. */
    r = call(c, &op_list, CLERK_E_TOO_LARGE);
    assert_int_equal(r->meta.attempts, 1);
    assert_true(contains(r->meta.message, "204800"));
    clerk__op_response_free(&op_list, r);
    /* Below both limits: a 90 KiB line, and 160 KiB in four lines. */
    r = call(c, &op_list, CLERK_OK);
    assert_int_equal(strlen(clerk_response_header(&r->meta, "X-Big-0")), 92160);
    clerk__op_response_free(&op_list, r);
    r = call(c, &op_list, CLERK_OK);
    assert_non_null(clerk_response_header(&r->meta, "X-Big-3"));
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 4);
}

/* A path or query parameter that makes the URL too long is the caller's
 * mistake (CLERK_E_INVALID_ARG naming it), found before anything is sent. */
static void test_oversized_url(void **state)
{
    const char *tag = "bigurl";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    size_t n = (size_t)1 << 20;
    char *big = malloc(n + 1);
    const char *args[2];
    list_params_t p;

    (void)state;
    assert_non_null(big);
    memset(big, 'a', n);
    big[n] = '\0';
    args[0] = big;
    args[1] = "x";
    assert_int_equal(
        rt_call((void **)&r, c, &op_get2, args, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "path parameter user_id"));
    assert_true(contains(r->meta.message, "65536"));
    clerk__op_response_free(&op_get2, r);

    /* Under the limit before encoding, over it after (3 bytes a '/'). */
    memset(big, '/', 30000);
    big[30000] = '\0';
    args[0] = "u";
    args[1] = big;
    assert_int_equal(
        rt_call((void **)&r, c, &op_get2, args, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "path parameter item_id"));
    clerk__op_response_free(&op_get2, r);

    memset(&p, 0, sizeof(p));
    memset(big, 'q', n);
    big[n] = '\0';
    p.query = CLERK_STR(big);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, &p, NULL), CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "query parameter query"));
    clerk__op_response_free(&op_list, r);

    /* A request head over libcurl's 1 MiB (here from an extra header the
     * client was given) is refused by curl before anything is sent: the
     * caller's mistake too, not a lack of memory. */
    {
        clerk_header_option_t h = { "X-Huge", big };
        clerk_client_options_t o = { 0 };
        clerk_client_t *huge;

        o.headers = &h;
        o.header_count = 1;
        huge = rt_client(tag, false, &o);
        assert_int_equal(
            rt_call((void **)&r, huge, &op_list, NULL, NULL, NULL),
            CLERK_E_INVALID_ARG);
        assert_true(contains(r->meta.message, "1 MiB"));
        clerk__op_response_free(&op_list, r);
        clerk_client_free(huge);
    }

    /* Just inside the limit is sent. */
    big[CLERK_MAX_URL_LENGTH - strlen(fault_base_url(tag, false)) -
        strlen("/users?query=")] = '\0';
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, &p, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    free(big);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 1);
}

static void test_redirect_not_followed(void **state)
{
    const char *tag = "redir";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r;
    char script[512];

    (void)state;
    snprintf(
        script, sizeof(script),
        "[{\"status\":302,\"headers\":[[\"Location\",\"%s/elsewhere\"]],"
        "\"body\":\"\"},{\"status\":301,\"headers\":[[\"Location\","
        "\"http://127.0.0.1:1/x\"]]}]",
        fault_base_url(tag, false));
    assert_int_equal(fault_script(tag, script), 0);
    r = call(c, &op_list, CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 302);
    assert_int_equal(r->meta.attempts, 1);
    assert_true(
        contains(clerk_response_header(&r->meta, "location"), "/elsewhere"));
    assert_true(contains(r->meta.message, "redirect not followed"));
    clerk__op_response_free(&op_list, r);
    r = call(c, &op_create, CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 301);
    clerk__op_response_free(&op_create, r);
    /* Only the two original requests reached the server. */
    assert_int_equal(fault_request_count(tag), 2);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timeout_not_retried),
        cmocka_unit_test(test_reset_get_retried_post_not),
        cmocka_unit_test(test_429_retry_after_then_200),
        cmocka_unit_test(test_retry_after_capped),
        cmocka_unit_test(test_503_then_200_get),
        cmocka_unit_test(test_post_5xx_not_retried),
        cmocka_unit_test(test_retry_policy_options),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_malformed_and_truncated),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_oversized_headers),
        cmocka_unit_test(test_oversized_url),
        cmocka_unit_test(test_redirect_not_followed),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
