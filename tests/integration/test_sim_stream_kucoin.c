/*
 * test_sim_stream_kucoin.c - xgsim's KuCoin private stream checked by an
 * independent client: the test's own WebSocket client
 * (tests/support/ws_client) and its own OpenSSL signing of the REST
 * calls, never the adapter's. The token from POST /api/v1/bullet-private
 * (signed, Spot weight 10, the instance server's endpoint and ping
 * timing); the connection it opens (the welcome at once with the
 * connectId as id, the token good for a second connection), refused for
 * a forged, a missing and an expired token with 401 and the close that
 * follows; the JSON ping and pong, subscribe with and without an ack, an
 * unknown topic and type; then, on a paused walk, the pushes of orders'
 * lives on V2 and V1: a resting order (received, open) filled in two
 * parts through the admin API (match with the simulator's trade ids, the
 * ones REST's fills show, then filled), a taker that fills at once, and
 * an order part filled then canceled; last, the idle cut of a silent
 * connection, set short with --set kucoin.stream_idle_ms, and the
 * request log's entries for the stream.
 *
 * The gateway's core does not make the token request yet, so there is
 * no KuCoin row in test_streams.c: this test covers the simulator alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gw_launch.h"
#include "sim_launch.h"
#include "ws_client.h"

#define KEY    "xgsim-test-key"
#define SECRET "xgsim-test-secret"
#define PASS   "xgsim-test-pass"

#define TOPIC_V2 "/spotMarket/tradeOrdersV2"
#define TOPIC_V1 "/spotMarket/tradeOrders"

static xg_sim_proc the_sim;
static xg_ws_client *the_ws;
static xg_ws_client *the_ws2;

static int
teardown(void **state)
{
    (void)state;
    xg_ws_client_destroy(&the_ws);
    xg_ws_client_destroy(&the_ws2);
    xg_sim_stop(&the_sim);
    return 0;
}

static void
sim_start(const char *const *extra)
{
    memset(&the_sim, 0, sizeof the_sim);
    assert_int_equal(xg_sim_start_paused(&the_sim, "kucoin", extra), XG_OK);
}

static void
pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void
b64_hmac(const char *secret, const char *msg, char out[64])
{
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg,
         strlen(msg), mac, &len);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)len);
}

static const char *
str(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    if (s == NULL) {
        fail_msg("no string %s", key);
    }
    return s;
}

/* A signed REST call (KuCoin's REST signing, done here), its HTTP status
 * in *status and its body as JSON (given). */
static json_t *
rest_status(const char *method, const char *target, const char *body,
            long *status)
{
    char ts[24], pre[2048], sign[64], pp[64], h[4][160], out[65536];
    snprintf(ts, sizeof ts, "%lld", (long long)xg_test_wall_ms());
    snprintf(pre, sizeof pre, "%s%s%s%s", ts, method, target,
             body != NULL ? body : "");
    b64_hmac(SECRET, pre, sign);
    b64_hmac(SECRET, PASS, pp);
    snprintf(h[0], sizeof h[0], "KC-API-KEY: %s", KEY);
    snprintf(h[1], sizeof h[1], "KC-API-SIGN: %s", sign);
    snprintf(h[2], sizeof h[2], "KC-API-TIMESTAMP: %s", ts);
    snprintf(h[3], sizeof h[3], "KC-API-PASSPHRASE: %s", pp);
    const char *hdrs[] = {h[0],
                          h[1],
                          h[2],
                          h[3],
                          "KC-API-KEY-VERSION: 2",
                          "Content-Type: application/json",
                          NULL};
    assert_int_equal(xg_sim_http(&the_sim, "kucoin", method, target, hdrs, body,
                                 body != NULL ? strlen(body) : 0, status, out,
                                 sizeof out, NULL, 0),
                     XG_OK);
    json_t *j = json_loads(out, 0, NULL);
    if (j == NULL) {
        fail_msg("not JSON: %s", out);
    }
    return j;
}

static json_t *
rest(const char *method, const char *target, const char *body)
{
    long status = 0;
    json_t *j = rest_status(method, target, body, &status);
    assert_int_equal(status, 200);
    assert_string_equal(str(j, "code"), "200000");
    return j;
}

