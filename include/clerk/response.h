/**
 * @file clerk/response.h
 * @brief What a `_detailed` call returns besides its typed result.
 *
 * Every generated operation has a response type
 *
 *     typedef struct clerk_<op>_response {
 *         <result type> *data;     // the 2xx body; NULL unless CLERK_OK
 *         clerk_response_t meta;   // keep last
 *     } clerk_<op>_response_t;
 *
 * freed with `clerk_<op>_response_free()`.  Operations without a response body
 * return a bare clerk_response_t freed with clerk_response_free().  Pointers
 * inside a response (headers, body, errors, the fields of data) live as long
 * as the response.  To keep `data` longer, copy the pointer and set the field
 * to NULL before freeing the response; it is then yours to free with its
 * model's _free function.
 */
#ifndef CLERK_RESPONSE_H
#define CLERK_RESPONSE_H

#include <clerk/common.h>
#include <clerk/status.h>

#include <cjson/cJSON.h>

CLERK_BEGIN_DECL

/** One response header, as received (name case preserved). */
typedef struct clerk_header {
    const char *name;  /**< As received, e.g. "Retry-After". */
    const char *value; /**< Without leading and trailing blanks. */
} clerk_header_t;

/** One entry of a Clerk error body (`errors[]`). */
typedef struct clerk_error {
    const char *code;         /**< e.g. "resource_not_found"; may be NULL */
    const char *message;      /**< Short message; may be NULL */
    const char *long_message; /**< Longer message; may be NULL */
    const cJSON *meta;        /**< Free-form `meta` object, or NULL */
} clerk_error_t;

/** A parsed Clerk error body (`ClerkErrors`). */
typedef struct clerk_errors {
    const clerk_error_t *items; /**< The entries of `errors[]`. */
    size_t count;               /**< Entries in items; may be 0. */
    const char *clerk_trace_id; /**< May be NULL. */
    const cJSON *meta;          /**< Top-level `meta`, or NULL. */
} clerk_errors_t;

/**
 * Everything known about one call, whatever its outcome.
 *
 * `message` is safe to log: text it quotes from the server (an error's
 * code and message, a redirect's Location, at most 200 bytes of each) has
 * every run of 8 or more bytes that also occurs in the client's secret key
 * replaced by "[redacted]" (a key shorter than 8 bytes wherever it occurs
 * whole), before it is cut or formatted, and the finished message is
 * checked again.  `headers`, `body` and `errors` are the server's data as
 * received and are not masked: a server can echo the key there.
 */
typedef struct clerk_response {
    clerk_status_t status;         /**< CLERK_OK, or why the call failed. */
    const char *message;           /**< Never NULL; English; no run of the
                                        secret key (see above). */
    long http_status;              /**< 0: no HTTP response was received. */
    const clerk_header_t *headers; /**< Headers of the last attempt. */
    size_t header_count;           /**< Entries in headers. */
    const char *body;              /**< Raw body, NUL-terminated; may be "". */
    size_t body_len;               /**< Bytes in body, NUL excluded. */
    const clerk_errors_t *errors;  /**< Parsed error body on non-2xx, or NULL */
    const char *json_path;         /**< Where decoding failed, or NULL. */
    unsigned attempts;             /**< HTTP attempts made (retries + 1). */
    double elapsed_ms;             /**< Wall time of the whole call. */
} clerk_response_t;

/**
 * Why the calling thread's last plain call failed (see clerk_last_error()).
 */
typedef struct clerk_error_info {
    clerk_status_t status; /**< CLERK_OK: the last plain call succeeded. */
    long http_status;      /**< 0: no HTTP response was received. */
    char message[256];     /**< As meta.message (English, no secrets). */
    char code[64];         /**< First Clerk error code, e.g.
                                "resource_not_found"; "" when none. */
} clerk_error_info_t;

/**
 * The outcome of the calling thread's last plain call.
 *
 * Plain calls (those returning the result or NULL, and the status-only
 * calls of bodiless operations) record their status, HTTP status, message
 * and first Clerk error code in a per-thread slot (libgit2's
 * git_error_last() pattern), so a NULL result can still be explained:
 *
 *     clerk_user_t *u = clerk_users_get(client, id);
 *     if (u == NULL)
 *         fprintf(stderr, "%s\n", clerk_last_error()->message);
 *
 * Every plain call overwrites it, success included (then status is
 * CLERK_OK), and so do clerk_client_new() / clerk_client_new_detailed()
 * (which option was refused, and why), the pagers' `clerk_<op>_pager()` and
 * `clerk_<op>_next()` (each page fetched, or why a pager was refused) and,
 * on failure only, clerk_json_parse().  `_detailed` and `_async` calls leave it alone: their
 * response carries the same and more.  The slot is per thread, so a client
 * shared by threads is no problem.
 *
 * @return The calling thread's slot; never NULL; valid until the thread's
 *         next plain call (status CLERK_OK and empty texts before any).
 */
CLERK_EXTERN const clerk_error_info_t *clerk_last_error(void);

/**
 * Look up a response header by name, case-insensitively.
 *
 * @param response A response, or NULL.
 * @param name     Header name, e.g. "Retry-After".
 * @return The value of the first matching header, owned by the response, or
 *         NULL when absent.
 */
CLERK_EXTERN const char *clerk_response_header(
    const clerk_response_t *response,
    const char *name);

/**
 * Free a response returned by a bodiless operation's `_detailed` call.
 *
 * @param response The response, or NULL (no-op).
 */
CLERK_EXTERN void clerk_response_free(clerk_response_t *response);

CLERK_END_DECL

#endif /* CLERK_RESPONSE_H */
