/*
 * Runtime internals shared by src/client.c, request.c, transfer.c, retry.c,
 * response.c and op.c.  Not installed, not API.
 *
 * A call runs in three steps that never reach into each other:
 *
 *   clerk__request_build()   op + arguments -> clerk__request_t
 *                            (pure: no curl handle, nothing sent)
 *   clerk__transfer()        clerk__request_t -> clerk__reply_t
 *                            (borrowed easy handle, retries, hooks)
 *   clerk__response_decode() clerk__reply_t -> clerk_response_t + result
 *                            (decode; takes the reply's buffers over)
 *
 * The async flavour (curl multi) is meant to call the first and the last
 * unchanged and replace only the middle one, using clerk__handle_acquire(),
 * clerk__handle_prepare() and clerk__attempt_finish() for one attempt.
 */
#ifndef CLERK_RUNTIME_INTERNAL_H
#define CLERK_RUNTIME_INTERNAL_H

#include "clerk_internal.h"

#include <curl/curl.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ */
/* Growable byte buffer (always NUL-terminated once non-empty)          */
/* ------------------------------------------------------------------ */

typedef struct clerk__rtbuf {
    char *data;
    size_t len;
    size_t cap;
    bool oom; /* sticky: an append failed */
} clerk__rtbuf_t;

/* Make room for `extra` more bytes plus a NUL, growing geometrically. */
bool clerk__rtbuf_reserve(clerk__rtbuf_t *buf, size_t extra);
bool clerk__rtbuf_append(clerk__rtbuf_t *buf, const void *data, size_t len);
bool clerk__rtbuf_append_str(clerk__rtbuf_t *buf, const char *str);
/* Percent-encode everything outside the RFC 3986 unreserved set.  With
 * `dot_segment` set, a value that is exactly "." or ".." has its dots
 * encoded too, so it can never act as a dot-segment of the path. */
bool clerk__rtbuf_append_escaped(
    clerk__rtbuf_t *buf, const char *str, bool dot_segment);
/* Hand the buffer over (an empty buffer gives a fresh ""), or NULL. */
char *clerk__rtbuf_steal(clerk__rtbuf_t *buf);
void clerk__rtbuf_free(clerk__rtbuf_t *buf);

/* ASCII case-insensitive equality (header names); locale-independent. */
bool clerk__str_eq_nocase(const char *a, const char *b);

/* Text checks (src/text.c).  A header value may hold any byte but the
 * control characters (0x00-0x1F except HTAB, and 0x7F); request strings
 * must be well-formed UTF-8 (RFC 3629).  NULL passes both. */
bool clerk__text_has_ctl(const char *s);
bool clerk__utf8_valid(const char *s, size_t len);
bool clerk__utf8_valid_str(const char *s);

/* curl_easy_setopt or `goto done` (the caller's status stays the error it
 * was initialised to). */
