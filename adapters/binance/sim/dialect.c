/*
 * dialect.c - xgsim's Binance spot dialect: the REST surface of /api/v3
 * as described in the Binance fact sheet (binance.md), written from that
 * fact sheet alone (it never calls the Binance adapter, so a misreading
 * shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the IP
 * limits (REQUEST_WEIGHT and RAW_REQUESTS per IP, clock-aligned windows,
 * 429 then 418 escalation), routing and the public endpoints. It hands
 * signed requests to auth.c and trading ones to orders.c (one order) and
 * account.c (the account's lists and balances); the error answers, the
 * violation and ban bookkeeping and the per-account ORDERS gate are in
 * common.c, below them all; the user data stream (the WebSocket API) is
 * stream.c's, named in the dialect table. Weights come from the fact sheet's
 * endpoint table. POST and DELETE order and DELETE openOrders (cancel all) are
 * charged weight 1 even when they succeed: since 2026-04 the real venue
 * charges successful ones 0, and charging 1 is the conservative choice
 * for a gateway under test.
 */
#include "binance_sim.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- settings ---------------------------------------------------------- */

#define BINANCE_SET(name, lo, hi)                                              \
    XG_SIM_SETTING(binance_settings, name, (lo), (hi))

static const xg_sim_setting binance_setting_defs[] = {
    BINANCE_SET(weight_limit, 1, INT64_MAX / 4),
    BINANCE_SET(weight_window_s, 1, 30 * BINANCE_DAY_S),
    BINANCE_SET(sapi_weight_limit, 1, INT64_MAX / 4),
    BINANCE_SET(futures_weight_limit, 1, INT64_MAX / 4),
    BINANCE_SET(raw_limit, 1, INT64_MAX / 4),
    BINANCE_SET(raw_window_s, 1, 30 * BINANCE_DAY_S),
    BINANCE_SET(orders_limit, 1, INT64_MAX / 4),
    BINANCE_SET(orders_window_s, 1, 30 * BINANCE_DAY_S),
    BINANCE_SET(orders_day_limit, 1, INT64_MAX / 4),
    BINANCE_SET(ban_base_ms, 1, 365LL * BINANCE_DAY_S * 1000),
    BINANCE_SET(ban_max_ms, 1, 365LL * BINANCE_DAY_S * 1000),
    BINANCE_SET(ban_after_violations, 1, 1000000000),
    BINANCE_SET(ban_extend_ms, 0, 365LL * BINANCE_DAY_S * 1000),
    BINANCE_SET(recv_window_max_ms, 1, 365LL * BINANCE_DAY_S * 1000),
    BINANCE_SET(limits, 0, 1),
    BINANCE_SET(stream_ping_ms, 1, BINANCE_DAY_S * 1000),
    BINANCE_SET(stream_pong_ms, 1, BINANCE_DAY_S * 1000),
    BINANCE_SET(stream_life_ms, 1, 7LL * BINANCE_DAY_S * 1000),
};

static void *
binance_sim_create(void)
{
    binance_settings *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return NULL;
    }
    /* Live values from the fact sheet ("Rate-limit model"); ban lengths
     * from "Bans escalate ... from 2 minutes to 3 days". */
    s->weight_limit = 6000;
    s->weight_window_s = 60;
    /* Binance's SAPI IP limit (12,000 a minute) and the USD-M futures
     * request weight (2,400 a minute), which ccxt's rate table and the
     * futures exchangeInfo publish. */
    s->sapi_weight_limit = 12000;
    s->futures_weight_limit = 2400;
    s->raw_limit = 300000;
    s->raw_window_s = 300;
    s->orders_limit = 100;
    s->orders_window_s = 10;
    s->orders_day_limit = 200000;
    s->ban_base_ms = 120000;
    s->ban_max_ms = 259200000;
    s->ban_after_violations = 3;
    s->ban_extend_ms = 0;
    s->recv_window_max_ms = 60000;
    s->limits = 1;
    /* Streams fact sheet 1.6: a ping frame every 20 s, closed when no
     * pong came within a minute, a connection lives at most 24 h. */
    s->stream_ping_ms = 20000;
    s->stream_pong_ms = 60000;
    s->stream_life_ms = BINANCE_DAY_S * 1000LL;
    return s;
}

static void
binance_sim_destroy(void *settings)
{
    free(settings);
}

static xg_err
binance_sim_set(void *settings, const char *key, const char *value)
{
    return xg_sim_setting_apply(binance_setting_defs,
                                sizeof(binance_setting_defs) /
                                    sizeof(binance_setting_defs[0]),
                                settings, key, value);
}

/* ---- instruments and setup --------------------------------------------- */

