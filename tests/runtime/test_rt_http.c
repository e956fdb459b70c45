/*
 * What goes on the wire: request line, escaping, query, headers, bodies,
 * multipart, hooks, ClerkErrors, bad input (asserted on the server's log).
 */
#include "rt_common.h"

#include <unistd.h>

static bool contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

static void test_get_query_and_headers(void **state)
{
    const char *tag = "query";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    cJSON *reqs;
    list_params_t p;

    (void)state;
    o.user_agent_suffix = "myapp/2";
    c = rt_client(tag, false, &o);
    memset(&p, 0, sizeof(p));
    p.limit = CLERK_INT(10);
    p.query = CLERK_STR("a b&c=d+e");
    p.email_address =
        CLERK_ARRAY(clerk_str_array_t, char *, "x@y.z", "\xc3\xbc@e");
    p.banned = CLERK_BOOL(false);
    p.order_by = CLERK_ENUM(2);
    p.ids = CLERK_ARRAY(clerk_int64_array_t, int64_t, -5, 9007199254740993);
    p.modes = CLERK_ARRAY(clerk_str_array_t, char *, "a,b", "c d", "e");

    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, &p, NULL), CLERK_OK);
    assert_int_equal(r->meta.http_status, 200);
    assert_int_equal(r->meta.attempts, 1);
    assert_non_null(r->data);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(*r->data, "ok")));
    assert_string_equal(
        clerk_response_header(&r->meta, "content-TYPE"), "application/json");
    assert_null(clerk_response_header(&r->meta, "X-Nope"));
    assert_null(r->meta.errors);
    assert_string_equal(r->meta.message, clerk_status_str(CLERK_OK));
    assert_int_equal(r->meta.body[r->meta.body_len], '\0');
    clerk__op_response_free(&op_list, r);

    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 1);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "GET /t/query/v1/users?limit=10&query=a%20b%26c%3Dd%2Be"
        "&email_address=x%40y.z&email_address=%C3%BC%40e&banned=false"
        "&order_by=%2Bcreated_at&id=-5&id=9007199254740993"
        "&mode=a%2Cb,c%20d,e HTTP/1.1");
    assert_string_equal(
        fault_req_header(reqs, 0, "Authorization"), "Bearer " TEST_SECRET);
    assert_string_equal(
        fault_req_header(reqs, 0, "User-Agent"),
        "libclerk/" CLERK_VERSION " myapp/2");
    assert_string_equal(
        fault_req_header(reqs, 0, "Clerk-API-Version"), "2026-05-12");
    assert_string_equal(
        fault_req_header(reqs, 0, "Accept"), "application/json");
    assert_null(fault_req_header(reqs, 0, "Content-Type"));
    assert_null(fault_req_header(reqs, 0, "Expect"));
    cJSON_Delete(reqs);
    clerk_client_free(c);
}

static void test_query_skips_unset_and_null(void **state)
{
    const char *tag = "qnull";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    list_params_t p;
    cJSON *reqs;

    (void)state;
    memset(&p, 0, sizeof(p));
    p.limit = CLERK_INT_NULL;
    p.query = CLERK_STR_NULL;
    p.order_by.state = CLERK_SET;
    p.order_by.raw = "custom order";
    p.name = "n";
    p.email_address.state = CLERK_SET; /* empty array: nothing to repeat */
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, &p, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    /* NULL params: nothing optional is sent. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);

    reqs = fault_requests(tag);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "GET /t/qnull/v1/users?order_by=custom%20order&name=n HTTP/1.1");
    assert_string_equal(
        fault_req_field(reqs, 1, "request_line"),
        "GET /t/qnull/v1/users HTTP/1.1");
    cJSON_Delete(reqs);
    clerk_client_free(c);
}

static void test_path_escaping(void **state)
{
    static const struct {
        const char *arg;
        const char *encoded;
    } cases[] = {
        { "a/b", "a%2Fb" },
        { "?q=1", "%3Fq%3D1" },
        { "#frag", "%23frag" },
        { "..", "%2E%2E" },
        { ".", "%2E" },
        { "../x", "..%2Fx" },
        { "%41", "%2541" },
        { "a b", "a%20b" },
        { "a\r\nHost: evil", "a%0D%0AHost%3A%20evil" },
        { "\xc3\xa9", "%C3%A9" },
        { "user_1-2.3~", "user_1-2.3~" },
    };

    const char *tag = "esc";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    char expected[256];
    cJSON *reqs;
    size_t i;
    size_t n = sizeof(cases) / sizeof(cases[0]);

    (void)state;
    for (i = 0; i < n; i++) {
        const char *args[2];

        args[0] = cases[i].arg;
        args[1] = "x";
        assert_int_equal(
            rt_call((void **)&r, c, &op_get2, args, NULL, NULL), CLERK_OK);
        clerk__op_response_free(&op_get2, r);
    }
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), (int)n);
    for (i = 0; i < n; i++) {
        snprintf(
            expected, sizeof(expected),
            "GET /t/esc/v1/users/%s/items/x HTTP/1.1", cases[i].encoded);
        assert_string_equal(
            fault_req_field(reqs, (int)i, "request_line"), expected);
        /* Nothing leaked into the headers either. */
        assert_null(fault_req_header(reqs, (int)i, "Host: evil"));
    }
    cJSON_Delete(reqs);
    clerk_client_free(c);
}

