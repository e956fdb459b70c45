/*
 * The client: options, the prebuilt header lists, the easy-handle pool and
 * the curl share.
 *
 * Thread safety.  A client never changes after clerk_client_new().  Each
 * call borrows an easy handle from `idle` under `pool_lock` (creating one
 * when none is idle) and gives it back afterwards, so no handle is ever used
 * by two threads at once.  An easy handle keeps its own connection cache
 * across calls, so the handle a thread gets back keeps its connection alive
 * (keep-alive; the pool is LIFO, so a single-threaded caller always gets the
 * same handle and the same connection).  What the handles share goes
 * through a CURLSH with one mutex per lock kind: the DNS cache and TLS
 * sessions (so a new connection resumes a TLS session instead of a full
 * handshake).  The connection cache itself is deliberately NOT shared:
 * libcurl documents CURL_LOCK_DATA_CONNECT as unsupported between
 * concurrent threads (curl/curl#13347).
 *
 * fork().  A child process inherits the client with its idle handles,
 * their connections (the same sockets as the parent's) and, over TLS,
 * copies of the parent's TLS state for those connections.  Sending on
 * them would interleave the two processes' requests and responses, and
 * even closing them cleanly would send a TLS close_notify (or HTTP/2
 * GOAWAY) that the parent's peer takes for the parent's.  So the client
 * records the pid of the process its pool belongs to; the first call in a
 * new process (under pool_lock) drops every inherited handle and replaces
 * the share (DNS cache, TLS sessions) with a fresh one, then goes on with
 * new handles and new connections.  Dropping an inherited handle first
 * points each socket it opened at /dev/null with dup2(): the process's
 * reference to the parent's socket goes away without shutdown() and
 * without a byte sent, and the TLS state curl then tears down in
 * curl_easy_cleanup() can only write into a file descriptor that is not a
 * socket (every send fails).  The handle's sockets are known because the
 * client opens and closes them itself (CURLOPT_OPENSOCKETFUNCTION and
 * CURLOPT_CLOSESOCKETFUNCTION), remembering each one's device and inode so
 * that a reused descriptor number is never mistaken for it.  When that
 * record cannot be trusted (curl_setup replaced those callbacks, or more
 * sockets were open than are tracked) the handle is abandoned instead:
 * leaked, never cleaned up, as is a share still referenced by such a
 * handle.  clerk_client_free() in a child does the same.  The parent
 * carries on with its handles unaffected.
 *
 * Global state: curl_global_init() runs exactly once per process, through
 * pthread_once() (POSIX's call_once), from clerk_global_init() or the first
 * clerk_client_new().  Its result is the only other static variable,
 * written inside the once-routine.  POSIX threads rather than C11
 * <threads.h>: glibc's C11 wrappers are invisible to ThreadSanitizer, which
 * then cannot check the pool's locking.
 */
#include "auth_internal.h"
#include "ratelimit_internal.h"
#include "runtime_internal.h"

#include <clerk/version.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_BASE_URL   "https://api.clerk.com/v1"
#define DEFAULT_CONNECT_MS 10000L
#define DEFAULT_TIMEOUT_MS 60000L
#define DEFAULT_MAX_BYTES  ((size_t)64 * 1024 * 1024)
#define DEFAULT_ATTEMPTS   3u
#define DEFAULT_INITIAL_MS 500u
#define DEFAULT_FACTOR     1.5
#define DEFAULT_MAX_WAIT   60000u
#define DEFAULT_DEADLINE   120000L

/* The result of the one curl_global_init(); written once, inside the
 * once-routine. */
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init_once(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

clerk_status_t clerk_global_init(void)
{
    (void)pthread_once(&global_once, global_init_once);
    return global_rc == CURLE_OK ? CLERK_OK : CLERK_E_TRANSPORT;
}

/* ------------------------------------------------------------------ */
/* Option checks                                                       */
/* ------------------------------------------------------------------ */

/* Write why an option was refused into the caller's buffer (may be NULL). */
static void say(char *message, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (message == NULL || size == 0) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(message, size, fmt, ap);
    va_end(ap);
}

/* RFC 9110 token characters. */
static bool is_token(const char *s)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    size_t i;

    if (s == NULL || s[0] == '\0') {
        return false;
    }
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || strchr(extra, c) != NULL;

        if (!ok) {
            return false;
        }
    }
    return true;
}

static bool starts_with_nocase(const char *s, const char *prefix)
{
    size_t i;

    for (i = 0; prefix[i] != '\0'; i++) {
        char a = s[i];

        if (a >= 'A' && a <= 'Z') {
            a = (char)(a - 'A' + 'a');
        }
        if (a != prefix[i]) {
            return false;
        }
    }
    return true;
}

static char *dup_str(const char *s, bool *oom)
{
    char *copy;
    size_t n;

    if (s == NULL) {
        return NULL;
    }
    n = strlen(s);
    copy = malloc(n + 1);
    if (copy == NULL) {
        *oom = true;
        return NULL;
    }
    memcpy(copy, s, n + 1);
    return copy;
}

/* Whether `authority` (up to `end`) names a host: [userinfo@]host[:port]
 * with a non-empty host (a bracketed IPv6 literal or a name) and a port of
 * digits only. */
static bool has_host(const char *authority, const char *end)
{
    const char *host = authority;
    const char *p;
    const char *port = NULL;

    for (p = authority; p < end; p++) {
        if (*p == '@') {
            host = p + 1;
        }
    }
    if (host == end) {
        return false;
    }
    if (*host == '[') {
        p = memchr(host, ']', (size_t)(end - host));
        if (p == NULL || p == host + 1) {
            return false;
        }
        if (p + 1 < end) {
            if (p[1] != ':') {
                return false;
            }
            port = p + 2;
        }
    } else {
        p = memchr(host, ':', (size_t)(end - host));
        if (p == host) {
            return false;
        }
        if (p != NULL) {
            port = p + 1;
        }
    }
    if (port != NULL) {
        if (end - port > 5) {
            return false;
        }
        for (p = port; p < end; p++) {
            if (*p < '0' || *p > '9') {
                return false;
            }
        }
    }
    return true;
}

