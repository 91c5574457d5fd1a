/*
 * test_sim_binance.c - xgsim's Binance dialect, checked from outside.
 *
 * Each test starts its own xgsim with the settings it needs and talks to
 * it over loopback HTTP with its own HMAC-SHA256 signing (OpenSSL, not the
 * gateway's signing code), so the simulator and the adapter cannot share
 * a misreading of the fact sheet unnoticed. Limit tests use 1-2 s windows
 * and sub-second bans and wait for a window to start before counting, so
 * the suite runs in a few seconds of real time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sim_launch.h"

#define KEY    "xgsim-test-key"
#define SECRET "xgsim-test-secret"

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

/* Real time is what the simulator's windows follow: start counting just
 * after a window boundary so the whole burst lands in one window. */
static void
wait_window_start(int64_t window_ms)
{
    int64_t now = now_ms();

    pause_ms((now / window_ms + 1) * window_ms - now + 20);
}

static void
hmac_hex(const char *secret, const char *msg, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    assert_non_null(HMAC(EVP_sha256(), secret, (int)strlen(secret),
                         (const unsigned char *)msg, len, mac, &n));
    assert_int_equal(n, 32);
    for (unsigned int i = 0; i < n; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[64] = '\0';
}

static reply *
reply_new(void)
{
    reply *r = calloc(1, sizeof(*r));

    assert_non_null(r);
    return r;
}

static void
send_raw(const xg_sim_proc *p, const char *method, const char *path,
         const char *key, const char *body, reply *r)
{
    char key_hdr[256];
    const char *hdrs[3] = {NULL, NULL, NULL};
    size_t n = 0;

    if (key != NULL) {
        snprintf(key_hdr, sizeof(key_hdr), "X-MBX-APIKEY: %s", key);
        hdrs[n++] = key_hdr;
    }
    if (body != NULL) {
        hdrs[n++] = "Content-Type: application/x-www-form-urlencoded";
    }
    assert_int_equal(xg_sim_http(p, "binance", method, path, hdrs, body,
                                 body != NULL ? strlen(body) : 0, &r->status,
                                 r->body, sizeof(r->body), r->hdrs,
                                 sizeof(r->hdrs)),
                     XG_OK);
}

/* params + &timestamp=<ts> signed with secret, all in the query string
 * (in_body: all in the form body instead). */
static void
send_signed_ts(const xg_sim_proc *p, const char *method, const char *path,
               const char *params, int64_t ts, const char *secret, bool in_body,
               reply *r)
{
    char payload[4096];
    char sig[65];
    char full[8192];

    snprintf(payload, sizeof(payload), "%s%stimestamp=%lld", params,
             params[0] != '\0' ? "&" : "", (long long)ts);
    hmac_hex(secret, payload, strlen(payload), sig);
    if (in_body) {
        snprintf(full, sizeof(full), "%s&signature=%s", payload, sig);
        send_raw(p, method, path, KEY, full, r);
    } else {
        snprintf(full, sizeof(full), "%s?%s&signature=%s", path, payload, sig);
        send_raw(p, method, full, KEY, NULL, r);
    }
}

static void
send_signed(const xg_sim_proc *p, const char *method, const char *path,
            const char *params, reply *r)
{
    send_signed_ts(p, method, path, params, now_ms(), SECRET, false, r);
}

static json_t *
body_json(const reply *r)
{
    json_t *j = json_loads(r->body, 0, NULL);

    if (j == NULL) {
        fprintf(stderr, "not JSON (HTTP %ld): %s\n", r->status, r->body);
    }
    assert_non_null(j);
    return j;
}

static long long
body_code(const reply *r)
{
    json_t *j = body_json(r);
    long long code = json_integer_value(json_object_get(j, "code"));

    json_decref(j);
    return code;
}

static void
assert_error(const reply *r, long status, long long code)
{
    if (r->status != status || body_code(r) != code) {
        fprintf(stderr, "expected HTTP %ld code %lld, got %ld: %s\n", status,
                code, r->status, r->body);
    }
    assert_int_equal(r->status, status);
    assert_int_equal(body_code(r), code);
}

static void
assert_field(const reply *r, const char *field, const char *want)
{
    json_t *j = body_json(r);
    const char *got = json_string_value(json_object_get(j, field));

    if (got == NULL || strcmp(got, want) != 0) {
        fprintf(stderr, "%s: want %s in %s\n", field, want, r->body);
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    json_decref(j);
}

static long long
header_int(const reply *r, const char *name)
{
    char v[64];
    char *end = NULL;

    if (xg_sim_header_get(r->hdrs, name, v, sizeof(v)) != XG_OK) {
        fprintf(stderr, "header %s missing in:\n%s\n", name, r->hdrs);
        fail();
    }
    long long n = strtoll(v, &end, 10);
    assert_true(end != v && *end == '\0');
    return n;
}

static long long
banned_until(const reply *r)
{
    const char *at = strstr(r->body, "IP banned until ");

    assert_non_null(at);
    return strtoll(at + strlen("IP banned until "), NULL, 10);
}

/* The running simulator, so the teardown can stop it when an assertion
 * ends a test early. */
static xg_sim_proc *running;

static xg_sim_proc *
sim_up(const char *const *args)
{
    xg_sim_proc *p = calloc(1, sizeof(*p));

    assert_non_null(p);
    running = p;
    assert_int_equal(xg_sim_start(p, args), XG_OK);
    assert_true(xg_sim_port(p, "binance") > 0);
    return p;
}

static void
sim_down(xg_sim_proc *p)
{
    running = NULL;
    /* Clean exit 0 on SIGTERM is part of the contract. */
    xg_err err = xg_sim_stop(p);
    free(p);
    assert_int_equal(err, XG_OK);
}

static int
teardown_sim(void **state)
{
    (void)state;
    if (running != NULL) {
        (void)xg_sim_stop(running);
        free(running);
        running = NULL;
    }
    return 0;
}

static void
admin_ok(const xg_sim_proc *p, const char *method, const char *path,
         const char *body)
{
    char out[4096];

    assert_int_equal(
        xg_sim_admin(p, "binance", method, path, body, out, sizeof(out)),
        XG_OK);
}

/* ---- orders ----------------------------------------------------------------
 */

static void
test_signed_order_is_accepted_echoed_queried_and_canceled(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();

    (void)state;
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=30000&newClientOrderId=it-1",
                r);
    assert_int_equal(r->status, 200);
    assert_field(r, "clientOrderId", "it-1");
    assert_field(r, "status", "NEW");
    assert_field(r, "price", "30000.00000000");
    assert_field(r, "origQty", "0.01000000");
    assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-10S"), 1);
    assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-1D"), 1);

    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=it-1", r);
    assert_int_equal(r->status, 200);
    assert_field(r, "status", "NEW");

    send_signed(p, "GET", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_int_equal(r->status, 200);
    json_t *open = body_json(r);
    assert_int_equal(json_array_size(open), 1);
    json_decref(open);

    send_signed(p, "GET", "/api/v3/account", "omitZeroBalances=true", r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "{\"asset\":\"USDT\",\"free\":"
                                    "\"999700.00000000\",\"locked\":"
                                    "\"300.00000000\"}"));

    send_signed(p, "DELETE", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=it-1", r);
    assert_int_equal(r->status, 200);
    assert_field(r, "status", "CANCELED");
    assert_field(r, "origClientOrderId", "it-1");

    send_signed(p, "DELETE", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=it-1", r);
    assert_error(r, 400, -2011);
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=it-1", r);
    assert_field(r, "status", "CANCELED");
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=never-sent", r);
    assert_error(r, 400, -2013);

    /* Signed parameters in the form body work as well as in the query. */
    send_signed_ts(p, "POST", "/api/v3/order",
                   "symbol=ETHUSDT&side=SELL&type=LIMIT&timeInForce=GTC"
                   "&quantity=1&price=2500&newClientOrderId=it-body",
                   now_ms(), SECRET, true, r);
    assert_int_equal(r->status, 200);
    assert_field(r, "clientOrderId", "it-body");

    char log[65536];
    assert_int_equal(xg_sim_log_fetch(p, "binance", 0, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"client_order_id\":\"it-1\","
                                "\"outcome\":\"placed\""));
    assert_non_null(strstr(log, "\"outcome\":\"canceled\""));
    free(r);
    sim_down(p);
}

/* The walk paused, so the book stands at the reference 35000 with its
 * synthetic levels one tick apart from 35000.01 up and 34999.99 down, and
 * fees at the venue's default 0.1% in the asset received. */
static void
test_matching_takes_the_book_and_fills_on_price_moves(void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char out[4096];

    (void)state;
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=MARKET&type=MARKET&quantity=0.001", r);
    assert_error(r, 400, -1117);
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001", r);
    assert_int_equal(r->status, 200);
    assert_field(r, "status", "FILLED");
    /* At the best ask, not the reference; the commission is 0.1% of the
     * BTC received. */
    assert_field(r, "cummulativeQuoteQty", "35.00001000");
    assert_non_null(strstr(r->body, "\"fills\":[{\"price\":"
                                    "\"35000.01000000\",\"qty\":"
                                    "\"0.00100000\",\"commission\":"
                                    "\"0.00000100\",\"commissionAsset\":"
                                    "\"BTC\""));

    /* A buy above the best ask takes the book at the book's price, not
     * its own (it was "fills at its own limit" before the market). */
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=36000",
                r);
    assert_field(r, "status", "FILLED");
    assert_field(r, "cummulativeQuoteQty", "350.00010000");

    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC"
                "&quantity=0.01&price=30000",
                r);
    assert_field(r, "status", "EXPIRED");

    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.01"
                "&price=36000",
                r);
    assert_error(r, 400, -2010);
    assert_non_null(strstr(r->body, "Order would immediately match"));

    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.01"
                "&price=34000&newClientOrderId=maker-1",
                r);
    assert_int_equal(r->status, 200);
    /* LIMIT_MAKER answers in ACK form: no status. */
    assert_null(strstr(r->body, "\"status\""));
    assert_non_null(strstr(r->body, "\"clientOrderId\":\"maker-1\""));

    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.01"
                "&price=33000&newClientOrderId=maker-1",
                r);
    assert_error(r, 400, -2010);
    assert_non_null(strstr(r->body, "Duplicate order sent."));

    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/price",
                                  "{\"symbol\":\"BTCUSDT\",\"price\":"
                                  "\"33999.99\"}",
                                  out, sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"filled\":1"));
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=maker-1", r);
    assert_field(r, "status", "FILLED");
    assert_field(r, "executedQty", "0.01000000");
    assert_field(r, "cummulativeQuoteQty", "340.00000000");

    /* The client id is free again once its order is closed. */
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC"
                "&quantity=0.5&price=50000&newClientOrderId=maker-1",
                r);
    assert_int_equal(r->status, 200);
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"status\":\"CANCELED\""));
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_error(r, 400, -2011);

    assert_int_equal(xg_sim_admin(p, "binance", "GET", "/_sim/orders", NULL,
                                  out, sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"client_order_id\":\"maker-1\""));
    free(r);
    sim_down(p);
}

