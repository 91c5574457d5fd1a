/*
 * test_order.c - order model names, parsers, symbol and client-id checks,
 * validation against an instrument, and requantizing onto its grid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/order.h"

static xg_decimal
dec(int64_t units, uint8_t scale)
{
    xg_decimal d = {units, scale};
    return d;
}

/* BTC/USDT with Binance-like filters: tick 0.01, lot 0.001, qty 0.001-100,
 * price 0.01-1000000, notional >= 5. */
static xg_instrument
btc_usdt(void)
{
    xg_instrument ins;
    memset(&ins, 0, sizeof(ins));
    memcpy(ins.symbol, "BTC/USDT", sizeof("BTC/USDT"));
    memcpy(ins.venue_symbol, "BTCUSDT", sizeof("BTCUSDT"));
    ins.tick_size = dec(1, 2);
    ins.lot_size = dec(1, 3);
    ins.min_price = dec(1, 2);
    ins.max_price = dec(1000000, 0);
    ins.min_qty = dec(1, 3);
    ins.max_qty = dec(100, 0);
    ins.min_notional = dec(5, 0);
    ins.is_trading = 1;
    return ins;
}

static xg_order
limit_buy(void)
{
    xg_order o;
    memset(&o, 0, sizeof(o));
    memcpy(o.client_id, "abc123", sizeof("abc123"));
    memcpy(o.symbol, "BTC/USDT", sizeof("BTC/USDT"));
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    o.qty = dec(10, 3);        /* 0.010 */
    o.price = dec(3500050, 2); /* 35000.50 */
    return o;
}

static void
test_names_round_trip_through_parsers(void **state)
{
    (void)state;
    xg_side side;
    xg_order_type type;
    xg_tif tif;

    assert_int_equal(xg_side_parse(xg_side_name(XG_SIDE_SELL), &side), XG_OK);
    assert_int_equal(side, XG_SIDE_SELL);
    assert_int_equal(
        xg_order_type_parse(xg_order_type_name(XG_TYPE_MARKET), &type), XG_OK);
    assert_int_equal(type, XG_TYPE_MARKET);
    assert_int_equal(xg_tif_parse(xg_tif_name(XG_TIF_POST_ONLY), &tif), XG_OK);
    assert_int_equal(tif, XG_TIF_POST_ONLY);
    assert_int_equal(xg_side_parse("buy", &side), XG_ERR_BAD_SIDE);
    assert_int_equal(xg_side_parse("", &side), XG_ERR_BAD_SIDE);
    assert_int_equal(xg_order_type_parse("LIMIT ", &type), XG_ERR_BAD_TYPE);
    assert_int_equal(xg_tif_parse("GTX", &tif), XG_ERR_BAD_TIF);
    assert_int_equal(xg_tif_parse(NULL, &tif), XG_ERR_INVALID);
    assert_string_equal(xg_side_name((xg_side)0), "UNKNOWN");
    assert_string_equal(xg_order_status_name(XG_STATUS_PARTIALLY_FILLED),
                        "PARTIALLY_FILLED");
    assert_string_equal(xg_order_status_name((xg_order_status)99), "UNKNOWN");
}

static void
test_status_final_states(void **state)
{
    (void)state;
    assert_true(xg_order_status_is_final(XG_STATUS_FILLED));
    assert_true(xg_order_status_is_final(XG_STATUS_CANCELED));
    assert_true(xg_order_status_is_final(XG_STATUS_REJECTED));
    assert_true(xg_order_status_is_final(XG_STATUS_EXPIRED));
    assert_false(xg_order_status_is_final(XG_STATUS_NEW));
    assert_false(xg_order_status_is_final(XG_STATUS_PARTIALLY_FILLED));
    assert_false(xg_order_status_is_final(XG_STATUS_UNKNOWN));
    assert_false(xg_order_status_is_final(XG_STATUS_SENT));
}

static void
test_symbol_validate(void **state)
{
    (void)state;
    static const char *const good[] = {
        "BTC/USDT",
        "1INCH/USDT",
        "A/B",
        "ABCDEFGHIJKLMNO/ABCDEFGHIJKLMNO",
    };
    static const char *const bad[] = {
        "",
        "BTCUSDT",
        "btc/usdt",
        "/USDT",
        "BTC/",
        "BTC//USDT",
        "BTC/US/DT",
        "BTC-USDT",
        "BTC /USDT",
        "BTC/USDT\n",
        "ABCDEFGHIJKLMNOP/USDT",
        "BTC/ABCDEFGHIJKLMNOP",
        "BTC/USD\xc3\xa9",
        "../../etc",
        "BTC/USDT;DROP",
        "%s%s/%n",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(xg_symbol_validate(good[i]), XG_OK);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(xg_symbol_validate(bad[i]), XG_ERR_BAD_SYMBOL);
    }
    assert_int_equal(xg_symbol_validate(NULL), XG_ERR_BAD_SYMBOL);
    /* A very long string is refused after a bounded scan. */
    static char longsym[4096];
    memset(longsym, 'A', sizeof(longsym) - 1);
    longsym[3] = '/';
    assert_int_equal(xg_symbol_validate(longsym), XG_ERR_BAD_SYMBOL);
}

