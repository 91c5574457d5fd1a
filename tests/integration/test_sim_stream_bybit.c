/*
 * test_sim_stream_bybit.c - xgsim's Bybit private stream (/v5/private)
 * checked by an independent client: the test's own WebSocket client
 * (tests/support/ws_client) and its own OpenSSL HMAC code, never the
 * adapter's. Auth accepted with expires as a number and as a string,
 * refused ("Params Error") for a bad signature, an expires in the past
 * and an unknown key, the connection staying open after a refusal; the
 * JSON ping and its pong; subscribe before auth, an unknown topic and an
 * all-in-one topic mixed with a categorised one refused, the one ack of
 * a good request with req_id echoed; then, on a paused walk, one order's
 * life: placed over REST (New), filled in two parts through the admin
 * API (an execution message with the simulator's trade id, the one
 * /v5/execution/list shows, then the order at PartiallyFilled and
 * Filled), and a second order canceled after a partial fill
 * (PartiallyFilledCanceled); last, the idle cut of a silent connection,
 * set short with --set bybit.stream_idle_ms, and the request log's
 * entries for the stream.
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
#define PATH   "/v5/private"

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
    assert_int_equal(xg_sim_start_paused(&the_sim, "bybit", extra), XG_OK);
}

static void
ws_open(void)
{
    assert_int_equal(
        xg_ws_client_connect(xg_sim_port(&the_sim, "bybit"), PATH, &the_ws),
        XG_OK);
}

static void
hex_hmac(const char *secret, const char *msg, char out[65])
{
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg,
         strlen(msg), mac, &len);
    for (unsigned i = 0; i < len; i++) {
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    }
}

/* Send an auth for key whose expires is offset_ms from now, signed with
 * secret; expires as a JSON string when is_string, else a number. */
static void
auth_as(const char *key, const char *secret, int64_t offset_ms, int is_string)
{
    char expires[24], pre[64], sig[65], msg[512];
    snprintf(expires, sizeof expires, "%lld",
             (long long)(xg_test_wall_ms() + offset_ms));
    snprintf(pre, sizeof pre, "GET/realtime%s", expires);
    hex_hmac(secret, pre, sig);
    snprintf(msg, sizeof msg,
             "{\"op\":\"auth\",\"args\":[\"%s\",%s%s%s,\"%s\"]}", key,
             is_string ? "\"" : "", expires, is_string ? "\"" : "", sig);
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

/* The next message is an answer to op: success as want, ret_msg
 * containing msg. */
static void
expect_answer(const char *op, int want, const char *msg)
{
    json_t *j = next_json();
    assert_string_equal(str(j, "op"), op);
    assert_true(json_is_boolean(json_object_get(j, "success")));
    assert_int_equal(json_is_true(json_object_get(j, "success")), want);
    if (strstr(str(j, "ret_msg"), msg) == NULL) {
        fail_msg("ret_msg %s, wanted %s", str(j, "ret_msg"), msg);
    }
    assert_int_equal(strlen(str(j, "conn_id")), 8);
    json_decref(j);
}

static void
auth_ok(void)
{
    auth_as(KEY, SECRET, 10000, 0);
    expect_answer("auth", 1, "");
}

static void
send_text(const char *msg)
{
    assert_int_equal(xg_ws_client_send(the_ws, msg), XG_OK);
}

/* A ping with req_id id, and its pong. */
static void
ping_pong(const char *id)
{
    char msg[128];
    snprintf(msg, sizeof msg, "{\"req_id\":\"%s\",\"op\":\"ping\"}", id);
    send_text(msg);
    json_t *j = next_json();
    assert_string_equal(str(j, "op"), "pong");
    assert_string_equal(str(j, "req_id"), id);
    const char *t =
        json_string_value(json_array_get(json_object_get(j, "args"), 0));
    assert_non_null(t);
    assert_true(llabs(strtoll(t, NULL, 10) - xg_test_wall_ms()) < 5000);
    json_decref(j);
}

/* A signed REST call (Bybit's REST signing, done here): retCode 0. */
static json_t *
rest(const char *method, const char *path, const char *payload)
{
    char ts[32], pre[2048], sig[65], target[2048], out[16384];
    char h[3][160];
    long status = 0;
    int is_get = strcmp(method, "GET") == 0;

    snprintf(ts, sizeof ts, "%lld", (long long)xg_test_wall_ms());
    snprintf(pre, sizeof pre, "%s%s5000%s", ts, KEY, payload);
    hex_hmac(SECRET, pre, sig);
    snprintf(h[0], sizeof h[0], "X-BAPI-API-KEY: %s", KEY);
    snprintf(h[1], sizeof h[1], "X-BAPI-TIMESTAMP: %s", ts);
    snprintf(h[2], sizeof h[2], "X-BAPI-SIGN: %s", sig);
    const char *hdrs[] = {h[0],
                          h[1],
                          h[2],
                          "X-BAPI-RECV-WINDOW: 5000",
                          "Content-Type: application/json",
                          NULL};
    snprintf(target, sizeof target, "%s%s%s", path, is_get ? "?" : "",
             is_get ? payload : "");
    assert_int_equal(xg_sim_http(&the_sim, "bybit", method, target, hdrs,
                                 is_get ? NULL : payload,
                                 is_get ? 0 : strlen(payload), &status, out,
                                 sizeof out, NULL, 0),
                     XG_OK);
    assert_int_equal(status, 200);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    if (json_integer_value(json_object_get(j, "retCode")) != 0) {
        fail_msg("%s %s: %s", method, path, out);
    }
    return j;
}

static void
place(const char *symbol, const char *id, const char *px, const char *qty)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"category\":\"spot\",\"symbol\":\"%s\",\"side\":\"Buy\","
             "\"orderType\":\"Limit\",\"qty\":\"%s\",\"price\":\"%s\","
             "\"orderLinkId\":\"%s\"}",
             symbol, qty, px, id);
    json_decref(rest("POST", "/v5/order/create", body));
}

