/*
 * xgate/http.h - the request an adapter builds and the response it parses.
 *
 * All storage is fixed-size and owned by the core; an adapter fills a
 * request in place and reads a response it borrows for the duration of one
 * call. No libcurl type appears here.
 */
#ifndef XGATE_HTTP_H
#define XGATE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"
#include "xgate/limit.h"

#define XG_HTTP_METHOD_MAX   8
#define XG_HTTP_TARGET_MAX   2048 /* path and query, with NUL */
#define XG_HTTP_BODY_MAX     4096
#define XG_HTTP_MAX_HEADERS  8
#define XG_HTTP_HNAME_MAX    48
#define XG_HTTP_HVALUE_MAX   160
#define XG_HTTP_MAX_COSTS    6

typedef struct xg_http_header {
    char name[XG_HTTP_HNAME_MAX];
    char value[XG_HTTP_HVALUE_MAX];
} xg_http_header;

/* A signed request, relative to the venue's base URL. */
typedef struct xg_http_request {
    char method[XG_HTTP_METHOD_MAX];   /* "GET", "POST", "DELETE" */
    char target[XG_HTTP_TARGET_MAX];   /* "/api/v3/order?symbol=..." */
    char body[XG_HTTP_BODY_MAX];       /* NUL-terminated; may be empty */
    size_t body_len;
    xg_http_header headers[XG_HTTP_MAX_HEADERS];
    size_t n_headers;
    xg_cost costs[XG_HTTP_MAX_COSTS]; /* what the limiter must reserve */
    size_t n_costs;
    xg_priority priority;
    int is_signed; /* carries credentials: never logged verbatim */
} xg_http_request;

/* A header of a received response; name and value borrowed, not
 * NUL-terminated. */
typedef struct xg_http_header_view {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} xg_http_header_view;

/* A received response, borrowed for the duration of one parse call. body
 * is NUL-terminated at body[body_len] for the parser's convenience. */
typedef struct xg_http_response {
    int status; /* HTTP status code */
    const xg_http_header_view *headers;
    size_t n_headers;
    const char *body;
    size_t body_len;
} xg_http_response;

/* Add a header to req; XG_ERR_TRUNCATED if it does not fit. */
xg_err xg_http_request_add_header(xg_http_request *req, const char *name,
                                  const char *value);

/* Add a limiter charge to req; XG_ERR_TRUNCATED past XG_HTTP_MAX_COSTS. */
xg_err xg_http_request_add_cost(xg_http_request *req, uint16_t bucket,
                                uint32_t scope, int64_t units);

/* First header named `name` (ASCII case-insensitive), or NULL. */
const xg_http_header_view *xg_http_response_header(const xg_http_response *r,
                                                   const char *name);

/* Parse a header value as a non-negative decimal integer (surrounding
 * spaces allowed). XG_ERR_NOT_FOUND if absent, XG_ERR_INVALID if not a
 * number, XG_ERR_OVERFLOW beyond int64_t. */
xg_err xg_http_response_header_i64(const xg_http_response *r, const char *name,
                                   int64_t *out);

#endif
