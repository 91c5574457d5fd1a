/*
 * test_sim_okx.c - xgsim's OKX dialect checked by an independent client:
 * this file signs requests with its own OpenSSL HMAC code (not the
 * adapter's) and talks HTTP through the test support's plain client.
 * Signature accepted and refused, passphrase and key, the timestamp
 * window, the per-instrument per-endpoint sliding limits exactly as
 * configured, an admin ban and admin faults, and the pages of
 * orders-pending (after / before / limit, anchored on an ordId).
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

#include "sim_launch.h"

#define KEY    "xgsim-test-key"
#define SECRET "xgsim-test-secret"
#define PASS   "xgsim-test-pass"

static xg_sim_proc the_sim;

static int
sim_teardown(void **state)
{
    (void)state;
    xg_sim_stop(&the_sim);
    return 0;
}

static void
sim_start(const char *const *extra)
{
    const char *args[24];
    size_t n = 0;
    memset(&the_sim, 0, sizeof the_sim);
    args[n++] = "--venue";
    args[n++] = "okx=127.0.0.1:0";
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 22; i++) {
        args[n++] = extra[i];
    }
    args[n] = NULL;
    assert_int_equal(xg_sim_start(&the_sim, args), XG_OK);
    assert_true(xg_sim_port(&the_sim, "okx") > 0);
}

static int64_t
wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
iso(int64_t ms, char out[64])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(ms % 1000));
}

typedef struct creds {
    const char *key, *secret, *pass;
    int64_t ts_offset_ms;
    int tamper; /* flip one signature character */
} creds;

static const creds good = {KEY, SECRET, PASS, 0, 0};

/* The raw body and the header block of the last call's answer. */
static const char *last_body;
static char last_hdrs[8192];

/* One signed request; the parsed body is returned (given), status in
 * *status. */
static json_t *
call(const creds *cr, const char *method, const char *target, const char *body,
     long *status)
{
    char ts[64], pre[2048], sig[128], h[4][200];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    static char out[65536];
    last_body = out;
    iso(wall_ms() + cr->ts_offset_ms, ts);
    snprintf(pre, sizeof pre, "%s%s%s%s", ts, method, target,
             body != NULL ? body : "");
    HMAC(EVP_sha256(), cr->secret, (int)strlen(cr->secret),
         (const unsigned char *)pre, strlen(pre), mac, &mac_len);
    EVP_EncodeBlock((unsigned char *)sig, mac, (int)mac_len);
    if (cr->tamper) {
        sig[3] = sig[3] == 'A' ? 'B' : 'A';
    }
    snprintf(h[0], sizeof h[0], "OK-ACCESS-KEY: %s", cr->key);
    snprintf(h[1], sizeof h[1], "OK-ACCESS-SIGN: %s", sig);
    snprintf(h[2], sizeof h[2], "OK-ACCESS-TIMESTAMP: %s", ts);
    snprintf(h[3], sizeof h[3], "OK-ACCESS-PASSPHRASE: %s", cr->pass);
    const char *hdrs[] = {
        h[0], h[1], h[2], h[3], "Content-Type: application/json", NULL};
    assert_int_equal(xg_sim_http(&the_sim, "okx", method, target, hdrs, body,
                                 body != NULL ? strlen(body) : 0, status, out,
                                 sizeof out, last_hdrs, sizeof last_hdrs),
                     XG_OK);
    json_t *j = json_loads(out, 0, NULL);
    if (j == NULL) {
        fail_msg("not JSON: %s", out);
    }
    return j;
}

static const char *
code_of(const json_t *j)
{
    return json_string_value(json_object_get(j, "code"));
}

static const char *
s_code_of(const json_t *j)
{
    return json_string_value(json_object_get(
        json_array_get(json_object_get(j, "data"), 0), "sCode"));
}

static json_t *
place(const creds *cr, const char *inst, const char *id, const char *px,
      long *status)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"instId\":\"%s\",\"tdMode\":\"cash\",\"side\":\"buy\","
             "\"ordType\":\"limit\",\"px\":\"%s\",\"sz\":\"0.01\","
             "\"clOrdId\":\"%s\"}",
             inst, px, id);
    return call(cr, "POST", "/api/v5/trade/order", body, status);
}

