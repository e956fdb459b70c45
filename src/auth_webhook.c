/*
 * Svix / Standard Webhooks signatures and Clerk webhook events.
 *
 * The signature check touches nothing but the three header values, the
 * body and the secret; the body is parsed only after it verified.  Every
 * input is bounded before it is scanned: the id and signature headers by
 * CLERK_WEBHOOK_MAX_HEADER_LEN (strnlen, so an unterminated hostile value
 * is never read past the limit), the timestamp by its 19 digits, the
 * secret by its 64 bytes, the signature list by
 * CLERK_WEBHOOK_MAX_SIGNATURES entries.  Only the body, which the HMAC
 * must read whole, is as long as the caller's.
 */
#include "auth_internal.h"
#include "runtime_internal.h"

#include "../model/internal/descriptors.h"

#include <clerk/model/deleted_object.h>

#include <cjson/cJSON.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdlib.h>
#include <string.h>

#define SECRET_PREFIX     "whsec_"
#define SECRET_MIN_BYTES  24 /* Standard Webhooks: 192 bits at least */
#define SECRET_MAX_BYTES  64 /* ... and 512 at most */
#define SECRET_MAX_TEXT   88 /* base64 of 64 bytes, padded */
#define HMAC_BYTES        32 /* SHA-256 */
#define SIG_B64_LEN       44 /* base64 of 32 bytes, with its '=' */
#define TIMESTAMP_DIGITS  19 /* INT64_MAX has 19 digits */
#define JSON_SAFE_INTEGER 9007199254740992.0 /* 2^53 */

/* ------------------------------------------------------------------ */
/* Headers                                                             */
/* ------------------------------------------------------------------ */

/* Header names by slot (id, timestamp, signature): Svix's, then the
 * Standard Webhooks ones. */
static const char *const svix_names[3] = {
    "svix-id",
    "svix-timestamp",
    "svix-signature",
};
static const char *const standard_names[3] = {
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
};

void clerk_webhook_headers_collect(
    clerk_webhook_headers_t *out,
    const char *const *names,
    const char *const *values,
    size_t count)
{
    const char *found[3] = { NULL, NULL, NULL };
    bool from_svix[3] = { false, false, false };
    size_t i;
    size_t k;

    if (out == NULL) {
        return;
    }
    for (i = 0; names != NULL && values != NULL && i < count; i++) {
        if (names[i] == NULL || values[i] == NULL) {
            continue;
        }
        for (k = 0; k < 3; k++) {
            if (clerk__str_eq_nocase(names[i], svix_names[k])) {
                if (!from_svix[k]) {
                    found[k] = values[i];
                    from_svix[k] = true;
                }
            } else if (clerk__str_eq_nocase(names[i], standard_names[k])) {
                if (found[k] == NULL) {
                    found[k] = values[i];
                }
            }
        }
    }
    out->id = found[0];
    out->timestamp = found[1];
    out->signature = found[2];
}

/* ------------------------------------------------------------------ */
/* Signature                                                           */
/* ------------------------------------------------------------------ */

/* The secret's key bytes: "whsec_" is optional, the padding too (RFC 4648
 * section 3.2 lets a format drop it; it is restored here when the text has
 * none, so the strict decoder still refuses partial or misplaced '='). */
static bool decode_secret(const char *secret, unsigned char *key, size_t *len)
{
    char text[SECRET_MAX_TEXT + 3];
    size_t n;
    size_t prefix = sizeof(SECRET_PREFIX) - 1;
    bool ok;

    if (strncmp(secret, SECRET_PREFIX, prefix) == 0) {
        secret += prefix;
    }
    n = strnlen(secret, SECRET_MAX_TEXT + 1);
    if (n == 0 || n > SECRET_MAX_TEXT || n % 4 == 1) {
        return false;
    }
    memcpy(text, secret, n);
    if (memchr(text, '=', n) == NULL) {
        while (n % 4 != 0) {
            text[n++] = '=';
        }
    }
    ok = clerk__b64_decode(text, n, CLERK__B64_STD, key, len) &&
         *len >= SECRET_MIN_BYTES && *len <= SECRET_MAX_BYTES;
    OPENSSL_cleanse(text, sizeof(text));
    return ok;
}

