/*
 * orders.c - the order endpoints of xgsim's Bybit v5 spot dialect: create,
 * cancel, amend, cancel-all and the realtime query, over the shared book
 * (sim/book.h), and the order shapes batch.c and history.c share.
 * Requests are JSON bodies (POST) or query strings (GET) with
 * category=spot; answers are the v5 envelope. Create, cancel and amend
 * answer with an acknowledgement only ({orderId, orderLinkId}), as the
 * real venue does (an amend changes the order in place, same ids);
 * the order's state is read through /v5/order/realtime, which finds an
 * order by orderId or orderLinkId whether it is open or closed and
 * otherwise lists the open ones (openOnly=0) or the recent closed ones
 * (openOnly=1), newest first, a page at a time with an opaque cursor to
 * the next page (common.c). Client ids are unique per account for good
 * (fact sheet: "always unique"), not only among open orders. dialect.c
 * routes authenticated requests here; this file calls only common.c
 * (envelope, parameters, cursors, the endpoint gate) and the simulator.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bybit's refusal (170213) of a cancel or an amend of an order that is
 * not open. */
static const char bybit_sim_no_order[] = "Order does not exist.";

const char *
bybit_sim_status_name(const xg_sim_order *o)
{
    switch (o->status) {
    case XG_SIM_NEW:
        return "New";
    case XG_SIM_PARTIALLY_FILLED:
        return "PartiallyFilled";
    case XG_SIM_FILLED:
        return "Filled";
    case XG_SIM_CANCELED:
    case XG_SIM_EXPIRED:
        /* Bybit spot has no Expired: an IOC/FOK remainder is Cancelled,
         * or PartiallyFilledCanceled when part of it filled (fact sheet,
         * orderStatus). */
        return o->filled > 0 ? "PartiallyFilledCanceled" : "Cancelled";
    }
    return "New";
}

static const char *
bybit_sim_tif_text(const xg_sim_order *o)
{
    if (o->type == XG_SIM_LIMIT_MAKER) {
        return "PostOnly";
    }
    if (o->type == XG_SIM_MARKET) {
        return "IOC";
    }
    switch (o->tif) {
    case XG_SIM_IOC:
        return "IOC";
    case XG_SIM_FOK:
        return "FOK";
    case XG_SIM_GTC:
        break;
    }
    return "GTC";
}

/* One order as /v5/order/realtime and /v5/order/history list it (lock
 * held). cumFeeDetail is the fee per coin ({} before a fill), which
 * replaces the deprecated cumExecFee for spot; avgPrice is "" before a
 * fill. */
json_t *
bybit_sim_order_json(const xg_sim_venue *v, const xg_sim_order *o)
{
    char id[24], created[24], updated[24];
    char price[XG_SIM_FIXED_BUFSZ], qty[XG_SIM_FIXED_BUFSZ];
    char filled[XG_SIM_FIXED_BUFSZ], value[XG_SIM_FIXED_BUFSZ];
    char leaves[XG_SIM_FIXED_BUFSZ], avg[XG_SIM_FIXED_BUFSZ];
    char fee[XG_SIM_FIXED_BUFSZ], leaves_value[XG_SIM_FIXED_BUFSZ];
    int64_t left = xg_sim_order_is_open(o) ? o->qty - o->filled : 0;
    int64_t left_value = 0;
    json_t *fee_detail = json_object();

    snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
    snprintf(created, sizeof(created), "%lld", (long long)o->time_ms);
    snprintf(updated, sizeof(updated), "%lld", (long long)o->update_ms);
    bybit_sim_fmt(o->price, price);
    bybit_sim_fmt(o->qty, qty);
    bybit_sim_fmt(o->filled, filled);
    bybit_sim_fmt(o->quote_filled, value);
    bybit_sim_fmt(left, leaves);
    if (o->price <= 0 ||
        xg_sim_fixed_mul(left, o->price, &left_value) != XG_OK) {
        left_value = 0;
    }
    bybit_sim_fmt(left_value, leaves_value);
    avg[0] = '\0';
    if (o->filled > 0) {
        bybit_sim_fmt(xg_sim_order_avg_price(o), avg);
    }
    bybit_sim_fmt(o->fee, fee);
    if (o->nfills > 0) {
        json_object_set_new(fee_detail, xg_sim_order_fee_asset(&v->book, o),
                            json_string(fee));
    }
    return json_pack(
        "{ss ss ss ss ss ss ss ss ss ss ss ss ss so ss ss ss ss ss ss}",
        "orderId", id, "orderLinkId", o->client_id, "symbol",
        v->book.instruments[o->instrument].symbol, "price", price, "qty", qty,
        "side", o->side == XG_SIM_BUY ? "Buy" : "Sell", "orderStatus",
        bybit_sim_status_name(o), "avgPrice", avg, "leavesQty", leaves,
        "leavesValue", leaves_value, "cumExecQty", filled, "cumExecValue",
        value, "cumExecFee", fee, "cumFeeDetail", fee_detail, "timeInForce",
        bybit_sim_tif_text(o), "orderType",
        o->type == XG_SIM_MARKET ? "Market" : "Limit", "createdTime", created,
        "updatedTime", updated, "isLeverage", "0", "cancelType",
        o->status == XG_SIM_CANCELED ? "CancelByUser" : "UNKNOWN");
}

