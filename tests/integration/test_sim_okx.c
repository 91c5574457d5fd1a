/*
 * test_sim_okx.c - xgsim's OKX dialect checked by an independent client:
 * this file signs requests with its own OpenSSL HMAC code (not the
 * adapter's) and talks HTTP through the test support's plain client.
 * Signature accepted and refused, passphrase and key, the timestamp
 * window, the per-instrument per-endpoint sliding limits exactly as
 * configured, an admin ban and admin faults, and the pages of
 * orders-pending (after / before / limit, anchored on an ordId). Then the
 * paths past orders against a paused walk, so every price is exact:
 * ticker, tickers, books and trades; balance, config, currencies and fee
 * rates; batch place and cancel with their per-order sCodes and the
 * limits they charge (orders per instrument, a batch of one as the
 * single path), one log line per batch and the balance its orders lock,
 * and the balance path's own limit; orders-history and fills with their pages
 * (by ordId, by billId); and hostile parameters answered with OKX's codes.
 * Last, amend-order: in place under the same ordId, fills before it kept, the
 * refusals with OKX's codes (51503 for a completed order), cxlOnFail,
 * the batch path and the endpoint's own per-instrument limit.
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
    char ts[64], pre[16384], sig[128], h[4][200];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    static char out[65536];
    last_body = out;
    iso(xg_test_wall_ms() + cr->ts_offset_ms, ts);
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
    int64_t t0 = xg_test_wall_ms();
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "lim%d", i);
        json_t *j = place(&good, "BTC-USDT", id, "30000", &st);
        assert_string_equal(code_of(j), "0");
        json_decref(j);
    }
    json_t *j = place(&good, "BTC-USDT", "lim5", "30000", &st);
    if (xg_test_wall_ms() - t0 < 600) {
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
        } else if (xg_test_wall_ms() - t0 < 600) {
            assert_string_equal(code_of(j), "50011");
        }
        json_decref(j);
    }
    /* The window slides: once 600 ms passed since the first place, a
     * place goes through again. */
    while (xg_test_wall_ms() - t0 < 650) {
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
    int64_t t0 = xg_test_wall_ms();
    while (xg_test_wall_ms() - t0 < 450) {
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

/* ---- paths past orders, on a paused walk -------------------------------- */

static const char *const paused[] = {"--set", "okx.walk=0", "--set",
                                     "okx.limits=0", NULL};

static json_t *
get(const char *target, long *status)
{
    return call(&good, "GET", target, NULL, status);
}

static const json_t *
item(const json_t *j, size_t i)
{
    return json_array_get(json_object_get(j, "data"), i);
}

static const char *
str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL) {
        fail_msg("no string %s", key);
    }
    return v;
}

static size_t
count(const json_t *j)
{
    return json_array_size(json_object_get(j, "data"));
}

/* The answer's code and HTTP status, checked and freed. */
static void
expect(json_t *j, const long *status, long want_status, const char *code,
       const char *msg)
{
    /* status by address: read after the call that sets it. */
    assert_int_equal(*status, want_status);
    assert_string_equal(code_of(j), code);
    if (msg != NULL) {
        assert_string_equal(json_string_value(json_object_get(j, "msg")), msg);
    }
    json_decref(j);
}

static void
place_full(const char *inst, const char *side, const char *type, const char *px,
           const char *sz, const char *id)
{
    char body[512];
    long st = 0;
    snprintf(body, sizeof body,
             "{\"instId\":\"%s\",\"tdMode\":\"cash\",\"side\":\"%s\","
             "\"ordType\":\"%s\",\"px\":\"%s\",\"sz\":\"%s\","
             "\"clOrdId\":\"%s\",\"tgtCcy\":\"base_ccy\"}",
             inst, side, type, px, sz, id);
    json_t *j = call(&good, "POST", "/api/v5/trade/order", body, &st);
    assert_int_equal(st, 200);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
}

/* BTC-USDT opens at 35000 with tickSz 0.1: best ask 35000.1, best bid
 * 34999.9, each level 1,000,000 USDT / 35000 = 28.57142857 BTC. */
static void
test_ticker_books_trades_exact(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    json_t *j = get("/api/v5/market/ticker?instId=BTC-USDT", &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    const json_t *t = item(j, 0);
    assert_string_equal(str(t, "instType"), "SPOT");
    assert_string_equal(str(t, "instId"), "BTC-USDT");
    assert_string_equal(str(t, "askPx"), "35000.1");
    assert_string_equal(str(t, "askSz"), "28.57142857");
    assert_string_equal(str(t, "bidPx"), "34999.9");
    assert_string_equal(str(t, "bidSz"), "28.57142857");
    /* No trade yet: last is the opening reference. */
    assert_string_equal(str(t, "last"), "35000");
    assert_string_equal(str(t, "lastSz"), "0");
    assert_string_equal(str(t, "open24h"), "35000");
    assert_string_equal(str(t, "vol24h"), "0");
    assert_string_equal(str(t, "volCcy24h"), "0");
    json_decref(j);

    /* OKX's default sz is 1 level. */
    j = get("/api/v5/market/books?instId=BTC-USDT", &st);
    assert_int_equal(st, 200);
    const json_t *bk = item(j, 0);
    assert_int_equal(json_array_size(json_object_get(bk, "asks")), 1);
    assert_int_equal(json_array_size(json_object_get(bk, "bids")), 1);
    assert_non_null(json_object_get(bk, "ts"));
    json_decref(j);
    j = get("/api/v5/market/books?instId=BTC-USDT&sz=3", &st);
    bk = item(j, 0);
    const json_t *asks = json_object_get(bk, "asks");
    const json_t *bids = json_object_get(bk, "bids");
    assert_int_equal(json_array_size(asks), 3);
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(asks, 0), 0)),
        "35000.1");
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(asks, 2), 0)),
        "35000.3");
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(bids, 1), 0)),
        "34999.8");
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(asks, 0), 1)),
        "28.57142857");
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(asks, 0), 2)), "0");
    assert_string_equal(
        json_string_value(json_array_get(json_array_get(asks, 0), 3)), "1");
    json_decref(j);

    /* A resting bid joins the synthetic one at 34999.9: summed, two
     * orders. */
    place_full("BTC-USDT", "buy", "limit", "34999.9", "1", "rest1");
    j = get("/api/v5/market/books?instId=BTC-USDT&sz=1", &st);
    const json_t *lvl = json_array_get(json_object_get(item(j, 0), "bids"), 0);
    assert_string_equal(json_string_value(json_array_get(lvl, 1)),
                        "29.57142857");
    assert_string_equal(json_string_value(json_array_get(lvl, 3)), "2");
    json_decref(j);

    /* A taker buy of 1 BTC takes it from the best ask. */
    place_full("BTC-USDT", "buy", "limit", "35000.1", "1", "take1");
    j = get("/api/v5/market/ticker?instId=BTC-USDT", &st);
    t = item(j, 0);
    assert_string_equal(str(t, "last"), "35000.1");
    assert_string_equal(str(t, "lastSz"), "1");
    assert_string_equal(str(t, "high24h"), "35000.1");
    assert_string_equal(str(t, "low24h"), "35000");
    assert_string_equal(str(t, "vol24h"), "1");
    assert_string_equal(str(t, "volCcy24h"), "35000.1");
    assert_string_equal(str(t, "askSz"), "27.57142857");
    json_decref(j);
    j = get("/api/v5/market/trades?instId=BTC-USDT", &st);
    assert_int_equal(st, 200);
    assert_int_equal(count(j), 1);
    t = item(j, 0);
    assert_string_equal(str(t, "px"), "35000.1");
    assert_string_equal(str(t, "sz"), "1");
    assert_string_equal(str(t, "side"), "buy");
    assert_true(strlen(str(t, "tradeId")) > 0);
    json_decref(j);
    place_full("BTC-USDT", "sell", "ioc", "34999.9", "0.5", "take2");
    j = get("/api/v5/market/trades?instId=BTC-USDT&limit=1", &st);
    assert_int_equal(count(j), 1);
    assert_string_equal(str(item(j, 0), "side"), "sell");
    json_decref(j);

    /* Tickers: every spot instrument; no other type is traded. */
    j = get("/api/v5/market/tickers?instType=SPOT", &st);
    assert_int_equal(count(j), 3);
    json_decref(j);
    j = get("/api/v5/market/tickers?instType=SWAP", &st);
    assert_int_equal(st, 200);
    assert_int_equal(count(j), 0);
    json_decref(j);

    /* Bad parameters. */
    expect(get("/api/v5/market/tickers", &st), &st, 400, "50014",
           "Parameter instType can not be empty.");
    expect(get("/api/v5/market/tickers?instType=FOO", &st), &st, 400, "51000",
           "Parameter instType error");
    expect(get("/api/v5/market/ticker", &st), &st, 400, "50014",
           "Parameter instId can not be empty.");
    expect(get("/api/v5/market/ticker?instId=BTC-USDT-SWAP", &st), &st, 200,
           "51001", NULL);
    static const char *const bad_sz[] = {
        "0", "401", "abc", "-1", "1.5", "99999999999999999999", "%2B1"};
    for (size_t i = 0; i < sizeof bad_sz / sizeof bad_sz[0]; i++) {
        char target[128];
        snprintf(target, sizeof target,
                 "/api/v5/market/books?instId=BTC-USDT&sz=%s", bad_sz[i]);
        expect(get(target, &st), &st, 400, "51000", "Parameter sz error");
    }
    expect(get("/api/v5/market/books?instId=BTC-USDT&sz=400", &st), &st, 200,
           "0", NULL);
    expect(get("/api/v5/market/trades?instId=BTC-USDT&limit=501", &st), &st,
           400, "51000", "Parameter limit error");
    expect(get("/api/v5/market/trades?instId=BTC-USDT&limit=0", &st), &st, 400,
           "51000", "Parameter limit error");
}

