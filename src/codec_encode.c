/*
 * Encoding: C structs -> cJSON tree, driven by the descriptor tables.
 *
 * Per field (spec order):
 *   K_STR     NULL: omitted; null when required + nullable; a required,
 *             non-nullable NULL is CLERK_E_INVALID_ARG (path in error).
 *   K_BOOL, K_INT, K_NUM: always sent (their absence cannot be told).
 *   OPT_*     UNSET: omitted (required: invalid arg), NULL: null, SET: value.
 *   K_ENUM    like OPT_*; an UNSET enum with a non-zero value or a raw
 *             string counts as SET (the value says it was meant).  raw is
 *             sent when non-NULL, else values[value - 1]; a value out of
 *             range without raw is invalid arg.
 *   K_JSON    NULL: omitted (required: null if nullable, else invalid arg);
 *             else a duplicate of the value, which must not take the
 *             document past CJSON_NESTING_LIMIT levels (invalid arg, path
 *             of the field).
 *   K_OBJ     pointer: the object; NULL with the `_is_null` companion true:
 *             null; NULL otherwise: omitted, or for a required field null if
 *             nullable, else invalid arg.
 *   K_ARRAY   count > 0 or state SET: the array; state NULL: null; else
 *             omitted (required: invalid arg).
 *   K_MAP     like K_ARRAY; an object of the keys in order, each value
 *             as an array item would be, except that a NULL string (in a
 *             map of non-nullable strings) is invalid arg; keys must be
 *             non-NULL and distinct (invalid arg).
 *   K_FILE    never part of a JSON document (multipart only): skipped.
 * A model's additional properties (model->extra) follow its fields: the
 * entries of the map, or the members of the free-form object; a key that
 * names a field of the model is invalid arg (it would be written twice).
 * Unions encode their selected member (a model, or a value: string,
 * number, boolean, array, free-form object), writing an unset
 * discriminator from the member's tag; kind UNKNOWN writes the object kept
 * for an unknown tag unchanged; kind 0 is invalid arg.
 * Integers must lie strictly inside +-2^53 and numbers be finite.
 */
#include "codec_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SAFE_INT_MAX 9007199254740991LL /* 2^53 - 1 */

typedef struct ectx {
    unsigned flags;
    clerk_json_error_t *err;
    /* Set by a union for the member's fields: the discriminator property
     * and the member's tag, written when the caller left it unset. */
    const char *tag_name;
    const char *tag_value;
    clerk__seg_t segs[CLERK__MAX_SEGS];
} ectx_t;

static clerk_status_t encode_model(
    ectx_t *e,
    const clerk__model_t *model,
    const void *base,
    cJSON **out,
    size_t level);

static clerk_status_t encode_union(
    ectx_t *e,
    const clerk__model_t *model,
    const void *base,
    cJSON **out,
    size_t level);

static clerk_status_t invalid(ectx_t *e, size_t level, const char *reason)
{
    clerk__json_error_set(e->err, e->segs, level, "%s", reason);
    return CLERK_E_INVALID_ARG;
}

static clerk_status_t nomem(ectx_t *e, size_t level)
{
    clerk__json_error_set(e->err, e->segs, level, "out of memory");
    return CLERK_E_NOMEM;
}

/* *out = a new node, or NOMEM. */
static clerk_status_t made(ectx_t *e, cJSON *node, cJSON **out, size_t level)
{
    *out = node;
    return node == NULL ? nomem(e, level) : CLERK_OK;
}

static clerk_status_t encode_int(
    ectx_t *e, int64_t v, cJSON **out, size_t level)
{
    if (v > SAFE_INT_MAX || v < -SAFE_INT_MAX) {
        return invalid(e, level, "integer beyond +-(2^53-1)");
    }
    return made(e, cJSON_CreateNumber((double)v), out, level);
}

static clerk_status_t encode_num(ectx_t *e, double v, cJSON **out, size_t level)
{
    if (!isfinite(v)) {
        return invalid(e, level, "number is not finite");
    }
    return made(e, cJSON_CreateNumber(v), out, level);
}

