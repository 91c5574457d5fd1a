/*
 * test_binance_parse.c - Binance answers into unified results: success
 * bodies, every row of the error table, exchangeInfo instruments, open
 * orders, a cancel-all's canceled orders, the balances, and bodies that
 * are broken or hostile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "binance.h"

#define DATA XG_TEST_DATA_DIR "/binance/"

static char *
read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n = 0;
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

/* What the sink received. */
typedef struct collected {
    xg_instrument ins[16];
    size_t n_ins;
    xg_order_report orders[16];
    size_t n_orders;
    xg_balance balances[16];
    size_t n_balances;
    size_t fail_after; /* return an error on this call (0: never) */
} collected;

static xg_err
collect_instrument(void *ctx, const xg_instrument *ins)
{
    collected *c = ctx;
    if (c->fail_after != 0 && c->n_ins + 1 == c->fail_after) {
        return XG_ERR_NOMEM;
    }
    assert_true(c->n_ins < 16);
    c->ins[c->n_ins++] = *ins;
    return XG_OK;
}

static xg_err
collect_order(void *ctx, const xg_order_report *rep)
{
    collected *c = ctx;
    if (c->fail_after != 0 && c->n_orders + 1 == c->fail_after) {
        return XG_ERR_NOMEM;
    }
    assert_true(c->n_orders < 16);
    c->orders[c->n_orders++] = *rep;
    return XG_OK;
}

static xg_err
collect_balance(void *ctx, const xg_balance *bal)
{
    collected *c = ctx;
    if (c->fail_after != 0 && c->n_balances + 1 == c->fail_after) {
        return XG_ERR_NOMEM;
    }
    assert_true(c->n_balances < 16);
    c->balances[c->n_balances++] = *bal;
    return XG_OK;
}

typedef struct fixture {
    void *inst;
    xg_instrument btc;
    xg_order order; /* the order an amend is about */
    xg_amend amend; /* what an XG_OP_AMEND_ORDER asks */
    collected got;
    xg_result res;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xg_adapter_config cfg = {"k", "s", NULL, NULL, 0};
    char err[128];
    if (f == NULL ||
        xg_adapter_entry()->create(&cfg, &f->inst, err, sizeof(err)) != XG_OK) {
        free(f);
        return -1;
    }
    xg_strlcpy(f->btc.symbol, "BTC/USDT", sizeof(f->btc.symbol));
    xg_strlcpy(f->btc.venue_symbol, "BTCUSDT", sizeof(f->btc.venue_symbol));
    xg_strlcpy(f->order.client_id, "gw-0001", sizeof(f->order.client_id));
    xg_strlcpy(f->order.symbol, "BTC/USDT", sizeof(f->order.symbol));
    f->order.side = XG_SIDE_BUY;
    f->order.type = XG_TYPE_LIMIT;
    f->order.tif = XG_TIF_GTC;
    f->order.qty = (xg_decimal){5, 3};
    f->order.price = (xg_decimal){350005, 1};
    /* keepPriority down to 0.003; replace tests set is_replace. */
    f->amend = (xg_amend){f->order.price, {3, 3}, {1, 3}, 0, "gw-0002"};
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    xg_adapter_entry()->destroy(f->inst);
    free(f);
    return 0;
}

/* Parse body[0..len) as the answer to kind; headers optional. The body is
 * copied into a buffer of exactly len bytes (no NUL after it) so that
 * ASan catches any read past body_len. */
static xg_err
parse_n(fixture *f, xg_op_kind kind, int status, const char *body, size_t len,
        const xg_http_header_view *h, size_t n_h)
{
    xg_op op = {kind, &f->btc, NULL, "gw-0001", NULL, NULL, NULL, NULL};
    xg_sink sink = {&f->got, collect_instrument, collect_order, collect_balance,
                    NULL};
    if (kind == XG_OP_AMEND_ORDER) {
        op.order = &f->order;
        op.amend = &f->amend;
    }
    char *copy = malloc(len > 0 ? len : 1);
    xg_err rc;
    assert_non_null(copy);
    if (len > 0) {
        memcpy(copy, body, len);
    }
    if (kind == XG_OP_OPEN_ORDERS || kind == XG_OP_INSTRUMENTS ||
        kind == XG_OP_SERVER_TIME || kind == XG_OP_CANCEL_SYMBOL ||
        kind == XG_OP_BALANCES) {
        op.client_id = NULL;
        if (kind != XG_OP_OPEN_ORDERS && kind != XG_OP_CANCEL_SYMBOL) {
            op.instrument = NULL;
        }
    }
    xg_http_response resp = {status, h, n_h, len > 0 ? copy : NULL, len};
    memset(&f->res, 0x5a, sizeof(f->res)); /* parse must set everything */
    rc = xg_adapter_entry()->parse(f->inst, &op, &resp, &sink, &f->res);
    free(copy);
    return rc;
}

static void
parse_ok(fixture *f, xg_op_kind kind, int status, const char *body)
{
    assert_int_equal(parse_n(f, kind, status, body, strlen(body), NULL, 0),
                     XG_OK);
}

static void
parse_file(fixture *f, xg_op_kind kind, int status, const char *name)
{
    size_t len = 0;
    char path[512];
    snprintf(path, sizeof(path), "%s%s", DATA, name);
    char *body = read_file(path, &len);
    assert_int_equal(parse_n(f, kind, status, body, len, NULL, 0), XG_OK);
    free(body);
}

static void
expect_decimal(xg_decimal d, int64_t units, unsigned scale)
{
    assert_int_equal(d.units, units);
    assert_int_equal(d.scale, scale);
}

/* --- success bodies ------------------------------------------------------ */

static void
test_server_time(void **state)
{
    fixture *f = *state;
    parse_ok(f, XG_OP_SERVER_TIME, 200, "{\"serverTime\":1499827319559}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.server_time_ms, 1499827319559LL);
    assert_string_equal(f->res.venue_code, "");
    assert_int_equal(f->res.n_usage, 0);
}

static void
test_server_time_malformed_is_rejected(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "{\"serverTime\":\"1499827319559\"}",
        "{\"serverTime\":-5}",
        "{}",
        "[1499827319559]",
        "1499827319559",
        "{\"serverTime\":1.5e12}",
        "{\"serverTime\":1499827319559",
        "null",
        "<html></html>",
        "",
        "{\"serverTime\":99999999999999999999999}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, XG_OP_SERVER_TIME, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.server_time_ms, 0);
    }
}

static void
test_new_order_full_response(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_NEW_ORDER, 200, "order_new_full.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_string_equal(f->res.order.client_id, "gw-0001");
    assert_string_equal(f->res.order.venue_order_id, "28457");
    assert_string_equal(f->res.order.venue_symbol, "BTCUSDT");
    assert_int_equal(f->res.order.status, XG_STATUS_FILLED);
    expect_decimal(f->res.order.exec.filled_qty, 1, 3);
    expect_decimal(f->res.order.exec.filled_quote, 350005, 4);
    expect_decimal(f->res.order.exec.fee, 1, 6);
    assert_string_equal(f->res.order.exec.fee_currency, "BTC");
}

/* A placement answer's fills, as FULL lists them. */
static void
parse_fills(fixture *f, const char *executed, const char *fills)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"symbol\":\"BTCUSDT\",\"orderId\":9,"
             "\"clientOrderId\":\"gw-0001\",\"status\":\"PARTIALLY_FILLED\","
             "\"executedQty\":\"%s\",\"cummulativeQuoteQty\":\"70.0015\","
             "\"fills\":%s}",
             executed, fills);
    parse_ok(f, XG_OP_NEW_ORDER, 200, body);
}

/* The fee is the sum of the fills' commissions when they cover the whole
 * executed quantity in one asset; two assets or fills short of it leave
 * it unsaid; a fill that does not read makes the answer malformed. */
