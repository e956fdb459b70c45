/*
 * Update a user's metadata: set public "plan" and delete public "trial" in
 * one call.  Clerk merges the object sent into the stored metadata, and a
 * key sent as null is deleted.
 *
 *   CLERK_SECRET_KEY=sk_test_... ./update_metadata USER_ID
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_users_update_metadata_response_t *res = NULL;
    cJSON *patch = NULL;
    char *text = NULL;
    int rc = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: %s USER_ID\n", argv[0]);
        return 2;
    }
    if (clerk_client_new(&client, NULL) != CLERK_OK) /* $CLERK_API_URL, $CLERK_SECRET_KEY */
        goto done;

    /* {"plan": "pro", "trial": null}: free-form metadata is cJSON. */
    patch = cJSON_CreateObject();
    if (patch == NULL || !cJSON_AddStringToObject(patch, "plan", "pro") ||
        !cJSON_AddNullToObject(patch, "trial"))
        goto done;

    if (clerk_users_update_metadata_detailed(
            &res, client, argv[1],
            &(clerk_users_update_metadata_request_t){
                .public_metadata = patch }) != CLERK_OK) {
        fprintf(
            stderr, "users_update_metadata: %s (HTTP %ld)\n",
            res->meta.message, res->meta.http_status);
        goto done;
    }
    /* What the server now stores, e.g. {"plan":"pro"}. */
    text = cJSON_PrintUnformatted(res->data->public_metadata);
    printf(
        "%s public_metadata: %s\n", res->data->id ? res->data->id : "-",
        text ? text : "(none)");
    rc = 0;
done:
    cJSON_free(text);
    clerk_users_update_metadata_response_free(res);
    cJSON_Delete(patch);
    clerk_client_free(client);
    return rc;
}
