/*
 * Client-side rate limiter (issue 11, item 3), on an injected clock (the
 * internal test hook clerk__ratelimit_set_clock()), never on sleeps:
 *
 * - the sliding log itself: no window ever holds more than `max` slots,
 *   slots come first come first served, a budget refuses without taking;
 * - the defaults: Clerk's 1000 / 100 per 10 s against api.clerk.com by key
 *   (calls cancelled by the request hook, so nothing leaves the machine),
 *   none against another host unless configured, none when disabled;
 * - sync calls against the fault server wait for their slot (the fake
 *   clock's sleep advances it), each retry attempt takes a slot, and a call
 *   whose slot lies past its deadline fails at once;
 * - 8 threads sharing a client never exceed the limit (TSan-friendly: the
 *   fake clock is mutex-protected);
 * - async calls wait on the loop's timer without blocking the loop.
 */
#include "rt_common.h"

#include "ratelimit_internal.h"
#include "runtime_internal.h"

#include <clerk/api/users.h>

#include <pthread.h>

/* ------------------------------------------------------------------ */
/* A fake clock                                                        */
/* ------------------------------------------------------------------ */

static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static double fake_now;    /* the shared clock, ms */
static double sleep_total; /* every fake sleep added up */
static unsigned sleeps;    /* fake sleeps taken */
/* Where the calling thread is on the fake clock: what it last read, or
 * where its last sleep ended. */
static _Thread_local double my_time;

static double clock_now(void *payload)
{
    double t;

    (void)payload;
    pthread_mutex_lock(&clock_lock);
    t = fake_now;
    pthread_mutex_unlock(&clock_lock);
    my_time = t;
    return t;
}

/* Sleeping moves this thread to the end of its wait, and the shared clock
 * along if it is behind. */
static void clock_sleep(double ms, void *payload)
{
    (void)payload;
    my_time += ms;
    pthread_mutex_lock(&clock_lock);
    if (fake_now < my_time) {
        fake_now = my_time;
    }
    sleep_total += ms;
    sleeps++;
    pthread_mutex_unlock(&clock_lock);
}

static void clock_reset(double t)
{
    pthread_mutex_lock(&clock_lock);
    fake_now = t;
    sleep_total = 0;
    sleeps = 0;
    pthread_mutex_unlock(&clock_lock);
}

static void use_fake_clock(clerk_client_t *c)
{
    assert_non_null(c->ratelimit);
    clerk__ratelimit_set_clock(c->ratelimit, clock_now, clock_sleep, NULL);
}

/* The request hook writes down when (on the fake clock) each attempt
 * starts; `cancel` stops the call there, before anything is sent. */
typedef struct starts {
    pthread_mutex_t lock;
    double at[4096];
    size_t n;
    bool cancel;
} starts_t;

static int on_request(const clerk_hook_info_t *info, void *payload)
{
    starts_t *s = payload;

    (void)info;
    pthread_mutex_lock(&s->lock);
    if (s->n < sizeof(s->at) / sizeof(s->at[0])) {
        s->at[s->n++] = my_time;
    }
    pthread_mutex_unlock(&s->lock);
    return s->cancel ? 1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : x > y ? 1 : 0;
}

/* No window of `window` ms holds more than `max` of the starts. */
static void assert_within_limit(starts_t *s, size_t max, double window)
{
    size_t i;

    qsort(s->at, s->n, sizeof(s->at[0]), cmp_double);
    for (i = 0; i + max < s->n; i++) {
        assert_true(s->at[i + max] - s->at[i] >= window);
    }
}

/* One GET through `c`; its status. */
static clerk_status_t rt_list_call(clerk_client_t *c)
{
    json_response_t *r = NULL;
    clerk_status_t st = rt_call((void **)&r, c, &op_list, NULL, NULL, NULL);

    clerk__op_response_free(&op_list, r);
    return st;
}

/* ------------------------------------------------------------------ */
/* The sliding log alone                                               */
/* ------------------------------------------------------------------ */

