/*
 * Requests and machine tokens: find the token of an incoming request, tell
 * session tokens (verified locally) from machine tokens (verified by the
 * Backend API through the generated verify operations).
 */
#include "auth_internal.h"

#include <clerk/api/api_keys.h>
#include <clerk/api/m2m_tokens.h>
#include <clerk/api/oauth_access_tokens.h>
#include <clerk/response.h>

#include <cjson/cJSON.h>

#include <stdlib.h>
#include <string.h>

#define SCOPES_MAX 1024

/* The machine token and the answer its strings point into; `pub` first. */
typedef struct machine_owner {
    clerk_machine_token_t pub;
    cJSON *json;
    const char **scopes;
} machine_owner_t;

typedef struct machine_kind {
    const char *prefix;
    clerk_token_type_t type;
    const char *what; /* for messages */
} machine_kind_t;

static const machine_kind_t machine_kinds[] = {
    { "mt_", CLERK_TOKEN_M2M, "machine token" },
    { "ak_", CLERK_TOKEN_API_KEY, "API key" },
    { "oat_", CLERK_TOKEN_OAUTH, "OAuth access token" },
};

static const machine_kind_t *machine_kind_of(const char *token)
{
    size_t i;

    for (i = 0; i < sizeof(machine_kinds) / sizeof(machine_kinds[0]); i++) {
        const char *p = machine_kinds[i].prefix;

        if (strncmp(token, p, strlen(p)) == 0) {
            return &machine_kinds[i];
        }
    }
    return NULL;
}

void clerk_machine_token_free(clerk_machine_token_t *token)
{
    machine_owner_t *owner = (machine_owner_t *)token;

    if (owner == NULL) {
        return;
    }
    free(owner->scopes);
    cJSON_Delete(owner->json);
    free(owner);
}

/* The verified token from the API's 200 answer; false when the answer is
 * not one (no subject), or says revoked or expired (reason set). */
static clerk_status_t machine_from_json(
    machine_owner_t *owner, clerk_auth_error_t *error)
{
    clerk_machine_token_t *t = &owner->pub;
    const cJSON *json = owner->json;
    const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(json, "scopes");
    const cJSON *claims = cJSON_GetObjectItemCaseSensitive(json, "claims");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(json, "expiration");
    const cJSON *item;
    size_t n = 0;

    t->json = json;
    t->id = clerk__json_string(json, "id");
    t->subject = clerk__json_string(json, "subject");
    t->name = clerk__json_string(json, "name");
    /* Refusals first: the OAuth verify operation's 200 for an inactive
     * token is {"active": false}, with no subject. */
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "revoked")) ||
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "expired")) ||
        cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(json, "active"))) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID,
            "the token is revoked, expired or inactive");
        return CLERK_E_UNAUTHORIZED;
    }
    if (!cJSON_IsObject(json) || t->subject == NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "the verify answer has no subject");
        return CLERK_E_DECODE;
    }
    t->claims = cJSON_IsObject(claims) ? claims : NULL;
    if (cJSON_IsNumber(exp) && exp->valuedouble >= 0 &&
        exp->valuedouble < 9007199254740992.0) {
        t->expires_at.state = CLERK_SET;
        t->expires_at.value = (int64_t)exp->valuedouble;
    }
    if (cJSON_IsArray(scopes) && cJSON_GetArraySize(scopes) > 0) {
        owner->scopes =
            malloc((size_t)cJSON_GetArraySize(scopes) * sizeof(*owner->scopes));
        if (owner->scopes == NULL) {
            clerk__auth_fail(
                error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
            return CLERK_E_NOMEM;
        }
        cJSON_ArrayForEach(item, scopes)
        {
            if (cJSON_IsString(item) && n < SCOPES_MAX) {
                owner->scopes[n++] = item->valuestring;
            }
        }
        t->scopes = owner->scopes;
        t->scope_count = n;
    }
    return CLERK_OK;
}

/* One generated verify call; the response meta is what matters (the raw
 * body is decoded here, the same way for the three kinds). */
