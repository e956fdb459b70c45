/* See print_diff.h. */
#include "print_diff.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* One comparison of _print with _to_json + cJSON_PrintUnformatted. */
static void agree(
    const clerk__model_t *model,
    const void *value,
    const char *name,
    const char *what,
    print_diff_counts_t *counts)
{
    cJSON *json = NULL;
    char *printed = clerk__model_print(model, value);
    char *encoded = NULL;
    clerk_json_error_t err;
    clerk_status_t st = clerk__model_to_json(model, &json, value, &err);

    counts->checked++;
    if (st == CLERK_OK) {
        encoded = cJSON_PrintUnformatted(json);
        assert_non_null(encoded);
    }
    if (printed == NULL && encoded == NULL) {
        counts->both_failed++;
    } else if (printed == NULL || encoded == NULL ||
               strcmp(printed, encoded) != 0) {
        counts->differed++;
        print_error(
            "%s%s: _print gives %s, _to_json %s (%s)\n", name, what,
            printed != NULL ? printed : "NULL",
            encoded != NULL ? encoded : "NULL",
            st == CLERK_OK ? "ok" : err.path);
    }
    cJSON_free(encoded);
    clerk_free(printed);
    cJSON_Delete(json);
}

void print_diff_check(
    const clerk__type_t *type,
    void *value,
    const char *name,
    print_diff_counts_t *counts)
{
    const clerk__model_t *model = type->model;
    const clerk__model_t *target = model;
    char *base = value;
    const clerk__field_t *f = NULL;
    const clerk__union_t *u = NULL;
    unsigned char saved[256];
    bool saved_null = false;
    char what[160];
    size_t i = 0;

    assert_int_equal(type->kind, CLERK__K_OBJ);
    agree(model, value, name, "", counts);
    if (model->variant_count > 0) {
        /* A union of objects: the fields of the member it holds. */
        u = value;
        if (u->kind < 1 || (size_t)u->kind > model->variant_count ||
            model->variants[u->kind - 1].type->kind != CLERK__K_OBJ ||
            u->value == NULL) {
            return;
        }
        target = model->variants[u->kind - 1].type->model;
        base = u->value;
    }
    for (i = 0; i < target->field_count; i++) {
        f = &target->fields[i];
        if (!CLERK__F_ENCODE_REQUIRED(f->flags) ||
            f->type->kind == CLERK__K_FILE) {
            continue;
        }
        assert_true(f->type->size <= sizeof(saved));
        memcpy(saved, base + f->offset, f->type->size);
        memset(base + f->offset, 0, f->type->size);
        if (f->null_offset != 0) {
            saved_null = *(bool *)(base + f->null_offset);
            *(bool *)(base + f->null_offset) = false;
        }
        snprintf(what, sizeof(what), " without %s", f->name);
        agree(model, value, name, what, counts);
        memcpy(base + f->offset, saved, f->type->size);
        if (f->null_offset != 0) {
            *(bool *)(base + f->null_offset) = saved_null;
        }
    }
}