static void test_bad_input_sends_nothing(void **state)
{
    const char *tag = "badin";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    const char *null_arg[2] = { NULL, "x" };
    const char *empty_arg[2] = { "u", "" };
    must_params_t mp;
    void *plain;

    (void)state;
    /* NULL out pointer. */
    assert_int_equal(
        clerk__op_detailed(NULL, c, &op_list, NULL, NULL, NULL),
        CLERK_E_INVALID_ARG);
    /* NULL client: a response that says so. */
    assert_int_equal(
        rt_call((void **)&r, NULL, &op_list, NULL, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_non_null(r);
    assert_int_equal(r->meta.status, CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "client"));
    assert_int_equal(r->meta.attempts, 0);
    assert_int_equal(r->meta.http_status, 0);
    assert_string_equal(r->meta.body, "");
    clerk__op_response_free(&op_list, r);
    assert_null(clerk__op_plain(NULL, &op_list, NULL, NULL, NULL));
    assert_int_equal(
        clerk__op_status(NULL, &op_delete, NULL, NULL, NULL),
        CLERK_E_INVALID_ARG);

    /* NULL / empty path arguments, NULL argument array. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_get2, null_arg, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "user_id"));
    clerk__op_response_free(&op_get2, r);
    assert_int_equal(
        rt_call((void **)&r, c, &op_get2, empty_arg, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "item_id"));
    clerk__op_response_free(&op_get2, r);
    assert_int_equal(
        rt_call((void **)&r, c, &op_get2, NULL, NULL, NULL),
        CLERK_E_INVALID_ARG);
    clerk__op_response_free(&op_get2, r);

    /* A required query parameter: missing params, unset, null. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_must, NULL, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "must"));
    clerk__op_response_free(&op_must, r);
    memset(&mp, 0, sizeof(mp));
    assert_int_equal(
        rt_call((void **)&r, c, &op_must, NULL, &mp, NULL),
        CLERK_E_INVALID_ARG);
    clerk__op_response_free(&op_must, r);
    mp.must = CLERK_STR_NULL;
    assert_int_equal(
        rt_call((void **)&r, c, &op_must, NULL, &mp, NULL),
        CLERK_E_INVALID_ARG);
    clerk__op_response_free(&op_must, r);
    /* A required body that is missing. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_create, NULL, NULL, NULL),
        CLERK_E_INVALID_ARG);
    clerk__op_response_free(&op_create, r);
    plain = clerk__op_plain(c, &op_create, NULL, NULL, NULL);
    assert_null(plain);

    /* Nothing of the above reached the server. */
    assert_int_equal(fault_request_count(tag), 0);

    /* The one valid call does. */
    mp.must = CLERK_STR("yes");
    assert_int_equal(
        rt_call((void **)&r, c, &op_must, NULL, &mp, NULL), CLERK_OK);
    clerk__op_response_free(&op_must, r);
    assert_int_equal(fault_request_count(tag), 1);
    clerk_client_free(c);
}

static void test_client_options_rejected(void **state)
{
    clerk_client_t *c = (clerk_client_t *)&c;
    clerk_header_option_t crlf[] = { { "X-A", "v\r\nX-Evil: 1" } };
    clerk_header_option_t lf[] = { { "X-A", "v\nw" } };
    clerk_header_option_t colon[] = { { "X-A: b", "v" } };
    clerk_header_option_t empty_name[] = { { "", "v" } };
    clerk_client_options_t o;

    (void)state;
    assert_int_equal(clerk_client_new(NULL, NULL), CLERK_E_INVALID_ARG);

#define REJECT(field_setup)                                                    \
    do {                                                                       \
        memset(&o, 0, sizeof(o));                                              \
        o.base_url = "http://127.0.0.1:1/v1";                                  \
        field_setup;                                                           \
        c = (clerk_client_t *)&c;                                              \
        assert_int_equal(clerk_client_new(&c, &o), CLERK_E_INVALID_ARG);       \
        assert_null(c);                                                        \
    } while (0)

    REJECT((o.headers = crlf, o.header_count = 1));
    REJECT((o.headers = lf, o.header_count = 1));
    REJECT((o.headers = colon, o.header_count = 1));
    REJECT((o.headers = empty_name, o.header_count = 1));
    REJECT((o.headers = NULL, o.header_count = 1));
    REJECT(o.secret_key = "sk_test\r\nX-Evil: 1");
    REJECT(o.auth_prefix = "Bearer\n");
    REJECT(o.auth_header = "Authori zation");
    REJECT(o.api_version = "2026\r\n");
    REJECT(o.user_agent_suffix = "app\r\n");
    REJECT(o.base_url = "ftp://127.0.0.1/v1");
    REJECT(o.base_url = "127.0.0.1/v1");
    REJECT(o.base_url = "http://");
    REJECT(o.base_url = "http://127.0.0.1/v1?x=1");
    REJECT(o.base_url = "http://127.0.0.1/v 1");
    REJECT(o.timeout_ms = -5);
    REJECT(o.retry.factor = 0.5);
#undef REJECT
    clerk_client_free(NULL);
}

/* Every refused option is named in the message, and the message never holds
 * the refused value (which may be the secret). */
static void test_client_options_named(void **state)
{
    clerk_client_t *c = NULL;
    clerk_header_option_t soh[] = { { "X-A", "ok" }, { "X-B", "v\x01w" } };
    clerk_header_option_t del[] = { { "X-A", "v\x7f" } };
    clerk_header_option_t tab[] = { { "X-A", "a\tb" } };
    clerk_header_option_t bad_name[] = { { "X A", "v" } };
    clerk_client_options_t o;
    char msg[CLERK_MESSAGE_SIZE];
    size_t i;

    const struct {
        const char *base_url;
        const char *expect;
    } urls[] = {
        { "http:///x", "options.base_url has no host" },
        { "https:///", "options.base_url" },
        { "http://@/v1", "options.base_url has no host" },
        { "http://user:pw@:80/v1", "options.base_url has no host" },
        { "http://:8080/v1", "options.base_url has no host" },
        { "http://[]/v1", "options.base_url has no host" },
        { "http://[::1/v1", "options.base_url has no host" },
        { "http://h:80x/v1", "a bad port" },
        { "http://h:123456/v1", "a bad port" },
        { "http://h\x01/v1", "control" },
        { "http://h\xc3\xa9/v1", "non-ASCII" },
        { "ftp://h/v1", "http:// or https://" },
    };

    (void)state;
#define NAMED(field_setup, expect)                                             \
    do {                                                                       \
        memset(&o, 0, sizeof(o));                                              \
        o.base_url = "http://127.0.0.1:1/v1";                                  \
        field_setup;                                                           \
        c = (clerk_client_t *)&c;                                              \
        memset(msg, 'x', sizeof(msg));                                         \
        assert_int_equal(                                                      \
            clerk_client_new_detailed(&c, &o, msg, sizeof(msg)),               \
            CLERK_E_INVALID_ARG);                                              \
        assert_null(c);                                                        \
        assert_true(memchr(msg, '\0', sizeof(msg)) != NULL);                   \
        if (strstr(msg, expect) == NULL) {                                     \
            fail_msg("message \"%s\" does not name %s", msg, expect);          \
        }                                                                      \
    } while (0)

    for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        NAMED(o.base_url = urls[i].base_url, urls[i].expect);
    }
    NAMED((o.headers = soh, o.header_count = 2), "options.headers[1].value");
    NAMED((o.headers = del, o.header_count = 1), "options.headers[0].value");
    NAMED(
        (o.headers = bad_name, o.header_count = 1), "options.headers[0].name");
    NAMED(
        o.secret_key = "sk_test_\x01"
                       "abc",
        "options.secret_key");
    assert_null(strstr(msg, "sk_test"));
    NAMED(o.secret_key = "sk_test_abc\x7f", "options.secret_key");
    NAMED(o.user_agent_suffix = "app/1\x01", "options.user_agent_suffix");
    NAMED(o.api_version = "2026-05-12\x7f", "options.api_version");
    NAMED(o.auth_prefix = "Bearer\x1b", "options.auth_prefix");
    NAMED(o.auth_header = "X-Key\x01", "options.auth_header");
    NAMED(o.proxy = "http://p\x02", "options.proxy");
    NAMED(o.tls.ca_file = "/tmp/ca\x03.pem", "options.tls.ca_file");
    NAMED(o.timeout_ms = -2, "options.timeout_ms");
    NAMED(o.connect_timeout_ms = -2, "options.connect_timeout_ms");
    NAMED(o.retry.factor = 0.5, "options.retry.factor");

    /* The secret from the environment is checked the same way. */
    setenv("CLERK_SECRET_KEY", "sk_env\x01", 1);
    NAMED((void)0, "$CLERK_SECRET_KEY");
    unsetenv("CLERK_SECRET_KEY");
#undef NAMED

    /* A tab is a legal header character; a valid host with a port too. */
    memset(&o, 0, sizeof(o));
    o.base_url = "http://user:pw@[::1]:8080/v1/";
    o.headers = tab;
    o.header_count = 1;
    msg[0] = 'x';
    assert_int_equal(
        clerk_client_new_detailed(&c, &o, msg, sizeof(msg)), CLERK_OK);
    assert_string_equal(msg, "");
    clerk_client_free(c);
    /* A NULL or zero-size message buffer is fine. */
    o.headers = del;
    assert_int_equal(
        clerk_client_new_detailed(&c, &o, NULL, 0), CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_client_new_detailed(&c, &o, msg, 0), CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_client_new_detailed(NULL, &o, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_string_equal(msg, "out is NULL");
}

/* A body with free-form JSON and a string array, for the UTF-8 checks. */
typedef struct ff_body {
    char *name;
    cJSON *meta;
    clerk_str_array_t tags;
} ff_body_t;

static const clerk__field_t ff_fields[] = {
    { "name", offsetof(ff_body_t, name), &clerk__type_str, 0, 0 },
    { "meta", offsetof(ff_body_t, meta), &clerk__type_json, 0, 0 },
    { "tags", offsetof(ff_body_t, tags), &clerk__type_str_array, 0, 0 },
};
static const clerk__model_t ff_model = {
    "FreeFormBody", sizeof(ff_body_t), ff_fields, 3, NULL, 0, NULL, NULL
};
static const clerk__type_t ff_type = { CLERK__K_OBJ, sizeof(void *), &ff_model,
                                       NULL, NULL };
static const clerk__op_t op_ff = {
    "POST", "/ff", "FreeForm", 0,    NULL, 0, CLERK__BODY_JSON, &ff_type, true,
    NULL,   false, NULL,       NULL, 0,    0
};

/* Refused with a message naming `expect`; the response says nothing was
 * sent. */
static void expect_refused(
    clerk_client_t *c,
    const clerk__op_t *op,
    const char *const *args,
    const void *params,
    const void *body,
    const char *expect)
{
    clerk_response_t *r = NULL;
    void *out = NULL;

    assert_int_equal(
        rt_call(&out, c, op, args, params, body), CLERK_E_INVALID_ARG);
    r = op->result_type != NULL ? &((json_response_t *)out)->meta : out;
    assert_int_equal(r->attempts, 0);
    assert_int_equal(r->http_status, 0);
    if (strstr(r->message, expect) == NULL) {
        fail_msg("message \"%s\" does not name %s", r->message, expect);
    }
    clerk__op_response_free(op, out);
}

static void test_request_text_refused(void **state)
{
    const char *tag = "utf8";
    clerk_client_t *c = rt_client(tag, false, NULL);
    const char *bad[] = {
        "\xff",             /* never valid */
        "a\x80",            /* lone continuation */
        "\xc3",             /* truncated */
        "\xc0\xaf",         /* overlong '/' */
        "\xe0\x80\xaf",     /* overlong '/' */
        "\xed\xa0\x80",     /* surrogate U+D800 */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
        "\xf8\x88\x80\x80\x80",
    };
    const char *good[] = { "plain",        "caf\xc3\xa9",
                           "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                           "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf" };
    const char *args[2];
    list_params_t lp;
    ff_body_t fb;
    upload_t u;
    clerk_file_t file = { "a.png", "image/png", "x", 1, NULL };
    char *items[2];
    const char *uid[1] = { "u" };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* Path parameters. */
        args[0] = "u";
        args[1] = bad[i];
        expect_refused(c, &op_get2, args, NULL, NULL, "path parameter item_id");
        /* Query values: a string, a raw enum, an array item. */
        memset(&lp, 0, sizeof(lp));
        lp.query = CLERK_STR(bad[i]);
        expect_refused(c, &op_list, NULL, &lp, NULL, "query parameter query");
        memset(&lp, 0, sizeof(lp));
        lp.order_by.raw = (char *)bad[i];
        expect_refused(
            c, &op_list, NULL, &lp, NULL, "query parameter order_by");
        memset(&lp, 0, sizeof(lp));
        items[0] = "ok";
        items[1] = (char *)bad[i];
        lp.modes.items = items;
        lp.modes.count = 2;
        expect_refused(c, &op_list, NULL, &lp, NULL, "query parameter mode");
        /* JSON body: a field, an array item, inside free-form JSON, a key. */
        memset(&fb, 0, sizeof(fb));
        fb.name = (char *)bad[i];
        expect_refused(c, &op_ff, NULL, NULL, &fb, "at $.name");
        memset(&fb, 0, sizeof(fb));
        fb.tags.items = items;
        fb.tags.count = 2;
        expect_refused(c, &op_ff, NULL, NULL, &fb, "at $.tags[1]");
        memset(&fb, 0, sizeof(fb));
        fb.meta = cJSON_CreateObject();
        assert_non_null(cJSON_AddItemToObject(
            fb.meta, "list",
            cJSON_CreateStringArray((const char *const *)items, 2)));
        expect_refused(c, &op_ff, NULL, NULL, &fb, "string is not valid");
        expect_refused(c, &op_ff, NULL, NULL, &fb, "at $.meta.list[1]");
        cJSON_Delete(fb.meta);
        fb.meta = cJSON_CreateObject();
        assert_non_null(
            cJSON_AddItemToObject(fb.meta, bad[i], cJSON_CreateString("v")));
        expect_refused(c, &op_ff, NULL, NULL, &fb, "key is not valid UTF-8");
        cJSON_Delete(fb.meta);
        /* Multipart: a text part, a file name. */
        memset(&u, 0, sizeof(u));
        u.file = &file;
        u.uploader_user_id = (char *)bad[i];
        expect_refused(
            c, &op_upload, uid, NULL, &u, "multipart field uploader_user_id");
        memset(&u, 0, sizeof(u));
        file.filename = bad[i];
        u.file = &file;
        expect_refused(c, &op_upload, uid, NULL, &u, "filename");
        file.filename = "a.png";
    }
    /* Control bytes in a file name or type would land in a part header. */
    memset(&u, 0, sizeof(u));
    file.filename = "a\x01.png";
    u.file = &file;
    expect_refused(c, &op_upload, uid, NULL, &u, "filename");
    file.filename = "a.png";
    file.content_type = "image/png\x7f";
    expect_refused(c, &op_upload, uid, NULL, &u, "content_type");
    file.content_type = "image/png";
    assert_int_equal(fault_request_count(tag), 0);

    /* Valid UTF-8 (up to U+10FFFF, next to the surrogates) goes through. */
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        void *out = NULL;

        memset(&fb, 0, sizeof(fb));
        fb.name = (char *)good[i];
        assert_int_equal(rt_call(&out, c, &op_ff, NULL, NULL, &fb), CLERK_OK);
        clerk__op_response_free(&op_ff, out);
        args[0] = good[i];
        args[1] = good[i];
        assert_int_equal(
            rt_call(&out, c, &op_get2, args, NULL, NULL), CLERK_OK);
        clerk__op_response_free(&op_get2, out);
    }
    clerk_client_free(c);
    assert_int_equal(
        fault_request_count(tag), 2 * (int)(sizeof(good) / sizeof(good[0])));
}

static void test_auth_and_extra_headers(void **state)
{
    const char *tag = "hdrs";
    clerk_header_option_t extra[] = { { "X-Trace", "abc 1" },
                                      { "X-Empty", "" } };
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    cJSON *reqs;

    (void)state;
    o.auth_header = "X-Api-Key";
    o.auth_prefix = "";
    o.api_version = "";
    o.headers = extra;
    o.header_count = 2;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);

    reqs = fault_requests(tag);
    assert_string_equal(fault_req_header(reqs, 0, "X-Api-Key"), TEST_SECRET);
    assert_null(fault_req_header(reqs, 0, "Authorization"));
    assert_null(fault_req_header(reqs, 0, "Clerk-API-Version"));
    assert_string_equal(fault_req_header(reqs, 0, "X-Trace"), "abc 1");
    assert_string_equal(fault_req_header(reqs, 0, "X-Empty"), "");
    cJSON_Delete(reqs);
}

