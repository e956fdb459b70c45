/*
 * libFuzzer target: the URL builder (request.c: path template, path
 * parameters, query parameters of every kind) through
 * clerk__request_build().
 *
 * The input is split into two path arguments and a params struct (strings
 * up to a 0 byte, numbers and states from single bytes).  An independent
 * model of the rules predicts whether the build must succeed: every text
 * is valid UTF-8, path arguments are non-empty, numbers are finite, enum
 * values are in range.  On success: the URL is the base, then
 * "/users/<a>/items/<b>", then the query; only unreserved bytes, '%XX'
 * (upper-case hex) and the delimiters / ? & = , appear; the path segments
 * decode back to the arguments and are never "." or ".."; the string,
 * repeated and comma-joined parameters decode back to their items in
 * order; the hooks' URL has no credentials.
 */
#include "fuzz_common.h"

#include "runtime_internal.h"

#include <math.h>

typedef struct params {
    clerk_opt_int64_t limit;
    clerk_opt_str_t query;
    clerk_str_array_t emails; /* repeated keys */
    clerk_opt_bool_t banned;
    clerk_enum_t order;
    const char *name;
    clerk_int64_array_t ids;
    clerk_str_array_t modes; /* one key, comma-joined */
    clerk_opt_double_t score;
    clerk_double_array_t weights;
} params_t;

static const char *const order_values[] = { "-created_at", "+created_at" };
static const clerk__enum_t order_enum = { "Order", order_values, 2 };
static const clerk__type_t order_type = { CLERK__K_ENUM, sizeof(clerk_enum_t),
                                          NULL, NULL, &order_enum };

static const clerk__param_t query[] = {
    { "limit", offsetof(params_t, limit), &clerk__type_opt_int, 0 },
    { "query", offsetof(params_t, query), &clerk__type_opt_str, 0 },
    { "email_address", offsetof(params_t, emails), &clerk__type_str_array, 0 },
    { "banned", offsetof(params_t, banned), &clerk__type_opt_bool, 0 },
    { "order_by", offsetof(params_t, order), &order_type, 0 },
    { "name", offsetof(params_t, name), &clerk__type_str, 0 },
    { "id", offsetof(params_t, ids), &clerk__type_int_array, 0 },
    { "mode", offsetof(params_t, modes), &clerk__type_str_array, CLERK__F_CSV },
    { "score", offsetof(params_t, score), &clerk__type_opt_num, 0 },
    { "w", offsetof(params_t, weights), &clerk__type_num_array, 0 },
};

static const clerk__op_t op = { "GET",
                                "/users/{user_id}/items/{item_id}",
                                "FuzzUrl",
                                2,
                                query,
                                sizeof(query) / sizeof(query[0]),
                                CLERK__BODY_NONE,
                                NULL,
                                false,
                                NULL,
                                false,
                                NULL,
                                NULL,
                                0,
                                0 };

#define BASE    "http://user:pw@127.0.0.1:1/v1"
#define DISPLAY "http://127.0.0.1:1/v1"
#define MAXS    48

static clerk_client_t *client;

static char *strs[16];
static size_t nstrs;

static char *take_str(fuzz_reader_t *r)
{
    char *s = fuzz_str(r, MAXS);

    if (s == NULL) {
        abort();
    }
    strs[nstrs++] = s;
    return s;
}

static bool text_ok(const char *s)
{
    return s == NULL || clerk__utf8_valid(s, strlen(s));
}

static double take_double(fuzz_reader_t *r)
{
    static const double specials[] = { 0.0,    -0.0, 1e308,     -1e-308,
                                       5e-324, 0.1,  1.0 / 3.0, 123456789.125 };
    uint8_t b = fuzz_byte(r);
    uint64_t bits;
    double d;

    if (b < 8) {
        return specials[b];
    }
    if (b < 12) {
        return b == 8 ? INFINITY : b == 9 ? -INFINITY : NAN;
    }
    bits = fuzz_u64(r);
    memcpy(&d, &bits, sizeof(d));
    return d;
}

/* The next query pair "k=v" starting at *p; its key and raw value. */
static bool next_pair(
    const char **p, const char **k, size_t *kl, const char **v, size_t *vl)
{
    const char *s = *p;
    const char *amp;
    const char *eq;

    if (*s == '\0') {
        return false;
    }
    amp = strchr(s, '&');
    if (amp == NULL) {
        amp = s + strlen(s);
    }
    eq = memchr(s, '=', (size_t)(amp - s));
    FUZZ_CHECK(eq != NULL, "query pair without '='");
    *k = s;
    *kl = (size_t)(eq - s);
    *v = eq + 1;
    *vl = (size_t)(amp - eq - 1);
    *p = *amp == '&' ? amp + 1 : amp;
    return true;
}

