/*
 * test_sim_kucoin.c - xgsim's KuCoin dialect, checked from outside.
 *
 * Each test starts its own xgsim and talks to it over loopback HTTP with
 * its own signing (OpenSSL HMAC-SHA256 + base64, not the adapter's code),
 * so the simulator and the adapter cannot share a misreading of the fact
 * sheet unnoticed. The pool tests use a pool of 10 weight per 1.5 s and
 * check that the window starts at the first request, not on the clock.
 * The market-data and history tests pause the walk (kucoin.walk=0), so
 * the book is the default one around 35000: best bid 34999.9, best ask
 * 35000.1, ten levels a side one tick apart, each 28.57142 BTC
 * (1,000,000 USDT at the reference, rounded down to the lot).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sim_launch.h"

#define KEY    "xgsim-test-key"
#define SECRET "xgsim-test-secret"
#define PASS   "xgsim-test-pass"

typedef struct reply {
    long status;
    char body[65536];
    char hdrs[8192];
} reply;

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    if (ms > 0) {
        nanosleep(&ts, NULL);
    }
}

static void
hmac_b64(const char *secret, const char *msg, size_t len, char out[64])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    assert_non_null(HMAC(EVP_sha256(), secret, (int)strlen(secret),
                         (const unsigned char *)msg, len, mac, &n));
    assert_true(EVP_EncodeBlock((unsigned char *)out, mac, (int)n) > 0);
}

/* The running test's simulator, which the teardown stops should the test
 * fail before sim_down: left running it would hold ctest's output pipe
 * open until its timeout. */
static xg_sim_proc *running;

static xg_sim_proc *
sim_up(const char *const *extra)
{
    const char *base[16] = {"--venue", "kucoin=127.0.0.1:0"};
    size_t n = 2;
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 15; i++) {
        base[n++] = extra[i];
    }
    base[n] = NULL;
    xg_sim_proc *p = calloc(1, sizeof(*p));
    assert_non_null(p);
    assert_int_equal(xg_sim_start(p, base), XG_OK);
    running = p;
    return p;
}

static void
sim_down(xg_sim_proc *p)
{
    running = NULL;
    assert_int_equal(xg_sim_stop(p), XG_OK);
    free(p);
}

static int
stop_running(void **state)
{
    (void)state;
    if (running != NULL) {
        (void)xg_sim_stop(running);
        free(running);
        running = NULL;
    }
    return 0;
}

/* A private request signed like a KuCoin client, with the timestamp
 * moved by skew_ms and, when pass is given, that passphrase header. */
static void
send_full(xg_sim_proc *p, const char *method, const char *path,
          const char *query, const char *body, int64_t skew_ms,
          const char *secret, const char *pass, reply *r)
{
    char target[1024];
    char pre[4096];
    char sig[64];
    char pp[64];
    char h_key[128], h_sig[128], h_ts[64], h_pass[128];
    int64_t ts = now_ms() + skew_ms;

    snprintf(target, sizeof(target), "%s%s%s", path, query[0] ? "?" : "",
             query);
    snprintf(pre, sizeof(pre), "%lld%s%s%s", (long long)ts, method, target,
             body);
    hmac_b64(secret, pre, strlen(pre), sig);
    if (pass == NULL) {
        hmac_b64(SECRET, PASS, strlen(PASS), pp);
    } else {
        snprintf(pp, sizeof(pp), "%s", pass);
    }
    snprintf(h_key, sizeof(h_key), "KC-API-KEY: %s", KEY);
    snprintf(h_sig, sizeof(h_sig), "KC-API-SIGN: %s", sig);
    snprintf(h_ts, sizeof(h_ts), "KC-API-TIMESTAMP: %lld", (long long)ts);
    snprintf(h_pass, sizeof(h_pass), "KC-API-PASSPHRASE: %s", pp);
    const char *headers[] = {h_key,
                             h_sig,
                             h_ts,
                             h_pass,
                             "KC-API-KEY-VERSION: 2",
                             "Content-Type: application/json",
                             NULL};
    assert_int_equal(xg_sim_http(p, "kucoin", method, target, headers, body,
                                 strlen(body), &r->status, r->body,
                                 sizeof(r->body), r->hdrs, sizeof(r->hdrs)),
                     XG_OK);
}

static void
send_signed(xg_sim_proc *p, const char *method, const char *path,
            const char *query, const char *body, reply *r)
{
    send_full(p, method, path, query, body, 0, SECRET, NULL, r);
}

static void
assert_code(const reply *r, long status, const char *code)
{
    char want[64];
    snprintf(want, sizeof(want), "\"code\":\"%s\"", code);
    if (r->status != status || strstr(r->body, want) == NULL) {
        fail_msg("expected %ld %s, got %ld %s", status, code, r->status,
                 r->body);
    }
}

static int64_t
header_i64(const reply *r, const char *name)
{
    char v[64];
    assert_int_equal(xg_sim_header_get(r->hdrs, name, v, sizeof(v)), XG_OK);
    return strtoll(v, NULL, 10);
}

static void
send_public(xg_sim_proc *p, const char *target, reply *r)
{
    assert_int_equal(xg_sim_http(p, "kucoin", "GET", target, NULL, NULL, 0,
                                 &r->status, r->body, sizeof(r->body), r->hdrs,
                                 sizeof(r->hdrs)),
                     XG_OK);
}

/* The parsed answer of r; its "data" through data_of. Given: decref. */
static json_t *
parse(const reply *r)
{
    json_error_t err;
    json_t *root = json_loads(r->body, 0, &err);
    if (root == NULL) {
        fail_msg("not JSON: %s", r->body);
    }
    return root;
}

static json_t *
data_of(json_t *root)
{
    json_t *d = json_object_get(root, "data");
    assert_non_null(d);
    return d;
}

/* The string member key of object o, which must be there. */
static const char *
str_at(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL) {
        fail_msg("no string %s", key);
    }
    return v != NULL ? v : "";
}

static const char *const paused[] = {"--set", "kucoin.walk=0", NULL};
/* Levels of 100,000 USDT (2.85714 BTC), so a sweep of two fits in the
 * test account's 1,000,000 USDT. */
static const char *const paused_small[] = {
    "--set", "kucoin.walk=0", "--set", "kucoin.level_notional=100000", NULL};

static void
new_order(xg_sim_proc *p, const char *cid, const char *price, reply *r)
{
    char body[512];
    snprintf(body, sizeof(body),
             "{\"clientOid\":\"%s\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"%s\",\"size\":\"0.001\","
             "\"timeInForce\":\"GTC\"}",
             cid, price);
    send_signed(p, "POST", "/api/v1/hf/orders", "", body, r);
}

static void
test_public_endpoints_answer_in_the_envelope(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(NULL);
    reply *r = calloc(1, sizeof(*r));
    assert_int_equal(xg_sim_http(p, "kucoin", "GET", "/api/v1/timestamp", NULL,
                                 NULL, 0, &r->status, r->body, sizeof(r->body),
                                 r->hdrs, sizeof(r->hdrs)),
                     XG_OK);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"data\":1"));
    assert_int_equal(xg_sim_http(p, "kucoin", "GET", "/api/v2/symbols", NULL,
                                 NULL, 0, &r->status, r->body, sizeof(r->body),
                                 r->hdrs, sizeof(r->hdrs)),
                     XG_OK);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"symbol\":\"BTC-USDT\""));
    assert_non_null(strstr(r->body, "\"priceIncrement\":\"0.1\""));
    assert_non_null(strstr(r->body, "\"symbol\":\"ETH-USDT\""));
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 3 - 4);
    free(r);
    sim_down(p);
}

