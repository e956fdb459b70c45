/**
 * @file clerk/async.h
 * @brief Non-blocking calls: many in flight on one thread, in any event loop.
 *
 * Every operation has an `_async` flavour next to the plain and `_detailed`
 * ones, e.g.
 *
 *     clerk_call_id_t clerk_users_get_async(
 *         clerk_loop_t *loop, clerk_client_t *client, const char *user_id,
 *         clerk_users_get_async_fn cb, void *payload);
 *
 * It takes the `_detailed` arguments (without `out`) after the loop, plus a
 * completion callback and its payload.  The request is built and copied
 * before the function returns, so the arguments (strings, params and body
 * structs, file parts) may go out of scope right after it; nothing is sent
 * until the loop is driven.  The callback receives exactly what `_detailed`
 * would have returned (the same `clerk_<op>_response_t`, or a bare
 * clerk_response_t for bodiless operations): HTTP errors with the parsed
 * Clerk error body, decode errors with their JSON path, attempts and
 * timing.  The response belongs to the callback, which frees it with the
 * operation's `_response_free` (or clerk_response_free()).
 *
 * A loop (clerk_loop_t) owns a libcurl multi handle: its connection pool,
 * HTTP/2 multiplexing, the timers of retries and deadlines, and the calls in
 * flight.  A call names its client, so one loop can carry calls of several
 * clients (several secret keys, say); each call uses its client's options
 * unchanged: base URL, credentials, TLS, proxy, timeouts, size limit, retry
 * policy, hooks and curl_setup.
 *
 * Three ways to drive a loop; use one per loop:
 *   1. blocking: clerk_loop_run() until every call completed, or
 *      clerk_loop_run_one() until at least one did, each with a timeout;
 *   2. inside another event loop (libuv, libevent, epoll, ...): give
 *      clerk_loop_options_t::socket_fn and clerk_loop_options_t::timer_fn;
 *      the library says which sockets to watch for what and when to fire
 *      its one timer, and
 *      the event loop calls clerk_loop_socket_action() and
 *      clerk_loop_timeout() (libcurl's curl_multi_socket_action model);
 *   3. poll style: wait on clerk_loop_fds() with clerk_loop_timeout_ms()
 *      however you like, then call clerk_loop_perform().
 *
 * Completion callbacks run only from inside those driving functions (and
 * from clerk_loop_cancel() and clerk_loop_free() for the calls they
 * cancel), never from inside an `_async` function.  Every call that was
 * started (a non-zero id was returned) gets exactly one callback.  A
 * callback may start and cancel calls and set deadlines; it may not drive
 * or free its loop.  The client's hooks, socket_fn and timer_fn may not
 * use the loop at all: every loop function refuses to run from inside
 * them (CLERK_E_INVALID_ARG, or 0 from an `_async` function).
 *
 * Retries follow the client's retry policy; the waits between attempts,
 * Retry-After included, are timers of the loop: no thread ever sleeps and no
 * other call is held up.  Async calls share the client's pool of curl easy
 * handles with its synchronous calls; the loop sets CURLOPT_PRIVATE and
 * CURLOPT_PIPEWAIT on a handle while it uses it (leave those two alone in
 * a curl_setup callback).
 *
 * Threading: a loop is not thread-safe.  One thread at a time may use it
 * (start, cancel, drive, free); hand it over between threads only with your
 * own synchronisation.  Use one loop per thread for more threads.  Clients
 * stay shareable as before: the same client may be used at the same time by
 * synchronous calls in other threads and by any number of loops.  A client
 * must outlive every call started with it (free the loop, or let its calls
 * complete, before clerk_client_free()).
 */
#ifndef CLERK_ASYNC_H
#define CLERK_ASYNC_H

#include <clerk/client.h>
#include <clerk/common.h>
#include <clerk/status.h>

CLERK_BEGIN_DECL

/** A set of calls in flight and their connections; opaque. */
typedef struct clerk_loop clerk_loop_t;

