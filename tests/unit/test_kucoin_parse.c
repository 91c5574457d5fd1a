/*
 * test_kucoin_parse.c - KuCoin answers into unified results: the envelope,
 * every row of the error table, order reports (their price and size
 * included), an amend's replacement, symbols, open orders, a batch's
 * result per order, the mass cancel, balances, the private stream's
 * token, and malformed, truncated and hostile bodies (which must never
 * crash and must leave a new order, an amend, a batch or a cancel
 * UNKNOWN).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kucoin.h"

#define DATA XG_TEST_DATA_DIR "/kucoin/"

static kucoin *
make(void)
{
    xg_adapter_config cfg = {"key", "secret", "pass", NULL, 0};
    void *inst = NULL;
    assert_int_equal(kucoin_create(&cfg, &inst, NULL, 0), XG_OK);
    return inst;
}

static char *
load(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", DATA, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, f);
    fclose(f);
    return buf;
}

static xg_instrument btc;

static void
setup_btc(void)
{
    memset(&btc, 0, sizeof(btc));
    memcpy(btc.symbol, "BTC/USDT", 9);
    memcpy(btc.venue_symbol, "BTC-USDT", 9);
}

typedef struct collected {
    xg_instrument ins[8];
    size_t n_ins;
    xg_order_report orders[8];
    size_t n_orders;
} collected;

static xg_err
on_ins(void *ctx, const xg_instrument *ins)
{
    collected *c = ctx;
    if (c->n_ins < 8) {
        c->ins[c->n_ins++] = *ins;
    }
    return XG_OK;
}

static xg_err
on_order(void *ctx, const xg_order_report *rep)
{
    collected *c = ctx;
    if (c->n_orders < 8) {
        c->orders[c->n_orders++] = *rep;
    }
    return XG_OK;
}

/* The order a NEW_ORDER answer is parsed for: the core always passes it,
 * and whether an ack says enough depends on it. */
static const xg_order resting = {.type = XG_TYPE_LIMIT, .tif = XG_TIF_GTC};
static const xg_order taking = {.type = XG_TYPE_MARKET, .tif = XG_TIF_IOC};
static const xg_order *placed_order = &resting;
/* What an AMEND_ORDER answer is parsed for: the order as it stood
 * (resting) moved to 35000.5 for 0.003 in all, by KuCoin's replace. */
static const xg_amend amend = {
    .price = {350005, 1}, .qty = {3, 3}, .filled_qty = {1, 3}, .is_replace = 1};

/* Parse body (len bytes) with status and optional headers for op kind. */
static void
run(kucoin *k, xg_op_kind kind, const char *cid, int status,
    const xg_http_header_view *h, size_t nh, const char *body, size_t len,
    collected *c, xg_result *res)
{
    xg_op op = {kind,
                &btc,
                kind == XG_OP_NEW_ORDER     ? placed_order
                : kind == XG_OP_AMEND_ORDER ? &resting
                                            : NULL,
                cid,
                NULL,
                NULL,
                kind == XG_OP_AMEND_ORDER ? &amend : NULL,
                NULL};
    xg_http_response resp = {status, h, nh, body, len};
    xg_sink sink = {c, on_ins, on_order, NULL, NULL};
    assert_int_equal(kucoin_parse(k, &op, &resp, &sink, res), XG_OK);
}

static void
runs(kucoin *k, xg_op_kind kind, const char *cid, int status, const char *body,
     xg_result *res)
{
    collected c;
    memset(&c, 0, sizeof(c));
    run(k, kind, cid, status, NULL, 0, body, strlen(body), &c, res);
}

