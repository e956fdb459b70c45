/*
 * Webhook verification (clerk_webhook_verify and friends) against:
 *   - the 32 vectors of ../shared/realworld/vectors/svix.json (argv[1]),
 *     taken from the svix and Standard Webhooks reference libraries;
 *   - Clerk events built around real payloads and signed by
 *     gen_webhook_events.py with Python's hmac module (argv[2]), so that
 *     nothing here is checked against libclerk's own HMAC or base64;
 *   - variations of the svix reference message (whose signature is a
 *     published constant) for every reason, header, edge and limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <clerk/auth.h>
#include <clerk/model/deleted_object.h>
#include <clerk/model/organization.h>
#include <clerk/model/organization_invitation.h>
#include <clerk/model/organization_membership.h>
#include <clerk/model/session.h>
#include <clerk/model/user.h>

#include <cjson/cJSON.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *vectors_path;
static const char *events_path;

/* The svix reference message (svix_sign_reference in svix.json). */
#define REF_SECRET     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define REF_SECRET_B64 "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define REF_ID         "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define REF_TS         "1614265330"
#define REF_NOW        1614265330
#define REF_SIG_B64    "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define REF_SIG        "v1," REF_SIG_B64
#define REF_BODY       "{\"test\": 2432232314}"
/* Valid v1 entries of other messages (from svix.json). */
#define OTHER_SIG_1 "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
#define OTHER_SIG_2 "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size = 0;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
    }
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
    }
    if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    fclose(f);
    return buf;
}

static cJSON *load_json(const char *path)
{
    size_t len = 0;
    char *text = read_file(path, &len);
    cJSON *json = NULL;

    if (text == NULL) {
        fail_msg("cannot read %s", path);
    }
    json = cJSON_ParseWithLength(text, len);
    free(text);
    if (json == NULL) {
        fail_msg("%s is not JSON", path);
    }
    return json;
}

/* Verify the reference message with some parts replaced; returns the
 * status and fills `error`. */
static clerk_status_t verify_ref(
    const char *id,
    const char *timestamp,
    const char *signature,
    const char *body,
    int64_t now,
    int64_t tolerance_s,
    const char *secret,
    clerk_auth_error_t *error)
{
    clerk_webhook_headers_t headers = { id, timestamp, signature };
    clerk_webhook_options_t options = { secret, now, tolerance_s };

    return clerk_webhook_verify(
        NULL, &headers, body, body != NULL ? strlen(body) : 0, &options, error);
}

/* The reference message, one field changed. */
static clerk_status_t ref_with_sig(const char *sig, clerk_auth_error_t *e)
{
    return verify_ref(REF_ID, REF_TS, sig, REF_BODY, REF_NOW, 0, REF_SECRET, e);
}

static clerk_status_t ref_with_ts(const char *ts, clerk_auth_error_t *e)
{
    return verify_ref(REF_ID, ts, REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET, e);
}

static clerk_status_t ref_with_body(const char *body, clerk_auth_error_t *e)
{
    return verify_ref(REF_ID, REF_TS, REF_SIG, body, REF_NOW, 0, REF_SECRET, e);
}

static clerk_status_t ref_with_now(
    int64_t now, int64_t tolerance_s, clerk_auth_error_t *e)
{
    return verify_ref(
        REF_ID, REF_TS, REF_SIG, REF_BODY, now, tolerance_s, REF_SECRET, e);
}

static clerk_status_t ref_with_secret(const char *secret, clerk_auth_error_t *e)
{
    return verify_ref(REF_ID, REF_TS, REF_SIG, REF_BODY, REF_NOW, 0, secret, e);
}

#define assert_refused(st, e, why)                                             \
    do {                                                                       \
        assert_int_equal((st), CLERK_E_UNAUTHORIZED);                          \
        assert_int_equal((e).reason, (why));                                   \
        assert_true((e).message[0] != '\0');                                   \
    } while (0)

#define assert_accepted(st, e)                                                 \
    do {                                                                       \
        assert_int_equal((st), CLERK_OK);                                      \
        assert_int_equal((e).reason, CLERK_AUTH_OK);                           \
        assert_string_equal((e).message, "");                                  \
    } while (0)

/* ------------------------------------------------------------------ */
/* svix.json                                                           */
/* ------------------------------------------------------------------ */

static clerk_auth_reason_t reason_of(const char *name)
{
    static const struct {
        const char *name;
        clerk_auth_reason_t reason;
    } map[] = {
        { "no_matching_signature", CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE },
        { "timestamp_too_old", CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD },
        { "timestamp_too_new", CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW },
        { "invalid_timestamp", CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP },
        { "missing_header", CLERK_AUTH_WEBHOOK_MISSING_HEADER },
    };

    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].name, name) == 0) {
            return map[i].reason;
        }
    }
    fail_msg("unknown reason %s in svix.json", name);
    return CLERK_AUTH_OK;
}

/* One vector: headers through clerk_webhook_headers_collect(), as a
 * server would pass them. */
