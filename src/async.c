/*
 * The async flavour: calls on a curl multi handle, driven by the caller.
 *
 * A call reuses the two outer steps of a synchronous call unchanged
 * (clerk__request_build() when it starts, clerk__response_decode() right
 * before its callback) and replaces the blocking transfer with a small
 * state machine around one pooled easy handle:
 *
 *   start ----> ACTIVE --(curl done)--> retry? --no--> READY --> callback
 *                 ^                       | yes
 *                 +---(timer)--- WAITING <+
 *
 * ACTIVE: the easy handle is in the multi.  WAITING: between attempts; the
 * wait (backoff or Retry-After) is an entry in the loop's timer heap, never
 * a sleep.  READY: the outcome is known and the handle is back in the
 * client's pool; the callback runs on the next turn of the loop (so it
 * never runs from inside the function that started the call).  Cancel and
 * deadlines move a call from any state straight to READY.  One attempt is
 * prepared and classified by the same functions as the blocking loop uses
 * (clerk__handle_prepare(), clerk__attempt_finish(), clerk__retry_allowed(),
 * clerk__retry_wait_ms()), so the two flavours cannot drift apart.
 *
 * Timers: the loop keeps a binary min-heap of calls keyed by their next
 * due time (retry start, deadline, or "now" for an abort), and libcurl's
 * own timer (CURLMOPT_TIMERFUNCTION).  The event-loop driver is told the
 * earlier of the two; the blocking and poll drivers compute it themselves.
 *
 * Sockets: libcurl tells the loop which sockets to watch through
 * CURLMOPT_SOCKETFUNCTION.  The loop always keeps its own table of them
 * (the poll and blocking drivers wait on it with poll()) and forwards each
 * change to the caller's socket_fn when there is one.
 *
 * Re-entrancy: completion callbacks may start and cancel calls; they may
 * not drive the loop (`busy` refuses it).  While the loop is being freed,
 * new calls are refused.
 */
#include "async_internal.h"
#include "ratelimit_internal.h"
#include "runtime_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_HOST_CONNECTIONS 16L
#define DEFAULT_STREAMS          100L
#define NOT_IN_HEAP              ((size_t)-1)
/* Timers this close (ms) to now count as due: poll() and event loops wake
 * in whole milliseconds. */
#define DUE_SLACK_MS 1.0
/* The blocking driver never waits longer than this in one poll(), as a
 * safety net should a timer ever go missing. */
#define MAX_POLL_MS 1000L
/* How often a call whose client (a view) has a cancel token looks at it:
 * an idle transfer gets no progress callbacks under the multi-socket API. */
#define TOKEN_POLL_MS 20.0

typedef enum call_state {
    CALL_NEW = 0, /* being started */
    CALL_QUEUED,  /* waiting for its origin to admit another transfer */
    CALL_ACTIVE,  /* the easy handle is in the multi */
    CALL_WAITING, /* between attempts: a retry timer runs */
    CALL_READY    /* outcome known; in the ready queue */
} call_state_t;

typedef struct origin origin_t;

typedef struct call {
    clerk_loop_t *loop;
    origin_t *origin;
    struct call *queue_next; /* CALL_QUEUED: the origin's queue */
    clerk_call_id_t id;
    call_state_t state;
    struct call *prev; /* the loop's calls in flight */
    struct call *next;
    struct call *ready_next; /* the ready queue */

    size_t heap_index;  /* NOT_IN_HEAP unless a timer runs */
    double due;         /* heap key: absolute ms */
    double wake_at;     /* CALL_WAITING: start of the next attempt */
    double deadline_at; /* 0: none */
    long deadline_ms;
    double token_at; /* next look at the client's cancel token; 0: none */
    clerk_status_t abort_status; /* != CLERK_OK: fail on the next turn */
    const char *abort_message;

    clerk_client_t *client;
    const clerk__op_t *op;
    clerk__request_t req;
    clerk__reply_t reply;
    clerk__handle_t *handle;
    curl_mime *mime;
    bool broken; /* the handle must not go back to the pool */
    unsigned attempt;
    double start_ms;
    double attempt_t0;
    uint64_t rng;
    bool rate_slot; /* holds a slot of the client's rate limit */

    void *response; /* the block handed to the callback */
    clerk__meta_block_t *block;
    void **data; /* the response's data member, or NULL (bodiless) */
    clerk__deliver_fn deliver;
    clerk__async_cb_t cb;
    void *payload;
} call_t;

/* Where calls go ("https://host:port"), and how many transfers to it the
 * loop lets into the multi at once: one connection's worth of streams
 * once the server is known to multiplex (HTTP/2), else one per connection
 * of the pool.  Without this, libcurl opens a new connection for each call
 * that finds the first connection's streams taken, and calls waiting for a
 * pooled HTTP/1.1 connection inside libcurl have their timeout running. */
struct origin {
    struct origin *next;
    char *key;
    size_t active; /* transfers in the multi */
    int multiplex; /* 1: HTTP/2 seen; 0: HTTP/1.x seen; -1: not known */
    bool tls;      /* https: may multiplex (ALPN) */
    call_t *queue_head;
    call_t *queue_tail;
};

/* A socket libcurl asked to watch. */
typedef struct sock {
    curl_socket_t fd;
    unsigned events; /* CLERK_POLL_IN | CLERK_POLL_OUT */
    void *user;      /* the socket_fn's slot */
    size_t index;    /* in loop->socks */
} sock_t;

struct clerk_loop {
    CURLM *multi;
    clerk_loop_socket_fn socket_fn;
    clerk_loop_timer_fn timer_fn;
    void *payload;
    long deadline_ms;
    bool multiplex;
    size_t max_streams; /* admitted per multiplexing origin */
    size_t max_hosts;   /* admitted per other origin */
    origin_t *origins;

