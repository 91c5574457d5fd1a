/*
 * dialect.c - xgsim's Bybit v5 spot dialect: the REST surface of /v5 with
 * category=spot as described in the Bybit fact sheet (bybit.md), written
 * from that fact sheet alone (it never calls the Bybit adapter or
 * xgate_prim, so a misreading shared by both would not hide).
 *
 * This file owns the dialect table, the settings, the instruments, the
 * per-IP layer of Bybit's limit model, routing and the public endpoints.
 * It hands signed requests to auth.c and trading ones to orders.c; the
 * answer envelope, parameters and the per-UID endpoint gate are in
 * common.c, below all three. The limit model is Bybit's two layers:
 *  - per UID and endpoint, a rolling window (create and cancel 20/s,
 *    realtime 50/s by default): over it the answer is HTTP 200 with
 *    retCode 10006 "Too many visits!" and X-Bapi-Limit-Reset-Timestamp the
 *    time a slot frees; every answer of those endpoints carries
 *    X-Bapi-Limit (the limit) and X-Bapi-Limit-Status (remaining)
 *    (common.c);
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
    BYBIT_SET(query_per_s, 1, 100000),
    BYBIT_SET(endpoint_window_ms, 1, 3600000),
    BYBIT_SET(ip_limit, 1, 1000000),
    BYBIT_SET(ip_window_ms, 1, 3600000),
    BYBIT_SET(ban_ms, 1, 365LL * 86400 * 1000),
    BYBIT_SET(limits, 0, 1),
};

static void *
bybit_sim_create(void)
{
    bybit_sim *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return NULL;
    }
    /* Fact sheet, "Endpoints" and "Rate-limit model". */
    s->set.create_per_s = 20;
    s->set.cancel_per_s = 20;
    s->set.query_per_s = 50;
    s->set.endpoint_window_ms = 1000;
    s->set.ip_limit = 600;
    s->set.ip_window_ms = 5000;
    s->set.ban_ms = 600000;
    s->set.limits = 1;
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

/* ---- public endpoints -----------------------------------------------------
 */

static void
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

    xg_sim_fixed_format_short(in->tick, tick);
    xg_sim_fixed_format_short(in->step, step);
    xg_sim_fixed_format_short(in->min_qty, min_qty);
    xg_sim_fixed_format_short(in->max_qty, max_qty);
    xg_sim_fixed_format_short(in->min_notional, min_amt);
    xg_sim_fixed_format_short(in->max_notional, max_amt);
    return json_pack(
        "{ss ss ss ss ss ss s{ss ss ss ss ss ss ss ss} s{ss}}", "symbol",
        in->symbol, "baseCoin", in->base, "quoteCoin", in->quote, "innovation",
        "0", "status", "Trading", "marginTrading", "none", "lotSizeFilter",
        "basePrecision", step, "quotePrecision", "0.00000001", "minOrderQty",
        min_qty, "maxOrderQty", max_qty, "minOrderAmt", min_amt, "maxOrderAmt",
        max_amt, "maxLimitOrderQty", max_qty, "maxMarketOrderQty", max_qty,
        "priceFilter", "tickSize", tick);
}

static void
bybit_sim_instruments(const bybit_call *c)
{
    const char *category = bybit_sim_param(c, "category");
    const char *symbol = bybit_sim_param(c, "symbol");
    json_t *list = json_array();

    if (category == NULL || strcmp(category, "spot") != 0) {
        json_decref(list);
        bybit_sim_error(c, 10001, "params error: category only spot",
                        "rejected");
        return;
    }
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

/* ---- the handler ------------------------------------------------------------
 */

typedef enum bybit_route {
    BYBIT_TIME,
    BYBIT_INSTRUMENTS,
    BYBIT_CREATE,
    BYBIT_CANCEL,
    BYBIT_REALTIME,
    BYBIT_UNKNOWN
} bybit_route;

typedef struct bybit_route_def {
    const char *method;
    const char *path;
    bybit_route route;
    bool is_signed;
} bybit_route_def;

static const bybit_route_def bybit_routes[] = {
    {"GET", "/v5/market/time", BYBIT_TIME, false},
    {"GET", "/v5/market/instruments-info", BYBIT_INSTRUMENTS, false},
    {"POST", "/v5/order/create", BYBIT_CREATE, true},
    {"POST", "/v5/order/cancel", BYBIT_CANCEL, true},
    {"GET", "/v5/order/realtime", BYBIT_REALTIME, true},
};

static bybit_route
bybit_sim_find_route(const xg_sim_request *req)
{
    for (size_t i = 0; i < sizeof(bybit_routes) / sizeof(bybit_routes[0]);
         i++) {
        if (strcmp(bybit_routes[i].method, req->method) == 0 &&
            strcmp(bybit_routes[i].path, req->path) == 0) {
            return bybit_routes[i].route;
        }
    }
    return BYBIT_UNKNOWN;
}

static void
bybit_sim_dispatch(bybit_route route, const bybit_call *c)
{
    switch (route) {
    case BYBIT_TIME:
        bybit_sim_time(c);
        return;
    case BYBIT_INSTRUMENTS:
        bybit_sim_instruments(c);
        return;
    case BYBIT_CREATE:
        bybit_sim_order_create(c);
        return;
    case BYBIT_CANCEL:
        bybit_sim_cancel(c);
        return;
    case BYBIT_REALTIME:
        bybit_sim_realtime(c);
        return;
    case BYBIT_UNKNOWN:
        break;
    }
    xg_sim_response_json(
        c->resp, 404,
        bybit_sim_envelope(10001, "Unknown endpoint.", NULL, c->now_ms));
    c->resp->code = 10001;
    c->resp->outcome = "not_found";
}

/* The client order id a request names, from its JSON body or query. */
static void
bybit_sim_request_client_id(const xg_sim_request *req, const xg_sim_params *q,
                            const json_t *body, char *out, size_t cap)
{
    const char *id = NULL;

    if (body != NULL) {
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
    bybit_route route = bybit_sim_find_route(req);
    xg_sim_params params;
    xg_err perr = XG_OK;
    bybit_call call;
    bool pass = false;
    bool is_signed = route == BYBIT_CREATE || route == BYBIT_CANCEL ||
                     route == BYBIT_REALTIME;

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
    bybit_route route = bybit_sim_find_route(req);
    int endpoint = route == BYBIT_CREATE   ? BYBIT_EP_CREATE
                   : route == BYBIT_CANCEL ? BYBIT_EP_CANCEL
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
        json_array_append_new(
            accounts,
            json_pack("{ss sI sI sI}", "api_key",
                      v->book.accounts[a].cred.api_key, "create_used",
                      (json_int_t)r[BYBIT_EP_CREATE].n, "cancel_used",
                      (json_int_t)r[BYBIT_EP_CANCEL].n, "realtime_used",
                      (json_int_t)r[BYBIT_EP_REALTIME].n));
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
};
