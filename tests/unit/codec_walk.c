/*
 * The test oracle (codec_walk.h): the tree walker that decoded cJSON trees
 * in src/ before the decoder existed once (issue 15).  It decodes a cJSON
 * tree into C structs, driven by the same descriptor tables, with the same
 * rules written the other way round, so that the differential tests
 * (test_codec_direct, model.direct, fuzz_codec_direct) can compare the
 * one decoder (src/codec_direct.c) with it document by document.
 *
 * Ownership during a decode: every block is stored into its slot the
 * moment it is allocated, so the partially decoded value is always fully
 * reachable from the top-level block; on any error the entry point frees
 * that block deeply and nothing leaks.
 *
 * Null policy (documented in DESIGN-level terms in the report):
 *   - OPT_*, ENUM, ARRAY record CLERK_NULL; K_STR stores NULL; K_JSON a
 *     cJSON null; K_OBJ stores NULL and sets the `_is_null` companion.
 *     When the field is not marked nullable this is tolerated by default
 *     (real APIs send nulls the spec does not announce) and a decode error
 *     under CLERK_DECODE_STRICT.
 *   - K_BOOL, K_INT, K_NUM (and models stored by value) cannot represent
 *     null: always a decode error.
 *   - Array items: null is accepted wherever the item type can represent
 *     it (the descriptors carry no per-item nullability).
 *
 * Unions: only the members that take the value's JSON type (string,
 * number, boolean, array, object) are considered.  For an object with a
 * discriminator, the member whose tag equals the discriminator property
 * is decoded (its errors are reported as such); an unknown tag is a
 * decode error under CLERK_DECODE_STRICT and otherwise kept as received
 * (kind CLERK__UNION_UNKNOWN, a cJSON tree), never decoded as another
 * member.  Without a tag (or a discriminator): one member decodes it
 * alone; objects follow the rule of clerk__union_choose (the first member
 * that decodes with its required fields present and only enum values it
 * knows, then, lenient mode only, the first that decodes at all,
 * preferring members missing the fewest required fields); other values
 * clerk__union_first_of_type (the first that decodes exactly, then the
 * first that decodes).
 */
#include "codec_walk.h"

#include <stdio.h>
#include <string.h>

/* 2^53: integers are exact in a double only strictly inside +-2^53
 * (2^53 + 1 parses as 2^53, so 2^53 itself is ambiguous and refused). */
#define SAFE_INT_LIMIT 9007199254740992.0

typedef struct dctx {
    unsigned flags;
    int take;  /* the tree is ours: take strings and values out of it */
    int exact; /* trying union members: unknown enum values do not match */
    clerk__alloc_t *alloc;
    clerk_json_error_t *err;
    clerk__seg_t segs[CLERK__MAX_SEGS];
} dctx_t;

static clerk_status_t decode_value(
    dctx_t *c,
    const clerk__type_t *type,
    unsigned fflags,
    size_t null_offset,
    void *base,
    cJSON *parent,
    cJSON *item,
    void *slot,
    size_t level);

static clerk_status_t decode_model(
    dctx_t *c,
    const clerk__model_t *model,
    cJSON *item,
    void *base,
    size_t level);

/* Record a decode error at the current path (first `level` steps). */
static clerk_status_t fail(dctx_t *c, size_t level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    clerk__json_error_vset(c->err, c->segs, level, fmt, ap);
    va_end(ap);
    return CLERK_E_DECODE;
}

static clerk_status_t nomem(dctx_t *c, size_t level)
{
    if (c->err != NULL) {
        clerk__json_error_set(c->err, c->segs, level, "out of memory");
    }
    return CLERK_E_NOMEM;
}

static clerk_status_t type_error(
    dctx_t *c, size_t level, const char *want, const cJSON *got)
{
    return fail(
        c, level, "expected %s, got %s", want, clerk__json_type_name(got));
}

/* Accept a JSON null for a value not marked nullable? */
static clerk_status_t null_allowed(dctx_t *c, unsigned fflags, size_t level)
{
    if ((fflags & CLERK__F_NULLABLE) != 0 ||
        (c->flags & CLERK_DECODE_STRICT) == 0) {
        return CLERK_OK;
    }
    return fail(c, level, "null for a non-nullable field");
}

