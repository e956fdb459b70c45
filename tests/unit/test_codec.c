/*
 * Unit tests of the table-driven codec engine (src/codec*.c), using
 * hand-written descriptors shaped like generated ones: a model with every
 * kind, a nested model, an array of structs, a union with discriminator
 * and one without.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_internal.h"

#include "codec_fixtures.h"

static thing_t *parse_thing(const char *json, unsigned flags)
{
    void *out = NULL;
    clerk_json_error_t err;
    clerk_status_t st = CLERK_OK;

    st =
        clerk__model_parse(&thing_model, &out, json, strlen(json), flags, &err);
    if (st != CLERK_OK) {
        print_error("decode failed: %d at %s: %s\n", st, err.path, err.reason);
    }
    assert_int_equal(st, CLERK_OK);
    assert_non_null(out);
    return out;
}

/* Decode `json` expecting `want`, and that error path equals `path`. */
static void expect_decode_error(
    const char *json,
    unsigned flags,
    clerk_status_t want,
    const char *path,
    const char *reason_part)
{
    void *out = (void *)1;
    clerk_json_error_t err;
    clerk_status_t st = CLERK_OK;

    memset(&err, 'x', sizeof(err));
    st =
        clerk__model_parse(&thing_model, &out, json, strlen(json), flags, &err);
    if (st != want) {
        print_error("decoding %.60s... gave %d\n", json, (int)st);
        clerk__model_free(&thing_model, out);
        out = NULL;
    }
    assert_int_equal(st, want);
    assert_null(out);
    if (path != NULL) {
        assert_string_equal(err.path, path);
    }
    if (reason_part != NULL && strstr(err.reason, reason_part) == NULL) {
        fail_msg("reason '%s' lacks '%s'", err.reason, reason_part);
    }
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

static void test_decode_every_kind(void **state)
{
    thing_t *t = NULL;
    const cJSON *plan = NULL;

    (void)state;
    t = parse_thing(full_doc, 0);
    assert_string_equal(t->id, "user_1");
    assert_null(t->first_name);
    assert_string_equal(t->nickname, "nick");
    assert_true(t->banned);
    assert_true(t->created_at == INT64_C(1700000000123));
    assert_true(t->score == 2.5);
    assert_int_equal(t->locale.state, CLERK_SET);
    assert_string_equal(t->locale.value, "fr-FR");
    assert_int_equal(t->verified.state, CLERK_SET);
    assert_false(t->verified.value);
    assert_int_equal(t->last_sign_in_at.state, CLERK_NULL);
    assert_int_equal(t->ratio.state, CLERK_SET);
    assert_true(t->ratio.value == 0.1);
    assert_int_equal(t->status.state, CLERK_SET);
    assert_int_equal(t->status.value, 1);
    assert_string_equal(t->status.raw, "verified");
    plan = cJSON_GetObjectItemCaseSensitive(t->public_metadata, "plan");
    assert_true(cJSON_IsString(plan));
    assert_string_equal(plan->valuestring, "pro");

    assert_non_null(t->primary);
    assert_false(t->primary_is_null);
    assert_string_equal(t->primary->id, "idn_1");
    assert_int_equal(t->primary->verification->kind, VERIFICATION_ADMIN);
    assert_int_equal(t->primary->verification->as.admin->status.value, 1);

    assert_int_equal(t->email_addresses.state, CLERK_SET);
    assert_int_equal(t->email_addresses.count, 3);
    assert_string_equal(t->email_addresses.items[1].email_address, "d@e.f");
    assert_int_equal(
        t->email_addresses.items[0].verification->kind, VERIFICATION_OTP);
    assert_int_equal(
        t->email_addresses.items[0].verification->as.otp->status.value, 2);
    assert_int_equal(
        t->email_addresses.items[0].verification->as.otp->attempts.state,
        CLERK_SET);
    assert_int_equal(
        t->email_addresses.items[0].verification->as.otp->attempts.value, 2);
    assert_null(t->email_addresses.items[1].verification);
    assert_true(t->email_addresses.items[1].verification_is_null);
    /* Unknown enum value: 0 and the string kept. */
    assert_int_equal(
        t->email_addresses.items[2].verification->as.otp->status.value, 0);
    assert_string_equal(
        t->email_addresses.items[2].verification->as.otp->status.raw,
        "brand_new");
    assert_int_equal(
        t->email_addresses.items[2].verification->as.otp->attempts.state,
        CLERK_NULL);

    assert_int_equal(t->tags.count, 2);
    assert_string_equal(t->tags.items[1], "b");
    assert_int_equal(t->counts.count, 3);
    assert_true(t->counts.items[1] == -2);
    assert_true(t->counts.items[2] == INT64_C(9007199254740991));
    assert_int_equal(t->flags.count, 2);
    assert_true(t->flags.items[0]);
    assert_int_equal(t->weights.state, CLERK_SET);
    assert_int_equal(t->weights.count, 0);
    assert_int_equal(t->history.count, 2);
    assert_int_equal(t->history.items[0].value, 3);
    assert_int_equal(t->history.items[1].value, 0);
    assert_string_equal(t->history.items[1].raw, "weird");
    assert_int_equal(t->extras.count, 3);
    assert_true(cJSON_IsObject(t->extras.items[0]));
    assert_true(cJSON_IsNull(t->extras.items[2]));
    assert_int_equal(t->matrix.count, 3);
    assert_int_equal(t->matrix.items[1].count, 0);
    assert_int_equal(t->matrix.items[1].state, CLERK_SET);
    assert_string_equal(t->matrix.items[2].items[1], "z");
    assert_int_equal(t->identities.count, 2);
    assert_int_equal(t->identities.items[0].kind, 1);
    assert_string_equal(t->identities.items[0].as.by_email->email, "e@x.y");
    assert_int_equal(t->identities.items[1].kind, 2);
    assert_true(t->identities.items[1].as.by_phone->primary.value);
    assert_int_equal(t->identity->kind, 2);
    assert_string_equal(t->identity->as.by_phone->phone, "+2");
    assert_null(t->file);
    clerk__model_free(&thing_model, t);
}

static void test_from_json_leaves_tree_alone(void **state)
{
    cJSON *tree = cJSON_Parse(full_doc);
    cJSON *copy = cJSON_Duplicate(tree, 1);
    void *out = NULL;
    thing_t *t = NULL;

    (void)state;
    assert_int_equal(
        clerk__model_from_json(&thing_model, &out, tree, 0, NULL), CLERK_OK);
    t = out;
    assert_string_equal(t->id, "user_1");
    assert_true(cJSON_Compare(tree, copy, 1));
    clerk__model_free(&thing_model, t);
    cJSON_Delete(tree);
    cJSON_Delete(copy);
}

static void test_unknown_fields_and_order(void **state)
{
    thing_t *t = NULL;

    (void)state;
    /* Out of spec order, with unknown keys in between. */
    t = parse_thing(
        "{\"zzz\":1,\"status\":\"expired\",\"a\":[{}],\"id\":\"u\","
        "\"created_at\":5,\"x\":null,\"banned\":false}",
        0);
    assert_string_equal(t->id, "u");
    assert_int_equal(t->status.value, 3);
    assert_true(t->created_at == 5);
    assert_int_equal(t->locale.state, CLERK_UNSET);
    clerk__model_free(&thing_model, t);
}

static void test_duplicate_keys(void **state)
{
    thing_t *t = NULL;

    (void)state;
    t = parse_thing(
        "{\"id\":\"first\",\"tags\":[\"a\"],\"id\":\"second\","
        "\"tags\":[\"b\",\"c\"],\"public_metadata\":{},"
        "\"public_metadata\":[1]}",
        0);
    assert_string_equal(t->id, "second");
    assert_int_equal(t->tags.count, 2);
    assert_true(cJSON_IsArray(t->public_metadata));
    clerk__model_free(&thing_model, t);
}

static void test_opt_states(void **state)
{
    thing_t *t = NULL;

    (void)state;
    t = parse_thing("{\"locale\":null,\"ratio\":3}", 0);
    assert_int_equal(t->locale.state, CLERK_NULL);
    assert_int_equal(t->verified.state, CLERK_UNSET);
    assert_int_equal(t->last_sign_in_at.state, CLERK_UNSET);
    assert_int_equal(t->ratio.state, CLERK_SET);
    assert_true(t->ratio.value == 3.0);
    assert_int_equal(t->weights.state, CLERK_UNSET);
    assert_int_equal(t->status.state, CLERK_UNSET);
    assert_null(t->public_metadata);
    assert_null(t->primary);
    assert_false(t->primary_is_null);
    clerk__model_free(&thing_model, t);

    t = parse_thing(
        "{\"last_sign_in_at\":7,\"weights\":null,\"status\":null,"
        "\"public_metadata\":null,\"primary\":null}",
        0);
    assert_int_equal(t->last_sign_in_at.state, CLERK_SET);
    assert_true(t->last_sign_in_at.value == 7);
    assert_int_equal(t->weights.state, CLERK_NULL);
    assert_int_equal(t->status.state, CLERK_NULL);
    assert_true(cJSON_IsNull(t->public_metadata));
    assert_null(t->primary);
    assert_true(t->primary_is_null);
    clerk__model_free(&thing_model, t);
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_decode_error(
        "{\"id\":1}", 0, CLERK_E_DECODE, "$.id", "expected string, got number");
    expect_decode_error(
        "{\"banned\":\"yes\"}", 0, CLERK_E_DECODE, "$.banned",
        "expected boolean, got string");
    expect_decode_error(
        "{\"score\":\"1\"}", 0, CLERK_E_DECODE, "$.score", "expected number");
    expect_decode_error(
        "{\"tags\":[\"a\",2]}", 0, CLERK_E_DECODE, "$.tags[1]",
        "expected string");
    expect_decode_error(
        "{\"tags\":{}}", 0, CLERK_E_DECODE, "$.tags", "expected array");
    expect_decode_error(
        "{\"email_addresses\":[{},{},{\"verification\":{\"object\":"
        "\"verification_otp\",\"status\":7}}]}",
        0, CLERK_E_DECODE, "$.email_addresses[2].verification.status",
        "expected string, got number");
    expect_decode_error(
        "{\"matrix\":[[\"a\"],[\"b\",[]]]}", 0, CLERK_E_DECODE,
        "$.matrix[1][1]", "expected string, got array");
    expect_decode_error(
        "{\"primary\":[]}", 0, CLERK_E_DECODE, "$.primary",
        "expected object, got array");
    expect_decode_error(
        "{\"identity\":{\"email\":5,\"phone\":6}}", 0, CLERK_E_DECODE,
        "$.identity", "matches no member of Identity");
    expect_decode_error(
        "[1]", 0, CLERK_E_DECODE, "$", "expected object, got array");
    expect_decode_error(
        "null", 0, CLERK_E_DECODE, "$", "expected object, got null");
    /* Plain scalars cannot hold null. */
    expect_decode_error(
        "{\"created_at\":null}", 0, CLERK_E_DECODE, "$.created_at", "got null");
    expect_decode_error(
        "{\"email_addresses\":[null]}", 0, CLERK_E_DECODE,
        "$.email_addresses[0]", "expected object, got null");
}

static void test_null_for_non_nullable(void **state)
{
    thing_t *t = NULL;

    (void)state;
    /* Tolerated by default... */
    t = parse_thing("{\"id\":null,\"verified\":null,\"tags\":null}", 0);
    assert_null(t->id);
    assert_int_equal(t->verified.state, CLERK_NULL);
    assert_int_equal(t->tags.state, CLERK_NULL);
    clerk__model_free(&thing_model, t);
    /* ...an error when strict. */
    expect_decode_error(
        "{\"id\":null}", CLERK_DECODE_STRICT, CLERK_E_DECODE, "$.id",
        "null for a non-nullable field");
    expect_decode_error(
        "{\"verified\":null}", CLERK_DECODE_STRICT, CLERK_E_DECODE,
        "$.verified", "null");
}

static void test_integers(void **state)
{
    thing_t *t = NULL;

    (void)state;
    expect_decode_error(
        "{\"created_at\":9007199254740993}", 0, CLERK_E_DECODE, "$.created_at",
        "range");
    expect_decode_error(
        "{\"created_at\":-9007199254740992}", 0, CLERK_E_DECODE, "$.created_at",
        "range");
    expect_decode_error(
        "{\"created_at\":1.5}", 0, CLERK_E_DECODE, "$.created_at", "fraction");
    expect_decode_error(
        "{\"created_at\":1e300}", 0, CLERK_E_DECODE, "$.created_at", "range");
    expect_decode_error(
        "{\"last_sign_in_at\":0.25}", 0, CLERK_E_DECODE, "$.last_sign_in_at",
        NULL);
    expect_decode_error(
        "{\"counts\":[1,2.5]}", 0, CLERK_E_DECODE, "$.counts[1]", NULL);
    t = parse_thing(
        "{\"created_at\":-9007199254740991,\"last_sign_in_at\":1e3}", 0);
    assert_true(t->created_at == -INT64_C(9007199254740991));
    assert_true(t->last_sign_in_at.value == 1000);
    clerk__model_free(&thing_model, t);
}

static void test_missing_required(void **state)
{
    thing_t *t = NULL;
    static const char complete[] =
        "{\"id\":\"u\",\"first_name\":\"F\",\"banned\":false,"
        "\"created_at\":1,\"score\":0,\"last_sign_in_at\":null,"
        "\"status\":\"verified\",\"email_addresses\":[]}";

    (void)state;
    t = parse_thing("{\"nickname\":\"n\"}", 0);
    assert_null(t->id);
    assert_int_equal(t->email_addresses.state, CLERK_UNSET);
    clerk__model_free(&thing_model, t);

    expect_decode_error(
        "{\"nickname\":\"n\"}", CLERK_DECODE_STRICT, CLERK_E_DECODE, "$.id",
        "required field missing");
    expect_decode_error(
        "{\"id\":\"u\",\"first_name\":\"F\",\"banned\":false,"
        "\"created_at\":1,\"score\":0,\"status\":\"verified\","
        "\"email_addresses\":[]}",
        CLERK_DECODE_STRICT, CLERK_E_DECODE, "$.last_sign_in_at",
        "required field missing");
    expect_decode_error(
        "{\"id\":\"u\",\"first_name\":\"F\",\"banned\":false,"
        "\"created_at\":1,\"score\":0,\"last_sign_in_at\":null,"
        "\"status\":\"verified\",\"email_addresses\":[{\"id\":\"i\","
        "\"verification\":null}]}",
        CLERK_DECODE_STRICT, CLERK_E_DECODE,
        "$.email_addresses[0].email_address", "required field missing");
    t = parse_thing(complete, CLERK_DECODE_STRICT);
    assert_string_equal(t->first_name, "F");
    clerk__model_free(&thing_model, t);
}

static void test_malformed(void **state)
{
    size_t n = 0;
    size_t len = strlen(full_doc);
    void *out = NULL;
    clerk_json_error_t err;

    (void)state;
    /* Every proper prefix of the document is malformed. */
    for (n = 0; n < len; n += 7) {
        out = (void *)1;
        assert_int_equal(
            clerk__model_parse(&thing_model, &out, full_doc, n, 0, &err),
            CLERK_E_DECODE);
        assert_null(out);
        assert_string_equal(err.path, "$");
    }
    expect_decode_error("{\"id\":\"u\"", 0, CLERK_E_DECODE, "$", "malformed");
    expect_decode_error(
        "{\"id\":\"u\"} x", 0, CLERK_E_DECODE, "$", "unexpected data");
    expect_decode_error("", 0, CLERK_E_DECODE, "$", "empty");
    /* Length-bounded: the bytes after len are not read. */
    out = NULL;
    assert_int_equal(
        clerk__model_parse(&thing_model, &out, "{}garbage", 2, 0, NULL),
        CLERK_OK);
    clerk__model_free(&thing_model, out);
    out = NULL;
    assert_int_equal(
        clerk__model_parse(&thing_model, &out, "{}\n", 3, 0, NULL), CLERK_OK);
    clerk__model_free(&thing_model, out);
}

/* `depth` nested arrays around 1 inside public_metadata, or extras. */
static char *nested_doc(const char *field, size_t depth)
{
    size_t cap = strlen(field) + 2 * depth + 32;
    char *s = malloc(cap);
    size_t n = 0;
    size_t i = 0;

    assert_non_null(s);
    n = (size_t)snprintf(s, cap, "{\"%s\":", field);
    for (i = 0; i < depth; i++) {
        s[n++] = '[';
    }
    s[n++] = '1';
    for (i = 0; i < depth; i++) {
        s[n++] = ']';
    }
    s[n++] = '}';
    s[n] = '\0';
    return s;
}

static void test_nesting_limit(void **state)
{
    char *doc = NULL;
    thing_t *t = NULL;

    (void)state;
    /* Root object (1) + metadata containers: 63 more is the limit. */
    doc = nested_doc("public_metadata", CLERK__MAX_DEPTH - 1);
    t = parse_thing(doc, 0);
    assert_true(cJSON_IsArray(t->public_metadata));
    clerk__model_free(&thing_model, t);
    free(doc);

    doc = nested_doc("public_metadata", CLERK__MAX_DEPTH);
    expect_decode_error(
        doc, 0, CLERK_E_DECODE, "$.public_metadata", "nesting deeper than 64");
    free(doc);

    /* Inside an array of free-form values (one level deeper). */
    doc = nested_doc("extras", CLERK__MAX_DEPTH);
    expect_decode_error(doc, 0, CLERK_E_DECODE, "$.extras[0]", "nesting");
    free(doc);

    /* Far beyond anything: cJSON's own limit or ours, never a crash. */
    doc = nested_doc("public_metadata", 5000);
    expect_decode_error(doc, 0, CLERK_E_DECODE, "$", NULL);
    free(doc);
}

/* An array whose items are arrays of the same type, without end. */
static const clerk__type_t endless_type = { CLERK__K_ARRAY,
                                            sizeof(clerk__array_t), NULL,
                                            &endless_type, NULL };

static void test_nesting_limit_typed(void **state)
{
    char *doc = NULL;
    void *out = NULL;
    clerk_json_error_t err;

    (void)state;
    /* Exactly the limit of containers is fine with items that are empty
     * arrays at the bottom. */
    doc = malloc(2 * CLERK__MAX_DEPTH + 1);
    assert_non_null(doc);
    memset(doc, '[', CLERK__MAX_DEPTH);
    memset(doc + CLERK__MAX_DEPTH, ']', CLERK__MAX_DEPTH);
    doc[2 * CLERK__MAX_DEPTH] = '\0';
    assert_int_equal(
        clerk__value_parse(
            &endless_type, &out, doc, 2 * CLERK__MAX_DEPTH, 0, &err),
        CLERK_OK);
    clerk__value_free(&endless_type, out);
    out = NULL;
    doc = realloc(doc, 2 * CLERK__MAX_DEPTH + 3);
    assert_non_null(doc);
    memset(doc, '[', CLERK__MAX_DEPTH + 1);
    memset(doc + CLERK__MAX_DEPTH + 1, ']', CLERK__MAX_DEPTH + 1);
    assert_int_equal(
        clerk__value_parse(
            &endless_type, &out, doc, 2 * CLERK__MAX_DEPTH + 2, 0, &err),
        CLERK_E_DECODE);
    assert_non_null(strstr(err.reason, "nesting"));
    assert_null(out);
    free(doc);
}

static void test_unions(void **state)
{
    thing_t *t = NULL;

    (void)state;
    /* Unknown tag: never decoded as another member (although otp would
     * decode it); lenient decoding keeps the object as received, and
     * encoding writes it back unchanged. */
    t = parse_thing(
        "{\"primary\":{\"verification\":{\"object\":\"verification_new\","
        "\"status\":\"verified\",\"attempts\":1}}}",
        0);
    assert_int_equal(t->primary->verification->kind, VERIFICATION_UNKNOWN);
    assert_string_equal(
        cJSON_GetObjectItem(t->primary->verification->as.unknown, "object")
            ->valuestring,
        "verification_new");
    {
        char *text = clerk__model_print(&verification_model, t->primary->verification);

        assert_string_equal(
            text, "{\"object\":\"verification_new\",\"status\":"
                  "\"verified\",\"attempts\":1}");
        cJSON_free(text);
    }
    clerk__model_free(&thing_model, t);
    /* A tag that is no string is unknown too. */
    t = parse_thing(
        "{\"primary\":{\"verification\":{\"object\":7}}}", 0);
    assert_int_equal(t->primary->verification->kind, VERIFICATION_UNKNOWN);
    clerk__model_free(&thing_model, t);
    /* No tag: matching; without attempts only admin has all its required
     * fields but the tag, otp lacks two. */
    t = parse_thing(
        "{\"primary\":{\"verification\":{\"status\":\"verified\"}}}", 0);
    assert_int_equal(t->primary->verification->kind, VERIFICATION_ADMIN);
    clerk__model_free(&thing_model, t);
    /* Strict: an unknown tag is an error at the tag; a missing one falls
     * back to matching, and the closest member says what is missing. */
    expect_decode_error(
        "{\"primary\":{\"verification\":{\"object\":\"verification_new\"}}}",
        CLERK_DECODE_STRICT, CLERK_E_DECODE, "$.primary.verification.object",
        "unknown object");
    expect_decode_error(
        "{\"primary\":{\"verification\":{}}}", CLERK_DECODE_STRICT,
        CLERK_E_DECODE, "$.primary.verification.object",
        "required field missing");
    /* A known tag decodes that member; its errors are reported. */
    expect_decode_error(
        "{\"primary\":{\"verification\":{\"object\":\"verification_admin\","
        "\"status\":[]}}}",
        0, CLERK_E_DECODE, "$.primary.verification.status", NULL);
    /* Without discriminator: the first member with its required fields,
     * then (lenient) the first that decodes at all. */
    t = parse_thing("{\"identity\":{\"primary\":false}}", 0);
    assert_int_equal(t->identity->kind, 1);
    assert_null(t->identity->as.by_email->email);
    clerk__model_free(&thing_model, t);
    expect_decode_error(
        "{\"identity\":{\"primary\":false}}", CLERK_DECODE_STRICT,
        CLERK_E_DECODE, "$.identity.phone", "required field missing");
    expect_decode_error(
        "{\"identities\":[{\"email\":\"a\"},\"x\"]}", 0, CLERK_E_DECODE,
        "$.identities[1]", "expected object, got string");
}

/* Two members told apart only by their enum values. */
static const char *const alpha_values[] = { "alpha" };
static const char *const beta_values[] = { "beta" };
static const clerk__enum_t alpha_enum = { "Alpha", alpha_values, 1 };
static const clerk__enum_t beta_enum = { "Beta", beta_values, 1 };
static const clerk__type_t alpha_type = { CLERK__K_ENUM, sizeof(clerk_enum_t),
                                          NULL, NULL, &alpha_enum };
static const clerk__type_t beta_type = { CLERK__K_ENUM, sizeof(clerk_enum_t),
                                         NULL, NULL, &beta_enum };
static const clerk__field_t alpha_fields[] = {
    { "kind", 0, &alpha_type, CLERK__F_REQUIRED, 0 },
};
static const clerk__field_t beta_fields[] = {
    { "kind", 0, &beta_type, CLERK__F_REQUIRED, 0 },
};
static const clerk__model_t alpha_model = {
    "A", sizeof(clerk_enum_t), alpha_fields, 1, NULL, 0, NULL, NULL
};
static const clerk__model_t beta_model = {
    "B", sizeof(clerk_enum_t), beta_fields, 1, NULL, 0, NULL, NULL
};
static const clerk__type_t alpha_obj = { CLERK__K_OBJ, sizeof(void *),
                                         &alpha_model, NULL, NULL };
static const clerk__type_t beta_obj = { CLERK__K_OBJ, sizeof(void *),
                                        &beta_model, NULL, NULL };
static const clerk__variant_t ab_variants[] = { { NULL, &alpha_obj },
                                                { NULL, &beta_obj } };
static const clerk__model_t ab_model = {
    "AB", sizeof(clerk__union_t), NULL, 0, ab_variants, 2, NULL, NULL
};

static void test_union_by_enum(void **state)
{
    void *out = NULL;
    clerk__union_t *u = NULL;
    clerk_json_error_t err;

    (void)state;
    assert_int_equal(
        clerk__model_parse(&ab_model, &out, "{\"kind\":\"beta\"}", 15, 0, NULL),
        CLERK_OK);
    u = out;
    assert_int_equal(u->kind, 2);
    assert_int_equal(((clerk_enum_t *)u->value)->value, 1);
    clerk__model_free(&ab_model, out);
    /* An unknown value matches no member exactly: lenient takes the
     * first, keeping the string; strict refuses. */
    assert_int_equal(
        clerk__model_parse(
            &ab_model, &out, "{\"kind\":\"gamma\"}", 16, 0, NULL),
        CLERK_OK);
    u = out;
    assert_int_equal(u->kind, 1);
    assert_string_equal(((clerk_enum_t *)u->value)->raw, "gamma");
    clerk__model_free(&ab_model, out);
    assert_int_equal(
        clerk__model_parse(
            &ab_model, &out, "{\"kind\":\"gamma\"}", 16, CLERK_DECODE_STRICT,
            &err),
        CLERK_E_DECODE);
    assert_null(out);
    /* The closest member's own complaint. */
    assert_string_equal(err.path, "$.kind");
    assert_non_null(strstr(err.reason, "unknown value of Alpha"));
}

static void test_value_parse_array(void **state)
{
    void *out = NULL;
    thing_array_t *arr = NULL;
    clerk_json_error_t err;
    static const char doc[] =
        "[{\"id\":\"a\"},{\"id\":\"b\",\"tags\":[\"t\"]}]";
    cJSON *json = NULL;
    static const char bad[] = "[{\"id\":\"a\"},{\"id\":3}]";

    (void)state;
    assert_int_equal(
        clerk__value_parse(&thing_array_type, &out, doc, strlen(doc), 0, &err),
        CLERK_OK);
    arr = out;
    assert_int_equal(arr->count, 2);
    assert_string_equal(arr->items[1].id, "b");
    assert_string_equal(arr->items[1].tags.items[0], "t");
    assert_int_equal(
        clerk__value_to_json(&thing_array_type, &json, arr, &err),
        CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$[0].last_sign_in_at");
    clerk__value_free(&thing_array_type, arr);

    out = (void *)1;
    assert_int_equal(
        clerk__value_parse(&thing_array_type, &out, bad, strlen(bad), 0, &err),
        CLERK_E_DECODE);
    assert_null(out);
    assert_string_equal(err.path, "$[1].id");

    /* A top-level model through the K_OBJ type. */
    assert_int_equal(
        clerk__value_parse(&thing_type, &out, "{\"id\":\"x\"}", 10, 0, NULL),
        CLERK_OK);
    assert_string_equal(((thing_t *)out)->id, "x");
    clerk__value_free(&thing_type, out);

    /* A null array at the top. */
    assert_int_equal(
        clerk__value_parse(&clerk__type_str_array, &out, "null", 4, 0, NULL),
        CLERK_OK);
    assert_int_equal(((clerk_str_array_t *)out)->state, CLERK_NULL);
    clerk__value_free(&clerk__type_str_array, out);
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

static void test_round_trip(void **state)
{
    thing_t *t = NULL;
    cJSON *in = NULL;
    cJSON *json = NULL;
    clerk_json_error_t err;
    char *text = NULL;
    void *again = NULL;

    (void)state;
    t = parse_thing(full_doc, 0);
    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, t, &err), CLERK_OK);
    in = cJSON_Parse(full_doc);
    assert_non_null(in);
    cJSON_DeleteItemFromObjectCaseSensitive(in, "unknown_field");
    assert_true(cJSON_Compare(in, json, 1));
    /* Spec order is kept: the first keys come out in table order. */
    assert_string_equal(json->child->string, "id");
    assert_string_equal(json->child->next->string, "first_name");

    /* print -> parse -> print is stable. */
    text = clerk__model_print(&thing_model, t);
    assert_non_null(text);
    assert_int_equal(
        clerk__model_parse(&thing_model, &again, text, strlen(text), 0, NULL),
        CLERK_OK);
    cJSON_Delete(json);
    json = NULL;
    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, again, NULL), CLERK_OK);
    assert_true(cJSON_Compare(in, json, 1));

    cJSON_free(text);
    cJSON_Delete(in);
    cJSON_Delete(json);
    clerk__model_free(&thing_model, again);
    clerk__model_free(&thing_model, t);
}

