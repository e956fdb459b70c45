/*
 * Operations with a `paginated` query parameter (issue 11, item 2): the
 * server answers {"data": [...], "total_count": N} where the spec says a
 * bare array.  Both shapes decode, in the plain, detailed and async
 * flavours, and total_count is set only for the wrapped one.
 *
 * Calls go through the generated clerk_invitations_list*() functions
 * against the fault server.  CLERK_TEST_PAGINATED_BODY names a recorded
 * wrapped answer of the real API.
 */
#include "rt_common.h"

#include <clerk/api/invitations.h>
#include <clerk/async.h>

/* Script one 200 answer with `body` for `tag`. */
static void script_body(const char *tag, const char *body)
{
    cJSON *actions = cJSON_CreateArray();
    cJSON *action = cJSON_CreateObject();
    char *text;

    assert_non_null(actions);
    assert_non_null(action);
    cJSON_AddItemToArray(actions, action);
    assert_non_null(cJSON_AddStringToObject(action, "body", body));
    text = cJSON_PrintUnformatted(actions);
    assert_non_null(text);
    assert_int_equal(fault_script(tag, text), 0);
    cJSON_free(text);
    cJSON_Delete(actions);
}

/* The whole of a file, NUL-terminated (caller frees). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* paginated=true, limit=2. */
static clerk_invitations_list_params_t paged_params(void)
{
    clerk_invitations_list_params_t p;

    memset(&p, 0, sizeof(p));
    p.paginated = CLERK_BOOL(true);
    p.limit = CLERK_INT(2);
    return p;
}

static void test_wrapped_recorded(void **state)
{
    const clerk_invitations_list_params_t paged = paged_params();
    const char *tag = "p_recorded";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_list_response_t *r = NULL;
    char *body = read_file(CLERK_TEST_PAGINATED_BODY);
    cJSON *expect = cJSON_Parse(body);
    cJSON *reqs;

    (void)state;
    assert_non_null(expect);
    script_body(tag, body);
    assert_int_equal(clerk_invitations_list_detailed(&r, c, &paged), CLERK_OK);
    assert_non_null(r);
    assert_int_equal(r->meta.status, CLERK_OK);
    assert_non_null(r->data);
    assert_int_equal(
        r->data->count,
        cJSON_GetArraySize(cJSON_GetObjectItem(expect, "data")));
    assert_string_equal(r->data->items[0].id, "inv_123");
    assert_string_equal(r->data->items[1].email_address, "baz@qux.com");
    assert_int_equal(r->total_count.state, CLERK_SET);
    assert_int_equal(
        r->total_count.value,
        cJSON_GetObjectItem(expect, "total_count")->valueint);
    reqs = fault_requests(tag);
    assert_non_null(reqs);
    assert_non_null(
        strstr(fault_req_field(reqs, 0, "request_line"), "paginated=true"));
    cJSON_Delete(reqs);
    clerk_invitations_list_response_free(r);
    cJSON_Delete(expect);
    free(body);
    clerk_client_free(c);
}

static void test_wrapped_count_differs(void **state)
{
    const clerk_invitations_list_params_t paged = paged_params();
    const char *tag = "p_count";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_list_response_t *r = NULL;
    clerk_invitation_array_t *plain;

    (void)state;
    script_body(
        tag, " \n{\"total_count\": 57, \"data\": [{\"id\": \"inv_9\"}]}");
    assert_int_equal(clerk_invitations_list_detailed(&r, c, &paged), CLERK_OK);
    assert_int_equal(r->data->count, 1);
    assert_string_equal(r->data->items[0].id, "inv_9");
    assert_int_equal(r->total_count.state, CLERK_SET);
    assert_int_equal(r->total_count.value, 57);
    clerk_invitations_list_response_free(r);

    /* The plain flavour hands out the array alone. */
    script_body(
        tag, "{\"data\": [{\"id\": \"a\"}, {\"id\": \"b\"}], "
             "\"total_count\": 3}");
    plain = clerk_invitations_list(c, &paged);
    assert_non_null(plain);
    assert_int_equal(plain->count, 2);
    assert_string_equal(plain->items[1].id, "b");
    clerk_invitation_array_free(plain);

    /* Wrapped without a count: the data, total_count unset. */
    script_body(tag, "{\"data\": []}");
    assert_int_equal(clerk_invitations_list_detailed(&r, c, &paged), CLERK_OK);
    assert_non_null(r->data);
    assert_int_equal(r->data->count, 0);
    assert_int_equal(r->total_count.state, CLERK_UNSET);
    clerk_invitations_list_response_free(r);
    clerk_client_free(c);
}

