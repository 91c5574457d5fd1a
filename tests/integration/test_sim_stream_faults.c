/*
 * test_sim_stream_faults.c - the faults xgsim injects on its private
 * streams (POST /_sim/stream_fault), seen from the test's own WebSocket
 * client (tests/support/ws_client) with its own signing, never the
 * adapters'.
 *
 * On OKX (login, text ping, one orders push per change, each fill made
 * through the admin API so its accFillSz tells the pushes apart): a drop
 * cuts every open connection with no close frame and refuses the next
 * connections right after their 101; a stall answers neither text pings
 * nor ping frames and holds the pushes, which leave when it ends (or is
 * cleared), unless the client gave up first, and never holds up a
 * stopping simulator; a delay holds each push, in order, while answers
 * go on; a duplicate sends a push twice; a reorder swaps two adjacent
 * pushes (an IOC's fill before its live) and lets a lone one go after a
 * short wait. On Bybit, which has no lifetime
 * of its own, a lifetime fault cuts open and new connections. A
 * refuse_auth fault on every venue: the refusal each gives a wrong
 * signature (Binance -1022, OKX 60007 and the close, Bybit "Params
 * Error"; KuCoin's "token is invalid" and the close), once, then a good
 * login. Last, bad admin input: unknown keys, wrong types and values
 * out of range are 400 naming the field, and change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

#define OKX_PATH     "/ws/v5/private"
#define BINANCE_PATH "/ws-api/v3"
#define BYBIT_PATH   "/v5/private"

/* Clients one test holds at once, at most. */
#define CLIENTS 4

static xg_sim_proc the_sim;
static xg_ws_client *the_ws[CLIENTS];
static char the_log[1 << 20];

static int
teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < CLIENTS; i++) {
        xg_ws_client_destroy(&the_ws[i]);
    }
    /* A clean exit (status 0 on SIGTERM, within 5 s): no sanitizer
     * report, no stream fault holding the server up. */
    if (the_sim.pid != 0) {
        assert_int_equal(xg_sim_stop(&the_sim), XG_OK);
    }
    return 0;
}

static void
sim_start(const char *venue, const char *const *extra)
{
    memset(&the_sim, 0, sizeof the_sim);
    assert_int_equal(xg_sim_start_paused(&the_sim, venue, extra), XG_OK);
}

