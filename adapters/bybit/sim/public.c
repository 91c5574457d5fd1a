/*
 * public.c - the market-data endpoints of xgsim's Bybit v5 dialect: server
 * time, instruments, tickers, order book and the public trade tape, read
 * from the shared market (sim/book.h) as Bybit shows it.
 *
 * None is signed and none has a per-UID window: Bybit limits market data
 * per IP only (fact sheet, "Endpoints"; dialect.c's IP gate charges every
 * request). Every path takes a category, as on the venue: spot answers
 * from the book; linear, inverse and option are real categories of the
 * venue that the simulator does not trade, so they answer a truthful empty
 * list in the venue's shape (what a client loading every category, as
 * ccxt does by default, receives from a venue with nothing listed there);
 * any other category is 10001. On spot the ticker's 24h fields are the
 * tape since the simulator started (xg_sim_market: open, high, low, last,
 * volume), and before the first trade the last price is the reference the
 * market opened at. Calls only common.c and the simulator.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bybit's categories; the simulator trades only the first. */
static const char *const bybit_categories[] = {"spot", "linear", "inverse",
                                               "option"};

/* The category parameter: true with *is_spot set for one of Bybit's,
 * false with the 10001 answered otherwise. */
static bool
bybit_sim_category(const bybit_call *c, bool *is_spot)
{
    const char *category = bybit_sim_param(c, "category");

    *is_spot = false;
    if (category == NULL || category[0] == '\0') {
        bybit_sim_params_error(c, "category is required");
        return false;
    }
    for (size_t i = 0;
         i < sizeof(bybit_categories) / sizeof(bybit_categories[0]); i++) {
        if (strcmp(category, bybit_categories[i]) == 0) {
            *is_spot = i == 0;
            return true;
        }
    }
    bybit_sim_params_error(c, "category only support spot, linear, inverse, "
                              "option");
    return false;
}

/* {"category": <as asked>, "list": []} and, when has_cursor, an empty
 * nextPageCursor: a category the simulator lists nothing in. */
static void
bybit_sim_empty_list(const bybit_call *c, bool has_cursor)
{
    json_t *result = json_pack("{ss s[]}", "category",
                               bybit_sim_param(c, "category"), "list");

    if (has_cursor) {
        json_object_set_new(result, "nextPageCursor", json_string(""));
    }
    bybit_sim_ok(c, result, "queried");
}

/* A market-data symbol (required): false with the answer set. Bybit's
 * public endpoints refuse an unknown symbol as a parameter error. */
static bool
bybit_sim_market_symbol(const bybit_call *c, size_t *instrument)
{
    const char *symbol = bybit_sim_param(c, "symbol");

    if (symbol == NULL || symbol[0] == '\0') {
        bybit_sim_params_error(c, "symbol is required");
        return false;
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, instrument) != XG_OK) {
        bybit_sim_error(c, 10001, "The requested symbol is invalid.",
                        "rejected");
        return false;
    }
    return true;
}

void
bybit_sim_time(const bybit_call *c)
{
    char sec[24];
    char nano[32];

    snprintf(sec, sizeof(sec), "%lld", (long long)(c->now_ms / 1000));
    snprintf(nano, sizeof(nano), "%lld000000", (long long)c->now_ms);
    bybit_sim_ok(c, json_pack("{ss ss}", "timeSecond", sec, "timeNano", nano),
                 "queried");
}

static json_t *
bybit_sim_instrument_json(const xg_sim_instrument *in)
{
    char tick[XG_SIM_FIXED_BUFSZ], step[XG_SIM_FIXED_BUFSZ];
    char min_qty[XG_SIM_FIXED_BUFSZ], max_qty[XG_SIM_FIXED_BUFSZ];
    char min_amt[XG_SIM_FIXED_BUFSZ], max_amt[XG_SIM_FIXED_BUFSZ];

    bybit_sim_fmt(in->tick, tick);
    bybit_sim_fmt(in->step, step);
    bybit_sim_fmt(in->min_qty, min_qty);
    bybit_sim_fmt(in->max_qty, max_qty);
    bybit_sim_fmt(in->min_notional, min_amt);
    bybit_sim_fmt(in->max_notional, max_amt);
    return json_pack(
        "{ss ss ss ss ss ss s{ss ss ss ss ss ss ss ss} s{ss}}", "symbol",
        in->symbol, "baseCoin", in->base, "quoteCoin", in->quote, "innovation",
        "0", "status", "Trading", "marginTrading", "none", "lotSizeFilter",
        "basePrecision", step, "quotePrecision", "0.00000001", "minOrderQty",
        min_qty, "maxOrderQty", max_qty, "minOrderAmt", min_amt, "maxOrderAmt",
        max_amt, "maxLimitOrderQty", max_qty, "maxMarketOrderQty", max_qty,
        "priceFilter", "tickSize", tick);
}

