/**
 * @file clerk/client.h
 * @brief The client: connection pool, credentials, TLS, retries and hooks.
 *
 * Threading: a clerk_client_t is immutable after clerk_client_new() and may
 * be shared by any number of threads.  Each call borrows a curl easy handle
 * from the client's mutex-protected pool (creating one only when all are
 * busy) and returns it afterwards; the most recently returned handle is
 * handed out first.  Each easy handle keeps its own connections alive
 * between calls (libcurl does not support sharing one connection cache
 * between concurrent threads), so a thread making sequential calls reuses
 * one connection; DNS results and TLS sessions are shared by all handles of
 * the client through a curl share handle.  Hooks may be called from several
 * threads at once.
 *
 * fork(): a client may be used in a child process, and its parent may go
 * on using it.  The client remembers the process it was made in; the first
 * call in any other process (a child after fork()) drops the connections
 * and curl handles it inherited and starts afresh, with new connections,
 * a new DNS cache and new TLS sessions, so parent and child never share a
 * connection and never see each other's responses.  Nothing is sent on an
 * inherited connection, not even the TLS close_notify that a normal close
 * would send and that would end the parent's connection: before an
 * inherited handle is cleaned up, each of its sockets is replaced in the
 * child by /dev/null (dup2), so the parent's socket is merely let go of in
 * the child, and the TLS state curl tears down can write nowhere.  An
 * inherited handle whose sockets the client could not keep track of
 * (curl_setup replaced CURLOPT_OPENSOCKETFUNCTION or
 * CURLOPT_CLOSESOCKETFUNCTION) is abandoned instead: its memory (and the
 * inherited share) is leaked in the child, never cleaned up.
 * clerk_client_free() in a child follows the same rules.  As with any
 * library, POSIX allows only async-signal-safe calls in the child of a
 * multi-threaded process until it calls exec; so fork() must not happen
 * while another thread of the parent is inside a call on the client.
 * Sockets are opened close-on-exec, so a program that forks and executes
 * another does not pass the API connections on.
 *
 * Global state: the first clerk_client_new() runs curl_global_init() once
 * (guarded by pthread_once).  Programs that create clients from several
 * threads while other code also uses curl should call clerk_global_init()
 * first.
 */
#ifndef CLERK_CLIENT_H
#define CLERK_CLIENT_H

#include <clerk/common.h>
#include <clerk/status.h>

CLERK_BEGIN_DECL

/** An API client; opaque.  Create with clerk_client_new(). */
typedef struct clerk_client clerk_client_t;

/** A request header added to every call. */
typedef struct clerk_header_option {
    const char *name;  /**< A token (RFC 9110), e.g. "X-Request-Id". */
    const char *value; /**< No control characters but tab. */
} clerk_header_option_t;

/** The largest retry.max_attempts; clerk_client_new() refuses more. */
#define CLERK_RETRY_MAX_ATTEMPTS 10u

/** The shortest wait between two attempts of a call, in milliseconds. */
#define CLERK_RETRY_MIN_WAIT_MS 100u

/**
 * Retry policy.  All-zero means the default: up to 3 attempts, first wait
 * 500 ms, factor 1.5, at most 60 s, with full jitter.  Retried: HTTP 429,
 * 502, 503, 504 and connection failures.  POST and PATCH are retried only on
 * 429 or when the connection failed before the request was sent.
 * A Retry-After header (seconds or HTTP-date) is honoured up to max_wait_ms.
 *
 * Bounds: every wait is at least CLERK_RETRY_MIN_WAIT_MS, even when
 * Retry-After says 0 or max_wait_ms is smaller; max_attempts above
 * CLERK_RETRY_MAX_ATTEMPTS is refused (CLERK_E_INVALID_ARG), not clamped;
 * and the whole call, retries and waits included, ends at the client's
 * deadline_ms: no retry starts when its wait would pass the deadline, and
 * each attempt's timeout is cut to the time left.
 */
