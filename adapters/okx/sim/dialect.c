/*
 * dialect.c - xgsim's OKX v5 spot dialect: the REST surface of /api/v5 as
 * described in the OKX fact sheet (okx.md), written from that fact sheet
 * alone (it never calls the OKX adapter or xgate_prim, so a misreading
 * shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the
 * limit model, routing, server time and instruments. It hands private
 * requests to auth.c, then every path to its file (orders.c, lists.c,
 * market.c, account.c); the envelopes and parameter readers are in
 * common.c, below all of them.
 *
 * Limits (fact sheet, "Rate-limit model"): every endpoint counts requests
 * in a 2 s window, public ones per client IP, private ones per account,
 * and place / amend / cancel / order details per account AND instrument,
 * each endpoint independently. The batch paths count orders, not
 * requests, per account and instrument (an order of the batch in its
 * instrument's window), and a batch of one order counts as the
 * single-order path (OKX: "if there is only one order in the request, it
 * will consume the rate limit of Place order", of Amend order for the
 * amend batch); a batch whose orders do not all fit is refused whole and
 * charges nothing (assumed: OKX does not say whether it refuses only the
 * orders past the window). The docs do not say fixed or sliding; xgsim uses a
 * sliding window (accepted requests in the last window_ms), the stricter
 * reading, so a gateway that passes here passes either way. A
 * refusal is HTTP 429 with code 50011 and is not counted. OKX documents no
 * usage headers and no IP ban escalation, so there are none; an admin ban
 * (POST /_sim/ban) answers every request of that IP with HTTP 403, code
 * 50007, until it ends.
 */
#include "okx_sim.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- settings ---------------------------------------------------------- */

#define OKX_LIMIT_OFF(r) (offsetof(okx_settings, limit) + (r) * sizeof(int64_t))

/* Limits are capped so that one window's ring stays small. */
static const xg_sim_setting okx_setting_defs[] = {
    {"time_limit", OKX_LIMIT_OFF(OKX_R_TIME), 1, 100000},
    {"instruments_limit", OKX_LIMIT_OFF(OKX_R_INSTRUMENTS), 1, 100000},
    {"place_limit", OKX_LIMIT_OFF(OKX_R_PLACE), 1, 100000},
    {"cancel_limit", OKX_LIMIT_OFF(OKX_R_CANCEL), 1, 100000},
    {"query_limit", OKX_LIMIT_OFF(OKX_R_QUERY), 1, 100000},
    {"pending_limit", OKX_LIMIT_OFF(OKX_R_PENDING), 1, 100000},
    {"balance_limit", OKX_LIMIT_OFF(OKX_R_BALANCE), 1, 100000},
    {"ticker_limit", OKX_LIMIT_OFF(OKX_R_TICKER), 1, 100000},
    {"tickers_limit", OKX_LIMIT_OFF(OKX_R_TICKERS), 1, 100000},
    {"books_limit", OKX_LIMIT_OFF(OKX_R_BOOKS), 1, 100000},
    {"trades_limit", OKX_LIMIT_OFF(OKX_R_TRADES), 1, 100000},
    {"batch_place_limit", OKX_LIMIT_OFF(OKX_R_BATCH_PLACE), 1, 100000},
    {"batch_cancel_limit", OKX_LIMIT_OFF(OKX_R_BATCH_CANCEL), 1, 100000},
    {"history_limit", OKX_LIMIT_OFF(OKX_R_HISTORY), 1, 100000},
    {"history_archive_limit", OKX_LIMIT_OFF(OKX_R_HISTORY_ARCHIVE), 1, 100000},
    {"fills_limit", OKX_LIMIT_OFF(OKX_R_FILLS), 1, 100000},
    {"fills_history_limit", OKX_LIMIT_OFF(OKX_R_FILLS_HISTORY), 1, 100000},
    {"config_limit", OKX_LIMIT_OFF(OKX_R_CONFIG), 1, 100000},
    {"currencies_limit", OKX_LIMIT_OFF(OKX_R_CURRENCIES), 1, 100000},
    {"trade_fee_limit", OKX_LIMIT_OFF(OKX_R_TRADE_FEE), 1, 100000},
    {"amend_limit", OKX_LIMIT_OFF(OKX_R_AMEND), 1, 100000},
    {"batch_amend_limit", OKX_LIMIT_OFF(OKX_R_BATCH_AMEND), 1, 100000},
    {"window_ms", offsetof(okx_settings, window_ms), 1, 3600000},
    {"currencies_window_ms", offsetof(okx_settings, currencies_window_ms), 1,
     3600000},
    {"skew_ms", offsetof(okx_settings, skew_ms), 0, 86400000},
    {"limits", offsetof(okx_settings, limits), 0, 1},
    {"stream_idle_ms", offsetof(okx_settings, stream_idle_ms), 1, 86400000},
    {"stream_life_ms", offsetof(okx_settings, stream_life_ms), 0, 604800000},
};

