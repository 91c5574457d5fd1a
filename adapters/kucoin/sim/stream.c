/*
 * stream.c - the private WebSocket of xgsim's KuCoin dialect, as the
 * streams fact sheet (streams.md, section 4) describes it: the token
 * (POST /api/v1/bullet-private), the connection it opens, the welcome,
 * the order topics, the JSON ping and one orderChange push per step of an
 * order's life.
 *
 * The token: the bullet answer gives a token and one instance server,
 * whose endpoint is this venue's own address with the stream's path "/"
 * (KuCoin's is wss://ws-api-spot.kucoin.com/). A token is stateless: the
 * account, the issue time and a nonce, with an HMAC under the account's
 * secret, so the simulator keeps no table of them. It is good for any
 * number of connections until it expires (stream_token_ms, 24 h): the
 * fact sheet advises a new token per reconnect but says nothing of a
 * token opening one connection only, and clients that reuse one until
 * "token is expired" (ccxt, XChange) work on KuCoin.
 *
 * The connection: the token in the upgrade's query is checked at once;
 * an unknown or forged one gets {"id":connectId,"type":"error","code":401,
 * "data":"token is invalid"} and an expired one "token is expired", then
 * a close (a good one too, as invalid, under an injected refuse_auth
 * fault). A good one gets the welcome at once, its id the connectId of
 * the query (any value, not required to be unique; the connection's own
 * id when absent). Then subscribe / unsubscribe of /spotMarket/
 * tradeOrdersV2 or its V1 /spotMarket/tradeOrders (ack with the same id
 * when "response" is true), and {"type":"ping"} answered with a pong of
 * the same id.
 *
 * Pushes: one order per message, {"topic","type":"message","subject":
 * "orderChange","userId","channelType":"private","data":{...}}. One
 * change of the book's feed may make several steps (a last fill is a
 * match then filled), so render sends all but the last step itself and
 * returns the last.
 *
 * The connection, its clocks and the change feed are sim/ws.c's; this
 * file only speaks KuCoin. dialect.c routes the bullet here with the
 * request authenticated and its pool charged; this file calls common.c,
 * nothing else of the dialect.
 */
#include "kucoin_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define KUCOIN_TOPIC_V2 "/spotMarket/tradeOrdersV2"
#define KUCOIN_TOPIC_V1 "/spotMarket/tradeOrders"

/* Fact sheet 4.1: the bullet's pingTimeout. */
#define KUCOIN_PING_TIMEOUT_MS 10000

/* The token's payload: account (4 bytes), issue time in ms (8), nonce
 * (6), big-endian; 18 bytes make 24 base64url characters with no
 * padding. Its MAC is 16 bytes of HMAC-SHA256, 22 characters and "==",
 * the shape of the tail of KuCoin's tokens ("...=.mvnekBb8DJegZIgYLs2FBQ==",
 * docs' example), so a client that does not percent-encode the token is
 * caught as it would be there. */
#define KUCOIN_TOKEN_PAYLOAD 18
#define KUCOIN_TOKEN_MAC     16
#define KUCOIN_TOKEN_P_CHARS 24
#define KUCOIN_TOKEN_M_CHARS 24
#define KUCOIN_TOKEN_LEN     (KUCOIN_TOKEN_P_CHARS + 1 + KUCOIN_TOKEN_M_CHARS)

/* Feed entries looked ahead for the rest of one placement (its taker
 * fills); a placement's entries are consecutive but for the makers'. */
#define KUCOIN_LOOKAHEAD 1024

/* The longest connectId echoed; a longer one is cut (not said by
 * KuCoin). */
#define KUCOIN_CONNECT_ID_MAX 128

typedef struct kucoin_stream {
    const kucoin_settings *set;
    size_t account;
    char connect_id[KUCOIN_CONNECT_ID_MAX + 1];
    bool is_v1; /* subscribed to /spotMarket/tradeOrders */
    bool is_v2; /* subscribed to /spotMarket/tradeOrdersV2 */
} kucoin_stream;

/* ---- the token ------------------------------------------------------------
 */

/* base64url of n bytes into out (4 * ceil(n / 3) + 1 bytes), with the
 * padding kept when keep_pad. */
