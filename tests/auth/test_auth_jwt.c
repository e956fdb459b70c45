/*
 * Session tokens, networkless: the real-world vectors of
 * shared/realworld/vectors/jwt.json, then every case minted by
 * mint_tokens.py with the openssl CLI (a reason per case, edges of the
 * clock skew, key confusion, malformed forms).
 *
 *   test_auth_jwt VECTORS_JSON CASES_JSON
 */
#include <clerk/auth.h>

#include <cjson/cJSON.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char *vectors_path;
static const char *cases_path;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static cJSON *load(const char *path)
{
    char *text = slurp(path);
    cJSON *json;

    assert_non_null(text);
    json = cJSON_Parse(text);
    free(text);
    assert_non_null(json);
    return json;
}

static const char *str(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Up to 8 strings of a JSON array, into `out`; returns the count. */
static size_t strings(const cJSON *array, const char **out)
{
    const cJSON *item;
    size_t n = 0;

    cJSON_ArrayForEach(item, array)
    {
        if (n < 8) {
            out[n++] = item->valuestring;
        }
    }
    return n;
}

static unsigned alg_bits(const cJSON *array)
{
    const cJSON *item;
    unsigned bits = 0;

    cJSON_ArrayForEach(item, array)
    {
        bits |= strcmp(item->valuestring, "RS256") == 0   ? CLERK_ALG_RS256
                : strcmp(item->valuestring, "RS384") == 0 ? CLERK_ALG_RS384
                                                          : CLERK_ALG_RS512;
    }
    return bits;
}

/* The vectors' outcome names against our reasons.  Two differ on purpose
 * (see clerk/auth.h): a truncated signature is not canonical base64url
 * (token-invalid), and a wrong typ is token-invalid as in @clerk/backend. */
static const char *vector_reason(const char *expected, const char *name)
{
    static const char *const map[][2] = {
        { "valid", "ok" },
        { "invalid_signature", "token-invalid-signature" },
        { "expired", "token-expired" },
        { "invalid_azp", "token-invalid-authorized-parties" },
        { "invalid_algorithm", "token-invalid-algorithm" },
        { "wrong_token_type", "token-invalid" },
        { "key_not_found", "jwk-kid-mismatch" },
    };
    size_t i;

    if (strcmp(name, "ruby_jwt_truncated_signature") == 0) {
        return "token-invalid";
    }
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(expected, map[i][0]) == 0) {
            return map[i][1];
        }
    }
    fail_msg("unknown expected value %s", expected);
    return NULL;
}

/* Every vector at both skews (0 and the 5 s default), with its key set as
 * a JWKS and, when it has one, as PEM. */
static void test_vectors(void **state)
{
    cJSON *doc = load(vectors_path);
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(doc, "keys");
    const cJSON *t;
    int checked = 0;

    (void)state;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(doc, "tokens"))
    {
        const char *name = str(t, "name");
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(keys, str(t, "keys"));
        const cJSON *opts = cJSON_GetObjectItemCaseSensitive(t, "options");
        const cJSON *expected = cJSON_GetObjectItemCaseSensitive(t, "expected");
        const cJSON *want =
            cJSON_GetObjectItemCaseSensitive(t, "expected_claims");
        const char *form = str(t, "use_key_form");
        char *jwks = NULL;
        const char *parties[8];
        int skew;

        if (form == NULL || strcmp(form, "pem") != 0) {
            jwks = cJSON_PrintUnformatted(
                cJSON_GetObjectItemCaseSensitive(k, "jwks"));
        }
        for (skew = 0; skew < 2; skew++) {
            clerk_verify_options_t o = { 0 };
            clerk_session_claims_t *c = NULL;
            clerk_auth_error_t err;
            clerk_status_t st;
            const char *exp_name;
            const char *reason;

            o.jwks_json = jwks;
            o.jwt_key = jwks == NULL ? str(k, "pem") : NULL;
            o.now = (int64_t)cJSON_GetObjectItemCaseSensitive(t, "verify_at")
                        ->valuedouble;
            o.clock_skew_ms = skew == 0 ? CLERK_CLOCK_SKEW_NONE : 0;
            if (opts != NULL) {
                o.authorized_parties = parties;
                o.authorized_party_count = strings(
                    cJSON_GetObjectItemCaseSensitive(
                        opts, "authorized_parties"),
                    parties);
                o.issuer = str(opts, "issuer");
                o.algorithms = alg_bits(cJSON_GetObjectItemCaseSensitive(
                    opts, "allowed_algorithms"));
            }
            exp_name = cJSON_IsString(expected)
                           ? expected->valuestring
                           : str(expected, skew == 0 ? "skew_0s" : "skew_5s");
            reason = vector_reason(exp_name, name);
            st = clerk_verify_token(&c, str(t, "token"), &o, &err);
            if (strcmp(clerk_auth_reason_str(err.reason), reason) != 0) {
                fail_msg(
                    "%s (skew %d): got %s (%s), want %s", name, skew * 5,
                    clerk_auth_reason_str(err.reason), err.message, reason);
            }
            if (strcmp(reason, "ok") == 0) {
                assert_int_equal(st, CLERK_OK);
                assert_non_null(c);
                if (want != NULL) {
                    assert_string_equal(c->subject, str(want, "sub"));
                    assert_string_equal(c->issuer, str(want, "iss"));
                    assert_int_equal(
                        c->expires_at,
                        (int64_t)cJSON_GetObjectItemCaseSensitive(want, "exp")
                            ->valuedouble);
                    if (str(want, "sid") != NULL) {
                        assert_string_equal(c->session_id, str(want, "sid"));
                    } else {
                        assert_null(c->session_id);
                    }
                    if (str(want, "azp") != NULL) {
                        assert_string_equal(
                            c->authorized_party, str(want, "azp"));
                    }
                }
            } else {
                assert_int_equal(st, CLERK_E_UNAUTHORIZED);
                assert_null(c);
                assert_true(err.message[0] != '\0');
            }
            clerk_session_claims_free(c);
            checked++;
        }
        cJSON_free(jwks);
    }
    assert_int_equal(checked, 2 * 17);
    cJSON_Delete(doc);
}