/* A copy of the string of a string node.  NULL on out-of-memory. */
static char *get_string(dctx_t *c, cJSON *item)
{
    char *s = item->valuestring;

    /* Copied even from a tree the engine owns: cJSON's blocks are not
     * the engine's (alloc_cache.h). */
    return clerk__alloc_strdup(c->alloc, s, strlen(s));
}

/* Depth of nested containers in a free-form value must stay within
 * `budget` (the number of container levels still allowed). */
static int depth_ok(const cJSON *item, size_t budget)
{
    const cJSON *child = NULL;

    if (!cJSON_IsArray(item) && !cJSON_IsObject(item)) {
        return 1;
    }
    if (budget == 0) {
        return 0;
    }
    for (child = item->child; child != NULL; child = child->next) {
        if (!depth_ok(child, budget - 1)) {
            return 0;
        }
    }
    return 1;
}

static clerk_status_t decode_int(
    dctx_t *c, const cJSON *item, int64_t *out, size_t level)
{
    double d = 0;

    if (!cJSON_IsNumber(item)) {
        return type_error(c, level, "integer", item);
    }
    d = item->valuedouble;
    if (!(d > -SAFE_INT_LIMIT && d < SAFE_INT_LIMIT)) {
        return fail(c, level, "integer out of the exact range +-(2^53-1)");
    }
    /* Inside +-2^53 the conversion is exact, so a round trip tells. */
    if ((double)(int64_t)d != d) {
        return fail(c, level, "expected integer, got a fraction");
    }
    *out = (int64_t)d;
    return CLERK_OK;
}

static clerk_status_t decode_enum(
    dctx_t *c,
    const clerk__enum_t *en,
    cJSON *item,
    clerk_enum_t *out,
    size_t level)
{
    const char *s = item->valuestring;
    size_t i = 0;

    out->value = 0;
    if (en != NULL) {
        for (i = 0; i < en->count; i++) {
            if (en->values[i][0] == s[0] && strcmp(en->values[i], s) == 0) {
                out->value = (int)(i + 1);
                break;
            }
        }
    }
    if (out->value == 0 && c->exact && en != NULL && en->count > 0) {
        return fail(c, level, "unknown value of %s", en->name);
    }
    out->raw = get_string(c, item);
    if (out->raw == NULL) {
        return nomem(c, level);
    }
    out->state = CLERK_SET;
    return CLERK_OK;
}

static clerk_status_t decode_array(
    dctx_t *c,
    const clerk__type_t *type,
    cJSON *item,
    clerk__array_t *arr,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    const clerk__type_t *elem = type->elem;
    cJSON *child = NULL;
    cJSON *next = NULL;
    size_t n = 0;
    size_t i = 0;
    char *slot = NULL;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    }
    for (child = item->child; child != NULL; child = child->next) {
        n++;
    }
    arr->state = CLERK_SET;
    if (n == 0) {
        return CLERK_OK;
    }
    if (n > ((size_t)-1) / elem->size) {
        return nomem(c, level);
    }
    arr->items = clerk__alloc_zeroed(c->alloc, n * elem->size);
    if (arr->items == NULL) {
        return nomem(c, level);
    }
    /* Zeroed items are free-safe: publish the count now so that an error
     * half-way releases exactly what was decoded. */
    arr->count = n;
    slot = arr->items;
    c->segs[level].name = NULL;
    for (child = item->child; child != NULL; child = next) {
        next = child->next;
        c->segs[level].index = i;
        st = decode_value(
            c, elem, CLERK__F_NULLABLE, 0, NULL, item, child, slot, level + 1);
        if (st != CLERK_OK) {
            return st;
        }
        /* A taken child (free-form items) left the list; `next` is kept. */
        slot += elem->size;
        i++;
    }
    return CLERK_OK;
}

/* Decode the members of `item` into the map in `slot`: every key and value
 * in document order (values as clerk__map_value_flags() says), then the
 * duplicate-key rule (clerk__map_dedup).  Entries are stored as soon as
 * they are decoded, so an error half-way frees exactly what was made. */
