/*
 * The debug hook: curl's verbose output (CURLOPT_DEBUGFUNCTION), redacted,
 * handed to the client's clerk_debug_fn.
 *
 * What is redacted:
 *   - in outgoing headers, the value of the client's auth header and of
 *     Authorization and Proxy-Authorization (Basic credentials from a base
 *     URL with user:password@ travel there); in curl's notes, which list
 *     HTTP/2 request headers as "[name: value]", the value after any
 *     "authorization:";
 *   - everywhere, every occurrence of the secret key.  The bytes of one
 *     kind (say, the response body) form a stream that curl cuts into
 *     chunks anywhere, even a byte at a time when the server sends it so.
 *     The end of a chunk that could be the start of the key is therefore
 *     held back and put in front of the next chunk of that kind, so a key
 *     is always seen whole; what is still held when the attempt ends is
 *     passed on then, as "[redacted]" if it is 8 characters of the key or
 *     more (half the key, if that is less).
 * Nothing unredacted is ever passed on: when a copy cannot be made (out of
 * memory) the chunk is dropped.  TLS records (encrypted) are not passed.
 */
#include "runtime_internal.h"

#include <string.h>

#define REDACTED "[redacted]"
#define PIECE    8u /* shortest piece of the key redacted at a stream end */

static bool name_is(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    size_t i;

    if (len != n) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char a = line[i];
        char b = name[i];

        if (a >= 'A' && a <= 'Z') {
            a = (char)(a - 'A' + 'a');
        }
        if (b >= 'A' && b <= 'Z') {
            b = (char)(b - 'A' + 'a');
        }
        if (a != b) {
            return false;
        }
    }
    return true;
}

static bool is_auth_header(
    const clerk_client_t *client, const char *name, size_t len)
{
    return name_is(name, len, "Authorization") ||
           name_is(name, len, "Proxy-Authorization") ||
           (client->auth_header != NULL &&
            name_is(name, len, client->auth_header));
}

/* Outgoing header block: lines of the auth headers keep their name and
 * line ending, their value becomes "[redacted]". */
static bool redact_headers(
    const clerk_client_t *client,
    const char *data,
    size_t size,
    clerk__rtbuf_t *out)
{
    size_t pos = 0;

    while (pos < size) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', size - pos);
        size_t len = nl != NULL ? (size_t)(nl - line) + 1 : size - pos;
        const char *colon = memchr(line, ':', len);
        size_t name_len;
        size_t eol = len;

        if (colon != NULL) {
            name_len = (size_t)(colon - line);
            while (name_len > 0 &&
                   (line[name_len - 1] == ' ' || line[name_len - 1] == '\t')) {
                name_len--;
            }
            if (is_auth_header(client, line, name_len)) {
                while (eol > 0 &&
                       (line[eol - 1] == '\n' || line[eol - 1] == '\r')) {
                    eol--;
                }
                clerk__rtbuf_append(out, line, (size_t)(colon - line) + 1);
                clerk__rtbuf_append_str(out, " " REDACTED);
                clerk__rtbuf_append(out, line + eol, len - eol);
                pos += len;
                continue;
            }
        }
        clerk__rtbuf_append(out, line, len);
        pos += len;
    }
    return !out->oom;
}

/* curl's notes on HTTP/2 list each request header as "[name: value]"
 * (e.g. "h2h3 [authorization: Basic ...]"): the value of any name ending
 * in "authorization" (also Proxy-) is cut up to the ']' or line end. */
static bool redact_notes(const char *data, size_t size, clerk__rtbuf_t *out)
{
    static const char word[] = "authorization:";
    size_t wl = sizeof(word) - 1;
    size_t copied = 0;
    size_t i = 0;
    size_t end;

    while (i + wl <= size) {
        if (!name_is(data + i, wl, word)) {
            i++;
            continue;
        }
        i += wl;
        clerk__rtbuf_append(out, data + copied, i - copied);
        clerk__rtbuf_append_str(out, " " REDACTED);
        end = i;
        while (end < size && data[end] != ']' && data[end] != '\n' &&
               data[end] != '\r') {
            end++;
        }
        i = end;
        copied = end;
    }
    clerk__rtbuf_append(out, data + copied, size - copied);
    return !out->oom;
}

/* The shortest piece of the key that is redacted when a stream ends in it:
 * 8 characters, or half the key if that is less (of two halves of a key
 * cut in two, at least one is that long). */
static size_t min_piece(size_t key_len)
{
    return key_len / 2 < PIECE ? (key_len + 1) / 2 : PIECE;
}

/* Append `held` (the end of a stream: a proper prefix of the key) to
 * `out`, redacted when it is long enough to count as a piece of it. */
static void append_end(
    const char *key, const char *held, size_t n, clerk__rtbuf_t *out)
{
    if (n == 0) {
        return;
    }
    if (n >= min_piece(strlen(key))) {
        clerk__rtbuf_append_str(out, REDACTED);
    } else {
        clerk__rtbuf_append(out, held, n);
    }
}

/* Scan `data` left to right, replacing each whole key.  Where the rest of
 * `data` is a proper prefix of the key, stop: with `hold` those bytes are
 * kept there for the next chunk, without it they end the stream. */
