/*
 * stream.c - the private WebSocket of xgsim's Bybit v5 dialect
 * (/v5/private), as the streams fact sheet (streams.md, section 2)
 * describes it: auth, the order and execution topics, the JSON ping, and
 * the pushes of every change of the account's spot orders.
 *
 * Auth: {"op":"auth","args":[key,expires,signature]}, expires in epoch ms
 * (a JSON integer, as Bybit's docs send it, or a string of digits, as
 * ccxt does) still in the future when it arrives, signature = hex
 * HMAC-SHA256(secret, "GET/realtime" + expires) in either case. Success
 * is {"success":true,"ret_msg":"","op":"auth","conn_id":..}; any failure
 * is success false with "Params Error", the only refusal the fact sheet
 * records (2.2; an injected refuse_auth fault is refused as a bad
 * signature), and the connection stays open: the fact sheet says
 * nothing of a close, so none is made (the client closes, as ccxt and
 * xgate do on a refused auth).
 *
 * Subscribe after auth: {"op":"subscribe","args":[..]} with order,
 * order.spot, execution, execution.spot; an all-in-one and a categorised
 * topic in one request are refused, as the fact sheet says they must not
 * share one (2.3). One answer per request, all or nothing:
 * {"success":true,"ret_msg":"","op":"subscribe","conn_id":..}. req_id,
 * when sent, is echoed in every answer. {"op":"ping"} is answered
 * {"op":"pong","args":["<ms>"],"conn_id":..} (the private pong, 2.6).
 *
 * Pushes: an order message for every change of an order ({"id",
 * "topic":"order","creationTime","data":[order]}, the order as REST's
 * realtime renders it as the change left it, plus category spot and the
 * fields a plain spot order carries on the stream, never tpslMode or
 * createType), and an execution message for every fill ({"topic":
 * "execution",...,"data":[one execution]}, execId the simulator's trade
 * id, the one /v5/execution/list shows). For a fill the execution goes
 * first, then the order: Bybit does not say which comes first, and a
 * client must take either.
 *
 * The connection, its clocks and the change feed are sim/ws.c's; this
 * file only speaks Bybit. Calls auth.c's signature check, orders.c's
 * order shape and common.c's number format.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The topics a connection can hold, as bits. */
enum {
    BYBIT_TOPIC_ORDER = 1,
    BYBIT_TOPIC_ORDER_SPOT = 2,
    BYBIT_TOPIC_EXECUTION = 4,
    BYBIT_TOPIC_EXECUTION_SPOT = 8
};

#define BYBIT_TOPICS_ALL_IN_ONE (BYBIT_TOPIC_ORDER | BYBIT_TOPIC_EXECUTION)
#define BYBIT_TOPICS_ORDER      (BYBIT_TOPIC_ORDER | BYBIT_TOPIC_ORDER_SPOT)
#define BYBIT_TOPICS_EXECUTION                                                 \
    (BYBIT_TOPIC_EXECUTION | BYBIT_TOPIC_EXECUTION_SPOT)

/* A req_id longer than this is not echoed (Bybit gives no limit; ccxt
 * sends small integers). */
#define BYBIT_REQ_ID_MAX 64

typedef struct bybit_stream {
    bool is_authed;
    size_t account;
    unsigned topics; /* BYBIT_TOPIC_* */
} bybit_stream;

static const struct {
    const char *name;
    unsigned bit;
} bybit_topics[] = {
    {"order", BYBIT_TOPIC_ORDER},
    {"order.spot", BYBIT_TOPIC_ORDER_SPOT},
    {"execution", BYBIT_TOPIC_EXECUTION},
    {"execution.spot", BYBIT_TOPIC_EXECUTION_SPOT},
};

static void
bybit_stream_timing(const void *settings, xg_sim_stream_timing *out)
{
    const bybit_sim *s = settings;

    memset(out, 0, sizeof(*out));
    /* "Without ping-pong or data the connection is cut after 10 min"
     * (fact sheet 2.6): a push counts as data. No server ping frames
     * and no lifetime are documented. */
    out->idle_ms = s->set.stream_idle_ms;
    out->is_idle_push = true;
}

static void *
bybit_stream_open(xg_sim_stream *s)
{
    (void)s;
    return calloc(1, sizeof(bybit_stream));
}

