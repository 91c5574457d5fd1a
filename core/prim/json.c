/*
 * json.c - the strict, allocation-free JSON reader (xgate/json.h).
 *
 * A recursive-descent parser bounded by XG_JSON_DEPTH_MAX and by the
 * caller's token array, so hostile text costs at most one pass over its
 * bytes and a fixed amount of stack. Validation happens once, while
 * parsing; the accessors decode from the raw text and can rely on it.
 */
#include "xgate/json.h"

#include <stdlib.h>
#include <string.h>

typedef struct parser {
    xg_json *j;
    const unsigned char *s;
    size_t len;
    size_t pos;
} parser;

static xg_err
fail(parser *p, const char *what)
{
    p->j->err_pos = p->pos;
    p->j->err_what = what;
    return XG_ERR_INVALID;
}

static void
skip_space(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

/* A member name's raw bytes hashed (xg_json_tok.aux): its first eight
 * bytes, its last eight (overlapping the first for 9 to 15) and its
 * length, two multiplies whatever its length. Names that differ only
 * inside a long middle collide, and are told apart by their bytes. The
 * loads have fixed sizes, so none is a call; a name under eight bytes is
 * gathered byte by byte, as reading past it could leave its buffer. */
static uint32_t
key_hash(const char *s, size_t n)
{
    uint64_t head = 0, tail = 0;
    if (n >= 8) {
        memcpy(&head, s, 8);
        memcpy(&tail, s + n - 8, 8);
    } else {
        for (size_t i = 0; i < n; i++) {
            head |= (uint64_t)(unsigned char)s[i] << (8 * i);
        }
    }
    uint64_t h = head * 0x9e3779b97f4a7c15u ^ tail * 0xc2b2ae3d27d4eb4fu ^ n;
    return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

static xg_err
new_token(parser *p, xg_json_type type, size_t *index)
{
    xg_json *j = p->j;
    if (j->n_tok == j->cap) {
        j->err_pos = p->pos;
        j->err_what = "too many values";
        return XG_ERR_OVERFLOW;
    }
    *index = j->n_tok++;
    xg_json_tok *t = &j->tok[*index];
    memset(t, 0, sizeof *t);
    t->type = (uint8_t)type;
    t->start = (uint32_t)p->pos;
    return XG_OK;
}

size_t
xg_utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < need) {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0u) != 0x80u) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((need == 3 && cp < 0x800u) || (need == 4 && cp < 0x10000u) ||
        (cp >= 0xd800u && cp <= 0xdfffu) || cp > 0x10ffffu) {
        return 0;
    }
    return need;
}

static int
hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Four hex digits at s (n bytes available) into *unit. */
static int
read_hex4(const unsigned char *s, size_t n, uint32_t *unit)
{
    if (n < 4) {
        return 0;
    }
    uint32_t u = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hex_value(s[i]);
        if (h < 0) {
            return 0;
        }
        u = (u << 4) | (uint32_t)h;
    }
    *unit = u;
    return 1;
}

/* The escape at s (just after the backslash, n bytes available): its code
 * point and the bytes it spans. 0 when malformed, a lone or reversed
 * surrogate, or U+0000. */
static size_t
read_escape(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const char plain[] = "\"\\/bfnrt";
    static const char meaning[] = "\"\\/\b\f\n\r\t";
    if (n == 0) {
        return 0;
    }
    const char *at = s[0] != '\0' ? strchr(plain, s[0]) : NULL;
    if (at != NULL) {
        *cp = (unsigned char)meaning[at - plain];
        return 1;
    }
    uint32_t hi;
    if (s[0] != 'u' || !read_hex4(s + 1, n - 1, &hi) || hi == 0 ||
        (hi >= 0xdc00u && hi <= 0xdfffu)) {
        return 0;
    }
    if (hi < 0xd800u || hi > 0xdbffu) {
        *cp = hi;
        return 5;
    }
    uint32_t lo;
    if (n < 11 || s[5] != '\\' || s[6] != 'u' ||
        !read_hex4(s + 7, n - 7, &lo) || lo < 0xdc00u || lo > 0xdfffu) {
        return 0;
    }
    *cp = 0x10000u + ((hi - 0xd800u) << 10) + (lo - 0xdc00u);
    return 11;
}

