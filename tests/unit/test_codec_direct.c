/*
 * The direct decoder (JSON text -> C structs, src/codec_direct.c) against
 * the reference path (cJSON parse + tree walk): every document below is
 * decoded both ways, lenient and strict, and must give the same status,
 * error path and reason, C value and re-encoding (codec_diff.c).  The
 * documents: the full Thing document truncated at every byte, with every
 * byte replaced by interesting ones, with whitespace inserted everywhere;
 * string escapes and surrogates, raw control bytes and invalid UTF-8,
 * numbers (big, fractional, 1e400, -0, malformed), nesting at and around
 * both limits, duplicate keys, unions, BOM and trailing data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_diff.h"
#include "codec_fixtures.h"

static size_t checked;
static size_t failed;

/* Both paths, lenient and strict, on json[0..len). */
static void diff_len(const clerk__type_t *type, const char *json, size_t len)
{
    static const unsigned flag_sets[] = { 0, CLERK_DECODE_STRICT };
    char why[1024];
    size_t i = 0;

    for (i = 0; i < 2; i++) {
        checked++;
        if (!codec_diff(type, json, len, flag_sets[i], why, sizeof(why))) {
            failed++;
            if (failed <= 20) {
                print_error(
                    "differs (flags %u, %zu bytes): %s\n  doc: %.*s\n",
                    flag_sets[i], len, why, (int)(len > 300 ? 300 : len), json);
            }
        }
    }
}

static void diff(const clerk__type_t *type, const char *json)
{
    diff_len(type, json, strlen(json));
    /* With the terminating NUL counted, as some callers pass it. */
    diff_len(type, json, strlen(json) + 1);
}

static void expect_no_failures(void)
{
    print_message("%zu decodes compared, %zu differ\n", checked, failed);
    assert_int_equal(failed, 0);
    checked = 0;
    failed = 0;
}

/* A growable string for building documents. */
typedef struct buf {
    char *p;
    size_t len;
    size_t cap;
} buf_t;

static void buf_add(buf_t *b, const char *s, size_t n)
{
    char *p = NULL;

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        p = realloc(b->p, b->cap);
        assert_non_null(p);
        b->p = p;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->p != NULL) {
        b->p[0] = '\0';
    }
}

/* `tmpl` with every '@' replaced by `v`. */
static void fill(buf_t *b, const char *tmpl, const char *v)
{
    const char *at = NULL;

    buf_reset(b);
    while ((at = strchr(tmpl, '@')) != NULL) {
        buf_add(b, tmpl, (size_t)(at - tmpl));
        buf_str(b, v);
        tmpl = at + 1;
    }
    buf_str(b, tmpl);
}

/* ------------------------------------------------------------------ */

static void test_full_documents(void **state)
{
    buf_t b = { NULL, 0, 0 };

    (void)state;
    diff(&thing_type, full_doc);
    buf_str(&b, "[");
    buf_str(&b, full_doc);
    buf_str(&b, ",");
    buf_str(&b, full_doc);
    buf_str(&b, "]");
    diff(&thing_array_type, b.p);
    diff(&thing_array_type, "[]");
    diff(&thing_array_type, "null");
    diff(&thing_type, "null");
    diff(&thing_type, "{}");
    diff(&identity_array_type, "[{\"email\":\"a\"},{\"phone\":\"b\"}]");
    diff(&str_matrix_type, "[[\"a\"],[],null,[\"b\",\"c\"]]");
    diff(&email_array_type, "[{\"id\":\"x\"},null]");
    free(b.p);
    expect_no_failures();
}

static void test_truncated_at_every_byte(void **state)
{
    size_t len = strlen(full_doc);
    size_t i = 0;
    char *copy = malloc(len + 1);

    (void)state;
    assert_non_null(copy);
    for (i = 0; i <= len; i++) {
        /* An exact-length copy, so that no byte past the end is read. */
        memcpy(copy, full_doc, i);
        diff_len(&thing_type, copy, i);
    }
    free(copy);
    expect_no_failures();
}

