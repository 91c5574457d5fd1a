/*
 * order.c - names, parsers and checks of the one order model.
 *
 * The core checks every order a strategy sends before it reaches an
 * adapter: its own fields (ids, symbol, side, type, quantities) and, once a
 * venue is chosen, the venue's instrument rules (trading flag, tick, lot,
 * price and quantity bounds, minimum notional). Rounding an order onto an
 * instrument's grid is a separate, explicit step (xg_order_requantize)
 * because whether to round is the router's decision. Where the instrument
 * rules come from (the venue's exchange-info) is the adapters' business.
 *
 * Error choice: a price or quantity off the tick or lot grid gives
 * XG_ERR_PRECISION (the router can fix it by requantizing); a value on the
 * grid but outside a bound gives XG_ERR_FILTER.
 */
#include "xgate/order.h"

#include <stdio.h>
#include <string.h>

const char *
xg_side_name(xg_side side)
{
    switch (side) {
    case XG_SIDE_BUY:
        return "BUY";
    case XG_SIDE_SELL:
        return "SELL";
    }
    return "UNKNOWN";
}

const char *
xg_order_type_name(xg_order_type type)
{
    switch (type) {
    case XG_TYPE_LIMIT:
        return "LIMIT";
    case XG_TYPE_MARKET:
        return "MARKET";
    }
    return "UNKNOWN";
}

const char *
xg_tif_name(xg_tif tif)
{
    switch (tif) {
    case XG_TIF_GTC:
        return "GTC";
    case XG_TIF_IOC:
        return "IOC";
    case XG_TIF_FOK:
        return "FOK";
    case XG_TIF_POST_ONLY:
        return "POST_ONLY";
    }
    return "UNKNOWN";
}

const char *
xg_order_status_name(xg_order_status status)
{
    switch (status) {
    case XG_STATUS_PENDING:
        return "PENDING";
    case XG_STATUS_SENT:
        return "SENT";
    case XG_STATUS_NEW:
        return "NEW";
    case XG_STATUS_PARTIALLY_FILLED:
        return "PARTIALLY_FILLED";
    case XG_STATUS_FILLED:
        return "FILLED";
    case XG_STATUS_CANCELED:
        return "CANCELED";
    case XG_STATUS_REJECTED:
        return "REJECTED";
    case XG_STATUS_EXPIRED:
        return "EXPIRED";
    case XG_STATUS_UNKNOWN:
        return "UNKNOWN";
    }
    return "UNKNOWN";
}

xg_err
xg_side_parse(const char *s, xg_side *out)
{
    if (s == NULL || out == NULL) {
        return XG_ERR_INVALID;
    }
    if (strcmp(s, "BUY") == 0) {
        *out = XG_SIDE_BUY;
    } else if (strcmp(s, "SELL") == 0) {
        *out = XG_SIDE_SELL;
    } else {
        return XG_ERR_BAD_SIDE;
    }
    return XG_OK;
}

xg_err
xg_order_type_parse(const char *s, xg_order_type *out)
{
    if (s == NULL || out == NULL) {
        return XG_ERR_INVALID;
    }
    if (strcmp(s, "LIMIT") == 0) {
        *out = XG_TYPE_LIMIT;
    } else if (strcmp(s, "MARKET") == 0) {
        *out = XG_TYPE_MARKET;
    } else {
        return XG_ERR_BAD_TYPE;
    }
    return XG_OK;
}

xg_err
xg_tif_parse(const char *s, xg_tif *out)
{
    if (s == NULL || out == NULL) {
        return XG_ERR_INVALID;
    }
    if (strcmp(s, "GTC") == 0) {
        *out = XG_TIF_GTC;
    } else if (strcmp(s, "IOC") == 0) {
        *out = XG_TIF_IOC;
    } else if (strcmp(s, "FOK") == 0) {
        *out = XG_TIF_FOK;
    } else if (strcmp(s, "POST_ONLY") == 0) {
        *out = XG_TIF_POST_ONLY;
    } else {
        return XG_ERR_BAD_TIF;
    }
    return XG_OK;
}