/* Public market paths count per client IP: books_limit=2 refuses the
 * third; ticker has its own window. */
static void
test_market_limits_per_ip(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.books_limit=2", "--set",
                          "okx.window_ms=60000", NULL};
    sim_start(args);
    long st = 0;
    for (int i = 0; i < 2; i++) {
        expect(get("/api/v5/market/books?instId=BTC-USDT", &st), &st, 200, "0",
               NULL);
    }
    expect(get("/api/v5/market/books?instId=ETH-USDT", &st), &st, 429, "50011",
           NULL);
    expect(get("/api/v5/market/ticker?instId=BTC-USDT", &st), &st, 200, "0",
           NULL);
    char out[8192];
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/state", NULL,
                                  out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"endpoint\":\"books\""));
    assert_non_null(strstr(out, "\"used\":2,\"limit\":2"));
}

/* Balance rows, config, currencies, fee rates, instruments of the types
 * the simulator does not trade. */
static void
test_account_paths(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "frz1");
    json_t *j = get("/api/v5/account/balance?ccy=USDT", &st);
    assert_int_equal(st, 200);
    const json_t *d = json_object_get(item(j, 0), "details");
    assert_int_equal(json_array_size(d), 1);
    const json_t *u = json_array_get(d, 0);
    assert_string_equal(str(u, "ccy"), "USDT");
    assert_string_equal(str(u, "availBal"), "999700");
    assert_string_equal(str(u, "frozenBal"), "300");
    assert_string_equal(str(u, "cashBal"), "1000000");
    assert_string_equal(str(u, "eq"), "1000000");
    json_decref(j);
    j = get("/api/v5/account/balance", &st);
    assert_int_equal(json_array_size(json_object_get(item(j, 0), "details")),
                     3);
    json_decref(j);

    j = get("/api/v5/account/config", &st);
    assert_int_equal(st, 200);
    assert_string_equal(str(item(j, 0), "acctLv"), "1");
    assert_string_equal(str(item(j, 0), "posMode"), "net_mode");
    json_decref(j);

    j = get("/api/v5/asset/currencies", &st);
    assert_int_equal(st, 200);
    assert_int_equal(count(j), 4); /* BTC, USDT, ETH, SOL */
    assert_string_equal(str(item(j, 0), "ccy"), "BTC");
    assert_string_equal(str(item(j, 0), "chain"), "BTC-Bitcoin");
    json_decref(j);
    j = get("/api/v5/asset/currencies?ccy=ETH,SOL", &st);
    assert_int_equal(count(j), 2);
    json_decref(j);

    j = get("/api/v5/account/trade-fee?instType=SPOT&instId=BTC-USDT", &st);
    assert_string_equal(str(item(j, 0), "maker"), "-0.0008");
    assert_string_equal(str(item(j, 0), "taker"), "-0.001");
    json_decref(j);
    expect(get("/api/v5/account/trade-fee", &st), &st, 400, "50014", NULL);

    /* Private paths need a signature. */
    creds bad = good;
    bad.tamper = 1;
    expect(call(&bad, "GET", "/api/v5/asset/currencies", NULL, &st), &st, 401,
           "50113", NULL);

    static const char *const none[] = {
        "/api/v5/public/instruments?instType=SWAP",
        "/api/v5/public/instruments?instType=FUTURES",
        "/api/v5/public/instruments?instType=MARGIN",
        "/api/v5/public/instruments?instType=OPTION&uly=BTC-USD",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        j = get(none[i], &st);
        assert_int_equal(st, 200);
        assert_string_equal(code_of(j), "0");
        assert_int_equal(count(j), 0);
        json_decref(j);
    }
    expect(get("/api/v5/public/instruments?instType=OPTION", &st), &st, 400,
           "50014", NULL);
    expect(get("/api/v5/public/instruments?instType=BOND", &st), &st, 400,
           "51000", "Parameter instType error");
    j = get("/api/v5/public/time", &st);
    long long ts = strtoll(str(item(j, 0), "ts"), NULL, 10);
    assert_true(ts > xg_test_wall_ms() - 5000 &&
                ts <= xg_test_wall_ms() + 5000);
    json_decref(j);
}

