/*
 * Keeping the secret key out of messages built from what a server sent.
 *
 * A server, or anything on the way, can echo the key back: in an error
 * body, in a Location header, anywhere.  Messages are cut to fit, and a cut
 * can land inside an echoed key, so looking for the whole key is not
 * enough.  Every run of CLERK__REDACT_RUN (8) or more bytes that also
 * occurs in the key is masked, wherever it stands; a key shorter than that
 * is masked wherever it occurs whole.
 *
 * Every window of that width of the key goes into a sorted table when the
 * client is made, so masking n bytes of text costs n binary searches
 * whatever the key's length.  A text position is masked when a window of
 * the text that covers it is in the table.  That masks every run the text
 * shares with the key (each of the run's windows is in the table) and, at
 * worst, a little more (pieces of the key in another order), never less.
 */
#include "runtime_internal.h"

#include <stdlib.h>
#include <string.h>

#define MARK "[redacted]"

/* The window of `width` bytes at p as a number (big-endian, zero-padded),
 * so equal windows are equal numbers. */
static uint64_t window_at(const char *p, size_t width)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | (i < width ? (uint64_t)(unsigned char)p[i] : 0u);
    }
    return v;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;

    return x < y ? -1 : x > y ? 1 : 0;
}

bool clerk__redact_init(clerk__redact_t *r, const char *secret)
{
    size_t len;
    size_t i;

    memset(r, 0, sizeof(*r));
    if (secret == NULL || secret[0] == '\0') {
        return true;
    }
    len = strlen(secret);
    r->width = len < CLERK__REDACT_RUN ? len : CLERK__REDACT_RUN;
    r->count = len - r->width + 1;
    r->windows = malloc(r->count * sizeof(*r->windows));
    if (r->windows == NULL) {
        r->count = 0;
        return false;
    }
    for (i = 0; i < r->count; i++) {
        r->windows[i] = window_at(secret + i, r->width);
    }
    qsort(r->windows, r->count, sizeof(*r->windows), compare_u64);
    return true;
}

void clerk__redact_free(clerk__redact_t *r)
{
    if (r->windows != NULL) {
        /* The windows spell the key: wipe them like the key itself. */
        memset(r->windows, 0, r->count * sizeof(*r->windows));
        free(r->windows);
    }
    memset(r, 0, sizeof(*r));
}

static bool window_in_key(const clerk__redact_t *r, const char *p)
{
    uint64_t v = window_at(p, r->width);

    return bsearch(&v, r->windows, r->count, sizeof(v), compare_u64) != NULL;
}

bool clerk__redact_found(const clerk__redact_t *r, const char *text, size_t len)
{
    size_t i;

    if (r == NULL || r->count == 0 || len < r->width) {
        return false;
    }
    for (i = 0; i + r->width <= len; i++) {
        if (window_in_key(r, text + i)) {
            return true;
        }
    }
    return false;
}

bool clerk__redact_append(
    const clerk__redact_t *r, clerk__rtbuf_t *out, const char *text, size_t len)
{
    size_t covered = 0; /* positions below this are masked */
    size_t start = 0;   /* first byte not yet copied */
    size_t i;

    if (r == NULL || r->count == 0 || len < r->width) {
        return clerk__rtbuf_append(out, text, len);
    }
    /* One pass: the window starting at i is looked up before byte i is
     * emitted, and every window covering i starts at or before i. */
    for (i = 0; i < len; i++) {
        if (i + r->width <= len && window_in_key(r, text + i)) {
            if (covered == 0 || i > covered) { /* not adjoining a mask */
                clerk__rtbuf_append(out, text + start, i - start);
                clerk__rtbuf_append_str(out, MARK);
            }
            covered = i + r->width;
            start = covered;
        }
    }
    if (start < len) {
        clerk__rtbuf_append(out, text + start, len - start);
    }
    return !out->oom;
}
