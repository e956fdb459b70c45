/*
 * Async calls (src/async.c) against the fault server: many calls in flight
 * on one thread, failures mixed in, cancel at every stage, deadlines,
 * retries as timers, and the three drivers (blocking, event loop, poll).
 *
 * Calls go through clerk__op_async() with the hand-written descriptors of
 * rt_common.h, the way the generated clerk_<op>_async() functions do.
 */
#include "rt_common.h"

#include "async_internal.h"

#include <poll.h>
#include <pthread.h>

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* GET /calls/{n}/{kind}: any JSON, or a Thing ({ id: string }). */
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
static const clerk__op_t op_calls_thing = { "GET",
                                            "/calls/{n}/{kind}",
                                            "GetCallThing",
                                            2,
                                            NULL,
                                            0,
                                            CLERK__BODY_NONE,
                                            NULL,
                                            false,
                                            &thing_type,
                                            false,
                                            NULL,
                                            NULL,
                                            0,
                                            0 };

#define CLERK_404                                                              \
    "{\\\"errors\\\":[{\\\"code\\\":\\\"resource_not_found\\\","               \
    "\\\"message\\\":\\\"not found\\\"}],\\\"clerk_trace_id\\\":\\\"t1\\\"}"

/* What one call's callback saw. */
typedef struct slot {
    int calls;      /* callbacks received (must end at 1) */
    int order;      /* completion rank, from 1 */
    void *response; /* a clerk__typed_response_t * or clerk_response_t * */
    const clerk__op_t *op;
    clerk_loop_t *loop;      /* for callbacks that act on the loop */
    clerk_call_id_t other;   /* a call to cancel from the callback */
    clerk_status_t other_st; /* what that cancel returned */
    clerk_status_t drive_st; /* what driving from the callback returned */
} slot_t;

static int completed;

typedef void (*any_cb_t)(void *response, void *payload);

static void deliver_any(void *response, clerk__async_cb_t cb, void *payload)
{
    ((any_cb_t)cb)(response, payload);
}

static void on_done(void *response, void *payload)
{
    slot_t *s = payload;

    s->calls++;
    s->order = ++completed;
    s->response = response;
}

static clerk_call_id_t start(
    clerk_loop_t *loop,
    clerk_client_t *c,
    const clerk__op_t *op,
    const char *const *args,
    const void *params,
    const void *body,
    slot_t *s)
{
    s->op = op;
    return clerk__op_async(
        loop, c, op, args, params, body, deliver_any,
        (clerk__async_cb_t)on_done, s);
}

static const clerk_response_t *meta_of(const slot_t *s)
{
    if (s->op->result_type == NULL) {
        return s->response;
    }
    return &((const clerk__typed_response_t *)s->response)->meta;
}

static void *data_of(const slot_t *s)
{
    return ((const clerk__typed_response_t *)s->response)->data;
}

static void slot_free(slot_t *s)
{
    clerk__op_response_free(s->op, s->response);
    s->response = NULL;
}

static clerk_loop_t *new_loop(const clerk_loop_options_t *o)
{
    clerk_loop_t *loop = NULL;

    assert_int_equal(clerk_loop_new(&loop, o), CLERK_OK);
    assert_non_null(loop);
    return loop;
}

/* Drive in short slices until `done(arg)` holds (at most ~20 s). */
static void drive_until(clerk_loop_t *loop, bool (*done)(void *), void *arg)
{
    int i;

    for (i = 0; i < 1000 && !done(arg); i++) {
        clerk_status_t st = clerk_loop_run(loop, 20);

        assert_true(st == CLERK_OK || st == CLERK_E_TIMEOUT);
    }
    assert_true(done(arg));
}

static bool server_saw_request(void *tag)
{
    return fault_request_count(tag) >= 1;
}

/* ------------------------------------------------------------------ */
/* Basics                                                              */
/* ------------------------------------------------------------------ */

static void test_one_call_and_wire(void **state)
{
    const char *tag = "a_basic";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s = { 0 };
    json_response_t *sync = NULL;
    list_params_t *p;
    char *q;
    cJSON *reqs;
    clerk_call_id_t id;

    (void)state;
    completed = 0;
    /* Arguments on the heap, wiped and freed right after the start: the
     * call must have copied what it needs. */
    p = calloc(1, sizeof(*p));
    q = malloc(16);
    assert_non_null(p);
    assert_non_null(q);
    snprintf(q, 16, "a b&c");
    p->limit = CLERK_INT(7);
    p->query = CLERK_STR(q);
    id = start(loop, c, &op_list, NULL, p, NULL, &s);
    assert_true(id != 0);
    memset(q, 'X', 15);
    free(q);
    memset(p, 0xA5, sizeof(*p));
    free(p);
    assert_int_equal(clerk_loop_in_flight(loop), 1);
    assert_int_equal(s.calls, 0); /* never from inside the start */

    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    assert_int_equal(s.calls, 1);
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    assert_int_equal(meta_of(&s)->status, CLERK_OK);
    assert_int_equal(meta_of(&s)->http_status, 200);
    assert_int_equal(meta_of(&s)->attempts, 1);
    assert_true(meta_of(&s)->elapsed_ms > 0.0);
    assert_non_null(data_of(&s));
    assert_true(
        cJSON_IsTrue(cJSON_GetObjectItem(*(cJSON **)data_of(&s), "ok")));
    assert_string_equal(
        clerk_response_header(meta_of(&s), "Content-Type"), "application/json");
    slot_free(&s);
    /* Cancelling a call that completed: unknown. */
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_E_INVALID_ARG);
    assert_int_equal(clerk_loop_cancel(loop, 0), CLERK_E_INVALID_ARG);

    /* The same call made synchronously sends the same request. */
    {
        list_params_t sp = { 0 };

        sp.limit = CLERK_INT(7);
        sp.query = CLERK_STR("a b&c");
        assert_int_equal(
            rt_call((void **)&sync, c, &op_list, NULL, &sp, NULL), CLERK_OK);
        clerk__op_response_free(&op_list, sync);
    }
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 2);
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        "GET /t/a_basic/v1/users?limit=7&query=a%20b%26c HTTP/1.1");
    assert_string_equal(
        fault_req_field(reqs, 0, "request_line"),
        fault_req_field(reqs, 1, "request_line"));
    assert_string_equal(
        fault_req_header(reqs, 0, "Authorization"), "Bearer " TEST_SECRET);
    assert_string_equal(
        fault_req_header(reqs, 0, "User-Agent"),
        fault_req_header(reqs, 1, "User-Agent"));
    cJSON_Delete(reqs);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

