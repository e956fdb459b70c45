/*
 * Every generated component model decodes a schema-valid document with
 * every property (and one with only the required ones, nullable ones
 * null) in strict mode, and encodes it back to an equal JSON document.
 * The documents come from gen_samples.py; argv[1] is their JSON file.
 * The two encoders agree on each (print_diff.h), also with each required
 * field left unset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model_compare.h"
#include "model_samples.h"
#include "print_diff.h"

static const char *samples_path;
static print_diff_counts_t print_counts;

static const clerk__type_t *find_type(const char *schema)
{
    size_t i = 0;

    for (i = 0; i < model_sample_type_count; i++) {
        if (strcmp(model_sample_types[i].schema, schema) == 0) {
            return model_sample_types[i].type;
        }
    }
    return NULL;
}

/* 1 when the sample round-trips; else prints why. */
static int check_sample(const char *schema, const char *mode, const cJSON *doc)
{
    const clerk__type_t *type = find_type(schema);
    char *text = NULL;
    void *value = NULL;
    cJSON *out = NULL;
    clerk_json_error_t err;
    clerk_status_t st = CLERK_OK;
    char where[600];
    int ok = 0;

    if (type == NULL) {
        print_error("%s (%s): no descriptor\n", schema, mode);
        return 0;
    }
    text = cJSON_PrintUnformatted(doc);
    assert_non_null(text);
    st = clerk__value_parse(
        type, &value, text, strlen(text), CLERK_DECODE_STRICT, &err);
    if (st != CLERK_OK) {
        print_error(
            "%s (%s): strict decode failed (%d) at %s: %s\n", schema, mode,
            (int)st, err.path, err.reason);
        goto done;
    }
    st = clerk__value_to_json(type, &out, value, &err);
    if (st != CLERK_OK) {
        print_error(
            "%s (%s): encode failed (%d) at %s: %s\n", schema, mode, (int)st,
            err.path, err.reason);
        goto done;
    }
    if (!cJSON_Compare(doc, out, 1)) {
        model_compare(type, &value, doc, out, where, sizeof(where));
        print_error("%s (%s): round trip differs: %s\n", schema, mode, where);
        goto done;
    }
    ok = 1;
    {
        char name[200];
        size_t differed = print_counts.differed;

        snprintf(name, sizeof(name), "%s (%s)", schema, mode);
        print_diff_check(type, value, name, &print_counts);
        ok = print_counts.differed == differed;
    }
done:
    cJSON_Delete(out);
    clerk__value_free(type, value);
    cJSON_free(text);
    return ok;
}

static void test_samples_round_trip(void **state)
{
    size_t len = 0;
    char *text = model_read_file(samples_path, &len);
    cJSON *all = NULL;
    const cJSON *s = NULL;
    size_t total = 0;
    size_t failed = 0;

    (void)state;
    assert_non_null(text);
    all = cJSON_ParseWithLength(text, len);
    assert_non_null(all);
    cJSON_ArrayForEach(s, all)
    {
        total++;
        if (!check_sample(
                cJSON_GetObjectItem(s, "schema")->valuestring,
                cJSON_GetObjectItem(s, "mode")->valuestring,
                cJSON_GetObjectItem(s, "doc"))) {
            failed++;
        }
    }
    cJSON_Delete(all);
    free(text);
    print_message("%zu samples, %zu failed\n", total, failed);
    /* Two per component model; far fewer means the generator was not run
     * on the whole spec. */
    assert_true(total >= 2 * 100);
    assert_int_equal(failed, 0);
    /* _print and _to_json agree, refusing missing required fields alike. */
    print_message(
        "_print vs _to_json: %zu values, %zu refused by both, %zu differed\n",
        print_counts.checked, print_counts.both_failed, print_counts.differed);
    assert_true(print_counts.checked > total);
    assert_true(print_counts.both_failed > 100);
    assert_int_equal(print_counts.differed, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_round_trip),
    };

    if (argc < 2) {
        fprintf(stderr, "usage: %s SAMPLES.json\n", argv[0]);
        return 2;
    }
    samples_path = argv[1];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