static xg_err
parse_string(parser *p)
{
    size_t t;
    p->pos++; /* the opening quote */
    xg_err e = new_token(p, XG_JSON_STRING, &t);
    if (e != XG_OK) {
        return e;
    }
    int is_escaped = 0;
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        /* Plain ASCII, nearly every byte of a venue's message, at once. */
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            p->pos++;
            continue;
        }
        if (c == '"') {
            xg_json_tok *tok = &p->j->tok[t];
            tok->len = (uint32_t)(p->pos - tok->start);
            tok->is_escaped = (uint8_t)is_escaped;
            tok->next = (uint32_t)(t + 1);
            p->pos++;
            return XG_OK;
        }
        if (c < 0x20) {
            return fail(p, "control character in a string");
        }
        if (c == '\\') {
            uint32_t cp;
            size_t n = read_escape(p->s + p->pos + 1, p->len - p->pos - 1, &cp);
            if (n == 0) {
                return fail(p, "invalid escape in a string");
            }
            is_escaped = 1;
            p->pos += 1 + n;
            continue;
        }
        size_t n = xg_utf8_seq_len(p->s + p->pos, p->len - p->pos);
        if (n == 0) {
            return fail(p, "invalid UTF-8 in a string");
        }
        p->pos += n;
    }
    return fail(p, "unterminated string");
}

static int
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static size_t
skip_digits(parser *p)
{
    size_t from = p->pos;
    while (p->pos < p->len && is_digit(p->s[p->pos])) {
        p->pos++;
    }
    return p->pos - from;
}

static xg_err
parse_number(parser *p)
{
    size_t t;
    xg_err e = new_token(p, XG_JSON_NUMBER, &t);
    if (e != XG_OK) {
        return e;
    }
    if (p->s[p->pos] == '-') {
        p->pos++;
    }
    if (p->pos < p->len && p->s[p->pos] == '0') {
        p->pos++;
    } else if (skip_digits(p) == 0) {
        return fail(p, "invalid number");
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (skip_digits(p) == 0) {
            return fail(p, "invalid number");
        }
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
            p->pos++;
        }
        if (skip_digits(p) == 0) {
            return fail(p, "invalid number");
        }
    }
    xg_json_tok *tok = &p->j->tok[t];
    tok->len = (uint32_t)(p->pos - tok->start);
    tok->next = (uint32_t)(t + 1);
    return XG_OK;
}

static xg_err
parse_word(parser *p, const char *word, xg_json_type type)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0) {
        return fail(p, "invalid literal");
    }
    size_t t;
    xg_err e = new_token(p, type, &t);
    if (e != XG_OK) {
        return e;
    }
    p->pos += n;
    p->j->tok[t].len = (uint32_t)n;
    p->j->tok[t].next = (uint32_t)(t + 1);
    return XG_OK;
}

static xg_err parse_value(parser *p, unsigned depth);

/* An object or an array; the parser stands on its opening bracket. */
/* Sort object obj's names by hash into the index, after those of the
 * objects parsed before (its nested ones included), when it has one and
 * the object is worth it. Every name is indexed at most once, so the
 * index never holds more than the tokens. */
static void
index_object(xg_json *j, size_t obj)
{
    uint32_t m = j->tok[obj].count;
    if (j->index == NULL || m < XG_JSON_INDEX_MIN || m > XG_JSON_INDEX_MAX) {
        return;
    }
    uint64_t *at = j->index + j->n_index;
    size_t k = obj + 1;
    for (uint32_t i = 0; i < m; i++) {
        if (j->tok[k].is_escaped) {
            return; /* hashed raw: left to the pass over every name */
        }
        /* Insertion sort of (hash, token): at most XG_JSON_INDEX_MAX. */
        uint64_t e = (uint64_t)j->tok[k].aux << 32 | (uint32_t)k;
        uint32_t r = i;
        while (r > 0 && at[r - 1] > e) {
            at[r] = at[r - 1];
            r--;
        }
        at[r] = e;
        k = j->tok[k + 1].next;
    }
    j->tok[obj].aux = (uint32_t)j->n_index + 1;
    j->n_index += m;
}

