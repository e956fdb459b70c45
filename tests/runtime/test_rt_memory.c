/*
 * Memory kept for decoding (issue 13): a thread that makes calls keeps the
 * blocks of the values it frees and decodes the next response into them,
 * and the nodes of free-form values (cJSON items) likewise;
 * clerk_thread_memory_release() gives them back.  Measured with glibc's
 * mallinfo2() (bytes in use), through the generated clerk_users_list()
 * against the fault server.
 */
#include "rt_common.h"

#include <clerk/api/users.h>

#include <malloc.h>

#define USERS 300
#define META_KEYS 20

/* A list of USERS small users, as a fault server script; with `meta`,
 * each has a public_metadata object of META_KEYS numbers and one array
 * (mostly nodes: short keys, no strings). */
static char *list_script(bool meta)
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
        if (meta) {
            cJSON *m = cJSON_AddObjectToObject(u, "public_metadata");
            cJSON *a = cJSON_AddArrayToObject(m, "z");
            char key[4];
            int k;

            for (k = 0; k < META_KEYS; k++) {
                snprintf(key, sizeof(key), "%c", 'a' + k);
                cJSON_AddNumberToObject(m, key, i * 100 + k);
                cJSON_AddItemToArray(a, cJSON_CreateBool(k % 2));
            }
        }
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
    char *script = list_script(false);
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

/* Free-form values: their nodes are kept and reused too; a tree stays
 * an ordinary cJSON tree (a node taken out is freed with cJSON_Delete(),
 * references and constant keys added to it are left alone by _free). */
static void test_free_form_nodes(void **state)
{
    const char *tag = "mem_nodes";
    clerk_client_t *c = rt_client(tag, false, NULL);
    char *script = list_script(true);
    clerk_user_array_t *list;
    const cJSON *m;
    cJSON *taken;
    cJSON *mine;
    size_t decoded = 0;
    size_t before = 0;
    size_t kept = 0;
    bool measure = true;

    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    measure = false; /* ASan's allocator: mallinfo2() says nothing */
#endif
    assert_int_equal(fault_script(tag, script), 0);
    cJSON_free(script);

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
    if (measure) {
        /* Nodes are most of what was decoded: kept, not only the
         * users' own blocks (about a fifth). */
        assert_true(kept - before >= decoded / 2);
    }

    list = clerk_users_list(c, NULL);
    assert_non_null(list);
    if (measure) {
        assert_true(in_use() <= kept + decoded / 2);
    }
    m = list->items[USERS - 1].public_metadata;
    assert_non_null(m);
    assert_int_equal(cJSON_GetArraySize(m), META_KEYS + 1);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(m, "z")));
    assert_true(cJSON_IsTrue(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "z"), 1)));
    assert_true(cJSON_GetObjectItem(m, "t")->valuedouble == 29919.0);
    assert_int_equal(cJSON_GetObjectItem(m, "t")->valueint, 29919);

    /* Still the application's cJSON tree to edit. */
    taken = cJSON_DetachItemFromObject(list->items[0].public_metadata, "a");
    assert_non_null(taken);
    mine = cJSON_CreateString("mine");
    assert_true(cJSON_AddItemReferenceToObject(
        list->items[0].public_metadata, "ref", mine));
    assert_non_null(cJSON_AddNumberToObject(
        list->items[1].public_metadata, "added", 1));
    cJSON_AddItemToObjectCS(
        list->items[2].public_metadata, "const", cJSON_CreateNull());
    clerk_user_array_free(list);
    assert_string_equal(mine->valuestring, "mine");
    assert_true(taken->valuedouble == 0.0);
    cJSON_Delete(taken);
    cJSON_Delete(mine);

    clerk_thread_memory_release();
    if (measure) {
        assert_true(in_use() + decoded / 2 <= kept);
    }
    clerk_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept_and_released),
        cmocka_unit_test(test_free_form_nodes),
    };

    return cmocka_run_group_tests(tests, rt_setup, NULL);
}
