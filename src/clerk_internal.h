/*
 * The interface between generated code (api/, model/) and the runtime (src/).
 * Not installed, not API.  Cross-file internals are named clerk__<x>.
 *
 * Generated code is table-driven:
 *
 *   model/<schema>.c  defines `const clerk__model_t clerk__<schema>_model`
 *                     (a field table, or a variant table for oneOf/anyOf)
 *                     and `const clerk__type_t clerk__<schema>_type` (a
 *                     pointer-to-model value) plus, only where an array of
 *                     the schema is used, the array type
 *                     `clerk__<schema>_array_type` (items by value).
 *                     Its public functions are one-line calls into the
 *                     codec's entry points (src/codec_entry.c):
 *                     clerk__model_from_json(), clerk__model_parse(), ...
 *
 *   api/<tag>.c       defines per operation a `static const clerk__op_t`
 *                     (method, path template, parameter table, body type,
 *                     result type) and calls clerk__op_plain(),
 *                     clerk__op_status() or clerk__op_detailed() once.
 *
 * The runtime keeps three separate steps per call so that the async flavour
 * (curl multi) can reuse the first and the last unchanged:
 *   1. build:    op + arguments -> clerk__request_t (URL, headers, body)
 *   2. transfer: clerk__request_t -> status, headers, raw body (curl easy)
 *   3. decode:   raw body -> typed result / ClerkErrors via the op's types.
 */
#ifndef CLERK_INTERNAL_H
#define CLERK_INTERNAL_H

#include <clerk/client.h>
#include <clerk/response.h>
#include <clerk/status.h>
#include <clerk/types.h>

#include <stdbool.h>
#include <stddef.h>

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

/* What C value a type descriptor stands for. */
typedef enum clerk__kind {
    CLERK__K_STR = 1,  /* char *            (NULL: absent, or null if the
                                            field is required + nullable) */
    CLERK__K_BOOL,     /* bool                                          */
    CLERK__K_INT,      /* int64_t (checked for exactness and +-2^53)    */
    CLERK__K_NUM,      /* double                                        */
    CLERK__K_OPT_STR,  /* clerk_opt_str_t                               */
    CLERK__K_OPT_BOOL, /* clerk_opt_bool_t                              */
    CLERK__K_OPT_INT,  /* clerk_opt_int64_t                             */
    CLERK__K_OPT_NUM,  /* clerk_opt_double_t                            */
    CLERK__K_ENUM,     /* clerk_enum_t, `enumeration` gives the strings */
    CLERK__K_JSON,     /* cJSON * free-form, owned (null: a cJSON NULL) */
    CLERK__K_OBJ,      /* pointer to a model (`model`)                  */
    CLERK__K_STRUCT,   /* a model stored by value (array items only)    */
    CLERK__K_ARRAY,    /* { items, count, state }, `elem` per item      */
    CLERK__K_FILE,     /* const clerk_file_t * (multipart bodies only)  */
    CLERK__K_MAP       /* { keys, values, count, state }, `elem` per
                          value (additionalProperties with a schema)    */
} clerk__kind_t;

typedef struct clerk__model clerk__model_t;
typedef struct clerk__enum clerk__enum_t;

typedef struct clerk__type {
    clerk__kind_t kind;
    size_t size;                     /* sizeof the C value it describes */
    const clerk__model_t *model;     /* K_OBJ, K_STRUCT */
    const struct clerk__type *elem;  /* K_ARRAY items, K_MAP values */
    const clerk__enum_t *enumeration; /* K_ENUM */
} clerk__type_t;

/* Built-in types (src/codec.c). */
extern const clerk__type_t clerk__type_str, clerk__type_bool, clerk__type_int,
    clerk__type_num, clerk__type_opt_str, clerk__type_opt_bool,
    clerk__type_opt_int, clerk__type_opt_num, clerk__type_json,
    clerk__type_file, clerk__type_str_array, clerk__type_int_array,
    clerk__type_bool_array, clerk__type_num_array, clerk__type_json_array,
    clerk__type_str_map, clerk__type_opt_str_map, clerk__type_int_map,
    clerk__type_opt_int_map, clerk__type_bool_map, clerk__type_opt_bool_map,
    clerk__type_num_map, clerk__type_opt_num_map;

/* A spec enum: values[i] is the wire string of constant i + 1; 0 is
 * ..._UNKNOWN.  Generated as `const clerk__enum_t clerk__<enum>_enum`, with
 * `const clerk__type_t clerk__<enum>_type` (K_ENUM) and, where used,
 * `clerk__<enum>_array_type` (K_ARRAY of K_ENUM, C type clerk_enum_array_t). */
