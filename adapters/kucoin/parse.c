/*
 * parse.c - KuCoin spot responses into xgate's unified results.
 *
 * KuCoin wraps every answer in {"code": "200000", "data": ...} on success
 * and {"code": "<n>", "msg": "..."} on error, the HTTP status mirroring
 * the class (fact sheet, "Response shapes"). kucoin_parse reads the pool
 * usage header, sends errors through the one error table below, and turns
 * success bodies into the server time, the instruments, an order report
 * (an amend's: the replacement KuCoin placed), the open orders, a result
 * per order of a batch (each as its single place's would be), a mass
 * cancel's acknowledgement, the trade account's balances or the private
 * stream's token; an order's fills are read in parse_fills.c.
 *
 * Bodies are hostile until proven otherwise: they are checked by the
 * strict reader of xgate/json.h over exactly body_len bytes (its token
 * array lives in the instance, so the answers on the order path allocate
 * nothing), a member given twice is never read (the reader must not pick
 * one of two answers), every field is type-checked, numbers the venue
 * sends as strings go through the decimal parser, and text copied into a
 * result is truncated and made printable. A malformed answer is an outcome,
 * never a crash: UNKNOWN for a new order, an amend or a cancel (the order
 * may have changed), REJECTED with XG_ERR_BAD_RESPONSE for the read-only
 * operations.
 */
#include "kucoin.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

#define KUCOIN_CODE_OK 200000

/* --- small helpers ----------------------------------------------------- */

/* A non-negative decimal integer of 1-18 digits in s[0..len). */
static xg_err
kucoin_digits_i64(const char *s, size_t len, int64_t *out)
{
    if (len > 18) {
        return XG_ERR_INVALID;
    }
    return xg_digits_i64(s, len, out);
}

/* A boolean member into *out; XG_ERR_BAD_FIELD if absent, repeated or of
 * another type. */