static void
bybit_stream_close(void *state)
{
    free(state);
}

/* Add the request's req_id to an answer: a string or an integer, echoed
 * as sent. */
static void
bybit_stream_req_id(json_t *answer, const json_t *req_id)
{
    if (answer == NULL || req_id == NULL) {
        return;
    }
    if (json_is_integer(req_id) ||
        (json_is_string(req_id) &&
         json_string_length(req_id) <= BYBIT_REQ_ID_MAX)) {
        json_object_set_new(answer, "req_id", json_deep_copy(req_id));
    }
}

/* {"success":..,"ret_msg":..,"op":..,"conn_id":..[,"req_id"]}. */
static void
bybit_stream_answer(xg_sim_stream *s, const char *op, const json_t *req_id,
                    bool ok, const char *msg)
{
    json_t *a = json_pack("{sb ss ss ss}", "success", ok, "ret_msg", msg, "op",
                          op, "conn_id", xg_sim_stream_id(s));

    bybit_stream_req_id(a, req_id);
    xg_sim_stream_send_json(s, a);
}

/* ---- auth -------------------------------------------------------------- */

/* expires as its text (what was signed) and its value: a positive JSON
 * integer, or a string of 1..18 digits. */
static bool
bybit_stream_expires(const json_t *j, char text[24], int64_t *ms)
{
    if (json_is_integer(j)) {
        json_int_t v = json_integer_value(j);
        if (v <= 0) {
            return false;
        }
        snprintf(text, 24, "%lld", (long long)v);
        *ms = (int64_t)v;
        return true;
    }
    const char *str = json_string_value(j);
    size_t n = str != NULL ? strlen(str) : 0;
    if (n == 0 || n > 18) {
        return false;
    }
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (str[i] < '0' || str[i] > '9') {
            return false;
        }
        v = v * 10 + (str[i] - '0');
    }
    memcpy(text, str, n + 1);
    *ms = v;
    return true;
}

/* Refuse an auth: the answer, and a log entry whose code is the retCode
 * REST gives the same fault (the stream's answer has none): 10001 a
 * malformed request, 10003 an unknown key, 10004 a bad signature, 10002
 * an expires in the past. */
static void
bybit_stream_auth_fail(xg_sim_stream *s, const json_t *req_id, int log_code)
{
    bybit_stream_answer(s, "auth", req_id, false, "Params Error");
    xg_sim_stream_log(s, "login_fail", log_code);
}

static void
bybit_stream_auth(xg_sim_stream *s, bybit_stream *st, const json_t *args,
                  const json_t *req_id, int64_t now_ms)
{
    xg_sim_venue *v = xg_sim_stream_venue(s);
    const char *key = json_string_value(json_array_get(args, 0));
    const char *sig = json_string_value(json_array_get(args, 2));
    char expires[24];
    char prehash[48];
    int64_t expires_ms = 0;
    size_t account = 0;

    if (json_array_size(args) != 3 || key == NULL || sig == NULL ||
        !bybit_stream_expires(json_array_get(args, 1), expires, &expires_ms)) {
        bybit_stream_auth_fail(s, req_id, 10001);
        return;
    }
    /* Accounts are fixed once the server runs: no lock needed. */
    const xg_sim_secret *cred = xg_sim_book_key(&v->book, key, &account);
    if (cred == NULL) {
        bybit_stream_auth_fail(s, req_id, 10003);
        return;
    }
    int n = snprintf(prehash, sizeof(prehash), "GET/realtime%s", expires);
    if (n < 0 || (size_t)n >= sizeof(prehash) ||
        !bybit_sim_signature_ok(cred->secret, prehash, (size_t)n, sig) ||
        xg_sim_stream_take_auth_refusal(s)) {
        bybit_stream_auth_fail(s, req_id, 10004);
        return;
    }
    if (expires_ms <= now_ms) {
        bybit_stream_auth_fail(s, req_id, 10002);
        return;
    }
    if (st->is_authed && st->account != account) {
        /* One account per connection here (assumed: Bybit does not say
         * what a second auth does). */
        bybit_stream_auth_fail(s, req_id, 10001);
        return;
    }
    st->is_authed = true;
    st->account = account;
    bybit_stream_answer(s, "auth", req_id, true, "");
    xg_sim_stream_log(s, "login", 0);
}

