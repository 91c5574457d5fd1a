/*
 * dialect.c - xgsim's Binance spot dialect: the REST surface of /api/v3
 * as described in the Binance fact sheet (binance.md), written from that
 * fact sheet alone (it never calls the Binance adapter, so a misreading
 * shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the IP
 * limits (REQUEST_WEIGHT and RAW_REQUESTS per IP, clock-aligned windows,
 * 429 then 418 escalation), routing and the public endpoints. It hands
 * signed requests to auth.c and trading ones to orders.c; the error
 * answers, the violation and ban bookkeeping and the per-account ORDERS
 * gate are in common.c, below all three. Weights come from the fact
 * sheet's endpoint table. POST and DELETE order are charged weight 1 even
 * when they succeed: since 2026-04 the real venue charges successful ones
 * 0, and charging 1 is the conservative choice for a gateway under test.
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
    BINANCE_ORDER_NEW,
    BINANCE_ORDER_CANCEL,
    BINANCE_ORDER_QUERY,
    BINANCE_OPEN_ORDERS,
    BINANCE_CANCEL_ALL,
    BINANCE_ACCOUNT,
    BINANCE_UNKNOWN
} binance_route;

typedef struct binance_route_def {
    const char *method;
    const char *path;
    binance_route route;
    int64_t weight; /* fact sheet endpoint table */
    bool is_signed;
} binance_route_def;

static const binance_route_def binance_routes[] = {
    {"GET", "/api/v3/ping", BINANCE_PING, 1, false},
    {"GET", "/api/v3/time", BINANCE_TIME, 1, false},
    {"GET", "/api/v3/exchangeInfo", BINANCE_EXCHANGE_INFO, 20, false},
    {"POST", "/api/v3/order", BINANCE_ORDER_NEW, 1, true},
    {"DELETE", "/api/v3/order", BINANCE_ORDER_CANCEL, 1, true},
    {"GET", "/api/v3/order", BINANCE_ORDER_QUERY, 4, true},
    {"GET", "/api/v3/openOrders", BINANCE_OPEN_ORDERS, 6, true},
    {"DELETE", "/api/v3/openOrders", BINANCE_CANCEL_ALL, 1, true},
    {"GET", "/api/v3/account", BINANCE_ACCOUNT, 20, true},
};

static const binance_route_def binance_unknown_route = {"", "", BINANCE_UNKNOWN,
                                                        1, false};

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

typedef enum binance_gate {
    BINANCE_GATE_PASS,
    BINANCE_GATE_LIMITED,
    BINANCE_GATE_BANNED
} binance_gate;

/* The 429 of the IP limits (-1003, Retry-After = whole seconds until
 * left_ms has passed): REQUEST_WEIGHT over its limit when is_weight,
 * else RAW_REQUESTS. The gate sends it, and so does an injected limited
 * fault. */
static void
binance_sim_ip_limited(const binance_settings *s, bool is_weight,
                       int64_t left_ms, xg_sim_response *resp)
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
                 (long long)s->weight_limit, (long long)num, unit);
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
 * held). Writes the 429/418 into resp when it may not. */