static void test_sliding_log(void **state)
{
    clerk__ratelimit_t *rl = clerk__ratelimit_new(3, 1000);
    double slots[200];
    unsigned seed = 7;
    size_t i;

    (void)state;
    assert_non_null(rl);
    clerk__ratelimit_set_clock(rl, clock_now, clock_sleep, NULL);
    clock_reset(0);
    assert_true(clerk__ratelimit_reserve(rl, -1) == 0.0);
    assert_true(clerk__ratelimit_reserve(rl, -1) == 0.0);
    assert_true(clerk__ratelimit_reserve(rl, -1) == 0.0);
    /* The 4th to 6th start one window after the 1st to 3rd. */
    assert_true(clerk__ratelimit_reserve(rl, -1) == 1000.0);
    assert_true(clerk__ratelimit_reserve(rl, -1) == 1000.0);
    /* A budget shorter than the wait refuses and takes nothing... */
    assert_true(clerk__ratelimit_reserve(rl, 999) < 0);
    clock_reset(400);
    /* ...so the 6th still gets slot 1000 (600 from now), the 7th 2000. */
    assert_true(clerk__ratelimit_reserve(rl, 600) == 600.0);
    assert_true(clerk__ratelimit_reserve(rl, -1) == 1600.0);
    clerk__ratelimit_free(rl);

    /* Random arrivals: slots never go back, and any 6 of them (max 5)
     * span at least the window. */
    rl = clerk__ratelimit_new(5, 100);
    assert_non_null(rl);
    clerk__ratelimit_set_clock(rl, clock_now, clock_sleep, NULL);
    clock_reset(0);
    for (i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        clock_reset(fake_now + (double)((seed >> 16) % 40));
        slots[i] = fake_now + clerk__ratelimit_reserve(rl, -1);
        assert_true(slots[i] >= fake_now);
        if (i > 0) {
            assert_true(slots[i] >= slots[i - 1]);
        }
        if (i >= 5) {
            assert_true(slots[i] - slots[i - 5] >= 100.0);
        }
    }
    clerk__ratelimit_free(rl);
}

/* ------------------------------------------------------------------ */
/* Defaults                                                            */
/* ------------------------------------------------------------------ */

/* `n` calls through a client for api.clerk.com, each cancelled by the
 * request hook; returns how many started at fake time 0. */
static size_t starts_at_zero(const char *key, size_t n, starts_t *s)
{
    clerk_client_t *c = NULL;
    size_t i;
    size_t zero = 0;
    clerk_client_options_t o = {
        .base_url = "https://api.clerk.com/v1",
        .secret_key = key,
        .hooks = { .on_request = on_request, .payload = s },
    };

    s->n = 0;
    s->cancel = true;
    assert_int_equal(clerk_client_new(&c, &o), CLERK_OK);
    use_fake_clock(c);
    clock_reset(0);
    for (i = 0; i < n; i++) {
        json_response_t *r = NULL;

        assert_int_equal(
            rt_call((void **)&r, c, &op_list, NULL, NULL, NULL),
            CLERK_E_CANCELLED);
        clerk__op_response_free(&op_list, r);
    }
    for (i = 0; i < s->n; i++) {
        zero += s->at[i] == 0.0;
    }
    assert_int_equal(s->n, n);
    assert_true(s->at[n - 1] == 10000.0); /* one window later */
    clerk_client_free(c);
    return zero;
}