/* A JSON body and a multipart file part built in a function that returns
 * before the loop runs. */
static clerk_call_id_t start_post(
    clerk_loop_t *loop, clerk_client_t *c, slot_t *s)
{
    char name[32];
    body_t b;

    snprintf(name, sizeof(name), "Ada \"L\"");
    memset(&b, 0, sizeof(b));
    b.name = name;
    b.age = CLERK_INT(36);
    return start(loop, c, &op_create, NULL, NULL, &b, s);
}

static clerk_call_id_t start_upload(
    clerk_loop_t *loop, clerk_client_t *c, slot_t *s)
{
    static const char *const args[] = { "user_1" };
    char *bytes = malloc(4);
    clerk_file_t *file = calloc(1, sizeof(*file));
    upload_t u;
    clerk_call_id_t id;

    assert_non_null(bytes);
    assert_non_null(file);
    memcpy(bytes, "PNG!", 4);
    file->filename = "a.png";
    file->content_type = "image/png";
    file->data = bytes;
    file->size = 4;
    memset(&u, 0, sizeof(u));
    u.file = file;
    id = start(loop, c, &op_upload, args, NULL, &u, s);
    memset(bytes, 'Z', 4);
    free(bytes);
    free(file);
    return id;
}

static void test_bodies_are_copied(void **state)
{
    const char *tag = "a_bodies";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s[2] = { { 0 } };
    cJSON *reqs;
    const char *body;
    int i;

    (void)state;
    completed = 0;
    assert_true(start_post(loop, c, &s[0]) != 0);
    assert_true(start_upload(loop, c, &s[1]) != 0);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    for (i = 0; i < 2; i++) {
        assert_int_equal(s[i].calls, 1);
        assert_int_equal(meta_of(&s[i])->status, CLERK_OK);
        slot_free(&s[i]);
    }
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 2);
    for (i = 0; i < 2; i++) {
        body = fault_req_field(reqs, i, "body");
        if (strstr(
                fault_req_field(reqs, i, "request_line"),
                "POST /t/a_bodies"
                "/v1/users ") != NULL) {
            assert_string_equal(
                body, "{\"name\":\"Ada \\\"L\\\"\",\"age\":36}");
        } else {
            assert_non_null(strstr(body, "filename=\"a.png\""));
            assert_non_null(strstr(body, "PNG!"));
        }
    }
    cJSON_Delete(reqs);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* 1000 calls in flight, failures mixed in                             */
/* ------------------------------------------------------------------ */

#define MANY 1000

static const char *kind_of(int i)
{
    if (i % 50 == 7) {
        return "notfound";
    }
    if (i % 50 == 17) {
        return "decode";
    }
    if (i % 100 == 27) {
        return "timeout";
    }
    if (i % 50 == 37) {
        return "reset";
    }
    return "ok";
}

