/*
 * orders.c - the order endpoints of xgsim's OKX dialect: place, amend,
 * cancel and order details, one order at a time (POST /trade/order,
 * /trade/amend-order, /trade/cancel-order, GET /trade/order) or up to 20
 * in one request (POST /trade/batch-orders, /trade/amend-batch-orders,
 * /trade/cancel-batch-orders), translated between OKX's JSON (fact
 * sheet, "Response shapes" and "Enums"; for amends the OKX v5 reference,
 * Trade > Amend order) and the simulator's book.
 *
 * One core per action (okx_sim_place_one, okx_sim_amend_one,
 * okx_sim_cancel_one) fills an okx_result; the single path answers it as
 * the fact sheet shows (a malformed request as a request-level error, an
 * order the venue refuses as an sCode in data[] with code "1"), the batch
 * path answers every order with its own sCode/sMsg and the envelope code
 * "0" (all done), "1" (all failed) or "2" (some failed). dialect.c routes
 * authenticated requests here, their limits already charged; this file
 * calls only common.c and the simulator.
 */
#include "okx_sim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one order action came to. A request-level error (is_whole) is
 * answered as {"code":code,"msg":msg,"data":[]} with status by a single
 * path, as the order's sCode/sMsg by a batch. */
typedef struct okx_result {
    bool is_whole;
    bool is_amend; /* answered in an amend's shape, with reqId */
    int status;
    char code[8];
    char msg[112];
    int64_t ord_id; /* 0 if none */
    char cl_id[XG_SIM_CLIENT_ID_LEN];
    char req_id[XG_SIM_CLIENT_ID_LEN]; /* an amend's reqId, "" if none */
    const char *outcome;
} okx_result;

static void
okx_sim_result(okx_result *r, bool is_whole, int status, const char *code,
               const char *msg, const char *outcome)
{
    r->is_whole = is_whole;
    r->status = status;
    snprintf(r->code, sizeof(r->code), "%s", code);
    snprintf(r->msg, sizeof(r->msg), "%s", msg);
    r->outcome = outcome;
}

/* The client id a request names, bounded, into r (echoed in answers). */
static void
okx_sim_result_cl_id(okx_result *r, const char *cl_id)
{
    snprintf(r->cl_id, sizeof(r->cl_id), "%.32s", cl_id != NULL ? cl_id : "");
}

static bool
okx_sim_result_ok(const okx_result *r)
{
    return strcmp(r->code, "0") == 0;
}

/* One data[] item of an order answer. */
static json_t *
okx_sim_result_json(const okx_call *c, const okx_result *r)
{
    char id[24] = "";
    char ts[24];

    if (r->ord_id > 0) {
        okx_sim_ms_text(r->ord_id, id);
    }
    if (r->is_amend) {
        /* An amend's item echoes the amendment's reqId and has no tag,
         * ts or subCode (Trade > Amend order, "Response Parameters"). */
        return json_pack("{ss ss ss ss ss}", "clOrdId", r->cl_id, "ordId", id,
                         "reqId", r->req_id, "sCode", r->code, "sMsg", r->msg);
    }
    okx_sim_ms_text(c->now_ms, ts);
    return json_pack("{ss ss ss ss ss ss ss}", "clOrdId", r->cl_id, "ordId", id,
                     "tag", "", "ts", ts, "sCode", r->code, "sMsg", r->msg,
                     "subCode", "");
}

/* The single path's answer to r. */
static void
okx_sim_answer_one(const okx_call *c, const okx_result *r)
{
    bool ok = okx_sim_result_ok(r);

    if (r->is_whole) {
        okx_sim_error(c->resp, r->status, r->code, r->msg, r->outcome);
        return;
    }
    xg_sim_response_json(c->resp, 200,
                         json_pack("{ss ss s[o]}", "code", ok ? "0" : "1",
                                   "msg", ok ? "" : "All operations failed",
                                   "data", okx_sim_result_json(c, r)));
    c->resp->code = okx_sim_code_number(r->code);
    c->resp->outcome = r->outcome;
}

/* OKX: 1-32 case-sensitive letters and digits. */
static bool
okx_sim_cl_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 32) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9'))) {
            return false;
        }
    }
    return true;
}

/* An optional decimal parameter: absent or "" leaves *has false;
 * otherwise it must be a positive decimal, which goes to *out. false (r
 * set) if it is not. */