static void
kucoin_b64url(const unsigned char *in, size_t n, bool keep_pad, char *out)
{
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

    for (int i = 0; i < len; i++) {
        if (out[i] == '+') {
            out[i] = '-';
        } else if (out[i] == '/') {
            out[i] = '_';
        } else if (out[i] == '=' && !keep_pad) {
            out[i] = '\0';
            break;
        }
    }
}

/* The MAC part of a token for payload, under the account's secret. */
static bool
kucoin_token_mac(const char *secret, const unsigned char *payload,
                 char out[KUCOIN_TOKEN_M_CHARS + 1])
{
    static const char label[] = "xgsim-bullet-private";
    unsigned char msg[sizeof(label) - 1 + KUCOIN_TOKEN_PAYLOAD];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    bool ok = false;

    memcpy(msg, label, sizeof(label) - 1);
    memcpy(msg + sizeof(label) - 1, payload, KUCOIN_TOKEN_PAYLOAD);
    if (HMAC(EVP_sha256(), secret, (int)strlen(secret), msg, sizeof(msg), mac,
             &mac_len) != NULL &&
        mac_len >= KUCOIN_TOKEN_MAC) {
        kucoin_b64url(mac, KUCOIN_TOKEN_MAC, true, out);
        ok = true;
    }
    OPENSSL_cleanse(mac, sizeof(mac));
    return ok;
}

static bool
kucoin_token_make(const xg_sim_venue *v, size_t account, int64_t now_ms,
                  char out[KUCOIN_TOKEN_LEN + 1])
{
    unsigned char p[KUCOIN_TOKEN_PAYLOAD];
    uint64_t t = (uint64_t)now_ms;

    for (int i = 0; i < 4; i++) {
        p[i] = (unsigned char)((uint64_t)account >> (24 - 8 * i));
    }
    for (int i = 0; i < 8; i++) {
        p[4 + i] = (unsigned char)(t >> (56 - 8 * i));
    }
    /* The nonce only makes two tokens of one millisecond differ. */
    if (RAND_bytes(p + 12, 6) != 1) {
        memset(p + 12, 0, 6);
    }
    kucoin_b64url(p, sizeof(p), false, out);
    out[KUCOIN_TOKEN_P_CHARS] = '.';
    return kucoin_token_mac(xg_sim_book_account_key(&v->book, account)->secret,
                            p, out + KUCOIN_TOKEN_P_CHARS + 1);
}

typedef enum kucoin_token_check {
    KUCOIN_TOKEN_OK,
    KUCOIN_TOKEN_INVALID,
    KUCOIN_TOKEN_EXPIRED
} kucoin_token_check;

/* Whether text is a token this venue made, for which account, and
 * whether it is still good at now_ms. Accounts are fixed once the server
 * runs: no lock needed. */
static kucoin_token_check
kucoin_token_read(const xg_sim_venue *v, const kucoin_settings *set,
                  const char *text, int64_t now_ms, size_t *account)
{
    static const char url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                              "wxyz0123456789-_";
    char std[KUCOIN_TOKEN_P_CHARS + 1];
    unsigned char p[KUCOIN_TOKEN_PAYLOAD + 2];
    char mac[KUCOIN_TOKEN_M_CHARS + 1];
    uint64_t acct = 0;
    uint64_t issued = 0;

    if (text == NULL || strlen(text) != KUCOIN_TOKEN_LEN ||
        text[KUCOIN_TOKEN_P_CHARS] != '.' ||
        strspn(text, url) != KUCOIN_TOKEN_P_CHARS) {
        return KUCOIN_TOKEN_INVALID;
    }
    for (size_t i = 0; i < KUCOIN_TOKEN_P_CHARS; i++) {
        std[i] = text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    }
    std[KUCOIN_TOKEN_P_CHARS] = '\0';
    if (EVP_DecodeBlock(p, (const unsigned char *)std, KUCOIN_TOKEN_P_CHARS) !=
        KUCOIN_TOKEN_PAYLOAD) {
        return KUCOIN_TOKEN_INVALID;
    }
    for (int i = 0; i < 4; i++) {
        acct = acct << 8 | p[i];
    }
    for (int i = 0; i < 8; i++) {
        issued = issued << 8 | p[4 + i];
    }
    if (acct >= v->book.naccounts ||
        !kucoin_token_mac(
            xg_sim_book_account_key(&v->book, (size_t)acct)->secret, p, mac) ||
        CRYPTO_memcmp(mac, text + KUCOIN_TOKEN_P_CHARS + 1,
                      KUCOIN_TOKEN_M_CHARS) != 0) {
        return KUCOIN_TOKEN_INVALID;
    }
    *account = (size_t)acct;
    /* Made by this venue, so the issue time is its own clock's. */
    if (issued > (uint64_t)now_ms ||
        (uint64_t)now_ms - issued >= (uint64_t)set->stream_token_ms) {
        return KUCOIN_TOKEN_EXPIRED;
    }
    return KUCOIN_TOKEN_OK;
}

