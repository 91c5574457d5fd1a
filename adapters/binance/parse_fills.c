/*
 * parse_fills.c - the trades of one order as Binance tells them: each
 * fill of the private stream's executionReport (stream.c) and each entry
 * of "Account trade list" (GET /api/v3/myTrades), the answer to
 * XG_OP_ORDER_FILLS.
 *
 * Both carry the same trade in the same forms under other names (the
 * trade id an integer per symbol, quantity and price decimal strings, the
 * commission a decimal string in its asset, maker a boolean, the time an
 * integer of epoch ms), so one reader turns either into an xg_fill: the
 * core counts a fill once by its trade id, whichever way it came, and
 * this is what makes the two ids the same text.
 *
 * binance_parse (parse.c) has already dealt with error answers, usage
 * headers and bodies that are not JSON; the myTrades reader gets a 2xx
 * JSON body and checks every entry before it hands any to the sink, as
 * the other lists do, so a corrupted answer is refused as a whole rather
 * than half-delivered.
 */
#include "binance.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* Fact sheet /work/shared/exchanges/streams.md 1.5: the fill of an
 * executionReport with x=TRADE. */
const binance_fill_keys binance_stream_fill_keys = {
    "t", "l", "L", "n", "N", "m", "T",
};

/* rest-api.md, "Account trade list (USER_DATA)": id, qty, price,
 * commission, commissionAsset, isMaker, time. */
const binance_fill_keys binance_trade_fill_keys = {
    "id", "qty", "price", "commission", "commissionAsset", "isMaker", "time",
};

xg_err
binance_fill(const xg_json *j, size_t o, const binance_fill_keys *keys,
             xg_fill *fill)
{
    int64_t trade_id = 0;
    int64_t time_ms = 0;
    size_t v = 0;

    memset(fill, 0, sizeof(*fill));
    if (xg_json_type_of(j, o) != XG_JSON_OBJECT ||
        xg_field_i64(j, o, keys->trade_id, &trade_id) != XG_OK ||
        trade_id < 0 ||
        xg_i64_text(trade_id, fill->trade_id, sizeof fill->trade_id) != XG_OK ||
        xg_field_amount(j, o, keys->qty, &fill->qty) != XG_OK ||
        !xg_decimal_is_positive(fill->qty) ||
        xg_field_amount(j, o, keys->price, &fill->price) != XG_OK ||
        !xg_decimal_is_positive(fill->price) ||
        xg_field_i64(j, o, keys->time_ms, &time_ms) != XG_OK || time_ms < 0 ||
        xg_json_get(j, o, keys->is_maker, &v) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    switch (xg_json_type_of(j, v)) {
    case XG_JSON_TRUE:
        fill->liquidity = XG_LIQUIDITY_MAKER;
        break;
    case XG_JSON_FALSE:
        fill->liquidity = XG_LIQUIDITY_TAKER;
        break;
    default:
        return XG_ERR_BAD_FIELD;
    }
    fill->time_ms = time_ms;

    /* The stream's N is null for an event without a fee; myTrades always
     * names the asset. The commission is what was paid: positive. */
    if (xg_json_get(j, o, keys->fee_asset, &v) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_json_type_of(j, v) != XG_JSON_NULL) {
        xg_execution fee;
        memset(&fee, 0, sizeof fee);
        if (xg_json_type_of(j, v) != XG_JSON_STRING ||
            xg_field_fee(j, o, keys->fee, keys->fee_asset, 1, &fee) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        fill->fee = fee.fee;
        memcpy(fill->fee_currency, fee.fee_currency, sizeof fill->fee_currency);
    }
    return XG_OK;
}

/* Entry e of a myTrades answer into fill, with its id in *trade_id: a
 * trade of op's order (orderId, an integer, is op->venue_order_id) on
 * op's symbol. XG_ERR_BAD_FIELD for anything else: an answer naming
 * another order's trades says nothing about ours. */
static xg_err
binance_trade_entry(const xg_op *op, const xg_json *j, size_t e, xg_fill *fill,
                    int64_t *trade_id)
{
    char order_id[XG_VENUE_ORDER_ID_MAX];
    int64_t n = 0;
    size_t v = 0;

    if (binance_fill(j, e, &binance_trade_fill_keys, fill) != XG_OK ||
        xg_field_i64(j, e, "id", trade_id) != XG_OK ||
        xg_field_i64(j, e, "orderId", &n) != XG_OK || n < 0 ||
        xg_i64_text(n, order_id, sizeof order_id) != XG_OK ||
        strcmp(order_id, op->venue_order_id) != 0) {
        return XG_ERR_BAD_FIELD;
    }
    if (op->instrument != NULL &&
        (xg_json_get(j, e, "symbol", &v) != XG_OK ||
         !xg_json_is_string_eq(j, v, op->instrument->venue_symbol))) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/*
 * rest-api.md: myTrades answers the trades ascending by id, at most
 * `limit` of them (requests.c asks BINANCE_MY_TRADES_PAGE from fromId
 * on), so a full page may have more behind it: the list is cut, and the
 * next page starts after the largest id seen ("If fromId is set, it will
 * get trades >= that fromId").
 */
xg_err
binance_parse_order_fills(const xg_op *op, const xg_json *j,
                          const xg_sink *sink, xg_result *res)
{
    xg_fill fill;
    int64_t trade_id = 0;
    int64_t last_id = -1;
    size_t e = 0;
    uint32_t i = 0;

    if (xg_json_type_of(j, 0) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "myTrades: expected an array", res);
        return XG_OK;
    }
    for (i = 0, e = 1; i < j->tok[0].count; i++, e = j->tok[e].next) {
        if (binance_trade_entry(op, j, e, &fill, &trade_id) != XG_OK) {
            xg_result_bad_body(op->kind, "myTrades: malformed trade", res);
            return XG_OK;
        }
        if (trade_id > last_id) {
            last_id = trade_id;
        }
    }
    for (i = 0, e = 1; i < j->tok[0].count; i++, e = j->tok[e].next) {
        (void)binance_trade_entry(op, j, e, &fill, &trade_id);
        if (sink != NULL && sink->fill != NULL) {
            xg_err rc = sink->fill(sink->ctx, &fill);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    if (j->tok[0].count >= BINANCE_MY_TRADES_PAGE) {
        res->is_list_cut = 1;
        /* An id of INT64_MAX has no next one to ask from: cut, no way on. */
        if (last_id < INT64_MAX &&
            xg_i64_text(last_id + 1, res->next_cursor,
                        sizeof res->next_cursor) != XG_OK) {
            res->next_cursor[0] = '\0';
        }
    }
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}
