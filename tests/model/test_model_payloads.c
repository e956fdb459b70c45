/*
 * Real-world Clerk response bodies (../shared/realworld/payloads, see its
 * SOURCES.md for the schema of each) decode into their generated models:
 * a few field values are checked, the re-encoding equals the input modulo
 * unknown fields (model_compare; missing required fields left out, a test
 * only encoder flag), _print agrees with _to_json (print_diff.h), and
 * strict decoding of a payload that lacks fields the current spec requires
 * names the first such field, while _print refuses it.
 * argv[1] is the payload directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <clerk/model/clerk_errors.h>
#include <clerk/model/email_address.h>
#include <clerk/model/invitation.h>
#include <clerk/model/jwks.h>
#include <clerk/model/oauth_access_token.h>
#include <clerk/model/organization.h>
#include <clerk/model/session.h>
#include <clerk/model/total_count.h>
#include <clerk/model/user.h>

#include "codec_internal.h"
#include "internal/descriptors.h"
#include "model_compare.h"
#include "print_diff.h"

static const char *payload_dir;

/* Item 18 has no named schema: {data: Invitation[], total_count}. */
typedef struct invitation_page {
    clerk_invitation_array_t data;
    int64_t total_count;
} invitation_page_t;

static const clerk__field_t invitation_page_fields[] = {
    { "data", offsetof(invitation_page_t, data), &clerk__invitation_array_type,
      CLERK__F_REQUIRED, 0 },
    { "total_count", offsetof(invitation_page_t, total_count), &clerk__type_int,
      CLERK__F_REQUIRED, 0 },
};
static const clerk__model_t invitation_page_model = { "InvitationPage",
                                                      sizeof(invitation_page_t),
                                                      invitation_page_fields,
                                                      2,
                                                      NULL,
                                                      0,
                                                      NULL,
                                                      NULL };
static const clerk__type_t invitation_page_type = {
    CLERK__K_OBJ, sizeof(void *), &invitation_page_model, NULL, NULL
};

/* ------------------------------------------------------------------ */
/* Per-payload checks                                                  */
/* ------------------------------------------------------------------ */

static void check_user_fixture(const void *v)
{
    const clerk_user_t *u = v;
    const clerk_email_address_t *e = NULL;

    assert_string_equal(u->id, "user_cafebabe");
    assert_int_equal(u->object.value, CLERK_USER_OBJECT_USER);
    assert_int_equal(u->username.state, CLERK_NULL);
    assert_int_equal(u->first_name.state, CLERK_SET);
    assert_string_equal(u->first_name.value, "John");
    assert_int_equal(u->password_enabled.state, CLERK_SET);
    assert_false(u->password_enabled.value);
    assert_int_equal(u->two_factor_enabled.state, CLERK_SET);
    assert_true(u->two_factor_enabled.value);
    assert_int_equal(u->email_addresses.count, 1);
    e = &u->email_addresses.items[0];
    assert_string_equal(e->email_address, "john.doe@clerk.test");
    assert_int_equal(e->reserved.state, CLERK_SET);
    assert_true(e->reserved.value);
    /* No discriminator in this old payload: the member is chosen by the
     * fields and enum values it carries. */
    assert_non_null(e->verification);
    assert_int_equal(
        e->verification->kind, CLERK_EMAIL_ADDRESS_VERIFICATION_FROM_OAUTH);
    assert_string_equal(
        e->verification->as.from_oauth->strategy, "from_oauth_google");
    assert_int_equal(u->external_accounts.count, 2);
    assert_int_equal(u->web3_wallets.count, 1);
    /* Missing in the payload: left absent. */
    assert_int_equal(u->mfa_enabled_at.state, CLERK_UNSET);
}

static void check_user_list_ruby(const void *v)
{
    const clerk_user_array_t *a = v;

    assert_int_equal(a->count, 2);
    assert_int_equal(a->items[0].last_sign_in_at.state, CLERK_NULL);
    assert_int_equal(a->items[1].last_sign_in_at.state, CLERK_SET);
    assert_true(a->items[1].last_sign_in_at.value > INT64_C(1000000000000));
}