/* A token from the bullet, into out. */
static void
bullet(char *out, size_t cap)
{
    json_t *j = rest("POST", "/api/v1/bullet-private", NULL);
    const json_t *data = json_object_get(j, "data");
    snprintf(out, cap, "%s", str(data, "token"));
    json_decref(j);
}

/* Percent-encode what a query value may not hold raw. */
static void
url_encode(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in != '\0' && n + 4 < cap; in++) {
        unsigned char ch = (unsigned char)*in;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.') {
            out[n++] = (char)ch;
        } else {
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", ch);
        }
    }
    out[n] = '\0';
}

/* Connect with token (NULL: none) and connectId cid (NULL: none). */
static xg_ws_client *
ws_open(const char *token, const char *cid)
{
    char enc[256], target[512];
    xg_ws_client *c = NULL;
    int n = snprintf(target, sizeof target, "/?privateChannel=true");
    if (token != NULL) {
        url_encode(token, enc, sizeof enc);
        n += snprintf(target + n, sizeof target - (size_t)n, "&token=%s", enc);
    }
    if (cid != NULL) {
        snprintf(target + n, sizeof target - (size_t)n, "&connectId=%s", cid);
    }
    assert_int_equal(
        xg_ws_client_connect(xg_sim_port(&the_sim, "kucoin"), target, &c),
        XG_OK);
    return c;
}

/* The next message of c as JSON (given). */
static json_t *
next_json(xg_ws_client *c)
{
    char buf[8192];
    assert_int_equal(xg_ws_client_recv(c, 3000, buf, sizeof buf), XG_OK);
    json_t *j = json_loads(buf, 0, NULL);
    if (j == NULL) {
        fail_msg("not JSON: %s", buf);
    }
    return j;
}

/* The next message is {"id":id,"type":type}. */
static void
expect_typed(xg_ws_client *c, const char *id, const char *type)
{
    json_t *j = next_json(c);
    assert_string_equal(str(j, "type"), type);
    assert_string_equal(str(j, "id"), id);
    json_decref(j);
}

static void
send_text(xg_ws_client *c, const char *text)
{
    assert_int_equal(xg_ws_client_send(c, text), XG_OK);
}

static void
ping(xg_ws_client *c, const char *id)
{
    char msg[128];
    snprintf(msg, sizeof msg, "{\"id\":\"%s\",\"type\":\"ping\"}", id);
    send_text(c, msg);
    expect_typed(c, id, "pong");
}

static void
subscribe(xg_ws_client *c, const char *id, const char *topic, bool response)
{
    char msg[256];
    snprintf(msg, sizeof msg,
             "{\"id\":\"%s\",\"type\":\"subscribe\",\"topic\":\"%s\","
             "\"privateChannel\":true,\"response\":%s}",
             id, topic, response ? "true" : "false");
    send_text(c, msg);
    if (response) {
        expect_typed(c, id, "ack");
    }
}

static void
place(const char *id, const char *side, const char *px, const char *sz)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"clientOid\":\"%s\",\"symbol\":\"BTC-USDT\",\"side\":\"%s\","
             "\"type\":\"limit\",\"price\":\"%s\",\"size\":\"%s\"}",
             id, side, px, sz);
    json_decref(rest("POST", "/api/v1/hf/orders", body));
}

static void
admin_fill(const char *id, const char *qty, const char *px)
{
    char body[256], out[4096];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}", id,
             qty, px);
    assert_int_equal(xg_sim_admin(&the_sim, "kucoin", "POST", "/_sim/fill",
                                  body, out, sizeof out),
                     XG_OK);
}

/* The next push on c: an orderChange of topic for clientOid cid, of
 * event type and status; its data is borrowed from *push (given). */
static const json_t *
next_push(xg_ws_client *c, json_t **push, const char *topic, const char *cid,
          const char *type, const char *status)
{
    *push = next_json(c);
    assert_string_equal(str(*push, "type"), "message");
    assert_string_equal(str(*push, "topic"), topic);
    assert_string_equal(str(*push, "subject"), "orderChange");
    assert_string_equal(str(*push, "channelType"), "private");
    assert_int_equal(strlen(str(*push, "userId")), 24);
    const json_t *d = json_object_get(*push, "data");
    assert_true(json_is_object(d));
    assert_string_equal(str(d, "clientOid"), cid);
    assert_string_equal(str(d, "type"), type);
    assert_string_equal(str(d, "status"), status);
    assert_string_equal(str(d, "symbol"), "BTC-USDT");
    assert_int_equal(strlen(str(d, "orderId")), 24);
    assert_true(json_is_integer(json_object_get(d, "orderTime")));
    /* ts in ns: the order time in ms times a million, or a little more. */
    json_int_t ts = json_integer_value(json_object_get(d, "ts"));
    json_int_t ot = json_integer_value(json_object_get(d, "orderTime"));
    assert_true(ts >= ot * 1000000 && ts < (ot + 600000) * 1000000);
    return d;
}