static bool
okx_sim_opt_decimal_param(const okx_call *c, const char *key, int64_t *out,
                          bool *has, okx_result *r)
{
    const char *text = okx_sim_param(c, key);
    char msg[64];

    *has = false;
    if (text == NULL || text[0] == '\0') {
        return true;
    }
    if (xg_sim_fixed_parse(text, out) != XG_OK || *out <= 0) {
        snprintf(msg, sizeof(msg), "Parameter %s error", key);
        okx_sim_result(r, true, 400, "51000", msg, "rejected");
        return false;
    }
    *has = true;
    return true;
}

/* A required decimal parameter; false (r set) if missing or bad. */
static bool
okx_sim_decimal_param(const okx_call *c, const char *key, int64_t *out,
                      okx_result *r)
{
    bool has = false;
    char msg[64];

    if (!okx_sim_opt_decimal_param(c, key, out, &has, r)) {
        return false;
    }
    if (!has) {
        snprintf(msg, sizeof(msg), "Parameter %s can not be empty.", key);
        okx_sim_result(r, true, 400, "50014", msg, "rejected");
        return false;
    }
    return true;
}

/* The parts of a new order that need no lock; false (r set) if the
 * request is malformed. */
static bool
okx_sim_read_order(const okx_call *c, xg_sim_new_order *no, bool *quote_sized,
                   const char **cl_id, okx_result *r)
{
    const char *inst_id = okx_sim_param(c, "instId");
    const char *td_mode = okx_sim_param(c, "tdMode");
    const char *side = okx_sim_param(c, "side");
    const char *type = okx_sim_param(c, "ordType");
    const char *tgt = okx_sim_param(c, "tgtCcy");

    memset(no, 0, sizeof(*no));
    no->account = c->account;
    *cl_id = okx_sim_param(c, "clOrdId");
    if (*cl_id != NULL && (*cl_id)[0] == '\0') {
        *cl_id = NULL; /* an empty clOrdId is an absent one */
    }
    okx_sim_result_cl_id(r, *cl_id);
    if (*cl_id != NULL && !okx_sim_cl_id_ok(*cl_id)) {
        okx_sim_result(r, true, 400, "51000", "Parameter clOrdId error",
                       "rejected");
        return false;
    }
    if (inst_id == NULL || td_mode == NULL || side == NULL || type == NULL) {
        okx_sim_result(r, true, 400, "50014",
                       "Parameter instId, tdMode, side or ordType can not be "
                       "empty.",
                       "rejected");
        return false;
    }
    if (strcmp(td_mode, "cash") != 0) {
        okx_sim_result(r, true, 400, "51000", "Parameter tdMode error",
                       "rejected");
        return false;
    }
    if (strcmp(side, "buy") == 0) {
        no->side = XG_SIM_BUY;
    } else if (strcmp(side, "sell") == 0) {
        no->side = XG_SIM_SELL;
    } else {
        okx_sim_result(r, true, 400, "51000", "Parameter side error",
                       "rejected");
        return false;
    }
    no->type = XG_SIM_LIMIT;
    no->tif = XG_SIM_GTC;
    if (strcmp(type, "market") == 0) {
        no->type = XG_SIM_MARKET;
    } else if (strcmp(type, "post_only") == 0) {
        no->type = XG_SIM_LIMIT_MAKER;
    } else if (strcmp(type, "ioc") == 0) {
        no->tif = XG_SIM_IOC;
    } else if (strcmp(type, "fok") == 0) {
        no->tif = XG_SIM_FOK;
    } else if (strcmp(type, "limit") != 0) {
        okx_sim_result(r, true, 400, "51000", "Parameter ordType error",
                       "rejected");
        return false;
    }
    if (tgt != NULL && tgt[0] != '\0' && strcmp(tgt, "base_ccy") != 0 &&
        strcmp(tgt, "quote_ccy") != 0) {
        okx_sim_result(r, true, 400, "51000", "Parameter tgtCcy error",
                       "rejected");
        return false;
    }
    if (!okx_sim_decimal_param(c, "sz", &no->qty, r)) {
        return false;
    }
    if (no->type != XG_SIM_MARKET &&
        !okx_sim_decimal_param(c, "px", &no->price, r)) {
        return false;
    }
    /* Spot market buys are sized in the quote unless tgtCcy=base_ccy. */
    *quote_sized =
        no->type == XG_SIM_MARKET &&
        (tgt != NULL && tgt[0] != '\0' ? strcmp(tgt, "quote_ccy") == 0
                                       : no->side == XG_SIM_BUY);
    if (xg_sim_book_find_instrument(&c->v->book, inst_id, &no->instrument) !=
        XG_OK) {
        okx_sim_result(r, false, 200, "51001", "Instrument ID does not exist.",
                       "rejected");
        return false;
    }
    return true;
}

