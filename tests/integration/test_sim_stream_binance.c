/*
 * test_sim_stream_binance.c - xgsim's Binance user data stream (the
 * WebSocket API at /ws-api/v3) checked by an independent client: the
 * test's own WebSocket client (tests/support/ws_client) and its own
 * OpenSSL HMAC code, never the adapter's.
 *
 * userDataStream.subscribe.signature answered with the id echoed as sent
 * (string or number) and an integer subscriptionId, refused with
 * Binance's status and code (-1022 signature, -2015 key, -1021 timestamp,
 * -1135 not JSON, -1020 a method not served) while the connection stays;
 * recvWindow signed with the rest; session.subscriptions, unsubscribe and
 * its eventStreamTerminated; the server's ping frames, its pong to the
 * client's, and the close of a client that stops answering (shortened
 * binance.stream_ping_ms / stream_pong_ms); the lifetime cut
 * (binance.stream_life_ms). Then, on a paused walk, one order's life as
 * executionReports: NEW over REST, a partial and a full maker fill
 * through the admin API (TRADE with l, L, n, N, m and the trade ids
 * REST's myTrades shows), an amend (REPLACED), a cancel (C the order's
 * id, c the cancel's, as REST's cancel answer), an IOC remainder
 * (EXPIRED); every base field with its JSON type.
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
#define PATH   "/ws-api/v3?returnRateLimits=false"

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
    assert_int_equal(xg_sim_start_paused(&the_sim, "binance", extra), XG_OK);
}

static void
ws_open(void)
{
    assert_int_equal(
        xg_ws_client_connect(xg_sim_port(&the_sim, "binance"), PATH, &the_ws),
        XG_OK);
}

static void
sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void
hmac_hex(const char *secret, const char *msg, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg,
         strlen(msg), mac, &len);
    for (unsigned int i = 0; i < 32; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[64] = '\0';
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

static json_int_t
num(const json_t *j, const char *key)
{
    const json_t *v = json_object_get(j, key);
    if (!json_is_integer(v)) {
        fail_msg("no integer %s", key);
    }
    return json_integer_value(v);
}

/*
 * userDataStream.subscribe.signature with id (JSON text: "\"1\"" or
 * "7"), key, a timestamp off by offset_ms, recvWindow (0: none), signed
 * with secret over the parameters sorted by name, as ccxt signs it.
 */
static void
subscribe(const char *id, const char *key, const char *secret,
          int64_t offset_ms, int recv_window)
{
    char payload[512], sig[65], rw[32] = "", rw_param[32] = "", msg[1024];
    long long ts = (long long)(xg_test_wall_ms() + offset_ms);
    if (recv_window > 0) {
        snprintf(rw, sizeof rw, "&recvWindow=%d", recv_window);
        snprintf(rw_param, sizeof rw_param, ",\"recvWindow\":%d", recv_window);
    }
    snprintf(payload, sizeof payload, "apiKey=%s%s&timestamp=%lld", key, rw,
             ts);
    hmac_hex(secret, payload, sig);
    snprintf(msg, sizeof msg,
             "{\"id\":%s,\"method\":\"userDataStream.subscribe.signature\","
             "\"params\":{\"apiKey\":\"%s\",\"timestamp\":%lld%s,"
             "\"signature\":\"%s\"}}",
             id, key, ts, rw_param, sig);
    assert_int_equal(xg_ws_client_send(the_ws, msg), XG_OK);
}

/* The next answer must be an error with status and code; its id is
 * returned (given). */
static json_t *
expect_error(int status, int code)
{
    json_t *j = next_json();
    assert_int_equal(num(j, "status"), status);
    const json_t *err = json_object_get(j, "error");
    assert_int_equal(num(err, "code"), code);
    assert_true(strlen(str(err, "msg")) > 0);
    assert_null(json_object_get(j, "result"));
    return j;
}

