/*
 * Session tokens: parse a compact JWS strictly, verify its RSA signature,
 * then check its claims, in @clerk/backend's order so that reasons match.
 */
#include "auth_internal.h"
#include "runtime_internal.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#define DEFAULT_SKEW_MS 5000
#define ALL_ALGS        (CLERK_ALG_RS256 | CLERK_ALG_RS384 | CLERK_ALG_RS512)
/* 2^53: beyond it a JSON number is no longer an exact integer. */
#define MAX_EXACT_INT 9007199254740992.0
/* Largest options.now: 2^53 ms, about the year 287,000. */
#define MAX_NOW_S INT64_C(9007199254740)
/* @clerk/backend's category tag of M2M JWTs (tokens/jwtCategories.ts). */
#define CATEGORY_M2M "cl_B7d4PD333AAA"
/* Objects with more members than this are checked for duplicate names by
 * sorting, fewer pairwise. */
#define DUP_PAIRWISE_MAX 16
/* Upper bound on v2 organization permissions (features x permissions). */
#define ORG_PERMISSIONS_MAX 1024

/* The claims and what they point into; `pub` first, so a pointer to it is
 * a pointer to the whole. */
typedef struct claims_owner {
    clerk_session_claims_t pub;
    cJSON *header;
    cJSON *payload;
    char *role;         /* "org:<rol>" (version 2), or NULL */
    char **permissions; /* the array; its strings are owned in version 2
                           and point into the payload in version 1 */
    size_t permission_count;
} claims_owner_t;

/* A token cut into its parts. */
typedef struct jwt {
    const char *signing_input; /* "header.payload" */
    size_t signing_input_len;
    cJSON *header;
    cJSON *payload;
    unsigned char *buf; /* decoded header, payload and signature */
    unsigned char *sig;
    size_t sig_len;
} jwt_t;

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* true when some object in the tree has two members of the same name
 * (or when checking needs memory we cannot get: refuse, never guess). */
static bool has_duplicate_names(const cJSON *item)
{
    const cJSON *a;
    const cJSON *b;
    const char **names = NULL;
    size_t count = 0;
    size_t i;
    bool dup = false;

    if (!cJSON_IsObject(item) && !cJSON_IsArray(item)) {
        return false;
    }
    for (a = item->child; a != NULL; a = a->next) {
        if (has_duplicate_names(a)) {
            return true;
        }
        count++;
    }
    if (!cJSON_IsObject(item) || count < 2) {
        return false;
    }
    if (count <= DUP_PAIRWISE_MAX) {
        for (a = item->child; a != NULL; a = a->next) {
            for (b = a->next; b != NULL; b = b->next) {
                /* The first bytes differ for most pairs of claim names:
                 * no call then. */
                if (a->string[0] == b->string[0] &&
                    strcmp(a->string, b->string) == 0) {
                    return true;
                }
            }
        }
        return false;
    }
    names = malloc(count * sizeof(*names));
    if (names == NULL) {
        return true;
    }
    i = 0;
    for (a = item->child; a != NULL; a = a->next) {
        names[i++] = a->string;
    }
    qsort(names, count, sizeof(*names), compare_names);
    for (i = 1; i < count && !dup; i++) {
        dup = strcmp(names[i - 1], names[i]) == 0;
    }
    free(names);
    return dup;
}

/* A NUL-terminated decoded segment as a JSON object, or NULL.  The whole
 * text must be one value (no trailing bytes, no NUL inside), valid UTF-8,
 * and no string may hold U+0000 (it would cut a C string short). */
static cJSON *parse_object(const unsigned char *text, size_t len)
{
    const char *end = NULL;
    cJSON *json;

    if (!clerk__utf8_valid((const char *)text, len) ||
        (memchr(text, '\\', len) != NULL &&
         strstr((const char *)text, "\\u0000") != NULL)) {
        return NULL;
    }
    json = cJSON_ParseWithLengthOpts((const char *)text, len + 1, &end, 1);
    if (json != NULL &&
        (!cJSON_IsObject(json) || end != (const char *)text + len ||
         has_duplicate_names(json))) {
        cJSON_Delete(json);
        json = NULL;
    }
    return json;
}

static void jwt_clear(jwt_t *jwt)
{
    cJSON_Delete(jwt->header);
    cJSON_Delete(jwt->payload);
    free(jwt->buf);
}

