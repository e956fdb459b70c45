/*
 * Step 2 of a call: send a built request with a pooled easy handle, retry
 * per the client's policy, and collect status, headers and body.
 *
 * The body goes into one buffer that grows geometrically and stops at the
 * client's size limit (CLERK_E_TOO_LARGE); curl also refuses a declared
 * Content-Length above the limit before reading anything.  Redirects are
 * never followed: a 3xx comes back as an HTTP status like any other.
 * Only the headers of the last attempt are kept.
 */
#include "ratelimit_internal.h"
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Callbacks                                                           */
/* ------------------------------------------------------------------ */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    clerk__reply_t *reply = userdata;
    size_t n = size * nmemb;

    if (n > reply->body_limit - reply->body.len) {
        reply->too_large = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    if (!clerk__rtbuf_append(&reply->body, ptr, n)) {
        return 0;
    }
    return n;
}

static void headers_clear(clerk__headers_t *h)
{
    h->count = 0;
    h->store.len = 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A declared Content-Length within the limit sizes the body buffer once,
 * instead of growing it step by step (a larger one is refused by curl
 * through CURLOPT_MAXFILESIZE_LARGE before any byte is read). */
static void presize_body(clerk__reply_t *reply, const char *record)
{
    const char *p;
    size_t len = 0;

    if (!clerk__str_eq_nocase(record, "Content-Length")) {
        return;
    }
    p = record + strlen(record) + 1;
    if (*p == '\0') {
        return;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (len > reply->body_limit / 10) {
            return;
        }
        len = len * 10 + (size_t)(*p - '0');
    }
    if (*p == '\0' && len <= reply->body_limit && len > reply->body.len) {
        (void)clerk__rtbuf_reserve(&reply->body, len - reply->body.len);
    }
}

static size_t on_header(char *buffer, size_t size, size_t nitems, void *ud)
{
    clerk__reply_t *reply = ud;
    clerk__headers_t *h = &reply->headers;
    size_t n = size * nitems;
    size_t end = n;
    size_t name_end;
    size_t value;
    const char *colon;
    size_t *grown;

    reply->header_bytes += n;
    if (reply->header_bytes > CLERK__MAX_HEADER_BYTES) {
        reply->headers_too_large = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    while (end > 0 && is_blank(buffer[end - 1])) {
        end--;
    }
    /* A status line starts a new response (a retry, or after a 1xx): only
     * the headers of the final one are kept. */
    if (end >= 5 && memcmp(buffer, "HTTP/", 5) == 0) {
        headers_clear(h);
        reply->headers_done = false;
        return n;
    }
    if (end == 0) {
        reply->headers_done = true; /* the blank line ending the block */
        return n;
    }
    colon = memchr(buffer, ':', end);
    if (colon == NULL || colon == buffer || is_blank(buffer[0])) {
        return n; /* blank line, or an obsolete folded continuation */
    }
    /* Records are NUL-separated: a NUL inside the line would make its name
     * or value read as something else.  Such a line is malformed; skip it. */
    if (memchr(buffer, '\0', end) != NULL) {
        return n;
    }
    name_end = (size_t)(colon - buffer);
    while (name_end > 0 && is_blank(buffer[name_end - 1])) {
        name_end--;
    }
    value = (size_t)(colon - buffer) + 1;
    while (value < end && is_blank(buffer[value])) {
        value++;
    }
    if (h->count == h->cap) {
        size_t cap = h->cap == 0 ? 16 : h->cap * 2;

        grown = realloc(h->offsets, cap * sizeof(*grown));
        if (grown == NULL) {
            h->oom = true;
            return 0;
        }
        h->offsets = grown;
        h->cap = cap;
    }
    h->offsets[h->count] = h->store.len;
    if (!clerk__rtbuf_append(&h->store, buffer, name_end) ||
        !clerk__rtbuf_append(&h->store, "", 1) ||
        !clerk__rtbuf_append(&h->store, buffer + value, end - value) ||
        !clerk__rtbuf_append(&h->store, "", 1)) {
        h->oom = true;
        return 0;
    }
    h->count++;
    presize_body(reply, h->store.data + h->offsets[h->count - 1]);
    return n;
}

const char *clerk__headers_get(const clerk__headers_t *h, const char *name)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        const char *n = h->store.data + h->offsets[i];

        if (clerk__str_eq_nocase(n, name)) {
            return n + strlen(n) + 1;
        }
    }
    return NULL;
}