typedef struct binance_symbol_def {
    const char *symbol, *base, *quote;
    int64_t ref;  /* whole quote units */
    int64_t step; /* LOT_SIZE stepSize = minQty, in 1e-8 */
} binance_symbol_def;

/* Filters modelled on the live BTCUSDT/ETHUSDT/SOLUSDT rules (tick 0.01,
 * NOTIONAL min 5); reference prices are round demo values. */
static const binance_symbol_def binance_symbols[] = {
    {"BTCUSDT", "BTC", "USDT", 35000, 1000},
    {"ETHUSDT", "ETH", "USDT", 2000, 10000},
    {"SOLUSDT", "SOL", "USDT", 100, 100000},
};

static xg_err
binance_sim_setup(xg_sim_venue *v)
{
    const binance_settings *s = v->settings;
    xg_err err = XG_OK;

    if (s->ban_max_ms < s->ban_base_ms) {
        return XG_ERR_CONFIG;
    }
    for (size_t i = 0; i < sizeof(binance_symbols) / sizeof(binance_symbols[0]);
         i++) {
        const binance_symbol_def *d = &binance_symbols[i];
        xg_sim_instrument in;
        memset(&in, 0, sizeof(in));
        snprintf(in.symbol, sizeof(in.symbol), "%s", d->symbol);
        snprintf(in.base, sizeof(in.base), "%s", d->base);
        snprintf(in.quote, sizeof(in.quote), "%s", d->quote);
        in.min_price = XG_SIM_SCALE / 100;
        in.max_price = 1000000 * XG_SIM_SCALE;
        in.tick = XG_SIM_SCALE / 100;
        in.min_qty = d->step;
        in.max_qty = 9000 * XG_SIM_SCALE;
        in.step = d->step;
        in.min_notional = 5 * XG_SIM_SCALE;
        in.max_notional = 9000000 * XG_SIM_SCALE;
        in.ref_price = d->ref * XG_SIM_SCALE;
        err = xg_sim_book_add_instrument(&v->book, &in);
        if (err != XG_OK) {
            return err;
        }
    }
    xg_sim_window_init(&v->client_proto[BINANCE_CW_WEIGHT],
                       s->weight_window_s * 1000);
    xg_sim_window_init(&v->client_proto[BINANCE_CW_RAW],
                       s->raw_window_s * 1000);
    xg_sim_window_init(&v->client_proto[BINANCE_CW_SAPI],
                       s->weight_window_s * 1000);
    xg_sim_window_init(&v->client_proto[BINANCE_CW_FUTURES],
                       s->weight_window_s * 1000);
    for (size_t i = 0; i < v->book.naccounts; i++) {
        xg_sim_account *a = &v->book.accounts[i];
        xg_sim_window_init(&a->windows[BINANCE_AW_ORDERS],
                           s->orders_window_s * 1000);
        xg_sim_window_init(&a->windows[BINANCE_AW_ORDERS_DAY],
                           (int64_t)BINANCE_DAY_S * 1000);
    }
    return XG_OK;
}

/* ---- responses ---------------------------------------------------------- */

static void
binance_sim_server_error(xg_sim_response *resp, int status, const char *msg)
{
    /* -1001 DISCONNECTED for injected 5xx ("unknown status" family in the
     * fact sheet); -1000 UNKNOWN for other server-made answers. */
    binance_sim_error(resp, status, status >= 500 ? -1001 : -1000, msg,
                      status >= 500 ? "fault" : "rejected");
}

/* ---- routing ------------------------------------------------------------- */

typedef enum binance_route {
    BINANCE_PING,
    BINANCE_TIME,
    BINANCE_EXCHANGE_INFO,
    BINANCE_DEPTH,
    BINANCE_TRADES,
    BINANCE_TICKER_24HR,
    BINANCE_TICKER_PRICE,
    BINANCE_BOOK_TICKER,
    BINANCE_AVG_PRICE,
    BINANCE_ORDER_NEW,
    BINANCE_ORDER_CANCEL,
    BINANCE_ORDER_QUERY,
    BINANCE_ORDER_AMEND,
    BINANCE_CANCEL_REPLACE,
    BINANCE_OPEN_ORDERS,
    BINANCE_CANCEL_ALL,
    BINANCE_ACCOUNT,
    BINANCE_ALL_ORDERS,
    BINANCE_MY_TRADES,
    BINANCE_ORDER_COUNT,
    BINANCE_COINS,
    BINANCE_MARGIN_PAIRS,
    BINANCE_ISOLATED_PAIRS,
    BINANCE_FAPI_INFO,
    BINANCE_DAPI_INFO,
    BINANCE_UNKNOWN
} binance_route;