static void
test_new_order_fee_from_the_fills(void **state)
{
    fixture *f = *state;
    const char *two_levels =
        "[{\"price\":\"35000\",\"qty\":\"0.001\",\"commission\":"
        "\"0.000001\",\"commissionAsset\":\"BTC\",\"tradeId\":1},"
        "{\"price\":\"35001.5\",\"qty\":\"0.001\",\"commission\":"
        "\"0.0000010\",\"commissionAsset\":\"BTC\",\"tradeId\":2}]";

    parse_fills(f, "0.002", two_levels);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    expect_decimal(f->res.order.exec.fee, 2, 6);
    assert_string_equal(f->res.order.exec.fee_currency, "BTC");
    expect_decimal(f->res.order.exec.filled_quote, 700015, 4);

    parse_fills(f, "0.003", two_levels); /* fills short of executedQty */
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_false(xg_execution_has_fee(&f->res.order.exec));

    parse_fills(f, "0.002",
                "[{\"qty\":\"0.001\",\"commission\":\"0.000001\","
                "\"commissionAsset\":\"BTC\"},{\"qty\":\"0.001\","
                "\"commission\":\"0.01\",\"commissionAsset\":\"BNB\"}]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_false(xg_execution_has_fee(&f->res.order.exec));

    parse_fills(f, "0.001",
                "[{\"qty\":\"0.001\",\"commission\":\"0.01\","
                "\"commissionAsset\":\"AVERYLONGASSETNAME\"}]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_false(xg_execution_has_fee(&f->res.order.exec));

    parse_fills(f, "0", "[]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_false(xg_execution_has_fee(&f->res.order.exec));

    const char *bad[] = {
        "{}",
        "[1]",
        ("[{\"qty\":\"0.001\",\"commission\":\"-1\","
         "\"commissionAsset\":\"BTC\"}]"),
        "[{\"qty\":\"0.001\",\"commissionAsset\":\"BTC\"}]",
        "[{\"qty\":\"0.001\",\"commission\":\"1\",\"commissionAsset\":7}]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parse_fills(f, "0.001", bad[i]);
        assert_int_not_equal(f->res.outcome, XG_OUTCOME_OK);
    }
}

static void
test_new_order_ack_without_status_is_new(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_NEW_ORDER, 200, "order_new_ack.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_NEW);
    assert_string_equal(f->res.order.venue_order_id, "28");
    expect_decimal(f->res.order.exec.filled_qty, 0, 0);
    expect_decimal(f->res.order.exec.filled_quote, 0, 0);
}

/* The order's id is origClientOrderId; clientOrderId names the cancel. */
static void
test_cancel_reports_the_original_client_id(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_CANCEL_ORDER, 200, "order_cancel.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_string_equal(f->res.order.client_id, "gw-0001");
    assert_int_equal(f->res.order.status, XG_STATUS_CANCELED);
    expect_decimal(f->res.order.exec.filled_qty, 4, 4);
    expect_decimal(f->res.order.exec.filled_quote, 140002, 4);

    /* Without origClientOrderId the cancel's fate is not told. */
    parse_ok(
        f, XG_OP_CANCEL_ORDER, 200,
        "{\"symbol\":\"BTCUSDT\",\"orderId\":4,\"clientOrderId\":\"gw-0001\","
        "\"status\":\"CANCELED\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
}

/* Binance: cummulativeQuoteQty < 0 means "not available", not an error. */
static void
test_query_negative_quote_qty_means_unknown_cost(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_QUERY_ORDER, 200, "order_query.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_NEW);
    expect_decimal(f->res.order.exec.filled_qty, 0, 0);
    expect_decimal(f->res.order.exec.filled_quote, 0, 0);
    assert_string_equal(f->res.order.venue_order_id, "1");
}

static void
test_order_status_mapping(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *venue;
        xg_order_status status;
    } map[] = {
        {"NEW", XG_STATUS_NEW},
        {"PENDING_NEW", XG_STATUS_NEW},
        {"PARTIALLY_FILLED", XG_STATUS_PARTIALLY_FILLED},
        {"FILLED", XG_STATUS_FILLED},
        {"CANCELED", XG_STATUS_CANCELED},
        {"PENDING_CANCEL", XG_STATUS_NEW},
        {"REJECTED", XG_STATUS_REJECTED},
        {"EXPIRED", XG_STATUS_EXPIRED},
        {"EXPIRED_IN_MATCH", XG_STATUS_EXPIRED},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 "{\"symbol\":\"BTCUSDT\",\"orderId\":9,\"clientOrderId\":"
                 "\"gw-0001\",\"status\":\"%s\",\"executedQty\":\"0.5\"}",
                 map[i].venue);
        parse_ok(f, XG_OP_QUERY_ORDER, 200, body);
        assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
        assert_int_equal(f->res.order.status, map[i].status);
        expect_decimal(f->res.order.exec.filled_qty, 5, 1);
    }
}

/* A 200 to a new order that does not say what happened: the order may
 * exist, so UNKNOWN. The same for a query is a plain bad answer. */
static void
test_unreadable_new_order_answer_is_unknown(void **state)
{
    fixture *f = *state;
    static const char *const files[] = {
        "order_new_truncated.json",
        "order_new_hostile_types.json",
        "order_new_huge_id.json",
        "gateway_502.html",
    };
    static const char *const bodies[] = {
        "",
        "null",
        "[]",
        "\"FILLED\"",
        "{}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"other-id\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\","
        "\"status\":\"HALF_FILLED\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\","
        "\"status\":null}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":-1,\"clientOrderId\":\"gw-0001\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":\"1\",\"clientOrderId\":\"gw-"
        "0001\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\","
        "\"executedQty\":\"-0.1\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\","
        "\"executedQty\":\"1e-3\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\","
        "\"executedQty\":0.001}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\","
        "\"cummulativeQuoteQty\":\"99999999999999999999999\"}",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":\"gw-0001\"} "
        "x",
        "{\"symbol\":\"BTCUSDT\",\"orderId\":1,\"clientOrderId\":"
        "\"gw-0001-but-much-longer-than-32-characters\"}",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        parse_file(f, XG_OP_NEW_ORDER, 200, files[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.order.status, 0);
    }
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, XG_OP_NEW_ORDER, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        parse_ok(f, XG_OP_QUERY_ORDER, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    }
}

/* A JSON string with an embedded NUL must not be taken as a shorter id. */
static void
test_embedded_nul_in_client_id_is_malformed(void **state)
{
    fixture *f = *state;
    parse_ok(f, XG_OP_NEW_ORDER, 200,
             "{\"symbol\":\"BTCUSDT\",\"orderId\":1,"
             "\"clientOrderId\":\"gw-0001\\u0000xyz\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
}

/* body_len bounds the parse even when more bytes follow in memory. */
static void
test_parse_reads_only_body_len(void **state)
{
    fixture *f = *state;
    const char *body = "{\"serverTime\":1499827319559}";
    assert_int_equal(parse_n(f, XG_OP_SERVER_TIME, 200, body, 10, NULL, 0),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(
        parse_n(f, XG_OP_SERVER_TIME, 200, body, strlen(body), NULL, 0), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
}

static void
test_deeply_nested_body_does_not_crash(void **state)
{
    fixture *f = *state;
    size_t depth = 100000;
    char *body = malloc(2 * depth);
    assert_non_null(body);
    memset(body, '[', depth);
    memset(body + depth, ']', depth);
    assert_int_equal(parse_n(f, XG_OP_NEW_ORDER, 200, body, 2 * depth, NULL, 0),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    free(body);
}

static void
test_parse_refuses_bad_arguments(void **state)
{
    fixture *f = *state;
    xg_op op = {XG_OP_SERVER_TIME, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, NULL, 5};
    xg_result res;
    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
    resp.body_len = 0;
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, NULL, &resp, NULL, &res),
        XG_ERR_INVALID);
    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, NULL),
                     XG_ERR_INVALID);
    op.kind = (xg_op_kind)42;
    resp.status = 500;
    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
    /* Spot has no batches: build refuses them, so no answer to one. */
    op.kind = XG_OP_BATCH_NEW;
    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
    op.kind = XG_OP_BATCH_CANCEL;
    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
}

/* --- the error table ---------------------------------------------------- */

typedef struct err_case {
    xg_op_kind kind;
    int status;
    const char *body;
    const char *retry_after; /* header value or NULL */
    xg_outcome outcome;
    xg_err err;
    const char *code;
    int64_t retry_after_ms;
    int64_t banned_until_ms;
} err_case;

static const err_case error_cases[] = {
    /* Bans. */
    {XG_OP_NEW_ORDER, 418,
     "{\"code\":-1003,\"msg\":\"Way too much request weight used; IP banned "
     "until 1620286253180. Please use WebSocket Streams.\"}",
     "300", XG_OUTCOME_BANNED, XG_ERR_BANNED, "-1003", 0, 1620286253180LL},
    {XG_OP_QUERY_ORDER, 429,
     "{\"code\":-1003,\"msg\":\"IP banned until 1700000060000.\"}", NULL,
     XG_OUTCOME_BANNED, XG_ERR_BANNED, "-1003", 0, 1700000060000LL},
    {XG_OP_CANCEL_ORDER, 400,
     "{\"code\":-1003,\"msg\":\"IP banned until 1700000060000.\"}", NULL,
     XG_OUTCOME_BANNED, XG_ERR_BANNED, "-1003", 0, 1700000060000LL},
    {XG_OP_SERVER_TIME, 418, "", "120", XG_OUTCOME_BANNED, XG_ERR_BANNED, "",
     120000, 0},
    {XG_OP_NEW_ORDER, 418, "{\"code\":-1003,\"msg\":\"IP banned until soon\"}",
     "7", XG_OUTCOME_BANNED, XG_ERR_BANNED, "-1003", 7000, 0},
    /* Rate limits. */
    {XG_OP_NEW_ORDER, 429,
     "{\"code\":-1003,\"msg\":\"Too much request weight used; current limit is "
     "6000 request weight per 1 MINUTE.\"}",
     "12", XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, "-1003", 12000, 0},
    {XG_OP_NEW_ORDER, 429,
     "{\"code\":-1015,\"msg\":\"Too many new orders; current limit is 100 "
     "orders per 10 SECOND.\"}",
     NULL, XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, "-1015", 0, 0},
    {XG_OP_OPEN_ORDERS, 429, "<html>slow down</html>", "Wed, 21 Oct 2015",
     XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, "", 0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":-1015,\"msg\":\"Too many new orders.\"}",
     NULL, XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, "-1015", 0, 0},
    {XG_OP_NEW_ORDER, 503,
     "{\"code\":-1008,\"msg\":\"Server is currently overloaded with other "
     "requests. Please try again in a few minutes.\"}",
     NULL, XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, "-1008", 1000, 0},
    {XG_OP_QUERY_ORDER, 503, "{\"code\":-1008,\"msg\":\"busy\"}", "3",
     XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED, "-1008", 3000, 0},
    {XG_OP_NEW_ORDER, 429, "{\"code\":-1003,\"msg\":\"x\"}",
     "99999999999999999999", XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED,
     "-1003", 0, 0},
    /* WAF. */
    {XG_OP_NEW_ORDER, 403, "", NULL, XG_OUTCOME_REJECTED, XG_ERR_REJECTED, "",
     0, 0},
    /* Timestamp. */
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-1021,\"msg\":\"Timestamp for this request is outside of the "
     "recvWindow.\"}",
     NULL, XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP, "-1021", 0, 0},
    {XG_OP_QUERY_ORDER, 400,
     "{\"code\":-1021,\"msg\":\"Timestamp for this request was 1000ms ahead of "
     "the server's time.\"}",
     NULL, XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP, "-1021", 0, 0},
    /* Execution status unknown: orders UNKNOWN, reads VENUE_DOWN. */
    {XG_OP_NEW_ORDER, 500, "", NULL, XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS,
     "", 0, 0},
    {XG_OP_CANCEL_ORDER, 504,
     "{\"code\":-1007,\"msg\":\"Timeout waiting for "
     "response from backend server. Send status unknown; execution status "
     "unknown.\"}",
     NULL, XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS, "-1007", 0, 0},
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-1006,\"msg\":\"An unexpected response "
     "was received from the message bus. Execution status unknown.\"}",
     NULL, XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS, "-1006", 0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":-1007,\"msg\":\"t\"}", NULL,
     XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS, "-1007", 0, 0},
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-1000,\"msg\":\"An unknown error "
     "occurred while processing the request.\"}",
     NULL, XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS, "-1000", 0, 0},
    {XG_OP_CANCEL_ORDER, 400,
     "{\"code\":-1001,\"msg\":\"Internal error; "
     "unable to process your request. Please try again.\"}",
     NULL, XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS, "-1001", 0, 0},
    {XG_OP_QUERY_ORDER, 500, "", NULL, XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN,
     "", 0, 0},
    {XG_OP_SERVER_TIME, 502, "bad gateway", NULL, XG_OUTCOME_REJECTED,
     XG_ERR_VENUE_DOWN, "", 0, 0},
    {XG_OP_INSTRUMENTS, 503, "", NULL, XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN,
     "", 0, 0},
    {XG_OP_OPEN_ORDERS, 500, "{\"code\":-1000,\"msg\":\"x\"}", NULL,
     XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN, "-1000", 0, 0},
    {XG_OP_QUERY_ORDER, 400, "{\"code\":-1001,\"msg\":\"x\"}", NULL,
     XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN, "-1001", 0, 0},
    {XG_OP_QUERY_ORDER, 400, "{\"code\":-1006,\"msg\":\"x\"}", NULL,
     XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN, "-1006", 0, 0},
    {XG_OP_OPEN_ORDERS, 400, "{\"code\":-1007,\"msg\":\"x\"}", NULL,
     XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN, "-1007", 0, 0},
    /* Unexpected statuses. */
    {XG_OP_NEW_ORDER, 302, "", NULL, XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE,
     "", 0, 0},
    {XG_OP_NEW_ORDER, 0, "", NULL, XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE, "",
     0, 0},
    {XG_OP_QUERY_ORDER, 101, "", NULL, XG_OUTCOME_REJECTED, XG_ERR_BAD_RESPONSE,
     "", 0, 0},
    {XG_OP_CANCEL_ORDER, 999, "", NULL, XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE,
     "", 0, 0},
    /* Refusals. */
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-2010,\"msg\":\"Account has insufficient "
     "balance for requested action.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS, "-2010", 0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":-2010,\"msg\":\"Duplicate order sent.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID, "-2010", 0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":-2010,\"msg\":\"Market is closed.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_MARKET_CLOSED, "-2010", 0, 0},
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-2010,\"msg\":\"Order would immediately "
     "match and take.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_REJECTED, "-2010", 0, 0},
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-1013,\"msg\":\"Filter failure: "
     "PRICE_FILTER\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_FILTER, "-1013", 0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":-1013,\"msg\":\"Market is closed.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_MARKET_CLOSED, "-1013", 0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", NULL,
     XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL, "-1121", 0, 0},
    {XG_OP_QUERY_ORDER, 400,
     "{\"code\":-2013,\"msg\":\"Order does not "
     "exist.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND, "-2013", 0, 0},
    {XG_OP_CANCEL_ORDER, 400,
     "{\"code\":-2011,\"msg\":\"Unknown order "
     "sent.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND, "-2011", 0, 0},
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-1022,\"msg\":\"Signature for this "
     "request is not valid.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_AUTH, "-1022", 0, 0},
    {XG_OP_NEW_ORDER, 401,
     "{\"code\":-2014,\"msg\":\"API-key format "
     "invalid.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_AUTH, "-2014", 0, 0},
    {XG_OP_OPEN_ORDERS, 401,
     "{\"code\":-2015,\"msg\":\"Invalid API-key, IP, "
     "or permissions for action.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_AUTH, "-2015", 0, 0},
    {XG_OP_NEW_ORDER, 400,
     "{\"code\":-1100,\"msg\":\"Illegal characters "
     "found in parameter 'price'.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_REJECTED, "-1100", 0, 0},
    {XG_OP_NEW_ORDER, 400, "not json at all", NULL, XG_OUTCOME_REJECTED,
     XG_ERR_REJECTED, "", 0, 0},
    {XG_OP_NEW_ORDER, 404, "", NULL, XG_OUTCOME_REJECTED, XG_ERR_REJECTED, "",
     0, 0},
    {XG_OP_NEW_ORDER, 400, "{\"code\":\"-2010\",\"msg\":5}", NULL,
     XG_OUTCOME_REJECTED, XG_ERR_REJECTED, "", 0, 0},
    /* An error body with a 200 status is still an error. */
    {XG_OP_NEW_ORDER, 200,
     "{\"code\":-2010,\"msg\":\"Account has insufficient "
     "balance for requested action.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS, "-2010", 0, 0},
    {XG_OP_SERVER_TIME, 200, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}",
     NULL, XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL, "-1121", 0, 0},
};

static void
test_error_table_rows(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        const err_case *c = &error_cases[i];
        xg_http_header_view h = {"Retry-After", 11, c->retry_after,
                                 c->retry_after ? strlen(c->retry_after) : 0};
        print_message("case %zu: %d %s\n", i, c->status, c->body);
        assert_int_equal(parse_n(f, c->kind, c->status, c->body,
                                 strlen(c->body), &h,
                                 c->retry_after != NULL ? 1 : 0),
                         XG_OK);
        assert_int_equal(f->res.outcome, c->outcome);
        assert_int_equal(f->res.err, c->err);
        assert_string_equal(f->res.venue_code, c->code);
        assert_int_equal(f->res.retry_after_ms, c->retry_after_ms);
        assert_int_equal(f->res.banned_until_ms, c->banned_until_ms);
        assert_int_equal(f->res.order.status, 0);
        assert_int_equal(f->got.n_ins + f->got.n_orders, 0);
        assert_true(strlen(f->res.venue_msg) < XG_VENUE_MSG_MAX);
    }
}

static void
test_error_message_is_copied_truncated_and_printable(void **state)
{
    fixture *f = *state;
    char body[1024];
    char longmsg[400];
    memset(longmsg, 'x', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = '\0';

    parse_ok(f, XG_OP_NEW_ORDER, 400,
             "{\"code\":-1013,\"msg\":\"Filter failure: LOT_SIZE\"}");
    assert_string_equal(f->res.venue_msg, "Filter failure: LOT_SIZE");

    parse_ok(f, XG_OP_NEW_ORDER, 400,
             "{\"code\":-1100,\"msg\":\"bad\\n\\u0007char \\u00e9\"}");
    assert_string_equal(f->res.venue_msg, "bad??char ??");

    snprintf(body, sizeof(body), "{\"code\":-1100,\"msg\":\"%s\"}", longmsg);
    parse_ok(f, XG_OP_NEW_ORDER, 400, body);
    assert_int_equal(strlen(f->res.venue_msg), XG_VENUE_MSG_MAX - 1);

    /* A code too large for int64 makes the body unparseable: no code. */
    parse_ok(f, XG_OP_NEW_ORDER, 400,
             "{\"code\":-99999999999999999999999,\"msg\":\"x\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_string_equal(f->res.venue_code, "");

    parse_ok(f, XG_OP_NEW_ORDER, 400,
             "{\"code\":-9223372036854775808,\"msg\":\"x\"}");
    assert_string_equal(f->res.venue_code, "-9223372036854775808");
}

static void
test_waf_403_is_labelled(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_NEW_ORDER, 403, "waf_403.html");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_REJECTED);
    assert_int_equal(strncmp(f->res.venue_msg, "WAF: <html>", 11), 0);
    parse_ok(f, XG_OP_NEW_ORDER, 403, "");
    assert_string_equal(f->res.venue_msg, "WAF");
}

static void
test_banned_file_body(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_CANCEL_ORDER, 418, "error_banned.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_BANNED);
    assert_int_equal(f->res.banned_until_ms, 1620286253180LL);
    parse_file(f, XG_OP_CANCEL_ORDER, 502, "gateway_502.html");
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_UNKNOWN_STATUS);
    assert_int_equal(strncmp(f->res.venue_msg, "<html>?<head>", 13), 0);
}

/* The classifier straight, for codes that arrive without a body code. */
static void
test_classify_without_code(void **state)
{
    (void)state;
    xg_http_response resp = {429, NULL, 0, NULL, 0};
    xg_result res;
    memset(&res, 0, sizeof(res));
    binance_classify_error(XG_OP_NEW_ORDER, &resp, 0, 0, NULL, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_string_equal(res.venue_code, "");
    assert_string_equal(res.venue_msg, "");
    resp.status = 400;
    binance_classify_error(XG_OP_NEW_ORDER, &resp, 0, 0, "", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_REJECTED);
}

/* --- price and quantity of an order ----------------------------------- */

/* Every answer that carries an order's limit price and total quantity
 * reports them (the core checks an amend whose answer was lost by them);
 * an answer without them (ACK) leaves them unsaid. */
static void
test_order_answers_report_price_and_quantity(void **state)
{
    fixture *f = *state;

    parse_file(f, XG_OP_QUERY_ORDER, 200, "order_query.json");
    expect_decimal(f->res.order.price, 350005, 1);
    expect_decimal(f->res.order.qty, 1, 3);
    parse_file(f, XG_OP_CANCEL_ORDER, 200, "order_cancel.json");
    expect_decimal(f->res.order.price, 350005, 1);
    expect_decimal(f->res.order.qty, 1, 3);
    parse_file(f, XG_OP_NEW_ORDER, 200, "order_new_full.json");
    expect_decimal(f->res.order.price, 350005, 1);
    expect_decimal(f->res.order.qty, 1, 3);
    parse_file(f, XG_OP_NEW_ORDER, 200, "order_new_ack.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    expect_decimal(f->res.order.price, 0, 0);
    expect_decimal(f->res.order.qty, 0, 0);

    parse_file(f, XG_OP_OPEN_ORDERS, 200, "open_orders.json");
    assert_int_equal(f->got.n_orders, 2);
    expect_decimal(f->got.orders[0].price, 350005, 1);
    expect_decimal(f->got.orders[0].qty, 1, 3);
    expect_decimal(f->got.orders[1].price, 5, 2);
    expect_decimal(f->got.orders[1].qty, 1, 0);

    /* A market order's zero price reads as not said. */
    parse_ok(f, XG_OP_QUERY_ORDER, 200,
             "{\"symbol\":\"BTCUSDT\",\"orderId\":9,\"clientOrderId\":"
             "\"gw-0001\",\"status\":\"FILLED\",\"price\":\"0.00000000\","
             "\"origQty\":\"0.50000000\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    expect_decimal(f->res.order.price, 0, 0);
    expect_decimal(f->res.order.qty, 5, 1);
}

static void
test_malformed_price_or_quantity_makes_the_answer_bad(void **state)
{
    fixture *f = *state;
    static const char *const fields[] = {
        "\"price\":\"-1\"",
        "\"price\":35000",
        "\"price\":\"1e3\"",
        "\"origQty\":null",
        "\"origQty\":\"-0.1\"",
        "\"origQty\":\"0.1\",\"origQty\":\"0.2\"",
        "\"price\":\"99999999999999999999999\"",
    };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 "{\"symbol\":\"BTCUSDT\",\"orderId\":9,"
                 "\"clientOrderId\":\"gw-0001\",\"status\":\"NEW\",%s}",
                 fields[i]);
        parse_ok(f, XG_OP_NEW_ORDER, 200, body);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        parse_ok(f, XG_OP_QUERY_ORDER, 200, body);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    }
}

/* --- amends ------------------------------------------------------------ */

/* keepPriority: the same order, as it now stands. */
static void
test_amend_keep_priority_reports_the_amended_order(void **state)
{
    fixture *f = *state;

    parse_file(f, XG_OP_AMEND_ORDER, 200, "order_amend.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.is_replaced, 0);
    assert_string_equal(f->res.order.client_id, "gw-0001");
    assert_string_equal(f->res.order.venue_order_id, "33");
    assert_string_equal(f->res.order.venue_symbol, "BTCUSDT");
    assert_int_equal(f->res.order.status, XG_STATUS_PARTIALLY_FILLED);
    expect_decimal(f->res.order.price, 350005, 1);
    expect_decimal(f->res.order.qty, 3, 3);
    expect_decimal(f->res.order.exec.filled_qty, 1, 3);
    expect_decimal(f->res.order.exec.filled_quote, 350005, 4);
    expect_decimal(f->res.replaced_exec.filled_qty, 0, 0);
}

/* cancelReplace: the new order, and what the old one had executed, which
 * Binance's new order does not carry. */
static void
test_amend_replace_reports_the_new_order_and_the_old_fills(void **state)
{
    fixture *f = *state;

    f->amend.is_replace = 1;
    parse_file(f, XG_OP_AMEND_ORDER, 200, "order_cancel_replace.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.is_replaced, 1);
    assert_string_equal(f->res.order.client_id, "gw-0002");
    assert_string_equal(f->res.order.venue_order_id, "10");
    assert_string_equal(f->res.order.venue_symbol, "BTCUSDT");
    assert_int_equal(f->res.order.status, XG_STATUS_NEW);
    expect_decimal(f->res.order.price, 34999, 0);
    expect_decimal(f->res.order.qty, 4, 3);
    expect_decimal(f->res.order.exec.filled_qty, 0, 0);
    expect_decimal(f->res.replaced_exec.filled_qty, 1, 3);
    expect_decimal(f->res.replaced_exec.filled_quote, 350005, 4);
    assert_false(xg_execution_has_fee(&f->res.replaced_exec));
}

/* HTTP 409 -2021: the cancel went through, the new order was refused. The
 * order is gone: OK, replaced by a REJECTED order, with the new order's
 * code and text, and its unified reason as a hint. */
static void
test_amend_replace_partial_failure_is_a_rejected_replacement(void **state)
{
    fixture *f = *state;

    f->amend.is_replace = 1;
    parse_file(f, XG_OP_AMEND_ORDER, 409, "order_cancel_replace_409.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_replaced, 1);
    assert_int_equal(f->res.order.status, XG_STATUS_REJECTED);
    assert_string_equal(f->res.order.client_id, "gw-0002");
    assert_string_equal(f->res.order.venue_order_id, "");
    expect_decimal(f->res.replaced_exec.filled_qty, 2, 3);
    expect_decimal(f->res.replaced_exec.filled_quote, 70001, 3);
    assert_string_equal(f->res.venue_code, "-2010");
    assert_string_equal(f->res.venue_msg,
                        "Order would immediately match and take.");
    assert_int_equal(f->res.err, XG_ERR_REJECTED);

    parse_ok(f, XG_OP_AMEND_ORDER, 409,
             "{\"code\":-2021,\"msg\":\"Order cancel-replace partially "
             "failed.\",\"data\":{\"cancelResult\":\"SUCCESS\","
             "\"newOrderResult\":\"FAILURE\",\"cancelResponse\":{"
             "\"symbol\":\"BTCUSDT\",\"origClientOrderId\":\"gw-0001\","
             "\"orderId\":3,\"clientOrderId\":\"c1\",\"status\":"
             "\"CANCELED\",\"executedQty\":\"0\"},\"newOrderResponse\":{"
             "\"code\":-2010,\"msg\":\"Account has insufficient balance "
             "for requested action.\"}}}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_INSUFFICIENT_FUNDS);
}

/* HTTP 400 -2022: the cancel failed and nothing was placed: refused for
 * the cancel's reason (an order filled, canceled or unknown is -2011). */
static void
test_amend_replace_failure_is_refused_for_the_cancel_reason(void **state)
{
    fixture *f = *state;

    f->amend.is_replace = 1;
    parse_file(f, XG_OP_AMEND_ORDER, 400, "order_cancel_replace_400.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_ORDER_NOT_FOUND);
    assert_string_equal(f->res.venue_code, "-2011");
    assert_string_equal(f->res.venue_msg, "Unknown order sent.");
    assert_int_equal(f->res.is_replaced, 0);
    assert_int_equal(f->res.order.status, 0);

    /* Without a readable cancel part: refused as the answer says. */
    parse_ok(f, XG_OP_AMEND_ORDER, 400,
             "{\"code\":-2022,\"msg\":\"Order cancel-replace failed.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_REJECTED);
    assert_string_equal(f->res.venue_code, "-2022");
    assert_string_equal(f->res.venue_msg, "Order cancel-replace failed.");
}

/* The venue's refusals of an amend, each with its unified reason. */
static void
test_amend_refusals_map_to_unified_reasons(void **state)
{
    fixture *f = *state;
    static const struct {
        int is_replace;
        const char *body;
        xg_err err;
        const char *code;
    } cases[] = {
        {0, "{\"code\":-2038,\"msg\":\"Unknown order sent.\"}",
         XG_ERR_ORDER_NOT_FOUND, "-2038"},
        {0,
         "{\"code\":-2038,\"msg\":\"Order amend (quantity increase) is not "
         "supported.\"}",
         XG_ERR_FILTER, "-2038"},
        {0,
         "{\"code\":-2038,\"msg\":\"The requested action would change no "
         "state; rejecting.\"}",
         XG_ERR_FILTER, "-2038"},
        {0,
         "{\"code\":-2038,\"msg\":\"Filter failure: "
         "MAX_NUM_ORDER_AMENDS\"}",
         XG_ERR_FILTER, "-2038"},
        {0,
         "{\"code\":-2038,\"msg\":\"Order amend is not supported for this "
         "symbol.\"}",
         XG_ERR_REJECTED, "-2038"},
        {0, "{\"code\":-2011,\"msg\":\"Unknown order sent.\"}",
         XG_ERR_ORDER_NOT_FOUND, "-2011"},
        {0, "{\"code\":-2013,\"msg\":\"Order does not exist.\"}",
         XG_ERR_ORDER_NOT_FOUND, "-2013"},
        {0, "{\"code\":-1013,\"msg\":\"Filter failure: LOT_SIZE\"}",
         XG_ERR_FILTER, "-1013"},
        {1, "{\"code\":-1013,\"msg\":\"Filter failure: PRICE_FILTER\"}",
         XG_ERR_FILTER, "-1013"},
        {1,
         "{\"code\":-2010,\"msg\":\"Account has insufficient balance for "
         "requested action.\"}",
         XG_ERR_INSUFFICIENT_FUNDS, "-2010"},
        {1,
         "{\"code\":-2010,\"msg\":\"Order cancel-replace is not supported "
         "for this symbol.\"}",
         XG_ERR_REJECTED, "-2010"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case %zu: %s\n", i, cases[i].body);
        f->amend.is_replace = cases[i].is_replace;
        parse_ok(f, XG_OP_AMEND_ORDER, 400, cases[i].body);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, cases[i].err);
        assert_string_equal(f->res.venue_code, cases[i].code);
        assert_true(f->res.venue_msg[0] != '\0');
        assert_int_equal(f->res.is_replaced, 0);
    }
}

/* Limits, bans, 5xx and timestamps take the paths a new order takes: an
 * amend whose fate is open is UNKNOWN, not refused. */
static void
test_amend_limits_bans_and_unknown_status_as_for_a_new_order(void **state)
{
    fixture *f = *state;
    xg_http_header_view h = {"Retry-After", 11, "7", 1};
    static const struct {
        int status;
        const char *body;
        xg_outcome outcome;
        xg_err err;
    } cases[] = {
        {429, "{\"code\":-1003,\"msg\":\"Too much request weight used\"}",
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {429, "{\"code\":-1015,\"msg\":\"Too many new orders.\"}",
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {418, "{\"code\":-1003,\"msg\":\"IP banned until soon\"}",
         XG_OUTCOME_BANNED, XG_ERR_BANNED},
        {400, "{\"code\":-1021,\"msg\":\"Timestamp outside recvWindow\"}",
         XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP},
        {500, "", XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {503, "<html>busy</html>", XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {400, "{\"code\":-1007,\"msg\":\"Timeout\"}", XG_OUTCOME_UNKNOWN,
         XG_ERR_UNKNOWN_STATUS},
        {302, "", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "<html>", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
    };
    for (int replace = 0; replace <= 1; replace++) {
        f->amend.is_replace = replace;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            print_message("replace %d case %zu\n", replace, i);
            assert_int_equal(parse_n(f, XG_OP_AMEND_ORDER, cases[i].status,
                                     cases[i].body, strlen(cases[i].body), &h,
                                     1),
                             XG_OK);
            assert_int_equal(f->res.outcome, cases[i].outcome);
            assert_int_equal(f->res.err, cases[i].err);
            assert_int_equal(f->res.is_replaced, 0);
        }
    }
    f->amend.is_replace = 0;
    parse_n(f, XG_OP_AMEND_ORDER, 429, cases[0].body, strlen(cases[0].body), &h,
            1);
    assert_int_equal(f->res.retry_after_ms, 7000);
}

/* An answer that does not say what became of the order: UNKNOWN, with
 * nothing of it kept, whichever endpoint answered. */
static void
test_unreadable_amend_answers_are_unknown(void **state)
{
    fixture *f = *state;
    static const char *const keep[] = {
        "{}",
        "[]",
        "{\"amendedOrder\":null}",
        "{\"amendedOrder\":{\"symbol\":\"BTCUSDT\",\"orderId\":33}}",
        /* Binance's random id: not the one the order kept. */
        "{\"amendedOrder\":{\"symbol\":\"BTCUSDT\",\"orderId\":33,"
        "\"clientOrderId\":\"PFaq6hIHxqFENGfdtn4J6Q\",\"status\":\"NEW\"}}",
        "{\"amendedOrder\":{\"symbol\":\"BTCUSDT\",\"orderId\":33,"
        "\"clientOrderId\":\"gw-0001\",\"qty\":\"-5\"}}",
        "{\"amendedOrder\":{\"symbol\":\"BTCUSDT\",\"orderId\":33,"
        "\"clientOrderId\":\"gw-0001\",\"cumulativeQuoteQty\":7}}",
        "{\"amendedOrder\":{},\"amendedOrder\":{}}",
    };
    static const char *const replace[] = {
        "{}",
        "{\"cancelResult\":\"SUCCESS\",\"newOrderResult\":\"SUCCESS\"}",
        /* The new order under another id. */
        "{\"cancelResult\":\"SUCCESS\",\"newOrderResult\":\"SUCCESS\","
        "\"cancelResponse\":{\"symbol\":\"BTCUSDT\",\"orderId\":9,"
        "\"origClientOrderId\":\"gw-0001\"},\"newOrderResponse\":{"
        "\"symbol\":\"BTCUSDT\",\"orderId\":10,\"clientOrderId\":"
        "\"gw-0009\"}}",
        /* Another order canceled. */
        "{\"cancelResult\":\"SUCCESS\",\"newOrderResult\":\"SUCCESS\","
        "\"cancelResponse\":{\"symbol\":\"BTCUSDT\",\"orderId\":9,"
        "\"origClientOrderId\":\"gw-0009\"},\"newOrderResponse\":{"
        "\"symbol\":\"BTCUSDT\",\"orderId\":10,\"clientOrderId\":"
        "\"gw-0002\"}}",
        "{\"cancelResult\":\"FAILURE\",\"newOrderResult\":\"SUCCESS\","
        "\"cancelResponse\":{\"symbol\":\"BTCUSDT\",\"orderId\":9,"
        "\"origClientOrderId\":\"gw-0001\"},\"newOrderResponse\":{"
        "\"symbol\":\"BTCUSDT\",\"orderId\":10,\"clientOrderId\":"
        "\"gw-0002\"}}",
    };
    static const char *const partial[] = {
        "{\"code\":-2021,\"msg\":\"Order cancel-replace partially failed.\"}",
        "{\"code\":-2021,\"msg\":\"x\",\"data\":[]}",
        /* ALLOW_FAILURE's other half, which xgate never asks for. */
        "{\"code\":-2021,\"msg\":\"x\",\"data\":{\"cancelResult\":"
        "\"FAILURE\",\"newOrderResult\":\"SUCCESS\",\"cancelResponse\":{"
        "\"code\":-2011,\"msg\":\"Unknown order sent.\"},"
        "\"newOrderResponse\":{\"symbol\":\"BTCUSDT\",\"orderId\":11,"
        "\"clientOrderId\":\"gw-0002\"}}}",
        "{\"code\":-2021,\"msg\":\"x\",\"data\":{\"cancelResult\":"
        "\"SUCCESS\",\"newOrderResult\":\"FAILURE\",\"cancelResponse\":"
        "{\"code\":-1}}}",
    };

    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        print_message("keep %zu\n", i);
        parse_ok(f, XG_OP_AMEND_ORDER, 200, keep[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.order.status, 0);
    }
    f->amend.is_replace = 1;
    for (size_t i = 0; i < sizeof(replace) / sizeof(replace[0]); i++) {
        print_message("replace %zu\n", i);
        parse_ok(f, XG_OP_AMEND_ORDER, 200, replace[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.is_replaced, 0);
        assert_int_equal(f->res.order.status, 0);
        expect_decimal(f->res.replaced_exec.filled_qty, 0, 0);
    }
    for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
        print_message("partial %zu\n", i);
        parse_ok(f, XG_OP_AMEND_ORDER, 409, partial[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.is_replaced, 0);
    }
    /* Truncated answers: every prefix of the success bodies. */
    static const char *const files[] = {"order_amend.json",
                                        "order_cancel_replace.json"};
    for (size_t k = 0; k < 2; k++) {
        size_t len = 0;
        char path[512];
        snprintf(path, sizeof(path), "%s%s", DATA, files[k]);
        char *body = read_file(path, &len);
        f->amend.is_replace = (int)k;
        for (size_t n = 0; n + 1 < len; n++) {
            assert_int_equal(
                parse_n(f, XG_OP_AMEND_ORDER, 200, body, n, NULL, 0), XG_OK);
            assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        }
        free(body);
    }
}

static void
test_amend_parse_refuses_an_op_without_its_amend(void **state)
{
    fixture *f = *state;
    xg_op op = {.kind = XG_OP_AMEND_ORDER,
                .instrument = &f->btc,
                .order = &f->order,
                .client_id = "gw-0001"};
    xg_http_response resp = {200, NULL, 0, NULL, 0};
    xg_result res;

    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
    f->amend.is_replace = 1;
    f->amend.new_client_id = NULL;
    op.amend = &f->amend;
    assert_int_equal(xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &res),
                     XG_ERR_INVALID);
}

/* --- exchangeInfo ------------------------------------------------------- */

static const xg_instrument *
find_ins(const collected *c, const char *venue_symbol)
{
    for (size_t i = 0; i < c->n_ins; i++) {
        if (strcmp(c->ins[i].venue_symbol, venue_symbol) == 0) {
            return &c->ins[i];
        }
    }
    fail_msg("instrument %s not reported", venue_symbol);
    return NULL;
}

static void
test_exchange_info_reports_every_symbol(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_INSTRUMENTS, 200, "exchange_info.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n_ins, 3);

    const xg_instrument *btc = find_ins(&f->got, "BTCUSDT");
    assert_string_equal(btc->symbol, "BTC/USDT");
    expect_decimal(btc->tick_size, 1, 2);
    expect_decimal(btc->min_price, 1, 2);
    expect_decimal(btc->max_price, 1000000, 0);
    expect_decimal(btc->lot_size, 1, 5);
    expect_decimal(btc->min_qty, 1, 5);
    expect_decimal(btc->max_qty, 9000, 0);
    expect_decimal(btc->min_notional, 5, 0);
    assert_int_equal(btc->is_trading, 1);
    assert_int_equal(btc->scope, 0);

    const xg_instrument *eth = find_ins(&f->got, "ETHBTC");
    assert_string_equal(eth->symbol, "ETH/BTC");
    expect_decimal(eth->min_notional, 1, 4); /* MIN_NOTIONAL, older form */
    expect_decimal(eth->tick_size, 1, 5);
    expect_decimal(eth->lot_size, 1, 4);
    assert_int_equal(eth->is_trading, 1);

    const xg_instrument *luna = find_ins(&f->got, "LUNAUSDT");
    assert_string_equal(luna->symbol, "LUNA/USDT");
    assert_int_equal(luna->is_trading, 0);
    expect_decimal(luna->max_price, 0, 0);    /* 0: rule disabled */
    expect_decimal(luna->min_notional, 1, 0); /* NOTIONAL beats MIN_NOTIONAL */
}

/* Malformed symbols are skipped; the rest of the list arrives. */
static void
test_exchange_info_skips_malformed_symbols(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_INSTRUMENTS, 200, "exchange_info_odd_symbols.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n_ins, 2);
    const xg_instrument *good = find_ins(&f->got, "GOODUSDT");
    expect_decimal(good->tick_size, 1, 1);
    expect_decimal(good->lot_size, 1, 0);
    const xg_instrument *padded = find_ins(&f->got, "PADDEDUSDT");
    assert_string_equal(padded->symbol, "PADDED/USDT");
    expect_decimal(padded->tick_size, 1, 0);
    expect_decimal(padded->min_qty, 0, 0);
    expect_decimal(padded->max_qty, 100, 0);
    expect_decimal(padded->lot_size, 5, 1);
    assert_int_equal(padded->is_trading, 0);
}

static void
test_exchange_info_wrong_shape_is_rejected(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "",
        "[]",
        "null",
        "{}",
        "{\"symbols\":{}}",
        "{\"symbols\":[]",
        "{\"symbols\":\"BTCUSDT\",\"rateLimits\":[]}",
        "<html>",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, XG_OP_INSTRUMENTS, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->got.n_ins, 0);
    }
}

/* A sink error stops the parse, is returned, and commits no limits. */
static void
test_exchange_info_sink_error_stops_parse(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file(DATA "exchange_info_odd_symbols.json", &len);
    f->got.fail_after = 2;
    assert_int_equal(parse_n(f, XG_OP_INSTRUMENTS, 200, body, len, NULL, 0),
                     XG_ERR_NOMEM);
    assert_int_equal(f->got.n_ins, 1);
    assert_int_equal(((binance *)f->inst)->has_venue_limits, 0);
    assert_int_equal(((binance *)f->inst)->n_limits, 4);
    free(body);
}

/* --- open orders -------------------------------------------------------- */

static void
test_open_orders_reports_each_entry(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_OPEN_ORDERS, 200, "open_orders.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    /* The third order's id is longer than any the gateway sends. */
    assert_int_equal(f->got.n_orders, 2);
    assert_string_equal(f->got.orders[0].client_id, "gw-0001");
    assert_string_equal(f->got.orders[0].venue_order_id, "11");
    assert_int_equal(f->got.orders[0].status, XG_STATUS_NEW);
    assert_string_equal(f->got.orders[1].client_id, "gw-0002");
    assert_string_equal(f->got.orders[1].venue_symbol, "ETHBTC");
    assert_int_equal(f->got.orders[1].status, XG_STATUS_PARTIALLY_FILLED);
    expect_decimal(f->got.orders[1].exec.filled_qty, 25, 2);
    expect_decimal(f->got.orders[1].exec.filled_quote, 125, 4);

    parse_ok(f, XG_OP_OPEN_ORDERS, 200, "[]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
}

static void
test_open_orders_malformed_list_delivers_nothing(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_OPEN_ORDERS, 200, "open_orders_bad_entry.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(f->got.n_orders, 0);

    parse_ok(f, XG_OP_OPEN_ORDERS, 200, "{\"orders\":[]}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    parse_ok(f, XG_OP_OPEN_ORDERS, 200, "[1,2,3]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    parse_ok(f, XG_OP_OPEN_ORDERS, 200, "");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->got.n_orders, 0);
}

static void
test_open_orders_sink_error_is_returned(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file(DATA "open_orders.json", &len);
    f->got.fail_after = 1;
    assert_int_equal(parse_n(f, XG_OP_OPEN_ORDERS, 200, body, len, NULL, 0),
                     XG_ERR_NOMEM);
    free(body);
}

/* --- cancel all on a symbol -------------------------------------------- */

static void
test_cancel_symbol_reports_each_canceled_order(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_CANCEL_SYMBOL, 200, "cancel_all.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    /* The third order's client id is longer than any the gateway sends,
     * and the OCO list is none of its orders: both skipped. */
    assert_int_equal(f->got.n_orders, 2);
    assert_string_equal(f->got.orders[0].client_id, "gw-0001");
    assert_string_equal(f->got.orders[0].venue_order_id, "41");
    assert_string_equal(f->got.orders[0].venue_symbol, "BTCUSDT");
    assert_int_equal(f->got.orders[0].status, XG_STATUS_CANCELED);
    expect_decimal(f->got.orders[0].exec.filled_qty, 4, 4);
    expect_decimal(f->got.orders[0].exec.filled_quote, 140002, 4);
    expect_decimal(f->got.orders[0].price, 350005, 1);
    expect_decimal(f->got.orders[0].qty, 1, 3);
    assert_string_equal(f->got.orders[1].client_id, "gw-0002");
    assert_int_equal(f->got.orders[1].status, XG_STATUS_CANCELED);
    expect_decimal(f->got.orders[1].exec.filled_qty, 0, 0);
}

/* Binance answers a cancel-all with nothing open 400 -2011 "Unknown order
 * sent.": done, nothing canceled. Any other refusal stays one. */
static void
test_cancel_symbol_with_nothing_open_is_done(void **state)
{
    fixture *f = *state;
    parse_ok(f, XG_OP_CANCEL_SYMBOL, 400,
             "{\"code\":-2011,\"msg\":\"Unknown order sent.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->got.n_orders, 0);
    parse_ok(f, XG_OP_CANCEL_SYMBOL, 200, "[]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n_orders, 0);

    parse_ok(f, XG_OP_CANCEL_SYMBOL, 400,
             "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_UNKNOWN_SYMBOL);
    assert_string_equal(f->res.venue_code, "-1121");
    /* The same code on a single cancel is still "not found". */
    parse_ok(f, XG_OP_CANCEL_ORDER, 400,
             "{\"code\":-2011,\"msg\":\"Unknown order sent.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_ORDER_NOT_FOUND);
}

/* Limits, bans and lost answers as for a single cancel; an answer that
 * does not read is UNKNOWN (some orders may be gone) and reports none. */
static void
test_cancel_symbol_limits_bans_and_unreadable_answers(void **state)
{
    fixture *f = *state;
    xg_http_header_view h = {"Retry-After", 11, "7", 1};
    static const struct {
        int status;
        const char *body;
        xg_outcome outcome;
        xg_err err;
    } cases[] = {
        {429, "{\"code\":-1003,\"msg\":\"Too much request weight used\"}",
         XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
        {418, "{\"code\":-1003,\"msg\":\"IP banned until 1700000999000.\"}",
         XG_OUTCOME_BANNED, XG_ERR_BANNED},
        {400, "{\"code\":-1021,\"msg\":\"Timestamp outside recvWindow\"}",
         XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP},
        {500, "", XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {503, "<html>busy</html>", XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
        {200, "", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "[{\"symbol\":\"BTCUSDT\",\"origClientOrderId\":\"gw-0001\"",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "{\"orders\":[]}", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200, "[1]", XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        /* No status: it would read as an ACK, not as canceled. */
        {200,
         "[{\"symbol\":\"BTCUSDT\",\"origClientOrderId\":\"gw-0001\","
         "\"orderId\":41}]",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        /* An entry that is not canceled is no answer of this endpoint. */
        {200,
         "[{\"symbol\":\"BTCUSDT\",\"origClientOrderId\":\"gw-0001\","
         "\"orderId\":41,\"status\":\"NEW\"}]",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
        {200,
         "[{\"symbol\":\"BTCUSDT\",\"origClientOrderId\":\"gw-0001\","
         "\"orderId\":41,\"status\":\"CANCELED\",\"executedQty\":\"-1\"}]",
         XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("case %zu\n", i);
        memset(&f->got, 0, sizeof(f->got));
        assert_int_equal(parse_n(f, XG_OP_CANCEL_SYMBOL, cases[i].status,
                                 cases[i].body, strlen(cases[i].body), &h, 1),
                         XG_OK);
        assert_int_equal(f->res.outcome, cases[i].outcome);
        assert_int_equal(f->res.err, cases[i].err);
        assert_int_equal(f->got.n_orders, 0);
    }
    parse_n(f, XG_OP_CANCEL_SYMBOL, 429, cases[0].body, strlen(cases[0].body),
            &h, 1);
    assert_int_equal(f->res.retry_after_ms, 7000);
    parse_ok(f, XG_OP_CANCEL_SYMBOL, 418, cases[1].body);
    assert_int_equal(f->res.banned_until_ms, 1700000999000LL);

    /* A good order before a bad one: nothing is half-delivered. */
    parse_ok(f, XG_OP_CANCEL_SYMBOL, 200,
             "[{\"symbol\":\"BTCUSDT\",\"origClientOrderId\":\"gw-0001\","
             "\"orderId\":41,\"status\":\"CANCELED\"},{\"symbol\":1}]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->got.n_orders, 0);
}

static void
test_cancel_symbol_sink_error_is_returned(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file(DATA "cancel_all.json", &len);
    f->got.fail_after = 2;
    assert_int_equal(parse_n(f, XG_OP_CANCEL_SYMBOL, 200, body, len, NULL, 0),
                     XG_ERR_NOMEM);
    assert_int_equal(f->got.n_orders, 1);
    free(body);
}

/* --- balances ------------------------------------------------------------ */

static void
test_balances_report_free_and_locked_per_asset(void **state)
{
    fixture *f = *state;
    parse_file(f, XG_OP_BALANCES, 200, "account.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    /* ETH holds nothing; the other two skipped names cannot be carried
     * (not ASCII, too long). */
    assert_int_equal(f->got.n_balances, 3);
    assert_string_equal(f->got.balances[0].asset, "BTC");
    expect_decimal(f->got.balances[0].free, 472384689, 8);
    expect_decimal(f->got.balances[0].locked, 1, 3);
    assert_string_equal(f->got.balances[1].asset, "USDT");
    expect_decimal(f->got.balances[1].free, 99965, 0);
    expect_decimal(f->got.balances[1].locked, 350005, 4);
    assert_string_equal(f->got.balances[2].asset, "BNB");
    expect_decimal(f->got.balances[2].free, 0, 0);
    expect_decimal(f->got.balances[2].locked, 25, 1);

    memset(&f->got, 0, sizeof(f->got));
    parse_ok(f, XG_OP_BALANCES, 200, "{\"balances\":[]}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n_balances, 0);
}

/* A negative or malformed amount, or a body of the wrong shape, is a bad
 * answer to a read: REJECTED, nothing reported. */
static void
test_balances_hostile_amounts_are_refused(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "",
        "[]",
        "{\"balances\":{}}",
        "{\"balance\":[]}",
        "{\"balances\":[1]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":\"1\"}]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":1,\"locked\":\"0\"}]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":\"1\","
        "\"locked\":\"-0.1\"}]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":\"1e9\","
        "\"locked\":\"0\"}]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":\"99999999999999999999\","
        "\"locked\":\"0\"}]}",
        "{\"balances\":[{\"asset\":\"\",\"free\":\"1\",\"locked\":\"0\"}]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":\"1\",\"locked\":\"0\","
        "\"free\":\"2\"}]}",
        "{\"balances\":[{\"asset\":\"BTC\",\"free\":\"1\",\"locked\":\"0\"}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        print_message("body %zu\n", i);
        parse_ok(f, XG_OP_BALANCES, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->got.n_balances, 0);
    }
    parse_file(f, XG_OP_BALANCES, 200, "account_negative.json");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(f->got.n_balances, 0);
}

/* The request's own failures as for any read. */
static void
test_balances_limits_bans_and_outages(void **state)
{
    fixture *f = *state;
    parse_ok(f, XG_OP_BALANCES, 429,
             "{\"code\":-1003,\"msg\":\"Too much request weight used\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    parse_ok(f, XG_OP_BALANCES, 418,
             "{\"code\":-1003,\"msg\":\"IP banned until 1700000999000.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_BANNED);
    assert_int_equal(f->res.banned_until_ms, 1700000999000LL);
    parse_ok(f, XG_OP_BALANCES, 503, "<html>busy</html>");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);
    parse_ok(f, XG_OP_BALANCES, 401,
             "{\"code\":-2015,\"msg\":\"Invalid API-key, IP, or permissions "
             "for action.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_AUTH);
    assert_int_equal(f->got.n_balances, 0);
}

static void
test_balances_sink_error_is_returned(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file(DATA "account.json", &len);
    f->got.fail_after = 2;
    assert_int_equal(parse_n(f, XG_OP_BALANCES, 200, body, len, NULL, 0),
                     XG_ERR_NOMEM);
    assert_int_equal(f->got.n_balances, 1);
    free(body);
}

static void
test_decimal_drops_padding(void **state)
{
    (void)state;
    xg_decimal d;
    assert_int_equal(binance_decimal("0.01000000", 10, &d), XG_OK);
    expect_decimal(d, 1, 2);
    assert_int_equal(binance_decimal("100.00000000", 12, &d), XG_OK);
    expect_decimal(d, 100, 0);
    assert_int_equal(binance_decimal("100", 3, &d), XG_OK);
    expect_decimal(d, 100, 0);
    assert_int_equal(binance_decimal("0.00000000", 10, &d), XG_OK);
    expect_decimal(d, 0, 0);
    assert_int_equal(binance_decimal("-1.50", 5, &d), XG_OK);
    expect_decimal(d, -15, 1);
    assert_int_equal(binance_decimal("1.", 2, &d), XG_OK); /* "1." -> "1" */
    assert_int_equal(binance_decimal("", 0, &d), XG_ERR_BAD_DECIMAL);
    assert_int_equal(binance_decimal(".", 1, &d), XG_ERR_BAD_DECIMAL);
    assert_int_equal(binance_decimal("1e5", 3, &d), XG_ERR_BAD_DECIMAL);
    assert_int_equal(binance_decimal("0.0000000000000000001", 21, &d),
                     XG_ERR_BAD_DECIMAL);
    assert_int_equal(binance_decimal("99999999999999999999", 20, &d),
                     XG_ERR_OVERFLOW);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_server_time),
        T(test_server_time_malformed_is_rejected),
        T(test_new_order_full_response),
        T(test_new_order_fee_from_the_fills),
        T(test_new_order_ack_without_status_is_new),
        T(test_cancel_reports_the_original_client_id),
        T(test_query_negative_quote_qty_means_unknown_cost),
        T(test_order_status_mapping),
        T(test_unreadable_new_order_answer_is_unknown),
        T(test_embedded_nul_in_client_id_is_malformed),
        T(test_parse_reads_only_body_len),
        T(test_deeply_nested_body_does_not_crash),
        T(test_parse_refuses_bad_arguments),
        T(test_error_table_rows),
        T(test_error_message_is_copied_truncated_and_printable),
        T(test_waf_403_is_labelled),
        T(test_banned_file_body),
        T(test_classify_without_code),
        T(test_exchange_info_reports_every_symbol),
        T(test_exchange_info_skips_malformed_symbols),
        T(test_exchange_info_wrong_shape_is_rejected),
        T(test_exchange_info_sink_error_stops_parse),
        T(test_open_orders_reports_each_entry),
        T(test_open_orders_malformed_list_delivers_nothing),
        T(test_open_orders_sink_error_is_returned),
        T(test_decimal_drops_padding),
        T(test_order_answers_report_price_and_quantity),
        T(test_malformed_price_or_quantity_makes_the_answer_bad),
        T(test_amend_keep_priority_reports_the_amended_order),
        T(test_amend_replace_reports_the_new_order_and_the_old_fills),
        T(test_amend_replace_partial_failure_is_a_rejected_replacement),
        T(test_amend_replace_failure_is_refused_for_the_cancel_reason),
        T(test_amend_refusals_map_to_unified_reasons),
        T(test_amend_limits_bans_and_unknown_status_as_for_a_new_order),
        T(test_unreadable_amend_answers_are_unknown),
        T(test_amend_parse_refuses_an_op_without_its_amend),
        T(test_cancel_symbol_reports_each_canceled_order),
        T(test_cancel_symbol_with_nothing_open_is_done),
        T(test_cancel_symbol_limits_bans_and_unreadable_answers),
        T(test_cancel_symbol_sink_error_is_returned),
        T(test_balances_report_free_and_locked_per_asset),
        T(test_balances_hostile_amounts_are_refused),
        T(test_balances_limits_bans_and_outages),
        T(test_balances_sink_error_is_returned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
