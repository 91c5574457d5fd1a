/*
 * orders.c - xgsim's Binance dialect: the trading endpoints (new, cancel,
 * query, open orders, cancel all, account), per the Binance fact sheet
 * (binance.md). dialect.c routes authenticated requests here; this file
 * calls only common.c (error answers, the ORDERS gate, the order-count
 * headers) and the simulator's book.
 *
 * Parameters are checked in the venue's order: mandatory fields (-1102),
 * enums, decimals (-1100 / -1111), symbol (-1121), then under the venue
 * lock the ORDERS limit (-1015), filters (-1013) and the book's verdict
 * (-2010 for balance, duplicates and LIMIT_MAKER that would take).
 * Responses are built while the lock is held, because the order they
 * describe lives in the shared book.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
binance_sim_status_name(xg_sim_status s)
{
    switch (s) {
    case XG_SIM_NEW:
        return "NEW";
    case XG_SIM_PARTIALLY_FILLED:
        return "PARTIALLY_FILLED";
    case XG_SIM_FILLED:
        return "FILLED";
    case XG_SIM_CANCELED:
        return "CANCELED";
    case XG_SIM_EXPIRED:
        return "EXPIRED";
    }
    return "NEW";
}

static const char *
binance_sim_type_name(xg_sim_type t)
{
    switch (t) {
    case XG_SIM_LIMIT:
        return "LIMIT";
    case XG_SIM_MARKET:
        return "MARKET";
    case XG_SIM_LIMIT_MAKER:
        return "LIMIT_MAKER";
    }
    return "LIMIT";
}

static const char *
binance_sim_tif_name(xg_sim_tif t)
{
    switch (t) {
    case XG_SIM_GTC:
        return "GTC";
    case XG_SIM_IOC:
        return "IOC";
    case XG_SIM_FOK:
        return "FOK";
    }
    return "GTC";
}

static void
binance_sim_illegal(xg_sim_response *resp, const char *param, const char *range)
{
    char msg[200];

    snprintf(msg, sizeof(msg),
             "Illegal characters found in parameter '%s'; legal range is "
             "'%s'.",
             param, range);
    binance_sim_error(resp, 400, -1100, msg, "rejected");
}

static void
binance_sim_not_required(xg_sim_response *resp, const char *param)
{
    char msg[120];

    snprintf(msg, sizeof(msg), "Parameter '%s' sent when not required.", param);
    binance_sim_error(resp, 400, -1106, msg, "rejected");
}

/* A decimal parameter; false with resp set when malformed. */
static bool
binance_sim_decimal(xg_sim_response *resp, const char *param, const char *text,
                    int64_t *out)
{
    char msg[120];
    xg_err err = xg_sim_fixed_parse(text, out);

    if (err == XG_ERR_PRECISION) {
        snprintf(msg, sizeof(msg), "Parameter '%s' has too much precision.",
                 param);
        binance_sim_error(resp, 400, -1111, msg, "rejected");
        return false;
    }
    if (err != XG_OK) {
        binance_sim_illegal(resp, param, "^([0-9]{1,20})(\\.[0-9]{1,20})?$");
        return false;
    }
    return true;
}

typedef enum binance_resp_type {
    BINANCE_ACK,
    BINANCE_RESULT,
    BINANCE_FULL
} binance_resp_type;

/* The fields RESULT, FULL, query and cancel answers share. */
static void
binance_sim_order_fields(const xg_sim_book *b, const xg_sim_order *o, json_t *j)
{
    char price[XG_SIM_FIXED_BUFSZ];
    char qty[XG_SIM_FIXED_BUFSZ];
    char filled[XG_SIM_FIXED_BUFSZ];
    char quote[XG_SIM_FIXED_BUFSZ];

    (void)b;
    xg_sim_fixed_format(o->price, price);
    xg_sim_fixed_format(o->qty, qty);
    xg_sim_fixed_format(o->filled, filled);
    xg_sim_fixed_format(o->quote_filled, quote);
    json_object_set_new(j, "price", json_string(price));
    json_object_set_new(j, "origQty", json_string(qty));
    json_object_set_new(j, "executedQty", json_string(filled));
    json_object_set_new(j, "origQuoteOrderQty", json_string("0.00000000"));
    json_object_set_new(j, "cummulativeQuoteQty", json_string(quote));
    json_object_set_new(j, "status",
                        json_string(binance_sim_status_name(o->status)));
    json_object_set_new(j, "timeInForce",
                        json_string(binance_sim_tif_name(o->tif)));
    json_object_set_new(j, "type", json_string(binance_sim_type_name(o->type)));
    json_object_set_new(j, "side",
                        json_string(o->side == XG_SIM_BUY ? "BUY" : "SELL"));
}