int
xg_order_status_is_final(xg_order_status status)
{
    return status == XG_STATUS_FILLED || status == XG_STATUS_CANCELED ||
           status == XG_STATUS_REJECTED || status == XG_STATUS_EXPIRED;
}

static int
is_upper_or_digit(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int
is_alnum(char c)
{
    return is_upper_or_digit(c) || (c >= 'a' && c <= 'z');
}

#define XG_SYMBOL_PART_MAX 15

xg_err
xg_symbol_validate(const char *symbol)
{
    if (symbol == NULL) {
        return XG_ERR_BAD_SYMBOL;
    }
    /* Bounded scan: the input may come straight off the wire unterminated
     * within any sane length. */
    size_t len = strnlen(symbol, XG_SYMBOL_MAX);
    if (len >= XG_SYMBOL_MAX) {
        return XG_ERR_BAD_SYMBOL;
    }
    size_t base_len = 0;
    size_t quote_len = 0;
    int seen_slash = 0;
    for (size_t i = 0; i < len; i++) {
        char c = symbol[i];
        if (c == '/') {
            if (seen_slash) {
                return XG_ERR_BAD_SYMBOL;
            }
            seen_slash = 1;
        } else if (!is_upper_or_digit(c)) {
            return XG_ERR_BAD_SYMBOL;
        } else if (seen_slash) {
            quote_len++;
        } else {
            base_len++;
        }
    }
    if (!seen_slash || base_len < 1 || base_len > XG_SYMBOL_PART_MAX ||
        quote_len < 1 || quote_len > XG_SYMBOL_PART_MAX) {
        return XG_ERR_BAD_SYMBOL;
    }
    return XG_OK;
}

xg_err
xg_client_id_validate(const char *id)
{
    if (id == NULL) {
        return XG_ERR_BAD_CLIENT_ID;
    }
    size_t len = strnlen(id, XG_CLIENT_ID_MAX);
    if (len == 0 || len >= XG_CLIENT_ID_MAX) {
        return XG_ERR_BAD_CLIENT_ID;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_alnum(id[i])) {
            return XG_ERR_BAD_CLIENT_ID;
        }
    }
    return XG_OK;
}

/* Write a reason into detail if the caller gave room for one; returns err
 * so checks read `return fail(...)`. */
static xg_err
fail(xg_err err, char *detail, size_t detail_len, const char *what,
     xg_decimal value, const char *relation, xg_decimal bound)
{
    char v[XG_DECIMAL_STR_MAX];
    char b[XG_DECIMAL_STR_MAX];

    if (detail == NULL || detail_len == 0) {
        return err;
    }
    if (xg_decimal_format(value, v, sizeof(v)) != XG_OK) {
        v[0] = '?';
        v[1] = '\0';
    }
    if (xg_decimal_format(bound, b, sizeof(b)) != XG_OK) {
        b[0] = '?';
        b[1] = '\0';
    }
    /* Message into a fixed buffer: the use of snprintf STYLE.md allows.
     * Truncation of a long message is acceptable. */
    (void)snprintf(detail, detail_len, "%s %s %s %s", what, v, relation, b);
    return err;
}

static xg_err
fail_text(xg_err err, char *detail, size_t detail_len, const char *text)
{
    if (detail != NULL && detail_len > 0) {
        (void)snprintf(detail, detail_len, "%s", text);
    }
    return err;
}

static int
decimal_ok(xg_decimal d)
{
    return d.scale <= XG_DECIMAL_MAX_SCALE;
}

static int
is_multiple(xg_decimal v, xg_decimal step)
{
    xg_decimal q;
    return xg_decimal_quantize(v, step, XG_ROUND_EXACT, &q) == XG_OK;
}