    uint64_t next_id;
    call_t *calls; /* every call whose callback has not run */
    size_t count;
    call_t *ready_head;
    call_t *ready_tail;
    size_t delivered; /* callbacks run so far */

    call_t **heap;
    size_t heap_len;
    size_t heap_cap;
    double curl_due; /* libcurl's timer, absolute ms; < 0: none */
    double told_due; /* what timer_fn was last told; -2: nothing yet */

    sock_t **socks;
    size_t sock_count;
    size_t sock_cap;
    struct pollfd *pfds;
    size_t pfd_cap;

    unsigned busy;    /* > 0: a driver or a callback is running */
    unsigned callout; /* > 0: inside a hook, socket_fn or timer_fn, where
                         no loop function may be called */
    bool closing;     /* clerk_loop_free() has begun: no new calls */
    bool silent;      /* socket_fn was told to stop watching everything */
};

/* ------------------------------------------------------------------ */
/* Timer heap                                                          */
/* ------------------------------------------------------------------ */

static void heap_set(clerk_loop_t *loop, size_t i, call_t *call)
{
    loop->heap[i] = call;
    call->heap_index = i;
}

static void heap_up(clerk_loop_t *loop, size_t i)
{
    call_t *call = loop->heap[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!(call->due < loop->heap[parent]->due)) {
            break;
        }
        heap_set(loop, i, loop->heap[parent]);
        i = parent;
    }
    heap_set(loop, i, call);
}

static void heap_down(clerk_loop_t *loop, size_t i)
{
    call_t *call = loop->heap[i];

    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= loop->heap_len) {
            break;
        }
        if (child + 1 < loop->heap_len &&
            loop->heap[child + 1]->due < loop->heap[child]->due) {
            child++;
        }
        if (!(loop->heap[child]->due < call->due)) {
            break;
        }
        heap_set(loop, i, loop->heap[child]);
        i = child;
    }
    heap_set(loop, i, call);
}

static void heap_remove(clerk_loop_t *loop, call_t *call)
{
    size_t i = call->heap_index;
    call_t *last;

    if (i == NOT_IN_HEAP) {
        return;
    }
    call->heap_index = NOT_IN_HEAP;
    last = loop->heap[--loop->heap_len];
    if (last == call) {
        return;
    }
    loop->heap[i] = last;
    last->heap_index = i;
    heap_up(loop, i);
    heap_down(loop, last->heap_index);
}

/* The call's next due time from its state, or < 0 when nothing is due. */
static double call_due(const call_t *call)
{
    double due = -1.0;

    if (call->state == CALL_READY) {
        return -1.0;
    }
    if (call->abort_status != CLERK_OK) {
        return 0.0; /* at once */
    }
    if (call->state == CALL_WAITING) {
        due = call->wake_at;
    }
    if (call->deadline_at > 0.0 && (due < 0.0 || call->deadline_at < due)) {
        due = call->deadline_at;
    }
    if (call->token_at > 0.0 && (due < 0.0 || call->token_at < due)) {
        due = call->token_at;
    }
    return due;
}

/* Put the call where its state says in the heap.  Only fails (false) when
 * the heap cannot grow. */
static bool heap_update(clerk_loop_t *loop, call_t *call)
{
    double due = call_due(call);
    call_t **grown;
    size_t cap;

    if (due < 0.0) {
        heap_remove(loop, call);
        return true;
    }
    if (call->heap_index != NOT_IN_HEAP) {
        call->due = due;
        heap_up(loop, call->heap_index);
        heap_down(loop, call->heap_index);
        return true;
    }
    if (loop->heap_len == loop->heap_cap) {
        cap = loop->heap_cap == 0 ? 16 : loop->heap_cap * 2;
        grown = realloc(loop->heap, cap * sizeof(*grown));
        if (grown == NULL) {
            return false;
        }
        loop->heap = grown;
        loop->heap_cap = cap;
    }
    call->due = due;
    loop->heap[loop->heap_len] = call;
    call->heap_index = loop->heap_len++;
    heap_up(loop, call->heap_index);
    return true;
}

/* ------------------------------------------------------------------ */
/* The event loop's timer                                              */
/* ------------------------------------------------------------------ */

/* When the loop must next be driven (absolute ms), or < 0: only when a
 * socket is ready. */
static double next_due(const clerk_loop_t *loop)
{
    double due = loop->curl_due;

    if (loop->ready_head != NULL) {
        return 0.0; /* callbacks to run: at once */
    }
    if (loop->heap_len > 0 && (due < 0.0 || loop->heap[0]->due < due)) {
        due = loop->heap[0]->due;
    }
    return due;
}

static long due_to_ms(double due, double now)
{
    double ms = due - now;
    long whole;

    if (due < 0.0) {
        return -1;
    }
    if (!(ms > 0.0)) {
        return 0;
    }
    if (ms > (double)(1L << 30)) {
        return 1L << 30;
    }
    whole = (long)ms; /* rounded up: waking early would only spin */
    return (double)whole < ms ? whole + 1 : whole;
}

/* Tell the event loop when to fire, if that changed. */
static void sync_timer(clerk_loop_t *loop)
{
    double due;

    if (loop->timer_fn == NULL || loop->closing) {
        return;
    }
    due = next_due(loop);
    if (due == loop->told_due) {
        return;
    }
    loop->told_due = due;
    loop->callout++;
    loop->timer_fn(due_to_ms(due, clerk__now_ms()), loop->payload);
    loop->callout--;
}

/* ------------------------------------------------------------------ */
/* Calls                                                               */
/* ------------------------------------------------------------------ */

static call_t *find_call(const clerk_loop_t *loop, clerk_call_id_t id)
{
    call_t *call;

    for (call = loop->calls; call != NULL; call = call->next) {
        if (call->id == id) {
            return call;
        }
    }
    return NULL;
}