/* Copy the base URL without trailing slashes; "http(s)://host..." only,
 * no whitespace or control characters, no query or fragment. */
static clerk_status_t set_base_url(
    clerk_client_t *client,
    const char *url,
    const char *name,
    char *message,
    size_t size)
{
    const char *authority;
    const char *end;
    const char *at;
    size_t n;
    size_t i;
    clerk__rtbuf_t display = { 0 };
    clerk_status_t st = CLERK_E_INVALID_ARG;

    if (starts_with_nocase(url, "https://")) {
        authority = url + 8;
    } else if (starts_with_nocase(url, "http://")) {
        authority = url + 7;
    } else {
        say(message, size, "%s must start with http:// or https://", name);
        goto done;
    }
    n = strlen(url);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];

        if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') {
            say(message, size,
                "%s contains a space, a control or non-ASCII byte, '?' or "
                "'#' (at offset %zu)",
                name, i);
            goto done;
        }
    }
    while (n > 0 && url[n - 1] == '/') {
        n--;
    }
    end = url + n > authority ? strchr(authority, '/') : NULL;
    if (end == NULL || end > url + n) {
        end = url + n;
    }
    if (url + n <= authority || !has_host(authority, end)) {
        say(message, size, "%s has no host or a bad port", name);
        goto done;
    }
    st = CLERK_E_NOMEM;
    client->base_url = malloc(n + 1);
    if (client->base_url == NULL) {
        goto done;
    }
    memcpy(client->base_url, url, n);
    client->base_url[n] = '\0';

    /* The hooks see the URL without any user:password@ part. */
    at = NULL;
    for (i = 0; authority + i < end; i++) {
        if (authority[i] == '@') {
            at = authority + i;
        }
    }
    if (!clerk__rtbuf_append(&display, url, (size_t)(authority - url)) ||
        !clerk__rtbuf_append(
            &display, at != NULL ? at + 1 : authority,
            (size_t)(url + n - (at != NULL ? at + 1 : authority)))) {
        goto done;
    }
    client->display_base = clerk__rtbuf_steal(&display);
    if (client->display_base == NULL) {
        goto done;
    }
    st = CLERK_OK;
done:
    clerk__rtbuf_free(&display);
    return st;
}

/* The base URL: the option, else $CLERK_API_URL, else Clerk's.  The
 * variable holds what @clerk/backend reads from it: the API's origin, to
 * which the version path "/v1" is appended ("https://api.clerk.com" ->
 * "https://api.clerk.com/v1"); a URL that has a path (even "/") is the
 * base URL as it is. */
static clerk_status_t choose_base_url(
    clerk_client_t *client, const char *option, char *message, size_t size)
{
    const char *env = getenv("CLERK_API_URL");
    const char *authority;
    clerk__rtbuf_t url = { 0 };
    clerk_status_t st;

    if (option != NULL) {
        return set_base_url(client, option, "options.base_url", message, size);
    }
    if (env == NULL || env[0] == '\0') {
        return set_base_url(
            client, DEFAULT_BASE_URL, "the default base URL", message, size);
    }
    authority = strstr(env, "://");
    if (authority == NULL || strchr(authority + 3, '/') != NULL) {
        return set_base_url(client, env, "$CLERK_API_URL", message, size);
    }
    if (!clerk__rtbuf_append_str(&url, env) ||
        !clerk__rtbuf_append_str(&url, "/v1")) {
        clerk__rtbuf_free(&url);
        return CLERK_E_NOMEM;
    }
    st = set_base_url(client, url.data, "$CLERK_API_URL", message, size);
    clerk__rtbuf_free(&url);
    return st;
}

/* Append "name: value" (or "name;" for an empty value, curl's way of
 * sending an empty header) to a list. */
static bool add_header(
    struct curl_slist **list, const char *name, const char *value)
{
    clerk__rtbuf_t line = { 0 };
    struct curl_slist *next;
    bool ok = false;

    if (value[0] == '\0') {
        clerk__rtbuf_append_str(&line, name);
        clerk__rtbuf_append_str(&line, ";");
    } else {
        clerk__rtbuf_append_str(&line, name);
        clerk__rtbuf_append_str(&line, ": ");
        clerk__rtbuf_append_str(&line, value);
    }
    if (line.oom) {
        goto done;
    }
    next = curl_slist_append(*list, line.data);
    if (next == NULL) {
        goto done;
    }
    *list = next;
    ok = true;
done:
    /* The line may hold the secret: wipe it before freeing. */
    if (line.data != NULL) {
        memset(line.data, 0, line.cap);
    }
    clerk__rtbuf_free(&line);
    return ok;
}

static bool add_raw(struct curl_slist **list, const char *line)
{
    struct curl_slist *next = curl_slist_append(*list, line);

    if (next == NULL) {
        return false;
    }
    *list = next;
    return true;
}

/* The headers every request carries, in this order: auth, API version,
 * User-Agent, Accept, then the caller's extra headers.  `kind` adds the
 * content-type line: 0 none ("Content-Type:" suppresses curl's default for
 * an empty POST), 1 JSON, 2 multipart (curl writes it with the boundary).
 */
