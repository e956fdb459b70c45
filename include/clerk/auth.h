/**
 * @file clerk/auth.h
 * @brief Authenticating requests: session tokens, machine tokens, webhooks.
 *
 * What a backend does on every request, without a network round trip where
 * possible:
 *
 * - clerk_verify_token() checks a Clerk session token (an RS256/384/512 JWT)
 *   against a PEM public key, a JWKS document, a key set parsed once
 *   (clerk_jwt_keys_t, the fastest), or the instance JWKS fetched by a client
 *   through `GET /jwks` and cached in that client.
 * - clerk_authenticate_request() takes the `Authorization` and `Cookie`
 *   header values of an incoming request, finds the token and says
 *   signed-in or signed-out, with the reason.
 * - clerk_verify_machine_token() checks M2M tokens (`mt_`), API keys (`ak_`)
 *   and OAuth access tokens (`oat_`) through the Backend API.
 * - clerk_webhook_verify() checks a Svix (Standard Webhooks) signature and
 *   decodes the Clerk event.
 *
 * Every rejection has a reason (clerk_auth_reason_t), named exactly like
 * @clerk/backend's `TokenVerificationErrorReason` values
 * (clerk_auth_reason_str() gives the same strings), so verdicts can be compared
 * across SDKs. Messages never contain a secret key, a webhook secret, a PEM key
 * or a whole token.
 *
 * Threading: every function here is reentrant.  clerk_jwt_keys_t is
 * immutable and may be shared by any number of threads; a client's JWKS
 * cache is shared by all threads using that client.
 *
 * Differences from @clerk/backend (it is looser than the standards in these
 * places; libclerk follows RFC 7515/7519, RFC 4648 and Standard Webhooks):
 * - Base64url segments must be canonical RFC 4648 section 5 text: no padding,
 *   no `+` or `/`, no whitespace, no non-zero trailing bits
 *   (@clerk/backend decodes "loosely").
 * - The header and the payload must be JSON objects without duplicate member
 *   names (RFC 7515 section 5.2 lets a parser reject them; JavaScript's
 *   JSON.parse keeps the last one).
 * - `exp` is required; `exp`, `nbf` and `iat` must be JSON numbers with an
 *   integer value (RFC 7519 NumericDate allows fractions; Clerk never sends
 *   them, and a fraction is rejected rather than rounded).
 * - `iss` must be an `https://` URL (or equal options.issuer when given);
 *   @clerk/backend no longer checks it.  Reason `token-invalid-issuer`.
 * - A PEM key is read as a real SubjectPublicKeyInfo (or PKCS #1) RSA key
 *   with OpenSSL, not by cutting a fixed DER prefix off the text; RSA keys
 *   must be 2048 to 8192 bits.  Whitespace and line breaks inside the
 *   armor are ignored, so a PEM key kept on one line in an environment
 *   variable works.
 * - A token's `kid` is ignored with a PEM key (as @clerk/backend does), but
 *   must name a key of a JWKS, and a JWK's `alg`, when present, must equal
 *   the token's `alg`.
 * - A webhook's `svix-*` headers may also be given under their Standard
 *   Webhooks names (`webhook-id`, ...); @clerk/backend accepts only `svix-*`.
 * - A webhook secret must be canonical base64 of 24 to 64 bytes, as the
 *   Standard Webhooks specification sets them (the svix libraries take any
 *   length and decode loosely); its `=` padding may be left out.
 * - A webhook timestamp must be 1 to 19 decimal digits (no sign, space or
 *   fraction); the svix libraries parse it loosely.  Headers are bounded
 *   (CLERK_WEBHOOK_MAX_HEADER_LEN, CLERK_WEBHOOK_MAX_SIGNATURES).
 *
 * Out of scope: browser handshakes (the `__clerk_handshake` redirects of
 * @clerk/backend's authenticateRequest), satellite domains, `__client_uat`
 * and dev-browser cookies.  A backend that only serves APIs needs none of
 * them; a server rendering pages for browsers handles the handshake in its
 * frontend SDK.
 */
#ifndef CLERK_AUTH_H
#define CLERK_AUTH_H

#include <clerk/client.h>
#include <clerk/common.h>
#include <clerk/status.h>
#include <clerk/types.h>

CLERK_BEGIN_DECL

/**
 * Why a token, a request or a webhook was rejected.
 *
 * Values are explicit and only ever appended.  clerk_auth_reason_str()
 * gives the @clerk/backend name of each (in parentheses below).
 */