static void unlink_call(clerk_loop_t *loop, call_t *call)
{
    if (call->prev != NULL) {
        call->prev->next = call->next;
    } else {
        loop->calls = call->next;
    }
    if (call->next != NULL) {
        call->next->prev = call->prev;
    }
    call->prev = NULL;
    call->next = NULL;
    loop->count--;
}

static void ready_remove(clerk_loop_t *loop, call_t *call)
{
    call_t **link = &loop->ready_head;
    call_t *prev = NULL;

    while (*link != NULL && *link != call) {
        prev = *link;
        link = &(*link)->ready_next;
    }
    if (*link == NULL) {
        return;
    }
    *link = call->ready_next;
    if (loop->ready_tail == call) {
        loop->ready_tail = prev;
    }
    call->ready_next = NULL;
}

static void admit(clerk_loop_t *loop, origin_t *origin);

static void queue_remove(origin_t *origin, call_t *call)
{
    call_t **link = &origin->queue_head;
    call_t *prev = NULL;

    while (*link != NULL && *link != call) {
        prev = *link;
        link = &(*link)->queue_next;
    }
    if (*link == NULL) {
        return;
    }
    *link = call->queue_next;
    if (origin->queue_tail == call) {
        origin->queue_tail = prev;
    }
    call->queue_next = NULL;
}

/* The call's transfer leaves the multi: let a queued one in. */
static void leave_multi(clerk_loop_t *loop, call_t *call)
{
    (void)curl_multi_remove_handle(loop->multi, call->handle->curl);
    call->origin->active--;
    if (!loop->closing) {
        admit(loop, call->origin);
    }
}

/* Take the call out of the multi (or its queue) and the heap and give its
 * handle back. */
static void detach(clerk_loop_t *loop, call_t *call)
{
    if (call->state == CALL_ACTIVE) {
        call->state = CALL_NEW;
        leave_multi(loop, call);
    } else if (call->state == CALL_QUEUED) {
        call->state = CALL_NEW;
        queue_remove(call->origin, call);
    }
    heap_remove(loop, call);
    if (call->mime != NULL) {
        curl_mime_free(call->mime);
        call->mime = NULL;
    }
    if (call->handle != NULL) {
        clerk__handle_release(call->client, call->handle, call->broken);
        call->handle = NULL;
    }
}

/* Replace the outcome: no HTTP response, the given status and message. */
static void set_outcome(call_t *call, clerk_status_t st, const char *message)
{
    clerk__reply_t *r = &call->reply;

    r->status = st;
    r->http_status = 0;
    r->too_large = false;
    r->body.len = 0;
    if (r->body.data != NULL) {
        r->body.data[0] = '\0';
    }
    r->headers.count = 0;
    r->headers.store.len = 0;
    snprintf(r->message, sizeof(r->message), "%s", message);
}

/* The outcome is known: queue the callback. */
static void make_ready(clerk_loop_t *loop, call_t *call)
{
    detach(loop, call);
    call->state = CALL_READY;
    call->reply.elapsed_ms = clerk__now_ms() - call->start_ms;
    call->ready_next = NULL;
    if (loop->ready_tail != NULL) {
        loop->ready_tail->ready_next = call;
    } else {
        loop->ready_head = call;
    }
    loop->ready_tail = call;
}

static void fail_call(
    clerk_loop_t *loop, call_t *call, clerk_status_t st, const char *message)
{
    detach(loop, call);
    set_outcome(call, st, message);
    make_ready(loop, call);
}

/* Decode, free the call, run its callback. */
static void deliver_call(clerk_loop_t *loop, call_t *call)
{
    void *response = call->response;
    clerk__deliver_fn deliver = call->deliver;
    clerk__async_cb_t cb = call->cb;
    void *payload = call->payload;

    unlink_call(loop, call);
    clerk__response_decode(
        call->client, call->op, &call->reply, call->data, call->block);
    clerk__request_free(&call->req);
    clerk__reply_free(&call->reply);
    free(call);
    loop->delivered++;
    loop->busy++;
    deliver(response, cb, payload);
    loop->busy--;
}

static void deliver_ready(clerk_loop_t *loop)
{
    call_t *call;

    while (loop->ready_head != NULL) {
        call = loop->ready_head;
        loop->ready_head = call->ready_next;
        if (loop->ready_head == NULL) {
            loop->ready_tail = NULL;
        }
        call->ready_next = NULL;
        deliver_call(loop, call);
    }
}

/* ------------------------------------------------------------------ */
/* Attempts                                                            */
/* ------------------------------------------------------------------ */

static size_t origin_limit(const clerk_loop_t *loop, const origin_t *o)
{
    bool may = o->multiplex == 1 || (o->multiplex == -1 && o->tls);

    return loop->multiplex && may ? loop->max_streams : loop->max_hosts;
}

static void attempt_begin(clerk_loop_t *loop, call_t *call)
{
    clerk_status_t st;
    CURLMcode mc;

    call->attempt++;
    loop->callout++; /* the request hook runs */
    st = clerk__attempt_begin(
        call->client, &call->req, call->handle, &call->reply, call->attempt);
    loop->callout--;
    if (st != CLERK_OK) {
        char text[sizeof(call->reply.message)];

        snprintf(text, sizeof(text), "%s", call->reply.message);
        fail_call(loop, call, st, text);
        return;
    }
    call->attempt_t0 = clerk__now_ms();
    mc = curl_multi_add_handle(loop->multi, call->handle->curl);
    if (mc != CURLM_OK) {
        char text[160];

        snprintf(
            text, sizeof(text), "could not start the transfer: %s",
            curl_multi_strerror(mc));
        fail_call(
            loop, call,
            mc == CURLM_OUT_OF_MEMORY ? CLERK_E_NOMEM : CLERK_E_TRANSPORT,
            text);
        return;
    }
    call->state = CALL_ACTIVE;
    call->origin->active++;
    if (!heap_update(loop, call)) {
        fail_call(loop, call, CLERK_E_NOMEM, "out of memory");
    }
}