/* FULL's fills[]: the order's fills, oldest first, each with its
 * commission in the asset the venue charges (the one received). An order
 * with more fills than the history still holds lists the newest. */
static json_t *
binance_sim_fills_json(const xg_sim_book *b, const xg_sim_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    json_t *fills = json_array();
    char price[XG_SIM_FIXED_BUFSZ];
    char qty[XG_SIM_FIXED_BUFSZ];
    char fee[XG_SIM_FIXED_BUFSZ];

    for (const xg_sim_fill *f = xg_sim_book_fill(b, o->last_fill_seq);
         fills != NULL && f != NULL;
         f = xg_sim_book_fill(b, f->prev_order_seq)) {
        xg_sim_fixed_format(f->price, price);
        xg_sim_fixed_format(f->qty, qty);
        xg_sim_fixed_format(f->fee, fee);
        json_array_insert_new(fills, 0,
                              json_pack("{ss ss ss ss sI}", "price", price,
                                        "qty", qty, "commission", fee,
                                        "commissionAsset",
                                        f->is_fee_quote ? in->quote : in->base,
                                        "tradeId", (json_int_t)f->trade_id));
    }
    return fills;
}

static json_t *
binance_sim_new_order_json(const xg_sim_book *b, const xg_sim_order *o,
                           binance_resp_type rt)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    json_t *j =
        json_pack("{ss sI si ss sI}", "symbol", in->symbol, "orderId",
                  (json_int_t)o->order_id, "orderListId", -1, "clientOrderId",
                  o->client_id, "transactTime", (json_int_t)o->time_ms);

    if (j == NULL || rt == BINANCE_ACK) {
        return j;
    }
    binance_sim_order_fields(b, o, j);
    json_object_set_new(j, "workingTime", json_integer(o->time_ms));
    json_object_set_new(j, "selfTradePreventionMode",
                        json_string("EXPIRE_MAKER"));
    if (rt == BINANCE_FULL) {
        json_object_set_new(j, "fills", binance_sim_fills_json(b, o));
    }
    return j;
}

json_t *
binance_sim_query_json(const xg_sim_book *b, const xg_sim_order *o)
{
    json_t *j = json_pack("{ss sI si ss}", "symbol",
                          b->instruments[o->instrument].symbol, "orderId",
                          (json_int_t)o->order_id, "orderListId", -1,
                          "clientOrderId", o->client_id);

    if (j == NULL) {
        return NULL;
    }
    binance_sim_order_fields(b, o, j);
    json_object_set_new(j, "stopPrice", json_string("0.00000000"));
    json_object_set_new(j, "icebergQty", json_string("0.00000000"));
    json_object_set_new(j, "time", json_integer(o->time_ms));
    json_object_set_new(j, "updateTime", json_integer(o->update_ms));
    json_object_set_new(j, "isWorking", json_true());
    json_object_set_new(j, "workingTime", json_integer(o->time_ms));
    json_object_set_new(j, "selfTradePreventionMode",
                        json_string("EXPIRE_MAKER"));
    return j;
}

/* ---- new order ----------------------------------------------------------- */

typedef struct binance_order_req {
    xg_sim_new_order o;
    int64_t quote_qty; /* MARKET by quoteOrderQty, else 0 */
    binance_resp_type rt;
} binance_order_req;

