/*
 * test_streams.c - fills in real time from the venues' private streams,
 * through the whole chain: xgsim's market and its stream, the adapter's
 * stream side, the core's connection (wsconn.c, stream.c), the order's
 * lifecycle, the journal and the strategy's events. One table row per
 * venue whose simulator serves its stream.
 *
 * 1. The stream goes live (venue_status says so); a resting buy filled in
 *    three parts by the market yields three `fill` events, each with the
 *    simulator's trade id, quantity, price and fee, each trade once, and
 *    the order's own events; the simulator's log shows no REST request
 *    that learned them (no open-orders list, no query).
 * 2. The simulator cuts a silent stream (its idle cut, shortened): the
 *    gateway reconnects, goes live again, and a fill after that is told
 *    too.
 * 3. Trades while the gateway is down are told after its restart, from
 *    the venue's list of the order's fills, and a trade told before is
 *    not told again.
 *
 * The simulator's walk is paused (--set <venue>.walk=0); the sweep would
 * ask every 100 ms if it ran, so its silence is the stream's doing.
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

#define WAIT_MS 5000

/* A venue whose simulator serves its private stream. */
typedef struct stream_case {
    const char *venue;
    const char *venue_symbol; /* BTC/USDT as the admin API names it */
    /* The REST requests that would learn a fill (an open-orders list, a
     * query): paths or path prefixes of the simulator's log. */
    const char *rest_paths[2];
    /* The fee currency of a maker buy's fill; "" when the stream does
     * not say the fee. */
    const char *fee_currency;
    /* --set <venue>.<idle>=1500 shortens the simulator's cut of a silent
     * stream. */
    const char *idle_setting;
    /* The venue's list of an order's fills (XG_OP_ORDER_FILLS). */
    const char *fills_path;
} stream_case;

static const stream_case okx = {
    "okx",
    "BTC-USDT",
    {"/api/v5/trade/orders-pending", "/api/v5/trade/order?"},
    "BTC",
    "okx.stream_idle_ms",
    "/api/v5/trade/fills"};

/* Bybit learns a fill over REST from the realtime query (open orders, or
 * one order by id) or the execution list; its fees are in the coin
 * received. */
static const stream_case bybit = {"bybit",
                                  "BTCUSDT",
                                  {"/v5/order/realtime", "/v5/execution/list"},
                                  "BTC",
                                  "bybit.stream_idle_ms",
                                  "/v5/execution/list"};

/* KuCoin's stream starts with the token request (bullet-private), which
 * the gateway makes through its limiter; its pushes carry no fee. */
static const stream_case kucoin = {
    "kucoin",
    "BTC-USDT",
    {"/api/v1/hf/orders/active", "/api/v1/hf/orders/client-order/"},
    "",
    "kucoin.stream_idle_ms",
    "/api/v1/hf/fills"};
/* Binance cuts no idle stream (the gateway answers its ping frames); its
 * cut is the connection's lifetime (24 h there), shortened the same way. */
static const stream_case binance = {"binance",
                                    "BTCUSDT",
                                    {"/api/v3/openOrders", "/api/v3/order?"},
                                    "BTC",
                                    "binance.stream_life_ms",
                                    "/api/v3/myTrades"};

/* The case under way, for the helpers. */
static const stream_case *the_case;

static void
sim_admin_ok(xg_venue_env *e, const char *path, const char *body)
{
    char out[2048];
    if (xg_sim_admin(&e->sim, the_case->venue, "POST", path, body, out,
                     sizeof out) != XG_OK) {
        fail_msg("%s %s: %s", path, body, out);
    }
}

/* The venue's object of a venue_status reply (given), or NULL. */
static json_t *
venue_status(xg_venue_env *e)
{
    json_t *r =
        xg_client_call(&e->client, "{\"type\":\"venue_status\"}", WAIT_MS);
    json_t *venues = json_object_get(r, "venues");
    for (size_t i = 0; i < json_array_size(venues); i++) {
        json_t *v = json_array_get(venues, i);
        const char *name = json_string_value(json_object_get(v, "name"));
        if (name != NULL && strcmp(name, the_case->venue) == 0) {
            json_incref(v);
            json_decref(r);
            return v;
        }
    }
    json_decref(r);
    return NULL;
}

/* Wait until venue_status says the stream is live. */
static void
await_live(xg_venue_env *e)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    const char *last = "?";
    char seen[160] = "";
    while (xg_test_now_ms() < end) {
        json_t *v = venue_status(e);
        last = json_string_value(json_object_get(v, "stream"));
        if (last != NULL && strcmp(last, "LIVE") == 0) {
            json_decref(v);
            return;
        }
        snprintf(seen, sizeof seen, "%s (%s)", last != NULL ? last : "?",
                 json_string_value(json_object_get(v, "stream_reason")));
        json_decref(v);
        xg_test_sleep_ms(20);
    }
    fail_msg("%s stream never went live; last %s", the_case->venue, seen);
}

