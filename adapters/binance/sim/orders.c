/*
 * orders.c - xgsim's Binance dialect: the endpoints of one order (new,
 * cancel, query, amend, cancel-replace), per the Binance fact sheet
 * (binance.md) and, for amend and cancel-replace, Binance's rest-api.md
 * and errors.md. dialect.c routes authenticated requests here; this file
 * calls only common.c (error answers, the ORDERS gate, the order-count
 * headers) and the simulator's book. The account's lists and balances
 * are account.c's.
 *
 * Parameters are checked in the venue's order: mandatory fields (-1102),
 * enums, decimals (-1100 / -1111), symbol (-1121), then under the venue
 * lock the ORDERS limit (-1015), filters (-1013) and the book's verdict
 * (-2010 for balance, duplicates and LIMIT_MAKER that would take; -2038
 * for an amend). Responses are built while the lock is held, because the
 * order they describe lives in the shared book.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
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

const char *
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

const char *
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

/* status, timeInForce, type and side, which every full order shape ends
 * with. */
static void
binance_sim_order_kind_fields(const xg_sim_order *o, json_t *j)
{
    json_object_set_new(j, "status",
                        json_string(binance_sim_status_name(o->status)));
    json_object_set_new(j, "timeInForce",
                        json_string(binance_sim_tif_name(o->tif)));
    json_object_set_new(j, "type", json_string(binance_sim_type_name(o->type)));
    json_object_set_new(j, "side",
                        json_string(o->side == XG_SIM_BUY ? "BUY" : "SELL"));
}

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
    binance_sim_order_kind_fields(o, j);
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

static const char *const binance_sim_filter_msg[] = {
    [XG_SIM_FILTER_OK] = "",
    [XG_SIM_FILTER_PRICE] = "Filter failure: PRICE_FILTER",
    [XG_SIM_FILTER_LOT] = "Filter failure: LOT_SIZE",
    [XG_SIM_FILTER_NOTIONAL] = "Filter failure: NOTIONAL"};

/* The -1013 of the filter o breaks; false when it breaks none. */
static bool
binance_sim_filter_refused(const binance_call *c, const xg_sim_new_order *o)
{
    xg_sim_filter f = xg_sim_book_check_filters(&c->v->book, o);

    if (f == XG_SIM_FILTER_OK) {
        return false;
    }
    binance_sim_error(c->resp, 400, -1013, binance_sim_filter_msg[f],
                      "rejected");
    return true;
}

/* The matching engine's refusal of a placement the book did not accept:
 * false for XG_SIM_PLACED, else true with the code and message Binance
 * answers it with. */
static bool
binance_sim_place_refusal(xg_sim_place_result result, int *code,
                          const char **msg)
{
    *code = -2010;
    switch (result) {
    case XG_SIM_PLACED:
        return false;
    case XG_SIM_DUPLICATE:
        *msg = "Duplicate order sent.";
        return true;
    case XG_SIM_INSUFFICIENT:
        *msg = "Account has insufficient balance for requested action.";
        return true;
    case XG_SIM_WOULD_TAKE:
        *msg = "Order would immediately match and take.";
        return true;
    case XG_SIM_TOO_LARGE:
    case XG_SIM_QTY_FILLED: /* only for a carried replace */
        break;
    }
    *code = -1013;
    *msg = binance_sim_filter_msg[XG_SIM_FILTER_NOTIONAL];
    return true;
}

/* The quantity a MARKET order by quoteOrderQty stands for, then the
 * filters (lock held). False with the -1013 in resp. */
static bool
binance_sim_order_fits(const binance_call *c, binance_order_req *r)
{
    xg_sim_book *b = &c->v->book;

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
    return !binance_sim_filter_refused(c, &r->o);
}

/* One more order on the account's unfilled-order count (lock held). */
static void
binance_sim_count_order(const binance_call *c)
{
    xg_sim_account *a = &c->v->book.accounts[c->account];

    xg_sim_window_add(&a->windows[BINANCE_AW_ORDERS], c->now_ms, 1);
    xg_sim_window_add(&a->windows[BINANCE_AW_ORDERS_DAY], c->now_ms, 1);
}