static clerk_status_t call_verify(
    clerk_client_t *client,
    const machine_kind_t *kind,
    const char *token,
    long *http_status,
    char **body)
{
    clerk_status_t st = CLERK_E_NOMEM;
    clerk_response_t *meta = NULL;
    clerk_m2m_verify_token_response_t *m2m = NULL;
    clerk_api_keys_verify_response_t *ak = NULL;
    clerk_oauth_access_tokens_verify_response_t *oat = NULL;

    *body = NULL;
    *http_status = 0;
    switch (kind->type) {
    case CLERK_TOKEN_M2M:
        st = clerk_m2m_verify_token_detailed(
            &m2m, client,
            &(clerk_m2m_verify_token_request_t){ .token = (char *)token });
        meta = m2m != NULL ? &m2m->meta : NULL;
        break;
    case CLERK_TOKEN_API_KEY:
        st = clerk_api_keys_verify_detailed(
            &ak, client,
            &(clerk_api_keys_verify_request_t){ .secret = (char *)token });
        meta = ak != NULL ? &ak->meta : NULL;
        break;
    default:
        st = clerk_oauth_access_tokens_verify_detailed(
            &oat, client,
            &(clerk_oauth_access_tokens_verify_request_t){ .access_token =
                                                               (char *)token });
        meta = oat != NULL ? &oat->meta : NULL;
        break;
    }
    if (meta != NULL) {
        *http_status = meta->http_status;
        /* Only a 200 that arrived whole is an answer (CLERK_E_DECODE: the
         * typed model refused it, the body is still complete); one cut
         * short keeps its transfer status, even if what came parses. */
        if (meta->http_status == 200 && meta->body != NULL &&
            (st == CLERK_OK || st == CLERK_E_DECODE)) {
            *body = strdup(meta->body);
            st = *body != NULL ? CLERK_OK : CLERK_E_NOMEM;
        } else if (st == CLERK_OK) {
            st = CLERK_E_HTTP;
        }
    }
    clerk_m2m_verify_token_response_free(m2m);
    clerk_api_keys_verify_response_free(ak);
    clerk_oauth_access_tokens_verify_response_free(oat);
    return st;
}

clerk_status_t clerk_verify_machine_token(
    clerk_machine_token_t **out,
    clerk_client_t *client,
    const char *token,
    clerk_auth_error_t *error)
{
    const machine_kind_t *kind;
    machine_owner_t *owner = NULL;
    char *body = NULL;
    long http_status = 0;
    clerk_status_t st;

    clerk__auth_ok(error);
    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || client == NULL || token == NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "out, client and token must not be NULL");
        return CLERK_E_INVALID_ARG;
    }
    kind = machine_kind_of(token);
    if (kind == NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_TYPE_MISMATCH,
            "not a machine token (expected the prefix mt_, ak_ or oat_)");
        return CLERK_E_INVALID_ARG;
    }
    st = call_verify(client, kind, token, &http_status, &body);
    if (st != CLERK_OK) {
        if (http_status == 404 || http_status == 400 || http_status == 422) {
            clerk__auth_fail(
                error, CLERK_AUTH_TOKEN_INVALID, "%s not found (HTTP %ld)",
                kind->what, http_status);
            st = CLERK_E_UNAUTHORIZED;
        } else if (http_status == 401) {
            clerk__auth_fail(
                error, CLERK_AUTH_SECRET_KEY_INVALID,
                "verifying the %s failed: the API refused the secret key",
                kind->what);
        } else {
            clerk__auth_fail(
                error, CLERK_AUTH_UNEXPECTED_ERROR,
                "verifying the %s failed: %s (HTTP %ld)", kind->what,
                clerk_status_str(st), http_status);
        }
        return st;
    }
    st = CLERK_E_NOMEM;
    owner = calloc(1, sizeof(*owner));
    if (owner == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        goto done;
    }
    owner->pub.type = kind->type;
    owner->json = cJSON_Parse(body);
    if (owner->json == NULL) {
        st = CLERK_E_DECODE;
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "the verify answer is not JSON");
        goto done;
    }
    st = machine_from_json(owner, error);
    if (st != CLERK_OK) {
        goto done;
    }
    *out = &owner->pub;
    owner = NULL;
done:
    clerk_machine_token_free(owner ? &owner->pub : NULL);
    free(body);
    return st;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The credentials of "Bearer <token>" (scheme matched without regard to
 * case, RFC 7235), copied; NULL when the header is another scheme or
 * empty.  *oom on allocation failure. */
static char *bearer_token(const char *authorization, bool *oom)
{
    const char *p = authorization;
    const char *e;
    char *token;

    if (p == NULL) {
        return NULL;
    }
    while (is_space(*p)) {
        p++;
    }
    if (!clerk__ascii_prefix_nocase(p, "bearer") || !is_space(p[6])) {
        return NULL;
    }
    p += 6;
    while (is_space(*p)) {
        p++;
    }
    e = p + strlen(p);
    while (e > p && is_space(e[-1])) {
        e--;
    }
    if (e == p) {
        return NULL;
    }
    token = malloc((size_t)(e - p) + 1);
    if (token == NULL) {
        *oom = true;
        return NULL;
    }
    memcpy(token, p, (size_t)(e - p));
    token[e - p] = '\0';
    return token;
}