/* Client-side rate limit (src/ratelimit.c): a call without a slot
 * reserves one and, when it is not free yet, waits for it on its timer
 * (run_timers() calls attempt_start() again), never blocking the loop.
 * True when the call must wait (or failed). */
static bool rate_limit_wait(clerk_loop_t *loop, call_t *call)
{
    char text[160];
    double wait;

    if (call->client->ratelimit == NULL || call->rate_slot) {
        call->rate_slot = false; /* the slot it waited for has come */
        return false;
    }
    wait = clerk__ratelimit_reserve(
        call->client->ratelimit,
        call->deadline_at > 0.0 ? call->deadline_at - clerk__now_ms() : -1);
    if (wait == 0.0) {
        return false;
    }
    if (wait < 0.0) {
        clerk__ratelimit_message(call->client->ratelimit, text, sizeof(text));
        fail_call(loop, call, CLERK_E_TIMEOUT, text);
        return true;
    }
    call->rate_slot = true;
    call->state = CALL_WAITING;
    /* Timers fire up to DUE_SLACK_MS early; the slot must not. */
    call->wake_at = clerk__now_ms() + wait + DUE_SLACK_MS;
    if (!heap_update(loop, call)) {
        fail_call(loop, call, CLERK_E_NOMEM, "out of memory");
    }
    return true;
}

/* Start the next attempt now, or queue it until the origin admits it. */
static void attempt_start(clerk_loop_t *loop, call_t *call)
{
    origin_t *o = call->origin;

    if (rate_limit_wait(loop, call)) {
        return;
    }

    if (o->active < origin_limit(loop, o) && o->queue_head == NULL) {
        attempt_begin(loop, call);
        return;
    }
    call->state = CALL_QUEUED;
    call->queue_next = NULL;
    if (o->queue_tail != NULL) {
        o->queue_tail->queue_next = call;
    } else {
        o->queue_head = call;
    }
    o->queue_tail = call;
}

static void admit(clerk_loop_t *loop, origin_t *o)
{
    call_t *call;

    while (o->queue_head != NULL && o->active < origin_limit(loop, o)) {
        call = o->queue_head;
        o->queue_head = call->queue_next;
        if (o->queue_head == NULL) {
            o->queue_tail = NULL;
        }
        call->queue_next = NULL;
        call->state = CALL_NEW;
        attempt_begin(loop, call);
    }
}

/* libcurl finished an attempt: classify it, then retry or complete. */
static void attempt_done(clerk_loop_t *loop, call_t *call, CURLcode rc)
{
    clerk__reply_t *r = &call->reply;
    unsigned wait;
    long version = 0;

    loop->callout++; /* the response hook runs */
    clerk__attempt_end(
        call->client, &call->req, call->handle, r, rc, call->attempt_t0);
    loop->callout--;
    /* What the server speaks decides how many calls go to it at once. */
    if (r->http_status > 0 &&
        curl_easy_getinfo(
            call->handle->curl, CURLINFO_HTTP_VERSION, &version) == CURLE_OK &&
        version != 0) {
        call->origin->multiplex = version >= CURL_HTTP_VERSION_2_0 ? 1 : 0;
    }
    /* Only now may the next queued call begin (after this one's response
     * hook, so hooks see no more calls at once than the limits allow). */
    call->state = CALL_WAITING;
    leave_multi(loop, call);
    if (!clerk__attempt_next(
            call->client, &call->req, r, rc, call->deadline_at, &call->rng,
            &wait)) {
        /* Done, or the next attempt could not finish in time: the last
         * result stands. */
        make_ready(loop, call);
        return;
    }
    call->wake_at = clerk__now_ms() + (double)wait;
    if (!heap_update(loop, call)) {
        make_ready(loop, call);
    }
}

static void run_timers(clerk_loop_t *loop)
{
    double now = clerk__now_ms();
    char text[96];
    call_t *call;

    while (loop->heap_len > 0 && loop->heap[0]->due <= now + DUE_SLACK_MS) {
        call = loop->heap[0];
        heap_remove(loop, call);
        if (call->abort_status != CLERK_OK) {
            fail_call(loop, call, call->abort_status, call->abort_message);
        } else if (clerk__cancelled(call->client->cancel)) {
            fail_call(
                loop, call, CLERK_E_CANCELLED,
                "cancelled by the call's cancel token");
        } else if (
            call->deadline_at > 0.0 &&
            call->deadline_at <= now + DUE_SLACK_MS) {
            snprintf(
                text, sizeof(text), "%s: the call's deadline of %ld ms passed",
                clerk_status_str(CLERK_E_TIMEOUT), call->deadline_ms);
            fail_call(loop, call, CLERK_E_TIMEOUT, text);
        } else if (
            call->state == CALL_WAITING &&
            call->wake_at <= now + DUE_SLACK_MS) {
            attempt_start(loop, call);
        } else if (
            call->token_at > 0.0 && call->token_at <= now + DUE_SLACK_MS) {
            call->token_at = now + TOKEN_POLL_MS;
            if (!heap_update(loop, call)) {
                fail_call(loop, call, CLERK_E_NOMEM, "out of memory");
            }
        } else if (!heap_update(loop, call)) {
            fail_call(loop, call, CLERK_E_NOMEM, "out of memory");
        }
    }
}

/* Make the call fail on the next turn of the loop (used from inside curl
 * callbacks, where the handle cannot be removed). */
static void abort_soon(
    clerk_loop_t *loop, CURL *easy, clerk_status_t st, const char *message)
{
    char *priv = NULL;
    call_t *call;

    if (easy == NULL ||
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv) != CURLE_OK ||
        priv == NULL) {
        return;
    }
    call = (call_t *)(void *)priv;
    if (call->abort_status != CLERK_OK) {
        return;
    }
    call->abort_status = st;
    call->abort_message = message;
    if (!heap_update(loop, call)) {
        /* Without room in the heap the call still ends through curl's own
         * timeouts. */
        call->abort_status = CLERK_OK;
    }
}

