/*
 * libclerk's async calls inside a libuv event loop (see clerk_uv.h): list
 * users, then fetch each of them, all on the libuv thread, never blocking
 * it.  A libuv timer shows other work going on meanwhile.
 *
 *   CLERK_SECRET_KEY=sk_live_... ./async_libuv
 *
 * $CLERK_API_URL overrides the API address (e.g. a local mock of the API).
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include "clerk_uv.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct app {
    clerk_loop_t *loop;
    clerk_client_t *client;
    uv_timer_t ticker;
    int ticks;
    int pending; /* user fetches not finished */
    int failed;
} app_t;

static void on_user(clerk_users_get_response_t *res, void *payload)
{
    app_t *app = payload;

    if (res->meta.status == CLERK_OK) {
        printf(
            "  %s  %s %s (%.1f ms)\n", res->data->id,
            clerk_opt_str_or(res->data->first_name, ""),
            clerk_opt_str_or(res->data->last_name, ""), res->meta.elapsed_ms);
    } else {
        app->failed++;
        fprintf(stderr, "users_get: %s\n", res->meta.message);
    }
    clerk_users_get_response_free(res);
    if (--app->pending == 0) {
        uv_timer_stop(&app->ticker); /* nothing left: let uv_run return */
    }
}

static void on_list(clerk_users_list_response_t *res, void *payload)
{
    app_t *app = payload;
    size_t i;

    if (res->meta.status != CLERK_OK) {
        app->failed++;
        fprintf(
            stderr, "users_list: %s (HTTP %ld)\n", res->meta.message,
            res->meta.http_status);
        uv_timer_stop(&app->ticker);
        clerk_users_list_response_free(res);
        return;
    }
    printf("%zu users; fetching each:\n", res->data->count);
    for (i = 0; i < res->data->count; i++) {
        /* Starting calls from a callback is fine. */
        if (res->data->items[i].id != NULL &&
            clerk_users_get_async(
                app->loop, app->client, res->data->items[i].id, on_user, app) !=
                0) {
            app->pending++;
        }
    }
    if (app->pending == 0) {
        uv_timer_stop(&app->ticker);
    }
    clerk_users_list_response_free(res);
}

static void on_tick(uv_timer_t *timer)
{
    app_t *app = timer->data;

    app->ticks++; /* the event loop keeps running other work */
}

int main(void)
{
    uv_loop_t *uv = uv_default_loop();
    clerk_uv_t adapter;
    clerk_loop_options_t lo = { 0 };
    app_t app = { 0 };
    clerk_status_t st;
    int rc = 1;

    /* Base URL from $CLERK_API_URL, key from $CLERK_SECRET_KEY. */
    st = clerk_client_new(&app.client, NULL);
    if (st != CLERK_OK) {
        fprintf(stderr, "clerk_client_new: %s\n", clerk_status_str(st));
        return 1;
    }
    if (clerk_uv_init(&adapter, uv, &lo) != 0 ||
        clerk_loop_new(&app.loop, &lo) != CLERK_OK) {
        fprintf(stderr, "could not set up the loops\n");
        clerk_client_free(app.client);
        return 1;
    }
    clerk_uv_attach(&adapter, app.loop);
    uv_timer_init(uv, &app.ticker);
    app.ticker.data = &app;
    uv_timer_start(&app.ticker, on_tick, 1, 1);

    if (clerk_users_list_async(
            app.loop, app.client,
            &(clerk_users_list_params_t){ .limit = CLERK_INT(10) }, on_list,
            &app) == 0) {
        fprintf(stderr, "users_list_async could not start\n");
        uv_timer_stop(&app.ticker);
    }
    uv_run(uv, UV_RUN_DEFAULT); /* returns when no handle is active */
    printf("done (%d ticks of other work meanwhile)\n", app.ticks);
    rc = app.failed == 0 ? 0 : 1;

    clerk_loop_free(app.loop);
    uv_close((uv_handle_t *)&app.ticker, NULL);
    clerk_uv_close(&adapter);
    clerk_client_free(app.client);
    if (uv_loop_close(uv) != 0) {
        fprintf(stderr, "libuv handles left open\n");
        rc = 1;
    }
    return rc;
}
