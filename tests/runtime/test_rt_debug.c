/*
 * The debug hook: it sees the request line, headers and body and the
 * response, and never the secret key (whole, or a piece of 8 or more
 * characters), however the server echoes it and however curl cuts the
 * bytes into chunks.
 */
#include "rt_common.h"
#include "runtime_internal.h"

#define KINDS 5

typedef struct debug_log {
    char *text[KINDS];
    size_t len[KINDS];
    int calls;
} debug_log_t;

static void on_debug(
    clerk_debug_kind_t kind, const char *data, size_t size, void *payload)
{
    debug_log_t *log = payload;
    char *grown;

    assert_true((int)kind >= 0 && (int)kind < KINDS);
    grown = realloc(log->text[kind], log->len[kind] + size + 1);
    assert_non_null(grown);
    memcpy(grown + log->len[kind], data, size);
    log->len[kind] += size;
    grown[log->len[kind]] = '\0';
    log->text[kind] = grown;
    log->calls++;
}

static void log_free(debug_log_t *log)
{
    int i;

    for (i = 0; i < KINDS; i++) {
        free(log->text[i]);
    }
    memset(log, 0, sizeof(*log));
}

static bool contains(const char *hay, const char *needle)
{
    return hay != NULL && strstr(hay, needle) != NULL;
}

/* No run of 8 characters of `key` anywhere in `text`. */
static void assert_no_piece(const char *text, const char *key)
{
    size_t n = strlen(key);
    size_t i;
    char piece[9];

    if (text == NULL) {
        return;
    }
    for (i = 0; i + 8 <= n; i++) {
        memcpy(piece, key + i, 8);
        piece[8] = '\0';
        if (strstr(text, piece) != NULL) {
            fail_msg("debug output holds \"%s\" of the key", piece);
        }
    }
}

static void assert_log_clean(const debug_log_t *log, const char *key)
{
    int i;

    for (i = 0; i < KINDS; i++) {
        assert_no_piece(log->text[i], key);
    }
}

static void test_debug_sees_request_not_key(void **state)
{
    const char *tag = "dbg";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    debug_log_t log;
    body_t b = { TEST_SECRET, { CLERK_SET, 42 } };
    char script[512];
    char line[256];

    (void)state;
    memset(&log, 0, sizeof(log));
    o.debug = on_debug;
    o.debug_payload = &log;
    c = rt_client(tag, false, &o);
    /* The server echoes the key in a header and in the body. */
    snprintf(
        script, sizeof(script),
        "[{\"headers\":[[\"X-Echo\",\"%s\"]],"
        "\"body\":\"{\\\"echo\\\":\\\"%s\\\",\\\"again\\\":\\\"%s\\\"}\"}]",
        TEST_SECRET, TEST_SECRET, TEST_SECRET);
    assert_int_equal(fault_script(tag, script), 0);
    assert_int_equal(
        rt_call((void **)&r, c, &op_create, NULL, NULL, &b), CLERK_OK);
    clerk__op_response_free(&op_create, r);
    clerk_client_free(c);

    snprintf(
        line, sizeof(line), "POST %s/users HTTP/1.1",
        strstr(fault_base_url(tag, false), "/t/"));
    assert_true(contains(log.text[CLERK_DEBUG_HEADER_OUT], line));
    assert_true(contains(
        log.text[CLERK_DEBUG_HEADER_OUT], "Authorization: [redacted]\r\n"));
    assert_true(contains(
        log.text[CLERK_DEBUG_HEADER_OUT], "Clerk-API-Version: 2026-05-12"));
    assert_true(
        contains(log.text[CLERK_DEBUG_HEADER_OUT], "User-Agent: libclerk/"));
    assert_true(contains(
        log.text[CLERK_DEBUG_HEADER_OUT], "Content-Type: application/json"));
    assert_string_equal(
        log.text[CLERK_DEBUG_DATA_OUT], "{\"name\":\"[redacted]\",\"age\":42}");
    assert_true(contains(log.text[CLERK_DEBUG_HEADER_IN], "HTTP/1.1 200"));
    assert_true(
        contains(log.text[CLERK_DEBUG_HEADER_IN], "X-Echo: [redacted]\r\n"));
    assert_string_equal(
        log.text[CLERK_DEBUG_DATA_IN],
        "{\"echo\":\"[redacted]\",\"again\":\"[redacted]\"}");
    assert_true(contains(log.text[CLERK_DEBUG_TEXT], "127.0.0.1"));
    assert_log_clean(&log, TEST_SECRET);
    log_free(&log);
}

/* Credentials of the base URL travel as Basic auth; a custom auth header
 * without prefix carries the bare key. */
static void test_debug_other_auth_headers(void **state)
{
    const char *tag = "dbgauth";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    debug_log_t log;
    char base[256];

    (void)state;
    memset(&log, 0, sizeof(log));
    snprintf(
        base, sizeof(base), "http://user:hunter2pw@%s",
        fault_base_url(tag, false) + strlen("http://"));
    o.base_url = base;
    o.auth_header = "X-Api-Key";
    o.auth_prefix = "";
    o.debug = on_debug;
    o.debug_payload = &log;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_true(contains(
        log.text[CLERK_DEBUG_HEADER_OUT], "X-Api-Key: [redacted]\r\n"));
    assert_true(contains(
        log.text[CLERK_DEBUG_HEADER_OUT], "Authorization: [redacted]\r\n"));
    /* base64("user:hunter2pw") */
    assert_false(contains(log.text[CLERK_DEBUG_HEADER_OUT], "dXNlcjpodW50"));
    assert_log_clean(&log, TEST_SECRET);
    log_free(&log);
}

