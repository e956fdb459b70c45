/*
 * Memory kept for decoding (issue 13): a thread that makes calls keeps the
 * blocks of the values it frees and decodes the next response into them;
 * clerk_thread_memory_release() gives them back.  Measured with glibc's
 * mallinfo2() (bytes in use), through the generated clerk_users_list()
 * against the fault server.
 */
#include "rt_common.h"

#include <clerk/api/users.h>

#include <malloc.h>

#define USERS 300

/* A list of USERS small users, as a fault server script. */
static char *list_script(void)
{
    cJSON *users = cJSON_CreateArray();
    cJSON *action = cJSON_CreateObject();
    cJSON *script = cJSON_CreateArray();
    char id[32];
    char *body;
    char *text;
    int i;

    for (i = 0; i < USERS; i++) {
        cJSON *u = cJSON_CreateObject();

        snprintf(id, sizeof(id), "user_%04d", i);
        cJSON_AddStringToObject(u, "id", id);
        cJSON_AddStringToObject(u, "object", "user");
        cJSON_AddStringToObject(u, "first_name", "Ada");
        cJSON_AddStringToObject(u, "last_name", "Lovelace");
        cJSON_AddItemToArray(users, u);
    }
    body = cJSON_PrintUnformatted(users);
    cJSON_AddStringToObject(action, "body", body);
    cJSON_AddNumberToObject(action, "repeat", 3);
    cJSON_AddItemToArray(script, action);
    text = cJSON_PrintUnformatted(script);
    cJSON_free(body);
    cJSON_Delete(users);
    cJSON_Delete(script);
    return text;
}

static size_t in_use(void)
{
    return mallinfo2().uordblks;
}

static void test_kept_and_released(void **state)
{
    const char *tag = "mem_release";
    clerk_client_t *c = rt_client(tag, false, NULL);
    char *script = list_script();
    clerk_user_array_t *list;
    size_t decoded;
    size_t before;
    size_t kept;
    size_t after;

    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's allocator replaces glibc's: mallinfo2() says nothing. */
    cJSON_free(script);
    clerk_client_free(c);
    skip();
#endif
    assert_int_equal(fault_script(tag, script), 0);
    cJSON_free(script);

    /* Warm up: the handle, the connection, the kept receive buffer. */
    list = clerk_users_list(c, NULL);
    assert_non_null(list);
    clerk_user_array_free(list);
    clerk_thread_memory_release();

    before = in_use();
    list = clerk_users_list(c, NULL);
    assert_non_null(list);
    assert_int_equal(list->count, USERS);
    decoded = in_use() - before;
    clerk_user_array_free(list);
    kept = in_use();
    /* The decoded blocks stay with the thread... */
    assert_true(kept - before >= decoded / 2);

    /* ...and the next response of the same shape reuses them. */
    list = clerk_users_list(c, NULL);
    assert_non_null(list);
    assert_string_equal(list->items[USERS - 1].id, "user_0299");
    assert_true(in_use() <= kept + decoded / 4);
    clerk_user_array_free(list);

    /* Released: the memory is given back. */
    clerk_thread_memory_release();
    after = in_use();
    assert_true(after + decoded / 2 <= kept);
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_and_released),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
