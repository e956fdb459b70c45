/*
 * libFuzzer target: step 3 of a call on a hostile answer: the ClerkErrors
 * body parser, the error and redirect messages (op.c, response.c) and the
 * decoding of a 2xx body, from a reply built as the transfer would.
 *
 * Input: 1 byte status (picked from a table of 2xx/3xx/4xx/5xx and a few
 * transport outcomes), then header lines up to a 0 byte, then the body.
 * Checks: the status follows the HTTP status; the message is never NULL
 * and never holds 8 consecutive characters of the client's secret key; the
 * parsed errors and every string they point at are readable (ASan); the body is
 * kept byte for byte, NUL-terminated.
 */
#include "fuzz_common.h"

#include "runtime_internal.h"

#define SECRET "sk_test_FuzzSecretKey0123456789"

static const long statuses[] = { 200, 201, 204, 301, 302, 307, 400, 401,
                                 403, 404, 409, 422, 429, 500, 502, 503 };

static const clerk__op_t op_json = {
    "GET", "/x",  "FuzzJson",        0,     NULL, 0,    CLERK__BODY_NONE,
    NULL,  false, &clerk__type_json, false, NULL, NULL, 0,
    0
};

static const clerk__op_t op_none = {
    "DELETE", "/x",  "FuzzNone", 0,    NULL, 0, CLERK__BODY_NONE, NULL, false,
    NULL,     false, NULL,       NULL, 0,    0
};

static clerk_client_t *client;

/* Does the text hold 8 or more consecutive characters of the key? (What
 * the runtime promises for every message: src/redact.c.) */
static bool holds_key_run(const char *text)
{
    char run[9];
    size_t i;

    for (i = 0; i + 8 <= sizeof(SECRET) - 1; i++) {
        memcpy(run, &SECRET[i], 8);
        run[8] = '\0';
        if (strstr(text, run) != NULL) {
            return true;
        }
    }
    return false;
}

static void read_all(const char *s)
{
    if (s != NULL) {
        FUZZ_CHECK(strlen(s) < (size_t)1 << 30, "readable string");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader_t r = { data, size };
    clerk__typed_block_t typed;
    clerk__reply_t reply;
    const clerk__op_t *op;
    uint8_t pick;
    long code;
    size_t i;
    char *line;

    if (client == NULL &&
        clerk_client_new(
            &client,
            &(clerk_client_options_t){ .base_url = "http://127.0.0.1:1/v1",
                                       .secret_key = SECRET }) != CLERK_OK) {
        abort();
    }
    memset(&typed, 0, sizeof(typed));
    memset(&reply, 0, sizeof(reply));
    typed.m.meta.body = "";
    pick = fuzz_byte(&r);
    code = statuses[pick % (sizeof(statuses) / sizeof(statuses[0]))];
    op = (pick & 0x80) != 0 ? &op_none : &op_json;
    reply.status = CLERK_OK;
    reply.http_status = code;
    reply.body_limit = (size_t)1 << 20;
    if ((pick & 0x70) == 0x70) {
        /* A transport failure whose message a server could have shaped. */
        reply.status = CLERK_E_TRANSPORT;
        snprintf(
            reply.message, sizeof(reply.message), "%.*s",
            (int)(r.n < 200 ? r.n : 200), (const char *)r.p);
    }
    /* Header lines up to the first 0 byte. */
    while (r.n > 0 && r.p[0] != 0) {
        size_t n = 0;

        while (n < r.n && r.p[n] != '\n' && r.p[n] != 0) {
            n++;
        }
        if (n < r.n && r.p[n] == '\n') {
            n++;
        }
        line = malloc(n);
        if (line == NULL) {
            return 0;
        }
        memcpy(line, r.p, n);
        (void)clerk__reply_header(&reply, line, n);
        free(line);
        r.p += n;
        r.n -= n;
    }
    if (r.n > 0) {
        r.p++;
        r.n--;
    }
    FUZZ_CHECK(clerk__rtbuf_append(&reply.body, r.p, r.n), "body copied");

    clerk__response_decode(
        client, op, &reply, op->result_type != NULL ? &typed.data : NULL,
        &typed.m);

    if (reply.status == CLERK_OK) {
        if (code >= 200 && code <= 299) {
            FUZZ_CHECK(
                typed.m.meta.status == CLERK_OK ||
                    typed.m.meta.status == CLERK_E_DECODE,
                "2xx is OK or a decode error");
            FUZZ_CHECK(
                (typed.m.meta.status == CLERK_OK) ==
                    (typed.data != NULL || op->result_type == NULL),
                "data set exactly on success");
        } else {
            FUZZ_CHECK(typed.m.meta.status == CLERK_E_HTTP, "non-2xx");
            FUZZ_CHECK(typed.data == NULL, "no data on an HTTP error");
        }
    } else {
        FUZZ_CHECK(typed.m.meta.status == reply.status, "transport status");
    }
    FUZZ_CHECK(typed.m.meta.http_status == code, "HTTP status kept");
    FUZZ_CHECK(typed.m.meta.message != NULL, "message");
    FUZZ_CHECK(!holds_key_run(typed.m.meta.message), "key run in message");
    FUZZ_CHECK(typed.m.meta.body_len == r.n, "body length");
    FUZZ_CHECK(
        r.n == 0 || memcmp(typed.m.meta.body, r.p, r.n) == 0, "body bytes");
    FUZZ_CHECK(typed.m.meta.body[typed.m.meta.body_len] == '\0', "body NUL");
    read_all(typed.m.meta.json_path);
    if (typed.m.meta.errors != NULL) {
        const clerk_errors_t *e = typed.m.meta.errors;

        FUZZ_CHECK(e->count == 0 || e->items != NULL, "error items");
        for (i = 0; i < e->count; i++) {
            read_all(e->items[i].code);
            read_all(e->items[i].message);
            read_all(e->items[i].long_message);
        }
        read_all(e->clerk_trace_id);
    }
    for (i = 0; i < typed.m.meta.header_count; i++) {
        read_all(typed.m.meta.headers[i].name);
        read_all(typed.m.meta.headers[i].value);
    }
    if (typed.data != NULL) {
        clerk__value_free(op->result_type, typed.data);
    }
    clerk__response_release(&typed.m);
    clerk__reply_free(&reply);
    return 0;
}