/* Which limit a path is charged to: /api (REQUEST_WEIGHT and
 * RAW_REQUESTS), /sapi (its own IP weight) or the futures hosts. */
typedef enum binance_bucket {
    BINANCE_BUCKET_API,
    BINANCE_BUCKET_SAPI,
    BINANCE_BUCKET_FUTURES
} binance_bucket;

/* NONE: public; KEY: X-MBX-APIKEY of a known account, no signature
 * (MARKET_DATA); SIGNED: key, signature and timestamp. */
typedef enum binance_security {
    BINANCE_NONE,
    BINANCE_KEY,
    BINANCE_SIGNED
} binance_security;

typedef struct binance_route_def {
    const char *method;
    const char *path;
    binance_route route;
    int64_t weight; /* the base weight; binance_sim_weight adjusts it */
    binance_security security;
    binance_bucket bucket;
} binance_route_def;

/* Weights: the fact sheet's endpoint table, else Binance's rest-api.md
 * (depth, trades, tickers, avgPrice, amend keepPriority 4, cancelReplace
 * 1, allOrders, myTrades, rateLimit/order) and its wallet and margin pages
 * (capital/config/getall 10, margin allPairs 1, isolated allPairs 10);
 * futures exchangeInfo 1. */
static const binance_route_def binance_routes[] = {
    {"GET", "/api/v3/ping", BINANCE_PING, 1, BINANCE_NONE, BINANCE_BUCKET_API},
    {"GET", "/api/v3/time", BINANCE_TIME, 1, BINANCE_NONE, BINANCE_BUCKET_API},
    {"GET", "/api/v3/exchangeInfo", BINANCE_EXCHANGE_INFO, 20, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/depth", BINANCE_DEPTH, 5, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/trades", BINANCE_TRADES, 25, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/ticker/24hr", BINANCE_TICKER_24HR, 2, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/ticker/price", BINANCE_TICKER_PRICE, 2, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/ticker/bookTicker", BINANCE_BOOK_TICKER, 2, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/avgPrice", BINANCE_AVG_PRICE, 2, BINANCE_NONE,
     BINANCE_BUCKET_API},
    {"POST", "/api/v3/order", BINANCE_ORDER_NEW, 1, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"DELETE", "/api/v3/order", BINANCE_ORDER_CANCEL, 1, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/order", BINANCE_ORDER_QUERY, 4, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"PUT", "/api/v3/order/amend/keepPriority", BINANCE_ORDER_AMEND, 4,
     BINANCE_SIGNED, BINANCE_BUCKET_API},
    {"POST", "/api/v3/order/cancelReplace", BINANCE_CANCEL_REPLACE, 1,
     BINANCE_SIGNED, BINANCE_BUCKET_API},
    {"GET", "/api/v3/openOrders", BINANCE_OPEN_ORDERS, 6, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"DELETE", "/api/v3/openOrders", BINANCE_CANCEL_ALL, 1, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/account", BINANCE_ACCOUNT, 20, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/allOrders", BINANCE_ALL_ORDERS, 20, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/myTrades", BINANCE_MY_TRADES, 20, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"GET", "/api/v3/rateLimit/order", BINANCE_ORDER_COUNT, 40, BINANCE_SIGNED,
     BINANCE_BUCKET_API},
    {"GET", "/sapi/v1/capital/config/getall", BINANCE_COINS, 10, BINANCE_SIGNED,
     BINANCE_BUCKET_SAPI},
    {"GET", "/sapi/v1/margin/allPairs", BINANCE_MARGIN_PAIRS, 1, BINANCE_KEY,
     BINANCE_BUCKET_SAPI},
    {"GET", "/sapi/v1/margin/isolated/allPairs", BINANCE_ISOLATED_PAIRS, 10,
     BINANCE_SIGNED, BINANCE_BUCKET_SAPI},
    {"GET", "/fapi/v1/exchangeInfo", BINANCE_FAPI_INFO, 1, BINANCE_NONE,
     BINANCE_BUCKET_FUTURES},
    {"GET", "/dapi/v1/exchangeInfo", BINANCE_DAPI_INFO, 1, BINANCE_NONE,
     BINANCE_BUCKET_FUTURES},
};

static const binance_route_def binance_unknown_route = {
    "", "", BINANCE_UNKNOWN, 1, BINANCE_NONE, BINANCE_BUCKET_API};

static const binance_route_def *
binance_sim_find_route(const xg_sim_request *req)
{
    for (size_t i = 0; i < sizeof(binance_routes) / sizeof(binance_routes[0]);
         i++) {
        if (strcmp(binance_routes[i].method, req->method) == 0 &&
            strcmp(binance_routes[i].path, req->path) == 0) {
            return &binance_routes[i];
        }
    }
    return &binance_unknown_route;
}