static void *
okx_sim_create(void)
{
    okx_settings *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return NULL;
    }
    /* Fact sheet endpoint table: requests per 2 s. */
    s->limit[OKX_R_TIME] = 10;
    s->limit[OKX_R_INSTRUMENTS] = 20;
    s->limit[OKX_R_PLACE] = 60;
    s->limit[OKX_R_CANCEL] = 60;
    s->limit[OKX_R_QUERY] = 60;
    s->limit[OKX_R_PENDING] = 60;
    s->limit[OKX_R_BALANCE] = 10;
    /* The paths past the fact sheet's table: OKX's documented limits,
     * requests (batches: orders) per 2 s, as ccxt 4.5.84's cost table
     * encodes them (cost 1 = 20 per 2 s): ticker, tickers 20; books 40;
     * trades 100; batch place and batch cancel 300 orders per account and
     * instrument; orders-history 40, its archive 20; fills 60,
     * fills-history 10; account config 5; trade-fee 5; currencies 6 per
     * second. */
    s->limit[OKX_R_TICKER] = 20;
    s->limit[OKX_R_TICKERS] = 20;
    s->limit[OKX_R_BOOKS] = 40;
    s->limit[OKX_R_TRADES] = 100;
    s->limit[OKX_R_BATCH_PLACE] = 300;
    s->limit[OKX_R_BATCH_CANCEL] = 300;
    s->limit[OKX_R_HISTORY] = 40;
    s->limit[OKX_R_HISTORY_ARCHIVE] = 20;
    s->limit[OKX_R_FILLS] = 60;
    s->limit[OKX_R_FILLS_HISTORY] = 10;
    s->limit[OKX_R_CONFIG] = 5;
    s->limit[OKX_R_CURRENCIES] = 6;
    s->limit[OKX_R_TRADE_FEE] = 5;
    /* OKX v5 reference, Trade > Amend order: "60 requests per 2 seconds",
     * Amend multiple orders: "300 orders per 2 seconds", both per "User
     * ID + Instrument ID" and apart from place and cancel (fact sheet,
     * "Rate-limit model"). */
    s->limit[OKX_R_AMEND] = 60;
    s->limit[OKX_R_BATCH_AMEND] = 300;
    s->window_ms = 2000;
    s->currencies_window_ms = 1000;
    s->skew_ms = 30000; /* "more than 30 s" -> 50102 */
    s->limits = 1;
    /* Streams fact sheet 3.5: cut after 30 s without data either way; no
     * lifetime is documented. */
    s->stream_idle_ms = 30000;
    s->stream_life_ms = 0;
    return s;
}

static void
okx_sim_destroy(void *settings)
{
    okx_settings *s = settings;

    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->nslides; i++) {
        free(s->slides[i].times);
    }
    free(s->slides);
    free(s);
}

