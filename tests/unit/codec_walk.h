/*
 * The test oracle: a second, independent decoder (a cJSON tree walker)
 * that the one decoder in src/codec_direct.c is compared with
 * (codec_diff.h, tests/model/test_model_direct.c, fuzz_codec_direct).
 * It was the library's tree decoder until issue 15; it lives in tests/ so
 * that the library decodes one way only.
 */
#ifndef CLERK_TESTS_CODEC_WALK_H
#define CLERK_TESTS_CODEC_WALK_H

#include "codec_internal.h"

/* clerk__value_parse() the old way: cJSON_ParseWithLengthOpts, then the
 * tree walk (taking strings and free-form values out of the tree).  Same
 * contract: status, *out, and error path + reason. */
clerk_status_t codec_walk_parse(
    const clerk__type_t *type,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error);

/* The walk of a caller's tree (never modified), as
 * clerk__model_from_json() did before it printed the tree and ran the
 * decoder. */
clerk_status_t codec_walk_tree(
    const clerk__type_t *type,
    void **out,
    const cJSON *tree,
    unsigned flags,
    clerk_json_error_t *error);

#endif /* CLERK_TESTS_CODEC_WALK_H */
