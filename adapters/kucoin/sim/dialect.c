/*
 * dialect.c - xgsim's KuCoin spot dialect: the REST surface of the HF
 * order API as described in the KuCoin fact sheet (kucoin.md), written
 * from that fact sheet alone (it never calls the KuCoin adapter or
 * xgate_prim, so a misreading shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the
 * pool model and routing. It hands private requests to auth.c, then each
 * path to its file: market.c (public market data), account.c (balances,
 * account mode, API key), orders.c (HF orders), history.c (order and
 * fill history) and stream.c (the private stream and its token); the
 * answer envelopes, amount format and query parsing
 * are in common.c, below all of them.
 *
 * Pools ("rate limit 2.0"): the Spot and Management pools per account
 * (UID), the Public pool per client IP; each route names its pool and
 * weight. Each pool is a FIXED window of window_ms that starts at the
 * first request after the previous window ended and is refilled whole at
 * its end - not clock-aligned and not a token bucket. A request whose
 * weight does not fit is refused with HTTP 429 and code 429000 and
 * charges nothing. Every answer that went through a pool carries
 * gw-ratelimit-limit, gw-ratelimit-remaining and gw-ratelimit-reset (ms
 * until the window ends).
 *
 * Bans: KuCoin 2.0 documents none; the admin API's IP ban is answered the
 * way Cloudflare's IP limit is, HTTP 429 with code 1015, Retry-After in
 * seconds and no pool.
 */
#include "kucoin_sim.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- settings ---------------------------------------------------------- */

#define KUCOIN_SET(name, lo, hi)                                               \
    XG_SIM_SETTING(kucoin_settings, name, (lo), (hi))

static const xg_sim_setting kucoin_setting_defs[] = {
    KUCOIN_SET(spot_limit, 1, INT64_MAX / 4),
    KUCOIN_SET(management_limit, 1, INT64_MAX / 4),
    KUCOIN_SET(public_limit, 1, INT64_MAX / 4),
    KUCOIN_SET(window_ms, 1, 86400000),
    KUCOIN_SET(timestamp_window_ms, 1, 86400000),
    KUCOIN_SET(limits, 0, 1),
    KUCOIN_SET(stream_ping_ms, 1000, 600000),
    KUCOIN_SET(stream_idle_ms, 1, 86400000),
    KUCOIN_SET(stream_token_ms, 1, 604800000),
    KUCOIN_SET(stream_life_ms, 0, 604800000),
};

static void *
kucoin_sim_create(void)
{
    kucoin_settings *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return NULL;
    }
    /* Fact sheet "Rate-limit model" (VIP0) and "Signing" (5 s). */
    s->spot_limit = 4000;
    s->management_limit = 2000;
    s->public_limit = 2000;
    s->window_ms = 30000;
    s->timestamp_window_ms = 5000;
    s->limits = 1;
    /* Streams fact sheet 4.1 and 4.4: pingInterval 18 s, a token good
     * for 24 h, a connection dropped after 24 h; the idle cut is
     * UNCONFIRMED there, 60 s is what a third-party client cites. */
    s->stream_ping_ms = 18000;
    s->stream_idle_ms = 60000;
    s->stream_token_ms = 86400000;
    s->stream_life_ms = 86400000;
    return s;
}

static void
kucoin_sim_destroy(void *settings)
{
    free(settings);
}

static xg_err
kucoin_sim_set(void *settings, const char *key, const char *value)
{
    return xg_sim_setting_apply(kucoin_setting_defs,
                                sizeof(kucoin_setting_defs) /
                                    sizeof(kucoin_setting_defs[0]),
                                settings, key, value);
}

/* ---- instruments and setup --------------------------------------------- */

typedef struct kucoin_symbol_def {
    const char *symbol, *base, *quote;
    int64_t ref;  /* whole quote units */
    int64_t step; /* baseIncrement = baseMinSize, in 1e-8 */
} kucoin_symbol_def;

