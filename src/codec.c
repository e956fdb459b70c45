/*
 * The codec core: built-in types, the allocator, error messages and JSON
 * paths, deep free, and the rules for choosing the member of a union
 * without a usable discriminator.  Everything else in the codec builds on
 * this file, which calls none of them (see src/codec_internal.h for the
 * design and the map of the files).
 */
#include "codec_internal.h"

#include "alloc_cache.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Built-in types                                                          */
/* ---------------------------------------------------------------------- */

const clerk__type_t clerk__type_str = { CLERK__K_STR, sizeof(char *), NULL,
                                        NULL, NULL };
const clerk__type_t clerk__type_bool = { CLERK__K_BOOL, sizeof(bool), NULL,
                                         NULL, NULL };
const clerk__type_t clerk__type_int = { CLERK__K_INT, sizeof(int64_t), NULL,
                                        NULL, NULL };
const clerk__type_t clerk__type_num = { CLERK__K_NUM, sizeof(double), NULL,
                                        NULL, NULL };
const clerk__type_t clerk__type_opt_str = { CLERK__K_OPT_STR,
                                            sizeof(clerk_opt_str_t), NULL, NULL,
                                            NULL };
const clerk__type_t clerk__type_opt_bool = { CLERK__K_OPT_BOOL,
                                             sizeof(clerk_opt_bool_t), NULL,
                                             NULL, NULL };
const clerk__type_t clerk__type_opt_int = { CLERK__K_OPT_INT,
                                            sizeof(clerk_opt_int64_t), NULL,
                                            NULL, NULL };
const clerk__type_t clerk__type_opt_num = { CLERK__K_OPT_NUM,
                                            sizeof(clerk_opt_double_t), NULL,
                                            NULL, NULL };
const clerk__type_t clerk__type_json = { CLERK__K_JSON, sizeof(cJSON *), NULL,
                                         NULL, NULL };
const clerk__type_t clerk__type_file = { CLERK__K_FILE,
                                         sizeof(const clerk_file_t *), NULL,
                                         NULL, NULL };
const clerk__type_t clerk__type_str_array = { CLERK__K_ARRAY,
                                              sizeof(clerk_str_array_t), NULL,
                                              &clerk__type_str, NULL };
const clerk__type_t clerk__type_int_array = { CLERK__K_ARRAY,
                                              sizeof(clerk_int64_array_t), NULL,
                                              &clerk__type_int, NULL };
const clerk__type_t clerk__type_bool_array = { CLERK__K_ARRAY,
                                               sizeof(clerk_bool_array_t), NULL,
                                               &clerk__type_bool, NULL };
const clerk__type_t clerk__type_num_array = { CLERK__K_ARRAY,
                                              sizeof(clerk_double_array_t),
                                              NULL, &clerk__type_num, NULL };
const clerk__type_t clerk__type_json_array = { CLERK__K_ARRAY,
                                               sizeof(clerk_json_array_t), NULL,
                                               &clerk__type_json, NULL };

#define BUILTIN_MAP(name, c_type, value)                                       \
    const clerk__type_t clerk__type_##name = { CLERK__K_MAP, sizeof(c_type),   \
                                               NULL, &(value), NULL }
BUILTIN_MAP(str_map, clerk_str_map_t, clerk__type_str);
BUILTIN_MAP(opt_str_map, clerk_opt_str_map_t, clerk__type_opt_str);
BUILTIN_MAP(int_map, clerk_int64_map_t, clerk__type_int);
BUILTIN_MAP(opt_int_map, clerk_opt_int64_map_t, clerk__type_opt_int);
BUILTIN_MAP(bool_map, clerk_bool_map_t, clerk__type_bool);
BUILTIN_MAP(opt_bool_map, clerk_opt_bool_map_t, clerk__type_opt_bool);
BUILTIN_MAP(num_map, clerk_double_map_t, clerk__type_num);
BUILTIN_MAP(opt_num_map, clerk_opt_double_map_t, clerk__type_opt_num);

/* The runtime reads every map through clerk__map_t (generated maps assert
 * this next to their descriptors). */
CLERK__MAP_LAYOUT(clerk_str_map_t);
CLERK__MAP_LAYOUT(clerk_opt_str_map_t);
CLERK__MAP_LAYOUT(clerk_int64_map_t);
CLERK__MAP_LAYOUT(clerk_opt_int64_map_t);
CLERK__MAP_LAYOUT(clerk_bool_map_t);
CLERK__MAP_LAYOUT(clerk_opt_bool_map_t);
CLERK__MAP_LAYOUT(clerk_double_map_t);
CLERK__MAP_LAYOUT(clerk_opt_double_map_t);
CLERK__MAP_LAYOUT(clerk_enum_map_t);