typedef struct clerk_retry_policy {
    unsigned max_attempts;   /**< 0: default (3); 1: no retries. */
    unsigned initial_ms;     /**< 0: default (500). */
    double factor;           /**< 0: default (1.5). */
    unsigned max_wait_ms;    /**< 0: default (60000). */
    bool disable;            /**< true: exactly one attempt. */
} clerk_retry_policy_t;

/** What a hook sees of a request; never contains the secret key. */
typedef struct clerk_hook_info {
    const char *method;       /**< "GET", "POST", ... */
    const char *url;          /**< Full URL including the query string. */
    const char *operation_id; /**< Spec operationId, or NULL. */
    unsigned attempt;         /**< 1 for the first attempt. */
    long http_status;         /**< Response hook only; 0: none. */
    clerk_status_t status;    /**< Response hook only. */
    double elapsed_ms;        /**< Response hook only: this attempt. */
} clerk_hook_info_t;

/**
 * Called before each attempt (request hook) or after it (response hook).
 *
 * @param info    What is being sent or was received.
 * @param payload The hooks' payload pointer.
 * @return 0 to go on; non-zero from the request hook cancels the call with
 *         CLERK_E_CANCELLED.  The response hook's return value is ignored.
 */
typedef int (*clerk_hook_fn)(const clerk_hook_info_t *info, void *payload);

/** Observation hooks; both optional. */
typedef struct clerk_hooks {
    clerk_hook_fn on_request;  /**< Before each attempt, or NULL. */
    clerk_hook_fn on_response; /**< After each attempt, or NULL. */
    void *payload;             /**< Passed to both hooks. */
} clerk_hooks_t;

/**
 * Customise each curl easy handle the client creates (the equivalent of
 * passing your own HTTP client).  Called once per handle, after the
 * library's own options.  The client sets CURLOPT_OPENSOCKETFUNCTION and
 * CURLOPT_CLOSESOCKETFUNCTION (with their data) to keep fork() safe (see
 * the top of this file); replacing them makes handles a child inherits be
 * leaked rather than cleaned up.
 *
 * Warning: the handle sends the secret key in a request header.  Turning
 * on CURLOPT_VERBOSE here makes curl print every request header to stderr,
 * `Authorization: Bearer sk_...` included, and a CURLOPT_DEBUGFUNCTION set
 * here sees it too (and replaces the library's debug hook).  To see what is
 * sent, use the `debug` option instead: it redacts the key.
 *
 * @param curl    A `CURL *`, passed as void * so this header needs no curl.
 * @param payload The payload given in the options.
 * @return 0 on success; non-zero makes the call fail with
 *         CLERK_E_INVALID_ARG.
 */
typedef int (*clerk_curl_setup_fn)(void *curl, void *payload);

/** What a debug callback is given. */
typedef enum clerk_debug_kind {
    CLERK_DEBUG_TEXT = 0,       /**< curl's own notes (connecting, TLS). */
    CLERK_DEBUG_HEADER_OUT = 1, /**< Request line and headers, as sent. */
    CLERK_DEBUG_DATA_OUT = 2,   /**< Request body bytes, as sent. */
    CLERK_DEBUG_HEADER_IN = 3,  /**< Status line and response headers. */
    CLERK_DEBUG_DATA_IN = 4     /**< Response body bytes, as received. */
} clerk_debug_kind_t;

/**
 * Receives what goes over the wire, for debugging (curl's
 * CURLOPT_DEBUGFUNCTION, with the secret redacted).
 *
 * The secret is never passed on: the value of the auth header,
 * `Authorization` and `Proxy-Authorization` is replaced by "[redacted]",
 * and so is every occurrence of the secret key anywhere else (a body or
 * header that echoes it), however curl cuts the bytes into chunks: the end
 * of a chunk that may begin the key is held back and passed on with the
 * next chunk of the same kind, or when the attempt ends (then as
 * "[redacted]" if it is 8 characters of the key or more).  Encrypted TLS
 * records are not passed on.  Bodies may come in several chunks, and a
 * chunk is not NUL-terminated.  May be called from several threads at once
 * (one call at a time per request).
 *
 * @param kind    What `data` is.
 * @param data    The bytes, valid during the call only.
 * @param size    Number of bytes.
 * @param payload The options' debug_payload.
 */
