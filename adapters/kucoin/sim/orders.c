/*
 * orders.c - xgsim's KuCoin dialect: the HF order endpoints (place,
 * cancel and query by clientOid, active orders), per the KuCoin fact sheet
 * (kucoin.md). dialect.c routes authenticated requests here, with the
 * Spot pool already charged; this file calls only common.c (envelopes,
 * amounts) and the simulator.
 *
 * A new order is a JSON body of strings; it is checked for mandatory
 * fields and enums (400100 with the venue's kind of message), the symbol
 * (400600), the clientOid (never reusable on KuCoin: 126044), then under
 * the venue lock the filters (400100 with the size/price message) and the
 * book's verdict (200004 for balance). HF answers carry no status string:
 * orders are described by active / cancelExist / inOrderBook and the
 * dealt size and funds. Responses are built while the lock is held,
 * because the order they describe lives in the shared book.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* KuCoin order ids are 24 hex digits. */
static void
kucoin_sim_order_id(const xg_sim_order *o, char out[32])
{
    snprintf(out, 32, "%024llx", (unsigned long long)o->order_id);
}

static const char *
kucoin_sim_tif_name(xg_sim_tif t)
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

/* The HF order object (lock held). */
static json_t *
kucoin_sim_order_json(const xg_sim_book *b, const xg_sim_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    bool open = xg_sim_order_is_open(o);
    bool canceled = o->status == XG_SIM_CANCELED || o->status == XG_SIM_EXPIRED;
    char id[32];

    kucoin_sim_order_id(o, id);
    return json_pack(
        "{ss ss ss ss ss ss so so ss so so so ss ss sb sb sb sb sb sI sI}",
        "id", id, "clientOid", o->client_id, "symbol", in->symbol, "opType",
        "DEAL", "type", o->type == XG_SIM_MARKET ? "market" : "limit", "side",
        o->side == XG_SIM_BUY ? "buy" : "sell", "price",
        kucoin_sim_num(o->price), "size", kucoin_sim_num(o->qty), "funds", "0",
        "dealSize", kucoin_sim_num(o->filled), "dealFunds",
        kucoin_sim_num(o->quote_filled), "fee", kucoin_sim_num(o->fee),
        "feeCurrency", xg_sim_order_fee_asset(b, o), "timeInForce",
        kucoin_sim_tif_name(o->tif), "postOnly", o->type == XG_SIM_LIMIT_MAKER,
        "cancelExist", canceled, "inOrderBook", open, "active", open, "hidden",
        0, "createdAt", (json_int_t)o->time_ms, "lastUpdatedAt",
        (json_int_t)o->update_ms);
}

/* The symbol of the request (?symbol=), answering 400100 / 400600 when
 * it is missing or unknown. */
static bool
kucoin_sim_query_symbol(const kucoin_call *c, size_t *inst)
{
    if (c->symbol == NULL || c->symbol[0] == '\0') {
        kucoin_sim_error(c->resp, 400, 400100, "symbol is required",
                         "rejected");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, c->symbol, inst) != XG_OK) {
        kucoin_sim_error(c->resp, 400, 400600, "symbolNotAvailable",
                         "rejected");
        return false;
    }
    return true;
}

/* ---- new order --------------------------------------------------------- */

