/*
 * test_sim_bybit.c - xgsim's Bybit dialect checked by an independent
 * client: plain libcurl (through sim_launch) and an HMAC computed here
 * with OpenSSL, never the adapter. Signature and key refusals, the
 * timestamp window, the per-UID rolling limits exactly as configured with
 * their headers, the IP lockout, admin faults, the order endpoints'
 * answers, and the open-order list walked page by page with the venue's
 * opaque cursor (percent-encoded here by the test's own encoder). Then
 * the paths a bot uses beyond orders, against a paused walk (exact
 * prices): tickers, order book and tape; the unified wallet with its
 * locks; account, key and coin information; order and fill history with
 * paging; the batch endpoints and cancel-all; each path's per-UID window;
 * and hostile parameters refused with the venue's 10001. Last, amends: in place with
 * the same ids, fills kept, a crossing price trading, closed orders
 * refused, and the endpoint's own window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gw_launch.h"
#include "sim_launch.h"

#define KEY    "xgsim-test-key"
#define SECRET "xgsim-test-secret"

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
    const char *args[16];
    size_t n = 0;

    memset(&the_sim, 0, sizeof(the_sim));
    args[n++] = "--venue";
    args[n++] = "bybit=127.0.0.1:0";
    for (size_t i = 0; extra[i] != NULL && n < 15; i++) {
        args[n++] = extra[i];
    }
    args[n] = NULL;
    assert_int_equal(xg_sim_start(&the_sim, args), XG_OK);
}

typedef struct answer {
    long status;
    json_t *body; /* given; NULL if not JSON */
    char hdrs[4096];
    char raw[65536]; /* a page of 50 orders is about 20 kB */
} answer;

/* One request signed as the fact sheet says: HMAC-SHA256(secret,
 * ts + key + recv_window + payload), lower-case hex unless upper. */
static void
call_full(const char *method, const char *path, const char *payload,
          int64_t ts_offset_ms, const char *key, const char *secret, int upper,
          answer *a)
{
    char ts[32], target[2048], sig[65], pre[2048];
    char h_key[160], h_ts[64], h_sig[96];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    const char *hdrs[6];
    int is_get = strcmp(method, "GET") == 0;

    snprintf(ts, sizeof ts, "%lld",
             (long long)(xg_test_wall_ms() + ts_offset_ms));
    snprintf(pre, sizeof pre, "%s%s5000%s", ts, key, payload);
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)pre,
         strlen(pre), mac, &mac_len);
    for (unsigned i = 0; i < mac_len; i++) {
        snprintf(sig + 2 * i, 3, upper ? "%02X" : "%02x", mac[i]);
    }
    snprintf(h_key, sizeof h_key, "X-BAPI-API-KEY: %s", key);
    snprintf(h_ts, sizeof h_ts, "X-BAPI-TIMESTAMP: %s", ts);
    snprintf(h_sig, sizeof h_sig, "X-BAPI-SIGN: %s", sig);
    hdrs[0] = h_key;
    hdrs[1] = h_ts;
    hdrs[2] = "X-BAPI-RECV-WINDOW: 5000";
    hdrs[3] = h_sig;
    hdrs[4] = "Content-Type: application/json";
    hdrs[5] = NULL;
    if (is_get && payload[0] != '\0') {
        snprintf(target, sizeof target, "%s?%s", path, payload);
    } else {
        snprintf(target, sizeof target, "%s", path);
    }
    memset(a, 0, sizeof *a);
    assert_int_equal(
        xg_sim_http(&the_sim, "bybit", method, target, hdrs,
                    is_get ? NULL : payload, is_get ? 0 : strlen(payload),
                    &a->status, a->raw, sizeof a->raw, a->hdrs, sizeof a->hdrs),
        XG_OK);
    a->body = json_loads(a->raw, 0, NULL);
}

static void
call(const char *method, const char *path, const char *payload, answer *a)
{
    call_full(method, path, payload, 0, KEY, SECRET, 0, a);
}

static int64_t
ret_code(const answer *a)
{
    return json_integer_value(json_object_get(a->body, "retCode"));
}

static void
done(answer *a)
{
    json_decref(a->body);
    a->body = NULL;
}

static void
create(const char *id, const char *price, answer *a)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
             "\"orderType\":\"Limit\",\"qty\":\"0.001\",\"price\":\"%s\","
             "\"timeInForce\":\"GTC\",\"orderLinkId\":\"%s\"}",
             price, id);
    call("POST", "/v5/order/create", body, a);
}

static int64_t
header_i64(const answer *a, const char *name)
{
    char v[64];
    assert_int_equal(xg_sim_header_get(a->hdrs, name, v, sizeof v), XG_OK);
    return strtoll(v, NULL, 10);
}

static void
test_signatures_are_checked(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    answer a;
    sim_start(args);

    call("GET", "/v5/order/realtime", "category=spot", &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call_full("GET", "/v5/order/realtime", "category=spot", 0, KEY, SECRET, 1,
              &a);
    assert_int_equal(ret_code(&a), 0); /* upper-case hex too */
    done(&a);
    call_full("GET", "/v5/order/realtime", "category=spot", 0, KEY,
              "wrong-secret", 0, &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 10004);
    done(&a);
    call_full("GET", "/v5/order/realtime", "category=spot", 0, "nobody", SECRET,
              0, &a);
    assert_int_equal(ret_code(&a), 10003);
    done(&a);
    /* The body is what is signed: a changed byte is refused. */
    call_full("POST", "/v5/order/create", "{\"category\":\"spot\"}", 0, KEY,
              SECRET, 0, &a);
    assert_int_equal(ret_code(&a), 10001); /* signed fine, fields missing */
    done(&a);
    xg_sim_stop(&the_sim);
}

static void
test_timestamp_window_is_enforced(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    answer a;
    sim_start(args);

    call_full("GET", "/v5/order/realtime", "category=spot", -4000, KEY, SECRET,
              0, &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call_full("GET", "/v5/order/realtime", "category=spot", -6000, KEY, SECRET,
              0, &a);
    assert_int_equal(ret_code(&a), 10002);
    done(&a);
    call_full("GET", "/v5/order/realtime", "category=spot", 2000, KEY, SECRET,
              0, &a);
    assert_int_equal(ret_code(&a), 10002);
    done(&a);
    xg_sim_stop(&the_sim);
}

/* create_per_s=5: statuses count down 4..0, the 6th is 10006 with the
 * reset time of the oldest, and a request after the window passes. */
static void
test_endpoint_limit_is_exact_and_rolls(void **state)
{
    (void)state;
    /* The polling below must not trip the IP layer. */
    const char *args[] = {"--set", "bybit.create_per_s=5",
                          "--set", "bybit.endpoint_window_ms=400",
                          "--set", "bybit.ip_limit=1000000",
                          NULL};
    answer a;
    char id[16];
    int64_t first = 0;
    sim_start(args);

    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "lim%d", i);
        create(id, "30000", &a);
        if (i == 0) {
            first = xg_test_wall_ms();
        }
        assert_int_equal(ret_code(&a), 0);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 5);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 4 - i);
        done(&a);
    }
    create("lim5", "30000", &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 10006);
    assert_string_equal(json_string_value(json_object_get(a.body, "retMsg")),
                        "Too many visits!");
    int64_t reset = header_i64(&a, "X-Bapi-Limit-Reset-Timestamp");
    assert_true(reset >= first - 50 && reset <= first + 400 + 50);
    done(&a);
    /* Queries have their own window meanwhile. */
    call("GET", "/v5/order/realtime", "category=spot", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 50);
    done(&a);
    /* Poll until the window rolls (no sleep): it must open no earlier
     * than the reset time and soon after it. */
    int64_t ok_at = 0;
    while (ok_at == 0 && xg_test_wall_ms() < reset + 2000) {
        create("lim6", "30000", &a);
        assert_int_equal(a.status, 200);
        if (ret_code(&a) == 0) {
            ok_at = xg_test_wall_ms();
        } else {
            assert_int_equal(ret_code(&a), 10006);
        }
        done(&a);
    }
    assert_true(ok_at >= reset);
    assert_true(ok_at < reset + 300);
    xg_sim_stop(&the_sim);
}

/* ip_limit=5: the 6th request is 403 and the IP is locked out for ban_ms
 * (longer than the window, so the window is empty when it ends), then
 * served again. */
static void
test_ip_layer_locks_out_with_403(void **state)
{
    (void)state;
    const char *args[] = {
        "--set", "bybit.ip_limit=5", "--set", "bybit.ip_window_ms=300",
        "--set", "bybit.ban_ms=500", NULL};
    answer a;
    sim_start(args);
    for (int i = 0; i < 5; i++) {
        call("GET", "/v5/market/time", "", &a);
        assert_int_equal(a.status, 200);
        done(&a);
    }
    int64_t t403 = xg_test_wall_ms();
    call("GET", "/v5/market/time", "", &a);
    assert_int_equal(a.status, 403);
    assert_null(a.body);
    assert_non_null(strstr(a.raw, "access too frequent"));
    done(&a);
    int64_t back = 0;
    while (back == 0 && xg_test_wall_ms() < t403 + 3000) {
        call("GET", "/v5/market/time", "", &a);
        if (a.status == 200) {
            back = xg_test_wall_ms();
        } else {
            assert_int_equal(a.status, 403);
        }
        done(&a);
    }
    assert_true(back - t403 >= 450);
    char log[65536];
    assert_int_equal(xg_sim_log_fetch(&the_sim, "bybit", 0, log, sizeof log),
                     XG_OK);
    assert_non_null(strstr(log, "\"outcome\":\"banned\""));
    xg_sim_stop(&the_sim);
}

