/*
 * Upload a user's profile image (a multipart/form-data request), from a
 * file or, without one, from a tiny PNG held in memory.
 *
 *   CLERK_SECRET_KEY=sk_test_... ./upload_profile_image USER_ID [IMAGE_FILE]
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

/* A 1x1 transparent PNG. */
static const unsigned char pixel_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
    0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
    0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
    0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_users_set_profile_image_response_t *res = NULL;
    int rc = 1;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s USER_ID [IMAGE_FILE]\n", argv[0]);
        return 2;
    }
    if (clerk_client_new(&client, NULL) != CLERK_OK) /* $CLERK_API_URL, $CLERK_SECRET_KEY */
        goto done;

    /* A file part is read from `path`, or sent from `data` + `size`. */
    clerk_file_t image = { .filename = "avatar.png",
                           .content_type = "image/png" };
    if (argc == 3) {
        image.path = argv[2];
    } else {
        image.data = pixel_png;
        image.size = sizeof pixel_png;
    }
    if (clerk_users_set_profile_image_detailed(
            &res, client, argv[1],
            &(clerk_users_set_profile_image_request_t){ .file = &image }) !=
        CLERK_OK) {
        fprintf(
            stderr, "users_set_profile_image: %s (HTTP %ld)\n",
            res->meta.message, res->meta.http_status);
        goto done;
    }
    printf(
        "%s image: %s\n", res->data->id ? res->data->id : "-",
        res->data->image_url ? res->data->image_url : "(none)");
    rc = 0;
done:
    clerk_users_set_profile_image_response_free(res);
    clerk_client_free(client);
    return rc;
}
