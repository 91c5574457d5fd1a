/*
 * stream.c - the user data stream of xgsim's Binance dialect: the
 * WebSocket API (/ws-api/v3) as the streams fact sheet (streams.md,
 * section 1) describes it, with the one request that matters for spot
 * since the listenKey was retired, userDataStream.subscribe.signature.
 *
 * Requests are {"id":..,"method":..,"params":{..}}; every answer echoes
 * the id as it came (a string, a number or null) with an integer status:
 * {"id":..,"status":200,"result":{..}} or {"id":..,"status":4xx,
 * "error":{"code":..,"msg":..}}. The subscription authenticates itself:
 * apiKey, timestamp and a signature that is the hex HMAC-SHA256 of every
 * other parameter sorted by name and joined as name=value with '&'
 * (recvWindow signed too when sent), checked as a signed REST request is
 * (auth.c: -2014 / -2015 key, -1022 signature, -1021 timestamp, -1131
 * recvWindow; an injected refuse_auth fault is answered as a wrong
 * signature). Its answer is {"subscriptionId":N}, N counting from 0 on
 * each connection. From then on every change of the account's orders is
 * pushed as {"subscriptionId":N,"event":{"e":"executionReport",...}}
 * with every base field of the fact sheet's 1.5. userDataStream.
 * unsubscribe ends it (eventStreamTerminated), session.subscriptions
 * lists it. The server sends ping frames and closes a connection whose
 * pong is late, and a connection lives at most a day (sim/ws.c keeps
 * those clocks from the settings); there is no text ping.
 *
 * Not simulated: the rateLimits array of every answer (as if the URL said
 * returnRateLimits=false) and the weight a request costs, the other
 * WebSocket API methods (trading, session.logon), several accounts'
 * subscriptions on one connection, the balance events.
 *
 * Calls auth.c's checks and orders.c's names; sim/ws.c runs the
 * connection.
 */
#include "binance_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parameters one request may carry, and the longest signed payload:
 * apiKey, timestamp, recvWindow and the signature take a few hundred
 * bytes. */
#define BINANCE_STREAM_PARAMS  16
#define BINANCE_STREAM_PAYLOAD 2048
/* The longest value of one parameter (an API key is at most
 * XG_SIM_KEY_LEN - 1). */
#define BINANCE_STREAM_VALUE 256

typedef struct binance_stream {
    const binance_settings *set;
    bool is_subscribed;
    size_t account;
    int64_t sub_id;      /* the live subscription's id */
    int64_t next_sub_id; /* the next subscription's id */
} binance_stream;

static void
binance_stream_timing(const void *settings, xg_sim_stream_timing *out)
{
    const binance_settings *s = settings;

    memset(out, 0, sizeof(*out));
    /* Fact sheet 1.6: ping frames every 20 s, closed when no pong came
     * within a minute, at most 24 h per connection; no idle cut beyond
     * the pong deadline. */
    out->ping_ms = s->stream_ping_ms;
    out->pong_ms = s->stream_pong_ms;
    out->life_ms = s->stream_life_ms;
}

static void *
binance_stream_open(xg_sim_stream *s)
{
    binance_stream *st = calloc(1, sizeof(*st));

    if (st != NULL) {
        st->set = xg_sim_stream_venue(s)->settings;
    }
    return st;
}

static void
binance_stream_close(void *state)
{
    free(state);
}

/* ---- answers --------------------------------------------------------------
 */

/* {"id":id,"status":200,"result":result}; id borrowed (NULL: null),
 * result stolen. */
static void
binance_stream_result(xg_sim_stream *s, json_t *id, json_t *result)
{
    xg_sim_stream_send_json(s, json_pack("{sO* si so}", "id",
                                         id != NULL ? id : json_null(),
                                         "status", 200, "result", result));
}

/* {"id":id,"status":status,"error":{"code":code,"msg":msg}}. */
static void
binance_stream_error(xg_sim_stream *s, json_t *id, int status, int code,
                     const char *msg)
{
    xg_sim_stream_send_json(
        s, json_pack("{sO* si s{si ss}}", "id", id != NULL ? id : json_null(),
                     "status", status, "error", "code", code, "msg", msg));
}

static void
binance_stream_refused(xg_sim_stream *s, json_t *id, const binance_refusal *why,
                       const char *outcome)
{
    binance_stream_error(s, id, why->status, why->code, why->msg);
    xg_sim_stream_log(s, outcome, why->code);
}