static void
subscribe_ok(json_int_t want_sub)
{
    subscribe("\"1\"", KEY, SECRET, 0, 0);
    json_t *j = next_json();
    assert_string_equal(str(j, "id"), "1");
    assert_int_equal(num(j, "status"), 200);
    assert_int_equal(num(json_object_get(j, "result"), "subscriptionId"),
                     want_sub);
    json_decref(j);
}

/* ---- REST (Binance's signing, done here) ------------------------------- */

static json_t *
rest(const char *method, const char *path, const char *params)
{
    char payload[1024], sig[65], target[2048], hdr[128], out[16384];
    long status = 0;
    snprintf(payload, sizeof payload, "%s&timestamp=%lld", params,
             (long long)xg_test_wall_ms());
    hmac_hex(SECRET, payload, sig);
    snprintf(target, sizeof target, "%s?%s&signature=%s", path, payload, sig);
    snprintf(hdr, sizeof hdr, "X-MBX-APIKEY: %s", KEY);
    const char *hdrs[] = {hdr, NULL};
    assert_int_equal(xg_sim_http(&the_sim, "binance", method, target, hdrs,
                                 NULL, 0, &status, out, sizeof out, NULL, 0),
                     XG_OK);
    if (status != 200) {
        fail_msg("%s %s: HTTP %ld %s", method, path, status, out);
    }
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    return j;
}

static json_int_t
place(const char *id, const char *tif, const char *px, const char *qty)
{
    char params[256];
    snprintf(params, sizeof params,
             "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=%s&quantity=%s&"
             "price=%s&newClientOrderId=%s",
             tif, qty, px, id);
    json_t *j = rest("POST", "/api/v3/order", params);
    json_int_t order_id = num(j, "orderId");
    json_decref(j);
    return order_id;
}

static void
admin_fill(const char *id, const char *qty, const char *px)
{
    char body[256], out[4096];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}", id,
             qty, px);
    assert_int_equal(xg_sim_admin(&the_sim, "binance", "POST", "/_sim/fill",
                                  body, out, sizeof out),
                     XG_OK);
}

/* The next push's executionReport (borrowed from *push, which is given):
 * subscription 0, every base field of the fact sheet with its type. */
static const json_t *
next_report(json_t **push)
{
    static const char *const strings[] = {
        "e", "s", "c", "S", "o", "f", "q", "p", "P", "F", "C",
        "x", "X", "r", "l", "z", "L", "n", "Z", "Y", "Q", "V"};
    static const char *const ints[] = {"E", "g", "i", "T", "t", "I", "O"};
    static const char *const bools[] = {"w", "m", "M"};

    *push = next_json();
    assert_int_equal(num(*push, "subscriptionId"), 0);
    const json_t *ev = json_object_get(*push, "event");
    assert_string_equal(str(ev, "e"), "executionReport");
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        (void)str(ev, strings[i]);
    }
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        (void)num(ev, ints[i]);
    }
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        assert_true(json_is_boolean(json_object_get(ev, bools[i])));
    }
    assert_int_equal(num(ev, "g"), -1);
    assert_string_equal(str(ev, "s"), "BTCUSDT");
    /* N: the commission asset of a fill, null otherwise. */
    assert_non_null(json_object_get(ev, "N"));
    return ev;
}

/* ---- tests ----------------------------------------------------------------
 */

