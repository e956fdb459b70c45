/*
 * The runtime's growable buffer and its one percent-encoder.
 */
#include "runtime_internal.h"

#include <stdlib.h>
#include <string.h>

#define RTBUF_MIN_CAP 256u

bool clerk__rtbuf_reserve(clerk__rtbuf_t *buf, size_t extra)
{
    size_t need;
    size_t cap;
    char *data;

    if (buf->oom) {
        return false;
    }
    if (extra > SIZE_MAX - buf->len - 1) {
        buf->oom = true;
        return false;
    }
    need = buf->len + extra + 1;
    if (need <= buf->cap) {
        return true;
    }
    /* Geometric growth keeps appends amortised O(1) for large bodies; the
     * first reservation is taken as is (e.g. a declared Content-Length). */
    if (buf->cap == 0) {
        cap = need < RTBUF_MIN_CAP ? RTBUF_MIN_CAP : need;
    } else {
        cap = buf->cap;
    }
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    data = realloc(buf->data, cap);
    if (data == NULL) {
        buf->oom = true;
        return false;
    }
    buf->data = data;
    buf->cap = cap;
    return true;
}

bool clerk__rtbuf_append(clerk__rtbuf_t *buf, const void *data, size_t len)
{
    if (!clerk__rtbuf_reserve(buf, len)) {
        return false;
    }
    if (len > 0) {
        memcpy(buf->data + buf->len, data, len);
    }
    buf->len += len;
    buf->data[buf->len] = '\0';
    return true;
}

bool clerk__rtbuf_append_str(clerk__rtbuf_t *buf, const char *str)
{
    return clerk__rtbuf_append(buf, str, strlen(str));
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

bool clerk__rtbuf_append_escaped(
    clerk__rtbuf_t *buf, const char *str, bool dot_segment)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(str);
    size_t i;
    char *out;
    bool dots =
        dot_segment && (strcmp(str, ".") == 0 || strcmp(str, "..") == 0);

    /* Worst case every byte becomes %XX. */
    if (n > (SIZE_MAX - 1) / 3 || !clerk__rtbuf_reserve(buf, n * 3)) {
        buf->oom = true;
        return false;
    }
    out = buf->data + buf->len;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)str[i];

        if (is_unreserved(c) && !(dots && c == '.')) {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 0xF];
        }
    }
    buf->len = (size_t)(out - buf->data);
    buf->data[buf->len] = '\0';
    return true;
}

char *clerk__rtbuf_steal(clerk__rtbuf_t *buf)
{
    char *data;

    if (buf->oom) {
        clerk__rtbuf_free(buf);
        return NULL;
    }
    if (buf->data == NULL) {
        data = malloc(1);
        if (data != NULL) {
            data[0] = '\0';
        }
        return data;
    }
    data = buf->data;
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    return data;
}

void clerk__rtbuf_free(clerk__rtbuf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->oom = false;
}

bool clerk__str_eq_nocase(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a;
        char y = *b;

        if (x >= 'A' && x <= 'Z') {
            x = (char)(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = (char)(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return *a == *b;
}
