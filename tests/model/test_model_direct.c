/*
 * The direct decoder against the reference path (cJSON parse + tree walk)
 * on the generated models (codec_diff.c, from tests/unit): every
 * schema-derived sample (compact and pretty-printed) as its own model;
 * every real-world payload as its model and, to exercise the error paths,
 * as every other sampled model too; every payload and the full User
 * sample truncated at every byte.  Lenient and strict each time.
 * Also the benchmark's documents (tests/bench/gen_data.py: one User with
 * every field and every union member, and an array of 100), compact and
 * pretty-printed, and the User truncated at every byte.
 * argv[1]: model_samples.json; argv[2]: the payload directory; argv[3]:
 * the directory with the benchmark's user.json and users.json.
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
#include "internal/descriptors.h"
#include "model_compare.h"
#include "model_samples.h"

static const char *samples_path;
static const char *payload_dir;
static const char *bench_dir;
static size_t checked;
static size_t failed;

typedef struct payload {
    const char *file;
    const clerk__type_t *type; /* NULL: no generated type */
} payload_t;

/* As in test_model_payloads.c. */
static const payload_t payloads[] = {
    { "user__js-backend-fixture.json", &clerk__user_type },
    { "user__go-v1-dummyUserJson.json", &clerk__user_type },
    { "user__js-backend-core-getUser.json", &clerk__user_type },
    { "user_list__ruby-all_users.json", &clerk__user_array_type },
    { "user_list__js-backend-core-getUserList.json", &clerk__user_array_type },
    { "organization__go-v1-dummyOrganizationJson.json",
      &clerk__organization_type },
    { "organizations_list__docs-gitbook.json", &clerk__organizations_type },
    { "organization_membership__docs-gitbook.json",
      &clerk__organization_membership_type },
    { "organization_invitation__docs-gitbook.json",
      &clerk__organization_invitation_type },
    { "organization_invitations__go-v2-list.json",
      &clerk__organization_invitations_with_public_organization_data_type },
    { "session__js-backend-core-getSession.json", &clerk__session_type },
    { "session_list__js-backend-core-getSessionList.json",
      &clerk__session_array_type },
    { "client__js-backend-core-getClient.json", &clerk__client_object_type },
    { "client__go-v1-dummyClientResponseJson.json",
      &clerk__client_object_type },
    { "email_address__docs-gitbook.json", &clerk__email_address_type },
    { "phone_number__docs-gitbook.json", &clerk__phone_number_type },
    { "invitation_list__js-backend-core-getInvitationList.json",
      &clerk__invitation_array_type },
    { "invitation_list_paginated__go-v2.json", NULL }, /* no named schema */
    { "allowlist_identifier__go-v1.json", &clerk__allowlist_identifier_type },
    { "allowlist_identifier_list__docs-gitbook.json",
      &clerk__allowlist_identifier_array_type },
    { "blocklist_identifier__go-v1.json", &clerk__blocklist_identifier_type },
    { "jwt_template__go-v1.json", &clerk__jwt_template_type },
    { "saml_connection__go-v1.json", &clerk__saml_connection_type },
    { "clerk_errors__go-v2-clerk_test.json", &clerk__clerk_errors_type },
    { "clerk_errors__docs-gitbook-upload-logo-400.json",
      &clerk__clerk_errors_type },
    { "clerk_errors__docs-gitbook-membership-422.json",
      &clerk__clerk_errors_type },
    { "deleted_object__ruby-user_1_deleted.json", &clerk__deleted_object_type },
    { "jwks__ruby.json", &clerk__jwks_type },
    { "jwks__js-backend-fixture.json", &clerk__jwks_type },
    { "total_count__js-backend-core-getCount.json", &clerk__total_count_type },
    { "actor_token__go-v1.json", &clerk__actor_token_type },
    { "sign_in_token__docs-gitbook.json", &clerk__sign_in_token_type },
    { "testing_token__ruby.json", &clerk__testing_token_type },
    { "sign_up__ruby-sign_up_1.json", &clerk__sign_up_type },
    { "redirect_url__docs-gitbook.json", &clerk__redirect_url_type },
    { "proxy_check__go-v1.json", &clerk__proxy_check_type },
    { "svix_url__go-v1.json", &clerk__svix_url_type },
    { "template__go-v1.json", &clerk__template_type },
    { "oauth_access_tokens__go-v1.json",
      &clerk__oauth_access_token_item_array_type },
    { "token__docs-gitbook-session-token.json", &clerk__token_type },
};

