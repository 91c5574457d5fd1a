/*
 * test_batch.c - the gateway's batches through xgsim, on the venues that
 * have a batch place (OKX 20, Bybit 10, KuCoin 5 orders a request), and
 * balances on every venue.
 *
 * 1. A burst (two batch_new requests of 20) goes to the venue in fewer
 *    requests than orders, read from the simulator's log, where each
 *    order of a batch has its own entry: every order placed exactly once.
 * 2. A batch whose middle order the venue refuses (more than the account
 *    holds) reports each order right: the others acked, that one
 *    rejected with the venue's code (or, on KuCoin, its message).
 * 3. Amends in place sent together go as one batch amend on OKX (up to
 *    20 a request), each order amended once.
 * 4. balances: the first reply has no figures yet and asks the venue;
 *    the balances event brings them; the next reply shows them, with
 *    what a resting order locks.
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

#include "venue_env.h"

typedef struct batch_venue {
    const char *venue;
    const char *batch_path; /* its batch place, as the log shows it */
    size_t batch_max;
} batch_venue;

static const batch_venue okx = {"okx", "/api/v5/trade/batch-orders", 20};
static const batch_venue bybit = {"bybit", "/v5/order/create-batch", 10};
static const batch_venue kucoin = {"kucoin", "/api/v1/hf/orders/multi", 5};

#define BURST 40

/* A batch_new of the orders ids[from..to) of strategy t1 on venue: BUY
 * BTC/USDT at 30000 - i, 0.001 each, but `big` (if in range) for more
 * than the account holds. Asserts each was accepted. */
static void
batch_new(xg_venue_env *e, const char *venue, int from, int to, int big)
{
    static char req[65536];
    size_t n = (size_t)snprintf(req, sizeof req,
                                "{\"type\":\"batch_new\",\"req_id\":\"b%d\","
                                "\"orders\":[",
                                from);
    for (int i = from; i < to; i++) {
        n += (size_t)snprintf(
            req + n, sizeof req - n,
            "%s{\"strategy\":\"t1\",\"client_order_id\":\"q%d\",\"symbol\":"
            "\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":\"LIMIT\","
            "\"tif\":\"GTC\",\"qty\":\"%s\",\"price\":\"%d\",\"venues\":["
            "\"%s\"]}",
            i > from ? "," : "", i, i == big ? "100" : "0.001", 30000 - i,
            venue);
    }
    snprintf(req + n, sizeof req - n, "]}");
    json_t *r = xg_client_call(&e->client, req, 5000);
    assert_non_null(r);
    assert_true(xg_reply_is_ok(r));
    json_t *results = json_object_get(r, "results");
    assert_int_equal(json_array_size(results), (size_t)(to - from));
    size_t i;
    json_t *one;
    json_array_foreach(results, i, one)
    {
        if (!json_is_true(json_object_get(one, "ok"))) {
            char *text = json_dumps(one, JSON_COMPACT);
            fail_msg("%s: order %zu of the batch refused: %s", venue, i, text);
        }
    }
    json_decref(r);
}

/* The log entries of v's batch requests (its batch_path): *orders their
 * orders, and the requests (each batch's first entry) returned. */
static size_t
place_requests(const json_t *log, const batch_venue *v, size_t *orders)
{
    size_t i, requests = 0;
    const json_t *o;
    *orders = 0;
    json_array_foreach(log, i, o)
    {
        const char *path = json_string_value(json_object_get(o, "path"));
        if (path == NULL || strcmp(path, v->batch_path) != 0) {
            continue;
        }
        (*orders)++;
        requests += json_integer_value(json_object_get(o, "batch_i")) == 0;
    }
    return requests;
}

/* How many entries of log placed client id vid (batch or single). */
static size_t
placed(const json_t *log, const char *vid)
{
    size_t i, n = 0;
    const json_t *o;
    json_array_foreach(log, i, o)
    {
        const char *id =
            json_string_value(json_object_get(o, "client_order_id"));
        const char *outcome = json_string_value(json_object_get(o, "outcome"));
        n += id != NULL && outcome != NULL && strcmp(id, vid) == 0 &&
             strcmp(outcome, "placed") == 0;
    }
    return n;
}