/* ---- subscribe --------------------------------------------------------- */

static unsigned
bybit_stream_topic_bit(const char *name)
{
    for (size_t i = 0; i < sizeof(bybit_topics) / sizeof(bybit_topics[0]);
         i++) {
        if (strcmp(bybit_topics[i].name, name) == 0) {
            return bybit_topics[i].bit;
        }
    }
    return 0;
}

static void
bybit_stream_subscribe(xg_sim_stream *s, bybit_stream *st, const json_t *args,
                       const json_t *req_id, bool is_sub)
{
    const char *op = is_sub ? "subscribe" : "unsubscribe";
    unsigned bits = 0;
    size_t i = 0;
    const json_t *arg = NULL;
    char msg[128];

    if (!json_is_array(args) || json_array_size(args) == 0) {
        bybit_stream_answer(s, op, req_id, false, "Params Error");
        xg_sim_stream_log(s, "sub_fail", 0);
        return;
    }
    json_array_foreach(args, i, arg)
    {
        const char *name = json_string_value(arg);
        unsigned bit = name != NULL ? bybit_stream_topic_bit(name) : 0;
        if (bit == 0) {
            /* Message assumed: the fact sheet records none for it. */
            snprintf(msg, sizeof(msg), "error:topic:%.64s not supported",
                     name != NULL ? name : "");
            bybit_stream_answer(s, op, req_id, false, msg);
            xg_sim_stream_log(s, "sub_fail", 0);
            return;
        }
        if (!st->is_authed) {
            /* The older APIs' words (fact sheet 2.2). */
            snprintf(msg, sizeof(msg), "error:topic:%s needs auth first", name);
            bybit_stream_answer(s, op, req_id, false, msg);
            xg_sim_stream_log(s, "not_logged", 0);
            return;
        }
        bits |= bit;
    }
    if ((bits & BYBIT_TOPICS_ALL_IN_ONE) != 0 &&
        (bits & ~(unsigned)BYBIT_TOPICS_ALL_IN_ONE) != 0) {
        bybit_stream_answer(s, op, req_id, false,
                            "error:all-in-one and categorised topics cannot "
                            "be in one request");
        xg_sim_stream_log(s, "sub_fail", 0);
        return;
    }
    st->topics = is_sub ? st->topics | bits : st->topics & ~bits;
    bybit_stream_answer(s, op, req_id, true, "");
    xg_sim_stream_log(s, is_sub ? "subscribed" : "unsubscribed", 0);
    if (st->topics != 0) {
        xg_sim_stream_follow(s, st->account);
    }
}

/* ---- messages ---------------------------------------------------------- */

static void
bybit_stream_pong(xg_sim_stream *s, const json_t *req_id, int64_t now_ms)
{
    char ms[24];

    snprintf(ms, sizeof(ms), "%lld", (long long)now_ms);
    json_t *pong = json_pack("{ss s[s] ss}", "op", "pong", "args", ms,
                             "conn_id", xg_sim_stream_id(s));
    bybit_stream_req_id(pong, req_id);
    xg_sim_stream_send_json(s, pong);
}

static void
bybit_stream_on_text(xg_sim_stream *s, void *state, const char *text,
                     size_t len, int64_t now_ms)
{
    bybit_stream *st = state;
    json_t *m = json_loadb(text, len, 0, NULL);
    const char *op = json_string_value(json_object_get(m, "op"));
    const json_t *req_id = json_object_get(m, "req_id");
    const json_t *args = json_object_get(m, "args");

    if (op == NULL) {
        /* Assumed: the fact sheet records no answer to a request that is
         * not JSON with an op; the connection stays. */
        bybit_stream_answer(s, "", req_id, false, "Params Error");
    } else if (strcmp(op, "ping") == 0) {
        bybit_stream_pong(s, req_id, now_ms);
    } else if (strcmp(op, "auth") == 0) {
        bybit_stream_auth(s, st, args, req_id, now_ms);
    } else if (strcmp(op, "subscribe") == 0) {
        bybit_stream_subscribe(s, st, args, req_id, true);
    } else if (strcmp(op, "unsubscribe") == 0) {
        bybit_stream_subscribe(s, st, args, req_id, false);
    } else {
        /* The older APIs' answer to an unknown op (bybit-exchange
         * api-connectors issue #99). */
        bybit_stream_answer(s, op, req_id, false, "error:invalid op");
    }
    json_decref(m);
}

