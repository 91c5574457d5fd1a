/*
 * parse.c - Binance spot responses into xgate's unified results.
 *
 * Every answer goes through binance_parse: usage headers become xg_usage
 * entries, error answers go through one error table (venue code, HTTP
 * status and message text -> outcome and unified error), and success
 * bodies become an order report, the server time, the open orders or the
 * instruments with the venue's advertised rate limits. The instance's
 * bucket list is replaced here when exchangeInfo arrives (limits.c turns it
 * into specs). The answers to an amend are read in parse_amend.c, those
 * of a cancel-all and the balances in parse_account.c, both with this
 * file's order reader, and an order's trades in parse_fills.c; building
 * requests is requests.c's job.
 *
 * Bodies are hostile until proven otherwise: they are checked by the
 * strict reader of xgate/json.h over exactly body_len bytes (its token
 * array lives in the instance and only grows, so the answers on the order
 * path allocate nothing), every field is type-checked, numbers too large
 * for their type are refused by the integer or decimal parser, and text
 * copied into a result is truncated and made printable. A malformed answer is
 * an outcome, never a crash: UNKNOWN for a new order, a cancel or an amend
 * (the order may have changed), REJECTED with XG_ERR_BAD_RESPONSE for the
 * read-only operations, which change nothing and can simply be asked again.
 */
#include "binance.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* --- small helpers ----------------------------------------------------- */

xg_err
binance_decimal(const char *s, size_t len, xg_decimal *out)
{
    /* Binance pads to 8 places ("0.01000000"); drop the padding before
     * parsing so the scale is the real precision and long paddings do not
     * exceed XG_DECIMAL_MAX_SCALE. */
    return xg_decimal_parse_padded(s, len, out);
}

/* --- the error table --------------------------------------------------- */

/*
 * First match wins. Sources: fact sheet "Error codes a gateway must map",
 * "Rate-limit model" and "Surprises".
 *
 * - Bans first: a -1003 saying "IP banned until" is a ban whatever the
 *   HTTP status, and 418 is a ban whatever the body.
 * - 429 (any code, -1003 weight or -1015 order count) is rate limiting;
 *   so are -1003 and -1015 seen with another status.
 * - -1008 is server overload, not a quota breach: the request was refused
 *   before execution, so it is RATE_LIMITED with a 1 s back-off.
 * - 403 is Binance's WAF; it says nothing about the credentials, so it is
 *   a plain rejection labelled "WAF" (an operator must look at it).
 * - 5xx, -1000, -1001, -1006 and -1007 mean "execution status unknown"
 *   (Binance: do not treat as failure). For a new order or cancel that is
 *   UNKNOWN, to be reconciled by client id; for reads nothing changed, so
 *   they are REJECTED with XG_ERR_VENUE_DOWN and may be asked again.
 * - Statuses that are neither 2xx, 4xx nor 5xx are unexpected answers:
 *   treated like unparseable bodies.
 * - Anything else is REJECTED with XG_ERR_REJECTED.
 */
