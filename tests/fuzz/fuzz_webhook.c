/*
 * libFuzzer target: webhook header parsing and verification
 * (clerk_webhook_headers_collect, clerk_webhook_verify, event decoding).
 *
 * Input: one flag byte, then the svix-id, svix-timestamp and
 * svix-signature values separated by '\n', then the body (bytes).  Flags:
 *   bit 0  sign: put a correct "v1,<HMAC>" entry (computed here with
 *          OpenSSL's HMAC(), not libclerk's code) in front of the fuzzed
 *          signature header, so the event decoder is reached;
 *   bit 1  ask for the event (out != NULL);
 *   bit 2  give the secret without its "whsec_" prefix;
 *   bit 3  pass the headers through clerk_webhook_headers_collect under
 *          mixed-case svix-* / webhook-* names;
 *   bits 4-5  tolerance: default, 1 s, 300 s, INT64_MAX;
 *   bit 6  with bit 3, the webhook-* names instead of svix-*.
 * Any broken invariant aborts: status and reason agree, no event on
 * failure, a bounded message without the secret, a well-formed event on
 * success, and in sign mode the verdict a simple reference predicts.
 *
 * Built by tests/auth/CMakeLists.txt with clang -fsanitize=fuzzer,address,
 * undefined when clang and its libFuzzer runtime are installed; ctest runs
 * a short deterministic session (auth.fuzz_webhook).  By hand:
 *   build/tests/auth/fuzz_webhook -max_total_time=600 CORPUS_DIR
 */
#include <clerk/auth.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET_B64 "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define NOW        1614265330

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_webhook: %s\n", what);
        abort();
    }
}

