/*
 * Slips the compiler lets through (issue 11, item 6): `.limit = 10` puts
 * 10 in a tri-state's `state`, `.status = CLERK_..._REVOKED` does the same
 * to an enum, and an enum can hold a number past its constants.  Each is
 * refused with CLERK_E_INVALID_ARG naming the field and the fix, before
 * anything is sent, in query parameters and request bodies alike.
 *
 * Calls go through the generated clerk_invitations_*() functions against
 * the fault server, which records whether a request arrived.
 */
#include "rt_common.h"

#include <clerk/api/invitations.h>

/* One refused list call: its message, copied into `out`. */
static void list_refused(
    const char *tag,
    const clerk_invitations_list_params_t *params,
    char *out,
    size_t out_size)
{
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_list_response_t *r = NULL;

    assert_int_equal(
        clerk_invitations_list_detailed(&r, c, params), CLERK_E_INVALID_ARG);
    assert_non_null(r);
    assert_null(r->data);
    snprintf(out, out_size, "%s", r->meta.message);
    clerk_invitations_list_response_free(r);
    /* Nothing went out. */
    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

static void test_query_tri_state(void **state)
{
    clerk_invitations_list_params_t p;
    char msg[256];

    (void)state;
    /* What `.limit = 10` does. */
    memset(&p, 0, sizeof(p));
    p.limit.state = (clerk_presence_t)10;
    list_refused("m_limit", &p, msg, sizeof(msg));
    assert_non_null(strstr(msg, "limit"));
    assert_non_null(strstr(msg, "write CLERK_INT(10)"));

    memset(&p, 0, sizeof(p));
    p.paginated.state = (clerk_presence_t)7;
    list_refused("m_paginated", &p, msg, sizeof(msg));
    assert_non_null(strstr(msg, "paginated"));
    assert_non_null(strstr(msg, "CLERK_BOOL(true)"));
}

static void test_query_enum(void **state)
{
    clerk_invitations_list_params_t p;
    char msg[256];

    (void)state;
    /* What `.status = CLERK_INVITATIONS_LIST_STATUS_REVOKED` does. */
    memset(&p, 0, sizeof(p));
    p.status.state = (clerk_presence_t)CLERK_INVITATIONS_LIST_STATUS_REVOKED;
    list_refused("m_enum_state", &p, msg, sizeof(msg));
    assert_non_null(strstr(msg, "status"));
    assert_non_null(strstr(msg, "write CLERK_ENUM(3)"));

    /* A value past the constants. */
    memset(&p, 0, sizeof(p));
    p.status = CLERK_ENUM(99);
    list_refused("m_enum_range", &p, msg, sizeof(msg));
    assert_non_null(strstr(msg, "status: 99 is out of range"));

    memset(&p, 0, sizeof(p));
    p.status = CLERK_ENUM(-1);
    list_refused("m_enum_negative", &p, msg, sizeof(msg));
    assert_non_null(strstr(msg, "status: -1 is out of range"));
}

static void test_query_right_forms_pass(void **state)
{
    const char *tag = "m_ok";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_list_params_t p;
    clerk_invitations_list_response_t *r = NULL;
    cJSON *reqs;

    (void)state;
    assert_int_equal(fault_script(tag, "[{\"body\":\"[]\"}]"), 0);
    memset(&p, 0, sizeof(p));
    p.limit = CLERK_INT(10);
    p.offset = CLERK_INT_NULL; /* null: not sent in a query */
    p.status = CLERK_ENUM(CLERK_INVITATIONS_LIST_STATUS_REVOKED);
    assert_int_equal(clerk_invitations_list_detailed(&r, c, &p), CLERK_OK);
    clerk_invitations_list_response_free(r);
    reqs = fault_requests(tag);
    assert_non_null(reqs);
    assert_non_null(
        strstr(fault_req_field(reqs, 0, "request_line"), "limit=10"));
    assert_non_null(
        strstr(fault_req_field(reqs, 0, "request_line"), "status=revoked"));
    cJSON_Delete(reqs);
    clerk_client_free(c);
}

static void test_body_fields(void **state)
{
    const char *tag = "m_body";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_invitations_create_request_t b;
    clerk_invitations_create_response_t *r = NULL;

    (void)state;
    /* What `.expires_in_days = 30` does. */
    memset(&b, 0, sizeof(b));
    b.email_address = "a@example.com";
    b.expires_in_days.state = (clerk_presence_t)30;
    assert_int_equal(
        clerk_invitations_create_detailed(&r, c, &b), CLERK_E_INVALID_ARG);
    assert_null(r->data);
    assert_non_null(strstr(r->meta.message, "expires_in_days"));
    assert_non_null(strstr(r->meta.message, "write CLERK_INT(30)"));
    clerk_invitations_create_response_free(r);

    memset(&b, 0, sizeof(b));
    b.email_address = "a@example.com";
    b.template_slug = CLERK_ENUM(1000);
    assert_int_equal(
        clerk_invitations_create_detailed(&r, c, &b), CLERK_E_INVALID_ARG);
    assert_non_null(
        strstr(r->meta.message, "template_slug: 1000 is out of range"));
    clerk_invitations_create_response_free(r);

    /* The plain flavour refuses as well. */
    memset(&b, 0, sizeof(b));
    b.email_address = "a@example.com";
    b.notify.state = (clerk_presence_t)5;
    assert_null(clerk_invitations_create(c, &b));

    assert_int_equal(fault_request_count(tag), 0);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_tri_state),
        cmocka_unit_test(test_query_enum),
        cmocka_unit_test(test_query_right_forms_pass),
        cmocka_unit_test(test_body_fields),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