static void
test_order_rejections_carry_binance_codes(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    static const struct {
        const char *params;
        long long code;
        const char *msg;
    } cases[] = {
        {"symbol=XXXUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1"
         "&price=1",
         -1121, "Invalid symbol."},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=30000",
         -1102, "'quantity'"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=30000", -1102,
         "'timeInForce'"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01"
         "&price=30000.001",
         -1013, "Filter failure: PRICE_FILTER"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
         "&quantity=0.000001&price=30000",
         -1013, "Filter failure: LOT_SIZE"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
         "&quantity=0.0001&price=30000",
         -1013, "Filter failure: NOTIONAL"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=30"
         "&price=34000",
         -2010, "insufficient balance"},
        {"symbol=SOLUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1"
         "&price=200",
         -2010, "insufficient balance"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01"
         "&price=3x",
         -1100, "'price'"},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01"
         "&price=30000.000000001",
         -1111, "too much precision"},
        {"symbol=BTCUSDT&side=BUY&type=STOP_LOSS&quantity=0.01", -1116,
         "Invalid orderType."},
        {"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01"
         "&price=30000&newClientOrderId=has%20space",
         -1100, "'newClientOrderId'"},
        {"symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&price=30000", -1106,
         "'price' sent when not required"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        send_signed(p, "POST", "/api/v3/order", cases[i].params, r);
        if (r->status != 400 || body_code(r) != cases[i].code ||
            strstr(r->body, cases[i].msg) == NULL) {
            fprintf(stderr, "case %zu: %s -> %ld %s\n", i, cases[i].params,
                    r->status, r->body);
        }
        assert_error(r, 400, cases[i].code);
        assert_non_null(strstr(r->body, cases[i].msg));
    }
    free(r);
    sim_down(p);
}

/* ---- amend and cancel-replace -------------------------------------------- */

#define AMEND_PATH   "/api/v3/order/amend/keepPriority"
#define REPLACE_PATH "/api/v3/order/cancelReplace"

/* Compact JSON of the member at a dotted path of the reply's body
 * ("data.cancelResponse.code"), "null" when there is none; given: free
 * with free(). */
static char *
body_path(const reply *r, const char *path)
{
    json_t *root = body_json(r);
    json_t *j = root;
    char key[64];

    for (const char *p = path; j != NULL && *p != '\0';) {
        size_t n = strcspn(p, ".");
        assert_true(n < sizeof(key));
        memcpy(key, p, n);
        key[n] = '\0';
        j = json_object_get(j, key);
        p += n + (p[n] == '.');
    }
    char *text =
        json_dumps(j != NULL ? j : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(root);
    assert_non_null(text);
    return text;
}

static void
assert_path(const reply *r, const char *path, const char *want)
{
    char *got = body_path(r, path);

    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s: want %s, got %s in %s\n", path, want, got,
                r->body);
    }
    assert_string_equal(got, want);
    free(got);
}

/* A resting BTCUSDT buy of qty at 30000 with client id id; its orderId. */
static long long
place_resting(const xg_sim_proc *p, const char *id, const char *qty, reply *r)
{
    char params[256];

    snprintf(params, sizeof(params),
             "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
             "&quantity=%s&price=30000&newClientOrderId=%s",
             qty, id);
    send_signed(p, "POST", "/api/v3/order", params, r);
    assert_int_equal(r->status, 200);
    assert_field(r, "status", "NEW");
    json_t *j = body_json(r);
    long long order_id = json_integer_value(json_object_get(j, "orderId"));
    json_decref(j);
    return order_id;
}

/* The admin's maker fill of qty of the order with client id id, at 30000. */
static void
fill_at_30000(const xg_sim_proc *p, const char *id, const char *qty)
{
    char body[160];

    snprintf(body, sizeof(body),
             "{\"client_order_id\":\"%s\",\"qty\":\"%s\",\"price\":\"30000\"}",
             id, qty);
    admin_ok(p, "POST", "/_sim/fill", body);
}

/* keepPriority lowers the quantity of the same order (same orderId, same
 * client id), keeps what it filled, charges weight 4 and shows the new
 * quantity wherever the order is shown. */
static void
test_amend_keep_priority_lowers_the_quantity_in_place(void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char want[64];
    char log[65536];

    (void)state;
    long long order_id = place_resting(p, "am-1", "0.03", r);
    long long weight = header_int(r, "X-MBX-USED-WEIGHT-1M");
    fill_at_30000(p, "am-1", "0.01");

    send_signed(p, "PUT", AMEND_PATH,
                "symbol=BTCUSDT&origClientOrderId=am-1"
                "&newClientOrderId=am-1&newQty=0.02",
                r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-1M") - weight, 4);
    snprintf(want, sizeof(want), "%lld", order_id);
    assert_path(r, "amendedOrder.orderId", want);
    assert_path(r, "amendedOrder.origClientOrderId", "\"am-1\"");
    assert_path(r, "amendedOrder.clientOrderId", "\"am-1\"");
    assert_path(r, "amendedOrder.price", "\"30000.00000000\"");
    assert_path(r, "amendedOrder.qty", "\"0.02000000\"");
    assert_path(r, "amendedOrder.executedQty", "\"0.01000000\"");
    assert_path(r, "amendedOrder.cumulativeQuoteQty", "\"300.00000000\"");
    assert_path(r, "amendedOrder.status", "\"PARTIALLY_FILLED\"");
    assert_path(r, "amendedOrder.type", "\"LIMIT\"");
    assert_non_null(strstr(r->body, "\"transactTime\":"));
    assert_non_null(strstr(r->body, "\"executionId\":"));

    /* The query, the open orders and the balance show it amended: what is
     * left (0.01) locks 300 USDT, the 0.01 filled paid 300. */
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=am-1", r);
    assert_field(r, "origQty", "0.02000000");
    assert_field(r, "executedQty", "0.01000000");
    assert_field(r, "status", "PARTIALLY_FILLED");
    send_signed(p, "GET", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_non_null(strstr(r->body, "\"origQty\":\"0.02000000\""));
    send_signed(p, "GET", "/api/v3/account", "omitZeroBalances=true", r);
    assert_non_null(strstr(r->body, "{\"asset\":\"USDT\",\"free\":"
                                    "\"999400.00000000\",\"locked\":"
                                    "\"300.00000000\"}"));

    /* In a form body, as the gateway sends it; without newClientOrderId
     * xgsim keeps the id (docs/simulator.md). */
    send_signed_ts(p, "PUT", AMEND_PATH,
                   "symbol=BTCUSDT&origClientOrderId=am-1&newQty=0.015",
                   now_ms(), SECRET, true, r);
    assert_int_equal(r->status, 200);
    assert_path(r, "amendedOrder.qty", "\"0.01500000\"");
    assert_path(r, "amendedOrder.clientOrderId", "\"am-1\"");
    snprintf(want, sizeof(want), "orderId=%lld", order_id);
    char params[128];
    snprintf(params, sizeof(params), "symbol=BTCUSDT&%s&newQty=0.014", want);
    send_signed(p, "PUT", AMEND_PATH, params, r);
    assert_int_equal(r->status, 200);
    assert_path(r, "amendedOrder.qty", "\"0.01400000\"");

    assert_int_equal(xg_sim_log_fetch(p, "binance", 0, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"path\":\"" AMEND_PATH "\",\"status\":200,"
                                "\"code\":0,\"client_order_id\":\"am-1\","
                                "\"outcome\":\"amended\""));
    free(r);
    sim_down(p);
}

static void
test_amend_refusals_carry_binance_codes(void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    static const struct {
        const char *params;
        long long code;
        const char *msg;
    } cases[] = {
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.03", -2038,
         "The requested action would change no state; rejecting."},
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.04", -2038,
         "Order amend (quantity increase) is not supported."},
        {"symbol=BTCUSDT&origClientOrderId=ar-1", -1102, "'newQty'"},
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.0x", -1100,
         "'newQty'"},
        {"symbol=BTCUSDT&newQty=0.02", -1102,
         "Param 'origClientOrderId' or 'orderId' must be sent"},
        {"symbol=XXXUSDT&origClientOrderId=ar-1&newQty=0.02", -1121,
         "Invalid symbol."},
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.0001", -1013,
         "Filter failure: NOTIONAL"},
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.000001", -1013,
         "Filter failure: LOT_SIZE"},
        /* At or below what it executed: xgsim's own refusal. */
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.01", -2038,
         "executed quantity"},
        {"symbol=BTCUSDT&origClientOrderId=ar-1&newClientOrderId=ar-9"
         "&newQty=0.02",
         -1100, "'newClientOrderId'"},
        {"symbol=BTCUSDT&origClientOrderId=never-sent&newQty=0.02", -2038,
         "Unknown order sent."},
    };

    (void)state;
    place_resting(p, "ar-1", "0.03", r);
    fill_at_30000(p, "ar-1", "0.01");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        send_signed(p, "PUT", AMEND_PATH, cases[i].params, r);
        if (r->status != 400 || body_code(r) != cases[i].code ||
            strstr(r->body, cases[i].msg) == NULL) {
            fprintf(stderr, "case %zu: %s -> %ld %s\n", i, cases[i].params,
                    r->status, r->body);
        }
        assert_error(r, 400, cases[i].code);
        assert_non_null(strstr(r->body, cases[i].msg));
    }
    /* Nothing changed. */
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=ar-1", r);
    assert_field(r, "origQty", "0.03000000");

    /* A filled order cannot be amended or replaced: keepPriority says
     * the order is unknown, cancelReplace that its cancel failed and no
     * new order was tried. */
    fill_at_30000(p, "ar-1", "0.02");
    send_signed(p, "PUT", AMEND_PATH,
                "symbol=BTCUSDT&origClientOrderId=ar-1&newQty=0.02", r);
    assert_error(r, 400, -2038);
    assert_field(r, "msg", "Unknown order sent.");
    send_signed(p, "POST", REPLACE_PATH,
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=29000&cancelReplaceMode=STOP_ON_FAILURE"
                "&cancelOrigClientOrderId=ar-1&newClientOrderId=ar-2",
                r);
    assert_error(r, 400, -2022);
    assert_field(r, "msg", "Order cancel-replace failed.");
    assert_path(r, "data.cancelResult", "\"FAILURE\"");
    assert_path(r, "data.newOrderResult", "\"NOT_ATTEMPTED\"");
    assert_path(r, "data.cancelResponse",
                "{\"code\":-2011,\"msg\":\"Unknown order sent.\"}");
    assert_path(r, "data.newOrderResponse", "null");
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=ar-2", r);
    assert_error(r, 400, -2013);
    free(r);
    sim_down(p);
}

/* cancelReplace: the old order canceled with what it filled, a new order
 * (new orderId) that starts with nothing executed; one on the unfilled
 * order count. */
