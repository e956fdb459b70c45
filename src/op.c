/*
 * The entry points generated code calls, and step 3 of a call: turning the
 * transfer's reply into a detailed response and a typed result.
 */
#include "pager_internal.h"
#include "runtime_internal.h"
#include "alloc_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Decode                                                              */
/* ------------------------------------------------------------------ */

/* Most bytes of one server-supplied piece a message quotes. */
#define QUOTE_MAX 200u

/* How many of the `len` bytes at `s` fit in `max` without cutting a UTF-8
 * character in two. */
static size_t utf8_fit(const char *s, size_t len, size_t max)
{
    size_t n = len;

    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u) {
            n--;
        }
    }
    return n;
}

/* Append at most QUOTE_MAX bytes of server text, cut at a UTF-8 character
 * boundary, with the key masked before anything else is done with it;
 * "..." marks a cut. */
static void append_quote(
    clerk__rtbuf_t *out, const clerk_client_t *client, const char *text)
{
    size_t len = strnlen(text, QUOTE_MAX + 1);
    size_t n = utf8_fit(text, len, QUOTE_MAX);
    bool cut = n < len;

    (void)clerk__redact_append(&client->redact, out, text, n);
    if (cut) {
        clerk__rtbuf_append_str(out, "...");
    }
}

static void http_error_message(
    clerk__meta_block_t *block, const clerk_client_t *client)
{
    clerk__rtbuf_t text = { 0 };
    char head[64];
    const clerk_errors_t *e = block->meta.errors;
    const char *location = clerk_response_header(&block->meta, "Location");
    long code = block->meta.http_status;

    snprintf(head, sizeof(head), "HTTP %ld", code);
    clerk__rtbuf_append_str(&text, head);
    if (code >= 300 && code < 400) {
        clerk__rtbuf_append_str(&text, ": redirect not followed");
        if (location != NULL) {
            clerk__rtbuf_append_str(&text, "; Location: ");
            append_quote(&text, client, location);
        }
    } else if (e != NULL && e->count > 0) {
        const clerk_error_t *first = &e->items[0];
        const char *msg =
            first->long_message != NULL ? first->long_message : first->message;

        clerk__rtbuf_append_str(&text, ": ");
        append_quote(
            &text, client, first->code != NULL ? first->code : "error");
        if (msg != NULL) {
            clerk__rtbuf_append_str(&text, ": ");
            append_quote(&text, client, msg);
        }
    }
    /* Out of memory: the status text alone. */
    clerk__response_set_message(block, client, text.oom ? NULL : text.data);
    clerk__rtbuf_free(&text);
}

/* A paginated op's body wrapped as {"data": [...], "total_count": N}:
 * decoded through a model made for the occasion whose struct starts with
 * the array (so the block is also a valid value block of the array type)
 * followed by the count. */
static clerk_status_t decode_wrapped(
    const clerk__type_t *array_type,
    void **value,
    clerk_opt_int64_t *total_count,
    const char *body,
    size_t len,
    unsigned flags,
    clerk_json_error_t *err)
{
    const size_t align = _Alignof(clerk_opt_int64_t);
    const size_t count_at = (array_type->size + align - 1) / align * align;
    const clerk__field_t fields[] = {
        { "data", 0, array_type, CLERK__F_REQUIRED, 0 },
        { "total_count", count_at, &clerk__type_opt_int, 0, 0 },
    };
    clerk__model_t model;
    void *block = NULL;
    clerk_status_t st;

    memset(&model, 0, sizeof(model));
    model.name = "paginated list";
    model.size = count_at + sizeof(clerk_opt_int64_t);
    model.fields = fields;
    model.field_count = sizeof(fields) / sizeof(fields[0]);
    st = clerk__model_parse(&model, &block, body, len, flags, err);
    if (st != CLERK_OK) {
        return st;
    }
    /* Every array type shares clerk_str_array_t's layout.  The decoder
     * lets a required field be absent outside strict mode; an object
     * without data is not this list, though, whatever the mode. */
    if (((const clerk_str_array_t *)block)->state != CLERK_SET) {
        clerk__value_free(array_type, block);
        snprintf(err->path, sizeof(err->path), "$.data");
        snprintf(
            err->reason, sizeof(err->reason),
            "an object without a data array where a list was expected");
        return CLERK_E_DECODE;
    }
    memcpy(total_count, (const char *)block + count_at, sizeof(*total_count));
    *value = block;
    return CLERK_OK;
}

