/*
 * libFuzzer target: the response header parser (transfer.c's header
 * callback), fed line by line the way curl calls it, then the hand-over of
 * the headers to a response and the lookups on both sides.
 *
 * Input: 2 bytes body limit, then header lines separated by '\n' (each
 * line keeps its '\n'; a line may hold '\r', NUL or anything else).
 * Checks: a status line starts a new header set; every record has a
 * non-empty name without ':' or surrounding blanks and a value without
 * surrounding blanks, and is found again by name; a Content-Length never
 * sizes the body buffer beyond (twice) the limit; response lookups agree.
 */
#include "fuzz_common.h"

#include "runtime_internal.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void check_records(const clerk__headers_t *h)
{
    size_t i;

    for (i = 0; i < h->count; i++) {
        const char *name;
        const char *value;
        size_t nl;
        size_t vl;

        FUZZ_CHECK(h->offsets[i] < h->store.len, "record inside the store");
        name = h->store.data + h->offsets[i];
        nl = strlen(name);
        value = name + nl + 1;
        vl = strlen(value);
        FUZZ_CHECK(
            (size_t)(value + vl - h->store.data) < h->store.len,
            "value inside the store");
        FUZZ_CHECK(nl > 0, "empty name");
        FUZZ_CHECK(strchr(name, ':') == NULL, "':' in a name");
        FUZZ_CHECK(!is_blank(name[0]), "name starts with a blank");
        FUZZ_CHECK(!is_blank(name[nl - 1]), "name ends with a blank");
        FUZZ_CHECK(vl == 0 || !is_blank(value[0]), "value starts blank");
        FUZZ_CHECK(vl == 0 || !is_blank(value[vl - 1]), "value ends blank");
        FUZZ_CHECK(clerk__headers_get(h, name) != NULL, "lookup by name");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    clerk__reply_t reply;
    clerk__meta_block_t block;
    fuzz_reader_t r = { data, size };
    size_t limit;
    size_t lines = 0;
    size_t i;
    char *line;

    memset(&reply, 0, sizeof(reply));
    memset(&block, 0, sizeof(block));
    limit = (size_t)fuzz_byte(&r) << 8;
    limit |= fuzz_byte(&r);
    reply.body_limit = limit + 1;
    while (r.n > 0) {
        size_t n = 0;
        bool status_line;

        while (n < r.n && r.p[n] != '\n') {
            n++;
        }
        if (n < r.n) {
            n++; /* keep the '\n' */
        }
        line = malloc(n);
        if (line == NULL) {
            break;
        }
        memcpy(line, r.p, n);
        r.p += n;
        r.n -= n;
        status_line = n >= 5 && memcmp(line, "HTTP/", 5) == 0;
        FUZZ_CHECK(
            clerk__reply_header(&reply, line, n) == n || reply.headers.oom,
            "line consumed");
        free(line);
        lines = status_line ? 0 : lines + 1;
        if (status_line) {
            FUZZ_CHECK(reply.headers.count == 0, "status line resets");
        }
        FUZZ_CHECK(reply.headers.count <= lines, "at most one per line");
        /* Geometric growth may round up, at most to twice the need. */
        FUZZ_CHECK(
            reply.body.cap <= (2 * (reply.body_limit + 1) > 256
                                   ? 2 * (reply.body_limit + 1)
                                   : 256),
            "Content-Length sized the body past the limit");
    }
    check_records(&reply.headers);

    /* The response takes the records over; its lookups agree. */
    clerk__response_take_reply(&block, &reply);
    for (i = 0; i < block.meta.header_count; i++) {
        const char *v =
            clerk_response_header(&block.meta, block.meta.headers[i].name);

        FUZZ_CHECK(v != NULL, "response lookup");
    }
    FUZZ_CHECK(clerk_response_header(&block.meta, NULL) == NULL, "NULL name");
    clerk__response_release(&block);
    clerk__reply_free(&reply);
    return 0;
}
