/*
 * Benchmark client (a): what a careful C programmer writes by hand with
 * libcurl and cJSON.  One easy handle reused for every request (so the
 * connection and the TLS session are kept), the same request headers that
 * libclerk sends, the body collected into one growable buffer that is kept
 * between requests, cJSON_ParseWithLength, a walk that reads every value of
 * the document, cJSON_Delete.
 *
 * Built twice: clerk_bench_baseline is (a); clerk_bench_baseline_arena
 * (BENCH_ARENA) is (a''), the same client with a bump arena behind cJSON
 * (cJSON_InitHooks): every node and string of a response is carved from
 * one block that is kept and reset after the response, so a steady
 * stream of responses allocates nothing.  That is the cheapest way to run
 * cJSON, the floor a hand-written client reaches with some care.
 *
 * Usage: clerk_bench_baseline URL N [CA_FILE]
 *
 * Makes one untimed warm-up request (it opens the connection), then N timed
 * requests, and prints one line:
 *   requests=N wall_us=<per request> cpu_us=<per request> maxrss_kb=<peak>
 *   values=<scalars read per response> str_bytes=<string bytes per response>
 * Exit status 0 only if every response was HTTP 200 with valid JSON.
 */

#include "bench_common.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef BENCH_ARENA
/* The bump arena (a''): a list of blocks, kept; a reset rewinds to the
 * first, so once the largest response has been seen nothing is allocated
 * and no page is touched for the first time. */
typedef struct arena_block {
    struct arena_block *next;
    size_t cap;
    size_t used;
} arena_block_t;

#define ARENA_ALIGN 16u
#define ARENA_BLOCK ((size_t)1 << 20)
#define ARENA_HDR                                                            \
    ((sizeof(arena_block_t) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static arena_block_t *arena_first;
static arena_block_t *arena_cur;

static void *arena_malloc(size_t size)
{
    arena_block_t *b = arena_cur;
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    while (b == NULL || b->cap - b->used < size) {
        if (b != NULL && b->next != NULL) {
            b = b->next;
            b->used = 0;
            continue;
        }
        {
            size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
            arena_block_t *fresh = malloc(ARENA_HDR + cap);
            if (fresh == NULL) {
                return NULL;
            }
            fresh->next = NULL;
            fresh->cap = cap;
            fresh->used = 0;
            if (b != NULL) {
                b->next = fresh;
            } else {
                arena_first = fresh;
            }
            b = fresh;
        }
    }
    arena_cur = b;
    b->used += size;
    return (char *)b + ARENA_HDR + b->used - size;
}

static void arena_free(void *p)
{
    (void)p;
}

/* After each response: everything goes at once; the blocks stay. */
static void arena_reset(void)
{
    arena_cur = arena_first;
    if (arena_cur != NULL) {
        arena_cur->used = 0;
    }
}

static void arena_destroy(void)
{
    while (arena_first != NULL) {
        arena_block_t *next = arena_first->next;
        free(arena_first);
        arena_first = next;
    }
    arena_cur = NULL;
}
#endif

typedef struct buffer {
    char *data;
    size_t len;
    size_t cap;
    int oom;
} buffer_t;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    buffer_t *buf = userdata;
    size_t n = size * nmemb;
    if (buf->len + n + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 16384;
        char *grown = NULL;
        while (cap < buf->len + n + 1) {
            cap *= 2;
        }
        grown = realloc(buf->data, cap);
        if (grown == NULL) {
            buf->oom = 1;
            return 0;
        }
        buf->data = grown;
        buf->cap = cap;
    }
    memcpy(buf->data + buf->len, ptr, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
    return n;
}

/* Reads every value of the document; keys are not counted, as a typed
 * struct has none. */
static void walk(const cJSON *item, bench_tally_t *tally)
{
    const cJSON *child = NULL;
    if (cJSON_IsString(item)) {
        bench_tally_str(tally, item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        bench_tally_num(tally, item->valuedouble);
    } else if (cJSON_IsBool(item)) {
        bench_tally_bool(tally, cJSON_IsTrue(item));
    } else if (cJSON_IsNull(item)) {
        bench_tally_null(tally);
    } else {
        for (child = item->child; child != NULL; child = child->next) {
            walk(child, tally);
        }
    }
}

static int one_request(CURL *curl, buffer_t *buf, bench_tally_t *tally)
{
    CURLcode rc;
    long http_status = 0;
    cJSON *doc = NULL;
    int ok = 0;

    buf->len = 0;
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK || buf->oom) {
        fprintf(stderr, "baseline: %s\n", curl_easy_strerror(rc));
        goto done;
    }
    if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status) !=
            CURLE_OK ||
        http_status != 200) {
        fprintf(stderr, "baseline: HTTP %ld\n", http_status);
        goto done;
    }
    doc = cJSON_ParseWithLength(buf->data, buf->len);
    if (doc == NULL) {
        fprintf(stderr, "baseline: invalid JSON\n");
        goto done;
    }
    walk(doc, tally);
    ok = 1;
done:
#ifdef BENCH_ARENA
    (void)doc; /* the whole tree goes at once */
    arena_reset();
#else
    cJSON_Delete(doc);
#endif
    return ok;
}