static clerk_status_t build_headers(
    struct curl_slist **out,
    const clerk_client_options_t *o,
    const char *secret,
    int kind)
{
    struct curl_slist *list = NULL;
    clerk__rtbuf_t auth = { 0 };
    clerk__rtbuf_t ua = { 0 };
    const char *auth_header;
    const char *prefix;
    const char *api_version;
    size_t i;
    clerk_status_t st = CLERK_E_NOMEM;

    auth_header = o->auth_header != NULL ? o->auth_header : "Authorization";
    prefix = o->auth_prefix != NULL ? o->auth_prefix : "Bearer";
    api_version = o->api_version != NULL ? o->api_version : CLERK_API_VERSION;

    if (secret != NULL && secret[0] != '\0') {
        if (prefix[0] != '\0') {
            clerk__rtbuf_append_str(&auth, prefix);
            clerk__rtbuf_append_str(&auth, " ");
        }
        clerk__rtbuf_append_str(&auth, secret);
        if (auth.oom || !add_header(&list, auth_header, auth.data)) {
            goto done;
        }
    }
    if (api_version[0] != '\0' &&
        !add_header(&list, "Clerk-API-Version", api_version)) {
        goto done;
    }
    clerk__rtbuf_append_str(&ua, "libclerk/" CLERK_VERSION);
    if (o->user_agent_suffix != NULL && o->user_agent_suffix[0] != '\0') {
        clerk__rtbuf_append_str(&ua, " ");
        clerk__rtbuf_append_str(&ua, o->user_agent_suffix);
    }
    if (ua.oom || !add_header(&list, "User-Agent", ua.data) ||
        !add_raw(&list, "Accept: application/json") ||
        /* No "Expect: 100-continue" round trip before bodies. */
        !add_raw(&list, "Expect:")) {
        goto done;
    }
    if (kind == 0 && !add_raw(&list, "Content-Type:")) {
        goto done;
    }
    if (kind == 1 && !add_raw(&list, "Content-Type: application/json")) {
        goto done;
    }
    for (i = 0; i < o->header_count; i++) {
        if (!add_header(&list, o->headers[i].name, o->headers[i].value)) {
            goto done;
        }
    }
    *out = list;
    list = NULL;
    st = CLERK_OK;
done:
    if (auth.data != NULL) {
        memset(auth.data, 0, auth.cap);
    }
    clerk__rtbuf_free(&auth);
    clerk__rtbuf_free(&ua);
    curl_slist_free_all(list);
    return st;
}

/* Extra headers (options.headers[0..count)): names are tokens, values have
 * no control character. */
static clerk_status_t check_headers(
    const clerk_header_option_t *headers,
    size_t count,
    char *message,
    size_t size)
{
    size_t i;

    if (count > 0 && headers == NULL) {
        say(message, size, "options.headers is NULL but header_count is %zu",
            count);
        return CLERK_E_INVALID_ARG;
    }
    for (i = 0; i < count; i++) {
        if (!is_token(headers[i].name)) {
            say(message, size,
                "options.headers[%zu].name is not a valid header name "
                "(RFC 9110 token)",
                i);
            return CLERK_E_INVALID_ARG;
        }
        if (headers[i].value == NULL || clerk__text_has_ctl(headers[i].value)) {
            say(message, size,
                "options.headers[%zu].value is NULL or contains a control "
                "character",
                i);
            return CLERK_E_INVALID_ARG;
        }
    }
    return CLERK_OK;
}

/* Option strings that end up in request headers, or are handed to curl as
 * file names and URLs: none may hold a control character (CR and LF would
 * split a header; the others are refused by servers or mean a mistake). */
static clerk_status_t check_strings(
    const clerk_client_options_t *o, char *message, size_t size)
{
    const struct {
        const char *name;
        const char *value;
    } strings[] = {
        { "secret_key", o->secret_key },
        { "auth_prefix", o->auth_prefix },
        { "api_version", o->api_version },
        { "user_agent_suffix", o->user_agent_suffix },
        { "proxy", o->proxy },
        { "tls.ca_file", o->tls.ca_file },
        { "tls.ca_path", o->tls.ca_path },
        { "tls.client_cert", o->tls.client_cert },
        { "tls.client_key", o->tls.client_key },
    };

    size_t i;

    for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (clerk__text_has_ctl(strings[i].value)) {
            say(message, size, "options.%s contains a control character",
                strings[i].name);
            return CLERK_E_INVALID_ARG;
        }
    }
    if (o->auth_header != NULL && !is_token(o->auth_header)) {
        say(message, size,
            "options.auth_header is not a valid header name (RFC 9110 token)");
        return CLERK_E_INVALID_ARG;
    }
    return check_headers(o->headers, o->header_count, message, size);
}

/* `where` names the policy in messages ("options.retry."). */
static clerk_status_t check_retry(
    const clerk_retry_policy_t *r,
    const char *where,
    char *message,
    size_t size)
{
    if (r->max_attempts > CLERK_RETRY_MAX_ATTEMPTS) {
        say(message, size,
            "%smax_attempts is above CLERK_RETRY_MAX_ATTEMPTS (%u)", where,
            CLERK_RETRY_MAX_ATTEMPTS);
        return CLERK_E_INVALID_ARG;
    }
    /* factor: 0 is the default; otherwise at least 1 and finite. */
    if (r->factor != 0.0 && !(r->factor >= 1.0 && r->factor <= 1e6)) {
        say(message, size, "%sfactor is not 0 or within [1, 1e6]", where);
        return CLERK_E_INVALID_ARG;
    }
    return CLERK_OK;
}

/* A checked policy, with its defaults filled in. */
static void apply_retry(clerk_client_t *client, const clerk_retry_policy_t *r)
{
    client->max_attempts = r->disable             ? 1u
                           : r->max_attempts == 0 ? DEFAULT_ATTEMPTS
                                                  : r->max_attempts;
    client->initial_ms =
        r->initial_ms == 0 ? DEFAULT_INITIAL_MS : r->initial_ms;
    client->factor = r->factor == 0.0 ? DEFAULT_FACTOR : r->factor;
    client->max_wait_ms =
        r->max_wait_ms == 0 ? DEFAULT_MAX_WAIT : r->max_wait_ms;
}