static xg_err
okx_sim_set(void *settings, const char *key, const char *value)
{
    return xg_sim_setting_apply(okx_setting_defs,
                                sizeof(okx_setting_defs) /
                                    sizeof(okx_setting_defs[0]),
                                settings, key, value);
}

/* ---- instruments and setup --------------------------------------------- */

typedef struct okx_symbol_def {
    const char *inst_id, *base, *quote;
    int64_t ref;  /* whole quote units */
    int64_t tick; /* in 1e-8 */
    int64_t lot;  /* lotSz, in 1e-8 */
    int64_t min;  /* minSz, in 1e-8 */
} okx_symbol_def;

/* Modelled on the live BTC-USDT / ETH-USDT / SOL-USDT rules (tickSz 0.1 /
 * 0.01 / 0.01, lotSz 1e-8 / 1e-6 / 1e-6, minSz 0.00001 / 0.0001 / 0.01);
 * reference prices are round demo values like Binance's. */
static const okx_symbol_def okx_symbols[] = {
    {"BTC-USDT", "BTC", "USDT", 35000, 10000000, 1, 1000},
    {"ETH-USDT", "ETH", "USDT", 2000, 1000000, 100, 10000},
    {"SOL-USDT", "SOL", "USDT", 100, 1000000, 100, 1000000},
};

static xg_err
okx_sim_setup(xg_sim_venue *v)
{
    for (size_t i = 0; i < sizeof(okx_symbols) / sizeof(okx_symbols[0]); i++) {
        const okx_symbol_def *d = &okx_symbols[i];
        xg_sim_instrument in;
        memset(&in, 0, sizeof(in));
        snprintf(in.symbol, sizeof(in.symbol), "%s", d->inst_id);
        snprintf(in.base, sizeof(in.base), "%s", d->base);
        snprintf(in.quote, sizeof(in.quote), "%s", d->quote);
        in.min_price = d->tick;
        in.max_price = 1000000 * XG_SIM_SCALE;
        in.tick = d->tick;
        in.min_qty = d->min;
        in.max_qty = 9000 * XG_SIM_SCALE;
        in.step = d->lot;
        in.min_notional = 0; /* OKX spot has no min-notional rule */
        in.max_notional = 9000000 * XG_SIM_SCALE;
        in.ref_price = d->ref * XG_SIM_SCALE;
        xg_err err = xg_sim_book_add_instrument(&v->book, &in);
        if (err != XG_OK) {
            return err;
        }
    }
    return XG_OK;
}

/* ---- limits ---------------------------------------------------------------
 */

/* The window of (route, who, inst), created on first use (lock held). NULL
 * when memory runs out. */
static okx_slide *
okx_sim_slide_get(okx_settings *s, okx_route route, size_t who, size_t inst)
{
    for (size_t i = 0; i < s->nslides; i++) {
        okx_slide *sl = &s->slides[i];
        if (sl->route == route && sl->who == who && sl->inst == inst) {
            return sl;
        }
    }
    if (s->nslides == s->slides_cap) {
        size_t cap = s->slides_cap == 0 ? 16 : s->slides_cap * 2;
        okx_slide *p = realloc(s->slides, cap * sizeof(*p));
        if (p == NULL) {
            return NULL;
        }
        s->slides = p;
        s->slides_cap = cap;
    }
    okx_slide *sl = &s->slides[s->nslides];
    memset(sl, 0, sizeof(*sl));
    sl->route = route;
    sl->who = who;
    sl->inst = inst;
    sl->cap = (size_t)s->limit[route];
    sl->times = calloc(sl->cap, sizeof(int64_t));
    if (sl->times == NULL) {
        return NULL;
    }
    s->nslides++;
    return sl;
}

/* The window of route's limit. */
static int64_t
okx_sim_window_of(const okx_settings *s, okx_route route)
{
    return route == OKX_R_CURRENCIES ? s->currencies_window_ms : s->window_ms;
}

