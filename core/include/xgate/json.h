/*
 * xgate/json.h - a strict JSON reader that allocates nothing.
 *
 * For the messages on the order path (a strategy's request, a venue's
 * answer about one order), where a general JSON library spends most of its
 * time allocating a tree and hashing keys. xg_json_parse checks the whole
 * text against RFC 8259 (UTF-8 strings, escapes, number grammar, nesting at
 * most XG_JSON_DEPTH_MAX deep, nothing but white space after the value) and
 * records each value as a token in an array the caller owns; nothing is
 * decoded until asked for. Strings containing "\u0000" are refused, so
 * every decoded string is a C string.
 *
 * Tokens are stored in document order. A container's elements follow it;
 * tok[i].next is the index just past value i and everything inside it, so
 * the elements of container c are c + 1, tok[c + 1].next, ... (in an
 * object, alternately a key and its value).
 */
#ifndef XGATE_JSON_H
#define XGATE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

#define XG_JSON_DEPTH_MAX 32
/* Objects indexed for lookups (xg_json.index): below the minimum a pass is
 * as quick; above the maximum sorting the names at parse would cost more
 * than the lookups save (and a hostile text could make it quadratic). */
#define XG_JSON_INDEX_MIN 8
#define XG_JSON_INDEX_MAX 256

typedef enum xg_json_type {
    XG_JSON_OBJECT = 1,
    XG_JSON_ARRAY = 2,
    XG_JSON_STRING = 3,
    XG_JSON_NUMBER = 4,
    XG_JSON_TRUE = 5,
    XG_JSON_FALSE = 6,
    XG_JSON_NULL = 7
} xg_json_type;

typedef struct xg_json_tok {
    uint32_t start;     /* offset of the value; of a string, its first byte
                           after the opening quote */
    uint32_t len;       /* bytes; of a string, the raw bytes between quotes */
    uint32_t next;      /* index just past this value and its contents */
    uint32_t count;     /* elements of an array, members of an object */
    uint8_t type;       /* xg_json_type */
    uint8_t is_escaped; /* a string with backslash escapes */
    /* A member name: a hash of its raw bytes. An object: 1 + where its
     * names, sorted by hash, start in the parse's index (0: not indexed,
     * xg_json_get reads every name). */
    uint32_t aux;
} xg_json_tok;

typedef struct xg_json {
    const char *text; /* borrowed: must outlive the tokens' use */
    xg_json_tok *tok; /* borrowed, cap entries */
    size_t n_tok, cap;
    /* Borrowed, cap entries, or NULL: the names of each object of
     * XG_JSON_INDEX_MIN to XG_JSON_INDEX_MAX members (none escaped), as
     * hash << 32 | token number, sorted, so a lookup in a venue's order of
     * dozens of fields is a binary search, not a pass over all of them. */
    uint64_t *index;
    size_t n_index;
    size_t err_pos;       /* byte offset of a parse error */
    const char *err_what; /* static text describing it, "" when none */
} xg_json;

/*
 * Parse len bytes of text (not NUL-terminated; len < 4 GiB) into at most
 * cap tokens; the value is token 0. XG_ERR_INVALID when the text is not
 * one JSON value (err_pos and err_what say where and why); XG_ERR_OVERFLOW
 * when it needs more than cap tokens or nests deeper than
 * XG_JSON_DEPTH_MAX.
 */
xg_err xg_json_parse(xg_json *j, const char *text, size_t len, xg_json_tok *tok,
                     size_t cap);

/* xg_json_parse, also indexing the objects' names into index (cap
 * entries) for quick lookups. */
xg_err xg_json_parse_indexed(xg_json *j, const char *text, size_t len,
                             xg_json_tok *tok, uint64_t *index, size_t cap);

/* The tokens and index one reader (an adapter instance) keeps between
 * parses, so parses of answers of a usual size allocate nothing. Start
 * zeroed. */
typedef struct xg_json_store {
    xg_json_tok *toks;
    uint64_t *index;
    size_t cap;
} xg_json_store;

/* Most tokens one venue answer may need: a list of every instrument at
 * ~200 tokens each fits. */
#define XG_JSON_STORE_MAX (8u * 1024 * 1024)
/* A store grown past this many tokens is given back by xg_json_store_trim
 * rather than kept for the small answers that follow. */
#define XG_JSON_STORE_KEEP 4096u

/* xg_json_parse into s's tokens, growing them with realloc while the text
 * needs more, up to max_tok. XG_ERR_NOMEM when they cannot grow;
 * otherwise as xg_json_parse. */
xg_err xg_json_parse_grow(xg_json *j, const char *text, size_t len,
                          xg_json_store *s, size_t max_tok);

/* Free s's tokens if one large text grew them past XG_JSON_STORE_KEEP;
 * call once the last parse's tokens are no longer used. */
void xg_json_store_trim(xg_json_store *s);

/* Free s's tokens; s may be used again. */
void xg_json_store_free(xg_json_store *s);

static inline xg_json_type
xg_json_type_of(const xg_json *j, size_t t)
{
    return (xg_json_type)j->tok[t].type;
}

/* The value of member `key` of object obj into *val. XG_ERR_NOT_FOUND when
 * absent, XG_ERR_EXISTS when the key appears more than once (a reader must
 * not pick one of two answers), XG_ERR_INVALID when obj is no object. */
xg_err xg_json_get(const xg_json *j, size_t obj, const char *key, size_t *val);

/* Decode string token t into dst (cap >= 1 bytes, always NUL-terminated).
 * *len (may be NULL) gets the decoded length. XG_ERR_TRUNCATED when it did
 * not fit: dst then holds as much as fits, cut at a byte boundary.
 * XG_ERR_INVALID when t is not a string. */
xg_err xg_json_string(const xg_json *j, size_t t, char *dst, size_t cap,
                      size_t *len);

/* Whether token t is a string equal, once decoded, to s. */
int xg_json_is_string_eq(const xg_json *j, size_t t, const char *s);

/* An integer number (no fraction or exponent) into *out. XG_ERR_INVALID
 * when t is not one, XG_ERR_OVERFLOW outside int64_t. */
xg_err xg_json_int64(const xg_json *j, size_t t, int64_t *out);

/* Length of the valid UTF-8 sequence at s (at most n >= 1 bytes), 0 when
 * the bytes there are not one (overlong, surrogate, above U+10FFFF, cut). */
size_t xg_utf8_seq_len(const unsigned char *s, size_t n);

#endif