/**
 * Identifies a call started on a loop.  Ids are never reused within a loop,
 * so a stale id is harmless: clerk_loop_cancel() then reports it unknown.
 * 0 is never a valid id.
 */
typedef uint64_t clerk_call_id_t;

/** A socket as the operating system names it (a file descriptor). */
#ifdef _WIN32
typedef uintptr_t clerk_socket_t;
#else
typedef int clerk_socket_t;
#endif

/** Wait until the socket is readable (socket events and actions). */
#define CLERK_POLL_IN 0x1u
/** Wait until the socket is writable (socket events and actions). */
#define CLERK_POLL_OUT 0x2u
/** clerk_loop_socket_fn only: stop watching the socket for good. */
#define CLERK_POLL_REMOVE 0x4u
/** clerk_loop_socket_action() only: the socket reported an error. */
#define CLERK_POLL_ERR 0x8u

/** Loop option value: no limit. */
#define CLERK_LOOP_UNLIMITED (-1L)

/**
 * Tells an event loop what to watch on a socket (event-loop driver).
 *
 * Called from inside the library's functions whenever a socket's interest
 * changes.  The event loop then calls clerk_loop_socket_action() with the
 * socket when it becomes ready as asked.  Loop functions refuse to run from
 * inside this callback.
 *
 * @param fd          The socket.
 * @param events      CLERK_POLL_IN and/or CLERK_POLL_OUT to watch for (0:
 *                    watch nothing for now, keep the socket), or
 *                    CLERK_POLL_REMOVE: stop watching it; it is about to be
 *                    closed.
 * @param socket_data A slot the event loop may use for its own per-socket
 *                    state (e.g. a uv_poll_t *): NULL the first time a
 *                    socket is seen, then whatever was stored; free it and
 *                    set it to NULL on CLERK_POLL_REMOVE (which also comes
 *                    for a socket this callback refused).
 * @param payload     clerk_loop_options_t::payload.
 * @return 0; non-zero when the socket cannot be watched: the call that
 *         asked for it then fails with CLERK_E_TRANSPORT.
 */
typedef int (*clerk_loop_socket_fn)(
    clerk_socket_t fd, unsigned events, void **socket_data, void *payload);

/**
 * Tells an event loop when to fire the loop's one timer (event-loop
 * driver).
 *
 * The timer is one-shot and every call replaces the previous setting.  When
 * it fires, call clerk_loop_timeout() from the event loop (loop functions
 * refuse to run from inside this callback).
 *
 * @param timeout_ms Milliseconds from now (0: as soon as possible, on the
 *                   next turn of the event loop), or -1: stop the timer.
 * @param payload    clerk_loop_options_t::payload.
 */
typedef void (*clerk_loop_timer_fn)(long timeout_ms, void *payload);

/**
 * Loop options.  Every field is optional and its zero value is its default.
 * Fields are only ever appended, and appending one is an ABI change
 * (CLERK_ABI_VERSION).
 */
typedef struct clerk_loop_options {
    /**
     * Connections per host at most: the HTTP/1.1 connection pool (one call
     * per connection at a time).  Calls beyond it wait in the loop, in
     * order, until a connection is free; their per-attempt timeouts start
     * when they are sent (deadlines count from the start).  0: 16;
     * CLERK_LOOP_UNLIMITED.
     */
    long max_host_connections;
    /** Connections in total at most.  0 or CLERK_LOOP_UNLIMITED: no limit. */
    long max_total_connections;
    /**
     * Calls in flight at once to a host that speaks HTTP/2 (learnt from
     * ALPN over TLS): they share one connection as concurrent streams, and
     * calls beyond the cap wait in the loop as above (the server's own
     * stream limit applies too).  0: 100; CLERK_LOOP_UNLIMITED.
     */
    long max_concurrent_streams;
    /**
     * true: no HTTP/2 multiplexing, one call per connection at a time even
     * where the server speaks HTTP/2.
     */
    bool no_multiplex;
    /**
     * Default deadline of every call, in milliseconds from its start: the
     * whole call (all attempts and the waits between them) must complete in
     * that time, else it fails with CLERK_E_TIMEOUT.  0: none (the client's
     * per-attempt timeouts still apply).  See clerk_loop_set_deadline().
     */
    long deadline_ms;
    /** Event-loop driver: socket interest callback, or NULL. */
    clerk_loop_socket_fn socket_fn;
    /** Event-loop driver: timer callback, or NULL. */
    clerk_loop_timer_fn timer_fn;
    /** Passed to socket_fn and timer_fn. */
    void *payload;
} clerk_loop_options_t;

