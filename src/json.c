/*
 * Free-form JSON from text: clerk_json_parse() (include/clerk/types.h), on
 * the parser behind CLERK_JSON() (clerk__json_parse_text(), codec_print.c).
 */
#include "codec_internal.h"
#include "runtime_internal.h"

#include <stdio.h>
#include <string.h>

cJSON *clerk_json_parse(const char *text)
{
    char message[160];
    size_t at = 0;
    size_t line = 1;
    size_t column = 1;
    size_t i;
    cJSON *doc;

    if (text == NULL) {
        clerk__last_error_text(
            CLERK_E_INVALID_ARG, "clerk_json_parse: text is NULL");
        return NULL;
    }
    doc = clerk__json_parse_text(text, &at);
    if (doc != NULL) {
        return doc;
    }
    for (i = 0; i < at && text[i] != '\0'; i++) {
        if (text[i] == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    snprintf(
        message, sizeof(message),
        "clerk_json_parse: not valid JSON: error at offset %zu (line %zu, "
        "column %zu)",
        at, line, column);
    clerk__last_error_text(CLERK_E_INVALID_ARG, message);
    return NULL;
}