/* Drop entries that left the window ending at now_ms. */
static void
okx_sim_slide_expire(okx_slide *sl, int64_t window_ms, int64_t now_ms)
{
    while (sl->count > 0 && sl->times[sl->head] <= now_ms - window_ms) {
        sl->head = (sl->head + 1) % sl->cap;
        sl->count--;
    }
}

typedef enum okx_gate {
    OKX_GATE_PASS,
    OKX_GATE_LIMITED,
    OKX_GATE_ERROR
} okx_gate;

/* One key's share of a request: n requests (or batch orders). */
typedef struct okx_charge {
    okx_route route;
    size_t inst;
    size_t n;
} okx_charge;

/* Count every charge of a request if all of them fit, else none (lock
 * held). */
static okx_gate
okx_sim_admit(okx_settings *s, size_t who, const okx_charge *charges,
              size_t ncharges, int64_t now_ms)
{
    /* Indices, not pointers: a later slide_get may move the array. */
    size_t slides[OKX_SIM_BATCH_MAX];

    for (size_t i = 0; i < ncharges; i++) {
        const okx_charge *ch = &charges[i];
        okx_slide *sl = okx_sim_slide_get(s, ch->route, who, ch->inst);
        if (sl == NULL) {
            return OKX_GATE_ERROR;
        }
        okx_sim_slide_expire(sl, okx_sim_window_of(s, ch->route), now_ms);
        if (s->limits != 0 && sl->count + ch->n > sl->cap) {
            return OKX_GATE_LIMITED;
        }
        slides[i] = (size_t)(sl - s->slides);
    }
    for (size_t i = 0; i < ncharges; i++) {
        okx_slide *sl = &s->slides[slides[i]];
        for (size_t k = 0; k < charges[i].n; k++) {
            if (sl->count == sl->cap) {
                /* Counting only: forget the oldest to make room. */
                sl->head = (sl->head + 1) % sl->cap;
                sl->count--;
            }
            sl->times[(sl->head + sl->count) % sl->cap] = now_ms;
            sl->count++;
        }
    }
    return OKX_GATE_PASS;
}

/* ---- routing ------------------------------------------------------------- */

typedef struct okx_route_def {
    const char *method;
    const char *path;
    okx_route route;
    bool is_private;
    bool per_instrument;
} okx_route_def;

static const okx_route_def okx_routes[] = {
    {"GET", "/api/v5/public/time", OKX_R_TIME, false, false},
    {"GET", "/api/v5/public/instruments", OKX_R_INSTRUMENTS, false, false},
    {"POST", "/api/v5/trade/order", OKX_R_PLACE, true, true},
    {"POST", "/api/v5/trade/cancel-order", OKX_R_CANCEL, true, true},
    {"POST", "/api/v5/trade/amend-order", OKX_R_AMEND, true, true},
    {"GET", "/api/v5/trade/order", OKX_R_QUERY, true, true},
    {"GET", "/api/v5/trade/orders-pending", OKX_R_PENDING, true, false},
    {"GET", "/api/v5/account/balance", OKX_R_BALANCE, true, false},
    {"GET", "/api/v5/market/ticker", OKX_R_TICKER, false, false},
    {"GET", "/api/v5/market/tickers", OKX_R_TICKERS, false, false},
    {"GET", "/api/v5/market/books", OKX_R_BOOKS, false, false},
    {"GET", "/api/v5/market/trades", OKX_R_TRADES, false, false},
    {"POST", "/api/v5/trade/batch-orders", OKX_R_BATCH_PLACE, true, true},
    {"POST", "/api/v5/trade/cancel-batch-orders", OKX_R_BATCH_CANCEL, true,
     true},
    {"POST", "/api/v5/trade/amend-batch-orders", OKX_R_BATCH_AMEND, true, true},
    {"GET", "/api/v5/trade/orders-history", OKX_R_HISTORY, true, false},
    {"GET", "/api/v5/trade/orders-history-archive", OKX_R_HISTORY_ARCHIVE, true,
     false},
    {"GET", "/api/v5/trade/fills", OKX_R_FILLS, true, false},
    {"GET", "/api/v5/trade/fills-history", OKX_R_FILLS_HISTORY, true, false},
    {"GET", "/api/v5/account/config", OKX_R_CONFIG, true, false},
    {"GET", "/api/v5/asset/currencies", OKX_R_CURRENCIES, true, false},
    {"GET", "/api/v5/account/trade-fee", OKX_R_TRADE_FEE, true, false},
};