/* ------------------------------------------------------------------ */
/* libcurl callbacks                                                   */
/* ------------------------------------------------------------------ */

static void sock_remove(clerk_loop_t *loop, sock_t *sk)
{
    size_t i = sk->index;

    loop->socks[i] = loop->socks[--loop->sock_count];
    loop->socks[i]->index = i;
    free(sk);
}

static sock_t *sock_add(clerk_loop_t *loop, curl_socket_t fd)
{
    sock_t **grown;
    sock_t *sk;
    size_t cap;

    if (loop->sock_count == loop->sock_cap) {
        cap = loop->sock_cap == 0 ? 16 : loop->sock_cap * 2;
        grown = realloc(loop->socks, cap * sizeof(*grown));
        if (grown == NULL) {
            return NULL;
        }
        loop->socks = grown;
        loop->sock_cap = cap;
    }
    sk = calloc(1, sizeof(*sk));
    if (sk == NULL) {
        return NULL;
    }
    sk->fd = fd;
    sk->index = loop->sock_count;
    loop->socks[loop->sock_count++] = sk;
    return sk;
}

static int on_socket(
    CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    clerk_loop_t *loop = userp;
    sock_t *sk = socketp;
    bool tell = loop->socket_fn != NULL && !loop->silent;
    int refused;

    if (what == CURL_POLL_REMOVE) {
        if (sk != NULL) {
            if (tell) {
                loop->callout++;
                (void)loop->socket_fn(
                    (clerk_socket_t)fd, CLERK_POLL_REMOVE, &sk->user,
                    loop->payload);
                loop->callout--;
            }
            sock_remove(loop, sk);
        }
        return 0;
    }
    if (sk == NULL) {
        sk = sock_add(loop, fd);
        if (sk == NULL || curl_multi_assign(loop->multi, fd, sk) != CURLM_OK) {
            if (sk != NULL) {
                sock_remove(loop, sk);
            }
            abort_soon(loop, easy, CLERK_E_NOMEM, "out of memory");
            return 0;
        }
    }
    sk->events = ((what & CURL_POLL_IN) != 0 ? CLERK_POLL_IN : 0u) |
                 ((what & CURL_POLL_OUT) != 0 ? CLERK_POLL_OUT : 0u);
    if (!tell) {
        return 0;
    }
    loop->callout++;
    refused = loop->socket_fn(
        (clerk_socket_t)fd, sk->events, &sk->user, loop->payload);
    loop->callout--;
    if (refused != 0) {
        abort_soon(
            loop, easy, CLERK_E_TRANSPORT,
            "transport error: the event loop could not watch a socket");
    }
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    clerk_loop_t *loop = userp;

    (void)multi;
    loop->curl_due =
        timeout_ms < 0 ? -1.0 : clerk__now_ms() + (double)timeout_ms;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Turning the crank                                                   */
/* ------------------------------------------------------------------ */

/* Collect finished attempts, run due timers, run callbacks. */
static void process(clerk_loop_t *loop)
{
    CURLMsg *msg;
    char *priv;
    int left;

    for (;;) {
        msg = curl_multi_info_read(loop->multi, &left);
        if (msg == NULL) {
            break;
        }
        priv = NULL;
        if (msg->msg != CURLMSG_DONE ||
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv) !=
                CURLE_OK ||
            priv == NULL) {
            continue;
        }
        attempt_done(loop, (call_t *)(void *)priv, msg->data.result);
    }
    run_timers(loop);
    deliver_ready(loop);
}

static void curl_action(clerk_loop_t *loop, curl_socket_t fd, int mask)
{
    int running = 0;

    (void)curl_multi_socket_action(loop->multi, fd, mask, &running);
}

/* Run libcurl's timer when it is due. */
static void curl_timeout(clerk_loop_t *loop)
{
    long ms = -1;

    if (loop->curl_due < 0.0 ||
        loop->curl_due > clerk__now_ms() + DUE_SLACK_MS) {
        return;
    }
    loop->curl_due = -1.0;
    curl_action(loop, CURL_SOCKET_TIMEOUT, 0);
    /* The timer callback is only called on changes; read the timer back
     * so a stale due time can never make the loop spin. */
    if (curl_multi_timeout(loop->multi, &ms) == CURLM_OK) {
        loop->curl_due = ms < 0 ? -1.0 : clerk__now_ms() + (double)ms;
    }
}

static int curl_mask(unsigned events)
{
    return ((events & CLERK_POLL_IN) != 0 ? CURL_CSELECT_IN : 0) |
           ((events & CLERK_POLL_OUT) != 0 ? CURL_CSELECT_OUT : 0) |
           ((events & CLERK_POLL_ERR) != 0 ? CURL_CSELECT_ERR : 0);
}

/* poll() the loop's sockets for up to wait_ms, act on what is ready, run
 * what is due. */
static clerk_status_t poll_once(clerk_loop_t *loop, long wait_ms)
{
    struct pollfd *grown;
    size_t n = loop->sock_count;
    size_t i;
    int rc;

    if (n > loop->pfd_cap) {
        grown = realloc(loop->pfds, n * sizeof(*grown));
        if (grown == NULL) {
            return CLERK_E_NOMEM;
        }
        loop->pfds = grown;
        loop->pfd_cap = n;
    }
    for (i = 0; i < n; i++) {
        loop->pfds[i].fd = loop->socks[i]->fd;
        loop->pfds[i].events =
            (short)(((loop->socks[i]->events & CLERK_POLL_IN) != 0 ? POLLIN
                                                                  : 0) |
                    ((loop->socks[i]->events & CLERK_POLL_OUT) != 0 ? POLLOUT
                                                                   : 0));
        loop->pfds[i].revents = 0;
    }
    rc = poll(n > 0 ? loop->pfds : NULL, (nfds_t)n, (int)wait_ms);
    if (rc < 0 && errno != EINTR) {
        return CLERK_E_TRANSPORT;
    }
    for (i = 0; rc > 0 && i < n; i++) {
        short re = loop->pfds[i].revents;

        if (re == 0) {
            continue;
        }
        curl_action(
            loop, loop->pfds[i].fd,
            ((re & POLLIN) != 0 ? CURL_CSELECT_IN : 0) |
                ((re & POLLOUT) != 0 ? CURL_CSELECT_OUT : 0) |
                ((re & (POLLERR | POLLHUP | POLLNVAL)) != 0 ? CURL_CSELECT_ERR
                                                            : 0));
    }
    curl_timeout(loop);
    process(loop);
    return CLERK_OK;
}

