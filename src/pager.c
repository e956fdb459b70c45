/*
 * Pagers: walk every page of a list operation with limit/offset, holding
 * one page (one detailed response) at a time.  See include/clerk/pager.h.
 */
#include "pager_internal.h"
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct clerk_pager {
    clerk_client_t *client;
    const clerk__pager_op_t *desc;
    char **path_args;  /* copies, desc->op->path_arg_count of them */
    void *params;      /* a copy of the caller's struct, limit/offset ours */
    void *response;    /* the page held, or the failed page, or NULL */
    const char *items; /* the page's items, by value */
    size_t count;      /* items on the page */
    size_t index;      /* next item to hand out */
    bool last_page;    /* the page held is the last one */
    clerk_pager_progress_t progress;
};

static const clerk_pager_progress_t no_pager = {
    CLERK_E_INVALID_ARG, false, 0, 0, 0, 0, { CLERK_UNSET, 0 }, NULL
};

/* The response's clerk_response_t (typed or paged block). */
static const clerk_response_t *meta_of(const clerk__op_t *op, void *response)
{
    return op->paginated ? &((clerk__paged_block_t *)response)->m.meta
                         : &((clerk__typed_block_t *)response)->m.meta;
}

/* Read the limit or offset member at `at` (an integer, or a number in
 * the few operations whose spec types them so) as an integer; a number
 * that is not a whole one within 2^53 reads as state 3, never valid. */
static clerk_opt_int64_t param_get(const clerk_pager_t *p, size_t at)
{
    const char *where = (const char *)p->params + at;
    clerk_opt_int64_t v;
    clerk_opt_double_t d;

    if (!p->desc->params_num) {
        memcpy(&v, where, sizeof(v));
        return v;
    }
    memcpy(&d, where, sizeof(d));
    v.state = d.state;
    v.value = 0;
    if (d.state == CLERK_SET) {
        if (d.value >= -9007199254740992.0 && d.value <= 9007199254740992.0 &&
            d.value == (double)(int64_t)d.value) {
            v.value = (int64_t)d.value;
        } else {
            v.state = (clerk_presence_t)3;
        }
    }
    return v;
}

static void param_set(clerk_pager_t *p, size_t at, int64_t value)
{
    char *where = (char *)p->params + at;
    clerk_opt_int64_t v = { CLERK_SET, value };
    clerk_opt_double_t d = { CLERK_SET, (double)value };

    if (p->desc->params_num) {
        memcpy(where, &d, sizeof(d));
    } else {
        memcpy(where, &v, sizeof(v));
    }
}

/* Refuse a limit/offset the caller set wrongly, saying which and why. */
static clerk_status_t check_param(
    const clerk_opt_int64_t *v, const char *name, int64_t min, int64_t max)
{
    char text[160];

    if (v->state == CLERK_UNSET) {
        return CLERK_OK;
    }
    if (v->state == CLERK_SET && v->value >= min && v->value <= max) {
        return CLERK_OK;
    }
    if (v->state != CLERK_SET && v->state != CLERK_NULL) {
        snprintf(
            text, sizeof(text),
            "pager: params.%s is not CLERK_UNSET or a whole number set with "
            "CLERK_INT(n) (or CLERK_DOUBLE(n))",
            name);
    } else {
        snprintf(
            text, sizeof(text),
            "pager: params.%s must be CLERK_UNSET or an integer from %lld "
            "to %lld",
            name, (long long)min, (long long)max);
    }
    clerk__last_error_text(CLERK_E_INVALID_ARG, text);
    return CLERK_E_INVALID_ARG;
}