typedef void (*clerk_debug_fn)(
    clerk_debug_kind_t kind, const char *data, size_t size, void *payload);

/** TLS options.  Zero means: verify peer and host with the system CAs. */
typedef struct clerk_tls_options {
    const char *ca_file;       /**< PEM bundle to verify with. */
    const char *ca_path;       /**< Directory of hashed CA certificates. */
    const char *client_cert;   /**< PEM client certificate. */
    const char *client_key;    /**< PEM private key of client_cert. */
    bool insecure_skip_verify; /**< true: no peer/host check. Unsafe. */
} clerk_tls_options_t;

/** The largest rate_limit.max_requests; clerk_client_new() refuses more. */
#define CLERK_RATE_LIMIT_MAX_REQUESTS 100000u

/** The longest rate_limit.window_ms (one day). */
#define CLERK_RATE_LIMIT_MAX_WINDOW_MS 86400000u

/**
 * Client-side rate limit: at most `max_requests` requests start in any
 * `window_ms` window, counted per client over every thread, every sync
 * call and every async call (on any loop) that uses it, each attempt of a
 * retried call included.
 *
 * All-zero means Clerk's published Backend API limits when the base URL
 * is Clerk's API (host api.clerk.com, the default): 1000 requests per 10 s
 * for a production key (`sk_live_...`), 100 per 10 s for any other key
 * (`sk_test_...`) or none.  With any other base URL (a mock, a test
 * server) there is no limit unless `max_requests` is set.
 *
 * A sync call that finds no free slot sleeps until one is free; an async
 * call waits on its loop's timer (the loop never blocks).  Slots are handed
 * out first come, first served.  No call waits past its deadline
 * (`deadline_ms`): when the next slot would start after it, the call fails
 * at once with CLERK_E_TIMEOUT, saying so, and nothing is sent.
 *
 * Cost: one mutex-protected ring of max_requests timestamps per client
 * (8 KB at 1000); a call that needs no wait spends about 150 instructions
 * on it (tests/bench/README.md), 0.03 % of a small call.
 */
typedef struct clerk_rate_limit {
    unsigned max_requests; /**< 0: Clerk's limit (see above); at most
                                CLERK_RATE_LIMIT_MAX_REQUESTS. */
    unsigned window_ms;    /**< 0: 10000; at most
                                CLERK_RATE_LIMIT_MAX_WINDOW_MS. */
    bool disable;          /**< true: no client-side limit at all. */
} clerk_rate_limit_t;

/** Sentinel for the timeout fields: no limit. */
#define CLERK_TIMEOUT_NONE (-1L)

/**
 * Longest URL a call sends, in bytes, after percent-encoding: base URL,
 * path and query string.  A call whose path or query parameters would make
 * it longer fails with CLERK_E_INVALID_ARG and a message naming the
 * parameter; nothing is sent.  (Servers and proxies commonly refuse URLs
 * far shorter than this, from 8 KiB.)
 */
#define CLERK_MAX_URL_LENGTH 65536

/**
 * Most response header bytes a call accepts per attempt (status line and
 * all header lines).  More is CLERK_E_TOO_LARGE, as is a single header
 * line over libcurl's own limit of 100 KiB; neither is retried.
 */
#define CLERK_MAX_RESPONSE_HEADER_BYTES (200 * 1024)

/**
 * Client options.  Every field is optional and its zero value is its
 * default, so `&(clerk_client_options_t){ .secret_key = key }` is a complete
 * call.  All strings are copied by clerk_client_new().  Fields are only ever
 * appended, and appending one is an ABI change (CLERK_ABI_VERSION).
 */
