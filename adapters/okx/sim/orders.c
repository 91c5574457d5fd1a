/*
 * orders.c - the trading and account endpoints of xgsim's OKX dialect:
 * place, cancel, order details, pending orders and balances, translated
 * between OKX's JSON (fact sheet, "Response shapes" and "Enums") and the
 * simulator's book. Order answers carry per-order sCode/sMsg with the
 * envelope code "1" when the order failed; order details report state
 * live / partially_filled / filled / canceled (an IOC or FOK remainder is
 * "canceled", as OKX shows it). Pending orders come in pages anchored on
 * an ordId (after / before / limit), as OKX pages them. dialect.c routes
 * authenticated requests here, their limits already charged; this file
 * calls only common.c (error envelope, parameters) and the simulator.
 */
#include "okx_sim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An order answer {"code","msg","data":[{clOrdId, ordId, sCode, sMsg}]}. */
static void
okx_sim_order_answer(const okx_call *c, const char *cl_id, int64_t ord_id,
                     const char *s_code, const char *s_msg, const char *outcome)
{
    char id[24] = "";
    char ts[24];
    bool ok = strcmp(s_code, "0") == 0;
    int n = 0;

    if (ord_id > 0) {
        snprintf(id, sizeof(id), "%lld", (long long)ord_id);
    }
    snprintf(ts, sizeof(ts), "%lld", (long long)c->now_ms);
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{ss ss s[{ss ss ss ss ss ss ss}]}", "code", ok ? "0" : "1",
                  "msg", ok ? "" : "All operations failed", "data", "clOrdId",
                  cl_id != NULL ? cl_id : "", "ordId", id, "tag", "", "ts", ts,
                  "sCode", s_code, "sMsg", s_msg, "subCode", ""));
    for (const char *p = s_code; *p >= '0' && *p <= '9' && n < 100000000; p++) {
        n = n * 10 + (*p - '0');
    }
    c->resp->code = n;
    c->resp->outcome = outcome;
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

static json_t *
okx_sim_amount(int64_t v)
{
    char buf[XG_SIM_FIXED_BUFSZ];
    size_t n = 0;

    xg_sim_fixed_format(v, buf);
    n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0') {
        buf[--n] = '\0';
    }
    if (n > 0 && buf[n - 1] == '.') {
        buf[--n] = '\0';
    }
    return json_string(buf);
}

