/*
 * Pagers (issue 11, item 1): clerk_<op>_pager() + clerk_<op>_next() walk
 * every page of a list operation with limit/offset against the fault
 * server's `page` action (a list of n items {"id": "item_<i>"}, sliced by
 * the request's limit and offset): 1,050 users, a page failing in the
 * middle (how far it got, then resumed), an empty list, total_count from
 * a list model and from a paginated=true answer, number-typed limit/offset,
 * path parameters, and refused arguments.  Generated entry points only.
 */
#include "rt_common.h"

#include <clerk/api/invitations.h>
#include <clerk/api/m2m_tokens.h>
#include <clerk/api/organization_memberships.h>
#include <clerk/api/organizations.h>
#include <clerk/api/users.h>

/* The query parameter `name` of recorded request `i`, or -1. */
static long query_value(const cJSON *reqs, int i, const char *name)
{
    const char *target = fault_req_field(reqs, i, "target");
    char key[32];
    const char *at;

    snprintf(key, sizeof(key), "%s=", name);
    at = target != NULL ? strstr(target, key) : NULL;
    while (at != NULL && at != target && at[-1] != '?' && at[-1] != '&') {
        at = strstr(at + 1, key);
    }
    return at != NULL ? strtol(at + strlen(key), NULL, 10) : -1;
}

/* Hand out every item of `pager` with clerk_users_list_next(), checking
 * that the ids run on from `first`; returns how many came. */
static size_t drain_users(clerk_pager_t *pager, size_t first)
{
    const clerk_user_t *u;
    char want[32];
    size_t n = 0;

    while ((u = clerk_users_list_next(pager)) != NULL) {
        snprintf(want, sizeof(want), "item_%zu", first + n);
        assert_string_equal(u->id, want);
        n++;
    }
    return n;
}