/* A minimal valid request value. */
static void fill_request(thing_t *t, email_t *e, verification_t *v, otp_t *o)
{
    memset(t, 0, sizeof(*t));
    memset(e, 0, sizeof(*e));
    memset(v, 0, sizeof(*v));
    memset(o, 0, sizeof(*o));
    t->id = "u";
    t->created_at = 42;
    t->status = CLERK_ENUM(2);
    t->last_sign_in_at = CLERK_INT_NULL;
    e->id = "e";
    e->email_address = "x@y.z";
    e->verification = v;
    v->kind = VERIFICATION_OTP;
    v->as.otp = o;
    o->object = "verification_otp";
    o->status = CLERK_ENUM(1);
    o->attempts = CLERK_INT(3);
    t->email_addresses.items = e;
    t->email_addresses.count = 1;
}

static void expect_encode_error(
    const thing_t *t,
    clerk_status_t want,
    const char *path,
    const char *reason_part)
{
    cJSON *json = (cJSON *)1;
    clerk_json_error_t err;

    assert_int_equal(clerk__model_to_json(&thing_model, &json, t, &err), want);
    assert_null(json);
    assert_string_equal(err.path, path);
    if (reason_part != NULL && strstr(err.reason, reason_part) == NULL) {
        fail_msg("reason '%s' lacks '%s'", err.reason, reason_part);
    }
}