typedef enum clerk_auth_reason {
    /** Accepted ("ok"). */
    CLERK_AUTH_OK = 0,
    /** exp passed ("token-expired"). */
    CLERK_AUTH_TOKEN_EXPIRED = 1,
    /** Malformed token, wrong typ or category ("token-invalid"). */
    CLERK_AUTH_TOKEN_INVALID = 2,
    /** alg not RS256/384/512 or not the key's ("token-invalid-algorithm"). */
    CLERK_AUTH_TOKEN_INVALID_ALGORITHM = 3,
    /** azp missing or not allowed ("token-invalid-authorized-parties"). */
    CLERK_AUTH_TOKEN_INVALID_AUTHORIZED_PARTIES = 4,
    /** Signature does not verify ("token-invalid-signature"). */
    CLERK_AUTH_TOKEN_INVALID_SIGNATURE = 5,
    /** nbf in the future ("token-not-active-yet"). */
    CLERK_AUTH_TOKEN_NOT_ACTIVE_YET = 6,
    /** iat in the future ("token-iat-in-the-future"). */
    CLERK_AUTH_TOKEN_IAT_IN_THE_FUTURE = 7,
    /** A claim is missing or of the wrong type, or aud does not match
       ("token-verification-failed"). */
    CLERK_AUTH_TOKEN_VERIFICATION_FAILED = 8,
    /** The API refused the client's secret key ("secret-key-invalid"). */
    CLERK_AUTH_SECRET_KEY_INVALID = 9,
    /** The PEM key is missing or not an RSA public key ("jwk-local-missing").
     */
    CLERK_AUTH_JWK_LOCAL_MISSING = 10,
    /** GET /jwks failed ("jwk-remote-failed-to-load"). */
    CLERK_AUTH_JWK_REMOTE_FAILED_TO_LOAD = 11,
    /** A JWKS document is not valid ("jwk-remote-invalid"). */
    CLERK_AUTH_JWK_REMOTE_INVALID = 12,
    /** A JWKS holds no usable key ("jwk-remote-missing"). */
    CLERK_AUTH_JWK_REMOTE_MISSING = 13,
    /** No key source, or more than one ("jwk-failed-to-resolve"). */
    CLERK_AUTH_JWK_FAILED_TO_RESOLVE = 14,
    /** No key with the token's kid ("jwk-kid-mismatch"). */
    CLERK_AUTH_JWK_KID_MISMATCH = 15,
    /** iss is not an https URL or not options.issuer ("token-invalid-issuer").
     */
    CLERK_AUTH_TOKEN_INVALID_ISSUER = 16,
    /** The request carries no token ("session-token-missing"). */
    CLERK_AUTH_SESSION_TOKEN_MISSING = 17,
    /** A token of a type the caller does not accept ("token-type-mismatch"). */
    CLERK_AUTH_TOKEN_TYPE_MISMATCH = 18,
    /** Out of memory, transport error or an unexpected API answer while
       verifying ("unexpected-error"). */
    CLERK_AUTH_UNEXPECTED_ERROR = 19,
    /** svix-id, svix-timestamp or svix-signature missing, empty, or (id,
       signature) longer than CLERK_WEBHOOK_MAX_HEADER_LEN
       ("webhook-missing-header"). */
    CLERK_AUTH_WEBHOOK_MISSING_HEADER = 20,
    /** Not 1 to 19 decimal digits, or beyond INT64_MAX
       ("webhook-invalid-timestamp"). */
    CLERK_AUTH_WEBHOOK_INVALID_TIMESTAMP = 21,
    /** More than the tolerance before now ("webhook-timestamp-too-old"). */
    CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_OLD = 22,
    /** More than the tolerance after now ("webhook-timestamp-too-new"). */
    CLERK_AUTH_WEBHOOK_TIMESTAMP_TOO_NEW = 23,
    /** No v1 signature among the first CLERK_WEBHOOK_MAX_SIGNATURES
       entries matches ("webhook-no-matching-signature"). */
    CLERK_AUTH_WEBHOOK_NO_MATCHING_SIGNATURE = 24,
    /** The secret is not `whsec_<base64>` or base64 of 24 to 64 bytes
       ("webhook-invalid-secret"). */
    CLERK_AUTH_WEBHOOK_INVALID_SECRET = 25,
    /** Signed, but the body is not a Clerk event ("webhook-invalid-payload").
     */
    CLERK_AUTH_WEBHOOK_INVALID_PAYLOAD = 26,
} clerk_auth_reason_t;

