/*
 * Why a client was not made (issue 11, item 7) and where it sends
 * (item 8):
 *
 * - every option clerk_client_new() validates is refused with a message
 *   that names it and says why, both from clerk_client_new_detailed() and,
 *   for a plain clerk_client_new(), from clerk_last_error();
 * - the base URL comes from options.base_url, else $CLERK_API_URL (an
 *   origin gets "/v1", as @clerk/backend joins it; a URL with a path is
 *   taken as it is), else https://api.clerk.com/v1.  The request hook sees
 *   the URL and cancels the call, so nothing leaves the machine.
 */
#include "rt_common.h"

/* Refused, naming the option (`name`) and saying why (`why`). */
static void expect_refused(
    const clerk_client_options_t *o, const char *name, const char *why)
{
    clerk_client_t *c = NULL;
    char msg[CLERK_MESSAGE_SIZE];

    assert_int_equal(
        clerk_client_new_detailed(&c, o, msg, sizeof(msg)),
        CLERK_E_INVALID_ARG);
    assert_null(c);
    if (strstr(msg, name) == NULL || strstr(msg, why) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", msg, name, why);
    }
    /* The plain call keeps the same reason in the thread's last error. */
    assert_int_equal(clerk_client_new(&c, o), CLERK_E_INVALID_ARG);
    assert_null(c);
    assert_int_equal(clerk_last_error()->status, CLERK_E_INVALID_ARG);
    assert_string_equal(clerk_last_error()->message, msg);
}

static void test_every_option_named(void **state)
{
    clerk_header_option_t crlf[] = { { "X-A", "a\r\nb" } };
    clerk_header_option_t bad_name[] = { { "X:A", "v" } };
    clerk_client_options_t o;
    clerk_client_t *c = NULL;

    (void)state;
#define REFUSED(setup, name, why)                                              \
    do {                                                                       \
        memset(&o, 0, sizeof(o));                                              \
        o.base_url = "http://127.0.0.1:1/v1";                                  \
        setup;                                                                 \
        expect_refused(&o, name, why);                                         \
    } while (0)

    REFUSED(o.base_url = "ftp://h/v1", "options.base_url", "http://");
    REFUSED(o.base_url = "http:///v1", "options.base_url", "no host");
    REFUSED(o.base_url = "http://h:8x/v1", "options.base_url", "bad port");
    REFUSED(o.base_url = "http://h/v1?a", "options.base_url", "'?'");
    REFUSED(o.secret_key = "sk_\n", "options.secret_key", "control");
    REFUSED(o.auth_prefix = "B\n", "options.auth_prefix", "control");
    REFUSED(o.api_version = "v\n", "options.api_version", "control");
    REFUSED(
        o.user_agent_suffix = "u\n", "options.user_agent_suffix", "control");
    REFUSED(o.proxy = "http://p\n", "options.proxy", "control");
    REFUSED(o.tls.ca_file = "a\n", "options.tls.ca_file", "control");
    REFUSED(o.tls.ca_path = "a\n", "options.tls.ca_path", "control");
    REFUSED(o.tls.client_cert = "a\n", "options.tls.client_cert", "control");
    REFUSED(o.tls.client_key = "a\n", "options.tls.client_key", "control");
    REFUSED(o.auth_header = "A B", "options.auth_header", "token");
    REFUSED(
        (o.headers = NULL, o.header_count = 2), "options.headers",
        "header_count is 2");
    REFUSED(
        (o.headers = bad_name, o.header_count = 1), "options.headers[0].name",
        "token");
    REFUSED(
        (o.headers = crlf, o.header_count = 1), "options.headers[0].value",
        "control");
    REFUSED(
        o.connect_timeout_ms = -3, "options.connect_timeout_ms", "negative");
    REFUSED(o.timeout_ms = -3, "options.timeout_ms", "negative");
    REFUSED(o.deadline_ms = -3, "options.deadline_ms", "negative");
    REFUSED(
        o.retry.max_attempts = CLERK_RETRY_MAX_ATTEMPTS + 1,
        "options.retry.max_attempts", "above CLERK_RETRY_MAX_ATTEMPTS");
    REFUSED(o.retry.factor = 0.9, "options.retry.factor", "[1, 1e6]");
    REFUSED(
        o.rate_limit.max_requests = CLERK_RATE_LIMIT_MAX_REQUESTS + 1,
        "options.rate_limit.max_requests", "above");
    REFUSED(
        o.rate_limit.window_ms = CLERK_RATE_LIMIT_MAX_WINDOW_MS + 1,
        "options.rate_limit.window_ms", "above");

    /* From the environment. */
    setenv("CLERK_SECRET_KEY", "sk_\x01", 1);
    REFUSED((void)0, "$CLERK_SECRET_KEY", "control");
    unsetenv("CLERK_SECRET_KEY");
    setenv("CLERK_API_URL", "ftp://h", 1);
    REFUSED(o.base_url = NULL, "$CLERK_API_URL", "http://");
    setenv("CLERK_API_URL", "http://h/a b", 1);
    REFUSED(o.base_url = NULL, "$CLERK_API_URL", "space");
    unsetenv("CLERK_API_URL");
#undef REFUSED

    /* A success resets the last error. */
    assert_int_equal(
        clerk_client_new(
            &c, &(clerk_client_options_t){ .base_url = "http://h/v1" }),
        CLERK_OK);
    assert_int_equal(clerk_last_error()->status, CLERK_OK);
    clerk_client_free(c);
}

/* The URL the hook saw, copied. */
static char seen[512];

static int grab_url(const clerk_hook_info_t *info, void *payload)
{
    (void)payload;
    snprintf(seen, sizeof(seen), "%s", info->url);
    return 1; /* cancel: nothing is sent */
}

/* Where a call of GET /users goes with this base_url option and this
 * $CLERK_API_URL (NULL: unset). */
static const char *where(const char *option, const char *env)
{
    clerk_client_t *c = NULL;
    json_response_t *r = NULL;

    if (env != NULL) {
        setenv("CLERK_API_URL", env, 1);
    } else {
        unsetenv("CLERK_API_URL");
    }
    assert_int_equal(
        clerk_client_new(
            &c,
            &(clerk_client_options_t){ .base_url = option,
                                       .secret_key = "",
                                       .rate_limit.disable = true,
                                       .hooks = { .on_request = grab_url } }),
        CLERK_OK);
    seen[0] = '\0';
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_CANCELLED);
    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    unsetenv("CLERK_API_URL");
    return seen;
}

static void test_clerk_api_url(void **state)
{
    (void)state;
    assert_string_equal(where(NULL, NULL), "https://api.clerk.com/v1/users");
    assert_string_equal(where(NULL, ""), "https://api.clerk.com/v1/users");
    /* An origin, as @clerk/backend takes it: the version path is added. */
    assert_string_equal(
        where(NULL, "https://api.clerk.example"),
        "https://api.clerk.example/v1/users");
    /* A URL with a path is the base URL as it is ("/": the root). */
    assert_string_equal(
        where(NULL, "http://127.0.0.1:4010/"), "http://127.0.0.1:4010/users");
    assert_string_equal(
        where(NULL, "https://proxy.example/clerk/v1"),
        "https://proxy.example/clerk/v1/users");
    /* The option wins. */
    assert_string_equal(
        where("http://127.0.0.1:9/v1", "https://api.clerk.example"),
        "http://127.0.0.1:9/v1/users");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_option_named),
        cmocka_unit_test(test_clerk_api_url),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
