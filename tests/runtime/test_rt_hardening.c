/*
 * Hardening against a hostile server and hostile input: the secret key
 * never reaches a message, whatever the server echoes and wherever
 * messages are cut; free-form values of any depth are refused, not
 * recursed into.
 */
#include "rt_common.h"

/* Whether `text` holds CLERK__REDACT_RUN (8) consecutive bytes of `key`
 * (or the whole key when it is shorter). */
static bool has_key_run(const char *text, const char *key)
{
    size_t klen = strlen(key);
    size_t run = klen < 8 ? klen : 8;
    char piece[9];
    size_t i;

    for (i = 0; i + run <= klen; i++) {
        memcpy(piece, key + i, run);
        piece[run] = '\0';
        if (strstr(text, piece) != NULL) {
            return true;
        }
    }
    return false;
}

/* Past every buffer a message is built in (the longest quote is 200 bytes,
 * the old fixed buffers 384 and 448). */
#define PAD_MAX 520

/* The server echoes `key` after `pad` bytes of padding, in the long
 * message of an error, in the code of an error and in the Location of a
 * redirect, and echoes the key without its last byte (what a cut just
 * before the end used to leave). */
static void echo_after_padding(const char *tag, const char *key, size_t pad)
{
    size_t klen = strlen(key);
    size_t size = 4 * (pad + klen) + 1024;
    char *padding = malloc(pad + 1);
    char *script = malloc(size);

    assert_non_null(padding);
    assert_non_null(script);
    memset(padding, 'p', pad);
    padding[pad] = '\0';
    snprintf(
        script, size,
        "[{\"status\":401,\"body\":\"{\\\"errors\\\":[{\\\"code\\\":"
        "\\\"bad\\\","
        "\\\"message\\\":\\\"m\\\",\\\"long_message\\\":\\\"%s%s "
        "tail\\\"}]}\"},"
        "{\"status\":401,\"body\":\"{\\\"errors\\\":[{\\\"code\\\":\\\"%s%s"
        "\\\"}]}\"},"
        "{\"status\":302,\"headers\":[[\"Location\",\"http://h/%s%s\"]]},"
        "{\"status\":400,\"body\":\"{\\\"errors\\\":[{\\\"code\\\":\\\"c\\\","
        "\\\"message\\\":\\\"%s%.*s\\\"}]}\"}]",
        padding, key, padding, key, padding, key, padding, (int)(klen - 1),
        key);
    assert_int_equal(fault_script(tag, script), 0);
    free(script);
    free(padding);
}

static void check_echoes(const char *tag, const char *key, size_t step)
{
    static const long expect[4] = { 401, 401, 302, 400 };
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    size_t pad;
    int k;

    o.secret_key = key;
    c = rt_client(tag, false, &o);
    for (pad = 0; pad <= PAD_MAX; pad += step) {
        echo_after_padding(tag, key, pad);
        for (k = 0; k < 4; k++) {
            assert_int_equal(
                rt_call((void **)&r, c, &op_list, NULL, NULL, NULL),
                CLERK_E_HTTP);
            assert_int_equal(r->meta.http_status, expect[k]);
            if (has_key_run(r->meta.message, key)) {
                fail_msg(
                    "padding %zu, echo %d: key in message \"%s\"", pad, k,
                    r->meta.message);
            }
            /* The message keeps its use: it says what happened. */
            assert_true(strncmp(r->meta.message, "HTTP ", 5) == 0);
            clerk__op_response_free(&op_list, r);
        }
    }
    clerk_client_free(c);
}

static void test_secret_never_in_message(void **state)
{
    (void)state;
    /* Every padding length: the cut falls at every place in the key. */
    check_echoes("secret1", TEST_SECRET, 1);
    /* A long key, whose runs are spread over a longer stretch. */
    check_echoes(
        "secret2",
        "sk_live_"
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        7);
    /* A key shorter than a run is masked where it stands whole. */
    check_echoes("secret3", "k3y5", 13);
}