static void
test_cancel_replace_gives_a_new_order_and_keeps_the_old_fills(void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char want[64];
    char log[65536];

    (void)state;
    long long old_id = place_resting(p, "cr-1", "0.03", r);
    fill_at_30000(p, "cr-1", "0.01");

    /* In a form body, as the gateway sends it. */
    send_signed_ts(p, "POST", REPLACE_PATH,
                   "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                   "&quantity=0.02&price=29000"
                   "&cancelReplaceMode=STOP_ON_FAILURE"
                   "&cancelOrigClientOrderId=cr-1&newClientOrderId=cr-2"
                   "&newOrderRespType=RESULT",
                   now_ms(), SECRET, true, r);
    assert_int_equal(r->status, 200);
    assert_path(r, "cancelResult", "\"SUCCESS\"");
    assert_path(r, "newOrderResult", "\"SUCCESS\"");
    snprintf(want, sizeof(want), "%lld", old_id);
    assert_path(r, "cancelResponse.orderId", want);
    assert_path(r, "cancelResponse.origClientOrderId", "\"cr-1\"");
    assert_path(r, "cancelResponse.status", "\"CANCELED\"");
    assert_path(r, "cancelResponse.executedQty", "\"0.01000000\"");
    assert_path(r, "cancelResponse.cummulativeQuoteQty", "\"300.00000000\"");
    snprintf(want, sizeof(want), "%lld", old_id + 1);
    assert_path(r, "newOrderResponse.orderId", want);
    assert_path(r, "newOrderResponse.clientOrderId", "\"cr-2\"");
    assert_path(r, "newOrderResponse.price", "\"29000.00000000\"");
    assert_path(r, "newOrderResponse.origQty", "\"0.02000000\"");
    assert_path(r, "newOrderResponse.executedQty", "\"0.00000000\"");
    assert_path(r, "newOrderResponse.status", "\"NEW\"");
    assert_path(r, "newOrderResponse.fills", "null"); /* RESULT, not FULL */
    assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-10S"), 2);

    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=cr-1", r);
    assert_field(r, "status", "CANCELED");
    assert_field(r, "executedQty", "0.01000000");
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=cr-2", r);
    assert_field(r, "status", "NEW");

    /* Filters come first: nothing is canceled. */
    send_signed(p, "POST", REPLACE_PATH,
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.02&price=29000.001"
                "&cancelReplaceMode=STOP_ON_FAILURE"
                "&cancelOrigClientOrderId=cr-2&newClientOrderId=cr-3",
                r);
    assert_error(r, 400, -1013);
    send_signed(p, "POST", REPLACE_PATH,
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.02&price=29000&cancelOrigClientOrderId=cr-2"
                "&newClientOrderId=cr-3",
                r);
    assert_error(r, 400, -1102);
    assert_non_null(strstr(r->body, "'cancelReplaceMode'"));
    send_signed(p, "POST", REPLACE_PATH,
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.02&price=29000&cancelReplaceMode=STOP_ON_FAILURE"
                "&newClientOrderId=cr-3",
                r);
    assert_error(r, 400, -1102);
    assert_non_null(strstr(r->body, "'cancelOrigClientOrderId' or "
                                    "'cancelOrderId'"));
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=cr-2", r);
    assert_field(r, "status", "NEW");

    /* The cancel goes through, the new order is refused: HTTP 409 -2021
     * and the order is gone. */
    send_signed(p, "POST", REPLACE_PATH,
                "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&quantity=0.02"
                "&price=36000&cancelReplaceMode=STOP_ON_FAILURE"
                "&cancelOrigClientOrderId=cr-2&newClientOrderId=cr-3",
                r);
    assert_error(r, 409, -2021);
    assert_field(r, "msg", "Order cancel-replace partially failed.");
    assert_path(r, "data.cancelResult", "\"SUCCESS\"");
    assert_path(r, "data.newOrderResult", "\"FAILURE\"");
    assert_path(r, "data.cancelResponse.origClientOrderId", "\"cr-2\"");
    assert_path(r, "data.cancelResponse.status", "\"CANCELED\"");
    assert_path(r, "data.newOrderResponse",
                "{\"code\":-2010,\"msg\":\"Order would immediately match "
                "and take.\"}");
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=cr-2", r);
    assert_field(r, "status", "CANCELED");
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=cr-3", r);
    assert_error(r, 400, -2013);

    /* ALLOW_FAILURE: the new order even when the cancel fails (409). */
    send_signed(p, "POST", REPLACE_PATH,
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.02&price=29000&cancelReplaceMode=ALLOW_FAILURE"
                "&cancelOrigClientOrderId=cr-2&newClientOrderId=cr-4",
                r);
    assert_error(r, 409, -2021);
    assert_path(r, "data.cancelResult", "\"FAILURE\"");
    assert_path(r, "data.newOrderResult", "\"SUCCESS\"");
    assert_path(r, "data.cancelResponse.code", "-2011");
    assert_path(r, "data.newOrderResponse.clientOrderId", "\"cr-4\"");

    assert_int_equal(xg_sim_log_fetch(p, "binance", 0, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"client_order_id\":\"cr-1\","
                                "\"outcome\":\"replaced\""));
    free(r);
    sim_down(p);
}

/* cancelReplace counts against ORDERS like a new order (past the limit a
 * plain -1015 and nothing done); keepPriority does not, but costs weight
 * 4 against REQUEST_WEIGHT. */
static void
test_amend_and_cancel_replace_are_rate_limited_as_binance_counts_them(
    void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0",
                                       "--set", "binance.orders_limit=3",
                                       "--set", "binance.orders_window_s=2",
                                       "--set", "binance.weight_limit=30",
                                       "--set", "binance.weight_window_s=2",
                                       NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char params[256];

    (void)state;
    wait_window_start(2000);
    place_resting(p, "rl-1", "0.05", r);
    assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-2S"), 1);
    for (int i = 1; i <= 3; i++) {
        snprintf(params, sizeof(params),
                 "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                 "&quantity=0.05&price=30000"
                 "&cancelReplaceMode=STOP_ON_FAILURE"
                 "&cancelOrigClientOrderId=rl-%d&newClientOrderId=rl-%d",
                 i, i + 1);
        send_signed(p, "POST", REPLACE_PATH, params, r);
        if (i <= 2) {
            assert_int_equal(r->status, 200);
            assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-2S"), i + 1);
        }
    }
    assert_error(r, 429, -1015);
    assert_non_null(strstr(r->body, "current limit is 3 orders per 2 "
                                    "SECOND"));
    long long retry = header_int(r, "Retry-After");
    assert_true(retry >= 1 && retry <= 2);
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=rl-3", r);
    assert_field(r, "status", "NEW");

    /* keepPriority adds nothing to the unfilled order count. */
    send_signed(p, "PUT", AMEND_PATH,
                "symbol=BTCUSDT&origClientOrderId=rl-3&newQty=0.04", r);
    assert_int_equal(r->status, 200);

    /* Weight: 4 a keepPriority, until the window's 30 is passed. */
    wait_window_start(2000);
    send_signed(p, "PUT", AMEND_PATH,
                "symbol=BTCUSDT&origClientOrderId=rl-3&newQty=0.03", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 4);
    for (int i = 0; i < 7; i++) {
        snprintf(params, sizeof(params),
                 "symbol=BTCUSDT&origClientOrderId=rl-3&newQty=0.02%d", 9 - i);
        send_signed(p, "PUT", AMEND_PATH, params, r);
        if (i < 6) {
            assert_int_equal(r->status, 200);
            assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"),
                             4 * (i + 2));
        }
    }
    assert_error(r, 429, -1003);
    assert_non_null(strstr(r->body, "current limit is 30 request weight"));
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=rl-3", r);
    assert_error(r, 429, -1003);
    wait_window_start(2000);
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=rl-3", r);
    assert_field(r, "origQty", "0.02400000");
    free(r);
    sim_down(p);
}

/* ---- cancel all and balances -------------------------------------------- */

/* Balances from the shared book: what is free and what the resting orders
 * hold. Then one DELETE /api/v3/openOrders cancels every open order of
 * the symbol (and only those), in one request and one log line, weight 1,
 * each answered as a single cancel is, and frees what they held. */
static void
test_cancel_all_cancels_the_symbol_in_one_request_and_frees_balances(
    void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0", "--set",
                                       "binance.weight_window_s=2", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char log[65536];

    (void)state;
    place_resting(p, "ca-1", "0.01", r);
    place_resting(p, "ca-2", "0.02", r);
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC"
                "&quantity=0.5&price=50000&newClientOrderId=ca-3",
                r);
    assert_int_equal(r->status, 200);
    send_signed(p, "POST", "/api/v3/order",
                "symbol=ETHUSDT&side=SELL&type=LIMIT&timeInForce=GTC"
                "&quantity=1&price=2500&newClientOrderId=ca-eth",
                r);
    assert_int_equal(r->status, 200);

    /* The default account: USDT 1,000,000, BTC 100, ETH 1,000; the buys
     * hold 300 + 600 USDT, the sells 0.5 BTC and 1 ETH. */
    send_signed(p, "GET", "/api/v3/account", "omitZeroBalances=true", r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "{\"asset\":\"USDT\",\"free\":"
                                    "\"999100.00000000\",\"locked\":"
                                    "\"900.00000000\"}"));
    assert_non_null(strstr(r->body, "{\"asset\":\"BTC\",\"free\":"
                                    "\"99.50000000\",\"locked\":"
                                    "\"0.50000000\"}"));
    assert_non_null(strstr(r->body, "{\"asset\":\"ETH\",\"free\":"
                                    "\"999.00000000\",\"locked\":"
                                    "\"1.00000000\"}"));
    /* No SOL on the account: left out. */
    assert_null(strstr(r->body, "\"SOL\""));

    wait_window_start(2000);
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 1);
    /* Nothing on the unfilled-order count: no ORDERS header. */
    assert_int_equal(
        xg_sim_header_get(r->hdrs, "X-MBX-ORDER-COUNT-10S", log, sizeof(log)),
        XG_ERR_NOT_FOUND);
    json_t *arr = body_json(r);
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 3);
    static const char *const ids[] = {"ca-1", "ca-2", "ca-3"};
    for (size_t i = 0; i < 3; i++) {
        json_t *o = json_array_get(arr, i);
        const char *id =
            json_string_value(json_object_get(o, "origClientOrderId"));
        assert_non_null(id);
        assert_string_equal(id, ids[i]);
        assert_string_equal(json_string_value(json_object_get(o, "status")),
                            "CANCELED");
        assert_string_equal(json_string_value(json_object_get(o, "symbol")),
                            "BTCUSDT");
        assert_int_equal(json_integer_value(json_object_get(o, "orderListId")),
                         -1);
        assert_true(json_is_string(json_object_get(o, "clientOrderId")));
    }
    json_decref(arr);

    /* One request, one line: the 5 before it, then this one. */
    assert_int_equal(xg_sim_log_fetch(p, "binance", 5, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"seq\":6,"));
    assert_null(strstr(log, "\"seq\":7,"));
    assert_non_null(strstr(log, "\"method\":\"DELETE\",\"path\":"
                                "\"/api/v3/openOrders\",\"status\":200"));
    assert_non_null(strstr(log, "\"client_order_id\":\"ca-1\","
                                "\"outcome\":\"canceled\""));

    send_signed(p, "GET", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "[]");
    send_signed(p, "GET", "/api/v3/openOrders", "symbol=ETHUSDT", r);
    assert_non_null(strstr(r->body, "\"clientOrderId\":\"ca-eth\""));
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=ca-2", r);
    assert_field(r, "status", "CANCELED");

    /* What the canceled orders held is free again; the ETH sell still
     * holds its 1 ETH. Weight 20 on top of the cancel-all's 1 and the
     * two openOrders' and the query's 6 + 6 + 4. */
    send_signed(p, "GET", "/api/v3/account", "omitZeroBalances=true", r);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 37);
    assert_non_null(strstr(r->body, "{\"asset\":\"USDT\",\"free\":"
                                    "\"1000000.00000000\",\"locked\":"
                                    "\"0.00000000\"}"));
    assert_non_null(strstr(r->body, "{\"asset\":\"BTC\",\"free\":"
                                    "\"100.00000000\",\"locked\":"
                                    "\"0.00000000\"}"));
    assert_non_null(strstr(r->body, "{\"asset\":\"ETH\",\"free\":"
                                    "\"999.00000000\",\"locked\":"
                                    "\"1.00000000\"}"));

    /* Nothing open any more: Binance's -2011; bad symbols as elsewhere. */
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_error(r, 400, -2011);
    assert_non_null(strstr(r->body, "Unknown order sent."));
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=NOPEUSDT", r);
    assert_error(r, 400, -1121);
    send_signed(p, "DELETE", "/api/v3/openOrders", "", r);
    assert_error(r, 400, -1102);
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=ETHUSDT", r);
    assert_int_equal(r->status, 200);
    send_signed(p, "GET", "/api/v3/openOrders", "", r);
    assert_string_equal(r->body, "[]");
    free(r);
    sim_down(p);
}

