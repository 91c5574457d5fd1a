/*
 * example_adapter.c - a complete xgate adapter for a made-up exchange,
 * built outside the xgate source tree (docs/adapters.md).
 *
 * The venue "example" is deliberately small so that every part of the ABI
 * shows in one file: one rate-limit bucket whose size the venue advertises,
 * HMAC-SHA256 request signing with libxgate_prim, and answers in a
 * line-based "key=value" text format so that no JSON library is needed.
 * The file sees only the installed headers (<xgate/...>) and links only
 * libxgate_prim.a, found through `pkg-config xgate-adapter`.
 *
 * The venue, as this adapter knows it:
 *
 *   GET    /v1/time                       -> time=<epoch ms>
 *   GET    /v1/instruments                -> instrument=<BASE/QUOTE> <venue
 *                                            symbol> <tick> <lot> (repeated)
 *                                            and limit=<units> <window s>
 *   POST   /v1/order      (form body)     -> an order block
 *   DELETE /v1/order?symbol=..&cid=..     -> an order block
 *   GET    /v1/order?symbol=..&cid=..     -> an order block
 *   GET    /v1/openOrders[?symbol=..]     -> order=<cid> <id> <symbol>
 *                                            <status> <filled> (repeated)
 *
 * An order block is the lines cid=, id=, symbol=, status= (xgate's status
 * names) and filled=. Errors are any other HTTP status with code=<WORD>
 * and msg=<text>. Every answer may carry X-EX-USED: units spent in the
 * current window. Signed requests carry X-EX-KEY, X-EX-TS and X-EX-SIGN,
 * the lower-case hex HMAC-SHA256 of timestamp + method + path + ("?" query,
 * if any) + body. The venue has no receive window. A 429 asks to wait
 * Retry-After seconds; a 418 is an IP ban until X-EX-BAN-UNTIL (epoch ms)
 * or for Retry-After seconds, and for five minutes when it says neither.
 * Client order ids are 1-32 letters and digits; /v1/openOrders lists every
 * open order in one answer.
 *
 * Everything is in the instance; the file has no mutable global and only
 * xg_adapter_entry is visible outside the plug-in (-fvisibility=hidden).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xgate/adapter.h>
#include <xgate/buf.h>
#include <xgate/decimal.h>
#include <xgate/sign.h>

#define EXAMPLE_KEY_MAX 65
#define NS_PER_S        1000000000LL

/* The documented defaults of the venue, used until /v1/instruments says
 * otherwise: 100 units per clock-aligned 10 s window. */
#define EXAMPLE_DEFAULT_LIMIT    100
#define EXAMPLE_DEFAULT_WINDOW_S 10
#define EXAMPLE_MAX_WINDOW_S     86400
#define EXAMPLE_MAX_LIMIT        1000000

/* The one bucket has index 0 in every cost and usage. */
#define EXAMPLE_BUCKET 0

typedef struct example {
    char api_key[EXAMPLE_KEY_MAX];
    xg_hmac *hmac;
    int64_t limit;    /* units per window */
    int64_t window_s; /* window length */
} example;

/* One line "key=value" of an answer body, both parts borrowed. */
typedef struct example_line {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} example_line;

/* --- create and destroy --------------------------------------------------- */

/* One line into err (may be NULL): fixed text only, never a credential. */
static void
example_set_err(char *err, size_t err_len, const char *what)
{
    if (err != NULL && err_len > 0) {
        snprintf(err, err_len, "example: %s", what);
    }
}

/* Printable ASCII without spaces: the key goes into a header verbatim. */
static int
example_is_key_ok(const char *key)
{
    size_t n = strnlen(key, EXAMPLE_KEY_MAX);

    if (n == 0 || n >= EXAMPLE_KEY_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c <= 0x20 || c >= 0x7f) {
            return 0;
        }
    }
    return 1;
}