static xg_ws_client *
ws_open(const char *venue, const char *target)
{
    xg_ws_client *c = NULL;
    assert_int_equal(
        xg_ws_client_connect(xg_sim_port(&the_sim, venue), target, &c), XG_OK);
    return c;
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

/* The next message of c, within timeout_ms, as JSON (given). */
static json_t *
next_json_within(xg_ws_client *c, int timeout_ms)
{
    char buf[8192];
    assert_int_equal(xg_ws_client_recv(c, timeout_ms, buf, sizeof buf), XG_OK);
    json_t *j = json_loads(buf, 0, NULL);
    if (j == NULL) {
        fail_msg("not JSON: %s", buf);
    }
    return j;
}

static json_t *
next_json(xg_ws_client *c)
{
    return next_json_within(c, 3000);
}

/* Nothing comes on c for ms. */
static void
expect_silence(xg_ws_client *c, int ms)
{
    char buf[8192];
    xg_err e = xg_ws_client_recv(c, ms, buf, sizeof buf);
    if (e != XG_ERR_BUSY) {
        fail_msg("expected silence, got %d: %s", (int)e, e == XG_OK ? buf : "");
    }
}

/* The server ended c without a close frame: a network cut. */
static void
expect_cut(xg_ws_client *c)
{
    char buf[256];
    assert_int_equal(xg_ws_client_recv(c, 3000, buf, sizeof buf), XG_ERR_IO);
    assert_int_equal(xg_ws_client_close_code(c), 0);
}

/* The server closed c with a close frame of code. */
static void
expect_closed(xg_ws_client *c, int code)
{
    char buf[256];
    assert_int_equal(xg_ws_client_recv(c, 3000, buf, sizeof buf),
                     XG_ERR_VENUE_DOWN);
    assert_int_equal(xg_ws_client_close_code(c), code);
}

/* ---- the admin API ------------------------------------------------------ */

/* POST /_sim/stream_fault on venue with body: its HTTP status, and its
 * answer as JSON (given). */
static json_t *
stream_fault_status(const char *venue, const char *body, long *status)
{
    char out[4096];
    const char *hdrs[] = {"Content-Type: application/json", NULL};
    assert_int_equal(xg_sim_http(&the_sim, venue, "POST", "/_sim/stream_fault",
                                 hdrs, body, strlen(body), status, out,
                                 sizeof out, NULL, 0),
                     XG_OK);
    json_t *j = json_loads(out, 0, NULL);
    if (j == NULL) {
        fail_msg("not JSON: %s", out);
    }
    return j;
}

/* The same, which must be accepted: the plan as it then is (given). */
static json_t *
stream_fault(const char *venue, const char *body)
{
    long status = 0;
    json_t *j = stream_fault_status(venue, body, &status);
    if (status != 200) {
        fail_msg("%s: HTTP %ld %s", body, status, str(j, "error"));
    }
    return j;
}

static void
arm(const char *venue, const char *body)
{
    json_decref(stream_fault(venue, body));
}

/* The plan's count of one fault ("duplicate" -> duplicate.count). */
static json_int_t
plan_count(const json_t *plan, const char *fault)
{
    return num(json_object_get(plan, fault), "count");
}

/* Entries of venue's request log with that outcome. */
static int
log_count(const char *venue, const char *outcome)
{
    char want[64];
    int n = 0;
    assert_int_equal(
        xg_sim_log_fetch(&the_sim, venue, 0, the_log, sizeof the_log), XG_OK);
    snprintf(want, sizeof want, "\"outcome\":\"%s\"", outcome);
    for (const char *p = strstr(the_log, want); p != NULL;
         p = strstr(p + 1, want)) {
        n++;
    }
    return n;
}

/* Wait (3 s at most) until the log holds want entries of outcome: the
 * connections write theirs on their own threads. */
static void
wait_log_count(const char *venue, const char *outcome, int want)
{
    int64_t until = xg_test_wall_ms() + 3000;
    int n = log_count(venue, outcome);
    while (n < want && xg_test_wall_ms() < until) {
        xg_test_sleep_ms(20);
        n = log_count(venue, outcome);
    }
    assert_int_equal(n, want);
}

static void
admin_fill(const char *venue, const char *id, const char *qty, const char *px)
{
    char body[256], out[4096];
    snprintf(body, sizeof body,
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"%s\"}", id,
             qty, px);
    assert_int_equal(xg_sim_admin(&the_sim, venue, "POST", "/_sim/fill", body,
                                  out, sizeof out),
                     XG_OK);
}

/* ---- signing ------------------------------------------------------------ */

static void
b64_hmac(const char *secret, const char *msg, char out[64])
{
    unsigned char mac[32];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)msg,
         strlen(msg), mac, &len);
    EVP_EncodeBlock((unsigned char *)out, mac, (int)len);
}

static void
hex_hmac(const char *secret, const char *msg, char out[65])
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

/* ---- OKX ------------------------------------------------------------------
 */

static void
okx_login_send(xg_ws_client *c)
{
    char ts[24], pre[96], sign[64], msg[512];
    snprintf(ts, sizeof ts, "%lld", (long long)(xg_test_wall_ms() / 1000));
    snprintf(pre, sizeof pre, "%sGET/users/self/verify", ts);
    b64_hmac(SECRET, pre, sign);
    snprintf(msg, sizeof msg,
             "{\"op\":\"login\",\"args\":[{\"apiKey\":\"%s\",\"passphrase\":"
             "\"%s\",\"timestamp\":\"%s\",\"sign\":\"%s\"}]}",
             KEY, PASS, ts, sign);
    assert_int_equal(xg_ws_client_send(c, msg), XG_OK);
}

static void
okx_login_ok(xg_ws_client *c)
{
    okx_login_send(c);
    json_t *j = next_json(c);
    assert_string_equal(str(j, "event"), "login");
    assert_string_equal(str(j, "code"), "0");
    json_decref(j);
}

