/* See codec_diff.h. */
#include "codec_diff.h"

#include <stdio.h>
#include <string.h>

static int model_equal(
    const clerk__model_t *model, const void *a, const void *b);

static int str_equal(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

/* Exact equality of two cJSON trees: same types and flags, same
 * valueint, same keys and items in the same order, numbers bit for bit
 * (the roots' own keys are not compared: the walker's detached values keep
 * theirs).  cJSON_Compare would not do: it finds inf != inf, looks
 * duplicate keys up by name, and takes time exponential in the nesting of
 * objects. */
static int json_equal(const cJSON *a, const cJSON *b)
{
    const cJSON *x = NULL;
    const cJSON *y = NULL;

    if (a == NULL || b == NULL) {
        return a == b;
    }
    if (a->type != b->type || a->valueint != b->valueint) {
        return 0;
    }
    if (cJSON_IsNumber(a) &&
        memcmp(&a->valuedouble, &b->valuedouble, sizeof(double)) != 0) {
        return 0;
    }
    if (cJSON_IsString(a) && !str_equal(a->valuestring, b->valuestring)) {
        return 0;
    }
    for (x = a->child, y = b->child; x != NULL && y != NULL;
         x = x->next, y = y->next) {
        if (!str_equal(x->string, y->string) || !json_equal(x, y)) {
            return 0;
        }
    }
    return x == NULL && y == NULL;
}

int codec_value_equal(const clerk__type_t *type, const void *a, const void *b)
{
    const clerk__array_t *x = NULL;
    const clerk__array_t *y = NULL;
    const clerk__map_t *m = NULL;
    const clerk__map_t *n = NULL;
    size_t i = 0;

    switch (type->kind) {
    case CLERK__K_STR:
        return str_equal(*(char *const *)a, *(char *const *)b);
    case CLERK__K_BOOL:
        return *(const bool *)a == *(const bool *)b;
    case CLERK__K_INT:
        return *(const int64_t *)a == *(const int64_t *)b;
    case CLERK__K_NUM:
        return memcmp(a, b, sizeof(double)) == 0;
    case CLERK__K_OPT_STR:
        return ((const clerk_opt_str_t *)a)->state ==
                   ((const clerk_opt_str_t *)b)->state &&
               str_equal(
                   ((const clerk_opt_str_t *)a)->value,
                   ((const clerk_opt_str_t *)b)->value);
    case CLERK__K_OPT_BOOL:
        return ((const clerk_opt_bool_t *)a)->state ==
                   ((const clerk_opt_bool_t *)b)->state &&
               ((const clerk_opt_bool_t *)a)->value ==
                   ((const clerk_opt_bool_t *)b)->value;
    case CLERK__K_OPT_INT:
        return ((const clerk_opt_int64_t *)a)->state ==
                   ((const clerk_opt_int64_t *)b)->state &&
               ((const clerk_opt_int64_t *)a)->value ==
                   ((const clerk_opt_int64_t *)b)->value;
    case CLERK__K_OPT_NUM:
        return ((const clerk_opt_double_t *)a)->state ==
                   ((const clerk_opt_double_t *)b)->state &&
               memcmp(
                   &((const clerk_opt_double_t *)a)->value,
                   &((const clerk_opt_double_t *)b)->value,
                   sizeof(double)) == 0;
    case CLERK__K_ENUM:
        return ((const clerk_enum_t *)a)->state ==
                   ((const clerk_enum_t *)b)->state &&
               ((const clerk_enum_t *)a)->value ==
                   ((const clerk_enum_t *)b)->value &&
               str_equal(
                   ((const clerk_enum_t *)a)->raw,
                   ((const clerk_enum_t *)b)->raw);
    case CLERK__K_JSON:
        return json_equal(*(cJSON *const *)a, *(cJSON *const *)b);
    case CLERK__K_OBJ:
        if (*(void *const *)a == NULL || *(void *const *)b == NULL) {
            return *(void *const *)a == *(void *const *)b;
        }
        return model_equal(type->model, *(void *const *)a, *(void *const *)b);
    case CLERK__K_STRUCT:
        return model_equal(type->model, a, b);
    case CLERK__K_ARRAY:
        x = a;
        y = b;
        if (x->state != y->state || x->count != y->count ||
            (x->items == NULL) != (y->items == NULL)) {
            return 0;
        }
        for (i = 0; i < x->count; i++) {
            if (!codec_value_equal(
                    type->elem, (const char *)x->items + i * type->elem->size,
                    (const char *)y->items + i * type->elem->size)) {
                return 0;
            }
        }
        return 1;
    case CLERK__K_MAP:
        m = a;
        n = b;
        if (m->state != n->state || m->count != n->count ||
            (m->keys == NULL) != (n->keys == NULL) ||
            (m->values == NULL) != (n->values == NULL)) {
            return 0;
        }
        for (i = 0; i < m->count; i++) {
            if (!str_equal(m->keys[i], n->keys[i]) ||
                !codec_value_equal(
                    type->elem, (const char *)m->values + i * type->elem->size,
                    (const char *)n->values + i * type->elem->size)) {
                return 0;
            }
        }
        return 1;
    case CLERK__K_FILE:
    default:
        return 1;
    }
}

static int model_equal(
    const clerk__model_t *model, const void *a, const void *b)
{
    const clerk__union_t *ua = a;
    const clerk__union_t *ub = b;
    const clerk__field_t *f = NULL;
    size_t i = 0;

    if (model->variant_count > 0) {
        if (ua->kind != ub->kind) {
            return 0;
        }
        if (ua->kind == 0) {
            return ua->value == NULL && ub->value == NULL;
        }
        if (ua->kind == CLERK__UNION_UNKNOWN) {
            /* An unknown tag: the object kept as received. */
            return codec_value_equal(&clerk__type_json, &ua->value, &ub->value);
        }
        return codec_value_equal(
            model->variants[ua->kind - 1].type, &ua->value, &ub->value);
    }
    for (i = 0; i < model->field_count; i++) {
        f = &model->fields[i];
        if (!codec_value_equal(
                f->type, (const char *)a + f->offset,
                (const char *)b + f->offset)) {
            return 0;
        }
        if (f->null_offset != 0 &&
            *(const bool *)((const char *)a + f->null_offset) !=
                *(const bool *)((const char *)b + f->null_offset)) {
            return 0;
        }
    }
    if (model->extra != NULL &&
        !codec_value_equal(
            model->extra->type, (const char *)a + model->extra->offset,
            (const char *)b + model->extra->offset)) {
        return 0;
    }
    return 1;
}

static const void *slot_of(const clerk__type_t *type, void *const *value)
{
    return type->kind == CLERK__K_OBJ ? (const void *)value : *value;
}

/* Both results of one decode agree: status, error, value. */
static int agree(
    const clerk__type_t *type,
    clerk_status_t sr,
    const clerk_json_error_t *er,
    void *ref,
    clerk_status_t sd,
    const clerk_json_error_t *ed,
    void *dir,
    char *why,
    size_t n)
{
    if (sr != sd) {
        snprintf(
            why, n, "status oracle %d (%s: %s), decoder %d (%s: %s)", (int)sr,
            sr != CLERK_OK ? er->path : "", sr != CLERK_OK ? er->reason : "",
            (int)sd, sd != CLERK_OK ? ed->path : "",
            sd != CLERK_OK ? ed->reason : "");
        return 0;
    }
    if (strcmp(er->path, ed->path) != 0 ||
        strcmp(er->reason, ed->reason) != 0) {
        snprintf(
            why, n, "error oracle %s: %s, decoder %s: %s", er->path,
            er->reason, ed->path, ed->reason);
        return 0;
    }
    if (sr != CLERK_OK) {
        if (ref != NULL || dir != NULL) {
            snprintf(why, n, "a value came back with status %d", (int)sr);
            return 0;
        }
        return 1;
    }
    if (!codec_value_equal(
            type, type->kind == CLERK__K_OBJ ? (const void *)&ref : ref,
            type->kind == CLERK__K_OBJ ? (const void *)&dir : dir)) {
        snprintf(why, n, "decoded values differ");
        return 0;
    }
    return 1;
}

/* The tree entry point: clerk__model_from_json against the oracle's walk
 * of the same tree. */
static int tree_diff(
    const clerk__type_t *type,
    const char *json,
    size_t len,
    unsigned flags,
    char *why,
    size_t n)
{
    cJSON *tree = NULL;
    void *ref = NULL;
    void *dir = NULL;
    clerk_json_error_t er;
    clerk_json_error_t ed;
    clerk_status_t sr = CLERK_OK;
    clerk_status_t sd = CLERK_OK;
    clerk__locale_t saved;
    int ok = 0;

    clerk__c_locale_begin(&saved);
    tree = cJSON_ParseWithLengthOpts(json, len, NULL, 0);
    clerk__c_locale_end(&saved);
    if (tree == NULL) {
        return 1; /* nothing to compare */
    }
    memset(&er, 'r', sizeof(er));
    memset(&ed, 'd', sizeof(ed));
    sr = codec_walk_tree(type, &ref, tree, flags, &er);
    sd = clerk__model_from_json(type->model, &dir, tree, flags, &ed);
    ok = agree(type, sr, &er, ref, sd, &ed, dir, why, n);
    if (!ok) {
        size_t used = strlen(why);
        snprintf(why + used, n - used, " (tree entry point)");
    }
    clerk__value_free(type, ref);
    clerk__value_free(type, dir);
    cJSON_Delete(tree);
    return ok;
}

int codec_diff(
    const clerk__type_t *type,
    const char *json,
    size_t len,
    unsigned flags,
    char *why,
    size_t n)
{
    void *ref = NULL;
    void *dir = NULL;
    cJSON *jr = NULL;
    cJSON *jd = NULL;
    clerk_json_error_t er;
    clerk_json_error_t ed;
    clerk_status_t sr = CLERK_OK;
    clerk_status_t sd = CLERK_OK;
    clerk_status_t xr = CLERK_OK;
    clerk_status_t xd = CLERK_OK;
    int ok = 0;

    why[0] = '\0';
    memset(&er, 'r', sizeof(er));
    memset(&ed, 'd', sizeof(ed));
    sr = codec_walk_parse(type, &ref, json, len, flags, &er);
    sd = clerk__value_parse(type, &dir, json, len, flags, &ed);
    if (!agree(type, sr, &er, ref, sd, &ed, dir, why, n)) {
        goto done;
    }
    if (type->kind == CLERK__K_OBJ && !tree_diff(type, json, len, flags, why, n)) {
        goto done;
    }
    if (sr != CLERK_OK) {
        ok = 1;
        goto done;
    }
    xr = clerk__encode_root(
        type, slot_of(type, &ref), &jr, CLERK__ENCODE_ALLOW_MISSING, NULL);
    xd = clerk__encode_root(
        type, slot_of(type, &dir), &jd, CLERK__ENCODE_ALLOW_MISSING, NULL);
    if (xr != xd) {
        snprintf(why, n, "encode status tree %d, direct %d", (int)xr, (int)xd);
        goto done;
    }
    if (xr == CLERK_OK) {
        if (!json_equal(jr, jd)) {
            snprintf(why, n, "re-encoded JSON differs");
            goto done;
        }
    }
    ok = 1;
done:
    cJSON_Delete(jr);
    cJSON_Delete(jd);
    clerk__value_free(type, ref);
    clerk__value_free(type, dir);
    return ok;
}
