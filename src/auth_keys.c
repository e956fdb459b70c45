/*
 * Key sets for session tokens: a PEM public key or a JWKS document turned
 * into RSA EVP_PKEYs once, looked up by kid for every token.
 */
#include "auth_internal.h"

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* RFC 7518 section 3.3: RS* keys are at least 2048 bits; the upper bound
 * keeps a hostile JWKS from making every verification slow. */
#define KEY_MIN_BITS 2048
#define KEY_MAX_BITS 8192
/* A JWKS holds a handful of keys; more is a mistake or an attack. */
#define JWKS_MAX_KEYS 64
#define KID_MAX_LEN   256

#define ALL_ALGS (CLERK_ALG_RS256 | CLERK_ALG_RS384 | CLERK_ALG_RS512)

struct clerk_jwt_keys {
    atomic_size_t refs;
    bool any_kid; /* a PEM key: matches whatever kid a token names */
    size_t count;
    clerk__jwt_key_t items[];
};

static clerk_jwt_keys_t *keys_alloc(size_t count)
{
    clerk_jwt_keys_t *keys =
        calloc(1, sizeof(*keys) + count * sizeof(keys->items[0]));

    if (keys != NULL) {
        atomic_init(&keys->refs, 1);
    }
    return keys;
}

void clerk_jwt_keys_free(clerk_jwt_keys_t *keys)
{
    size_t i;
    size_t j;

    if (keys == NULL || atomic_fetch_sub(&keys->refs, 1) != 1) {
        return;
    }
    for (i = 0; i < keys->count; i++) {
        free(keys->items[i].kid);
        EVP_PKEY_free(keys->items[i].pkey);
        for (j = 0; j < 3; j++) {
            EVP_MD_CTX_free(keys->items[i].verify_init[j]);
        }
    }
    free(keys);
}

clerk_jwt_keys_t *clerk__jwt_keys_ref(const clerk_jwt_keys_t *keys)
{
    clerk_jwt_keys_t *k = (clerk_jwt_keys_t *)keys;

    if (k != NULL) {
        atomic_fetch_add(&k->refs, 1);
    }
    return k;
}

size_t clerk_jwt_keys_count(const clerk_jwt_keys_t *keys)
{
    return keys == NULL ? 0 : keys->count;
}

const clerk__jwt_key_t *clerk__jwt_keys_find(
    const clerk_jwt_keys_t *keys, const char *kid)
{
    size_t i;

    if (keys == NULL) {
        return NULL;
    }
    if (keys->any_kid) {
        return keys->count > 0 ? &keys->items[0] : NULL;
    }
    if (kid == NULL) {
        return NULL;
    }
    for (i = 0; i < keys->count; i++) {
        if (strcmp(keys->items[i].kid, kid) == 0) {
            return &keys->items[i];
        }
    }
    return NULL;
}