static xg_err
parse_container(parser *p, unsigned depth, int is_object)
{
    if (depth >= XG_JSON_DEPTH_MAX) {
        p->j->err_pos = p->pos;
        p->j->err_what = "nesting depth over the limit";
        return XG_ERR_OVERFLOW;
    }
    size_t t;
    xg_err e = new_token(p, is_object ? XG_JSON_OBJECT : XG_JSON_ARRAY, &t);
    if (e != XG_OK) {
        return e;
    }
    unsigned char close = is_object ? '}' : ']';
    uint32_t count = 0;
    p->pos++;
    skip_space(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
    } else {
        for (;;) {
            if (is_object) {
                if (p->pos >= p->len || p->s[p->pos] != '"') {
                    return fail(p, "expected a member name");
                }
                if ((e = parse_string(p)) != XG_OK) {
                    return e;
                }
                xg_json_tok *name = &p->j->tok[p->j->n_tok - 1];
                name->aux =
                    key_hash((const char *)p->s + name->start, name->len);
                skip_space(p);
                if (p->pos >= p->len || p->s[p->pos] != ':') {
                    return fail(p, "expected ':'");
                }
                p->pos++;
            }
            if ((e = parse_value(p, depth + 1)) != XG_OK) {
                return e;
            }
            count++;
            skip_space(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                skip_space(p);
                continue;
            }
            if (p->pos < p->len && p->s[p->pos] == close) {
                p->pos++;
                break;
            }
            return fail(p, is_object ? "expected ',' or '}'"
                                     : "expected ',' or ']'");
        }
    }
    xg_json_tok *tok = &p->j->tok[t];
    tok->len = (uint32_t)(p->pos - tok->start);
    tok->count = count;
    tok->next = (uint32_t)p->j->n_tok;
    if (is_object) {
        index_object(p->j, t);
    }
    return XG_OK;
}

static xg_err
parse_value(parser *p, unsigned depth)
{
    skip_space(p);
    if (p->pos >= p->len) {
        return fail(p, "expected a value");
    }
    switch (p->s[p->pos]) {
    case '{':
        return parse_container(p, depth, 1);
    case '[':
        return parse_container(p, depth, 0);
    case '"':
        return parse_string(p);
    case 't':
        return parse_word(p, "true", XG_JSON_TRUE);
    case 'f':
        return parse_word(p, "false", XG_JSON_FALSE);
    case 'n':
        return parse_word(p, "null", XG_JSON_NULL);
    default:
        if (p->s[p->pos] == '-' || is_digit(p->s[p->pos])) {
            return parse_number(p);
        }
        return fail(p, "expected a value");
    }
}

xg_err
xg_json_parse(xg_json *j, const char *text, size_t len, xg_json_tok *tok,
              size_t cap)
{
    return xg_json_parse_indexed(j, text, len, tok, NULL, cap);
}

xg_err
xg_json_parse_indexed(xg_json *j, const char *text, size_t len,
                      xg_json_tok *tok, uint64_t *index, size_t cap)
{
    memset(j, 0, sizeof *j);
    j->text = text;
    j->tok = tok;
    j->index = index;
    j->cap = cap;
    j->err_what = "";
    if ((text == NULL && len > 0) || tok == NULL || len > UINT32_MAX) {
        return XG_ERR_INVALID;
    }
    parser p = {j, (const unsigned char *)text, len, 0};
    xg_err e = parse_value(&p, 0);
    if (e != XG_OK) {
        return e;
    }
    skip_space(&p);
    if (p.pos != len) {
        return fail(&p, "text after the value");
    }
    return XG_OK;
}