static void test_secret_from_environment(void **state)
{
    const char *tag = "envkey";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c = NULL;
    json_response_t *r = NULL;
    cJSON *reqs;

    (void)state;
    setenv("CLERK_SECRET_KEY", "sk_env_key", 1);
    o.base_url = fault_base_url(tag, false);
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    /* "" means unauthenticated even when the variable is set. */
    o.secret_key = "";
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    unsetenv("CLERK_SECRET_KEY");

    reqs = fault_requests(tag);
    assert_string_equal(
        fault_req_header(reqs, 0, "Authorization"), "Bearer sk_env_key");
    assert_null(fault_req_header(reqs, 1, "Authorization"));
    cJSON_Delete(reqs);
}

static void test_json_body_and_methods(void **state)
{
    const char *tag = "body";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    clerk_response_t *bare = NULL;
    body_t b;
    const char *uid[1] = { "user_1" };
    cJSON *reqs;

    (void)state;
    memset(&b, 0, sizeof(b));
    b.name = "Ann \"Q\" \xc3\xa9";
    b.age = CLERK_INT(42);
    assert_int_equal(
        rt_call((void **)&r, c, &op_create, NULL, NULL, &b), CLERK_OK);
    clerk__op_response_free(&op_create, r);
    /* PATCH with no (optional) body: an empty body, no content type. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_patch, uid, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_patch, r);
    b.age = CLERK_INT_NULL;
    assert_int_equal(
        rt_call((void **)&r, c, &op_patch, uid, NULL, &b), CLERK_OK);
    clerk__op_response_free(&op_patch, r);
    /* A bodiless operation: a bare clerk_response_t. */
    assert_int_equal(
        rt_call((void **)&bare, c, &op_delete, uid, NULL, NULL), CLERK_OK);
    assert_int_equal(bare->http_status, 200);
    clerk_response_free(bare);
    assert_int_equal(
        clerk__op_status(c, &op_delete, uid, NULL, NULL), CLERK_OK);
    clerk_client_free(c);

    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 5);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "POST /t/body/v1/users HTTP/1.1");
    assert_string_equal(
        fault_req_header(reqs, 0, "Content-Type"), "application/json");
    /* The recorded body is bytes as latin-1: compare the ASCII part. */
    assert_true(contains(
        fault_req_field(reqs, 0, "body"), "{\"name\":\"Ann \\\"Q\\\" "));
    assert_true(contains(fault_req_field(reqs, 0, "body"), "\",\"age\":42}"));
    assert_string_equal(
        fault_req_field(reqs, 1, "request_line"),
        "PATCH /t/body/v1/users/user_1 HTTP/1.1");
    assert_string_equal(fault_req_header(reqs, 1, "Content-Length"), "0");
    assert_null(fault_req_header(reqs, 1, "Content-Type"));
    assert_string_equal(fault_req_field(reqs, 1, "body"), "");
    assert_string_equal(
        fault_req_field(reqs, 2, "body"),
        "{\"name\":\"Ann \\\"Q\\\" \xc3\x83\xc2\xa9\",\"age\":null}");
    assert_string_equal(
        fault_req_field(reqs, 3, "request_line"),
        "DELETE /t/body/v1/users/user_1 HTTP/1.1");
    assert_string_equal(fault_req_field(reqs, 3, "body"), "");
    assert_null(fault_req_header(reqs, 3, "Content-Type"));
    cJSON_Delete(reqs);
}

