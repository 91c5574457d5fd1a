/*
 * stream.c - the private WebSocket of xgsim's OKX dialect
 * (/ws/v5/private), as the streams fact sheet (streams.md, section 3)
 * describes it: login, the orders channel, the text ping, and one orders
 * push per change of an order, fills inside it.
 *
 * Login: {"op":"login","args":[{apiKey,passphrase,timestamp,sign}]},
 * timestamp in Unix seconds within skew_ms of the simulator's clock (the
 * REST window, 30 s), sign = base64(HMAC-SHA256(secret, timestamp +
 * "GET" + "/users/self/verify")). Success is {"event":"login","code":"0",
 * "msg":"","connId":..}; a failure is {"event":"error",...} with OKX's
 * WebSocket code (60005 key, 60024 passphrase, 60007 sign, 60004 / 60006
 * timestamp, 60009 a malformed login) and the connection is closed, as
 * OKX does; an injected refuse_auth fault is refused as a wrong sign.
 * Subscribing needs a login (60011); the orders channel takes instType
 * SPOT or ANY and an optional instId. A push is {"arg":{channel,
 * instType[, instId], uid},"data":[order]}, every field a string: the
 * REST order rendering (common.c) of the order as the change left it,
 * plus the fields only the stream has (fillFee, fillFeeCcy, execType,
 * cancelSource, ...). Text "ping" is answered with text "pong".
 *
 * The connection, its clocks and the change feed are sim/ws.c's; this
 * file only speaks OKX. Calls common.c, nothing else of the dialect.
 */
#include "okx_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* Subscriptions one connection keeps, at most (OKX caps args per request
 * by size only; a handful is what a client sends). */
#define OKX_STREAM_SUBS 16

/* One orders subscription: every SPOT order, or one instrument's. */
typedef struct okx_sub {
    bool is_any; /* instType ANY (else SPOT) */
    size_t inst; /* SIZE_MAX: every instrument */
} okx_sub;

typedef struct okx_stream {
    const okx_settings *set;
    bool is_logged_in;
    size_t account;
    okx_sub subs[OKX_STREAM_SUBS];
    size_t nsubs;
} okx_stream;

static void
okx_stream_timing(const void *settings, xg_sim_stream_timing *out)
{
    const okx_settings *s = settings;

    memset(out, 0, sizeof(*out));
    /* "Closed if no subscription is made or no data is pushed for more
     * than 30 s" (fact sheet 3.5); no server ping, no documented
     * lifetime. */
    out->idle_ms = s->stream_idle_ms;
    out->is_idle_push = true;
    out->life_ms = s->stream_life_ms;
}

static void *
okx_stream_open(xg_sim_stream *s)
{
    okx_stream *st = calloc(1, sizeof(*st));

    if (st != NULL) {
        st->set = xg_sim_stream_venue(s)->settings;
    }
    return st;
}

static void
okx_stream_close(void *state)
{
    free(state);
}

/* {"event":"error","code":..,"msg":..,"connId":..}, with the request's id
 * echoed when it had one. */
static void
okx_stream_error(xg_sim_stream *s, const char *id, const char *code,
                 const char *msg)
{
    json_t *m = json_pack("{ss ss ss ss}", "event", "error", "code", code,
                          "msg", msg, "connId", xg_sim_stream_id(s));

    if (m != NULL && id != NULL) {
        json_object_set_new(m, "id", json_string(id));
    }
    xg_sim_stream_send_json(s, m);
}

/* ---- login ----------------------------------------------------------------
 */

/* Whether sign is base64(HMAC-SHA256(secret, ts + "GET" +
 * "/users/self/verify")), compared in constant time. */
static bool
okx_stream_sign_ok(const char *secret, const char *ts, const char *sign)
{
    char pre[64];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    bool ok = false;

    int n = snprintf(pre, sizeof(pre), "%sGET/users/self/verify", ts);
    if (n < 0 || (size_t)n >= sizeof(pre)) {
        return false;
    }
    if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
             (const unsigned char *)pre, (size_t)n, mac, &mac_len) != NULL) {
        EVP_EncodeBlock((unsigned char *)b64, mac, (int)mac_len);
        ok = strlen(b64) == strlen(sign) &&
             CRYPTO_memcmp(b64, sign, strlen(sign)) == 0;
    }
    OPENSSL_cleanse(mac, sizeof(mac));
    return ok;
}

/* Unix seconds: 1..12 digits, nothing else. */
static bool
okx_stream_seconds(const char *text, int64_t *out)
{
    int64_t v = 0;
    size_t n = strlen(text);

    if (n == 0 || n > 12) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
}