static void test_encode_request(void **state)
{
    thing_t t;
    email_t e;
    verification_t v;
    otp_t o;
    cJSON *json = NULL;
    cJSON *want = NULL;
    clerk_file_t file = { "a.png", NULL, "x", 1, NULL };

    (void)state;
    fill_request(&t, &e, &v, &o);
    t.file = &file; /* never part of JSON */
    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, &t, NULL), CLERK_OK);
    want = cJSON_Parse(
        "{\"id\":\"u\",\"first_name\":null,\"banned\":false,"
        "\"created_at\":42,\"score\":0,\"last_sign_in_at\":null,"
        "\"status\":\"unverified\",\"email_addresses\":[{\"id\":\"e\","
        "\"email_address\":\"x@y.z\",\"verification\":{\"object\":"
        "\"verification_otp\",\"status\":\"verified\",\"attempts\":3}}]}");
    assert_non_null(want);
    assert_true(cJSON_Compare(want, json, 1));
    cJSON_Delete(json);
    cJSON_Delete(want);

    /* Explicit nulls, explicit empty arrays, raw enums. */
    fill_request(&t, &e, &v, &o);
    t.locale = CLERK_STR_NULL;
    t.verified = CLERK_BOOL(true);
    t.ratio = CLERK_DOUBLE_NULL;
    t.primary_is_null = true;
    t.tags.state = CLERK_SET;
    t.weights.state = CLERK_NULL;
    t.status.raw = "custom";
    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, &t, NULL), CLERK_OK);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "locale")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(json, "verified")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "ratio")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "primary")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(json, "tags")), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "weights")));
    assert_null(cJSON_GetObjectItem(json, "counts"));
    assert_string_equal(
        cJSON_GetObjectItem(json, "status")->valuestring, "custom");
    cJSON_Delete(json);
}