static void diff_len(
    const char *what, const clerk__type_t *type, const char *json, size_t len)
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
                    "%s: differs (flags %u, %zu bytes): %s\n", what,
                    flag_sets[i], len, why);
            }
        }
    }
}

/* Every prefix, each in an exact-size copy (nothing past it is read). */
static void diff_prefixes(
    const char *what, const clerk__type_t *type, const char *json, size_t len)
{
    char *copy = malloc(len + 1);
    size_t i = 0;

    assert_non_null(copy);
    for (i = 0; i < len; i++) {
        memcpy(copy, json, i);
        diff_len(what, type, copy, i);
    }
    free(copy);
}

static void report(void)
{
    print_message("%zu decodes compared, %zu differ\n", checked, failed);
    assert_int_equal(failed, 0);
    checked = 0;
    failed = 0;
}

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

static void test_samples(void **state)
{
    size_t len = 0;
    char *text = model_read_file(samples_path, &len);
    cJSON *all = NULL;
    const cJSON *s = NULL;
    const clerk__type_t *type = NULL;
    const char *schema = NULL;
    char *compact = NULL;
    char *pretty = NULL;
    size_t n = 0;

    (void)state;
    assert_non_null(text);
    all = cJSON_ParseWithLength(text, len);
    assert_non_null(all);
    cJSON_ArrayForEach(s, all)
    {
        schema = cJSON_GetObjectItem(s, "schema")->valuestring;
        type = find_type(schema);
        assert_non_null(type);
        compact = cJSON_PrintUnformatted(cJSON_GetObjectItem(s, "doc"));
        pretty = cJSON_Print(cJSON_GetObjectItem(s, "doc"));
        assert_non_null(compact);
        assert_non_null(pretty);
        diff_len(schema, type, compact, strlen(compact));
        diff_len(schema, type, pretty, strlen(pretty));
        if (strcmp(schema, "User") == 0 &&
            strcmp(cJSON_GetObjectItem(s, "mode")->valuestring, "full") == 0) {
            diff_prefixes(schema, type, compact, strlen(compact));
        }
        cJSON_free(compact);
        cJSON_free(pretty);
        n++;
    }
    cJSON_Delete(all);
    free(text);
    assert_true(n >= 200);
    report();
}

static void test_payloads(void **state)
{
    char path[1024];
    size_t len = 0;
    char *text = NULL;
    size_t i = 0;
    size_t j = 0;

    (void)state;
    for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", payload_dir, payloads[i].file);
        text = model_read_file(path, &len);
        if (text == NULL) {
            fail_msg("cannot read %s", path);
        }
        if (payloads[i].type != NULL) {
            diff_len(payloads[i].file, payloads[i].type, text, len);
            diff_prefixes(payloads[i].file, payloads[i].type, text, len);
        }
        /* As every other model: mostly decode errors, some successes. */
        for (j = 0; j < model_sample_type_count; j++) {
            diff_len(payloads[i].file, model_sample_types[j].type, text, len);
        }
        free(text);
    }
    report();
}

/* A document and its pretty-printed form (whitespace everywhere). */
static void diff_both_forms(
    const char *what, const clerk__type_t *type, const char *text, size_t len)
{
    cJSON *doc = cJSON_ParseWithLength(text, len);
    char *pretty = NULL;

    assert_non_null(doc);
    pretty = cJSON_Print(doc);
    assert_non_null(pretty);
    diff_len(what, type, text, len);
    diff_len(what, type, pretty, strlen(pretty));
    cJSON_free(pretty);
    cJSON_Delete(doc);
}

static void test_bench_documents(void **state)
{
    char path[1024];
    size_t len = 0;
    char *text = NULL;

    (void)state;
    snprintf(path, sizeof(path), "%s/user.json", bench_dir);
    text = model_read_file(path, &len);
    if (text == NULL) {
        fail_msg("cannot read %s", path);
    }
    diff_both_forms("user.json", &clerk__user_type, text, len);
    diff_prefixes("user.json", &clerk__user_type, text, len);
    free(text);
    snprintf(path, sizeof(path), "%s/users.json", bench_dir);
    text = model_read_file(path, &len);
    if (text == NULL) {
        fail_msg("cannot read %s", path);
    }
    diff_both_forms("users.json", &clerk__user_array_type, text, len);
    free(text);
    report();
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_payloads),
        cmocka_unit_test(test_bench_documents),
    };

    if (argc < 4) {
        fprintf(
            stderr, "usage: %s SAMPLES.json PAYLOAD_DIR BENCH_DATA_DIR\n",
            argv[0]);
        return 2;
    }
    samples_path = argv[1];
    payload_dir = argv[2];
    bench_dir = argv[3];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