/* currencies: 6 per second (its own window), balance 10 per 2 s. */
static void
test_account_limits(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.currencies_limit=2",
                          "--set", "okx.currencies_window_ms=60000",
                          "--set", "okx.config_limit=1",
                          "--set", "okx.window_ms=60000",
                          NULL};
    sim_start(args);
    long st = 0;
    expect(get("/api/v5/asset/currencies", &st), &st, 200, "0", NULL);
    expect(get("/api/v5/asset/currencies", &st), &st, 200, "0", NULL);
    expect(get("/api/v5/asset/currencies", &st), &st, 429, "50011", NULL);
    expect(get("/api/v5/account/config", &st), &st, 200, "0", NULL);
    expect(get("/api/v5/account/config", &st), &st, 429, "50011", NULL);
    expect(get("/api/v5/account/balance", &st), &st, 200, "0", NULL);
}

static json_t *
batch(const char *path, const char *body, long *status)
{
    return call(&good, "POST", path, body, status);
}

#define BATCH_ORDER(inst, px, id)                                              \
    "{\"instId\":\"" inst "\",\"tdMode\":\"cash\",\"side\":\"buy\","           \
    "\"ordType\":\"limit\",\"px\":\"" px "\",\"sz\":\"0.01\","                 \
    "\"clOrdId\":\"" id "\"}"

/* Each order of a batch is answered on its own: code 0 when all pass, 2
 * when some do, 1 when none; a malformed batch is refused whole. */
static void
test_batch_place_and_cancel(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    json_t *j = batch(
        "/api/v5/trade/batch-orders",
        "[" BATCH_ORDER("BTC-USDT", "30000", "ba1") "," BATCH_ORDER(
            "ETH-USDT", "1500",
            "ba2") "," BATCH_ORDER("BTC-USDT", "30000",
                                   "bad-id") "," BATCH_ORDER("DOGE-USDT", "1",
                                                             "ba4") "]",
        &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "2");
    assert_int_equal(count(j), 4);
    assert_string_equal(str(item(j, 0), "sCode"), "0");
    assert_string_equal(str(item(j, 0), "clOrdId"), "ba1");
    assert_true(strlen(str(item(j, 0), "ordId")) > 0);
    assert_string_equal(str(item(j, 1), "sCode"), "0");
    assert_string_equal(str(item(j, 2), "sCode"), "51000");
    assert_string_equal(str(item(j, 2), "sMsg"), "Parameter clOrdId error");
    assert_string_equal(str(item(j, 2), "ordId"), "");
    assert_string_equal(str(item(j, 3), "sCode"), "51001");
    json_decref(j);
    j = pending(NULL, "", &st);
    assert_int_equal(count(j), 2);
    json_decref(j);

    j = batch("/api/v5/trade/batch-orders",
              "[" BATCH_ORDER("BTC-USDT", "30000", "ba1") "]", &st);
    assert_string_equal(code_of(j), "1");
    assert_string_equal(s_code_of(j), "51016");
    json_decref(j);

    /* Malformed batches. */
    expect(batch("/api/v5/trade/batch-orders", "[]", &st), &st, 400, "50002",
           NULL);
    expect(batch("/api/v5/trade/batch-orders",
                 BATCH_ORDER("BTC-USDT", "30000", "obj1"), &st),
           &st, 400, "50002", NULL);
    expect(batch("/api/v5/trade/batch-orders", "[1,2]", &st), &st, 400, "50002",
           NULL);
    char big[8192];
    size_t n = 0;
    n += (size_t)snprintf(big + n, sizeof big - n, "[");
    for (int i = 0; i < 21; i++) {
        n += (size_t)snprintf(big + n, sizeof big - n,
                              "%s" BATCH_ORDER("BTC-USDT", "30000", "x"),
                              i > 0 ? "," : "");
    }
    snprintf(big + n, sizeof big - n, "]");
    expect(batch("/api/v5/trade/batch-orders", big, &st), &st, 400, "51000",
           NULL);

    /* Cancel: two open, one unknown, one already canceled after. */
    j = batch("/api/v5/trade/cancel-batch-orders",
              "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"ba1\"},"
              "{\"instId\":\"ETH-USDT\",\"clOrdId\":\"ba2\"},"
              "{\"instId\":\"BTC-USDT\",\"ordId\":\"999\"},"
              "{\"instId\":\"BTC-USDT\"}]",
              &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "2");
    assert_string_equal(str(item(j, 0), "sCode"), "0");
    assert_string_equal(str(item(j, 0), "clOrdId"), "ba1");
    assert_string_equal(str(item(j, 1), "sCode"), "0");
    assert_string_equal(str(item(j, 2), "sCode"), "51400");
    assert_string_equal(str(item(j, 3), "sCode"), "50014");
    json_decref(j);
    j = batch("/api/v5/trade/cancel-batch-orders",
              "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"ba1\"}]", &st);
    assert_string_equal(code_of(j), "1");
    assert_string_equal(s_code_of(j), "51401");
    json_decref(j);
    j = pending(NULL, "", &st);
    assert_int_equal(count(j), 0);
    json_decref(j);
}

/* A batch counts its orders per instrument on the batch window; a batch
 * of one counts as one request of the single path; a batch that does not
 * fit is refused whole, places nothing and charges nothing. */
static void
test_batch_limits(void **state)
{
    (void)state;
    const char *args[] = {
        "--set", "okx.walk=0",        "--set", "okx.batch_place_limit=4",
        "--set", "okx.place_limit=2", "--set", "okx.window_ms=60000",
        NULL};
    sim_start(args);
    long st = 0;
    /* Two singles use the place window... */
    expect(batch("/api/v5/trade/batch-orders",
                 "[" BATCH_ORDER("BTC-USDT", "30000", "s1") "]", &st),
           &st, 200, "0", NULL);
    expect(place(&good, "BTC-USDT", "s2", "30000", &st), &st, 200, "0", NULL);
    expect(batch("/api/v5/trade/batch-orders",
                 "[" BATCH_ORDER("BTC-USDT", "30000", "s3") "]", &st),
           &st, 429, "50011", NULL);
    /* ...not the batch one: 3 BTC + 1 ETH orders fit (4 and 1 of 4). */
    expect(
        batch("/api/v5/trade/batch-orders",
              "[" BATCH_ORDER("BTC-USDT", "30000", "m1") "," BATCH_ORDER(
                  "BTC-USDT", "30000",
                  "m2") "," BATCH_ORDER("BTC-USDT", "30000",
                                        "m3") "," BATCH_ORDER("ETH-USDT",
                                                              "1500", "e1") "]",
              &st),
        &st, 200, "0", NULL);
    /* 2 more BTC do not fit (3 + 2 > 4), though the ETH one would. */
    expect(batch("/api/v5/trade/batch-orders",
                 "[" BATCH_ORDER("BTC-USDT", "30000", "m4") "," BATCH_ORDER(
                     "BTC-USDT", "30000",
                     "m5") "," BATCH_ORDER("ETH-USDT", "1500", "e2") "]",
                 &st),
           &st, 429, "50011", NULL);
    json_t *j = pending(NULL, "", &st);
    assert_int_equal(count(j), 6);
    json_decref(j);
    /* Nothing was charged: one BTC and three ETH still fit. */
    expect(batch("/api/v5/trade/batch-orders",
                 "[" BATCH_ORDER("BTC-USDT", "30000", "m6") "," BATCH_ORDER(
                     "ETH-USDT", "1500",
                     "e3") "," BATCH_ORDER("ETH-USDT", "1500", "e4") "]",
                 &st),
           &st, 200, "0", NULL);
}

