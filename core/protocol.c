/*
 * protocol.c - the strategy API's messages: request parsing and the
 * encoders for replies and events.
 *
 * Every request a strategy sends passes through xg__msg_parse before the
 * gateway looks at it, so this module is where hostile or careless input is
 * stopped: size is checked before any parsing, the strict reader of
 * xgate/json.h checks the bytes (which are not NUL-terminated and may
 * contain NULs) into a bounded token array on the stack, without a single
 * allocation, and each field is checked for presence, type and range, with
 * repeated and unknown fields refused so a typo never silently changes an
 * order. Checks that need a venue (symbol
 * listed, tick and lot, filters) are the gateway's. The detail written for
 * a reject names the field and quotes at most XG__EXCERPT_MAX bytes of the
 * offending value, with anything unprintable replaced, because the detail
 * goes back over the wire and into logs.
 *
 * The encoders append JSON to a caller's xg_buf without allocating; the
 * wire format they write is specified in docs/protocol.md, which is the
 * contract with strategies and must change together with this file.
 */
#include "protocol.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "xgate/json.h"

/* Bytes of hostile input quoted in a detail; more is cut with "...". */
#define XG__EXCERPT_MAX 40

/* Longest non-UTF-8 string the encoders repair; longer ones are cut. */
#define XG__REPAIR_MAX 256

#define XG__STRATEGY_LEN_MAX (XG_STRATEGY_ID_MAX - 1)

/* ------------------------------------------------------------------ */
/* Detail messages                                                    */
/* ------------------------------------------------------------------ */

/* Append at most XG__EXCERPT_MAX bytes of s, each byte outside printable
 * ASCII replaced by '?', and "..." if s was longer. */
static void
put_excerpt(xg_buf *d, const char *s, size_t n)
{
    size_t take = n > XG__EXCERPT_MAX ? XG__EXCERPT_MAX : n;

    for (size_t i = 0; i < take; i++) {
        unsigned char c = (unsigned char)s[i];
        xg_buf_putc(d, c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
    if (take < n) {
        xg_buf_puts(d, "...");
    }
}

/* Start a detail with `field "<name>"`; name may be hostile (an unknown
 * key), so it goes through put_excerpt. */
static void
detail_field(xg_buf *d, const char *field, size_t n)
{
    xg_buf_puts(d, "field \"");
    put_excerpt(d, field, n);
    xg_buf_putc(d, '"');
}

/* `field "<field>" <what>` */
static xg_err
fail(xg_buf *d, xg_err err, const char *field, const char *what)
{
    xg_buf_reset(d);
    detail_field(d, field, strlen(field));
    xg_buf_putc(d, ' ');
    xg_buf_puts(d, what);
    return err;
}

/* `field "<field>": "<value excerpt>" <what>` */
static xg_err
fail_value(xg_buf *d, xg_err err, const char *field, const char *value,
           size_t n, const char *what)
{
    xg_buf_reset(d);
    detail_field(d, field, strlen(field));
    xg_buf_puts(d, ": \"");
    put_excerpt(d, value, n);
    xg_buf_puts(d, "\" ");
    xg_buf_puts(d, what);
    return err;
}

/* A JSON type as a client would call it, for "must be a string, not ...". */
static const char *
json_kind(const xg_json *j, size_t t)
{
    switch (xg_json_type_of(j, t)) {
    case XG_JSON_OBJECT:
        return "an object";
    case XG_JSON_ARRAY:
        return "an array";
    case XG_JSON_STRING:
        return "a string";
    case XG_JSON_NUMBER:
        return "a number";
    case XG_JSON_TRUE:
    case XG_JSON_FALSE:
        return "a boolean";
    case XG_JSON_NULL:
        return "null";
    }
    return "unknown";
}

static xg_err
fail_type(xg_buf *d, const char *field, const char *want, const xg_json *j,
          size_t t)
{
    xg_buf_reset(d);
    detail_field(d, field, strlen(field));
    xg_buf_puts(d, " must be ");
    xg_buf_puts(d, want);
    xg_buf_puts(d, ", not ");
    xg_buf_puts(d, json_kind(j, t));
    return XG_ERR_BAD_FIELD;
}

/* ------------------------------------------------------------------ */
/* Field access                                                       */
/* ------------------------------------------------------------------ */

/* Every field a request may carry fits in this many bytes; a longer one
 * is refused as too long before any other check. */
#define XG__FIELD_MAX 128

/* The request is token 0. Keys are known unique (check_keys). */
static int
has_field(const xg_json *j, const char *field, size_t *t)
{
    return xg_json_get(j, 0, field, t) == XG_OK;
}

/* A string field decoded into s (XG__FIELD_MAX bytes), *n its length;
 * s[0] is '\0' and *present 0 when absent (an error if required). The
 * reader refuses "\u0000", so s holds no NUL before *n. */
static xg_err
get_string(const xg_json *j, const char *field, int required, xg_buf *d,
           char *s, size_t *n, int *present)
{
    size_t t;
    s[0] = '\0';
    *n = 0;
    *present = has_field(j, field, &t);
    if (!*present) {
        return required ? fail(d, XG_ERR_BAD_FIELD, field, "is required")
                        : XG_OK;
    }
    if (xg_json_type_of(j, t) != XG_JSON_STRING) {
        return fail_type(d, field, "a string", j, t);
    }
    if (xg_json_string(j, t, s, XG__FIELD_MAX, n) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_FIELD, field, s, *n, "is too long");
    }
    return XG_OK;
}

static int
is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

static int
is_strategy_char(char c)
{
    return is_alnum(c) || c == '_' || c == '-';
}

static int
is_venue_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static xg_err
parse_req_id(const xg_json *j, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err = get_string(j, "req_id", 0, d, s, &n, &present);

    if (err != XG_OK || !present) {
        return err;
    }
    if (n == 0 || n >= XG_REQ_ID_MAX) {
        return fail_value(d, XG_ERR_BAD_FIELD, "req_id", s, n,
                          "must be 1-64 printable ASCII characters");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f) {
            return fail_value(d, XG_ERR_BAD_FIELD, "req_id", s, n,
                              "must be 1-64 printable ASCII characters");
        }
    }
    memcpy(out->req_id, s, n + 1);
    return XG_OK;
}

