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
 * The walk reads every field of the typed result with straight-line code
 * (user_walk.h, written at build time by walkgen.c from the generated type
 * descriptors), as hand-written `user->first_name` reads would, so that
 * it costs what a user's own code costs.  Both clients report what they
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

/* The layout every array type shares. */
typedef struct bw_array {
    const char *items;
    size_t count;
    clerk_presence_t state;
} bw_array_t;

/* Free-form JSON: the same walk as the baseline's. */
static void walk_json(const cJSON *item, bench_tally_t *tally)
{
    const cJSON *child = NULL;
    if (cJSON_IsString(item)) {
        bench_tally_str(tally, item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        bench_tally_num(tally, item->valuedouble);
    } else if (cJSON_IsBool(item)) {
        bench_tally_bool(tally, cJSON_IsTrue(item));
    } else if (cJSON_IsNull(item)) {
        bench_tally_null(tally);
    } else {
        for (child = item->child; child != NULL; child = child->next) {
            walk_json(child, tally);
        }
    }
}

/* Field readers used by the generated walk (user_walk.h).  `null_ptr`:
 * the field is required and nullable, so NULL stands for JSON null. */
static inline void bw_str(bench_tally_t *t, const char *s, int null_ptr)
{
    if (s != NULL) {
        bench_tally_str(t, s);
    } else if (null_ptr) {
        bench_tally_null(t);
    }
}

static inline void bw_opt_str(bench_tally_t *t, const clerk_opt_str_t *v)
{
    if (v->state == CLERK_SET) {
        bench_tally_str(t, v->value);
    } else if (v->state == CLERK_NULL) {
        bench_tally_null(t);
    }
}

static inline void bw_opt_bool(bench_tally_t *t, const clerk_opt_bool_t *v)
{
    if (v->state == CLERK_SET) {
        bench_tally_bool(t, v->value);
    } else if (v->state == CLERK_NULL) {
        bench_tally_null(t);
    }
}

static inline void bw_opt_int(bench_tally_t *t, const clerk_opt_int64_t *v)
{
    if (v->state == CLERK_SET) {
        bench_tally_num(t, (double)v->value);
    } else if (v->state == CLERK_NULL) {
        bench_tally_null(t);
    }
}

static inline void bw_opt_num(bench_tally_t *t, const clerk_opt_double_t *v)
{
    if (v->state == CLERK_SET) {
        bench_tally_num(t, v->value);
    } else if (v->state == CLERK_NULL) {
        bench_tally_null(t);
    }
}

/* Decoded enums always keep the received string in `raw`. */
static inline void bw_enum(bench_tally_t *t, const clerk_enum_t *v)
{
    if (v->state == CLERK_SET) {
        bench_tally_str(t, v->raw != NULL ? v->raw : "");
    } else if (v->state == CLERK_NULL) {
        bench_tally_null(t);
    }
}

static inline void bw_json(bench_tally_t *t, const cJSON *j, int null_ptr)
{
    if (j != NULL) {
        walk_json(j, t);
    } else if (null_ptr) {
        bench_tally_null(t);
    }
}

static inline void bw_obj(
    bench_tally_t *t,
    const char *p,
    void (*walk)(const char *, bench_tally_t *),
    bool is_null)
{
    if (p != NULL) {
        walk(p, t);
    } else if (is_null) {
        bench_tally_null(t);
    }
}

#include "user_walk.h"

/* The user workload: one clerk_users_get() per request. */
static int get_user(clerk_client_t *client, bench_tally_t *tally)
{
    clerk_user_t *user = clerk_users_get(client, "user_x");
    if (user == NULL) {
        return 0;
    }
    BENCH_WALK_USER((const char *)user, tally);
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
        BENCH_WALK_USER((const char *)&users->items[i], tally);
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
    const char *rate;
    bench_tally_t tally;
    bench_clock_t clock;
    clerk_status_t st;
    long n = 0;
    long i = 0;
    int list = 0;
    int ok = 0;
    size_t len;

    /* The generated walk uses the readers its schemas need; keep the
     * others referenced so that a schema without such a field compiles. */
    (void)bw_str;
    (void)bw_opt_str;
    (void)bw_opt_bool;
    (void)bw_opt_int;
    (void)bw_opt_num;
    (void)bw_enum;
    (void)bw_json;
    (void)bw_obj;

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

    /* CLERK_BENCH_RATE_LIMIT=N turns the client-side rate limiter on at N
     * requests per 10 s (the local server is not api.clerk.com, so it is
     * off by default): with N far above what the run sends, no call waits
     * and the difference in instructions is the limiter's cost per call. */
    rate = getenv("CLERK_BENCH_RATE_LIMIT");
    st = clerk_client_new(
        &client,
        &(clerk_client_options_t){
            .base_url = base_url,
            .secret_key = BENCH_SECRET_KEY,
            .tls = { .ca_file = argc == 4 ? argv[3] : NULL },
            .rate_limit.max_requests =
                rate != NULL ? (unsigned)strtoul(rate, NULL, 10) : 0,
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
