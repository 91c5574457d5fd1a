/*
 * orders.c - xgsim's KuCoin dialect: the HF order endpoints (place one
 * or a batch of up to 5, modify one, cancel and query by orderId or
 * clientOid, cancel every order of a symbol, active orders and the
 * symbols that have some), per the KuCoin fact sheet (kucoin.md) and
 * KuCoin's docs-new. dialect.c
 * routes authenticated requests here, with the Spot pool already charged;
 * this file calls only common.c (envelopes, amounts, query parsing) and
 * the simulator, and lends history.c the order object.
 *
 * A new order is a JSON object of strings (postOnly a boolean); it is
 * checked for mandatory fields and enums (400100 with the venue's kind of
 * message), the symbol (400600), the clientOid (never reusable on KuCoin:
 * 126044), then under the venue lock the filters (400100 with the
 * size/price message) and the book's verdict (200004 for balance). A
 * modify is KuCoin's cancel-replace: the order is canceled and a new one
 * placed under the same clientOid, carrying the old one's fills. HF
 * answers carry no status string: orders are described by active /
 * cancelExist / inOrderBook and the dealt, remaining and canceled size
 * and funds. Responses are built while the lock is held, because the
 * order they describe lives in the shared book.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* KuCoin's HF batch takes at most 5 orders: docs-new "Batch Add Orders"
 * (api-3470168), "A maximum of 5 orders can be placed simultaneously. The
 * order types must be limit orders of the same trading pair". */
#define KUCOIN_BATCH_MAX 5

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

/* price * qty for the funds fields, 0 if it does not fit. */
static int64_t
kucoin_sim_funds(int64_t price, int64_t qty)
{
    int64_t v = 0;

    return xg_sim_fixed_mul(price, qty, &v) == XG_OK ? v : 0;
}

json_t *
kucoin_sim_order_json(const xg_sim_book *b, const xg_sim_order *o)
{
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    bool open = xg_sim_order_is_open(o);
    bool canceled = o->status == XG_SIM_CANCELED || o->status == XG_SIM_EXPIRED;
    int64_t left = o->qty - o->filled;
    int64_t remain = open ? left : 0;
    int64_t cut = canceled ? left : 0;
    json_t *j = NULL;
    char id[32];

    kucoin_sim_format_order_id(o->order_id, id);
    j = json_pack(
        "{ss ss ss ss ss ss so so ss so so so ss ss sb sb sb ss si ss}", "id",
        id, "clientOid", o->client_id, "symbol", in->symbol, "opType", "DEAL",
        "type", o->type == XG_SIM_MARKET ? "market" : "limit", "side",
        o->side == XG_SIM_BUY ? "buy" : "sell", "price",
        kucoin_sim_num(o->price), "size", kucoin_sim_num(o->qty), "funds", "0",
        "dealSize", kucoin_sim_num(o->filled), "dealFunds",
        kucoin_sim_num(o->quote_filled), "fee", kucoin_sim_num(o->fee),
        "feeCurrency", xg_sim_order_fee_asset(b, o), "timeInForce",
        kucoin_sim_tif_name(o->tif), "postOnly", o->type == XG_SIM_LIMIT_MAKER,
        "hidden", 0, "iceberg", 0, "visibleSize", "0", "cancelAfter", 0,
        "channel", "API");
    if (j == NULL) {
        return NULL;
    }
    json_object_update_new(
        j,
        json_pack("{ss sb sI sI ss sb so so so so ss ss sb}", "stp", "",
                  "cancelExist", canceled, "createdAt", (json_int_t)o->time_ms,
                  "lastUpdatedAt", (json_int_t)o->update_ms, "tradeType",
                  "TRADE", "inOrderBook", open, "cancelledSize",
                  kucoin_sim_num(cut), "cancelledFunds",
                  kucoin_sim_num(kucoin_sim_funds(o->price, cut)), "remainSize",
                  kucoin_sim_num(remain), "remainFunds",
                  kucoin_sim_num(kucoin_sim_funds(o->price, remain)), "tax",
                  "0", "remark", "", "active", open));
    return j;
}

/* ---- new order --------------------------------------------------------- */

/* Why an order was refused: KuCoin's HTTP status, code and message. */
typedef struct kucoin_refusal {
    int status;
    int code;
    char msg[96];
} kucoin_refusal;