/* 1 to 19 decimal digits, no sign, no space, no overflow. */
static bool parse_timestamp(const char *text, size_t len, int64_t *out)
{
    int64_t value = 0;
    size_t i;

    if (len == 0 || len > TIMESTAMP_DIGITS) {
        return false;
    }
    for (i = 0; i < len; i++) {
        int digit = text[i] - '0';

        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        if (value > (INT64_MAX - digit) / 10) {
            return false;
        }
        value = value * 10 + digit;
    }
    *out = value;
    return true;
}

/* base64(HMAC-SHA256(key, id "." timestamp "." body)) into sig (45 bytes),
 * streamed so that the body is not copied. */
static bool hmac_signature(
    const unsigned char *key,
    size_t key_len,
    const char *id,
    size_t id_len,
    const char *timestamp,
    size_t timestamp_len,
    const char *body,
    size_t body_len,
    char *sig)
{
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    OSSL_PARAM params[2];
    unsigned char digest[HMAC_BYTES];
    size_t digest_len = 0;
    bool ok = false;

    params[0] = OSSL_PARAM_construct_utf8_string(
        OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) {
        goto done;
    }
    ctx = EVP_MAC_CTX_new(mac);
    if (ctx == NULL || EVP_MAC_init(ctx, key, key_len, params) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)id, id_len) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)".", 1) != 1 ||
        EVP_MAC_update(ctx, (const unsigned char *)timestamp, timestamp_len) !=
            1 ||
        EVP_MAC_update(ctx, (const unsigned char *)".", 1) != 1) {
        goto done;
    }
    if (body_len > 0 &&
        EVP_MAC_update(ctx, (const unsigned char *)body, body_len) != 1) {
        goto done;
    }
    if (EVP_MAC_final(ctx, digest, &digest_len, sizeof(digest)) != 1 ||
        digest_len != HMAC_BYTES) {
        goto done;
    }
    clerk__b64_encode(digest, digest_len, sig);
    ok = true;
done:
    OPENSSL_cleanse(digest, sizeof(digest));
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok;
}

/* Whether one of the first CLERK_WEBHOOK_MAX_SIGNATURES space-separated
 * entries is "v1,<expected>".  Each v1 entry of the right length is
 * compared in constant time, and all of them are, so the time taken
 * depends only on the header's shape, never on how much of a signature
 * was right. */
static bool signature_matches(
    const char *header, size_t len, const char *expected)
{
    size_t pos = 0;
    size_t entries = 0;
    int match = 0;

    while (pos < len && entries < CLERK_WEBHOOK_MAX_SIGNATURES) {
        size_t start;
        size_t end;

        while (pos < len && header[pos] == ' ') {
            pos++;
        }
        if (pos == len) {
            break;
        }
        start = pos;
        while (pos < len && header[pos] != ' ') {
            pos++;
        }
        end = pos;
        entries++;
        if (end - start == 3 + SIG_B64_LEN &&
            memcmp(header + start, "v1,", 3) == 0) {
            match |=
                CRYPTO_memcmp(header + start + 3, expected, SIG_B64_LEN) == 0;
        }
    }
    return match != 0;
}

/* ------------------------------------------------------------------ */
/* Event                                                               */
/* ------------------------------------------------------------------ */

/* The model of each kind; NULL for CLERK_WEBHOOK_DATA_JSON. */
static const clerk__model_t *const kind_models[] = {
    NULL,
    &clerk__user_model,
    &clerk__deleted_object_model,
    &clerk__organization_model,
    &clerk__organization_membership_model,
    &clerk__organization_invitation_model,
    &clerk__organization_domain_model,
    &clerk__session_model,
    &clerk__role_model,
    &clerk__permission_model,
    &clerk__waitlist_entry_model,
};

