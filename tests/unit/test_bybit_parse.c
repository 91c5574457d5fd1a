/*
 * test_bybit_parse.c - Bybit answers into unified results: every row of
 * the error table, the usage and reset headers, the success bodies of
 * each operation (the amend ack, and the price and quantity of realtime
 * entries, among them), batches read order by order, cancel-all's
 * canceled orders, the wallet's balances, and bad, truncated and hostile
 * bodies (never a crash; UNKNOWN for order operations, amends included,
 * REJECTED for reads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bybit.h"

#define DATA XG_TEST_DATA_DIR "/bybit/"

typedef struct fixture {
    void *inst;
    xg_instrument btc;
    xg_order order;
    xg_amend amend;
    xg_result res;
    xg_instrument seen[8];
    size_t n_seen;
    xg_order_report reps[8];
    size_t n_reps;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xg_adapter_config cfg = {"key", "secret", NULL, NULL, 0};
    char err[128];

    assert_non_null(f);
    assert_int_equal(bybit_create(&cfg, &f->inst, err, sizeof(err)), XG_OK);
    memcpy(f->btc.symbol, "BTC/USDT", 9);
    memcpy(f->btc.venue_symbol, "BTCUSDT", 8);
    f->order.side = XG_SIDE_BUY;
    f->order.type = XG_TYPE_LIMIT;
    f->order.tif = XG_TIF_GTC;
    f->order.qty = (xg_decimal){2, 3};
    f->order.price = (xg_decimal){350005, 1};
    f->amend.qty = (xg_decimal){3, 3};
    f->amend.price = (xg_decimal){350005, 1};
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    bybit_destroy(f->inst);
    free(f);
    return 0;
}

static char *
slurp(const char *name, size_t *len)
{
    char path[512];
    FILE *fp = NULL;
    char *buf = NULL;
    long n = 0;

    snprintf(path, sizeof(path), DATA "%s", name);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static xg_err
sink_ins(void *ctx, const xg_instrument *ins)
{
    fixture *f = ctx;
    if (f->n_seen >= 8) {
        return XG_ERR_OVERFLOW;
    }
    f->seen[f->n_seen++] = *ins;
    return XG_OK;
}

static xg_err
sink_order(void *ctx, const xg_order_report *rep)
{
    fixture *f = ctx;
    if (f->n_reps >= 8) {
        return XG_ERR_OVERFLOW;
    }
    f->reps[f->n_reps++] = *rep;
    return XG_OK;
}

static xg_err
sink_fail(void *ctx, const xg_instrument *ins)
{
    (void)ctx;
    (void)ins;
    return XG_ERR_NOMEM;
}

/* Parse body (len bytes) with status and headers for an op of kind. */
static xg_err
parse_h(fixture *f, xg_op_kind kind, const char *id, int status,
        const char *body, size_t len, const xg_http_header_view *h, size_t nh)
{
    xg_op op = {kind, &f->btc, &f->order, id, NULL, NULL, &f->amend, NULL};
    xg_http_response resp = {status, h, nh, body, len};
    xg_sink sink = {f, sink_ins, sink_order, NULL, NULL};
    f->n_seen = 0;
    f->n_reps = 0;
    return bybit_parse(f->inst, &op, &resp, &sink, &f->res);
}

static xg_err
parse(fixture *f, xg_op_kind kind, const char *id, int status, const char *body)
{
    return parse_h(f, kind, id, status, body, strlen(body), NULL, 0);
}

static xg_err
parse_file(fixture *f, xg_op_kind kind, const char *id, int status,
           const char *file)
{
    size_t len = 0;
    char *body = slurp(file, &len);
    xg_err rc = parse_h(f, kind, id, status, body, len, NULL, 0);
    free(body);
    return rc;
}

#define HV(n, v)                                                               \
    {                                                                          \
        (n), sizeof(n) - 1, (v), sizeof(v) - 1                                 \
    }

/* --- success bodies ------------------------------------------------------ */