static bool
bybit_sim_link_id_ok(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > 36) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
            return false;
        }
    }
    return true;
}

/* Decimal parameter; false with resp set when malformed. */
static bool
bybit_sim_amount(const bybit_call *c, const char *key, int64_t *out)
{
    const char *s = bybit_sim_param(c, key);
    xg_err err = XG_OK;
    char what[64];

    if (s == NULL) {
        snprintf(what, sizeof(what), "%s is required", key);
        bybit_sim_params_error(c, what);
        return false;
    }
    err = xg_sim_fixed_parse(s, out);
    if (err == XG_ERR_PRECISION) {
        bybit_sim_error(c, strcmp(key, "price") == 0 ? 170134 : 170137,
                        strcmp(key, "price") == 0
                            ? "Order price has too many decimals."
                            : "Order quantity has too many decimals.",
                        "rejected");
        return false;
    }
    if (err != XG_OK || *out <= 0) {
        snprintf(what, sizeof(what), "%s is not a positive number", key);
        bybit_sim_params_error(c, what);
        return false;
    }
    return true;
}

/* Parse the order fields of a create; false with resp set. */
static bool
bybit_sim_read_order(const bybit_call *c, xg_sim_new_order *no, bool *quote_qty)
{
    const char *side = bybit_sim_param(c, "side");
    const char *type = bybit_sim_param(c, "orderType");
    const char *tif = bybit_sim_param(c, "timeInForce");
    const char *unit = bybit_sim_param(c, "marketUnit");
    const char *link = bybit_sim_param(c, "orderLinkId");
    bool has_symbol = false;

    memset(no, 0, sizeof(*no));
    *quote_qty = false;
    no->account = c->account;
    if (!bybit_sim_spot_symbol(c, true, &no->instrument, &has_symbol)) {
        return false;
    }
    if (side == NULL || (strcmp(side, "Buy") != 0 && strcmp(side, "Sell"))) {
        bybit_sim_params_error(c, "side must be Buy or Sell");
        return false;
    }
    no->side = strcmp(side, "Buy") == 0 ? XG_SIM_BUY : XG_SIM_SELL;
    if (type == NULL ||
        (strcmp(type, "Limit") != 0 && strcmp(type, "Market") != 0)) {
        bybit_sim_params_error(c, "orderType must be Limit or Market");
        return false;
    }
    if (!bybit_sim_amount(c, "qty", &no->qty)) {
        return false;
    }
    if (link != NULL && !bybit_sim_link_id_ok(link)) {
        bybit_sim_params_error(c, "orderLinkId");
        return false;
    }
    no->client_id = link;
    if (strcmp(type, "Market") == 0) {
        no->type = XG_SIM_MARKET;
        no->tif = XG_SIM_IOC;
        /* Spot market buys are in quote units unless marketUnit says
         * baseCoin; sells are in base. */
        if (unit != NULL && strcmp(unit, "baseCoin") != 0 &&
            strcmp(unit, "quoteCoin") != 0) {
            bybit_sim_params_error(c, "marketUnit");
            return false;
        }
        *quote_qty = unit != NULL ? strcmp(unit, "quoteCoin") == 0
                                  : no->side == XG_SIM_BUY;
        return true;
    }
    if (!bybit_sim_amount(c, "price", &no->price)) {
        return false;
    }
    no->type = XG_SIM_LIMIT;
    no->tif = XG_SIM_GTC;
    if (tif == NULL || strcmp(tif, "GTC") == 0) {
        return true;
    }
    if (strcmp(tif, "IOC") == 0) {
        no->tif = XG_SIM_IOC;
    } else if (strcmp(tif, "FOK") == 0) {
        no->tif = XG_SIM_FOK;
    } else if (strcmp(tif, "PostOnly") == 0) {
        no->type = XG_SIM_LIMIT_MAKER;
    } else {
        bybit_sim_params_error(c, "timeInForce");
        return false;
    }
    return true;
}