/* How many lines of the request log are for path. */
static size_t
log_lines_for(const char *path)
{
    static char out[262144];
    char needle[128];
    size_t n = 0;
    assert_int_equal(xg_sim_log_fetch(&the_sim, "okx", 0, out, sizeof out),
                     XG_OK);
    snprintf(needle, sizeof needle, "\"path\":\"%s\"", path);
    for (const char *p = strstr(out, needle); p != NULL;
         p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

/* The USDT row of the account's balance: availBal and frozenBal. */
static void
expect_usdt(const char *avail, const char *frozen)
{
    long st = 0;
    json_t *j = get("/api/v5/account/balance?ccy=USDT", &st);
    assert_int_equal(st, 200);
    const json_t *u = json_array_get(json_object_get(item(j, 0), "details"), 0);
    assert_string_equal(str(u, "ccy"), "USDT");
    assert_string_equal(str(u, "availBal"), avail);
    assert_string_equal(str(u, "frozenBal"), frozen);
    json_decref(j);
}

/* One batch request places each of its orders once, through the single
 * path's placement (the book and the balances as a single place leaves
 * them), logs one line (the first order's clOrdId, outcome "batch", the
 * envelope's code) and refuses only the order the balance cannot cover,
 * with OKX's 51008; a cancel batch then leaves nothing open and every
 * USDT free again. */
static void
test_batch_places_once_logs_one_line_and_locks_balance(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    expect_usdt("1000000", "0");
    json_t *j = batch(
        "/api/v5/trade/batch-orders",
        "[" BATCH_ORDER(
            "BTC-USDT", "30000",
            "bl1") ","
                   "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":"
                   "\"buy\","
                   "\"ordType\":\"limit\",\"px\":\"30000\",\"sz\":\"100\","
                   "\"clOrdId\":\"bl2\"}," BATCH_ORDER("BTC-USDT", "29000",
                                                       "bl3") "]",
        &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "2");
    assert_int_equal(count(j), 3);
    assert_string_equal(str(item(j, 0), "clOrdId"), "bl1");
    assert_string_equal(str(item(j, 0), "sCode"), "0");
    assert_string_equal(str(item(j, 1), "clOrdId"), "bl2");
    assert_string_equal(str(item(j, 1), "sCode"), "51008");
    assert_string_equal(str(item(j, 1), "sMsg"),
                        "Order failed. Insufficient balance.");
    assert_string_equal(str(item(j, 1), "ordId"), "");
    assert_string_equal(str(item(j, 2), "clOrdId"), "bl3");
    assert_string_equal(str(item(j, 2), "sCode"), "0");
    json_decref(j);

    static char out[65536];
    /* One request: a log entry per order, each with its own outcome. */
    assert_int_equal(log_lines_for("/api/v5/trade/batch-orders"), 3);
    assert_int_equal(log_lines_for("/api/v5/trade/order"), 0);
    assert_int_equal(xg_sim_log_fetch(&the_sim, "okx", 0, out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"status\":200,\"code\":0,"
                                "\"client_order_id\":\"bl1\","
                                "\"outcome\":\"placed\",\"batch_n\":3,"
                                "\"batch_i\":0"));
    assert_non_null(strstr(out, "\"status\":200,\"code\":51008,"
                                "\"client_order_id\":\"bl2\","
                                "\"outcome\":\"rejected\",\"batch_n\":3,"
                                "\"batch_i\":1"));
    /* Each order placed once, resting, with its own id. */
    j = pending("BTC-USDT", "", &st);
    assert_int_equal(count(j), 2);
    json_decref(j);
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/orders", NULL,
                                  out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"client_order_id\":\"bl1\""));
    assert_null(strstr(out, "\"client_order_id\":\"bl2\""));
    assert_non_null(strstr(out, "\"client_order_id\":\"bl3\""));
    /* 0.01 at 30000 and 0.01 at 29000 held. */
    expect_usdt("999410", "590");

    j = batch("/api/v5/trade/cancel-batch-orders",
              "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"bl1\"},"
              "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"bl3\"}]",
              &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    assert_string_equal(str(item(j, 0), "clOrdId"), "bl1");
    assert_string_equal(str(item(j, 1), "clOrdId"), "bl3");
    json_decref(j);
    assert_int_equal(log_lines_for("/api/v5/trade/cancel-batch-orders"), 2);
    j = pending(NULL, "", &st);
    assert_int_equal(count(j), 0);
    json_decref(j);
    expect_usdt("1000000", "0");
}

/* GET /account/balance: 10 per 2 s per account (fact sheet), its own
 * window: past it 429 / 50011, while other paths still answer. */
static void
test_balance_limit(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.balance_limit=2", "--set",
                          "okx.window_ms=60000", NULL};
    sim_start(args);
    long st = 0;
    expect(get("/api/v5/account/balance", &st), &st, 200, "0", NULL);
    expect(get("/api/v5/account/balance?ccy=BTC", &st), &st, 200, "0", NULL);
    expect(get("/api/v5/account/balance", &st), &st, 429, "50011", NULL);
    expect(pending(NULL, "", &st), &st, 200, "0", NULL);
}

/* An asset the account no longer holds has no balance row, as OKX
 * leaves out "currency details ... when cashBal and eq is both 0": all
 * 100 BTC sold at market. */
static void
test_balance_leaves_out_assets_at_zero(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    place_full("BTC-USDT", "sell", "market", "", "100", "zero1");
    json_t *j = get("/api/v5/account/balance?ccy=BTC", &st);
    assert_int_equal(st, 200);
    assert_int_equal(json_array_size(json_object_get(item(j, 0), "details")),
                     0);
    json_decref(j);
    j = get("/api/v5/account/balance", &st);
    const json_t *d = json_object_get(item(j, 0), "details");
    assert_int_equal(json_array_size(d), 2);
    for (size_t i = 0; i < json_array_size(d); i++) {
        assert_string_not_equal(str(json_array_get(d, i), "ccy"), "BTC");
    }
    json_decref(j);
}

/* GET /trade/fills (or fills-history) with extra query. */
static json_t *
fills(const char *path, const char *extra, long *status)
{
    char target[256];
    snprintf(target, sizeof target, "/api/v5/trade/%s?instType=SPOT%s", path,
             extra);
    return get(target, status);
}

/* Five taker fills and one maker fill (admin), newest first by billId,
 * with their prices, sizes, fees and exec types; pages by billId. */