/**
 * Create a loop.
 *
 * @param[out] out Receives the loop; NULL on failure.
 * @param options  Options, or NULL for all defaults.
 * @return CLERK_OK, CLERK_E_INVALID_ARG (out is NULL, a negative limit
 *         other than CLERK_LOOP_UNLIMITED, or only one of socket_fn and
 *         timer_fn), CLERK_E_NOMEM, or CLERK_E_TRANSPORT (libcurl could not
 *         be initialised).
 */
CLERK_EXTERN clerk_status_t
clerk_loop_new(clerk_loop_t **out, const clerk_loop_options_t *options);

/**
 * Free a loop.  Every call still in flight is cancelled first: its callback
 * runs with CLERK_E_CANCELLED before this function returns.  Must not be
 * called from inside a callback of the loop.
 *
 * @param loop The loop, or NULL (no-op).
 */
CLERK_EXTERN void clerk_loop_free(clerk_loop_t *loop);

/**
 * Number of calls started on the loop whose callback has not run yet.
 *
 * @param loop The loop (NULL: 0).
 * @return The number of calls in flight.
 */
CLERK_EXTERN size_t clerk_loop_in_flight(const clerk_loop_t *loop);

/**
 * Cancel a call: stop its transfer or retry wait and run its callback once,
 * with CLERK_E_CANCELLED, before returning.  Everything the call held is
 * freed (its response goes to the callback as usual).  May be called from
 * inside another call's callback.
 *
 * @param loop The loop the call was started on.
 * @param call The call's id.
 * @return CLERK_OK, or CLERK_E_INVALID_ARG when the loop is NULL or the call
 *         is not in flight (never started, or its callback already ran).
 */
CLERK_EXTERN clerk_status_t
clerk_loop_cancel(clerk_loop_t *loop, clerk_call_id_t call);

/**
 * Set or change a call's deadline: the whole call, counted from its start,
 * must complete within `timeout_ms`, else it fails with CLERK_E_TIMEOUT.  A
 * retry whose wait would end after the deadline is not attempted: the call
 * completes at once with its last attempt's result.
 *
 * @param loop       The loop the call was started on.
 * @param call       The call's id.
 * @param timeout_ms Milliseconds from the call's start (a deadline already
 *                   passed takes effect on the next turn of the loop), or
 *                   0 to remove the deadline.
 * @return CLERK_OK, or CLERK_E_INVALID_ARG when the loop is NULL,
 *         timeout_ms is negative or the call is not in flight.
 */
CLERK_EXTERN clerk_status_t clerk_loop_set_deadline(
    clerk_loop_t *loop, clerk_call_id_t call, long timeout_ms);

/* ------------------------------------------------------------------ */
/* Driver 1: blocking                                                  */
/* ------------------------------------------------------------------ */

/**
 * Drive the loop on this thread until no call is in flight, or until
 * `timeout_ms` has passed.  Callbacks run from inside; they may start more
 * calls, which this function then also waits for.
 *
 * @param loop       The loop.
 * @param timeout_ms Longest time to run, in milliseconds;
 *                   CLERK_TIMEOUT_NONE: no limit; 0: only what can be done
 *                   without waiting.
 * @return CLERK_OK when no call is left in flight, CLERK_E_TIMEOUT when time
 *         ran out first (the calls stay in flight), CLERK_E_INVALID_ARG
 *         (loop is NULL, or called from inside one of its callbacks), or
 *         CLERK_E_TRANSPORT (waiting on the sockets failed).
 */
