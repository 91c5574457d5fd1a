/*
 * sign.c - KuCoin's HMAC-SHA256 request signing (API key version 2).
 *
 * KuCoin signs timestamp + METHOD + endpoint + body, where endpoint is the
 * path with path parameters substituted plus "?query" for GET and DELETE,
 * exactly as sent and not percent-encoded, and body is the exact JSON text
 * of a POST (empty otherwise); the signature is base64(HMAC-SHA256(secret,
 * prehash)). The passphrase travels signed the same way (fact sheet,
 * "Signing"). This file builds that prehash, signs it and fills the
 * request, so that build() and the test-vector entry sign() share one
 * path. Which parameters an operation sends is requests.c's business.
 *
 * Because the venue signs the raw query, xgate only ever puts characters
 * into a query that need no encoding (symbols and client ids are checked
 * against [A-Za-z0-9_-] before they get here), so what is signed is
 * byte for byte what is sent.
 */
#include "kucoin.h"

#include <string.h>

#include "xgate/adapter_util.h"

xg_err
kucoin_sign_passphrase(kucoin *k, const char *passphrase)
{
    return xg_hmac_sign_base64(k->hmac, passphrase, strlen(passphrase),
                               k->signed_passphrase,
                               sizeof(k->signed_passphrase));
}

static void
kucoin_json_key(xg_buf *body, const char *key)
{
    /* A member follows another unless its object just opened: a batch
     * writes several objects into one body. */
    if (body->len > 0 && body->data[body->len - 1] != '{') {
        xg_buf_putc(body, ',');
    }
    xg_buf_put_json_string(body, key, strlen(key));
    xg_buf_putc(body, ':');
}

void
kucoin_json_member(xg_buf *body, const char *key, const char *value)
{
    kucoin_json_key(body, key);
    xg_buf_put_json_string(body, value, strlen(value));
}

void
kucoin_json_flag(xg_buf *body, const char *key, int on)
{
    kucoin_json_key(body, key);
    xg_buf_puts(body, on ? "true" : "false");
}

int
kucoin_is_flag(const char *key)
{
    return strcmp(key, "postOnly") == 0 || strcmp(key, "hidden") == 0 ||
           strcmp(key, "iceberg") == 0;
}

xg_err
kucoin_finish_signed(kucoin *k, const char *method, const char *path,
                     const char *query, const char *body, size_t body_len,
                     int64_t timestamp_ms, xg_http_request *req, char *prehash,
                     size_t prehash_cap, char sig_out[XG_B64_SHA256_LEN + 1])
{
    char ts[24];
    char sig[XG_B64_SHA256_LEN + 1];
    char mem[XG_HTTP_TARGET_MAX + XG_HTTP_BODY_MAX + 32];
    xg_buf pre;
    xg_buf out;
    int has_query = query != NULL && query[0] != '\0';
    xg_err rc = XG_OK;

    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 &&
        strcmp(method, "DELETE") != 0) {
        return XG_ERR_INVALID;
    }
    if (timestamp_ms <= 0) {
        return XG_ERR_INVALID;
    }
    rc = xg_i64_text(timestamp_ms, ts, sizeof(ts));
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_strlcpy(req->method, method, sizeof(req->method));
    if (rc != XG_OK) {
        return rc;
    }

    /* The target first: the prehash contains it verbatim. */
    xg_buf_init(&out, req->target, sizeof(req->target));
    xg_buf_puts(&out, path);
    if (has_query) {
        xg_buf_putc(&out, '?');
        xg_buf_puts(&out, query);
    }
    rc = xg_buf_status(&out);
    if (rc != XG_OK) {
        return rc;
    }
    if (body_len >= sizeof(req->body)) {
        return XG_ERR_TRUNCATED;
    }
    if (body_len > 0) {
        memcpy(req->body, body, body_len);
    }
    req->body[body_len] = '\0';
    req->body_len = body_len;

    xg_buf_init(&pre, mem, sizeof(mem));
    xg_buf_puts(&pre, ts);
    xg_buf_puts(&pre, method);
    xg_buf_puts(&pre, req->target);
    xg_buf_put(&pre, req->body, req->body_len);
    rc = xg_buf_status(&pre);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_hmac_sign_base64(k->hmac, pre.data, pre.len, sig, sizeof(sig));
    if (rc != XG_OK) {
        return rc;
    }
    if (prehash != NULL) {
        rc = xg_strlcpy(prehash, pre.data, prehash_cap);
        if (rc != XG_OK) {
            return rc;
        }
    }

    /* Header order of the vectors (ccxt): version, key, timestamp,
     * content type, passphrase, signature. */
    rc = xg_http_request_add_header(req, "KC-API-KEY-VERSION", "2");
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "KC-API-KEY", k->api_key);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "KC-API-TIMESTAMP", ts);
    }
    if (rc == XG_OK && body_len > 0) {
        rc =
            xg_http_request_add_header(req, "Content-Type", "application/json");
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "KC-API-PASSPHRASE",
                                        k->signed_passphrase);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "KC-API-SIGN", sig);
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

