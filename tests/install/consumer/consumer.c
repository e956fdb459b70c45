/*
 * A program built against an installed libclerk (tests/install/check.sh
 * builds it with pkg-config and with find_package(clerk)).  It decodes a
 * User, reads its metadata with cJSON itself (so cJSON must come with the
 * library's link line), encodes the metadata in a request and, when
 * CLERK_API_URL is set, lists users through the library's HTTP stack.
 * Exit 0 when all of it worked.
 */
#include <clerk.h>
#include <clerk/api/users.h>
#include <clerk/model/users_update_metadata_request.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char user_json[] =
    "{\"id\":\"user_install\",\"object\":\"user\",\"first_name\":\"Ada\","
    "\"public_metadata\":{\"plan\":\"pro\"}}";

int main(void)
{
    clerk_user_t *user = NULL;
    clerk_json_error_t jerr;
    clerk_client_t *client = NULL;
    clerk_users_list_response_t *res = NULL;
    const char *base = getenv("CLERK_API_URL");
    const cJSON *plan;
    char *text = NULL;
    int rc = 1;

    printf("libclerk %s (API %s)\n", clerk_version_str(), CLERK_API_VERSION);
    if (clerk_user_parse(&user, user_json, strlen(user_json), 0, &jerr) !=
        CLERK_OK) {
        fprintf(stderr, "clerk_user_parse failed\n");
        goto done;
    }
    plan = cJSON_GetObjectItemCaseSensitive(user->public_metadata, "plan");
    if (!cJSON_IsString(plan) || strcmp(plan->valuestring, "pro") != 0) {
        fprintf(stderr, "public_metadata.plan not decoded\n");
        goto done;
    }
    /* The User lacks fields the spec requires (decoding tolerates that):
     * like _to_json, _print refuses it. */
    text = clerk_user_print(user);
    if (text != NULL) {
        fprintf(stderr, "clerk_user_print printed a partial user\n");
        goto done;
    }
    text = clerk_users_update_metadata_request_print(
        &(clerk_users_update_metadata_request_t){
            .public_metadata = user->public_metadata });
    if (text == NULL ||
        strcmp(text, "{\"public_metadata\":{\"plan\":\"pro\"}}") != 0) {
        fprintf(stderr, "request print: %s\n", text ? text : "(null)");
        goto done;
    }
    printf("decoded %s and encoded %s\n", user->id, text);

    if (base != NULL) {
        clerk_status_t st = clerk_client_new(
            &client, NULL); /* the base URL from $CLERK_API_URL */
        if (st != CLERK_OK) {
            fprintf(stderr, "clerk_client_new: %s\n", clerk_status_str(st));
            goto done;
        }
        st = clerk_users_list_detailed(
            &res, client,
            &(clerk_users_list_params_t){ .limit = CLERK_INT(2) });
        if (st != CLERK_OK) {
            fprintf(stderr, "users_list: %s\n", res->meta.message);
            goto done;
        }
        printf(
            "users_list: HTTP %ld, %zu users\n", res->meta.http_status,
            res->data->count);
    }
    rc = 0;
done:
    clerk_users_list_response_free(res);
    clerk_client_free(client);
    clerk_free(text);
    clerk_user_free(user);
    return rc;
}
