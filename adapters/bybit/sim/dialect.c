/*
 * dialect.c - xgsim's Bybit v5 spot dialect: the REST surface of /v5 with
 * category=spot as described in the Bybit fact sheet (bybit.md), written
 * from that fact sheet alone (it never calls the Bybit adapter or
 * xgate_prim, so a misreading shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the
 * per-IP layer of Bybit's limit model and routing. It hands signed
 * requests to auth.c, then each path to its file: public.c (market data),
 * orders.c and batch.c (trading), history.c (order and fill history),
 * account.c (wallet, account and key information); the private stream
 * is stream.c's, named in the table below; the answer envelope,
 * parameters, cursors and the per-UID endpoint gate are in common.c,
 * below them all. The limit model is Bybit's two layers:
 *  - per UID and endpoint, a rolling window with the limit of Bybit's
 *    rate-limit table (create, cancel, cancel-all and each batch endpoint
 *    20/s; amend 10/s; realtime, history, executions, wallet-balance and
 *    account/info 50/s; user/query-api 10/s; asset/coin/query-info 5/s;
 *    a batch takes one slot per order): over it the answer is HTTP 200
 *    with retCode 10006 "Too many visits!" and
 *    X-Bapi-Limit-Reset-Timestamp the time a slot frees; every answer of
 *    those endpoints carries X-Bapi-Limit (the limit) and
 *    X-Bapi-Limit-Status (remaining) (common.c);
 *  - per IP over every request, 600 in a rolling 5 s: the request that
 *    exceeds it is answered HTTP 403 "access too frequent" and the IP is
 *    locked out for ban_ms (10 minutes by default); every request during
 *    the lockout gets the same 403. Nothing in the answer says when it
 *    ends, as on the real venue (this file).
 */
#include "bybit_sim.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- settings ---------------------------------------------------------- */

#define BYBIT_SET(name, lo, hi) XG_SIM_SETTING(bybit_settings, name, (lo), (hi))

/* Limits are bounded so a ring of that many timestamps stays small. */
static const xg_sim_setting bybit_setting_defs[] = {
    BYBIT_SET(create_per_s, 1, 100000),
    BYBIT_SET(cancel_per_s, 1, 100000),
    BYBIT_SET(amend_per_s, 1, 100000),
    BYBIT_SET(query_per_s, 1, 100000),
    BYBIT_SET(history_per_s, 1, 100000),
    BYBIT_SET(executions_per_s, 1, 100000),
    BYBIT_SET(wallet_per_s, 1, 100000),
    BYBIT_SET(account_info_per_s, 1, 100000),
    BYBIT_SET(api_info_per_s, 1, 100000),
    BYBIT_SET(coin_info_per_s, 1, 100000),
    BYBIT_SET(batch_create_per_s, 1, 100000),
    BYBIT_SET(batch_cancel_per_s, 1, 100000),
    BYBIT_SET(cancel_all_per_s, 1, 100000),
    BYBIT_SET(endpoint_window_ms, 1, 3600000),
    BYBIT_SET(ip_limit, 1, 1000000),
    BYBIT_SET(ip_window_ms, 1, 3600000),
    BYBIT_SET(ban_ms, 1, 365LL * 86400 * 1000),
    BYBIT_SET(limits, 0, 1),
    BYBIT_SET(stream_idle_ms, 1, 86400000),
};

static void *
bybit_sim_create(void)
{
    bybit_sim *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return NULL;
    }
    /* Fact sheet, "Endpoints" and "Rate-limit model"; the paths it does
     * not list from Bybit's rate-limit page (v5/rate-limit, the spot
     * column of "Trade", and "Account", "Asset", "User"). */
    s->set.create_per_s = 20;
    s->set.cancel_per_s = 20;
    /* Not in the fact sheet: the rate-limit page's "Trade" table, UTA2.0
     * Pro, spot column, gives POST /v5/order/amend 10/s (create and
     * cancel 20/s). */
    s->set.amend_per_s = 10;
    s->set.query_per_s = 50;
    s->set.history_per_s = 50;
    s->set.executions_per_s = 50;
    s->set.wallet_per_s = 50;
    s->set.account_info_per_s = 50;
    s->set.api_info_per_s = 10;
    s->set.coin_info_per_s = 5;
    s->set.batch_create_per_s = 20;
    s->set.batch_cancel_per_s = 20;
    /* Fact sheet, "Endpoints": cancel all 20/s spot. */
    s->set.cancel_all_per_s = 20;
    s->set.endpoint_window_ms = 1000;
    s->set.ip_limit = 600;
    s->set.ip_window_ms = 5000;
    s->set.ban_ms = 600000;
    s->set.limits = 1;
    /* streams.md 2.6: a private connection without ping-pong or data is
     * cut after 10 minutes (max_active_time's default). */
    s->set.stream_idle_ms = 600000;
    return s;
}