static bool
kucoin_sim_refuse(kucoin_refusal *r, int code, const char *msg)
{
    r->status = 400;
    r->code = code;
    snprintf(r->msg, sizeof(r->msg), "%s", msg);
    return false;
}

static const char *
kucoin_sim_field(const json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* Fields of one order object into o; false with *r set if any is wrong. */
static bool
kucoin_sim_parse_order(const kucoin_call *c, const json_t *body,
                       xg_sim_new_order *o, kucoin_refusal *r)
{
    const char *side = kucoin_sim_field(body, "side");
    const char *type = kucoin_sim_field(body, "type");
    const char *symbol = kucoin_sim_field(body, "symbol");
    const char *price = kucoin_sim_field(body, "price");
    const char *size = kucoin_sim_field(body, "size");
    const char *tif = kucoin_sim_field(body, "timeInForce");
    const json_t *cid = json_object_get(body, "clientOid");
    const json_t *post = json_object_get(body, "postOnly");
    char msg[96];

    if (!json_is_object(body)) {
        return kucoin_sim_refuse(r, 400100, "Invalid request body");
    }
    /* clientOid is optional; the book names an order sent without one. */
    o->client_id = "";
    if (cid != NULL && !json_is_null(cid)) {
        o->client_id = json_string_value(cid);
        if (o->client_id == NULL || !xg_sim_is_plain_id(o->client_id, 40)) {
            return kucoin_sim_refuse(r, 400100, "clientOid is invalid");
        }
    }
    if (side == NULL || type == NULL || symbol == NULL) {
        snprintf(msg, sizeof(msg), "%s is required",
                 side == NULL   ? "side"
                 : type == NULL ? "type"
                                : "symbol");
        return kucoin_sim_refuse(r, 400100, msg);
    }
    if (strcmp(side, "buy") == 0) {
        o->side = XG_SIM_BUY;
    } else if (strcmp(side, "sell") == 0) {
        o->side = XG_SIM_SELL;
    } else {
        return kucoin_sim_refuse(r, 400100, "Invalid side");
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, &o->instrument) !=
        XG_OK) {
        return kucoin_sim_refuse(r, 400600, "symbolNotAvailable");
    }
    if (size == NULL || xg_sim_fixed_parse(size, &o->qty) != XG_OK ||
        o->qty <= 0) {
        /* Market orders by funds exist on KuCoin but not in xgsim. */
        return kucoin_sim_refuse(r, 400100, "size is invalid");
    }
    o->tif = XG_SIM_GTC;
    if (strcmp(type, "market") == 0) {
        o->type = XG_SIM_MARKET;
        return true;
    }
    if (strcmp(type, "limit") != 0) {
        return kucoin_sim_refuse(r, 400100, "Invalid type");
    }
    o->type = XG_SIM_LIMIT;
    if (price == NULL || xg_sim_fixed_parse(price, &o->price) != XG_OK ||
        o->price <= 0) {
        return kucoin_sim_refuse(r, 400100, "price is invalid");
    }
    if (tif == NULL || strcmp(tif, "GTC") == 0) {
        o->tif = XG_SIM_GTC;
    } else if (strcmp(tif, "IOC") == 0) {
        o->tif = XG_SIM_IOC;
    } else if (strcmp(tif, "FOK") == 0) {
        o->tif = XG_SIM_FOK;
    } else {
        return kucoin_sim_refuse(r, 400100, "Invalid timeInForce");
    }
    if (post != NULL && !json_is_boolean(post)) {
        return kucoin_sim_refuse(r, 400100, "postOnly is invalid");
    }
    if (json_is_true(post)) {
        if (o->tif != XG_SIM_GTC) {
            return kucoin_sim_refuse(r, 400100,
                                     "postOnly is not allowed with IOC or FOK");
        }
        o->type = XG_SIM_LIMIT_MAKER;
    }
    return true;
}

/* The symbol's filters, lock held: false with *r set if o breaks one. */
static bool
kucoin_sim_filters_ok(const kucoin_call *c, const xg_sim_new_order *o,
                      kucoin_refusal *r)
{
    switch (xg_sim_book_check_filters(&c->v->book, o)) {
    case XG_SIM_FILTER_PRICE:
        return kucoin_sim_refuse(r, 400100, "Price increment invalid.");
    case XG_SIM_FILTER_LOT:
        return kucoin_sim_refuse(r, 400100, "Order size increment invalid.");
    case XG_SIM_FILTER_NOTIONAL:
        return kucoin_sim_refuse(r, 400100,
                                 "Order funds below the minimum requirement.");
    case XG_SIM_FILTER_OK:
        break;
    }
    return true;
}