/* The mask is precise enough to leave text around the key readable. */
static void test_secret_mask_keeps_the_rest(void **state)
{
    const char *tag = "secret4";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":401,\"body\":\"{\\\"errors\\\":[{\\\"code\\\":"
                 "\\\"authentication_invalid\\\",\\\"message\\\":\\\"key "
                 "\\\\\\\"" TEST_SECRET "\\\\\\\" is not valid\\\"}]}\"}]"),
        0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_string_equal(
        r->meta.message,
        "HTTP 401: authentication_invalid: key \"[redacted]\" is not valid");
    /* The raw server data is the caller's to see, unmasked. */
    assert_non_null(strstr(r->meta.body, TEST_SECRET));
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
}

/* ---- POST /meta with a body { metadata (free-form) } */
typedef struct meta_body {
    cJSON *metadata;
} meta_body_t;

static const clerk__field_t meta_fields[] = {
    { "metadata", offsetof(meta_body_t, metadata), &clerk__type_json, 0, 0 },
};
static const clerk__model_t meta_model = {
    "MetaBody", sizeof(meta_body_t), meta_fields, 1, NULL, 0, NULL, NULL
};
static const clerk__type_t meta_type = { CLERK__K_OBJ, sizeof(void *),
                                         &meta_model, NULL, NULL };
static const clerk__op_t op_meta = {
    "POST",     "/meta", "SetMeta",         0,     NULL, 0,    CLERK__BODY_JSON,
    &meta_type, true,    &clerk__type_json, false, NULL, NULL, 0,
    0
};

/* `depth` nested objects {"a":{"a":...}}, built and freed without
 * recursion (cJSON_Delete recurses once per level). */
static cJSON *nested_objects(size_t depth)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *cur = root;
    cJSON *next;
    size_t i;

    assert_non_null(root);
    for (i = 1; i < depth; i++) {
        next = cJSON_CreateObject();
        assert_non_null(next);
        assert_true(cJSON_AddItemToObject(cur, "a", next));
        cur = next;
    }
    return root;
}

static void delete_nested(cJSON *node)
{
    cJSON *child;

    while (node != NULL) {
        child = node->child;
        node->child = NULL;
        cJSON_Delete(node);
        node = child;
    }
}

/* A free-form value nested a million levels deep is refused with its path
 * before anything is copied, printed or sent (it used to overflow the
 * stack in cJSON_Duplicate). */
static void test_deep_free_form_body(void **state)
{
    const char *tag = "deep";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    meta_body_t body;
    cJSON *reqs;

    (void)state;
    body.metadata = nested_objects(1000000);
    assert_int_equal(
        rt_call((void **)&r, c, &op_meta, NULL, NULL, &body),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(r->meta.message, "$.metadata"));
    assert_non_null(strstr(r->meta.message, "nested deeper than 1000"));
    clerk__op_response_free(&op_meta, r);
    delete_nested(body.metadata);
    assert_int_equal(fault_request_count(tag), 0);

    /* As deep as the server's parser (cJSON's limit) reads: sent whole. */
    body.metadata = nested_objects(CJSON_NESTING_LIMIT - 1);
    assert_int_equal(
        rt_call((void **)&r, c, &op_meta, NULL, NULL, &body), CLERK_OK);
    clerk__op_response_free(&op_meta, r);
    delete_nested(body.metadata);
    reqs = fault_requests(tag);
    assert_int_equal(
        strlen(fault_req_field(reqs, 0, "body")),
        strlen("{\"metadata\":") + 6 * (CJSON_NESTING_LIMIT - 2) + 2 + 1);
    cJSON_Delete(reqs);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_never_in_message),
        cmocka_unit_test(test_secret_mask_keeps_the_rest),
        cmocka_unit_test(test_deep_free_form_body),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
