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
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "gw_launch.h"
#include "sim_launch.h"

#define OKX_SIM    "--venue", "okx=127.0.0.1:0"
#define ORDER_PATH "/api/v5/trade/order"

typedef struct env {
    xg_sim_proc sim;
    xg_gw_proc gw;
    xg_client client;
} env;

/* The one environment of the running test; env_teardown stops it even
 * when an assertion fails half-way, so no process outlives its test. */
static env the_env;

static env *
env_start(const char *const *sim_args, const char *venue_extra)
{
    env *e = &the_env;
    memset(e, 0, sizeof *e);
    assert_int_equal(xg_sim_start(&e->sim, sim_args), XG_OK);
    const char *venues[] = {"okx"};
    int ports[] = {xg_sim_port(&e->sim, "okx")};
    assert_true(ports[0] > 0);
    assert_int_equal(xg_gw_start_sim(&e->gw, venues, ports, 1, venue_extra),
                     XG_OK);
    assert_int_equal(xg_client_open(&e->client, &e->gw, ""), XG_OK);
    return e;
}

/* A clean stop is part of the contract: SIGTERM makes xgated exit 0. */
static void
env_stop(env *e)
{
    xg_client_close(&e->client);
    assert_int_equal(xg_gw_stop(&e->gw), 0);
    xg_sim_stop(&e->sim);
}

static int
env_teardown(void **state)
{
    (void)state;
    xg_client_close(&the_env.client);
    xg_gw_stop(&the_env.gw);
    xg_sim_stop(&the_env.sim);
    return 0;
}

static json_t *
place_on(env *e, const char *symbol, const char *id, const char *side,
         const char *qty, const char *price)
{
    char msg[512];
    snprintf(msg, sizeof msg,
             "{\"type\":\"new_order\",\"req_id\":\"r-%s\",\"strategy\":\"t1\","
             "\"client_order_id\":\"%s\",\"symbol\":\"%s\","
             "\"side\":\"%s\",\"order_type\":\"LIMIT\",\"qty\":\"%s\","
             "\"price\":\"%s\",\"venues\":[\"okx\"]}",
             id, id, symbol, side, qty, price);
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    return r;
}

static json_t *
place(env *e, const char *id, const char *side, const char *qty,
      const char *price)
{
    return place_on(e, "BTC/USDT", id, side, qty, price);
}

static int
reply_ok(const json_t *r)
{
    return json_is_true(json_object_get(r, "ok"));
}

static int64_t
reply_error_code(const json_t *r)
{
    return json_integer_value(
        json_object_get(json_object_get(r, "error"), "code"));
}

/* The simulator's request log as a JSON array (given). */
static json_t *
sim_log(env *e)
{
    static char buf[4 * 1024 * 1024];
    assert_int_equal(
        xg_sim_admin(&e->sim, "okx", "GET", "/_sim/log", NULL, buf, sizeof buf),
        XG_OK);
    json_t *arr = json_array();
    char *line = buf;
    while (*line != '\0') {
        char *nl = strchr(line, '\n');
        size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
        if (n > 0) {
            json_t *o = json_loadb(line, n, 0, NULL);
            assert_non_null(o);
            json_array_append_new(arr, o);
        }
        line += n + (nl != NULL);
    }
    return arr;
}

static size_t
count_status(json_t *log, int status)
{
    size_t i, n = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        n += json_integer_value(json_object_get(o, "status")) == status;
    }
    return n;
}

static size_t
count_requests(json_t *log, const char *method, const char *path,
               const char *client_id)
{
    size_t i, n = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        const char *m = json_string_value(json_object_get(o, "method"));
        const char *p = json_string_value(json_object_get(o, "path"));
        const char *c =
            json_string_value(json_object_get(o, "client_order_id"));
        n += m != NULL && p != NULL && c != NULL && strcmp(m, method) == 0 &&
             strcmp(p, path) == 0 && strcmp(c, client_id) == 0;
    }
    return n;
}

static const char *
event_venue_client_id(json_t *ev)
{
    return json_string_value(
        json_object_get(json_object_get(ev, "order"), "venue_client_order_id"));
}