static void
admin_fill(const char *id, const char *qty, const char *px)
{
    char body[256], out[4096];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}", id,
             qty, px);
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "POST", "/_sim/fill", body,
                                  out, sizeof out),
                     XG_OK);
}

/* The next push: its topic is want and it holds one entry (borrowed from
 * *push, which is given). */
static const json_t *
next_push(const char *want, json_t **push)
{
    *push = next_json();
    assert_string_equal(str(*push, "topic"), want);
    assert_true(strlen(str(*push, "id")) > 0);
    assert_true(json_is_integer(json_object_get(*push, "creationTime")));
    const json_t *data = json_object_get(*push, "data");
    assert_int_equal(json_array_size(data), 1);
    const json_t *d = json_array_get(data, 0);
    assert_string_equal(str(d, "category"), "spot");
    return d;
}

/* The next push is the order message of order id in state status, with
 * cumExecQty filled. */
static void
expect_order(const char *id, const char *status, const char *filled)
{
    json_t *push = NULL;
    const json_t *o = next_push("order", &push);
    assert_string_equal(str(o, "orderLinkId"), id);
    assert_string_equal(str(o, "orderStatus"), status);
    assert_string_equal(str(o, "cumExecQty"), filled);
    assert_string_equal(str(o, "symbol"), "BTCUSDT");
    /* Spot orders carry neither (fact sheet 2.4; ccxt reads tpslMode as
     * a contract order). */
    assert_null(json_object_get(o, "tpslMode"));
    assert_null(json_object_get(o, "createType"));
    json_decref(push);
}

/* The next push is an execution of order id: qty at px, fee in BTC as
 * maker; its execId into exec_id. */
static void
expect_execution(const char *id, const char *order_id, const char *qty,
                 const char *px, const char *fee, const char *leaves,
                 char exec_id[32])
{
    json_t *push = NULL;
    const json_t *x = next_push("execution", &push);
    assert_string_equal(str(x, "orderLinkId"), id);
    assert_string_equal(str(x, "orderId"), order_id);
    assert_string_equal(str(x, "symbol"), "BTCUSDT");
    assert_string_equal(str(x, "side"), "Buy");
    assert_string_equal(str(x, "execType"), "Trade");
    assert_string_equal(str(x, "execQty"), qty);
    assert_string_equal(str(x, "execPrice"), px);
    assert_string_equal(str(x, "execFee"), fee);
    assert_string_equal(str(x, "feeCurrency"), "BTC");
    assert_string_equal(str(x, "leavesQty"), leaves);
    assert_true(json_is_true(json_object_get(x, "isMaker")));
    assert_true(llabs(strtoll(str(x, "execTime"), NULL, 10) -
                      xg_test_wall_ms()) < 5000);
    assert_true(json_is_integer(json_object_get(x, "seq")));
    snprintf(exec_id, 32, "%s", str(x, "execId"));
    assert_true(strlen(exec_id) > 0);
    json_decref(push);
}

/* ---- tests ---------------------------------------------------------------
 */

