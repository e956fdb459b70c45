/*
 * Shared pieces of the runtime tests: hand-written operation descriptors
 * (what the generator emits, in miniature) and small helpers.
 */
#ifndef CLERK_TEST_RT_COMMON_H
#define CLERK_TEST_RT_COMMON_H

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include "clerk_internal.h"
#include "fault.h"

#include <clerk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- GET /users?limit=..&query=..&email_address=..&banned=..&order_by=..
 */
typedef struct list_params {
    clerk_opt_int64_t limit;
    clerk_opt_str_t query;
    clerk_str_array_t email_address;
    clerk_opt_bool_t banned;
    clerk_enum_t order_by;
    const char *name;
    clerk_int64_array_t ids;
    clerk_str_array_t modes;
} list_params_t;

static const char *const order_values[] = { "-created_at", "+created_at" };
static const clerk__enum_t order_enum = { "Order", order_values, 2 };
static const clerk__type_t order_type = { CLERK__K_ENUM, sizeof(clerk_enum_t),
                                          NULL, NULL, &order_enum };

static const clerk__param_t list_query[] = {
    { "limit", offsetof(list_params_t, limit), &clerk__type_opt_int, 0 },
    { "query", offsetof(list_params_t, query), &clerk__type_opt_str, 0 },
    { "email_address", offsetof(list_params_t, email_address),
      &clerk__type_str_array, 0 },
    { "banned", offsetof(list_params_t, banned), &clerk__type_opt_bool, 0 },
    { "order_by", offsetof(list_params_t, order_by), &order_type, 0 },
    { "name", offsetof(list_params_t, name), &clerk__type_str, 0 },
    { "id", offsetof(list_params_t, ids), &clerk__type_int_array, 0 },
    { "mode", offsetof(list_params_t, modes), &clerk__type_str_array,
      CLERK__F_CSV },
};

static const clerk__op_t op_list = { "GET",
                                     "/users",
                                     "GetUserList",
                                     0,
                                     list_query,
                                     sizeof(list_query) / sizeof(list_query[0]),
                                     CLERK__BODY_NONE,
                                     NULL,
                                     false,
                                     &clerk__type_json,
                                     false,
                                     NULL,
                                     NULL,
                                     0,
                                     0 };

/* ---- GET /users/{user_id}/items/{item_id} (result: any JSON) */
static const clerk__op_t op_get2 = { "GET",
                                     "/users/{user_id}/items/{item_id}",
                                     "GetItem",
                                     2,
                                     NULL,
                                     0,
                                     CLERK__BODY_NONE,
                                     NULL,
                                     false,
                                     &clerk__type_json,
                                     false,
                                     NULL,
                                     NULL,
                                     0,
                                     0 };

/* ---- GET /ping (required query parameter `must`) */
typedef struct must_params {
    clerk_opt_str_t must;
} must_params_t;

static const clerk__param_t must_query[] = {
    { "must", offsetof(must_params_t, must), &clerk__type_opt_str,
      CLERK__F_REQUIRED },
};

static const clerk__op_t op_must = { "GET",
                                     "/ping",
                                     "Ping",
                                     0,
                                     must_query,
                                     1,
                                     CLERK__BODY_NONE,
                                     NULL,
                                     false,
                                     &clerk__type_json,
                                     false,
                                     NULL,
                                     NULL,
                                     0,
                                     0 };

/* ---- POST /users with a JSON body { name (required), age } */
typedef struct body {
    char *name;
    clerk_opt_int64_t age;
} body_t;

static const clerk__field_t body_fields[] = {
    { "name", offsetof(body_t, name), &clerk__type_str, CLERK__F_REQUIRED, 0 },
    { "age", offsetof(body_t, age), &clerk__type_opt_int, 0, 0 },
};
static const clerk__model_t body_model = {
    "CreateBody", sizeof(body_t), body_fields, 2, NULL, 0, NULL, NULL
};
static const clerk__type_t body_type = { CLERK__K_OBJ, sizeof(void *),
                                         &body_model, NULL, NULL };

static const clerk__op_t op_create = { "POST",
                                       "/users",
                                       "CreateUser",
                                       0,
                                       NULL,
                                       0,
                                       CLERK__BODY_JSON,
                                       &body_type,
                                       true,
                                       &clerk__type_json,
                                       false,
                                       NULL,
                                       NULL,
                                       0,
                                       0 };

/* ---- PATCH /users/{id} with an optional body; DELETE /users/{id} */
static const clerk__op_t op_patch = { "PATCH",
                                      "/users/{user_id}",
                                      "UpdateUser",
                                      1,
                                      NULL,
                                      0,
                                      CLERK__BODY_JSON,
                                      &body_type,
                                      false,
                                      &clerk__type_json,
                                      false,
                                      NULL,
                                      NULL,
                                      0,
                                      0 };

