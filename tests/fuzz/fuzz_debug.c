/*
 * libFuzzer target: the debug hook's redaction (src/debug.c).
 *
 * Input: 1 byte key length, the key (mapped onto [a-z0-9_]), 1 byte kind,
 * 1 byte number of cuts and the cut positions, then the text.  Checks: the
 * text streamed in chunks (cut anywhere) gives exactly what it gives in
 * one piece, for the body kinds; in one piece the key never comes out
 * whole, for every kind (unless the key is part of the word "redacted"
 * that replaces it).
 */
#include "fuzz_common.h"

#include "runtime_internal.h"

#define MAX_KEY  40
#define MAX_CUTS 8

static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789_";

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a;
    size_t y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

static void redact(
    const clerk_client_t *c,
    clerk_debug_kind_t kind,
    const char *text,
    size_t n,
    const size_t *cuts,
    size_t ncuts,
    clerk__rtbuf_t *out)
{
    clerk__rtbuf_t hold = { 0 };
    size_t from = 0;
    size_t i;

    for (i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;

        FUZZ_CHECK(
            clerk__debug_redact(c, kind, &hold, text + from, to - from, out),
            "redaction failed");
        from = to;
    }
    FUZZ_CHECK(clerk__debug_finish(c, &hold, out), "finish failed");
    FUZZ_CHECK(hold.data == NULL && hold.len == 0, "hold left over");
}

/* Whether `key` occurs in buf[0..n) (which may hold NUL bytes). */
static bool holds(const char *buf, size_t n, const char *key)
{
    size_t k = strlen(key);
    size_t i;

    for (i = 0; i + k <= n; i++) {
        if (memcmp(buf + i, key, k) == 0) {
            return true;
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader_t r = { data, size };
    clerk_client_t client;
    char key[MAX_KEY + 1];
    size_t key_len = 1 + fuzz_byte(&r) % MAX_KEY;
    clerk_debug_kind_t kind;
    size_t cuts[MAX_CUTS];
    size_t ncuts;
    char *text;
    clerk__rtbuf_t whole = { 0 };
    clerk__rtbuf_t cut = { 0 };
    size_t n;
    size_t i;

    for (i = 0; i < key_len; i++) {
        key[i] = alphabet[fuzz_byte(&r) % (sizeof(alphabet) - 1)];
    }
    key[key_len] = '\0';
    kind = (clerk_debug_kind_t)(fuzz_byte(&r) % 5);
    ncuts = fuzz_byte(&r) % (MAX_CUTS + 1);
    for (i = 0; i < ncuts; i++) {
        cuts[i] = fuzz_byte(&r);
    }
    n = r.n;
    text = malloc(n > 0 ? n : 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, r.p, n);
    for (i = 0; i < ncuts; i++) {
        cuts[i] %= n + 1;
    }
    qsort(cuts, ncuts, sizeof(cuts[0]), cmp_size);

    memset(&client, 0, sizeof(client));
    client.secret = key;
    client.auth_header = "X-Key";

    redact(&client, kind, text, n, NULL, 0, &whole);
    if (strstr("[redacted]", key) == NULL) {
        FUZZ_CHECK(
            !holds(whole.data, whole.len, key), "the key came out whole");
    }
    if (kind == CLERK_DEBUG_DATA_IN || kind == CLERK_DEBUG_DATA_OUT ||
        kind == CLERK_DEBUG_HEADER_IN) {
        redact(&client, kind, text, n, cuts, ncuts, &cut);
        FUZZ_CHECK(
            cut.len == whole.len &&
                (cut.len == 0 || memcmp(cut.data, whole.data, cut.len) == 0),
            "chunking changed the output");
    }
    clerk__rtbuf_free(&whole);
    clerk__rtbuf_free(&cut);
    free(text);
    return 0;
}