/* The venue's refusal of order fields the book would take (lock held):
 * less than one step, then the instrument's filters. 0 when they pass,
 * else the code, with its message in *msg. Create and amend check the
 * same rules. */
static int
bybit_sim_filter_refusal(const xg_sim_book *b, const xg_sim_new_order *no,
                         const char **msg)
{
    if (no->qty < b->instruments[no->instrument].step) {
        *msg = "Order quantity lower than the minimum.";
        return 170136;
    }
    switch (xg_sim_book_check_filters(b, no)) {
    case XG_SIM_FILTER_OK:
        break;
    case XG_SIM_FILTER_PRICE:
        *msg = "Order price has too many decimals.";
        return 170134;
    case XG_SIM_FILTER_LOT:
        *msg = "Order quantity has too many decimals.";
        return 170137;
    case XG_SIM_FILTER_NOTIONAL:
        *msg = "Order value exceeded lower limit.";
        return 170140;
    }
    return 0;
}

/* The venue's refusal of what the book answered other than XG_SIM_PLACED:
 * the code, with its message in *msg. A PostOnly that would take is a
 * refused new order on create (170210) and, on amend, a LIMIT-MAKER price
 * refused (170218; assumed, simulator-bybit.md). */
static int
bybit_sim_book_refusal(xg_sim_place_result result, bool is_amend,
                       const char **msg)
{
    switch (result) {
    case XG_SIM_INSUFFICIENT:
        *msg = "Insufficient balance.";
        return 170131;
    case XG_SIM_DUPLICATE:
        *msg = "Duplicate clientOrderId.";
        return 170141;
    case XG_SIM_WOULD_TAKE:
        *msg = is_amend
                   ? "The LIMIT-MAKER order is rejected due to invalid price."
                   : "New order rejected.";
        return is_amend ? 170218 : 170210;
    case XG_SIM_QTY_FILLED:
        *msg = "The modified contract quantity cannot be less than to the "
               "filled quantity";
        return 170313;
    case XG_SIM_PLACED:
    case XG_SIM_TOO_LARGE:
        break;
    }
    *msg = "Order value exceeded upper limit.";
    return 170140;
}

static void
bybit_sim_placed_from(const xg_sim_book *b, const xg_sim_order *o,
                      bybit_placed *out)
{
    snprintf(out->order_id, sizeof(out->order_id), "%lld",
             (long long)o->order_id);
    snprintf(out->link_id, sizeof(out->link_id), "%s", o->client_id);
    snprintf(out->symbol, sizeof(out->symbol), "%s",
             b->instruments[o->instrument].symbol);
    out->time_ms = o->time_ms;
    out->is_expired = o->status == XG_SIM_EXPIRED;
}

