/**
 * @file clerk/pager.h
 * @brief Walking every page of a list operation, one page in memory.
 *
 * Every list operation (one that takes `limit` and `offset` query
 * parameters) has two generated companions next to its plain call:
 *
 *     clerk_status_t clerk_users_list_pager(clerk_pager_t **out,
 *         clerk_client_t *client, const clerk_users_list_params_t *params,
 *         unsigned page_size);
 *     const clerk_user_t *clerk_users_list_next(clerk_pager_t *pager);
 *
 * The first makes a pager (nothing is sent yet); the second hands out the
 * items one at a time, fetching the next page when the current one is used
 * up:
 *
 *     clerk_pager_t *pager = NULL;
 *     const clerk_user_t *user;
 *
 *     if (clerk_users_list_pager(&pager, client, NULL, 100) != CLERK_OK)
 *         return -1;
 *     while ((user = clerk_users_list_next(pager)) != NULL)
 *         printf("%s\n", user->id);
 *     if (clerk_pager_progress(pager)->status != CLERK_OK)
 *         fprintf(stderr, "stopped after %zu users: %s\n",
 *                 clerk_pager_progress(pager)->items,
 *                 clerk_pager_progress(pager)->response->message);
 *     clerk_pager_free(pager);
 *
 * Pages: each page is one `_detailed` call with `limit` = the page size
 * and `offset` advanced by the number of items received, starting at the
 * params' own `offset` (0 when unset).  The walk ends after a page shorter
 * than the page size (an empty page included), or, when the response
 * carries `total_count` (list models such as clerk_organizations_t, and the
 * `paginated=true` answers), as soon as `offset` reaches it, so a list
 * whose size is a multiple of the page size costs no extra empty request
 * then.  Every other member of `params` is sent with every page, as given.
 *
 * Memory: the pager holds one page (one detailed response) at a time; the
 * previous page is freed when the next one is fetched.
 *
 * Ownership: an item returned by `clerk_<op>_next()` is borrowed from the
 * pager: it stays valid until the next call of `clerk_<op>_next()` on the
 * same pager or clerk_pager_free(), whichever comes first.  Copy what you
 * need to keep (e.g. strdup(user->id)).  The pager copies `params` (the
 * struct) and the path parameters (the strings) when it is made; the
 * strings and arrays that `params` points at are borrowed and must live as
 * long as the pager.
 *
 * Retries and errors: each page is a complete call, so the client's retry
 * policy, deadline, rate limit and hooks apply to each page on its own.
 * When a page fails for good, `clerk_<op>_next()` returns NULL and
 * clerk_pager_progress() says how far the walk got: items handed out,
 * pages fetched, the offset of the failed page and the failed page's whole
 * detailed response (HTTP status, parsed Clerk errors, message).  The
 * thread's clerk_last_error() is set too, as by a plain call.  Calling
 * `clerk_<op>_next()` again after a failure fetches the failed page again,
 * so a walk can be resumed where it stopped.
 *
 * Threads: a pager is used by one thread at a time; its client may be
 * shared as usual.  The pages may change while they are walked (users
 * created or deleted in between); limit/offset paging cannot see such
 * changes, so an item may be missed or handed out twice then.
 */
#ifndef CLERK_PAGER_H
#define CLERK_PAGER_H

#include <clerk/common.h>
#include <clerk/response.h>
#include <clerk/status.h>
#include <clerk/types.h>

CLERK_BEGIN_DECL

/** A walk over every page of one list call; opaque. */
typedef struct clerk_pager clerk_pager_t;

/** Page size used when 0 is given and params has no `limit`. */
#define CLERK_PAGER_DEFAULT_PAGE_SIZE 100u

/** Largest page size the API accepts (the spec's `limit` maximum). */
#define CLERK_PAGER_MAX_PAGE_SIZE 500u

/** How far a pager got; see clerk_pager_progress(). */
typedef struct clerk_pager_progress {
    /** CLERK_OK while the walk goes well and once it is done; else why the
     *  last page failed (`response` has the details). */
    clerk_status_t status;
    /** Every item has been handed out (the walk ended normally). */
    bool done;
    /** Items handed out so far. */
    size_t items;
    /** Pages fetched successfully (a final empty page included). */
    size_t pages;
    /** Offset of the next page to fetch; after a failure, of the page
     *  that failed (the one the next `clerk_<op>_next()` asks for again). */
    int64_t offset;
    /** The page size in use (`limit` of every request). */
    int64_t page_size;
    /** The list's size as the last page gave it, when it did. */
    clerk_opt_int64_t total_count;
    /** The failed page's detailed response (status, HTTP status, message,
     *  parsed Clerk errors, headers, body); NULL unless status is an
     *  error.  Owned by the pager, valid until its next use or free. */
    const clerk_response_t *response;
} clerk_pager_progress_t;

/**
 * How far a pager got, and why it stopped.
 *
 * @param pager A pager, or NULL.
 * @return The pager's progress, owned by the pager and valid until its
 *         next use or clerk_pager_free(); for NULL, a static record with
 *         status CLERK_E_INVALID_ARG.
 */
CLERK_EXTERN const clerk_pager_progress_t *clerk_pager_progress(
    const clerk_pager_t *pager);

/**
 * Free a pager and the page it holds.  Items it handed out become invalid.
 *
 * @param pager The pager, or NULL (no-op).
 */
CLERK_EXTERN void clerk_pager_free(clerk_pager_t *pager);

CLERK_END_DECL

#endif /* CLERK_PAGER_H */
