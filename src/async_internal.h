/*
 * The interface between generated `_async` functions (api/) and the async
 * runtime (src/async.c).  Not installed, not API.
 *
 * Each generated clerk_<op>_async() makes one call to clerk__op_async()
 * with its operation descriptor and a two-line `deliver` trampoline that
 * calls the typed callback:
 *
 *   static void users_get_deliver(
 *       void *response, clerk__async_cb_t cb, void *payload)
 *   {
 *       ((clerk_users_get_async_fn)cb)(response, payload);
 *   }
 *
 * The runtime keeps the callback as a generic function pointer and only
 * ever calls it through the trampoline, with its real type.
 */
#ifndef CLERK_ASYNC_INTERNAL_H
#define CLERK_ASYNC_INTERNAL_H

#include "clerk_internal.h"

#include <clerk/async.h>

/* A callback of any generated clerk_<op>_async_fn type, stored opaquely. */
typedef void (*clerk__async_cb_t)(void);

/* Calls `cb` (converted back to its real type) with the response. */
typedef void (*clerk__deliver_fn)(
    void *response, clerk__async_cb_t cb, void *payload);

/* Start an operation on `loop`: build the request now (copying what it
 * needs from path_args/params/body), send it when the loop is driven, and
 * hand the response (the same block clerk__op_detailed() returns) to
 * deliver(response, cb, payload) exactly once.  Returns the call's id, or 0
 * when nothing was started (loop, client, op, deliver or cb NULL, or out of
 * memory): the callback then never runs. */
clerk_call_id_t clerk__op_async(
    clerk_loop_t *loop,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body,
    clerk__deliver_fn deliver,
    clerk__async_cb_t cb,
    void *payload);

#endif /* CLERK_ASYNC_INTERNAL_H */