/* Cut, decode and parse; CLERK_E_UNAUTHORIZED (token-invalid) or
 * CLERK_E_NOMEM. */
static clerk_status_t jwt_parse(
    jwt_t *jwt, const char *token, clerk_auth_error_t *error)
{
    const char *dot1;
    const char *dot2;
    size_t len = strlen(token);
    size_t seg_len[3];
    const char *seg[3];
    unsigned char *at;
    size_t n = 0;
    size_t i;

    if (len > CLERK_TOKEN_MAX_BYTES) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID,
            "the token is longer than %d bytes", CLERK_TOKEN_MAX_BYTES);
        return CLERK_E_UNAUTHORIZED;
    }
    dot1 = memchr(token, '.', len);
    dot2 = dot1 != NULL
               ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token))
               : NULL;
    if (dot2 == NULL ||
        memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID,
            "invalid JWT form: a JWT consists of three parts separated by "
            "dots");
        return CLERK_E_UNAUTHORIZED;
    }
    seg[0] = token;
    seg_len[0] = (size_t)(dot1 - token);
    seg[1] = dot1 + 1;
    seg_len[1] = (size_t)(dot2 - seg[1]);
    seg[2] = dot2 + 1;
    seg_len[2] = len - (size_t)(seg[2] - token);
    jwt->signing_input = token;
    jwt->signing_input_len = (size_t)(dot2 - token);

    jwt->buf = malloc(clerk__b64_decoded_max(len) + 3);
    if (jwt->buf == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        return CLERK_E_NOMEM;
    }
    at = jwt->buf;
    for (i = 0; i < 3; i++) {
        if (!clerk__b64_decode(seg[i], seg_len[i], CLERK__B64_URL, at, &n) ||
            (i < 2 && n == 0)) {
            clerk__auth_fail(
                error, CLERK_AUTH_TOKEN_INVALID,
                "invalid JWT form: part %zu is not canonical base64url", i + 1);
            return CLERK_E_UNAUTHORIZED;
        }
        if (i < 2) {
            at[n] = '\0';
            if (i == 0) {
                jwt->header = parse_object(at, n);
            } else {
                jwt->payload = parse_object(at, n);
            }
            if ((i == 0 ? jwt->header : jwt->payload) == NULL) {
                clerk__auth_fail(
                    error, CLERK_AUTH_TOKEN_INVALID,
                    "invalid JWT form: the %s is not a JSON object (UTF-8, "
                    "no duplicate names)",
                    i == 0 ? "header" : "payload");
                return CLERK_E_UNAUTHORIZED;
            }
            at += n + 1;
        } else {
            jwt->sig = at;
            jwt->sig_len = n;
        }
    }
    return CLERK_OK;
}

/* ------------------------------------------------------------------ */
/* Header and signature                                                */
/* ------------------------------------------------------------------ */

typedef struct alg_info {
    const char *name;
    unsigned bit;
    const EVP_MD *(*md)(void);
} alg_info_t;

static const alg_info_t algs[] = {
    { "RS256", CLERK_ALG_RS256, EVP_sha256 },
    { "RS384", CLERK_ALG_RS384, EVP_sha384 },
    { "RS512", CLERK_ALG_RS512, EVP_sha512 },
};

/* cat, typ, crit and alg; the algorithm on success. */
static const alg_info_t *check_header(
    const cJSON *header, unsigned allowed, clerk_auth_error_t *error)
{
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(header, "cat");
    const cJSON *typ = cJSON_GetObjectItemCaseSensitive(header, "typ");
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
    size_t i;

    if (cat != NULL &&
        (!cJSON_IsString(cat) || strcmp(cat->valuestring, CATEGORY_M2M) == 0)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID, "invalid session token category");
        return NULL;
    }
    if (typ != NULL &&
        (!cJSON_IsString(typ) || strcmp(typ->valuestring, "JWT") != 0)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID,
            "invalid JWT type: expected \"JWT\"");
        return NULL;
    }
    if (cJSON_GetObjectItemCaseSensitive(header, "crit") != NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID,
            "the JWT names critical header extensions (crit), which are not "
            "supported");
        return NULL;
    }
    for (i = 0; cJSON_IsString(alg) && i < sizeof(algs) / sizeof(algs[0]);
         i++) {
        if (strcmp(alg->valuestring, algs[i].name) == 0 &&
            (allowed & algs[i].bit) != 0) {
            return &algs[i];
        }
    }
    clerk__auth_fail(
        error, CLERK_AUTH_TOKEN_INVALID_ALGORITHM,
        "invalid JWT algorithm: supported are RS256, RS384 and RS512%s",
        allowed != ALL_ALGS ? " (narrowed by the options)" : "");
    return NULL;
}