static const clerk__op_t op_delete = { "DELETE",
                                       "/users/{user_id}",
                                       "DeleteUser",
                                       1,
                                       NULL,
                                       0,
                                       CLERK__BODY_NONE,
                                       NULL,
                                       false,
                                       NULL,
                                       false,
                                       NULL,
                                       NULL,
                                       0,
                                       0 };

/* ---- POST /users/{id}/profile_image, multipart { file, uploader_user_id }
 */
typedef struct upload {
    const clerk_file_t *file;
    char *uploader_user_id;
    clerk_str_array_t tags;
} upload_t;

static const clerk__field_t upload_fields[] = {
    { "file", offsetof(upload_t, file), &clerk__type_file, CLERK__F_REQUIRED,
      0 },
    { "uploader_user_id", offsetof(upload_t, uploader_user_id),
      &clerk__type_str, 0, 0 },
    { "tag", offsetof(upload_t, tags), &clerk__type_str_array, 0, 0 },
};
static const clerk__model_t upload_model = {
    "UploadBody", sizeof(upload_t), upload_fields, 3, NULL, 0, NULL, NULL
};
static const clerk__type_t upload_type = { CLERK__K_OBJ, sizeof(void *),
                                           &upload_model, NULL, NULL };

static const clerk__op_t op_upload = { "POST",
                                       "/users/{user_id}/profile_image",
                                       "SetUserProfileImage",
                                       1,
                                       NULL,
                                       0,
                                       CLERK__BODY_MULTIPART,
                                       &upload_type,
                                       true,
                                       &clerk__type_json,
                                       false,
                                       NULL,
                                       NULL,
                                       0,
                                       0 };

/* ---- GET /thing decoded into a model { id (required string) } */
typedef struct thing {
    char *id;
} thing_t;

static const clerk__field_t thing_fields[] = {
    { "id", offsetof(thing_t, id), &clerk__type_str, CLERK__F_REQUIRED, 0 },
};
static const clerk__model_t thing_model = {
    "Thing", sizeof(thing_t), thing_fields, 1, NULL, 0, NULL, NULL
};
static const clerk__type_t thing_type = { CLERK__K_OBJ, sizeof(void *),
                                          &thing_model, NULL, NULL };

static const clerk__op_t op_thing = {
    "GET", "/thing", "GetThing",  0,     NULL, 0,    CLERK__BODY_NONE,
    NULL,  false,    &thing_type, false, NULL, NULL, 0,
    0
};

/* A JSON-typed response ({ cJSON **data; meta }). */
typedef struct json_response {
    cJSON **data;
    clerk_response_t meta;
} json_response_t;

#define TEST_SECRET "sk_test_s3cr3t_value"

/* A client for the fault server; `o` may be NULL. */
static inline clerk_client_t *rt_client(
    const char *tag, bool tls, const clerk_client_options_t *o)
{
    clerk_client_options_t opts;
    clerk_client_t *client = NULL;

    if (o != NULL) {
        opts = *o;
    } else {
        memset(&opts, 0, sizeof(opts));
    }
    if (opts.base_url == NULL) {
        opts.base_url = fault_base_url(tag, tls);
    }
    if (opts.secret_key == NULL) {
        opts.secret_key = TEST_SECRET;
    }
    if (opts.retry.initial_ms == 0) {
        opts.retry.initial_ms = 5; /* keep retry tests short */
    }
    assert_int_equal(clerk_client_new(&client, &opts), CLERK_OK);
    assert_non_null(client);
    return client;
}

/* Run `op` in its detailed flavour; the response is a json_response_t when
 * the op has a result type. */
static inline clerk_status_t rt_call(
    void **out,
    clerk_client_t *client,
    const clerk__op_t *op,
    const char *const *path_args,
    const void *params,
    const void *body)
{
    return clerk__op_detailed(out, client, op, path_args, params, body);
}

/* One list call through a fresh client for `tag`; client and response
 * freed.  Returns the call's status. */
static inline clerk_status_t rt_list_once(
    const char *tag, bool tls, const clerk_client_options_t *o)
{
    clerk_client_t *c = rt_client(tag, tls, o);
    json_response_t *r = NULL;
    clerk_status_t st = rt_call((void **)&r, c, &op_list, NULL, NULL, NULL);

    clerk__op_response_free(&op_list, r);
    clerk_client_free(c);
    return st;
}

static inline int rt_setup(void **state)
{
    (void)state;
    return fault_init();
}

#endif