/* Reference prices as in the Binance dialect; increments modelled on the
 * live BTC-USDT / ETH-USDT rules (tick 0.1 / 0.01, minFunds 0.1). */
static const kucoin_symbol_def kucoin_symbols[] = {
    {"BTC-USDT", "BTC", "USDT", 35000, 1000},
    {"ETH-USDT", "ETH", "USDT", 2000, 10000},
};

static xg_err
kucoin_sim_setup(xg_sim_venue *v)
{
    const kucoin_settings *s = v->settings;

    for (size_t i = 0; i < sizeof(kucoin_symbols) / sizeof(kucoin_symbols[0]);
         i++) {
        const kucoin_symbol_def *d = &kucoin_symbols[i];
        xg_sim_instrument in;
        memset(&in, 0, sizeof(in));
        snprintf(in.symbol, sizeof(in.symbol), "%s", d->symbol);
        snprintf(in.base, sizeof(in.base), "%s", d->base);
        snprintf(in.quote, sizeof(in.quote), "%s", d->quote);
        in.tick = i == 0 ? XG_SIM_SCALE / 10 : XG_SIM_SCALE / 100;
        /* The book counts ticks from min_price (Binance's rule); KuCoin
         * has no minimum price, so the first tick is the minimum. */
        in.min_price = in.tick;
        in.max_price = 1000000 * XG_SIM_SCALE;
        in.min_qty = d->step;
        in.max_qty = 9000 * XG_SIM_SCALE;
        in.step = d->step;
        in.min_notional = XG_SIM_SCALE / 10;
        in.max_notional = 9000000 * XG_SIM_SCALE;
        in.ref_price = d->ref * XG_SIM_SCALE;
        xg_err err = xg_sim_book_add_instrument(&v->book, &in);
        if (err != XG_OK) {
            return err;
        }
    }
    xg_sim_window_init(&v->client_proto[KUCOIN_CW_PUBLIC], s->window_ms);
    for (size_t i = 0; i < v->book.naccounts; i++) {
        xg_sim_window_init(&v->book.accounts[i].windows[KUCOIN_AW_SPOT],
                           s->window_ms);
        xg_sim_window_init(&v->book.accounts[i].windows[KUCOIN_AW_MANAGEMENT],
                           s->window_ms);
    }
    return XG_OK;
}

/* ---- pools --------------------------------------------------------------- */

/* Charge cost to the anchored window w (lock held). Returns false, and
 * charges nothing, if it does not fit. */
static bool
kucoin_sim_pool_take(xg_sim_window *w, int64_t limit, int64_t cost, int64_t now)
{
    if (now >= w->index + w->len_ms || now < w->index) {
        w->index = now; /* the first request after the window ended */
        w->count = 0;
    }
    if (w->count + cost > limit) {
        return false;
    }
    w->count += cost;
    return true;
}

static int64_t
kucoin_sim_pool_used(const xg_sim_window *w, int64_t now)
{
    return (now >= w->index + w->len_ms || now < w->index) ? 0 : w->count;
}

static void
kucoin_sim_limit_headers(xg_sim_response *resp, int64_t limit,
                         int64_t remaining, int64_t reset_ms)
{
    xg_sim_response_header_int(resp, "gw-ratelimit-limit", limit);
    xg_sim_response_header_int(resp, "gw-ratelimit-remaining", remaining);
    xg_sim_response_header_int(resp, "gw-ratelimit-reset", reset_ms);
}

static void
kucoin_sim_pool_headers(xg_sim_response *resp, const xg_sim_window *w,
                        int64_t limit, int64_t now)
{
    int64_t used = kucoin_sim_pool_used(w, now);
    int64_t reset = used > 0 ? w->index + w->len_ms - now : w->len_ms;

    kucoin_sim_limit_headers(resp, limit, limit - used, reset);
}

/* The pool's refusal (after its headers): HTTP 429, code 429000. The pool
 * gate sends it, and so does an injected limited fault. */