static const okx_route_def *
okx_sim_find_route(const xg_sim_request *req)
{
    for (size_t i = 0; i < sizeof(okx_routes) / sizeof(okx_routes[0]); i++) {
        if (strcmp(okx_routes[i].method, req->method) == 0 &&
            strcmp(okx_routes[i].path, req->path) == 0) {
            return &okx_routes[i];
        }
    }
    return NULL;
}

static void
okx_sim_instruments(const okx_call *c)
{
    const char *type = xg_sim_params_get(c->query, "instType");
    const char *only = xg_sim_params_get(c->query, "instId");
    json_t *data = json_array();

    okx_inst_type t = OKX_TYPE_NONE;

    if (!okx_sim_inst_type_param(c, true, &t)) {
        json_decref(data);
        return;
    }
    if (t != OKX_TYPE_SPOT) {
        /* Options are listed per underlying: OKX wants uly or instFamily. */
        const char *uly = xg_sim_params_get(c->query, "uly");
        const char *family = xg_sim_params_get(c->query, "instFamily");
        if (strcmp(type, "OPTION") == 0 && (uly == NULL || uly[0] == '\0') &&
            (family == NULL || family[0] == '\0')) {
            json_decref(data);
            okx_sim_error(c->resp, 400, "50014",
                          "Parameter uly can not be empty.", "rejected");
            return;
        }
        /* A type the simulator does not trade: truthfully none. */
        okx_sim_ok(c->resp, data);
        return;
    }
    /* Instruments are fixed after setup: no lock needed. */
    for (size_t i = 0; i < c->v->book.ninstruments; i++) {
        const xg_sim_instrument *in = &c->v->book.instruments[i];
        if (only != NULL && strcmp(only, in->symbol) != 0) {
            continue;
        }
        json_array_append_new(
            data,
            json_pack("{ss ss ss ss so so so ss ss ss ss}", "instType", "SPOT",
                      "instId", in->symbol, "baseCcy", in->base, "quoteCcy",
                      in->quote, "tickSz", okx_sim_amount(in->tick), "lotSz",
                      okx_sim_amount(in->step), "minSz",
                      okx_sim_amount(in->min_qty), "maxLmtSz", "9000",
                      "maxMktSz", "9000", "state", "live", "listTime",
                      "1606468572000"));
    }
    okx_sim_ok(c->resp, data);
}