static void
bybit_sim_destroy(void *settings)
{
    bybit_sim *s = settings;

    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->naccounts * BYBIT_EP_COUNT; i++) {
        bybit_sim_roll_fini(&s->endpoints[i]);
    }
    free(s->endpoints);
    for (size_t i = 0; i < s->nips; i++) {
        bybit_sim_roll_fini(&s->ips[i].roll);
    }
    free(s->ips);
    free(s);
}

static xg_err
bybit_sim_set(void *settings, const char *key, const char *value)
{
    return xg_sim_setting_apply(bybit_setting_defs,
                                sizeof(bybit_setting_defs) /
                                    sizeof(bybit_setting_defs[0]),
                                settings, key, value);
}

/* ---- instruments and setup --------------------------------------------- */

typedef struct bybit_symbol_def {
    const char *symbol, *base, *quote;
    int64_t ref;  /* whole quote units */
    int64_t step; /* basePrecision, in 1e-8 */
} bybit_symbol_def;

/* Rules modelled on the live spot BTCUSDT/ETHUSDT/SOLUSDT entries (tick
 * 0.01, minOrderAmt 1 USDT); reference prices as Binance's dialect. */
static const bybit_symbol_def bybit_symbols[] = {
    {"BTCUSDT", "BTC", "USDT", 35000, 100},
    {"ETHUSDT", "ETH", "USDT", 2000, 1000},
    {"SOLUSDT", "SOL", "USDT", 100, 100000},
};

static xg_err
bybit_sim_setup(xg_sim_venue *v)
{
    bybit_sim *s = v->settings;
    xg_err err = XG_OK;

    for (size_t i = 0; i < sizeof(bybit_symbols) / sizeof(bybit_symbols[0]);
         i++) {
        const bybit_symbol_def *d = &bybit_symbols[i];
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
        in.min_notional = 1 * XG_SIM_SCALE;
        in.max_notional = 2000000 * XG_SIM_SCALE;
        in.ref_price = d->ref * XG_SIM_SCALE;
        err = xg_sim_book_add_instrument(&v->book, &in);
        if (err != XG_OK) {
            return err;
        }
    }
    s->naccounts = v->book.naccounts;
    s->endpoints =
        calloc(s->naccounts * BYBIT_EP_COUNT + 1, sizeof(*s->endpoints));
    if (s->endpoints == NULL) {
        return XG_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->naccounts * BYBIT_EP_COUNT; i++) {
        err = bybit_sim_roll_init(
            &s->endpoints[i],
            bybit_sim_endpoint_limit(&s->set, (int)(i % BYBIT_EP_COUNT)));
        if (err != XG_OK) {
            return err;
        }
    }
    return XG_OK;
}

/* ---- responses ---------------------------------------------------------- */

/* The IP layer's answer: HTTP 403 and a page, not JSON. */
static void
bybit_sim_forbidden(xg_sim_response *resp)
{
    static const char page[] =
        "<html><head><title>403 Forbidden</title></head><body>"
        "<center><h1>403 Forbidden</h1></center><hr>"
        "<center>access too frequent</center></body></html>";
    char *body = malloc(sizeof(page));

    resp->status = 403;
    resp->code = 0;
    resp->outcome = "banned";
    if (body != NULL) {
        memcpy(body, page, sizeof(page));
        resp->body = body;
        resp->body_len = sizeof(page) - 1;
    }
    xg_sim_response_header(resp, "Content-Type", "text/html");
}

/* ---- the IP gate ----------------------------------------------------------
 */