static bool
binance_sim_parse_enums(const binance_call *c, binance_order_req *r)
{
    const char *side = xg_sim_params_get(c->params, "side");
    const char *type = xg_sim_params_get(c->params, "type");
    const char *tif = xg_sim_params_get(c->params, "timeInForce");
    const char *rt = xg_sim_params_get(c->params, "newOrderRespType");

    if (side == NULL || side[0] == '\0') {
        binance_sim_missing(c->resp, "side");
        return false;
    }
    if (type == NULL || type[0] == '\0') {
        binance_sim_missing(c->resp, "type");
        return false;
    }
    if (strcmp(side, "BUY") == 0) {
        r->o.side = XG_SIM_BUY;
    } else if (strcmp(side, "SELL") == 0) {
        r->o.side = XG_SIM_SELL;
    } else {
        binance_sim_error(c->resp, 400, -1117, "Invalid side.", "rejected");
        return false;
    }
    if (strcmp(type, "LIMIT") == 0) {
        r->o.type = XG_SIM_LIMIT;
    } else if (strcmp(type, "MARKET") == 0) {
        r->o.type = XG_SIM_MARKET;
    } else if (strcmp(type, "LIMIT_MAKER") == 0) {
        r->o.type = XG_SIM_LIMIT_MAKER;
    } else {
        /* STOP_LOSS and friends exist on the venue but not in xgsim. */
        binance_sim_error(c->resp, 400, -1116, "Invalid orderType.",
                          "rejected");
        return false;
    }
    r->o.tif = XG_SIM_GTC;
    if (r->o.type == XG_SIM_LIMIT) {
        if (tif == NULL || tif[0] == '\0') {
            binance_sim_missing(c->resp, "timeInForce");
            return false;
        }
        if (strcmp(tif, "GTC") == 0) {
            r->o.tif = XG_SIM_GTC;
        } else if (strcmp(tif, "IOC") == 0) {
            r->o.tif = XG_SIM_IOC;
        } else if (strcmp(tif, "FOK") == 0) {
            r->o.tif = XG_SIM_FOK;
        } else {
            binance_sim_error(c->resp, 400, -1115, "Invalid timeInForce.",
                              "rejected");
            return false;
        }
    } else if (tif != NULL) {
        binance_sim_not_required(c->resp, "timeInForce");
        return false;
    }
    /* LIMIT and MARKET default to FULL, others to ACK (fact sheet). */
    r->rt = r->o.type == XG_SIM_LIMIT_MAKER ? BINANCE_ACK : BINANCE_FULL;
    if (rt != NULL) {
        if (strcmp(rt, "ACK") == 0) {
            r->rt = BINANCE_ACK;
        } else if (strcmp(rt, "RESULT") == 0) {
            r->rt = BINANCE_RESULT;
        } else if (strcmp(rt, "FULL") == 0) {
            r->rt = BINANCE_FULL;
        } else {
            binance_sim_illegal(c->resp, "newOrderRespType", "ACK|RESULT|FULL");
            return false;
        }
    }
    return true;
}

static bool
binance_sim_parse_amounts(const binance_call *c, binance_order_req *r)
{
    const char *qty = xg_sim_params_get(c->params, "quantity");
    const char *price = xg_sim_params_get(c->params, "price");
    const char *quote = xg_sim_params_get(c->params, "quoteOrderQty");

    if (r->o.type == XG_SIM_MARKET) {
        if (price != NULL) {
            binance_sim_not_required(c->resp, "price");
            return false;
        }
        if ((qty == NULL) == (quote == NULL)) {
            binance_sim_error(
                c->resp, 400, -1102,
                "Param 'quantity' or 'quoteOrderQty' must be sent, "
                "but both were empty/null!",
                "rejected");
            return false;
        }
        if (quote != NULL) {
            return binance_sim_decimal(c->resp, "quoteOrderQty", quote,
                                       &r->quote_qty);
        }
        return binance_sim_decimal(c->resp, "quantity", qty, &r->o.qty);
    }
    if (qty == NULL || qty[0] == '\0') {
        binance_sim_missing(c->resp, "quantity");
        return false;
    }
    if (price == NULL || price[0] == '\0') {
        binance_sim_missing(c->resp, "price");
        return false;
    }
    if (quote != NULL) {
        binance_sim_not_required(c->resp, "quoteOrderQty");
        return false;
    }
    return binance_sim_decimal(c->resp, "quantity", qty, &r->o.qty) &&
           binance_sim_decimal(c->resp, "price", price, &r->o.price);
}

