/**
 * @file clerk/types.h
 * @brief Value types shared by generated models and requests.
 *
 * Presence: wherever the spec lets a value be absent and null, the three
 * states are told apart by a clerk_presence_t.  In requests, CLERK_UNSET
 * fields are not sent, CLERK_NULL fields are sent as JSON null.  In decoded
 * responses, CLERK_UNSET means the key was absent, CLERK_NULL that it was
 * null.
 *
 * Ownership, one rule for every member, free-form JSON included: a
 * struct's _free() frees everything the struct points at, and a call never
 * frees or keeps anything you pass.  So a decoded model owns all its
 * members (one `clerk_<schema>_free()` releases them); a request or params
 * struct you pass to a call is only read while the call runs (free-form
 * values are copied into the request it sends), so stack structs, string
 * literals, CLERK_JSON() values and your own cJSON trees are fine there,
 * and whatever you allocated is still yours to free after the call.  Free
 * a struct with its _free() only when the library made it (a decoded or
 * parsed value): its blocks come from the library's allocator (a per-thread
 * cache), so a struct, string or cJSON tree you allocated yourself is freed
 * your own way (free(), cJSON_Delete()), never with a _free() function.
 *
 * Free-form values (`cJSON *` fields: metadata and the like) are copied
 * when a request is encoded.  CLERK_JSON("{\"plan\":\"pro\"}") writes
 * one from JSON text in place, clerk_json_parse() makes a cJSON tree from
 * it.  A document may nest at most
 * CJSON_NESTING_LIMIT (1000) arrays and objects, counting the ones around
 * the free-form value, which is as deep as cJSON (and so libclerk's own
 * decoders) reads; a deeper value is refused with CLERK_E_INVALID_ARG and
 * the JSON path of the field, without recursing into it.
 *
 * Numbers: a double is written with the fewest significant digits that
 * read back as exactly the same double (integers below 2^53 as integers;
 * "%.17g" at worst), in queries, paths and JSON bodies alike, whereas
 * cJSON's own printer rounds to 15 digits (so print a model with its
 * `clerk_<schema>_print()` rather than cJSON_Print() of its _to_json() tree
 * when every digit matters).  Non-finite numbers are refused.
 *
 * Locale: nothing libclerk prints or parses depends on setlocale().  While
 * it formats or reads numbers (including through cJSON) it switches the
 * calling thread alone to the "C" locale with uselocale() and then back,
 * so a program running under, say, de_DE.UTF-8 (decimal comma) still
 * sends and reads "1.5".
 *
 * Request text must be well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF): path parameters, query values, the
 * strings and keys of JSON bodies (free-form cJSON values included) and
 * multipart text, file names and content types (which also must not hold
 * control characters).  Anything else is refused with CLERK_E_INVALID_ARG
 * before a byte is sent, and the response's message names the parameter,
 * the multipart field or the JSON path ("request body: string is not valid
 * UTF-8 at $.public_metadata.tags[1]").  Decoded responses keep the bytes
 * the server sent, valid UTF-8 or not.
 */
#ifndef CLERK_TYPES_H
#define CLERK_TYPES_H

#include <clerk/common.h>

#include <cjson/cJSON.h>

CLERK_BEGIN_DECL

/** Whether an optional or nullable value is absent, null or set. */
typedef enum clerk_presence {
    CLERK_UNSET = 0, /**< Absent; not sent in a request. */
    CLERK_NULL = 1,  /**< JSON null. */
    CLERK_SET = 2    /**< The value field holds the value. */
} clerk_presence_t;

/** An optional and/or nullable string. */
typedef struct clerk_opt_str {
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
    char *value; /**< Meaningful when state == CLERK_SET. */
} clerk_opt_str_t;

/** An optional and/or nullable integer (spec integers are int64). */
typedef struct clerk_opt_int64 {
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
    int64_t value; /**< Meaningful when state == CLERK_SET. */
} clerk_opt_int64_t;

/** An optional and/or nullable boolean. */
typedef struct clerk_opt_bool {
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
    bool value; /**< Meaningful when state == CLERK_SET. */
} clerk_opt_bool_t;

/** An optional and/or nullable number. */
typedef struct clerk_opt_double {
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
    double value; /**< Meaningful when state == CLERK_SET. */
} clerk_opt_double_t;

/**
 * A value of a spec enum.
 *
 * Enums are open: `value` is one of the generated CLERK_<ENUM>_<VALUE>
 * constants, or 0 (`..._UNKNOWN`) for a string this version of the library
 * does not know; `raw` then keeps the string.  In decoded models `raw` is
 * always the received string (owned by the model).  In requests set `value`
 * (CLERK_ENUM(CLERK_..)); a non-NULL `raw` is sent instead of `value`.
 */