/* GET /api/v3/account weighs 20 and DELETE /api/v3/openOrders 1 in the
 * IP's REQUEST_WEIGHT, refused ones included, until the limit refuses
 * them with 429 -1003. */
static void
test_account_and_cancel_all_weigh_20_and_1(void **state)
{
    static const char *const args[] = {"--set", "binance.weight_limit=43",
                                       "--set", "binance.weight_window_s=2",
                                       NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();

    (void)state;
    wait_window_start(2000);
    send_signed(p, "GET", "/api/v3/account", "omitZeroBalances=true", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 20);
    send_signed(p, "GET", "/api/v3/account", "", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 40);
    /* Without omitZeroBalances every asset of the account is listed. */
    assert_non_null(strstr(r->body, "\"asset\":\"BTC\""));
    for (int i = 1; i <= 3; i++) {
        send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT", r);
        assert_error(r, 400, -2011);
        assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 40 + i);
    }
    send_signed(p, "DELETE", "/api/v3/openOrders", "symbol=BTCUSDT", r);
    assert_error(r, 429, -1003);
    assert_non_null(strstr(r->body, "current limit is 43 request weight"));
    long long retry = header_int(r, "Retry-After");
    assert_true(retry >= 1 && retry <= 2);

    wait_window_start(2000);
    send_signed(p, "GET", "/api/v3/account", "", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 20);
    free(r);
    sim_down(p);
}

/* ---- authentication
 * ------------------------------------------------------------ */

static void
test_signature_key_and_timestamp_errors(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    char path[512];
    char sig[65];
    char payload[256];

    (void)state;
    send_signed_ts(p, "GET", "/api/v3/account", "", now_ms(), "wrong-secret",
                   false, r);
    assert_error(r, 400, -1022);

    /* The signature's hex digits are accepted in upper case too. */
    snprintf(payload, sizeof(payload), "timestamp=%lld", (long long)now_ms());
    hmac_hex(SECRET, payload, strlen(payload), sig);
    for (char *c = sig; *c != '\0'; c++) {
        if (*c >= 'a' && *c <= 'f') {
            *c = (char)(*c - 'a' + 'A');
        }
    }
    snprintf(path, sizeof(path), "/api/v3/account?%s&signature=%s", payload,
             sig);
    send_raw(p, "GET", path, KEY, NULL, r);
    assert_int_equal(r->status, 200);

    /* A parameter changed after signing breaks the signature. */
    snprintf(path, sizeof(path),
             "/api/v3/account?%s&signature=%s&omitZeroBalances=true", payload,
             sig);
    send_raw(p, "GET", path, KEY, NULL, r);
    assert_error(r, 400, -1022);

    send_raw(p, "GET", "/api/v3/account?timestamp=1&signature=00", NULL, NULL,
             r);
    assert_error(r, 401, -2014);
    send_raw(p, "GET", "/api/v3/account?timestamp=1&signature=00",
             "unknown-key", NULL, r);
    assert_error(r, 401, -2015);
    send_raw(p, "GET", "/api/v3/account?timestamp=1", KEY, NULL, r);
    assert_error(r, 400, -1102);
    send_raw(p, "GET", "/api/v3/account?signature=00", KEY, NULL, r);
    assert_error(r, 400, -1102);

    send_signed_ts(p, "GET", "/api/v3/account", "", now_ms() - 10000, SECRET,
                   false, r);
    assert_error(r, 400, -1021);
    assert_non_null(strstr(r->body, "outside of the recvWindow"));
    send_signed_ts(p, "GET", "/api/v3/account", "recvWindow=20000",
                   now_ms() - 10000, SECRET, false, r);
    assert_int_equal(r->status, 200);
    send_signed_ts(p, "GET", "/api/v3/account", "", now_ms() + 2000, SECRET,
                   false, r);
    assert_error(r, 400, -1021);
    assert_non_null(strstr(r->body, "ahead of the server's time"));
    send_signed_ts(p, "GET", "/api/v3/account", "recvWindow=70000", now_ms(),
                   SECRET, false, r);
    assert_error(r, 400, -1131);
    free(r);
    sim_down(p);
}

/* ---- limits
 * ------------------------------------------------------------------ */

static void
test_weight_limit_then_429_then_ban_then_recovery(void **state)
{
    static const char *const args[] = {
        "--set", "binance.weight_limit=5",
        "--set", "binance.weight_window_s=2",
        "--set", "binance.ban_after_violations=2",
        "--set", "binance.ban_base_ms=300",
        "--set", "binance.ban_max_ms=1000",
        NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char log[65536];

    (void)state;
    wait_window_start(2000);
    for (int i = 1; i <= 5; i++) {
        send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
        assert_int_equal(r->status, 200);
        assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), i);
    }
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 429, -1003);
    long long retry = header_int(r, "Retry-After");
    assert_true(retry >= 1 && retry <= 2);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2S"), 6);

    /* First request sent while refused: a violation, still 429. */
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 429, -1003);

    /* Second violation: banned for ban_base_ms. */
    int64_t before = now_ms();
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    int64_t after = now_ms();
    assert_error(r, 418, -1003);
    long long until = banned_until(r);
    assert_true(until >= before + 300 && until <= after + 300);
    assert_int_equal(header_int(r, "Retry-After"), 1);

    /* During the ban every request is 418 and the end does not move. */
    send_raw(p, "GET", "/api/v3/time", NULL, NULL, r);
    assert_error(r, 418, -1003);
    assert_int_equal(banned_until(r), until);

    /* After the ban and the window, requests succeed again. */
    int64_t window_end = (before / 2000 + 1) * 2000;
    pause_ms((until > window_end ? until : window_end) - now_ms() + 30);
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);

    assert_int_equal(xg_sim_log_fetch(p, "binance", 5, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"seq\":6,"));
    assert_null(strstr(log, "\"seq\":5,"));
    assert_non_null(strstr(log, "\"status\":429,\"code\":-1003"));
    assert_non_null(strstr(log, "\"status\":418,\"code\":-1003"));
    assert_non_null(strstr(log, "\"outcome\":\"banned\""));
    assert_non_null(strstr(log, "\"outcome\":\"limited\""));
    free(r);
    sim_down(p);
}

static void
test_bans_escalate_double_and_cap_including_admin_bans(void **state)
{
    static const char *const args[] = {
        "--set", "binance.weight_limit=3",
        "--set", "binance.weight_window_s=1",
        "--set", "binance.ban_after_violations=1",
        "--set", "binance.ban_base_ms=200",
        "--set", "binance.ban_max_ms=500",
        NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char out[4096];

    (void)state;
    for (int round = 0; round < 2; round++) {
        wait_window_start(1000);
        for (int i = 0; i < 3; i++) {
            send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
            assert_int_equal(r->status, 200);
        }
        send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
        assert_error(r, 429, -1003);
        int64_t before = now_ms();
        send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
        int64_t after = now_ms();
        assert_error(r, 418, -1003);
        /* Ban 1: 200 ms. Ban 3 (after the admin ban 2): 200*4 capped at
         * 500. */
        int64_t len = round == 0 ? 200 : 500;
        long long until = banned_until(r);
        assert_true(until >= before + len && until <= after + len);
        if (round == 0) {
            pause_ms(until - now_ms() + 20);
            admin_ok(p, "POST", "/_sim/ban", "{\"duration_ms\":10}");
            pause_ms(20);
        }
    }
    assert_int_equal(xg_sim_admin(p, "binance", "GET", "/_sim/state", NULL, out,
                                  sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"bans\":3"));
    free(r);
    sim_down(p);
}

static void
test_ban_extend_setting_pushes_the_ban_end(void **state)
{
    static const char *const args[] = {"--set", "binance.ban_extend_ms=2000",
                                       NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char out[512];

    (void)state;
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/ban",
                                  "{\"duration_ms\":100}", out, sizeof(out)),
                     XG_OK);
    int64_t before = now_ms();
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 418, -1003);
    assert_true(banned_until(r) >= before + 2000);
    assert_int_equal(header_int(r, "Retry-After"), 2);
    free(r);
    sim_down(p);
}

static void
test_orders_limit_refuses_with_1015_per_account(void **state)
{
    static const char *const args[] = {"--set", "binance.orders_limit=3",
                                       "--set", "binance.orders_window_s=2",
                                       NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char params[256];

    (void)state;
    wait_window_start(2000);
    for (int i = 1; i <= 4; i++) {
        snprintf(params, sizeof(params),
                 "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                 "&quantity=0.01&price=30000&newClientOrderId=ol-%d",
                 i);
        send_signed(p, "POST", "/api/v3/order", params, r);
        if (i <= 3) {
            assert_int_equal(r->status, 200);
            assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-2S"), i);
            assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-1D"), i);
        }
    }
    assert_error(r, 429, -1015);
    assert_non_null(strstr(r->body, "current limit is 3 orders per 2 "
                                    "SECOND"));
    long long retry = header_int(r, "Retry-After");
    assert_true(retry >= 1 && retry <= 2);

    /* Weight is a separate bucket: other requests still pass. */
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=ol-1", r);
    assert_int_equal(r->status, 200);

    wait_window_start(2000);
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=30000&newClientOrderId=ol-5",
                r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-2S"), 1);
    assert_int_equal(header_int(r, "X-MBX-ORDER-COUNT-1D"), 4);
    free(r);
    sim_down(p);
}

static void
test_exchange_info_advertises_the_configured_limits(void **state)
{
    static const char *const args[] = {
        "--set", "binance.weight_limit=777",
        "--set", "binance.weight_window_s=120",
        "--set", "binance.raw_limit=999",
        "--set", "binance.raw_window_s=7",
        "--set", "binance.orders_limit=12",
        "--set", "binance.orders_window_s=172800",
        "--set", "binance.orders_day_limit=34",
        NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();

    (void)state;
    send_raw(p, "GET", "/api/v3/exchangeInfo", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-2M"), 20);
    json_t *j = body_json(r);
    json_t *limits = json_object_get(j, "rateLimits");
    char *text = json_dumps(limits, JSON_COMPACT);
    assert_string_equal(
        text, "[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\","
              "\"intervalNum\":2,\"limit\":777},"
              "{\"rateLimitType\":\"ORDERS\",\"interval\":\"DAY\","
              "\"intervalNum\":2,\"limit\":12},"
              "{\"rateLimitType\":\"ORDERS\",\"interval\":\"DAY\","
              "\"intervalNum\":1,\"limit\":34},"
              "{\"rateLimitType\":\"RAW_REQUESTS\",\"interval\":\"SECOND\","
              "\"intervalNum\":7,\"limit\":999}]");
    free(text);
    json_t *symbols = json_object_get(j, "symbols");
    assert_int_equal(json_array_size(symbols), 3);
    json_decref(j);

    send_raw(p, "GET", "/api/v3/exchangeInfo?symbol=ETHUSDT", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"stepSize\":\"0.00010000\""));
    send_raw(p, "GET", "/api/v3/exchangeInfo?symbols=%5B%22SOLUSDT%22%5D", NULL,
             NULL, r);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"baseAsset\":\"SOL\""));
    send_raw(p, "GET", "/api/v3/exchangeInfo?symbol=NOPE", NULL, NULL, r);
    assert_error(r, 400, -1121);
    free(r);
    sim_down(p);
}

