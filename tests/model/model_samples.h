/* The schema name -> generated type table written by gen_samples.py. */
#ifndef CLERK_TEST_MODEL_SAMPLES_H
#define CLERK_TEST_MODEL_SAMPLES_H

#include "clerk_internal.h"

typedef struct model_sample_type {
    const char *schema;        /* spec name, e.g. "User" */
    const clerk__type_t *type; /* its K_OBJ type descriptor */
} model_sample_type_t;

extern const model_sample_type_t model_sample_types[];
extern const size_t model_sample_type_count;

#endif /* CLERK_TEST_MODEL_SAMPLES_H */