static void check_organization(const void *v)
{
    const clerk_organization_t *o = v;
    const cJSON *addr = NULL;

    assert_string_equal(o->id, "org_1mebQggrD3xO5JfuHk7clQ94ysA");
    assert_string_equal(o->slug, "org_slug");
    assert_int_equal(o->members_count.state, CLERK_SET);
    assert_true(o->members_count.value == 42);
    addr = cJSON_GetObjectItemCaseSensitive(o->public_metadata, "address");
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(addr, "street")->valuestring,
        "Pennsylvania Avenue");
    assert_true(
        cJSON_GetObjectItemCaseSensitive(o->private_metadata, "app_id")
            ->valuedouble == 5);
}

static void check_session(const void *v)
{
    const clerk_session_t *s = v;

    assert_string_equal(s->id, "sess_oops");
    assert_string_equal(s->user_id, "user_player1");
    assert_int_equal(s->status.value, CLERK_SESSION_STATUS_ACTIVE);
    assert_int_equal(s->expire_at.state, CLERK_SET);
    assert_true(s->expire_at.value == 1613593533);
}

static void check_errors_go(const void *v)
{
    const clerk_clerk_errors_t *e = v;

    assert_string_equal(e->clerk_trace_id, "trace-id");
    assert_int_equal(e->errors.count, 1);
    assert_string_equal(e->errors.items[0].code, "error-code");
    assert_string_equal(e->errors.items[0].long_message, "long-error-message");
    assert_string_equal(
        cJSON_GetObjectItemCaseSensitive(e->errors.items[0].meta, "param_name")
            ->valuestring,
        "param-name");
}

static void check_jwks(const void *v)
{
    const clerk_jwks_t *j = v;

    assert_int_equal(j->keys.count, 1);
    assert_int_equal(
        j->keys.items[0].kind, CLERK_JWKS_KEYS_ITEM_RSA_PUBLIC_KEY);
    assert_string_equal(
        j->keys.items[0].as.rsa_public_key->kid,
        "ins_1v4uxFUhQHMqWyPdlihWSdGkKab");
}

static void check_total_count(const void *v)
{
    const clerk_total_count_t *t = v;

    assert_int_equal(t->total_count.state, CLERK_SET);
    assert_true(t->total_count.value == 1);
    assert_int_equal(t->object.value, CLERK_TOTAL_COUNT_OBJECT_TOTAL_COUNT);
}

static void check_oauth_tokens(const void *v)
{
    const clerk_oauth_access_token_t *t = v;

    assert_int_equal(t->count, 1);
    assert_string_equal(t->items[0].token, "test_token");
    assert_int_equal(t->items[0].label.state, CLERK_NULL);
    assert_int_equal(t->items[0].scopes.count, 2);
    assert_string_equal(t->items[0].scopes.items[1], "user:write");
}

static void check_invitation_page(const void *v)
{
    const invitation_page_t *p = v;

    assert_true(p->total_count == 2);
    assert_int_equal(p->data.count, 2);
    assert_string_equal(p->data.items[1].email_address, "baz@qux.com");
}