CLERK_EXTERN clerk_status_t clerk_loop_run(clerk_loop_t *loop, long timeout_ms);

/**
 * Drive the loop until at least one callback has run (or nothing is in
 * flight), or until `timeout_ms` has passed.
 *
 * @param loop       The loop.
 * @param timeout_ms As for clerk_loop_run().
 * @return CLERK_OK when a callback ran or nothing is in flight,
 *         CLERK_E_TIMEOUT, CLERK_E_INVALID_ARG or CLERK_E_TRANSPORT as for
 *         clerk_loop_run().
 */
CLERK_EXTERN clerk_status_t
clerk_loop_run_one(clerk_loop_t *loop, long timeout_ms);

/* ------------------------------------------------------------------ */
/* Driver 2: another event loop                                        */
/* ------------------------------------------------------------------ */

/**
 * Tell the loop that a socket it asked to watch (clerk_loop_socket_fn) is
 * ready.  Runs the transfers on it and the callbacks of calls that complete.
 *
 * @param loop   The loop.
 * @param fd     The socket.
 * @param events What happened: CLERK_POLL_IN, CLERK_POLL_OUT,
 *               CLERK_POLL_ERR, or a combination (0: let the library find
 *               out).
 * @return CLERK_OK, or CLERK_E_INVALID_ARG (loop is NULL, or called from
 *         inside one of its callbacks).
 */
CLERK_EXTERN clerk_status_t clerk_loop_socket_action(
    clerk_loop_t *loop, clerk_socket_t fd, unsigned events);

/**
 * Tell the loop that its timer (clerk_loop_timer_fn) fired.  Runs what is
 * due: transfer timeouts, retries whose wait is over, deadlines, and the
 * callbacks of calls that complete.
 *
 * @param loop The loop.
 * @return CLERK_OK, or CLERK_E_INVALID_ARG (loop is NULL, or called from
 *         inside one of its callbacks).
 */
CLERK_EXTERN clerk_status_t clerk_loop_timeout(clerk_loop_t *loop);

/* ------------------------------------------------------------------ */
/* Driver 3: poll style                                                */
/* ------------------------------------------------------------------ */

/** A socket to wait on and what for (poll style). */
typedef struct clerk_loop_fd {
    clerk_socket_t fd; /**< The socket. */
    unsigned events; /**< CLERK_POLL_IN and/or CLERK_POLL_OUT. */
} clerk_loop_fd_t;

/**
 * The sockets the loop waits on right now.
 *
 * @param loop     The loop.
 * @param[out] fds Receives up to `cap` sockets; may be NULL when cap is 0.
 * @param cap      Room in fds.
 * @return How many sockets there are (may exceed cap: call again with more
 *         room to get all of them).  0 for a NULL loop.
 */
CLERK_EXTERN size_t
clerk_loop_fds(const clerk_loop_t *loop, clerk_loop_fd_t *fds, size_t cap);

/**
 * How long the loop may wait at most before clerk_loop_perform() must be
 * called again, whatever the sockets do.
 *
 * @param loop The loop.
 * @return Milliseconds (0: call clerk_loop_perform() now), or -1 when no
 *         timer is pending (wait for the sockets only).
 */
CLERK_EXTERN long clerk_loop_timeout_ms(const clerk_loop_t *loop);

/**
 * Do everything that can be done without waiting: read and write the ready
 * sockets, run what is due, and run the callbacks of completed calls.
 *
 * @param loop The loop.
 * @return CLERK_OK, CLERK_E_INVALID_ARG (loop is NULL, or called from
 *         inside one of its callbacks), or CLERK_E_TRANSPORT (checking the
 *         sockets failed).
 */
CLERK_EXTERN clerk_status_t clerk_loop_perform(clerk_loop_t *loop);

CLERK_END_DECL

#endif /* CLERK_ASYNC_H */