static void test_multipart(void **state)
{
    const char *tag = "multi";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    const char *uid[1] = { "user_1" };
    clerk_file_t mem = { "a.png", "image/png", "PNGDATA\xff", 8, NULL };
    clerk_file_t disk = { NULL, NULL, NULL, 0, NULL };
    clerk_file_t missing = { "x", NULL, NULL, 0, "/nonexistent/x.bin" };
    char path[] = "/tmp/clerk_rt_upload_XXXXXX";
    upload_t u;
    cJSON *reqs;
    const char *body;
    const char *ctype;
    int fd;

    (void)state;
    memset(&u, 0, sizeof(u));
    u.file = &mem;
    u.uploader_user_id = "user_2";
    u.tags = CLERK_ARRAY(clerk_str_array_t, char *, "t1", "t2");
    assert_int_equal(
        rt_call((void **)&r, c, &op_upload, uid, NULL, &u), CLERK_OK);
    clerk__op_response_free(&op_upload, r);

    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "from disk", 9), 9);
    close(fd);
    memset(&u, 0, sizeof(u));
    disk.path = path;
    u.file = &disk;
    assert_int_equal(
        rt_call((void **)&r, c, &op_upload, uid, NULL, &u), CLERK_OK);
    clerk__op_response_free(&op_upload, r);
    unlink(path);

    /* The required file part missing; an unreadable file. */
    memset(&u, 0, sizeof(u));
    assert_int_equal(
        rt_call((void **)&r, c, &op_upload, uid, NULL, &u),
        CLERK_E_INVALID_ARG);
    assert_true(contains(r->meta.message, "file"));
    clerk__op_response_free(&op_upload, r);
    u.file = &missing;
    assert_int_not_equal(
        rt_call((void **)&r, c, &op_upload, uid, NULL, &u), CLERK_OK);
    clerk__op_response_free(&op_upload, r);
    clerk_client_free(c);

    reqs = fault_requests(tag);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "POST /t/multi/v1/users/user_1/profile_image HTTP/1.1");
    ctype = fault_req_header(reqs, 0, "Content-Type");
    assert_true(contains(ctype, "multipart/form-data; boundary="));
    body = fault_req_field(reqs, 0, "body");
    assert_true(contains(
        body,
        "Content-Disposition: form-data; name=\"file\"; filename=\"a.png\""
        "\r\nContent-Type: image/png\r\n\r\nPNGDATA\xc3\xbf\r\n"));
    assert_true(contains(
        body,
        "Content-Disposition: form-data; name=\"uploader_user_id\"\r\n\r\n"
        "user_2\r\n"));
    assert_true(contains(
        body, "Content-Disposition: form-data; name=\"tag\"\r\n\r\nt1\r\n"));
    assert_true(contains(
        body, "Content-Disposition: form-data; name=\"tag\"\r\n\r\nt2\r\n"));
    assert_string_equal(
        fault_req_header(reqs, 0, "Authorization"), "Bearer " TEST_SECRET);

    body = fault_req_field(reqs, 1, "body");
    assert_true(contains(body, "name=\"file\"; filename=\"clerk_rt_upload_"));
    assert_true(contains(
        body, "Content-Type: application/octet-stream\r\n\r\nfrom disk\r\n"));
    assert_false(contains(body, "uploader_user_id"));
    assert_int_equal(cJSON_GetArraySize(reqs), 2);
    cJSON_Delete(reqs);
}