/* Every spot symbol fits one page (the venue's limit is 500 for spot), so
 * nextPageCursor is always "". A symbol the venue does not list gives an
 * empty list, as on Bybit. */
void
bybit_sim_instruments(const bybit_call *c)
{
    const char *symbol = bybit_sim_param(c, "symbol");
    bool is_spot = false;
    int64_t limit = 0;
    json_t *list = NULL;

    if (!bybit_sim_category(c, &is_spot) ||
        !bybit_sim_int_param(c, "limit", 1, 1000, 500, &limit)) {
        return;
    }
    if (!is_spot) {
        bybit_sim_empty_list(c, true);
        return;
    }
    list = json_array();
    xg_sim_venue_lock(c->v);
    for (size_t i = 0; i < c->v->book.ninstruments; i++) {
        const xg_sim_instrument *in = &c->v->book.instruments[i];
        if (symbol == NULL || strcmp(symbol, in->symbol) == 0) {
            json_array_append_new(list, bybit_sim_instrument_json(in));
        }
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c,
                 json_pack("{ss so ss}", "category", "spot", "list", list,
                           "nextPageCursor", ""),
                 "queried");
}

/* price24hPcnt: (last - open) / open to 4 decimals ("0.0068"), "0" when
 * unchanged or with no open.
 * Prices are at most 1e11 (scale 8 in int64), so the product fits. */
static void
bybit_sim_pcnt(int64_t last, int64_t open, char buf[XG_SIM_FIXED_BUFSZ])
{
    int64_t diff = last - open;
    int64_t bp = 0;
    bool is_neg = diff < 0;

    if (open <= 0 || diff > INT64_MAX / 10000 || diff < -(INT64_MAX / 10000)) {
        snprintf(buf, XG_SIM_FIXED_BUFSZ, "0");
        return;
    }
    bp = (is_neg ? -diff : diff) * 10000 / open;
    if (bp == 0) {
        snprintf(buf, XG_SIM_FIXED_BUFSZ, "0");
        return;
    }
    snprintf(buf, XG_SIM_FIXED_BUFSZ, "%s%lld.%04lld", is_neg ? "-" : "",
             (long long)(bp / 10000), (long long)(bp % 10000));
}

/* One spot ticker (lock held, market advanced). */
static json_t *
bybit_sim_ticker_json(const xg_sim_book *b, size_t i)
{
    const xg_sim_market *m = &b->markets[i];
    xg_sim_level bid, ask;
    char bid_px[XG_SIM_FIXED_BUFSZ], bid_sz[XG_SIM_FIXED_BUFSZ];
    char ask_px[XG_SIM_FIXED_BUFSZ], ask_sz[XG_SIM_FIXED_BUFSZ];
    char last[XG_SIM_FIXED_BUFSZ], prev[XG_SIM_FIXED_BUFSZ];
    char high[XG_SIM_FIXED_BUFSZ], low[XG_SIM_FIXED_BUFSZ];
    char pcnt[XG_SIM_FIXED_BUFSZ], vol[XG_SIM_FIXED_BUFSZ];
    char turnover[XG_SIM_FIXED_BUFSZ];
    bool has_trades = m->ntrades > 0;
    int64_t last_px = has_trades ? m->last_price : m->open_price;

    memset(&bid, 0, sizeof(bid));
    memset(&ask, 0, sizeof(ask));
    xg_sim_book_depth(b, i, XG_SIM_BUY, 1, &bid);
    xg_sim_book_depth(b, i, XG_SIM_SELL, 1, &ask);
    bybit_sim_fmt(bid.price, bid_px);
    bybit_sim_fmt(bid.qty, bid_sz);
    bybit_sim_fmt(ask.price, ask_px);
    bybit_sim_fmt(ask.qty, ask_sz);
    bybit_sim_fmt(last_px, last);
    bybit_sim_fmt(m->open_price, prev);
    bybit_sim_fmt(has_trades ? m->high_price : m->open_price, high);
    bybit_sim_fmt(has_trades ? m->low_price : m->open_price, low);
    bybit_sim_pcnt(last_px, m->open_price, pcnt);
    bybit_sim_fmt(m->volume, vol);
    bybit_sim_fmt(m->quote_volume, turnover);
    return json_pack("{ss ss ss ss ss ss ss ss ss ss ss ss ss}", "symbol",
                     b->instruments[i].symbol, "bid1Price", bid_px, "bid1Size",
                     bid_sz, "ask1Price", ask_px, "ask1Size", ask_sz,
                     "lastPrice", last, "prevPrice24h", prev, "price24hPcnt",
                     pcnt, "highPrice24h", high, "lowPrice24h", low,
                     "turnover24h", turnover, "volume24h", vol, "usdIndexPrice",
                     "");
}