static void
test_limits_off_never_refuses_but_still_reports_usage(void **state)
{
    static const char *const args[] = {"--set", "binance.weight_limit=5",
                                       "--set", "binance.limits=0", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();

    (void)state;
    for (int i = 0; i < 20; i++) {
        send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
        assert_int_equal(r->status, 200);
    }
    assert_true(header_int(r, "X-MBX-USED-WEIGHT-1M") >= 20);
    free(r);
    sim_down(p);
}

/* ---- admin: faults, latency, log ------------------------------------------
 */

static void
test_injected_5xx_with_and_without_execution(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    char log[16384];

    (void)state;
    admin_ok(p, "POST", "/_sim/fault",
             "{\"status_5xx\":{\"count\":1,\"status\":503,"
             "\"execute\":true}}");
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=30000&newClientOrderId=f-exec",
                r);
    assert_int_equal(r->status, 503);
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=f-exec", r);
    assert_int_equal(r->status, 200);
    assert_field(r, "status", "NEW");

    admin_ok(p, "POST", "/_sim/fault",
             "{\"status_5xx\":{\"count\":1,\"status\":502}}");
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=30000&newClientOrderId=f-lost",
                r);
    assert_int_equal(r->status, 502);
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=f-lost", r);
    assert_error(r, 400, -2013);

    assert_int_equal(xg_sim_log_fetch(p, "binance", 0, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"status\":503,\"code\":-1001,"
                                "\"client_order_id\":\"f-exec\","
                                "\"outcome\":\"fault_exec\""));
    assert_non_null(strstr(log, "\"status\":502,\"code\":-1001,"
                                "\"client_order_id\":\"f-lost\","
                                "\"outcome\":\"fault\""));
    free(r);
    sim_down(p);
}

static void
test_drop_closes_without_answer_and_can_execute(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    long status = 0;

    (void)state;
    admin_ok(p, "POST", "/_sim/fault", "{\"drop\":{\"count\":1}}");
    assert_int_equal(xg_sim_http(p, "binance", "GET", "/api/v3/ping", NULL,
                                 NULL, 0, &status, NULL, 0, NULL, 0),
                     XG_ERR_IO);
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);

    admin_ok(p, "POST", "/_sim/fault",
             "{\"drop\":{\"count\":1,\"execute\":true}}");
    char path[512];
    char payload[256];
    char sig[65];
    const char *hdrs[] = {"X-MBX-APIKEY: " KEY, NULL};
    snprintf(payload, sizeof(payload),
             "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
             "&quantity=0.01&price=30000&newClientOrderId=d-exec"
             "&timestamp=%lld",
             (long long)now_ms());
    hmac_hex(SECRET, payload, strlen(payload), sig);
    snprintf(path, sizeof(path), "/api/v3/order?%s&signature=%s", payload, sig);
    assert_int_equal(xg_sim_http(p, "binance", "POST", path, hdrs, NULL, 0,
                                 &status, NULL, 0, NULL, 0),
                     XG_ERR_IO);
    send_signed(p, "GET", "/api/v3/order",
                "symbol=BTCUSDT&origClientOrderId=d-exec", r);
    assert_int_equal(r->status, 200);
    free(r);
    sim_down(p);
}

static void
test_latency_delays_responses_until_cleared(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();

    (void)state;
    admin_ok(p, "POST", "/_sim/fault", "{\"latency_ms\":300}");
    int64_t t0 = now_ms();
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    int64_t t1 = now_ms();
    assert_int_equal(r->status, 200);
    assert_true(t1 - t0 >= 300);

    admin_ok(p, "POST", "/_sim/fault", "{\"clear\":true}");
    t0 = now_ms();
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    t1 = now_ms();
    assert_int_equal(r->status, 200);
    assert_true(t1 - t0 < 300);
    free(r);
    sim_down(p);
}

/* An order request that the venue would place, signed, with client id
 * id. */
static void
send_order(const xg_sim_proc *p, const char *id, reply *r)
{
    char params[256];

    snprintf(params, sizeof(params),
             "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
             "&quantity=0.01&price=30000&newClientOrderId=%s",
             id);
    send_signed(p, "POST", "/api/v3/order", params, r);
}

static void
test_limited_fault_answers_429_1003_places_nothing_and_never_bans(void **state)
{
    /* One violation would ban if these answers counted as the client's. */
    static const char *const args[] = {"--set",
                                       "binance.ban_after_violations=1", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();
    char out[4096];
    char log[16384];
    char id[16];

    (void)state;
    admin_ok(p, "POST", "/_sim/fault",
             "{\"limited\":{\"count\":4,\"retry_after_ms\":1500}}");
    for (int i = 0; i < 4; i++) {
        snprintf(id, sizeof(id), "lim-%d", i);
        send_order(p, id, r);
        assert_error(r, 429, -1003);
        assert_non_null(strstr(r->body, "\"msg\":\"Too many requests; "));
        assert_null(strstr(r->body, "banned"));
        /* 1500 ms: whole seconds, rounded up. */
        assert_int_equal(header_int(r, "Retry-After"), 2);
        assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-1M"), 0);
    }
    send_order(p, "lim-ok", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-1M"), 1);

    /* Nothing of the refused ones was executed or charged. */
    assert_int_equal(xg_sim_admin(p, "binance", "GET", "/_sim/orders", NULL,
                                  out, sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"client_order_id\":\"lim-ok\""));
    assert_null(strstr(out, "\"client_order_id\":\"lim-0\""));
    assert_null(strstr(out, "\"client_order_id\":\"lim-3\""));
    assert_int_equal(xg_sim_admin(p, "binance", "GET", "/_sim/state", NULL, out,
                                  sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"bans\":0"));
    assert_non_null(strstr(out, "\"violations\":0"));
    assert_non_null(strstr(out, "\"limited_until_ms\":0"));
    assert_non_null(strstr(out, "\"orders_used\":1"));
    assert_int_equal(xg_sim_log_fetch(p, "binance", 0, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"status\":429,\"code\":-1003,"
                                "\"client_order_id\":\"lim-0\","
                                "\"outcome\":\"limited\""));
    assert_non_null(strstr(log, "\"client_order_id\":\"lim-3\","
                                "\"outcome\":\"limited\""));

    /* retry_after_ms defaults to 1000: Retry-After 1. */
    admin_ok(p, "POST", "/_sim/fault", "{\"limited\":{\"count\":1}}");
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 429, -1003);
    assert_int_equal(header_int(r, "Retry-After"), 1);
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    free(r);
    sim_down(p);
}

static void
test_one_request_takes_one_fault_drop_then_limited_then_5xx(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    long status = 0;

    (void)state;
    admin_ok(p, "POST", "/_sim/fault",
             "{\"status_5xx\":{\"count\":1},\"limited\":{\"count\":1},"
             "\"drop\":{\"count\":1}}");
    assert_int_equal(xg_sim_http(p, "binance", "GET", "/api/v3/ping", NULL,
                                 NULL, 0, &status, NULL, 0, NULL, 0),
                     XG_ERR_IO);
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 429, -1003);
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 503, -1001);
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);

    /* clear drops a pending limited fault too. */
    admin_ok(p, "POST", "/_sim/fault", "{\"limited\":{\"count\":3}}");
    admin_ok(p, "POST", "/_sim/fault", "{\"clear\":true}");
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    free(r);
    sim_down(p);
}

static void
test_admin_ban_answered_429_keeps_the_banned_until_body(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    char out[512];
    char log[8192];

    (void)state;
    int64_t before = now_ms();
    admin_ok(p, "POST", "/_sim/ban", "{\"duration_ms\":1500,\"status\":429}");
    int64_t after = now_ms();
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 429, -1003);
    long long until = banned_until(r);
    assert_true(until >= before + 1500 && until <= after + 1500);
    long long retry = header_int(r, "Retry-After");
    assert_true(retry >= 1 && retry <= 2);
    send_order(p, "ban429", r);
    assert_error(r, 429, -1003);
    assert_int_equal(banned_until(r), until);
    assert_int_equal(xg_sim_log_fetch(p, "binance", 0, log, sizeof(log)),
                     XG_OK);
    assert_non_null(strstr(log, "\"status\":429,\"code\":-1003,"
                                "\"client_order_id\":\"ban429\","
                                "\"outcome\":\"banned\""));
    assert_null(strstr(log, "\"outcome\":\"limited\""));

    /* Without status (or with 418) the ban is answered 418 again. */
    admin_ok(p, "POST", "/_sim/ban", "{\"duration_ms\":1000}");
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 418, -1003);
    admin_ok(p, "POST", "/_sim/ban", "{\"duration_ms\":1000,\"status\":418}");
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_error(r, 418, -1003);

    static const char *const bad[] = {
        "{\"duration_ms\":10,\"status\":500}",
        "{\"duration_ms\":10,\"status\":403}",
        "{\"duration_ms\":10,\"status\":\"429\"}",
        "{\"duration_ms\":10,\"status\":null}",
        "{\"duration_ms\":10,\"why\":1}",
        "{\"status\":429}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/ban", bad[i],
                                      out, sizeof(out)),
                         XG_ERR_REJECTED);
    }
    free(r);
    sim_down(p);
}

