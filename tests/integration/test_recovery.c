/*
 * test_recovery.c - the gateway is killed with SIGKILL and restarted on
 * its journal: every order it had taken is known again, reconciled with
 * the venue before new orders are accepted, and none is placed twice.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "venue_env.h"

/* The running test's environment; xg_venue_env_teardown stops it. */
static xg_venue_env *env;

static void
start(void)
{
    env = xg_venue_env_start("binance", NULL, "");
}

typedef enum req_kind { NEW_ORDER, QUERY, CANCEL } req_kind;

/* One request about order `id`, answered within 5 s (given). */
static json_t *
call(req_kind kind, const char *id)
{
    const xg_test_order o = {.strategy = "rc",
                             .id = id,
                             .side = "BUY",
                             .qty = "0.001",
                             .price = "30000"};
    switch (kind) {
    case QUERY:
        return xg_venue_env_call_about(env, "query_order", "rc", id);
    case CANCEL:
        return xg_venue_env_call_about(env, "cancel_order", "rc", id);
    case NEW_ORDER:
        break;
    }
    return xg_venue_env_place_order(env, &o);
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* POSTs to Binance carrying venue_client_id, whatever the path. */
static size_t
posts_for(const char *venue_client_id)
{
    const xg_log_filter f = {.method = "POST", .client_id = venue_client_id};
    json_t *log = xg_venue_env_log(env, "binance");
    size_t n = xg_log_count(log, &f);
    json_decref(log);
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
            xg_client_wait_order_event(&env->client, resting[i], "acked", 5000);
        assert_non_null(ev);
        json_decref(ev);
    }
    /* The next order is held 800 ms by the venue: the gateway dies with it
     * in flight, and the venue places it anyway. */
    char out[256];
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":800}", out, sizeof out),
                     XG_OK);
    json_t *r = call(NEW_ORDER, "flying");
    assert_true(xg_reply_is_ok(r));
    char vid[64];
    snprintf(vid, sizeof vid, "%s",
             xg_reply_order_field(r, "venue_client_order_id"));
    json_decref(r);
    sleep_ms(200);
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, SIGKILL);
    sleep_ms(800); /* the venue answers nobody, but places the order */
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);

    /* Restart on the journal: ready only after reconciliation. */
    assert_int_equal(xg_gw_restart(&env->gw), XG_OK);
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
    r = call(QUERY, "flying");
    assert_true(xg_reply_is_ok(r));
    assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
    assert_string_equal(xg_reply_order_field(r, "venue_client_order_id"), vid);
    assert_true(strlen(xg_reply_order_field(r, "venue_order_id")) > 0);
    json_decref(r);
    for (int i = 0; i < 2; i++) {
        r = call(QUERY, resting[i]);
        assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
        json_decref(r);
    }
    /* Placed exactly once, and the journal still knows its id. */
    assert_int_equal(posts_for(vid), 1);
    r = call(NEW_ORDER, "flying");
    assert_false(xg_reply_is_ok(r));
    json_decref(r);
    /* It can still be canceled through the new process. */
    json_decref(call(CANCEL, "keep1"));
    json_t *ev =
        xg_client_wait_order_event(&env->client, "keep1", "canceled", 5000);
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
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":800}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"drop\":{\"count\":1}}", out, sizeof out),
                     XG_OK);
    json_t *r = call(NEW_ORDER, "lost");
    char vid[64];
    snprintf(vid, sizeof vid, "%s",
             xg_reply_order_field(r, "venue_client_order_id"));
    json_decref(r);
    sleep_ms(200);
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, SIGKILL);
    sleep_ms(800);
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_gw_restart(&env->gw), XG_OK);
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
    json_t *ev =
        xg_client_wait_order_event(&env->client, "lost", "acked", 5000);
    if (ev == NULL) {
        r = call(QUERY, "lost");
        assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
        json_decref(r);
    }
    json_decref(ev);
    /* One placement on the venue, whatever the retries. */
    size_t placed = 0;
    static char orders[1 << 16];
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "GET", "/_sim/orders",
                                  NULL, orders, sizeof orders),
                     XG_OK);
    for (const char *p = orders; (p = strstr(p, vid)) != NULL; p++) {
        placed++;
    }
    assert_int_equal(placed, 1);
}

/* The status of order id as the gateway answers a query (copied into
 * out), polled until it is want or 10 s passed. */
static void
await_status(const char *id, const char *want, char *out, size_t cap)
{
    int64_t deadline = xg_test_now_ms() + 10000;
    do {
        json_t *r = call(QUERY, id);
        const char *st = xg_reply_order_field(r, "status");
        snprintf(out, cap, "%s", st != NULL ? st : "(none)");
        json_decref(r);
        if (strcmp(out, want) == 0) {
            return;
        }
        sleep_ms(100);
    } while (xg_test_now_ms() < deadline);
}

/* Orders the gateway took but never sent are moved off a venue that is
 * banned at the restart. The other venue of their route is still
 * starting (its answers are slow): they wait for it, rather than being
 * rejected for want of a venue, and are placed there once each. */