int main(int argc, char **argv)
{
    CURL *curl = NULL;
    struct curl_slist *headers = NULL;
    struct curl_slist *grown = NULL;
    buffer_t buf = { NULL, 0, 0, 0 };
    bench_tally_t tally;
    bench_clock_t clock;
    long n = 0;
    long i = 0;
    int ok = 0;
    int setup = 1;
    const char *const header_lines[] = {
        "Authorization: Bearer " BENCH_SECRET_KEY,
        "Clerk-API-Version: " BENCH_API_VERSION,
        "Accept: application/json",
    };
    size_t h;

    if (argc < 3 || argc > 4 || bench_parse_count(argv[2], &n) != 0) {
        fprintf(stderr, "usage: %s URL N [CA_FILE]\n", argv[0]);
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return 1;
    }
#ifdef BENCH_ARENA
    {
        cJSON_Hooks hooks = { arena_malloc, arena_free };
        cJSON_InitHooks(&hooks);
    }
#endif
    curl = curl_easy_init();
    if (curl == NULL) {
        goto done;
    }
    for (h = 0; h < sizeof header_lines / sizeof header_lines[0]; h++) {
        grown = curl_slist_append(headers, header_lines[h]);
        if (grown == NULL) {
            goto done;
        }
        headers = grown;
    }
    /* The same transfer settings as a production client: timeouts, no
     * signals (threads), HTTP/1.1 over a kept-alive connection. */
    setup = curl_easy_setopt(curl, CURLOPT_URL, argv[1]) != CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers) != CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_USERAGENT, "bench-baseline/1") !=
                CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body) !=
                CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf) != CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L) !=
                CURLE_OK ||
            curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 60000L) != CURLE_OK;
    if (!setup && argc == 4) {
        setup = curl_easy_setopt(curl, CURLOPT_CAINFO, argv[3]) != CURLE_OK;
    }
    if (setup) {
        fprintf(stderr, "baseline: curl_easy_setopt failed\n");
        goto done;
    }

    bench_tally_init(&tally);
    if (!one_request(curl, &buf, &tally)) {
        goto done;
    }
    bench_tally_init(&tally);
    bench_clock_start(&clock);
    for (i = 0; i < n; i++) {
        if (!one_request(curl, &buf, &tally)) {
            goto done;
        }
    }
    bench_clock_stop(&clock);
    bench_report(n, &clock, &tally);
    ok = 1;
done:
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    free(buf.data);
#ifdef BENCH_ARENA
    arena_destroy();
#endif
    curl_global_cleanup();
    return ok ? 0 : 1;
}