static void
test_signed_order_lifecycle(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(NULL);
    reply *r = calloc(1, sizeof(*r));

    new_order(p, "life1", "30000", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"clientOid\":\"life1\""));
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/life1",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"active\":true"));
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_non_null(strstr(r->body, "life1"));
    send_signed(p, "DELETE", "/api/v1/hf/orders/client-order/life1",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/life1",
                "symbol=BTC-USDT", "", r);
    assert_non_null(strstr(r->body, "\"cancelExist\":true"));
    send_signed(p, "DELETE", "/api/v1/hf/orders/client-order/life1",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 400, "400100");
    assert_non_null(strstr(r->body, "order_not_exist"));
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/nope",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 404, "126043");
    /* A clientOid is never reusable; a buy above the reference fills. */
    new_order(p, "life1", "30000", r);
    assert_code(r, 400, "126044");
    new_order(p, "fill1", "36000", r);
    assert_code(r, 200, "200000");
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/fill1",
                "symbol=BTC-USDT", "", r);
    assert_non_null(strstr(r->body, "\"active\":false"));
    assert_non_null(strstr(r->body, "\"dealSize\":\"0.001\""));
    /* Filters and symbols. */
    new_order(p, "tick1", "30000.05", r);
    assert_code(r, 400, "400100");
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=XXX-USDT", "", r);
    assert_code(r, 400, "400600");
    free(r);
    sim_down(p);
}

static void
test_bad_credentials_are_refused(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(NULL);
    reply *r = calloc(1, sizeof(*r));

    send_full(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", 0,
              "wrong-secret", NULL, r);
    assert_code(r, 401, "400005");
    /* Version 2 wants the signed passphrase, not the plain one. */
    send_full(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", 0,
              SECRET, PASS, r);
    assert_code(r, 401, "400004");
    /* A signature over another query does not pass. */
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_int_equal(xg_sim_http(p, "kucoin", "GET",
                                 "/api/v1/hf/orders/active?symbol=BTC-USDT",
                                 NULL, NULL, 0, &r->status, r->body,
                                 sizeof(r->body), r->hdrs, sizeof(r->hdrs)),
                     XG_OK);
    assert_code(r, 401, "400001");
    free(r);
    sim_down(p);
}

static void
test_timestamp_window_is_enforced(void **state)
{
    (void)state;
    const char *extra[] = {"--set", "kucoin.timestamp_window_ms=1000", NULL};
    xg_sim_proc *p = sim_up(extra);
    reply *r = calloc(1, sizeof(*r));

    send_full(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "",
              -3000, SECRET, NULL, r);
    assert_code(r, 400, "400002");
    send_full(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", 3000,
              SECRET, NULL, r);
    assert_code(r, 400, "400002");
    send_full(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", -500,
              SECRET, NULL, r);
    assert_code(r, 200, "200000");
    free(r);
    sim_down(p);
}

/* The pool: exactly `limit` weight per window, the window anchored at the
 * first request (reset counts from it, not from a clock boundary), a
 * refused request charges nothing, and the whole pool comes back at the
 * window's end. */
static void
test_pool_is_a_fixed_window_anchored_at_first_request(void **state)
{
    (void)state;
    const char *extra[] = {"--set", "kucoin.spot_limit=10", "--set",
                           "kucoin.window_ms=1500", NULL};
    xg_sim_proc *p = sim_up(extra);
    reply *r = calloc(1, sizeof(*r));

    /* Query weight 2: five fit in 10. */
    int64_t t0 = now_ms();
    for (int i = 0; i < 5; i++) {
        send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "",
                    r);
        assert_code(r, 200, "200000");
        assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 10);
        assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 8 - 2 * i);
    }
    int64_t reset = header_i64(r, "gw-ratelimit-reset");
    assert_true(reset <= 1500 && reset > 1500 - (now_ms() - t0) - 50);
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_code(r, 429, "429000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 0);
    /* Place (weight 1) does not fit either: the pool is shared. */
    new_order(p, "pool1", "30000", r);
    assert_code(r, 429, "429000");

    /* After the window: a new one starts at this request, whenever it is,
     * so its reset is the whole window. */
    pause_ms(1500 - (now_ms() - t0) + 300);
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 8);
    assert_true(header_i64(r, "gw-ratelimit-reset") >= 1450);
    free(r);
    sim_down(p);
}

static void
test_admin_ban_is_answered_as_cloudflare_1015(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(NULL);
    reply *r = calloc(1, sizeof(*r));
    char out[512];

    assert_int_equal(xg_sim_admin(p, "kucoin", "POST", "/_sim/ban",
                                  "{\"duration_ms\":400}", out, sizeof(out)),
                     XG_OK);
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_code(r, 429, "1015");
    pause_ms(500);
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    free(r);
    sim_down(p);
}

static void
test_injected_5xx_with_and_without_execution(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(NULL);
    reply *r = calloc(1, sizeof(*r));
    char out[512];
    char log[16384];

    assert_int_equal(xg_sim_admin(p, "kucoin", "POST", "/_sim/fault",
                                  "{\"status_5xx\":{\"count\":1,\"status\":503,"
                                  "\"execute\":true}}",
                                  out, sizeof(out)),
                     XG_OK);
    new_order(p, "fexec", "30000", r);
    assert_int_equal(r->status, 503);
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/fexec",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_int_equal(
        xg_sim_admin(p, "kucoin", "POST", "/_sim/fault",
                     "{\"status_5xx\":{\"count\":1,\"status\":502}}", out,
                     sizeof(out)),
        XG_OK);
    new_order(p, "flost", "30000", r);
    assert_code(r, 502, "500000");
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/flost",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 404, "126043");
    assert_int_equal(xg_sim_log_fetch(p, "kucoin", 0, log, sizeof(log)), XG_OK);
    assert_non_null(strstr(log, "\"client_order_id\":\"fexec\","
                                "\"outcome\":\"fault_exec\""));
    assert_non_null(strstr(log, "\"client_order_id\":\"flost\","
                                "\"outcome\":\"fault\""));
    free(r);
    sim_down(p);
}

/* A limited fault answers what the pool answers when it is empty (HTTP
 * 429, 429000, gw-ratelimit-remaining 0, gw-ratelimit-reset the retry
 * time), places nothing and charges the pool nothing. */
