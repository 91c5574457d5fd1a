/*
 * parse_fills.c - the fills of one order as KuCoin tells them: the match
 * of an orderChange push (stream.c) and the entries of HF "Get Trade
 * History" (GET /api/v1/hf/fills), the answer to XG_OP_ORDER_FILLS.
 *
 * Both name the trade by tradeId (a string in the push's documented
 * examples, an integer in the fills list's spec, so either form is read
 * as its decimal text) and its side by liquidity; quantity, price and
 * time have other names (matchSize, matchPrice and ts in ns in a push;
 * size, price and createdAt in ms in the list) in the same forms, and
 * only the list says the fee. One reader turns either into an xg_fill:
 * the core counts a fill once by its trade id, whichever way it came,
 * and this is what makes the two ids the same text.
 *
 * kucoin_parse (parse.c) has already dealt with error answers, usage
 * headers, bodies that are not JSON and envelopes without code 200000;
 * the list reader gets the envelope's data and checks every entry before
 * it hands any to the sink, as the other lists do, so a corrupted answer
 * is refused as a whole rather than half-delivered.
 */
#include "kucoin.h"

#include <string.h>

#include "xgate/adapter_util.h"
#include "xgate/json.h"

/* Fact sheet streams.md 4.3, an orderChange with type=match: ts is the
 * matching engine's time in ns. */
const kucoin_fill_keys kucoin_push_fill_keys = {
    "matchSize", "matchPrice", NULL, NULL, "ts", 1000000,
};

/* kucoin-universal-sdk spec/rest/api/openapi-spot-order.json, "Get Trade
 * History" (docs-new api-3470180): size, price, fee in feeCurrency,
 * createdAt in ms. */
const kucoin_fill_keys kucoin_list_fill_keys = {
    "size", "price", "fee", "feeCurrency", "createdAt", 1,
};