static void
test_auth_ping_and_subscribe(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();

    /* The private pong: op pong, the server's time, req_id echoed. */
    ping_pong("100001");

    /* Subscribing needs auth first. */
    send_text("{\"req_id\":\"s1\",\"op\":\"subscribe\",\"args\":[\"order\"]}");
    expect_answer("subscribe", 0, "needs auth first");

    auth_ok();
    /* Both topics in one request, one answer, req_id echoed. */
    send_text("{\"req_id\":\"s2\",\"op\":\"subscribe\",\"args\":[\"order\","
              "\"execution\"]}");
    json_t *j = next_json();
    assert_string_equal(str(j, "op"), "subscribe");
    assert_true(json_is_true(json_object_get(j, "success")));
    assert_string_equal(str(j, "req_id"), "s2");
    json_decref(j);

    /* The categorised topics alone are fine; mixed with an all-in-one
     * one they are not (fact sheet 2.3). */
    send_text("{\"op\":\"subscribe\",\"args\":[\"order.spot\","
              "\"execution.spot\"]}");
    expect_answer("subscribe", 1, "");
    send_text("{\"op\":\"subscribe\",\"args\":[\"order\",\"execution.spot\"]}");
    expect_answer("subscribe", 0, "all-in-one");
    /* A topic the stream does not serve. */
    send_text("{\"op\":\"subscribe\",\"args\":[\"wallet\"]}");
    expect_answer("subscribe", 0, "wallet");
    /* An integer req_id comes back as one. */
    send_text("{\"req_id\":7,\"op\":\"unsubscribe\",\"args\":[\"order.spot\","
              "\"execution.spot\"]}");
    j = next_json();
    assert_string_equal(str(j, "op"), "unsubscribe");
    assert_true(json_is_true(json_object_get(j, "success")));
    assert_int_equal(json_integer_value(json_object_get(j, "req_id")), 7);
    json_decref(j);

    /* Not JSON at all, and an unknown op: refused, the connection
     * stays. */
    send_text("{oops");
    expect_answer("", 0, "Params Error");
    send_text("{\"op\":\"hello\"}");
    expect_answer("hello", 0, "invalid op");
    ping_pong("100002");
}

/* A refused auth: success false with Bybit's message; the connection
 * stays open (a ping is still answered). */
static void
auth_refused(const char *key, const char *secret, int64_t offset_ms)
{
    auth_as(key, secret, offset_ms, 1);
    expect_answer("auth", 0, "Params Error");
    ping_pong("after-refusal");
}

static void
test_auth_refused_and_accepted(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();
    auth_refused(KEY, "wrong-secret", 10000);
    auth_refused(KEY, SECRET, -1000);
    auth_refused("no-such-key", SECRET, 10000);
    /* A malformed auth: two args. */
    send_text("{\"op\":\"auth\",\"args\":[\"" KEY "\",\"1\"]}");
    expect_answer("auth", 0, "Params Error");
    /* Still refused: subscribing. */
    send_text("{\"op\":\"subscribe\",\"args\":[\"order\"]}");
    expect_answer("subscribe", 0, "needs auth first");
    /* expires as a string, as ccxt sends it, on the same connection. */
    auth_as(KEY, SECRET, 10000, 1);
    expect_answer("auth", 1, "");
    send_text("{\"op\":\"subscribe\",\"args\":[\"order\"]}");
    expect_answer("subscribe", 1, "");

    /* The log shows each refusal with the REST code of its cause. */
    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "bybit", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"upgraded\""));
    assert_non_null(strstr(log, "\"outcome\":\"login_fail\""));
    assert_non_null(strstr(log, "\"code\":10004"));
    assert_non_null(strstr(log, "\"code\":10002"));
    assert_non_null(strstr(log, "\"code\":10003"));
    assert_non_null(strstr(log, "\"code\":10001"));
    assert_non_null(strstr(log, "\"outcome\":\"login\""));
    assert_non_null(strstr(log, "\"outcome\":\"subscribed\""));
}