#define KIND_COUNT (sizeof(kind_models) / sizeof(kind_models[0]))
_Static_assert(
    KIND_COUNT == CLERK_WEBHOOK_DATA_WAITLIST_ENTRY + 1,
    "kind_models must follow clerk_webhook_data_kind_t");

/* Event type resources (before the first '.') with a spec schema. */
static const struct {
    const char *resource;
    clerk_webhook_data_kind_t kind;
} resource_kinds[] = {
    { "user", CLERK_WEBHOOK_DATA_USER },
    { "organization", CLERK_WEBHOOK_DATA_ORGANIZATION },
    { "organizationMembership", CLERK_WEBHOOK_DATA_ORGANIZATION_MEMBERSHIP },
    { "organizationInvitation", CLERK_WEBHOOK_DATA_ORGANIZATION_INVITATION },
    { "organizationDomain", CLERK_WEBHOOK_DATA_ORGANIZATION_DOMAIN },
    { "session", CLERK_WEBHOOK_DATA_SESSION },
    { "role", CLERK_WEBHOOK_DATA_ROLE },
    { "permission", CLERK_WEBHOOK_DATA_PERMISSION },
    { "waitlistEntry", CLERK_WEBHOOK_DATA_WAITLIST_ENTRY },
};

static clerk_webhook_data_kind_t kind_of(const char *type, const cJSON *data)
{
    const char *dot = strchr(type, '.');
    size_t len;
    size_t i;

    if (dot == NULL) {
        return CLERK_WEBHOOK_DATA_JSON;
    }
    /* A DeletedObject is recognised by its shape: Clerk sends one for
     * user.deleted but the whole object for organizationMembership.deleted. */
    if (strcmp(dot + 1, "deleted") == 0 &&
        cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(data, "deleted"))) {
        return CLERK_WEBHOOK_DATA_DELETED;
    }
    len = (size_t)(dot - type);
    for (i = 0; i < sizeof(resource_kinds) / sizeof(resource_kinds[0]); i++) {
        const char *r = resource_kinds[i].resource;

        if (strlen(r) == len && memcmp(r, type, len) == 0) {
            return resource_kinds[i].kind;
        }
    }
    return CLERK_WEBHOOK_DATA_JSON;
}

/* An optional string member: absent or null gives NULL; another type is
 * an error. */
static bool optional_string(
    const cJSON *json, const char *name, const char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, name);

    *out = NULL;
    if (item == NULL || cJSON_IsNull(item)) {
        return true;
    }
    if (!cJSON_IsString(item)) {
        return false;
    }
    *out = item->valuestring;
    return true;
}

/* Parse and check the envelope; the typed data is decoded leniently and
 * left NULL when it does not decode. */