static clerk_status_t check_options(
    const clerk_client_options_t *o, char *message, size_t size)
{
    clerk_status_t st = check_strings(o, message, size);

    if (st != CLERK_OK) {
        return st;
    }
    if (o->connect_timeout_ms < 0 &&
        o->connect_timeout_ms != CLERK_TIMEOUT_NONE) {
        say(message, size, "options.connect_timeout_ms is negative");
        return CLERK_E_INVALID_ARG;
    }
    if (o->timeout_ms < 0 && o->timeout_ms != CLERK_TIMEOUT_NONE) {
        say(message, size, "options.timeout_ms is negative");
        return CLERK_E_INVALID_ARG;
    }
    if (o->deadline_ms < 0 && o->deadline_ms != CLERK_TIMEOUT_NONE) {
        say(message, size, "options.deadline_ms is negative");
        return CLERK_E_INVALID_ARG;
    }
    if (o->rate_limit.max_requests > CLERK_RATE_LIMIT_MAX_REQUESTS) {
        say(message, size,
            "options.rate_limit.max_requests is above "
            "CLERK_RATE_LIMIT_MAX_REQUESTS (%u)",
            CLERK_RATE_LIMIT_MAX_REQUESTS);
        return CLERK_E_INVALID_ARG;
    }
    if (o->rate_limit.window_ms > CLERK_RATE_LIMIT_MAX_WINDOW_MS) {
        say(message, size,
            "options.rate_limit.window_ms is above "
            "CLERK_RATE_LIMIT_MAX_WINDOW_MS (%u, one day)",
            CLERK_RATE_LIMIT_MAX_WINDOW_MS);
        return CLERK_E_INVALID_ARG;
    }
    return check_retry(&o->retry, "options.retry.", message, size);
}

/* ------------------------------------------------------------------ */
/* Share locks                                                         */
/* ------------------------------------------------------------------ */

static void share_lock(
    CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr)
{
    clerk_client_t *client = userptr;

    (void)handle;
    (void)access;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST) {
        pthread_mutex_lock(&client->share_locks[data]);
    }
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userptr)
{
    clerk_client_t *client = userptr;

    (void)handle;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST) {
        pthread_mutex_unlock(&client->share_locks[data]);
    }
}

/* A new share in client->share, using the client's share locks. */
static clerk_status_t new_share(clerk_client_t *client)
{
    client->share = curl_share_init();
    if (client->share == NULL) {
        return CLERK_E_NOMEM;
    }
    if (curl_share_setopt(client->share, CURLSHOPT_USERDATA, client) !=
            CURLSHE_OK ||
        curl_share_setopt(client->share, CURLSHOPT_LOCKFUNC, share_lock) !=
            CURLSHE_OK ||
        curl_share_setopt(client->share, CURLSHOPT_UNLOCKFUNC, share_unlock) !=
            CURLSHE_OK ||
        curl_share_setopt(client->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) !=
            CURLSHE_OK ||
        curl_share_setopt(
            client->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) !=
            CURLSHE_OK) {
        return CLERK_E_NOMEM;
    }
    return CLERK_OK;
}

static clerk_status_t make_share(clerk_client_t *client)
{
    size_t i;

    for (i = 0; i < (size_t)CURL_LOCK_DATA_LAST; i++) {
        if (pthread_mutex_init(&client->share_locks[i], NULL) != 0) {
            while (i > 0) {
                pthread_mutex_destroy(&client->share_locks[--i]);
            }
            return CLERK_E_NOMEM;
        }
    }
    client->share_locks_ok = true;
    return new_share(client);
}

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

static clerk_status_t client_new(
    clerk_client_t **out,
    const clerk_client_options_t *options,
    char *message,
    size_t message_size);

clerk_status_t clerk_client_new(
    clerk_client_t **out, const clerk_client_options_t *options)
{
    return clerk_client_new_detailed(out, options, NULL, 0);
}

clerk_status_t clerk_client_new_detailed(
    clerk_client_t **out,
    const clerk_client_options_t *options,
    char *message,
    size_t message_size)
{
    char text[CLERK_MESSAGE_SIZE];
    clerk_status_t st = client_new(out, options, text, sizeof(text));

    /* Like a plain call: the thread's clerk_last_error() says why. */
    clerk__last_error_text(st, st == CLERK_OK ? NULL : text);
    if (message != NULL && message_size > 0) {
        say(message, message_size, "%s", st == CLERK_OK ? "" : text);
    }
    return st;
}