struct clerk__enum {
    const char *name;
    const char *const *values;
    size_t count;
};

/* Field flags. */
#define CLERK__F_REQUIRED 0x1u /* listed in the schema's `required` */
#define CLERK__F_NULLABLE 0x2u /* `nullable: true` */
/* Query arrays only: style form with explode false, i.e. one key whose
 * value is the items joined by ',' (each item percent-encoded, so a ','
 * inside an item stays %2C).  Without it arrays are sent as repeated keys. */
#define CLERK__F_CSV 0x4u
/* Not a query parameter but a header one, sent as `Name: value` (arrays:
 * the items joined by ','), or a cookie one, sent as `name=value` (value
 * percent-encoded) in the one Cookie header.  These rows of the op's
 * `query` table are left out of the URL. */
#define CLERK__F_HEADER 0x8u
#define CLERK__F_COOKIE 0x10u
/* Query objects only (a K_OBJ parameter): style deepObject, each property
 * sent as `name[prop]=value` (a nested object as `name[a][b]=value`, an
 * array as repeated keys), keys percent-encoded like any other.  Without
 * it an object parameter is style form: explode true sends each property
 * as its own key (`prop=value`), CLERK__F_CSV one key holding the
 * properties and values joined by ',' (`name=prop,value,prop2,value2`). */
#define CLERK__F_DEEP 0x100u
/* readOnly: required (with CLERK__F_REQUIRED) only when decoding; encoding
 * (a request) may leave it out.  writeOnly: required only when encoding;
 * decoding (a response) does not expect it. */
#define CLERK__F_READ_ONLY 0x20u
#define CLERK__F_WRITE_ONLY 0x40u
/* Required when decoding / when encoding. */
#define CLERK__F_DECODE_REQUIRED(flags)                                        \
    (((flags) & (CLERK__F_REQUIRED | CLERK__F_WRITE_ONLY)) == CLERK__F_REQUIRED)
#define CLERK__F_ENCODE_REQUIRED(flags)                                        \
    (((flags) & (CLERK__F_REQUIRED | CLERK__F_READ_ONLY)) == CLERK__F_REQUIRED)

/* One property of an object schema, in spec order. */
typedef struct clerk__field {
    const char *name;          /* JSON key */
    size_t offset;             /* offsetof(struct, member) */
    const clerk__type_t *type;
    unsigned flags;
    /* K_OBJ fields that are nullable carry a companion `bool <name>_is_null`
     * member (true: the JSON value is null); its offset, else 0. */
    size_t null_offset;
} clerk__field_t;

/* One member of a oneOf/anyOf.  The C union struct is laid out as
 * `{ <enum> kind; union { T1 *a; char *b; clerk_str_array_t c; ... } as; }`:
 * `kind` and `as` where clerk__union_t has `kind` and `value`; kind == i + 1
 * selects variants[i], whose value (type->size bytes: a model pointer for
 * K_OBJ, else the value itself, as in an array item) is stored at `as`.
 * A union with a discriminator also has the member `cJSON *unknown`:
 * kind CLERK__UNION_UNKNOWN, an object whose discriminator names no
 * member, kept as received (lenient decoding only). */
typedef struct clerk__variant {
    const char *tag;            /* discriminator value, or NULL */
    const clerk__type_t *type;  /* K_OBJ (a model, also a union of
                                   objects), K_STR, K_BOOL, K_INT, K_NUM,
                                   K_ENUM, K_ARRAY or K_JSON (an object) */
} clerk__variant_t;

/* The kind of a union holding an object with an unknown discriminator
 * value (the generated ..._UNKNOWN constant). */
#define CLERK__UNION_UNKNOWN (-1)

typedef struct clerk__union {
    int kind; /* 0: none; CLERK__UNION_UNKNOWN: `value` is a cJSON * */
    void *value; /* the start of `as`: the member's value (may be larger) */
} clerk__union_t;

/* Every C array type (clerk_str_array_t, clerk_<schema>_array_t, ...) has
 * this layout: item pointer, count, presence. */
typedef struct clerk__array {
    void *items;
    size_t count;
    clerk_presence_t state;
} clerk__array_t;

/* The runtime reads every generated union and array through
 * clerk__union_t and clerk__array_t: generated code asserts the layouts
 * (after each union model and each array descriptor), the runtime those of
 * its built-in arrays (src/codec.c).  Needs <stddef.h>. */
