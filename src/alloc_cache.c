/*
 * Blocks of decoded values, kept for reuse per thread: see alloc_cache.h.
 *
 * Why: a decoded list of 100 users is some 44,000 small blocks (2.4 MB of
 * heap).  Freed, glibc merges them into the top of the heap and gives it
 * back to the system (brk), and the next response takes it again: the
 * kernel zero-fills every page anew, some 500 page faults per call.  Kept
 * here, the same blocks serve the next response.
 *
 * Size classes (payload bytes): multiples of 16 up to 512, then four per
 * doubling up to 256 KiB.  Larger blocks are not kept.  A block is one
 * cJSON_malloc() of header + class size; the header records the class.
 */
#include "alloc_cache.h"

#include <clerk/client.h>

#include <cjson/cJSON.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define CLERK__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLERK__ASAN 1
#endif
#endif
#ifdef CLERK__ASAN
#include <sanitizer/asan_interface.h>
/* A kept block is poisoned: a use after free still trips ASan. */
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define SMALL_MAX   512u          /* classes 1..32: 16, 32, ..., 512 */
#define LARGE_MAX   (256u * 1024) /* classes 33..68: 4 per doubling */
#define CLASS_COUNT 69u           /* class 0: not kept */

/* In front of every block; 8 bytes keep the payload aligned for every
 * decoded type (pointers, int64_t, double). */
typedef union block_hdr {
    size_t cls;
    void *p;
    double d;
    long long ll;
} block_hdr_t;

/* Kept blocks are recorded in one array (a stack) per class, not linked
 * through the blocks themselves: handing a block out or taking it back
 * then never reads or writes the block (a linked list made every get
 * wait for a cache miss on the block it hands out, to read the next
 * one).  The arrays hold the blocks' start (their header), so leak
 * checkers see the blocks as reachable. */
/* Kept blocks of one size: pushed when freed, popped when wanted. */
typedef struct kept {
    void **items;
    size_t count;
    size_t cap;
} kept_t;

typedef struct block_cache {
    kept_t blocks[CLASS_COUNT]; /* block headers, by class */
    kept_t nodes;               /* nodes of free-form values (cJSON items) */
    size_t bytes;               /* payload bytes kept, nodes included */
    bool armed;
    bool registered; /* with the thread-exit key */
} block_cache_t;

static _Thread_local block_cache_t cache;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static bool key_ok;

static size_t class_of(size_t size)
{
    size_t b = 9;
    size_t base;
    size_t step;

    if (size <= SMALL_MAX) {
        return size == 0 ? 1 : (size + 15) / 16;
    }
    if (size > LARGE_MAX) {
        return 0;
    }
    while (((size_t)1 << (b + 1)) < size) {
        b++;
    }
    base = (size_t)1 << b;
    step = base / 4;
    return 32 + (b - 9) * 4 + (size - 1 - base) / step + 1;
}

static size_t class_size(size_t cls)
{
    size_t j;
    size_t b;

    if (cls <= 32) {
        return cls * 16;
    }
    j = cls - 33;
    b = 9 + j / 4;
    return ((size_t)1 << b) + (j % 4 + 1) * ((size_t)1 << (b - 2));
}

void *clerk__block_get(size_t size)
{
    size_t cls = class_of(size);
    size_t need;
    block_hdr_t *h;

    if (cls != 0) {
        need = class_size(cls);
        if (cache.blocks[cls].count > 0) {
            h = cache.blocks[cls].items[--cache.blocks[cls].count];
            UNPOISON(h + 1, need);
            cache.bytes -= need;
            return h + 1;
        }
    } else {
        need = size;
        if (need > SIZE_MAX - sizeof(block_hdr_t)) {
            return NULL;
        }
    }
    h = cJSON_malloc(sizeof(block_hdr_t) + need);
    if (h == NULL) {
        return NULL;
    }
    h->cls = cls;
    return h + 1;
}

/* Record `p` in `k` (whose array starts with `first` slots, then
 * doubles); false when the array cannot grow. */
static bool kept_push(kept_t *k, void *p, size_t first)
{
    size_t cap;
    void **grown;

    if (k->count == k->cap) {
        cap = k->cap == 0 ? first : k->cap * 2;
        grown = realloc(k->items, cap * sizeof(*grown));
        if (grown == NULL) {
            return false;
        }
        k->items = grown;
        k->cap = cap;
    }
    k->items[k->count++] = p;
    return true;
}

