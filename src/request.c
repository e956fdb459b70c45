/*
 * Step 1 of a call: op descriptor + arguments -> clerk__request_t.
 *
 * Pure: touches no curl handle and sends nothing, so any bad argument is
 * reported before a byte goes on the wire, and the async flavour can build
 * requests the same way.
 *
 * Query parameters, from the op's table, read at their offsets in the
 * caller's params struct:
 *   clerk_opt_*      sent when CLERK_SET; CLERK_UNSET and CLERK_NULL are
 *                    both left out (a query string has no null);
 *   char *           sent unless NULL;
 *   clerk_enum_t     `raw` when non-NULL, else the enum's wire string;
 *   bool / int64     "true"/"false" / decimal;
 *   arrays           one key=value pair per item (repeated keys), or with
 *                    CLERK__F_CSV one key and the items joined by ',';
 *   objects          (a pointer to the model struct) deepObject
 *                    `name[prop]=v` (CLERK__F_DEEP), form `prop=v`, or
 *                    form with CLERK__F_CSV `name=prop,v,prop2,v2`.
 * Every name and value is percent-encoded (RFC 3986 unreserved set kept),
 * the brackets of deepObject keys too (%5B, %5D).
 * A required parameter that ends up sending nothing is CLERK_E_INVALID_ARG.
 * Multipart text parts follow the same rules.  Header and cookie parameters
 * (the op's header table) too, as extra request header lines; their values
 * may not hold control characters.  Form-urlencoded bodies are written
 * like a form query: one `name=value` per set property, arrays repeated.
 */
#include "codec_internal.h"
#include "runtime_internal.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The layout every array type shares ({ items, count, state }). */
typedef struct array_view {
    void *items;
    size_t count;
    clerk_presence_t state;
} array_view_t;

static void set_msg(char *message, size_t size, const char *fmt, const char *a)
{
    if (message != NULL && size > 0) {
        snprintf(message, size, fmt, a != NULL ? a : "");
    }
}

static bool method_is(const char *method, const char *name)
{
    return strcmp(method, name) == 0;
}

/*
 * The text of one scalar value at `ptr` of type `t`.  *text is NULL when the
 * value is absent (not sent); `tmp` holds formatted numbers.
 * CLERK_E_INVALID_ARG for a kind that has no text form (the caller decides
 * whether that is an error) or an enum value out of range.
 */
static clerk_status_t scalar_text(
    const clerk__type_t *t,
    const void *ptr,
    char *tmp,
    size_t tmp_size,
    const char **text)
{
    *text = NULL;
    switch (t->kind) {
    case CLERK__K_STR: {
        const char *s;

        memcpy(&s, ptr, sizeof(s));
        *text = s;
        return CLERK_OK;
    }
    case CLERK__K_OPT_STR: {
        const clerk_opt_str_t *v = ptr;

        if (v->state == CLERK_SET) {
            *text = v->value != NULL ? v->value : "";
        }
        return CLERK_OK;
    }
    case CLERK__K_BOOL: {
        const bool *v = ptr;

        *text = *v ? "true" : "false";
        return CLERK_OK;
    }
    case CLERK__K_OPT_BOOL: {
        const clerk_opt_bool_t *v = ptr;

        if (v->state == CLERK_SET) {
            *text = v->value ? "true" : "false";
        }
        return CLERK_OK;
    }
    case CLERK__K_INT: {
        const int64_t *v = ptr;

        snprintf(tmp, tmp_size, "%" PRId64, *v);
        *text = tmp;
        return CLERK_OK;
    }
    case CLERK__K_OPT_INT: {
        const clerk_opt_int64_t *v = ptr;

        if (v->state == CLERK_SET) {
            snprintf(tmp, tmp_size, "%" PRId64, v->value);
            *text = tmp;
        }
        return CLERK_OK;
    }
    case CLERK__K_NUM: {
        const double *v = ptr;

        if (!isfinite(*v)) {
            return CLERK_E_INVALID_ARG;
        }
        clerk__format_double(*v, tmp, tmp_size);
        *text = tmp;
        return CLERK_OK;
    }
    case CLERK__K_OPT_NUM: {
        const clerk_opt_double_t *v = ptr;

        if (v->state == CLERK_SET) {
            if (!isfinite(v->value)) {
                return CLERK_E_INVALID_ARG;
            }
            clerk__format_double(v->value, tmp, tmp_size);
            *text = tmp;
        }
        return CLERK_OK;
    }
    case CLERK__K_ENUM: {
        const clerk_enum_t *v = ptr;
        const clerk__enum_t *e = t->enumeration;

        /* {0} is unset; a value or raw string given without CLERK_ENUM()
         * still counts as set. */
        if (v->state == CLERK_NULL ||
            (v->state == CLERK_UNSET && v->raw == NULL && v->value == 0)) {
            return CLERK_OK;
        }
        if (v->raw != NULL) {
            *text = v->raw;
            return CLERK_OK;
        }
        if (e == NULL || v->value < 1 || (size_t)v->value > e->count) {
            return CLERK_E_INVALID_ARG;
        }
        *text = e->values[v->value - 1];
        return CLERK_OK;
    }
    default:
        return CLERK_E_INVALID_ARG;
    }
}

static bool is_array(const clerk__type_t *t)
{
    return t->kind == CLERK__K_ARRAY && t->elem != NULL;
}

/* The value at `ptr` of type *t as a run of items: an array's items (*t
 * becomes the item type), or the value itself as one item.  False when an
 * array has a count but no items. */
