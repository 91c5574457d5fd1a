/*
 * mock_adapter.c - a tiny, real adapter for testing the loader and tools.
 *
 * Built once as the well-behaved plug-in xgate_mock.so (venue "mock"), and
 * again with -D flags into plug-ins that break one promise of the ABI
 * each, so tests/unit/test_loader.c can check that every refusal happens
 * and says why. The good build is a complete, pure adapter for an
 * imaginary venue whose recipe is public in tests/data/vectors/mock/:
 *
 *   prehash   = <timestamp_ms> <METHOD> <path> ["?" query]   (no spaces)
 *   query     = k=v&k=v... in the given order, plus &recvWindow=<ms> when
 *               a receive window is sent
 *   signature = hex(HMAC-SHA256(secret, prehash))
 *   request   = GET/DELETE: target path?query; POST: form body = query
 *   headers   = X-MOCK-KEY, X-MOCK-TS, X-MOCK-SIGN, and X-MOCK-PASSPHRASE =
 *               base64(HMAC-SHA256(secret, passphrase)) when one is set
 *
 * It has one limiter bucket (10 requests per second), answers server time
 * and new orders, and keeps everything in the instance. Only
 * xg_adapter_entry is exported (-fvisibility=hidden).
 *
 * Flags (each build sets at most one): MOCK_ABI_VERSION, MOCK_STRUCT_SIZE,
 * MOCK_VENUE, MOCK_NULL_SIGN, MOCK_ENTRY_RETURNS_NULL, MOCK_NO_ENTRY, and
 * the caps MOCK_ID_MAX, MOCK_ID_CHARS, MOCK_BAN_MS; MOCK_STREAMS_NO_ENTRIES
 * (caps.streams set, no stream function) and MOCK_STREAM_ENTRY_NO_CAPS
 * (stream_parse set, caps.streams 0).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/sign.h"

#ifndef MOCK_ABI_VERSION
#define MOCK_ABI_VERSION XG_ADAPTER_ABI_VERSION
#endif
#ifndef MOCK_STRUCT_SIZE
#define MOCK_STRUCT_SIZE sizeof(xg_adapter)
#endif
#ifndef MOCK_VENUE
#define MOCK_VENUE "mock"
#endif
/* The imaginary venue takes client ids of 1-32 letters and digits and,
 * when it bans without saying until when, bans for a minute. */
#ifndef MOCK_ID_MAX
#define MOCK_ID_MAX 32u
#endif
#ifndef MOCK_ID_CHARS
#define MOCK_ID_CHARS                                                          \
    (XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER | XG_ID_CHARS_UPPER)
#endif
#ifndef MOCK_BAN_MS
#define MOCK_BAN_MS 60000
#endif

#define MOCK_KEY_MAX 128

typedef struct mock_instance {
    char api_key[MOCK_KEY_MAX];
    char signed_passphrase[XG_B64_SHA256_LEN + 1]; /* "" without one */
    xg_hmac *hmac;
    xg_signed scratch; /* build signs through sign's code path */
} mock_instance;

static void
mock_destroy(void *inst)
{
    mock_instance *m = inst;

    if (m == NULL) {
        return;
    }
    xg_hmac_destroy(&m->hmac);
    xg_wipe(m, sizeof(*m));
    free(m);
}

static xg_err
mock_create(const xg_adapter_config *cfg, void **inst, char *err,
            size_t err_len)
{
    uint8_t mac[XG_SHA256_LEN];
    mock_instance *m;
    xg_err rc;

    *inst = NULL;
    if (cfg->api_key == NULL || cfg->secret == NULL || cfg->secret[0] == '\0') {
        xg_strlcpy(err, "mock: api_key and secret are required", err_len);
        return XG_ERR_SECRET;
    }
    m = calloc(1, sizeof(*m));
    if (m == NULL) {
        return XG_ERR_NOMEM;
    }
    rc = xg_strlcpy(m->api_key, cfg->api_key, sizeof(m->api_key));
    if (rc != XG_OK) {
        xg_strlcpy(err, "mock: api_key too long", err_len);
        goto fail;
    }
    m->hmac = xg_hmac_new(cfg->secret, strlen(cfg->secret));
    if (m->hmac == NULL) {
        rc = XG_ERR_NOMEM;
        goto fail;
    }
    if (cfg->passphrase != NULL) {
        rc = xg_hmac_sign(m->hmac, cfg->passphrase, strlen(cfg->passphrase),
                          mac);
        if (rc == XG_OK) {
            rc = xg_base64_encode(mac, sizeof(mac), m->signed_passphrase,
                                  sizeof(m->signed_passphrase));
        }
        xg_wipe(mac, sizeof(mac));
        if (rc != XG_OK) {
            goto fail;
        }
    }
    *inst = m;
    return XG_OK;

fail:
    mock_destroy(m);
    return rc;
}