static void
test_subscribe_answers_and_refusals(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();

    /* Not JSON: an error for a request with no id; the connection
     * stays. */
    assert_int_equal(xg_ws_client_send(the_ws, "{oops"), XG_OK);
    json_t *j = expect_error(400, -1135);
    assert_true(json_is_null(json_object_get(j, "id")));
    json_decref(j);

    /* A method the simulator does not serve; a numeric id comes back as
     * a number. */
    assert_int_equal(xg_ws_client_send(the_ws,
                                       "{\"id\":5,\"method\":\"order.place\","
                                       "\"params\":{}}"),
                     XG_OK);
    j = expect_error(400, -1020);
    assert_int_equal(num(j, "id"), 5);
    json_decref(j);

    /* Refusals, each answering its own id. */
    subscribe("\"bad-sig\"", KEY, "wrong-secret", 0, 0);
    j = expect_error(400, -1022);
    assert_string_equal(str(j, "id"), "bad-sig");
    json_decref(j);
    subscribe("\"bad-key\"", "no-such-key", SECRET, 0, 0);
    json_decref(expect_error(401, -2015));
    subscribe("\"old\"", KEY, SECRET, -10000, 0);
    json_decref(expect_error(400, -1021));
    subscribe("\"ahead\"", KEY, SECRET, 2000, 0);
    json_decref(expect_error(400, -1021));
    assert_int_equal(
        xg_ws_client_send(the_ws,
                          "{\"id\":\"no-ts\",\"method\":"
                          "\"userDataStream.subscribe.signature\",\"params\":{"
                          "\"apiKey\":\"" KEY "\",\"signature\":\"00\"}}"),
        XG_OK);
    json_decref(expect_error(400, -1102));

    /* recvWindow is signed with the rest and widens the window: 10 s
     * old passes with a 15 s window. */
    subscribe("7", KEY, SECRET, -10000, 15000);
    j = next_json();
    assert_int_equal(num(j, "id"), 7);
    assert_int_equal(num(j, "status"), 200);
    assert_int_equal(num(json_object_get(j, "result"), "subscriptionId"), 0);
    json_decref(j);

    /* One subscription for the account on this connection. */
    subscribe("\"again\"", KEY, SECRET, 0, 0);
    json_decref(expect_error(400, -1020));
    assert_int_equal(xg_ws_client_send(the_ws, "{\"id\":\"s\",\"method\":"
                                               "\"session.subscriptions\"}"),
                     XG_OK);
    j = next_json();
    const json_t *list = json_object_get(j, "result");
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(num(json_array_get(list, 0), "subscriptionId"), 0);
    json_decref(j);

    /* Unsubscribe: the answer, then eventStreamTerminated; a new
     * subscription gets the next id. */
    assert_int_equal(xg_ws_client_send(the_ws, "{\"id\":\"u\",\"method\":"
                                               "\"userDataStream.unsubscribe\","
                                               "\"params\":{}}"),
                     XG_OK);
    j = next_json();
    assert_string_equal(str(j, "id"), "u");
    assert_int_equal(num(j, "status"), 200);
    assert_true(json_is_object(json_object_get(j, "result")));
    json_decref(j);
    j = next_json();
    assert_int_equal(num(j, "subscriptionId"), 0);
    assert_string_equal(str(json_object_get(j, "event"), "e"),
                        "eventStreamTerminated");
    json_decref(j);
    subscribe_ok(1);

    /* The log shows the refusals with their codes. */
    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "binance", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"path\":\"/ws-api/v3\""));
    assert_non_null(strstr(log, "\"outcome\":\"upgraded\""));
    assert_non_null(strstr(log, "\"code\":-1022"));
    assert_non_null(strstr(log, "\"code\":-2015"));
    assert_non_null(strstr(log, "\"code\":-1021"));
    assert_non_null(strstr(log, "\"outcome\":\"subscribed\""));
    assert_non_null(strstr(log, "\"outcome\":\"unsubscribed\""));
}

