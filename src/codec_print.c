/*
 * JSON text out: numbers, the locale, nesting depth and the printer.
 *
 * Locale.  printf("%g") and strtod() follow LC_NUMERIC, so a program that
 * called setlocale(LC_ALL, "de_DE.UTF-8") would read and write "1,5".
 * Everything the engine and the runtime print or parse as a number runs
 * between clerk__c_locale_begin() and clerk__c_locale_end(), which switch
 * the calling thread (only) to the "C" locale with uselocale() and back.
 * cJSON's own parser and printer follow the thread's locale too, so they
 * are called inside the same brackets.
 *
 * Numbers.  cJSON 1.7.15 prints a double with 15 significant digits when
 * that reads back "close enough", which loses values: DBL_MAX becomes
 * 1.79769313486232e+308, which reads back as infinity, and 2^53 - 1 loses
 * its last digit.  clerk__format_double() writes integers below 2^53 as
 * integers and anything else with the fewest significant digits (17 at
 * most) that read back as exactly the same double.
 *
 * Printer.  clerk__json_print() writes a cJSON tree as cJSON_PrintUnformatted
 * does (same escapes, same literals) but with those numbers, without
 * recursion and refusing trees nested deeper than CJSON_NESTING_LIMIT, the
 * deepest document cJSON (and therefore the engine's decoders) accepts.
 * Its output is allocated with cJSON_malloc(), like everything the engine
 * hands out.
 */
#include "codec_internal.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Locale                                                                 */
/* ---------------------------------------------------------------------- */

