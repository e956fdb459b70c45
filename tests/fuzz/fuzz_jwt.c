/*
 * libFuzzer target: the session-token parser and verifier, the PEM and
 * JWKS key readers.  The first byte picks what the rest is:
 *   0  a token, verified against a fixed RSA key (form, header, signature);
 *   1  a JWKS document;
 *   2  a PEM text;
 *   3  "<header JSON>\n<payload JSON>": encoded and signed here with a key
 *      made at start-up, then verified, so the claim checks see
 *      arbitrary payloads behind a valid signature.
 * Built by tests/auth/CMakeLists.txt with clang -fsanitize=fuzzer,address,
 * undefined (sources compiled in: auth_common.c, auth_keys.c, auth_jwt.c);
 * ctest runs a short deterministic session (auth.fuzz_jwt).  By hand:
 *   build/tests/auth/fuzz_jwt -max_total_time=600 CORPUS_DIR
 */
#include "auth_internal.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The client key source needs the whole library; this target never gives
 * a client, so the cache is never reached. */
clerk_status_t clerk__jwks_cache_get(
    clerk_client_t *client,
    const char *kid,
    int64_t now_ms,
    clerk_jwt_keys_t **out,
    clerk_auth_error_t *error)
{
    (void)client;
    (void)kid;
    (void)now_ms;
    (void)error;
    *out = NULL;
    return CLERK_E_INVALID_ARG;
}

static EVP_PKEY *signer;
static clerk_jwt_keys_t *keys;

static void setup(void)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem = NULL;
    long len;

    signer = EVP_RSA_gen(2048);
    if (signer == NULL || bio == NULL || !PEM_write_bio_PUBKEY(bio, signer)) {
        abort(); /* the harness itself is broken: stop fuzzing */
    }
    len = BIO_get_mem_data(bio, &pem);
    if (clerk_jwt_keys_from_pem(&keys, pem, (size_t)len, NULL) != CLERK_OK) {
        abort();
    }
    BIO_free(bio);
}

static void b64url(const unsigned char *in, size_t len, char *out)
{
    size_t n = clerk__b64_encode(in, len, out);
    size_t i;

    while (n > 0 && out[n - 1] == '=') {
        out[--n] = '\0';
    }
    for (i = 0; i < n; i++) {
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    }
}

/* "<b64url header>.<b64url payload>.<b64url signature>" or NULL. */
static char *sign_token(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t hlen = nl != NULL ? (size_t)(nl - data) : size;
    size_t plen = nl != NULL ? size - hlen - 1 : 0;
    size_t cap = (size + 256) * 2 + 512;
    unsigned char sig[512];
    size_t sig_len = sizeof(sig);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char *tok = malloc(cap);
    size_t at;

    if (ctx == NULL || tok == NULL) {
        goto fail;
    }
    b64url(data, hlen, tok);
    at = strlen(tok);
    tok[at++] = '.';
    b64url(nl != NULL ? nl + 1 : data, plen, tok + at);
    at += strlen(tok + at);
    if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, signer) != 1 ||
        EVP_DigestSign(ctx, sig, &sig_len, (unsigned char *)tok, at) != 1) {
        goto fail;
    }
    tok[at++] = '.';
    b64url(sig, sig_len, tok + at);
    EVP_MD_CTX_free(ctx);
    return tok;
fail:
    EVP_MD_CTX_free(ctx);
    free(tok);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const parties[] = { "https://a.test", "" };
    static const char *const audiences[] = { "aud" };
    clerk_verify_options_t o = { 0 };
    clerk_session_claims_t *claims = NULL;
    clerk_jwt_keys_t *parsed = NULL;
    clerk_auth_error_t err;
    char *text;

    if (signer == NULL) {
        setup();
    }
    if (size < 1 || size > 40000) {
        return 0;
    }
    /* An exact-size copy plus NUL: reading past it is an ASan error. */
    text = malloc(size);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    o.keys = keys;
    o.now = 1767225600;
    o.clock_skew_ms = (data[0] & 0x10) ? CLERK_CLOCK_SKEW_NONE : 0;
    if (data[0] & 0x20) {
        o.authorized_parties = parties;
        o.authorized_party_count = 2;
        o.audiences = audiences;
        o.audience_count = 1;
    }
    switch (data[0] & 0x3) {
    case 0:
        clerk_verify_token(&claims, text, &o, &err);
        break;
    case 1:
        clerk_jwt_keys_from_jwks(&parsed, text, size - 1, &err);
        break;
    case 2:
        clerk_jwt_keys_from_pem(&parsed, text, size - 1, &err);
        break;
    default: {
        char *tok = sign_token(data + 1, size - 1);

        if (tok != NULL) {
            clerk_verify_token(&claims, tok, &o, &err);
            free(tok);
        }
        break;
    }
    }
    if (claims != NULL && claims->subject == NULL) {
        abort(); /* a verified token always has a subject */
    }
    clerk_session_claims_free(claims);
    clerk_jwt_keys_free(parsed);
    free(text);
    return 0;
}