/* The book's verdict on o (filters already passed), lock held. On
 * success *placed is the stored order (borrowed until the next place). */
static bool
kucoin_sim_book_place(const kucoin_call *c, const xg_sim_new_order *o,
                      xg_sim_order **placed, kucoin_refusal *r)
{
    xg_sim_place_result result = XG_SIM_PLACED;

    if (xg_sim_book_place(&c->v->book, o, c->now_ms, &result, placed) !=
        XG_OK) {
        kucoin_sim_refuse(r, 500000, "Internal Server Error");
        r->status = 500;
        return false;
    }
    switch (result) {
    case XG_SIM_PLACED:
        return true;
    case XG_SIM_DUPLICATE:
        return kucoin_sim_refuse(r, 126044, "clientOid duplicated");
    case XG_SIM_INSUFFICIENT:
        return kucoin_sim_refuse(r, 200004, "Balance insufficient!");
    case XG_SIM_WOULD_TAKE:
        return kucoin_sim_refuse(
            r, 400100, "The order would be matched immediately (postOnly).");
    case XG_SIM_TOO_LARGE:
    case XG_SIM_QTY_FILLED: /* only for a carried replace */
        return kucoin_sim_refuse(r, 400100, "Order size too large.");
    }
    return kucoin_sim_refuse(r, 400100, "Invalid order");
}

/* A new order: its clientOid, the filters and the book, lock held. On
 * success *placed is the stored order (borrowed until the next place). */
static bool
kucoin_sim_place_locked(const kucoin_call *c, const xg_sim_new_order *o,
                        xg_sim_order **placed, kucoin_refusal *r)
{
    if (o->client_id[0] != '\0' &&
        xg_sim_book_by_client_id(&c->v->book, c->account, o->client_id) !=
            NULL) {
        return kucoin_sim_refuse(r, 126044, "clientOid duplicated");
    }
    return kucoin_sim_filters_ok(c, o, r) &&
           kucoin_sim_book_place(c, o, placed, r);
}