#define CLERK__UNION_LAYOUT(T)                                                 \
    _Static_assert(                                                            \
        sizeof(((T *)0)->kind) == sizeof(int) &&                               \
            offsetof(T, kind) == offsetof(clerk__union_t, kind) &&             \
            sizeof(((T *)0)->as) >= sizeof(void *) &&                          \
            offsetof(T, as) == offsetof(clerk__union_t, value),                \
        #T " is laid out as clerk__union_t")
#define CLERK__ARRAY_LAYOUT(T)                                                 \
    _Static_assert(                                                            \
        sizeof(T) == sizeof(clerk__array_t) &&                                 \
            offsetof(T, items) == offsetof(clerk__array_t, items) &&           \
            offsetof(T, count) == offsetof(clerk__array_t, count) &&           \
            offsetof(T, state) == offsetof(clerk__array_t, state),             \
        #T " is laid out as clerk__array_t")

/* Every C map type (clerk_str_map_t, clerk_<schema>_map_t, ...) has this
 * layout: keys (unique, document order), values (values[i] belongs to
 * keys[i], stored like array items), count, presence.  The values of a
 * K_MAP are decoded as a field with flags CLERK__F_NULLABLE would be when
 * their C type holds null explicitly (clerk_opt_*_t, clerk_enum_t, arrays,
 * maps, cJSON *), else as a non-nullable one: a null string value is
 * tolerated (NULL) unless decoding is strict; a null number, boolean or
 * model stored by value is a type error. */
typedef struct clerk__map {
    char **keys;
    void *values;
    size_t count;
    clerk_presence_t state;
} clerk__map_t;

#define CLERK__MAP_LAYOUT(T)                                                   \
    _Static_assert(                                                            \
        sizeof(T) == sizeof(clerk__map_t) &&                                   \
            offsetof(T, keys) == offsetof(clerk__map_t, keys) &&               \
            offsetof(T, values) == offsetof(clerk__map_t, values) &&           \
            offsetof(T, count) == offsetof(clerk__map_t, count) &&             \
            offsetof(T, state) == offsetof(clerk__map_t, state),               \
        #T " is laid out as clerk__map_t")

struct clerk__model {
    const char *name; /* spec name, for messages */
    size_t size;      /* sizeof the C struct */
    const clerk__field_t *fields;
    size_t field_count;
    /* oneOf / anyOf (then field_count == 0): */
    const clerk__variant_t *variants;
    size_t variant_count;
    const char *discriminator; /* property name, or NULL: first that decodes */
    /* An object with both `properties` and `additionalProperties`: where
     * the keys that name no field go (`name` NULL; `offset` of the member;
     * `type` a K_MAP of the additionalProperties schema, or K_JSON for a
     * free-form one, then a cJSON object).  NULL: such keys are ignored. */
    const clerk__field_t *extra;
};

/* ------------------------------------------------------------------ */
/* Codec engine (src/codec_entry.c; internals in codec_internal.h)    */
/* ------------------------------------------------------------------ */

/* Decode flags (public CLERK_DECODE_STRICT is one of them). */
#define CLERK__MAX_DEPTH 64 /* nesting limit for decoded documents */

/* Public per-model functions are one call each to these. */
clerk_status_t clerk__model_from_json(
    const clerk__model_t *model,
    void **out,
    const cJSON *json,
    unsigned flags,
    clerk_json_error_t *error);

clerk_status_t clerk__model_to_json(
    const clerk__model_t *model,
    cJSON **out,
    const void *value,
    clerk_json_error_t *error);

void clerk__model_free(const clerk__model_t *model, void *value);

clerk_status_t clerk__model_parse(
    const clerk__model_t *model,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error);

char *clerk__model_print(const clerk__model_t *model, const void *value);

/* Top-level values of any type (results and bodies).  For K_OBJ the value
 * is the model pointer itself; for every other kind it is a heap block of
 * type->size bytes holding the C value (e.g. a clerk_user_array_t). */
clerk_status_t clerk__value_parse(
    const clerk__type_t *type,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error);

clerk_status_t clerk__value_to_json(
    const clerk__type_t *type,
    cJSON **out,
    const void *value,
    clerk_json_error_t *error);

void clerk__value_free(const clerk__type_t *type, void *value);

/* ------------------------------------------------------------------ */
/* Operations (src/op.c)                                               */
/* ------------------------------------------------------------------ */

/* One query parameter: a member of the op's params struct. */
typedef struct clerk__param {
    const char *name;          /* wire name */
    size_t offset;             /* offsetof(clerk_<op>_params_t, member) */
    const clerk__type_t *type; /* OPT_STR/OPT_INT/OPT_BOOL/OPT_NUM, STR,
                                  ENUM, or ARRAY of those (repeated keys);
                                  query only: OBJ (CLERK__F_DEEP or form) */
    unsigned flags;            /* CLERK__F_REQUIRED, ... */
} clerk__param_t;

typedef enum clerk__body_kind {
    CLERK__BODY_NONE = 0,
    CLERK__BODY_JSON,      /* application/json, encoded from body_type */
    CLERK__BODY_MULTIPART, /* multipart/form-data from a K_OBJ model: text
                              parts for scalars, file parts for K_FILE */
    CLERK__BODY_FORM /* application/x-www-form-urlencoded from a K_OBJ model
                        of scalars, enums and arrays of them (repeated
                        keys), percent-encoded like the query */
} clerk__body_kind_t;

/* One 2xx status of an op whose 2xx responses have different bodies: the
 * body of a reply with this status decodes as `type` into the member at
 * `offset` of the op's result struct. */
typedef struct clerk__op_result {
    long status;
    const clerk__type_t *type;
    size_t offset; /* offsetof(clerk_<op>_result_t, <member>) */
} clerk__op_result_t;

typedef struct clerk__op {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* template: "/users/{user_id}" */
    const char *operation_id;  /* for hooks and messages */
    size_t path_arg_count;     /* number of {..} in path, in order */
    const clerk__param_t *query;
    size_t query_count;
    clerk__body_kind_t body_kind;
    const clerk__type_t *body_type;   /* K_OBJ (or K_ARRAY), or NULL */
    bool body_required;
    const clerk__type_t *result_type; /* 2xx body, or NULL: bodiless */
    /* Takes a `paginated` query parameter and returns an array, which the
     * server may wrap as {"data": [...], "total_count": N}: both shapes
     * are accepted, and the detailed response is
     * `{ <T> *data; clerk_opt_int64_t total_count; clerk_response_t meta; }`
     * (total_count CLERK_SET when the wrapped shape came). */
    bool paginated;
    /* Other 2xx statuses the spec declares without a body (a 202 beside a
     * 201 with the result): such a reply succeeds with data NULL, whatever
     * its body.  0-terminated; NULL when there are none. */
    const long *bodiless_statuses;
    /* Several 2xx with different bodies (then result_type is NULL): the
     * result is the generated struct `clerk_<op>_result_t` of
     * `results_size` bytes, `{ long status; <T> *<member>; ... }`, status
     * first; a reply decodes by the row of its status (a status without a
     * row is CLERK_E_DECODE).  Rows of one body type share a member. */
    const clerk__op_result_t *results;
    size_t result_count;
    size_t results_size;
} clerk__op_t;

/* Whether the op's 2xx replies carry a typed result (result_type or
 * results). */
static inline bool clerk__op_has_result(const clerk__op_t *op)
{
    return op != NULL && (op->result_type != NULL || op->result_count > 0);
}

/* Free a result struct of an op with `results` (NULL-safe): each member
 * with its row's type, then the struct. */
void clerk__op_result_free(const clerk__op_t *op, void *result);

/* Plain flavour: the decoded result (caller frees with its type's _free),
 * or NULL on any failure.  `path_args` has op->path_arg_count entries;
 * `params` points at the op's params struct (may be NULL when no query
 * parameter is required); `body` at its body model (NULL when bodiless). */
void *clerk__op_plain(
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body);

/* Plain flavour of a bodiless operation: the call's status. */
clerk_status_t clerk__op_status(
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body);

/* Detailed flavour.  *out receives a heap block: for ops with a result
 * type, `{ <T> *data; clerk_response_t meta; }` (the generated
 * clerk_<op>_response_t); for bodiless ops a bare clerk_response_t.  *out
 * is set even on failure (NULL only on out-of-memory or out == NULL). */
clerk_status_t clerk__op_detailed(
    void **out,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body);

/* Frees what clerk__op_detailed() returned (NULL-safe). */
void clerk__op_response_free(const clerk__op_t *op, void *response);

/* The layout every generated clerk_<op>_response_t shares. */
typedef struct clerk__typed_response {
    void *data;
    clerk_response_t meta;
} clerk__typed_response_t;

#endif /* CLERK_INTERNAL_H */