static clerk_status_t decode_event(
    clerk_webhook_event_t **out,
    const char *body,
    size_t body_len,
    clerk_auth_error_t *error)
{
    clerk_webhook_event_t *event = NULL;
    cJSON *json = NULL;
    const cJSON *type = NULL;
    const cJSON *data = NULL;
    const cJSON *ts = NULL;
    const char *end = NULL;
    const char *what = NULL;
    clerk_status_t st = CLERK_OK;

    if (body_len > 0) {
        json = cJSON_ParseWithLengthOpts(body, body_len, &end, 0);
    }
    if (json == NULL) {
        what = "the body is not JSON";
        goto invalid;
    }
    while (end < body + body_len &&
           (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) {
        end++;
    }
    if (end != body + body_len) {
        what = "the body has data after its JSON value";
        goto invalid;
    }
    if (!cJSON_IsObject(json)) {
        what = "the body is not a JSON object";
        goto invalid;
    }
    type = cJSON_GetObjectItemCaseSensitive(json, "type");
    if (!cJSON_IsString(type) || type->valuestring[0] == '\0') {
        what = "`type` is missing or not a non-empty string";
        goto invalid;
    }
    data = cJSON_GetObjectItemCaseSensitive(json, "data");
    if (!cJSON_IsObject(data)) {
        what = "`data` is missing or not an object";
        goto invalid;
    }
    event = calloc(1, sizeof(*event));
    if (event == NULL) {
        st = CLERK_E_NOMEM;
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR, "out of memory (event)");
        goto done;
    }
    event->type = type->valuestring;
    event->data = data;
    if (!optional_string(json, "object", &event->object)) {
        what = "`object` is not a string";
        goto invalid;
    }
    if (!optional_string(json, "instance_id", &event->instance_id)) {
        what = "`instance_id` is not a string";
        goto invalid;
    }
    ts = cJSON_GetObjectItemCaseSensitive(json, "timestamp");
    if (ts != NULL && !cJSON_IsNull(ts)) {
        double v = cJSON_GetNumberValue(ts);

        /* NaN fails every comparison, so it lands here too. */
        if (!cJSON_IsNumber(ts) || !(v >= -JSON_SAFE_INTEGER) ||
            !(v <= JSON_SAFE_INTEGER) || v != (double)(int64_t)v) {
            what = "`timestamp` is not an integer";
            goto invalid;
        }
        event->timestamp = (int64_t)v;
    }
    event->kind = kind_of(event->type, data);
    if (kind_models[event->kind] != NULL) {
        /* A decode error leaves as.any NULL (documented); only running
         * out of memory fails the call. */
        st = clerk__model_from_json(
            kind_models[event->kind], &event->as.any, data, 0, NULL);
        if (st == CLERK_E_NOMEM) {
            clerk__auth_fail(
                error, CLERK_AUTH_UNEXPECTED_ERROR,
                "out of memory (event data)");
            goto done;
        }
        st = CLERK_OK;
    }
    event->json = json;
    json = NULL;
    *out = event;
    event = NULL;
    goto done;
invalid:
    st = CLERK_E_DECODE;
    clerk__auth_fail(
        error, CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD, "signature verified, but %s",
        what);
done:
    clerk_webhook_event_free(event);
    cJSON_Delete(json);
    return st;
}

void clerk_webhook_event_free(clerk_webhook_event_t *event)
{
    if (event == NULL) {
        return;
    }
    if ((size_t)event->kind < KIND_COUNT && kind_models[event->kind] != NULL &&
        event->as.any != NULL) {
        clerk__model_free(kind_models[event->kind], event->as.any);
    }
    cJSON_Delete((cJSON *)event->json);
    free(event);
}

/* ------------------------------------------------------------------ */
/* Verify                                                              */
/* ------------------------------------------------------------------ */

/* The length of a header value, or 0 when it is missing, empty or longer
 * than `max` (reported through `too_long`). */
static size_t header_len(const char *value, size_t max, bool *too_long)
{
    size_t n;

    *too_long = false;
    if (value == NULL) {
        return 0;
    }
    n = strnlen(value, max + 1);
    if (n > max) {
        *too_long = true;
        return 0;
    }
    return n;
}

