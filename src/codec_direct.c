/*
 * The decoder: JSON text -> C structs in one pass, driven by the
 * descriptor tables, without building a cJSON tree for modelled values.
 * It is the only decoder: a cJSON tree is printed and decoded as text
 * (clerk__model_from_json, codec_entry.c).
 *
 * The contract is "indistinguishable from cJSON_ParseWithLengthOpts + a
 * walk of the tree" (the test oracle, tests/unit/codec_walk.c): the same
 * documents are accepted, the same values come out, and a failure carries
 * the same status, JSON path and reason.  tests/unit/test_codec_direct.c,
 * model.direct and fuzz_codec_direct check this differentially.  So the
 * tokenizer follows cJSON 1.7.15 (Debian) rather than the letter of
 * RFC 8259 where the two differ:
 *   - whitespace is any byte <= 0x20; a UTF-8 BOM is skipped at the start
 *     of documents of 5 bytes or more;
 *   - a number is the longest run of [0-9+-.eE] and is taken as far as
 *     strtod() takes it (so "01" and "1." are numbers, like cJSON's), with
 *     '.' replaced by the locale's decimal point, then converted by strtod
 *     (integers of up to 15 digits are converted directly: exactly the
 *     value strtod returns); the entry points run decoding in the "C"
 *     locale (codec_print.c), so the decimal point is always '.';
 *   - strings: raw bytes (control characters, invalid UTF-8) are kept as
 *     they are; escapes and \uXXXX surrogate pairs are decoded to UTF-8
 *     with cJSON's rules (a non-hex \u escape is U+0000; a lone or
 *     reversed surrogate is an error); a U+0000 ends the C string;
 *   - nesting deeper than CJSON_NESTING_LIMIT containers is malformed;
 *   - a malformed document reports the byte cJSON reports (the positions
 *     below mirror cJSON's parser step by step).
 * As in the oracle, every syntax error takes precedence over every decode
 * error: a decode error stops decoding, then the rest of the document is
 * checked (skipped) and a syntax error found there replaces it.
 *
 * Memory: every block is stored into its slot as soon
 * as it is allocated, so the entry point frees a partial value deeply on
 * error.  Array items are collected in a scratch buffer per nesting level
 * (reused across arrays; taken from the block cache and given back to it
 * at the end of the decode) and copied into one exact-size block when the
 * array ends; on error the items decoded so far are freed from the
 * scratch.  Free-form values (K_JSON)
 * are parsed by cJSON from their exact span, so they remain cJSON trees.
 */
#include "alloc_cache.h"
#include "codec_internal.h"

#include <assert.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 2^53: integers are exact in a double only strictly inside +-2^53
 * (2^53 + 1 parses as 2^53, so 2^53 itself is ambiguous and refused). */
#define SAFE_INT_LIMIT 9007199254740992.0

/* Word-at-a-time zero-byte test: the high bit of each zero byte of a
 * uint64_t is set (bytes above the first zero byte may be flagged too). */
#define ONES          ((uint64_t)0x0101010101010101u)
#define ZERO_BYTES(v) (((v)-ONES) & ~(v) & (ONES * 0x80u))

/* Items a per-level array scratch starts with. */
#define SCRATCH_MIN_ITEMS 8

/* Kinds of JSON values as seen from their first bytes. */
typedef enum jkind {
    J_BAD = 0, /* not the start of any value */
    J_NULL,
    J_BOOL,
    J_NUM,
    J_STR,
    J_ARR,
    J_OBJ
} jkind_t;

typedef struct scratch {
    unsigned char *buf;
    size_t cap;
} scratch_t;

typedef struct pctx {
    const unsigned char *p;
    size_t len;
    size_t pos;      /* current byte */
    size_t depth;    /* open containers, counted like cJSON's parser */
    size_t maxdepth; /* deepest `depth` reached while skipping */
    unsigned flags;
    int exact;  /* trying union members: unknown enum values fail */
    int syntax; /* a syntax error was found at syntax_pos */
    size_t syntax_pos;
    unsigned char decimal_point;
    clerk__alloc_t *alloc;
    clerk_json_error_t *err;
    scratch_t str;                         /* escaped strings and keys */
    scratch_t items[CLERK__MAX_DEPTH + 1]; /* array items, map values */
    scratch_t keys[CLERK__MAX_DEPTH + 1];  /* map keys, per level */
    clerk__seg_t segs[CLERK__MAX_SEGS];
} pctx_t;

/* Bytes that may continue a number (cJSON's set). */
static int is_numchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.' ||
           ch == 'e' || ch == 'E';
}

