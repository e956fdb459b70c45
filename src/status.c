/*
 * Status texts, the run-time version and clerk_free().
 */
#include <clerk/status.h>
#include <clerk/types.h>
#include <clerk/version.h>

/* Indexed by clerk_status_t; values are explicit and never renumbered, so
 * the table only ever grows at the end. */
static const char *const status_texts[] = {
    "success",
    "invalid argument",
    "out of memory",
    "transport error (connection failed, reset or refused)",
    "timeout",
    "TLS handshake or certificate verification failed",
    "HTTP error status",
    "response body could not be decoded",
    "response exceeds a size limit (body or headers)",
    "cancelled by a callback",
    "token, request or webhook signature refused",
};

const char *clerk_status_str(clerk_status_t status)
{
    size_t i = (size_t)status;

    if ((int)status < 0 ||
        i >= sizeof(status_texts) / sizeof(status_texts[0])) {
        return "unknown status";
    }
    return status_texts[i];
}

unsigned clerk_version_num(void)
{
    return (unsigned)CLERK_VERSION_NUM;
}

const char *clerk_version_str(void)
{
    return CLERK_VERSION;
}

/* Printed JSON comes from cJSON, which allocates through its own hooks. */
void clerk_free(void *ptr)
{
    if (ptr != NULL) {
        cJSON_free(ptr);
    }
}