static void
example_destroy(void *inst)
{
    example *ex = inst;

    if (ex == NULL) {
        return;
    }
    xg_hmac_destroy(&ex->hmac);
    xg_wipe(ex, sizeof(*ex));
    free(ex);
}

static xg_err
example_create(const xg_adapter_config *cfg, void **inst, char *err,
               size_t err_len)
{
    example *ex = NULL;

    if (err != NULL && err_len > 0) {
        err[0] = '\0';
    }
    if (cfg == NULL || inst == NULL) {
        return XG_ERR_INVALID;
    }
    *inst = NULL;
    if (cfg->api_key == NULL || !example_is_key_ok(cfg->api_key)) {
        example_set_err(err, err_len,
                        "api_key must be 1-64 printable characters");
        return XG_ERR_SECRET;
    }
    if (cfg->secret == NULL || cfg->secret[0] == '\0') {
        example_set_err(err, err_len, "secret missing");
        return XG_ERR_SECRET;
    }
    if (cfg->n_options > 0) {
        example_set_err(err, err_len, "the venue takes no options");
        return XG_ERR_CONFIG;
    }
    ex = calloc(1, sizeof(*ex));
    if (ex == NULL) {
        example_set_err(err, err_len, "out of memory");
        return XG_ERR_NOMEM;
    }
    ex->limit = EXAMPLE_DEFAULT_LIMIT;
    ex->window_s = EXAMPLE_DEFAULT_WINDOW_S;
    if (xg_strlcpy(ex->api_key, cfg->api_key, sizeof(ex->api_key)) != XG_OK) {
        example_destroy(ex);
        return XG_ERR_SECRET;
    }
    ex->hmac = xg_hmac_new(cfg->secret, strlen(cfg->secret));
    if (ex->hmac == NULL) {
        example_set_err(err, err_len, "cannot key HMAC-SHA256");
        example_destroy(ex);
        return XG_ERR_NOMEM;
    }
    *inst = ex;
    return XG_OK;
}

/* --- signing -------------------------------------------------------------- */

/* Append "&key=value" (no '&' first) with the value percent-encoded. */
static void
example_param(xg_buf *b, const char *key, const char *value)
{
    if (b->len > 0) {
        xg_buf_putc(b, '&');
    }
    xg_buf_puts(b, key);
    xg_buf_putc(b, '=');
    xg_buf_put_urlencoded(b, value, strlen(value));
}

/*
 * Place params (already "k=v&k=v") into req - the query for GET and
 * DELETE, a form body for POST - and sign the request at ts_ms. prehash
 * (may be NULL) receives the signed string, sig (may be NULL) the hex
 * signature.
 */
static xg_err
example_sign_request(example *ex, const char *method, const char *path,
                     const char *params, size_t params_len, int64_t ts_ms,
                     xg_http_request *req, char *prehash, size_t prehash_cap,
                     char sig_out[XG_HEX_SHA256_LEN + 1])
{
    char local[XG_HTTP_TARGET_MAX + XG_HTTP_BODY_MAX];
    char sig[XG_HEX_SHA256_LEN + 1];
    char ts[24];
    uint8_t mac[XG_SHA256_LEN];
    int in_body = strcmp(method, "POST") == 0;
    xg_buf b;
    xg_err rc;

    if (!in_body && strcmp(method, "GET") != 0 &&
        strcmp(method, "DELETE") != 0) {
        return XG_ERR_INVALID;
    }
    rc = xg_strlcpy(req->method, method, sizeof(req->method));
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&b, req->target, sizeof(req->target));
    xg_buf_puts(&b, path);
    if (!in_body && params_len > 0) {
        xg_buf_putc(&b, '?');
        xg_buf_put(&b, params, params_len);
    }
    rc = xg_buf_status(&b);
    if (rc != XG_OK) {
        return rc;
    }
    xg_buf_init(&b, req->body, sizeof(req->body));
    if (in_body) {
        xg_buf_put(&b, params, params_len);
    }
    rc = xg_buf_status(&b);
    if (rc != XG_OK) {
        return rc;
    }
    req->body_len = b.len;

    xg_buf_init(&b, ts, sizeof(ts));
    xg_buf_put_i64(&b, ts_ms);
    if (prehash == NULL) {
        prehash = local;
        prehash_cap = sizeof(local);
    }
    xg_buf_init(&b, prehash, prehash_cap);
    xg_buf_puts(&b, ts);
    xg_buf_puts(&b, method);
    xg_buf_puts(&b, req->target);
    xg_buf_put(&b, req->body, req->body_len);
    rc = xg_buf_status(&b);
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_hmac_sign(ex->hmac, b.data, b.len, mac);
    if (rc == XG_OK) {
        rc = xg_hex_encode(mac, sizeof(mac), sig, sizeof(sig));
    }
    xg_wipe(mac, sizeof(mac));
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "X-EX-KEY", ex->api_key);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "X-EX-TS", ts);
    }
    if (rc == XG_OK) {
        rc = xg_http_request_add_header(req, "X-EX-SIGN", sig);
    }
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