static void test_encode_errors(void **state)
{
    thing_t t;
    email_t e;
    verification_t v;
    otp_t o;
    identity_t idn = { 0, { NULL } };

    (void)state;
    fill_request(&t, &e, &v, &o);
    t.id = NULL;
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.id", "required");

    fill_request(&t, &e, &v, &o);
    e.email_address = NULL;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.email_addresses[0].email_address",
        "required");

    fill_request(&t, &e, &v, &o);
    t.status.state = CLERK_UNSET;
    t.status.value = 0;
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.status", "required");

    fill_request(&t, &e, &v, &o);
    t.status.value = 4;
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.status", "out of range");

    fill_request(&t, &e, &v, &o);
    t.last_sign_in_at.state = CLERK_UNSET;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.last_sign_in_at", "required");

    fill_request(&t, &e, &v, &o);
    t.email_addresses.count = 0;
    t.email_addresses.items = NULL;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.email_addresses", "required");

    fill_request(&t, &e, &v, &o);
    t.created_at = INT64_C(9007199254740992);
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.created_at", "2^53");

    fill_request(&t, &e, &v, &o);
    o.attempts = CLERK_INT(-INT64_C(9007199254740993));
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.email_addresses[0].verification.attempts",
        "2^53");

    fill_request(&t, &e, &v, &o);
    v.kind = VERIFICATION_NONE;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.email_addresses[0].verification", "union");

    fill_request(&t, &e, &v, &o);
    t.identity = &idn;
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.identity", "union");

    fill_request(&t, &e, &v, &o);
    t.tags.count = 2;
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.tags", "items");

    fill_request(&t, &e, &v, &o);
    t.score = INFINITY;
    expect_encode_error(&t, CLERK_E_INVALID_ARG, "$.score", "finite");

    /* The lenient encoder (tests, printing) omits what is missing. */
    fill_request(&t, &e, &v, &o);
    t.id = NULL;
    t.status.state = CLERK_UNSET;
    t.status.value = 0;
    {
        const thing_t *tp = &t;
        cJSON *json = NULL;
        assert_int_equal(
            clerk__encode_root(
                &thing_type, &tp, &json, CLERK__ENCODE_ALLOW_MISSING, NULL),
            CLERK_OK);
        assert_null(cJSON_GetObjectItem(json, "id"));
        assert_null(cJSON_GetObjectItem(json, "status"));
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(json, "first_name")));
        cJSON_Delete(json);
    }

    /* Printing makes the checks of encoding: a missing required field,
     * at the top or nested, prints nothing (issue 14). */
    fill_request(&t, &e, &v, &o);
    t.id = NULL;
    assert_null(clerk__model_print(&thing_model, &t));
    fill_request(&t, &e, &v, &o);
    e.id = NULL;
    assert_null(clerk__model_print(&thing_model, &t));
    fill_request(&t, &e, &v, &o);
    {
        char *text = clerk__model_print(&thing_model, &t);
        assert_non_null(text);
        assert_non_null(strstr(text, "\"id\":\"e\""));
        cJSON_free(text);
    }

    /* A required nullable union pointer left NULL encodes as null. */
    fill_request(&t, &e, &v, &o);
    e.verification = NULL;
    {
        cJSON *json = NULL;
        assert_int_equal(
            clerk__model_to_json(&thing_model, &json, &t, NULL), CLERK_OK);
        assert_true(cJSON_IsNull(cJSON_GetObjectItem(
            cJSON_GetArrayItem(cJSON_GetObjectItem(json, "email_addresses"), 0),
            "verification")));
        cJSON_Delete(json);
    }
}