void
kucoin_sim_new_order(const kucoin_call *c)
{
    json_t *body = json_loadb(c->req->body, c->req->body_len, 0, NULL);
    xg_sim_new_order o;
    kucoin_refusal r;
    xg_sim_order *placed = NULL;
    char id[32];

    memset(&o, 0, sizeof(o));
    memset(&r, 0, sizeof(r));
    o.account = c->account;
    if (!kucoin_sim_parse_order(c, body, &o, &r)) {
        kucoin_sim_error(c->resp, r.status, r.code, r.msg, "rejected");
        json_decref(body);
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (!kucoin_sim_place_locked(c, &o, &placed, &r)) {
        xg_sim_venue_unlock(c->v);
        kucoin_sim_error(c->resp, r.status, r.code, r.msg,
                         r.status >= 500 ? "fault" : "rejected");
        json_decref(body);
        return;
    }
    kucoin_sim_format_order_id(placed->order_id, id);
    xg_sim_response_client_id(c->resp, placed->client_id);
    kucoin_sim_ok(
        c->resp,
        json_pack("{ss ss}", "orderId", id, "clientOid", placed->client_id),
        placed->status == XG_SIM_EXPIRED ? "expired" : "placed");
    xg_sim_venue_unlock(c->v);
    json_decref(body);
}

/* POST /api/v1/hf/orders/multi, Spot weight 1 per request (docs-new
 * "Batch Add Orders", api-3470168): {"orderList":[...]} of 1..5 limit
 * orders of one symbol, each placed in order by the single place's code
 * (kucoin_sim_parse_order, kucoin_sim_place_locked), so book, balances
 * and fills behave as for one order at a time. Each gets its verdict, in
 * the order sent: {orderId, clientOid, success:true}, or {success:false,
 * failMsg} with the message the single place would give and no clientOid
 * (docs-new's example answer). A malformed list, more than 5 orders, a
 * market order or a second symbol refuses the whole batch with 400100 and
 * a message of the simulator's own (ASSUMED: KuCoin documents neither
 * code nor text). The log shows each order, as placed or rejected. */
void
kucoin_sim_new_orders(const kucoin_call *c)
{
    json_t *body = json_loadb(c->req->body, c->req->body_len, 0, NULL);
    json_t *list = json_object_get(body, "orderList");
    const char *symbol = NULL;
    json_t *data = json_array();
    size_t n = json_array_size(list);
    char id[32];

    if (!json_is_array(list) || n == 0 || n > KUCOIN_BATCH_MAX) {
        kucoin_sim_error(c->resp, 400, 400100,
                         "orderList must hold 1 to 5 orders", "rejected");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *one = json_array_get(list, i);
        const char *sym = kucoin_sim_field(one, "symbol");
        const char *type = kucoin_sim_field(one, "type");
        if (sym == NULL || (symbol != NULL && strcmp(sym, symbol) != 0) ||
            (type != NULL && strcmp(type, "limit") != 0)) {
            kucoin_sim_error(c->resp, 400, 400100,
                             "orders of a batch must be limit orders of one "
                             "symbol",
                             "rejected");
            goto done;
        }
        symbol = sym;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; data != NULL && i < n; i++) {
        xg_sim_new_order o;
        kucoin_refusal r;
        xg_sim_order *placed = NULL;
        memset(&o, 0, sizeof(o));
        memset(&r, 0, sizeof(r));
        o.account = c->account;
        if (kucoin_sim_parse_order(c, json_array_get(list, i), &o, &r) &&
            kucoin_sim_place_locked(c, &o, &placed, &r)) {
            kucoin_sim_format_order_id(placed->order_id, id);
            json_array_append_new(
                data, json_pack("{ss ss sb}", "orderId", id, "clientOid",
                                placed->client_id, "success", 1));
            xg_sim_response_log_item(c->resp, placed->client_id, "placed", 0);
        } else {
            json_array_append_new(
                data, json_pack("{sb ss}", "success", 0, "failMsg", r.msg));
            xg_sim_response_log_item(c->resp,
                                     kucoin_sim_field(json_array_get(list, i),
                                                      "clientOid"),
                                     "rejected", r.code);
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "batch");
    data = NULL;
done:
    json_decref(data);
    json_decref(body);
}

/* ---- cancel, query, active ------------------------------------------------
 */

/* The account's order on instrument that text names, a clientOid when
 * by_client (the latest order with it) else an orderId, lock held, or
 * NULL. */
static xg_sim_order *
kucoin_sim_find(const kucoin_call *c, size_t inst, const char *text,
                bool by_client)
{
    xg_sim_order *o = NULL;
    int64_t id = 0;

    if (by_client) {
        if (!xg_sim_is_plain_id(text, 40)) {
            return NULL;
        }
        o = xg_sim_book_by_client_id(&c->v->book, c->account, text);
    } else if (kucoin_sim_parse_order_id(text, &id)) {
        o = xg_sim_book_by_id(&c->v->book, c->account, id);
    }
    return (o != NULL && o->instrument == inst) ? o : NULL;
}

/* The account's order the path names ({orderId} or {clientOid}) on
 * instrument, lock held, or NULL. */
static xg_sim_order *
kucoin_sim_lookup(const kucoin_call *c, size_t inst)
{
    if (c->path_id == NULL) {
        return NULL;
    }
    return kucoin_sim_find(c, inst, c->path_id, c->by_client);
}

/* By orderId the answer is {orderId}, by clientOid {clientOid}. */
void
kucoin_sim_cancel(const kucoin_call *c)
{
    size_t inst = 0;
    xg_sim_order *o = NULL;
    char id[32];

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
    xg_sim_response_client_id(c->resp, o->client_id);
    kucoin_sim_format_order_id(o->order_id, id);
    kucoin_sim_ok(c->resp,
                  c->by_client ? json_pack("{ss}", "clientOid", o->client_id)
                               : json_pack("{ss}", "orderId", id),
                  "canceled");
    xg_sim_venue_unlock(c->v);
}

/* ---- modify ---------------------------------------------------------------
 */

/* What a modify asks for, read from its body. The texts are borrowed
 * from the parsed body. */
typedef struct kucoin_alter_req {
    size_t inst;
    const char *order_id;  /* the orderId, NULL if absent or "" */
    const char *client_id; /* the clientOid, NULL if absent or "" */
    int64_t price;         /* newPrice, 0: the order's own */
    int64_t size;          /* newSize, 0: the order's own */
} kucoin_alter_req;

/* Member key as text into *out: NULL when absent, null or "" (the
 * official SDK sends an unset id as ""). False if it is no string. */
static bool
kucoin_sim_opt_text(const json_t *body, const char *key, const char **out)
{
    const json_t *v = json_object_get(body, key);

    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        return true;
    }
    if (!json_is_string(v)) {
        return false;
    }
    if (json_string_length(v) > 0) {
        *out = json_string_value(v);
    }
    return true;
}

/* Member key as a positive amount into *out, 0 when not given. */
static bool
kucoin_sim_opt_amount(const json_t *body, const char *key, int64_t *out)
{
    const char *text = NULL;

    *out = 0;
    if (!kucoin_sim_opt_text(body, key, &text)) {
        return false;
    }
    return text == NULL || (xg_sim_fixed_parse(text, out) == XG_OK && *out > 0);
}

/* The body of a modify: symbol, one of orderId and clientOid, one of
 * newPrice and newSize (docs-new "Modify Order": "orderId and clientOid
 * must choose one", "newPrice and newSize must choose one"). False with
 * *r set (400100, 400600 for the symbol) if anything is missing or
 * wrong. */
static bool
kucoin_sim_parse_alter(const kucoin_call *c, const json_t *body,
                       kucoin_alter_req *a, kucoin_refusal *r)
{
    const char *symbol = kucoin_sim_field(body, "symbol");

    if (!json_is_object(body)) {
        return kucoin_sim_refuse(r, 400100, "Invalid request body");
    }
    if (symbol == NULL) {
        return kucoin_sim_refuse(r, 400100, "symbol is required");
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, &a->inst) != XG_OK) {
        return kucoin_sim_refuse(r, 400600, "symbolNotAvailable");
    }
    if (!kucoin_sim_opt_text(body, "orderId", &a->order_id)) {
        return kucoin_sim_refuse(r, 400100, "orderId is invalid");
    }
    if (!kucoin_sim_opt_text(body, "clientOid", &a->client_id)) {
        return kucoin_sim_refuse(r, 400100, "clientOid is invalid");
    }
    if (a->order_id == NULL && a->client_id == NULL) {
        return kucoin_sim_refuse(r, 400100, "orderId or clientOid is required");
    }
    if (!kucoin_sim_opt_amount(body, "newPrice", &a->price)) {
        return kucoin_sim_refuse(r, 400100, "newPrice is invalid");
    }
    if (!kucoin_sim_opt_amount(body, "newSize", &a->size)) {
        return kucoin_sim_refuse(r, 400100, "newSize is invalid");
    }
    if (a->price == 0 && a->size == 0) {
        return kucoin_sim_refuse(r, 400100, "newPrice or newSize is required");
    }
    return true;
}