static void test_every_byte_replaced(void **state)
{
    static const char repl[] = "\"\\{}[],:0-e.nx \t";
    size_t len = strlen(full_doc);
    char *copy = malloc(len + 1);
    size_t i = 0;
    size_t k = 0;

    (void)state;
    assert_non_null(copy);
    for (i = 0; i < len; i++) {
        for (k = 0; k < sizeof(repl); k++) { /* includes the NUL */
            memcpy(copy, full_doc, len + 1);
            copy[i] = repl[k];
            diff_len(&thing_type, copy, len);
        }
        memcpy(copy, full_doc, len + 1);
        copy[i] = (char)0xFF;
        diff_len(&thing_type, copy, len);
    }
    free(copy);
    expect_no_failures();
}

static void test_whitespace_everywhere(void **state)
{
    static const char spaces[] = { ' ',    '\n',   '\r', '\t',
                                   '\x01', '\x1f', '\0', '\x0b' };
    size_t len = strlen(full_doc);
    char *copy = malloc(len + 2);
    buf_t b = { NULL, 0, 0 };
    size_t i = 0;
    size_t k = 0;

    (void)state;
    assert_non_null(copy);
    for (i = 0; i <= len; i++) {
        for (k = 0; k < sizeof(spaces); k++) {
            memcpy(copy, full_doc, i);
            copy[i] = spaces[k];
            memcpy(copy + i + 1, full_doc + i, len - i);
            diff_len(&thing_type, copy, len + 1);
        }
    }
    /* Whitespace between every pair of bytes at once. */
    for (i = 0; i < len; i++) {
        buf_add(&b, full_doc + i, 1);
        buf_str(&b, " \n\t\r ");
    }
    diff_len(&thing_type, b.p, b.len);
    free(b.p);
    free(copy);
    expect_no_failures();
}

/* Bodies of JSON strings (between the quotes). */
static const char *const string_bodies[] = {
    "plain",
    "",
    "a\\\"b",
    "\\\\",
    "\\/",
    "\\b\\f\\n\\r\\t",
    "\\u0041",
    "\\u00e9\\u00E9",
    "\\u20AC",
    "\\u07ff\\u0800\\uffff",
    "\\uD83D\\uDE00",
    "\\ud83d\\ude00x",
    "\\uD83D",
    "\\uDE00",
    "\\uD83Dx",
    "\\uD83D\\u0041",
    "\\uD83D\\uD83D",
    "\\uD83D\\uDBFF",
    "\\uDBFF\\uDFFF",
    "\\uD800\\uDC00",
    "\\uD83D\\u",
    "\\uD83D\\uDE0",
    "\\u00ZZ",
    "\\uZZZZtail",
    "\\u12",
    "\\u",
    "\\x",
    "\\'",
    "\\U0041",
    "a\\u0000b",
    "\\u0000",
    "\x01\x02\x1f",
    "\xff\xfe",
    "\xc3\x28",
    "\xe2\x82",
    "\xf0\x9f\x98\x80",
    "\xed\xa0\x80",
    "\\u000\\\"x",
    "\\u000\\\\",
    "\\u00\\\\\\\\",
    "verified",
    "verification_otp",
    "verification_admin",
    "id",
    "status",
    "object",
};

/* Documents with '@' standing for a string body. */
static const char *const string_templates[] = {
    "{\"id\":\"@\",\"nickname\":\"@\"}",
    "{\"id\":\"x\",\"status\":\"@\"}",
    "{\"id\":\"x\",\"locale\":\"@\"}",
    "{\"@\":\"v\",\"id\":\"x\"}",
    "{\"id\":\"x\",\"@\":1,\"banned\":true}",
    "{\"id\":\"x\",\"public_metadata\":{\"@\":\"@\"}}",
    "{\"id\":\"x\",\"tags\":[\"@\",\"@\"],\"history\":[\"@\"]}",
    ("{\"id\":\"x\",\"primary\":{\"verification\":{\"object\":\"@\","
     "\"status\":\"@\"}}}"),
    "{\"id\":\"x\",\"identity\":{\"@\":\"@\"}}",
    "{\"id\":\"x\",\"identities\":[{\"email\":\"@\",\"@\":true}]}",
    "{\"id\":\"x\",\"extras\":[\"@\",{\"@\":[\"@\"]}]}",
};