/* Whether the body's first significant byte opens an object. */
static bool is_object(const char *body, size_t len)
{
    size_t i = 0;

    while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' ||
                       body[i] == '\r')) {
        i++;
    }
    return i < len && body[i] == '{';
}

/* The result struct of an op with `results` for a reply with status
 * `code`: `{ long status; members... }` with the body decoded into the
 * member of the status's row.  A 2xx the op does not declare has no body
 * type: CLERK_E_DECODE.  On failure nothing is left allocated. */
static clerk_status_t decode_results(
    const clerk__op_t *op,
    long code,
    void **out,
    const char *body,
    size_t len,
    unsigned flags,
    clerk_json_error_t *err)
{
    const clerk__op_result_t *row = NULL;
    char *result;
    void *value = NULL;
    size_t i;
    clerk_status_t st;

    *out = NULL;
    for (i = 0; i < op->result_count; i++) {
        if (op->results[i].status == code) {
            row = &op->results[i];
            break;
        }
    }
    if (row == NULL) {
        snprintf(err->path, sizeof(err->path), "$");
        snprintf(
            err->reason, sizeof(err->reason),
            "HTTP %ld is not one of the operation's 2xx statuses, so its "
            "body has no type",
            code);
        return CLERK_E_DECODE;
    }
    result = calloc(1, op->results_size);
    if (result == NULL) {
        return CLERK_E_NOMEM;
    }
    st = clerk__value_parse(row->type, &value, body, len, flags, err);
    if (st != CLERK_OK) {
        if (value != NULL) {
            clerk__value_free(row->type, value);
        }
        free(result);
        return st;
    }
    memcpy(result, &code, sizeof(code));
    memcpy(result + row->offset, &value, sizeof(value));
    *out = result;
    return CLERK_OK;
}

void clerk__op_result_free(const clerk__op_t *op, void *result)
{
    char *r = result;
    void *value;
    size_t i;

    if (r == NULL || op == NULL) {
        return;
    }
    for (i = 0; i < op->result_count; i++) {
        memcpy(&value, r + op->results[i].offset, sizeof(value));
        if (value != NULL) {
            /* Rows of one body type share a member: freed once. */
            clerk__value_free(op->results[i].type, value);
            value = NULL;
            memcpy(r + op->results[i].offset, &value, sizeof(value));
        }
    }
    free(r);
}

void *clerk__response_new(
    const clerk__op_t *op, clerk__meta_block_t **block, void ***data)
{
    clerk__paged_block_t *paged;
    clerk__typed_block_t *typed;

    *block = NULL;
    *data = NULL;
    if (op != NULL && op->result_type != NULL && op->paginated) {
        paged = calloc(1, sizeof(*paged));
        if (paged == NULL) {
            return NULL;
        }
        *block = &paged->m;
        *data = &paged->data;
        return paged;
    }
    if (clerk__op_has_result(op)) {
        typed = calloc(1, sizeof(*typed));
        if (typed == NULL) {
            return NULL;
        }
        *block = &typed->m;
        *data = &typed->data;
        return typed;
    }
    *block = calloc(1, sizeof(**block));
    return *block;
}

/* Whether `code` is one of the op's 2xx without a body. */
static bool bodiless(const clerk__op_t *op, long code)
{
    const long *s = op->bodiless_statuses;

    for (; s != NULL && *s != 0; s++) {
        if (*s == code) {
            return true;
        }
    }
    return false;
}