/* The "C" locale object, made once; glibc returns a static object for
 * "C", so nothing is allocated.  (locale_t)0 when it could not be made. */
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void c_locale_make(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

void clerk__c_locale_begin(clerk__locale_t *saved)
{
    saved->old = (locale_t)0;
    (void)pthread_once(&c_locale_once, c_locale_make);
    if (c_locale != (locale_t)0) {
        saved->old = uselocale(c_locale);
    }
}

void clerk__c_locale_end(const clerk__locale_t *saved)
{
    if (saved->old != (locale_t)0) {
        (void)uselocale(saved->old);
    }
}

/* ---------------------------------------------------------------------- */
/* Numbers                                                                */
/* ---------------------------------------------------------------------- */

#define EXACT_INT_LIMIT 9007199254740992.0 /* 2^53 */

/* The locale must already be "C". */
static void format_double_c(double v, char *out, size_t size)
{
    int prec = 0;
    int lo = 0;
    int hi = 0;

    if (v == 0.0) {
        /* "-0" reads back as negative zero, "0" would not. */
        snprintf(out, size, "%s", signbit(v) ? "-0" : "0");
        return;
    }
    if (v > -EXACT_INT_LIMIT && v < EXACT_INT_LIMIT &&
        (double)(int64_t)v == v) {
        snprintf(out, size, "%" PRId64, (int64_t)v);
        return;
    }
    /* 17 significant digits always read back exactly (IEEE 754 binary64),
     * and if p digits do, so do p + 1: search the fewest. */
    lo = 1;
    hi = 17;
    while (lo < hi) {
        prec = lo + (hi - lo) / 2;
        snprintf(out, size, "%.*g", prec, v);
        if (strtod(out, NULL) == v) {
            hi = prec;
        } else {
            lo = prec + 1;
        }
    }
    snprintf(out, size, "%.*g", lo, v);
}

void clerk__format_double(double v, char *out, size_t size)
{
    clerk__locale_t saved;

    clerk__c_locale_begin(&saved);
    format_double_c(v, out, size);
    clerk__c_locale_end(&saved);
}

/* ---------------------------------------------------------------------- */
/* Depth                                                                  */
/* ---------------------------------------------------------------------- */

static int is_container(const cJSON *item)
{
    return (item->type & 0xFF) == cJSON_Array ||
           (item->type & 0xFF) == cJSON_Object;
}

size_t clerk__json_depth(const cJSON *root, size_t limit)
{
    /* Containers entered and not yet left; never more than `limit`. */
    const cJSON *open[CJSON_NESTING_LIMIT];
    size_t top = 0;
    size_t deepest = 0;
    const cJSON *node = root;

    if (limit > CJSON_NESTING_LIMIT) {
        limit = CJSON_NESTING_LIMIT;
    }
    if (root == NULL) {
        return 0;
    }
    for (;;) {
        if (is_container(node)) {
            if (top + 1 > deepest) {
                deepest = top + 1;
                if (deepest > limit) {
                    return deepest; /* stop: no need to see the rest */
                }
            }
            if (node->child != NULL) {
                open[top++] = node;
                node = node->child;
                continue;
            }
        }
        /* `node` is done: on to its next sibling, leaving every container
         * whose last child it was.  The root's siblings are not ours. */
        for (;;) {
            if (top == 0) {
                return deepest;
            }
            if (node->next != NULL) {
                node = node->next;
                break;
            }
            node = open[--top];
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Printer                                                                */
/* ---------------------------------------------------------------------- */

/* A growable output block from the cJSON allocator (which has no
 * realloc: growth copies, geometrically). */
typedef struct out {
    char *data;
    size_t len;
    size_t cap;
    int oom;
} out_t;

static int out_reserve(out_t *o, size_t extra)
{
    size_t cap = o->cap == 0 ? 256 : o->cap;
    char *grown = NULL;

    if (o->oom) {
        return 0;
    }
    if (extra <= o->cap - o->len) {
        return 1;
    }
    if (extra > SIZE_MAX / 2 - o->len) {
        o->oom = 1;
        return 0;
    }
    while (cap - o->len < extra) {
        cap *= 2;
    }
    grown = cJSON_malloc(cap);
    if (grown == NULL) {
        o->oom = 1;
        return 0;
    }
    if (o->len > 0) {
        memcpy(grown, o->data, o->len);
    }
    if (o->data != NULL) {
        cJSON_free(o->data);
    }
    o->data = grown;
    o->cap = cap;
    return 1;
}

static void out_bytes(out_t *o, const char *p, size_t n)
{
    if (out_reserve(o, n)) {
        memcpy(o->data + o->len, p, n);
        o->len += n;
    }
}

static void out_str(out_t *o, const char *s)
{
    out_bytes(o, s, strlen(s));
}

/* A JSON string with cJSON's escapes: the two that must be escaped, the
 * five short forms, \u00XX for other control bytes; everything else,
 * including bytes >= 0x7F, as is.  NULL prints as "". */
static void out_string(out_t *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    size_t run = 0;
    char esc[6];

    out_bytes(o, "\"", 1);
    for (;; p++) {
        unsigned char c = *p;
        const char *short_form = NULL;

        if (c >= 0x20 && c != '"' && c != '\\') {
            run++;
            continue;
        }
        out_bytes(o, (const char *)p - run, run);
        run = 0;
        if (c == '\0') {
            break;
        }
        switch (c) {
        case '"':
            short_form = "\\\"";
            break;
        case '\\':
            short_form = "\\\\";
            break;
        case '\b':
            short_form = "\\b";
            break;
        case '\f':
            short_form = "\\f";
            break;
        case '\n':
            short_form = "\\n";
            break;
        case '\r':
            short_form = "\\r";
            break;
        case '\t':
            short_form = "\\t";
            break;
        default:
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0xF];
            out_bytes(o, esc, sizeof(esc));
            continue;
        }
        out_str(o, short_form);
    }
    out_bytes(o, "\"", 1);
}

/* One value that is not a container (or the opening of one). */
static clerk_status_t out_value(out_t *o, const cJSON *item, unsigned flags)
{
    char num[40];

    switch (item->type & 0xFF) {
    case cJSON_NULL:
        out_str(o, "null");
        break;
    case cJSON_False:
        out_str(o, "false");
        break;
    case cJSON_True:
        out_str(o, "true");
        break;
    case cJSON_Number:
        if (isinf(item->valuedouble) &&
            (flags & CLERK__PRINT_EXACT_INF) != 0) {
            out_str(o, item->valuedouble < 0 ? "-1e999" : "1e999");
        } else if (!isfinite(item->valuedouble)) {
            out_str(o, "null"); /* as cJSON: JSON has no NaN or infinity */
        } else {
            format_double_c(item->valuedouble, num, sizeof(num));
            out_str(o, num);
        }
        break;
    case cJSON_String:
        out_string(o, item->valuestring);
        break;
    case cJSON_Raw:
        if (item->valuestring == NULL) {
            return CLERK_E_INVALID_ARG;
        }
        out_str(o, item->valuestring);
        break;
    case cJSON_Array:
        out_bytes(o, "[", 1);
        break;
    case cJSON_Object:
        out_bytes(o, "{", 1);
        break;
    default:
        return CLERK_E_INVALID_ARG; /* cJSON_Invalid: cJSON fails too */
    }
    return CLERK_OK;
}

static void out_close(out_t *o, const cJSON *container)
{
    out_bytes(o, (container->type & 0xFF) == cJSON_Array ? "]" : "}", 1);
}

clerk_status_t clerk__json_print(const cJSON *root, char **text, size_t *len)
{
    return clerk__json_print_ex(root, text, len, 0);
}

clerk_status_t clerk__json_print_ex(
    const cJSON *root, char **text, size_t *len, unsigned flags)
{
    const cJSON *open[CJSON_NESTING_LIMIT];
    size_t top = 0;
    const cJSON *node = root;
    out_t o = { NULL, 0, 0, 0 };
    clerk__locale_t saved;
    clerk_status_t st = CLERK_OK;

    *text = NULL;
    if (len != NULL) {
        *len = 0;
    }
    if (root == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    clerk__c_locale_begin(&saved);
    for (;;) {
        if (is_container(node) && top == CJSON_NESTING_LIMIT) {
            st = CLERK_E_INVALID_ARG; /* one level too deep */
            goto done;
        }
        if (top > 0 && (open[top - 1]->type & 0xFF) == cJSON_Object) {
            out_string(&o, node->string);
            out_bytes(&o, ":", 1);
        }
        st = out_value(&o, node, flags);
        if (st != CLERK_OK) {
            goto done;
        }
        if (is_container(node)) {
            if (node->child != NULL) {
                open[top++] = node;
                node = node->child;
                continue;
            }
            out_close(&o, node);
        }
        for (;;) {
            if (top == 0) {
                goto finish;
            }
            if (node->next != NULL) {
                out_bytes(&o, ",", 1);
                node = node->next;
                break;
            }
            node = open[--top];
            out_close(&o, node);
        }
    }
finish:
    out_bytes(&o, "", 1); /* the NUL */
    if (o.oom) {
        st = CLERK_E_NOMEM;
        goto done;
    }
    *text = o.data;
    if (len != NULL) {
        *len = o.len - 1;
    }
    o.data = NULL;
done:
    clerk__c_locale_end(&saved);
    if (o.data != NULL) {
        cJSON_free(o.data);
    }
    return st;
}

cJSON *clerk__json_parse_text(const char *text, size_t *error_at)
{
    const char *end = NULL;
    clerk__locale_t saved;
    cJSON *doc;

    *error_at = 0;
    clerk__c_locale_begin(&saved);
    doc = cJSON_ParseWithOpts(text, &end, 1);
    clerk__c_locale_end(&saved);
    if (doc == NULL && end != NULL && end >= text) {
        *error_at = (size_t)(end - text);
    }
    return doc;
}