static void test_clerk_defaults(void **state)
{
    static starts_t s = { .lock = PTHREAD_MUTEX_INITIALIZER };
    clerk_client_t *c = NULL;

    (void)state;
    assert_int_equal(starts_at_zero("sk_test_abc", 101, &s), 100);
    assert_int_equal(starts_at_zero("sk_live_abc", 1001, &s), 1000);

    /* Another host: no limit unless asked for; disable turns it off. */
    c = rt_client("rl_none", false, NULL);
    assert_null(c->ratelimit);
    clerk_client_free(c);
    c = rt_client(
        "rl_none", false,
        &(clerk_client_options_t){ .rate_limit.max_requests = 7 });
    assert_non_null(c->ratelimit);
    clerk_client_free(c);
    assert_int_equal(
        clerk_client_new(
            &c, &(clerk_client_options_t){ .base_url = "https://api.clerk.com",
                                           .rate_limit.disable = true }),
        CLERK_OK);
    assert_null(c->ratelimit);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Sync calls against the fault server                                 */
/* ------------------------------------------------------------------ */

static void test_sync_waits(void **state)
{
    static starts_t s = { .lock = PTHREAD_MUTEX_INITIALIZER };
    const char *tag = "rl_sync";
    clerk_client_t *c;
    size_t i;

    (void)state;
    s.n = 0;
    s.cancel = false;
    c = rt_client(
        tag, false,
        &(clerk_client_options_t){
            .rate_limit = { .max_requests = 5, .window_ms = 1000 },
            .hooks = { .on_request = on_request, .payload = &s } });
    use_fake_clock(c);
    clock_reset(0);
    /* The 3rd call is retried once (503): its retry takes a slot too. */
    assert_int_equal(fault_script(tag, "[{}, {}, {\"status\": 503}]"), 0);
    for (i = 0; i < 11; i++) {
        assert_int_equal(rt_list_call(c), CLERK_OK);
    }
    assert_int_equal(fault_request_count(tag), 12);
    assert_int_equal(s.n, 12);
    assert_true(s.at[4] == 0.0);
    assert_true(s.at[5] == 1000.0);
    assert_true(s.at[9] == 1000.0);
    assert_true(s.at[10] == 2000.0);
    assert_true(s.at[11] == 2000.0);
    /* Two waits: for the 6th slot (1000) and the 11th (2000). */
    assert_int_equal(sleeps, 2);
    assert_true(sleep_total == 2000.0);
    clerk_client_free(c);
}

static void test_sync_deadline(void **state)
{
    const char *tag = "rl_deadline";
    clerk_client_t *c;
    json_response_t *r = NULL;

    (void)state;
    c = rt_client(
        tag, false,
        &(clerk_client_options_t){
            .rate_limit = { .max_requests = 1, .window_ms = 60000 },
            .deadline_ms = 5000 });
    use_fake_clock(c);
    clock_reset(0);
    assert_int_equal(rt_list_call(c), CLERK_OK);
    /* The next slot is 60 s away, past the 5 s deadline: refused now. */
    assert_int_equal(
        rt_call((void **)&r, c, &op_list, NULL, NULL, NULL), CLERK_E_TIMEOUT);
    assert_non_null(strstr(r->meta.message, "rate limit"));
    assert_non_null(strstr(r->meta.message, "1 requests per 60000 ms"));
    assert_int_equal(r->meta.attempts, 0);
    clerk__op_response_free(&op_list, r);
    assert_int_equal(sleeps, 0);
    assert_int_equal(fault_request_count(tag), 1);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

#define THREADS 8
#define CALLS   25

static void *worker(void *arg)
{
    clerk_client_t *c = arg;
    size_t i;

    for (i = 0; i < CALLS; i++) {
        if (rt_list_call(c) != CLERK_OK) {
            return arg;
        }
    }
    return NULL;
}

static void test_threads_share_the_limit(void **state)
{
    static starts_t s = { .lock = PTHREAD_MUTEX_INITIALIZER };
    const char *tag = "rl_threads";
    pthread_t t[THREADS];
    clerk_client_t *c;
    void *failed;
    size_t i;

    (void)state;
    s.n = 0;
    s.cancel = false;
    c = rt_client(
        tag, false,
        &(clerk_client_options_t){
            .rate_limit = { .max_requests = 20, .window_ms = 1000 },
            .hooks = { .on_request = on_request, .payload = &s } });
    use_fake_clock(c);
    clock_reset(0);
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, worker, c), 0);
    }
    for (i = 0; i < THREADS; i++) {
        failed = NULL;
        assert_int_equal(pthread_join(t[i], &failed), 0);
        assert_null(failed);
    }
    assert_int_equal(s.n, THREADS * CALLS);
    assert_int_equal(fault_request_count(tag), THREADS * CALLS);
    assert_within_limit(&s, 20, 1000.0);
    /* 200 starts at 20 per second: the last one at 9 s. */
    assert_true(s.at[s.n - 1] == 9000.0);
    clerk_client_free(c);
}

/* ------------------------------------------------------------------ */
/* Async                                                               */
/* ------------------------------------------------------------------ */

typedef struct done {
    int calls;
    clerk_status_t status[8];
} done_t;

static void on_user(clerk_users_get_response_t *res, void *payload)
{
    done_t *d = payload;

    if (d->calls < 8) {
        d->status[d->calls] = res->meta.status;
    }
    d->calls++;
    clerk_users_get_response_free(res);
}