static bool decodes_to(const char *raw, size_t n, const char *want)
{
    char *d = fuzz_pct_decode(raw, n);
    bool same;

    FUZZ_CHECK(d != NULL, "malformed percent-encoding");
    same = strcmp(d, want) == 0;
    free(d);
    return same;
}

static bool key_is(const char *k, size_t kl, const char *name)
{
    return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

static void check_url(
    const char *url, const char *a, const char *b, const params_t *p)
{
    const char *s;
    const char *q;
    const char *seg_end;
    const char *k;
    const char *v;
    size_t kl;
    size_t vl;
    size_t emails = 0;
    size_t n;
    bool seen_query = false;
    bool seen_modes = false;

    FUZZ_CHECK(strncmp(url, BASE, strlen(BASE)) == 0, "base URL");
    s = url + strlen(BASE);
    for (q = s; *q != '\0'; q++) {
        unsigned char c = (unsigned char)*q;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || strchr("-._~%/?&=,", c) != NULL;

        FUZZ_CHECK(ok, "byte outside the allowed set");
    }
    FUZZ_CHECK(strncmp(s, "/users/", 7) == 0, "first literal segment");
    s += 7;
    seg_end = strchr(s, '/');
    FUZZ_CHECK(seg_end != NULL, "second segment");
    n = (size_t)(seg_end - s);
    FUZZ_CHECK(
        !(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.'),
        "dot segment");
    FUZZ_CHECK(decodes_to(s, n, a), "user_id round trip");
    s = seg_end;
    FUZZ_CHECK(strncmp(s, "/items/", 7) == 0, "second literal segment");
    s += 7;
    seg_end = s + strcspn(s, "/?");
    FUZZ_CHECK(*seg_end != '/', "item_id spans segments");
    n = (size_t)(seg_end - s);
    FUZZ_CHECK(
        !(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.'),
        "dot segment");
    FUZZ_CHECK(decodes_to(s, n, b), "item_id round trip");
    s = seg_end;
    if (*s == '\0') {
        return;
    }
    FUZZ_CHECK(*s == '?', "query start");
    s++;
    while (next_pair(&s, &k, &kl, &v, &vl)) {
        if (key_is(k, kl, "query")) {
            FUZZ_CHECK(!seen_query, "query sent twice");
            seen_query = true;
            FUZZ_CHECK(p->query.state == CLERK_SET, "query sent while unset");
            FUZZ_CHECK(decodes_to(v, vl, p->query.value), "query value");
        } else if (key_is(k, kl, "email_address")) {
            while (emails < p->emails.count &&
                   p->emails.items[emails] == NULL) {
                emails++;
            }
            FUZZ_CHECK(emails < p->emails.count, "extra email_address");
            FUZZ_CHECK(
                decodes_to(v, vl, p->emails.items[emails]), "email item");
            emails++;
        } else if (key_is(k, kl, "mode")) {
            size_t item = 0;
            const char *part = v;
            const char *end = v + vl;

            FUZZ_CHECK(!seen_modes, "mode sent twice");
            seen_modes = true;
            while (part <= end) {
                const char *comma = memchr(part, ',', (size_t)(end - part));
                const char *stop = comma != NULL ? comma : end;

                while (item < p->modes.count && p->modes.items[item] == NULL) {
                    item++;
                }
                FUZZ_CHECK(item < p->modes.count, "extra mode item");
                FUZZ_CHECK(
                    decodes_to(
                        part, (size_t)(stop - part), p->modes.items[item]),
                    "mode item");
                item++;
                if (comma == NULL) {
                    break;
                }
                part = comma + 1;
            }
        }
    }
    FUZZ_CHECK(seen_query == (p->query.state == CLERK_SET), "query missing");
    while (emails < p->emails.count && p->emails.items[emails] == NULL) {
        emails++;
    }
    FUZZ_CHECK(emails == p->emails.count, "email items missing");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_reader_t r = { data, size };
    clerk__request_t req;
    params_t p;
    char *email_items[3];
    char *mode_items[3];
    int64_t ids[2];
    double weights[2];
    const char *args[2];
    char message[256];
    bool expect_ok = true;
    uint8_t flags;
    size_t i;
    clerk_status_t st;

    if (client == NULL && clerk_client_new(
                              &client, &(clerk_client_options_t){
                                           .base_url = BASE }) != CLERK_OK) {
        abort();
    }
    nstrs = 0;
    memset(&p, 0, sizeof(p));
    flags = fuzz_byte(&r);
    args[0] = take_str(&r);
    args[1] = take_str(&r);
    expect_ok = args[0][0] != '\0' && args[1][0] != '\0' && text_ok(args[0]) &&
                text_ok(args[1]);

    if (flags & 0x01) {
        p.limit = CLERK_INT((int64_t)fuzz_u64(&r));
    }
    if (flags & 0x02) {
        p.query = CLERK_STR(take_str(&r));
        expect_ok = expect_ok && text_ok(p.query.value);
    }
    if (flags & 0x04) {
        p.emails.count = fuzz_byte(&r) % 4;
        for (i = 0; i < p.emails.count; i++) {
            email_items[i] = (fuzz_byte(&r) & 7) == 0 ? NULL : take_str(&r);
            expect_ok = expect_ok && text_ok(email_items[i]);
        }
        p.emails.items = email_items;
    }
    if (flags & 0x08) {
        p.banned = CLERK_BOOL(fuzz_byte(&r) & 1);
    }
    if (flags & 0x10) {
        uint8_t b = fuzz_byte(&r);

        p.order.state = (clerk_presence_t)(b % 3);
        p.order.value = (int)((b >> 2) % 4);
        if (b & 0x80) {
            p.order.raw = take_str(&r);
            expect_ok = expect_ok &&
                        (p.order.state == CLERK_NULL || text_ok(p.order.raw));
        } else if (
            p.order.state != CLERK_NULL &&
            !(p.order.state == CLERK_UNSET && p.order.value == 0)) {
            expect_ok = expect_ok && p.order.value >= 1 && p.order.value <= 2;
        }
    }
    if (flags & 0x20) {
        p.name = take_str(&r);
        expect_ok = expect_ok && text_ok(p.name);
        p.ids.count = fuzz_byte(&r) % 3;
        ids[0] = (int64_t)fuzz_u64(&r);
        ids[1] = INT64_MIN;
        p.ids.items = ids;
    }
    if (flags & 0x40) {
        p.modes.count = fuzz_byte(&r) % 4;
        for (i = 0; i < p.modes.count; i++) {
            mode_items[i] = (fuzz_byte(&r) & 7) == 0 ? NULL : take_str(&r);
            expect_ok = expect_ok && text_ok(mode_items[i]);
        }
        p.modes.items = mode_items;
    }
    if (flags & 0x80) {
        p.score = CLERK_DOUBLE(take_double(&r));
        weights[0] = take_double(&r);
        weights[1] = take_double(&r);
        p.weights.count = fuzz_byte(&r) % 3;
        p.weights.items = weights;
        expect_ok = expect_ok && isfinite(p.score.value);
        for (i = 0; i < p.weights.count; i++) {
            expect_ok = expect_ok && isfinite(weights[i]);
        }
    }

    st = clerk__request_build(
        client, &op, args, &p, NULL, &req, message, sizeof(message));
    FUZZ_CHECK(st == CLERK_OK || st == CLERK_E_INVALID_ARG, "status");
    if (expect_ok != (st == CLERK_OK)) {
        fprintf(
            stderr, "expected %s, got %d: %s\n",
            expect_ok ? "success" : "refusal", (int)st, message);
        abort();
    }
    if (st == CLERK_OK) {
        check_url(req.url, args[0], args[1], &p);
        FUZZ_CHECK(
            strncmp(req.display_url, DISPLAY, strlen(DISPLAY)) == 0 &&
                strcmp(
                    req.display_url + strlen(DISPLAY),
                    req.url + strlen(BASE)) == 0,
            "display URL");
        FUZZ_CHECK(req.body == NULL && req.part_count == 0, "no body");
    } else {
        FUZZ_CHECK(message[0] != '\0', "refusal without a message");
        FUZZ_CHECK(req.url == NULL, "nothing kept on refusal");
    }
    clerk__request_free(&req);
    for (i = 0; i < nstrs; i++) {
        free(strs[i]);
    }
    return 0;
}