xg_err
xg_json_parse_grow(xg_json *j, const char *text, size_t len, xg_json_store *s,
                   size_t max_tok)
{
    if (max_tok == 0) {
        return XG_ERR_INVALID;
    }
    for (;;) {
        if (s->cap > 0) {
            xg_err e =
                xg_json_parse_indexed(j, text, len, s->toks, s->index, s->cap);
            /* Only a full token array is worth growing; too deep stays. */
            if (e != XG_ERR_OVERFLOW || j->n_tok < s->cap ||
                s->cap >= max_tok) {
                return e;
            }
        }
        size_t grown = s->cap < 64 ? 256 : s->cap * 4;
        if (grown > max_tok) {
            grown = max_tok;
        }
        xg_json_tok *t = realloc(s->toks, grown * sizeof *t);
        if (t == NULL) {
            return XG_ERR_NOMEM;
        }
        s->toks = t;
        uint64_t *x = realloc(s->index, grown * sizeof *x);
        if (x == NULL) {
            return XG_ERR_NOMEM; /* toks grew: cap stays right for both */
        }
        s->index = x;
        s->cap = grown;
    }
}

void
xg_json_store_trim(xg_json_store *s)
{
    if (s->cap > XG_JSON_STORE_KEEP) {
        xg_json_store_free(s);
    }
}

void
xg_json_store_free(xg_json_store *s)
{
    free(s->toks);
    free(s->index);
    s->toks = NULL;
    s->index = NULL;
    s->cap = 0;
}

/* Decode string token t into dst (cap >= 1): bytes written, NUL added;
 * *is_cut when it did not all fit. */
static size_t
decode(const xg_json *j, size_t t, char *dst, size_t cap, int *is_cut)
{
    const xg_json_tok *tok = &j->tok[t];
    const unsigned char *s = (const unsigned char *)j->text + tok->start;
    size_t n = tok->len, out = 0;
    *is_cut = 0;
    for (size_t i = 0; i < n;) {
        unsigned char buf[4];
        size_t len = 1;
        if (s[i] != '\\') {
            buf[0] = s[i++];
        } else {
            uint32_t cp = 0;
            i += 1 + read_escape(s + i + 1, n - i - 1, &cp);
            if (cp < 0x80u) {
                buf[0] = (unsigned char)cp;
            } else if (cp < 0x800u) {
                buf[0] = (unsigned char)(0xc0u | (cp >> 6));
                buf[1] = (unsigned char)(0x80u | (cp & 0x3fu));
                len = 2;
            } else if (cp < 0x10000u) {
                buf[0] = (unsigned char)(0xe0u | (cp >> 12));
                buf[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3fu));
                buf[2] = (unsigned char)(0x80u | (cp & 0x3fu));
                len = 3;
            } else {
                buf[0] = (unsigned char)(0xf0u | (cp >> 18));
                buf[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3fu));
                buf[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3fu));
                buf[3] = (unsigned char)(0x80u | (cp & 0x3fu));
                len = 4;
            }
        }
        if (out + len > cap - 1) {
            *is_cut = 1;
            break;
        }
        memcpy(dst + out, buf, len);
        out += len;
    }
    dst[out] = '\0';
    return out;
}

xg_err
xg_json_string(const xg_json *j, size_t t, char *dst, size_t cap, size_t *len)
{
    if (cap == 0) {
        return XG_ERR_INVALID;
    }
    dst[0] = '\0';
    if (len != NULL) {
        *len = 0;
    }
    if (t >= j->n_tok || j->tok[t].type != XG_JSON_STRING) {
        return XG_ERR_INVALID;
    }
    int is_cut;
    size_t n = decode(j, t, dst, cap, &is_cut);
    if (len != NULL) {
        *len = n;
    }
    return is_cut ? XG_ERR_TRUNCATED : XG_OK;
}

/* Whether token t is a string equal to the n bytes at s (no NUL among
 * them). */