static void
test_order_life_is_pushed(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();
    auth_ok();
    send_text("{\"op\":\"subscribe\",\"args\":[\"order\",\"execution\"]}");
    expect_answer("subscribe", 1, "");

    /* Resting: New, nothing filled. */
    place("BTCUSDT", "life1", "30000", "0.02");
    json_t *push = NULL;
    const json_t *o = next_push("order", &push);
    assert_string_equal(str(o, "orderLinkId"), "life1");
    assert_string_equal(str(o, "orderStatus"), "New");
    assert_string_equal(str(o, "price"), "30000");
    assert_string_equal(str(o, "qty"), "0.02");
    assert_string_equal(str(o, "side"), "Buy");
    assert_string_equal(str(o, "orderType"), "Limit");
    assert_string_equal(str(o, "timeInForce"), "GTC");
    assert_string_equal(str(o, "cumExecQty"), "0");
    assert_string_equal(str(o, "leavesQty"), "0.02");
    assert_string_equal(str(o, "avgPrice"), "");
    assert_int_equal(json_object_size(json_object_get(o, "cumFeeDetail")), 0);
    assert_true(strlen(str(o, "createdTime")) >= 13);
    char order_id[32];
    snprintf(order_id, sizeof order_id, "%s", str(o, "orderId"));
    json_decref(push);

    /* Part filled as maker: the execution, then the order. Fee 0.1% of
     * the 0.005 BTC received. */
    char exec1[32], exec2[32];
    admin_fill("life1", "0.005", "30000");
    expect_execution("life1", order_id, "0.005", "30000", "0.000005", "0.015",
                     exec1);
    o = next_push("order", &push);
    assert_string_equal(str(o, "orderId"), order_id);
    assert_string_equal(str(o, "orderStatus"), "PartiallyFilled");
    assert_string_equal(str(o, "cumExecQty"), "0.005");
    assert_string_equal(str(o, "cumExecValue"), "150");
    assert_string_equal(str(o, "avgPrice"), "30000");
    assert_string_equal(str(o, "leavesQty"), "0.015");
    assert_string_equal(str(json_object_get(o, "cumFeeDetail"), "BTC"),
                        "0.000005");
    json_decref(push);

    /* The rest: a second trade, Filled. */
    admin_fill("life1", "0.015", "30000");
    expect_execution("life1", order_id, "0.015", "30000", "0.000015", "0",
                     exec2);
    assert_string_not_equal(exec1, exec2);
    o = next_push("order", &push);
    assert_string_equal(str(o, "orderStatus"), "Filled");
    assert_string_equal(str(o, "cumExecQty"), "0.02");
    assert_string_equal(str(o, "leavesQty"), "0");
    assert_string_equal(str(json_object_get(o, "cumFeeDetail"), "BTC"),
                        "0.00002");
    json_decref(push);

    /* REST's executions show the same ids, newest first. */
    char query[128];
    snprintf(query, sizeof query, "category=spot&orderId=%s", order_id);
    json_t *list = rest("GET", "/v5/execution/list", query);
    const json_t *rows =
        json_object_get(json_object_get(list, "result"), "list");
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(str(json_array_get(rows, 0), "execId"), exec2);
    assert_string_equal(str(json_array_get(rows, 1), "execId"), exec1);
    json_decref(list);

    /* Another order, part filled then canceled. */
    char exec3[32];
    place("BTCUSDT", "life2", "29000", "0.01");
    expect_order("life2", "New", "0");
    admin_fill("life2", "0.004", "29000");
    json_t *j = next_json(); /* its execution, checked above for life1 */
    assert_string_equal(str(j, "topic"), "execution");
    snprintf(exec3, sizeof exec3, "%s",
             str(json_array_get(json_object_get(j, "data"), 0), "execId"));
    assert_string_not_equal(exec3, exec2);
    json_decref(j);
    expect_order("life2", "PartiallyFilled", "0.004");
    json_decref(rest("POST", "/v5/order/cancel",
                     "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
                     "\"orderLinkId\":\"life2\"}"));
    o = next_push("order", &push);
    assert_string_equal(str(o, "orderLinkId"), "life2");
    assert_string_equal(str(o, "orderStatus"), "PartiallyFilledCanceled");
    assert_string_equal(str(o, "cancelType"), "CancelByUser");
    assert_string_equal(str(o, "cumExecQty"), "0.004");
    assert_string_equal(str(o, "leavesQty"), "0");
    json_decref(push);

    /* Without the order topic, a change that is no fill pushes nothing:
     * the next message is the ping's pong. */
    send_text("{\"op\":\"unsubscribe\",\"args\":[\"order\"]}");
    expect_answer("unsubscribe", 1, "");
    place("ETHUSDT", "life3", "1500", "0.01");
    ping_pong("quiet");
}

static void
test_idle_connection_is_cut(void **state)
{
    (void)state;
    static const char *const idle[] = {"--set", "bybit.stream_idle_ms=300",
                                       NULL};
    sim_start(idle);
    ws_open();
    int64_t t0 = xg_test_wall_ms();
    /* Pinging keeps it open past the idle length... */
    for (int i = 0; i < 4; i++) {
        struct timespec ts = {0, 150 * 1000000L};
        nanosleep(&ts, NULL);
        ping_pong("keep");
    }
    assert_true(xg_test_wall_ms() - t0 >= 500);
    /* ...silence closes it. */
    char buf[256];
    t0 = xg_test_wall_ms();
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    int64_t waited = xg_test_wall_ms() - t0;
    assert_true(waited >= 250 && waited < 2000);
    assert_int_equal(xg_ws_client_close_code(the_ws), 1000);

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "bybit", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"idle_cut\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_auth_ping_and_subscribe, teardown),
        cmocka_unit_test_teardown(test_auth_refused_and_accepted, teardown),
        cmocka_unit_test_teardown(test_order_life_is_pushed, teardown),
        cmocka_unit_test_teardown(test_idle_connection_is_cut, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