bool
bybit_sim_place(const bybit_call *c, bybit_placed *out)
{
    xg_sim_new_order no;
    bool quote_qty = false;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *o = NULL;
    const xg_sim_instrument *in = NULL;
    xg_err err = XG_OK;
    int code = 0;
    const char *msg = NULL;

    if (!bybit_sim_read_order(c, &no, &quote_qty)) {
        return false;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    in = &c->v->book.instruments[no.instrument];
    if (quote_qty && no.side == XG_SIM_BUY) {
        /* A buy for this much quote: what it buys from the book, level
         * by level, each rounded down to the step. */
        int64_t quote = no.qty;
        xg_sim_book_quote_qty(&c->v->book, c->account, no.instrument, quote,
                              c->now_ms, &no.qty);
    } else if (quote_qty) {
        int64_t base = 0;
        int64_t bid = xg_sim_book_best(&c->v->book, no.instrument, XG_SIM_BUY);
        if (bid <= 0 || xg_sim_fixed_div(no.qty, bid, &base) != XG_OK) {
            base = 0;
        }
        no.qty = base - base % in->step;
    }
    if (no.client_id != NULL &&
        xg_sim_book_by_client_id(&c->v->book, c->account, no.client_id) !=
            NULL) {
        code = bybit_sim_book_refusal(XG_SIM_DUPLICATE, false, &msg);
    } else {
        code = bybit_sim_filter_refusal(&c->v->book, &no, &msg);
    }
    if (code == 0) {
        err = xg_sim_book_place(&c->v->book, &no, c->now_ms, &result, &o);
        if (err != XG_OK) {
            code = 10016;
            msg = "Internal server error.";
        } else if (result != XG_SIM_PLACED) {
            code = bybit_sim_book_refusal(result, false, &msg);
        }
    }
    if (code == 0) {
        bybit_sim_placed_from(&c->v->book, o, out);
    }
    xg_sim_venue_unlock(c->v);
    if (code != 0) {
        bybit_sim_error(c, code, msg, "rejected");
        return false;
    }
    return true;
}

void
bybit_sim_order_create(const bybit_call *c)
{
    bybit_placed p;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_CREATE) ||
        !bybit_sim_place(c, &p)) {
        return;
    }
    xg_sim_response_client_id(c->resp, p.link_id);
    bybit_sim_ok(
        c,
        json_pack("{ss ss}", "orderId", p.order_id, "orderLinkId", p.link_id),
        p.is_expired ? "expired" : "placed");
}

/* The order named by orderId or orderLinkId (lock held); NULL if none.
 * orderId wins when both are given, as on the venue. */
static xg_sim_order *
bybit_sim_named_order(const bybit_call *c, bool *named)
{
    const char *id = bybit_sim_param(c, "orderId");
    const char *link = bybit_sim_param(c, "orderLinkId");
    int64_t n = 0;

    if (id != NULL && id[0] == '\0') {
        id = NULL;
    }
    if (link != NULL && link[0] == '\0') {
        link = NULL;
    }
    *named = id != NULL || link != NULL;
    if (id != NULL) {
        for (const char *p = id; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || n > INT64_MAX / 10 - 9) {
                return NULL;
            }
            n = n * 10 + (*p - '0');
        }
        return xg_sim_book_by_id(&c->v->book, c->account, n);
    }
    if (link != NULL) {
        return xg_sim_book_by_client_id(&c->v->book, c->account, link);
    }
    return NULL;
}

bool
bybit_sim_cancel_named(const bybit_call *c, size_t instrument,
                       bybit_placed *out)
{
    bool named = false;
    xg_sim_order *o = NULL;
    bool ok = false;

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = bybit_sim_named_order(c, &named);
    if (named && o != NULL && o->instrument == instrument &&
        xg_sim_order_is_open(o) &&
        xg_sim_book_cancel(&c->v->book, o, c->now_ms) == XG_OK) {
        bybit_sim_placed_from(&c->v->book, o, out);
        ok = true;
    }
    xg_sim_venue_unlock(c->v);
    if (!named) {
        bybit_sim_params_error(c, "orderId or orderLinkId is required");
    } else if (!ok) {
        bybit_sim_error(c, 170213, bybit_sim_no_order, "not_found");
    }
    return ok;
}

void
bybit_sim_cancel(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bybit_placed p;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_CANCEL) ||
        !bybit_sim_spot_symbol(c, true, &instrument, &has_symbol) ||
        !bybit_sim_cancel_named(c, instrument, &p)) {
        return;
    }
    bybit_sim_ok(
        c,
        json_pack("{ss ss}", "orderId", p.order_id, "orderLinkId", p.link_id),
        "canceled");
}

/*
 * POST /v5/order/cancel-all (Bybit v5 docs, "Cancel All Orders"):
 * category=spot and optionally a symbol; spot cancels every open order of
 * the account (of that symbol) with no count limit. Each order goes
 * through the book's cancel, as a single cancel's does, so its lock is
 * released the same way. The answer is an ack: result.list of the orders
 * canceled, {orderId, orderLinkId}, and success "1". orderFilter Order
 * (the default) cancels the plain orders; StopOrder, tpslOrder and
 * OcoOrder name kinds the simulator has none of, so they cancel nothing.
 * baseCoin and settleCoin without a symbol are refused with 10001
 * (assumed: the simulator cancels by symbol only, simulator-bybit.md).
 */
