/*
 * The two encoders agree (issue 14): for a decoded model value,
 * clerk__model_print() gives exactly cJSON_PrintUnformatted() of what
 * clerk__model_to_json() gives, or both fail.  Used over Clerk's models
 * (model.samples) and the fixture's (generator_fixture_roundtrip).
 */
#ifndef CLERK_TEST_PRINT_DIFF_H
#define CLERK_TEST_PRINT_DIFF_H

#include "clerk_internal.h"

#include <stddef.h>

typedef struct print_diff_counts {
    size_t checked;     /* values compared */
    size_t both_failed; /* of which both encoders refused */
    size_t differed;    /* of which the encoders disagreed (printed) */
} print_diff_counts_t;

/* Compare the encoders on the model value `value` of K_OBJ type `type`,
 * then again with each required field left unset in turn (of the model,
 * or of the model a union holds), the value restored after each; `name`
 * names the value in messages.  Adds to *counts. */
void print_diff_check(
    const clerk__type_t *type,
    void *value,
    const char *name,
    print_diff_counts_t *counts);

#endif /* CLERK_TEST_PRINT_DIFF_H */