clerk_status_t clerk__pager_new(
    clerk_pager_t **out,
    clerk_client_t *client,
    const clerk__pager_op_t *desc,
    const char *const *path_args,
    const void *params,
    unsigned page_size)
{
    clerk_pager_t *p = NULL;
    clerk_opt_int64_t limit;
    clerk_opt_int64_t offset;
    size_t n = desc->op->path_arg_count;
    size_t i;
    size_t len;
    clerk_status_t st = CLERK_E_NOMEM;

    if (out == NULL || client == NULL) {
        clerk__last_error_text(
            CLERK_E_INVALID_ARG,
            out == NULL ? "pager: out is NULL" : "pager: client is NULL");
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (page_size > CLERK_PAGER_MAX_PAGE_SIZE) {
        char text[96];

        snprintf(
            text, sizeof(text), "pager: page_size %u is above the API's %u",
            page_size, CLERK_PAGER_MAX_PAGE_SIZE);
        clerk__last_error_text(CLERK_E_INVALID_ARG, text);
        return CLERK_E_INVALID_ARG;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        goto done;
    }
    p->client = client;
    p->desc = desc;
    p->params = calloc(1, desc->params_size);
    p->path_args = calloc(n > 0 ? n : 1, sizeof(char *));
    if (p->params == NULL || p->path_args == NULL) {
        goto done;
    }
    if (params != NULL) {
        memcpy(p->params, params, desc->params_size);
    }
    for (i = 0; i < n; i++) {
        if (path_args[i] == NULL) {
            continue; /* refused by the first page, naming the parameter */
        }
        len = strlen(path_args[i]);
        p->path_args[i] = malloc(len + 1);
        if (p->path_args[i] == NULL) {
            goto done;
        }
        memcpy(p->path_args[i], path_args[i], len + 1);
    }
    limit = param_get(p, desc->limit_at);
    offset = param_get(p, desc->offset_at);
    st = check_param(&limit, "limit", 1, CLERK_PAGER_MAX_PAGE_SIZE);
    if (st == CLERK_OK) {
        st = check_param(&offset, "offset", 0, INT64_MAX / 2);
    }
    if (st != CLERK_OK) {
        goto done;
    }
    if (page_size == 0) {
        page_size = limit.state == CLERK_SET ? (unsigned)limit.value
                                             : CLERK_PAGER_DEFAULT_PAGE_SIZE;
    }
    p->progress.status = CLERK_OK;
    p->progress.page_size = page_size;
    p->progress.offset = offset.state == CLERK_SET ? offset.value : 0;
    *out = p;
    p = NULL;
    st = CLERK_OK;
done:
    if (st == CLERK_E_NOMEM) {
        clerk__last_error_text(CLERK_E_NOMEM, NULL);
    }
    clerk_pager_free(p);
    return st;
}

/* Take the page in p->response: its items, and whether it is the last. */
static void take_page(clerk_pager_t *p)
{
    const clerk__pager_op_t *d = p->desc;
    void *data = *(void **)p->response; /* first member of every block */
    const clerk_str_array_t *array = NULL;
    clerk_opt_int64_t total = { CLERK_UNSET, 0 };

    if (data != NULL && d->items_in_model) {
        const char *model = data;

        array = (const clerk_str_array_t *)(const void *)(model + d->items_at);
        if (d->total == CLERK__PAGER_TOTAL_INT) {
            memcpy(&total, model + d->total_at, sizeof(total));
        } else if (d->total == CLERK__PAGER_TOTAL_NUM) {
            clerk_opt_double_t num;

            memcpy(&num, model + d->total_at, sizeof(num));
            if (num.state == CLERK_SET && num.value >= 0 &&
                num.value < 9007199254740992.0) {
                total.state = CLERK_SET;
                total.value = (int64_t)num.value;
            }
        }
    } else if (data != NULL) {
        array = data;
    }
    if (d->op->paginated) {
        total = ((clerk__paged_block_t *)p->response)->total_count;
    }
    p->items = array != NULL ? (const char *)array->items : NULL;
    p->count = array != NULL && p->items != NULL ? array->count : 0;
    p->index = 0;
    p->progress.pages++;
    p->progress.offset += (int64_t)p->count;
    if (total.state == CLERK_SET) {
        p->progress.total_count = total;
    }
    p->last_page =
        p->count < (size_t)p->progress.page_size ||
        (total.state == CLERK_SET && p->progress.offset >= total.value);
}

/* Fetch the page at progress.offset; false when it failed. */
static bool fetch(clerk_pager_t *p)
{
    const clerk__op_t *op = p->desc->op;
    const clerk_response_t *meta;
    clerk_status_t st;

    clerk__op_response_free(op, p->response);
    p->response = NULL;
    p->items = NULL;
    p->count = 0;
    p->index = 0;
    p->progress.response = NULL;
    param_set(p, p->desc->limit_at, p->progress.page_size);
    param_set(p, p->desc->offset_at, p->progress.offset);
    st = clerk__op_detailed(
        &p->response, p->client, op, (const char *const *)p->path_args,
        p->params, NULL);
    if (p->response == NULL) {
        p->progress.status = st;
        clerk__last_error_set(NULL, st);
        return false;
    }
    meta = meta_of(op, p->response);
    clerk__last_error_set(meta, st);
    p->progress.status = st;
    if (st != CLERK_OK) {
        p->progress.response = meta;
        return false;
    }
    take_page(p);
    return true;
}

const void *clerk__pager_next(
    clerk_pager_t *pager, const clerk__pager_op_t *desc)
{
    const void *item;

    if (pager == NULL) {
        clerk__last_error_text(CLERK_E_INVALID_ARG, "pager is NULL");
        return NULL;
    }
    if (pager->desc != desc) {
        clerk__last_error_text(
            CLERK_E_INVALID_ARG,
            "pager: made for another operation than this _next function's");
        return NULL;
    }
    while (pager->index >= pager->count) {
        if (pager->progress.done) {
            return NULL;
        }
        if (pager->response != NULL && pager->progress.status == CLERK_OK &&
            pager->last_page) {
            /* The last page is used up: let it go now. */
            clerk__op_response_free(desc->op, pager->response);
            pager->response = NULL;
            pager->items = NULL;
            pager->count = 0;
            pager->progress.done = true;
            return NULL;
        }
        if (!fetch(pager)) {
            return NULL;
        }
    }
    item = pager->items + pager->index * desc->item_size;
    pager->index++;
    pager->progress.items++;
    return item;
}

const clerk_pager_progress_t *clerk_pager_progress(const clerk_pager_t *pager)
{
    return pager != NULL ? &pager->progress : &no_pager;
}

void clerk_pager_free(clerk_pager_t *pager)
{
    size_t i;

    if (pager == NULL) {
        return;
    }
    clerk__op_response_free(pager->desc->op, pager->response);
    if (pager->path_args != NULL) {
        for (i = 0; i < pager->desc->op->path_arg_count; i++) {
            free(pager->path_args[i]);
        }
        free(pager->path_args);
    }
    free(pager->params);
    free(pager);
}