static void
test_orders_are_acked_queried_and_canceled(void **state)
{
    (void)state;
    /* The walk paused: the best ask stays 35000.01. */
    const char *args[] = {"--set", "bybit.walk=0", NULL};
    answer a;
    sim_start(args);

    create("ord1", "30000", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(a.body, "result"), "orderLinkId")),
                        "ord1");
    done(&a);
    create("ord1", "30000", &a);
    assert_int_equal(ret_code(&a), 170141);
    done(&a);
    create("bad id", "30000", &a);
    assert_int_equal(ret_code(&a), 10001);
    done(&a);
    create("tick", "30000.001", &a);
    assert_int_equal(ret_code(&a), 170134);
    done(&a);

    call("GET", "/v5/order/realtime",
         "category=spot&symbol=BTCUSDT&orderLinkId=ord1", &a);
    json_t *o = json_array_get(
        json_object_get(json_object_get(a.body, "result"), "list"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "orderStatus")),
                        "New");
    done(&a);
    call("POST", "/v5/order/cancel",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
         "\"ord1\"}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call("POST", "/v5/order/cancel",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
         "\"ord1\"}",
         &a);
    assert_int_equal(ret_code(&a), 170213);
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=ord1", &a);
    o = json_array_get(
        json_object_get(json_object_get(a.body, "result"), "list"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "orderStatus")),
                        "Cancelled");
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=nobody", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(a.body, "result"), "list")),
                     0);
    done(&a);

    /* A market buy without marketUnit is in quote: 70 USDT at the best
     * ask, 35000.01, buys 0.001999 (the step is 0.000001); the fee is
     * 0.1% of the BTC received. */
    call("POST", "/v5/order/create",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
         "\"orderType\":\"Market\",\"qty\":\"70\",\"orderLinkId\":\"mkt1\"}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=mkt1", &a);
    o = json_array_get(
        json_object_get(json_object_get(a.body, "result"), "list"), 0);
    assert_string_equal(json_string_value(json_object_get(o, "orderStatus")),
                        "Filled");
    assert_string_equal(json_string_value(json_object_get(o, "cumExecQty")),
                        "0.001999");
    assert_string_equal(json_string_value(json_object_get(o, "avgPrice")),
                        "35000.01");
    assert_string_equal(json_string_value(json_object_get(o, "cumExecFee")),
                        "0.00000199");
    done(&a);
    xg_sim_stop(&the_sim);
}

static void
test_admin_fault_after_execution_places_the_order(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    answer a;
    char out[512];
    sim_start(args);
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "POST", "/_sim/fault",
                                  "{\"status_5xx\":{\"count\":1,\"status\":"
                                  "503,\"execute\":true}}",
                                  out, sizeof out),
                     XG_OK);
    create("flt1", "30000", &a);
    assert_int_equal(a.status, 503);
    assert_int_equal(ret_code(&a), 10016);
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=flt1", &a);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(a.body, "result"), "list")),
                     1);
    done(&a);
    xg_sim_stop(&the_sim);
}

/* A limited fault answers the endpoint layer's own 10006 with its
 * headers, places nothing, and charges nothing: five of them against an
 * IP limit of 3 do not lock the IP out. */
static void
test_limited_fault_answers_10006_places_nothing_and_never_locks_out(
    void **state)
{
    (void)state;
    const char *args[] = {"--set", "bybit.ip_limit=3", "--set",
                          "bybit.ip_window_ms=60000", NULL};
    answer a;
    char out[4096];
    char id[16];
    sim_start(args);
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "POST", "/_sim/fault",
                                  "{\"limited\":{\"count\":5,"
                                  "\"retry_after_ms\":1500}}",
                                  out, sizeof out),
                     XG_OK);
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "lim%d", i);
        int64_t before = xg_test_wall_ms();
        create(id, "30000", &a);
        int64_t after = xg_test_wall_ms();
        assert_int_equal(a.status, 200);
        assert_int_equal(ret_code(&a), 10006);
        assert_string_equal(
            json_string_value(json_object_get(a.body, "retMsg")),
            "Too many visits!");
        assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 20);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 0);
        int64_t reset = header_i64(&a, "X-Bapi-Limit-Reset-Timestamp");
        assert_true(reset >= before + 1500 && reset <= after + 1500);
        done(&a);
    }
    /* Not locked out, and the create window still has all its slots. */
    create("limok", "30000", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 19);
    done(&a);
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "GET", "/_sim/orders",
                                  NULL, out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"client_order_id\":\"limok\""));
    assert_null(strstr(out, "\"client_order_id\":\"lim0\""));
    assert_null(strstr(out, "\"client_order_id\":\"lim4\""));
    assert_int_equal(xg_sim_log_fetch(&the_sim, "bybit", 0, out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"status\":200,\"code\":10006,"
                                "\"client_order_id\":\"lim0\","
                                "\"outcome\":\"limited\""));
    /* A ban is answered one way on Bybit (403): no status to choose. */
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "POST", "/_sim/ban",
                                  "{\"duration_ms\":10,\"status\":429}", out,
                                  sizeof out),
                     XG_ERR_REJECTED);
    xg_sim_stop(&the_sim);
}

/* ---- open orders, page by page ------------------------------------------ */

/* RFC 3986: everything but A-Z a-z 0-9 - . _ ~ as %XX. */
static void
url_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;

    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        assert_true(n + 4 < cap);
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
            ch == '~') {
            out[n++] = (char)ch;
        } else {
            out[n++] = '%';
            out[n++] = hex[ch >> 4];
            out[n++] = hex[ch & 15];
        }
    }
    out[n] = '\0';
}

static const json_t *
result_of(const answer *a)
{
    return json_object_get(a->body, "result");
}

/* The number in a client id "<prefix><digits>", or -1 for another
 * prefix. */
static long
id_number(const char *id, const char *prefix)
{
    long n = 0;
    size_t k = strlen(prefix);

    if (strncmp(id, prefix, k) != 0 || id[k] == '\0') {
        return -1;
    }
    for (const char *p = id + k; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        n = n * 10 + (*p - '0');
    }
    return n;
}

/* How a client sends the cursor back: encoded once more (bybit-api) or
 * verbatim as handed out (pybit, ccxt, xgate). */
typedef enum { CURSOR_ENCODED, CURSOR_VERBATIM } cursor_sending;

/* One page: query "category=spot[&symbol=S]&limit=L[&cursor=<c>]".
 * Checks the envelope and that the list is newest first below *prev_id
 * (the last order id of the previous page; updated). cursor_out gets
 * nextPageCursor. */
static size_t
get_page(const char *symbol, int limit, const char *cursor, cursor_sending how,
         int64_t *prev_id, answer *a, char *cursor_out, size_t cap)
{
    char query[1024];
    char enc[768];
    const json_t *list = NULL;
    const json_t *o = NULL;
    size_t i = 0;
    int n = 0;

    n = snprintf(query, sizeof query, "category=spot%s%s&limit=%d",
                 symbol != NULL ? "&symbol=" : "", symbol != NULL ? symbol : "",
                 limit);
    if (cursor != NULL) {
        if (how == CURSOR_ENCODED) {
            url_encode(cursor, enc, sizeof enc);
        } else {
            snprintf(enc, sizeof enc, "%s", cursor);
        }
        snprintf(query + n, sizeof query - (size_t)n, "&cursor=%s", enc);
    }
    call("GET", "/v5/order/realtime", query, a);
    assert_int_equal(a->status, 200);
    assert_int_equal(ret_code(a), 0);
    list = json_object_get(result_of(a), "list");
    assert_true(json_is_array(list));
    json_array_foreach(list, i, o)
    {
        const char *oid = json_string_value(json_object_get(o, "orderId"));
        int64_t id = strtoll(oid, NULL, 10);
        assert_true(id > 0 && id < *prev_id);
        *prev_id = id;
        assert_string_equal(
            json_string_value(json_object_get(o, "orderStatus")), "New");
        if (symbol != NULL) {
            assert_string_equal(json_string_value(json_object_get(o, "symbol")),
                                symbol);
        }
    }
    const char *next =
        json_string_value(json_object_get(result_of(a), "nextPageCursor"));
    assert_non_null(next);
    assert_true(strlen(next) < cap);
    snprintf(cursor_out, cap, "%s", next);
    return json_array_size(list);
}

