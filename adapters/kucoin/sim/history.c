/*
 * history.c - xgsim's KuCoin dialect: order history (GET
 * /api/v1/hf/orders/done) and fill history (GET /api/v1/hf/fills), both
 * newest first and paged KuCoin's way: an answer carries "lastId", and a
 * request naming lastId gets what is older than it.
 *
 * lastId is a number: for orders the numeric order id (the 24 hex digits
 * of "id" read as a number), for fills the fill's "id", the book's fill
 * sequence. Both grow with time, so "older than lastId" is "smaller".
 * Fills are walked along the book's per-account chain (or, with orderId,
 * the order's chain), so only the fills the book's bounded history still
 * holds are listed. Optional filters: side, type, startAt / endAt (epoch
 * ms, inclusive), limit (1..100, default 20). dialect.c routes here with
 * the Spot pool charged; this file calls common.c, orders.c's order
 * object and the simulator.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <string.h>

#define KUCOIN_PAGE_DEFAULT 20
#define KUCOIN_PAGE_MAX     100

/* The filters both paths share. */
typedef struct kucoin_filter {
    size_t inst;
    int side; /* -1 any, else xg_sim_side */
    int type; /* -1 any, 0 limit, 1 market */
    int64_t start_ms, end_ms, last_id, limit;
} kucoin_filter;

static bool
kucoin_sim_read_filter(const kucoin_call *c, kucoin_filter *f)
{
    const char *side = xg_sim_params_get(c->params, "side");
    const char *type = xg_sim_params_get(c->params, "type");

    if (!kucoin_sim_query_symbol(c, &f->inst)) {
        return false;
    }
    f->side = -1;
    f->type = -1;
    if (side != NULL && side[0] != '\0') {
        if (strcmp(side, "buy") != 0 && strcmp(side, "sell") != 0) {
            kucoin_sim_error(c->resp, 400, 400100, "side is invalid",
                             "rejected");
            return false;
        }
        f->side = strcmp(side, "buy") == 0 ? XG_SIM_BUY : XG_SIM_SELL;
    }
    if (type != NULL && type[0] != '\0') {
        if (strcmp(type, "limit") != 0 && strcmp(type, "market") != 0) {
            kucoin_sim_error(c->resp, 400, 400100, "type is invalid",
                             "rejected");
            return false;
        }
        f->type = strcmp(type, "limit") == 0 ? 0 : 1;
    }
    if (!kucoin_sim_query_int(c, "lastId", 1, INT64_MAX / 2, 0, &f->last_id) ||
        !kucoin_sim_query_int(c, "limit", 1, KUCOIN_PAGE_MAX,
                              KUCOIN_PAGE_DEFAULT, &f->limit) ||
        !kucoin_sim_query_int(c, "startAt", 0, INT64_MAX / 2, 0,
                              &f->start_ms) ||
        !kucoin_sim_query_int(c, "endAt", 0, INT64_MAX / 2, INT64_MAX / 2,
                              &f->end_ms)) {
        return false;
    }
    if (f->end_ms < f->start_ms) {
        kucoin_sim_error(c->resp, 400, 400100, "endAt is before startAt",
                         "rejected");
        return false;
    }
    return true;
}

static bool
kucoin_sim_keeps(const kucoin_filter *f, size_t inst, xg_sim_side side,
                 xg_sim_type type, int64_t t_ms)
{
    return inst == f->inst && (f->side < 0 || (int)side == f->side) &&
           (f->type < 0 || (type == XG_SIM_MARKET) == (f->type == 1)) &&
           t_ms >= f->start_ms && t_ms <= f->end_ms;
}

/* Closed orders (filled, canceled or expired) of the account, newest
 * first by order id, i.e. by when they were placed; the book keeps every
 * order, so the history reaches back to the start. */
