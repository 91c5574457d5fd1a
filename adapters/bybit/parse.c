/*
 * parse.c - Bybit v5 spot responses into xgate's unified results.
 *
 * Every answer goes through bybit_parse: X-Bapi-Limit-Status becomes an
 * xg_usage entry for the endpoint's bucket (held until
 * X-Bapi-Limit-Reset-Timestamp, measured against the body's "time"),
 * error answers go through one error table (HTTP status, retCode and
 * message text -> outcome and unified error), and successful envelopes
 * ({"retCode":0,"result":...}) become an order report, the server time,
 * the open orders (one page, with the cursor to the next) or the
 * instruments. Building requests is requests.c's job.
 *
 * Bybit answers business errors with HTTP 200 and a non-zero retCode, and
 * its create and cancel answers are acknowledgements only: "accepted", not
 * the order's state (fact sheet, "Response shapes"). So:
 *  - a create ack of a resting kind (limit GTC or post-only) is reported
 *    as NEW, like any exchange's ack;
 *  - a create ack of a taking kind (market, IOC, FOK) is reported UNKNOWN:
 *    the order has certainly been decided by now but the ack does not say
 *    how, and UNKNOWN makes the core ask /v5/order/realtime by client id,
 *    which says FILLED, CANCELED or partially filled;
 *  - a cancel ack is reported CANCELED (fill quantity unknown); a cancel
 *    that came too late is refused with "order not exists", which the core
 *    reconciles by a query.
 * A query by client id answers a list: empty means the venue does not know
 * the order (XG_ERR_ORDER_NOT_FOUND), which is what lets the core re-send
 * a new order that never arrived.
 *
 * Bodies are hostile until proven otherwise: json_loadb over exactly
 * body_len bytes, every field type-checked, decimals parsed exactly, text
 * copied into a result truncated and made printable. A malformed answer is
 * an outcome, never a crash: UNKNOWN for a new order or cancel, REJECTED
 * with XG_ERR_BAD_RESPONSE for the read-only operations.
 */
#include "bybit.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "xgate/adapter_util.h"

/* --- small helpers ----------------------------------------------------- */

xg_err
bybit_decimal(const char *s, size_t len, xg_decimal *out)
{
    /* Drop fraction padding ("0.01000000") so the scale is the real
     * precision and long paddings stay within XG_DECIMAL_MAX_SCALE. */
    return xg_decimal_parse_padded(s, len, out);
}

/* A string member copied into dst. XG_ERR_BAD_FIELD if absent, not a
 * string or holding a NUL; XG_ERR_NOT_FOUND if empty; XG_ERR_TRUNCATED if
 * too long. */
static xg_err
bybit_get_string(const json_t *obj, const char *key, char *dst, size_t cap)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_string(v)) {
        return XG_ERR_BAD_FIELD;
    }
    return xg_text_copy(json_string_value(v), json_string_length(v), dst, cap);
}

/* A non-negative decimal carried as a JSON string ("0.001"). */
static xg_err
bybit_get_amount(const json_t *obj, const char *key, xg_decimal *out)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_string(v)) {
        return XG_ERR_BAD_FIELD;
    }
    return xg_amount_parse(json_string_value(v), json_string_length(v), out);
}

/* Like bybit_get_amount, but an absent or empty member is "no rule". */
static xg_err
bybit_get_optional_amount(const json_t *obj, const char *key, xg_decimal *out)
{
    const json_t *v = json_object_get(obj, key);

    if (v == NULL || (json_is_string(v) && json_string_length(v) == 0)) {
        out->units = 0;
        out->scale = 0;
        return XG_OK;
    }
    return bybit_get_amount(obj, key, out);
}

/* --- the error table --------------------------------------------------- */