/* client_order_id, required or not; copied only when valid. */
static xg_err
parse_client_id(const xg_json *j, int required, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err = get_string(j, "client_order_id", required, d, s, &n, &present);

    if (err != XG_OK || !present) {
        return err;
    }
    if (n >= XG_CLIENT_ID_MAX || xg_client_id_validate(s) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_CLIENT_ID, "client_order_id", s, n,
                          "must be 1-32 letters or digits");
    }
    memcpy(out->order.client_id, s, n + 1);
    return XG_OK;
}

static xg_err
parse_strategy(const xg_json *j, int required, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err = get_string(j, "strategy", required, d, s, &n, &present);

    if (err != XG_OK || !present) {
        return err;
    }
    int ok = n >= 1 && n <= XG__STRATEGY_LEN_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        ok = is_strategy_char(s[i]);
    }
    if (!ok) {
        return fail_value(d, XG_ERR_BAD_FIELD, "strategy", s, n,
                          "must be 1-32 of [A-Za-z0-9_-]");
    }
    memcpy(out->order.strategy_id, s, n + 1);
    return XG_OK;
}

/* A decimal string that must be positive; bad_sign is the code for zero
 * or negative values (BAD_QTY, BAD_PRICE). Numbers are refused: many JSON
 * libraries turn them into doubles before we could see the digits. */
static xg_err
parse_positive_decimal(const xg_json *j, const char *field, xg_err bad_sign,
                       xg_buf *d, xg_decimal *out)
{
    size_t t;

    if (!has_field(j, field, &t)) {
        return fail(d, XG_ERR_BAD_FIELD, field, "is required");
    }
    if (xg_json_type_of(j, t) == XG_JSON_NUMBER) {
        return fail(d, XG_ERR_BAD_FIELD, field,
                    "must be a decimal string such as \"0.001\", not a "
                    "JSON number");
    }
    if (xg_json_type_of(j, t) != XG_JSON_STRING) {
        return fail_type(d, field, "a decimal string", j, t);
    }
    char s[XG__FIELD_MAX];
    size_t n;
    if (xg_json_string(j, t, s, sizeof s, &n) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_FIELD, field, s, n, "is too long");
    }
    xg_err err = xg_decimal_parse(s, n, out);
    if (err == XG_ERR_OVERFLOW) {
        return fail_value(d, err, field, s, n, "is out of range");
    }
    if (err != XG_OK) {
        return fail_value(d, XG_ERR_BAD_DECIMAL, field, s, n,
                          "is not a decimal (digits, optional '.', at most "
                          "18 fraction digits)");
    }
    if (!xg_decimal_is_positive(*out)) {
        return fail_value(d, bad_sign, field, s, n, "must be positive");
    }
    return XG_OK;
}

static xg_err
parse_symbol(const xg_json *j, int required, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err = get_string(j, "symbol", required, d, s, &n, &present);

    if (err != XG_OK || !present) {
        return err;
    }
    if (n >= XG_SYMBOL_MAX || xg_symbol_validate(s) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_SYMBOL, "symbol", s, n,
                          "is not BASE/QUOTE in upper case (\"BTC/USDT\")");
    }
    memcpy(out->order.symbol, s, n + 1);
    return XG_OK;
}

static xg_err
parse_enums(const xg_json *j, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err;

    err = get_string(j, "side", 1, d, s, &n, &present);
    if (err != XG_OK) {
        return err;
    }
    if (xg_side_parse(s, &out->order.side) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_SIDE, "side", s, n,
                          "is not BUY or SELL");
    }
    err = get_string(j, "order_type", 1, d, s, &n, &present);
    if (err != XG_OK) {
        return err;
    }
    if (xg_order_type_parse(s, &out->order.type) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_TYPE, "order_type", s, n,
                          "is not LIMIT or MARKET");
    }
    err = get_string(j, "tif", 0, d, s, &n, &present);
    if (err != XG_OK) {
        return err;
    }
    if (!present) {
        out->order.tif =
            out->order.type == XG_TYPE_MARKET ? XG_TIF_IOC : XG_TIF_GTC;
        return XG_OK;
    }
    if (xg_tif_parse(s, &out->order.tif) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_TIF, "tif", s, n,
                          "is not GTC, IOC, FOK or POST_ONLY");
    }
    /* A market order cannot rest, so GTC and POST_ONLY make no sense for
     * it; refusing is clearer than silently changing the intent. */
    if (out->order.type == XG_TYPE_MARKET &&
        (out->order.tif == XG_TIF_GTC || out->order.tif == XG_TIF_POST_ONLY)) {
        return fail_value(d, XG_ERR_BAD_TIF, "tif", s, n,
                          "is not allowed for MARKET orders (use IOC or FOK)");
    }
    return XG_OK;
}

static xg_err
parse_venues(const xg_json *j, xg_msg *out, xg_buf *d)
{
    size_t arr;

    if (!has_field(j, "venues", &arr)) {
        return XG_OK;
    }
    if (xg_json_type_of(j, arr) != XG_JSON_ARRAY) {
        return fail_type(d, "venues", "an array of venue names", j, arr);
    }
    if (j->tok[arr].count > XG_MAX_ROUTE) {
        return fail(d, XG_ERR_BAD_FIELD, "venues", "lists more than 4 venues");
    }
    size_t v = arr + 1;
    for (uint32_t i = 0; i < j->tok[arr].count; i++, v = j->tok[v].next) {
        if (xg_json_type_of(j, v) != XG_JSON_STRING) {
            return fail_type(d, "venues", "an array of strings", j, v);
        }
        char s[XG__FIELD_MAX];
        size_t n;
        int ok = xg_json_string(j, v, s, sizeof s, &n) == XG_OK && n >= 1 &&
                 n < XG_VENUE_NAME_MAX;
        for (size_t k = 0; ok && k < n; k++) {
            ok = is_venue_char(s[k]);
        }
        if (!ok) {
            return fail_value(d, XG_ERR_BAD_FIELD, "venues", s, n,
                              "is not a venue name ([a-z0-9]{1,15})");
        }
        for (size_t k = 0; k < out->n_venues; k++) {
            if (strcmp(out->venues[k], s) == 0) {
                return fail_value(d, XG_ERR_BAD_FIELD, "venues", s, n,
                                  "is listed twice");
            }
        }
        memcpy(out->venues[out->n_venues], s, n + 1);
        out->n_venues++;
    }
    return XG_OK;
}