static void
burst_goes_in_batches(const batch_venue *v)
{
    xg_venue_env *e = xg_venue_env_start(v->venue, NULL, "");
    batch_new(e, v->venue, 0, BURST / 2, -1);
    batch_new(e, v->venue, BURST / 2, BURST, -1);
    int waits = 0;
    xg_venue_env_await_acks(e, BURST, 1, &waits);

    json_t *log = xg_venue_env_log(e, v->venue);
    size_t orders = 0;
    size_t requests = place_requests(log, v, &orders);
    fprintf(stderr, "%s: %d orders placed by %zu batch requests (%zu orders "
                    "in them)\n",
            v->venue, BURST, requests, orders);
    /* Where a batch does not fit the venue's batch limit at once, its
     * head goes alone on the single place's limit: both budgets used. */
    assert_true(orders >= v->batch_max);
    assert_true(requests < orders);
    assert_true(requests >= (orders + v->batch_max - 1) / v->batch_max);
    for (int i = 0; i < BURST; i++) {
        char id[16];
        snprintf(id, sizeof id, "q%d", i);
        json_t *q = xg_venue_env_call_about(e, "query_order", "t1", id);
        const char *vid = xg_reply_order_field(q, "venue_client_order_id");
        assert_non_null(vid);
        assert_int_equal(placed(log, vid), 1);
        json_decref(q);
    }
    json_decref(log);
    xg_venue_env_stop(e);
}

/* One order alone first: until the venue has answered one new order,
 * the gateway sends one at a time (venue.h, probing_ops). Then read
 * events until q0, q1 and q2 each have their outcome. */
static void
partial_failure_reported_per_order(const batch_venue *v)
{
    xg_venue_env *e = xg_venue_env_start(v->venue, NULL, "");
    json_t *first = xg_venue_env_place(e, NULL, "w0", "BUY", "0.001", "29000");
    assert_true(xg_reply_is_ok(first));
    json_decref(first);
    first = xg_client_wait_order_event(&e->client, "w0", "acked", 5000);
    assert_non_null(first);
    json_decref(first);
    batch_new(e, v->venue, 0, 3, 1);
    const char *want[3] = {"acked", "rejected", "acked"};
    int seen[3] = {0, 0, 0};
    int n_seen = 0;
    while (n_seen < 3) {
        json_t *ev = xg_client_event(&e->client, 10000, NULL, 0);
        if (ev == NULL) {
            fail_msg("%s: %d of 3 outcomes, then nothing for 10 s", v->venue,
                     n_seen);
        }
        const char *kind = json_string_value(json_object_get(ev, "event"));
        const char *id = xg_reply_order_field(ev, "client_order_id");
        if (kind != NULL && id != NULL && id[0] == 'q' && id[2] == '\0' &&
            id[1] >= '0' && id[1] <= '2' &&
            (strcmp(kind, "acked") == 0 || strcmp(kind, "rejected") == 0)) {
            int k = id[1] - '0';
            assert_false(seen[k]);
            if (strcmp(kind, want[k]) != 0) {
                char *text = json_dumps(ev, JSON_COMPACT);
                fail_msg("%s: %s %s, want %s: %s", v->venue, id, kind,
                         want[k], text);
            }
            if (k == 1) {
                json_t *err =
                    json_object_get(json_object_get(ev, "order"), "error");
                const char *code =
                    json_string_value(json_object_get(err, "venue_code"));
                const char *msg =
                    json_string_value(json_object_get(err, "venue_msg"));
                /* KuCoin names a batch order's refusal by message only. */
                assert_true((code != NULL && code[0] != '\0') ||
                            (msg != NULL && msg[0] != '\0'));
            }
            seen[k] = 1;
            n_seen++;
        }
        json_decref(ev);
    }
    json_t *log = xg_venue_env_log(e, v->venue);
    size_t orders = 0;
    assert_int_equal(place_requests(log, v, &orders), 1);
    assert_int_equal(orders, 3);
    json_decref(log);
    xg_venue_env_stop(e);
}

/* Wait for order id's event (given back), failing after 5 s. */
static json_t *
expect_event(xg_venue_env *e, const char *id, const char *event)
{
    json_t *ev = xg_client_wait_order_event(&e->client, id, event, 5000);
    if (ev == NULL) {
        fail_msg("no %s event for %s", event, id);
    }
    return ev;
}