void clerk__response_decode(
    const clerk_client_t *client,
    const clerk__op_t *op,
    clerk__reply_t *reply,
    void **data,
    clerk__meta_block_t *block)
{
    clerk_json_error_t err;
    char text[448];
    void *value = NULL;
    long code = reply->http_status;
    clerk_status_t st;

    /* Threads that make calls keep the blocks of decoded values they
     * free, for the next response (alloc_cache.h). */
    clerk__block_cache_arm();
    if (reply->status == CLERK_E_TOO_LARGE) {
        /* Drop the partial body: it can be up to the limit in size. */
        clerk__rtbuf_free(&reply->body);
    }
    clerk__response_take_reply(block, reply);
    if (reply->status != CLERK_OK) {
        block->meta.status = reply->status;
        clerk__response_set_message(block, client, reply->message);
        return;
    }
    if (code < 200 || code > 299) {
        block->meta.status = CLERK_E_HTTP;
        clerk__response_parse_errors(block);
        http_error_message(block, client);
        return;
    }
    block->meta.status = CLERK_OK;
    block->meta.message = clerk_status_str(CLERK_OK);
    if (!clerk__op_has_result(op) || data == NULL || bodiless(op, code)) {
        return;
    }
    memset(&err, 0, sizeof(err));
    if (op->result_count > 0) {
        /* On failure decode_results() leaves value NULL. */
        st = decode_results(
            op, code, &value, block->meta.body, block->meta.body_len,
            client->strict ? CLERK_DECODE_STRICT : 0u, &err);
    } else if (
        op->paginated && is_object(block->meta.body, block->meta.body_len)) {
        /* data is the first member of a paged block (see the header). */
        clerk__paged_block_t *paged = (clerk__paged_block_t *)(void *)data;

        st = decode_wrapped(
            op->result_type, &value, &paged->total_count, block->meta.body,
            block->meta.body_len, client->strict ? CLERK_DECODE_STRICT : 0u,
            &err);
    } else {
        st = clerk__value_parse(
            op->result_type, &value, block->meta.body, block->meta.body_len,
            client->strict ? CLERK_DECODE_STRICT : 0u, &err);
    }
    if (st == CLERK_OK) {
        *data = value;
        return;
    }
    if (value != NULL) {
        clerk__value_free(op->result_type, value);
    }
    block->meta.status = st == CLERK_E_NOMEM ? CLERK_E_NOMEM : CLERK_E_DECODE;
    if (err.path[0] != '\0') {
        size_t n = strnlen(err.path, sizeof(err.path));

        block->owned.json_path = malloc(n + 1);
        if (block->owned.json_path != NULL) {
            memcpy(block->owned.json_path, err.path, n);
            block->owned.json_path[n] = '\0';
            block->meta.json_path = block->owned.json_path;
        }
    }
    snprintf(
        text, sizeof(text), "%s: %.*s%s%.*s",
        clerk_status_str(block->meta.status), (int)sizeof(err.reason),
        err.reason[0] != '\0' ? err.reason : "invalid body",
        err.path[0] != '\0' ? " at " : "", (int)sizeof(err.path), err.path);
    clerk__response_set_message(block, client, text);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

/* One call.  `body_cap` non-NULL: a plain call, whose response body is
 * not handed to the caller: the body is received into a buffer the client
 * kept (clerk__spare_body_take()), and *body_cap says its capacity, for
 * plain_done() to give it back. */
static clerk_status_t op_call(
    void **out,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body,
    size_t *body_cap)
{
    clerk__meta_block_t *block;
    void **data = NULL;
    void *result;
    clerk__request_t req;
    clerk__reply_t reply;
    char message[256];
    clerk_status_t st;

    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    memset(&req, 0, sizeof(req));
    memset(&reply, 0, sizeof(reply));
    result = clerk__response_new(op, &block, &data);
    if (result == NULL) {
        return CLERK_E_NOMEM;
    }
    block->meta.body = "";

    if (client == NULL || op == NULL) {
        block->meta.status = CLERK_E_INVALID_ARG;
        clerk__response_set_message(
            block, NULL,
            client == NULL ? "client is NULL" : "operation is NULL");
        goto done;
    }
    st = clerk__request_build(
        client, op, path_args, params, body, &req, message, sizeof(message));
    if (st != CLERK_OK) {
        block->meta.status = st;
        clerk__response_set_message(block, client, message);
        goto done;
    }
    if (body_cap != NULL) {
        clerk__spare_body_take(client, &reply.body);
    }
    clerk__transfer(client, &req, &reply);
    if (body_cap != NULL) {
        *body_cap = reply.body.oom ? 0 : reply.body.cap;
    }
    clerk__response_decode(client, op, &reply, data, block);
done:
    clerk__request_free(&req);
    clerk__reply_free(&reply);
    *out = result;
    return block->meta.status;
}

clerk_status_t clerk__op_detailed(
    void **out,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body)
{
    return op_call(out, client, op, path_args, params, body, NULL);
}

/* The end of a plain call: its receive buffer (now the response's body)
 * goes back to the client for the next call, then the response is freed
 * (the typed result taken out of it already). */
static void plain_done(
    clerk_client_t *client,
    const clerk__op_t *op,
    void *response,
    size_t body_cap)
{
    clerk__meta_block_t *block = NULL;

    if (response != NULL && client != NULL && op != NULL) {
        if (!clerk__op_has_result(op)) {
            block = response;
        } else if (op->paginated) {
            block = &((clerk__paged_block_t *)response)->m;
        } else {
            block = &((clerk__typed_block_t *)response)->m;
        }
        if (block->owned.body != NULL && block->meta.body_len < body_cap) {
            clerk__spare_body_keep(client, block->owned.body, body_cap);
            block->owned.body = NULL;
            block->meta.body = "";
            block->meta.body_len = 0;
        }
    }
    clerk__op_response_free(op, response);
}

void clerk__op_response_free(const clerk__op_t *op, void *response)
{
    clerk__paged_block_t *paged;
    clerk__typed_block_t *typed;

    if (response == NULL) {
        return;
    }
    if (op != NULL && op->result_type != NULL && op->paginated) {
        paged = response;
        if (paged->data != NULL) {
            clerk__value_free(op->result_type, paged->data);
        }
        clerk__response_release(&paged->m);
        free(paged);
        return;
    }
    if (clerk__op_has_result(op)) {
        typed = response;
        if (typed->data != NULL && op->result_count > 0) {
            clerk__op_result_free(op, typed->data);
        } else if (typed->data != NULL) {
            clerk__value_free(op->result_type, typed->data);
        }
        clerk__response_release(&typed->m);
        free(typed);
        return;
    }
    clerk_response_free(response);
}

/* The calling thread's record of its last plain call. */
static _Thread_local clerk_error_info_t last_error;

const clerk_error_info_t *clerk_last_error(void)
{
    return &last_error;
}

/* Copy `src` (may be NULL) into a fixed buffer, cut on a UTF-8 boundary. */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = src != NULL ? utf8_fit(src, strlen(src), size - 1) : 0;

    if (n > 0) {
        memcpy(dst, src, n);
    }
    dst[n] = '\0';
}