static void
test_admin_rejects_bad_requests(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    char out[1024];

    (void)state;
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/fault",
                                  "not json", out, sizeof(out)),
                     XG_ERR_REJECTED);
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/fault",
                                  "{\"status_5xx\":{\"count\":1,"
                                  "\"status\":404}}",
                                  out, sizeof(out)),
                     XG_ERR_REJECTED);
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/ban",
                                  "{\"duration_ms\":-5}", out, sizeof(out)),
                     XG_ERR_REJECTED);
    static const char *const bad_faults[] = {
        "{\"limited\":{\"count\":-1}}",
        "{\"limited\":{\"count\":1000001}}",
        "{\"limited\":{\"count\":1.5}}",
        "{\"limited\":{}}",
        "{\"limited\":3}",
        "{\"limited\":{\"count\":1,\"retry_after_ms\":0}}",
        "{\"limited\":{\"count\":1,\"retry_after_ms\":3600001}}",
        "{\"limited\":{\"count\":1,\"retry_after_ms\":\"5\"}}",
        "{\"limited\":{\"count\":1,\"execute\":true}}",
        "{\"drop\":{\"count\":1,\"status\":503}}",
        "{\"status_5xx\":{\"count\":1,\"retry_after_ms\":5}}",
        "{\"limitd\":{\"count\":1}}",
        "{\"clear\":1}",
    };
    for (size_t i = 0; i < sizeof(bad_faults) / sizeof(bad_faults[0]); i++) {
        if (xg_sim_admin(p, "binance", "POST", "/_sim/fault", bad_faults[i],
                         out, sizeof(out)) != XG_ERR_REJECTED) {
            fail_msg("accepted: %s", bad_faults[i]);
        }
    }
    /* The edges are accepted. */
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/fault",
                                  "{\"limited\":{\"count\":1000000,"
                                  "\"retry_after_ms\":3600000}}",
                                  out, sizeof(out)),
                     XG_OK);
    assert_non_null(strstr(out, "\"limited\":{\"count\":1000000,"
                                "\"retry_after_ms\":3600000}"));
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/fault",
                                  "{\"limited\":{\"count\":0,"
                                  "\"retry_after_ms\":1}}",
                                  out, sizeof(out)),
                     XG_OK);
    assert_int_equal(xg_sim_admin(p, "binance", "POST", "/_sim/price",
                                  "{\"symbol\":\"NOPE\",\"price\":\"1\"}", out,
                                  sizeof(out)),
                     XG_ERR_REJECTED);
    assert_int_equal(xg_sim_admin(p, "binance", "GET", "/_sim/log?since=x",
                                  NULL, out, sizeof(out)),
                     XG_ERR_REJECTED);
    assert_int_equal(xg_sim_admin(p, "binance", "GET", "/_sim/nothing", NULL,
                                  out, sizeof(out)),
                     XG_ERR_REJECTED);
    sim_down(p);
}

/* ---- market data, history and the paths ccxt reads
 * ---------------------------
 */

/* The weight window is a day here, so the used-weight header of two
 * requests in a row differs by exactly the second one's weight. */
static const char *const market_args[] = {
    "--set", "binance.walk=0", "--set", "binance.weight_window_s=86400", NULL};

/* GET path (public) and return the weight it was charged. */
static long long
get_weight(const xg_sim_proc *p, const char *path, reply *r)
{
    reply *before = reply_new();
    long long used = 0;

    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, before);
    used = header_int(before, "X-MBX-USED-WEIGHT-1D");
    free(before);
    send_raw(p, "GET", path, NULL, NULL, r);
    return header_int(r, "X-MBX-USED-WEIGHT-1D") - used;
}

/* The same for a signed GET. */
static long long
signed_weight(const xg_sim_proc *p, const char *path, const char *params,
              reply *r)
{
    reply *before = reply_new();
    long long used = 0;

    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, before);
    used = header_int(before, "X-MBX-USED-WEIGHT-1D");
    free(before);
    send_signed(p, "GET", path, params, r);
    return header_int(r, "X-MBX-USED-WEIGHT-1D") - used;
}

/* Compact JSON of a member of the reply's body (the body itself when
 * member is NULL); given: free with free(). */
static char *
body_member(const reply *r, const char *member)
{
    json_t *j = body_json(r);
    char *text = json_dumps(member != NULL ? json_object_get(j, member) : j,
                            JSON_COMPACT | JSON_ENCODE_ANY);

    json_decref(j);
    assert_non_null(text);
    return text;
}

static void
assert_member(const reply *r, const char *member, const char *want)
{
    char *got = body_member(r, member);

    if (strcmp(got, want) != 0) {
        fprintf(stderr, "%s: want %s\n got %s\n", member ? member : "body",
                want, got);
    }
    assert_string_equal(got, want);
    free(got);
}

/* With the walk paused BTCUSDT stands at 35000: synthetic levels of
 * 28.57142 BTC (1,000,000 USDT at the reference, down to the lot step)
 * one tick apart from 35000.01 up and 34999.99 down. */
static void
test_depth_and_tickers_show_the_paused_book_at_binance_weights(void **state)
{
    xg_sim_proc *p = sim_up(market_args);
    reply *r = reply_new();
    json_t *j = NULL;

    (void)state;
    assert_int_equal(get_weight(p, "/api/v3/depth?symbol=BTCUSDT&limit=2", r),
                     5);
    assert_int_equal(r->status, 200);
    assert_member(r, "bids",
                  "[[\"34999.99000000\",\"28.57142000\"],"
                  "[\"34999.98000000\",\"28.57142000\"]]");
    assert_member(r, "asks",
                  "[[\"35000.01000000\",\"28.57142000\"],"
                  "[\"35000.02000000\",\"28.57142000\"]]");
    j = body_json(r);
    assert_true(json_integer_value(json_object_get(j, "lastUpdateId")) >= 0);
    json_decref(j);
    /* Default 100, capped by what the book holds (10 levels a side). */
    assert_int_equal(get_weight(p, "/api/v3/depth?symbol=BTCUSDT", r), 5);
    j = body_json(r);
    assert_int_equal(json_array_size(json_object_get(j, "bids")), 10);
    json_decref(j);
    assert_int_equal(get_weight(p, "/api/v3/depth?symbol=BTCUSDT&limit=500", r),
                     25);
    assert_int_equal(
        get_weight(p, "/api/v3/depth?symbol=BTCUSDT&limit=1000", r), 50);
    assert_int_equal(
        get_weight(p, "/api/v3/depth?symbol=BTCUSDT&limit=5000", r), 250);
    assert_int_equal(
        get_weight(p, "/api/v3/depth?symbol=BTCUSDT&limit=99999", r), 250);
    assert_int_equal(r->status, 200);

    /* A resting order joins its price level. */
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=1.5&price=34999.99",
                r);
    assert_int_equal(r->status, 200);
    send_raw(p, "GET", "/api/v3/depth?symbol=BTCUSDT&limit=1", NULL, NULL, r);
    assert_member(r, "bids", "[[\"34999.99000000\",\"30.07142000\"]]");

    assert_int_equal(
        get_weight(p, "/api/v3/ticker/bookTicker?symbol=BTCUSDT", r), 2);
    assert_member(r, NULL,
                  "{\"symbol\":\"BTCUSDT\",\"bidPrice\":\"34999.99000000\","
                  "\"bidQty\":\"30.07142000\",\"askPrice\":\"35000.01000000\","
                  "\"askQty\":\"28.57142000\"}");
    assert_int_equal(get_weight(p, "/api/v3/ticker/bookTicker", r), 4);
    j = body_json(r);
    assert_int_equal(json_array_size(j), 3);
    json_decref(j);

    /* No trade yet: the last price is the reference the market opened
     * at. */
    assert_int_equal(get_weight(p, "/api/v3/ticker/price?symbol=BTCUSDT", r),
                     2);
    assert_member(r, NULL,
                  "{\"symbol\":\"BTCUSDT\",\"price\":\"35000.00000000\"}");
    assert_int_equal(get_weight(p,
                                "/api/v3/ticker/price?symbols=%5B%22ETHUSDT"
                                "%22,%22SOLUSDT%22%5D",
                                r),
                     4);
    assert_member(r, NULL,
                  "[{\"symbol\":\"ETHUSDT\",\"price\":\"2000.00000000\"},"
                  "{\"symbol\":\"SOLUSDT\",\"price\":\"100.00000000\"}]");
    assert_int_equal(get_weight(p, "/api/v3/ticker/24hr?symbol=BTCUSDT", r), 2);
    assert_field(r, "lastPrice", "35000.00000000");
    assert_field(r, "bidPrice", "34999.99000000");
    assert_member(r, "count", "0");
    assert_member(r, "firstId", "-1");
    assert_int_equal(get_weight(p, "/api/v3/ticker/24hr", r), 80);
    j = body_json(r);
    assert_int_equal(json_array_size(j), 3);
    json_decref(j);
    assert_int_equal(
        get_weight(p, "/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22%5D", r), 2);

    /* One trade: a market buy takes 0.001 at the best ask. */
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001", r);
    assert_field(r, "status", "FILLED");
    json_t *placed = body_json(r);
    long long trade_id = json_integer_value(json_object_get(
        json_array_get(json_object_get(placed, "fills"), 0), "tradeId"));
    json_decref(placed);
    assert_int_equal(get_weight(p, "/api/v3/trades?symbol=BTCUSDT", r), 25);
    j = body_json(r);
    assert_int_equal(json_array_size(j), 1);
    json_t *t = json_array_get(j, 0);
    assert_int_equal(json_integer_value(json_object_get(t, "id")), trade_id);
    assert_string_equal(json_string_value(json_object_get(t, "price")),
                        "35000.01000000");
    assert_string_equal(json_string_value(json_object_get(t, "qty")),
                        "0.00100000");
    assert_string_equal(json_string_value(json_object_get(t, "quoteQty")),
                        "35.00001000");
    assert_true(json_is_false(json_object_get(t, "isBuyerMaker")));
    json_decref(j);

    send_raw(p, "GET", "/api/v3/ticker/24hr?symbol=BTCUSDT", NULL, NULL, r);
    assert_field(r, "openPrice", "35000.00000000");
    assert_field(r, "lastPrice", "35000.01000000");
    assert_field(r, "highPrice", "35000.01000000");
    assert_field(r, "lowPrice", "35000.00000000");
    assert_field(r, "priceChange", "0.01000000");
    assert_field(r, "priceChangePercent", "0.000");
    assert_field(r, "volume", "0.00100000");
    assert_field(r, "quoteVolume", "35.00001000");
    assert_field(r, "weightedAvgPrice", "35000.01000000");
    assert_field(r, "lastQty", "0.00100000");
    assert_member(r, "count", "1");
    send_raw(p, "GET", "/api/v3/ticker/24hr?symbol=BTCUSDT&type=MINI", NULL,
             NULL, r);
    assert_null(strstr(r->body, "priceChange"));
    assert_field(r, "lastPrice", "35000.01000000");
    assert_int_equal(get_weight(p, "/api/v3/avgPrice?symbol=BTCUSDT", r), 2);
    assert_field(r, "price", "35000.01000000");
    send_raw(p, "GET", "/api/v3/ticker/price?symbol=BTCUSDT", NULL, NULL, r);
    assert_field(r, "price", "35000.01000000");
    free(r);
    sim_down(p);
}

