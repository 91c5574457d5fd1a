/*
 * test_market_fills.c - what a strategy hears of fills the market makes,
 * on every venue, through the whole chain: xgsim's market, the venue's
 * answer, the adapter, the core's lifecycle and the order event.
 *
 * 1. A resting buy is filled in three parts as the market moves down
 *    through it: three events, partially_filled 0.001, partially_filled
 *    0.002, filled 0.003, each with the quote amount and average price of
 *    its fills (the maker's own price).
 * 2. A buy priced well above the market takes the two best asks: it fills
 *    at the book's prices, not its own (price improvement), and its fill
 *    event carries the average price and the taker fee in the venue's fee
 *    currency.
 *
 * The simulator's walk is paused (--set <venue>.walk=0), so every price
 * is exact; each BTC/USDT level holds 0.001 (POST /_sim/market).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "venue_env.h"

typedef struct market_case {
    const char *venue;
    const char *venue_symbol; /* as the admin API names it */
    /* The marketable buy's two fills, one tick and two above 35000. */
    const char *improved_avg;
    const char *improved_quote;
    const char *taker_fee; /* "" when the venue's answers carry no fee */
    const char *fee_currency;
} market_case;

static void
sim_admin_ok(xg_venue_env *e, const market_case *c, const char *path,
             const char *body)
{
    char out[2048];
    xg_err err =
        xg_sim_admin(&e->sim, c->venue, "POST", path, body, out, sizeof out);
    if (err != XG_OK) {
        fail_msg("%s %s: %s", path, body, out);
    }
}

/* One level of 0.001 a side, one tick from the reference. */
static void
thin_book(xg_venue_env *e, const market_case *c, int levels)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"symbol\":\"%s\",\"levels\":%d,\"level_qty\":\"0.001\","
             "\"spread_ticks\":1,\"level_ticks\":1,\"refill_ms\":3600000}",
             c->venue_symbol, levels);
    sim_admin_ok(e, c, "/_sim/market", body);
}

static xg_venue_env *
start(const market_case *c)
{
    char walk[32];
    snprintf(walk, sizeof walk, "%s.walk=0", c->venue);
    const char *args[] = {"--set", walk, NULL};
    return xg_venue_env_start(c->venue, args, "\"order_sweep_ms\": 100");
}

static void
expect_field(const json_t *ev, const char *field, const char *want)
{
    const char *got = xg_reply_order_field(ev, field);
    if (got == NULL || strcmp(got, want) != 0) {
        char *text = json_dumps(ev, JSON_COMPACT);
        fail_msg("%s: want %s, event %s", field, want, text);
    }
}

static void
resting_order_fills_in_three_parts(const market_case *c)
{
    xg_venue_env *e = start(c);
    thin_book(e, c, 1);
    json_t *r = xg_venue_env_place(e, NULL, "rest3", "BUY", "0.003", "34000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev = xg_client_wait_order_event(&e->client, "rest3", "acked", 5000);
    assert_non_null(ev);
    json_decref(ev);

    /* Each move rebuilds the one ask level (0.001) below the order's
     * price: the order takes it as maker, at 34000. */
    static const char *const moves[] = {"33990", "33980", "33970"};
    static const char *const filled[] = {"0.001", "0.002", "0.003"};
    static const char *const quote[] = {"34", "68", "102"};
    for (int i = 0; i < 3; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"symbol\":\"%s\",\"price\":\"%s\"}",
                 c->venue_symbol, moves[i]);
        sim_admin_ok(e, c, "/_sim/price", body);
        const char *want = i < 2 ? "partially_filled" : "filled";
        ev = xg_client_wait_order_event(&e->client, "rest3", want, 5000);
        if (ev == NULL) {
            fail_msg("%s: no %s event after the move to %s", c->venue, want,
                     moves[i]);
        }
        expect_field(ev, "filled_qty", filled[i]);
        expect_field(ev, "filled_quote", quote[i]);
        expect_field(ev, "avg_price", "34000");
        json_decref(ev);
    }
    xg_venue_env_stop(e);
}

static void
marketable_order_gets_improvement_and_fee(const market_case *c)
{
    xg_venue_env *e = start(c);
    thin_book(e, c, 5);
    json_t *r = xg_venue_env_place(e, NULL, "take2", "BUY", "0.002", "36000");
    assert_true(xg_reply_is_ok(r));
    json_decref(r);
    json_t *ev =
        xg_client_wait_order_event(&e->client, "take2", "filled", 5000);
    assert_non_null(ev);
    expect_field(ev, "filled_qty", "0.002");
    expect_field(ev, "filled_quote", c->improved_quote);
    expect_field(ev, "avg_price", c->improved_avg);
    expect_field(ev, "fee", c->taker_fee);
    expect_field(ev, "fee_currency", c->fee_currency);
    json_decref(ev);
    xg_venue_env_stop(e);
}

/* Ticks: Binance and Bybit 0.01, OKX and KuCoin 0.1. Taker fees 0.1 %:
 * Binance, Bybit and OKX in the asset received (BTC on a buy), KuCoin in
 * the quote asset. */
static const market_case binance = {"binance",  "BTCUSDT",  "35000.015",
                                    "70.00003", "0.000002", "BTC"};
static const market_case bybit = {"bybit",    "BTCUSDT",  "35000.015",
                                  "70.00003", "0.000002", "BTC"};
static const market_case okx = {"okx",     "BTC-USDT", "35000.15",
                                "70.0003", "0.000002", "BTC"};
static const market_case kucoin = {"kucoin",  "BTC-USDT",  "35000.15",
                                   "70.0003", "0.0700003", "USDT"};

static void
test_binance_three_part_fill(void **state)
{
    (void)state;
    resting_order_fills_in_three_parts(&binance);
}

static void
test_bybit_three_part_fill(void **state)
{
    (void)state;
    resting_order_fills_in_three_parts(&bybit);
}

static void
test_okx_three_part_fill(void **state)
{
    (void)state;
    resting_order_fills_in_three_parts(&okx);
}

static void
test_kucoin_three_part_fill(void **state)
{
    (void)state;
    resting_order_fills_in_three_parts(&kucoin);
}

static void
test_binance_improvement_and_fee(void **state)
{
    (void)state;
    marketable_order_gets_improvement_and_fee(&binance);
}

static void
test_bybit_improvement_and_fee(void **state)
{
    (void)state;
    marketable_order_gets_improvement_and_fee(&bybit);
}

static void
test_okx_improvement_and_fee(void **state)
{
    (void)state;
    marketable_order_gets_improvement_and_fee(&okx);
}

static void
test_kucoin_improvement_and_fee(void **state)
{
    (void)state;
    marketable_order_gets_improvement_and_fee(&kucoin);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_binance_three_part_fill,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_three_part_fill,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_three_part_fill,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_kucoin_three_part_fill,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_binance_improvement_and_fee,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_bybit_improvement_and_fee,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_okx_improvement_and_fee,
                                  xg_venue_env_teardown),
        cmocka_unit_test_teardown(test_kucoin_improvement_and_fee,
                                  xg_venue_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