/* -1102 for a mandatory parameter missing, as a signed REST request. */
static void
binance_stream_missing(xg_sim_stream *s, json_t *id, const char *param)
{
    binance_refusal why = {400, -1102, ""};

    snprintf(why.msg, sizeof(why.msg),
             "Mandatory parameter '%s' was not sent, was empty/null, or "
             "malformed.",
             param);
    binance_stream_refused(s, id, &why, "login_fail");
}

/* ---- the signed payload ---------------------------------------------------
 */

typedef struct binance_param {
    const char *name;
    char value[BINANCE_STREAM_VALUE];
} binance_param;

static int
binance_param_cmp(const void *a, const void *b)
{
    return strcmp(((const binance_param *)a)->name,
                  ((const binance_param *)b)->name);
}

/* The text a JSON parameter value is signed as: a string as it is, an
 * integer in decimal, a real as its shortest decimal of up to three
 * places (what recvWindow allows; the text sent is not kept by the JSON
 * reader), true / false. False for null, objects, arrays and a value
 * longer than the buffer. */
static bool
binance_param_text(const json_t *v, char out[BINANCE_STREAM_VALUE])
{
    int n = 0;

    switch (json_typeof(v)) {
    case JSON_STRING:
        if (json_string_length(v) >= BINANCE_STREAM_VALUE ||
            strlen(json_string_value(v)) != json_string_length(v)) {
            return false;
        }
        memcpy(out, json_string_value(v), json_string_length(v) + 1);
        return true;
    case JSON_INTEGER:
        n = snprintf(out, BINANCE_STREAM_VALUE, "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
        return n > 0 && n < BINANCE_STREAM_VALUE;
    case JSON_REAL:
        n = snprintf(out, BINANCE_STREAM_VALUE, "%.3f", json_real_value(v));
        if (n <= 0 || n >= BINANCE_STREAM_VALUE) {
            return false;
        }
        while (n > 0 && out[n - 1] == '0') {
            out[--n] = '\0';
        }
        if (n > 0 && out[n - 1] == '.') {
            out[--n] = '\0';
        }
        return true;
    case JSON_TRUE:
    case JSON_FALSE:
        snprintf(out, BINANCE_STREAM_VALUE, "%s",
                 json_is_true(v) ? "true" : "false");
        return true;
    default:
        return false;
    }
}

/* Every parameter as text into ps (sorted by name), *n of them. False
 * with the answer sent (-1101 too many, -1100 a value that is not a
 * string, number or boolean). */
static bool
binance_stream_read_params(xg_sim_stream *s, json_t *id, const json_t *params,
                           binance_param *ps, size_t *n)
{
    const char *name = NULL;
    const json_t *v = NULL;
    binance_refusal why = {400, -1100, ""};

    *n = 0;
    json_object_foreach((json_t *)params, name, v)
    {
        if (*n == BINANCE_STREAM_PARAMS) {
            binance_refusal many = {400, -1101,
                                    "Too many parameters sent for this "
                                    "endpoint."};
            binance_stream_refused(s, id, &many, "login_fail");
            return false;
        }
        ps[*n].name = name;
        if (!binance_param_text(v, ps[*n].value)) {
            snprintf(why.msg, sizeof(why.msg),
                     "Illegal characters found in parameter '%.64s'.", name);
            binance_stream_refused(s, id, &why, "login_fail");
            return false;
        }
        (*n)++;
    }
    qsort(ps, *n, sizeof(*ps), binance_param_cmp);
    return true;
}

static const char *
binance_param_get(const binance_param *ps, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ps[i].name, name) == 0) {
            return ps[i].value;
        }
    }
    return NULL;
}

/* name=value&... over every parameter but the signature, in ps's order
 * (sorted), into out; false if it does not fit. */
static bool
binance_stream_payload(const binance_param *ps, size_t n,
                       char out[BINANCE_STREAM_PAYLOAD], size_t *len)
{
    size_t pos = 0;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(ps[i].name, "signature") == 0) {
            continue;
        }
        int k = snprintf(out + pos, BINANCE_STREAM_PAYLOAD - pos, "%s%s=%s",
                         pos > 0 ? "&" : "", ps[i].name, ps[i].value);
        if (k < 0 || (size_t)k >= BINANCE_STREAM_PAYLOAD - pos) {
            return false;
        }
        pos += (size_t)k;
    }
    *len = pos;
    return true;
}