static bybit_roll *
bybit_sim_ip_roll(bybit_sim *s, const char *ip)
{
    for (size_t i = 0; i < s->nips; i++) {
        if (strcmp(s->ips[i].ip, ip) == 0) {
            return &s->ips[i].roll;
        }
    }
    if (s->nips == s->ips_cap) {
        size_t cap = s->ips_cap == 0 ? 4 : s->ips_cap * 2;
        bybit_ip *p = realloc(s->ips, cap * sizeof(*p));
        if (p == NULL) {
            return NULL;
        }
        s->ips = p;
        s->ips_cap = cap;
    }
    bybit_ip *e = &s->ips[s->nips];
    memset(e, 0, sizeof(*e));
    snprintf(e->ip, sizeof(e->ip), "%s", ip);
    if (bybit_sim_roll_init(&e->roll, s->set.ip_limit) != XG_OK) {
        return NULL;
    }
    s->nips++;
    return &e->roll;
}

/* Charge the request to its IP (lock held). False: resp holds the 403,
 * and the IP is locked out if this request broke the limit. */
static bool
bybit_sim_ip_gate(xg_sim_venue *v, bybit_sim *s, const xg_sim_request *req,
                  int64_t now_ms, xg_sim_response *resp)
{
    xg_sim_client *cl = NULL;
    bybit_roll *roll = NULL;

    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) !=
        XG_OK) {
        bybit_sim_forbidden(resp);
        return false;
    }
    if (xg_sim_client_is_banned(cl, now_ms)) {
        bybit_sim_forbidden(resp);
        return false;
    }
    roll = bybit_sim_ip_roll(s, req->client_ip);
    if (roll == NULL) {
        bybit_sim_forbidden(resp);
        return false;
    }
    if (!bybit_sim_roll_admit(roll, s->set.ip_window_ms, now_ms) &&
        s->set.limits != 0) {
        xg_sim_client_ban(cl, now_ms, s->set.ban_ms);
        bybit_sim_forbidden(resp);
        return false;
    }
    return true;
}

/* ---- the handler ------------------------------------------------------------
 */

typedef void (*bybit_handler_fn)(const bybit_call *c);

/* Every path the dialect serves; endpoint is the per-UID window an
 * injected limited answer reports (-1: a public path, which has none,
 * reports the realtime window as before). */
typedef struct bybit_route_def {
    const char *method;
    const char *path;
    bybit_handler_fn handler;
    bool is_signed;
    int endpoint;
} bybit_route_def;

static const bybit_route_def bybit_routes[] = {
    {"GET", "/v5/market/time", bybit_sim_time, false, -1},
    {"GET", "/v5/market/instruments-info", bybit_sim_instruments, false, -1},
    {"GET", "/v5/market/tickers", bybit_sim_tickers, false, -1},
    {"GET", "/v5/market/orderbook", bybit_sim_orderbook, false, -1},
    {"GET", "/v5/market/recent-trade", bybit_sim_recent_trade, false, -1},
    {"POST", "/v5/order/create", bybit_sim_order_create, true, BYBIT_EP_CREATE},
    {"POST", "/v5/order/cancel", bybit_sim_cancel, true, BYBIT_EP_CANCEL},
    {"POST", "/v5/order/amend", bybit_sim_amend, true, BYBIT_EP_AMEND},
    {"POST", "/v5/order/cancel-all", bybit_sim_cancel_all, true,
     BYBIT_EP_CANCEL_ALL},
    {"POST", "/v5/order/create-batch", bybit_sim_create_batch, true,
     BYBIT_EP_BATCH_CREATE},
    {"POST", "/v5/order/cancel-batch", bybit_sim_cancel_batch, true,
     BYBIT_EP_BATCH_CANCEL},
    {"GET", "/v5/order/realtime", bybit_sim_realtime, true, BYBIT_EP_REALTIME},
    {"GET", "/v5/order/history", bybit_sim_history, true, BYBIT_EP_HISTORY},
    {"GET", "/v5/execution/list", bybit_sim_executions, true,
     BYBIT_EP_EXECUTIONS},
    {"GET", "/v5/account/wallet-balance", bybit_sim_wallet_balance, true,
     BYBIT_EP_WALLET},
    {"GET", "/v5/account/info", bybit_sim_account_info, true,
     BYBIT_EP_ACCOUNT_INFO},
    {"GET", "/v5/user/query-api", bybit_sim_query_api, true, BYBIT_EP_API_INFO},
    {"GET", "/v5/asset/coin/query-info", bybit_sim_coin_info, true,
     BYBIT_EP_COIN_INFO},
};