static void run_vector(const cJSON *v)
{
    const char *id = cJSON_GetObjectItem(v, "id")->valuestring;
    const cJSON *hdrs = cJSON_GetObjectItem(v, "headers");
    const cJSON *body_item = cJSON_GetObjectItem(v, "body");
    const cJSON *expected = cJSON_GetObjectItem(v, "expected");
    const cJSON *h = NULL;
    const char *names[8];
    const char *values[8];
    size_t count = 0;
    char *body = NULL;
    size_t body_len = 0;
    bool valid = false;
    clerk_auth_reason_t reason = CLERK_AUTH_OK;
    clerk_webhook_headers_t headers;
    clerk_webhook_options_t options = { 0 };
    clerk_webhook_event_t *event = NULL;
    clerk_auth_error_t error;
    clerk_status_t st;

    cJSON_ArrayForEach(h, hdrs)
    {
        assert_true(count < 8);
        names[count] = h->string;
        values[count] = h->valuestring;
        count++;
    }
    clerk_webhook_headers_collect(&headers, names, values, count);
    if (cJSON_IsString(body_item)) {
        body_len = strlen(body_item->valuestring);
        body = malloc(body_len + 1);
        assert_non_null(body);
        memcpy(body, body_item->valuestring, body_len + 1);
    } else {
        const cJSON *rep = cJSON_GetObjectItem(v, "body_repeat");

        body_len = (size_t)cJSON_GetObjectItem(rep, "count")->valuedouble;
        body = malloc(body_len + 1);
        assert_non_null(body);
        memset(
            body, cJSON_GetObjectItem(rep, "char")->valuestring[0], body_len);
        body[body_len] = '\0';
    }
    /* libclerk follows the svix reference libraries where @clerk/backend
     * disagrees (svix_unbranded_headers): webhook-* headers are accepted. */
    if (cJSON_IsObject(expected)) {
        expected = cJSON_GetObjectItem(expected, "svix_reference_libraries");
    }
    valid = strcmp(expected->valuestring, "valid") == 0;
    if (!valid) {
        reason = reason_of(cJSON_GetObjectItem(v, "reason")->valuestring);
    }
    options.secret = cJSON_GetObjectItem(v, "secret")->valuestring;
    options.now = (int64_t)cJSON_GetObjectItem(v, "now")->valuedouble;

    st = clerk_webhook_verify(NULL, &headers, body, body_len, &options, &error);
    if (valid && st != CLERK_OK) {
        fail_msg(
            "%s: expected valid, got %s (%s)", id,
            clerk_auth_reason_str(error.reason), error.message);
    }
    if (!valid && (st != CLERK_E_UNAUTHORIZED || error.reason != reason)) {
        fail_msg(
            "%s: expected %s, got status %d, %s (%s)", id,
            clerk_auth_reason_str(reason), (int)st,
            clerk_auth_reason_str(error.reason), error.message);
    }
    /* With an event requested, the signature verdict is the same; only
     * the Clerk-style body is an event, the others are not Clerk events. */
    st = clerk_webhook_verify(
        &event, &headers, body, body_len, &options, &error);
    if (!valid) {
        assert_int_equal(st, CLERK_E_UNAUTHORIZED);
        assert_int_equal(error.reason, reason);
        assert_null(event);
    } else if (strcmp(id, "clerk_style_event_derived") == 0) {
        assert_int_equal(st, CLERK_OK);
        assert_non_null(event);
        assert_string_equal(event->type, "user.created");
        assert_int_equal(event->kind, CLERK_WEBHOOK_DATA_USER);
        assert_non_null(event->as.user);
        assert_string_equal(event->as.user->id, "user_123");
    } else {
        assert_int_equal(st, CLERK_E_DECODE);
        assert_int_equal(error.reason, CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD);
        assert_null(event);
    }
    clerk_webhook_event_free(event);
    free(body);
}

static void test_svix_vectors(void **state)
{
    cJSON *doc = load_json(vectors_path);
    const cJSON *v = NULL;
    int n = 0;
    int n_valid = 0;

    (void)state;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(doc, "vectors"))
    {
        const cJSON *expected = cJSON_GetObjectItem(v, "expected");

        run_vector(v);
        n++;
        n_valid += cJSON_IsString(expected) &&
                   strcmp(expected->valuestring, "valid") == 0;
    }
    /* All of them ran: 32 cases, 11 of them plainly valid. */
    assert_int_equal(n, 32);
    assert_int_equal(n_valid, 11);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ */
/* Reasons, headers, tolerance                                         */
/* ------------------------------------------------------------------ */

static void test_reference_accepted(void **state)
{
    clerk_auth_error_t e;

    (void)state;
    memset(&e, 'x', sizeof(e));
    assert_accepted(ref_with_sig(REF_SIG, &e), e);
    /* Secret without its prefix. */
    assert_accepted(ref_with_secret(REF_SECRET_B64, &e), e);
    /* error may be NULL. */
    assert_int_equal(ref_with_sig(REF_SIG, NULL), CLERK_OK);
    assert_int_equal(ref_with_sig("v1,AAAA", NULL), CLERK_E_UNAUTHORIZED);
}