/* ---- requests -------------------------------------------------------------
 */

/* userDataStream.subscribe.signature: authenticate the parameters as a
 * signed request, then subscribe this connection to the account. */
static void
binance_stream_subscribe(xg_sim_stream *s, binance_stream *st, json_t *id,
                         const json_t *params, int64_t now_ms)
{
    xg_sim_venue *v = xg_sim_stream_venue(s);
    binance_param ps[BINANCE_STREAM_PARAMS];
    char payload[BINANCE_STREAM_PAYLOAD];
    size_t n = 0;
    size_t len = 0;
    size_t account = 0;
    binance_refusal why;

    if (!json_is_object(params)) {
        binance_stream_missing(s, id, "apiKey");
        return;
    }
    if (!binance_stream_read_params(s, id, params, ps, &n)) {
        return;
    }
    const char *key = binance_param_get(ps, n, "apiKey");
    const char *ts = binance_param_get(ps, n, "timestamp");
    const char *sig = binance_param_get(ps, n, "signature");
    if (key == NULL || key[0] == '\0') {
        binance_stream_missing(s, id, "apiKey");
        return;
    }
    const xg_sim_secret *cred = binance_sim_find_key(v, key, &account, &why);
    if (cred == NULL) {
        binance_stream_refused(s, id, &why, "login_fail");
        return;
    }
    if (ts == NULL || ts[0] == '\0') {
        binance_stream_missing(s, id, "timestamp");
        return;
    }
    if (sig == NULL || sig[0] == '\0') {
        binance_stream_missing(s, id, "signature");
        return;
    }
    if (!binance_stream_payload(ps, n, payload, &len) ||
        !binance_sim_hex_hmac_ok(cred->secret, payload, len, sig) ||
        xg_sim_stream_take_auth_refusal(s)) {
        why = (binance_refusal){400, -1022,
                                "Signature for this request is not valid."};
        binance_stream_refused(s, id, &why, "login_fail");
        return;
    }
    if (!binance_sim_time_ok(st->set, ts,
                             binance_param_get(ps, n, "recvWindow"), now_ms,
                             &why)) {
        binance_stream_refused(s, id, &why, "login_fail");
        return;
    }
    if (st->is_subscribed) {
        /* Binance allows one subscription per account per connection and
         * several accounts per connection; the simulator follows one
         * account per connection. Which answer Binance gives a second
         * subscription for the same account is not documented. */
        why = (binance_refusal){400, -1020, "This operation is not supported."};
        binance_stream_refused(s, id, &why, "sub_fail");
        return;
    }
    st->is_subscribed = true;
    st->account = account;
    st->sub_id = st->next_sub_id++;
    xg_sim_stream_follow(s, account);
    binance_stream_result(
        s, id, json_pack("{sI}", "subscriptionId", (json_int_t)st->sub_id));
    xg_sim_stream_log(s, "subscribed", 0);
}

/* userDataStream.unsubscribe [subscriptionId]: closes the subscription
 * (every one when no id is named), which says so with
 * eventStreamTerminated. An id naming no live subscription closes
 * nothing and is answered the same (Binance documents no error for it). */
static void
binance_stream_unsubscribe(xg_sim_stream *s, binance_stream *st, json_t *id,
                           const json_t *params, int64_t now_ms)
{
    const json_t *want = json_object_get(params, "subscriptionId");
    bool is_match = st->is_subscribed;

    if (want != NULL && !json_is_null(want)) {
        is_match = is_match && json_is_integer(want) &&
                   json_integer_value(want) == st->sub_id;
    }
    binance_stream_result(s, id, json_object());
    if (!is_match) {
        return;
    }
    st->is_subscribed = false;
    xg_sim_stream_send_json(s, json_pack("{sI s{ss sI}}", "subscriptionId",
                                         (json_int_t)st->sub_id, "event", "e",
                                         "eventStreamTerminated", "E",
                                         (json_int_t)now_ms));
    xg_sim_stream_log(s, "unsubscribed", 0);
}

/* session.subscriptions: [{"subscriptionId":N}] while subscribed. */
static void
binance_stream_subscriptions(xg_sim_stream *s, const binance_stream *st,
                             json_t *id)
{
    json_t *list = json_array();

    if (list != NULL && st->is_subscribed) {
        json_array_append_new(
            list, json_pack("{sI}", "subscriptionId", (json_int_t)st->sub_id));
    }
    binance_stream_result(s, id, list);
}