static void test_thousand_in_flight(void **state)
{
    const char *tag = "a_many";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    clerk_client_t *quick;
    clerk_loop_t *loop = new_loop(NULL);
    slot_t *s = calloc(MANY, sizeof(*s));
    char script[1024];
    char n[16];
    char want[64];
    int counts[5] = { 0 };
    int inversions = 0;
    int i;

    (void)state;
    assert_non_null(s);
    completed = 0;
    /* Two clients on one loop: the "timeout" calls go through one with a
     * short timeout (calls waiting for a free connection count against
     * it too, so the others get a long one). */
    o.retry.disable = true; /* a reset must show, not be retried */
    o.timeout_ms = 30000;
    c = rt_client(tag, false, &o);
    o.timeout_ms = 1000;
    quick = rt_client(tag, false, &o);
    for (i = 0; i < MANY; i++) {
        const char *k = kind_of(i);

        counts[0] += strcmp(k, "ok") == 0;
        counts[1] += strcmp(k, "notfound") == 0;
        counts[2] += strcmp(k, "decode") == 0;
        counts[3] += strcmp(k, "timeout") == 0;
        counts[4] += strcmp(k, "reset") == 0;
    }
    snprintf(
        script, sizeof(script),
        "[{\"match\":\"/ok\",\"echo\":true,\"repeat\":%d},"
        "{\"match\":\"/notfound\",\"status\":404,\"body\":\"" CLERK_404
        "\",\"repeat\":%d},"
        "{\"match\":\"/decode\",\"body\":\"{\\\"id\\\":5}\",\"repeat\":%d},"
        "{\"match\":\"/timeout\",\"delay\":3,\"repeat\":%d},"
        "{\"match\":\"/reset\",\"reset\":true,\"repeat\":%d}]",
        counts[0], counts[1], counts[2], counts[3], 6 * counts[4]);
    assert_int_equal(fault_script(tag, script), 0);

    for (i = 0; i < MANY; i++) {
        const char *k = kind_of(i);
        const char *args[2];

        snprintf(n, sizeof(n), "%d", i);
        args[0] = n;
        args[1] = k;
        assert_true(
            start(
                loop, strcmp(k, "timeout") == 0 ? quick : c,
                strcmp(k, "decode") == 0 ? &op_calls_thing : &op_calls, args,
                NULL, NULL, &s[i]) != 0);
    }
    assert_int_equal(clerk_loop_in_flight(loop), MANY);
    assert_int_equal(clerk_loop_run(loop, 60000), CLERK_OK);
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    assert_int_equal(completed, MANY);

    for (i = 0; i < MANY; i++) {
        const char *k = kind_of(i);
        const clerk_response_t *m;

        assert_int_equal(s[i].calls, 1);
        m = meta_of(&s[i]);
        if (strcmp(k, "ok") == 0) {
            const cJSON *target;

            assert_int_equal(m->status, CLERK_OK);
            target = cJSON_GetObjectItem(*(cJSON **)data_of(&s[i]), "target");
            snprintf(want, sizeof(want), "/t/%s/v1/calls/%d/ok", tag, i);
            assert_string_equal(cJSON_GetStringValue(target), want);
        } else if (strcmp(k, "notfound") == 0) {
            assert_int_equal(m->status, CLERK_E_HTTP);
            assert_int_equal(m->http_status, 404);
            assert_non_null(m->errors);
            assert_string_equal(m->errors->items[0].code, "resource_not_found");
            assert_string_equal(m->errors->clerk_trace_id, "t1");
        } else if (strcmp(k, "decode") == 0) {
            assert_int_equal(m->status, CLERK_E_DECODE);
            assert_string_equal(m->json_path, "$.id");
            assert_null(data_of(&s[i]));
        } else if (strcmp(k, "timeout") == 0) {
            assert_int_equal(m->status, CLERK_E_TIMEOUT);
            assert_int_equal(m->http_status, 0);
        } else {
            assert_int_equal(m->status, CLERK_E_TRANSPORT);
            assert_int_equal(m->attempts, 1);
        }
        if (i > 0 && s[i].order < s[i - 1].order) {
            inversions++;
        }
        slot_free(&s[i]);
    }
    /* Not completed in start order (the timeouts alone see to that). */
    assert_true(inversions > 0);
    /* libcurl itself sends a request again (up to 5 times) when a reused
     * connection turns out dead, as the reset ones do. */
    assert_true(fault_request_count(tag) >= MANY);
    assert_true(fault_request_count(tag) <= MANY + 5 * counts[4]);
    free(s);
    clerk_loop_free(loop);
    clerk_client_free(quick);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Retries are timers                                                  */
/* ------------------------------------------------------------------ */

static void test_retry_after_does_not_block(void **state)
{
    const char *tag = "a_retry";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t slow = { 0 };
    slot_t s[100];
    const char *args[2] = { "0", "slow" };
    char n[100][8];
    int i;

    (void)state;
    memset(s, 0, sizeof(s));
    completed = 0;
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/slow\",\"status\":429,"
                 "\"headers\":[[\"Retry-After\",\"2\"]]}]"),
        0);
    assert_true(start(loop, c, &op_calls, args, NULL, NULL, &slow) != 0);
    /* Let the first attempt come back before the others start. */
    drive_until(loop, server_saw_request, (void *)tag);
    for (i = 0; i < 100; i++) {
        snprintf(n[i], sizeof(n[i]), "%d", i + 1);
        args[0] = n[i];
        args[1] = "ok";
        assert_true(start(loop, c, &op_calls, args, NULL, NULL, &s[i]) != 0);
    }
    assert_int_equal(clerk_loop_run(loop, 30000), CLERK_OK);
    assert_int_equal(slow.calls, 1);
    assert_int_equal(meta_of(&slow)->status, CLERK_OK);
    assert_int_equal(meta_of(&slow)->attempts, 2);
    for (i = 0; i < 100; i++) {
        assert_int_equal(s[i].calls, 1);
        assert_int_equal(meta_of(&s[i])->status, CLERK_OK);
        /* Every one of them finished before the waiting call. */
        assert_true(s[i].order < slow.order);
        slot_free(&s[i]);
    }
    slot_free(&slow);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Cancel at every stage                                               */
/* ------------------------------------------------------------------ */

static int responses_seen;