static void test_strings(void **state)
{
    buf_t b = { NULL, 0, 0 };
    size_t i = 0;
    size_t j = 0;
    char raw[] = "{\"id\":\"a\0b\",\"tags\":[\"\0\"],\"\0k\":1}";

    (void)state;
    for (i = 0; i < sizeof(string_templates) / sizeof(string_templates[0]);
         i++) {
        for (j = 0; j < sizeof(string_bodies) / sizeof(string_bodies[0]); j++) {
            fill(&b, string_templates[i], string_bodies[j]);
            diff(&thing_type, b.p);
        }
    }
    for (j = 0; j < sizeof(string_bodies) / sizeof(string_bodies[0]); j++) {
        fill(&b, "\"@\"", string_bodies[j]);
        diff(&clerk__type_str, b.p);
        diff(&status_type, b.p);
        diff(&clerk__type_json, b.p);
    }
    /* Raw NUL bytes inside strings and keys. */
    diff_len(&thing_type, raw, sizeof(raw) - 1);
    /* Unterminated and backslash-ended strings at the end of the input. */
    diff(&thing_type, "{\"id\":\"abc");
    diff(&thing_type, "{\"id\":\"abc\\");
    diff(&thing_type, "{\"id\":\"abc\\\"");
    diff(&thing_type, "{\"id");
    diff(&thing_type, "{\"id\\");
    diff(&clerk__type_str, "\"");
    diff(&clerk__type_str, "\"\\");
    free(b.p);
    expect_no_failures();
}

static const char *const numbers[] = {
    "0",
    "-0",
    "1",
    "-1",
    "01",
    "-01",
    "00",
    "1.",
    "1.5",
    "-.5",
    ".5",
    "1e5",
    "1E+5",
    "1e-5",
    "1e",
    "1e+",
    "1e-",
    "1.e3",
    "1-2",
    "1+2",
    "--1",
    "-",
    "+1",
    "-+1",
    "1..2",
    "1.2.3",
    "1ee2",
    "1e2e3",
    "9007199254740991",
    "9007199254740992",
    "-9007199254740991",
    "-9007199254740992",
    "9007199254740993",
    "1e400",
    "-1e400",
    "1e-400",
    "123456789012345",
    "-123456789012345",
    "1234567890123456",
    "12345678901234567890",
    "99999999999999999999999999999999999999999999999999999999999999999999",
    "0.000000000000000000000000000000000000000000000000000000000000000001",
    "1700000000123",
    "1700000000123.0",
    "1.00000000000000000000001",
    "0.1",
    "2.5e-3",
    "4.9e-324",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "0x10",
    "1_000",
    "Infinity",
    "-Infinity",
    "NaN",
    "nan",
    "-inf",
    "1 2",
    "2.",
    "-0.0",
    "-0e0",
    "3e2",
    "12e-1",
};

static const char *const number_templates[] = {
    "{\"id\":\"x\",\"created_at\":@}",
    "{\"id\":\"x\",\"score\":@,\"ratio\":@}",
    "{\"id\":\"x\",\"last_sign_in_at\":@}",
    "{\"id\":\"x\",\"counts\":[@,@],\"weights\":[@]}",
    "{\"id\":\"x\",\"public_metadata\":{\"n\":@},\"extras\":[@]}",
    "{\"id\":\"x\",\"unknown\":@,\"banned\":true}",
    "{\"id\":\"x\",\"identity\":{\"phone\":@}}",
    ("{\"id\":\"x\",\"primary\":{\"verification\":{\"object\":"
     "\"verification_otp\",\"attempts\":@}}}"),
};

static void test_numbers(void **state)
{
    buf_t b = { NULL, 0, 0 };
    size_t i = 0;
    size_t j = 0;

    (void)state;
    for (i = 0; i < sizeof(number_templates) / sizeof(number_templates[0]);
         i++) {
        for (j = 0; j < sizeof(numbers) / sizeof(numbers[0]); j++) {
            fill(&b, number_templates[i], numbers[j]);
            diff(&thing_type, b.p);
        }
    }
    for (j = 0; j < sizeof(numbers) / sizeof(numbers[0]); j++) {
        diff(&clerk__type_int, numbers[j]);
        diff(&clerk__type_num, numbers[j]);
        diff(&clerk__type_opt_int, numbers[j]);
        diff(&clerk__type_json, numbers[j]);
        fill(&b, "[@]", numbers[j]);
        diff(&clerk__type_int_array, b.p);
        diff(&clerk__type_num_array, b.p);
    }
    free(b.p);
    expect_no_failures();
}