static void test_async_waits_on_the_loop(void **state)
{
    const char *tag = "rl_async";
    clerk_loop_t *loop = NULL;
    clerk_client_t *c;
    clerk_call_id_t third;
    done_t d = { 0 };

    (void)state;
    /* The fake clock stands still: the 3rd call's slot is a whole
     * window (60 s) away. */
    c = rt_client(
        tag, false,
        &(clerk_client_options_t){
            .rate_limit = { .max_requests = 2, .window_ms = 60000 } });
    use_fake_clock(c);
    clock_reset(0);
    assert_int_equal(clerk_loop_new(&loop, NULL), CLERK_OK);
    assert_true(clerk_users_get_async(loop, c, "user_1", on_user, &d) != 0);
    assert_true(clerk_users_get_async(loop, c, "user_2", on_user, &d) != 0);
    third = clerk_users_get_async(loop, c, "user_3", on_user, &d);
    assert_true(third != 0);
    /* The first two complete; the loop is not blocked by the 3rd, which
     * waits for its slot unsent: the loop returns at its own time limit
     * with it still in flight. */
    while (d.calls < 2) {
        clerk_status_t st = clerk_loop_run_one(loop, 20000);

        assert_true(st == CLERK_OK || st == CLERK_E_TIMEOUT);
    }
    assert_int_equal(clerk_loop_run(loop, 50), CLERK_E_TIMEOUT);
    assert_int_equal(d.calls, 2);
    assert_int_equal(clerk_loop_in_flight(loop), 1);
    assert_int_equal(fault_request_count(tag), 2);
    assert_int_equal(clerk_loop_cancel(loop, third), CLERK_OK);
    assert_int_equal(d.calls, 3);
    assert_int_equal(d.status[2], CLERK_E_CANCELLED);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

/* The URLs of the attempts as they start (the loop's thread only). */
static char start_urls[4][256];
static int starts_seen;

static int note_start(const clerk_hook_info_t *info, void *payload)
{
    (void)payload;
    if (starts_seen < 4) {
        snprintf(
            start_urls[starts_seen], sizeof(start_urls[0]), "%s", info->url);
    }
    starts_seen++;
    return 0;
}

static void test_async_slots_in_order(void **state)
{
    const char *tag = "rl_async2";
    clerk_loop_t *loop = NULL;
    clerk_client_t *c;
    done_t d = { 0 };
    int i;

    (void)state;
    /* One request per 30 ms of the (frozen) fake clock: the calls wait
     * 30, 60, 90 ms on the loop's timer, and start in order (the request
     * hook sees them start; the server may see them arrive otherwise, on
     * connections of their own). */
    starts_seen = 0;
    c = rt_client(
        tag, false,
        &(clerk_client_options_t){
            .rate_limit = { .max_requests = 1, .window_ms = 30 },
            .hooks = { .on_request = note_start } });
    use_fake_clock(c);
    clock_reset(0);
    assert_int_equal(clerk_loop_new(&loop, NULL), CLERK_OK);
    for (i = 0; i < 4; i++) {
        char id[16];

        snprintf(id, sizeof(id), "user_%d", i);
        assert_true(clerk_users_get_async(loop, c, id, on_user, &d) != 0);
    }
    assert_int_equal(clerk_loop_run(loop, 20000), CLERK_OK);
    assert_int_equal(d.calls, 4);
    assert_int_equal(fault_request_count(tag), 4);
    assert_int_equal(starts_seen, 4);
    for (i = 0; i < 4; i++) {
        char want[32];

        assert_int_equal(d.status[i], CLERK_OK);
        snprintf(want, sizeof(want), "/users/user_%d", i);
        assert_non_null(strstr(start_urls[i], want));
    }

    clerk_loop_free(loop);

    /* A deadline (here 5 s) shorter than the wait for the slot (60 s):
     * the call fails at once, nothing sent, the loop not held up. */
    clerk_client_free(c);
    c = rt_client(
        tag, false,
        &(clerk_client_options_t){
            .rate_limit = { .max_requests = 1, .window_ms = 60000 } });
    use_fake_clock(c);
    clock_reset(0);
    memset(&d, 0, sizeof(d));
    assert_int_equal(
        clerk_loop_new(&loop, &(clerk_loop_options_t){ .deadline_ms = 5000 }),
        CLERK_OK);
    assert_true(clerk_users_get_async(loop, c, "user_a", on_user, &d) != 0);
    assert_true(clerk_users_get_async(loop, c, "user_b", on_user, &d) != 0);
    assert_int_equal(clerk_loop_run(loop, 20000), CLERK_OK);
    assert_int_equal(d.calls, 2);
    /* The refused call completes first, before the other's answer. */
    assert_int_equal(d.status[0], CLERK_E_TIMEOUT);
    assert_int_equal(d.status[1], CLERK_OK);
    assert_int_equal(fault_request_count(tag), 5);
    clerk_loop_free(loop);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sliding_log),
        cmocka_unit_test(test_clerk_defaults),
        cmocka_unit_test(test_sync_waits),
        cmocka_unit_test(test_sync_deadline),
        cmocka_unit_test(test_threads_share_the_limit),
        cmocka_unit_test(test_async_waits_on_the_loop),
        cmocka_unit_test(test_async_slots_in_order),
    };

    if (fault_init() != 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