typedef struct clerk_client_options {
    const char *base_url;           /**< NULL: $CLERK_API_URL (see
                                         clerk_client_new()), else
                                         "https://api.clerk.com/v1". */
    const char *secret_key;         /**< NULL: $CLERK_SECRET_KEY; "" or
                                         neither: unauthenticated. */
    const char *auth_header;        /**< NULL: "Authorization". */
    const char *auth_prefix;        /**< NULL: "Bearer"; "": key alone. */
    const char *api_version;        /**< NULL: CLERK_API_VERSION; "": the
                                         header is not sent. */
    const char *user_agent_suffix;  /**< Appended to "libclerk/<version>". */
    long connect_timeout_ms;        /**< 0: 10000; CLERK_TIMEOUT_NONE. */
    long timeout_ms;                /**< Each attempt; 0: 60000;
                                         CLERK_TIMEOUT_NONE. */
    clerk_tls_options_t tls;        /**< Verification, CA, client cert. */
    const char *proxy;              /**< curl proxy URL; NULL: curl's
                                         default (environment). */
    const clerk_header_option_t *headers; /**< Extra request headers. */
    size_t header_count;            /**< Entries in headers. */
    clerk_retry_policy_t retry;     /**< Zero: the default policy. */
    size_t max_response_bytes;      /**< 0: 64 MiB. */
    bool strict_decoding;           /**< true: a missing required response
                                         field is a decode error. */
    clerk_hooks_t hooks;            /**< Request/response hooks. */
    clerk_curl_setup_fn curl_setup; /**< Customises each curl handle. */
    void *curl_setup_payload;       /**< Passed to curl_setup. */
    long deadline_ms;               /**< Whole call, all attempts and the
                                         waits between them; 0: 120000;
                                         CLERK_TIMEOUT_NONE: none.  Past it
                                         the call ends with the last
                                         attempt's result, or
                                         CLERK_E_TIMEOUT if one was cut. */
    clerk_debug_fn debug;           /**< NULL: off.  Sees each request
                                         and response on the wire, with
                                         the secret redacted. */
    void *debug_payload;            /**< Passed to `debug`. */
    clerk_rate_limit_t rate_limit;  /**< Zero: Clerk's published limits
                                         against api.clerk.com. */
} clerk_client_options_t;

/**
 * Create a client.
 *
 * The options are checked before anything else happens; a client is made
 * only from options that are entirely valid.  Refused with
 * CLERK_E_INVALID_ARG:
 * - a base_url that does not start with http:// or https://, has no host
 *   (`http:///x`), a port that is not a number, or contains a space, a
 *   control or non-ASCII byte, '?' or '#';
 * - any option string (secret key, from the options or $CLERK_SECRET_KEY,
 *   auth prefix, API version, User-Agent suffix, extra header values,
 *   proxy, TLS file names) containing a control character: a byte 0x00-0x1F
 *   other than tab, or 0x7F;
 * - an auth_header or extra header name that is not an RFC 9110 token;
 * - negative timeouts or deadline other than CLERK_TIMEOUT_NONE, a retry
 *   factor outside [1, 1e6], retry.max_attempts above
 *   CLERK_RETRY_MAX_ATTEMPTS, rate_limit.max_requests above
 *   CLERK_RATE_LIMIT_MAX_REQUESTS or rate_limit.window_ms above
 *   CLERK_RATE_LIMIT_MAX_WINDOW_MS.
 *
 * The message saying which option was refused and why (e.g.
 * "options.retry.factor is not 0 or within [1, 1e6]") is in the calling
 * thread's clerk_last_error() after either function (as after a plain
 * call), and clerk_client_new_detailed() also writes it to a buffer.
 *
 * Environment: without options.secret_key the key is $CLERK_SECRET_KEY;
 * without options.base_url the base URL is $CLERK_API_URL, read as
 * @clerk/backend reads it: an origin gets the version path "/v1" appended
 * ("https://api.clerk.com" gives "https://api.clerk.com/v1"), a URL with a
 * path (even just "/") is used as it is ("http://127.0.0.1:4010/" for a
 * mock serving the API's paths at its root).  Unset or empty:
 * "https://api.clerk.com/v1".  Both are checked like the options, and
 * the message names the variable.
 *
 * @param[out] out     Receives the client; NULL on failure.
 * @param options      Options, or NULL for all defaults.
 * @return CLERK_OK, CLERK_E_INVALID_ARG (NULL out, or an option refused as
 *         listed above), CLERK_E_NOMEM, or CLERK_E_TRANSPORT when curl's
 *         global initialisation failed.
 */
