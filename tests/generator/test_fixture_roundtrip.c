/*
 * The fixture's generated code (tests/generator/golden), compiled with the
 * runtime and run: the constructs of issue 14 decode, encode and round-trip,
 * _print agrees with _to_json on every fixture model (samples from
 * tests/model/gen_samples.py), and the "Edge" operations send their header,
 * cookie and query parameters to the fault server on 127.0.0.1 and decode
 * each 2xx by its status.
 */
#include <clerk/api/edge.h>
#include <clerk/model/animal.h>
#include <clerk/model/labelled.h>
#include <clerk/model/nullables.h>
#include <clerk/model/order.h>
#include <clerk/model/pet_kind.h>
#include <clerk/model/tagged.h>
#include <clerk/model/values.h>
#include <clerk/version.h>

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
        cmocka_unit_test(value_unions),
        cmocka_unit_test(value_unions_encode),
        cmocka_unit_test(unknown_discriminator),
        cmocka_unit_test(print_agrees_with_to_json),
        cmocka_unit_test(header_cookie_params),
        cmocka_unit_test(bodiless_2xx),
        cmocka_unit_test(default_response),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