/* The query string of in, with the receive window when it is sent. */
static void
mock_put_query(xg_buf *b, const xg_sign_input *in)
{
    size_t i;

    for (i = 0; i < in->n_params; i++) {
        if (i > 0) {
            xg_buf_putc(b, '&');
        }
        xg_buf_puts(b, in->params[i].key);
        xg_buf_putc(b, '=');
        xg_buf_puts(b, in->params[i].value);
    }
    if (in->recv_window_ms >= 0) {
        if (in->n_params > 0) {
            xg_buf_putc(b, '&');
        }
        xg_buf_puts(b, "recvWindow=");
        xg_buf_put_i64(b, in->recv_window_ms);
    }
}

/* Sign in and fill out, the core of both sign and build. */
static xg_err
mock_sign_into(mock_instance *m, const xg_sign_input *in, xg_signed *out)
{
    char query[XG_HTTP_BODY_MAX];
    char ts[24];
    uint8_t mac[XG_SHA256_LEN];
    xg_buf q, pre, t, tsb;
    int has_query;
    int in_body;
    xg_err rc;

    memset(out, 0, sizeof(*out));
    xg_buf_init(&q, query, sizeof(query));
    mock_put_query(&q, in);
    if (xg_buf_status(&q) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    has_query = q.len > 0;
    in_body = strcmp(in->method, "POST") == 0;

    xg_buf_init(&tsb, ts, sizeof(ts));
    xg_buf_put_i64(&tsb, in->timestamp_ms);

    xg_buf_init(&pre, out->prehash, sizeof(out->prehash));
    xg_buf_puts(&pre, ts);
    xg_buf_puts(&pre, in->method);
    xg_buf_puts(&pre, in->path);
    if (has_query) {
        xg_buf_putc(&pre, '?');
        xg_buf_puts(&pre, query);
    }
    if (xg_buf_status(&pre) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    rc = xg_hmac_sign(m->hmac, out->prehash, pre.len, mac);
    if (rc != XG_OK) {
        return rc;
    }
    rc =
        xg_hex_encode(mac, sizeof(mac), out->signature, sizeof(out->signature));
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_strlcpy(out->signed_passphrase, m->signed_passphrase,
                    sizeof(out->signed_passphrase));
    if (rc != XG_OK) {
        return rc;
    }

    rc = xg_strlcpy(out->request.method, in->method,
                    sizeof(out->request.method));
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&t, out->request.target, sizeof(out->request.target));
    xg_buf_puts(&t, in->path);
    if (has_query && !in_body) {
        xg_buf_putc(&t, '?');
        xg_buf_puts(&t, query);
    }
    if (xg_buf_status(&t) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    if (in_body) {
        rc = xg_strlcpy(out->request.body, query, sizeof(out->request.body));
        if (rc != XG_OK) {
            return rc;
        }
        out->request.body_len = q.len;
        rc = xg_http_request_add_header(&out->request, "Content-Type",
                                        "application/x-www-form-urlencoded");
    }
    if (rc == XG_OK) {
        rc =
            xg_http_request_add_header(&out->request, "X-MOCK-KEY", m->api_key);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(&out->request, "X-MOCK-TS", ts);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(&out->request, "X-MOCK-SIGN",
                                        out->signature);
    }
    if (rc == XG_OK && m->signed_passphrase[0] != '\0') {
        rc = xg_http_request_add_header(&out->request, "X-MOCK-PASSPHRASE",
                                        m->signed_passphrase);
    }
    out->request.is_signed = 1;
    return rc;
}

#ifdef MOCK_STREAM_ENTRY_NO_CAPS
static xg_err
mock_stream_parse(void *inst, const char *text, size_t len,
                  const xg_stream_sink *sink, xg_stream_result *res)
{
    (void)inst;
    (void)text;
    (void)len;
    (void)sink;
    res->kind = XG_STREAM_MALFORMED;
    return XG_OK;
}
#endif

#ifndef MOCK_NULL_SIGN
static xg_err
mock_sign(void *inst, const xg_sign_input *in, xg_signed *out)
{
    return mock_sign_into(inst, in, out);
}
#endif

static xg_err
mock_build(void *inst, const xg_op *op, int64_t venue_now_ms,
           xg_http_request *req)
{
    mock_instance *m = inst;
    char qty[XG_DECIMAL_STR_MAX];
    char price[XG_DECIMAL_STR_MAX];
    xg_kv params[5];
    xg_sign_input in;
    xg_err rc;

    memset(&in, 0, sizeof(in));
    in.method = "GET";
    in.path = "/time";
    in.timestamp_ms = venue_now_ms;
    in.recv_window_ms = -1;
    in.params = params;
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        break;
    case XG_OP_NEW_ORDER:
        if (op->order == NULL || op->instrument == NULL ||
            op->client_id == NULL) {
            return XG_ERR_INVALID;
        }
        rc = xg_decimal_format(op->order->qty, qty, sizeof(qty));
        if (rc == XG_OK) {
            rc = xg_decimal_format(op->order->price, price, sizeof(price));
        }
        if (rc != XG_OK) {
            return rc;
        }
        in.method = "POST";
        in.path = "/order";
        params[0] = (xg_kv){"symbol", op->instrument->venue_symbol};
        params[1] = (xg_kv){"side", xg_side_name(op->order->side)};
        params[2] = (xg_kv){"qty", qty};
        params[3] = (xg_kv){"price", price};
        params[4] = (xg_kv){"clientId", op->client_id};
        in.n_params = 5;
        break;
    default:
        return XG_ERR_INVALID;
    }
    rc = mock_sign_into(m, &in, &m->scratch);
    if (rc != XG_OK) {
        return rc;
    }
    *req = m->scratch.request;
    req->is_signed = op->kind != XG_OP_SERVER_TIME;
    req->priority = XG_PRIO_NEW;
    return xg_http_request_add_cost(req, 0, 0, 1);
}

/* A decimal integer filling all of s[0..len), or -1. */
static int64_t
mock_parse_i64(const char *s, size_t len)
{
    int64_t v = 0;
    size_t i;

    if (len == 0 || len > 18) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static xg_err
mock_parse(void *inst, const xg_op *op, const xg_http_response *resp,
           const xg_sink *sink, xg_result *res)
{
    int64_t v;

    (void)inst;
    (void)sink;
    if (resp->status == 429) {
        res->outcome = XG_OUTCOME_RATE_LIMITED;
        res->err = XG_ERR_RATE_LIMITED;
        if (xg_http_response_header_i64(resp, "Retry-After", &v) == XG_OK) {
            res->retry_after_ms = v * 1000;
        }
        return XG_OK;
    }
    if (resp->status != 200) {
        res->outcome = XG_OUTCOME_REJECTED;
        res->err = XG_ERR_REJECTED;
        xg_strlcpy(res->venue_msg, resp->body, sizeof(res->venue_msg));
        return XG_OK;
    }
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        v = mock_parse_i64(resp->body, resp->body_len);
        if (v < 0) {
            res->outcome = XG_OUTCOME_REJECTED;
            res->err = XG_ERR_BAD_RESPONSE;
            return XG_OK;
        }
        res->outcome = XG_OUTCOME_OK;
        res->server_time_ms = v;
        return XG_OK;
    case XG_OP_NEW_ORDER:
        res->outcome = XG_OUTCOME_OK;
        res->order.status = XG_STATUS_NEW;
        xg_strlcpy(res->order.client_id, op->client_id,
                   sizeof(res->order.client_id));
        if (xg_strlcpy(res->order.venue_order_id, resp->body,
                       sizeof(res->order.venue_order_id)) != XG_OK) {
            res->outcome = XG_OUTCOME_UNKNOWN;
        }
        return XG_OK;
    default:
        res->outcome = XG_OUTCOME_REJECTED;
        res->err = XG_ERR_BAD_RESPONSE;
        return XG_OK;
    }
}

static xg_err
mock_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n)
{
    (void)inst;
    if (cap < 1) {
        return XG_ERR_TRUNCATED;
    }
    memset(&specs[0], 0, sizeof(specs[0]));
    xg_strlcpy(specs[0].name, "MOCK_REQUESTS_1S", sizeof(specs[0].name));
    specs[0].kind = XG_LIMIT_FIXED_WINDOW;
    specs[0].anchor = XG_ANCHOR_CLOCK;
    specs[0].limit = 10;
    specs[0].window_ns = 1000000000;
    specs[0].reserve_cancel = 2;
    *n = 1;
    return XG_OK;
}