static void
test_limited_fault_answers_the_pools_429000_and_charges_nothing(void **state)
{
    (void)state;
    static const char *const args[] = {"--set", "kucoin.spot_limit=3", "--set",
                                       "kucoin.window_ms=60000", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = calloc(1, sizeof(*r));
    char *faulted = calloc(1, sizeof(r->body));
    char out[4096];
    char id[16];

    assert_non_null(r);
    assert_non_null(faulted);
    assert_int_equal(xg_sim_admin(p, "kucoin", "POST", "/_sim/fault",
                                  "{\"limited\":{\"count\":5,"
                                  "\"retry_after_ms\":2500}}",
                                  out, sizeof(out)),
                     XG_OK);
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof(id), "flim%d", i);
        new_order(p, id, "30000", r);
        assert_code(r, 429, "429000");
        assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 3);
        assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 0);
        assert_int_equal(header_i64(r, "gw-ratelimit-reset"), 2500);
    }
    memcpy(faulted, r->body, sizeof(r->body));
    /* The pool is whole: three orders of weight 1 fit, the fourth gets
     * the pool's own refusal, the same body. */
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof(id), "fok%d", i);
        new_order(p, id, "30000", r);
        assert_code(r, 200, "200000");
        assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2 - i);
    }
    new_order(p, "fover", "30000", r);
    assert_code(r, 429, "429000");
    assert_string_equal(r->body, faulted);

    assert_int_equal(xg_sim_admin(p, "kucoin", "GET", "/_sim/orders", NULL, out,
                                  sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"client_order_id\":\"fok2\""));
    assert_null(strstr(out, "\"client_order_id\":\"flim0\""));
    assert_null(strstr(out, "\"client_order_id\":\"flim4\""));
    assert_int_equal(xg_sim_log_fetch(p, "kucoin", 0, out, sizeof(out)), XG_OK);
    assert_non_null(strstr(out, "\"status\":429,\"code\":429000,"
                                "\"client_order_id\":\"flim0\","
                                "\"outcome\":\"limited\""));
    assert_int_equal(
        xg_sim_admin(p, "kucoin", "GET", "/_sim/state", NULL, out, sizeof(out)),
        XG_OK);
    assert_non_null(strstr(out, "\"bans\":0"));
    free(faulted);
    free(r);
    sim_down(p);
}

static void
place(xg_sim_proc *p, const char *cid, const char *side, const char *price,
      const char *size, const char *tif, reply *r)
{
    char body[512];
    snprintf(body, sizeof(body),
             "{\"clientOid\":\"%s\",\"side\":\"%s\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"%s\",\"size\":\"%s\","
             "\"timeInForce\":\"%s\"}",
             cid, side, price, size, tif);
    send_signed(p, "POST", "/api/v1/hf/orders", "", body, r);
}

/* Level 1, level 2 (20 and 100), stats, all tickers and the tape against
 * the paused book, each charging its weight to the Public pool. */
static void
test_market_data_reads_the_paused_book(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused_small);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL, *side = NULL;

    send_public(p, "/api/v1/market/orderbook/level1?symbol=BTC-USDT", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 2);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "bestBid"), "34999.9");
    assert_string_equal(str_at(d, "bestAsk"), "35000.1");
    assert_string_equal(str_at(d, "bestBidSize"), "2.85714");
    assert_string_equal(str_at(d, "price"), "35000"); /* no trade yet */
    json_decref(root);

    send_public(p, "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT", r);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 4);
    root = parse(r);
    d = data_of(root);
    side = json_object_get(d, "asks");
    assert_int_equal(json_array_size(side), 10);
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(side, 2), 0)),
        "35000.3");
    side = json_object_get(d, "bids");
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(side, 9), 0)), "34999");
    json_decref(root);
    send_public(p, "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 6);

    send_public(p, "/api/v1/market/stats?symbol=BTC-USDT", r);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 21);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "buy"), "34999.9");
    assert_string_equal(str_at(d, "sell"), "35000.1");
    assert_string_equal(str_at(d, "last"), "35000");
    assert_string_equal(str_at(d, "vol"), "0");
    assert_string_equal(str_at(d, "takerFeeRate"), "0.001");
    json_decref(root);

    send_public(p, "/api/v1/market/allTickers", r);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 36);
    root = parse(r);
    d = json_object_get(data_of(root), "ticker");
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(str_at(json_array_get(d, 1), "symbol"), "ETH-USDT");
    assert_string_equal(str_at(json_array_get(d, 1), "sell"), "2000.01");
    json_decref(root);

    /* A buy through two levels makes two trades on the tape, the taker's
     * side, oldest first; stats and level 1 follow them. */
    place(p, "take1", "buy", "35000.2", "3", "IOC", r);
    assert_code(r, 200, "200000");
    send_public(p, "/api/v1/market/histories?symbol=BTC-USDT", r);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 39);
    root = parse(r);
    d = data_of(root);
    assert_int_equal(json_array_size(d), 2);
    assert_string_equal(str_at(json_array_get(d, 0), "price"), "35000.1");
    assert_string_equal(str_at(json_array_get(d, 0), "size"), "2.85714");
    assert_string_equal(str_at(json_array_get(d, 1), "price"), "35000.2");
    assert_string_equal(str_at(json_array_get(d, 1), "size"), "0.14286");
    assert_string_equal(str_at(json_array_get(d, 1), "side"), "buy");
    json_decref(root);
    send_public(p, "/api/v1/market/stats?symbol=BTC-USDT", r);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "last"), "35000.2");
    assert_string_equal(str_at(d, "high"), "35000.2");
    assert_string_equal(str_at(d, "low"), "35000.1");
    assert_string_equal(str_at(d, "vol"), "3");
    assert_string_equal(str_at(d, "changePrice"), "0.2");
    json_decref(root);
    send_public(p, "/api/v1/market/orderbook/level1?symbol=BTC-USDT", r);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "price"), "35000.2");
    assert_string_equal(str_at(d, "size"), "0.14286");
    assert_string_equal(str_at(d, "bestAsk"), "35000.2");
    assert_string_equal(str_at(d, "bestAskSize"), "2.71428");
    json_decref(root);

    /* Symbol errors are KuCoin's. */
    send_public(p, "/api/v1/market/orderbook/level1", r);
    assert_code(r, 400, "400100");
    send_public(p, "/api/v1/market/stats?symbol=DOGE-USDT", r);
    assert_code(r, 400, "400600");
    send_public(p, "/api/v1/market/histories?symbol=%ZZ", r);
    assert_code(r, 400, "400100");
    free(r);
    sim_down(p);
}

/* What ccxt reads on its own before trading, each on its documented pool:
 * the full book (Spot, 3), account mode (Management, 30), HF status
 * (Spot, 30), currencies, margin symbols, futures contracts (Public, 3),
 * API key and user info (Management, 20). */
static void
test_startup_paths_answer_on_their_pools(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;

    send_signed(p, "GET", "/api/ua/v1/account/mode", "", "", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"selfAccountMode\":\"CLASSIC\""));
    assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 2000);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 30);
    send_signed(p, "GET", "/api/v1/user/api-key", "", "", r);
    assert_non_null(strstr(r->body, "\"apiKey\":\"" KEY "\""));
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 50);
    send_signed(p, "GET", "/api/v2/user-info", "", "", r);
    assert_non_null(strstr(r->body, "\"level\":0"));
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 70);

    send_signed(p, "GET", "/api/v1/hf/accounts/opened", "", "", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"data\":true"));
    assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 4000);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 4000 - 30);
    send_signed(p, "GET", "/api/v3/market/orderbook/level2", "symbol=ETH-USDT",
                "", r);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 4000 - 33);
    root = parse(r);
    d = json_object_get(data_of(root), "bids");
    assert_int_equal(json_array_size(d), 10);
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(d, 0), 0)), "1999.99");
    json_decref(root);
    /* The full book is private. */
    send_public(p, "/api/v3/market/orderbook/level2?symbol=ETH-USDT", r);
    assert_code(r, 401, "400001");

    send_public(p, "/api/v3/currencies", r);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 3);
    root = parse(r);
    d = data_of(root);
    assert_int_equal(json_array_size(d), 3); /* BTC, USDT, ETH */
    assert_string_equal(str_at(json_array_get(d, 1), "currency"), "USDT");
    json_decref(root);
    send_public(p, "/api/v3/margin/symbols", r);
    assert_non_null(strstr(r->body, "\"items\":[]"));
    send_public(p, "/api/v1/isolated/symbols", r);
    assert_non_null(strstr(r->body, "\"data\":[]"));
    send_public(p, "/api/v1/contracts/active", r);
    assert_non_null(strstr(r->body, "\"data\":[]"));
    send_public(p, "/api/v1/status", r);
    assert_non_null(strstr(r->body, "\"status\":\"open\""));
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 15);
    /* A path KuCoin does not have is 404000 and still costs the IP. */
    send_public(p, "/api/v1/nope", r);
    assert_code(r, 404, "404000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 16);
    free(r);
    sim_down(p);
}