/* The weight of a request whose cost depends on its parameters
 * (rest-api.md): depth by limit, the tickers by how many symbols,
 * openOrders and myTrades by whether they are narrowed. A malformed
 * parameter is charged the base weight (the request then fails). */
static int64_t
binance_sim_weight(const binance_route_def *route, const xg_sim_params *params)
{
    const char *symbol = xg_sim_params_get(params, "symbol");
    const char *symbols = xg_sim_params_get(params, "symbols");
    size_t n = 0;

    switch (route->route) {
    case BINANCE_OPEN_ORDERS:
        return symbol == NULL ? 80 : route->weight;
    case BINANCE_MY_TRADES:
        return xg_sim_params_get(params, "orderId") != NULL ? 5 : route->weight;
    case BINANCE_DEPTH: {
        const char *text = xg_sim_params_get(params, "limit");
        int64_t limit = 0;
        size_t len = text != NULL ? strlen(text) : 0;
        if (len == 0 || len > 18 || strspn(text, "0123456789") != len) {
            return route->weight;
        }
        for (size_t i = 0; i < len; i++) {
            limit = limit * 10 + (text[i] - '0');
        }
        return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    }
    case BINANCE_TICKER_24HR:
        if (symbol != NULL) {
            return 2;
        }
        if (symbols == NULL) {
            return 80;
        }
        n = binance_sim_count_symbols(symbols);
        return n <= 20 ? 2 : n <= 100 ? 40 : 80;
    case BINANCE_TICKER_PRICE:
    case BINANCE_BOOK_TICKER:
        return symbol != NULL ? 2 : 4;
    default:
        return route->weight;
    }
}

typedef enum binance_gate {
    BINANCE_GATE_PASS,
    BINANCE_GATE_LIMITED,
    BINANCE_GATE_BANNED
} binance_gate;

/* Which window of a client a bucket's weight goes to, its limit and the
 * header that reports it. */
static size_t
binance_sim_bucket_window(binance_bucket bucket)
{
    return bucket == BINANCE_BUCKET_SAPI      ? BINANCE_CW_SAPI
           : bucket == BINANCE_BUCKET_FUTURES ? BINANCE_CW_FUTURES
                                              : BINANCE_CW_WEIGHT;
}

static int64_t
binance_sim_bucket_limit(const binance_settings *s, binance_bucket bucket)
{
    return bucket == BINANCE_BUCKET_SAPI      ? s->sapi_weight_limit
           : bucket == BINANCE_BUCKET_FUTURES ? s->futures_weight_limit
                                              : s->weight_limit;
}

/* X-MBX-USED-WEIGHT-1M (/api and the futures hosts, each its own count)
 * or X-SAPI-USED-IP-WEIGHT-1M (/sapi), suffix from the window. */
static void
binance_sim_weight_header(const binance_settings *s, binance_bucket bucket,
                          char name[48])
{
    char suffix[24];

    binance_sim_interval(s->weight_window_s, suffix, NULL, NULL);
    snprintf(name, 48, "%s%s",
             bucket == BINANCE_BUCKET_SAPI ? "X-SAPI-USED-IP-WEIGHT-"
                                           : "X-MBX-USED-WEIGHT-",
             suffix);
}

/* The 429 of the IP limits (-1003, Retry-After = whole seconds until
 * left_ms has passed): a weight bucket over its limit when is_weight,
 * else RAW_REQUESTS. The gate sends it, and so does an injected limited
 * fault. */
static void
binance_sim_ip_limited(const binance_settings *s, binance_bucket bucket,
                       bool is_weight, int64_t left_ms, xg_sim_response *resp)
{
    char msg[200];
    char suffix[24];
    const char *unit = NULL;
    int64_t num = 0;

    if (is_weight) {
        binance_sim_interval(s->weight_window_s, suffix, &unit, &num);
        snprintf(msg, sizeof(msg),
                 "Too much request weight used; current limit is %lld "
                 "request weight per %lld %s. Please use WebSocket Streams "
                 "for live updates to avoid polling the API.",
                 (long long)binance_sim_bucket_limit(s, bucket), (long long)num,
                 unit);
    } else {
        binance_sim_interval(s->raw_window_s, suffix, &unit, &num);
        snprintf(msg, sizeof(msg),
                 "Too many requests; current limit is %lld requests per "
                 "%lld %s.",
                 (long long)s->raw_limit, (long long)num, unit);
    }
    binance_sim_error(resp, 429, -1003, msg, "limited");
    xg_sim_response_header_int(resp, "Retry-After",
                               binance_sim_retry_s(left_ms));
}

