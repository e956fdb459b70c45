/*
 * Benchmark client (l): libclerk.  One clerk_client_t for all requests;
 * each request is clerk_users_get() or clerk_users_list(), a walk that
 * reads every field of the typed result, and the one matching free.
 *
 * Usage: clerk_bench_libclerk URL N [CA_FILE]
 *   URL ending in /users/<id>: the user workload; ending in /users: the
 *   list workload.  The base URL given to the client is the part before
 *   /users.
 *
 * The walk is driven by the generated type descriptors (src/
 * clerk_internal.h), so that it reads every field of every schema the
 * way the baseline's walk reads every JSON value, without a hand-written
 * reader for the ~60 structs a User holds.  Both clients report what they
 * read; the harness checks that the figures agree.  Output as in
 * baseline.c.
 */
#include "bench_common.h"

#include <clerk.h>
#include <clerk/api/users.h>

#include "clerk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const clerk__model_t clerk__user_model;

static void walk_model(
    const clerk__model_t *model,
    const void *base,
    bench_tally_t *tally);

static void walk_json(const cJSON *item, bench_tally_t *tally)
{
    const cJSON *child = NULL;
    if (item == NULL || cJSON_IsNull(item)) {
        bench_tally_null(tally);
    } else if (cJSON_IsString(item)) {
        bench_tally_str(tally, item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        bench_tally_num(tally, item->valuedouble);
    } else if (cJSON_IsBool(item)) {
        bench_tally_bool(tally, cJSON_IsTrue(item));
    } else {
        for (child = item->child; child != NULL; child = child->next) {
            walk_json(child, tally);
        }
    }
}

/* Reads the C value of `type` at `slot`.  `flags` are the field's flags
 * (required/nullable) and tell a null from an absent NULL pointer. */
static void walk_value(
    const clerk__type_t *type,
    const void *slot,
    unsigned flags,
    bool is_null,
    bench_tally_t *tally)
{
    const bool null_ptr =
        (flags & CLERK__F_NULLABLE) != 0 && (flags & CLERK__F_REQUIRED) != 0;
    switch (type->kind) {
    case CLERK__K_STR: {
        const char *s = *(char *const *)slot;
        if (s != NULL) {
            bench_tally_str(tally, s);
        } else if (null_ptr) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_BOOL:
        bench_tally_bool(tally, *(const bool *)slot);
        break;
    case CLERK__K_INT:
        bench_tally_num(tally, (double)*(const int64_t *)slot);
        break;
    case CLERK__K_NUM:
        bench_tally_num(tally, *(const double *)slot);
        break;
    case CLERK__K_OPT_STR: {
        const clerk_opt_str_t *v = slot;
        if (v->state == CLERK_SET) {
            bench_tally_str(tally, v->value);
        } else if (v->state == CLERK_NULL) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_OPT_BOOL: {
        const clerk_opt_bool_t *v = slot;
        if (v->state == CLERK_SET) {
            bench_tally_bool(tally, v->value);
        } else if (v->state == CLERK_NULL) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_OPT_INT: {
        const clerk_opt_int64_t *v = slot;
        if (v->state == CLERK_SET) {
            bench_tally_num(tally, (double)v->value);
        } else if (v->state == CLERK_NULL) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_OPT_NUM: {
        const clerk_opt_double_t *v = slot;
        if (v->state == CLERK_SET) {
            bench_tally_num(tally, v->value);
        } else if (v->state == CLERK_NULL) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_ENUM: {
        const clerk_enum_t *v = slot;
        if (v->state == CLERK_SET) {
            if (v->raw != NULL) {
                bench_tally_str(tally, v->raw);
            } else if (v->value > 0 &&
                       (size_t)v->value <= type->enumeration->count) {
                bench_tally_str(tally,
                                type->enumeration->values[v->value - 1]);
            }
        } else if (v->state == CLERK_NULL) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_JSON: {
        const cJSON *j = *(cJSON *const *)slot;
        if (j != NULL) {
            walk_json(j, tally);
        } else if (null_ptr) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_OBJ: {
        const void *p = *(void *const *)slot;
        if (p != NULL) {
            walk_model(type->model, p, tally);
        } else if (is_null) {
            bench_tally_null(tally);
        }
        break;
    }
    case CLERK__K_STRUCT:
        walk_model(type->model, slot, tally);
        break;
    case CLERK__K_ARRAY: {
        /* Every array type has the layout { items, count, state }. */
        const struct {
            const char *items;
            size_t count;
            clerk_presence_t state;
        } *a = slot;
        size_t i;
        if (a->state == CLERK_NULL) {
            bench_tally_null(tally);
        }
        for (i = 0; i < a->count; i++) {
            walk_value(type->elem, a->items + i * type->elem->size, 0,
                       false, tally);
        }
        break;
    }
    case CLERK__K_FILE:
    default:
        break;
    }
}

static void walk_model(
    const clerk__model_t *model,
    const void *base,
    bench_tally_t *tally)
{
    const char *b = base;
    size_t i;

    if (model->variant_count > 0) {
        const clerk__union_t *u = base;
        if (u->kind > 0 && (size_t)u->kind <= model->variant_count &&
            u->value != NULL) {
            walk_model(model->variants[u->kind - 1].type->model, u->value,
                       tally);
        }
        return;
    }
    for (i = 0; i < model->field_count; i++) {
        const clerk__field_t *f = &model->fields[i];
        bool is_null = false;
        if (f->null_offset != 0) {
            is_null = *(const bool *)(b + f->null_offset);
        }
        walk_value(f->type, b + f->offset, f->flags, is_null, tally);
    }
}

/* The user workload: one clerk_users_get() per request. */
static int get_user(clerk_client_t *client, bench_tally_t *tally)
{
    clerk_user_t *user = clerk_users_get(client, "user_x");
    if (user == NULL) {
        return 0;
    }
    walk_model(&clerk__user_model, user, tally);
    clerk_user_free(user);
    return 1;
}

/* The list workload: one clerk_users_list() per request. */
static int list_users(clerk_client_t *client, bench_tally_t *tally)
{
    size_t i;
    clerk_user_array_t *users = clerk_users_list(client, NULL);
    if (users == NULL) {
        return 0;
    }
    for (i = 0; i < users->count; i++) {
        walk_model(&clerk__user_model, &users->items[i], tally);
    }
    clerk_user_array_free(users);
    return 1;
}

/* Explains a failure through the _detailed twin (outside the timing). */
static void explain(clerk_client_t *client, int list)
{
    clerk_status_t st;
    const clerk_response_t *meta = NULL;
    clerk_users_get_response_t *rg = NULL;
    clerk_users_list_response_t *rl = NULL;
    if (list) {
        st = clerk_users_list_detailed(&rl, client, NULL);
        meta = rl != NULL ? &rl->meta : NULL;
    } else {
        st = clerk_users_get_detailed(&rg, client, "user_x");
        meta = rg != NULL ? &rg->meta : NULL;
    }
    fprintf(stderr, "libclerk: %s: %s (HTTP %ld) %s\n", clerk_status_str(st),
            meta != NULL ? meta->message : "",
            meta != NULL ? meta->http_status : 0L,
            meta != NULL && meta->json_path != NULL ? meta->json_path : "");
    clerk_users_get_response_free(rg);
    clerk_users_list_response_free(rl);
}

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    char *base_url = NULL;
    const char *cut = NULL;
    bench_tally_t tally;
    bench_clock_t clock;
    clerk_status_t st;
    long n = 0;
    long i = 0;
    int list = 0;
    int ok = 0;
    size_t len;

    if (argc < 3 || argc > 4 || bench_parse_count(argv[2], &n) != 0) {
        fprintf(stderr, "usage: %s URL N [CA_FILE]\n", argv[0]);
        return 2;
    }
    cut = strstr(argv[1], "/users");
    if (cut == NULL) {
        fprintf(stderr, "libclerk: URL must end in /users or /users/<id>\n");
        return 2;
    }
    list = strcmp(cut, "/users") == 0;
    len = (size_t)(cut - argv[1]);
    base_url = malloc(len + 1);
    if (base_url == NULL) {
        return 1;
    }
    memcpy(base_url, argv[1], len);
    base_url[len] = '\0';

    st = clerk_client_new(
        &client,
        &(clerk_client_options_t){
            .base_url = base_url,
            .secret_key = BENCH_SECRET_KEY,
            .tls = { .ca_file = argc == 4 ? argv[3] : NULL },
        });
    if (st != CLERK_OK) {
        fprintf(stderr, "libclerk: clerk_client_new: %s\n",
                clerk_status_str(st));
        goto done;
    }

    bench_tally_init(&tally);
    if (!(list ? list_users(client, &tally) : get_user(client, &tally))) {
        explain(client, list);
        goto done;
    }
    bench_tally_init(&tally);
    bench_clock_start(&clock);
    for (i = 0; i < n; i++) {
        if (!(list ? list_users(client, &tally) : get_user(client, &tally))) {
            explain(client, list);
            goto done;
        }
    }
    bench_clock_stop(&clock);
    bench_report(n, &clock, &tally);
    ok = 1;
done:
    clerk_client_free(client);
    free(base_url);
    return ok ? 0 : 1;
}