static void
test_fills_exact_and_paged(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    char id[16], extra[128];
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "tk%d", i);
        place_full("BTC-USDT", "buy", "limit", "36000", "0.01", id);
    }
    json_t *j = fills("fills", "", &st);
    assert_int_equal(st, 200);
    assert_int_equal(count(j), 5);
    long long bills[5];
    for (size_t i = 0; i < 5; i++) {
        const json_t *f = item(j, i);
        bills[i] = strtoll(str(f, "billId"), NULL, 10);
        if (i > 0) {
            assert_true(bills[i] < bills[i - 1]);
        }
        assert_string_equal(str(f, "instId"), "BTC-USDT");
        assert_string_equal(str(f, "fillPx"), "35000.1");
        assert_string_equal(str(f, "fillSz"), "0.01");
        /* 0.1% of 0.01 BTC, charged in the BTC received. */
        assert_string_equal(str(f, "fee"), "-0.00001");
        assert_string_equal(str(f, "feeCcy"), "BTC");
        assert_string_equal(str(f, "execType"), "T");
        assert_string_equal(str(f, "side"), "buy");
        assert_true(strlen(str(f, "tradeId")) > 0);
    }
    assert_string_equal(str(item(j, 0), "clOrdId"), "tk4");
    json_decref(j);

    /* Pages of 2 by billId. */
    j = fills("fills", "&limit=2", &st);
    assert_int_equal(count(j), 2);
    json_decref(j);
    snprintf(extra, sizeof extra, "&limit=2&after=%lld", bills[1]);
    j = fills("fills", extra, &st);
    assert_int_equal(count(j), 2);
    assert_int_equal(strtoll(str(item(j, 0), "billId"), NULL, 10), bills[2]);
    assert_int_equal(strtoll(str(item(j, 1), "billId"), NULL, 10), bills[3]);
    json_decref(j);
    snprintf(extra, sizeof extra, "&limit=2&before=%lld", bills[4]);
    j = fills("fills", extra, &st);
    assert_int_equal(count(j), 2);
    assert_int_equal(strtoll(str(item(j, 0), "billId"), NULL, 10), bills[2]);
    assert_int_equal(strtoll(str(item(j, 1), "billId"), NULL, 10), bills[3]);
    json_decref(j);
    snprintf(extra, sizeof extra, "&after=%lld&before=%lld", bills[0],
             bills[4]);
    j = fills("fills", extra, &st);
    assert_int_equal(count(j), 3);
    json_decref(j);

    /* A maker fill of a resting order, by the admin: "M", maker fee. */
    place_full("BTC-USDT", "buy", "limit", "30000", "0.02", "mk1");
    char out[2048];
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"mk1\","
                                  "\"qty\":\"0.01\",\"price\":\"30000\"}",
                                  out, sizeof out),
                     XG_OK);
    j = fills("fills", "&limit=1", &st);
    const json_t *f = item(j, 0);
    assert_string_equal(str(f, "clOrdId"), "mk1");
    assert_string_equal(str(f, "execType"), "M");
    assert_string_equal(str(f, "fillPx"), "30000");
    assert_string_equal(str(f, "fee"), "-0.000008");
    json_decref(j);
    /* The order shows the partial fill the OKX way. */
    j = get("/api/v5/trade/order?instId=BTC-USDT&clOrdId=mk1", &st);
    const json_t *o = item(j, 0);
    assert_string_equal(str(o, "state"), "partially_filled");
    assert_string_equal(str(o, "accFillSz"), "0.01");
    assert_string_equal(str(o, "fillSz"), "0.01");
    assert_string_equal(str(o, "fillPx"), "30000");
    assert_string_equal(str(o, "avgPx"), "30000");
    assert_string_equal(str(o, "fee"), "-0.000008");
    assert_string_equal(str(o, "feeCcy"), "BTC");
    snprintf(extra, sizeof extra, "&ordId=%lld", ord_id_of(o));
    json_decref(j);
    /* Filter by ordId; fills-history the same fills; other types none. */
    j = fills("fills", extra, &st);
    assert_int_equal(count(j), 1);
    assert_string_equal(str(item(j, 0), "clOrdId"), "mk1");
    json_decref(j);
    j = fills("fills-history", "", &st);
    assert_int_equal(count(j), 6);
    json_decref(j);
    j = get("/api/v5/trade/fills?instType=SWAP", &st);
    assert_int_equal(count(j), 0);
    json_decref(j);
    j = get("/api/v5/trade/fills?instId=ETH-USDT", &st);
    assert_int_equal(st, 200);
    assert_int_equal(count(j), 0);
    json_decref(j);
    expect(get("/api/v5/trade/fills-history", &st), &st, 400, "50014",
           "Parameter instType can not be empty.");

    static const struct {
        const char *extra, *msg;
    } bad[] = {
        {"&after=abc", "Parameter after error"},
        {"&before=-1", "Parameter before error"},
        {"&limit=101", "Parameter limit error"},
        {"&limit=0", "Parameter limit error"},
        {"&begin=1e5", "Parameter begin error"},
        {"&end=99999999999999999999", "Parameter end error"},
        {"&end=9999999999999999999", "Parameter end error"},
        {"&after=9223372036854775808", "Parameter after error"},
        {"&ordId=0", "Parameter ordId error"},
        {"&ordId=12x", "Parameter ordId error"},
        {"&instType=BOND", "Parameter instType error"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char target[256];
        snprintf(target, sizeof target, "/api/v5/trade/fills?x=1%s",
                 bad[i].extra);
        expect(get(target, &st), &st, 400, "51000", bad[i].msg);
    }
}

static json_t *
history(const char *extra, long *status)
{
    char target[512];
    snprintf(target, sizeof target,
             "/api/v5/trade/orders-history?instType=SPOT%s", extra);
    return get(target, status);
}

/* Completed orders: filled and canceled (a partly filled one canceled
 * shows "canceled"), never open ones; the state and ordType filters;
 * pages by ordId. */