static clerk_status_t encode_str(
    ectx_t *e, const char *s, cJSON **out, size_t level)
{
    return made(e, cJSON_CreateString(s), out, level);
}

/* CLERK_JSON("..."): a cJSON_Raw node whose text is parsed here, once per
 * encoding (a retried call reuses the encoded body), and refused with the
 * offset of the error when it is not JSON. */
static clerk_status_t encode_raw(
    ectx_t *e, const cJSON *value, cJSON **out, size_t level)
{
    size_t room = level < CJSON_NESTING_LIMIT ? CJSON_NESTING_LIMIT - level : 0;
    size_t at = 0;
    cJSON *doc;

    if (value->valuestring == NULL) {
        return invalid(e, level, "CLERK_JSON(NULL)");
    }
    doc = clerk__json_parse_text(value->valuestring, &at);
    if (doc == NULL) {
        clerk__json_error_set(
            e->err, e->segs, level,
            "CLERK_JSON text is not valid JSON (error at offset %zu)", at);
        return CLERK_E_INVALID_ARG;
    }
    if (clerk__json_depth(doc, room) > room) {
        cJSON_Delete(doc);
        clerk__json_error_set(
            e->err, e->segs, level,
            "free-form value nested deeper than %d levels in all",
            CJSON_NESTING_LIMIT);
        return CLERK_E_INVALID_ARG;
    }
    *out = doc;
    return CLERK_OK;
}

/* A copy of a caller's free-form value.  cJSON_Duplicate() (and every
 * printer after it) recurses once per level, so the depth is measured
 * first, without recursion: the whole document may be as deep as cJSON
 * itself would read, CJSON_NESTING_LIMIT containers, and the value sits
 * inside `level` of them. */
static clerk_status_t encode_json(
    ectx_t *e, const cJSON *value, cJSON **out, size_t level)
{
    size_t room = level < CJSON_NESTING_LIMIT ? CJSON_NESTING_LIMIT - level : 0;

    if ((value->type & 0xFF) == cJSON_Raw) {
        return encode_raw(e, value, out, level);
    }
    if (clerk__json_depth(value, room) > room) {
        clerk__json_error_set(
            e->err, e->segs, level,
            "free-form value nested deeper than %d levels in all",
            CJSON_NESTING_LIMIT);
        return CLERK_E_INVALID_ARG;
    }
    return made(e, cJSON_Duplicate(value, 1), out, level);
}

/* An enum that is set, as its wire string. */
static clerk_status_t encode_enum(
    ectx_t *e,
    const clerk__enum_t *en,
    const clerk_enum_t *v,
    cJSON **out,
    size_t level)
{
    if (v->raw != NULL) {
        return encode_str(e, v->raw, out, level);
    }
    if (en == NULL || v->value < 1 || (size_t)v->value > en->count) {
        return invalid(e, level, "enum value out of range");
    }
    return encode_str(e, en->values[v->value - 1], out, level);
}

/* Whether a presence holds one of its three constants (the enum's
 * underlying type may be unsigned: compare as a wide signed value). */
static bool presence_ok(clerk_presence_t st, long *as_long)
{
    long v = (long)st;

    *as_long = v;
    return v == (long)CLERK_UNSET || v == (long)CLERK_NULL ||
           v == (long)CLERK_SET;
}

