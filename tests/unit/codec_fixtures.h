/*
 * Hand-written descriptors shaped like generated ones, shared by the codec
 * unit tests: a model with every kind (Thing), a nested model, an array of
 * structs, a union with discriminator and one without; and full_doc, a
 * document that fills every field of Thing.
 */
#ifndef CLERK_TEST_CODEC_FIXTURES_H
#define CLERK_TEST_CODEC_FIXTURES_H

#include <stddef.h>

#include "codec_internal.h"

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

static const char *const status_values[] = { "verified", "unverified",
                                             "expired" };
static const clerk__enum_t status_enum = { "Status", status_values, 3 };
static const clerk__type_t status_type = { CLERK__K_ENUM, sizeof(clerk_enum_t),
                                           NULL, NULL, &status_enum };
static const clerk__type_t status_array_type = { CLERK__K_ARRAY,
                                                 sizeof(clerk_enum_array_t),
                                                 NULL, &status_type, NULL };

/* verification_otp / verification_admin */
typedef struct otp {
    char *object;
    clerk_enum_t status;
    clerk_opt_int64_t attempts;
} otp_t;

static const clerk__field_t otp_fields[] = {
    { "object", offsetof(otp_t, object), &clerk__type_str, CLERK__F_REQUIRED,
      0 },
    { "status", offsetof(otp_t, status), &status_type, CLERK__F_REQUIRED, 0 },
    { "attempts", offsetof(otp_t, attempts), &clerk__type_opt_int,
      CLERK__F_REQUIRED | CLERK__F_NULLABLE, 0 },
};
static const clerk__model_t otp_model = {
    "verification_otp", sizeof(otp_t), otp_fields, 3, NULL, 0, NULL, NULL
};
static const clerk__type_t otp_type = { CLERK__K_OBJ, sizeof(void *),
                                        &otp_model, NULL, NULL };

typedef struct admin {
    char *object;
    clerk_enum_t status;
} admin_t;

static const clerk__field_t admin_fields[] = {
    { "object", offsetof(admin_t, object), &clerk__type_str, CLERK__F_REQUIRED,
      0 },
    { "status", offsetof(admin_t, status), &status_type, CLERK__F_REQUIRED, 0 },
};
static const clerk__model_t admin_model = {
    "verification_admin", sizeof(admin_t), admin_fields, 2, NULL, 0, NULL, NULL
};
static const clerk__type_t admin_type = { CLERK__K_OBJ, sizeof(void *),
                                          &admin_model, NULL, NULL };

/* Union with discriminator. */
typedef struct verification {
    enum {
        VERIFICATION_NONE,
        VERIFICATION_OTP,
        VERIFICATION_ADMIN,
        VERIFICATION_UNKNOWN = -1 /* an unknown tag: as.unknown */
    } kind;

    union {
        otp_t *otp;
        admin_t *admin;
        cJSON *unknown;
    } as;
} verification_t;

static const clerk__variant_t verification_variants[] = {
    { "verification_otp", &otp_type },
    { "verification_admin", &admin_type },
};
static const clerk__model_t verification_model = { "Verification",
                                                   sizeof(verification_t),
                                                   NULL,
                                                   0,
                                                   verification_variants,
                                                   2,
                                                   "object",
                                                   NULL };
static const clerk__type_t verification_type = { CLERK__K_OBJ, sizeof(void *),
                                                 &verification_model, NULL,
                                                 NULL };

/* Nested model, stored by value in an array. */
typedef struct email {
    char *id;
    char *email_address;
    verification_t *verification;
    bool verification_is_null;
} email_t;

static const clerk__field_t email_fields[] = {
    { "id", offsetof(email_t, id), &clerk__type_str, CLERK__F_REQUIRED, 0 },
    { "email_address", offsetof(email_t, email_address), &clerk__type_str,
      CLERK__F_REQUIRED, 0 },
    { "verification", offsetof(email_t, verification), &verification_type,
      CLERK__F_REQUIRED | CLERK__F_NULLABLE,
      offsetof(email_t, verification_is_null) },
};
static const clerk__model_t email_model = {
    "EmailAddress", sizeof(email_t), email_fields, 3, NULL, 0, NULL, NULL
};
static const clerk__type_t email_struct_type = { CLERK__K_STRUCT,
                                                 sizeof(email_t), &email_model,
                                                 NULL, NULL };