static void
okx_sim_dispatch(okx_route route, const okx_call *c)
{
    char ts[24];

    switch (route) {
    case OKX_R_TIME:
        snprintf(ts, sizeof(ts), "%lld", (long long)c->now_ms);
        xg_sim_response_json(c->resp, 200,
                             json_pack("{ss ss s[{ss}]}", "code", "0", "msg",
                                       "", "data", "ts", ts));
        c->resp->outcome = "queried";
        return;
    case OKX_R_INSTRUMENTS:
        okx_sim_instruments(c);
        return;
    case OKX_R_PLACE:
        okx_sim_place(c);
        return;
    case OKX_R_CANCEL:
        okx_sim_cancel(c);
        return;
    case OKX_R_AMEND:
        okx_sim_amend(c);
        return;
    case OKX_R_QUERY:
        okx_sim_query(c);
        return;
    case OKX_R_PENDING:
        okx_sim_pending(c);
        return;
    case OKX_R_BALANCE:
        okx_sim_balance(c);
        return;
    case OKX_R_TICKER:
        okx_sim_ticker(c);
        return;
    case OKX_R_TICKERS:
        okx_sim_tickers(c);
        return;
    case OKX_R_BOOKS:
        okx_sim_books(c);
        return;
    case OKX_R_TRADES:
        okx_sim_trades(c);
        return;
    case OKX_R_BATCH_PLACE:
        okx_sim_batch_place(c);
        return;
    case OKX_R_BATCH_CANCEL:
        okx_sim_batch_cancel(c);
        return;
    case OKX_R_BATCH_AMEND:
        okx_sim_batch_amend(c);
        return;
    case OKX_R_HISTORY:
        okx_sim_history(c, false);
        return;
    case OKX_R_HISTORY_ARCHIVE:
        okx_sim_history(c, true);
        return;
    case OKX_R_FILLS:
        okx_sim_fills(c, false);
        return;
    case OKX_R_FILLS_HISTORY:
        okx_sim_fills(c, true);
        return;
    case OKX_R_CONFIG:
        okx_sim_config(c);
        return;
    case OKX_R_CURRENCIES:
        okx_sim_currencies(c);
        return;
    case OKX_R_TRADE_FEE:
        okx_sim_trade_fee(c);
        return;
    case OKX_R_UNKNOWN:
        break;
    }
    okx_sim_error(c->resp, 404, "50000", "Unknown endpoint.", "not_found");
}

/* The limit answer: HTTP 429, code 50011, no headers (OKX documents no
 * usage headers and no retry hint). The window gate sends it, and so does
 * an injected limited fault. */
static void
okx_sim_rate_limited(xg_sim_response *resp)
{
    okx_sim_error(resp, 429, "50011",
                  "Rate limit reached. Please refer to API documentation "
                  "and throttle requests accordingly.",
                  "limited");
}

/* The limit key part of an instId: its index, or SIZE_MAX (shared by
 * every unknown or missing one). Instruments are fixed after setup: no
 * lock needed. */
static size_t
okx_sim_inst_key(const xg_sim_book *b, const char *inst_id)
{
    size_t idx = 0;

    if (inst_id != NULL &&
        xg_sim_book_find_instrument(b, inst_id, &idx) == XG_OK) {
        return idx;
    }
    return SIZE_MAX;
}

/* Whether body is a batch: a JSON array of at least one object (its
 * size is checked apart, for its own answer). */
static bool
okx_sim_batch_ok(const json_t *body)
{
    size_t i = 0;
    const json_t *item = NULL;

    if (!json_is_array(body) || json_array_size(body) == 0) {
        return false;
    }
    json_array_foreach(body, i, item)
    {
        if (!json_is_object(item)) {
            return false;
        }
    }
    return true;
}

/* Whether route is one of the batch paths. */
static bool
okx_sim_is_batch(okx_route route)
{
    return route == OKX_R_BATCH_PLACE || route == OKX_R_BATCH_AMEND ||
           route == OKX_R_BATCH_CANCEL;
}

/* The single-order path whose window a batch of one order counts on. */
static okx_route
okx_sim_single_route(okx_route batch)
{
    switch (batch) {
    case OKX_R_BATCH_PLACE:
        return OKX_R_PLACE;
    case OKX_R_BATCH_AMEND:
        return OKX_R_AMEND;
    default:
        return OKX_R_CANCEL;
    }
}

/* What a batch of 1..OKX_SIM_BATCH_MAX orders charges: its orders per
 * instrument on the batch window, or, for a single order, one request of
 * the single-order path. Returns how many charges it wrote. */
static size_t
okx_sim_batch_charges(const xg_sim_book *b, const json_t *body, okx_route route,
                      okx_charge out[OKX_SIM_BATCH_MAX])
{
    size_t n = 0;
    size_t i = 0;
    const json_t *item = NULL;
    bool single = json_array_size(body) == 1;

    json_array_foreach(body, i, item)
    {
        size_t inst = okx_sim_inst_key(
            b, json_string_value(json_object_get(item, "instId")));
        size_t k = 0;
        while (k < n && out[k].inst != inst) {
            k++;
        }
        if (k == n) {
            out[n].route = single ? okx_sim_single_route(route) : route;
            out[n].inst = inst;
            out[n].n = 0;
            n++;
        }
        out[k].n++;
    }
    return n;
}