static void
test_signature_key_passphrase_checked(void **state)
{
    (void)state;
    sim_start(NULL);
    long st = 0;
    json_t *j = place(&good, "BTC-USDT", "sig1", "30000", &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);

    creds bad = good;
    bad.tamper = 1;
    j = place(&bad, "BTC-USDT", "sig2", "30000", &st);
    assert_int_equal(st, 401);
    assert_string_equal(code_of(j), "50113");
    json_decref(j);
    bad = good;
    bad.secret = "wrong-secret";
    j = place(&bad, "BTC-USDT", "sig3", "30000", &st);
    assert_string_equal(code_of(j), "50113");
    json_decref(j);
    bad = good;
    bad.pass = "wrong-pass";
    j = place(&bad, "BTC-USDT", "sig4", "30000", &st);
    assert_int_equal(st, 401);
    assert_string_equal(code_of(j), "50105");
    json_decref(j);
    bad = good;
    bad.key = "nobody";
    j = place(&bad, "BTC-USDT", "sig5", "30000", &st);
    assert_string_equal(code_of(j), "50111");
    json_decref(j);

    /* The query string is part of what is signed (GET). */
    j = call(&good, "GET", "/api/v5/trade/order?instId=BTC-USDT&clOrdId=sig1",
             NULL, &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    const json_t *o = json_array_get(json_object_get(j, "data"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "state")), "live");
    assert_string_equal(json_string_value(json_object_get(o, "px")), "30000");
    json_decref(j);
    /* Never placed: 51603. */
    j = call(&good, "GET", "/api/v5/trade/order?instId=BTC-USDT&clOrdId=none",
             NULL, &st);
    assert_string_equal(code_of(j), "51603");
    json_decref(j);
    /* clOrdId with '-' is refused. */
    j = place(&good, "BTC-USDT", "bad-id", "30000", &st);
    assert_string_equal(code_of(j), "51000");
    json_decref(j);
    /* Unknown instrument, per order. */
    j = place(&good, "DOGE-USDT", "doge1", "1", &st);
    assert_string_equal(s_code_of(j), "51001");
    json_decref(j);
}

/* A price off BTC-USDT's 0.1 tick is the live venue's parameter error of
 * px (51000); one above the instrument's range breaks the price limit
 * (51006). Both per order, with HTTP 200 and code 1. */
static void
test_price_off_tick_and_out_of_range(void **state)
{
    (void)state;
    sim_start(NULL);
    long st = 0;
    json_t *j = place(&good, "BTC-USDT", "tick1", "30000.05", &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "1");
    assert_string_equal(s_code_of(j), "51000");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(j, "data"), 0), "sMsg")),
        "Parameter px error");
    json_decref(j);
    j = place(&good, "BTC-USDT", "range1", "2000000", &st);
    assert_int_equal(st, 200);
    assert_string_equal(s_code_of(j), "51006");
    json_decref(j);
    j = place(&good, "BTC-USDT", "tick2", "30000.1", &st);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
}

static void
test_timestamp_window(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.skew_ms=1000", NULL};
    sim_start(args);
    creds old = good;
    long st = 0;
    old.ts_offset_ms = -2500;
    json_t *j = place(&old, "BTC-USDT", "ts1", "30000", &st);
    assert_int_equal(st, 401);
    assert_string_equal(code_of(j), "50102");
    json_decref(j);
    old.ts_offset_ms = 2500;
    j = place(&old, "BTC-USDT", "ts2", "30000", &st);
    assert_string_equal(code_of(j), "50102");
    json_decref(j);
    old.ts_offset_ms = -300;
    j = place(&old, "BTC-USDT", "ts3", "30000", &st);
    assert_string_equal(code_of(j), "0");
    json_decref(j);
}

/* place_limit=5 per 600 ms: the 6th place on BTC-USDT is refused with
 * 429/50011, ETH-USDT and the cancel endpoint are not affected, and
 * after the window has slid the instrument is open again. */
