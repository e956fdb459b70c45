/*
 * Per-call options (issue 11, item 4): views of a client made with
 * clerk_client_view() change the timeout, deadline, retry policy and
 * headers of the calls made through them, and carry a cancel token; the
 * client itself is unchanged, and the view shares its pool.  Calls go
 * through the generated clerk_users_get*() against the fault server.
 */
#include "rt_common.h"

#include <clerk/api/users.h>
#include <clerk/async.h>

#include <pthread.h>
#include <time.h>

static const char one_user[] =
    "[{\"body\": \"{\\\"id\\\": \\\"user_1\\\", \\\"object\\\": "
    "\\\"user\\\"}\"}]";

static clerk_client_t *view_of(clerk_client_t *c, const clerk_call_options_t *o)
{
    clerk_client_t *v = NULL;
    char msg[CLERK_MESSAGE_SIZE];

    assert_int_equal(clerk_client_view(&v, c, o, msg, sizeof(msg)), CLERK_OK);
    assert_string_equal(msg, "");
    assert_non_null(v);
    return v;
}

/* The value of header `name` in recorded request `i`, or NULL. */
static const char *req_header(cJSON *reqs, int i, const char *name)
{
    cJSON *h = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, i), "headers");
    cJSON *pair;

    cJSON_ArrayForEach(pair, h)
    {
        if (strcasecmp(cJSON_GetArrayItem(pair, 0)->valuestring, name) == 0) {
            return cJSON_GetArrayItem(pair, 1)->valuestring;
        }
    }
    return NULL;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&t, NULL);
}

/* ------------------------------------------------------------------ */

static void test_headers_only_through_the_view(void **state)
{
    const char *tag = "v_headers";
    const clerk_header_option_t extra[] = { { "Idempotency-Key", "k-123" },
                                            { "X-Trace", "" } };
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_client_t *v = view_of(
        c, &(clerk_call_options_t){ .headers = extra, .header_count = 2 });
    clerk_client_t *vv;
    clerk_user_t *u;
    cJSON *reqs;

    (void)state;
    assert_int_equal(fault_script(tag, one_user), 0);
    u = clerk_users_get(v, "user_1");
    assert_non_null(u);
    clerk_user_free(u);
    u = clerk_users_get(c, "user_1"); /* the client: no extra header */
    clerk_user_free(u);
    /* A view of the view keeps the parent view's headers. */
    vv = view_of(v, &(clerk_call_options_t){ .timeout_ms = 5000 });
    u = clerk_users_get(vv, "user_1");
    clerk_user_free(u);

    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 3);
    assert_string_equal(req_header(reqs, 0, "Idempotency-Key"), "k-123");
    assert_non_null(req_header(reqs, 0, "X-Trace"));
    assert_string_equal(req_header(reqs, 0, "X-Trace"), "");
    /* The client's own headers are still there. */
    assert_string_equal(
        req_header(reqs, 0, "Authorization"), "Bearer " TEST_SECRET);
    assert_non_null(req_header(reqs, 0, "Clerk-API-Version"));
    assert_null(req_header(reqs, 1, "Idempotency-Key"));
    assert_string_equal(req_header(reqs, 2, "Idempotency-Key"), "k-123");
    cJSON_Delete(reqs);
    /* The three share one pool: one connection for all calls. */
    assert_int_equal(fault_connection_count(tag), 1);
    clerk_client_free(vv);
    clerk_client_free(v);
    clerk_client_free(c);
}