static void test_every_reason(void **state)
{
    clerk_auth_error_t e;
    clerk_webhook_headers_t headers = { REF_ID, REF_TS, REF_SIG };
    clerk_webhook_options_t options = { REF_SECRET, REF_NOW, 0 };
    clerk_webhook_event_t *event = (clerk_webhook_event_t *)&e;

    (void)state;
    assert_refused(
        ref_with_sig(NULL, &e), e, CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    assert_refused(
        ref_with_ts("soon", &e), e, CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP);
    assert_refused(
        ref_with_now(REF_NOW + 301, 0, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    assert_refused(
        ref_with_now(REF_NOW - 301, 0, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW);
    assert_refused(
        ref_with_body("{}", &e), e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    assert_int_equal(ref_with_secret("whsec_", &e), CLERK_E_INVALID_ARG);
    assert_int_equal(e.reason, CLERK_AUTH_WEBHOOK_INVALID_SECRET);
    /* Signed, not an event. */
    assert_int_equal(
        clerk_webhook_verify(
            &event, &headers, REF_BODY, strlen(REF_BODY), &options, &e),
        CLERK_E_DECODE);
    assert_int_equal(e.reason, CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD);
    assert_null(event);
    /* Programming errors. */
    event = (clerk_webhook_event_t *)&e;
    assert_int_equal(
        clerk_webhook_verify(&event, NULL, "", 0, &options, &e),
        CLERK_E_INVALID_ARG);
    assert_int_equal(e.reason, CLERK_AUTH_UNEXPECTED_ERROR);
    assert_null(event);
    assert_int_equal(
        clerk_webhook_verify(NULL, &headers, "", 0, NULL, &e),
        CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_webhook_verify(NULL, &headers, NULL, 1, &options, &e),
        CLERK_E_INVALID_ARG);
    assert_int_equal(e.reason, CLERK_AUTH_UNEXPECTED_ERROR);
    assert_int_equal(
        clerk_webhook_verify(NULL, &headers, NULL, 0, &options, NULL),
        CLERK_E_UNAUTHORIZED); /* empty body: valid call, wrong signature */

    /* The names, as documented. */
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_MISSING_HEADER),
        "webhook-missing-header");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP),
        "webhook-invalid-timestamp");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD),
        "webhook-timestamp-too-old");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW),
        "webhook-timestamp-too-new");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE),
        "webhook-no-matching-signature");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_INVALID_SECRET),
        "webhook-invalid-secret");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD),
        "webhook-invalid-payload");
}