static void test_null_safety(void **state)
{
    void *out = (void *)1;
    cJSON *json = (cJSON *)1;

    (void)state;
    clerk__model_free(&thing_model, NULL);
    clerk__model_free(NULL, NULL);
    clerk__value_free(&thing_array_type, NULL);
    clerk__value_free(NULL, NULL);
    assert_int_equal(
        clerk__model_from_json(&thing_model, &out, NULL, 0, NULL),
        CLERK_E_INVALID_ARG);
    assert_null(out);
    assert_int_equal(
        clerk__model_from_json(&thing_model, NULL, NULL, 0, NULL),
        CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, NULL, NULL),
        CLERK_E_INVALID_ARG);
    assert_null(json);
    assert_null(clerk__model_print(&thing_model, NULL));
    out = (void *)1;
    assert_int_equal(
        clerk__model_parse(&thing_model, &out, NULL, 0, 0, NULL),
        CLERK_E_DECODE);
    assert_null(out);
}

/* ------------------------------------------------------------------ */
/* Numbers: what is printed reads back as the same double               */
/* ------------------------------------------------------------------ */

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof(a)) == 0;
}

static void expect_number_text(double v, const char *want)
{
    char text[40];

    clerk__format_double(v, text, sizeof(text));
    assert_string_equal(text, want);
}