static void
binance_sim_place_locked(const binance_call *c, binance_order_req *r)
{
    xg_sim_book *b = &c->v->book;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;
    xg_sim_filter f = XG_SIM_FILTER_OK;
    static const char *const filter_msg[] = {"", "Filter failure: PRICE_FILTER",
                                             "Filter failure: LOT_SIZE",
                                             "Filter failure: NOTIONAL"};

    if (!binance_sim_orders_gate(c)) {
        return;
    }
    if (r->quote_qty > 0) {
        const xg_sim_instrument *in = &b->instruments[r->o.instrument];
        if (r->o.side == XG_SIM_BUY) {
            /* quoteOrderQty on a buy: what that much quote buys from the
             * book, level by level, each rounded down to the lot step. */
            xg_sim_book_quote_qty(b, c->account, r->o.instrument, r->quote_qty,
                                  c->now_ms, &r->o.qty);
        } else {
            /* On a sell: the quantity worth that much at the best bid. */
            int64_t bid = xg_sim_book_best(b, r->o.instrument, XG_SIM_BUY);
            int64_t q = 0;
            if (bid > 0 && xg_sim_fixed_div(r->quote_qty, bid, &q) == XG_OK) {
                r->o.qty = q - q % in->step;
            }
        }
    }
    f = xg_sim_book_check_filters(b, &r->o);
    if (f != XG_SIM_FILTER_OK) {
        binance_sim_error(c->resp, 400, -1013, filter_msg[f], "rejected");
        return;
    }
    if (xg_sim_book_place(b, &r->o, c->now_ms, &result, &ord) != XG_OK) {
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    switch (result) {
    case XG_SIM_PLACED:
        break;
    case XG_SIM_DUPLICATE:
        binance_sim_error(c->resp, 400, -2010, "Duplicate order sent.",
                          "rejected");
        return;
    case XG_SIM_INSUFFICIENT:
        binance_sim_error(c->resp, 400, -2010,
                          "Account has insufficient balance for requested "
                          "action.",
                          "rejected");
        return;
    case XG_SIM_WOULD_TAKE:
        binance_sim_error(c->resp, 400, -2010,
                          "Order would immediately match and take.",
                          "rejected");
        return;
    case XG_SIM_TOO_LARGE:
    case XG_SIM_QTY_FILLED: /* only for a carried replace */
        binance_sim_error(c->resp, 400, -1013,
                          filter_msg[XG_SIM_FILTER_NOTIONAL], "rejected");
        return;
    }
    xg_sim_account *a = &b->accounts[c->account];
    xg_sim_window_add(&a->windows[BINANCE_AW_ORDERS], c->now_ms, 1);
    xg_sim_window_add(&a->windows[BINANCE_AW_ORDERS_DAY], c->now_ms, 1);
    xg_sim_response_client_id(c->resp, ord->client_id);
    xg_sim_response_json(c->resp, 200,
                         binance_sim_new_order_json(b, ord, r->rt));
    c->resp->outcome = ord->status == XG_SIM_EXPIRED ? "expired" : "placed";
}

void
binance_sim_new_order(const binance_call *c)
{
    binance_order_req r;
    const char *id = xg_sim_params_get(c->params, "newClientOrderId");

    memset(&r, 0, sizeof(r));
    r.o.account = c->account;
    xg_sim_response_client_id(c->resp, id);
    if (!binance_sim_symbol(c, &r.o.instrument) ||
        !binance_sim_parse_enums(c, &r) || !binance_sim_parse_amounts(c, &r)) {
        return;
    }
    if (id != NULL && !xg_sim_is_plain_id(id, 36)) {
        binance_sim_illegal(c->resp, "newClientOrderId",
                            "^[a-zA-Z0-9-_]{1,36}$");
        return;
    }
    r.o.client_id = id;
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    binance_sim_place_locked(c, &r);
    binance_sim_order_count_headers(c);
    xg_sim_venue_unlock(c->v);
}

/* ---- cancel and query ------------------------------------------------------
 */

/* The order named by orderId / origClientOrderId on the symbol, lock
 * held. NULL with *missing true when neither parameter was sent, or
 * *bad true when orderId is not a number. */
static xg_sim_order *
binance_sim_lookup(const binance_call *c, size_t inst, bool *missing, bool *bad)
{
    const char *id = xg_sim_params_get(c->params, "orderId");
    const char *cid = xg_sim_params_get(c->params, "origClientOrderId");
    xg_sim_order *o = NULL;

    *missing = false;
    *bad = false;
    if ((id == NULL || id[0] == '\0') && (cid == NULL || cid[0] == '\0')) {
        *missing = true;
        return NULL;
    }
    if (id != NULL && id[0] != '\0') {
        int64_t n = 0;
        for (const char *p = id; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10) {
                *bad = true;
                return NULL;
            }
            n = n * 10 + (*p - '0');
        }
        o = xg_sim_book_by_id(&c->v->book, c->account, n);
        /* Both given: they must name the same order. */
        if (o != NULL && cid != NULL && cid[0] != '\0' &&
            strcmp(o->client_id, cid) != 0) {
            o = NULL;
        }
    } else {
        o = xg_sim_book_by_client_id(&c->v->book, c->account, cid);
    }
    return o != NULL && o->instrument == inst ? o : NULL;
}