/* Free every kept block of `k` (payloads of `size` bytes after `skip`
 * header bytes), and the array that recorded them. */
static void kept_flush(kept_t *k, size_t skip, size_t size)
{
    char *p;

    while (k->count > 0) {
        p = k->items[--k->count];
        UNPOISON(p + skip, size);
        cJSON_free(p);
    }
    free(k->items);
    k->items = NULL;
    k->cap = 0;
}

void clerk__block_put(void *p)
{
    block_hdr_t *h;
    size_t n;

    if (p == NULL) {
        return;
    }
    h = (block_hdr_t *)p - 1;
    if (h->cls != 0 && cache.armed) {
        n = class_size(h->cls);
        if (n <= CLERK__BLOCK_CACHE_MAX - cache.bytes &&
            kept_push(&cache.blocks[h->cls], h, 64)) {
            cache.bytes += n;
            POISON(p, n);
            return;
        }
    }
    cJSON_free(h);
}

/* ------------------------------------------------------------------ */
/* Nodes of free-form values                                          */
/* ------------------------------------------------------------------ */

/* A node is a plain cJSON_malloc() block of sizeof(cJSON), as cJSON makes
 * them (no header: the application may take one out of a decoded tree
 * and free it with cJSON_Delete()).  Strings of free-form values are not
 * kept: the size of their block cannot be told from the string. */

cJSON *clerk__json_node_get(void)
{
    cJSON *item;

    if (cache.nodes.count > 0) {
        item = cache.nodes.items[--cache.nodes.count];
        UNPOISON(item, sizeof(cJSON));
        cache.bytes -= sizeof(cJSON);
    } else {
        item = cJSON_malloc(sizeof(cJSON));
        if (item == NULL) {
            return NULL;
        }
    }
    memset(item, 0, sizeof(*item));
    return item;
}

static void node_put(cJSON *item)
{
    if (cache.armed && sizeof(cJSON) <= CLERK__BLOCK_CACHE_MAX - cache.bytes &&
        kept_push(&cache.nodes, item, 256)) {
        cache.bytes += sizeof(cJSON);
        POISON(item, sizeof(cJSON));
        return;
    }
    cJSON_free(item);
}

void clerk__json_delete(cJSON *item)
{
    cJSON *next;

    /* cJSON_Delete(), step for step, but the nodes go to node_put(). */
    while (item != NULL) {
        next = item->next;
        if ((item->type & cJSON_IsReference) == 0) {
            if (item->child != NULL) {
                clerk__json_delete(item->child);
            }
            if (item->valuestring != NULL) {
                cJSON_free(item->valuestring);
            }
        }
        if ((item->type & cJSON_StringIsConst) == 0 && item->string != NULL) {
            cJSON_free(item->string);
        }
        node_put(item);
        item = next;
    }
}

/* Free every kept block, and the arrays that recorded them. */
static void flush(block_cache_t *c)
{
    size_t cls;

    for (cls = 1; cls < CLASS_COUNT; cls++) {
        kept_flush(&c->blocks[cls], sizeof(block_hdr_t), class_size(cls));
    }
    kept_flush(&c->nodes, 0, sizeof(cJSON));
    c->bytes = 0;
}

void clerk__block_cache_flush(void)
{
    flush(&cache);
}

void clerk_thread_memory_release(void)
{
    flush(&cache);
}

/* At thread exit: the cache goes, and nothing is kept any more. */
static void on_thread_exit(void *c)
{
    ((block_cache_t *)c)->armed = false;
    flush(c);
}

static void make_key(void)
{
    key_ok = pthread_key_create(&key, on_thread_exit) == 0;
}

void clerk__block_cache_arm(void)
{
    if (cache.armed) {
        return;
    }
    if (!cache.registered) {
        (void)pthread_once(&key_once, make_key);
        /* Without the exit hook nothing is kept: it would leak. */
        if (!key_ok || pthread_setspecific(key, &cache) != 0) {
            return;
        }
        cache.registered = true;
    }
    cache.armed = true;
}
