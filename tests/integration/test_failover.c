/*
 * test_failover.c - the owner's scenario: a venue bans the gateway and the
 * orders go to the next venue, none lost, none placed twice.
 *
 * xgsim runs Binance and Bybit; the gateway routes BTC/USDT to Binance
 * first, Bybit second. The simulator's admin API bans Binance's "IP" (it
 * then answers -1003 "IP banned until <ms>", under HTTP 418 or, in the
 * second run of the scenario, under HTTP 429, which the gateway must
 * still read as a ban and not as a rate limit). From the simulators' own
 * request logs the test checks where every order landed.
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

/* The running test's environment; xg_venue_env_teardown stops it. */
static xg_venue_env *env;

/* Binance first, Bybit second in every route. */
static void
start_with(const char *const *sim_args, const char *venue_extra)
{
    const char *venues[] = {"binance", "bybit"};
    env = xg_venue_env_start_many(venues, 2, sim_args, venue_extra);
}

static void
send_order(const char *id, const char *price)
{
    const xg_test_order o = {.strategy = "fo",
                             .id = id,
                             .side = "BUY",
                             .qty = "0.001",
                             .price = price};
    json_t *r = xg_venue_env_place_order(env, &o);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
}

/* Wait for order `id`'s "acked" event; returns the venue that acked it. */
static void
expect_acked_on(const char *id, const char *venue)
{
    json_t *ev = xg_client_wait_order_event(&env->client, id, "acked", 5000);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(ev, "order"), "venue")),
                        venue);
    json_decref(ev);
}

/* How many accepted placements (status 200) venue's log shows for the
 * venue client id id; only its first 16 characters are compared, the
 * gateway's id without the attempt digit. */
static size_t
placements(const json_t *log, const char *method, const char *path,
           const char *id)
{
    /* A prefix: Bybit's create-batch places orders too. */
    const xg_log_filter f = {.method = method,
                             .path = path,
                             .is_path_prefix = 1,
                             .client_id = id,
                             .client_id_len = 16,
                             .status = 200};
    return xg_log_count(log, &f);
}

static char venue_ids[8][40];

static void
remember_venue_id(int k, const char *client_id)
{
    json_t *r = xg_venue_env_call_about(env, "query_order", "fo", client_id);
    assert_non_null(r);
    snprintf(venue_ids[k], sizeof venue_ids[k], "%s",
             json_string_value(json_object_get(json_object_get(r, "order"),
                                               "venue_client_order_id")));
    json_decref(r);
}

/* The owner's scenario with Binance's ban answered under HTTP
 * ban_status (418 or 429; the body is -1003 "IP banned until" either
 * way). */
static void
ban_moves_refused_and_queued_orders(int ban_status)
{
    /* One request in flight per venue: the orders behind the refused one
     * are still queued when the ban arrives. */
    start_with(NULL, "\"max_connections\": 1");
    send_order("before", "30000");
    expect_acked_on("before", "binance");

    char out[256];
    char ban[64];
    snprintf(ban, sizeof ban, "{\"duration_ms\":2000,\"status\":%d}",
             ban_status);
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/ban",
                                  ban, out, sizeof out),
                     XG_OK);
    /* The ban answer takes 300 ms to come back, so the later orders are
     * certainly queued behind the refused one when it arrives. */
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":300}", out, sizeof out),
                     XG_OK);
    const char *ids[] = {"moved1", "moved2", "moved3", "moved4"};
    for (int k = 0; k < 4; k++) {
        send_order(ids[k], "30001");
    }
    json_t *ev =
        xg_client_wait_venue_state(&env->client, "binance", "BANNED", 5000);
    assert_non_null(ev);
    int64_t ban_until = json_integer_value(
        json_object_get(json_object_get(ev, "venue"), "until_ms"));
    json_decref(ev);

    /* Every order arrives at Bybit, each with a rerouted event. */
    int rerouted = 0;
    int acked = 0;
    int64_t deadline = xg_test_now_ms() + 5000;
    while ((acked < 4 || rerouted < 4) && xg_test_now_ms() < deadline) {
        json_t *e = xg_client_event(&env->client, 1000, NULL, 0);
        if (e == NULL) {
            continue;
        }
        const char *type = json_string_value(json_object_get(e, "type"));
        if (strcmp(type, "rerouted") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "from")),
                                "binance");
            assert_string_equal(json_string_value(json_object_get(e, "to")),
                                "bybit");
            assert_true(json_integer_value(json_object_get(e, "ban_until_ms")) >
                        0);
            rerouted++;
        } else if (strcmp(type, "order") == 0 &&
                   strcmp(json_string_value(json_object_get(e, "event")),
                          "acked") == 0) {
            assert_string_equal(json_string_value(json_object_get(
                                    json_object_get(e, "order"), "venue")),
                                "bybit");
            acked++;
        }
        json_decref(e);
    }
    assert_int_equal(rerouted, 4);
    assert_int_equal(acked, 4);
    for (int k = 0; k < 4; k++) {
        remember_venue_id(k, ids[k]);
    }

    /* While the ban lasts nothing reaches Binance after its first ban
     * answer. */
    ev = xg_client_wait_venue_state(&env->client, "binance", "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);
    send_order("after", "30002");
    expect_acked_on("after", "binance");

    json_t *bn = xg_venue_env_log(env, "binance");
    json_t *by = xg_venue_env_log(env, "bybit");
    int64_t first_ban = -1;
    size_t i, during = 0, limited = 0;
    json_t *o;
    json_array_foreach(bn, i, o)
    {
        int64_t t = json_integer_value(json_object_get(o, "t_ms"));
        const char *outcome = json_string_value(json_object_get(o, "outcome"));
        limited += strcmp(outcome, "limited") == 0;
        if (strcmp(outcome, "banned") == 0 && first_ban < 0) {
            assert_int_equal(json_integer_value(json_object_get(o, "status")),
                             ban_status);
            assert_int_equal(json_integer_value(json_object_get(o, "code")),
                             -1003);
            first_ban = t;
        } else if (first_ban >= 0 && t < ban_until) {
            during++;
        }
    }
    assert_true(first_ban > 0);
    assert_int_equal(during, 0);
    /* The 429 was a ban to the simulator too, not a rate limit. */
    assert_int_equal(limited, 0);
    /* Exactly once: each moved order placed on Bybit once, never on
     * Binance (its one Binance attempt was refused by the ban). */
    for (int k = 0; k < 4; k++) {
        assert_int_equal(
            placements(by, "POST", "/v5/order/create", venue_ids[k]), 1);
        assert_int_equal(placements(bn, "POST", "/api/v3/order", venue_ids[k]),
                         0);
    }
    json_decref(bn);
    json_decref(by);
}