static void
test_client_id_validate(void **state)
{
    (void)state;
    char id[64];

    assert_int_equal(xg_client_id_validate("a"), XG_OK);
    assert_int_equal(xg_client_id_validate("Strat1Order42"), XG_OK);
    memset(id, 'x', 32);
    id[32] = '\0';
    assert_int_equal(xg_client_id_validate(id), XG_OK);
    id[32] = 'x';
    id[33] = '\0';
    assert_int_equal(xg_client_id_validate(id), XG_ERR_BAD_CLIENT_ID);
    static const char *const bad[] = {
        "", "a-b", "a_b", "a b", "a\tb", "\xc3\xa9", "a\"b", "a%n", "a/b",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(xg_client_id_validate(bad[i]), XG_ERR_BAD_CLIENT_ID);
    }
    assert_int_equal(xg_client_id_validate(NULL), XG_ERR_BAD_CLIENT_ID);
}

static void
test_validate_accepts_good_limit_order(void **state)
{
    (void)state;
    xg_order o = limit_buy();
    xg_instrument ins = btc_usdt();
    char detail[128] = "stale";

    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_OK);
    assert_string_equal(detail, "");
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_OK);
}

static void
test_validate_own_rules(void **state)
{
    (void)state;
    xg_order o;

    o = limit_buy();
    o.qty = dec(0, 3);
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_QTY);
    o.qty = dec(-1, 3);
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_QTY);
    o = limit_buy();
    o.price = dec(0, 0);
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_PRICE);
    o = limit_buy();
    o.side = (xg_side)3;
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_SIDE);
    o = limit_buy();
    o.type = (xg_order_type)0;
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_TYPE);
    o = limit_buy();
    o.tif = (xg_tif)9;
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_TIF);
    o = limit_buy();
    o.client_id[0] = '\0';
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0),
                     XG_ERR_BAD_CLIENT_ID);
    o = limit_buy();
    memset(o.client_id, 'a', sizeof(o.client_id)); /* unterminated */
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0),
                     XG_ERR_BAD_CLIENT_ID);
    o = limit_buy();
    memset(o.symbol, 'A', sizeof(o.symbol)); /* unterminated */
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_SYMBOL);
    o = limit_buy();
    o.qty.scale = 19;
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_DECIMAL);
    o = limit_buy();
    o.type = XG_TYPE_MARKET;
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_PRICE);
    o.price = dec(0, 0);
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_OK);
    o.tif = XG_TIF_POST_ONLY;
    assert_int_equal(xg_order_validate(&o, NULL, NULL, 0), XG_ERR_BAD_TIF);
    assert_int_equal(xg_order_validate(NULL, NULL, NULL, 0), XG_ERR_INVALID);
}

static void
test_validate_instrument_filters_with_detail(void **state)
{
    (void)state;
    xg_instrument ins = btc_usdt();
    xg_order o;
    char detail[128];

    o = limit_buy();
    o.qty = dec(1, 4);
    ins.lot_size = dec(1, 4);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_FILTER);
    assert_string_equal(detail, "quantity 0.0001 below minimum 0.001");
    ins = btc_usdt();

    o = limit_buy();
    o.qty = dec(1001, 1);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_FILTER);
    assert_string_equal(detail, "quantity 100.1 above maximum 100");

    o = limit_buy();
    o.price = dec(123, 3);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_PRECISION);
    assert_string_equal(detail, "price 0.123 not a multiple of tick 0.01");

    o = limit_buy();
    o.qty = dec(10005, 6);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_PRECISION);
    assert_string_equal(detail,
                        "quantity 0.010005 not a multiple of lot 0.001");

    o = limit_buy();
    o.price = dec(200000001, 2);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_FILTER);
    assert_string_equal(detail, "price 2000000.01 above maximum 1000000");

    ins.min_price = dec(100, 0);
    o = limit_buy();
    o.price = dec(9999, 2);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_FILTER);
    assert_string_equal(detail, "price 99.99 below minimum 100");
    ins = btc_usdt();

    /* Notional 0.001 * 4999.99 = 4.99999 < 5; 0.001 * 5000 = 5 passes. */
    o = limit_buy();
    o.qty = dec(1, 3);
    o.price = dec(499999, 2);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_FILTER);
    assert_string_equal(detail, "notional 4.99999 below minimum 5");
    o.price = dec(5000, 0);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_OK);

    ins.is_trading = 0;
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_MARKET_CLOSED);
    ins = btc_usdt();
    memcpy(ins.symbol, "ETH/USDT", sizeof("ETH/USDT"));
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0),
                     XG_ERR_UNKNOWN_SYMBOL);
}

static void
test_validate_detail_truncates_safely(void **state)
{
    (void)state;
    xg_instrument ins = btc_usdt();
    xg_order o = limit_buy();
    char detail[8];

    o.price = dec(123, 3);
    assert_int_equal(xg_order_validate(&o, &ins, detail, sizeof(detail)),
                     XG_ERR_PRECISION);
    assert_string_equal(detail, "price 0");
}