static void
test_limits_per_instrument_and_endpoint(void **state)
{
    (void)state;
    const char *args[] = {
        "--set", "okx.place_limit=5", "--set", "okx.cancel_limit=2",
        "--set", "okx.window_ms=600", NULL};
    sim_start(args);
    long st = 0;
    char id[16];
    int64_t t0 = wall_ms();
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "lim%d", i);
        json_t *j = place(&good, "BTC-USDT", id, "30000", &st);
        assert_string_equal(code_of(j), "0");
        json_decref(j);
    }
    json_t *j = place(&good, "BTC-USDT", "lim5", "30000", &st);
    if (wall_ms() - t0 < 600) {
        assert_int_equal(st, 429);
        assert_string_equal(code_of(j), "50011");
    }
    json_decref(j);
    j = place(&good, "ETH-USDT", "eth1", "1500", &st);
    assert_string_equal(code_of(j), "0");
    json_decref(j);
    /* Cancels have their own count: 2 pass, the third is limited. */
    for (int i = 0; i < 3; i++) {
        char body[128];
        snprintf(body, sizeof body,
                 "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lim%d\"}", i);
        j = call(&good, "POST", "/api/v5/trade/cancel-order", body, &st);
        if (i < 2) {
            assert_string_equal(code_of(j), "0");
            assert_string_equal(s_code_of(j), "0");
        } else if (wall_ms() - t0 < 600) {
            assert_string_equal(code_of(j), "50011");
        }
        json_decref(j);
    }
    /* The window slides: once 600 ms passed since the first place, a
     * place goes through again. */
    while (wall_ms() - t0 < 650) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    j = place(&good, "BTC-USDT", "lim6", "30000", &st);
    assert_string_equal(code_of(j), "0");
    json_decref(j);
    /* A cancel of a canceled order: 51401; of a filled one: 51402. */
    j = call(&good, "POST", "/api/v5/trade/cancel-order",
             "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lim0\"}", &st);
    if (strcmp(code_of(j), "50011") != 0) {
        assert_string_equal(s_code_of(j), "51401");
    }
    json_decref(j);
}

static void
test_admin_ban_and_faults(void **state)
{
    (void)state;
    sim_start(NULL);
    char out[1024];
    long st = 0;
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/ban",
                                  "{\"duration_ms\":400}", out, sizeof out),
                     XG_OK);
    json_t *j = place(&good, "BTC-USDT", "ban1", "30000", &st);
    assert_int_equal(st, 403);
    assert_string_equal(code_of(j), "50007");
    json_decref(j);
    int64_t t0 = wall_ms();
    while (wall_ms() - t0 < 450) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    j = place(&good, "BTC-USDT", "ban2", "30000", &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    json_decref(j);

    /* A 503 after execution: the order exists although the answer was an
     * error in OKX's shape. */
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fault",
                                  "{\"status_5xx\":{\"count\":1,\"status\":503,"
                                  "\"execute\":true}}",
                                  out, sizeof out),
                     XG_OK);
    j = place(&good, "BTC-USDT", "flt1", "30000", &st);
    assert_int_equal(st, 503);
    assert_string_equal(code_of(j), "50001");
    json_decref(j);
    j = call(&good, "GET", "/api/v5/trade/order?instId=BTC-USDT&clOrdId=flt1",
             NULL, &st);
    assert_string_equal(code_of(j), "0");
    json_decref(j);
    /* Taking order fills at once; a cancel then says completed. */
    j = place(&good, "BTC-USDT", "take1", "36000", &st);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
    j = call(&good, "GET", "/api/v5/trade/order?instId=BTC-USDT&clOrdId=take1",
             NULL, &st);
    const json_t *o = json_array_get(json_object_get(j, "data"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "state")),
                        "filled");
    assert_string_equal(json_string_value(json_object_get(o, "accFillSz")),
                        "0.01");
    json_decref(j);
    j = call(&good, "POST", "/api/v5/trade/cancel-order",
             "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"take1\"}", &st);
    assert_string_equal(s_code_of(j), "51402");
    json_decref(j);
    /* Pending lists the resting orders only. */
    j = call(&good, "GET", "/api/v5/trade/orders-pending?instType=SPOT", NULL,
             &st);
    assert_string_equal(code_of(j), "0");
    assert_int_equal(json_array_size(json_object_get(j, "data")), 2);
    json_decref(j);
    /* A duplicate client id of an open order. */
    j = place(&good, "BTC-USDT", "ban2", "30000", &st);
    assert_string_equal(s_code_of(j), "51016");
    json_decref(j);
}

