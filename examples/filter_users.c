/*
 * List users with filters: a free-text query, exact e-mail addresses, not
 * banned, newest first, a page of 5 from offset 0.
 *
 *   CLERK_SECRET_KEY=sk_test_... ./filter_users [QUERY] [EMAIL...]
 *
 * Every filter is a member of clerk_users_list_params_t; unset members are
 * not sent.  Array filters (email_address, user_id, ...) repeat the key.
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_user_array_t *users = NULL;
    int rc = 1;

    if (clerk_client_new(&client, NULL) != CLERK_OK) /* $CLERK_API_URL, $CLERK_SECRET_KEY */
        goto done;

    users = clerk_users_list(
        client,
        &(clerk_users_list_params_t){
            .query = argc > 1 ? argv[1] : NULL,
            /* The remaining arguments, as a borrowed array of strings. */
            .email_address = { .items = argc > 2 ? argv + 2 : NULL,
                               .count = argc > 2 ? (size_t)(argc - 2) : 0 },
            .banned = CLERK_BOOL(false),
            .order_by = "-created_at",
            .limit = CLERK_INT(5),
            .offset = CLERK_INT(0) });
    if (users == NULL) {
        /* A plain call that returned NULL: the reason, per thread. */
        fprintf(
            stderr, "users_list: %s (HTTP %ld)\n", clerk_last_error()->message,
            clerk_last_error()->http_status);
        goto done;
    }
    printf("%zu users\n", users->count);
    for (size_t i = 0; i < users->count; i++)
        printf(
            "  %s  %s\n", users->items[i].id ? users->items[i].id : "-",
            clerk_opt_str_or(users->items[i].first_name, "(no first name)"));
    rc = 0;
done:
    clerk_user_array_free(users);
    clerk_client_free(client);
    return rc;
}
