/*
 * fork(): a client warmed up before fork() serves parent and child at the
 * same time without either one getting the other's responses, and a child
 * never disturbs the connections (plain or TLS) the parent keeps using.
 */
#include "rt_common.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALLS 200

typedef struct tally {
    int ok;      /* the answer to this very request */
    int crossed; /* an answer to some other request */
    int failed;  /* no answer */
} tally_t;

/* CALLS list calls, each with its own token in the query; the fault
 * server echoes the request target, so every answer says which request
 * it belongs to.  No cmocka asserts: this also runs in the child. */
static tally_t run_calls(clerk_client_t *c, const char *tag, char who)
{
    tally_t t = { 0, 0, 0 };
    char token[32];
    char want[128];
    int i;

    for (i = 0; i < CALLS; i++) {
        json_response_t *r = NULL;
        list_params_t p;
        const char *target;

        memset(&p, 0, sizeof(p));
        snprintf(token, sizeof(token), "%c%d", who, i);
        snprintf(want, sizeof(want), "/t/%s/v1/users?name=%s", tag, token);
        p.name = token;
        if (rt_call((void **)&r, c, &op_list, NULL, &p, NULL) != CLERK_OK ||
            r->data == NULL) {
            t.failed++;
        } else {
            target =
                cJSON_GetStringValue(cJSON_GetObjectItem(*r->data, "target"));
            if (target != NULL && strcmp(target, want) == 0) {
                t.ok++;
            } else {
                t.crossed++;
            }
        }
        clerk__op_response_free(&op_list, r);
    }
    return t;
}

static clerk_client_t *client_for(const char *tag, bool tls)
{
    clerk_client_options_t o = { 0 };

    o.tls.ca_file = fault_ca_file();
    o.retry.disable = true; /* a retry must not hide a broken exchange */
    return rt_client(tag, tls, &o);
}

static void warm(clerk_client_t *c)
{
    json_response_t *r = NULL;

    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
    clerk__op_response_free(&op_list, r);
}

/* 200 calls in the parent and 200 in the child at once. */
static void concurrent_after_fork(const char *tag, bool tls)
{
    clerk_client_t *c = client_for(tag, tls);
    tally_t mine;
    tally_t child;
    int fds[2];
    int status = 0;
    pid_t pid;

    warm(c);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child = run_calls(c, tag, 'c');
        clerk_client_free(c);
        _exit(
            write(fds[1], &child, sizeof(child)) == (ssize_t)sizeof(child) ? 0
                                                                           : 1);
    }
    close(fds[1]);
    mine = run_calls(c, tag, 'p');
    memset(&child, 0, sizeof(child));
    assert_int_equal(read(fds[0], &child, sizeof(child)), sizeof(child));
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    print_message(
        "%s: parent %d ok %d crossed %d failed; child %d ok %d crossed %d "
        "failed\n",
        tls ? "https" : "http", mine.ok, mine.crossed, mine.failed, child.ok,
        child.crossed, child.failed);
    assert_int_equal(mine.crossed, 0);
    assert_int_equal(child.crossed, 0);
    assert_int_equal(mine.ok, CALLS);
    assert_int_equal(child.ok, CALLS);
    /* The parent kept its connection; the child made its own. */
    assert_int_equal(fault_connection_count(tag), 2);
    clerk_client_free(c);
}

static void test_fork_http(void **state)
{
    (void)state;
    concurrent_after_fork("forkh", false);
}

static void test_fork_https(void **state)
{
    (void)state;
    concurrent_after_fork("forks", true);
}

/* A child that only frees the client (or only exits after using it) sends
 * nothing on the parent's connection: no TLS close_notify that would end
 * it, so the parent goes on with the same connection. */
static void child_leaves_connection_alone(const char *tag, bool tls)
{
    clerk_client_t *c = client_for(tag, tls);
    json_response_t *r = NULL;
    int status = 0;
    pid_t pid;
    int i;

    warm(c);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        clerk_client_free(c);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    for (i = 0; i < 5; i++) {
        assert_int_equal(
            rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_OK);
        clerk__op_response_free(&op_list, r);
    }
    assert_int_equal(fault_connection_count(tag), 1);
    assert_int_equal(fault_request_count(tag), 6);
    clerk_client_free(c);
}

static void test_child_free_http(void **state)
{
    (void)state;
    child_leaves_connection_alone("forkfh", false);
}

static void test_child_free_https(void **state)
{
    (void)state;
    child_leaves_connection_alone("forkfs", true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fork_http),
        cmocka_unit_test(test_fork_https),
        cmocka_unit_test(test_child_free_http),
        cmocka_unit_test(test_child_free_https),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
