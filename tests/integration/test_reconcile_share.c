/*
 * test_reconcile_share.c - reconciliation (queries of orders whose outcome
 * is unknown, or recovered from the journal) gets a capped share of each
 * rate-limit bucket: many such orders are settled without the venue ever
 * answering "rate limited", and new orders keep flowing meanwhile instead
 * of waiting behind the queries.
 *
 * xgsim's Binance runs with a small weight budget (100 per 2 s window, a
 * query weighs 4); the gateway's default share is 50 %. From the
 * simulator's own request log the tests check that no answer was a 429 or
 * a 418 and that the queries never used more than the share of a window.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "venue_env.h"

#define WEIGHT_LIMIT   100
#define WINDOW_MS      2000
#define QUERY_WEIGHT   4  /* GET /api/v3/order, docs/simulator.md */
#define SHARE_PCT      50 /* the configuration's default */
#define UNKNOWN_ORDERS 30
#define NEW_ORDERS     10
#define MAX_IDS        64

/* The running test's environment; xg_venue_env_teardown stops it. */
static xg_venue_env *env;

static void
start(void)
{
    static const char *const args[] = {"--set", "binance.weight_limit=100",
                                       "--set", "binance.weight_window_s=2",
                                       NULL};
    env = xg_venue_env_start("binance", args, "");
}

static void
place(const char *id)
{
    const xg_test_order o = {.strategy = "rs",
                             .id = id,
                             .side = "BUY",
                             .qty = "0.001",
                             .price = "30000"};
    json_t *r = xg_venue_env_place_order(env, &o);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
}

static void
sim_fault(const char *body)
{
    char out[256];
    assert_int_equal(xg_sim_admin(&env->sim, "binance", "POST", "/_sim/fault",
                                  body, out, sizeof out),
                     XG_OK);
}

/* Index of id in ids (n entries), -1 if absent. */
static int
find_id(char ids[][24], int n, const char *id)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(ids[i], id) == 0) {
            return i;
        }
    }
    return -1;
}

/* The simulator never refused a request for its rate or banned us, and
 * in no window of the weight budget did order queries (entries from seq
 * `since` on) use more than the reconciliation share. */
static void
assert_no_limit_hit_and_queries_within_share(int64_t since)
{
    json_t *log = xg_venue_env_log(env, "binance");
    assert_int_equal(xg_log_count_field(log, "status", 429), 0);
    assert_int_equal(xg_log_count_field(log, "status", 418), 0);
    enum { MAX_WINDOWS = 512 };
    int64_t first_window = -1;
    int64_t weight[MAX_WINDOWS] = {0};
    size_t i, queries = 0;
    json_t *o;
    json_array_foreach(log, i, o)
    {
        const char *method = json_string_value(json_object_get(o, "method"));
        const char *path = json_string_value(json_object_get(o, "path"));
        if (json_integer_value(json_object_get(o, "seq")) <= since ||
            method == NULL || path == NULL || strcmp(method, "GET") != 0 ||
            strncmp(path, "/api/v3/order", 13) != 0 ||
            (path[13] != '\0' && path[13] != '?')) {
            continue;
        }
        int64_t w = json_integer_value(json_object_get(o, "t_ms")) / WINDOW_MS;
        if (first_window < 0) {
            first_window = w;
        }
        assert_true(w - first_window < MAX_WINDOWS);
        weight[w - first_window] += QUERY_WEIGHT;
        queries++;
    }
    assert_true(queries > 0);
    int64_t busiest = 0;
    for (size_t k = 0; k < MAX_WINDOWS; k++) {
        busiest = weight[k] > busiest ? weight[k] : busiest;
    }
    print_message("queries: %zu, busiest window: %lld of %d weight\n", queries,
                  (long long)busiest, WEIGHT_LIMIT);
    assert_true(busiest <= WEIGHT_LIMIT * SHARE_PCT / 100);
    json_decref(log);
}

static int64_t
last_log_seq(void)
{
    json_t *log = xg_venue_env_log(env, "binance");
    size_t n = json_array_size(log);
    int64_t seq = n > 0 ? json_integer_value(json_object_get(
                              json_array_get(log, n - 1), "seq"))
                        : 0;
    json_decref(log);
    return seq;
}