bool clerk__value_misused(
    const clerk__type_t *t,
    const void *slot,
    const char *name,
    char *out,
    size_t out_size)
{
    static const char bad[] =
        "%s: state is %ld, not CLERK_UNSET, CLERK_NULL or CLERK_SET; write %s";
    const char *fix = NULL;
    char made[64];
    clerk_presence_t st = CLERK_UNSET;
    long v = 0;

    switch (t->kind) {
    case CLERK__K_OPT_STR:
        st = ((const clerk_opt_str_t *)slot)->state;
        fix = "CLERK_STR(\"...\")";
        break;
    case CLERK__K_OPT_BOOL:
        st = ((const clerk_opt_bool_t *)slot)->state;
        fix = "CLERK_BOOL(true) or CLERK_BOOL(false)";
        break;
    case CLERK__K_OPT_INT:
        st = ((const clerk_opt_int64_t *)slot)->state;
        break;
    case CLERK__K_OPT_NUM:
        st = ((const clerk_opt_double_t *)slot)->state;
        break;
    case CLERK__K_ENUM: {
        const clerk_enum_t *e = slot;
        const clerk__enum_t *en = t->enumeration;

        st = e->state;
        if (presence_ok(st, &v)) {
            /* In range, or carried as a raw string, or not sent at all. */
            if (e->raw != NULL || en == NULL || e->state == CLERK_NULL ||
                (e->state == CLERK_UNSET && e->value == 0) ||
                (e->value >= 1 && (size_t)e->value <= en->count)) {
                return false;
            }
            snprintf(
                out, out_size,
                "%s: %d is out of range for %s (1 to %zu); write "
                "CLERK_ENUM(<one of its constants>)",
                name, e->value, en->name, en->count);
            return true;
        }
        break;
    }
    case CLERK__K_ARRAY:
        st = ((const clerk__array_t *)slot)->state;
        fix = "CLERK_ARRAY(...) or set state to CLERK_SET";
        break;
    case CLERK__K_MAP:
        st = ((const clerk__map_t *)slot)->state;
        fix = "keys, values and count, or set state to CLERK_SET";
        break;
    default:
        return false;
    }
    if (presence_ok(st, &v)) {
        return false;
    }
    if (fix == NULL) {
        /* The likely slip: the number itself landed in `state`. */
        snprintf(
            made, sizeof(made), "%s(%ld)",
            t->kind == CLERK__K_OPT_INT   ? "CLERK_INT"
            : t->kind == CLERK__K_OPT_NUM ? "CLERK_DOUBLE"
                                          : "CLERK_ENUM",
            v);
        fix = made;
    }
    snprintf(out, out_size, bad, name, v, fix);
    return true;
}

static clerk_presence_t enum_state(const clerk_enum_t *v)
{
    if (v->state == CLERK_UNSET && (v->value != 0 || v->raw != NULL)) {
        return CLERK_SET;
    }
    return v->state;
}

static clerk_status_t encode_item(
    ectx_t *e,
    const clerk__type_t *type,
    const void *slot,
    cJSON **out,
    size_t level);

/* An additional property named `key` would repeat a field of `model`. */
static clerk_status_t extra_names_field(
    ectx_t *e, const clerk__model_t *model, const char *key, size_t level)
{
    size_t i = 0;

    for (i = 0; i < model->field_count; i++) {
        if (strcmp(model->fields[i].name, key) == 0) {
            e->segs[level].name = key;
            return invalid(
                e, level + 1,
                "additional property named like a property of the object");
        }
    }
    return CLERK_OK;
}

static clerk_status_t encode_array(
    ectx_t *e,
    const clerk__type_t *type,
    const clerk__array_t *arr,
    cJSON **out,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *json = NULL;
    cJSON *node = NULL;
    const char *item = arr->items;
    size_t i = 0;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return invalid(e, level, "nesting deeper than the limit");
    }
    if (arr->count > 0 && arr->items == NULL) {
        return invalid(e, level, "array items missing for a non-zero count");
    }
    json = cJSON_CreateArray();
    if (json == NULL) {
        return nomem(e, level);
    }
    e->segs[level].name = NULL;
    for (i = 0; i < arr->count; i++) {
        e->segs[level].index = i;
        st = encode_item(e, type->elem, item, &node, level + 1);
        if (st != CLERK_OK) {
            goto done;
        }
        if (!cJSON_AddItemToArray(json, node)) {
            cJSON_Delete(node);
            st = nomem(e, level);
            goto done;
        }
        item += type->elem->size;
    }
done:
    if (st != CLERK_OK) {
        cJSON_Delete(json);
        json = NULL;
    }
    *out = json;
    return st;
}