static void test_walk_1050_users(void **state)
{
    const char *tag = "pg_1050";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    const clerk_pager_progress_t *pr;
    cJSON *reqs;
    int i;

    (void)state;
    assert_int_equal(
        fault_script(tag, "[{\"page\": {\"total\": 1050}, \"repeat\": 50}]"),
        0);
    assert_int_equal(
        clerk_users_list_pager(
            &pager, c,
            &(clerk_users_list_params_t){ .order_by = "-created_at" }, 100),
        CLERK_OK);
    assert_non_null(pager);
    assert_int_equal(fault_request_count(tag), 0); /* nothing sent yet */
    assert_int_equal(drain_users(pager, 0), 1050);
    pr = clerk_pager_progress(pager);
    assert_int_equal(pr->status, CLERK_OK);
    assert_true(pr->done);
    assert_int_equal(pr->items, 1050);
    assert_int_equal(pr->pages, 11);
    assert_int_equal(pr->offset, 1050);
    assert_int_equal(pr->page_size, 100);
    assert_int_equal(pr->total_count.state, CLERK_UNSET);
    assert_null(pr->response);
    assert_int_equal(clerk_last_error()->status, CLERK_OK);
    /* Done stays done, without another request. */
    assert_null(clerk_users_list_next(pager));
    assert_int_equal(fault_request_count(tag), 11);

    reqs = fault_requests(tag);
    assert_non_null(reqs);
    for (i = 0; i < 11; i++) {
        assert_int_equal(query_value(reqs, i, "limit"), 100);
        assert_int_equal(query_value(reqs, i, "offset"), 100L * i);
        assert_non_null(
            strstr(fault_req_field(reqs, i, "target"), "order_by=-created_at"));
    }
    cJSON_Delete(reqs);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

static void test_failing_page_in_the_middle(void **state)
{
    const char *tag = "pg_fail";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    const clerk_pager_progress_t *pr;
    size_t got;

    (void)state;
    /* The page at offset 500 answers 503 three times (every attempt the
     * client's retry policy makes); the page at 200 fails once, and its
     * retry succeeds. */
    assert_int_equal(
        fault_script(
            tag, "[{\"match\": \"offset=500\", \"status\": 503, \"repeat\": 3,"
                 "  \"body\": \"{\\\"errors\\\": [{\\\"code\\\": "
                 "\\\"unavailable\\\","
                 "  \\\"message\\\": \\\"try later\\\"}]}\"},"
                 " {\"match\": \"offset=200\", \"status\": 502},"
                 " {\"page\": {\"total\": 1050}, \"repeat\": 50}]"),
        0);
    assert_int_equal(clerk_users_list_pager(&pager, c, NULL, 100), CLERK_OK);
    got = drain_users(pager, 0);
    assert_int_equal(got, 500);
    pr = clerk_pager_progress(pager);
    assert_int_equal(pr->status, CLERK_E_HTTP);
    assert_false(pr->done);
    assert_int_equal(pr->items, 500);
    assert_int_equal(pr->pages, 5);
    assert_int_equal(pr->offset, 500);
    assert_non_null(pr->response);
    assert_int_equal(pr->response->status, CLERK_E_HTTP);
    assert_int_equal(pr->response->http_status, 503);
    assert_int_equal(pr->response->attempts, 3);
    assert_non_null(pr->response->errors);
    assert_string_equal(pr->response->errors->items[0].code, "unavailable");
    assert_int_equal(clerk_last_error()->status, CLERK_E_HTTP);
    assert_int_equal(clerk_last_error()->http_status, 503);
    assert_string_equal(clerk_last_error()->code, "unavailable");
    /* 5 pages + 1 retry of the page at 200 + 3 attempts at 500. */
    assert_int_equal(fault_request_count(tag), 9);

    /* Going on fetches the failed page again and finishes the walk. */
    got = drain_users(pager, 500);
    assert_int_equal(got, 550);
    pr = clerk_pager_progress(pager);
    assert_int_equal(pr->status, CLERK_OK);
    assert_true(pr->done);
    assert_int_equal(pr->items, 1050);
    assert_int_equal(pr->pages, 11);
    assert_null(pr->response);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

static void test_empty_list(void **state)
{
    const char *tag = "pg_empty";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    const clerk_pager_progress_t *pr;

    (void)state;
    assert_int_equal(fault_script(tag, "[{\"page\": {\"total\": 0}}]"), 0);
    assert_int_equal(clerk_users_list_pager(&pager, c, NULL, 0), CLERK_OK);
    assert_null(clerk_users_list_next(pager));
    pr = clerk_pager_progress(pager);
    assert_int_equal(pr->status, CLERK_OK);
    assert_true(pr->done);
    assert_int_equal(pr->items, 0);
    assert_int_equal(pr->pages, 1);
    assert_int_equal(pr->page_size, CLERK_PAGER_DEFAULT_PAGE_SIZE);
    assert_null(clerk_users_list_next(pager));
    assert_int_equal(fault_request_count(tag), 1);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

/* A list model ({data, total_count}): a list of 1,000 in pages of 100
 * takes 10 requests, not 11 (total_count ends it, not an empty page);
 * the page size comes from params.limit, the start from params.offset. */
static void test_total_count_of_a_list_model(void **state)
{
    const char *tag = "pg_orgs";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    const clerk_organization_t *o;
    const clerk_pager_progress_t *pr;
    size_t n = 0;
    cJSON *reqs;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"page\": {\"total\": 1000, \"wrap\": \"data\"}, "
                 "\"repeat\": 20}]"),
        0);
    assert_int_equal(
        clerk_organizations_list_pager(
            &pager, c,
            &(clerk_organizations_list_params_t){ .limit = CLERK_INT(100),
                                                  .offset = CLERK_INT(200) },
            0),
        CLERK_OK);
    while ((o = clerk_organizations_list_next(pager)) != NULL) {
        char want[32];

        snprintf(want, sizeof(want), "item_%zu", 200 + n);
        assert_string_equal(o->id, want);
        n++;
    }
    assert_int_equal(n, 800);
    pr = clerk_pager_progress(pager);
    assert_int_equal(pr->status, CLERK_OK);
    assert_true(pr->done);
    assert_int_equal(pr->pages, 8);
    assert_int_equal(pr->total_count.state, CLERK_SET);
    assert_int_equal(pr->total_count.value, 1000);
    assert_int_equal(fault_request_count(tag), 8);
    reqs = fault_requests(tag);
    assert_int_equal(query_value(reqs, 0, "offset"), 200);
    assert_int_equal(query_value(reqs, 7, "offset"), 900);
    cJSON_Delete(reqs);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

/* A paginated=true answer carries total_count too. */
static void test_paginated_answer(void **state)
{
    const char *tag = "pg_inv";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"page\": {\"total\": 250, \"wrap\": \"data\"}, "
                 "\"repeat\": 9}]"),
        0);
    assert_int_equal(
        clerk_invitations_list_pager(
            &pager, c,
            &(clerk_invitations_list_params_t){ .paginated = CLERK_BOOL(true) },
            50),
        CLERK_OK);
    while (clerk_invitations_list_next(pager) != NULL) {
        n++;
    }
    assert_int_equal(n, 250);
    assert_int_equal(clerk_pager_progress(pager)->status, CLERK_OK);
    assert_int_equal(clerk_pager_progress(pager)->total_count.value, 250);
    assert_int_equal(fault_request_count(tag), 5);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

/* limit/offset typed as numbers (M2M tokens), items under another key. */
static void test_number_params(void **state)
{
    const char *tag = "pg_m2m";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    size_t n = 0;
    cJSON *reqs;

    (void)state;
    assert_int_equal(
        fault_script(
            tag, "[{\"page\": {\"total\": 25, \"wrap\": \"m2m_tokens\","
                 " \"count\": false}, \"repeat\": 9}]"),
        0);
    assert_int_equal(
        clerk_m2m_list_tokens_pager(
            &pager, c, &(clerk_m2m_list_tokens_params_t){ .subject = "mch_1" },
            10),
        CLERK_OK);
    while (clerk_m2m_list_tokens_next(pager) != NULL) {
        n++;
    }
    assert_int_equal(n, 25);
    assert_true(clerk_pager_progress(pager)->done);
    assert_int_equal(fault_request_count(tag), 3);
    reqs = fault_requests(tag);
    assert_int_equal(query_value(reqs, 2, "limit"), 10);
    assert_int_equal(query_value(reqs, 2, "offset"), 20);
    cJSON_Delete(reqs);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

/* Path parameters are copied when the pager is made. */
static void test_path_params_copied(void **state)
{
    const char *tag = "pg_path";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    char org[16] = "org_1";
    cJSON *reqs;
    size_t n = 0;

    (void)state;
    assert_int_equal(
        fault_script(
            tag,
            "[{\"page\": {\"total\": 3, \"wrap\": \"data\"}, \"repeat\": 2}]"),
        0);
    assert_int_equal(
        clerk_organization_memberships_list_pager(&pager, c, org, NULL, 2),
        CLERK_OK);
    strcpy(org, "org_XX");
    while (clerk_organization_memberships_list_next(pager) != NULL) {
        n++;
    }
    assert_int_equal(n, 3);
    reqs = fault_requests(tag);
    assert_int_equal(cJSON_GetArraySize(reqs), 2);
    assert_non_null(strstr(
        fault_req_field(reqs, 1, "target"),
        "/organizations/org_1/memberships?limit=2&offset=2"));
    cJSON_Delete(reqs);
    clerk_pager_free(pager);
    clerk_client_free(c);
}

static void test_refused(void **state)
{
    const char *tag = "pg_refused";
    clerk_client_t *c = rt_client(tag, false, NULL);
    clerk_pager_t *pager = NULL;
    clerk_users_list_params_t bad;

    (void)state;
    assert_int_equal(
        clerk_users_list_pager(&pager, c, NULL, 501), CLERK_E_INVALID_ARG);
    assert_null(pager);
    assert_int_equal(clerk_last_error()->status, CLERK_E_INVALID_ARG);
    assert_non_null(strstr(clerk_last_error()->message, "page_size 501"));
    assert_int_equal(
        clerk_users_list_pager(&pager, NULL, NULL, 10), CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_users_list_pager(NULL, c, NULL, 10), CLERK_E_INVALID_ARG);

    /* `.offset = 5` instead of CLERK_INT(5): state 5. */
    memset(&bad, 0, sizeof(bad));
    bad.offset.state = (clerk_presence_t)5;
    assert_int_equal(
        clerk_users_list_pager(&pager, c, &bad, 10), CLERK_E_INVALID_ARG);
    assert_non_null(strstr(clerk_last_error()->message, "params.offset"));
    assert_non_null(strstr(clerk_last_error()->message, "CLERK_INT"));
    memset(&bad, 0, sizeof(bad));
    bad.limit = CLERK_INT(1000);
    assert_int_equal(
        clerk_users_list_pager(&pager, c, &bad, 0), CLERK_E_INVALID_ARG);
    assert_non_null(strstr(clerk_last_error()->message, "params.limit"));

    /* Another operation's _next refuses the pager. */
    assert_int_equal(clerk_users_list_pager(&pager, c, NULL, 10), CLERK_OK);
    assert_null(clerk_organizations_list_next(pager));
    assert_int_equal(clerk_last_error()->status, CLERK_E_INVALID_ARG);
    assert_int_equal(fault_request_count(tag), 0);
    assert_null(clerk_users_list_next(NULL));
    assert_int_equal(clerk_pager_progress(NULL)->status, CLERK_E_INVALID_ARG);
    clerk_pager_free(pager);
    clerk_pager_free(NULL);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_walk_1050_users),
        cmocka_unit_test(test_failing_page_in_the_middle),
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test(test_total_count_of_a_list_model),
        cmocka_unit_test(test_paginated_answer),
        cmocka_unit_test(test_number_params),
        cmocka_unit_test(test_path_params_copied),
        cmocka_unit_test(test_refused),
    };

    if (fault_init() != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
