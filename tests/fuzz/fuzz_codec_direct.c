/*
 * libFuzzer target: the direct decoder against the reference path (cJSON
 * parse + tree walk), lenient and strict, on arbitrary bytes.  The first
 * byte picks the type (the hand-written fixtures of tests/unit), the rest
 * is the document.  Any difference aborts (codec_diff.c says which).
 *
 * Built by tests/fuzz/CMakeLists.txt with clang -fsanitize=fuzzer,address,
 * undefined when clang and its libFuzzer runtime are installed; ctest runs
 * a short deterministic session (fuzz.codec_direct), tests/fuzz/run_all.sh
 * a longer one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_diff.h"
#include "codec_fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const clerk__type_t *const types[] = {
    &thing_type,          &thing_array_type,
    &identity_type,       &verification_type,
    &clerk__type_json,    &str_matrix_type,
    &clerk__type_int,     &clerk__type_num,
    &clerk__type_str,     &identity_array_type,
    &email_array_type,    &status_type,
    &clerk__type_opt_int, &clerk__type_num_array,
    &email_type,          &clerk__type_json_array,
    &ledger_type,         &memo_type,
    &scalar_union_type,   &scalar_union_array_type,
    &verification_or_name_type,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const clerk__type_t *type = NULL;
    char *doc = NULL;
    char why[1024];
    unsigned flags = 0;

    if (size < 1) {
        return 0;
    }
    type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
    /* An exact-size copy: reading past the document is an ASan error. */
    doc = malloc(size - 1 > 0 ? size - 1 : 1);
    if (doc == NULL) {
        return 0;
    }
    memcpy(doc, data + 1, size - 1);
    for (flags = 0; flags <= CLERK_DECODE_STRICT; flags++) {
        if (!codec_diff(type, doc, size - 1, flags, why, sizeof(why))) {
            fprintf(stderr, "direct and tree decoding differ: %s\n", why);
            abort();
        }
    }
    free(doc);
    return 0;
}