/* Charge the request to its IP and decide whether it may run (lock
 * held). Writes the 429/418 into resp when it may not. A ban covers
 * every bucket; RAW_REQUESTS counts /api requests only. */
static binance_gate
binance_sim_ip_gate(const binance_settings *s, xg_sim_client *cl,
                    binance_bucket bucket, int64_t weight, int64_t now_ms,
                    xg_sim_response *resp)
{
    size_t wi = binance_sim_bucket_window(bucket);
    int64_t used = 0;
    int64_t raw = 0;
    int64_t left = 0;
    bool is_weight = false;

    if (xg_sim_client_is_banned(cl, now_ms)) {
        /* ban_extend_ms > 0: a request during the ban pushes its end to
         * at least now + ban_extend_ms (docs/simulator.md). */
        if (s->ban_extend_ms > 0 &&
            now_ms + s->ban_extend_ms > cl->ban_until_ms) {
            cl->ban_until_ms = now_ms + s->ban_extend_ms;
        }
        binance_sim_banned(resp, cl->ban_status, cl->ban_until_ms, now_ms);
        return BINANCE_GATE_BANNED;
    }
    used = xg_sim_window_add(&cl->windows[wi], now_ms, weight);
    if (bucket == BINANCE_BUCKET_API) {
        raw = xg_sim_window_add(&cl->windows[BINANCE_CW_RAW], now_ms, 1);
    }
    if (s->limits == 0) {
        return BINANCE_GATE_PASS;
    }
    if (used > binance_sim_bucket_limit(s, bucket)) {
        is_weight = true;
        left = xg_sim_window_left_ms(&cl->windows[wi], now_ms);
    } else if (raw > s->raw_limit) {
        left = xg_sim_window_left_ms(&cl->windows[BINANCE_CW_RAW], now_ms);
    } else {
        return BINANCE_GATE_PASS;
    }
    if (binance_sim_violation(s, cl, now_ms, left, resp)) {
        return BINANCE_GATE_BANNED;
    }
    binance_sim_ip_limited(s, bucket, is_weight, left, resp);
    return BINANCE_GATE_LIMITED;
}

/* ---- public endpoints -----------------------------------------------------
 */

static json_t *
binance_sim_rate_limit(const char *type, int64_t window_s, int64_t limit)
{
    char suffix[24];
    const char *unit = NULL;
    int64_t num = 0;

    binance_sim_interval(window_s, suffix, &unit, &num);
    return json_pack("{ss ss sI sI}", "rateLimitType", type, "interval", unit,
                     "intervalNum", (json_int_t)num, "limit",
                     (json_int_t)limit);
}