/**
 * The name of a reason, as @clerk/backend spells it (e.g. "token-expired").
 *
 * @param reason Any value, known or not.
 * @return A static string; never NULL ("unknown" for unknown values).
 */
CLERK_EXTERN const char *clerk_auth_reason_str(clerk_auth_reason_t reason);

/**
 * Why a verification failed.  Filled by every function of this header that
 * takes one (pass NULL when only the status matters).
 */
typedef struct clerk_auth_error {
    clerk_auth_reason_t reason; /**< CLERK_AUTH_OK on success. */
    char message[256];          /**< English; never a secret or a token. */
} clerk_auth_error_t;

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

/**
 * A set of RSA public keys for session tokens; opaque and immutable, so one
 * set may be shared by any number of threads.  Parse it once, at start-up,
 * and pass it in clerk_verify_options_t.keys: verification then costs little
 * more than the RSA signature check itself.
 */
typedef struct clerk_jwt_keys clerk_jwt_keys_t;

/**
 * Parse a PEM RSA public key (the "PEM Public Key" of the Clerk Dashboard,
 * usually kept in `CLERK_JWT_KEY`).
 *
 * Accepts `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) and
 * `-----BEGIN RSA PUBLIC KEY-----` (PKCS #1); whitespace inside the armor is
 * ignored.  The key must be RSA, 2048 to 8192 bits.  Such a set matches
 * tokens whatever their `kid`.
 *
 * @param[out] out Receives the key set; NULL on failure.
 * @param pem      The PEM text.
 * @param len      Its length in bytes.
 * @param[out] error Why it failed (CLERK_AUTH_JWK_LOCAL_MISSING), or NULL.
 * @return CLERK_OK, CLERK_E_INVALID_ARG (not an acceptable key) or
 *         CLERK_E_NOMEM.  Free the set with clerk_jwt_keys_free().
 */
CLERK_EXTERN clerk_status_t clerk_jwt_keys_from_pem(
    clerk_jwt_keys_t **out,
    const char *pem,
    size_t len,
    clerk_auth_error_t *error);

/**
 * Parse a JWKS document (RFC 7517), e.g. the body of `GET /jwks`.
 *
 * Keys with `kty` "RSA", a `kid`, and `n`/`e` are kept; a key with `use`
 * other than "sig", or with an `alg` other than RS256/RS384/RS512, can sign
 * nothing; keys of other types (EC, OKP, oct) are kept by kid only so that a
 * token naming them is refused as `token-invalid-algorithm`.
 *
 * @param[out] out Receives the key set; NULL on failure.
 * @param json     The JWKS JSON text.
 * @param len      Its length in bytes.
 * @param[out] error Why it failed (CLERK_AUTH_JWK_REMOTE_INVALID, or
 *                   CLERK_AUTH_JWK_REMOTE_MISSING when no RSA key is usable),
 *                   or NULL.
 * @return CLERK_OK, CLERK_E_INVALID_ARG or CLERK_E_NOMEM.  Free the set
 *         with clerk_jwt_keys_free().
 */
CLERK_EXTERN clerk_status_t clerk_jwt_keys_from_jwks(
    clerk_jwt_keys_t **out,
    const char *json,
    size_t len,
    clerk_auth_error_t *error);

/**
 * Number of keys a set holds (1 for a PEM key).
 *
 * @param keys The set, or NULL (0).
 * @return The number of keys, usable or not.
 */
CLERK_EXTERN size_t clerk_jwt_keys_count(const clerk_jwt_keys_t *keys);

/**
 * Free a key set.
 *
 * @param keys The set, or NULL (no-op).
 */
CLERK_EXTERN void clerk_jwt_keys_free(clerk_jwt_keys_t *keys);

/* ------------------------------------------------------------------ */
/* Session tokens                                                      */
/* ------------------------------------------------------------------ */

/** clerk_verify_options_t.clock_skew_ms value for no tolerance at all. */
#define CLERK_CLOCK_SKEW_NONE (-1L)

/** Largest clock skew accepted: one day. */
#define CLERK_CLOCK_SKEW_MAX_MS 86400000L

/** Signature algorithms, for clerk_verify_options_t.algorithms. */
#define CLERK_ALG_RS256 0x1u /**< RSASSA-PKCS1-v1_5 with SHA-256. */
#define CLERK_ALG_RS384 0x2u /**< RSASSA-PKCS1-v1_5 with SHA-384. */
#define CLERK_ALG_RS512 0x4u /**< RSASSA-PKCS1-v1_5 with SHA-512. */

