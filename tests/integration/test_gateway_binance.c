/*
 * test_gateway_binance.c - xgsim + xgated + a strategy client, end to end.
 *
 * Each test starts its own simulator and gateway on ephemeral loopback
 * ports and stops them by PID. Limits and ban lengths are scaled down in
 * the simulator so every test takes seconds. What the simulator saw is
 * read back from its request log, so the assertions are about what really
 * reached the "exchange", not what the gateway believes.
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

#define VENUE      "binance"
#define ORDER_PATH "/api/v3/order"

/* Orders are not pinned: Binance is the gateway's only venue. */
static json_t *
place(xg_venue_env *e, const char *id, const char *side, const char *qty,
      const char *price)
{
    return xg_venue_env_place(e, NULL, id, side, qty, price);
}

static void
test_orders_are_acked_filled_queried_and_canceled(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "");

    json_t *r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "rest1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    r = place(e, "take1", "BUY", "0.001", "36000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "filled_qty"), "0.001");
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

    /* The same client order id again is refused, never placed twice. */
    r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_DUPLICATE_ID);
    json_decref(r);
    xg_venue_env_stop(e);
}

static void
test_burst_above_limits_completes_without_429(void **state)
{
    (void)state;
    /* 10 orders per second: 60 orders need 6 windows. */
    const char *args[] = {"--set", "binance.orders_limit=10", "--set",
                          "binance.orders_window_s=1", NULL};
    xg_venue_env *e = xg_venue_env_start(VENUE, args, "\"max_connections\": 4");
    enum { N = 60 };
    int64_t t0 = xg_test_now_ms();
    for (int i = 0; i < N; i++) {
        char id[16], px[16];
        snprintf(id, sizeof id, "burst%d", i);
        snprintf(px, sizeof px, "%d", 30000 - i);
        json_t *r = place(e, id, "BUY", "0.001", px);
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
    }
    int waits;
    xg_venue_env_await_acks(e, N, 0, &waits);
    int64_t elapsed = xg_test_now_ms() - t0;
    json_t *log = xg_venue_env_log(e, VENUE);
    assert_int_equal(xg_log_count_field(log, "status", 429), 0);
    assert_int_equal(xg_log_count_field(log, "status", 418), 0);
    assert_true(waits > 0);
    /* 60 orders at 10 per window cannot finish before 5 windows passed. */
    assert_true(elapsed >= 4000);
    fprintf(stderr,
            "burst: %d orders in %lld ms, %d waits, 0 rate-limit errors\n", N,
            (long long)elapsed, waits);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_ban_stops_all_traffic_until_it_ends(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, VENUE, "POST", "/_sim/ban",
                                  "{\"duration_ms\":1500}", out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "banned1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_venue_state(&e->client, VENUE, "BANNED", 5000);
    assert_non_null(ev);
    int64_t until_ms = json_integer_value(
        json_object_get(json_object_get(ev, "venue"), "until_ms"));
    json_decref(ev);
    assert_true(until_ms > 0);

    /* A new order during the ban finds no venue to take it: refused at
     * once with a reason, not left hanging. */
    r = place(e, "banned2", "BUY", "0.001", "29999");
    assert_false(xg_reply_is_ok(r));
    assert_int_equal(xg_reply_error_code(r), XG_ERR_NO_VENUE);
    json_decref(r);

    /* The order that met the ban had no other venue in its route: it was
     * rejected with the reason, not left waiting. */
    ev = xg_client_wait_order_event(&e->client, "banned1", "rejected", 5000);
    assert_non_null(ev);
    assert_int_equal(
        json_integer_value(json_object_get(
            json_object_get(json_object_get(ev, "order"), "error"), "code")),
        XG_ERR_NO_VENUE);
    json_decref(ev);

    /* The venue comes back by itself and new orders flow again. */
    ev = xg_client_wait_venue_state(&e->client, VENUE, "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = place(e, "banned3", "BUY", "0.001", "29998");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "banned3", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* From the first 418 until the ban's end the simulator saw nothing. */
    json_t *log = xg_venue_env_log(e, VENUE);
    xg_log_ban ban = xg_log_ban_scan(log, 418, 0, until_ms, 0);
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
    xg_venue_env_place_through_5xx(e, VENUE, NULL, "unk1", 503, 1, vid,
                                   sizeof vid);

    json_t *log = xg_venue_env_log(e, VENUE);
    /* Placed once, found by a query, never sent again. */
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
    xg_venue_env_place_through_5xx(e, VENUE, NULL, "unk2", 502, 0, vid,
                                   sizeof vid);

    json_t *log = xg_venue_env_log(e, VENUE);
    /* The query proved absence before the second send, same id. */
    assert_int_equal(xg_log_count_requests(log, "POST", ORDER_PATH, vid), 2);
    assert_true(xg_log_count_requests(log, "GET", ORDER_PATH, vid) >= 1);
    json_decref(log);
    json_t *r = xg_venue_env_call_about(e, "query_order", "unk2");
    assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
    json_decref(r);
    xg_venue_env_stop(e);
}

static void
test_connection_lost_after_execution_is_not_resent(void **state)
{
    (void)state;
    /* One connection, warmed by a first order, so the next order goes on
     * a reused connection: the case where libcurl would silently re-send
     * a request whose connection died before the answer. */
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "\"max_connections\": 1");
    json_t *r = place(e, "warm", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "warm", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    char vid[64];
    xg_venue_env_place_through_fault(e, VENUE, NULL, "lost1",
                                     "{\"drop\":{\"count\":1,"
                                     "\"execute\":true}}",
                                     vid, sizeof vid);
    json_t *log = xg_venue_env_log(e, VENUE);
    /* Written once; its fate learned by a query, not by sending again. */
    assert_int_equal(xg_log_count_requests(log, "POST", ORDER_PATH, vid), 1);
    assert_true(xg_log_count_requests(log, "GET", ORDER_PATH, vid) >= 1);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_bad_input_is_rejected_and_gateway_stays_up(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start(VENUE, NULL, "");
    xg_venue_env_send_bad_input(e);

    json_t *r = place(e, "after1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&e->client, "after1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);
    xg_venue_env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_are_acked_filled_queried_and_canceled,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_burst_above_limits_completes_without_429,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_ban_stops_all_traffic_until_it_ends,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_after_execution_is_reconciled_by_query,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_before_execution_is_resent_under_the_same_id,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_connection_lost_after_execution_is_not_resent,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_bad_input_is_rejected_and_gateway_stays_up,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
