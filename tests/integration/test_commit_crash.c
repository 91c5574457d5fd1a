/*
 * test_commit_crash.c - the gateway dies in the middle of writing a turn
 * to its journal, at random points, and starts again on what is on disk.
 *
 * xgated's test hook (XG_TEST_CRASH_IN_COMMIT=<commit>:<bytes>, turnlog.h)
 * writes only part of the chosen turn's frame and kills the process:
 * what a power cut or a kill leaves. That turn's requests and replies had
 * not left yet. After the restart, every order the gateway had answered
 * ok must be known again (nothing acknowledged is lost), every order the
 * venue holds must be one the gateway knows (nothing invented, nothing
 * orphaned), and none is placed twice.
 *
 * Both journal modes: "normal", and "full", where the turn's requests and
 * replies also wait for the syncer thread's fdatasync (syncer.h).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "test_rng.h"
#include "venue_env.h"

#define ROUNDS     4
#define ORDERS_MAX 60

static xg_venue_env *env;
static xg_test_rng rng;

typedef struct sent_order {
    char id[24];
    int is_acked_ok; /* the new_order reply said ok */
} sent_order;

/* Send new orders until the gateway dies (its hook fires) or all are
 * sent; returns how many were sent. */
static int
send_until_dead(sent_order *orders, int round)
{
    int n = 0;
    while (n < ORDERS_MAX && xg_gw_alive(&env->gw)) {
        sent_order *o = &orders[n];
        snprintf(o->id, sizeof o->id, "cc%dx%d", round, n);
        char msg[512];
        snprintf(msg, sizeof msg,
                 "{\"type\":\"new_order\",\"strategy\":\"cc\","
                 "\"client_order_id\":\"%.23s\",\"symbol\":\"BTC/USDT\","
                 "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"qty\":\"0.001\","
                 "\"price\":\"30000\"}",
                 o->id);
        json_t *r = xg_client_call(&env->client, msg, 1500);
        o->is_acked_ok = r != NULL && xg_reply_is_ok(r);
        json_decref(r);
        n++;
    }
    return n;
}

/* The gateway's view of order id after the restart: its venue client id
 * into vid, or "" when it does not know the order. */
static void
known_vid(const char *id, char *vid, size_t cap)
{
    json_t *r = xg_venue_env_call_about(env, "query_order", "cc", id);
    const char *v = xg_reply_is_ok(r)
                        ? xg_reply_order_field(r, "venue_client_order_id")
                        : "";
    snprintf(vid, cap, "%s", v != NULL ? v : "");
    json_decref(r);
}

static void
crash_and_recover(int round, uint64_t commit, size_t bytes)
{
    char hook[64];
    snprintf(hook, sizeof hook, "%llu:%zu", (unsigned long long)commit, bytes);
    setenv("XG_TEST_CRASH_IN_COMMIT", hook, 1);
    env = xg_venue_env_start("binance", NULL, "");
    unsetenv("XG_TEST_CRASH_IN_COMMIT");

    sent_order orders[ORDERS_MAX];
    memset(orders, 0, sizeof orders);
    int n = send_until_dead(orders, round);
    int64_t until = xg_test_now_ms() + 5000;
    while (xg_gw_alive(&env->gw) && xg_test_now_ms() < until) {
        xg_test_sleep_ms(20);
    }
    printf("crash: round %d, commit %llu, %zu bytes of its frame: %d orders "
           "sent, gateway %s\n",
           round, (unsigned long long)commit, bytes, n,
           xg_gw_alive(&env->gw) ? "alive (hook not reached)" : "dead");
    assert_false(xg_gw_alive(&env->gw));
    xg_gw_halt(&env->gw, SIGKILL);
    xg_client_close(&env->client);
    assert_int_equal(xg_gw_restart(&env->gw), XG_OK);
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);

    /* Nothing acknowledged is lost; collect what the gateway knows. */
    char known[ORDERS_MAX][40];
    size_t n_known = 0;
    for (int k = 0; k < n; k++) {
        char vid[40];
        known_vid(orders[k].id, vid, sizeof vid);
        if (orders[k].is_acked_ok && vid[0] == '\0') {
            fail_msg("order %s was answered ok and is lost after the crash",
                     orders[k].id);
        }
        if (vid[0] != '\0') {
            snprintf(known[n_known++], sizeof known[0], "%s", vid);
        }
    }
    /* Let reconciliation settle what was in flight, then read the venue:
     * each placement is an order the gateway knows, placed once. */
    xg_test_sleep_ms(1000);
    json_t *log = xg_venue_env_log(env, "binance");
    for (size_t i = 0; i < n_known; i++) {
        const xg_log_filter f = {.method = "POST",
                                 .path = "/api/v3/order",
                                 .client_id = known[i],
                                 .client_id_len = 16,
                                 .status = 200};
        assert_true(xg_log_count(log, &f) <= 1);
    }
    const xg_log_filter all = {
        .method = "POST", .path = "/api/v3/order", .status = 200};
    size_t placed = xg_log_count(log, &all);
    size_t placed_known = 0;
    for (size_t i = 0; i < n_known; i++) {
        const xg_log_filter f = {.method = "POST",
                                 .path = "/api/v3/order",
                                 .client_id = known[i],
                                 .client_id_len = 16,
                                 .status = 200};
        placed_known += xg_log_count(log, &f);
    }
    json_decref(log);
    printf("crash: round %d: %zu orders known after the restart, %zu "
           "placements at the venue, all of known orders: %s\n",
           round, n_known, placed, placed == placed_known ? "yes" : "NO");
    assert_int_equal(placed, placed_known);
    xg_venue_env_stop(env);
}

static void
crash_rounds(const char *journal)
{
    char root[64];
    snprintf(root, sizeof root, "\"journal\": \"%s\",", journal);
    xg_venue_env_set_root(root);
    uint64_t seed = 0xc0ffee;
    const char *s = getenv("XG_CRASH_SEED");
    if (s != NULL) {
        seed = strtoull(s, NULL, 0);
    }
    printf("crash: seed 0x%llx (XG_CRASH_SEED to replay)\n",
           (unsigned long long)seed);
    xg_test_rng_seed(&rng, seed);
    for (int round = 0; round < ROUNDS; round++) {
        /* A commit among the first orders' turns (each order is a few),
         * and a cut anywhere in a frame of one or two orders, from
         * nothing written to all but its last bytes. */
        uint64_t commit = 3 + (uint64_t)xg_test_rng_below(&rng, 30);
        size_t bytes = (size_t)xg_test_rng_below(&rng, 400);
        crash_and_recover(round, commit, bytes);
    }
    xg_venue_env_set_root("");
}

static void
test_a_turn_torn_by_a_crash_loses_and_doubles_nothing(void **state)
{
    (void)state;
    crash_rounds("normal");
}

static void
test_full_a_turn_torn_by_a_crash_loses_and_doubles_nothing(void **state)
{
    (void)state;
    crash_rounds("full");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_a_turn_torn_by_a_crash_loses_and_doubles_nothing,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_full_a_turn_torn_by_a_crash_loses_and_doubles_nothing,
            xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
