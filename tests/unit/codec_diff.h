/*
 * Differential check of the decoder (clerk__value_parse) against the test
 * oracle (codec_walk_parse: cJSON parse + tree walk, codec_walk.h): same
 * status, same error path and reason, and on success the same C value,
 * field by field (doubles bit for bit, presence states, enum raw strings,
 * `_is_null` companions, union members, free-form trees), and the same
 * re-encoded JSON.  For models it checks the tree entry point too:
 * clerk__model_from_json (print + decode) against codec_walk_tree on the
 * tree cJSON parses from the same text.
 */
#ifndef CLERK_TEST_CODEC_DIFF_H
#define CLERK_TEST_CODEC_DIFF_H

#include "codec_walk.h"

#include <stddef.h>

/* 1 when both paths agree on json[0..len) decoded as `type` with
 * `flags`; else 0, and `why` (size n) says how they differ. */
int codec_diff(
    const clerk__type_t *type,
    const char *json,
    size_t len,
    unsigned flags,
    char *why,
    size_t n);

/* Deep equality of two decoded values in slots of `type`. */
int codec_value_equal(const clerk__type_t *type, const void *a, const void *b);

#endif /* CLERK_TEST_CODEC_DIFF_H */