static const char *
kucoin_sim_field(const json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* Fields of the body into o; false with resp set if any is wrong. */
static bool
kucoin_sim_parse_order(const kucoin_call *c, const json_t *body,
                       xg_sim_new_order *o)
{
    const char *side = kucoin_sim_field(body, "side");
    const char *type = kucoin_sim_field(body, "type");
    const char *symbol = kucoin_sim_field(body, "symbol");
    const char *price = kucoin_sim_field(body, "price");
    const char *size = kucoin_sim_field(body, "size");
    const char *tif = kucoin_sim_field(body, "timeInForce");
    const json_t *post = json_object_get(body, "postOnly");
    char msg[96];

    if (side == NULL || type == NULL || symbol == NULL) {
        snprintf(msg, sizeof(msg), "%s is required",
                 side == NULL   ? "side"
                 : type == NULL ? "type"
                                : "symbol");
        kucoin_sim_error(c->resp, 400, 400100, msg, "rejected");
        return false;
    }
    if (strcmp(side, "buy") == 0) {
        o->side = XG_SIM_BUY;
    } else if (strcmp(side, "sell") == 0) {
        o->side = XG_SIM_SELL;
    } else {
        kucoin_sim_error(c->resp, 400, 400100, "Invalid side", "rejected");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, &o->instrument) !=
        XG_OK) {
        kucoin_sim_error(c->resp, 400, 400600, "symbolNotAvailable",
                         "rejected");
        return false;
    }
    if (size == NULL || xg_sim_fixed_parse(size, &o->qty) != XG_OK ||
        o->qty <= 0) {
        /* Market orders by funds exist on KuCoin but not in xgsim. */
        kucoin_sim_error(c->resp, 400, 400100, "size is invalid", "rejected");
        return false;
    }
    o->tif = XG_SIM_GTC;
    if (strcmp(type, "market") == 0) {
        o->type = XG_SIM_MARKET;
        return true;
    }
    if (strcmp(type, "limit") != 0) {
        kucoin_sim_error(c->resp, 400, 400100, "Invalid type", "rejected");
        return false;
    }
    o->type = XG_SIM_LIMIT;
    if (price == NULL || xg_sim_fixed_parse(price, &o->price) != XG_OK ||
        o->price <= 0) {
        kucoin_sim_error(c->resp, 400, 400100, "price is invalid", "rejected");
        return false;
    }
    if (tif == NULL || strcmp(tif, "GTC") == 0) {
        o->tif = XG_SIM_GTC;
    } else if (strcmp(tif, "IOC") == 0) {
        o->tif = XG_SIM_IOC;
    } else if (strcmp(tif, "FOK") == 0) {
        o->tif = XG_SIM_FOK;
    } else {
        kucoin_sim_error(c->resp, 400, 400100, "Invalid timeInForce",
                         "rejected");
        return false;
    }
    if (json_is_true(post)) {
        if (o->tif != XG_SIM_GTC) {
            kucoin_sim_error(c->resp, 400, 400100,
                             "postOnly is not allowed with IOC or FOK",
                             "rejected");
            return false;
        }
        o->type = XG_SIM_LIMIT_MAKER;
    }
    return true;
}

/* Filters and the book, lock held. */
static void
kucoin_sim_place_locked(const kucoin_call *c, const xg_sim_new_order *o)
{
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *placed = NULL;
    char id[32];

    if (xg_sim_book_by_client_id(&c->v->book, c->account, o->client_id) !=
        NULL) {
        kucoin_sim_error(c->resp, 400, 126044, "clientOid duplicated",
                         "rejected");
        return;
    }
    switch (xg_sim_book_check_filters(&c->v->book, o)) {
    case XG_SIM_FILTER_PRICE:
        kucoin_sim_error(c->resp, 400, 400100, "Price increment invalid.",
                         "rejected");
        return;
    case XG_SIM_FILTER_LOT:
        kucoin_sim_error(c->resp, 400, 400100, "Order size increment invalid.",
                         "rejected");
        return;
    case XG_SIM_FILTER_NOTIONAL:
        kucoin_sim_error(c->resp, 400, 400100,
                         "Order funds below the minimum requirement.",
                         "rejected");
        return;
    case XG_SIM_FILTER_OK:
        break;
    }
    if (xg_sim_book_place(&c->v->book, o, c->now_ms, &result, &placed) !=
        XG_OK) {
        kucoin_sim_error(c->resp, 500, 500000, "Internal Server Error",
                         "fault");
        return;
    }
    switch (result) {
    case XG_SIM_PLACED:
        break;
    case XG_SIM_DUPLICATE:
        kucoin_sim_error(c->resp, 400, 126044, "clientOid duplicated",
                         "rejected");
        return;
    case XG_SIM_INSUFFICIENT:
        kucoin_sim_error(c->resp, 400, 200004, "Balance insufficient!",
                         "rejected");
        return;
    case XG_SIM_WOULD_TAKE:
        kucoin_sim_error(c->resp, 400, 400100,
                         "The order would be matched immediately (postOnly).",
                         "rejected");
        return;
    case XG_SIM_TOO_LARGE:
        kucoin_sim_error(c->resp, 400, 400100, "Order size too large.",
                         "rejected");
        return;
    }
    kucoin_sim_order_id(placed, id);
    xg_sim_response_client_id(c->resp, placed->client_id);
    kucoin_sim_ok(
        c->resp,
        json_pack("{ss ss}", "orderId", id, "clientOid", placed->client_id),
        placed->status == XG_SIM_EXPIRED ? "expired" : "placed");
}