static int count_response(const clerk_hook_info_t *info, void *payload)
{
    (void)info;
    (void)payload;
    responses_seen++;
    return 0;
}

static bool one_response(void *arg)
{
    (void)arg;
    return responses_seen >= 1;
}

static void expect_cancelled(const slot_t *s)
{
    assert_int_equal(s->calls, 1);
    assert_int_equal(meta_of(s)->status, CLERK_E_CANCELLED);
    assert_int_equal(meta_of(s)->http_status, 0);
    assert_non_null(meta_of(s)->message);
}

static void test_cancel_stages(void **state)
{
    const char *tag = "a_cancel";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s[4];
    const char *args[2] = { "1", "slow" };
    must_params_t none = { 0 };
    clerk_call_id_t id;

    (void)state;
    memset(s, 0, sizeof(s));
    o.hooks.on_response = count_response;
    c = rt_client(tag, false, &o);

    /* 1. Right after the start, before the loop ran. */
    id = start(loop, c, &op_list, NULL, NULL, NULL, &s[0]);
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_OK);
    expect_cancelled(&s[0]); /* ran inside clerk_loop_cancel() */
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_E_INVALID_ARG);

    /* 2. Mid-flight: the server has the request and sits on it. */
    assert_int_equal(
        fault_script(tag, "[{\"match\":\"/slow\",\"delay\":5}]"), 0);
    id = start(loop, c, &op_calls, args, NULL, NULL, &s[1]);
    drive_until(loop, server_saw_request, (void *)tag);
    assert_int_equal(s[1].calls, 0);
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_OK);
    expect_cancelled(&s[1]);
    assert_int_equal(meta_of(&s[1])->attempts, 1);

    /* 3. During a retry wait (Retry-After: 30 s). */
    responses_seen = 0;
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/wait\",\"status\":503,"
                 "\"headers\":[[\"Retry-After\",\"30\"]]}]"),
        0);
    args[1] = "wait";
    id = start(loop, c, &op_calls, args, NULL, NULL, &s[2]);
    drive_until(loop, one_response, NULL);
    assert_int_equal(clerk_loop_in_flight(loop), 1);
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_OK);
    expect_cancelled(&s[2]);
    assert_int_equal(meta_of(&s[2])->attempts, 1);

    /* 4. Outcome known, callback not run yet (the request could not be
     * built: a required query parameter is missing). */
    id = start(loop, c, &op_must, NULL, &none, NULL, &s[3]);
    assert_int_equal(s[3].calls, 0);
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_OK);
    expect_cancelled(&s[3]);

    assert_int_equal(clerk_loop_in_flight(loop), 0);
    assert_int_equal(clerk_loop_run(loop, 1000), CLERK_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s[i].calls, 1);
        slot_free(&s[i]);
    }
    clerk_loop_free(loop);
    clerk_client_free(c);
}

static void cancel_other(void *response, void *payload)
{
    slot_t *s = payload;

    on_done(response, payload);
    s->other_st = clerk_loop_cancel(s->loop, s->other);
    s->drive_st = clerk_loop_run(s->loop, 0);
}

static void test_cancel_from_callback(void **state)
{
    const char *tag = "a_cbcancel";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t a = { 0 };
    slot_t b = { 0 };
    const char *args[2] = { "2", "slow" };

    (void)state;
    completed = 0;
    assert_int_equal(
        fault_script(tag, "[{\"match\":\"/slow\",\"delay\":5}]"), 0);
    b.op = &op_calls;
    b.other = clerk__op_async(
        loop, c, &op_calls, args, NULL, NULL, deliver_any,
        (clerk__async_cb_t)on_done, &b);
    a.op = &op_list;
    a.loop = loop;
    a.other = b.other;
    assert_true(
        clerk__op_async(
            loop, c, &op_list, NULL, NULL, NULL, deliver_any,
            (clerk__async_cb_t)cancel_other, &a) != 0);
    assert_int_equal(clerk_loop_run(loop, 20000), CLERK_OK);
    assert_int_equal(a.calls, 1);
    assert_int_equal(meta_of(&a)->status, CLERK_OK);
    assert_int_equal(a.other_st, CLERK_OK);
    /* Driving the loop from inside its own callback is refused. */
    assert_int_equal(a.drive_st, CLERK_E_INVALID_ARG);
    expect_cancelled(&b);
    assert_true(b.order > a.order);
    slot_free(&a);
    slot_free(&b);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

static void test_free_cancels_everything(void **state)
{
    const char *tag = "a_free";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s[4];
    const char *slow[2] = { "1", "slow" };
    const char *wait[2] = { "2", "wait" };
    must_params_t none = { 0 };
    int i;

    (void)state;
    memset(s, 0, sizeof(s));
    o.hooks.on_response = count_response;
    responses_seen = 0;
    c = rt_client(tag, false, &o);
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/slow\",\"delay\":5},"
                 "{\"match\":\"/wait\",\"status\":503,"
                 "\"headers\":[[\"Retry-After\",\"30\"]]}]"),
        0);
    assert_true(start(loop, c, &op_calls, wait, NULL, NULL, &s[0]) != 0);
    assert_true(start(loop, c, &op_calls, slow, NULL, NULL, &s[1]) != 0);
    drive_until(loop, one_response, NULL); /* s[0] waits, s[1] in flight */
    assert_true(start(loop, c, &op_must, NULL, &none, NULL, &s[2]) != 0);
    assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s[3]) != 0);
    assert_int_equal(clerk_loop_in_flight(loop), 4);
    clerk_loop_free(loop);
    for (i = 0; i < 4; i++) {
        expect_cancelled(&s[i]);
        slot_free(&s[i]);
    }
    clerk_client_free(c);
}