/* EVP_DigestVerify with PKCS #1 v1.5 padding (the RSA default). */
static clerk_status_t check_signature(
    const jwt_t *jwt,
    const clerk__jwt_key_t *key,
    const alg_info_t *alg,
    clerk_auth_error_t *error)
{
    EVP_MD_CTX *ctx;
    int ok = 0;

    if (jwt->sig_len != key->sig_len) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID_SIGNATURE,
            "JWT signature is invalid (wrong length)");
        return CLERK_E_UNAUTHORIZED;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        return CLERK_E_NOMEM;
    }
    /* A copy of the context initialised once for this key and alg (the
     * same index as algs[]), instead of EVP_DigestVerifyInit per token. */
    if (EVP_MD_CTX_copy_ex(ctx, key->verify_init[alg - algs]) == 1) {
        ok = EVP_DigestVerify(
            ctx, jwt->sig, jwt->sig_len,
            (const unsigned char *)jwt->signing_input, jwt->signing_input_len);
    }
    EVP_MD_CTX_free(ctx);
    if (ok != 1) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID_SIGNATURE,
            "JWT signature is invalid");
        return CLERK_E_UNAUTHORIZED;
    }
    return CLERK_OK;
}

/* ------------------------------------------------------------------ */
/* Claims                                                              */
/* ------------------------------------------------------------------ */