static clerk_status_t status_named(const char *name)
{
    if (strcmp(name, "ok") == 0) {
        return CLERK_OK;
    }
    if (strcmp(name, "invalid_arg") == 0) {
        return CLERK_E_INVALID_ARG;
    }
    return CLERK_E_UNAUTHORIZED;
}

static void check_org(const clerk_session_claims_t *c, const cJSON *want)
{
    const cJSON *perms = cJSON_GetObjectItemCaseSensitive(want, "permissions");
    const cJSON *p;
    size_t i = 0;

    assert_string_equal(c->org_id, str(want, "id"));
    assert_string_equal(c->org_slug, str(want, "slug"));
    assert_string_equal(c->org_role, str(want, "role"));
    assert_int_equal(c->org_permission_count, cJSON_GetArraySize(perms));
    cJSON_ArrayForEach(p, perms)
    {
        assert_string_equal(c->org_permissions[i++], p->valuestring);
    }
}

/* Every minted case, each with its own key source and options. */
static void test_minted(void **state)
{
    cJSON *doc = load(cases_path);
    const cJSON *c;
    clerk_jwt_keys_t *keys = NULL;
    clerk_auth_error_t err;
    int checked = 0;
    int64_t now =
        (int64_t)cJSON_GetObjectItemCaseSensitive(doc, "now")->valuedouble;

    (void)state;
    assert_int_equal(
        clerk_jwt_keys_from_pem(
            &keys, str(doc, "pem"), strlen(str(doc, "pem")), &err),
        CLERK_OK);
    assert_int_equal(clerk_jwt_keys_count(keys), 1);
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "cases"))
    {
        const char *name = str(c, "name");
        const char *source = str(c, "source");
        const cJSON *skew = cJSON_GetObjectItemCaseSensitive(c, "skew");
        const cJSON *org = cJSON_GetObjectItemCaseSensitive(c, "expect_org");
        const cJSON *fva = cJSON_GetObjectItemCaseSensitive(c, "expect_fva");
        clerk_verify_options_t o = { 0 };
        clerk_session_claims_t *claims = NULL;
        const char *parties[8];
        const char *audiences[8];
        clerk_status_t st;

        o.now = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(c, "now"))
                    ? (int64_t)cJSON_GetObjectItemCaseSensitive(c, "now")
                          ->valuedouble
                    : now;
        if (strcmp(source, "pem") == 0 || strcmp(source, "pem+jwks") == 0) {
            o.jwt_key = str(doc, "pem");
        }
        if (strcmp(source, "jwks") == 0 || strcmp(source, "pem+jwks") == 0) {
            o.jwks_json = str(doc, "jwks");
        }
        if (strcmp(source, "keys") == 0) {
            o.keys = keys;
        }
        if (strcmp(source, "pkcs1") == 0) {
            o.jwt_key = str(doc, "pkcs1_pem");
        }
        if (strcmp(source, "pem_small") == 0) {
            o.jwt_key = str(doc, "small_pem");
        }
        if (strcmp(source, "pem_private") == 0) {
            o.jwt_key = str(doc, "private_pem");
        }
        if (strcmp(source, "pem_garbage") == 0) {
            o.jwt_key = "-----BEGIN PUBLIC KEY-----\nnot base64!\n"
                        "-----END PUBLIC KEY-----\n";
        }
        if (strcmp(source, "jwks_garbage") == 0) {
            o.jwks_json = "{\"keys\": 5}";
        }
        if (strcmp(source, "jwks_no_rsa") == 0) {
            o.jwks_json = str(doc, "jwks_no_rsa");
        }
        if (cJSON_IsString(skew)) {
            o.clock_skew_ms = CLERK_CLOCK_SKEW_NONE;
        } else if (cJSON_IsNumber(skew)) {
            o.clock_skew_ms = (long)skew->valuedouble;
        }
        o.authorized_parties = parties;
        o.authorized_party_count = strings(
            cJSON_GetObjectItemCaseSensitive(c, "authorized_parties"), parties);
        o.audiences = audiences;
        o.audience_count = strings(
            cJSON_GetObjectItemCaseSensitive(c, "audiences"), audiences);
        o.issuer = str(c, "issuer");
        o.algorithms =
            alg_bits(cJSON_GetObjectItemCaseSensitive(c, "algorithms"));

        st = clerk_verify_token(&claims, str(c, "token"), &o, &err);
        if (st != status_named(str(c, "expect_status")) ||
            strcmp(
                clerk_auth_reason_str(err.reason), str(c, "expect_reason")) !=
                0) {
            fail_msg(
                "%s: got status %d reason %s (%s), want %s %s", name, (int)st,
                clerk_auth_reason_str(err.reason), err.message,
                str(c, "expect_status"), str(c, "expect_reason"));
        }
        if (st == CLERK_OK) {
            assert_non_null(claims);
            assert_string_equal(claims->subject, "user_2abc");
            assert_string_equal(claims->issuer, "https://clerk.example.test");
            assert_non_null(claims->payload);
            assert_non_null(claims->header);
            if (org != NULL) {
                check_org(claims, org);
            }
            if (cJSON_IsTrue(
                    cJSON_GetObjectItemCaseSensitive(c, "expect_no_fva"))) {
                assert_false(claims->has_factor_age);
            }
            if (fva != NULL) {
                assert_true(claims->has_factor_age);
                assert_int_equal(claims->factor_age_minutes[0], 5);
                assert_int_equal(claims->factor_age_minutes[1], -1);
                assert_int_equal(claims->version, 2);
                assert_string_equal(claims->session_status, "active");
                assert_non_null(claims->actor);
            }
        } else {
            assert_null(claims);
            /* Messages never carry the token or key material. */
            assert_null(strstr(err.message, "eyJ"));
            assert_null(strstr(err.message, "MII"));
        }
        clerk_session_claims_free(claims);
        checked++;
    }
    assert_true(checked >= 80);
    clerk_jwt_keys_free(keys);
    cJSON_Delete(doc);
}