static bool value_items(
    const clerk__type_t **t, const char *ptr, const char **items, size_t *count)
{
    array_view_t a;

    *items = ptr;
    *count = 1;
    if (!is_array(*t)) {
        return true;
    }
    memcpy(&a, ptr, sizeof(a));
    if (a.count > 0 && a.items == NULL) {
        return false;
    }
    *items = a.items;
    *count = a.count;
    *t = (*t)->elem;
    return true;
}

/* ------------------------------------------------------------------ */
/* Path and query                                                      */
/* ------------------------------------------------------------------ */

/* Whether `base_len` bytes of base URL plus `tail` stay within
 * CLERK_MAX_URL_LENGTH (an out-of-memory tail is reported elsewhere). */
static bool url_fits(const clerk__rtbuf_t *tail, size_t base_len)
{
    return tail->oom || (base_len <= (size_t)CLERK_MAX_URL_LENGTH &&
                         tail->len <= (size_t)CLERK_MAX_URL_LENGTH - base_len);
}

static clerk_status_t url_too_long(
    char *message,
    size_t message_size,
    const char *kind,
    const char *name,
    int name_len)
{
    if (message != NULL && message_size > 0) {
        snprintf(
            message, message_size,
            "%s parameter %.*s makes the URL longer than %d bytes", kind,
            name_len, name, CLERK_MAX_URL_LENGTH);
    }
    return CLERK_E_INVALID_ARG;
}

static clerk_status_t build_path(
    clerk__rtbuf_t *tail,
    size_t base_len,
    const clerk__op_t *op,
    const char *const *path_args,
    char *message,
    size_t message_size)
{
    const char *p = op->path;
    size_t used = 0;

    if (op->path_arg_count > 0 && path_args == NULL) {
        set_msg(message, message_size, "path parameters missing%s", NULL);
        return CLERK_E_INVALID_ARG;
    }
    while (*p != '\0') {
        const char *open = strchr(p, '{');
        const char *close;
        const char *arg;

        if (open == NULL) {
            clerk__rtbuf_append_str(tail, p);
            break;
        }
        clerk__rtbuf_append(tail, p, (size_t)(open - p));
        close = strchr(open, '}');
        /* The generator counts the template's parameters. */
        assert(close != NULL && used < op->path_arg_count);
        if (close == NULL || used >= op->path_arg_count) {
            set_msg(message, message_size, "bad path template %s", op->path);
            return CLERK_E_INVALID_ARG;
        }
        arg = path_args[used];
        if (arg == NULL || arg[0] == '\0') {
            if (message != NULL && message_size > 0) {
                snprintf(
                    message, message_size,
                    "path parameter %.*s is NULL or empty",
                    (int)(close - open - 1), open + 1);
            }
            return CLERK_E_INVALID_ARG;
        }
        /* Percent-encoding only grows a value: an oversized one is
         * refused before it is encoded. */
        if (strlen(arg) > (size_t)CLERK_MAX_URL_LENGTH) {
            return url_too_long(
                message, message_size, "path", open + 1,
                (int)(close - open - 1));
        }
        if (!clerk__utf8_valid_str(arg)) {
            if (message != NULL && message_size > 0) {
                snprintf(
                    message, message_size,
                    "path parameter %.*s is not valid UTF-8",
                    (int)(close - open - 1), open + 1);
            }
            return CLERK_E_INVALID_ARG;
        }
        clerk__rtbuf_append_escaped(tail, arg, true);
        if (!url_fits(tail, base_len)) {
            return url_too_long(
                message, message_size, "path", open + 1,
                (int)(close - open - 1));
        }
        used++;
        p = close + 1;
    }
    assert(used == op->path_arg_count);
    if (used != op->path_arg_count) {
        set_msg(message, message_size, "bad path template %s", op->path);
        return CLERK_E_INVALID_ARG;
    }
    return tail->oom ? CLERK_E_NOMEM : CLERK_OK;
}

/* `name=value`, both percent-encoded, after `lead` ("?" for a query, ""
 * for a form body) or '&'. */
static void append_pair(
    clerk__rtbuf_t *tail,
    bool *first,
    const char *lead,
    const char *name,
    const char *value)
{
    clerk__rtbuf_append_str(tail, *first ? lead : "&");
    *first = false;
    clerk__rtbuf_append_escaped(tail, name, false);
    clerk__rtbuf_append(tail, "=", 1);
    clerk__rtbuf_append_escaped(tail, value, false);
}

/* Deepest nesting of objects a deepObject parameter is sent with. */
#define OBJECT_PARAM_DEPTH 8

/* Where an object parameter's pairs go, and how. */
typedef struct object_out {
    clerk__rtbuf_t *tail;
    bool *first;
    const char *lead; /* "?" or "" */
    const clerk__param_t *p;
    clerk__rtbuf_t key; /* deepObject: the key so far, "name[a]" */
    bool csv_started;   /* form, explode false: the one key is written */
    char *message;
    size_t message_size;
} object_out_t;

static clerk_status_t object_bad(
    object_out_t *o, const char *prop, const char *why)
{
    if (o->message != NULL && o->message_size > 0) {
        snprintf(
            o->message, o->message_size, "query parameter %s: property %s %s",
            o->p->name, prop, why);
    }
    return CLERK_E_INVALID_ARG;
}