static void test_bare_array(void **state)
{
    const char *tag = "p_bare";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_list_response_t *r = NULL;

    (void)state;
    script_body(
        tag, "[{\"id\": \"inv_1\"}, {\"id\": \"inv_2\"}, "
             "{\"id\": \"inv_3\"}]");
    assert_int_equal(clerk_invitations_list_detailed(&r, c, NULL), CLERK_OK);
    assert_int_equal(r->data->count, 3);
    assert_string_equal(r->data->items[2].id, "inv_3");
    assert_int_equal(r->total_count.state, CLERK_UNSET);
    clerk_invitations_list_response_free(r);
    clerk_client_free(c);
}

static void test_wrapped_errors(void **state)
{
    const clerk_invitations_list_params_t paged = paged_params();
    const char *tag = "p_errors";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_list_response_t *r = NULL;

    (void)state;
    /* A bad item is reported at its place inside the wrapper. */
    script_body(
        tag, "{\"data\": [{\"id\": \"ok\"}, {\"id\": 5}], "
             "\"total_count\": 2}");
    assert_int_equal(
        clerk_invitations_list_detailed(&r, c, &paged), CLERK_E_DECODE);
    assert_null(r->data);
    assert_int_equal(r->total_count.state, CLERK_UNSET);
    assert_non_null(r->meta.json_path);
    assert_string_equal(r->meta.json_path, "$.data[1].id");
    clerk_invitations_list_response_free(r);

    /* An object without data is not a list. */
    script_body(tag, "{\"total_count\": 2}");
    assert_int_equal(
        clerk_invitations_list_detailed(&r, c, &paged), CLERK_E_DECODE);
    assert_null(r->data);
    assert_non_null(strstr(r->meta.message, "data"));
    clerk_invitations_list_response_free(r);
    clerk_client_free(c);
}

typedef struct seen {
    int calls;
    clerk_invitations_list_response_t *response;
} seen_t;

static void on_list(clerk_invitations_list_response_t *response, void *payload)
{
    seen_t *s = payload;

    s->calls++;
    s->response = response;
}

static void test_async_same_decode(void **state)
{
    const clerk_invitations_list_params_t paged = paged_params();
    const char *tag = "p_async";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = NULL;
    seen_t wrapped = { 0 };
    seen_t bare = { 0 };
    char *body = read_file(CLERK_TEST_PAGINATED_BODY);

    (void)state;
    assert_int_equal(clerk_loop_new(&loop, NULL), CLERK_OK);
    script_body(tag, body);
    assert_true(
        clerk_invitations_list_async(loop, c, &paged, on_list, &wrapped) != 0);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    assert_int_equal(wrapped.calls, 1);
    assert_int_equal(wrapped.response->meta.status, CLERK_OK);
    assert_int_equal(wrapped.response->data->count, 2);
    assert_string_equal(wrapped.response->data->items[1].id, "inv_124");
    assert_int_equal(wrapped.response->total_count.state, CLERK_SET);
    assert_int_equal(wrapped.response->total_count.value, 2);

    script_body(tag, "[{\"id\": \"inv_1\"}]");
    assert_true(
        clerk_invitations_list_async(loop, c, NULL, on_list, &bare) != 0);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    assert_int_equal(bare.calls, 1);
    assert_int_equal(bare.response->meta.status, CLERK_OK);
    assert_int_equal(bare.response->data->count, 1);
    assert_int_equal(bare.response->total_count.state, CLERK_UNSET);

    clerk_invitations_list_response_free(wrapped.response);
    clerk_invitations_list_response_free(bare.response);
    clerk_loop_free(loop);
    free(body);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrapped_recorded),
        cmocka_unit_test(test_wrapped_count_differs),
        cmocka_unit_test(test_bare_array),
        cmocka_unit_test(test_wrapped_errors),
        cmocka_unit_test(test_async_same_decode),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
