/*
 * Build-time tool for the libclerk benchmark client: writes C code that
 * reads every field of a decoded clerk_user_t, one straight-line function
 * per model reachable from User, with the member offsets and kinds taken
 * from the generated type descriptors.  The result costs what hand-written
 * `u->first_name`, `u->email_addresses.items[i].verification...` reads
 * cost, without hand-writing a reader for the ~60 structs a User holds
 * (and without the per-field dispatch a descriptor-driven walk would add
 * to the (l) side of the comparison).
 *
 * Usage: clerk_bench_walkgen OUT.h
 */
#include "clerk_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const clerk__model_t clerk__user_model;

#define MAX_MODELS 512

static const clerk__model_t *models[MAX_MODELS];
static size_t model_count;

/* Index of a model in the table, adding it (and what it reaches). */
static int model_id(const clerk__model_t *m);

static int add_type(const clerk__type_t *t)
{
    if ((t->kind == CLERK__K_OBJ || t->kind == CLERK__K_STRUCT) &&
        model_id(t->model) < 0) {
        return -1;
    }
    if (t->kind == CLERK__K_ARRAY && add_type(t->elem) != 0) {
        return -1;
    }
    return 0;
}

static int model_id(const clerk__model_t *m)
{
    size_t i;
    size_t id;
    for (i = 0; i < model_count; i++) {
        if (models[i] == m) {
            return (int)i;
        }
    }
    if (model_count == MAX_MODELS) {
        return -1;
    }
    id = model_count;
    models[model_count++] = m;
    for (i = 0; i < m->field_count; i++) {
        if (add_type(m->fields[i].type) != 0) {
            return -1;
        }
    }
    for (i = 0; i < m->variant_count; i++) {
        if (add_type(m->variants[i].type) != 0) {
            return -1;
        }
    }
    return (int)id;
}

/* Code reading the value of type `t` at expression `at` (a const char *
 * pointing at the C value). */
static int emit_value(
    FILE *f,
    const clerk__type_t *t,
    const char *at,
    unsigned flags,
    size_t null_offset,
    const char *base,
    int depth)
{
    const int null_ptr = (flags & CLERK__F_NULLABLE) != 0 &&
                         (flags & CLERK__F_REQUIRED) != 0;
    switch (t->kind) {
    case CLERK__K_STR:
        fprintf(f, "    bw_str(t, *(char *const *)(%s), %d);\n", at,
                null_ptr);
        return 0;
    case CLERK__K_BOOL:
        fprintf(f, "    bench_tally_bool(t, *(const bool *)(%s));\n", at);
        return 0;
    case CLERK__K_INT:
        fprintf(f,
                "    bench_tally_num(t, (double)*(const int64_t *)(%s));\n",
                at);
        return 0;
    case CLERK__K_NUM:
        fprintf(f, "    bench_tally_num(t, *(const double *)(%s));\n", at);
        return 0;
    case CLERK__K_OPT_STR:
        fprintf(f, "    bw_opt_str(t, (const clerk_opt_str_t *)(%s));\n", at);
        return 0;
    case CLERK__K_OPT_BOOL:
        fprintf(f, "    bw_opt_bool(t, (const clerk_opt_bool_t *)(%s));\n",
                at);
        return 0;
    case CLERK__K_OPT_INT:
        fprintf(f, "    bw_opt_int(t, (const clerk_opt_int64_t *)(%s));\n",
                at);
        return 0;
    case CLERK__K_OPT_NUM:
        fprintf(f, "    bw_opt_num(t, (const clerk_opt_double_t *)(%s));\n",
                at);
        return 0;
    case CLERK__K_ENUM:
        fprintf(f, "    bw_enum(t, (const clerk_enum_t *)(%s));\n", at);
        return 0;
    case CLERK__K_JSON:
        fprintf(f, "    bw_json(t, *(cJSON *const *)(%s), %d);\n", at,
                null_ptr);
        return 0;
    case CLERK__K_OBJ:
        if (null_offset != 0) {
            fprintf(f,
                    "    bw_obj(t, *(const char *const *)(%s), walk_%d, "
                    "*(const bool *)(%s + %zu));\n",
                    at, model_id(t->model), base, null_offset);
        } else {
            fprintf(f,
                    "    bw_obj(t, *(const char *const *)(%s), walk_%d, "
                    "false);\n",
                    at, model_id(t->model));
        }
        return 0;
    case CLERK__K_STRUCT:
        fprintf(f, "    walk_%d(%s, t);\n", model_id(t->model), at);
        return 0;
    case CLERK__K_ARRAY: {
        char item[64];
        if (depth > 4) {
            return -1;
        }
        fprintf(f,
                "    {\n"
                "    const bw_array_t *a%d = (const bw_array_t *)(%s);\n"
                "    size_t i%d;\n"
                "    if (a%d->state == CLERK_NULL) {\n"
                "        bench_tally_null(t);\n"
                "    }\n"
                "    for (i%d = 0; i%d < a%d->count; i%d++) {\n",
                depth, at, depth, depth, depth, depth, depth, depth);
        snprintf(item, sizeof item, "a%d->items + i%d * %zu", depth, depth,
                 t->elem->size);
        if (emit_value(f, t->elem, item, 0, 0, base, depth + 1) != 0) {
            return -1;
        }
        fprintf(f, "    }\n    }\n");
        return 0;
    }
    case CLERK__K_FILE:
    default:
        return 0;
    }
}

