/*
 * Create a user, then clear their last name (PATCH semantics: an explicit
 * null), and print what the API said when something went wrong.
 *
 *   CLERK_SECRET_KEY=sk_test_... ./create_user alice@example.com
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

static void report(const char *what, const clerk_response_t *meta)
{
    size_t i;

    fprintf(
        stderr, "%s: %s (HTTP %ld)\n", what, meta->message, meta->http_status);
    for (i = 0; meta->errors != NULL && i < meta->errors->count; i++) {
        const clerk_error_t *e = &meta->errors->items[i];

        fprintf(
            stderr, "  %s: %s\n", e->code ? e->code : "?",
            e->long_message ? e->long_message
            : e->message    ? e->message
                            : "");
    }
    if (meta->json_path != NULL)
        fprintf(stderr, "  at %s\n", meta->json_path);
}

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_users_create_response_t *created = NULL;
    clerk_users_update_response_t *updated = NULL;
    cJSON *metadata = NULL;
    int rc = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: %s EMAIL\n", argv[0]);
        return 2;
    }
    /* Base URL from $CLERK_API_URL, key from $CLERK_SECRET_KEY. */
    if (clerk_client_new(&client, NULL) != CLERK_OK) {
        fprintf(stderr, "clerk_client_new: %s\n", clerk_last_error()->message);
        goto done;
    }

    /* Borrowed for the call: the library copies what it sends. */
    metadata = cJSON_CreateObject();
    if (metadata == NULL || !cJSON_AddStringToObject(metadata, "plan", "pro"))
        goto done;

    if (clerk_users_create_detailed(
            &created, client,
            &(clerk_users_create_request_t){
                .email_address =
                    CLERK_ARRAY(clerk_str_array_t, char *, argv[1]),
                .first_name = CLERK_STR("Alice"),
                .last_name = CLERK_STR("Example"),
                .public_metadata = metadata,
                .skip_password_requirement = CLERK_BOOL(true) }) != CLERK_OK) {
        report("users_create", &created->meta);
        goto done;
    }
    printf("created %s\n", created->data->id);

    /* Unset fields are not sent; CLERK_STR_NULL sends "last_name": null. */
    if (clerk_users_update_detailed(
            &updated, client, created->data->id,
            &(clerk_users_update_request_t){ .last_name = CLERK_STR_NULL }) !=
        CLERK_OK) {
        report("users_update", &updated->meta);
        goto done;
    }
    printf(
        "updated %s: last name %s\n", updated->data->id,
        clerk_opt_str_or(updated->data->last_name, "(none)"));
    rc = 0;
done:
    clerk_users_update_response_free(updated);
    clerk_users_create_response_free(created);
    cJSON_Delete(metadata);
    clerk_client_free(client);
    return rc;
}
