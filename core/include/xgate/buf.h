/*
 * xgate/buf.h - a bounded string builder over caller-provided memory.
 *
 * Adapters build URLs, query strings and JSON bodies into fixed buffers the
 * core gives them; nothing is allocated on the order path. Appends past the
 * capacity set a sticky overflow flag instead of writing, and the buffer
 * stays NUL-terminated, so a builder can append freely and check once.
 */
#ifndef XGATE_BUF_H
#define XGATE_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/decimal.h"
#include "xgate/error.h"

typedef struct xg_buf {
    char *data; /* borrowed, cap bytes */
    size_t cap;
    size_t len; /* bytes written, excluding the NUL */
    int overflow;
} xg_buf;

/* Wrap mem (cap >= 1) as an empty buffer. */
void xg_buf_init(xg_buf *b, char *mem, size_t cap);
void xg_buf_reset(xg_buf *b);

void xg_buf_put(xg_buf *b, const char *s, size_t n);
void xg_buf_puts(xg_buf *b, const char *s);
void xg_buf_putc(xg_buf *b, char c);
void xg_buf_put_i64(xg_buf *b, int64_t v);
void xg_buf_put_decimal(xg_buf *b, xg_decimal d);

/* Percent-encode everything outside RFC 3986's unreserved set
 * ([A-Za-z0-9-._~]), upper-case hex. */
void xg_buf_put_urlencoded(xg_buf *b, const char *s, size_t n);

/* Append s as a JSON string literal with quotes, escaping '"', '\\' and
 * control characters; no other transformation (so "/" stays "/"). */
void xg_buf_put_json_string(xg_buf *b, const char *s, size_t n);

/* XG_OK, or XG_ERR_TRUNCATED if any append did not fit. */
static inline xg_err
xg_buf_status(const xg_buf *b)
{
    return b->overflow ? XG_ERR_TRUNCATED : XG_OK;
}

/* Copy src into dst (cap bytes) NUL-terminated; XG_ERR_TRUNCATED (and an
 * empty dst) if it does not fit. The replacement for strcpy/strncpy. */
xg_err xg_strlcpy(char *dst, const char *src, size_t cap);

#endif