static json_t *
binance_sim_symbol_json(const xg_sim_instrument *in)
{
    char min_p[XG_SIM_FIXED_BUFSZ], max_p[XG_SIM_FIXED_BUFSZ];
    char tick[XG_SIM_FIXED_BUFSZ], min_q[XG_SIM_FIXED_BUFSZ];
    char max_q[XG_SIM_FIXED_BUFSZ], step[XG_SIM_FIXED_BUFSZ];
    char min_n[XG_SIM_FIXED_BUFSZ], max_n[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format(in->min_price, min_p);
    xg_sim_fixed_format(in->max_price, max_p);
    xg_sim_fixed_format(in->tick, tick);
    xg_sim_fixed_format(in->min_qty, min_q);
    xg_sim_fixed_format(in->max_qty, max_q);
    xg_sim_fixed_format(in->step, step);
    xg_sim_fixed_format(in->min_notional, min_n);
    xg_sim_fixed_format(in->max_notional, max_n);
    json_t *filters = json_pack(
        "[{ss ss ss ss} {ss ss ss ss} {ss ss ss ss}"
        " {ss ss sb ss sb si}]",
        "filterType", "PRICE_FILTER", "minPrice", min_p, "maxPrice", max_p,
        "tickSize", tick, "filterType", "LOT_SIZE", "minQty", min_q, "maxQty",
        max_q, "stepSize", step, "filterType", "MARKET_LOT_SIZE", "minQty",
        min_q, "maxQty", max_q, "stepSize", step, "filterType", "NOTIONAL",
        "minNotional", min_n, "applyMinToMarket", 1, "maxNotional", max_n,
        "applyMaxToMarket", 0, "avgPriceMins", 5);
    return json_pack(
        "{ss ss ss si ss si si s[sss] sb sb sb sb sb sb sb sb sb so s[] "
        "s[[s]] ss s[sss]}",
        "symbol", in->symbol, "status", "TRADING", "baseAsset", in->base,
        "baseAssetPrecision", 8, "quoteAsset", in->quote, "quotePrecision", 8,
        "quoteAssetPrecision", 8, "orderTypes", "LIMIT", "LIMIT_MAKER",
        "MARKET", "icebergAllowed", 0, "ocoAllowed", 0, "otoAllowed", 0,
        "quoteOrderQtyMarketAllowed", 1, "allowTrailingStop", 0,
        "cancelReplaceAllowed", 1, "amendAllowed", 1, "isSpotTradingAllowed", 1,
        "isMarginTradingAllowed", 0, "filters", filters, "permissions",
        "permissionSets", "SPOT", "defaultSelfTradePreventionMode",
        "EXPIRE_MAKER", "allowedSelfTradePreventionModes", "NONE",
        "EXPIRE_TAKER", "EXPIRE_MAKER");
}

/* Which instruments exchangeInfo lists: all, or those named by symbol= or
 * symbols=["A","B"]. Returns false (resp set) for an unknown one. */
static bool
binance_sim_info_selection(const binance_call *c, bool *selected)
{
    const char *one = xg_sim_params_get(c->params, "symbol");
    const char *many = xg_sim_params_get(c->params, "symbols");
    const xg_sim_book *b = &c->v->book;
    size_t idx = 0;

    if (one == NULL && many == NULL) {
        for (size_t i = 0; i < b->ninstruments; i++) {
            selected[i] = true;
        }
        return true;
    }
    if (one != NULL) {
        if (xg_sim_book_find_instrument(b, one, &idx) != XG_OK) {
            binance_sim_error(c->resp, 400, -1121, "Invalid symbol.",
                              "rejected");
            return false;
        }
        selected[idx] = true;
        return true;
    }
    json_t *arr = json_loads(many, 0, NULL);
    size_t i = 0;
    json_t *item = NULL;
    bool ok = json_is_array(arr) && json_array_size(arr) > 0;
    json_array_foreach(arr, i, item)
    {
        if (!ok) {
            break;
        }
        ok = json_is_string(item) &&
             xg_sim_book_find_instrument(b, json_string_value(item), &idx) ==
                 XG_OK;
        if (ok) {
            selected[idx] = true;
        }
    }
    json_decref(arr);
    if (!ok) {
        binance_sim_error(c->resp, 400, -1121, "Invalid symbol.", "rejected");
    }
    return ok;
}

static void
binance_sim_exchange_info(const binance_call *c)
{
    const binance_settings *s = c->set;
    json_t *symbols = json_array();
    bool *selected = calloc(c->v->book.ninstruments + 1, sizeof(bool));

    if (symbols == NULL || selected == NULL) {
        json_decref(symbols);
        free(selected);
        binance_sim_server_error(c->resp, 500, "Out of memory.");
        return;
    }
    if (!binance_sim_info_selection(c, selected)) {
        json_decref(symbols);
        free(selected);
        return;
    }
    xg_sim_venue_lock(c->v);
    for (size_t i = 0; i < c->v->book.ninstruments; i++) {
        if (selected[i]) {
            json_array_append_new(
                symbols, binance_sim_symbol_json(&c->v->book.instruments[i]));
        }
    }
    xg_sim_venue_unlock(c->v);
    free(selected);
    xg_sim_response_json(
        c->resp, 200,
        json_pack("{ss sI s[oooo] s[] so}", "timezone", "UTC", "serverTime",
                  (json_int_t)c->now_ms, "rateLimits",
                  binance_sim_rate_limit("REQUEST_WEIGHT", s->weight_window_s,
                                         s->weight_limit),
                  binance_sim_rate_limit("ORDERS", s->orders_window_s,
                                         s->orders_limit),
                  binance_sim_rate_limit("ORDERS", BINANCE_DAY_S,
                                         s->orders_day_limit),
                  binance_sim_rate_limit("RAW_REQUESTS", s->raw_window_s,
                                         s->raw_limit),
                  "exchangeFilters", "symbols", symbols));
    c->resp->outcome = "queried";
}

/* ---- the handler ------------------------------------------------------------
 */

static void
binance_sim_dispatch(const binance_route_def *route, const binance_call *c)
{
    switch (route->route) {
    case BINANCE_PING:
        xg_sim_response_json(c->resp, 200, json_object());
        c->resp->outcome = "queried";
        return;
    case BINANCE_TIME:
        xg_sim_response_json(
            c->resp, 200,
            json_pack("{sI}", "serverTime", (json_int_t)c->now_ms));
        c->resp->outcome = "queried";
        return;
    case BINANCE_EXCHANGE_INFO:
        binance_sim_exchange_info(c);
        return;
    case BINANCE_ORDER_NEW:
        binance_sim_new_order(c);
        return;
    case BINANCE_ORDER_CANCEL:
        binance_sim_cancel_order(c);
        return;
    case BINANCE_ORDER_QUERY:
        binance_sim_query_order(c);
        return;
    case BINANCE_ORDER_AMEND:
        binance_sim_amend_order(c);
        return;
    case BINANCE_CANCEL_REPLACE:
        binance_sim_cancel_replace(c);
        return;
    case BINANCE_OPEN_ORDERS:
        binance_sim_open_orders(c);
        return;
    case BINANCE_CANCEL_ALL:
        binance_sim_cancel_all(c);
        return;
    case BINANCE_ACCOUNT:
        binance_sim_account(c);
        return;
    case BINANCE_DEPTH:
        binance_sim_depth(c);
        return;
    case BINANCE_TRADES:
        binance_sim_recent_trades(c);
        return;
    case BINANCE_TICKER_24HR:
        binance_sim_ticker_24hr(c);
        return;
    case BINANCE_TICKER_PRICE:
        binance_sim_ticker_price(c);
        return;
    case BINANCE_BOOK_TICKER:
        binance_sim_book_ticker(c);
        return;
    case BINANCE_AVG_PRICE:
        binance_sim_avg_price(c);
        return;
    case BINANCE_ALL_ORDERS:
        binance_sim_all_orders(c);
        return;
    case BINANCE_MY_TRADES:
        binance_sim_my_trades(c);
        return;
    case BINANCE_ORDER_COUNT:
        binance_sim_order_count(c);
        return;
    case BINANCE_COINS:
        binance_sim_coins(c);
        return;
    case BINANCE_MARGIN_PAIRS:
    case BINANCE_ISOLATED_PAIRS:
        binance_sim_margin_pairs(c);
        return;
    case BINANCE_FAPI_INFO:
    case BINANCE_DAPI_INFO:
        binance_sim_futures_info(c);
        return;
    case BINANCE_UNKNOWN:
        break;
    }
    binance_sim_error(c->resp, 404, -1000, "Unknown endpoint.", "not_found");
}

/* The order a request is about: origClientOrderId (query, cancel, amend;
 * a cancel's newClientOrderId names the cancel itself), else
 * cancelOrigClientOrderId (cancel-replace), else newClientOrderId (new
 * order), else NULL. */
static const char *
binance_sim_param_client_id(const xg_sim_params *params)
{
    const char *id = xg_sim_params_get(params, "origClientOrderId");

    if (id == NULL) {
        id = xg_sim_params_get(params, "cancelOrigClientOrderId");
    }
    return id != NULL ? id : xg_sim_params_get(params, "newClientOrderId");
}

static void
binance_sim_handle(xg_sim_venue *v, const xg_sim_request *req,
                   xg_sim_response *resp)
{
    const binance_settings *s = v->settings;
    const binance_route_def *route = binance_sim_find_route(req);
    xg_sim_params params;
    xg_err perr = XG_OK;
    int64_t weight = 0;
    int64_t now = req->t_ms;
    int64_t used = 0;
    xg_sim_client *cl = NULL;
    binance_gate gate = BINANCE_GATE_PASS;
    binance_call call;
    char name[48];

    xg_sim_params_init(&params);
    perr = xg_sim_params_parse(&params, req->query, req->query_len);
    if (perr == XG_OK) {
        perr = xg_sim_params_parse(&params, req->body, req->body_len);
    }
    /* Logged even when the request is refused before it is read. */
    xg_sim_response_client_id(resp, binance_sim_param_client_id(&params));
    weight = binance_sim_weight(route, &params);

    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) !=
        XG_OK) {
        xg_sim_venue_unlock(v);
        xg_sim_params_fini(&params);
        binance_sim_server_error(resp, 500, "Out of memory.");
        return;
    }
    gate = binance_sim_ip_gate(s, cl, route->bucket, weight, now, resp);
    used = xg_sim_window_used(
        &cl->windows[binance_sim_bucket_window(route->bucket)], now);
    xg_sim_venue_unlock(v);

    binance_sim_weight_header(s, route->bucket, name);
    if (gate != BINANCE_GATE_PASS) {
        xg_sim_response_header_int(resp, name, used);
        xg_sim_params_fini(&params);
        return;
    }

    memset(&call, 0, sizeof(call));
    call.v = v;
    call.set = s;
    call.req = req;
    call.resp = resp;
    call.params = &params;
    call.now_ms = now;
    if (perr != XG_OK) {
        binance_sim_error(resp, 400, perr == XG_ERR_TOO_LARGE ? -1101 : -1100,
                          perr == XG_ERR_TOO_LARGE
                              ? "Too many parameters sent for this endpoint."
                              : "Illegal characters found in a parameter.",
                          "rejected");
    } else if (route->security == BINANCE_NONE ||
               (route->security == BINANCE_KEY &&
                binance_sim_api_key(v, req, resp, &call.account)) ||
               (route->security == BINANCE_SIGNED &&
                binance_sim_authenticate(v, s, req, &params, now, resp,
                                         &call.account))) {
        binance_sim_dispatch(route, &call);
    }
    /* The header goes last so an endpoint's own headers come first; a
     * full header table drops it, which no endpoint reaches. */
    xg_sim_response_header_int(resp, name, used);
    xg_sim_params_fini(&params);
}

