/*
 * clerk_last_error() (issue 11, item 5): every plain call records its
 * outcome in a per-thread slot, so a NULL result can be explained; a
 * success resets it; _detailed calls leave it alone; threads do not see
 * each other's.  Calls go through the generated clerk_users_get*() and
 * clerk_users_delete() against the fault server.
 */
#include "rt_common.h"

#include <clerk/api/users.h>

#include <pthread.h>

static const char not_found[] =
    "[{\"status\": 404, \"body\": \"{\\\"errors\\\": [{\\\"message\\\": "
    "\\\"not found\\\", \\\"long_message\\\": \\\"No user\\\", "
    "\\\"code\\\": \\\"resource_not_found\\\"}]}\"}]";

static const char one_user[] =
    "[{\"body\": \"{\\\"id\\\": \\\"user_1\\\", \\\"object\\\": "
    "\\\"user\\\"}\"}]";

static void test_plain_failure_then_success(void **state)
{
    const char *tag = "le_plain";
    clerk_client_t *c = rt_client(tag, false, NULL);
    const clerk_error_info_t *e = clerk_last_error();
    clerk_users_get_response_t *r = NULL;
    clerk_user_t *u;

    (void)state;
    assert_non_null(e);
    assert_int_equal(fault_script(tag, not_found), 0);
    u = clerk_users_get(c, "user_missing");
    assert_null(u);
    e = clerk_last_error();
    assert_int_equal(e->status, CLERK_E_HTTP);
    assert_int_equal(e->http_status, 404);
    assert_string_equal(e->code, "resource_not_found");
    assert_non_null(strstr(e->message, "404"));

    /* A detailed call does not touch the slot. */
    assert_int_equal(fault_script(tag, one_user), 0);
    assert_int_equal(clerk_users_get_detailed(&r, c, "user_1"), CLERK_OK);
    clerk_users_get_response_free(r);
    assert_int_equal(clerk_last_error()->status, CLERK_E_HTTP);

    /* A plain success resets it. */
    assert_int_equal(fault_script(tag, one_user), 0);
    u = clerk_users_get(c, "user_1");
    assert_non_null(u);
    assert_string_equal(u->id, "user_1");
    clerk_user_free(u);
    e = clerk_last_error();
    assert_int_equal(e->status, CLERK_OK);
    assert_int_equal(e->http_status, 200);
    assert_string_equal(e->code, "");
    clerk_client_free(c);
}

static void test_invalid_argument(void **state)
{
    const char *tag = "le_status";
    clerk_client_t *c = rt_client(tag, false, NULL);
    cJSON *reqs;

    (void)state;
    /* Refused before sending: the slot names the argument. */
    assert_null(clerk_users_get(c, ""));
    assert_int_equal(clerk_last_error()->status, CLERK_E_INVALID_ARG);
    assert_int_equal(clerk_last_error()->http_status, 0);
    assert_non_null(strstr(clerk_last_error()->message, "user_id"));
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 0);
    cJSON_Delete(reqs);
    clerk_client_free(c);
}

typedef struct thread_result {
    clerk_status_t before;
    clerk_status_t after;
    long http_status;
} thread_result_t;

/* A second thread: starts clean, fails its own call, and leaves the
 * main thread's slot as it was. */
static void *other_thread(void *arg)
{
    thread_result_t *res = arg;
    clerk_client_t *c = NULL;
    const char *tag = "le_thread";

    res->before = clerk_last_error()->status;
    if (clerk_client_new(
            &c, &(clerk_client_options_t){
                    .base_url = fault_base_url(tag, false),
                    .secret_key = TEST_SECRET }) == CLERK_OK) {
        (void)clerk_users_get(c, "user_missing");
    }
    res->after = clerk_last_error()->status;
    res->http_status = clerk_last_error()->http_status;
    clerk_client_free(c);
    return NULL;
}

static void test_per_thread(void **state)
{
    const char *tag = "le_main";
    clerk_client_t *c = rt_client(tag, false, NULL);
    thread_result_t res = { CLERK_E_NOMEM, CLERK_OK, 0 };
    pthread_t t;
    clerk_user_t *u;

    (void)state;
    assert_int_equal(fault_script(tag, one_user), 0);
    u = clerk_users_get(c, "user_1");
    assert_non_null(u);
    clerk_user_free(u);
    assert_int_equal(clerk_last_error()->status, CLERK_OK);

    assert_int_equal(fault_script("le_thread", not_found), 0);
    assert_int_equal(pthread_create(&t, NULL, other_thread, &res), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(res.before, CLERK_OK); /* a fresh thread's slot */
    assert_int_equal(res.after, CLERK_E_HTTP);
    assert_int_equal(res.http_status, 404);
    /* This thread's slot is untouched by the other's failure. */
    assert_int_equal(clerk_last_error()->status, CLERK_OK);
    assert_int_equal(clerk_last_error()->http_status, 200);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_failure_then_success),
        cmocka_unit_test(test_invalid_argument),
        cmocka_unit_test(test_per_thread),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