void
kucoin_sim_done(const kucoin_call *c)
{
    kucoin_filter f;
    json_t *items = json_array();
    int64_t last = 0;
    size_t n = 0;

    memset(&f, 0, sizeof(f));
    if (!kucoin_sim_read_filter(c, &f)) {
        json_decref(items);
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    {
        const xg_sim_book *b = &c->v->book;
        /* orders[i].order_id == i + 1: start just below lastId. */
        size_t i = b->norders;
        if (f.last_id > 0 && (uint64_t)(f.last_id - 1) < (uint64_t)i) {
            i = (size_t)(f.last_id - 1);
        }
        for (; items != NULL && i > 0 && n < (size_t)f.limit; i--) {
            const xg_sim_order *o = &b->orders[i - 1];
            if (o->account != c->account || xg_sim_order_is_open(o) ||
                !kucoin_sim_keeps(&f, o->instrument, o->side, o->type,
                                  o->time_ms)) {
                continue;
            }
            json_array_append_new(items, kucoin_sim_order_json(b, o));
            last = o->order_id;
            n++;
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(
        c->resp,
        json_pack("{sI so*}", "lastId", (json_int_t)last, "items", items),
        "queried");
}

/* One fill as KuCoin's HF fill list shows it (lock held). counterOrderId
 * is the other account's order for a trade between two accounts, "" for
 * a fill against the synthetic liquidity (which has no order). */
static json_t *
kucoin_sim_fill_json(const xg_sim_book *b, const xg_sim_fill *fl)
{
    const xg_sim_order *o = &b->orders[fl->order_id - 1];
    char id[32], counter[32] = "";

    kucoin_sim_format_order_id(fl->order_id, id);
    for (int64_t d = -1; d <= 1; d += 2) {
        const xg_sim_fill *other = xg_sim_book_fill(b, fl->seq + d);
        if (other != NULL && other->trade_id == fl->trade_id &&
            other->order_id != fl->order_id) {
            kucoin_sim_format_order_id(other->order_id, counter);
        }
    }
    return json_pack(
        "{sI ss sI ss ss ss ss sb so so so so so ss ss ss ss ss ss sI}", "id",
        (json_int_t)fl->seq, "symbol", b->instruments[fl->instrument].symbol,
        "tradeId", (json_int_t)fl->trade_id, "orderId", id, "counterOrderId",
        counter, "side", fl->side == XG_SIM_BUY ? "buy" : "sell", "liquidity",
        fl->is_maker ? "maker" : "taker", "forceTaker", 0, "price",
        kucoin_sim_num(fl->price), "size", kucoin_sim_num(fl->qty), "funds",
        kucoin_sim_num(fl->quote), "fee", kucoin_sim_num(fl->fee), "feeRate",
        kucoin_sim_rate(fl->is_maker ? b->config.maker_fee_ppm
                                     : b->config.taker_fee_ppm),
        "feeCurrency",
        fl->is_fee_quote ? b->instruments[fl->instrument].quote
                         : b->instruments[fl->instrument].base,
        "stop", "", "tradeType", "TRADE", "taxRate", "0", "tax", "0", "type",
        o->type == XG_SIM_MARKET ? "market" : "limit", "createdAt",
        (json_int_t)fl->time_ms);
}

/* ?orderId= lists that order's fills (KuCoin then ignores the other
 * filters but symbol); a malformed or unknown orderId lists none. */
void
kucoin_sim_fills(const kucoin_call *c)
{
    kucoin_filter f;
    const char *order_text = xg_sim_params_get(c->params, "orderId");
    bool by_order = order_text != NULL && order_text[0] != '\0';
    json_t *items = json_array();
    int64_t last = 0, seq = 0, oid = 0;
    size_t n = 0;

    memset(&f, 0, sizeof(f));
    if (!kucoin_sim_read_filter(c, &f)) {
        json_decref(items);
        return;
    }
    if (by_order && (strlen(order_text) > 32 ||
                     !kucoin_sim_parse_order_id(order_text, &oid))) {
        oid = 0;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    {
        const xg_sim_book *b = &c->v->book;
        if (by_order) {
            const xg_sim_order *o =
                oid > 0 ? xg_sim_book_by_id(&c->v->book, c->account, oid)
                        : NULL;
            seq = o != NULL && o->instrument == f.inst ? o->last_fill_seq : 0;
            f.side = -1;
            f.type = -1;
            f.start_ms = 0;
            f.end_ms = INT64_MAX / 2;
        } else {
            seq = b->accounts[c->account].last_fill_seq;
        }
        while (items != NULL && seq > 0 && n < (size_t)f.limit) {
            const xg_sim_fill *fl = xg_sim_book_fill(b, seq);
            if (fl == NULL) {
                break; /* older fills left the bounded history */
            }
            seq = by_order ? fl->prev_order_seq : fl->prev_account_seq;
            if ((f.last_id > 0 && fl->seq >= f.last_id) ||
                !kucoin_sim_keeps(&f, fl->instrument, fl->side,
                                  b->orders[fl->order_id - 1].type,
                                  fl->time_ms)) {
                continue;
            }
            json_array_append_new(items, kucoin_sim_fill_json(b, fl));
            last = fl->seq;
            n++;
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(
        c->resp,
        json_pack("{so* sI}", "items", items, "lastId", (json_int_t)last),
        "queried");
}