static const clerk__type_t email_type = { CLERK__K_OBJ, sizeof(void *),
                                          &email_model, NULL, NULL };

typedef struct email_array {
    email_t *items;
    size_t count;
    clerk_presence_t state;
} email_array_t;

static const clerk__type_t email_array_type = { CLERK__K_ARRAY,
                                                sizeof(email_array_t), NULL,
                                                &email_struct_type, NULL };

/* Union without discriminator. */
typedef struct by_email {
    char *email;
} by_email_t;

typedef struct by_phone {
    char *phone;
    clerk_opt_bool_t primary;
} by_phone_t;

static const clerk__field_t by_email_fields[] = {
    { "email", offsetof(by_email_t, email), &clerk__type_str, CLERK__F_REQUIRED,
      0 },
};
static const clerk__field_t by_phone_fields[] = {
    { "phone", offsetof(by_phone_t, phone), &clerk__type_str, CLERK__F_REQUIRED,
      0 },
    { "primary", offsetof(by_phone_t, primary), &clerk__type_opt_bool, 0, 0 },
};
static const clerk__model_t by_email_model = {
    "ByEmail", sizeof(by_email_t), by_email_fields, 1, NULL, 0, NULL, NULL
};
static const clerk__model_t by_phone_model = {
    "ByPhone", sizeof(by_phone_t), by_phone_fields, 2, NULL, 0, NULL, NULL
};
static const clerk__type_t by_email_type = { CLERK__K_OBJ, sizeof(void *),
                                             &by_email_model, NULL, NULL };
static const clerk__type_t by_phone_type = { CLERK__K_OBJ, sizeof(void *),
                                             &by_phone_model, NULL, NULL };

typedef struct identity {
    int kind;

    union {
        by_email_t *by_email;
        by_phone_t *by_phone;
    } as;
} identity_t;

static const clerk__variant_t identity_variants[] = {
    { NULL, &by_email_type },
    { NULL, &by_phone_type },
};
static const clerk__model_t identity_model = {
    "Identity", sizeof(identity_t), NULL, 0, identity_variants, 2, NULL, NULL
};
static const clerk__type_t identity_type = { CLERK__K_OBJ, sizeof(void *),
                                             &identity_model, NULL, NULL };
static const clerk__type_t identity_struct_type = {
    CLERK__K_STRUCT, sizeof(identity_t), &identity_model, NULL, NULL
};

typedef struct identity_array {
    identity_t *items;
    size_t count;
    clerk_presence_t state;
} identity_array_t;

static const clerk__type_t identity_array_type = {
    CLERK__K_ARRAY, sizeof(identity_array_t), NULL, &identity_struct_type, NULL
};

/* An array of arrays of strings. */
typedef struct str_matrix {
    clerk_str_array_t *items;
    size_t count;
    clerk_presence_t state;
} str_matrix_t;

static const clerk__type_t str_matrix_type = { CLERK__K_ARRAY,
                                               sizeof(str_matrix_t), NULL,
                                               &clerk__type_str_array, NULL };

/* The model with every kind. */
typedef struct thing {
    char *id;
    char *first_name;
    char *nickname;
    bool banned;
    int64_t created_at;
    double score;
    clerk_opt_str_t locale;
    clerk_opt_bool_t verified;
    clerk_opt_int64_t last_sign_in_at;
    clerk_opt_double_t ratio;
    clerk_enum_t status;
    cJSON *public_metadata;
    email_t *primary;
    bool primary_is_null;
    email_array_t email_addresses;
    clerk_str_array_t tags;
    clerk_int64_array_t counts;
    clerk_bool_array_t flags;
    clerk_double_array_t weights;
    clerk_enum_array_t history;
    clerk_json_array_t extras;
    str_matrix_t matrix;
    identity_array_t identities;
    identity_t *identity;
    const clerk_file_t *file;
} thing_t;

