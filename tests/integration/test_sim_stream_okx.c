/*
 * test_sim_stream_okx.c - xgsim's OKX private stream (/ws/v5/private)
 * checked by an independent client: the test's own WebSocket client
 * (tests/support/ws_client) and its own OpenSSL HMAC code, never the
 * adapter's. Login accepted, refused for a bad sign and an expired
 * timestamp with OKX's codes and the close that follows; text ping and
 * pong; subscribe before login refused, the subscribe ack; then, on a
 * paused walk, the pushes of one order's life: placed over REST (live),
 * filled in two parts through the admin API (tradeId, fillPx, fillSz,
 * fillFee, accFillSz, state, the same trade ids REST's fills show), and a
 * second order canceled; last, the idle cut of a silent connection, set
 * short with --set okx.stream_idle_ms, and the request log's entries for
 * the stream.
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
#define PATH   "/ws/v5/private"

static xg_sim_proc the_sim;
static xg_ws_client *the_ws;

static int
teardown(void **state)
{
    (void)state;
    xg_ws_client_destroy(&the_ws);
    xg_sim_stop(&the_sim);
    return 0;
}

static void
sim_start(const char *const *extra)
{
    memset(&the_sim, 0, sizeof the_sim);
    assert_int_equal(xg_sim_start_paused(&the_sim, "okx", extra), XG_OK);
}

static void
ws_open(void)
{
    assert_int_equal(
        xg_ws_client_connect(xg_sim_port(&the_sim, "okx"), PATH, &the_ws),
        XG_OK);
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

/* Send a login whose timestamp is off by offset_s seconds, signed with
 * secret. */
static void
login(const char *secret, int64_t offset_s)
{
    char ts[24], pre[96], sign[64], msg[512];
    snprintf(ts, sizeof ts, "%lld",
             (long long)(xg_test_wall_ms() / 1000 + offset_s));
    snprintf(pre, sizeof pre, "%sGET/users/self/verify", ts);
    b64_hmac(secret, pre, sign);
    snprintf(msg, sizeof msg,
             "{\"op\":\"login\",\"args\":[{\"apiKey\":\"%s\",\"passphrase\":"
             "\"%s\",\"timestamp\":\"%s\",\"sign\":\"%s\"}]}",
             KEY, PASS, ts, sign);
    assert_int_equal(xg_ws_client_send(the_ws, msg), XG_OK);
}

/* The next message as JSON (given). */
static json_t *
next_json(void)
{
    char buf[8192];
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf), XG_OK);
    json_t *j = json_loads(buf, 0, NULL);
    if (j == NULL) {
        fail_msg("not JSON: %s", buf);
    }
    return j;
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

static void
login_ok(void)
{
    login(SECRET, 0);
    json_t *j = next_json();
    assert_string_equal(str(j, "event"), "login");
    assert_string_equal(str(j, "code"), "0");
    assert_true(strlen(str(j, "connId")) > 0);
    json_decref(j);
}

static void
subscribe(const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg,
             "{\"id\":\"7\",\"op\":\"subscribe\",\"args\":[%s]}", arg);
    assert_int_equal(xg_ws_client_send(the_ws, msg), XG_OK);
}

/* A signed REST call (OKX's REST signing, done here). */
static json_t *
rest(const char *method, const char *target, const char *body)
{
    char ts[64], pre[2048], sign[64], h[4][160], out[16384];
    long status = 0;
    int64_t ms = xg_test_wall_ms();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)(ms % 1000));
    snprintf(pre, sizeof pre, "%s%s%s%s", ts, method, target,
             body != NULL ? body : "");
    b64_hmac(SECRET, pre, sign);
    snprintf(h[0], sizeof h[0], "OK-ACCESS-KEY: %s", KEY);
    snprintf(h[1], sizeof h[1], "OK-ACCESS-SIGN: %s", sign);
    snprintf(h[2], sizeof h[2], "OK-ACCESS-TIMESTAMP: %s", ts);
    snprintf(h[3], sizeof h[3], "OK-ACCESS-PASSPHRASE: %s", PASS);
    const char *hdrs[] = {
        h[0], h[1], h[2], h[3], "Content-Type: application/json", NULL};
    assert_int_equal(xg_sim_http(&the_sim, "okx", method, target, hdrs, body,
                                 body != NULL ? strlen(body) : 0, &status, out,
                                 sizeof out, NULL, 0),
                     XG_OK);
    assert_int_equal(status, 200);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(str(j, "code"), "0");
    return j;
}

static void
place(const char *id, const char *px, const char *sz)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"buy\","
             "\"ordType\":\"limit\",\"px\":\"%s\",\"sz\":\"%s\","
             "\"clOrdId\":\"%s\"}",
             px, sz, id);
    json_decref(rest("POST", "/api/v5/trade/order", body));
}

static void
admin_fill(const char *id, const char *qty, const char *px)
{
    char body[256], out[4096];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}", id,
             qty, px);
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fill", body,
                                  out, sizeof out),
                     XG_OK);
}

