/*
 * market_data.c - xgsim's Binance dialect: the public market-data paths
 * (depth, recent trades, the 24 h, price and book tickers, average
 * price), answered from the simulator's market as Binance's rest-api.md
 * shapes them.
 *
 * The book (sim/book.h) gives each side's levels with synthetic and
 * resting quantity summed per price, the instrument's trades from the
 * fill history, and its tape since start; this file only chooses and
 * formats. dialect.c charges each path its weight (depth by limit, the
 * tickers by how many symbols) before calling here, so nothing here
 * touches the limits. The 24 h window of the tickers is the simulator's
 * whole run: it opened at the starting reference (openPrice, and the
 * last price until the first trade), which counts towards high and low.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BINANCE_DAY_MS ((int64_t)BINANCE_DAY_S * 1000)

/* The venue's depth limit is at most 5000; more is answered as 5000. */
#define BINANCE_DEPTH_MAX  5000
#define BINANCE_TRADES_MAX 1000

/* A version of the instrument's book for lastUpdateId: it grows with
 * every walk step, order and fill (sim/book.h keeps no update id of its
 * own; a cancel alone does not move it). Lock held. */
static int64_t
binance_sim_update_id(const xg_sim_book *b, size_t inst)
{
    return b->markets[inst].steps + b->nfills + (int64_t)b->norders;
}

static json_t *
binance_sim_levels_json(const xg_sim_level *lv, size_t n)
{
    json_t *arr = json_array();

    for (size_t i = 0; arr != NULL && i < n; i++) {
        json_array_append_new(arr,
                              json_pack("[oo]", binance_sim_amount(lv[i].price),
                                        binance_sim_amount(lv[i].qty)));
    }
    return arr;
}