/* A connection logged in and subscribed to every SPOT order. */
static xg_ws_client *
okx_subscribed(void)
{
    xg_ws_client *c = ws_open("okx", OKX_PATH);
    okx_login_ok(c);
    assert_int_equal(
        xg_ws_client_send(c, "{\"op\":\"subscribe\",\"args\":[{\"channel\":"
                             "\"orders\",\"instType\":\"SPOT\"}]}"),
        XG_OK);
    json_t *j = next_json(c);
    assert_string_equal(str(j, "event"), "subscribe");
    json_decref(j);
    return c;
}

/* Text ping, text pong. */
static void
okx_ping_pong(xg_ws_client *c)
{
    char buf[256];
    assert_int_equal(xg_ws_client_send(c, "ping"), XG_OK);
    assert_int_equal(xg_ws_client_recv(c, 3000, buf, sizeof buf), XG_OK);
    assert_string_equal(buf, "pong");
}

/* A signed REST call (OKX's REST signing, done here): code "0". */
static void
okx_rest(const char *method, const char *target, const char *body)
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
    snprintf(pre, sizeof pre, "%s%s%s%s", ts, method, target, body);
    b64_hmac(SECRET, pre, sign);
    snprintf(h[0], sizeof h[0], "OK-ACCESS-KEY: %s", KEY);
    snprintf(h[1], sizeof h[1], "OK-ACCESS-SIGN: %s", sign);
    snprintf(h[2], sizeof h[2], "OK-ACCESS-TIMESTAMP: %s", ts);
    snprintf(h[3], sizeof h[3], "OK-ACCESS-PASSPHRASE: %s", PASS);
    const char *hdrs[] = {
        h[0], h[1], h[2], h[3], "Content-Type: application/json", NULL};
    assert_int_equal(xg_sim_http(&the_sim, "okx", method, target, hdrs, body,
                                 strlen(body), &status, out, sizeof out, NULL,
                                 0),
                     XG_OK);
    assert_int_equal(status, 200);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    if (strcmp(str(j, "code"), "0") != 0) {
        fail_msg("%s %s: %s", method, target, out);
    }
    json_decref(j);
}

/* A BTC-USDT buy of ordType type (limit, ioc). */
static void
okx_place(const char *id, const char *type, const char *px, const char *sz)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"buy\","
             "\"ordType\":\"%s\",\"px\":\"%s\",\"sz\":\"%s\","
             "\"clOrdId\":\"%s\"}",
             type, px, sz, id);
    okx_rest("POST", "/api/v5/trade/order", body);
}

/* The next message of c is an orders push of order id in state with
 * accFillSz filled. */
static void
okx_expect_push(xg_ws_client *c, const char *id, const char *state,
                const char *filled)
{
    json_t *push = next_json(c);
    const json_t *o = json_array_get(json_object_get(push, "data"), 0);
    if (o == NULL) {
        fail_msg("not a push: %s", json_dumps(push, JSON_COMPACT));
    }
    assert_string_equal(str(o, "clOrdId"), id);
    assert_string_equal(str(o, "state"), state);
    assert_string_equal(str(o, "accFillSz"), filled);
    json_decref(push);
}

/* ---- tests ----------------------------------------------------------------
 */

static void
test_drop_cuts_open_connections_and_refuses_the_next(void **state)
{
    (void)state;
    sim_start("okx", NULL);
    the_ws[0] = ws_open("okx", OKX_PATH);
    okx_login_ok(the_ws[0]);
    the_ws[1] = ws_open("okx", OKX_PATH);
    /* Its 101 is sent before its connection thread joins the venue's
     * streams: one round trip on it proves it has, so the drop finds it
     * open (under load it could otherwise count as a new connection). */
    okx_ping_pong(the_ws[1]);

    json_t *plan = stream_fault("okx", "{\"drop\":{\"count\":2}}");
    assert_int_equal(plan_count(plan, "drop"), 2);
    json_decref(plan);
    expect_cut(the_ws[0]);
    expect_cut(the_ws[1]);
    wait_log_count("okx", "dropped", 2);
    xg_ws_client_destroy(&the_ws[0]);
    xg_ws_client_destroy(&the_ws[1]);

    /* The next two get their 101, then the cut; the third works. */
    for (int i = 0; i < 2; i++) {
        the_ws[i] = ws_open("okx", OKX_PATH);
        expect_cut(the_ws[i]);
    }
    wait_log_count("okx", "refused", 2);
    the_ws[2] = ws_open("okx", OKX_PATH);
    okx_ping_pong(the_ws[2]);
    okx_login_ok(the_ws[2]);
    plan = stream_fault("okx", "{}");
    assert_int_equal(plan_count(plan, "drop"), 0);
    json_decref(plan);
    /* A drop without a count cuts only what is open. */
    arm("okx", "{\"drop\":{}}");
    expect_cut(the_ws[2]);
    the_ws[3] = ws_open("okx", OKX_PATH);
    okx_ping_pong(the_ws[3]);
    wait_log_count("okx", "dropped", 3);
    assert_int_equal(log_count("okx", "refused"), 2);
}