static binance_gate
binance_sim_ip_gate(const binance_settings *s, xg_sim_client *cl,
                    int64_t weight, int64_t now_ms, xg_sim_response *resp)
{
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
    used = xg_sim_window_add(&cl->windows[BINANCE_CW_WEIGHT], now_ms, weight);
    raw = xg_sim_window_add(&cl->windows[BINANCE_CW_RAW], now_ms, 1);
    if (s->limits == 0) {
        return BINANCE_GATE_PASS;
    }
    if (used > s->weight_limit) {
        is_weight = true;
        left = xg_sim_window_left_ms(&cl->windows[BINANCE_CW_WEIGHT], now_ms);
    } else if (raw > s->raw_limit) {
        left = xg_sim_window_left_ms(&cl->windows[BINANCE_CW_RAW], now_ms);
    } else {
        return BINANCE_GATE_PASS;
    }
    if (binance_sim_violation(s, cl, now_ms, left, resp)) {
        return BINANCE_GATE_BANNED;
    }
    binance_sim_ip_limited(s, is_weight, left, resp);
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
        "{ss ss ss si ss si si s[sss] sb sb sb sb sb sb sb sb so s[] "
        "s[[s]] ss s[sss]}",
        "symbol", in->symbol, "status", "TRADING", "baseAsset", in->base,
        "baseAssetPrecision", 8, "quoteAsset", in->quote, "quotePrecision", 8,
        "quoteAssetPrecision", 8, "orderTypes", "LIMIT", "LIMIT_MAKER",
        "MARKET", "icebergAllowed", 0, "ocoAllowed", 0, "otoAllowed", 0,
        "quoteOrderQtyMarketAllowed", 1, "allowTrailingStop", 0,
        "cancelReplaceAllowed", 0, "isSpotTradingAllowed", 1,
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
    case BINANCE_OPEN_ORDERS:
        binance_sim_open_orders(c);
        return;
    case BINANCE_CANCEL_ALL:
        binance_sim_cancel_all(c);
        return;
    case BINANCE_ACCOUNT:
        binance_sim_account(c);
        return;
    case BINANCE_UNKNOWN:
        break;
    }
    binance_sim_error(c->resp, 404, -1000, "Unknown endpoint.", "not_found");
}

/* The order a request is about: origClientOrderId (query, cancel; a
 * cancel's newClientOrderId names the cancel itself), else
 * newClientOrderId (new order), else NULL. */
static const char *
binance_sim_param_client_id(const xg_sim_params *params)
{
    const char *id = xg_sim_params_get(params, "origClientOrderId");

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
    int64_t weight = route->weight;
    int64_t now = req->t_ms;
    int64_t used = 0;
    xg_sim_client *cl = NULL;
    binance_gate gate = BINANCE_GATE_PASS;
    binance_call call;
    char suffix[24];
    char name[48];

    xg_sim_params_init(&params);
    perr = xg_sim_params_parse(&params, req->query, req->query_len);
    if (perr == XG_OK) {
        perr = xg_sim_params_parse(&params, req->body, req->body_len);
    }
    /* Logged even when the request is refused before it is read. */
    xg_sim_response_client_id(resp, binance_sim_param_client_id(&params));
    /* openOrders without a symbol scans every symbol: weight 80. */
    if (route->route == BINANCE_OPEN_ORDERS &&
        xg_sim_params_get(&params, "symbol") == NULL) {
        weight = 80;
    }

    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) !=
        XG_OK) {
        xg_sim_venue_unlock(v);
        xg_sim_params_fini(&params);
        binance_sim_server_error(resp, 500, "Out of memory.");
        return;
    }
    gate = binance_sim_ip_gate(s, cl, weight, now, resp);
    used = xg_sim_window_used(&cl->windows[BINANCE_CW_WEIGHT], now);
    xg_sim_venue_unlock(v);

    binance_sim_interval(s->weight_window_s, suffix, NULL, NULL);
    snprintf(name, sizeof(name), "X-MBX-USED-WEIGHT-%s", suffix);
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
    } else if (!route->is_signed ||
               binance_sim_authenticate(v, s, req, &params, now, resp,
                                        &call.account)) {
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
    char suffix[24];
    char name[48];

    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) ==
        XG_OK) {
        used = xg_sim_window_used(&cl->windows[BINANCE_CW_WEIGHT], req->t_ms);
    }
    xg_sim_venue_unlock(v);
    binance_sim_ip_limited(s, false, retry_after_ms, resp);
    binance_sim_interval(s->weight_window_s, suffix, NULL, NULL);
    snprintf(name, sizeof(name), "X-MBX-USED-WEIGHT-%s", suffix);
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
            clients, json_pack("{ss sI sI}", "ip", cl->ip, "weight_used",
                               (json_int_t)xg_sim_window_used(
                                   &cl->windows[BINANCE_CW_WEIGHT], now_ms),
                               "raw_used",
                               (json_int_t)xg_sim_window_used(
                                   &cl->windows[BINANCE_CW_RAW], now_ms)));
    }
    for (size_t i = 0; i < v->book.naccounts; i++) {
        const xg_sim_account *a = &v->book.accounts[i];
        json_array_append_new(
            accounts,
            json_pack("{ss sI sI}", "api_key", a->cred.api_key, "orders_used",
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
};
