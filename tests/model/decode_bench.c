/*
 * Decode cost of one document, for callgrind (not a test):
 *
 *   decode_bench MODE FILE N
 *
 * decodes FILE (a User, or a JSON array of Users) N times, freeing the
 * result each time.  MODE: `direct` (clerk__value_parse, the one-pass
 * decoder), `tree` (clerk__value_parse_tree: cJSON parse + tree walk),
 * `cjson` (cJSON_ParseWithLength + a walk over every value +
 * cJSON_Delete, the benchmark baseline's decode).  Marginal instructions
 * per decode: (Ir(N2) - Ir(N1)) / (N2 - N1), e.g.
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
 *       decode_bench direct users.json 3
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_internal.h"
#include "internal/descriptors.h"
#include "model_compare.h"

static size_t walk(const cJSON *item)
{
    const cJSON *child = NULL;
    size_t n = 1;

    if (cJSON_IsString(item)) {
        n += strlen(item->valuestring);
    }
    for (child = item->child; child != NULL; child = child->next) {
        n += walk(child);
    }
    return n;
}

int main(int argc, char **argv)
{
    size_t len = 0;
    char *text = NULL;
    const clerk__type_t *type = NULL;
    void *value = NULL;
    cJSON *doc = NULL;
    clerk_status_t st = CLERK_OK;
    long n = 0;
    long i = 0;
    size_t sum = 0;
    int rc = 1;

    if (argc < 4) {
        fprintf(stderr, "usage: %s direct|tree|cjson FILE N\n", argv[0]);
        return 2;
    }
    text = model_read_file(argv[2], &len);
    n = strtol(argv[3], NULL, 10);
    if (text == NULL || n < 0) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        goto done;
    }
    type = text[0] == '[' ? &clerk__user_array_type : &clerk__user_type;
    for (i = 0; i < n; i++) {
        if (strcmp(argv[1], "cjson") == 0) {
            doc = cJSON_ParseWithLength(text, len);
            if (doc == NULL) {
                goto done;
            }
            sum += walk(doc);
            cJSON_Delete(doc);
            continue;
        }
        if (strcmp(argv[1], "tree") == 0) {
            st = clerk__value_parse_tree(type, &value, text, len, 0, NULL);
        } else {
            st = clerk__value_parse(type, &value, text, len, 0, NULL);
        }
        if (st != CLERK_OK) {
            fprintf(stderr, "decode failed: %d\n", (int)st);
            goto done;
        }
        clerk__value_free(type, value);
    }
    printf("%zu\n", sum);
    rc = 0;
done:
    free(text);
    return rc;
}
