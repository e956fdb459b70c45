/*
 * The async benchmark's libclerk client (async_bench.py runs it).
 *
 *   async_bench async BASE_URL CA_FILE N CONCURRENCY
 *   async_bench pool  BASE_URL CA_FILE N CONCURRENCY
 *   async_bench sync  BASE_URL CA_FILE N THREADS
 *
 * async: one thread, one loop; N clerk_users_get_async() calls through a
 *        window of CONCURRENCY calls in flight (each callback starts the
 *        next), driven by clerk_loop_run(); as many HTTP/1.1 connections
 *        (or HTTP/2 streams) as calls in flight, as the Node client does;
 * pool:  the same with the loop's default limits (16 connections per
 *        host over HTTP/1.1, 100 streams over HTTP/2): calls beyond them
 *        wait in the loop's queue;
 * sync:  THREADS threads sharing one client, each making its share of N
 *        clerk_users_get() calls one after the other.
 * Each call fetches GET {BASE_URL}/users/user_<i> and checks the decoded
 * user's id.  After one untimed warm-up call, prints one line:
 *   calls=N ok=N wall_s=S cpu_s=S rss_kb=K
 * (CPU: user + system time of the timed part; RSS: the process's peak).
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct bench {
    clerk_client_t *client;
    clerk_loop_t *loop;
    long n;
    long started;
    long done;
    long ok;
} bench_t;

static double wall_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void on_user(clerk_users_get_response_t *res, void *payload);

static void start_next(bench_t *b)
{
    char id[32];

    if (b->started >= b->n) {
        return;
    }
    snprintf(id, sizeof(id), "user_%ld", b->started);
    b->started++;
    if (clerk_users_get_async(b->loop, b->client, id, on_user, b) == 0) {
        b->done++;
    }
}

static void on_user(clerk_users_get_response_t *res, void *payload)
{
    bench_t *b = payload;

    b->done++;
    if (res->meta.status == CLERK_OK && res->data->id != NULL) {
        b->ok++;
    }
    clerk_users_get_response_free(res);
    start_next(b);
}

typedef struct worker {
    clerk_client_t *client;
    long first;
    long count;
    long ok;
} worker_t;

static void *run_worker(void *arg)
{
    worker_t *w = arg;
    char id[32];
    long i;

    for (i = 0; i < w->count; i++) {
        clerk_user_t *u;

        snprintf(id, sizeof(id), "user_%ld", w->first + i);
        u = clerk_users_get(w->client, id);
        if (u != NULL && u->id != NULL) {
            w->ok++;
        }
        clerk_user_free(u);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_loop_t *loop = NULL;
    clerk_loop_options_t lo = { 0 };
    bench_t b = { 0 };
    worker_t *workers = NULL;
    pthread_t *threads = NULL;
    clerk_user_t *warm;
    long conc;
    long created;
    long i;
    long ok = 0;
    double w0;
    double c0;
    double wall;
    double cpu;
    struct rusage ru;
    int rc = 1;

    if (argc != 6 ||
        (strcmp(argv[1], "async") != 0 && strcmp(argv[1], "pool") != 0 &&
         strcmp(argv[1], "sync") != 0)) {
        fprintf(
            stderr,
            "usage: %s async|pool|sync BASE_URL CA_FILE N CONCURRENCY\n",
            argv[0]);
        return 2;
    }
    b.n = strtol(argv[4], NULL, 10);
    conc = strtol(argv[5], NULL, 10);
    if (b.n <= 0 || conc <= 0 ||
        clerk_client_new(
            &client, &(clerk_client_options_t){
                         .base_url = argv[2],
                         .secret_key = "sk_test_bench",
                         .tls = { .ca_file = argv[3] } }) != CLERK_OK) {
        return 2;
    }
    warm = clerk_users_get(client, "user_warmup");
    if (warm == NULL) {
        fprintf(stderr, "warm-up call failed\n");
        goto done;
    }
    clerk_user_free(warm);

    if (strcmp(argv[1], "sync") != 0) {
        if (strcmp(argv[1], "async") == 0) {
            /* As many connections as calls in flight over HTTP/1.1 (what
             * the Node client does), or that many streams over HTTP/2. */
            lo.max_host_connections = conc;
            lo.max_concurrent_streams = conc;
        }
        if (clerk_loop_new(&loop, &lo) != CLERK_OK) {
            goto done;
        }
        b.client = client;
        b.loop = loop;
        w0 = wall_now();
        c0 = cpu_now();
        for (i = 0; i < conc; i++) {
            start_next(&b);
        }
        if (clerk_loop_run(loop, CLERK_TIMEOUT_NONE) != CLERK_OK) {
            goto done;
        }
        ok = b.ok;
    } else {
        workers = calloc((size_t)conc, sizeof(*workers));
        threads = calloc((size_t)conc, sizeof(*threads));
        if (workers == NULL || threads == NULL) {
            goto done;
        }
        w0 = wall_now();
        c0 = cpu_now();
        for (created = 0; created < conc; created++) {
            worker_t *w = &workers[created];

            w->client = client;
            w->first = b.n * created / conc;
            w->count = b.n * (created + 1) / conc - w->first;
            if (pthread_create(&threads[created], NULL, run_worker, w) != 0) {
                break;
            }
        }
        for (i = 0; i < created; i++) {
            pthread_join(threads[i], NULL);
            ok += workers[i].ok;
        }
    }
    wall = wall_now() - w0;
    cpu = cpu_now() - c0;
    getrusage(RUSAGE_SELF, &ru);
    printf(
        "calls=%ld ok=%ld wall_s=%.6f cpu_s=%.6f rss_kb=%ld\n", b.n, ok, wall,
        cpu, ru.ru_maxrss);
    rc = ok == b.n ? 0 : 1;
done:
    free(workers);
    free(threads);
    clerk_loop_free(loop);
    clerk_client_free(client);
    return rc;
}