/* One level of 0.001 a side, one tick from the reference. */
static void
thin_book(xg_venue_env *e)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"symbol\":\"%s\",\"levels\":1,\"level_qty\":\"0.001\","
             "\"spread_ticks\":1,\"level_ticks\":1,\"refill_ms\":3600000}",
             the_case->venue_symbol);
    sim_admin_ok(e, "/_sim/market", body);
}

typedef struct seen_fills {
    char trade_ids[8][64];
    size_t n;
    /* Fills from the venue's REST list too: KuCoin's says the fee its
     * stream does not, so the fee is not checked. */
    int is_fee_any;
} seen_fills;

/* Read events until the order event `want` of id arrived and fills holds
 * n_fills trades; every fill event of id is checked and its trade id kept
 * (each once). A fill event follows its order's own event. */
static void
await_events(xg_venue_env *e, const char *id, const char *want, size_t n_fills,
             seen_fills *fills)
{
    int64_t end = xg_test_now_ms() + WAIT_MS;
    int is_seen = 0;
    while (xg_test_now_ms() < end) {
        if (is_seen && fills->n >= n_fills) {
            return;
        }
        json_t *ev = xg_client_event(&e->client, 200, NULL, 0);
        if (ev == NULL) {
            continue;
        }
        const char *type = json_string_value(json_object_get(ev, "type"));
        const char *cid = xg_reply_order_field(ev, "client_order_id");
        if (type == NULL || cid == NULL || strcmp(cid, id) != 0) {
            json_decref(ev);
            continue;
        }
        if (strcmp(type, "fill") == 0) {
            json_t *f = json_object_get(ev, "fill");
            const char *tid = json_string_value(json_object_get(f, "trade_id"));
            assert_non_null(tid);
            assert_true(tid[0] != '\0');
            for (size_t i = 0; i < fills->n; i++) {
                if (strcmp(fills->trade_ids[i], tid) == 0) {
                    fail_msg("trade %s told twice", tid);
                }
            }
            assert_true(fills->n < 8);
            snprintf(fills->trade_ids[fills->n++], 64, "%s", tid);
            assert_string_equal(json_string_value(json_object_get(f, "qty")),
                                "0.001");
            assert_string_equal(json_string_value(json_object_get(f, "price")),
                                "34000");
            if (fills->is_fee_any) {
                /* either */
            } else if (the_case->fee_currency[0] != '\0') {
                assert_non_null(json_object_get(f, "fee"));
                assert_string_equal(
                    json_string_value(json_object_get(f, "fee_currency")),
                    the_case->fee_currency);
            } else {
                assert_null(json_object_get(f, "fee"));
            }
            assert_string_equal(
                json_string_value(json_object_get(f, "liquidity")), "maker");
        }
        const char *evname = json_string_value(json_object_get(ev, "event"));
        is_seen |= strcmp(type, "order") == 0 && evname != NULL &&
                   strcmp(evname, want) == 0;
        json_decref(ev);
    }
    if (!is_seen || fills->n < n_fills) {
        fail_msg("%s: %s event %s, %zu of %zu fills", id, want,
                 is_seen ? "seen" : "missing", fills->n, n_fills);
    }
}

/* Move the market down through the buy at 34000: one ask level of 0.001
 * below it, taken by the order as maker. */
static void
move_to(xg_venue_env *e, const char *price)
{
    char body[128];
    snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"%s\"}",
             the_case->venue_symbol, price);
    sim_admin_ok(e, "/_sim/price", body);
}

/* Requests to the simulator's path (a prefix of it). */
static size_t
count_requests(xg_venue_env *e, const char *path)
{
    json_t *log = xg_venue_env_log(e, the_case->venue);
    xg_log_filter f = {"GET", path, 1, NULL, 0, 0};
    size_t n = xg_log_count(log, &f);
    json_decref(log);
    return n;
}

/* The REST requests that would learn of a fill: lists, queries and the
 * order's fills list. */
static size_t
rest_learning(xg_venue_env *e)
{
    size_t n = count_requests(e, the_case->fills_path);
    for (size_t i = 0; i < 2 && the_case->rest_paths[i] != NULL; i++) {
        n += count_requests(e, the_case->rest_paths[i]);
    }
    return n;
}