static void test_timeout_and_retry_per_call(void **state)
{
    const char *tag = "v_timeout";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_client_t *quick = view_of(
        c, &(clerk_call_options_t){
               .timeout_ms = 100,
               .retry = &(clerk_retry_policy_t){ .disable = true } });
    clerk_client_t *once = view_of(
        c, &(clerk_call_options_t){
               .retry = &(clerk_retry_policy_t){ .disable = true } });
    clerk_users_get_response_t *r = NULL;

    (void)state;
    /* 0.5 s to answer: too slow for the view, fine for the client. */
    assert_int_equal(
        fault_script(
            tag, "[{\"delay\": 0.5, \"body\": \"{\\\"id\\\": \\\"u\\\"}\"},"
                 " {\"delay\": 0.5, \"body\": \"{\\\"id\\\": \\\"u\\\"}\"}]"),
        0);
    assert_int_equal(
        clerk_users_get_detailed(&r, quick, "user_1"), CLERK_E_TIMEOUT);
    assert_int_equal(r->meta.attempts, 1);
    clerk_users_get_response_free(r);
    assert_int_equal(clerk_users_get_detailed(&r, c, "user_1"), CLERK_OK);
    clerk_users_get_response_free(r);

    /* 503 then 200: the client retries, the view does not. */
    assert_int_equal(
        fault_script(tag, "[{\"status\": 503}, {\"status\": 200}]"), 0);
    assert_int_equal(clerk_users_get_detailed(&r, c, "user_1"), CLERK_OK);
    assert_int_equal(r->meta.attempts, 2);
    clerk_users_get_response_free(r);
    assert_int_equal(
        fault_script(tag, "[{\"status\": 503}, {\"status\": 200}]"), 0);
    assert_int_equal(
        clerk_users_get_detailed(&r, once, "user_1"), CLERK_E_HTTP);
    assert_int_equal(r->meta.attempts, 1);
    assert_int_equal(r->meta.http_status, 503);
    clerk_users_get_response_free(r);
    clerk_client_free(once);
    clerk_client_free(quick);
    clerk_client_free(c);
}

static void test_deadline_per_call(void **state)
{
    const char *tag = "v_deadline";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_client_t *v =
        view_of(c, &(clerk_call_options_t){ .deadline_ms = 150 });
    clerk_users_get_response_t *r = NULL;

    (void)state;
    assert_int_equal(fault_script(tag, "[{\"delay\": 1.0}]"), 0);
    assert_int_equal(
        clerk_users_get_detailed(&r, v, "user_1"), CLERK_E_TIMEOUT);
    assert_non_null(strstr(r->meta.message, "deadline of 150 ms"));
    clerk_users_get_response_free(r);
    clerk_client_free(v);
    clerk_client_free(c);
}

typedef struct canceller {
    clerk_cancel_t *token;
    const char *tag;
    long count; /* set once the server has seen this many requests */
} canceller_t;

static void *cancel_later(void *arg)
{
    canceller_t *k = arg;
    int i;

    for (i = 0; i < 2000 && fault_request_count(k->tag) < k->count; i++) {
        sleep_ms(5);
    }
    sleep_ms(50);
    clerk_cancel_set(k->token);
    return NULL;
}

static void test_cancel_token(void **state)
{
    const char *tag = "v_cancel";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_cancel_t *token = NULL;
    clerk_client_t *v;
    clerk_users_get_response_t *r = NULL;
    canceller_t k;
    pthread_t th;

    (void)state;
    assert_int_equal(clerk_cancel_new(&token), CLERK_OK);
    v = view_of(
        c, &(clerk_call_options_t){ .cancel = token, .timeout_ms = 60000 });
    assert_false(clerk_cancel_is_set(token));

    /* Set before the call: nothing is sent. */
    clerk_cancel_set(token);
    assert_true(clerk_cancel_is_set(token));
    assert_null(clerk_users_get(v, "user_1"));
    assert_int_equal(clerk_last_error()->status, CLERK_E_CANCELLED);
    assert_non_null(strstr(clerk_last_error()->message, "cancel token"));
    assert_int_equal(fault_request_count(tag), 0);
    clerk_cancel_reset(token);

    /* Set while the server takes 30 s to answer: the call stops long
     * before (the test's own timeout would fail it otherwise). */
    assert_int_equal(fault_script(tag, "[{\"delay\": 30}]"), 0);
    k.token = token;
    k.tag = tag;
    k.count = 1;
    assert_int_equal(pthread_create(&th, NULL, cancel_later, &k), 0);
    assert_int_equal(
        clerk_users_get_detailed(&r, v, "user_1"), CLERK_E_CANCELLED);
    pthread_join(th, NULL);
    assert_int_equal(r->meta.http_status, 0);
    clerk_users_get_response_free(r);
    clerk_cancel_reset(token);

    /* Set while waiting 30 s to retry (Retry-After): no second attempt. */
    assert_int_equal(
        fault_script(
            tag, "[{\"status\": 503, \"headers\": [[\"Retry-After\", "
                 "\"30\"]]}]"),
        0);
    k.count = 2;
    assert_int_equal(pthread_create(&th, NULL, cancel_later, &k), 0);
    assert_int_equal(
        clerk_users_get_detailed(&r, v, "user_1"), CLERK_E_CANCELLED);
    pthread_join(th, NULL);
    assert_int_equal(r->meta.attempts, 1);
    assert_non_null(strstr(r->meta.message, "cancel token"));
    clerk_users_get_response_free(r);
    assert_int_equal(fault_request_count(tag), 2);

    /* The client without the token is not affected. */
    assert_int_equal(fault_script(tag, one_user), 0);
    assert_int_equal(clerk_users_get_detailed(&r, c, "user_1"), CLERK_OK);
    clerk_users_get_response_free(r);
    clerk_client_free(v);
    clerk_cancel_free(token);
    clerk_client_free(c);
}