static void
test_okx_amends_go_in_batches(void **state)
{
    (void)state;
    xg_venue_env *e = xg_venue_env_start("okx", NULL, "");
    /* One order placed and amended alone first: a venue answers one of a
     * kind before the gateway batches that kind. */
    json_t *r = xg_venue_env_place(e, NULL, "w0", "BUY", "0.001", "29000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_decref(expect_event(e, "w0", "acked"));
    r = xg_client_call(&e->client,
                       "{\"type\":\"amend_order\",\"strategy\":\"t1\","
                       "\"client_order_id\":\"w0\",\"price\":\"28999\"}",
                       5000);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_decref(expect_event(e, "w0", "amended"));

    const int n = 10;
    batch_new(e, "okx", 0, n, -1);
    int waits = 0;
    xg_venue_env_await_acks(e, n, 1, &waits);
    /* Every amend sent before any reply is read: they wait together. */
    for (int i = 0; i < n; i++) {
        char req[256];
        snprintf(req, sizeof req,
                 "{\"type\":\"amend_order\",\"req_id\":\"a%d\",\"strategy\":"
                 "\"t1\",\"client_order_id\":\"q%d\",\"price\":\"%d\"}",
                 i, i, 29000 - i);
        assert_int_equal(xg_client_send(&e->client, req), 0);
    }
    for (int i = 0; i < n; i++) {
        json_t *reply = xg_client_reply(&e->client, 5000);
        assert_non_null(reply);
        assert_true(xg_reply_is_ok(reply));
        json_decref(reply);
    }
    /* Each order amended once, to its price, in whatever order. */
    int seen[10] = {0};
    for (int n_seen = 0; n_seen < n;) {
        json_t *ev = xg_client_event(&e->client, 5000, NULL, 0);
        if (ev == NULL) {
            fail_msg("okx: %d of %d amends told, then nothing for 5 s", n_seen,
                     n);
        }
        const char *kind = json_string_value(json_object_get(ev, "event"));
        const char *id = xg_reply_order_field(ev, "client_order_id");
        if (kind != NULL && strcmp(kind, "amended") == 0 && id != NULL &&
            id[0] == 'q') {
            int k = (int)strtol(id + 1, NULL, 10);
            assert_true(k >= 0 && k < n && !seen[k]);
            char px[16];
            snprintf(px, sizeof px, "%d", 29000 - k);
            assert_string_equal(xg_reply_order_field(ev, "price"), px);
            seen[k] = 1;
            n_seen++;
        } else if (kind != NULL && strcmp(kind, "amend_rejected") == 0) {
            char *text = json_dumps(ev, JSON_COMPACT);
            fail_msg("okx: amend refused: %s", text);
        }
        json_decref(ev);
    }
    json_t *log = xg_venue_env_log(e, "okx");
    const batch_venue amends = {"okx", "/api/v5/trade/amend-batch-orders", 20};
    size_t orders = 0;
    size_t requests = place_requests(log, &amends, &orders);
    fprintf(stderr, "okx: %d amends, %zu of them in %zu batch amends\n", n,
            orders, requests);
    assert_true(requests >= 1);
    assert_true(requests < orders);
    json_decref(log);
    xg_venue_env_stop(e);
}

/* The USDT row of a balances reply's or event's assets, or NULL. */
static const json_t *
usdt_of(const json_t *assets)
{
    size_t i;
    const json_t *a;
    json_array_foreach(assets, i, a)
    {
        const char *name = json_string_value(json_object_get(a, "asset"));
        if (name != NULL && strcmp(name, "USDT") == 0) {
            return a;
        }
    }
    return NULL;
}

/* xgctl balances prints the cached USDT row of venue. */
static void
xgctl_shows_usdt(xg_venue_env *e, const char *venue)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             XG_BIN_DIR "/xgctl --req %s balances --venue %s --max-age-ms "
                        "60000",
             e->gw.req_ep, venue);
    FILE *out = popen(cmd, "r");
    assert_non_null(out);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, out) != NULL) {
        rows += strncmp(line, venue, strlen(venue)) == 0 &&
                strstr(line, " USDT ") != NULL;
    }
    assert_int_equal(pclose(out), 0);
    assert_int_equal(rows, 1);
}