static void
place_many(const char *prefix, const char *symbol, int n)
{
    char id[32], body[512];
    answer a;

    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%s%03d", prefix, i);
        snprintf(body, sizeof body,
                 "{\"category\":\"spot\",\"symbol\":\"%s\",\"side\":"
                 "\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.01\","
                 "\"price\":\"%s\",\"timeInForce\":\"GTC\","
                 "\"orderLinkId\":\"%s\"}",
                 symbol, strcmp(symbol, "BTCUSDT") == 0 ? "30000" : "1500", id);
        call("POST", "/v5/order/create", body, &a);
        assert_int_equal(ret_code(&a), 0);
        done(&a);
    }
}

static void
cancel_one(const char *id)
{
    char body[256];
    answer a;

    snprintf(body, sizeof body,
             "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
             "\"orderLinkId\":\"%s\"}",
             id);
    call("POST", "/v5/order/cancel", body, &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
}

static const char *const paging_args[] = {
    "--set", "bybit.create_per_s=10000", "--set", "bybit.cancel_per_s=10000",
    "--set", "bybit.query_per_s=10000",  "--set", "bybit.ip_limit=1000000",
    NULL};

/* 120 resting BTCUSDT orders walked 50 at a time: newest first, every
 * order exactly once. The cursor is anchored on an order: three orders
 * placed and two canceled (one of them the anchor itself) between pages
 * shift nothing: the later pages are exactly the older orders still open.
 * The cursor is handed out percent-encoded, and works sent back either
 * encoded once more (the walk by symbol) or verbatim (the walk without). */
static void
test_open_orders_walk_every_order_once_by_cursor(void **state)
{
    (void)state;
    answer a;
    char cursor[256], next[256];
    int seen[120];
    int64_t prev = INT64_MAX;
    size_t n = 0;
    size_t total = 0;
    size_t pages = 0;
    sim_start(paging_args);
    place_many("pg", "BTCUSDT", 120);
    place_many("eth", "ETHUSDT", 5);
    memset(seen, 0, sizeof seen);

    /* Page 1: pg119 .. pg070. */
    n = get_page("BTCUSDT", 50, NULL, CURSOR_ENCODED, &prev, &a, cursor,
                 sizeof cursor);
    assert_int_equal(n, 50);
    assert_non_null(strchr(cursor, '%'));
    for (size_t i = 0; i < n; i++) {
        long k = id_number(
            json_string_value(json_object_get(
                json_array_get(json_object_get(result_of(&a), "list"), i),
                "orderLinkId")),
            "pg");
        assert_int_equal(k, 119 - (long)i);
        seen[k]++;
    }
    total += n;
    pages++;
    done(&a);

    place_many("late", "BTCUSDT", 3);
    cancel_one("pg070"); /* the anchor of the cursor */
    cancel_one("pg010"); /* on a later page */

    while (cursor[0] != '\0') {
        const json_t *o = NULL;
        size_t i = 0;
        n = get_page("BTCUSDT", 50, cursor, CURSOR_ENCODED, &prev, &a, next,
                     sizeof next);
        json_array_foreach(json_object_get(result_of(&a), "list"), i, o)
        {
            long k = id_number(
                json_string_value(json_object_get(o, "orderLinkId")), "pg");
            assert_true(k >= 0 && k < 120); /* never a late order */
            seen[k]++;
        }
        total += n;
        pages++;
        done(&a);
        assert_true(pages <= 4);
        snprintf(cursor, sizeof cursor, "%s", next);
    }
    assert_int_equal(pages, 3);
    assert_int_equal(total, 50 + 50 + 19);
    for (int k = 0; k < 120; k++) {
        if (seen[k] != (k == 10 ? 0 : 1)) {
            fail_msg("pg%03d listed %d times", k, seen[k]);
        }
    }

    /* Without a symbol: every open order of the account, across symbols,
     * once: 118 + 3 late + 5 ETHUSDT. */
    prev = INT64_MAX;
    total = 0;
    pages = 0;
    cursor[0] = '\0';
    do {
        n = get_page(NULL, 50, pages == 0 ? NULL : cursor, CURSOR_VERBATIM,
                     &prev, &a, next, sizeof next);
        total += n;
        pages++;
        done(&a);
        snprintf(cursor, sizeof cursor, "%s", next);
    } while (cursor[0] != '\0' && pages < 5);
    assert_int_equal(pages, 3);
    assert_int_equal(total, 126);
    xg_sim_stop(&the_sim);
}

/* The last page and a list that fits one page have no cursor; an empty
 * cursor parameter is the first page. */
static void
test_open_orders_that_fit_a_page_have_no_cursor(void **state)
{
    (void)state;
    answer a;
    char cursor[256];
    int64_t prev = INT64_MAX;
    sim_start(paging_args);
    place_many("fit", "BTCUSDT", 3);

    assert_int_equal(get_page("BTCUSDT", 3, NULL, CURSOR_ENCODED, &prev, &a,
                              cursor, sizeof cursor),
                     3);
    assert_string_equal(cursor, "");
    done(&a);
    prev = INT64_MAX;
    assert_int_equal(get_page("BTCUSDT", 2, "", CURSOR_ENCODED, &prev, &a,
                              cursor, sizeof cursor),
                     2);
    assert_string_not_equal(cursor, "");
    done(&a);
    assert_int_equal(get_page("BTCUSDT", 2, cursor, CURSOR_ENCODED, &prev, &a,
                              cursor, sizeof cursor),
                     1);
    assert_string_equal(cursor, "");
    done(&a);
    xg_sim_stop(&the_sim);
}

static void
assert_cursor_refused(const char *query)
{
    answer a;

    call("GET", "/v5/order/realtime", query, &a);
    assert_int_equal(a.status, 200);
    if (ret_code(&a) != 10001) {
        fail_msg("%s: retCode %lld", query, (long long)ret_code(&a));
    }
    assert_non_null(strstr(json_string_value(json_object_get(a.body, "retMsg")),
                           "params error"));
    done(&a);
}

/* A cursor the venue did not hand out for this list is the venue's
 * parameter error: sent without encoding (its %3D and %26 then decode to
 * '=' and '&'), encoded twice, for another symbol, naming an order that
 * does not exist, or plain junk. */
static void
test_malformed_cursor_is_a_params_error(void **state)
{
    (void)state;
    answer a;
    char cursor[256];
    char enc[768], twice[1024], query[1200];
    int64_t prev = INT64_MAX;
    sim_start(paging_args);
    place_many("bad", "BTCUSDT", 2);

    assert_int_equal(get_page("BTCUSDT", 1, NULL, CURSOR_ENCODED, &prev, &a,
                              cursor, sizeof cursor),
                     1);
    done(&a);
    assert_string_not_equal(cursor, "");

    url_encode(cursor, enc, sizeof enc);
    url_encode(enc, twice, sizeof twice);
    snprintf(query, sizeof query,
             "category=spot&symbol=BTCUSDT&limit=1&cursor=%s", twice);
    assert_cursor_refused(query);
    snprintf(query, sizeof query,
             "category=spot&symbol=ETHUSDT&limit=1&cursor=%s", enc);
    assert_cursor_refused(query);
    snprintf(query, sizeof query, "category=spot&limit=1&cursor=%s", enc);
    assert_cursor_refused(query);
    assert_cursor_refused("category=spot&symbol=BTCUSDT&limit=1&cursor="
                          "page_args%253D999%2526symbol%253DBTCUSDT");
    assert_cursor_refused("category=spot&symbol=BTCUSDT&limit=1&cursor="
                          "page_args%253D01%2526symbol%253DBTCUSDT");
    assert_cursor_refused("category=spot&symbol=BTCUSDT&limit=1&cursor="
                          "page_args%253D%2526symbol%253DBTCUSDT");
    assert_cursor_refused("category=spot&symbol=BTCUSDT&limit=1&cursor="
                          "page_args%253D99999999999999999999999%2526symbol%"
                          "253DBTCUSDT");
    assert_cursor_refused("category=spot&symbol=BTCUSDT&limit=1&cursor=3%3A0"
                          "%252C3%3A0");
    /* Well-formed, sent back encoded once more or verbatim, it works. */
    const char *sent[] = {enc, cursor};
    for (size_t i = 0; i < sizeof sent / sizeof sent[0]; i++) {
        snprintf(query, sizeof query,
                 "category=spot&symbol=BTCUSDT&limit=1&cursor=%s", sent[i]);
        call("GET", "/v5/order/realtime", query, &a);
        assert_int_equal(ret_code(&a), 0);
        assert_int_equal(
            json_array_size(json_object_get(result_of(&a), "list")), 1);
        done(&a);
    }
    xg_sim_stop(&the_sim);
}

/* ---- market data, wallet, history, batches ----------------------------- */

static const json_t *
list_of(const answer *a)
{
    return json_object_get(result_of(a), "list");
}

static const char *
str_of(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    if (v == NULL) {
        fail_msg("no string %s", key);
    }
    return v;
}

static void
expect_code(const char *method, const char *path, const char *payload,
            int64_t code)
{
    answer a;

    call(method, path, payload, &a);
    assert_int_equal(a.status, 200);
    if (ret_code(&a) != code) {
        fail_msg("%s %s?%s: retCode %lld, want %lld", method, path, payload,
                 (long long)ret_code(&a), (long long)code);
    }
    done(&a);
}

/* One entry of a wallet-balance answer's coin list, or NULL. */
static const json_t *
wallet_coin(const answer *a, const char *coin)
{
    const json_t *acct = json_array_get(list_of(a), 0);
    const json_t *c = NULL;
    size_t i = 0;

    json_array_foreach(json_object_get(acct, "coin"), i, c)
    {
        if (strcmp(str_of(c, "coin"), coin) == 0) {
            return c;
        }
    }
    return NULL;
}

/* Levels of 1000 USDT: 0.028571 BTC a level at 35000 (the step is
 * 0.000001), one tick apart from 35000.01 up and 34999.99 down. */
static const char *const market_args[] = {"--set", "bybit.walk=0", "--set",
                                          "bybit.level_notional=1000", NULL};

static void
test_market_data_shows_the_paused_book_and_its_tape(void **state)
{
    (void)state;
    answer a;
    const json_t *t = NULL;
    sim_start(market_args);

    call("GET", "/v5/market/tickers", "category=spot&symbol=BTCUSDT", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_string_equal(str_of(result_of(&a), "category"), "spot");
    assert_int_equal(json_array_size(list_of(&a)), 1);
    t = json_array_get(list_of(&a), 0);
    assert_string_equal(str_of(t, "symbol"), "BTCUSDT");
    assert_string_equal(str_of(t, "bid1Price"), "34999.99");
    assert_string_equal(str_of(t, "bid1Size"), "0.028571");
    assert_string_equal(str_of(t, "ask1Price"), "35000.01");
    assert_string_equal(str_of(t, "ask1Size"), "0.028571");
    /* No trade yet: the reference the market opened at. */
    assert_string_equal(str_of(t, "lastPrice"), "35000");
    assert_string_equal(str_of(t, "prevPrice24h"), "35000");
    assert_string_equal(str_of(t, "price24hPcnt"), "0");
    assert_string_equal(str_of(t, "volume24h"), "0");
    /* Market data has no per-UID window. */
    assert_int_not_equal(
        xg_sim_header_get(a.hdrs, "X-Bapi-Limit", (char[8]){0}, 8), XG_OK);
    done(&a);
    call("GET", "/v5/market/tickers", "category=spot", &a);
    assert_int_equal(json_array_size(list_of(&a)), 3);
    done(&a);

    call("GET", "/v5/market/orderbook", "category=spot&symbol=BTCUSDT&limit=3",
         &a);
    assert_int_equal(ret_code(&a), 0);
    assert_string_equal(str_of(result_of(&a), "s"), "BTCUSDT");
    const json_t *asks = json_object_get(result_of(&a), "a");
    const json_t *bids = json_object_get(result_of(&a), "b");
    assert_int_equal(json_array_size(asks), 3);
    assert_int_equal(json_array_size(bids), 3);
    const char *ask_px[] = {"35000.01", "35000.02", "35000.03"};
    const char *bid_px[] = {"34999.99", "34999.98", "34999.97"};
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(
            json_string_value(json_array_get(json_array_get(asks, i), 0)),
            ask_px[i]);
        assert_string_equal(
            json_string_value(json_array_get(json_array_get(bids, i), 0)),
            bid_px[i]);
        assert_string_equal(
            json_string_value(json_array_get(json_array_get(asks, i), 1)),
            "0.028571");
    }
    assert_true(json_is_integer(json_object_get(result_of(&a), "ts")));
    assert_true(json_is_integer(json_object_get(result_of(&a), "u")));
    done(&a);
    /* Spot's default depth is one level. */
    call("GET", "/v5/market/orderbook", "category=spot&symbol=BTCUSDT", &a);
    assert_int_equal(json_array_size(json_object_get(result_of(&a), "a")), 1);
    done(&a);

    /* A buy across two levels: 0.028571 at 35000.01, 0.021429 at
     * 35000.02. The tape shows both, newest first, taker side Buy. */
    call("POST", "/v5/order/create",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
         "\"orderType\":\"Limit\",\"qty\":\"0.05\",\"price\":\"35000.02\","
         "\"orderLinkId\":\"sweep1\"}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call("GET", "/v5/market/recent-trade", "category=spot&symbol=BTCUSDT", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(list_of(&a)), 2);
    t = json_array_get(list_of(&a), 0);
    assert_string_equal(str_of(t, "price"), "35000.02");
    assert_string_equal(str_of(t, "size"), "0.021429");
    assert_string_equal(str_of(t, "side"), "Buy");
    assert_true(json_is_false(json_object_get(t, "isBlockTrade")));
    t = json_array_get(list_of(&a), 1);
    assert_string_equal(str_of(t, "price"), "35000.01");
    assert_string_equal(str_of(t, "size"), "0.028571");
    done(&a);
    call("GET", "/v5/market/recent-trade",
         "category=spot&symbol=BTCUSDT&limit=1", &a);
    assert_int_equal(json_array_size(list_of(&a)), 1);
    done(&a);
    call("GET", "/v5/market/tickers", "category=spot&symbol=BTCUSDT", &a);
    t = json_array_get(list_of(&a), 0);
    assert_string_equal(str_of(t, "lastPrice"), "35000.02");
    assert_string_equal(str_of(t, "highPrice24h"), "35000.02");
    assert_string_equal(str_of(t, "lowPrice24h"), "35000.01");
    assert_string_equal(str_of(t, "volume24h"), "0.05");
    assert_string_equal(str_of(t, "turnover24h"), "1750.00071429");
    /* The first level is gone (refilled only after refill_ms). */
    assert_string_equal(str_of(t, "ask1Price"), "35000.02");
    assert_string_equal(str_of(t, "ask1Size"), "0.007142");
    done(&a);

    /* Categories the sim does not trade: empty, in the venue's shape. */
    call("GET", "/v5/market/instruments-info", "category=linear&limit=1000",
         &a);
    assert_int_equal(ret_code(&a), 0);
    assert_string_equal(str_of(result_of(&a), "category"), "linear");
    assert_int_equal(json_array_size(list_of(&a)), 0);
    assert_string_equal(str_of(result_of(&a), "nextPageCursor"), "");
    done(&a);
    call("GET", "/v5/market/instruments-info", "category=option&baseCoin=BTC",
         &a);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);
    call("GET", "/v5/market/tickers", "category=inverse", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);

    /* Bad parameters: the venue's 10001. */
    expect_code("GET", "/v5/market/tickers", "", 10001);
    expect_code("GET", "/v5/market/tickers", "category=futures", 10001);
    expect_code("GET", "/v5/market/tickers", "category=spot&symbol=NOPE",
                10001);
    expect_code("GET", "/v5/market/orderbook", "category=spot", 10001);
    expect_code("GET", "/v5/market/orderbook",
                "category=spot&symbol=BTCUSDT&limit=0", 10001);
    expect_code("GET", "/v5/market/orderbook",
                "category=spot&symbol=BTCUSDT&limit=51", 10001);
    expect_code("GET", "/v5/market/orderbook",
                "category=spot&symbol=BTCUSDT&limit=-1", 10001);
    expect_code("GET", "/v5/market/orderbook",
                "category=spot&symbol=BTCUSDT&limit="
                "99999999999999999999999999999999999999",
                10001);
    expect_code("GET", "/v5/market/orderbook", "category=linear&symbol=BTCUSDT",
                10001);
    expect_code("GET", "/v5/market/recent-trade",
                "category=spot&symbol=BTCUSDT&limit=61", 10001);
    expect_code("GET", "/v5/market/recent-trade", "category=spot", 10001);
    expect_code("GET", "/v5/market/instruments-info", "category=spot&limit=x",
                10001);
    xg_sim_stop(&the_sim);
}

static void
test_wallet_balance_shows_free_and_locked_per_coin(void **state)
{
    (void)state;
    answer a;
    const json_t *c = NULL;
    sim_start(market_args);

    /* A resting buy locks 0.01 * 30000 = 300 USDT. */
    create("lock1", "30000", &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call("POST", "/v5/order/create",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
         "\"orderType\":\"Limit\",\"qty\":\"0.01\",\"price\":\"30000\"}",
         &a);
    done(&a);

    call("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 50);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 49);
    const json_t *acct = json_array_get(list_of(&a), 0);
    assert_string_equal(str_of(acct, "accountType"), "UNIFIED");
    c = wallet_coin(&a, "USDT");
    assert_non_null(c);
    /* 0.001 * 30000 = 30 for create(), 300 for the second. */
    assert_string_equal(str_of(c, "walletBalance"), "1000000");
    assert_string_equal(str_of(c, "equity"), "1000000");
    assert_string_equal(str_of(c, "locked"), "330");
    assert_string_equal(str_of(c, "usdValue"), "1000000");
    assert_string_equal(str_of(c, "availableToWithdraw"), "");
    assert_null(json_object_get(c, "free"));
    c = wallet_coin(&a, "BTC");
    assert_non_null(c);
    assert_string_equal(str_of(c, "walletBalance"), "100");
    assert_string_equal(str_of(c, "locked"), "0");
    assert_string_equal(str_of(c, "usdValue"), "3500000");
    assert_non_null(wallet_coin(&a, "ETH"));
    /* 1,000,000 + 100 * 35000 + 1000 * 2000 */
    assert_string_equal(str_of(acct, "totalEquity"), "6500000");
    done(&a);

    call("GET", "/v5/account/wallet-balance", "accountType=UNIFIED&coin=BTC",
         &a);
    assert_int_equal(json_array_size(json_object_get(
                         json_array_get(list_of(&a), 0), "coin")),
                     1);
    assert_non_null(wallet_coin(&a, "BTC"));
    done(&a);
    call("GET", "/v5/account/wallet-balance",
         "accountType=UNIFIED&coin=BTC,USDT,XYZ", &a);
    assert_int_equal(json_array_size(json_object_get(
                         json_array_get(list_of(&a), 0), "coin")),
                     2);
    done(&a);
    expect_code("GET", "/v5/account/wallet-balance", "accountType=SPOT", 10001);
    expect_code("GET", "/v5/account/wallet-balance", "", 10001);
    expect_code("GET", "/v5/account/wallet-balance",
                "accountType=UNIFIED&coin=,BTC", 10001);
    expect_code("GET", "/v5/account/wallet-balance",
                "accountType=UNIFIED&coin=ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10001);
    expect_code("GET", "/v5/account/wallet-balance",
                "accountType=UNIFIED&coin=A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,A,"
                "A,A,A",
                10001);
    xg_sim_stop(&the_sim);
}

/* coin_info's 5/s and query-api's 10/s are charged per account: the
 * sixth coin query in the window is refused. */
static void
test_account_key_and_coin_info_answer_a_uta_with_their_limits(void **state)
{
    (void)state;
    answer a;
    const json_t *row = NULL;
    size_t i = 0;
    int btc = 0, usdt = 0;
    const char *args[] = {"--set", "bybit.endpoint_window_ms=60000", NULL};
    sim_start(args);

    call("GET", "/v5/account/info", "", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 50);
    assert_int_equal(json_integer_value(
                         json_object_get(result_of(&a), "unifiedMarginStatus")),
                     6);
    done(&a);
    call("GET", "/v5/user/query-api", "", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 10);
    assert_int_equal(json_integer_value(json_object_get(result_of(&a), "uta")),
                     1);
    assert_int_equal(
        json_integer_value(json_object_get(result_of(&a), "unified")), 0);
    assert_string_equal(str_of(result_of(&a), "apiKey"), KEY);
    assert_string_equal(str_of(result_of(&a), "secret"), "");
    done(&a);
    for (int k = 0; k < 5; k++) {
        call("GET", "/v5/asset/coin/query-info", "", &a);
        assert_int_equal(ret_code(&a), 0);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 5);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 4 - k);
        if (k == 0) {
            json_array_foreach(json_object_get(result_of(&a), "rows"), i, row)
            {
                btc += strcmp(str_of(row, "coin"), "BTC") == 0;
                usdt += strcmp(str_of(row, "coin"), "USDT") == 0;
            }
            assert_int_equal(btc, 1);
            assert_int_equal(usdt, 1); /* quote of three symbols, once */
        }
        done(&a);
    }
    call("GET", "/v5/asset/coin/query-info", "coin=BTC", &a);
    assert_int_equal(ret_code(&a), 10006);
    done(&a);
    /* Other windows are untouched. */
    call("GET", "/v5/user/query-api", "", &a);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 8);
    done(&a);
    /* The signature is checked on every private path. */
    call_full("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", 0,
              KEY, "wrong-secret", 0, &a);
    assert_int_equal(ret_code(&a), 10004);
    done(&a);
    char out[8192];
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "GET", "/_sim/state", NULL,
                                  out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"coin_info_used\":5"));
    assert_non_null(strstr(out, "\"api_info_used\":2"));
    xg_sim_stop(&the_sim);
}

