/*
 * Internals of the table-driven JSON codec engine (src/codec*.c).
 * Not installed, not API.  Generated code never includes this header: it
 * only sees the clerk__model_* / clerk__value_* entry points declared in
 * src/clerk_internal.h, so everything here may change without touching
 * api/ or model/.
 *
 * Files, each depending only on those listed before it:
 *   codec.c         the core: built-in type descriptors, the allocator,
 *                   error messages and JSON paths, deep free, and the
 *                   choice of a union member (clerk__union_choose)
 *   codec_print.c   cJSON tree -> JSON text; numbers, locale, depth
 *   codec_encode.c  C structs -> cJSON tree
 *   codec_direct.c  JSON text -> C structs in one pass: the one decoder
 *   codec_entry.c   the entry points (clerk__model_* / clerk__value_*)
 * The tree walker that decoded cJSON trees before is the test oracle now
 * (tests/unit/codec_walk.c): the differential tests and fuzz_codec_direct
 * compare the decoder with it document by document.
 *
 * ------------------------------------------------------------------------
 * Memory: one allocator interface
 * ------------------------------------------------------------------------
 * Every byte the engine hands out (model structs, array item blocks,
 * strings, enum raw strings, free-form cJSON values) is allocated through
 * clerk__alloc_t below and released through clerk__alloc_release().
 *
 * Heap mode (the only mode implemented today): blocks come from the
 * per-thread block cache (alloc_cache.h), which takes them from the cJSON
 * allocator (cJSON_malloc / cJSON_free), so an application's
 * cJSON_InitHooks are followed consistently, and keeps released ones for
 * reuse on threads that make calls.  Each block has a small header in
 * front, so a block cJSON will own and free (a string or key inside a
 * free-form value) comes from clerk__alloc_json_strdup() instead, and
 * strings are never taken out of a cJSON tree.  The nodes of free-form
 * values are plain cJSON blocks too, kept per thread apart from the
 * blocks (clerk__json_node_get(), clerk__json_delete()).  Each string is one block
 * of (at least) its size; each array one block of its item count.
 *
 * Decoding: text (clerk__model_parse, clerk__value_parse) goes through
 * the decoder (codec_direct.c): no cJSON tree is built for modelled
 * values; strings are decoded straight into their blocks; free-form values
 * are built as cJSON trees from their span.  A cJSON tree
 * (clerk__model_from_json, a rare path: webhooks, applications) is printed
 * and the text decoded, so that decoding exists once.
 *
 * Arena mode (designed, not implemented): `arena` non-NULL makes
 * clerk__alloc_zeroed() / clerk__alloc_raw() / clerk__alloc_strdup() carve
 * blocks out of large chunks owned by the arena and clerk__alloc_release()
 * a no-op (free-form values stay cJSON trees on the heap).  The
 * top-level block of a decoded value is allocated with a small header
 * (clerk__block_hdr_t) in front of it in *both* modes; clerk__model_free()
 * and clerk__value_free() read that header of the top-level pointer only:
 * heap -> deep free as today, arena -> free the chunk list in one go.
 * Generated code does not change: it keeps calling clerk__model_free().
 * (Today the header is not allocated: nested pointers may therefore be
 * moved out of a decoded model and freed on their own, which an arena
 * would forbid; the response ownership rule 3 already does.)
 */
#ifndef CLERK_CODEC_INTERNAL_H
#define CLERK_CODEC_INTERNAL_H

#include "clerk_internal.h"

#include <locale.h>
#include <stdarg.h>

/* ---------------------------------------------------------------------- */
/* Allocator                                                              */
/* ---------------------------------------------------------------------- */

typedef struct clerk__arena clerk__arena_t; /* reserved for arena mode */

typedef struct clerk__alloc {
    clerk__arena_t *arena; /* NULL: heap (cJSON allocator) */
} clerk__alloc_t;

/* The heap allocator every entry point uses today. */
extern clerk__alloc_t clerk__alloc_heap;