/* `depth` nested arrays (or objects with key "a") around `inner`. */
static void nest(buf_t *b, size_t depth, int objects, const char *inner)
{
    size_t i = 0;

    for (i = 0; i < depth; i++) {
        buf_str(b, objects ? "{\"a\":" : "[");
    }
    buf_str(b, inner);
    for (i = 0; i < depth; i++) {
        buf_str(b, objects ? "}" : "]");
    }
}

static void test_nesting(void **state)
{
    static const size_t depths[] = { 0,  1,  2,  60,  61,  62,   63,
                                     64, 65, 66, 998, 999, 1000, 1001 };
    buf_t b = { NULL, 0, 0 };
    size_t i = 0;
    int obj = 0;

    (void)state;
    for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
        for (obj = 0; obj < 2; obj++) {
            buf_reset(&b);
            buf_str(&b, "{\"id\":\"x\",\"public_metadata\":");
            nest(&b, depths[i], obj, "1");
            buf_str(&b, "}");
            diff(&thing_type, b.p);

            buf_reset(&b);
            buf_str(&b, "{\"id\":\"x\",\"unknown\":");
            nest(&b, depths[i], obj, "null");
            buf_str(&b, ",\"banned\":1}");
            diff(&thing_type, b.p);

            buf_reset(&b);
            buf_str(&b, "{\"id\":\"x\",\"extras\":[");
            nest(&b, depths[i], obj, "\"s\"");
            buf_str(&b, "]}");
            diff(&thing_type, b.p);

            buf_reset(&b);
            nest(&b, depths[i], obj, "true");
            diff(&clerk__type_json, b.p);
            diff(&str_matrix_type, b.p);

            /* Unclosed. */
            buf_reset(&b);
            nest(&b, depths[i], obj, "0");
            b.p[b.len - depths[i] / 2] = '\0';
            diff(&clerk__type_json, b.p);
        }
        /* Typed nesting: Things inside the identity/email chain. */
        buf_reset(&b);
        nest(&b, depths[i], 0, "[\"a\"]");
        diff(&str_matrix_type, b.p);
    }
    free(b.p);
    expect_no_failures();
}

static void test_duplicate_keys(void **state)
{
    static const char *const docs[] = {
        "{\"id\":\"a\",\"id\":\"b\"}",
        "{\"id\":\"a\",\"id\":null}",
        "{\"id\":\"a\",\"id\":1}",
        "{\"id\":1,\"id\":\"a\"}",
        "{\"primary\":null,\"primary\":{\"id\":\"p\"}}",
        "{\"primary\":{\"id\":\"p\"},\"primary\":null}",
        "{\"tags\":[\"a\"],\"tags\":[\"b\",\"c\"]}",
        "{\"tags\":[\"a\"],\"tags\":null}",
        "{\"status\":\"verified\",\"status\":\"nope\"}",
        "{\"public_metadata\":{\"a\":1},\"public_metadata\":[2]}",
        "{\"public_metadata\":{\"a\":1,\"a\":2}}",
        "{\"email_addresses\":[{\"id\":\"1\"}],\"email_addresses\":[]}",
        "{\"identity\":{\"email\":\"a\"},\"identity\":{\"phone\":\"b\"}}",
        "{\"identity\":{\"email\":\"a\",\"email\":\"b\"}}",
        "{\"identity\":{\"email\":\"a\",\"email\":1}}",
        ("{\"primary\":{\"verification\":{\"object\":\"verification_otp\","
         "\"object\":\"verification_admin\",\"status\":\"verified\"}}}"),
        ("{\"primary\":{\"verification\":{\"object\":1,"
         "\"object\":\"verification_admin\"}}}"),
        ("{\"primary\":{\"verification\":{\"object\":\"nope\","
         "\"object\":\"verification_otp\"}}}"),
        "{\"locale\":\"a\",\"locale\":null,\"ratio\":1,\"ratio\":null}",
        "{\"created_at\":1,\"created_at\":2.5}",
        /* A file field (request-only) is skipped, not decoded. */
        "{\"file\":{\"a\":[1,\"x\"]},\"id\":\"x\"}",
        "{\"file\":null,\"file\":\"f\"}",
        "{\"file\":1e,\"id\":\"x\"}",
        "{\"file\":[[[[[[[[[[[[]]]]]]]]]]]]}",
    };
    size_t i = 0;

    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        diff(&thing_type, docs[i]);
    }
    expect_no_failures();
}