/* Start the venue's simulator (walk paused; idle_ms: its idle cut, 0
 * for the venue's own) and a gateway with its stream on. */
static xg_venue_env *
start(const stream_case *c, int idle_ms)
{
    char walk[48], idle[64];
    the_case = c;
    snprintf(walk, sizeof walk, "%s.walk=0", c->venue);
    snprintf(idle, sizeof idle, "%s=%d", c->idle_setting, idle_ms);
    const char *args[] = {"--set", walk, "--set", idle, NULL};
    if (idle_ms == 0) {
        args[2] = NULL;
    }
    return xg_venue_env_start(c->venue, args,
                              "\"order_sweep_ms\": 100, \"stream\": true");
}

/* xgctl venues shows the venue's stream LIVE. */
static void
xgctl_shows_live(xg_venue_env *e)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, XG_BIN_DIR "/xgctl --req %s venues",
             e->gw.req_ep);
    FILE *out = popen(cmd, "r");
    assert_non_null(out);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, out) != NULL) {
        rows += strncmp(line, the_case->venue, strlen(the_case->venue)) == 0 &&
                strstr(line, " LIVE ") != NULL;
    }
    assert_int_equal(pclose(out), 0);
    assert_int_equal(rows, 1);
}

static void
fills_come_from_the_stream_once_each(const stream_case *c)
{
    xg_venue_env *e = start(c, 0);
    await_live(e);
    xgctl_shows_live(e);
    thin_book(e);
    json_t *r = xg_venue_env_place(e, NULL, "s1", "BUY", "0.003", "34000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    seen_fills fills = {0};
    await_events(e, "s1", "acked", 0, &fills);
    size_t rest_before = rest_learning(e);

    static const char *const moves[] = {"33990", "33980", "33970"};
    for (int i = 0; i < 3; i++) {
        move_to(e, moves[i]);
        await_events(e, "s1", i < 2 ? "partially_filled" : "filled",
                     (size_t)i + 1, &fills);
        assert_int_equal(fills.n, (size_t)i + 1);
    }
    assert_int_equal(rest_learning(e), rest_before);
    xg_venue_env_stop(e);
}

static void
a_cut_stream_comes_back_and_tells_the_next_fill(const stream_case *c)
{
    /* The gateway pings every 20 s, so the simulator's 1.5 s idle cut
     * (Binance: its lifetime cut) closes the stream: one cut, one
     * reconnect, and 1.5 s after it to place and fill an order on
     * loopback. */
    xg_venue_env *e = start(c, 1500);
    await_live(e);
    int64_t end = xg_test_now_ms() + WAIT_MS;
    int is_cut = 0;
    while (!is_cut && xg_test_now_ms() < end) {
        json_t *v = venue_status(e);
        const char *s = json_string_value(json_object_get(v, "stream"));
        is_cut = s != NULL && strcmp(s, "LIVE") != 0;
        json_decref(v);
        xg_test_sleep_ms(50);
    }
    assert_true(is_cut);
    await_live(e);
    thin_book(e);
    json_t *r = xg_venue_env_place(e, NULL, "s2", "BUY", "0.001", "34000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    seen_fills fills = {0};
    await_events(e, "s2", "acked", 0, &fills);
    move_to(e, "33990");
    await_events(e, "s2", "filled", 1, &fills);
    assert_int_equal(fills.n, 1);
    xg_venue_env_stop(e);
}

/* The order's fills as order_fills tells them, once it lists n (WAIT_MS
 * at most); given. */
static json_t *
await_order_fills(xg_venue_env *e, const char *id, size_t n)
{
    char msg[160];
    snprintf(msg, sizeof msg,
             "{\"type\":\"order_fills\",\"strategy\":\"t1\","
             "\"client_order_id\":\"%s\"}",
             id);
    int64_t end = xg_test_now_ms() + WAIT_MS;
    json_t *r = NULL;
    while (xg_test_now_ms() < end) {
        json_decref(r);
        r = xg_client_call(&e->client, msg, WAIT_MS);
        assert_true(xg_reply_is_ok(r));
        if (json_array_size(json_object_get(r, "fills")) >= n) {
            return r;
        }
        xg_test_sleep_ms(20);
    }
    char *d = json_dumps(r, JSON_COMPACT);
    fail_msg("%s: order_fills never listed %zu fills: %s", id, n, d);
    return NULL;
}

/* The gateway is killed after a resting order's first fill and two more
 * trades fill it while nobody listens: after the restart the order is
 * filled, and the venue's list of the order's fills told the two trades
 * the stream never did; order_fills lists all three once each, in the
 * order told, the first as the stream told it. */
static void
fills_missed_while_down_are_told_after_restart(const stream_case *c)
{
    xg_venue_env *e = start(c, 0);
    await_live(e);
    thin_book(e);
    json_t *r = xg_venue_env_place(e, NULL, "s5", "BUY", "0.003", "34000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    seen_fills fills = {.is_fee_any = 1};
    await_events(e, "s5", "acked", 0, &fills);
    move_to(e, "33990");
    await_events(e, "s5", "partially_filled", 1, &fills);
    assert_int_equal(count_requests(e, c->fills_path), 0);

    xg_client_close(&e->client);
    xg_gw_halt(&e->gw, SIGKILL);
    move_to(e, "33980");
    move_to(e, "33970");
    assert_int_equal(xg_gw_restart(&e->gw), XG_OK);
    assert_int_equal(xg_client_open(&e->client, &e->gw, ""), XG_OK);
    /* Its events may have gone out before this client's subscription was
     * through (ZeroMQ's late joiner): order_fills is how a strategy that
     * reconnects learns what it missed. */
    r = await_order_fills(e, "s5", 3);
    json_t *list = json_object_get(r, "fills");
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(list, 0), "trade_id")),
        fills.trade_ids[0]);
    for (size_t i = 0; i < 3; i++) {
        json_t *f = json_array_get(list, i);
        const char *tid = json_string_value(json_object_get(f, "trade_id"));
        for (size_t k = 0; k < i; k++) {
            assert_string_not_equal(
                tid, json_string_value(
                         json_object_get(json_array_get(list, k), "trade_id")));
        }
        assert_string_equal(json_string_value(json_object_get(f, "qty")),
                            "0.001");
        assert_string_equal(json_string_value(json_object_get(f, "price")),
                            "34000");
    }
    assert_string_equal(xg_reply_order_field(r, "status"), "FILLED");
    assert_string_equal(xg_reply_order_field(r, "filled_qty"), "0.003");
    json_decref(r);
    assert_true(count_requests(e, c->fills_path) >= 1);
    xg_venue_env_stop(e);
}