/* Encode entry i of `map` (its key in e->segs[level]) as `node`. */
static clerk_status_t encode_entry(
    ectx_t *e,
    const clerk__type_t *elem,
    const clerk__map_t *map,
    size_t i,
    cJSON **node,
    size_t level)
{
    const void *slot = (const char *)map->values + i * elem->size;
    char misuse[192];

    *node = NULL;
    if (map->keys[i] == NULL) {
        return invalid(e, level, "map key is NULL");
    }
    e->segs[level].name = map->keys[i];
    if (clerk__value_misused(
            elem, slot, map->keys[i], misuse, sizeof(misuse))) {
        return invalid(e, level + 1, misuse);
    }
    if (elem->kind == CLERK__K_STR && *(char *const *)slot == NULL &&
        (e->flags & CLERK__ENCODE_ALLOW_MISSING) == 0) {
        return invalid(
            e, level + 1,
            "string value is NULL (the values of this map are not nullable)");
    }
    return encode_item(e, elem, slot, node, level + 1);
}

/* Append the entries of `map` to `obj`; a key that names a field of
 * `model` (additional properties), or repeats an earlier key, is refused. */
static clerk_status_t encode_entries(
    ectx_t *e,
    const clerk__type_t *type,
    const clerk__map_t *map,
    const clerk__model_t *model,
    cJSON *obj,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *node = NULL;
    size_t i = 0;
    size_t dup = 0;
    int oom = 0;

    if (map->count > 0 && (map->keys == NULL || map->values == NULL)) {
        return invalid(
            e, level, "map keys or values missing for a non-zero count");
    }
    for (i = 0; i < map->count; i++) {
        st = encode_entry(e, type->elem, map, i, &node, level);
        if (st != CLERK_OK) {
            return st;
        }
        if (model != NULL &&
            extra_names_field(e, model, map->keys[i], level) != CLERK_OK) {
            cJSON_Delete(node);
            return CLERK_E_INVALID_ARG;
        }
        if (!cJSON_AddItemToObject(obj, map->keys[i], node)) {
            cJSON_Delete(node);
            return nomem(e, level);
        }
    }
    dup = clerk__map_duplicate(map->keys, map->count, &oom);
    if (oom) {
        return nomem(e, level);
    }
    if (dup < map->count) {
        e->segs[level].name = map->keys[dup];
        return invalid(e, level + 1, "key repeated in the map");
    }
    return CLERK_OK;
}

static clerk_status_t encode_map(
    ectx_t *e,
    const clerk__type_t *type,
    const clerk__map_t *map,
    cJSON **out,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *json = NULL;

    *out = NULL;
    if (level + 1 > CLERK__MAX_DEPTH) {
        return invalid(e, level, "nesting deeper than the limit");
    }
    json = cJSON_CreateObject();
    if (json == NULL) {
        return nomem(e, level);
    }
    st = encode_entries(e, type, map, NULL, json, level);
    if (st != CLERK_OK) {
        cJSON_Delete(json);
        return st;
    }
    *out = json;
    return CLERK_OK;
}

/* An array item (or any value whose absence cannot be expressed): states
 * without a value become null. */
