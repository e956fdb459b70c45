/*
 * Many calls on one thread with the blocking driver: fetch users by ID,
 * keeping a fixed number of calls in flight (a bulk job's pattern).
 *
 *   CLERK_SECRET_KEY=sk_live_... ./async_many [calls] [in_flight]
 *
 * The IDs come from the first page of the user list; the calls cycle
 * through them.  Defaults: 100 calls, 16 in flight.  $CLERK_API_URL
 * overrides the API address (e.g. a local mock of the API).
 */
#include <clerk.h>
#include <clerk/api/users.h>

#include <stdio.h>
#include <stdlib.h>

typedef struct job {
    clerk_loop_t *loop;
    clerk_client_t *client;
    const clerk_user_array_t *ids; /* where the IDs come from */
    long total;                    /* calls to make */
    long started;
    long ok;
    long failed;
} job_t;

static void on_user(clerk_users_get_response_t *res, void *payload);

/* Start the next call, if any is left; false when none could start. */
static int start_next(job_t *job)
{
    const clerk_user_t *u;

    if (job->started >= job->total) {
        return 1;
    }
    u = &job->ids->items[(size_t)job->started % job->ids->count];
    job->started++;
    /* The ID is copied before clerk_users_get_async() returns. */
    if (clerk_users_get_async(job->loop, job->client, u->id, on_user, job) ==
        0) {
        job->failed++;
        return 0;
    }
    return 1;
}

/* Runs on this thread, from inside clerk_loop_run(); owns `res`. */
static void on_user(clerk_users_get_response_t *res, void *payload)
{
    job_t *job = payload;

    if (res->meta.status == CLERK_OK) {
        job->ok++;
    } else {
        job->failed++;
        fprintf(
            stderr, "users_get: %s (HTTP %ld)\n", res->meta.message,
            res->meta.http_status);
    }
    clerk_users_get_response_free(res);
    (void)start_next(job); /* keep the window full */
}

int main(int argc, char **argv)
{
    clerk_client_t *client = NULL;
    clerk_loop_t *loop = NULL;
    clerk_user_array_t *users = NULL;
    job_t job = { 0 };
    long window = argc > 2 ? strtol(argv[2], NULL, 10) : 16;
    clerk_status_t st;
    int rc = 1;

    job.total = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
    /* Base URL from $CLERK_API_URL, key from $CLERK_SECRET_KEY. */
    st = clerk_client_new(&client, NULL);
    if (st != CLERK_OK) {
        fprintf(stderr, "clerk_client_new: %s\n", clerk_status_str(st));
        goto done;
    }
    /* Sync and async calls may share a client. */
    users = clerk_users_list(
        client, &(clerk_users_list_params_t){ .limit = CLERK_INT(10) });
    if (users == NULL || users->count == 0 || users->items[0].id == NULL) {
        fprintf(stderr, "no users to fetch\n");
        goto done;
    }
    /* One loop per thread; the defaults suit api.clerk.com (HTTP/2). */
    st = clerk_loop_new(&loop, NULL);
    if (st != CLERK_OK) {
        fprintf(stderr, "clerk_loop_new: %s\n", clerk_status_str(st));
        goto done;
    }
    job.loop = loop;
    job.client = client;
    job.ids = users;
    while (job.started < window && job.started < job.total) {
        if (!start_next(&job)) {
            break;
        }
    }
    /* Blocking driver: returns once no call is left in flight. */
    st = clerk_loop_run(loop, 60000);
    printf(
        "%ld calls: %ld ok, %ld failed (%s)\n", job.started, job.ok, job.failed,
        clerk_status_str(st));
    rc = st == CLERK_OK && job.failed == 0 && job.ok == job.total ? 0 : 1;
done:
    clerk_loop_free(loop); /* cancels what is left (callbacks run) */
    clerk_user_array_free(users);
    clerk_client_free(client);
    return rc;
}
