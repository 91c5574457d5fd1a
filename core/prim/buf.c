/*
 * buf.c - a bounded string builder over caller-provided memory.
 *
 * Adapters assemble query strings, JSON bodies and signature payloads with
 * these appends. The buffer never grows and never allocates: an append that
 * does not fit entirely writes nothing and sets a sticky overflow flag, so a
 * builder appends freely and checks xg_buf_status() once at the end. The
 * data stays NUL-terminated after every call. The memory itself belongs to
 * the caller; this module only writes into it.
 */
#include "xgate/buf.h"

#include <assert.h>
#include <string.h>

static const char xg__hex_upper[] = "0123456789ABCDEF";

void
xg_buf_init(xg_buf *b, char *mem, size_t cap)
{
    assert(b != NULL && mem != NULL && cap >= 1);
    b->data = mem;
    b->cap = cap;
    b->len = 0;
    b->overflow = 0;
    mem[0] = '\0';
}

void
xg_buf_reset(xg_buf *b)
{
    b->len = 0;
    b->overflow = 0;
    b->data[0] = '\0';
}

/* Room for n more bytes plus the NUL; sets the overflow flag if not. A
 * buffer that already overflowed accepts nothing more, so a later short
 * append cannot make a truncated result look complete. */
static int
buf_has_room(xg_buf *b, size_t n)
{
    if (b->overflow || n > b->cap - 1 - b->len) {
        b->overflow = 1;
        return 0;
    }
    return 1;
}

void
xg_buf_put(xg_buf *b, const char *s, size_t n)
{
    if (!buf_has_room(b, n)) {
        return;
    }
    if (n > 0) {
        memcpy(b->data + b->len, s, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
}

void
xg_buf_puts(xg_buf *b, const char *s)
{
    xg_buf_put(b, s, strlen(s));
}

void
xg_buf_putc(xg_buf *b, char c)
{
    xg_buf_put(b, &c, 1);
}

void
xg_buf_put_i64(xg_buf *b, int64_t v)
{
    char tmp[24];
    size_t pos = sizeof(tmp);
    /* Work on the magnitude as unsigned so INT64_MIN does not overflow. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        tmp[--pos] = (char)('0' + (int)(mag % 10u));
        mag /= 10u;
    } while (mag != 0);
    if (v < 0) {
        tmp[--pos] = '-';
    }
    xg_buf_put(b, tmp + pos, sizeof(tmp) - pos);
}

void
xg_buf_put_decimal(xg_buf *b, xg_decimal d)
{
    char tmp[XG_DECIMAL_STR_MAX];

    if (xg_decimal_format(d, tmp, sizeof(tmp)) != XG_OK) {
        /* Only an out-of-range scale gets here; refuse rather than emit a
         * wrong number into a signed request. */
        b->overflow = 1;
        return;
    }
    xg_buf_puts(b, tmp);
}

static int
is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

void
xg_buf_put_urlencoded(xg_buf *b, const char *s, size_t n)
{
    size_t need = 0;

    /* Measure first so a value that does not fit leaves no half-encoded
     * prefix behind. */
    for (size_t i = 0; i < n; i++) {
        need += is_unreserved((unsigned char)s[i]) ? 1u : 3u;
    }
    if (!buf_has_room(b, need)) {
        return;
    }
    char *out = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = xg__hex_upper[c >> 4];
            *out++ = xg__hex_upper[c & 0x0f];
        }
    }
    b->len += need;
    b->data[b->len] = '\0';
}

/* Bytes needed for c inside a JSON string literal. */
static size_t
json_escaped_len(unsigned char c)
{
    switch (c) {
    case '"':
    case '\\':
    case '\b':
    case '\f':
    case '\n':
    case '\r':
    case '\t':
        return 2;
    default:
        return c < 0x20 ? 6u : 1u;
    }
}

void
xg_buf_put_json_string(xg_buf *b, const char *s, size_t n)
{
    size_t need = 2;

    for (size_t i = 0; i < n; i++) {
        need += json_escaped_len((unsigned char)s[i]);
    }
    if (!buf_has_room(b, need)) {
        return;
    }
    if (need == n + 2) {
        /* Nothing to escape, as in nearly every id, name and number. */
        char *out = b->data + b->len;
        out[0] = '"';
        memcpy(out + 1, s, n);
        out[n + 1] = '"';
        b->len += need;
        b->data[b->len] = '\0';
        return;
    }
    char *out = b->data + b->len;
    *out++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char short_esc = 0;
        switch (c) {
        case '"':
            short_esc = '"';
            break;
        case '\\':
            short_esc = '\\';
            break;
        case '\b':
            short_esc = 'b';
            break;
        case '\f':
            short_esc = 'f';
            break;
        case '\n':
            short_esc = 'n';
            break;
        case '\r':
            short_esc = 'r';
            break;
        case '\t':
            short_esc = 't';
            break;
        default:
            break;
        }
        if (short_esc != 0) {
            *out++ = '\\';
            *out++ = short_esc;
        } else if (c < 0x20) {
            *out++ = '\\';
            *out++ = 'u';
            *out++ = '0';
            *out++ = '0';
            *out++ = xg__hex_upper[c >> 4];
            *out++ = xg__hex_upper[c & 0x0f];
        } else {
            *out++ = (char)c;
        }
    }
    *out++ = '"';
    b->len += need;
    b->data[b->len] = '\0';
}

xg_err
xg_strlcpy(char *dst, const char *src, size_t cap)
{
    if (dst == NULL || src == NULL || cap == 0) {
        return XG_ERR_INVALID;
    }
    /* Bounded scan: src may be longer than anything we would copy. */
    size_t n = strnlen(src, cap);
    if (n == cap) {
        dst[0] = '\0';
        return XG_ERR_TRUNCATED;
    }
    memcpy(dst, src, n + 1);
    return XG_OK;
}