typedef struct hook_log {
    int requests;
    int responses;
    unsigned req_attempts[8];
    unsigned resp_attempts[8];
    long resp_http[8];
    clerk_status_t resp_status[8];
    char urls[8][256];
    char methods[8][8];
    char op_ids[8][32];
    bool saw_secret;
    int cancel;
} hook_log_t;

static bool has_secret(const clerk_hook_info_t *info)
{
    return contains(info->url, TEST_SECRET) || contains(info->url, "pw@") ||
           contains(info->url, "hunter2");
}

static int on_request(const clerk_hook_info_t *info, void *payload)
{
    hook_log_t *log = payload;
    int i = log->requests++;

    if (i < 8) {
        log->req_attempts[i] = info->attempt;
        snprintf(log->urls[i], sizeof(log->urls[i]), "%s", info->url);
        snprintf(log->methods[i], sizeof(log->methods[i]), "%s", info->method);
        snprintf(
            log->op_ids[i], sizeof(log->op_ids[i]), "%s",
            info->operation_id != NULL ? info->operation_id : "");
    }
    log->saw_secret = log->saw_secret || has_secret(info);
    return log->cancel;
}

static int on_response(const clerk_hook_info_t *info, void *payload)
{
    hook_log_t *log = payload;
    int i = log->responses++;

    if (i < 8) {
        log->resp_attempts[i] = info->attempt;
        log->resp_http[i] = info->http_status;
        log->resp_status[i] = info->status;
    }
    log->saw_secret = log->saw_secret || has_secret(info);
    return 1; /* ignored */
}