/* The client order id a request names (query or JSON body; a batch's
 * first order's, for its one log line), or NULL. */
static const char *
okx_sim_request_client_id(const xg_sim_params *query, const json_t *body)
{
    const json_t *obj = json_is_array(body) ? json_array_get(body, 0) : body;
    const char *id = json_string_value(json_object_get(obj, "clOrdId"));
    return id != NULL ? id : xg_sim_params_get(query, "clOrdId");
}

static void
okx_sim_handle(xg_sim_venue *v, const xg_sim_request *req,
               xg_sim_response *resp)
{
    okx_settings *s = v->settings;
    const okx_route_def *route = okx_sim_find_route(req);
    xg_sim_params query;
    json_t *body = NULL;
    xg_sim_client *cl = NULL;
    okx_call call;
    okx_gate gate = OKX_GATE_PASS;
    size_t who = 0;
    okx_charge charges[OKX_SIM_BATCH_MAX];
    size_t ncharges = 1;
    bool banned = false;

    memset(&call, 0, sizeof(call));
    xg_sim_params_init(&query);
    xg_err perr = xg_sim_params_parse(&query, req->query, req->query_len);
    if (strcmp(req->method, "POST") == 0 && req->body_len > 0) {
        body = json_loadb(req->body, req->body_len, 0, NULL);
    }
    xg_sim_response_client_id(resp, okx_sim_request_client_id(&query, body));

    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) !=
        XG_OK) {
        xg_sim_venue_unlock(v);
        okx_sim_error(resp, 500, "50026", "System error.", "fault");
        goto done;
    }
    banned = xg_sim_client_is_banned(cl, req->t_ms);
    who = (size_t)(cl - v->clients.items);
    xg_sim_venue_unlock(v);
    if (banned) {
        okx_sim_error(resp, 403, "50007",
                      "Account blocked: this IP is blocked from the API.",
                      "banned");
        goto done;
    }
    if (route == NULL) {
        okx_sim_error(resp, 404, "50000", "Unknown endpoint.", "not_found");
        goto done;
    }
    call.v = v;
    call.set = s;
    call.req = req;
    call.resp = resp;
    call.query = &query;
    call.now_ms = req->t_ms;
    if (route->is_private &&
        !okx_sim_authenticate(v, s, req, req->t_ms, resp, &call.account)) {
        goto done;
    }
    if (perr != XG_OK) {
        okx_sim_error(resp, 400, "50014", "Malformed query string.",
                      "rejected");
        goto done;
    }
    bool is_batch = okx_sim_is_batch(route->route);
    if (strcmp(req->method, "POST") == 0) {
        if (is_batch ? !okx_sim_batch_ok(body) : !json_is_object(body)) {
            okx_sim_error(resp, 400, "50002", "Json data format error.",
                          "rejected");
            goto done;
        }
        if (is_batch && json_array_size(body) > OKX_SIM_BATCH_MAX) {
            okx_sim_error(resp, 400, "51000", "Parameter orders error",
                          "rejected");
            goto done;
        }
        call.body = body;
    }
    if (route->is_private) {
        who = call.account;
    }
    if (is_batch) {
        ncharges = okx_sim_batch_charges(&v->book, body, route->route, charges);
    } else {
        charges[0].route = route->route;
        charges[0].inst = SIZE_MAX;
        charges[0].n = 1;
        if (route->per_instrument) {
            charges[0].inst =
                okx_sim_inst_key(&v->book, okx_sim_param(&call, "instId"));
        }
    }
    xg_sim_venue_lock(v);
    gate = okx_sim_admit(s, who, charges, ncharges, req->t_ms);
    xg_sim_venue_unlock(v);
    if (gate == OKX_GATE_ERROR) {
        okx_sim_error(resp, 500, "50026", "System error.", "fault");
        goto done;
    }
    if (gate == OKX_GATE_LIMITED) {
        okx_sim_rate_limited(resp);
        goto done;
    }
    okx_sim_dispatch(route->route, &call);