/* One property value (`text`) of an object parameter. */
static void object_pair(object_out_t *o, const char *prop, const char *text)
{
    if ((o->p->flags & CLERK__F_DEEP) != 0) {
        size_t mark = o->key.len;

        clerk__rtbuf_append(&o->key, "[", 1);
        clerk__rtbuf_append_str(&o->key, prop);
        clerk__rtbuf_append(&o->key, "]", 1);
        if (!o->key.oom) {
            append_pair(o->tail, o->first, o->lead, o->key.data, text);
        }
        o->key.len = mark;
        if (o->key.data != NULL) {
            o->key.data[mark] = '\0';
        }
    } else if ((o->p->flags & CLERK__F_CSV) != 0) {
        if (!o->csv_started) {
            append_pair(o->tail, o->first, o->lead, o->p->name, prop);
            o->csv_started = true;
        } else {
            clerk__rtbuf_append(o->tail, ",", 1);
            clerk__rtbuf_append_escaped(o->tail, prop, false);
        }
        clerk__rtbuf_append(o->tail, ",", 1);
        clerk__rtbuf_append_escaped(o->tail, text, false);
    } else {
        append_pair(o->tail, o->first, o->lead, prop, text);
    }
}

/*
 * The properties of the object `obj` (model `m`) of an object parameter,
 * in field order: deepObject `name[prop]=v` (nested objects one bracket
 * deeper, arrays as repeated keys), form `prop=v` (arrays as repeated
 * keys) or, with CLERK__F_CSV, `name=prop,v,...` (scalars only).  Unset
 * properties are left out; a required one left unset is
 * CLERK_E_INVALID_ARG.  *sent counts the values written.
 */
static clerk_status_t object_query(
    object_out_t *o,
    const clerk__model_t *m,
    const void *obj,
    unsigned depth,
    size_t *sent)
{
    char tmp[64];
    char misuse[192];
    const char *text;
    size_t i;
    size_t j;
    clerk_status_t st;

    if (depth > OBJECT_PARAM_DEPTH) {
        return object_bad(o, m->name, "is nested too deep");
    }
    for (i = 0; i < m->field_count; i++) {
        const clerk__field_t *f = &m->fields[i];
        const clerk__type_t *t = f->type;
        const char *ptr = (const char *)obj + f->offset;
        size_t before = *sent;

        if (clerk__value_misused(t, ptr, f->name, misuse, sizeof(misuse))) {
            if (o->message != NULL && o->message_size > 0) {
                snprintf(
                    o->message, o->message_size, "query parameter %s: %s",
                    o->p->name, misuse);
            }
            return CLERK_E_INVALID_ARG;
        }
        if (t->kind == CLERK__K_OBJ && (o->p->flags & CLERK__F_DEEP) != 0) {
            const void *inner;
            size_t mark = o->key.len;

            memcpy(&inner, ptr, sizeof(inner));
            if (inner != NULL) {
                clerk__rtbuf_append(&o->key, "[", 1);
                clerk__rtbuf_append_str(&o->key, f->name);
                clerk__rtbuf_append(&o->key, "]", 1);
                st = object_query(o, t->model, inner, depth + 1, sent);
                o->key.len = mark;
                if (o->key.data != NULL) {
                    o->key.data[mark] = '\0';
                }
                if (st != CLERK_OK) {
                    return st;
                }
            }
        } else if (is_array(t) && (o->p->flags & CLERK__F_CSV) == 0) {
            array_view_t a;

            memcpy(&a, ptr, sizeof(a));
            if (a.count > 0 && a.items == NULL) {
                return object_bad(o, f->name, "has items NULL");
            }
            for (j = 0; j < a.count; j++) {
                const char *item = (const char *)a.items + j * t->elem->size;

                if (clerk__value_misused(
                        t->elem, item, f->name, misuse, sizeof(misuse)) ||
                    scalar_text(t->elem, item, tmp, sizeof(tmp), &text) !=
                        CLERK_OK) {
                    return object_bad(o, f->name, "has an invalid item");
                }
                if (text == NULL) {
                    continue;
                }
                if (!clerk__utf8_valid_str(text)) {
                    return object_bad(o, f->name, "is not valid UTF-8");
                }
                object_pair(o, f->name, text);
                (*sent)++;
            }
        } else {
            if (scalar_text(t, ptr, tmp, sizeof(tmp), &text) != CLERK_OK) {
                /* The generator sends no other kinds this way. */
                return object_bad(o, f->name, "has an invalid value");
            }
            if (text != NULL) {
                if (!clerk__utf8_valid_str(text)) {
                    return object_bad(o, f->name, "is not valid UTF-8");
                }
                object_pair(o, f->name, text);
                (*sent)++;
            }
        }
        if (*sent == before && CLERK__F_ENCODE_REQUIRED(f->flags)) {
            return object_bad(o, f->name, "is required but not set");
        }
    }
    return o->tail->oom || o->key.oom ? CLERK_E_NOMEM : CLERK_OK;
}

/* An object parameter (K_OBJ: a pointer to the model struct, NULL: not
 * sent); *sent counts the values written. */
static clerk_status_t object_param(
    clerk__rtbuf_t *tail,
    bool *first,
    const clerk__param_t *p,
    const void *slot,
    size_t *sent,
    char *message,
    size_t message_size)
{
    object_out_t o;
    const void *obj;
    clerk_status_t st;

    memcpy(&obj, slot, sizeof(obj));
    if (obj == NULL) {
        return CLERK_OK;
    }
    memset(&o, 0, sizeof(o));
    o.tail = tail;
    o.first = first;
    o.lead = "?";
    o.p = p;
    o.message = message;
    o.message_size = message_size;
    clerk__rtbuf_append_str(&o.key, p->name);
    st = object_query(&o, p->type->model, obj, 1, sent);
    clerk__rtbuf_free(&o.key);
    return st;
}