/* The two-level buy of the market test, then its fills as the execution
 * list shows them, page by page, and the order as realtime and history
 * show it. */
static void
test_executions_list_each_fill_with_its_fee_and_page_by_cursor(void **state)
{
    (void)state;
    answer a;
    const json_t *f = NULL;
    char cursor[256], query[512];
    sim_start(market_args);

    call("POST", "/v5/order/create",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\","
         "\"orderType\":\"Limit\",\"qty\":\"0.05\",\"price\":\"35000.02\","
         "\"orderLinkId\":\"sweep1\"}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    char oid[32];
    snprintf(oid, sizeof oid, "%s", str_of(result_of(&a), "orderId"));
    done(&a);

    call("GET", "/v5/execution/list",
         "category=spot&symbol=BTCUSDT&execType=Trade", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 50);
    assert_int_equal(json_array_size(list_of(&a)), 2);
    f = json_array_get(list_of(&a), 0);
    assert_string_equal(str_of(f, "orderId"), oid);
    assert_string_equal(str_of(f, "orderLinkId"), "sweep1");
    assert_string_equal(str_of(f, "side"), "Buy");
    assert_string_equal(str_of(f, "execPrice"), "35000.02");
    assert_string_equal(str_of(f, "execQty"), "0.021429");
    assert_string_equal(str_of(f, "execValue"), "750.01542858");
    assert_string_equal(str_of(f, "execType"), "Trade");
    assert_string_equal(str_of(f, "feeCurrency"), "BTC");
    assert_string_equal(str_of(f, "feeRate"), "0.001");
    assert_string_equal(str_of(f, "execFee"), "0.00002142");
    assert_true(json_is_false(json_object_get(f, "isMaker")));
    f = json_array_get(list_of(&a), 1);
    assert_string_equal(str_of(f, "execPrice"), "35000.01");
    assert_string_equal(str_of(f, "execQty"), "0.028571");
    assert_string_equal(str_of(f, "execFee"), "0.00002857");
    assert_string_equal(str_of(result_of(&a), "nextPageCursor"), "");
    done(&a);

    /* One fill a page: the cursor leads to the older one, then ends. */
    call("GET", "/v5/execution/list", "category=spot&limit=1", &a);
    assert_int_equal(json_array_size(list_of(&a)), 1);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "execPrice"),
                        "35000.02");
    snprintf(cursor, sizeof cursor, "%s",
             str_of(result_of(&a), "nextPageCursor"));
    assert_string_not_equal(cursor, "");
    done(&a);
    snprintf(query, sizeof query, "category=spot&limit=1&cursor=%s", cursor);
    call("GET", "/v5/execution/list", query, &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(list_of(&a)), 1);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "execPrice"),
                        "35000.01");
    assert_string_equal(str_of(result_of(&a), "nextPageCursor"), "");
    done(&a);
    /* A cursor made without a symbol filter is not one for BTCUSDT. */
    snprintf(query, sizeof query,
             "category=spot&symbol=BTCUSDT&limit=1&cursor=%s", cursor);
    expect_code("GET", "/v5/execution/list", query, 10001);
    expect_code("GET", "/v5/execution/list",
                "category=spot&cursor=page_args%3D999%26symbol%3D", 10001);
    expect_code("GET", "/v5/execution/list", "category=spot&limit=101", 10001);
    expect_code("GET", "/v5/execution/list", "category=spot&execType=Nope",
                10001);
    expect_code("GET", "/v5/execution/list",
                "category=spot&startTime=2000&endTime=1000", 10001);
    expect_code("GET", "/v5/execution/list",
                "category=spot&startTime=0&endTime=700000000", 10001);
    expect_code("GET", "/v5/execution/list",
                "category=spot&startTime=99999999999999999999999", 10001);
    /* Filters: by orderLinkId, another symbol, another execType, an old
     * window. */
    call("GET", "/v5/execution/list", "category=spot&orderLinkId=sweep1", &a);
    assert_int_equal(json_array_size(list_of(&a)), 2);
    done(&a);
    call("GET", "/v5/execution/list", "category=spot&symbol=ETHUSDT", &a);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);
    call("GET", "/v5/execution/list", "category=spot&execType=Funding", &a);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);
    call("GET", "/v5/execution/list",
         "category=spot&startTime=1000&endTime=2000", &a);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);

    /* The order: filled over the two levels, its fees per coin. */
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=sweep1", &a);
    f = json_array_get(list_of(&a), 0);
    assert_string_equal(str_of(f, "orderStatus"), "Filled");
    assert_string_equal(str_of(f, "cumExecQty"), "0.05");
    assert_string_equal(str_of(f, "cumExecValue"), "1750.00071429");
    assert_string_equal(str_of(f, "leavesQty"), "0");
    assert_string_equal(str_of(f, "cumExecFee"), "0.00004999");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(f, "cumFeeDetail"), "BTC")),
                        "0.00004999");
    done(&a);
    xg_sim_stop(&the_sim);
}

