/*
 * Async calls over TLS against nginx (nginx_tls.py): HTTP/2 multiplexing
 * (200 concurrent calls on at most 2 connections, counted in nginx's
 * access log), the cap on streams per connection, and the bounded
 * connection pool over HTTP/1.1.  The certificate is the fault server's
 * (issued by its test CA).
 */
#include "rt_common.h"

#include "async_internal.h"

#include <unistd.h>

static const clerk__op_t op_calls = { "GET",
                                      "/calls/{n}/{kind}",
                                      "GetCall",
                                      2,
                                      NULL,
                                      0,
                                      CLERK__BODY_NONE,
                                      NULL,
                                      false,
                                      &clerk__type_json,
                                      false,
                                      NULL,
                                      NULL,
                                      0,
                                      0 };

static int h2_port;
static int h1_port;
static char access_log[1024];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long n;

    if (f == NULL) {
        return NULL;
    }
    n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = malloc((size_t)n + 1);
        if (text != NULL) {
            size_t got = fread(text, 1, (size_t)n, f);

            text[got] = '\0';
        }
    }
    fclose(f);
    return text;
}

static int setup(void **state)
{
    const char *path = getenv("CLERK_NGINX_STATE");
    char *text;
    cJSON *doc;

    (void)state;
    if (fault_init() != 0 || path == NULL) {
        return -1;
    }
    text = slurp(path);
    doc = text != NULL ? cJSON_Parse(text) : NULL;
    free(text);
    if (doc == NULL) {
        return -1;
    }
    h2_port = cJSON_GetObjectItem(doc, "h2_port")->valueint;
    h1_port = cJSON_GetObjectItem(doc, "h1_port")->valueint;
    snprintf(
        access_log, sizeof(access_log), "%s",
        cJSON_GetStringValue(cJSON_GetObjectItem(doc, "access_log")));
    cJSON_Delete(doc);
    return 0;
}

/* What the server logged for one tag. */
typedef struct seen {
    int requests;
    int connections; /* distinct $connection numbers */
    int protocol_ok; /* requests with the expected protocol */
} seen_t;

static seen_t server_seen(const char *tag, const char *protocol)
{
    seen_t s = { 0, 0, 0 };
    long conns[512];
    char needle[64];
    char *text = slurp(access_log);
    char *line = text;
    char *end;
    int i;

    snprintf(needle, sizeof(needle), "/t/%s/", tag);
    for (; line != NULL && *line != '\0'; line = end != NULL ? end + 1 : NULL) {
        char proto[32];
        char uri[256];
        long port;
        long conn;
        int status;
        bool known = false;

        end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
        }
        if (sscanf(
                line, "%ld %ld %31s %d %255s", &port, &conn, proto, &status,
                uri) != 5 ||
            strstr(uri, needle) == NULL) {
            continue;
        }
        s.requests++;
        s.protocol_ok += strcmp(proto, protocol) == 0 && status == 200;
        for (i = 0; i < s.connections; i++) {
            known = known || conns[i] == conn;
        }
        if (!known && s.connections < 512) {
            conns[s.connections++] = conn;
        }
    }
    free(text);
    return s;
}

/* nginx logs a request when it has finished it, which can be a moment
 * after the client has the response. */
static seen_t wait_logged(const char *tag, const char *protocol, int n)
{
    seen_t s = server_seen(tag, protocol);
    int i;

    for (i = 0; i < 500 && s.requests < n; i++) {
        usleep(10000);
        s = server_seen(tag, protocol);
    }
    return s;
}

/* Calls between their request and response hooks: what the loop let
 * into libcurl at once. */
static int in_flight;
static int max_in_flight;

static int on_request(const clerk_hook_info_t *info, void *payload)
{
    (void)info;
    (void)payload;
    if (++in_flight > max_in_flight) {
        max_in_flight = in_flight;
    }
    return 0;
}

static int on_response(const clerk_hook_info_t *info, void *payload)
{
    (void)info;
    (void)payload;
    in_flight--;
    return 0;
}

typedef struct slot {
    int calls;
    json_response_t *r;
} slot_t;

static void on_done(void *response, void *payload)
{
    slot_t *s = payload;

    s->calls++;
    s->r = response;
}

static void deliver_any(void *response, clerk__async_cb_t cb, void *payload)
{
    ((void (*)(void *, void *))cb)(response, payload);
}