static clerk_status_t build_query(
    clerk__rtbuf_t *tail,
    size_t base_len,
    const clerk__op_t *op,
    const void *params,
    char *message,
    size_t message_size)
{
    char tmp[64];
    char misuse[192];
    bool first = true;
    size_t i;
    size_t j;

    for (i = 0; i < op->query_count; i++) {
        const clerk__param_t *p = &op->query[i];
        const char *base;
        const char *text;
        size_t sent = 0;
        clerk_status_t st;

        if ((p->flags & (CLERK__F_HEADER | CLERK__F_COOKIE)) != 0) {
            continue; /* build_param_headers() */
        }

        if (params != NULL) {
            base = (const char *)params + p->offset;
            if (clerk__value_misused(
                    p->type, base, p->name, misuse, sizeof(misuse))) {
                set_msg(message, message_size, "query parameter %s", misuse);
                return CLERK_E_INVALID_ARG;
            }
            if (p->type->kind == CLERK__K_OBJ && p->type->model != NULL) {
                st = object_param(
                    tail, &first, p, base, &sent, message, message_size);
                if (st != CLERK_OK) {
                    return st;
                }
            } else if (is_array(p->type)) {
                array_view_t a;

                memcpy(&a, base, sizeof(a));
                if (a.count > 0 && a.items == NULL) {
                    goto bad;
                }
                for (j = 0; j < a.count; j++) {
                    if (clerk__value_misused(
                            p->type->elem,
                            (const char *)a.items + j * p->type->elem->size,
                            p->name, misuse, sizeof(misuse))) {
                        set_msg(
                            message, message_size, "query parameter %s",
                            misuse);
                        return CLERK_E_INVALID_ARG;
                    }
                    st = scalar_text(
                        p->type->elem,
                        (const char *)a.items + j * p->type->elem->size, tmp,
                        sizeof(tmp), &text);
                    if (st != CLERK_OK) {
                        goto bad;
                    }
                    if (text == NULL) {
                        continue;
                    }
                    if (!clerk__utf8_valid_str(text)) {
                        goto not_utf8;
                    }
                    if (sent > 0 && (p->flags & CLERK__F_CSV) != 0) {
                        clerk__rtbuf_append(tail, ",", 1);
                        clerk__rtbuf_append_escaped(tail, text, false);
                    } else {
                        append_pair(tail, &first, "?", p->name, text);
                    }
                    sent++;
                }
            } else {
                st = scalar_text(p->type, base, tmp, sizeof(tmp), &text);
                if (st != CLERK_OK) {
                    goto bad;
                }
                if (text != NULL) {
                    if (!clerk__utf8_valid_str(text)) {
                        goto not_utf8;
                    }
                    append_pair(tail, &first, "?", p->name, text);
                    sent++;
                }
            }
        }
        if (!url_fits(tail, base_len)) {
            return url_too_long(
                message, message_size, "query", p->name, (int)strlen(p->name));
        }
        if (sent == 0 && (p->flags & CLERK__F_REQUIRED) != 0) {
            set_msg(
                message, message_size, "required query parameter %s is not set",
                p->name);
            return CLERK_E_INVALID_ARG;
        }
        continue;
bad:
        set_msg(
            message, message_size, "query parameter %s has an invalid value",
            p->name);
        return CLERK_E_INVALID_ARG;
not_utf8:
        set_msg(
            message, message_size, "query parameter %s is not valid UTF-8",
            p->name);
        return CLERK_E_INVALID_ARG;
    }
    return tail->oom ? CLERK_E_NOMEM : CLERK_OK;
}

/* ------------------------------------------------------------------ */
/* Header and cookie parameters                                        */
/* ------------------------------------------------------------------ */

/* The text of parameter `p` in `params` appended to `out` (arrays: the
 * items joined by ','; cookie values percent-encoded).  *sent says whether
 * anything was set. */
static clerk_status_t header_value(
    clerk__rtbuf_t *out,
    const clerk__param_t *p,
    const void *params,
    bool *sent,
    char *message,
    size_t message_size)
{
    char tmp[64];
    char misuse[192];
    const char *base = (const char *)params + p->offset;
    const clerk__type_t *t = p->type;
    const char *items;
    size_t count;
    size_t j;
    const char *what = (p->flags & CLERK__F_COOKIE) != 0 ? "cookie" : "header";

    *sent = false;
    if (clerk__value_misused(t, base, p->name, misuse, sizeof(misuse))) {
        if (message != NULL && message_size > 0) {
            snprintf(message, message_size, "%s parameter %s", what, misuse);
        }
        return CLERK_E_INVALID_ARG;
    }
    if (!value_items(&t, base, &items, &count)) {
        goto bad;
    }
    for (j = 0; j < count; j++) {
        const char *text;

        if (scalar_text(t, items + j * t->size, tmp, sizeof(tmp), &text) !=
            CLERK_OK) {
            goto bad;
        }
        if (text == NULL) {
            continue;
        }
        if (!clerk__utf8_valid_str(text) || clerk__text_has_ctl(text)) {
            goto bad;
        }
        if (*sent) {
            clerk__rtbuf_append(out, ",", 1);
        }
        if ((p->flags & CLERK__F_COOKIE) != 0) {
            clerk__rtbuf_append_escaped(out, text, false);
        } else {
            clerk__rtbuf_append_str(out, text);
        }
        *sent = true;
    }
    return out->oom ? CLERK_E_NOMEM : CLERK_OK;
bad:
    if (message != NULL && message_size > 0) {
        snprintf(
            message, message_size,
            "%s parameter %s has an invalid value (not set right, not UTF-8 "
            "or holding a control character)",
            what, p->name);
    }
    return CLERK_E_INVALID_ARG;
}

