/*
 * sign.c - OKX v5 request signing.
 *
 * OKX signs base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath +
 * body)) where timestamp is the OK-ACCESS-TIMESTAMP header, an ISO-8601
 * UTC time with milliseconds; requestPath carries the query string for GET
 * and the body is the exact JSON text of a POST (fact sheet, "Signing").
 * The passphrase is sent as it was set at key creation, not hashed. This
 * file formats the timestamp from the venue time the core passes (integer
 * civil-from-days arithmetic: no gmtime, no locale, no global state),
 * builds the prehash, signs it and places it into a request, so that
 * build() and the test-vector entry sign() produce requests the same way.
 * Which parameters an operation sends is requests.c's business.
 */
#include "okx.h"

#include <string.h>

#define OKX_MS_PER_DAY 86400000LL
/* 9999-12-31T23:59:59.999Z: the last instant with a four-digit year. */
#define OKX_ISO_MAX_MS 253402300799999LL

/* Write v as exactly `width` decimal digits at dst. */
static void
okx_put_digits(char *dst, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        dst[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

xg_err
okx_iso8601(int64_t ms, char out[OKX_ISO_MAX])
{
    if (ms < 0 || ms > OKX_ISO_MAX_MS) {
        return XG_ERR_INVALID;
    }
    int64_t days = ms / OKX_MS_PER_DAY;
    int64_t in_day = ms % OKX_MS_PER_DAY;

    /* Howard Hinnant's civil_from_days: days since 1970-01-01 to a
     * proleptic Gregorian date, by 400-year eras of 146097 days, with
     * years starting on March 1st so the leap day ends the year. z >= 0
     * here, so every division truncates the way the algorithm expects. */
    int64_t z = days + 719468;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097; /* 0..146096 */
    int64_t yoe =
        (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);     /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                          /* 0..11 */
    int64_t day = doy - (153 * mp + 2) / 5 + 1;                /* 1..31 */
    int64_t month = mp < 10 ? mp + 3 : mp - 9;                 /* 1..12 */
    int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

    okx_put_digits(out, year, 4);
    out[4] = '-';
    okx_put_digits(out + 5, month, 2);
    out[7] = '-';
    okx_put_digits(out + 8, day, 2);
    out[10] = 'T';
    okx_put_digits(out + 11, in_day / 3600000, 2);
    out[13] = ':';
    okx_put_digits(out + 14, in_day / 60000 % 60, 2);
    out[16] = ':';
    okx_put_digits(out + 17, in_day / 1000 % 60, 2);
    out[19] = '.';
    okx_put_digits(out + 20, in_day % 1000, 3);
    out[23] = 'Z';
    out[24] = '\0';
    return XG_OK;
}

void
okx_query_param(xg_buf *q, const char *key, const char *value)
{
    if (q->len > 0) {
        xg_buf_putc(q, '&');
    }
    xg_buf_put_urlencoded(q, key, strlen(key));
    xg_buf_putc(q, '=');
    xg_buf_put_urlencoded(q, value, strlen(value));
}

void
okx_json_param(xg_buf *body, const char *key, const char *value)
{
    if (body->len > 0 && body->data[body->len - 1] != '{') {
        xg_buf_putc(body, ',');
    }
    xg_buf_put_json_string(body, key, strlen(key));
    xg_buf_putc(body, ':');
    xg_buf_put_json_string(body, value, strlen(value));
}

xg_err
okx_finish_signed(okx *o, const char *method, const char *path,
                  const char *query, const char *body, int64_t ts_ms,
                  xg_http_request *req, char *prehash, size_t prehash_cap,
                  char *sig_out, size_t sig_cap)
{
    char ts[OKX_ISO_MAX];
    char pre_mem[XG_HTTP_TARGET_MAX + XG_HTTP_BODY_MAX];
    char sig[XG_B64_SHA256_LEN + 1];
    xg_buf b;
    int is_post = 0;
    xg_err rc = XG_OK;

    if (strcmp(method, "POST") == 0) {
        is_post = 1;
    } else if (strcmp(method, "GET") != 0) {
        return XG_ERR_INVALID;
    }
    if (query == NULL) {
        query = "";
    }
    if (body == NULL || !is_post) {
        body = ""; /* a GET carries everything in its requestPath */
    }
    rc = okx_iso8601(ts_ms, ts);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_strlcpy(req->method, method, sizeof(req->method));
    if (rc != XG_OK) {
        return rc;
    }

    /* The target is the requestPath the signature covers. */
    xg_buf_init(&b, req->target, sizeof(req->target));
    xg_buf_puts(&b, path);
    if (query[0] != '\0') {
        xg_buf_putc(&b, '?');
        xg_buf_puts(&b, query);
    }
    rc = xg_buf_status(&b);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_strlcpy(req->body, body, sizeof(req->body));
    if (rc != XG_OK) {
        return rc;
    }
    req->body_len = strlen(req->body);

    xg_buf_init(&b, pre_mem, sizeof(pre_mem));
    xg_buf_puts(&b, ts);
    xg_buf_puts(&b, method);
    xg_buf_puts(&b, req->target);
    xg_buf_put(&b, req->body, req->body_len);
    rc = xg_buf_status(&b);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_hmac_sign_base64(o->hmac, b.data, b.len, sig, sizeof(sig));
    if (rc != XG_OK) {
        return rc;
    }

    rc = xg_http_request_add_header(req, "OK-ACCESS-KEY", o->api_key);
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "OK-ACCESS-SIGN", sig);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "OK-ACCESS-TIMESTAMP", ts);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "OK-ACCESS-PASSPHRASE",
                                        o->passphrase);
    }
    if (rc == XG_OK && is_post) {
        rc =
            xg_http_request_add_header(req, "Content-Type", "application/json");
    }
    if (rc == XG_OK && o->exp_time_ms > 0) {
        /* expTime: epoch ms after which OKX refuses to act on the request
         * (fact sheet, "Timing"), so a request stuck in transit cannot
         * execute long after the gateway gave it up. */
        char num[24];
        xg_buf nb;
        xg_buf_init(&nb, num, sizeof(num));
        xg_buf_put_i64(&nb, ts_ms + o->exp_time_ms);
        rc = xg_buf_status(&nb);
        if (rc == XG_OK) {
            rc = xg_http_request_add_header(req, "expTime", num);
        }
    }
    if (rc == XG_OK && o->simulated_trading) {
        rc = xg_http_request_add_header(req, "x-simulated-trading", "1");
    }
    if (rc != XG_OK) {
        return rc;
    }
    req->is_signed = 1;
    if (prehash != NULL) {
        rc = xg_strlcpy(prehash, b.data, prehash_cap);
    }
    if (rc == XG_OK && sig_out != NULL) {
        rc = xg_strlcpy(sig_out, sig, sig_cap);
    }
    return rc;
}