/* Order history: every status, newest first, orderStatus as a filter,
 * paging by cursor; realtime with openOnly=1 the closed orders. */
static void
test_order_history_lists_every_status_and_pages(void **state)
{
    (void)state;
    answer a;
    char cursor[256], query[512];
    sim_start(paging_args);
    place_many("hs", "BTCUSDT", 5);
    cancel_one("hs001");
    cancel_one("hs003");

    call("GET", "/v5/order/history", "category=spot", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 50);
    assert_int_equal(json_array_size(list_of(&a)), 5);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderLinkId"),
                        "hs004");
    assert_string_equal(str_of(json_array_get(list_of(&a), 1), "orderStatus"),
                        "Cancelled");
    assert_string_equal(str_of(json_array_get(list_of(&a), 1), "avgPrice"), "");
    done(&a);
    call("GET", "/v5/order/history", "category=spot&orderStatus=Cancelled", &a);
    assert_int_equal(json_array_size(list_of(&a)), 2);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderLinkId"),
                        "hs003");
    done(&a);
    call("GET", "/v5/order/history", "category=spot&orderStatus=Filled", &a);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);
    call("GET", "/v5/order/history", "category=spot&orderLinkId=hs002", &a);
    assert_int_equal(json_array_size(list_of(&a)), 1);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderStatus"),
                        "New");
    done(&a);

    /* Two a page: hs004 hs003 | hs002 hs001 | hs000. */
    int pages = 0;
    size_t total = 0;
    cursor[0] = '\0';
    do {
        snprintf(query, sizeof query,
                 "category=spot&symbol=BTCUSDT&limit=2%s%s",
                 cursor[0] != '\0' ? "&cursor=" : "", cursor);
        call("GET", "/v5/order/history", query, &a);
        assert_int_equal(ret_code(&a), 0);
        total += json_array_size(list_of(&a));
        snprintf(cursor, sizeof cursor, "%s",
                 str_of(result_of(&a), "nextPageCursor"));
        done(&a);
        pages++;
    } while (cursor[0] != '\0' && pages < 5);
    assert_int_equal(pages, 3);
    assert_int_equal(total, 5);

    /* Realtime: openOnly=0 the open ones, 1 the closed ones. */
    call("GET", "/v5/order/realtime", "category=spot&openOnly=1", &a);
    assert_int_equal(json_array_size(list_of(&a)), 2);
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot", &a);
    assert_int_equal(json_array_size(list_of(&a)), 3);
    done(&a);
    expect_code("GET", "/v5/order/realtime", "category=spot&openOnly=3", 10001);
    expect_code("GET", "/v5/order/history", "category=spot&orderStatus=Open",
                10001);
    expect_code("GET", "/v5/order/history", "category=spot&limit=51", 10001);
    expect_code("GET", "/v5/order/history", "category=linear", 10001);
    expect_code("GET", "/v5/order/history", "category=spot&cursor=junk", 10001);
    expect_code("GET", "/v5/order/history", "category=spot&orderFilter=Nope",
                10001);
    call("GET", "/v5/order/history", "category=spot&orderFilter=StopOrder", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);
    xg_sim_stop(&the_sim);
}