/* The ABI's sign(): the parameters in the order given, at the frozen
 * time. recv_window_ms is ignored: the venue has none. */
static xg_err
example_sign(void *inst, const xg_sign_input *in, xg_signed *out)
{
    char params[XG_HTTP_BODY_MAX];
    xg_buf b;

    if (inst == NULL || in == NULL || out == NULL || in->method == NULL ||
        in->path == NULL || (in->n_params > 0 && in->params == NULL)) {
        return XG_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    xg_buf_init(&b, params, sizeof(params));
    for (size_t i = 0; i < in->n_params; i++) {
        if (in->params[i].key == NULL || in->params[i].value == NULL) {
            return XG_ERR_INVALID;
        }
        example_param(&b, in->params[i].key, in->params[i].value);
    }
    if (xg_buf_status(&b) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    return example_sign_request(inst, in->method, in->path, b.data, b.len,
                                in->timestamp_ms, &out->request, out->prehash,
                                sizeof(out->prehash), out->signature);
}

/* --- building requests ---------------------------------------------------- */

static const char *
example_symbol(const xg_op *op)
{
    if (op->instrument == NULL ||
        memchr(op->instrument->venue_symbol, '\0', XG_SYMBOL_MAX) == NULL ||
        op->instrument->venue_symbol[0] == '\0') {
        return NULL;
    }
    return op->instrument->venue_symbol;
}

static void
example_param_decimal(xg_buf *b, const char *key, xg_decimal d)
{
    char num[XG_DECIMAL_STR_MAX];

    if (xg_decimal_format(d, num, sizeof(num)) != XG_OK) {
        b->overflow = 1; /* sticky: the caller's status check reports it */
        return;
    }
    example_param(b, key, num);
}

/* Units of the one bucket each operation costs (the venue's table). */
static int64_t
example_cost(const xg_op *op)
{
    switch (op->kind) {
    case XG_OP_INSTRUMENTS:
        return 5;
    case XG_OP_OPEN_ORDERS:
        return op->instrument != NULL ? 2 : 5;
    case XG_OP_SERVER_TIME:
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_AMEND_ORDER: /* never asked: caps.amend is 0 */
    case XG_OP_BATCH_NEW:   /* nor these: no batch_*_max, cancel_symbol */
    case XG_OP_BATCH_CANCEL:
    case XG_OP_CANCEL_SYMBOL:
    case XG_OP_BATCH_AMEND:
    case XG_OP_BALANCES: /* refused by build */
    case XG_OP_STREAM_TOKEN: /* never asked: caps.streams is 0 */
    case XG_OP_ORDER_FILLS:  /* nor this: no stream tells fills */
    case XG_OP_ACCOUNT_ID:   /* nor this: caps.account_id is 0 */
        return 1;
    }
    return 1;
}

static xg_err
example_build(void *inst, const xg_op *op, int64_t venue_now_ms,
              xg_http_request *req)
{
    example *ex = inst;
    char params[XG_HTTP_BODY_MAX];
    const char *symbol = NULL;
    const char *method = "GET";
    const char *path = NULL;
    xg_buf b;
    xg_err rc = XG_OK;

    if (ex == NULL || op == NULL || req == NULL) {
        return XG_ERR_INVALID;
    }
    if (op->kind >= XG_OP_AMEND_ORDER) {
        /* The venue has no amend, batch, mass cancel or stream (caps),
         * and the example does not read balances. */
        return XG_ERR_UNSUPPORTED;
    }
    rc = xg_http_request_add_cost(req, EXAMPLE_BUCKET, 0, example_cost(op));
    if (rc != XG_OK) {
        return rc;
    }
    req->priority = op->kind == XG_OP_CANCEL_ORDER ? XG_PRIO_CANCEL
                    : op->kind == XG_OP_NEW_ORDER  ? XG_PRIO_NEW
                                                   : XG_PRIO_QUERY;
    if (op->kind == XG_OP_SERVER_TIME || op->kind == XG_OP_INSTRUMENTS) {
        /* Public: no credentials, so no signature. */
        path = op->kind == XG_OP_SERVER_TIME ? "/v1/time" : "/v1/instruments";
        rc = xg_strlcpy(req->method, "GET", sizeof(req->method));
        if (rc == XG_OK) {
            rc = xg_strlcpy(req->target, path, sizeof(req->target));
        }
        return rc;
    }

    xg_buf_init(&b, params, sizeof(params));
    if (op->kind == XG_OP_OPEN_ORDERS) {
        path = "/v1/openOrders";
        if (op->instrument != NULL) {
            symbol = example_symbol(op);
            if (symbol == NULL) {
                return XG_ERR_UNKNOWN_SYMBOL;
            }
            example_param(&b, "symbol", symbol);
        }
    } else {
        path = "/v1/order";
        symbol = example_symbol(op);
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        if (op->client_id == NULL ||
            xg_client_id_validate(op->client_id) != XG_OK) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        example_param(&b, "symbol", symbol);
        if (op->kind == XG_OP_NEW_ORDER) {
            const xg_order *o = op->order;
            if (o == NULL) {
                return XG_ERR_INVALID;
            }
            method = "POST";
            example_param(&b, "side", xg_side_name(o->side));
            example_param(&b, "type", xg_order_type_name(o->type));
            example_param(&b, "tif", xg_tif_name(o->tif));
            example_param_decimal(&b, "qty", o->qty);
            if (o->type == XG_TYPE_LIMIT) {
                example_param_decimal(&b, "price", o->price);
            }
        } else if (op->kind == XG_OP_CANCEL_ORDER) {
            method = "DELETE";
        } else if (op->kind != XG_OP_QUERY_ORDER) {
            return XG_ERR_INVALID;
        }
        example_param(&b, "cid", op->client_id);
    }
    rc = xg_buf_status(&b);
    if (rc != XG_OK) {
        return rc;
    }
    return example_sign_request(ex, method, path, b.data, b.len, venue_now_ms,
                                req, NULL, 0, NULL);
}

/* --- limits --------------------------------------------------------------- */

static xg_err
example_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n)
{
    const example *ex = inst;
    xg_bucket_spec *s = specs;

    if (ex == NULL || n == NULL || (cap > 0 && specs == NULL)) {
        return XG_ERR_INVALID;
    }
    *n = 1;
    if (cap < 1) {
        return XG_ERR_TRUNCATED;
    }
    memset(s, 0, sizeof(*s));
    snprintf(s->name, sizeof(s->name), "REQUESTS_%llds",
             (long long)ex->window_s);
    s->kind = XG_LIMIT_FIXED_WINDOW;
    s->anchor = XG_ANCHOR_CLOCK;
    s->limit = ex->limit;
    s->window_ns = ex->window_s * NS_PER_S;
    /* A twentieth only for cancels, a tenth more that queries may not
     * use: a burst of status queries can never block a cancel. */
    s->reserve_cancel = ex->limit / 20;
    s->reserve_new = ex->limit / 10;
    s->flags = 0;
    return XG_OK;
}

/* --- parsing -------------------------------------------------------------- */

/* The next line of body[*at..end) split at its first '='; 0 at the end.
 * A line without '=' gives an empty key, which no lookup matches. */
static int
example_next_line(const char *body, size_t len, size_t *at, example_line *l)
{
    const char *p;
    const char *nl;
    const char *eq;
    size_t n;

    if (*at >= len) {
        return 0;
    }
    p = body + *at;
    nl = memchr(p, '\n', len - *at);
    n = nl != NULL ? (size_t)(nl - p) : len - *at;
    *at += n + 1;
    if (n > 0 && p[n - 1] == '\r') {
        n--;
    }
    eq = memchr(p, '=', n);
    if (eq == NULL) {
        l->key = p;
        l->key_len = 0;
        l->value = p + n;
        l->value_len = 0;
        return 1;
    }
    l->key = p;
    l->key_len = (size_t)(eq - p);
    l->value = eq + 1;
    l->value_len = n - l->key_len - 1;
    return 1;
}

static int
example_is_key(const example_line *l, const char *key)
{
    return l->key_len == strlen(key) && memcmp(l->key, key, l->key_len) == 0;
}

/* The next space-separated field of [*p, end); 0 if none is left. */
static int
example_next_field(const char **p, const char *end, const char **f, size_t *n)
{
    while (*p < end && **p == ' ') {
        (*p)++;
    }
    if (*p >= end) {
        return 0;
    }
    *f = *p;
    while (*p < end && **p != ' ') {
        (*p)++;
    }
    *n = (size_t)(*p - *f);
    return 1;
}

/* A plain non-negative integer of at most 18 digits. */
static xg_err
example_i64(const char *s, size_t n, int64_t *out)
{
    int64_t v = 0;

    if (n == 0 || n > 18) {
        return XG_ERR_INVALID;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return XG_ERR_INVALID;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return XG_OK;
}

/* Copy a field into dst (cap bytes); XG_ERR_TRUNCATED if too long. */
static xg_err
example_copy(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap || memchr(s, '\0', n) != NULL) {
        return XG_ERR_TRUNCATED;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
    return XG_OK;
}

static xg_err
example_status(const char *s, size_t n, xg_order_status *out)
{
    static const xg_order_status all[] = {
        XG_STATUS_NEW,      XG_STATUS_PARTIALLY_FILLED, XG_STATUS_FILLED,
        XG_STATUS_CANCELED, XG_STATUS_REJECTED,         XG_STATUS_EXPIRED};

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        const char *name = xg_order_status_name(all[i]);
        if (strlen(name) == n && memcmp(name, s, n) == 0) {
            *out = all[i];
            return XG_OK;
        }
    }
    return XG_ERR_INVALID;
}

/* "instrument=BTC/USDT BTCUSDT 0.01 0.001" into ins. */
static xg_err
example_parse_instrument(const example_line *l, xg_instrument *ins)
{
    const char *p = l->value;
    const char *end = l->value + l->value_len;
    const char *f[4];
    size_t n[4];
    const char *extra;
    size_t extra_n;

    for (size_t i = 0; i < 4; i++) {
        if (!example_next_field(&p, end, &f[i], &n[i])) {
            return XG_ERR_INVALID;
        }
    }
    if (example_next_field(&p, end, &extra, &extra_n)) {
        return XG_ERR_INVALID;
    }
    memset(ins, 0, sizeof(*ins));
    if (example_copy(ins->symbol, sizeof(ins->symbol), f[0], n[0]) != XG_OK ||
        xg_symbol_validate(ins->symbol) != XG_OK ||
        example_copy(ins->venue_symbol, sizeof(ins->venue_symbol), f[1],
                     n[1]) != XG_OK ||
        xg_decimal_parse(f[2], n[2], &ins->tick_size) != XG_OK ||
        xg_decimal_parse(f[3], n[3], &ins->lot_size) != XG_OK ||
        !xg_decimal_is_positive(ins->tick_size) ||
        !xg_decimal_is_positive(ins->lot_size)) {
        return XG_ERR_INVALID;
    }
    ins->is_trading = 1;
    return XG_OK;
}

/* "limit=<units> <window s>" into the instance, within sane bounds. */
static xg_err
example_parse_limit(example *ex, const example_line *l)
{
    const char *p = l->value;
    const char *end = l->value + l->value_len;
    const char *f[2];
    size_t n[2];
    int64_t limit = 0;
    int64_t window_s = 0;

    if (!example_next_field(&p, end, &f[0], &n[0]) ||
        !example_next_field(&p, end, &f[1], &n[1]) ||
        example_i64(f[0], n[0], &limit) != XG_OK ||
        example_i64(f[1], n[1], &window_s) != XG_OK || limit < 1 ||
        limit > EXAMPLE_MAX_LIMIT || window_s < 1 ||
        window_s > EXAMPLE_MAX_WINDOW_S) {
        return XG_ERR_INVALID;
    }
    ex->limit = limit;
    ex->window_s = window_s;
    return XG_OK;
}

/* "order=<cid> <id> <symbol> <status> <filled>" into rep. */
static xg_err
example_parse_order_line(const example_line *l, xg_order_report *rep)
{
    const char *p = l->value;
    const char *end = l->value + l->value_len;
    const char *f[5];
    size_t n[5];

    for (size_t i = 0; i < 5; i++) {
        if (!example_next_field(&p, end, &f[i], &n[i])) {
            return XG_ERR_INVALID;
        }
    }
    memset(rep, 0, sizeof(*rep));
    if (example_copy(rep->client_id, sizeof(rep->client_id), f[0], n[0]) !=
            XG_OK ||
        example_copy(rep->venue_order_id, sizeof(rep->venue_order_id), f[1],
                     n[1]) != XG_OK ||
        example_copy(rep->venue_symbol, sizeof(rep->venue_symbol), f[2],
                     n[2]) != XG_OK ||
        example_status(f[3], n[3], &rep->status) != XG_OK ||
        xg_decimal_parse(f[4], n[4], &rep->exec.filled_qty) != XG_OK) {
        return XG_ERR_INVALID;
    }
    return XG_OK;
}

/* An order block (cid=, id=, symbol=, status=, filled=) into rep; every
 * line but filled= must be there. */
static xg_err
example_parse_order_block(const xg_http_response *resp, xg_order_report *rep)
{
    example_line l;
    size_t at = 0;
    unsigned seen = 0;
    xg_err rc = XG_OK;

    memset(rep, 0, sizeof(*rep));
    while (rc == XG_OK &&
           example_next_line(resp->body, resp->body_len, &at, &l)) {
        if (example_is_key(&l, "cid")) {
            rc = example_copy(rep->client_id, sizeof(rep->client_id), l.value,
                              l.value_len);
            seen |= 1u;
        } else if (example_is_key(&l, "id")) {
            rc = example_copy(rep->venue_order_id, sizeof(rep->venue_order_id),
                              l.value, l.value_len);
            seen |= 2u;
        } else if (example_is_key(&l, "symbol")) {
            rc = example_copy(rep->venue_symbol, sizeof(rep->venue_symbol),
                              l.value, l.value_len);
            seen |= 4u;
        } else if (example_is_key(&l, "status")) {
            rc = example_status(l.value, l.value_len, &rep->status);
            seen |= 8u;
        } else if (example_is_key(&l, "filled")) {
            rc = xg_decimal_parse(l.value, l.value_len, &rep->exec.filled_qty);
        }
    }
    if (rc != XG_OK || seen != 15u || rep->client_id[0] == '\0' ||
        rep->venue_order_id[0] == '\0') {
        return XG_ERR_INVALID;
    }
    return XG_OK;
}

/* The venue's error words and what they mean for an order. */
static void
example_classify_error(const xg_http_response *resp, xg_result *res)
{
    static const struct {
        const char *code;
        xg_err err;
    } table[] = {{"NO_FUNDS", XG_ERR_INSUFFICIENT_FUNDS},
                 {"NO_ORDER", XG_ERR_ORDER_NOT_FOUND},
                 {"DUPLICATE", XG_ERR_DUPLICATE_ID},
                 {"AUTH", XG_ERR_AUTH},
                 {"SYMBOL", XG_ERR_UNKNOWN_SYMBOL},
                 {"FILTER", XG_ERR_FILTER}};
    example_line l;
    size_t at = 0;

    res->outcome = XG_OUTCOME_REJECTED;
    res->err = XG_ERR_REJECTED;
    while (example_next_line(resp->body, resp->body_len, &at, &l)) {
        if (example_is_key(&l, "code")) {
            size_t n = l.value_len < sizeof(res->venue_code) - 1
                           ? l.value_len
                           : sizeof(res->venue_code) - 1;
            memcpy(res->venue_code, l.value, n);
            res->venue_code[n] = '\0';
        } else if (example_is_key(&l, "msg")) {
            size_t n = l.value_len < sizeof(res->venue_msg) - 1
                           ? l.value_len
                           : sizeof(res->venue_msg) - 1;
            memcpy(res->venue_msg, l.value, n);
            res->venue_msg[n] = '\0';
        }
    }
    if (strcmp(res->venue_code, "TIMESTAMP") == 0) {
        res->outcome = XG_OUTCOME_RESYNC;
        res->err = XG_ERR_TIMESTAMP;
        return;
    }
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(res->venue_code, table[i].code) == 0) {
            res->err = table[i].err;
            return;
        }
    }
}