/* Which filter the order breaks, as OKX answers it; true if none.
 * px_key names the price parameter in the answer (px, an amend's
 * newPx). */
static bool
okx_sim_filters_ok(const okx_call *c, const xg_sim_new_order *no,
                   const char *px_key, okx_result *r)
{
    const xg_sim_instrument *in = &c->v->book.instruments[no->instrument];
    char msg[64];

    switch (xg_sim_book_check_filters(&c->v->book, no)) {
    case XG_SIM_FILTER_OK:
    case XG_SIM_FILTER_NOTIONAL:
        return true;
    case XG_SIM_FILTER_PRICE:
        /* Live OKX answers a price off the tick grid as a parameter error
         * of px, and one outside the instrument's range as a price-limit
         * breach. */
        if (no->price >= in->min_price && no->price <= in->max_price) {
            snprintf(msg, sizeof(msg), "Parameter %s error", px_key);
            okx_sim_result(r, false, 200, "51000", msg, "rejected");
        } else {
            okx_sim_result(r, false, 200, "51006",
                           "Order price is not within the price limit.",
                           "rejected");
        }
        return false;
    case XG_SIM_FILTER_LOT:
        if (no->qty < in->min_qty) {
            okx_sim_result(r, false, 200, "51020",
                           "Your order should meet or exceed the minimum "
                           "order amount.",
                           "rejected");
        } else {
            okx_sim_result(r, false, 200, "51121",
                           "Order quantity must be a multiple of the lot "
                           "size.",
                           "rejected");
        }
        return false;
    }
    return true;
}

/* Place the order c names (lock not held). */
static void
okx_sim_place_one(const okx_call *c, okx_result *r)
{
    xg_sim_new_order no;
    bool quote_sized = false;
    const char *cl_id = NULL;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;
    xg_sim_book *b = &c->v->book;

    memset(r, 0, sizeof(*r));
    if (!okx_sim_read_order(c, &no, &quote_sized, &cl_id, r)) {
        return;
    }
    no.client_id = cl_id != NULL ? cl_id : "";
    /* Instruments are fixed once the server runs; their prices are not,
     * so a quote-sized order converts under the lock. */
    const xg_sim_instrument *in = &b->instruments[no.instrument];
    if (quote_sized) {
        xg_sim_venue_lock(c->v);
        xg_sim_book_advance(b, c->now_ms);
        int64_t quote = no.qty;
        int64_t bid = xg_sim_book_best(b, no.instrument, XG_SIM_BUY);
        int64_t base = 0;
        if (no.side == XG_SIM_BUY) {
            /* What that much quote buys from the book, level by level. */
            xg_sim_book_quote_qty(b, c->account, no.instrument, quote,
                                  c->now_ms, &base);
        } else if (bid <= 0 || xg_sim_fixed_div(quote, bid, &base) != XG_OK) {
            base = 0;
        }
        xg_sim_venue_unlock(c->v);
        no.qty = base - base % in->step;
        if (no.qty <= 0) {
            okx_sim_result(r, true, 400, "51000", "Parameter sz error",
                           "rejected");
            return;
        }
    }
    if (!okx_sim_filters_ok(c, &no, "px", r)) {
        return;
    }

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(b, c->now_ms);
    xg_err err = xg_sim_book_place(b, &no, c->now_ms, &result, &ord);
    r->ord_id = ord != NULL ? ord->order_id : 0;
    xg_sim_venue_unlock(c->v);
    if (err != XG_OK) {
        okx_sim_result(r, true, 500, "50026", "System error.", "fault");
        return;
    }
    switch (result) {
    case XG_SIM_PLACED:
        okx_sim_result(r, false, 200, "0", "Order placed", "placed");
        return;
    case XG_SIM_DUPLICATE:
        okx_sim_result(r, false, 200, "51016", "Duplicated clOrdId",
                       "rejected");
        break;
    case XG_SIM_INSUFFICIENT:
        okx_sim_result(r, false, 200, "51008",
                       "Order failed. Insufficient balance.", "rejected");
        break;
    case XG_SIM_WOULD_TAKE:
        /* Real OKX accepts then cancels such a post_only order; xgsim
         * refuses it up front (docs/simulator-okx.md). */
        okx_sim_result(r, false, 200, "51000",
                       "Post only order would take liquidity.", "rejected");
        break;
    case XG_SIM_TOO_LARGE:
    case XG_SIM_QTY_FILLED: /* only for a carried replace */
        okx_sim_result(r, false, 200, "51000", "Parameter sz error",
                       "rejected");
        break;
    }
    r->ord_id = 0;
}