static clerk_status_t client_new(
    clerk_client_t **out,
    const clerk_client_options_t *options,
    char *message,
    size_t message_size)
{
    static const clerk_client_options_t defaults = { 0 };
    const clerk_client_options_t *o = options != NULL ? options : &defaults;
    clerk_client_t *client = NULL;
    const char *secret;
    unsigned limit = 0;
    unsigned window = 0;
    bool oom = false;
    clerk_status_t st;

    if (message != NULL && message_size > 0) {
        message[0] = '\0';
    }
    if (out == NULL) {
        say(message, message_size, "out is NULL");
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    st = check_options(o, message, message_size);
    if (st != CLERK_OK) {
        goto done;
    }
    st = clerk_global_init();
    if (st != CLERK_OK) {
        goto done;
    }
    st = CLERK_E_NOMEM;
    client = calloc(1, sizeof(*client));
    if (client == NULL) {
        goto done;
    }
    st = choose_base_url(client, o->base_url, message, message_size);
    if (st != CLERK_OK) {
        goto done;
    }
    secret = o->secret_key != NULL ? o->secret_key : getenv("CLERK_SECRET_KEY");
    if (clerk__text_has_ctl(secret)) {
        say(message, message_size,
            "$CLERK_SECRET_KEY contains a control character");
        st = CLERK_E_INVALID_ARG;
        goto done;
    }
    if (secret != NULL && secret[0] != '\0') {
        client->secret = dup_str(secret, &oom);
        if (!clerk__redact_init(&client->redact, secret)) {
            oom = true;
        }
    }
    st = build_headers(&client->headers_none, o, secret, 0);
    if (st == CLERK_OK) {
        st = build_headers(&client->headers_json, o, secret, 1);
    }
    if (st == CLERK_OK) {
        st = build_headers(&client->headers_multipart, o, secret, 2);
    }
    if (st != CLERK_OK) {
        goto done;
    }

    client->connect_timeout_ms = o->connect_timeout_ms == 0 ? DEFAULT_CONNECT_MS
                                 : o->connect_timeout_ms == CLERK_TIMEOUT_NONE
                                     ? 0
                                     : o->connect_timeout_ms;
    client->timeout_ms = o->timeout_ms == 0 ? DEFAULT_TIMEOUT_MS
                         : o->timeout_ms == CLERK_TIMEOUT_NONE ? 0
                                                               : o->timeout_ms;
    client->deadline_ms = o->deadline_ms == 0 ? DEFAULT_DEADLINE
                          : o->deadline_ms == CLERK_TIMEOUT_NONE
                              ? 0
                              : o->deadline_ms;
    client->ca_file = dup_str(o->tls.ca_file, &oom);
    client->ca_path = dup_str(o->tls.ca_path, &oom);
    client->client_cert = dup_str(o->tls.client_cert, &oom);
    client->client_key = dup_str(o->tls.client_key, &oom);
    client->insecure = o->tls.insecure_skip_verify;
    client->proxy = dup_str(o->proxy, &oom);

    apply_retry(client, &o->retry);
    client->max_response_bytes =
        o->max_response_bytes == 0 ? DEFAULT_MAX_BYTES : o->max_response_bytes;
    client->strict = o->strict_decoding;
    client->hooks = o->hooks;
    client->curl_setup = o->curl_setup;
    client->curl_setup_payload = o->curl_setup_payload;
    client->debug = o->debug;
    client->debug_payload = o->debug_payload;
    client->auth_header = dup_str(
        o->auth_header != NULL ? o->auth_header : "Authorization", &oom);
    st = CLERK_E_NOMEM;
    if (oom) {
        goto done;
    }
    if (pthread_mutex_init(&client->pool_lock, NULL) != 0) {
        goto done;
    }
    client->pool_lock_ok = true;
    atomic_init(&client->refs, 1u);
    client->pid = getpid();
    st = make_share(client);
    if (st != CLERK_OK) {
        goto done;
    }
    st = CLERK_E_NOMEM;
    client->jwks = clerk__jwks_cache_new();
    if (client->jwks == NULL) {
        goto done;
    }
    clerk__ratelimit_choose(
        &o->rate_limit, client->base_url, client->secret, &limit, &window);
    if (limit > 0) {
        client->ratelimit = clerk__ratelimit_new(limit, window);
        if (client->ratelimit == NULL) {
            goto done;
        }
    }
    *out = client;
    client = NULL;
    st = CLERK_OK;
done:
    if (st != CLERK_OK && message != NULL && message_size > 0 &&
        message[0] == '\0') {
        say(message, message_size, "%s", clerk_status_str(st));
    }
    clerk_client_free(client);
    return st;
}

/* ------------------------------------------------------------------ */
/* Sockets and fork()                                                  */
/* ------------------------------------------------------------------ */

static bool same_socket(const clerk__socket_t *s)
{
    struct stat st;

    return fstat(s->fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
           st.st_dev == s->dev && st.st_ino == s->ino;
}

static curl_socket_t open_socket(
    void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    clerk__handle_t *h = clientp;
    curl_socket_t fd;
    struct stat st;

    (void)purpose;
#ifdef SOCK_CLOEXEC
    /* A program that forks and executes something else does not hand it
     * the API's connections either. */
    fd = socket(
        address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
#else
    fd = socket(address->family, address->socktype, address->protocol);
    if (fd != CURL_SOCKET_BAD) {
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
#endif
    if (fd == CURL_SOCKET_BAD) {
        return fd;
    }
    if (h->socket_count == CLERK__HANDLE_SOCKETS || fstat(fd, &st) != 0) {
        h->untracked = true;
        return fd;
    }
    h->sockets[h->socket_count].fd = fd;
    h->sockets[h->socket_count].dev = st.st_dev;
    h->sockets[h->socket_count].ino = st.st_ino;
    h->socket_count++;
    return fd;
}

static int close_socket(void *clientp, curl_socket_t fd)
{
    clerk__handle_t *h = clientp;
    size_t i;

    for (i = 0; i < h->socket_count; i++) {
        if (h->sockets[i].fd == fd) {
            h->sockets[i] = h->sockets[--h->socket_count];
            break;
        }
    }
    return close(fd);
}

/* Cut an inherited handle loose from the sockets it shares with the
 * process that made it (see fork() at the top); false when that cannot be
 * done safely and the handle must be abandoned. */
static bool handle_disown(clerk__handle_t *h)
{
    curl_socket_t active = CURL_SOCKET_BAD;
    bool known = false;
    bool ok = true;
    int null_fd;
    size_t i;

    if (h->untracked) {
        return false;
    }
    /* The socket of its last connection must be one it was seen to open;
     * if not, curl_setup replaced the socket callbacks. */
    if (curl_easy_getinfo(h->curl, CURLINFO_ACTIVESOCKET, &active) !=
        CURLE_OK) {
        return false;
    }
    for (i = 0; i < h->socket_count; i++) {
        known = known || h->sockets[i].fd == active;
    }
    if (active != CURL_SOCKET_BAD && !known) {
        return false;
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        return false;
    }
    for (i = 0; i < h->socket_count; i++) {
        /* A descriptor that no longer is that socket was closed without
         * telling us; leave whatever it is now alone. */
        if (same_socket(&h->sockets[i]) &&
            dup2(null_fd, h->sockets[i].fd) < 0) {
            ok = false;
        }
    }
    close(null_fd);
    return ok;
}

static void handle_free(clerk__handle_t *handle)
{
    size_t i;

    if (handle == NULL) {
        return;
    }
    for (i = 0; i < CLERK__DEBUG_KINDS; i++) {
        clerk__rtbuf_t *hold = &handle->debug_hold[i];

        /* Held bytes may be the start of the key. */
        if (hold->data != NULL) {
            memset(hold->data, 0, hold->cap);
        }
        clerk__rtbuf_free(hold);
    }
    if (handle->pid != getpid() && !handle_disown(handle)) {
        return; /* abandoned on purpose: see fork() at the top */
    }
    curl_easy_cleanup(handle->curl);
    free(handle);
}

/* Called with pool_lock held when the pool belongs to another process
 * (we are its child): drop the inherited handles and share. */
static void adopt_after_fork(clerk_client_t *client, pid_t now)
{
    CURLSH *old = client->share;
    size_t i;

    for (i = 0; i < client->idle_count; i++) {
        handle_free(client->idle[i]);
    }
    client->idle_count = 0;
    /* New handles must not start from the parent's DNS cache and TLS
     * sessions; without a share they simply share nothing. */
    client->share = NULL;
    if (new_share(client) != CLERK_OK && client->share != NULL) {
        curl_share_cleanup(client->share);
        client->share = NULL;
    }
    if (old != NULL && curl_share_cleanup(old) != CURLSHE_OK) {
        /* Still referenced by an abandoned handle (or one a hook forked
         * inside of): tried again by clerk_client_free(), else leaked. */
        if (client->retired_share == NULL) {
            client->retired_share = old;
        }
    }
    client->pid = now;
}

static void free_secret_string(char *s)
{
    if (s != NULL) {
        memset(s, 0, strlen(s));
        free(s);
    }
}

/* Header lists may hold the secret: wipe each line before freeing. */
static void free_headers(struct curl_slist *list)
{
    struct curl_slist *it;

    for (it = list; it != NULL; it = it->next) {
        memset(it->data, 0, strlen(it->data));
    }
    curl_slist_free_all(list);
}

/* ------------------------------------------------------------------ */
/* Views                                                               */
/* ------------------------------------------------------------------ */

static void view_free(clerk_client_t *view)
{
    clerk_client_t *root = view->root;

    if (view->own_headers) {
        free_headers(view->headers_none);
        free_headers(view->headers_json);
        free_headers(view->headers_multipart);
    }
    free(view);
    clerk_client_free(root);
}

/* Whether the list already carries a header of this name (case-insensitive
 * RFC 9110 names). */
static bool list_has(const struct curl_slist *list, const char *name)
{
    size_t n = strlen(name);

    for (; list != NULL; list = list->next) {
        if (clerk__ascii_prefix_nocase(list->data, name) &&
            (list->data[n] == ':' || list->data[n] == ';')) {
            return true;
        }
    }
    return false;
}

/* Header names a caller may not add per call: framing and connection
 * headers are curl's, and the rest are set by the client. */
static bool reserved_header(const char *name)
{
    static const char *const names[] = {
        "host",       "content-length", "transfer-encoding",
        "connection", "content-type",   "expect",
        "te",         "upgrade",        "proxy-authorization",
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (clerk__str_eq_nocase(name, names[i])) {
            return true;
        }
    }
    return false;
}

static clerk_status_t check_call_options(
    const clerk_client_t *parent,
    const clerk_call_options_t *o,
    char *message,
    size_t size)
{
    size_t i;

    if (o->timeout_ms < 0 && o->timeout_ms != CLERK_TIMEOUT_NONE) {
        say(message, size, "options.timeout_ms is negative");
        return CLERK_E_INVALID_ARG;
    }
    if (o->deadline_ms < 0 && o->deadline_ms != CLERK_TIMEOUT_NONE) {
        say(message, size, "options.deadline_ms is negative");
        return CLERK_E_INVALID_ARG;
    }
    if (o->retry != NULL &&
        check_retry(o->retry, "options.retry->", message, size) != CLERK_OK) {
        return CLERK_E_INVALID_ARG;
    }
    if (check_headers(o->headers, o->header_count, message, size) != CLERK_OK) {
        return CLERK_E_INVALID_ARG;
    }
    for (i = 0; i < o->header_count; i++) {
        const char *name = o->headers[i].name;

        if (reserved_header(name) ||
            list_has(parent->headers_multipart, name)) {
            say(message, size,
                "options.headers[%zu].name: %s is set by the client or by "
                "curl and cannot be added per call",
                i, name);
            return CLERK_E_INVALID_ARG;
        }
    }
    return CLERK_OK;
}

/* `from` with the extra headers appended, every line copied. */
static bool copy_headers(
    struct curl_slist **out,
    const struct curl_slist *from,
    const clerk_call_options_t *o)
{
    struct curl_slist *list = NULL;
    size_t i;

    for (; from != NULL; from = from->next) {
        if (!add_raw(&list, from->data)) {
            goto fail;
        }
    }
    for (i = 0; i < o->header_count; i++) {
        if (!add_header(&list, o->headers[i].name, o->headers[i].value)) {
            goto fail;
        }
    }
    *out = list;
    return true;
fail:
    free_headers(list);
    return false;
}

clerk_status_t clerk_client_view(
    clerk_client_t **out,
    clerk_client_t *client,
    const clerk_call_options_t *options,
    char *message,
    size_t message_size)
{
    static const clerk_call_options_t defaults = { 0 };
    const clerk_call_options_t *o = options != NULL ? options : &defaults;
    clerk_client_t *view;
    clerk_client_t *root;
    clerk_status_t st;

    if (message != NULL && message_size > 0) {
        message[0] = '\0';
    }
    if (out == NULL || client == NULL) {
        say(message, message_size, "%s is NULL",
            out == NULL ? "out" : "client");
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    st = check_call_options(client, o, message, message_size);
    if (st != CLERK_OK) {
        return st;
    }
    view = malloc(sizeof(*view));
    if (view == NULL) {
        say(message, message_size, "%s", clerk_status_str(CLERK_E_NOMEM));
        return CLERK_E_NOMEM;
    }
    /* The settings are the parent's; what belongs to the root alone (the
     * pool, its lock, the share) is never touched through a view. */
    memcpy(view, client, sizeof(*view));
    root = clerk__root(client);
    view->root = root;
    view->own_headers = false;
    view->idle = NULL;
    view->idle_count = 0;
    view->idle_cap = 0;
    view->spare_bodies = NULL;
    view->spare_count = 0;
    view->spare_cap = 0;
    view->pool_lock_ok = false;
    view->share_locks_ok = false;
    atomic_init(&view->refs, 0u);
    if (o->header_count > 0) {
        if (!copy_headers(&view->headers_none, client->headers_none, o) ||
            !copy_headers(&view->headers_json, client->headers_json, o) ||
            !copy_headers(
                &view->headers_multipart, client->headers_multipart, o)) {
            /* Free whichever lists were made. */
            if (view->headers_none != client->headers_none) {
                free_headers(view->headers_none);
            }
            if (view->headers_json != client->headers_json) {
                free_headers(view->headers_json);
            }
            free(view);
            say(message, message_size, "%s", clerk_status_str(CLERK_E_NOMEM));
            return CLERK_E_NOMEM;
        }
        view->own_headers = true;
    }
    if (o->timeout_ms != 0) {
        view->timeout_ms =
            o->timeout_ms == CLERK_TIMEOUT_NONE ? 0 : o->timeout_ms;
    }
    if (o->deadline_ms != 0) {
        view->deadline_ms =
            o->deadline_ms == CLERK_TIMEOUT_NONE ? 0 : o->deadline_ms;
        view->view_deadline = true;
    }
    if (o->retry != NULL) {
        apply_retry(view, o->retry);
    }
    if (o->cancel != NULL) {
        view->cancel = o->cancel;
    }
    atomic_fetch_add(&root->refs, 1u);
    *out = view;
    return CLERK_OK;
}

void clerk_client_free(clerk_client_t *client)
{
    size_t i;

    if (client == NULL) {
        return;
    }
    if (client->root != NULL) {
        view_free(client);
        return;
    }
    /* A root lives on while views of it do (a client that failed to be
     * made has refs 0 and goes at once). */
    if (atomic_fetch_sub(&client->refs, 1u) > 1u) {
        return;
    }
    for (i = 0; i < client->idle_count; i++) {
        handle_free(client->idle[i]);
    }
    free(client->idle);
    clerk__jwks_cache_free(client->jwks);
    clerk__ratelimit_free(client->ratelimit);
    /* The share goes after every handle that used it. */
    if (client->share != NULL) {
        curl_share_cleanup(client->share);
    }
    if (client->retired_share != NULL) {
        curl_share_cleanup(client->retired_share);
    }
    if (client->share_locks_ok) {
        for (i = 0; i < (size_t)CURL_LOCK_DATA_LAST; i++) {
            pthread_mutex_destroy(&client->share_locks[i]);
        }
    }
    if (client->pool_lock_ok) {
        pthread_mutex_destroy(&client->pool_lock);
    }
    for (i = 0; i < client->spare_count; i++) {
        free(client->spare_bodies[i].data);
    }
    free(client->spare_bodies);
    free_headers(client->headers_none);
    free_headers(client->headers_json);
    free_headers(client->headers_multipart);
    free(client->base_url);
    free(client->display_base);
    free_secret_string(client->secret);
    clerk__redact_free(&client->redact);
    free(client->ca_file);
    free(client->ca_path);
    free(client->client_cert);
    free(client->client_key);
    free(client->proxy);
    free(client->auth_header);
    free(client);
}

/* ------------------------------------------------------------------ */
/* Handle pool                                                         */
/* ------------------------------------------------------------------ */

/* Everything that stays the same for every call through this handle, so a
 * reused handle (and its CA store and connections) is not set up again. */
static clerk_status_t handle_setup(
    const clerk_client_t *client, clerk__handle_t *h)
{
    CURL *c = h->curl;
    clerk_status_t st = CLERK_E_NOMEM;

    h->client = client;
    CLERK__SETOPT(c, CURLOPT_ERRORBUFFER, h->errbuf);
    CLERK__SETOPT(c, CURLOPT_NOSIGNAL, 1L);
    CLERK__SETOPT(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    CLERK__SETOPT(c, CURLOPT_OPENSOCKETDATA, h);
    CLERK__SETOPT(c, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
    CLERK__SETOPT(c, CURLOPT_CLOSESOCKETDATA, h);
    CLERK__SETOPT(c, CURLOPT_SHARE, client->share);
    CLERK__SETOPT(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CLERK__SETOPT(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    /* A 3xx is returned to the caller, never followed: following would
     * resend the secret to wherever Location points. */
    CLERK__SETOPT(c, CURLOPT_FOLLOWLOCATION, 0L);
    /* The path is escaped already; curl must not squash dot-segments. */
    CLERK__SETOPT(c, CURLOPT_PATH_AS_IS, 1L);
    CLERK__SETOPT(c, CURLOPT_TCP_KEEPALIVE, 1L);
    CLERK__SETOPT(c, CURLOPT_CONNECTTIMEOUT_MS, client->connect_timeout_ms);
    CLERK__SETOPT(c, CURLOPT_TIMEOUT_MS, client->timeout_ms);
    CLERK__SETOPT(c, CURLOPT_ACCEPT_ENCODING, "");
    /* libcurl 7.88 copies each HTTPS request into an upload buffer of
     * 64 KiB by default, kept as long as the handle lives, while it never
     * sends more than 16 KiB at a time over TLS anyway: the smallest size
     * allowed takes 48 KiB less heap per pooled handle (massif: the heap
     * peak of an async loop with 256 handles fell from 31 to 23 MB; the
     * untouched pages were never resident, so RSS stays the same). */
    CLERK__SETOPT(c, CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
    CLERK__SETOPT(
        c,
        CURLOPT_MAXFILESIZE_LARGE,
        (curl_off_t)(client->max_response_bytes > (size_t)INT64_MAX
                         ? INT64_MAX
                         : (int64_t)client->max_response_bytes));
    CLERK__SETOPT(c, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    CLERK__SETOPT(c, CURLOPT_SSL_VERIFYPEER, client->insecure ? 0L : 1L);
    CLERK__SETOPT(c, CURLOPT_SSL_VERIFYHOST, client->insecure ? 0L : 2L);
    if (client->ca_file != NULL) {
        CLERK__SETOPT(c, CURLOPT_CAINFO, client->ca_file);
    }
    if (client->ca_path != NULL) {
        CLERK__SETOPT(c, CURLOPT_CAPATH, client->ca_path);
    }
    if (client->client_cert != NULL) {
        CLERK__SETOPT(c, CURLOPT_SSLCERT, client->client_cert);
    }
    if (client->client_key != NULL) {
        CLERK__SETOPT(c, CURLOPT_SSLKEY, client->client_key);
    }
    if (client->proxy != NULL) {
        CLERK__SETOPT(c, CURLOPT_PROXY, client->proxy);
    }
    if (client->debug != NULL) {
        /* Verbose output goes to the redacting callback, never stderr. */
        CLERK__SETOPT(c, CURLOPT_DEBUGFUNCTION, clerk__debug_curl);
        CLERK__SETOPT(c, CURLOPT_DEBUGDATA, h);
        CLERK__SETOPT(c, CURLOPT_VERBOSE, 1L);
    }
    if (client->curl_setup != NULL &&
        client->curl_setup(c, client->curl_setup_payload) != 0) {
        st = CLERK_E_INVALID_ARG;
        goto done;
    }
    st = CLERK_OK;
done:
    return st;
}

clerk_status_t clerk__handle_acquire(
    clerk_client_t *client, clerk__handle_t **out)
{
    clerk__handle_t *h = NULL;
    pid_t now;
    clerk_status_t st = CLERK_E_NOMEM;

    *out = NULL;
    client = clerk__root(client);
    now = getpid();
    pthread_mutex_lock(&client->pool_lock);
    if (client->pid != now) {
        adopt_after_fork(client, now);
    }
    if (client->idle_count > 0) {
        h = client->idle[--client->idle_count];
    }
    pthread_mutex_unlock(&client->pool_lock);
    if (h != NULL) {
        *out = h;
        return CLERK_OK;
    }

    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        goto done;
    }
    h->pid = now;
    h->curl = curl_easy_init();
    if (h->curl == NULL) {
        goto done;
    }
    st = handle_setup(client, h);
    if (st != CLERK_OK) {
        goto done;
    }
    *out = h;
    h = NULL;
done:
    handle_free(h);
    return st;
}

void clerk__handle_release(
    clerk_client_t *client, clerk__handle_t *handle, bool broken)
{
    clerk__handle_t **grown;
    size_t cap;

    if (handle == NULL) {
        return;
    }
    if (broken) {
        handle_free(handle);
        return;
    }
    client = clerk__root(client);
    pthread_mutex_lock(&client->pool_lock);
    if (handle->pid != client->pid) {
        /* Made before a fork() that happened during the call (in a hook),
         * and the pool has been taken over since: not for this pool. */
        pthread_mutex_unlock(&client->pool_lock);
        handle_free(handle);
        return;
    }
    if (client->idle_count == client->idle_cap) {
        cap = client->idle_cap == 0 ? 4 : client->idle_cap * 2;
        grown = realloc(client->idle, cap * sizeof(*grown));
        if (grown == NULL) {
            pthread_mutex_unlock(&client->pool_lock);
            handle_free(handle);
            return;
        }
        client->idle = grown;
        client->idle_cap = cap;
    }
    client->idle[client->idle_count++] = handle;
    pthread_mutex_unlock(&client->pool_lock);
}

/* ------------------------------------------------------------------ */
/* Receive buffers kept between calls                                  */
/* ------------------------------------------------------------------ */

void clerk__spare_body_take(clerk_client_t *client, clerk__rtbuf_t *body)
{
    client = clerk__root(client);
    pthread_mutex_lock(&client->pool_lock);
    if (client->spare_count > 0) {
        *body = client->spare_bodies[--client->spare_count];
        body->len = 0;
        body->oom = false;
    }
    pthread_mutex_unlock(&client->pool_lock);
}

void clerk__spare_body_keep(clerk_client_t *client, char *data, size_t cap)
{
    clerk__rtbuf_t *grown;
    size_t n;

    if (data == NULL) {
        return;
    }
    if (cap == 0 || cap > CLERK__SPARE_BODY_MAX) {
        free(data);
        return;
    }
    client = clerk__root(client);
    pthread_mutex_lock(&client->pool_lock);
    /* One per pooled handle: as many as calls ran at once, no more. */
    if (client->spare_count >= client->idle_count) {
        goto drop;
    }
    if (client->spare_count == client->spare_cap) {
        n = client->spare_cap == 0 ? 4 : client->spare_cap * 2;
        grown = realloc(client->spare_bodies, n * sizeof(*grown));
        if (grown == NULL) {
            goto drop;
        }
        client->spare_bodies = grown;
        client->spare_cap = n;
    }
    grown = &client->spare_bodies[client->spare_count++];
    memset(grown, 0, sizeof(*grown));
    grown->data = data;
    grown->cap = cap;
    pthread_mutex_unlock(&client->pool_lock);
    return;
drop:
    pthread_mutex_unlock(&client->pool_lock);
    free(data);
}