static clerk_loop_t *hook_loop;
static clerk_status_t hook_cancel_st;

/* A response hook that tries to cancel the call it reports on. */
static int cancel_in_hook(const clerk_hook_info_t *info, void *payload)
{
    (void)info;
    (void)payload;
    hook_cancel_st = clerk_loop_cancel(hook_loop, 1);
    return 0;
}

static void test_hooks_cannot_reenter(void **state)
{
    const char *tag = "a_hookre";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s = { 0 };

    (void)state;
    o.hooks.on_response = cancel_in_hook;
    c = rt_client(tag, false, &o);
    hook_loop = loop;
    hook_cancel_st = CLERK_OK;
    assert_int_equal(start(loop, c, &op_list, NULL, NULL, NULL, &s), 1);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    assert_int_equal(hook_cancel_st, CLERK_E_INVALID_ARG);
    assert_int_equal(s.calls, 1);
    assert_int_equal(meta_of(&s)->status, CLERK_OK);
    slot_free(&s);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

static int refuse(const clerk_hook_info_t *info, void *payload)
{
    (void)info;
    (void)payload;
    return 1;
}

static void test_request_hook_cancels(void **state)
{
    const char *tag = "a_hook";
    clerk_client_options_t o = { 0 };
    clerk_client_t *c;
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s = { 0 };

    (void)state;
    o.hooks.on_request = refuse;
    c = rt_client(tag, false, &o);
    assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s) != 0);
    assert_int_equal(s.calls, 0);
    assert_int_equal(clerk_loop_run(loop, 5000), CLERK_OK);
    expect_cancelled(&s);
    assert_string_equal(meta_of(&s)->message, "cancelled by the request hook");
    assert_int_equal(meta_of(&s)->attempts, 0);
    slot_free(&s);
    clerk_loop_free(loop);
    clerk_client_free(c);
    assert_int_equal(fault_request_count(tag), 0);
}

/* ------------------------------------------------------------------ */
/* Deadlines and the blocking driver's limits                          */
/* ------------------------------------------------------------------ */

static void test_deadlines(void **state)
{
    const char *tag = "a_deadline";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_options_t lo = { 0 };
    clerk_loop_t *loop = new_loop(NULL);
    clerk_loop_t *loop2;
    slot_t s[4];
    const char *slow[2] = { "1", "slow" };
    const char *wait[2] = { "2", "wait" };
    clerk_call_id_t id;
    int i;

    (void)state;
    memset(s, 0, sizeof(s));
    completed = 0;
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/slow\",\"delay\":5,\"repeat\":2},"
                 "{\"match\":\"/wait\",\"status\":429,"
                 "\"headers\":[[\"Retry-After\",\"30\"]]}]"),
        0);
    /* A per-call deadline cuts the slow call short; the other call is
     * not disturbed. */
    id = start(loop, c, &op_calls, slow, NULL, NULL, &s[0]);
    assert_int_equal(clerk_loop_set_deadline(loop, id, 200), CLERK_OK);
    assert_int_equal(
        clerk_loop_set_deadline(loop, id, -1), CLERK_E_INVALID_ARG);
    assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s[1]) != 0);
    /* A retry that would wait past the deadline is not made. */
    id = start(loop, c, &op_calls, wait, NULL, NULL, &s[2]);
    assert_int_equal(clerk_loop_set_deadline(loop, id, 10000), CLERK_OK);
    assert_int_equal(clerk_loop_run(loop, 20000), CLERK_OK);
    assert_int_equal(meta_of(&s[0])->status, CLERK_E_TIMEOUT);
    assert_non_null(strstr(meta_of(&s[0])->message, "deadline of 200 ms"));
    assert_int_equal(meta_of(&s[1])->status, CLERK_OK);
    assert_int_equal(meta_of(&s[2])->status, CLERK_E_HTTP);
    assert_int_equal(meta_of(&s[2])->http_status, 429);
    assert_int_equal(meta_of(&s[2])->attempts, 1);
    for (i = 0; i < 3; i++) {
        slot_free(&s[i]);
    }
    clerk_loop_free(loop);

    /* The loop's default deadline applies to every call. */
    lo.deadline_ms = 200;
    loop2 = new_loop(&lo);
    assert_true(start(loop2, c, &op_calls, slow, NULL, NULL, &s[3]) != 0);
    assert_int_equal(clerk_loop_run(loop2, 20000), CLERK_OK);
    assert_int_equal(meta_of(&s[3])->status, CLERK_E_TIMEOUT);
    slot_free(&s[3]);
    clerk_loop_free(loop2);
    clerk_client_free(c);
}