static void test_hooks(void **state)
{
    const char *tag = "hooks";
    hook_log_t log;
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    char base[256];
    char expected[300];

    (void)state;
    memset(&log, 0, sizeof(log));
    /* Credentials in the base URL must not reach the hooks either. */
    snprintf(
        base, sizeof(base), "http://user:hunter2@%s",
        fault_base_url(tag, false) + strlen("http://"));
    o.base_url = base;
    o.hooks.on_request = on_request;
    o.hooks.on_response = on_response;
    o.hooks.payload = &log;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(tag, "[{\"status\":503,\"body\":\"busy\"}]"), 0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    assert_int_equal(r->meta.attempts, 2);
    clerk__op_response_free(&op_list, r);

    assert_int_equal(log.requests, 2);
    assert_int_equal(log.responses, 2);
    assert_int_equal(log.req_attempts[0], 1);
    assert_int_equal(log.req_attempts[1], 2);
    assert_int_equal(log.resp_attempts[0], 1);
    assert_int_equal(log.resp_attempts[1], 2);
    assert_int_equal(log.resp_http[0], 503);
    assert_int_equal(log.resp_status[0], CLERK_E_HTTP);
    assert_int_equal(log.resp_http[1], 200);
    assert_int_equal(log.resp_status[1], CLERK_OK);
    snprintf(
        expected, sizeof(expected), "%s/users", fault_base_url(tag, false));
    assert_string_equal(log.urls[0], expected);
    assert_string_equal(log.methods[0], "GET");
    assert_string_equal(log.op_ids[0], "GetUserList");
    assert_false(log.saw_secret);

    /* A request hook that says no cancels before anything is sent. */
    log.cancel = 1;
    log.requests = 0;
    log.responses = 0;
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_CANCELLED);
    assert_int_equal(r->meta.attempts, 0);
    assert_int_equal(r->meta.http_status, 0);
    clerk__op_response_free(&op_list, r);
    assert_int_equal(log.requests, 1);
    assert_int_equal(log.responses, 0);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 2);
}