/* The route of req, or NULL for a path the dialect does not serve. */
static const bybit_route_def *
bybit_sim_find_route(const xg_sim_request *req)
{
    for (size_t i = 0; i < sizeof(bybit_routes) / sizeof(bybit_routes[0]);
         i++) {
        if (strcmp(bybit_routes[i].method, req->method) == 0 &&
            strcmp(bybit_routes[i].path, req->path) == 0) {
            return &bybit_routes[i];
        }
    }
    return NULL;
}

static void
bybit_sim_dispatch(const bybit_route_def *route, const bybit_call *c)
{
    if (route != NULL) {
        route->handler(c);
        return;
    }
    xg_sim_response_json(
        c->resp, 404,
        bybit_sim_envelope(10001, "Unknown endpoint.", NULL, c->now_ms));
    c->resp->code = 10001;
    c->resp->outcome = "not_found";
}

/* The client order id a request names, from its JSON body or query; for
 * a batch, its first order's (the log has one line per request). */
static void
bybit_sim_request_client_id(const xg_sim_request *req, const xg_sim_params *q,
                            const json_t *body, char *out, size_t cap)
{
    const char *id = NULL;
    const json_t *items = json_object_get(body, "request");

    if (json_is_array(items)) {
        id = json_string_value(
            json_object_get(json_array_get(items, 0), "orderLinkId"));
    } else if (body != NULL) {
        id = json_string_value(json_object_get(body, "orderLinkId"));
    } else if (q != NULL) {
        id = xg_sim_params_get(q, "orderLinkId");
    }
    (void)req;
    snprintf(out, cap, "%s", id != NULL ? id : "");
}

static void
bybit_sim_handle(xg_sim_venue *v, const xg_sim_request *req,
                 xg_sim_response *resp)
{
    bybit_sim *s = v->settings;
    const bybit_route_def *route = bybit_sim_find_route(req);
    xg_sim_params params;
    xg_err perr = XG_OK;
    bybit_call call;
    bool pass = false;
    bool is_signed = route != NULL && route->is_signed;

    memset(&call, 0, sizeof(call));
    call.v = v;
    call.sim = s;
    call.req = req;
    call.resp = resp;
    call.query = &params;
    call.now_ms = req->t_ms;
    xg_sim_params_init(&params);
    perr = xg_sim_params_parse(&params, req->query, req->query_len);
    if (strcmp(req->method, "POST") == 0 && req->body_len > 0) {
        call.body = json_loadb(req->body, req->body_len, 0, NULL);
        if (!json_is_object(call.body)) {
            json_decref(call.body);
            call.body = NULL;
            perr = XG_ERR_BAD_JSON;
        }
    } else if (strcmp(req->method, "POST") == 0) {
        perr = XG_ERR_BAD_JSON;
    }
    bybit_sim_request_client_id(req, &params, call.body, resp->client_order_id,
                                sizeof(resp->client_order_id));

    xg_sim_venue_lock(v);
    pass = bybit_sim_ip_gate(v, s, req, call.now_ms, resp);
    xg_sim_venue_unlock(v);
    if (!pass) {
        goto done;
    }
    if (perr != XG_OK) {
        bybit_sim_error(&call, 10001,
                        perr == XG_ERR_BAD_JSON
                            ? "params error: body is not a JSON object"
                            : "params error: malformed query",
                        "rejected");
        goto done;
    }
    if (is_signed && !bybit_sim_authenticate(&call)) {
        goto done;
    }
    bybit_sim_dispatch(route, &call);
done:
    json_decref(call.body);
    xg_sim_params_fini(&params);
}

