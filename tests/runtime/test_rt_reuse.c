/*
 * Connection reuse and sharing a client between threads.
 */
#include "rt_common.h"

#include <pthread.h>
#include <stdatomic.h>

static void test_sequential_calls_one_connection(void **state)
{
    const char *tag = "seq100";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    int i;

    (void)state;
    for (i = 0; i < 100; i++) {
        assert_int_equal(
            rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
        clerk__op_response_free(&op_list, r);
    }
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 100);
    assert_int_equal(fault_connection_count(tag), 1);
}

static void test_mixed_methods_one_connection(void **state)
{
    const char *tag = "mixed";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    body_t b = { "x", { CLERK_UNSET, 0 } };
    const char *uid[1] = { "u" };
    cJSON *reqs;
    int i;

    (void)state;
    for (i = 0; i < 5; i++) {
        assert_int_equal(
            rt_call((void **)&r, c, &op_create, NULL, NULL, &b), CLERK_OK);
        clerk__op_response_free(&op_create, r);
        /* A GET right after a POST on the same handle must carry no body
         * and no leftover method. */
        assert_int_equal(
            rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
        clerk__op_response_free(&op_list, r);
        assert_int_equal(
            clerk__op_status(c, &op_delete, uid, NULL, NULL), CLERK_OK);
    }
    clerk_client_free(c);
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 15);
    for (i = 0; i < 15; i += 3) {
        assert_string_equal(
            fault_req_field(reqs, i, "request_line"),
            "POST /t/mixed/v1/users HTTP/1.1");
        assert_string_equal(
            fault_req_field(reqs, i + 1, "request_line"),
            "GET /t/mixed/v1/users HTTP/1.1");
        assert_string_equal(fault_req_field(reqs, i + 1, "body"), "");
        assert_null(fault_req_header(reqs, i + 1, "Content-Length"));
        assert_string_equal(
            fault_req_field(reqs, i + 2, "request_line"),
            "DELETE /t/mixed/v1/users/u HTTP/1.1");
    }
    cJSON_Delete(reqs);
    assert_int_equal(fault_connection_count(tag), 1);
}

/* 8 threads x 200 calls on one client; CI also runs this under
 * ThreadSanitizer (.ci/run). */
#define THREADS 8
#define CALLS   200

static atomic_int handles_made;

static int count_handles(void *curl, void *payload)
{
    (void)curl;
    (void)payload;
    atomic_fetch_add(&handles_made, 1);
    return 0;
}

typedef struct worker {
    clerk_client_t *client;
    int ok;
    int failed;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    int i;

    for (i = 0; i < CALLS; i++) {
        json_response_t *r = NULL;
        clerk_status_t st = clerk__op_detailed(
            (void **)&r, w->client, &op_list, NULL, NULL, NULL);

        if (st == CLERK_OK && r != NULL && r->data != NULL &&
            cJSON_IsTrue(cJSON_GetObjectItem(*r->data, "ok"))) {
            w->ok++;
        } else {
            w->failed++;
        }
        clerk__op_response_free(&op_list, r);
    }
    return NULL;
}

static void run_threads(const char *tag, bool tls)
{
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    pthread_t threads[THREADS];
    worker_t workers[THREADS];
    int i;
    int connections;

    if (tls) {
        o.tls.ca_file = fault_ca_file();
    }
    o.curl_setup = count_handles;
    atomic_store(&handles_made, 0);
    c = rt_client(tag, tls, &o);
    for (i = 0; i < THREADS; i++) {
        workers[i].client = c;
        workers[i].ok = 0;
        workers[i].failed = 0;
        assert_int_equal(
            pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    }
    clerk_client_free(c);
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(workers[i].failed, 0);
        assert_int_equal(workers[i].ok, CALLS);
    }
    assert_int_equal(fault_request_count(tag), THREADS * CALLS);
    /* Handles come from the pool: at most one per concurrent caller, never
     * one per call; and each handle keeps its one connection. */
    assert_true(atomic_load(&handles_made) >= 1);
    assert_true(atomic_load(&handles_made) <= THREADS);
    connections = fault_connection_count(tag);
    assert_true(connections >= 1);
    assert_true(connections <= THREADS);
}

static void test_threads_share_client(void **state)
{
    (void)state;
    run_threads("threads", false);
}

static void test_threads_share_client_tls(void **state)
{
    (void)state;
    run_threads("threads_tls", true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential_calls_one_connection),
        cmocka_unit_test(test_mixed_methods_one_connection),
        cmocka_unit_test(test_threads_share_client),
        cmocka_unit_test(test_threads_share_client_tls),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