static void
test_ban_moves_refused_and_queued_orders_to_the_next_venue(void **state)
{
    (void)state;
    ban_moves_refused_and_queued_orders(418);
}

static void
test_ban_answered_429_with_1003_moves_orders_like_a_418(void **state)
{
    (void)state;
    ban_moves_refused_and_queued_orders(429);
}

/* An order none of whose venues can send it before its deadline is
 * rejected with NO_VENUE: at once when the bans are known, or when the
 * last of its venues refuses it; one without a deadline waits. */
static void
test_order_no_venue_can_take_in_time_is_rejected_with_a_reason(void **state)
{
    (void)state;
    start_with(NULL, "");
    char out[256];
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/ban",
                                  "{\"duration_ms\":3000}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_sim_admin(&env->sim, "bybit", "POST", "/_sim/ban",
                                  "{\"duration_ms\":3000}", out, sizeof out),
                     XG_OK);
    const char doomed[] = "{\"type\":\"new_order\",\"strategy\":\"fo\","
                          "\"client_order_id\":\"doomed\","
                          "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                          "\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
                          "\"price\":\"30000\",\"max_wait_ms\":500}";
    json_t *r = xg_client_call(&env->client, doomed, 5000);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&env->client, "doomed", "rejected", 5000);
    assert_non_null(ev);
    json_t *err = json_object_get(json_object_get(ev, "order"), "error");
    assert_int_equal(json_integer_value(json_object_get(err, "code")),
                     XG_ERR_NO_VENUE);
    json_decref(ev);
    /* Both banned now: an order that cannot wait for the bans' end is
     * refused at once, naming them. */
    const char late[] = "{\"type\":\"new_order\",\"strategy\":\"fo\","
                        "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                        "\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
                        "\"price\":\"30000\",\"max_wait_ms\":500}";
    r = xg_client_call(&env->client, late, 5000);
    assert_false(xg_reply_is_ok(r));
    json_t *rerr = json_object_get(r, "error");
    assert_int_equal(json_integer_value(json_object_get(rerr, "code")),
                     XG_ERR_NO_VENUE);
    assert_non_null(
        strstr(json_string_value(json_object_get(rerr, "message")), "banned"));
    json_decref(r);
    /* One without a deadline waits for the first ban to end. */
    send_order("patient", "30000");
    ev = xg_client_wait_order_event(&env->client, "patient", "acked", 8000);
    assert_non_null(ev);
    json_decref(ev);
}

static void
test_order_that_would_outwait_its_deadline_moves_on(void **state)
{
    (void)state;
    /* Binance allows 2 orders per 10 s: a third would wait ~10 s. */
    const char *args[] = {"--set", "binance.orders_limit=2", "--set",
                          "binance.orders_window_s=10", NULL};
    start_with(args, "");
    /* Binance's windows are aligned to the clock. If a window edge fell
     * between the second order and the third, the third would go at once
     * and nothing would need to move: start early in a window so all three
     * land in the same one (a loaded CI machine met that edge). */
    enum { WINDOW_MS = 10000, ROOM_MS = 5000 };
    int64_t into = xg_test_wall_ms() % WINDOW_MS;
    if (into > WINDOW_MS - ROOM_MS) {
        xg_test_sleep_ms(WINDOW_MS - into + 50);
    }
    send_order("first", "30000");
    expect_acked_on("first", "binance");
    send_order("second", "30000");
    expect_acked_on("second", "binance");
    json_t *r = xg_client_call(
        &env->client,
        "{\"type\":\"new_order\",\"strategy\":\"fo\","
        "\"client_order_id\":\"hurry\",\"symbol\":\"BTC/USDT\","
        "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
        "\"price\":\"30000\",\"max_wait_ms\":500}",
        5000);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    int rerouted = 0;
    for (int i = 0; i < 20 && !rerouted; i++) {
        json_t *e = xg_client_event(&env->client, 500, NULL, 0);
        const char *type = json_string_value(json_object_get(e, "type"));
        if (type != NULL && strcmp(type, "rerouted") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "reason")),
                                "deadline");
            assert_string_equal(json_string_value(json_object_get(e, "to")),
                                "bybit");
            rerouted = 1;
        }
        json_decref(e);
    }
    assert_true(rerouted);
    expect_acked_on("hurry", "bybit");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_ban_moves_refused_and_queued_orders_to_the_next_venue,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_ban_answered_429_with_1003_moves_orders_like_a_418,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_order_no_venue_can_take_in_time_is_rejected_with_a_reason,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_order_that_would_outwait_its_deadline_moves_on,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
