/*
 * test_sweep.c - a resting order that fills later is reported without the
 * strategy asking: the open-orders sweep (core/sweep.c) on every venue.
 *
 * One venue per test, the sweep every 200 ms. A GTC buy rests, then the
 * simulator's reference price falls through it (the admin API fills it);
 * the strategy must see "filled" on its own. From the simulator's log: the
 * sweep asked for open orders, and the order itself was queried once it
 * was missing from the list, never placed again.
 *
 * On the venues that list open orders in pages (Bybit 50, OKX 100) the
 * same must hold for an order on the last page: more resting orders than
 * a page, the oldest one fills, and the sweep must read on to the end to
 * notice, without querying any order that is still listed.
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
    const char *venue_symbol; /* as the venue's admin API names it */
    const char *open_path;    /* the venue's open-orders endpoint */
    const char *order_path;   /* where orders are placed */
    const char *query_path;   /* where one order is queried (GET) */
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

/* Queries of any of this gateway's orders: every venue client id of one run
 * starts with the same 8 characters (the gateway's start time). Waits until the
 * count holds still for half a second, so no query is still on its way. */
static size_t
settled_query_count(xg_venue_env *e, const sweep_case *c, const char *vid)
{
    const xg_log_filter queries = {.method = "GET",
                                   .path = c->query_path,
                                   .is_path_prefix = 1,
                                   .client_id = vid,
                                   .client_id_len = 8};
    size_t last = (size_t)-1;
    for (int i = 0; i < 40; i++) {
        json_t *log = xg_venue_env_log(e, c->venue);
        size_t n = xg_log_count(log, &queries);
        json_decref(log);
        if (n == last) {
            return n;
        }
        last = n;
        xg_test_sleep_ms(500);
    }
    fail_msg("queries on %s never settled", c->venue);
    return 0;
}

static void
fill_on_the_last_page_is_reported(const sweep_case *c, int page,
                                  const char *const *sim_args,
                                  const char *venue_extra)
{
    xg_venue_env *e = xg_venue_env_start(c->venue, sim_args, venue_extra);
    /* The oldest order, so the last page: the only one that will fill. */
    json_t *r = xg_venue_env_place(e, NULL, "old", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "old", "acked", 5000);
    assert_non_null(ev);
    char vid[64];
    snprintf(vid, sizeof vid, "%s",
             xg_reply_order_field(ev, "venue_client_order_id"));
    json_decref(ev);
    int others = page + 10;
    for (int i = 0; i < others; i++) {
        char id[16];
        snprintf(id, sizeof id, "low%d", i);
        r = xg_venue_env_place(e, NULL, id, "BUY", "0.001", "29000");
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
    }
    int waits = 0;
    xg_venue_env_await_acks(e, others, 1, &waits);
    size_t before = settled_query_count(e, c, vid);

    char body[160], out[256];
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"29500\"}",
             c->venue_symbol);
    assert_int_equal(xg_sim_admin(&e->sim, c->venue, "POST", "/_sim/price",
                                  body, out, sizeof out),
                     XG_OK);
    ev = xg_client_wait_order_event(&e->client, "old", "filled", 10000);
    assert_non_null(ev);
    json_decref(ev);

    /* The filled order was queried once; every order still listed on
     * some page was left alone. */
    size_t after = settled_query_count(e, c, vid);
    assert_int_equal(after - before, 1);
    json_t *log = xg_venue_env_log(e, c->venue);
    const xg_log_filter queried = {.method = "GET",
                                   .path = c->query_path,
                                   .is_path_prefix = 1,
                                   .client_id = vid};
    assert_int_equal(xg_log_count(log, &queried), 1);
    assert_int_equal(xg_log_count_field(log, "status", 429), 0);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_binance_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"binance", "BTCUSDT", "/api/v3/openOrders",
                          "/api/v3/order", "/api/v3/order"};
    rest_then_fill_is_reported(&c);
}

static void
test_bybit_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"bybit", "BTCUSDT", "/v5/order/realtime",
                          "/v5/order/create", "/v5/order/realtime"};
    rest_then_fill_is_reported(&c);
}

static void
test_okx_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"okx", "BTC-USDT", "/api/v5/trade/orders-pending",
                          "/api/v5/trade/order", "/api/v5/trade/order"};
    rest_then_fill_is_reported(&c);
}

static void
test_kucoin_fill_of_a_resting_order_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"kucoin", "BTC-USDT", "/api/v1/hf/orders/active",
                          "/api/v1/hf/orders",
                          "/api/v1/hf/orders/client-order/"};
    rest_then_fill_is_reported(&c);
}

static void
test_bybit_fill_on_the_last_page_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"bybit", "BTCUSDT", "/v5/order/realtime",
                          "/v5/order/create", "/v5/order/realtime"};
    const char *args[] = {"--set", "bybit.create_per_s=100", NULL};
    fill_on_the_last_page_is_reported(
        &c, 50, args,
        "\"order_sweep_ms\": 200, \"max_connections\": 4, "
        "\"options\": {\"create_per_s\": 100}");
}

static void
test_okx_fill_on_the_last_page_is_reported(void **state)
{
    (void)state;
    const sweep_case c = {"okx", "BTC-USDT", "/api/v5/trade/orders-pending",
                          "/api/v5/trade/order", "/api/v5/trade/order"};
    const char *args[] = {"--set", "okx.place_limit=200", NULL};
    fill_on_the_last_page_is_reported(
        &c, 100, args,
        "\"order_sweep_ms\": 200, \"max_connections\": 4, "
        "\"options\": {\"place_limit\": 200}");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_binance_fill_of_a_resting_order_is_reported,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_bybit_fill_of_a_resting_order_is_reported,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_fill_of_a_resting_order_is_reported,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_kucoin_fill_of_a_resting_order_is_reported,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_fill_on_the_last_page_is_reported,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_fill_on_the_last_page_is_reported,
                                  xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