/* The next push on c is one of order cid at that step; nothing else of
 * it is checked. */
static void
skip_push(xg_ws_client *c, const char *cid, const char *type,
          const char *status)
{
    json_t *push = NULL;
    (void)next_push(c, &push, TOPIC_V2, cid, type, status);
    json_decref(push);
}

/* ---- tests ----------------------------------------------------------------
 */

static void
test_bullet_gives_a_token_and_the_endpoint(void **state)
{
    (void)state;
    static const char *const ping_set[] = {"--set",
                                           "kucoin.stream_ping_ms=5000", NULL};
    sim_start(ping_set);
    char hdrs[4096];
    long status = 0;
    char out[8192];
    const char *plain[] = {"Content-Type: application/json", NULL};

    /* Unsigned: KuCoin's missing-headers refusal. */
    assert_int_equal(xg_sim_http(&the_sim, "kucoin", "POST",
                                 "/api/v1/bullet-private", plain, NULL, 0,
                                 &status, out, sizeof out, hdrs, sizeof hdrs),
                     XG_OK);
    assert_int_equal(status, 401);
    assert_non_null(strstr(out, "\"400001\""));

    json_t *j = rest("POST", "/api/v1/bullet-private", NULL);
    const json_t *data = json_object_get(j, "data");
    const char *token = str(data, "token");
    assert_true(strlen(token) > 20);
    const json_t *servers = json_object_get(data, "instanceServers");
    assert_int_equal(json_array_size(servers), 1);
    const json_t *srv = json_array_get(servers, 0);
    char want[64];
    snprintf(want, sizeof want, "ws://127.0.0.1:%d/",
             xg_sim_port(&the_sim, "kucoin"));
    assert_string_equal(str(srv, "endpoint"), want);
    assert_string_equal(str(srv, "protocol"), "websocket");
    assert_true(json_is_false(json_object_get(srv, "encrypt")));
    assert_int_equal(json_integer_value(json_object_get(srv, "pingInterval")),
                     5000);
    assert_int_equal(json_integer_value(json_object_get(srv, "pingTimeout")),
                     10000);
    json_decref(j);

    /* Logged, and weight 10 on the account's Spot pool (the unsigned
     * call was refused before any pool). */
    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "kucoin", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"token\""));
    assert_int_equal(xg_sim_admin(&the_sim, "kucoin", "GET", "/_sim/state",
                                  NULL, out, sizeof out),
                     XG_OK);
    json_t *st = json_loads(out, 0, NULL);
    assert_non_null(st);
    const json_t *acct = json_array_get(
        json_object_get(json_object_get(st, "usage"), "accounts"), 0);
    assert_int_equal(json_integer_value(json_object_get(acct, "spot_used")),
                     10);
    json_decref(st);
}

