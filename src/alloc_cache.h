/*
 * Blocks of decoded values, kept for reuse per thread (src/alloc_cache.c).
 *
 * Every block clerk__alloc_zeroed() / _raw() / _strdup() hand out comes
 * from here: one cJSON_malloc() block with a small header in front that
 * records its size class.  clerk__alloc_release() gives a block back; on a
 * thread that has made API calls (clerk__block_cache_arm()) it is kept in
 * that thread's cache, up to CLERK__BLOCK_CACHE_MAX bytes, and handed out
 * again for the next request of the same class; elsewhere, or beyond the
 * cap, it goes back to cJSON_free().  A steady stream of similar
 * responses then decodes into the blocks the previous one gave back,
 * instead of making the C library give memory to the system and take it
 * back on every call.
 *
 * Any thread may release any block (it joins the releasing thread's
 * cache).  A thread's cache is freed when the thread exits.  Blocks that
 * cJSON takes over (the strings of free-form values) must not come from
 * here: clerk__alloc_json_strdup() makes those.
 */
#ifndef CLERK_ALLOC_CACHE_H
#define CLERK_ALLOC_CACHE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The most a thread keeps in its cache, in bytes of block payload. */
#define CLERK__BLOCK_CACHE_MAX ((size_t)4 * 1024 * 1024)

/* `size` bytes (uninitialised), or NULL.  Size 0 gives a 1-byte block. */
void *clerk__block_get(size_t size);

/* Give back a block from clerk__block_get() (NULL-safe). */
void clerk__block_put(void *p);

/* From now on the calling thread keeps what it releases (API calls do
 * this; a thread that only decodes or frees keeps nothing). */
void clerk__block_cache_arm(void);

/* A zeroed cJSON node (a plain cJSON_malloc() block of sizeof(cJSON), as
 * cJSON_New_Item() makes), from the calling thread's kept nodes when it
 * has one, or NULL. */
cJSON *clerk__json_node_get(void);

/* cJSON_Delete(item) (item, its siblings after it and everything below),
 * except that on a thread that has made calls the nodes are kept for
 * clerk__json_node_get() (within the same cap as blocks). */
void clerk__json_delete(cJSON *item);

/* Free every block and node the calling thread keeps. */
void clerk__block_cache_flush(void);

#endif /* CLERK_ALLOC_CACHE_H */