/* Record the outcome of a plain call (response may be NULL: no memory). */
static void remember(const clerk__op_t *op, void *response, clerk_status_t st)
{
    const clerk_response_t *meta = NULL;

    if (response != NULL && clerk__op_has_result(op)) {
        meta = op->paginated ? &((clerk__paged_block_t *)response)->m.meta
                             : &((clerk__typed_block_t *)response)->m.meta;
    } else if (response != NULL) {
        meta = response;
    }
    clerk__last_error_set(meta, st);
}

void clerk__last_error_set(const clerk_response_t *meta, clerk_status_t st)
{
    last_error.status = meta != NULL ? meta->status : st;
    last_error.http_status = meta != NULL ? meta->http_status : 0;
    copy_text(
        last_error.message, sizeof(last_error.message),
        meta != NULL ? meta->message : clerk_status_str(st));
    copy_text(
        last_error.code, sizeof(last_error.code),
        meta != NULL && meta->errors != NULL && meta->errors->count > 0
            ? meta->errors->items[0].code
            : NULL);
}

void clerk__last_error_text(clerk_status_t st, const char *message)
{
    last_error.status = st;
    last_error.http_status = 0;
    copy_text(
        last_error.message, sizeof(last_error.message),
        message != NULL ? message : clerk_status_str(st));
    last_error.code[0] = '\0';
}

void *clerk__op_plain(
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body)
{
    void *response = NULL;
    void *data = NULL;
    size_t body_cap = 0;
    clerk_status_t st;

    st = op_call(&response, client, op, path_args, params, body, &body_cap);
    remember(op, response, st);
    if (response != NULL && clerk__op_has_result(op)) {
        /* data is the first member of typed and paged blocks alike. */
        void **slot = response;

        data = *slot;
        *slot = NULL;
    }
    plain_done(client, op, response, body_cap);
    return data;
}

clerk_status_t clerk__op_status(
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body)
{
    void *response = NULL;
    size_t body_cap = 0;
    clerk_status_t st;

    st = op_call(&response, client, op, path_args, params, body, &body_cap);
    remember(op, response, st);
    plain_done(client, op, response, body_cap);
    return st;
}