static clerk_status_t encode_item(
    ectx_t *e,
    const clerk__type_t *type,
    const void *slot,
    cJSON **out,
    size_t level)
{
    const clerk__array_t *arr = NULL;

    *out = NULL;
    switch (type->kind) {
    case CLERK__K_STR:
        if (*(char *const *)slot == NULL) {
            break;
        }
        return encode_str(e, *(char *const *)slot, out, level);
    case CLERK__K_BOOL:
        return made(e, cJSON_CreateBool(*(const bool *)slot), out, level);
    case CLERK__K_INT:
        return encode_int(e, *(const int64_t *)slot, out, level);
    case CLERK__K_NUM:
        return encode_num(e, *(const double *)slot, out, level);
    case CLERK__K_OPT_STR:
        if (((const clerk_opt_str_t *)slot)->state != CLERK_SET) {
            break;
        }
        if (((const clerk_opt_str_t *)slot)->value == NULL) {
            return invalid(e, level, "string set to NULL");
        }
        return encode_str(
            e, ((const clerk_opt_str_t *)slot)->value, out, level);
    case CLERK__K_OPT_BOOL:
        if (((const clerk_opt_bool_t *)slot)->state != CLERK_SET) {
            break;
        }
        return made(
            e, cJSON_CreateBool(((const clerk_opt_bool_t *)slot)->value), out,
            level);
    case CLERK__K_OPT_INT:
        if (((const clerk_opt_int64_t *)slot)->state != CLERK_SET) {
            break;
        }
        return encode_int(
            e, ((const clerk_opt_int64_t *)slot)->value, out, level);
    case CLERK__K_OPT_NUM:
        if (((const clerk_opt_double_t *)slot)->state != CLERK_SET) {
            break;
        }
        return encode_num(
            e, ((const clerk_opt_double_t *)slot)->value, out, level);
    case CLERK__K_ENUM:
        if (enum_state(slot) != CLERK_SET) {
            break;
        }
        return encode_enum(e, type->enumeration, slot, out, level);
    case CLERK__K_JSON:
        if (*(cJSON *const *)slot == NULL) {
            break;
        }
        return encode_json(e, *(cJSON *const *)slot, out, level);
    case CLERK__K_OBJ:
        if (*(void *const *)slot == NULL) {
            break;
        }
        return encode_model(e, type->model, *(void *const *)slot, out, level);
    case CLERK__K_STRUCT:
        return encode_model(e, type->model, slot, out, level);
    case CLERK__K_ARRAY:
        arr = slot;
        if (arr->state == CLERK_NULL) {
            break;
        }
        return encode_array(e, type, arr, out, level);
    case CLERK__K_MAP:
        if (((const clerk__map_t *)slot)->state == CLERK_NULL) {
            break;
        }
        return encode_map(e, type, slot, out, level);
    case CLERK__K_FILE:
    default:
        return invalid(e, level, "a file cannot be encoded as JSON");
    }
    return made(e, cJSON_CreateNull(), out, level);
}

/* What a field contributes. */
enum { OMIT, EXPLICIT_NULL, VALUE, MISSING };

static int field_presence(
    const clerk__field_t *f, const void *base, const void *slot)
{
    int missing = CLERK__F_ENCODE_REQUIRED(f->flags) ? MISSING : OMIT;
    const clerk__array_t *arr = NULL;
    clerk_presence_t st = CLERK_UNSET;

    switch (f->type->kind) {
    case CLERK__K_STR:
    case CLERK__K_JSON:
        return *(void *const *)slot != NULL ? VALUE : missing;
    case CLERK__K_OBJ:
        if (*(void *const *)slot != NULL) {
            return VALUE;
        }
        if (f->null_offset != 0 &&
            *(const bool *)((const char *)base + f->null_offset)) {
            return EXPLICIT_NULL;
        }
        return missing;
    case CLERK__K_OPT_STR:
        st = ((const clerk_opt_str_t *)slot)->state;
        break;
    case CLERK__K_OPT_BOOL:
        st = ((const clerk_opt_bool_t *)slot)->state;
        break;
    case CLERK__K_OPT_INT:
        st = ((const clerk_opt_int64_t *)slot)->state;
        break;
    case CLERK__K_OPT_NUM:
        st = ((const clerk_opt_double_t *)slot)->state;
        break;
    case CLERK__K_ENUM:
        st = enum_state(slot);
        break;
    case CLERK__K_ARRAY:
        arr = slot;
        st = arr->count > 0 ? CLERK_SET : arr->state;
        break;
    case CLERK__K_MAP:
        st = ((const clerk__map_t *)slot)->count > 0
                 ? CLERK_SET
                 : ((const clerk__map_t *)slot)->state;
        break;
    case CLERK__K_FILE:
        return OMIT;
    default:
        return VALUE;
    }
    if (st == CLERK_UNSET) {
        return missing;
    }
    return st == CLERK_NULL ? EXPLICIT_NULL : VALUE;
}

/* The discriminator property of a union member, with the member's tag. */
static clerk_status_t add_tag(
    ectx_t *e, cJSON *obj, const char *name, const char *value, size_t level)
{
    cJSON *node = cJSON_CreateString(value);

    if (node == NULL || !cJSON_AddItemToObject(obj, name, node)) {
        cJSON_Delete(node);
        return nomem(e, level + 1);
    }
    return CLERK_OK;
}

