/*
 * The fixture's generated code (tests/generator/golden), compiled with the
 * runtime and run: the constructs of issue 14 decode, encode and round-trip,
 * _print agrees with _to_json on every fixture model (samples from
 * tests/model/gen_samples.py), and the "Edge" operations send their
 * header, cookie, query (object ones too) parameters and form-urlencoded
 * bodies to the fault server on 127.0.0.1, which checks them byte for
 * byte, and decode each 2xx by its status (one result struct when their
 * bodies differ).
 */
#include <clerk/api/edge.h>
#include <clerk/async.h>
#include <clerk/model/animal.h>
#include <clerk/model/inventory.h>
#include <clerk/model/labelled.h>
#include <clerk/model/memo.h>
#include <clerk/model/nullables.h>
#include <clerk/model/order.h>
#include <clerk/model/pet_kind.h>
#include <clerk/model/tagged.h>
#include <clerk/model/tally.h>
#include <clerk/model/token.h>
#include <clerk/model/values.h>
#include <clerk/version.h>

#include "codec_diff.h"
#include "fault.h"
#include "internal/descriptors.h"
#include "model_samples.h"
#include "print_diff.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Print, parse the text again, print again: the same text. */
#define ROUND_TRIP(tag, value)                                                 \
    do {                                                                       \
        char *first_ = tag##_print(value);                                     \
        tag##_t *again_ = NULL;                                                \
        char *second_;                                                         \
        assert_non_null(first_);                                               \
        assert_int_equal(                                                      \
            tag##_parse(                                                       \
                &again_, first_, strlen(first_), CLERK_DECODE_STRICT, NULL),   \
            CLERK_OK);                                                         \
        second_ = tag##_print(again_);                                         \
        assert_non_null(second_);                                              \
        assert_string_equal(first_, second_);                                  \
        clerk_free(first_);                                                    \
        clerk_free(second_);                                                   \
        tag##_free(again_);                                                    \
    } while (0)

static const char ORDER_JSON[] =
    "{\"id\":\"o1\",\"secret\":\"s\",\"amount\":5,\"quantity\":2,"
    "\"kind\":\"cat\",\"owner\":null,\"status\":\"open\",\"note\":\"n\","
    "\"scores\":{\"math\":3},\"names\":[\"x\",\"y\"],"
    "\"price\":{\"currency\":\"EUR\",\"cents\":100}}";

/* allOf with annotation-only members is the referenced type; const is a
 * one-value enum; a relative external $ref is a model like any other. */