xg_err
kucoin_fill(const xg_json *j, size_t o, const kucoin_fill_keys *keys,
            xg_fill *fill)
{
    char liquidity[16];
    int64_t n = 0;
    size_t v = 0;

    memset(fill, 0, sizeof(*fill));
    if (xg_json_type_of(j, o) != XG_JSON_OBJECT ||
        xg_json_get(j, o, "tradeId", &v) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_json_type_of(j, v) == XG_JSON_NUMBER) {
        if (xg_json_int64(j, v, &n) != XG_OK || n < 0 ||
            xg_i64_text(n, fill->trade_id, sizeof fill->trade_id) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
    } else if (xg_field_text(j, o, "tradeId", fill->trade_id,
                             sizeof fill->trade_id) != XG_OK) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_amount(j, o, keys->qty, &fill->qty) != XG_OK ||
        !xg_decimal_is_positive(fill->qty) ||
        xg_field_amount(j, o, keys->price, &fill->price) != XG_OK ||
        !xg_decimal_is_positive(fill->price)) {
        return XG_ERR_BAD_FIELD;
    }
    /* Absent or another word: not said. */
    if (xg_field_has(j, o, "liquidity")) {
        if (xg_field_name(j, o, "liquidity", liquidity, sizeof liquidity) !=
            XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        if (strcmp(liquidity, "maker") == 0) {
            fill->liquidity = XG_LIQUIDITY_MAKER;
        } else if (strcmp(liquidity, "taker") == 0) {
            fill->liquidity = XG_LIQUIDITY_TAKER;
        }
    }
    if (xg_field_has(j, o, keys->time)) {
        if (xg_field_i64(j, o, keys->time, &n) != XG_OK || n < 0) {
            return XG_ERR_BAD_FIELD;
        }
        fill->time_ms = n / keys->time_per_ms;
    }
    /* KuCoin's fee is what was paid: positive. */
    if (keys->fee != NULL) {
        xg_execution fee;
        memset(&fee, 0, sizeof fee);
        if (xg_field_fee(j, o, keys->fee, keys->fee_ccy, 1, &fee) != XG_OK) {
            return XG_ERR_BAD_FIELD;
        }
        fill->fee = fee.fee;
        memcpy(fill->fee_currency, fee.fee_currency, sizeof fill->fee_currency);
    }
    return XG_OK;
}

/* Entry e of a fills list into fill, its "id" in *id (-1 when it has
 * none): a fill of op's order (orderId is op->venue_order_id).
 * XG_ERR_BAD_FIELD for anything else: an answer naming another order's
 * fills says nothing about ours. */
static xg_err
kucoin_order_fill(const xg_op *op, const xg_json *j, size_t e, xg_fill *fill,
                  int64_t *id)
{
    size_t v = 0;

    *id = -1;
    if (kucoin_fill(j, e, &kucoin_list_fill_keys, fill) != XG_OK ||
        xg_json_get(j, e, "orderId", &v) != XG_OK ||
        !xg_json_is_string_eq(j, v, op->venue_order_id)) {
        return XG_ERR_BAD_FIELD;
    }
    if (xg_field_has(j, e, "id") &&
        (xg_field_i64(j, e, "id", id) != XG_OK || *id < 0)) {
        return XG_ERR_BAD_FIELD;
    }
    return XG_OK;
}

/*
 * The page's way on. "Get Trade History" lists newest first, at most
 * `limit` (KUCOIN_FILLS_PAGE, requests.c), and says nothing else about
 * more: a full page may be cut. Its data.lastId "can be used as a query
 * parameter to look up new data from the next page", which requests.c
 * sends back as lastId. For an orderId, though, the spec says "please
 * ignore the other query parameters": should KuCoin ignore lastId, a
 * next page asked with one would begin at or above it. Such a page is
 * still cut but gets no cursor, so the core does not ask for it again.
 */
static void
kucoin_fills_next_page(const xg_op *op, const xg_json *j, size_t data,
                       size_t items, int64_t top_id, xg_result *res)
{
    int64_t asked = 0;
    int64_t last_id = 0;

    if (j->tok[items].count < KUCOIN_FILLS_PAGE) {
        return;
    }
    res->is_list_cut = 1;
    if (op->cursor != NULL &&
        (xg_digits_i64(op->cursor, strnlen(op->cursor, XG_CURSOR_MAX),
                       &asked) != XG_OK ||
         top_id < 0 || top_id >= asked)) {
        return;
    }
    if (xg_field_i64(j, data, "lastId", &last_id) != XG_OK || last_id <= 0 ||
        xg_i64_text(last_id, res->next_cursor, sizeof res->next_cursor) !=
            XG_OK) {
        res->next_cursor[0] = '\0';
    }
}

xg_err
kucoin_parse_order_fills(const xg_op *op, const xg_json *j, size_t data,
                         const xg_sink *sink, xg_result *res)
{
    xg_fill fill;
    size_t items = 0;
    size_t e = 0;
    uint32_t i = 0;
    int64_t id = 0;
    int64_t top_id = -1;
    int has_ids = 1;

    if (xg_json_type_of(j, data) != XG_JSON_OBJECT ||
        xg_json_get(j, data, "items", &items) != XG_OK ||
        xg_json_type_of(j, items) != XG_JSON_ARRAY) {
        xg_result_bad_body(op->kind, "fills: expected data.items", res);
        return XG_OK;
    }
    for (i = 0, e = items + 1; i < j->tok[items].count;
         i++, e = j->tok[e].next) {
        if (kucoin_order_fill(op, j, e, &fill, &id) != XG_OK) {
            xg_result_bad_body(op->kind, "fills: malformed entry", res);
            return XG_OK;
        }
        has_ids = has_ids && id >= 0;
        top_id = id > top_id ? id : top_id;
    }
    for (i = 0, e = items + 1; i < j->tok[items].count;
         i++, e = j->tok[e].next) {
        (void)kucoin_order_fill(op, j, e, &fill, &id);
        if (sink != NULL && sink->fill != NULL) {
            xg_err rc = sink->fill(sink->ctx, &fill);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    /* Without every entry's id, the page's top is not known. */
    kucoin_fills_next_page(op, j, data, items, has_ids ? top_id : -1, res);
    res->outcome = XG_OUTCOME_OK;
    res->err = XG_OK;
    return XG_OK;
}