/* ---- pushes ------------------------------------------------------------ */

/* Set each key of a NULL-terminated list of {key, value} pairs to its
 * string value. */
static void
bybit_stream_strings(json_t *o, const char *const (*kv)[2])
{
    for (size_t i = 0; kv[i][0] != NULL; i++) {
        json_object_set_new(o, kv[i][0], json_string(kv[i][1]));
    }
}

/* {"id":..,"topic":..,"creationTime":..,"data":[d]} as text (given), or
 * NULL; d is stolen. */
static char *
bybit_stream_push(const char *id, const char *topic, int64_t time_ms, json_t *d)
{
    char *text = NULL;
    json_t *push = json_pack("{ss ss sI s[o]}", "id", id, "topic", topic,
                             "creationTime", (json_int_t)time_ms, "data", d);

    if (push != NULL) {
        text = json_dumps(push, JSON_COMPACT);
        json_decref(push);
    }
    return text;
}

/* The order message of one change: the order as it left it. */
static char *
bybit_stream_order(xg_sim_stream *s, const bybit_stream *st,
                   const xg_sim_book *b, const xg_sim_feed_entry *e)
{
    static const char *const fixed[][2] = {
        {"category", "spot"},
        {"blockTradeId", ""},
        {"rejectReason", "EC_NoError"},
        {"feeCurrency", ""},
        {"stopOrderType", ""},
        {"ocoTriggerBy", ""},
        {"orderIv", ""},
        {"marketUnit", ""},
        {"slippageToleranceType", "UNKNOWN"},
        {"slippageTolerance", "0"},
        {"triggerPrice", "0"},
        {"takeProfit", "0"},
        {"stopLoss", "0"},
        {"tpLimitPrice", "0"},
        {"slLimitPrice", "0"},
        {"tpTriggerBy", ""},
        {"slTriggerBy", ""},
        {"triggerBy", ""},
        {"lastPriceOnCreated", ""},
        {"placeType", ""},
        {"smpType", "None"},
        {"smpOrderId", ""},
        {"rpiMatchedQty", "0"},
        {NULL, NULL},
    };
    const xg_sim_order *now = &b->orders[e->order];
    const char *topic =
        (st->topics & BYBIT_TOPIC_ORDER) != 0 ? "order" : "order.spot";
    xg_sim_order o = *now;
    char id[48];

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
    json_t *d = bybit_sim_order_json(xg_sim_stream_venue(s), &o);
    if (d == NULL) {
        return NULL;
    }
    /* What a plain spot order carries on the stream (fact sheet 2.4's
     * example) and the simulator has no notion of. */
    bybit_stream_strings(d, fixed);
    json_object_set_new(d, "positionIdx", json_integer(0));
    json_object_set_new(d, "triggerDirection", json_integer(0));
    json_object_set_new(d, "smpGroup", json_integer(0));
    json_object_set_new(d, "reduceOnly", json_false());
    json_object_set_new(d, "closeOnTrigger", json_false());
    json_object_set_new(d, "rpiTakerAccess", json_false());
    snprintf(id, sizeof(id), "%s-%lld", xg_sim_stream_id(s), (long long)e->seq);
    return bybit_stream_push(id, topic, e->time_ms, d);
}