/** Longest token accepted, in bytes; longer ones are `token-invalid`. */
#define CLERK_TOKEN_MAX_BYTES 32768

/** Default JWKS cache lifetime of a client source: 5 minutes. */
#define CLERK_JWKS_CACHE_TTL_MS 300000L

/**
 * How to verify a session token.  All-zero is not enough: give exactly one
 * key source (jwt_key, jwks_json, keys or client).
 */
typedef struct clerk_verify_options {
    /** PEM public key text (NUL-terminated); parsed on every call.  Parse
     *  it once with clerk_jwt_keys_from_pem() for speed. */
    const char *jwt_key;
    /** JWKS JSON text (NUL-terminated); parsed on every call. */
    const char *jwks_json;
    /** A key set parsed once; borrowed for the call. */
    const clerk_jwt_keys_t *keys;
    /** A client: the instance JWKS is fetched with GET /jwks (the client's
     *  secret key, base URL, TLS and retry settings) and cached in the
     *  client for CLERK_JWKS_CACHE_TTL_MS.  A token whose kid is not in the
     *  cache causes at most one refresh, shared by all threads waiting for
     *  it, and refreshes are at most one per 10 s beyond the TTL, so forged
     *  kids cannot make it fetch per token.  A failed refresh keeps the
     *  keys it had.  This is the only source that touches the network. */
    clerk_client_t *client;
    /** The current time, Unix seconds; 0: the system clock.  Negative
     *  values and values beyond 2^53 ms are invalid. */
    int64_t now;
    /** Tolerance for exp, nbf and iat; 0: 5000 ms; CLERK_CLOCK_SKEW_NONE:
     *  none.  Other negative values, and values above
     *  CLERK_CLOCK_SKEW_MAX_MS, are invalid. */
    long clock_skew_ms;
    /** Allowed `azp` values (e.g. "https://app.example.com"); when given,
     *  a token without azp, or with another, is refused. */
    const char *const *authorized_parties;
    size_t authorized_party_count; /**< Entries in authorized_parties. */
    /** Allowed audiences; when given and the token has `aud` (a string or
     *  an array of strings), one of them must be allowed. */
    const char *const *audiences;
    size_t audience_count; /**< Entries in audiences. */
    /** Required `iss` value; NULL: any `https://` URL. */
    const char *issuer;
    /** Accepted algorithms (CLERK_ALG_* bits); 0: all three RS*. */
    unsigned algorithms;
} clerk_verify_options_t;

/**
 * The claims of a verified session token.  Strings point into `payload`
 * and live as long as the claims; free with clerk_session_claims_free().
 */
typedef struct clerk_session_claims {
    const char *subject;          /**< sub: the user id; never NULL. */
    const char *session_id;       /**< sid, or NULL. */
    const char *issuer;           /**< iss; never NULL. */
    const char *authorized_party; /**< azp, or NULL. */
    const char *session_status;   /**< sts ("active", "pending"), or NULL. */
    int64_t expires_at;           /**< exp, Unix seconds. */
    clerk_opt_int64_t issued_at;  /**< iat, Unix seconds, when present. */
    clerk_opt_int64_t not_before; /**< nbf, Unix seconds, when present. */
    int version;                  /**< Claims version `v`: 1 (no `v`) or 2. */
    /** Active organization: from `org_id`/`org_slug`/`org_role`/
     *  `org_permissions` (version 1) or from the `o` and `fea` claims
     *  (version 2, role as "org:<rol>", permissions as
     *  "org:<feature>:<permission>").  NULL and 0 when none. */
    const char *org_id;
    const char *org_slug; /**< Active organization's slug, or NULL. */
    const char *org_role; /**< Role in it, or NULL. */
    const char *const *org_permissions; /**< Permissions in it. */
    size_t org_permission_count; /**< Entries in org_permissions. */
    const cJSON *actor; /**< act (impersonation), or NULL. */
    /** fva: minutes since the first and second factor were verified (-1:
     *  never); valid when has_factor_age. */
    bool has_factor_age;
    int64_t factor_age_minutes[2]; /**< First, second factor (see above). */
    const cJSON *header;  /**< The JOSE header. */
    const cJSON *payload; /**< The whole payload, for custom claims. */
} clerk_session_claims_t;