static void
bybit_sim_fault_error(xg_sim_response *resp, int status, const char *msg)
{
    /* 10016 "server error" for injected 5xx, as the fact sheet lists it
     * among the unknown-status answers; 10001 for other server-made
     * answers (413). */
    int code = status >= 500 ? 10016 : 10001;
    xg_sim_response_json(resp, status,
                         bybit_sim_envelope(code, msg, NULL, xg_sim_now_ms()));
    resp->code = code;
    resp->outcome = status >= 500 ? "fault" : "rejected";
}

/* An injected limited fault: the endpoint layer's 10006 with no slot
 * left until retry_after_ms from now; the limit shown is that of the
 * endpoint's window (the realtime one for endpoints without their own). */
static void
bybit_sim_limited(xg_sim_venue *v, const xg_sim_request *req,
                  int64_t retry_after_ms, xg_sim_response *resp)
{
    const bybit_sim *s = v->settings;
    const bybit_route_def *route = bybit_sim_find_route(req);
    int endpoint = route != NULL && route->endpoint >= 0 ? route->endpoint
                                                         : BYBIT_EP_REALTIME;
    bybit_call call;

    memset(&call, 0, sizeof(call));
    call.v = v;
    call.sim = v->settings;
    call.req = req;
    call.resp = resp;
    call.now_ms = req->t_ms;
    bybit_sim_limit_answer(&call, bybit_sim_endpoint_limit(&s->set, endpoint),
                           0, req->t_ms + retry_after_ms, true);
}

static void
bybit_sim_client_id(const xg_sim_request *req, char *out, size_t cap)
{
    xg_sim_params params;
    json_t *body = NULL;

    xg_sim_params_init(&params);
    out[0] = '\0';
    if (req->body_len > 0) {
        body = json_loadb(req->body, req->body_len, 0, NULL);
    }
    if (xg_sim_params_parse(&params, req->query, req->query_len) == XG_OK) {
        bybit_sim_request_client_id(
            req, &params, json_is_object(body) ? body : NULL, out, cap);
    }
    json_decref(body);
    xg_sim_params_fini(&params);
}

static json_t *
bybit_sim_state(xg_sim_venue *v, int64_t now_ms)
{
    bybit_sim *s = v->settings;
    json_t *ips = json_array();
    json_t *accounts = json_array();

    for (size_t i = 0; i < s->nips; i++) {
        bybit_sim_roll_expire(&s->ips[i].roll, s->set.ip_window_ms, now_ms);
        json_array_append_new(ips, json_pack("{ss sI}", "ip", s->ips[i].ip,
                                             "requests_used",
                                             (json_int_t)s->ips[i].roll.n));
    }
    for (size_t a = 0; a < s->naccounts && a < v->book.naccounts; a++) {
        bybit_roll *r = &s->endpoints[a * BYBIT_EP_COUNT];
        for (int e = 0; e < BYBIT_EP_COUNT; e++) {
            bybit_sim_roll_expire(&r[e], s->set.endpoint_window_ms, now_ms);
        }
        json_t *row = json_pack("{ss}", "api_key",
                                xg_sim_book_account_key(&v->book, a)->api_key);
        for (int e = 0; e < BYBIT_EP_COUNT; e++) {
            char key[48];
            snprintf(key, sizeof(key), "%s_used", bybit_sim_endpoint_name(e));
            json_object_set_new(row, key, json_integer((json_int_t)r[e].n));
        }
        json_array_append_new(accounts, row);
    }
    return json_pack("{so* so*}", "clients", ips, "accounts", accounts);
}

const xg_sim_dialect xg_sim_dialect_bybit = {
    .venue = "bybit",
    .create = bybit_sim_create,
    .destroy = bybit_sim_destroy,
    .set = bybit_sim_set,
    .setup = bybit_sim_setup,
    .handle = bybit_sim_handle,
    .client_id = bybit_sim_client_id,
    .error = bybit_sim_fault_error,
    .limited = bybit_sim_limited,
    .state = bybit_sim_state,
    /* Non-VIP spot: 0.1% maker and taker, charged in the coin received
     * (base on a buy, quote on a sell) - the fact sheet does not list
     * fees; Bybit's published spot fee rates. */
    .maker_fee_ppm = 1000,
    .taker_fee_ppm = 1000,
    .fee_rule = XG_SIM_FEE_RECEIVED,
    .stream = &bybit_sim_stream,
};