/* The execution message of one fill. */
static char *
bybit_stream_execution(const bybit_stream *st, const xg_sim_book *b,
                       const xg_sim_feed_entry *e)
{
    static const char *const fixed[][2] = {
        {"category", "spot"},    {"isLeverage", "0"},   {"stopOrderType", ""},
        {"execPnl", ""},         {"execType", "Trade"}, {"tradeIv", ""},
        {"markIv", ""},          {"markPrice", ""},     {"indexPrice", ""},
        {"underlyingPrice", ""}, {"blockTradeId", ""},  {"closedSize", ""},
        {"extraFees", ""},       {NULL, NULL},
    };
    const xg_sim_order *o = &b->orders[e->order];
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    const char *topic = (st->topics & BYBIT_TOPIC_EXECUTION) != 0
                            ? "execution"
                            : "execution.spot";
    bool is_open =
        e->status == XG_SIM_NEW || e->status == XG_SIM_PARTIALLY_FILLED;
    int64_t ppm =
        e->is_maker ? b->config.maker_fee_ppm : b->config.taker_fee_ppm;
    int64_t value = 0;
    char oid[24], exec_id[24], t[24], id[64];
    char px[XG_SIM_FIXED_BUFSZ], qty[XG_SIM_FIXED_BUFSZ];
    char val[XG_SIM_FIXED_BUFSZ], fee[XG_SIM_FIXED_BUFSZ];
    char rate[XG_SIM_FIXED_BUFSZ], oprice[XG_SIM_FIXED_BUFSZ];
    char oqty[XG_SIM_FIXED_BUFSZ], leaves[XG_SIM_FIXED_BUFSZ];

    snprintf(oid, sizeof(oid), "%lld", (long long)o->order_id);
    snprintf(exec_id, sizeof(exec_id), "%lld", (long long)e->trade_id);
    snprintf(t, sizeof(t), "%lld", (long long)e->time_ms);
    if (xg_sim_fixed_mul(e->fill_price, e->fill_qty, &value) != XG_OK) {
        value = 0;
    }
    bybit_sim_fmt(e->fill_price, px);
    bybit_sim_fmt(e->fill_qty, qty);
    bybit_sim_fmt(value, val);
    bybit_sim_fmt(e->fill_fee, fee);
    /* ppm -> a rate at scale 8, as /v5/execution/list shows it. */
    bybit_sim_fmt(ppm > 0 && ppm < INT64_MAX / 100 ? ppm * 100 : 0, rate);
    bybit_sim_fmt(o->type == XG_SIM_MARKET ? 0 : e->price, oprice);
    bybit_sim_fmt(e->qty, oqty);
    bybit_sim_fmt(is_open ? e->qty - e->filled : 0, leaves);
    json_t *d =
        json_pack("{ss ss ss ss ss ss ss ss ss ss ss ss ss ss sb ss sI ss}",
                  "symbol", in->symbol, "orderId", oid, "orderLinkId",
                  o->client_id, "side", o->side == XG_SIM_BUY ? "Buy" : "Sell",
                  "orderPrice", oprice, "orderQty", oqty, "leavesQty", leaves,
                  "orderType", o->type == XG_SIM_MARKET ? "Market" : "Limit",
                  "execFee", fee, "execId", exec_id, "execPrice", px, "execQty",
                  qty, "execValue", val, "execTime", t, "isMaker", e->is_maker,
                  "feeRate", rate, "seq", (json_int_t)e->fill_seq,
                  "feeCurrency", e->is_fee_quote ? in->quote : in->base);
    if (d == NULL) {
        return NULL;
    }
    bybit_stream_strings(d, fixed);
    /* The fact sheet's example id: uid, symbol and a sequence. */
    snprintf(id, sizeof(id), "%lld_%s_%lld", (long long)(o->account + 1),
             in->symbol, (long long)e->seq);
    return bybit_stream_push(id, topic, e->time_ms, d);
}

static char *
bybit_stream_render(xg_sim_stream *s, void *state, const xg_sim_book *b,
                    const xg_sim_feed_entry *e)
{
    const bybit_stream *st = state;
    char *execution = NULL;
    char *order = NULL;

    if (e->kind == XG_SIM_CHANGE_FILL &&
        (st->topics & BYBIT_TOPICS_EXECUTION) != 0) {
        execution = bybit_stream_execution(st, b, e);
    }
    if ((st->topics & BYBIT_TOPICS_ORDER) != 0) {
        order = bybit_stream_order(s, st, b, e);
    }
    if (execution == NULL || order == NULL) {
        return execution != NULL ? execution : order;
    }
    /* One change, two messages: the execution is queued here, the order
     * goes back to sim/ws.c, which queues it next. */
    xg_sim_stream_send(s, execution, strlen(execution));
    free(execution);
    return order;
}

const xg_sim_stream_dialect bybit_sim_stream = {
    .path = "/v5/private",
    .timing = bybit_stream_timing,
    .open = bybit_stream_open,
    .on_text = bybit_stream_on_text,
    .render = bybit_stream_render,
    .close = bybit_stream_close,
};