static void test_clerk_errors(void **state)
{
    const char *tag = "errs";
    clerk_client_t *c = rt_client(tag, false, NULL);
    json_response_t *r = NULL;
    const clerk_errors_t *e;

    (void)state;
    assert_int_equal(
        fault_script(
            tag,
            "[{\"status\":422,\"body\":\"{\\\"errors\\\":[{\\\"code\\\":"
            "\\\"form_param_missing\\\",\\\"message\\\":\\\"missing\\\","
            "\\\"long_message\\\":\\\"name is missing\\\",\\\"meta\\\":"
            "{\\\"param_name\\\":\\\"name\\\"}},{\\\"code\\\":\\\"second\\\","
            "\\\"message\\\":\\\"m2\\\"}],\\\"clerk_trace_id\\\":"
            "\\\"trace_123\\\",\\\"meta\\\":{\\\"k\\\":1}}\"},"
            "{\"status\":404,\"body\":\"not json\"},"
            "{\"status\":401,\"body\":\"{\\\"errors\\\":[{\\\"code\\\":"
            "\\\"bad\\\",\\\"message\\\":\\\"key " TEST_SECRET
            " is wrong\\\"}]}\"},"
            "{\"status\":400,\"body\":\"{\\\"errors\\\":[]}\"}]"),
        0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 422);
    assert_int_equal(r->meta.attempts, 1);
    assert_null(r->data);
    e = r->meta.errors;
    assert_non_null(e);
    assert_int_equal(e->count, 2);
    assert_string_equal(e->items[0].code, "form_param_missing");
    assert_string_equal(e->items[0].message, "missing");
    assert_string_equal(e->items[0].long_message, "name is missing");
    assert_string_equal(
        cJSON_GetStringValue(
            cJSON_GetObjectItem(e->items[0].meta, "param_name")),
        "name");
    assert_string_equal(e->items[1].code, "second");
    assert_null(e->items[1].long_message);
    assert_null(e->items[1].meta);
    assert_string_equal(e->clerk_trace_id, "trace_123");
    assert_non_null(cJSON_GetObjectItem(e->meta, "k"));
    assert_true(contains(r->meta.message, "422"));
    assert_true(contains(r->meta.message, "form_param_missing"));
    assert_true(contains(r->meta.body, "trace_123"));
    clerk__op_response_free(&op_list, r);

    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 404);
    assert_null(r->meta.errors);
    assert_string_equal(r->meta.body, "not json");
    assert_string_equal(r->meta.message, "HTTP 404");
    clerk__op_response_free(&op_list, r);

    /* The server echoing the key never puts it into the message. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_int_equal(r->meta.http_status, 401);
    assert_false(contains(r->meta.message, TEST_SECRET));
    clerk__op_response_free(&op_list, r);

    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_HTTP);
    assert_non_null(r->meta.errors);
    assert_int_equal(r->meta.errors->count, 0);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
}

static void test_decode_into_model(void **state)
{
    const char *tag = "model";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_client_t *strict;

    struct {
        thing_t *data;
        clerk_response_t meta;
    } *r = NULL;

    thing_t *plain;

    (void)state;
    o.strict_decoding = true;
    strict = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(
            tag, "[{\"body\":\"{\\\"id\\\":\\\"u_1\\\",\\\"extra\\\":[1]}\"},"
                 "{\"body\":\"{}\"},{\"body\":\"{}\"},"
                 "{\"body\":\"{\\\"id\\\":5}\"},"
                 "{\"body\":\"{\\\"id\\\":\\\"u_2\\\"}\"}]"),
        0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_thing, NULL, NULL, NULL), CLERK_OK);
    assert_string_equal(r->data->id, "u_1");
    assert_null(r->meta.json_path);
    clerk__op_response_free(&op_thing, r);
    /* Missing required field: tolerated by default, an error when strict. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_thing, NULL, NULL, NULL), CLERK_OK);
    assert_null(r->data->id);
    clerk__op_response_free(&op_thing, r);
    assert_int_equal(
        rt_call((void **)&r, strict, &op_thing, NULL, NULL, NULL),
        CLERK_E_DECODE);
    assert_null(r->data);
    assert_string_equal(r->meta.json_path, "$.id");
    assert_int_equal(r->meta.http_status, 200);
    clerk__op_response_free(&op_thing, r);
    /* Wrong type. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_thing, NULL, NULL, NULL), CLERK_E_DECODE);
    assert_string_equal(r->meta.json_path, "$.id");
    assert_true(contains(r->meta.message, "$.id"));
    clerk__op_response_free(&op_thing, r);
    /* The plain flavour hands the result over. */
    plain = clerk__op_plain(c, &op_thing, NULL, NULL, NULL);
    assert_non_null(plain);
    assert_string_equal(plain->id, "u_2");
    clerk__value_free(&thing_type, plain);
    clerk_client_free(c);
    clerk_client_free(strict);
}