static void order_types(void **state)
{
    clerk_order_t *o = NULL;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_order_parse(
            &o, ORDER_JSON, strlen(ORDER_JSON), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_int_equal(o->amount.state, CLERK_SET); /* Money: an integer */
    assert_int_equal(o->amount.value, 5);
    assert_int_equal(o->quantity.value, 2);
    assert_int_equal(o->kind.value, CLERK_PET_KIND_CAT);
    assert_null(o->owner);
    assert_true(o->owner_is_null); /* allOf [Owner, {nullable: true}] */
    assert_int_equal(o->status.value, CLERK_ORDER_STATUS_OPEN);
    assert_non_null(o->price);
    assert_string_equal(o->price->currency, "EUR");
    assert_int_equal(o->price->cents.value, 100);
    /* string | array of string: typed by the value's JSON type. */
    assert_non_null(o->names);
    assert_int_equal(o->names->kind, CLERK_ORDER_NAMES_STRING_ARRAY);
    assert_int_equal(o->names->as.string_array.count, 2);
    assert_string_equal(o->names->as.string_array.items[1], "y");
    assert_int_equal(o->scores.count, 1); /* a typed map */
    assert_int_equal(o->scores.values[0], 3);
    text = clerk_order_print(o);
    assert_string_equal(text, ORDER_JSON);
    clerk_free(text);
    ROUND_TRIP(clerk_order, o);
    clerk_order_free(o);
}

/* readOnly `id` is required in responses only, writeOnly `secret` in
 * requests only. */
static void order_read_write_only(void **state)
{
    static const char no_secret[] =
        "{\"id\":\"o1\",\"amount\":1,\"status\":\"open\"}";
    static const char no_id[] =
        "{\"secret\":\"s\",\"amount\":1,\"status\":\"open\"}";
    clerk_order_t *o = NULL;
    clerk_json_error_t err;
    cJSON *json = NULL;

    (void)state;
    assert_int_equal(
        clerk_order_parse(
            &o, no_secret, strlen(no_secret), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    /* ... but encoding it (a request) needs the secret. */
    assert_int_equal(clerk_order_to_json(&json, o, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.secret");
    clerk_order_free(o);
    o = NULL;
    assert_int_equal(
        clerk_order_parse(&o, no_id, strlen(no_id), CLERK_DECODE_STRICT, &err),
        CLERK_E_DECODE);
    assert_string_equal(err.path, "$.id");
    assert_null(o);
    /* Lenient decoding keeps it; encoding does not need the id. */
    assert_int_equal(
        clerk_order_parse(&o, no_id, strlen(no_id), 0, NULL), CLERK_OK);
    assert_int_equal(clerk_order_to_json(&json, o, NULL), CLERK_OK);
    assert_null(cJSON_GetObjectItemCaseSensitive(json, "id"));
    cJSON_Delete(json);
    clerk_order_free(o);
}

/* OpenAPI 3.1: type [T, "null"], oneOf [X, {type: null}], enum with null,
 * const. */
static void nullables_31(void **state)
{
    static const char in[] =
        "{\"text\":null,\"count\":3,\"ratio\":null,\"flag\":true,"
        "\"owner\":null,\"level\":null,\"fixed\":\"v1\",\"tags\":null}";
    clerk_nullables_t *n = NULL;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_nullables_parse(&n, in, strlen(in), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_int_equal(n->text.state, CLERK_NULL);
    assert_int_equal(n->count.state, CLERK_SET);
    assert_int_equal(n->count.value, 3);
    assert_int_equal(n->ratio.state, CLERK_NULL);
    assert_int_equal(n->flag.value, true);
    assert_true(n->owner_is_null);
    assert_int_equal(n->level.state, CLERK_NULL);
    assert_int_equal(n->fixed.value, CLERK_NULLABLES_FIXED_V1);
    assert_int_equal(n->tags.state, CLERK_NULL);
    text = clerk_nullables_print(n);
    assert_string_equal(text, in);
    clerk_free(text);
    ROUND_TRIP(clerk_nullables, n);
    clerk_nullables_free(n);
}

/* Properties beside a discriminated oneOf belong to every member. */
static void union_keeps_both_sides(void **state)
{
    static const char in[] = "{\"label\":\"L\",\"shape\":\"circle\","
                             "\"radius\":2}";
    static const char labelled[] = "{\"title\":\"t\",\"shape\":\"square\","
                                   "\"side\":3}";
    clerk_tagged_t *t = NULL;
    clerk_labelled_t *l = NULL;
    clerk_json_error_t err;
    clerk_enum_t shape;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_tagged_parse(&t, in, strlen(in), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_int_equal(t->kind, CLERK_TAGGED_CIRCLE2);
    assert_string_equal(t->as.circle2->label, "L");
    assert_int_equal((int)t->as.circle2->radius.value, 2);
    text = clerk_tagged_print(t);
    assert_string_equal(text, in);
    clerk_free(text);
    ROUND_TRIP(clerk_tagged, t);
    /* The discriminator left unset is written from the member chosen, in
     * its place, by _to_json (and request bodies) and _print alike.
     * (Taken out, then put back for its _free, like the label below.) */
    shape = t->as.circle2->shape;
    memset(&t->as.circle2->shape, 0, sizeof(t->as.circle2->shape));
    text = clerk_tagged_print(t);
    assert_string_equal(text, in);
    clerk_free(text);
    {
        cJSON *json = NULL;
        char *again;

        assert_int_equal(clerk_tagged_to_json(&json, t, &err), CLERK_OK);
        again = cJSON_PrintUnformatted(json);
        assert_string_equal(again, in);
        cJSON_free(again);
        cJSON_Delete(json);
    }
    t->as.circle2->shape = shape;
    /* The base's required property is required in each member.  (The
     * string belongs to the decoded value: taken out, then put back for
     * its _free.) */
    text = t->as.circle2->label;
    t->as.circle2->label = NULL;
    {
        cJSON *json = NULL;

        assert_int_equal(
            clerk_tagged_to_json(&json, t, &err), CLERK_E_INVALID_ARG);
        assert_null(json);
        assert_string_equal(err.path, "$.label");
        /* _print makes the same check. */
        assert_null(clerk_tagged_print(t));
    }
    t->as.circle2->label = text;
    clerk_tagged_free(t);
    t = NULL;
    assert_int_equal(
        clerk_tagged_parse(
            &t, "{\"shape\":\"circle\",\"radius\":2}", 29, CLERK_DECODE_STRICT,
            &err),
        CLERK_E_DECODE);
    assert_null(t);

    assert_int_equal(
        clerk_labelled_parse(
            &l, labelled, strlen(labelled), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_int_equal(l->kind, CLERK_LABELLED_SQUARE2);
    assert_string_equal(l->as.square2->title, "t");
    assert_int_equal((int)l->as.square2->side.value, 3);
    ROUND_TRIP(clerk_labelled, l);
    clerk_labelled_free(l);
}

/* ---------------------------------------------------------------------- */
/* Typed maps (additionalProperties with a schema)                         */
/* ---------------------------------------------------------------------- */

/* The fixture's descriptors (model/internal/descriptors.h is not staged). */
extern const clerk__type_t clerk__inventory_type, clerk__tally_type,
    clerk__memo_type;

static const char INVENTORY_JSON[] =
    "{\"counts\":{\"math\":3,\"art\":-1},"
    "\"photos\":{\"a\":{\"url\":\"u1\"},\"b\":{}},"
    "\"nicknames\":{\"rex\":\"R\",\"tom\":null},"
    "\"kinds\":{\"x\":\"cat\",\"y\":\"zebra\"},"
    "\"weights\":{},"
    "\"history\":[{\"a\":1},{}],"
    "\"tags\":{\"t\":[\"p\",\"q\"]},"
    "\"labels\":{\"en\":\"hello\"},"
    "\"loose\":{\"any\":[1,{\"x\":null}]}}";

/* The decoder and the test oracle agree on `json` as `type`, leniently
 * and strictly (status, error, value, re-encoding). */
static void agree_both_ways(const clerk__type_t *type, const char *json)
{
    char why[512];

    if (!codec_diff(type, json, strlen(json), 0, why, sizeof(why)) ||
        !codec_diff(
            type, json, strlen(json), CLERK_DECODE_STRICT, why, sizeof(why))) {
        fail_msg("%s: %s", json, why);
    }
}

/* Every kind of map value decodes typed, in document order, and prints
 * back to the same text. */
static void maps_typed(void **state)
{
    clerk_inventory_t *inv = NULL;
    cJSON *json = NULL;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_inventory_parse(
            &inv, INVENTORY_JSON, strlen(INVENTORY_JSON), CLERK_DECODE_STRICT,
            NULL),
        CLERK_OK);
    /* map of integers */
    assert_int_equal(inv->counts.state, CLERK_SET);
    assert_int_equal(inv->counts.count, 2);
    assert_string_equal(inv->counts.keys[0], "math");
    assert_string_equal(inv->counts.keys[1], "art");
    assert_int_equal(inv->counts.values[0], 3);
    assert_int_equal(inv->counts.values[1], -1);
    assert_int_equal(*clerk_int64_map_get(&inv->counts, "art"), -1);
    assert_null(clerk_int64_map_get(&inv->counts, "music"));
    assert_null(clerk_int64_map_get(NULL, "art"));
    /* map of $ref models, stored by value */
    assert_int_equal(inv->photos.count, 2);
    assert_string_equal(inv->photos.values[0].url, "u1");
    assert_null(clerk_photo_map_get(&inv->photos, "b")->url);
    /* map of nullable strings */
    assert_int_equal(inv->nicknames.values[0].state, CLERK_SET);
    assert_string_equal(inv->nicknames.values[0].value, "R");
    assert_int_equal(inv->nicknames.values[1].state, CLERK_NULL);
    /* map of enum values: unknown ones kept */
    assert_int_equal(inv->kinds.values[0].value, CLERK_PET_KIND_CAT);
    assert_int_equal(inv->kinds.values[1].value, CLERK_PET_KIND_UNKNOWN);
    assert_string_equal(inv->kinds.values[1].raw, "zebra");
    /* an empty map is set, with nothing in it */
    assert_int_equal(inv->weights.state, CLERK_SET);
    assert_int_equal(inv->weights.count, 0);
    /* maps inside an array */
    assert_int_equal(inv->history.count, 2);
    assert_int_equal(inv->history.items[0].count, 1);
    assert_string_equal(inv->history.items[0].keys[0], "a");
    assert_int_equal(inv->history.items[0].values[0], 1);
    assert_int_equal(inv->history.items[1].state, CLERK_SET);
    assert_int_equal(inv->history.items[1].count, 0);
    /* a map of arrays; a component map ($ref); free-form values */
    assert_string_equal(inv->tags.values[0].items[1], "q");
    assert_string_equal(*clerk_str_map_get(&inv->labels, "en"), "hello");
    assert_true(cJSON_IsObject(inv->loose));
    text = clerk_inventory_print(inv);
    assert_string_equal(text, INVENTORY_JSON);
    clerk_free(text);
    assert_int_equal(clerk_inventory_to_json(&json, inv, NULL), CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(text, INVENTORY_JSON);
    cJSON_free(text);
    cJSON_Delete(json);
    ROUND_TRIP(clerk_inventory, inv);
    clerk_inventory_free(inv);
    agree_both_ways(&clerk__inventory_type, INVENTORY_JSON);
}

/* A value of the wrong type is a decode error with its JSON path, in the
 * lenient mode too; null is tolerated only leniently where the value type
 * is not nullable; repeated keys keep their first place, last value. */
static void maps_checked(void **state)
{
    static const char *const bad[][3] = {
        { "{\"counts\":{\"math\":\"not-an-int\"}}", "$.counts.math",
          "expected integer, got string" },
        { "{\"counts\":{\"a\":1.5}}", "$.counts.a",
          "expected integer, got a fraction" },
        { "{\"counts\":[]}", "$.counts", "expected object, got array" },
        { "{\"photos\":{\"p\":{\"url\":7}}}", "$.photos.p.url",
          "expected string, got number" },
        { "{\"counts\":{},\"history\":[{},{\"z\":true}]}", "$.history[1].z",
          "expected integer, got boolean" },
        { "{\"counts\":{},\"kinds\":{\"k\":1}}", "$.kinds.k",
          "expected string, got number" },
        { "{\"counts\":{},\"counts\":{\"n\":null}}", "$.counts.n",
          "expected integer, got null" },
    };
    static const char dup[] = "{\"counts\":{\"a\":1,\"b\":2,\"a\":3,\"a\":4}}";
    static const char null_label[] = "{\"counts\":{},\"labels\":{\"k\":null}}";
    clerk_inventory_t *inv = NULL;
    clerk_json_error_t err;
    char *text;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            clerk_inventory_parse(&inv, bad[i][0], strlen(bad[i][0]), 0, &err),
            CLERK_E_DECODE);
        assert_null(inv);
        assert_string_equal(err.path, bad[i][1]);
        assert_string_equal(err.reason, bad[i][2]);
        agree_both_ways(&clerk__inventory_type, bad[i][0]);
    }
    assert_int_equal(
        clerk_inventory_parse(
            &inv, dup, strlen(dup), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_int_equal(inv->counts.count, 2);
    assert_string_equal(inv->counts.keys[0], "a");
    assert_int_equal(inv->counts.values[0], 4);
    assert_string_equal(inv->counts.keys[1], "b");
    text = clerk_inventory_print(inv);
    assert_string_equal(text, "{\"counts\":{\"a\":4,\"b\":2}}");
    clerk_free(text);
    clerk_inventory_free(inv);
    inv = NULL;
    agree_both_ways(&clerk__inventory_type, dup);
    /* labels are not nullable strings */
    assert_int_equal(
        clerk_inventory_parse(
            &inv, null_label, strlen(null_label), CLERK_DECODE_STRICT, &err),
        CLERK_E_DECODE);
    assert_string_equal(err.path, "$.labels.k");
    assert_string_equal(err.reason, "null for a non-nullable field");
    assert_int_equal(
        clerk_inventory_parse(&inv, null_label, strlen(null_label), 0, NULL),
        CLERK_OK);
    assert_null(inv->labels.values[0]);
    clerk_inventory_free(inv);
    agree_both_ways(&clerk__inventory_type, null_label);
}

/* Encoding checks the values and keys of a map the caller built. */
static void maps_encode_checked(void **state)
{
    clerk_inventory_t inv;
    clerk_tally_t tally;
    clerk_json_error_t err;
    cJSON *json = NULL;
    char *text;

    (void)state;
    memset(&inv, 0, sizeof(inv));
    inv.counts =
        (clerk_int64_map_t){ (char *[]){ "x", "y" },
                             (int64_t[]){ 1, INT64_C(1) << 60 }, 2, CLERK_SET };
    assert_int_equal(
        clerk_inventory_to_json(&json, &inv, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.counts.y");
    inv.counts.values[1] = 2;
    inv.counts.keys[1] = "x";
    assert_int_equal(
        clerk_inventory_to_json(&json, &inv, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.counts.x");
    assert_string_equal(err.reason, "key repeated in the map");
    inv.counts.keys[1] = NULL;
    assert_int_equal(
        clerk_inventory_to_json(&json, &inv, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.reason, "map key is NULL");
    inv.counts.keys[1] = "y";
    inv.labels = (clerk_str_map_t){ (char *[]){ "k" }, (char *[]){ NULL }, 1,
                                    CLERK_SET };
    assert_int_equal(
        clerk_inventory_to_json(&json, &inv, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.labels.k");
    inv.labels.state = CLERK_NULL;
    inv.labels.count = 0;
    inv.weights.state = CLERK_SET; /* an explicitly empty map */
    inv.nicknames = (clerk_opt_str_map_t){
        (char *[]){ "a", "b" },
        (clerk_opt_str_t[]){ CLERK_STR("A"), CLERK_STR_NULL }, 2, CLERK_SET
    };
    assert_int_equal(clerk_inventory_to_json(&json, &inv, &err), CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(
        text, "{\"counts\":{\"x\":1,\"y\":2},\"nicknames\":{\"a\":\"A\","
              "\"b\":null},\"weights\":{},\"labels\":null}");
    cJSON_free(text);
    cJSON_Delete(json);
    /* An additional property named like a property would be sent twice. */
    memset(&tally, 0, sizeof(tally));
    tally.total = CLERK_INT(1);
    tally.additional_properties =
        (clerk_int64_map_t){ (char *[]){ "total" }, (int64_t[]){ 2 }, 1,
                             CLERK_SET };
    assert_int_equal(
        clerk_tally_to_json(&json, &tally, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.total");
}

/* An object with properties and additionalProperties keeps its other keys,
 * typed (Tally) or free-form (Memo), and writes them back. */
static void maps_additional_properties(void **state)
{
    static const char tally_in[] = "{\"x\":1,\"total\":3,\"y\":-2}";
    static const char tally_out[] = "{\"total\":3,\"x\":1,\"y\":-2}";
    static const char memo_in[] =
        "{\"text\":\"t\",\"a\":{\"b\":[1,null]},\"c\":null,\"d\":\"e\"}";
    static const char bad[] = "{\"total\":1,\"x\":\"no\"}";
    clerk_tally_t *t = NULL;
    clerk_memo_t *m = NULL;
    clerk_json_error_t err;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_tally_parse(
            &t, tally_in, strlen(tally_in), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_int_equal(t->total.value, 3);
    assert_int_equal(t->additional_properties.count, 2);
    assert_string_equal(t->additional_properties.keys[0], "x");
    assert_int_equal(t->additional_properties.values[1], -2);
    text = clerk_tally_print(t);
    assert_string_equal(text, tally_out);
    clerk_free(text);
    ROUND_TRIP(clerk_tally, t);
    clerk_tally_free(t);
    t = NULL;
    agree_both_ways(&clerk__tally_type, tally_in);
    assert_int_equal(
        clerk_tally_parse(&t, bad, strlen(bad), 0, &err), CLERK_E_DECODE);
    assert_string_equal(err.path, "$.x");
    assert_string_equal(err.reason, "expected integer, got string");
    agree_both_ways(&clerk__tally_type, bad);
    /* Without other keys there is no map. */
    assert_int_equal(
        clerk_tally_parse(&t, "{\"total\":1}", 11, 0, NULL), CLERK_OK);
    assert_int_equal(t->additional_properties.state, CLERK_UNSET);
    text = clerk_tally_print(t);
    assert_string_equal(text, "{\"total\":1}");
    clerk_free(text);
    clerk_tally_free(t);

    assert_int_equal(
        clerk_memo_parse(
            &m, memo_in, strlen(memo_in), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_string_equal(m->text, "t");
    assert_true(cJSON_IsObject(m->additional_properties));
    assert_true(cJSON_IsNull(
        cJSON_GetObjectItemCaseSensitive(m->additional_properties, "c")));
    text = clerk_memo_print(m);
    assert_string_equal(text, memo_in);
    clerk_free(text);
    ROUND_TRIP(clerk_memo, m);
    clerk_memo_free(m);
    agree_both_ways(&clerk__memo_type, memo_in);
    agree_both_ways(&clerk__memo_type, "{\"text\":\"t\"}");
}

/* Unions with members that are not objects: chosen by the JSON type of
 * the value; among members of one JSON type, the first that decodes. */
static void value_unions(void **state)
{
    static const char one[] =
        "{\"id\":7,\"ids\":[1,\"two\"],\"flag\":{\"a\":[1]},\"pet\":\"rex\","
        "\"animal\":\"none\",\"amount\":2.5,\"pick\":[{\"url\":\"u\"}],"
        "\"either\":\"e\"}";
    static const char two[] =
        "{\"id\":\"seven\",\"flag\":true,\"pet\":{\"id\":\"p1\","
        "\"nickname\":null,\"age\":3,\"score\":null,\"vaccinated\":true,"
        "\"status\":\"sold\",\"owner\":{}},\"animal\":{\"kind\":\"cat\","
        "\"lives\":9},\"amount\":3,\"pick\":null,\"either\":null}";
    clerk_values_t *v = NULL;
    clerk_json_error_t err;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_values_parse(&v, one, strlen(one), CLERK_DECODE_STRICT, &err),
        CLERK_OK);
    assert_int_equal(v->id->kind, CLERK_ID_OR_NAME_INTEGER);
    assert_int_equal(v->id->as.integer, 7);
    /* An array of unions, items by value. */
    assert_int_equal(v->ids.count, 2);
    assert_int_equal(v->ids.items[0].kind, CLERK_ID_OR_NAME_INTEGER);
    assert_int_equal(v->ids.items[1].kind, CLERK_ID_OR_NAME_STRING);
    assert_string_equal(v->ids.items[1].as.string, "two");
    assert_int_equal(v->flag->kind, CLERK_VALUES_FLAG_OBJECT);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(v->flag->as.object, "a")));
    assert_int_equal(v->pet->kind, CLERK_VALUES_PET_STRING);
    assert_string_equal(v->pet->as.string, "rex");
    /* A string beside a discriminated union of objects. */
    assert_int_equal(v->animal->kind, CLERK_VALUES_ANIMAL_STRING);
    assert_int_equal(
        v->animal->as.string.value, CLERK_VALUES_ANIMAL_STRING_NONE);
    /* integer | number: 2.5 is no integer, so the number. */
    assert_int_equal(v->amount->kind, CLERK_VALUES_AMOUNT_NUMBER);
    assert_true(v->amount->as.number == 2.5);
    assert_int_equal(v->pick->kind, CLERK_VALUES_PICK_PHOTO_ARRAY);
    assert_string_equal(v->pick->as.photo_array.items[0].url, "u");
    /* type: [string, integer, "null"] */
    assert_int_equal(v->either->kind, CLERK_VALUES_EITHER_STRING);
    assert_string_equal(v->either->as.string, "e");
    text = clerk_values_print(v);
    assert_string_equal(text, one);
    clerk_free(text);
    ROUND_TRIP(clerk_values, v);
    clerk_values_free(v);
    v = NULL;

    assert_int_equal(
        clerk_values_parse(&v, two, strlen(two), CLERK_DECODE_STRICT, &err),
        CLERK_OK);
    assert_int_equal(v->id->kind, CLERK_ID_OR_NAME_STRING);
    assert_string_equal(v->id->as.string, "seven");
    assert_int_equal(v->flag->kind, CLERK_VALUES_FLAG_BOOLEAN);
    assert_true(v->flag->as.boolean);
    assert_int_equal(v->pet->kind, CLERK_VALUES_PET_PET);
    assert_string_equal(v->pet->as.pet->id, "p1");
    assert_int_equal(v->animal->kind, CLERK_VALUES_ANIMAL_CAT);
    assert_int_equal(v->animal->as.cat->lives.value, 9);
    /* 3 decodes as the integer, the first member of that JSON type. */
    assert_int_equal(v->amount->kind, CLERK_VALUES_AMOUNT_INTEGER);
    assert_int_equal(v->amount->as.integer, 3);
    assert_null(v->pick);
    assert_true(v->pick_is_null); /* nullable through {type: "null"} */
    assert_null(v->either);
    assert_true(v->either_is_null);
    ROUND_TRIP(clerk_values, v);
    clerk_values_free(v);
    v = NULL;

    /* A JSON type no member takes; a value its only member refuses. */
    assert_int_equal(
        clerk_values_parse(&v, "{\"id\":true}", 11, 0, &err), CLERK_E_DECODE);
    assert_string_equal(err.path, "$.id");
    assert_string_equal(err.reason, "expected number or string, got boolean");
    assert_int_equal(
        clerk_values_parse(&v, "{\"id\":1.5}", 10, 0, &err), CLERK_E_DECODE);
    assert_string_equal(err.reason, "expected integer, got a fraction");
    assert_int_equal(
        clerk_values_parse(&v, "{\"id\":1,\"animal\":[]}", 20, 0, &err),
        CLERK_E_DECODE);
    assert_string_equal(err.path, "$.animal");
    assert_string_equal(err.reason, "expected object or string, got array");
    assert_null(v);
}

/* Encoding writes exactly what decodes: values built by hand. */
static void value_unions_encode(void **state)
{
    clerk_id_or_name_t id;
    clerk_values_amount_t amount;
    clerk_values_flag_t flag;
    clerk_values_t v;
    clerk_json_error_t err;
    cJSON *json = NULL;
    char *text;

    (void)state;
    memset(&v, 0, sizeof(v));
    memset(&id, 0, sizeof(id));
    memset(&amount, 0, sizeof(amount));
    memset(&flag, 0, sizeof(flag));
    v.id = &id;
    /* No member selected, or a NULL string: refused by both encoders. */
    assert_int_equal(clerk_values_to_json(&json, &v, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.id");
    assert_null(clerk_values_print(&v));
    id.kind = CLERK_ID_OR_NAME_STRING;
    assert_int_equal(clerk_values_to_json(&json, &v, &err), CLERK_E_INVALID_ARG);
    assert_null(clerk_values_print(&v));
    id.as.string = "x";
    v.amount = &amount;
    amount.kind = CLERK_VALUES_AMOUNT_NUMBER;
    amount.as.number = 0.25;
    v.flag = &flag;
    flag.kind = CLERK_VALUES_FLAG_BOOLEAN; /* false: still written */
    assert_int_equal(clerk_values_to_json(&json, &v, &err), CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(text, "{\"id\":\"x\",\"flag\":false,\"amount\":0.25}");
    cJSON_free(text);
    cJSON_Delete(json);
    text = clerk_values_print(&v);
    assert_string_equal(text, "{\"id\":\"x\",\"flag\":false,\"amount\":0.25}");
    clerk_free(text);
    /* The free-form member must be an object to read back as one. */
    flag.kind = CLERK_VALUES_FLAG_OBJECT;
    flag.as.object = cJSON_CreateArray();
    assert_int_equal(clerk_values_to_json(&json, &v, &err), CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.flag");
    assert_null(clerk_values_print(&v));
    cJSON_Delete(flag.as.object);
}

/* An unknown discriminator value is never decoded as another member: kept
 * as received (lenient), written back unchanged, refused when strict. */
static void unknown_discriminator(void **state)
{
    static const char bird[] = "{\"kind\":\"bird\",\"wings\":2,\"x\":[null]}";
    static const char dog[] = "{\"kind\":\"doggo\",\"barks\":true}";
    static const char in_values[] =
        "{\"id\":1,\"animal\":{\"kind\":\"doggo\",\"barks\":true}}";
    clerk_animal_t *a = NULL;
    clerk_values_t *v = NULL;
    clerk_json_error_t err;
    cJSON *json = NULL;
    char *text;

    (void)state;
    assert_int_equal(
        clerk_animal_parse(&a, bird, strlen(bird), 0, &err), CLERK_OK);
    assert_int_equal(a->kind, CLERK_ANIMAL_UNKNOWN);
    assert_true(cJSON_IsObject(a->as.unknown));
    assert_int_equal(cJSON_GetObjectItem(a->as.unknown, "wings")->valueint, 2);
    text = clerk_animal_print(a);
    assert_string_equal(text, bird);
    clerk_free(text);
    assert_int_equal(clerk_animal_to_json(&json, a, &err), CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(text, bird);
    cJSON_free(text);
    cJSON_Delete(json);
    clerk_animal_free(a);
    a = NULL;
    assert_int_equal(
        clerk_animal_parse(
            &a, bird, strlen(bird), CLERK_DECODE_STRICT, &err),
        CLERK_E_DECODE);
    assert_string_equal(err.path, "$.kind");
    assert_string_equal(err.reason, "unknown kind of Animal");
    assert_null(a);
    /* A known tag (the mapping's "doggo") still decodes its member. */
    assert_int_equal(
        clerk_animal_parse(&a, dog, strlen(dog), CLERK_DECODE_STRICT, &err),
        CLERK_OK);
    assert_int_equal(a->kind, CLERK_ANIMAL_DOG);
    clerk_animal_free(a);
    /* Values.animal has no mapping: Dog's tag is its enum's "dog", so
     * "doggo" names no member there (it decodes as Dog everywhere but
     * for its tag, and used to). */
    assert_int_equal(
        clerk_values_parse(&v, in_values, strlen(in_values), 0, &err),
        CLERK_OK);
    assert_int_equal(v->animal->kind, CLERK_VALUES_ANIMAL_UNKNOWN);
    text = clerk_values_print(v);
    assert_string_equal(text, in_values);
    clerk_free(text);
    clerk_values_free(v);
}

/* _print and _to_json agree on every fixture model's samples, also with
 * each required field left unset (tests/model/print_diff.c). */
static void print_agrees_with_to_json(void **state)
{
    FILE *f = fopen(FIXTURE_SAMPLES, "rb");
    static char buf[1 << 18];
    size_t len = 0;
    cJSON *all = NULL;
    const cJSON *s = NULL;
    const clerk__type_t *type = NULL;
    print_diff_counts_t counts = { 0, 0, 0 };
    void *value = NULL;
    char *text = NULL;
    size_t i = 0;

    (void)state;
    assert_non_null(f);
    len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    assert_true(len > 0 && len < sizeof(buf) - 1);
    all = cJSON_ParseWithLength(buf, len);
    assert_non_null(all);
    cJSON_ArrayForEach(s, all)
    {
        type = NULL;
        for (i = 0; i < model_sample_type_count; i++) {
            if (strcmp(model_sample_types[i].schema,
                       cJSON_GetObjectItem(s, "schema")->valuestring) == 0) {
                type = model_sample_types[i].type;
            }
        }
        assert_non_null(type);
        text = cJSON_PrintUnformatted(cJSON_GetObjectItem(s, "doc"));
        if (clerk__value_parse(type, &value, text, strlen(text), 0, NULL) ==
            CLERK_OK) {
            print_diff_check(
                type, value, cJSON_GetObjectItem(s, "schema")->valuestring,
                &counts);
            clerk__value_free(type, value);
        }
        cJSON_free(text);
    }
    cJSON_Delete(all);
    print_message(
        "_print vs _to_json: %zu values, %zu refused by both\n",
        counts.checked, counts.both_failed);
    assert_true(counts.checked > 40);
    assert_true(counts.both_failed > 10);
    assert_int_equal(counts.differed, 0);
}

/* Header, cookie and query parameters; a 201 JSON body. */
static void header_cookie_params(void **state)
{
    static const char tag[] = "gen_headers";
    clerk_client_options_t opts;
    clerk_client_t *client = NULL;
    clerk_order_t body;
    int64_t ids[] = { 1, 2 };
    clerk_edge_create_order_params_t params;
    clerk_edge_create_order_response_t *r = NULL;
    cJSON *reqs;
    char script[512];

    (void)state;
    memset(&opts, 0, sizeof(opts));
    opts.base_url = fault_base_url(tag, false);
    opts.secret_key = "sk_test_fixture";
    assert_int_equal(clerk_client_new(&client, &opts), CLERK_OK);

    memset(&body, 0, sizeof(body));
    body.secret = "s";
    body.amount = CLERK_INT(7);
    body.status = CLERK_ENUM(CLERK_ORDER_STATUS_OPEN);
    memset(&params, 0, sizeof(params));
    params.idempotency_key = "key-1";
    params.x_trace_ids.items = ids;
    params.x_trace_ids.count = 2;
    params.session = "a b;c";
    params.theme = CLERK_ENUM(CLERK_EDGE_CREATE_ORDER_THEME_DARK);
    params.sort = CLERK_ENUM(CLERK_EDGE_CREATE_ORDER_SORT_DESC_BORN);

    snprintf(
        script, sizeof(script),
        "[{\"status\":201,\"headers\":[[\"Content-Type\",\"application/json; "
        "charset=utf-8\"]],\"body\":\"{\\\"id\\\":\\\"o9\\\",\\\"amount\\\":7,"
        "\\\"status\\\":\\\"open\\\"}\"}]");
    assert_int_equal(fault_script(tag, script), 0);

    assert_int_equal(
        clerk_edge_create_order_detailed(&r, client, &body, &params), CLERK_OK);
    assert_int_equal(r->meta.http_status, 201);
    assert_non_null(r->data);
    assert_string_equal(r->data->id, "o9");
    clerk_edge_create_order_response_free(r);
    r = NULL;

    reqs = fault_requests(tag);
    assert_non_null(reqs);
    assert_string_equal(fault_req_header(reqs, 0, "Idempotency-Key"), "key-1");
    assert_string_equal(fault_req_header(reqs, 0, "X-Trace-Ids"), "1,2");
    assert_string_equal(
        fault_req_header(reqs, 0, "Cookie"), "session=a%20b%3Bc; theme=dark");
    assert_non_null(strstr(fault_req_field(reqs, 0, "target"), "?sort=-born"));
    /* The runtime built with the fixture's api/version.h sends the
     * fixture's info.version. */
    assert_string_equal(CLERK_API_VERSION, "2000-01-01");
    assert_string_equal(
        fault_req_header(reqs, 0, "Clerk-API-Version"), "2000-01-01");
    assert_null(strstr(fault_req_field(reqs, 0, "target"), "Idempotency"));
    cJSON_Delete(reqs);

    /* A required header left out, a header value with a line break: refused
     * before anything is sent. */
    params.idempotency_key = NULL;
    assert_int_equal(
        clerk_edge_create_order_detailed(&r, client, &body, &params),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(r->meta.message, "Idempotency-Key"));
    clerk_edge_create_order_response_free(r);
    r = NULL;
    params.idempotency_key = "a\r\nX-Injected: 1";
    assert_int_equal(
        clerk_edge_create_order_detailed(&r, client, &body, &params),
        CLERK_E_INVALID_ARG);
    clerk_edge_create_order_response_free(r);
    assert_int_equal(fault_request_count(tag), 1);
    clerk_client_free(client);
}

/* createOrder declares 201 with an Order and 202 without a body: each
 * reply is decoded by its own status. */
static void bodiless_2xx(void **state)
{
    static const char tag[] = "gen_bodiless";
    clerk_client_options_t opts;
    clerk_client_t *client = NULL;
    clerk_edge_create_order_params_t params;
    clerk_edge_create_order_response_t *r = NULL;
    clerk_order_t body;

    (void)state;
    memset(&opts, 0, sizeof(opts));
    opts.base_url = fault_base_url(tag, false);
    opts.secret_key = "sk_test_fixture";
    assert_int_equal(clerk_client_new(&client, &opts), CLERK_OK);
    memset(&body, 0, sizeof(body));
    body.secret = "s";
    body.amount = CLERK_INT(7);
    body.status = CLERK_ENUM(CLERK_ORDER_STATUS_OPEN);
    memset(&params, 0, sizeof(params));
    params.idempotency_key = "key-2";
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":202,\"body\":\"\"},"
                 "{\"status\":201,\"body\":\"\"},"
                 "{\"status\":201,\"headers\":[[\"Content-Type\","
                 "\"application/json\"]],\"body\":\"{\\\"id\\\":"
                 "\\\"o3\\\"}\"}]"),
        0);

    /* 202: success, no result. */
    assert_int_equal(
        clerk_edge_create_order_detailed(&r, client, &body, &params), CLERK_OK);
    assert_int_equal(r->meta.http_status, 202);
    assert_int_equal(r->meta.status, CLERK_OK);
    assert_null(r->data);
    clerk_edge_create_order_response_free(r);
    r = NULL;
    /* 201 must carry its Order: an empty one does not decode. */
    assert_int_equal(
        clerk_edge_create_order_detailed(&r, client, &body, &params),
        CLERK_E_DECODE);
    assert_int_equal(r->meta.http_status, 201);
    assert_null(r->data);
    clerk_edge_create_order_response_free(r);
    r = NULL;
    assert_int_equal(
        clerk_edge_create_order_detailed(&r, client, &body, &params), CLERK_OK);
    assert_int_equal(r->meta.http_status, 201);
    assert_non_null(r->data);
    assert_string_equal(r->data->id, "o3");
    clerk_edge_create_order_response_free(r);
    assert_int_equal(fault_request_count(tag), 3);
    clerk_client_free(client);
}

/* A response given only under `default`, as application/<x>+json. */
static void default_response(void **state)
{
    static const char tag[] = "gen_default";
    clerk_client_options_t opts;
    clerk_client_t *client = NULL;
    clerk_order_t *o;

    (void)state;
    memset(&opts, 0, sizeof(opts));
    opts.base_url = fault_base_url(tag, false);
    opts.secret_key = "sk_test_fixture";
    assert_int_equal(clerk_client_new(&client, &opts), CLERK_OK);
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":200,\"headers\":[[\"Content-Type\","
                 "\"application/vnd.fixture+json\"]],\"body\":"
                 "\"{\\\"id\\\":\\\"o2\\\",\\\"amount\\\":3}\"}]"),
        0);
    o = clerk_edge_get_orders(client, "o2", NULL);
    assert_non_null(o);
    assert_string_equal(o->id, "o2");
    assert_int_equal(o->amount.value, 3);
    clerk_order_free(o);
    clerk_client_free(client);
}

static clerk_client_t *new_client(const char *tag)
{
    clerk_client_options_t opts;
    clerk_client_t *client = NULL;

    memset(&opts, 0, sizeof(opts));
    opts.base_url = fault_base_url(tag, false);
    opts.secret_key = "sk_test_fixture";
    assert_int_equal(clerk_client_new(&client, &opts), CLERK_OK);
    return client;
}

/* The request line the server received for request i, without the
 * fault server's /t/<tag>/v1 prefix, e.g. "GET /edge/search?... HTTP/1.1". */
static void assert_request_line(
    const cJSON *reqs, int i, const char *tag, const char *want)
{
    const char *line = fault_req_field(reqs, i, "request_line");
    char prefix[96];
    const char *sp;

    assert_non_null(line);
    sp = strchr(line, ' ');
    assert_non_null(sp);
    snprintf(prefix, sizeof(prefix), " /t/%s/v1", tag);
    assert_int_equal(strncmp(sp, prefix, strlen(prefix)), 0);
    {
        char got[1024];

        snprintf(
            got, sizeof(got), "%.*s%s", (int)(sp - line), line,
            sp + strlen(prefix) - 1);
        got[sp - line] = ' ';
        assert_string_equal(got, want);
    }
}

/* deepObject (nested object, array, enum), form exploded (a $ref object),
 * form not exploded: the request line, byte for byte. */
static void object_query_params(void **state)
{
    static const char tag[] = "gen_objq";
    clerk_client_t *client = new_client(tag);
    clerk_edge_search_orders_filter_range_t range;
    clerk_edge_search_orders_filter_t filter;
    clerk_page_query_t page;
    clerk_edge_search_orders_point_t point;
    clerk_edge_search_orders_params_t params;
    clerk_edge_search_orders_response_t *r = NULL;
    cJSON *reqs;

    (void)state;
    memset(&range, 0, sizeof(range));
    range.min = CLERK_DOUBLE(1.5);
    memset(&filter, 0, sizeof(filter));
    filter.name = "a b&c";
    filter.age = CLERK_INT(3);
    filter.kind = CLERK_ENUM(CLERK_PET_KIND_GUINEA_PIG);
    filter.tags = CLERK_ARRAY(clerk_str_array_t, char *, "x", "y/z");
    filter.range = &range;
    memset(&page, 0, sizeof(page));
    page.size = CLERK_INT(10);
    page.cursor = "c,1";
    page.kinds = CLERK_ARRAY(
        clerk_enum_array_t, clerk_enum_t, CLERK_ENUM(CLERK_PET_KIND_DOG),
        CLERK_ENUM(CLERK_PET_KIND_CAT));
    memset(&point, 0, sizeof(point));
    point.x = CLERK_INT(1);
    point.y = CLERK_INT(-2);
    point.label = "a,b";
    memset(&params, 0, sizeof(params));
    params.filter = &filter;
    params.page = &page;
    params.point = &point;
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":200,\"body\":\"[{\\\"id\\\":\\\"o1\\\"}]\"},"
                 "{\"status\":200,\"body\":\"[]\"}]"),
        0);
    assert_int_equal(
        clerk_edge_search_orders_detailed(&r, client, &params), CLERK_OK);
    assert_int_equal(r->data->count, 1);
    assert_string_equal(r->data->items[0].id, "o1");
    clerk_edge_search_orders_response_free(r);
    r = NULL;

    /* Only the required object, with only its required property. */
    memset(&filter, 0, sizeof(filter));
    filter.name = "n";
    params.page = NULL;
    params.point = NULL;
    assert_int_equal(
        clerk_edge_search_orders_detailed(&r, client, &params), CLERK_OK);
    clerk_edge_search_orders_response_free(r);
    r = NULL;

    reqs = fault_requests(tag);
    assert_non_null(reqs);
    assert_request_line(
        reqs, 0, tag,
        "GET /edge/search?filter%5Bname%5D=a%20b%26c&filter%5Bage%5D=3"
        "&filter%5Bkind%5D=guinea-pig&filter%5Btags%5D=x"
        "&filter%5Btags%5D=y%2Fz&filter%5Brange%5D%5Bmin%5D=1.5"
        "&size=10&cursor=c%2C1&kinds=dog&kinds=cat"
        "&point=x,1,y,-2,label,a%2Cb HTTP/1.1");
    assert_request_line(
        reqs, 1, tag, "GET /edge/search?filter%5Bname%5D=n HTTP/1.1");
    cJSON_Delete(reqs);

    /* A required property unset, the required object missing: refused
     * before anything is sent. */
    filter.name = NULL;
    filter.age = CLERK_INT(1);
    assert_int_equal(
        clerk_edge_search_orders_detailed(&r, client, &params),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(r->meta.message, "filter"));
    assert_non_null(strstr(r->meta.message, "name"));
    clerk_edge_search_orders_response_free(r);
    r = NULL;
    params.filter = NULL;
    assert_int_equal(
        clerk_edge_search_orders_detailed(&r, client, &params),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(r->meta.message, "filter"));
    clerk_edge_search_orders_response_free(r);
    assert_int_equal(fault_request_count(tag), 2);
    clerk_client_free(client);
}

/* An application/x-www-form-urlencoded body: the body and Content-Type
 * the server received, byte for byte. */
static void form_body(void **state)
{
    static const char tag[] = "gen_form";
    clerk_client_t *client = new_client(tag);
    clerk_edge_create_token_request_t body;
    clerk_edge_create_token_response_t *r = NULL;
    clerk_token_t *token;
    cJSON *reqs;

    (void)state;
    memset(&body, 0, sizeof(body));
    body.grant_type = CLERK_ENUM(
        CLERK_EDGE_CREATE_TOKEN_REQUEST_GRANT_TYPE_AUTHORIZATION_CODE);
    body.code = "a b&c=d/\xc3\xa9+";
    body.scope = CLERK_ARRAY(clerk_str_array_t, char *, "read", "write");
    body.remember = CLERK_BOOL(true);
    body.ttl = CLERK_INT(60);
    body.weight = CLERK_DOUBLE(0.25);
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":200,\"body\":\"{\\\"access_token\\\":"
                 "\\\"t1\\\",\\\"scope\\\":[\\\"read\\\"]}\"},"
                 "{\"status\":200,\"body\":\"{}\"}]"),
        0);
    assert_int_equal(
        clerk_edge_create_token_detailed(&r, client, &body), CLERK_OK);
    assert_string_equal(r->data->access_token, "t1");
    assert_int_equal(r->data->scope.count, 1);
    clerk_edge_create_token_response_free(r);
    r = NULL;
    /* Only the required fields; the plain flavour. */
    memset(&body, 0, sizeof(body));
    body.grant_type =
        CLERK_ENUM(CLERK_EDGE_CREATE_TOKEN_REQUEST_GRANT_TYPE_REFRESH_TOKEN);
    body.code = "";
    token = clerk_edge_create_token(client, &body);
    assert_non_null(token);
    clerk_token_free(token);

    reqs = fault_requests(tag);
    assert_non_null(reqs);
    assert_request_line(reqs, 0, tag, "POST /edge/tokens HTTP/1.1");
    assert_string_equal(
        fault_req_header(reqs, 0, "Content-Type"),
        "application/x-www-form-urlencoded");
    assert_string_equal(
        fault_req_field(reqs, 0, "body"),
        /* latin-1 view of the UTF-8 bytes %C3%A9: all ASCII here */
        "grant_type=authorization_code&code=a%20b%26c%3Dd%2F%C3%A9%2B"
        "&scope=read&scope=write&remember=true&ttl=60&weight=0.25");
    assert_string_equal(
        fault_req_field(reqs, 1, "body"), "grant_type=refresh_token&code=");
    assert_string_equal(fault_req_header(reqs, 1, "Content-Length"), "30");
    cJSON_Delete(reqs);

    /* A required field left out: refused, nothing sent. */
    body.code = NULL;
    assert_int_equal(
        clerk_edge_create_token_detailed(&r, client, &body),
        CLERK_E_INVALID_ARG);
    assert_non_null(strstr(r->meta.message, "code"));
    clerk_edge_create_token_response_free(r);
    assert_int_equal(fault_request_count(tag), 2);
    clerk_client_free(client);
}

/* createAccount: 200 an inline object, 201 and 203 an array of strings,
 * 202 nothing; a 2xx it does not declare has no body type. */
static void several_bodies(void **state)
{
    static const char tag[] = "gen_multi";
    clerk_client_t *client = new_client(tag);
    clerk_edge_create_account_response_t *r = NULL;
    clerk_edge_create_account_result_t *res;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":200,\"body\":\"{\\\"id\\\":\\\"a1\\\"}\"},"
                 "{\"status\":201,\"body\":\"[\\\"n1\\\",\\\"n2\\\"]\"},"
                 "{\"status\":203,\"body\":\"[\\\"m\\\"]\"},"
                 "{\"status\":202,\"body\":\"\"},"
                 "{\"status\":201,\"body\":\"{\\\"id\\\":\\\"a2\\\"}\"},"
                 "{\"status\":206,\"body\":\"{}\"}]"),
        0);
    assert_int_equal(clerk_edge_create_account_detailed(&r, client), CLERK_OK);
    assert_int_equal(r->data->status, 200);
    assert_non_null(r->data->result_200);
    assert_string_equal(r->data->result_200->id, "a1");
    assert_null(r->data->str_array);
    clerk_edge_create_account_response_free(r);
    r = NULL;

    res = clerk_edge_create_account(client);
    assert_non_null(res);
    assert_int_equal(res->status, 201);
    assert_null(res->result_200);
    assert_non_null(res->str_array);
    assert_int_equal(res->str_array->count, 2);
    assert_string_equal(res->str_array->items[1], "n2");
    clerk_edge_create_account_result_free(res);

    res = clerk_edge_create_account(client);
    assert_non_null(res);
    assert_int_equal(res->status, 203);
    assert_int_equal(res->str_array->count, 1);
    assert_string_equal(res->str_array->items[0], "m");
    clerk_edge_create_account_result_free(res);

    /* 202, declared without a body: success, no result. */
    assert_int_equal(clerk_edge_create_account_detailed(&r, client), CLERK_OK);
    assert_int_equal(r->meta.http_status, 202);
    assert_null(r->data);
    clerk_edge_create_account_response_free(r);
    r = NULL;
    /* A 201 whose body is the 200's type does not decode. */
    assert_int_equal(
        clerk_edge_create_account_detailed(&r, client), CLERK_E_DECODE);
    assert_null(r->data);
    clerk_edge_create_account_response_free(r);
    r = NULL;
    /* 206: not one of the declared statuses. */
    assert_int_equal(
        clerk_edge_create_account_detailed(&r, client), CLERK_E_DECODE);
    assert_int_equal(r->meta.http_status, 206);
    assert_null(r->data);
    assert_non_null(strstr(r->meta.message, "206"));
    clerk_edge_create_account_response_free(r);
    assert_int_equal(fault_request_count(tag), 6);
    clerk_client_free(client);
}

static void shapes_done(
    clerk_edge_put_shapes_response_t *response, void *payload)
{
    clerk_edge_put_shapes_response_t **out = payload;

    *out = response;
}

/* putShapes: 200 Tagged, 201 Order, in the async flavour. */
static void several_bodies_async(void **state)
{
    static const char tag[] = "gen_multi_async";
    clerk_client_t *client = new_client(tag);
    clerk_loop_t *loop = NULL;
    clerk_edge_put_shapes_response_t *r = NULL;

    (void)state;
    assert_int_equal(clerk_loop_new(&loop, NULL), CLERK_OK);
    assert_int_equal(
        fault_script(
            tag, "[{\"status\":200,\"body\":\"{\\\"label\\\":\\\"L\\\","
                 "\\\"shape\\\":\\\"square\\\",\\\"side\\\":2}\"},"
                 "{\"status\":201,\"body\":\"{\\\"id\\\":\\\"o5\\\","
                 "\\\"amount\\\":4,\\\"status\\\":\\\"open\\\"}\"}]"),
        0);
    assert_true(
        clerk_edge_put_shapes_async(loop, client, NULL, shapes_done, &r) != 0);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    assert_non_null(r);
    assert_int_equal(r->meta.status, CLERK_OK);
    assert_int_equal(r->data->status, 200);
    assert_non_null(r->data->tagged);
    assert_int_equal(r->data->tagged->kind, CLERK_TAGGED_SQUARE2);
    assert_null(r->data->order);
    clerk_edge_put_shapes_response_free(r);
    r = NULL;

    assert_true(
        clerk_edge_put_shapes_async(loop, client, NULL, shapes_done, &r) != 0);
    assert_int_equal(clerk_loop_run(loop, 10000), CLERK_OK);
    assert_non_null(r);
    assert_int_equal(r->data->status, 201);
    assert_null(r->data->tagged);
    assert_string_equal(r->data->order->id, "o5");
    assert_int_equal(r->data->order->amount.value, 4);
    clerk_edge_put_shapes_response_free(r);
    clerk_loop_free(loop);
    clerk_client_free(client);
}

static int setup(void **state)
{
    (void)state;
    return fault_init();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(order_types),
        cmocka_unit_test(order_read_write_only),
        cmocka_unit_test(nullables_31),
        cmocka_unit_test(union_keeps_both_sides),
        cmocka_unit_test(maps_typed),
        cmocka_unit_test(maps_checked),
        cmocka_unit_test(maps_encode_checked),
        cmocka_unit_test(maps_additional_properties),
        cmocka_unit_test(value_unions),
        cmocka_unit_test(value_unions_encode),
        cmocka_unit_test(unknown_discriminator),
        cmocka_unit_test(print_agrees_with_to_json),
        cmocka_unit_test(header_cookie_params),
        cmocka_unit_test(bodiless_2xx),
        cmocka_unit_test(default_response),
        cmocka_unit_test(object_query_params),
        cmocka_unit_test(form_body),
        cmocka_unit_test(several_bodies),
        cmocka_unit_test(several_bodies_async),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