static void
balances_from_the_venue(const char *venue)
{
    xg_venue_env *e = xg_venue_env_start(venue, NULL, "");
    json_t *r = xg_venue_env_place(e, NULL, "rest1", "BUY", "0.001", "30000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    r = xg_client_wait_order_event(&e->client, "rest1", "acked", 5000);
    assert_non_null(r);
    json_decref(r);

    r = xg_client_call(&e->client, "{\"type\":\"balances\",\"req_id\":\"w1\"}",
                       5000);
    assert_true(xg_reply_is_ok(r));
    json_t *b = json_array_get(json_object_get(r, "balances"), 0);
    assert_string_equal(json_string_value(json_object_get(b, "venue")), venue);
    assert_int_equal(json_integer_value(json_object_get(b, "age_ms")), -1);
    assert_true(json_is_true(json_object_get(b, "refreshing")));
    json_decref(r);

    /* The venue's answer comes as an event. */
    json_t *ev = NULL;
    for (int i = 0; i < 50 && ev == NULL; i++) {
        char topic[64];
        json_t *one = xg_client_event(&e->client, 5000, topic, sizeof topic);
        assert_non_null(one);
        const char *type = json_string_value(json_object_get(one, "type"));
        if (type != NULL && strcmp(type, "balances") == 0) {
            ev = one;
        } else {
            json_decref(one);
        }
    }
    assert_non_null(ev);
    assert_non_null(usdt_of(json_object_get(ev, "assets")));
    json_decref(ev);

    r = xg_client_call(&e->client,
                       "{\"type\":\"balances\",\"req_id\":\"w2\",\"venue\":\"",
                       5000);
    /* A request cut short is refused, and the gateway goes on. */
    assert_false(xg_reply_is_ok(r));
    json_decref(r);
    char req[128];
    snprintf(req, sizeof req,
             "{\"type\":\"balances\",\"req_id\":\"w3\",\"venue\":\"%s\","
             "\"max_age_ms\":60000}",
             venue);
    r = xg_client_call(&e->client, req, 5000);
    assert_true(xg_reply_is_ok(r));
    b = json_array_get(json_object_get(r, "balances"), 0);
    assert_true(json_integer_value(json_object_get(b, "age_ms")) >= 0);
    assert_false(json_is_true(json_object_get(b, "refreshing")));
    const json_t *usdt = usdt_of(json_object_get(b, "assets"));
    assert_non_null(usdt);
    xgctl_shows_usdt(e, venue);
    /* The resting buy holds 0.001 x 30000 (and, on some venues, its
     * fee). */
    double locked =
        strtod(json_string_value(json_object_get(usdt, "locked")), NULL);
    if (locked < 30.0) {
        char *text = json_dumps(b, JSON_COMPACT);
        fail_msg("%s: USDT locked %.8f, want at least 30: %s", venue, locked,
                 text);
    }
    json_decref(r);
    xg_venue_env_stop(e);
}

#define BATCH_TESTS(v)                                                         \
    static void test_##v##_burst_goes_in_batches(void **state)                 \
    {                                                                          \
        (void)state;                                                           \
        burst_goes_in_batches(&v);                                             \
    }                                                                          \
    static void test_##v##_partial_failure_reported_per_order(void **state)    \
    {                                                                          \
        (void)state;                                                           \
        partial_failure_reported_per_order(&v);                                \
    }

BATCH_TESTS(okx)
BATCH_TESTS(bybit)
BATCH_TESTS(kucoin)

#define BALANCES_TEST(v)                                                       \
    static void test_##v##_balances(void **state)                              \
    {                                                                          \
        (void)state;                                                           \
        balances_from_the_venue(#v);                                           \
    }

BALANCES_TEST(binance)
BALANCES_TEST(bybit)
BALANCES_TEST(okx)
BALANCES_TEST(kucoin)

#define T(name) cmocka_unit_test_teardown(name, xg_venue_env_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_okx_burst_goes_in_batches),
        T(test_okx_partial_failure_reported_per_order),
        T(test_bybit_burst_goes_in_batches),
        T(test_bybit_partial_failure_reported_per_order),
        T(test_kucoin_burst_goes_in_batches),
        T(test_kucoin_partial_failure_reported_per_order),
        T(test_okx_amends_go_in_batches),
        T(test_binance_balances),
        T(test_bybit_balances),
        T(test_okx_balances),
        T(test_kucoin_balances),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