typedef enum run_mode { RUN_ALL, RUN_ONE } run_mode_t;

static clerk_status_t run(clerk_loop_t *loop, long timeout_ms, run_mode_t mode)
{
    double end;
    double now;
    double due;
    size_t target;
    long wait = 0;
    clerk_status_t st;

    if (loop == NULL || loop->busy > 0 || loop->callout > 0 || loop->closing) {
        return CLERK_E_INVALID_ARG;
    }
    loop->busy++;
    end = timeout_ms < 0 ? -1.0 : clerk__now_ms() + (double)timeout_ms;
    target = loop->delivered + 1;
    for (;;) {
        st = poll_once(loop, wait);
        if (st != CLERK_OK) {
            break;
        }
        if (loop->count == 0 ||
            (mode == RUN_ONE && loop->delivered >= target)) {
            break;
        }
        now = clerk__now_ms();
        if (end >= 0.0 && now >= end) {
            st = CLERK_E_TIMEOUT;
            break;
        }
        due = next_due(loop);
        wait = due_to_ms(due, now);
        if (wait < 0 || wait > MAX_POLL_MS) {
            wait = MAX_POLL_MS;
        }
        if (end >= 0.0 && (double)wait > end - now) {
            wait = due_to_ms(end, now);
        }
    }
    loop->busy--;
    sync_timer(loop);
    return st;
}

/* ------------------------------------------------------------------ */
/* Public: loop                                                        */
/* ------------------------------------------------------------------ */

static bool bad_limit(long v)
{
    return v < 0 && v != CLERK_LOOP_UNLIMITED;
}

clerk_status_t clerk_loop_new(
    clerk_loop_t **out, const clerk_loop_options_t *options)
{
    static const clerk_loop_options_t defaults = { 0 };
    const clerk_loop_options_t *o = options != NULL ? options : &defaults;
    clerk_loop_t *loop = NULL;
    long hosts;
    long streams;
    clerk_status_t st = CLERK_E_INVALID_ARG;

    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (bad_limit(o->max_host_connections) ||
        bad_limit(o->max_total_connections) ||
        bad_limit(o->max_concurrent_streams) || o->deadline_ms < 0 ||
        (o->socket_fn == NULL) != (o->timer_fn == NULL)) {
        goto done;
    }
    st = clerk_global_init();
    if (st != CLERK_OK) {
        goto done;
    }
    st = CLERK_E_NOMEM;
    loop = calloc(1, sizeof(*loop));
    if (loop == NULL) {
        goto done;
    }
    loop->socket_fn = o->socket_fn;
    loop->timer_fn = o->timer_fn;
    loop->payload = o->payload;
    loop->deadline_ms = o->deadline_ms;
    loop->multiplex = !o->no_multiplex;
    loop->max_hosts = o->max_host_connections == 0
                          ? (size_t)DEFAULT_HOST_CONNECTIONS
                      : o->max_host_connections == CLERK_LOOP_UNLIMITED
                          ? SIZE_MAX
                          : (size_t)o->max_host_connections;
    loop->max_streams = o->max_concurrent_streams == 0 ? (size_t)DEFAULT_STREAMS
                        : o->max_concurrent_streams == CLERK_LOOP_UNLIMITED
                            ? SIZE_MAX
                            : (size_t)o->max_concurrent_streams;
    loop->curl_due = -1.0;
    loop->told_due = -2.0;
    loop->multi = curl_multi_init();
    if (loop->multi == NULL) {
        goto done;
    }
    hosts = o->max_host_connections == 0 ? DEFAULT_HOST_CONNECTIONS
            : o->max_host_connections == CLERK_LOOP_UNLIMITED
                ? 0
                : o->max_host_connections;
    streams = o->max_concurrent_streams == 0 ? DEFAULT_STREAMS
              : o->max_concurrent_streams == CLERK_LOOP_UNLIMITED
                  ? (long)INT32_MAX
                  : o->max_concurrent_streams;
    if (curl_multi_setopt(loop->multi, CURLMOPT_SOCKETFUNCTION, on_socket) !=
            CURLM_OK ||
        curl_multi_setopt(loop->multi, CURLMOPT_SOCKETDATA, loop) != CURLM_OK ||
        curl_multi_setopt(loop->multi, CURLMOPT_TIMERFUNCTION, on_timer) !=
            CURLM_OK ||
        curl_multi_setopt(loop->multi, CURLMOPT_TIMERDATA, loop) != CURLM_OK ||
        curl_multi_setopt(
            loop->multi, CURLMOPT_PIPELINING,
            loop->multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING) !=
            CURLM_OK ||
        curl_multi_setopt(loop->multi, CURLMOPT_MAX_HOST_CONNECTIONS, hosts) !=
            CURLM_OK ||
        curl_multi_setopt(
            loop->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
            o->max_total_connections > 0 ? o->max_total_connections : 0L) !=
            CURLM_OK ||
        curl_multi_setopt(
            loop->multi, CURLMOPT_MAX_CONCURRENT_STREAMS, streams) !=
            CURLM_OK) {
        goto done;
    }
    *out = loop;
    loop = NULL;
    st = CLERK_OK;
done:
    clerk_loop_free(loop);
    return st;
}

