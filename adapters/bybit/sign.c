/*
 * sign.c - Bybit v5 HMAC-SHA256 request signing.
 *
 * Bybit signs timestamp + api key + recv window + X, where X is the query
 * string exactly as sent (GET) or the JSON body exactly as sent (POST);
 * the signature is lower-case hex HMAC-SHA256 keyed with the secret, sent
 * in X-BAPI-SIGN with the key, timestamp and window in their own headers
 * (fact sheet, "Signing"). This file builds query strings and JSON bodies,
 * signs them and places them into a request, so that build() and the
 * test-vector entry sign() produce requests the same way. Which parameters
 * an operation sends is requests.c's business.
 *
 * Query values go into the query verbatim, as Bybit's own client (pybit)
 * and ccxt send them: a list such as coin=USDT,BTC keeps its comma, and a
 * page cursor, which the venue hands out already percent-encoded
 * ("page_args%3D...%26symbol%3D..."), is sent as handed out. The prehash
 * holds the same bytes, so what is signed is what is sent. A value with a
 * byte that would change the query's structure or that a server would
 * decode differently ('&', '=', '+', '#', space, controls, non-ASCII) cannot
 * go in verbatim, and bybit_is_query_value() refuses it beforehand.
 */
#include "bybit.h"

#include <string.h>

#include "xgate/adapter_util.h"

int
bybit_is_query_value(const char *value)
{
    for (const char *p = value; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || strchr("-_.~,:%", c) != NULL)) {
            return 0;
        }
    }
    return 1;
}

void
bybit_query_param(xg_buf *q, const char *key, const char *value)
{
    if (q->len > 0) {
        xg_buf_putc(q, '&');
    }
    xg_buf_puts(q, key);
    xg_buf_putc(q, '=');
    xg_buf_puts(q, value);
}

void
bybit_json_param(xg_buf *body, const char *key, const char *value)
{
    xg_buf_putc(body, body->len == 0 ? '{' : ',');
    xg_buf_put_json_string(body, key, strlen(key));
    xg_buf_putc(body, ':');
    xg_buf_put_json_string(body, value, strlen(value));
}

void
bybit_json_close(xg_buf *body)
{
    if (body->len == 0) {
        xg_buf_putc(body, '{');
    }
    xg_buf_putc(body, '}');
}

xg_err
bybit_finish_signed(bybit *b, const char *method, const char *path,
                    const char *payload, size_t len, int64_t timestamp_ms,
                    int64_t recv_window_ms, xg_http_request *req, char *prehash,
                    size_t prehash_cap, char sig_out[XG_HEX_SHA256_LEN + 1])
{
    char ts[24];
    char rw[24];
    char sig[XG_HEX_SHA256_LEN + 1];
    char mem[XG_HTTP_TARGET_MAX + XG_HTTP_BODY_MAX];
    xg_buf pre;
    xg_buf out;
    int in_body = 0;
    xg_err rc = XG_OK;

    if (strcmp(method, "POST") == 0) {
        in_body = 1;
    } else if (strcmp(method, "GET") != 0) {
        return XG_ERR_INVALID;
    }
    rc = xg_i64_text(timestamp_ms, ts, sizeof(ts));
    if (rc == XG_OK) {
        rc = xg_i64_text(recv_window_ms, rw, sizeof(rw));
    }
    if (rc != XG_OK) {
        return rc;
    }
    if (recv_window_ms < 0) {
        rw[0] = '\0';
    }

    xg_buf_init(&pre, mem, sizeof(mem));
    xg_buf_puts(&pre, ts);
    xg_buf_puts(&pre, b->api_key);
    xg_buf_puts(&pre, rw);
    xg_buf_put(&pre, payload, len);
    rc = xg_buf_status(&pre);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_hmac_sign_hex(b->hmac, pre.data, pre.len, sig, sizeof(sig));
    if (rc != XG_OK) {
        return rc;
    }

    rc = xg_strlcpy(req->method, method, sizeof(req->method));
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&out, req->target, sizeof(req->target));
    xg_buf_puts(&out, path);
    if (!in_body && len > 0) {
        xg_buf_putc(&out, '?');
        xg_buf_put(&out, payload, len);
    }
    rc = xg_buf_status(&out);
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&out, req->body, sizeof(req->body));
    if (in_body) {
        xg_buf_put(&out, payload, len);
    }
    rc = xg_buf_status(&out);
    if (rc != XG_OK) {
        return rc;
    }
    req->body_len = out.len;

    /* ccxt sends Content-Type: application/json on GET too (vectors
     * bybit-s-03/04); Bybit ignores it there. */
    rc = xg_http_request_add_header(req, "Content-Type", "application/json");
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "X-BAPI-API-KEY", b->api_key);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "X-BAPI-TIMESTAMP", ts);
    }
    if (rc == XG_OK && recv_window_ms >= 0) {
        rc = xg_http_request_add_header(req, "X-BAPI-RECV-WINDOW", rw);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "X-BAPI-SIGN", sig);
    }
    if (rc != XG_OK) {
        return rc;
    }
    req->is_signed = 1;
    if (prehash != NULL) {
        rc = xg_strlcpy(prehash, pre.data, prehash_cap);
        if (rc != XG_OK) {
            return rc;
        }
    }
    if (sig_out != NULL) {
        memcpy(sig_out, sig, sizeof(sig));
    }
    return XG_OK;
}

xg_err
bybit_sign(void *inst, const xg_sign_input *in, xg_signed *out)
{
    bybit *b = inst;
    char mem[XG_HTTP_BODY_MAX];
    xg_buf payload;
    int is_post = 0;
    xg_err rc = XG_OK;

    if (b == NULL || in == NULL || out == NULL || in->method == NULL ||
        in->path == NULL || (in->n_params > 0 && in->params == NULL)) {
        return XG_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    if (strcmp(in->method, "POST") == 0) {
        is_post = 1;
    } else if (strcmp(in->method, "GET") != 0) {
        return XG_ERR_INVALID;
    }
    xg_buf_init(&payload, mem, sizeof(mem));
    for (size_t i = 0; i < in->n_params; i++) {
        const xg_kv *kv = &in->params[i];
        if (kv->key == NULL || kv->value == NULL) {
            return XG_ERR_INVALID;
        }
        if (is_post) {
            bybit_json_param(&payload, kv->key, kv->value);
        } else if (bybit_is_query_value(kv->key) &&
                   bybit_is_query_value(kv->value)) {
            bybit_query_param(&payload, kv->key, kv->value);
        } else {
            return XG_ERR_INVALID;
        }
    }
    if (is_post) {
        bybit_json_close(&payload);
    }
    rc = xg_buf_status(&payload);
    if (rc != XG_OK) {
        return rc;
    }
    return bybit_finish_signed(b, in->method, in->path, payload.data,
                               payload.len, in->timestamp_ms,
                               in->recv_window_ms, &out->request, out->prehash,
                               sizeof(out->prehash), out->signature);
}
