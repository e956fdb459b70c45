/*
 * The detailed response: what it owns, header lookup, the ClerkErrors body
 * parser and freeing.
 *
 * Layout: every response is one allocation.  A bodiless operation's
 * response is a clerk__meta_block_t (the public clerk_response_t followed
 * by what it owns); an operation with a result type gets a
 * clerk__typed_block_t, whose first two members have the layout of the
 * generated clerk_<op>_response_t ({ data, meta }).
 */
#include "codec_internal.h"
#include "runtime_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A generated clerk_<op>_response_t must be readable through the block. */
_Static_assert(
    offsetof(clerk__typed_block_t, m) ==
        offsetof(clerk__typed_response_t, meta),
    "typed response layout");
_Static_assert(
    offsetof(clerk__meta_block_t, meta) == 0,
    "meta block starts with the public response");

const char *clerk_response_header(
    const clerk_response_t *response, const char *name)
{
    size_t i;

    if (response == NULL || name == NULL) {
        return NULL;
    }
    for (i = 0; i < response->header_count; i++) {
        if (clerk__str_eq_nocase(response->headers[i].name, name)) {
            return response->headers[i].value;
        }
    }
    return NULL;
}

void clerk__response_set_message(
    clerk__meta_block_t *block, const clerk_client_t *client, const char *text)
{
    clerk__rtbuf_t masked = { 0 };
    const clerk__redact_t *redact = client != NULL ? &client->redact : NULL;

    free(block->owned.message);
    block->owned.message = NULL;
    block->meta.message = clerk_status_str(block->meta.status);
    if (text == NULL || text[0] == '\0') {
        return;
    }
    /* Server text reaches messages; pieces of it are masked before they
     * are cut and formatted (op.c), and the whole message once more here,
     * so no run of the key survives whatever the cuts did. */
    if (!clerk__redact_append(redact, &masked, text, strlen(text))) {
        goto done;
    }
    if (clerk__redact_found(redact, masked.data, masked.len)) {
        /* Only possible when the mark itself continues a run of the key. */
        block->meta.message = "message withheld: it contained the secret key";
        goto done;
    }
    block->owned.message = clerk__rtbuf_steal(&masked);
    if (block->owned.message != NULL) {
        block->meta.message = block->owned.message;
    }
done:
    clerk__rtbuf_free(&masked);
}

void clerk__response_take_reply(
    clerk__meta_block_t *block, clerk__reply_t *reply)
{
    clerk__headers_t *h = &reply->headers;
    size_t i;

    block->meta.http_status = reply->http_status;
    block->meta.attempts = reply->attempts;
    block->meta.elapsed_ms = reply->elapsed_ms;

    /* The receive buffer becomes the response body: no copy. */
    if (!reply->body.oom && reply->body.data != NULL) {
        block->owned.body = reply->body.data;
        block->meta.body = reply->body.data;
        block->meta.body_len = reply->body.len;
        reply->body.data = NULL;
        reply->body.len = 0;
        reply->body.cap = 0;
    } else {
        block->meta.body = "";
        block->meta.body_len = 0;
    }

    if (h->count > 0 && !h->oom && !h->store.oom) {
        block->owned.headers = calloc(h->count, sizeof(clerk_header_t));
        if (block->owned.headers != NULL) {
            for (i = 0; i < h->count; i++) {
                const char *name = h->store.data + h->offsets[i];

                block->owned.headers[i].name = name;
                block->owned.headers[i].value = name + strlen(name) + 1;
            }
            block->owned.header_store = h->store.data;
            h->store.data = NULL;
            h->store.len = 0;
            h->store.cap = 0;
            block->meta.headers = block->owned.headers;
            block->meta.header_count = h->count;
        }
    }
}

static const char *string_member(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static const cJSON *meta_member(const cJSON *obj)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, "meta");

    return item != NULL && !cJSON_IsNull(item) ? item : NULL;
}

void clerk__response_parse_errors(clerk__meta_block_t *block)
{
    cJSON *doc = NULL;
    const cJSON *list;
    const cJSON *item;
    clerk_errors_t *errors = NULL;
    clerk_error_t *items = NULL;
    clerk__locale_t saved;
    size_t count;
    size_t i;

    if (block->meta.body_len == 0) {
        return;
    }
    clerk__c_locale_begin(&saved); /* numbers in `meta` */
    doc = cJSON_ParseWithLength(block->meta.body, block->meta.body_len);
    clerk__c_locale_end(&saved);
    if (!cJSON_IsObject(doc)) {
        goto done;
    }
    list = cJSON_GetObjectItemCaseSensitive(doc, "errors");
    if (!cJSON_IsArray(list)) {
        goto done;
    }
    count = (size_t)cJSON_GetArraySize(list);
    errors = calloc(1, sizeof(*errors));
    if (errors == NULL) {
        goto done;
    }
    if (count > 0) {
        items = calloc(count, sizeof(*items));
        if (items == NULL) {
            goto done;
        }
    }
    i = 0;
    cJSON_ArrayForEach(item, list)
    {
        if (i >= count) {
            break;
        }
        if (cJSON_IsObject(item)) {
            items[i].code = string_member(item, "code");
            items[i].message = string_member(item, "message");
            items[i].long_message = string_member(item, "long_message");
            items[i].meta = meta_member(item);
        }
        i++;
    }
    errors->items = items;
    errors->count = count;
    errors->clerk_trace_id = string_member(doc, "clerk_trace_id");
    errors->meta = meta_member(doc);

    block->owned.errors = errors;
    block->owned.error_items = items;
    block->owned.error_doc = doc;
    block->meta.errors = errors;
    errors = NULL;
    items = NULL;
    doc = NULL;
done:
    free(items);
    free(errors);
    cJSON_Delete(doc);
}

void clerk__response_release(clerk__meta_block_t *block)
{
    clerk__response_owned_t *o = &block->owned;

    free(o->message);
    free(o->body);
    free(o->headers);
    free(o->header_store);
    free(o->errors);
    free(o->error_items);
    cJSON_Delete(o->error_doc);
    free(o->json_path);
    memset(o, 0, sizeof(*o));
}

void clerk_response_free(clerk_response_t *response)
{
    clerk__meta_block_t *block = (clerk__meta_block_t *)response;

    if (block == NULL) {
        return;
    }
    clerk__response_release(block);
    free(block);
}