static void
test_batches_run_each_order_and_answer_per_item(void **state)
{
    (void)state;
    answer a;
    const json_t *codes = NULL;
    sim_start(market_args);

    call("POST", "/v5/order/create-batch",
         "{\"category\":\"spot\",\"request\":["
         "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","
         "\"qty\":\"0.01\",\"price\":\"30000\",\"orderLinkId\":\"b1\","
         "\"isLeverage\":0},"
         "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","
         "\"qty\":\"0.01\",\"price\":\"30000.001\",\"orderLinkId\":\"b2\"},"
         "{\"symbol\":\"ETHUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","
         "\"qty\":\"0.1\",\"price\":\"1500\",\"orderLinkId\":\"b3\"}]}",
         &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 20);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 17);
    assert_int_equal(json_array_size(list_of(&a)), 3);
    codes = json_object_get(json_object_get(a.body, "retExtInfo"), "list");
    assert_int_equal(json_array_size(codes), 3);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 0), "code")),
        0);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 1), "code")),
        170134);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 2), "code")),
        0);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderLinkId"),
                        "b1");
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "category"),
                        "spot");
    assert_string_not_equal(str_of(json_array_get(list_of(&a), 0), "orderId"),
                            "");
    assert_string_equal(str_of(json_array_get(list_of(&a), 1), "orderId"), "");
    assert_string_equal(str_of(json_array_get(list_of(&a), 2), "symbol"),
                        "ETHUSDT");
    char b3[32];
    snprintf(b3, sizeof b3, "%s",
             str_of(json_array_get(list_of(&a), 2), "orderId"));
    done(&a);
    /* The single create window was not charged. */
    create("single", "30000", &a);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 19);
    done(&a);

    char body[512];
    snprintf(body, sizeof body,
             "{\"category\":\"spot\",\"request\":["
             "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"b1\"},"
             "{\"symbol\":\"ETHUSDT\",\"orderId\":\"%s\"},"
             "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"b1\"},"
             "{\"symbol\":\"BTCUSDT\"}]}",
             b3);
    call("POST", "/v5/order/cancel-batch", body, &a);
    assert_int_equal(ret_code(&a), 0);
    codes = json_object_get(json_object_get(a.body, "retExtInfo"), "list");
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 0), "code")),
        0);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 1), "code")),
        0);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 2), "code")),
        170213);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(codes, 3), "code")),
        10001);
    assert_string_equal(str_of(json_array_get(list_of(&a), 1), "orderId"), b3);
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=b3", &a);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderStatus"),
                        "Cancelled");
    done(&a);

    /* Malformed batches are refused whole. */
    expect_code("POST", "/v5/order/create-batch",
                "{\"category\":\"spot\",\"request\":[]}", 10001);
    expect_code("POST", "/v5/order/create-batch",
                "{\"category\":\"spot\",\"request\":{}}", 10001);
    expect_code("POST", "/v5/order/create-batch",
                "{\"category\":\"spot\",\"request\":[1,2]}", 10001);
    expect_code("POST", "/v5/order/create-batch",
                "{\"category\":\"linear\",\"request\":[{}]}", 10001);
    expect_code("POST", "/v5/order/cancel-batch",
                "{\"category\":\"spot\",\"request\":[{},{},{},{},{},{},{},{},"
                "{},{},{}]}",
                10001);
    xg_sim_stop(&the_sim);
}

/* batch_create_per_s=4: a batch of 3 takes 3 slots, the next batch of 3
 * places its first order and fails the other two with 10006, and one more
 * batch is refused whole. */
static void
test_batch_consumes_one_slot_per_order_and_is_cut_at_the_limit(void **state)
{
    (void)state;
    answer a;
    const json_t *codes = NULL;
    char body[1024];
    const char *args[] = {"--set", "bybit.batch_create_per_s=4", "--set",
                          "bybit.endpoint_window_ms=60000", NULL};
    sim_start(args);

    for (int round = 0; round < 3; round++) {
        snprintf(body, sizeof body,
                 "{\"category\":\"spot\",\"request\":["
                 "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":"
                 "\"Limit\",\"qty\":\"0.001\",\"price\":\"30000\"},"
                 "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":"
                 "\"Limit\",\"qty\":\"0.001\",\"price\":\"30000\"},"
                 "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":"
                 "\"Limit\",\"qty\":\"0.001\",\"price\":\"30000\"}]}");
        call("POST", "/v5/order/create-batch", body, &a);
        assert_int_equal(a.status, 200);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 4);
        if (round == 2) {
            assert_int_equal(ret_code(&a), 10006);
            done(&a);
            break;
        }
        assert_int_equal(ret_code(&a), 0);
        codes = json_object_get(json_object_get(a.body, "retExtInfo"), "list");
        for (size_t i = 0; i < 3; i++) {
            int64_t want = round == 0 || i == 0 ? 0 : 10006;
            assert_int_equal(json_integer_value(json_object_get(
                                 json_array_get(codes, i), "code")),
                             want);
        }
        done(&a);
    }
    call("GET", "/v5/order/realtime", "category=spot&limit=50", &a);
    assert_int_equal(json_array_size(list_of(&a)), 4);
    done(&a);
    xg_sim_stop(&the_sim);
}

/* How many orders of the account are open (on symbol, NULL: all). */
static size_t
open_count(const char *symbol)
{
    answer a;
    char query[128];
    size_t n = 0;

    snprintf(query, sizeof query, "category=spot&limit=50%s%s",
             symbol != NULL ? "&symbol=" : "", symbol != NULL ? symbol : "");
    call("GET", "/v5/order/realtime", query, &a);
    assert_int_equal(ret_code(&a), 0);
    n = json_array_size(list_of(&a));
    done(&a);
    return n;
}

/* The locked amount of coin in the wallet, as a string into out. */
static void
wallet_locked(const char *coin, char *out, size_t cap)
{
    answer a;

    call("GET", "/v5/account/wallet-balance", "accountType=UNIFIED", &a);
    assert_int_equal(ret_code(&a), 0);
    snprintf(out, cap, "%s", str_of(wallet_coin(&a, coin), "locked"));
    done(&a);
}