/* Size limits and type of a parsed key; fills sig_len. */
static bool rsa_key_acceptable(EVP_PKEY *pkey, clerk__jwt_key_t *key)
{
    /* The order of algs[] in auth_jwt.c: RS256, RS384, RS512. */
    static const EVP_MD *(*const mds[3])(void) = { EVP_sha256, EVP_sha384,
                                                   EVP_sha512 };
    int bits;
    size_t i;
    size_t j;

    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        return false;
    }
    bits = EVP_PKEY_get_bits(pkey);
    if (bits < KEY_MIN_BITS || bits > KEY_MAX_BITS) {
        return false;
    }
    key->sig_len = (size_t)EVP_PKEY_get_size(pkey);
    for (i = 0; i < 3; i++) {
        key->verify_init[i] = EVP_MD_CTX_new();
        if (key->verify_init[i] == NULL ||
            EVP_DigestVerifyInit(
                key->verify_init[i], NULL, mds[i](), NULL, pkey) != 1) {
            for (j = 0; j <= i; j++) {
                EVP_MD_CTX_free(key->verify_init[j]);
                key->verify_init[j] = NULL;
            }
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* PEM                                                                  */
/* ------------------------------------------------------------------ */

typedef struct pem_armor {
    const char *begin;
    const char *end;
    bool pkcs1; /* RSA PUBLIC KEY rather than PUBLIC KEY */
} pem_armor_t;

static const pem_armor_t armors[] = {
    { "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", false },
    { "-----BEGIN RSA PUBLIC KEY-----", "-----END RSA PUBLIC KEY-----", true },
};

/* First occurrence of `needle` in the `len` bytes at `hay`. */
static const char *find_bytes(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    size_t i;

    for (i = 0; n <= len && i <= len - n; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

static bool is_pem_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* DER bytes of the first armored public key in the text, or NULL. */
static unsigned char *pem_der(
    const char *pem, size_t len, size_t *der_len, bool *pkcs1)
{
    const char *body = NULL;
    const char *stop = NULL;
    char *b64 = NULL;
    unsigned char *der = NULL;
    size_t n = 0;
    size_t i;

    for (i = 0; i < sizeof(armors) / sizeof(armors[0]); i++) {
        const char *b = find_bytes(pem, len, armors[i].begin);

        if (b != NULL) {
            body = b + strlen(armors[i].begin);
            stop = find_bytes(body, len - (size_t)(body - pem), armors[i].end);
            *pkcs1 = armors[i].pkcs1;
            break;
        }
    }
    if (body == NULL || stop == NULL) {
        return NULL;
    }
    b64 = malloc((size_t)(stop - body) + 1);
    if (b64 == NULL) {
        return NULL;
    }
    for (; body < stop; body++) {
        if (!is_pem_space(*body)) {
            b64[n++] = *body;
        }
    }
    der = malloc(clerk__b64_decoded_max(n));
    if (der != NULL &&
        !clerk__b64_decode(b64, n, CLERK__B64_STD, der, der_len)) {
        free(der);
        der = NULL;
    }
    free(b64);
    return der;
}

clerk_status_t clerk_jwt_keys_from_pem(
    clerk_jwt_keys_t **out,
    const char *pem,
    size_t len,
    clerk_auth_error_t *error)
{
    clerk_status_t st = CLERK_E_INVALID_ARG;
    clerk_jwt_keys_t *keys = NULL;
    unsigned char *der = NULL;
    const unsigned char *p;
    EVP_PKEY *pkey = NULL;
    size_t der_len = 0;
    bool pkcs1 = false;

    clerk__auth_ok(error);
    if (out == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_JWK_LOCAL_MISSING, "out is NULL");
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (pem == NULL || len == 0) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_LOCAL_MISSING, "no PEM public key given");
        return CLERK_E_INVALID_ARG;
    }
    der = pem_der(pem, len, &der_len, &pkcs1);
    if (der == NULL) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_LOCAL_MISSING,
            "not a PEM public key (expected -----BEGIN PUBLIC KEY----- and "
            "base64 text)");
        goto done;
    }
    p = der;
    if (pkcs1) {
        pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)der_len);
    } else {
        pkey = d2i_PUBKEY(NULL, &p, (long)der_len);
    }
    keys = keys_alloc(1);
    if (keys == NULL) {
        st = CLERK_E_NOMEM;
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        goto done;
    }
    if (pkey == NULL || p != der + der_len ||
        !rsa_key_acceptable(pkey, &keys->items[0])) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_LOCAL_MISSING,
            "the PEM key is not an RSA public key of %d to %d bits",
            KEY_MIN_BITS, KEY_MAX_BITS);
        goto done;
    }
    keys->any_kid = true;
    keys->count = 1;
    keys->items[0].pkey = pkey;
    keys->items[0].algs = ALL_ALGS;
    pkey = NULL;
    *out = keys;
    keys = NULL;
    st = CLERK_OK;
done:
    EVP_PKEY_free(pkey);
    clerk_jwt_keys_free(keys);
    free(der);
    return st;
}

/* ------------------------------------------------------------------ */
/* JWKS                                                                 */
/* ------------------------------------------------------------------ */

/* A base64url member decoded into a BIGNUM; minimal encoding required
 * (RFC 7518 section 6.3.1: no leading zero octets). */
static BIGNUM *jwk_bignum(const cJSON *jwk, const char *name, size_t max_len)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(jwk, name);
    unsigned char *bytes = NULL;
    BIGNUM *bn = NULL;
    size_t len = 0;
    size_t n;

    if (!cJSON_IsString(item)) {
        return NULL;
    }
    n = strlen(item->valuestring);
    if (n == 0 || n > max_len) {
        return NULL;
    }
    bytes = malloc(clerk__b64_decoded_max(n));
    if (bytes == NULL) {
        return NULL;
    }
    if (clerk__b64_decode(item->valuestring, n, CLERK__B64_URL, bytes, &len) &&
        len > 0 && bytes[0] != 0) {
        bn = BN_bin2bn(bytes, (int)len, NULL);
    }
    free(bytes);
    return bn;
}

static EVP_PKEY *rsa_from_jwk(const cJSON *jwk)
{
    BIGNUM *n = jwk_bignum(jwk, "n", (KEY_MAX_BITS / 8) * 4 / 3 + 4);
    BIGNUM *e = jwk_bignum(jwk, "e", 12); /* at most 64 bits */
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;

    if (n == NULL || e == NULL || !BN_is_odd(e) || BN_is_one(e)) {
        goto done;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)) {
        goto done;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
done:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pkey;
}

static unsigned alg_bit(const char *alg)
{
    if (strcmp(alg, "RS256") == 0) {
        return CLERK_ALG_RS256;
    }
    if (strcmp(alg, "RS384") == 0) {
        return CLERK_ALG_RS384;
    }
    if (strcmp(alg, "RS512") == 0) {
        return CLERK_ALG_RS512;
    }
    return 0;
}

