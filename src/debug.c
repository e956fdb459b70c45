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
 *   - everywhere, every occurrence of the secret key, and a piece of it cut
 *     off at either end of a chunk: a chunk boundary can fall inside an
 *     echoed key, and the two halves arrive in separate calls.  A piece
 *     counts from 8 characters (or half the key, if that is less), so at
 *     most 7 characters of the key reach the callback in one place.
 * Nothing unredacted is ever passed on: when the copy cannot be made (out
 * of memory) the chunk is dropped.  TLS records (encrypted) are not passed.
 */
#include "runtime_internal.h"

#include <string.h>

#define REDACTED "[redacted]"
#define PIECE    8u /* shortest piece of the key redacted at a chunk end */

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

/* The longest k with min_piece <= k < key_len such that the first k bytes
 * of `data` are the last k of the key (`at_start`), or the last k bytes of
 * `data` are the first k of the key; 0 if none. */
static size_t edge_piece(
    const char *data,
    size_t size,
    const char *key,
    size_t key_len,
    size_t min_piece,
    bool at_start)
{
    size_t k;

    for (k = key_len - 1; k >= min_piece && k > 0; k--) {
        if (k > size) {
            continue;
        }
        if (at_start ? memcmp(data, key + key_len - k, k) == 0
                     : memcmp(data + size - k, key, k) == 0) {
            return k;
        }
    }
    return 0;
}

static bool redact_secret(
    const char *key, const char *data, size_t size, clerk__rtbuf_t *out)
{
    size_t key_len = strlen(key);
    size_t min_piece = key_len / 2 < PIECE ? (key_len + 1) / 2 : PIECE;
    size_t head = edge_piece(data, size, key, key_len, min_piece, true);
    size_t tail;
    size_t i = head;
    size_t copied = head;

    if (head > 0) {
        clerk__rtbuf_append_str(out, REDACTED);
    }
    while (i < size) {
        if (size - i >= key_len && memcmp(data + i, key, key_len) == 0) {
            clerk__rtbuf_append(out, data + copied, i - copied);
            clerk__rtbuf_append_str(out, REDACTED);
            i += key_len;
            copied = i;
            continue;
        }
        i++;
    }
    /* What is left may end with the start of a key cut off by the chunk. */
    tail = edge_piece(
        data + copied, size - copied, key, key_len, min_piece, false);
    clerk__rtbuf_append(out, data + copied, size - copied - tail);
    if (tail > 0) {
        clerk__rtbuf_append_str(out, REDACTED);
    }
    return !out->oom;
}

bool clerk__debug_redact(
    const clerk_client_t *client,
    clerk_debug_kind_t kind,
    const char *data,
    size_t size,
    clerk__rtbuf_t *out)
{
    clerk__rtbuf_t step = { 0 };
    bool ok;

    if (kind == CLERK_DEBUG_HEADER_OUT || kind == CLERK_DEBUG_TEXT) {
        ok = kind == CLERK_DEBUG_HEADER_OUT
                 ? redact_headers(client, data, size, &step)
                 : redact_notes(data, size, &step);
        if (!ok) {
            goto done;
        }
        data = step.data != NULL ? step.data : "";
        size = step.len;
    }
    if (client->secret != NULL && client->secret[0] != '\0') {
        ok = redact_secret(client->secret, data, size, out);
    } else {
        ok = clerk__rtbuf_append(out, data, size);
    }
done:
    /* The intermediate copy may still hold the key: wipe it. */
    if (step.data != NULL) {
        memset(step.data, 0, step.cap);
    }
    clerk__rtbuf_free(&step);
    return ok;
}

int clerk__debug_curl(
    CURL *handle, curl_infotype type, char *data, size_t size, void *userptr)
{
    const clerk_client_t *client = userptr;
    clerk__rtbuf_t out = { 0 };
    clerk_debug_kind_t kind;

    (void)handle;
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
    if (client->debug != NULL &&
        clerk__debug_redact(client, kind, data, size, &out)) {
        client->debug(
            kind, out.data != NULL ? out.data : "", out.len,
            client->debug_payload);
    }
    /* The copy held redacted text only; wipe it anyway, it is cheap. */
    if (out.data != NULL) {
        memset(out.data, 0, out.cap);
    }
    clerk__rtbuf_free(&out);
    return 0;
}