static void
kucoin_sim_too_many(xg_sim_response *resp)
{
    kucoin_sim_error(resp, 429, 429000, "Too Many Requests", "limited");
}

/* ---- routing ------------------------------------------------------------- */

typedef enum kucoin_route {
    KUCOIN_TIME,
    KUCOIN_STATUS,
    KUCOIN_SYMBOLS,
    KUCOIN_CURRENCIES,
    KUCOIN_LEVEL1,
    KUCOIN_ALL_TICKERS,
    KUCOIN_STATS,
    KUCOIN_LEVEL2_20,
    KUCOIN_LEVEL2_100,
    KUCOIN_LEVEL2_FULL,
    KUCOIN_HISTORIES,
    KUCOIN_MARGIN_SYMBOLS,
    KUCOIN_EMPTY_LIST,
    KUCOIN_ACCOUNTS,
    KUCOIN_ACCOUNT_MODE,
    KUCOIN_HF_OPENED,
    KUCOIN_API_KEY,
    KUCOIN_USER_INFO,
    KUCOIN_NEW,
    KUCOIN_NEW_MULTI,
    KUCOIN_ALTER,
    KUCOIN_CANCEL,
    KUCOIN_CANCEL_SYMBOL,
    KUCOIN_QUERY,
    KUCOIN_ACTIVE,
    KUCOIN_ACTIVE_SYMBOLS,
    KUCOIN_DONE,
    KUCOIN_FILLS,
    KUCOIN_BULLET,
    KUCOIN_UNKNOWN
} kucoin_route;

typedef enum kucoin_pool {
    KUCOIN_POOL_PUBLIC,    /* per IP, no authentication */
    KUCOIN_POOL_SPOT,      /* per account, authenticated */
    KUCOIN_POOL_MANAGEMENT /* per account, authenticated */
} kucoin_pool;

typedef struct kucoin_route_def {
    const char *method;
    /* Exact, or with is_id a prefix followed by one non-empty segment
     * (no '/'), the {orderId} / {clientOid} of the path. */
    const char *path;
    bool is_id;
    kucoin_route route;
    int64_t weight;
    kucoin_pool pool;
} kucoin_route_def;

#define KUCOIN_COID_PREFIX "/api/v1/hf/orders/client-order/"
#define KUCOIN_OID_PREFIX  "/api/v1/hf/orders/"

/* Weights and pools: the fact sheet's endpoint table where it has the
 * path, else KuCoin's own per-endpoint "API-RATE-LIMIT-POOL / -WEIGHT"
 * (docs-new, as carried by the official kucoin-universal-sdk 1.3.0 the
 * third-party check pins); /api/ua/v1/account/mode is absent from both
 * and is KuCoin's docs-new "Get Account Mode" (Management, 30). Futures'
 * contracts/active belongs to api-futures.kucoin.com (its Public pool,
 * 3); it is answered here because a client pointed at xgsim sends its
 * futures base there too. Exact paths come first, so /active and /done
 * are never taken for an {orderId}. */