static bool
binance_sim_lookup_errors(const binance_call *c, bool missing, bool bad)
{
    if (missing) {
        binance_sim_error(
            c->resp, 400, -1102,
            "Param 'origClientOrderId' or 'orderId' must be sent, "
            "but both were empty/null!",
            "rejected");
        return true;
    }
    if (bad) {
        binance_sim_illegal(c->resp, "orderId", "^[0-9]{1,20}$");
        return true;
    }
    return false;
}

static json_t *
binance_sim_cancel_json(const binance_call *c, const xg_sim_order *o,
                        const char *cancel_id)
{
    const xg_sim_book *b = &c->v->book;
    char generated[32];
    json_t *j = NULL;

    if (cancel_id == NULL || cancel_id[0] == '\0') {
        snprintf(generated, sizeof(generated), "xgsimcancel%lld",
                 (long long)o->order_id);
        cancel_id = generated;
    }
    j = json_pack("{ss ss sI si ss sI}", "symbol",
                  b->instruments[o->instrument].symbol, "origClientOrderId",
                  o->client_id, "orderId", (json_int_t)o->order_id,
                  "orderListId", -1, "clientOrderId", cancel_id, "transactTime",
                  (json_int_t)c->now_ms);
    if (j != NULL) {
        binance_sim_order_fields(b, o, j);
        json_object_set_new(j, "selfTradePreventionMode",
                            json_string("EXPIRE_MAKER"));
    }
    return j;
}

