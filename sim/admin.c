/*
 * The simulator's admin API: bans, fault injection (on REST requests and
 * on the private streams, whose faults sim/ws.c carries out), the market
 * (reference prices, the walk and the synthetic liquidity, fills made by
 * hand), the request log and a view of orders, fills and limit usage.
 *
 * Bodies are small JSON objects parsed with Jansson; every answer is JSON
 * except the log, which is NDJSON so a test can read it line by line.
 * Errors are {"error": "..."} with 400 (bad input) or 404 (unknown path).
 */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"

static void
admin_error(xg_sim_response *resp, int status, const char *msg)
{
    xg_sim_response_json(resp, status, json_pack("{ss}", "error", msg));
}

static bool
admin_parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0 || len > 19) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* Integer member that must be present and >= 0; false otherwise. */
static bool
admin_get_count(const json_t *obj, const char *key, json_int_t *out)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

/* Whether every member of obj is one of keys (NULL-terminated). An
 * unknown one is refused rather than ignored: a misspelt fault field
 * would otherwise leave a test running without the fault it meant. The
 * message names it as where.key (where: the member obj is, NULL at the
 * top level). */
static bool
admin_known_keys(const json_t *obj, const char *where, const char *const *keys,
                 xg_sim_response *resp)
{
    const char *key = NULL;
    const json_t *val = NULL;
    char msg[96];

    /* Jansson's iteration takes a non-const object; it only reads. */
    json_object_foreach((json_t *)obj, key, val)
    {
        bool known = false;
        (void)val;
        for (size_t i = 0; keys[i] != NULL && !known; i++) {
            known = strcmp(keys[i], key) == 0;
        }
        if (!known) {
            snprintf(msg, sizeof(msg), "unknown key: %s%s%.60s",
                     where != NULL ? where : "", where != NULL ? "." : "", key);
            admin_error(resp, 400, msg);
            return false;
        }
    }
    return true;
}

static void
admin_ban(xg_sim_venue *v, const xg_sim_request *req, const json_t *body,
          xg_sim_response *resp)
{
    static const char *const keys[] = {"duration_ms", "status", NULL};
    const json_t *st = json_object_get(body, "status");
    json_int_t ms = 0;
    int status = 0;
    xg_sim_client *cl = NULL;
    int64_t now = xg_sim_now_ms();
    int64_t until = 0;

    if (!admin_known_keys(body, NULL, keys, resp)) {
        return;
    }
    if (!admin_get_count(body, "duration_ms", &ms)) {
        admin_error(resp, 400, "duration_ms: non-negative integer needed");
        return;
    }
    if (st != NULL) {
        if (!v->dialect->ban_status) {
            admin_error(resp, 400,
                        "status: this venue answers a ban one way only");
            return;
        }
        if (!json_is_integer(st) ||
            (json_integer_value(st) != 418 && json_integer_value(st) != 429)) {
            admin_error(resp, 400, "status: 418 or 429 needed");
            return;
        }
        status = (int)json_integer_value(st);
    }
    xg_sim_venue_lock(v);
    if (xg_sim_clients_get(&v->clients, req->client_ip, v->client_proto, &cl) ==
        XG_OK) {
        xg_sim_client_ban(cl, now, (int64_t)ms);
        cl->ban_status = status;
        until = cl->ban_until_ms;
    }
    xg_sim_venue_unlock(v);
    if (cl == NULL) {
        admin_error(resp, 500, "out of memory");
        return;
    }
    xg_sim_response_json(resp, 200,
                         json_pack("{ss sI}", "ip", req->client_ip,
                                   "banned_until_ms", (json_int_t)until));
}

typedef enum admin_fault_kind {
    ADMIN_FAULT_5XX,
    ADMIN_FAULT_DROP,
    ADMIN_FAULT_LIMITED
} admin_fault_kind;

/* Parse one counted fault ({"count": N, ...}) into f; false (resp set)
 * for bad input. */
