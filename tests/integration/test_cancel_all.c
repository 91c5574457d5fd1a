/*
 * test_cancel_all.c - cancel_all through the gateway on all four venues:
 * 500 resting orders of one strategy, spread over the venues, pulled with
 * one request (first one symbol's, then the rest). Every order ends
 * canceled, none is left open, no venue answers a limit, and another
 * strategy's orders are untouched. Then, on accounts that are the
 * gateway's alone, the venues' mass cancels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "venue_env.h"

#define N_ORDERS 500

static const char *const venues[] = {"binance", "bybit", "okx", "kucoin"};

static void
place(xg_venue_env *e, const char *strategy, const char *id, const char *symbol,
      const char *venue)
{
    const int is_eth = strcmp(symbol, "ETH/USDT") == 0;
    const xg_test_order o = {.strategy = strategy,
                             .id = id,
                             .symbol = symbol,
                             .side = "BUY",
                             .qty = is_eth ? "0.01" : "0.001",
                             .price = is_eth ? "1000" : "30000",
                             .venue = venue};
    json_t *r = xg_venue_env_place_order(e, &o);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
}

static json_t *
call(xg_venue_env *e, const char *msg)
{
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    assert_true(xg_reply_is_ok(r));
    return r;
}

/* Read events until n orders of the strategy's were canceled (15 s at
 * most between two of them); any other final event fails the test. */
static void
await_canceled(xg_venue_env *e, int n)
{
    int seen = 0;
    while (seen < n) {
        char topic[64];
        json_t *ev = xg_client_event(&e->client, 15000, topic, sizeof topic);
        if (ev == NULL) {
            fail_msg("%d of %d cancels seen, then nothing for 15 s", seen, n);
        }
        const char *kind = json_string_value(json_object_get(ev, "event"));
        if (kind != NULL && strcmp(kind, "canceled") == 0) {
            seen++;
        } else if (kind != NULL && (strcmp(kind, "rejected") == 0 ||
                                    strcmp(kind, "filled") == 0)) {
            fail_msg("an order ended %s instead of canceled", kind);
        }
        json_decref(ev);
    }
}

static size_t
open_count(xg_venue_env *e, const char *strategy)
{
    char msg[128];
    snprintf(msg, sizeof msg,
             "{\"type\":\"open_orders\",\"strategy\":\"%s\",\"limit\":200}",
             strategy);
    json_t *r = call(e, msg);
    size_t n = json_array_size(json_object_get(r, "orders"));
    json_decref(r);
    return n;
}