/* The modify itself, lock held: cancel o and place its replacement n
 * (filters already passed), which carries o's fills. On success *placed
 * is the new order. When the book refuses the replacement the cancel
 * stands (ASSUMED, docs/simulator-kucoin.md): KuCoin documents the alter
 * as a cancel followed by a new order, not as a check of both first. */
static bool
kucoin_sim_replace(const kucoin_call *c, xg_sim_order *o,
                   const xg_sim_new_order *n, xg_sim_order **placed,
                   kucoin_refusal *r)
{
    if (xg_sim_book_cancel(&c->v->book, o, c->now_ms) != XG_OK) {
        /* o was checked open under the same lock. */
        return kucoin_sim_refuse(r, 400100, "order not exist");
    }
    return kucoin_sim_book_place(c, n, placed, r);
}

/* POST /api/v1/hf/orders/alter, Spot weight 1 (docs-new "Modify Order",
 * api-3470171): the open order named by orderId (preferred when both are
 * given, as the official SDK's examples send an empty clientOid with it)
 * or clientOid is canceled and a new one placed under the same clientOid,
 * side, type (postOnly kept) and time in force, at newPrice for newSize
 * (each the old order's when not given). newSize is the new order's whole
 * size: the new order starts with the old one's fills (ASSUMED, see
 * docs/simulator-kucoin.md), so only newSize - dealSize is placed.
 * Answers {newOrderId, clientOid}. An order that is unknown, filled or
 * canceled is 400100 "order not exist" (ASSUMED). A newSize not above
 * what the order filled completes it: "the order will be cancelled, and no
 * new order will be placed", answered with the canceled order's id as
 * newOrderId (ASSUMED). */