/* The next push's only order (borrowed from *push, which is given). */
static const json_t *
next_order(json_t **push)
{
    *push = next_json();
    const json_t *arg = json_object_get(*push, "arg");
    assert_string_equal(str(arg, "channel"), "orders");
    assert_string_equal(str(arg, "uid"), "100000000");
    const json_t *data = json_object_get(*push, "data");
    assert_int_equal(json_array_size(data), 1);
    return json_array_get(data, 0);
}

/* ---- tests ----------------------------------------------------------------
 */

static void
test_login_ping_and_subscribe(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();

    /* Text ping, text pong (not JSON). */
    char buf[256];
    assert_int_equal(xg_ws_client_send(the_ws, "ping"), XG_OK);
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf), XG_OK);
    assert_string_equal(buf, "pong");

    /* Subscribing needs a login first. */
    subscribe("{\"channel\":\"orders\",\"instType\":\"SPOT\"}");
    json_t *j = next_json();
    assert_string_equal(str(j, "event"), "error");
    assert_string_equal(str(j, "code"), "60011");
    assert_string_equal(str(j, "id"), "7");
    json_decref(j);

    login_ok();
    subscribe("{\"channel\":\"orders\",\"instType\":\"ANY\"}");
    j = next_json();
    assert_string_equal(str(j, "event"), "subscribe");
    assert_string_equal(str(j, "id"), "7");
    const json_t *arg = json_object_get(j, "arg");
    assert_string_equal(str(arg, "channel"), "orders");
    assert_string_equal(str(arg, "instType"), "ANY");
    assert_null(json_object_get(arg, "instId"));
    json_decref(j);

    /* A channel the stream does not serve. */
    subscribe("{\"channel\":\"fills\",\"instType\":\"SPOT\"}");
    j = next_json();
    assert_string_equal(str(j, "event"), "error");
    assert_string_equal(str(j, "code"), "60018");
    json_decref(j);

    /* Not JSON at all: an error, and the connection stays. */
    assert_int_equal(xg_ws_client_send(the_ws, "{oops"), XG_OK);
    j = next_json();
    assert_string_equal(str(j, "code"), "60012");
    json_decref(j);
    assert_int_equal(xg_ws_client_send(the_ws, "ping"), XG_OK);
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf), XG_OK);
    assert_string_equal(buf, "pong");
}

/* A refused login: the error event with code, then the close. */
static void
login_refused(const char *secret, int64_t offset_s, const char *code)
{
    char buf[256];
    ws_open();
    login(secret, offset_s);
    json_t *j = next_json();
    assert_string_equal(str(j, "event"), "error");
    assert_string_equal(str(j, "code"), code);
    json_decref(j);
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    assert_int_equal(xg_ws_client_close_code(the_ws), 1000);
    xg_ws_client_destroy(&the_ws);
}

static void
test_login_refused_with_okx_codes(void **state)
{
    (void)state;
    sim_start(NULL);
    login_refused("wrong-secret", 0, "60007");
    login_refused(SECRET, -60, "60006");
    login_refused(SECRET, 60, "60006");

    /* The log shows each refusal with its code. */
    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "okx", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"upgraded\""));
    assert_non_null(strstr(log, "\"code\":60007"));
    assert_non_null(strstr(log, "\"code\":60006"));
    assert_non_null(strstr(log, "\"outcome\":\"login_fail\""));
}