/* The Host header if it is a plain host[:port] (it is echoed into a URL
 * a client will connect to), else NULL. */
static const char *
kucoin_bullet_host(const xg_sim_request *req)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                             "wxyz0123456789.-:[]";
    const char *host = xg_sim_request_header(req, "Host");
    size_t n = host != NULL ? strlen(host) : 0;

    return n > 0 && n <= 255 && strspn(host, ok) == n ? host : NULL;
}

void
kucoin_sim_bullet(const kucoin_call *c)
{
    char token[KUCOIN_TOKEN_LEN + 1];
    char endpoint[300];
    const char *host = kucoin_bullet_host(c->req);

    if (!kucoin_token_make(c->v, c->account, c->now_ms, token)) {
        kucoin_sim_error(c->resp, 500, 500000, "Internal Server Error",
                         "fault");
        return;
    }
    /* The venue's own address as the client reached it; encrypt false
     * because the simulator speaks plain ws://. */
    if (host != NULL) {
        snprintf(endpoint, sizeof(endpoint), "ws://%s/", host);
    } else {
        snprintf(endpoint, sizeof(endpoint), "ws://127.0.0.1:%d/", c->v->port);
    }
    kucoin_sim_ok(c->resp,
                  json_pack("{ss s[{ss sb ss sI sI}]}", "token", token,
                            "instanceServers", "endpoint", endpoint, "encrypt",
                            0, "protocol", "websocket", "pingInterval",
                            (json_int_t)c->set->stream_ping_ms, "pingTimeout",
                            (json_int_t)KUCOIN_PING_TIMEOUT_MS),
                  "token");
    OPENSSL_cleanse(token, sizeof(token));
}

/* ---- the connection -------------------------------------------------------
 */

static void
kucoin_stream_timing(const void *settings, xg_sim_stream_timing *out)
{
    const kucoin_settings *s = settings;

    memset(out, 0, sizeof(*out));
    /* The client pings (fact sheet 4.4); the server only cuts a client
     * it has not heard from (how soon is UNCONFIRMED: 60 s, the figure a
     * third-party client cites) and a connection past the token's 24 h. */
    out->idle_ms = s->stream_idle_ms;
    out->is_idle_push = false;
    out->life_ms = s->stream_life_ms;
}

/* {"id":<the request's id>,"type":..} (id left out when the request had
 * none usable), plus code and data for an error. */
static void
kucoin_stream_reply(xg_sim_stream *s, const json_t *id, const char *type,
                    int code, const char *data)
{
    json_t *m = json_pack("{ss}", "type", type);

    if (m != NULL && id != NULL) {
        json_object_set_new(m, "id", json_deep_copy(id));
    }
    if (m != NULL && data != NULL) {
        json_object_set_new(m, "code", json_integer(code));
        json_object_set_new(m, "data", json_string(data));
    }
    xg_sim_stream_send_json(s, m);
}