/* A model's additional properties, after its fields. */
static clerk_status_t encode_extra(
    ectx_t *e,
    const clerk__model_t *model,
    const void *base,
    cJSON *obj,
    size_t level)
{
    const clerk__field_t *x = model->extra;
    const void *slot = (const char *)base + x->offset;
    const cJSON *free_form = NULL;
    const cJSON *child = NULL;
    cJSON *node = NULL;
    clerk_status_t st = CLERK_OK;
    char misuse[192];

    if (x->type->kind == CLERK__K_MAP) {
        if (clerk__value_misused(
                x->type, slot, "additional properties", misuse,
                sizeof(misuse))) {
            return invalid(e, level, misuse);
        }
        return encode_entries(e, x->type, slot, model, obj, level);
    }
    free_form = *(const cJSON *const *)slot;
    if (free_form == NULL) {
        return CLERK_OK;
    }
    if (!cJSON_IsObject(free_form)) {
        return invalid(
            e, level,
            "additional properties: not a JSON object (cJSON_CreateObject())");
    }
    for (child = free_form->child; child != NULL; child = child->next) {
        if (child->string == NULL) {
            return invalid(
                e, level, "additional properties: member without a key");
        }
        st = extra_names_field(e, model, child->string, level);
        if (st != CLERK_OK) {
            return st;
        }
        e->segs[level].name = child->string;
        st = encode_json(e, child, &node, level + 1);
        if (st != CLERK_OK) {
            return st;
        }
        if (!cJSON_AddItemToObject(obj, child->string, node)) {
            cJSON_Delete(node);
            return nomem(e, level + 1);
        }
    }
    return CLERK_OK;
}

static clerk_status_t encode_fields(
    ectx_t *e,
    const clerk__model_t *model,
    const void *base,
    cJSON *obj,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    const clerk__field_t *f = NULL;
    const void *slot = NULL;
    cJSON *node = NULL;
    char misuse[192];
    size_t i = 0;
    int how = 0;
    const char *tag_name = e->tag_name;
    const char *tag_value = e->tag_value;

    /* The tag is for this object only, not for the ones inside it. */
    e->tag_name = NULL;
    e->tag_value = NULL;
    for (i = 0; i < model->field_count; i++) {
        f = &model->fields[i];
        slot = (const char *)base + f->offset;
        how = field_presence(f, base, slot);
        if (tag_name != NULL && strcmp(f->name, tag_name) == 0) {
            if (how == OMIT || how == MISSING) {
                /* Left unset: the member's tag, so that the object
                 * decodes as this member. */
                st = add_tag(e, obj, tag_name, tag_value, level);
                if (st != CLERK_OK) {
                    return st;
                }
                how = OMIT;
            }
            tag_name = NULL;
        }
        if (how == OMIT) {
            continue;
        }
        e->segs[level].name = f->name;
        if (clerk__value_misused(
                f->type, slot, f->name, misuse, sizeof(misuse))) {
            return invalid(e, level + 1, misuse);
        }
        if (how == MISSING) {
            /* A plain pointer field says null by being NULL, but only a
             * nullable one may; tri-state fields must say it explicitly. */
            if ((f->flags & CLERK__F_NULLABLE) == 0 ||
                (f->type->kind != CLERK__K_STR &&
                 f->type->kind != CLERK__K_JSON &&
                 f->type->kind != CLERK__K_OBJ)) {
                if ((e->flags & CLERK__ENCODE_ALLOW_MISSING) != 0) {
                    continue;
                }
                return invalid(e, level + 1, "required field missing");
            }
            how = EXPLICIT_NULL;
        }
        if (how == EXPLICIT_NULL) {
            node = cJSON_CreateNull();
            if (node == NULL) {
                return nomem(e, level + 1);
            }
        } else {
            st = encode_item(e, f->type, slot, &node, level + 1);
            if (st != CLERK_OK) {
                return st;
            }
        }
        if (!cJSON_AddItemToObject(obj, f->name, node)) {
            cJSON_Delete(node);
            return nomem(e, level + 1);
        }
    }
    if (model->extra != NULL) {
        st = encode_extra(e, model, base, obj, level);
        if (st != CLERK_OK) {
            return st;
        }
    }
    if (tag_name != NULL) {
        /* The member does not declare the discriminator: still written. */
        return add_tag(e, obj, tag_name, tag_value, level);
    }
    return CLERK_OK;
}