#define RQ CLERK__F_REQUIRED
#define NL CLERK__F_NULLABLE
static const clerk__field_t thing_fields[] = {
    { "id", offsetof(thing_t, id), &clerk__type_str, RQ, 0 },
    { "first_name", offsetof(thing_t, first_name), &clerk__type_str, RQ | NL,
      0 },
    { "nickname", offsetof(thing_t, nickname), &clerk__type_str, 0, 0 },
    { "banned", offsetof(thing_t, banned), &clerk__type_bool, RQ, 0 },
    { "created_at", offsetof(thing_t, created_at), &clerk__type_int, RQ, 0 },
    { "score", offsetof(thing_t, score), &clerk__type_num, RQ, 0 },
    { "locale", offsetof(thing_t, locale), &clerk__type_opt_str, NL, 0 },
    { "verified", offsetof(thing_t, verified), &clerk__type_opt_bool, 0, 0 },
    { "last_sign_in_at", offsetof(thing_t, last_sign_in_at),
      &clerk__type_opt_int, RQ | NL, 0 },
    { "ratio", offsetof(thing_t, ratio), &clerk__type_opt_num, NL, 0 },
    { "status", offsetof(thing_t, status), &status_type, RQ, 0 },
    { "public_metadata", offsetof(thing_t, public_metadata), &clerk__type_json,
      0, 0 },
    { "primary", offsetof(thing_t, primary), &email_type, NL,
      offsetof(thing_t, primary_is_null) },
    { "email_addresses", offsetof(thing_t, email_addresses), &email_array_type,
      RQ, 0 },
    { "tags", offsetof(thing_t, tags), &clerk__type_str_array, 0, 0 },
    { "counts", offsetof(thing_t, counts), &clerk__type_int_array, 0, 0 },
    { "flags", offsetof(thing_t, flags), &clerk__type_bool_array, 0, 0 },
    { "weights", offsetof(thing_t, weights), &clerk__type_num_array, NL, 0 },
    { "history", offsetof(thing_t, history), &status_array_type, 0, 0 },
    { "extras", offsetof(thing_t, extras), &clerk__type_json_array, 0, 0 },
    { "matrix", offsetof(thing_t, matrix), &str_matrix_type, 0, 0 },
    { "identities", offsetof(thing_t, identities), &identity_array_type, 0, 0 },
    { "identity", offsetof(thing_t, identity), &identity_type, 0, 0 },
    { "file", offsetof(thing_t, file), &clerk__type_file, 0, 0 },
};
static const clerk__model_t thing_model = {
    "Thing",      sizeof(thing_t),
    thing_fields, sizeof(thing_fields) / sizeof(thing_fields[0]),
    NULL,         0,
    NULL,         NULL
};
static const clerk__type_t thing_type = { CLERK__K_OBJ, sizeof(void *),
                                          &thing_model, NULL, NULL };

typedef struct thing_array {
    thing_t *items;
    size_t count;
    clerk_presence_t state;
} thing_array_t;

static const clerk__type_t thing_struct_type = { CLERK__K_STRUCT,
                                                 sizeof(thing_t), &thing_model,
                                                 NULL, NULL };
static const clerk__type_t thing_array_type = { CLERK__K_ARRAY,
                                                sizeof(thing_array_t), NULL,
                                                &thing_struct_type, NULL };

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

/* Unions of values (issue 14): members of other JSON types than objects,
 * some sharing one (integer and number; the status enum and a string). */
typedef struct scalar_union {
    int kind;

    union {
        int64_t integer;
        double number;
        clerk_enum_t status;
        char *string;
        bool boolean;
        clerk_str_array_t strings;
        cJSON *object;
    } as;
} scalar_union_t;