static void
binance_sim_place_locked(const binance_call *c, binance_order_req *r)
{
    xg_sim_book *b = &c->v->book;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;
    int code = 0;
    const char *msg = NULL;

    if (!binance_sim_orders_gate(c) || !binance_sim_order_fits(c, r)) {
        return;
    }
    if (xg_sim_book_place(b, &r->o, c->now_ms, &result, &ord) != XG_OK) {
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    if (binance_sim_place_refusal(result, &code, &msg)) {
        binance_sim_error(c->resp, 400, code, msg, "rejected");
        return;
    }
    binance_sim_count_order(c);
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

/* The parameters that name the order a request is about: orderId and
 * origClientOrderId, or cancelReplace's cancelOrderId and
 * cancelOrigClientOrderId. */
typedef struct binance_order_ref {
    const char *id;
    const char *client_id;
} binance_order_ref;

static const binance_order_ref binance_ref_order = {"orderId",
                                                    "origClientOrderId"};
static const binance_order_ref binance_ref_cancel = {"cancelOrderId",
                                                     "cancelOrigClientOrderId"};

/* The order named by ref's parameters on the symbol, lock held. NULL with
 * *missing true when neither parameter was sent, or *bad true when the
 * order id is not a number. */
static xg_sim_order *
binance_sim_lookup(const binance_call *c, const binance_order_ref *ref,
                   size_t inst, bool *missing, bool *bad)
{
    const char *id = xg_sim_params_get(c->params, ref->id);
    const char *cid = xg_sim_params_get(c->params, ref->client_id);
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
binance_sim_lookup_errors(const binance_call *c, const binance_order_ref *ref,
                          bool missing, bool bad)
{
    char msg[160];

    if (missing) {
        snprintf(msg, sizeof(msg),
                 "Param '%s' or '%s' must be sent, but both were "
                 "empty/null!",
                 ref->client_id, ref->id);
        binance_sim_error(c->resp, 400, -1102, msg, "rejected");
        return true;
    }
    if (bad) {
        binance_sim_illegal(c->resp, ref->id, "^[0-9]{1,20}$");
        return true;
    }
    return false;
}

void
binance_sim_cancel_id(const xg_sim_order *o, char out[32])
{
    snprintf(out, 32, "xgsimcancel%lld", (long long)o->order_id);
}

json_t *
binance_sim_cancel_json(const binance_call *c, const xg_sim_order *o,
                        const char *cancel_id)
{
    const xg_sim_book *b = &c->v->book;
    char generated[32];
    json_t *j = NULL;

    if (cancel_id == NULL || cancel_id[0] == '\0') {
        binance_sim_cancel_id(o, generated);
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
    o = binance_sim_lookup(c, &binance_ref_order, inst, &missing, &bad);
    if (binance_sim_lookup_errors(c, &binance_ref_order, missing, bad)) {
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
    o = binance_sim_lookup(c, &binance_ref_order, inst, &missing, &bad);
    if (binance_sim_lookup_errors(c, &binance_ref_order, missing, bad)) {
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

/* ---- amend (keepPriority) ------------------------------------------------ */

/* -2038 ORDER_AMEND_REJECTED with the matching engine's message
 * (errors.md). */
static void
binance_sim_amend_refused(const binance_call *c, const char *msg)
{
    binance_sim_error(c->resp, 400, -2038, msg, "rejected");
}

/* keepPriority's answer (rest-api.md): the order as it now stands, with
 * the client id it had before (origClientOrderId) and has now
 * (clientOrderId), its quantity as "qty" and its quote executed as
 * "cumulativeQuoteQty". xgsim numbers no executions but trades, so
 * executionId is the book's latest trade id. */
static json_t *
binance_sim_amended_json(const binance_call *c, const xg_sim_order *o)
{
    const xg_sim_book *b = &c->v->book;
    char price[XG_SIM_FIXED_BUFSZ];
    char qty[XG_SIM_FIXED_BUFSZ];
    char filled[XG_SIM_FIXED_BUFSZ];
    char quote[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format(o->price, price);
    xg_sim_fixed_format(o->qty, qty);
    xg_sim_fixed_format(o->filled, filled);
    xg_sim_fixed_format(o->quote_filled, quote);
    json_t *j = json_pack(
        "{ss sI si ss ss ss ss ss ss ss ss}", "symbol",
        b->instruments[o->instrument].symbol, "orderId",
        (json_int_t)o->order_id, "orderListId", -1, "origClientOrderId",
        o->client_id, "clientOrderId", o->client_id, "price", price, "qty", qty,
        "executedQty", filled, "preventedQty", "0.00000000", "quoteOrderQty",
        "0.00000000", "cumulativeQuoteQty", quote);
    if (j == NULL) {
        return NULL;
    }
    binance_sim_order_kind_fields(o, j);
    json_object_set_new(j, "workingTime", json_integer(o->time_ms));
    json_object_set_new(j, "selfTradePreventionMode",
                        json_string("EXPIRE_MAKER"));
    return json_pack("{sI sI so}", "transactTime", (json_int_t)c->now_ms,
                     "executionId", (json_int_t)b->next_trade_id,
                     "amendedOrder", j);
}

/* newQty against the open order o (lock held): below its quantity, within
 * the filters, and above what it executed. False with resp set. */
static bool
binance_sim_amend_checks(const binance_call *c, const xg_sim_order *o,
                         int64_t qty)
{
    xg_sim_new_order as_new = {.account = o->account,
                               .instrument = o->instrument,
                               .side = o->side,
                               .type = o->type,
                               .tif = o->tif,
                               .price = o->price,
                               .qty = qty};

    if (qty == o->qty) {
        binance_sim_amend_refused(
            c, "The requested action would change no state; rejecting.");
        return false;
    }
    if (qty > o->qty) {
        binance_sim_amend_refused(
            c, "Order amend (quantity increase) is not supported.");
        return false;
    }
    if (binance_sim_filter_refused(c, &as_new)) {
        return false;
    }
    /* Binance does not document this case; xgsim's own text
     * (docs/simulator.md). */
    if (qty <= o->filled) {
        binance_sim_amend_refused(
            c, "Order amend to at most the executed quantity is not "
               "supported (xgsim).");
        return false;
    }
    return true;
}

/* PUT /api/v3/order/amend/keepPriority: lower an open order's quantity in
 * place; it keeps its id and its place in the queue. Weight 4, nothing on
 * the unfilled-order count (rest-api.md). */
void
binance_sim_amend_order(const binance_call *c)
{
    size_t inst = 0;
    bool missing = false;
    bool bad = false;
    int64_t qty = 0;
    xg_sim_order *o = NULL;
    xg_sim_place_result result = XG_SIM_PLACED;
    const char *new_qty = xg_sim_params_get(c->params, "newQty");
    const char *new_id = xg_sim_params_get(c->params, "newClientOrderId");

    xg_sim_response_client_id(
        c->resp, xg_sim_params_get(c->params, "origClientOrderId"));
    if (!binance_sim_symbol(c, &inst)) {
        return;
    }
    if (new_qty == NULL || new_qty[0] == '\0') {
        binance_sim_missing(c->resp, "newQty");
        return;
    }
    if (!binance_sim_decimal(c->resp, "newQty", new_qty, &qty)) {
        return;
    }
    if (new_id != NULL && !xg_sim_is_plain_id(new_id, 36)) {
        binance_sim_illegal(c->resp, "newClientOrderId",
                            "^[a-zA-Z0-9-_]{1,36}$");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = binance_sim_lookup(c, &binance_ref_order, inst, &missing, &bad);
    if (binance_sim_lookup_errors(c, &binance_ref_order, missing, bad)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    if (o == NULL || !xg_sim_order_is_open(o)) {
        xg_sim_venue_unlock(c->v);
        binance_sim_amend_refused(c, "Unknown order sent.");
        return;
    }
    /* The book keeps an order's client id for good: a new one is not
     * simulated (docs/simulator.md). */
    if (new_id != NULL && strcmp(new_id, o->client_id) != 0) {
        xg_sim_venue_unlock(c->v);
        binance_sim_illegal(c->resp, "newClientOrderId",
                            "the order's clientOrderId (xgsim)");
        return;
    }
    if (!binance_sim_amend_checks(c, o, qty)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    if (xg_sim_book_amend(&c->v->book, o, o->price, qty, c->now_ms, &result) !=
            XG_OK ||
        result != XG_SIM_PLACED) {
        /* The checks above leave the book nothing to refuse. */
        xg_sim_venue_unlock(c->v);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    xg_sim_response_client_id(c->resp, o->client_id);
    xg_sim_response_json(c->resp, 200, binance_sim_amended_json(c, o));
    c->resp->outcome = "amended";
    xg_sim_venue_unlock(c->v);
}

/* ---- cancel-replace ------------------------------------------------------ */

/* {"code", "msg"} of one failed half of a cancel-replace. */
static json_t *
binance_sim_half_error(int code, const char *msg)
{
    return json_pack("{si ss}", "code", code, "msg", msg);
}

/* The answer of a cancel-replace whose cancel went through or not
 * (cancel: the canceled order, or the cancel's error) and whose new order
 * was placed, refused or not attempted (fresh: the order, its error, or
 * NULL), per rest-api.md's table: 200 both done, 409 -2021 one done, 400
 * -2022 neither. Both references are taken. */
static void
binance_sim_replace_answer(const binance_call *c, bool cancel_ok,
                           json_t *cancel, const char *new_result,
                           json_t *fresh)
{
    bool new_ok = strcmp(new_result, "SUCCESS") == 0;
    json_t *body = json_pack(
        "{ss ss so so}", "cancelResult", cancel_ok ? "SUCCESS" : "FAILURE",
        "newOrderResult", new_result, "cancelResponse",
        cancel != NULL ? cancel : json_null(), "newOrderResponse",
        fresh != NULL ? fresh : json_null());

    if (cancel_ok && new_ok) {
        xg_sim_response_json(c->resp, 200, body);
        c->resp->outcome = "replaced";
    } else if (cancel_ok || new_ok) {
        binance_sim_error_data(c->resp, 409, -2021,
                               "Order cancel-replace partially failed.", body,
                               cancel_ok ? "canceled" : "placed");
    } else {
        binance_sim_error_data(c->resp, 400, -2022,
                               "Order cancel-replace failed.", body,
                               "rejected");
    }
}

/* The new half of a cancel-replace, after its cancel (lock held): placed
 * (answer built before anything else moves the book's orders) or refused
 * with the matching engine's code. */
static void
binance_sim_replace_place(const binance_call *c, binance_order_req *r,
                          bool cancel_ok, json_t *cancel)
{
    xg_sim_book *b = &c->v->book;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;
    int code = 0;
    const char *msg = NULL;

    if (xg_sim_book_place(b, &r->o, c->now_ms, &result, &ord) != XG_OK) {
        json_decref(cancel);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    if (binance_sim_place_refusal(result, &code, &msg)) {
        binance_sim_replace_answer(c, cancel_ok, cancel, "FAILURE",
                                   binance_sim_half_error(code, msg));
        return;
    }
    binance_sim_replace_answer(c, cancel_ok, cancel, "SUCCESS",
                               binance_sim_new_order_json(b, ord, r->rt));
}

/* cancelReplaceMode: STOP_ON_FAILURE (*stop true) or ALLOW_FAILURE. */
static bool
binance_sim_replace_mode(const binance_call *c, bool *stop)
{
    const char *mode = xg_sim_params_get(c->params, "cancelReplaceMode");

    if (mode == NULL || mode[0] == '\0') {
        binance_sim_missing(c->resp, "cancelReplaceMode");
        return false;
    }
    *stop = strcmp(mode, "STOP_ON_FAILURE") == 0;
    if (!*stop && strcmp(mode, "ALLOW_FAILURE") != 0) {
        binance_sim_illegal(c->resp, "cancelReplaceMode",
                            "STOP_ON_FAILURE|ALLOW_FAILURE");
        return false;
    }
    return true;
}

/*
 * POST /api/v3/order/cancelReplace: cancel an order and place a new one
 * on the same symbol (rest-api.md). The new order's parameters are a new
 * order's; filters and the unfilled-order count are checked before
 * anything is done, and the request counts one order even when the new
 * order is not attempted. The new order starts with nothing executed.
 * Weight 1 (the route table). orderRateLimitExceededMode is always
 * DO_NOTHING: past the ORDERS limit the answer is the plain -1015.
 */
void
binance_sim_cancel_replace(const binance_call *c)
{
    binance_order_req r;
    size_t inst = 0;
    bool missing = false;
    bool bad = false;
    bool stop = true;
    xg_sim_order *o = NULL;
    const char *id = xg_sim_params_get(c->params, "newClientOrderId");
    const char *cancel_id =
        xg_sim_params_get(c->params, "cancelNewClientOrderId");
    const char *bad_id = NULL;

    memset(&r, 0, sizeof(r));
    r.o.account = c->account;
    xg_sim_response_client_id(
        c->resp, xg_sim_params_get(c->params, "cancelOrigClientOrderId"));
    if (!binance_sim_symbol(c, &r.o.instrument) ||
        !binance_sim_parse_enums(c, &r) || !binance_sim_parse_amounts(c, &r) ||
        !binance_sim_replace_mode(c, &stop)) {
        return;
    }
    bad_id = id != NULL && !xg_sim_is_plain_id(id, 36) ? "newClientOrderId"
             : cancel_id != NULL && !xg_sim_is_plain_id(cancel_id, 36)
                 ? "cancelNewClientOrderId"
                 : NULL;
    if (bad_id != NULL) {
        binance_sim_illegal(c->resp, bad_id, "^[a-zA-Z0-9-_]{1,36}$");
        return;
    }
    r.o.client_id = id;
    inst = r.o.instrument;
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = binance_sim_lookup(c, &binance_ref_cancel, inst, &missing, &bad);
    if (!binance_sim_lookup_errors(c, &binance_ref_cancel, missing, bad) &&
        binance_sim_orders_gate(c) && binance_sim_order_fits(c, &r)) {
        binance_sim_count_order(c);
        bool cancel_ok =
            o != NULL && xg_sim_book_cancel(&c->v->book, o, c->now_ms) == XG_OK;
        r.o.replaces = cancel_ok ? o->order_id : 0;
        /* Built now: placing may move the book's orders. */
        json_t *cancel =
            cancel_ok ? binance_sim_cancel_json(c, o, cancel_id)
                      : binance_sim_half_error(-2011, "Unknown order sent.");
        if (!cancel_ok && stop) {
            binance_sim_replace_answer(c, false, cancel, "NOT_ATTEMPTED", NULL);
        } else {
            binance_sim_replace_place(c, &r, cancel_ok, cancel);
        }
    }
    binance_sim_order_count_headers(c);
    xg_sim_venue_unlock(c->v);
}