static bool
admin_fault_part(const json_t *part, admin_fault_kind kind, xg_sim_fault *f,
                 xg_sim_response *resp)
{
    static const char *const keys_5xx[] = {"count", "status", "execute", NULL};
    static const char *const keys_drop[] = {"count", "execute", NULL};
    static const char *const keys_limited[] = {"count", "retry_after_ms", NULL};
    json_int_t count = 0;
    json_int_t status = 503;
    json_int_t retry = 1000;
    const json_t *exec = json_object_get(part, "execute");
    const json_t *st = json_object_get(part, "status");

    if (!json_is_object(part)) {
        admin_error(resp, 400, "fault: JSON object needed");
        return false;
    }
    if (!admin_known_keys(part, NULL,
                          kind == ADMIN_FAULT_5XX    ? keys_5xx
                          : kind == ADMIN_FAULT_DROP ? keys_drop
                                                     : keys_limited,
                          resp)) {
        return false;
    }
    if (kind == ADMIN_FAULT_LIMITED) {
        if (!admin_get_count(part, "count", &count) || count > 1000000) {
            admin_error(resp, 400, "count: integer 0..1e6 needed");
            return false;
        }
        if (json_object_get(part, "retry_after_ms") != NULL &&
            (!admin_get_count(part, "retry_after_ms", &retry) || retry < 1 ||
             retry > 3600000)) {
            admin_error(resp, 400, "retry_after_ms: integer 1..3600000 needed");
            return false;
        }
        f->limited_count = (int)count;
        f->limited_retry_ms = (int64_t)retry;
        return true;
    }
    if (!admin_get_count(part, "count", &count) || count > 1000000000) {
        admin_error(resp, 400, "count: integer 0..1e9 needed");
        return false;
    }
    if (exec != NULL && !json_is_boolean(exec)) {
        admin_error(resp, 400, "execute: boolean needed");
        return false;
    }
    if (kind == ADMIN_FAULT_5XX) {
        if (st != NULL) {
            if (!json_is_integer(st) || json_integer_value(st) < 500 ||
                json_integer_value(st) > 599) {
                admin_error(resp, 400, "status: integer 500..599 needed");
                return false;
            }
            status = json_integer_value(st);
        }
        f->fail_count = (int)count;
        f->fail_status = (int)status;
        f->fail_execute = json_is_true(exec);
    } else {
        f->drop_count = (int)count;
        f->drop_execute = json_is_true(exec);
    }
    return true;
}

static void
admin_fault(xg_sim_venue *v, const json_t *body, xg_sim_response *resp)
{
    static const char *const keys[] = {"status_5xx", "drop",  "limited",
                                       "latency_ms", "clear", NULL};
    static const char *const parts[] = {"status_5xx", "drop", "limited"};
    static const admin_fault_kind kinds[] = {ADMIN_FAULT_5XX, ADMIN_FAULT_DROP,
                                             ADMIN_FAULT_LIMITED};
    xg_sim_fault f;
    const json_t *part = NULL;
    const json_t *clear = json_object_get(body, "clear");
    json_int_t latency = 0;

    if (!admin_known_keys(body, NULL, keys, resp)) {
        return;
    }
    if (clear != NULL && !json_is_boolean(clear)) {
        admin_error(resp, 400, "clear: boolean needed");
        return;
    }
    xg_sim_venue_lock(v);
    f = v->fault;
    xg_sim_venue_unlock(v);

    if (json_is_true(clear)) {
        memset(&f, 0, sizeof(f));
    }
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        part = json_object_get(body, parts[i]);
        if (part != NULL && !admin_fault_part(part, kinds[i], &f, resp)) {
            return;
        }
    }
    if (json_object_get(body, "latency_ms") != NULL) {
        if (!admin_get_count(body, "latency_ms", &latency) ||
            latency > 600000) {
            admin_error(resp, 400, "latency_ms: integer 0..600000 needed");
            return;
        }
        f.latency_ms = (int64_t)latency;
    }
    xg_sim_venue_lock(v);
    v->fault = f;
    xg_sim_venue_unlock(v);
    xg_sim_response_json(
        resp, 200,
        json_pack("{s{sisisb} s{sisb} s{sisI} sI}", "status_5xx", "count",
                  f.fail_count, "status", f.fail_status, "execute",
                  f.fail_execute, "drop", "count", f.drop_count, "execute",
                  f.drop_execute, "limited", "count", f.limited_count,
                  "retry_after_ms", (json_int_t)f.limited_retry_ms,
                  "latency_ms", (json_int_t)f.latency_ms));
}