static void
test_orders_history(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    char extra[128];
    place_full("BTC-USDT", "buy", "limit", "36000", "0.01", "hf1");
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "hc1");
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "open1");
    place_full("ETH-USDT", "buy", "ioc", "1000", "0.01", "hioc");
    json_t *j = call(&good, "POST", "/api/v5/trade/cancel-order",
                     "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"hc1\"}", &st);
    json_decref(j);

    j = history("", &st);
    assert_int_equal(st, 200);
    assert_int_equal(count(j), 3);
    assert_string_equal(str(item(j, 0), "clOrdId"), "hioc");
    assert_string_equal(str(item(j, 0), "state"), "canceled");
    assert_string_equal(str(item(j, 1), "clOrdId"), "hc1");
    assert_string_equal(str(item(j, 2), "clOrdId"), "hf1");
    assert_string_equal(str(item(j, 2), "state"), "filled");
    long long newest = ord_id_of(item(j, 0));
    json_decref(j);
    j = history("&state=filled", &st);
    assert_int_equal(count(j), 1);
    assert_string_equal(str(item(j, 0), "clOrdId"), "hf1");
    json_decref(j);
    j = history("&state=canceled&instId=BTC-USDT", &st);
    assert_int_equal(count(j), 1);
    json_decref(j);
    j = history("&ordType=ioc", &st);
    assert_int_equal(count(j), 1);
    json_decref(j);
    j = history("&ordType=limit,ioc", &st);
    assert_int_equal(count(j), 3);
    json_decref(j);
    snprintf(extra, sizeof extra, "&after=%lld&limit=1", newest);
    j = history(extra, &st);
    assert_int_equal(count(j), 1);
    assert_string_equal(str(item(j, 0), "clOrdId"), "hc1");
    json_decref(j);
    j = get("/api/v5/trade/orders-history-archive?instType=SPOT", &st);
    assert_int_equal(count(j), 3);
    json_decref(j);
    j = history("&state=mmp_canceled", &st);
    assert_int_equal(count(j), 0);
    json_decref(j);

    expect(get("/api/v5/trade/orders-history", &st), &st, 400, "50014", NULL);
    expect(history("&state=live", &st), &st, 400, "51000",
           "Parameter state error");
    expect(history("&ordType=bogus", &st), &st, 400, "51000",
           "Parameter ordType error");
    expect(history("&ordType=limit,,", &st), &st, 400, "51000",
           "Parameter ordType error");
    char longq[256];
    memset(longq, 'a', sizeof longq);
    memcpy(longq, "&ordType=", 9);
    longq[sizeof longq - 1] = '\0';
    expect(history(longq, &st), &st, 400, "51000", "Parameter ordType error");
    expect(history("&limit=1000", &st), &st, 400, "51000",
           "Parameter limit error");
    /* Pending filters by state too. */
    j = pending(NULL, "&state=live", &st);
    assert_int_equal(count(j), 1);
    json_decref(j);
    j = pending(NULL, "&state=partially_filled", &st);
    assert_int_equal(count(j), 0);
    json_decref(j);
}

/* How many limit windows /_sim/state lists. */
static size_t
window_count(void)
{
    static char out[65536];
    size_t n = 0;
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/state", NULL,
                                  out, sizeof out),
                     XG_OK);
    for (const char *p = strstr(out, "\"endpoint\":"); p != NULL;
         p = strstr(p + 1, "\"endpoint\":")) {
        n++;
    }
    return n;
}

/* A batch over three instruments whose new windows grow the dialect's
 * window table in the middle of charging (15 windows, then 3 more past
 * its first 16 places): every order is still charged to its own window
 * (a regression test for charging through a moved table; ASan sees it). */
static void
test_batch_charges_survive_window_table_growth(void **state)
{
    (void)state;
    sim_start(paused);
    static const char *const paths[] = {
        "/api/v5/public/time",
        "/api/v5/public/instruments?instType=SPOT",
        "/api/v5/market/ticker?instId=BTC-USDT",
        "/api/v5/market/tickers?instType=SPOT",
        "/api/v5/market/books?instId=BTC-USDT",
        "/api/v5/market/trades?instId=BTC-USDT",
        "/api/v5/account/balance",
        "/api/v5/account/config",
        "/api/v5/asset/currencies",
        "/api/v5/account/trade-fee?instType=SPOT",
        "/api/v5/trade/orders-pending",
        "/api/v5/trade/orders-history?instType=SPOT",
        "/api/v5/trade/orders-history-archive?instType=SPOT",
        "/api/v5/trade/fills",
        "/api/v5/trade/fills-history?instType=SPOT",
    };
    long st = 0;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        expect(get(paths[i], &st), &st, 200, "0", NULL);
    }
    assert_int_equal(window_count(), 15);
    json_t *j =
        batch("/api/v5/trade/batch-orders",
              "[" BATCH_ORDER("BTC-USDT", "30000", "g1") "," BATCH_ORDER(
                  "ETH-USDT", "1500", "g2") "," BATCH_ORDER("SOL-USDT", "50",
                                                            "g3") "]",
              &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    json_decref(j);
    assert_int_equal(window_count(), 18);
    static char out[65536];
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/state", NULL,
                                  out, sizeof out),
                     XG_OK);
    const char *inst[] = {"BTC-USDT", "ETH-USDT", "SOL-USDT"};
    for (size_t i = 0; i < 3; i++) {
        char want[160];
        snprintf(want, sizeof want,
                 "\"endpoint\":\"batch_place\",\"who\":0,\"instId\":"
                 "\"%s\",\"used\":1",
                 inst[i]);
        assert_non_null(strstr(out, want));
    }
}

/* ---- amend-order ----------------------------------------------------------
 */

/* POST /trade/amend-order with the given JSON members after instId. */
static json_t *
amend(const char *inst, const char *members, long *status)
{
    char body[512];
    snprintf(body, sizeof body, "{\"instId\":\"%s\",%s}", inst, members);
    return call(&good, "POST", "/api/v5/trade/amend-order", body, status);
}

/* GET /trade/order of clOrdId on BTC-USDT; the one order, given. */
static json_t *
query_btc(const char *cl_id, long *status)
{
    char target[160];
    snprintf(target, sizeof target,
             "/api/v5/trade/order?instId=BTC-USDT&clOrdId=%s", cl_id);
    return call(&good, "GET", target, NULL, status);
}

/* The one item of an amend answer, checked: HTTP 200, the envelope code,
 * the item's sCode, and the clOrdId and ordId it names. */
static void
expect_amend(json_t *j, const long *status, const char *code,
             const char *s_code, const char *cl_id, long long ord_id)
{
    assert_int_equal(*status, 200);
    assert_string_equal(code_of(j), code);
    assert_int_equal(count(j), 1);
    assert_string_equal(str(item(j, 0), "sCode"), s_code);
    assert_string_equal(str(item(j, 0), "clOrdId"), cl_id);
    assert_int_equal(ord_id_of(item(j, 0)), ord_id);
    json_decref(j);
}

/* An amend changes price and size of the live order in place: same
 * ordId and clOrdId before and after, the order's details and the
 * pending list show the new px and sz, reqId is echoed, the order can be
 * named by ordId too, and a price that crosses the book trades at once
 * (BTC-USDT's best ask is 35000.1 on the paused walk). */