static void
binance_sim_fault_error(xg_sim_response *resp, int status, const char *msg)
{
    binance_sim_server_error(resp, status, msg);
}

/* An injected limited fault: the RAW_REQUESTS 429 (-1003 "Too many
 * requests", Retry-After), with the weight header every answer carries
 * showing the usage as it stands, since nothing is charged. */
static void
binance_sim_limited(xg_sim_venue *v, const xg_sim_request *req,
                    int64_t retry_after_ms, xg_sim_response *resp)
{
    const binance_settings *s = v->settings;
    xg_sim_client *cl = NULL;
    int64_t used = 0;
    char name[48];

    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) ==
        XG_OK) {
        used = xg_sim_window_used(&cl->windows[BINANCE_CW_WEIGHT], req->t_ms);
    }
    xg_sim_venue_unlock(v);
    binance_sim_ip_limited(s, BINANCE_BUCKET_API, false, retry_after_ms, resp);
    binance_sim_weight_header(s, BINANCE_BUCKET_API, name);
    xg_sim_response_header_int(resp, name, used);
}

static void
binance_sim_client_id(const xg_sim_request *req, char *out, size_t cap)
{
    xg_sim_params params;
    const char *id = NULL;

    out[0] = '\0';
    xg_sim_params_init(&params);
    if (xg_sim_params_parse(&params, req->query, req->query_len) == XG_OK &&
        xg_sim_params_parse(&params, req->body, req->body_len) == XG_OK) {
        id = binance_sim_param_client_id(&params);
    }
    if (id != NULL) {
        snprintf(out, cap, "%s", id);
    }
    xg_sim_params_fini(&params);
}

