/*
 * libFuzzer target: the request encoder (request.c JSON and multipart
 * bodies over codec_encode.c) through clerk__request_build().
 *
 * The first byte picks a body type (the codec fixtures of tests/unit:
 * every kind, nested models, unions of objects and of values, arrays,
 * free-form JSON); the rest is
 * decoded leniently into that C value, which is then sent as a JSON body
 * and, for object types, as a multipart body.  Checks: a refusal is
 * CLERK_E_INVALID_ARG with a message; an accepted JSON body is valid UTF-8
 * and valid JSON, decodes back into the type, and encoding that again
 * gives the same text (the encoder is a fixed point after one trip).
 */
#include "fuzz_common.h"

#include "codec_fixtures.h"
#include "runtime_internal.h"

static const clerk__type_t *const types[] = {
    &thing_type,       &thing_array_type,
    &identity_type,    &verification_type,
    &clerk__type_json, &str_matrix_type,
    &email_type,       &identity_array_type,
    &email_array_type, &clerk__type_num_array,
    &scalar_union_type, &scalar_union_array_type,
    &verification_or_name_type,
};

static clerk_client_t *client;

static clerk_status_t build(
    const clerk__type_t *type,
    clerk__body_kind_t kind,
    const void *body,
    clerk__request_t *req,
    char *message,
    size_t size)
{
    clerk__op_t op;

    memset(&op, 0, sizeof(op));
    op.method = "POST";
    op.path = "/things";
    op.operation_id = "FuzzEncode";
    op.body_kind = kind;
    op.body_type = type;
    op.body_required = true;

    return clerk__request_build(
        client, &op, NULL, NULL, body, req, message, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const clerk__type_t *type;
    clerk__request_t req;
    clerk__request_t again;
    clerk__request_t multi;
    char message[256];
    void *value = NULL;
    void *value2 = NULL;
    char *doc = NULL;
    cJSON *check = NULL;
    clerk_status_t st;

    if (size < 1) {
        return 0;
    }
    if (client == NULL &&
        clerk_client_new(
            &client, &(clerk_client_options_t){
                         .base_url = "http://127.0.0.1:1/v1" }) != CLERK_OK) {
        abort();
    }
    memset(&req, 0, sizeof(req));
    memset(&again, 0, sizeof(again));
    memset(&multi, 0, sizeof(multi));
    type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
    doc = malloc(size - 1 > 0 ? size - 1 : 1);
    if (doc == NULL) {
        return 0;
    }
    memcpy(doc, data + 1, size - 1);
    if (clerk__value_parse(type, &value, doc, size - 1, 0, NULL) != CLERK_OK) {
        goto done;
    }

    st = build(type, CLERK__BODY_JSON, value, &req, message, sizeof(message));
    FUZZ_CHECK(
        st == CLERK_OK || st == CLERK_E_INVALID_ARG || st == CLERK_E_NOMEM,
        "status");
    if (st == CLERK_E_INVALID_ARG) {
        FUZZ_CHECK(message[0] != '\0', "refusal without a message");
        FUZZ_CHECK(req.body == NULL, "nothing kept on refusal");
    }
    if (st == CLERK_OK) {
        FUZZ_CHECK(req.body != NULL, "body");
        FUZZ_CHECK(req.body_len == strlen(req.body), "body length");
        FUZZ_CHECK(
            clerk__utf8_valid(req.body, req.body_len), "body is not UTF-8");
        check = cJSON_ParseWithLength(req.body, req.body_len);
        FUZZ_CHECK(check != NULL, "body is not JSON");
        st = clerk__value_parse(type, &value2, req.body, req.body_len, 0, NULL);
        FUZZ_CHECK(st == CLERK_OK, "body does not decode back");
        st = build(
            type, CLERK__BODY_JSON, value2, &again, message, sizeof(message));
        FUZZ_CHECK(st == CLERK_OK, "re-encoding refused");
        if (strcmp(req.body, again.body) != 0) {
            fprintf(stderr, "first:  %s\nsecond: %s\n", req.body, again.body);
            abort();
        }
    }
    if (type->kind == CLERK__K_OBJ && type->model->variant_count == 0) {
        st = build(
            type, CLERK__BODY_MULTIPART, value, &multi, message,
            sizeof(message));
        FUZZ_CHECK(
            st == CLERK_OK || st == CLERK_E_INVALID_ARG || st == CLERK_E_NOMEM,
            "multipart status");
        if (st == CLERK_OK) {
            size_t i;

            for (i = 0; i < multi.part_count; i++) {
                FUZZ_CHECK(multi.parts[i].name != NULL, "part name");
                FUZZ_CHECK(
                    multi.parts[i].text == NULL ||
                        clerk__utf8_valid(
                            multi.parts[i].text, multi.parts[i].text_len),
                    "part text is not UTF-8");
            }
        }
    }
done:
    cJSON_Delete(check);
    clerk__request_free(&req);
    clerk__request_free(&again);
    clerk__request_free(&multi);
    clerk__value_free(type, value);
    clerk__value_free(type, value2);
    free(doc);
    return 0;
}