void clerk__reply_free(clerk__reply_t *reply)
{
    if (reply == NULL) {
        return;
    }
    clerk__rtbuf_free(&reply->body);
    clerk__rtbuf_free(&reply->headers.store);
    free(reply->headers.offsets);
    reply->headers.offsets = NULL;
    reply->headers.count = 0;
    reply->headers.cap = 0;
}

size_t clerk__reply_header(clerk__reply_t *reply, char *line, size_t len)
{
    return on_header(line, 1, len, reply);
}

/* ------------------------------------------------------------------ */
/* One attempt                                                         */
/* ------------------------------------------------------------------ */

static clerk_status_t build_mime(
    CURL *c, const clerk__request_t *req, curl_mime **out)
{
    curl_mime *mime = NULL;
    curl_mimepart *mp;
    size_t i;
    clerk_status_t st = CLERK_E_NOMEM;

    mime = curl_mime_init(c);
    if (mime == NULL) {
        goto done;
    }
    for (i = 0; i < req->part_count; i++) {
        const clerk__part_t *p = &req->parts[i];
        const clerk_file_t *f = p->file;

        mp = curl_mime_addpart(mime);
        if (mp == NULL || curl_mime_name(mp, p->name) != CURLE_OK) {
            goto done;
        }
        if (f == NULL) {
            if (curl_mime_data(mp, p->text, p->text_len) != CURLE_OK ||
                (p->content_type != NULL &&
                 curl_mime_type(mp, p->content_type) != CURLE_OK)) {
                goto done;
            }
            continue;
        }
        if (f->data != NULL || f->path == NULL) {
            if (curl_mime_data(mp, f->data != NULL ? f->data : "", f->size) !=
                CURLE_OK) {
                goto done;
            }
        } else if (curl_mime_filedata(mp, f->path) != CURLE_OK) {
            /* An unreadable file is the caller's mistake. */
            st = CLERK_E_INVALID_ARG;
            goto done;
        }
        if ((f->filename != NULL &&
             curl_mime_filename(mp, f->filename) != CURLE_OK) ||
            curl_mime_type(
                mp, f->content_type != NULL
                        ? f->content_type
                        : "application/octet-stream") != CURLE_OK) {
            goto done;
        }
    }
    *out = mime;
    mime = NULL;
    st = CLERK_OK;
done:
    curl_mime_free(mime);
    return st;
}

