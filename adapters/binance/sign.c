/*
 * sign.c - Binance's HMAC-SHA256 request signing.
 *
 * Binance signs the exact parameter string it receives: "k=v&k=v" with
 * values percent-encoded, HMAC-SHA256 keyed with the secret, lower-case
 * hex, appended as "&signature=<hex>" after every other parameter
 * (fact sheet, "Signing"). This file builds that payload, signs it and
 * places it into a request - in the query string for GET and DELETE, in a
 * form body for POST and PUT - so that build() and the test-vector entry
 * sign() produce requests the same way. Which parameters an operation
 * sends is requests.c's business; the key itself is keyed once in
 * adapter.c.
 *
 * POST and PUT: Binance accepts the signed parameters either in the query
 * string (the documentation's example, vector binance-doc-01) or in the
 * body (rest-api.md, "General Information on Endpoints": for POST, PUT
 * and DELETE "the parameters may be sent as a query string or in the
 * request body"). xgate always uses the body form (vector
 * binance-s-01), which keeps order parameters out of URLs that proxies
 * and logs record.
 */
#include "binance.h"

#include <string.h>

#include "xgate/adapter_util.h"

void
binance_param(xg_buf *payload, const char *key, const char *value)
{
    if (payload->len > 0) {
        xg_buf_putc(payload, '&');
    }
    xg_buf_puts(payload, key);
    xg_buf_putc(payload, '=');
    xg_buf_put_urlencoded(payload, value, strlen(value));
}

xg_err
binance_signature(binance *b, const char *payload, size_t len,
                  char sig[XG_HEX_SHA256_LEN + 1])
{
    return xg_hmac_sign_hex(b->hmac, payload, len, sig, XG_HEX_SHA256_LEN + 1);
}

xg_err
binance_finish_signed(binance *b, const char *method, const char *path,
                      const char *payload, size_t len, xg_http_request *req,
                      char sig_out[XG_HEX_SHA256_LEN + 1])
{
    char sig[XG_HEX_SHA256_LEN + 1];
    xg_buf out;
    int in_body = 0;
    xg_err rc = XG_OK;

    if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        in_body = 1;
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "DELETE") != 0) {
        return XG_ERR_INVALID;
    }
    rc = binance_signature(b, payload, len, sig);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_strlcpy(req->method, method, sizeof(req->method));
    if (rc != XG_OK) {
        return rc;
    }

    xg_buf_init(&out, req->target, sizeof(req->target));
    xg_buf_puts(&out, path);
    if (!in_body) {
        xg_buf_putc(&out, '?');
        xg_buf_put(&out, payload, len);
        xg_buf_puts(&out, len > 0 ? "&signature=" : "signature=");
        xg_buf_puts(&out, sig);
    }
    rc = xg_buf_status(&out);
    if (rc != XG_OK) {
        return rc;
    }

    xg_buf_init(&out, req->body, sizeof(req->body));
    if (in_body) {
        xg_buf_put(&out, payload, len);
        xg_buf_puts(&out, len > 0 ? "&signature=" : "signature=");
        xg_buf_puts(&out, sig);
    }
    rc = xg_buf_status(&out);
    if (rc != XG_OK) {
        return rc;
    }
    req->body_len = out.len;

    rc = xg_http_request_add_header(req, "X-MBX-APIKEY", b->api_key);
    if (rc == XG_OK && in_body) {
        rc = xg_http_request_add_header(req, "Content-Type",
                                        "application/x-www-form-urlencoded");
    }
    if (rc != XG_OK) {
        return rc;
    }
    req->is_signed = 1;
    if (sig_out != NULL) {
        memcpy(sig_out, sig, sizeof(sig));
    }
    return XG_OK;
}

static int
binance_has_param(const xg_sign_input *in, const char *key)
{
    for (size_t i = 0; i < in->n_params; i++) {
        if (in->params[i].key != NULL && strcmp(in->params[i].key, key) == 0) {
            return 1;
        }
    }
    return 0;
}

xg_err
binance_sign(void *inst, const xg_sign_input *in, xg_signed *out)
{
    binance *b = inst;
    char num[24];
    xg_buf payload;
    xg_err rc = XG_OK;

    if (b == NULL || in == NULL || out == NULL || in->method == NULL ||
        in->path == NULL || (in->n_params > 0 && in->params == NULL)) {
        return XG_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    xg_buf_init(&payload, out->prehash, sizeof(out->prehash));

    if (!binance_has_param(in, "timestamp")) {
        rc = xg_i64_text(in->timestamp_ms, num, sizeof(num));
        if (rc != XG_OK) {
            return rc;
        }
        binance_param(&payload, "timestamp", num);
    }
    for (size_t i = 0; i < in->n_params; i++) {
        const xg_kv *kv = &in->params[i];
        if (kv->key == NULL || kv->value == NULL) {
            return XG_ERR_INVALID;
        }
        binance_param(&payload, kv->key, kv->value);
    }
    if (in->recv_window_ms >= 0 && !binance_has_param(in, "recvWindow")) {
        rc = xg_i64_text(in->recv_window_ms, num, sizeof(num));
        if (rc != XG_OK) {
            return rc;
        }
        binance_param(&payload, "recvWindow", num);
    }
    rc = xg_buf_status(&payload);
    if (rc != XG_OK) {
        return rc;
    }
    return binance_finish_signed(b, in->method, in->path, payload.data,
                                 payload.len, &out->request, out->signature);
}
