/*
 * The codec's entry points, the clerk__model_* / clerk__value_* functions
 * generated models and src/op.c call: argument checks, the top-level
 * block, the "C" locale bracket, then the decoder (codec_direct.c), the
 * encoder (codec_encode.c) or the printer (codec_print.c).  Nothing in the
 * codec calls back into this file.
 */
#include "codec_internal.h"

#include <string.h>

static void error_clear(clerk_json_error_t *error)
{
    if (error != NULL) {
        error->path[0] = '\0';
        error->reason[0] = '\0';
    }
}

/* Decode json[0..len) into a fresh top-level block: for K_OBJ types the
 * model struct itself, else a block of type->size bytes. */
static clerk_status_t decode_block(
    const clerk__type_t *type,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error)
{
    clerk_status_t st = CLERK_OK;
    void *slot = NULL; /* K_OBJ: holds the model pointer */
    void *block = NULL;

    if (type->kind == CLERK__K_OBJ) {
        st = clerk__decode_text(type, &slot, json, len, flags, error);
        if (st != CLERK_OK) {
            clerk__free_value(type, &slot);
            return st;
        }
        *out = slot;
        return CLERK_OK;
    }
    block = clerk__alloc_zeroed(&clerk__alloc_heap, type->size);
    if (block == NULL) {
        return CLERK_E_NOMEM;
    }
    st = clerk__decode_text(type, block, json, len, flags, error);
    if (st != CLERK_OK) {
        clerk__value_free(type, block);
        return st;
    }
    *out = block;
    return CLERK_OK;
}

/* The checks clerk__value_parse() starts with. */
static clerk_status_t decode_args(
    const clerk__type_t *type, void **out, clerk_json_error_t *error)
{
    error_clear(error);
    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (type == NULL || (type->kind == CLERK__K_OBJ && type->model == NULL)) {
        return CLERK_E_INVALID_ARG;
    }
    return CLERK_OK;
}

clerk_status_t clerk__value_parse(
    const clerk__type_t *type,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error)
{
    clerk_status_t st = CLERK_OK;
    clerk__locale_t saved;

    st = decode_args(type, out, error);
    if (st != CLERK_OK) {
        return st;
    }
    /* Numbers (and free-form values, parsed by cJSON) are read with
     * strtod(): '.' only in the "C" locale. */
    clerk__c_locale_begin(&saved);
    st = decode_block(type, out, json, len, flags, error);
    clerk__c_locale_end(&saved);
    return st;
}

clerk_status_t clerk__model_parse(
    const clerk__model_t *model,
    void **out,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *error)
{
    clerk__type_t type = { CLERK__K_OBJ, sizeof(void *), NULL, NULL, NULL };

    if (model == NULL) {
        error_clear(error);
        if (out != NULL) {
            *out = NULL;
        }
        return CLERK_E_INVALID_ARG;
    }
    type.model = model;
    return clerk__value_parse(&type, out, json, len, flags, error);
}

/* A tree is decoded by printing it and decoding the text: one decoder for
 * both inputs.  The printer writes infinities (which cJSON's parser makes
 * of 1e999) so that they read back as such; the caller's tree is never
 * modified. */
clerk_status_t clerk__model_from_json(
    const clerk__model_t *model,
    void **out,
    const cJSON *json,
    unsigned flags,
    clerk_json_error_t *error)
{
    clerk_status_t st = CLERK_OK;
    char *text = NULL;
    size_t len = 0;

    error_clear(error);
    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (model == NULL || json == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    st = clerk__json_print_ex(json, &text, &len, CLERK__PRINT_EXACT_INF);
    if (st == CLERK_E_INVALID_ARG) {
        /* An invalid node, or nesting cJSON itself could not parse. */
        clerk__json_error_set(
            error, NULL, 0, "not a JSON value (invalid node, or nested "
                            "deeper than %d)",
            CJSON_NESTING_LIMIT);
        return CLERK_E_DECODE;
    }
    if (st != CLERK_OK) {
        return st;
    }
    st = clerk__model_parse(model, out, text, len, flags, error);
    cJSON_free(text);
    return st;
}

clerk_status_t clerk__model_to_json(
    const clerk__model_t *model,
    cJSON **out,
    const void *value,
    clerk_json_error_t *error)
{
    clerk__type_t type = { CLERK__K_OBJ, sizeof(void *), NULL, NULL, NULL };

    error_clear(error);
    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (model == NULL || value == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    type.model = model;
    return clerk__encode_root(&type, &value, out, 0, error);
}

clerk_status_t clerk__value_to_json(
    const clerk__type_t *type,
    cJSON **out,
    const void *value,
    clerk_json_error_t *error)
{
    error_clear(error);
    if (out == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    *out = NULL;
    if (type == NULL || value == NULL) {
        return CLERK_E_INVALID_ARG;
    }
    if (type->kind == CLERK__K_OBJ) {
        return clerk__encode_root(type, &value, out, 0, error);
    }
    return clerk__encode_root(type, value, out, 0, error);
}

/* Printing encodes exactly as clerk__model_to_json() does (the same
 * required-field checks, the discriminator written when unset), so that
 * _print(x) is the text of _to_json(x) or both fail.  A leniently decoded
 * response that lacks a required field does not print: log the raw body
 * of the _detailed response instead. */
char *clerk__model_print(const clerk__model_t *model, const void *value)
{
    clerk__type_t type = { CLERK__K_OBJ, sizeof(void *), NULL, NULL, NULL };
    cJSON *json = NULL;
    char *text = NULL;

    if (model == NULL || value == NULL) {
        return NULL;
    }
    type.model = model;
    if (clerk__encode_root(&type, &value, &json, 0, NULL) != CLERK_OK) {
        goto done;
    }
    (void)clerk__json_print(json, &text, NULL);
done:
    cJSON_Delete(json);
    return text;
}