void
bybit_sim_tickers(const bybit_call *c)
{
    const char *symbol = bybit_sim_param(c, "symbol");
    bool is_spot = false;
    size_t instrument = 0;
    json_t *list = NULL;

    if (!bybit_sim_category(c, &is_spot)) {
        return;
    }
    if (!is_spot) {
        bybit_sim_empty_list(c, false);
        return;
    }
    if (symbol != NULL && !bybit_sim_market_symbol(c, &instrument)) {
        return;
    }
    list = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    for (size_t i = 0; i < c->v->book.ninstruments; i++) {
        if (symbol == NULL || i == instrument) {
            json_array_append_new(list, bybit_sim_ticker_json(&c->v->book, i));
        }
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c, json_pack("{ss so}", "category", "spot", "list", list),
                 "queried");
}

static json_t *
bybit_sim_levels_json(const xg_sim_level *lv, size_t n)
{
    json_t *side = json_array();
    char px[XG_SIM_FIXED_BUFSZ], qty[XG_SIM_FIXED_BUFSZ];

    for (size_t i = 0; i < n; i++) {
        bybit_sim_fmt(lv[i].price, px);
        bybit_sim_fmt(lv[i].qty, qty);
        json_array_append_new(side, json_pack("[ss]", px, qty));
    }
    return side;
}

/* Spot: limit 1..50, default 1 (Bybit's orderbook page). u, the update
 * id, grows with every walk step and fill, so two answers with the same
 * u show the same book. */
void
bybit_sim_orderbook(const bybit_call *c)
{
    bool is_spot = false;
    size_t instrument = 0;
    int64_t limit = 1;
    xg_sim_level bids[50], asks[50];
    size_t nb = 0, na = 0;
    int64_t u = 0;
    const char *symbol = NULL;

    if (!bybit_sim_category(c, &is_spot)) {
        return;
    }
    if (!is_spot) {
        /* Nothing is listed in the other categories, so no symbol is. */
        if (bybit_sim_param(c, "symbol") == NULL) {
            bybit_sim_params_error(c, "symbol is required");
        } else {
            bybit_sim_error(c, 10001, "The requested symbol is invalid.",
                            "rejected");
        }
        return;
    }
    if (!bybit_sim_market_symbol(c, &instrument) ||
        !bybit_sim_int_param(c, "limit", 1, 50, 1, &limit)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    nb = xg_sim_book_depth(&c->v->book, instrument, XG_SIM_BUY, (size_t)limit,
                           bids);
    na = xg_sim_book_depth(&c->v->book, instrument, XG_SIM_SELL, (size_t)limit,
                           asks);
    u = c->v->book.markets[instrument].steps + c->v->book.nfills + 1;
    symbol = c->v->book.instruments[instrument].symbol;
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c,
                 json_pack("{ss so so sI sI sI sI}", "s", symbol, "a",
                           bybit_sim_levels_json(asks, na), "b",
                           bybit_sim_levels_json(bids, nb), "ts",
                           (json_int_t)c->now_ms, "u", (json_int_t)u, "seq",
                           (json_int_t)u, "cts", (json_int_t)c->now_ms),
                 "queried");
}

/* Spot: symbol required, limit 1..60, default 60. Each trade once, its
 * side the taker's (xg_sim_book_trades), newest first. The other
 * categories have no trades to show. */
void
bybit_sim_recent_trade(const bybit_call *c)
{
    bool is_spot = false;
    size_t instrument = 0;
    int64_t limit = 60;
    const xg_sim_fill *trades[60];
    size_t n = 0;
    json_t *list = NULL;

    if (!bybit_sim_category(c, &is_spot)) {
        return;
    }
    if (!is_spot) {
        bybit_sim_empty_list(c, false);
        return;
    }
    if (!bybit_sim_market_symbol(c, &instrument) ||
        !bybit_sim_int_param(c, "limit", 1, 60, 60, &limit)) {
        return;
    }
    list = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    n = xg_sim_book_trades(&c->v->book, instrument, (size_t)limit, trades);
    for (size_t i = 0; i < n; i++) {
        const xg_sim_fill *f = trades[i];
        char id[24], t[24];
        char px[XG_SIM_FIXED_BUFSZ], qty[XG_SIM_FIXED_BUFSZ];
        snprintf(id, sizeof(id), "%lld", (long long)f->trade_id);
        snprintf(t, sizeof(t), "%lld", (long long)f->time_ms);
        bybit_sim_fmt(f->price, px);
        bybit_sim_fmt(f->qty, qty);
        json_array_append_new(
            list, json_pack("{ss ss ss ss ss ss sb sb}", "execId", id, "symbol",
                            c->v->book.instruments[instrument].symbol, "price",
                            px, "size", qty, "side",
                            f->side == XG_SIM_BUY ? "Buy" : "Sell", "time", t,
                            "isBlockTrade", 0, "isRPITrade", 0));
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c, json_pack("{ss so}", "category", "spot", "list", list),
                 "queried");
}