static const kucoin_route_def kucoin_routes[] = {
    {"GET", "/api/v1/timestamp", false, KUCOIN_TIME, 3, KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/status", false, KUCOIN_STATUS, 3, KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v2/symbols", false, KUCOIN_SYMBOLS, 4, KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v3/currencies", false, KUCOIN_CURRENCIES, 3,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/market/orderbook/level1", false, KUCOIN_LEVEL1, 2,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/market/allTickers", false, KUCOIN_ALL_TICKERS, 15,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/market/stats", false, KUCOIN_STATS, 15,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/market/orderbook/level2_20", false, KUCOIN_LEVEL2_20, 2,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/market/orderbook/level2_100", false, KUCOIN_LEVEL2_100, 2,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/market/histories", false, KUCOIN_HISTORIES, 3,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v3/margin/symbols", false, KUCOIN_MARGIN_SYMBOLS, 3,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/isolated/symbols", false, KUCOIN_EMPTY_LIST, 3,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v1/contracts/active", false, KUCOIN_EMPTY_LIST, 3,
     KUCOIN_POOL_PUBLIC},
    {"GET", "/api/v3/market/orderbook/level2", false, KUCOIN_LEVEL2_FULL, 3,
     KUCOIN_POOL_SPOT},
    /* docs-new "Get Account List - Spot" (api-3470125): Management, 5. */
    {"GET", "/api/v1/accounts", false, KUCOIN_ACCOUNTS, 5,
     KUCOIN_POOL_MANAGEMENT},
    {"GET", "/api/ua/v1/account/mode", false, KUCOIN_ACCOUNT_MODE, 30,
     KUCOIN_POOL_MANAGEMENT},
    {"GET", "/api/v1/hf/accounts/opened", false, KUCOIN_HF_OPENED, 30,
     KUCOIN_POOL_SPOT},
    {"GET", "/api/v1/user/api-key", false, KUCOIN_API_KEY, 20,
     KUCOIN_POOL_MANAGEMENT},
    {"GET", "/api/v2/user-info", false, KUCOIN_USER_INFO, 20,
     KUCOIN_POOL_MANAGEMENT},
    {"POST", "/api/v1/hf/orders", false, KUCOIN_NEW, 1, KUCOIN_POOL_SPOT},
    /* docs-new "Batch Add Orders" (api-3470168): Spot pool, weight 1 per
     * request, whatever the number of orders in it. */
    {"POST", "/api/v1/hf/orders/multi", false, KUCOIN_NEW_MULTI, 1,
     KUCOIN_POOL_SPOT},
    /* docs-new "Modify Order" (api-3470171): Spot pool, weight 1. */
    {"POST", "/api/v1/hf/orders/alter", false, KUCOIN_ALTER, 1,
     KUCOIN_POOL_SPOT},
    /* docs-new "Cancel All Orders By Symbol" (api-3470175): Spot, 2. */
    {"DELETE", "/api/v1/hf/orders", false, KUCOIN_CANCEL_SYMBOL, 2,
     KUCOIN_POOL_SPOT},
    {"GET", "/api/v1/hf/orders/active", false, KUCOIN_ACTIVE, 2,
     KUCOIN_POOL_SPOT},
    {"GET", "/api/v1/hf/orders/active/symbols", false, KUCOIN_ACTIVE_SYMBOLS, 2,
     KUCOIN_POOL_SPOT},
    {"GET", "/api/v1/hf/orders/done", false, KUCOIN_DONE, 2, KUCOIN_POOL_SPOT},
    {"GET", "/api/v1/hf/fills", false, KUCOIN_FILLS, 2, KUCOIN_POOL_SPOT},
    /* Streams fact sheet 4.1: "Weight 10, Spot pool". */
    {"POST", "/api/v1/bullet-private", false, KUCOIN_BULLET, 10,
     KUCOIN_POOL_SPOT},
    {"DELETE", KUCOIN_COID_PREFIX, true, KUCOIN_CANCEL, 1, KUCOIN_POOL_SPOT},
    {"GET", KUCOIN_COID_PREFIX, true, KUCOIN_QUERY, 2, KUCOIN_POOL_SPOT},
    {"DELETE", KUCOIN_OID_PREFIX, true, KUCOIN_CANCEL, 1, KUCOIN_POOL_SPOT},
    {"GET", KUCOIN_OID_PREFIX, true, KUCOIN_QUERY, 2, KUCOIN_POOL_SPOT},
};

/* An unknown path is answered 404 and charged to the Public pool. */
static const kucoin_route_def kucoin_unknown_route = {
    "", "", false, KUCOIN_UNKNOWN, 1, KUCOIN_POOL_PUBLIC};

static bool
kucoin_sim_route_matches(const kucoin_route_def *r, const char *path)
{
    size_t n = strlen(r->path);

    if (!r->is_id) {
        return strcmp(path, r->path) == 0;
    }
    return strncmp(path, r->path, n) == 0 && path[n] != '\0' &&
           strchr(path + n, '/') == NULL;
}