/* An IOC buy larger than the book: the venue fills what it can and
 * cancels the rest; the order ends expired, as its REST answer says,
 * whichever of the stream and the answer tells first, and its fill is told
 * once. */
static void
ioc_leftover_expires(const stream_case *c)
{
    xg_venue_env *e = start(c, 0);
    await_live(e);
    thin_book(e);
    char req[512];
    snprintf(req, sizeof req,
             "{\"type\":\"new_order\",\"req_id\":\"r-ioc1\",\"strategy\":"
             "\"t1\",\"client_order_id\":\"ioc1\",\"symbol\":\"BTC/USDT\","
             "\"side\":\"BUY\",\"order_type\":\"LIMIT\",\"tif\":\"IOC\","
             "\"qty\":\"0.002\",\"price\":\"36000\",\"venues\":[\"%s\"]}",
             c->venue);
    json_t *r = xg_client_call(&e->client, req, WAIT_MS);
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    int64_t end = xg_test_now_ms() + WAIT_MS;
    const char *final = NULL;
    while (final == NULL && xg_test_now_ms() < end) {
        json_t *ev = xg_client_event(&e->client, 200, NULL, 0);
        const char *name = json_string_value(json_object_get(ev, "event"));
        const char *cid = xg_reply_order_field(ev, "client_order_id");
        if (name != NULL && cid != NULL && strcmp(cid, "ioc1") == 0 &&
            (strcmp(name, "expired") == 0 || strcmp(name, "canceled") == 0 ||
             strcmp(name, "filled") == 0 || strcmp(name, "rejected") == 0)) {
            final = strcmp(name, "expired") == 0 ? "expired" : "other";
            if (final[0] != 'e') {
                char *text = json_dumps(ev, JSON_COMPACT);
                fail_msg("%s: ioc1 ended with %s", c->venue, text);
            }
        }
        json_decref(ev);
    }
    assert_non_null(final);
    xg_venue_env_stop(e);
}

/* An amend by cancel-replace (a new price: Binance's under a new client
 * id, KuCoin's under the same one): the venue pushes the old order's
 * cancel, before or after its answer; the order is replaced and stays
 * open, then cancels cleanly. */
