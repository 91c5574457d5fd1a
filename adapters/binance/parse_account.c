/*
 * parse_account.c - Binance spot answers about the account rather than
 * one order: the orders "Cancel All Open Orders on a Symbol" canceled
 * (DELETE /api/v3/openOrders) and the balances of "Account Information"
 * (GET /api/v3/account).
 *
 * binance_parse (parse.c) has already dealt with error answers, usage
 * headers and bodies that are not JSON; these readers get a 2xx JSON body.
 * Each checks every entry before it hands any to the sink, as the open
 * orders list does, so a corrupted answer is refused as a whole rather
 * than half-delivered. Canceled orders are read with parse.c's order
 * reader in its cancel form, since each entry is shaped like the answer to
 * DELETE /api/v3/order (fact sheet, and rest-api.md).
 */
#include "binance.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* --- cancel all on a symbol ------------------------------------------- */

/*
 * Whether entry e is an order list (OCO, OTO...) rather than one order.
 * rest-api.md: the answer lists each canceled order list as
 * {"orderListId", "contingencyType", ..., "orders": [...],
 * "orderReports": [...]}; a plain order's own "orderListId" is -1. The
 * gateway places no order lists, so their legs are none of its orders.
 */
static int
binance_is_order_list(const xg_json *j, size_t e)
{
    return xg_field_has(j, e, "orders") || xg_field_has(j, e, "orderReports");
}

/* Entry e of a cancel-all answer into rep: XG_OK for a canceled order the
 * gateway may own, XG_ERR_NOT_FOUND for one to skip (an order list, an
 * order whose client id is longer than any the gateway sends), anything
 * else for an entry that does not read. An entry must say CANCELED: that
 * is what the endpoint answers for each order it canceled, and without a
 * status the reader would take it for an ACK (NEW). */
static xg_err
binance_canceled_entry(const xg_json *j, size_t e, xg_order_report *rep)
{
    xg_err rc = XG_OK;

    if (xg_json_type_of(j, e) != XG_JSON_OBJECT) {
        return XG_ERR_BAD_FIELD;
    }
    if (binance_is_order_list(j, e)) {
        return XG_ERR_NOT_FOUND;
    }
    if (!xg_field_has(j, e, "status")) {
        return XG_ERR_BAD_FIELD;
    }
    rc = binance_order_report(j, e, BINANCE_FORM_CANCEL, rep);
    if (rc == XG_ERR_TRUNCATED) {
        return XG_ERR_NOT_FOUND;
    }
    if (rc != XG_OK) {
        return rc;
    }
    return rep->status == XG_STATUS_CANCELED ? XG_OK : XG_ERR_BAD_FIELD;
}

xg_err
binance_parse_cancel_symbol(const xg_op *op, const xg_json *j,
                            const xg_sink *sink, xg_result *res)
{
    xg_order_report rep;
    size_t e = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "cancel all: expected an array", res);
        return XG_OK;
    }
    for (i = 0, e = 1; i < j->tok[0].count; i++, e = j->tok[e].next) {
        xg_err rc = binance_canceled_entry(j, e, &rep);
        if (rc != XG_OK && rc != XG_ERR_NOT_FOUND) {
            xg_result_bad_body(op->kind, "cancel all: malformed entry", res);
            return XG_OK;
        }
    }
    for (i = 0, e = 1; i < j->tok[0].count; i++, e = j->tok[e].next) {
        if (binance_canceled_entry(j, e, &rep) != XG_OK) {
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
 * Entry e of "balances" into bal: XG_OK for one to report, XG_ERR_NOT_FOUND
 * for one to skip, anything else for an entry that does not read.
 * rest-api.md, Account Information: {"asset": "BTC", "free": "4723846.89",
 * "locked": "0.00"}. Binance gives both amounts itself, so nothing here is
 * computed: a negative one is a malformed answer (xg_field_amount), never
 * clamped. An asset with nothing free or locked is skipped (what
 * omitZeroBalances asks for anyway), and so is one whose name the gateway
 * cannot carry: longer than XG_CURRENCY_MAX - 1, or not printable ASCII
 * (Binance lists assets with non-ASCII names).
 */
static xg_err
binance_balance_entry(const xg_json *j, size_t e, xg_balance *bal)
{
    xg_err rc = XG_OK;

    memset(bal, 0, sizeof(*bal));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT ||
        xg_field_amount(j, e, "free", &bal->free) != XG_OK ||
        xg_field_amount(j, e, "locked", &bal->locked) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    rc = xg_field_text(j, e, "asset", bal->asset, sizeof(bal->asset));
    if (rc == XG_ERR_TRUNCATED) {
        return XG_ERR_NOT_FOUND;
    }
    if (rc != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (!xg_is_header_safe(bal->asset, sizeof(bal->asset), 0) ||
        (bal->free.units == 0 && bal->locked.units == 0)) {
        return XG_ERR_NOT_FOUND;
    }
    return XG_OK;
}

xg_err
binance_parse_balances(const xg_op *op, const xg_json *j, const xg_sink *sink,
                       xg_result *res)
{
    xg_balance bal;
    size_t arr = 0;
    size_t e = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_OBJECT ||
        xg_json_get(j, 0, "balances", &arr) != XG_OK ||
        xg_json_type_of(j, arr) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "account: expected balances", res);
        return XG_OK;
    }
    for (i = 0, e = arr + 1; i < j->tok[arr].count; i++, e = j->tok[e].next) {
        xg_err rc = binance_balance_entry(j, e, &bal);
        if (rc != XG_OK && rc != XG_ERR_NOT_FOUND) {
            xg_result_bad_body(op->kind, "account: malformed balance", res);
            return XG_OK;
        }
    }
    for (i = 0, e = arr + 1; i < j->tok[arr].count; i++, e = j->tok[e].next) {
        if (binance_balance_entry(j, e, &bal) != XG_OK) {
            continue;
        }
        if (sink != NULL && sink->balance != NULL) {
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
