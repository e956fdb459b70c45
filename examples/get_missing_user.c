/*
 * Get a user that does not exist and print the Clerk error: the plain
 * call's reason (clerk_last_error()), then every error of the body through
 * the _detailed flavour.
 *
 *   CLERK_SECRET_KEY=sk_test_... ./get_missing_user [USER_ID]
 *
 * Against the local mock (cmake/mock.sh) every id exists; set
 * CLERK_MOCK_PREFER=code=404 to have Prism answer with the spec's 404
 * example instead (its `Prefer` request header).  Exit status 0 when a 404
 * with a Clerk error body was printed, else 1.
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    const char *id = argc > 1 ? argv[1] : "user_does_not_exist";
    const char *prefer = getenv("CLERK_MOCK_PREFER");
    clerk_header_option_t header = { "Prefer", prefer };
    clerk_client_t *client = NULL;
    clerk_user_t *user = NULL;
    clerk_users_get_response_t *res = NULL;
    int rc = 1;

    if (clerk_client_new(
            &client, &(clerk_client_options_t){
                         .headers = prefer ? &header : NULL,
                         .header_count = prefer ? 1 : 0 }) != CLERK_OK)
        goto done;

    /* Plain flavour: NULL, and the reason is kept for this thread. */
    user = clerk_users_get(client, id);
    if (user != NULL) {
        printf("%s exists\n", user->id);
        goto done;
    }
    printf(
        "users_get: %s (HTTP %ld, code %s)\n", clerk_last_error()->message,
        clerk_last_error()->http_status,
        clerk_last_error()->code[0] ? clerk_last_error()->code : "none");

    /* Detailed flavour: the whole parsed error body. */
    if (clerk_users_get_detailed(&res, client, id) == CLERK_E_HTTP) {
        for (size_t i = 0; res->meta.errors && i < res->meta.errors->count;
             i++) {
            const clerk_error_t *e = &res->meta.errors->items[i];
            printf(
                "  error %zu: %s: %s\n", i, e->code ? e->code : "?",
                e->long_message ? e->long_message
                : e->message    ? e->message
                                : "");
        }
        if (res->meta.errors && res->meta.errors->clerk_trace_id)
            printf("  trace id %s\n", res->meta.errors->clerk_trace_id);
        rc = res->meta.http_status == 404 && res->meta.errors &&
                     res->meta.errors->count > 0
                 ? 0
                 : 1;
    }
done:
    clerk_users_get_response_free(res);
    clerk_user_free(user);
    clerk_client_free(client);
    return rc;
}