/* A limited fault answers exactly what the window gate answers (HTTP
 * 429, 50011, no headers) and places nothing; the orders behind it still
 * find the whole window free. */
static void
test_limited_fault_answers_the_gates_50011_and_places_nothing(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.place_limit=2", "--set",
                          "okx.window_ms=60000", NULL};
    sim_start(args);
    char out[4096];
    char faulted[512];
    char id[16];
    long st = 0;
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fault",
                                  "{\"limited\":{\"count\":4,"
                                  "\"retry_after_ms\":2000}}",
                                  out, sizeof out),
                     XG_OK);
    for (int i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "flim%d", i);
        json_t *j = place(&good, "BTC-USDT", id, "30000", &st);
        assert_int_equal(st, 429);
        assert_string_equal(code_of(j), "50011");
        assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
        json_decref(j);
        assert_int_equal(
            xg_sim_header_get(last_hdrs, "Retry-After", out, sizeof out),
            XG_ERR_NOT_FOUND);
    }
    snprintf(faulted, sizeof faulted, "%s", last_body);
    for (int i = 0; i < 2; i++) {
        snprintf(id, sizeof id, "fok%d", i);
        json_t *j = place(&good, "BTC-USDT", id, "30000", &st);
        assert_int_equal(st, 200);
        assert_string_equal(code_of(j), "0");
        json_decref(j);
    }
    json_t *j = place(&good, "BTC-USDT", "fover", "30000", &st);
    assert_int_equal(st, 429);
    json_decref(j);
    assert_string_equal(last_body, faulted);

    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/orders", NULL,
                                  out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"client_order_id\":\"fok1\""));
    assert_null(strstr(out, "\"client_order_id\":\"flim0\""));
    assert_null(strstr(out, "\"client_order_id\":\"flim3\""));
    assert_int_equal(xg_sim_log_fetch(&the_sim, "okx", 0, out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"status\":429,\"code\":50011,"
                                "\"client_order_id\":\"flim0\","
                                "\"outcome\":\"limited\""));
    /* No ban came of it. */
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/state", NULL,
                                  out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"bans\":0"));
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/ban",
                                  "{\"duration_ms\":10,\"status\":418}", out,
                                  sizeof out),
                     XG_ERR_REJECTED);
}

/* GET orders-pending with the given extra query ("" or "&after=..."). */
static json_t *
pending(const char *inst, const char *extra, long *status)
{
    char target[256];
    snprintf(target, sizeof target,
             "/api/v5/trade/orders-pending?instType=SPOT%s%s%s",
             inst != NULL ? "&instId=" : "", inst != NULL ? inst : "", extra);
    return call(&good, "GET", target, NULL, status);
}

static long long
ord_id_of(const json_t *o)
{
    const char *id = json_string_value(json_object_get(o, "ordId"));
    assert_non_null(id);
    return strtoll(id, NULL, 10);
}

#define N_PAGED 120

/* Each of the 120 "pgN" orders seen once; ids newest first. Returns the
 * page's size; *last the page's last ordId (0 if empty). */
static size_t
take_page(const json_t *j, int seen[N_PAGED], long long *last)
{
    const json_t *data = json_object_get(j, "data");
    long long prev = 0;
    size_t i = 0;
    const json_t *o = NULL;

    assert_string_equal(code_of(j), "0");
    assert_true(json_is_array(data));
    *last = 0;
    json_array_foreach(data, i, o)
    {
        const char *cl = json_string_value(json_object_get(o, "clOrdId"));
        long long id = ord_id_of(o);
        assert_non_null(cl);
        if (i > 0) {
            assert_true(id < prev);
        }
        prev = id;
        *last = id;
        if (strncmp(cl, "pg", 2) == 0) {
            int k = (int)strtol(cl + 2, NULL, 10);
            assert_true(k >= 0 && k < N_PAGED);
            seen[k]++;
        }
    }
    return json_array_size(data);
}