static void
test_market_data_rejects_bad_parameters_with_binance_codes(void **state)
{
    xg_sim_proc *p = sim_up(market_args);
    reply *r = reply_new();
    static const struct {
        const char *path;
        long long code;
    } cases[] = {
        {"/api/v3/depth", -1102},
        {"/api/v3/depth?symbol=NOPE", -1121},
        {"/api/v3/depth?symbol=BTCUSDT&limit=abc", -1100},
        {"/api/v3/depth?symbol=BTCUSDT&limit=-5", -1100},
        {"/api/v3/depth?symbol=BTCUSDT&limit=0", -1100},
        {"/api/v3/depth?symbol=BTCUSDT&limit=", -1105},
        {"/api/v3/depth?symbol=BTCUSDT&limit=99999999999999999999999", -1108},
        {"/api/v3/trades?symbol=BTCUSDT&limit=1e3", -1100},
        {"/api/v3/trades", -1102},
        {"/api/v3/avgPrice?symbol=", -1102},
        {"/api/v3/ticker/24hr?symbol=BTCUSDT&symbols=%5B%22BTCUSDT%22%5D",
         -1128},
        {"/api/v3/ticker/24hr?symbols=BTCUSDT", -1100},
        {"/api/v3/ticker/24hr?symbols=%5B1%5D", -1100},
        {"/api/v3/ticker/24hr?symbols=%5B%5B%22BTCUSDT%22%5D%5D", -1100},
        {"/api/v3/ticker/24hr?symbols=%5B%22NOPE%22%5D", -1121},
        {"/api/v3/ticker/price?symbols=%5B%22BTCUSDT%22,%22BTCUSDT%22%5D",
         -1151},
        {"/api/v3/ticker/bookTicker?symbol=NOPE", -1121},
        {"/api/v3/ticker/24hr?symbol=BTCUSDT&type=HUGE", -1139},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        send_raw(p, "GET", cases[i].path, NULL, NULL, r);
        if (r->status != 400 || body_code(r) != cases[i].code) {
            fprintf(stderr, "case %zu: %s -> %ld %s\n", i, cases[i].path,
                    r->status, r->body);
        }
        assert_error(r, 400, cases[i].code);
    }
    /* The weight of a ticker by symbols follows how many it names. */
    char path[4096];
    size_t n = (size_t)snprintf(path, sizeof(path),
                                "/api/v3/ticker/24hr?symbols=%%5B");
    for (int i = 0; i < 30; i++) {
        n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%%22BTCUSDT%%22",
                              i > 0 ? "," : "");
    }
    snprintf(path + n, sizeof(path) - n, "%%5D");
    assert_int_equal(get_weight(p, path, r), 40);
    assert_error(r, 400, -1151);
    free(r);
    sim_down(p);
}

static long long
nth_id(const reply *r, size_t i, const char *field)
{
    json_t *j = body_json(r);
    long long id =
        json_integer_value(json_object_get(json_array_get(j, i), field));

    json_decref(j);
    return id;
}

static size_t
body_size(const reply *r)
{
    json_t *j = body_json(r);
    size_t n = json_array_size(j);

    json_decref(j);
    return n;
}

/* Three fills (a market buy, a limit buy above the ask, a market sell)
 * and a resting order; the walk paused, so every price is exact. */
static void
test_my_trades_and_all_orders_page_as_binance_does(void **state)
{
    xg_sim_proc *p = sim_up(market_args);
    reply *r = reply_new();
    char params[256];

    (void)state;
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001", r);
    assert_field(r, "status", "FILLED");
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=30000&newClientOrderId=rest-1",
                r);
    assert_field(r, "status", "NEW");
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.002&price=36000",
                r);
    assert_field(r, "status", "FILLED");
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.001", r);
    assert_field(r, "status", "FILLED");
    /* Another symbol's fill stays out of BTCUSDT's history. */
    send_signed(p, "POST", "/api/v3/order",
                "symbol=ETHUSDT&side=BUY&type=MARKET&quantity=0.01", r);
    assert_field(r, "status", "FILLED");

    assert_int_equal(signed_weight(p, "/api/v3/myTrades", "symbol=BTCUSDT", r),
                     20);
    assert_int_equal(r->status, 200);
    json_t *j = body_json(r);
    assert_int_equal(json_array_size(j), 3);
    json_t *buy = json_array_get(j, 0);
    json_t *sell = json_array_get(j, 2);
    assert_string_equal(json_string_value(json_object_get(buy, "symbol")),
                        "BTCUSDT");
    assert_int_equal(json_integer_value(json_object_get(buy, "orderId")), 1);
    assert_string_equal(json_string_value(json_object_get(buy, "price")),
                        "35000.01000000");
    assert_string_equal(json_string_value(json_object_get(buy, "commission")),
                        "0.00000100");
    assert_string_equal(
        json_string_value(json_object_get(buy, "commissionAsset")), "BTC");
    assert_true(json_is_true(json_object_get(buy, "isBuyer")));
    assert_true(json_is_false(json_object_get(buy, "isMaker")));
    /* A sell pays 0.1% of its proceeds, in USDT. */
    assert_int_equal(json_integer_value(json_object_get(sell, "orderId")), 4);
    assert_string_equal(json_string_value(json_object_get(sell, "price")),
                        "34999.99000000");
    assert_string_equal(json_string_value(json_object_get(sell, "quoteQty")),
                        "34.99999000");
    assert_string_equal(json_string_value(json_object_get(sell, "commission")),
                        "0.03499999");
    assert_string_equal(
        json_string_value(json_object_get(sell, "commissionAsset")), "USDT");
    assert_true(json_is_false(json_object_get(sell, "isBuyer")));
    long long id0 = json_integer_value(json_object_get(buy, "id"));
    long long id2 = json_integer_value(json_object_get(sell, "id"));
    long long id1 =
        json_integer_value(json_object_get(json_array_get(j, 1), "id"));
    assert_true(id0 < id1 && id1 < id2);
    json_decref(j);

    /* Newest `limit` without fromId; from fromId on with it. */
    send_signed(p, "GET", "/api/v3/myTrades", "symbol=BTCUSDT&limit=2", r);
    assert_int_equal(body_size(r), 2);
    assert_int_equal(nth_id(r, 0, "id"), id1);
    assert_int_equal(nth_id(r, 1, "id"), id2);
    snprintf(params, sizeof(params), "symbol=BTCUSDT&fromId=%lld&limit=2", id0);
    send_signed(p, "GET", "/api/v3/myTrades", params, r);
    assert_int_equal(body_size(r), 2);
    assert_int_equal(nth_id(r, 0, "id"), id0);
    assert_int_equal(nth_id(r, 1, "id"), id1);
    assert_int_equal(
        signed_weight(p, "/api/v3/myTrades", "symbol=BTCUSDT&orderId=3", r), 5);
    assert_int_equal(body_size(r), 1);
    assert_int_equal(nth_id(r, 0, "id"), id1);
    send_signed(p, "GET", "/api/v3/myTrades", "symbol=BTCUSDT&orderId=2", r);
    assert_int_equal(body_size(r), 0);
    snprintf(params, sizeof(params), "symbol=BTCUSDT&startTime=%lld",
             (long long)now_ms() - 60000);
    send_signed(p, "GET", "/api/v3/myTrades", params, r);
    assert_int_equal(body_size(r), 3);
    snprintf(params, sizeof(params), "symbol=BTCUSDT&endTime=%lld",
             (long long)now_ms() - 60000);
    send_signed(p, "GET", "/api/v3/myTrades", params, r);
    assert_int_equal(body_size(r), 0);

    static const struct {
        const char *params;
        long long code;
    } bad[] = {
        {"", -1102},
        {"symbol=NOPE", -1121},
        {"symbol=BTCUSDT&orderId=1&startTime=1", -1128},
        {"symbol=BTCUSDT&fromId=1&endTime=1", -1128},
        {"symbol=BTCUSDT&startTime=1&endTime=86400002", -1127},
        {"symbol=BTCUSDT&startTime=5&endTime=4", -1127},
        {"symbol=BTCUSDT&fromId=x", -1100},
        {"symbol=BTCUSDT&limit=0", -1100},
        {"symbol=BTCUSDT&orderId=1234567890123456789012", -1108},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        send_signed(p, "GET", "/api/v3/myTrades", bad[i].params, r);
        if (r->status != 400 || body_code(r) != bad[i].code) {
            fprintf(stderr, "myTrades case %zu: %s -> %ld %s\n", i,
                    bad[i].params, r->status, r->body);
        }
        assert_error(r, 400, bad[i].code);
    }

    /* allOrders: the four BTCUSDT orders, oldest first. */
    assert_int_equal(signed_weight(p, "/api/v3/allOrders", "symbol=BTCUSDT", r),
                     20);
    assert_int_equal(body_size(r), 4);
    assert_int_equal(nth_id(r, 0, "orderId"), 1);
    assert_int_equal(nth_id(r, 3, "orderId"), 4);
    j = body_json(r);
    json_t *rest = json_array_get(j, 1);
    assert_string_equal(json_string_value(json_object_get(rest, "status")),
                        "NEW");
    assert_string_equal(
        json_string_value(json_object_get(rest, "clientOrderId")), "rest-1");
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(j, 2), "cummulativeQuoteQty")),
                        "70.00002000");
    json_decref(j);
    send_signed(p, "GET", "/api/v3/allOrders", "symbol=BTCUSDT&limit=2", r);
    assert_int_equal(body_size(r), 2);
    assert_int_equal(nth_id(r, 0, "orderId"), 3);
    assert_int_equal(nth_id(r, 1, "orderId"), 4);
    send_signed(p, "GET", "/api/v3/allOrders",
                "symbol=BTCUSDT&orderId=2&limit=2", r);
    assert_int_equal(body_size(r), 2);
    assert_int_equal(nth_id(r, 0, "orderId"), 2);
    assert_int_equal(nth_id(r, 1, "orderId"), 3);
    send_signed(p, "GET", "/api/v3/allOrders", "symbol=BTCUSDT&orderId=99", r);
    assert_int_equal(body_size(r), 0);
    send_signed(p, "GET", "/api/v3/allOrders", "symbol=ETHUSDT", r);
    assert_int_equal(body_size(r), 1);
    snprintf(params, sizeof(params), "symbol=BTCUSDT&startTime=%lld",
             (long long)now_ms() + 3600000);
    send_signed(p, "GET", "/api/v3/allOrders", params, r);
    assert_int_equal(body_size(r), 0);
    send_signed(p, "GET", "/api/v3/allOrders",
                "symbol=BTCUSDT&startTime=0&endTime=86400001", r);
    assert_error(r, 400, -1127);
    send_signed(p, "GET", "/api/v3/allOrders", "symbol=BTCUSDT&limit=", r);
    assert_error(r, 400, -1105);

    /* The unfilled order count: five orders taken in this 10 s window
     * (or fewer if it rolled between them), five today. */
    assert_int_equal(signed_weight(p, "/api/v3/rateLimit/order", "", r), 40);
    j = body_json(r);
    assert_int_equal(json_array_size(j), 2);
    json_t *day = json_array_get(j, 1);
    assert_string_equal(json_string_value(json_object_get(day, "interval")),
                        "DAY");
    assert_int_equal(json_integer_value(json_object_get(day, "count")), 5);
    assert_int_equal(json_integer_value(json_object_get(day, "limit")), 200000);
    json_decref(j);

    /* Unsigned: the venue's key error. */
    send_raw(p, "GET", "/api/v3/myTrades?symbol=BTCUSDT", NULL, NULL, r);
    assert_error(r, 401, -2014);
    free(r);
    sim_down(p);
}

/* ccxt at default options reads currencies and margin pairs from /sapi
 * and the futures exchangeInfo before it trades spot. */