static xg_err
kucoin_field_bool(const xg_json *j, size_t obj, const char *key, int *out)
{
    size_t v = 0;

    if (xg_json_get(j, obj, key, &v) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    switch (xg_json_type_of(j, v)) {
    case XG_JSON_TRUE:
        *out = 1;
        return XG_OK;
    case XG_JSON_FALSE:
        *out = 0;
        return XG_OK;
    default:
        return XG_ERR_BAD_FIELD;
    }
}

/* --- usage ------------------------------------------------------------- */

void
kucoin_parse_usage(const xg_op *op, const xg_http_response *resp,
                   xg_result *res)
{
    int64_t remaining = 0;

    if (resp->headers == NULL ||
        xg_http_response_header_i64(resp, "gw-ratelimit-remaining",
                                    &remaining) != XG_OK ||
        res->n_usage >= XG_RESULT_MAX_USAGE) {
        return;
    }
    xg_usage *u = &res->usage[res->n_usage++];
    u->bucket = kucoin_op_bucket(op->kind);
    u->scope = 0;
    u->used = -1;
    u->remaining = remaining;
    /* When the pool starts over: the correction lasts only that long. */
    int64_t reset_ms = 0;
    if (xg_http_response_header_i64(resp, "gw-ratelimit-reset", &reset_ms) ==
            XG_OK &&
        reset_ms > 0) {
        u->reset_ms = reset_ms;
    }
}

/* --- the error table --------------------------------------------------- */

/* xg_err_rule.hint: where a rate limit's end is to be read. */
enum { KUCOIN_HINT_RESET = 1 }; /* gw-ratelimit-reset, else the rule's */

/* A refusal recognised by a piece of its message, with or without a code. */
#define KUCOIN_MSG_RULE(text, e)                                               \
    XG_ERR_RULE(0, 0, 0, (text), XG_OPS_ALL, XG_OUTCOME_REJECTED, (e), 0)

/*
 * First match wins. Source: fact sheet "Error codes a gateway must map",
 * "Rate-limit model" and "Surprises".
 *
 * - 1015 is Cloudflare's IP limit (legacy), blocking about 30 s: BANNED
 *   for 30 s (the ban length goes in retry_after_ms, as Retry-After). It
 *   comes as a code or as Cloudflare's HTML page saying "Error 1015"; a
 *   Retry-After header (seconds), when present, gives the real length.
 * - 429000 / HTTP 429 is the pool running dry: RATE_LIMITED until
 *   gw-ratelimit-reset. With remaining > 0 it is overload (legacy
 *   meaning), handled in kucoin_classify_error with a 1 s back-off.
 * - 200002 is the legacy per-endpoint limit, blocking 10 s.
 * - 400002: timestamp outside the venue's window: resync the clock.
 * - 5xx, 500000 and 408000 mean "status unknown" for a new order or a
 *   cancel (query by clientOid); reads changed nothing: VENUE_DOWN.
 * - 400100 is the generic parameter error; its message says which: the
 *   cancel of an unknown order ("order_not_exist_or_not_allow_to_cancel"),
 *   an order that is unknown or closed ("order not exist", the text ccxt
 *   4.5.84 maps to OrderNotFound; what an amend of a filled or canceled
 *   order is answered, see docs/simulator-kucoin.md), a balance problem,
 *   otherwise the size/price rules (FILTER).
 * - The message rows match whatever the code, or none: an order of a
 *   batch is refused with a failMsg and no code ("Batch Add Orders",
 *   api-3470168: {"success": false, "failMsg": "The order funds should
 *   more then 0.1 USDT."}), and kucoin_classify_item reads it through this
 *   same table, so a batch's order is refused for the reason its single
 *   place would give. Only a batch's order can be limited by message
 *   (there the 429000 code is missing); the rows come after every code
 *   that means something else, so a coded answer keeps its code's
 *   meaning.
 * - Anything else is REJECTED with XG_ERR_REJECTED.
 */
static const xg_err_rule kucoin_errors[] = {
    XG_ERR_RULE(0, 0, 1015, NULL, XG_OPS_ALL, XG_OUTCOME_BANNED, XG_ERR_BANNED,
                30000),
    XG_ERR_RULE(0, 0, 0, "Error 1015", XG_OPS_ALL, XG_OUTCOME_BANNED,
                XG_ERR_BANNED, 30000),
    XG_ERR_RULE_LIMITED_BY(0, 0, 429000, KUCOIN_HINT_RESET),
    XG_ERR_RULE_LIMITED_BY(429, 429, 0, KUCOIN_HINT_RESET),
    XG_ERR_RULE(0, 0, 200002, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                XG_ERR_RATE_LIMITED, 10000),
    XG_ERR_RULE(0, 0, 400002, NULL, XG_OPS_ALL, XG_OUTCOME_RESYNC,
                XG_ERR_TIMESTAMP, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(500, 599, 0),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 500000),
    XG_ERR_RULES_STATUS_UNKNOWN(0, 0, 408000),
    XG_ERR_RULES_ODD_STATUS,
    XG_ERR_RULE_REJECT(400001, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(400003, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(400004, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(400005, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(400006, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(400007, XG_ERR_AUTH),
    XG_ERR_RULE_REJECT(411100, XG_ERR_AUTH),
    XG_ERR_RULE(401, 401, 0, NULL, XG_OPS_ALL, XG_OUTCOME_REJECTED, XG_ERR_AUTH,
                0),
    XG_ERR_RULE_REJECT(200004, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(230003, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(260100, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(600100, XG_ERR_INSUFFICIENT_FUNDS),
    XG_ERR_RULE_REJECT(126013, XG_ERR_INSUFFICIENT_FUNDS),
    KUCOIN_MSG_RULE("balance insufficient", XG_ERR_INSUFFICIENT_FUNDS),
    KUCOIN_MSG_RULE("order_not_exist", XG_ERR_ORDER_NOT_FOUND),
    KUCOIN_MSG_RULE("order not exist", XG_ERR_ORDER_NOT_FOUND),
    KUCOIN_MSG_RULE("clientOid duplicated", XG_ERR_DUPLICATE_ID),
    KUCOIN_MSG_RULE("symbolNotAvailable", XG_ERR_UNKNOWN_SYMBOL),
    KUCOIN_MSG_RULE("increment invalid", XG_ERR_FILTER),
    KUCOIN_MSG_RULE("below the minimum", XG_ERR_FILTER),
    KUCOIN_MSG_RULE("should more then", XG_ERR_FILTER),
    KUCOIN_MSG_RULE("too large", XG_ERR_FILTER),
    KUCOIN_MSG_RULE("matched immediately", XG_ERR_FILTER),
    XG_ERR_RULE(0, 0, 0, "too many requests", XG_OP_BIT(XG_OP_BATCH_NEW),
                XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, 1000),
    XG_ERR_RULE_REJECT(400100, XG_ERR_FILTER),
    XG_ERR_RULE_REJECT(400600, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE_REJECT(126004, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE_REJECT(400000, XG_ERR_UNKNOWN_SYMBOL),
    XG_ERR_RULE_REJECT(126043, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(100001, XG_ERR_ORDER_NOT_FOUND),
    XG_ERR_RULE_REJECT(126044, XG_ERR_DUPLICATE_ID),
    XG_ERR_RULE_REJECT(126033, XG_ERR_DUPLICATE_ID),
};

void
kucoin_classify_error(xg_op_kind kind, const xg_http_response *resp,
                      int has_code, int64_t code, const char *msg,
                      xg_result *res)
{
    int64_t reset_ms = 0;
    int64_t remaining = 0;

    const xg_err_rule *rule = xg_err_rules_apply(
        kucoin_errors, sizeof(kucoin_errors) / sizeof(kucoin_errors[0]), kind,
        resp->status, has_code, code, msg, res);
    if (res->outcome == XG_OUTCOME_BANNED &&
        xg_http_response_header_i64(resp, "Retry-After", &reset_ms) == XG_OK &&
        reset_ms > 0 && reset_ms < INT64_MAX / 1000) {
        /* Cloudflare says how long its block lasts when it says it. */
        res->retry_after_ms = reset_ms * 1000;
    }
    if (rule != NULL && rule->hint == KUCOIN_HINT_RESET) {
        int has_reset = xg_http_response_header_i64(resp, "gw-ratelimit-reset",
                                                    &reset_ms) == XG_OK;
        int has_remaining =
            xg_http_response_header_i64(resp, "gw-ratelimit-remaining",
                                        &remaining) == XG_OK;
        if (has_remaining && remaining > 0) {
            /* Quota left yet refused: server overload (legacy 429000
             * meaning), not our pool; back off briefly. */
            res->retry_after_ms = 1000;
        } else if (has_reset && reset_ms > 0) {
            res->retry_after_ms = reset_ms;
        }
    }
    if (!has_code) {
        /* Cloudflare's pages carry no code: the status says what came. */
        snprintf(res->venue_code, sizeof(res->venue_code), "HTTP %d",
                 resp->status);
    }
}

/* One order of a batch refused with a failMsg (msg, NULL when absent)
 * and no code: the error table read by message, as 200 OK answers. An
 * order of a batch is refused or limited, never banned or left unsure
 * (the request's own outcome says those), so any other row's outcome
 * becomes a plain refusal. */
static void
kucoin_classify_item(const char *msg, xg_result *r)
{
    (void)xg_err_rules_apply(kucoin_errors,
                             sizeof(kucoin_errors) / sizeof(kucoin_errors[0]),
                             XG_OP_BATCH_NEW, 200, 0, 0, msg, r);
    if (r->outcome != XG_OUTCOME_REJECTED &&
        r->outcome != XG_OUTCOME_RATE_LIMITED) {
        r->outcome = XG_OUTCOME_REJECTED;
        r->err = XG_ERR_REJECTED;
        r->retry_after_ms = 0;
    }
}

/* --- orders ------------------------------------------------------------ */

xg_err
kucoin_canceled_status(const xg_json *j, size_t o, xg_order_status *status)
{
    size_t tif = 0;

    /* A timeInForce that is no string says nothing; one given twice could
     * say either, so it is refused. */
    xg_err rc = xg_json_get(j, o, "timeInForce", &tif);
    if (rc == XG_ERR_EXISTS) {
        return XG_ERR_BAD_FIELD;
    }
    if (rc == XG_OK && (xg_json_is_string_eq(j, tif, "IOC") ||
                        xg_json_is_string_eq(j, tif, "FOK"))) {
        *status = XG_STATUS_EXPIRED;
    } else {
        *status = XG_STATUS_CANCELED;
    }
    return XG_OK;
}

/* Fill the status of an HF order object from active / cancelExist /
 * dealSize / timeInForce (HF orders have no status string). */
static xg_err
kucoin_order_status(const xg_json *j, size_t o, xg_order_report *rep)
{
    int active = 0;
    int cancel_exist = 0;

    if (kucoin_field_bool(j, o, "active", &active) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (active) {
        rep->status = rep->exec.filled_qty.units > 0
                          ? XG_STATUS_PARTIALLY_FILLED
                          : XG_STATUS_NEW;
        return XG_OK;
    }
    if (xg_field_has(j, o, "cancelExist") &&
        kucoin_field_bool(j, o, "cancelExist", &cancel_exist) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (cancel_exist) {
        return kucoin_canceled_status(j, o, &rep->status);
    }
    rep->status = XG_STATUS_FILLED;
    return XG_OK;
}

/* One HF order object (query, open orders) into rep, its limit price and
 * size ({0,0} when absent: "not said") included. XG_ERR_TRUNCATED when
 * the client id is longer than any the gateway sends (someone else's
 * order); XG_ERR_BAD_FIELD for anything else malformed. */
static xg_err
kucoin_order_report(const xg_json *j, size_t o, xg_order_report *rep)
{
    xg_err rc = XG_OK;

    memset(rep, 0, sizeof(*rep));
    if (xg_json_type_of(j, o) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_field_text(j, o, "clientOid", rep->client_id,
                       sizeof(rep->client_id));
    if (rc != XG_OK) {
        return rc;
    }
    if (xg_field_text(j, o, "id", rep->venue_order_id,
                      sizeof(rep->venue_order_id)) != XG_OK ||
        xg_field_text(j, o, "symbol", rep->venue_symbol,
                      sizeof(rep->venue_symbol)) != XG_OK ||
        xg_field_amount(j, o, "dealSize", &rep->exec.filled_qty) != XG_OK ||
        xg_field_amount(j, o, "dealFunds", &rep->exec.filled_quote) != XG_OK ||
        xg_field_fee(j, o, "fee", "feeCurrency", 1, &rep->exec) != XG_OK ||
        xg_field_amount_or_zero(j, o, "price", &rep->price) != XG_OK ||
        xg_field_amount_or_zero(j, o, "size", &rep->qty) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return kucoin_order_status(j, o, rep);
}

/* The venue symbol of the request, for answers that do not repeat it. */
static void
kucoin_op_symbol(const xg_op *op, xg_order_report *rep)
{
    if (op->instrument != NULL) {
        (void)xg_strlcpy(rep->venue_symbol, op->instrument->venue_symbol,
                         sizeof(rep->venue_symbol));
    }
}

/* KuCoin's place and alter answers carry ids only. A resting new order
 * is NEW; one that takes (market, IOC, FOK) may have filled at once, so
 * the state is reported unknown and the core queries it (adapter.h). So
 * is an amend's replacement: at its new price it may have taken, and with
 * a newSize not above what the old order filled KuCoin places none at
 * all ("the order will be considered as completed"). */
static xg_order_status
kucoin_ack_status(const xg_op *op)
{
    const xg_order *o = op->order;
    if (op->kind == XG_OP_NEW_ORDER && o != NULL && o->type == XG_TYPE_LIMIT &&
        (o->tif == XG_TIF_GTC || o->tif == XG_TIF_POST_ONLY)) {
        return XG_STATUS_NEW;
    }
    return XG_STATUS_UNKNOWN;
}

static void
kucoin_parse_order(const xg_op *op, const xg_json *j, size_t data,
                   xg_result *res)
{
    xg_order_report *rep = &res->order;
    xg_err rc = XG_OK;

    memset(rep, 0, sizeof(*rep));
    if (op->kind == XG_OP_QUERY_ORDER &&
        xg_json_type_of(j, data) == XG_JSON_NULL) {
        /* The HF query answers an unknown clientOid with no data. */
        res->outcome = XG_OUTCOME_REJECTED;
        res->err = XG_ERR_ORDER_NOT_FOUND;
        xg_copy_printable(res->venue_msg, sizeof(res->venue_msg),
                          "order not found (data null)", 27);
        return;
    }
    if (xg_json_type_of(j, data) != XG_JSON_OBJECT) {
        xg_result_bad_body(op->kind, "expected an order object", res);
        return;
    }
    switch (op->kind) {
    case XG_OP_NEW_ORDER:
    case XG_OP_AMEND_ORDER:
        /* {"orderId": ..., "clientOid": ...}: accepted, nothing more. An
         * alter answers {"newOrderId": ..., "clientOid": ...}, the
         * replacement's id and "the original client order ID" it keeps
         * (docs-new "Modify Order"). */
        rc = xg_field_text(j, data, "clientOid", rep->client_id,
                           sizeof(rep->client_id));
        if (rc == XG_OK) {
            rc = xg_field_text(
                j, data,
                op->kind == XG_OP_AMEND_ORDER ? "newOrderId" : "orderId",
                rep->venue_order_id, sizeof(rep->venue_order_id));
        }
        rep->status = kucoin_ack_status(op);
        kucoin_op_symbol(op, rep);
        break;
    case XG_OP_CANCEL_ORDER:
        /* {"clientOid": ...}: the cancel was accepted. */
        rc = xg_field_text(j, data, "clientOid", rep->client_id,
                           sizeof(rep->client_id));
        rep->status = XG_STATUS_CANCELED;
        kucoin_op_symbol(op, rep);
        break;
    default:
        rc = kucoin_order_report(j, data, rep);
        break;
    }
    if (!xg_result_order_usable(op, rc, "malformed order in response", res)) {
        return;
    }
    if (op->kind == XG_OP_AMEND_ORDER) {
        /* Always a replacement. replaced_exec stays {0}: the new order is
         * taken to carry the old one's fills in its dealSize (KuCoin does
         * not document it; xgsim assumes it, docs/simulator-kucoin.md),
         * so its reports count everything the clientOid executed. */
        res->is_replaced = 1;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* --- batches and mass cancel -------------------------------------------- */

/* An entry's clientOid into buf (cap bytes): 1 when it is a non-empty
 * string that fits, 0 when absent, null or "" (the answer then names the
 * order by position), -1 when it is unusable (repeated, another type, too
 * long for any id the gateway sends). */
static int
kucoin_entry_client_id(const xg_json *j, size_t e, char *buf, size_t cap)
{
    size_t v = 0;
    size_t len = 0;
    xg_err rc = xg_json_get(j, e, "clientOid", &v);

    if (rc == XG_ERR_NOT_FOUND ||
        (rc == XG_OK && xg_json_type_of(j, v) == XG_JSON_NULL)) {
        return 0;
    }
    if (rc != XG_OK || xg_json_string(j, v, buf, cap, &len) != XG_OK ||
        strlen(buf) != len) {
        return -1;
    }
    return len > 0 ? 1 : 0;
}

/* Which order of batch b entry e (the pos-th of count) answers: the one
 * whose client id it names; else, when it names none and the answer has
 * one entry per order, the one at its place ("sequential batch order
 * placement", api-3470168, and a refused order's entry carries no
 * clientOid). -1 when it names an order not in the batch or cannot be
 * placed. */
static int
kucoin_batch_index(const xg_json *j, size_t e, const xg_batch *b, size_t pos,
                   size_t count)
{
    char cid[XG_CLIENT_ID_MAX];
    int named = xg_json_type_of(j, e) == XG_JSON_OBJECT
                    ? kucoin_entry_client_id(j, e, cid, sizeof(cid))
                    : 0;

    if (named == 1) {
        for (size_t i = 0; i < b->n; i++) {
            if (strcmp(b->items[i].client_id, cid) == 0) {
                return (int)i;
            }
        }
        return -1;
    }
    return count == b->n && pos < b->n ? (int)pos : -1;
}

/* Entry e of a Batch Add Orders answer into r, the result of the batch's
 * order i as its own NEW_ORDER would have it: {orderId, clientOid, success:
 * true} is the single place's acknowledgement, {success: false, failMsg} its
 * refusal (kucoin_classify_item); anything else leaves the order unsure. */
static void
kucoin_parse_batch_entry(const xg_op *op, const xg_json *j, size_t e, size_t i,
                         xg_result *r)
{
    xg_op one = xg_batch_item_op(op, i);
    xg_order_report *rep = &r->order;
    char msg[XG_VENUE_MSG_MAX];
    int success = 0;
    int named = 0;
    size_t v = 0;
    xg_err rc = XG_OK;

    if (xg_json_type_of(j, e) != XG_JSON_OBJECT ||
        kucoin_field_bool(j, e, "success", &success) != XG_OK) {
        xg_result_bad_body(XG_OP_NEW_ORDER, "batch: malformed entry", r);
        return;
    }
    if (!success) {
        /* A failMsg given twice or not as text still refuses the order;
         * it only says nothing about why. */
        int has_msg =
            xg_json_get(j, e, "failMsg", &v) == XG_OK &&
            xg_json_string(j, v, msg, sizeof(msg), NULL) != XG_ERR_INVALID;
        kucoin_classify_item(has_msg ? msg : NULL, r);
        return;
    }
    named =
        kucoin_entry_client_id(j, e, rep->client_id, sizeof(rep->client_id));
    if (named == 0) {
        /* Placed by position: the order is the item's. */
        (void)xg_strlcpy(rep->client_id, one.client_id, sizeof(rep->client_id));
    }
    rc = named < 0 ? XG_ERR_BAD_FIELD
                   : xg_field_text(j, e, "orderId", rep->venue_order_id,
                                   sizeof(rep->venue_order_id));
    rep->status = kucoin_ack_status(&one);
    kucoin_op_symbol(&one, rep);
    if (!xg_result_order_usable(&one, rc, "batch: malformed order in response",
                                r)) {
        return;
    }
    r->outcome = XG_OUTCOME_OK;
    r->err = XG_OK;
}

/* data[] of a Batch Add Orders answer: one entry per order, each to the
 * order it names (kucoin_batch_index). An order no entry answers, or two
 * do, is unsure: UNKNOWN, for the core to query. */
static void
kucoin_parse_batch_new(const xg_op *op, const xg_json *j, size_t data,
                       xg_result *res)
{
    const xg_batch *b = op->batch;
    unsigned seen[XG_BATCH_MAX];
    size_t e = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, data) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "batch: expected an array", res);
        return;
    }
    memset(seen, 0, sizeof(seen));
    for (size_t k = 0; k < b->n; k++) {
        memset(&b->results[k], 0, sizeof(b->results[k]));
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        int at = kucoin_batch_index(j, e, b, i, j->tok[data].count);
        if (at < 0 || seen[at]++ > 0) {
            continue;
        }
        kucoin_parse_batch_entry(op, j, e, (size_t)at, &b->results[at]);
    }
    for (size_t k = 0; k < b->n; k++) {
        if (seen[k] != 1) {
            memset(&b->results[k], 0, sizeof(b->results[k]));
            xg_result_bad_body(XG_OP_NEW_ORDER,
                               seen[k] == 0
                                   ? "batch: order missing from the answer"
                                   : "batch: order answered twice",
                               &b->results[k]);
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* Cancel All Orders By Symbol answers data "success" (api-3470175): the
 * cancels were requested, and the answer names no order, so nothing goes
 * to the sink (the core queries the orders it asked about). */
static void
kucoin_parse_cancel_symbol(const xg_op *op, const xg_json *j, size_t data,
                           xg_result *res)
{
    if (xg_json_type_of(j, data) != XG_JSON_STRING) {
        xg_result_bad_body(op->kind, "cancel all: expected a string", res);
        return;
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

/* --- balances ------------------------------------------------------------ */

/* One row of GET /api/v1/accounts (api-3470125: {id, currency, type,
 * balance, available, holds}) into bal: free = available, locked = holds,
 * both refused when negative. *skip when the row is another account's
 * (a type other than trade, or trade_hf, its older name) or holds
 * nothing. XG_ERR_BAD_FIELD when malformed, the currency included (a
 * name that is no plain id could not be shown). */
static xg_err
kucoin_balance_row(const xg_json *j, size_t e, xg_balance *bal, int *skip)
{
    size_t v = 0;
    xg_err rc = XG_OK;

    memset(bal, 0, sizeof(*bal));
    *skip = 0;
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_json_get(j, e, "type", &v);
    if (rc == XG_ERR_EXISTS ||
        (rc == XG_OK && xg_json_type_of(j, v) != XG_JSON_STRING)) {
        return XG_ERR_BAD_FIELD;
    }
    if (rc == XG_OK && !xg_json_is_string_eq(j, v, "trade") &&
        !xg_json_is_string_eq(j, v, "trade_hf")) {
        *skip = 1;
        return XG_OK;
    }
    if (xg_field_text(j, e, "currency", bal->asset, sizeof(bal->asset)) !=
            XG_OK ||
        !xg_is_plain_id(bal->asset, sizeof(bal->asset)) ||
        xg_field_amount(j, e, "available", &bal->free) != XG_OK ||
        xg_field_amount(j, e, "holds", &bal->locked) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    *skip = bal->free.units == 0 && bal->locked.units == 0;
    return XG_OK;
}

static xg_err
kucoin_parse_balances(const xg_op *op, const xg_json *j, size_t data,
                      const xg_sink *sink, xg_result *res)
{
    xg_balance bal;
    size_t e = 0;
    uint32_t i = 0;
    int skip = 0;

    if (xg_json_type_of(j, data) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "balances: expected an array", res);
        return XG_OK;
    }
    /* Every row is checked before any is reported: a corrupted list is
     * refused whole rather than half-delivered. */
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        if (kucoin_balance_row(j, e, &bal, &skip) != XG_OK) {
            xg_result_bad_body(op->kind,
                               "balances: malformed or negative amount", res);
            return XG_OK;
        }
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        (void)kucoin_balance_row(j, e, &bal, &skip);
        if (!skip && sink != NULL && sink->balance != NULL) {
            xg_err rc = sink->balance(sink->ctx, &bal);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}

/* A page number of a paged list into *out and *has = 1; *has = 0 when it
 * is absent or not an integer (the list is then taken as complete, as
 * KuCoin's unpaged answers are). XG_ERR_BAD_FIELD when it is repeated
 * or a number too large for int64_t: that page could be any page, and a
 * list wrongly taken as complete would make open orders look closed. */
static xg_err
kucoin_page_number(const xg_json *j, size_t obj, const char *key, int *has,
                   int64_t *out)
{
    size_t v = 0;
    xg_err rc = xg_json_get(j, obj, key, &v);

    *has = 0;
    if (rc == XG_ERR_NOT_FOUND) {
        return XG_OK;
    }
    if (rc != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_json_type_of(j, v) != XG_JSON_NUMBER) {
        return XG_OK;
    }
    rc = xg_json_int64(j, v, out);
    if (rc == XG_ERR_OVERFLOW) {
        return XG_ERR_BAD_FIELD;
    }
    *has = rc == XG_OK;
    return XG_OK;
}

static xg_err
kucoin_parse_open_orders(const xg_op *op, const xg_json *j, size_t data,
                         const xg_sink *sink, xg_result *res)
{
    xg_order_report rep;
    size_t e = 0;
    uint32_t i = 0;

    /* Some HF list answers page their items: accept both shapes, and
     * note when this page is not the last. */
    if (xg_json_type_of(j, data) == XG_JSON_OBJECT) {
        int has_page = 0;
        int has_pages = 0;
        int64_t page = 0;
        int64_t pages = 0;
        size_t items = 0;
        if (kucoin_page_number(j, data, "currentPage", &has_page, &page) !=
                XG_OK ||
            kucoin_page_number(j, data, "totalPage", &has_pages, &pages) !=
                XG_OK) {
            xg_result_bad_body(op->kind, "open orders: unusable page", res);
            return XG_OK;
        }
        res->is_list_cut = has_page && has_pages && page < pages;
        if (xg_json_get(j, data, "items", &items) != XG_OK) {
            xg_result_bad_body(op->kind, "open orders: expected an array", res);
            return XG_OK;
        }
        data = items;
    }
    if (xg_json_type_of(j, data) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "open orders: expected an array", res);
        return XG_OK;
    }
    /* Check every entry before reporting any, so a corrupted list is
     * refused as a whole rather than half-delivered. */
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        xg_err rc = kucoin_order_report(j, e, &rep);
        if (rc != XG_OK && rc != XG_ERR_TRUNCATED) {
            xg_result_bad_body(op->kind, "open orders: malformed entry", res);
            return XG_OK;
        }
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        /* A clientOid longer than the gateway's is not one of ours. */
        if (kucoin_order_report(j, e, &rep) != XG_OK) {
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

/* --- symbols ----------------------------------------------------------- */

static xg_err
kucoin_parse_instrument(const xg_json *j, size_t s, xg_instrument *ins)
{
    char base[XG_SYMBOL_MAX];
    char quote[XG_SYMBOL_MAX];
    int trading = 0;

    memset(ins, 0, sizeof(*ins));
    if (xg_json_type_of(j, s) != XG_JSON_OBJECT ||
        xg_field_text(j, s, "symbol", ins->venue_symbol,
                      sizeof(ins->venue_symbol)) != XG_OK ||
        xg_field_text(j, s, "baseCurrency", base, sizeof(base)) != XG_OK ||
        xg_field_text(j, s, "quoteCurrency", quote, sizeof(quote)) != XG_OK ||
        kucoin_field_bool(j, s, "enableTrading", &trading) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_symbol_join(base, quote, ins->symbol) != XG_OK) {
        return XG_ERR_BAD_SYMBOL;
    }
    if (xg_field_amount(j, s, "priceIncrement", &ins->tick_size) != XG_OK ||
        xg_field_amount(j, s, "baseIncrement", &ins->lot_size) != XG_OK ||
        xg_field_amount(j, s, "baseMinSize", &ins->min_qty) != XG_OK ||
        xg_field_amount_or_zero(j, s, "baseMaxSize", &ins->max_qty) != XG_OK ||
        xg_field_amount_or_zero(j, s, "minFunds", &ins->min_notional) !=
            XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    ins->is_trading = trading;
    ins->scope = 0; /* the pools are per UID / per IP, not per symbol */
    return XG_OK;
}

static xg_err
kucoin_parse_symbols(const xg_op *op, const xg_json *j, size_t data,
                     const xg_sink *sink, xg_result *res)
{
    size_t s = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, data) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "symbols: expected an array", res);
        return XG_OK;
    }
    for (i = 0, s = data + 1; i < j->tok[data].count; i++, s = j->tok[s].next) {
        xg_instrument ins;
        /* One odd symbol must not hide the others: skip it. */
        if (kucoin_parse_instrument(j, s, &ins) != XG_OK) {
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

/* --- the private stream's token ------------------------------------------ */

/* An optional integer member of the bullet answer's server within
 * [KUCOIN_PING_MS_MIN, KUCOIN_PING_MS_MAX]: absent leaves *out as it is. */
static xg_err
kucoin_bullet_ms(const xg_json *j, size_t server, const char *key, int64_t *out)
{
    int64_t v = 0;

    if (!xg_field_has(j, server, key)) {
        return XG_OK;
    }
    if (xg_field_i64(j, server, key, &v) != XG_OK || v < KUCOIN_PING_MS_MIN ||
        v > KUCOIN_PING_MS_MAX) {
        return XG_ERR_BAD_FIELD;
    }
    *out = v;
    return XG_OK;
}

/*
 * POST /api/v1/bullet-private (streams.md 4.1): {"token": ..,
 * "instanceServers": [{"endpoint": "wss://..", "pingInterval": 18000,
 * "pingTimeout": 10000, ..}]}. Only the first server is used, as ccxt and
 * the official SDK do. The instance keeps the token, the endpoint and the
 * timing for the next stream_plan; an answer that does not give a token
 * and a ws(s):// endpoint changes nothing. The token is never copied
 * into the result.
 */
static void
kucoin_parse_bullet(kucoin *k, const xg_op *op, const xg_json *j, size_t data,
                    xg_result *res)
{
    char token[KUCOIN_STREAM_TOKEN_MAX];
    char raw[XG_STREAM_URL_MAX];
    char endpoint[XG_STREAM_URL_MAX];
    int64_t interval_ms = KUCOIN_PING_INTERVAL_DEFAULT;
    int64_t timeout_ms = KUCOIN_PING_TIMEOUT_DEFAULT;
    size_t servers = 0;
    size_t server = 0;

    if (xg_json_type_of(j, data) != XG_JSON_OBJECT ||
        xg_field_text(j, data, "token", token, sizeof token) != XG_OK ||
        !xg_is_header_safe(token, sizeof token, 0)) {
        xg_result_bad_body(op->kind, "bullet: no usable token", res);
        goto out;
    }
    if (xg_json_get(j, data, "instanceServers", &servers) != XG_OK ||
        xg_json_type_of(j, servers) != XG_JSON_ARRAY ||
        j->tok[servers].count == 0) {
        xg_result_bad_body(op->kind, "bullet: no instance server", res);
        goto out;
    }
    server = servers + 1;
    /* The endpoint is checked as the stream_url option is: a ws:// or
     * wss:// URL of printable ASCII that fits; stream_plan adds the query,
     * so it must have none of its own. */
    xg_kv as_url = {"stream_url", raw};
    if (xg_json_type_of(j, server) != XG_JSON_OBJECT ||
        xg_field_text(j, server, "endpoint", raw, sizeof raw) != XG_OK ||
        xg_stream_url_option(&as_url, "kucoin", endpoint, sizeof endpoint, NULL,
                             0) != XG_OK ||
        strpbrk(endpoint, "?#") != NULL) {
        xg_result_bad_body(op->kind, "bullet: no usable endpoint", res);
        goto out;
    }
    if (kucoin_bullet_ms(j, server, "pingInterval", &interval_ms) != XG_OK ||
        kucoin_bullet_ms(j, server, "pingTimeout", &timeout_ms) != XG_OK) {
        xg_result_bad_body(op->kind, "bullet: unusable ping timing", res);
        goto out;
    }
    memcpy(k->stream_token, token, sizeof k->stream_token);
    memcpy(k->stream_endpoint, endpoint, sizeof k->stream_endpoint);
    k->stream_ping_interval_ms = interval_ms;
    k->stream_ping_timeout_ms = timeout_ms;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
out:
    xg_wipe(token, sizeof token);
}

/* --- entry --------------------------------------------------------------- */

/* The envelope's code: a string of digits ("200000"), or a JSON integer
 * for robustness. 0 if absent, repeated or unusable: a body with two
 * codes says neither. */
static int
kucoin_envelope_code(const xg_json *j, int64_t *code)
{
    size_t c = 0;
    char text[24];
    size_t len = 0;

    if (xg_json_get(j, 0, "code", &c) != XG_OK) {
        return 0;
    }
    if (xg_json_type_of(j, c) == XG_JSON_STRING) {
        return xg_json_string(j, c, text, sizeof(text), &len) == XG_OK &&
               kucoin_digits_i64(text, len, code) == XG_OK;
    }
    return xg_json_int64(j, c, code) == XG_OK && *code >= 0;
}

static void
kucoin_parse_server_time(const xg_op *op, const xg_json *j, size_t data,
                         xg_result *res)
{
    int64_t t = 0;

    if (xg_json_int64(j, data, &t) != XG_OK || t <= 0) {
        xg_result_bad_body(op->kind, "time: expected an integer", res);
        return;
    }
    res->server_time_ms = t;
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
}

xg_err
kucoin_parse(void *inst, const xg_op *op, const xg_http_response *resp,
             const xg_sink *sink, xg_result *res)
{
    kucoin *k = inst;
    xg_json j;
    int is_json = 0;
    int has_code = 0;
    int has_data = 0;
    int64_t code = 0;
    const char *msg = NULL;
    size_t data = 0;
    char body_msg[XG_VENUE_MSG_MAX];
    xg_err rc = XG_OK;

    if (k == NULL || op == NULL || resp == NULL || res == NULL ||
        (resp->body == NULL && resp->body_len > 0) ||
        op->kind < XG_OP_SERVER_TIME || op->kind > XG_OP_KIND_MAX ||
        op->kind == XG_OP_BATCH_CANCEL || op->kind == XG_OP_BATCH_AMEND ||
        (op->kind == XG_OP_ORDER_FILLS && op->venue_order_id == NULL) ||
        (op->kind == XG_OP_BATCH_NEW &&
         (op->batch == NULL || op->batch->items == NULL ||
          op->batch->results == NULL || op->batch->n == 0 ||
          op->batch->n > KUCOIN_BATCH_NEW_MAX))) {
        return XG_ERR_INVALID;
    }
    memset(res, 0, sizeof(*res));
    body_msg[0] = '\0';
    kucoin_parse_usage(op, resp, res);
    if (resp->body_len > 0) {
        rc = xg_json_parse_grow(&j, resp->body, resp->body_len, &k->json,
                                XG_JSON_STORE_MAX);
        if (rc == XG_ERR_NOMEM) {
            return rc;
        }
        /* Every KuCoin answer is an object; a bare scalar is not one, and
         * its text is kept for the operator like any other non-answer. */
        is_json = rc == XG_OK && (xg_json_type_of(&j, 0) == XG_JSON_OBJECT ||
                                  xg_json_type_of(&j, 0) == XG_JSON_ARRAY);
        rc = XG_OK;
    }
    if (is_json && xg_json_type_of(&j, 0) == XG_JSON_OBJECT) {
        size_t v = 0;
        has_code = kucoin_envelope_code(&j, &code);
        if (xg_json_get(&j, 0, "msg", &v) == XG_OK &&
            xg_json_string(&j, v, body_msg, sizeof(body_msg), NULL) !=
                XG_ERR_INVALID) {
            msg = body_msg;
        }
        /* A repeated "data" is no data: the reader must not pick one. */
        has_data = xg_json_get(&j, 0, "data", &data) == XG_OK;
    }
    if (msg == NULL && !is_json && resp->body_len > 0) {
        /* Not JSON (a proxy's or Cloudflare's HTML page, a truncated
         * answer): keep its start as the venue's text. */
        xg_copy_printable(body_msg, sizeof(body_msg), resp->body,
                          resp->body_len);
        msg = body_msg;
    }

    if (resp->status < 200 || resp->status > 299 ||
        (has_code && code != KUCOIN_CODE_OK)) {
        kucoin_classify_error(op->kind, resp, has_code, code, msg, res);
    } else if (!has_code || !has_data) {
        xg_result_bad_body(op->kind,
                           resp->body_len == 0
                               ? "empty body"
                               : "body is not a KuCoin envelope",
                           res);
    } else {
        switch (op->kind) {
        case XG_OP_SERVER_TIME:
            kucoin_parse_server_time(op, &j, data, res);
            break;
        case XG_OP_INSTRUMENTS:
            rc = kucoin_parse_symbols(op, &j, data, sink, res);
            break;
        case XG_OP_NEW_ORDER:
        case XG_OP_CANCEL_ORDER:
        case XG_OP_QUERY_ORDER:
        case XG_OP_AMEND_ORDER:
            kucoin_parse_order(op, &j, data, res);
            break;
        case XG_OP_OPEN_ORDERS:
            rc = kucoin_parse_open_orders(op, &j, data, sink, res);
            break;
        case XG_OP_BATCH_NEW:
            kucoin_parse_batch_new(op, &j, data, res);
            break;
        case XG_OP_CANCEL_SYMBOL:
            kucoin_parse_cancel_symbol(op, &j, data, res);
            break;
        case XG_OP_BALANCES:
            rc = kucoin_parse_balances(op, &j, data, sink, res);
            break;
        case XG_OP_STREAM_TOKEN:
            kucoin_parse_bullet(k, op, &j, data, res);
            break;
        case XG_OP_ORDER_FILLS:
            rc = kucoin_parse_order_fills(op, &j, data, sink, res);
            break;
        case XG_OP_ACCOUNT_ID:
            /* "Get Apikey Info": data.uid, a number. */
            xg_result_account(&j, data, "uid", res);
            break;
        default:
            rc = XG_ERR_INVALID;
            break;
        }
    }
    /* An answer as large as the symbol list leaves a large array behind;
     * the order path's answers need few tokens, so it is not kept. */
    xg_json_store_trim(&k->json);
    return rc;
}