#define CLERK__SETOPT(h, opt, val)                                             \
    do {                                                                       \
        if (curl_easy_setopt((h), (opt), (val)) != CURLE_OK) {                 \
            goto done;                                                         \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------------------ */
/* Secret masking (src/redact.c)                                       */
/* ------------------------------------------------------------------ */

/* No run of this many bytes of the key survives in a message. */
#define CLERK__REDACT_RUN 8u

/* The key's windows of `width` bytes (min(8, key length)), sorted. */
typedef struct clerk__redact {
    uint64_t *windows;
    size_t count;
    size_t width;
} clerk__redact_t;

/* Build the table for `secret` (NULL or "": nothing is masked); false on
 * out-of-memory. */
bool clerk__redact_init(clerk__redact_t *r, const char *secret);
void clerk__redact_free(clerk__redact_t *r);
/* Append text[0..len) with every run it shares with the key replaced by
 * "[redacted]"; false when out of memory (`out` says so too). */
bool clerk__redact_append(
    const clerk__redact_t *r,
    clerk__rtbuf_t *out,
    const char *text,
    size_t len);
/* Whether text[0..len) holds a run of the key. */
bool clerk__redact_found(
    const clerk__redact_t *r, const char *text, size_t len);

/* ------------------------------------------------------------------ */
/* Client (src/client.c)                                               */
/* ------------------------------------------------------------------ */

/* Sockets a handle has open at once that it keeps track of (one
 * connection, two while happy eyeballs races IPv6 and IPv4, one to a
 * proxy); more and the handle counts as untracked (see src/client.c). */
#define CLERK__HANDLE_SOCKETS 8

/* A socket a handle opened, and which socket it is (fd numbers are
 * reused; a socket's device and inode are not while it is open). */
typedef struct clerk__socket {
    curl_socket_t fd;
    dev_t dev;
    ino_t ino;
} clerk__socket_t;

/* Number of clerk_debug_kind_t values. */
#define CLERK__DEBUG_KINDS 5

/* A pooled easy handle and what belongs to it. */
typedef struct clerk__handle {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
    pid_t pid; /* the process that made it */
    clerk__socket_t sockets[CLERK__HANDLE_SOCKETS];
    size_t socket_count;
    bool untracked; /* a socket was not (or could not be) tracked */
    const struct clerk_client *client; /* its client (debug hook) */
    /* Per debug kind: the end of the last chunk, held back because it may
     * be the start of the secret key (src/debug.c). */
    clerk__rtbuf_t debug_hold[CLERK__DEBUG_KINDS];
} clerk__handle_t;

struct clerk_client {
    char *base_url;     /* without a trailing '/' */
    char *display_base; /* base_url without any user:password@ */
    char *secret;       /* may be NULL */

    /* Masks the secret in messages. */
    clerk__redact_t redact;

    /* Prebuilt, immutable header lists (curl only reads them). */
    struct curl_slist *headers_none;      /* no body */
    struct curl_slist *headers_json;      /* + Content-Type: JSON */
    struct curl_slist *headers_multipart; /* curl adds Content-Type */

    long connect_timeout_ms; /* 0: none */
    long timeout_ms;         /* 0: none */
    long deadline_ms;        /* whole call with retries; 0: none */
    char *ca_file;
    char *ca_path;
    char *client_cert;
    char *client_key;
    bool insecure;
    char *proxy;

    unsigned max_attempts;
    unsigned initial_ms;
    double factor;
    unsigned max_wait_ms;

    size_t max_response_bytes;
    bool strict;
    clerk_hooks_t hooks;
    clerk_curl_setup_fn curl_setup;
    void *curl_setup_payload;
    clerk_debug_fn debug;
    void *debug_payload;
    char *auth_header; /* the auth header's name, for the debug redaction */

    /* DNS cache and TLS sessions shared by every handle of the client. */
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    bool share_locks_ok;

    /* Session-token keys fetched with GET /jwks (src/auth_jwks.c). */
    struct clerk__jwks_cache *jwks;

    /* Client-side rate limit (src/ratelimit.c); NULL: none. */
    struct clerk__ratelimit *ratelimit;

    /* The process the pool and the share belong to (see fork() in
     * src/client.c); read and changed under pool_lock. */
    pid_t pid;
    CURLSH *retired_share; /* a previous process's, still referenced */

    /* Idle easy handles (LIFO, so a single thread keeps one connection). */
    pthread_mutex_t pool_lock;
    bool pool_lock_ok;
    clerk__handle_t **idle;
    size_t idle_count;
    size_t idle_cap;

    /* Views (clerk_client_view()).  A view is a copy of its parent's
     * settings with some changed; it uses its root's pool, share, JWKS
     * cache and strings, which it borrows (`root`: NULL in a root).  A
     * root counts itself and its views in `refs` and is freed with the
     * last of them.  `own_headers`: the three header lists are the view's
     * own (it adds headers), else borrowed from its parent. */
    struct clerk_client *root;
    atomic_uint refs;
    bool own_headers;
    bool view_deadline;    /* the view set deadline_ms (async calls too) */
    clerk_cancel_t *cancel; /* stops its calls when set; NULL: none */

    /* Receive buffers kept between plain calls (no more than there are
     * pooled handles, each of at most CLERK__SPARE_BODY_MAX bytes), so a
     * steady stream of responses does not allocate and touch a new body
     * buffer every call; under pool_lock. */
    clerk__rtbuf_t *spare_bodies;
    size_t spare_count;
    size_t spare_cap;
};

/* The client whose pool and share a call uses. */
static inline clerk_client_t *clerk__root(clerk_client_t *client)
{
    return client->root != NULL ? client->root : client;
}

/* The cancel token's flag; CURLOPT_XFERINFOFUNCTION of a call that has
 * one (src/cancel.c). */
bool clerk__cancelled(const clerk_cancel_t *cancel);
int clerk__cancel_progress(
    void *token, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow);
/* Sleep `ms`, or less when `cancel` (may be NULL) is set meanwhile;
 * false when it was cancelled. */
bool clerk__sleep_cancellable(unsigned ms, const clerk_cancel_t *cancel);

/* The largest receive buffer kept for reuse: one response bigger than
 * this does not pin its memory after the call. */
#define CLERK__SPARE_BODY_MAX ((size_t)2 * 1024 * 1024)

/* A kept receive buffer (empty, capacity kept) into `body`, which must be
 * empty; no-op when none is kept.  For calls whose body is not handed to
 * the caller. */
void clerk__spare_body_take(clerk_client_t *client, clerk__rtbuf_t *body);
/* Keep `data` (capacity `cap`, from a clerk__rtbuf_t) for a later call, or
 * free it: too large, one per pooled handle already, or no memory. */
void clerk__spare_body_keep(clerk_client_t *client, char *data, size_t cap);

/* Take an idle handle or create one (library options + curl_setup).
 * CLERK_E_INVALID_ARG when curl_setup refused, CLERK_E_NOMEM otherwise. */
clerk_status_t clerk__handle_acquire(
    clerk_client_t *client, clerk__handle_t **out);
/* Give a handle back to the pool (or free it when `broken`). */
void clerk__handle_release(
    clerk_client_t *client, clerk__handle_t *handle, bool broken);

/* CURLOPT_DEBUGFUNCTION of handles whose client has a debug callback
 * (src/debug.c); `userptr` is the clerk__handle_t.  Redacts, then passes
 * on. */
int clerk__debug_curl(
    CURL *curl, curl_infotype type, char *data, size_t size, void *userptr);

/* Pass on what the handle still holds back; after every attempt. */
void clerk__debug_flush(clerk__handle_t *handle);

/* The redaction of one chunk: append `data` to `out` with the secret (and
 * the values of the auth headers) replaced by "[redacted]".  With `hold`,
 * the chunk continues the bytes held there, and an end that may start the
 * key is held back in it; clerk__debug_finish() ends such a stream.  False
 * when out of memory (then nothing may be passed on). */
bool clerk__debug_redact(
    const clerk_client_t *client,
    clerk_debug_kind_t kind,
    clerk__rtbuf_t *hold,
    const char *data,
    size_t size,
    clerk__rtbuf_t *out);
bool clerk__debug_finish(
    const clerk_client_t *client, clerk__rtbuf_t *hold, clerk__rtbuf_t *out);

/* ------------------------------------------------------------------ */
/* Request (src/request.c)                                             */
/* ------------------------------------------------------------------ */

/* One part of a multipart/form-data body. */
typedef struct clerk__part {
    const char *name; /* borrowed from the body model (static) */
    char *text;       /* owned text value; NULL for a file part */
    size_t text_len;
    const char *content_type; /* text parts: NULL, or e.g. JSON */
    const clerk_file_t *file; /* borrowed from the caller's body */
} clerk__part_t;

typedef struct clerk__request {
    const char *method;
    const char *operation_id;
    bool idempotent;                  /* not POST / PATCH */
    char *url;                        /* what is sent */
    char *display_url;                /* url without credentials, for hooks */
    const struct curl_slist *headers; /* the client's, or own_headers */
    struct curl_slist *own_headers;   /* client's + header/cookie params */
    char *body;                       /* JSON body, or NULL */
    size_t body_len;
    bool send_empty_body; /* POST/PUT/PATCH without body: length 0 */
    clerk__part_t *parts; /* multipart, or NULL */
    size_t part_count;
} clerk__request_t;

/* Build everything that will be sent.  On failure `message` (at least
 * 160 bytes) says why; nothing is sent and `req` holds nothing. */
clerk_status_t clerk__request_build(
    const clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body,
    clerk__request_t *req,
    char *message,
    size_t message_size);

void clerk__request_free(clerk__request_t *req);

/* ------------------------------------------------------------------ */
/* Transfer (src/transfer.c)                                           */
/* ------------------------------------------------------------------ */

/* Response headers of one attempt: "name\0value\0" records in `store`,
 * `offsets` holds the start of each record. */
typedef struct clerk__headers {
    clerk__rtbuf_t store;
    size_t *offsets;
    size_t count;
    size_t cap;
    bool oom;
} clerk__headers_t;

/* Response header bytes accepted per attempt (CLERK_MAX_RESPONSE_HEADER_
 * BYTES).  Below libcurl's own total (300 KiB in 7.88 and later, reported
 * as a receive error) by more than its per-line limit (CURL_MAX_HTTP_HEADER,
 * 100 KiB), so curl's total check can never fire first and the overflow is
 * always ours to name. */
#define CLERK__MAX_HEADER_BYTES ((size_t)CLERK_MAX_RESPONSE_HEADER_BYTES)

typedef struct clerk__reply {
    clerk_status_t status; /* OK once an HTTP response was received */
    long http_status;      /* 0: none */
    clerk__rtbuf_t body;
    size_t body_limit;
    bool too_large;
    size_t header_bytes;    /* header bytes of this attempt so far */
    bool headers_too_large; /* header_bytes passed CLERK__MAX_HEADER_BYTES */
    bool headers_done;      /* the final response's header block ended */
    clerk__headers_t headers;
    unsigned attempts;
    double elapsed_ms; /* whole call */
    char message[256]; /* why status != OK; never holds the secret */
} clerk__reply_t;

/* Run the request with retries and hooks (blocking). */
void clerk__transfer(
    clerk_client_t *client, const clerk__request_t *req, clerk__reply_t *reply);

/* One attempt's pieces, for the blocking loop and the multi loop. */
clerk_status_t clerk__handle_prepare(
    clerk_client_t *client,
    clerk__handle_t *handle,
    const clerk__request_t *req,
    curl_mime **mime,
    clerk__reply_t *reply);
/* Classify a finished attempt; fills reply->status/http_status/message. */
void clerk__attempt_finish(
    clerk__handle_t *handle, CURLcode rc, clerk__reply_t *reply);

/*
 * The retry state machine, one for both flavours (the blocking loop in
 * src/transfer.c and the multi loop in src/async.c).  Per attempt:
 *
 *   clerk__attempt_begin()  reset the reply, run the request hook;
 *                           CLERK_E_CANCELLED (reply filled in) when the
 *                           hook refused or the cancel token is set, and
 *                           the call ends
 *   ...the transfer (curl_easy_perform(), or the multi)...
 *   clerk__attempt_end()    classify it (clerk__attempt_finish()) and run
 *                           the response hook; `t0` is when it started
 *   clerk__attempt_next()   whether to try again, and *wait ms before it
 *                           (backoff or Retry-After); false when attempts
 *                           are used up, the outcome cannot improve, or
 *                           the wait would pass `deadline` (absolute ms,
 *                           0: none)
 */
clerk_status_t clerk__attempt_begin(
    clerk_client_t *client,
    const clerk__request_t *req,
    clerk__handle_t *handle,
    clerk__reply_t *reply,
    unsigned attempt);
void clerk__attempt_end(
    clerk_client_t *client,
    const clerk__request_t *req,
    clerk__handle_t *handle,
    clerk__reply_t *reply,
    CURLcode rc,
    double t0);
bool clerk__attempt_next(
    const clerk_client_t *client,
    const clerk__request_t *req,
    const clerk__reply_t *reply,
    CURLcode rc,
    double deadline,
    uint64_t *rng,
    unsigned *wait);

void clerk__reply_free(clerk__reply_t *reply);
/* Feed one header line (status line, "Name: value\r\n" or the blank line)
 * to a reply the way curl's header callback does; returns `len`, or 0 when
 * out of memory.  The parser's entry point for tests/fuzz. */
size_t clerk__reply_header(clerk__reply_t *reply, char *line, size_t len);
const char *clerk__headers_get(const clerk__headers_t *h, const char *name);

/* ------------------------------------------------------------------ */
/* Retries (src/retry.c)                                               */
/* ------------------------------------------------------------------ */

/* Whether a failed attempt may be repeated. */
bool clerk__retry_allowed(bool idempotent, CURLcode rc, long http_status);

/* Seed a per-call PRNG (no shared state between threads). */
uint64_t clerk__rng_seed(const void *salt);
uint64_t clerk__rng_next(uint64_t *state);

/* Wait before attempt `attempt + 1` (attempt >= 1): full jitter over the
 * exponential step, or Retry-After when given, both capped at max_wait_ms,
 * then raised to at least CLERK_RETRY_MIN_WAIT_MS. */
unsigned clerk__retry_wait_ms(
    unsigned attempt,
    unsigned initial_ms,
    double factor,
    unsigned max_wait_ms,
    const char *retry_after,
    uint64_t *rng);

/* Parse Retry-After (delta-seconds or HTTP-date) into milliseconds from
 * `now` (seconds since the epoch); false when unparseable. */
bool clerk__retry_after_ms(const char *value, int64_t now, uint64_t *out);

void clerk__sleep_ms(unsigned ms);
double clerk__now_ms(void);

/* ------------------------------------------------------------------ */
/* Response (src/response.c)                                           */
/* ------------------------------------------------------------------ */

/* What a response owns besides its public fields; it follows the public
 * clerk_response_t in the same allocation. */
typedef struct clerk__response_owned {
    char *message; /* formatted message, or NULL (static) */
    char *body;    /* the receive buffer, handed over */
    clerk_header_t *headers;
    char *header_store;
    clerk_errors_t *errors;
    clerk_error_t *error_items;
    cJSON *error_doc;
    char *json_path;
} clerk__response_owned_t;

typedef struct clerk__meta_block {
    clerk_response_t meta;
    clerk__response_owned_t owned;
} clerk__meta_block_t;

typedef struct clerk__typed_block {
    void *data;
    clerk__meta_block_t m;
} clerk__typed_block_t;

/* The block of an op with `paginated` set. */
typedef struct clerk__paged_block {
    void *data;
    clerk_opt_int64_t total_count;
    clerk__meta_block_t m;
} clerk__paged_block_t;

/* A zeroed response block for `op` (typed, paged or bare, as
 * clerk__op_detailed() hands out): *block receives its meta block, *data
 * where the result goes (NULL for a bodiless op).  NULL when out of memory. */
void *clerk__response_new(
    const clerk__op_t *op, clerk__meta_block_t **block, void ***data);

/* Set the message: a static text, or a formatted one (scrubbed of the
 * client's secret).  Never fails: falls back to the status text. */
void clerk__response_set_message(
    clerk__meta_block_t *block, const clerk_client_t *client, const char *text);

/* Move the reply's headers and body into the response. */
void clerk__response_take_reply(
    clerk__meta_block_t *block, clerk__reply_t *reply);

/* Parse a ClerkErrors body of a non-2xx response (best effort). */
void clerk__response_parse_errors(clerk__meta_block_t *block);

void clerk__response_release(clerk__meta_block_t *block);

/* Step 3 (src/op.c): fill the response from the reply, taking its buffers
 * over, and decode a 2xx body into *data when the op has a result type
 * (`data` NULL: the op has none).  For a paginated op, `data` must be the
 * data member of a clerk__paged_block_t (clerk__response_new()), whose
 * total_count is set too. */
void clerk__response_decode(
    const clerk_client_t *client,
    const clerk__op_t *op,
    clerk__reply_t *reply,
    void **data,
    clerk__meta_block_t *block);

/* ------------------------------------------------------------------ */
/* The thread's last error (src/op.c; clerk_last_error())              */
/* ------------------------------------------------------------------ */

/* Record a plain call's outcome as the thread's last error (src/op.c);
 * `meta` NULL: only `status` is known. */
void clerk__last_error_set(
    const clerk_response_t *meta, clerk_status_t status);

/* The same for a failure that is not a call: a status and a message
 * (NULL: the status text); no HTTP status, no Clerk code. */
void clerk__last_error_text(clerk_status_t status, const char *message);

#endif /* CLERK_RUNTIME_INTERNAL_H */