/* The value of path parameter name[0..len) among in's params, or NULL. */
static const char *
kucoin_param_value(const xg_sign_input *in, const char *name, size_t len)
{
    for (size_t i = 0; i < in->n_params; i++) {
        const char *key = in->params[i].key;
        if (strlen(key) == len && memcmp(key, name, len) == 0) {
            return in->params[i].value;
        }
    }
    return NULL;
}

/* Is key a "{key}" placeholder of the template? */
static int
kucoin_is_path_param(const char *tmpl, const char *key)
{
    size_t n = strlen(key);

    if (tmpl == NULL) {
        return 0;
    }
    for (const char *p = strchr(tmpl, '{'); p != NULL; p = strchr(p + 1, '{')) {
        if (strncmp(p + 1, key, n) == 0 && p[1 + n] == '}') {
            return 1;
        }
    }
    return 0;
}

/* Substitute the template's placeholders from in's params into path. */
static xg_err
kucoin_expand_path(const xg_sign_input *in, xg_buf *path)
{
    const char *p = in->path_template;

    if (p == NULL) {
        xg_buf_puts(path, in->path);
        return xg_buf_status(path);
    }
    while (*p != '\0') {
        if (*p != '{') {
            xg_buf_putc(path, *p++);
            continue;
        }
        const char *end = strchr(p, '}');
        if (end == NULL) {
            return XG_ERR_INVALID;
        }
        const char *v = kucoin_param_value(in, p + 1, (size_t)(end - p - 1));
        if (v == NULL) {
            return XG_ERR_INVALID;
        }
        xg_buf_puts(path, v);
        p = end + 1;
    }
    return xg_buf_status(path);
}

xg_err
kucoin_sign(void *inst, const xg_sign_input *in, xg_signed *out)
{
    kucoin *k = inst;
    char path_mem[XG_HTTP_TARGET_MAX];
    char query_mem[XG_HTTP_TARGET_MAX];
    char body_mem[XG_HTTP_BODY_MAX];
    xg_buf path;
    xg_buf query;
    xg_buf body;
    int is_post = 0;
    xg_err rc = XG_OK;

    if (k == NULL || in == NULL || out == NULL || in->method == NULL ||
        in->path == NULL || (in->n_params > 0 && in->params == NULL)) {
        return XG_ERR_INVALID;
    }
    for (size_t i = 0; i < in->n_params; i++) {
        if (in->params[i].key == NULL || in->params[i].value == NULL) {
            return XG_ERR_INVALID;
        }
    }
    memset(out, 0, sizeof(*out));
    is_post = strcmp(in->method, "POST") == 0;

    xg_buf_init(&path, path_mem, sizeof(path_mem));
    rc = kucoin_expand_path(in, &path);
    if (rc != XG_OK) {
        return rc;
    }
    /* The template must describe the path the vector gives. */
    if (strcmp(path.data, in->path) != 0) {
        return XG_ERR_INVALID;
    }

    xg_buf_init(&query, query_mem, sizeof(query_mem));
    xg_buf_init(&body, body_mem, sizeof(body_mem));
    if (is_post) {
        xg_buf_putc(&body, '{');
    }
    for (size_t i = 0; i < in->n_params; i++) {
        const xg_kv *kv = &in->params[i];
        if (kucoin_is_path_param(in->path_template, kv->key)) {
            continue;
        }
        if (is_post && kucoin_is_flag(kv->key)) {
            /* A vector gives every value as text; a flag's is "true" or
             * "false" and goes into the body as the JSON boolean. */
            if (strcmp(kv->value, "true") != 0 &&
                strcmp(kv->value, "false") != 0) {
                return XG_ERR_INVALID;
            }
            kucoin_json_flag(&body, kv->key, kv->value[0] == 't');
        } else if (is_post) {
            kucoin_json_member(&body, kv->key, kv->value);
        } else {
            if (query.len > 0) {
                xg_buf_putc(&query, '&');
            }
            xg_buf_puts(&query, kv->key);
            xg_buf_putc(&query, '=');
            xg_buf_puts(&query, kv->value);
        }
    }
    if (is_post) {
        xg_buf_putc(&body, '}');
    }
    rc = xg_buf_status(&query);
    if (rc == XG_OK) {
        rc = xg_buf_status(&body);
    }
    if (rc != XG_OK) {
        return rc;
    }
    rc = kucoin_finish_signed(k, in->method, path.data, query.data, body.data,
                              body.len, in->timestamp_ms, &out->request,
                              out->prehash, sizeof(out->prehash),
                              out->signature);
    if (rc != XG_OK) {
        return rc;
    }
    return xg_strlcpy(out->signed_passphrase, k->signed_passphrase,
                      sizeof(out->signed_passphrase));
}