static void
test_order_life_is_pushed(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();
    login_ok();
    subscribe("{\"channel\":\"orders\",\"instType\":\"SPOT\","
              "\"instId\":\"BTC-USDT\"}");
    json_t *ack = next_json();
    assert_string_equal(str(ack, "event"), "subscribe");
    json_decref(ack);

    /* Resting: live, nothing filled, no fill fields. */
    place("life1", "30000", "0.02");
    json_t *push = NULL;
    const json_t *o = next_order(&push);
    assert_string_equal(str(json_object_get(push, "arg"), "instId"),
                        "BTC-USDT");
    assert_string_equal(str(o, "instType"), "SPOT");
    assert_string_equal(str(o, "instId"), "BTC-USDT");
    assert_string_equal(str(o, "clOrdId"), "life1");
    assert_string_equal(str(o, "state"), "live");
    assert_string_equal(str(o, "px"), "30000");
    assert_string_equal(str(o, "sz"), "0.02");
    assert_string_equal(str(o, "side"), "buy");
    assert_string_equal(str(o, "ordType"), "limit");
    assert_string_equal(str(o, "accFillSz"), "0");
    assert_string_equal(str(o, "avgPx"), "0");
    assert_string_equal(str(o, "tradeId"), "");
    assert_string_equal(str(o, "fillSz"), "0");
    assert_string_equal(str(o, "fillFee"), "0");
    assert_string_equal(str(o, "execType"), "");
    char ord_id[32];
    snprintf(ord_id, sizeof ord_id, "%s", str(o, "ordId"));
    json_decref(push);

    /* Part filled, as maker: the fill inside the order push. */
    admin_fill("life1", "0.005", "30000");
    o = next_order(&push);
    assert_string_equal(str(o, "ordId"), ord_id);
    assert_string_equal(str(o, "state"), "partially_filled");
    assert_string_equal(str(o, "fillPx"), "30000");
    assert_string_equal(str(o, "fillSz"), "0.005");
    assert_string_equal(str(o, "accFillSz"), "0.005");
    assert_string_equal(str(o, "avgPx"), "30000");
    assert_string_equal(str(o, "execType"), "M");
    /* Maker 0.08% of 0.005 BTC received, charged: negative. */
    assert_string_equal(str(o, "fillFee"), "-0.000004");
    assert_string_equal(str(o, "fillFeeCcy"), "BTC");
    assert_string_equal(str(o, "fee"), "-0.000004");
    char trade1[32];
    snprintf(trade1, sizeof trade1, "%s", str(o, "tradeId"));
    assert_true(strlen(trade1) > 0);
    json_decref(push);

    /* The rest: filled, a second trade. */
    admin_fill("life1", "0.015", "30000");
    o = next_order(&push);
    assert_string_equal(str(o, "state"), "filled");
    assert_string_equal(str(o, "fillSz"), "0.015");
    assert_string_equal(str(o, "accFillSz"), "0.02");
    assert_string_equal(str(o, "fillFee"), "-0.000012");
    assert_string_equal(str(o, "fee"), "-0.000016");
    char trade2[32];
    snprintf(trade2, sizeof trade2, "%s", str(o, "tradeId"));
    assert_true(strlen(trade2) > 0);
    assert_string_not_equal(trade1, trade2);
    json_decref(push);

    /* REST's fills show the same trade ids, newest first. */
    char target[128];
    snprintf(target, sizeof target, "/api/v5/trade/fills?ordId=%s", ord_id);
    json_t *fills = rest("GET", target, NULL);
    const json_t *data = json_object_get(fills, "data");
    assert_int_equal(json_array_size(data), 2);
    assert_string_equal(str(json_array_get(data, 0), "tradeId"), trade2);
    assert_string_equal(str(json_array_get(data, 1), "tradeId"), trade1);
    json_decref(fills);

    /* Another order, part filled then canceled. */
    place("life2", "29000", "0.01");
    o = next_order(&push);
    assert_string_equal(str(o, "state"), "live");
    json_decref(push);
    admin_fill("life2", "0.004", "29000");
    o = next_order(&push);
    assert_string_equal(str(o, "state"), "partially_filled");
    json_decref(push);
    json_decref(rest("POST", "/api/v5/trade/cancel-order",
                     "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"life2\"}"));
    o = next_order(&push);
    assert_string_equal(str(o, "clOrdId"), "life2");
    assert_string_equal(str(o, "state"), "canceled");
    assert_string_equal(str(o, "cancelSource"), "1");
    assert_string_equal(str(o, "accFillSz"), "0.004");
    assert_string_equal(str(o, "tradeId"), "");
    assert_string_equal(str(o, "fillSz"), "0");
    json_decref(push);

    /* An order on another instrument is not pushed to this
     * subscription: the next message is the ping's pong. */
    char body[256];
    snprintf(body, sizeof body,
             "{\"instId\":\"ETH-USDT\",\"tdMode\":\"cash\",\"side\":\"buy\","
             "\"ordType\":\"limit\",\"px\":\"1500\",\"sz\":\"0.01\"}");
    json_decref(rest("POST", "/api/v5/trade/order", body));
    char buf[256];
    assert_int_equal(xg_ws_client_send(the_ws, "ping"), XG_OK);
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf), XG_OK);
    assert_string_equal(buf, "pong");
}

static void
test_idle_connection_is_cut(void **state)
{
    (void)state;
    static const char *const idle[] = {"--set", "okx.stream_idle_ms=300", NULL};
    sim_start(idle);
    ws_open();
    int64_t t0 = xg_test_wall_ms();
    char buf[256];
    /* Talking keeps it open past the idle length... */
    for (int i = 0; i < 4; i++) {
        struct timespec ts = {0, 150 * 1000000L};
        nanosleep(&ts, NULL);
        assert_int_equal(xg_ws_client_send(the_ws, "ping"), XG_OK);
        assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                         XG_OK);
        assert_string_equal(buf, "pong");
    }
    assert_true(xg_test_wall_ms() - t0 >= 500);
    /* ...silence closes it. */
    t0 = xg_test_wall_ms();
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    int64_t waited = xg_test_wall_ms() - t0;
    assert_true(waited >= 250 && waited < 2000);

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "okx", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"idle_cut\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_login_ping_and_subscribe, teardown),
        cmocka_unit_test_teardown(test_login_refused_with_okx_codes, teardown),
        cmocka_unit_test_teardown(test_order_life_is_pushed, teardown),
        cmocka_unit_test_teardown(test_idle_connection_is_cut, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