static const kucoin_route_def *
kucoin_sim_find_route(const xg_sim_request *req)
{
    for (size_t i = 0; i < sizeof(kucoin_routes) / sizeof(kucoin_routes[0]);
         i++) {
        const kucoin_route_def *r = &kucoin_routes[i];
        if (strcmp(r->method, req->method) == 0 &&
            kucoin_sim_route_matches(r, req->path)) {
            return r;
        }
    }
    return &kucoin_unknown_route;
}

/* ---- the handler ------------------------------------------------------------
 */

static void
kucoin_sim_dispatch(const kucoin_route_def *route, const kucoin_call *c)
{
    switch (route->route) {
    case KUCOIN_TIME:
        kucoin_sim_ok(c->resp, json_integer(c->now_ms), "queried");
        return;
    case KUCOIN_STATUS:
        kucoin_sim_status(c);
        return;
    case KUCOIN_SYMBOLS:
        kucoin_sim_symbols(c);
        return;
    case KUCOIN_CURRENCIES:
        kucoin_sim_currencies(c);
        return;
    case KUCOIN_LEVEL1:
        kucoin_sim_level1(c);
        return;
    case KUCOIN_ALL_TICKERS:
        kucoin_sim_all_tickers(c);
        return;
    case KUCOIN_STATS:
        kucoin_sim_stats(c);
        return;
    case KUCOIN_LEVEL2_20:
        kucoin_sim_level2(c, 20);
        return;
    case KUCOIN_LEVEL2_100:
        kucoin_sim_level2(c, 100);
        return;
    case KUCOIN_LEVEL2_FULL:
        kucoin_sim_level2(c, 0);
        return;
    case KUCOIN_HISTORIES:
        kucoin_sim_histories(c);
        return;
    case KUCOIN_MARGIN_SYMBOLS:
        kucoin_sim_margin_symbols(c);
        return;
    case KUCOIN_EMPTY_LIST:
        kucoin_sim_empty_list(c);
        return;
    case KUCOIN_ACCOUNTS:
        kucoin_sim_accounts(c);
        return;
    case KUCOIN_ACCOUNT_MODE:
        kucoin_sim_account_mode(c);
        return;
    case KUCOIN_HF_OPENED:
        kucoin_sim_hf_opened(c);
        return;
    case KUCOIN_API_KEY:
        kucoin_sim_api_key(c);
        return;
    case KUCOIN_USER_INFO:
        kucoin_sim_user_info(c);
        return;
    case KUCOIN_NEW:
        kucoin_sim_new_order(c);
        return;
    case KUCOIN_NEW_MULTI:
        kucoin_sim_new_orders(c);
        return;
    case KUCOIN_ALTER:
        kucoin_sim_alter(c);
        return;
    case KUCOIN_CANCEL:
        kucoin_sim_cancel(c);
        return;
    case KUCOIN_CANCEL_SYMBOL:
        kucoin_sim_cancel_symbol(c);
        return;
    case KUCOIN_QUERY:
        kucoin_sim_query(c);
        return;
    case KUCOIN_ACTIVE:
        kucoin_sim_active(c);
        return;
    case KUCOIN_ACTIVE_SYMBOLS:
        kucoin_sim_active_symbols(c);
        return;
    case KUCOIN_DONE:
        kucoin_sim_done(c);
        return;
    case KUCOIN_FILLS:
        kucoin_sim_fills(c);
        return;
    case KUCOIN_BULLET:
        kucoin_sim_bullet(c);
        return;
    case KUCOIN_UNKNOWN:
        break;
    }
    kucoin_sim_error(c->resp, 404, 404000, "Not Found", "not_found");
}

/* The clientOid a request names: the path's, else the JSON body's, or
 * for a batch ({"orderList":[...]}) its first order's. */
