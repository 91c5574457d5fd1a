/*
 * test_gateway_okx.c - xgsim (OKX dialect) + xgated + a strategy client,
 * end to end, with every order routed to the okx venue.
 *
 * Each test starts its own simulator and gateway on ephemeral loopback
 * ports and stops them by PID in its teardown. Limits, windows and ban
 * lengths are scaled down (the same numbers given to the simulator with
 * --set and to the adapter as venue options) so every test takes seconds.
 * What the simulator saw is read back from its request log, so the
 * assertions are about what really reached the "exchange".
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

#define VENUE      "okx"
#define ORDER_PATH "/api/v5/trade/order"

/* A LIMIT order on symbol, routed to OKX. */
static json_t *
place_on(xg_venue_env *e, const char *symbol, const char *id, const char *side,
         const char *qty, const char *price)
{
    const xg_test_order o = {.id = id,
                             .symbol = symbol,
                             .side = side,
                             .qty = qty,
                             .price = price,
                             .venue = VENUE};
    return xg_venue_env_place_order(e, &o);
}

static json_t *
place(xg_venue_env *e, const char *id, const char *side, const char *qty,
      const char *price)
{
    return place_on(e, "BTC/USDT", id, side, qty, price);
}

static void
test_orders_are_acked_queried_canceled_and_fills_learned(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "");

    json_t *r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "rest1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    r = xg_venue_env_call_about(e, "query_order", "rest1");
    assert_true(xg_reply_is_ok(r));
    assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
    json_decref(r);

    r = xg_venue_env_call_about(e, "cancel_order", "rest1");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "rest1", "canceled", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* A crossing order fills at once on the venue, but OKX's place
     * answer only acknowledges it. Canceling it gets 51402 "completed",
     * and the query that follows reports the fill. */
    r = place(e, "take1", "BUY", "0.001", "36000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = xg_venue_env_call_about(e, "cancel_order", "take1");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "filled_qty"), "0.001");
    json_decref(ev);

    /* The same client order id again is refused, never placed twice. */
    r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_DUPLICATE_ID);
    json_decref(r);
    xg_venue_env_stop(e);
}

/* 10 places per instrument per second on both sides: 40 orders on
 * BTC/USDT and 40 on ETH/USDT need 4 windows each, run side by side, and
 * the simulator never answers 50011. */
static void
test_burst_above_limits_completes_without_rate_limit_errors(void **state)
{
    (void)state;
    const char *args[] = {"--set", "okx.place_limit=10", "--set",
                          "okx.window_ms=1000", NULL};
    xg_venue_env *e =
        xg_venue_env_start(VENUE, args,
                           "\"max_connections\": 4, \"options\": "
                           "{\"place_limit\": 10, \"window_ms\": 1000}");
    enum { N = 40 };
    int64_t t0 = xg_test_now_ms();
    for (int i = 0; i < N; i++) {
        char id[16], px[16];
        snprintf(id, sizeof id, "btc%d", i);
        snprintf(px, sizeof px, "%d", 30000 - i);
        json_t *r = place_on(e, "BTC/USDT", id, "BUY", "0.001", px);
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
        snprintf(id, sizeof id, "eth%d", i);
        snprintf(px, sizeof px, "%d", 1500 - i);
        r = place_on(e, "ETH/USDT", id, "BUY", "0.01", px);
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
    }
    int waits;
    /* No order may go unknown either: a 50011 would have made one so. */
    xg_venue_env_await_acks(e, 2 * N, 1, &waits);
    int64_t elapsed = xg_test_now_ms() - t0;
    json_t *log = xg_venue_env_log(e, VENUE);
    assert_int_equal(xg_log_count_field(log, "status", 429), 0);
    assert_true(waits > 0);
    /* 40 per instrument at 10 per second: at least 3 windows passed. */
    assert_true(elapsed >= 3000);
    fprintf(stderr,
            "okx burst: %d orders on 2 instruments in %lld ms, %d waits, 0 "
            "rate-limit errors\n",
            2 * N, (long long)elapsed, waits);
    json_decref(log);
    xg_venue_env_stop(e);
}

/* OKX gives no ban end: the gateway applies its ban_default_ms, set here
 * to the simulator's ban length, and sends nothing meanwhile. */
static void
test_ban_stops_all_traffic_until_it_ends(void **state)
{
    (void)state;
    xg_venue_env *e =
        xg_venue_env_start(VENUE, NULL, "\"ban_default_ms\": 1500");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, VENUE, "POST", "/_sim/ban",
                                  "{\"duration_ms\":1500}", out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "banned1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_venue_state(&e->client, VENUE, "BANNED", 5000);
    assert_non_null(ev);
    json_decref(ev);
    /* The refused order had no other venue in its route: rejected with
     * the reason, never left waiting (docs/architecture.md, failover). */
    ev = xg_client_wait_order_event(&e->client, "banned1", "rejected", 5000);
    assert_non_null(ev);
    json_decref(ev);

    r = place(e, "banned2", "BUY", "0.001", "29999");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_NO_VENUE);
    json_decref(r);

    ev = xg_client_wait_venue_state(&e->client, VENUE, "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = place(e, "afterban", "BUY", "0.001", "29990");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "afterban", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* From the first 403 for 1.5 s the simulator saw nothing. */
    json_t *log = xg_venue_env_log(e, VENUE);
    xg_log_ban ban = xg_log_ban_scan(log, 403, 0, 0, 1400);
    assert_true(ban.first_ms > 0);
    assert_int_equal(ban.answers, 1);
    assert_int_equal(ban.during, 0);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_5xx_after_execution_is_reconciled_by_query(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "");
    char vid[64];
    xg_venue_env_place_through_5xx(e, VENUE, VENUE, "unk1", 503, 1, vid,
                                   sizeof vid);

    json_t *log = xg_venue_env_log(e, VENUE);
    assert_int_equal(xg_log_count_requests(log, "POST", ORDER_PATH, vid), 1);
    assert_true(xg_log_count_requests(log, "GET", ORDER_PATH, vid) >= 1);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_5xx_before_execution_is_resent_under_the_same_id(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "");
    char vid[64];
    xg_venue_env_place_through_5xx(e, VENUE, VENUE, "unk2", 502, 0, vid,
                                   sizeof vid);

    json_t *log = xg_venue_env_log(e, VENUE);
    /* The query (51603) proved absence before the second send. */
    assert_int_equal(xg_log_count_requests(log, "POST", ORDER_PATH, vid), 2);
    assert_true(xg_log_count_requests(log, "GET", ORDER_PATH, vid) >= 1);
    json_decref(log);
    xg_venue_env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_are_acked_queried_canceled_and_fills_learned,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_burst_above_limits_completes_without_rate_limit_errors,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_ban_stops_all_traffic_until_it_ends,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_after_execution_is_reconciled_by_query,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_before_execution_is_resent_under_the_same_id,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