static bool has_header_params(const clerk__op_t *op)
{
    size_t i;

    for (i = 0; i < op->query_count; i++) {
        if ((op->query[i].flags & (CLERK__F_HEADER | CLERK__F_COOKIE)) != 0) {
            return true;
        }
    }
    return false;
}

/* The Content-Type of a form body, in place of the client's empty
 * "Content-Type:" line (which keeps curl from adding its own). */
static const char FORM_CONTENT_TYPE[] =
    "Content-Type: application/x-www-form-urlencoded";

/* req->headers (with a form body's Content-Type when `form`) plus one line
 * per header parameter and one Cookie line for the cookie parameters, as
 * req->own_headers. */
static clerk_status_t build_param_headers(
    clerk__request_t *req,
    const clerk__op_t *op,
    const void *params,
    bool form,
    char *message,
    size_t message_size)
{
    clerk__rtbuf_t line = { 0 };
    clerk__rtbuf_t cookie = { 0 };
    const struct curl_slist *h;
    struct curl_slist *list = NULL;
    clerk_status_t st = CLERK_E_NOMEM;
    size_t i;

    for (h = req->headers; h != NULL; h = h->next) {
        bool ctype = form && strcmp(h->data, "Content-Type:") == 0;
        struct curl_slist *next =
            curl_slist_append(list, ctype ? FORM_CONTENT_TYPE : h->data);

        if (next == NULL) {
            goto done;
        }
        list = next;
    }
    for (i = 0; i < op->query_count; i++) {
        const clerk__param_t *p = &op->query[i];
        bool cookie_param = (p->flags & CLERK__F_COOKIE) != 0;
        clerk__rtbuf_t *out = cookie_param ? &cookie : &line;
        size_t mark = out->len;
        bool sent = false;

        if ((p->flags & (CLERK__F_HEADER | CLERK__F_COOKIE)) == 0) {
            continue;
        }

        if (cookie_param) {
            clerk__rtbuf_append_str(out, cookie.len > 0 ? "; " : "Cookie: ");
            clerk__rtbuf_append_escaped(out, p->name, false);
            clerk__rtbuf_append(out, "=", 1);
        } else {
            clerk__rtbuf_append_str(out, p->name);
            clerk__rtbuf_append(out, ": ", 2);
        }
        if (params != NULL) {
            st = header_value(out, p, params, &sent, message, message_size);
            if (st != CLERK_OK) {
                goto done;
            }
        }
        if (!sent) {
            out->len = mark;
            if (out->data != NULL) {
                out->data[mark] = '\0';
            }
            if ((p->flags & CLERK__F_REQUIRED) != 0) {
                if (message != NULL && message_size > 0) {
                    snprintf(
                        message, message_size,
                        "required %s parameter %s is not set",
                        cookie_param ? "cookie" : "header", p->name);
                }
                st = CLERK_E_INVALID_ARG;
                goto done;
            }
            continue;
        }
        if (!cookie_param) {
            struct curl_slist *next;

            st = CLERK_E_NOMEM;
            if (line.oom || (next = curl_slist_append(list, line.data)) ==
                                NULL) {
                goto done;
            }
            list = next;
            line.len = 0;
        }
    }
    st = CLERK_E_NOMEM;
    if (cookie.oom || line.oom) {
        goto done;
    }
    if (cookie.len > 0) {
        struct curl_slist *next = curl_slist_append(list, cookie.data);

        if (next == NULL) {
            goto done;
        }
        list = next;
    }
    req->own_headers = list;
    req->headers = list;
    list = NULL;
    st = CLERK_OK;
done:
    curl_slist_free_all(list);
    clerk__rtbuf_free(&line);
    clerk__rtbuf_free(&cookie);
    return st;
}

/* ------------------------------------------------------------------ */
/* Bodies                                                              */
/* ------------------------------------------------------------------ */

/* Append an object key to a path for a message: bytes other than printable
 * ASCII become '?', so the message stays valid UTF-8 without controls. */
static void append_key(clerk__rtbuf_t *path, const char *key)
{
    const unsigned char *k = (const unsigned char *)(key != NULL ? key : "");
    char c;

    clerk__rtbuf_append(path, ".", 1);
    for (; *k != '\0'; k++) {
        c = *k > 0x20 && *k < 0x7f ? (char)*k : '?';
        clerk__rtbuf_append(path, &c, 1);
    }
}

/* Find the first string value or key in `node` that is not valid UTF-8 and
 * leave its path ("$.a[2].b") in `path`.  cJSON printed this tree just
 * before, so the recursion goes no deeper than its printer did; the depth
 * bound only keeps that true whatever the printer does. */
static bool find_bad_utf8(
    const cJSON *node, clerk__rtbuf_t *path, unsigned depth, const char **what)
{
    const cJSON *child;
    size_t index = 0;
    size_t mark;
    char step[32];

    if (cJSON_IsString(node) && !clerk__utf8_valid_str(node->valuestring)) {
        *what = "string";
        return true;
    }
    if (depth >= 1000 || (!cJSON_IsArray(node) && !cJSON_IsObject(node))) {
        return false;
    }
    for (child = node->child; child != NULL; child = child->next, index++) {
        mark = path->len;
        if (cJSON_IsObject(node)) {
            append_key(path, child->string);
            if (!clerk__utf8_valid_str(child->string)) {
                *what = "key";
                return true;
            }
        } else {
            snprintf(step, sizeof(step), "[%zu]", index);
            clerk__rtbuf_append_str(path, step);
        }
        if (find_bad_utf8(child, path, depth + 1, what)) {
            return true;
        }
        path->len = mark;
        if (path->data != NULL) {
            path->data[mark] = '\0';
        }
    }
    return false;
}