/* The code of item i of a batch answer. */
static int64_t
item_code(const answer *a, size_t i)
{
    const json_t *codes =
        json_object_get(json_object_get(a->body, "retExtInfo"), "list");
    return json_integer_value(
        json_object_get(json_array_get(codes, i), "code"));
}

#define BATCH_BUY(id)                                                          \
    "{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Limit\","       \
    "\"qty\":\"0.01\",\"price\":\"30000\",\"timeInForce\":\"GTC\","           \
    "\"orderLinkId\":\"" id "\"}"

/* A batch places every order with one request (one line of the log,
 * under its first order's id), their locks show in the wallet, eleven
 * orders are refused whole, and cancel-batch and cancel-all (of a symbol,
 * then of everything) leave nothing open and nothing locked. */
static void
test_batch_is_one_request_and_cancel_all_leaves_nothing_open(void **state)
{
    (void)state;
    answer a;
    char locked[64];
    static char log[65536];
    size_t n_lines = 0;
    sim_start(market_args);

    call("POST", "/v5/order/create-batch",
         "{\"category\":\"spot\",\"request\":[" BATCH_BUY("k1") ","
         BATCH_BUY("k2") "," BATCH_BUY("k3") "]}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(item_code(&a, i), 0);
    }
    done(&a);
    assert_int_equal(xg_sim_log_fetch(&the_sim, "bybit", 0, log, sizeof log),
                     XG_OK);
    for (const char *p = log; (p = strstr(p, "create-batch")) != NULL; p++) {
        n_lines++;
    }
    /* One request: an entry per order, each placed. */
    assert_int_equal(n_lines, 3);
    assert_non_null(strstr(log, "\"client_order_id\":\"k1\",\"outcome\":"
                                "\"placed\",\"batch_n\":3,\"batch_i\":0"));
    assert_non_null(strstr(log, "\"client_order_id\":\"k3\",\"outcome\":"
                                "\"placed\",\"batch_n\":3,\"batch_i\":2"));
    assert_int_equal(open_count("BTCUSDT"), 3);
    /* 3 * 0.01 * 30000 */
    wallet_locked("USDT", locked, sizeof locked);
    assert_string_equal(locked, "900");

    /* Eleven orders: more than Bybit's spot batch takes; none placed. */
    char eleven[4096];
    size_t len = (size_t)snprintf(eleven, sizeof eleven,
                                  "{\"category\":\"spot\",\"request\":[");
    for (int i = 0; i < 11; i++) {
        len += (size_t)snprintf(
            eleven + len, sizeof eleven - len,
            "%s{\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":"
            "\"Limit\",\"qty\":\"0.01\",\"price\":\"30000\","
            "\"orderLinkId\":\"x%d\"}",
            i > 0 ? "," : "", i);
    }
    snprintf(eleven + len, sizeof eleven - len, "]}");
    expect_code("POST", "/v5/order/create-batch", eleven, 10001);
    assert_int_equal(open_count(NULL), 3);

    call("POST", "/v5/order/cancel-batch",
         "{\"category\":\"spot\",\"request\":["
         "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"k1\"},"
         "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"k2\"}]}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(item_code(&a, 0), 0);
    assert_int_equal(item_code(&a, 1), 0);
    done(&a);
    assert_int_equal(open_count(NULL), 1);

    /* One more BTC order and one ETH order; cancel-all of BTCUSDT takes
     * the two BTC ones and leaves ETH. */
    create("k4", "30000", &a);
    done(&a);
    call("POST", "/v5/order/create",
         "{\"category\":\"spot\",\"symbol\":\"ETHUSDT\",\"side\":\"Buy\","
         "\"orderType\":\"Limit\",\"qty\":\"0.1\",\"price\":\"1500\","
         "\"orderLinkId\":\"e1\"}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    call("POST", "/v5/order/cancel-all",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\"}", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 20);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 19);
    assert_string_equal(str_of(result_of(&a), "success"), "1");
    assert_int_equal(json_array_size(list_of(&a)), 2);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderLinkId"),
                        "k3");
    assert_string_not_equal(str_of(json_array_get(list_of(&a), 0), "orderId"),
                            "");
    assert_string_equal(str_of(json_array_get(list_of(&a), 1), "orderLinkId"),
                        "k4");
    done(&a);
    assert_int_equal(open_count("BTCUSDT"), 0);
    assert_int_equal(open_count("ETHUSDT"), 1);
    wallet_locked("USDT", locked, sizeof locked);
    assert_string_equal(locked, "150"); /* 0.1 * 1500 for e1 */

    /* Without a symbol: every spot order. Then nothing is left. */
    call("POST", "/v5/order/cancel-all", "{\"category\":\"spot\"}", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(list_of(&a)), 1);
    done(&a);
    assert_int_equal(open_count(NULL), 0);
    wallet_locked("USDT", locked, sizeof locked);
    assert_string_equal(locked, "0");
    call("POST", "/v5/order/cancel-all",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\"}", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(json_array_size(list_of(&a)), 0);
    done(&a);
    call("GET", "/v5/order/realtime", "category=spot&orderLinkId=k3", &a);
    assert_string_equal(str_of(json_array_get(list_of(&a), 0), "orderStatus"),
                        "Cancelled");
    done(&a);

    expect_code("POST", "/v5/order/cancel-all",
                "{\"category\":\"spot\",\"baseCoin\":\"BTC\"}", 10001);
    expect_code("POST", "/v5/order/cancel-all",
                "{\"category\":\"spot\",\"orderFilter\":\"Nope\"}", 10001);
    expect_code("POST", "/v5/order/cancel-all",
                "{\"category\":\"spot\",\"symbol\":\"NOPEUSDT\"}", 170121);
    expect_code("POST", "/v5/order/cancel-all", "{\"category\":\"linear\"}",
                10001);
    xg_sim_stop(&the_sim);
}

/* cancel_all_per_s=2: cancel-all has its own window, apart from the
 * single cancel's; the third in the window is 10006 and cancels
 * nothing. */
static void
test_cancel_all_has_its_own_endpoint_window(void **state)
{
    (void)state;
    answer a;
    const char *args[] = {"--set", "bybit.cancel_all_per_s=2", "--set",
                          "bybit.endpoint_window_ms=60000", NULL};
    sim_start(args);

    for (int i = 0; i < 2; i++) {
        call("POST", "/v5/order/cancel-all",
             "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\"}", &a);
        assert_int_equal(ret_code(&a), 0);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 2);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 1 - i);
        done(&a);
    }
    create("c1", "30000", &a);
    done(&a);
    call("POST", "/v5/order/cancel-all",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\"}", &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 10006);
    assert_true(header_i64(&a, "X-Bapi-Limit-Reset-Timestamp") >
                xg_test_wall_ms());
    done(&a);
    assert_int_equal(open_count(NULL), 1);
    /* The single cancel's window was never charged. */
    call("POST", "/v5/order/cancel",
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
         "\"c1\"}",
         &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 19);
    done(&a);
    xg_sim_stop(&the_sim);
}

/* ---- amends ---------------------------------------------------------------
 */

/* POST /v5/order/amend of orderLinkId id on BTCUSDT with the given extra
 * fields ("\"price\":\"30001\""). */
static void
amend(const char *id, const char *fields, answer *a)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
             "\"%s\"%s%s}",
             id, fields[0] != '\0' ? "," : "", fields);
    call("POST", "/v5/order/amend", body, a);
}

static void
expect_amend(const char *id, const char *fields, int64_t code)
{
    answer a;

    amend(id, fields, &a);
    assert_int_equal(a.status, 200);
    if (ret_code(&a) != code) {
        fail_msg("amend %s {%s}: retCode %lld, want %lld", id, fields,
                 (long long)ret_code(&a), (long long)code);
    }
    done(&a);
}

/* The realtime entry of orderLinkId id, into *a (done() frees it). */
static const json_t *
realtime_of(const char *id, answer *a)
{
    char query[128];
    snprintf(query, sizeof query, "category=spot&orderLinkId=%s", id);
    call("GET", "/v5/order/realtime", query, a);
    assert_int_equal(ret_code(a), 0);
    assert_int_equal(json_array_size(list_of(a)), 1);
    return json_array_get(list_of(a), 0);
}

/* Against the paused book (best ask 35000.01): an amend keeps the order's
 * ids and shows in realtime; a fill made before it is kept, the new qty
 * being the total; a qty at or below what filled is 170313; a price that
 * crosses the book trades at once; a filled, canceled or unknown order is
 * 170213; the create's rules apply to the new values. */