xg_err
okx_sign(void *inst, const xg_sign_input *in, xg_signed *out)
{
    okx *o = inst;
    char mem[XG_HTTP_BODY_MAX];
    xg_buf p;
    int is_post = 0;
    xg_err rc = XG_OK;

    if (o == NULL || in == NULL || out == NULL || in->method == NULL ||
        in->path == NULL || (in->n_params > 0 && in->params == NULL)) {
        return XG_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    is_post = strcmp(in->method, "POST") == 0;
    xg_buf_init(&p, mem, sizeof(mem));
    if (is_post) {
        xg_buf_putc(&p, '{');
    }
    for (size_t i = 0; i < in->n_params; i++) {
        const xg_kv *kv = &in->params[i];
        if (kv->key == NULL || kv->value == NULL) {
            return XG_ERR_INVALID;
        }
        if (is_post) {
            okx_json_param(&p, kv->key, kv->value);
        } else {
            okx_query_param(&p, kv->key, kv->value);
        }
    }
    if (is_post) {
        xg_buf_putc(&p, '}');
    }
    rc = xg_buf_status(&p);
    if (rc != XG_OK) {
        return rc;
    }
    return okx_finish_signed(o, in->method, in->path, is_post ? "" : p.data,
                             is_post ? p.data : "", in->timestamp_ms,
                             &out->request, out->prehash, sizeof(out->prehash),
                             out->signature, sizeof(out->signature));
}