static void
test_stall_is_silent_then_sends_what_it_held(void **state)
{
    (void)state;
    sim_start("okx", NULL);
    xg_ws_client *c = the_ws[0] = okx_subscribed();
    okx_place("st1", "limit", "30000", "0.1");
    okx_expect_push(c, "st1", "live", "0");

    /* A text ping, a ping frame and a push, none answered or sent while
     * the stall lasts. */
    int64_t t0 = xg_test_wall_ms();
    json_t *plan = stream_fault("okx", "{\"stall\":{\"ms\":800}}");
    const json_t *stall = json_object_get(plan, "stall");
    assert_true(num(stall, "ms") > 700 && num(stall, "ms") <= 800);
    assert_false(json_is_true(json_object_get(stall, "until_cleared")));
    json_decref(plan);
    assert_int_equal(xg_ws_client_send(c, "ping"), XG_OK);
    assert_int_equal(xg_ws_client_ping(c), XG_OK);
    admin_fill("okx", "st1", "0.01", "30000");
    expect_silence(c, 300);
    assert_int_equal(xg_ws_client_pongs(c), 0);

    /* Then all of it, in the order it was made. */
    char buf[256];
    assert_int_equal(xg_ws_client_recv(c, 3000, buf, sizeof buf), XG_OK);
    assert_string_equal(buf, "pong");
    assert_true(xg_test_wall_ms() - t0 >= 700);
    okx_expect_push(c, "st1", "partially_filled", "0.01");
    assert_int_equal(xg_ws_client_pongs(c), 1);

    /* Until cleared: the push leaves when the stall is cleared. */
    plan = stream_fault("okx", "{\"stall\":{\"until_cleared\":true}}");
    assert_true(json_is_true(
        json_object_get(json_object_get(plan, "stall"), "until_cleared")));
    json_decref(plan);
    admin_fill("okx", "st1", "0.01", "30000");
    expect_silence(c, 300);
    int64_t t1 = xg_test_wall_ms();
    arm("okx", "{\"clear\":true}");
    okx_expect_push(c, "st1", "partially_filled", "0.02");
    assert_true(xg_test_wall_ms() - t1 < 1000);

    /* A client that gives up during a stall is seen at once: its
     * connection ends with what it held. */
    arm("okx", "{\"stall\":{\"until_cleared\":true}}");
    admin_fill("okx", "st1", "0.01", "30000");
    int closed = log_count("okx", "closed");
    xg_ws_client_destroy(&the_ws[0]);
    wait_log_count("okx", "closed", closed + 1);
    arm("okx", "{\"stall\":{\"ms\":0}}");
    c = the_ws[1] = ws_open("okx", OKX_PATH);
    okx_ping_pong(c);

    /* A stopping simulator is not held up by a stall: the stream gets
     * its 1001 and the process exits cleanly. */
    arm("okx", "{\"stall\":{\"until_cleared\":true}}");
    assert_int_equal(xg_sim_stop(&the_sim), XG_OK);
    expect_closed(c, 1001);
}