/* Turn a 200 answer into res; malformed bodies become outcomes. */
static xg_err
example_parse_ok(example *ex, const xg_op *op, const xg_http_response *resp,
                 const xg_sink *sink, xg_result *res)
{
    example_line l;
    size_t at = 0;
    int found = 0;

    res->outcome = XG_OUTCOME_OK;
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        while (example_next_line(resp->body, resp->body_len, &at, &l)) {
            if (example_is_key(&l, "time") &&
                example_i64(l.value, l.value_len, &res->server_time_ms) ==
                    XG_OK) {
                found = 1;
            }
        }
        break;
    case XG_OP_INSTRUMENTS:
    case XG_OP_OPEN_ORDERS:
        found = 1;
        while (found &&
               example_next_line(resp->body, resp->body_len, &at, &l)) {
            xg_instrument ins;
            xg_order_report rep;
            xg_err rc = XG_OK;

            if (op->kind == XG_OP_INSTRUMENTS &&
                example_is_key(&l, "instrument")) {
                found = example_parse_instrument(&l, &ins) == XG_OK;
                if (found && sink != NULL && sink->instrument != NULL) {
                    rc = sink->instrument(sink->ctx, &ins);
                }
            } else if (op->kind == XG_OP_INSTRUMENTS &&
                       example_is_key(&l, "limit")) {
                found = example_parse_limit(ex, &l) == XG_OK;
            } else if (op->kind == XG_OP_OPEN_ORDERS &&
                       example_is_key(&l, "order")) {
                found = example_parse_order_line(&l, &rep) == XG_OK;
                if (found && sink != NULL && sink->order != NULL) {
                    rc = sink->order(sink->ctx, &rep);
                }
            }
            if (rc != XG_OK) {
                return rc; /* the core's sink failed: stop, say so */
            }
        }
        break;
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
        if (example_parse_order_block(resp, &res->order) == XG_OK) {
            return XG_OK;
        }
        /* A 200 that does not say what became of the order: the order may
         * exist, so the core must ask rather than give up. */
        res->outcome = XG_OUTCOME_UNKNOWN;
        xg_strlcpy(res->venue_msg, "unreadable order answer",
                   sizeof(res->venue_msg));
        return XG_OK;
    case XG_OP_AMEND_ORDER:
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_CANCEL_SYMBOL:
    case XG_OP_BATCH_AMEND:
    case XG_OP_BALANCES:
    case XG_OP_STREAM_TOKEN:
    case XG_OP_ORDER_FILLS:
    case XG_OP_ACCOUNT_ID:
        break; /* never built */
    }
    if (!found) {
        res->outcome = XG_OUTCOME_REJECTED;
        res->err = XG_ERR_BAD_RESPONSE;
    }
    return XG_OK;
}