/**
 * Verify a Clerk session token.
 *
 * The checks, in @clerk/backend's order: three canonical base64url segments
 * whose first two are JSON objects; `cat` is not a machine category; `typ`,
 * when present, is "JWT"; `alg` is RS256, RS384 or RS512; the key (by `kid`
 * for a JWKS) is an RSA key allowing that alg; the signature verifies
 * (nothing in the payload is trusted before); `sub` is a string; `aud`
 * (when audiences are given); `azp` (when authorized parties are given);
 * `exp`, `nbf`, `iat` against now with the clock skew; then `iss`.
 *
 * @param[out] out   Receives the claims on success; NULL otherwise.
 * @param token      The token (without "Bearer "), NUL-terminated.
 * @param options    Key source and checks; must not be NULL.
 * @param[out] error The reason and a message, or NULL.
 * @return CLERK_OK; CLERK_E_UNAUTHORIZED (the token is not valid: see the
 *         reason); CLERK_E_INVALID_ARG (NULL argument, no key source or
 *         several, a bad key, negative skew); CLERK_E_NOMEM; with a client
 *         source, the status of a failed JWKS fetch (CLERK_E_TRANSPORT,
 *         CLERK_E_HTTP, ...; reason jwk-remote-failed-to-load or
 *         secret-key-invalid) when no cached key can be used.
 */
CLERK_EXTERN clerk_status_t clerk_verify_token(
    clerk_session_claims_t **out,
    const char *token,
    const clerk_verify_options_t *options,
    clerk_auth_error_t *error);

/**
 * Free verified claims.
 *
 * @param claims The claims, or NULL (no-op).
 */
CLERK_EXTERN void clerk_session_claims_free(clerk_session_claims_t *claims);

/**
 * Drop a client's cached JWKS, so the next verification with that client
 * fetches it again (e.g. after rotating keys in the Dashboard).  A fetch
 * already in flight does not refill the cache: its keys may predate the
 * rotation, so only the call that made it uses them.
 *
 * @param client The client, or NULL (no-op).
 */
CLERK_EXTERN void clerk_jwks_cache_clear(clerk_client_t *client);

/* ------------------------------------------------------------------ */
/* Machine tokens                                                      */
/* ------------------------------------------------------------------ */

/** The kind of token a request carried. */
typedef enum clerk_token_type {
    CLERK_TOKEN_NONE = 0,    /**< No token found. */
    CLERK_TOKEN_SESSION = 1, /**< A session JWT. */
    CLERK_TOKEN_M2M = 2,     /**< `mt_...`: machine-to-machine. */
    CLERK_TOKEN_API_KEY = 3, /**< `ak_...`: an API key. */
    CLERK_TOKEN_OAUTH = 4,   /**< `oat_...`: an OAuth access token. */
} clerk_token_type_t;

/** Bit set of accepted token types, for clerk_authenticate_options_t. */
#define CLERK_ACCEPT_SESSION (1u << CLERK_TOKEN_SESSION)
/** M2M tokens (`mt_`). */
#define CLERK_ACCEPT_M2M     (1u << CLERK_TOKEN_M2M)
/** API keys (`ak_`). */
#define CLERK_ACCEPT_API_KEY (1u << CLERK_TOKEN_API_KEY)
/** OAuth access tokens (`oat_`). */
#define CLERK_ACCEPT_OAUTH   (1u << CLERK_TOKEN_OAUTH)
/** Every machine token type. */
#define CLERK_ACCEPT_MACHINE                                                   \
    (CLERK_ACCEPT_M2M | CLERK_ACCEPT_API_KEY | CLERK_ACCEPT_OAUTH)
/** Session tokens and every machine token type. */
#define CLERK_ACCEPT_ANY (CLERK_ACCEPT_SESSION | CLERK_ACCEPT_MACHINE)

/**
 * A verified machine token.  Strings point into `json` and live as long as
 * the token; free with clerk_machine_token_free().
 */
typedef struct clerk_machine_token {
    clerk_token_type_t type;   /**< M2M, API_KEY or OAUTH. */
    const char *id;            /**< The token's id ("mt_...", "ak_...",
                                    "oat_..."), or NULL. */
    const char *subject;       /**< Who it acts for ("mch_...", "user_...",
                                    "org_..."); never NULL. */
    const char *name;          /**< API key name, or NULL. */
    const char *const *scopes; /**< Scopes, `scope_count` of them. */
    size_t scope_count;        /**< Entries in scopes. */
    const cJSON *claims;          /**< Custom claims, or NULL. */
    clerk_opt_int64_t expires_at; /**< Unix milliseconds; unset: never. */
    const cJSON *json;            /**< The API's whole answer. */
} clerk_machine_token_t;