static int
is_string_eq_n(const xg_json *j, size_t t, const char *s, size_t n)
{
    if (t >= j->n_tok || j->tok[t].type != XG_JSON_STRING) {
        return 0;
    }
    const xg_json_tok *tok = &j->tok[t];
    if (!tok->is_escaped) {
        return tok->len == n && memcmp(j->text + tok->start, s, n) == 0;
    }
    /* Escapes only ever shorten text, so a longer raw string can still
     * match: decode into room for s plus one byte to see a longer one. */
    char buf[128];
    if (n >= sizeof buf - 1 || tok->len < n) {
        return 0;
    }
    int is_cut;
    size_t got = decode(j, t, buf, n + 2, &is_cut);
    return !is_cut && got == n && memcmp(buf, s, n) == 0;
}

int
xg_json_is_string_eq(const xg_json *j, size_t t, const char *s)
{
    return is_string_eq_n(j, t, s, strlen(s));
}

/* xg_json_get in an indexed object: a binary search for the key's hash
 * among its sorted names, then every name of that hash compared. */
static xg_err
get_indexed(const xg_json *j, size_t obj, const char *key, size_t n, uint32_t h,
            size_t *val)
{
    const uint64_t *names = j->index + (j->tok[obj].aux - 1);
    uint32_t m = j->tok[obj].count;
    uint32_t lo = 0, hi = m;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)(names[mid] >> 32) < h) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    xg_err found = XG_ERR_NOT_FOUND;
    for (; lo < m && (uint32_t)(names[lo] >> 32) == h; lo++) {
        uint32_t k = (uint32_t)names[lo];
        const xg_json_tok *t = &j->tok[k];
        if (t->len == n && memcmp(j->text + t->start, key, n) == 0) {
            if (found == XG_OK) {
                return XG_ERR_EXISTS;
            }
            found = XG_OK;
            *val = (size_t)k + 1;
        }
    }
    return found;
}

xg_err
xg_json_get(const xg_json *j, size_t obj, const char *key, size_t *val)
{
    if (obj >= j->n_tok || j->tok[obj].type != XG_JSON_OBJECT) {
        return XG_ERR_INVALID;
    }
    size_t n = strlen(key);
    uint32_t h = key_hash(key, n);
    if (j->tok[obj].aux != 0) {
        return get_indexed(j, obj, key, n, h, val);
    }
    /* Every name is read (a duplicate must be seen); one of another hash
     * costs one compare. Escapes only shorten a name, so an escaped one
     * (hashed raw) is decoded if it is long enough. */
    xg_err found = XG_ERR_NOT_FOUND;
    size_t k = obj + 1;
    for (uint32_t i = 0; i < j->tok[obj].count; i++) {
        const xg_json_tok *t = &j->tok[k];
        int is_eq = t->is_escaped ? t->len >= n && is_string_eq_n(j, k, key, n)
                                  : t->aux == h && t->len == n &&
                                        memcmp(j->text + t->start, key, n) == 0;
        if (is_eq) {
            if (found == XG_OK) {
                return XG_ERR_EXISTS;
            }
            found = XG_OK;
            *val = k + 1;
        }
        k = j->tok[k + 1].next;
    }
    return found;
}

xg_err
xg_json_int64(const xg_json *j, size_t t, int64_t *out)
{
    if (t >= j->n_tok || j->tok[t].type != XG_JSON_NUMBER) {
        return XG_ERR_INVALID;
    }
    const char *s = j->text + j->tok[t].start;
    size_t n = j->tok[t].len, i = 0;
    int is_negative = s[0] == '-';
    i += (size_t)is_negative;
    /* Accumulate negatively: INT64_MIN has no positive counterpart. */
    int64_t v = 0;
    for (; i < n; i++) {
        if (!is_digit((unsigned char)s[i])) {
            return XG_ERR_INVALID; /* fraction or exponent */
        }
        int digit = s[i] - '0';
        if (v < (INT64_MIN + digit) / 10) {
            return XG_ERR_OVERFLOW;
        }
        v = v * 10 - digit;
    }
    if (!is_negative) {
        if (v == INT64_MIN) {
            return XG_ERR_OVERFLOW;
        }
        v = -v;
    }
    *out = v;
    return XG_OK;
}