/* An optional integer field in lo..hi into *out (untouched when absent). */
static xg_err
parse_int_field(const xg_json *j, const char *field, int64_t lo, int64_t hi,
                xg_buf *d, int64_t *out)
{
    size_t t;
    if (!has_field(j, field, &t)) {
        return XG_OK;
    }
    int64_t v;
    xg_err err = xg_json_int64(j, t, &v);
    if (err == XG_ERR_INVALID) {
        return fail_type(d, field, "an integer", j, t);
    }
    if (err != XG_OK || v < lo || v > hi) {
        char what[64];
        snprintf(what, sizeof what, "must be between %lld and %lld",
                 (long long)lo, (long long)hi);
        return fail(d, XG_ERR_BAD_FIELD, field, what);
    }
    *out = v;
    return XG_OK;
}

static xg_err
parse_options(const xg_json *j, xg_msg *out, xg_buf *d)
{
    size_t t;

    if (has_field(j, "requantize", &t)) {
        xg_json_type type = xg_json_type_of(j, t);
        if (type != XG_JSON_TRUE && type != XG_JSON_FALSE) {
            return fail_type(d, "requantize", "true or false", j, t);
        }
        out->requantize = type == XG_JSON_TRUE;
    }
    return parse_int_field(j, "max_wait_ms", 0, XG_MAX_WAIT_MS_MAX, d,
                           &out->max_wait_ms);
}

static xg_err
parse_new_order(const xg_json *j, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_strategy(j, 1, out, d);

    if (err == XG_OK) {
        err = parse_symbol(j, 1, out, d);
    }
    if (err == XG_OK) {
        err = parse_enums(j, out, d);
    }
    if (err == XG_OK) {
        err = parse_positive_decimal(j, "qty", XG_ERR_BAD_QTY, d,
                                     &out->order.qty);
    }
    if (err != XG_OK) {
        return err;
    }
    size_t price;
    int has_price = has_field(j, "price", &price);
    if (out->order.type == XG_TYPE_MARKET) {
        if (has_price) {
            return fail(d, XG_ERR_BAD_FIELD, "price",
                        "is not allowed for MARKET orders");
        }
        out->order.price.units = 0;
        out->order.price.scale = 0;
    } else {
        if (!has_price) {
            return fail(d, XG_ERR_BAD_FIELD, "price",
                        "is required for LIMIT orders");
        }
        err = parse_positive_decimal(j, "price", XG_ERR_BAD_PRICE, d,
                                     &out->order.price);
        if (err != XG_OK) {
            return err;
        }
    }
    err = parse_venues(j, out, d);
    if (err == XG_OK) {
        err = parse_options(j, out, d);
    }
    return err;
}

/* amend_order: a new price, a new total quantity, or both; each absent
 * one stays {0,0}. */
static xg_err
parse_amend(const xg_json *j, xg_msg *out, xg_buf *d)
{
    size_t t;
    int has_price = has_field(j, "price", &t);
    int has_qty = has_field(j, "qty", &t);
    xg_err err = XG_OK;

    if (!has_price && !has_qty) {
        return fail(d, XG_ERR_BAD_FIELD, "price",
                    "or qty is required: what should change");
    }
    if (has_price) {
        err = parse_positive_decimal(j, "price", XG_ERR_BAD_PRICE, d,
                                     &out->order.price);
    }
    if (err == XG_OK && has_qty) {
        err = parse_positive_decimal(j, "qty", XG_ERR_BAD_QTY, d,
                                     &out->order.qty);
    }
    if (err == XG_OK) {
        err = parse_options(j, out, d);
    }
    return err;
}

/* Fields each request type may carry besides "type" and "req_id". */
/* open_orders and cancel_all: the strategy's orders, optionally of one
 * symbol and one venue (venues[0]). */
/* An optional "venue": one venue's name into venues[0]. */
static xg_err
parse_venue_filter(const xg_json *j, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err = get_string(j, "venue", 0, d, s, &n, &present);
    if (err != XG_OK || !present) {
        return err;
    }
    int ok = n >= 1 && n < XG_VENUE_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        ok = is_venue_char(s[i]);
    }
    if (!ok) {
        return fail_value(d, XG_ERR_BAD_FIELD, "venue", s, n,
                          "is not a venue name");
    }
    memcpy(out->venues[0], s, n + 1);
    out->n_venues = 1;
    return XG_OK;
}

static xg_err
parse_filters(const xg_json *j, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_strategy(j, 1, out, d);

    if (err == XG_OK) {
        err = parse_symbol(j, 0, out, d);
    }
    if (err == XG_OK) {
        err = parse_venue_filter(j, out, d);
    }
    return err;
}

/* batch_new: "orders", an array of 1..XG_BATCH_NEW_MAX objects, each
 * kept as its span of the text (read one by one with
 * xg__msg_parse_order, so one bad order refuses only itself). */
static xg_err
parse_batch_orders(const xg_json *j, xg_msg *out, xg_buf *d)
{
    size_t t;
    if (!has_field(j, "orders", &t)) {
        return fail(d, XG_ERR_BAD_FIELD, "orders", "is required");
    }
    if (xg_json_type_of(j, t) != XG_JSON_ARRAY) {
        return fail_type(d, "orders", "an array", j, t);
    }
    size_t n = j->tok[t].count;
    if (n < 1 || n > XG_BATCH_NEW_MAX) {
        return fail(d, XG_ERR_BAD_FIELD, "orders", "must hold 1 to 50 orders");
    }
    size_t e = t + 1;
    for (size_t i = 0; i < n; i++, e = j->tok[e].next) {
        if (xg_json_type_of(j, e) != XG_JSON_OBJECT) {
            return fail_type(d, "orders[]", "an object", j, e);
        }
        out->orders[i].start = j->tok[e].start;
        out->orders[i].len = j->tok[e].len;
    }
    out->n_orders = n;
    return XG_OK;
}

/* balances: an optional venue and max_age_ms (0..one day). */
static xg_err
parse_balances(const xg_json *j, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_venue_filter(j, out, d);
    if (err != XG_OK) {
        return err;
    }
    out->max_age_ms = XG_BALANCES_MAX_AGE_MS;
    return parse_int_field(j, "max_age_ms", 0, XG_BALANCES_MAX_AGE_MS_MAX, d,
                           &out->max_age_ms);
}

/* open_orders: cursor (the decimal string a previous page gave as
 * next_cursor), limit (an integer, 1..PAGE_MAX). */