static void check_email_address(const void *v)
{
    const clerk_email_address_t *e = v;

    assert_non_null(e->id);
    assert_non_null(e->email_address);
    assert_non_null(e->verification);
    assert_true(e->verification->kind != 0);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */
/* ------------------------------------------------------------------ */

typedef struct payload {
    const char *file;
    const clerk__type_t *type;
    void (*check)(const void *value);
    /* First field strict decoding reports missing; NULL: strict passes. */
    const char *strict_path;
} payload_t;

#define P(file, type, check, strict)                                           \
    {                                                                          \
        file, &type, check, strict                                             \
    }

static const payload_t payloads[] = {
    P("user__js-backend-fixture.json",
      clerk__user_type,
      check_user_fixture,
      "$.external_id"),
    P("user__go-v1-dummyUserJson.json",
      clerk__user_type,
      NULL,
      "$.email_addresses[0].verification.strategy"),
    P("user__js-backend-core-getUser.json",
      clerk__user_type,
      NULL,
      "$.email_addresses[0].verification.strategy"),
    P("user_list__ruby-all_users.json",
      clerk__user_array_type,
      check_user_list_ruby,
      "$[0].email_addresses[0].reserved"),
    P("user_list__js-backend-core-getUserList.json",
      clerk__user_array_type,
      NULL,
      "$[0].email_addresses[0].verification.strategy"),
    P("organization__go-v1-dummyOrganizationJson.json",
      clerk__organization_type,
      check_organization,
      "$.has_image"),
    P("organizations_list__docs-gitbook.json",
      clerk__organizations_type,
      NULL,
      "$.data[0].has_image"),
    P("organization_membership__docs-gitbook.json",
      clerk__organization_membership_type,
      NULL,
      "$.organization.has_image"),
    P("organization_invitation__docs-gitbook.json",
      clerk__organization_invitation_type,
      NULL,
      "$.role_name"),
    P("organization_invitations__go-v2-list.json",
      clerk__organization_invitations_with_public_organization_data_type,
      NULL,
      "$.data[0].role_name"),
    P("session__js-backend-core-getSession.json",
      clerk__session_type,
      check_session,
      NULL),
    P("session_list__js-backend-core-getSessionList.json",
      clerk__session_array_type,
      NULL,
      NULL),
    P("client__js-backend-core-getClient.json",
      clerk__client_object_type,
      NULL,
      "$.sessions[0].object"),
    P("client__go-v1-dummyClientResponseJson.json",
      clerk__client_object_type,
      NULL,
      "$.sessions[0].updated_at"),
    P("email_address__docs-gitbook.json",
      clerk__email_address_type,
      check_email_address,
      "$.verification.attempts"),
    P("phone_number__docs-gitbook.json",
      clerk__phone_number_type,
      NULL,
      "$.created_at"),
    P("invitation_list__js-backend-core-getInvitationList.json",
      clerk__invitation_array_type,
      NULL,
      "$[0].public_metadata"),
    P("invitation_list_paginated__go-v2.json",
      invitation_page_type,
      check_invitation_page,
      "$.data[0].object"),
    P("allowlist_identifier__go-v1.json",
      clerk__allowlist_identifier_type,
      NULL,
      NULL),
    P("allowlist_identifier_list__docs-gitbook.json",
      clerk__allowlist_identifier_array_type,
      NULL,
      NULL),
    P("blocklist_identifier__go-v1.json",
      clerk__blocklist_identifier_type,
      NULL,
      NULL),
    P("jwt_template__go-v1.json",
      clerk__jwt_template_type,
      NULL,
      "$.created_at"),
    P("saml_connection__go-v1.json",
      clerk__saml_connection_type,
      NULL,
      "$.idp_certificate_issued_at"),
    P("clerk_errors__go-v2-clerk_test.json",
      clerk__clerk_errors_type,
      check_errors_go,
      NULL),
    P("clerk_errors__docs-gitbook-upload-logo-400.json",
      clerk__clerk_errors_type,
      NULL,
      "$.errors[0].long_message"),
    P("clerk_errors__docs-gitbook-membership-422.json",
      clerk__clerk_errors_type,
      NULL,
      NULL),
    P("deleted_object__ruby-user_1_deleted.json",
      clerk__deleted_object_type,
      NULL,
      NULL),
    P("jwks__ruby.json", clerk__jwks_type, check_jwks, NULL),
    P("jwks__js-backend-fixture.json", clerk__jwks_type, NULL, NULL),
    P("total_count__js-backend-core-getCount.json",
      clerk__total_count_type,
      check_total_count,
      NULL),
    P("actor_token__go-v1.json", clerk__actor_token_type, NULL, NULL),
    P("sign_in_token__docs-gitbook.json",
      clerk__sign_in_token_type,
      NULL,
      NULL),
    P("testing_token__ruby.json", clerk__testing_token_type, NULL, NULL),
    P("sign_up__ruby-sign_up_1.json",
      clerk__sign_up_type,
      NULL,
      "$.legal_accepted_at"),
    P("redirect_url__docs-gitbook.json", clerk__redirect_url_type, NULL, NULL),
    P("proxy_check__go-v1.json", clerk__proxy_check_type, NULL, NULL),
    P("svix_url__go-v1.json", clerk__svix_url_type, NULL, NULL),
    P("template__go-v1.json", clerk__template_type, NULL, NULL),
    P("oauth_access_tokens__go-v1.json",
      clerk__oauth_access_token_item_array_type,
      check_oauth_tokens,
      "$[0].provider_user_id"),
    P("token__docs-gitbook-session-token.json", clerk__token_type, NULL, NULL),
};

/* The address of the decoded value as model_compare() wants it. */
static const void *slot_of(const clerk__type_t *type, void *const *value)
{
    return type->kind == CLERK__K_OBJ ? (const void *)value : *value;
}

static void run_payload(const payload_t *p)
{
    char path[1024];
    size_t len = 0;
    char *text = NULL;
    void *value = NULL;
    void *strict = NULL;
    cJSON *in = NULL;
    cJSON *out = NULL;
    clerk_json_error_t err;
    clerk_status_t st = CLERK_OK;
    char where[600];

    snprintf(path, sizeof(path), "%s/%s", payload_dir, p->file);
    text = model_read_file(path, &len);
    if (text == NULL) {
        fail_msg("cannot read %s", path);
    }
    st = clerk__value_parse(p->type, &value, text, len, 0, &err);
    if (st != CLERK_OK) {
        fail_msg("%s: decode %d at %s: %s", p->file, st, err.path, err.reason);
    }
    if (p->check != NULL) {
        p->check(p->type->kind == CLERK__K_OBJ ? value : value);
    }

    /* Re-encode (missing required fields left out) and compare. */
    st = clerk__encode_root(
        p->type, slot_of(p->type, &value), &out, CLERK__ENCODE_ALLOW_MISSING,
        &err);
    if (st != CLERK_OK) {
        fail_msg("%s: encode %d at %s: %s", p->file, st, err.path, err.reason);
    }
    in = cJSON_ParseWithLength(text, len);
    assert_non_null(in);
    if (!model_compare(
            p->type, slot_of(p->type, &value), in, out, where, sizeof(where))) {
        fail_msg("%s: round trip differs at %s", p->file, where);
    }

    /* _print agrees with _to_json: both refuse a payload that lacks a
     * required field (log the raw body instead), else print the same. */
    if (p->type->kind == CLERK__K_OBJ) {
        print_diff_counts_t counts = { 0, 0, 0 };

        print_diff_check(p->type, value, p->file, &counts);
        if (counts.differed != 0) {
            fail_msg("%s: _print and _to_json disagree", p->file);
        }
    }

    /* Strict decoding. */
    st = clerk__value_parse(
        p->type, &strict, text, len, CLERK_DECODE_STRICT, &err);
    if (p->strict_path == NULL) {
        if (st != CLERK_OK) {
            fail_msg(
                "%s: strict decode %d at %s: %s", p->file, st, err.path,
                err.reason);
        }
    } else {
        if (st != CLERK_E_DECODE || strict != NULL) {
            fail_msg("%s: strict decode unexpectedly gave %d", p->file, st);
        }
        /* A missing required field, or (for a union member chosen by its
         * fields) an enum value the closest member does not list. */
        if (strcmp(err.path, p->strict_path) != 0 ||
            (strcmp(err.reason, "required field missing") != 0 &&
             strstr(err.reason, "unknown value of") == NULL)) {
            fail_msg(
                "%s: strict error at %s (%s), expected %s", p->file, err.path,
                err.reason, p->strict_path);
        }
        if (strcmp(err.reason, "required field missing") == 0 &&
            p->type->kind == CLERK__K_OBJ) {
            /* Lenient decoding kept it; printing refuses it like
             * _to_json (a log shows the raw body instead). */
            char *printed = clerk__model_print(p->type->model, value);

            if (printed != NULL) {
                fail_msg("%s: printed without %s: %.200s", p->file,
                         p->strict_path, printed);
            }
        }
    }
    clerk__value_free(p->type, strict);
    cJSON_Delete(in);
    cJSON_Delete(out);
    clerk__value_free(p->type, value);
    free(text);
}

static void test_payload(void **state)
{
    run_payload(*state);
}

int main(int argc, char **argv)
{
    struct CMUnitTest tests[sizeof(payloads) / sizeof(payloads[0])];
    size_t i = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s PAYLOAD_DIR\n", argv[0]);
        return 2;
    }
    payload_dir = argv[1];
    for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
        memset(&tests[i], 0, sizeof(tests[i]));
        tests[i].name = payloads[i].file;
        tests[i].test_func = test_payload;
        tests[i].initial_state = (void *)&payloads[i];
    }
    return _cmocka_run_group_tests(
        "model_payloads", tests, sizeof(payloads) / sizeof(payloads[0]), NULL,
        NULL);
}