static const xg_err_rule binance_errors[] = {
    XG_ERR_RULE(0, 0, -1003, "IP banned until", XG_OPS_ALL, XG_OUTCOME_BANNED,
                XG_ERR_BANNED, 0),
    XG_ERR_RULE(418, 418, 0, NULL, XG_OPS_ALL, XG_OUTCOME_BANNED, XG_ERR_BANNED,
                0),
    XG_ERR_RULE(429, 429, 0, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 0),
    XG_ERR_RULE(0, 0, -1003, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 0),
    XG_ERR_RULE(0, 0, -1015, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 0),
    XG_ERR_RULE(0, 0, -1008, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 1000),
    {{403, 403, 0, NULL, XG_OPS_ALL},
     XG_OUTCOME_REJECTED,
     XG_ERR_REJECTED,
     0,
     0,
     "WAF"},
    XG_ERR_RULE(0, 0, -1021, NULL, XG_OPS_ALL, XG_OUTCOME_RESYNC,
                XG_ERR_TIMESTAMP, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(500, 599, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, -1000),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, -1001),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, -1006),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, -1007),
    XG_ERR_RULES_ODD_STATUS,
    XG_ERR_RULE(0, 0, -2010, "insufficient balance", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS, 0),
    XG_ERR_RULE(0, 0, -2010, "Duplicate order sent.", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID, 0),
    XG_ERR_RULE(0, 0, -2010, "Market is closed.", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_MARKET_CLOSED, 0),
    XG_ERR_RULE_REJECT(-2010, XG_ERR_REJECTED),
    XG_ERR_RULE(0, 0, -1013, "Market is closed.", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_MARKET_CLOSED, 0),
    XG_ERR_RULE_REJECT(-1013, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(-1121, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE_REJECT(-2013, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(-2011, XG_ERR_ORDER_NOT_FOUND),
    /* keepPriority's refusals: -2038 ORDER_AMEND_REJECTED with the
     * matching engine's message (errors.md): the order is not open, the
     * quantity is not below the order's, or a filter (MAX_NUM_ORDER_AMENDS
     * among them) refuses it. */
    XG_ERR_RULE(0, 0, -2038, "Unknown order sent.", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND, 0),
    XG_ERR_RULE(0, 0, -2038, "quantity increase", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0),
    XG_ERR_RULE(0, 0, -2038, "would change no state", XG_OPS_ALL,
                XG_OUTCOME_REJECTED, XG_ERR_FILTER, 0),
    XG_ERR_RULE(0, 0, -2038, "Filter failure", XG_OPS_ALL, XG_OUTCOME_REJECTED,
                XG_ERR_FILTER, 0),
    XG_ERR_RULE_REJECT(-2038, XG_ERR_REJECTED),
    XG_ERR_RULE_REJECT(-1022, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(-2014, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(-2015, XG_ERR_AUTH),
};

/* "... IP banned until 1620286253180. ..." -> 1620286253180. */
static xg_err
binance_banned_until(const char *msg, int64_t *until_ms)
{
    static const char key[] = "banned until";
    size_t n = sizeof(key) - 1;
    const char *p = NULL;
    size_t digits = 0;

    for (const char *q = msg; *q != '\0'; q++) {
        if (strncmp(q, key, n) == 0) {
            p = q + n;
            break;
        }
    }
    if (p == NULL) {
        return XG_ERR_NOT_FOUND;
    }
    while (*p == ' ') {
        p++;
    }
    while (p[digits] >= '0' && p[digits] <= '9') {
        digits++;
    }
    if (xg_header_i64(p, digits, until_ms) != XG_OK || *until_ms <= 0) {
        return XG_ERR_INVALID;
    }
    return XG_OK;
}

/* Retry-After in seconds as milliseconds; XG_ERR_NOT_FOUND if absent or
 * unusable (an HTTP-date form or garbage gives no hint rather than a
 * wrong one). */
static xg_err
binance_retry_after_ms(const xg_http_response *resp, int64_t *ms)
{
    int64_t s = 0;

    if (xg_http_response_header_i64(resp, "Retry-After", &s) != XG_OK ||
        s > INT64_MAX / 1000) {
        return XG_ERR_NOT_FOUND;
    }
    *ms = s * 1000;
    return XG_OK;
}

void
binance_classify_error(xg_op_kind kind, const xg_http_response *resp,
                       int has_code, int64_t code, const char *msg,
                       xg_result *res)
{
    int64_t ms = 0;

    (void)xg_err_rules_apply(binance_errors,
                             sizeof(binance_errors) / sizeof(binance_errors[0]),
                             kind, resp->status, has_code, code, msg, res);
    if (res->outcome == XG_OUTCOME_RATE_LIMITED) {
        if (binance_retry_after_ms(resp, &ms) == XG_OK) {
            res->retry_after_ms = ms;
        }
    } else if (res->outcome == XG_OUTCOME_BANNED) {
        if (msg == NULL ||
            binance_banned_until(msg, &res->banned_until_ms) != XG_OK) {
            res->banned_until_ms = 0;
            if (binance_retry_after_ms(resp, &ms) == XG_OK) {
                res->retry_after_ms = ms;
            }
        }
    }
}

/* --- usage headers ----------------------------------------------------- */

/* Does name[0..len) start with prefix, case-insensitively? */
static int
binance_has_prefix(const char *name, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    if (len < n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (xg_ascii_lower((unsigned char)name[i]) !=
            xg_ascii_lower((unsigned char)prefix[i])) {
            return 0;
        }
    }
    return 1;
}

/* "1M", "10s" -> window length; the header name may be lower-cased on the
 * way (HTTP/2), so the unit is case-insensitive. */
static xg_err
binance_suffix_window(const char *s, size_t len, int64_t *window_ns)
{
    int64_t num = 0;
    char unit = 0;

    if (len < 2) {
        return XG_ERR_INVALID;
    }
    unit = (char)xg_ascii_lower((unsigned char)s[len - 1]);
    if (xg_header_i64(s, len - 1, &num) != XG_OK || s[0] == ' ' ||
        s[len - 2] == ' ') {
        return XG_ERR_INVALID;
    }
    switch (unit) {
    case 's':
        return binance_window_ns(num, 'S', window_ns);
    case 'm':
        return binance_window_ns(num, 'M', window_ns);
    case 'h':
        return binance_window_ns(num, 'H', window_ns);
    case 'd':
        return binance_window_ns(num, 'D', window_ns);
    default:
        return XG_ERR_INVALID;
    }
}

static void
binance_add_usage(xg_result *res, int bucket, int64_t used)
{
    for (size_t i = 0; i < res->n_usage; i++) {
        if (res->usage[i].bucket == (uint16_t)bucket) {
            if (used > res->usage[i].used) {
                res->usage[i].used = used;
            }
            return;
        }
    }
    if (res->n_usage >= XG_RESULT_MAX_USAGE) {
        return;
    }
    xg_usage *u = &res->usage[res->n_usage++];
    u->bucket = (uint16_t)bucket;
    u->scope = 0;
    u->used = used;
    u->remaining = -1;
}

void
binance_parse_usage(const binance *b, const xg_http_response *resp,
                    xg_result *res)
{
    static const struct {
        const char *prefix;
        binance_limit_type type;
    } kinds[] = {
        {"X-MBX-USED-WEIGHT-", BINANCE_LIMIT_REQUEST_WEIGHT},
        {"X-MBX-ORDER-COUNT-", BINANCE_LIMIT_ORDERS},
    };

    if (resp->headers == NULL) {
        return;
    }
    for (size_t i = 0; i < resp->n_headers; i++) {
        const xg_http_header_view *h = &resp->headers[i];
        if (h->name == NULL || h->value == NULL) {
            continue;
        }
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            size_t plen = strlen(kinds[k].prefix);
            int64_t window_ns = 0;
            int64_t used = 0;
            int bucket = -1;
            if (!binance_has_prefix(h->name, h->name_len, kinds[k].prefix) ||
                binance_suffix_window(h->name + plen, h->name_len - plen,
                                      &window_ns) != XG_OK ||
                xg_header_i64(h->value, h->value_len, &used) != XG_OK) {
                continue;
            }
            bucket = binance_find_limit(b, kinds[k].type, window_ns);
            if (bucket >= 0) {
                binance_add_usage(res, bucket, used);
            }
        }
    }
}

/* --- orders ------------------------------------------------------------ */

static const struct {
    const char *name;
    xg_order_status status;
} binance_statuses[] = {
    {"NEW", XG_STATUS_NEW},
    {"PENDING_NEW", XG_STATUS_NEW},
    {"PARTIALLY_FILLED", XG_STATUS_PARTIALLY_FILLED},
    {"FILLED", XG_STATUS_FILLED},
    {"CANCELED", XG_STATUS_CANCELED},
    /* Documented as unused; the order is still open until it is not. */
    {"PENDING_CANCEL", XG_STATUS_NEW},
    {"REJECTED", XG_STATUS_REJECTED},
    {"EXPIRED", XG_STATUS_EXPIRED},
    {"EXPIRED_IN_MATCH", XG_STATUS_EXPIRED},
};

xg_err
binance_order_status(const char *name, xg_order_status *status)
{
    for (size_t i = 0;
         i < sizeof(binance_statuses) / sizeof(binance_statuses[0]); i++) {
        if (strcmp(name, binance_statuses[i].name) == 0) {
            *status = binance_statuses[i].status;
            return XG_OK;
        }
    }
    return XG_ERR_NOT_FOUND;
}

/*
 * The fee of a placement answer's fills (newOrderRespType FULL, the
 * default for LIMIT and MARKET: "fills": [{price, qty, commission,
 * commissionAsset, tradeId}]). Said only when the fills cover the whole
 * executedQty in one commission asset; Binance's order query lists no
 * fills, so later fills leave the fee unsaid (lifecycle.h). A fill that
 * does not read is a malformed answer.
 */
static xg_err
binance_fills_fee(const xg_json *j, size_t o, xg_execution *exec)
{
    size_t fills = 0;
    size_t f = 0;
    xg_decimal qty = {0, 0};
    xg_decimal fee = {0, 0};
    char asset[XG_CURRENCY_MAX] = "";

    if (xg_json_get(j, o, "fills", &fills) != XG_OK ||
        xg_json_type_of(j, fills) != XG_JSON_ARRAY) {
        return XG_ERR_BAD_FIELD;
    }
    f = fills + 1;
    for (uint32_t i = 0; i < j->tok[fills].count; i++, f = j->tok[f].next) {
        xg_decimal q;
        xg_decimal c;
        char a[XG_CURRENCY_MAX];
        if (xg_json_type_of(j, f) != XG_JSON_OBJECT ||
            xg_field_amount(j, f, "qty", &q) != XG_OK ||
            xg_field_amount(j, f, "commission", &c) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        xg_err rc = xg_field_text(j, f, "commissionAsset", a, sizeof a);
        if (rc == XG_ERR_TRUNCATED) {
            return XG_OK; /* an asset name we cannot carry: not said */
        }
        if (rc != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (i == 0) {
            memcpy(asset, a, sizeof asset);
        } else if (strcmp(asset, a) != 0) {
            return XG_OK; /* fees in two assets: no one figure to give */
        }
        if (xg_decimal_add(qty, q, &qty) != XG_OK ||
            xg_decimal_add(fee, c, &fee) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
    }
    if (asset[0] != '\0' && exec->filled_qty.units > 0 &&
        xg_decimal_cmp(qty, exec->filled_qty) == 0) {
        exec->fee = fee;
        memcpy(exec->fee_currency, asset, sizeof exec->fee_currency);
    }
    return XG_OK;
}

/*
 * Where each form of order object keeps what a report needs
 * (binance_order_form): the order's client id is "clientOrderId", except
 * in a cancel answer, where that is the cancel's own id and the order's is
 * "origClientOrderId"; its total quantity and quote executed are
 * "origQty" and "cummulativeQuoteQty" (sic), except in keepPriority's
 * amendedOrder: "qty" and "cumulativeQuoteQty" (rest-api.md).
 */
static const struct {
    const char *client_id;
    const char *qty;
    const char *quote;
} binance_order_keys[] = {
    [BINANCE_FORM_ORDER] = {"clientOrderId", "origQty", "cummulativeQuoteQty"},
    [BINANCE_FORM_CANCEL] = {"origClientOrderId", "origQty",
                             "cummulativeQuoteQty"},
    [BINANCE_FORM_AMENDED] = {"clientOrderId", "qty", "cumulativeQuoteQty"},
};

/* The optional amount key of o into *out: absent leaves it {0,0} (not
 * said); present and not a non-negative decimal is XG_ERR_BAD_FIELD. */
static xg_err
binance_optional_amount(const xg_json *j, size_t o, const char *key,
                        xg_decimal *out)
{
    if (xg_field_has(j, o, key) && xg_field_amount(j, o, key, out) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

xg_err
binance_order_report(const xg_json *j, size_t o, binance_order_form form,
                     xg_order_report *rep)
{
    xg_err rc = XG_OK;
    int64_t order_id = 0;
    int n = 0;
    const char *id_key = binance_order_keys[form].client_id;
    const char *qty_key = binance_order_keys[form].qty;
    const char *quote_key = binance_order_keys[form].quote;

    memset(rep, 0, sizeof(*rep));
    if (xg_json_type_of(j, o) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_field_text(j, o, id_key, rep->client_id, sizeof(rep->client_id));
    if (rc != XG_OK) {
        return rc;
    }
    rc = xg_field_text(j, o, "symbol", rep->venue_symbol,
                       sizeof(rep->venue_symbol));
    if (rc != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_i64(j, o, "orderId", &order_id) != XG_OK || order_id < 0) {
        return XG_ERR_BAD_FIELD;
    }
    n = snprintf(rep->venue_order_id, sizeof(rep->venue_order_id), "%lld",
                 (long long)order_id);
    if (n < 0 || (size_t)n >= sizeof(rep->venue_order_id)) {
        return XG_ERR_BAD_FIELD;
    }

    if (!xg_field_has(j, o, "status")) {
        /* newOrderRespType ACK: accepted, nothing more said. */
        rep->status = XG_STATUS_NEW;
    } else {
        char status[32];
        if (xg_field_text(j, o, "status", status, sizeof(status)) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (binance_order_status(status, &rep->status) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
    }

    /* ACK answers carry none of these. A market order's price is
     * "0.00000000", which reads as not said. */
    if (binance_optional_amount(j, o, "price", &rep->price) != XG_OK ||
        binance_optional_amount(j, o, qty_key, &rep->qty) != XG_OK ||
        binance_optional_amount(j, o, "executedQty", &rep->exec.filled_qty) !=
            XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_has(j, o, quote_key)) {
        if (xg_field_decimal(j, o, quote_key, &rep->exec.filled_quote) !=
            XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        /* Binance: "cummulativeQuoteQty < 0 means the data is not
         * available at this time" - unknown, not malformed. */
        if (rep->exec.filled_quote.units < 0) {
            rep->exec.filled_quote.units = 0;
            rep->exec.filled_quote.scale = 0;
        }
    }
    if (xg_field_has(j, o, "fills")) {
        return binance_fills_fee(j, o, &rep->exec);
    }
    return XG_OK;
}

static void
binance_parse_order(const xg_op *op, const xg_json *j, xg_result *res)
{
    binance_order_form form = op->kind == XG_OP_CANCEL_ORDER
                                  ? BINANCE_FORM_CANCEL
                                  : BINANCE_FORM_ORDER;

    if (!xg_result_order_usable(op,
                                binance_order_report(j, 0, form, &res->order),
                                "malformed order in response", res)) {
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

static xg_err
binance_parse_open_orders(const xg_op *op, const xg_json *j,
                          const xg_sink *sink, xg_result *res)
{
    xg_order_report rep;
    size_t e = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "open orders: expected an array", res);
        return XG_OK;
    }
    /* Check every entry before reporting any, so a corrupted list is
     * refused as a whole rather than half-delivered. */
    for (i = 0, e = 1; i < j->tok[0].count; i++, e = j->tok[e].next) {
        xg_err rc = binance_order_report(j, e, BINANCE_FORM_ORDER, &rep);
        if (rc != XG_OK && rc != XG_ERR_TRUNCATED) {
            xg_result_bad_body(op->kind, "open orders: malformed entry", res);
            return XG_OK;
        }
    }
    for (i = 0, e = 1; i < j->tok[0].count; i++, e = j->tok[e].next) {
        /* A client id longer than the gateway's is not one of ours (an
         * order placed by hand or another bot): skipped. */
        if (binance_order_report(j, e, BINANCE_FORM_ORDER, &rep) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->order != NULL) {
            xg_err rc = sink->order(sink->ctx, &rep);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- exchangeInfo ------------------------------------------------------ */

static xg_err
binance_rate_limit_type(const char *s, binance_limit_type *type)
{
    if (strcmp(s, "REQUEST_WEIGHT") == 0) {
        *type = BINANCE_LIMIT_REQUEST_WEIGHT;
    } else if (strcmp(s, "RAW_REQUESTS") == 0) {
        *type = BINANCE_LIMIT_RAW_REQUESTS;
    } else if (strcmp(s, "ORDERS") == 0) {
        *type = BINANCE_LIMIT_ORDERS;
    } else {
        return XG_ERR_NOT_FOUND;
    }
    return XG_OK;
}

/* exchangeInfo.rateLimits into out. Types we do not model (e.g. a future
 * CONNECTIONS limit of the WebSocket API) are skipped; a modelled entry
 * with a missing field, a limit <= 0 or a window that is not a positive
 * length refuses the whole list, as does an empty result. */
static xg_err
binance_parse_rate_limits(const xg_json *j, size_t arr, binance_limit *out,
                          size_t *n)
{
    size_t e = 0;
    uint32_t i = 0;

    *n = 0;
    if (xg_json_type_of(j, arr) != XG_JSON_ARRAY) {
        return XG_ERR_BAD_FIELD;
    }
    for (i = 0, e = arr + 1; i < j->tok[arr].count; i++, e = j->tok[e].next) {
        char type[32];
        char interval[16];
        binance_limit l;

        memset(&l, 0, sizeof(l));
        if (xg_field_name(j, e, "rateLimitType", type, sizeof(type)) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (binance_rate_limit_type(type, &l.type) != XG_OK) {
            continue;
        }
        if (xg_field_text(j, e, "interval", interval, sizeof(interval)) !=
                XG_OK ||
            xg_field_i64(j, e, "intervalNum", &l.interval_num) != XG_OK ||
            xg_field_i64(j, e, "limit", &l.limit) != XG_OK ||
            binance_interval_unit(interval, &l.unit) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (l.limit <= 0 ||
            binance_window_ns(l.interval_num, l.unit, &l.window_ns) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (*n >= BINANCE_MAX_LIMITS) {
            return XG_ERR_TOO_LARGE;
        }
        out[(*n)++] = l;
    }
    return *n > 0 ? XG_OK : XG_ERR_BAD_FIELD;
}

/* PRICE_FILTER, LOT_SIZE, NOTIONAL / MIN_NOTIONAL into ins. Zero values
 * mean "rule disabled" in Binance's filters and "no such rule" in
 * xg_instrument, so they carry over as they are. */
static xg_err
binance_parse_filters(const xg_json *j, size_t filters, xg_instrument *ins)
{
    size_t f = 0;
    uint32_t i = 0;
    int has_notional = 0;

    if (xg_json_type_of(j, filters) != XG_JSON_ARRAY) {
        return XG_ERR_BAD_FIELD;
    }
    for (i = 0, f = filters + 1; i < j->tok[filters].count;
         i++, f = j->tok[f].next) {
        char type[32];
        xg_err rc = xg_field_name(j, f, "filterType", type, sizeof(type));
        if (rc != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (strcmp(type, "PRICE_FILTER") == 0) {
            rc = xg_field_amount(j, f, "minPrice", &ins->min_price);
            if (rc == XG_OK) {
                rc = xg_field_amount(j, f, "maxPrice", &ins->max_price);
            }
            if (rc == XG_OK) {
                rc = xg_field_amount(j, f, "tickSize", &ins->tick_size);
            }
        } else if (strcmp(type, "LOT_SIZE") == 0) {
            rc = xg_field_amount(j, f, "minQty", &ins->min_qty);
            if (rc == XG_OK) {
                rc = xg_field_amount(j, f, "maxQty", &ins->max_qty);
            }
            if (rc == XG_OK) {
                rc = xg_field_amount(j, f, "stepSize", &ins->lot_size);
            }
        } else if (strcmp(type, "NOTIONAL") == 0) {
            /* The current filter; wins over the older MIN_NOTIONAL in
             * whatever order they come. */
            rc = xg_field_amount(j, f, "minNotional", &ins->min_notional);
            has_notional = 1;
        } else if (strcmp(type, "MIN_NOTIONAL") == 0 && !has_notional) {
            rc = xg_field_amount(j, f, "minNotional", &ins->min_notional);
        }
        if (rc != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
    }
    return XG_OK;
}

static xg_err
binance_parse_instrument(const xg_json *j, size_t s, xg_instrument *ins)
{
    char base[XG_SYMBOL_MAX];
    char quote[XG_SYMBOL_MAX];
    char status[32];
    size_t filters = 0;

    memset(ins, 0, sizeof(*ins));
    if (xg_json_type_of(j, s) != XG_JSON_OBJECT ||
        xg_field_text(j, s, "symbol", ins->venue_symbol,
                      sizeof(ins->venue_symbol)) != XG_OK ||
        xg_field_text(j, s, "baseAsset", base, sizeof(base)) != XG_OK ||
        xg_field_text(j, s, "quoteAsset", quote, sizeof(quote)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_name(j, s, "status", status, sizeof(status)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_symbol_join(base, quote, ins->symbol) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    if (xg_json_get(j, s, "filters", &filters) != XG_OK ||
        binance_parse_filters(j, filters, ins) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    ins->is_trading = strcmp(status, "TRADING") == 0;
    ins->scope = 0; /* no per-instrument limits on Binance spot */
    return XG_OK;
}

static xg_err
binance_parse_exchange_info(binance *b, const xg_op *op, const xg_json *j,
                            const xg_sink *sink, xg_result *res)
{
    binance_limit limits[BINANCE_MAX_LIMITS];
    size_t n_limits = 0;
    size_t symbols = 0;
    size_t rate_limits = 0;
    size_t s = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        xg_json_get(j, 0, "symbols", &symbols) != XG_OK ||
        xg_json_type_of(j, symbols) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "exchangeInfo: expected symbols", res);
        return XG_OK;
    }
    /* Limits are checked before any instrument is reported so that a bad
     * answer changes nothing: the defaults stay and the list is not
     * half-delivered. */
    if (xg_json_get(j, 0, "rateLimits", &rate_limits) != XG_OK ||
        binance_parse_rate_limits(j, rate_limits, limits, &n_limits) != XG_OK) {
        xg_result_bad_body(op->kind, "exchangeInfo: unusable rateLimits", res);
        return XG_OK;
    }
    for (i = 0, s = symbols + 1; i < j->tok[symbols].count;
         i++, s = j->tok[s].next) {
        xg_instrument ins;
        /* One odd symbol must not hide the others: skip it. */
        if (binance_parse_instrument(j, s, &ins) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->instrument != NULL) {
            xg_err rc = sink->instrument(sink->ctx, &ins);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    memcpy(b->limits, limits, n_limits * sizeof(limits[0]));
    b->n_limits = n_limits;
    b->has_venue_limits = 1;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- common paths ------------------------------------------------------ */

void
binance_error_fields(const xg_json *j, size_t o, int *has_code, int64_t *code,
                     char *buf, size_t cap, const char **msg)
{
    size_t v = 0;

    *has_code = 0;
    *msg = NULL;
    if (xg_json_get(j, o, "code", &v) == XG_OK &&
        xg_json_int64(j, v, code) == XG_OK) {
        *has_code = 1;
    }
    if (xg_json_get(j, o, "msg", &v) == XG_OK &&
        xg_json_string(j, v, buf, cap, NULL) != XG_ERR_INVALID) {
        *msg = buf;
    }
}

/* --- entry --------------------------------------------------------------- */

static void
binance_parse_server_time(const xg_op *op, const xg_json *j, xg_result *res)
{
    int64_t t = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        xg_field_i64(j, 0, "serverTime", &t) != XG_OK || t <= 0) {
        xg_result_bad_body(op->kind, "time: expected serverTime", res);
        return;
    }
    res->server_time_ms = t;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

xg_err
binance_parse(void *inst, const xg_op *op, const xg_http_response *resp,
              const xg_sink *sink, xg_result *res)
{
    binance *b = inst;
    xg_json j;
    int is_json = 0;
    int has_code = 0;
    int64_t code = 0;
    const char *msg = NULL;
    char body_msg[XG_VENUE_MSG_MAX];
    xg_err rc = XG_OK;

    if (b == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body == NULL && resp->body_len > 0) ||
        op->kind < XG_OP_SERVER_TIME || op->kind > XG_OP_KIND_MAX ||
        op->kind == XG_OP_BATCH_NEW || op->kind == XG_OP_BATCH_CANCEL ||
        op->kind == XG_OP_BATCH_AMEND || op->kind == XG_OP_STREAM_TOKEN ||
        (op->kind == XG_OP_ORDER_FILLS && op->venue_order_id == NULL) ||
        (op->kind == XG_OP_AMEND_ORDER &&
         (op->amend == NULL || op->client_id == NULL ||
          (op->amend->is_replace && op->amend->new_client_id == NULL)))) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    body_msg[0] = '\0';
    /* Before exchangeInfo may replace the buckets: the usage belongs to
     * the limiter the request was charged to, which the core updates
     * before it asks limits() for the new list. */
    binance_parse_usage(b, resp, res);
    if (resp->body_len > 0) {
        rc = xg_json_parse_grow(&j, resp->body, resp->body_len, &b->json,
                                XG_JSON_STORE_MAX);
        if (rc == XG_ERR_NOMEM) {
            return rc;
        }
        is_json = rc == XG_OK;
        rc = XG_OK;
    }
    if (is_json && xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        binance_error_fields(&j, 0, &has_code, &code, body_msg,
                             sizeof(body_msg), &msg);
    }
    if (msg == NULL && !is_json && resp->body_len > 0) {
        /* Not JSON (a proxy's HTML page, a truncated answer): keep its
         * start as the venue's text for the operator. */
        xg_copy_printable(body_msg, sizeof(body_msg), resp->body,
                          resp->body_len);
        msg = body_msg;
    }

    if (resp->status < 200 || resp->status > 299 || (has_code && code < 0)) {
        if (op->kind == XG_OP_AMEND_ORDER && op->amend->is_replace &&
            has_code && (code == -2021 || code == -2022) &&
            resp->status >= 400 && resp->status <= 499) {
            binance_parse_replace_refused(op, &j, resp, code, msg, res);
        } else if (op->kind == XG_OP_CANCEL_SYMBOL && has_code &&
                   code == -2011 && resp->status >= 400 &&
                   resp->status <= 499) {
            /* 400 -2011 "Unknown order sent." is how Binance answers a
             * cancel-all on a symbol with no open order
             * (binance/binance-connector-python issue 185, with the
             * venue's headers): done, nothing canceled. */
            res->outcome = XG_OUTCOME_OK;
            res->err = XG_OK;
        } else {
            binance_classify_error(op->kind, resp, has_code, code, msg, res);
        }
    } else if (!is_json) {
        xg_result_bad_body(op->kind,
                           resp->body_len == 0 ? "empty body" : "body not JSON",
                           res);
    } else {
        switch (op->kind) {
        case XG_OP_SERVER_TIME:
            binance_parse_server_time(op, &j, res);
            break;
        case XG_OP_INSTRUMENTS:
            rc = binance_parse_exchange_info(b, op, &j, sink, res);
            break;
        case XG_OP_NEW_ORDER:
        case XG_OP_CANCEL_ORDER:
        case XG_OP_QUERY_ORDER:
            binance_parse_order(op, &j, res);
            break;
        case XG_OP_OPEN_ORDERS:
            rc = binance_parse_open_orders(op, &j, sink, res);
            break;
        case XG_OP_AMEND_ORDER:
            binance_parse_amend(op, &j, res);
            break;
        case XG_OP_CANCEL_SYMBOL:
            rc = binance_parse_cancel_symbol(op, &j, sink, res);
            break;
        case XG_OP_BALANCES:
            rc = binance_parse_balances(op, &j, sink, res);
            break;
        case XG_OP_ORDER_FILLS:
            rc = binance_parse_order_fills(op, &j, sink, res);
            break;
        case XG_OP_ACCOUNT_ID:
            /* "Account information" (rest-api.md) carries the account's
             * "uid", a number. */
            xg_result_account(&j, 0, "uid", res);
            break;
        default:
            rc = XG_ERR_INVALID;
            break;
        }
    }
    xg_json_store_trim(&b->json);
    return rc;
}
