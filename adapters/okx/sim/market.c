/*
 * market.c - the public market data of xgsim's OKX dialect: GET
 * /market/ticker, /market/tickers, /market/books and /market/trades,
 * read from the book's market (sim/book.h) as OKX shows it.
 *
 * The book is the synthetic levels and every account's resting orders,
 * summed per price (xg_sim_book_depth); each level is OKX's four strings
 * [px, sz, "0", number of orders], where the synthetic liquidity at a
 * price counts as one order. The tape is the instrument's trades since
 * the simulator started, a trade between two accounts once, with its
 * taker's side: the ticker's "24h" fields (open24h, high24h, low24h,
 * vol24h, volCcy24h) cover that whole tape, since a simulator run is
 * short, with open24h the reference the market opened at; last is the
 * newest trade's price, or the opening reference before any trade.
 * dialect.c routes the requests here, their limits (per client IP)
 * already charged; this file calls only common.c and the simulator.
 */
#include "okx_sim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* OKX's largest /market/books sz and /market/trades limit. */
#define OKX_SIM_BOOK_MAX   400
#define OKX_SIM_TRADES_MAX 500

/* The instrument instId names; false (resp set) if absent or unknown. */
static bool
okx_sim_inst_param(const okx_call *c, size_t *inst)
{
    const char *inst_id = okx_sim_param(c, "instId");

    if (inst_id == NULL || inst_id[0] == '\0') {
        okx_sim_error(c->resp, 400, "50014",
                      "Parameter instId can not be empty.", "rejected");
        return false;
    }
    /* Instruments are fixed after setup: no lock needed. */
    if (xg_sim_book_find_instrument(&c->v->book, inst_id, inst) != XG_OK) {
        okx_sim_error(c->resp, 200, "51001", "Instrument ID does not exist.",
                      "rejected");
        return false;
    }
    return true;
}

/* One instrument's ticker (lock held, market advanced). */
static json_t *
okx_sim_ticker_json(const okx_call *c, size_t inst)
{
    const xg_sim_book *b = &c->v->book;
    const xg_sim_market *m = &b->markets[inst];
    xg_sim_level bid, ask;
    const xg_sim_fill *last = NULL;
    char ts[24];
    int64_t open = m->open_price;
    int64_t last_px = open;
    int64_t high = open;
    int64_t low = open;

    memset(&bid, 0, sizeof(bid));
    memset(&ask, 0, sizeof(ask));
    xg_sim_book_depth(b, inst, XG_SIM_BUY, 1, &bid);
    xg_sim_book_depth(b, inst, XG_SIM_SELL, 1, &ask);
    xg_sim_book_trades(b, inst, 1, &last);
    if (m->ntrades > 0) {
        last_px = m->last_price;
        high = m->high_price > open ? m->high_price : open;
        low = m->low_price < open ? m->low_price : open;
    }
    okx_sim_ms_text(c->now_ms, ts);
    return json_pack(
        "{ss ss so so so so so so so so so so so ss so so}", "instType", "SPOT",
        "instId", b->instruments[inst].symbol, "last", okx_sim_amount(last_px),
        "lastSz", okx_sim_amount(last != NULL ? last->qty : 0), "askPx",
        ask.price > 0 ? okx_sim_amount(ask.price) : json_string(""), "askSz",
        okx_sim_amount(ask.qty), "bidPx",
        bid.price > 0 ? okx_sim_amount(bid.price) : json_string(""), "bidSz",
        okx_sim_amount(bid.qty), "open24h", okx_sim_amount(open), "high24h",
        okx_sim_amount(high), "low24h", okx_sim_amount(low), "volCcy24h",
        okx_sim_amount(m->quote_volume), "vol24h", okx_sim_amount(m->volume),
        "ts", ts, "sodUtc0", okx_sim_amount(open), "sodUtc8",
        okx_sim_amount(open));
}