void
bybit_sim_cancel_all(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    const char *filter = NULL;
    bool is_plain = false;
    json_t *list = NULL;
    xg_sim_book *b = &c->v->book;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_CANCEL_ALL) ||
        !bybit_sim_spot_symbol(c, false, &instrument, &has_symbol)) {
        return;
    }
    if (!has_symbol && (bybit_sim_param(c, "baseCoin") != NULL ||
                        bybit_sim_param(c, "settleCoin") != NULL)) {
        bybit_sim_params_error(c, "symbol is required");
        return;
    }
    filter = bybit_sim_param(c, "orderFilter");
    if (filter != NULL && strcmp(filter, "Order") != 0 &&
        strcmp(filter, "StopOrder") != 0 && strcmp(filter, "tpslOrder") != 0 &&
        strcmp(filter, "OcoOrder") != 0) {
        bybit_sim_params_error(c, "orderFilter");
        return;
    }
    is_plain = filter == NULL || strcmp(filter, "Order") == 0;
    list = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(b, c->now_ms);
    for (size_t i = 0; is_plain && i < b->norders; i++) {
        xg_sim_order *o = &b->orders[i];
        bybit_placed p;

        if (o->account != c->account || !xg_sim_order_is_open(o) ||
            (has_symbol && o->instrument != instrument) ||
            xg_sim_book_cancel(b, o, c->now_ms) != XG_OK) {
            continue;
        }
        bybit_sim_placed_from(b, o, &p);
        json_array_append_new(list, json_pack("{ss ss}", "orderId", p.order_id,
                                              "orderLinkId", p.link_id));
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c, json_pack("{so ss}", "list", list, "success", "1"),
                 "canceled");
}

/*
 * The amend of the open order o (lock held) to the qty and price c's
 * parameters give, each absent one as it stands: 0 with *out filled, or
 * the refusal's code with *msg. qty is the new total, what filled
 * included (Bybit: "Order quantity after modification"). The fields pass
 * the create's rules first; an amend to what the order already is
 * changes nothing, so it keeps its place in the queue (assumed,
 * simulator-bybit.md).
 */
static int
bybit_sim_amend_order(const bybit_call *c, xg_sim_order *o, const int64_t *qty,
                      const int64_t *price, bybit_placed *out, const char **msg)
{
    xg_sim_book *b = &c->v->book;
    size_t oi = (size_t)(o - b->orders);
    xg_sim_new_order no;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_err err = XG_OK;
    int code = 0;

    memset(&no, 0, sizeof(no));
    no.account = o->account;
    no.instrument = o->instrument;
    no.side = o->side;
    no.type = o->type;
    no.tif = o->tif;
    no.qty = qty != NULL ? *qty : o->qty;
    no.price = price != NULL ? *price : o->price;
    code = bybit_sim_filter_refusal(b, &no, msg);
    if (code != 0) {
        return code;
    }
    if (no.qty != o->qty || no.price != o->price) {
        err = xg_sim_book_amend(b, o, no.price, no.qty, c->now_ms, &result);
        if (err == XG_ERR_UNKNOWN_ORDER) {
            *msg = bybit_sim_no_order;
            return 170213;
        }
        if (err != XG_OK) {
            *msg = "Internal server error.";
            return 10016;
        }
        if (result != XG_SIM_PLACED) {
            return bybit_sim_book_refusal(result, true, msg);
        }
    }
    bybit_sim_placed_from(b, &b->orders[oi], out);
    return 0;
}

/*
 * POST /v5/order/amend (Bybit v5 docs, "Amend Order"): the order named by
 * orderId or orderLinkId, with qty and/or price, either may be left out
 * but not both. Only an open order can be amended ("unfilled or partially
 * filled"): a filled, canceled or unknown one is 170213 "Order does not
 * exist.", as a cancel is (the code for a filled one is assumed). In the
 * book (xg_sim_book_amend) a smaller qty at the same price keeps its
 * place, any other change goes to the back of its price, and a price that
 * crosses trades at once as a taker. The answer is the ack.
 */