static int is_digit(unsigned char ch)
{
    return ch >= '0' && ch <= '9';
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */
/* ---------------------------------------------------------------------- */

/* Record a syntax error at byte `pos` (the first one wins). */
static clerk_status_t syntax(pctx_t *c, size_t pos)
{
    if (!c->syntax) {
        c->syntax = 1;
        c->syntax_pos = pos;
    }
    return CLERK_E_DECODE;
}

static clerk_status_t fail(pctx_t *c, size_t level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    clerk__json_error_vset(c->err, c->segs, level, fmt, ap);
    va_end(ap);
    return CLERK_E_DECODE;
}

static clerk_status_t nomem(pctx_t *c, size_t level)
{
    if (c->err != NULL) {
        clerk__json_error_set(c->err, c->segs, level, "out of memory");
    }
    return CLERK_E_NOMEM;
}

static const char *kind_name(jkind_t k)
{
    static const char *const names[] = { "invalid JSON", "null",   "boolean",
                                         "number",       "string", "array",
                                         "object" };

    return names[k];
}

static clerk_status_t type_error(
    pctx_t *c, size_t level, const char *want, jkind_t got)
{
    if (got == J_BAD) {
        return syntax(c, c->pos);
    }
    return fail(c, level, "expected %s, got %s", want, kind_name(got));
}

static clerk_status_t null_allowed(pctx_t *c, unsigned fflags, size_t level)
{
    if ((fflags & CLERK__F_NULLABLE) != 0 ||
        (c->flags & CLERK_DECODE_STRICT) == 0) {
        return CLERK_OK;
    }
    return fail(c, level, "null for a non-nullable field");
}

/* ---------------------------------------------------------------------- */
/* Tokens                                                                  */
/* ---------------------------------------------------------------------- */

/* cJSON's buffer_skip_whitespace(), including its step back onto the last
 * byte when the whitespace runs to the end. */
static inline void ws(pctx_t *c)
{
    const unsigned char *p = c->p;
    size_t pos = c->pos;
    size_t len = c->len;

    if (pos >= len || p[pos] > 32) {
        return;
    }
    while (pos < len && p[pos] <= 32) {
        pos++;
    }
    if (pos == len) {
        pos--;
    }
    c->pos = pos;
}

static inline jkind_t peek(const pctx_t *c)
{
    const unsigned char *s = c->p + c->pos;
    size_t left = c->len - c->pos;

    if (c->pos >= c->len) {
        return J_BAD;
    }
    switch (s[0]) {
    case '"':
        return J_STR;
    case '{':
        return J_OBJ;
    case '[':
        return J_ARR;
    case 'n':
        return left >= 4 && memcmp(s, "null", 4) == 0 ? J_NULL : J_BAD;
    case 't':
        return left >= 4 && memcmp(s, "true", 4) == 0 ? J_BOOL : J_BAD;
    case 'f':
        return left >= 5 && memcmp(s, "false", 5) == 0 ? J_BOOL : J_BAD;
    default:
        return s[0] == '-' || is_digit(s[0]) ? J_NUM : J_BAD;
    }
}

/* Room for `need` bytes in `s`, keeping its first `keep` bytes.  The
 * buffers come from the block cache (alloc_cache.h) and go back to it at
 * the end of the decode: on a thread that makes calls the next decode
 * finds them there, and glibc sees no large request (one of 1 KiB or
 * more first merges every freed small chunk, which made the small
 * allocations of free-form values take its slow path). */
static int scratch_reserve(scratch_t *s, size_t need, size_t keep)
{
    size_t cap = s->cap;
    unsigned char *b = NULL;

    if (need <= cap) {
        return 1;
    }
    if (cap == 0) {
        cap = 64;
    }
    while (cap < need) {
        if (cap > ((size_t)-1) / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    b = clerk__block_get(cap);
    if (b == NULL) {
        return 0;
    }
    assert(keep <= s->cap);
    if (keep > 0) {
        memcpy(b, s->buf, keep);
    }
    clerk__block_put(s->buf);
    s->buf = b;
    s->cap = cap;
    return 1;
}

static unsigned hex4(const unsigned char *s)
{
    unsigned h = 0;
    size_t i = 0;

    for (i = 0; i < 4; i++) {
        h <<= 4;
        if (s[i] >= '0' && s[i] <= '9') {
            h += (unsigned)(s[i] - '0');
        } else if (s[i] >= 'A' && s[i] <= 'F') {
            h += 10u + (unsigned)(s[i] - 'A');
        } else if (s[i] >= 'a' && s[i] <= 'f') {
            h += 10u + (unsigned)(s[i] - 'a');
        } else {
            return 0; /* cJSON reads an invalid escape as U+0000 */
        }
    }
    return h;
}

/* Decode the string body p[s..e) (e: the closing quote) into `out` (room
 * for e - s bytes; NULL: only check).  Returns the decoded length, or
 * (size_t)-1 with *bad = the offending backslash. */
static size_t unescape(
    const unsigned char *p, size_t s, size_t e, unsigned char *out, size_t *bad)
{
    size_t i = s;
    size_t n = 0;
    size_t step = 0;
    unsigned long cp = 0;
    unsigned first = 0;
    unsigned second = 0;
    unsigned char tmp[4];
    unsigned char *o = NULL;
    size_t ulen = 0;
    size_t k = 0;

    while (i < e) {
        if (p[i] != '\\') {
            if (out != NULL) {
                out[n] = p[i];
            }
            n++;
            i++;
            continue;
        }
        step = 2;
        switch (p[i + 1]) {
        case 'b':
            tmp[0] = '\b';
            ulen = 1;
            break;
        case 'f':
            tmp[0] = '\f';
            ulen = 1;
            break;
        case 'n':
            tmp[0] = '\n';
            ulen = 1;
            break;
        case 'r':
            tmp[0] = '\r';
            ulen = 1;
            break;
        case 't':
            tmp[0] = '\t';
            ulen = 1;
            break;
        case '"':
        case '\\':
        case '/':
            tmp[0] = p[i + 1];
            ulen = 1;
            break;
        case 'u':
            if (e - i < 6) {
                *bad = i;
                return (size_t)-1;
            }
            first = hex4(p + i + 2);
            if (first >= 0xDC00 && first <= 0xDFFF) {
                *bad = i;
                return (size_t)-1;
            }
            if (first >= 0xD800 && first <= 0xDBFF) {
                if (e - (i + 6) < 6 || p[i + 6] != '\\' || p[i + 7] != 'u') {
                    *bad = i;
                    return (size_t)-1;
                }
                second = hex4(p + i + 8);
                if (second < 0xDC00 || second > 0xDFFF) {
                    *bad = i;
                    return (size_t)-1;
                }
                cp = 0x10000ul + (((unsigned long)(first & 0x3FF) << 10) |
                                  (second & 0x3FF));
                step = 12;
            } else {
                cp = first;
                step = 6;
            }
            if (cp < 0x80) {
                tmp[0] = (unsigned char)cp;
                ulen = 1;
            } else if (cp < 0x800) {
                tmp[0] = (unsigned char)(0xC0 | (cp >> 6));
                tmp[1] = (unsigned char)(0x80 | (cp & 0x3F));
                ulen = 2;
            } else if (cp < 0x10000) {
                tmp[0] = (unsigned char)(0xE0 | (cp >> 12));
                tmp[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                tmp[2] = (unsigned char)(0x80 | (cp & 0x3F));
                ulen = 3;
            } else {
                tmp[0] = (unsigned char)(0xF0 | (cp >> 18));
                tmp[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
                tmp[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
                tmp[3] = (unsigned char)(0x80 | (cp & 0x3F));
                ulen = 4;
            }
            break;
        default:
            *bad = i;
            return (size_t)-1;
        }
        if (out != NULL) {
            o = out + n;
            for (k = 0; k < ulen; k++) {
                o[k] = tmp[k];
            }
        }
        n += ulen;
        i += step;
    }
    return n;
}

/* The first byte at or after p[q] (q <= len) that is a quote, a
 * backslash or a NUL, or len when there is none: 16 bytes at a time with
 * SSE2 (every x86-64), else 8 at a time with the zero-byte test. */
static inline size_t plain_run(const unsigned char *p, size_t q, size_t len)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i zero = _mm_setzero_si128();
    __m128i v;
    unsigned m = 0;

    while (len - q >= 16) {
        v = _mm_loadu_si128((const __m128i *)(const void *)(p + q));
        m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_or_si128(
                _mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
            _mm_cmpeq_epi8(v, zero)));
        if (m != 0) {
            return q + (size_t)__builtin_ctz(m);
        }
        q += 16;
    }
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) &&                          \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w = 0;
    uint64_t m = 0;

    /* The lowest byte flagged by the zero-byte test (of the word, and of
     * it xor'ed with '"' and '\\') is the first such byte. */
    while (len - q >= 8) {
        memcpy(&w, p + q, 8);
        m = ZERO_BYTES(w) | ZERO_BYTES(w ^ (ONES * '"')) |
            ZERO_BYTES(w ^ (ONES * '\\'));
        if (m != 0) {
            return q + ((size_t)__builtin_ctzll(m) >> 3);
        }
        q += 8;
    }
#endif
    while (q < len && p[q] != '"' && p[q] != '\\' && p[q] != '\0') {
        q++;
    }
    return q;
}

/* A string token at c->pos: its body p[*s..*e) and whether the body is
 * taken as it is (no escape, no NUL byte).  Leaves c->pos after it. */
static inline clerk_status_t string_span(pctx_t *c, size_t *s, size_t *e, int *plain)
{
    const unsigned char *p = c->p;
    size_t len = c->len;
    size_t q = c->pos + 1;
    unsigned char ch = 0;

    *plain = 1;
    for (;;) {
        q = plain_run(p, q, len);
        if (q >= len) {
            return syntax(c, c->pos + 1); /* unterminated */
        }
        ch = p[q];
        if (ch == '"') {
            break;
        }
        *plain = 0;
        if (ch == '\\') {
            if (q + 1 >= len) {
                return syntax(c, c->pos + 1);
            }
            q++;
        }
        q++;
    }
    *s = c->pos + 1;
    *e = q;
    c->pos = q + 1;
    return CLERK_OK;
}

/* The string at c->pos as a C string: *out points either into the input
 * (plain: *n bytes, not terminated) or into c->str (terminated).  *n is
 * the C string length (a decoded U+0000 ends it, as in cJSON). */
static inline clerk_status_t string_view(
    pctx_t *c, const char **out, size_t *n, size_t level)
{
    clerk_status_t st = CLERK_OK;
    size_t s = 0;
    size_t e = 0;
    size_t bad = 0;
    size_t m = 0;
    int plain = 0;

    st = string_span(c, &s, &e, &plain);
    if (st != CLERK_OK) {
        return st;
    }
    if (plain) {
        *out = (const char *)c->p + s;
        *n = e - s;
        return CLERK_OK;
    }
    if (!scratch_reserve(&c->str, e - s + 1, 0)) {
        return nomem(c, level);
    }
    m = unescape(c->p, s, e, c->str.buf, &bad);
    if (m == (size_t)-1) {
        return syntax(c, bad);
    }
    c->str.buf[m] = '\0';
    *out = (const char *)c->str.buf;
    *n = strlen(*out);
    return CLERK_OK;
}

/* The string at c->pos in a block of its own (exact size). */
static inline clerk_status_t string_dup(pctx_t *c, char **out, size_t level)
{
    clerk_status_t st = CLERK_OK;
    const char *v = NULL;
    size_t n = 0;

    st = string_view(c, &v, &n, level);
    if (st != CLERK_OK) {
        return st;
    }
    *out = clerk__alloc_strdup(c->alloc, v, n);
    return *out == NULL ? nomem(c, level) : CLERK_OK;
}

/* How many bytes of the number run at p[0..n) strtod() takes (0: none):
 * [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?  The run
 * holds only [0-9+-.eE], so strtod's other forms cannot occur. */
static size_t number_prefix(const unsigned char *p, size_t n)
{
    size_t i = 0;
    size_t digits = 0;
    size_t j = 0;

    if (i < n && (p[i] == '-' || p[i] == '+')) {
        i++;
    }
    while (i < n && is_digit(p[i])) {
        i++;
        digits++;
    }
    if (i < n && p[i] == '.') {
        i++;
        while (i < n && is_digit(p[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0) {
        return 0;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        j = i + 1;
        if (j < n && (p[j] == '-' || p[j] == '+')) {
            j++;
        }
        if (j < n && is_digit(p[j])) {
            while (j < n && is_digit(p[j])) {
                j++;
            }
            i = j;
        }
    }
    return i;
}

/* Whether p[0..8) are eight digits; then *v = their value.  Eight at a
 * time on little-endian machines (each step pairs up neighbours: digits,
 * then pairs, then quads), else one by one. */
static inline int eight_digits(const unsigned char *p, uint64_t *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w = 0;

    memcpy(&w, p, 8);
    /* Every byte 0x30..0x39: high nibble 3, and adding 6 keeps it 3. */
    if ((((w & 0xF0F0F0F0F0F0F0F0u) |
          (((w + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4))) !=
        0x3333333333333333u) {
        return 0;
    }
    w -= 0x3030303030303030u;
    w = (w * 10u) + (w >> 8); /* pairs in the even bytes */
    w = (((w & 0x000000FF000000FFu) * (100u + (1000000u * 0x100000000u))) +
         (((w >> 16) & 0x000000FF000000FFu) * (1u + (10000u * 0x100000000u)))) >>
        32;
    *v = w;
    return 1;
#else
    uint64_t acc = 0;
    size_t i = 0;

    for (i = 0; i < 8; i++) {
        if (!is_digit(p[i])) {
            return 0;
        }
        acc = acc * 10u + (uint64_t)(p[i] - '0');
    }
    *v = acc;
    return 1;
#endif
}

/* 10^0 .. 10^15, exact in a double. */
static const double pow10_exact[16] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                                        1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                        1e12, 1e13, 1e14, 1e15 };

/* The number at c->pos (which starts with '-' or a digit), exactly as
 * cJSON's parse_number() reads it.  out may be NULL (only skip). */
static clerk_status_t number(pctx_t *c, double *out, size_t level)
{
    const unsigned char *p = c->p + c->pos;
    size_t left = c->len - c->pos;
    size_t i = 0;
    size_t run = 0;
    size_t take = 0;
    size_t lim = 0;
    size_t digits = 0;
    size_t frac = 0;
    int neg = 0;
    uint64_t acc = 0;
    char small[64];
    char *buf = small;
    char *heap = NULL;
    char *endp = NULL;
    double d = 0;
    clerk_status_t st = CLERK_OK;

    /* Fast path: -?D+(.D+)? ending the run, with at most 15 digits D in
     * all, is M / 10^F for integers M < 2^53 and F <= 15, both exact in a
     * double; IEEE division rounds correctly, so the result is exactly
     * what strtod returns (Clinger's fast path).  The '.' only when it is
     * the decimal point strtod reads (the entry points see to that). */
    neg = p[0] == '-';
    i = neg;
    lim = left < 20 ? left : 20;
    if (lim - i >= 8 && eight_digits(p + i, &acc)) {
        i += 8; /* timestamps: 13 digits */
    }
    while (i < lim && is_digit(p[i])) {
        acc = acc * 10u + (uint64_t)(p[i] - '0');
        i++;
    }
    digits = i - neg;
    if (digits > 0 && i < lim && p[i] == '.' && c->decimal_point == '.') {
        frac = i + 1;
        while (frac < lim && is_digit(p[frac])) {
            acc = acc * 10u + (uint64_t)(p[frac] - '0');
            frac++;
        }
        if (frac > i + 1) {
            digits += frac - i - 1;
            frac -= i + 1;
            i += frac + 1;
        } else {
            frac = 0;
            digits = 0; /* "1." goes the slow way */
        }
    }
    if (digits > 0 && digits <= 15 && (i >= left || !is_numchar(p[i]))) {
        if (out != NULL) {
            d = (double)acc;
            if (frac > 0) {
                d /= pow10_exact[frac];
            }
            *out = neg ? -d : d;
        }
        c->pos += i;
        return CLERK_OK;
    }
    while (run < left && is_numchar(p[run])) {
        run++;
    }
    take = number_prefix(p, run);
    if (take == 0) {
        return syntax(c, c->pos);
    }
    if (out != NULL) {
        if (take >= sizeof(small)) {
            heap = malloc(take + 1);
            if (heap == NULL) {
                return nomem(c, level);
            }
            buf = heap;
        }
        for (i = 0; i < take; i++) {
            buf[i] = p[i] == '.' ? (char)c->decimal_point : (char)p[i];
        }
        buf[take] = '\0';
        d = strtod(buf, &endp);
        if (endp != buf + take) {
            /* Not what the grammar above says strtod takes: a locale
             * whose decimal point cJSON would also trip over. */
            take = (size_t)(endp - buf);
            if (take == 0) {
                st = syntax(c, c->pos);
                goto done;
            }
        }
        *out = d;
    }
    c->pos += take;
done:
    free(heap);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Skipping (validates like cJSON; tracks the deepest nesting)             */
/* ---------------------------------------------------------------------- */

static clerk_status_t skip_value(pctx_t *c);

static clerk_status_t enter(pctx_t *c)
{
    if (c->depth >= CJSON_NESTING_LIMIT) {
        return syntax(c, c->pos);
    }
    c->depth++;
    if (c->depth > c->maxdepth) {
        c->maxdepth = c->depth;
    }
    c->pos++;
    ws(c);
    return CLERK_OK;
}

static clerk_status_t skip_string(pctx_t *c)
{
    clerk_status_t st = CLERK_OK;
    size_t s = 0;
    size_t e = 0;
    size_t bad = 0;
    int plain = 0;

    st = string_span(c, &s, &e, &plain);
    if (st == CLERK_OK && !plain &&
        unescape(c->p, s, e, NULL, &bad) == (size_t)-1) {
        st = syntax(c, bad);
    }
    return st;
}

/* '[' or '{' at c->pos: enter it; *empty when `close` follows. */
static clerk_status_t open_container(pctx_t *c, unsigned char close, int *empty)
{
    clerk_status_t st = CLERK_OK;

    *empty = 0;
    st = enter(c);
    if (st != CLERK_OK) {
        return st;
    }
    if (c->pos < c->len && c->p[c->pos] == close) {
        *empty = 1;
        return CLERK_OK;
    }
    if (c->pos >= c->len) {
        return syntax(c, c->pos - 1);
    }
    return CLERK_OK;
}

/* After an item: 1 (and past the comma) when another one follows. */
static inline int next_item(pctx_t *c)
{
    ws(c);
    if (c->pos < c->len && c->p[c->pos] == ',') {
        c->pos++;
        return 1;
    }
    return 0;
}

/* The closing ']' or '}' at c->pos: leave the container. */
static clerk_status_t close_container(pctx_t *c, unsigned char close)
{
    if (c->pos >= c->len || c->p[c->pos] != close) {
        return syntax(c, c->pos);
    }
    assert(c->depth > 0);
    c->depth--;
    c->pos++;
    return CLERK_OK;
}

static clerk_status_t skip_array(pctx_t *c)
{
    clerk_status_t st = CLERK_OK;
    int empty = 0;

    st = open_container(c, ']', &empty);
    if (st != CLERK_OK || empty) {
        return st == CLERK_OK ? close_container(c, ']') : st;
    }
    do {
        ws(c);
        st = skip_value(c);
        if (st != CLERK_OK) {
            return st;
        }
    } while (next_item(c));
    return close_container(c, ']');
}

/* After '{' (entered) or ',': the key and the colon; leaves c->pos at the
 * value.  key/n may be NULL. */
static clerk_status_t member_key(
    pctx_t *c, const char **key, size_t *n, size_t level)
{
    clerk_status_t st = CLERK_OK;
    const char *k = NULL;
    size_t kn = 0;

    ws(c);
    if (c->pos >= c->len || c->p[c->pos] != '"') {
        return syntax(c, c->pos + 1);
    }
    st = string_view(c, &k, &kn, level);
    if (st != CLERK_OK) {
        return st;
    }
    ws(c);
    if (c->pos >= c->len || c->p[c->pos] != ':') {
        return syntax(c, c->pos);
    }
    c->pos++;
    ws(c);
    if (key != NULL) {
        *key = k;
        *n = kn;
    }
    return CLERK_OK;
}

static clerk_status_t skip_object(pctx_t *c)
{
    clerk_status_t st = CLERK_OK;
    int empty = 0;

    st = open_container(c, '}', &empty);
    if (st != CLERK_OK || empty) {
        return st == CLERK_OK ? close_container(c, '}') : st;
    }
    do {
        st = member_key(c, NULL, NULL, 0);
        if (st != CLERK_OK) {
            return st;
        }
        st = skip_value(c);
        if (st != CLERK_OK) {
            return st;
        }
    } while (next_item(c));
    return close_container(c, '}');
}

static clerk_status_t skip_value(pctx_t *c)
{
    switch (peek(c)) {
    case J_NULL:
    case J_BOOL:
        c->pos += c->p[c->pos] == 'f' ? 5 : 4;
        return CLERK_OK;
    case J_NUM:
        return number(c, NULL, 0);
    case J_STR:
        return skip_string(c);
    case J_ARR:
        return skip_array(c);
    case J_OBJ:
        return skip_object(c);
    case J_BAD:
    default:
        return syntax(c, c->pos);
    }
}

/* ---------------------------------------------------------------------- */
/* Decoding                                                                */
/* ---------------------------------------------------------------------- */

static clerk_status_t decode_value(
    pctx_t *c,
    const clerk__type_t *type,
    unsigned fflags,
    size_t null_offset,
    void *base,
    void *slot,
    size_t level);

static clerk_status_t decode_model(
    pctx_t *c, const clerk__model_t *model, void *base, size_t level);

static clerk_status_t decode_int(pctx_t *c, int64_t *out, size_t level)
{
    clerk_status_t st = CLERK_OK;
    jkind_t k = peek(c);
    double d = 0;

    if (k != J_NUM) {
        return type_error(c, level, "integer", k);
    }
    st = number(c, &d, level);
    if (st != CLERK_OK) {
        return st;
    }
    if (!(d > -SAFE_INT_LIMIT && d < SAFE_INT_LIMIT)) {
        return fail(c, level, "integer out of the exact range +-(2^53-1)");
    }
    if ((double)(int64_t)d != d) {
        return fail(c, level, "expected integer, got a fraction");
    }
    *out = (int64_t)d;
    return CLERK_OK;
}

static clerk_status_t decode_enum(
    pctx_t *c, const clerk__enum_t *en, clerk_enum_t *out, size_t level)
{
    clerk_status_t st = CLERK_OK;
    const char *s = NULL;
    size_t n = 0;
    size_t i = 0;

    st = string_view(c, &s, &n, level);
    if (st != CLERK_OK) {
        return st;
    }
    out->value = 0;
    if (en != NULL) {
        for (i = 0; i < en->count; i++) {
            if (strncmp(en->values[i], s, n) == 0 && en->values[i][n] == '\0') {
                out->value = (int)(i + 1);
                break;
            }
        }
    }
    if (out->value == 0 && c->exact && en != NULL && en->count > 0) {
        return fail(c, level, "unknown value of %s", en->name);
    }
    out->raw = clerk__alloc_strdup(c->alloc, s, n);
    if (out->raw == NULL) {
        return nomem(c, level);
    }
    out->state = CLERK_SET;
    return CLERK_OK;
}

/* Free the first `count` items of an array being collected. */
static void drop_items(
    const clerk__type_t *elem, unsigned char *items, size_t count)
{
    size_t i = 0;

    for (i = 0; i < count; i++) {
        clerk__free_value(elem, items + i * elem->size);
    }
}

static clerk_status_t decode_array(
    pctx_t *c, const clerk__type_t *type, clerk__array_t *arr, size_t level)
{
    clerk_status_t st = CLERK_OK;
    const clerk__type_t *elem = type->elem;
    size_t size = elem->size;
    scratch_t *sc = NULL;
    size_t count = 0; /* items in the scratch, owned until copied out */
    unsigned char *slot = NULL;
    int empty = 0;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    }
    assert(level < sizeof(c->items) / sizeof(c->items[0]) && size > 0);
    sc = &c->items[level];
    st = open_container(c, ']', &empty);
    if (st != CLERK_OK) {
        return st;
    }
    arr->state = CLERK_SET;
    if (empty) {
        return close_container(c, ']');
    }
    c->segs[level].name = NULL;
    do {
        if (count >= (((size_t)-1) / size) - 1) {
            st = nomem(c, level);
            goto done;
        }
        if ((count + 1) * size > sc->cap &&
            !scratch_reserve(
                sc,
                count < SCRATCH_MIN_ITEMS ? SCRATCH_MIN_ITEMS * size
                                          : (count + 1) * size,
                count * size)) {
            st = nomem(c, level);
            goto done;
        }
        slot = sc->buf + count * size;
        memset(slot, 0, size);
        count++;
        c->segs[level].index = count - 1;
        ws(c);
        st = decode_value(c, elem, CLERK__F_NULLABLE, 0, NULL, slot, level + 1);
        if (st != CLERK_OK) {
            goto done;
        }
    } while (next_item(c));
    st = close_container(c, ']');
    if (st != CLERK_OK) {
        goto done;
    }
    arr->items = clerk__alloc_raw(c->alloc, count * size);
    if (arr->items == NULL) {
        st = nomem(c, level);
        goto done;
    }
    memcpy(arr->items, sc->buf, count * size);
    arr->count = count;
    count = 0; /* the array owns them now */
done:
    drop_items(elem, sc->buf, count);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Maps: a map's entries (and the extra keys of a model) are collected in  */
/* the scratch of their level, keys and values apart, then moved into two  */
/* exact-size blocks                                                       */
/* ---------------------------------------------------------------------- */

typedef struct collect {
    const clerk__type_t *elem;
    scratch_t *keys;
    scratch_t *values;
    size_t count; /* entries in the scratch, owned until moved out */
} collect_t;

static void collect_begin(
    pctx_t *c, collect_t *m, const clerk__type_t *elem, size_t level)
{
    assert(level < sizeof(c->items) / sizeof(c->items[0]) && elem->size > 0);
    m->elem = elem;
    m->keys = &c->keys[level];
    m->values = &c->items[level];
    m->count = 0;
}

/* The entry whose key is k[0..n), its value at c->pos. */
static clerk_status_t collect_entry(
    pctx_t *c, collect_t *m, const char *k, size_t n, size_t level)
{
    size_t size = m->elem->size;
    size_t want =
        m->count < SCRATCH_MIN_ITEMS ? SCRATCH_MIN_ITEMS : m->count + 1;
    char **keys = NULL;
    unsigned char *slot = NULL;

    if (m->count >= (((size_t)-1) / (size + sizeof(char *))) - 1 ||
        !scratch_reserve(
            m->keys, want * sizeof(char *), m->count * sizeof(char *)) ||
        !scratch_reserve(m->values, want * size, m->count * size)) {
        return nomem(c, level);
    }
    keys = (char **)(void *)m->keys->buf;
    keys[m->count] = clerk__alloc_strdup(c->alloc, k, n);
    if (keys[m->count] == NULL) {
        return nomem(c, level);
    }
    slot = m->values->buf + m->count * size;
    memset(slot, 0, size);
    m->count++;
    c->segs[level].name = keys[m->count - 1];
    return decode_value(
        c, m->elem, clerk__map_value_flags(m->elem), 0, NULL, slot, level + 1);
}

/* Move the entries into `map` (duplicate keys resolved). */
static clerk_status_t collect_finish(
    pctx_t *c, collect_t *m, clerk__map_t *map, size_t level)
{
    char **keys = (char **)(void *)m->keys->buf;
    size_t size = m->elem->size;

    map->state = CLERK_SET;
    if (m->count == 0) {
        return CLERK_OK;
    }
    if (clerk__map_dedup(m->elem, keys, m->values->buf, &m->count) !=
        CLERK_OK) {
        return nomem(c, level);
    }
    map->keys = clerk__alloc_raw(c->alloc, m->count * sizeof(char *));
    map->values = clerk__alloc_raw(c->alloc, m->count * size);
    if (map->keys == NULL || map->values == NULL) {
        clerk__alloc_release(c->alloc, map->keys);
        clerk__alloc_release(c->alloc, map->values);
        map->keys = NULL;
        map->values = NULL;
        return nomem(c, level);
    }
    memcpy(map->keys, keys, m->count * sizeof(char *));
    memcpy(map->values, m->values->buf, m->count * size);
    map->count = m->count;
    m->count = 0; /* the map owns them now */
    return CLERK_OK;
}

/* Free the entries not moved out. */
static void collect_drop(collect_t *m)
{
    if (m->count > 0) {
        clerk__map_drop(
            m->elem, (char **)(void *)m->keys->buf, m->values->buf, m->count);
        m->count = 0;
    }
}

static clerk_status_t decode_map(
    pctx_t *c, const clerk__type_t *type, clerk__map_t *map, size_t level)
{
    clerk_status_t st = CLERK_OK;
    collect_t m;
    const char *k = NULL;
    size_t n = 0;
    int empty = 0;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    }
    collect_begin(c, &m, type->elem, level);
    st = open_container(c, '}', &empty);
    if (st != CLERK_OK) {
        return st;
    }
    while (!empty) {
        st = member_key(c, &k, &n, level);
        if (st == CLERK_OK) {
            st = collect_entry(c, &m, k, n, level);
        }
        if (st != CLERK_OK) {
            goto done;
        }
        empty = !next_item(c);
    }
    st = close_container(c, '}');
    if (st == CLERK_OK) {
        st = collect_finish(c, &m, map, level);
    }
done:
    collect_drop(&m);
    return st;
}

static clerk_status_t decode_obj(
    pctx_t *c, const clerk__model_t *model, void **slot, size_t level)
{
    *slot = clerk__alloc_zeroed(c->alloc, model->size);
    if (*slot == NULL) {
        return nomem(c, level);
    }
    return decode_model(c, model, *slot, level);
}

/* Link `item` as the last child of `parent`, as cJSON's parser does. */
static void link_child(cJSON *parent, cJSON **tail, cJSON *item)
{
    if (*tail == NULL) {
        parent->child = item;
    } else {
        (*tail)->next = item;
        item->prev = *tail;
    }
    *tail = item;
    parent->child->prev = item; /* the head's prev is the last item */
}

/* A node of type `type`, as cJSON_CreateNull() & co. make it, but from
 * the thread's kept nodes when there are some (alloc_cache.h). */
static cJSON *new_node(int type)
{
    cJSON *item = clerk__json_node_get();

    if (item != NULL) {
        item->type = type;
    }
    return item;
}

/* The value at c->pos as a cJSON tree, node for node what cJSON's parser
 * builds from the same text (types, valueint of numbers and true, keys,
 * links; every block from the cJSON allocator). */
static clerk_status_t build_json(pctx_t *c, cJSON **out, size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *item = NULL;
    cJSON *child = NULL;
    cJSON *tail = NULL;
    const char *s = NULL;
    char *key = NULL;
    size_t n = 0;
    double d = 0;
    jkind_t k = peek(c);
    int obj = k == J_OBJ;
    unsigned char close = obj ? '}' : ']';
    int empty = 0;

    *out = NULL;
    switch (k) {
    case J_NULL:
    case J_BOOL:
        item = new_node(cJSON_NULL);
        if (item == NULL) {
            return nomem(c, level);
        }
        if (k == J_BOOL && c->p[c->pos] == 't') {
            item->type = cJSON_True;
            item->valueint = 1;
        } else if (k == J_BOOL) {
            item->type = cJSON_False;
        }
        c->pos += k == J_BOOL && c->p[c->pos] == 'f' ? 5 : 4;
        *out = item;
        return CLERK_OK;
    case J_NUM:
        st = number(c, &d, level);
        if (st != CLERK_OK) {
            return st;
        }
        item = new_node(cJSON_Number);
        if (item == NULL) {
            return nomem(c, level);
        }
        /* cJSON_CreateNumber()'s valueint: saturated. */
        item->valuedouble = d;
        if (d >= INT_MAX) {
            item->valueint = INT_MAX;
        } else if (d <= (double)INT_MIN) {
            item->valueint = INT_MIN;
        } else {
            item->valueint = (int)d;
        }
        *out = item;
        return CLERK_OK;
    case J_STR:
        st = string_view(c, &s, &n, level);
        if (st != CLERK_OK) {
            return st;
        }
        item = new_node(cJSON_NULL);
        if (item == NULL) {
            return nomem(c, level);
        }
        item->valuestring = clerk__alloc_json_strdup(s, n);
        if (item->valuestring == NULL) {
            cJSON_Delete(item);
            return nomem(c, level);
        }
        item->type = cJSON_String;
        *out = item;
        return CLERK_OK;
    case J_ARR:
    case J_OBJ:
        break;
    case J_BAD:
    default:
        return syntax(c, c->pos);
    }
    st = open_container(c, close, &empty);
    if (st != CLERK_OK) {
        return st;
    }
    item = new_node(obj ? cJSON_Object : cJSON_Array);
    if (item == NULL) {
        return nomem(c, level);
    }
    while (!empty) {
        if (obj) {
            st = member_key(c, &s, &n, level);
            if (st != CLERK_OK) {
                goto done;
            }
            key = clerk__alloc_json_strdup(s, n);
            if (key == NULL) {
                st = nomem(c, level);
                goto done;
            }
        } else {
            ws(c);
        }
        st = build_json(c, &child, level);
        if (st != CLERK_OK) {
            goto done;
        }
        child->string = key;
        key = NULL;
        link_child(item, &tail, child);
        empty = !next_item(c);
    }
    st = close_container(c, close);
done:
    if (st != CLERK_OK) {
        cJSON_free(key);
        cJSON_Delete(item);
        return st;
    }
    *out = item;
    return CLERK_OK;
}

/* A free-form value: a cJSON tree built from the text. */
static clerk_status_t decode_json(
    pctx_t *c, unsigned fflags, cJSON **slot, size_t level)
{
    clerk_status_t st = CLERK_OK;
    size_t depth0 = c->depth;
    int is_null = peek(c) == J_NULL;
    cJSON *tree = NULL;

    c->maxdepth = depth0;
    st = build_json(c, &tree, level);
    if (st != CLERK_OK) {
        return st;
    }
    /* The `level` enclosing containers count against the limit. */
    if (c->maxdepth - depth0 > (size_t)CLERK__MAX_DEPTH - level) {
        st = fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    } else if (is_null) {
        st = null_allowed(c, fflags, level);
    }
    if (st != CLERK_OK) {
        cJSON_Delete(tree);
        return st;
    }
    *slot = tree;
    return CLERK_OK;
}

static clerk_status_t decode_value(
    pctx_t *c,
    const clerk__type_t *type,
    unsigned fflags,
    size_t null_offset,
    void *base,
    void *slot,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    jkind_t k = peek(c);

    if (k == J_BAD) {
        return syntax(c, c->pos);
    }
    switch (type->kind) {
    case CLERK__K_STR:
        if (k == J_STR) {
            return string_dup(c, slot, level);
        }
        if (k == J_NULL) {
            c->pos += 4;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "string", k);
    case CLERK__K_BOOL:
        if (k == J_BOOL) {
            *(bool *)slot = c->p[c->pos] == 't';
            c->pos += c->p[c->pos] == 't' ? 4 : 5;
            return CLERK_OK;
        }
        return type_error(c, level, "boolean", k);
    case CLERK__K_INT:
        return decode_int(c, slot, level);
    case CLERK__K_NUM:
        if (k == J_NUM) {
            return number(c, slot, level);
        }
        return type_error(c, level, "number", k);
    case CLERK__K_OPT_STR:
        if (k == J_STR) {
            st = string_dup(c, &((clerk_opt_str_t *)slot)->value, level);
            if (st == CLERK_OK) {
                ((clerk_opt_str_t *)slot)->state = CLERK_SET;
            }
            return st;
        }
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk_opt_str_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "string", k);
    case CLERK__K_OPT_BOOL:
        if (k == J_BOOL) {
            ((clerk_opt_bool_t *)slot)->value = c->p[c->pos] == 't';
            ((clerk_opt_bool_t *)slot)->state = CLERK_SET;
            c->pos += c->p[c->pos] == 't' ? 4 : 5;
            return CLERK_OK;
        }
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk_opt_bool_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "boolean", k);
    case CLERK__K_OPT_INT:
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk_opt_int64_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        st = decode_int(c, &((clerk_opt_int64_t *)slot)->value, level);
        if (st == CLERK_OK) {
            ((clerk_opt_int64_t *)slot)->state = CLERK_SET;
        }
        return st;
    case CLERK__K_OPT_NUM:
        if (k == J_NUM) {
            st = number(c, &((clerk_opt_double_t *)slot)->value, level);
            if (st == CLERK_OK) {
                ((clerk_opt_double_t *)slot)->state = CLERK_SET;
            }
            return st;
        }
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk_opt_double_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "number", k);
    case CLERK__K_ENUM:
        if (k == J_STR) {
            return decode_enum(c, type->enumeration, slot, level);
        }
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk_enum_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "string", k);
    case CLERK__K_JSON:
        return decode_json(c, fflags, slot, level);
    case CLERK__K_OBJ:
        if (k == J_NULL) {
            c->pos += 4;
            if (null_offset != 0 && base != NULL) {
                *(bool *)((char *)base + null_offset) = true;
            }
            return null_allowed(c, fflags, level);
        }
        return decode_obj(c, type->model, slot, level);
    case CLERK__K_STRUCT:
        return decode_model(c, type->model, slot, level);
    case CLERK__K_ARRAY:
        if (k == J_ARR) {
            return decode_array(c, type, slot, level);
        }
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk__array_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "array", k);
    case CLERK__K_MAP:
        if (k == J_OBJ) {
            return decode_map(c, type, slot, level);
        }
        if (k == J_NULL) {
            c->pos += 4;
            ((clerk__map_t *)slot)->state = CLERK_NULL;
            return null_allowed(c, fflags, level);
        }
        return type_error(c, level, "object", k);
    case CLERK__K_FILE:
    default:
        /* Files are request-only: nothing to decode. */
        return skip_value(c);
    }
}

/* The field named by the key k[0..n), expecting spec order: the cursor is
 * O(1) when the document follows the spec, else a wrap-around scan. */
static const clerk__field_t *find_field(
    const clerk__model_t *model, const char *k, size_t n, size_t *cursor)
{
    const clerk__field_t *fields = model->fields;
    size_t count = model->field_count;
    size_t i = *cursor;
    size_t j = 0;
    const char *name = NULL;

    for (j = 0; j < count; j++, i++) {
        if (i >= count) {
            i = 0;
        }
        name = fields[i].name;
        if ((n == 0 || name[0] == k[0]) && strncmp(name, k, n) == 0 &&
            name[n] == '\0') {
            *cursor = i + 1;
            return &fields[i];
        }
    }
    return NULL;
}

/* The key at c->pos (whitespace skipped) of a member of an object decoded
 * as `model`: consumes the key, the colon and the whitespace around it
 * (what member_key() does, with the same errors) and sets *f to the field
 * the key names, or NULL.  The common case is quick: a key without
 * escapes, found at the cursor when the document follows spec order. */
static clerk_status_t field_key(
    pctx_t *c,
    const clerk__model_t *model,
    size_t *cursor,
    const clerk__field_t **f,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    const unsigned char *p = c->p;
    const char *key = NULL;
    size_t n = 0;
    size_t e = 0;

    if (c->pos < c->len && p[c->pos] == '"') {
        e = plain_run(p, c->pos + 1, c->len);
        if (e < c->len && p[e] == '"') {
            *f = find_field(
                model, (const char *)p + c->pos + 1, e - c->pos - 1, cursor);
            c->pos = e + 1;
            ws(c);
            if (c->pos >= c->len || p[c->pos] != ':') {
                return syntax(c, c->pos);
            }
            c->pos++;
            ws(c);
            return CLERK_OK;
        }
    }
    st = member_key(c, &key, &n, level);
    if (st != CLERK_OK) {
        return st;
    }
    *f = find_field(model, key, n, cursor);
    return CLERK_OK;
}

/* ---------------------------------------------------------------------- */
/* Unions: the rules of codec.c (clerk__union_choose) over a summary of   */
/* object's members, each member tried on the object's span                */
/* ---------------------------------------------------------------------- */

typedef struct member {
    size_t key;   /* offset of the key (C string) in the text buffer */
    size_t value; /* string values: offset of the string, else (size_t)-1 */
    jkind_t kind;
} member_t;

typedef struct summary {
    member_t *m;
    size_t count;
    size_t cap;
    char *text;
    size_t used;
    size_t text_cap;
} summary_t;

static void summary_free(summary_t *s)
{
    free(s->m);
    free(s->text);
}

/* Append the C string v[0..n) to the summary's text; its offset, or
 * (size_t)-1 on out-of-memory. */
static size_t summary_text(summary_t *s, const char *v, size_t n)
{
    size_t need = s->used + n + 1;
    size_t cap = s->text_cap == 0 ? 256 : s->text_cap;
    char *t = NULL;
    size_t at = s->used;

    if (need > s->text_cap) {
        while (cap < need) {
            cap *= 2;
        }
        t = realloc(s->text, cap);
        if (t == NULL) {
            return (size_t)-1;
        }
        s->text = t;
        s->text_cap = cap;
    }
    memcpy(s->text + at, v, n);
    s->text[at + n] = '\0';
    s->used = need;
    return at;
}

/* Skip the object at c->pos, recording its members. */
static clerk_status_t summarize(pctx_t *c, summary_t *s, size_t level)
{
    clerk_status_t st = CLERK_OK;
    const char *k = NULL;
    size_t n = 0;
    member_t *m = NULL;
    const char *v = NULL;
    size_t vn = 0;
    int empty = 0;

    st = open_container(c, '}', &empty);
    if (st != CLERK_OK) {
        return st;
    }
    while (!empty) {
        st = member_key(c, &k, &n, level);
        if (st != CLERK_OK) {
            return st;
        }
        if (s->count == s->cap) {
            m = realloc(s->m, (s->cap == 0 ? 16 : s->cap * 2) * sizeof(*m));
            if (m == NULL) {
                return nomem(c, level);
            }
            s->m = m;
            s->cap = s->cap == 0 ? 16 : s->cap * 2;
        }
        m = &s->m[s->count];
        m->key = summary_text(s, k, n);
        m->value = (size_t)-1;
        m->kind = peek(c);
        if (m->key == (size_t)-1) {
            return nomem(c, level);
        }
        s->count++;
        if (m->kind == J_STR) {
            st = string_view(c, &v, &vn, level);
            if (st != CLERK_OK) {
                return st;
            }
            m->value = summary_text(s, v, vn);
            if (m->value == (size_t)-1) {
                return nomem(c, level);
            }
        } else {
            st = skip_value(c);
            if (st != CLERK_OK) {
                return st;
            }
        }
        empty = !next_item(c);
    }
    return close_container(c, '}');
}

static const member_t *summary_get(const summary_t *s, const char *key)
{
    size_t i = 0;

    for (i = 0; i < s->count; i++) {
        if (strcmp(s->text + s->m[i].key, key) == 0) {
            return &s->m[i];
        }
    }
    return NULL;
}

/* Decode member i from the value starting at `start`, into `as`. */
static clerk_status_t decode_variant(
    pctx_t *c,
    const clerk__model_t *model,
    size_t i,
    size_t start,
    clerk__union_t *u,
    size_t level)
{
    size_t depth = c->depth;
    clerk_status_t st = CLERK_OK;

    c->pos = start;
    u->kind = (int)(i + 1);
    st = decode_value(
        c, model->variants[i].type, 0, 0, NULL, &u->value, level);
    c->depth = depth;
    return st;
}

/* An object whose discriminator names no member: kept as received, as a
 * free-form value (kind CLERK__UNION_UNKNOWN, `as.unknown`). */
static clerk_status_t keep_unknown(
    pctx_t *c, size_t start, clerk__union_t *u, size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON *raw = NULL;

    c->pos = start;
    st = decode_json(c, CLERK__F_NULLABLE, &raw, level);
    if (st == CLERK_OK) {
        u->kind = CLERK__UNION_UNKNOWN;
        u->value = raw;
    }
    return st;
}

/* The union chooser's view of a summarized object (clerk__union_choose). */
typedef struct pick {
    pctx_t *c;
    const clerk__model_t *model;
    size_t start;
    size_t level;
    unsigned flags; /* as the caller asked */
    int exact;
} pick_t;

static int pick_has(const void *obj, const char *key)
{
    return summary_get(obj, key) != NULL;
}

static void pick_each_field(
    const void *obj,
    const clerk__model_t *model,
    void (*fn)(void *arg, const clerk__field_t *f, const char *str),
    void *arg)
{
    const summary_t *s = obj;
    const clerk__field_t *f = NULL;
    const char *key = NULL;
    size_t cursor = 0;
    size_t j = 0;

    for (j = 0; j < s->count; j++) {
        key = s->text + s->m[j].key;
        f = find_field(model, key, strlen(key), &cursor);
        if (f != NULL) {
            fn(arg, f, s->m[j].kind == J_STR ? s->text + s->m[j].value : NULL);
        }
    }
}

static clerk_status_t pick_try(
    void *ctx, size_t i, int strict, clerk__union_t *u)
{
    pick_t *p = ctx;

    p->c->flags = strict ? p->flags | CLERK_DECODE_STRICT : p->flags;
    p->c->exact = strict ? 1 : p->exact;
    return decode_variant(p->c, p->model, i, p->start, u, p->level);
}

static clerk_status_t pick_none(void *ctx)
{
    pick_t *p = ctx;

    return fail(p->c, p->level, "matches no member of %s", p->model->name);
}

/* Members without discriminator: clerk__union_choose() applies the rules,
 * re-reading the object from `start` for each member it tries. */
static clerk_status_t decode_first_match(
    pctx_t *c,
    const clerk__model_t *model,
    const summary_t *s,
    size_t start,
    clerk__union_t *u,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    pick_t p = { c, model, start, level, c->flags, c->exact };
    clerk__union_obj_t obj = { s,        &p,       pick_has, pick_each_field,
                               pick_try, pick_none };

    st = clerk__union_choose(model, &obj, p.flags, u);
    c->flags = p.flags;
    c->exact = p.exact;
    return st;
}

/* Members that share the value's JSON type (not objects): the first
 * that decodes (clerk__union_first_of_type). */
static clerk_status_t decode_first_of_type(
    pctx_t *c,
    const clerk__model_t *model,
    unsigned jt,
    size_t start,
    clerk__union_t *u,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    pick_t p = { c, model, start, level, c->flags, c->exact };
    clerk__union_obj_t obj = { NULL, &p, NULL, NULL, pick_try, pick_none };

    st = clerk__union_first_of_type(model, jt, &obj, u);
    c->flags = p.flags;
    c->exact = p.exact;
    return st;
}

static unsigned value_jtype(jkind_t k)
{
    switch (k) {
    case J_STR:
        return CLERK__JT_STRING;
    case J_NUM:
        return CLERK__JT_NUMBER;
    case J_BOOL:
        return CLERK__JT_BOOL;
    case J_ARR:
        return CLERK__JT_ARRAY;
    case J_OBJ:
        return CLERK__JT_OBJECT;
    default:
        return 0;
    }
}

/* A union: the members that take the value's JSON type; an object with a
 * discriminator is the member its tag names (an unknown tag: kept as
 * received, or an error under CLERK_DECODE_STRICT); else one member
 * decodes it, or the rules choose (clerk__union_choose for objects,
 * clerk__union_first_of_type for the rest). */
static clerk_status_t decode_union(
    pctx_t *c, const clerk__model_t *model, clerk__union_t *u, size_t level)
{
    clerk_status_t st = CLERK_OK;
    summary_t s;
    const member_t *tag = NULL;
    const char *tv = NULL;
    size_t start = c->pos;
    size_t end = 0;
    size_t i = 0;
    size_t first = 0;
    size_t n = 0;
    jkind_t k = peek(c);
    unsigned jt = value_jtype(k);
    char want[64];

    memset(&s, 0, sizeof(s));
    n = jt != 0 ? clerk__union_candidates(model, jt, &first) : 0;
    if (n == 0) {
        clerk__union_expected(model, want, sizeof(want));
        return type_error(c, level, want, k);
    }
    if (jt != CLERK__JT_OBJECT) {
        return n == 1 ? decode_variant(c, model, first, start, u, level)
                      : decode_first_of_type(c, model, jt, start, u, level);
    }
    if (n == 1 && model->discriminator == NULL) {
        return decode_variant(c, model, first, start, u, level);
    }
    st = summarize(c, &s, level);
    if (st != CLERK_OK) {
        goto done;
    }
    end = c->pos;
    if (model->discriminator != NULL) {
        tag = summary_get(&s, model->discriminator);
        if (tag != NULL && tag->kind == J_STR) {
            tv = s.text + tag->value;
            for (i = 0; i < model->variant_count; i++) {
                if (model->variants[i].tag != NULL &&
                    strcmp(model->variants[i].tag, tv) == 0) {
                    st = decode_variant(c, model, i, start, u, level);
                    goto done;
                }
            }
        }
        if (tag != NULL && (c->flags & CLERK_DECODE_STRICT) != 0) {
            c->segs[level].name = model->discriminator;
            if (tag->kind != J_STR) {
                st = fail(
                    c, level + 1, "expected string, got %s",
                    kind_name(tag->kind));
                goto done;
            }
            st = fail(
                c, level + 1, "unknown %s of %s", model->discriminator,
                model->name);
            goto done;
        }
        if (tag != NULL) {
            /* Never decoded as some other member. */
            st = keep_unknown(c, start, u, level);
            goto done;
        }
    }
    st = n == 1 ? decode_variant(c, model, first, start, u, level)
                : decode_first_match(c, model, &s, start, u, level);
done:
    if (st == CLERK_OK) {
        c->pos = end;
    }
    summary_free(&s);
    return st;
}

/* A key of an object decoded as `model` that names none of its fields,
 * the key at key_pos (its value follows): an extra entry of the model's
 * additional properties (a map collected in `m`, or a free-form object). */
static clerk_status_t decode_extra(
    pctx_t *c,
    const clerk__model_t *model,
    void *base,
    collect_t *m,
    size_t key_pos,
    size_t level)
{
    clerk_status_t st = CLERK_OK;
    cJSON **obj = (cJSON **)(void *)((char *)base + model->extra->offset);
    cJSON *node = NULL;
    const char *k = NULL;
    char *key = NULL;
    size_t n = 0;

    c->pos = key_pos; /* read the key again, now for its text */
    st = member_key(c, &k, &n, level);
    if (st != CLERK_OK) {
        return st;
    }
    if (model->extra->type->kind == CLERK__K_MAP) {
        return collect_entry(c, m, k, n, level);
    }
    /* Free-form: a cJSON object holding the extra members. */
    key = clerk__alloc_json_strdup(k, n);
    if (key == NULL) {
        return nomem(c, level);
    }
    c->segs[level].name = key;
    if (*obj == NULL) {
        *obj = cJSON_CreateObject();
    }
    st = *obj == NULL ? nomem(c, level)
                      : decode_json(c, CLERK__F_NULLABLE, &node, level + 1);
    if (st != CLERK_OK) {
        cJSON_free(key);
        return st;
    }
    node->string = key;
    cJSON_AddItemToArray(*obj, node); /* appends; cannot fail */
    return CLERK_OK;
}

static clerk_status_t decode_model(
    pctx_t *c, const clerk__model_t *model, void *base, size_t level)
{
    clerk_status_t st = CLERK_OK;
    const clerk__field_t *f = NULL;
    collect_t extra;
    size_t key_pos = 0;
    size_t cursor = 0;
    size_t i = 0;
    size_t idx = 0;
    jkind_t k = J_BAD;
    uint64_t seen_small[8];
    uint64_t *seen = seen_small;
    uint64_t *seen_heap = NULL;
    size_t words = (model->field_count + 63) / 64;
    int empty = 0;

    if (level + 1 > CLERK__MAX_DEPTH) {
        return fail(c, level, "nesting deeper than %d", CLERK__MAX_DEPTH);
    }
    if (model->variant_count > 0) {
        return decode_union(c, model, base, level);
    }
    k = peek(c);
    if (k != J_OBJ) {
        return type_error(c, level, "object", k);
    }
    if (words > sizeof(seen_small) / sizeof(seen_small[0])) {
        seen_heap = clerk__alloc_zeroed(c->alloc, words * sizeof(uint64_t));
        if (seen_heap == NULL) {
            return nomem(c, level);
        }
        seen = seen_heap;
    } else {
        for (i = 0; i < words; i++) {
            seen_small[i] = 0;
        }
    }
    extra.count = 0;
    if (model->extra != NULL && model->extra->type->kind == CLERK__K_MAP) {
        collect_begin(c, &extra, model->extra->type->elem, level);
    }
    st = open_container(c, '}', &empty);
    if (st != CLERK_OK) {
        goto done;
    }
    while (!empty) {
        ws(c);
        key_pos = c->pos;
        st = field_key(c, model, &cursor, &f, level);
        if (st != CLERK_OK) {
            goto done;
        }
        if (f == NULL && model->extra != NULL) {
            st = decode_extra(c, model, base, &extra, key_pos, level);
        } else if (f == NULL) {
            st = skip_value(c); /* unknown fields are ignored */
        } else {
            idx = (size_t)(f - model->fields);
            if ((seen[idx / 64] & ((uint64_t)1 << (idx % 64))) != 0) {
                /* A duplicate key: the last one wins. */
                clerk__free_value(f->type, (char *)base + f->offset);
                memset((char *)base + f->offset, 0, f->type->size);
                if (f->null_offset != 0) {
                    *(bool *)((char *)base + f->null_offset) = false;
                }
            }
            seen[idx / 64] |= (uint64_t)1 << (idx % 64);
            assert(level < CLERK__MAX_SEGS);
            c->segs[level].name = f->name;
            st = decode_value(
                c, f->type, f->flags, f->null_offset, base,
                (char *)base + f->offset, level + 1);
        }
        if (st != CLERK_OK) {
            goto done;
        }
        empty = !next_item(c);
    }
    st = close_container(c, '}');
    if (st != CLERK_OK) {
        goto done;
    }
    if (extra.count > 0) {
        st = collect_finish(
            c, &extra,
            (clerk__map_t *)(void *)((char *)base + model->extra->offset),
            level);
        if (st != CLERK_OK) {
            goto done;
        }
    }
    if ((c->flags & CLERK_DECODE_STRICT) != 0) {
        for (i = 0; i < model->field_count; i++) {
            f = &model->fields[i];
            if (CLERK__F_DECODE_REQUIRED(f->flags) &&
                f->type->kind != CLERK__K_FILE &&
                (seen[i / 64] & ((uint64_t)1 << (i % 64))) == 0) {
                c->segs[level].name = f->name;
                st = fail(c, level + 1, "required field missing");
                goto done;
            }
        }
    }
done:
    collect_drop(&extra);
    clerk__alloc_release(c->alloc, seen_heap);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Entry                                                                   */
/* ---------------------------------------------------------------------- */

/* Where the document's value starts (cJSON: BOM, then whitespace). */
static void start(pctx_t *c)
{
    c->pos = 0;
    c->depth = 0;
    if (c->len >= 5 && c->p[0] == 0xEF && c->p[1] == 0xBB && c->p[2] == 0xBF) {
        c->pos = 3;
    }
    ws(c);
}

/* After the value: only whitespace (and one final NUL) may follow.  0, or
 * 1 with the error set. */
static int trailing(pctx_t *c)
{
    size_t pos = c->pos;

    while (pos < c->len && (c->p[pos] == ' ' || c->p[pos] == '\t' ||
                            c->p[pos] == '\n' || c->p[pos] == '\r')) {
        pos++;
    }
    if (pos < c->len && !(pos + 1 == c->len && c->p[pos] == '\0')) {
        clerk__json_error_set(
            c->err, NULL, 0, "unexpected data after the JSON value at byte %zu",
            pos);
        return 1;
    }
    return 0;
}

clerk_status_t clerk__decode_text(
    const clerk__type_t *type,
    void *slot,
    const char *json,
    size_t len,
    unsigned flags,
    clerk_json_error_t *err)
{
    pctx_t c;
    clerk_status_t st = CLERK_OK;
    const struct lconv *lc = NULL;
    size_t i = 0;

    memset(&c, 0, sizeof(c));
    c.p = (const unsigned char *)json;
    c.len = len;
    c.flags = flags;
    c.alloc = &clerk__alloc_heap;
    c.err = err;
    lc = localeconv();
    c.decimal_point =
        (lc != NULL && lc->decimal_point != NULL && lc->decimal_point[0] != 0)
            ? (unsigned char)lc->decimal_point[0]
            : '.';
    if (json == NULL || len == 0) {
        clerk__json_error_set(err, NULL, 0, "empty document");
        return CLERK_E_DECODE;
    }
    start(&c);
    if (type->kind == CLERK__K_OBJ && peek(&c) == J_NULL) {
        st = type_error(&c, 0, "object", J_NULL);
    } else {
        st = decode_value(&c, type, CLERK__F_NULLABLE, 0, NULL, slot, 0);
    }
    if (st == CLERK_OK) {
        if (trailing(&c)) {
            st = CLERK_E_DECODE;
        } else if (err != NULL) {
            /* Failed union attempts may have left text behind. */
            err->path[0] = '\0';
            err->reason[0] = '\0';
        }
        goto done;
    }
    if (st == CLERK_E_DECODE && !c.syntax) {
        /* Syntax errors anywhere come first, then trailing data. */
        start(&c);
        if (skip_value(&c) == CLERK_OK) {
            (void)trailing(&c);
        }
    }
    if (c.syntax) {
        st = CLERK_E_DECODE;
        clerk__json_error_set(
            err, NULL, 0, "malformed JSON near byte %zu of %zu",
            c.syntax_pos < len ? c.syntax_pos : len - 1, len);
    }
done:
    clerk__block_put(c.str.buf);
    for (i = 0; i <= CLERK__MAX_DEPTH; i++) {
        clerk__block_put(c.items[i].buf);
        clerk__block_put(c.keys[i].buf);
    }
    return st;
}