static void
test_ping_frames_and_pong_deadline(void **state)
{
    (void)state;
    static const char *const clocks[] = {"--set", "binance.stream_ping_ms=150",
                                         "--set", "binance.stream_pong_ms=500",
                                         NULL};
    sim_start(clocks);
    ws_open();
    char buf[256];

    /* The client's ping frame is answered with a pong frame. */
    assert_int_equal(xg_ws_client_ping(the_ws), XG_OK);
    assert_int_equal(xg_ws_client_recv(the_ws, 300, buf, sizeof buf),
                     XG_ERR_BUSY);
    assert_int_equal(xg_ws_client_pongs(the_ws), 1);

    /* A client that reads (and so answers each ping) stays, well past
     * the pong deadline, and sees a ping every 150 ms. */
    int64_t t0 = xg_test_wall_ms();
    while (xg_test_wall_ms() - t0 < 1200) {
        assert_int_equal(xg_ws_client_recv(the_ws, 50, buf, sizeof buf),
                         XG_ERR_BUSY);
    }
    assert_true(xg_ws_client_pings(the_ws) >= 5);
    assert_true(xg_ws_client_pings(the_ws) <= 10);

    /* One that stops answering is closed. */
    sleep_ms(1500);
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    assert_int_equal(xg_ws_client_close_code(the_ws), 1000);

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "binance", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"pong_late\""));
}

static void
test_connection_lifetime_is_cut(void **state)
{
    (void)state;
    static const char *const life[] = {"--set", "binance.stream_life_ms=400",
                                       NULL};
    sim_start(life);
    ws_open();
    int64_t t0 = xg_test_wall_ms();
    subscribe_ok(0);
    char buf[256];
    assert_int_equal(xg_ws_client_recv(the_ws, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    int64_t waited = xg_test_wall_ms() - t0;
    assert_true(waited >= 350 && waited < 2000);
    assert_int_equal(xg_ws_client_close_code(the_ws), 1000);

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "binance", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"lifetime\""));
}