static void
binance_stream_on_text(xg_sim_stream *s, void *state, const char *text,
                       size_t len, int64_t now_ms)
{
    binance_stream *st = state;
    json_t *m = json_loadb(text, len, 0, NULL);
    json_t *id = json_object_get(m, "id");
    const char *method = json_string_value(json_object_get(m, "method"));
    const json_t *params = json_object_get(m, "params");

    if (!json_is_object(m)) {
        binance_stream_error(s, NULL, 400, -1135, "Invalid JSON Request");
    } else if (id != NULL && !json_is_string(id) && !json_is_integer(id) &&
               !json_is_null(id)) {
        /* The WebSocket API takes an INT, a STRING or null as the id. */
        binance_stream_error(s, NULL, 400, -1100,
                             "Illegal characters found in parameter 'id'.");
    } else if (method == NULL) {
        binance_stream_error(s, id, 400, -1102,
                             "Mandatory parameter 'method' was not sent, was "
                             "empty/null, or malformed.");
    } else if (params != NULL && !json_is_object(params)) {
        binance_stream_error(s, id, 400, -1100,
                             "Illegal characters found in parameter "
                             "'params'.");
    } else if (strcmp(method, "userDataStream.subscribe.signature") == 0) {
        binance_stream_subscribe(s, st, id, params, now_ms);
    } else if (strcmp(method, "userDataStream.unsubscribe") == 0) {
        binance_stream_unsubscribe(s, st, id, params, now_ms);
    } else if (strcmp(method, "session.subscriptions") == 0) {
        binance_stream_subscriptions(s, st, id);
    } else {
        binance_stream_error(s, id, 400, -1020,
                             "This operation is not supported.");
    }
    json_decref(m);
}

/* ---- events ---------------------------------------------------------------
 */

/* x, the execution type of a change (fact sheet 1.5): an amend in place
 * is REPLACED, an IOC / FOK / market remainder EXPIRED. */
static const char *
binance_stream_exec_type(xg_sim_change kind)
{
    switch (kind) {
    case XG_SIM_CHANGE_PLACED:
        return "NEW";
    case XG_SIM_CHANGE_FILL:
        return "TRADE";
    case XG_SIM_CHANGE_AMENDED:
        return "REPLACED";
    case XG_SIM_CHANGE_CANCELED:
        return "CANCELED";
    case XG_SIM_CHANGE_EXPIRED:
        return "EXPIRED";
    }
    return "NEW";
}

static void
binance_stream_amount(json_t *ev, const char *key, int64_t v)
{
    json_object_set_new(ev, key, binance_sim_amount(v));
}

/* The executionReport of one change, fields in the fact sheet's order:
 * the order as the change left it (REST's names for status, type and
 * timeInForce, its 8-decimal amounts), and for a fill the fill itself
 * with the simulator's trade id (the one myTrades and FULL's fills show)
 * and its commission. I is the feed entry's seq: unique on the venue and
 * increasing. */