/* The value of a union member that is no model: written whatever its
 * presence state says (the union's kind says it is set), and only as a
 * value that decodes as this member again. */
static clerk_status_t encode_union_value(
    ectx_t *e,
    const clerk__type_t *type,
    const void *slot,
    cJSON **out,
    size_t level)
{
    clerk_status_t st = CLERK_OK;

    switch (type->kind) {
    case CLERK__K_ENUM:
        return encode_enum(e, type->enumeration, slot, out, level);
    case CLERK__K_ARRAY:
        return encode_array(e, type, slot, out, level);
    case CLERK__K_JSON:
        st = encode_item(e, type, slot, out, level);
        if (st == CLERK_OK && !cJSON_IsObject(*out)) {
            cJSON_Delete(*out);
            *out = NULL;
            return invalid(e, level, "the union member is not a JSON object");
        }
        return st;
    default:
        return encode_item(e, type, slot, out, level);
    }
}

/* A union: the selected member's value (an object member with the tag
 * of its discriminator written when left unset), or the object kept for
 * an unknown tag, as it came. */
static clerk_status_t encode_union(
    ectx_t *e,
    const clerk__model_t *model,
    const void *base,
    cJSON **out,
    size_t level)
{
    const clerk__union_t *u = base;
    const clerk__variant_t *v = NULL;
    const void *slot = &u->value;

    if (u->kind == CLERK__UNION_UNKNOWN && model->discriminator != NULL) {
        if (u->value == NULL) {
            return invalid(e, level, "the unknown union member is NULL");
        }
        return encode_json(e, u->value, out, level);
    }
    if (u->kind < 1 || (size_t)u->kind > model->variant_count) {
        return invalid(e, level, "no member of the union selected");
    }
    v = &model->variants[u->kind - 1];
    switch (v->type->kind) {
    case CLERK__K_OBJ:
    case CLERK__K_STR:
    case CLERK__K_JSON:
        if (u->value == NULL) {
            return invalid(e, level, "the selected union member is NULL");
        }
        break;
    default:
        break;
    }
    if (v->type->kind != CLERK__K_OBJ) {
        /* A value: always written (kind says it is set). */
        return encode_union_value(e, v->type, slot, out, level);
    }
    /* The member's discriminator property says which member it is
     * (except for tests comparing leniently decoded values as they
     * came). */
    if ((e->flags & CLERK__ENCODE_ALLOW_MISSING) == 0 && v->tag != NULL) {
        e->tag_name = model->discriminator;
        e->tag_value = v->tag;
    }
    return encode_model(e, v->type->model, u->value, out, level);
}

static clerk_status_t encode_model(
    ectx_t *e,
    const clerk__model_t *model,
    const void *base,
    cJSON **out,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *obj = NULL;

    *out = NULL;
    if (level + 1 > CLERK__MAX_DEPTH) {
        return invalid(e, level, "nesting deeper than the limit");
    }
    if (model->variant_count > 0) {
        return encode_union(e, model, base, out, level);
    }
    obj = cJSON_CreateObject();
    if (obj == NULL) {
        return nomem(e, level);
    }
    st = encode_fields(e, model, base, obj, level);
    if (st != CLERK_OK) {
        cJSON_Delete(obj);
        return st;
    }
    *out = obj;
    return CLERK_OK;
}

clerk_status_t clerk__encode_root(
    const clerk__type_t *type,
    const void *slot,
    cJSON **out,
    unsigned flags,
    clerk_json_error_t *err)
{
    ectx_t e;

    e.flags = flags;
    e.err = err;
    e.tag_name = NULL;
    e.tag_value = NULL;
    return encode_item(&e, type, slot, out, 0);
}
