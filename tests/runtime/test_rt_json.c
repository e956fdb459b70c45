/*
 * Free-form JSON from text (issue 11, item 9): CLERK_JSON("...") in a
 * request struct is parsed once when the call encodes the body and sent as
 * JSON, or refused with the field's path and the error's offset before
 * anything is sent; clerk_json_parse() makes a cJSON tree (NULL and the
 * thread's last error when the text is not JSON).  Ownership: the call
 * only reads free-form values; a heap request freed with its _free()
 * frees them (ASan/valgrind see no leak and no double free).
 */
#include "rt_common.h"

#include <clerk/api/users.h>

static const char one_user[] =
    "[{\"body\": \"{\\\"id\\\": \\\"user_1\\\", \\\"object\\\": "
    "\\\"user\\\"}\"}]";

/* The body of recorded request `i`, parsed. */
static cJSON *sent_body(const char *tag, int i)
{
    cJSON *reqs = fault_requests(tag);
    cJSON *body;

    assert_non_null(reqs);
    body = cJSON_Parse(fault_req_field(reqs, i, "body"));
    cJSON_Delete(reqs);
    assert_non_null(body);
    return body;
}

static void test_clerk_json_sent(void **state)
{
    const char *tag = "js_sent";
    clerk_client_t *c = rt_client(tag, false, NULL);
    cJSON *body;
    cJSON *want;
    clerk_user_t *u;

    (void)state;
    assert_int_equal(fault_script(tag, one_user), 0);
    u = clerk_users_update_metadata(
        c, "user_1",
        &(clerk_users_update_metadata_request_t){
            .public_metadata = CLERK_JSON(
                "{\"plan\": \"pro\", \"seats\": 5, \"tags\": [1.5]}"),
            .private_metadata = CLERK_JSON("null"),
        });
    assert_non_null(u);
    clerk_user_free(u);
    body = sent_body(tag, 0);
    want =
        cJSON_Parse("{\"public_metadata\": {\"plan\": \"pro\", \"seats\": 5, "
                    "\"tags\": [1.5]}, \"private_metadata\": null}");
    assert_true(cJSON_Compare(body, want, 1));
    cJSON_Delete(want);
    cJSON_Delete(body);
    clerk_client_free(c);
}

static void test_clerk_json_refused(void **state)
{
    const char *tag = "js_bad";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_users_update_metadata_response_t *r = NULL;
    const char *texts[] = { "{\"plan\": pro}", "{} x", "", "{\"a\": 1,}" };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        assert_int_equal(
            clerk_users_update_metadata_detailed(
                &r, c, "user_1",
                &(clerk_users_update_metadata_request_t){
                    .unsafe_metadata = CLERK_JSON(texts[i]) }),
            CLERK_E_INVALID_ARG);
        assert_non_null(strstr(r->meta.message, "not valid JSON"));
        assert_non_null(strstr(r->meta.message, "$.unsafe_metadata"));
        clerk_users_update_metadata_response_free(r);
        r = NULL;
    }
    /* The offset points at the error: `pro` starts at byte 9. */
    assert_null(clerk_users_update_metadata(
        c, "user_1",
        &(clerk_users_update_metadata_request_t){
            .public_metadata = CLERK_JSON("{\"plan\": pro}") }));
    assert_int_equal(clerk_last_error()->status, CLERK_E_INVALID_ARG);
    assert_non_null(strstr(clerk_last_error()->message, "offset 9"));
    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

static void test_clerk_json_parse(void **state)
{
    cJSON *v;

    (void)state;
    v = clerk_json_parse(" {\"plan\": \"pro\", \"n\": 2.5}\n");
    assert_non_null(v);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(v, "plan")->valuestring, "pro");
    assert_true(cJSON_GetObjectItemCaseSensitive(v, "n")->valuedouble == 2.5);
    cJSON_Delete(v);

    assert_null(clerk_json_parse("{\n  \"plan\": pro\n}"));
    assert_int_equal(clerk_last_error()->status, CLERK_E_INVALID_ARG);
    assert_non_null(strstr(clerk_last_error()->message, "not valid JSON"));
    assert_non_null(strstr(clerk_last_error()->message, "line 2, column 11"));
    assert_null(clerk_json_parse("[1] [2]"));
    assert_non_null(strstr(clerk_last_error()->message, "offset 4"));
    assert_null(clerk_json_parse(NULL));
    assert_non_null(strstr(clerk_last_error()->message, "NULL"));
}

/* A request built on the heap keeps its free-form values: the call copied,
 * not kept or freed, them; the caller frees them its own way (a _free()
 * function is only for values the library made). */
static void test_heap_request_owns(void **state)
{
    const char *tag = "js_heap";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_users_update_metadata_request_t *req = calloc(1, sizeof(*req));
    cJSON *body;
    clerk_user_t *u;

    (void)state;
    assert_non_null(req);
    req->public_metadata = clerk_json_parse("{\"plan\": \"pro\"}");
    assert_non_null(req->public_metadata);
    assert_int_equal(fault_script(tag, one_user), 0);
    u = clerk_users_update_metadata(c, "user_1", req);
    assert_non_null(u);
    clerk_user_free(u);
    /* Still the caller's, unchanged, after the call. */
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(req->public_metadata, "plan")
            ->valuestring,
        "pro");
    cJSON_Delete(req->public_metadata);
    free(req);
    body = sent_body(tag, 0);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(body, "public_metadata"), "plan")
            ->valuestring,
        "pro");
    cJSON_Delete(body);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clerk_json_sent),
        cmocka_unit_test(test_clerk_json_refused),
        cmocka_unit_test(test_clerk_json_parse),
        cmocka_unit_test(test_heap_request_owns),
    };

    if (fault_init() != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
