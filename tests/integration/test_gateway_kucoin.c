/*
 * test_gateway_kucoin.c - xgsim + xgated + a strategy client, end to end,
 * with KuCoin as the only venue of the gateway.
 *
 * Each test starts its own simulator (the KuCoin dialect beside the
 * Binance one xg_sim_start always adds) and a gateway configured with the
 * kucoin venue alone, and stops them by PID. The Spot pool is scaled down
 * in the simulator (and told to the adapter through the venue options) so
 * every test takes seconds. What the simulator saw is read back from its
 * request log, so the assertions are about what really reached the
 * "exchange", not what the gateway believes.
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
    const char *args[16] = {"--venue", "kucoin=127.0.0.1:0"};
    size_t n = 2;
    for (size_t i = 0; sim_args[i] != NULL && n < 15; i++) {
        args[n++] = sim_args[i];
    }
    args[n] = NULL;
    memset(e, 0, sizeof *e);
    assert_int_equal(xg_sim_start(&e->sim, args), XG_OK);
    const char *venues[] = {"kucoin"};
    int ports[] = {xg_sim_port(&e->sim, "kucoin")};
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
place(env *e, const char *id, const char *side, const char *qty,
      const char *price)
{
    char msg[512];
    snprintf(msg, sizeof msg,
             "{\"type\":\"new_order\",\"req_id\":\"r-%s\",\"strategy\":\"t1\","
             "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
             "\"side\":\"%s\",\"order_type\":\"LIMIT\",\"qty\":\"%s\","
             "\"price\":\"%s\"}",
             id, id, side, qty, price);
    json_t *r = xg_client_call(&e->client, msg, 5000);
    assert_non_null(r);
    return r;
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
    assert_int_equal(xg_sim_admin(&e->sim, "kucoin", "GET", "/_sim/log", NULL,
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

/* Requests whose logged path starts with prefix (the log keeps only the
 * first 39 characters of a path, which cuts /client-order/<id>). */
static size_t
count_prefixed(json_t *log, const char *method, const char *prefix,
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
             strncmp(p, prefix, strlen(prefix)) == 0 &&
             strcmp(c, client_id) == 0;
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
test_orders_are_acked_queried_canceled_and_filled_on_venue(void **state)
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

    /* KuCoin's HF place answer is an ack ({orderId, clientOid}) even for
     * an order that filled at once; the fill is on the venue, where a
     * query would find it (the core does not poll open orders). */
    r = place(e, "take1", "BUY", "0.001", "36000");
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "take1", "acked", 5000);
    assert_non_null(ev);
    char take_vid[64];
    snprintf(take_vid, sizeof take_vid, "%s", event_venue_client_id(ev));
    json_decref(ev);
    {
        static char orders[65536];
        char want[128];
        assert_int_equal(xg_sim_admin(&e->sim, "kucoin", "GET", "/_sim/orders",
                                      NULL, orders, sizeof orders),
                         XG_OK);
        json_t *all = json_loads(orders, 0, NULL);
        size_t k;
        json_t *o;
        int found = 0;
        snprintf(want, sizeof want, "%s", take_vid);
        json_array_foreach(
            json_is_array(all) ? all : json_object_get(all, "orders"), k, o)
        {
            const char *cid =
                json_string_value(json_object_get(o, "client_order_id"));
            if (cid != NULL && strcmp(cid, want) == 0) {
                found = 1;
                assert_string_equal(
                    json_string_value(json_object_get(o, "status")), "FILLED");
            }
        }
        assert_true(found);
        json_decref(all);
    }

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

    /* The same client order id again is refused, never placed twice. */
    r = place(e, "rest1", "BUY", "0.001", "30000");
    assert_false(reply_ok(r));
    assert_int_equal(reply_error_code(r), XG_ERR_DUPLICATE_ID);
    json_decref(r);
    env_stop(e);
}