void
kucoin_sim_new_order(const kucoin_call *c)
{
    json_t *body = json_loadb(c->req->body, c->req->body_len, 0, NULL);
    const char *cid = NULL;
    xg_sim_new_order o;

    memset(&o, 0, sizeof(o));
    o.account = c->account;
    if (!json_is_object(body)) {
        kucoin_sim_error(c->resp, 400, 400100, "Invalid request body",
                         "rejected");
        json_decref(body);
        return;
    }
    cid = kucoin_sim_field(body, "clientOid");
    if (cid == NULL || !xg_sim_is_plain_id(cid, 40)) {
        kucoin_sim_error(c->resp, 400, 400100, "clientOid is invalid",
                         "rejected");
        json_decref(body);
        return;
    }
    if (kucoin_sim_parse_order(c, body, &o)) {
        o.client_id = cid;
        xg_sim_venue_lock(c->v);
        xg_sim_book_advance(&c->v->book, c->now_ms);
        kucoin_sim_place_locked(c, &o);
        xg_sim_venue_unlock(c->v);
    }
    json_decref(body);
}

/* ---- cancel, query, active ------------------------------------------------
 */

/* The account's order with the path's clientOid on instrument, lock held,
 * or NULL. */
static xg_sim_order *
kucoin_sim_lookup(const kucoin_call *c, size_t inst)
{
    xg_sim_order *o = NULL;

    if (c->path_id == NULL || !xg_sim_is_plain_id(c->path_id, 40)) {
        return NULL;
    }
    o = xg_sim_book_by_client_id(&c->v->book, c->account, c->path_id);
    return (o != NULL && o->instrument == inst) ? o : NULL;
}

void
kucoin_sim_cancel(const kucoin_call *c)
{
    size_t inst = 0;
    xg_sim_order *o = NULL;

    if (!kucoin_sim_query_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = kucoin_sim_lookup(c, inst);
    if (o == NULL || !xg_sim_order_is_open(o) ||
        xg_sim_book_cancel(&c->v->book, o, c->now_ms) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        kucoin_sim_error(c->resp, 400, 400100,
                         "order_not_exist_or_not_allow_to_cancel", "not_found");
        return;
    }
    kucoin_sim_ok(c->resp, json_pack("{ss}", "clientOid", o->client_id),
                  "canceled");
    xg_sim_venue_unlock(c->v);
}

void
kucoin_sim_query(const kucoin_call *c)
{
    size_t inst = 0;
    xg_sim_order *o = NULL;

    if (!kucoin_sim_query_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = kucoin_sim_lookup(c, inst);
    if (o == NULL) {
        xg_sim_venue_unlock(c->v);
        kucoin_sim_error(c->resp, 404, 126043, "order not exist", "not_found");
        return;
    }
    kucoin_sim_ok(c->resp, kucoin_sim_order_json(&c->v->book, o), "queried");
    xg_sim_venue_unlock(c->v);
}

void
kucoin_sim_active(const kucoin_call *c)
{
    size_t inst = 0;
    json_t *data = json_array();

    if (!kucoin_sim_query_symbol(c, &inst)) {
        json_decref(data);
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; data != NULL && i < c->v->book.nopen; i++) {
        const xg_sim_order *o = &c->v->book.orders[c->v->book.open[i]];
        if (o->account == c->account && o->instrument == inst) {
            json_array_append_new(data, kucoin_sim_order_json(&c->v->book, o));
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}