static void
test_sapi_and_futures_paths_answer_as_a_spot_only_venue(void **state)
{
    static const char *const args[] = {"--set", "binance.walk=0", "--set",
                                       "binance.sapi_weight_limit=25", NULL};
    xg_sim_proc *p = sim_up(args);
    reply *r = reply_new();

    (void)state;
    send_signed(p, "POST", "/api/v3/order",
                "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
                "&quantity=0.01&price=30000",
                r);
    assert_int_equal(r->status, 200);
    long long api_used = header_int(r, "X-MBX-USED-WEIGHT-1M");

    send_signed(p, "GET", "/sapi/v1/capital/config/getall", "", r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-SAPI-USED-IP-WEIGHT-1M"), 10);
    json_t *j = body_json(r);
    /* BTC, USDT, ETH, SOL: the traded assets (the balances add none). */
    assert_int_equal(json_array_size(j), 4);
    size_t i = 0;
    json_t *coin = NULL;
    bool seen_usdt = false;
    json_array_foreach(j, i, coin)
    {
        const char *name = json_string_value(json_object_get(coin, "coin"));
        assert_true(json_is_array(json_object_get(coin, "networkList")));
        assert_true(json_is_true(json_object_get(coin, "trading")));
        if (strcmp(name, "USDT") == 0) {
            seen_usdt = true;
            assert_string_equal(
                json_string_value(json_object_get(coin, "free")),
                "999700.00000000");
            assert_string_equal(
                json_string_value(json_object_get(coin, "locked")),
                "300.00000000");
        }
    }
    assert_true(seen_usdt);
    json_decref(j);

    send_raw(p, "GET", "/sapi/v1/margin/allPairs", KEY, NULL, r);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "[]");
    assert_int_equal(header_int(r, "X-SAPI-USED-IP-WEIGHT-1M"), 11);
    send_raw(p, "GET", "/sapi/v1/margin/allPairs", NULL, NULL, r);
    assert_error(r, 401, -2014);
    send_raw(p, "GET", "/sapi/v1/margin/allPairs", "nobody", NULL, r);
    assert_error(r, 401, -2015);
    send_signed(p, "GET", "/sapi/v1/margin/isolated/allPairs", "", r);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->body, "[]");
    /* 1 + 10 + 1 + 1 + 10: over 25 now. */
    send_signed(p, "GET", "/sapi/v1/capital/config/getall", "", r);
    assert_error(r, 429, -1003);
    assert_true(header_int(r, "Retry-After") >= 1);

    send_raw(p, "GET", "/fapi/v1/exchangeInfo", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    assert_member(r, "symbols", "[]");
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-1M"), 1);
    assert_non_null(strstr(r->body, "\"rateLimitType\":\"REQUEST_WEIGHT\""));
    send_raw(p, "GET", "/dapi/v1/exchangeInfo", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    assert_member(r, "symbols", "[]");
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-1M"), 2);

    /* Neither /sapi nor the futures paths were charged to /api's weight,
     * and /sapi's 429 did not limit /api. */
    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    assert_int_equal(header_int(r, "X-MBX-USED-WEIGHT-1M"), api_used + 1);
    free(r);
    sim_down(p);
}

/* ---- hostile input ---------------------------------------------------------
 */

static void
send_garbage(int port)
{
    struct sockaddr_in addr;
    unsigned char junk[4096];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = (unsigned char)((i * 7919u + 13u) & 0xff);
    }
    /* The server may close mid-write; either way is fine. */
    (void)send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
    (void)recv(fd, junk, sizeof(junk), 0);
    close(fd);
}

static void
test_hostile_input_gets_errors_and_the_sim_stays_up(void **state)
{
    xg_sim_proc *p = sim_up(NULL);
    reply *r = reply_new();
    size_t big = 1024 * 1024;
    char *body = malloc(big + 1);
    char *path = malloc(20000);

    (void)state;
    assert_non_null(body);
    assert_non_null(path);
    memset(body, 'a', big);
    body[big] = '\0';
    send_raw(p, "POST", "/api/v3/order", KEY, body, r);
    assert_int_equal(r->status, 413);

    send_garbage(xg_sim_port(p, "binance"));

    send_raw(p, "GET", "/api/v3/account?timestamp=%zz&signature=1", KEY, NULL,
             r);
    assert_error(r, 400, -1100);

    size_t n = (size_t)snprintf(path, 20000, "/api/v3/account?");
    for (int i = 0; i < 80; i++) {
        n += (size_t)snprintf(path + n, 20000 - n, "p%d=1&", i);
    }
    send_raw(p, "GET", path, KEY, NULL, r);
    assert_error(r, 400, -1101);

    memset(path, 'x', 19000);
    memcpy(path, "/api/v3/ping?a=", 15);
    path[19000] = '\0';
    send_raw(p, "GET", path, NULL, NULL, r);
    assert_true(r->status >= 200 && r->status < 500);

    /* Market-data parameters from outside: deeply nested or huge symbol
     * lists, endless digits. */
    n = (size_t)snprintf(path, 20000, "/api/v3/ticker/24hr?symbols=");
    while (n < 18000) {
        n += (size_t)snprintf(path + n, 20000 - n, "%%5B");
    }
    send_raw(p, "GET", path, NULL, NULL, r);
    assert_error(r, 400, -1100);
    n = (size_t)snprintf(path, 20000, "/api/v3/ticker/price?symbols=%%5B");
    while (n < 18000) {
        n += (size_t)snprintf(path + n, 20000 - n, "%%22BTCUSDT%%22,");
    }
    snprintf(path + n - 1, 20000 - n + 1, "%%5D");
    send_raw(p, "GET", path, NULL, NULL, r);
    assert_error(r, 400, -1151);
    n = (size_t)snprintf(path, 20000, "/api/v3/depth?symbol=BTCUSDT&limit=");
    memset(path + n, '9', 15000);
    path[n + 15000] = '\0';
    send_raw(p, "GET", path, NULL, NULL, r);
    assert_error(r, 400, -1108);

    send_raw(p, "GET", "/api/v3/nothing", NULL, NULL, r);
    assert_int_equal(r->status, 404);
    send_raw(p, "PUT", "/api/v3/order", KEY, "x=1", r);
    assert_int_equal(r->status, 404);

    send_raw(p, "GET", "/api/v3/ping", NULL, NULL, r);
    assert_int_equal(r->status, 200);
    free(path);
    free(body);
    free(r);
    sim_down(p);
}

/* ---- command line ----------------------------------------------------------
 */

static int
run_xgsim(const char *const *args, char *err, size_t cap)
{
    const char *argv[16];
    size_t argc = 0;
    int fds[2];
    int status = 0;

    argv[argc++] = XG_BIN_DIR "/xgsim";
    for (size_t i = 0; args[i] != NULL; i++) {
        argv[argc++] = args[i];
    }
    argv[argc] = NULL;
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], err, cap - 1);
    err[got > 0 ? got : 0] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_bad_command_lines_exit_2_naming_the_flag(void **state)
{
    static const struct {
        const char *args[6];
        const char *named;
    } cases[] = {
        {{"--venue", "binance=127.0.0.1:0", "--bogus", NULL}, "--bogus"},
        {{"--venue", "binance=127.0.0.1:0", "--set", "binance.weight_limit=abc",
          NULL},
         "binance.weight_limit=abc"},
        {{"--venue", "binance=127.0.0.1:0", "--set", "binance.nope=1", NULL},
         "binance.nope=1"},
        {{"--venue", "binance=10.1.2.3:0", NULL}, "--venue"},
        {{"--venue", "nosuch=127.0.0.1:0", NULL}, "--venue"},
        {{"--venue", "binance=127.0.0.1:0", "--accounts",
          "/nonexistent/accounts.json", NULL},
         "--accounts"},
        {{"--venue", NULL}, "--venue"},
    };
    char err[1024];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = run_xgsim(cases[i].args, err, sizeof(err));
        if (rc != 2 || strstr(err, cases[i].named) == NULL) {
            fprintf(stderr, "case %zu: rc %d, stderr: %s\n", i, rc, err);
        }
        assert_int_equal(rc, 2);
        assert_non_null(strstr(err, cases[i].named));
        assert_non_null(strchr(err, '\n'));
        assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
    }
}

static void
test_accounts_file_replaces_the_default_account(void **state)
{
    char file[] = "/tmp/xgsim-accounts-XXXXXX";
    int fd = mkstemp(file);
    const char *json =
        "[{\"venue\":\"binance\",\"api_key\":\"k2\",\"secret\":\"s2\","
        "\"balances\":{\"USDT\":\"12.5\"}}]";
    const char *args[] = {"--accounts", file, NULL};
    reply *r = reply_new();
    char payload[128];
    char sig[65];
    char path[256];
    const char *hdrs[] = {"X-MBX-APIKEY: k2", NULL};

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    xg_sim_proc *p = sim_up(args);
    unlink(file);

    send_signed(p, "GET", "/api/v3/account", "", r);
    assert_error(r, 401, -2015);

    snprintf(payload, sizeof(payload), "timestamp=%lld", (long long)now_ms());
    hmac_hex("s2", payload, strlen(payload), sig);
    snprintf(path, sizeof(path), "/api/v3/account?%s&signature=%s", payload,
             sig);
    assert_int_equal(xg_sim_http(p, "binance", "GET", path, hdrs, NULL, 0,
                                 &r->status, r->body, sizeof(r->body), NULL, 0),
                     XG_OK);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "\"free\":\"12.50000000\""));
    free(r);
    sim_down(p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_signed_order_is_accepted_echoed_queried_and_canceled,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_matching_takes_the_book_and_fills_on_price_moves,
            teardown_sim),
        cmocka_unit_test_teardown(test_order_rejections_carry_binance_codes,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_amend_keep_priority_lowers_the_quantity_in_place,
            teardown_sim),
        cmocka_unit_test_teardown(test_amend_refusals_carry_binance_codes,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_cancel_replace_gives_a_new_order_and_keeps_the_old_fills,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_amend_and_cancel_replace_are_rate_limited_as_binance_counts_them,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_cancel_all_cancels_the_symbol_in_one_request_and_frees_balances,
            teardown_sim),
        cmocka_unit_test_teardown(test_account_and_cancel_all_weigh_20_and_1,
                                  teardown_sim),
        cmocka_unit_test_teardown(test_signature_key_and_timestamp_errors,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_weight_limit_then_429_then_ban_then_recovery, teardown_sim),
        cmocka_unit_test_teardown(
            test_bans_escalate_double_and_cap_including_admin_bans,
            teardown_sim),
        cmocka_unit_test_teardown(test_ban_extend_setting_pushes_the_ban_end,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_orders_limit_refuses_with_1015_per_account, teardown_sim),
        cmocka_unit_test_teardown(
            test_exchange_info_advertises_the_configured_limits, teardown_sim),
        cmocka_unit_test_teardown(
            test_limits_off_never_refuses_but_still_reports_usage,
            teardown_sim),
        cmocka_unit_test_teardown(test_injected_5xx_with_and_without_execution,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_drop_closes_without_answer_and_can_execute, teardown_sim),
        cmocka_unit_test_teardown(test_latency_delays_responses_until_cleared,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_limited_fault_answers_429_1003_places_nothing_and_never_bans,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_one_request_takes_one_fault_drop_then_limited_then_5xx,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_admin_ban_answered_429_keeps_the_banned_until_body,
            teardown_sim),
        cmocka_unit_test_teardown(test_admin_rejects_bad_requests,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_depth_and_tickers_show_the_paused_book_at_binance_weights,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_market_data_rejects_bad_parameters_with_binance_codes,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_my_trades_and_all_orders_page_as_binance_does, teardown_sim),
        cmocka_unit_test_teardown(
            test_sapi_and_futures_paths_answer_as_a_spot_only_venue,
            teardown_sim),
        cmocka_unit_test_teardown(
            test_hostile_input_gets_errors_and_the_sim_stays_up, teardown_sim),
        cmocka_unit_test_teardown(test_bad_command_lines_exit_2_naming_the_flag,
                                  teardown_sim),
        cmocka_unit_test_teardown(
            test_accounts_file_replaces_the_default_account, teardown_sim),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