static xg_err
example_parse(void *inst, const xg_op *op, const xg_http_response *resp,
              const xg_sink *sink, xg_result *res)
{
    example *ex = inst;
    int64_t v = 0;

    if (ex == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body_len > 0 && resp->body == NULL)) {
        return XG_ERR_INVALID;
    }
    /* Usage first, whatever the outcome: it counts against the bucket the
     * request was charged to. */
    if (xg_http_response_header_i64(resp, "X-EX-USED", &v) == XG_OK) {
        res->usage[0].bucket = EXAMPLE_BUCKET;
        res->usage[0].scope = 0;
        res->usage[0].used = v;
        res->usage[0].remaining = -1;
        res->n_usage = 1;
    }
    if (resp->status == 200) {
        return example_parse_ok(ex, op, resp, sink, res);
    }
    if (resp->status == 429 || resp->status == 418) {
        if (xg_http_response_header_i64(resp, "Retry-After", &v) == XG_OK &&
            v <= INT64_MAX / 1000) {
            res->retry_after_ms = v * 1000;
        }
        res->outcome = XG_OUTCOME_RATE_LIMITED;
        res->err = XG_ERR_RATE_LIMITED;
        if (resp->status == 418) {
            res->outcome = XG_OUTCOME_BANNED;
            res->err = XG_ERR_BANNED;
            if (xg_http_response_header_i64(resp, "X-EX-BAN-UNTIL", &v) ==
                XG_OK) {
                res->banned_until_ms = v;
            }
        }
        return XG_OK;
    }
    if (resp->status >= 500) {
        /* The venue may have acted before failing. */
        res->outcome = XG_OUTCOME_UNKNOWN;
        res->err = XG_ERR_UNKNOWN_STATUS;
        return XG_OK;
    }
    example_classify_error(resp, res);
    return XG_OK;
}

/* --- the entry table ------------------------------------------------------ */

static const xg_adapter example_adapter = {
    .abi_version = XG_ADAPTER_ABI_VERSION,
    .struct_size = (uint32_t)sizeof(xg_adapter),
    .venue = "example",
    .default_base_url = "https://api.example.invalid",
    /* The venue as described at the top of this file: the core checks
     * these when it loads the plug-in. */
    .caps =
        {
            .client_id_max = 32,
            .client_id_chars =
                XG_ID_CHARS_DIGIT | XG_ID_CHARS_LOWER | XG_ID_CHARS_UPPER,
            .default_ban_ms = 5 * 60 * 1000,
            .open_orders_page_max = 0,
            .streams = XG_STREAM_NONE,
        },
    .create = example_create,
    .destroy = example_destroy,
    .build = example_build,
    .parse = example_parse,
    .limits = example_limits,
    .sign = example_sign,
};

/* Declared here because no header of ours is installed for it: the loader
 * finds it by name (XG_ADAPTER_ENTRY_SYMBOL). */
XG_ADAPTER_EXPORT const xg_adapter *xg_adapter_entry(void);

XG_ADAPTER_EXPORT const xg_adapter *
xg_adapter_entry(void)
{
    return &example_adapter;
}