/* Balances: available and holds of the trade account, filters by
 * currency and type, the Management pool's weight 5. */
static void
test_accounts_show_available_and_holds(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;

    /* A resting buy of 0.001 at 30000 locks 30 USDT plus its 0.1% fee. */
    new_order(p, "hold1", "30000", r);
    assert_code(r, 200, "200000");
    send_signed(p, "GET", "/api/v1/accounts", "currency=USDT&type=trade", "",
                r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 2000);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2000 - 5);
    root = parse(r);
    d = data_of(root);
    assert_int_equal(json_array_size(d), 1);
    d = json_array_get(d, 0);
    assert_string_equal(str_at(d, "currency"), "USDT");
    assert_string_equal(str_at(d, "type"), "trade");
    assert_string_equal(str_at(d, "holds"), "30.03");
    assert_string_equal(str_at(d, "available"), "999969.97");
    assert_string_equal(str_at(d, "balance"), "1000000");
    assert_int_equal(strlen(str_at(d, "id")), 24);
    json_decref(root);
    /* ccxt asks for trade_hf and keeps rows of that type. */
    send_signed(p, "GET", "/api/v1/accounts", "type=trade_hf", "", r);
    assert_non_null(strstr(r->body, "\"type\":\"trade_hf\""));
    assert_null(strstr(r->body, "\"type\":\"trade\""));
    send_signed(p, "GET", "/api/v1/accounts", "type=main", "", r);
    assert_non_null(strstr(r->body, "\"data\":[]"));
    send_signed(p, "GET", "/api/v1/accounts", "type=savings", "", r);
    assert_code(r, 400, "400100");
    free(r);
    sim_down(p);
}

/* GET and DELETE /api/v1/hf/orders/{orderId}?symbol=: the venue's most
 * used paths, Spot weight 2 and 1. */
static void
test_query_and_cancel_by_order_id(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;
    char path[128], oid[32];

    place(p, "byid1", "buy", "34000", "0.5", "GTC", r);
    assert_code(r, 200, "200000");
    root = parse(r);
    snprintf(oid, sizeof(oid), "%s", str_at(data_of(root), "orderId"));
    json_decref(root);
    snprintf(path, sizeof(path), "/api/v1/hf/orders/%s", oid);
    send_signed(p, "GET", path, "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 4000 - 1 - 2);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "id"), oid);
    assert_string_equal(str_at(d, "clientOid"), "byid1");
    assert_string_equal(str_at(d, "size"), "0.5");
    assert_string_equal(str_at(d, "remainSize"), "0.5");
    assert_string_equal(str_at(d, "remainFunds"), "17000");
    assert_string_equal(str_at(d, "dealSize"), "0");
    assert_true(json_is_true(json_object_get(d, "active")));
    assert_true(json_is_true(json_object_get(d, "inOrderBook")));
    assert_true(json_is_false(json_object_get(d, "postOnly")));
    assert_true(json_is_false(json_object_get(d, "hidden")));
    assert_true(json_is_false(json_object_get(d, "iceberg")));
    assert_true(json_is_false(json_object_get(d, "cancelExist")));
    json_decref(root);

    send_signed(p, "DELETE", path, "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 4000 - 4);
    snprintf(path, sizeof(path), "\"orderId\":\"%s\"", oid);
    assert_non_null(strstr(r->body, path));
    snprintf(path, sizeof(path), "/api/v1/hf/orders/%s", oid);
    send_signed(p, "GET", path, "symbol=BTC-USDT", "", r);
    root = parse(r);
    d = data_of(root);
    assert_true(json_is_false(json_object_get(d, "active")));
    assert_true(json_is_true(json_object_get(d, "cancelExist")));
    assert_string_equal(str_at(d, "cancelledSize"), "0.5");
    assert_string_equal(str_at(d, "remainSize"), "0");
    json_decref(root);
    send_signed(p, "DELETE", path, "symbol=BTC-USDT", "", r);
    assert_code(r, 400, "400100");
    /* Another symbol, a malformed or unknown id: not found. */
    send_signed(p, "GET", path, "symbol=ETH-USDT", "", r);
    assert_code(r, 404, "126043");
    send_signed(p, "GET", "/api/v1/hf/orders/00000000000000000000000g",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 404, "126043");
    send_signed(p, "GET", "/api/v1/hf/orders/ffffffffffffffffffffffff",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 404, "126043");
    send_signed(p, "DELETE", "/api/v1/hf/orders/00000000000000000000009",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 400, "400100");
    send_signed(p, "GET", path, "", "", r);
    assert_code(r, 400, "400100");
    free(r);
    sim_down(p);
}

/* A partial fill the venue's way, then the fill list (fee, feeCurrency,
 * liquidity) and the order history, both paged by lastId. */
static void
test_fills_and_done_orders_page_by_last_id(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused_small);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL, *it = NULL;
    char q[128], oid[32];
    json_int_t last = 0;

    /* 3 at 35000.2 takes the first level whole and 0.14286 of the second
     * (IOC, nothing left) - two fills; then three small IOC buys at the
     * second level, one fill each. */
    place(p, "sweep", "buy", "35000.2", "3", "IOC", r);
    root = parse(r);
    snprintf(oid, sizeof(oid), "%s", str_at(data_of(root), "orderId"));
    json_decref(root);
    for (int i = 0; i < 3; i++) {
        char cid[16];
        snprintf(cid, sizeof(cid), "small%d", i);
        place(p, cid, "buy", "35000.2", "0.001", "IOC", r);
        assert_code(r, 200, "200000");
    }
    snprintf(q, sizeof(q), "/api/v1/hf/orders/%s", oid);
    send_signed(p, "GET", q, "symbol=BTC-USDT", "", r);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "dealSize"), "3");
    /* 2.85714 * 35000.1 + 0.14286 * 35000.2 = 100000.185714 +
     * 5000.128572; the fee is 0.1% of each fill, to 8 decimals. */
    assert_string_equal(str_at(d, "dealFunds"), "105000.314286");
    assert_string_equal(str_at(d, "fee"), "105.00031428");
    assert_string_equal(str_at(d, "feeCurrency"), "USDT");
    assert_true(json_is_true(json_object_get(d, "cancelExist")) ==
                false); /* IOC filled whole: no cancel record */
    json_decref(root);

    send_signed(p, "GET", "/api/v1/hf/fills", "symbol=BTC-USDT&limit=2", "", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"),
                     4000 - 4 - 2 - 2); /* 4 places, a query, the fills */
    root = parse(r);
    d = data_of(root);
    it = json_object_get(d, "items");
    assert_int_equal(json_array_size(it), 2);
    assert_string_equal(str_at(json_array_get(it, 0), "size"), "0.001");
    assert_string_equal(str_at(json_array_get(it, 0), "liquidity"), "taker");
    assert_string_equal(str_at(json_array_get(it, 0), "feeCurrency"), "USDT");
    assert_string_equal(str_at(json_array_get(it, 0), "feeRate"), "0.001");
    assert_string_equal(str_at(json_array_get(it, 0), "fee"), "0.0350002");
    last = json_integer_value(json_object_get(d, "lastId"));
    assert_true(last > 0);
    json_decref(root);
    snprintf(q, sizeof(q), "symbol=BTC-USDT&limit=2&lastId=%lld",
             (long long)last);
    send_signed(p, "GET", "/api/v1/hf/fills", q, "", r);
    root = parse(r);
    it = json_object_get(data_of(root), "items");
    assert_int_equal(json_array_size(it), 2);
    assert_string_equal(str_at(json_array_get(it, 0), "size"), "0.001");
    assert_string_equal(str_at(json_array_get(it, 1), "size"), "0.14286");
    assert_string_equal(str_at(json_array_get(it, 1), "price"), "35000.2");
    assert_string_equal(str_at(json_array_get(it, 1), "orderId"), oid);
    last = json_integer_value(json_object_get(data_of(root), "lastId"));
    json_decref(root);
    snprintf(q, sizeof(q), "symbol=BTC-USDT&limit=2&lastId=%lld",
             (long long)last);
    send_signed(p, "GET", "/api/v1/hf/fills", q, "", r);
    root = parse(r);
    it = json_object_get(data_of(root), "items");
    assert_int_equal(json_array_size(it), 1);
    assert_string_equal(str_at(json_array_get(it, 0), "size"), "2.85714");
    json_decref(root);
    /* By order: its two fills, other filters ignored. */
    snprintf(q, sizeof(q), "symbol=BTC-USDT&orderId=%s&side=sell", oid);
    send_signed(p, "GET", "/api/v1/hf/fills", q, "", r);
    root = parse(r);
    assert_int_equal(json_array_size(json_object_get(data_of(root), "items")),
                     2);
    json_decref(root);
    send_signed(p, "GET", "/api/v1/hf/fills", "symbol=ETH-USDT", "", r);
    assert_non_null(strstr(r->body, "\"items\":[]"));

    /* Done orders: four, newest first; a resting one is not among them. */
    new_order(p, "rest1", "30000", r);
    send_signed(p, "GET", "/api/v1/hf/orders/done", "symbol=BTC-USDT&limit=3",
                "", r);
    assert_code(r, 200, "200000");
    root = parse(r);
    d = data_of(root);
    it = json_object_get(d, "items");
    assert_int_equal(json_array_size(it), 3);
    assert_string_equal(str_at(json_array_get(it, 0), "clientOid"), "small2");
    last = json_integer_value(json_object_get(d, "lastId"));
    json_decref(root);
    snprintf(q, sizeof(q), "symbol=BTC-USDT&limit=3&lastId=%lld",
             (long long)last);
    send_signed(p, "GET", "/api/v1/hf/orders/done", q, "", r);
    root = parse(r);
    it = json_object_get(data_of(root), "items");
    assert_int_equal(json_array_size(it), 1);
    assert_string_equal(str_at(json_array_get(it, 0), "clientOid"), "sweep");
    json_decref(root);
    free(r);
    sim_down(p);
}