static void
test_connect_welcome_ping_and_subscribe(void **state)
{
    (void)state;
    sim_start(NULL);
    char token[256];
    bullet(token, sizeof token);

    /* The welcome comes at once, with the connectId as its id. */
    the_ws = ws_open(token, "private");
    expect_typed(the_ws, "private", "welcome");
    ping(the_ws, "1545910590801");

    /* The ack carries the subscribe's id; without response, no ack. */
    subscribe(the_ws, "1545910660739", TOPIC_V2, true);
    subscribe(the_ws, "s2", TOPIC_V1, false);
    ping(the_ws, "p2");

    /* A topic the stream does not serve, a type it does not know, and
     * what is not JSON: errors, and the connection stays. */
    subscribe(the_ws, "s3", "/account/balance", false);
    json_t *j = next_json(the_ws);
    assert_string_equal(str(j, "type"), "error");
    assert_string_equal(str(j, "id"), "s3");
    assert_int_equal(json_integer_value(json_object_get(j, "code")), 404);
    json_decref(j);
    send_text(the_ws, "{\"id\":\"t1\",\"type\":\"teleport\"}");
    j = next_json(the_ws);
    assert_string_equal(str(j, "type"), "error");
    assert_string_equal(str(j, "id"), "t1");
    assert_int_equal(json_integer_value(json_object_get(j, "code")), 415);
    assert_string_equal(str(j, "data"), "type is not supported");
    json_decref(j);
    send_text(the_ws, "{oops");
    j = next_json(the_ws);
    assert_int_equal(json_integer_value(json_object_get(j, "code")), 415);
    json_decref(j);
    ping(the_ws, "p3");

    /* The same token opens a second connection, with no connectId (the
     * welcome's id is then the connection's own). */
    the_ws2 = ws_open(token, NULL);
    j = next_json(the_ws2);
    assert_string_equal(str(j, "type"), "welcome");
    assert_true(strlen(str(j, "id")) > 0);
    json_decref(j);
    ping(the_ws2, "7");

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "kucoin", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"upgraded\""));
    assert_non_null(strstr(log, "\"outcome\":\"login\""));
    assert_non_null(strstr(log, "\"outcome\":\"subscribed\""));
    assert_non_null(strstr(log, "\"outcome\":\"sub_fail\""));
}

/* A refused token: the error with 401 and text, then the close. */
static void
token_refused(const char *token, const char *text)
{
    char buf[256];
    xg_ws_client *c = ws_open(token, "cid9");
    json_t *j = next_json(c);
    assert_string_equal(str(j, "type"), "error");
    assert_string_equal(str(j, "id"), "cid9");
    assert_int_equal(json_integer_value(json_object_get(j, "code")), 401);
    assert_string_equal(str(j, "data"), text);
    json_decref(j);
    assert_int_equal(xg_ws_client_recv(c, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    assert_int_equal(xg_ws_client_close_code(c), 1000);
    xg_ws_client_destroy(&c);
}

static void
test_bad_tokens_are_refused(void **state)
{
    (void)state;
    static const char *const short_token[] = {
        "--set", "kucoin.stream_token_ms=400", NULL};
    sim_start(short_token);
    char token[256];
    bullet(token, sizeof token);

    token_refused(NULL, "token is invalid");
    token_refused("2neAiuYvAU737TOajb2U3uT8", "token is invalid");
    /* One character of the MAC changed. */
    char forged[256];
    snprintf(forged, sizeof forged, "%s", token);
    size_t n = strlen(forged);
    forged[n - 3] = forged[n - 3] == 'A' ? 'B' : 'A';
    token_refused(forged, "token is invalid");
    /* Still good now, expired once stream_token_ms has passed. */
    the_ws = ws_open(token, "ok");
    expect_typed(the_ws, "ok", "welcome");
    pause_ms(500);
    token_refused(token, "token is expired");
    /* The connection it opened before stays. */
    ping(the_ws, "still");

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "kucoin", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"login_fail\""));
    assert_non_null(strstr(log, "\"code\":401"));
}

