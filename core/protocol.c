/*
 * protocol.c - the strategy API's messages: request parsing and the
 * encoders for replies and events.
 *
 * Every request a strategy sends passes through xg__msg_parse before the
 * gateway looks at it, so this module is where hostile or careless input is
 * stopped: size is checked before any parsing, Jansson parses the bytes
 * (which are not NUL-terminated and may contain NULs), and each field is
 * checked for presence, type and range, with unknown fields refused so a
 * typo never silently changes an order. Checks that need a venue (symbol
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
#include <string.h>

#include <jansson.h>

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
json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

static xg_err
fail_type(xg_buf *d, const char *field, const char *want, const json_t *v)
{
    xg_buf_reset(d);
    detail_field(d, field, strlen(field));
    xg_buf_puts(d, " must be ");
    xg_buf_puts(d, want);
    xg_buf_puts(d, ", not ");
    xg_buf_puts(d, json_kind(v));
    return XG_ERR_BAD_FIELD;
}

/* ------------------------------------------------------------------ */
/* Field access                                                       */
/* ------------------------------------------------------------------ */

/* A string field: *s is NULL when absent (an error if required). Jansson
 * refuses "\u0000" without JSON_ALLOW_NUL, so the value is a C string of
 * length *n. */
static xg_err
get_string(const json_t *root, const char *field, int required, xg_buf *d,
           const char **s, size_t *n)
{
    const json_t *v = json_object_get(root, field);

    *s = NULL;
    *n = 0;
    if (v == NULL) {
        return required ? fail(d, XG_ERR_BAD_FIELD, field, "is required")
                        : XG_OK;
    }
    if (!json_is_string(v)) {
        return fail_type(d, field, "a string", v);
    }
    *s = json_string_value(v);
    *n = json_string_length(v);
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
parse_req_id(const json_t *root, xg_msg *out, xg_buf *d)
{
    const char *s;
    size_t n;
    xg_err err = get_string(root, "req_id", 0, d, &s, &n);

    if (err != XG_OK || s == NULL) {
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
parse_client_id(const json_t *root, int required, xg_msg *out, xg_buf *d)
{
    const char *s;
    size_t n;
    xg_err err = get_string(root, "client_order_id", required, d, &s, &n);

    if (err != XG_OK || s == NULL) {
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
parse_strategy(const json_t *root, int required, xg_msg *out, xg_buf *d)
{
    const char *s;
    size_t n;
    xg_err err = get_string(root, "strategy", required, d, &s, &n);

    if (err != XG_OK || s == NULL) {
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
parse_positive_decimal(const json_t *root, const char *field, xg_err bad_sign,
                       xg_buf *d, xg_decimal *out)
{
    const json_t *v = json_object_get(root, field);

    if (v == NULL) {
        return fail(d, XG_ERR_BAD_FIELD, field, "is required");
    }
    if (json_is_number(v)) {
        return fail(d, XG_ERR_BAD_FIELD, field,
                    "must be a decimal string such as \"0.001\", not a "
                    "JSON number");
    }
    if (!json_is_string(v)) {
        return fail_type(d, field, "a decimal string", v);
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
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
parse_symbol(const json_t *root, xg_msg *out, xg_buf *d)
{
    const char *s;
    size_t n;
    xg_err err = get_string(root, "symbol", 1, d, &s, &n);

    if (err != XG_OK) {
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
parse_enums(const json_t *root, xg_msg *out, xg_buf *d)
{
    const char *s;
    size_t n;
    xg_err err;

    err = get_string(root, "side", 1, d, &s, &n);
    if (err != XG_OK) {
        return err;
    }
    if (xg_side_parse(s, &out->order.side) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_SIDE, "side", s, n,
                          "is not BUY or SELL");
    }
    err = get_string(root, "order_type", 1, d, &s, &n);
    if (err != XG_OK) {
        return err;
    }
    if (xg_order_type_parse(s, &out->order.type) != XG_OK) {
        return fail_value(d, XG_ERR_BAD_TYPE, "order_type", s, n,
                          "is not LIMIT or MARKET");
    }
    err = get_string(root, "tif", 0, d, &s, &n);
    if (err != XG_OK) {
        return err;
    }
    if (s == NULL) {
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
parse_venues(const json_t *root, xg_msg *out, xg_buf *d)
{
    const json_t *arr = json_object_get(root, "venues");

    if (arr == NULL) {
        return XG_OK;
    }
    if (!json_is_array(arr)) {
        return fail_type(d, "venues", "an array of venue names", arr);
    }
    if (json_array_size(arr) > XG_MAX_ROUTE) {
        return fail(d, XG_ERR_BAD_FIELD, "venues", "lists more than 4 venues");
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        if (!json_is_string(v)) {
            return fail_type(d, "venues", "an array of strings", v);
        }
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
        int ok = n >= 1 && n < XG_VENUE_NAME_MAX;
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

static xg_err
parse_options(const json_t *root, xg_msg *out, xg_buf *d)
{
    const json_t *v = json_object_get(root, "requantize");

    if (v != NULL) {
        if (!json_is_boolean(v)) {
            return fail_type(d, "requantize", "true or false", v);
        }
        out->requantize = json_is_true(v);
    }
    v = json_object_get(root, "max_wait_ms");
    if (v != NULL) {
        if (!json_is_integer(v)) {
            return fail_type(d, "max_wait_ms", "an integer", v);
        }
        json_int_t ms = json_integer_value(v);
        if (ms < 0 || ms > XG_MAX_WAIT_MS_MAX) {
            return fail(d, XG_ERR_BAD_FIELD, "max_wait_ms",
                        "must be between 0 and 86400000");
        }
        out->max_wait_ms = (int64_t)ms;
    }
    return XG_OK;
}

static xg_err
parse_new_order(const json_t *root, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_strategy(root, 1, out, d);

    if (err == XG_OK) {
        err = parse_symbol(root, out, d);
    }
    if (err == XG_OK) {
        err = parse_enums(root, out, d);
    }
    if (err == XG_OK) {
        err = parse_positive_decimal(root, "qty", XG_ERR_BAD_QTY, d,
                                     &out->order.qty);
    }
    if (err != XG_OK) {
        return err;
    }
    int has_price = json_object_get(root, "price") != NULL;
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
        err = parse_positive_decimal(root, "price", XG_ERR_BAD_PRICE, d,
                                     &out->order.price);
        if (err != XG_OK) {
            return err;
        }
    }
    err = parse_venues(root, out, d);
    if (err == XG_OK) {
        err = parse_options(root, out, d);
    }
    return err;
}

/* Fields each request type may carry besides "type" and "req_id". */
static const char *const fields_new_order[] = {
    "strategy", "client_order_id", "symbol", "side",       "order_type",  "tif",
    "qty",      "price",           "venues", "requantize", "max_wait_ms", NULL};
static const char *const fields_by_id[] = {"client_order_id", "strategy", NULL};
static const char *const fields_none[] = {NULL};

static int
is_listed(const char *key, const char *const *list)
{
    if (strcmp(key, "type") == 0 || strcmp(key, "req_id") == 0) {
        return 1;
    }
    for (size_t i = 0; list[i] != NULL; i++) {
        if (strcmp(key, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A misspelt optional field ("requantise") would otherwise be ignored and
 * the order sent without it, so any field not in the list is refused. */
static xg_err
check_fields(json_t *root, const char *type, const char *const *list, xg_buf *d)
{
    const char *key;
    json_t *value;

    json_object_foreach(root, key, value)
    {
        (void)value;
        if (!is_listed(key, list)) {
            xg_buf_reset(d);
            xg_buf_puts(d, "unknown field \"");
            put_excerpt(d, key, strlen(key));
            xg_buf_puts(d, "\" in ");
            xg_buf_puts(d, type);
            return XG_ERR_BAD_FIELD;
        }
    }
    return XG_OK;
}

static xg_err
parse_object(json_t *root, xg_msg *out, xg_buf *d)
{
    xg_err err = parse_req_id(root, out, d);

    if (err != XG_OK) {
        return err;
    }
    /* Read the client id before anything can fail so a reject can carry
     * it; whether it is allowed and well-formed is checked below. */
    const json_t *cid = json_object_get(root, "client_order_id");
    if (json_is_string(cid) && json_string_length(cid) < XG_CLIENT_ID_MAX &&
        xg_client_id_validate(json_string_value(cid)) == XG_OK) {
        memcpy(out->order.client_id, json_string_value(cid),
               json_string_length(cid) + 1);
    }

    const char *type;
    size_t type_len;
    err = get_string(root, "type", 1, d, &type, &type_len);
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
    } else {
        return fail_value(d, XG_ERR_BAD_REQUEST, "type", type, type_len,
                          "is not new_order, cancel_order, query_order or "
                          "venue_status");
    }
    err = check_fields(root, type, allowed, d);
    if (err != XG_OK) {
        return err;
    }

    switch (out->kind) {
    case XG_MSG_NEW_ORDER:
        err = parse_client_id(root, 0, out, d);
        if (err == XG_OK) {
            err = parse_new_order(root, out, d);
        }
        return err;
    case XG_MSG_CANCEL_ORDER:
    case XG_MSG_QUERY_ORDER:
        err = parse_client_id(root, 1, out, d);
        if (err == XG_OK) {
            err = parse_strategy(root, 0, out, d);
        }
        return err;
    case XG_MSG_VENUE_STATUS:
        return XG_OK;
    }
    return XG_ERR_INTERNAL;
}

xg_err
xg__msg_parse(const void *data, size_t len, xg_msg *out, char *detail,
              size_t detail_len)
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
        json_error_t jerr;
        json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
        if (root == NULL) {
            xg_buf_puts(&d, "malformed JSON at byte ");
            xg_buf_put_i64(&d, (int64_t)jerr.position);
            xg_buf_puts(&d, ": ");
            /* Jansson's text may quote the offending token. */
            put_excerpt(&d, jerr.text, strnlen(jerr.text, sizeof(jerr.text)));
            err = XG_ERR_BAD_JSON;
        } else if (!json_is_object(root)) {
            xg_buf_puts(&d, "top level must be an object");
            json_decref(root);
            err = XG_ERR_BAD_JSON;
        } else {
            err = parse_object(root, out, &d);
            json_decref(root);
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

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if the
 * bytes there are not one (overlong, surrogate, beyond U+10FFFF, cut). */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    uint32_t cp;

    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
        cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n < need) {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0u) != 0x80u) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if ((need == 3 && cp < 0x800u) || (need == 4 && cp < 0x10000u) ||
        (cp >= 0xd800u && cp <= 0xdfffu) || cp > 0x10ffffu) {
        return 0;
    }
    return need;
}

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
        size_t k = utf8_seq_len((const unsigned char *)s + i, n - i);
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
        size_t k = utf8_seq_len((const unsigned char *)s + i, n - i);
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
    err = put_decimal_field(b, "filled_qty", v->filled_qty);
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
put_reply_head(xg_buf *b, const char *req_id, int ok)
{
    xg_buf_putc(b, '{');
    put_str_field(b, "type", "reply", 1);
    put_str_field(b, "req_id", req_id, 0);
    put_key(b, "ok", 0);
    xg_buf_puts(b, ok ? "true" : "false");
}

xg_err
xg__encode_reply_error(xg_buf *b, const char *req_id, const char *client_id,
                       xg_err err, const char *detail)
{
    if (b == NULL) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, 0);
    put_str_field(b, "client_order_id", client_id, 0);
    put_key(b, "error", 0);
    put_error_open(b, err, detail);
    xg_buf_puts(b, "}}");
    return xg_buf_status(b);
}

xg_err
xg__encode_reply_order(xg_buf *b, const char *req_id, const xg_order_view *v)
{
    if (b == NULL || v == NULL || v->order == NULL) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, 1);
    put_key(b, "order", 0);
    xg_err err = put_order_object(b, v);
    if (err != XG_OK) {
        return err;
    }
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
xg__encode_reply_venues(xg_buf *b, const char *req_id, const xg_venue_view *v,
                        size_t n)
{
    if (b == NULL || (v == NULL && n > 0)) {
        return XG_ERR_INVALID;
    }
    put_reply_head(b, req_id, 1);
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

static void
put_event_head(xg_buf *b, const char *type, int64_t ts_ms)
{
    xg_buf_putc(b, '{');
    put_str_field(b, "type", type, 1);
    put_i64_field(b, "ts_ms", ts_ms);
}

xg_err
xg__encode_order_event(xg_buf *b, const char *event, const xg_order_view *v,
                       int64_t ts_ms)
{
    if (b == NULL || event == NULL || v == NULL || v->order == NULL) {
        return XG_ERR_INVALID;
    }
    xg_buf_putc(b, '{');
    put_str_field(b, "type", "order", 1);
    put_str_field(b, "event", event, 0);
    put_i64_field(b, "ts_ms", ts_ms);
    put_key(b, "order", 0);
    xg_err err = put_order_object(b, v);
    if (err != XG_OK) {
        return err;
    }
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_rerouted_event(xg_buf *b, const xg_order *o, const char *from,
                          const char *to, const char *reason,
                          int64_t ban_until_ms, int64_t ts_ms)
{
    if (b == NULL || o == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "rerouted", ts_ms);
    put_str_field(b, "client_order_id", o->client_id, 0);
    put_str_field(b, "strategy", o->strategy_id, 0);
    put_str_field(b, "from", from, 0);
    put_str_field(b, "to", to, 0);
    put_str_field(b, "reason", reason, 0);
    put_i64_field(b, "ban_until_ms", ban_until_ms);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_venue_event(xg_buf *b, const xg_venue_view *v, int64_t ts_ms)
{
    if (b == NULL || v == NULL || (v->buckets == NULL && v->n_buckets > 0)) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "venue", ts_ms);
    put_key(b, "venue", 0);
    put_venue_object(b, v);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}

xg_err
xg__encode_wait_event(xg_buf *b, const char *venue, const xg_order *o,
                      int64_t wait_ms, const char *reason, int64_t ts_ms)
{
    if (b == NULL || o == NULL) {
        return XG_ERR_INVALID;
    }
    put_event_head(b, "rate_limit_wait", ts_ms);
    put_str_field(b, "venue", venue, 0);
    put_str_field(b, "client_order_id", o->client_id, 0);
    put_str_field(b, "strategy", o->strategy_id, 0);
    put_i64_field(b, "wait_ms", wait_ms);
    put_str_field(b, "reason", reason, 0);
    xg_buf_putc(b, '}');
    return xg_buf_status(b);
}