static void
test_unknown_orders_reconcile_within_share_while_new_orders_flow(void **state)
{
    (void)state;
    start();
    /* Every request is executed and then answered 503: each order is
     * placed on the venue but its outcome is unknown to the gateway. */
    sim_fault("{\"status_5xx\":{\"count\":100000,\"status\":503,"
              "\"execute\":true}}");
    static char unknown[MAX_IDS][24];
    for (int k = 0; k < UNKNOWN_ORDERS; k++) {
        snprintf(unknown[k], sizeof unknown[k], "unk%02d", k);
        place(unknown[k]);
    }
    int went_unknown = 0;
    int64_t deadline = xg_test_now_ms() + 30000;
    while (went_unknown < UNKNOWN_ORDERS && xg_test_now_ms() < deadline) {
        json_t *e = xg_client_event(&env->client, 1000, NULL, 0);
        const char *type = json_string_value(json_object_get(e, "type"));
        const char *name = json_string_value(json_object_get(e, "event"));
        if (type != NULL && strcmp(type, "order") == 0 && name != NULL) {
            assert_string_not_equal(name, "rejected");
            went_unknown += strcmp(name, "unknown") == 0;
        }
        json_decref(e);
    }
    assert_int_equal(went_unknown, UNKNOWN_ORDERS);

    /* The venue answers again: thousands of queries could now go at
     * once; the share holds them to half of each window, and the new
     * orders placed behind them do not wait for them. */
    int64_t since = last_log_seq();
    sim_fault("{\"clear\":true}");
    static char fresh[MAX_IDS][24];
    for (int k = 0; k < NEW_ORDERS; k++) {
        snprintf(fresh[k], sizeof fresh[k], "new%02d", k);
        place(fresh[k]);
    }
    int settled = 0;
    int acked_new = 0;
    int seq = 0;
    int first_new_ack = -1;
    int last_settle = -1;
    deadline = xg_test_now_ms() + 60000;
    while ((settled < UNKNOWN_ORDERS || acked_new < NEW_ORDERS) &&
           xg_test_now_ms() < deadline) {
        json_t *e = xg_client_event(&env->client, 1000, NULL, 0);
        const char *type = json_string_value(json_object_get(e, "type"));
        const char *name = json_string_value(json_object_get(e, "event"));
        const char *id = xg_reply_order_field(e, "client_order_id");
        if (type != NULL && strcmp(type, "order") == 0 && name != NULL &&
            id != NULL) {
            assert_string_not_equal(name, "rejected");
            if (strcmp(name, "acked") == 0 &&
                find_id(unknown, UNKNOWN_ORDERS, id) >= 0) {
                settled++;
                last_settle = seq;
            } else if (strcmp(name, "acked") == 0 &&
                       find_id(fresh, NEW_ORDERS, id) >= 0) {
                acked_new++;
                if (first_new_ack < 0) {
                    first_new_ack = seq;
                }
            }
            seq++;
        }
        json_decref(e);
    }
    assert_int_equal(settled, UNKNOWN_ORDERS);
    assert_int_equal(acked_new, NEW_ORDERS);
    /* New orders went out while reconciliation was still capped. */
    assert_true(first_new_ack < last_settle);
    assert_no_limit_hit_and_queries_within_share(since);

    /* Every unknown order is on the venue once: queried, never re-sent. */
    for (int k = 0; k < UNKNOWN_ORDERS; k++) {
        json_t *r =
            xg_venue_env_call_about(env, "query_order", "rs", unknown[k]);
        assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
        json_t *log = xg_venue_env_log(env, "binance");
        const xg_log_filter f = {
            .method = "POST",
            .path = "/api/v3/order",
            .client_id = xg_reply_order_field(r, "venue_client_order_id")};
        assert_int_equal(xg_log_count(log, &f), 1);
        json_decref(log);
        json_decref(r);
    }
}

static void
test_recovered_orders_reconcile_within_share(void **state)
{
    (void)state;
    enum { RECOVERED = 24 };
    start();
    char id[24];
    for (int k = 0; k < RECOVERED; k++) {
        snprintf(id, sizeof id, "rec%02d", k);
        place(id);
        json_t *ev =
            xg_client_wait_order_event(&env->client, id, "acked", 5000);
        assert_non_null(ev);
        json_decref(ev);
    }
    xg_client_close(&env->client);
    xg_gw_halt(&env->gw, SIGKILL);
    /* Let the venue's window pass: the new process cannot know what the
     * dead one spent until the venue tells it. */
    xg_test_sleep_ms(WINDOW_MS + 100);
    int64_t since = last_log_seq();
    /* Ready only once every recovered order is settled. */
    assert_int_equal(xg_gw_restart(&env->gw), XG_OK);
    assert_int_equal(xg_client_open(&env->client, &env->gw, ""), XG_OK);
    assert_no_limit_hit_and_queries_within_share(since);
    for (int k = 0; k < RECOVERED; k++) {
        snprintf(id, sizeof id, "rec%02d", k);
        json_t *r = xg_venue_env_call_about(env, "query_order", "rs", id);
        assert_string_equal(xg_reply_order_field(r, "status"), "NEW");
        json_decref(r);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(
            test_unknown_orders_reconcile_within_share_while_new_orders_flow,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_recovered_orders_reconcile_within_share,
                                  xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