static void test_run_limits(void **state)
{
    const char *tag = "a_runlim";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s[3];
    const char *slow[2] = { "1", "slow" };
    clerk_call_id_t id;
    int i;

    (void)state;
    memset(s, 0, sizeof(s));
    completed = 0;
    assert_int_equal(clerk_loop_run(NULL, 0), CLERK_E_INVALID_ARG);
    /* Nothing in flight: nothing to wait for. */
    assert_int_equal(clerk_loop_run(loop, CLERK_TIMEOUT_NONE), CLERK_OK);
    assert_int_equal(clerk_loop_run_one(loop, CLERK_TIMEOUT_NONE), CLERK_OK);

    assert_int_equal(
        fault_script(tag, "[{\"match\":\"/slow\",\"delay\":5}]"), 0);
    id = start(loop, c, &op_calls, slow, NULL, NULL, &s[0]);
    assert_int_equal(clerk_loop_run(loop, 100), CLERK_E_TIMEOUT);
    assert_int_equal(clerk_loop_in_flight(loop), 1);
    assert_int_equal(s[0].calls, 0);

    /* run_one returns once one more callback ran. */
    assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s[1]) != 0);
    assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s[2]) != 0);
    assert_int_equal(clerk_loop_run_one(loop, 10000), CLERK_OK);
    assert_true(s[1].calls + s[2].calls >= 1);
    assert_int_equal(s[0].calls, 0);
    assert_int_equal(clerk_loop_cancel(loop, id), CLERK_OK);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    for (i = 0; i < 3; i++) {
        assert_int_equal(s[i].calls, 1);
        slot_free(&s[i]);
    }
    clerk_loop_free(loop);
    clerk_client_free(c);
}

static void test_loop_options(void **state)
{
    clerk_loop_t *loop = NULL;
    clerk_loop_options_t o = { 0 };

    (void)state;
    assert_int_equal(clerk_loop_new(NULL, NULL), CLERK_E_INVALID_ARG);
    o.max_host_connections = -5;
    assert_int_equal(clerk_loop_new(&loop, &o), CLERK_E_INVALID_ARG);
    assert_null(loop);
    memset(&o, 0, sizeof(o));
    o.deadline_ms = -1;
    assert_int_equal(clerk_loop_new(&loop, &o), CLERK_E_INVALID_ARG);
    memset(&o, 0, sizeof(o));
    o.timer_fn = (clerk_loop_timer_fn)NULL;
    o.socket_fn = (clerk_loop_socket_fn)NULL;
    o.max_host_connections = CLERK_LOOP_UNLIMITED;
    o.max_concurrent_streams = CLERK_LOOP_UNLIMITED;
    o.no_multiplex = true;
    assert_int_equal(clerk_loop_new(&loop, &o), CLERK_OK);
    assert_int_equal(
        clerk__op_async(
            loop, NULL, &op_list, NULL, NULL, NULL, deliver_any,
            (clerk__async_cb_t)on_done, NULL),
        0);
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    assert_int_equal(clerk_loop_timeout_ms(loop), -1);
    assert_int_equal(clerk_loop_fds(loop, NULL, 0), 0);
    clerk_loop_free(loop);
    clerk_loop_free(NULL);
    assert_int_equal(clerk_loop_in_flight(NULL), 0);
}

/* ------------------------------------------------------------------ */
/* Poll-style driver                                                   */
/* ------------------------------------------------------------------ */

static void test_poll_driver(void **state)
{
    const char *tag = "a_poll";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t s[20];
    clerk_loop_fd_t fds[64];
    struct pollfd pfd[64];
    int turns = 0;
    int i;

    (void)state;
    memset(s, 0, sizeof(s));
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/retry\",\"status\":503},"
                 "{\"match\":\"/\",\"echo\":true,\"repeat\":100}]"),
        0);
    for (i = 0; i < 20; i++) {
        const char *args[2] = { "7", i == 3 ? "retry" : "ok" };

        assert_true(start(loop, c, &op_calls, args, NULL, NULL, &s[i]) != 0);
    }
    while (clerk_loop_in_flight(loop) > 0 && turns++ < 10000) {
        size_t n = clerk_loop_fds(loop, fds, 64);
        long t = clerk_loop_timeout_ms(loop);
        size_t k;

        assert_true(n <= 64);
        for (k = 0; k < n; k++) {
            pfd[k].fd = fds[k].fd;
            pfd[k].events =
                (short)(((fds[k].events & CLERK_POLL_IN) != 0 ? POLLIN : 0) |
                        ((fds[k].events & CLERK_POLL_OUT) != 0 ? POLLOUT : 0));
        }
        (void)poll(pfd, (nfds_t)n, t < 0 || t > 1000 ? 1000 : (int)t);
        assert_int_equal(clerk_loop_perform(loop), CLERK_OK);
    }
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    for (i = 0; i < 20; i++) {
        assert_int_equal(s[i].calls, 1);
        assert_int_equal(meta_of(&s[i])->status, CLERK_OK);
        assert_int_equal(meta_of(&s[i])->attempts, i == 3 ? 2 : 1);
        slot_free(&s[i]);
    }
    clerk_loop_free(loop);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Event-loop driver: a small poll()-based event loop of our own       */
/* ------------------------------------------------------------------ */

typedef struct watch {
    int fd;
    unsigned events;
} watch_t;