clerk_status_t clerk__handle_prepare(
    clerk_client_t *client,
    clerk__handle_t *handle,
    const clerk__request_t *req,
    curl_mime **mime,
    clerk__reply_t *reply)
{
    CURL *c = handle->curl;
    const char *m = req->method;
    bool custom;
    clerk_status_t st = CLERK_E_NOMEM;

    *mime = NULL;
    CLERK__SETOPT(c, CURLOPT_URL, req->url);
    /* Handles are shared by a client and its views: what a view may change
     * is set again for every call. */
    CLERK__SETOPT(c, CURLOPT_TIMEOUT_MS, client->timeout_ms);
    if (client->cancel != NULL) {
        CLERK__SETOPT(c, CURLOPT_XFERINFOFUNCTION, clerk__cancel_progress);
        CLERK__SETOPT(c, CURLOPT_XFERINFODATA, (void *)client->cancel);
        CLERK__SETOPT(c, CURLOPT_NOPROGRESS, 0L);
    } else {
        CLERK__SETOPT(c, CURLOPT_NOPROGRESS, 1L);
    }
    CLERK__SETOPT(c, CURLOPT_HTTPHEADER, (struct curl_slist *)req->headers);
    CLERK__SETOPT(c, CURLOPT_WRITEFUNCTION, on_body);
    CLERK__SETOPT(c, CURLOPT_WRITEDATA, reply);
    CLERK__SETOPT(c, CURLOPT_HEADERFUNCTION, on_header);
    CLERK__SETOPT(c, CURLOPT_HEADERDATA, reply);

    /* The handle is reused: first put the method back to a plain GET, then
     * set exactly what this request needs. */
    CLERK__SETOPT(c, CURLOPT_HTTPGET, 1L);
    if (req->part_count > 0) {
        st = build_mime(c, req, mime);
        if (st != CLERK_OK) {
            goto done;
        }
        st = CLERK_E_NOMEM;
        CLERK__SETOPT(c, CURLOPT_MIMEPOST, *mime);
    } else if (req->body != NULL || req->send_empty_body) {
        CLERK__SETOPT(
            c, CURLOPT_POSTFIELDSIZE_LARGE,
            (curl_off_t)(req->body != NULL ? req->body_len : 0));
        CLERK__SETOPT(
            c, CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
    } else if (strcmp(m, "HEAD") == 0) {
        CLERK__SETOPT(c, CURLOPT_NOBODY, 1L);
    }
    custom = strcmp(m, "GET") != 0 && strcmp(m, "POST") != 0 &&
             strcmp(m, "HEAD") != 0;
    CLERK__SETOPT(c, CURLOPT_CUSTOMREQUEST, custom ? m : NULL);
    st = CLERK_OK;
done:
    if (st != CLERK_OK) {
        curl_mime_free(*mime);
        *mime = NULL;
    }
    return st;
}

/*
 * libcurl 7.88 reports two of its size limits as CURLE_OUT_OF_MEMORY: a
 * request head (request line + headers) over 1 MiB, and a response header
 * line over CURL_MAX_HTTP_HEADER (100 KiB); from 8.6 on it says
 * CURLE_TOO_LARGE.  An out-of-memory code is taken for a limit when memory
 * is evidently available: twice the largest buffer curl would have needed
 * can be allocated right now.  A real allocation failure stays NOMEM.
 * Returns the status, or CLERK_OK when rc is not a size limit.
 */
static clerk_status_t curl_size_limit(
    clerk__handle_t *handle, CURLcode rc, const clerk__reply_t *reply)
{
    long sent = 0;
    bool limit = false;
    void *probe;

#if LIBCURL_VERSION_NUM >= 0x080600
    limit = rc == CURLE_TOO_LARGE;
#endif
    if (!limit) {
        if (rc != CURLE_OUT_OF_MEMORY || reply->headers_done ||
            reply->body.oom || reply->headers.oom) {
            return CLERK_OK;
        }
        probe = malloc((size_t)2 * 1024 * 1024);
        if (probe == NULL) {
            return CLERK_OK;
        }
        free(probe);
    }
    if (curl_easy_getinfo(handle->curl, CURLINFO_REQUEST_SIZE, &sent) !=
        CURLE_OK) {
        sent = 0;
    }
    /* Nothing sent: the request itself was too large to build. */
    return sent > 0 ? CLERK_E_TOO_LARGE : CLERK_E_INVALID_ARG;
}

static bool is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

void clerk__attempt_finish(
    clerk__handle_t *handle, CURLcode rc, clerk__reply_t *reply)
{
    long code = 0;
    const char *detail;

    if (curl_easy_getinfo(handle->curl, CURLINFO_RESPONSE_CODE, &code) !=
        CURLE_OK) {
        code = 0;
    }
    reply->http_status = code;
    reply->message[0] = '\0';
    if (rc == CURLE_OK) {
        reply->status = reply->headers.oom ? CLERK_E_NOMEM : CLERK_OK;
        return;
    }
    if (reply->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        reply->status = CLERK_E_TOO_LARGE;
        snprintf(
            reply->message, sizeof(reply->message),
            "response body exceeds the size limit of %zu bytes",
            reply->body_limit);
        return;
    }
    if (reply->headers_too_large) {
        reply->status = CLERK_E_TOO_LARGE;
        snprintf(
            reply->message, sizeof(reply->message),
            "response headers exceed the size limit of %zu bytes",
            CLERK__MAX_HEADER_BYTES);
        return;
    }
    reply->status = curl_size_limit(handle, rc, reply);
    if (reply->status != CLERK_OK) {
        snprintf(
            reply->message, sizeof(reply->message), "%s",
            reply->status == CLERK_E_TOO_LARGE
                ? "a response header exceeds libcurl's size limit "
                  "(100 KiB a line)"
                : "the request line and headers exceed libcurl's limit of "
                  "1 MiB");
        return;
    }
    if (rc == CURLE_OUT_OF_MEMORY || reply->body.oom || reply->headers.oom) {
        reply->status = CLERK_E_NOMEM;
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        reply->status = CLERK_E_TIMEOUT;
    } else if (is_tls_error(rc)) {
        reply->status = CLERK_E_TLS;
    } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
        reply->status = CLERK_E_CANCELLED;
    } else if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        reply->status = CLERK_E_INVALID_ARG;
    } else {
        reply->status = CLERK_E_TRANSPORT;
    }
    /* curl's messages name hosts and ports, never request headers, so the
     * secret cannot appear in them. */
    detail =
        handle->errbuf[0] != '\0' ? handle->errbuf : curl_easy_strerror(rc);
    snprintf(
        reply->message, sizeof(reply->message), "%s: %.180s",
        clerk_status_str(reply->status), detail);
}