static void *
kucoin_stream_open(xg_sim_stream *s)
{
    xg_sim_venue *v = xg_sim_stream_venue(s);
    kucoin_stream *st = calloc(1, sizeof(*st));
    const char *cid = xg_sim_stream_param(s, "connectId");
    json_t *id = NULL;

    if (st == NULL) {
        return NULL;
    }
    st->set = v->settings;
    snprintf(st->connect_id, sizeof(st->connect_id), "%s",
             cid != NULL ? cid : xg_sim_stream_id(s));
    id = json_string(st->connect_id);
    if (id == NULL) {
        /* Not UTF-8 (or cut inside a character): the connection's own. */
        snprintf(st->connect_id, sizeof(st->connect_id), "%s",
                 xg_sim_stream_id(s));
        id = json_string(st->connect_id);
    }
    kucoin_token_check check =
        kucoin_token_read(v, st->set, xg_sim_stream_param(s, "token"),
                          xg_sim_now_ms(), &st->account);
    if (check == KUCOIN_TOKEN_OK && xg_sim_stream_take_auth_refusal(s)) {
        /* An injected refuse_auth fault: refused as a forged token. */
        check = KUCOIN_TOKEN_INVALID;
    }
    if (check != KUCOIN_TOKEN_OK) {
        /* Fact sheet 4.1: the error, then a close. */
        kucoin_stream_reply(s, id, "error", 401,
                            check == KUCOIN_TOKEN_EXPIRED ? "token is expired"
                                                          : "token is invalid");
        xg_sim_stream_log(s, "login_fail", 401);
        xg_sim_stream_close(s, 1000, "token refused");
    } else {
        /* Fact sheet 4.2 and the checklist: the welcome at once. */
        kucoin_stream_reply(s, id, "welcome", 0, NULL);
        xg_sim_stream_log(s, "login", 0);
    }
    json_decref(id);
    return st;
}

static void
kucoin_stream_close(void *state)
{
    free(state);
}

/* subscribe / unsubscribe of one order topic (no symbol suffix: fact
 * sheet 4.2). */
static void
kucoin_stream_subscribe(xg_sim_stream *s, kucoin_stream *st, const json_t *m,
                        const json_t *id, bool is_sub)
{
    const char *topic = json_string_value(json_object_get(m, "topic"));
    char msg[160];

    if (topic != NULL && strcmp(topic, KUCOIN_TOPIC_V2) == 0) {
        st->is_v2 = is_sub;
    } else if (topic != NULL && strcmp(topic, KUCOIN_TOPIC_V1) == 0) {
        st->is_v1 = is_sub;
    } else {
        /* KuCoin's code and text for a topic it does not serve are not
         * documented (ASSUMED: 404, as its REST says "not found"). */
        snprintf(msg, sizeof(msg), "topic %.100s is not found",
                 topic != NULL ? topic : "");
        kucoin_stream_reply(s, id, "error", 404, msg);
        xg_sim_stream_log(s, "sub_fail", 404);
        return;
    }
    if (is_sub) {
        xg_sim_stream_follow(s, st->account);
    }
    if (json_is_true(json_object_get(m, "response"))) {
        kucoin_stream_reply(s, id, "ack", 0, NULL);
    }
    xg_sim_stream_log(s, is_sub ? "subscribed" : "unsubscribed", 0);
}

static void
kucoin_stream_on_text(xg_sim_stream *s, void *state, const char *text,
                      size_t len, int64_t now_ms)
{
    kucoin_stream *st = state;
    json_t *m = json_loadb(text, len, 0, NULL);
    const json_t *id = json_object_get(m, "id");
    const char *type = json_string_value(json_object_get(m, "type"));

    (void)now_ms;
    if (!json_is_string(id) && !json_is_integer(id)) {
        id = NULL;
    }
    if (type != NULL && strcmp(type, "ping") == 0) {
        kucoin_stream_reply(s, id, "pong", 0, NULL);
    } else if (type != NULL && strcmp(type, "subscribe") == 0) {
        kucoin_stream_subscribe(s, st, m, id, true);
    } else if (type != NULL && strcmp(type, "unsubscribe") == 0) {
        kucoin_stream_subscribe(s, st, m, id, false);
    } else {
        /* The fact sheet's one documented error (4.2); also for what is
         * not JSON or has no type (ASSUMED). */
        kucoin_stream_reply(s, id, "error", 415, "type is not supported");
    }
    json_decref(m);
}

/* ---- pushes ---------------------------------------------------------------
 */