/* Outside input on the history and market paths: numbers bounded,
 * enums checked, KuCoin's 400100. */
static void
test_bad_query_parameters_are_400100(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    static const char *const bad[] = {
        "symbol=BTC-USDT&limit=0",
        "symbol=BTC-USDT&limit=101",
        "symbol=BTC-USDT&limit=abc",
        "symbol=BTC-USDT&limit=-1",
        "symbol=BTC-USDT&lastId=0",
        "symbol=BTC-USDT&lastId=99999999999999999999999",
        "symbol=BTC-USDT&lastId=1e9",
        "symbol=BTC-USDT&startAt=20&endAt=10",
        "symbol=BTC-USDT&side=both",
        "symbol=BTC-USDT&type=stop",
        "limit=5",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        send_signed(p, "GET", "/api/v1/hf/orders/done", bad[i], "", r);
        assert_code(r, 400, "400100");
        send_signed(p, "GET", "/api/v1/hf/fills", bad[i], "", r);
        assert_code(r, 400, "400100");
    }
    send_signed(p, "GET", "/api/v1/hf/fills", "symbol=BTC-USDT&limit=100", "",
                r);
    assert_code(r, 200, "200000");
    send_signed(p, "GET", "/api/v1/hf/fills",
                "symbol=BTC-USDT&orderId=not-an-order-id-at-all", "", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"items\":[]"));
    send_signed(p, "GET", "/api/v1/hf/orders/done", "symbol=NOPE-USDT", "", r);
    assert_code(r, 400, "400600");
    free(r);
    sim_down(p);
}

/* Batch place (1..5 limit orders of one symbol, a verdict each),
 * symbols with open orders, and cancel-all per symbol. */
static void
test_batch_place_and_cancel_all_per_symbol(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;
    char body[2048];
    size_t n = 0;

    snprintf(body, sizeof(body),
             "{\"orderList\":["
             "{\"clientOid\":\"b1\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"30000\",\"size\":\"0.001\"},"
             "{\"clientOid\":\"b2\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"30000.05\",\"size\":\"0.001\"},"
             "{\"clientOid\":\"b3\",\"side\":\"sell\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"40000\",\"size\":\"0.001\","
             "\"postOnly\":true}]}");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "", body, r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 4000 - 1);
    root = parse(r);
    d = data_of(root);
    assert_int_equal(json_array_size(d), 3);
    assert_true(json_is_true(json_object_get(json_array_get(d, 0), "success")));
    assert_int_equal(strlen(str_at(json_array_get(d, 0), "orderId")), 24);
    assert_true(
        json_is_false(json_object_get(json_array_get(d, 1), "success")));
    assert_string_equal(str_at(json_array_get(d, 1), "failMsg"),
                        "Price increment invalid.");
    assert_true(json_is_true(json_object_get(json_array_get(d, 2), "success")));
    json_decref(root);

    /* Six orders, two symbols, a market order, not a list: all refused. */
    n = (size_t)snprintf(body, sizeof(body), "{\"orderList\":[");
    for (int i = 0; i < 6; i++) {
        n += (size_t)snprintf(
            body + n, sizeof(body) - n,
            "%s{\"clientOid\":\"s%d\",\"side\":\"buy\",\"symbol\":"
            "\"BTC-USDT\",\"type\":\"limit\",\"price\":\"30000\","
            "\"size\":\"0.001\"}",
            i ? "," : "", i);
    }
    snprintf(body + n, sizeof(body) - n, "]}");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "", body, r);
    assert_code(r, 400, "400100");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "",
                "{\"orderList\":[{\"symbol\":\"BTC-USDT\",\"type\":"
                "\"limit\"},{\"symbol\":\"ETH-USDT\",\"type\":\"limit\"}]}",
                r);
    assert_code(r, 400, "400100");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "",
                "{\"orderList\":[{\"symbol\":\"BTC-USDT\",\"type\":"
                "\"market\"}]}",
                r);
    assert_code(r, 400, "400100");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "",
                "{\"orderList\":\"x\"}", r);
    assert_code(r, 400, "400100");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "", "[", r);
    assert_code(r, 400, "400100");

    send_signed(p, "GET", "/api/v1/hf/orders/active/symbols", "", "", r);
    assert_non_null(strstr(r->body, "\"symbols\":[\"BTC-USDT\"]"));
    send_signed(p, "DELETE", "/api/v1/hf/orders", "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"data\":\"success\""));
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_non_null(strstr(r->body, "\"data\":[]"));
    send_signed(p, "GET", "/api/v1/hf/orders/active/symbols", "", "", r);
    assert_non_null(strstr(r->body, "\"symbols\":[]"));
    send_signed(p, "GET", "/api/v1/hf/orders/client-order/b3",
                "symbol=BTC-USDT", "", r);
    assert_non_null(strstr(r->body, "\"cancelExist\":true"));
    assert_non_null(strstr(r->body, "\"postOnly\":true"));
    send_signed(p, "DELETE", "/api/v1/hf/orders", "", "", r);
    assert_code(r, 400, "400100");
    free(r);
    sim_down(p);
}