static void
test_cancel_all_pulls_500_orders_on_four_venues(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start_many(venues, 4, NULL, "");
    for (int i = 0; i < N_ORDERS; i++) {
        char id[16];
        snprintf(id, sizeof id, "q%d", i);
        /* Every tenth is ETH, the rest BTC, round-robin over the venues. */
        place(e, "mm", id, i % 10 == 0 ? "ETH/USDT" : "BTC/USDT",
              venues[i % 4]);
    }
    place(e, "other", "keep1", "BTC/USDT", "okx");
    int waits = 0;
    xg_venue_env_await_acks(e, N_ORDERS + 1, 1, &waits);

    /* One symbol first. */
    json_t *r = call(e, "{\"type\":\"cancel_all\",\"strategy\":\"mm\","
                        "\"symbol\":\"ETH/USDT\"}");
    size_t n_eth = json_array_size(json_object_get(r, "client_order_ids"));
    assert_int_equal(n_eth, N_ORDERS / 10);
    assert_false(json_is_true(json_object_get(r, "more")));
    json_decref(r);
    await_canceled(e, N_ORDERS / 10);

    /* Then the rest, in one request. */
    r = call(e, "{\"type\":\"cancel_all\",\"strategy\":\"mm\"}");
    json_t *ids = json_object_get(r, "client_order_ids");
    assert_int_equal(json_array_size(ids), N_ORDERS - N_ORDERS / 10);
    json_decref(r);
    /* Asked again while those cancels are on their way: nothing new. */
    r = call(e, "{\"type\":\"cancel_all\",\"strategy\":\"mm\"}");
    assert_int_equal(json_array_size(json_object_get(r, "client_order_ids")),
                     0);
    json_decref(r);
    await_canceled(e, N_ORDERS - N_ORDERS / 10);

    assert_int_equal(open_count(e, "mm"), 0);
    assert_int_equal(open_count(e, "other"), 1);
    /* Nothing left to cancel: an empty list. */
    r = call(e, "{\"type\":\"cancel_all\",\"strategy\":\"mm\"}");
    assert_int_equal(json_array_size(json_object_get(r, "client_order_ids")),
                     0);
    json_decref(r);

    /* The limits held on every venue: no "too many requests" answer. */
    for (size_t i = 0; i < 4; i++) {
        json_t *log = xg_venue_env_log(e, venues[i]);
        printf("%s: %zu requests, %zu answered 429, %zu 418\n", venues[i],
               json_array_size(log), xg_log_count_field(log, "status", 429),
               xg_log_count_field(log, "status", 418));
        assert_int_equal(xg_log_count_field(log, "status", 429), 0);
        assert_int_equal(xg_log_count_field(log, "status", 418), 0);
        assert_int_equal(xg_log_count_field(log, "code", 10006), 0);
        assert_int_equal(xg_log_count_field(log, "code", 50011), 0);
        json_decref(log);
    }
    xg_venue_env_stop(e);
}

/* How many of log's entries are `method path` (query string excluded). */
static size_t
requests_to(const json_t *log, const char *method, const char *path)
{
    const xg_log_filter f = {.method = method, .path = path};
    return xg_log_count(log, &f);
}

/* With each account the gateway's alone (exclusive_account), a
 * strategy's cancel_all of every order it has on a symbol is one mass
 * cancel where the venue has one (Binance, Bybit, KuCoin); OKX, which
 * has none for spot, gets batch cancels. Every order ends canceled and
 * no single cancel is sent where the mass cancel went. */
static void
test_cancel_all_uses_mass_cancel_on_an_exclusive_account(void **state)
{
    (void)state;
    xg_venue_env *e =
        xg_venue_env_start_many(venues, 4, NULL, "\"exclusive_account\": true");
    const int n = 40;
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "m%d", i);
        place(e, "mm", id, "BTC/USDT", venues[i % 4]);
    }
    int waits = 0;
    xg_venue_env_await_acks(e, n, 1, &waits);
    json_t *r = call(e, "{\"type\":\"cancel_all\",\"strategy\":\"mm\"}");
    assert_int_equal(json_array_size(json_object_get(r, "client_order_ids")),
                     (size_t)n);
    json_decref(r);
    await_canceled(e, n);
    assert_int_equal(open_count(e, "mm"), 0);

    json_t *log = xg_venue_env_log(e, "binance");
    assert_int_equal(requests_to(log, "DELETE", "/api/v3/openOrders"), 1);
    assert_int_equal(requests_to(log, "DELETE", "/api/v3/order"), 0);
    json_decref(log);
    log = xg_venue_env_log(e, "bybit");
    assert_int_equal(requests_to(log, "POST", "/v5/order/cancel-all"), 1);
    assert_int_equal(requests_to(log, "POST", "/v5/order/cancel"), 0);
    json_decref(log);
    log = xg_venue_env_log(e, "kucoin");
    assert_int_equal(requests_to(log, "DELETE", "/api/v1/hf/orders"), 1);
    json_decref(log);
    log = xg_venue_env_log(e, "okx");
    const xg_log_filter batch = {.method = "POST",
                                 .path = "/api/v5/trade/cancel-batch-orders"};
    assert_true(xg_log_count(log, &batch) > 0);
    json_decref(log);
    xg_venue_env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_cancel_all_pulls_500_orders_on_four_venues,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_cancel_all_uses_mass_cancel_on_an_exclusive_account,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