/* Refuse a login: the error, its log entry, and the close OKX makes. */
static void
okx_stream_login_fail(xg_sim_stream *s, const char *code, const char *msg)
{
    okx_stream_error(s, NULL, code, msg);
    xg_sim_stream_log(s, "login_fail", okx_sim_code_number(code));
    xg_sim_stream_close(s, 1000, "login failed");
}

static void
okx_stream_login(xg_sim_stream *s, okx_stream *st, const json_t *args,
                 int64_t now_ms)
{
    xg_sim_venue *v = xg_sim_stream_venue(s);
    const json_t *a = json_array_get(args, 0);
    const char *key = json_string_value(json_object_get(a, "apiKey"));
    const char *pass = json_string_value(json_object_get(a, "passphrase"));
    const char *ts = json_string_value(json_object_get(a, "timestamp"));
    const char *sign = json_string_value(json_object_get(a, "sign"));
    size_t account = 0;
    int64_t sec = 0;

    if (json_array_size(args) != 1 || key == NULL || pass == NULL ||
        ts == NULL || sign == NULL) {
        okx_stream_login_fail(s, "60009", "Login failed.");
        return;
    }
    /* Accounts are fixed once the server runs: no lock needed. */
    const xg_sim_secret *cred = xg_sim_book_key(&v->book, key, &account);
    if (cred == NULL) {
        okx_stream_login_fail(s, "60005", "Invalid apiKey");
        return;
    }
    if (!okx_stream_seconds(ts, &sec)) {
        okx_stream_login_fail(s, "60004", "Invalid timestamp");
        return;
    }
    if (strlen(pass) != strlen(cred->passphrase) ||
        CRYPTO_memcmp(pass, cred->passphrase, strlen(pass)) != 0) {
        okx_stream_login_fail(s, "60024", "Wrong passphrase");
        return;
    }
    if (!okx_stream_sign_ok(cred->secret, ts, sign) ||
        xg_sim_stream_take_auth_refusal(s)) {
        okx_stream_login_fail(s, "60007", "Invalid sign");
        return;
    }
    if (sec * 1000 > now_ms + st->set->skew_ms ||
        sec * 1000 < now_ms - st->set->skew_ms) {
        okx_stream_login_fail(s, "60006", "Timestamp request expired");
        return;
    }
    if (st->is_logged_in && st->account != account) {
        /* One account per connection here; OKX's multi-account login is
         * not simulated. */
        okx_stream_error(s, NULL, "60030",
                         "The WebSocket endpoint does not allow multiple or "
                         "repeated logins.");
        xg_sim_stream_log(s, "login_fail", 60030);
        return;
    }
    st->is_logged_in = true;
    st->account = account;
    xg_sim_stream_send_json(s, json_pack("{ss ss ss ss}", "event", "login",
                                         "code", "0", "msg", "", "connId",
                                         xg_sim_stream_id(s)));
    xg_sim_stream_log(s, "login", 0);
}

/* ---- subscribe ------------------------------------------------------------
 */

/* The subscription one arg names; false (error sent) if it names none
 * this stream serves. */
static bool
okx_stream_sub_read(xg_sim_stream *s, const char *id, const json_t *arg,
                    okx_sub *out)
{
    const xg_sim_book *b = &xg_sim_stream_venue(s)->book;
    const char *channel = json_string_value(json_object_get(arg, "channel"));
    const char *type = json_string_value(json_object_get(arg, "instType"));
    const char *inst_id = json_string_value(json_object_get(arg, "instId"));
    /* The 60018 text: 124 bytes of format plus at most 88 of fields. */
    char msg[256];

    if (channel == NULL || type == NULL) {
        okx_stream_error(s, id, "60013", "Invalid args");
        return false;
    }
    out->is_any = strcmp(type, "ANY") == 0;
    out->inst = SIZE_MAX;
    if (strcmp(channel, "orders") != 0 ||
        (!out->is_any && strcmp(type, "SPOT") != 0) ||
        (inst_id != NULL && inst_id[0] != '\0' &&
         xg_sim_book_find_instrument(b, inst_id, &out->inst) != XG_OK)) {
        snprintf(msg, sizeof(msg),
                 "Wrong URL or channel:%.32s,instType:%.16s%s%.32s doesn't "
                 "exist. Please use the correct URL, channel and parameters "
                 "referring to API document.",
                 channel, type, inst_id != NULL ? ",instId:" : "",
                 inst_id != NULL ? inst_id : "");
        okx_stream_error(s, id, "60018", msg);
        return false;
    }
    return true;
}

