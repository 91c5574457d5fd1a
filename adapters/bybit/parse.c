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
 * instruments; an order's executions are read in parse_fills.c. Building
 * requests is requests.c's job.
 *
 * Bybit answers business errors with HTTP 200 and a non-zero retCode, and
 * its create, cancel and amend answers are acknowledgements only:
 * "accepted", not the order's state (fact sheet, "Response shapes"). So:
 *  - a create ack of a resting kind (limit GTC or post-only) is reported
 *    as NEW, like any exchange's ack;
 *  - a create ack of a taking kind (market, IOC, FOK) is reported UNKNOWN:
 *    the order has certainly been decided by now but the ack does not say
 *    how, and UNKNOWN makes the core ask /v5/order/realtime by client id,
 *    which says FILLED, CANCELED or partially filled;
 *  - a cancel ack is reported CANCELED (fill quantity unknown); a cancel
 *    that came too late is refused with "order not exists", which the core
 *    reconciles by a query;
 *  - an amend ack says the amend was accepted, not what the order now is
 *    (Bybit v5 docs, "Amend Order": "asynchronous"), so it is reported
 *    UNKNOWN with the price and quantity unsaid: the core queries, and the
 *    realtime answer's price and qty tell whether the amend took effect.
 * A query by client id answers a list: empty means the venue does not know
 * the order (XG_ERR_ORDER_NOT_FOUND), which is what lets the core re-send
 * a new order that never arrived. Realtime entries carry the order's
 * price and qty as the venue holds them, amended or not.
 *
 * Batches answer per order: two parallel lists in request order, the ids
 * in result.list and each order's {code, msg} in retExtInfo.list. Each
 * order's result is read as its single create or cancel would be, the
 * same ack, the same error table; an order the answer does not account
 * for is UNKNOWN. Cancel-all names the orders it canceled, reported as
 * CANCELED; the wallet's coins become balances, free being walletBalance
 * less locked and never below zero.
 *
 * Bodies are hostile until proven otherwise: they are checked by the
 * strict reader of xgate/json.h over exactly body_len bytes (valid UTF-8,
 * no "\u0000", bounded nesting; its token array lives in the instance and
 * only grows, so the answers on the order path allocate nothing). A key
 * given twice in an object is refused wherever it is read, never resolved
 * to one of its values, so a second "retCode" or "orderLinkId" cannot be
 * smuggled in. Every field is type-checked, numbers sent as strings stay
 * strings until parsed exactly as decimals, and text copied into a result
 * is truncated and made printable. A malformed answer is an outcome, never
 * a crash: UNKNOWN for a new order, cancel or amend, REJECTED with
 * XG_ERR_BAD_RESPONSE for the read-only operations.
 */
#include "bybit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* retMsg is decoded into this much before the error table searches it,
 * so a match is not lost to the shorter venue_msg; Bybit's messages are
 * a line long. */
#define BYBIT_MSG_MAX 1024

/* --- small helpers ----------------------------------------------------- */

xg_err
bybit_decimal(const char *s, size_t len, xg_decimal *out)
{
    /* Drop fraction padding ("0.01000000") so the scale is the real
     * precision and long paddings stay within XG_DECIMAL_MAX_SCALE. */
    return xg_decimal_parse_padded(s, len, out);
}

/* A string of digits ("1688639403") as an integer. XG_ERR_EXISTS when the
 * member is repeated (the caller must not fall back to another member
 * then); any other failure is XG_ERR_BAD_FIELD. */