static void
test_delay_holds_every_push_in_order(void **state)
{
    (void)state;
    sim_start("okx", NULL);
    xg_ws_client *c = the_ws[0] = okx_subscribed();
    okx_place("dl1", "limit", "30000", "0.1");
    okx_expect_push(c, "dl1", "live", "0");

    int64_t t0 = xg_test_wall_ms();
    arm("okx", "{\"delay\":{\"ms\":400}}");
    admin_fill("okx", "dl1", "0.01", "30000");
    admin_fill("okx", "dl1", "0.01", "30000");
    /* An answer is not a push: it is not held. */
    okx_ping_pong(c);
    okx_expect_push(c, "dl1", "partially_filled", "0.01");
    assert_true(xg_test_wall_ms() - t0 >= 400);
    okx_expect_push(c, "dl1", "partially_filled", "0.02");

    /* Without the delay, pushes go at once again. */
    json_t *plan = stream_fault("okx", "{\"delay\":{\"ms\":0}}");
    assert_int_equal(num(json_object_get(plan, "delay"), "ms"), 0);
    json_decref(plan);
    admin_fill("okx", "dl1", "0.01", "30000");
    json_t *push = next_json_within(c, 300);
    json_decref(push);
}

static void
test_duplicate_sends_the_next_pushes_twice(void **state)
{
    (void)state;
    sim_start("okx", NULL);
    xg_ws_client *c = the_ws[0] = okx_subscribed();

    json_t *plan = stream_fault("okx", "{\"duplicate\":{\"count\":2}}");
    assert_int_equal(plan_count(plan, "duplicate"), 2);
    json_decref(plan);
    okx_place("dp1", "limit", "30000", "0.1");
    okx_expect_push(c, "dp1", "live", "0");
    okx_expect_push(c, "dp1", "live", "0");
    admin_fill("okx", "dp1", "0.01", "30000");
    okx_expect_push(c, "dp1", "partially_filled", "0.01");
    okx_expect_push(c, "dp1", "partially_filled", "0.01");
    /* Two used up: the next push comes once, and the pong follows it. */
    admin_fill("okx", "dp1", "0.01", "30000");
    okx_expect_push(c, "dp1", "partially_filled", "0.02");
    okx_ping_pong(c);
    assert_int_equal(log_count("okx", "duplicated"), 2);
    plan = stream_fault("okx", "{}");
    assert_int_equal(plan_count(plan, "duplicate"), 0);
    json_decref(plan);
}

static void
test_reorder_swaps_adjacent_pushes(void **state)
{
    (void)state;
    sim_start("okx", NULL);
    xg_ws_client *c = the_ws[0] = okx_subscribed();

    /* An IOC that takes the ask at once makes two pushes in one go,
     * live then filled: they come swapped. */
    arm("okx", "{\"reorder\":{\"count\":1}}");
    okx_place("ro1", "ioc", "35001", "0.01");
    okx_expect_push(c, "ro1", "filled", "0.01");
    okx_expect_push(c, "ro1", "live", "0");
    assert_int_equal(log_count("okx", "reordered"), 1);

    /* A push with no partner goes alone, soon. */
    arm("okx", "{\"reorder\":{\"count\":1}}");
    okx_place("ro2", "limit", "30000", "0.1");
    okx_expect_push(c, "ro2", "live", "0");
    assert_int_equal(log_count("okx", "reorder_alone"), 1);

    /* Used up: the next IOC's pushes come in order. */
    okx_place("ro3", "ioc", "35001", "0.01");
    okx_expect_push(c, "ro3", "live", "0");
    okx_expect_push(c, "ro3", "filled", "0.01");
    assert_int_equal(log_count("okx", "reordered"), 1);
}

static void
test_lifetime_cuts_open_and_new_connections(void **state)
{
    (void)state;
    /* Bybit has no lifetime of its own: the cut is the fault's. */
    sim_start("bybit", NULL);
    int64_t opened = xg_test_wall_ms();
    the_ws[0] = ws_open("bybit", BYBIT_PATH);
    json_t *plan = stream_fault("bybit", "{\"lifetime_ms\":400}");
    assert_int_equal(num(plan, "lifetime_ms"), 400);
    json_decref(plan);
    expect_closed(the_ws[0], 1000);
    assert_true(xg_test_wall_ms() - opened >= 400);

    opened = xg_test_wall_ms();
    the_ws[1] = ws_open("bybit", BYBIT_PATH);
    expect_closed(the_ws[1], 1000);
    assert_true(xg_test_wall_ms() - opened >= 400);
    assert_int_equal(log_count("bybit", "lifetime"), 2);

    /* 0 gives the venue its own (none) back. */
    arm("bybit", "{\"lifetime_ms\":0}");
    the_ws[2] = ws_open("bybit", BYBIT_PATH);
    expect_silence(the_ws[2], 700);
    assert_int_equal(xg_ws_client_send(the_ws[2], "{\"op\":\"ping\"}"), XG_OK);
    json_t *pong = next_json(the_ws[2]);
    assert_string_equal(str(pong, "op"), "pong");
    json_decref(pong);
}

