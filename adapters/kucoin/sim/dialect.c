/*
 * dialect.c - xgsim's KuCoin spot dialect: the REST surface of the HF
 * order API as described in the KuCoin fact sheet (kucoin.md), written
 * from that fact sheet alone (it never calls the KuCoin adapter or
 * xgate_prim, so a misreading shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the
 * pool model, routing and the public endpoints. It hands private requests
 * to auth.c and trading ones to orders.c; the answer envelopes and the
 * amount format are in common.c, below all three.
 *
 * Pools ("rate limit 2.0"): the Spot pool per account (UID), the Public
 * pool per client IP. Each is a FIXED window of window_ms that starts at
 * the first request after the previous window ended and is refilled whole
 * at its end - not clock-aligned and not a token bucket. A request whose
 * weight does not fit is refused with HTTP 429 and code 429000 and charges
 * nothing. Every answer that went through a pool carries
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
    KUCOIN_SET(public_limit, 1, INT64_MAX / 4),
    KUCOIN_SET(window_ms, 1, 86400000),
    KUCOIN_SET(timestamp_window_ms, 1, 86400000),
    KUCOIN_SET(limits, 0, 1),
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
    s->public_limit = 2000;
    s->window_ms = 30000;
    s->timestamp_window_ms = 5000;
    s->limits = 1;
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
    KUCOIN_SYMBOLS,
    KUCOIN_NEW,
    KUCOIN_CANCEL,
    KUCOIN_QUERY,
    KUCOIN_ACTIVE,
    KUCOIN_UNKNOWN
} kucoin_route;

typedef struct kucoin_route_def {
    const char *method;
    const char *path; /* exact, or a prefix when is_prefix */
    bool is_prefix;
    kucoin_route route;
    int64_t weight; /* fact sheet endpoint table */
    bool is_private;
} kucoin_route_def;

#define KUCOIN_COID_PREFIX "/api/v1/hf/orders/client-order/"

static const kucoin_route_def kucoin_routes[] = {
    {"GET", "/api/v1/timestamp", false, KUCOIN_TIME, 3, false},
    {"GET", "/api/v2/symbols", false, KUCOIN_SYMBOLS, 4, false},
    {"POST", "/api/v1/hf/orders", false, KUCOIN_NEW, 1, true},
    {"GET", "/api/v1/hf/orders/active", false, KUCOIN_ACTIVE, 2, true},
    {"DELETE", KUCOIN_COID_PREFIX, true, KUCOIN_CANCEL, 1, true},
    {"GET", KUCOIN_COID_PREFIX, true, KUCOIN_QUERY, 2, true},
};

static const kucoin_route_def kucoin_unknown_route = {
    "", "", false, KUCOIN_UNKNOWN, 1, false};

static const kucoin_route_def *
kucoin_sim_find_route(const xg_sim_request *req)
{
    for (size_t i = 0; i < sizeof(kucoin_routes) / sizeof(kucoin_routes[0]);
         i++) {
        const kucoin_route_def *r = &kucoin_routes[i];
        if (strcmp(r->method, req->method) != 0) {
            continue;
        }
        if (r->is_prefix ? strncmp(req->path, r->path, strlen(r->path)) == 0 &&
                               req->path[strlen(r->path)] != '\0'
                         : strcmp(req->path, r->path) == 0) {
            return r;
        }
    }
    return &kucoin_unknown_route;
}

/* ---- public endpoints -----------------------------------------------------
 */

static void
kucoin_sim_symbols_answer(const kucoin_call *c)
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

/* ---- the handler ------------------------------------------------------------
 */

static void
kucoin_sim_dispatch(const kucoin_route_def *route, const kucoin_call *c)
{
    switch (route->route) {
    case KUCOIN_TIME:
        kucoin_sim_ok(c->resp, json_integer(c->now_ms), "queried");
        return;
    case KUCOIN_SYMBOLS:
        kucoin_sim_symbols_answer(c);
        return;
    case KUCOIN_NEW:
        kucoin_sim_new_order(c);
        return;
    case KUCOIN_CANCEL:
        kucoin_sim_cancel(c);
        return;
    case KUCOIN_QUERY:
        kucoin_sim_query(c);
        return;
    case KUCOIN_ACTIVE:
        kucoin_sim_active(c);
        return;
    case KUCOIN_UNKNOWN:
        break;
    }
    kucoin_sim_error(c->resp, 404, 404000, "Not Found", "not_found");
}

/* The clientOid a request names: the path's, else the JSON body's. */
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
        const char *id = json_string_value(json_object_get(b, "clientOid"));
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
    call.symbol = xg_sim_params_get(&params, "symbol");
    if (route->route == KUCOIN_CANCEL || route->route == KUCOIN_QUERY) {
        call.path_id = req->path + strlen(KUCOIN_COID_PREFIX);
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

    if (route->is_private) {
        if (!kucoin_sim_authenticate(v, s, req, now, resp, &call.account)) {
            xg_sim_params_fini(&params);
            return;
        }
        limit = s->spot_limit;
    }
    xg_sim_venue_lock(v);
    /* Looked up again: the client table may have grown while unlocked. */
    if (route->is_private) {
        pool = &v->book.accounts[call.account].windows[KUCOIN_AW_SPOT];
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

    kucoin_sim_limit_headers(
        resp, route->is_private ? s->spot_limit : s->public_limit, 0,
        retry_after_ms);
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
        json_array_append_new(
            accounts,
            json_pack("{ss sI sI}", "api_key", a->cred.api_key, "spot_used",
                      (json_int_t)kucoin_sim_pool_used(w, now_ms),
                      "spot_window_start_ms", (json_int_t)w->index));
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
};