/* One step of an order's life as KuCoin pushes it. */
typedef enum kucoin_step {
    KUCOIN_RECEIVED, /* V2 only: accepted, not yet matched */
    KUCOIN_OPEN,     /* on the book */
    KUCOIN_MATCH,    /* one fill */
    KUCOIN_FILLED,   /* nothing left */
    KUCOIN_CANCELED  /* canceled, or the rest of an IOC / FOK / market */
} kucoin_step;

/* Whether the order rests on the book when not wholly filled: a GTC
 * limit (post-only included). */
static bool
kucoin_rests(const xg_sim_order *o)
{
    return o->type != XG_SIM_MARKET && o->tif == XG_SIM_GTC;
}

/* Whether the next change of e's order is a fill it takes as a taker,
 * i.e. e is not the end of its placement's matching. The placement's
 * entries are all in the feed by the time a stream renders e (the book
 * changes under the lock render holds), and all carry the placement's
 * time, so the look stops at the first entry of another time. */
static bool
kucoin_takes_next(const xg_sim_book *b, const xg_sim_feed_entry *e)
{
    int64_t end = b->feed.head;

    if (end > e->seq + KUCOIN_LOOKAHEAD) {
        end = e->seq + KUCOIN_LOOKAHEAD;
    }
    for (int64_t q = e->seq + 1; q <= end; q++) {
        const xg_sim_feed_entry *n = xg_sim_book_feed_entry(b, q);
        if (n != NULL && n->time_ms != e->time_ms) {
            return false;
        }
        if (n != NULL && n->order == e->order) {
            return n->kind == XG_SIM_CHANGE_FILL && !n->is_maker;
        }
    }
    return false;
}

/* The data object of one step (fact sheet 4.3; fields as the official
 * SDK's examples: received has no size / filled fields, a market order
 * no price). ts is the change's time in ns; the entry's seq and the
 * step's index fill the sub-millisecond part, so the pushes of one order
 * are ordered by ts, as the fact sheet says they are. */
static json_t *
kucoin_stream_data(const xg_sim_book *b, const xg_sim_feed_entry *e,
                   kucoin_step step, int index)
{
    const xg_sim_order *o = &b->orders[e->order];
    const xg_sim_instrument *in = &b->instruments[o->instrument];
    static const char *const names[][2] = {
        [KUCOIN_RECEIVED] = {"received", "new"},
        [KUCOIN_OPEN] = {"open", "open"},
        [KUCOIN_MATCH] = {"match", "match"},
        [KUCOIN_FILLED] = {"filled", "done"},
        [KUCOIN_CANCELED] = {"canceled", "done"},
    };
    const char *status = names[step][1];
    int64_t left = e->qty - e->filled;
    char id[32];
    char trade[24];

    kucoin_sim_format_order_id(o->order_id, id);
    /* A maker's fill leaves it on the book: status open (fact sheet 4.3,
     * "maker fill = status open, type match"). */
    if (step == KUCOIN_MATCH && e->is_maker) {
        status = "open";
    }
    json_t *d = json_pack(
        "{ss ss ss ss ss ss sI ss so sI}", "symbol", in->symbol, "orderType",
        o->type == XG_SIM_MARKET ? "market" : "limit", "side",
        o->side == XG_SIM_BUY ? "buy" : "sell", "orderId", id, "type",
        names[step][0], "status", status, "orderTime", (json_int_t)o->time_ms,
        "clientOid", o->client_id, "originSize", kucoin_sim_num(e->qty), "ts",
        (json_int_t)(e->time_ms * 1000000 + (e->seq % 100000) * 10 + index));
    if (d == NULL) {
        return NULL;
    }
    if (o->type != XG_SIM_MARKET) {
        json_object_set_new(d, "price", kucoin_sim_num(e->price));
    }
    if (step == KUCOIN_RECEIVED) {
        return d;
    }
    json_object_set_new(d, "size", kucoin_sim_num(e->qty));
    json_object_set_new(d, "filledSize", kucoin_sim_num(e->filled));
    json_object_set_new(
        d, "remainSize",
        kucoin_sim_num(step == KUCOIN_OPEN || step == KUCOIN_MATCH ? left : 0));
    json_object_set_new(d, "canceledSize",
                        kucoin_sim_num(step == KUCOIN_CANCELED ? left : 0));
    if (step == KUCOIN_MATCH) {
        snprintf(trade, sizeof(trade), "%lld", (long long)e->trade_id);
        json_object_set_new(d, "tradeId", json_string(trade));
        json_object_set_new(d, "matchPrice", kucoin_sim_num(e->fill_price));
        json_object_set_new(d, "matchSize", kucoin_sim_num(e->fill_qty));
        json_object_set_new(d, "liquidity",
                            json_string(e->is_maker ? "maker" : "taker"));
        json_object_set_new(d, "feeType",
                            json_string(e->is_maker ? "makerFee" : "takerFee"));
    }
    return d;
}

