/*
 * Checks of caller text before it goes on the wire: header-safe bytes and
 * well-formed UTF-8.  Both are byte-level and locale-independent.
 */
#include "runtime_internal.h"

#include <stdint.h>
#include <string.h>

bool clerk__text_has_ctl(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL) {
        return false;
    }
    for (; *p != '\0'; p++) {
        /* RFC 9110 field values: VCHAR, SP, HTAB and obs-text only. */
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            return true;
        }
    }
    return false;
}

/*
 * RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF.  The second byte's range depends on the lead byte; every
 * further continuation byte is 0x80..0xBF.
 */
bool clerk__utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned char c = p[i];
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        size_t more;
        size_t k;

        /* Mostly ASCII (tokens, ids, JSON): eight bytes at a time. */
        if (len - i >= 8) {
            uint64_t w;

            memcpy(&w, p + i, sizeof(w));
            if ((w & UINT64_C(0x8080808080808080)) == 0) {
                i += 8;
                continue;
            }
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            if (c == 0xE0) {
                lo = 0xA0; /* overlong below U+0800 */
            } else if (c == 0xED) {
                hi = 0x9F; /* surrogates */
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            if (c == 0xF0) {
                lo = 0x90; /* overlong below U+10000 */
            } else if (c == 0xF4) {
                hi = 0x8F; /* above U+10FFFF */
            }
        } else {
            return false; /* 0x80..0xC1 (continuation, overlong), 0xF5.. */
        }
        if (len - i - 1 < more) {
            return false;
        }
        if (p[i + 1] < lo || p[i + 1] > hi) {
            return false;
        }
        for (k = 2; k <= more; k++) {
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) {
                return false;
            }
        }
        i += more + 1;
    }
    return true;
}

bool clerk__utf8_valid_str(const char *s)
{
    return s == NULL || clerk__utf8_valid(s, strlen(s));
}