static xg_err
parse_page(const xg_json *j, xg_msg *out, xg_buf *d)
{
    char s[XG__FIELD_MAX];
    size_t n;
    int present;
    xg_err err = get_string(j, "cursor", 0, d, s, &n, &present);
    if (err != XG_OK) {
        return err;
    }
    uint64_t cursor = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 10 ||
            (cursor = cursor * 10 + (uint64_t)(s[i] - '0')) > UINT32_MAX) {
            return fail_value(d, XG_ERR_BAD_FIELD, "cursor", s, n,
                              "is not a next_cursor this gateway gave");
        }
    }
    out->cursor = (uint32_t)cursor;
    int64_t limit = XG_OPEN_ORDERS_PAGE;
    err = parse_int_field(j, "limit", 1, XG_OPEN_ORDERS_PAGE_MAX, d, &limit);
    out->limit = (uint32_t)limit;
    return err;
}

static const char *const fields_new_order[] = {
    "strategy", "client_order_id", "symbol", "side",       "order_type",  "tif",
    "qty",      "price",           "venues", "requantize", "max_wait_ms", NULL};
/* The order a request is about: its client_order_id and the strategy
 * that owns it, both required. */
static xg_err
parse_own_order(const xg_json *j, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_client_id(j, 1, out, d);
    return err == XG_OK ? parse_strategy(j, 1, out, d) : err;
}

static const char *const fields_by_id[] = {"client_order_id", "strategy", NULL};
static const char *const fields_order_fills[] = {"client_order_id", "strategy",
                                                 "cursor", "limit", NULL};
static const char *const fields_hello[] = {"strategy", NULL};
static const char *const fields_open_orders[] = {"strategy", "symbol", "venue",
                                                 "cursor",   "limit",  NULL};
static const char *const fields_cancel_all[] = {"strategy", "symbol", "venue",
                                                NULL};
static const char *const fields_amend[] = {
    "client_order_id", "strategy", "price", "qty", "requantize", NULL};
static const char *const fields_batch_new[] = {"orders", NULL};
static const char *const fields_balances[] = {"venue", "max_age_ms", NULL};
static const char *const fields_none[] = {NULL};

static int
is_listed(const xg_json *j, size_t key, const char *const *list)
{
    if (xg_json_is_string_eq(j, key, "type") ||
        xg_json_is_string_eq(j, key, "req_id")) {
        return 1;
    }
    for (size_t i = 0; list[i] != NULL; i++) {
        if (xg_json_is_string_eq(j, key, list[i])) {
            return 1;
        }
    }
    return 0;
}

/* Start a detail naming member key k of the request (hostile text, so
 * decoded into a bounded buffer and quoted through put_excerpt). */
static void
detail_key(xg_buf *d, const xg_json *j, size_t k, const char *before)
{
    char name[XG__FIELD_MAX];
    size_t n;
    xg_json_string(j, k, name, sizeof name, &n);
    xg_buf_reset(d);
    xg_buf_puts(d, before);
    xg_buf_puts(d, " \"");
    put_excerpt(d, name, n);
    xg_buf_putc(d, '"');
}

/* Two values for one field would leave the reader to pick one, and a
 * misspelt optional field ("requantise") would otherwise be ignored and
 * the order sent without it: repeated keys are malformed JSON, and any
 * field not in the list is refused. A valid request has a dozen fields,
 * so the pairwise check is bounded by the token budget. */
static xg_err
check_keys(const xg_json *j, xg_buf *d)
{
    size_t k = 1;
    for (uint32_t i = 0; i < j->tok[0].count; i++, k = j->tok[k + 1].next) {
        size_t other = j->tok[k + 1].next;
        for (uint32_t m = i + 1; m < j->tok[0].count;
             m++, other = j->tok[other + 1].next) {
            char name[XG__FIELD_MAX];
            if (xg_json_string(j, k, name, sizeof name, NULL) == XG_OK &&
                xg_json_is_string_eq(j, other, name)) {
                detail_key(d, j, k, "duplicate field");
                return XG_ERR_BAD_JSON;
            }
        }
    }
    return XG_OK;
}

static xg_err
check_fields(const xg_json *j, const char *type, const char *const *list,
             xg_buf *d)
{
    size_t k = 1;
    for (uint32_t i = 0; i < j->tok[0].count; i++, k = j->tok[k + 1].next) {
        if (!is_listed(j, k, list)) {
            detail_key(d, j, k, "unknown field");
            xg_buf_puts(d, " in ");
            xg_buf_puts(d, type);
            return XG_ERR_BAD_FIELD;
        }
    }
    return XG_OK;
}

static xg_err
parse_object(const xg_json *j, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_req_id(j, out, d);

    if (err != XG_OK) {
        return err;
    }
    /* Read the client id before anything can fail so a reject can carry
     * it; whether it is allowed and well-formed is checked below. */
    size_t cid;
    char s[XG__FIELD_MAX];
    size_t n;
    if (has_field(j, "client_order_id", &cid) &&
        xg_json_string(j, cid, s, sizeof s, &n) == XG_OK &&
        n < XG_CLIENT_ID_MAX && xg_client_id_validate(s) == XG_OK) {
        memcpy(out->order.client_id, s, n + 1);
    }

    char type[XG__FIELD_MAX];
    size_t type_len;
    int present;
    err = get_string(j, "type", 1, d, type, &type_len, &present);
    if (err != XG_OK) {
        return err;
    }
    const char *const *allowed;
    if (strcmp(type, "new_order") == 0) {
        out->kind = XG_MSG_NEW_ORDER;
        allowed = fields_new_order;
    } else if (strcmp(type, "cancel_order") == 0) {
        out->kind = XG_MSG_CANCEL_ORDER;
        allowed = fields_by_id;
    } else if (strcmp(type, "query_order") == 0) {
        out->kind = XG_MSG_QUERY_ORDER;
        allowed = fields_by_id;
    } else if (strcmp(type, "venue_status") == 0) {
        out->kind = XG_MSG_VENUE_STATUS;
        allowed = fields_none;
    } else if (strcmp(type, "hello") == 0) {
        out->kind = XG_MSG_HELLO;
        allowed = fields_hello;
    } else if (strcmp(type, "open_orders") == 0) {
        out->kind = XG_MSG_OPEN_ORDERS;
        allowed = fields_open_orders;
    } else if (strcmp(type, "cancel_all") == 0) {
        out->kind = XG_MSG_CANCEL_ALL;
        allowed = fields_cancel_all;
    } else if (strcmp(type, "amend_order") == 0) {
        out->kind = XG_MSG_AMEND_ORDER;
        allowed = fields_amend;
    } else if (strcmp(type, "batch_new") == 0) {
        out->kind = XG_MSG_BATCH_NEW;
        allowed = fields_batch_new;
    } else if (strcmp(type, "balances") == 0) {
        out->kind = XG_MSG_BALANCES;
        allowed = fields_balances;
    } else if (strcmp(type, "order_fills") == 0) {
        out->kind = XG_MSG_ORDER_FILLS;
        allowed = fields_order_fills;
    } else {
        return fail_value(d, XG_ERR_BAD_REQUEST, "type", type, type_len,
                          "is not new_order, batch_new, cancel_order, "
                          "query_order, order_fills, amend_order, "
                          "venue_status, hello, open_orders, cancel_all or "
                          "balances");
    }
    err = check_fields(j, type, allowed, d);
    if (err != XG_OK) {
        return err;
    }

    switch (out->kind) {
    case XG_MSG_NEW_ORDER:
        err = parse_client_id(j, 0, out, d);
        if (err == XG_OK) {
            err = parse_new_order(j, out, d);
        }
        return err;
    case XG_MSG_CANCEL_ORDER:
    case XG_MSG_QUERY_ORDER:
        return parse_own_order(j, out, d);
    case XG_MSG_VENUE_STATUS:
        return XG_OK;
    case XG_MSG_HELLO:
        return parse_strategy(j, 1, out, d);
    case XG_MSG_OPEN_ORDERS:
        err = parse_filters(j, out, d);
        if (err == XG_OK) {
            err = parse_page(j, out, d);
        }
        return err;
    case XG_MSG_CANCEL_ALL:
        return parse_filters(j, out, d);
    case XG_MSG_AMEND_ORDER:
        err = parse_own_order(j, out, d);
        return err == XG_OK ? parse_amend(j, out, d) : err;
    case XG_MSG_BATCH_NEW:
        return parse_batch_orders(j, out, d);
    case XG_MSG_BALANCES:
        return parse_balances(j, out, d);
    case XG_MSG_ORDER_FILLS:
        err = parse_own_order(j, out, d);
        return err == XG_OK ? parse_page(j, out, d) : err;
    }
    return XG_ERR_INTERNAL;
}