static void
test_order_life_is_pushed(void **state)
{
    (void)state;
    sim_start(NULL);
    ws_open();
    subscribe_ok(0);

    /* Resting: NEW, nothing filled, no fill fields. */
    json_int_t order_id = place("life1", "GTC", "30000", "0.02");
    json_t *push = NULL;
    const json_t *ev = next_report(&push);
    assert_int_equal(num(ev, "i"), order_id);
    assert_string_equal(str(ev, "c"), "life1");
    assert_string_equal(str(ev, "C"), "");
    assert_string_equal(str(ev, "x"), "NEW");
    assert_string_equal(str(ev, "X"), "NEW");
    assert_string_equal(str(ev, "S"), "BUY");
    assert_string_equal(str(ev, "o"), "LIMIT");
    assert_string_equal(str(ev, "f"), "GTC");
    assert_string_equal(str(ev, "q"), "0.02000000");
    assert_string_equal(str(ev, "p"), "30000.00000000");
    assert_string_equal(str(ev, "z"), "0.00000000");
    assert_string_equal(str(ev, "l"), "0.00000000");
    assert_string_equal(str(ev, "n"), "0");
    assert_true(json_is_null(json_object_get(ev, "N")));
    assert_int_equal(num(ev, "t"), -1);
    assert_true(json_is_true(json_object_get(ev, "w")));
    assert_true(json_is_false(json_object_get(ev, "m")));
    (void)num(ev, "W");
    json_int_t exec1 = num(ev, "I");
    json_decref(push);

    /* Part filled, as maker: TRADE with this fill. */
    admin_fill("life1", "0.005", "30000");
    ev = next_report(&push);
    assert_string_equal(str(ev, "x"), "TRADE");
    assert_string_equal(str(ev, "X"), "PARTIALLY_FILLED");
    assert_string_equal(str(ev, "l"), "0.00500000");
    assert_string_equal(str(ev, "L"), "30000.00000000");
    assert_string_equal(str(ev, "Y"), "150.00000000");
    assert_string_equal(str(ev, "z"), "0.00500000");
    assert_string_equal(str(ev, "Z"), "150.00000000");
    /* Maker 0.1% of the 0.005 BTC received. */
    assert_string_equal(str(ev, "n"), "0.00000500");
    assert_string_equal(str(ev, "N"), "BTC");
    assert_true(json_is_true(json_object_get(ev, "m")));
    assert_true(json_is_true(json_object_get(ev, "w")));
    json_int_t trade1 = num(ev, "t");
    assert_true(trade1 > 0);
    assert_true(num(ev, "I") > exec1);
    json_decref(push);

    /* The rest: FILLED, a second trade, off the book. */
    admin_fill("life1", "0.015", "30000");
    ev = next_report(&push);
    assert_string_equal(str(ev, "x"), "TRADE");
    assert_string_equal(str(ev, "X"), "FILLED");
    assert_string_equal(str(ev, "l"), "0.01500000");
    assert_string_equal(str(ev, "z"), "0.02000000");
    assert_string_equal(str(ev, "n"), "0.00001500");
    assert_true(json_is_false(json_object_get(ev, "w")));
    json_int_t trade2 = num(ev, "t");
    assert_true(trade2 > trade1);
    json_decref(push);

    /* REST's myTrades shows the same trade ids. */
    char params[128];
    snprintf(params, sizeof params, "symbol=BTCUSDT&orderId=%lld",
             (long long)order_id);
    json_t *trades = rest("GET", "/api/v3/myTrades", params);
    assert_int_equal(json_array_size(trades), 2);
    assert_int_equal(num(json_array_get(trades, 0), "id"), trade1);
    assert_int_equal(num(json_array_get(trades, 1), "id"), trade2);
    json_decref(trades);

    /* Another order: amended down (REPLACED), then canceled: C is the
     * order's id, c the cancel's, as REST's cancel answer gives it. */
    place("life2", "GTC", "29000", "0.01");
    ev = next_report(&push);
    assert_string_equal(str(ev, "x"), "NEW");
    json_decref(push);
    json_decref(rest("PUT", "/api/v3/order/amend/keepPriority",
                     "symbol=BTCUSDT&origClientOrderId=life2&newQty=0.008"));
    ev = next_report(&push);
    assert_string_equal(str(ev, "x"), "REPLACED");
    assert_string_equal(str(ev, "X"), "NEW");
    assert_string_equal(str(ev, "q"), "0.00800000");
    json_decref(push);
    json_t *cancel = rest("DELETE", "/api/v3/order",
                          "symbol=BTCUSDT&origClientOrderId=life2");
    ev = next_report(&push);
    assert_string_equal(str(ev, "x"), "CANCELED");
    assert_string_equal(str(ev, "X"), "CANCELED");
    assert_string_equal(str(ev, "C"), "life2");
    assert_string_equal(str(ev, "c"), str(cancel, "clientOrderId"));
    assert_string_equal(str(ev, "n"), "0");
    assert_int_equal(num(ev, "t"), -1);
    assert_true(json_is_false(json_object_get(ev, "w")));
    assert_null(json_object_get(ev, "W"));
    json_decref(push);
    json_decref(cancel);

    /* An IOC buy below the book: NEW, then EXPIRED (not CANCELED). */
    place("ioc1", "IOC", "30000", "0.01");
    ev = next_report(&push);
    assert_string_equal(str(ev, "x"), "NEW");
    assert_string_equal(str(ev, "f"), "IOC");
    json_decref(push);
    ev = next_report(&push);
    assert_string_equal(str(ev, "c"), "ioc1");
    assert_string_equal(str(ev, "C"), "");
    assert_string_equal(str(ev, "x"), "EXPIRED");
    assert_string_equal(str(ev, "X"), "EXPIRED");
    assert_string_equal(str(ev, "eR"), "UNFILLED_IOC_QUANTITY_EXPIRED");
    json_decref(push);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_subscribe_answers_and_refusals,
                                  teardown),
        cmocka_unit_test_teardown(test_ping_frames_and_pong_deadline, teardown),
        cmocka_unit_test_teardown(test_connection_lifetime_is_cut, teardown),
        cmocka_unit_test_teardown(test_order_life_is_pushed, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