CLERK_EXTERN clerk_status_t clerk_client_new(
    clerk_client_t **out,
    const clerk_client_options_t *options);

/** A message buffer of this size always holds a whole message. */
#define CLERK_MESSAGE_SIZE 256

/**
 * Create a client, saying why when it cannot be made.
 *
 * The same as clerk_client_new(), plus an English message naming the
 * option that was refused, e.g. "options.headers[1].value is NULL or
 * contains a control character".  The message never contains the value
 * of the option (which may be the secret key).
 *
 * @param[out] out          Receives the client; NULL on failure.
 * @param options           Options, or NULL for all defaults.
 * @param[out] message      Buffer for the message, or NULL; "" on success.
 *                          Truncated to fit; CLERK_MESSAGE_SIZE always fits.
 * @param message_size      Size of `message` in bytes.
 * @return The same codes as clerk_client_new().
 */
CLERK_EXTERN clerk_status_t clerk_client_new_detailed(
    clerk_client_t **out,
    const clerk_client_options_t *options,
    char *message,
    size_t message_size);

/**
 * Free a client and close its connections.  No call may be running on it.
 *
 * @param client The client, or NULL (no-op).
 */
CLERK_EXTERN void clerk_client_free(clerk_client_t *client);

/**
 * A cancel flag for calls; opaque.  Create with clerk_cancel_new(), hand it
 * to calls through a view (clerk_call_options_t.cancel), and set it from
 * any thread (or a signal handler: clerk_cancel_set() only does an atomic
 * store) to stop them.  One token may serve many calls; it stays set until
 * clerk_cancel_reset().
 */
typedef struct clerk_cancel clerk_cancel_t;

/**
 * Create a cancel token, not set.
 * @param[out] out Receives the token; NULL on failure.
 * @return CLERK_OK, CLERK_E_INVALID_ARG (NULL out) or CLERK_E_NOMEM.
 */
CLERK_EXTERN clerk_status_t clerk_cancel_new(clerk_cancel_t **out);

/**
 * Set the token: every call carrying it stops with CLERK_E_CANCELLED.
 * A call that has not sent its request yet does not send it; one waiting
 * to retry stops within about 10 ms; one in a transfer stops at libcurl's
 * next progress check, which comes after every chunk received and at
 * least about once a second while nothing arrives.  A response already
 * received completely is not thrown away.  Thread-safe.
 * @param cancel The token, or NULL (no-op).
 */
CLERK_EXTERN void clerk_cancel_set(clerk_cancel_t *cancel);

/**
 * Whether the token is set.
 * @param cancel The token, or NULL (false).
 * @return true when set.
 */
CLERK_EXTERN bool clerk_cancel_is_set(const clerk_cancel_t *cancel);

/**
 * Clear the token, so that it can serve new calls.
 * @param cancel The token, or NULL (no-op).
 */
CLERK_EXTERN void clerk_cancel_reset(clerk_cancel_t *cancel);

/**
 * Free a token.  No call carrying it may be running, and no view made
 * with it may be used afterwards.
 * @param cancel The token, or NULL (no-op).
 */
CLERK_EXTERN void clerk_cancel_free(clerk_cancel_t *cancel);

/**
 * What calls through a view change of their client's settings
 * (clerk_client_view()).  Every field is optional and its zero value
 * means "as the client", so `&(clerk_call_options_t){ .timeout_ms = 2000 }`
 * is complete.  Fields are only ever appended, and appending one is an
 * ABI change (CLERK_ABI_VERSION).
 */