/* A NumericDate we accept: an integer JSON number, 0 <= v < 2^53. */
static bool numeric_date(const cJSON *item, int64_t *out)
{
    double v;

    if (!cJSON_IsNumber(item)) {
        return false;
    }
    v = item->valuedouble;
    if (!(v >= 0 && v < MAX_EXACT_INT) || v != (double)(int64_t)v) {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

static bool in_list(const char *s, const char *const *list, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (list[i] != NULL && strcmp(s, list[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool audience_ok(const cJSON *aud, const clerk_verify_options_t *o)
{
    const cJSON *item;
    bool any = false;

    if (o->audience_count == 0 || aud == NULL) {
        return true;
    }
    if (cJSON_IsString(aud)) {
        return in_list(aud->valuestring, o->audiences, o->audience_count);
    }
    if (!cJSON_IsArray(aud)) {
        return false;
    }
    cJSON_ArrayForEach(item, aud)
    {
        if (!cJSON_IsString(item)) {
            return false;
        }
        any =
            any || in_list(item->valuestring, o->audiences, o->audience_count);
    }
    return any;
}

/* "https://" and a host: no whitespace, controls or DEL anywhere. */
static bool issuer_format_ok(const char *iss)
{
    const char *p;

    if (strncmp(iss, "https://", 8) != 0 || iss[8] == '\0' || iss[8] == '/') {
        return false;
    }
    for (p = iss; *p != '\0'; p++) {
        if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
            return false;
        }
    }
    return true;
}

/* Optional NumericDate claim: absent is fine, anything else must parse. */
static bool optional_date(
    const cJSON *payload, const char *name, clerk_opt_int64_t *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(payload, name);

    if (item == NULL) {
        return true;
    }
    out->state = CLERK_SET;
    return numeric_date(item, &out->value);
}

/* sub, aud, azp, exp, nbf, iat, iss; fills the times and strings. */
static clerk_status_t check_claims(
    const cJSON *payload,
    const clerk_verify_options_t *o,
    int64_t now_ms,
    clerk_session_claims_t *c,
    clerk_auth_error_t *error)
{
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(payload, "sub");
    const cJSON *azp = cJSON_GetObjectItemCaseSensitive(payload, "azp");
    const cJSON *iss = cJSON_GetObjectItemCaseSensitive(payload, "iss");
    int64_t skew = o->clock_skew_ms == 0 ? DEFAULT_SKEW_MS
                   : o->clock_skew_ms == CLERK_CLOCK_SKEW_NONE
                       ? 0
                       : o->clock_skew_ms;

    if (!cJSON_IsString(sub)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_VERIFICATION_FAILED,
            "subject claim (sub) is required and must be a string");
        return CLERK_E_UNAUTHORIZED;
    }
    if (!audience_ok(cJSON_GetObjectItemCaseSensitive(payload, "aud"), o)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_VERIFICATION_FAILED,
            "invalid JWT audience claim (aud): not one of the allowed "
            "audiences");
        return CLERK_E_UNAUTHORIZED;
    }
    if (o->authorized_party_count > 0 &&
        (!cJSON_IsString(azp) || !in_list(
                                     azp->valuestring, o->authorized_parties,
                                     o->authorized_party_count))) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID_AUTHORIZED_PARTIES,
            "invalid JWT authorized party claim (azp): %s",
            cJSON_IsString(azp) ? "not one of the authorized parties"
                                : "missing");
        return CLERK_E_UNAUTHORIZED;
    }
    if (!numeric_date(
            cJSON_GetObjectItemCaseSensitive(payload, "exp"), &c->expires_at)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_VERIFICATION_FAILED,
            "invalid JWT expiry date claim (exp): expected an integer "
            "number of seconds");
        return CLERK_E_UNAUTHORIZED;
    }
    if (c->expires_at * 1000 <= now_ms - skew) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_EXPIRED,
            "JWT is expired: exp %lld, now %lld ms, clock skew %lld ms",
            (long long)c->expires_at, (long long)now_ms, (long long)skew);
        return CLERK_E_UNAUTHORIZED;
    }
    if (!optional_date(payload, "nbf", &c->not_before)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_VERIFICATION_FAILED,
            "invalid JWT not before date claim (nbf): expected an integer "
            "number of seconds");
        return CLERK_E_UNAUTHORIZED;
    }
    if (c->not_before.state == CLERK_SET &&
        c->not_before.value * 1000 > now_ms + skew) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_NOT_ACTIVE_YET,
            "JWT cannot be used prior to its not before date: nbf %lld, now "
            "%lld ms, clock skew %lld ms",
            (long long)c->not_before.value, (long long)now_ms, (long long)skew);
        return CLERK_E_UNAUTHORIZED;
    }
    if (!optional_date(payload, "iat", &c->issued_at)) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_VERIFICATION_FAILED,
            "invalid JWT issued at date claim (iat): expected an integer "
            "number of seconds");
        return CLERK_E_UNAUTHORIZED;
    }
    if (c->issued_at.state == CLERK_SET &&
        c->issued_at.value * 1000 > now_ms + skew) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_IAT_IN_THE_FUTURE,
            "JWT issued at date claim (iat) is in the future: iat %lld, now "
            "%lld ms, clock skew %lld ms",
            (long long)c->issued_at.value, (long long)now_ms, (long long)skew);
        return CLERK_E_UNAUTHORIZED;
    }
    if (!cJSON_IsString(iss) ||
        (o->issuer != NULL ? strcmp(iss->valuestring, o->issuer) != 0
                           : !issuer_format_ok(iss->valuestring))) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID_ISSUER,
            "invalid JWT issuer claim (iss): %s",
            o->issuer != NULL ? "not the expected issuer"
                              : "expected an https:// URL");
        return CLERK_E_UNAUTHORIZED;
    }
    c->subject = sub->valuestring;
    c->issuer = iss->valuestring;
    c->authorized_party = cJSON_IsString(azp) ? azp->valuestring : NULL;
    return CLERK_OK;
}

/* ------------------------------------------------------------------ */
/* Organization claims                                                 */
/* ------------------------------------------------------------------ */

/* The next comma-separated element of *list, trimmed of spaces; false at
 * the end. */
static bool next_element(const char **list, const char **start, size_t *len)
{
    const char *p = *list;
    const char *e;

    if (p == NULL) {
        return false;
    }
    e = strchr(p, ',');
    *list = e != NULL ? e + 1 : NULL;
    if (e == NULL) {
        e = p + strlen(p);
    }
    while (p < e && *p == ' ') {
        p++;
    }
    while (e > p && e[-1] == ' ') {
        e--;
    }
    *start = p;
    *len = (size_t)(e - p);
    return true;
}