/* `size` zero-filled bytes, or NULL (size 0 gives a valid 1-byte block). */
void *clerk__alloc_zeroed(clerk__alloc_t *a, size_t size);

/* `size` uninitialised bytes, or NULL (size 0 gives a valid 1-byte block). */
void *clerk__alloc_raw(clerk__alloc_t *a, size_t size);

/* A NUL-terminated copy of the `len` bytes at `s`, or NULL. */
char *clerk__alloc_strdup(clerk__alloc_t *a, const char *s, size_t len);

/* Release a block from this allocator (NULL-safe). */
void clerk__alloc_release(clerk__alloc_t *a, void *p);

/* A NUL-terminated copy of the `len` bytes at `s` for cJSON to own (the
 * string or key of a free-form value, freed by cJSON_Delete()): a plain
 * cJSON_malloc() block, never released with clerk__alloc_release(). */
char *clerk__alloc_json_strdup(const char *s, size_t len);

/* ---------------------------------------------------------------------- */
/* JSON paths                                                             */
/* ---------------------------------------------------------------------- */

/* One step of a path: `.name` when name != NULL, else `[index]`.  Paths
 * are recorded as these cheap steps while walking and turned into text
 * only when an error is reported. */
typedef struct clerk__seg {
    const char *name;
    size_t index;
} clerk__seg_t;

/* Path steps never exceed the nesting limit (+1 for a scalar leaf). */
#define CLERK__MAX_SEGS (CLERK__MAX_DEPTH + 2)

/* Fill err->path from the first `level` steps and err->reason from the
 * format.  err may be NULL (then nothing happens). */
void clerk__json_error_set(
    clerk_json_error_t *err,
    const clerk__seg_t *segs,
    size_t level,
    const char *fmt,
    ...);

/* clerk__json_error_set() with a va_list; the reason is formatted before
 * err is written, so the arguments may point into *err. */
void clerk__json_error_vset(
    clerk_json_error_t *err,
    const clerk__seg_t *segs,
    size_t level,
    const char *fmt,
    va_list ap);

/* "string", "number", ... for messages. */
const char *clerk__json_type_name(const cJSON *item);

/* ---------------------------------------------------------------------- */
/* Engine internals shared by the codec files                             */
/* ---------------------------------------------------------------------- */

/* Decode the JSON text json[0..len) as `type` into the zeroed `slot`,
 * accepting exactly what cJSON_ParseWithLengthOpts() accepts (plus the
 * trailing-data check of clerk__value_parse), in one pass with no cJSON
 * tree for modelled values (src/codec_direct.c, the one decoder).  On
 * failure the slot may hold partial data that clerk__free_value()
 * releases; err (may be NULL) receives path + reason. */
clerk_status_t clerk__decode_text(
    const clerk__type_t *type,
    void *slot,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *err);

/* Encode flags. */
/* Omit missing required fields instead of failing, and leave an unset
 * discriminator unset: for tests that compare a leniently decoded value
 * with its input.  Never for requests, nor for _print (which agrees with
 * _to_json). */
#define CLERK__ENCODE_ALLOW_MISSING 0x1u

/* Encode the C value in `slot` (type->size bytes; for K_OBJ a `void *`). */
clerk_status_t clerk__encode_root(
    const clerk__type_t *type,
    const void *slot,
    cJSON **out,
    unsigned flags,
    clerk_json_error_t *err);

/* Release everything `slot` owns (not the slot itself). */
void clerk__free_value(const clerk__type_t *type, void *slot);

/* Request values the caller got wrong in a way the compiler lets through
 * (src/codec_encode.c).  `.limit = 10` on a clerk_opt_int64_t compiles
 * (a missing-braces warning at most) and puts 10 in `state`; an enum can
 * hold a value past its constants.  Returns false when the value of type
 * `t` at `slot` is fine, else true with `out` holding "<name>: <what is
 * wrong>; write <the fix>" (e.g. "limit: state is 10, not CLERK_UNSET,
 * CLERK_NULL or CLERK_SET; write CLERK_INT(10)"). */
