/*
 * test_gateway_bybit.c - xgsim (Bybit dialect) + xgated + a strategy
 * client, end to end, with the gateway configured for Bybit alone.
 *
 * Each test starts its own simulator and gateway on ephemeral loopback
 * ports and stops them by PID in its teardown. Limits and the lockout are
 * scaled down in the simulator so each test takes seconds. What the
 * simulator saw is read back from its request log: the assertions are
 * about what reached the "exchange", not what the gateway believes.
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

#define VENUE         "bybit"
#define CREATE_PATH   "/v5/order/create"
#define REALTIME_PATH "/v5/order/realtime"

/* Every order names Bybit in its route. */
static json_t *
place(xg_venue_env *e, const char *id, const char *side, const char *qty,
      const char *price)
{
    return xg_venue_env_place(e, VENUE, id, side, qty, price);
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

    /* A market order's ack does not say it filled; the query does. */
    const xg_test_order market = {.id = "take1",
                                  .side = "BUY",
                                  .type = "MARKET",
                                  .qty = "0.002",
                                  .venue = VENUE};
    r = xg_venue_env_place_order(e, &market);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "filled_qty"), "0.002");
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

    json_t *log = xg_venue_env_log(e, VENUE);
    assert_int_equal(xg_log_count_field(log, "code", 10006), 0);
    assert_int_equal(xg_log_count_field(log, "status", 403), 0);
    /* Every signed request was accepted: no signature or time refusal. */
    assert_int_equal(xg_log_count_field(log, "code", 10004), 0);
    assert_int_equal(xg_log_count_field(log, "code", 10002), 0);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_burst_above_limits_completes_without_rate_limit_errors(void **state)
{
    (void)state;
    /* 10 creates per rolling second on both sides. */
    const char *args[] = {"--set", "bybit.create_per_s=10", NULL};
    xg_venue_env *e = xg_venue_env_start(VENUE, args,
                                         "\"max_connections\": 4, \"options\": "
                                         "{\"create_per_s\": 10}");
    enum { N = 50 };
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
    assert_int_equal(xg_log_count_field(log, "code", 10006), 0);
    assert_int_equal(xg_log_count_field(log, "status", 403), 0);
    assert_true(waits > 0);
    /* 50 creates at 10 per rolling second need at least 4 s. */
    assert_true(elapsed >= 4000);
    fprintf(stderr,
            "burst: %d orders in %lld ms, %d waits, 0 rate-limit errors\n", N,
            (long long)elapsed, waits);
    json_decref(log);
    xg_venue_env_stop(e);
}

static void
test_ip_lockout_stops_all_traffic_until_it_ends(void **state)
{
    (void)state;
    /* The 403 carries no end time: the gateway's ban_default_ms applies. */
    xg_venue_env *e =
        xg_venue_env_start(VENUE, NULL, "\"ban_default_ms\": 1500");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, VENUE, "POST", "/_sim/ban",
                                  "{\"duration_ms\":1000}", out, sizeof out),
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
    ev = xg_client_wait_venue_state(&e->client, VENUE, "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = place(e, "afterban", "BUY", "0.001", "29990");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "afterban", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* One 403, then silence for the gateway's ban length. */
    json_t *log = xg_venue_env_log(e, VENUE);
    int64_t first = -1, next = -1;
    size_t i, n403 = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        int64_t t = json_integer_value(json_object_get(o, "t_ms"));
        int64_t st = json_integer_value(json_object_get(o, "status"));
        if (st == 403) {
            n403++;
            if (first < 0) {
                first = t;
            }
        } else if (first >= 0 && next < 0) {
            next = t;
        }
    }
    assert_int_equal(n403, 1);
    assert_true(first > 0 && next > 0);
    assert_true(next - first >= 1400);
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
    assert_int_equal(xg_log_count_requests(log, "POST", CREATE_PATH, vid), 1);
    assert_true(xg_log_count_requests(log, "GET", REALTIME_PATH, vid) >= 1);
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
    /* The query proved absence before the second send, same id. */
    assert_int_equal(xg_log_count_requests(log, "POST", CREATE_PATH, vid), 2);
    assert_true(xg_log_count_requests(log, "GET", REALTIME_PATH, vid) >= 1);
    json_decref(log);
    xg_venue_env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_are_acked_filled_queried_and_canceled,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_burst_above_limits_completes_without_rate_limit_errors,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_ip_lockout_stops_all_traffic_until_it_ends,
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