/* The USDT row of the trade account: its holds and available, copied. */
static void
usdt_row(xg_sim_proc *p, reply *r, char holds[32], char available[32])
{
    send_signed(p, "GET", "/api/v1/accounts", "currency=USDT&type=trade", "",
                r);
    assert_code(r, 200, "200000");
    json_t *root = parse(r);
    json_t *row = json_array_get(data_of(root), 0);
    assert_non_null(row);
    snprintf(holds, 32, "%s", str_at(row, "holds"));
    snprintf(available, 32, "%s", str_at(row, "available"));
    json_decref(root);
}

/* The statuses of every order xgsim holds, oldest first, as "S1,S2,". */
static void
order_statuses(xg_sim_proc *p, char *out, size_t cap)
{
    char list[8192];
    size_t n = 0;
    assert_int_equal(xg_sim_admin(p, "kucoin", "GET", "/_sim/orders", NULL,
                                  list, sizeof(list)),
                     XG_OK);
    json_t *root = json_loads(list, 0, NULL);
    assert_non_null(root);
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(root) && n < cap; i++) {
        n += (size_t)snprintf(out + n, cap - n, "%s,",
                              str_at(json_array_get(root, i), "status"));
    }
    json_decref(root);
}

/* A batch is one request (a log entry per order, each with its outcome;
 * weight 1 in the Spot pool) that places each order once
 * through the single place's checks: a bad one is refused alone with the
 * single place's message and no clientOid (docs-new's example). More
 * than 5 orders are refused whole. The balances show what the resting
 * orders lock; cancel-all leaves nothing open and frees it; and the Spot
 * pool, once spent, refuses the next batch with 429000 and places
 * nothing. */
static void
test_batch_is_one_request_and_cancel_all_frees_the_funds(void **state)
{
    (void)state;
    static const char *const args[] = {
        "--set", "kucoin.walk=0",          "--set", "kucoin.spot_limit=4",
        "--set", "kucoin.window_ms=60000", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;
    char body[2048];
    char log[16384];
    char holds[32], available[32];
    char statuses[256];
    const char *entry = NULL;
    size_t n = 0;

    snprintf(body, sizeof(body),
             "{\"orderList\":["
             "{\"clientOid\":\"m1\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"30000\",\"size\":\"0.001\"},"
             "{\"clientOid\":\"m2\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"30000\",\"size\":\"0.0000001\"},"
             "{\"clientOid\":\"m3\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
             "\"type\":\"limit\",\"price\":\"30000\",\"size\":\"0.001\","
             "\"timeInForce\":\"GTC\"}]}");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "", body, r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 4);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 3);
    root = parse(r);
    d = data_of(root);
    assert_int_equal(json_array_size(d), 3);
    assert_string_equal(str_at(json_array_get(d, 0), "clientOid"), "m1");
    assert_true(json_is_true(json_object_get(json_array_get(d, 0), "success")));
    assert_true(
        json_is_false(json_object_get(json_array_get(d, 1), "success")));
    assert_string_equal(str_at(json_array_get(d, 1), "failMsg"),
                        "Order size increment invalid.");
    assert_null(json_object_get(json_array_get(d, 1), "clientOid"));
    assert_string_equal(str_at(json_array_get(d, 2), "clientOid"), "m3");
    json_decref(root);

    /* One request: a log entry per order, with its own outcome. */
    assert_int_equal(xg_sim_log_fetch(p, "kucoin", 0, log, sizeof(log)), XG_OK);
    entry = log;
    for (size_t k = 0; k < 3; k++) {
        entry = strstr(entry, "/api/v1/hf/orders/multi");
        assert_non_null(entry);
        entry++;
    }
    assert_null(strstr(entry, "/api/v1/hf/orders/multi"));
    assert_non_null(strstr(log, "\"client_order_id\":\"m1\","
                                "\"outcome\":\"placed\",\"batch_n\":3,"
                                "\"batch_i\":0"));
    assert_non_null(strstr(log, "\"client_order_id\":\"m2\","
                                "\"outcome\":\"rejected\",\"batch_n\":3,"
                                "\"batch_i\":1"));
    order_statuses(p, statuses, sizeof(statuses));
    assert_string_equal(statuses, "NEW,NEW,");

    /* Each resting buy of 0.001 at 30000 locks 30 USDT and its fee. */
    usdt_row(p, r, holds, available);
    assert_string_equal(holds, "60.06");
    assert_string_equal(available, "999939.94");

    /* Six orders: refused whole, nothing placed (the request is paid). */
    n = (size_t)snprintf(body, sizeof(body), "{\"orderList\":[");
    for (int i = 0; i < 6; i++) {
        n += (size_t)snprintf(
            body + n, sizeof(body) - n,
            "%s{\"clientOid\":\"x%d\",\"side\":\"buy\",\"symbol\":"
            "\"BTC-USDT\",\"type\":\"limit\",\"price\":\"30000\","
            "\"size\":\"0.001\"}",
            i ? "," : "", i);
    }
    snprintf(body + n, sizeof(body) - n, "]}");
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "", body, r);
    assert_code(r, 400, "400100");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2);
    order_statuses(p, statuses, sizeof(statuses));
    assert_string_equal(statuses, "NEW,NEW,");

    /* Cancel all, weight 2: nothing left open, the funds free again. */
    send_signed(p, "DELETE", "/api/v1/hf/orders", "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    assert_non_null(strstr(r->body, "\"data\":\"success\""));
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 0);
    order_statuses(p, statuses, sizeof(statuses));
    assert_string_equal(statuses, "CANCELED,CANCELED,");
    usdt_row(p, r, holds, available);
    assert_string_equal(holds, "0");
    assert_string_equal(available, "1000000");

    /* The Spot pool is spent: the next batch is 429000 and places
     * nothing. */
    send_signed(p, "POST", "/api/v1/hf/orders/multi", "",
                "{\"orderList\":[{\"clientOid\":\"late\",\"side\":\"buy\","
                "\"symbol\":\"BTC-USDT\",\"type\":\"limit\",\"price\":"
                "\"30000\",\"size\":\"0.001\"}]}",
                r);
    assert_code(r, 429, "429000");
    order_statuses(p, statuses, sizeof(statuses));
    assert_string_equal(statuses, "CANCELED,CANCELED,");
    free(r);
    sim_down(p);
}

/* POST /api/v1/hf/orders/alter with a JSON body. */
static void
alter(xg_sim_proc *p, const char *body, reply *r)
{
    send_signed(p, "POST", "/api/v1/hf/orders/alter", "", body, r);
}

/* GET the HF order object by clientOid (or, with by_id, by orderId);
 * given: decref. */