clerk_status_t clerk_webhook_verify(
    clerk_webhook_event_t **out,
    const clerk_webhook_headers_t *headers,
    const char *body,
    size_t body_len,
    const clerk_webhook_options_t *options,
    clerk_auth_error_t *error)
{
    unsigned char key[SECRET_MAX_TEXT]; /* >= decoded_max(88) = 69 */
    size_t key_len = 0;
    char expected[SIG_B64_LEN + 1];
    const char *values[3];
    size_t lens[3];
    size_t maxes[3] = {
        CLERK_WEBHOOK_MAX_HEADER_LEN,
        TIMESTAMP_DIGITS,
        CLERK_WEBHOOK_MAX_HEADER_LEN,
    };
    int64_t timestamp = 0;
    int64_t now;
    int64_t tolerance;
    size_t k;
    clerk_status_t st = CLERK_OK;

    expected[0] = '\0';
    if (out != NULL) {
        *out = NULL;
    }
    clerk__auth_ok(error);
    if (headers == NULL || options == NULL || (body == NULL && body_len > 0) ||
        options->now < 0 || options->tolerance_s < 0) {
        st = CLERK_E_INVALID_ARG;
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "invalid argument: NULL headers or options, NULL "
            "body with a length, or negative now or tolerance");
        goto done;
    }
    if (options->secret == NULL ||
        !decode_secret(options->secret, key, &key_len)) {
        st = CLERK_E_INVALID_ARG;
        clerk__auth_fail(
            error, CLERK_AUTH_WEBHOOK_INVALID_SECRET,
            "the webhook secret is not base64 (after an optional "
            "\"whsec_\") of %d to %d bytes",
            SECRET_MIN_BYTES, SECRET_MAX_BYTES);
        goto done;
    }

    values[0] = headers->id;
    values[1] = headers->timestamp;
    values[2] = headers->signature;
    /* Presence of all three first, as the svix libraries do. */
    for (k = 0; k < 3; k++) {
        bool too_long = false;

        lens[k] = header_len(values[k], maxes[k], &too_long);
        if (too_long && k != 1) {
            st = CLERK_E_UNAUTHORIZED;
            clerk__auth_fail(
                error, CLERK_AUTH_WEBHOOK_MISSING_HEADER,
                "%s (%s) is longer than %d bytes", svix_names[k],
                standard_names[k], CLERK_WEBHOOK_MAX_HEADER_LEN);
            goto done;
        }
        if (lens[k] == 0 && !too_long) {
            st = CLERK_E_UNAUTHORIZED;
            clerk__auth_fail(
                error, CLERK_AUTH_WEBHOOK_MISSING_HEADER,
                "%s (%s) is missing or empty", svix_names[k],
                standard_names[k]);
            goto done;
        }
    }
    /* A timestamp longer than 19 characters has length 0 here. */
    if (!parse_timestamp(values[1], lens[1], &timestamp)) {
        st = CLERK_E_UNAUTHORIZED;
        clerk__auth_fail(
            error, CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP,
            "svix-timestamp is not 1 to %d decimal digits "
            "of Unix seconds",
            TIMESTAMP_DIGITS);
        goto done;
    }
    now = options->now != 0 ? options->now : clerk__auth_now_ms() / 1000;
    tolerance = options->tolerance_s != 0 ? options->tolerance_s
                                          : CLERK_WEBHOOK_TOLERANCE_S;
    /* Both are >= 0, so neither difference can overflow. */
    if (now > timestamp && now - timestamp > tolerance) {
        st = CLERK_E_UNAUTHORIZED;
        clerk__auth_fail(
            error, CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD,
            "svix-timestamp is %lld s before now (tolerance "
            "%lld s)",
            (long long)(now - timestamp), (long long)tolerance);
        goto done;
    }
    if (timestamp > now && timestamp - now > tolerance) {
        st = CLERK_E_UNAUTHORIZED;
        clerk__auth_fail(
            error, CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW,
            "svix-timestamp is %lld s after now (tolerance "
            "%lld s)",
            (long long)(timestamp - now), (long long)tolerance);
        goto done;
    }
    if (!hmac_signature(
            key, key_len, values[0], lens[0], values[1], lens[1], body,
            body_len, expected)) {
        st = CLERK_E_NOMEM;
        clerk__auth_fail(
            error, CLERK_AUTH_UNEXPECTED_ERROR,
            "HMAC-SHA256 failed (out of memory?)");
        goto done;
    }
    if (!signature_matches(values[2], lens[2], expected)) {
        st = CLERK_E_UNAUTHORIZED;
        clerk__auth_fail(
            error, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE,
            "no v1 signature of svix-signature matches");
        goto done;
    }
    if (out != NULL) {
        st = decode_event(out, body, body_len, error);
    }
done:
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(expected, sizeof(expected));
    return st;
}