/* Refuse a printed body that is not valid UTF-8 (cJSON copies the bytes of
 * strings and keys as they are), naming where the bad text is. */
static clerk_status_t check_body_utf8(
    const cJSON *doc,
    const char *text,
    const char *prefix,
    char *message,
    size_t message_size)
{
    clerk__rtbuf_t path = { 0 };
    const char *what = "text";

    if (clerk__utf8_valid_str(text)) {
        return CLERK_OK;
    }
    clerk__rtbuf_append(&path, "$", 1);
    (void)find_bad_utf8(doc, &path, 0, &what);
    if (message != NULL && message_size > 0) {
        snprintf(
            message, message_size, "%s%s is not valid UTF-8 at %s", prefix,
            what, path.oom || path.data == NULL ? "$" : path.data);
    }
    clerk__rtbuf_free(&path);
    return CLERK_E_INVALID_ARG;
}

static clerk_status_t json_text(
    const clerk__type_t *type,
    const void *value,
    char **out,
    size_t *len,
    char *message,
    size_t message_size)
{
    cJSON *doc = NULL;
    clerk_json_error_t err;
    clerk_status_t st;

    *out = NULL;
    memset(&err, 0, sizeof(err));
    st = clerk__value_to_json(type, &doc, value, &err);
    if (st != CLERK_OK) {
        if (message != NULL && message_size > 0) {
            snprintf(
                message, message_size, "request body: %s%s%s",
                err.reason[0] != '\0' ? err.reason : clerk_status_str(st),
                err.path[0] != '\0' ? " at " : "", err.path);
        }
        goto done;
    }
    /* Freed with cJSON_free(): allocated through cJSON's hooks.  The
     * encoder has refused anything nested too deep to print. */
    st = clerk__json_print(doc, out, len);
    if (st == CLERK_E_INVALID_ARG) {
        set_msg(
            message, message_size, "request body: %s",
            "a free-form value cannot be printed as JSON");
    }
    if (st != CLERK_OK) {
        goto done;
    }
    st = check_body_utf8(doc, *out, "request body: ", message, message_size);
    if (st != CLERK_OK) {
        cJSON_free(*out);
        *out = NULL;
    }
done:
    cJSON_Delete(doc);
    return st;
}

static clerk_status_t add_part(
    clerk__request_t *req, size_t *cap, const clerk__part_t *part)
{
    clerk__part_t *grown;
    size_t n;

    if (req->part_count == *cap) {
        n = *cap == 0 ? 4 : *cap * 2;
        grown = realloc(req->parts, n * sizeof(*grown));
        if (grown == NULL) {
            return CLERK_E_NOMEM;
        }
        req->parts = grown;
        *cap = n;
    }
    req->parts[req->part_count++] = *part;
    return CLERK_OK;
}

static clerk_status_t text_part(
    clerk__request_t *req,
    size_t *cap,
    const char *name,
    const char *text,
    const char *content_type)
{
    clerk__part_t part;
    size_t n = strlen(text);
    clerk_status_t st;

    memset(&part, 0, sizeof(part));
    part.name = name;
    part.content_type = content_type;
    part.text = malloc(n + 1);
    if (part.text == NULL) {
        return CLERK_E_NOMEM;
    }
    memcpy(part.text, text, n + 1);
    part.text_len = n;
    st = add_part(req, cap, &part);
    if (st != CLERK_OK) {
        free(part.text);
    }
    return st;
}

static clerk_status_t file_part(
    clerk__request_t *req,
    size_t *cap,
    const char *name,
    const clerk_file_t *file,
    char *message,
    size_t message_size)
{
    clerk__part_t part;

    if (file->data == NULL && file->path == NULL && file->size > 0) {
        set_msg(
            message, message_size,
            "multipart field %s: file has a size but no data or path", name);
        return CLERK_E_INVALID_ARG;
    }
    /* Both go into the part's own header lines. */
    if (clerk__text_has_ctl(file->filename) ||
        !clerk__utf8_valid_str(file->filename)) {
        set_msg(
            message, message_size,
            "multipart field %s: filename has a control character or is not "
            "valid UTF-8",
            name);
        return CLERK_E_INVALID_ARG;
    }
    if (clerk__text_has_ctl(file->content_type) ||
        !clerk__utf8_valid_str(file->content_type)) {
        set_msg(
            message, message_size,
            "multipart field %s: content_type has a control character or is "
            "not valid UTF-8",
            name);
        return CLERK_E_INVALID_ARG;
    }
    memset(&part, 0, sizeof(part));
    part.name = name;
    part.file = file;
    return add_part(req, cap, &part);
}

/* A text part from a caller's string: well-formed UTF-8 only. */
static clerk_status_t checked_text_part(
    clerk__request_t *req,
    size_t *cap,
    const char *name,
    const char *text,
    char *message,
    size_t message_size)
{
    if (!clerk__utf8_valid_str(text)) {
        set_msg(
            message, message_size, "multipart field %s is not valid UTF-8",
            name);
        return CLERK_E_INVALID_ARG;
    }
    return text_part(req, cap, name, text, NULL);
}