/* ---- refuse_auth, venue by venue ------------------------------------------
 */

static void
binance_subscribe_send(xg_ws_client *c)
{
    char payload[256], sig[65], msg[1024];
    long long ts = (long long)xg_test_wall_ms();
    snprintf(payload, sizeof payload, "apiKey=%s&timestamp=%lld", KEY, ts);
    hex_hmac(SECRET, payload, sig);
    snprintf(msg, sizeof msg,
             "{\"id\":\"s1\",\"method\":\"userDataStream.subscribe."
             "signature\",\"params\":{\"apiKey\":\"%s\",\"timestamp\":%lld,"
             "\"signature\":\"%s\"}}",
             KEY, ts, sig);
    assert_int_equal(xg_ws_client_send(c, msg), XG_OK);
}

/* Binance: -1022 as for a wrong signature, the connection staying. */
static void
binance_auth_refused_once(void)
{
    xg_ws_client *c = the_ws[0] = ws_open("binance", BINANCE_PATH);
    json_t *plan = stream_fault("binance", "{\"refuse_auth\":{\"count\":1}}");
    assert_int_equal(plan_count(plan, "refuse_auth"), 1);
    json_decref(plan);

    binance_subscribe_send(c);
    json_t *j = next_json(c);
    assert_int_equal(num(j, "status"), 400);
    const json_t *err = json_object_get(j, "error");
    assert_int_equal(num(err, "code"), -1022);
    assert_string_equal(str(err, "msg"),
                        "Signature for this request is not valid.");
    json_decref(j);

    binance_subscribe_send(c);
    j = next_json(c);
    assert_int_equal(num(j, "status"), 200);
    assert_int_equal(num(json_object_get(j, "result"), "subscriptionId"), 0);
    json_decref(j);
    assert_int_equal(log_count("binance", "auth_fault"), 1);
}

/* OKX: 60007 "Invalid sign", then the close. */
static void
okx_auth_refused_once(void)
{
    xg_ws_client *c = the_ws[1] = ws_open("okx", OKX_PATH);
    arm("okx", "{\"refuse_auth\":{\"count\":1}}");
    okx_login_send(c);
    json_t *j = next_json(c);
    assert_string_equal(str(j, "event"), "error");
    assert_string_equal(str(j, "code"), "60007");
    assert_string_equal(str(j, "msg"), "Invalid sign");
    json_decref(j);
    expect_closed(c, 1000);

    c = the_ws[2] = ws_open("okx", OKX_PATH);
    okx_login_ok(c);
    assert_int_equal(log_count("okx", "auth_fault"), 1);
}

static void
bybit_auth_send(xg_ws_client *c)
{
    char expires[24], pre[64], sig[65], msg[512];
    snprintf(expires, sizeof expires, "%lld",
             (long long)(xg_test_wall_ms() + 10000));
    snprintf(pre, sizeof pre, "GET/realtime%s", expires);
    hex_hmac(SECRET, pre, sig);
    snprintf(msg, sizeof msg, "{\"op\":\"auth\",\"args\":[\"%s\",%s,\"%s\"]}",
             KEY, expires, sig);
    assert_int_equal(xg_ws_client_send(c, msg), XG_OK);
}

/* Bybit: success false, "Params Error", the connection staying. */
static void
bybit_auth_refused_once(void)
{
    xg_ws_client *c = the_ws[3] = ws_open("bybit", BYBIT_PATH);
    arm("bybit", "{\"refuse_auth\":{\"count\":1}}");
    bybit_auth_send(c);
    json_t *j = next_json(c);
    assert_string_equal(str(j, "op"), "auth");
    assert_false(json_is_true(json_object_get(j, "success")));
    assert_string_equal(str(j, "ret_msg"), "Params Error");
    json_decref(j);

    bybit_auth_send(c);
    j = next_json(c);
    assert_true(json_is_true(json_object_get(j, "success")));
    json_decref(j);
    assert_int_equal(log_count("bybit", "auth_fault"), 1);
}

