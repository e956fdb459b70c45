/*
 * Descriptor-driven comparison of a decoded document with its re-encoding:
 * every value of the input that the schema knows must come back equal;
 * unknown input fields are ignored; a field absent from the input may come
 * back only as what its C type cannot leave out (false / 0 for plain
 * scalars, null for a required nullable pointer).
 */
#ifndef CLERK_TEST_MODEL_COMPARE_H
#define CLERK_TEST_MODEL_COMPARE_H

#include "clerk_internal.h"

#include <stddef.h>

/* 1 when equal; else 0 and `where` (size n) names the first difference. */
int model_compare(
    const clerk__type_t *type,
    const void *slot,
    const cJSON *in,
    const cJSON *out,
    char *where,
    size_t n);

/* Read a whole file; NULL on failure.  Free with free(). */
char *model_read_file(const char *path, size_t *len);

#endif /* CLERK_TEST_MODEL_COMPARE_H */