static void test_unions(void **state)
{
    static const char *const identities[] = {
        "{\"email\":\"a@b.c\"}",
        "{\"phone\":\"+1\"}",
        "{\"phone\":\"+1\",\"primary\":true}",
        "{\"email\":\"a\",\"phone\":\"b\"}",
        "{}",
        "{\"other\":1}",
        "{\"email\":1}",
        "{\"phone\":null}",
        "{\"email\":null}",
        "{\"primary\":\"x\"}",
        "[]",
        "\"s\"",
        "1",
        "null",
        "{\"email\":\"a\"",
        "{\"email\":\"a\",}",
    };
    static const char *const verifications[] = {
        ("{\"object\":\"verification_otp\",\"status\":\"verified\","
         "\"attempts\":1}"),
        "{\"object\":\"verification_admin\",\"status\":\"expired\"}",
        "{\"object\":\"verification_other\",\"status\":\"verified\"}",
        "{\"status\":\"verified\",\"attempts\":3}",
        "{\"status\":\"verified\"}",
        "{\"status\":\"brand_new\"}",
        "{\"object\":null,\"status\":\"verified\"}",
        "{\"object\":1}",
        "{\"object\":[1],\"status\":\"unverified\"}",
        "{\"attempts\":\"x\"}",
        "{\"status\":1}",
        "{}",
        "[]",
        "null",
        "{\"object\":\"verification_otp\",\"status\":\"verified\",\"attempts\"",
        "{\"object\":\"verification_otp\",\"attempts\":1.5}",
        "{\"object\":\"verification_otp\\u0000x\"}",
        "{\"obj\\u0065ct\":\"verification_admin\",\"status\":\"verified\"}",
    };
    buf_t b = { NULL, 0, 0 };
    size_t i = 0;

    (void)state;
    for (i = 0; i < sizeof(identities) / sizeof(identities[0]); i++) {
        diff(&identity_type, identities[i]);
        fill(&b, "{\"id\":\"x\",\"identity\":@}", identities[i]);
        diff(&thing_type, b.p);
        fill(&b, "{\"id\":\"x\",\"identities\":[@,@]}", identities[i]);
        diff(&thing_type, b.p);
    }
    for (i = 0; i < sizeof(verifications) / sizeof(verifications[0]); i++) {
        diff(&verification_type, verifications[i]);
        fill(
            &b, "{\"id\":\"x\",\"primary\":{\"id\":\"e\",\"verification\":@}}",
            verifications[i]);
        diff(&thing_type, b.p);
        fill(
            &b,
            ("{\"email_addresses\":[{\"verification\":@},"
             "{\"verification\":@}]}"),
            verifications[i]);
        diff(&thing_type, b.p);
    }
    free(b.p);
    expect_no_failures();
}

/* Unions of values: the decoder and the oracle choose the same member
 * (by JSON type, then the first that decodes) and fail alike. */