static void
test_order_life_is_pushed(void **state)
{
    (void)state;
    static const char *const thin[] = {"--set", "kucoin.level_notional=100000",
                                       NULL};
    sim_start(thin);
    char token[256];
    bullet(token, sizeof token);
    the_ws = ws_open(token, "v2");
    expect_typed(the_ws, "v2", "welcome");
    subscribe(the_ws, "1", TOPIC_V2, true);
    the_ws2 = ws_open(token, "v1");
    expect_typed(the_ws2, "v1", "welcome");
    subscribe(the_ws2, "1", TOPIC_V1, true);

    /* Resting: received then open on V2, open alone on V1. */
    place("life1", "buy", "30000", "0.02");
    json_t *push = NULL;
    const json_t *d =
        next_push(the_ws, &push, TOPIC_V2, "life1", "received", "new");
    assert_string_equal(str(d, "orderType"), "limit");
    assert_string_equal(str(d, "side"), "buy");
    assert_string_equal(str(d, "price"), "30000");
    assert_string_equal(str(d, "originSize"), "0.02");
    assert_null(json_object_get(d, "filledSize"));
    char order_id[32];
    snprintf(order_id, sizeof order_id, "%s", str(d, "orderId"));
    json_int_t ts_prev = json_integer_value(json_object_get(d, "ts"));
    json_decref(push);
    d = next_push(the_ws, &push, TOPIC_V2, "life1", "open", "open");
    assert_string_equal(str(d, "orderId"), order_id);
    assert_string_equal(str(d, "size"), "0.02");
    assert_string_equal(str(d, "filledSize"), "0");
    assert_string_equal(str(d, "remainSize"), "0.02");
    assert_string_equal(str(d, "canceledSize"), "0");
    assert_null(json_object_get(d, "tradeId"));
    assert_true(json_integer_value(json_object_get(d, "ts")) > ts_prev);
    json_decref(push);
    d = next_push(the_ws2, &push, TOPIC_V1, "life1", "open", "open");
    assert_string_equal(str(d, "orderId"), order_id);
    json_decref(push);

    /* Part filled, as maker: a match, the order still open. */
    admin_fill("life1", "0.005", "30000");
    d = next_push(the_ws, &push, TOPIC_V2, "life1", "match", "open");
    assert_string_equal(str(d, "matchPrice"), "30000");
    assert_string_equal(str(d, "matchSize"), "0.005");
    assert_string_equal(str(d, "filledSize"), "0.005");
    assert_string_equal(str(d, "remainSize"), "0.015");
    assert_string_equal(str(d, "liquidity"), "maker");
    assert_string_equal(str(d, "feeType"), "makerFee");
    /* No fee amount on KuCoin's stream (fact sheet 4.3). */
    assert_null(json_object_get(d, "fee"));
    char trade1[32];
    snprintf(trade1, sizeof trade1, "%s", str(d, "tradeId"));
    json_decref(push);
    d = next_push(the_ws2, &push, TOPIC_V1, "life1", "match", "open");
    assert_string_equal(str(d, "tradeId"), trade1);
    json_decref(push);

    /* The rest: the last match, then filled. */
    admin_fill("life1", "0.015", "30000");
    d = next_push(the_ws, &push, TOPIC_V2, "life1", "match", "open");
    assert_string_equal(str(d, "matchSize"), "0.015");
    assert_string_equal(str(d, "filledSize"), "0.02");
    char trade2[32];
    snprintf(trade2, sizeof trade2, "%s", str(d, "tradeId"));
    assert_string_not_equal(trade1, trade2);
    json_decref(push);
    d = next_push(the_ws, &push, TOPIC_V2, "life1", "filled", "done");
    assert_string_equal(str(d, "filledSize"), "0.02");
    assert_string_equal(str(d, "remainSize"), "0");
    assert_string_equal(str(d, "canceledSize"), "0");
    assert_null(json_object_get(d, "tradeId"));
    json_decref(push);

    /* REST's fills show the same trade ids, newest first. */
    char target[160];
    snprintf(target, sizeof target,
             "/api/v1/hf/fills?symbol=BTC-USDT&orderId=%s", order_id);
    json_t *fills = rest("GET", target, NULL);
    const json_t *items =
        json_object_get(json_object_get(fills, "data"), "items");
    assert_int_equal(json_array_size(items), 2);
    char id_text[32];
    snprintf(id_text, sizeof id_text, "%lld",
             (long long)json_integer_value(
                 json_object_get(json_array_get(items, 0), "tradeId")));
    assert_string_equal(id_text, trade2);
    snprintf(id_text, sizeof id_text, "%lld",
             (long long)json_integer_value(
                 json_object_get(json_array_get(items, 1), "tradeId")));
    assert_string_equal(id_text, trade1);
    json_decref(fills);

    /* A taker that takes the one level its price reaches (2.85714 BTC at
     * 35000.1 with 100,000 USDT a level) and rests with the rest: its
     * match, then open. */
    place("take2", "buy", "35000.1", "5");
    skip_push(the_ws, "take2", "received", "new");
    d = next_push(the_ws, &push, TOPIC_V2, "take2", "match", "match");
    assert_string_equal(str(d, "matchSize"), "2.85714");
    assert_string_equal(str(d, "remainSize"), "2.14286");
    json_decref(push);
    d = next_push(the_ws, &push, TOPIC_V2, "take2", "open", "open");
    assert_string_equal(str(d, "filledSize"), "2.85714");
    assert_string_equal(str(d, "remainSize"), "2.14286");
    json_decref(push);
    json_decref(rest("DELETE",
                     "/api/v1/hf/orders/client-order/take2?symbol=BTC-USDT",
                     NULL));
    skip_push(the_ws, "take2", "canceled", "done");

    /* An IOC's rest is canceled, as KuCoin shows it. */
    json_decref(rest("POST", "/api/v1/hf/orders",
                     "{\"clientOid\":\"ioc1\",\"symbol\":\"BTC-USDT\","
                     "\"side\":\"sell\",\"type\":\"limit\",\"price\":"
                     "\"34999.9\",\"size\":\"5\",\"timeInForce\":\"IOC\"}"));
    skip_push(the_ws, "ioc1", "received", "new");
    skip_push(the_ws, "ioc1", "match", "match");
    d = next_push(the_ws, &push, TOPIC_V2, "ioc1", "canceled", "done");
    assert_string_equal(str(d, "filledSize"), "2.85714");
    assert_string_equal(str(d, "canceledSize"), "2.14286");
    json_decref(push);

    /* A taker that fills at once against the book near 35000 (the next
     * level: the first was taken). */
    place("take1", "buy", "40000", "0.01");
    skip_push(the_ws, "take1", "received", "new");
    d = next_push(the_ws, &push, TOPIC_V2, "take1", "match", "match");
    assert_string_equal(str(d, "liquidity"), "taker");
    assert_string_equal(str(d, "feeType"), "takerFee");
    assert_string_equal(str(d, "matchSize"), "0.01");
    assert_string_not_equal(str(d, "matchPrice"), "40000");
    json_decref(push);
    skip_push(the_ws, "take1", "filled", "done");

    /* Another order, part filled then canceled. */
    place("life2", "buy", "29000", "0.01");
    skip_push(the_ws, "life2", "received", "new");
    skip_push(the_ws, "life2", "open", "open");
    admin_fill("life2", "0.004", "29000");
    skip_push(the_ws, "life2", "match", "open");
    json_decref(rest("DELETE",
                     "/api/v1/hf/orders/client-order/life2?symbol="
                     "BTC-USDT",
                     NULL));
    d = next_push(the_ws, &push, TOPIC_V2, "life2", "canceled", "done");
    assert_string_equal(str(d, "filledSize"), "0.004");
    assert_string_equal(str(d, "remainSize"), "0");
    assert_string_equal(str(d, "canceledSize"), "0.006");
    json_decref(push);

    /* Unsubscribed from V2: nothing more pushed there, the next message
     * is the ping's pong. */
    send_text(the_ws,
              "{\"id\":\"u\",\"type\":\"unsubscribe\",\"topic\":\"" TOPIC_V2
              "\",\"privateChannel\":true,\"response\":true}");
    expect_typed(the_ws, "u", "ack");
    place("life3", "buy", "29000", "0.01");
    ping(the_ws, "after");
}