static void
test_server_time_prefers_nanoseconds(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_SERVER_TIME, NULL, 200, "server_time.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.server_time_ms, 1688639403423LL);
    assert_int_equal(parse(f, XG_OP_SERVER_TIME, NULL, 200,
                           "{\"retCode\":0,\"result\":{\"timeSecond\":"
                           "\"1688639403\"}}"),
                     XG_OK);
    assert_int_equal(f->res.server_time_ms, 1688639403000LL);
    assert_int_equal(parse(f, XG_OP_SERVER_TIME, NULL, 200,
                           "{\"retCode\":0,\"result\":{\"timeNano\":\"-5\","
                           "\"timeSecond\":1688639403}}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
}

static void
test_instruments_map_filters_and_skip_odd_symbols(void **state)
{
    fixture *f = *state;
    char buf[XG_DECIMAL_STR_MAX];

    assert_int_equal(
        parse_file(f, XG_OP_INSTRUMENTS, NULL, 200, "instruments.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_seen, 3);
    assert_string_equal(f->seen[0].symbol, "BTC/USDT");
    assert_string_equal(f->seen[0].venue_symbol, "BTCUSDT");
    assert_int_equal(xg_decimal_cmp(f->seen[0].tick_size, (xg_decimal){1, 2}),
                     0);
    assert_int_equal(xg_decimal_cmp(f->seen[0].lot_size, (xg_decimal){1, 6}),
                     0);
    assert_int_equal(
        xg_decimal_cmp(f->seen[0].min_notional, (xg_decimal){1, 0}), 0);
    assert_int_equal(xg_decimal_format(f->seen[0].max_qty, buf, sizeof(buf)),
                     XG_OK);
    assert_string_equal(buf, "71.73956243");
    assert_int_equal(f->seen[0].min_qty.units, 0);
    assert_true(f->seen[0].is_trading);
    assert_string_equal(f->seen[1].symbol, "ETH/USDT");
    assert_int_equal(xg_decimal_format(f->seen[1].max_qty, buf, sizeof(buf)),
                     XG_OK);
    assert_string_equal(buf, "1229.2336343");
    assert_string_equal(f->seen[2].symbol, "HALT/USDT");
    assert_false(f->seen[2].is_trading);
}

static void
test_instrument_sink_error_stops_the_parse(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = slurp("instruments.json", &len);
    xg_op op = {XG_OP_INSTRUMENTS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, body, len};
    xg_sink sink = {f, sink_fail, NULL, NULL, NULL};
    assert_int_equal(bybit_parse(f->inst, &op, &resp, &sink, &f->res),
                     XG_ERR_NOMEM);
    free(body);
}

static void
test_resting_create_ack_is_new(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, "gw0001", 200, "order_create_ack.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_NEW);
    assert_string_equal(f->res.order.venue_order_id, "1321003749386327552");
    assert_string_equal(f->res.order.client_id, "gw0001");
    assert_string_equal(f->res.order.venue_symbol, "BTCUSDT");
    f->order.tif = XG_TIF_POST_ONLY;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, "gw0001", 200, "order_create_ack.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
}

/* A taking order's ack does not say whether it filled: query. */
static void
test_taking_create_ack_asks_for_a_query(void **state)
{
    fixture *f = *state;
    const xg_tif tifs[] = {XG_TIF_IOC, XG_TIF_FOK};
    for (size_t i = 0; i < 2; i++) {
        f->order.tif = tifs[i];
        assert_int_equal(parse_file(f, XG_OP_NEW_ORDER, "gw0001", 200,
                                    "order_create_ack.json"),
                         XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
        assert_int_equal(f->res.order.status, XG_STATUS_UNKNOWN);
    }
    f->order.type = XG_TYPE_MARKET;
    f->order.tif = XG_TIF_GTC;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, "gw0001", 200, "order_create_ack.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_UNKNOWN);
}

static void
test_cancel_ack_is_canceled(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_file(f, XG_OP_CANCEL_ORDER, "gw0001", 200,
                                "order_cancel_ack.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_CANCELED);
}

/* An amend ack says "accepted", not what the order now is: OK with the
 * same order's ids, its state and price and quantity unsaid, no replace;
 * the endpoint's remaining count corrects the amend bucket. */
static void
test_amend_ack_is_ok_with_the_state_unsaid(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[] = {
        HV("X-Bapi-Limit-Status", "9"), HV("X-Bapi-Limit", "10"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1672217093461")};
    size_t len = 0;
    char *body = slurp("order_amend_ack.json", &len);
    static const xg_execution none; /* zero, padding included */

    assert_int_equal(
        parse_h(f, XG_OP_AMEND_ORDER, "gw0001", 200, body, len, h, 3), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_UNKNOWN);
    assert_string_equal(f->res.order.venue_order_id, "1321003749386327552");
    assert_string_equal(f->res.order.client_id, "gw0001");
    assert_string_equal(f->res.order.venue_symbol, "BTCUSDT");
    assert_int_equal(f->res.order.price.units, 0);
    assert_int_equal(f->res.order.qty.units, 0);
    assert_int_equal(f->res.order.exec.filled_qty.units, 0);
    assert_int_equal(f->res.is_replaced, 0);
    assert_memory_equal(&f->res.replaced_exec, &none, sizeof none);
    assert_int_equal(f->res.n_usage, 1);
    assert_int_equal(f->res.usage[0].bucket, BYBIT_BUCKET_AMEND);
    assert_int_equal(f->res.usage[0].remaining, 9);
    /* An ack naming another order says nothing of ours. */
    assert_int_equal(
        parse_h(f, XG_OP_AMEND_ORDER, "other", 200, body, len, NULL, 0), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_string_equal(f->res.order.client_id, "");
    free(body);
}

static void
test_ack_for_another_id_is_not_trusted(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, "other", 200, "order_create_ack.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_string_equal(f->res.order.client_id, "");
    assert_int_equal(parse_file(f, XG_OP_CANCEL_ORDER, "other", 200,
                                "order_cancel_ack.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
}

static void
test_query_reports_fills(void **state)
{
    fixture *f = *state;
    char buf[XG_DECIMAL_STR_MAX];
    assert_int_equal(
        parse_file(f, XG_OP_QUERY_ORDER, "gw0001", 200, "order_realtime.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_string_equal(f->res.order.venue_order_id, "1321052653536515584");
    assert_int_equal(
        xg_decimal_cmp(f->res.order.exec.filled_qty, (xg_decimal){1, 3}), 0);
    assert_int_equal(
        xg_decimal_format(f->res.order.exec.filled_quote, buf, sizeof(buf)),
        XG_OK);
    assert_string_equal(buf, "35.0005");
    /* cumExecFee without feeCurrency: the fee is not said. */
    assert_false(xg_execution_has_fee(&f->res.order.exec));
    /* The order as the venue holds it: what tells an amend took. */
    assert_int_equal(
        xg_decimal_cmp(f->res.order.price, (xg_decimal){350005, 1}), 0);
    assert_int_equal(xg_decimal_cmp(f->res.order.qty, (xg_decimal){2, 3}), 0);
}

/* price and qty as the venue holds them: padding dropped, absent or a
 * market order's "0" or "" unsaid, a quote-unit market buy's qty unsaid
 * (it is no base quantity); the wrong type, a negative value or a value
 * given twice make the entry malformed. */
static void
test_query_reports_price_and_quantity(void **state)
{
    fixture *f = *state;
    const struct {
        const char *fields;
        int outcome_ok;
        const char *price, *qty;
    } cases[] = {
        {"\"price\":\"35000.10\",\"qty\":\"0.0030\"", 1, "35000.1", "0.003"},
        {"\"qty\":\"0.003\"", 1, "0", "0.003"},
        {"\"price\":\"0\",\"qty\":\"0.003\",\"orderType\":\"Market\"", 1, "0",
         "0.003"},
        {"\"price\":\"\",\"qty\":\"\"", 1, "0", "0"},
        {"\"price\":\"0\",\"qty\":\"70\",\"marketUnit\":\"quoteCoin\"", 1, "0",
         "0"},
        {"\"price\":\"0\",\"qty\":\"0.002\",\"marketUnit\":\"baseCoin\"", 1,
         "0", "0.002"},
        {"\"price\":35000,\"qty\":\"0.003\"", 0, NULL, NULL},
        {"\"price\":\"-1\",\"qty\":\"0.003\"", 0, NULL, NULL},
        {"\"price\":\"1\",\"qty\":\"1e3\"", 0, NULL, NULL},
        {"\"price\":\"1\",\"price\":\"2\",\"qty\":\"0.003\"", 0, NULL, NULL},
        {"\"price\":\"1\",\"qty\":\"0.003\",\"qty\":\"0.004\"", 0, NULL, NULL},
    };
    char body[1024];
    char buf[XG_DECIMAL_STR_MAX];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = snprintf(body, sizeof body,
                         "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
                         "\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
                         "\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":"
                         "\"New\",%s}],\"nextPageCursor\":\"\"},\"time\":1}",
                         cases[i].fields);
        assert_true(n > 0 && (size_t)n < sizeof body);
        assert_int_equal(parse_h(f, XG_OP_QUERY_ORDER, "gw0001", 200, body,
                                 (size_t)n, NULL, 0),
                         XG_OK);
        if ((f->res.outcome == XG_OUTCOME_OK) != cases[i].outcome_ok) {
            fail_msg("case %zu: outcome %d", i, f->res.outcome);
        }
        if (!cases[i].outcome_ok) {
            assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
            continue;
        }
        assert_int_equal(xg_decimal_format(f->res.order.price, buf, sizeof buf),
                         XG_OK);
        assert_string_equal(buf, cases[i].price);
        assert_int_equal(xg_decimal_format(f->res.order.qty, buf, sizeof buf),
                         XG_OK);
        assert_string_equal(buf, cases[i].qty);
    }
}

/* The fee of a spot order: cumFeeDetail with one coin says it; {} or two
 * coins do not; without the map, cumExecFee with a feeCurrency does; a
 * map of the wrong shape is malformed. */
static void
test_query_reports_the_fee(void **state)
{
    fixture *f = *state;
    const struct {
        const char *fields;
        int outcome_ok;
        const char *fee, *currency; /* NULL: not said */
    } cases[] = {
        {"\"cumFeeDetail\":{\"BTC\":\"0.000001\"}", 1, "0.000001", "BTC"},
        {"\"cumFeeDetail\":{}", 1, NULL, NULL},
        {"\"cumFeeDetail\":{\"BTC\":\"0.1\",\"USDT\":\"2\"}", 1, NULL, NULL},
        {"\"cumExecFee\":\"0.035\",\"feeCurrency\":\"USDT\"", 1, "0.035",
         "USDT"},
        {"\"cumExecFee\":\"0.035\",\"feeCurrency\":\"\"", 1, NULL, NULL},
        {"\"cumFeeDetail\":{\"BTC\":1}", 0, NULL, NULL},
        {"\"cumFeeDetail\":[]", 0, NULL, NULL},
        {"\"cumExecFee\":\"x\",\"feeCurrency\":\"USDT\"", 0, NULL, NULL},
    };
    char body[1024];
    char buf[XG_DECIMAL_STR_MAX];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = snprintf(body, sizeof body,
                         "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
                         "\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
                         "\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":"
                         "\"PartiallyFilled\",\"cumExecQty\":\"0.001\","
                         "\"cumExecValue\":\"35\",%s}],\"nextPageCursor\":"
                         "\"\",\"category\":\"spot\"},\"time\":1}",
                         cases[i].fields);
        assert_true(n > 0 && (size_t)n < sizeof body);
        assert_int_equal(parse_h(f, XG_OP_QUERY_ORDER, "gw0001", 200, body,
                                 (size_t)n, NULL, 0),
                         XG_OK);
        assert_int_equal(f->res.outcome == XG_OUTCOME_OK, cases[i].outcome_ok);
        if (cases[i].fee == NULL) {
            assert_false(xg_execution_has_fee(&f->res.order.exec));
            continue;
        }
        assert_int_equal(
            xg_decimal_format(f->res.order.exec.fee, buf, sizeof buf), XG_OK);
        assert_string_equal(buf, cases[i].fee);
        assert_string_equal(f->res.order.exec.fee_currency, cases[i].currency);
    }
}

static void
test_query_status_names_map(void **state)
{
    fixture *f = *state;
    const struct {
        const char *name;
        xg_order_status st;
    } cases[] = {{"New", XG_STATUS_NEW},
                 {"PartiallyFilled", XG_STATUS_PARTIALLY_FILLED},
                 {"Filled", XG_STATUS_FILLED},
                 {"Cancelled", XG_STATUS_CANCELED},
                 {"PartiallyFilledCanceled", XG_STATUS_CANCELED},
                 {"Rejected", XG_STATUS_REJECTED},
                 {"Untriggered", XG_STATUS_NEW},
                 {"Deactivated", XG_STATUS_CANCELED}};
    char body[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"9\","
                 "\"orderLinkId\":\"q\",\"symbol\":\"BTCUSDT\","
                 "\"orderStatus\":\"%s\"}]}}",
                 cases[i].name);
        assert_int_equal(parse(f, XG_OP_QUERY_ORDER, "q", 200, body), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
        assert_int_equal(f->res.order.status, cases[i].st);
    }
}

/* An empty list is Bybit's "no such order": the core may re-send. */
static void
test_query_of_unknown_id_is_order_not_found(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, XG_OP_QUERY_ORDER, "q", 200,
                           "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
                           "\"list\":[],\"nextPageCursor\":\"\"}}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_ORDER_NOT_FOUND);
    /* Another order only: not proof that ours does not exist. */
    assert_int_equal(
        parse(f, XG_OP_QUERY_ORDER, "q", 200,
              "{\"retCode\":0,\"result\":{\"list\":[{"
              "\"orderId\":\"9\",\"orderLinkId\":\"zz\","
              "\"symbol\":\"BTCUSDT\",\"orderStatus\":\"New\"}]}}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
}

static void
test_open_orders_skip_foreign_entries(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_OPEN_ORDERS, NULL, 200, "open_orders.json"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_reps, 2);
    assert_string_equal(f->reps[0].client_id, "gwA1");
    assert_string_equal(f->reps[1].client_id, "gwA2");
    assert_int_equal(f->reps[1].status, XG_STATUS_PARTIALLY_FILLED);
    assert_int_equal(f->res.is_list_cut, 0);
    /* Each entry's price and total quantity, padding dropped. */
    assert_int_equal(xg_decimal_cmp(f->reps[0].price, (xg_decimal){30000, 0}),
                     0);
    assert_int_equal(xg_decimal_cmp(f->reps[0].qty, (xg_decimal){1, 2}), 0);
    assert_int_equal(f->reps[0].qty.scale, 2);
    assert_int_equal(xg_decimal_cmp(f->reps[1].price, (xg_decimal){19995, 1}),
                     0);
    assert_int_equal(xg_decimal_cmp(f->reps[1].qty, (xg_decimal){15, 1}), 0);
}

/* A cursor to a next page: orders missing from this one may be open. */
static void
test_open_orders_with_a_cursor_are_a_cut_list(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200,
                           "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
                           "\"list\":[],\"nextPageCursor\":\"abc%3D\"}}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "abc%3D");
}

/* The cursor of a cut page is handed on as next_cursor, byte for byte
 * (percent signs and all: build encodes it); the last page has none. */
static void
test_cut_page_hands_out_the_cursor_and_the_last_has_none(void **state)
{
    fixture *f = *state;
    char body[512];
    const char *last[] = {"\"nextPageCursor\":\"\"", "\"nextPageCursor\":null",
                          "\"category\":\"spot\""};

    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200,
                           "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{"
                           "\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
                           "\"gwA1\",\"symbol\":\"BTCUSDT\",\"orderStatus\":"
                           "\"New\"}],\"nextPageCursor\":\"3:0%2C3:0\"},"
                           "\"time\":1}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_reps, 1);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "3:0%2C3:0");
    for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"retCode\":0,\"result\":{\"list\":[],%s}}", last[i]);
        assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200, body), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
        assert_int_equal(f->res.is_list_cut, 0);
        assert_string_equal(f->res.next_cursor, "");
    }
}

/* The longest cursor that fits is handed on whole; one byte more and the
 * list is cut with no way on (never a shortened cursor). */
static void
test_cursor_too_long_to_hand_back_leaves_the_list_only_cut(void **state)
{
    fixture *f = *state;
    char cursor[XG_CURSOR_MAX + 1];
    char body[512];

    memset(cursor, 'c', sizeof(cursor));
    cursor[XG_CURSOR_MAX - 1] = '\0';
    snprintf(body, sizeof(body),
             "{\"retCode\":0,\"result\":{\"list\":[],\"nextPageCursor\":"
             "\"%s\"}}",
             cursor);
    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200, body), XG_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, cursor);

    cursor[XG_CURSOR_MAX - 1] = 'c';
    cursor[XG_CURSOR_MAX] = '\0';
    snprintf(body, sizeof(body),
             "{\"retCode\":0,\"result\":{\"list\":[],\"nextPageCursor\":"
             "\"%s\"}}",
             cursor);
    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "");
}

/* Hostile cursors: control bytes, an embedded NUL, non-ASCII, bytes that
 * cannot go back into a query verbatim, another JSON type. None reaches
 * next_cursor; each page still says the list is cut (the venue said there was
 * more, or said something malformed), so no order missing from the page is
 * taken for gone. */
static void
test_hostile_cursors_never_reach_next_cursor(void **state)
{
    fixture *f = *state;
    const char *cursors[] = {
        "\"ab\\u0001cd\"",
        "\"ab\\u0000cd\"",
        "\"\\u00e9t\\u00e9\"",
        "\"tab\\there\"",
        "\"del\\u007f\"",
        "\"\\n\"",
        "\"a&b\"",
        "\"a b\"",
        "\"a=b\"",
        "12345",
        "true",
        "[\"a\"]",
        "{\"a\":\"b\"}",
    };
    char body[512];

    for (size_t i = 0; i < sizeof(cursors) / sizeof(cursors[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"1\","
                 "\"orderLinkId\":\"gwA1\",\"symbol\":\"BTCUSDT\","
                 "\"orderStatus\":\"New\"}],\"nextPageCursor\":%s}}",
                 cursors[i]);
        memset(f->res.next_cursor, 'x', sizeof(f->res.next_cursor));
        assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200, body), XG_OK);
        assert_string_equal(f->res.next_cursor, "");
        if (i == 1) {
            /* A decoded NUL makes the whole body unreadable (the strict
             * reader refuses \u0000): the page is refused. */
            assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
            assert_int_equal(f->res.is_list_cut, 0);
            assert_int_equal(f->n_reps, 0);
            continue;
        }
        if (f->res.outcome != XG_OUTCOME_OK || f->res.is_list_cut != 1) {
            fail_msg("cursor %zu: outcome %d cut %d", i, f->res.outcome,
                     f->res.is_list_cut);
        }
        assert_int_equal(f->n_reps, 1);
    }
}

/* A failed answer carries no cursor, whatever its body says. */
static void
test_error_answers_carry_no_cursor(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200,
                           "{\"retCode\":10001,\"retMsg\":\"params error\","
                           "\"result\":{\"list\":[],\"nextPageCursor\":"
                           "\"x%3D1\"}}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
    /* A malformed entry refuses the page, cursor and all. */
    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200,
                           "{\"retCode\":0,\"result\":{\"list\":[null],"
                           "\"nextPageCursor\":\"x%3D1\"}}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
}

static void
test_open_orders_with_a_bad_entry_deliver_nothing(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_file(f, XG_OP_OPEN_ORDERS, NULL, 200,
                                "open_orders_bad_entry.json"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(f->n_reps, 0);
}

/* --- the error table ------------------------------------------------------ */

typedef struct err_case {
    int status;
    long long code; /* -1: no JSON body */
    const char *msg;
    xg_op_kind kind;
    xg_outcome outcome;
    xg_err err;
} err_case;

static const err_case err_cases[] = {
    {403, -1, "access too frequent", XG_OP_NEW_ORDER, XG_OUTCOME_BANNED,
     XG_ERR_BANNED},
    {403, -1, "", XG_OP_SERVER_TIME, XG_OUTCOME_BANNED, XG_ERR_BANNED},
    {200, 10018, "exceeded IP rate limit", XG_OP_QUERY_ORDER, XG_OUTCOME_BANNED,
     XG_ERR_BANNED},
    {200, 10006, "Too many visits!", XG_OP_NEW_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED},
    {429, -1, "", XG_OP_CANCEL_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED},
    {200, 429, "high load", XG_OP_NEW_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED},
    {200, 170005, "Too many new orders", XG_OP_NEW_ORDER,
     XG_OUTCOME_RATE_LIMITED, XG_ERR_RATE_LIMITED},
    {200, 10002, "invalid request, please check your server timestamp",
     XG_OP_NEW_ORDER, XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP},
    {200, 10000, "Server Timeout", XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {200, 10000, "Server Timeout", XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_VENUE_DOWN},
    {200, 10016, "Server error", XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {200, 10016, "Server error", XG_OP_INSTRUMENTS, XG_OUTCOME_REJECTED,
     XG_ERR_VENUE_DOWN},
    {200, 170146, "Order creation timeout", XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {200, 170147, "Order cancellation timeout", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
    {502, -1, "<html>Bad Gateway</html>", XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {503, 10016, "Service Unavailable", XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {500, -1, "", XG_OP_OPEN_ORDERS, XG_OUTCOME_REJECTED, XG_ERR_VENUE_DOWN},
    {302, -1, "moved", XG_OP_NEW_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_BAD_RESPONSE},
    {100, -1, "", XG_OP_SERVER_TIME, XG_OUTCOME_REJECTED, XG_ERR_BAD_RESPONSE},
    {700, -1, "", XG_OP_CANCEL_ORDER, XG_OUTCOME_UNKNOWN, XG_ERR_BAD_RESPONSE},
    {200, 10003, "API key is invalid.", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 10004, "error sign!", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 10005, "Permission denied", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 10010, "Unmatched IP", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 10008, "account banned", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 10027, "trading banned", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {401, -1, "Unauthorized", XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 170131, "Balance insufficient", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS},
    {200, 110004, "Wallet balance is insufficient", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS},
    {200, 110007, "ab not enough", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_INSUFFICIENT_FUNDS},
    {200, 110012, "Insufficient available balance", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS},
    {200, 170121, "Invalid symbol.", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_UNKNOWN_SYMBOL},
    {200, 10001, "params error: Symbol Is Invalid", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_UNKNOWN_SYMBOL},
    {200, 10001, "params error: qty", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_REJECTED},
    {200, 110001, "Order does not exist", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170213, "Order does not exist.", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 110008, "Order has been finished or cancelled", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 110010, "Order has been cancelled", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170142, "Order has already been cancelled", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170190, "Cancel order has been finished", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170141, "Duplicate clientOrderId", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID},
    {200, 110072, "OrderLinkedID is duplicate", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID},
    {200, 12141, "Duplicate clientOrderId", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_DUPLICATE_ID},
    {200, 170134, "Order price has too many decimals.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_PRECISION},
    {200, 170137, "Order quantity has too many decimals.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_PRECISION},
    {200, 170136, "Order quantity lower than the minimum.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170140, "Order value exceeded lower limit.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 110094, "Order notional below min", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170124, "Order amount too large.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170132, "Order price too high.", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_FILTER},
    {200, 170133, "Order price lower than the minimum.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170381, "Order quantity too large.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170382, "Order quantity too large.", XG_OP_NEW_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170143, "Cannot be found on order book", XG_OP_CANCEL_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    /* Amends: refusals as for the other order operations, and the
     * answers that leave the amend's fate open are UNKNOWN, as a new
     * order's. */
    {200, 170213, "Order does not exist.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170139, "Order has been filled.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170142, "Order has been cancelled", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 110001, "order not exists or too late to replace", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_ORDER_NOT_FOUND},
    {200, 170131, "Insufficient balance.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_INSUFFICIENT_FUNDS},
    {200, 170134, "Order price has too many decimals.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_PRECISION},
    {200, 170137, "Order quantity has too many decimals.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_PRECISION},
    {200, 170136, "Order quantity lower than the minimum.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170140, "Order value exceeded lower limit.", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170313,
     "The modified contract quantity cannot be less than to the filled "
     "quantity",
     XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_FILTER},
    {200, 170311, "Order modification failed", XG_OP_AMEND_ORDER,
     XG_OUTCOME_REJECTED, XG_ERR_REJECTED},
    {200, 170218, "The LIMIT-MAKER order is rejected due to invalid price.",
     XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED, XG_ERR_REJECTED},
    {200, 170310, "Order modification timeout", XG_OP_AMEND_ORDER,
     XG_OUTCOME_UNKNOWN, XG_ERR_UNKNOWN_STATUS},
    {200, 10000, "Server Timeout", XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {200, 10016, "Server error", XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {502, -1, "<html>Bad Gateway</html>", XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_UNKNOWN_STATUS},
    {302, -1, "moved", XG_OP_AMEND_ORDER, XG_OUTCOME_UNKNOWN,
     XG_ERR_BAD_RESPONSE},
    {200, 10006, "Too many visits!", XG_OP_AMEND_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED},
    {429, -1, "", XG_OP_AMEND_ORDER, XG_OUTCOME_RATE_LIMITED,
     XG_ERR_RATE_LIMITED},
    {403, -1, "access too frequent", XG_OP_AMEND_ORDER, XG_OUTCOME_BANNED,
     XG_ERR_BANNED},
    {200, 10002, "invalid request, please check your server timestamp",
     XG_OP_AMEND_ORDER, XG_OUTCOME_RESYNC, XG_ERR_TIMESTAMP},
    {200, 10004, "error sign!", XG_OP_AMEND_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_AUTH},
    {200, 99999, "Something new", XG_OP_NEW_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_REJECTED},
    {400, -1, "Bad Request", XG_OP_QUERY_ORDER, XG_OUTCOME_REJECTED,
     XG_ERR_REJECTED},
};

static void
test_every_error_table_row(void **state)
{
    fixture *f = *state;
    char body[256];
    char code[24];

    for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
        const err_case *c = &err_cases[i];
        if (c->code < 0) {
            snprintf(body, sizeof(body), "%s", c->msg);
        } else {
            snprintf(body, sizeof(body),
                     "{\"retCode\":%lld,\"retMsg\":\"%s\",\"result\":{},"
                     "\"retExtInfo\":{},\"time\":1}",
                     c->code, c->msg);
        }
        assert_int_equal(parse(f, c->kind, "gw0001", c->status, body), XG_OK);
        if (f->res.outcome != c->outcome || f->res.err != c->err) {
            fail_msg("case %zu (HTTP %d, code %lld): outcome %d err %d", i,
                     c->status, c->code, f->res.outcome, f->res.err);
        }
        if (c->code >= 0) {
            snprintf(code, sizeof(code), "%lld", c->code);
            assert_string_equal(f->res.venue_code, code);
            assert_string_equal(f->res.venue_msg, c->msg);
        } else {
            assert_string_equal(f->res.venue_code, "");
        }
        if (c->outcome == XG_OUTCOME_BANNED) {
            /* No end given: the core's ban_default_ms applies. */
            assert_int_equal(f->res.banned_until_ms, 0);
            assert_int_equal(f->res.retry_after_ms, 0);
        }
    }
}

/* 10006: wait until the absolute reset time, and the limiter learns the
 * endpoint is spent. */
static void
test_too_many_visits_waits_for_reset_timestamp(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[] = {
        HV("X-Bapi-Limit-Status", "0"), HV("X-Bapi-Limit", "20"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1672738135824")};
    size_t len = 0;
    char *body = slurp("error_10006.json", &len);

    assert_int_equal(
        parse_h(f, XG_OP_NEW_ORDER, "gw0001", 200, body, len, h, 3), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.retry_at_ms, 1672738135824LL);
    assert_int_equal(f->res.n_usage, 1);
    assert_int_equal(f->res.usage[0].bucket, BYBIT_BUCKET_CREATE);
    assert_int_equal(f->res.usage[0].remaining, 0);
    /* Without the header: no absolute time, the core's default wait. */
    assert_int_equal(
        parse_h(f, XG_OP_NEW_ORDER, "gw0001", 200, body, len, NULL, 0), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.retry_at_ms, 0);
    assert_int_equal(f->res.retry_after_ms, 0);
    free(body);
}

/* The reset timestamp means nothing on other answers (fact sheet). */
static void
test_reset_timestamp_is_ignored_unless_over_the_limit(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[] = {
        HV("X-Bapi-Limit-Reset-Timestamp", "1672738135824"),
        HV("Retry-After", "3")};
    const char *body = "{\"retCode\":429,\"retMsg\":\"busy\"}";

    assert_int_equal(
        parse_h(f, XG_OP_NEW_ORDER, "gw0001", 200, body, strlen(body), h, 2),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.retry_at_ms, 0);
    assert_int_equal(f->res.retry_after_ms, 3000);
    assert_int_equal(
        parse_h(f, XG_OP_NEW_ORDER, "gw0001", 200, body, strlen(body), h, 1),
        XG_OK);
    assert_int_equal(f->res.retry_after_ms, 1000);
}

/* The usage correction lasts until the venue's window ends: the reset
 * timestamp less the body's "time" (both venue epoch ms). */
static void
test_usage_reset_is_the_reset_timestamp_less_the_body_time(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[] = {
        HV("X-Bapi-Limit-Status", "0"), HV("X-Bapi-Limit", "20"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1672738135824")};
    size_t len = 0;
    char *body = slurp("error_10006.json", &len); /* time 1672738134824 */

    assert_int_equal(
        parse_h(f, XG_OP_NEW_ORDER, "gw0001", 200, body, len, h, 3), XG_OK);
    assert_int_equal(f->res.n_usage, 1);
    assert_int_equal(f->res.usage[0].reset_ms, 1000);
    free(body);
}

/* Off the limit the header is "now": no window end is claimed. So too
 * when the difference is negative, over a minute, or either side is
 * missing or malformed. */
static void
test_usage_reset_is_left_unset_unless_sane(void **state)
{
    fixture *f = *state;
    const struct {
        const char *reset; /* NULL: no header */
        const char *time;  /* the JSON value of "time"; NULL: absent */
    } cases[] = {
        {"1672738134824", "1672738134824"}, /* "now" */
        {"1672738134000", "1672738134824"}, /* before the answer */
        {"1672738194825", "1672738134824"}, /* 60001 ms: not Bybit's */
        {NULL, "1672738134824"},
        {"1672738135824", NULL},
        {"1672738135824", "\"1672738134824\""},
        {"1672738135824", "-5"},
        {"1672738135824", "0"},
        {"1672738135824", "1.6e12"},
        {"soon", "1672738134824"},
        {"99999999999999999999999", "1672738134824"},
    };
    char body[256];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xg_http_header_view h[3] = {
            HV("X-Bapi-Limit-Status", "3"),
            HV("X-Bapi-Limit", "50"),
            {"X-Bapi-Limit-Reset-Timestamp",
             sizeof("X-Bapi-Limit-Reset-Timestamp") - 1, cases[i].reset,
             cases[i].reset != NULL ? strlen(cases[i].reset) : 0}};
        if (cases[i].time != NULL) {
            snprintf(body, sizeof(body),
                     "{\"retCode\":0,\"result\":{\"list\":[]},\"time\":%s}",
                     cases[i].time);
        } else {
            snprintf(body, sizeof(body),
                     "{\"retCode\":0,\"result\":{\"list\":[]}}");
        }
        assert_int_equal(parse_h(f, XG_OP_OPEN_ORDERS, NULL, 200, body,
                                 strlen(body), h,
                                 cases[i].reset != NULL ? 3 : 2),
                         XG_OK);
        assert_int_equal(f->res.n_usage, 1);
        assert_int_equal(f->res.usage[0].remaining, 3);
        if (f->res.usage[0].reset_ms != 0) {
            fail_msg("case %zu: reset_ms %lld", i,
                     (long long)f->res.usage[0].reset_ms);
        }
    }
    /* The largest believed window: exactly a minute. */
    xg_http_header_view h[] = {
        HV("X-Bapi-Limit-Status", "3"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1672738194824")};
    snprintf(body, sizeof(body),
             "{\"retCode\":0,\"result\":{\"list\":[]},\"time\":1672738134824}");
    assert_int_equal(
        parse_h(f, XG_OP_OPEN_ORDERS, NULL, 200, body, strlen(body), h, 2),
        XG_OK);
    assert_int_equal(f->res.usage[0].reset_ms, 60000);
}

static void
test_ban_page_is_banned_and_kept_printable(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, "gw0001", 403, "error_403.html"), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_BANNED);
    assert_int_equal(f->res.banned_until_ms, 0);
    assert_non_null(strstr(f->res.venue_msg, "403 Forbidden"));
    for (const char *p = f->res.venue_msg; *p != '\0'; p++) {
        assert_true(*p >= 0x20 && *p < 0x7f);
    }
}

/* --- hostile bodies ----------------------------------------------------- */

static const char *const hostile[] = {
    "",
    "{",
    "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":\"gw0",
    "null",
    "[]",
    "\"retCode\"",
    "{\"retCode\":\"0\",\"result\":{}}",
    "{\"retMsg\":\"OK\",\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
    "\"gw0001\"}}",
    "{\"retCode\":0}",
    "{\"retCode\":0,\"result\":[]}",
    "{\"retCode\":0,\"result\":{\"orderId\":1,\"orderLinkId\":\"gw0001\"}}",
    "{\"retCode\":0,\"result\":{\"orderId\":\"\",\"orderLinkId\":\"gw0001\"}}",
    "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
    "\"gw\\u00000001\"}}",
    "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":null}}",
    "{\"retCode\":0,\"result\":{\"list\":{}}}",
    "{\"retCode\":0,\"result\":{\"list\":[null]}}",
    "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
    "\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":\"New\","
    "\"cumExecQty\":\"1e5\"}]}}",
    "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
    "\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":\"New\","
    "\"cumExecQty\":\"-1\"}]}}",
    "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
    "\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":\"New\","
    "\"cumExecValue\":\"99999999999999999999999\"}]}}",
    "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"1\",\"orderLinkId\":"
    "\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":7}]}}",
    "{\"retCode\":99999999999999999999999999,\"retMsg\":\"x\"}",
    "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"timeNano\":"
    "\"99999999999999999999999999\"}}",
    "\xff\xfe\x00\x01",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
};

static void
test_hostile_bodies_never_settle_an_order(void **state)
{
    fixture *f = *state;
    const xg_op_kind kinds[] = {XG_OP_SERVER_TIME, XG_OP_INSTRUMENTS,
                                XG_OP_NEW_ORDER,   XG_OP_CANCEL_ORDER,
                                XG_OP_QUERY_ORDER, XG_OP_OPEN_ORDERS,
                                XG_OP_AMEND_ORDER};

    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        size_t len = strlen(hostile[i]);
        if (i == sizeof(hostile) / sizeof(hostile[0]) - 2) {
            len = 4; /* with the NUL byte */
        }
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            assert_int_equal(
                parse_h(f, kinds[k], "gw0001", 200, hostile[i], len, NULL, 0),
                XG_OK);
            if (kinds[k] == XG_OP_NEW_ORDER || kinds[k] == XG_OP_CANCEL_ORDER ||
                kinds[k] == XG_OP_AMEND_ORDER) {
                if (f->res.outcome != XG_OUTCOME_UNKNOWN &&
                    f->res.outcome != XG_OUTCOME_REJECTED) {
                    fail_msg("body %zu settled op %d", i, (int)kinds[k]);
                }
                assert_int_not_equal(f->res.outcome, XG_OUTCOME_OK);
            } else if (kinds[k] == XG_OP_INSTRUMENTS &&
                       f->res.outcome == XG_OUTCOME_OK) {
                assert_int_equal(f->n_seen, 0);
            } else if (kinds[k] != XG_OP_INSTRUMENTS) {
                assert_int_not_equal(f->res.outcome, XG_OUTCOME_OK);
            }
        }
    }
}

/* A 200 with a malformed body on an order op is UNKNOWN, never OK or
 * REJECTED: the order may exist. */
static void
test_malformed_success_on_order_ops_is_unknown(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, XG_OP_NEW_ORDER, "gw0001", 200, "{\"retCode\":0"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(parse(f, XG_OP_CANCEL_ORDER, "gw0001", 200, ""), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(parse(f, XG_OP_QUERY_ORDER, "gw0001", 200, ""), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    /* An amend changes an order as a new order does: its cut, empty or
     * envelope-only answers leave it unknown, not refused. */
    const char *amend_bodies[] = {
        "",
        "{\"retCode\":0",
        ("{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"orderId\":\"1\","
         "\"orderLinkId\":\"gw00"),
        "{\"retMsg\":\"OK\",\"result\":{}}",
        "{\"retCode\":0,\"result\":{}}",
        "<html>502</html>"};
    for (size_t i = 0; i < sizeof amend_bodies / sizeof amend_bodies[0]; i++) {
        assert_int_equal(
            parse(f, XG_OP_AMEND_ORDER, "gw0001", 200, amend_bodies[i]), XG_OK);
        assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
    }
}

/* Long venue text is cut to fit; control bytes become '?'. */
static void
test_venue_text_is_truncated_and_printable(void **state)
{
    fixture *f = *state;
    char body[1024];
    char msg[600];
    memset(msg, 'x', sizeof(msg) - 1);
    msg[sizeof(msg) - 1] = '\0';
    /* \u0001 is a control byte once decoded. */
    snprintf(body, sizeof(body),
             "{\"retCode\":170131,\"retMsg\":\"ab\\u0001%.500s\"}", msg + 4);
    assert_int_equal(parse(f, XG_OP_NEW_ORDER, "gw0001", 200, body), XG_OK);
    assert_int_equal(f->res.err, XG_ERR_INSUFFICIENT_FUNDS);
    assert_int_equal(strlen(f->res.venue_msg), XG_VENUE_MSG_MAX - 1);
    assert_int_equal(f->res.venue_msg[2], '?');
}

/* --- the strict reader: repeated keys, UTF-8, nesting ------------------ */

/* Assert that the last parse refused the body as kind's malformed answer:
 * UNKNOWN for a new order or cancel, REJECTED for a read. */
static void
assert_bad_body(const fixture *f, xg_op_kind kind)
{
    xg_outcome want = (kind == XG_OP_NEW_ORDER || kind == XG_OP_CANCEL_ORDER ||
                       kind == XG_OP_AMEND_ORDER)
                          ? XG_OUTCOME_UNKNOWN
                          : XG_OUTCOME_REJECTED;
    if (f->res.outcome != want || f->res.err != XG_ERR_BAD_RESPONSE) {
        fail_msg("op %d: outcome %d err %d (%s)", (int)kind, f->res.outcome,
                 f->res.err, f->res.venue_msg);
    }
}

/* A second retCode after the first must not turn a refusal into an
 * accepted order (a last-wins reader would say NEW here), nor the other
 * way round: the order's fate is open, so the core queries it. */
static void
test_repeated_ret_code_leaves_the_order_unknown(void **state)
{
    fixture *f = *state;

    assert_int_equal(parse_file(f, XG_OP_NEW_ORDER, "gw0001", 200,
                                "order_create_ack_repeated_retcode.json"),
                     XG_OK);
    assert_bad_body(f, XG_OP_NEW_ORDER);
    assert_string_equal(f->res.order.client_id, "");
    assert_int_equal(
        parse(f, XG_OP_CANCEL_ORDER, "gw0001", 200,
              "{\"retCode\":0,\"retCode\":110001,\"retMsg\":\"x\","
              "\"result\":{\"orderId\":\"1\",\"orderLinkId\":\"gw0001\"}}"),
        XG_OK);
    assert_bad_body(f, XG_OP_CANCEL_ORDER);
}

/* A repeated member inside an order answer is refused, never resolved to
 * one of its values. */
static void
test_repeated_key_in_an_order_answer_is_refused(void **state)
{
    fixture *f = *state;
    const struct {
        xg_op_kind kind;
        const char *body;
    } cases[] = {
        {XG_OP_NEW_ORDER,
         "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
         "\"other\",\"orderLinkId\":\"gw0001\"}}"},
        {XG_OP_NEW_ORDER,
         "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderId\":\"2\","
         "\"orderLinkId\":\"gw0001\"}}"},
        {XG_OP_CANCEL_ORDER,
         "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
         "\"gw0001\"},\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
         "\"gw0001\"}}"},
        {XG_OP_AMEND_ORDER,
         "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
         "\"other\",\"orderLinkId\":\"gw0001\"}}"},
        {XG_OP_AMEND_ORDER,
         "{\"retCode\":0,\"retCode\":0,\"result\":{\"orderId\":\"1\","
         "\"orderLinkId\":\"gw0001\"}}"},
        {XG_OP_QUERY_ORDER,
         "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"9\","
         "\"orderLinkId\":\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":"
         "\"New\",\"orderStatus\":\"Filled\"}]}}"},
        {XG_OP_QUERY_ORDER,
         "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"9\","
         "\"orderLinkId\":\"gw0001\",\"symbol\":\"BTCUSDT\",\"orderStatus\":"
         "\"PartiallyFilled\",\"cumExecQty\":\"0.1\",\"cumExecQty\":"
         "\"0.2\"}]}}"},
        {XG_OP_QUERY_ORDER,
         "{\"retCode\":0,\"result\":{\"list\":[],\"list\":[]}}"},
        {XG_OP_OPEN_ORDERS,
         "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"9\","
         "\"orderLinkId\":\"gwA1\",\"orderLinkId\":\"gwA2\",\"symbol\":"
         "\"BTCUSDT\",\"orderStatus\":\"New\"}],\"nextPageCursor\":\"\"}}"},
        {XG_OP_SERVER_TIME,
         "{\"retCode\":0,\"result\":{\"timeNano\":\"1688639403423213947\","
         "\"timeNano\":\"1\",\"timeSecond\":\"1688639403\"}}"},
        {XG_OP_INSTRUMENTS,
         "{\"retCode\":0,\"result\":{\"list\":[],\"list\":[]}}"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse(f, cases[i].kind, "gw0001", 200, cases[i].body),
                         XG_OK);
        assert_bad_body(f, cases[i].kind);
        assert_int_equal(f->n_reps, 0);
        assert_int_equal(f->n_seen, 0);
    }
}

/* A cursor given twice may hide more pages: cut, with no way on. */
static void
test_repeated_cursor_cuts_the_list(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, XG_OP_OPEN_ORDERS, NULL, 200,
                           "{\"retCode\":0,\"result\":{\"list\":[],"
                           "\"nextPageCursor\":\"\",\"nextPageCursor\":"
                           "\"p2\"}}"),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "");
}

/* A symbol with a repeated filter value is skipped like any odd symbol;
 * the others are still delivered. */
static void
test_repeated_key_skips_only_that_instrument(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse(f, XG_OP_INSTRUMENTS, NULL, 200,
              "{\"retCode\":0,\"result\":{\"list\":["
              "{\"symbol\":\"BTCUSDT\",\"baseCoin\":\"BTC\",\"quoteCoin\":"
              "\"USDT\",\"status\":\"Trading\",\"lotSizeFilter\":{"
              "\"basePrecision\":\"0.000001\"},\"priceFilter\":{"
              "\"tickSize\":\"0.01\",\"tickSize\":\"100\"}},"
              "{\"symbol\":\"ETHUSDT\",\"baseCoin\":\"ETH\",\"quoteCoin\":"
              "\"USDT\",\"status\":\"Trading\",\"lotSizeFilter\":{"
              "\"basePrecision\":\"0.0001\",\"minOrderAmt\":\"1\"},"
              "\"priceFilter\":{\"tickSize\":\"0.01\"}}]}}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_seen, 1);
    assert_string_equal(f->seen[0].symbol, "ETH/USDT");
}

/* A repeated "time" gives no window end rather than one of two. */
static void
test_repeated_time_leaves_usage_reset_unset(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[] = {
        HV("X-Bapi-Limit-Status", "3"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1672738135824")};
    const char *body = "{\"retCode\":0,\"result\":{\"list\":[]},"
                       "\"time\":1672738134824,\"time\":1672738135000}";

    assert_int_equal(
        parse_h(f, XG_OP_OPEN_ORDERS, NULL, 200, body, strlen(body), h, 2),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.n_usage, 1);
    assert_int_equal(f->res.usage[0].reset_ms, 0);
}

/* Bytes that are not UTF-8 (a stray byte, an overlong '/', a surrogate, a
 * cut sequence) make the body unreadable for every operation. */
static void
test_invalid_utf8_is_a_malformed_answer(void **state)
{
    fixture *f = *state;
    const char *bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82"};
    const xg_op_kind kinds[] = {XG_OP_SERVER_TIME, XG_OP_INSTRUMENTS,
                                XG_OP_NEW_ORDER,   XG_OP_CANCEL_ORDER,
                                XG_OP_QUERY_ORDER, XG_OP_OPEN_ORDERS,
                                XG_OP_AMEND_ORDER};
    char body[256];

    for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
        snprintf(body, sizeof(body),
                 "{\"retCode\":0,\"result\":{\"orderId\":\"1\",\"orderLinkId\":"
                 "\"gw0001\",\"list\":[],\"timeSecond\":\"1688639403\"},"
                 "\"retExtInfo\":{\"note\":\"a%sb\"}}",
                 bad[b]);
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            assert_int_equal(parse(f, kinds[k], "gw0001", 200, body), XG_OK);
            assert_bad_body(f, kinds[k]);
            assert_int_equal(f->n_seen, 0);
            assert_int_equal(f->n_reps, 0);
            /* The body's start is kept for the operator, printable. */
            for (const char *p = f->res.venue_msg; *p != '\0'; p++) {
                assert_true(*p >= 0x20 && *p < 0x7f);
            }
        }
    }
    /* In an error answer too: without a readable retCode it is no
     * refusal, so the new order stays unknown. */
    assert_int_equal(parse(f, XG_OP_NEW_ORDER, "gw0001", 200,
                           "{\"retCode\":170131,\"retMsg\":\"\xff\"}"),
                     XG_OK);
    assert_bad_body(f, XG_OP_NEW_ORDER);
}

/* Append "{\"retCode\":0,...,\"retExtInfo\":" + depth nested arrays + "}"
 * to an ack for gw0001 into buf (cap bytes). */
static void
nested_ack(char *buf, size_t cap, size_t depth)
{
    static const char head[] = "{\"retCode\":0,\"result\":{\"orderId\":\"1\","
                               "\"orderLinkId\":\"gw0001\"},\"retExtInfo\":";
    size_t n = sizeof(head) - 1;

    assert_true(n + 2 * depth + 2 <= cap);
    memcpy(buf, head, n);
    memset(buf + n, '[', depth);
    memset(buf + n + depth, ']', depth);
    n += 2 * depth;
    buf[n++] = '}';
    buf[n] = '\0';
}

/* The reader's nesting bound is the answer's: an ack nested within it is
 * read, one level more is a malformed answer (the order stays unknown),
 * and a body nested a hundred thousand deep costs no stack. */
static void
test_deeply_nested_body_is_refused(void **state)
{
    fixture *f = *state;
    const size_t huge = 100000;
    char *buf = malloc(2 * huge + 256);

    assert_non_null(buf);
    /* The root object is the first level, so XG_JSON_DEPTH_MAX - 1
     * arrays inside it fill the bound exactly. */
    nested_ack(buf, 2 * huge + 256, XG_JSON_DEPTH_MAX - 1);
    assert_int_equal(parse(f, XG_OP_NEW_ORDER, "gw0001", 200, buf), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.order.status, XG_STATUS_NEW);

    nested_ack(buf, 2 * huge + 256, XG_JSON_DEPTH_MAX);
    assert_int_equal(parse(f, XG_OP_NEW_ORDER, "gw0001", 200, buf), XG_OK);
    assert_bad_body(f, XG_OP_NEW_ORDER);
    assert_int_equal(parse(f, XG_OP_QUERY_ORDER, "gw0001", 200, buf), XG_OK);
    assert_bad_body(f, XG_OP_QUERY_ORDER);

    nested_ack(buf, 2 * huge + 256, huge);
    assert_int_equal(parse(f, XG_OP_CANCEL_ORDER, "gw0001", 200, buf), XG_OK);
    assert_bad_body(f, XG_OP_CANCEL_ORDER);
    free(buf);
}

/* The token array is kept between the small answers of the order path
 * (no allocation per answer), and a large instrument list's array is
 * given back once it has been read. */
static void
test_token_array_is_kept_small(void **state)
{
    fixture *f = *state;
    bybit *b = f->inst;
    static const char sym[] =
        "{\"symbol\":\"BTCUSDT\",\"baseCoin\":\"BTC\",\"quoteCoin\":\"USDT\","
        "\"status\":\"Trading\",\"lotSizeFilter\":{\"basePrecision\":"
        "\"0.000001\"},\"priceFilter\":{\"tickSize\":\"0.01\"}}";
    const size_t n_sym = 2000;
    xg_buf body;
    char *mem = malloc(n_sym * sizeof(sym) + 64);
    const xg_json_tok *toks = NULL;
    xg_sink sink = {f, NULL, NULL, NULL, NULL};
    xg_op op = {XG_OP_INSTRUMENTS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};

    assert_non_null(mem);
    assert_int_equal(
        parse_file(f, XG_OP_NEW_ORDER, "gw0001", 200, "order_create_ack.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_non_null(b->json.toks);
    assert_true(b->json.cap > 0 && b->json.cap <= XG_JSON_STORE_KEEP);
    toks = b->json.toks;
    assert_int_equal(
        parse_file(f, XG_OP_QUERY_ORDER, "gw0001", 200, "order_realtime.json"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_ptr_equal(b->json.toks, toks);

    xg_buf_init(&body, mem, n_sym * sizeof(sym) + 64);
    xg_buf_puts(&body, "{\"retCode\":0,\"result\":{\"list\":[");
    for (size_t i = 0; i < n_sym; i++) {
        if (i > 0) {
            xg_buf_putc(&body, ',');
        }
        xg_buf_puts(&body, sym);
    }
    xg_buf_puts(&body, "]}}");
    assert_int_equal(xg_buf_status(&body), XG_OK);
    xg_http_response resp = {200, NULL, 0, mem, body.len};
    assert_int_equal(bybit_parse(f->inst, &op, &resp, &sink, &f->res), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_true(b->json.cap <= XG_JSON_STORE_KEEP);
    free(mem);
}

static void
test_parse_refuses_bad_arguments(void **state)
{
    fixture *f = *state;
    xg_op op = {(xg_op_kind)42, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, NULL, 5};
    xg_op ok = {XG_OP_SERVER_TIME, NULL, NULL, NULL, NULL, NULL, NULL, NULL};

    assert_int_equal(bybit_parse(f->inst, &op, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
    assert_int_equal(bybit_parse(f->inst, &ok, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
    assert_int_equal(bybit_parse(NULL, &ok, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
}

/* --- batches, cancel-all, balances ------------------------------------- */

/* Two resting orders on BTCUSDT under gw0001 and gw0002, as the core
 * batches them; results zeroed as the core hands them over. */
typedef struct batch_rig {
    xg_batch_item items[2];
    xg_result results[2];
    xg_batch batch;
} batch_rig;

static xg_err
parse_batch_h(fixture *f, batch_rig *b, xg_op_kind kind, int status,
              const char *body, const xg_http_header_view *h, size_t nh)
{
    xg_op op = {kind, &f->btc, NULL, NULL, NULL, NULL, NULL, &b->batch};
    xg_http_response resp = {status, h, nh, body, strlen(body)};

    b->items[0] = (xg_batch_item){&f->order, "gw0001", NULL};
    b->items[1] = (xg_batch_item){&f->order, "gw0002", NULL};
    memset(b->results, 0, sizeof(b->results));
    b->batch = (xg_batch){b->items, 2, b->results};
    return bybit_parse(f->inst, &op, &resp, NULL, &f->res);
}

static xg_err
parse_batch(fixture *f, batch_rig *b, xg_op_kind kind, const char *body)
{
    return parse_batch_h(f, b, kind, 200, body, NULL, 0);
}

/* Bybit's batch answer (v5 docs, "Batch Place Order"): the ids and the
 * per-order codes as two lists in request order. */
#define BATCH_BODY(list, codes)                                                \
    "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[" list "]},"       \
    "\"retExtInfo\":{\"list\":[" codes "]},\"time\":1700000000000}"
#define BATCH_ENTRY(oid, link)                                                 \
    "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderId\":\"" oid         \
    "\",\"orderLinkId\":\"" link "\",\"createAt\":\"1700000000000\"}"
#define CODE_OK "{\"code\":0,\"msg\":\"OK\"}"

static void
test_batch_new_reports_each_order_as_its_single_ack(void **state)
{
    fixture *f = *state;
    batch_rig b;

    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("111", "gw0001") ","
                                   BATCH_ENTRY("222", "gw0002"),
                               CODE_OK "," CODE_OK)),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(b.results[i].outcome, XG_OUTCOME_OK);
        /* A resting limit's ack is NEW, as the single create's. */
        assert_int_equal(b.results[i].order.status, XG_STATUS_NEW);
        assert_string_equal(b.results[i].order.venue_symbol, "BTCUSDT");
    }
    assert_string_equal(b.results[0].order.client_id, "gw0001");
    assert_string_equal(b.results[0].order.venue_order_id, "111");
    assert_string_equal(b.results[1].order.client_id, "gw0002");
    assert_string_equal(b.results[1].order.venue_order_id, "222");

    /* A taking order's ack does not say whether it filled. */
    f->order.type = XG_TYPE_MARKET;
    f->order.tif = XG_TIF_IOC;
    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("111", "gw0001") ","
                                   BATCH_ENTRY("222", "gw0002"),
                               CODE_OK "," CODE_OK)),
        XG_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].order.status, XG_STATUS_UNKNOWN);
}

/* One order refused with the venue's code: that one REJECTED through the
 * single create's error table, the other placed. */
static void
test_batch_new_refuses_only_the_order_the_venue_refused(void **state)
{
    fixture *f = *state;
    batch_rig b;

    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("111", "gw0001") ","
                                   BATCH_ENTRY("", "gw0002"),
                               CODE_OK ",{\"code\":170131,\"msg\":"
                                       "\"Insufficient balance.\"}")),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].order.status, XG_STATUS_NEW);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(b.results[1].err, XG_ERR_INSUFFICIENT_FUNDS);
    assert_string_equal(b.results[1].venue_code, "170131");
    assert_string_equal(b.results[1].venue_msg, "Insufficient balance.");

    /* Even when every order failed, each outcome is read. */
    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("", "gw0001") ","
                                   BATCH_ENTRY("", "gw0002"),
                               "{\"code\":170134,\"msg\":\"x\"},"
                               "{\"code\":170141,\"msg\":\"dup\"}")),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].err, XG_ERR_PRECISION);
    assert_int_equal(b.results[1].err, XG_ERR_DUPLICATE_ID);
}

/* The orders past the batch limit come back 10006 (fact sheet: "a batch
 * that crosses the limit partially succeeds"): RATE_LIMITED until the
 * reset header, the orders before them placed. */
static void
test_batch_orders_past_the_limit_are_rate_limited(void **state)
{
    fixture *f = *state;
    batch_rig b;
    const xg_http_header_view h[] = {
        HV("X-Bapi-Limit", "20"), HV("X-Bapi-Limit-Status", "0"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1700000000400")};

    assert_int_equal(
        parse_batch_h(f, &b, XG_OP_BATCH_NEW, 200,
                      BATCH_BODY(BATCH_ENTRY("111", "gw0001") ","
                                     BATCH_ENTRY("", "gw0002"),
                                 CODE_OK ",{\"code\":10006,\"msg\":"
                                         "\"Too many visits!\"}"),
                      h, 3),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    /* The batch endpoint's own bucket is corrected. */
    assert_int_equal(f->res.n_usage, 1);
    assert_int_equal(f->res.usage[0].bucket, BYBIT_BUCKET_BATCH_CREATE);
    assert_int_equal(f->res.usage[0].remaining, 0);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(b.results[1].err, XG_ERR_RATE_LIMITED);
    assert_int_equal(b.results[1].retry_at_ms, 1700000000400LL);
}

/* Items are found by their orderLinkId wherever they stand; one the
 * answer does not name is UNKNOWN (the core queries it). */
static void
test_batch_order_missing_from_the_answer_is_unknown(void **state)
{
    fixture *f = *state;
    batch_rig b;

    assert_int_equal(parse_batch(f, &b, XG_OP_BATCH_NEW,
                                 BATCH_BODY(BATCH_ENTRY("222", "gw0002"),
                                            CODE_OK)),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(b.results[0].err, XG_ERR_BAD_RESPONSE);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_OK);
    assert_string_equal(b.results[1].order.venue_order_id, "222");

    /* Listed in the other order: still each its own. */
    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("222", "gw0002") ","
                                   BATCH_ENTRY("111", "gw0001"),
                               CODE_OK ",{\"code\":170131,\"msg\":\"x\"}")),
        XG_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_OK);
    assert_string_equal(b.results[1].order.venue_order_id, "222");

    /* An entry without an id stands for the order at its position; one
     * naming another order, a code that is no number, two entries for
     * one id or an ack without its orderId leave the order open. */
    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY("{\"orderId\":\"\",\"orderLinkId\":\"\"},"
                               BATCH_ENTRY("9", "zz9"),
                               "{\"code\":170136,\"msg\":\"x\"}," CODE_OK)),
        XG_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(b.results[0].err, XG_ERR_FILTER);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("1", "gw0001") ","
                                   BATCH_ENTRY("2", "gw0001"),
                               "{\"code\":\"0\"}," CODE_OK)),
        XG_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_NEW,
                    BATCH_BODY(BATCH_ENTRY("", "gw0001") ","
                                   BATCH_ENTRY("2", "gw0002"),
                               CODE_OK ",{\"msg\":\"OK\"}")),
        XG_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_UNKNOWN);
}

/* A limit, a ban, a server error or an unreadable body is the whole
 * batch's: the request's result says it, the orders' are not touched. */
static void
test_whole_batch_outcomes_leave_the_orders_results_alone(void **state)
{
    fixture *f = *state;
    batch_rig b;
    const struct {
        int status;
        const char *body;
        xg_outcome want;
    } cases[] = {
        {200, "{\"retCode\":10006,\"retMsg\":\"Too many visits!\",\"result\":{}"
              ",\"retExtInfo\":{},\"time\":1}",
         XG_OUTCOME_RATE_LIMITED},
        {403, "<html>access too frequent</html>", XG_OUTCOME_BANNED},
        {503, "", XG_OUTCOME_UNKNOWN},
        {200, "{\"retCode\":10016,\"retMsg\":\"Server error\"}",
         XG_OUTCOME_UNKNOWN},
        {200, "{\"retCode\":10001,\"retMsg\":\"params error\"}",
         XG_OUTCOME_REJECTED},
        /* cut short */
        {200, "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[{\"ord",
         XG_OUTCOME_UNKNOWN},
        /* no per-order codes, or lists that cannot be paired */
        {200, "{\"retCode\":0,\"result\":{\"list\":[]},\"retExtInfo\":{}}",
         XG_OUTCOME_UNKNOWN},
        {200, BATCH_BODY(BATCH_ENTRY("1", "gw0001"), CODE_OK "," CODE_OK),
         XG_OUTCOME_UNKNOWN},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse_batch_h(f, &b, XG_OP_BATCH_NEW, cases[i].status,
                                       cases[i].body, NULL, 0),
                         XG_OK);
        if (f->res.outcome != cases[i].want) {
            fail_msg("case %zu: outcome %d (%s)", i, f->res.outcome,
                     f->res.venue_msg);
        }
        assert_int_equal(b.results[0].outcome, 0);
        assert_int_equal(b.results[1].outcome, 0);
    }
    assert_int_equal(parse_batch_h(f, &b, XG_OP_BATCH_CANCEL, 503, "", NULL, 0),
                     XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
}

static void
test_batch_cancel_reads_each_cancel_as_the_single_one(void **state)
{
    fixture *f = *state;
    batch_rig b;

    assert_int_equal(
        parse_batch(f, &b, XG_OP_BATCH_CANCEL,
                    BATCH_BODY("{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
                               "\"orderId\":\"111\",\"orderLinkId\":"
                               "\"gw0001\"},"
                               "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
                               "\"orderId\":\"\",\"orderLinkId\":\"gw0002\"}",
                               CODE_OK ",{\"code\":170213,\"msg\":"
                                       "\"Order does not exist.\"}")),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].outcome, XG_OUTCOME_OK);
    assert_int_equal(b.results[0].order.status, XG_STATUS_CANCELED);
    assert_string_equal(b.results[0].order.venue_order_id, "111");
    assert_int_equal(b.results[1].outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(b.results[1].err, XG_ERR_ORDER_NOT_FOUND);
    assert_string_equal(b.results[1].venue_code, "170213");
}

static xg_err
parse_cancel_all(fixture *f, const xg_sink *sink, const char *body)
{
    xg_op op = {
        XG_OP_CANCEL_SYMBOL, &f->btc, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, body, strlen(body)};

    f->n_reps = 0;
    return bybit_parse(f->inst, &op, &resp, sink, &f->res);
}

#define CANCEL_ALL(list, success)                                              \
    "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[" list             \
    "],\"success\":\"" success "\"},\"retExtInfo\":{},\"time\":1}"

static xg_err
sink_order_fail_second(void *ctx, const xg_order_report *rep)
{
    fixture *f = ctx;
    (void)rep;
    return ++f->n_reps == 2 ? XG_ERR_NOMEM : XG_OK;
}

/* Each order cancel-all names goes to the sink as CANCELED; one without
 * our kind of client id is not ours and is skipped. */
static void
test_cancel_all_reports_each_canceled_order(void **state)
{
    fixture *f = *state;
    xg_sink sink = {f, NULL, sink_order, NULL, NULL};
    xg_sink failing = {f, NULL, sink_order_fail_second, NULL, NULL};
    const char *body =
        CANCEL_ALL("{\"orderId\":\"111\",\"orderLinkId\":\"gw0001\"},"
                   "{\"orderId\":\"333\",\"orderLinkId\":\"\"},"
                   "{\"orderId\":\"222\",\"orderLinkId\":\"gw0002\"}",
                   "1");

    assert_int_equal(parse_cancel_all(f, &sink, body), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_reps, 2);
    assert_string_equal(f->reps[0].client_id, "gw0001");
    assert_string_equal(f->reps[0].venue_order_id, "111");
    assert_string_equal(f->reps[0].venue_symbol, "BTCUSDT");
    assert_int_equal(f->reps[0].status, XG_STATUS_CANCELED);
    assert_string_equal(f->reps[1].client_id, "gw0002");

    /* Nothing open: OK with no report. */
    assert_int_equal(parse_cancel_all(f, &sink, CANCEL_ALL("", "1")), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_reps, 0);

    /* The sink's refusal stops the parse and comes back. */
    assert_int_equal(parse_cancel_all(f, &failing, body), XG_ERR_NOMEM);
}

static void
test_cancel_all_failed_or_malformed_is_unknown(void **state)
{
    fixture *f = *state;
    xg_sink sink = {f, NULL, sink_order, NULL, NULL};
    const char *bad[] = {
        CANCEL_ALL("{\"orderId\":\"111\",\"orderLinkId\":\"gw0001\"},"
                   "{\"orderLinkId\":\"gw0002\"}",
                   "1"),
        CANCEL_ALL("{\"orderId\":111,\"orderLinkId\":\"gw0001\"}", "1"),
        CANCEL_ALL("7", "1"),
        CANCEL_ALL("", "yes"),
        "{\"retCode\":0,\"result\":{}}",
        "{\"retCode\":0,\"result\":{\"list\":[{\"orderId\":\"1\",",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_cancel_all(f, &sink, bad[i]), XG_OK);
        if (f->res.outcome != XG_OUTCOME_UNKNOWN ||
            f->res.err != XG_ERR_BAD_RESPONSE) {
            fail_msg("case %zu: outcome %d err %d", i, f->res.outcome,
                     f->res.err);
        }
        assert_int_equal(f->n_reps, 0);
    }
    /* success "0": the venue says it failed, not which orders went. */
    assert_int_equal(
        parse_cancel_all(
            f, &sink,
            CANCEL_ALL("{\"orderId\":\"1\",\"orderLinkId\":\"gw0001\"}", "0")),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(f->res.err, XG_ERR_UNKNOWN_STATUS);
    assert_int_equal(f->n_reps, 0);
}

typedef struct bal_seen {
    xg_balance b[8];
    size_t n;
    int fail_at; /* refuse this entry (1-based); 0: never */
} bal_seen;

static xg_err
sink_balance(void *ctx, const xg_balance *bal)
{
    bal_seen *s = ctx;
    if (s->n >= 8 || (int)s->n + 1 == s->fail_at) {
        return XG_ERR_NOMEM;
    }
    s->b[s->n++] = *bal;
    return XG_OK;
}

static xg_err
parse_balances(fixture *f, bal_seen *s, const char *body)
{
    xg_op op = {XG_OP_BALANCES, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, body, strlen(body)};
    xg_sink sink = {s, NULL, NULL, sink_balance, NULL};

    s->n = 0;
    return bybit_parse(f->inst, &op, &resp, &sink, &f->res);
}

#define WALLET(coins)                                                          \
    "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":[{"                 \
    "\"accountType\":\"UNIFIED\",\"totalEquity\":\"1\",\"coin\":[" coins       \
    "]}]},\"retExtInfo\":{},\"time\":1}"

static void
assert_decimal(xg_decimal d, const char *want)
{
    char buf[XG_DECIMAL_STR_MAX];
    assert_int_equal(xg_decimal_format(d, buf, sizeof(buf)), XG_OK);
    assert_string_equal(buf, want);
}

/* free = walletBalance - locked, never below zero. */
static void
test_balances_are_wallet_less_locked(void **state)
{
    fixture *f = *state;
    bal_seen s = {.fail_at = 0};

    assert_int_equal(
        parse_balances(
            f, &s,
            WALLET("{\"coin\":\"USDT\",\"walletBalance\":\"1000000\","
                   "\"locked\":\"330.50\",\"equity\":\"1000000\"},"
                   "{\"coin\":\"BTC\",\"walletBalance\":\"100.00000000\","
                   "\"locked\":\"\"},"
                   /* a borrowed coin, and a lock above the balance */
                   "{\"coin\":\"ETH\",\"walletBalance\":\"-2\","
                   "\"locked\":\"0\"},"
                   "{\"coin\":\"SOL\",\"walletBalance\":\"1\","
                   "\"locked\":\"3\"},"
                   /* a name too long to carry is skipped */
                   "{\"coin\":\"ABCDEFGHIJKLMNOPQRST\",\"walletBalance\":"
                   "\"1\",\"locked\":\"0\"}")),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.b[0].asset, "USDT");
    assert_decimal(s.b[0].free, "999669.5");
    assert_decimal(s.b[0].locked, "330.5");
    assert_string_equal(s.b[1].asset, "BTC");
    assert_decimal(s.b[1].free, "100");
    assert_decimal(s.b[1].locked, "0");
    assert_string_equal(s.b[2].asset, "ETH");
    assert_decimal(s.b[2].free, "0");
    assert_string_equal(s.b[3].asset, "SOL");
    assert_decimal(s.b[3].free, "0");
    assert_decimal(s.b[3].locked, "3");

    /* The sink's refusal stops the parse and comes back. */
    s.fail_at = 2;
    assert_int_equal(
        parse_balances(f, &s,
                       WALLET("{\"coin\":\"USDT\",\"walletBalance\":\"1\"},"
                              "{\"coin\":\"BTC\",\"walletBalance\":\"1\"}")),
        XG_ERR_NOMEM);
}

/* A hostile or unreadable amount refuses the whole answer: nothing is
 * reported, the read fails with BAD_RESPONSE and can be asked again. */
static void
test_hostile_balances_are_refused(void **state)
{
    fixture *f = *state;
    bal_seen s = {.fail_at = 0};
    const char *bad[] = {
        WALLET("{\"coin\":\"USDT\",\"walletBalance\":\"1\"},"
               "{\"coin\":\"BTC\",\"walletBalance\":\"1\",\"locked\":\"-1\"}"),
        WALLET("{\"coin\":\"USDT\",\"walletBalance\":\"1e9\"}"),
        WALLET("{\"coin\":\"USDT\",\"walletBalance\":1}"),
        WALLET("{\"coin\":\"USDT\"}"),
        WALLET("{\"coin\":\"\",\"walletBalance\":\"1\"}"),
        WALLET("{\"coin\":\"USDT\",\"walletBalance\":\"1\","
               "\"walletBalance\":\"9\"}"),
        WALLET("{\"coin\":\"USDT\",\"walletBalance\":"
               "\"99999999999999999999999\"}"),
        WALLET("7"),
        "{\"retCode\":0,\"result\":{\"list\":[{\"coin\":{}}]}}",
        "{\"retCode\":0,\"result\":{}}",
        "{\"retCode\":0,\"result\":{\"list\":[{\"coin\":[{\"coin\":\"US",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_balances(f, &s, bad[i]), XG_OK);
        if (f->res.outcome != XG_OUTCOME_REJECTED ||
            f->res.err != XG_ERR_BAD_RESPONSE) {
            fail_msg("case %zu: outcome %d err %d", i, f->res.outcome,
                     f->res.err);
        }
        assert_int_equal(s.n, 0);
    }
    /* A venue error on the read is the error table's. */
    assert_int_equal(
        parse_balances(f, &s, "{\"retCode\":10006,\"retMsg\":\"Too many\"}"),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_server_time_prefers_nanoseconds),
        T(test_instruments_map_filters_and_skip_odd_symbols),
        T(test_instrument_sink_error_stops_the_parse),
        T(test_resting_create_ack_is_new),
        T(test_taking_create_ack_asks_for_a_query),
        T(test_cancel_ack_is_canceled),
        T(test_amend_ack_is_ok_with_the_state_unsaid),
        T(test_ack_for_another_id_is_not_trusted),
        T(test_query_reports_fills),
        T(test_query_reports_price_and_quantity),
        T(test_query_reports_the_fee),
        T(test_query_status_names_map),
        T(test_query_of_unknown_id_is_order_not_found),
        T(test_open_orders_skip_foreign_entries),
        T(test_open_orders_with_a_cursor_are_a_cut_list),
        T(test_cut_page_hands_out_the_cursor_and_the_last_has_none),
        T(test_cursor_too_long_to_hand_back_leaves_the_list_only_cut),
        T(test_hostile_cursors_never_reach_next_cursor),
        T(test_error_answers_carry_no_cursor),
        T(test_open_orders_with_a_bad_entry_deliver_nothing),
        T(test_every_error_table_row),
        T(test_too_many_visits_waits_for_reset_timestamp),
        T(test_reset_timestamp_is_ignored_unless_over_the_limit),
        T(test_usage_reset_is_the_reset_timestamp_less_the_body_time),
        T(test_usage_reset_is_left_unset_unless_sane),
        T(test_ban_page_is_banned_and_kept_printable),
        T(test_hostile_bodies_never_settle_an_order),
        T(test_malformed_success_on_order_ops_is_unknown),
        T(test_venue_text_is_truncated_and_printable),
        T(test_repeated_ret_code_leaves_the_order_unknown),
        T(test_repeated_key_in_an_order_answer_is_refused),
        T(test_repeated_cursor_cuts_the_list),
        T(test_repeated_key_skips_only_that_instrument),
        T(test_repeated_time_leaves_usage_reset_unset),
        T(test_invalid_utf8_is_a_malformed_answer),
        T(test_deeply_nested_body_is_refused),
        T(test_token_array_is_kept_small),
        T(test_parse_refuses_bad_arguments),
        T(test_batch_new_reports_each_order_as_its_single_ack),
        T(test_batch_new_refuses_only_the_order_the_venue_refused),
        T(test_batch_orders_past_the_limit_are_rate_limited),
        T(test_batch_order_missing_from_the_answer_is_unknown),
        T(test_whole_batch_outcomes_leave_the_orders_results_alone),
        T(test_batch_cancel_reads_each_cancel_as_the_single_one),
        T(test_cancel_all_reports_each_canceled_order),
        T(test_cancel_all_failed_or_malformed_is_unknown),
        T(test_balances_are_wallet_less_locked),
        T(test_hostile_balances_are_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