/**
 * Verify a machine token through the Backend API.
 *
 * The type comes from the prefix: `mt_` (POST /m2m_tokens/verify), `ak_`
 * (POST /api_keys/verify) or `oat_` (POST /oauth_applications/access_tokens/
 * verify).  A token the API does not know, or one revoked or expired, is
 * refused with CLERK_AUTH_TOKEN_INVALID.
 *
 * @param[out] out   Receives the verified token; NULL otherwise.
 * @param client     The client to call the API with.
 * @param token      The token (without "Bearer ").
 * @param[out] error The reason and a message, or NULL.
 * @return CLERK_OK; CLERK_E_UNAUTHORIZED (refused: see the reason);
 *         CLERK_E_INVALID_ARG (NULL argument, unknown prefix); or the status
 *         of the failed call (CLERK_E_TRANSPORT, CLERK_E_HTTP for statuses
 *         other than 401/404, ...; reason unexpected-error or
 *         secret-key-invalid).
 */
CLERK_EXTERN clerk_status_t clerk_verify_machine_token(
    clerk_machine_token_t **out,
    clerk_client_t *client,
    const char *token,
    clerk_auth_error_t *error);

/**
 * Free a verified machine token.
 *
 * @param token The token, or NULL (no-op).
 */
CLERK_EXTERN void clerk_machine_token_free(clerk_machine_token_t *token);

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/** How to authenticate a request. */
typedef struct clerk_authenticate_options {
    /** Key source and checks for session tokens (see clerk_verify_token). */
    clerk_verify_options_t verify;
    /** Accepted token types (CLERK_ACCEPT_* bits); 0: session tokens only. */
    unsigned accepts;
    /** Client for machine tokens (and may be verify.client too); NULL:
     *  verify.client. */
    clerk_client_t *client;
} clerk_authenticate_options_t;

/** Whether a request is authenticated. */
typedef enum clerk_auth_state {
    CLERK_SIGNED_OUT = 0,
    CLERK_SIGNED_IN = 1,
} clerk_auth_state_t;

/**
 * The verdict on a request.  Free with clerk_auth_free().
 */
typedef struct clerk_auth {
    clerk_auth_state_t state;      /**< Signed in or signed out. */
    clerk_token_type_t token_type; /**< What was found (NONE: nothing). */
    clerk_auth_reason_t reason;    /**< CLERK_AUTH_OK when signed in. */
    char message[256];             /**< Why signed out; never a secret. */
    /** Session token: its claims (state SIGNED_IN only). */
    clerk_session_claims_t *session;
    /** Machine token: what the API said (state SIGNED_IN only). */
    clerk_machine_token_t *machine;
} clerk_auth_t;

/**
 * Authenticate an incoming request from its header values.
 *
 * The token is the `Authorization: Bearer <token>` value when there is
 * one, else the `__session` cookie.  A session token is verified with
 * options->verify (networkless unless its key source is a client); a
 * machine token (by prefix) with clerk_verify_machine_token() when
 * options->accepts allows its type, else the request is signed out with
 * CLERK_AUTH_TOKEN_TYPE_MISMATCH.  No token: signed out with
 * CLERK_AUTH_SESSION_TOKEN_MISSING.  Browser handshakes are out of scope
 * (see the top of this header).
 *
 * @param[out] out      Receives the verdict (signed in, or signed out
 *                      with the reason) for every return but
 *                      CLERK_E_NOMEM and a NULL out or options.
 * @param authorization The `Authorization` header value, or NULL.
 * @param cookie        The `Cookie` header value, or NULL.
 * @param options       Key source and checks; must not be NULL.
 * @return CLERK_OK (signed in); CLERK_E_UNAUTHORIZED (signed out: see
 *         (*out)->reason); CLERK_E_INVALID_ARG (NULL out or options, no
 *         key source or several, no client for a machine token);
 *         CLERK_E_NOMEM; or, with a client key source or a machine token,
 *         the status of a failed API call.
 */
CLERK_EXTERN clerk_status_t clerk_authenticate_request(
    clerk_auth_t **out,
    const char *authorization,
    const char *cookie,
    const clerk_authenticate_options_t *options);

/**
 * Free a verdict, with its claims or machine token.
 *
 * @param auth The verdict, or NULL (no-op).
 */
CLERK_EXTERN void clerk_auth_free(clerk_auth_t *auth);

/* ------------------------------------------------------------------ */
/* Webhooks                                                            */
/* ------------------------------------------------------------------ */

/** Default webhook timestamp tolerance, both ways: 300 s. */
#define CLERK_WEBHOOK_TOLERANCE_S 300