static const clerk__variant_t scalar_union_variants[] = {
    { NULL, &clerk__type_int },  { NULL, &clerk__type_num },
    { NULL, &status_type },      { NULL, &clerk__type_str },
    { NULL, &clerk__type_bool }, { NULL, &clerk__type_str_array },
    { NULL, &clerk__type_json },
};
static const clerk__model_t scalar_union_model = {
    "ScalarUnion", sizeof(scalar_union_t), NULL, 0, scalar_union_variants, 7,
    NULL, NULL
};
static const clerk__type_t scalar_union_type = {
    CLERK__K_OBJ, sizeof(void *), &scalar_union_model, NULL, NULL
};
static const clerk__type_t scalar_union_struct_type = {
    CLERK__K_STRUCT, sizeof(scalar_union_t), &scalar_union_model, NULL, NULL
};

typedef struct scalar_union_array {
    scalar_union_t *items;
    size_t count;
    clerk_presence_t state;
} scalar_union_array_t;

static const clerk__type_t scalar_union_array_type = {
    CLERK__K_ARRAY, sizeof(scalar_union_array_t), NULL,
    &scalar_union_struct_type, NULL
};

/* A discriminated union of objects beside a string (and the object kept
 * for an unknown tag). */
typedef struct verification_or_name {
    int kind;

    union {
        otp_t *otp;
        admin_t *admin;
        char *name;
        cJSON *unknown;
    } as;
} verification_or_name_t;

static const clerk__variant_t verification_or_name_variants[] = {
    { "verification_otp", &otp_type },
    { "verification_admin", &admin_type },
    { NULL, &clerk__type_str },
};
static const clerk__model_t verification_or_name_model = {
    "VerificationOrName",
    sizeof(verification_or_name_t),
    NULL,
    0,
    verification_or_name_variants,
    3,
    "object",
    NULL
};
static const clerk__type_t verification_or_name_type = {
    CLERK__K_OBJ, sizeof(void *), &verification_or_name_model, NULL, NULL
};

/* A full document in spec order, plus one unknown field. */
static const char full_doc[] =
    "{\"id\":\"user_1\",\"first_name\":null,\"nickname\":\"nick\","
    "\"banned\":true,\"created_at\":1700000000123,\"score\":2.5,"
    "\"locale\":\"fr-FR\",\"verified\":false,\"last_sign_in_at\":null,"
    "\"ratio\":0.1,\"status\":\"verified\","
    "\"public_metadata\":{\"plan\":\"pro\",\"n\":[1,2,{\"x\":null}]},"
    "\"primary\":{\"id\":\"idn_1\",\"email_address\":\"a@b.c\","
    "\"verification\":{\"object\":\"verification_admin\","
    "\"status\":\"verified\"}},"
    "\"email_addresses\":["
    "{\"id\":\"idn_1\",\"email_address\":\"a@b.c\",\"verification\":"
    "{\"object\":\"verification_otp\",\"status\":\"unverified\","
    "\"attempts\":2}},"
    "{\"id\":\"idn_2\",\"email_address\":\"d@e.f\",\"verification\":null},"
    "{\"id\":\"idn_3\",\"email_address\":\"g@h.i\",\"verification\":"
    "{\"object\":\"verification_otp\",\"status\":\"brand_new\","
    "\"attempts\":null}}],"
    "\"tags\":[\"a\",\"b\"],\"counts\":[1,-2,9007199254740991],"
    "\"flags\":[true,false],\"weights\":[],"
    "\"history\":[\"expired\",\"weird\"],"
    "\"extras\":[{\"k\":1},\"s\",null],"
    "\"matrix\":[[\"x\"],[],[\"y\",\"z\"]],"
    "\"identities\":[{\"email\":\"e@x.y\"},{\"phone\":\"+1\","
    "\"primary\":true}],"
    "\"identity\":{\"phone\":\"+2\"},"
    "\"unknown_field\":{\"deep\":[1,2,3]}}";