static void test_number_text(void **state)
{
    static const double specials[] = {
        DBL_MAX,
        -DBL_MAX,
        DBL_MIN,
        -DBL_MIN,
        DBL_TRUE_MIN,
        0.1 + 0.2,
        1.0 / 3.0,
        2.0 / 3.0,
        1e-7,
        123456789.125,
        9007199254740991.0,
        9007199254740992.0,
        9007199254740993.0,
        -9007199254740991.0,
        1e21,
        1e22,
        4.35,
        0.0,
        -0.0,
        1.5,
        -2.5e-300,
        6.02214076e23,
    };
    char text[40];
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15);
    double v = 0.0;
    char *end = NULL;
    size_t i = 0;

    (void)state;
    /* Shortest form where it exists; never cJSON's 15-digit rounding. */
    expect_number_text(DBL_MAX, "1.7976931348623157e+308");
    expect_number_text(-DBL_MAX, "-1.7976931348623157e+308");
    expect_number_text(0.1, "0.1");
    expect_number_text(0.1 + 0.2, "0.30000000000000004");
    expect_number_text(9007199254740991.0, "9007199254740991");
    expect_number_text(-42.0, "-42");
    expect_number_text(1.5, "1.5");
    expect_number_text(-0.0, "-0");
    expect_number_text(0.0, "0");
    expect_number_text(1e300, "1e+300");
    expect_number_text(DBL_TRUE_MIN, "5e-324");
    expect_number_text(1e-7, "1e-07");
    for (i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
        clerk__format_double(specials[i], text, sizeof(text));
        v = strtod(text, &end);
        assert_int_equal(*end, '\0');
        if (!same_double(v, specials[i])) {
            fail_msg(
                "%.17g printed as %s reads back as %.17g", specials[i], text,
                v);
        }
    }
    /* Any finite bit pattern (xorshift64, fixed seed). */
    for (i = 0; i < 50000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        memcpy(&v, &x, sizeof(v));
        if (!isfinite(v)) {
            continue;
        }
        clerk__format_double(v, text, sizeof(text));
        if (!same_double(strtod(text, NULL), v)) {
            fail_msg("%.17g printed as %s does not read back", v, text);
        }
    }
}

