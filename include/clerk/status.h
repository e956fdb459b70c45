/**
 * @file clerk/status.h
 * @brief The one result code every libclerk function reports.
 */
#ifndef CLERK_STATUS_H
#define CLERK_STATUS_H

#include <clerk/common.h>

CLERK_BEGIN_DECL

/**
 * Result of a libclerk call.
 *
 * Values are explicit and only ever appended; a value is never renumbered or
 * removed.
 */
typedef enum clerk_status {
    CLERK_OK = 0,            /**< Success (HTTP 2xx and a decodable body). */
    CLERK_E_INVALID_ARG = 1, /**< Bad input; nothing was sent. */
    CLERK_E_NOMEM = 2,       /**< An allocation failed. */
    CLERK_E_TRANSPORT = 3,   /**< Connection failed, reset or refused. */
    CLERK_E_TIMEOUT = 4,     /**< Connect or total timeout elapsed. */
    CLERK_E_TLS = 5,         /**< TLS handshake or certificate check failed. */
    CLERK_E_HTTP = 6,        /**< The server answered with a non-2xx status. */
    CLERK_E_DECODE = 7,      /**< The body is not valid JSON for its schema. */
    CLERK_E_TOO_LARGE = 8,   /**< The response body or headers exceeded a
                                  size limit (max_response_bytes,
                                  CLERK_MAX_RESPONSE_HEADER_BYTES). */
    CLERK_E_CANCELLED = 9,   /**< A hook or callback cancelled the call. */
    CLERK_E_UNAUTHORIZED = 10, /**< A token, request or webhook was refused
                                    (clerk/auth.h; the reason says why). */
} clerk_status_t;

/**
 * Static English text for a status.
 *
 * @param status Any value, known or not.
 * @return A static string; never NULL.
 */
CLERK_EXTERN const char *clerk_status_str(clerk_status_t status);

CLERK_END_DECL

#endif /* CLERK_STATUS_H */