static clerk_status_t decode_map(
    dctx_t *c,
    const clerk__type_t *type,
    cJSON *item,
    clerk__map_t *map,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    const clerk__type_t *elem = type->elem;
    cJSON *child = NULL;
    cJSON *next = NULL;
    size_t n = 0;
    char *slot = NULL;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    }
    for (child = item->child; child != NULL; child = child->next) {
        n++;
    }
    map->state = CLERK_SET;
    if (n == 0) {
        return CLERK_OK;
    }
    if (n > ((size_t)-1) / (elem->size + sizeof(char *))) {
        return nomem(c, level);
    }
    map->keys = clerk__alloc_zeroed(c->alloc, n * sizeof(char *));
    map->values = clerk__alloc_zeroed(c->alloc, n * elem->size);
    if (map->keys == NULL || map->values == NULL) {
        return nomem(c, level);
    }
    slot = map->values;
    for (child = item->child; child != NULL; child = next) {
        next = child->next;
        map->keys[map->count] =
            clerk__alloc_strdup(c->alloc, child->string, strlen(child->string));
        if (map->keys[map->count] == NULL) {
            return nomem(c, level);
        }
        c->segs[level].name = map->keys[map->count];
        map->count++;
        st = decode_value(
            c, elem, clerk__map_value_flags(elem), 0, NULL, item, child, slot,
            level + 1);
        if (st != CLERK_OK) {
            return st;
        }
        slot += elem->size;
    }
    if (clerk__map_dedup(
            elem, map->keys, (unsigned char *)map->values, &map->count) !=
        CLERK_OK) {
        return nomem(c, level);
    }
    return CLERK_OK;
}

/* Decode an object into the model behind a K_OBJ slot (allocating it). */
static clerk_status_t decode_obj(
    dctx_t *c,
    const clerk__model_t *model,
    cJSON *item,
    void **slot,
    size_t level)
{
    *slot = clerk__alloc_zeroed(c->alloc, model->size);
    if (*slot == NULL) {
        return nomem(c, level);
    }
    return decode_model(c, model, item, *slot, level);
}

