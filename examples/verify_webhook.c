/*
 * Verify a Clerk webhook (a Svix signature) and say what it is about.
 *
 *   CLERK_WEBHOOK_SECRET=whsec_... ./verify_webhook \
 *       SVIX_ID SVIX_TIMESTAMP SVIX_SIGNATURE [BODY_FILE]
 *   CLERK_WEBHOOK_SECRET=whsec_... SVIX_ID=... SVIX_TIMESTAMP=... \
 *       SVIX_SIGNATURE=... ./verify_webhook [BODY_FILE]
 *
 * The body is read from BODY_FILE, or from standard input when it is
 * absent or "-", byte for byte: the signature covers the exact bytes, so a
 * server must hand over the raw body, never JSON it parsed and printed
 * again.  The secret comes from the environment, not the command line,
 * where other users of the machine could see it.
 *
 * Prints the event type and the user id (user.* events) or the data's id,
 * and exits 0; a refused webhook prints the reason and exits 1.
 */
#include <clerk/auth.h>
#include <clerk/model/deleted_object.h>
#include <clerk/model/user.h>

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Svix sends at most a few hundred KB; bound what is read, as a server
 * should bound a request body. */
#define MAX_BODY (1024 * 1024)

static char *read_body(const char *path, size_t *len)
{
    FILE *f = stdin;
    char *buf = malloc(MAX_BODY + 1);
    size_t n = 0;

    if (buf == NULL) {
        return NULL;
    }
    if (path != NULL && strcmp(path, "-") != 0) {
        f = fopen(path, "rb");
        if (f == NULL) {
            free(buf);
            return NULL;
        }
    }
    n = fread(buf, 1, MAX_BODY + 1, f);
    if (ferror(f) || n > MAX_BODY) {
        free(buf);
        buf = NULL;
    }
    if (f != stdin) {
        fclose(f);
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    clerk_webhook_headers_t headers;
    clerk_webhook_event_t *event = NULL;
    clerk_auth_error_t error;
    const char *body_path = NULL;
    const char *secret = getenv("CLERK_WEBHOOK_SECRET");
    char *body = NULL;
    size_t body_len = 0;
    clerk_status_t st;
    int rc = 1;

    if (argc >= 4 && argc <= 5) {
        headers.id = argv[1];
        headers.timestamp = argv[2];
        headers.signature = argv[3];
        body_path = argc == 5 ? argv[4] : NULL;
    } else if (argc <= 2) {
        headers.id = getenv("SVIX_ID");
        headers.timestamp = getenv("SVIX_TIMESTAMP");
        headers.signature = getenv("SVIX_SIGNATURE");
        body_path = argc == 2 ? argv[1] : NULL;
    } else {
        fprintf(
            stderr,
            "usage: %s SVIX_ID SVIX_TIMESTAMP SVIX_SIGNATURE [BODY_FILE]\n"
            "       (or SVIX_* in the environment: %s [BODY_FILE])\n",
            argv[0], argv[0]);
        return 2;
    }
    if (secret == NULL) {
        fprintf(
            stderr, "set CLERK_WEBHOOK_SECRET to the endpoint's "
                    "signing secret (whsec_...)\n");
        return 2;
    }
    body = read_body(body_path, &body_len);
    if (body == NULL) {
        fprintf(
            stderr, "cannot read the body (or it exceeds %d bytes)\n",
            MAX_BODY);
        return 2;
    }

    /* now 0: the system clock; tolerance 0: 300 s. */
    st = clerk_webhook_verify(
        &event, &headers, body, body_len,
        &(clerk_webhook_options_t){ .secret = secret }, &error);
    if (st != CLERK_OK) {
        fprintf(
            stderr, "refused: %s (%s)\n", clerk_auth_reason_str(error.reason),
            error.message);
        goto done;
    }

    printf("type: %s\n", event->type);
    if (event->kind == CLERK_WEBHOOK_DATA_USER && event->as.user != NULL) {
        printf("user: %s\n", event->as.user->id ? event->as.user->id : "-");
    } else if (
        event->kind == CLERK_WEBHOOK_DATA_DELETED &&
        event->as.deleted != NULL && event->as.deleted->object &&
        strcmp(event->as.deleted->object, "user") == 0) {
        printf(
            "user: %s (deleted)\n",
            event->as.deleted->id ? event->as.deleted->id : "-");
    } else {
        /* Any other event: its data as JSON. */
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(event->data, "id");

        printf("id: %s\n", cJSON_IsString(id) ? id->valuestring : "-");
    }
    rc = 0;
done:
    clerk_webhook_event_free(event);
    free(body);
    return rc;
}
