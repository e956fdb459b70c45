/*
 * Per-call settings without a second client: a view of the client with a
 * 2 s timeout, no retries, an Idempotency-Key header and a cancel token
 * that a signal handler sets (Ctrl-C stops the calls in flight, not the
 * process).  Then give back the memory this thread keeps for decoding.
 *
 *   CLERK_SECRET_KEY=sk_test_... ./per_call_options alice@example.com [KEY]
 *
 * KEY is the idempotency key (default "create-<email>").  The program
 * raises SIGINT itself after the first call to show what a cancelled call
 * looks like; exit status 0 when every step behaved as described.
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

static clerk_cancel_t *stop; /* set by the SIGINT handler */

static void on_sigint(int sig)
{
    (void)sig;
    clerk_cancel_set(stop); /* an atomic store: safe in a handler */
}

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL, *once = NULL;
    clerk_user_t *user = NULL, *again = NULL;
    char key[256], why[CLERK_MESSAGE_SIZE];
    int rc = 1;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s EMAIL [IDEMPOTENCY_KEY]\n", argv[0]);
        return 2;
    }
    snprintf(key, sizeof(key), "%s", argc > 2 ? argv[2] : "create-");
    if (argc == 2)
        strncat(key, argv[1], sizeof(key) - strlen(key) - 1);

    /* Base URL from $CLERK_API_URL, key from $CLERK_SECRET_KEY. */
    if (clerk_client_new(&client, NULL) != CLERK_OK ||
        clerk_cancel_new(&stop) != CLERK_OK) {
        fprintf(stderr, "setup: %s\n", clerk_last_error()->message);
        goto done;
    }
    signal(SIGINT, on_sigint);

    /* The view: the client's connections and caches, these settings. */
    if (clerk_client_view(
            &once, client,
            &(clerk_call_options_t){
                .timeout_ms = 2000,
                .retry = &(clerk_retry_policy_t){ .disable = true },
                .headers =
                    (clerk_header_option_t[]){ { "Idempotency-Key", key } },
                .header_count = 1,
                .cancel = stop },
            why, sizeof(why)) != CLERK_OK) {
        fprintf(stderr, "view refused: %s\n", why);
        goto done;
    }

    user = clerk_users_create(
        once, &(clerk_users_create_request_t){
                  .email_address =
                      CLERK_ARRAY(clerk_str_array_t, char *, argv[1]),
                  .skip_password_requirement = CLERK_BOOL(true) });
    if (user == NULL) {
        fprintf(stderr, "users_create: %s\n", clerk_last_error()->message);
        goto done;
    }
    printf("created %s (Idempotency-Key: %s)\n", user->id, key);

    /* Ctrl-C: every call through the view now stops before it is sent
     * (or at libcurl's next progress check when already in flight). */
    raise(SIGINT);
    again = clerk_users_get(once, user->id);
    if (again != NULL || clerk_last_error()->status != CLERK_E_CANCELLED) {
        fprintf(stderr, "expected the call to be cancelled\n");
        goto done;
    }
    printf("through the view: %s\n", clerk_last_error()->message);

    /* The client itself has no token: its calls go on. */
    again = clerk_users_get(client, user->id);
    if (again == NULL) {
        fprintf(stderr, "users_get: %s\n", clerk_last_error()->message);
        goto done;
    }
    printf("through the client: %s\n", again->id);
    rc = 0;
done:
    clerk_user_free(again);
    clerk_user_free(user);
    clerk_client_free(once); /* a view first or last: either order works */
    clerk_client_free(client);
    signal(SIGINT, SIG_DFL);
    clerk_cancel_free(stop);
    /* This thread makes no more calls: give back its decode blocks now
     * rather than at thread exit (a long-lived worker would do this). */
    clerk_thread_memory_release();
    return rc;
}
