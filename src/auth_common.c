/*
 * What every authentication source shares: reason names, error filling,
 * strict base64 and the clock.
 */
#include "auth_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Indexed by clerk_auth_reason_t; the names are @clerk/backend's. */
static const char *const reason_names[] = {
    "ok",
    "token-expired",
    "token-invalid",
    "token-invalid-algorithm",
    "token-invalid-authorized-parties",
    "token-invalid-signature",
    "token-not-active-yet",
    "token-iat-in-the-future",
    "token-verification-failed",
    "secret-key-invalid",
    "jwk-local-missing",
    "jwk-remote-failed-to-load",
    "jwk-remote-invalid",
    "jwk-remote-missing",
    "jwk-failed-to-resolve",
    "jwk-kid-mismatch",
    "token-invalid-issuer",
    "session-token-missing",
    "token-type-mismatch",
    "unexpected-error",
    "webhook-missing-header",
    "webhook-invalid-timestamp",
    "webhook-timestamp-too-old",
    "webhook-timestamp-too-new",
    "webhook-no-matching-signature",
    "webhook-invalid-secret",
    "webhook-invalid-payload",
};

const char *clerk_auth_reason_str(clerk_auth_reason_t reason)
{
    size_t i = (size_t)reason;

    if ((int)reason < 0 ||
        i >= sizeof(reason_names) / sizeof(reason_names[0])) {
        return "unknown";
    }
    return reason_names[i];
}

void clerk__auth_fail(
    clerk_auth_error_t *error, clerk_auth_reason_t reason, const char *fmt, ...)
{
    va_list ap;

    if (error == NULL) {
        return;
    }
    error->reason = reason;
    va_start(ap, fmt);
    if (vsnprintf(error->message, sizeof(error->message), fmt, ap) < 0) {
        error->message[0] = '\0';
    }
    va_end(ap);
}

void clerk__auth_ok(clerk_auth_error_t *error)
{
    if (error != NULL) {
        error->reason = CLERK_AUTH_OK;
        error->message[0] = '\0';
    }
}

const char *clerk__json_string(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

bool clerk__ascii_prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix != '\0'; s++, prefix++) {
        unsigned char a = (unsigned char)*s;
        unsigned char b = (unsigned char)*prefix;

        if (a >= 'A' && a <= 'Z') {
            a = (unsigned char)(a - 'A' + 'a');
        }
        if (b >= 'A' && b <= 'Z') {
            b = (unsigned char)(b - 'A' + 'a');
        }
        if (a != b) {
            return false;
        }
    }
    return true;
}

int64_t clerk__auth_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return (int64_t)time(NULL) * 1000;
    }
    return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

/* ------------------------------------------------------------------ */
/* Base64 (RFC 4648), strict                                           */
/* ------------------------------------------------------------------ */

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Digit values by byte, for one table lookup per character; X: not a
 * digit of that alphabet (any value with 0xC0 set would do). */
#define X 0xFF
/* clang-format off */
static const unsigned char url_values[256] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
    X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63,
    X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};

static const unsigned char std_values[256] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
    X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
    X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
/* clang-format on */
#undef X

size_t clerk__b64_decoded_max(size_t len)
{
    return len / 4 * 3 + 3;
}

bool clerk__b64_decode(
    const char *in, size_t len, int mode, unsigned char *out, size_t *out_len)
{
    const unsigned char *t = mode == CLERK__B64_URL ? url_values : std_values;
    uint32_t v;
    size_t n = 0;
    size_t i;
    size_t data_len = len;

    if (mode == CLERK__B64_STD) {
        /* Padding: exactly enough '=' to reach a multiple of 4. */
        if (len % 4 != 0) {
            return false;
        }
        while (data_len > 0 && in[data_len - 1] == '=' && len - data_len < 2) {
            data_len--;
        }
    }
    if (data_len % 4 == 1) {
        return false; /* six bits cannot make a byte */
    }
    /* Whole quantums: four digits, three bytes. */
    for (i = 0; i + 4 <= data_len; i += 4) {
        uint32_t a = t[(unsigned char)in[i]];
        uint32_t b = t[(unsigned char)in[i + 1]];
        uint32_t c = t[(unsigned char)in[i + 2]];
        uint32_t d = t[(unsigned char)in[i + 3]];

        if (((a | b | c | d) & 0xC0u) != 0) {
            return false;
        }
        v = (a << 18) | (b << 12) | (c << 6) | d;
        out[n++] = (unsigned char)(v >> 16);
        out[n++] = (unsigned char)(v >> 8);
        out[n++] = (unsigned char)v;
    }
    /* A final 2 or 3 digits: 1 or 2 bytes, and the unused low bits of the
     * last digit must be zero (otherwise the text is not canonical). */
    if (i < data_len) {
        uint32_t a = t[(unsigned char)in[i]];
        uint32_t b = t[(unsigned char)in[i + 1]];
        uint32_t c = data_len - i == 3 ? t[(unsigned char)in[i + 2]] : 0;

        if (((a | b | c) & 0xC0u) != 0) {
            return false;
        }
        v = (a << 18) | (b << 12) | (c << 6);
        out[n++] = (unsigned char)(v >> 16);
        if (data_len - i == 3) {
            out[n++] = (unsigned char)(v >> 8);
        }
        if ((v & (data_len - i == 3 ? 0xFFu : 0xFFFFu)) != 0) {
            return false;
        }
    }
    *out_len = n;
    return true;
}

size_t clerk__b64_encode(const unsigned char *in, size_t len, char *out)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i + 2 < len; i += 3) {
        uint32_t v =
            ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        out[n++] = std_alphabet[(v >> 18) & 63];
        out[n++] = std_alphabet[(v >> 12) & 63];
        out[n++] = std_alphabet[(v >> 6) & 63];
        out[n++] = std_alphabet[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)in[i] << 16;

        if (i + 1 < len) {
            v |= (uint32_t)in[i + 1] << 8;
        }
        out[n++] = std_alphabet[(v >> 18) & 63];
        out[n++] = std_alphabet[(v >> 12) & 63];
        out[n++] = i + 1 < len ? std_alphabet[(v >> 6) & 63] : '=';
        out[n++] = '=';
    }
    out[n] = '\0';
    return n;
}