static int emit_model(FILE *f, size_t id)
{
    const clerk__model_t *m = models[id];
    char at[64];
    size_t i;

    fprintf(f, "/* %s */\nstatic void walk_%zu(const char *p, "
               "bench_tally_t *t)\n{\n", m->name, id);
    if (m->variant_count > 0) {
        fprintf(f, "    const clerk__union_t *u = (const clerk__union_t *)p;"
                   "\n    switch (u->kind) {\n");
        for (i = 0; i < m->variant_count; i++) {
            fprintf(f, "    case %zu:\n        bw_obj(t, (const char *)u->value, walk_%d, "
                       "false);\n        break;\n",
                    i + 1, model_id(m->variants[i].type->model));
        }
        fprintf(f, "    default:\n        break;\n    }\n}\n\n");
        return 0;
    }
    for (i = 0; i < m->field_count; i++) {
        const clerk__field_t *fd = &m->fields[i];
        fprintf(f, "    /* %s */\n", fd->name);
        snprintf(at, sizeof at, "p + %zu", fd->offset);
        if (emit_value(f, fd->type, at, fd->flags, fd->null_offset, "p", 0) !=
            0) {
            return -1;
        }
    }
    if (m->field_count == 0) {
        fprintf(f, "    (void)p;\n    (void)t;\n");
    }
    fprintf(f, "}\n\n");
    return 0;
}

int main(int argc, char **argv)
{
    FILE *f = NULL;
    size_t i;
    int ok = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT.h\n", argv[0]);
        return 2;
    }
    if (model_id(&clerk__user_model) != 0) {
        fprintf(stderr, "walkgen: too many models\n");
        return 1;
    }
    f = fopen(argv[1], "w");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    fprintf(f, "/* Generated by tests/bench/walkgen.c: reads every field of "
               "a clerk_user_t. */\n\n");
    for (i = 0; i < model_count; i++) {
        fprintf(f, "static void walk_%zu(const char *p, bench_tally_t *t);\n",
                i);
    }
    fprintf(f, "\n");
    for (i = 0; i < model_count; i++) {
        if (emit_model(f, i) != 0) {
            fprintf(stderr, "walkgen: arrays nested too deeply\n");
            goto done;
        }
    }
    fprintf(f, "#define BENCH_WALK_USER walk_0\n");
    ok = 1;
done:
    if (fclose(f) != 0) {
        ok = 0;
    }
    return ok ? 0 : 1;
}