void
binance_sim_cancel_order(const binance_call *c)
{
    size_t inst = 0;
    bool missing = false;
    bool bad = false;
    xg_sim_order *o = NULL;
    const char *cancel_id = xg_sim_params_get(c->params, "newClientOrderId");

    xg_sim_response_client_id(
        c->resp, xg_sim_params_get(c->params, "origClientOrderId"));
    if (!binance_sim_symbol(c, &inst)) {
        return;
    }
    if (cancel_id != NULL && !xg_sim_is_plain_id(cancel_id, 36)) {
        binance_sim_illegal(c->resp, "newClientOrderId",
                            "^[a-zA-Z0-9-_]{1,36}$");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = binance_sim_lookup(c, inst, &missing, &bad);
    if (binance_sim_lookup_errors(c, missing, bad)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    if (o == NULL || xg_sim_book_cancel(&c->v->book, o, c->now_ms) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 400, -2011, "Unknown order sent.",
                          "rejected");
        return;
    }
    xg_sim_response_client_id(c->resp, o->client_id);
    xg_sim_response_json(c->resp, 200,
                         binance_sim_cancel_json(c, o, cancel_id));
    c->resp->outcome = "canceled";
    xg_sim_venue_unlock(c->v);
}

void
binance_sim_query_order(const binance_call *c)
{
    size_t inst = 0;
    bool missing = false;
    bool bad = false;
    xg_sim_order *o = NULL;

    xg_sim_response_client_id(
        c->resp, xg_sim_params_get(c->params, "origClientOrderId"));
    if (!binance_sim_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = binance_sim_lookup(c, inst, &missing, &bad);
    if (binance_sim_lookup_errors(c, missing, bad)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    if (o == NULL) {
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 400, -2013, "Order does not exist.",
                          "rejected");
        return;
    }
    xg_sim_response_client_id(c->resp, o->client_id);
    xg_sim_response_json(c->resp, 200, binance_sim_query_json(&c->v->book, o));
    c->resp->outcome = "queried";
    xg_sim_venue_unlock(c->v);
}

/* ---- open orders, cancel all, account -------------------------------------
 */

static int
binance_sim_cmp_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a;
    size_t y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

/* Sorted indices of the account's open orders (on inst, or all when
 * all_symbols), lock held. Given: *out, free with free(). */
static xg_err
binance_sim_collect_open(const binance_call *c, size_t inst, bool all_symbols,
                         size_t **out, size_t *n)
{
    const xg_sim_book *b = &c->v->book;
    size_t *idx = malloc((b->nopen + 1) * sizeof(*idx));
    size_t k = 0;

    if (idx == NULL) {
        return XG_ERR_NOMEM;
    }
    for (size_t i = 0; i < b->nopen; i++) {
        const xg_sim_order *o = &b->orders[b->open[i]];
        if (o->account == c->account &&
            (all_symbols || o->instrument == inst)) {
            idx[k++] = b->open[i];
        }
    }
    qsort(idx, k, sizeof(*idx), binance_sim_cmp_index);
    *out = idx;
    *n = k;
    return XG_OK;
}

void
binance_sim_open_orders(const binance_call *c)
{
    const char *symbol = xg_sim_params_get(c->params, "symbol");
    size_t inst = 0;
    size_t *idx = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    if (symbol != NULL && !binance_sim_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (binance_sim_collect_open(c, inst, symbol == NULL, &idx, &n) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++) {
        json_array_append_new(
            arr,
            binance_sim_query_json(&c->v->book, &c->v->book.orders[idx[i]]));
    }
    xg_sim_venue_unlock(c->v);
    free(idx);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "queried";
}

void
binance_sim_cancel_all(const binance_call *c)
{
    size_t inst = 0;
    size_t *idx = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    if (!binance_sim_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (binance_sim_collect_open(c, inst, false, &idx, &n) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    if (n == 0) {
        xg_sim_venue_unlock(c->v);
        free(idx);
        binance_sim_error(c->resp, 400, -2011, "Unknown order sent.",
                          "rejected");
        return;
    }
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        xg_sim_order *o = &c->v->book.orders[idx[i]];
        if (xg_sim_book_cancel(&c->v->book, o, c->now_ms) == XG_OK &&
            arr != NULL) {
            json_array_append_new(arr, binance_sim_cancel_json(c, o, NULL));
        }
    }
    xg_sim_venue_unlock(c->v);
    free(idx);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "canceled";
}

void
binance_sim_account(const binance_call *c)
{
    const char *omit = xg_sim_params_get(c->params, "omitZeroBalances");
    bool omit_zero = omit != NULL && strcmp(omit, "true") == 0;
    json_t *bals = json_array();
    char free_s[XG_SIM_FIXED_BUFSZ];
    char locked_s[XG_SIM_FIXED_BUFSZ];
    char maker_s[XG_SIM_FIXED_BUFSZ];
    char taker_s[XG_SIM_FIXED_BUFSZ];

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_book_config *cfg = &c->v->book.config;
    /* Rates: millionths -> a decimal fraction (scale 8), and the
     * integer basis points of the older fields. */
    xg_sim_fixed_format(cfg->maker_fee_ppm * 100, maker_s);
    xg_sim_fixed_format(cfg->taker_fee_ppm * 100, taker_s);
    int maker_bp = (int)(cfg->maker_fee_ppm / 100);
    int taker_bp = (int)(cfg->taker_fee_ppm / 100);
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    for (size_t i = 0; bals != NULL && i < a->nbalances; i++) {
        const xg_sim_balance *bal = &a->balances[i];
        if (omit_zero && bal->free == 0 && bal->locked == 0) {
            continue;
        }
        xg_sim_fixed_format(bal->free, free_s);
        xg_sim_fixed_format(bal->locked, locked_s);
        json_array_append_new(bals,
                              json_pack("{ss ss ss}", "asset", bal->asset,
                                        "free", free_s, "locked", locked_s));
    }
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{si si si si s{ssssssss} sb sb sb sb sb sb sI ss so* "
                  "s[s] si}",
                  "makerCommission", maker_bp, "takerCommission", taker_bp,
                  "buyerCommission", 0, "sellerCommission", 0,
                  "commissionRates", "maker", maker_s, "taker", taker_s,
                  "buyer", "0.00000000", "seller", "0.00000000", "canTrade", 1,
                  "canWithdraw", 0, "canDeposit", 0, "brokered", 0,
                  "requireSelfTradePrevention", 0, "preventSor", 0,
                  "updateTime", (json_int_t)c->now_ms, "accountType", "SPOT",
                  "balances", bals, "permissions", "SPOT", "uid",
                  (int)(c->account + 1)));
    c->resp->outcome = "queried";
}