/* An exact-size NUL-terminated copy, so ASan sees any over-read. */
static char *dup_n(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);

    check(s != NULL, "out of memory");
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* The reference verdict on a timestamp: 1..19 digits, no overflow. */
static int ts_valid(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    int64_t v = 0;
    size_t i;

    if (n == 0 || n > 19) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - (s[i] - '0')) / 10) {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "v1,<base64 HMAC>" of id.ts.body, with OpenSSL directly. */
static char *reference_entry(
    const char *id, const char *ts, const uint8_t *body, size_t body_len)
{
    unsigned char key[32];
    int key_len = EVP_DecodeBlock(
        key, (const unsigned char *)SECRET_B64, (int)strlen(SECRET_B64));
    size_t id_len = strlen(id);
    size_t ts_len = strlen(ts);
    size_t n = id_len + 1 + ts_len + 1 + body_len;
    unsigned char *content = malloc(n + 1);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    char *entry = malloc(3 + 45);

    check(content != NULL && entry != NULL && key_len == 24, "setup");
    memcpy(content, id, id_len);
    content[id_len] = '.';
    memcpy(content + id_len + 1, ts, ts_len);
    content[id_len + 1 + ts_len] = '.';
    if (body_len > 0) {
        memcpy(content + id_len + 2 + ts_len, body, body_len);
    }
    check(
        HMAC(EVP_sha256(), key, key_len, content, n, mac, &mac_len) != NULL,
        "HMAC");
    memcpy(entry, "v1,", 3);
    EVP_EncodeBlock((unsigned char *)entry + 3, mac, (int)mac_len);
    free(content);
    return entry;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t tolerances[4] = { 0, 1, 300, INT64_MAX };
    static const char *const names[2][3] = {
        { "Svix-Id", "SVIX-TIMESTAMP", "svix-Signature" },
        { "webhook-ID", "Webhook-Timestamp", "WEBHOOK-SIGNATURE" },
    };
    char *field[3] = { NULL, NULL, NULL };
    char *signature = NULL;
    uint8_t *body = NULL;
    size_t body_len = 0;
    size_t pos = 1;
    size_t k;
    unsigned flags;
    clerk_webhook_headers_t headers = { NULL, NULL, NULL };
    clerk_webhook_options_t options = { NULL, NOW, 0 };
    clerk_webhook_event_t *event = NULL;
    clerk_webhook_event_t **out = NULL;
    clerk_auth_error_t error;
    clerk_status_t st;
    int64_t ts = 0;

    if (size < 1) {
        return 0;
    }
    flags = data[0];
    for (k = 0; k < 3 && pos <= size; k++) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t end = nl != NULL ? (size_t)(nl - data) : size;

        field[k] = dup_n(data + pos, end - pos);
        pos = end + 1;
    }
    if (pos < size) {
        body_len = size - pos;
        body = malloc(body_len);
        check(body != NULL, "out of memory");
        memcpy(body, data + pos, body_len);
    }
    signature = field[2];
    if ((flags & 1) && field[0] != NULL && field[1] != NULL) {
        char *entry = reference_entry(field[0], field[1], body, body_len);
        size_t elen = strlen(entry);
        size_t slen = field[2] != NULL ? strlen(field[2]) : 0;

        signature = malloc(elen + 1 + slen + 1);
        check(signature != NULL, "out of memory");
        memcpy(signature, entry, elen);
        signature[elen] = ' ';
        memcpy(
            signature + elen + 1, field[2] != NULL ? field[2] : "", slen + 1);
        free(entry);
    }
    if (flags & 8) {
        const char *n[6];
        const char *v[6];
        size_t c = 0;
        int alt = (flags >> 6) & 1;

        for (k = 0; k < 3; k++) {
            const char *value = k == 2 ? signature : field[k];

            if (value != NULL) {
                n[c] = names[alt][k];
                v[c] = value;
                c++;
            }
        }
        clerk_webhook_headers_collect(&headers, n, v, c);
        check(
            headers.id == field[0] && headers.timestamp == field[1] &&
                headers.signature == signature,
            "headers_collect lost a header");
    } else {
        headers.id = field[0];
        headers.timestamp = field[1];
        headers.signature = signature;
    }
    options.secret = (flags & 4) ? SECRET_B64 : "whsec_" SECRET_B64;
    options.tolerance_s = tolerances[(flags >> 4) & 3];
    out = (flags & 2) ? &event : NULL;

    st = clerk_webhook_verify(
        out, &headers, (const char *)body, body_len, &options, &error);

    check(
        (st == CLERK_OK) == (error.reason == CLERK_AUTH_OK),
        "status and reason disagree");
    check(
        memchr(error.message, '\0', sizeof(error.message)) != NULL,
        "message not terminated");
    check(strstr(error.message, SECRET_B64) == NULL, "secret in message");
    check(st == CLERK_OK || event == NULL, "event on failure");
    if (st == CLERK_OK && out != NULL) {
        check(
            event != NULL && event->type != NULL && event->type[0] != '\0',
            "event without type");
        check(
            cJSON_IsObject(event->data) && event->json != NULL,
            "event without data");
        check(
            (unsigned)event->kind <= CLERK_WEBHOOK_DATA_WAITLIST_ENTRY,
            "kind out of range");
        check(
            event->kind != CLERK_WEBHOOK_DATA_JSON || event->as.any == NULL,
            "typed data for a JSON kind");
    }
    /* Sign mode: a well-formed message must pass the signature check. */
    if ((flags & 1) && field[0] != NULL && field[0][0] != '\0' &&
        strlen(field[0]) <= CLERK_WEBHOOK_MAX_HEADER_LEN && field[1] != NULL &&
        ts_valid(field[1], &ts) &&
        strlen(signature) <= CLERK_WEBHOOK_MAX_HEADER_LEN) {
        int64_t tol = options.tolerance_s != 0 ? options.tolerance_s : 300;
        int in_time = ts >= NOW ? ts - NOW <= tol : NOW - ts <= tol;

        if (in_time) {
            check(
                st == CLERK_OK ||
                    (out != NULL && st == CLERK_E_DECODE &&
                     error.reason == CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD),
                "a correctly signed message was refused");
        } else {
            check(
                st == CLERK_E_UNAUTHORIZED &&
                    (error.reason == CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD ||
                     error.reason == CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW),
                "an out-of-time message was not refused for its time");
        }
    }
    clerk_webhook_event_free(event);
    if (signature != field[2]) {
        free(signature);
    }
    for (k = 0; k < 3; k++) {
        free(field[k]);
    }
    free(body);
    return 0;
}