/* "org:<feature>:<permission>" appended to the owner's list. */
static bool add_permission(
    claims_owner_t *owner,
    const char *feature,
    size_t feature_len,
    const char *perm,
    size_t perm_len)
{
    size_t n = 4 + feature_len + 1 + perm_len + 1;
    char *s;
    char **grown;

    if (owner->permission_count >= ORG_PERMISSIONS_MAX) {
        return true; /* bounded; the payload keeps the rest */
    }
    s = malloc(n);
    grown = realloc(
        owner->permissions,
        (owner->permission_count + 1) * sizeof(*owner->permissions));
    if (s == NULL || grown == NULL) {
        free(s);
        if (grown != NULL) {
            owner->permissions = grown;
        }
        return false;
    }
    owner->permissions = grown;
    memcpy(s, "org:", 4);
    memcpy(s + 4, feature, feature_len);
    s[4 + feature_len] = ':';
    memcpy(s + 5 + feature_len, perm, perm_len);
    s[n - 1] = '\0';
    owner->permissions[owner->permission_count++] = s;
    return true;
}

/* Bit `index` (0 = least significant) of a decimal number of any length
 * given as text, or -1 when the text is not all digits. */
static int decimal_bit(const char *digits, size_t len, size_t index)
{
    unsigned char work[64];
    size_t n = len < sizeof(work) ? len : sizeof(work);
    size_t step;
    size_t i;
    int rem = 0;

    for (i = 0; i < n; i++) {
        if (digits[i] < '0' || digits[i] > '9') {
            return -1;
        }
        work[i] = (unsigned char)(digits[i] - '0');
    }
    if (len != n || len == 0) {
        return -1; /* longer than any real permission map */
    }
    /* Divide by two index + 1 times; the last remainder is the bit. */
    for (step = 0; step <= index; step++) {
        rem = 0;
        for (i = 0; i < n; i++) {
            int v = rem * 10 + work[i];

            work[i] = (unsigned char)(v / 2);
            rem = v % 2;
        }
    }
    return rem;
}

/* Version 2: `o` {id, slg, rol, per, fpm} and `fea` ("o:x,u:y"): the
 * i-th org feature of `fea` has the i-th bit map of `fpm`, whose bit j
 * (least significant first) grants the j-th permission of `per`. */
static bool org_claims_v2(claims_owner_t *owner, const cJSON *payload)
{
    clerk_session_claims_t *c = &owner->pub;
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(payload, "o");
    const char *features = clerk__json_string(payload, "fea");
    const char *per;
    const char *fpm;
    const char *role;
    const char *f;
    const char *m;
    size_t f_len;
    size_t m_len;

    if (!cJSON_IsObject(o)) {
        return true;
    }
    c->org_id = clerk__json_string(o, "id");
    c->org_slug = clerk__json_string(o, "slg");
    role = clerk__json_string(o, "rol");
    if (role != NULL) {
        owner->role = malloc(4 + strlen(role) + 1);
        if (owner->role == NULL) {
            return false;
        }
        memcpy(owner->role, "org:", 4);
        memcpy(owner->role + 4, role, strlen(role) + 1);
        c->org_role = owner->role;
    }
    per = clerk__json_string(o, "per");
    fpm = clerk__json_string(o, "fpm");
    while (per != NULL && fpm != NULL && next_element(&features, &f, &f_len)) {
        const char *perms = per;
        const char *p;
        size_t p_len;
        size_t bit = 0;

        if (f_len < 2 || f[1] != ':' || (f[0] != 'o' && f[0] != 'u')) {
            break; /* malformed fea: no more permissions, never guesses */
        }
        if (f[0] != 'o') {
            continue;
        }
        if (!next_element(&fpm, &m, &m_len)) {
            break;
        }
        while (next_element(&perms, &p, &p_len)) {
            int b = decimal_bit(m, m_len, bit++);

            if (b < 0) {
                break;
            }
            if (b == 1 && !add_permission(owner, f + 2, f_len - 2, p, p_len)) {
                return false;
            }
        }
    }
    c->org_permissions = (const char *const *)owner->permissions;
    c->org_permission_count = owner->permission_count;
    return true;
}