typedef struct clerk_call_options {
    long timeout_ms;  /**< Each attempt; 0: the client's;
                           CLERK_TIMEOUT_NONE: no limit. */
    long deadline_ms; /**< The whole call with its retries; 0: the
                           client's; CLERK_TIMEOUT_NONE: none.  Also
                           applies to `_async` calls through the view
                           (with the loop's, whichever ends first). */
    const clerk_retry_policy_t *retry; /**< NULL: the client's policy;
                                            else this one, read once (its
                                            zero fields are the library
                                            defaults, not the client's). */
    const clerk_header_option_t *headers; /**< Added after the client's
                                               own headers. */
    size_t header_count;    /**< Entries in headers. */
    clerk_cancel_t *cancel; /**< NULL: none (or the parent view's).
                                 Borrowed: must outlive the view. */
} clerk_call_options_t;

/**
 * Make a view of a client: the same client with some settings changed for
 * the calls made through it, e.g. a shorter timeout, no retries, an extra
 * header such as an idempotency key, or a cancel token.
 *
 *     clerk_client_t *quick;
 *     if (clerk_client_view(&quick, client,
 *             &(clerk_call_options_t){ .timeout_ms = 2000,
 *                 .retry = &(clerk_retry_policy_t){ .disable = true } },
 *             NULL, 0) == CLERK_OK) {
 *         clerk_user_t *u = clerk_users_get(quick, id);
 *         ...
 *         clerk_client_free(quick);
 *     }
 *
 * A view is a clerk_client_t that every operation accepts (plain,
 * `_detailed` and `_async` calls, the pager, authentication).  It is
 * cheap: one allocation, plus a copy of the header lists when it adds
 * headers; it shares its client's connection pool, TLS sessions, DNS cache,
 * JWKS cache and limits, so making one per call costs no connection.  Like
 * a client, it is immutable and may be used by several threads at once.
 * A view of a view starts from the parent view's settings.
 *
 * Lifetime: free a view with clerk_client_free() once its calls are done.
 * A view keeps its client's shared resources alive: the client may be
 * freed (clerk_client_free()) before its views, and its resources go with
 * the last of them; the client itself may not be used after being freed.
 *
 * Refused with CLERK_E_INVALID_ARG (and a message naming the field): a
 * negative timeout or deadline other than CLERK_TIMEOUT_NONE; a retry
 * policy clerk_client_new() would refuse; a header name that is not an RFC
 * 9110 token or a value with a control character; a header the client
 * already sends (the auth header, Clerk-API-Version, User-Agent, Accept,
 * its own extra headers) or that belongs to curl (Host, Content-Length,
 * Content-Type, Transfer-Encoding, Connection, Expect, TE, Upgrade,
 * Proxy-Authorization).
 *
 * @param[out] out      Receives the view; NULL on failure.
 * @param client        The client (or view) to start from.
 * @param options       What to change, or NULL (nothing: an alias).
 * @param[out] message  Buffer for why it was refused, or NULL; "" on
 *                      success.  CLERK_MESSAGE_SIZE always fits.
 * @param message_size  Size of `message` in bytes.
 * @return CLERK_OK, CLERK_E_INVALID_ARG or CLERK_E_NOMEM.
 */
CLERK_EXTERN clerk_status_t clerk_client_view(
    clerk_client_t **out,
    clerk_client_t *client,
    const clerk_call_options_t *options,
    char *message,
    size_t message_size);

/**
 * Free the memory the calling thread keeps for decoding.
 *
 * A thread that makes calls keeps the blocks of the decoded values it
 * frees (up to 4 MiB, by size class) and decodes the next responses into
 * them, so a steady stream of responses does not make the heap shrink and
 * grow on every call.  That memory goes when the thread exits; a thread
 * that will make no more calls for a while (a worker of a large pool, say)
 * can give it back now.  The next call starts keeping blocks again.
 */
CLERK_EXTERN void clerk_thread_memory_release(void);

/**
 * Run libcurl's global initialisation now (it otherwise runs once, lazily,
 * inside the first clerk_client_new()).  Safe to call more than once.
 *
 * @return CLERK_OK, or CLERK_E_TRANSPORT if curl could not initialise.
 */
CLERK_EXTERN clerk_status_t clerk_global_init(void);

CLERK_END_DECL

#endif /* CLERK_CLIENT_H */
