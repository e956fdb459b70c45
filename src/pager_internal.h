/*
 * Pagers (include/clerk/pager.h): the descriptor generated code gives the
 * runtime for each list operation.  Not installed, not API.
 */
#ifndef CLERK_PAGER_INTERNAL_H
#define CLERK_PAGER_INTERNAL_H

#include "clerk_internal.h"

#include <clerk/pager.h>

#include <stddef.h>

/* Where a page's list carries the list's total size. */
typedef enum clerk__pager_total {
    CLERK__PAGER_TOTAL_NONE = 0, /* nowhere (a bare array result) */
    CLERK__PAGER_TOTAL_INT,      /* clerk_opt_int64_t at total_at */
    CLERK__PAGER_TOTAL_NUM       /* clerk_opt_double_t at total_at */
} clerk__pager_total_t;

/* A list operation as a pager walks it.  The items are an array (every
 * array type shares clerk_str_array_t's { items, count, state } layout)
 * with items of item_size bytes stored by value: either the result itself
 * (items_in_model false) or a member of the result model at items_at.  A
 * `paginated` op's detailed response has its own total_count, used when
 * the body came wrapped. */
typedef struct clerk__pager_op {
    const clerk__op_t *op;
    size_t params_size; /* sizeof(clerk_<op>_params_t) */
    size_t limit_at;    /* offsetof(params, limit), a clerk_opt_int64_t */
    size_t offset_at;   /* offsetof(params, offset), likewise */
    bool params_num;    /* limit and offset are clerk_opt_double_t */
    bool items_in_model;
    size_t items_at;
    clerk__pager_total_t total;
    size_t total_at;
    size_t item_size;
} clerk__pager_op_t;

/* clerk_<op>_pager(): a pager for `desc`, nothing sent yet. */
clerk_status_t clerk__pager_new(
    clerk_pager_t **out,
    clerk_client_t *client,
    const clerk__pager_op_t *desc,
    const char *const *path_args,
    const void *params,
    unsigned page_size);

/* clerk_<op>_next(): the next item, or NULL at the end or on failure
 * (also when the pager was made for another operation than `desc`). */
const void *clerk__pager_next(
    clerk_pager_t *pager, const clerk__pager_op_t *desc);

#endif /* CLERK_PAGER_INTERNAL_H */