static bool org_claims(claims_owner_t *owner, const cJSON *payload)
{
    clerk_session_claims_t *c = &owner->pub;
    const cJSON *perms;
    const cJSON *item;
    size_t n = 0;

    if (c->version == 2) {
        return org_claims_v2(owner, payload);
    }
    c->org_id = clerk__json_string(payload, "org_id");
    c->org_slug = clerk__json_string(payload, "org_slug");
    c->org_role = clerk__json_string(payload, "org_role");
    perms = cJSON_GetObjectItemCaseSensitive(payload, "org_permissions");
    if (!cJSON_IsArray(perms) || cJSON_GetArraySize(perms) == 0) {
        return true;
    }
    owner->permissions =
        malloc((size_t)cJSON_GetArraySize(perms) * sizeof(char *));
    if (owner->permissions == NULL) {
        return false;
    }
    cJSON_ArrayForEach(item, perms)
    {
        if (cJSON_IsString(item) && n < ORG_PERMISSIONS_MAX) {
            owner->permissions[n++] = item->valuestring;
        }
    }
    c->org_permissions = (const char *const *)owner->permissions;
    c->org_permission_count = n;
    return true;
}

static void claims_owner_free(claims_owner_t *owner)
{
    size_t i;

    if (owner == NULL) {
        return;
    }
    /* Version 2 permissions (and the role) are owned strings; version 1
     * ones point into the payload. */
    if (owner->pub.version == 2) {
        for (i = 0; i < owner->permission_count; i++) {
            free(owner->permissions[i]);
        }
    }
    free(owner->permissions);
    free(owner->role);
    cJSON_Delete(owner->header);
    cJSON_Delete(owner->payload);
    free(owner);
}

void clerk_session_claims_free(clerk_session_claims_t *claims)
{
    claims_owner_free((claims_owner_t *)claims);
}

/* Everything but the checks: version, sid, sts, act, fva, organization. */
static bool fill_claims(claims_owner_t *owner)
{
    clerk_session_claims_t *c = &owner->pub;
    const cJSON *payload = owner->payload;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(payload, "v");
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(payload, "act");
    const cJSON *fva = cJSON_GetObjectItemCaseSensitive(payload, "fva");

    c->header = owner->header;
    c->payload = payload;
    c->version = cJSON_IsNumber(v) && v->valuedouble == 2 ? 2 : 1;
    c->session_id = clerk__json_string(payload, "sid");
    c->session_status = clerk__json_string(payload, "sts");
    c->actor = cJSON_IsObject(act) ? act : NULL;
    if (cJSON_IsArray(fva) && cJSON_GetArraySize(fva) == 2) {
        const cJSON *a = cJSON_GetArrayItem(fva, 0);
        const cJSON *b = cJSON_GetArrayItem(fva, 1);

        /* Range first: converting an out-of-range double is undefined. */
        if (cJSON_IsNumber(a) && cJSON_IsNumber(b) &&
            a->valuedouble > -MAX_EXACT_INT && a->valuedouble < MAX_EXACT_INT &&
            b->valuedouble > -MAX_EXACT_INT && b->valuedouble < MAX_EXACT_INT &&
            a->valuedouble == (double)(int64_t)a->valuedouble &&
            b->valuedouble == (double)(int64_t)b->valuedouble) {
            c->has_factor_age = true;
            c->factor_age_minutes[0] = (int64_t)a->valuedouble;
            c->factor_age_minutes[1] = (int64_t)b->valuedouble;
        }
    }
    return org_claims(owner, payload);
}

/* ------------------------------------------------------------------ */
/* Key sources                                                         */
/* ------------------------------------------------------------------ */

/* The key set to use (a new reference) for this token's kid. */
static clerk_status_t resolve_keys(
    const clerk_verify_options_t *o,
    const char *kid,
    int64_t now_ms,
    clerk_jwt_keys_t **out,
    clerk_auth_error_t *error)
{
    clerk_status_t st;

    if (o->keys != NULL) {
        *out = clerk__jwt_keys_ref(o->keys);
        return CLERK_OK;
    }
    if (o->jwt_key != NULL) {
        st =
            clerk_jwt_keys_from_pem(out, o->jwt_key, strlen(o->jwt_key), error);
        return st == CLERK_E_NOMEM ? st
               : st == CLERK_OK    ? st
                                   : CLERK_E_INVALID_ARG;
    }
    if (o->jwks_json != NULL) {
        return clerk_jwt_keys_from_jwks(
            out, o->jwks_json, strlen(o->jwks_json), error);
    }
    return clerk__jwks_cache_get(o->client, kid, now_ms, out, error);
}

