/*
 * market.c - xgsim's KuCoin dialect: the public market data paths
 * (symbols, currencies, service status, level 1 and level 2 books,
 * 24 h statistics, all tickers, recent trades) and the empty answers of
 * what is not modelled (margin symbols, futures contracts).
 *
 * Everything is read from the shared book under the venue lock, after
 * advancing its market to the request's time: the book's depth (synthetic
 * levels and resting orders summed per price) and its tape (trades since
 * start; a trade between two accounts shows once, as its taker). KuCoin's
 * "24 h" figures are the tape's figures since the simulator started, and
 * before the first trade the last, high and low prices are the price the
 * market opened at (the tape's open_price). dialect.c routes here with
 * the Public pool (or, for the full book, the Spot pool) charged; this
 * file calls only common.c and the simulator.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Price levels the full book (v3 level2) lists at most per side: the
 * synthetic levels plus resting orders at other prices. */
#define KUCOIN_FULL_DEPTH 1000

void
kucoin_sim_symbols(const kucoin_call *c)
{
    json_t *data = json_array();

    xg_sim_venue_lock(c->v);
    for (size_t i = 0; data != NULL && i < c->v->book.ninstruments; i++) {
        const xg_sim_instrument *in = &c->v->book.instruments[i];
        json_array_append_new(
            data,
            json_pack("{ss ss ss ss ss ss so so so so so so so so ss sb sb}",
                      "symbol", in->symbol, "name", in->symbol, "baseCurrency",
                      in->base, "quoteCurrency", in->quote, "feeCurrency",
                      in->quote, "market", "USDS", "baseMinSize",
                      kucoin_sim_num(in->min_qty), "quoteMinSize",
                      kucoin_sim_num(in->min_notional), "baseMaxSize",
                      kucoin_sim_num(in->max_qty), "quoteMaxSize",
                      kucoin_sim_num(in->max_notional), "baseIncrement",
                      kucoin_sim_num(in->step), "quoteIncrement",
                      kucoin_sim_num(XG_SIM_SCALE / 1000000), "priceIncrement",
                      kucoin_sim_num(in->tick), "minFunds",
                      kucoin_sim_num(in->min_notional), "priceLimitRate", "0.1",
                      "isMarginEnabled", 0, "enableTrading", 1));
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}

/* Every asset an instrument names, once, with no chains: deposits and
 * withdrawals are not modelled. */
void
kucoin_sim_currencies(const kucoin_call *c)
{
    json_t *data = json_array();

    xg_sim_venue_lock(c->v);
    for (size_t i = 0; data != NULL && i < c->v->book.ninstruments * 2; i++) {
        const xg_sim_instrument *in = &c->v->book.instruments[i / 2];
        const char *asset = i % 2 == 0 ? in->base : in->quote;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const xg_sim_instrument *p = &c->v->book.instruments[j / 2];
            seen = strcmp(asset, j % 2 == 0 ? p->base : p->quote) == 0;
        }
        if (!seen) {
            json_array_append_new(
                data,
                json_pack("{ss ss ss si sn sn sb sb s[]}", "currency", asset,
                          "name", asset, "fullName", asset, "precision", 8,
                          "confirms", "contractAddress", "isMarginEnabled", 0,
                          "isDebitEnabled", 0, "chains"));
        }
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}

void
kucoin_sim_status(const kucoin_call *c)
{
    kucoin_sim_ok(c->resp, json_pack("{ss ss}", "status", "open", "msg", ""),
                  "queried");
}

/* The tape's price, or where the market opened before any trade. */
static int64_t
kucoin_sim_or_open(const xg_sim_market *m, int64_t price)
{
    return price != 0 ? price : m->open_price;
}

/* A book-wide counter that grows with every order and fill, KuCoin's
 * "sequence" (a string). */
static json_t *
kucoin_sim_sequence(const xg_sim_book *b)
{
    char text[48];

    snprintf(text, sizeof(text), "%lld",
             (long long)((int64_t)b->norders + b->nfills));
    return json_string(text);
}

/* The 24 h figures of one instrument, as both /market/stats and each
 * allTickers row print them (lock held). */
static json_t *
kucoin_sim_ticker_json(const xg_sim_venue *v, size_t inst)
{
    const xg_sim_book *b = &v->book;
    const xg_sim_market *m = &b->markets[inst];
    xg_sim_level bid = {0, 0}, ask = {0, 0};
    int64_t last = kucoin_sim_or_open(m, m->last_price);
    int64_t change = last - m->open_price;
    int64_t rate = 0, avg = last;

    (void)xg_sim_book_depth(b, inst, XG_SIM_BUY, 1, &bid);
    (void)xg_sim_book_depth(b, inst, XG_SIM_SELL, 1, &ask);
    /* changeRate has 4 decimals on KuCoin ("-0.0055"). */
    if (m->open_price > 0) {
        int64_t mag = change < 0 ? -change : change;
        if (xg_sim_fixed_div(mag, m->open_price, &rate) == XG_OK) {
            rate = rate / 10000 * 10000;
            rate = change < 0 ? -rate : rate;
        }
    }
    if (m->volume > 0 &&
        xg_sim_fixed_div(m->quote_volume, m->volume, &avg) != XG_OK) {
        avg = last;
    }
    return json_pack(
        "{ss ss so so so so so so so so so so so so so so ss ss}", "symbol",
        b->instruments[inst].symbol, "symbolName", b->instruments[inst].symbol,
        "buy", kucoin_sim_num(bid.price), "bestBidSize",
        kucoin_sim_num(bid.qty), "sell", kucoin_sim_num(ask.price),
        "bestAskSize", kucoin_sim_num(ask.qty), "changeRate",
        kucoin_sim_num(rate), "changePrice", kucoin_sim_num(change), "high",
        kucoin_sim_num(kucoin_sim_or_open(m, m->high_price)), "low",
        kucoin_sim_num(kucoin_sim_or_open(m, m->low_price)), "vol",
        kucoin_sim_num(m->volume), "volValue", kucoin_sim_num(m->quote_volume),
        "last", kucoin_sim_num(last), "averagePrice", kucoin_sim_num(avg),
        "takerFeeRate", kucoin_sim_rate(b->config.taker_fee_ppm),
        "makerFeeRate", kucoin_sim_rate(b->config.maker_fee_ppm),
        "takerCoefficient", "1", "makerCoefficient", "1");
}

void
kucoin_sim_level1(const kucoin_call *c)
{
    size_t inst = 0;
    json_t *data = NULL;

    if (!kucoin_sim_query_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    {
        const xg_sim_book *b = &c->v->book;
        const xg_sim_market *m = &b->markets[inst];
        xg_sim_level bid = {0, 0}, ask = {0, 0};
        const xg_sim_fill *last = NULL;
        (void)xg_sim_book_depth(b, inst, XG_SIM_BUY, 1, &bid);
        (void)xg_sim_book_depth(b, inst, XG_SIM_SELL, 1, &ask);
        (void)xg_sim_book_trades(b, inst, 1, &last);
        data = json_pack(
            "{sI so so so so so so so}", "time", (json_int_t)c->now_ms,
            "sequence", kucoin_sim_sequence(b), "price",
            kucoin_sim_num(kucoin_sim_or_open(m, m->last_price)), "size",
            kucoin_sim_num(last != NULL ? last->qty : 0), "bestBid",
            kucoin_sim_num(bid.price), "bestBidSize", kucoin_sim_num(bid.qty),
            "bestAsk", kucoin_sim_num(ask.price), "bestAskSize",
            kucoin_sim_num(ask.qty));
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}

void
kucoin_sim_stats(const kucoin_call *c)
{
    size_t inst = 0;
    json_t *data = NULL;

    if (!kucoin_sim_query_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    data = kucoin_sim_ticker_json(c->v, inst);
    /* /market/stats has no symbolName and no best sizes. */
    json_object_del(data, "symbolName");
    json_object_del(data, "bestBidSize");
    json_object_del(data, "bestAskSize");
    json_object_set_new(data, "time", json_integer(c->now_ms));
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}

void
kucoin_sim_all_tickers(const kucoin_call *c)
{
    json_t *list = json_array();

    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; list != NULL && i < c->v->book.ninstruments; i++) {
        json_array_append_new(list, kucoin_sim_ticker_json(c->v, i));
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(
        c->resp,
        json_pack("{sI so*}", "time", (json_int_t)c->now_ms, "ticker", list),
        "queried");
}

static json_t *
kucoin_sim_side_json(const xg_sim_level *levels, size_t n)
{
    json_t *side = json_array();

    for (size_t i = 0; side != NULL && i < n; i++) {
        json_array_append_new(side,
                              json_pack("[oo]", kucoin_sim_num(levels[i].price),
                                        kucoin_sim_num(levels[i].qty)));
    }
    return side;
}

void
kucoin_sim_level2(const kucoin_call *c, size_t max_levels)
{
    size_t inst = 0;
    size_t cap = max_levels != 0 ? max_levels : KUCOIN_FULL_DEPTH;
    xg_sim_level *levels = NULL;
    json_t *data = NULL;

    if (!kucoin_sim_query_symbol(c, &inst)) {
        return;
    }
    levels = calloc(cap, sizeof(*levels));
    if (levels == NULL) {
        kucoin_sim_error(c->resp, 500, 500000, "Internal Server Error",
                         "fault");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    {
        size_t nb =
            xg_sim_book_depth(&c->v->book, inst, XG_SIM_BUY, cap, levels);
        json_t *bids = kucoin_sim_side_json(levels, nb);
        size_t na =
            xg_sim_book_depth(&c->v->book, inst, XG_SIM_SELL, cap, levels);
        json_t *asks = kucoin_sim_side_json(levels, na);
        data = json_pack("{sI so so* so*}", "time", (json_int_t)c->now_ms,
                         "sequence", kucoin_sim_sequence(&c->v->book), "bids",
                         bids, "asks", asks);
    }
    xg_sim_venue_unlock(c->v);
    free(levels);
    kucoin_sim_ok(c->resp, data, "queried");
}

/* The newest 100 trades, oldest first, each once with its taker's side;
 * time in nanoseconds, sequence the trade id. */
void
kucoin_sim_histories(const kucoin_call *c)
{
    size_t inst = 0;
    const xg_sim_fill *trades[100];
    json_t *data = json_array();
    char seq[32];

    if (!kucoin_sim_query_symbol(c, &inst)) {
        json_decref(data);
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    size_t n = xg_sim_book_trades(&c->v->book, inst, 100, trades);
    for (size_t i = n; data != NULL && i > 0; i--) {
        const xg_sim_fill *f = trades[i - 1];
        snprintf(seq, sizeof(seq), "%lld", (long long)f->trade_id);
        json_array_append_new(
            data,
            json_pack("{ss so so ss sI}", "sequence", seq, "price",
                      kucoin_sim_num(f->price), "size", kucoin_sim_num(f->qty),
                      "side", f->side == XG_SIM_BUY ? "buy" : "sell", "time",
                      (json_int_t)f->time_ms * 1000000));
    }
    xg_sim_venue_unlock(c->v);
    kucoin_sim_ok(c->resp, data, "queried");
}

void
kucoin_sim_margin_symbols(const kucoin_call *c)
{
    kucoin_sim_ok(
        c->resp,
        json_pack("{sI s[]}", "timestamp", (json_int_t)c->now_ms, "items"),
        "queried");
}

void
kucoin_sim_empty_list(const kucoin_call *c)
{
    kucoin_sim_ok(c->resp, json_array(), "queried");
}
