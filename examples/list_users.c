/*
 * List every user of a Clerk instance, page by page.
 *
 *   CLERK_SECRET_KEY=sk_live_... ./list_users [max]
 *
 * $CLERK_API_URL overrides the API address (the quick start points it at a
 * local mock of the API); `max` stops after that many users.
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long max = argc > 1 ? strtol(argv[1], NULL, 10) : -1;
    clerk_client_t *client = NULL;
    clerk_pager_t *pager = NULL;
    const clerk_pager_progress_t *progress;
    const clerk_user_t *u;
    long n = 0;
    int rc = 1;

    /* NULL options: the base URL from $CLERK_API_URL (else
     * https://api.clerk.com/v1), the key from $CLERK_SECRET_KEY. */
    if (clerk_client_new(&client, NULL) != CLERK_OK) {
        fprintf(stderr, "clerk_client_new: %s\n", clerk_last_error()->message);
        goto done;
    }

    /* 100 users per request, newest first; nothing is sent yet. */
    if (clerk_users_list_pager(
            &pager, client,
            &(clerk_users_list_params_t){ .order_by = "-created_at" },
            100) != CLERK_OK) {
        fprintf(stderr, "pager: %s\n", clerk_last_error()->message);
        goto done;
    }
    /* One page is held at a time; u is valid until the next _next(). */
    while ((max < 0 || n < max) && (u = clerk_users_list_next(pager)) != NULL) {
        const char *email = u->email_addresses.count > 0
                                ? u->email_addresses.items[0].email_address
                                : NULL;

        printf(
            "  %s  %s %s  <%s>\n", u->id ? u->id : "-",
            clerk_opt_str_or(u->first_name, ""),
            clerk_opt_str_or(u->last_name, ""), email ? email : "no email");
        n++;
    }
    progress = clerk_pager_progress(pager);
    if (progress->status != CLERK_OK) {
        /* How far it got, and the failed page's error. */
        fprintf(
            stderr, "stopped after %zu users at offset %lld: %s\n",
            progress->items, (long long)progress->offset,
            clerk_last_error()->message);
        goto done;
    }
    printf("%ld users, %zu pages\n", n, progress->pages);
    rc = 0;
done:
    clerk_pager_free(pager);
    clerk_client_free(client);
    return rc;
}
