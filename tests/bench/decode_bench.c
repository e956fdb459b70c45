/*
 * Decode cost of one document (tests/bench/decode_run.py; not a test):
 *
 *   decode_bench MODE FILE N [time]
 *
 * decodes FILE (a User, or a JSON array of Users) N times.  MODE:
 *   clerk  libclerk's typed decode: clerk_user_parse() for a User,
 *          clerk__value_parse() with the User array type for a list (what
 *          clerk_users_list() runs on the body), then the matching _free.
 *          Like an API call (clerk__response_decode()), each decode first
 *          arms the thread's block cache (src/alloc_cache.h), so a decode
 *          takes the blocks the previous one gave back, as on a thread that
 *          makes calls;
 *   cjson  cJSON_ParseWithLength, a walk over every value, cJSON_Delete
 *          (the decode of the benchmark baseline, tests/bench/baseline.c).
 * The decode itself (parse, and for cJSON the walk) is the function
 * decode_once(), the release release_once(), so that callgrind can count
 * either alone: --toggle-collect=decode_once.  Prints what was read; with
 * `time` the nanoseconds per decode instead (best of five rounds of N,
 * release included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <clerk/model/user.h>

#include "alloc_cache.h"
#include "clerk_internal.h"
#include "internal/descriptors.h"

typedef struct doc {
    const char *text;
    size_t len;
    int clerk; /* else cJSON */
    int list;
} doc_t;

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

/* The decode: a value to release, or NULL. */
__attribute__((noinline)) static void *decode_once(const doc_t *d, size_t *sum)
{
    void *value = NULL;
    cJSON *tree = NULL;

    if (!d->clerk) {
        tree = cJSON_ParseWithLength(d->text, d->len);
        if (tree != NULL) {
            *sum += walk(tree);
        }
        return tree;
    }
    /* What clerk__response_decode() does before it decodes a body. */
    clerk__block_cache_arm();
    if (d->list) {
        if (clerk__value_parse(
                &clerk__user_array_type, &value, d->text, d->len, 0, NULL) !=
            CLERK_OK) {
            return NULL;
        }
        *sum += ((clerk_user_array_t *)value)->count;
        return value;
    }
    if (clerk_user_parse((clerk_user_t **)&value, d->text, d->len, 0, NULL) !=
        CLERK_OK) {
        return NULL;
    }
    *sum += ((clerk_user_t *)value)->id != NULL;
    return value;
}

__attribute__((noinline)) static void release_once(const doc_t *d, void *value)
{
    if (!d->clerk) {
        cJSON_Delete(value);
    } else if (d->list) {
        clerk__value_free(&clerk__user_array_type, value);
    } else {
        clerk_user_free(value);
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size = 0;

    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        }
    }
    if (buf != NULL) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    fclose(f);
    return buf;
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    doc_t d;
    char *text = NULL;
    void *value = NULL;
    long n = 0;
    long i = 0;
    int round = 0;
    size_t sum = 0;
    double t0 = 0;
    double ns = 0;
    double best = 0;
    int timing = argc > 4 && strcmp(argv[4], "time") == 0;
    int rc = 1;

    if (argc < 4) {
        fprintf(stderr, "usage: %s clerk|cjson FILE N [time]\n", argv[0]);
        return 2;
    }
    memset(&d, 0, sizeof(d));
    text = read_file(argv[2], &d.len);
    n = strtol(argv[3], NULL, 10);
    if (text == NULL || n < 0) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        goto done;
    }
    d.text = text;
    d.clerk = strcmp(argv[1], "clerk") == 0;
    d.list = text[0] == '[';
    for (round = 0; round < (timing ? 5 : 1); round++) {
        t0 = now_ns();
        for (i = 0; i < n; i++) {
            value = decode_once(&d, &sum);
            if (value == NULL) {
                fprintf(stderr, "decode failed\n");
                goto done;
            }
            release_once(&d, value);
        }
        ns = (now_ns() - t0) / (double)(n > 0 ? n : 1);
        best = round == 0 || ns < best ? ns : best;
    }
    if (timing) {
        printf("%.1f\n", best);
    } else {
        printf("%zu\n", sum);
    }
    rc = 0;
done:
    free(text);
    return rc;
}
