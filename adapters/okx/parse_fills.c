/*
 * parse_fills.c - the fills of one order as OKX v5 tells them: the fill
 * an orders push carries (stream.c) and the entries of "Get transaction
 * details (last 3 days)" (GET /api/v5/trade/fills), the answer to
 * XG_OP_ORDER_FILLS.
 *
 * Both carry a fill with the same fields in the same forms (tradeId,
 * fillSz, fillPx, execType, fillTime), the fee under other names
 * (fillFee/fillFeeCcy in a push, fee/feeCcy in the list) but with the
 * same sign, negative when charged (fact sheet streams.md 3.4). One
 * reader turns either into an xg_fill: the core counts a fill once by its
 * trade id, whichever way it came, and this is what makes the two ids the
 * same text, and the two fees the same sign.
 *
 * okx_parse (parse.c) has already dealt with error answers, envelopes
 * with a non-zero code and bodies that are not JSON; the list reader gets
 * a 2xx envelope with code "0" and checks every entry before it hands any
 * to the sink, as the other lists do, so a corrupted answer is refused as
 * a whole rather than half-delivered.
 */
#include "okx.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

xg_err
okx_fill(const xg_json *j, size_t e, const char *fee_key,
         const char *fee_ccy_key, xg_fill *f)
{
    xg_execution fee = {{0, 0}, {0, 0}, {0, 0}, ""};
    char exec_type[4];

    memset(f, 0, sizeof(*f));
    if (xg_json_type_of(j, e) != XG_JSON_OBJECT ||
        xg_field_text(j, e, "tradeId", f->trade_id, sizeof(f->trade_id)) !=
            XG_OK ||
        !xg_is_plain_id(f->trade_id, sizeof(f->trade_id))) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_amount(j, e, "fillSz", &f->qty) != XG_OK ||
        xg_field_amount(j, e, "fillPx", &f->price) != XG_OK ||
        f->qty.units <= 0 || f->price.units <= 0) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_fee(j, e, fee_key, fee_ccy_key, -1, &fee) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    f->fee = fee.fee;
    memcpy(f->fee_currency, fee.fee_currency, sizeof(f->fee_currency));
    f->liquidity = XG_LIQUIDITY_UNKNOWN;
    if (xg_field_has(j, e, "execType")) {
        if (xg_field_name(j, e, "execType", exec_type, sizeof(exec_type)) !=
            XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (strcmp(exec_type, "M") == 0) {
            f->liquidity = XG_LIQUIDITY_MAKER;
        } else if (strcmp(exec_type, "T") == 0) {
            f->liquidity = XG_LIQUIDITY_TAKER;
        }
    }
    if (xg_field_digits_or_zero(j, e, "fillTime", &f->time_ms) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/* Entry e of /trade/fills into f: a fill of op's order (ordId is
 * op->venue_order_id). XG_ERR_BAD_FIELD for anything else: an answer
 * naming another order's fills says nothing about ours. */
static xg_err
okx_order_fill(const xg_op *op, const xg_json *j, size_t e, xg_fill *f)
{
    size_t v = 0;

    if (okx_fill(j, e, "fee", "feeCcy", f) != XG_OK ||
        xg_json_get(j, e, "ordId", &v) != XG_OK ||
        !xg_json_is_string_eq(j, v, op->venue_order_id)) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/*
 * /trade/fills answers data[] newest first, paged by billId: "after"
 * returns "records earlier than the requested billId", at most `limit`
 * (OKX_FILLS_PAGE) of them, and OKX says nothing else about more. So a
 * full page may be cut, and the next one is "after" its last (oldest)
 * billId, as the open orders page "after" their last ordId.
 */
xg_err
okx_parse_order_fills(const xg_op *op, const xg_json *j, const xg_sink *sink,
                      xg_result *res)
{
    xg_fill f;
    size_t data = 0;
    size_t e = 0;
    size_t last = 0;
    uint32_t i = 0;

    if (okx_data_array(j, &data) != XG_OK) {
        xg_result_bad_body(op->kind, "fills: expected data[]", res);
        return XG_OK;
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        if (okx_order_fill(op, j, e, &f) != XG_OK) {
            xg_result_bad_body(op->kind, "fills: malformed entry", res);
            return XG_OK;
        }
        last = e;
    }
    for (i = 0, e = data + 1; i < j->tok[data].count; i++, e = j->tok[e].next) {
        (void)okx_order_fill(op, j, e, &f);
        if (sink != NULL && sink->fill != NULL) {
            xg_err rc = sink->fill(sink->ctx, &f);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    res->is_list_cut = j->tok[data].count >= OKX_FILLS_PAGE;
    if (res->is_list_cut) {
        okx_next_cursor(j, last, "billId", res->next_cursor);
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}
