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

/* Value of a base64 digit in the given alphabet, or -1. */
static int digit_value(unsigned char c, int mode)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (mode == CLERK__B64_URL) {
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

size_t clerk__b64_decoded_max(size_t len)
{
    return len / 4 * 3 + 3;
}

bool clerk__b64_decode(
    const char *in, size_t len, int mode, unsigned char *out, size_t *out_len)
{
    uint32_t acc = 0;
    size_t bits = 0;
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
    for (i = 0; i < data_len; i++) {
        int v = digit_value((unsigned char)in[i], mode);

        if (v < 0) {
            return false;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    if (acc != 0) {
        return false; /* non-zero trailing bits: not canonical */
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