static void
admin_price(xg_sim_venue *v, const json_t *body, xg_sim_response *resp)
{
    const char *symbol = json_string_value(json_object_get(body, "symbol"));
    const char *text = json_string_value(json_object_get(body, "price"));
    int64_t price = 0;
    size_t inst = 0;
    size_t filled = 0;
    xg_err err = XG_OK;

    if (symbol == NULL || text == NULL) {
        admin_error(resp, 400, "symbol and price (string) needed");
        return;
    }
    if (xg_sim_fixed_parse(text, &price) != XG_OK || price <= 0) {
        admin_error(resp, 400, "price: positive decimal string needed");
        return;
    }
    xg_sim_venue_lock(v);
    err = xg_sim_book_find_instrument(&v->book, symbol, &inst);
    if (err == XG_OK) {
        err = xg_sim_book_set_price(&v->book, inst, price, xg_sim_now_ms(),
                                    &filled);
    }
    xg_sim_venue_unlock(v);
    if (err != XG_OK) {
        admin_error(resp, 400, "unknown symbol");
        return;
    }
    xg_sim_response_json(resp, 200,
                         json_pack("{ss ss sI}", "symbol", symbol, "price",
                                   text, "filled", (json_int_t)filled));
}

static void
admin_log(xg_sim_venue *v, const xg_sim_request *req, xg_sim_response *resp)
{
    uint64_t since = 0;
    char *text = NULL;
    size_t len = 0;
    xg_err err = XG_OK;

    if (req->query_len > 0) {
        if (strncmp(req->query, "since=", 6) != 0 ||
            !admin_parse_u64(req->query + 6, req->query_len - 6, &since)) {
            admin_error(resp, 400, "query: since=<seq> expected");
            return;
        }
    }
    xg_sim_venue_lock(v);
    err = xg_sim_log_ndjson(&v->log, since, &text, &len);
    xg_sim_venue_unlock(v);
    if (err != XG_OK) {
        admin_error(resp, 500, "out of memory");
        return;
    }
    resp->status = 200;
    resp->body = text;
    resp->body_len = len;
    xg_sim_response_header(resp, "Content-Type", "application/x-ndjson");
}

static const char *
admin_status_name(xg_sim_status s)
{
    switch (s) {
    case XG_SIM_NEW:
        return "NEW";
    case XG_SIM_PARTIALLY_FILLED:
        return "PARTIALLY_FILLED";
    case XG_SIM_FILLED:
        return "FILLED";
    case XG_SIM_CANCELED:
        return "CANCELED";
    case XG_SIM_EXPIRED:
        return "EXPIRED";
    }
    return "UNKNOWN";
}