/** Longest `svix-id` and `svix-signature` value examined, in bytes; a longer
 *  one is refused as CLERK_AUTH_WEBHOOK_MISSING_HEADER without being read
 *  further (Svix sends ids of about 30 bytes and one to three signatures). */
#define CLERK_WEBHOOK_MAX_HEADER_LEN 4096

/** Most entries of `svix-signature` examined; later entries are ignored. */
#define CLERK_WEBHOOK_MAX_SIGNATURES 32

/**
 * The signature headers of a webhook request: the values of `svix-id`,
 * `svix-timestamp` and `svix-signature` (or `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`).  NULL or "": missing.
 */
typedef struct clerk_webhook_headers {
    const char *id;        /**< svix-id / webhook-id. */
    const char *timestamp; /**< svix-timestamp: Unix seconds, decimal. */
    const char *signature; /**< svix-signature: "v1,<base64> ..." list. */
} clerk_webhook_headers_t;

/**
 * Collect the three signature headers from a list of name/value pairs,
 * matching names without regard to (ASCII) case; `svix-*` names win over
 * `webhook-*` ones, and of a name given twice the first is taken.  Pairs
 * with a NULL name or value are skipped.  Values are borrowed.
 *
 * @param[out] out   Receives the values found (NULL for those missing);
 *                   nothing happens when out is NULL.
 * @param names      Header names, `count` of them (NULL: none).
 * @param values     Header values, `count` of them (NULL: none).
 * @param count      Number of headers.
 */
CLERK_EXTERN void clerk_webhook_headers_collect(
    clerk_webhook_headers_t *out,
    const char *const *names,
    const char *const *values,
    size_t count);

/** How to verify a webhook. */
typedef struct clerk_webhook_options {
    /** The endpoint's signing secret, "whsec_<base64>" (the prefix may be
     *  left out): RFC 4648 base64 ("+/" alphabet) of 24 to 64 bytes, as the
     *  Standard Webhooks specification sets them, with or without its `=`
     *  padding (padding given must be right); no whitespace, no non-zero
     *  trailing bits.  Clerk's secrets are 24 bytes ("whsec_" and 32
     *  characters). */
    const char *secret;
    /** The current time, Unix seconds; 0: the system clock.  Negative:
     *  CLERK_E_INVALID_ARG. */
    int64_t now;
    /** Allowed distance between svix-timestamp and now, both ways, in
     *  seconds (a distance equal to it is accepted); 0:
     *  CLERK_WEBHOOK_TOLERANCE_S.  Negative: CLERK_E_INVALID_ARG. */
    int64_t tolerance_s;
} clerk_webhook_options_t;

/**
 * The kind of `data` a Clerk webhook event carries, from the event type's
 * resource (the part before the first '.').  Values are explicit and only
 * ever appended.
 *
 * A `*.deleted` event whose data is a DeletedObject (a JSON object with a
 * boolean `deleted` member: user.deleted, organization.deleted,
 * organizationDomain.deleted) is CLERK_WEBHOOK_DATA_DELETED whatever its
 * resource; organizationMembership.deleted, role.deleted and
 * permission.deleted carry the whole object and keep their resource's kind.
 */
typedef enum clerk_webhook_data_kind {
    /** No spec schema: unknown types and email.created, sms.created,
     *  subscription.*, subscriptionItem.*, paymentAttempt.* (their payloads
     *  are not Backend API schemas); `data` as cJSON only. */
    CLERK_WEBHOOK_DATA_JSON = 0,
    /** user.created, user.updated (clerk_user_t). */
    CLERK_WEBHOOK_DATA_USER = 1,
    /** user.deleted and other DeletedObject payloads
     *  (clerk_deleted_object_t). */
    CLERK_WEBHOOK_DATA_DELETED = 2,
    /** organization.* (clerk_organization_t). */
    CLERK_WEBHOOK_DATA_ORGANIZATION = 3,
    /** organizationMembership.* (clerk_organization_membership_t). */
    CLERK_WEBHOOK_DATA_ORGANIZATION_MEMBERSHIP = 4,
    /** organizationInvitation.* (clerk_organization_invitation_t). */
    CLERK_WEBHOOK_DATA_ORGANIZATION_INVITATION = 5,
    /** organizationDomain.* (clerk_organization_domain_t). */
    CLERK_WEBHOOK_DATA_ORGANIZATION_DOMAIN = 6,
    /** session.* (clerk_session_t). */
    CLERK_WEBHOOK_DATA_SESSION = 7,
    /** role.* (clerk_role_t). */
    CLERK_WEBHOOK_DATA_ROLE = 8,
    /** permission.* (clerk_permission_t). */
    CLERK_WEBHOOK_DATA_PERMISSION = 9,
    /** waitlistEntry.* (clerk_waitlist_entry_t). */
    CLERK_WEBHOOK_DATA_WAITLIST_ENTRY = 10,
} clerk_webhook_data_kind_t;