/* Values in one request: a new order with every field and four venues
 * needs 30, a batch_new of XG_BATCH_NEW_MAX of them 1,500; beyond this
 * the request cannot be valid. */
#define XG__MSG_TOKENS_MAX 2048

/* What a request's JSON object is read as. */
typedef xg_err (*read_object_fn)(const xg_json *j, xg_msg *out, xg_buf *d);

/* A batch_new order: a new_order's fields, no type or request id of its
 * own. */
static xg_err
parse_order_object(const xg_json *j, xg_msg *out, xg_buf *d)
{
    out->kind = XG_MSG_NEW_ORDER;
    size_t t;
    if (has_field(j, "type", &t) || has_field(j, "req_id", &t)) {
        return fail(d, XG_ERR_BAD_FIELD, "type/req_id",
                    "belong to the batch_new request, not to its orders");
    }
    xg_err err = check_fields(j, "batch_new order", fields_new_order, d);
    if (err == XG_OK) {
        err = parse_client_id(j, 0, out, d);
    }
    if (err == XG_OK) {
        err = parse_new_order(j, out, d);
    }
    return err;
}

static xg_err parse_text(const void *data, size_t len, read_object_fn read,
                         xg_msg *out, char *detail, size_t detail_len);

xg_err
xg__msg_parse(const void *data, size_t len, xg_msg *out, char *detail,
              size_t detail_len)
{
    return parse_text(data, len, parse_object, out, detail, detail_len);
}

xg_err
xg__msg_parse_order(const void *data, size_t len, xg_msg *out, char *detail,
                    size_t detail_len)
{
    return parse_text(data, len, parse_order_object, out, detail, detail_len);
}

/* Parse len bytes at data as one JSON object and read it with read. */
static xg_err
parse_text(const void *data, size_t len, read_object_fn read, xg_msg *out,
           char *detail, size_t detail_len)
{
    /* Details go into a scratch buffer first so callers may pass a NULL or
     * zero-length detail. */
    char scratch[XG_DETAIL_MAX];
    xg_buf d;
    xg_err err;

    assert(out != NULL);
    memset(out, 0, sizeof(*out));
    xg_buf_init(&d, scratch, sizeof(scratch));

    if (data == NULL && len > 0) {
        err = XG_ERR_INVALID;
    } else if (len > XG_MSG_MAX_BYTES) {
        /* Refused before parsing: size bounds the work a request costs. */
        xg_buf_puts(&d, "message of ");
        xg_buf_put_i64(&d, (int64_t)len);
        xg_buf_puts(&d, " bytes exceeds the limit of 65536");
        err = XG_ERR_TOO_LARGE;
    } else if (len == 0) {
        xg_buf_puts(&d, "empty message");
        err = XG_ERR_BAD_JSON;
    } else {
        xg_json_tok toks[XG__MSG_TOKENS_MAX];
        xg_json j;
        err = xg_json_parse(&j, data, len, toks, XG__MSG_TOKENS_MAX);
        if (err != XG_OK) {
            /* OVERFLOW: more values or deeper nesting than any request
             * has; still not a request, so the same code. */
            xg_buf_puts(&d, err == XG_ERR_OVERFLOW
                                ? "JSON too complex for a request at byte "
                                : "malformed JSON at byte ");
            xg_buf_put_i64(&d, (int64_t)j.err_pos);
            xg_buf_puts(&d, ": ");
            xg_buf_puts(&d, j.err_what);
            err = XG_ERR_BAD_JSON;
        } else if (xg_json_type_of(&j, 0) != XG_JSON_OBJECT) {
            xg_buf_puts(&d, "top level must be a JSON object");
            err = XG_ERR_BAD_JSON;
        } else {
            err = check_keys(&j, &d);
            if (err == XG_OK) {
                err = read(&j, out, &d);
            }
        }
    }
    if (detail != NULL && detail_len > 0) {
        detail[0] = '\0';
        if (err != XG_OK) {
            /* A short caller buffer gets a cut message, not none. */
            size_t n = d.len < detail_len - 1 ? d.len : detail_len - 1;
            memcpy(detail, scratch, n);
            detail[n] = '\0';
        }
    }
    return err;
}

/* ------------------------------------------------------------------ */
/* Encoders                                                           */
/* ------------------------------------------------------------------ */

/* Append s as a JSON string. Text from venues (error messages) may be any
 * bytes, and JSON must be UTF-8, so invalid sequences become '?' (in a
 * bounded copy; such strings are cut at XG__REPAIR_MAX bytes). NULL is
 * written as "". */