/* NULL arguments, reason names, and freeing NULL. */
static void test_api_edges(void **state)
{
    clerk_verify_options_t o = { .jwt_key = "x" };
    clerk_session_claims_t *claims = NULL;
    clerk_jwt_keys_t *keys = NULL;
    clerk_auth_error_t err;

    (void)state;
    assert_int_equal(
        clerk_verify_token(NULL, "a.b.c", &o, &err), CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_verify_token(&claims, NULL, &o, &err), CLERK_E_INVALID_ARG);
    assert_int_equal(
        clerk_verify_token(&claims, "a.b.c", NULL, NULL), CLERK_E_INVALID_ARG);
    assert_null(claims);
    assert_int_equal(
        clerk_jwt_keys_from_pem(&keys, NULL, 0, &err), CLERK_E_INVALID_ARG);
    assert_int_equal(err.reason, CLERK_AUTH_JWK_LOCAL_MISSING);
    assert_int_equal(
        clerk_jwt_keys_from_jwks(&keys, "[", 1, &err), CLERK_E_INVALID_ARG);
    assert_int_equal(err.reason, CLERK_AUTH_JWK_REMOTE_INVALID);
    assert_null(keys);
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_TOKEN_EXPIRED), "token-expired");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_JWK_KID_MISMATCH), "jwk-kid-mismatch");
    assert_string_equal(
        clerk_auth_reason_str(CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD),
        "webhook-invalid-payload");
    assert_string_equal(
        clerk_auth_reason_str((clerk_auth_reason_t)999), "unknown");
    assert_string_equal(
        clerk_status_str(CLERK_E_UNAUTHORIZED),
        "token, request or webhook signature refused");
    clerk_session_claims_free(NULL);
    clerk_jwt_keys_free(NULL);
    assert_int_equal(clerk_jwt_keys_count(NULL), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_minted),
        cmocka_unit_test(test_api_edges),
    };

    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_JSON CASES_JSON\n", argv[0]);
        return 2;
    }
    vectors_path = argv[1];
    cases_path = argv[2];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