done:
    json_decref(body);
    xg_sim_params_fini(&query);
}

static void
okx_sim_fault_error(xg_sim_response *resp, int status, const char *msg)
{
    /* 50001 "Service temporarily unavailable" (503) and 50026 "System
     * error" (500) are the fact sheet's unknown-status family. */
    if (status >= 500) {
        okx_sim_error(resp, status, status == 503 ? "50001" : "50026", msg,
                      "fault");
    } else {
        okx_sim_error(resp, status, "50000", msg, "rejected");
    }
}

/* An injected limited fault: the same 50011. OKX's answer carries no
 * retry time, so retry_after_ms has nowhere to go. */
static void
okx_sim_limited(xg_sim_venue *v, const xg_sim_request *req,
                int64_t retry_after_ms, xg_sim_response *resp)
{
    (void)v;
    (void)req;
    (void)retry_after_ms;
    okx_sim_rate_limited(resp);
}

static void
okx_sim_client_id(const xg_sim_request *req, char *out, size_t cap)
{
    xg_sim_params query;
    json_t *body = NULL;
    const char *id = NULL;

    out[0] = '\0';
    xg_sim_params_init(&query);
    if (req->body_len > 0) {
        body = json_loadb(req->body, req->body_len, 0, NULL);
    }
    if (xg_sim_params_parse(&query, req->query, req->query_len) == XG_OK) {
        id = okx_sim_request_client_id(&query, body);
    }
    if (id != NULL) {
        snprintf(out, cap, "%s", id);
    }
    json_decref(body);
    xg_sim_params_fini(&query);
}

static const char *const okx_route_names[OKX_R_COUNT] = {
    "time",    "instruments",   "place",        "cancel",     "query",
    "pending", "balance",       "ticker",       "tickers",    "books",
    "trades",  "batch_place",   "batch_cancel", "history",    "history_archive",
    "fills",   "fills_history", "config",       "currencies", "trade_fee",
    "amend",   "batch_amend",
};

static json_t *
okx_sim_state(xg_sim_venue *v, int64_t now_ms)
{
    okx_settings *s = v->settings;
    json_t *windows = json_array();

    for (size_t i = 0; i < s->nslides; i++) {
        okx_slide *sl = &s->slides[i];
        okx_sim_slide_expire(sl, okx_sim_window_of(s, sl->route), now_ms);
        json_array_append_new(
            windows, json_pack("{ss sI ss sI sI}", "endpoint",
                               okx_route_names[sl->route], "who",
                               (json_int_t)sl->who, "instId",
                               sl->inst < v->book.ninstruments
                                   ? v->book.instruments[sl->inst].symbol
                                   : "",
                               "used", (json_int_t)sl->count, "limit",
                               (json_int_t)sl->cap));
    }
    return json_pack("{so}", "windows", windows);
}

const xg_sim_dialect xg_sim_dialect_okx = {
    .venue = "okx",
    .create = okx_sim_create,
    .destroy = okx_sim_destroy,
    .set = okx_sim_set,
    .setup = okx_sim_setup,
    .handle = okx_sim_handle,
    .client_id = okx_sim_client_id,
    .error = okx_sim_fault_error,
    .limited = okx_sim_limited,
    .state = okx_sim_state,
    /* Regular user Lv1 spot: 0.08% maker, 0.10% taker, charged in the
     * currency received - the fact sheet does not list fees; OKX's
     * published fee schedule. */
    .maker_fee_ppm = 800,
    .taker_fee_ppm = 1000,
    .fee_rule = XG_SIM_FEE_RECEIVED,
    .stream = &okx_sim_stream,
};