static void
put_text(xg_buf *b, const char *s)
{
    char fixed[XG__REPAIR_MAX];
    size_t n = s != NULL ? strlen(s) : 0;
    size_t i = 0;

    while (i < n) {
        size_t k = xg_utf8_seq_len((const unsigned char *)s + i, n - i);
        if (k == 0) {
            break;
        }
        i += k;
    }
    if (i == n) {
        xg_buf_put_json_string(b, s != NULL ? s : "", n);
        return;
    }
    size_t out = 0;
    i = 0;
    while (i < n && out < sizeof(fixed)) {
        size_t k = xg_utf8_seq_len((const unsigned char *)s + i, n - i);
        if (k == 0) {
            fixed[out++] = '?';
            i++;
        } else if (out + k <= sizeof(fixed)) {
            memcpy(fixed + out, s + i, k);
            out += k;
            i += k;
        } else {
            break;
        }
    }
    xg_buf_put_json_string(b, fixed, out);
}

/* `"key":` with a leading comma unless first. Keys are our literals. */
static void
put_key(xg_buf *b, const char *key, int first)
{
    if (!first) {
        xg_buf_putc(b, ',');
    }
    xg_buf_put_json_string(b, key, strlen(key));
    xg_buf_putc(b, ':');
}

static void
put_str_field(xg_buf *b, const char *key, const char *value, int first)
{
    put_key(b, key, first);
    put_text(b, value);
}

static void
put_i64_field(xg_buf *b, const char *key, int64_t value)
{
    put_key(b, key, 0);
    xg_buf_put_i64(b, value);
}

/* A decimal as a JSON string; XG_ERR_INVALID if it cannot be formatted
 * (scale out of range), which is a caller's bug rather than a short
 * buffer. */
static xg_err
put_decimal_field(xg_buf *b, const char *key, xg_decimal value)
{
    char tmp[XG_DECIMAL_STR_MAX];

    put_key(b, key, 0);
    if (xg_decimal_format(value, tmp, sizeof(tmp)) != XG_OK) {
        return XG_ERR_INVALID;
    }
    xg_buf_put_json_string(b, tmp, strlen(tmp));
    return XG_OK;
}

static const char *
text_or(const char *detail, const char *fallback)
{
    return detail != NULL && detail[0] != '\0' ? detail : fallback;
}

/* {"code":N,"name":"..","message":".." ...} without the closing brace. */
static void
put_error_open(xg_buf *b, xg_err err, const char *detail)
{
    xg_buf_putc(b, '{');
    put_key(b, "code", 1);
    xg_buf_put_i64(b, (int64_t)err);
    put_str_field(b, "name", xg_err_name(err), 0);
    put_str_field(b, "message", text_or(detail, xg_strerror(err)), 0);
}

/* Average prices carry this many decimals at most (rounded down; fewer
 * where the price is too large to hold them), trailing zeros dropped. */
#define AVG_PRICE_SCALE 12

static xg_err
avg_price(const xg_execution *e, xg_decimal *out)
{
    for (int scale = AVG_PRICE_SCALE; scale >= 0; scale--) {
        xg_err err = xg_decimal_div(e->filled_quote, e->filled_qty,
                                    (uint8_t)scale, XG_ROUND_DOWN, out);
        if (err != XG_ERR_OVERFLOW) {
            *out = xg_decimal_trim(*out);
            return err;
        }
    }
    return XG_ERR_OVERFLOW;
}

/* filled_qty always; the quote amount and average price, and the fee with
 * its currency, when the venue said them for that fill. The quote amount
 * and the fee may be sums or products ("34.000" from 0.001 * 34000.0),
 * so they go out in their shortest form. */
static xg_err
put_execution(xg_buf *b, const xg_execution *e)
{
    xg_decimal avg;
    xg_err err = put_decimal_field(b, "filled_qty", e->filled_qty);

    if (err == XG_OK && e->filled_qty.units > 0 && e->filled_quote.units > 0 &&
        avg_price(e, &avg) == XG_OK) {
        err = put_decimal_field(b, "filled_quote",
                                xg_decimal_trim(e->filled_quote));
        if (err == XG_OK) {
            err = put_decimal_field(b, "avg_price", avg);
        }
    }
    if (err == XG_OK && e->filled_qty.units > 0 && xg_execution_has_fee(e)) {
        err = put_decimal_field(b, "fee", xg_decimal_trim(e->fee));
        put_str_field(b, "fee_currency", e->fee_currency, 0);
    }
    return err;
}

static xg_err
put_order_object(xg_buf *b, const xg_order_view *v)
{
    const xg_order *o = v->order;
    xg_err err;

    xg_buf_putc(b, '{');
    put_str_field(b, "client_order_id", o->client_id, 1);
    put_str_field(b, "strategy", o->strategy_id, 0);
    put_str_field(b, "symbol", o->symbol, 0);
    put_str_field(b, "side", xg_side_name(o->side), 0);
    put_str_field(b, "order_type", xg_order_type_name(o->type), 0);
    put_str_field(b, "tif", xg_tif_name(o->tif), 0);
    err = put_decimal_field(b, "qty", o->qty);
    if (err == XG_OK && o->type != XG_TYPE_MARKET) {
        err = put_decimal_field(b, "price", o->price);
    }
    if (err != XG_OK) {
        return err;
    }
    put_str_field(b, "status", xg_order_status_name(v->status), 0);
    put_str_field(b, "venue", v->venue, 0);
    put_str_field(b, "venue_client_order_id", v->venue_client_id, 0);
    put_str_field(b, "venue_order_id", v->venue_order_id, 0);
    err = put_execution(b, &v->exec);
    if (err != XG_OK) {
        return err;
    }
    if (v->err != XG_OK) {
        put_key(b, "error", 0);
        put_error_open(b, v->err, v->detail);
        put_str_field(b, "venue_code", v->venue_code, 0);
        put_str_field(b, "venue_msg", v->venue_msg, 0);
        xg_buf_putc(b, '}');
    }
    xg_buf_putc(b, '}');
    return XG_OK;
}

static void
put_reply_head(xg_buf *b, const char *req_id, const char *start_id, int ok)
{
    xg_buf_putc(b, '{');
    put_str_field(b, "type", "reply", 1);
    put_str_field(b, "req_id", req_id, 0);
    put_key(b, "ok", 0);
    xg_buf_puts(b, ok ? "true" : "false");
    put_str_field(b, "start_id", start_id, 0);
}