static json_t *
binance_sim_state(xg_sim_venue *v, int64_t now_ms)
{
    json_t *clients = json_array();
    json_t *accounts = json_array();

    for (size_t i = 0; i < v->clients.n; i++) {
        const xg_sim_client *cl = &v->clients.items[i];
        json_array_append_new(
            clients, json_pack("{ss sI sI sI sI}", "ip", cl->ip, "weight_used",
                               (json_int_t)xg_sim_window_used(
                                   &cl->windows[BINANCE_CW_WEIGHT], now_ms),
                               "raw_used",
                               (json_int_t)xg_sim_window_used(
                                   &cl->windows[BINANCE_CW_RAW], now_ms),
                               "sapi_weight_used",
                               (json_int_t)xg_sim_window_used(
                                   &cl->windows[BINANCE_CW_SAPI], now_ms),
                               "futures_weight_used",
                               (json_int_t)xg_sim_window_used(
                                   &cl->windows[BINANCE_CW_FUTURES], now_ms)));
    }
    for (size_t i = 0; i < v->book.naccounts; i++) {
        const xg_sim_account *a = &v->book.accounts[i];
        json_array_append_new(
            accounts,
            json_pack("{ss sI sI}", "api_key",
                      xg_sim_book_account_key(&v->book, i)->api_key,
                      "orders_used",
                      (json_int_t)xg_sim_window_used(
                          &a->windows[BINANCE_AW_ORDERS], now_ms),
                      "orders_day_used",
                      (json_int_t)xg_sim_window_used(
                          &a->windows[BINANCE_AW_ORDERS_DAY], now_ms)));
    }
    return json_pack("{so* so*}", "clients", clients, "accounts", accounts);
}

const xg_sim_dialect xg_sim_dialect_binance = {
    .venue = "binance",
    .create = binance_sim_create,
    .destroy = binance_sim_destroy,
    .set = binance_sim_set,
    .setup = binance_sim_setup,
    .handle = binance_sim_handle,
    .client_id = binance_sim_client_id,
    .error = binance_sim_fault_error,
    .limited = binance_sim_limited,
    .state = binance_sim_state,
    .ban_status = true,
    /* Regular (VIP 0) spot: 0.1000% maker and taker, commission in the
     * asset received (no BNB discount) - the fact sheet does not list
     * fees; Binance's published fee schedule and its FULL answers'
     * commissionAsset. */
    .maker_fee_ppm = 1000,
    .taker_fee_ppm = 1000,
    .fee_rule = XG_SIM_FEE_RECEIVED,
    .stream = &binance_sim_stream,
};