/* One field of a multipart body; *sent counts the parts it produced. */
static clerk_status_t multipart_field(
    clerk__request_t *req,
    size_t *cap,
    const clerk__field_t *f,
    const void *ptr,
    size_t *sent,
    char *message,
    size_t message_size)
{
    char tmp[64];
    const char *text;
    char *json = NULL;
    size_t j;
    clerk_status_t st = CLERK_OK;
    const clerk__type_t *t = f->type;

    if (t->kind == CLERK__K_FILE) {
        const clerk_file_t *file;

        memcpy(&file, ptr, sizeof(file));
        if (file != NULL) {
            st = file_part(req, cap, f->name, file, message, message_size);
            *sent += st == CLERK_OK;
        }
    } else if (is_array(t)) {
        array_view_t a;

        memcpy(&a, ptr, sizeof(a));
        if (a.count > 0 && a.items == NULL) {
            st = CLERK_E_INVALID_ARG;
        }
        for (j = 0; st == CLERK_OK && j < a.count; j++) {
            const char *item = (const char *)a.items + j * t->elem->size;

            if (t->elem->kind == CLERK__K_FILE) {
                const clerk_file_t *file;

                memcpy(&file, item, sizeof(file));
                if (file != NULL) {
                    st = file_part(
                        req, cap, f->name, file, message, message_size);
                    *sent += st == CLERK_OK;
                }
                continue;
            }
            st = scalar_text(t->elem, item, tmp, sizeof(tmp), &text);
            if (st == CLERK_OK && text != NULL) {
                st = checked_text_part(
                    req, cap, f->name, text, message, message_size);
                *sent += st == CLERK_OK;
            }
        }
    } else if (t->kind == CLERK__K_JSON || t->kind == CLERK__K_OBJ) {
        /* Structured values travel as a JSON text part. */
        const void *value = ptr;
        const void *obj;

        memcpy(&obj, ptr, sizeof(obj));
        if (t->kind == CLERK__K_OBJ) {
            value = obj;
        }
        if (obj != NULL) {
            st = json_text(t, value, &json, NULL, message, message_size);
            if (st == CLERK_OK) {
                st = text_part(req, cap, f->name, json, "application/json");
                *sent += st == CLERK_OK;
            }
        }
    } else {
        st = scalar_text(t, ptr, tmp, sizeof(tmp), &text);
        if (st == CLERK_OK && text != NULL) {
            st = checked_text_part(
                req, cap, f->name, text, message, message_size);
            *sent += st == CLERK_OK;
        }
    }
    if (json != NULL) {
        cJSON_free(json);
    }
    return st;
}

static clerk_status_t build_multipart(
    clerk__request_t *req,
    const clerk__op_t *op,
    const void *body,
    char *message,
    size_t message_size)
{
    const clerk__model_t *m;
    size_t cap = 0;
    char misuse[192];
    size_t i;
    clerk_status_t st;

    if (op->body_type == NULL || op->body_type->kind != CLERK__K_OBJ ||
        op->body_type->model == NULL) {
        set_msg(message, message_size, "bad multipart descriptor%s", NULL);
        return CLERK_E_INVALID_ARG;
    }
    m = op->body_type->model;
    for (i = 0; i < m->field_count; i++) {
        const clerk__field_t *f = &m->fields[i];
        size_t sent = 0;

        if (clerk__value_misused(
                f->type, (const char *)body + f->offset, f->name, misuse,
                sizeof(misuse))) {
            set_msg(message, message_size, "multipart field %s", misuse);
            return CLERK_E_INVALID_ARG;
        }
        st = multipart_field(
            req, &cap, f, (const char *)body + f->offset, &sent, message,
            message_size);
        if (st == CLERK_OK && sent == 0 &&
            CLERK__F_ENCODE_REQUIRED(f->flags)) {
            st = CLERK_E_INVALID_ARG;
        }
        if (st == CLERK_E_INVALID_ARG && message != NULL && message_size > 0 &&
            message[0] == '\0') {
            set_msg(
                message, message_size,
                "multipart field %s is missing or invalid", f->name);
        }
        if (st != CLERK_OK) {
            return st;
        }
    }
    return CLERK_OK;
}

/*
 * An application/x-www-form-urlencoded body from a K_OBJ model, as OpenAPI
 * serialises it by default (style form, explode true): `name=value` per
 * set property, arrays as repeated keys, in field order, names and values
 * percent-encoded like the query (a space is %20).  Into *out (allocated
 * with cJSON_malloc, like a JSON body, so clerk__request_free() frees
 * both alike).
 */
static clerk_status_t build_form(
    const clerk__op_t *op,
    const void *body,
    char **out,
    size_t *out_len,
    char *message,
    size_t message_size)
{
    const clerk__model_t *m;
    clerk__rtbuf_t text = { 0 };
    char tmp[64];
    char misuse[192];
    const char *value;
    bool first = true;
    size_t i;
    size_t j;
    clerk_status_t st = CLERK_E_INVALID_ARG;

    *out = NULL;
    if (op->body_type == NULL || op->body_type->kind != CLERK__K_OBJ ||
        op->body_type->model == NULL) {
        set_msg(message, message_size, "bad form body descriptor%s", NULL);
        return CLERK_E_INVALID_ARG;
    }
    m = op->body_type->model;
    for (i = 0; i < m->field_count; i++) {
        const clerk__field_t *f = &m->fields[i];
        const clerk__type_t *t = f->type;
        const char *ptr = (const char *)body + f->offset;
        const char *items;
        size_t count;
        size_t sent = 0;

        if (clerk__value_misused(t, ptr, f->name, misuse, sizeof(misuse))) {
            set_msg(message, message_size, "form field %s", misuse);
            goto done;
        }
        if (!value_items(&t, ptr, &items, &count)) {
            goto bad;
        }
        for (j = 0; j < count; j++) {
            const char *item = items + j * t->size;

            if (clerk__value_misused(
                    t, item, f->name, misuse, sizeof(misuse))) {
                set_msg(message, message_size, "form field %s", misuse);
                goto done;
            }
            /* Objects, files and free-form values have no form text: the
             * generator never makes a form body of them. */
            if (scalar_text(t, item, tmp, sizeof(tmp), &value) != CLERK_OK) {
                goto bad;
            }
            if (value == NULL) {
                continue;
            }
            if (!clerk__utf8_valid_str(value)) {
                set_msg(
                    message, message_size, "form field %s is not valid UTF-8",
                    f->name);
                goto done;
            }
            append_pair(&text, &first, "", f->name, value);
            sent++;
        }
        if (sent == 0 && CLERK__F_ENCODE_REQUIRED(f->flags)) {
            set_msg(
                message, message_size, "required form field %s is not set",
                f->name);
            goto done;
        }
        continue;
bad:
        set_msg(
            message, message_size, "form field %s has an invalid value",
            f->name);
        goto done;
    }
    st = CLERK_E_NOMEM;
    if (text.oom) {
        goto done;
    }
    *out = cJSON_malloc(text.len + 1);
    if (*out == NULL) {
        goto done;
    }
    if (text.len > 0) {
        memcpy(*out, text.data, text.len);
    }
    (*out)[text.len] = '\0';
    *out_len = text.len;
    st = CLERK_OK;
done:
    clerk__rtbuf_free(&text);
    return st;
}

