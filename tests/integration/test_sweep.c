/*
 * test_sweep.c - a resting order that fills later is reported without the
 * strategy asking: the open-orders sweep (core/sweep.c) on every venue.
 *
 * One venue per test, the sweep every 200 ms. A GTC buy rests, then the
 * simulator's reference price falls through it (the admin API fills it);
 * the strategy must see "filled" on its own. From the simulator's log: the
 * sweep asked for open orders, and the order itself was queried once it
 * was missing from the list, never placed again.
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

typedef struct sweep_case {
    const char *venue;
    const char *venue_symbol;  /* as the venue's admin API names it */
    const char *open_path;     /* the venue's open-orders endpoint */
    const char *order_path;    /* where orders are placed */
} sweep_case;

static void
rest_then_fill_is_reported(const sweep_case *c)
{
    xg_venue_env *e =
        xg_venue_env_start(c->venue, NULL, "\"order_sweep_ms\": 200");
    json_t *r = xg_venue_env_place(e, NULL, "rest1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "rest1", "acked", 5000);
    assert_non_null(ev);
    char vid[64];
    snprintf(vid, sizeof vid, "%s",
             xg_reply_order_field(ev, "venue_client_order_id"));
    json_decref(ev);

    /* The market falls through the resting buy: the venue fills it and
     * says nothing to anyone. */
    char body[160], out[256];
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"29000\"}",
             c->venue_symbol);
    assert_int_equal(xg_sim_admin(&e->sim, c->venue, "POST", "/_sim/price",
                                  body, out, sizeof out),
                     XG_OK);
    ev = xg_client_wait_order_event(&e->client, "rest1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "filled_qty"), "0.001");
    json_decref(ev);

    json_t *log = xg_venue_env_log(e, c->venue);
    const xg_log_filter sweeps = {
        .method = "GET", .path = c->open_path, .is_path_prefix = 1};
    assert_true(xg_log_count(log, &sweeps) >= 1);
    assert_int_equal(xg_log_count_requests(log, "POST", c->order_path, vid), 1);
    assert_int_equal(xg_log_count_field(log, "status", 429), 0);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_binance_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"binance", "BTCUSDT", "/api/v3/openOrders",
                          "/api/v3/order"};
    rest_then_fill_is_reported(&c);
}

static void
test_bybit_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"bybit", "BTCUSDT", "/v5/order/realtime",
                          "/v5/order/create"};
    rest_then_fill_is_reported(&c);
}

static void
test_okx_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"okx", "BTC-USDT", "/api/v5/trade/orders-pending",
                          "/api/v5/trade/order"};
    rest_then_fill_is_reported(&c);
}

static void
test_kucoin_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"kucoin", "BTC-USDT", "/api/v1/hf/orders/active",
                          "/api/v1/hf/orders"};
    rest_then_fill_is_reported(&c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_binance_fill_of_a_resting_order_is_reported,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_fill_of_a_resting_order_is_reported,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_fill_of_a_resting_order_is_reported,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_kucoin_fill_of_a_resting_order_is_reported,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