/* ------------------------------------------------------------------ */
/* The retry state machine                                             */
/* ------------------------------------------------------------------ */

/* Both flavours run a call through the same three steps per attempt: the
 * blocking loop below and the multi loop in src/async.c differ only in how
 * the transfer itself runs (curl_easy_perform() or the multi) and how the
 * wait between attempts passes (a sleep or a timer). */

/* What the hooks see of attempt `attempt` of `req`. */
static void hook_info(
    const clerk__request_t *req, unsigned attempt, clerk_hook_info_t *info)
{
    memset(info, 0, sizeof(*info));
    info->method = req->method;
    info->url = req->display_url;
    info->operation_id = req->operation_id;
    info->attempt = attempt;
}

clerk_status_t clerk__attempt_begin(
    clerk_client_t *client,
    const clerk__request_t *req,
    clerk__handle_t *handle,
    clerk__reply_t *reply,
    unsigned attempt)
{
    clerk_hook_info_t info;

    reply->body.len = 0;
    if (reply->body.data != NULL) {
        reply->body.data[0] = '\0';
    }
    reply->too_large = false;
    reply->header_bytes = 0;
    reply->headers_too_large = false;
    reply->headers_done = false;
    headers_clear(&reply->headers);
    reply->http_status = 0;
    reply->status = CLERK_OK;
    reply->message[0] = '\0';
    handle->errbuf[0] = '\0';
    if (clerk__cancelled(client->cancel)) {
        reply->status = CLERK_E_CANCELLED;
        snprintf(
            reply->message, sizeof(reply->message),
            "cancelled by the call's cancel token");
        return CLERK_E_CANCELLED;
    }
    if (client->hooks.on_request != NULL) {
        hook_info(req, attempt, &info);
        if (client->hooks.on_request(&info, client->hooks.payload) != 0) {
            reply->status = CLERK_E_CANCELLED;
            snprintf(
                reply->message, sizeof(reply->message),
                "cancelled by the request hook");
            return CLERK_E_CANCELLED;
        }
    }
    reply->attempts = attempt;
    return CLERK_OK;
}

void clerk__attempt_end(
    clerk_client_t *client,
    const clerk__request_t *req,
    clerk__handle_t *handle,
    clerk__reply_t *reply,
    CURLcode rc,
    double t0)
{
    clerk_hook_info_t info;

    clerk__attempt_finish(handle, rc, reply);
    if (client->hooks.on_response == NULL) {
        return;
    }
    hook_info(req, reply->attempts, &info);
    info.http_status = reply->http_status;
    /* A non-2xx is an HTTP error to the hook. */
    info.status = reply->status == CLERK_OK &&
                          (reply->http_status < 200 || reply->http_status > 299)
                      ? CLERK_E_HTTP
                      : reply->status;
    info.elapsed_ms = clerk__now_ms() - t0;
    (void)client->hooks.on_response(&info, client->hooks.payload);
}

bool clerk__attempt_next(
    const clerk_client_t *client,
    const clerk__request_t *req,
    const clerk__reply_t *reply,
    CURLcode rc,
    double deadline,
    uint64_t *rng,
    unsigned *wait)
{
    unsigned attempt = reply->attempts;

    if (attempt >= client->max_attempts || reply->status == CLERK_E_TOO_LARGE ||
        reply->status == CLERK_E_NOMEM || reply->status == CLERK_E_CANCELLED ||
        !clerk__retry_allowed(req->idempotent, rc, reply->http_status)) {
        return false;
    }
    *wait = clerk__retry_wait_ms(
        attempt, client->initial_ms, client->factor, client->max_wait_ms,
        clerk__headers_get(&reply->headers, "Retry-After"), rng);
    /* No retry that could not start before the deadline: the call ends now
     * with this attempt's result instead of waiting in vain. */
    return !(deadline > 0 && clerk__now_ms() + (double)*wait >= deadline);
}

