/*
 * HTTPS against the fault server, whose certificate is issued by a CA made
 * with the openssl CLI at test time.
 */
#include "rt_common.h"

static void test_verify_with_ca_bundle(void **state)
{
    const char *tag = "tls_ok";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    cJSON *reqs;
    int i;

    (void)state;
    o.tls.ca_file = fault_ca_file();
    c = rt_client(tag, true, &o);
    for (i = 0; i < 5; i++) {
        assert_int_equal(
            rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
        assert_int_equal(r->meta.http_status, 200);
        clerk__op_response_free(&op_list, r);
    }
    clerk_client_free(c);
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 5);
    assert_true(
        cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "tls")));
    assert_string_equal(
        fault_req_header(reqs, 0, "Authorization"), "Bearer " TEST_SECRET);
    cJSON_Delete(reqs);
    /* Keep-alive over TLS: one handshake for all five calls. */
    assert_int_equal(fault_connection_count(tag), 1);
}

static void test_verify_fails_without_ca(void **state)
{
    const char *tag = "tls_fail";
    clerk_client_t *c = rt_client(tag, true, NULL);
    json_response_t *r = NULL;

    (void)state;
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_TLS);
    assert_int_equal(r->meta.http_status, 0);
    /* A certificate problem is not retried. */
    assert_int_equal(r->meta.attempts, 1);
    assert_null(r->data);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 0);
}

static void test_insecure_switch(void **state)
{
    const char *tag = "tls_insecure";
    clerk_client_options_t o = { 0 };

    (void)state;
    o.tls.insecure_skip_verify = true;
    assert_int_equal(rt_list_once(tag, true, &o), CLERK_OK);
    assert_int_equal(fault_request_count(tag), 1);
}

static void test_bad_ca_file(void **state)
{
    const char *tag = "tls_badca";
    clerk_client_options_t o = { 0 };

    (void)state;
    o.tls.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(rt_list_once(tag, true, &o), CLERK_E_TLS);
}

static void test_ca_path(void **state)
{
    const char *tag = "tls_capath";
    clerk_client_options_t o = { 0 };

    (void)state;
    /* The hashed directory; the system bundle (still in use) cannot
     * verify the test CA, so success shows ca_path is used. */
    o.tls.ca_path = fault_ca_path();
    assert_int_equal(rt_list_once(tag, true, &o), CLERK_OK);
    assert_int_equal(fault_request_count(tag), 1);
}

static void test_client_certificate(void **state)
{
    const char *tag = "mtls";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    cJSON *reqs;
    char url[256];
    clerk_status_t st;

    (void)state;
    snprintf(url, sizeof(url), "%s", fault_mtls_base_url(tag));
    o.base_url = url;
    o.tls.ca_file = fault_ca_file();
    o.retry.disable = true;
    /* Without a client certificate the server refuses the handshake
     * (reported as TLS or, with TLS 1.3's late alert, as transport). */
    c = rt_client(tag, true, &o);
    st = rt_call((void **)&r, c, &op_list, NULL, NULL, NULL);
    assert_true(st == CLERK_E_TLS || st == CLERK_E_TRANSPORT);
    assert_int_equal(r->meta.http_status, 0);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 0);

    o.tls.client_cert = fault_client_cert();
    o.tls.client_key = fault_client_key();
    c = rt_client(tag, true, &o);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 1);
    assert_string_equal(
        fault_req_field(reqs, 0, "client_cert"), "libclerk test client");
    cJSON_Delete(reqs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_with_ca_bundle),
        cmocka_unit_test(test_verify_fails_without_ca),
        cmocka_unit_test(test_insecure_switch),
        cmocka_unit_test(test_bad_ca_file),
        cmocka_unit_test(test_ca_path),
        cmocka_unit_test(test_client_certificate),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