/* ------------------------------------------------------------------ */
/* Build                                                               */
/* ------------------------------------------------------------------ */

clerk_status_t clerk__request_build(
    const clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body,
    clerk__request_t *req,
    char *message,
    size_t message_size)
{
    clerk__rtbuf_t tail = { 0 };
    clerk__rtbuf_t url = { 0 };
    clerk__rtbuf_t display = { 0 };
    size_t base_len;
    bool form;
    clerk_status_t st = CLERK_E_INVALID_ARG;

    memset(req, 0, sizeof(*req));
    if (message != NULL && message_size > 0) {
        message[0] = '\0';
    }
    if (op == NULL || op->method == NULL || op->path == NULL) {
        set_msg(message, message_size, "bad operation descriptor%s", NULL);
        goto done;
    }
    req->method = op->method;
    req->operation_id = op->operation_id;
    req->idempotent =
        !method_is(op->method, "POST") && !method_is(op->method, "PATCH");

    base_len = strlen(client->base_url);
    st = build_path(&tail, base_len, op, path_args, message, message_size);
    if (st == CLERK_OK) {
        st = build_query(&tail, base_len, op, params, message, message_size);
    }
    if (st != CLERK_OK) {
        goto done;
    }
    st = CLERK_E_NOMEM;
    clerk__rtbuf_append_str(&url, client->base_url);
    clerk__rtbuf_append(&url, tail.data, tail.len);
    clerk__rtbuf_append_str(&display, client->display_base);
    clerk__rtbuf_append(&display, tail.data, tail.len);
    req->url = clerk__rtbuf_steal(&url);
    req->display_url = clerk__rtbuf_steal(&display);
    if (req->url == NULL || req->display_url == NULL) {
        goto done;
    }

    req->headers = client->headers_none;
    if (op->body_kind != CLERK__BODY_NONE && body == NULL &&
        op->body_required) {
        set_msg(message, message_size, "request body is required%s", NULL);
        st = CLERK_E_INVALID_ARG;
        goto done;
    }
    if (op->body_kind == CLERK__BODY_JSON && body != NULL) {
        if (op->body_type == NULL) {
            set_msg(message, message_size, "bad body descriptor%s", NULL);
            st = CLERK_E_INVALID_ARG;
            goto done;
        }
        st = json_text(
            op->body_type, body, &req->body, &req->body_len, message,
            message_size);
        if (st != CLERK_OK) {
            goto done;
        }
        req->headers = client->headers_json;
    } else if (op->body_kind == CLERK__BODY_MULTIPART && body != NULL) {
        st = build_multipart(req, op, body, message, message_size);
        if (st != CLERK_OK) {
            goto done;
        }
        req->headers = client->headers_multipart;
    } else if (op->body_kind == CLERK__BODY_FORM && body != NULL) {
        st = build_form(
            op, body, &req->body, &req->body_len, message, message_size);
        if (st != CLERK_OK) {
            goto done;
        }
    }
    form = op->body_kind == CLERK__BODY_FORM && body != NULL;
    if (has_header_params(op) || form) {
        st = build_param_headers(req, op, params, form, message, message_size);
        if (st != CLERK_OK) {
            goto done;
        }
    }
    req->send_empty_body =
        req->body == NULL && req->part_count == 0 &&
        (method_is(op->method, "POST") || method_is(op->method, "PUT") ||
         method_is(op->method, "PATCH"));
    st = CLERK_OK;
done:
    clerk__rtbuf_free(&tail);
    clerk__rtbuf_free(&url);
    clerk__rtbuf_free(&display);
    if (st != CLERK_OK) {
        if (st == CLERK_E_NOMEM) {
            set_msg(message, message_size, "out of memory%s", NULL);
        }
        clerk__request_free(req);
    }
    return st;
}

void clerk__request_free(clerk__request_t *req)
{
    size_t i;

    if (req == NULL) {
        return;
    }
    free(req->url);
    free(req->display_url);
    if (req->body != NULL) {
        cJSON_free(req->body);
    }
    for (i = 0; i < req->part_count; i++) {
        free(req->parts[i].text);
    }
    free(req->parts);
    curl_slist_free_all(req->own_headers);
    memset(req, 0, sizeof(*req));
}