/* A KuCoin bullet-private token (KuCoin's REST signing, done here). */
static void
kucoin_token(char *out, size_t cap)
{
    static const char target[] = "/api/v1/bullet-private";
    char ts[24], pre[256], sign[64], pp[64], h[4][160], body[8192];
    long status = 0;
    snprintf(ts, sizeof ts, "%lld", (long long)xg_test_wall_ms());
    snprintf(pre, sizeof pre, "%sPOST%s", ts, target);
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
    assert_int_equal(xg_sim_http(&the_sim, "kucoin", "POST", target, hdrs, NULL,
                                 0, &status, body, sizeof body, NULL, 0),
                     XG_OK);
    assert_int_equal(status, 200);
    json_t *j = json_loads(body, 0, NULL);
    assert_non_null(j);
    snprintf(out, cap, "%s", str(json_object_get(j, "data"), "token"));
    json_decref(j);
}

/* The connection target for token, percent-encoding what a query value
 * may not hold raw. */
static void
kucoin_target(const char *token, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "/?connectId=c1&token=");
    for (const char *p = token; *p != '\0' && n + 4 < cap; p++) {
        unsigned char ch = (unsigned char)*p;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.') {
            out[n++] = (char)ch;
        } else {
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", ch);
        }
    }
    out[n] = '\0';
}

/* KuCoin: a good token refused as an invalid one, then the close. */
static void
kucoin_auth_refused_once(void)
{
    char token[128], target[512];
    kucoin_token(token, sizeof token);
    kucoin_target(token, target, sizeof target);
    arm("kucoin", "{\"refuse_auth\":{\"count\":1}}");

    xg_ws_client *c = ws_open("kucoin", target);
    json_t *j = next_json(c);
    assert_string_equal(str(j, "type"), "error");
    assert_int_equal(num(j, "code"), 401);
    assert_string_equal(str(j, "data"), "token is invalid");
    assert_string_equal(str(j, "id"), "c1");
    json_decref(j);
    expect_closed(c, 1000);
    xg_ws_client_destroy(&c);

    /* The same token is good for the next connection. */
    c = ws_open("kucoin", target);
    j = next_json(c);
    assert_string_equal(str(j, "type"), "welcome");
    json_decref(j);
    xg_ws_client_destroy(&c);
    assert_int_equal(log_count("kucoin", "auth_fault"), 1);
}

static void
test_refuse_auth_as_each_venue_refuses_a_bad_signature(void **state)
{
    (void)state;
    static const char *const venues[] = {"--venue", "bybit=127.0.0.1:0",
                                         "--venue", "kucoin=127.0.0.1:0", NULL};
    sim_start("okx", venues);
    binance_auth_refused_once();
    okx_auth_refused_once();
    bybit_auth_refused_once();
    kucoin_auth_refused_once();
}

/* ---- bad admin input ------------------------------------------------------
 */