static int setup_calls;

static int count_setup(void *curl, void *payload)
{
    (void)curl;
    setup_calls++;
    return payload != NULL ? 1 : 0;
}

static void test_curl_setup_callback(void **state)
{
    const char *tag = "setup";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    int i;
    int fail = 1;

    (void)state;
    o.curl_setup = count_setup;
    c = rt_client(tag, false, &o);
    for (i = 0; i < 5; i++) {
        assert_int_equal(
            rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
        clerk__op_response_free(&op_list, r);
    }
    /* Once per easy handle, and one handle served all five calls. */
    assert_int_equal(setup_calls, 1);
    clerk_client_free(c);

    o.curl_setup_payload = &fail;
    assert_int_equal(rt_list_once(tag, false, &o), CLERK_E_INVALID_ARG);
    assert_int_equal(fault_request_count(tag), 5);
}

static void test_proxy(void **state)
{
    const char *tag = "proxy";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    cJSON *reqs;
    char proxy[64];

    (void)state;
    /* The fault server stands in for an HTTP proxy: the request must go
     * to it, in absolute form, for a host that does not even resolve. */
    snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", fault_http_port());
    o.base_url = "http://api.example.invalid/t/proxy/v1";
    o.proxy = proxy;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 1);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "GET http://api.example.invalid/t/proxy/v1/users HTTP/1.1");
    assert_string_equal(
        fault_req_header(reqs, 0, "Authorization"), "Bearer " TEST_SECRET);
    cJSON_Delete(reqs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_query_and_headers),
        cmocka_unit_test(test_query_skips_unset_and_null),
        cmocka_unit_test(test_path_escaping),
        cmocka_unit_test(test_bad_input_sends_nothing),
        cmocka_unit_test(test_client_options_rejected),
        cmocka_unit_test(test_client_options_named),
        cmocka_unit_test(test_request_text_refused),
        cmocka_unit_test(test_auth_and_extra_headers),
        cmocka_unit_test(test_secret_from_environment),
        cmocka_unit_test(test_json_body_and_methods),
        cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_hooks),
        cmocka_unit_test(test_clerk_errors),
        cmocka_unit_test(test_decode_into_model),
        cmocka_unit_test(test_curl_setup_callback),
        cmocka_unit_test(test_proxy),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