/* Cancel one call now: its callback runs before this returns. */
static void cancel_call(clerk_loop_t *loop, call_t *call, const char *message)
{
    if (call->state == CALL_READY) {
        ready_remove(loop, call);
    } else {
        detach(loop, call);
    }
    set_outcome(call, CLERK_E_CANCELLED, message);
    call->state = CALL_READY;
    call->reply.elapsed_ms = clerk__now_ms() - call->start_ms;
    deliver_call(loop, call);
}

void clerk_loop_free(clerk_loop_t *loop)
{
    size_t i;

    if (loop == NULL) {
        return;
    }
    loop->busy++;
    /* From here on no new call starts, so this ends even when callbacks
     * try to start more. */
    loop->closing = true;
    while (loop->calls != NULL) {
        cancel_call(loop, loop->calls, "cancelled: the loop was freed");
    }
    /* Let the event loop stop watching while the sockets are still open;
     * libcurl closes them below. */
    loop->silent = true;
    if (loop->socket_fn != NULL) {
        loop->callout++;
        for (i = 0; i < loop->sock_count; i++) {
            (void)loop->socket_fn(
                (clerk_socket_t)loop->socks[i]->fd, CLERK_POLL_REMOVE,
                &loop->socks[i]->user, loop->payload);
        }
        loop->callout--;
    }
    if (loop->timer_fn != NULL && loop->told_due != -1.0) {
        loop->callout++;
        loop->timer_fn(-1, loop->payload);
        loop->callout--;
    }
    if (loop->multi != NULL) {
        curl_multi_cleanup(loop->multi);
    }
    for (i = 0; i < loop->sock_count; i++) {
        free(loop->socks[i]);
    }
    while (loop->origins != NULL) {
        origin_t *next = loop->origins->next;

        free(loop->origins->key);
        free(loop->origins);
        loop->origins = next;
    }
    free(loop->socks);
    free(loop->heap);
    free(loop->pfds);
    free(loop);
}

size_t clerk_loop_in_flight(const clerk_loop_t *loop)
{
    return loop != NULL ? loop->count : 0;
}