static int small_buffers(void *curl, void *payload)
{
    (void)payload;
    return curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 1024L) != CURLE_OK;
}

/* A body of the key 300 times over, read 1 KiB at a time: chunk ends fall
 * inside keys at many offsets, and no piece of 8 survives. */
static void test_debug_chunked_echo(void **state)
{
    const char *tag = "dbgchunk";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    json_response_t *r = NULL;
    debug_log_t log;
    char *script;
    size_t n = strlen(TEST_SECRET);
    size_t i;
    char *p;

    (void)state;
    memset(&log, 0, sizeof(log));
    script = malloc(300 * n + 64);
    assert_non_null(script);
    memcpy(script, "[{\"body\":\"", 10);
    p = script + 10;
    for (i = 0; i < 300; i++) {
        memcpy(p, TEST_SECRET, n);
        p += n;
    }
    memcpy(p, "\"}]", 4);
    assert_int_equal(fault_script(tag, script), 0);
    free(script);
    o.debug = on_debug;
    o.debug_payload = &log;
    o.curl_setup = small_buffers;
    c = rt_client(tag, false, &o);
    /* Not JSON: a decode error, which does not matter here. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_DECODE);
    assert_int_equal(r->meta.body_len, 300 * n);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    assert_true(log.len[CLERK_DEBUG_DATA_IN] > 0);
    assert_log_clean(&log, TEST_SECRET);
    log_free(&log);
}

/* Stream `text` through the redaction in chunks ending at the given cuts
 * (ascending), then end the stream; the output is returned (caller
 * frees). */
static char *stream(
    const clerk_client_t *c,
    clerk_debug_kind_t kind,
    const char *text,
    const size_t *cuts,
    size_t ncuts)
{
    clerk__rtbuf_t hold = { 0 };
    clerk__rtbuf_t out = { 0 };
    size_t n = strlen(text);
    size_t from = 0;
    size_t i;

    for (i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;

        assert_true(
            clerk__debug_redact(c, kind, &hold, text + from, to - from, &out));
        from = to;
    }
    assert_true(clerk__debug_finish(c, &hold, &out));
    assert_null(hold.data);
    return clerk__rtbuf_steal(&out);
}

/* However a text is cut into chunks, the streamed redaction gives exactly
 * what redacting it whole gives: each key is seen whole. */
static void test_redact_every_cut(void **state)
{
    clerk_client_t *c = NULL;
    const char *texts[] = {
        "a=" TEST_SECRET "&b=" TEST_SECRET "x",
        TEST_SECRET TEST_SECRET,
        "sk_sk_test_" TEST_SECRET "sk_test_s3c", /* near misses, a tail */
        "x" TEST_SECRET,
    };
    size_t t;
    size_t cuts[3];
    int kind;

    (void)state;
    assert_int_equal(
        clerk_client_new(
            &c, &(clerk_client_options_t){ .base_url = "http://127.0.0.1:1",
                                           .secret_key = TEST_SECRET }),
        CLERK_OK);
    for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        size_t n = strlen(texts[t]);
        char *whole;

        for (kind = 0; kind < KINDS; kind++) {
            whole = stream(c, (clerk_debug_kind_t)kind, texts[t], NULL, 0);
            if (t == 2) {
                /* The near miss is data, not the key. */
                assert_string_equal(whole, "sk_sk_test_[redacted][redacted]");
            } else {
                assert_no_piece(whole, TEST_SECRET);
            }
            for (cuts[0] = 0; cuts[0] <= n; cuts[0]++) {
                for (cuts[1] = cuts[0]; cuts[1] <= n; cuts[1]++) {
                    char *cut =
                        stream(c, (clerk_debug_kind_t)kind, texts[t], cuts, 2);

                    assert_string_equal(cut, whole);
                    free(cut);
                }
            }
            free(whole);
        }
    }
    /* A byte at a time. */
    {
        const char *text = texts[0];
        size_t n = strlen(text);
        size_t *each = calloc(n, sizeof(*each));
        char *out;

        assert_non_null(each);
        for (t = 0; t < n; t++) {
            each[t] = t;
        }
        out = stream(c, CLERK_DEBUG_DATA_IN, text, each, n);
        assert_string_equal(out, "a=[redacted]&b=[redacted]x");
        free(out);
        free(each);
    }
    /* A stream that ends in the start of the key: 8 characters or more are
     * a piece of it, fewer are not. */
    {
        char *out = stream(c, CLERK_DEBUG_DATA_IN, "v=sk_test_s3", NULL, 0);

        assert_string_equal(out, "v=[redacted]");
        free(out);
        out = stream(c, CLERK_DEBUG_DATA_IN, "v=sk_test", NULL, 0);
        assert_string_equal(out, "v=sk_test");
        free(out);
        cuts[0] = 5;
        out = stream(c, CLERK_DEBUG_DATA_IN, "v=sk_test_s3", cuts, 1);
        assert_string_equal(out, "v=[redacted]");
        free(out);
    }
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debug_sees_request_not_key),
        cmocka_unit_test(test_debug_other_auth_headers),
        cmocka_unit_test(test_debug_chunked_echo),
        cmocka_unit_test(test_redact_every_cut),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