/* The runtime reads every array through clerk__array_t (generated arrays
 * assert this next to their descriptors). */
CLERK__ARRAY_LAYOUT(clerk_str_array_t);
CLERK__ARRAY_LAYOUT(clerk_int64_array_t);
CLERK__ARRAY_LAYOUT(clerk_bool_array_t);
CLERK__ARRAY_LAYOUT(clerk_double_array_t);
CLERK__ARRAY_LAYOUT(clerk_enum_array_t);
CLERK__ARRAY_LAYOUT(clerk_json_array_t);

/* ---------------------------------------------------------------------- */
/* Allocator (heap mode; see codec_internal.h for the arena plan)          */
/* ---------------------------------------------------------------------- */

clerk__alloc_t clerk__alloc_heap = { NULL };

/* Blocks come from the per-thread block cache (alloc_cache.h), which
 * takes them from cJSON_malloc() and keeps released ones for reuse. */

void *clerk__alloc_zeroed(clerk__alloc_t *a, size_t size)
{
    void *p = NULL;

    (void)a;
    if (size == 0) {
        size = 1;
    }
    p = clerk__block_get(size);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

void *clerk__alloc_raw(clerk__alloc_t *a, size_t size)
{
    (void)a;
    return clerk__block_get(size == 0 ? 1 : size);
}

char *clerk__alloc_strdup(clerk__alloc_t *a, const char *s, size_t len)
{
    char *p = NULL;

    (void)a;
    if (len == (size_t)-1) {
        return NULL;
    }
    p = clerk__block_get(len + 1);
    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void clerk__alloc_release(clerk__alloc_t *a, void *p)
{
    (void)a;
    clerk__block_put(p);
}

char *clerk__alloc_json_strdup(const char *s, size_t len)
{
    char *p = NULL;

    if (len == (size_t)-1) {
        return NULL;
    }
    p = cJSON_malloc(len + 1);
    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* ---------------------------------------------------------------------- */
/* Messages                                                                */
/* ---------------------------------------------------------------------- */

const char *clerk__json_type_name(const cJSON *item)
{
    if (item == NULL) {
        return "nothing";
    }
    switch (item->type & 0xFF) {
    case cJSON_False:
    case cJSON_True:
        return "boolean";
    case cJSON_NULL:
        return "null";
    case cJSON_Number:
        return "number";
    case cJSON_String:
        return "string";
    case cJSON_Array:
        return "array";
    case cJSON_Object:
        return "object";
    default:
        return "invalid JSON";
    }
}

void clerk__json_error_set(
    clerk_json_error_t *err,
    const clerk__seg_t *segs,
    size_t level,
    const char *fmt,
    ...)
{
    size_t used = 1;
    size_t i = 0;
    int n = 0;
    va_list ap;

    assert(level <= CLERK__MAX_SEGS && (level == 0 || segs != NULL));
    if (err == NULL) {
        return;
    }
    err->path[0] = '$';
    err->path[1] = '\0';
    for (i = 0; i < level && used < sizeof(err->path) - 1; i++) {
        if (segs[i].name != NULL) {
            n = snprintf(
                err->path + used, sizeof(err->path) - used, ".%s",
                segs[i].name);
        } else {
            n = snprintf(
                err->path + used, sizeof(err->path) - used, "[%zu]",
                segs[i].index);
        }
        if (n < 0) {
            break;
        }
        used += (size_t)n;
    }
    if (used >= sizeof(err->path)) {
        /* Truncated: mark it so that a cut path is not mistaken. */
        memcpy(err->path + sizeof(err->path) - 4, "...", 4);
    }
    va_start(ap, fmt);
    n = vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
    va_end(ap);
    if (n < 0) {
        err->reason[0] = '\0';
    }
}

void clerk__json_error_vset(
    clerk_json_error_t *err,
    const clerk__seg_t *segs,
    size_t level,
    const char *fmt,
    va_list ap)
{
    char reason[sizeof(((clerk_json_error_t *)0)->reason)];
    int n = 0;

    if (err == NULL) {
        return;
    }
    n = vsnprintf(reason, sizeof(reason), fmt, ap);
    if (n < 0) {
        reason[0] = '\0';
    }
    clerk__json_error_set(err, segs, level, "%s", reason);
}

/* ---------------------------------------------------------------------- */
/* Deep free                                                               */
/* ---------------------------------------------------------------------- */

void clerk__free_model_fields(const clerk__model_t *model, void *base)
{
    size_t i = 0;
    const clerk__field_t *f = NULL;

    if (model == NULL || base == NULL) {
        return;
    }
    if (model->variant_count > 0) {
        clerk__union_drop(model, base);
        return;
    }
    for (i = 0; i < model->field_count; i++) {
        f = &model->fields[i];
        clerk__free_value(f->type, (char *)base + f->offset);
    }
    if (model->extra != NULL) {
        clerk__free_value(
            model->extra->type, (char *)base + model->extra->offset);
    }
}

void clerk__free_value(const clerk__type_t *type, void *slot)
{
    clerk__array_t *arr = NULL;
    size_t i = 0;
    char *item = NULL;

    assert(type != NULL && slot != NULL);
    assert(type->kind != CLERK__K_ARRAY ||
           (type->elem != NULL && type->elem->size > 0));
    assert((type->kind != CLERK__K_OBJ && type->kind != CLERK__K_STRUCT) ||
           type->model != NULL);

    switch (type->kind) {
    case CLERK__K_STR:
        clerk__alloc_release(&clerk__alloc_heap, *(char **)slot);
        *(char **)slot = NULL;
        break;
    case CLERK__K_OPT_STR:
        clerk__alloc_release(
            &clerk__alloc_heap, ((clerk_opt_str_t *)slot)->value);
        ((clerk_opt_str_t *)slot)->value = NULL;
        break;
    case CLERK__K_ENUM:
        clerk__alloc_release(&clerk__alloc_heap, ((clerk_enum_t *)slot)->raw);
        ((clerk_enum_t *)slot)->raw = NULL;
        break;
    case CLERK__K_JSON:
        /* cJSON_Delete(), the nodes kept for the next decode. */
        clerk__json_delete(*(cJSON **)slot);
        *(cJSON **)slot = NULL;
        break;
    case CLERK__K_OBJ:
        if (*(void **)slot != NULL) {
            clerk__free_model_fields(type->model, *(void **)slot);
            clerk__alloc_release(&clerk__alloc_heap, *(void **)slot);
            *(void **)slot = NULL;
        }
        break;
    case CLERK__K_STRUCT:
        clerk__free_model_fields(type->model, slot);
        break;
    case CLERK__K_ARRAY:
        arr = slot;
        if (arr->items != NULL) {
            switch (type->elem->kind) {
            case CLERK__K_BOOL:
            case CLERK__K_INT:
            case CLERK__K_NUM:
            case CLERK__K_OPT_BOOL:
            case CLERK__K_OPT_INT:
            case CLERK__K_OPT_NUM:
            case CLERK__K_FILE:
                break; /* nothing owned inside the items */
            default:
                item = arr->items;
                for (i = 0; i < arr->count; i++) {
                    clerk__free_value(type->elem, item);
                    item += type->elem->size;
                }
                break;
            }
            clerk__alloc_release(&clerk__alloc_heap, arr->items);
        }
        arr->items = NULL;
        arr->count = 0;
        break;
    case CLERK__K_MAP:
        clerk__map_free(type, slot);
        break;
    default:
        /* Scalars and K_FILE (borrowed) own nothing. */
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Maps                                                                    */
/* ---------------------------------------------------------------------- */

size_t clerk_map_find(char *const *keys, size_t count, const char *key)
{
    size_t i = 0;

    if (keys == NULL || key == NULL) {
        return count;
    }
    for (i = 0; i < count; i++) {
        if (keys[i] != NULL && keys[i][0] == key[0] &&
            strcmp(keys[i], key) == 0) {
            return i;
        }
    }
    return count;
}

unsigned clerk__map_value_flags(const clerk__type_t *elem)
{
    switch (elem->kind) {
    case CLERK__K_OPT_STR:
    case CLERK__K_OPT_BOOL:
    case CLERK__K_OPT_INT:
    case CLERK__K_OPT_NUM:
    case CLERK__K_ENUM:
    case CLERK__K_JSON:
    case CLERK__K_OBJ:
    case CLERK__K_ARRAY:
    case CLERK__K_MAP:
        return CLERK__F_NULLABLE;
    default:
        return 0;
    }
}

void clerk__map_drop(
    const clerk__type_t *elem, char **keys, unsigned char *values, size_t count)
{
    size_t i = 0;

    for (i = 0; i < count; i++) {
        clerk__alloc_release(&clerk__alloc_heap, keys[i]);
        keys[i] = NULL;
        clerk__free_value(elem, values + i * elem->size);
    }
}

void clerk__map_free(const clerk__type_t *type, void *slot)
{
    clerk__map_t *map = slot;

    assert(type->kind == CLERK__K_MAP && type->elem != NULL);
    if (map->keys != NULL && map->values != NULL) {
        clerk__map_drop(type->elem, map->keys, map->values, map->count);
    }
    clerk__alloc_release(&clerk__alloc_heap, map->keys);
    clerk__alloc_release(&clerk__alloc_heap, map->values);
    map->keys = NULL;
    map->values = NULL;
    map->count = 0;
}

typedef struct key_pos {
    const char *key;
    size_t pos;
} key_pos_t;

static int key_pos_cmp(const void *a, const void *b)
{
    const key_pos_t *x = a;
    const key_pos_t *y = b;
    int c = strcmp(x->key, y->key);

    if (c != 0) {
        return c;
    }
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The keys sorted by (key, position), or NULL on out-of-memory.  O(n log
 * n), so that a document with many keys costs no quadratic time. */
static key_pos_t *sorted_keys(char *const *keys, size_t count)
{
    key_pos_t *kp = NULL;
    size_t i = 0;

    if (count > ((size_t)-1) / sizeof(*kp)) {
        return NULL;
    }
    kp = malloc(count * sizeof(*kp));
    if (kp == NULL) {
        return NULL;
    }
    for (i = 0; i < count; i++) {
        kp[i].key = keys[i];
        kp[i].pos = i;
    }
    qsort(kp, count, sizeof(*kp), key_pos_cmp);
    return kp;
}

clerk_status_t clerk__map_dedup(
    const clerk__type_t *elem,
    char **keys,
    unsigned char *values,
    size_t *count)
{
    key_pos_t *kp = NULL;
    unsigned char *gone = NULL;
    size_t n = *count;
    size_t size = elem->size;
    size_t i = 0;
    size_t j = 0;
    size_t first = 0;
    size_t last = 0;
    size_t out = 0;

    if (n < 2) {
        return CLERK_OK;
    }
    kp = sorted_keys(keys, n);
    gone = calloc(n, 1);
    if (kp == NULL || gone == NULL) {
        free(kp);
        free(gone);
        return CLERK_E_NOMEM;
    }
    for (i = 0; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(kp[j].key, kp[i].key) == 0; j++) {
        }
        if (j - i == 1) {
            continue;
        }
        /* The first place keeps the last value; the others go. */
        first = kp[i].pos;
        last = kp[j - 1].pos;
        clerk__free_value(elem, values + first * size);
        memcpy(values + first * size, values + last * size, size);
        memset(values + last * size, 0, size);
        for (; i < j; i++) {
            if (kp[i].pos != first) {
                gone[kp[i].pos] = 1;
            }
        }
    }
    for (i = 0; i < n; i++) {
        if (gone[i]) {
            clerk__alloc_release(&clerk__alloc_heap, keys[i]);
            clerk__free_value(elem, values + i * size);
            continue;
        }
        if (out != i) {
            keys[out] = keys[i];
            memcpy(values + out * size, values + i * size, size);
        }
        out++;
    }
    *count = out;
    free(kp);
    free(gone);
    return CLERK_OK;
}

size_t clerk__map_duplicate(char *const *keys, size_t count, int *nomem)
{
    key_pos_t *kp = NULL;
    size_t i = 0;
    size_t dup = count;

    *nomem = 0;
    if (count < 2) {
        return count;
    }
    kp = sorted_keys(keys, count);
    if (kp == NULL) {
        *nomem = 1;
        return count;
    }
    for (i = 1; i < count; i++) {
        if (strcmp(kp[i].key, kp[i - 1].key) == 0 &&
            (dup == count || kp[i].pos < dup)) {
            dup = kp[i].pos; /* the earliest repetition */
        }
    }
    free(kp);
    return dup;
}

void clerk__model_free(const clerk__model_t *model, void *value)
{
    if (model == NULL || value == NULL) {
        return;
    }
    clerk__free_model_fields(model, value);
    clerk__alloc_release(&clerk__alloc_heap, value);
}

void clerk__value_free(const clerk__type_t *type, void *value)
{
    if (type == NULL || value == NULL) {
        return;
    }
    if (type->kind == CLERK__K_OBJ) {
        clerk__model_free(type->model, value);
        return;
    }
    clerk__free_value(type, value);
    clerk__alloc_release(&clerk__alloc_heap, value);
}

/* ---------------------------------------------------------------------- */
/* Choosing the member of a union without a usable discriminator          */
/* ---------------------------------------------------------------------- */

/* The one release of a union's member, for deep free and for the
 * chooser alike: a kind that names no member (a value the caller
 * assembled wrongly) releases nothing rather than reading past the
 * table.  The member's value lives at u->value's address (`as`). */
void clerk__union_drop(const clerk__model_t *model, clerk__union_t *u)
{
    const clerk__type_t *vt = NULL;
    void *slot = &u->value;

    if (u->kind > 0 && (size_t)u->kind <= model->variant_count) {
        vt = model->variants[u->kind - 1].type;
        assert(vt != NULL && vt->size <= model->size - sizeof(int));
        clerk__free_value(vt, slot);
        memset(slot, 0, vt->size);
    } else if (u->kind == CLERK__UNION_UNKNOWN && model->discriminator != NULL) {
        cJSON_Delete(u->value);
    }
    u->kind = 0;
    u->value = NULL;
}

unsigned clerk__variant_jtype(const clerk__type_t *t)
{
    switch (t->kind) {
    case CLERK__K_STR:
    case CLERK__K_OPT_STR:
    case CLERK__K_ENUM:
        return CLERK__JT_STRING;
    case CLERK__K_BOOL:
    case CLERK__K_OPT_BOOL:
        return CLERK__JT_BOOL;
    case CLERK__K_INT:
    case CLERK__K_NUM:
    case CLERK__K_OPT_INT:
    case CLERK__K_OPT_NUM:
        return CLERK__JT_NUMBER;
    case CLERK__K_ARRAY:
        return CLERK__JT_ARRAY;
    default:
        /* Models (K_OBJ), free-form objects (K_JSON) and any other
         * object-shaped kind. */
        return CLERK__JT_OBJECT;
    }
}

size_t clerk__union_candidates(
    const clerk__model_t *model, unsigned jt, size_t *first)
{
    size_t n = 0;
    size_t i = 0;

    *first = 0;
    for (i = 0; i < model->variant_count; i++) {
        if (clerk__variant_jtype(model->variants[i].type) == jt) {
            if (n == 0) {
                *first = i;
            }
            n++;
        }
    }
    return n;
}

void clerk__union_expected(const clerk__model_t *model, char *out, size_t size)
{
    static const struct {
        unsigned jt;
        const char *name;
    } names[] = { { CLERK__JT_OBJECT, "object" },
                  { CLERK__JT_STRING, "string" },
                  { CLERK__JT_NUMBER, "number" },
                  { CLERK__JT_BOOL, "boolean" },
                  { CLERK__JT_ARRAY, "array" } };
    unsigned seen = 0;
    unsigned jt = 0;
    size_t used = 0;
    size_t i = 0;
    size_t k = 0;
    int n = 0;

    out[0] = '\0';
    for (i = 0; i < model->variant_count; i++) {
        jt = clerk__variant_jtype(model->variants[i].type);
        if ((seen & jt) != 0) {
            continue;
        }
        seen |= jt;
        for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            if (names[k].jt == jt) {
                n = snprintf(
                    out + used, size - used, "%s%s", used > 0 ? " or " : "",
                    names[k].name);
                if (n < 0 || (size_t)n >= size - used) {
                    return;
                }
                used += (size_t)n;
            }
        }
    }
}

/* How many required fields of a member's model are absent from the
 * object. */
static size_t missing_required(
    const clerk__model_t *model, const clerk__union_obj_t *obj)
{
    size_t n = 0;
    size_t i = 0;

    for (i = 0; i < model->field_count; i++) {
        if (CLERK__F_DECODE_REQUIRED(model->fields[i].flags) &&
            !obj->has(obj->obj, model->fields[i].name)) {
            n++;
        }
    }
    return n;
}

typedef struct fit {
    size_t known;     /* keys the member's model knows */
    size_t bad_enums; /* string values of its enum fields it does not list */
} fit_t;

static void fit_field(void *arg, const clerk__field_t *f, const char *str)
{
    fit_t *fit = arg;
    const clerk__enum_t *en = f->type->enumeration;
    size_t i = 0;

    fit->known++;
    if (f->type->kind != CLERK__K_ENUM || en == NULL || en->count == 0 ||
        str == NULL) {
        return;
    }
    for (i = 0; i < en->count; i++) {
        if (strcmp(en->values[i], str) == 0) {
            return;
        }
    }
    fit->bad_enums++;
}

/* The member the object comes closest to: fewest missing required fields,
 * then fewest unknown enum values, then most known keys. */
static size_t closest_member(
    const clerk__model_t *model, const clerk__union_obj_t *obj)
{
    size_t best = 0;
    size_t best_miss = (size_t)-1;
    fit_t best_fit = { 0, 0 };
    fit_t fit = { 0, 0 };
    size_t i = 0;
    size_t miss = 0;
    const clerk__model_t *m = NULL;

    for (i = 0; i < model->variant_count; i++) {
        if (model->variants[i].type->kind != CLERK__K_OBJ) {
            continue;
        }
        m = model->variants[i].type->model;
        miss = missing_required(m, obj);
        fit.known = 0;
        fit.bad_enums = 0;
        obj->each_field(obj->obj, m, fit_field, &fit);
        if (miss < best_miss ||
            (miss == best_miss && (fit.bad_enums < best_fit.bad_enums ||
                                   (fit.bad_enums == best_fit.bad_enums &&
                                    fit.known > best_fit.known)))) {
            best = i;
            best_miss = miss;
            best_fit = fit;
        }
    }
    return best;
}

/* Whether member i is a model (the members the chooser considers for an
 * object; the generator gives a union no other object member beside
 * models). */
static int is_model(const clerk__model_t *model, size_t i)
{
    return model->variants[i].type->kind == CLERK__K_OBJ;
}

/* Try member i; a failed attempt leaves nothing behind. */
static int tried(
    const clerk__model_t *model,
    const clerk__union_obj_t *obj,
    size_t i,
    int strict,
    clerk__union_t *u,
    clerk_status_t *st)
{
    *st = obj->try_member(obj->ctx, i, strict, u);
    if (*st == CLERK_OK || *st == CLERK_E_NOMEM) {
        return 1;
    }
    clerk__union_drop(model, u);
    return 0;
}

clerk_status_t clerk__union_choose(
    const clerk__model_t *model,
    const clerk__union_obj_t *obj,
    unsigned flags,
    clerk__union_t *u)
{
    clerk_status_t st = CLERK_OK;
    size_t i = 0;
    size_t want = 0;
    size_t most = 0;
    size_t miss = 0;

    assert(model->variant_count > 0 && model->field_count == 0);
    assert(u->kind == 0 && u->value == NULL);
    for (i = 0; i < model->variant_count; i++) {
        if (is_model(model, i) && tried(model, obj, i, 1, u, &st)) {
            return st;
        }
    }
    if ((flags & CLERK_DECODE_STRICT) == 0) {
        for (i = 0; i < model->variant_count; i++) {
            if (is_model(model, i)) {
                miss = missing_required(model->variants[i].type->model, obj);
                most = miss > most ? miss : most;
            }
        }
        /* Rounds by number of missing fields keep the order stable
         * without sorting; unions have a handful of members. */
        for (want = 0; want <= most; want++) {
            for (i = 0; i < model->variant_count; i++) {
                if (is_model(model, i) &&
                    missing_required(model->variants[i].type->model, obj) ==
                        want &&
                    tried(model, obj, i, 0, u, &st)) {
                    return st;
                }
            }
        }
        return obj->no_member(obj->ctx);
    }
    /* Say why the closest member failed rather than just "no match". */
    st = obj->try_member(obj->ctx, closest_member(model, obj), 1, u);
    clerk__union_drop(model, u);
    return st == CLERK_OK ? obj->no_member(obj->ctx) : st;
}

clerk_status_t clerk__union_first_of_type(
    const clerk__model_t *model,
    unsigned jt,
    const clerk__union_obj_t *obj,
    clerk__union_t *u)
{
    clerk_status_t st = CLERK_OK;
    size_t first = 0;
    size_t i = 0;
    int strict = 0;

    assert(u->kind == 0);
    (void)clerk__union_candidates(model, jt, &first);
    /* Exactly first (strict, only known enum values), then with the
     * caller's flags. */
    for (strict = 1; strict >= 0; strict--) {
        for (i = first; i < model->variant_count; i++) {
            if (clerk__variant_jtype(model->variants[i].type) == jt &&
                tried(model, obj, i, strict, u, &st)) {
                return st;
            }
        }
    }
    /* None decodes: the first member's own error, with the caller's
     * flags (it failed the same way above, so this fails again). */
    (void)tried(model, obj, first, 0, u, &st);
    return st;
}