__extension__ typedef __int128 xg__i128;

static xg__i128
pow10_i128(unsigned k)
{
    xg__i128 r = 1;
    while (k-- > 0) {
        r *= 10;
    }
    return r;
}

/* price * qty < min, all three positive, compared exactly in 128 bits:
 * the product has scale up to 36, which no xg_decimal can hold. */
static int
notional_below(xg_decimal price, xg_decimal qty, xg_decimal min)
{
    xg__i128 p = (xg__i128)price.units * qty.units;
    unsigned ps = (unsigned)price.scale + qty.scale;
    if (ps >= min.scale) {
        /* p >= m * 10^k  <=>  floor(p / 10^k) >= m, for p, m >= 0. */
        return p / pow10_i128(ps - min.scale) < min.units;
    }
    /* p * 10^k >= m  <=>  p >= ceil(m / 10^k). */
    xg__i128 k = pow10_i128(min.scale - ps);
    return p < (min.units + k - 1) / k;
}

xg_err
xg_order_validate(const xg_order *order, const xg_instrument *ins, char *detail,
                  size_t detail_len)
{
    if (detail != NULL && detail_len > 0) {
        detail[0] = '\0';
    }
    if (order == NULL) {
        return XG_ERR_INVALID;
    }
    if (xg_client_id_validate(order->client_id) != XG_OK) {
        return fail_text(XG_ERR_BAD_CLIENT_ID, detail, detail_len,
                         "client id must be 1-32 letters or digits");
    }
    if (xg_symbol_validate(order->symbol) != XG_OK) {
        return fail_text(XG_ERR_BAD_SYMBOL, detail, detail_len,
                         "symbol must be BASE/QUOTE in upper case");
    }
    if (order->side != XG_SIDE_BUY && order->side != XG_SIDE_SELL) {
        return fail_text(XG_ERR_BAD_SIDE, detail, detail_len, "bad side");
    }
    if (order->type != XG_TYPE_LIMIT && order->type != XG_TYPE_MARKET) {
        return fail_text(XG_ERR_BAD_TYPE, detail, detail_len, "bad order type");
    }
    if (order->tif < XG_TIF_GTC || order->tif > XG_TIF_POST_ONLY) {
        return fail_text(XG_ERR_BAD_TIF, detail, detail_len,
                         "bad time in force");
    }
    if (order->type == XG_TYPE_MARKET && order->tif == XG_TIF_POST_ONLY) {
        /* A market order always takes; post-only never does. */
        return fail_text(XG_ERR_BAD_TIF, detail, detail_len,
                         "a market order cannot be post-only");
    }
    if (!decimal_ok(order->qty) || !decimal_ok(order->price)) {
        return fail_text(XG_ERR_BAD_DECIMAL, detail, detail_len,
                         "decimal scale out of range");
    }
    if (!xg_decimal_is_positive(order->qty)) {
        return fail_text(XG_ERR_BAD_QTY, detail, detail_len,
                         "quantity must be positive");
    }
    int is_limit = order->type == XG_TYPE_LIMIT;
    if (is_limit && !xg_decimal_is_positive(order->price)) {
        return fail_text(XG_ERR_BAD_PRICE, detail, detail_len,
                         "price must be positive for a limit order");
    }
    if (!is_limit && order->price.units != 0) {
        /* A price on a market order is a strategy bug, not a hint. */
        return fail_text(XG_ERR_BAD_PRICE, detail, detail_len,
                         "a market order must not carry a price");
    }
    if (ins == NULL) {
        return XG_OK;
    }

    if (ins->symbol[0] != '\0' &&
        strncmp(ins->symbol, order->symbol, XG_SYMBOL_MAX) != 0) {
        return fail_text(XG_ERR_UNKNOWN_SYMBOL, detail, detail_len,
                         "instrument does not match the order's symbol");
    }
    if (!ins->is_trading) {
        return fail_text(XG_ERR_MARKET_CLOSED, detail, detail_len,
                         "symbol not trading");
    }
    if (!decimal_ok(ins->tick_size) || !decimal_ok(ins->lot_size) ||
        !decimal_ok(ins->min_price) || !decimal_ok(ins->max_price) ||
        !decimal_ok(ins->min_qty) || !decimal_ok(ins->max_qty) ||
        !decimal_ok(ins->min_notional)) {
        return fail_text(XG_ERR_INVALID, detail, detail_len,
                         "instrument rule with a bad scale");
    }

    if (ins->lot_size.units > 0 && !is_multiple(order->qty, ins->lot_size)) {
        return fail(XG_ERR_PRECISION, detail, detail_len, "quantity",
                    order->qty, "not a multiple of lot", ins->lot_size);
    }
    if (ins->min_qty.units > 0 &&
        xg_decimal_cmp(order->qty, ins->min_qty) < 0) {
        return fail(XG_ERR_FILTER, detail, detail_len, "quantity", order->qty,
                    "below minimum", ins->min_qty);
    }
    if (ins->max_qty.units > 0 &&
        xg_decimal_cmp(order->qty, ins->max_qty) > 0) {
        return fail(XG_ERR_FILTER, detail, detail_len, "quantity", order->qty,
                    "above maximum", ins->max_qty);
    }
    if (!is_limit) {
        /* Market orders have no price to check; their notional is only
         * known after the fill, so the venue enforces it. */
        return XG_OK;
    }
    if (ins->tick_size.units > 0 &&
        !is_multiple(order->price, ins->tick_size)) {
        return fail(XG_ERR_PRECISION, detail, detail_len, "price", order->price,
                    "not a multiple of tick", ins->tick_size);
    }
    if (ins->min_price.units > 0 &&
        xg_decimal_cmp(order->price, ins->min_price) < 0) {
        return fail(XG_ERR_FILTER, detail, detail_len, "price", order->price,
                    "below minimum", ins->min_price);
    }
    if (ins->max_price.units > 0 &&
        xg_decimal_cmp(order->price, ins->max_price) > 0) {
        return fail(XG_ERR_FILTER, detail, detail_len, "price", order->price,
                    "above maximum", ins->max_price);
    }
    if (ins->min_notional.units > 0 &&
        notional_below(order->price, order->qty, ins->min_notional)) {
        xg_decimal notional;
        if (xg_decimal_mul(order->price, order->qty, &notional) == XG_OK) {
            return fail(XG_ERR_FILTER, detail, detail_len, "notional", notional,
                        "below minimum", ins->min_notional);
        }
        return fail_text(XG_ERR_FILTER, detail, detail_len,
                         "notional below minimum");
    }
    return XG_OK;
}

xg_err
xg_order_requantize(xg_order *order, const xg_instrument *ins)
{
    if (order == NULL || ins == NULL) {
        return XG_ERR_INVALID;
    }
    /* Work on copies: the order changes only if both roundings succeed. */
    xg_decimal qty = order->qty;
    xg_decimal price = order->price;
    xg_err err;

    if (ins->lot_size.units > 0) {
        err = xg_decimal_quantize(qty, ins->lot_size, XG_ROUND_DOWN, &qty);
        if (err != XG_OK) {
            return err;
        }
    }
    if (!xg_decimal_is_positive(qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (order->type == XG_TYPE_LIMIT && ins->tick_size.units > 0) {
        /* Buys round down and sells up: never a worse price than asked. */
        xg_round mode =
            order->side == XG_SIDE_SELL ? XG_ROUND_UP : XG_ROUND_DOWN;
        err = xg_decimal_quantize(price, ins->tick_size, mode, &price);
        if (err != XG_OK) {
            return err;
        }
        if (!xg_decimal_is_positive(price)) {
            return XG_ERR_BAD_PRICE;
        }
    }
    order->qty = qty;
    order->price = price;
    return XG_OK;
}