static void
kucoin_sim_request_client_id(const xg_sim_request *req, char *out, size_t cap)
{
    size_t plen = strlen(KUCOIN_COID_PREFIX);

    out[0] = '\0';
    if (strncmp(req->path, KUCOIN_COID_PREFIX, plen) == 0) {
        snprintf(out, cap, "%s", req->path + plen);
        return;
    }
    if (req->body_len > 0) {
        json_t *b = json_loadb(req->body, req->body_len, 0, NULL);
        const json_t *list = json_object_get(b, "orderList");
        const json_t *one = json_is_array(list) ? json_array_get(list, 0) : b;
        const char *id = json_string_value(json_object_get(one, "clientOid"));
        if (id != NULL) {
            snprintf(out, cap, "%s", id);
        }
        json_decref(b);
    }
}

static void
kucoin_sim_handle(xg_sim_venue *v, const xg_sim_request *req,
                  xg_sim_response *resp)
{
    const kucoin_settings *s = v->settings;
    const kucoin_route_def *route = kucoin_sim_find_route(req);
    xg_sim_params params;
    xg_sim_client *cl = NULL;
    xg_sim_window *pool = NULL;
    int64_t limit = s->public_limit;
    int64_t now = req->t_ms;
    bool fits = true;
    kucoin_call call;
    char cid[XG_SIM_LOG_ID_LEN];

    kucoin_sim_request_client_id(req, cid, sizeof(cid));
    xg_sim_response_client_id(resp, cid);
    xg_sim_params_init(&params);
    memset(&call, 0, sizeof(call));
    call.v = v;
    call.set = s;
    call.req = req;
    call.resp = resp;
    call.now_ms = now;
    if (xg_sim_params_parse(&params, req->query, req->query_len) != XG_OK) {
        kucoin_sim_error(resp, 400, 400100, "Invalid query string", "rejected");
        xg_sim_params_fini(&params);
        return;
    }
    call.params = &params;
    call.symbol = xg_sim_params_get(&params, "symbol");
    if (route->route == KUCOIN_CANCEL || route->route == KUCOIN_QUERY) {
        call.by_client = strncmp(req->path, KUCOIN_COID_PREFIX,
                                 strlen(KUCOIN_COID_PREFIX)) == 0;
        call.path_id = req->path + strlen(call.by_client ? KUCOIN_COID_PREFIX
                                                         : KUCOIN_OID_PREFIX);
    }

    /* The IP gate (admin bans), then who pays: the account's Spot pool
     * for private endpoints (after authentication), the IP's Public pool
     * otherwise. */
    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) !=
        XG_OK) {
        xg_sim_venue_unlock(v);
        kucoin_sim_error(resp, 500, 500000, "Internal Server Error", "fault");
        xg_sim_params_fini(&params);
        return;
    }
    if (xg_sim_client_is_banned(cl, now)) {
        int64_t left_s = (cl->ban_until_ms - now + 999) / 1000;
        xg_sim_venue_unlock(v);
        kucoin_sim_error(resp, 429, 1015,
                         "Error 1015: You are being rate limited (IP)",
                         "banned");
        xg_sim_response_header_int(resp, "Retry-After",
                                   left_s > 0 ? left_s : 1);
        xg_sim_params_fini(&params);
        return;
    }
    xg_sim_venue_unlock(v);

    if (route->pool != KUCOIN_POOL_PUBLIC) {
        if (!kucoin_sim_authenticate(v, s, req, now, resp, &call.account)) {
            xg_sim_params_fini(&params);
            return;
        }
        limit = route->pool == KUCOIN_POOL_SPOT ? s->spot_limit
                                                : s->management_limit;
    }
    xg_sim_venue_lock(v);
    /* Looked up again: the client table may have grown while unlocked. */
    if (route->pool != KUCOIN_POOL_PUBLIC) {
        pool = &v->book.accounts[call.account]
                    .windows[route->pool == KUCOIN_POOL_SPOT
                                 ? KUCOIN_AW_SPOT
                                 : KUCOIN_AW_MANAGEMENT];
    } else if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto,
                                  &cl) == XG_OK) {
        pool = &cl->windows[KUCOIN_CW_PUBLIC];
    } else {
        xg_sim_venue_unlock(v);
        kucoin_sim_error(resp, 500, 500000, "Internal Server Error", "fault");
        xg_sim_params_fini(&params);
        return;
    }
    if (s->limits != 0) {
        fits = kucoin_sim_pool_take(pool, limit, route->weight, now);
    }
    kucoin_sim_pool_headers(resp, pool, limit, now);
    xg_sim_venue_unlock(v);

    if (!fits) {
        kucoin_sim_too_many(resp);
    } else {
        kucoin_sim_dispatch(route, &call);
    }
    xg_sim_params_fini(&params);
}