static void
test_amend_keeps_ord_id_and_shows_new_price_and_size(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    place_full("BTC-USDT", "buy", "limit", "30000", "0.02", "am1");
    json_t *j = query_btc("am1", &st);
    long long id = ord_id_of(item(j, 0));
    json_decref(j);

    j = amend("BTC-USDT",
              "\"clOrdId\":\"am1\",\"reqId\":\"r1\",\"newPx\":\"30000.5\"",
              &st);
    assert_string_equal(json_string_value(json_object_get(j, "msg")), "");
    assert_string_equal(str(item(j, 0), "reqId"), "r1");
    assert_string_equal(str(item(j, 0), "sMsg"), "");
    expect_amend(j, &st, "0", "0", "am1", id);
    j = query_btc("am1", &st);
    assert_string_equal(str(item(j, 0), "px"), "30000.5");
    assert_string_equal(str(item(j, 0), "sz"), "0.02");
    assert_string_equal(str(item(j, 0), "state"), "live");
    assert_int_equal(ord_id_of(item(j, 0)), id);
    json_decref(j);

    /* The total size, by ordId this time (clOrdId still answered). */
    char members[128];
    snprintf(members, sizeof members, "\"ordId\":\"%lld\",\"newSz\":\"0.03\"",
             id);
    expect_amend(amend("BTC-USDT", members, &st), &st, "0", "0", "am1", id);
    j = pending("BTC-USDT", "", &st);
    assert_int_equal(count(j), 1);
    assert_string_equal(str(item(j, 0), "px"), "30000.5");
    assert_string_equal(str(item(j, 0), "sz"), "0.03");
    assert_int_equal(ord_id_of(item(j, 0)), id);
    json_decref(j);

    /* Crossing the ask: a taker fill at 35000.1, the order filled. */
    expect_amend(
        amend("BTC-USDT", "\"clOrdId\":\"am1\",\"newPx\":\"35000.1\"", &st),
        &st, "0", "0", "am1", id);
    j = query_btc("am1", &st);
    assert_string_equal(str(item(j, 0), "state"), "filled");
    assert_string_equal(str(item(j, 0), "accFillSz"), "0.03");
    assert_string_equal(str(item(j, 0), "avgPx"), "35000.1");
    assert_string_equal(str(item(j, 0), "px"), "35000.1");
    json_decref(j);
}

/* A partial fill before the amend is kept: newSz is the total, the
 * filled part included, and accFillSz stays. A total at what filled ends
 * the order (OKX: it becomes filled; xgsim cancels the rest). */
static void
test_amend_keeps_a_partial_fill(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    char out[2048];
    place_full("BTC-USDT", "buy", "limit", "30000", "0.02", "pf1");
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"pf1\","
                                  "\"qty\":\"0.01\",\"price\":\"30000\"}",
                                  out, sizeof out),
                     XG_OK);
    json_t *j = query_btc("pf1", &st);
    long long id = ord_id_of(item(j, 0));
    assert_string_equal(str(item(j, 0), "state"), "partially_filled");
    json_decref(j);

    expect_amend(amend("BTC-USDT",
                       "\"clOrdId\":\"pf1\",\"newSz\":\"0.05\","
                       "\"newPx\":\"30000.2\"",
                       &st),
                 &st, "0", "0", "pf1", id);
    j = query_btc("pf1", &st);
    assert_string_equal(str(item(j, 0), "state"), "partially_filled");
    assert_string_equal(str(item(j, 0), "accFillSz"), "0.01");
    assert_string_equal(str(item(j, 0), "avgPx"), "30000");
    assert_string_equal(str(item(j, 0), "sz"), "0.05");
    assert_string_equal(str(item(j, 0), "px"), "30000.2");
    json_decref(j);
    /* What is left rests: 0.04 at 30000.2 on the book. */
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"pf1\","
                                  "\"qty\":\"0.04\",\"price\":\"30000.2\"}",
                                  out, sizeof out),
                     XG_OK);
    j = query_btc("pf1", &st);
    assert_string_equal(str(item(j, 0), "state"), "filled");
    assert_string_equal(str(item(j, 0), "accFillSz"), "0.05");
    json_decref(j);

    /* A total at the filled size ends the order with its fill. */
    place_full("BTC-USDT", "buy", "limit", "30000", "0.02", "pf2");
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"pf2\","
                                  "\"qty\":\"0.01\",\"price\":\"30000\"}",
                                  out, sizeof out),
                     XG_OK);
    j = amend("BTC-USDT", "\"clOrdId\":\"pf2\",\"newSz\":\"0.01\"", &st);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
    j = query_btc("pf2", &st);
    assert_string_not_equal(str(item(j, 0), "state"), "live");
    assert_string_not_equal(str(item(j, 0), "state"), "partially_filled");
    assert_string_equal(str(item(j, 0), "accFillSz"), "0.01");
    json_decref(j);
    j = pending("BTC-USDT", "", &st);
    assert_int_equal(count(j), 0);
    json_decref(j);
}

/* Refusals: an amend of a filled or canceled order, or of one never
 * placed, is 51503 per order (HTTP 200, code 1); nothing to change is
 * 51500; a newPx off the tick grid 51000 "Parameter newPx error" per
 * order, one that is no decimal a 400; a size the balance cannot cover
 * 51502; a post_only that would cross 51511; no instId 50014. cxlOnFail
 * cancels the order the amend failed on. */
static void
test_amend_refusals_with_okx_codes(void **state)
{
    (void)state;
    sim_start(paused);
    long st = 0;
    char out[2048];
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "fl1");
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"fl1\","
                                  "\"qty\":\"0.01\",\"price\":\"30000\"}",
                                  out, sizeof out),
                     XG_OK);
    json_t *j = query_btc("fl1", &st);
    long long id = ord_id_of(item(j, 0));
    assert_string_equal(str(item(j, 0), "state"), "filled");
    json_decref(j);
    j = amend("BTC-USDT", "\"clOrdId\":\"fl1\",\"newPx\":\"30000.1\"", &st);
    assert_string_equal(json_string_value(json_object_get(j, "msg")),
                        "All operations failed");
    assert_string_equal(str(item(j, 0), "sMsg"),
                        "Your order has already been filled or canceled.");
    expect_amend(j, &st, "1", "51503", "fl1", id);
    j = query_btc("fl1", &st);
    assert_string_equal(str(item(j, 0), "px"), "30000");
    json_decref(j);

    j = amend("BTC-USDT", "\"clOrdId\":\"never\",\"newPx\":\"30000.1\"", &st);
    assert_int_equal(st, 200);
    assert_string_equal(s_code_of(j), "51503");
    assert_string_equal(str(item(j, 0), "ordId"), "");
    json_decref(j);

    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "rf1");
    j = query_btc("rf1", &st);
    id = ord_id_of(item(j, 0));
    json_decref(j);
    expect_amend(amend("BTC-USDT", "\"clOrdId\":\"rf1\"", &st), &st, "1",
                 "51500", "rf1", id);
    expect_amend(
        amend("BTC-USDT", "\"clOrdId\":\"rf1\",\"newPx\":\"30000.05\"", &st),
        &st, "1", "51000", "rf1", id);
    expect(amend("BTC-USDT", "\"clOrdId\":\"rf1\",\"newPx\":\"abc\"", &st), &st,
           400, "51000", "Parameter newPx error");
    expect(amend("BTC-USDT", "\"clOrdId\":\"rf1\",\"newSz\":\"-1\"", &st), &st,
           400, "51000", "Parameter newSz error");
    expect(call(&good, "POST", "/api/v5/trade/amend-order",
                "{\"clOrdId\":\"rf1\",\"newSz\":\"0.02\"}", &st),
           &st, 400, "50014", NULL);
    /* 100 BTC at 30000 is 3,000,000 USDT; the account holds 1,000,000. */
    expect_amend(
        amend("BTC-USDT", "\"clOrdId\":\"rf1\",\"newSz\":\"100\"", &st), &st,
        "1", "51502", "rf1", id);
    /* Every refusal left the order as it was. */
    j = query_btc("rf1", &st);
    assert_string_equal(str(item(j, 0), "state"), "live");
    assert_string_equal(str(item(j, 0), "px"), "30000");
    assert_string_equal(str(item(j, 0), "sz"), "0.01");
    json_decref(j);

    /* A post_only buy moved onto the ask would take: 51511. */
    place_full("BTC-USDT", "buy", "post_only", "30000", "0.01", "po1");
    j = amend("BTC-USDT", "\"clOrdId\":\"po1\",\"newPx\":\"35000.1\"", &st);
    assert_string_equal(s_code_of(j), "51511");
    json_decref(j);
    j = query_btc("po1", &st);
    assert_string_equal(str(item(j, 0), "state"), "live");
    json_decref(j);
    /* The same with cxlOnFail: refused, and the order canceled. */
    j = amend("BTC-USDT",
              "\"clOrdId\":\"po1\",\"newPx\":\"35000.1\",\"cxlOnFail\":true",
              &st);
    assert_string_equal(s_code_of(j), "51511");
    json_decref(j);
    j = query_btc("po1", &st);
    assert_string_equal(str(item(j, 0), "state"), "canceled");
    json_decref(j);
    /* ... and a canceled order is 51503 as well. */
    j = amend("BTC-USDT", "\"clOrdId\":\"po1\",\"newPx\":\"29000\"", &st);
    assert_string_equal(s_code_of(j), "51503");
    json_decref(j);
}