typedef struct clerk_enum {
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
    int value; /**< A CLERK_<ENUM>_<VALUE> constant, 0: unknown. */
    char *raw; /**< The string as received or to send, or NULL. */
} clerk_enum_t;

/** A file part of a multipart/form-data request body. */
typedef struct clerk_file {
    const char *filename;     /**< Sent as the part's filename; may be NULL. */
    const char *content_type; /**< NULL: application/octet-stream. */
    const void *data;         /**< In-memory content (size bytes), or NULL */
    size_t size;              /**< Bytes at data. */
    const char *path; /**< Read from this file when data is NULL. */
} clerk_file_t;

/*
 * Arrays: { items, count, state }.  In requests an array is sent when count
 * is non-zero or state is CLERK_SET (an explicitly empty array), and null when
 * state is CLERK_NULL.  Generated models add `clerk_<schema>_array_t` with the
 * same shape and items stored by value.
 */

/** An array of strings. */
typedef struct clerk_str_array {
    char **items; /**< The items (count of them). */
    size_t count; /**< Number of items. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_str_array_t;

/** An array of integers. */
typedef struct clerk_int64_array {
    int64_t *items; /**< The items (count of them). */
    size_t count; /**< Number of items. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_int64_array_t;

/** An array of booleans. */
typedef struct clerk_bool_array {
    bool *items; /**< The items (count of them). */
    size_t count; /**< Number of items. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_bool_array_t;

/** An array of numbers. */
typedef struct clerk_double_array {
    double *items; /**< The items (count of them). */
    size_t count; /**< Number of items. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_double_array_t;

/** An array of enum values. */
typedef struct clerk_enum_array {
    clerk_enum_t *items; /**< The items (count of them). */
    size_t count; /**< Number of items. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_enum_array_t;

/** An array of free-form JSON values (each owned by the array's model). */
typedef struct clerk_json_array {
    cJSON **items; /**< The items (count of them). */
    size_t count; /**< Number of items. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_json_array_t;

/*
 * Maps: { keys, values, count, state }, the C form of an object schema
 * with `additionalProperties: <schema>` (a JSON object whose keys are
 * data, e.g. {"email": "mail", "phone": "tel"}).  keys[i] is a key and
 * values[i] its value, for i < count, in the order of the JSON document;
 * a key appears once (when a document repeats one, it keeps its first
 * place and its last value, as for repeated properties).  Values are
 * stored like array items, and a nullable value schema gets the type that
 * says null (clerk_opt_str_t, clerk_opt_int64_t, ...).  Read one:
 *
 *     for (size_t i = 0; i < dir->attribute_mapping.count; i++)
 *         printf("%s -> %s\n", dir->attribute_mapping.keys[i],
 *                dir->attribute_mapping.values[i]);
 *     char **v = clerk_str_map_get(&dir->attribute_mapping, "email");
 *
 * Build one for a request (borrowed, nothing to free):
 *
 *     .attribute_mapping = {
 *         .keys = (char *[]){ "email", "phone" },
 *         .values = (clerk_opt_str_t[]){ CLERK_STR("mail"), CLERK_STR_NULL },
 *         .count = 2,
 *     },
 *
 * In requests a map is sent when count is non-zero or state is CLERK_SET
 * (an explicitly empty map, {}), and null when state is CLERK_NULL; keys
 * must be non-NULL, valid UTF-8 and distinct.  A decoded map is owned by
 * its model (keys, values and the two arrays are freed by the model's
 * _free()).  Generated models add `clerk_<schema>_map_t` (values stored by
 * value) with the same shape and a clerk_<schema>_map_get().
 */

/**
 * Where `key` is among the first `count` keys.
 *
 * @param keys  A map's keys (may be NULL when count is 0).
 * @param count The map's count.
 * @param key   The key to look for (NULL: not found).
 * @return Its index, or `count` when no key equals `key`.
 */
CLERK_EXTERN size_t
clerk_map_find(char *const *keys, size_t count, const char *key);

/**
 * A map of strings (a JSON null value reads as NULL, tolerated unless
 * decoding is strict).
 */
typedef struct clerk_str_map {
    char **keys;   /**< The keys (count of them), document order, unique. */
    char **values; /**< values[i] is the value of keys[i]. */
    size_t count;  /**< Number of keys and values. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_str_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline char **clerk_str_map_get(
    const clerk_str_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of nullable strings (`values[i].state` CLERK_NULL: null). */
typedef struct clerk_opt_str_map {
    char **keys; /**< The keys (count of them), document order, unique. */
    clerk_opt_str_t *values; /**< values[i] is the value of keys[i]. */
    size_t count;            /**< Number of keys and values. */
    clerk_presence_t state;  /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_opt_str_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline clerk_opt_str_t *clerk_opt_str_map_get(
    const clerk_opt_str_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of integers. */
typedef struct clerk_int64_map {
    char **keys;     /**< The keys (count of them), document order, unique. */
    int64_t *values; /**< values[i] is the value of keys[i]. */
    size_t count;    /**< Number of keys and values. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_int64_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline int64_t *clerk_int64_map_get(
    const clerk_int64_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of nullable integers. */
typedef struct clerk_opt_int64_map {
    char **keys; /**< The keys (count of them), document order, unique. */
    clerk_opt_int64_t *values; /**< values[i] is the value of keys[i]. */
    size_t count;              /**< Number of keys and values. */
    clerk_presence_t state;    /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_opt_int64_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline clerk_opt_int64_t *clerk_opt_int64_map_get(
    const clerk_opt_int64_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of booleans. */
typedef struct clerk_bool_map {
    char **keys;  /**< The keys (count of them), document order, unique. */
    bool *values; /**< values[i] is the value of keys[i]. */
    size_t count; /**< Number of keys and values. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_bool_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline bool *clerk_bool_map_get(
    const clerk_bool_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of nullable booleans. */
typedef struct clerk_opt_bool_map {
    char **keys; /**< The keys (count of them), document order, unique. */
    clerk_opt_bool_t *values; /**< values[i] is the value of keys[i]. */
    size_t count;             /**< Number of keys and values. */
    clerk_presence_t state;   /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_opt_bool_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline clerk_opt_bool_t *clerk_opt_bool_map_get(
    const clerk_opt_bool_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of numbers. */
typedef struct clerk_double_map {
    char **keys;    /**< The keys (count of them), document order, unique. */
    double *values; /**< values[i] is the value of keys[i]. */
    size_t count;   /**< Number of keys and values. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_double_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline double *clerk_double_map_get(
    const clerk_double_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of nullable numbers. */
typedef struct clerk_opt_double_map {
    char **keys; /**< The keys (count of them), document order, unique. */
    clerk_opt_double_t *values; /**< values[i] is the value of keys[i]. */
    size_t count;               /**< Number of keys and values. */
    clerk_presence_t state;     /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_opt_double_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline clerk_opt_double_t *clerk_opt_double_map_get(
    const clerk_opt_double_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** A map of enum values. */
typedef struct clerk_enum_map {
    char **keys; /**< The keys (count of them), document order, unique. */
    clerk_enum_t *values;   /**< values[i] is the value of keys[i]. */
    size_t count;           /**< Number of keys and values. */
    clerk_presence_t state; /**< CLERK_UNSET, CLERK_NULL or CLERK_SET. */
} clerk_enum_map_t;

/**
 * The value of `key` in `map`.
 *
 * @param map The map (may be NULL).
 * @param key The key.
 * @return A pointer to the value (owned by the map), or NULL when the map
 *         has no such key.
 */
static inline clerk_enum_t *clerk_enum_map_get(
    const clerk_enum_map_t *map, const char *key)
{
    size_t i = map != NULL ? clerk_map_find(map->keys, map->count, key) : 0;

    return map != NULL && i < map->count ? &map->values[i] : NULL;
}

/** Where and why decoding or encoding a JSON document failed. */
typedef struct clerk_json_error {
    char path[256];   /**< e.g. "$.email_addresses[2].verification.status" */
    char reason[128]; /**< e.g. "expected string, got number" */
} clerk_json_error_t;

/** Flags for `clerk_<schema>_from_json()` and _parse(). */
#define CLERK_DECODE_STRICT 0x1u /**< A missing required field is an error. */

/* Value constructors for designated initializers and compound literals. */
/** A set clerk_opt_str_t holding the string v (borrowed). */
#define CLERK_STR(v)      ((clerk_opt_str_t){ CLERK_SET, (char *)(v) })
/** A set clerk_opt_int64_t holding v. */
#define CLERK_INT(v)      ((clerk_opt_int64_t){ CLERK_SET, (v) })
/** A set clerk_opt_bool_t holding v. */
#define CLERK_BOOL(v)     ((clerk_opt_bool_t){ CLERK_SET, (v) })
/** A set clerk_opt_double_t holding v. */
#define CLERK_DOUBLE(v)   ((clerk_opt_double_t){ CLERK_SET, (v) })
/** A set clerk_enum_t holding the constant v. */
#define CLERK_ENUM(v)     ((clerk_enum_t){ CLERK_SET, (int)(v), NULL })
/** A clerk_opt_str_t sent as an explicit JSON null. */
#define CLERK_STR_NULL    ((clerk_opt_str_t){ CLERK_NULL, NULL })
/** A clerk_opt_int64_t sent as an explicit JSON null. */
#define CLERK_INT_NULL    ((clerk_opt_int64_t){ CLERK_NULL, 0 })
/** A clerk_opt_bool_t sent as an explicit JSON null. */
#define CLERK_BOOL_NULL   ((clerk_opt_bool_t){ CLERK_NULL, false })
/** A clerk_opt_double_t sent as an explicit JSON null. */
#define CLERK_DOUBLE_NULL ((clerk_opt_double_t){ CLERK_NULL, 0 })
/** A clerk_enum_t sent as an explicit JSON null. */
#define CLERK_ENUM_NULL   ((clerk_enum_t){ CLERK_NULL, 0, NULL })
/** An array literal: CLERK_ARRAY(clerk_str_array_t, char *, "a", "b"). */
#define CLERK_ARRAY(type, elem, ...)                                           \
    ((type){ (elem[]){ __VA_ARGS__ },                                          \
             sizeof((elem[]){ __VA_ARGS__ }) / sizeof(elem), CLERK_SET })

/*
 * Reading tri-state values: the value when set, else a fallback (absent and
 * null alike).  Header-only, no symbol is exported.
 */

/**
 * The string when set (and non-NULL), else `fallback`.
 *
 * @param v        The tri-state value.
 * @param fallback What to return when `v` is unset or null.
 * @return `v.value` or `fallback`.
 */
static inline const char *clerk_opt_str_or(
    clerk_opt_str_t v, const char *fallback)
{
    return v.state == CLERK_SET && v.value != NULL ? v.value : fallback;
}

/**
 * The integer when set, else `fallback`.
 *
 * @param v        The tri-state value.
 * @param fallback What to return when `v` is unset or null.
 * @return `v.value` or `fallback`.
 */
static inline int64_t clerk_opt_int64_or(clerk_opt_int64_t v, int64_t fallback)
{
    return v.state == CLERK_SET ? v.value : fallback;
}

/**
 * The boolean when set, else `fallback`.
 *
 * @param v        The tri-state value.
 * @param fallback What to return when `v` is unset or null.
 * @return `v.value` or `fallback`.
 */
static inline bool clerk_opt_bool_or(clerk_opt_bool_t v, bool fallback)
{
    return v.state == CLERK_SET ? v.value : fallback;
}

/**
 * The number when set, else `fallback`.
 *
 * @param v        The tri-state value.
 * @param fallback What to return when `v` is unset or null.
 * @return `v.value` or `fallback`.
 */
static inline double clerk_opt_double_or(clerk_opt_double_t v, double fallback)
{
    return v.state == CLERK_SET ? v.value : fallback;
}

/**
 * A free-form request value written as JSON text, e.g.
 *
 *     clerk_users_update_metadata_request_t req = {
 *         .public_metadata = CLERK_JSON("{\"plan\": \"pro\", \"seats\": 5}"),
 *     };
 *
 * No allocation and nothing to free: it is a cJSON node of type cJSON_Raw
 * in a compound literal (so it lives as long as the enclosing block) that
 * only points at the text.  The call that encodes the request parses the
 * text once, before anything is sent; text that is not one valid JSON
 * value is refused with CLERK_E_INVALID_ARG, the response's message giving
 * the field's JSON path and the offset of the error ("request body:
 * CLERK_JSON text is not valid JSON (error at offset 8) at
 * $.public_metadata").  Only for request structs handed to calls (or to
 * `clerk_<schema>_to_json()` / _print()): never put it in a struct you free
 * with a _free() function, nor pass it to cJSON functions.
 */
#define CLERK_JSON(text)                                                       \
    (&(cJSON){ .type = cJSON_Raw, .valuestring = (char *)(text) })

/**
 * Parse JSON text into a cJSON tree, e.g. for a free-form value you keep or
 * reuse: `cJSON *meta = clerk_json_parse("{\"plan\": \"pro\"}");`.
 *
 * The whole text must be one JSON value (nothing but white space after
 * it), nested at most CJSON_NESTING_LIMIT (1000) deep.  Numbers are read
 * with '.' as the decimal point whatever the locale.
 *
 * @param text NUL-terminated JSON text.
 * @return The tree, owned by the caller: free it with cJSON_Delete() (or
 *         let the _free() of a heap struct that holds it do so).  NULL when
 *         `text` is NULL or not valid JSON (or memory ran out); the calling
 *         thread's clerk_last_error() then says where, e.g.
 *         "clerk_json_parse: not valid JSON: error at offset 8 (line 1,
 *         column 9)", status CLERK_E_INVALID_ARG.
 */
CLERK_EXTERN cJSON *clerk_json_parse(const char *text);

/**
 * Free memory the library returned as a plain buffer (printed JSON strings).
 *
 * @param ptr Memory from a clerk_*_print() call, or NULL.
 */
CLERK_EXTERN void clerk_free(void *ptr);

CLERK_END_DECL

#endif /* CLERK_TYPES_H */