xg_err
xg__encode_reply_error(xg_buf *b, const char *req_id, const char *start_id,
                       const char *client_id, xg_err err, const char *detail)
{
    if (b == NULL) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 0);
    put_str_field(b, "client_order_id", client_id, 0);
    put_key(b, "error", 0);
    put_error_open(b, err, detail);
    xg_buf_puts(b, "}}");
    return xg_buf_status(b);
}

xg_err
xg__encode_reply_order(xg_buf *b, const char *req_id, const char *start_id,
                       const xg_order_view *v)
{
    return xg__encode_reply_amend(b, req_id, start_id, v, NULL);
}

xg_err
xg__encode_reply_amend(xg_buf *b, const char *req_id, const char *start_id,
                       const xg_order_view *v, const char *how)
{
    if (b == NULL || v == NULL || v->order == NULL) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    if (how != NULL) {
        put_str_field(b, "amend", how, 0);
    }
    put_key(b, "order", 0);
    xg_err err = put_order_object(b, v);
    if (err != XG_OK) {
        return err;
    }
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

/* The page's next_cursor field: "" after the last page. */
static void
put_next_cursor(xg_buf *b, uint32_t next_cursor)
{
    char next[16] = "";
    if (next_cursor != 0) {
        snprintf(next, sizeof next, "%u", (unsigned)next_cursor);
    }
    put_str_field(b, "next_cursor", next, 0);
}

static const char *
liquidity_name(xg_liquidity l)
{
    return l == XG_LIQUIDITY_MAKER   ? "maker"
           : l == XG_LIQUIDITY_TAKER ? "taker"
                                     : "";
}

/* One trade as a fill event and an order_fills reply show it. */
static xg_err
put_fill_object(xg_buf *b, const xg_fill *fill)
{
    xg_buf_putc(b, '{');
    put_str_field(b, "trade_id", fill->trade_id, 1);
    xg_err err = put_decimal_field(b, "qty", xg_decimal_trim(fill->qty));
    if (err == XG_OK) {
        err = put_decimal_field(b, "price", xg_decimal_trim(fill->price));
    }
    if (err == XG_OK && fill->fee_currency[0] != '\0') {
        err = put_decimal_field(b, "fee", xg_decimal_trim(fill->fee));
        put_str_field(b, "fee_currency", fill->fee_currency, 0);
    }
    if (err != XG_OK) {
        return err;
    }
    put_str_field(b, "liquidity", liquidity_name(fill->liquidity), 0);
    put_i64_field(b, "time_ms", fill->time_ms);
    xg_buf_putc(b, '}');
    return XG_OK;
}

xg_err
xg__encode_reply_orders(xg_buf *b, const char *req_id, const char *start_id,
                        const xg_order_view *v, size_t n, uint32_t next_cursor)
{
    if (b == NULL || (v == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    put_key(b, "orders", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        if (v[i].order == NULL) {
            return XG_ERR_INVALID;
        }
        xg_err err = put_order_object(b, &v[i]);
        if (err != XG_OK) {
            return err;
        }
    }
    xg_buf_putc(b, ']');
    put_next_cursor(b, next_cursor);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_reply_fills(xg_buf *b, const char *req_id, const char *start_id,
                       const xg_order_view *v, const xg_fill *const *fills,
                       size_t n, uint32_t next_cursor)
{
    if (b == NULL || v == NULL || v->order == NULL ||
        (fills == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    put_key(b, "order", 0);
    xg_err err = put_order_object(b, v);
    if (err != XG_OK) {
        return err;
    }
    put_key(b, "fills", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        if ((err = put_fill_object(b, fills[i])) != XG_OK) {
            return err;
        }
    }
    xg_buf_putc(b, ']');
    put_next_cursor(b, next_cursor);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_reply_cancel_all(xg_buf *b, const char *req_id, const char *start_id,
                            const char *const *ids, size_t n, int has_more)
{
    if (b == NULL || (ids == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    put_key(b, "client_order_ids", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        xg_buf_put_json_string(b, ids[i], strlen(ids[i]));
    }
    xg_buf_putc(b, ']');
    put_key(b, "more", 0);
    xg_buf_puts(b, has_more ? "true" : "false");
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_reply_ok(xg_buf *b, const char *req_id, const char *start_id)
{
    if (b == NULL) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

static void
put_venue_object(xg_buf *b, const xg_venue_view *v)
{
    xg_buf_putc(b, '{');
    put_str_field(b, "name", v->name, 1);
    put_str_field(b, "state", v->state, 0);
    put_i64_field(b, "until_ms", v->until_ms);
    put_str_field(b, "reason", v->reason, 0);
    put_i64_field(b, "queued", (int64_t)v->queued);
    put_i64_field(b, "in_flight", (int64_t)v->in_flight);
    put_i64_field(b, "open_orders", (int64_t)v->open_orders);
    if (v->stream != NULL) {
        put_str_field(b, "stream", v->stream, 0);
        put_str_field(b, "stream_reason",
                      v->stream_reason != NULL ? v->stream_reason : "", 0);
    }
    if (v->limits != NULL) {
        put_str_field(b, "limits", v->limits, 0);
        put_str_field(b, "limits_reason",
                      v->limits_reason != NULL ? v->limits_reason : "", 0);
        put_str_field(b, "gateway", v->gateway != NULL ? v->gateway : "", 0);
        put_str_field(b, "account", v->account != NULL ? v->account : "", 0);
    }
    put_key(b, "buckets", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < v->n_buckets; i++) {
        const xg_bucket_view *k = &v->buckets[i];
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        xg_buf_putc(b, '{');
        put_str_field(b, "name", k->name, 1);
        put_i64_field(b, "used", k->used);
        put_i64_field(b, "limit", k->limit);
        xg_buf_putc(b, '}');
    }
    xg_buf_puts(b, "]}");
}

xg_err
xg__encode_reply_venues(xg_buf *b, const char *req_id, const char *start_id,
                        const xg_venue_view *v, size_t n)
{
    if (b == NULL || (v == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    put_key(b, "venues", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        if (v[i].buckets == NULL && v[i].n_buckets > 0) {
            return XG_ERR_INVALID;
        }
        put_venue_object(b, &v[i]);
    }
    xg_buf_puts(b, "]}");
    return xg_buf_status(b);
}

/* {"type":..,"start_id":..,"ts_ms":.. without the closing brace. */
static void
put_event_head(xg_buf *b, const char *type, const xg_stamp *st)
{
    xg_buf_putc(b, '{');
    put_str_field(b, "type", type, 1);
    put_str_field(b, "start_id", st->start_id, 0);
    put_i64_field(b, "ts_ms", st->ts_ms);
}

xg_err
xg__encode_order_event(xg_buf *b, const char *event, const xg_order_view *v,
                       const xg_stamp *st)
{
    if (b == NULL || event == NULL || v == NULL || v->order == NULL ||
        st == NULL) {
        return XG_ERR_INVALID;
    }
    xg_buf_putc(b, '{');
    put_str_field(b, "type", "order", 1);
    put_str_field(b, "event", event, 0);
    put_str_field(b, "start_id", st->start_id, 0);
    put_i64_field(b, "ts_ms", st->ts_ms);
    put_key(b, "order", 0);
    xg_err err = put_order_object(b, v);
    if (err != XG_OK) {
        return err;
    }
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_rerouted_event(xg_buf *b, const xg_order *o,
                          const xg_reroute_view *r, const xg_stamp *st)
{
    if (b == NULL || o == NULL || r == NULL || st == NULL ||
        (r->skipped == NULL && r->n_skipped > 0)) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "rerouted", st);
    put_str_field(b, "client_order_id", o->client_id, 0);
    put_str_field(b, "strategy", o->strategy_id, 0);
    put_str_field(b, "from", r->from, 0);
    put_str_field(b, "to", r->to, 0);
    put_str_field(b, "reason", r->reason, 0);
    put_i64_field(b, "ban_until_ms", r->ban_until_ms);
    put_key(b, "skipped", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < r->n_skipped; i++) {
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        xg_buf_putc(b, '{');
        put_str_field(b, "venue", r->skipped[i].venue, 1);
        put_str_field(b, "reason", r->skipped[i].reason, 0);
        put_i64_field(b, "until_ms", r->skipped[i].until_ms);
        xg_buf_putc(b, '}');
    }
    xg_buf_puts(b, "]}");
    return xg_buf_status(b);
}

xg_err
xg__encode_reply_batch(xg_buf *b, const char *req_id, const char *start_id,
                       const xg_placed_view *r, size_t n)
{
    if (b == NULL || (r == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    put_key(b, "results", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        xg_buf_putc(b, '{');
        put_key(b, "ok", 1);
        if (r[i].view != NULL) {
            xg_buf_puts(b, "true");
            put_key(b, "order", 0);
            xg_err err = put_order_object(b, r[i].view);
            if (err != XG_OK) {
                return err;
            }
            xg_buf_putc(b, '}');
            continue;
        }
        xg_buf_puts(b, "false");
        put_str_field(b, "client_order_id", r[i].client_id, 0);
        put_key(b, "error", 0);
        put_error_open(b, r[i].err, r[i].detail);
        xg_buf_puts(b, "}}");
    }
    xg_buf_puts(b, "]}");
    return xg_buf_status(b);
}

/* "venue":..,"ts_ms":..,"age_ms":..,"refreshing":..,"assets":[..]
 * (members of an object already open, venue its first when first; the
 * cache's times and state only when is_reply). */
static xg_err
put_balances_members(xg_buf *b, const xg_balances_view *v, int first,
                     int is_reply)
{
    put_str_field(b, "venue", v->venue, first);
    if (is_reply) {
        put_i64_field(b, "ts_ms", v->ts_ms);
        put_i64_field(b, "age_ms", v->age_ms);
        put_key(b, "refreshing", 0);
        xg_buf_puts(b, v->refreshing ? "true" : "false");
    }
    put_key(b, "assets", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < v->n; i++) {
        const xg_balance *a = &v->assets[i];
        if (i > 0) {
            xg_buf_putc(b, ',');
        }
        xg_buf_putc(b, '{');
        put_str_field(b, "asset", a->asset, 1);
        xg_err err = put_decimal_field(b, "free", a->free);
        if (err == XG_OK) {
            err = put_decimal_field(b, "locked", a->locked);
        }
        if (err != XG_OK) {
            return err;
        }
        xg_buf_putc(b, '}');
    }
    xg_buf_putc(b, ']');
    return XG_OK;
}

xg_err
xg__encode_reply_balances(xg_buf *b, const char *req_id, const char *start_id,
                          const xg_balances_view *v, size_t n)
{
    if (b == NULL || (v == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, start_id, 1);
    put_key(b, "balances", 0);
    xg_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        xg_buf_puts(b, i > 0 ? ",{" : "{");
        xg_err err = put_balances_members(b, &v[i], 1, 1);
        if (err != XG_OK) {
            return err;
        }
        xg_buf_putc(b, '}');
    }
    xg_buf_puts(b, "]}");
    return xg_buf_status(b);
}

xg_err
xg__encode_balances_event(xg_buf *b, const xg_balances_view *v,
                          const xg_stamp *st)
{
    if (b == NULL || v == NULL || st == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "balances", st);
    xg_err err = put_balances_members(b, v, 0, 0);
    if (err != XG_OK) {
        return err;
    }
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_venue_event(xg_buf *b, const xg_venue_view *v, const xg_stamp *st)
{
    if (b == NULL || v == NULL || st == NULL ||
        (v->buckets == NULL && v->n_buckets > 0)) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "venue", st);
    put_key(b, "venue", 0);
    put_venue_object(b, v);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_fill_event(xg_buf *b, const xg_fill *fill, const xg_order_view *v,
                      const xg_stamp *st)
{
    if (b == NULL || fill == NULL || v == NULL || st == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "fill", st);
    put_key(b, "fill", 0);
    xg_err err = put_fill_object(b, fill);
    if (err != XG_OK) {
        return err;
    }
    put_key(b, "order", 0);
    if ((err = put_order_object(b, v)) != XG_OK) {
        return err;
    }
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_wait_event(xg_buf *b, const char *venue, const xg_order *o,
                      int64_t wait_ms, const char *reason, const xg_stamp *st)
{
    if (b == NULL || o == NULL || st == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "rate_limit_wait", st);
    put_str_field(b, "venue", venue, 0);
    put_str_field(b, "client_order_id", o->client_id, 0);
    put_str_field(b, "strategy", o->strategy_id, 0);
    put_i64_field(b, "wait_ms", wait_ms);
    put_str_field(b, "reason", reason, 0);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_hello_event(xg_buf *b, const char *req_id, const xg_stamp *st)
{
    if (b == NULL || st == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "hello", st);
    put_str_field(b, "req_id", req_id, 0);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_started_event(xg_buf *b, const xg_stamp *st)
{
    if (b == NULL || st == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "gateway_started", st);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}
