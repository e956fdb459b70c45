/*
 * The entry points generated code calls, and step 3 of a call: turning the
 * transfer's reply into a detailed response and a typed result.
 */
#include "runtime_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Decode                                                              */
/* ------------------------------------------------------------------ */

/* Most bytes of one server-supplied piece a message quotes. */
#define QUOTE_MAX 200u

/* Append at most QUOTE_MAX bytes of server text, cut at a UTF-8 character
 * boundary, with the key masked before anything else is done with it;
 * "..." marks a cut. */
static void append_quote(
    clerk__rtbuf_t *out, const clerk_client_t *client, const char *text)
{
    size_t n = strnlen(text, QUOTE_MAX + 1);
    bool cut = n > QUOTE_MAX;

    if (cut) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0u) == 0x80u) {
            n--;
        }
    }
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
    if (op->result_type == NULL || data == NULL) {
        return;
    }
    memset(&err, 0, sizeof(err));
    st = clerk__value_parse(
        op->result_type, &value, block->meta.body, block->meta.body_len,
        client->strict ? CLERK_DECODE_STRICT : 0u, &err);
    if (st == CLERK_OK) {
        *data = value;
        return;
    }
    clerk__value_free(op->result_type, value);
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

clerk_status_t clerk__op_detailed(
    void **out,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body)
{
    clerk__typed_block_t *typed = NULL;
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
    if (op != NULL && op->result_type != NULL) {
        typed = calloc(1, sizeof(*typed));
        if (typed == NULL) {
            return CLERK_E_NOMEM;
        }
        block = &typed->m;
        data = &typed->data;
        result = typed;
    } else {
        block = calloc(1, sizeof(*block));
        if (block == NULL) {
            return CLERK_E_NOMEM;
        }
        result = block;
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
    clerk__transfer(client, &req, &reply);
    clerk__response_decode(client, op, &reply, data, block);
done:
    clerk__request_free(&req);
    clerk__reply_free(&reply);
    *out = result;
    return block->meta.status;
}

void clerk__op_response_free(const clerk__op_t *op, void *response)
{
    clerk__typed_block_t *typed;

    if (response == NULL) {
        return;
    }
    if (op != NULL && op->result_type != NULL) {
        typed = response;
        if (typed->data != NULL) {
            clerk__value_free(op->result_type, typed->data);
        }
        clerk__response_release(&typed->m);
        free(typed);
        return;
    }
    clerk_response_free(response);
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

    (void)clerk__op_detailed(&response, client, op, path_args, params, body);
    if (response != NULL && op != NULL && op->result_type != NULL) {
        clerk__typed_block_t *typed = response;

        data = typed->data;
        typed->data = NULL;
    }
    clerk__op_response_free(op, response);
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
    clerk_status_t st;

    st = clerk__op_detailed(&response, client, op, path_args, params, body);
    clerk__op_response_free(op, response);
    return st;
}