/* Start n calls GET /t/<tag>/v1/calls/<i>/ok on `port`, run them, check
 * each result; returns what the server saw. */
static seen_t run_calls(
    const char *tag,
    int port,
    const clerk_loop_options_t *lo,
    int n,
    const char *protocol)
{
    clerk_client_options_t o = { 0 };
    clerk_client_t *c = NULL;
    clerk_loop_t *loop = NULL;
    slot_t *s = calloc((size_t)n, sizeof(*s));
    char url[128];
    char num[16];
    char want[96];
    int i;

    assert_non_null(s);
    snprintf(url, sizeof(url), "https://127.0.0.1:%d/t/%s/v1", port, tag);
    o.base_url = url;
    o.secret_key = TEST_SECRET;
    o.tls.ca_file = fault_ca_file();
    o.hooks.on_request = on_request;
    o.hooks.on_response = on_response;
    in_flight = 0;
    max_in_flight = 0;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    assert_int_equal(clerk_loop_new(&loop, lo), CLERK_OK);
    for (i = 0; i < n; i++) {
        const char *args[2] = { num, "ok" };

        snprintf(num, sizeof(num), "%d", i);
        assert_true(
            clerk__op_async(
                loop, c, &op_calls, args, NULL, NULL, deliver_any,
                (clerk__async_cb_t)on_done, &s[i]) != 0);
    }
    assert_int_equal(clerk_loop_run(loop, 60000), CLERK_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(s[i].calls, 1);
        assert_int_equal(s[i].r->meta.status, CLERK_OK);
        snprintf(want, sizeof(want), "/t/%s/v1/calls/%d/ok", tag, i);
        assert_string_equal(
            cJSON_GetStringValue(cJSON_GetObjectItem(*s[i].r->data, "uri")),
            want);
        clerk__op_response_free(&op_calls, s[i].r);
    }
    free(s);
    clerk_loop_free(loop);
    clerk_client_free(c);
    return wait_logged(tag, protocol, n);
}

static void test_h2_multiplexed(void **state)
{
    seen_t seen;

    (void)state;
    seen = run_calls("h2many", h2_port, NULL, 200, "HTTP/2.0");
    assert_int_equal(seen.requests, 200);
    assert_int_equal(seen.protocol_ok, 200);
    assert_true(seen.connections >= 1);
    assert_true(seen.connections <= 2);
    /* 100 streams at a time by default (nginx allows 128). */
    assert_int_equal(max_in_flight, 100);
}

static void test_h2_stream_cap(void **state)
{
    clerk_loop_options_t lo = { 0 };
    seen_t seen;

    (void)state;
    lo.max_concurrent_streams = 10;
    lo.max_host_connections = 3;
    seen = run_calls("h2cap", h2_port, &lo, 60, "HTTP/2.0");
    assert_int_equal(seen.requests, 60);
    assert_int_equal(seen.protocol_ok, 60);
    /* Ten at a time, on one connection: the others wait in the loop
     * rather than open more connections. */
    assert_int_equal(max_in_flight, 10);
    assert_int_equal(seen.connections, 1);
}

static void test_h1_pool(void **state)
{
    clerk_loop_options_t lo = { 0 };
    seen_t seen;

    (void)state;
    lo.max_host_connections = 4;
    seen = run_calls("h1pool", h1_port, &lo, 100, "HTTP/1.1");
    assert_int_equal(seen.requests, 100);
    assert_int_equal(seen.protocol_ok, 100);
    assert_true(seen.connections >= 1);
    assert_true(seen.connections <= 4);
    /* The first calls go out before the server is known to speak
     * HTTP/1.1 (up to the stream cap, as for HTTP/2), the later ones four
     * at a time. */
    assert_true(max_in_flight <= 100);
}

static void test_h2_without_multiplexing(void **state)
{
    clerk_loop_options_t lo = { 0 };
    seen_t seen;

    (void)state;
    lo.no_multiplex = true;
    lo.max_host_connections = 5;
    seen = run_calls("h2single", h2_port, &lo, 40, "HTTP/2.0");
    assert_int_equal(seen.requests, 40);
    assert_true(seen.connections <= 5);
    assert_true(max_in_flight <= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_h2_multiplexed),
        cmocka_unit_test(test_h2_stream_cap),
        cmocka_unit_test(test_h1_pool),
        cmocka_unit_test(test_h2_without_multiplexing),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