/**
 * A verified Clerk webhook event.  Free with clerk_webhook_event_free();
 * every pointer in it lives as long as the event.
 */
typedef struct clerk_webhook_event {
    const char *type;        /**< e.g. "user.created"; never NULL. */
    const char *object;      /**< "event", or NULL when absent. */
    int64_t timestamp;       /**< Event time, Unix milliseconds (0: absent). */
    const char *instance_id; /**< "ins_...", or NULL. */
    const cJSON *data;       /**< The event's data (an object); never NULL. */
    const cJSON *json;       /**< The whole body. */
    /** The typed data for known types: `kind` says which member of `as`
     *  is set.  When the data does not decode as its model (decoding is
     *  lenient: unknown fields ignored, missing ones left absent, but a
     *  wrong JSON type fails), `kind` stays set, the member is NULL and
     *  `data` still holds it: clerk_<model>_from_json() on `data` says
     *  why.  Always NULL for CLERK_WEBHOOK_DATA_JSON. */
    clerk_webhook_data_kind_t kind;

    union {
        void *any;
        struct clerk_user *user;
        struct clerk_deleted_object *deleted;
        struct clerk_organization *organization;
        struct clerk_organization_membership *organization_membership;
        struct clerk_organization_invitation *organization_invitation;
        struct clerk_organization_domain *organization_domain;
        struct clerk_session *session;
        struct clerk_role *role;
        struct clerk_permission *permission;
        struct clerk_waitlist_entry *waitlist_entry;
    } as; /**< Typed `data`: the member that `kind` names. */
} clerk_webhook_event_t;

/**
 * Verify a webhook's signature, then decode its event.
 *
 * The checks, in the svix libraries' order: the secret; the three headers
 * present (not empty, id and signature at most
 * CLERK_WEBHOOK_MAX_HEADER_LEN bytes); the timestamp 1 to 19 decimal
 * digits and within the tolerance of now, both ways; then the signature:
 * the HMAC-SHA256 of "<id>.<timestamp>.<body>" under the base64-decoded
 * secret, in base64 with padding, must equal one of the `v1,<base64>`
 * entries of the space-separated signature header (entries of other
 * versions, such as `v1a`, are ignored; only the first
 * CLERK_WEBHOOK_MAX_SIGNATURES entries are examined).  The comparison
 * is constant-time and every entry is compared.  Only then is the body
 * parsed: a JSON object (nothing but whitespace after it) with a
 * non-empty string `type` and an object `data`; `object` and
 * `instance_id`, when present and not null, strings; `timestamp` an
 * integer.  The body's length is not limited: bound it where the request
 * is read.
 *
 * @param[out] out   Receives the event; NULL on failure.  Pass NULL to
 *                   check the signature only (the body is then not
 *                   parsed).
 * @param headers    The three header values.
 * @param body       The raw request body, exactly as received (may be
 *                   NULL when body_len is 0).
 * @param body_len   Its length in bytes.
 * @param options    Secret, clock and tolerance; must not be NULL.
 * @param[out] error The reason and a message, or NULL.
 * @return CLERK_OK; CLERK_E_UNAUTHORIZED (signature, header or timestamp
 *         refused: see the reason); CLERK_E_INVALID_ARG (an invalid
 *         secret: reason webhook-invalid-secret; a NULL headers or
 *         options, NULL body with a length, negative now or tolerance:
 *         reason unexpected-error); CLERK_E_DECODE (signed, but not a Clerk
 *         event: reason webhook-invalid-payload); CLERK_E_NOMEM (reason
 *         unexpected-error).
 */
CLERK_EXTERN clerk_status_t clerk_webhook_verify(
    clerk_webhook_event_t **out,
    const clerk_webhook_headers_t *headers,
    const char *body,
    size_t body_len,
    const clerk_webhook_options_t *options,
    clerk_auth_error_t *error);

/**
 * Free a webhook event, with its JSON and its typed data.
 *
 * @param event The event, or NULL (no-op).
 */
CLERK_EXTERN void clerk_webhook_event_free(clerk_webhook_event_t *event);

CLERK_END_DECL

#endif /* CLERK_AUTH_H */
