/*
 * test_sim_kucoin.c - xgsim's KuCoin dialect, checked from outside.
 *
 * Each test starts its own xgsim and talks to it over loopback HTTP with
 * its own signing (OpenSSL HMAC-SHA256 + base64, not the adapter's code),
 * so the simulator and the adapter cannot share a misreading of the fact
 * sheet unnoticed. The pool tests use a pool of 10 weight per 1.5 s and
 * check that the window starts at the first request, not on the clock.
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
    return p;
}

static void
sim_down(xg_sim_proc *p)
{
    assert_int_equal(xg_sim_stop(p), XG_OK);
    free(p);
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_endpoints_answer_in_the_envelope),
        cmocka_unit_test(test_signed_order_lifecycle),
        cmocka_unit_test(test_bad_credentials_are_refused),
        cmocka_unit_test(test_timestamp_window_is_enforced),
        cmocka_unit_test(test_pool_is_a_fixed_window_anchored_at_first_request),
        cmocka_unit_test(test_admin_ban_is_answered_as_cloudflare_1015),
        cmocka_unit_test(test_injected_5xx_with_and_without_execution),
        cmocka_unit_test(
            test_limited_fault_answers_the_pools_429000_and_charges_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
