/*
 * test_recovery.c - the gateway is killed with SIGKILL and restarted on
 * its journal: every order it had taken is known again, reconciled with
 * the venue before new orders are accepted, and none is placed twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "gw_launch.h"
#include "sim_launch.h"

static xg_sim_proc sim;
static xg_gw_proc gw;
static xg_client client;

static int
teardown(void **state)
{
    (void)state;
    xg_client_close(&client);
    xg_gw_stop(&gw);
    xg_sim_stop(&sim);
    return 0;
}

static void
start(void)
{
    assert_int_equal(xg_sim_start(&sim, NULL), XG_OK);
    const char *venues[] = {"binance"};
    int ports[] = {xg_sim_port(&sim, "binance")};
    assert_int_equal(xg_gw_start_sim(&gw, venues, ports, 1, ""), XG_OK);
    assert_int_equal(xg_client_open(&client, &gw, ""), XG_OK);
}

typedef enum req_kind { NEW_ORDER, QUERY, CANCEL } req_kind;

/* One request about order `id`, answered within 5 s (given). */
static json_t *
call(req_kind kind, const char *id)
{
    char msg[512];
    switch (kind) {
    case NEW_ORDER:
        snprintf(msg, sizeof msg,
                 "{\"type\":\"new_order\",\"strategy\":\"rc\","
                 "\"client_order_id\":\"%s\",\"symbol\":\"BTC/USDT\","
                 "\"side\":\"BUY\",\"order_type\":\"LIMIT\","
                 "\"qty\":\"0.001\",\"price\":\"30000\"}",
                 id);
        break;
    case QUERY:
        snprintf(msg, sizeof msg,
                 "{\"type\":\"query_order\",\"client_order_id\":\"%s\"}", id);
        break;
    case CANCEL:
        snprintf(msg, sizeof msg,
                 "{\"type\":\"cancel_order\",\"client_order_id\":\"%s\"}", id);
        break;
    }
    json_t *r = xg_client_call(&client, msg, 5000);
    assert_non_null(r);
    return r;
}

static const char *
order_field(json_t *reply, const char *field)
{
    return json_string_value(
        json_object_get(json_object_get(reply, "order"), field));
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static size_t
posts_for(const char *venue_client_id)
{
    static char buf[1 << 20];
    assert_int_equal(xg_sim_log_fetch(&sim, "binance", 0, buf, sizeof buf),
                     XG_OK);
    size_t n = 0;
    for (char *line = buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        json_t *o = json_loadb(line, len, 0, NULL);
        line += len + (nl != NULL);
        if (o == NULL) {
            continue;
        }
        const char *m = json_string_value(json_object_get(o, "method"));
        const char *c =
            json_string_value(json_object_get(o, "client_order_id"));
        n += m != NULL && c != NULL && strcmp(m, "POST") == 0 &&
             strcmp(c, venue_client_id) == 0;
        json_decref(o);
    }
    return n;
}

static void
test_killed_gateway_recovers_open_and_in_flight_orders(void **state)
{
    (void)state;
    start();
    const char *resting[] = {"keep1", "keep2"};
    for (int i = 0; i < 2; i++) {
        json_decref(call(NEW_ORDER, resting[i]));
        json_t *ev =
            xg_client_wait_order_event(&client, resting[i], "acked", 5000);
        assert_non_null(ev);
        json_decref(ev);
    }
    /* The next order is held 800 ms by the venue: the gateway dies with it
     * in flight, and the venue places it anyway. */
    char out[256];
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":800}", out, sizeof out),
                     XG_OK);
    json_t *r = call(NEW_ORDER, "flying");
    assert_true(json_is_true(json_object_get(r, "ok")));
    char vid[64];
    snprintf(vid, sizeof vid, "%s", order_field(r, "venue_client_order_id"));
    json_decref(r);
    sleep_ms(200);
    xg_client_close(&client);
    xg_gw_halt(&gw, SIGKILL);
    sleep_ms(800); /* the venue answers nobody, but places the order */
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);

    /* Restart on the journal: ready only after reconciliation. */
    assert_int_equal(xg_gw_restart(&gw), XG_OK);
    assert_int_equal(xg_client_open(&client, &gw, ""), XG_OK);
    r = call(QUERY, "flying");
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_string_equal(order_field(r, "status"), "NEW");
    assert_string_equal(order_field(r, "venue_client_order_id"), vid);
    assert_true(strlen(order_field(r, "venue_order_id")) > 0);
    json_decref(r);
    for (int i = 0; i < 2; i++) {
        r = call(QUERY, resting[i]);
        assert_string_equal(order_field(r, "status"), "NEW");
        json_decref(r);
    }
    /* Placed exactly once, and the journal still knows its id. */
    assert_int_equal(posts_for(vid), 1);
    r = call(NEW_ORDER, "flying");
    assert_false(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    /* It can still be canceled through the new process. */
    json_decref(call(CANCEL, "keep1"));
    json_t *ev = xg_client_wait_order_event(&client, "keep1", "canceled", 5000);
    assert_non_null(ev);
    json_decref(ev);
}