static void
replace_keeps_the_order(const stream_case *c)
{
    xg_venue_env *e = start(c, 0);
    await_live(e);
    for (int i = 0; i < 5; i++) {
        char id[16], req[512];
        snprintf(id, sizeof id, "rp%d", i);
        json_t *r = xg_venue_env_place(e, NULL, id, "BUY", "0.001", "30000");
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
        json_t *ev =
            xg_client_wait_order_event(&e->client, id, "acked", WAIT_MS);
        assert_non_null(ev);
        json_decref(ev);
        snprintf(req, sizeof req,
                 "{\"type\":\"amend_order\",\"req_id\":\"a-%s\","
                 "\"strategy\":\"t1\",\"client_order_id\":\"%s\","
                 "\"price\":\"29990\"}",
                 id, id);
        r = xg_client_call(&e->client, req, WAIT_MS);
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
        ev = xg_client_wait_order_event(&e->client, id, "replaced", WAIT_MS);
        if (ev == NULL) {
            fail_msg("%s: %s not replaced", c->venue, id);
        }
        assert_string_equal(xg_reply_order_field(ev, "status"), "NEW");
        json_decref(ev);
        r = xg_venue_env_call_about(e, "cancel_order", "t1", id);
        assert_true(xg_reply_is_ok(r));
        json_decref(r);
        ev = xg_client_wait_order_event(&e->client, id, "canceled", WAIT_MS);
        assert_non_null(ev);
        json_decref(ev);
    }
    xg_venue_env_stop(e);
}

static void
test_binance_replace_keeps_the_order(void **state)
{
    (void)state;
    replace_keeps_the_order(&binance);
}

static void
test_kucoin_replace_keeps_the_order(void **state)
{
    (void)state;
    replace_keeps_the_order(&kucoin);
}

static void
test_okx_fills_come_from_the_stream_once_each(void **state)
{
    (void)state;
    fills_come_from_the_stream_once_each(&okx);
}

static void
test_okx_cut_stream_comes_back(void **state)
{
    (void)state;
    a_cut_stream_comes_back_and_tells_the_next_fill(&okx);
}

static void
test_bybit_fills_come_from_the_stream_once_each(void **state)
{
    (void)state;
    fills_come_from_the_stream_once_each(&bybit);
}

static void
test_bybit_cut_stream_comes_back(void **state)
{
    (void)state;
    a_cut_stream_comes_back_and_tells_the_next_fill(&bybit);
}

static void
test_kucoin_fills_come_from_the_stream_once_each(void **state)
{
    (void)state;
    fills_come_from_the_stream_once_each(&kucoin);
}

static void
test_kucoin_cut_stream_comes_back(void **state)
{
    (void)state;
    a_cut_stream_comes_back_and_tells_the_next_fill(&kucoin);
}

static void
test_okx_ioc_leftover_expires(void **state)
{
    (void)state;
    ioc_leftover_expires(&okx);
}

static void
test_bybit_ioc_leftover_expires(void **state)
{
    (void)state;
    ioc_leftover_expires(&bybit);
}

static void
test_binance_ioc_leftover_expires(void **state)
{
    (void)state;
    ioc_leftover_expires(&binance);
}

static void
test_kucoin_ioc_leftover_expires(void **state)
{
    (void)state;
    ioc_leftover_expires(&kucoin);
}

static void
test_binance_fills_come_from_the_stream_once_each(void **state)
{
    (void)state;
    fills_come_from_the_stream_once_each(&binance);
}

static void
test_okx_fills_missed_while_down(void **state)
{
    (void)state;
    fills_missed_while_down_are_told_after_restart(&okx);
}

static void
test_bybit_fills_missed_while_down(void **state)
{
    (void)state;
    fills_missed_while_down_are_told_after_restart(&bybit);
}

static void
test_kucoin_fills_missed_while_down(void **state)
{
    (void)state;
    fills_missed_while_down_are_told_after_restart(&kucoin);
}

static void
test_binance_fills_missed_while_down(void **state)
{
    (void)state;
    fills_missed_while_down_are_told_after_restart(&binance);
}

static void
test_binance_cut_stream_comes_back(void **state)
{
    (void)state;
    a_cut_stream_comes_back_and_tells_the_next_fill(&binance);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_okx_fills_come_from_the_stream_once_each,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_cut_stream_comes_back,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_bybit_fills_come_from_the_stream_once_each,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_cut_stream_comes_back,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_kucoin_fills_come_from_the_stream_once_each,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_kucoin_cut_stream_comes_back,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_ioc_leftover_expires,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_ioc_leftover_expires,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_kucoin_ioc_leftover_expires,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_binance_ioc_leftover_expires,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(
            test_binance_fills_come_from_the_stream_once_each,
            xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_binance_cut_stream_comes_back,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_fills_missed_while_down,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_fills_missed_while_down,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_kucoin_fills_missed_while_down,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_binance_fills_missed_while_down,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_binance_replace_keeps_the_order,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_kucoin_replace_keeps_the_order,
                                  xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