void
okx_sim_place(const okx_call *c)
{
    okx_result r;

    okx_sim_place_one(c, &r);
    okx_sim_answer_one(c, &r);
}

/* The order named by ordId or clOrdId (ordId wins) of the account on
 * instId (lock held); *out NULL if none. false (r set) if the request
 * names no instrument, an unknown one, or neither id. */
static bool
okx_sim_find_order(const okx_call *c, xg_sim_order **out, okx_result *r)
{
    const char *inst_id = okx_sim_param(c, "instId");
    const char *ord_id = okx_sim_param(c, "ordId");
    const char *cl_id = okx_sim_param(c, "clOrdId");
    size_t inst = 0;
    xg_sim_order *o = NULL;

    *out = NULL;
    if (inst_id == NULL || ((ord_id == NULL || ord_id[0] == '\0') &&
                            (cl_id == NULL || cl_id[0] == '\0'))) {
        okx_sim_result(r, true, 400, "50014",
                       "Parameter instId and ordId or clOrdId can not be "
                       "empty.",
                       "rejected");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, inst_id, &inst) != XG_OK) {
        okx_sim_result(r, true, 200, "51001", "Instrument ID does not exist.",
                       "rejected");
        return false;
    }
    if (ord_id != NULL && ord_id[0] != '\0') {
        int64_t id = 0;
        for (const char *p = ord_id; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || id > INT64_MAX / 10 - 9) {
                id = -1;
                break;
            }
            id = id * 10 + (*p - '0');
        }
        o = id > 0 ? xg_sim_book_by_id(&c->v->book, c->account, id) : NULL;
    } else {
        o = xg_sim_book_by_client_id(&c->v->book, c->account, cl_id);
    }
    if (o != NULL && o->instrument != inst) {
        o = NULL;
    }
    *out = o;
    return true;
}