void
okx_sim_ticker(const okx_call *c)
{
    size_t inst = 0;

    if (!okx_sim_inst_param(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    json_t *item = okx_sim_ticker_json(c, inst);
    xg_sim_venue_unlock(c->v);
    okx_sim_ok(c->resp, json_pack("[o]", item));
}

void
okx_sim_tickers(const okx_call *c)
{
    okx_inst_type t = OKX_TYPE_NONE;
    json_t *data = NULL;

    if (!okx_sim_inst_type_param(c, true, &t)) {
        return;
    }
    data = json_array();
    if (t == OKX_TYPE_SPOT) {
        xg_sim_venue_lock(c->v);
        xg_sim_book_advance(&c->v->book, c->now_ms);
        for (size_t i = 0; i < c->v->book.ninstruments; i++) {
            json_array_append_new(data, okx_sim_ticker_json(c, i));
        }
        xg_sim_venue_unlock(c->v);
    }
    okx_sim_ok(c->resp, data);
}

/* How many resting orders rest at price on side (lock held). */
static int64_t
okx_sim_orders_at(const xg_sim_book *b, size_t inst, xg_sim_side side,
                  int64_t price, int64_t *qty)
{
    const xg_sim_market *m = &b->markets[inst];
    const size_t *idx = side == XG_SIM_BUY ? m->bids : m->asks;
    size_t n = side == XG_SIM_BUY ? m->nbids : m->nasks;
    int64_t count = 0;

    *qty = 0;
    for (size_t i = 0; i < n; i++) {
        const xg_sim_order *o = &b->orders[idx[i]];
        if (o->price == price) {
            count++;
            *qty += o->qty - o->filled;
        }
    }
    return count;
}

/* One side of the book as OKX's [px, sz, "0", orders] arrays (lock
 * held). */
static json_t *
okx_sim_side_json(const xg_sim_book *b, size_t inst, xg_sim_side side,
                  size_t max)
{
    xg_sim_level levels[OKX_SIM_BOOK_MAX];
    size_t n = xg_sim_book_depth(b, inst, side, max, levels);
    json_t *out = json_array();

    for (size_t i = 0; i < n; i++) {
        int64_t resting = 0;
        int64_t count =
            okx_sim_orders_at(b, inst, side, levels[i].price, &resting);
        char orders[24];
        /* The synthetic liquidity at a price counts as one order. */
        okx_sim_ms_text(count + (levels[i].qty > resting ? 1 : 0), orders);
        json_array_append_new(
            out, json_pack("[o o s s]", okx_sim_amount(levels[i].price),
                           okx_sim_amount(levels[i].qty), "0", orders));
    }
    return out;
}

/* GET /market/books: sz levels a side, 1..400, default 1 (OKX's). */
void
okx_sim_books(const okx_call *c)
{
    size_t inst = 0;
    int64_t sz = 1;
    char ts[24];

    if (!okx_sim_inst_param(c, &inst)) {
        return;
    }
    if (!okx_sim_uint_param(c, "sz", 1, OKX_SIM_BOOK_MAX, &sz)) {
        okx_sim_param_error(c, "sz");
        return;
    }
    okx_sim_ms_text(c->now_ms, ts);
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    json_t *asks =
        okx_sim_side_json(&c->v->book, inst, XG_SIM_SELL, (size_t)sz);
    json_t *bids = okx_sim_side_json(&c->v->book, inst, XG_SIM_BUY, (size_t)sz);
    xg_sim_venue_unlock(c->v);
    okx_sim_ok(c->resp,
               json_pack("[{so so ss}]", "asks", asks, "bids", bids, "ts", ts));
}

/* GET /market/trades: the newest `limit` trades, 1..500, default 100. */
void
okx_sim_trades(const okx_call *c)
{
    size_t inst = 0;
    int64_t limit = 100;
    const xg_sim_fill *trades[OKX_SIM_TRADES_MAX];
    json_t *data = NULL;

    if (!okx_sim_inst_param(c, &inst)) {
        return;
    }
    if (!okx_sim_uint_param(c, "limit", 1, OKX_SIM_TRADES_MAX, &limit)) {
        okx_sim_param_error(c, "limit");
        return;
    }
    data = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    size_t n = xg_sim_book_trades(&c->v->book, inst, (size_t)limit, trades);
    for (size_t i = 0; i < n; i++) {
        char id[24], ts[24];
        okx_sim_ms_text(trades[i]->trade_id, id);
        okx_sim_ms_text(trades[i]->time_ms, ts);
        json_array_append_new(
            data, json_pack("{ss ss so so ss ss ss}", "instId",
                            c->v->book.instruments[inst].symbol, "tradeId", id,
                            "px", okx_sim_amount(trades[i]->price), "sz",
                            okx_sim_amount(trades[i]->qty), "side",
                            trades[i]->side == XG_SIM_BUY ? "buy" : "sell",
                            "ts", ts, "count", "1"));
    }
    xg_sim_venue_unlock(c->v);
    okx_sim_ok(c->resp, data);
}