/* The arg of an ack or a push for sub: channel, instType[, instId]. */
static json_t *
okx_stream_arg(const xg_sim_book *b, const okx_sub *sub)
{
    json_t *arg = json_pack("{ss ss}", "channel", "orders", "instType",
                            sub->is_any ? "ANY" : "SPOT");

    if (arg != NULL && sub->inst != SIZE_MAX) {
        json_object_set_new(arg, "instId",
                            json_string(b->instruments[sub->inst].symbol));
    }
    return arg;
}

static void
okx_stream_subscribe(xg_sim_stream *s, okx_stream *st, const char *id,
                     const json_t *args, bool is_sub)
{
    const xg_sim_book *b = &xg_sim_stream_venue(s)->book;
    size_t i = 0;
    const json_t *arg = NULL;

    if (!st->is_logged_in) {
        okx_stream_error(s, id, "60011", "Please log in");
        xg_sim_stream_log(s, "not_logged", 60011);
        return;
    }
    if (!json_is_array(args) || json_array_size(args) == 0) {
        okx_stream_error(s, id, "60013", "Invalid args");
        return;
    }
    json_array_foreach(args, i, arg)
    {
        okx_sub sub;
        if (!okx_stream_sub_read(s, id, arg, &sub)) {
            xg_sim_stream_log(s, "sub_fail", 60018);
            continue;
        }
        size_t k = 0;
        while (k < st->nsubs && (st->subs[k].is_any != sub.is_any ||
                                 st->subs[k].inst != sub.inst)) {
            k++;
        }
        if (is_sub && k == st->nsubs) {
            if (st->nsubs == OKX_STREAM_SUBS) {
                okx_stream_error(s, id, "60013", "Invalid args");
                continue;
            }
            st->subs[st->nsubs++] = sub;
        } else if (!is_sub && k < st->nsubs) {
            st->subs[k] = st->subs[--st->nsubs];
        }
        json_t *ack = json_pack(
            "{ss so ss}", "event", is_sub ? "subscribe" : "unsubscribe", "arg",
            okx_stream_arg(b, &sub), "connId", xg_sim_stream_id(s));
        if (ack != NULL && id != NULL) {
            json_object_set_new(ack, "id", json_string(id));
        }
        xg_sim_stream_send_json(s, ack);
        xg_sim_stream_log(s, is_sub ? "subscribed" : "unsubscribed", 0);
    }
    if (st->nsubs > 0) {
        xg_sim_stream_follow(s, st->account);
    }
}

/* ---- messages -------------------------------------------------------------
 */

static void
okx_stream_on_text(xg_sim_stream *s, void *state, const char *text, size_t len,
                   int64_t now_ms)
{
    okx_stream *st = state;
    json_t *m = NULL;
    char msg[160];

    if (len == 4 && memcmp(text, "ping", 4) == 0) {
        /* A text pong, not JSON (fact sheet 3.5). */
        xg_sim_stream_send(s, "pong", 4);
        return;
    }
    m = json_loadb(text, len, 0, NULL);
    const char *op = json_string_value(json_object_get(m, "op"));
    const char *id = json_string_value(json_object_get(m, "id"));
    const json_t *args = json_object_get(m, "args");
    if (id != NULL && strlen(id) > 32) {
        id = NULL; /* OKX: up to 32 characters; a longer one is not echoed */
    }
    if (op == NULL) {
        /* OKX quotes the request back, which is bounded here. */
        snprintf(msg, sizeof(msg), "Invalid request: %.100s", text);
        okx_stream_error(s, id, "60012", msg);
    } else if (strcmp(op, "login") == 0) {
        okx_stream_login(s, st, args, now_ms);
    } else if (strcmp(op, "subscribe") == 0) {
        okx_stream_subscribe(s, st, id, args, true);
    } else if (strcmp(op, "unsubscribe") == 0) {
        okx_stream_subscribe(s, st, id, args, false);
    } else {
        snprintf(msg, sizeof(msg), "Invalid op: %.64s", op);
        okx_stream_error(s, id, "60019", msg);
    }
    json_decref(m);
}

/* ---- pushes ---------------------------------------------------------------
 */

/* OKX's cancelSource of a change: 1 canceled by the user, 13 / 14 the
 * unfilled rest of a FOK / IOC order, "" for the others. A market
 * order's unfilled rest is shown as an IOC's (assumed: OKX lists no code
 * of its own for it). */
static const char *
okx_stream_cancel_source(const xg_sim_order *o, const xg_sim_feed_entry *e)
{
    if (e->kind == XG_SIM_CHANGE_CANCELED) {
        return "1";
    }
    if (e->kind == XG_SIM_CHANGE_EXPIRED) {
        return o->tif == XG_SIM_FOK ? "13" : "14";
    }
    return "";
}