/* Cancel the order c names (lock not held). */
static void
okx_sim_cancel_one(const okx_call *c, okx_result *r)
{
    xg_sim_order *o = NULL;
    const char *asked = okx_sim_param(c, "clOrdId");

    memset(r, 0, sizeof(*r));
    okx_sim_result_cl_id(r, asked);
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (!okx_sim_find_order(c, &o, r)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    if (o == NULL) {
        okx_sim_result(r, false, 200, "51400",
                       "Order cancellation failed as the order does not "
                       "exist.",
                       "not_found");
    } else if (o->status == XG_SIM_FILLED) {
        okx_sim_result(r, false, 200, "51402",
                       "Order cancellation failed as the order has been "
                       "completed.",
                       "rejected");
    } else if (!xg_sim_order_is_open(o)) {
        okx_sim_result(r, false, 200, "51401",
                       "Order cancellation failed as the order has been "
                       "canceled.",
                       "rejected");
    } else if (xg_sim_book_cancel(&c->v->book, o, c->now_ms) != XG_OK) {
        okx_sim_result(r, false, 200, "51400",
                       "Order cancellation failed as the order does not "
                       "exist.",
                       "not_found");
    } else {
        okx_sim_result(r, false, 200, "0", "", "canceled");
    }
    if (o != NULL) {
        if (asked == NULL || okx_sim_result_ok(r)) {
            okx_sim_result_cl_id(r, o->client_id);
        }
        r->ord_id = o->order_id;
    }
    xg_sim_venue_unlock(c->v);
}

void
okx_sim_cancel(const okx_call *c)
{
    okx_result r;

    okx_sim_cancel_one(c, &r);
    okx_sim_answer_one(c, &r);
}

/* cxlOnFail, a JSON boolean (the strings "true" and "false" are taken
 * too); absent, null or "": false. false (r set) for anything else. */
static bool
okx_sim_cxl_on_fail(const okx_call *c, bool *out, okx_result *r)
{
    const json_t *v = json_object_get(c->body, "cxlOnFail");
    const char *text = json_string_value(v);

    *out = false;
    if (v == NULL || json_is_null(v) || (text != NULL && text[0] == '\0')) {
        return true;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (text != NULL &&
        (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)) {
        *out = strcmp(text, "true") == 0;
        return true;
    }
    okx_sim_result(r, true, 400, "51000", "Parameter cxlOnFail error",
                   "rejected");
    return false;
}

/* Apply no (the order's new price and total size) to the open order o,
 * lock held, into r. The book amends in place: a smaller size at the
 * same price keeps the queue, anything else goes to the back, and a
 * crossing price trades at once. A size at or below what filled
 * completes the order, which OKX then reports "filled"; the book can
 * only end it by canceling what is left (docs/simulator-okx.md). A
 * request that changes nothing succeeds and leaves the order where it
 * is. */
static void
okx_sim_amend_apply(const okx_call *c, xg_sim_order *o,
                    const xg_sim_new_order *no, okx_result *r)
{
    xg_sim_book *b = &c->v->book;
    xg_sim_place_result result = XG_SIM_PLACED;

    if (!okx_sim_filters_ok(c, no, "newPx", r)) {
        return;
    }
    if (no->price == o->price && no->qty == o->qty) {
        okx_sim_result(r, false, 200, "0", "", "amended");
        return;
    }
    if (no->qty <= o->filled) {
        (void)xg_sim_book_cancel(b, o, c->now_ms);
        okx_sim_result(r, false, 200, "0", "", "amended");
        return;
    }
    if (xg_sim_book_amend(b, o, no->price, no->qty, c->now_ms, &result) !=
        XG_OK) {
        /* o is open (the caller checked), so no market order, which
         * never rests: memory ran out. */
        okx_sim_result(r, true, 500, "50026", "System error.", "fault");
        return;
    }
    switch (result) {
    case XG_SIM_PLACED:
        okx_sim_result(r, false, 200, "0", "", "amended");
        break;
    case XG_SIM_INSUFFICIENT:
        okx_sim_result(r, false, 200, "51502",
                       "Unable to edit order: insufficient balance or margin.",
                       "rejected");
        break;
    case XG_SIM_WOULD_TAKE:
        okx_sim_result(r, false, 200, "51511",
                       "Modification failed as the order price did not meet "
                       "the requirement for Post Only.",
                       "rejected");
        break;
    case XG_SIM_TOO_LARGE:
    case XG_SIM_QTY_FILLED: /* not reached: a completing size is above */
    case XG_SIM_DUPLICATE:  /* place only */
        okx_sim_result(r, false, 200, "51000", "Parameter newSz error",
                       "rejected");
        break;
    }
}

/* Amend the order o (NULL: the request names no order of the account) to
 * price px and total size sz (0: unchanged), lock held. With cxl_on_fail
 * an open order the amend fails on is canceled (OKX's cxlOnFail). */
static void
okx_sim_amend_locked(const okx_call *c, xg_sim_order *o, int64_t px, int64_t sz,
                     bool cxl_on_fail, okx_result *r)
{
    xg_sim_new_order no;

    if (px == 0 && sz == 0) {
        okx_sim_result(r, false, 200, "51500",
                       "You must enter a price, quantity, or TP/SL",
                       "rejected");
        return;
    }
    if (o == NULL || !xg_sim_order_is_open(o)) {
        okx_sim_result(r, false, 200, "51503",
                       "Your order has already been filled or canceled.",
                       o == NULL ? "not_found" : "rejected");
        return;
    }
    memset(&no, 0, sizeof(no));
    no.account = o->account;
    no.instrument = o->instrument;
    no.side = o->side;
    no.type = o->type;
    no.tif = o->tif;
    no.price = px != 0 ? px : o->price;
    no.qty = sz != 0 ? sz : o->qty;
    okx_sim_amend_apply(c, o, &no, r);
    if (!okx_sim_result_ok(r) && !r->is_whole && cxl_on_fail &&
        xg_sim_order_is_open(o)) {
        (void)xg_sim_book_cancel(&c->v->book, o, c->now_ms);
    }
}

/* Amend the order c names (lock not held). */
static void
okx_sim_amend_one(const okx_call *c, okx_result *r)
{
    const char *asked = okx_sim_param(c, "clOrdId");
    const char *req_id = okx_sim_param(c, "reqId");
    xg_sim_order *o = NULL;
    int64_t px = 0;
    int64_t sz = 0;
    bool has_px = false;
    bool has_sz = false;
    bool cxl_on_fail = false;

    memset(r, 0, sizeof(*r));
    r->is_amend = true;
    okx_sim_result_cl_id(r, asked);
    if (req_id != NULL && req_id[0] != '\0') {
        /* Like clOrdId: up to 32 letters and digits. */
        if (!okx_sim_cl_id_ok(req_id)) {
            okx_sim_result(r, true, 400, "51000", "Parameter reqId error",
                           "rejected");
            return;
        }
        snprintf(r->req_id, sizeof(r->req_id), "%s", req_id);
    }
    if (!okx_sim_opt_decimal_param(c, "newSz", &sz, &has_sz, r) ||
        !okx_sim_opt_decimal_param(c, "newPx", &px, &has_px, r) ||
        !okx_sim_cxl_on_fail(c, &cxl_on_fail, r)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (!okx_sim_find_order(c, &o, r)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    okx_sim_amend_locked(c, o, has_px ? px : 0, has_sz ? sz : 0, cxl_on_fail,
                         r);
    if (o != NULL) {
        if (asked == NULL || okx_sim_result_ok(r)) {
            okx_sim_result_cl_id(r, o->client_id);
        }
        r->ord_id = o->order_id;
    }
    xg_sim_venue_unlock(c->v);
}

void
okx_sim_amend(const okx_call *c)
{
    okx_result r;

    okx_sim_amend_one(c, &r);
    okx_sim_answer_one(c, &r);
}

void
okx_sim_query(const okx_call *c)
{
    xg_sim_order *o = NULL;
    json_t *item = NULL;
    okx_result r;

    memset(&r, 0, sizeof(r));
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (!okx_sim_find_order(c, &o, &r)) {
        xg_sim_venue_unlock(c->v);
        okx_sim_error(c->resp, r.status, r.code, r.msg, r.outcome);
        return;
    }
    if (o != NULL) {
        item = okx_sim_order_json(&c->v->book, o);
    }
    xg_sim_venue_unlock(c->v);
    if (item == NULL) {
        okx_sim_error(c->resp, 200, "51603", "Order does not exist",
                      "not_found");
        return;
    }
    okx_sim_ok(c->resp, json_pack("[o]", item));
}

typedef void (*okx_action_fn)(const okx_call *c, okx_result *r);

/*
 * Run one action per element of the batch, in order, each against the
 * book as the previous left it (OKX does not make a batch atomic), and
 * answer every order with its own sCode/sMsg. The envelope says whether
 * all ("0"), none ("1") or some ("2") succeeded; a batch has no
 * request-level error of its own past the checks dialect.c made.
 */
static void
okx_sim_batch(const okx_call *c, okx_action_fn action)
{
    json_t *data = json_array();
    size_t n = json_array_size(c->body);
    size_t nok = 0;
    okx_result r;

    for (size_t i = 0; i < n; i++) {
        okx_call one = *c;
        one.body = json_array_get(c->body, i);
        action(&one, &r);
        if (okx_sim_result_ok(&r)) {
            nok++;
        }
        json_array_append_new(data, okx_sim_result_json(c, &r));
        xg_sim_response_log_item(c->resp, r.cl_id, r.outcome,
                                 okx_sim_code_number(r.code));
    }
    const char *code = nok == n ? "0" : nok == 0 ? "1" : "2";
    const char *msg = nok == n   ? ""
                      : nok == 0 ? "All operations failed"
                                 : "Batch operation partially succeeded";
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{ss ss so}", "code", code, "msg", msg, "data", data));
    /* The log shows each order as its single request would (the items
     * above), so the request itself has no code or outcome to log. */
}

void
okx_sim_batch_place(const okx_call *c)
{
    okx_sim_batch(c, okx_sim_place_one);
}

void
okx_sim_batch_amend(const okx_call *c)
{
    okx_sim_batch(c, okx_sim_amend_one);
}

void
okx_sim_batch_cancel(const okx_call *c)
{
    okx_sim_batch(c, okx_sim_cancel_one);
}
