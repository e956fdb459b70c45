/*
 * Authenticate a request the way a backend does on every call: verify the
 * session token networkless against the instance's PEM public key, then
 * print who is signed in.
 *
 *   CLERK_JWT_KEY="$(cat jwt-key.pem)" ./verify_token "Bearer eyJ..." [COOKIE]
 *
 * The first argument is the request's Authorization header value, the
 * optional second its Cookie header value (the token may be in the
 * __session cookie instead).  CLERK_AUTHORIZED_PARTY, when set, is the one
 * origin allowed in the token's azp claim.  Exit status: 0 signed in,
 * 1 signed out, 2 usage or setup error.
 */
#include <clerk.h>
#include <clerk/auth.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *pem = getenv("CLERK_JWT_KEY");
    const char *party = getenv("CLERK_AUTHORIZED_PARTY");
    clerk_jwt_keys_t *keys = NULL;
    clerk_auth_t *auth = NULL;
    clerk_auth_error_t err;
    clerk_status_t st;
    size_t i;
    int rc = 2;

    if (argc < 2 || argc > 3 || pem == NULL) {
        fprintf(
            stderr, "usage: CLERK_JWT_KEY=<PEM> %s AUTHORIZATION [COOKIE]\n",
            argv[0]);
        return 2;
    }
    /* Parse the key once at start-up; every request then reuses it. */
    st = clerk_jwt_keys_from_pem(&keys, pem, strlen(pem), &err);
    if (st != CLERK_OK) {
        fprintf(
            stderr, "CLERK_JWT_KEY: %s (%s)\n", err.message,
            clerk_auth_reason_str(err.reason));
        goto done;
    }

    st = clerk_authenticate_request(
        &auth, argv[1], argc == 3 ? argv[2] : NULL,
        &(clerk_authenticate_options_t){
            .verify = {
                .keys = keys,
                .authorized_parties = party != NULL ? &party : NULL,
                .authorized_party_count = party != NULL ? 1 : 0,
            },
        });
    if (auth == NULL) {
        fprintf(stderr, "authenticate_request: %s\n", clerk_status_str(st));
        goto done;
    }
    if (auth->state != CLERK_SIGNED_IN) {
        printf(
            "signed out: %s (%s)\n", clerk_auth_reason_str(auth->reason),
            auth->message);
        rc = 1;
        goto done;
    }
    printf(
        "signed in: user %s, session %s\n", auth->session->subject,
        auth->session->session_id ? auth->session->session_id : "-");
    if (auth->session->org_id != NULL) {
        printf(
            "organization %s as %s\n", auth->session->org_id,
            auth->session->org_role ? auth->session->org_role : "-");
        for (i = 0; i < auth->session->org_permission_count; i++)
            printf("  %s\n", auth->session->org_permissions[i]);
    }
    rc = 0;
done:
    clerk_auth_free(auth);
    clerk_jwt_keys_free(keys);
    return rc;
}
