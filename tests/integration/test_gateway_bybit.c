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
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "gw_launch.h"
#include "sim_launch.h"

#define CREATE_PATH   "/v5/order/create"
#define REALTIME_PATH "/v5/order/realtime"

typedef struct env {
    xg_sim_proc sim;
    xg_gw_proc gw;
    xg_client client;
} env;

/* The one environment of the running test; env_teardown stops it even
 * when an assertion fails half-way. */
static env the_env;

static env *
env_start(const char *const *extra_sim_args, const char *venue_extra)
{
    env *e = &the_env;
    const char *args[16];
    size_t n = 0;

    memset(e, 0, sizeof *e);
    args[n++] = "--venue";
    args[n++] = "bybit=127.0.0.1:0";
    for (size_t i = 0; extra_sim_args[i] != NULL && n < 15; i++) {
        args[n++] = extra_sim_args[i];
    }
    args[n] = NULL;
    assert_int_equal(xg_sim_start(&e->sim, args), XG_OK);
    const char *venues[] = {"bybit"};
    int ports[] = {xg_sim_port(&e->sim, "bybit")};
    assert_true(ports[0] > 0);
    assert_int_equal(xg_gw_start_sim(&e->gw, venues, ports, 1, venue_extra),
                     XG_OK);
    assert_int_equal(xg_client_open(&e->client, &e->gw, ""), XG_OK);
    return e;
}

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
place_typed(env *e, const char *id, const char *side, const char *type,
            const char *qty, const char *price)
{
    char msg[512];
    if (price != NULL) {
        snprintf(msg, sizeof msg,
                 "{\"type\":\"new_order\",\"req_id\":\"r-%s\",\"strategy\":"
                 "\"t1\",\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
                 "\"side\":\"%s\",\"order_type\":\"%s\",\"qty\":\"%s\","
                 "\"price\":\"%s\",\"venues\":[\"bybit\"]}",
                 id, id, side, type, qty, price);
    } else {
        snprintf(msg, sizeof msg,
                 "{\"type\":\"new_order\",\"req_id\":\"r-%s\",\"strategy\":"
                 "\"t1\",\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
                 "\"side\":\"%s\",\"order_type\":\"%s\",\"qty\":\"%s\","
                 "\"venues\":[\"bybit\"]}",
                 id, id, side, type, qty);
    }
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    return r;
}

static json_t *
place(env *e, const char *id, const char *side, const char *qty,
      const char *price)
{
    return place_typed(e, id, side, "LIMIT", qty, price);
}

static int
reply_ok(const json_t *r)
{
    return json_is_true(json_object_get(r, "ok"));
}

/* The simulator's request log as a JSON array (given). */
static json_t *
sim_log(env *e)
{
    static char buf[4 * 1024 * 1024];
    assert_int_equal(xg_sim_admin(&e->sim, "bybit", "GET", "/_sim/log", NULL,
                                  buf, sizeof buf),
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
count_field(json_t *log, const char *field, int64_t value)
{
    size_t i, n = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        n += json_integer_value(json_object_get(o, field)) == value;
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
test_orders_are_acked_filled_queried_and_canceled(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    env *e = env_start(args, "");

    json_t *r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "rest1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* A market order's ack does not say it filled; the query does. */
    r = place_typed(e, "take1", "BUY", "MARKET", "0.002", NULL);
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "filled", 5000);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(ev, "order"), "filled_qty")),
                        "0.002");
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

    json_t *log = sim_log(e);
    assert_int_equal(count_field(log, "code", 10006), 0);
    assert_int_equal(count_field(log, "status", 403), 0);
    /* Every signed request was accepted: no signature or time refusal. */
    assert_int_equal(count_field(log, "code", 10004), 0);
    assert_int_equal(count_field(log, "code", 10002), 0);
    json_decref(log);
    env_stop(e);
}

static void
test_burst_above_limits_completes_without_rate_limit_errors(void **state)
{
    (void)state;
    /* 10 creates per rolling second on both sides. */
    const char *args[] = {"--set", "bybit.create_per_s=10", NULL};
    env *e = env_start(args, "\"max_connections\": 4, \"options\": "
                             "{\"create_per_s\": 10}");
    enum { N = 50 };
    int64_t t0 = xg_test_now_ms();
    for (int i = 0; i < N; i++) {
        char id[16], px[16];
        snprintf(id, sizeof id, "burst%d", i);
        snprintf(px, sizeof px, "%d", 30000 - i);
        json_t *r = place(e, id, "BUY", "0.001", px);
        assert_true(reply_ok(r));
        json_decref(r);
    }
    int acked = 0, waits = 0;
    while (acked < N) {
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
                        strcmp(name, "rejected") != 0);
        }
        json_decref(ev);
    }
    int64_t elapsed = xg_test_now_ms() - t0;
    json_t *log = sim_log(e);
    assert_int_equal(count_field(log, "code", 10006), 0);
    assert_int_equal(count_field(log, "status", 403), 0);
    assert_true(waits > 0);
    /* 50 creates at 10 per rolling second need at least 4 s. */
    assert_true(elapsed >= 4000);
    fprintf(stderr,
            "burst: %d orders in %lld ms, %d waits, 0 rate-limit errors\n", N,
            (long long)elapsed, waits);
    json_decref(log);
    env_stop(e);
}

static void
test_ip_lockout_stops_all_traffic_until_it_ends(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    /* The 403 carries no end time: the gateway's ban_default_ms applies. */
    env *e = env_start(args, "\"ban_default_ms\": 1500");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "bybit", "POST", "/_sim/ban",
                                  "{\"duration_ms\":1000}", out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "banned1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_venue_state(&e->client, "bybit", "BANNED", 5000);
    assert_non_null(ev);
    json_decref(ev);
    /* The refused order had no other venue in its route: rejected with
     * the reason, never left waiting (docs/architecture.md, failover). */
    ev = xg_client_wait_order_event(&e->client, "banned1", "rejected", 5000);
    assert_non_null(ev);
    json_decref(ev);
    ev = xg_client_wait_venue_state(&e->client, "bybit", "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = place(e, "afterban", "BUY", "0.001", "29990");
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "afterban", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* One 403, then silence for the gateway's ban length. */
    json_t *log = sim_log(e);
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
    env_stop(e);
}

static void
test_5xx_after_execution_is_reconciled_by_query(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    env *e = env_start(args, "");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "bybit", "POST", "/_sim/fault",
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
    assert_int_equal(count_requests(log, "POST", CREATE_PATH, vid), 1);
    assert_true(count_requests(log, "GET", REALTIME_PATH, vid) >= 1);
    json_decref(log);
    env_stop(e);
}

static void
test_5xx_before_execution_is_resent_under_the_same_id(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    env *e = env_start(args, "");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "bybit", "POST", "/_sim/fault",
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
    /* The query proved absence before the second send, same id. */
    assert_int_equal(count_requests(log, "POST", CREATE_PATH, vid), 2);
    assert_true(count_requests(log, "GET", REALTIME_PATH, vid) >= 1);
    json_decref(log);
    env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_are_acked_filled_queried_and_canceled, env_teardown),
        cmocka_unit_test_teardown(
            test_burst_above_limits_completes_without_rate_limit_errors,
            env_teardown),
        cmocka_unit_test_teardown(
            test_ip_lockout_stops_all_traffic_until_it_ends, env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_after_execution_is_reconciled_by_query, env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_before_execution_is_resent_under_the_same_id,
            env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