static void
test_validate_notional_at_extreme_scales(void **state)
{
    (void)state;
    xg_instrument ins = btc_usdt();
    xg_order o = limit_buy();

    ins.tick_size = dec(0, 0);
    ins.lot_size = dec(0, 0);
    ins.min_price = dec(0, 0);
    ins.min_qty = dec(0, 0);
    ins.max_qty = dec(0, 0);
    ins.max_price = dec(0, 0);
    /* price and qty at scale 18: product at scale 36 is exact here. */
    o.price = dec(5000000000000000000LL, 18); /* 5 */
    o.qty = dec(1000000000000000000LL, 18);   /* 1 */
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_OK);
    o.qty = dec(999999999999999999LL, 18); /* 0.99..9 */
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_ERR_FILTER);
    /* Huge notional beyond int64 passes the minimum. */
    o.price = dec(INT64_MAX, 0);
    o.qty = dec(INT64_MAX, 0);
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_OK);
    /* Minimum with a finer scale than the product. */
    ins.min_notional = dec(50000000000000001LL, 16); /* 5.0000000000000001 */
    o.price = dec(5, 0);
    o.qty = dec(1, 0);
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_ERR_FILTER);
    ins.min_notional = dec(50000000000000000LL, 16);
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_OK);
}

static void
test_validate_market_order_skips_price_checks(void **state)
{
    (void)state;
    xg_instrument ins = btc_usdt();
    xg_order o = limit_buy();

    o.type = XG_TYPE_MARKET;
    o.tif = XG_TIF_IOC;
    o.price = dec(0, 0);
    o.qty = dec(1, 3); /* tiny notional is the venue's to judge */
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_OK);
    o.qty = dec(5, 4);
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_ERR_PRECISION);
}

static void
test_requantize_rounds_in_the_safe_direction(void **state)
{
    (void)state;
    xg_instrument ins = btc_usdt();
    xg_order o = limit_buy();

    o.qty = dec(1234567, 6);   /* 1.234567 -> 1.234 */
    o.price = dec(1234567, 5); /* 12.34567 -> 12.34 for a buy */
    assert_int_equal(xg_order_requantize(&o, &ins), XG_OK);
    assert_int_equal(xg_decimal_cmp(o.qty, dec(1234, 3)), 0);
    assert_int_equal(xg_decimal_cmp(o.price, dec(1234, 2)), 0);
    assert_int_equal(xg_order_validate(&o, &ins, NULL, 0), XG_OK);

    o.side = XG_SIDE_SELL;
    o.price = dec(1234567, 5); /* -> 12.35 for a sell */
    assert_int_equal(xg_order_requantize(&o, &ins), XG_OK);
    assert_int_equal(xg_decimal_cmp(o.price, dec(1235, 2)), 0);

    /* Already on the grid: unchanged. */
    o.price = dec(1235, 2);
    assert_int_equal(xg_order_requantize(&o, &ins), XG_OK);
    assert_int_equal(xg_decimal_cmp(o.price, dec(1235, 2)), 0);
}

static void
test_requantize_fails_when_qty_rounds_to_zero(void **state)
{
    (void)state;
    xg_instrument ins = btc_usdt();
    xg_order o = limit_buy();
    xg_order before;

    o.qty = dec(9, 4); /* 0.0009 < lot 0.001 */
    before = o;
    assert_int_equal(xg_order_requantize(&o, &ins), XG_ERR_BAD_QTY);
    assert_memory_equal(&o, &before, sizeof(o));

    o = limit_buy();
    o.price = dec(9, 3); /* buy 0.009 rounds down to 0 */
    before = o;
    assert_int_equal(xg_order_requantize(&o, &ins), XG_ERR_BAD_PRICE);
    assert_memory_equal(&o, &before, sizeof(o));

    /* Market orders keep their (absent) price. */
    o = limit_buy();
    o.type = XG_TYPE_MARKET;
    o.price = dec(0, 0);
    o.qty = dec(15, 4);
    assert_int_equal(xg_order_requantize(&o, &ins), XG_OK);
    assert_int_equal(xg_decimal_cmp(o.qty, dec(1, 3)), 0);
    assert_int_equal(o.price.units, 0);
    assert_int_equal(xg_order_requantize(NULL, &ins), XG_ERR_INVALID);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_round_trip_through_parsers),
        cmocka_unit_test(test_status_final_states),
        cmocka_unit_test(test_symbol_validate),
        cmocka_unit_test(test_client_id_validate),
        cmocka_unit_test(test_validate_accepts_good_limit_order),
        cmocka_unit_test(test_validate_own_rules),
        cmocka_unit_test(test_validate_instrument_filters_with_detail),
        cmocka_unit_test(test_validate_detail_truncates_safely),
        cmocka_unit_test(test_validate_notional_at_extreme_scales),
        cmocka_unit_test(test_validate_market_order_skips_price_checks),
        cmocka_unit_test(test_requantize_rounds_in_the_safe_direction),
        cmocka_unit_test(test_requantize_fails_when_qty_rounds_to_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