static void test_refused_options(void **state)
{
    const char *tag = "v_refused";
    const clerk_header_option_t own[] = { { "X-Team", "a" } };
    clerk_client_t *c = rt_client(
        tag, false,
        &(clerk_client_options_t){ .headers = own, .header_count = 1 });
    clerk_client_t *v = (clerk_client_t *)(void *)&v;
    char msg[CLERK_MESSAGE_SIZE];

    static const struct {
        const char *name;
        const char *value;
        const char *says;
    } bad[] = {
        { "Authorization", "Bearer x", "set by the client" },
        { "authorization", "Bearer x", "set by the client" },
        { "Clerk-API-Version", "2021-02-05", "set by the client" },
        { "x-team", "b", "set by the client" },
        { "Content-Length", "3", "cannot be added" },
        { "Host", "evil", "cannot be added" },
        { "Bad Name", "x", "RFC 9110 token" },
        { "X-Ok", "a\r\nX-Injected: 1", "control character" },
        { "X-Ok", NULL, "is NULL" },
    };

    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        clerk_header_option_t h = { bad[i].name, bad[i].value };

        assert_int_equal(
            clerk_client_view(
                &v, c,
                &(clerk_call_options_t){ .headers = &h, .header_count = 1 },
                msg, sizeof(msg)),
            CLERK_E_INVALID_ARG);
        assert_null(v);
        assert_non_null(strstr(msg, "options.headers[0]"));
        assert_non_null(strstr(msg, bad[i].says));
    }
    assert_int_equal(
        clerk_client_view(
            &v, c, &(clerk_call_options_t){ .timeout_ms = -5 }, msg,
            sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_string_equal(msg, "options.timeout_ms is negative");
    assert_int_equal(
        clerk_client_view(
            &v, c, &(clerk_call_options_t){ .deadline_ms = -2 }, msg,
            sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_string_equal(msg, "options.deadline_ms is negative");
    assert_int_equal(
        clerk_client_view(
            &v, c,
            &(clerk_call_options_t){
                .retry = &(clerk_retry_policy_t){ .max_attempts = 11 } },
            msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(msg, "options.retry->max_attempts"));
    assert_int_equal(
        clerk_client_view(
            &v, c, &(clerk_call_options_t){ .header_count = 1 }, msg,
            sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_client_view(&v, NULL, NULL, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_string_equal(msg, "client is NULL");
    assert_int_equal(
        clerk_client_view(NULL, c, NULL, NULL, 0), CLERK_E_INVALID_ARG);
    /* NULL options: an alias of the client. */
    assert_int_equal(clerk_client_view(&v, c, NULL, NULL, 0), CLERK_OK);
    clerk_client_free(v);
    clerk_client_free(c);
}

static void test_client_freed_before_its_views(void **state)
{
    const char *tag = "v_lifetime";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_client_t *v1 =
        view_of(c, &(clerk_call_options_t){ .timeout_ms = 5000 });
    clerk_client_t *v2 = view_of(v1, NULL);
    clerk_user_t *u;

    (void)state;
    assert_int_equal(fault_script(tag, one_user), 0);
    clerk_client_free(c);
    u = clerk_users_get(v2, "user_1");
    assert_non_null(u);
    assert_string_equal(u->id, "user_1");
    clerk_user_free(u);
    clerk_client_free(v1);
    u = clerk_users_get(v2, "user_1");
    assert_non_null(u);
    clerk_user_free(u);
    clerk_client_free(v2); /* the last one: everything goes (ASan, valgrind) */
}

/* ------------------------------------------------------------------ */
/* Async calls through a view                                          */
/* ------------------------------------------------------------------ */

typedef struct outcome {
    int done;
    clerk_status_t status;
    long http_status;
} outcome_t;

static void on_user(clerk_users_get_response_t *response, void *payload)
{
    outcome_t *o = payload;

    o->done++;
    o->status = response->meta.status;
    o->http_status = response->meta.http_status;
    clerk_users_get_response_free(response);
}

static void test_async_through_a_view(void **state)
{
    const char *tag = "v_async";
    const clerk_header_option_t extra[] = { { "Idempotency-Key", "a-1" } };
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_cancel_t *token = NULL;
    clerk_client_t *v;
    clerk_client_t *slow;
    clerk_loop_t *loop = NULL;
    outcome_t plain = { 0 };
    outcome_t late = { 0 };
    outcome_t cancelled = { 0 };
    cJSON *reqs;
    int i;

    (void)state;
    assert_int_equal(clerk_cancel_new(&token), CLERK_OK);
    v = view_of(
        c, &(clerk_call_options_t){ .headers = extra, .header_count = 1 });
    slow = view_of(
        c, &(clerk_call_options_t){ .deadline_ms = 100, .cancel = token });
    assert_int_equal(clerk_loop_new(&loop, NULL), CLERK_OK);
    assert_int_equal(
        fault_script(
            tag, "[{\"match\": \"user_h\", \"body\": \"{\\\"id\\\": "
                 "\\\"user_h\\\"}\"}, {\"match\": \"user_slow\", \"delay\": "
                 "30}, {\"match\": \"user_cancel\", \"delay\": 30}]"),
        0);
    assert_true(clerk_users_get_async(loop, v, "user_h", on_user, &plain) != 0);
    /* The view's 100 ms deadline ends the call, not the server. */
    assert_true(
        clerk_users_get_async(loop, slow, "user_slow", on_user, &late) != 0);
    assert_int_equal(clerk_loop_run(loop, 20000), CLERK_OK);
    assert_int_equal(plain.done, 1);
    assert_int_equal(plain.status, CLERK_OK);
    assert_int_equal(late.done, 1);
    assert_int_equal(late.status, CLERK_E_TIMEOUT);

    /* The token stops a transfer in progress. */
    clerk_client_free(slow);
    slow = view_of(c, &(clerk_call_options_t){ .cancel = token });
    assert_true(
        clerk_users_get_async(loop, slow, "user_cancel", on_user, &cancelled) !=
        0);
    for (i = 0; i < 1000 && cancelled.done == 0; i++) {
        assert_true(clerk_loop_run(loop, 20) != CLERK_E_INVALID_ARG);
        if (fault_request_count(tag) >= 3) {
            clerk_cancel_set(token);
        }
    }
    assert_int_equal(cancelled.done, 1);
    assert_int_equal(cancelled.status, CLERK_E_CANCELLED);

    reqs = fault_requests(tag);
    for (i = 0; i < cJSON_GetArraySize(reqs); i++) {
        const char *target =
            cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, i), "target")
                ->valuestring;
        const char *key = req_header(reqs, i, "Idempotency-Key");

        if (strstr(target, "user_h") != NULL) {
            assert_string_equal(key, "a-1");
        } else {
            assert_null(key);
        }
    }
    cJSON_Delete(reqs);
    clerk_loop_free(loop);
    clerk_client_free(slow);
    clerk_client_free(v);
    clerk_cancel_free(token);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers_only_through_the_view),
        cmocka_unit_test(test_timeout_and_retry_per_call),
        cmocka_unit_test(test_deadline_per_call),
        cmocka_unit_test(test_cancel_token),
        cmocka_unit_test(test_refused_options),
        cmocka_unit_test(test_client_freed_before_its_views),
        cmocka_unit_test(test_async_through_a_view),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
