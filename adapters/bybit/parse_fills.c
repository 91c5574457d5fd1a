/*
 * parse_fills.c - an order's executions as Bybit v5 tells them: the
 * entries of the private stream's execution topic (stream.c) and those of
 * "Get Trade History" (GET /v5/execution/list), the answer to
 * XG_OP_ORDER_FILLS.
 *
 * Both carry an execution with the same fields in the same forms
 * (fact sheet streams.md 2.5; Bybit v5 docs, "Get Trade History"), so one
 * reader turns either into an xg_fill: the core counts a fill once by its
 * trade id, whichever way it came, and this is what makes the two ids the
 * same text (execId).
 *
 * bybit_parse (parse.c) has already dealt with error answers, usage
 * headers, bodies that are not JSON and a non-zero retCode; the list
 * reader gets a 2xx envelope with retCode 0 and checks every entry before
 * it hands any to the sink, as the other lists do, so a corrupted answer
 * is refused as a whole rather than half-delivered.
 */
#include "bybit.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

xg_err
bybit_execution_fill(const xg_json *j, size_t e, xg_fill *f)
{
    xg_execution fee = {{0, 0}, {0, 0}, {0, 0}, ""};
    size_t v = 0;

    memset(f, 0, sizeof(*f));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT ||
        xg_field_text(j, e, "execId", f->trade_id, sizeof(f->trade_id)) !=
            XG_OK ||
        !xg_is_plain_id(f->trade_id, sizeof(f->trade_id))) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_amount(j, e, "execQty", &f->qty) != XG_OK ||
        xg_field_amount(j, e, "execPrice", &f->price) != XG_OK ||
        f->qty.units <= 0 || f->price.units <= 0) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_fee(j, e, "execFee", "feeCurrency", 1, &fee) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    f->fee = fee.fee;
    memcpy(f->fee_currency, fee.fee_currency, sizeof(f->fee_currency));
    f->liquidity = XG_LIQUIDITY_UNKNOWN;
    if (xg_json_get(j, e, "isMaker", &v) == XG_OK) {
        if (xg_json_type_of(j, v) == XG_JSON_TRUE) {
            f->liquidity = XG_LIQUIDITY_MAKER;
        } else if (xg_json_type_of(j, v) == XG_JSON_FALSE) {
            f->liquidity = XG_LIQUIDITY_TAKER;
        } else {
            return XG_ERR_BAD_FIELD;
        }
    } else if (xg_field_has(j, e, "isMaker")) {
        return XG_ERR_BAD_FIELD; /* given twice */
    }
    if (xg_field_digits_or_zero(j, e, "execTime", &f->time_ms) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/* Entry e of an execution list into f: an execution of op's order
 * (orderId is op->venue_order_id). XG_ERR_BAD_FIELD for anything else: an
 * answer naming another order's executions says nothing about ours. */
static xg_err
bybit_order_execution(const xg_op *op, const xg_json *j, size_t e, xg_fill *f)
{
    size_t v = 0;

    if (bybit_execution_fill(j, e, f) != XG_OK ||
        xg_json_get(j, e, "orderId", &v) != XG_OK ||
        !xg_json_is_string_eq(j, v, op->venue_order_id)) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/*
 * "Get Trade History": result.list sorted by execTime descending, at most
 * `limit` of them, and result.nextPageCursor for the page after. With an
 * orderId, Bybit lists that order's executions only ("orderId and
 * orderLinkId have a higher priority and as long as these two parameters
 * are in the input parameters, other input parameters will be ignored").
 */
xg_err
bybit_parse_order_fills(const xg_op *op, const xg_json *j, const xg_sink *sink,
                        xg_result *res)
{
    xg_fill f;
    size_t list = 0;
    size_t r = 0;
    size_t e = 0;
    uint32_t i = 0;

    if (!bybit_result_list(j, &list) || !bybit_result(j, &r)) {
        xg_result_bad_body(op->kind, "executions: expected result.list", res);
        return XG_OK;
    }
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        if (bybit_order_execution(op, j, e, &f) != XG_OK) {
            xg_result_bad_body(op->kind, "executions: malformed entry", res);
            return XG_OK;
        }
    }
    for (i = 0, e = list + 1; i < j->tok[list].count; i++, e = j->tok[e].next) {
        (void)bybit_order_execution(op, j, e, &f);
        if (sink != NULL && sink->fill != NULL) {
            xg_err rc = sink->fill(sink->ctx, &f);
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