void
kucoin_sim_alter(const kucoin_call *c)
{
    json_t *body = json_loadb(c->req->body, c->req->body_len, 0, NULL);
    kucoin_alter_req a;
    kucoin_refusal r;
    xg_sim_new_order n;
    xg_sim_order *o = NULL;
    xg_sim_order *placed = NULL;
    /* The replacement's clientOid, out of the order array, which placing
     * may move. */
    char cid[XG_SIM_CLIENT_ID_LEN];
    char id[32];

    memset(&a, 0, sizeof(a));
    memset(&r, 0, sizeof(r));
    memset(&n, 0, sizeof(n));
    if (!kucoin_sim_parse_alter(c, body, &a, &r)) {
        kucoin_sim_error(c->resp, r.status, r.code, r.msg, "rejected");
        json_decref(body);
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = kucoin_sim_find(c, a.inst,
                        a.order_id != NULL ? a.order_id : a.client_id,
                        a.order_id == NULL);
    if (o == NULL || !xg_sim_order_is_open(o)) {
        xg_sim_venue_unlock(c->v);
        kucoin_sim_error(c->resp, 400, 400100, "order not exist", "not_found");
        json_decref(body);
        return;
    }
    snprintf(cid, sizeof(cid), "%s", o->client_id);
    xg_sim_response_client_id(c->resp, cid);
    n.account = c->account;
    n.instrument = o->instrument;
    n.side = o->side;
    n.type = o->type;
    n.tif = o->tif;
    n.price = a.price > 0 ? a.price : o->price;
    n.qty = a.size > 0 ? a.size : o->qty;
    n.client_id = cid;
    n.carry = o;
    if (n.qty <= o->filled) {
        (void)xg_sim_book_cancel(&c->v->book, o, c->now_ms);
        kucoin_sim_format_order_id(o->order_id, id);
        kucoin_sim_ok(c->resp,
                      json_pack("{ss ss}", "newOrderId", id, "clientOid", cid),
                      "canceled");
    } else if (!kucoin_sim_filters_ok(c, &n, &r) ||
               !kucoin_sim_replace(c, o, &n, &placed, &r)) {
        kucoin_sim_error(c->resp, r.status, r.code, r.msg,
                         r.status >= 500 ? "fault" : "rejected");
    } else {
        kucoin_sim_format_order_id(placed->order_id, id);
        kucoin_sim_ok(c->resp,
                      json_pack("{ss ss}", "newOrderId", id, "clientOid", cid),
                      placed->status == XG_SIM_EXPIRED ? "expired" : "placed");
    }
    xg_sim_venue_unlock(c->v);
    json_decref(body);
}

/* DELETE /api/v1/hf/orders?symbol=, Spot weight 2 (docs-new "Cancel All
 * Orders By Symbol", api-3470175): every open order of the account on the
 * symbol, each through the book's cancel as a single cancel; answers
 * "success" (also when there were none: ASSUMED, the docs show only the
 * one answer). */
void
kucoin_sim_cancel_symbol(const kucoin_call *c)
{
    size_t inst = 0;
    xg_sim_book *b = &c->v->book;

    if (!kucoin_sim_query_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(b, c->now_ms);
    /* Cancelling removes the order from the open list: walk it from the
     * end so every index still to visit stays valid. */
    for (size_t i = b->nopen; i > 0; i--) {
        xg_sim_order *o = &b->orders[b->open[i - 1]];
        if (o->account == c->account && o->instrument == inst) {
            (void)xg_sim_book_cancel(b, o, c->now_ms);
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, json_string("success"), "canceled");
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

/* {"symbols":[...]}: the symbols on which the account has open orders,
 * in instrument order. */
void
kucoin_sim_active_symbols(const kucoin_call *c)
{
    const xg_sim_book *b = &c->v->book;
    json_t *symbols = json_array();

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t inst = 0; symbols != NULL && inst < b->ninstruments; inst++) {
        for (size_t i = 0; i < b->nopen; i++) {
            const xg_sim_order *o = &b->orders[b->open[i]];
            if (o->account == c->account && o->instrument == inst) {
                json_array_append_new(symbols,
                                      json_string(b->instruments[inst].symbol));
                break;
            }
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, json_pack("{so*}", "symbols", symbols), "queried");
}
