/*
 * clerk_uv.h: run libclerk's async calls inside a libuv event loop.
 * Header-only; copy it into your program (it is not installed).
 *
 *   clerk_uv_t uv;
 *   clerk_loop_options_t o = { 0 };
 *   clerk_loop_t *loop = NULL;
 *
 *   clerk_uv_init(&uv, uv_default_loop(), &o);  // fills o's callbacks
 *   clerk_loop_new(&loop, &o);
 *   clerk_uv_attach(&uv, loop);
 *   clerk_users_get_async(loop, client, "user_123", on_user, NULL);
 *   uv_run(uv_default_loop(), UV_RUN_DEFAULT);  // returns when all is done
 *   clerk_loop_free(loop);                      // gives every socket back
 *   clerk_uv_close(&uv);                        // closes the timer, and
 *                                               // runs libuv's close callbacks
 *
 * How it maps (libcurl's multi_socket model, as in curl's multi-uv.c): the
 * loop's socket_fn gets a uv_poll_t per socket, started for the events the
 * loop asks for and closed on CLERK_POLL_REMOVE; its timer_fn drives one
 * uv_timer_t.  libuv then calls clerk_loop_socket_action() and
 * clerk_loop_timeout(), and the completion callbacks run from there, on
 * the libuv thread.
 */
#ifndef CLERK_EXAMPLES_CLERK_UV_H
#define CLERK_EXAMPLES_CLERK_UV_H

#include <clerk/async.h>

#include <stdlib.h>
#include <uv.h>

typedef struct clerk_uv {
    uv_loop_t *uv;
    clerk_loop_t *loop;
    uv_timer_t timer;
} clerk_uv_t;

/* One watched socket. */
typedef struct clerk_uv_socket {
    uv_poll_t poll;
    clerk_uv_t *owner;
    clerk_socket_t fd;
} clerk_uv_socket_t;

static void clerk_uv_on_poll(uv_poll_t *handle, int status, int events)
{
    clerk_uv_socket_t *s = handle->data;
    unsigned what = 0;

    if (status < 0) {
        what |= CLERK_POLL_ERR;
    }
    if ((events & UV_READABLE) != 0) {
        what |= CLERK_POLL_IN;
    }
    if ((events & UV_WRITABLE) != 0) {
        what |= CLERK_POLL_OUT;
    }
    (void)clerk_loop_socket_action(s->owner->loop, s->fd, what);
}

static void clerk_uv_on_close(uv_handle_t *handle)
{
    free(handle->data);
}

static int clerk_uv_socket_fn(
    clerk_socket_t fd, unsigned events, void **socket_data, void *payload)
{
    clerk_uv_t *uv = payload;
    clerk_uv_socket_t *s = *socket_data;
    int flags = 0;

    if (events == CLERK_POLL_REMOVE) {
        if (s != NULL) {
            (void)uv_poll_stop(&s->poll);
            uv_close((uv_handle_t *)&s->poll, clerk_uv_on_close);
            *socket_data = NULL;
        }
        return 0;
    }
    if (s == NULL) {
        s = calloc(1, sizeof(*s));
        if (s == NULL) {
            return -1;
        }
        s->owner = uv;
        s->fd = fd;
        s->poll.data = s;
        if (uv_poll_init_socket(uv->uv, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        *socket_data = s;
    }
    if ((events & CLERK_POLL_IN) != 0) {
        flags |= UV_READABLE;
    }
    if ((events & CLERK_POLL_OUT) != 0) {
        flags |= UV_WRITABLE;
    }
    if (flags == 0) {
        return uv_poll_stop(&s->poll) == 0 ? 0 : -1;
    }
    return uv_poll_start(&s->poll, flags, clerk_uv_on_poll) == 0 ? 0 : -1;
}

static void clerk_uv_on_timer(uv_timer_t *timer)
{
    clerk_uv_t *uv = timer->data;

    (void)clerk_loop_timeout(uv->loop);
}

static void clerk_uv_timer_fn(long timeout_ms, void *payload)
{
    clerk_uv_t *uv = payload;

    if (timeout_ms < 0) {
        (void)uv_timer_stop(&uv->timer);
    } else {
        (void)uv_timer_start(
            &uv->timer, clerk_uv_on_timer, (uint64_t)timeout_ms, 0);
    }
}

/* Prepare `uv` for libuv loop `loop` and point the loop options' socket_fn,
 * timer_fn and payload at it.  0 on success, else a libuv error code. */
static int clerk_uv_init(
    clerk_uv_t *uv, uv_loop_t *loop, clerk_loop_options_t *options)
{
    int rc;

    uv->uv = loop;
    uv->loop = NULL;
    rc = uv_timer_init(loop, &uv->timer);
    if (rc != 0) {
        return rc;
    }
    uv->timer.data = uv;
    options->socket_fn = clerk_uv_socket_fn;
    options->timer_fn = clerk_uv_timer_fn;
    options->payload = uv;
    return 0;
}

/* The clerk loop created with those options. */
static void clerk_uv_attach(clerk_uv_t *uv, clerk_loop_t *loop)
{
    uv->loop = loop;
}

/* After clerk_loop_free(): close the timer and let libuv finish closing
 * every handle (the socket watchers were closed by the free). */
static void clerk_uv_close(clerk_uv_t *uv)
{
    uv_close((uv_handle_t *)&uv->timer, NULL);
    (void)uv_run(uv->uv, UV_RUN_DEFAULT);
}

#endif