static void
test_order_the_venue_never_saw_is_sent_after_restart(void **state)
{
    (void)state;
    start();
    char out[256];
    /* The venue drops the connection without acting: after the crash the
     * order is unknown, the query finds nothing, and it is sent again
     * under the same id. */
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":800}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"drop\":{\"count\":1}}", out, sizeof out),
                     XG_OK);
    json_t *r = call(NEW_ORDER, "lost");
    char vid[64];
    snprintf(vid, sizeof vid, "%s", order_field(r, "venue_client_order_id"));
    json_decref(r);
    sleep_ms(200);
    xg_client_close(&client);
    xg_gw_halt(&gw, SIGKILL);
    sleep_ms(800);
    assert_int_equal(xg_sim_admin(&sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_gw_restart(&gw), XG_OK);
    assert_int_equal(xg_client_open(&client, &gw, ""), XG_OK);
    json_t *ev = xg_client_wait_order_event(&client, "lost", "acked", 5000);
    if (ev == NULL) {
        r = call(QUERY, "lost");
        assert_string_equal(order_field(r, "status"), "NEW");
        json_decref(r);
    }
    json_decref(ev);
    /* One placement on the venue, whatever the retries. */
    size_t placed = 0;
    static char orders[1 << 16];
    assert_int_equal(xg_sim_admin(&sim, "binance", "GET", "/_sim/orders", NULL,
                                  orders, sizeof orders),
                     XG_OK);
    for (const char *p = orders; (p = strstr(p, vid)) != NULL; p++) {
        placed++;
    }
    assert_int_equal(placed, 1);
}

/* Damage the journal's header after stopping the gateway with sig
 * (SIGTERM leaves one complete file, SIGKILL leaves a WAL beside it), then
 * check start-up refuses it and leaves it as it was. */
static void
corrupt_and_restart(int sig)
{
    start();
    xg_client_close(&client);
    xg_gw_halt(&gw, sig);
    char path[512];
    snprintf(path, sizeof path, "%s/data/journal.db", gw.dir);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    static const char garbage[] = "this is not a journal at all, sorry....";
    fwrite(garbage, 1, sizeof garbage, f);
    fclose(f);
    f = fopen(path, "rb");
    static char before[1 << 16], after[1 << 16];
    size_t n_before = fread(before, 1, sizeof before, f);
    fclose(f);

    assert_int_not_equal(xg_gw_restart(&gw), XG_OK);
    f = fopen(path, "rb");
    size_t n_after = fread(after, 1, sizeof after, f);
    fclose(f);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before);
}

static void
test_corrupt_journal_stops_startup_and_is_left_alone(void **state)
{
    (void)state;
    corrupt_and_restart(SIGTERM);
}

static void
test_corrupt_journal_with_a_wal_is_not_repaired_silently(void **state)
{
    (void)state;
    corrupt_and_restart(SIGKILL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_killed_gateway_recovers_open_and_in_flight_orders, teardown),
        cmocka_unit_test_teardown(
            test_order_the_venue_never_saw_is_sent_after_restart, teardown),
        cmocka_unit_test_teardown(
            test_corrupt_journal_stops_startup_and_is_left_alone, teardown),
        cmocka_unit_test_teardown(
            test_corrupt_journal_with_a_wal_is_not_repaired_silently,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