/* "-0.0001" (OKX signs a charged fee negative), "0" for none. */
static void
okx_sim_fee_text(int64_t fee, char out[XG_SIM_FIXED_BUFSZ + 1])
{
    char buf[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format_short(fee, buf);
    snprintf(out, XG_SIM_FIXED_BUFSZ + 1, "%s%s", fee > 0 ? "-" : "", buf);
}

static const char *
okx_sim_state_name(const xg_sim_order *o)
{
    switch (o->status) {
    case XG_SIM_NEW:
        return "live";
    case XG_SIM_PARTIALLY_FILLED:
        return "partially_filled";
    case XG_SIM_FILLED:
        return "filled";
    case XG_SIM_CANCELED:
    case XG_SIM_EXPIRED:
        return "canceled";
    }
    return "live";
}

static const char *
okx_sim_ord_type_name(const xg_sim_order *o)
{
    if (o->type == XG_SIM_MARKET) {
        return "market";
    }
    if (o->type == XG_SIM_LIMIT_MAKER) {
        return "post_only";
    }
    return o->tif == XG_SIM_IOC   ? "ioc"
           : o->tif == XG_SIM_FOK ? "fok"
                                  : "limit";
}

/* Order details as GET /trade/order and /orders-pending give them (lock
 * held). */
static json_t *
okx_sim_order_json(const xg_sim_book *b, const xg_sim_order *o)
{
    char id[24];
    char c_time[24];
    char u_time[24];
    char fee[XG_SIM_FIXED_BUFSZ + 1];
    char trade[24] = "";
    char fill_time[24] = "";
    const xg_sim_instrument *in = &b->instruments[o->instrument];

    snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
    snprintf(c_time, sizeof(c_time), "%lld", (long long)o->time_ms);
    snprintf(u_time, sizeof(u_time), "%lld", (long long)o->update_ms);
    /* OKX gives the fee as a negative number (a charge; a rebate would
     * be positive), in the currency received. */
    okx_sim_fee_text(o->fee, fee);
    if (o->nfills > 0) {
        snprintf(trade, sizeof(trade), "%lld", (long long)o->last_trade_id);
        snprintf(fill_time, sizeof(fill_time), "%lld", (long long)o->update_ms);
    }
    return json_pack(
        "{ss ss ss ss so so ss ss ss ss so so so so ss ss ss ss ss ss ss ss}",
        "instType", "SPOT", "instId", in->symbol, "ordId", id, "clOrdId",
        o->client_id, "px",
        o->type == XG_SIM_MARKET ? json_string("") : okx_sim_amount(o->price),
        "sz", okx_sim_amount(o->qty), "ordType", okx_sim_ord_type_name(o),
        "side", o->side == XG_SIM_BUY ? "buy" : "sell", "state",
        okx_sim_state_name(o), "tdMode", "cash", "accFillSz",
        okx_sim_amount(o->filled), "fillSz", okx_sim_amount(o->last_fill_qty),
        "avgPx",
        o->filled > 0 ? okx_sim_amount(xg_sim_order_avg_price(o))
                      : json_string(""),
        "fillPx",
        o->filled > 0 ? okx_sim_amount(o->last_fill_price) : json_string(""),
        "fee", fee, "feeCcy", xg_sim_order_fee_asset(b, o), "tradeId", trade,
        "fillTime", fill_time, "tgtCcy", "", "tag", "", "cTime", c_time,
        "uTime", u_time);
}

/* A required decimal parameter; false (resp set) if missing or bad. */
static bool
okx_sim_decimal_param(const okx_call *c, const char *key, int64_t *out)
{
    const char *text = okx_sim_param(c, key);
    char msg[64];

    if (text == NULL || text[0] == '\0') {
        snprintf(msg, sizeof(msg), "Parameter %s can not be empty.", key);
        okx_sim_error(c->resp, 400, "50014", msg, "rejected");
        return false;
    }
    if (xg_sim_fixed_parse(text, out) != XG_OK || *out <= 0) {
        snprintf(msg, sizeof(msg), "Parameter %s error", key);
        okx_sim_error(c->resp, 400, "51000", msg, "rejected");
        return false;
    }
    return true;
}

/* The parts of a new order that need no lock; false (resp set) if the
 * request is malformed. */
static bool
okx_sim_read_order(const okx_call *c, xg_sim_new_order *no, bool *quote_sized,
                   const char **cl_id)
{
    const char *inst_id = okx_sim_param(c, "instId");
    const char *td_mode = okx_sim_param(c, "tdMode");
    const char *side = okx_sim_param(c, "side");
    const char *type = okx_sim_param(c, "ordType");
    const char *tgt = okx_sim_param(c, "tgtCcy");

    memset(no, 0, sizeof(*no));
    no->account = c->account;
    *cl_id = okx_sim_param(c, "clOrdId");
    if (*cl_id != NULL && !okx_sim_cl_id_ok(*cl_id)) {
        okx_sim_error(c->resp, 400, "51000", "Parameter clOrdId error",
                      "rejected");
        return false;
    }
    if (inst_id == NULL || td_mode == NULL || side == NULL || type == NULL) {
        okx_sim_error(c->resp, 400, "50014",
                      "Parameter instId, tdMode, side or ordType can not be "
                      "empty.",
                      "rejected");
        return false;
    }
    if (strcmp(td_mode, "cash") != 0) {
        okx_sim_error(c->resp, 400, "51000", "Parameter tdMode error",
                      "rejected");
        return false;
    }
    if (strcmp(side, "buy") == 0) {
        no->side = XG_SIM_BUY;
    } else if (strcmp(side, "sell") == 0) {
        no->side = XG_SIM_SELL;
    } else {
        okx_sim_error(c->resp, 400, "51000", "Parameter side error",
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
        okx_sim_error(c->resp, 400, "51000", "Parameter ordType error",
                      "rejected");
        return false;
    }
    if (!okx_sim_decimal_param(c, "sz", &no->qty)) {
        return false;
    }
    if (no->type != XG_SIM_MARKET &&
        !okx_sim_decimal_param(c, "px", &no->price)) {
        return false;
    }
    /* Spot market buys are sized in the quote unless tgtCcy=base_ccy. */
    *quote_sized =
        no->type == XG_SIM_MARKET &&
        (tgt != NULL ? strcmp(tgt, "quote_ccy") == 0 : no->side == XG_SIM_BUY);
    if (xg_sim_book_find_instrument(&c->v->book, inst_id, &no->instrument) !=
        XG_OK) {
        okx_sim_order_answer(c, *cl_id, 0, "51001",
                             "Instrument ID does not exist.", "rejected");
        return false;
    }
    return true;
}

void
okx_sim_place(const okx_call *c)
{
    xg_sim_new_order no;
    bool quote_sized = false;
    const char *cl_id = NULL;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *ord = NULL;
    xg_sim_book *b = &c->v->book;

    if (!okx_sim_read_order(c, &no, &quote_sized, &cl_id)) {
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
            okx_sim_error(c->resp, 400, "51000", "Parameter sz error",
                          "rejected");
            return;
        }
    }
    switch (xg_sim_book_check_filters(b, &no)) {
    case XG_SIM_FILTER_OK:
    case XG_SIM_FILTER_NOTIONAL:
        break;
    case XG_SIM_FILTER_PRICE:
        /* Live OKX answers a price off the tick grid as a parameter error
         * of px, and one outside the instrument's range as a price-limit
         * breach. */
        if (no.price >= in->min_price && no.price <= in->max_price) {
            okx_sim_order_answer(c, cl_id, 0, "51000", "Parameter px error",
                                 "rejected");
        } else {
            okx_sim_order_answer(c, cl_id, 0, "51006",
                                 "Order price is not within the price limit.",
                                 "rejected");
        }
        return;
    case XG_SIM_FILTER_LOT:
        if (no.qty < in->min_qty) {
            okx_sim_order_answer(c, cl_id, 0, "51020",
                                 "Your order should meet or exceed the minimum "
                                 "order amount.",
                                 "rejected");
        } else {
            okx_sim_order_answer(c, cl_id, 0, "51121",
                                 "Order quantity must be a multiple of the lot "
                                 "size.",
                                 "rejected");
        }
        return;
    }

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(b, c->now_ms);
    xg_err err = xg_sim_book_place(b, &no, c->now_ms, &result, &ord);
    int64_t ord_id = ord != NULL ? ord->order_id : 0;
    xg_sim_venue_unlock(c->v);
    if (err != XG_OK) {
        okx_sim_error(c->resp, 500, "50026", "System error.", "fault");
        return;
    }
    switch (result) {
    case XG_SIM_PLACED:
        okx_sim_order_answer(c, cl_id, ord_id, "0", "Order placed", "placed");
        return;
    case XG_SIM_DUPLICATE:
        okx_sim_order_answer(c, cl_id, 0, "51016", "Duplicated clOrdId",
                             "rejected");
        return;
    case XG_SIM_INSUFFICIENT:
        okx_sim_order_answer(c, cl_id, 0, "51008",
                             "Order failed. Insufficient balance.", "rejected");
        return;
    case XG_SIM_WOULD_TAKE:
        /* Real OKX accepts then cancels such a post_only order; xgsim
         * refuses it up front (docs/simulator-okx.md). */
        okx_sim_order_answer(c, cl_id, 0, "51000",
                             "Post only order would take liquidity.",
                             "rejected");
        return;
    case XG_SIM_TOO_LARGE:
        okx_sim_order_answer(c, cl_id, 0, "51000", "Parameter sz error",
                             "rejected");
        return;
    }
}

/* The order named by ordId or clOrdId (ordId wins) of the account on
 * instId (lock held); NULL if none. false (resp set) if the request names
 * neither. */
static bool
okx_sim_find_order(const okx_call *c, xg_sim_order **out)
{
    const char *inst_id = okx_sim_param(c, "instId");
    const char *ord_id = okx_sim_param(c, "ordId");
    const char *cl_id = okx_sim_param(c, "clOrdId");
    size_t inst = 0;
    xg_sim_order *o = NULL;

    *out = NULL;
    if (inst_id == NULL || ((ord_id == NULL || ord_id[0] == '\0') &&
                            (cl_id == NULL || cl_id[0] == '\0'))) {
        okx_sim_error(c->resp, 400, "50014",
                      "Parameter instId and ordId or clOrdId can not be "
                      "empty.",
                      "rejected");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, inst_id, &inst) != XG_OK) {
        okx_sim_error(c->resp, 200, "51001", "Instrument ID does not exist.",
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

void
okx_sim_cancel(const okx_call *c)
{
    xg_sim_order *o = NULL;
    char cl_id[XG_SIM_CLIENT_ID_LEN] = "";
    int64_t ord_id = 0;
    const char *why = NULL;
    const char *code = "0";

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (!okx_sim_find_order(c, &o)) {
        xg_sim_venue_unlock(c->v);
        return;
    }
    if (o == NULL) {
        code = "51400";
        why = "Order cancellation failed as the order does not exist.";
    } else if (o->status == XG_SIM_FILLED) {
        code = "51402";
        why = "Order cancellation failed as the order has been completed.";
    } else if (!xg_sim_order_is_open(o)) {
        code = "51401";
        why = "Order cancellation failed as the order has been canceled.";
    } else if (xg_sim_book_cancel(&c->v->book, o, c->now_ms) != XG_OK) {
        code = "51400";
        why = "Order cancellation failed as the order does not exist.";
    }
    if (o != NULL) {
        snprintf(cl_id, sizeof(cl_id), "%s", o->client_id);
        ord_id = o->order_id;
    }
    xg_sim_venue_unlock(c->v);
    if (why != NULL) {
        const char *asked = okx_sim_param(c, "clOrdId");
        okx_sim_order_answer(c, asked != NULL ? asked : cl_id, ord_id, code,
                             why, o == NULL ? "not_found" : "rejected");
        return;
    }
    okx_sim_order_answer(c, cl_id, ord_id, "0", "", "canceled");
}

void
okx_sim_query(const okx_call *c)
{
    xg_sim_order *o = NULL;
    json_t *item = NULL;

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    if (!okx_sim_find_order(c, &o)) {
        xg_sim_venue_unlock(c->v);
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
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{ss ss s[o]}", "code", "0", "msg", "", "data", item));
    c->resp->outcome = "queried";
}

/* OKX's largest and default page of GET /trade/orders-pending. */
#define OKX_SIM_PAGE 100

/* A paging parameter of orders-pending: absent or "" leaves *out as it
 * is; else all digits with a value in [min, max] goes to *out. false for
 * anything else (the caller answers OKX's parameter error). */
static bool
okx_sim_page_param(const okx_call *c, const char *key, int64_t min, int64_t max,
                   int64_t *out)
{
    const char *text = okx_sim_param(c, key);
    int64_t v = 0;

    if (text == NULL || text[0] == '\0') {
        return true;
    }
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10) {
            return false;
        }
        v = v * 10 + (*p - '0');
    }
    if (v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* Whether o is listed by this pending request (lock held). */
static bool
okx_sim_pending_match(const okx_call *c, const xg_sim_order *o,
                      const char *inst_id)
{
    return o->account == c->account && xg_sim_order_is_open(o) &&
           (inst_id == NULL ||
            strcmp(inst_id, c->v->book.instruments[o->instrument].symbol) == 0);
}

/*
 * Open orders, newest first by ordId, at most `limit` (1..100, default
 * 100). Pages are anchored on an order, not an offset: "after" lists the
 * orders older than that ordId, "before" the ones newer (the `limit`
 * nearest to it, still shown newest first); both together bound the
 * range from both sides. An order placed, filled or canceled between two
 * pages therefore never shifts the next one. The anchor need not be an
 * open order, or exist at all. Ids are the book's (1, 2, ... in placing
 * order), so "newest" is the largest.
 */
void
okx_sim_pending(const okx_call *c)
{
    const char *type = okx_sim_param(c, "instType");
    const char *inst_id = okx_sim_param(c, "instId");
    int64_t after = -1;
    int64_t before = -1;
    int64_t limit = OKX_SIM_PAGE;
    size_t picked[OKX_SIM_PAGE];
    size_t n = 0;
    json_t *data = NULL;
    const xg_sim_book *b = &c->v->book;

    if (!okx_sim_page_param(c, "after", 0, INT64_MAX, &after)) {
        okx_sim_error(c->resp, 400, "51000", "Parameter after error",
                      "rejected");
        return;
    }
    if (!okx_sim_page_param(c, "before", 0, INT64_MAX, &before)) {
        okx_sim_error(c->resp, 400, "51000", "Parameter before error",
                      "rejected");
        return;
    }
    if (!okx_sim_page_param(c, "limit", 1, OKX_SIM_PAGE, &limit)) {
        okx_sim_error(c->resp, 400, "51000", "Parameter limit error",
                      "rejected");
        return;
    }
    if (type != NULL && strcmp(type, "SPOT") != 0) {
        /* Only spot exists here: nothing pending of another type. */
        inst_id = "";
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    /* Ids hi down to lo (inclusive) are in range. */
    int64_t top = (int64_t)b->norders;
    int64_t hi = after >= 0 && after <= top ? after - 1 : top;
    int64_t lo = before < 0 ? 1 : before < top ? before + 1 : top + 1;
    if (before >= 0 && after < 0) {
        /* The `limit` nearest above "before", then turned newest first. */
        for (int64_t id = lo; id <= hi && n < (size_t)limit; id++) {
            if (okx_sim_pending_match(c, &b->orders[id - 1], inst_id)) {
                picked[n++] = (size_t)(id - 1);
            }
        }
        for (size_t i = 0; i < n / 2; i++) {
            size_t t = picked[i];
            picked[i] = picked[n - 1 - i];
            picked[n - 1 - i] = t;
        }
    } else {
        for (int64_t id = hi; id >= lo && n < (size_t)limit; id--) {
            if (okx_sim_pending_match(c, &b->orders[id - 1], inst_id)) {
                picked[n++] = (size_t)(id - 1);
            }
        }
    }
    data = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(data,
                              okx_sim_order_json(b, &b->orders[picked[i]]));
    }
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{ss ss so}", "code", "0", "msg", "", "data", data));
    c->resp->outcome = "queried";
}

void
okx_sim_balance(const okx_call *c)
{
    const char *ccy = okx_sim_param(c, "ccy");
    json_t *details = json_array();
    const xg_sim_account *a = &c->v->book.accounts[c->account];
    char ts[24];

    snprintf(ts, sizeof(ts), "%lld", (long long)c->now_ms);
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; i < a->nbalances; i++) {
        const xg_sim_balance *bal = &a->balances[i];
        /* ccy is a comma-separated list ("BTC,USDT"). */
        if (ccy != NULL && ccy[0] != '\0') {
            const char *p = strstr(ccy, bal->asset);
            size_t n = strlen(bal->asset);
            if (p == NULL || (p != ccy && p[-1] != ',') ||
                (p[n] != '\0' && p[n] != ',')) {
                continue;
            }
        }
        json_array_append_new(
            details,
            json_pack("{ss so so so ss}", "ccy", bal->asset, "availBal",
                      okx_sim_amount(bal->free), "frozenBal",
                      okx_sim_amount(bal->locked), "cashBal",
                      okx_sim_amount(bal->free + bal->locked), "uTime", ts));
    }
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(c->resp, 200,
                         json_pack("{ss ss s[{so ss}]}", "code", "0", "msg", "",
                                   "data", "details", details, "uTime", ts));
    c->resp->outcome = "queried";
}