static clerk_status_t decode_value(
    dctx_t *c,
    const clerk__type_t *type,
    unsigned fflags,
    size_t null_offset,
    void *base,
    cJSON *parent,
    cJSON *item,
    void *slot,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    int is_null = cJSON_IsNull(item);

    switch (type->kind) {
    case CLERK__K_STR:
        if (cJSON_IsString(item)) {
            *(char **)slot = get_string(c, item);
            return *(char **)slot == NULL ? nomem(c, level) : CLERK_OK;
        }
        if (is_null) {
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "string", item);
    case CLERK__K_BOOL:
        if (cJSON_IsBool(item)) {
            *(bool *)slot = cJSON_IsTrue(item) ? true : false;
            return CLERK_OK;
        }
        return type_error(c, level, "boolean", item);
    case CLERK__K_INT:
        return decode_int(c, item, slot, level);
    case CLERK__K_NUM:
        if (cJSON_IsNumber(item)) {
            *(double *)slot = item->valuedouble;
            return CLERK_OK;
        }
        return type_error(c, level, "number", item);
    case CLERK__K_OPT_STR:
        if (cJSON_IsString(item)) {
            clerk_opt_str_t *o = slot;
            o->value = get_string(c, item);
            if (o->value == NULL) {
                return nomem(c, level);
            }
            o->state = CLERK_SET;
            return CLERK_OK;
        }
        if (is_null) {
            ((clerk_opt_str_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "string", item);
    case CLERK__K_OPT_BOOL:
        if (cJSON_IsBool(item)) {
            ((clerk_opt_bool_t *)slot)->value =
                cJSON_IsTrue(item) ? true : false;
            ((clerk_opt_bool_t *)slot)->state = CLERK_SET;
            return CLERK_OK;
        }
        if (is_null) {
            ((clerk_opt_bool_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "boolean", item);
    case CLERK__K_OPT_INT:
        if (is_null) {
            ((clerk_opt_int64_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        st = decode_int(c, item, &((clerk_opt_int64_t *)slot)->value, level);
        if (st == CLERK_OK) {
            ((clerk_opt_int64_t *)slot)->state = CLERK_SET;
        }
        return st;
    case CLERK__K_OPT_NUM:
        if (cJSON_IsNumber(item)) {
            ((clerk_opt_double_t *)slot)->value = item->valuedouble;
            ((clerk_opt_double_t *)slot)->state = CLERK_SET;
            return CLERK_OK;
        }
        if (is_null) {
            ((clerk_opt_double_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "number", item);
    case CLERK__K_ENUM:
        if (cJSON_IsString(item)) {
            return decode_enum(c, type->enumeration, item, slot, level);
        }
        if (is_null) {
            ((clerk_enum_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "string", item);
    case CLERK__K_JSON:
        /* The `level` enclosing containers count against the limit. */
        if (!depth_ok(item, CLERK__MAX_DEPTH - level)) {
            return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
        }
        if (is_null) {
            st = null_allowed(c, fflags, level);
            if (st != CLERK_OK) {
                return st;
            }
        }
        if (c->take && parent != NULL && c->alloc->arena == NULL) {
            *(cJSON **)slot = cJSON_DetachItemViaPointer(parent, item);
        } else {
            *(cJSON **)slot = cJSON_Duplicate(item, 1);
        }
        return *(cJSON **)slot == NULL ? nomem(c, level) : CLERK_OK;
    case CLERK__K_OBJ:
        if (is_null) {
            if (null_offset != 0 && base != NULL) {
                *(bool *)((char *)base + null_offset) = true;
            }
            return null_allowed(c, fflags, level);
        }
        return decode_obj(c, type->model, item, slot, level);
    case CLERK__K_STRUCT:
        return decode_model(c, type->model, item, slot, level);
    case CLERK__K_ARRAY:
        if (cJSON_IsArray(item)) {
            return decode_array(c, type, item, slot, level);
        }
        if (is_null) {
            ((clerk__array_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "array", item);
    case CLERK__K_MAP:
        if (cJSON_IsObject(item)) {
            return decode_map(c, type, item, slot, level);
        }
        if (is_null) {
            ((clerk__map_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "object", item);
    case CLERK__K_FILE:
    default:
        /* Files are request-only: nothing to decode. */
        return CLERK_OK;
    }
}

/* Find the field for `key`, expecting spec order: the cursor is O(1) when
 * the document follows the spec, else a wrap-around scan. */
static const clerk__field_t *find_field(
    const clerk__model_t *model, const char *key, size_t *cursor)
{
    const clerk__field_t *fields = model->fields;
    size_t n = model->field_count;
    size_t i = *cursor;
    size_t k = 0;

    for (k = 0; k < n; k++, i++) {
        if (i >= n) {
            i = 0;
        }
        if (fields[i].name[0] == key[0] && strcmp(fields[i].name, key) == 0) {
            *cursor = i + 1;
            return &fields[i];
        }
    }
    return NULL;
}

static clerk_status_t decode_variant(
    dctx_t *c,
    const clerk__model_t *model,
    size_t i,
    cJSON *item,
    clerk__union_t *u,
    size_t level)
{
    u->kind = (int)(i + 1);
    return decode_value(
        c, model->variants[i].type, 0, 0, NULL, NULL, item, &u->value, level);
}

/* An object whose discriminator names no member, kept as received. */
static clerk_status_t keep_unknown(
    dctx_t *c, cJSON *item, clerk__union_t *u, size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *raw = NULL;

    st = decode_value(
        c, &clerk__type_json, CLERK__F_NULLABLE, 0, NULL, NULL, item, &raw,
        level);
    if (st == CLERK_OK) {
        u->kind = CLERK__UNION_UNKNOWN;
        u->value = raw;
    }
    return st;
}

/* The union chooser's view of a cJSON object (clerk__union_choose). */
typedef struct pick {
    dctx_t *c;
    const clerk__model_t *model;
    cJSON *item;
    size_t level;
    unsigned flags; /* as the caller asked */
    int exact;
} pick_t;

static int pick_has(const void *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

static void pick_each_field(
    const void *obj,
    const clerk__model_t *model,
    void (*fn)(void *arg, const clerk__field_t *f, const char *str),
    void *arg)
{
    const cJSON *child = NULL;
    const clerk__field_t *f = NULL;
    size_t cursor = 0;

    for (child = ((const cJSON *)obj)->child; child != NULL;
         child = child->next) {
        f = child->string != NULL ? find_field(model, child->string, &cursor)
                                  : NULL;
        if (f != NULL) {
            fn(arg, f, cJSON_IsString(child) ? child->valuestring : NULL);
        }
    }
}

static clerk_status_t pick_try(
    void *ctx, size_t i, int strict, clerk__union_t *u)
{
    pick_t *p = ctx;

    p->c->flags = strict ? p->flags | CLERK_DECODE_STRICT : p->flags;
    p->c->exact = strict ? 1 : p->exact;
    return decode_variant(p->c, p->model, i, p->item, u, p->level);
}

static clerk_status_t pick_none(void *ctx)
{
    pick_t *p = ctx;

    return fail(p->c, p->level, "matches no member of %s", p->model->name);
}

/* Members without discriminator: clerk__union_choose() applies the rules.
 * Trying leaves the tree untouched (take = 0), so a failed attempt costs
 * nothing but its own memory. */
static clerk_status_t decode_first_match(
    dctx_t *c,
    const clerk__model_t *model,
    cJSON *item,
    clerk__union_t *u,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    pick_t p = { c, model, item, level, c->flags, c->exact };
    clerk__union_obj_t obj = { item,     &p,       pick_has, pick_each_field,
                               pick_try, pick_none };
    int saved_take = c->take;

    c->take = 0;
    st = clerk__union_choose(model, &obj, p.flags, u);
    c->flags = p.flags;
    c->take = saved_take;
    c->exact = p.exact;
    return st;
}

/* Members that share the value's JSON type (not objects): the first that
 * decodes (clerk__union_first_of_type). */
static clerk_status_t decode_first_of_type(
    dctx_t *c,
    const clerk__model_t *model,
    unsigned jt,
    cJSON *item,
    clerk__union_t *u,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    pick_t p = { c, model, item, level, c->flags, c->exact };
    clerk__union_obj_t obj = { NULL, &p, NULL, NULL, pick_try, pick_none };
    int saved_take = c->take;

    c->take = 0;
    st = clerk__union_first_of_type(model, jt, &obj, u);
    c->flags = p.flags;
    c->take = saved_take;
    c->exact = p.exact;
    return st;
}

static unsigned value_jtype(const cJSON *item)
{
    if (cJSON_IsString(item)) {
        return CLERK__JT_STRING;
    }
    if (cJSON_IsNumber(item)) {
        return CLERK__JT_NUMBER;
    }
    if (cJSON_IsBool(item)) {
        return CLERK__JT_BOOL;
    }
    if (cJSON_IsArray(item)) {
        return CLERK__JT_ARRAY;
    }
    return cJSON_IsObject(item) ? CLERK__JT_OBJECT : 0;
}

/* The members that take the value's JSON type; an object with a
 * discriminator is the member its tag names (an unknown tag: kept as
 * received, or an error under CLERK_DECODE_STRICT); else one member
 * decodes it, or the rules choose. */
static clerk_status_t decode_union(
    dctx_t *c,
    const clerk__model_t *model,
    cJSON *item,
    clerk__union_t *u,
    size_t level)
{
    const cJSON *tag = NULL;
    size_t i = 0;
    size_t first = 0;
    size_t n = 0;
    unsigned jt = value_jtype(item);
    char want[64];

    n = jt != 0 ? clerk__union_candidates(model, jt, &first) : 0;
    if (n == 0) {
        clerk__union_expected(model, want, sizeof(want));
        return type_error(c, level, want, item);
    }
    if (jt != CLERK__JT_OBJECT) {
        return n == 1 ? decode_variant(c, model, first, item, u, level)
                      : decode_first_of_type(c, model, jt, item, u, level);
    }
    if (model->discriminator != NULL) {
        tag = cJSON_GetObjectItemCaseSensitive(item, model->discriminator);
        if (cJSON_IsString(tag)) {
            for (i = 0; i < model->variant_count; i++) {
                if (model->variants[i].tag != NULL &&
                    strcmp(model->variants[i].tag, tag->valuestring) == 0) {
                    return decode_variant(c, model, i, item, u, level);
                }
            }
        }
        /* An absent tag is no error in itself (members rarely list it as
         * required); a wrong one is under CLERK_DECODE_STRICT, and is
         * kept as received otherwise (never decoded as another member). */
        if (tag != NULL && (c->flags & CLERK_DECODE_STRICT) != 0) {
            c->segs[level].name = model->discriminator;
            if (!cJSON_IsString(tag)) {
                return type_error(c, level + 1, "string", tag);
            }
            return fail(
                c, level + 1, "unknown %s of %s", model->discriminator,
                model->name);
        }
        if (tag != NULL) {
            return keep_unknown(c, item, u, level);
        }
    }
    if (n == 1) {
        return decode_variant(c, model, first, item, u, level);
    }
    return decode_first_match(c, model, item, u, level);
}

/* The member `child` of an object decoded as `model` names none of its
 * fields: an entry of the model's additional properties, in document order
 * (a map: room for every member was made before; free-form: a cJSON
 * object of those members). */
static clerk_status_t decode_extra(
    dctx_t *c,
    const clerk__model_t *model,
    cJSON *item,
    cJSON *child,
    void *base,
    size_t level)
{
    const clerk__field_t *x = model->extra;
    void *slot = (char *)base + x->offset;
    clerk__map_t *map = slot;
    const clerk__type_t *elem = x->type->elem; /* K_MAP only */
    cJSON **obj = slot;
    cJSON *node = NULL;
    clerk_status_t st = CLERK_OK;

    if (x->type->kind == CLERK__K_MAP) {
        map->keys[map->count] =
            clerk__alloc_strdup(c->alloc, child->string, strlen(child->string));
        if (map->keys[map->count] == NULL) {
            return nomem(c, level);
        }
        c->segs[level].name = map->keys[map->count];
        map->count++;
        return decode_value(
            c, elem, clerk__map_value_flags(elem), 0, NULL, item, child,
            (char *)map->values + (map->count - 1) * elem->size, level + 1);
    }
    c->segs[level].name = child->string;
    if (*obj == NULL) {
        *obj = cJSON_CreateObject();
        if (*obj == NULL) {
            return nomem(c, level);
        }
    }
    st = decode_value(
        c, &clerk__type_json, CLERK__F_NULLABLE, 0, NULL, item, child, &node,
        level + 1);
    if (st != CLERK_OK) {
        return st;
    }
    if (node->string == NULL) {
        node->string =
            clerk__alloc_json_strdup(child->string, strlen(child->string));
        if (node->string == NULL) {
            cJSON_Delete(node);
            return nomem(c, level);
        }
    }
    cJSON_AddItemToArray(*obj, node); /* keeps node->string */
    return CLERK_OK;
}

/* Room for `n` entries in the (empty) map of a model's additional
 * properties. */
static clerk_status_t extra_room(
    dctx_t *c, const clerk__model_t *model, void *base, size_t n, size_t level)
{
    clerk__map_t *map = (void *)((char *)base + model->extra->offset);
    size_t size = 0;

    if (n == 0 || model->extra->type->kind != CLERK__K_MAP) {
        return CLERK_OK;
    }
    size = model->extra->type->elem->size;
    if (n > ((size_t)-1) / (size + sizeof(char *))) {
        return nomem(c, level);
    }
    map->keys = clerk__alloc_zeroed(c->alloc, n * sizeof(char *));
    map->values = clerk__alloc_zeroed(c->alloc, n * size);
    return map->keys == NULL || map->values == NULL ? nomem(c, level)
                                                    : CLERK_OK;
}

/* After the members: the duplicate-key rule; no extra key, no map. */
static clerk_status_t extra_done(
    dctx_t *c, const clerk__model_t *model, void *base, size_t level)
{
    clerk__map_t *map = (void *)((char *)base + model->extra->offset);

    if (model->extra->type->kind != CLERK__K_MAP) {
        return CLERK_OK;
    }
    if (map->count == 0) {
        clerk__free_value(model->extra->type, map);
        return CLERK_OK;
    }
    map->state = CLERK_SET;
    if (clerk__map_dedup(
            model->extra->type->elem, map->keys, (unsigned char *)map->values,
            &map->count) != CLERK_OK) {
        return nomem(c, level);
    }
    return CLERK_OK;
}

static clerk_status_t decode_model(
    dctx_t *c,
    const clerk__model_t *model,
    cJSON *item,
    void *base,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    const clerk__field_t *f = NULL;
    cJSON *child = NULL;
    cJSON *next = NULL;
    size_t cursor = 0;
    size_t i = 0;
    size_t idx = 0;
    size_t extras = 0;
    unsigned char seen_small[64];
    unsigned char *seen = seen_small;
    unsigned char *seen_heap = NULL;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    }
    if (model->variant_count > 0) {
        return decode_union(c, model, item, base, level);
    }
    if (!cJSON_IsObject(item)) {
        return type_error(c, level, "object", item);
    }
    /* One bit per field: duplicate keys (the last one wins, the earlier
     * value is released) and, in strict mode, missing required fields. */
    if (model->field_count > sizeof(seen_small) * 8) {
        seen_heap = clerk__alloc_zeroed(c->alloc, model->field_count / 8 + 1);
        if (seen_heap == NULL) {
            return nomem(c, level);
        }
        seen = seen_heap;
    } else {
        memset(seen_small, 0, (model->field_count + 7) / 8);
    }
    if (model->extra != NULL) {
        for (child = item->child; child != NULL; child = child->next) {
            extras++;
        }
        st = extra_room(c, model, base, extras, level);
        if (st != CLERK_OK) {
            goto done;
        }
    }
    for (child = item->child; child != NULL; child = next) {
        next = child->next;
        if (child->string == NULL) {
            continue;
        }
        f = find_field(model, child->string, &cursor);
        if (f == NULL && model->extra != NULL) {
            st = decode_extra(c, model, item, child, base, level);
            if (st != CLERK_OK) {
                goto done;
            }
            continue;
        }
        if (f == NULL) {
            continue; /* unknown fields are ignored */
        }
        idx = (size_t)(f - model->fields);
        if ((seen[idx / 8] & (1u << (idx % 8))) != 0) {
            clerk__free_value(f->type, (char *)base + f->offset);
            memset((char *)base + f->offset, 0, f->type->size);
            if (f->null_offset != 0) {
                *(bool *)((char *)base + f->null_offset) = false;
            }
        }
        seen[idx / 8] |= (unsigned char)(1u << (idx % 8));
        c->segs[level].name = f->name;
        st = decode_value(
            c, f->type, f->flags, f->null_offset, base, item, child,
            (char *)base + f->offset, level + 1);
        if (st != CLERK_OK) {
            goto done;
        }
    }
    if (model->extra != NULL) {
        st = extra_done(c, model, base, level);
        if (st != CLERK_OK) {
            goto done;
        }
    }
    if ((c->flags & CLERK_DECODE_STRICT) != 0) {
        for (i = 0; i < model->field_count; i++) {
            f = &model->fields[i];
            if (CLERK__F_DECODE_REQUIRED(f->flags) &&
                f->type->kind != CLERK__K_FILE &&
                (seen[i / 8] & (1u << (i % 8))) == 0) {
                c->segs[level].name = f->name;
                st = fail(c, level + 1, "required field missing");
                goto done;
            }
        }
    }
done:
    clerk__alloc_release(c->alloc, seen_heap);
    return st;
}

static clerk_status_t walk_root(
    const clerk__type_t *type,
    void *slot,
    cJSON *json,
    unsigned flags,
    int take,
    clerk_json_error_t *err)
{
    dctx_t c;
    clerk_status_t st = CLERK_OK;

    c.flags = flags;
    c.take = take;
    c.exact = 0;
    c.alloc = &clerk__alloc_heap;
    c.err = err;
    if (type->kind == CLERK__K_OBJ && cJSON_IsNull(json)) {
        return type_error(&c, 0, "object", json);
    }
    /* Other roots may be null where their C type can say so. */
    st =
        decode_value(&c, type, CLERK__F_NULLABLE, 0, NULL, NULL, json, slot, 0);
    if (st == CLERK_OK && err != NULL) {
        /* Failed union attempts may have left text behind. */
        err->path[0] = '\0';
        err->reason[0] = '\0';
    }
    return st;
}

/* Decode `tree` into a fresh top-level block, as clerk__value_parse()
 * does for text. */
static clerk_status_t walk_block(
    const clerk__type_t *type,
    void **out,
    cJSON *tree,
    int take,
    unsigned flags,
    clerk_json_error_t *error)
{
    clerk_status_t st = CLERK_OK;
    void *slot = NULL;
    void *block = NULL;

    if (type->kind == CLERK__K_OBJ) {
        st = walk_root(type, &slot, tree, flags, take, error);
        if (st != CLERK_OK) {
            clerk__free_value(type, &slot);
            return st;
        }
        *out = slot;
        return CLERK_OK;
    }
    block = clerk__alloc_zeroed(&clerk__alloc_heap, type->size);
    if (block == NULL) {
        return CLERK_E_NOMEM;
    }
    st = walk_root(type, block, tree, flags, take, error);
    if (st != CLERK_OK) {
        clerk__value_free(type, block);
        return st;
    }
    *out = block;
    return CLERK_OK;
}

/* Parse exactly `len` bytes as one JSON document (trailing whitespace
 * allowed), never touching cJSON's global error pointer. */
static clerk_status_t parse_text(
    cJSON **tree, const char *json, size_t len, clerk_json_error_t *error)
{
    const char *end = NULL;
    cJSON *root = NULL;
    size_t pos = 0;

    *tree = NULL;
    if (json == NULL || len == 0) {
        clerk__json_error_set(error, NULL, 0, "empty document");
        return CLERK_E_DECODE;
    }
    root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (root == NULL) {
        pos = (end != NULL && end >= json) ? (size_t)(end - json) : 0;
        clerk__json_error_set(
            error, NULL, 0, "malformed JSON near byte %zu of %zu", pos, len);
        return CLERK_E_DECODE;
    }
    pos = (size_t)(end - json);
    while (pos < len && (json[pos] == ' ' || json[pos] == '\t' ||
                         json[pos] == '\n' || json[pos] == '\r')) {
        pos++;
    }
    if (pos < len && !(pos + 1 == len && json[pos] == '\0')) {
        cJSON_Delete(root);
        clerk__json_error_set(
            error, NULL, 0, "unexpected data after the JSON value at byte %zu",
            pos);
        return CLERK_E_DECODE;
    }
    *tree = root;
    return CLERK_OK;
}

static void error_clear(clerk_json_error_t *error)
{
    if (error != NULL) {
        error->path[0] = '\0';
        error->reason[0] = '\0';
    }
}

clerk_status_t codec_walk_parse(
    const clerk__type_t *type,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error)
{
    clerk_status_t st = CLERK_OK;
    cJSON *tree = NULL;
    clerk__locale_t saved;

    error_clear(error);
    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (type == NULL || (type->kind == CLERK__K_OBJ && type->model == NULL)) {
        return CLERK_E_INVALID_ARG;
    }
    /* cJSON reads numbers with strtod(): '.' only in the "C" locale. */
    clerk__c_locale_begin(&saved);
    st = parse_text(&tree, json, len, error);
    clerk__c_locale_end(&saved);
    if (st == CLERK_OK) {
        /* The tree is ours: strings and free-form values are taken. */
        st = walk_block(type, out, tree, 1, flags, error);
    }
    cJSON_Delete(tree);
    return st;
}

clerk_status_t codec_walk_tree(
    const clerk__type_t *type,
    void **out,
    const cJSON *tree,
    unsigned flags,
    clerk_json_error_t *error)
{
    error_clear(error);
    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (type == NULL || tree == NULL ||
        (type->kind == CLERK__K_OBJ && type->model == NULL)) {
        return CLERK_E_INVALID_ARG;
    }
    /* The caller's tree is never modified: take = 0. */
    return walk_block(type, out, (cJSON *)tree, 0, flags, error);
}