/* ------------------------------------------------------------------ */
/* The blocking loop                                                   */
/* ------------------------------------------------------------------ */

/* This attempt's timeout: the client's, cut to what is left of the call's
 * deadline (`deadline` 0: none).  At least 1 ms, since curl reads 0 as no
 * limit.  *cut says the deadline, not the client's timeout, set it. */
static bool set_attempt_timeout(
    const clerk_client_t *client,
    clerk__handle_t *handle,
    double deadline,
    bool *cut)
{
    long ms = client->timeout_ms;
    double left;

    *cut = false;
    if (deadline > 0) {
        left = deadline - clerk__now_ms();
        if (left < 1.0) {
            left = 1.0;
        }
        if (ms == 0 || left < (double)ms) {
            ms = (long)left;
            *cut = true;
        }
    }
    return curl_easy_setopt(handle->curl, CURLOPT_TIMEOUT_MS, ms) == CURLE_OK;
}

void clerk__transfer(
    clerk_client_t *client, const clerk__request_t *req, clerk__reply_t *reply)
{
    clerk__handle_t *handle = NULL;
    curl_mime *mime = NULL;
    double start = clerk__now_ms();
    double deadline =
        client->deadline_ms > 0 ? start + (double)client->deadline_ms : 0.0;
    double t0;
    bool cut = false;
    uint64_t rng;
    unsigned attempt;
    unsigned wait;
    bool broken = false;
    CURLcode rc;
    clerk_status_t st;

    reply->body_limit = client->max_response_bytes;
    reply->attempts = 0;
    st = clerk__handle_acquire(client, &handle);
    if (st != CLERK_OK) {
        reply->status = st;
        snprintf(
            reply->message, sizeof(reply->message), "%s",
            st == CLERK_E_INVALID_ARG ? "the curl_setup callback failed"
                                      : "could not create a curl handle");
        goto done;
    }
    st = clerk__handle_prepare(client, handle, req, &mime, reply);
    if (st != CLERK_OK) {
        broken = true;
        reply->status = st;
        snprintf(
            reply->message, sizeof(reply->message), "%s",
            st == CLERK_E_INVALID_ARG ? "a multipart file cannot be read"
                                      : "could not set up the request");
        goto done;
    }
    rng = clerk__rng_seed(handle);

    for (attempt = 1;; attempt++) {
        /* Client-side rate limit: wait for a slot (src/ratelimit.c). */
        if (client->ratelimit != NULL &&
            clerk__ratelimit_acquire(
                client->ratelimit,
                deadline > 0 ? deadline - clerk__now_ms() : -1, reply->message,
                sizeof(reply->message)) != CLERK_OK) {
            reply->status = CLERK_E_TIMEOUT;
            break;
        }
        if (clerk__attempt_begin(client, req, handle, reply, attempt) !=
            CLERK_OK) {
            break;
        }
        if (!set_attempt_timeout(client, handle, deadline, &cut)) {
            reply->status = CLERK_E_NOMEM;
            snprintf(
                reply->message, sizeof(reply->message),
                "could not set up the request");
            break;
        }
        t0 = clerk__now_ms();
        rc = curl_easy_perform(handle->curl);
        clerk__debug_flush(handle);
        clerk__attempt_end(client, req, handle, reply, rc, t0);
        if (cut && reply->status == CLERK_E_TIMEOUT) {
            snprintf(
                reply->message, sizeof(reply->message),
                "%s: the call's deadline of %ld ms passed",
                clerk_status_str(CLERK_E_TIMEOUT), client->deadline_ms);
        }
        if (!clerk__attempt_next(
                client, req, reply, rc, deadline, &rng, &wait)) {
            break;
        }
        if (!clerk__sleep_cancellable(wait, client->cancel)) {
            reply->status = CLERK_E_CANCELLED;
            snprintf(
                reply->message, sizeof(reply->message),
                "cancelled by the call's cancel token");
            break;
        }
    }
done:
    if (mime != NULL) {
        curl_mime_free(mime);
    }
    clerk__handle_release(client, handle, broken);
    reply->elapsed_ms = clerk__now_ms() - start;
}
