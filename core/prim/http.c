/*
 * http.c - helpers over the fixed-size request and borrowed response.
 *
 * Adapters fill an xg_http_request the core owns and read an
 * xg_http_response the core lends them for one parse call. These helpers
 * add headers and limiter charges without overrunning the fixed arrays and
 * look response headers up by name (HTTP names are case-insensitive). The
 * transport itself, and what the headers mean, belong to others.
 */
#include "xgate/http.h"

#include <string.h>

#include "xgate/buf.h"

xg_err
xg_http_request_add_header(xg_http_request *req, const char *name,
                           const char *value)
{
    if (req == NULL || name == NULL || value == NULL || name[0] == '\0') {
        return XG_ERR_INVALID;
    }
    if (req->n_headers >= XG_HTTP_MAX_HEADERS) {
        return XG_ERR_TRUNCATED;
    }
    /* Refuse CR/LF so a value taken from configuration cannot smuggle a
     * second header into the request. */
    if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
        return XG_ERR_INVALID;
    }
    xg_http_header *h = &req->headers[req->n_headers];
    xg_err err = xg_strlcpy(h->name, name, sizeof(h->name));
    if (err == XG_OK) {
        err = xg_strlcpy(h->value, value, sizeof(h->value));
    }
    if (err != XG_OK) {
        memset(h, 0, sizeof(*h));
        return err;
    }
    req->n_headers++;
    return XG_OK;
}

xg_err
xg_http_request_add_cost(xg_http_request *req, uint16_t bucket, uint32_t scope,
                         int64_t units)
{
    if (req == NULL || units < 0) {
        return XG_ERR_INVALID;
    }
    if (req->n_costs >= XG_HTTP_MAX_COSTS) {
        return XG_ERR_TRUNCATED;
    }
    xg_cost *c = &req->costs[req->n_costs++];
    c->bucket = bucket;
    c->scope = scope;
    c->units = units;
    return XG_OK;
}

static int
ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive compare of a counted name with a C string, ASCII only so
 * the result does not depend on the locale. */
static int
name_equals(const char *a, size_t a_len, const char *b)
{
    size_t b_len = strlen(b);
    if (a_len != b_len) {
        return 0;
    }
    for (size_t i = 0; i < a_len; i++) {
        if (ascii_lower((unsigned char)a[i]) !=
            ascii_lower((unsigned char)b[i])) {
            return 0;
        }
    }
    return 1;
}

const xg_http_header_view *
xg_http_response_header(const xg_http_response *r, const char *name)
{
    if (r == NULL || name == NULL || r->headers == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < r->n_headers; i++) {
        const xg_http_header_view *h = &r->headers[i];
        if (h->name != NULL && name_equals(h->name, h->name_len, name)) {
            return h;
        }
    }
    return NULL;
}

xg_err
xg_http_response_header_i64(const xg_http_response *r, const char *name,
                            int64_t *out)
{
    const xg_http_header_view *h = xg_http_response_header(r, name);
    if (h == NULL) {
        return XG_ERR_NOT_FOUND;
    }
    if (out == NULL || (h->value == NULL && h->value_len > 0)) {
        return XG_ERR_INVALID;
    }
    size_t i = 0;
    size_t end = h->value_len;
    while (i < end && (h->value[i] == ' ' || h->value[i] == '\t')) {
        i++;
    }
    while (end > i && (h->value[end - 1] == ' ' || h->value[end - 1] == '\t')) {
        end--;
    }
    if (i == end) {
        return XG_ERR_INVALID;
    }
    int64_t v = 0;
    for (; i < end; i++) {
        char c = h->value[i];
        if (c < '0' || c > '9') {
            return XG_ERR_INVALID;
        }
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, (int64_t)(c - '0'), &v)) {
            return XG_ERR_OVERFLOW;
        }
    }
    *out = v;
    return XG_OK;
}