/* Numbers in a request body, modelled and free-form, through the printer
 * and the decoder. */
static void test_number_round_trip(void **state)
{
    thing_t t;
    email_t e;
    verification_t v;
    otp_t o;
    double weights[] = { 0.1 + 0.2, 9007199254740991.0, DBL_TRUE_MIN,
                         -1.0 / 3.0 };
    thing_t *back = NULL;
    char *text = NULL;
    size_t len = 0;
    cJSON *json = NULL;
    size_t i = 0;

    (void)state;
    fill_request(&t, &e, &v, &o);
    t.score = DBL_MAX;
    t.ratio = CLERK_DOUBLE(-DBL_MAX);
    t.weights.items = weights;
    t.weights.count = 4;
    t.public_metadata = cJSON_CreateObject();
    assert_non_null(cJSON_AddNumberToObject(t.public_metadata, "x", DBL_MAX));
    assert_non_null(cJSON_AddNumberToObject(t.public_metadata, "y", 0.1 + 0.2));

    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, &t, NULL), CLERK_OK);
    assert_int_equal(clerk__json_print(json, &text, &len), CLERK_OK);
    assert_int_equal(len, strlen(text));
    assert_non_null(strstr(text, "\"score\":1.7976931348623157e+308"));
    back = parse_thing(text, 0);
    assert_true(same_double(back->score, DBL_MAX));
    assert_true(same_double(back->ratio.value, -DBL_MAX));
    assert_int_equal(back->weights.count, 4);
    for (i = 0; i < 4; i++) {
        assert_true(same_double(back->weights.items[i], weights[i]));
    }
    assert_true(same_double(
        cJSON_GetObjectItem(back->public_metadata, "x")->valuedouble, DBL_MAX));
    assert_true(same_double(
        cJSON_GetObjectItem(back->public_metadata, "y")->valuedouble,
        0.1 + 0.2));
    cJSON_free(text);
    clerk__model_free(&thing_model, back);

    /* clerk__model_print goes the same way. */
    text = clerk__model_print(&thing_model, &t);
    assert_non_null(text);
    back = parse_thing(text, 0);
    assert_true(same_double(back->score, DBL_MAX));
    cJSON_free(text);
    clerk__model_free(&thing_model, back);
    cJSON_Delete(json);
    cJSON_Delete(t.public_metadata);
}

/* The printer writes everything but numbers exactly as cJSON does. */
static void test_printer_matches_cjson(void **state)
{
    char bytes[256];
    cJSON *root = NULL;
    cJSON *inner = NULL;
    char *ours = NULL;
    char *theirs = NULL;
    int i = 0;

    (void)state;
    for (i = 1; i < 256; i++) {
        bytes[i - 1] = (char)i;
    }
    bytes[255] = '\0';
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "all bytes", bytes);
    cJSON_AddStringToObject(root, "k\"e\\y\n", "");
    cJSON_AddItemToObject(root, "empty_a", cJSON_CreateArray());
    cJSON_AddItemToObject(root, "empty_o", cJSON_CreateObject());
    cJSON_AddTrueToObject(root, "t");
    cJSON_AddFalseToObject(root, "f");
    cJSON_AddNullToObject(root, "n");
    cJSON_AddRawToObject(root, "raw", "[1, 2 ]");
    cJSON_AddNumberToObject(root, "int", -123456);
    cJSON_AddNumberToObject(root, "half", 0.5);
    inner = cJSON_CreateArray();
    cJSON_AddItemToArray(inner, cJSON_CreateObject());
    cJSON_AddItemToArray(inner, cJSON_CreateArray());
    cJSON_AddItemToArray(inner, cJSON_CreateString("\xc3\xa9\x7f"));
    cJSON_AddItemToArray(
        cJSON_GetArrayItem(inner, 1), cJSON_CreateNumber(1e300));
    cJSON_AddItemToObject(root, "nested", inner);

    assert_int_equal(clerk__json_print(root, &ours, NULL), CLERK_OK);
    theirs = cJSON_PrintUnformatted(root);
    assert_string_equal(ours, theirs);
    cJSON_free(ours);
    cJSON_free(theirs);
    /* A scalar root, and a subtree whose siblings are not printed. */
    assert_int_equal(
        clerk__json_print(cJSON_GetObjectItem(root, "t"), &ours, NULL),
        CLERK_OK);
    assert_string_equal(ours, "true");
    cJSON_free(ours);
    assert_int_equal(clerk__json_print(inner, &ours, NULL), CLERK_OK);
    assert_string_equal(ours, "[{},[1e+300],\"\xc3\xa9\x7f\"]");
    cJSON_free(ours);
    cJSON_Delete(root);
}