static json_t *
order_of(xg_sim_proc *p, const char *id, bool by_id, reply *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/hf/orders/%s%s",
             by_id ? "" : "client-order/", id);
    send_signed(p, "GET", path, "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    return parse(r);
}

/* The orderId of a place or the newOrderId of an alter, into out. */
static void
id_of(const reply *r, const char *key, char out[32])
{
    json_t *root = parse(r);
    snprintf(out, 32, "%s", str_at(data_of(root), key));
    json_decref(root);
}

/* Modify Order is KuCoin's cancel-replace: a new orderId under the same
 * clientOid, the old order canceled, Spot weight 1; the clientOid then
 * names the new order, the old id the canceled one, and every answer
 * shows the new price and size. */
static void
test_alter_replaces_the_order_under_its_clientOid(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;
    char old_id[32], new_id[32], third[32], body[256];
    char log[16384];

    place(p, "mod1", "buy", "34000", "0.5", "GTC", r);
    assert_code(r, 200, "200000");
    id_of(r, "orderId", old_id);
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"mod1\","
          "\"newPrice\":\"34100\",\"newSize\":\"0.6\"}",
          r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 4000 - 1 - 1);
    root = parse(r);
    d = data_of(root);
    assert_string_equal(str_at(d, "clientOid"), "mod1");
    snprintf(new_id, sizeof(new_id), "%s", str_at(d, "newOrderId"));
    assert_int_equal(strlen(new_id), 24);
    assert_string_not_equal(new_id, old_id);
    json_decref(root);

    root = order_of(p, "mod1", false, r);
    d = data_of(root);
    assert_string_equal(str_at(d, "id"), new_id);
    assert_string_equal(str_at(d, "price"), "34100");
    assert_string_equal(str_at(d, "size"), "0.6");
    assert_string_equal(str_at(d, "remainSize"), "0.6");
    assert_string_equal(str_at(d, "dealSize"), "0");
    assert_true(json_is_true(json_object_get(d, "active")));
    json_decref(root);
    root = order_of(p, old_id, true, r);
    d = data_of(root);
    assert_string_equal(str_at(d, "clientOid"), "mod1");
    assert_string_equal(str_at(d, "price"), "34000");
    assert_true(json_is_false(json_object_get(d, "active")));
    assert_true(json_is_true(json_object_get(d, "cancelExist")));
    json_decref(root);
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    root = parse(r);
    d = data_of(root);
    assert_int_equal(json_array_size(d), 1);
    assert_string_equal(str_at(json_array_get(d, 0), "id"), new_id);
    assert_string_equal(str_at(json_array_get(d, 0), "price"), "34100");
    json_decref(root);

    /* By orderId, newPrice only: the size stays. The SDK sends an empty
     * clientOid along. */
    snprintf(body, sizeof(body),
             "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"\",\"orderId\":\"%s\","
             "\"newPrice\":\"34200\"}",
             new_id);
    alter(p, body, r);
    assert_code(r, 200, "200000");
    id_of(r, "newOrderId", third);
    assert_string_not_equal(third, new_id);
    root = order_of(p, "mod1", false, r);
    d = data_of(root);
    assert_string_equal(str_at(d, "id"), third);
    assert_string_equal(str_at(d, "price"), "34200");
    assert_string_equal(str_at(d, "size"), "0.6");
    json_decref(root);

    /* A price through the book: the replacement takes, as a taker. */
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"mod1\","
          "\"newPrice\":\"35000.1\",\"newSize\":\"0.001\"}",
          r);
    assert_code(r, 200, "200000");
    root = order_of(p, "mod1", false, r);
    d = data_of(root);
    assert_true(json_is_false(json_object_get(d, "active")));
    assert_string_equal(str_at(d, "dealSize"), "0.001");
    assert_string_equal(str_at(d, "price"), "35000.1");
    json_decref(root);
    /* The clientOid stays taken for new orders. */
    place(p, "mod1", "buy", "34000", "0.5", "GTC", r);
    assert_code(r, 400, "126044");
    assert_int_equal(xg_sim_log_fetch(p, "kucoin", 0, log, sizeof(log)), XG_OK);
    assert_non_null(strstr(log, "\"path\":\"/api/v1/hf/orders/alter\","
                                "\"status\":200,\"code\":0,"
                                "\"client_order_id\":\"mod1\","
                                "\"outcome\":\"placed\""));
    free(r);
    sim_down(p);
}

/* What filled before the modify stays with the clientOid: the new order
 * starts with the old one's dealSize (xgsim's assumption), and a newSize
 * not above it completes the order without a new one. */
static void
test_alter_keeps_a_partial_fill(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;
    char out[4096], new_id[32];

    place(p, "part1", "buy", "34000", "0.5", "GTC", r);
    assert_code(r, 200, "200000");
    assert_int_equal(xg_sim_admin(p, "kucoin", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"part1\","
                                  "\"api_key\":\"" KEY "\","
                                  "\"qty\":\"0.2\",\"price\":\"34000\"}",
                                  out, sizeof(out)),
                     XG_OK);
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"part1\","
          "\"newPrice\":\"34050\",\"newSize\":\"0.6\"}",
          r);
    assert_code(r, 200, "200000");
    id_of(r, "newOrderId", new_id);
    root = order_of(p, "part1", false, r);
    d = data_of(root);
    assert_string_equal(str_at(d, "id"), new_id);
    assert_string_equal(str_at(d, "price"), "34050");
    assert_string_equal(str_at(d, "size"), "0.6");
    assert_string_equal(str_at(d, "dealSize"), "0.2");
    assert_string_equal(str_at(d, "dealFunds"), "6800");
    assert_string_equal(str_at(d, "remainSize"), "0.4");
    assert_true(json_is_true(json_object_get(d, "active")));
    json_decref(root);
    /* Only what is left is locked: 0.4 * 34050 plus its 0.1% fee. */
    send_signed(p, "GET", "/api/v1/accounts", "currency=USDT&type=trade", "",
                r);
    root = parse(r);
    assert_string_equal(str_at(json_array_get(data_of(root), 0), "holds"),
                        "13633.62");
    json_decref(root);

    /* newSize at what filled: completed, canceled, nothing new placed;
     * the answer names the order that was canceled. */
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"part1\","
          "\"newSize\":\"0.2\"}",
          r);
    assert_code(r, 200, "200000");
    root = parse(r);
    assert_string_equal(str_at(data_of(root), "newOrderId"), new_id);
    json_decref(root);
    root = order_of(p, "part1", false, r);
    d = data_of(root);
    assert_string_equal(str_at(d, "id"), new_id);
    assert_true(json_is_false(json_object_get(d, "active")));
    assert_true(json_is_true(json_object_get(d, "cancelExist")));
    assert_string_equal(str_at(d, "dealSize"), "0.2");
    assert_string_equal(str_at(d, "cancelledSize"), "0.4");
    json_decref(root);
    send_signed(p, "GET", "/api/v1/hf/orders/active", "symbol=BTC-USDT", "", r);
    assert_non_null(strstr(r->body, "\"data\":[]"));
    free(r);
    sim_down(p);
}

/* Refusals: a filled, canceled or unknown order is 400100 "order not
 * exist"; a bad body or a new price or size off the symbol's rules is
 * refused before anything is canceled; a replacement the balance cannot
 * cover is refused after the cancel, which stands (xgsim's assumption). */
