/*
 * test_down_failover.c - a venue that cannot be reached (connect refused:
 * nothing was sent) does not hold its new orders for its back-off: the
 * order whose request failed to leave and the ones queued behind it move
 * to the next venue of their route, each placed there exactly once.
 *
 * Two simulators: the first serves the gateway's Binance, the second its
 * Bybit. The route is Binance first. Once the gateway is warm the first
 * simulator is stopped, so Binance's port refuses connections.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <zmq.h>

#include "venue_env.h"

#define ORDERS 6

static xg_sim_proc sim_a; /* binance, stopped mid-test */
static xg_sim_proc sim_b; /* bybit */
static xg_gw_proc gw;
static xg_client client;

static int
teardown(void **state)
{
    (void)state;
    xg_client_close(&client);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim_a);
    xg_sim_stop(&sim_b);
    return 0;
}

static void
start(void)
{
    static const char *const b_args[] = {"--venue", "bybit=127.0.0.1:0", NULL};
    memset(&client, 0, sizeof client);
    assert_int_equal(xg_sim_start(&sim_a, NULL), XG_OK);
    assert_int_equal(xg_sim_start(&sim_b, b_args), XG_OK);
    const char *venues[] = {"binance", "bybit"};
    int ports[] = {xg_sim_port(&sim_a, "binance"),
                   xg_sim_port(&sim_b, "bybit")};
    assert_true(ports[0] > 0 && ports[1] > 0);
    /* One request at a time: the orders behind the one whose connect
     * fails are still queued on Binance when it goes DOWN. */
    assert_int_equal(
        xg_gw_start_sim(&gw, venues, ports, 2, "\"max_connections\": 1"),
        XG_OK);
    assert_int_equal(xg_client_open(&client, &gw, ""), XG_OK);
}

static void
order_json(char *out, size_t cap, const char *id)
{
    int n = snprintf(out, cap,
                     "{\"type\":\"new_order\",\"req_id\":\"r-%s\","
                     "\"strategy\":\"dn\",\"client_order_id\":\"%s\","
                     "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                     "\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
                     "\"price\":\"30000\"}",
                     id, id);
    assert_true(n > 0 && (size_t)n < cap);
}

/* Accepted order creations in log whose client id starts with the 16
 * characters of the gateway id in venue_client_id. */
static size_t
placements(const json_t *log, const char *venue_client_id)
{
    size_t i, n = 0;
    const json_t *o;
    json_array_foreach(log, i, o)
    {
        const char *method = json_string_value(json_object_get(o, "method"));
        const char *path = json_string_value(json_object_get(o, "path"));
        const char *id =
            json_string_value(json_object_get(o, "client_order_id"));
        n += method != NULL && strcmp(method, "POST") == 0 && path != NULL &&
             strncmp(path, "/v5/order/create", 16) == 0 && id != NULL &&
             strncmp(id, venue_client_id, 16) == 0 &&
             json_integer_value(json_object_get(o, "status")) == 200;
    }
    return n;
}

static void
test_orders_on_unreachable_venue_move_to_the_next(void **state)
{
    (void)state;
    start();
    char msg[512];
    order_json(msg, sizeof msg, "warm");
    json_t *r = xg_client_call(&client, msg, 5000);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&client, "warm", "acked", 5000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "venue"), "binance");
    json_decref(ev);

    /* Binance's port now refuses connections. */
    assert_int_equal(xg_sim_stop(&sim_a), XG_OK);
    xg_test_sleep_ms(100);

    /* A burst, without waiting for replies, so that they are queued
     * together behind the first. */
    char ids[ORDERS][16];
    for (int k = 0; k < ORDERS; k++) {
        snprintf(ids[k], sizeof ids[k], "dn%d", k);
        order_json(msg, sizeof msg, ids[k]);
        assert_true(zmq_send(client.dealer, msg, strlen(msg), 0) >= 0);
    }
    int replies = 0;
    int acked = 0;
    int rerouted = 0;
    int was_down = 0;
    int64_t deadline = xg_test_now_ms() + 10000;
    while ((acked < ORDERS || replies < ORDERS) &&
           xg_test_now_ms() < deadline) {
        zmq_pollitem_t items[] = {{client.dealer, 0, ZMQ_POLLIN, 0},
                                  {client.sub, 0, ZMQ_POLLIN, 0}};
        if (zmq_poll(items, 2, 200) <= 0) {
            continue;
        }
        if (items[0].revents & ZMQ_POLLIN) {
            char buf[2048];
            int n = zmq_recv(client.dealer, buf, sizeof buf - 1, 0);
            assert_true(n > 0 && n < (int)sizeof buf);
            buf[n] = '\0';
            r = json_loads(buf, 0, NULL);
            assert_true(xg_reply_is_ok(r));
            json_decref(r);
            replies++;
        }
        if (!(items[1].revents & ZMQ_POLLIN)) {
            continue;
        }
        json_t *e = xg_client_event(&client, 0, NULL, 0);
        const char *type = json_string_value(json_object_get(e, "type"));
        if (type != NULL && strcmp(type, "rerouted") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "from")),
                                "binance");
            assert_string_equal(json_string_value(json_object_get(e, "to")),
                                "bybit");
            assert_string_equal(json_string_value(json_object_get(e, "reason")),
                                "down");
            /* Not a ban: no ban end. */
            assert_int_equal(
                json_integer_value(json_object_get(e, "ban_until_ms")), 0);
            rerouted++;
        } else if (type != NULL && strcmp(type, "venue") == 0) {
            json_t *v = json_object_get(e, "venue");
            const char *st = json_string_value(json_object_get(v, "state"));
            was_down |= st != NULL && strcmp(st, "DOWN") == 0;
        } else if (type != NULL && strcmp(type, "order") == 0) {
            const char *name = json_string_value(json_object_get(e, "event"));
            assert_string_not_equal(name, "rejected");
            assert_string_not_equal(name, "unknown");
            if (strcmp(name, "acked") == 0) {
                assert_string_equal(xg_reply_order_field(e, "venue"), "bybit");
                acked++;
            }
        }
        json_decref(e);
    }
    assert_int_equal(replies, ORDERS);
    assert_int_equal(acked, ORDERS);
    assert_true(was_down);
    /* At least the order whose connect failed moved; the others either
     * moved with it or, arriving after, went to Bybit directly. */
    assert_true(rerouted >= 1);
    print_message("rerouted: %d of %d\n", rerouted, ORDERS);

    /* Exactly once: each order placed on Bybit once. */
    json_t *log = xg_sim_log_json(&sim_b, "bybit");
    for (int k = 0; k < ORDERS; k++) {
        char q[192];
        snprintf(q, sizeof q,
                 "{\"type\":\"query_order\",\"strategy\":\"dn\","
                 "\"client_order_id\":\"%s\"}",
                 ids[k]);
        r = xg_client_call(&client, q, 5000);
        assert_non_null(r);
        assert_string_equal(xg_reply_order_field(r, "venue"), "bybit");
        const char *vid = xg_reply_order_field(r, "venue_client_order_id");
        assert_non_null(vid);
        assert_int_equal(placements(log, vid), 1);
        json_decref(r);
    }
    json_decref(log);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_orders_on_unreachable_venue_move_to_the_next, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