static const xg_adapter mock_table = {
    .abi_version = MOCK_ABI_VERSION,
    .struct_size = MOCK_STRUCT_SIZE,
    .venue = MOCK_VENUE,
    .default_base_url = "http://127.0.0.1:1",
    .caps =
        {
            .client_id_max = MOCK_ID_MAX,
            .client_id_chars = MOCK_ID_CHARS,
            .default_ban_ms = MOCK_BAN_MS,
            .open_orders_page_max = 0,
#ifdef MOCK_STREAMS_NO_ENTRIES
            .streams = XG_STREAM_ORDERS,
#else
            .streams = XG_STREAM_NONE,
#endif
        },
    .create = mock_create,
    .destroy = mock_destroy,
    .build = mock_build,
    .parse = mock_parse,
    .limits = mock_limits,
#ifdef MOCK_NULL_SIGN
    .sign = NULL,
#else
    .sign = mock_sign,
#endif
#ifdef MOCK_STREAM_ENTRY_NO_CAPS
    .stream_parse = mock_stream_parse,
#endif
};

#if defined(MOCK_NO_ENTRY)
/* Exports something, just not the entry point: a library that is an ELF
 * shared object but not an xgate adapter. */
XG_ADAPTER_EXPORT const xg_adapter *mock_adapter_table(void);

XG_ADAPTER_EXPORT const xg_adapter *
mock_adapter_table(void)
{
    return &mock_table;
}
#else
XG_ADAPTER_EXPORT const xg_adapter *xg_adapter_entry(void);

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
#ifdef MOCK_ENTRY_RETURNS_NULL
    (void)mock_table;
    return NULL;
#else
    return &mock_table;
#endif
}
#endif