static void
place_ok(const char *inst, const char *id, const char *px)
{
    long st = 0;
    json_t *j = place(&good, inst, id, px, &st);
    assert_int_equal(st, 200);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
}

/* 120 resting orders walked in pages of 100: every order exactly once,
 * newest first, and orders placed between the pages (newer than the
 * cursor) do not shift the second page; "after" the last order is
 * empty. Then the same walk with limit=7, and an instrument filter. */
static void
test_pending_pages_walk_every_order_once(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.limits=0", NULL};
    sim_start(args);
    char id[16], extra[96];
    int seen[N_PAGED];
    long long last = 0;
    long st = 0;

    for (int i = 0; i < N_PAGED; i++) {
        snprintf(id, sizeof id, "pg%d", i);
        place_ok("BTC-USDT", id, "30000");
        if (i % 40 == 0) {
            snprintf(id, sizeof id, "eth%d", i);
            place_ok("ETH-USDT", id, "1500");
        }
    }
    /* A filled order is not pending and does not take a place in a page. */
    place_ok("BTC-USDT", "gone1", "36000");

    memset(seen, 0, sizeof seen);
    json_t *j = pending("BTC-USDT", "&limit=100", &st);
    assert_int_equal(st, 200);
    assert_int_equal(take_page(j, seen, &last), 100);
    /* Newest first: the first entry is the last one placed. */
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(j, "data"), 0), "clOrdId")),
        "pg119");
    json_decref(j);
    /* New orders between the pages are newer than the cursor. */
    place_ok("BTC-USDT", "mid1", "30000");
    place_ok("BTC-USDT", "mid2", "30000");
    snprintf(extra, sizeof extra, "&after=%lld", last);
    j = pending("BTC-USDT", extra, &st);
    assert_int_equal(st, 200);
    assert_int_equal(take_page(j, seen, &last), N_PAGED - 100);
    json_decref(j);
    for (int i = 0; i < N_PAGED; i++) {
        assert_int_equal(seen[i], 1);
    }
    snprintf(extra, sizeof extra, "&after=%lld&limit=100", last);
    j = pending("BTC-USDT", extra, &st);
    assert_int_equal(take_page(j, seen, &last), 0);
    json_decref(j);

    /* Pages of 7 over all symbols: 122 BTC + 3 ETH orders, every pgN
     * once, 18 pages (17 full, one of 6). */
    memset(seen, 0, sizeof seen);
    size_t total = 0;
    int pages = 0;
    snprintf(extra, sizeof extra, "&limit=7");
    for (;;) {
        j = pending(NULL, extra, &st);
        assert_int_equal(st, 200);
        size_t n = take_page(j, seen, &last);
        json_decref(j);
        assert_true(n <= 7);
        total += n;
        pages++;
        assert_true(pages <= 30);
        if (n < 7) {
            break;
        }
        snprintf(extra, sizeof extra, "&limit=7&after=%lld", last);
    }
    assert_int_equal(total, 125);
    assert_int_equal(pages, 18);
    for (int i = 0; i < N_PAGED; i++) {
        assert_int_equal(seen[i], 1);
    }

    /* The instrument filter applies within the page. */
    j = pending("ETH-USDT", "", &st);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 3);
    json_decref(j);
}

/* "before" lists the orders newer than an ordId, the `limit` nearest to
 * it, still newest first; "after" an id below every order, or 0, is
 * empty; an anchor that is not an open order still anchors. */