typedef struct evloop {
    watch_t *w[256];
    size_t count;
    long timer_ms; /* -1: off */
    double timer_set_at;
    int adds;
    int removes;
    int timer_calls;
    bool refuse_sockets;
    clerk_loop_t *loop;     /* to try re-entering it from the callbacks */
    clerk_status_t reentry; /* what that returned */
} evloop_t;

static double mono_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static int ev_socket(
    clerk_socket_t fd, unsigned events, void **socket_data, void *payload)
{
    evloop_t *ev = payload;
    watch_t *w = *socket_data;
    size_t i;

    if (events == CLERK_POLL_REMOVE) {
        if (w == NULL) {
            return 0; /* a socket this loop refused to watch */
        }
        for (i = 0; i < ev->count; i++) {
            if (ev->w[i] == w) {
                ev->w[i] = ev->w[--ev->count];
                break;
            }
        }
        free(w);
        *socket_data = NULL;
        ev->removes++;
        return 0;
    }
    if (ev->refuse_sockets) {
        return 1;
    }
    if (w == NULL) {
        assert_true(ev->count < 256);
        w = calloc(1, sizeof(*w));
        assert_non_null(w);
        w->fd = fd;
        ev->w[ev->count++] = w;
        *socket_data = w;
        ev->adds++;
    }
    assert_int_equal(w->fd, fd);
    w->events = events;
    return 0;
}

static void ev_timer(long timeout_ms, void *payload)
{
    evloop_t *ev = payload;

    ev->timer_calls++;
    ev->timer_ms = timeout_ms;
    if (ev->loop != NULL) {
        ev->reentry = clerk_loop_timeout(ev->loop); /* refused */
    }
    ev->timer_set_at = mono_ms();
}

/* One turn: wait on the watched sockets and the timer, then tell the
 * loop what happened. */
static void ev_turn(evloop_t *ev, clerk_loop_t *loop)
{
    struct pollfd pfd[256];
    int fds[256];
    size_t n = ev->count;
    size_t i;
    int wait = 1000;

    for (i = 0; i < n; i++) {
        fds[i] = ev->w[i]->fd;
        pfd[i].fd = ev->w[i]->fd;
        pfd[i].events =
            (short)(((ev->w[i]->events & CLERK_POLL_IN) != 0 ? POLLIN : 0) |
                    ((ev->w[i]->events & CLERK_POLL_OUT) != 0 ? POLLOUT : 0));
        pfd[i].revents = 0;
    }
    if (ev->timer_ms >= 0) {
        double left = ev->timer_set_at + (double)ev->timer_ms - mono_ms();

        wait = left <= 0 ? 0 : (int)left + 1;
        if (wait > 1000) {
            wait = 1000;
        }
    }
    (void)poll(pfd, (nfds_t)n, wait);
    for (i = 0; i < n; i++) {
        unsigned what = 0;

        if (pfd[i].revents == 0) {
            continue;
        }
        what |= (pfd[i].revents & POLLIN) != 0 ? CLERK_POLL_IN : 0u;
        what |= (pfd[i].revents & POLLOUT) != 0 ? CLERK_POLL_OUT : 0u;
        what |=
            (pfd[i].revents & (POLLERR | POLLHUP)) != 0 ? CLERK_POLL_ERR : 0u;
        assert_int_equal(
            clerk_loop_socket_action(loop, fds[i], what), CLERK_OK);
    }
    if (ev->timer_ms >= 0 &&
        mono_ms() >= ev->timer_set_at + (double)ev->timer_ms) {
        ev->timer_ms = -1; /* one-shot */
        assert_int_equal(clerk_loop_timeout(loop), CLERK_OK);
    }
}

static void test_event_driver(void **state)
{
    const char *tag = "a_event";
    clerk_client_t *c = rt_client(tag, false, NULL);
    evloop_t ev;
    clerk_loop_options_t lo = { 0 };
    clerk_loop_t *loop;
    slot_t s[50];
    int turns = 0;
    int i;

    (void)state;
    memset(&ev, 0, sizeof(ev));
    memset(s, 0, sizeof(s));
    ev.timer_ms = -1;
    lo.socket_fn = ev_socket;
    lo.timer_fn = ev_timer;
    lo.payload = &ev;
    lo.max_host_connections = 8;
    loop = new_loop(&lo);
    ev.loop = loop;
    ev.reentry = CLERK_OK;
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/retry\",\"status\":503,"
                 "\"headers\":[[\"Retry-After\",\"1\"]]},"
                 "{\"match\":\"/\",\"echo\":true,\"repeat\":100}]"),
        0);
    for (i = 0; i < 50; i++) {
        char n[8];
        const char *args[2] = { n, i == 9 ? "retry" : "ok" };

        snprintf(n, sizeof(n), "%d", i);
        assert_true(start(loop, c, &op_calls, args, NULL, NULL, &s[i]) != 0);
    }
    assert_true(ev.timer_calls > 0); /* told to come back at once */
    assert_int_equal(ev.timer_ms, 0);
    while (clerk_loop_in_flight(loop) > 0 && turns++ < 10000) {
        ev_turn(&ev, loop);
    }
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    /* The timer callback may not drive the loop. */
    assert_int_equal(ev.reentry, CLERK_E_INVALID_ARG);
    ev.loop = NULL;
    for (i = 0; i < 50; i++) {
        char want[64];
        const cJSON *target;

        assert_int_equal(s[i].calls, 1);
        assert_int_equal(meta_of(&s[i])->status, CLERK_OK);
        assert_int_equal(meta_of(&s[i])->attempts, i == 9 ? 2 : 1);
        target = cJSON_GetObjectItem(*(cJSON **)data_of(&s[i]), "target");
        snprintf(
            want, sizeof(want), "/t/%s/v1/calls/%d/%s", tag, i,
            i == 9 ? "retry" : "ok");
        assert_string_equal(cJSON_GetStringValue(target), want);
        slot_free(&s[i]);
    }
    /* At most 8 connections at a time were watched. */
    assert_true(ev.adds >= 1);
    assert_true(fault_connection_count(tag) <= 8);
    clerk_loop_free(loop);
    /* Every socket the loop was told to watch was given back. */
    assert_int_equal(ev.adds, ev.removes);
    assert_int_equal(ev.count, 0);
    assert_int_equal(ev.timer_ms, -1);

    /* An event loop that cannot watch a socket fails the call, cleanly. */
    memset(&ev, 0, sizeof(ev));
    ev.timer_ms = -1;
    ev.refuse_sockets = true;
    memset(&s[0], 0, sizeof(s[0]));
    loop = new_loop(&lo);
    assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s[0]) != 0);
    turns = 0;
    while (clerk_loop_in_flight(loop) > 0 && turns++ < 1000) {
        ev_turn(&ev, loop);
    }
    assert_int_equal(s[0].calls, 1);
    assert_int_equal(meta_of(&s[0])->status, CLERK_E_TRANSPORT);
    slot_free(&s[0]);
    clerk_loop_free(loop);
    assert_int_equal(ev.adds, ev.removes);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Sync and async share a client                                       */