static xg_err
bybit_get_digits(const xg_json *j, size_t obj, const char *key, int64_t *out)
{
    char text[64];
    size_t v = 0;
    size_t len = 0;
    xg_err rc = xg_json_get(j, obj, key, &v);

    if (rc == XG_ERR_EXISTS) {
        return rc;
    }
    if (rc != XG_OK || xg_json_type_of(j, v) != XG_JSON_STRING ||
        xg_json_string(j, v, text, sizeof(text), &len) != XG_OK ||
        xg_digits_i64(text, len, out) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

int
bybit_result(const xg_json *j, size_t *r)
{
    return xg_json_get(j, 0, "result", r) == XG_OK &&
           xg_json_type_of(j, *r) == XG_JSON_OBJECT;
}

int
bybit_result_list(const xg_json *j, size_t *list)
{
    size_t r = 0;

    return bybit_result(j, &r) && xg_json_get(j, r, "list", list) == XG_OK &&
           xg_json_type_of(j, *list) == XG_JSON_ARRAY;
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
 * - 5xx, 10000 (server timeout), 10016 (server error): a new order,
 *   cancel or amend may have happened (UNKNOWN, query by client id); a
 *   read changed nothing and is REJECTED with VENUE_DOWN. 170146/170147
 *   are creation/cancel timeouts, 170310 the amend's ("Order modification
 *   timeout", Bybit v5 error page, "Spot Trade"): UNKNOWN.
 * - Statuses that are neither 2xx, 4xx nor 5xx are unexpected answers.
 * - "Already cancelled / filled" codes mean the order is not open: for a
 *   cancel or an amend that is ORDER_NOT_FOUND, which the core settles by
 *   a query. The spot ones beyond the fact sheet's are from Bybit's v5
 *   error page, "Spot Trade": 170139 "Order has been filled.", 170143
 *   "Cannot be found on order book".
 * - Price and quantity rules are FILTER, from the same page: 170124
 *   order amount, 170132/170133 price too high / below the minimum,
 *   170381/170382 quantity too large, and the amend's 170313 "The
 *   modified contract quantity cannot be less than to the filled
 *   quantity".
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
    XG_ERR_RULE(0, 0, 170310, NULL, XG_OPS_ALL, XG_OUTCOME_UNKNOWN,
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
    XG_ERR_RULE_REJECT(170139, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(170143, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(170141, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(110072, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(12141, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(170134, XG_ERR_PRECISION),
    XG_ERR_RULE_REJECT(170137, XG_ERR_PRECISION),
    XG_ERR_RULE_REJECT(170136, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170140, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(110094, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170124, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170132, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170133, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170381, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170382, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(170313, XG_ERR_FILTER),
};

void
bybit_classify_error(xg_op_kind kind, const xg_http_response *resp,
                     int has_code, int64_t code, const char *msg,
                     xg_result *res)
{
    int64_t v = 0;

    const xg_err_rule *rule = xg_err_rules_apply(
        bybit_errors, sizeof(bybit_errors) / sizeof(bybit_errors[0]),
        kind, resp->status, has_code, code, msg, res);
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

/* The order's client id (orderLinkId) into dst: as xg_field_text, except
 * that "" is XG_ERR_NOT_FOUND, an order placed without one (not ours)
 * rather than a malformed entry. */
static xg_err
bybit_client_id(const xg_json *j, size_t o, char *dst, size_t cap)
{
    size_t v = 0;

    if (xg_json_get(j, o, "orderLinkId", &v) == XG_OK &&
        xg_json_is_string_eq(j, v, "")) {
        return XG_ERR_NOT_FOUND;
    }
    return xg_field_text(j, o, "orderLinkId", dst, cap);
}

/*
 * The order's fee. Spot orders carry it as cumFeeDetail, a map of coin to
 * cumulative fee ({} before a fill); one coin is said, several are not
 * one figure. Without the map, the older cumExecFee with feeCurrency
 * (deprecated for spot, still sent) says it when feeCurrency is given.
 * A coin name too long to carry leaves the fee unsaid; anything of the
 * wrong type is malformed.
 */
static xg_err
bybit_fee(const xg_json *j, size_t o, xg_execution *exec)
{
    size_t map = 0;
    char coin[XG_CURRENCY_MAX];
    xg_decimal fee;

    if (xg_field_has(j, o, "cumFeeDetail")) {
        if (xg_json_get(j, o, "cumFeeDetail", &map) != XG_OK ||
            xg_json_type_of(j, map) != XG_JSON_OBJECT) {
            return XG_ERR_BAD_FIELD;
        }
        if (j->tok[map].count != 1) {
            return XG_OK;
        }
        xg_err rc = xg_json_string(j, map + 1, coin, sizeof coin, NULL);
        if (rc == XG_ERR_TRUNCATED || coin[0] == '\0') {
            return XG_OK;
        }
        if (rc != XG_OK || xg_field_decimal(j, map, coin, &fee) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        exec->fee = fee;
        memcpy(exec->fee_currency, coin, sizeof exec->fee_currency);
        return XG_OK;
    }
    return xg_field_fee(j, o, "cumExecFee", "feeCurrency", 1, exec);
}

/*
 * The order's limit price and total quantity as Bybit holds them, an
 * amend's included. A market order's price is "0" (or "" or absent):
 * {0,0}, unsaid. A spot market buy sent with marketUnit quoteCoin has its
 * qty in quote units, which is no base quantity: unsaid too. Anything of
 * the wrong type, negative or given twice is malformed.
 */
static xg_err
bybit_price_qty(const xg_json *j, size_t o, xg_order_report *rep)
{
    size_t unit = 0;

    if (xg_field_amount_or_zero(j, o, "price", &rep->price) != XG_OK ||
        xg_field_amount_or_zero(j, o, "qty", &rep->qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_json_get(j, o, "marketUnit", &unit) == XG_OK &&
        xg_json_is_string_eq(j, unit, "quoteCoin")) {
        rep->qty = (xg_decimal){0, 0};
    }
    return XG_OK;
}

xg_err
bybit_order_report(const xg_json *j, size_t o, xg_order_report *rep)
{
    char status[32];

    memset(rep, 0, sizeof(*rep));
    if (xg_json_type_of(j, o) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_text(j, o, "orderId", rep->venue_order_id,
                      sizeof(rep->venue_order_id)) != XG_OK ||
        xg_field_text(j, o, "symbol", rep->venue_symbol,
                      sizeof(rep->venue_symbol)) != XG_OK ||
        xg_field_name(j, o, "orderStatus", status, sizeof(status)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    rep->status = XG_STATUS_UNKNOWN;
    for (size_t i = 0; i < sizeof(bybit_statuses) / sizeof(bybit_statuses[0]);
         i++) {
        if (strcmp(status, bybit_statuses[i].name) == 0) {
            rep->status = bybit_statuses[i].status;
            break;
        }
    }
    if (rep->status == XG_STATUS_UNKNOWN) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_has(j, o, "cumExecQty") &&
        xg_field_amount(j, o, "cumExecQty", &rep->exec.filled_qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_has(j, o, "cumExecValue") &&
        xg_field_amount(j, o, "cumExecValue", &rep->exec.filled_quote) !=
            XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (bybit_fee(j, o, &rep->exec) != XG_OK ||
        bybit_price_qty(j, o, rep) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    /* Last, so that a malformed entry is refused whoever placed it. */
    return bybit_client_id(j, o, rep->client_id, sizeof(rep->client_id));
}

/*
 * The ack of a create, a cancel or an amend, object token r (NULL: the
 * answer has none): {"orderId": "...", "orderLinkId": ...}, without the
 * order's price or quantity. A batch's items are acks of this shape too,
 * each read as its single operation's (op is that operation).
 */
static void
bybit_read_ack(const xg_op *op, const xg_json *j, const size_t *r,
               xg_result *res)
{
    xg_order_report *rep = &res->order;
    const xg_order *o = op->order;

    memset(rep, 0, sizeof(*rep));
    xg_err rc = XG_ERR_BAD_FIELD;
    if (r != NULL && xg_json_type_of(j, *r) == XG_JSON_OBJECT &&
        xg_field_text(j, *r, "orderId", rep->venue_order_id,
                      sizeof(rep->venue_order_id)) == XG_OK) {
        rc = xg_field_text(j, *r, "orderLinkId", rep->client_id,
                           sizeof(rep->client_id));
    }
    if (!xg_result_order_usable(op, rc, "malformed acknowledgement", res)) {
        return;
    }
    if (op->instrument != NULL) {
        xg_strlcpy(rep->venue_symbol, op->instrument->venue_symbol,
                   sizeof(rep->venue_symbol));
    }
    if (op->kind == XG_OP_CANCEL_ORDER) {
        rep->status = XG_STATUS_CANCELED;
    } else if (op->kind == XG_OP_AMEND_ORDER) {
        /* Accepted, not applied: Bybit amends asynchronously, and the
         * order may have filled meanwhile. The core queries. */
        rep->status = XG_STATUS_UNKNOWN;
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

static void
bybit_parse_ack(const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t r = 0;

    bybit_read_ack(op, j, bybit_result(j, &r) ? &r : NULL, res);
}

static void
bybit_parse_query(const xg_op *op, const xg_json *j, xg_result *res)
{
    xg_order_report rep;
    size_t list = 0;
    size_t e = 0;
    uint32_t i = 0;

    if (!bybit_result_list(j, &list)) {
        xg_result_bad_body(op->kind, "query: expected result.list", res);
        return;
    }
    if (j->tok[list].count == 0) {
        res->outcome = XG_OUTCOME_REJECTED;
        res->err = XG_ERR_ORDER_NOT_FOUND;
        xg_strlcpy(res->venue_msg, "no order with this orderLinkId",
                   sizeof(res->venue_msg));
        return;
    }
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        xg_err rc = bybit_order_report(j, e, &rep);
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
 * A non-empty nextPageCursor (of the result object r) means more pages:
 * this list (open orders, an order's executions) is not all there is. It
 * becomes next_cursor only when it can travel back verbatim
 * (bybit_is_query_value, short enough); otherwise the list is cut with no
 * way on. Absent, null or "" is the last page. A cursor of another JSON
 * type, or given twice, is a malformed answer that may still have had
 * pages behind it, so it counts as cut: that costs the sweep its verdict
 * on absent orders, where "not cut" could have them queried as gone.
 */
void
bybit_next_page(const xg_json *j, size_t r, xg_result *res)
{
    size_t v = 0;
    size_t n = 0;
    xg_err rc = xg_json_get(j, r, "nextPageCursor", &v);

    res->is_list_cut = 0;
    res->next_cursor[0] = '\0';
    if (rc == XG_ERR_NOT_FOUND ||
        (rc == XG_OK && xg_json_type_of(j, v) == XG_JSON_NULL)) {
        return;
    }
    if (rc != XG_OK || xg_json_type_of(j, v) != XG_JSON_STRING) {
        res->is_list_cut = 1;
        return;
    }
    if (xg_json_is_string_eq(j, v, "")) {
        return;
    }
    res->is_list_cut = 1;
    /* Too long to hand back whole: never a shortened cursor. */
    if (xg_json_string(j, v, res->next_cursor, sizeof(res->next_cursor), &n) !=
            XG_OK ||
        strlen(res->next_cursor) != n ||
        !bybit_is_query_value(res->next_cursor)) {
        res->next_cursor[0] = '\0';
    }
}

static xg_err
bybit_parse_open_orders(const xg_op *op, const xg_json *j, const xg_sink *sink,
                        xg_result *res)
{
    xg_order_report rep;
    size_t list = 0;
    size_t r = 0;
    size_t e = 0;
    uint32_t i = 0;

    if (!bybit_result_list(j, &list) || !bybit_result(j, &r)) {
        xg_result_bad_body(op->kind, "open orders: expected result.list", res);
        return XG_OK;
    }
    /* Check every entry before reporting any, so a corrupted list is
     * refused as a whole rather than half-delivered. */
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        if (bybit_order_report(j, e, &rep) == XG_ERR_BAD_FIELD) {
            xg_result_bad_body(op->kind, "open orders: malformed entry", res);
            return XG_OK;
        }
    }
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        /* No client id or a longer one than the gateway's: not ours. */
        if (bybit_order_report(j, e, &rep) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->order != NULL) {
            xg_err rc = sink->order(sink->ctx, &rep);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    bybit_next_page(j, r, res);
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- batches ------------------------------------------------------------ */

/* Token of element k of array arr in *out; 0 if it has fewer. */
static int
bybit_array_at(const xg_json *j, size_t arr, size_t k, size_t *out)
{
    size_t e = arr + 1;

    if (k >= j->tok[arr].count) {
        return 0;
    }
    for (size_t i = 0; i < k; i++) {
        e = j->tok[e].next;
    }
    *out = e;
    return 1;
}

/*
 * Where item `pos` (client id `id`) of a batch stands in the answer's
 * result.list: the one entry whose orderLinkId is id, else the entry at
 * its own position if that one names no order link id (absent or ""), as
 * Bybit lists the items in request order. 0 when neither, or when two
 * entries claim the id: such an answer does not say which is ours.
 */
static int
bybit_batch_find(const xg_json *j, size_t list, const char *id, size_t pos,
                 size_t *k)
{
    size_t e = list + 1;
    size_t v = 0;
    int n_found = 0;

    for (size_t i = 0; i < j->tok[list].count; i++, e = j->tok[e].next) {
        if (xg_json_type_of(j, e) == XG_JSON_OBJECT &&
            xg_json_get(j, e, "orderLinkId", &v) == XG_OK &&
            xg_json_is_string_eq(j, v, id)) {
            *k = i;
            n_found++;
        }
    }
    if (n_found != 0) {
        return n_found == 1;
    }
    if (!bybit_array_at(j, list, pos, &e) ||
        xg_json_type_of(j, e) != XG_JSON_OBJECT) {
        return 0;
    }
    if (xg_field_has(j, e, "orderLinkId") &&
        (xg_json_get(j, e, "orderLinkId", &v) != XG_OK ||
         !xg_json_is_string_eq(j, v, ""))) {
        return 0;
    }
    *k = pos;
    return 1;
}

/*
 * One order of a batch into res, as its single create or cancel (one)
 * would have been read: retExtInfo.list[k] {code, msg} says whether it
 * went through; code 0 is the ack in result.list[k], any other code goes
 * through the same error table as the single operation (10006 for the
 * orders past the batch limit: RATE_LIMITED until the reset header).
 */
static void
bybit_batch_item(const xg_op *one, const xg_http_response *resp,
                 const xg_json *j, size_t list, size_t codes, size_t pos,
                 xg_result *res)
{
    char msg[BYBIT_MSG_MAX];
    const char *text = NULL;
    size_t k = 0;
    size_t e = 0;
    size_t c = 0;
    size_t v = 0;
    int64_t code = 0;

    memset(res, 0, sizeof(*res));
    if (!bybit_batch_find(j, list, one->client_id, pos, &k) ||
        !bybit_array_at(j, list, k, &e) || !bybit_array_at(j, codes, k, &c) ||
        xg_json_type_of(j, c) != XG_JSON_OBJECT ||
        xg_field_i64(j, c, "code", &code) != XG_OK) {
        xg_result_bad_body(one->kind, "batch: no outcome for this order", res);
        return;
    }
    if (code != 0) {
        if (xg_json_get(j, c, "msg", &v) == XG_OK &&
            xg_json_string(j, v, msg, sizeof(msg), NULL) != XG_ERR_INVALID) {
            text = msg;
        }
        bybit_classify_error(one->kind, resp, 1, code, text, res);
        return;
    }
    bybit_read_ack(one, j, &e, res);
}

/*
 * create-batch and cancel-batch (Bybit v5 docs, "Batch Place Order",
 * "Batch Cancel Order"): retCode 0 whenever the batch itself was taken,
 * and two lists of one entry per order in request order, result.list with
 * the ids and retExtInfo.list with each order's {code, msg}. Lists of
 * different lengths cannot be paired, so nothing in them is believed:
 * the batch's fate is open (UNKNOWN) and the results are not read.
 */
static void
bybit_parse_batch(const xg_op *op, const xg_http_response *resp,
                  const xg_json *j, xg_result *res)
{
    const xg_batch *batch = op->batch;
    size_t list = 0;
    size_t ext = 0;
    size_t codes = 0;

    if (batch == NULL || batch->results == NULL) {
        xg_result_bad_body(op->kind, "batch: no orders to read into", res);
        return;
    }
    if (!bybit_result_list(j, &list) ||
        xg_json_get(j, 0, "retExtInfo", &ext) != XG_OK ||
        xg_json_type_of(j, ext) != XG_JSON_OBJECT ||
        xg_json_get(j, ext, "list", &codes) != XG_OK ||
        xg_json_type_of(j, codes) != XG_JSON_ARRAY ||
        j->tok[codes].count != j->tok[list].count) {
        xg_result_bad_body(
            op->kind, "batch: expected result.list and retExtInfo.list", res);
        return;
    }
    for (size_t i = 0; i < batch->n; i++) {
        xg_op one = xg_batch_item_op(op, i);
        bybit_batch_item(&one, resp, j, list, codes, i, &batch->results[i]);
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* --- cancel-all ---------------------------------------------------------- */

/* One entry {orderId, orderLinkId} of a cancel-all answer as a report of
 * a canceled order of op's symbol. XG_ERR_NOT_FOUND / XG_ERR_TRUNCATED
 * for an order without a client id or with a longer one than the
 * gateway's (not ours); XG_ERR_BAD_FIELD when malformed. */
static xg_err
bybit_canceled_entry(const xg_op *op, const xg_json *j, size_t e,
                     xg_order_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT ||
        xg_field_text(j, e, "orderId", rep->venue_order_id,
                      sizeof(rep->venue_order_id)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    xg_strlcpy(rep->venue_symbol, op->instrument->venue_symbol,
               sizeof(rep->venue_symbol));
    rep->status = XG_STATUS_CANCELED;
    return bybit_client_id(j, e, rep->client_id, sizeof(rep->client_id));
}

/*
 * cancel-all (Bybit v5 docs, "Cancel All Orders"): result.list of the
 * orders canceled, {orderId, orderLinkId}, and result.success "1" or "0".
 * The answer is an ack, as a single cancel's is: each order named is
 * reported CANCELED, fills unsaid. "0" says the venue failed without
 * saying which orders went: UNKNOWN, for the core to list what is open.
 * An absent success is read as "1" (older answers have none). Entries are
 * all checked before any is reported, as for open orders.
 */
static xg_err
bybit_parse_cancel_all(const xg_op *op, const xg_json *j, const xg_sink *sink,
                       xg_result *res)
{
    xg_order_report rep;
    size_t r = 0;
    size_t list = 0;
    size_t v = 0;
    size_t e = 0;
    uint32_t i = 0;

    if (op->instrument == NULL || !bybit_result(j, &r) ||
        !bybit_result_list(j, &list)) {
        xg_result_bad_body(op->kind, "cancel-all: expected result.list", res);
        return XG_OK;
    }
    if (xg_field_has(j, r, "success")) {
        if (xg_json_get(j, r, "success", &v) != XG_OK ||
            !(xg_json_is_string_eq(j, v, "1") ||
              xg_json_is_string_eq(j, v, "0"))) {
            xg_result_bad_body(op->kind, "cancel-all: malformed success", res);
            return XG_OK;
        }
        if (xg_json_is_string_eq(j, v, "0")) {
            res->outcome = XG_OUTCOME_UNKNOWN;
            res->err = XG_ERR_UNKNOWN_STATUS;
            xg_strlcpy(res->venue_msg, "cancel-all answered success \"0\"",
                       sizeof(res->venue_msg));
            return XG_OK;
        }
    }
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        if (bybit_canceled_entry(op, j, e, &rep) == XG_ERR_BAD_FIELD) {
            xg_result_bad_body(op->kind, "cancel-all: malformed entry", res);
            return XG_OK;
        }
    }
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        if (bybit_canceled_entry(op, j, e, &rep) != XG_OK) {
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

/* --- balances ------------------------------------------------------------ */

/*
 * One coin of a wallet-balance answer (Bybit v5 docs, "Get Wallet
 * Balance": coin, walletBalance, locked "locked balance due to the Spot
 * open order"). free = walletBalance - locked. In a unified account
 * walletBalance may be negative (a borrowed coin) and nothing of it is
 * then free; a locked above walletBalance likewise leaves nothing free,
 * so free is clamped at 0 rather than handed on negative. A negative
 * locked, or an amount that is no decimal, is malformed (XG_ERR_BAD_FIELD);
 * a coin name too long to carry is XG_ERR_TRUNCATED (skipped).
 */
static xg_err
bybit_balance(const xg_json *j, size_t c, xg_balance *bal)
{
    xg_decimal wallet;
    xg_decimal locked;
    xg_err rc = XG_OK;

    memset(bal, 0, sizeof(*bal));
    if (xg_json_type_of(j, c) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_field_text(j, c, "coin", bal->asset, sizeof(bal->asset));
    if (rc != XG_OK) {
        return rc == XG_ERR_TRUNCATED ? rc : XG_ERR_BAD_FIELD;
    }
    if (xg_field_decimal(j, c, "walletBalance", &wallet) != XG_OK ||
        xg_field_amount_or_zero(j, c, "locked", &locked) != XG_OK ||
        xg_decimal_add(wallet, (xg_decimal){-locked.units, locked.scale},
                       &bal->free) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (bal->free.units < 0) {
        bal->free = (xg_decimal){0, 0};
    }
    bal->locked = locked;
    return XG_OK;
}

/* The coins of result.list[].coin[], each account's (accountType=UNIFIED
 * gives one), all checked before any is reported. */
static xg_err
bybit_parse_balances(const xg_op *op, const xg_json *j, const xg_sink *sink,
                     xg_result *res)
{
    xg_balance bal;
    size_t list = 0;
    size_t a = 0;
    size_t coins = 0;
    size_t c = 0;

    if (!bybit_result_list(j, &list)) {
        xg_result_bad_body(op->kind, "balances: expected result.list", res);
        return XG_OK;
    }
    for (int pass = 0; pass < 2; pass++) {
        a = list + 1;
        for (uint32_t i = 0; i < j->tok[list].count; i++, a = j->tok[a].next) {
            if (xg_json_type_of(j, a) != XG_JSON_OBJECT ||
                xg_json_get(j, a, "coin", &coins) != XG_OK ||
                xg_json_type_of(j, coins) != XG_JSON_ARRAY) {
                xg_result_bad_body(op->kind, "balances: expected coin[]", res);
                return XG_OK;
            }
            c = coins + 1;
            for (uint32_t k = 0; k < j->tok[coins].count;
                 k++, c = j->tok[c].next) {
                xg_err rc = bybit_balance(j, c, &bal);
                if (rc == XG_ERR_BAD_FIELD) {
                    xg_result_bad_body(op->kind, "balances: malformed coin",
                                       res);
                    return XG_OK;
                }
                if (pass == 0 || rc != XG_OK || sink == NULL ||
                    sink->balance == NULL) {
                    continue;
                }
                rc = sink->balance(sink->ctx, &bal);
                if (rc != XG_OK) {
                    return rc;
                }
            }
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* --- instruments ------------------------------------------------------- */

static xg_err
bybit_parse_instrument(const xg_json *j, size_t s, xg_instrument *ins)
{
    char base[XG_SYMBOL_MAX];
    char quote[XG_SYMBOL_MAX];
    char status[32];
    size_t price = 0;
    size_t lot = 0;

    memset(ins, 0, sizeof(*ins));
    if (xg_json_type_of(j, s) != XG_JSON_OBJECT ||
        xg_json_get(j, s, "priceFilter", &price) != XG_OK ||
        xg_json_type_of(j, price) != XG_JSON_OBJECT ||
        xg_json_get(j, s, "lotSizeFilter", &lot) != XG_OK ||
        xg_json_type_of(j, lot) != XG_JSON_OBJECT ||
        xg_field_text(j, s, "symbol", ins->venue_symbol,
                      sizeof(ins->venue_symbol)) != XG_OK ||
        xg_field_text(j, s, "baseCoin", base, sizeof(base)) != XG_OK ||
        xg_field_text(j, s, "quoteCoin", quote, sizeof(quote)) != XG_OK ||
        xg_field_name(j, s, "status", status, sizeof(status)) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_symbol_join(base, quote, ins->symbol) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    /* tickSize and basePrecision are the price and quantity steps;
     * minOrderAmt the minimum notional in quote. minOrderQty is no longer
     * checked by Bybit (fact sheet), so it is not a rule here. The
     * largest quantity is maxLimitOrderQty where given, else maxOrderQty. */
    if (xg_field_amount(j, price, "tickSize", &ins->tick_size) != XG_OK ||
        xg_field_amount(j, lot, "basePrecision", &ins->lot_size) != XG_OK ||
        !xg_decimal_is_positive(ins->tick_size) ||
        !xg_decimal_is_positive(ins->lot_size) ||
        xg_field_amount_or_zero(j, lot, "minOrderAmt", &ins->min_notional) !=
            XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_has(j, lot, "maxLimitOrderQty")) {
        if (xg_field_amount_or_zero(j, lot, "maxLimitOrderQty",
                                    &ins->max_qty) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
    } else if (xg_field_amount_or_zero(j, lot, "maxOrderQty", &ins->max_qty) !=
               XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    ins->is_trading = strcmp(status, "Trading") == 0;
    ins->scope = 0; /* Bybit's order limits are per UID, not per symbol */
    return XG_OK;
}

static xg_err
bybit_parse_instruments(const xg_op *op, const xg_json *j, const xg_sink *sink,
                        xg_result *res)
{
    size_t list = 0;
    size_t s = 0;
    uint32_t i = 0;

    if (!bybit_result_list(j, &list)) {
        xg_result_bad_body(op->kind, "instruments: expected result.list", res);
        return XG_OK;
    }
    for (i = 0, s = list + 1; i < j->tok[list].count; i++, s = j->tok[s].next) {
        xg_instrument ins;
        /* One odd symbol must not hide the others: skip it. */
        if (bybit_parse_instrument(j, s, &ins) != XG_OK) {
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
bybit_parse_server_time(const xg_op *op, const xg_json *j, xg_result *res)
{
    size_t r = 0;
    int64_t nano = 0;
    int64_t sec = 0;
    xg_err nano_rc = XG_ERR_BAD_FIELD;
    xg_err sec_rc = XG_ERR_BAD_FIELD;

    if (bybit_result(j, &r)) {
        nano_rc = bybit_get_digits(j, r, "timeNano", &nano);
        sec_rc = bybit_get_digits(j, r, "timeSecond", &sec);
    }
    /* timeNano has the precision; timeSecond is the fallback, but not
     * for a timeNano given twice: that answer is not believed at all. */
    if (nano_rc == XG_ERR_EXISTS || sec_rc == XG_ERR_EXISTS) {
        xg_result_bad_body(op->kind, "time: repeated member", res);
        return;
    }
    if (nano_rc == XG_OK && nano / 1000000 > 0) {
        res->server_time_ms = nano / 1000000;
    } else if (sec_rc == XG_OK && sec > 0 && sec <= INT64_MAX / 1000) {
        res->server_time_ms = sec * 1000;
    } else {
        xg_result_bad_body(op->kind, "time: expected result.timeNano", res);
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* "Get API Key Information": result.userID, a number. */
static void
bybit_parse_account(const xg_json *j, xg_result *res)
{
    size_t r = 0;
    if (!bybit_result(j, &r)) {
        xg_result_bad_body(XG_OP_ACCOUNT_ID, "account: expected result", res);
        return;
    }
    xg_result_account(j, r, "userID", res);
}

/* --- entry --------------------------------------------------------------- */

xg_err
bybit_parse(void *inst, const xg_op *op, const xg_http_response *resp,
            const xg_sink *sink, xg_result *res)
{
    bybit *b = inst;
    xg_json j;
    int is_json = 0;
    int has_code = 0;
    int64_t code = 0;
    int64_t venue_time_ms = 0;
    const char *msg = NULL;
    char msg_buf[BYBIT_MSG_MAX];
    xg_err rc = XG_OK;

    if (b == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body == NULL && resp->body_len > 0) ||
        op->kind < XG_OP_SERVER_TIME || op->kind > XG_OP_KIND_MAX ||
        op->kind == XG_OP_BATCH_AMEND || op->kind == XG_OP_STREAM_TOKEN ||
        (op->kind == XG_OP_ORDER_FILLS && op->venue_order_id == NULL)) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    msg_buf[0] = '\0';
    if (resp->body_len > 0) {
        rc = xg_json_parse_grow(&j, resp->body, resp->body_len, &b->json,
                                XG_JSON_STORE_MAX);
        if (rc == XG_ERR_NOMEM) {
            xg_json_store_trim(&b->json);
            return rc;
        }
        /* Every Bybit answer is an object; a bare scalar is read as text,
         * like any other body that is no answer, so its start reaches the
         * operator. */
        is_json = rc == XG_OK && (xg_json_type_of(&j, 0) == XG_JSON_OBJECT ||
                                  xg_json_type_of(&j, 0) == XG_JSON_ARRAY);
        rc = XG_OK;
    }
    if (is_json && xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        size_t v = 0;
        int64_t t = 0;
        /* A repeated retCode, retMsg or time is read as absent: no retCode
         * makes a 2xx answer malformed, so neither copy is believed. */
        if (xg_json_get(&j, 0, "retCode", &v) == XG_OK &&
            xg_json_int64(&j, v, &code) == XG_OK) {
            has_code = 1;
        }
        if (xg_field_i64(&j, 0, "time", &t) == XG_OK && t > 0) {
            venue_time_ms = t;
        }
        if (xg_json_get(&j, 0, "retMsg", &v) == XG_OK &&
            xg_json_string(&j, v, msg_buf, sizeof(msg_buf), NULL) !=
                XG_ERR_INVALID) {
            msg = msg_buf;
        }
    }
    bybit_parse_usage(op->kind, resp, venue_time_ms, res);
    if (msg == NULL && !is_json && resp->body_len > 0) {
        /* Not JSON (a proxy's HTML page, the 403 page, a truncated
         * answer): keep its start as the venue's text for the operator. */
        xg_copy_printable(msg_buf, XG_VENUE_MSG_MAX, resp->body,
                          resp->body_len);
        msg = msg_buf;
    }

    if (resp->status < 200 || resp->status > 299 || (has_code && code != 0)) {
        bybit_classify_error(op->kind, resp, has_code, code, msg, res);
    } else if (!is_json) {
        xg_result_bad_body(op->kind,
                           resp->body_len == 0 ? "empty body" : "body not JSON",
                           res);
    } else if (!has_code) {
        xg_result_bad_body(op->kind, "no retCode in answer",
                           res);
    } else {
        switch (op->kind) {
        case XG_OP_SERVER_TIME:
            bybit_parse_server_time(op, &j, res);
            break;
        case XG_OP_INSTRUMENTS:
            rc = bybit_parse_instruments(op, &j, sink, res);
            break;
        case XG_OP_NEW_ORDER:
        case XG_OP_CANCEL_ORDER:
        case XG_OP_AMEND_ORDER:
            bybit_parse_ack(op, &j, res);
            break;
        case XG_OP_QUERY_ORDER:
            bybit_parse_query(op, &j, res);
            break;
        case XG_OP_OPEN_ORDERS:
            rc = bybit_parse_open_orders(op, &j, sink, res);
            break;
        case XG_OP_BATCH_NEW:
        case XG_OP_BATCH_CANCEL:
            bybit_parse_batch(op, resp, &j, res);
            break;
        case XG_OP_CANCEL_SYMBOL:
            rc = bybit_parse_cancel_all(op, &j, sink, res);
            break;
        case XG_OP_BALANCES:
            rc = bybit_parse_balances(op, &j, sink, res);
            break;
        case XG_OP_ORDER_FILLS:
            rc = bybit_parse_order_fills(op, &j, sink, res);
            break;
        case XG_OP_ACCOUNT_ID:
            bybit_parse_account(&j, res);
            break;
        default:
            rc = XG_ERR_INVALID;
            break;
        }
    }
    xg_json_store_trim(&b->json);
    return rc;
}