/*
 * First match wins. Source: fact sheet "Error codes a gateway must map"
 * and "Rate-limit model".
 *
 * - HTTP 403 is the IP layer's "access too frequent" with a lockout of at
 *   least 10 minutes and no time given: BANNED with banned_until 0, so
 *   the core applies its ban_default_ms. Legacy retCode 10018 likewise.
 * - 10006 is the per-UID endpoint limit: RATE_LIMITED until
 *   X-Bapi-Limit-Reset-Timestamp (absolute venue ms).
 * - HTTP 429 / retCode 429 is server protection and 170005 too many new
 *   orders: refused before execution, retry after a second.
 * - 10002 is the timestamp / recv_window check: resync the clock.
 * - 5xx, 10000 (server timeout), 10016 (server error): a new order or
 *   cancel may have happened (UNKNOWN, query by client id); a read
 *   changed nothing and is REJECTED with VENUE_DOWN. 170146/170147 are
 *   creation/cancel timeouts: UNKNOWN.
 * - Statuses that are neither 2xx, 4xx nor 5xx are unexpected answers.
 * - "Already cancelled / filled" codes mean the order is not open: for a
 *   cancel that is ORDER_NOT_FOUND, which the core settles by a query.
 * - Anything else is REJECTED with XG_ERR_REJECTED and the venue's text.
 */
/* xg_err_rule.hint: where a rate limit's end is to be read. */
enum { BYBIT_HINT_RESET = 1 }; /* X-Bapi-Limit-Reset-Timestamp */