static int source_count(const clerk_verify_options_t *o)
{
    return (o->jwt_key != NULL) + (o->jwks_json != NULL) + (o->keys != NULL) +
           (o->client != NULL);
}

/* ------------------------------------------------------------------ */
/* clerk_verify_token                                                  */
/* ------------------------------------------------------------------ */

clerk_status_t clerk_verify_token(
    clerk_session_claims_t **out,
    const char *token,
    const clerk_verify_options_t *options,
    clerk_auth_error_t *error)
{
    clerk_status_t st;
    jwt_t jwt = { 0 };
    clerk_jwt_keys_t *keys = NULL;
    claims_owner_t *owner = NULL;
    const clerk__jwt_key_t *key;
    const alg_info_t *alg;
    const char *kid;
    int64_t now_ms;
    unsigned allowed;

    clerk__auth_ok(error);
    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || token == NULL || options == NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "out, token and options must not be NULL");
        return CLERK_E_INVALID_ARG;
    }
    if (source_count(options) != 1) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_FAILED_TO_RESOLVE,
            "give exactly one key source (jwt_key, jwks_json, keys or "
            "client); %d given",
            source_count(options));
        return CLERK_E_INVALID_ARG;
    }
    if ((options->clock_skew_ms < 0 &&
         options->clock_skew_ms != CLERK_CLOCK_SKEW_NONE) ||
        options->clock_skew_ms > CLERK_CLOCK_SKEW_MAX_MS) {
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "clock_skew_ms must be 0, CLERK_CLOCK_SKEW_NONE or at most "
            "CLERK_CLOCK_SKEW_MAX_MS");
        return CLERK_E_INVALID_ARG;
    }
    /* Unix seconds below 2^53 / 1000, so every time in ms fits int64_t. */
    if (options->now < 0 || options->now > MAX_NOW_S) {
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "now must be 0 (the system clock) or Unix seconds");
        return CLERK_E_INVALID_ARG;
    }
    allowed = options->algorithms == 0 ? ALL_ALGS : options->algorithms;
    now_ms = options->now != 0 ? options->now * 1000 : clerk__auth_now_ms();

    st = jwt_parse(&jwt, token, error);
    if (st != CLERK_OK) {
        goto done;
    }
    st = CLERK_E_UNAUTHORIZED;
    alg = check_header(jwt.header, allowed, error);
    if (alg == NULL) {
        goto done;
    }
    kid = clerk__json_string(jwt.header, "kid");
    st = resolve_keys(options, kid, now_ms, &keys, error);
    if (st != CLERK_OK) {
        goto done;
    }
    st = CLERK_E_UNAUTHORIZED;
    key = clerk__jwt_keys_find(keys, kid);
    if (key == NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_KID_MISMATCH,
            "no signing key matches the kid of the token%s",
            kid == NULL ? " (the token has no kid)" : "");
        goto done;
    }
    if (key->pkey == NULL || (key->algs & alg->bit) == 0) {
        clerk__auth_fail(
            error, CLERK_AUTH_TOKEN_INVALID_ALGORITHM,
            "the key named by the token's kid does not allow %s", alg->name);
        goto done;
    }
    st = check_signature(&jwt, key, alg, error);
    if (st != CLERK_OK) {
        goto done;
    }
    owner = calloc(1, sizeof(*owner));
    if (owner == NULL) {
        st = CLERK_E_NOMEM;
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        goto done;
    }
    st = check_claims(jwt.payload, options, now_ms, &owner->pub, error);
    if (st != CLERK_OK) {
        goto done;
    }
    owner->header = jwt.header;
    owner->payload = jwt.payload;
    jwt.header = NULL;
    jwt.payload = NULL;
    if (!fill_claims(owner)) {
        st = CLERK_E_NOMEM;
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        goto done;
    }
    *out = &owner->pub;
    owner = NULL;
    st = CLERK_OK;
done:
    claims_owner_free(owner);
    clerk_jwt_keys_free(keys);
    jwt_clear(&jwt);
    return st;
}