/* ------------------------------------------------------------------ */
/* Free-form values nested too deep are refused, never recursed into    */
/* ------------------------------------------------------------------ */

/* `depth` arrays each holding the next; built and freed without
 * recursion (cJSON_Delete would recurse once per level). */
static cJSON *nested_arrays(size_t depth)
{
    cJSON *root = cJSON_CreateArray();
    cJSON *cur = root;
    cJSON *next = NULL;
    size_t i = 0;

    assert_non_null(root);
    for (i = 1; i < depth; i++) {
        next = cJSON_CreateArray();
        assert_non_null(next);
        assert_true(cJSON_AddItemToArray(cur, next));
        cur = next;
    }
    return root;
}

static void delete_nested(cJSON *node)
{
    cJSON *child = NULL;

    while (node != NULL) {
        child = node->child;
        node->child = NULL;
        cJSON_Delete(node);
        node = child;
    }
}

static void test_free_form_depth(void **state)
{
    thing_t t;
    email_t e;
    verification_t v;
    otp_t o;
    cJSON *json = (cJSON *)1;
    cJSON *back = NULL;
    cJSON *deep = NULL;
    char *text = NULL;
    clerk_json_error_t err;

    (void)state;
    /* A million levels: measured iteratively, refused with the path. */
    deep = nested_arrays(1000000);
    assert_int_equal(clerk__json_depth(deep, 1000), 1001);
    assert_int_equal(clerk__json_depth(deep, 5), 6);
    assert_int_equal(clerk__json_print(deep, &text, NULL), CLERK_E_INVALID_ARG);
    assert_null(text);
    fill_request(&t, &e, &v, &o);
    t.public_metadata = deep;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.public_metadata", "nested deeper");
    assert_null(clerk__model_print(&thing_model, &t));
    delete_nested(deep);

    /* The document may be as deep as cJSON reads: public_metadata sits in
     * one object, so it may nest 999 levels and not 1000. */
    deep = nested_arrays(CJSON_NESTING_LIMIT - 1);
    assert_int_equal(clerk__json_depth(deep, 1000), CJSON_NESTING_LIMIT - 1);
    t.public_metadata = deep;
    assert_int_equal(
        clerk__model_to_json(&thing_model, &json, &t, &err), CLERK_OK);
    assert_int_equal(clerk__json_print(json, &text, NULL), CLERK_OK);
    back = cJSON_Parse(text);
    assert_non_null(back); /* within cJSON's own nesting limit */
    cJSON_free(text);
    cJSON_Delete(back);
    cJSON_Delete(json);
    delete_nested(deep);

    deep = nested_arrays(CJSON_NESTING_LIMIT);
    t.public_metadata = deep;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.public_metadata", "nested deeper");
    delete_nested(deep);

    /* Items of `extras` sit in an object and an array. */
    deep = nested_arrays(CJSON_NESTING_LIMIT - 1);
    t.public_metadata = NULL;
    t.extras.items = &deep;
    t.extras.count = 1;
    expect_encode_error(
        &t, CLERK_E_INVALID_ARG, "$.extras[0]", "nested deeper");
    delete_nested(deep);
}

/* ------------------------------------------------------------------ */
/* Out of memory: every allocation failing in turn leaks nothing        */
/* ------------------------------------------------------------------ */

static long alloc_budget = -1; /* -1: unlimited */

static void *failing_malloc(size_t size)
{
    if (alloc_budget == 0) {
        return NULL;
    }
    if (alloc_budget > 0) {
        alloc_budget--;
    }
    return malloc(size);
}

static void test_out_of_memory(void **state)
{
    cJSON_Hooks hooks = { failing_malloc, free };
    long n = 0;
    void *out = NULL;
    clerk_status_t st = CLERK_OK;
    int saw_ok = 0;
    int saw_nomem = 0;

    (void)state;
    cJSON_InitHooks(&hooks);
    for (n = 0; n < 2000 && !saw_ok; n++) {
        alloc_budget = n;
        out = NULL;
        st = clerk__model_parse(
            &thing_model, &out, full_doc, strlen(full_doc), 0, NULL);
        if (st == CLERK_OK) {
            saw_ok = 1;
            clerk__model_free(&thing_model, out);
        } else {
            /* cJSON reports its own allocation failures as bad JSON. */
            assert_true(st == CLERK_E_NOMEM || st == CLERK_E_DECODE);
            saw_nomem |= st == CLERK_E_NOMEM;
            assert_null(out);
        }
    }
    alloc_budget = -1;
    cJSON_InitHooks(NULL);
    assert_true(saw_ok);
    assert_true(saw_nomem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_every_kind),
        cmocka_unit_test(test_from_json_leaves_tree_alone),
        cmocka_unit_test(test_unknown_fields_and_order),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_opt_states),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_null_for_non_nullable),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_nesting_limit_typed),
        cmocka_unit_test(test_unions),
        cmocka_unit_test(test_union_by_enum),
        cmocka_unit_test(test_value_parse_array),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_encode_request),
        cmocka_unit_test(test_encode_errors),
        cmocka_unit_test(test_number_text),
        cmocka_unit_test(test_number_round_trip),
        cmocka_unit_test(test_printer_matches_cjson),
        cmocka_unit_test(test_free_form_depth),
        cmocka_unit_test(test_null_safety),
        cmocka_unit_test(test_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