static void
test_bad_stream_fault_input_is_refused(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        const char *error;
    } bad[] = {
        {"{\"dupe\":{\"count\":1}}", "unknown key: dupe"},
        {"{\"stall\":{\"ms\":100,\"for\":1}}", "unknown key: stall.for"},
        {"{\"drop\":{\"cnt\":1}}", "unknown key: drop.cnt"},
        {"{\"reorder\":3}", "reorder: JSON object needed"},
        {"{\"delay\":{\"ms\":\"200\"}}", "delay.ms: integer 0..600000 needed"},
        {"{\"delay\":{\"ms\":600001}}", "delay.ms: integer 0..600000 needed"},
        {"{\"delay\":{}}", "delay.ms: integer 0..600000 needed"},
        {"{\"duplicate\":{\"count\":-1}}",
         "duplicate.count: integer 0..1000000 needed"},
        {"{\"refuse_auth\":{\"count\":1000001}}",
         "refuse_auth.count: integer 0..1000000 needed"},
        {"{\"drop\":{\"count\":1.5}}", "drop.count: integer 0..1000000 needed"},
        {"{\"lifetime_ms\":true}", "lifetime_ms: integer 0..86400000 needed"},
        {"{\"lifetime_ms\":86400001}",
         "lifetime_ms: integer 0..86400000 needed"},
        {"{\"clear\":\"yes\"}", "clear: boolean needed"},
        {"{\"stall\":{}}", "stall: one of ms and until_cleared needed"},
        {"{\"stall\":{\"ms\":1,\"until_cleared\":true}}",
         "stall: one of ms and until_cleared needed"},
        {"{\"stall\":{\"until_cleared\":false}}",
         "stall.until_cleared: true needed"},
        {"{\"stall\":{\"ms\":-1}}", "stall.ms: integer 0..600000 needed"},
        /* Refused as a whole: the clear before the bad part neither. */
        {"{\"clear\":true,\"reorder\":{\"count\":\"2\"}}",
         "reorder.count: integer 0..1000000 needed"},
        {"[]", "JSON object body expected"},
    };
    sim_start("okx", NULL);
    arm("okx", "{\"duplicate\":{\"count\":3}}");

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long status = 0;
        json_t *j = stream_fault_status("okx", bad[i].body, &status);
        if (status != 400 || strcmp(str(j, "error"), bad[i].error) != 0) {
            fail_msg("%s: HTTP %ld %s, wanted 400 %s", bad[i].body, status,
                     json_dumps(j, JSON_COMPACT), bad[i].error);
        }
        json_decref(j);
    }

    /* Nothing refused changed the plan. */
    json_t *plan = stream_fault("okx", "{}");
    assert_int_equal(plan_count(plan, "duplicate"), 3);
    assert_int_equal(plan_count(plan, "reorder"), 0);
    json_decref(plan);

    /* Every fault at once, answered as the plan; then cleared. */
    plan = stream_fault(
        "okx", "{\"drop\":{\"count\":2},\"stall\":{\"ms\":3000},\"delay\":"
               "{\"ms\":200},\"duplicate\":{\"count\":5},\"reorder\":"
               "{\"count\":3},\"refuse_auth\":{\"count\":1},\"lifetime_ms\":"
               "2000}");
    assert_int_equal(plan_count(plan, "drop"), 2);
    assert_true(num(json_object_get(plan, "stall"), "ms") > 2500);
    assert_int_equal(num(json_object_get(plan, "delay"), "ms"), 200);
    assert_int_equal(plan_count(plan, "duplicate"), 5);
    assert_int_equal(plan_count(plan, "reorder"), 3);
    assert_int_equal(plan_count(plan, "refuse_auth"), 1);
    assert_int_equal(num(plan, "lifetime_ms"), 2000);
    json_decref(plan);
    plan = stream_fault("okx", "{\"clear\":true}");
    assert_int_equal(plan_count(plan, "drop"), 0);
    assert_int_equal(num(json_object_get(plan, "stall"), "ms"), 0);
    assert_int_equal(num(json_object_get(plan, "delay"), "ms"), 0);
    assert_int_equal(plan_count(plan, "duplicate"), 0);
    assert_int_equal(plan_count(plan, "reorder"), 0);
    assert_int_equal(plan_count(plan, "refuse_auth"), 0);
    assert_int_equal(num(plan, "lifetime_ms"), 0);
    json_decref(plan);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_drop_cuts_open_connections_and_refuses_the_next, teardown),
        cmocka_unit_test_teardown(test_stall_is_silent_then_sends_what_it_held,
                                  teardown),
        cmocka_unit_test_teardown(test_delay_holds_every_push_in_order,
                                  teardown),
        cmocka_unit_test_teardown(test_duplicate_sends_the_next_pushes_twice,
                                  teardown),
        cmocka_unit_test_teardown(test_reorder_swaps_adjacent_pushes, teardown),
        cmocka_unit_test_teardown(test_lifetime_cuts_open_and_new_connections,
                                  teardown),
        cmocka_unit_test_teardown(
            test_refuse_auth_as_each_venue_refuses_a_bad_signature, teardown),
        cmocka_unit_test_teardown(test_bad_stream_fault_input_is_refused,
                                  teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