static const xg_err_rule bybit_errors[] = {
    XG_ERR_RULE(403, 403, 0, NULL, XG_OPS_ALL, XG_OUTCOME_BANNED, XG_ERR_BANNED,
                0),
    XG_ERR_RULE(0, 0, 10018, NULL, XG_OPS_ALL, XG_OUTCOME_BANNED, XG_ERR_BANNED,
                0),
    XG_ERR_RULE_LIMITED_BY(0, 0, 10006, BYBIT_HINT_RESET),
    XG_ERR_RULE(429, 429, 0, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 1000),
    XG_ERR_RULE(0, 0, 429, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 1000),
    XG_ERR_RULE(0, 0, 170005, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 1000),
    XG_ERR_RULE(0, 0, 10002, NULL, XG_OPS_ALL, XG_OUTCOME_RESYNC,
                XG_ERR_TIMESTAMP, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 10000),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 10016),
    XG_ERR_RULE(0, 0, 170146, NULL, XG_OPS_ALL, XG_OUTCOME_UNKNOWN,
                XG_ERR_UNKNOWN_STATUS, 0),
    XG_ERR_RULE(0, 0, 170147, NULL, XG_OPS_ALL, XG_OUTCOME_UNKNOWN,
                XG_ERR_UNKNOWN_STATUS, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(500, 599, 0),
    XG_ERR_RULES_ODD_STATUS,
    XG_ERR_RULE_REJECT(10003, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(10004, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(10005, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(10010, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(10008, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(10027, XG_ERR_AUTH),
    XG_ERR_RULE(401, 401, 0, NULL, XG_OPS_ALL, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
                0),
    XG_ERR_RULE_REJECT(170131, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(110004, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(110007, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(110012, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(170121, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE(0, 0, 10001, "symbol", XG_OPS_ALL, XG_OUTCOME_REJECTED,
                XG_ERR_UNKNOWN_SYMBOL, 0),
    XG_ERR_RULE_REJECT(110001, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(170213, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(110008, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(110010, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(170142, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(170190, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(170141, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(110072, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(12141, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(170134, XG_ERR_PRECISION),
    XG_ERR_RULE_REJECT(170137, XG_ERR_PRECISION),
    XG_ERR_RULE_REJECT(170136, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170140, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(110094, XG_ERR_FILTER),
};

void
bybit_classify_error(xg_op_kind kind, const xg_http_response *resp,
                     int has_code, int64_t code, const char *msg,
                     xg_result *res)
{
    int64_t v = 0;

    const xg_err_rule *rule = xg_err_rules_apply(
        bybit_errors, sizeof(bybit_errors) / sizeof(bybit_errors[0]), kind,
        resp->status, has_code, code, msg, res);
    if (res->outcome != XG_OUTCOME_RATE_LIMITED) {
        /* BANNED included: Bybit's 403 says nothing of the ban's end. */
        return;
    }
    /* Not documented for Bybit, but a hint if some proxy adds it. */
    if (xg_http_response_header_i64(resp, "Retry-After", &v) == XG_OK &&
        v <= INT64_MAX / 1000) {
        res->retry_after_ms = v * 1000;
    }
    if (rule->hint == BYBIT_HINT_RESET &&
        xg_http_response_header_i64(resp, "X-Bapi-Limit-Reset-Timestamp", &v) ==
            XG_OK &&
        v > 0) {
        res->retry_at_ms = v;
    }
}

/* --- usage headers ----------------------------------------------------- */

void
bybit_parse_usage(xg_op_kind kind, const xg_http_response *resp,
                  int64_t venue_time_ms, xg_result *res)
{
    int bucket = bybit_endpoint_bucket(kind);
    int64_t remaining = 0;
    int64_t limit = 0;
    int64_t reset = 0;

    if (bucket < 0 || resp->headers == NULL ||
        xg_http_response_header_i64(resp, "X-Bapi-Limit-Status", &remaining) !=
            XG_OK) {
        return;
    }
    /* A remaining count above the limit the same answer states is not a
     * count we can trust; without a limit header the count stands. */
    if (xg_http_response_header_i64(resp, "X-Bapi-Limit", &limit) == XG_OK &&
        remaining > limit) {
        return;
    }
    if (res->n_usage >= XG_RESULT_MAX_USAGE) {
        return;
    }
    xg_usage *u = &res->usage[res->n_usage++];
    u->bucket = (uint16_t)bucket;
    u->scope = 0;
    u->used = -1;
    u->remaining = remaining;
    /* The window's end is an absolute venue time and the adapter has no
     * clock, but the body says what time the venue answered at: the
     * difference is how long the correction holds. Off the limit the
     * header is just "now" (fact sheet), which gives 0: no end known. A
     * window longer than a minute is not Bybit's, so it is not believed. */
    if (venue_time_ms > 0 &&
        xg_http_response_header_i64(resp, "X-Bapi-Limit-Reset-Timestamp",
                                    &reset) == XG_OK &&
        reset > venue_time_ms && reset - venue_time_ms <= BYBIT_RESET_MAX_MS) {
        u->reset_ms = reset - venue_time_ms;
    }
}

/* --- orders ------------------------------------------------------------ */

static const struct {
    const char *name;
    xg_order_status status;
} bybit_statuses[] = {
    {"New", XG_STATUS_NEW},
    {"PartiallyFilled", XG_STATUS_PARTIALLY_FILLED},
    {"Untriggered", XG_STATUS_NEW},
    {"Triggered", XG_STATUS_NEW},
    {"Filled", XG_STATUS_FILLED},
    {"Cancelled", XG_STATUS_CANCELED},
    {"PartiallyFilledCanceled", XG_STATUS_CANCELED},
    {"Deactivated", XG_STATUS_CANCELED},
    {"Rejected", XG_STATUS_REJECTED},
};

/*
 * One entry of a realtime list into rep. XG_ERR_NOT_FOUND when it has no
 * client id and XG_ERR_TRUNCATED when its client id is longer than any the
 * gateway sends (someone else's order); XG_ERR_BAD_FIELD for anything
 * malformed.
 */
static xg_err
bybit_order_report(const json_t *o, xg_order_report *rep)
{
    const char *s = NULL;
    xg_err rc = XG_OK;

    memset(rep, 0, sizeof(*rep));
    if (!json_is_object(o)) {
        return XG_ERR_BAD_FIELD;
    }
    if (bybit_get_string(o, "orderId", rep->venue_order_id,
                         sizeof(rep->venue_order_id)) != XG_OK ||
        bybit_get_string(o, "symbol", rep->venue_symbol,
                         sizeof(rep->venue_symbol)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    s = json_string_value(json_object_get(o, "orderStatus"));
    rep->status = XG_STATUS_UNKNOWN;
    for (size_t i = 0;
         s != NULL && i < sizeof(bybit_statuses) / sizeof(bybit_statuses[0]);
         i++) {
        if (strcmp(s, bybit_statuses[i].name) == 0) {
            rep->status = bybit_statuses[i].status;
            break;
        }
    }
    if (rep->status == XG_STATUS_UNKNOWN) {
        return XG_ERR_BAD_FIELD;
    }
    if (json_object_get(o, "cumExecQty") != NULL &&
        bybit_get_amount(o, "cumExecQty", &rep->filled_qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (json_object_get(o, "cumExecValue") != NULL &&
        bybit_get_amount(o, "cumExecValue", &rep->filled_cost) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* Last, so that a malformed entry is refused whoever placed it. */
    rc = bybit_get_string(o, "orderLinkId", rep->client_id,
                          sizeof(rep->client_id));
    return rc;
}

/* The object at result, or NULL. */
static const json_t *
bybit_result(const json_t *root)
{
    const json_t *r = json_object_get(root, "result");

    return json_is_object(r) ? r : NULL;
}

/* The ack of a create or a cancel: {"orderId": "...", "orderLinkId": ...}. */
static void
bybit_parse_ack(const xg_op *op, const json_t *root, xg_result *res)
{
    const json_t *r = bybit_result(root);
    xg_order_report *rep = &res->order;
    const xg_order *o = op->order;

    memset(rep, 0, sizeof(*rep));
    if (r == NULL ||
        bybit_get_string(r, "orderId", rep->venue_order_id,
                         sizeof(rep->venue_order_id)) != XG_OK ||
        bybit_get_string(r, "orderLinkId", rep->client_id,
                         sizeof(rep->client_id)) != XG_OK) {
        memset(rep, 0, sizeof(*rep));
        xg_result_bad_body(op->kind, "malformed acknowledgement", res);
        return;
    }
    /* An answer about another order cannot say anything about ours. */
    if (op->client_id == NULL || strcmp(rep->client_id, op->client_id) != 0) {
        memset(rep, 0, sizeof(*rep));
        xg_result_bad_body(op->kind, "response names another client order id",
                           res);
        return;
    }
    if (op->instrument != NULL) {
        xg_strlcpy(rep->venue_symbol, op->instrument->venue_symbol,
                   sizeof(rep->venue_symbol));
    }
    if (op->kind == XG_OP_CANCEL_ORDER) {
        rep->status = XG_STATUS_CANCELED;
    } else if (o != NULL && o->type == XG_TYPE_LIMIT &&
               (o->tif == XG_TIF_GTC || o->tif == XG_TIF_POST_ONLY)) {
        rep->status = XG_STATUS_NEW;
    } else {
        /* Taking order: accepted, but the ack does not say whether it
         * filled; the core records the ack and queries (adapter.h). */
        rep->status = XG_STATUS_UNKNOWN;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* The list at result.list, or NULL. */
static const json_t *
bybit_result_list(const json_t *root)
{
    const json_t *r = bybit_result(root);
    const json_t *list = r != NULL ? json_object_get(r, "list") : NULL;

    return json_is_array(list) ? list : NULL;
}

static void
bybit_parse_query(const xg_op *op, const json_t *root, xg_result *res)
{
    const json_t *list = bybit_result_list(root);
    const json_t *entry = NULL;
    xg_order_report rep;
    size_t i = 0;

    if (list == NULL) {
        xg_result_bad_body(op->kind, "query: expected result.list", res);
        return;
    }
    if (json_array_size(list) == 0) {
        res->outcome = XG_OUTCOME_REJECTED;
        res->err = XG_ERR_ORDER_NOT_FOUND;
        xg_strlcpy(res->venue_msg, "no order with this orderLinkId",
                   sizeof(res->venue_msg));
        return;
    }
    json_array_foreach(list, i, entry)
    {
        xg_err rc = bybit_order_report(entry, &rep);
        if (rc == XG_ERR_BAD_FIELD) {
            xg_result_bad_body(op->kind, "query: malformed order", res);
            return;
        }
        if (rc == XG_OK && op->client_id != NULL &&
            strcmp(rep.client_id, op->client_id) == 0) {
            res->order = rep;
            res->outcome = XG_OUTCOME_OK;
            res->err = XG_OK;
            return;
        }
    }
    xg_result_bad_body(op->kind, "query: answer names other orders only", res);
}

/*
 * A non-empty nextPageCursor means more pages: this list is not all that
 * is open. It becomes next_cursor only when it can travel back unchanged
 * (printable ASCII, short enough); otherwise the list is cut with no way
 * on. Absent, null or "" is the last page. A cursor of another JSON type
 * is a malformed answer that may still have had pages behind it, so it
 * counts as cut: that costs the sweep its verdict on absent orders, where
 * "not cut" could have them queried as gone.
 */
static void
bybit_next_page(const json_t *cursor, xg_result *res)
{
    const char *s = NULL;
    size_t n = 0;

    res->is_list_cut = 0;
    res->next_cursor[0] = '\0';
    if (cursor == NULL || json_is_null(cursor)) {
        return;
    }
    if (!json_is_string(cursor)) {
        res->is_list_cut = 1;
        return;
    }
    s = json_string_value(cursor);
    n = json_string_length(cursor);
    if (n == 0) {
        return;
    }
    res->is_list_cut = 1;
    if (n >= sizeof(res->next_cursor)) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        /* Also stops a decoded NUL, which would cut the cursor short. */
        if (s[i] < 0x20 || s[i] > 0x7e) {
            return;
        }
    }
    memcpy(res->next_cursor, s, n);
    res->next_cursor[n] = '\0';
}

static xg_err
bybit_parse_open_orders(const xg_op *op, const json_t *root,
                        const xg_sink *sink, xg_result *res)
{
    const json_t *list = bybit_result_list(root);
    const json_t *entry = NULL;
    xg_order_report rep;
    size_t i = 0;

    if (list == NULL) {
        xg_result_bad_body(op->kind, "open orders: expected result.list", res);
        return XG_OK;
    }
    /* Check every entry before reporting any, so a corrupted list is
     * refused as a whole rather than half-delivered. */
    json_array_foreach(list, i, entry)
    {
        if (bybit_order_report(entry, &rep) == XG_ERR_BAD_FIELD) {
            xg_result_bad_body(op->kind, "open orders: malformed entry", res);
            return XG_OK;
        }
    }
    json_array_foreach(list, i, entry)
    {
        /* No client id or a longer one than the gateway's: not ours. */
        if (bybit_order_report(entry, &rep) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->order != NULL) {
            xg_err rc = sink->order(sink->ctx, &rep);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    bybit_next_page(json_object_get(bybit_result(root), "nextPageCursor"), res);
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- instruments ------------------------------------------------------- */

static xg_err
bybit_parse_instrument(const json_t *s, xg_instrument *ins)
{
    char base[XG_SYMBOL_MAX];
    char quote[XG_SYMBOL_MAX];
    const json_t *price = json_object_get(s, "priceFilter");
    const json_t *lot = json_object_get(s, "lotSizeFilter");
    const char *status = NULL;
    xg_buf sym;

    memset(ins, 0, sizeof(*ins));
    if (!json_is_object(s) || !json_is_object(price) || !json_is_object(lot) ||
        bybit_get_string(s, "symbol", ins->venue_symbol,
                         sizeof(ins->venue_symbol)) != XG_OK ||
        bybit_get_string(s, "baseCoin", base, sizeof(base)) != XG_OK ||
        bybit_get_string(s, "quoteCoin", quote, sizeof(quote)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    status = json_string_value(json_object_get(s, "status"));
    if (status == NULL) {
        return XG_ERR_BAD_FIELD;
    }
    xg_buf_init(&sym, ins->symbol, sizeof(ins->symbol));
    xg_buf_puts(&sym, base);
    xg_buf_putc(&sym, '/');
    xg_buf_puts(&sym, quote);
    if (xg_buf_status(&sym) != XG_OK ||
        xg_symbol_validate(ins->symbol) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    /* tickSize and basePrecision are the price and quantity steps;
     * minOrderAmt the minimum notional in quote. minOrderQty is no longer
     * checked by Bybit (fact sheet), so it is not a rule here. The
     * largest quantity is maxLimitOrderQty where given, else maxOrderQty. */
    if (bybit_get_amount(price, "tickSize", &ins->tick_size) != XG_OK ||
        bybit_get_amount(lot, "basePrecision", &ins->lot_size) != XG_OK ||
        !xg_decimal_is_positive(ins->tick_size) ||
        !xg_decimal_is_positive(ins->lot_size) ||
        bybit_get_optional_amount(lot, "minOrderAmt", &ins->min_notional) !=
            XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (json_object_get(lot, "maxLimitOrderQty") != NULL) {
        if (bybit_get_optional_amount(lot, "maxLimitOrderQty", &ins->max_qty) !=
            XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
    } else if (bybit_get_optional_amount(lot, "maxOrderQty", &ins->max_qty) !=
               XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    ins->is_trading = strcmp(status, "Trading") == 0;
    ins->scope = 0; /* Bybit's order limits are per UID, not per symbol */
    return XG_OK;
}

static xg_err
bybit_parse_instruments(const xg_op *op, const json_t *root,
                        const xg_sink *sink, xg_result *res)
{
    const json_t *list = bybit_result_list(root);
    const json_t *s = NULL;
    size_t i = 0;

    if (list == NULL) {
        xg_result_bad_body(op->kind, "instruments: expected result.list", res);
        return XG_OK;
    }
    json_array_foreach(list, i, s)
    {
        xg_instrument ins;
        /* One odd symbol must not hide the others: skip it. */
        if (bybit_parse_instrument(s, &ins) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->instrument != NULL) {
            xg_err rc = sink->instrument(sink->ctx, &ins);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- server time ------------------------------------------------------- */

static void
bybit_parse_server_time(const xg_op *op, const json_t *root, xg_result *res)
{
    const json_t *r = bybit_result(root);
    const json_t *nano = r != NULL ? json_object_get(r, "timeNano") : NULL;
    const json_t *sec = r != NULL ? json_object_get(r, "timeSecond") : NULL;
    int64_t v = 0;

    /* timeNano has the precision; timeSecond is the fallback. */
    if (json_is_string(nano) &&
        xg_digits_i64(json_string_value(nano), json_string_length(nano), &v) ==
            XG_OK &&
        v / 1000000 > 0) {
        res->server_time_ms = v / 1000000;
    } else if (json_is_string(sec) &&
               xg_digits_i64(json_string_value(sec), json_string_length(sec),
                             &v) == XG_OK &&
               v > 0 && v <= INT64_MAX / 1000) {
        res->server_time_ms = v * 1000;
    } else {
        xg_result_bad_body(op->kind, "time: expected result.timeNano", res);
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* --- entry --------------------------------------------------------------- */

xg_err
bybit_parse(void *inst, const xg_op *op, const xg_http_response *resp,
            const xg_sink *sink, xg_result *res)
{
    json_t *root = NULL;
    json_error_t jerr;
    int has_code = 0;
    int64_t code = 0;
    int64_t venue_time_ms = 0;
    const char *msg = NULL;
    char body_msg[XG_VENUE_MSG_MAX];
    xg_err rc = XG_OK;

    if (inst == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body == NULL && resp->body_len > 0) ||
        op->kind < XG_OP_SERVER_TIME || op->kind > XG_OP_OPEN_ORDERS) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    body_msg[0] = '\0';
    if (resp->body_len > 0) {
        root = json_loadb(resp->body, resp->body_len, 0, &jerr);
    }
    if (json_is_object(root)) {
        const json_t *c = json_object_get(root, "retCode");
        const json_t *t = json_object_get(root, "time");
        if (json_is_integer(c)) {
            has_code = 1;
            code = json_integer_value(c);
        }
        if (json_is_integer(t) && json_integer_value(t) > 0) {
            venue_time_ms = json_integer_value(t);
        }
        msg = json_string_value(json_object_get(root, "retMsg"));
    }
    bybit_parse_usage(op->kind, resp, venue_time_ms, res);
    if (msg == NULL && root == NULL && resp->body_len > 0) {
        /* Not JSON (a proxy's HTML page, the 403 page, a truncated
         * answer): keep its start as the venue's text for the operator. */
        xg_copy_printable(body_msg, sizeof(body_msg), resp->body,
                          resp->body_len);
        msg = body_msg;
    }

    if (resp->status < 200 || resp->status > 299 || (has_code && code != 0)) {
        bybit_classify_error(op->kind, resp, has_code, code, msg, res);
    } else if (root == NULL) {
        xg_result_bad_body(op->kind,
                           resp->body_len == 0 ? "empty body" : "body not JSON",
                           res);
    } else if (!has_code) {
        xg_result_bad_body(op->kind, "no retCode in answer", res);
    } else {
        switch (op->kind) {
        case XG_OP_SERVER_TIME:
            bybit_parse_server_time(op, root, res);
            break;
        case XG_OP_INSTRUMENTS:
            rc = bybit_parse_instruments(op, root, sink, res);
            break;
        case XG_OP_NEW_ORDER:
        case XG_OP_CANCEL_ORDER:
            bybit_parse_ack(op, root, res);
            break;
        case XG_OP_QUERY_ORDER:
            bybit_parse_query(op, root, res);
            break;
        case XG_OP_OPEN_ORDERS:
            rc = bybit_parse_open_orders(op, root, sink, res);
            break;
        default:
            rc = XG_ERR_INVALID;
            break;
        }
    }
    json_decref(root);
    return rc;
}