clerk_status_t clerk_loop_cancel(clerk_loop_t *loop, clerk_call_id_t id)
{
    call_t *call;

    if (loop == NULL || id == 0 || loop->callout > 0) {
        return CLERK_E_INVALID_ARG;
    }
    call = find_call(loop, id);
    if (call == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    cancel_call(loop, call, "cancelled by clerk_loop_cancel()");
    sync_timer(loop);
    return CLERK_OK;
}

clerk_status_t clerk_loop_set_deadline(
    clerk_loop_t *loop, clerk_call_id_t id, long timeout_ms)
{
    call_t *call;

    if (loop == NULL || id == 0 || timeout_ms < 0 || loop->callout > 0) {
        return CLERK_E_INVALID_ARG;
    }
    call = find_call(loop, id);
    if (call == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    if (call->state == CALL_READY) {
        return CLERK_OK; /* the outcome is known already */
    }
    call->deadline_ms = timeout_ms;
    call->deadline_at =
        timeout_ms == 0 ? 0.0 : call->start_ms + (double)timeout_ms;
    if (!heap_update(loop, call)) {
        return CLERK_E_NOMEM;
    }
    sync_timer(loop);
    return CLERK_OK;
}

/* ------------------------------------------------------------------ */
/* Public: drivers                                                     */
/* ------------------------------------------------------------------ */

clerk_status_t clerk_loop_run(clerk_loop_t *loop, long timeout_ms)
{
    return run(loop, timeout_ms, RUN_ALL);
}

clerk_status_t clerk_loop_run_one(clerk_loop_t *loop, long timeout_ms)
{
    return run(loop, timeout_ms, RUN_ONE);
}

clerk_status_t clerk_loop_socket_action(
    clerk_loop_t *loop, clerk_socket_t fd, unsigned events)
{
    if (loop == NULL || loop->busy > 0 || loop->callout > 0 || loop->closing) {
        return CLERK_E_INVALID_ARG;
    }
    loop->busy++;
    curl_action(loop, (curl_socket_t)fd, curl_mask(events));
    curl_timeout(loop);
    process(loop);
    loop->busy--;
    sync_timer(loop);
    return CLERK_OK;
}

clerk_status_t clerk_loop_timeout(clerk_loop_t *loop)
{
    if (loop == NULL || loop->busy > 0 || loop->callout > 0 || loop->closing) {
        return CLERK_E_INVALID_ARG;
    }
    loop->busy++;
    /* The one-shot timer fired: whatever is due next must be told again. */
    loop->told_due = -2.0;
    curl_timeout(loop);
    process(loop);
    loop->busy--;
    sync_timer(loop);
    return CLERK_OK;
}

size_t clerk_loop_fds(
    const clerk_loop_t *loop, clerk_loop_fd_t *fds, size_t cap)
{
    size_t i;

    if (loop == NULL) {
        return 0;
    }
    for (i = 0; fds != NULL && i < cap && i < loop->sock_count; i++) {
        fds[i].fd = (clerk_socket_t)loop->socks[i]->fd;
        fds[i].events = loop->socks[i]->events;
    }
    return loop->sock_count;
}

long clerk_loop_timeout_ms(const clerk_loop_t *loop)
{
    if (loop == NULL) {
        return -1;
    }
    return due_to_ms(next_due(loop), clerk__now_ms());
}

clerk_status_t clerk_loop_perform(clerk_loop_t *loop)
{
    clerk_status_t st;

    if (loop == NULL || loop->busy > 0 || loop->callout > 0 || loop->closing) {
        return CLERK_E_INVALID_ARG;
    }
    loop->busy++;
    st = poll_once(loop, 0);
    loop->busy--;
    sync_timer(loop);
    return st;
}

/* ------------------------------------------------------------------ */
/* Starting a call (generated code's entry point)                      */
/* ------------------------------------------------------------------ */

static bool is_https(const char *url)
{
    static const char scheme[] = "https://";
    size_t i;

    for (i = 0; scheme[i] != '\0'; i++) {
        char ch = url[i];

        if (ch >= 'A' && ch <= 'Z') {
            ch = (char)(ch - 'A' + 'a');
        }
        if (ch != scheme[i]) {
            return false;
        }
    }
    return true;
}

/* The origin of a URL built by clerk__request_build(): everything before
 * the first '/' after "://" (there always is one: the path). */
static origin_t *origin_of(clerk_loop_t *loop, const char *url)
{
    const char *scheme_end = strstr(url, "://");
    const char *path;
    size_t n;
    origin_t *o;

    if (scheme_end == NULL) {
        return NULL;
    }
    path = strchr(scheme_end + 3, '/');
    n = path != NULL ? (size_t)(path - url) : strlen(url);
    for (o = loop->origins; o != NULL; o = o->next) {
        if (strncmp(o->key, url, n) == 0 && o->key[n] == '\0') {
            return o;
        }
    }
    o = calloc(1, sizeof(*o));
    if (o == NULL) {
        return NULL;
    }
    o->key = malloc(n + 1);
    if (o->key == NULL) {
        free(o);
        return NULL;
    }
    memcpy(o->key, url, n);
    o->key[n] = '\0';
    o->multiplex = -1;
    o->tls = is_https(o->key);
    o->next = loop->origins;
    loop->origins = o;
    return o;
}

/* Options only async calls need; set on every start because the handle
 * comes from the client's pool, shared with synchronous calls. */
static clerk_status_t async_setup(const clerk_loop_t *loop, call_t *call)
{
    CURL *c = call->handle->curl;
    clerk_status_t st = CLERK_E_NOMEM;

    CLERK__SETOPT(c, CURLOPT_PRIVATE, (void *)call);
    /* Over TLS, wait for a connection being set up to tell (by ALPN)
     * whether it multiplexes (HTTP/2) rather than open one per call.  Not
     * for plain http://, which is HTTP/1.1 here: libcurl would only learn
     * that from the first response, and everything would queue behind
     * it. */
    CLERK__SETOPT(
        c, CURLOPT_PIPEWAIT,
        loop->multiplex && is_https(call->req.url) ? 1L : 0L);
    st = CLERK_OK;
done:
    return st;
}

clerk_call_id_t clerk__op_async(
    clerk_loop_t *loop,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body,
    clerk__deliver_fn deliver,
    clerk__async_cb_t cb,
    void *payload)
{
    call_t *call = NULL;
    char message[256];
    clerk_call_id_t id;
    clerk_status_t st;

    if (loop == NULL || client == NULL || op == NULL || deliver == NULL ||
        cb == NULL || loop->closing || loop->callout > 0) {
        return 0;
    }
    call = calloc(1, sizeof(*call));
    if (call == NULL) {
        return 0;
    }
    call->response = clerk__response_new(op, &call->block, &call->data);
    if (call->response == NULL) {
        free(call);
        return 0;
    }
    call->block->meta.body = "";
    call->loop = loop;
    call->client = client;
    call->op = op;
    call->deliver = deliver;
    call->cb = cb;
    call->payload = payload;
    call->heap_index = NOT_IN_HEAP;
    call->start_ms = clerk__now_ms();
    call->reply.body_limit = client->max_response_bytes;
    call->id = ++loop->next_id;
    id = call->id;
    call->next = loop->calls;
    if (loop->calls != NULL) {
        loop->calls->prev = call;
    }
    loop->calls = call;
    loop->count++;
    if (loop->deadline_ms > 0) {
        call->deadline_ms = loop->deadline_ms;
        call->deadline_at = call->start_ms + (double)loop->deadline_ms;
    }
    if (client->cancel != NULL) {
        call->token_at = call->start_ms + TOKEN_POLL_MS;
    }
    /* A view's own deadline applies too; the earlier one wins. */
    if (client->view_deadline && client->deadline_ms > 0 &&
        (call->deadline_ms == 0 || client->deadline_ms < call->deadline_ms)) {
        call->deadline_ms = client->deadline_ms;
        call->deadline_at = call->start_ms + (double)client->deadline_ms;
    }

    /* Everything taken from the caller's arguments is copied here: the
     * request (URL, query, JSON body, multipart text) by the build, file
     * parts by curl's mime API in clerk__handle_prepare(). */
    st = clerk__request_build(
        client, op, path_args, params, body, &call->req, message,
        sizeof(message));
    if (st != CLERK_OK) {
        fail_call(loop, call, st, message);
        goto done;
    }
    call->origin = origin_of(loop, call->req.url);
    if (call->origin == NULL) {
        fail_call(loop, call, CLERK_E_NOMEM, "out of memory");
        goto done;
    }
    st = clerk__handle_acquire(client, &call->handle);
    if (st != CLERK_OK) {
        fail_call(
            loop, call, st,
            st == CLERK_E_INVALID_ARG ? "the curl_setup callback failed"
                                      : "could not create a curl handle");
        goto done;
    }
    st = clerk__handle_prepare(
        client, call->handle, &call->req, &call->mime, &call->reply);
    if (st == CLERK_OK) {
        st = async_setup(loop, call);
    }
    if (st != CLERK_OK) {
        call->broken = true;
        fail_call(
            loop, call, st,
            st == CLERK_E_INVALID_ARG ? "a multipart file cannot be read"
                                      : "could not set up the request");
        goto done;
    }
    call->rng = clerk__rng_seed(call);
    attempt_start(loop, call);
done:
    sync_timer(loop);
    return id;
}