static void
test_orders_are_acked_queried_canceled_and_fills_learned(void **state)
{
    (void)state;
    const char *args[] = {OKX_SIM, NULL};
    env *e = env_start(args, "");

    json_t *r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "rest1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    r = xg_client_call(
        &e->client, "{\"type\":\"query_order\",\"client_order_id\":\"rest1\"}",
        5000);
    assert_true(reply_ok(r));
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "order"), "status")),
                        "NEW");
    json_decref(r);

    r = xg_client_call(
        &e->client, "{\"type\":\"cancel_order\",\"client_order_id\":\"rest1\"}",
        5000);
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "rest1", "canceled", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* A crossing order fills at once on the venue, but OKX's place
     * answer only acknowledges it. Canceling it gets 51402 "completed",
     * and the query that follows reports the fill. */
    r = place(e, "take1", "BUY", "0.001", "36000");
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = xg_client_call(
        &e->client, "{\"type\":\"cancel_order\",\"client_order_id\":\"take1\"}",
        5000);
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(ev, "order"), "filled_qty")),
                        "0.001");
    json_decref(ev);

    /* The same client order id again is refused, never placed twice. */
    r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_false(reply_ok(r));
    assert_int_equal(reply_error_code(r), XG_ERR_DUPLICATE_ID);
    json_decref(r);
    env_stop(e);
}

/* 10 places per instrument per second on both sides: 40 orders on
 * BTC/USDT and 40 on ETH/USDT need 4 windows each, run side by side, and
 * the simulator never answers 50011. */
static void
test_burst_above_limits_completes_without_rate_limit_errors(void **state)
{
    (void)state;
    const char *args[] = {
        OKX_SIM, "--set", "okx.place_limit=10", "--set", "okx.window_ms=1000",
        NULL};
    env *e = env_start(args, "\"max_connections\": 4, \"options\": "
                             "{\"place_limit\": 10, \"window_ms\": 1000}");
    enum { N = 40 };
    int64_t t0 = xg_test_now_ms();
    for (int i = 0; i < N; i++) {
        char id[16], px[16];
        snprintf(id, sizeof id, "btc%d", i);
        snprintf(px, sizeof px, "%d", 30000 - i);
        json_t *r = place_on(e, "BTC/USDT", id, "BUY", "0.001", px);
        assert_true(reply_ok(r));
        json_decref(r);
        snprintf(id, sizeof id, "eth%d", i);
        snprintf(px, sizeof px, "%d", 1500 - i);
        r = place_on(e, "ETH/USDT", id, "BUY", "0.01", px);
        assert_true(reply_ok(r));
        json_decref(r);
    }
    int acked = 0, waits = 0;
    while (acked < 2 * N) {
        json_t *ev = xg_client_event(&e->client, 15000, NULL, 0);
        assert_non_null(ev);
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *name = json_string_value(json_object_get(ev, "event"));
        if (strcmp(type, "order") == 0 && strcmp(name, "acked") == 0) {
            acked++;
        } else if (strcmp(type, "rate_limit_wait") == 0) {
            waits++;
        } else {
            assert_true(strcmp(type, "order") != 0 ||
                        (strcmp(name, "rejected") != 0 &&
                         strcmp(name, "unknown") != 0));
        }
        json_decref(ev);
    }
    int64_t elapsed = xg_test_now_ms() - t0;
    json_t *log = sim_log(e);
    assert_int_equal(count_status(log, 429), 0);
    assert_true(waits > 0);
    /* 40 per instrument at 10 per second: at least 3 windows passed. */
    assert_true(elapsed >= 3000);
    fprintf(stderr,
            "okx burst: %d orders on 2 instruments in %lld ms, %d waits, 0 "
            "rate-limit errors\n",
            2 * N, (long long)elapsed, waits);
    json_decref(log);
    env_stop(e);
}

/* OKX gives no ban end: the gateway applies its ban_default_ms, set here
 * to the simulator's ban length, and sends nothing meanwhile. */