static void
kucoin_sim_fault_error(xg_sim_response *resp, int status, const char *msg)
{
    kucoin_sim_error(resp, status, status >= 500 ? 500000 : 400100, msg,
                     status >= 500 ? "fault" : "rejected");
}

/* An injected limited fault: the pool refusal with the pool the request
 * would pay from (Spot for private endpoints, else Public) shown empty
 * until retry_after_ms from now. */
static void
kucoin_sim_limited(xg_sim_venue *v, const xg_sim_request *req,
                   int64_t retry_after_ms, xg_sim_response *resp)
{
    const kucoin_settings *s = v->settings;
    const kucoin_route_def *route = kucoin_sim_find_route(req);

    kucoin_sim_limit_headers(resp,
                             route->pool == KUCOIN_POOL_SPOT ? s->spot_limit
                             : route->pool == KUCOIN_POOL_MANAGEMENT
                                 ? s->management_limit
                                 : s->public_limit,
                             0, retry_after_ms);
    kucoin_sim_too_many(resp);
}

static json_t *
kucoin_sim_state(xg_sim_venue *v, int64_t now_ms)
{
    json_t *clients = json_array();
    json_t *accounts = json_array();

    for (size_t i = 0; i < v->clients.n; i++) {
        const xg_sim_client *cl = &v->clients.items[i];
        json_array_append_new(
            clients, json_pack("{ss sI}", "ip", cl->ip, "public_used",
                               (json_int_t)kucoin_sim_pool_used(
                                   &cl->windows[KUCOIN_CW_PUBLIC], now_ms)));
    }
    for (size_t i = 0; i < v->book.naccounts; i++) {
        const xg_sim_account *a = &v->book.accounts[i];
        const xg_sim_window *w = &a->windows[KUCOIN_AW_SPOT];
        const xg_sim_window *m = &a->windows[KUCOIN_AW_MANAGEMENT];
        json_array_append_new(
            accounts,
            json_pack("{ss sI sI sI}", "api_key",
                      xg_sim_book_account_key(&v->book, i)->api_key,
                      "spot_used", (json_int_t)kucoin_sim_pool_used(w, now_ms),
                      "spot_window_start_ms", (json_int_t)w->index,
                      "management_used",
                      (json_int_t)kucoin_sim_pool_used(m, now_ms)));
    }
    return json_pack("{so* so*}", "clients", clients, "accounts", accounts);
}

const xg_sim_dialect xg_sim_dialect_kucoin = {
    .venue = "kucoin",
    .create = kucoin_sim_create,
    .destroy = kucoin_sim_destroy,
    .set = kucoin_sim_set,
    .setup = kucoin_sim_setup,
    .handle = kucoin_sim_handle,
    .client_id = kucoin_sim_request_client_id,
    .error = kucoin_sim_fault_error,
    .limited = kucoin_sim_limited,
    .state = kucoin_sim_state,
    /* LV 0 spot: 0.1% maker and taker, charged in the quote currency
     * (the HF order object's feeCurrency) - the fact sheet does not list
     * fees; KuCoin's published fee schedule. */
    .maker_fee_ppm = 1000,
    .taker_fee_ppm = 1000,
    .fee_rule = XG_SIM_FEE_QUOTE,
    .stream = &kucoin_sim_stream,
};