static void test_missing_headers(void **state)
{
    const char *full[3] = { REF_ID, REF_TS, REF_SIG };
    const char *names[3] = { "svix-id", "svix-timestamp", "svix-signature" };
    const char *const absent[2] = { NULL, "" };
    clerk_auth_error_t e;
    size_t k;
    size_t a;

    (void)state;
    for (k = 0; k < 3; k++) {
        for (a = 0; a < 2; a++) {
            const char *v[3] = { full[0], full[1], full[2] };

            v[k] = absent[a];
            assert_refused(
                verify_ref(
                    v[0], v[1], v[2], REF_BODY, REF_NOW, 0, REF_SECRET, &e),
                e, CLERK_AUTH_WEBHOOK_MISSING_HEADER);
            assert_non_null(strstr(e.message, names[k]));
        }
    }
    /* Missing headers are reported before a bad timestamp. */
    assert_refused(
        verify_ref(NULL, "x", REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET, &e), e,
        CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    /* A bad timestamp before a bad signature. */
    assert_refused(
        verify_ref(REF_ID, "x", "v1,x", REF_BODY, REF_NOW, 0, REF_SECRET, &e),
        e, CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP);
}

static void test_tolerance_edges(void **state)
{
    clerk_auth_error_t e;

    (void)state;
    /* Default 300 s, both ways, the edge itself accepted. */
    assert_accepted(ref_with_now(REF_NOW + 300, 0, &e), e);
    assert_accepted(ref_with_now(REF_NOW - 300, 0, &e), e);
    assert_refused(
        ref_with_now(REF_NOW + 301, 0, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    assert_refused(
        ref_with_now(REF_NOW - 301, 0, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW);
    assert_accepted(ref_with_now(REF_NOW + 300, 300, &e), e);
    /* Custom tolerance. */
    assert_accepted(ref_with_now(REF_NOW + 10, 10, &e), e);
    assert_accepted(ref_with_now(REF_NOW - 10, 10, &e), e);
    assert_refused(
        ref_with_now(REF_NOW + 11, 10, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    assert_refused(
        ref_with_now(REF_NOW - 11, 10, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW);
    assert_accepted(ref_with_now(REF_NOW + 3600, 3600, &e), e);
    assert_refused(
        ref_with_now(REF_NOW + 3601, 3600, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    /* The largest tolerance does not overflow either way. */
    assert_accepted(ref_with_now(1, INT64_MAX, &e), e);
    assert_accepted(ref_with_now(INT64_MAX, INT64_MAX, &e), e);
    assert_refused(
        ref_with_now(INT64_MAX, 0, &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    /* now 0: the system clock, long after 2021. */
    assert_refused(
        ref_with_now(0, 0, &e), e, CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    /* Negative values are invalid arguments. */
    assert_int_equal(ref_with_now(-1, 0, &e), CLERK_E_INVALID_ARG);
    assert_int_equal(ref_with_now(REF_NOW, -1, &e), CLERK_E_INVALID_ARG);
    assert_int_equal(e.reason, CLERK_AUTH_UNEXPECTED_ERROR);
}

static void test_timestamp_syntax(void **state)
{
    static const char *const bad[] = {
        "hello",
        "-1614265330",
        "+1614265330",
        " 1614265330",
        "1614265330 ",
        "1614265330.",
        "1614265330.5",
        "1.6e9",
        "0x60375a72",
        "1614265330\n",
        "１６１４２６５３３０",
        "16142653300000000000", /* 20 digits */
        "9223372036854775808",  /* INT64_MAX + 1 */
        "99999999999999999999999999999999999999",
    };
    char long_ts[100000];
    clerk_auth_error_t e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_refused(
            ref_with_ts(bad[i], &e), e, CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP);
    }
    memset(long_ts, '1', sizeof(long_ts) - 1);
    long_ts[sizeof(long_ts) - 1] = '\0';
    assert_refused(
        ref_with_ts(long_ts, &e), e, CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP);
    /* Valid syntax: judged on time, then on the signature (which covers
     * the header text, so leading zeros change it). */
    assert_refused(
        ref_with_ts("9223372036854775807", &e), e,
        CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW);
    assert_refused(
        ref_with_ts("0", &e), e, CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD);
    assert_refused(
        ref_with_ts("0000000001614265330", &e), e,
        CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    assert_refused(
        ref_with_ts("1614265331", &e), e,
        CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
}

/* ------------------------------------------------------------------ */
/* Signature lists                                                     */
/* ------------------------------------------------------------------ */

static void test_several_signatures(void **state)
{
    static const char *const accepted[] = {
        REF_SIG " " OTHER_SIG_1 " " OTHER_SIG_2, /* first */
        OTHER_SIG_1 " " REF_SIG " " OTHER_SIG_2, /* middle */
        OTHER_SIG_1 " " OTHER_SIG_2 " " REF_SIG, /* last */
        "v2," REF_SIG_B64 " " REF_SIG,           /* v2 ignored */
        "v1a,abc v2,xyz " REF_SIG " v3",         /* others too */
        "   " REF_SIG "   ",                     /* extra spaces */
        OTHER_SIG_1 "  " REF_SIG,                /* double space */
        "garbage , ,, v1, v1,short " REF_SIG,    /* junk entries */
    };
    static const char *const refused[] = {
        OTHER_SIG_1 " " OTHER_SIG_2, /* none valid */
        "v2," REF_SIG_B64,           /* right bytes, version v2 */
        "v1a," REF_SIG_B64,          /* ... v1a */
        "V1," REF_SIG_B64,           /* versions are case-sensitive */
        "v1 ," REF_SIG_B64,          /* not "v1," */
        "v1," REF_SIG_B64 "x",       /* one character more */
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",  /* padding gone */
        "v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=", /* base64url */
        "v1,G0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", /* one bit */
        OTHER_SIG_1 "\t" REF_SIG, /* entries split on spaces only */
        REF_SIG_B64,              /* no version */
        ",",                      /* empty version and value */
        "   ",                    /* blanks only */
    };
    clerk_auth_error_t e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
        clerk_status_t st = ref_with_sig(accepted[i], &e);

        if (st != CLERK_OK) {
            fail_msg("accepted[%zu] refused: %s", i, e.message);
        }
    }
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        clerk_status_t st = ref_with_sig(refused[i], &e);

        if (st != CLERK_E_UNAUTHORIZED ||
            e.reason != CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE) {
            fail_msg(
                "refused[%zu]: status %d, %s", i, (int)st,
                clerk_auth_reason_str(e.reason));
        }
    }
}

static void test_body_off_by_one(void **state)
{
    const char *body = REF_BODY;
    size_t len = strlen(body);
    char buf[64];
    clerk_auth_error_t e;
    size_t i;

    (void)state;
    assert_accepted(ref_with_body(body, &e), e);
    /* One byte changed, at every position, by one bit and by one value. */
    for (i = 0; i < len; i++) {
        memcpy(buf, body, len + 1);
        buf[i] = (char)(buf[i] ^ 0x01);
        assert_refused(
            ref_with_body(buf, &e), e,
            CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
        buf[i] = (char)(body[i] ^ 0x80);
        assert_refused(
            ref_with_body(buf, &e), e,
            CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    }
    /* One byte appended (a newline, a space, a NUL counted in the length). */
    memcpy(buf, body, len);
    memcpy(buf + len, "\n", 2);
    assert_refused(
        ref_with_body(buf, &e), e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    buf[len] = ' ';
    assert_refused(
        ref_with_body(buf, &e), e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    {
        clerk_webhook_headers_t h = { REF_ID, REF_TS, REF_SIG };
        clerk_webhook_options_t o = { REF_SECRET, REF_NOW, 0 };

        buf[len] = '\0';
        assert_int_equal(
            clerk_webhook_verify(NULL, &h, buf, len + 1, &o, &e),
            CLERK_E_UNAUTHORIZED);
        /* And one removed: the length says where the body ends. */
        assert_int_equal(
            clerk_webhook_verify(NULL, &h, body, len - 1, &o, &e),
            CLERK_E_UNAUTHORIZED);
        assert_int_equal(e.reason, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
        assert_int_equal(
            clerk_webhook_verify(NULL, &h, body, len, &o, &e), CLERK_OK);
    }
    /* One removed, at every position. */
    for (i = 0; i < len; i++) {
        memcpy(buf, body, i);
        memcpy(buf + i, body + i + 1, len - i);
        assert_refused(
            ref_with_body(buf, &e), e,
            CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    }
    /* The id and the timestamp are signed too. */
    assert_refused(
        verify_ref(
            "msg_p5jXN8AQM9LWM0D4loKWxJeK", REF_TS, REF_SIG, body, REF_NOW, 0,
            REF_SECRET, &e),
        e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    /* Moving a digit from the timestamp into the id changes the message
     * (and its dots). */
    assert_refused(
        verify_ref(
            REF_ID ".1", "614265330", REF_SIG, body, REF_NOW, INT64_MAX,
            REF_SECRET, &e),
        e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
}

/* ------------------------------------------------------------------ */
/* Secrets                                                             */
/* ------------------------------------------------------------------ */

static void test_invalid_secrets(void **state)
{
    static const char *const bad[] = {
        "",
        "whsec_",
        "whsec_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", /* trailing newline */
        " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  /* leading space */
        "whsec_MfKQ9r8GKYqrTwjU PD8ILPZIo2LaLaSw",  /* inner space */
        "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",   /* prefix is lowercase */
        "whsec_whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS",      /* 31 chars: 4n+3 */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA",    /* 33 chars: 4n+1 */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w",     /* base64url alphabet */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La=aSw",     /* '=' inside */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw====", /* padding not needed */
        /* 23 bytes (base64: 31 'A' and one '='), one short of the
         * minimum, padded and not */
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        /* 25 bytes: partial padding, then non-zero trailing bits */
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA=",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAB==",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAB",
    };
    clerk_auth_error_t e;
    size_t i;
    char huge[10000];

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        clerk_status_t st = ref_with_secret(bad[i], &e);

        if (st != CLERK_E_INVALID_ARG ||
            e.reason != CLERK_AUTH_WEBHOOK_INVALID_SECRET) {
            fail_msg(
                "bad[%zu]: status %d, %s", i, (int)st,
                clerk_auth_reason_str(e.reason));
        }
        /* The message never shows the secret, whole or in part. */
        assert_null(strstr(e.message, "MfKQ"));
    }
    assert_int_equal(ref_with_secret(NULL, &e), CLERK_E_INVALID_ARG);
    assert_int_equal(e.reason, CLERK_AUTH_WEBHOOK_INVALID_SECRET);
    memset(huge, 'A', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    assert_int_equal(ref_with_secret(huge, &e), CLERK_E_INVALID_ARG);
    /* The secret is checked before the headers. */
    assert_int_equal(
        verify_ref(NULL, NULL, NULL, REF_BODY, REF_NOW, 0, "whsec_", &e),
        CLERK_E_INVALID_ARG);
    assert_int_equal(e.reason, CLERK_AUTH_WEBHOOK_INVALID_SECRET);
    /* 24 to 64 bytes are within the limits (a secret of another key is
     * then simply a mismatch); 65 and 66 are not.  Base64 of n zero bytes:
     * ceil(n * 4 / 3) 'A' and the padding. */
    {
        static const struct {
            size_t bytes;
            bool ok;
        } sizes[] = { { 23, false }, { 24, true },  { 25, true },
                      { 26, true },  { 33, true },  { 63, true },
                      { 64, true },  { 65, false }, { 66, false } };

        char secret[128];

        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            size_t digits = (sizes[i].bytes * 4 + 2) / 3;
            size_t pad = (4 - digits % 4) % 4;
            int padded;

            for (padded = 0; padded < 2; padded++) {
                size_t n = digits + (padded ? pad : 0);
                clerk_status_t st;

                memcpy(secret, "whsec_", 6);
                memset(secret + 6, 'A', digits);
                memset(secret + 6 + digits, '=', n - digits);
                secret[6 + n] = '\0';
                st = ref_with_secret(secret, &e);
                if (sizes[i].ok) {
                    assert_int_equal(st, CLERK_E_UNAUTHORIZED);
                    assert_int_equal(
                        e.reason, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
                } else {
                    assert_int_equal(st, CLERK_E_INVALID_ARG);
                    assert_int_equal(
                        e.reason, CLERK_AUTH_WEBHOOK_INVALID_SECRET);
                }
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Hostile headers                                                     */
/* ------------------------------------------------------------------ */

/* A malloc'd copy of `n` copies of `unit` with `tail`, NUL-terminated. */
static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t ulen = strlen(unit);
    size_t tlen = strlen(tail);
    char *s = malloc(ulen * n + tlen + 1);
    size_t i;

    assert_non_null(s);
    for (i = 0; i < n; i++) {
        memcpy(s + i * ulen, unit, ulen);
    }
    memcpy(s + n * ulen, tail, tlen + 1);
    return s;
}

static void test_hostile_headers(void **state)
{
    clerk_auth_error_t e;
    char *s = NULL;
    char *raw = NULL;

    (void)state;
    /* The valid entry is the 32nd (last examined), then the 33rd. */
    s = repeat(OTHER_SIG_1 " ", CLERK_WEBHOOK_MAX_SIGNATURES - 1, REF_SIG);
    assert_accepted(ref_with_sig(s, &e), e);
    free(s);
    s = repeat(OTHER_SIG_1 " ", CLERK_WEBHOOK_MAX_SIGNATURES, REF_SIG);
    assert_refused(
        ref_with_sig(s, &e), e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    free(s);
    /* Junk entries count as entries. */
    s = repeat("x ", CLERK_WEBHOOK_MAX_SIGNATURES, REF_SIG);
    assert_refused(
        ref_with_sig(s, &e), e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    free(s);
    /* Blanks do not. */
    s = repeat(" ", CLERK_WEBHOOK_MAX_HEADER_LEN - strlen(REF_SIG), REF_SIG);
    assert_int_equal(strlen(s), CLERK_WEBHOOK_MAX_HEADER_LEN);
    assert_accepted(ref_with_sig(s, &e), e);
    free(s);
    /* One byte over the limit: refused unread. */
    s = repeat(
        " ", CLERK_WEBHOOK_MAX_HEADER_LEN + 1 - strlen(REF_SIG), REF_SIG);
    assert_refused(ref_with_sig(s, &e), e, CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    assert_non_null(strstr(e.message, "longer than 4096"));
    free(s);
    /* A megabyte of signatures. */
    s = repeat(REF_SIG " ", 20000, REF_SIG);
    assert_refused(ref_with_sig(s, &e), e, CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    free(s);
    /* Ids: 4096 bytes is examined (and signed), 4097 is not. */
    s = repeat("i", CLERK_WEBHOOK_MAX_HEADER_LEN, "");
    assert_refused(
        verify_ref(s, REF_TS, REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET, &e), e,
        CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    free(s);
    s = repeat("i", CLERK_WEBHOOK_MAX_HEADER_LEN + 1, "");
    assert_refused(
        verify_ref(s, REF_TS, REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET, &e), e,
        CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    free(s);
    /* Values are never read past the limit: an unterminated buffer of
     * exactly limit + 1 bytes is safe (ASan and valgrind would see an
     * over-read). */
    raw = malloc(CLERK_WEBHOOK_MAX_HEADER_LEN + 1);
    assert_non_null(raw);
    memset(raw, 'v', CLERK_WEBHOOK_MAX_HEADER_LEN + 1);
    assert_refused(
        verify_ref(raw, REF_TS, REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET, &e),
        e, CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    assert_refused(
        verify_ref(REF_ID, REF_TS, raw, REF_BODY, REF_NOW, 0, REF_SECRET, &e),
        e, CLERK_AUTH_WEBHOOK_MISSING_HEADER);
    free(raw);
    raw = malloc(20);
    assert_non_null(raw);
    memset(raw, '1', 20);
    assert_refused(
        verify_ref(REF_ID, raw, REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET, &e),
        e, CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP);
    free(raw);
    /* Control bytes and non-ASCII in an id are just bytes: signed. */
    assert_refused(
        verify_ref(
            "msg_\x01\xff\n", REF_TS, REF_SIG, REF_BODY, REF_NOW, 0, REF_SECRET,
            &e),
        e, CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
}

/* ------------------------------------------------------------------ */
/* clerk_webhook_headers_collect                                       */
/* ------------------------------------------------------------------ */

static void test_headers_collect(void **state)
{
    clerk_webhook_headers_t h;
    const char *names[] = {
        "Content-Type",
        "WEBHOOK-ID",
        "Webhook-Timestamp",
        "webhook-signature",
        "Svix-Id",
        "svix-id",
        NULL,
        "svix-timestamp",
        "SVIX-SIGNATURE",
        "svix-signature",
        "svix-idx",
    };
    const char *values[] = {
        "application/json", "w-id", "w-ts",  "w-sig",   "s-id",  "s-id-2",
        "no-name",          NULL,   "s-sig", "s-sig-2", "other",
    };
    size_t n = sizeof(names) / sizeof(names[0]);

    (void)state;
    clerk_webhook_headers_collect(&h, names, values, n);
    assert_string_equal(h.id, "s-id");         /* svix wins, first kept */
    assert_string_equal(h.timestamp, "w-ts");  /* svix value was NULL */
    assert_string_equal(h.signature, "s-sig"); /* any case */
    /* Standard Webhooks names alone; the first of duplicates. */
    clerk_webhook_headers_collect(&h, names + 1, values + 1, 3);
    assert_string_equal(h.id, "w-id");
    assert_string_equal(h.timestamp, "w-ts");
    assert_string_equal(h.signature, "w-sig");
    /* svix after webhook still wins. */
    {
        const char *n2[] = { "webhook-id", "svix-id", "webhook-id" };
        const char *v2[] = { "a", "b", "c" };

        clerk_webhook_headers_collect(&h, n2, v2, 3);
        assert_string_equal(h.id, "b");
        assert_null(h.timestamp);
        assert_null(h.signature);
    }
    /* Nothing: all NULL. */
    memset(&h, 0xff, sizeof(h));
    clerk_webhook_headers_collect(&h, NULL, NULL, 5);
    assert_null(h.id);
    assert_null(h.timestamp);
    assert_null(h.signature);
    memset(&h, 0xff, sizeof(h));
    clerk_webhook_headers_collect(&h, names, values, 0);
    assert_null(h.id);
    clerk_webhook_headers_collect(NULL, names, values, n); /* no-op */
}

/* ------------------------------------------------------------------ */
/* Events (gen_webhook_events.py)                                      */
/* ------------------------------------------------------------------ */

static const struct {
    const char *name;
    clerk_webhook_data_kind_t kind;
} kind_names[] = {
    { "json", CLERK_WEBHOOK_DATA_JSON },
    { "user", CLERK_WEBHOOK_DATA_USER },
    { "deleted", CLERK_WEBHOOK_DATA_DELETED },
    { "organization", CLERK_WEBHOOK_DATA_ORGANIZATION },
    { "organization_membership", CLERK_WEBHOOK_DATA_ORGANIZATION_MEMBERSHIP },
    { "organization_invitation", CLERK_WEBHOOK_DATA_ORGANIZATION_INVITATION },
    { "session", CLERK_WEBHOOK_DATA_SESSION },
};

static clerk_webhook_data_kind_t kind_of(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
        if (strcmp(kind_names[i].name, name) == 0) {
            return kind_names[i].kind;
        }
    }
    fail_msg("unknown kind %s", name);
    return CLERK_WEBHOOK_DATA_JSON;
}

/* The id of the typed data, whatever its kind. */
static const char *typed_id(const clerk_webhook_event_t *ev)
{
    switch (ev->kind) {
    case CLERK_WEBHOOK_DATA_USER:
        return ev->as.user->id;
    case CLERK_WEBHOOK_DATA_DELETED:
        return ev->as.deleted->id;
    case CLERK_WEBHOOK_DATA_ORGANIZATION:
        return ev->as.organization->id;
    case CLERK_WEBHOOK_DATA_ORGANIZATION_MEMBERSHIP:
        return ev->as.organization_membership->id;
    case CLERK_WEBHOOK_DATA_ORGANIZATION_INVITATION:
        return ev->as.organization_invitation->id;
    case CLERK_WEBHOOK_DATA_SESSION:
        return ev->as.session->id;
    default:
        return NULL;
    }
}

static const char *str_of(const cJSON *c, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(c, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const cJSON *find_case(const cJSON *doc, const char *name)
{
    const cJSON *c = NULL;

    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "cases"))
    {
        if (strcmp(str_of(c, "name"), name) == 0) {
            return c;
        }
    }
    fail_msg("no case %s in %s", name, events_path);
    return NULL;
}

static clerk_status_t verify_case(
    const cJSON *c,
    const char *secret,
    clerk_webhook_event_t **out,
    clerk_auth_error_t *e)
{
    clerk_webhook_headers_t h = { str_of(c, "id"), str_of(c, "timestamp"),
                                  str_of(c, "signature") };
    clerk_webhook_options_t o = {
        secret != NULL ? secret : str_of(c, "secret"),
        (int64_t)cJSON_GetObjectItem(c, "now")->valuedouble, 0
    };
    const char *body = str_of(c, "body");

    return clerk_webhook_verify(out, &h, body, strlen(body), &o, e);
}

static void check_event_case(const cJSON *c)
{
    const char *name = str_of(c, "name");
    clerk_webhook_event_t *ev = NULL;
    clerk_auth_error_t e;
    clerk_status_t st;
    const cJSON *typed = cJSON_GetObjectItem(c, "typed");

    /* The signature alone verifies for every case. */
    st = verify_case(c, NULL, NULL, &e);
    if (st != CLERK_OK) {
        fail_msg("%s: signature refused: %s", name, e.message);
    }
    st = verify_case(c, NULL, &ev, &e);
    if (cJSON_IsTrue(cJSON_GetObjectItem(c, "invalid"))) {
        if (st != CLERK_E_DECODE ||
            e.reason != CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD || ev != NULL) {
            fail_msg(
                "%s: expected invalid payload, got %d %s", name, (int)st,
                clerk_auth_reason_str(e.reason));
        }
        return;
    }
    if (st != CLERK_OK) {
        fail_msg(
            "%s: expected an event, got %s (%s)", name,
            clerk_auth_reason_str(e.reason), e.message);
    }
    assert_non_null(ev);
    assert_non_null(ev->type);
    assert_non_null(ev->data);
    assert_non_null(ev->json);
    assert_true(cJSON_IsObject(ev->data));
    assert_int_equal(ev->kind, kind_of(str_of(c, "kind")));
    if (ev->kind == CLERK_WEBHOOK_DATA_JSON) {
        assert_null(ev->as.any);
    } else if (cJSON_IsFalse(typed)) {
        assert_null(ev->as.any);
    } else {
        assert_non_null(ev->as.any);
        assert_string_equal(typed_id(ev), str_of(c, "data_id"));
    }
    if (str_of(c, "data_id") != NULL) {
        assert_string_equal(str_of(ev->data, "id"), str_of(c, "data_id"));
    }
    clerk_webhook_event_free(ev);
}

static void test_events(void **state)
{
    cJSON *doc = load_json(events_path);
    const cJSON *c = NULL;
    int n = 0;

    (void)state;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(doc, "cases"))
    {
        check_event_case(c);
        n++;
    }
    assert_true(n >= 30);
    cJSON_Delete(doc);
}

static void test_user_created(void **state)
{
    cJSON *doc = load_json(events_path);
    const cJSON *c = find_case(doc, "user_created");
    clerk_webhook_event_t *ev = NULL;
    clerk_auth_error_t e;
    const clerk_user_t *u = NULL;

    (void)state;
    assert_int_equal(verify_case(c, NULL, &ev, &e), CLERK_OK);
    assert_string_equal(ev->type, "user.created");
    assert_string_equal(ev->object, "event");
    assert_int_equal(ev->timestamp, 1654012591835);
    assert_string_equal(ev->instance_id, "ins_2bGQNgtRCJDsfZ1Gm1tcVz8dpS0");
    assert_int_equal(ev->kind, CLERK_WEBHOOK_DATA_USER);
    u = ev->as.user;
    assert_non_null(u);
    /* Values of user__js-backend-fixture.json. */
    assert_string_equal(u->id, "user_cafebabe");
    assert_int_equal(u->first_name.state, CLERK_SET);
    assert_string_equal(u->first_name.value, "John");
    assert_true(u->email_addresses.count >= 1);
    assert_string_equal(
        u->email_addresses.items[0].email_address, "john.doe@clerk.test");
    /* Extra envelope members stay reachable through json. */
    assert_non_null(cJSON_GetObjectItem(ev->json, "event_attributes"));
    clerk_webhook_event_free(ev);
    clerk_webhook_event_free(NULL);
    cJSON_Delete(doc);
}

static void test_user_deleted(void **state)
{
    cJSON *doc = load_json(events_path);
    const cJSON *c = find_case(doc, "user_deleted");
    clerk_webhook_event_t *ev = NULL;
    clerk_auth_error_t e;

    (void)state;
    assert_int_equal(verify_case(c, NULL, &ev, &e), CLERK_OK);
    assert_string_equal(ev->type, "user.deleted");
    assert_int_equal(ev->kind, CLERK_WEBHOOK_DATA_DELETED);
    assert_non_null(ev->as.deleted);
    assert_string_equal(ev->as.deleted->id, "user_1");
    assert_string_equal(ev->as.deleted->object, "user");
    assert_int_equal(ev->as.deleted->deleted.state, CLERK_SET);
    assert_true(ev->as.deleted->deleted.value);
    assert_int_equal(ev->timestamp, 1654012824306);
    assert_null(ev->instance_id);
    clerk_webhook_event_free(ev);
    /* organizationMembership.deleted carries the membership. */
    c = find_case(doc, "organization_membership_deleted");
    assert_int_equal(verify_case(c, NULL, &ev, &e), CLERK_OK);
    assert_int_equal(ev->kind, CLERK_WEBHOOK_DATA_ORGANIZATION_MEMBERSHIP);
    assert_non_null(ev->as.organization_membership);
    clerk_webhook_event_free(ev);
    cJSON_Delete(doc);
}

static void test_unknown_and_invalid(void **state)
{
    cJSON *doc = load_json(events_path);
    const cJSON *c = find_case(doc, "unknown_type");
    clerk_webhook_event_t *ev = NULL;
    clerk_auth_error_t e;

    (void)state;
    assert_int_equal(verify_case(c, NULL, &ev, &e), CLERK_OK);
    assert_string_equal(ev->type, "spaceship.launched");
    assert_int_equal(ev->kind, CLERK_WEBHOOK_DATA_JSON);
    assert_null(ev->as.any);
    assert_int_equal(
        (int)cJSON_GetNumberValue(cJSON_GetObjectItem(ev->data, "crew")), 3);
    clerk_webhook_event_free(ev);

    /* Signed but not JSON: a decode failure after the signature... */
    c = find_case(doc, "not_json");
    ev = (clerk_webhook_event_t *)&e;
    assert_int_equal(verify_case(c, NULL, &ev, &e), CLERK_E_DECODE);
    assert_int_equal(e.reason, CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD);
    assert_null(ev);
    assert_null(strstr(e.message, "this is not"));
    /* ...and fine when only the signature is asked for. */
    assert_int_equal(verify_case(c, NULL, NULL, &e), CLERK_OK);
    /* The signature is checked before the body is looked at. */
    assert_refused(
        verify_case(c, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &ev, &e), e,
        CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE);
    assert_null(ev);
    cJSON_Delete(doc);
}

static void test_secret_forms_and_rotation(void **state)
{
    cJSON *doc = load_json(events_path);
    const cJSON *c = NULL;
    clerk_auth_error_t e;
    clerk_webhook_event_t *ev = NULL;

    (void)state;
    /* Padded, unpadded and prefix-less forms of one 32-byte secret. */
    c = find_case(doc, "secret_32_padded");
    assert_non_null(strchr(str_of(c, "secret"), '='));
    assert_accepted(verify_case(c, NULL, NULL, &e), e);
    c = find_case(doc, "secret_32_unpadded");
    assert_null(strchr(str_of(c, "secret"), '='));
    assert_accepted(verify_case(c, NULL, NULL, &e), e);
    c = find_case(doc, "secret_32_no_prefix");
    assert_accepted(verify_case(c, NULL, NULL, &e), e);
    c = find_case(doc, "secret_64");
    assert_accepted(verify_case(c, NULL, NULL, &e), e);
    /* Rotation: the old and the new secret both verify the message. */
    c = find_case(doc, "rotation");
    assert_int_equal(verify_case(c, NULL, &ev, &e), CLERK_OK);
    assert_int_equal(ev->kind, CLERK_WEBHOOK_DATA_USER);
    clerk_webhook_event_free(ev);
    assert_accepted(verify_case(c, str_of(c, "old_secret"), NULL, &e), e);
    cJSON_Delete(doc);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_svix_vectors),
        cmocka_unit_test(test_reference_accepted),
        cmocka_unit_test(test_every_reason),
        cmocka_unit_test(test_missing_headers),
        cmocka_unit_test(test_tolerance_edges),
        cmocka_unit_test(test_timestamp_syntax),
        cmocka_unit_test(test_several_signatures),
        cmocka_unit_test(test_body_off_by_one),
        cmocka_unit_test(test_invalid_secrets),
        cmocka_unit_test(test_hostile_headers),
        cmocka_unit_test(test_headers_collect),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_user_created),
        cmocka_unit_test(test_user_deleted),
        cmocka_unit_test(test_unknown_and_invalid),
        cmocka_unit_test(test_secret_forms_and_rotation),
    };

    if (argc < 3) {
        fprintf(
            stderr, "usage: %s SVIX_VECTORS_JSON WEBHOOK_EVENTS_JSON\n",
            argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    events_path = argv[2];
    return cmocka_run_group_tests_name("auth_webhook", tests, NULL, NULL);
}