void
bybit_sim_amend(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bool named = false;
    bool has_qty = bybit_sim_param(c, "qty") != NULL;
    bool has_price = bybit_sim_param(c, "price") != NULL;
    int64_t qty = 0;
    int64_t price = 0;
    int code = 0;
    const char *msg = NULL;
    xg_sim_order *o = NULL;
    bybit_placed p;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_AMEND) ||
        !bybit_sim_spot_symbol(c, true, &instrument, &has_symbol) ||
        (has_qty && !bybit_sim_amount(c, "qty", &qty)) ||
        (has_price && !bybit_sim_amount(c, "price", &price))) {
        return;
    }
    if (!has_qty && !has_price) {
        bybit_sim_params_error(c, "qty or price is required");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = bybit_sim_named_order(c, &named);
    if (named && o != NULL && o->instrument == instrument &&
        xg_sim_order_is_open(o)) {
        code = bybit_sim_amend_order(c, o, has_qty ? &qty : NULL,
                                     has_price ? &price : NULL, &p, &msg);
    } else {
        code = 170213;
        msg = bybit_sim_no_order;
    }
    xg_sim_venue_unlock(c->v);
    if (!named) {
        bybit_sim_params_error(c, "orderId or orderLinkId is required");
        return;
    }
    if (code != 0) {
        bybit_sim_error(c, code, msg,
                        code == 170213 ? "not_found" : "rejected");
        return;
    }
    xg_sim_response_client_id(c->resp, p.link_id);
    bybit_sim_ok(
        c,
        json_pack("{ss ss}", "orderId", p.order_id, "orderLinkId", p.link_id),
        "amended");
}

/*
 * The realtime list: newest first (by order id, which is creation order),
 * the open orders with openOnly=0 (the default) or the closed ones with
 * openOnly=1 or 2 (the venue keeps the latest 500 closed orders there; the
 * sim keeps them all). A next page lists the orders older than the
 * cursor's, so orders placed or closed between two pages do not shift the
 * pages: nothing is listed twice or skipped. A cursor that does not parse,
 * names no order of this account or another symbol filter is refused with
 * 10001, as Bybit refuses a bad parameter.
 */
/* What the realtime list keeps: open or closed orders, of one symbol if
 * asked. */
typedef struct bybit_realtime_filter {
    bool has_symbol;
    size_t instrument;
    bool is_open;
} bybit_realtime_filter;

static bool
bybit_sim_realtime_keeps(const xg_sim_order *o, const void *ctx)
{
    const bybit_realtime_filter *f = ctx;
    return xg_sim_order_is_open(o) == f->is_open &&
           (!f->has_symbol || o->instrument == f->instrument);
}

void
bybit_sim_realtime(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bool named = false;
    const char *cursor = bybit_sim_param(c, "cursor");
    const char *want = "";
    int64_t limit = 20;
    int64_t open_only = 0;
    int64_t anchor = INT64_MAX;
    char next[BYBIT_CURSOR_LEN];
    json_t *list = NULL;
    xg_sim_order *o = NULL;

    next[0] = '\0';
    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_REALTIME) ||
        !bybit_sim_spot_symbol(c, false, &instrument, &has_symbol) ||
        !bybit_sim_int_param(c, "limit", 1, 50, 20, &limit) ||
        !bybit_sim_int_param(c, "openOnly", 0, 2, 0, &open_only)) {
        return;
    }
    if (has_symbol) {
        want = c->v->book.instruments[instrument].symbol;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = bybit_sim_named_order(c, &named);
    /* An empty cursor is the first page, as an absent one. */
    if (!named && cursor != NULL && cursor[0] != '\0' &&
        (!bybit_sim_cursor_parse(cursor, want, &anchor) ||
         xg_sim_book_by_id(&c->v->book, c->account, anchor) == NULL)) {
        xg_sim_venue_unlock(c->v);
        bybit_sim_params_error(c, "cursor");
        return;
    }
    list = json_array();
    if (named) {
        /* By id: open or closed alike (openOnly is ignored then). */
        if (o != NULL && (!has_symbol || o->instrument == instrument)) {
            json_array_append_new(list, bybit_sim_order_json(c->v, o));
        }
    } else {
        const bybit_realtime_filter f = {has_symbol, instrument,
                                         open_only == 0};
        bybit_sim_orders_page(c, anchor, limit, bybit_sim_realtime_keeps, &f,
                              want, list, next);
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c,
                 json_pack("{ss so ss}", "category", "spot", "list", list,
                           "nextPageCursor", next),
                 "queried");
}
