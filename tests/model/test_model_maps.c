/*
 * Clerk's own maps (additionalProperties with a schema) are typed: the
 * SCIM directory's attribute_mapping decodes into a clerk_str_map_t whose
 * values are checked (a number where a string belongs is a decode error
 * with its path, where the free-form cJSON * of before took anything), the
 * PATCH request's nullable values are sent as strings or null, and an
 * object with properties and additionalProperties: true keeps its other
 * keys.  All through the generated model/ of the real document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <clerk/model/directories_update_request.h>
#include <clerk/model/directory.h>
#include <clerk/model/reassignment_mappings.h>
#include <clerk/model/role_sets_replace_request.h>
#include <clerk/model/sign_up_verification.h>

#include "codec_diff.h"
#include "codec_internal.h"
#include "internal/descriptors.h"

static const char DIRECTORY[] =
    "{\"object\":\"directory\",\"id\":\"dir_1\",\"name\":\"Okta\","
    "\"attribute_mapping\":{\"email\":\"mail\",\"first_name\":\"givenName\","
    "\"email\":\"userPrincipalName\"}}";

static void directory_map_typed(void **state)
{
    clerk_directory_t *d = NULL;
    cJSON *json = NULL;
    char *text = NULL;
    char why[512];

    (void)state;
    assert_int_equal(
        clerk_directory_parse(&d, DIRECTORY, strlen(DIRECTORY), 0, NULL),
        CLERK_OK);
    assert_int_equal(d->attribute_mapping.state, CLERK_SET);
    /* The repeated key keeps its first place and its last value. */
    assert_int_equal(d->attribute_mapping.count, 2);
    assert_string_equal(d->attribute_mapping.keys[0], "email");
    assert_string_equal(d->attribute_mapping.values[0], "userPrincipalName");
    assert_string_equal(
        *clerk_str_map_get(&d->attribute_mapping, "first_name"), "givenName");
    /* The sample lacks required fields, so _print (like _to_json) refuses
     * it; the test encoder that leaves them out shows the map as kept. */
    assert_null(clerk_directory_print(d));
    assert_int_equal(
        clerk__encode_root(
            &clerk__directory_type, &d, &json, CLERK__ENCODE_ALLOW_MISSING,
            NULL),
        CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(
        text, "{\"object\":\"directory\",\"id\":\"dir_1\",\"name\":\"Okta\","
              "\"attribute_mapping\":{\"email\":\"userPrincipalName\","
              "\"first_name\":\"givenName\"}}");
    cJSON_free(text);
    cJSON_Delete(json);
    clerk_directory_free(d);
    assert_true(codec_diff(
        &clerk__directory_type, DIRECTORY, strlen(DIRECTORY), 0, why,
        sizeof(why)));
}

static void directory_map_checked(void **state)
{
    static const char bad[] =
        "{\"id\":\"dir_1\",\"attribute_mapping\":{\"email\":5}}";
    clerk_directory_t *d = NULL;
    clerk_json_error_t err;
    char why[512];

    (void)state;
    assert_int_equal(
        clerk_directory_parse(&d, bad, strlen(bad), 0, &err), CLERK_E_DECODE);
    assert_null(d);
    assert_string_equal(err.path, "$.attribute_mapping.email");
    assert_string_equal(err.reason, "expected string, got number");
    assert_true(codec_diff(
        &clerk__directory_type, bad, strlen(bad), 0, why, sizeof(why)));
}

/* PATCH /directories/{id}: a null value removes a mapping. */
static void update_request_nullable_values(void **state)
{
    clerk_directories_update_request_t req = {
        .attribute_mapping = {
            .keys = (char *[]){ "email", "phone" },
            .values = (clerk_opt_str_t[]){ CLERK_STR("mail"), CLERK_STR_NULL },
            .count = 2,
        },
    };
    clerk_role_sets_replace_request_t replace;
    clerk_reassignment_mappings_t mappings = { (char *[]){ "admin" },
                                               (char *[]){ "member" }, 1,
                                               CLERK_SET };
    clerk_json_error_t err;
    cJSON *json = NULL;
    char *text = NULL;

    (void)state;
    assert_int_equal(
        clerk_directories_update_request_to_json(&json, &req, &err), CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(
        text, "{\"attribute_mapping\":{\"email\":\"mail\",\"phone\":null}}");
    cJSON_free(text);
    cJSON_Delete(json);
    /* A component map ($ref ReassignmentMappings) is the same map type. */
    memset(&replace, 0, sizeof(replace));
    replace.dest_role_set_key = "team";
    replace.reassignment_mappings = mappings;
    replace.reassignment_mappings.values[0] = NULL;
    assert_int_equal(
        clerk_role_sets_replace_request_to_json(&json, &replace, &err),
        CLERK_E_INVALID_ARG);
    assert_string_equal(err.path, "$.reassignment_mappings.admin");
    replace.reassignment_mappings.values[0] = "member";
    assert_int_equal(
        clerk_role_sets_replace_request_to_json(&json, &replace, &err),
        CLERK_OK);
    text = cJSON_PrintUnformatted(json);
    assert_string_equal(
        text, "{\"dest_role_set_key\":\"team\",\"reassignment_mappings\":"
              "{\"admin\":\"member\"}}");
    cJSON_free(text);
    cJSON_Delete(json);
}

/* SignUpVerification: properties + additionalProperties: true. */
static void sign_up_verification_keeps_other_keys(void **state)
{
    static const char in[] =
        "{\"next_action\":\"needs_attempt\",\"supported_strategies\":"
        "[\"email_code\"],\"status\":\"unverified\",\"attempts\":{\"n\":1}}";
    clerk_sign_up_verification_t *v = NULL;
    char *text = NULL;
    char why[512];

    (void)state;
    assert_int_equal(
        clerk_sign_up_verification_parse(
            &v, in, strlen(in), CLERK_DECODE_STRICT, NULL),
        CLERK_OK);
    assert_non_null(v->additional_properties);
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(v->additional_properties, "status")
            ->valuestring,
        "unverified");
    text = clerk_sign_up_verification_print(v);
    assert_string_equal(text, in);
    clerk_free(text);
    clerk_sign_up_verification_free(v);
    assert_true(codec_diff(
        &clerk__sign_up_verification_type, in, strlen(in), CLERK_DECODE_STRICT,
        why, sizeof(why)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(directory_map_typed),
        cmocka_unit_test(directory_map_checked),
        cmocka_unit_test(update_request_nullable_values),
        cmocka_unit_test(sign_up_verification_keeps_other_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