bool clerk__value_misused(
    const clerk__type_t *t,
    const void *slot,
    const char *name,
    char *out,
    size_t out_size);

/* Maps (src/codec.c).  The field flags a map value is decoded with:
 * CLERK__F_NULLABLE when its C type says null explicitly (see
 * clerk__map_t in clerk_internal.h), else 0. */
unsigned clerk__map_value_flags(const clerk__type_t *elem);

/* Release the keys and values of the first `count`
 * entries of a map's arrays (not the arrays). */
void clerk__map_drop(
    const clerk__type_t *elem,
    char **keys,
    unsigned char *values,
    size_t count);

/* Release everything the map in `slot` owns and empty it. */
void clerk__map_free(const clerk__type_t *type, void *slot);

/* Apply the duplicate-key rule to the `*count` entries just decoded (keys
 * non-NULL): a repeated key keeps its first place and its last value; the
 * other entries are released and the rest moved up, in order.  *count is
 * the new count.  CLERK_E_NOMEM leaves everything as it was. */
clerk_status_t clerk__map_dedup(
    const clerk__type_t *elem,
    char **keys,
    unsigned char *values,
    size_t *count);

/* The index of the first key (non-NULL keys) that repeats an earlier one,
 * or `count` when all differ (or memory ran out: *nomem set). */
size_t clerk__map_duplicate(char *const *keys, size_t count, int *nomem);

/* Release everything a model struct owns (not the struct itself). */
void clerk__free_model_fields(const clerk__model_t *model, void *base);

/* ---------------------------------------------------------------------- */
/* Numbers, locale, depth and printing (codec_print.c)                    */
/* ---------------------------------------------------------------------- */

/* The thread's locale, saved while the "C" locale is in force. */
typedef struct clerk__locale {
    locale_t old; /* (locale_t)0: nothing was switched */
} clerk__locale_t;

/* Put the calling thread in the "C" locale until clerk__c_locale_end(),
 * so printf/strtod (and cJSON, which uses them) read and write '.' as the
 * decimal point whatever setlocale() the program called.  Brackets nest
 * only if each is ended before its enclosing one. */
void clerk__c_locale_begin(clerk__locale_t *saved);
void clerk__c_locale_end(const clerk__locale_t *saved);

/* The shortest text of a finite double that reads back exactly: an
 * integer below 2^53 as such ("-0" for negative zero), else "%.<p>g" with
 * the fewest significant digits p (17 at most) that read back as the same
 * double; locale-independent.  `size` >= 32. */
void clerk__format_double(double v, char *out, size_t size);

/* The container nesting of `root` (a scalar is 0, "[]" is 1), or the first
 * value above `limit` (at most CJSON_NESTING_LIMIT) once it is exceeded;
 * iterative, so any depth is safe to measure. */
size_t clerk__json_depth(const cJSON *root, size_t limit);

/* Parse a whole NUL-terminated JSON text in the "C" locale;
 * NULL when it is not JSON (or memory ran out), *error_at then the byte
 * offset where reading stopped. */
cJSON *clerk__json_parse_text(const char *text, size_t *error_at);

/* `root` as unformatted JSON text (cJSON's escapes, clerk__format_double
 * numbers), allocated with cJSON_malloc; *len (may be NULL) its length.
 * CLERK_E_INVALID_ARG for a tree nested deeper than CJSON_NESTING_LIMIT or
 * holding an invalid node, CLERK_E_NOMEM.  Iterative. */
clerk_status_t clerk__json_print(const cJSON *root, char **text, size_t *len);

/* clerk__json_print() with flags: CLERK__PRINT_EXACT_INF writes infinities
 * as 1e999 / -1e999 (which strtod, and so cJSON's parser and the decoder,
 * read back as infinities) instead of null; clerk__model_from_json() prints
 * trees with it. */
#define CLERK__PRINT_EXACT_INF 0x1u
clerk_status_t clerk__json_print_ex(
    const cJSON *root, char **text, size_t *len, unsigned flags);