/* Maps (K_MAP, additionalProperties with a schema): typed values of every
 * storage (scalar, nullable scalar, model by value, enum), maps inside an
 * array, and a model that keeps its other keys in a map (Ledger) or in a
 * free-form object (Memo). */
typedef struct email_map {
    char **keys;
    email_t *values;
    size_t count;
    clerk_presence_t state;
} email_map_t;

static const clerk__type_t email_map_type = { CLERK__K_MAP, sizeof(email_map_t),
                                              NULL, &email_struct_type, NULL };
static const clerk__type_t status_map_type = { CLERK__K_MAP,
                                               sizeof(clerk_enum_map_t), NULL,
                                               &status_type, NULL };

typedef struct int_map_array {
    clerk_int64_map_t *items;
    size_t count;
    clerk_presence_t state;
} int_map_array_t;

static const clerk__type_t int_map_array_type = { CLERK__K_ARRAY,
                                                  sizeof(int_map_array_t), NULL,
                                                  &clerk__type_int_map, NULL };

typedef struct ledger {
    char *id;
    clerk_int64_map_t counts;
    clerk_opt_str_map_t names;
    email_map_t emails;
    clerk_enum_map_t statuses;
    int_map_array_t history;
    clerk_str_map_t rest; /* the other keys */
} ledger_t;

static const clerk__field_t ledger_fields[] = {
    { "id", offsetof(ledger_t, id), &clerk__type_str, CLERK__F_REQUIRED, 0 },
    { "counts", offsetof(ledger_t, counts), &clerk__type_int_map,
      CLERK__F_REQUIRED, 0 },
    { "names", offsetof(ledger_t, names), &clerk__type_opt_str_map,
      CLERK__F_NULLABLE, 0 },
    { "emails", offsetof(ledger_t, emails), &email_map_type, 0, 0 },
    { "statuses", offsetof(ledger_t, statuses), &status_map_type, 0, 0 },
    { "history", offsetof(ledger_t, history), &int_map_array_type, 0, 0 },
};
static const clerk__field_t ledger_extra = { NULL, offsetof(ledger_t, rest),
                                             &clerk__type_str_map, 0, 0 };
static const clerk__model_t ledger_model = {
    "Ledger",      sizeof(ledger_t),
    ledger_fields, sizeof(ledger_fields) / sizeof(ledger_fields[0]),
    NULL,          0,
    NULL,          &ledger_extra
};
static const clerk__type_t ledger_type = { CLERK__K_OBJ, sizeof(void *),
                                           &ledger_model, NULL, NULL };

typedef struct memo {
    char *text;
    cJSON *rest; /* the other keys */
} memo_t;

static const clerk__field_t memo_fields[] = {
    { "text", offsetof(memo_t, text), &clerk__type_str, 0, 0 },
};
static const clerk__field_t memo_extra = { NULL, offsetof(memo_t, rest),
                                           &clerk__type_json, 0, 0 };
static const clerk__model_t memo_model = { "Memo", sizeof(memo_t), memo_fields,
                                           1,      NULL,           0,
                                           NULL,   &memo_extra };
static const clerk__type_t memo_type = { CLERK__K_OBJ, sizeof(void *),
                                         &memo_model, NULL, NULL };

static const char ledger_doc[] =
    "{\"x\":\"first\",\"id\":\"l1\",\"counts\":{\"a\":1,\"b\":-2,\"a\":3},"
    "\"names\":{\"n\":\"N\",\"z\":null},"
    "\"emails\":{\"home\":{\"id\":\"e1\",\"email_address\":\"a@b.c\","
    "\"verification\":null},\"work\":{\"id\":\"e2\",\"email_address\":"
    "\"d@e.f\",\"verification\":null}},"
    "\"statuses\":{\"s\":\"verified\",\"t\":\"odd\",\"u\":null},"
    "\"history\":[{\"k\":1},{},null],"
    "\"y\":\"second\",\"x\":\"again\"}";

#endif /* CLERK_TEST_CODEC_FIXTURES_H */