/* The value of the first `__session` cookie of a Cookie header (RFC 6265
 * section 4.2: "name=value" pairs separated by ";"), without surrounding
 * double quotes, copied; NULL when absent or empty. */
static char *session_cookie(const char *cookie, bool *oom)
{
    static const char name[] = "__session";
    const char *p = cookie;
    char *value;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ';');
        const char *stop = end != NULL ? end : p + strlen(p);
        const char *v;
        const char *ve;

        while (p < stop && is_space(*p)) {
            p++;
        }
        if ((size_t)(stop - p) > sizeof(name) - 1 &&
            memcmp(p, name, sizeof(name) - 1) == 0 &&
            p[sizeof(name) - 1] == '=') {
            v = p + sizeof(name);
            ve = stop;
            while (ve > v && is_space(ve[-1])) {
                ve--;
            }
            if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
                v++;
                ve--;
            }
            if (ve == v) {
                return NULL;
            }
            value = malloc((size_t)(ve - v) + 1);
            if (value == NULL) {
                *oom = true;
                return NULL;
            }
            memcpy(value, v, (size_t)(ve - v));
            value[ve - v] = '\0';
            return value;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return NULL;
}

void clerk_auth_free(clerk_auth_t *auth)
{
    if (auth == NULL) {
        return;
    }
    clerk_session_claims_free(auth->session);
    clerk_machine_token_free(auth->machine);
    free(auth);
}

/* Sign out with the reason of `err`. */
static void signed_out(clerk_auth_t *auth, const clerk_auth_error_t *err)
{
    auth->state = CLERK_SIGNED_OUT;
    auth->reason = err->reason;
    memcpy(auth->message, err->message, sizeof(auth->message));
    auth->message[sizeof(auth->message) - 1] = '\0';
}

clerk_status_t clerk_authenticate_request(
    clerk_auth_t **out,
    const char *authorization,
    const char *cookie,
    const clerk_authenticate_options_t *options)
{
    clerk_auth_error_t err = { CLERK_AUTH_OK, "" };
    clerk_auth_t *auth = NULL;
    const machine_kind_t *kind;
    clerk_client_t *client;
    char *token = NULL;
    bool from_cookie = false;
    bool oom = false;
    unsigned accepts;
    clerk_status_t st;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || options == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    accepts = options->accepts == 0 ? CLERK_ACCEPT_SESSION : options->accepts;
    auth = calloc(1, sizeof(*auth));
    if (auth == NULL) {
        return CLERK_E_NOMEM;
    }
    token = bearer_token(authorization, &oom);
    if (token == NULL && !oom) {
        token = session_cookie(cookie, &oom);
        from_cookie = token != NULL;
    }
    if (oom) {
        st = CLERK_E_NOMEM;
        goto done;
    }
    if (token == NULL) {
        clerk__auth_fail(
            &err, CLERK_AUTH_SESSION_TOKEN_MISSING,
            "no token: neither an Authorization: Bearer header nor a "
            "__session cookie");
        signed_out(auth, &err);
        st = CLERK_E_UNAUTHORIZED;
        goto done;
    }
    kind = machine_kind_of(token);
    auth->token_type = kind != NULL ? kind->type : CLERK_TOKEN_SESSION;
    if ((accepts & (1u << auth->token_type)) == 0 ||
        (from_cookie && kind != NULL)) {
        clerk__auth_fail(
            &err, CLERK_AUTH_TOKEN_TYPE_MISMATCH, "%s not accepted here",
            kind != NULL ? kind->what : "a session token");
        signed_out(auth, &err);
        st = CLERK_E_UNAUTHORIZED;
        goto done;
    }
    if (kind == NULL) {
        st = clerk_verify_token(&auth->session, token, &options->verify, &err);
    } else {
        client =
            options->client != NULL ? options->client : options->verify.client;
        if (client == NULL) {
            clerk__auth_fail(
                &err, CLERK_AUTH_UNEXPECTED_ERROR,
                "machine tokens are verified through the API: give "
                "options->client");
            st = CLERK_E_INVALID_ARG;
        } else {
            st =
                clerk_verify_machine_token(&auth->machine, client, token, &err);
        }
    }
    if (st == CLERK_OK) {
        auth->state = CLERK_SIGNED_IN;
        auth->reason = CLERK_AUTH_OK;
    } else {
        signed_out(auth, &err);
    }
done:
    if (st == CLERK_E_NOMEM) {
        clerk_auth_free(auth);
        auth = NULL;
    }
    *out = auth;
    if (token != NULL) {
        memset(token, 0, strlen(token));
        free(token);
    }
    return st;
}
