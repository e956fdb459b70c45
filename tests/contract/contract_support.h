/*
 * Contract tests: the interface between the generated call functions
 * (gen_contract.py -> contract_ops*.c in the build dir) and the runner
 * (contract_runner.c).  Test code, not installed.
 */
#ifndef CLERK_CONTRACT_SUPPORT_H
#define CLERK_CONTRACT_SUPPORT_H

#include "clerk_internal.h"

#include <clerk.h>

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which flavour a call function runs. */
enum { CONTRACT_PLAIN = 1, CONTRACT_DETAILED = 2, CONTRACT_ASYNC = 3 };

/* Expectation flags from the spec-bug list in gen_contract.py. */
#define CONTRACT_X_MISSING_REQUIRED 0x1u  /* strict decode may fail */
#define CONTRACT_X_OVERLAPPING_UNION 0x2u /* lossy union choice allowed */
#define CONTRACT_X_MISSING_ALWAYS 0x4u    /* strict decode must fail */

typedef struct contract_op contract_op_t;

/* One call of one operation; filled by the generated call function. */
typedef struct contract_call {
    const contract_op_t *op;
    clerk_client_t *client;
    int flavour;
    /* cJSON values made by contract_json() for this call (freed after). */
    cJSON *owned;
    /* plain flavour */
    void *result;          /* owned; op->free_result */
    /* both: status (plain bodiless ops return a status) */
    clerk_status_t status;
    /* async flavour: started on `loop`; the callback fills the detailed
     * fields below and counts itself in async_calls */
    clerk_loop_t *loop;
    clerk_call_id_t call_id;
    int async_calls;
    /* detailed flavour (and async) */
    void *response;        /* owned; op->free_response */
    clerk_response_t *meta;
    void *data;
    /* set by contract_check_body() on failure */
    char body_error[512];
} contract_call_t;

struct contract_op {
    const char *name;         /* C function */
    const char *operation_id;
    const char *method;
    const char *path;
    const char *tag;
    const clerk__type_t *result_type; /* NULL: bodiless */
    const clerk__type_t *body_type;   /* NULL: no body */
    const char *body_json;            /* expected JSON body, or NULL */
    long success_status;
    const int *error_codes; /* declared 400/401/404/422 */
    size_t error_count;
    unsigned expect;        /* CONTRACT_X_* */
    void (*call)(contract_call_t *cc);
    void (*free_result)(void *result);
    void (*free_response)(void *response);
};

typedef struct contract_forced {
    const char *tag;
    int status;
    bool has_body; /* the spec declares a JSON (ClerkErrors) body */
    const contract_op_t *op;
} contract_forced_t;

/* Generated tables (contract_ops.c). */
extern const contract_op_t *const contract_ops[];
extern const size_t contract_op_count;
extern const contract_forced_t contract_forced[];
extern const size_t contract_forced_count;
extern const char *const contract_bug_fields[];

/* A multipart file part (a 1x1 PNG). */
extern const clerk_file_t contract_png_file;

/* Parse a JSON literal into a value owned by the call (freed after it). */
cJSON *contract_json(contract_call_t *cc, const char *json);

/* Encode the request body with the op's body type and compare it with
 * op->body_json; a difference is recorded in cc->body_error. */
void contract_check_body(contract_call_t *cc, const void *body);

#endif /* CLERK_CONTRACT_SUPPORT_H */
