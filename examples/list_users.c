/*
 * List the first users of a Clerk instance.
 *
 *   CLERK_SECRET_KEY=sk_live_... ./list_users
 *
 * CLERK_BASE_URL overrides the API address (the quick start points it at a
 * local mock of the API).
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    clerk_client_t *client = NULL;
    clerk_users_list_response_t *res = NULL;
    clerk_status_t st;
    int rc = 1;

    /* NULL base URL: https://api.clerk.com/v1; NULL key: $CLERK_SECRET_KEY */
    st = clerk_client_new(
        &client,
        &(clerk_client_options_t){ .base_url = getenv("CLERK_BASE_URL") });
    if (st != CLERK_OK) {
        fprintf(stderr, "clerk_client_new: %s\n", clerk_status_str(st));
        goto done;
    }

    st = clerk_users_list_detailed(
        &res, client, &(clerk_users_list_params_t){ .limit = CLERK_INT(10) });
    if (st != CLERK_OK) {
        fprintf(
            stderr, "users_list: %s (HTTP %ld)\n",
            res ? res->meta.message : clerk_status_str(st),
            res ? res->meta.http_status : 0L);
        if (res && res->meta.errors && res->meta.errors->count > 0)
            fprintf(stderr, "  %s\n", res->meta.errors->items[0].message);
        goto done;
    }

    printf(
        "%zu users (HTTP %ld, %.1f ms)\n", res->data->count,
        res->meta.http_status, res->meta.elapsed_ms);
    for (size_t i = 0; i < res->data->count; i++) {
        const clerk_user_t *u = &res->data->items[i];
        const char *email = u->email_addresses.count > 0
                                ? u->email_addresses.items[0].email_address
                                : NULL;
        printf(
            "  %s  %s %s  <%s>\n", u->id ? u->id : "-",
            clerk_opt_str_or(u->first_name, ""),
            clerk_opt_str_or(u->last_name, ""), email ? email : "no email");
    }
    rc = 0;
done:
    clerk_users_list_response_free(res);
    clerk_client_free(client);
    return rc;
}
