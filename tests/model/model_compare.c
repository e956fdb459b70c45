/* See model_compare.h. */
#include "model_compare.h"

#include "codec_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cmp {
    char path[512];
    size_t len;
    char *where;
    size_t n;
} cmp_t;

static int cmp_value(
    cmp_t *c,
    const clerk__type_t *t,
    const void *slot,
    const cJSON *in,
    const cJSON *out);

static int differ(cmp_t *c, const char *what)
{
    snprintf(c->where, c->n, "$%s: %s", c->path, what);
    return 0;
}

static int cmp_model(
    cmp_t *c,
    const clerk__model_t *m,
    const void *base,
    const cJSON *in,
    const cJSON *out)
{
    const clerk__union_t *u = NULL;
    const clerk__field_t *f = NULL;
    size_t i = 0;
    size_t keep = c->len;
    int ok = 1;

    if (m->variant_count > 0) {
        u = base;
        if (u->kind == CLERK__UNION_UNKNOWN) {
            /* An unknown tag: the object kept as received. */
            return cJSON_Compare(u->value, in, 1) && cJSON_Compare(in, out, 1)
                       ? 1
                       : differ(c, "unknown union member not as received");
        }
        if (u->kind < 1 || (size_t)u->kind > m->variant_count ||
            m->variants[u->kind - 1].type->kind != CLERK__K_OBJ) {
            return differ(c, "no union member");
        }
        return cmp_model(
            c, m->variants[u->kind - 1].type->model, u->value, in, out);
    }
    if (!cJSON_IsObject(in) || !cJSON_IsObject(out)) {
        return differ(c, "object expected on both sides");
    }
    for (i = 0; i < m->field_count && ok; i++) {
        f = &m->fields[i];
        c->len =
            keep + (size_t)snprintf(
                       c->path + keep, sizeof(c->path) - keep, ".%s", f->name);
        if (c->len >= sizeof(c->path)) {
            c->len = sizeof(c->path) - 1;
        }
        ok = cmp_value(
            c, f->type, (const char *)base + f->offset,
            cJSON_GetObjectItemCaseSensitive(in, f->name),
            cJSON_GetObjectItemCaseSensitive(out, f->name));
    }
    if (ok) {
        c->len = keep;
        c->path[keep] = '\0';
    }
    return ok;
}

static int cmp_value(
    cmp_t *c,
    const clerk__type_t *t,
    const void *slot,
    const cJSON *in,
    const cJSON *out)
{
    const clerk__array_t *arr = NULL;
    size_t i = 0;
    size_t keep = c->len;
    int n = 0;
    const cJSON *a = NULL;
    const cJSON *b = NULL;

    if (t->kind == CLERK__K_FILE) {
        return 1;
    }
    if (in == NULL) {
        if (out == NULL || cJSON_IsNull(out)) {
            return 1;
        }
        if ((t->kind == CLERK__K_BOOL && cJSON_IsFalse(out)) ||
            ((t->kind == CLERK__K_INT || t->kind == CLERK__K_NUM) &&
             cJSON_IsNumber(out) && out->valuedouble == 0)) {
            return 1;
        }
        return differ(c, "absent in the input, present in the output");
    }
    if (out == NULL) {
        return differ(c, "present in the input, lost in the output");
    }
    switch (t->kind) {
    case CLERK__K_OBJ:
        if (cJSON_IsNull(in)) {
            return cJSON_IsNull(out) ? 1 : differ(c, "null expected");
        }
        return cmp_model(c, t->model, *(void *const *)slot, in, out);
    case CLERK__K_STRUCT:
        return cmp_model(c, t->model, slot, in, out);
    case CLERK__K_ARRAY:
        if (cJSON_IsNull(in)) {
            return cJSON_IsNull(out) ? 1 : differ(c, "null expected");
        }
        arr = slot;
        if (cJSON_GetArraySize(in) != cJSON_GetArraySize(out) ||
            (size_t)cJSON_GetArraySize(in) != arr->count) {
            return differ(c, "array sizes differ");
        }
        a = in->child;
        b = out->child;
        for (i = 0; i < arr->count; i++, a = a->next, b = b->next) {
            n = snprintf(c->path + keep, sizeof(c->path) - keep, "[%zu]", i);
            c->len = keep + (size_t)(n > 0 ? n : 0);
            if (!cmp_value(
                    c, t->elem, (const char *)arr->items + i * t->elem->size, a,
                    b)) {
                return 0;
            }
        }
        c->len = keep;
        c->path[keep] = '\0';
        return 1;
    default:
        return cJSON_Compare(in, out, 1) ? 1 : differ(c, "values differ");
    }
}

int model_compare(
    const clerk__type_t *type,
    const void *slot,
    const cJSON *in,
    const cJSON *out,
    char *where,
    size_t n)
{
    cmp_t c;

    memset(&c, 0, sizeof(c));
    c.where = where;
    c.n = n;
    if (n > 0) {
        where[0] = '\0';
    }
    return cmp_value(&c, type, slot, in, out);
}

char *model_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size = 0;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    fclose(f);
    return buf;
}