static void
test_amend_changes_the_order_in_place_and_keeps_its_fills(void **state)
{
    (void)state;
    answer a;
    char out[4096];
    char oid[32];
    const json_t *o = NULL;
    /* market_args, and room for every amend below. */
    const char *args[] = {
        "--set", "bybit.walk=0",           "--set", "bybit.level_notional=1000",
        "--set", "bybit.amend_per_s=1000", NULL};
    sim_start(args);

    create("am1", "30000", &a);
    assert_int_equal(ret_code(&a), 0);
    snprintf(oid, sizeof oid, "%s", str_of(result_of(&a), "orderId"));
    done(&a);
    amend("am1", "\"price\":\"30001\"", &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 0);
    assert_string_equal(str_of(result_of(&a), "orderId"), oid);
    assert_string_equal(str_of(result_of(&a), "orderLinkId"), "am1");
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 1000);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 999);
    done(&a);
    o = realtime_of("am1", &a);
    assert_string_equal(str_of(o, "orderId"), oid);
    assert_string_equal(str_of(o, "price"), "30001");
    assert_string_equal(str_of(o, "qty"), "0.001");
    assert_string_equal(str_of(o, "orderStatus"), "New");
    done(&a);

    /* 0.004 @ 30000, 0.001 of it filled by the admin, then amended to
     * 0.003 in all at 30002: the fill stays, 0.002 is left. */
    expect_code("POST", "/v5/order/create",
                "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":"
                "\"Buy\",\"orderType\":\"Limit\",\"qty\":\"0.004\",\"price\":"
                "\"30000\",\"orderLinkId\":\"am2\"}",
                0);
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "POST", "/_sim/fill",
                                  "{\"client_order_id\":\"am2\",\"qty\":"
                                  "\"0.001\",\"price\":\"30000\"}",
                                  out, sizeof out),
                     XG_OK);
    expect_amend("am2", "\"qty\":\"0.003\",\"price\":\"30002\"", 0);
    o = realtime_of("am2", &a);
    assert_string_equal(str_of(o, "orderStatus"), "PartiallyFilled");
    assert_string_equal(str_of(o, "qty"), "0.003");
    assert_string_equal(str_of(o, "price"), "30002");
    assert_string_equal(str_of(o, "cumExecQty"), "0.001");
    assert_string_equal(str_of(o, "leavesQty"), "0.002");
    done(&a);
    /* The new total must stay above what filled. */
    expect_amend("am2", "\"qty\":\"0.001\"", 170313);
    /* The create's rules: the step, the tick, at least one step. */
    expect_amend("am2", "\"qty\":\"0.0030001\"", 170137);
    expect_amend("am2", "\"price\":\"30002.001\"", 170134);
    expect_amend("am2", "\"qty\":\"0\"", 10001);
    /* Nothing to change, or no order named: a parameter error. */
    expect_amend("am2", "", 10001);
    expect_code("POST", "/v5/order/amend",
                "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"price\":"
                "\"30003\"}",
                10001);
    /* Another symbol names no such order. */
    expect_code("POST", "/v5/order/amend",
                "{\"category\":\"spot\",\"symbol\":\"ETHUSDT\","
                "\"orderLinkId\":\"am2\",\"price\":\"1000\"}",
                170213);

    /* Through the best ask: the 0.002 left trades at once, as a taker,
     * at the ask's price. */
    expect_amend("am2", "\"price\":\"35001\"", 0);
    o = realtime_of("am2", &a);
    assert_string_equal(str_of(o, "orderStatus"), "Filled");
    assert_string_equal(str_of(o, "cumExecQty"), "0.003");
    assert_string_equal(str_of(o, "price"), "35001");
    done(&a);
    /* Filled, canceled, unknown: not open, so no such order. */
    expect_amend("am2", "\"price\":\"30000\"", 170213);
    cancel_one("am1");
    expect_amend("am1", "\"price\":\"30000\"", 170213);
    expect_amend("nobody", "\"price\":\"30000\"", 170213);
    /* By orderId, as the venue allows. */
    create("am3", "30000", &a);
    snprintf(oid, sizeof oid, "%s", str_of(result_of(&a), "orderId"));
    done(&a);
    char body[256];
    snprintf(body, sizeof body,
             "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderId\":\"%s\","
             "\"qty\":\"0.0005\"}",
             oid);
    call("POST", "/v5/order/amend", body, &a);
    assert_int_equal(ret_code(&a), 0);
    assert_string_equal(str_of(result_of(&a), "orderLinkId"), "am3");
    done(&a);
    o = realtime_of("am3", &a);
    assert_string_equal(str_of(o, "qty"), "0.0005");
    done(&a);
    /* The request log names the amends. */
    assert_int_equal(xg_sim_log_fetch(&the_sim, "bybit", 0, out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"outcome\":\"amended\""));
    xg_sim_stop(&the_sim);
}

/* The amend window is its own, Bybit's 10 a window by default (creates
 * untouched): it counts down in X-Bapi-Limit-Status, refuses the 11th
 * with 10006 and the time a slot frees, and shows as amend_used in
 * /_sim/state. A refused amend changes nothing. */
static void
test_amend_has_its_own_endpoint_window(void **state)
{
    (void)state;
    const char *args[] = {"--set", "bybit.endpoint_window_ms=60000", NULL};
    answer a;
    char out[4096];
    char fields[64];
    const json_t *o = NULL;
    sim_start(args);

    create("lim1", "30000", &a);
    assert_int_equal(ret_code(&a), 0);
    done(&a);
    int64_t first = xg_test_wall_ms();
    for (int i = 0; i < 10; i++) {
        snprintf(fields, sizeof fields, "\"price\":\"%d\"", 30001 + i);
        amend("lim1", fields, &a);
        assert_int_equal(ret_code(&a), 0);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 10);
        assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 9 - i);
        done(&a);
    }
    amend("lim1", "\"price\":\"31000\"", &a);
    assert_int_equal(a.status, 200);
    assert_int_equal(ret_code(&a), 10006);
    assert_string_equal(json_string_value(json_object_get(a.body, "retMsg")),
                        "Too many visits!");
    assert_int_equal(header_i64(&a, "X-Bapi-Limit-Status"), 0);
    int64_t reset = header_i64(&a, "X-Bapi-Limit-Reset-Timestamp");
    /* The first amend leaves the window a minute after it was sent. */
    assert_true(reset >= first + 60000 - 50 &&
                reset <= xg_test_wall_ms() + 60000);
    done(&a);
    o = realtime_of("lim1", &a);
    assert_string_equal(str_of(o, "price"), "30010");
    done(&a);
    /* Creates have their own window meanwhile. */
    create("lim2", "30000", &a);
    assert_int_equal(ret_code(&a), 0);
    assert_int_equal(header_i64(&a, "X-Bapi-Limit"), 20);
    done(&a);
    assert_int_equal(xg_sim_admin(&the_sim, "bybit", "GET", "/_sim/state", NULL,
                                  out, sizeof out),
                     XG_OK);
    assert_non_null(strstr(out, "\"amend_used\":10"));
    assert_non_null(strstr(out, "\"create_used\":2"));
    xg_sim_stop(&the_sim);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_signatures_are_checked, sim_teardown),
        cmocka_unit_test_teardown(test_timestamp_window_is_enforced,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_endpoint_limit_is_exact_and_rolls,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_ip_layer_locks_out_with_403,
                                  sim_teardown),
        cmocka_unit_test_teardown(test_orders_are_acked_queried_and_canceled,
                                  sim_teardown),
        cmocka_unit_test_teardown(
            test_admin_fault_after_execution_places_the_order, sim_teardown),
        cmocka_unit_test_teardown(
            test_limited_fault_answers_10006_places_nothing_and_never_locks_out,
            sim_teardown),
        cmocka_unit_test_teardown(
            test_open_orders_walk_every_order_once_by_cursor, sim_teardown),
        cmocka_unit_test_teardown(
            test_open_orders_that_fit_a_page_have_no_cursor, sim_teardown),
        cmocka_unit_test_teardown(test_malformed_cursor_is_a_params_error,
                                  sim_teardown),
        cmocka_unit_test_teardown(
            test_market_data_shows_the_paused_book_and_its_tape, sim_teardown),
        cmocka_unit_test_teardown(
            test_wallet_balance_shows_free_and_locked_per_coin, sim_teardown),
        cmocka_unit_test_teardown(
            test_account_key_and_coin_info_answer_a_uta_with_their_limits,
            sim_teardown),
        cmocka_unit_test_teardown(
            test_executions_list_each_fill_with_its_fee_and_page_by_cursor,
            sim_teardown),
        cmocka_unit_test_teardown(
            test_order_history_lists_every_status_and_pages, sim_teardown),
        cmocka_unit_test_teardown(
            test_batches_run_each_order_and_answer_per_item, sim_teardown),
        cmocka_unit_test_teardown(
            test_batch_consumes_one_slot_per_order_and_is_cut_at_the_limit,
            sim_teardown),
        cmocka_unit_test_teardown(
            test_amend_changes_the_order_in_place_and_keeps_its_fills,
            sim_teardown),
        cmocka_unit_test_teardown(test_amend_has_its_own_endpoint_window,
                                  sim_teardown),
        cmocka_unit_test_teardown(
            test_batch_is_one_request_and_cancel_all_leaves_nothing_open,
            sim_teardown),
        cmocka_unit_test_teardown(test_cancel_all_has_its_own_endpoint_window,
                                  sim_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