static void
test_pending_before_and_anchor_on_closed_order(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.limits=0", NULL};
    sim_start(args);
    char id[16], extra[96];
    long long ids[10];
    long st = 0;

    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof id, "b%d", i);
        place_ok("BTC-USDT", id, "30000");
    }
    json_t *j = pending("BTC-USDT", "", &st);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 10);
    for (int i = 0; i < 10; i++) {
        /* data[0] is b9. */
        ids[9 - i] =
            ord_id_of(json_array_get(json_object_get(j, "data"), (size_t)i));
    }
    json_decref(j);

    snprintf(extra, sizeof extra, "&before=%lld&limit=3", ids[2]);
    j = pending("BTC-USDT", extra, &st);
    const json_t *data = json_object_get(j, "data");
    assert_int_equal(json_array_size(data), 3);
    assert_int_equal(ord_id_of(json_array_get(data, 0)), ids[5]);
    assert_int_equal(ord_id_of(json_array_get(data, 2)), ids[3]);
    json_decref(j);

    /* Both: strictly between. */
    snprintf(extra, sizeof extra, "&after=%lld&before=%lld", ids[7], ids[2]);
    j = pending("BTC-USDT", extra, &st);
    data = json_object_get(j, "data");
    assert_int_equal(json_array_size(data), 4);
    assert_int_equal(ord_id_of(json_array_get(data, 0)), ids[6]);
    assert_int_equal(ord_id_of(json_array_get(data, 3)), ids[3]);
    json_decref(j);

    /* Cancel b5: "after" it still gives b4 first, and b5 is not listed. */
    j = call(&good, "POST", "/api/v5/trade/cancel-order",
             "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"b5\"}", &st);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
    snprintf(extra, sizeof extra, "&after=%lld&limit=2", ids[5]);
    j = pending("BTC-USDT", extra, &st);
    data = json_object_get(j, "data");
    assert_int_equal(json_array_size(data), 2);
    assert_int_equal(ord_id_of(json_array_get(data, 0)), ids[4]);
    assert_int_equal(ord_id_of(json_array_get(data, 1)), ids[3]);
    json_decref(j);
    snprintf(extra, sizeof extra, "&after=%lld", ids[7]);
    j = pending("BTC-USDT", extra, &st);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 6);
    json_decref(j);

    j = pending("BTC-USDT", "&after=0", &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
    json_decref(j);
    snprintf(extra, sizeof extra, "&after=%lld", ids[0]);
    j = pending("BTC-USDT", extra, &st);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
    json_decref(j);
    /* An anchor far above every id lists from the newest. */
    j = pending("BTC-USDT", "&after=590908157585625111&limit=1", &st);
    data = json_object_get(j, "data");
    assert_int_equal(json_array_size(data), 1);
    assert_int_equal(ord_id_of(json_array_get(data, 0)), ids[9]);
    json_decref(j);
}

/* A malformed paging parameter is OKX's parameter error (51000, naming
 * the parameter), HTTP 400, and lists nothing. */
static void
test_pending_refuses_malformed_paging_parameters(void **state)
{
    (void)state;
    sim_start(NULL);
    static const struct {
        const char *extra;
        const char *msg;
    } cases[] = {
        {"&after=abc", "Parameter after error"},
        {"&after=-1", "Parameter after error"},
        {"&after=12a", "Parameter after error"},
        {"&after=%2B5", "Parameter after error"},
        {"&after=1%200", "Parameter after error"},
        {"&after=99999999999999999999", "Parameter after error"},
        {"&before=x", "Parameter before error"},
        {"&limit=0", "Parameter limit error"},
        {"&limit=101", "Parameter limit error"},
        {"&limit=ten", "Parameter limit error"},
    };
    long st = 0;
    place_ok("BTC-USDT", "mal1", "30000");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *j = pending("BTC-USDT", cases[i].extra, &st);
        assert_int_equal(st, 400);
        assert_string_equal(code_of(j), "51000");
        assert_string_equal(json_string_value(json_object_get(j, "msg")),
                            cases[i].msg);
        assert_int_equal(json_array_size(json_object_get(j, "data")), 0);
        json_decref(j);
    }
    /* Empty values are absent values. */
    json_t *j = pending("BTC-USDT", "&after=&limit=", &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
    json_decref(j);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_signature_key_passphrase_checked,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_price_off_tick_and_out_of_range,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_timestamp_window, sim_teardown),
        cmocka_unit_test_teardown(test_limits_per_instrument_and_endpoint,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_admin_ban_and_faults, sim_teardown),
        cmocka_unit_test_teardown(
            test_limited_fault_answers_the_gates_50011_and_places_nothing,
            sim_teardown),
        cmocka_unit_test_teardown(test_pending_pages_walk_every_order_once,
                                  sim_teardown),
        cmocka_unit_test_teardown(
            test_pending_before_and_anchor_on_closed_order, sim_teardown),
        cmocka_unit_test_teardown(
            test_pending_refuses_malformed_paging_parameters, sim_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
