/*
 * The retry budget: the minimum wait between attempts, the deadline of the
 * whole call, and the bound on max_attempts.  Asserted on the number of
 * requests the server saw and on statuses; the only time checks are lower
 * bounds that sleeping guarantees (a sleep never ends early).
 */
#include "rt_common.h"
#include "runtime_internal.h"

#include <limits.h>

static bool contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* "Retry-After: 0" on every answer: the waits stay at the minimum. */
static void test_retry_after_zero_waits_the_minimum(void **state)
{
    const char *tag = "ra0";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;

    (void)state;
    o.retry.max_attempts = 3;
    o.retry.initial_ms = 1;
    o.retry.max_wait_ms = 1;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":429,\"headers\":[[\"Retry-After\",\"0\"]],"
                 "\"repeat\":3}]"),
        0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 429);
    assert_int_equal(r->meta.attempts, 3);
    /* Two waits of at least the minimum each, whatever the policy and the
     * server asked for. */
    assert_true(r->meta.elapsed_ms >= 2.0 * CLERK_RETRY_MIN_WAIT_MS);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 3);
}

/* Ten attempts allowed, "Retry-After: 0" each time, a 450 ms deadline:
 * with waits of at least 100 ms, a fifth retry could only start after the
 * deadline, so at most five requests are made (ten before the fix). */
static void test_deadline_bounds_retries(void **state)
{
    const char *tag = "deadline";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    unsigned attempts;

    (void)state;
    o.retry.max_attempts = CLERK_RETRY_MAX_ATTEMPTS;
    o.deadline_ms = 450;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":429,\"headers\":[[\"Retry-After\",\"0\"]],"
                 "\"repeat\":10}]"),
        0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 429);
    attempts = r->meta.attempts;
    assert_true(attempts >= 1);
    assert_true(attempts <= 1 + 450 / CLERK_RETRY_MIN_WAIT_MS);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), (int)attempts);
}

/* A Retry-After beyond the deadline: the call ends at once with the 503
 * instead of sleeping for 30 s and then succeeding. */
static void test_retry_after_past_deadline(void **state)
{
    const char *tag = "rapast";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;

    (void)state;
    o.deadline_ms = 2000;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":503,\"headers\":[[\"Retry-After\",\"30\"]]}]"),
        0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 503);
    assert_int_equal(r->meta.attempts, 1);
    clerk__op_response_free(&op_list, r);
    assert_int_equal(fault_request_count(tag), 1);
    /* The script's queue is empty again: the next call gets a 200. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
}

/* A slow answer: the attempt's 60 s timeout is cut to the deadline. */
static void test_deadline_cuts_an_attempt(void **state)
{
    const char *tag = "dlslow";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;

    (void)state;
    o.deadline_ms = 300;
    c = rt_client(tag, false, &o);
    assert_int_equal(fault_script(tag, "[{\"delay\":3}]"), 0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_TIMEOUT);
    assert_int_equal(r->meta.attempts, 1);
    assert_int_equal(r->meta.http_status, 0);
    assert_true(contains(r->meta.message, "deadline"));
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 1);
}

/* No deadline (CLERK_TIMEOUT_NONE): the policy alone decides. */
static void test_no_deadline(void **state)
{
    const char *tag = "nodl";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;

    (void)state;
    o.deadline_ms = CLERK_TIMEOUT_NONE;
    o.retry.max_attempts = 4;
    c = rt_client(tag, false, &o);
    assert_int_equal(fault_script(tag, "[{\"status\":503,\"repeat\":3}]"), 0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    assert_int_equal(r->meta.attempts, 4);
    assert_true(r->meta.elapsed_ms >= 3.0 * CLERK_RETRY_MIN_WAIT_MS);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 4);
}

static void test_attempt_bound(void **state)
{
    clerk_client_options_t o = { 0 };
    clerk_client_t *c = NULL;
    char msg[CLERK_MESSAGE_SIZE];

    (void)state;
    o.base_url = "http://127.0.0.1:1/v1";
    o.retry.max_attempts = CLERK_RETRY_MAX_ATTEMPTS;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(c->max_attempts, CLERK_RETRY_MAX_ATTEMPTS);
    clerk_client_free(c);
    /* Refused, not clamped. */
    o.retry.max_attempts = CLERK_RETRY_MAX_ATTEMPTS + 1;
    assert_int_equal(
        clerk_client_new_detailed(&c, &o, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_null(c);
    assert_true(contains(msg, "options.retry.max_attempts"));
    o.retry.max_attempts = UINT_MAX;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_E_INVALID_ARG);
    /* The deadline: negative values other than "none" are refused. */
    o.retry.max_attempts = 0;
    o.deadline_ms = -5;
    assert_int_equal(
        clerk_client_new_detailed(&c, &o, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_true(contains(msg, "options.deadline_ms"));
    /* Defaults: 120 s; "none" is kept as no deadline. */
    o.deadline_ms = 0;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(c->deadline_ms, 120000);
    clerk_client_free(c);
    o.deadline_ms = CLERK_TIMEOUT_NONE;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(c->deadline_ms, 0);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_zero_waits_the_minimum),
        cmocka_unit_test(test_deadline_bounds_retries),
        cmocka_unit_test(test_retry_after_past_deadline),
        cmocka_unit_test(test_deadline_cuts_an_attempt),
        cmocka_unit_test(test_no_deadline),
        cmocka_unit_test(test_attempt_bound),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