/* The steps one feed entry makes, in order; returns how many (0: none).
 * KuCoin has no in-place amend (its modify is a cancel and a new order,
 * which push as such), so an AMENDED entry makes none. */
static size_t
kucoin_stream_steps(const xg_sim_book *b, const xg_sim_feed_entry *e,
                    kucoin_step out[3])
{
    const xg_sim_order *o = &b->orders[e->order];
    size_t n = 0;

    switch (e->kind) {
    case XG_SIM_CHANGE_PLACED:
        out[n++] = KUCOIN_RECEIVED;
        if (kucoin_rests(o) && !kucoin_takes_next(b, e)) {
            out[n++] = KUCOIN_OPEN;
        }
        break;
    case XG_SIM_CHANGE_FILL:
        /* Fact sheet 4.3: the last fill is a match followed by filled;
         * a taker that matched part and rests goes on the book after its
         * last match. */
        out[n++] = KUCOIN_MATCH;
        if (e->status == XG_SIM_FILLED) {
            out[n++] = KUCOIN_FILLED;
        } else if (!e->is_maker && kucoin_rests(o) &&
                   !kucoin_takes_next(b, e)) {
            out[n++] = KUCOIN_OPEN;
        }
        break;
    case XG_SIM_CHANGE_CANCELED:
    case XG_SIM_CHANGE_EXPIRED:
        out[n++] = KUCOIN_CANCELED;
        break;
    case XG_SIM_CHANGE_AMENDED:
        break;
    }
    return n;
}

static char *
kucoin_stream_push(const char *topic, const char *user_id, json_t *data)
{
    json_t *m = json_pack("{ss ss ss ss ss so}", "topic", topic, "type",
                          "message", "subject", "orderChange", "userId",
                          user_id, "channelType", "private", "data", data);
    char *text = m != NULL ? json_dumps(m, JSON_COMPACT) : NULL;

    json_decref(m);
    return text;
}

static char *
kucoin_stream_render(xg_sim_stream *s, void *state, const xg_sim_book *b,
                     const xg_sim_feed_entry *e)
{
    kucoin_stream *st = state;
    kucoin_step steps[3];
    size_t n = kucoin_stream_steps(b, e, steps);
    char user_id[32];
    char *last = NULL;

    /* A stable 24-hex-digit userId per account, as KuCoin's look. */
    snprintf(user_id, sizeof(user_id), "%024llx",
             (unsigned long long)st->account + 1);
    for (int v = 0; v < 2; v++) {
        bool is_v2 = v == 0;
        if (is_v2 ? !st->is_v2 : !st->is_v1) {
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            if (!is_v2 && steps[i] == KUCOIN_RECEIVED) {
                continue; /* V2's step (fact sheet 4.2) */
            }
            json_t *d = kucoin_stream_data(b, e, steps[i], (int)i);
            char *text = d != NULL ? kucoin_stream_push(is_v2 ? KUCOIN_TOPIC_V2
                                                              : KUCOIN_TOPIC_V1,
                                                        user_id, d)
                                   : NULL;
            if (text == NULL) {
                continue;
            }
            if (last != NULL) {
                xg_sim_stream_send(s, last, strlen(last));
                free(last);
            }
            last = text;
        }
    }
    return last;
}

const xg_sim_stream_dialect kucoin_sim_stream = {
    .path = "/",
    .timing = kucoin_stream_timing,
    .open = kucoin_stream_open,
    .on_text = kucoin_stream_on_text,
    .render = kucoin_stream_render,
    .close = kucoin_stream_close,
};