static void
test_ban_stops_all_traffic_until_it_ends(void **state)
{
    (void)state;
    const char *args[] = {OKX_SIM, NULL};
    env *e = env_start(args, "\"ban_default_ms\": 1500");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "okx", "POST", "/_sim/ban",
                                  "{\"duration_ms\":1500}", out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "banned1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_venue_state(&e->client, "okx", "BANNED", 5000);
    assert_non_null(ev);
    json_decref(ev);
    /* The refused order had no other venue in its route: rejected with
     * the reason, never left waiting (docs/architecture.md, failover). */
    ev = xg_client_wait_order_event(&e->client, "banned1", "rejected", 5000);
    assert_non_null(ev);
    json_decref(ev);

    r = place(e, "banned2", "BUY", "0.001", "29999");
    assert_false(reply_ok(r));
    assert_int_equal(reply_error_code(r), XG_ERR_NO_VENUE);
    json_decref(r);

    ev = xg_client_wait_venue_state(&e->client, "okx", "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = place(e, "afterban", "BUY", "0.001", "29990");
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "afterban", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* From the first 403 for 1.5 s the simulator saw nothing. */
    json_t *log = sim_log(e);
    int64_t first_403 = -1;
    size_t i, during = 0, n403 = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        int64_t t = json_integer_value(json_object_get(o, "t_ms"));
        int64_t st = json_integer_value(json_object_get(o, "status"));
        if (st == 403) {
            n403++;
            if (first_403 < 0) {
                first_403 = t;
                continue;
            }
        }
        if (first_403 >= 0 && t > first_403 && t < first_403 + 1400) {
            during++;
        }
    }
    assert_true(first_403 > 0);
    assert_int_equal(n403, 1);
    assert_int_equal(during, 0);
    json_decref(log);
    env_stop(e);
}

static void
test_5xx_after_execution_is_reconciled_by_query(void **state)
{
    (void)state;
    const char *args[] = {OKX_SIM, NULL};
    env *e = env_start(args, "");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "okx", "POST", "/_sim/fault",
                                  "{\"status_5xx\":{\"count\":1,\"status\":503,"
                                  "\"execute\":true}}",
                                  out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "unk1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&e->client, "unk1", "unknown", 5000);
    assert_non_null(ev);
    char vid[64];
    snprintf(vid, sizeof vid, "%s", event_venue_client_id(ev));
    json_decref(ev);
    ev = xg_client_wait_order_event(&e->client, "unk1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    json_t *log = sim_log(e);
    assert_int_equal(count_requests(log, "POST", ORDER_PATH, vid), 1);
    assert_true(count_requests(log, "GET", ORDER_PATH, vid) >= 1);
    json_decref(log);
    env_stop(e);
}

static void
test_5xx_before_execution_is_resent_under_the_same_id(void **state)
{
    (void)state;
    const char *args[] = {OKX_SIM, NULL};
    env *e = env_start(args, "");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "okx", "POST", "/_sim/fault",
                                  "{\"status_5xx\":{\"count\":1,\"status\":502,"
                                  "\"execute\":false}}",
                                  out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "unk2", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&e->client, "unk2", "unknown", 5000);
    assert_non_null(ev);
    char vid[64];
    snprintf(vid, sizeof vid, "%s", event_venue_client_id(ev));
    json_decref(ev);
    ev = xg_client_wait_order_event(&e->client, "unk2", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    json_t *log = sim_log(e);
    /* The query (51603) proved absence before the second send. */
    assert_int_equal(count_requests(log, "POST", ORDER_PATH, vid), 2);
    assert_true(count_requests(log, "GET", ORDER_PATH, vid) >= 1);
    json_decref(log);
    env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_are_acked_queried_canceled_and_fills_learned,
            env_teardown),
        cmocka_unit_test_teardown(
            test_burst_above_limits_completes_without_rate_limit_errors,
            env_teardown),
        cmocka_unit_test_teardown(test_ban_stops_all_traffic_until_it_ends,
                                  env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_after_execution_is_reconciled_by_query, env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_before_execution_is_resent_under_the_same_id,
            env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