static void redact_key(
    const char *key,
    const char *data,
    size_t size,
    clerk__rtbuf_t *hold,
    clerk__rtbuf_t *out)
{
    size_t key_len = strlen(key);
    size_t copied = 0;
    size_t i = 0;

    while (i < size) {
        if (size - i >= key_len) {
            if (memcmp(data + i, key, key_len) == 0) {
                clerk__rtbuf_append(out, data + copied, i - copied);
                clerk__rtbuf_append_str(out, REDACTED);
                i += key_len;
                copied = i;
                continue;
            }
        } else if (memcmp(data + i, key, size - i) == 0) {
            break; /* may be the start of a key the next chunk completes */
        }
        i++;
    }
    clerk__rtbuf_append(out, data + copied, i - copied);
    if (hold != NULL) {
        clerk__rtbuf_append(hold, data + i, size - i);
    } else {
        append_end(key, data + i, size - i, out);
    }
}

bool clerk__debug_redact(
    const clerk_client_t *client,
    clerk_debug_kind_t kind,
    clerk__rtbuf_t *hold,
    const char *data,
    size_t size,
    clerk__rtbuf_t *out)
{
    clerk__rtbuf_t step = { 0 };
    clerk__rtbuf_t joined = { 0 };
    bool ok = true;

    if (kind == CLERK_DEBUG_HEADER_OUT || kind == CLERK_DEBUG_TEXT) {
        ok = kind == CLERK_DEBUG_HEADER_OUT
                 ? redact_headers(client, data, size, &step)
                 : redact_notes(data, size, &step);
        data = step.data != NULL ? step.data : "";
        size = step.len;
    }
    if (ok && client->secret != NULL && client->secret[0] != '\0') {
        if (hold != NULL && hold->len > 0) {
            /* What the last chunk held back goes first. */
            clerk__rtbuf_append(&joined, hold->data, hold->len);
            clerk__rtbuf_append(&joined, data, size);
            memset(hold->data, 0, hold->len);
            hold->len = 0;
            data = joined.data != NULL ? joined.data : "";
            size = joined.len;
        }
        redact_key(client->secret, data, size, hold, out);
        ok = !joined.oom && (hold == NULL || !hold->oom);
    } else if (ok) {
        clerk__rtbuf_append(out, data, size);
    }
    ok = ok && !out->oom;
    /* The intermediate copies may hold the key: wipe them. */
    if (step.data != NULL) {
        memset(step.data, 0, step.cap);
    }
    if (joined.data != NULL) {
        memset(joined.data, 0, joined.cap);
    }
    clerk__rtbuf_free(&step);
    clerk__rtbuf_free(&joined);
    if (!ok && hold != NULL) {
        /* Start over clean rather than risk passing half a key later. */
        if (hold->data != NULL) {
            memset(hold->data, 0, hold->cap);
        }
        clerk__rtbuf_free(hold);
    }
    return ok;
}

bool clerk__debug_finish(
    const clerk_client_t *client, clerk__rtbuf_t *hold, clerk__rtbuf_t *out)
{
    if (hold->len > 0 && client->secret != NULL) {
        append_end(client->secret, hold->data, hold->len, out);
    }
    if (hold->data != NULL) {
        memset(hold->data, 0, hold->cap);
    }
    clerk__rtbuf_free(hold);
    return !out->oom;
}

static void pass_on(
    const clerk_client_t *client,
    clerk_debug_kind_t kind,
    clerk__rtbuf_t *out,
    bool ok)
{
    if (ok && out->len > 0) {
        client->debug(kind, out->data, out->len, client->debug_payload);
    }
    /* The copy held redacted text only; wipe it anyway, it is cheap. */
    if (out->data != NULL) {
        memset(out->data, 0, out->cap);
    }
    clerk__rtbuf_free(out);
}

void clerk__debug_flush(clerk__handle_t *handle)
{
    clerk__rtbuf_t out = { 0 };
    bool ok;
    int kind;

    if (handle->client == NULL || handle->client->debug == NULL) {
        return;
    }
    for (kind = 0; kind < CLERK__DEBUG_KINDS; kind++) {
        if (handle->debug_hold[kind].len == 0) {
            clerk__rtbuf_free(&handle->debug_hold[kind]);
            continue;
        }
        ok = clerk__debug_finish(
            handle->client, &handle->debug_hold[kind], &out);
        pass_on(handle->client, (clerk_debug_kind_t)kind, &out, ok);
    }
}

int clerk__debug_curl(
    CURL *curl, curl_infotype type, char *data, size_t size, void *userptr)
{
    clerk__handle_t *handle = userptr;
    const clerk_client_t *client = handle->client;
    clerk__rtbuf_t out = { 0 };
    clerk_debug_kind_t kind;
    bool ok;

    (void)curl;
    switch (type) {
    case CURLINFO_TEXT:
        kind = CLERK_DEBUG_TEXT;
        break;
    case CURLINFO_HEADER_OUT:
        kind = CLERK_DEBUG_HEADER_OUT;
        break;
    case CURLINFO_DATA_OUT:
        kind = CLERK_DEBUG_DATA_OUT;
        break;
    case CURLINFO_HEADER_IN:
        kind = CLERK_DEBUG_HEADER_IN;
        break;
    case CURLINFO_DATA_IN:
        kind = CLERK_DEBUG_DATA_IN;
        break;
    default:
        return 0; /* encrypted TLS records */
    }
    if (client == NULL || client->debug == NULL) {
        return 0;
    }
    ok = clerk__debug_redact(
        client, kind, &handle->debug_hold[kind], data, size, &out);
    pass_on(client, kind, &out, ok);
    return 0;
}