static void test_value_unions(void **state)
{
    static const char *const scalars[] = {
        "1",
        "-0",
        "1.5",
        "1e400",
        "9007199254740993",
        "\"verified\"",
        "\"other\"",
        "\"\"",
        "true",
        "false",
        "[]",
        "[\"a\",\"b\"]",
        "[\"a\",1]",
        "[null]",
        "{}",
        "{\"a\":[1,{\"b\":null}]}",
        "null",
        "\"a",
        "[\"a\"",
        "tru",
    };
    static const char *const tagged[] = {
        "\"name\"",
        "{\"object\":\"verification_admin\",\"status\":\"verified\"}",
        "{\"object\":\"verification_otp\",\"status\":\"verified\"}",
        "{\"object\":\"nope\",\"x\":[1,2]}",
        "{\"object\":7}",
        "{\"object\":null}",
        "{\"status\":\"verified\"}",
        "{}",
        "1",
        "[]",
        "null",
        "{\"object\":\"nope\"",
    };
    buf_t b = { NULL, 0, 0 };
    size_t i = 0;

    (void)state;
    for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
        diff(&scalar_union_type, scalars[i]);
        fill(&b, "[@,@]", scalars[i]);
        diff(&scalar_union_array_type, b.p);
    }
    for (i = 0; i < sizeof(tagged) / sizeof(tagged[0]); i++) {
        diff(&verification_or_name_type, tagged[i]);
    }
    free(b.p);
    expect_no_failures();
}

static void test_framing(void **state)
{
    static const char *const docs[] = {
        "",
        " ",
        "   ",
        "\n",
        "{",
        "}",
        "[",
        "{}x",
        "{} {}",
        "{}  \r\n\t",
        "{}\x01",
        "  {}",
        "\x01{}",
        "\xEF\xBB\xBF{}",
        "\xEF\xBB\xBF{} ",
        "\xEF\xBB\xBF{\"id\":\"x\"}",
        "\xEF\xBB\xBF",
        "\xEF\xBB\xBF ",
        "\xEF\xBB",
        "{\"id\":\"x\"}\xEF\xBB\xBF",
        "nul",
        "nulll",
        "tru",
        "truex",
        "falsee",
        "[1,]",
        "[,1]",
        "{,}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "{\"id\":\"x\",}",
        "{\"id\":\"x\" \"banned\":true}",
        "{\"id\":\"x\"]",
        "{\"tags\":[\"a\"}",
        "{\"tags\":[\"a\" \"b\"]}",
        "{\"id\":\"x\"}}",
        "{\"banned\":tru}",
        "{\"banned\":True}",
        "{\"banned\":nulls}",
        "{\"id\":\"x\",\"created_at\":1,\"banned\":x}",
        "{\"id\":1,\"banned\":x}",
        "{\"id\":1} x",
        "{\"id\":1}\0",
        "{\"id\":\"x\"}\n\0",
    };
    size_t i = 0;

    (void)state;
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        diff(&thing_type, docs[i]);
        diff(&clerk__type_json, docs[i]);
        diff(&thing_array_type, docs[i]);
    }
    /* Two NULs, and a NUL before the trailing whitespace. */
    diff_len(&thing_type, "{}\0\0", 4);
    diff_len(&thing_type, "{}\0 ", 4);
    diff_len(&thing_type, "{} \0", 4);
    diff_len(&thing_type, "{\"id\":\0\"x\"}", 11);
    expect_no_failures();
}

/* Out of memory at every allocation: NOMEM (never a partial value), and
 * every block given back.  The allocations are counted and failed through
 * cJSON_InitHooks, which the engine follows. */
static size_t alloc_count;
static size_t alloc_fail_at; /* 0: never */
static long alloc_live;

static void *counting_malloc(size_t n)
{
    void *p = NULL;

    alloc_count++;
    if (alloc_fail_at != 0 && alloc_count == alloc_fail_at) {
        return NULL;
    }
    p = malloc(n);
    if (p != NULL) {
        alloc_live++;
    }
    return p;
}

static void counting_free(void *p)
{
    if (p != NULL) {
        alloc_live--;
    }
    free(p);
}