/* ---------------------------------------------------------------------- */
/* Unions without a usable discriminator (decoder and test oracle)       */
/* ---------------------------------------------------------------------- */

/* The JSON object being decoded as a union, as the decoder sees it, and
 * how to decode it as one of the members. */
typedef struct clerk__union_obj {
    const void *obj; /* the decoder's view of the object */
    void *ctx;       /* the decoder's state, for try_member / no_member */
    /* Whether the object has a member named `key`. */
    int (*has)(const void *obj, const char *key);
    /* Call fn() for each member of the object, in document order, whose
     * key names a field of `model`: with that field, and the member's
     * value if it is a string (else NULL). */
    void (*each_field)(
        const void *obj,
        const clerk__model_t *model,
        void (*fn)(void *arg, const clerk__field_t *f, const char *str),
        void *arg);
    /* Decode member i into `u` (setting u->kind): strict != 0 with
     * CLERK_DECODE_STRICT and unknown enum values failing, else with the
     * flags the caller asked for.  Partial data is left in `u`. */
    clerk_status_t (*try_member)(
        void *ctx, size_t i, int strict, clerk__union_t *u);
    /* Report that the object matches no member; returns the status. */
    clerk_status_t (*no_member)(void *ctx);
} clerk__union_obj_t;

/* Decode the object as the member the rules choose among the members that
 * are models (K_OBJ; other members are skipped): the first that
 * decodes strictly (all required fields present, only known enum values,
 * in nested models too); failing that, without CLERK_DECODE_STRICT in
 * `flags`, the first that decodes among those missing the fewest required
 * fields at the top; with it, the error of the member the object comes
 * closest to (fewest missing required fields, then fewest unknown enum
 * values, then most known keys), or no_member() if that one decodes.
 * A failure leaves `u` empty, except CLERK_E_NOMEM from a member tried
 * first or leniently, which leaves its partial data for the caller's
 * cleanup (as the discriminated path does). */
clerk_status_t clerk__union_choose(
    const clerk__model_t *model,
    const clerk__union_obj_t *obj,
    unsigned flags,
    clerk__union_t *u);

/* Release the member held by `u` (a model, a value, or the raw JSON of
 * an unknown discriminator) and empty it. */
void clerk__union_drop(const clerk__model_t *model, clerk__union_t *u);

/* ---------------------------------------------------------------------- */
/* Unions with members of other JSON types than objects                   */
/* ---------------------------------------------------------------------- */

/* A JSON value's type, as a union member takes it. */
#define CLERK__JT_STRING 0x1u
#define CLERK__JT_NUMBER 0x2u
#define CLERK__JT_BOOL   0x4u
#define CLERK__JT_ARRAY  0x8u
#define CLERK__JT_OBJECT 0x10u

/* The JSON type a member of type `t` takes: K_STR/K_ENUM strings,
 * K_INT/K_NUM numbers, K_BOOL booleans, K_ARRAY arrays, anything else
 * (K_OBJ models, K_JSON free-form objects) objects. */
unsigned clerk__variant_jtype(const clerk__type_t *t);

/* How many members of `model` take JSON type `jt`; *first the first. */
size_t clerk__union_candidates(
    const clerk__model_t *model, unsigned jt, size_t *first);

/* "object or string or array": the JSON types the union's members take,
 * in member order, for "expected ..." messages. */
void clerk__union_expected(const clerk__model_t *model, char *out, size_t size);

/* Decode a value of JSON type `jt` that several members take (none of
 * them models: objects go through clerk__union_choose()) as the first
 * that decodes exactly (strict, only known enum values), else the first
 * that decodes with the caller's flags, else fail with the first one's
 * error.  Only obj->ctx and obj->try_member are used.  A failure leaves
 * `u` empty, except CLERK_E_NOMEM (partial data for the caller). */
clerk_status_t clerk__union_first_of_type(
    const clerk__model_t *model,
    unsigned jt,
    const clerk__union_obj_t *obj,
    clerk__union_t *u);

#endif /* CLERK_CODEC_INTERNAL_H */