static void
test_burst_above_limits_completes_without_429(void **state)
{
    (void)state;
    /* A Spot pool of 40 per 2 s (place weight 1): 100 orders need three
     * pool windows. The adapter is told the same pool. */
    const char *args[] = {"--set", "kucoin.spot_limit=40", "--set",
                          "kucoin.window_ms=2000", NULL};
    env *e = env_start(args, "\"max_connections\": 4, \"options\": "
                             "{\"spot_pool_limit\": 40, "
                             "\"pool_window_ms\": 2000}");
    enum { N = 100 };
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
    assert_int_equal(count_status(log, 429), 0);
    assert_true(waits > 0);
    /* 100 orders at 40 per window cannot finish before two windows
     * passed, and with the pool used in full they need not wait for a
     * fourth. */
    assert_true(elapsed >= 4000);
    assert_true(elapsed < 6000);
    fprintf(stderr,
            "burst: %d orders in %lld ms, %d waits, 0 rate-limit "
            "errors\n",
            N, (long long)elapsed, waits);
    json_decref(log);
    env_stop(e);
}

static void
test_ban_stops_all_traffic_until_it_ends(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    env *e = env_start(args, "");
    char out[512];
    assert_int_equal(xg_sim_admin(&e->sim, "kucoin", "POST", "/_sim/ban",
                                  "{\"duration_ms\":1500}", out, sizeof out),
                     XG_OK);
    json_t *r = place(e, "banned1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_venue_state(&e->client, "kucoin", "BANNED", 5000);
    assert_non_null(ev);
    int64_t until_ms = json_integer_value(
        json_object_get(json_object_get(ev, "venue"), "until_ms"));
    json_decref(ev);
    /* The refused order had no other venue in its route: rejected with
     * the reason, never left waiting (docs/architecture.md, failover). */
    ev = xg_client_wait_order_event(&e->client, "banned1", "rejected", 5000);
    assert_non_null(ev);
    json_decref(ev);
    assert_true(until_ms > 0);

    /* A new order during the ban finds no venue to take it: refused at
     * once with a reason, not left hanging. */
    r = place(e, "banned2", "BUY", "0.001", "29999");
    assert_false(reply_ok(r));
    assert_int_equal(reply_error_code(r), XG_ERR_NO_VENUE);
    json_decref(r);

    /* The venue comes back by itself and new orders flow again. */
    ev = xg_client_wait_venue_state(&e->client, "kucoin", "UP", 5000);
    assert_non_null(ev);
    json_decref(ev);
    r = place(e, "banned3", "BUY", "0.001", "29998");
    assert_true(reply_ok(r));
    json_decref(r);
    ev = xg_client_wait_order_event(&e->client, "banned3", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* From the first 1015 until the ban's end the simulator saw nothing. */
    json_t *log = sim_log(e);
    int64_t first_418 = -1;
    size_t i, during = 0, n418 = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        int64_t t = json_integer_value(json_object_get(o, "t_ms"));
        int64_t st = json_integer_value(json_object_get(o, "status"));
        int64_t code = json_integer_value(json_object_get(o, "code"));
        if (st == 429 && code == 1015) {
            n418++;
            if (first_418 < 0) {
                first_418 = t;
                continue;
            }
        }
        if (first_418 >= 0 && t > first_418 && t < until_ms) {
            during++;
        }
    }
    assert_true(first_418 > 0);
    assert_int_equal(n418, 1);
    assert_int_equal(during, 0);
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
    assert_int_equal(xg_sim_admin(&e->sim, "kucoin", "POST", "/_sim/fault",
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
    /* Placed once, found by a query, never sent again. */
    assert_int_equal(count_requests(log, "POST", "/api/v1/hf/orders", vid), 1);
    assert_true(count_prefixed(log, "GET", "/api/v1/hf/orders/client-order/",
                               vid) >= 1);
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
    assert_int_equal(xg_sim_admin(&e->sim, "kucoin", "POST", "/_sim/fault",
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
    assert_int_equal(count_requests(log, "POST", "/api/v1/hf/orders", vid), 2);
    assert_true(count_prefixed(log, "GET", "/api/v1/hf/orders/client-order/",
                               vid) >= 1);
    json_decref(log);
    r = xg_client_call(&e->client,
                       "{\"type\":\"query_order\","
                       "\"client_order_id\":\"unk2\"}",
                       5000);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r, "order"), "status")),
                        "NEW");
    json_decref(r);
    env_stop(e);
}

static void
expect_reject(env *e, const void *msg, size_t len, int code)
{
    json_t *r = xg_client_call_raw(&e->client, msg, len, 5000);
    assert_non_null(r);
    assert_false(reply_ok(r));
    json_t *err = json_object_get(r, "error");
    if (code != 0 && json_integer_value(json_object_get(err, "code")) != code) {
        char *dump = json_dumps(r, 0);
        fprintf(stderr, "request %.80s -> %s\n", (const char *)msg, dump);
        free(dump);
    }
    if (code != 0) {
        assert_int_equal(json_integer_value(json_object_get(err, "code")),
                         code);
    }
    assert_non_null(json_string_value(json_object_get(err, "message")));
    json_decref(r);
}

#define NEW_ORDER_WITH(fields)                                                 \
    "{\"type\":\"new_order\",\"strategy\":\"t1\",\"symbol\":\"BTC/USDT\","     \
    "\"side\":\"BUY\",\"order_type\":\"LIMIT\"," fields "}"

static void
test_bad_input_is_rejected_and_gateway_stays_up(void **state)
{
    (void)state;
    const char *args[] = {NULL};
    env *e = env_start(args, "");
    const char *s;
    s = "{\"type\":\"new_order\",";
    expect_reject(e, s, strlen(s), XG_ERR_BAD_JSON);
    s = "{\"type\":\"new_order\",\"strategy\":\"t1\"}";
    expect_reject(e, s, strlen(s), XG_ERR_BAD_FIELD);
    s = NEW_ORDER_WITH("\"qty\":0.001,\"price\":\"30000\"");
    expect_reject(e, s, strlen(s), 0);
    s = NEW_ORDER_WITH("\"qty\":\"0\",\"price\":\"30000\"");
    expect_reject(e, s, strlen(s), XG_ERR_BAD_QTY);
    s = NEW_ORDER_WITH("\"qty\":\"-1\",\"price\":\"30000\"");
    expect_reject(e, s, strlen(s), 0);
    s = NEW_ORDER_WITH("\"qty\":\"0.0000000001\",\"price\":\"30000\"");
    expect_reject(e, s, strlen(s), XG_ERR_PRECISION);
    s = "{\"type\":\"new_order\",\"strategy\":\"t1\",\"symbol\":\"NOPE/USDT\","
        "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"qty\":\"1\","
        "\"price\":\"1\"}";
    expect_reject(e, s, strlen(s), XG_ERR_UNKNOWN_SYMBOL);
    s = NEW_ORDER_WITH("\"qty\":\"1\",\"price\":\"1\",\"venues\":[\"mars\"]");
    expect_reject(e, s, strlen(s), XG_ERR_UNKNOWN_VENUE);
    s = "{\"type\":\"launch_rockets\"}";
    expect_reject(e, s, strlen(s), XG_ERR_BAD_REQUEST);

    static char big[1024 * 1024];
    memset(big, 'x', sizeof big);
    expect_reject(e, big, sizeof big, XG_ERR_TOO_LARGE);
    unsigned char garbage[256];
    for (size_t i = 0; i < sizeof garbage; i++) {
        garbage[i] = (unsigned char)(i * 37 + 11);
    }
    expect_reject(e, garbage, sizeof garbage, XG_ERR_BAD_JSON);

    assert_true(xg_gw_alive(&e->gw));
    json_t *r = place(e, "after1", "BUY", "0.001", "30000");
    assert_true(reply_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&e->client, "after1", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);
    env_stop(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_are_acked_queried_canceled_and_filled_on_venue,
            env_teardown),
        cmocka_unit_test_teardown(test_burst_above_limits_completes_without_429,
                                  env_teardown),
        cmocka_unit_test_teardown(test_ban_stops_all_traffic_until_it_ends,
                                  env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_after_execution_is_reconciled_by_query, env_teardown),
        cmocka_unit_test_teardown(
            test_5xx_before_execution_is_resent_under_the_same_id,
            env_teardown),
        cmocka_unit_test_teardown(
            test_bad_input_is_rejected_and_gateway_stays_up, env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