static void oom_every_allocation(const clerk__type_t *type, const char *doc)
{
    cJSON_Hooks hooks = { counting_malloc, counting_free };
    void *out = NULL;
    clerk_json_error_t err;
    clerk_status_t st = CLERK_OK;
    size_t at = 0;
    unsigned flags = 0;

    cJSON_InitHooks(&hooks);
    for (flags = 0; flags <= CLERK_DECODE_STRICT; flags++) {
        for (at = 1;; at++) {
            alloc_count = 0;
            alloc_fail_at = at;
            alloc_live = 0;
            st = clerk__value_parse(type, &out, doc, strlen(doc), flags, &err);
            if (st == CLERK_OK) {
                clerk__value_free(type, out);
                assert_int_equal(alloc_live, 0);
                break; /* no allocation was left to fail */
            }
            if (st != CLERK_E_NOMEM) {
                print_error(
                    "failing allocation %zu: status %d (%s: %s)\n", at, (int)st,
                    err.path, err.reason);
            }
            assert_int_equal(st, CLERK_E_NOMEM);
            assert_null(out);
            assert_int_equal(alloc_live, 0);
        }
        assert_true(at > 10);
    }
    cJSON_InitHooks(NULL);
}

static void test_out_of_memory(void **state)
{
    buf_t b = { NULL, 0, 0 };

    (void)state;
    oom_every_allocation(&ledger_type, ledger_doc);
    oom_every_allocation(
        &memo_type, "{\"a\":[1,{\"b\":null}],\"text\":\"t\",\"c\":\"d\"}");
    oom_every_allocation(&thing_type, full_doc);
    buf_str(&b, "[");
    buf_str(&b, full_doc);
    buf_str(&b, ",");
    buf_str(&b, full_doc);
    buf_str(&b, "]");
    oom_every_allocation(&thing_array_type, b.p);
    oom_every_allocation(
        &clerk__type_json, "{\"a\":[1,\"s\",true,null,{\"b\":{}}],\"c\":[]}");
    free(b.p);
}

/* Maps and the other keys of a model: the whole document, cut at every
 * byte, every byte replaced, and the shapes around them. */
static void test_maps(void **state)
{
    static const char repl[] = "\"\\{}[],:0-e.nx \t";
    static const char *const docs[] = {
        "{\"id\":\"l\",\"counts\":{}}",
        "{\"id\":\"l\",\"counts\":null}",
        "{\"id\":\"l\"}",
        "{\"counts\":{\"a\":\"not-an-int\"}}",
        "{\"counts\":{\"a\":1.5}}",
        "{\"counts\":[1]}",
        "{\"names\":null,\"counts\":{\"a\":null}}",
        "{\"emails\":{\"e\":null}}",
        "{\"emails\":{\"e\":{\"id\":5}}}",
        "{\"statuses\":{\"s\":1}}",
        "{\"history\":[{\"a\":true}]}",
        "{\"zz\":1}",
        "{\"zz\":null,\"zz\":\"b\",\"aa\":\"c\"}",
        "{\"\\u0061\":\"x\",\"a\":\"y\"}",
        "{\"counts\":{\"\":1,\"\\\"q\":2}}",
    };
    size_t len = strlen(ledger_doc);
    char *copy = malloc(len + 1);
    size_t i = 0;
    size_t k = 0;

    (void)state;
    assert_non_null(copy);
    diff(&ledger_type, ledger_doc);
    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        diff(&ledger_type, docs[i]);
    }
    diff(&memo_type, "{\"text\":\"t\",\"a\":{\"b\":[1,null]},\"c\":null}");
    diff(&memo_type, "{\"a\":1,\"a\":2}");
    diff(&memo_type, "{\"text\":\"t\"}");
    diff(&int_map_array_type, "[{\"a\":1},{},null,{\"b\":2,\"b\":3}]");
    diff(&clerk__type_str_map, "{\"a\":\"b\",\"c\":null}");
    diff(&clerk__type_opt_num_map, "{\"a\":0.5,\"c\":null}");
    for (i = 0; i <= len; i++) {
        memcpy(copy, ledger_doc, i);
        diff_len(&ledger_type, copy, i);
    }
    for (i = 0; i < len; i++) {
        for (k = 0; k < sizeof(repl); k++) {
            memcpy(copy, ledger_doc, len + 1);
            copy[i] = repl[k];
            diff_len(&ledger_type, copy, len);
        }
    }
    free(copy);
    expect_no_failures();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_documents),
        cmocka_unit_test(test_truncated_at_every_byte),
        cmocka_unit_test(test_every_byte_replaced),
        cmocka_unit_test(test_whitespace_everywhere),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_nesting),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_unions),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_value_unions),
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_out_of_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