static void
test_server_time_is_read_from_data(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    runs(k, XG_OP_SERVER_TIME, NULL, 200,
         "{\"code\":\"200000\",\"data\":1700000000123}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.server_time_ms, 1700000000123);
    runs(k, XG_OP_SERVER_TIME, NULL, 200,
         "{\"code\":\"200000\",\"data\":\"x\"}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    runs(k, XG_OP_SERVER_TIME, NULL, 200, "{\"data\":1}", &res);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    kucoin_destroy(k);
}

static void
test_symbols_become_instruments_and_odd_ones_are_skipped(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    size_t len = 0;
    char *body = load("symbols.json", &len);

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_INSTRUMENTS, NULL, 200, NULL, 0, body, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(c.n_ins, 2);
    assert_string_equal(c.ins[0].symbol, "BTC/USDT");
    assert_string_equal(c.ins[0].venue_symbol, "BTC-USDT");
    assert_int_equal(c.ins[0].tick_size.units, 1);
    assert_int_equal(c.ins[0].tick_size.scale, 1);
    assert_int_equal(c.ins[0].lot_size.units, 1);
    assert_int_equal(c.ins[0].lot_size.scale, 8);
    assert_int_equal(c.ins[0].min_qty.units, 1);
    assert_int_equal(c.ins[0].min_qty.scale, 5);
    assert_int_equal(c.ins[0].min_notional.units, 1);
    assert_int_equal(c.ins[0].min_notional.scale, 1);
    assert_true(c.ins[0].is_trading);
    assert_string_equal(c.ins[1].symbol, "ETH/USDT");
    assert_int_equal(c.ins[1].min_notional.units, 0);
    assert_false(c.ins[1].is_trading);

    /* Truncated: no instrument reported, a clean rejection. */
    memset(&c, 0, sizeof(c));
    run(k, XG_OP_INSTRUMENTS, NULL, 200, NULL, 0, body, len / 2, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(c.n_ins, 0);
    free(body);
    runs(k, XG_OP_INSTRUMENTS, NULL, 200, "{\"code\":\"200000\",\"data\":{}}",
         &res);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    kucoin_destroy(k);
}

static void
test_new_order_ack_and_mismatched_id(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    runs(k, XG_OP_NEW_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"orderId\":"
         "\"670fd33bf9406e0007ab3945\","
         "\"clientOid\":\"gw0001\"}}",
         &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.order.status, XG_STATUS_NEW);
    assert_string_equal(res.order.venue_order_id, "670fd33bf9406e0007ab3945");
    /* A taking order's ack cannot say whether it filled. */
    placed_order = &taking;
    runs(k, XG_OP_NEW_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\","
         "\"clientOid\":\"gw0001\"}}",
         &res);
    placed_order = &resting;
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.order.status, XG_STATUS_UNKNOWN);
    assert_string_equal(res.order.client_id, "gw0001");
    assert_string_equal(res.order.venue_symbol, "BTC-USDT");

    runs(k, XG_OP_NEW_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
         "\"gw0002\"}}",
         &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    kucoin_destroy(k);
}

/* A 200 that does not say what happened to a new order or a cancel is
 * UNKNOWN (query to reconcile), whatever its shape. */
static void
test_malformed_200_on_order_ops_is_unknown(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    const char *bodies[] = {
        "",
        "{",
        "<html>oops</html>",
        "[]",
        "{\"code\":\"200000\"}",
        "{\"code\":\"200000\",\"data\":null}",
        "{\"code\":\"200000\",\"data\":[]}",
        "{\"code\":\"200000\",\"data\":{\"orderId\":7,\"clientOid\":\"gw0001\"}"
        "}",
        "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\"}}",
        "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
        "\"gw0001"
        "gw0001gw0001gw0001gw0001gw0001gw0001\"}}",
        "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
        "\"gw\\u0000"
        "01\"}}",
        "{\"code\":\"abc\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
        "\"gw0001\"}}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        runs(k, XG_OP_NEW_ORDER, "gw0001", 200, bodies[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
        /* None names a replacement (newOrderId) either. */
        runs(k, XG_OP_AMEND_ORDER, "gw0001", 200, bodies[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        assert_false(res.is_replaced);
        if (i == 7) {
            continue; /* a cancel answer reads only clientOid */
        }
        runs(k, XG_OP_CANCEL_ORDER, "gw0001", 200, bodies[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    }
    kucoin_destroy(k);
}

/* KuCoin's alter answer names the replacement and the clientOid it kept:
 * OK, replaced, the new order's id, state unknown (the core queries), and
 * nothing of the old order's fills left out of the new one's reports. */
static void
test_amend_answer_is_the_replacement(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    size_t len = 0;
    char *body = load("order_alter.json", &len);
    xg_http_header_view h[] = {{"gw-ratelimit-remaining", 22, "3990", 4},
                               {"gw-ratelimit-reset", 18, "29000", 5}};

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_AMEND_ORDER, "gw0001", 200, h, 2, body, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.err, XG_OK);
    assert_true(res.is_replaced);
    assert_string_equal(res.order.client_id, "gw0001");
    assert_string_equal(res.order.venue_order_id, "67112258f9406e0007408827");
    assert_string_equal(res.order.venue_symbol, "BTC-USDT");
    assert_int_equal(res.order.status, XG_STATUS_UNKNOWN);
    assert_int_equal(res.order.exec.filled_qty.units, 0);
    assert_int_equal(res.order.price.units, 0);
    assert_int_equal(res.order.qty.units, 0);
    assert_int_equal(res.replaced_exec.filled_qty.units, 0);
    assert_int_equal(res.replaced_exec.filled_quote.units, 0);
    assert_false(xg_execution_has_fee(&res.replaced_exec));
    assert_int_equal(c.n_orders, 0);
    /* Charged to the Spot pool. */
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(res.usage[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(res.usage[0].remaining, 3990);

    /* Cut anywhere, the answer says nothing: the amend's fate is open. */
    for (size_t cut = 0; cut < len - 1; cut += 7) {
        run(k, XG_OP_AMEND_ORDER, "gw0001", 200, NULL, 0, body, cut, &c, &res);
        if (res.outcome != XG_OUTCOME_UNKNOWN ||
            res.err != XG_ERR_BAD_RESPONSE || res.is_replaced) {
            fail_msg("cut at %zu: outcome %d err %s", cut, (int)res.outcome,
                     xg_err_name(res.err));
        }
    }
    free(body);

    /* The place answer's member, another clientOid, a repeated or
     * non-string newOrderId: no replacement named. */
    static const char *const odd[] = {
        "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
        "\"gw0001\"}}",
        "{\"code\":\"200000\",\"data\":{\"newOrderId\":\"1\",\"clientOid\":"
        "\"gw0002\"}}",
        "{\"code\":\"200000\",\"data\":{\"newOrderId\":\"1\",\"newOrderId\":"
        "\"2\",\"clientOid\":\"gw0001\"}}",
        "{\"code\":\"200000\",\"data\":{\"newOrderId\":1,\"clientOid\":"
        "\"gw0001\"}}",
        "{\"code\":\"200000\",\"data\":{\"newOrderId\":\"\",\"clientOid\":"
        "\"gw0001\"}}",
        "{\"code\":\"200000\",\"data\":{\"newOrderId\":\"1\",\"clientOid\":"
        "\"gw0001\"},\"data\":{\"newOrderId\":\"2\",\"clientOid\":"
        "\"gw0001\"}}",
    };
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        runs(k, XG_OP_AMEND_ORDER, "gw0001", 200, odd[i], &res);
        if (res.outcome != XG_OUTCOME_UNKNOWN ||
            res.err != XG_ERR_BAD_RESPONSE || res.is_replaced ||
            res.order.client_id[0] != '\0') {
            fail_msg("odd case %zu: outcome %d err %s", i, (int)res.outcome,
                     xg_err_name(res.err));
        }
    }
    /* A refusal is no replacement. */
    runs(k, XG_OP_AMEND_ORDER, "gw0001", 400,
         "{\"code\":\"400100\",\"msg\":\"order not exist\"}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_false(res.is_replaced);
    kucoin_destroy(k);
}

static void
test_cancel_ack_reports_canceled(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    runs(k, XG_OP_CANCEL_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"clientOid\":\"gw0001\"}}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.order.status, XG_STATUS_CANCELED);
    assert_string_equal(res.order.client_id, "gw0001");
    kucoin_destroy(k);
}

static void
test_query_maps_active_and_cancel_flags(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    size_t len = 0;
    char *body = load("order_query_partial.json", &len);

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_QUERY_ORDER, "gw0001", 200, NULL, 0, body, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_int_equal(res.order.exec.filled_qty.units, 1);
    assert_int_equal(res.order.exec.filled_qty.scale, 3);
    assert_int_equal(res.order.exec.filled_quote.units, 350005);
    assert_int_equal(res.order.exec.fee.units, 0);
    assert_string_equal(res.order.exec.fee_currency, "USDT");
    assert_string_equal(res.order.venue_order_id, "6717422bd51c29000775ea03");
    /* The limit price and size as the venue holds them. */
    assert_int_equal(res.order.price.units, 350005);
    assert_int_equal(res.order.price.scale, 1);
    assert_int_equal(res.order.qty.units, 2);
    assert_int_equal(res.order.qty.scale, 3);
    free(body);

    static const struct {
        const char *flags;
        xg_order_status want;
    } cases[] = {
        {"\"active\":true,\"cancelExist\":false,\"dealSize\":\"0\"",
         XG_STATUS_NEW},
        {"\"active\":false,\"cancelExist\":false,\"dealSize\":\"0.002\"",
         XG_STATUS_FILLED},
        {"\"active\":false,\"cancelExist\":true,\"dealSize\":\"0\"",
         XG_STATUS_CANCELED},
        {"\"active\":false,\"cancelExist\":true,\"dealSize\":\"0\","
         "\"timeInForce\":\"IOC\"",
         XG_STATUS_EXPIRED},
        {"\"active\":false,\"cancelExist\":true,\"dealSize\":\"0.001\","
         "\"timeInForce\":\"FOK\"",
         XG_STATUS_EXPIRED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char b[512];
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":"
                 "\"gw0001\",\"symbol\":\"BTC-USDT\",\"dealFunds\":\"0\",%s}}",
                 cases[i].flags);
        runs(k, XG_OP_QUERY_ORDER, "gw0001", 200, b, &res);
        assert_int_equal(res.outcome, XG_OUTCOME_OK);
        assert_int_equal(res.order.status, cases[i].want);
    }
    /* Malformed queries are rejections (nothing changed), not unknown. */
    runs(k, XG_OP_QUERY_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":\"gw0001\","
         "\"symbol\":\"BTC-USDT\",\"dealSize\":\"-1\",\"dealFunds\":\"0\","
         "\"active\":true}}",
         &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    runs(k, XG_OP_QUERY_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":\"gw0001\","
         "\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\",\"dealFunds\":\"0\","
         "\"active\":\"yes\"}}",
         &res);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    /* Price and size not said are {0,0}; said wrongly, no answer. */
    runs(k, XG_OP_QUERY_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":\"gw0001\","
         "\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\",\"dealFunds\":\"0\","
         "\"active\":true}}",
         &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.order.price.units, 0);
    assert_int_equal(res.order.qty.units, 0);
    static const char *const bad_limits[] = {
        "\"price\":35000,\"size\":\"1\"",
        "\"price\":\"-1\",\"size\":\"1\"",
        "\"price\":\"1\",\"size\":\"1e3\"",
        "\"price\":\"1\",\"size\":\"1\",\"size\":\"2\"",
    };
    for (size_t i = 0; i < sizeof(bad_limits) / sizeof(bad_limits[0]); i++) {
        char b[512];
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":"
                 "\"gw0001\",\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\","
                 "\"dealFunds\":\"0\",\"active\":true,%s}}",
                 bad_limits[i]);
        runs(k, XG_OP_QUERY_ORDER, "gw0001", 200, b, &res);
        if (res.outcome != XG_OUTCOME_REJECTED ||
            res.err != XG_ERR_BAD_RESPONSE) {
            fail_msg("limit case %zu: outcome %d err %s", i, (int)res.outcome,
                     xg_err_name(res.err));
        }
    }
    /* No data for the clientOid: the venue does not know it. */
    runs(k, XG_OP_QUERY_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":null}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_ORDER_NOT_FOUND);
    kucoin_destroy(k);
}

static void
test_open_orders_skip_foreign_ids_and_refuse_bad_lists(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    size_t len = 0;
    char *body = load("open_orders.json", &len);

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_OPEN_ORDERS, NULL, 200, NULL, 0, body, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(c.n_orders, 2);
    assert_string_equal(c.orders[0].client_id, "gw0001");
    assert_int_equal(c.orders[0].status, XG_STATUS_NEW);
    assert_string_equal(c.orders[1].client_id, "gw0003");
    assert_int_equal(c.orders[1].status, XG_STATUS_PARTIALLY_FILLED);
    assert_int_equal(c.orders[0].price.units, 30000);
    assert_int_equal(c.orders[0].price.scale, 0);
    assert_int_equal(c.orders[0].qty.units, 1);
    assert_int_equal(c.orders[0].qty.scale, 2);
    assert_int_equal(c.orders[1].price.units, 40000);
    free(body);

    memset(&c, 0, sizeof(c));
    const char *bad =
        "{\"code\":\"200000\",\"data\":[{\"id\":\"a1\",\"clientOid\":"
        "\"gw1\",\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\","
        "\"dealFunds\":\"0\",\"active\":true},{\"id\":5}]}";
    run(k, XG_OP_OPEN_ORDERS, NULL, 200, NULL, 0, bad, strlen(bad), &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(c.n_orders, 0);
    const char *paged = "{\"code\":\"200000\",\"data\":{\"items\":[]}}";
    run(k, XG_OP_OPEN_ORDERS, NULL, 200, NULL, 0, paged, strlen(paged), &c,
        &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.is_list_cut, 0);
    /* A page that is not the last: orders missing from it may be open. */
    const char *first = "{\"code\":\"200000\",\"data\":{\"currentPage\":1,"
                        "\"totalPage\":3,\"items\":[]}}";
    run(k, XG_OP_OPEN_ORDERS, NULL, 200, NULL, 0, first, strlen(first), &c,
        &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(res.is_list_cut, 1);
    kucoin_destroy(k);
}

/* Every row of the error table, by code (and message) and HTTP status. */
static void
test_error_table_rows(void **state)
{
    (void)state;
    kucoin *k = make();
    static const struct {
        int status;
        const char *code;
        const char *msg;
        xg_op_kind kind;
        xg_outcome outcome;
        xg_err err;
    } rows[] = {
        {403, "1015", "cloudflare", XG_OP_NEW_ORDER, XG_OUTCOME_BANNED,
         XG_ERR_BANNED},
        {429, "429000", "Too Many Requests", XG_OP_NEW_ORDER,
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {429, NULL, NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_RATE_LIMITED,
         XG_ERR_RATE_LIMITED},
        {400, "200002", "too many", XG_OP_CANCEL_ORDER, XG_OUTCOME_RATE_LIMITED,
         XG_ERR_RATE_LIMITED},
        {400, "400002", "KC-API-TIMESTAMP Invalid", XG_OP_NEW_ORDER,
         XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP},
        {500, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {503, NULL, NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {502, NULL, NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_VENUE_DOWN},
        {200, "500000", "Internal Server Error", XG_OP_NEW_ORDER,
         XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {200, "500000", "Internal Server Error", XG_OP_OPEN_ORDERS,
         XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN},
        {200, "408000", "timeout", XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {200, "408000", "timeout", XG_OP_SERVER_TIME, XG_OUTCOME_REJECTED,
         XG_ERR_VENUE_DOWN},
        {302, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_BAD_RESPONSE},
        {302, NULL, NULL, XG_OP_INSTRUMENTS, XG_OUTCOME_REJECTED,
         XG_ERR_BAD_RESPONSE},
        {100, NULL, NULL, XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_BAD_RESPONSE},
        {600, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_BAD_RESPONSE},
        {600, NULL, NULL, XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_BAD_RESPONSE},
        {401, "400001", "missing", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_AUTH},
        {401, "400003", "KC-API-KEY not exists", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_AUTH},
        {401, "400004", "Invalid KC-API-PASSPHRASE", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_AUTH},
        {401, "400005", "Signature error", XG_OP_QUERY_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_AUTH},
        {401, "400006", "ip", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_AUTH},
        {401, "400007", "permission", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_AUTH},
        {400, "411100", "User are frozen", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_AUTH},
        {401, NULL, NULL, XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_AUTH},
        {400, "200004", "Balance insufficient", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS},
        {400, "230003", "x", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_INSUFFICIENT_FUNDS},
        {400, "260100", "x", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_INSUFFICIENT_FUNDS},
        {400, "600100", "x", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_INSUFFICIENT_FUNDS},
        {400, "126013", "x", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_INSUFFICIENT_FUNDS},
        {400, "400100", "Balance insufficient!", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS},
        {400, "400100", "order_not_exist_or_not_allow_to_cancel",
         XG_OP_CANCEL_ORDER, XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {400, "400100", "Order size below the minimum requirement.",
         XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER},
        {400, "400600", "symbolNotAvailable", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL},
        {400, "126004", "trading pair does not exist", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL},
        {400, "400000", "bad request", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_UNKNOWN_SYMBOL},
        {400, "126043", "order not exist", XG_OP_QUERY_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {400, "100001", "order not exist", XG_OP_CANCEL_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {400, "126044", "clientOid duplicated", XG_OP_NEW_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID},
        {400, "126033", "duplicate", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_DUPLICATE_ID},
        {400, "999999", "something new", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_REJECTED},
        /* An amend: KuCoin's refusals, then the common paths as for a
         * new order (its fate open on a 5xx or an odd status). */
        {400, "400100", "order not exist", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {400, "400100", "order_not_exist_or_not_allow_to_cancel",
         XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {404, "126043", "order not exist", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {400, "100001", "order not exist", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
        {400, "200004", "Balance insufficient!", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS},
        {400, "400100", "Price increment invalid.", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_FILTER},
        {400, "400100", "Order size increment invalid.", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_FILTER},
        {400, "400100", "Order funds below the minimum requirement.",
         XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER},
        {400, "400600", "symbolNotAvailable", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL},
        {400, "300000", "order failed", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_REJECTED},
        {429, "429000", "Too Many Requests", XG_OP_AMEND_ORDER,
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {403, "1015", "cloudflare", XG_OP_AMEND_ORDER, XG_OUTCOME_BANNED,
         XG_ERR_BANNED},
        {400, "400002", "KC-API-TIMESTAMP Invalid", XG_OP_AMEND_ORDER,
         XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP},
        {401, "400005", "Signature error", XG_OP_AMEND_ORDER,
         XG_OUTCOME_REJECTED, XG_ERR_AUTH},
        {500, NULL, NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {503, "500000", "Internal Server Error", XG_OP_AMEND_ORDER,
         XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {200, "408000", "timeout", XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {302, NULL, NULL, XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
         XG_ERR_BAD_RESPONSE},
        {200, "300000", "order failed", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
         XG_ERR_REJECTED},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char body[256] = "";
        xg_result res;
        if (rows[i].code != NULL) {
            snprintf(body, sizeof(body), "{\"code\":\"%s\",\"msg\":\"%s\"}",
                     rows[i].code, rows[i].msg);
        }
        runs(k, rows[i].kind, "gw0001", rows[i].status, body, &res);
        if (res.outcome != rows[i].outcome || res.err != rows[i].err) {
            fail_msg("row %zu (%d %s): outcome %d err %s", i, rows[i].status,
                     rows[i].code ? rows[i].code : "-", (int)res.outcome,
                     xg_err_name(res.err));
        }
        if (rows[i].code != NULL) {
            assert_string_equal(res.venue_code, rows[i].code);
            assert_string_equal(res.venue_msg, rows[i].msg);
        }
    }
    kucoin_destroy(k);
}

static void
test_rate_limit_waits_for_pool_reset(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    const char *body = "{\"code\":\"429000\",\"msg\":\"Too Many Requests\"}";
    xg_http_header_view h[] = {{"gw-ratelimit-limit", 18, "4000", 4},
                               {"gw-ratelimit-remaining", 22, "0", 1},
                               {"gw-ratelimit-reset", 18, "12345", 5}};

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_NEW_ORDER, "gw0001", 429, h, 3, body, strlen(body), &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(res.retry_after_ms, 12345);
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(res.usage[0].remaining, 0);
    /* The correction lasts until the pool starts over, no longer. */
    assert_int_equal(res.usage[0].reset_ms, 12345);

    /* Quota left but refused: overload, a short back-off. */
    h[1].value = "100";
    h[1].value_len = 3;
    run(k, XG_OP_NEW_ORDER, "gw0001", 429, h, 3, body, strlen(body), &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(res.retry_after_ms, 1000);

    /* No headers: no hint, the core applies its default. */
    run(k, XG_OP_NEW_ORDER, "gw0001", 429, NULL, 0, body, strlen(body), &c,
        &res);
    assert_int_equal(res.retry_after_ms, 0);
    kucoin_destroy(k);
}

static void
test_cloudflare_page_is_a_ban(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    size_t len = 0;
    char *body = load("cloudflare_1015.html", &len);

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_NEW_ORDER, "gw0001", 429, NULL, 0, body, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_BANNED);
    assert_int_equal(res.retry_after_ms, 30000);
    assert_int_equal(res.banned_until_ms, 0);
    for (const char *p = res.venue_msg; *p != '\0'; p++) {
        assert_true(*p >= 0x20 && *p < 0x7f);
    }
    /* With Retry-After, its length; garbage there is ignored. */
    xg_http_header_view h[] = {{"Retry-After", 11, "2", 1}};
    run(k, XG_OP_QUERY_ORDER, "gw0001", 429, h, 1, body, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_BANNED);
    assert_int_equal(res.retry_after_ms, 2000);
    h[0].value = "Wed, 21 Oct 2015";
    h[0].value_len = 16;
    run(k, XG_OP_QUERY_ORDER, "gw0001", 429, h, 1, body, len, &c, &res);
    assert_int_equal(res.retry_after_ms, 30000);
    free(body);
    kucoin_destroy(k);
}

/* Hostile bytes: control characters and a huge message are made
 * printable and truncated; deep nesting and NULs do not crash. */
static void
test_hostile_bodies_do_not_crash(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    char *big = malloc(20000);
    assert_non_null(big);
    memset(big, '[', 10000);
    memset(big + 10000, ']', 9999);
    big[19999] = '\0';
    runs(k, XG_OP_NEW_ORDER, "gw0001", 200, big, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    runs(k, XG_OP_AMEND_ORDER, "gw0001", 200, big, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);

    snprintf(big, 20000, "{\"code\":\"400100\",\"msg\":\"");
    size_t n = strlen(big);
    memset(big + n, 'A', 5000);
    memcpy(big + n, "\\u001b", 6);
    snprintf(big + n + 5000, 100, "\"}");
    runs(k, XG_OP_NEW_ORDER, "gw0001", 400, big, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(strlen(res.venue_msg), XG_VENUE_MSG_MAX - 1);
    assert_int_equal(res.venue_msg[0], '?');
    assert_int_equal(res.venue_msg[1], 'A');

    const char nul_body[] = "{\"code\":\"200000\",\0\"data\":1}";
    memset(&c, 0, sizeof(c));
    run(k, XG_OP_SERVER_TIME, NULL, 200, NULL, 0, nul_body,
        sizeof(nul_body) - 1, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    runs(k, XG_OP_NEW_ORDER, "gw0001", 200,
         "{\"code\":99999999999999999999999,\"data\":{}}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    free(big);
    kucoin_destroy(k);
}

/* A member given twice could say either thing; the strict reader reads
 * neither, so the answer says nothing: UNKNOWN for a new order or cancel,
 * a BAD_RESPONSE rejection for the reads. */
static void
test_repeated_key_in_order_answer_is_refused(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    static const char *const acks[] = {
        /* A second clientOid naming another order. */
        "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
        "\"gw0001\",\"clientOid\":\"gw0002\"}}",
        /* A second envelope code smuggling an error past the first. */
        "{\"code\":\"200000\",\"code\":\"400100\",\"data\":{\"orderId\":\"1\","
        "\"clientOid\":\"gw0001\"}}",
        /* Two data objects. */
        "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"clientOid\":"
        "\"gw0001\"},\"data\":{\"orderId\":\"2\",\"clientOid\":\"gw0001\"}}",
    };
    for (size_t i = 0; i < sizeof(acks) / sizeof(acks[0]); i++) {
        runs(k, XG_OP_NEW_ORDER, "gw0001", 200, acks[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        assert_string_equal(res.order.client_id, "");
        runs(k, XG_OP_CANCEL_ORDER, "gw0001", 200, acks[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    }
    /* The same with a single orderId repeated: the ack names no order. */
    runs(k, XG_OP_NEW_ORDER, "gw0001", 200,
         "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\",\"orderId\":\"2\","
         "\"clientOid\":\"gw0001\"}}",
         &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);

    /* A query repeating any member it reads. */
    static const char *const members[] = {
        "\"active\":true,\"active\":false,\"cancelExist\":false,"
        "\"dealSize\":\"0\",\"dealFunds\":\"0\"",
        "\"active\":false,\"cancelExist\":false,\"cancelExist\":true,"
        "\"dealSize\":\"0\",\"dealFunds\":\"0\"",
        "\"active\":false,\"cancelExist\":true,\"timeInForce\":\"GTC\","
        "\"timeInForce\":\"IOC\",\"dealSize\":\"0\",\"dealFunds\":\"0\"",
        "\"active\":true,\"dealSize\":\"0\",\"dealSize\":\"0.5\","
        "\"dealFunds\":\"0\"",
        "\"active\":true,\"dealSize\":\"0\",\"dealFunds\":\"0\","
        "\"dealFunds\":\"9\"",
        "\"active\":true,\"dealSize\":\"0\",\"dealFunds\":\"0\","
        "\"id\":\"y\"",
    };
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        char b[512];
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":"
                 "\"gw0001\",\"symbol\":\"BTC-USDT\",%s}}",
                 members[i]);
        runs(k, XG_OP_QUERY_ORDER, "gw0001", 200, b, &res);
        if (res.outcome != XG_OUTCOME_REJECTED ||
            res.err != XG_ERR_BAD_RESPONSE) {
            fail_msg("member case %zu: outcome %d err %s", i, (int)res.outcome,
                     xg_err_name(res.err));
        }
    }
    /* An open-orders list with one entry repeating a member is refused
     * whole, and a repeated page number could hide further pages. */
    static const char *const lists[] = {
        "{\"code\":\"200000\",\"data\":[{\"id\":\"a1\",\"clientOid\":\"gw1\","
        "\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\",\"dealFunds\":\"0\","
        "\"active\":true},{\"id\":\"a2\",\"clientOid\":\"gw2\",\"symbol\":"
        "\"BTC-USDT\",\"dealSize\":\"0\",\"dealFunds\":\"0\",\"active\":true,"
        "\"active\":false}]}",
        "{\"code\":\"200000\",\"data\":{\"currentPage\":1,\"totalPage\":3,"
        "\"totalPage\":1,\"items\":[]}}",
        "{\"code\":\"200000\",\"data\":{\"currentPage\":1,\"totalPage\":"
        "99999999999999999999,\"items\":[]}}",
        "{\"code\":\"200000\",\"data\":{\"items\":[],\"items\":[]}}",
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        memset(&c, 0, sizeof(c));
        run(k, XG_OP_OPEN_ORDERS, NULL, 200, NULL, 0, lists[i],
            strlen(lists[i]), &c, &res);
        if (res.outcome != XG_OUTCOME_REJECTED ||
            res.err != XG_ERR_BAD_RESPONSE || c.n_orders != 0) {
            fail_msg("list case %zu: outcome %d err %s orders %zu", i,
                     (int)res.outcome, xg_err_name(res.err), c.n_orders);
        }
    }
    /* A symbol repeating a member is skipped; the others still come. */
    const char *syms =
        "{\"code\":\"200000\",\"data\":[{\"symbol\":\"BTC-USDT\","
        "\"baseCurrency\":\"BTC\",\"quoteCurrency\":\"USDT\","
        "\"baseMinSize\":\"1\",\"baseIncrement\":\"1\",\"priceIncrement\":"
        "\"0.1\",\"enableTrading\":true,\"enableTrading\":false},"
        "{\"symbol\":\"ETH-USDT\",\"baseCurrency\":\"ETH\",\"quoteCurrency\":"
        "\"USDT\",\"baseMinSize\":\"1\",\"baseIncrement\":\"1\","
        "\"priceIncrement\":\"0.1\",\"minFunds\":\"1\",\"minFunds\":null,"
        "\"enableTrading\":true},{\"symbol\":\"SOL-USDT\",\"baseCurrency\":"
        "\"SOL\",\"quoteCurrency\":\"USDT\",\"baseMinSize\":\"1\","
        "\"baseIncrement\":\"1\",\"priceIncrement\":\"0.1\","
        "\"enableTrading\":true}]}";
    memset(&c, 0, sizeof(c));
    run(k, XG_OP_INSTRUMENTS, NULL, 200, NULL, 0, syms, strlen(syms), &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(c.n_ins, 1);
    assert_string_equal(c.ins[0].symbol, "SOL/USDT");

    /* An error answer with two codes has no code: the HTTP status alone
     * decides, never one of the two. */
    runs(k, XG_OP_NEW_ORDER, "gw0001", 400,
         "{\"code\":\"126044\",\"code\":\"400600\",\"msg\":\"x\"}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_REJECTED);
    assert_string_equal(res.venue_code, "HTTP 400");
    kucoin_destroy(k);
}

/* Bytes that are not UTF-8 anywhere in a body make it no JSON at all. */
static void
test_invalid_utf8_body_is_refused(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    static const char *const bad[] = {
        "\xff",             /* never in UTF-8 */
        "\xc0\xaf",         /* overlong '/' */
        "\xed\xa0\x80",     /* a surrogate, encoded */
        "\xe2\x82",         /* cut short */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char b[256];
        /* In a member nobody reads, and in the client id itself. */
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\","
                 "\"clientOid\":\"gw0001\",\"remark\":\"%s\"}}",
                 bad[i]);
        runs(k, XG_OP_NEW_ORDER, "gw0001", 200, b, &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        runs(k, XG_OP_CANCEL_ORDER, "gw0001", 200, b, &res);
        assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":"
                 "\"gw%s\",\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\","
                 "\"dealFunds\":\"0\",\"active\":true}}",
                 bad[i]);
        runs(k, XG_OP_QUERY_ORDER, "gw0001", 200, b, &res);
        assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        /* In an error's message: the status still decides, and the raw
         * text reaches the operator only as printable ASCII. */
        snprintf(b, sizeof(b), "{\"code\":\"400100\",\"msg\":\"bad %s\"}",
                 bad[i]);
        runs(k, XG_OP_NEW_ORDER, "gw0001", 400, b, &res);
        assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(res.err, XG_ERR_REJECTED);
        for (const char *p = res.venue_msg; *p != '\0'; p++) {
            assert_true(*p >= 0x20 && *p < 0x7f);
        }
    }
    kucoin_destroy(k);
}

/* Nesting is bounded (XG_JSON_DEPTH_MAX levels in all): one level more,
 * even in a member nobody reads, and the answer is no answer. */
static void
test_deeply_nested_body_is_refused(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    char b[512];
    char deep[2 * XG_JSON_DEPTH_MAX + 1];

    /* The envelope and data are two levels; the rest are arrays. */
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t n = XG_JSON_DEPTH_MAX - 2 + extra;
        memset(deep, '[', n);
        memset(deep + n, ']', n);
        deep[2 * n] = '\0';
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"orderId\":\"1\","
                 "\"clientOid\":\"gw0001\",\"tags\":%s}}",
                 deep);
        runs(k, XG_OP_NEW_ORDER, "gw0001", 200, b, &res);
        assert_int_equal(res.outcome,
                         extra ? XG_OUTCOME_UNKNOWN : XG_OUTCOME_OK);
        snprintf(b, sizeof(b),
                 "{\"code\":\"200000\",\"data\":{\"id\":\"x\",\"clientOid\":"
                 "\"gw0001\",\"symbol\":\"BTC-USDT\",\"dealSize\":\"0\","
                 "\"dealFunds\":\"0\",\"active\":true,\"tags\":%s}}",
                 deep);
        runs(k, XG_OP_QUERY_ORDER, "gw0001", 200, b, &res);
        assert_int_equal(res.outcome,
                         extra ? XG_OUTCOME_REJECTED : XG_OUTCOME_OK);
        if (extra) {
            assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        }
    }
    /* Deep objects as well as arrays, and an error body too deep to read
     * is judged by its status, its text kept printable. */
    size_t n = 0;
    memset(b, 0, sizeof(b));
    for (size_t i = 0; i < XG_JSON_DEPTH_MAX + 1; i++) {
        memcpy(b + n, "{\"a\":", 5);
        n += 5;
    }
    memcpy(b + n, "1", 1);
    n++;
    memset(b + n, '}', XG_JSON_DEPTH_MAX + 1);
    runs(k, XG_OP_CANCEL_ORDER, "gw0001", 200, b, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    runs(k, XG_OP_CANCEL_ORDER, "gw0001", 503, b, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_UNKNOWN_STATUS);
    kucoin_destroy(k);
}

/* The token array stays between answers of the order path's size, and is
 * freed after an answer as large as the symbol list. */
static void
test_token_array_is_kept_small(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;
    const char *one = "{\"symbol\":\"BTC-USDT\",\"baseCurrency\":\"BTC\","
                      "\"quoteCurrency\":\"USDT\",\"baseMinSize\":\"1\","
                      "\"baseIncrement\":\"1\",\"priceIncrement\":\"0.1\","
                      "\"enableTrading\":true}";
    size_t one_len = strlen(one);
    size_t n_sym = 1000; /* 15 tokens each: beyond what is kept */
    size_t cap = 64 + n_sym * (one_len + 1);
    char *big = malloc(cap);
    assert_non_null(big);
    size_t len = 0;
    memcpy(big, "{\"code\":\"200000\",\"data\":[", 25);
    len = 25;
    for (size_t i = 0; i < n_sym; i++) {
        if (i > 0) {
            big[len++] = ',';
        }
        memcpy(big + len, one, one_len);
        len += one_len;
    }
    memcpy(big + len, "]}", 2);
    len += 2;

    runs(k, XG_OP_SERVER_TIME, NULL, 200,
         "{\"code\":\"200000\",\"data\":1700000000123}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_non_null(k->json.toks);
    size_t small_cap = k->json.cap;
    assert_true(small_cap > 0 && small_cap <= XG_JSON_STORE_KEEP);

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_INSTRUMENTS, NULL, 200, NULL, 0, big, len, &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(c.n_ins, 8); /* the collector keeps 8 */
    assert_null(k->json.toks);
    assert_int_equal(k->json.cap, 0);

    runs(k, XG_OP_SERVER_TIME, NULL, 200,
         "{\"code\":\"200000\",\"data\":1700000000124}", &res);
    assert_int_equal(res.server_time_ms, 1700000000124);
    assert_int_equal(k->json.cap, small_cap);
    free(big);
    kucoin_destroy(k);
}

/* --- batches, mass cancel, balances -------------------------------------- */

/* The three orders a batch test places: two resting, one IOC (whose ack
 * cannot say whether it filled). */
static const xg_order ioc = {.type = XG_TYPE_LIMIT, .tif = XG_TIF_IOC};
static const xg_batch_item batch_items[3] = {{&resting, "gw0001", NULL},
                                             {&resting, "gw0002", NULL},
                                             {&ioc, "gw0003", NULL}};

/* Parse body for a BATCH_NEW of the first n batch_items into results[],
 * which start as the core hands them: zeroed. */
static void
run_batch(kucoin *k, size_t n, int status, const xg_http_header_view *h,
          size_t nh, const char *body, xg_result *res, xg_result results[3])
{
    xg_batch b = {batch_items, n, results};
    xg_op op = {XG_OP_BATCH_NEW, &btc, NULL, NULL, NULL, NULL, NULL, &b};
    xg_http_response resp = {status, h, nh, body, strlen(body)};
    memset(results, 0, 3 * sizeof(*results));
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, res), XG_OK);
}

static void
assert_unknown(const xg_result *r)
{
    assert_int_equal(r->outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(r->err, XG_ERR_BAD_RESPONSE);
}

static void
test_batch_answers_each_order_as_its_single_place(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    xg_result r[3];

    run_batch(k, 3, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":["
              "{\"orderId\":\"6710d8336afcdb0007319c27\",\"clientOid\":"
              "\"gw0001\",\"success\":true},"
              "{\"orderId\":\"6710d8336afcdb0007319c28\",\"clientOid\":"
              "\"gw0002\",\"success\":true},"
              "{\"orderId\":\"6710d8336afcdb0007319c29\",\"clientOid\":"
              "\"gw0003\",\"success\":true}]}",
              &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r[i].outcome, XG_OUTCOME_OK);
        assert_string_equal(r[i].order.client_id, batch_items[i].client_id);
        assert_string_equal(r[i].order.venue_symbol, "BTC-USDT");
    }
    assert_string_equal(r[0].order.venue_order_id, "6710d8336afcdb0007319c27");
    assert_string_equal(r[2].order.venue_order_id, "6710d8336afcdb0007319c29");
    /* A resting order is NEW as its single ack; the IOC may have filled. */
    assert_int_equal(r[0].order.status, XG_STATUS_NEW);
    assert_int_equal(r[1].order.status, XG_STATUS_NEW);
    assert_int_equal(r[2].order.status, XG_STATUS_UNKNOWN);

    /* Named by clientOid, the answer's order does not matter. */
    run_batch(k, 2, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":["
              "{\"orderId\":\"b\",\"clientOid\":\"gw0002\",\"success\":true},"
              "{\"orderId\":\"a\",\"clientOid\":\"gw0001\",\"success\":true}"
              "]}",
              &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_string_equal(r[0].order.venue_order_id, "a");
    assert_string_equal(r[1].order.venue_order_id, "b");
    /* Without clientOid, by place ("sequential" placement). */
    run_batch(k, 2, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":["
              "{\"orderId\":\"a\",\"success\":true},"
              "{\"orderId\":\"b\",\"clientOid\":null,\"success\":true}]}",
              &res, r);
    assert_int_equal(r[0].outcome, XG_OUTCOME_OK);
    assert_string_equal(r[0].order.client_id, "gw0001");
    assert_string_equal(r[1].order.client_id, "gw0002");
    assert_string_equal(r[1].order.venue_order_id, "b");
    kucoin_destroy(k);
}

/* docs-new's own example: a refused order's entry is {success: false,
 * failMsg} without clientOid; its failMsg goes through the error table
 * (venue_code "": the item has none), the others stand. */
static void
test_batch_partial_failure_refuses_just_that_order(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    xg_result r[3];
    char body[512];
    static const struct {
        const char *msg;
        xg_outcome outcome;
        xg_err err;
    } cases[] = {
        {"Balance insufficient!", XG_OUTCOME_REJECTED,
         XG_ERR_INSUFFICIENT_FUNDS},
        {"The order funds should more then 0.1 USDT.", XG_OUTCOME_REJECTED,
         XG_ERR_FILTER},
        {"Price increment invalid.", XG_OUTCOME_REJECTED, XG_ERR_FILTER},
        {"clientOid duplicated", XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID},
        {"symbolNotAvailable", XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL},
        {"Too Many Requests", XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {"Error 1015", XG_OUTCOME_REJECTED, XG_ERR_REJECTED},
        {"something new", XG_OUTCOME_REJECTED, XG_ERR_REJECTED},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"200000\",\"data\":["
                 "{\"orderId\":\"a\",\"clientOid\":\"gw0001\","
                 "\"success\":true},"
                 "{\"success\":false,\"failMsg\":\"%s\"},"
                 "{\"orderId\":\"c\",\"clientOid\":\"gw0003\","
                 "\"success\":true}]}",
                 cases[i].msg);
        run_batch(k, 3, 200, NULL, 0, body, &res, r);
        assert_int_equal(res.outcome, XG_OUTCOME_OK);
        assert_int_equal(r[0].outcome, XG_OUTCOME_OK);
        assert_int_equal(r[2].outcome, XG_OUTCOME_OK);
        assert_int_equal(r[1].outcome, cases[i].outcome);
        assert_int_equal(r[1].err, cases[i].err);
        assert_string_equal(r[1].venue_code, "");
        assert_string_equal(r[1].venue_msg, cases[i].msg);
        assert_true(r[1].outcome != XG_OUTCOME_RATE_LIMITED ||
                    r[1].retry_after_ms > 0);
    }
    /* Every order refused is still an answer per order; a refusal
     * without failMsg says only that. */
    run_batch(k, 2, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":[{\"success\":false},"
              "{\"success\":false,\"failMsg\":7}]}",
              &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(r[0].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(r[0].err, XG_ERR_REJECTED);
    assert_int_equal(r[1].outcome, XG_OUTCOME_REJECTED);
    kucoin_destroy(k);
}

/* An order the answer does not mention, mentions twice, or describes
 * unreadably is UNKNOWN (the core queries it); the rest stand. */
static void
test_batch_order_missing_from_answer_is_unknown(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    xg_result r[3];

    /* gw0002 missing; a foreign clientOid is no answer for it. */
    run_batch(k, 3, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":["
              "{\"orderId\":\"a\",\"clientOid\":\"gw0001\",\"success\":true},"
              "{\"orderId\":\"x\",\"clientOid\":\"other\",\"success\":true},"
              "{\"orderId\":\"c\",\"clientOid\":\"gw0003\",\"success\":true}"
              "]}",
              &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(r[0].outcome, XG_OUTCOME_OK);
    assert_unknown(&r[1]);
    assert_int_equal(r[2].outcome, XG_OUTCOME_OK);
    /* Two entries for three orders, unnamed: no place can be trusted. */
    run_batch(k, 3, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":[{\"success\":false},"
              "{\"orderId\":\"b\",\"success\":true}]}",
              &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_unknown(&r[i]);
    }
    /* Twice the same order, a malformed entry, an ack without orderId,
     * a clientOid given twice. */
    run_batch(k, 3, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":["
              "{\"orderId\":\"a\",\"clientOid\":\"gw0001\",\"success\":true},"
              "{\"success\":false,\"clientOid\":\"gw0001\"},"
              "{\"orderId\":\"c\",\"success\":\"yes\"}]}",
              &res, r);
    assert_unknown(&r[0]);
    assert_unknown(&r[1]);
    assert_unknown(&r[2]);
    run_batch(k, 2, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":["
              "{\"clientOid\":\"gw0001\",\"success\":true},"
              "{\"orderId\":\"b\",\"clientOid\":\"gw0002\","
              "\"clientOid\":\"gw0002\",\"success\":true}]}",
              &res, r);
    assert_unknown(&r[0]);
    assert_unknown(&r[1]);
    kucoin_destroy(k);
}

/* What happened to the whole request is every order's: the request's
 * result says it and the per-order results are left as they were. */
static void
test_batch_whole_request_outcomes_leave_results_alone(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    xg_result r[3];
    xg_http_header_view h[] = {{"gw-ratelimit-remaining", 22, "0", 1},
                               {"gw-ratelimit-reset", 18, "1500", 4}};
    static const xg_result zero;

    run_batch(k, 2, 429, h, 2,
              "{\"code\":\"429000\",\"msg\":\"Too Many Requests\"}", &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(res.retry_after_ms, 1500);
    assert_memory_equal(&r[0], &zero, sizeof(zero));
    assert_memory_equal(&r[1], &zero, sizeof(zero));
    run_batch(k, 2, 429, NULL, 0, "<html>Error 1015</html>", &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_BANNED);
    assert_memory_equal(&r[0], &zero, sizeof(zero));
    run_batch(k, 2, 503, NULL, 0, "", &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_memory_equal(&r[0], &zero, sizeof(zero));
    /* Cut in the middle of the list: unsure, for every order. */
    run_batch(k, 2, 200, NULL, 0,
              "{\"code\":\"200000\",\"data\":[{\"orderId\":\"a\",\"cli", &res,
              r);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    assert_memory_equal(&r[0], &zero, sizeof(zero));
    run_batch(k, 2, 200, NULL, 0, "{\"code\":\"200000\",\"data\":{}}", &res, r);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    /* The whole batch refused (too many orders, two symbols). */
    run_batch(k, 2, 400, NULL, 0,
              "{\"code\":\"400100\",\"msg\":\"orderList is invalid\"}", &res,
              r);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_FILTER);
    assert_string_equal(res.venue_code, "400100");
    assert_memory_equal(&r[1], &zero, sizeof(zero));
    kucoin_destroy(k);
}

static void
test_cancel_symbol_is_acknowledged_without_orders(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    collected c;

    memset(&c, 0, sizeof(c));
    const char *ok = "{\"code\":\"200000\",\"data\":\"success\"}";
    run(k, XG_OP_CANCEL_SYMBOL, NULL, 200, NULL, 0, ok, strlen(ok), &c, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(c.n_orders, 0);
    runs(k, XG_OP_CANCEL_SYMBOL, NULL, 200,
         "{\"code\":\"200000\",\"data\":{\"x\":1}}", &res);
    assert_unknown(&res);
    runs(k, XG_OP_CANCEL_SYMBOL, NULL, 200, "{\"code\":\"200000\",\"da", &res);
    assert_unknown(&res);
    runs(k, XG_OP_CANCEL_SYMBOL, NULL, 400,
         "{\"code\":\"400600\",\"msg\":\"symbolNotAvailable\"}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_UNKNOWN_SYMBOL);
    runs(k, XG_OP_CANCEL_SYMBOL, NULL, 500, "", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    kucoin_destroy(k);
}

typedef struct balances {
    xg_balance b[8];
    size_t n;
    size_t fail_at; /* refuse the entry with this count, 0: never */
} balances;

static xg_err
on_balance(void *ctx, const xg_balance *bal)
{
    balances *c = ctx;
    if (c->fail_at != 0 && c->n + 1 == c->fail_at) {
        return XG_ERR_BUSY;
    }
    if (c->n < 8) {
        c->b[c->n++] = *bal;
    }
    return XG_OK;
}

static xg_err
run_balances(kucoin *k, int status, const char *body, balances *c,
             xg_result *res)
{
    xg_op op = {XG_OP_BALANCES, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {status, NULL, 0, body, strlen(body)};
    xg_sink sink = {c, NULL, NULL, on_balance, NULL};
    size_t fail_at = c->fail_at;
    memset(c, 0, sizeof(*c));
    c->fail_at = fail_at;
    return kucoin_parse(k, &op, &resp, &sink, res);
}

/* docs-new "Get Account List - Spot": free = available, locked = holds;
 * rows of other accounts and empty ones are left out. */
static void
test_balances_are_the_trade_accounts_rows(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    balances c = {0};
    const char *body =
        "{\"code\":\"200000\",\"data\":["
        "{\"id\":\"1\",\"currency\":\"USDT\",\"type\":\"trade\","
        "\"balance\":\"1000000\",\"available\":\"999969.97000000\","
        "\"holds\":\"30.03\"},"
        "{\"id\":\"2\",\"currency\":\"BTC\",\"type\":\"trade\","
        "\"balance\":\"1.5\",\"available\":\"1.5\",\"holds\":\"0\"},"
        "{\"id\":\"3\",\"currency\":\"ETH\",\"type\":\"trade\","
        "\"balance\":\"0\",\"available\":\"0\",\"holds\":\"0\"},"
        "{\"id\":\"4\",\"currency\":\"USDT\",\"type\":\"main\","
        "\"balance\":\"0.01\",\"available\":\"0.01\",\"holds\":\"0\"}]}";

    assert_int_equal(run_balances(k, 200, body, &c, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.b[0].asset, "USDT");
    assert_int_equal(c.b[0].free.units, 99996997);
    assert_int_equal(c.b[0].free.scale, 2);
    assert_int_equal(c.b[0].locked.units, 3003);
    assert_int_equal(c.b[0].locked.scale, 2);
    assert_string_equal(c.b[1].asset, "BTC");
    assert_int_equal(c.b[1].free.units, 15);
    assert_int_equal(c.b[1].locked.units, 0);

    /* The sink's refusal stops the parse and comes back. */
    c.fail_at = 2;
    assert_int_equal(run_balances(k, 200, body, &c, &res), XG_ERR_BUSY);
    assert_int_equal(c.n, 1);
    c.fail_at = 0;

    /* The pool ran dry: a read, limited. */
    assert_int_equal(run_balances(k, 429,
                                  "{\"code\":\"429000\",\"msg\":\"Too Many "
                                  "Requests\"}",
                                  &c, &res),
                     XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(c.n, 0);
    kucoin_destroy(k);
}

/* A negative or unreadable amount, an odd currency: the whole answer is
 * refused (a read: REJECTED with BAD_RESPONSE), nothing half-delivered. */
static void
test_balances_refuse_hostile_amounts(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    balances c = {0};
    static const char *const rows[] = {
        "{\"currency\":\"USDT\",\"available\":\"-5\",\"holds\":\"10\"}",
        "{\"currency\":\"USDT\",\"available\":\"5\",\"holds\":\"-0.1\"}",
        "{\"currency\":\"USDT\",\"available\":5,\"holds\":\"0\"}",
        "{\"currency\":\"USDT\",\"available\":\"1e9\",\"holds\":\"0\"}",
        "{\"currency\":\"USDT\",\"available\":\"99999999999999999999999\","
        "\"holds\":\"0\"}",
        "{\"currency\":\"US DT\",\"available\":\"1\",\"holds\":\"0\"}",
        "{\"currency\":\"AVERYLONGCURRENCYNAME\",\"available\":\"1\","
        "\"holds\":\"0\"}",
        "{\"available\":\"1\",\"holds\":\"0\"}",
        "{\"currency\":\"USDT\",\"available\":\"1\",\"available\":\"2\","
        "\"holds\":\"0\"}",
        "{\"currency\":\"USDT\",\"type\":7,\"available\":\"1\","
        "\"holds\":\"0\"}",
        "[]",
    };
    char body[512];

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"code\":\"200000\",\"data\":["
                 "{\"currency\":\"BTC\",\"available\":\"1\",\"holds\":\"0\"},"
                 "%s]}",
                 rows[i]);
        assert_int_equal(run_balances(k, 200, body, &c, &res), XG_OK);
        assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(c.n, 0);
    }
    assert_int_equal(
        run_balances(k, 200, "{\"code\":\"200000\",\"data\":{}}", &c, &res),
        XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(
        run_balances(k, 200, "{\"code\":\"200000\",\"data\":[{\"cu", &c, &res),
        XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    kucoin_destroy(k);
}

/* bullet-private (streams.md 4.1): the token, the first server's
 * endpoint and ping timing are kept for the stream's plan; an answer
 * without a usable token or endpoint is refused and changes nothing, and
 * the token never reaches the result. */
static void
test_stream_token_answer_is_kept(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    size_t len = 0;
    char *body = load("bullet_private.json", &len);
    collected c;

    memset(&c, 0, sizeof(c));
    run(k, XG_OP_STREAM_TOKEN, NULL, 200, NULL, 0, body, len, &c, &res);
    free(body);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_string_equal(k->stream_token,
                        "2neAiuYvAU737TOajb2U3uT8AEVqfx8nNhB+f9xz4RQaU5I=."
                        "jQuH0aPlNmt0uAMtpaIdzQ==");
    assert_string_equal(k->stream_endpoint, "wss://ws-api-spot.kucoin.com/");
    assert_int_equal(k->stream_ping_interval_ms, 18000);
    assert_int_equal(k->stream_ping_timeout_ms, 10000);

    static const char *refused[] = {
        "{\"code\":\"200000\",\"data\":{\"instanceServers\":[{\"endpoint\":"
        "\"wss://a/\"}]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"\",\"instanceServers\":"
        "[{\"endpoint\":\"wss://a/\"}]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t t\",\"instanceServers\":"
        "[{\"endpoint\":\"wss://a/\"}]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t\",\"instanceServers\":"
        "[]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t\"}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t\",\"instanceServers\":"
        "[{\"endpoint\":\"https://a/\"}]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t\",\"instanceServers\":"
        "[{\"endpoint\":\"wss://a/?x=1\"}]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t\",\"instanceServers\":"
        "[{\"endpoint\":\"wss://a/\",\"pingInterval\":0}]}}",
        "{\"code\":\"200000\",\"data\":{\"token\":\"t\",\"instanceServers\":"
        "[{\"endpoint\":\"wss://a/\",\"pingTimeout\":\"10000\"}]}}",
        "{\"code\":\"200000\",\"data\":[]}",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        runs(k, XG_OP_STREAM_TOKEN, NULL, 200, refused[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        assert_null(strstr(res.venue_msg, "2neA"));
    }
    /* The kept token is still the good answer's. */
    assert_int_equal(strncmp(k->stream_token, "2neA", 4), 0);
    assert_string_equal(k->stream_endpoint, "wss://ws-api-spot.kucoin.com/");

    /* Timing left out: the fact sheet's values. */
    k->stream_ping_interval_ms = 0;
    runs(k, XG_OP_STREAM_TOKEN, NULL, 200,
         "{\"code\":\"200000\",\"data\":{\"token\":\"t2\",\"instanceServers\":"
         "[{\"endpoint\":\"ws://127.0.0.1:9/\"}]}}",
         &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_string_equal(k->stream_token, "t2");
    assert_int_equal(k->stream_ping_interval_ms, 18000);

    /* A refusal goes through the error table. */
    runs(k, XG_OP_STREAM_TOKEN, NULL, 401,
         "{\"code\":\"400003\",\"msg\":\"KC-API-KEY not exists\"}", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_AUTH);
    kucoin_destroy(k);
}

static void
test_parse_refuses_bad_arguments(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_result res;
    xg_op op = {XG_OP_NEW_ORDER, &btc, NULL, "x", NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, NULL, 5};
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, &res), XG_ERR_INVALID);
    resp.body_len = 0;
    op.kind = (xg_op_kind)99;
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, &res), XG_ERR_INVALID);
    assert_int_equal(kucoin_parse(NULL, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
    /* A batch without its orders, too many of them, or a batch cancel
     * (KuCoin has none, so none was built). */
    xg_result r[6];
    xg_batch_item six[6];
    for (size_t i = 0; i < 6; i++) {
        six[i] = batch_items[0];
    }
    xg_batch b = {six, 6, r};
    op.kind = XG_OP_BATCH_NEW;
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, &res), XG_ERR_INVALID);
    op.batch = &b;
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, &res), XG_ERR_INVALID);
    b.n = 2;
    op.kind = XG_OP_BATCH_CANCEL;
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, &res), XG_ERR_INVALID);
    kucoin_destroy(k);
}

static int
group_setup(void **state)
{
    (void)state;
    setup_btc();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_time_is_read_from_data),
        cmocka_unit_test(
            test_symbols_become_instruments_and_odd_ones_are_skipped),
        cmocka_unit_test(test_new_order_ack_and_mismatched_id),
        cmocka_unit_test(test_malformed_200_on_order_ops_is_unknown),
        cmocka_unit_test(test_amend_answer_is_the_replacement),
        cmocka_unit_test(test_cancel_ack_reports_canceled),
        cmocka_unit_test(test_query_maps_active_and_cancel_flags),
        cmocka_unit_test(
            test_open_orders_skip_foreign_ids_and_refuse_bad_lists),
        cmocka_unit_test(test_error_table_rows),
        cmocka_unit_test(test_rate_limit_waits_for_pool_reset),
        cmocka_unit_test(test_cloudflare_page_is_a_ban),
        cmocka_unit_test(test_hostile_bodies_do_not_crash),
        cmocka_unit_test(test_repeated_key_in_order_answer_is_refused),
        cmocka_unit_test(test_invalid_utf8_body_is_refused),
        cmocka_unit_test(test_deeply_nested_body_is_refused),
        cmocka_unit_test(test_token_array_is_kept_small),
        cmocka_unit_test(test_batch_answers_each_order_as_its_single_place),
        cmocka_unit_test(test_batch_partial_failure_refuses_just_that_order),
        cmocka_unit_test(test_batch_order_missing_from_answer_is_unknown),
        cmocka_unit_test(test_batch_whole_request_outcomes_leave_results_alone),
        cmocka_unit_test(test_cancel_symbol_is_acknowledged_without_orders),
        cmocka_unit_test(test_balances_are_the_trade_accounts_rows),
        cmocka_unit_test(test_balances_refuse_hostile_amounts),
        cmocka_unit_test(test_stream_token_answer_is_kept),
        cmocka_unit_test(test_parse_refuses_bad_arguments),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
