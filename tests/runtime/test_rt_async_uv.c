/*
 * Async calls inside a libuv event loop, through the adapter users copy
 * (examples/clerk_uv.h), against the fault server: calls in flight
 * together with a retry, a cancel fired by a libuv timer, a deadline and
 * other libuv work; afterwards every libuv handle is closed.
 */
#include "rt_common.h"

#include "async_internal.h"
#include "clerk_uv.h"

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

#define CALLS 200

typedef struct slot {
    int calls;
    int order;
    json_response_t *r;
} slot_t;

static int completed;

static void on_done(void *response, void *payload)
{
    slot_t *s = payload;

    s->calls++;
    s->order = ++completed;
    s->r = response;
}

static void deliver_any(void *response, clerk__async_cb_t cb, void *payload)
{
    ((void (*)(void *, void *))cb)(response, payload);
}

static clerk_call_id_t start(
    clerk_loop_t *loop, clerk_client_t *c, int n, const char *kind, slot_t *s)
{
    char num[16];
    const char *args[2] = { num, kind };

    snprintf(num, sizeof(num), "%d", n);
    return clerk__op_async(
        loop, c, &op_calls, args, NULL, NULL, deliver_any,
        (clerk__async_cb_t)on_done, s);
}

typedef struct cancel_ctx {
    clerk_loop_t *loop;
    clerk_call_id_t id;
    clerk_status_t st;
} cancel_ctx_t;

static void on_cancel_timer(uv_timer_t *t)
{
    cancel_ctx_t *ctx = t->data;

    ctx->st = clerk_loop_cancel(ctx->loop, ctx->id);
}

static int ticks;

static void on_tick(uv_timer_t *t)
{
    (void)t;
    ticks++;
}

static void test_libuv(void **state)
{
    const char *tag = "a_uv";
    clerk_client_t *c = rt_client(tag, false, NULL);
    uv_loop_t uv;
    clerk_uv_t adapter;
    clerk_loop_options_t lo = { 0 };
    clerk_loop_t *loop = NULL;
    uv_timer_t cancel_timer;
    uv_timer_t ticker;
    cancel_ctx_t ctx;
    slot_t *s = calloc(CALLS + 3, sizeof(*s));
    clerk_call_id_t id;
    char want[64];
    int i;

    (void)state;
    assert_non_null(s);
    completed = 0;
    ticks = 0;
    assert_int_equal(uv_loop_init(&uv), 0);
    assert_int_equal(clerk_uv_init(&adapter, &uv, &lo), 0);
    assert_int_equal(clerk_loop_new(&loop, &lo), CLERK_OK);
    clerk_uv_attach(&adapter, loop);
    assert_int_equal(
        fault_script(
            tag, "[{\"match\":\"/retry\",\"status\":503,"
                 "\"headers\":[[\"Retry-After\",\"1\"]]},"
                 "{\"match\":\"/slow\",\"delay\":5,\"repeat\":2},"
                 "{\"match\":\"/\",\"echo\":true,\"repeat\":1000}]"),
        0);
    for (i = 0; i < CALLS; i++) {
        assert_true(start(loop, c, i, i == 50 ? "retry" : "ok", &s[i]) != 0);
    }
    /* A slow call cancelled by a libuv timer after 200 ms ... */
    ctx.loop = loop;
    ctx.id = start(loop, c, CALLS, "slow", &s[CALLS]);
    ctx.st = CLERK_E_NOMEM;
    assert_true(ctx.id != 0);
    assert_int_equal(uv_timer_init(&uv, &cancel_timer), 0);
    cancel_timer.data = &ctx;
    assert_int_equal(uv_timer_start(&cancel_timer, on_cancel_timer, 200, 0), 0);
    /* ... one cut short by its deadline ... */
    id = start(loop, c, CALLS + 1, "slow", &s[CALLS + 1]);
    assert_int_equal(clerk_loop_set_deadline(loop, id, 300), CLERK_OK);
    /* ... and other work on the same libuv loop. */
    assert_int_equal(uv_timer_init(&uv, &ticker), 0);
    assert_int_equal(uv_timer_start(&ticker, on_tick, 10, 10), 0);
    uv_unref((uv_handle_t *)&ticker); /* does not keep uv_run going */

    assert_int_equal(uv_run(&uv, UV_RUN_DEFAULT), 0);
    assert_int_equal(clerk_loop_in_flight(loop), 0);
    for (i = 0; i < CALLS; i++) {
        assert_int_equal(s[i].calls, 1);
        assert_int_equal(s[i].r->meta.status, CLERK_OK);
        snprintf(
            want, sizeof(want), "/t/%s/v1/calls/%d/%s", tag, i,
            i == 50 ? "retry" : "ok");
        assert_string_equal(
            cJSON_GetStringValue(cJSON_GetObjectItem(*s[i].r->data, "target")),
            want);
        assert_int_equal(s[i].r->meta.attempts, i == 50 ? 2 : 1);
        clerk__op_response_free(&op_calls, s[i].r);
    }
    assert_int_equal(ctx.st, CLERK_OK);
    assert_int_equal(s[CALLS].calls, 1);
    assert_int_equal(s[CALLS].r->meta.status, CLERK_E_CANCELLED);
    assert_int_equal(s[CALLS + 1].calls, 1);
    assert_int_equal(s[CALLS + 1].r->meta.status, CLERK_E_TIMEOUT);
    clerk__op_response_free(&op_calls, s[CALLS].r);
    clerk__op_response_free(&op_calls, s[CALLS + 1].r);
    assert_true(ticks > 0);

    clerk_loop_free(loop);
    uv_close((uv_handle_t *)&cancel_timer, NULL);
    uv_close((uv_handle_t *)&ticker, NULL);
    clerk_uv_close(&adapter);
    /* Every socket watcher the adapter opened was closed. */
    assert_int_equal(uv_loop_close(&uv), 0);
    free(s);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libuv),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