void
binance_sim_depth(const binance_call *c)
{
    size_t inst = 0;
    int64_t limit = 100;
    xg_sim_level *bids = NULL;
    xg_sim_level *asks = NULL;
    size_t nb = 0;
    size_t na = 0;
    int64_t id = 0;

    if (!binance_sim_symbol(c, &inst) ||
        !binance_sim_param_limit(c->resp, c->params, 100, BINANCE_DEPTH_MAX,
                                 &limit)) {
        return;
    }
    bids = calloc((size_t)limit, sizeof(*bids));
    asks = calloc((size_t)limit, sizeof(*asks));
    if (bids == NULL || asks == NULL) {
        free(bids);
        free(asks);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    nb = xg_sim_book_depth(&c->v->book, inst, XG_SIM_BUY, (size_t)limit, bids);
    na = xg_sim_book_depth(&c->v->book, inst, XG_SIM_SELL, (size_t)limit, asks);
    id = binance_sim_update_id(&c->v->book, inst);
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(c->resp, 200,
                         json_pack("{sI so so}", "lastUpdateId", (json_int_t)id,
                                   "bids", binance_sim_levels_json(bids, nb),
                                   "asks", binance_sim_levels_json(asks, na)));
    c->resp->outcome = "queried";
    free(bids);
    free(asks);
}

/* Whether the buyer of a tape trade was the maker. The book shows a trade
 * by its taker's fill when it has one; a fill that is a maker's (the walk
 * crossing a resting order) had the synthetic side as taker. */
static bool
binance_sim_is_buyer_maker(const xg_sim_fill *f)
{
    return f->is_maker ? f->side == XG_SIM_BUY : f->side == XG_SIM_SELL;
}

void
binance_sim_recent_trades(const binance_call *c)
{
    size_t inst = 0;
    int64_t limit = 500;
    const xg_sim_fill **fills = NULL;
    size_t n = 0;
    json_t *arr = NULL;

    if (!binance_sim_symbol(c, &inst) ||
        !binance_sim_param_limit(c->resp, c->params, 500, BINANCE_TRADES_MAX,
                                 &limit)) {
        return;
    }
    fills = calloc((size_t)limit, sizeof(*fills));
    arr = json_array();
    if (fills == NULL || arr == NULL) {
        free(fills);
        json_decref(arr);
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    n = xg_sim_book_trades(&c->v->book, inst, (size_t)limit, fills);
    /* Newest first from the book; the venue lists oldest first. */
    for (size_t i = n; i > 0; i--) {
        const xg_sim_fill *f = fills[i - 1];
        json_array_append_new(
            arr,
            json_pack("{sI so so so sI sb sb}", "id", (json_int_t)f->trade_id,
                      "price", binance_sim_amount(f->price), "qty",
                      binance_sim_amount(f->qty), "quoteQty",
                      binance_sim_amount(f->quote), "time",
                      (json_int_t)f->time_ms, "isBuyerMaker",
                      binance_sim_is_buyer_maker(f), "isBestMatch", 1));
    }
    xg_sim_venue_unlock(c->v);
    free(fills);
    xg_sim_response_json(c->resp, 200, arr);
    c->resp->outcome = "queried";
}

/* ---- tickers ------------------------------------------------------------ */

/* The instrument's last price: its newest trade's, or the reference it
 * opened at before any trade. */
static int64_t
binance_sim_last_price(const xg_sim_market *m)
{
    return m->ntrades > 0 ? m->last_price : m->open_price;
}

/* "-1.234": the change from open to last as a percentage of open, with
 * the venue's three decimals (truncated). */
static void
binance_sim_percent(int64_t change, int64_t open, char out[40])
{
    uint64_t mag =
        change < 0 ? (uint64_t)0 - (uint64_t)change : (uint64_t)change;
    int64_t ratio = 0; /* the fraction, scale 8 */

    if (open <= 0 || mag > (uint64_t)INT64_MAX ||
        xg_sim_fixed_div((int64_t)mag, open, &ratio) != XG_OK) {
        ratio = 0;
    }
    /* Thousandths of a percent: ratio * 100 * 1000 / 1e8. */
    int64_t milli = ratio / 1000;
    snprintf(out, 40, "%s%lld.%03lld", change < 0 && milli > 0 ? "-" : "",
             (long long)(milli / 1000), (long long)(milli % 1000));
}

/* The first trade id the fill history still holds for the instrument,
 * -1 when none (the venue's value for an empty window). Lock held. */
static int64_t
binance_sim_first_trade_id(const xg_sim_book *b, size_t inst)
{
    int64_t id = -1;

    for (const xg_sim_fill *f =
             xg_sim_book_fill(b, b->markets[inst].last_fill_seq);
         f != NULL; f = xg_sim_book_fill(b, f->prev_instrument_seq)) {
        id = f->trade_id;
    }
    return id;
}

/* One symbol's 24 h statistics, FULL or MINI, lock held. */
static json_t *
binance_sim_ticker_json(const binance_call *c, size_t inst, bool is_mini)
{
    const xg_sim_book *b = &c->v->book;
    const xg_sim_market *m = &b->markets[inst];
    int64_t last = binance_sim_last_price(m);
    int64_t high =
        m->high_price > m->open_price ? m->high_price : m->open_price;
    int64_t low = m->low_price > 0 && m->low_price < m->open_price
                      ? m->low_price
                      : m->open_price;
    int64_t wavg = 0;
    const xg_sim_fill *newest = NULL;
    xg_sim_level bid = {0, 0};
    xg_sim_level ask = {0, 0};
    char pct[40];

    if (m->volume > 0 &&
        xg_sim_fixed_div(m->quote_volume, m->volume, &wavg) != XG_OK) {
        wavg = 0;
    }
    json_t *j =
        json_pack("{ss so so so so so so sI sI sI sI sI}", "symbol",
                  b->instruments[inst].symbol, "openPrice",
                  binance_sim_amount(m->open_price), "highPrice",
                  binance_sim_amount(high), "lowPrice", binance_sim_amount(low),
                  "lastPrice", binance_sim_amount(last), "volume",
                  binance_sim_amount(m->volume), "quoteVolume",
                  binance_sim_amount(m->quote_volume), "openTime",
                  (json_int_t)(c->now_ms - BINANCE_DAY_MS), "closeTime",
                  (json_int_t)c->now_ms, "firstId",
                  (json_int_t)binance_sim_first_trade_id(b, inst), "lastId",
                  (json_int_t)(m->ntrades > 0 ? m->last_trade_id : -1), "count",
                  (json_int_t)m->ntrades);
    if (j == NULL || is_mini) {
        return j;
    }
    (void)xg_sim_book_trades(b, inst, 1, &newest);
    (void)xg_sim_book_depth(b, inst, XG_SIM_BUY, 1, &bid);
    (void)xg_sim_book_depth(b, inst, XG_SIM_SELL, 1, &ask);
    binance_sim_percent(last - m->open_price, m->open_price, pct);
    json_object_set_new(j, "priceChange",
                        binance_sim_amount(last - m->open_price));
    json_object_set_new(j, "priceChangePercent", json_string(pct));
    json_object_set_new(j, "weightedAvgPrice", binance_sim_amount(wavg));
    json_object_set_new(j, "prevClosePrice", binance_sim_amount(m->open_price));
    json_object_set_new(j, "lastQty",
                        binance_sim_amount(newest != NULL ? newest->qty : 0));
    json_object_set_new(j, "bidPrice", binance_sim_amount(bid.price));
    json_object_set_new(j, "bidQty", binance_sim_amount(bid.qty));
    json_object_set_new(j, "askPrice", binance_sim_amount(ask.price));
    json_object_set_new(j, "askQty", binance_sim_amount(ask.qty));
    return j;
}

static json_t *
binance_sim_price_json(const binance_call *c, size_t inst)
{
    const xg_sim_book *b = &c->v->book;

    return json_pack(
        "{ss so}", "symbol", b->instruments[inst].symbol, "price",
        binance_sim_amount(binance_sim_last_price(&b->markets[inst])));
}

static json_t *
binance_sim_book_ticker_json(const binance_call *c, size_t inst)
{
    const xg_sim_book *b = &c->v->book;
    xg_sim_level bid = {0, 0};
    xg_sim_level ask = {0, 0};

    (void)xg_sim_book_depth(b, inst, XG_SIM_BUY, 1, &bid);
    (void)xg_sim_book_depth(b, inst, XG_SIM_SELL, 1, &ask);
    return json_pack("{ss so so so so}", "symbol", b->instruments[inst].symbol,
                     "bidPrice", binance_sim_amount(bid.price), "bidQty",
                     binance_sim_amount(bid.qty), "askPrice",
                     binance_sim_amount(ask.price), "askQty",
                     binance_sim_amount(ask.qty));
}

typedef enum binance_ticker_kind {
    BINANCE_TICKER_FULL,
    BINANCE_TICKER_MINI,
    BINANCE_TICKER_PRICE,
    BINANCE_TICKER_BOOK
} binance_ticker_kind;

/* One object for symbol=, an array for symbols= or none (every symbol, in
 * exchangeInfo's order). */
static void
binance_sim_tickers(const binance_call *c, binance_ticker_kind kind)
{
    size_t n = c->v->book.ninstruments;
    bool *selected = calloc(n + 1, sizeof(bool));
    bool one = false;
    json_t *out = NULL;

    if (selected == NULL) {
        binance_sim_error(c->resp, 500, -1001, "Internal error.", "rejected");
        return;
    }
    if (!binance_sim_symbol_selection(c, selected, &one)) {
        free(selected);
        return;
    }
    out = one ? NULL : json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; i < n; i++) {
        json_t *t = NULL;
        if (!selected[i]) {
            continue;
        }
        switch (kind) {
        case BINANCE_TICKER_FULL:
        case BINANCE_TICKER_MINI:
            t = binance_sim_ticker_json(c, i, kind == BINANCE_TICKER_MINI);
            break;
        case BINANCE_TICKER_PRICE:
            t = binance_sim_price_json(c, i);
            break;
        case BINANCE_TICKER_BOOK:
            t = binance_sim_book_ticker_json(c, i);
            break;
        }
        if (one) {
            out = t;
        } else if (out != NULL) {
            json_array_append_new(out, t);
        } else {
            json_decref(t);
        }
    }
    xg_sim_venue_unlock(c->v);
    free(selected);
    xg_sim_response_json(c->resp, 200, out);
    c->resp->outcome = "queried";
}

void
binance_sim_ticker_24hr(const binance_call *c)
{
    const char *type = xg_sim_params_get(c->params, "type");
    binance_ticker_kind kind = BINANCE_TICKER_FULL;

    if (type != NULL) {
        if (strcmp(type, "MINI") == 0) {
            kind = BINANCE_TICKER_MINI;
        } else if (strcmp(type, "FULL") != 0) {
            binance_sim_error(c->resp, 400, -1139, "Invalid ticker type.",
                              "rejected");
            return;
        }
    }
    binance_sim_tickers(c, kind);
}

void
binance_sim_ticker_price(const binance_call *c)
{
    binance_sim_tickers(c, BINANCE_TICKER_PRICE);
}

void
binance_sim_book_ticker(const binance_call *c)
{
    binance_sim_tickers(c, BINANCE_TICKER_BOOK);
}

/* The venue averages trades over 5 minutes; xgsim averages the trades its
 * fill history holds from the last 5 minutes, and answers the last price
 * when there were none. closeTime: the newest trade's time (now when
 * none). */
void
binance_sim_avg_price(const binance_call *c)
{
    size_t inst = 0;
    int64_t qty = 0;
    int64_t quote = 0;
    int64_t avg = 0;
    int64_t close = 0;

    if (!binance_sim_symbol(c, &inst)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    const xg_sim_book *b = &c->v->book;
    int64_t prev = 0;
    for (const xg_sim_fill *f =
             xg_sim_book_fill(b, b->markets[inst].last_fill_seq);
         f != NULL && f->time_ms >= c->now_ms - 5 * 60 * 1000;
         f = xg_sim_book_fill(b, f->prev_instrument_seq)) {
        if (close == 0) {
            close = f->time_ms;
        }
        /* A trade between two accounts is two fills with one id. */
        if (f->trade_id == prev) {
            continue;
        }
        prev = f->trade_id;
        if (qty > INT64_MAX - f->qty || quote > INT64_MAX - f->quote) {
            break;
        }
        qty += f->qty;
        quote += f->quote;
    }
    if (qty == 0 || xg_sim_fixed_div(quote, qty, &avg) != XG_OK) {
        avg = binance_sim_last_price(&b->markets[inst]);
    }
    xg_sim_venue_unlock(c->v);
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{si so sI}", "mins", 5, "price", binance_sim_amount(avg),
                  "closeTime", (json_int_t)(close != 0 ? close : c->now_ms)));
    c->resp->outcome = "queried";
}