/* ------------------------------------------------------------------ */

static void *sync_calls(void *arg)
{
    clerk_client_t *c = arg;
    json_response_t *r = NULL;
    int i;
    int ok = 0;

    for (i = 0; i < 50; i++) {
        if (clerk__op_detailed((void **)&r, c, &op_list, NULL, NULL, NULL) ==
            CLERK_OK) {
            ok++;
        }
        clerk__op_response_free(&op_list, r);
        r = NULL;
    }
    return ok == 50 ? arg : NULL;
}

static clerk_client_t *chain_client;

static void chain(void *response, void *payload)
{
    slot_t *s = payload;

    on_done(response, payload);
    /* Callbacks may start more calls; the blocking run waits for them. */
    if (s->other > 0) {
        slot_t *next = s + 1;

        next->loop = s->loop;
        next->other = s->other - 1;
        next->op = &op_list;
        assert_true(
            clerk__op_async(
                s->loop, chain_client, &op_list, NULL, NULL, NULL, deliver_any,
                (clerk__async_cb_t)chain, next) != 0);
    }
}

static void test_shared_client(void **state)
{
    const char *tag = "a_shared";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_loop_t *loop = new_loop(NULL);
    slot_t *s = calloc(200, sizeof(*s));
    slot_t ch[6];
    pthread_t th;
    void *th_ret = NULL;
    int i;

    (void)state;
    assert_non_null(s);
    memset(ch, 0, sizeof(ch));
    assert_int_equal(pthread_create(&th, NULL, sync_calls, c), 0);
    for (i = 0; i < 200; i++) {
        assert_true(start(loop, c, &op_list, NULL, NULL, NULL, &s[i]) != 0);
    }
    /* A chain of calls, each started by the previous one's callback. */
    chain_client = c;
    ch[0].loop = loop;
    ch[0].other = 5;
    ch[0].op = &op_list;
    assert_true(
        clerk__op_async(
            loop, c, &op_list, NULL, NULL, NULL, deliver_any,
            (clerk__async_cb_t)chain, &ch[0]) != 0);
    assert_int_equal(clerk_loop_run(loop, 30000), CLERK_OK);
    assert_int_equal(pthread_join(th, &th_ret), 0);
    assert_ptr_equal(th_ret, c);
    for (i = 0; i < 200; i++) {
        assert_int_equal(s[i].calls, 1);
        assert_int_equal(meta_of(&s[i])->status, CLERK_OK);
        slot_free(&s[i]);
    }
    for (i = 0; i < 6; i++) {
        assert_int_equal(ch[i].calls, 1);
        assert_int_equal(meta_of(&ch[i])->status, CLERK_OK);
        slot_free(&ch[i]);
    }
    assert_int_equal(fault_request_count(tag), 256);
    free(s);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_options),
        cmocka_unit_test(test_one_call_and_wire),
        cmocka_unit_test(test_bodies_are_copied),
        cmocka_unit_test(test_thousand_in_flight),
        cmocka_unit_test(test_retry_after_does_not_block),
        cmocka_unit_test(test_cancel_stages),
        cmocka_unit_test(test_cancel_from_callback),
        cmocka_unit_test(test_free_cancels_everything),
        cmocka_unit_test(test_request_hook_cancels),
        cmocka_unit_test(test_hooks_cannot_reenter),
        cmocka_unit_test(test_deadlines),
        cmocka_unit_test(test_run_limits),
        cmocka_unit_test(test_poll_driver),
        cmocka_unit_test(test_event_driver),
        cmocka_unit_test(test_shared_client),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