/* One fill as the admin API shows it (lock held). */
static json_t *
admin_fill_json(const xg_sim_book *b, const xg_sim_fill *f)
{
    const xg_sim_instrument *in = &b->instruments[f->instrument];
    char price[XG_SIM_FIXED_BUFSZ];
    char qty[XG_SIM_FIXED_BUFSZ];
    char quote[XG_SIM_FIXED_BUFSZ];
    char fee[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format(f->price, price);
    xg_sim_fixed_format(f->qty, qty);
    xg_sim_fixed_format(f->quote, quote);
    xg_sim_fixed_format(f->fee, fee);
    return json_pack("{sI sI sI ss ss ss ss ss ss ss ss ss sI}", "seq",
                     (json_int_t)f->seq, "trade_id", (json_int_t)f->trade_id,
                     "order_id", (json_int_t)f->order_id, "api_key",
                     xg_sim_book_account_key(b, f->account)->api_key, "symbol",
                     in->symbol, "side", f->side == XG_SIM_BUY ? "BUY" : "SELL",
                     "price", price, "qty", qty, "quote", quote, "fee", fee,
                     "fee_asset", f->is_fee_quote ? in->quote : in->base,
                     "liquidity", f->is_maker ? "maker" : "taker", "time_ms",
                     (json_int_t)f->time_ms);
}

static json_t *
admin_order_json(const xg_sim_book *b, const xg_sim_order *o)
{
    char price[XG_SIM_FIXED_BUFSZ];
    char qty[XG_SIM_FIXED_BUFSZ];
    char filled[XG_SIM_FIXED_BUFSZ];
    char quote[XG_SIM_FIXED_BUFSZ];
    char avg[XG_SIM_FIXED_BUFSZ];
    char fee[XG_SIM_FIXED_BUFSZ];
    json_t *fills = json_array();

    xg_sim_fixed_format(o->price, price);
    xg_sim_fixed_format(o->qty, qty);
    xg_sim_fixed_format(o->filled, filled);
    xg_sim_fixed_format(o->quote_filled, quote);
    xg_sim_fixed_format(xg_sim_order_avg_price(o), avg);
    xg_sim_fixed_format(o->fee, fee);
    for (const xg_sim_fill *f = xg_sim_book_fill(b, o->last_fill_seq);
         fills != NULL && f != NULL;
         f = xg_sim_book_fill(b, f->prev_order_seq)) {
        json_array_insert_new(fills, 0, admin_fill_json(b, f));
    }
    return json_pack(
        "{sI ss ss ss ss ss ss ss ss ss ss ss ss sI so* sI}", "order_id",
        (json_int_t)o->order_id, "client_order_id", o->client_id, "api_key",
        xg_sim_book_account_key(b, o->account)->api_key, "status",
        admin_status_name(o->status), "symbol",
        b->instruments[o->instrument].symbol, "side",
        o->side == XG_SIM_BUY ? "BUY" : "SELL", "qty", qty, "price", price,
        "filled", filled, "quote_filled", quote, "avg_price", avg, "fee", fee,
        "fee_asset", xg_sim_order_fee_asset(b, o), "nfills",
        (json_int_t)o->nfills, "fills", fills, "replaces",
        (json_int_t)o->replaces);
}

static void
admin_orders(xg_sim_venue *v, xg_sim_response *resp)
{
    json_t *arr = json_array();

    if (arr == NULL) {
        admin_error(resp, 500, "out of memory");
        return;
    }
    xg_sim_venue_lock(v);
    xg_sim_book_advance(&v->book, xg_sim_now_ms());
    for (size_t i = 0; i < v->book.norders; i++) {
        json_array_append_new(arr,
                              admin_order_json(&v->book, &v->book.orders[i]));
    }
    xg_sim_venue_unlock(v);
    xg_sim_response_json(resp, 200, arr);
}

/* GET /_sim/fills[?since=SEQ]: the fills the history still holds, oldest
 * first. */
static void
admin_fills(xg_sim_venue *v, const xg_sim_request *req, xg_sim_response *resp)
{
    uint64_t since = 0;
    json_t *arr = json_array();

    if (req->query_len > 0 &&
        (strncmp(req->query, "since=", 6) != 0 ||
         !admin_parse_u64(req->query + 6, req->query_len - 6, &since))) {
        json_decref(arr);
        admin_error(resp, 400, "query: since=<seq> expected");
        return;
    }
    xg_sim_venue_lock(v);
    xg_sim_book_advance(&v->book, xg_sim_now_ms());
    int64_t first = v->book.nfills - (int64_t)v->book.fills_cap + 1;
    if (first < (int64_t)since + 1) {
        first = (int64_t)since + 1;
    }
    for (int64_t seq = first < 1 ? 1 : first;
         arr != NULL && seq <= v->book.nfills; seq++) {
        const xg_sim_fill *f = xg_sim_book_fill(&v->book, seq);
        if (f != NULL) {
            json_array_append_new(arr, admin_fill_json(&v->book, f));
        }
    }
    xg_sim_venue_unlock(v);
    xg_sim_response_json(resp, 200, arr);
}

/* One instrument's market (lock held). */
static json_t *
admin_market_json(const xg_sim_book *b, size_t i)
{
    const xg_sim_market *m = &b->markets[i];
    char ref[XG_SIM_FIXED_BUFSZ];
    char bid[XG_SIM_FIXED_BUFSZ];
    char ask[XG_SIM_FIXED_BUFSZ];
    char lq[XG_SIM_FIXED_BUFSZ];

    xg_sim_fixed_format(b->instruments[i].ref_price, ref);
    xg_sim_fixed_format(xg_sim_book_best(b, i, XG_SIM_BUY), bid);
    xg_sim_fixed_format(xg_sim_book_best(b, i, XG_SIM_SELL), ask);
    xg_sim_fixed_format(m->p.level_qty, lq);
    return json_pack(
        "{ss ss ss ss sI sI sI sI sb sI ss sI sI sI sI sI}", "symbol",
        b->instruments[i].symbol, "price", ref, "best_bid", bid, "best_ask",
        ask, "seed", (json_int_t)m->p.seed, "steps", (json_int_t)m->steps,
        "walk_ms", (json_int_t)m->p.walk_ms, "walk_ticks",
        (json_int_t)m->p.walk_ticks, "paused", m->p.paused, "levels",
        (json_int_t)m->p.levels, "level_qty", lq, "spread_ticks",
        (json_int_t)m->p.spread_ticks, "level_ticks",
        (json_int_t)m->p.level_ticks, "refill_ms", (json_int_t)m->p.refill_ms,
        "resting_bids", (json_int_t)m->nbids, "resting_asks",
        (json_int_t)m->nasks);
}

/* Integer member key of obj in [lo, hi] into *out; false (resp set,
 * naming it as where.key, where NULL at the top level) when it is wrong,
 * or missing and is_required. */
static bool
admin_member_int(const json_t *obj, const char *where, const char *key,
                 bool is_required, int64_t lo, int64_t hi, int64_t *out,
                 xg_sim_response *resp)
{
    const json_t *v = json_object_get(obj, key);
    char msg[128];

    if (v == NULL && !is_required) {
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi) {
        snprintf(msg, sizeof(msg), "%s%s%s: integer %lld..%lld needed",
                 where != NULL ? where : "", where != NULL ? "." : "", key,
                 (long long)lo, (long long)hi);
        admin_error(resp, 400, msg);
        return false;
    }
    *out = (int64_t)json_integer_value(v);
    return true;
}

/* An optional top-level integer member in [lo, hi] into *out; false
 * (resp set) when present and wrong. */
static bool
admin_opt_int(const json_t *body, const char *key, int64_t lo, int64_t hi,
              int64_t *out, xg_sim_response *resp)
{
    return admin_member_int(body, NULL, key, false, lo, hi, out, resp);
}

/* An optional positive-or-zero decimal string member into *out. */
static bool
admin_opt_amount(const json_t *body, const char *key, int64_t *out,
                 xg_sim_response *resp)
{
    const json_t *v = json_object_get(body, key);
    char msg[96];

    if (v == NULL) {
        return true;
    }
    if (!json_is_string(v) ||
        xg_sim_fixed_parse(json_string_value(v), out) != XG_OK) {
        snprintf(msg, sizeof(msg), "%s: decimal string needed", key);
        admin_error(resp, 400, msg);
        return false;
    }
    return true;
}

/* POST /_sim/market: set a symbol's walk and liquidity, and optionally
 * step the walk now; answers the market as it then is. */
static void
admin_market(xg_sim_venue *v, const json_t *body, xg_sim_response *resp)
{
    static const char *const keys[] = {
        "symbol",      "seed",      "walk_ms",   "walk_ticks",
        "paused",      "levels",    "level_qty", "spread_ticks",
        "level_ticks", "refill_ms", "steps",     NULL};
    const char *symbol = json_string_value(json_object_get(body, "symbol"));
    const json_t *paused = json_object_get(body, "paused");
    xg_sim_market_params p;
    int64_t steps = 0;
    size_t inst = 0;
    size_t filled = 0;
    size_t stepped = 0;
    int64_t now = xg_sim_now_ms();
    json_t *out = NULL;

    if (!admin_known_keys(body, NULL, keys, resp)) {
        return;
    }
    if (symbol == NULL) {
        admin_error(resp, 400, "symbol (string) needed");
        return;
    }
    if (paused != NULL && !json_is_boolean(paused)) {
        admin_error(resp, 400, "paused: boolean needed");
        return;
    }
    xg_sim_venue_lock(v);
    if (xg_sim_book_find_instrument(&v->book, symbol, &inst) != XG_OK) {
        xg_sim_venue_unlock(v);
        admin_error(resp, 400, "unknown symbol");
        return;
    }
    p = v->book.markets[inst].p;
    if (paused != NULL) {
        p.paused = json_is_true(paused);
    }
    if (!admin_opt_int(body, "seed", 0, INT64_MAX / 2, &p.seed, resp) ||
        !admin_opt_int(body, "walk_ms", 1, 86400000, &p.walk_ms, resp) ||
        !admin_opt_int(body, "walk_ticks", 0, 1000000, &p.walk_ticks, resp) ||
        !admin_opt_int(body, "levels", 0, XG_SIM_MAX_LEVELS, &p.levels, resp) ||
        !admin_opt_amount(body, "level_qty", &p.level_qty, resp) ||
        !admin_opt_int(body, "spread_ticks", 1, 1000000, &p.spread_ticks,
                       resp) ||
        !admin_opt_int(body, "level_ticks", 1, 1000000, &p.level_ticks, resp) ||
        !admin_opt_int(body, "refill_ms", 1, 86400000, &p.refill_ms, resp) ||
        !admin_opt_int(body, "steps", 0, XG_SIM_MAX_CATCHUP, &steps, resp)) {
        xg_sim_venue_unlock(v);
        return;
    }
    if (xg_sim_book_set_market(&v->book, inst, &p, now, &filled) != XG_OK ||
        xg_sim_book_step(&v->book, inst, steps, now, &stepped) != XG_OK) {
        xg_sim_venue_unlock(v);
        admin_error(resp, 400, "market parameters out of range");
        return;
    }
    out = admin_market_json(&v->book, inst);
    xg_sim_venue_unlock(v);
    json_object_set_new(out, "filled",
                        json_integer((json_int_t)(filled + stepped)));
    xg_sim_response_json(resp, 200, out);
}

/* POST /_sim/fill: fill one open order by qty at price, as a maker fill
 * (fee and balances as any fill). The order is named by order_id or
 * client_order_id (the latest order with it; with api_key, that
 * account's). */
static void
admin_fill(xg_sim_venue *v, const json_t *body, xg_sim_response *resp)
{
    static const char *const keys[] = {"order_id", "client_order_id", "api_key",
                                       "qty",      "price",           NULL};
    const json_t *oid = json_object_get(body, "order_id");
    const char *cid =
        json_string_value(json_object_get(body, "client_order_id"));
    const char *key = json_string_value(json_object_get(body, "api_key"));
    int64_t qty = 0;
    int64_t price = 0;
    xg_sim_order *o = NULL;
    xg_sim_book *b = &v->book;
    xg_err err = XG_OK;

    if (!admin_known_keys(body, NULL, keys, resp)) {
        return;
    }
    if ((oid == NULL) == (cid == NULL) ||
        (oid != NULL && !json_is_integer(oid))) {
        admin_error(resp, 400,
                    "order_id (integer) or client_order_id (string) needed");
        return;
    }
    if (json_object_get(body, "qty") == NULL ||
        json_object_get(body, "price") == NULL ||
        !admin_opt_amount(body, "qty", &qty, resp) ||
        !admin_opt_amount(body, "price", &price, resp)) {
        if (resp->status == 0) {
            admin_error(resp, 400, "qty and price (strings) needed");
        }
        return;
    }
    xg_sim_venue_lock(v);
    int64_t now = xg_sim_now_ms();
    xg_sim_book_advance(b, now);
    /* With a key, only the orders of its account. */
    size_t keyed = 0;
    int is_keyed =
        key != NULL && xg_sim_book_find_account(b, key, &keyed) == XG_OK;
    for (size_t a = 0; o == NULL && a < b->naccounts; a++) {
        if (key != NULL && (!is_keyed || a != keyed)) {
            continue;
        }
        o = oid != NULL ? xg_sim_book_by_id(b, a, json_integer_value(oid))
                        : xg_sim_book_by_client_id(b, a, cid);
    }
    err = o != NULL ? xg_sim_book_fill_order(b, o, qty, price, now)
                    : XG_ERR_NOT_FOUND;
    json_t *out = err == XG_OK ? admin_order_json(b, o) : NULL;
    xg_sim_venue_unlock(v);
    if (err == XG_ERR_NOT_FOUND) {
        admin_error(resp, 404, "no such order");
    } else if (err == XG_ERR_UNKNOWN_ORDER) {
        admin_error(resp, 400, "order is not open");
    } else if (err != XG_OK) {
        admin_error(resp, 400,
                    "qty must be within what is left, price positive and "
                    "not worse than the order's limit");
    } else {
        xg_sim_response_json(resp, 200, out);
    }
}

/* Largest count and longest time a stream fault takes. */
#define ADMIN_STREAM_COUNT_MAX 1000000
#define ADMIN_STREAM_MS_MAX    600000
#define ADMIN_STREAM_LIFE_MAX  86400000

/* Whether part (the body's member name) is an object whose members are
 * all among keys; false (resp set) otherwise. */
static bool
admin_stream_part(const json_t *part, const char *name, const char *const *keys,
                  xg_sim_response *resp)
{
    char msg[96];

    if (!json_is_object(part)) {
        snprintf(msg, sizeof(msg), "%s: JSON object needed", name);
        admin_error(resp, 400, msg);
        return false;
    }
    return admin_known_keys(part, name, keys, resp);
}

/* A counted part {"count": N} of body, if present, into *count (count
 * required unless the part may leave it out, which means 0). */
static bool
admin_stream_count(const json_t *body, const char *name, bool is_required,
                   int *count, xg_sim_response *resp)
{
    static const char *const keys[] = {"count", NULL};
    const json_t *part = json_object_get(body, name);
    int64_t n = 0;

    if (part == NULL) {
        return true;
    }
    if (!admin_stream_part(part, name, keys, resp) ||
        !admin_member_int(part, name, "count", is_required, 0,
                          ADMIN_STREAM_COUNT_MAX, &n, resp)) {
        return false;
    }
    *count = (int)n;
    return true;
}

/* The stall part, {"ms": N} (0 ends a stall) or {"until_cleared": true},
 * into *until_ms (epoch ms; INT64_MAX until cleared). */
static bool
admin_stream_stall(const json_t *part, int64_t now, int64_t *until_ms,
                   xg_sim_response *resp)
{
    static const char *const keys[] = {"ms", "until_cleared", NULL};
    const json_t *forever = json_object_get(part, "until_cleared");
    int64_t ms = 0;

    if (!admin_stream_part(part, "stall", keys, resp)) {
        return false;
    }
    if ((forever == NULL) == (json_object_get(part, "ms") == NULL)) {
        admin_error(resp, 400, "stall: one of ms and until_cleared needed");
        return false;
    }
    if (forever != NULL) {
        if (!json_is_true(forever)) {
            admin_error(resp, 400, "stall.until_cleared: true needed");
            return false;
        }
        *until_ms = INT64_MAX;
        return true;
    }
    if (!admin_member_int(part, "stall", "ms", true, 0, ADMIN_STREAM_MS_MAX,
                          &ms, resp)) {
        return false;
    }
    *until_ms = ms > 0 ? now + ms : 0;
    return true;
}

/* Parse a stream fault body onto *f (clear first, then each part
 * replaces its fault); false (resp set) for bad input. */
static bool
admin_stream_parse(const json_t *body, int64_t now, xg_sim_stream_fault *f,
                   xg_sim_response *resp)
{
    static const char *const keys[] = {"drop",        "stall",   "delay",
                                       "duplicate",   "reorder", "refuse_auth",
                                       "lifetime_ms", "clear",   NULL};
    static const char *const delay_keys[] = {"ms", NULL};
    const json_t *clear = json_object_get(body, "clear");
    const json_t *stall = json_object_get(body, "stall");
    const json_t *delay = json_object_get(body, "delay");

    if (!admin_known_keys(body, NULL, keys, resp)) {
        return false;
    }
    if (clear != NULL && !json_is_boolean(clear)) {
        admin_error(resp, 400, "clear: boolean needed");
        return false;
    }
    if (json_is_true(clear)) {
        memset(f, 0, sizeof(*f));
    }
    if (!admin_stream_count(body, "drop", false, &f->refuse_count, resp) ||
        !admin_stream_count(body, "duplicate", true, &f->duplicate_count,
                            resp) ||
        !admin_stream_count(body, "reorder", true, &f->reorder_count, resp) ||
        !admin_stream_count(body, "refuse_auth", true, &f->refuse_auth_count,
                            resp)) {
        return false;
    }
    if (stall != NULL &&
        !admin_stream_stall(stall, now, &f->stall_until_ms, resp)) {
        return false;
    }
    if (delay != NULL &&
        (!admin_stream_part(delay, "delay", delay_keys, resp) ||
         !admin_member_int(delay, "delay", "ms", true, 0, ADMIN_STREAM_MS_MAX,
                           &f->delay_ms, resp))) {
        return false;
    }
    return admin_member_int(body, NULL, "lifetime_ms", false, 0,
                            ADMIN_STREAM_LIFE_MAX, &f->life_ms, resp);
}

/* POST /_sim/stream_fault: change the venue's stream fault plan and
 * answer it as it then is. Parsed under the lock, so the counts the
 * connections use up meanwhile are not written back over. */
static void
admin_stream_fault(xg_sim_venue *v, const json_t *body, xg_sim_response *resp)
{
    xg_sim_stream_fault f;
    int64_t now = xg_sim_now_ms();

    xg_sim_venue_lock(v);
    f = v->stream_fault;
    if (!admin_stream_parse(body, now, &f, resp)) {
        xg_sim_venue_unlock(v);
        return;
    }
    v->stream_fault = f;
    xg_sim_ws_fault_changed(v, json_object_get(body, "drop") != NULL);
    xg_sim_venue_unlock(v);

    bool is_forever = f.stall_until_ms == INT64_MAX;
    int64_t stall_left =
        !is_forever && f.stall_until_ms > now ? f.stall_until_ms - now : 0;
    xg_sim_response_json(
        resp, 200,
        json_pack("{s{si} s{sI sb} s{sI} s{si} s{si} s{si} sI}", "drop",
                  "count", f.refuse_count, "stall", "ms",
                  (json_int_t)stall_left, "until_cleared", is_forever, "delay",
                  "ms", (json_int_t)f.delay_ms, "duplicate", "count",
                  f.duplicate_count, "reorder", "count", f.reorder_count,
                  "refuse_auth", "count", f.refuse_auth_count, "lifetime_ms",
                  (json_int_t)f.life_ms));
}

static void
admin_state(xg_sim_venue *v, xg_sim_response *resp)
{
    int64_t now = xg_sim_now_ms();
    json_t *clients = json_array();
    json_t *venue = NULL;
    json_t *prices = json_object();
    json_t *markets = json_array();
    json_t *fees = NULL;
    char buf[XG_SIM_FIXED_BUFSZ];

    xg_sim_venue_lock(v);
    xg_sim_book_advance(&v->book, now);
    for (size_t i = 0; clients != NULL && i < v->clients.n; i++) {
        const xg_sim_client *c = &v->clients.items[i];
        json_array_append_new(
            clients,
            json_pack("{ss sI si si sI sb}", "ip", c->ip, "ban_until_ms",
                      (json_int_t)c->ban_until_ms, "bans", c->bans,
                      "violations", c->violations, "limited_until_ms",
                      (json_int_t)c->limited_until_ms, "banned",
                      xg_sim_client_is_banned(c, now)));
    }
    for (size_t i = 0; prices != NULL && i < v->book.ninstruments; i++) {
        xg_sim_fixed_format(v->book.instruments[i].ref_price, buf);
        json_object_set_new(prices, v->book.instruments[i].symbol,
                            json_string(buf));
        json_array_append_new(markets, admin_market_json(&v->book, i));
    }
    fees = json_pack(
        "{sI sI ss}", "maker_fee_ppm", (json_int_t)v->book.config.maker_fee_ppm,
        "taker_fee_ppm", (json_int_t)v->book.config.taker_fee_ppm, "fee_asset",
        v->book.config.fee_rule == XG_SIM_FEE_QUOTE ? "quote" : "received");
    venue = v->dialect->state(v, now);
    xg_sim_venue_unlock(v);
    xg_sim_response_json(resp, 200,
                         json_pack("{ss sI so* so* so* so* so* sI}", "venue",
                                   v->dialect->venue, "now_ms", (json_int_t)now,
                                   "clients", clients, "prices", prices,
                                   "usage", venue, "markets", markets, "fees",
                                   fees, "fills", (json_int_t)v->book.nfills));
}

void
xg_sim_admin_handle(xg_sim_venue *v, const xg_sim_request *req,
                    xg_sim_response *resp)
{
    bool is_post = strcmp(req->method, "POST") == 0;
    bool is_get = strcmp(req->method, "GET") == 0;
    json_t *body = NULL;

    resp->outcome = "admin";
    if (is_get && strcmp(req->path, "/_sim/log") == 0) {
        admin_log(v, req, resp);
        return;
    }
    if (is_get && strcmp(req->path, "/_sim/orders") == 0) {
        admin_orders(v, resp);
        return;
    }
    if (is_get && strcmp(req->path, "/_sim/state") == 0) {
        admin_state(v, resp);
        return;
    }
    if (is_get && strcmp(req->path, "/_sim/fills") == 0) {
        admin_fills(v, req, resp);
        return;
    }
    if (!is_post || (strcmp(req->path, "/_sim/ban") != 0 &&
                     strcmp(req->path, "/_sim/fault") != 0 &&
                     strcmp(req->path, "/_sim/stream_fault") != 0 &&
                     strcmp(req->path, "/_sim/price") != 0 &&
                     strcmp(req->path, "/_sim/market") != 0 &&
                     strcmp(req->path, "/_sim/fill") != 0)) {
        admin_error(resp, 404, "unknown admin endpoint");
        return;
    }
    body = json_loadb(req->body, req->body_len, 0, NULL);
    if (!json_is_object(body)) {
        json_decref(body);
        admin_error(resp, 400, "JSON object body expected");
        return;
    }
    if (strcmp(req->path, "/_sim/ban") == 0) {
        admin_ban(v, req, body, resp);
    } else if (strcmp(req->path, "/_sim/fault") == 0) {
        admin_fault(v, body, resp);
    } else if (strcmp(req->path, "/_sim/stream_fault") == 0) {
        admin_stream_fault(v, body, resp);
    } else if (strcmp(req->path, "/_sim/market") == 0) {
        admin_market(v, body, resp);
    } else if (strcmp(req->path, "/_sim/fill") == 0) {
        admin_fill(v, body, resp);
    } else {
        admin_price(v, body, resp);
    }
    json_decref(body);
}