static void
test_alter_refusals(void **state)
{
    (void)state;
    xg_sim_proc *p = sim_up(paused);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL, *d = NULL;
    static const struct {
        const char *body;
        const char *code;
    } bad[] = {
        {"[", "400100"},
        {"{\"clientOid\":\"keep1\",\"newPrice\":\"34000\"}", "400100"},
        {"{\"symbol\":\"DOGE-USDT\",\"clientOid\":\"keep1\","
         "\"newPrice\":\"34000\"}",
         "400600"},
        {"{\"symbol\":\"BTC-USDT\",\"newPrice\":\"34000\"}", "400100"},
        {"{\"symbol\":\"BTC-USDT\",\"clientOid\":\"keep1\"}", "400100"},
        {"{\"symbol\":\"BTC-USDT\",\"clientOid\":\"keep1\","
         "\"newPrice\":\"abc\"}",
         "400100"},
        {"{\"symbol\":\"BTC-USDT\",\"clientOid\":\"keep1\","
         "\"newSize\":\"-1\"}",
         "400100"},
        {"{\"symbol\":\"BTC-USDT\",\"clientOid\":7,\"newSize\":\"1\"}",
         "400100"},
        {"{\"symbol\":\"BTC-USDT\",\"clientOid\":\"keep1\","
         "\"newPrice\":\"34000.05\"}",
         "400100"},
        {"{\"symbol\":\"BTC-USDT\",\"clientOid\":\"keep1\","
         "\"newSize\":\"0.000001\"}",
         "400100"},
    };

    place(p, "keep1", "buy", "34000", "0.5", "GTC", r);
    assert_code(r, 200, "200000");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        alter(p, bad[i].body, r);
        assert_code(r, 400, bad[i].code);
    }
    assert_non_null(strstr(r->body, "Order size increment invalid."));
    /* None of them touched the order. */
    root = order_of(p, "keep1", false, r);
    d = data_of(root);
    assert_true(json_is_true(json_object_get(d, "active")));
    assert_string_equal(str_at(d, "price"), "34000");
    json_decref(root);

    /* Filled, canceled, unknown, another symbol: not there to modify. */
    place(p, "gone1", "buy", "36000", "0.001", "GTC", r);
    assert_code(r, 200, "200000");
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"gone1\","
          "\"newPrice\":\"34000\"}",
          r);
    assert_code(r, 400, "400100");
    assert_non_null(strstr(r->body, "\"msg\":\"order not exist\""));
    place(p, "gone2", "buy", "34000", "0.001", "GTC", r);
    send_signed(p, "DELETE", "/api/v1/hf/orders/client-order/gone2",
                "symbol=BTC-USDT", "", r);
    assert_code(r, 200, "200000");
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"gone2\","
          "\"newPrice\":\"34000\"}",
          r);
    assert_code(r, 400, "400100");
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"nope\","
          "\"newPrice\":\"34000\"}",
          r);
    assert_code(r, 400, "400100");
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"orderId\":\"ffffffffffffffffffffffff\","
          "\"newPrice\":\"34000\"}",
          r);
    assert_code(r, 400, "400100");
    alter(p,
          "{\"symbol\":\"ETH-USDT\",\"clientOid\":\"keep1\","
          "\"newPrice\":\"1900\"}",
          r);
    assert_code(r, 400, "400100");

    /* 100 BTC at 34000 is more than the account's 1,000,000 USDT: the
     * old order is canceled, no new one placed. */
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"keep1\","
          "\"newSize\":\"100\"}",
          r);
    assert_code(r, 400, "200004");
    root = order_of(p, "keep1", false, r);
    d = data_of(root);
    assert_true(json_is_false(json_object_get(d, "active")));
    assert_true(json_is_true(json_object_get(d, "cancelExist")));
    assert_string_equal(str_at(d, "size"), "0.5");
    json_decref(root);
    free(r);
    sim_down(p);
}

/* The alter pays weight 1 from the Spot pool like a place, and one that
 * does not fit is 429000 and changes nothing. */
static void
test_alter_is_charged_to_the_spot_pool(void **state)
{
    (void)state;
    static const char *const args[] = {
        "--set", "kucoin.walk=0",          "--set", "kucoin.spot_limit=3",
        "--set", "kucoin.window_ms=60000", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = calloc(1, sizeof(*r));
    json_t *root = NULL;
    const char *move = "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"lim1\","
                       "\"newPrice\":\"34100\"}";
    char out[4096];

    place(p, "lim1", "buy", "34000", "0.5", "GTC", r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 2);
    alter(p, move, r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-limit"), 3);
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 1);
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"lim1\","
          "\"newPrice\":\"34200\"}",
          r);
    assert_code(r, 200, "200000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 0);
    alter(p,
          "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"lim1\","
          "\"newPrice\":\"34300\"}",
          r);
    assert_code(r, 429, "429000");
    assert_int_equal(header_i64(r, "gw-ratelimit-remaining"), 0);
    assert_true(header_i64(r, "gw-ratelimit-reset") > 0);
    /* Not executed: the order stands at 34200, three orders in all. */
    assert_int_equal(xg_sim_admin(p, "kucoin", "GET", "/_sim/orders", NULL, out,
                                  sizeof(out)),
                     XG_OK);
    root = json_loads(out, 0, NULL); /* every order, oldest first */
    assert_int_equal(json_array_size(root), 3);
    assert_string_equal(str_at(json_array_get(root, 2), "status"), "NEW");
    assert_string_equal(str_at(json_array_get(root, 2), "price"),
                        "34200.00000000");
    json_decref(root);
    free(r);
    sim_down(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_public_endpoints_answer_in_the_envelope, stop_running),
        cmocka_unit_test_teardown(test_signed_order_lifecycle, stop_running),
        cmocka_unit_test_teardown(test_bad_credentials_are_refused, stop_running),
        cmocka_unit_test_teardown(test_timestamp_window_is_enforced, stop_running),
        cmocka_unit_test_teardown(test_pool_is_a_fixed_window_anchored_at_first_request, stop_running),
        cmocka_unit_test_teardown(test_admin_ban_is_answered_as_cloudflare_1015, stop_running),
        cmocka_unit_test_teardown(test_injected_5xx_with_and_without_execution, stop_running),
        cmocka_unit_test_teardown(test_limited_fault_answers_the_pools_429000_and_charges_nothing, stop_running),
        cmocka_unit_test_teardown(test_market_data_reads_the_paused_book, stop_running),
        cmocka_unit_test_teardown(test_startup_paths_answer_on_their_pools, stop_running),
        cmocka_unit_test_teardown(test_accounts_show_available_and_holds, stop_running),
        cmocka_unit_test_teardown(test_query_and_cancel_by_order_id, stop_running),
        cmocka_unit_test_teardown(test_fills_and_done_orders_page_by_last_id, stop_running),
        cmocka_unit_test_teardown(test_bad_query_parameters_are_400100, stop_running),
        cmocka_unit_test_teardown(test_batch_place_and_cancel_all_per_symbol, stop_running),
        cmocka_unit_test_teardown(test_batch_is_one_request_and_cancel_all_frees_the_funds, stop_running),
        cmocka_unit_test_teardown(test_alter_replaces_the_order_under_its_clientOid, stop_running),
        cmocka_unit_test_teardown(test_alter_keeps_a_partial_fill, stop_running),
        cmocka_unit_test_teardown(test_alter_refusals, stop_running),
        cmocka_unit_test_teardown(test_alter_is_charged_to_the_spot_pool, stop_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