/* Fill one entry from a JWK.  CLERK_E_INVALID_ARG: the document is invalid
 * (message in `error`); a key we cannot use is an entry with pkey NULL. */
static clerk_status_t load_jwk(
    const cJSON *jwk, clerk__jwt_key_t *key, clerk_auth_error_t *error)
{
    const cJSON *kty = cJSON_GetObjectItemCaseSensitive(jwk, "kty");
    const cJSON *kid = cJSON_GetObjectItemCaseSensitive(jwk, "kid");
    const cJSON *use = cJSON_GetObjectItemCaseSensitive(jwk, "use");
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(jwk, "alg");

    if (!cJSON_IsObject(jwk) || !cJSON_IsString(kty) || !cJSON_IsString(kid) ||
        kid->valuestring[0] == '\0' || strlen(kid->valuestring) > KID_MAX_LEN ||
        (use != NULL && !cJSON_IsString(use)) ||
        (alg != NULL && !cJSON_IsString(alg))) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_INVALID,
            "a JWKS key lacks a string kty or kid, or has a non-string use "
            "or alg");
        return CLERK_E_INVALID_ARG;
    }
    key->kid = strdup(kid->valuestring);
    if (key->kid == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        return CLERK_E_NOMEM;
    }
    key->algs = alg != NULL ? alg_bit(alg->valuestring) : ALL_ALGS;
    if (strcmp(kty->valuestring, "RSA") != 0 || key->algs == 0 ||
        (use != NULL && strcmp(use->valuestring, "sig") != 0)) {
        return CLERK_OK; /* kept, unusable */
    }
    key->pkey = rsa_from_jwk(jwk);
    if (key->pkey == NULL || !rsa_key_acceptable(key->pkey, key)) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_INVALID,
            "JWKS key \"%.64s\" is not an RSA public key of %d to %d bits "
            "with canonical base64url n and e",
            key->kid, KEY_MIN_BITS, KEY_MAX_BITS);
        return CLERK_E_INVALID_ARG;
    }
    return CLERK_OK;
}

clerk_status_t clerk_jwt_keys_from_jwks(
    clerk_jwt_keys_t **out,
    const char *json,
    size_t len,
    clerk_auth_error_t *error)
{
    clerk_status_t st = CLERK_E_INVALID_ARG;
    clerk_jwt_keys_t *keys = NULL;
    cJSON *doc = NULL;
    const cJSON *list;
    const cJSON *jwk;
    size_t count;
    size_t usable = 0;
    size_t i;

    clerk__auth_ok(error);
    if (out == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_JWK_REMOTE_INVALID, "out is NULL");
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (json == NULL) {
        clerk__auth_fail(error, CLERK_AUTH_JWK_REMOTE_MISSING, "no JWKS given");
        return CLERK_E_INVALID_ARG;
    }
    doc = cJSON_ParseWithLength(json, len);
    list = cJSON_GetObjectItemCaseSensitive(doc, "keys");
    if (!cJSON_IsObject(doc) || !cJSON_IsArray(list)) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_INVALID,
            "the JWKS is not a JSON object with a \"keys\" array");
        goto done;
    }
    count = (size_t)cJSON_GetArraySize(list);
    if (count > JWKS_MAX_KEYS) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_INVALID,
            "the JWKS holds more than %d keys", JWKS_MAX_KEYS);
        goto done;
    }
    keys = keys_alloc(count);
    if (keys == NULL) {
        st = CLERK_E_NOMEM;
        clerk__auth_fail(error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory");
        goto done;
    }
    cJSON_ArrayForEach(jwk, list)
    {
        clerk__jwt_key_t *key = &keys->items[keys->count];

        keys->count++;
        st = load_jwk(jwk, key, error);
        if (st != CLERK_OK) {
            goto done;
        }
        st = CLERK_E_INVALID_ARG;
        for (i = 0; i + 1 < keys->count; i++) {
            if (strcmp(keys->items[i].kid, key->kid) == 0) {
                clerk__auth_fail(
                    error, CLERK_AUTH_JWK_REMOTE_INVALID,
                    "two JWKS keys share the kid \"%.64s\"", key->kid);
                goto done;
            }
        }
        usable += key->pkey != NULL;
    }
    if (usable == 0) {
        clerk__auth_fail(
            error, CLERK_AUTH_JWK_REMOTE_MISSING,
            "the JWKS holds no RSA signing key");
        goto done;
    }
    *out = keys;
    keys = NULL;
    st = CLERK_OK;
    clerk__auth_ok(error);
done:
    clerk_jwt_keys_free(keys);
    cJSON_Delete(doc);
    return st;
}