static void
test_orders_moved_at_restart_wait_for_a_starting_venue(void **state)
{
    (void)state;
    /* One request in flight per venue, so the second order cannot leave
     * before the first one's answer has throttled Binance. */
    const char *venues[] = {"binance", "bybit"};
    env = xg_venue_env_start_many(venues, 2, NULL, "\"max_connections\": 1");
    char out[256];
    /* Binance answers the first order "too many requests, retry in 20 s":
     * it and the two after it wait in its queue, journaled, never sent. */
    assert_int_equal(
        xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                     "{\"limited\":{\"count\":1,\"retry_after_ms\":20000}}",
                     out, sizeof out),
        XG_OK);
    const char *ids[] = {"wait1", "wait2", "wait3"};
    for (int i = 0; i < 3; i++) {
        json_t *r = call(NEW_ORDER, ids[i]);
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
    }
    /* Events leave after the turn's journal commit: once Binance is seen
     * THROTTLED, the journal knows the first order never executed. */
    json_t *ev =
        xg_client_wait_venue_state(&env->client, "binance", "THROTTLED", 5000);
    assert_non_null(ev);
    json_decref(ev);
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, SIGKILL);

    /* At the restart Binance is banned and Bybit takes a second per
     * answer, so Binance's ban comes while Bybit is still starting. */
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/ban",
                                  "{\"duration_ms\":60000}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_sim_admin(&env->sim, "bybit", "POST", "/_sim/fault",
                                  "{\"latency_ms\":1000}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_gw_restart(&env->gw), XG_OK);
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
    for (int i = 0; i < 3; i++) {
        char st[32];
        await_status(ids[i], "NEW", st, sizeof st);
        assert_string_equal(st, "NEW");
    }
    json_t *log = xg_venue_env_log(env, "bybit");
    /* A prefix: the moved orders may go in one create-batch. */
    const xg_log_filter creates = {.method = "POST",
                                   .path = "/v5/order/create",
                                   .is_path_prefix = 1};
    assert_int_equal(xg_log_count(log, &creates), 3);
    json_decref(log);
    log = xg_venue_env_log(env, "binance");
    const xg_log_filter orders = {.method = "POST", .path = "/api/v3/order"};
    assert_int_equal(xg_log_count(log, &orders), 1); /* the limited one */
    json_decref(log);
}

/* An order whose fate is unknown when the gateway dies is held by a venue
 * that is banned at the restart. The gateway does not wait for the ban
 * to end before taking new orders: the order reads UNKNOWN until the
 * venue can be asked, and new orders go to the other venue meanwhile. */
static void
test_restart_during_a_ban_does_not_wait_for_its_orders(void **state)
{
    (void)state;
    const char *venues[] = {"binance", "bybit"};
    env = xg_venue_env_start_many(venues, 2, NULL, "");
    char out[256];
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"latency_ms\":2000}", out, sizeof out),
                     XG_OK);
    json_t *r = call(NEW_ORDER, "inflight");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    sleep_ms(300);
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, SIGKILL);
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  "{\"clear\":true}", out, sizeof out),
                     XG_OK);
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/ban",
                                  "{\"duration_ms\":120000}", out, sizeof out),
                     XG_OK);

    int64_t t0 = xg_test_now_ms();
    assert_int_equal(xg_gw_restart(&env->gw), XG_OK);
    assert_true(xg_test_now_ms() - t0 < 30000); /* not the ban's 120 s */
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
    r = call(QUERY, "inflight");
    assert_true(xg_reply_is_ok(r));
    assert_string_equal(xg_reply_order_field(r, "status"), "UNKNOWN");
    json_decref(r);
    r = call(NEW_ORDER, "fresh");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&env->client, "fresh", "acked", 10000);
    assert_non_null(ev);
    assert_string_equal(xg_reply_order_field(ev, "venue"), "bybit");
    json_decref(ev);
}

/* Damage the journal's header after stopping the gateway with sig
 * (SIGTERM leaves one complete file, SIGKILL leaves a WAL beside it), then
 * check start-up refuses it and leaves it as it was. */
static void
corrupt_and_restart(int sig)
{
    start();
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, sig);
    char path[512];
    snprintf(path, sizeof path, "%s/data/journal.db", env->gw.dir);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    static const char garbage[] = "this is not a journal at all, sorry....";
    fwrite(garbage, 1, sizeof garbage, f);
    fclose(f);
    f = fopen(path, "rb");
    static char before[1 << 16], after[1 << 16];
    size_t n_before = fread(before, 1, sizeof before, f);
    fclose(f);

    assert_int_not_equal(xg_gw_restart(&env->gw), XG_OK);
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
            test_killed_gateway_recovers_open_and_in_flight_orders,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_order_the_venue_never_saw_is_sent_after_restart,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_orders_moved_at_restart_wait_for_a_starting_venue,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_restart_during_a_ban_does_not_wait_for_its_orders,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_corrupt_journal_stops_startup_and_is_left_alone,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_corrupt_journal_with_a_wal_is_not_repaired_silently,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