static char *
okx_stream_render(xg_sim_stream *s, void *state, const xg_sim_book *b,
                  const xg_sim_feed_entry *e)
{
    okx_stream *st = state;
    const xg_sim_order *now = &b->orders[e->order];
    const xg_sim_instrument *in = &b->instruments[now->instrument];
    const okx_sub *sub = NULL;
    xg_sim_order o = *now;
    char uid[24], fill_time[24], trade[24];
    char fee[XG_SIM_FIXED_BUFSZ + 1];
    bool is_fill = e->kind == XG_SIM_CHANGE_FILL;
    char *text = NULL;

    (void)s;
    for (size_t i = 0; i < st->nsubs && sub == NULL; i++) {
        if (st->subs[i].inst == SIZE_MAX ||
            st->subs[i].inst == now->instrument) {
            sub = &st->subs[i];
        }
    }
    if (sub == NULL) {
        return NULL;
    }
    /* The order as the change left it, rendered as REST renders an
     * order, so the two agree field by field. */
    o.status = e->status;
    o.price = now->type == XG_SIM_MARKET ? 0 : e->price;
    o.qty = e->qty;
    o.filled = e->filled;
    o.quote_filled = e->quote_filled;
    o.fee = e->fee;
    o.nfills = e->nfills;
    o.is_fee_quote = e->is_fee_quote;
    o.update_ms = e->time_ms;
    json_t *d = okx_sim_order_json(b, &o);
    if (d == NULL) {
        return NULL;
    }
    /* What only a push has: this change's fill, or none. */
    okx_sim_ms_text(e->trade_id, trade);
    okx_sim_ms_text(e->time_ms, fill_time);
    okx_sim_fee_text(e->fill_fee, fee);
    json_object_set_new(d, "tradeId", json_string(is_fill ? trade : ""));
    json_object_set_new(
        d, "fillPx", is_fill ? okx_sim_amount(e->fill_price) : json_string(""));
    json_object_set_new(
        d, "fillSz", is_fill ? okx_sim_amount(e->fill_qty) : json_string("0"));
    json_object_set_new(d, "fillTime", json_string(is_fill ? fill_time : ""));
    json_object_set_new(d, "fillFee", json_string(is_fill ? fee : "0"));
    json_object_set_new(d, "fillFeeCcy",
                        json_string(!is_fill          ? ""
                                    : e->is_fee_quote ? in->quote
                                                      : in->base));
    json_object_set_new(d, "execType",
                        json_string(!is_fill      ? ""
                                    : e->is_maker ? "M"
                                                  : "T"));
    if (e->filled == 0) {
        json_object_set_new(d, "avgPx", json_string("0"));
    }
    json_object_set_new(d, "cancelSource",
                        json_string(okx_stream_cancel_source(now, e)));
    json_object_set_new(
        d, "amendResult",
        json_string(e->kind == XG_SIM_CHANGE_AMENDED ? "0" : ""));
    /* Fields the simulator has no notion of, as OKX fills them for a
     * plain spot order (fact sheet 3.4's example). */
    static const char *const fixed[][2] = {
        {"ccy", ""},
        {"posSide", ""},
        {"fillPnl", "0"},
        {"lever", "0"},
        {"rebate", "0"},
        {"pnl", "0"},
        {"source", ""},
        {"amendSource", ""},
        {"category", "normal"},
        {"reqId", ""},
        {"reduceOnly", "false"},
        {"quickMgnType", ""},
        {"algoClOrdId", ""},
        {"algoId", ""},
        {"stpId", ""},
        {"stpMode", ""},
        {"code", "0"},
        {"msg", ""},
        {"isTpLimit", "false"},
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        json_object_set_new(d, fixed[i][0], json_string(fixed[i][1]));
    }
    /* A maker sell's rebate would be in base, everything else in quote;
     * no rebate is ever paid here, so the currency is only a label. */
    json_object_set_new(d, "rebateCcy", json_string(in->quote));
    json_object_set_new(d, "tradeQuoteCcy", json_string(in->quote));

    okx_sim_uid_text(st->account, uid);
    json_t *arg = okx_stream_arg(b, sub);
    if (arg != NULL) {
        json_object_set_new(arg, "uid", json_string(uid));
    }
    json_t *push = json_pack("{so s[o]}", "arg", arg, "data", d);
    if (push != NULL) {
        text = json_dumps(push, JSON_COMPACT);
        json_decref(push);
    }
    return text;
}

const xg_sim_stream_dialect okx_sim_stream = {
    .path = "/ws/v5/private",
    .timing = okx_stream_timing,
    .open = okx_stream_open,
    .on_text = okx_stream_on_text,
    .render = okx_stream_render,
    .close = okx_stream_close,
};