static void
test_idle_connection_is_cut(void **state)
{
    (void)state;
    static const char *const idle[] = {"--set", "kucoin.stream_idle_ms=300",
                                       NULL};
    sim_start(idle);
    char token[256];
    bullet(token, sizeof token);
    the_ws = ws_open(token, "idle");
    expect_typed(the_ws, "idle", "welcome");
    int64_t t0 = xg_test_wall_ms();
    /* Pinging keeps it open past the idle length... */
    for (int i = 0; i < 4; i++) {
        pause_ms(150);
        ping(the_ws, "k");
    }
    assert_true(xg_test_wall_ms() - t0 >= 500);
    /* ...silence closes it. */
    char buf[256];
    t0 = xg_test_wall_ms();
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    int64_t waited = xg_test_wall_ms() - t0;
    assert_true(waited >= 250 && waited < 2000);

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "kucoin", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"idle_cut\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_bullet_gives_a_token_and_the_endpoint,
                                  teardown),
        cmocka_unit_test_teardown(test_connect_welcome_ping_and_subscribe,
                                  teardown),
        cmocka_unit_test_teardown(test_bad_tokens_are_refused, teardown),
        cmocka_unit_test_teardown(test_order_life_is_pushed, teardown),
        cmocka_unit_test_teardown(test_idle_connection_is_cut, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