static json_t *
binance_stream_report(const xg_sim_book *b, const xg_sim_feed_entry *e)
{
    const xg_sim_order *o = &b->orders[e->order];
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    bool is_fill = e->kind == XG_SIM_CHANGE_FILL;
    bool is_cancel = e->kind == XG_SIM_CHANGE_CANCELED;
    bool is_done = is_cancel || e->kind == XG_SIM_CHANGE_EXPIRED ||
                   e->status == XG_SIM_FILLED || e->status == XG_SIM_CANCELED ||
                   e->status == XG_SIM_EXPIRED;
    /* Only a GTC limit order ever rests on the book. */
    bool can_rest = o->type != XG_SIM_MARKET && o->tif == XG_SIM_GTC;
    char cancel_id[32];
    int64_t last_quote = 0;

    if (is_fill &&
        xg_sim_fixed_mul(e->fill_price, e->fill_qty, &last_quote) != XG_OK) {
        last_quote = 0;
    }
    binance_sim_cancel_id(o, cancel_id);
    json_t *ev = json_object();
    if (ev == NULL) {
        return NULL;
    }
    json_object_set_new(ev, "e", json_string("executionReport"));
    json_object_set_new(ev, "E", json_integer(e->time_ms));
    json_object_set_new(ev, "s", json_string(in->symbol));
    /* c is the id of the request behind the event: on a cancel, the
     * cancel's own (the one REST's cancel answer gives), the order's in
     * C. */
    json_object_set_new(ev, "c",
                        json_string(is_cancel ? cancel_id : o->client_id));
    json_object_set_new(ev, "S",
                        json_string(o->side == XG_SIM_BUY ? "BUY" : "SELL"));
    json_object_set_new(ev, "o", json_string(binance_sim_type_name(o->type)));
    json_object_set_new(ev, "f", json_string(binance_sim_tif_name(o->tif)));
    binance_stream_amount(ev, "q", e->qty);
    binance_stream_amount(ev, "p", o->type == XG_SIM_MARKET ? 0 : e->price);
    binance_stream_amount(ev, "P", 0);
    binance_stream_amount(ev, "F", 0);
    json_object_set_new(ev, "g", json_integer(-1));
    json_object_set_new(ev, "C", json_string(is_cancel ? o->client_id : ""));
    json_object_set_new(ev, "x",
                        json_string(binance_stream_exec_type(e->kind)));
    json_object_set_new(ev, "X",
                        json_string(binance_sim_status_name(e->status)));
    json_object_set_new(ev, "r", json_string("NONE"));
    json_object_set_new(ev, "i", json_integer(o->order_id));
    binance_stream_amount(ev, "l", is_fill ? e->fill_qty : 0);
    binance_stream_amount(ev, "z", e->filled);
    binance_stream_amount(ev, "L", is_fill ? e->fill_price : 0);
    if (is_fill) {
        binance_stream_amount(ev, "n", e->fill_fee);
        json_object_set_new(
            ev, "N", json_string(e->is_fee_quote ? in->quote : in->base));
    } else {
        json_object_set_new(ev, "n", json_string("0"));
        json_object_set_new(ev, "N", json_null());
    }
    json_object_set_new(ev, "T", json_integer(e->time_ms));
    json_object_set_new(ev, "t", json_integer(is_fill ? e->trade_id : -1));
    json_object_set_new(ev, "I", json_integer(e->seq));
    json_object_set_new(ev, "w", json_boolean(can_rest && !is_done));
    json_object_set_new(ev, "m", json_boolean(is_fill && e->is_maker));
    json_object_set_new(ev, "M", json_boolean(is_fill));
    json_object_set_new(ev, "O", json_integer(o->time_ms));
    binance_stream_amount(ev, "Z", e->quote_filled);
    binance_stream_amount(ev, "Y", last_quote);
    binance_stream_amount(ev, "Q", 0);
    /* The working time, while the order is or was on the book; a cancel
     * or an expiry shows none (fact sheet 1.5's examples). */
    if (can_rest && !is_cancel && e->kind != XG_SIM_CHANGE_EXPIRED) {
        json_object_set_new(ev, "W", json_integer(o->time_ms));
    }
    /* REST's selfTradePreventionMode for every order. */
    json_object_set_new(ev, "V", json_string("EXPIRE_MAKER"));
    if (e->kind == XG_SIM_CHANGE_EXPIRED && o->tif == XG_SIM_IOC) {
        /* eR (fact sheet 1.5, added 2026-03-26); the one reason the
         * fact sheet names. */
        json_object_set_new(ev, "eR",
                            json_string("UNFILLED_IOC_QUANTITY_EXPIRED"));
    }
    return ev;
}

static char *
binance_stream_render(xg_sim_stream *s, void *state, const xg_sim_book *b,
                      const xg_sim_feed_entry *e)
{
    const binance_stream *st = state;
    char *text = NULL;

    (void)s;
    if (!st->is_subscribed) {
        return NULL;
    }
    json_t *ev = binance_stream_report(b, e);
    if (ev == NULL) {
        return NULL;
    }
    json_t *push = json_pack("{sI so}", "subscriptionId",
                             (json_int_t)st->sub_id, "event", ev);
    if (push != NULL) {
        text = json_dumps(push, JSON_COMPACT);
        json_decref(push);
    }
    return text;
}

const xg_sim_stream_dialect binance_sim_stream = {
    .path = "/ws-api/v3",
    .timing = binance_stream_timing,
    .open = binance_stream_open,
    .on_text = binance_stream_on_text,
    .render = binance_stream_render,
    .close = binance_stream_close,
};