/* amend-order has its own window per account and instrument:
 * amend_limit=3 lets three amends of BTC-USDT through and refuses the
 * fourth with 429 / 50011 (not executed), while placing on BTC-USDT and
 * amending on ETH-USDT go on; a batch of one amend counts on the same
 * window, a batch of two on batch_amend's. */
static void
test_amend_limit_per_instrument(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.walk=0",
                          "--set", "okx.amend_limit=3",
                          "--set", "okx.batch_amend_limit=4",
                          "--set", "okx.window_ms=60000",
                          NULL};
    sim_start(args);
    long st = 0;
    char members[96];
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "lm1");
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "lm2");
    place_full("ETH-USDT", "buy", "limit", "1500", "0.01", "le1");
    for (int i = 0; i < 3; i++) {
        snprintf(members, sizeof members,
                 "\"clOrdId\":\"lm1\",\"newPx\":\"3000%d\"", i + 1);
        json_t *j = amend("BTC-USDT", members, &st);
        assert_int_equal(st, 200);
        assert_string_equal(s_code_of(j), "0");
        json_decref(j);
    }
    expect(amend("BTC-USDT", "\"clOrdId\":\"lm1\",\"newPx\":\"30009\"", &st),
           &st, 429, "50011", NULL);
    json_t *j = query_btc("lm1", &st);
    assert_string_equal(str(item(j, 0), "px"), "30003");
    json_decref(j);
    /* Place has its own window; ETH-USDT its own amends. */
    place_full("BTC-USDT", "buy", "limit", "30000", "0.01", "lm3");
    j = amend("ETH-USDT", "\"clOrdId\":\"le1\",\"newPx\":\"1501\"", &st);
    assert_string_equal(s_code_of(j), "0");
    json_decref(j);
    /* A batch of one amend is the single path: refused too. */
    expect(batch("/api/v5/trade/amend-batch-orders",
                 "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lm2\","
                 "\"newPx\":\"30001\"}]",
                 &st),
           &st, 429, "50011", NULL);
    /* A batch of two counts two orders on the batch window; each order
     * answered in an amend's shape, reqId echoed. */
    j = batch("/api/v5/trade/amend-batch-orders",
              "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lm1\","
              "\"newPx\":\"30005\",\"reqId\":\"b1\"},"
              "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lm2\","
              "\"newSz\":\"0.02\",\"reqId\":\"b2\"}]",
              &st);
    assert_int_equal(st, 200);
    assert_string_equal(code_of(j), "0");
    assert_int_equal(count(j), 2);
    assert_string_equal(str(item(j, 0), "reqId"), "b1");
    assert_string_equal(str(item(j, 1), "sCode"), "0");
    assert_string_equal(str(item(j, 1), "clOrdId"), "lm2");
    json_decref(j);
    /* Two more orders would make five of four: refused whole. */
    expect(batch("/api/v5/trade/amend-batch-orders",
                 "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lm1\","
                 "\"newPx\":\"30006\"},{\"instId\":\"BTC-USDT\","
                 "\"clOrdId\":\"lm2\",\"newPx\":\"30006\"},"
                 "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"lm3\","
                 "\"newPx\":\"30006\"}]",
                 &st),
           &st, 429, "50011", NULL);
    j = query_btc("lm1", &st);
    assert_string_equal(str(item(j, 0), "px"), "30005");
    json_decref(j);
    static char state_out[65536];
    assert_int_equal(xg_sim_admin(&the_sim, "okx", "GET", "/_sim/state", NULL,
                                  state_out, sizeof state_out),
                     XG_OK);
    assert_non_null(strstr(state_out,
                           "\"endpoint\":\"amend\",\"who\":0,\"instId\":"
                           "\"BTC-USDT\",\"used\":3,\"limit\":3"));
    assert_non_null(strstr(state_out, "\"endpoint\":\"batch_amend\",\"who\":0,"
                                      "\"instId\":\"BTC-USDT\",\"used\":2"));
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
        cmocka_unit_test_teardown(test_ticker_books_trades_exact, sim_teardown),
        cmocka_unit_test_teardown(test_market_limits_per_ip, sim_teardown),
        cmocka_unit_test_teardown(test_account_paths, sim_teardown),
        cmocka_unit_test_teardown(test_account_limits, sim_teardown),
        cmocka_unit_test_teardown(test_batch_place_and_cancel, sim_teardown),
        cmocka_unit_test_teardown(test_batch_limits, sim_teardown),
        cmocka_unit_test_teardown(
            test_batch_places_once_logs_one_line_and_locks_balance,
            sim_teardown),
        cmocka_unit_test_teardown(test_balance_limit, sim_teardown),
        cmocka_unit_test_teardown(test_balance_leaves_out_assets_at_zero,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_fills_exact_and_paged, sim_teardown),
        cmocka_unit_test_teardown(test_orders_history, sim_teardown),
        cmocka_unit_test_teardown(
            test_batch_charges_survive_window_table_growth, sim_teardown),
        cmocka_unit_test_teardown(
            test_amend_keeps_ord_id_and_shows_new_price_and_size, sim_teardown),
        cmocka_unit_test_teardown(test_amend_keeps_a_partial_fill,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_amend_refusals_with_okx_codes,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_amend_limit_per_instrument,
                                  sim_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
