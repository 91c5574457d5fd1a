/*
 * test_binance_requests.c - what build() asks Binance for, and what each
 * request costs against the limiter's buckets.
 *
 * Requests are built through the entry table as the core does; signatures
 * are recomputed with the instance's HMAC to prove the request carries a
 * signature over exactly the bytes it sends.
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

#define NOW_MS 1700000000000LL

typedef struct fixture {
    binance *b;
    xg_instrument ins;
    xg_order order;
    xg_http_request *req;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xg_adapter_config cfg = {"apikey123", "secret456", NULL, NULL, 0};
    char err[128];
    void *inst = NULL;

    if (f == NULL) {
        return -1;
    }
    if (xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)) != XG_OK) {
        free(f);
        return -1;
    }
    f->b = inst;
    xg_strlcpy(f->ins.symbol, "BTC/USDT", sizeof(f->ins.symbol));
    xg_strlcpy(f->ins.venue_symbol, "BTCUSDT", sizeof(f->ins.venue_symbol));
    xg_strlcpy(f->order.client_id, "gw1", sizeof(f->order.client_id));
    xg_strlcpy(f->order.symbol, "BTC/USDT", sizeof(f->order.symbol));
    f->order.side = XG_SIDE_SELL;
    f->order.type = XG_TYPE_LIMIT;
    f->order.tif = XG_TIF_GTC;
    f->order.qty = (xg_decimal){25, 2};        /* 0.25 */
    f->order.price = (xg_decimal){4200000, 2}; /* 42000.00 */
    f->req = calloc(1, sizeof(*f->req));
    *state = f;
    return f->req == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    xg_adapter_entry()->destroy(f->b);
    free(f->req);
    free(f);
    return 0;
}

static xg_err
build(fixture *f, xg_op_kind kind, const xg_instrument *ins,
      const char *client_id)
{
    xg_op op = {kind, ins, &f->order, client_id, NULL, NULL, NULL, NULL};
    memset(f->req, 0, sizeof(*f->req));
    return xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req);
}

/* The signed string before "&signature=", from the body (POST, PUT) or
 * the query; checks that the signature is the HMAC of it. */
static const char *
signed_payload(fixture *f, char *buf, size_t cap)
{
    const char *src = strcmp(f->req->method, "POST") == 0 ||
                              strcmp(f->req->method, "PUT") == 0
                          ? f->req->body
                          : strchr(f->req->target, '?') + 1;
    const char *sig = strstr(src, "&signature=");
    char expect[XG_HEX_SHA256_LEN + 1];
    assert_non_null(sig);
    size_t n = (size_t)(sig - src);
    assert_true(n < cap);
    memcpy(buf, src, n);
    buf[n] = '\0';
    assert_int_equal(binance_signature(f->b, buf, n, expect), XG_OK);
    assert_string_equal(sig + strlen("&signature="), expect);
    return buf;
}

static int64_t
cost_of(const xg_http_request *req, uint16_t bucket)
{
    for (size_t i = 0; i < req->n_costs; i++) {
        if (req->costs[i].bucket == bucket) {
            assert_int_equal(req->costs[i].scope, 0);
            return req->costs[i].units;
        }
    }
    return 0;
}

static void
test_limit_order_sends_time_in_force(void **state)
{
    fixture *f = *state;
    char buf[1024];
    static const struct {
        xg_tif tif;
        const char *name;
    } tifs[] = {{XG_TIF_GTC, "GTC"}, {XG_TIF_IOC, "IOC"}, {XG_TIF_FOK, "FOK"}};

    for (size_t i = 0; i < 3; i++) {
        char expect[256];
        f->order.tif = tifs[i].tif;
        assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_OK);
        snprintf(expect, sizeof(expect),
                 "timestamp=1700000000000&symbol=BTCUSDT&side=SELL&type=LIMIT"
                 "&timeInForce=%s&quantity=0.25&price=42000.00"
                 "&newClientOrderId=gw1&recvWindow=5000",
                 tifs[i].name);
        assert_string_equal(signed_payload(f, buf, sizeof(buf)), expect);
        assert_string_equal(f->req->method, "POST");
        assert_string_equal(f->req->target, "/api/v3/order");
        assert_int_equal(f->req->is_signed, 1);
        assert_int_equal(f->req->priority, XG_PRIO_NEW);
    }
}

static void
test_post_only_becomes_limit_maker_without_time_in_force(void **state)
{
    fixture *f = *state;
    char buf[1024];
    f->order.tif = XG_TIF_POST_ONLY;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_OK);
    assert_string_equal(signed_payload(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT&side=SELL"
                        "&type=LIMIT_MAKER&quantity=0.25&price=42000.00"
                        "&newClientOrderId=gw1&recvWindow=5000");
}

static void
test_market_order_sends_quantity_only(void **state)
{
    fixture *f = *state;
    char buf[1024];
    f->order.type = XG_TYPE_MARKET;
    f->order.side = XG_SIDE_BUY;
    f->order.price = (xg_decimal){0, 0};
    f->order.tif = XG_TIF_IOC;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_OK);
    assert_string_equal(signed_payload(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT&side=BUY"
                        "&type=MARKET&quantity=0.25&newClientOrderId=gw1"
                        "&recvWindow=5000");
}

static void
test_new_order_refuses_what_binance_cannot_express(void **state)
{
    fixture *f = *state;
    xg_instrument nosym = f->ins;
    nosym.venue_symbol[0] = '\0';

    assert_int_equal(build(f, XG_OP_NEW_ORDER, NULL, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &nosym, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, NULL),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, ""),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "a/b"),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(
        build(f, XG_OP_NEW_ORDER, &f->ins, "123456789012345678901234567890123"),
        XG_ERR_BAD_CLIENT_ID);

    f->order.qty = (xg_decimal){0, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_ERR_BAD_QTY);
    f->order.qty = (xg_decimal){1, 0};
    f->order.price = (xg_decimal){-1, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"),
                     XG_ERR_BAD_PRICE);
    f->order.price = (xg_decimal){1, 0};
    f->order.tif = (xg_tif)99;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_ERR_BAD_TIF);
    f->order.tif = XG_TIF_POST_ONLY;
    f->order.type = XG_TYPE_MARKET;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_ERR_BAD_TIF);
    f->order.type = (xg_order_type)7;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"),
                     XG_ERR_BAD_TYPE);
    f->order.type = XG_TYPE_LIMIT;
    f->order.side = (xg_side)0;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"),
                     XG_ERR_BAD_SIDE);

    xg_op op = {XG_OP_NEW_ORDER, &f->ins, NULL, "gw1", NULL, NULL, NULL, NULL};
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req),
                     XG_ERR_INVALID);
    op.kind = (xg_op_kind)42;
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req),
                     XG_ERR_INVALID);
    op.kind = XG_OP_CANCEL_ORDER;
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, 0, f->req),
                     XG_ERR_INVALID);
}

static void
test_new_order_costs_weight_raw_and_orders(void **state)
{
    fixture *f = *state;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_OK);
    /* Defaults: 0 REQUEST_WEIGHT_1M, 1 RAW_REQUESTS_5M, 2 ORDERS_10S,
     * 3 ORDERS_1D. */
    assert_int_equal(f->req->n_costs, 4);
    assert_int_equal(cost_of(f->req, 0), 1);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(cost_of(f->req, 2), 1);
    assert_int_equal(cost_of(f->req, 3), 1);
}

static void
test_cancel_is_delete_by_orig_client_id_with_cancel_priority(void **state)
{
    fixture *f = *state;
    char buf[1024];
    assert_int_equal(build(f, XG_OP_CANCEL_ORDER, &f->ins, "gw1"), XG_OK);
    assert_string_equal(f->req->method, "DELETE");
    assert_int_equal(strncmp(f->req->target, "/api/v3/order?", 14), 0);
    assert_string_equal(signed_payload(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT"
                        "&origClientOrderId=gw1&recvWindow=5000");
    assert_int_equal(f->req->body_len, 0);
    assert_int_equal(f->req->priority, XG_PRIO_CANCEL);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(cost_of(f->req, 0), 1);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(cost_of(f->req, 2), 0);
    assert_int_equal(cost_of(f->req, 3), 0);
}

static void
test_query_is_get_by_orig_client_id_weight_4(void **state)
{
    fixture *f = *state;
    char buf[1024];
    assert_int_equal(build(f, XG_OP_QUERY_ORDER, &f->ins, "gw1"), XG_OK);
    assert_string_equal(f->req->method, "GET");
    assert_string_equal(signed_payload(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT"
                        "&origClientOrderId=gw1&recvWindow=5000");
    assert_int_equal(f->req->priority, XG_PRIO_QUERY);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(cost_of(f->req, 0), 4);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(build(f, XG_OP_QUERY_ORDER, NULL, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build(f, XG_OP_CANCEL_ORDER, &f->ins, "gw 1"),
                     XG_ERR_BAD_CLIENT_ID);
}

static void
test_open_orders_weight_depends_on_symbol(void **state)
{
    fixture *f = *state;
    char buf[1024];
    assert_int_equal(build(f, XG_OP_OPEN_ORDERS, &f->ins, NULL), XG_OK);
    assert_int_equal(strncmp(f->req->target, "/api/v3/openOrders?", 19), 0);
    assert_string_equal(
        signed_payload(f, buf, sizeof(buf)),
        "timestamp=1700000000000&symbol=BTCUSDT&recvWindow=5000");
    assert_int_equal(cost_of(f->req, 0), 6);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(f->req->priority, XG_PRIO_QUERY);

    assert_int_equal(build(f, XG_OP_OPEN_ORDERS, NULL, NULL), XG_OK);
    assert_string_equal(signed_payload(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&recvWindow=5000");
    assert_int_equal(cost_of(f->req, 0), 80);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(f->req->n_costs, 2);
}

static void
test_public_requests_are_unsigned(void **state)
{
    fixture *f = *state;
    assert_int_equal(build(f, XG_OP_SERVER_TIME, NULL, NULL), XG_OK);
    assert_string_equal(f->req->method, "GET");
    assert_string_equal(f->req->target, "/api/v3/time");
    assert_int_equal(f->req->is_signed, 0);
    assert_int_equal(f->req->n_headers, 0);
    assert_int_equal(f->req->body_len, 0);
    assert_int_equal(cost_of(f->req, 0), 1);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(f->req->priority, XG_PRIO_QUERY);

    assert_int_equal(build(f, XG_OP_INSTRUMENTS, NULL, NULL), XG_OK);
    assert_string_equal(f->req->target, "/api/v3/exchangeInfo");
    assert_int_equal(f->req->is_signed, 0);
    assert_int_equal(cost_of(f->req, 0), 20);
    assert_int_equal(cost_of(f->req, 1), 1);
}

static void
test_recv_window_option_is_sent(void **state)
{
    (void)state;
    xg_kv opt = {"recv_window_ms", "2500"};
    xg_adapter_config cfg = {"k", "s", NULL, &opt, 1};
    char err[128];
    void *inst = NULL;
    xg_instrument ins;
    xg_http_request *req = calloc(1, sizeof(*req));
    memset(&ins, 0, sizeof(ins));
    xg_strlcpy(ins.venue_symbol, "ETHBTC", sizeof(ins.venue_symbol));
    xg_op op = {XG_OP_QUERY_ORDER, &ins, NULL, "abc", NULL, NULL, NULL, NULL};

    assert_non_null(req);
    assert_int_equal(xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)),
                     XG_OK);
    assert_int_equal(xg_adapter_entry()->build(inst, &op, 5, req), XG_OK);
    assert_non_null(strstr(req->target,
                           "?timestamp=5&symbol=ETHBTC&origClientOrderId=abc"
                           "&recvWindow=2500&signature="));
    xg_adapter_entry()->destroy(inst);
    free(req);
}

/* After exchangeInfo the costs follow the venue's bucket list, in its
 * order, including several buckets of one type. */
static void
test_costs_follow_venue_buckets(void **state)
{
    fixture *f = *state;
    f->b->limits[0] =
        (binance_limit){BINANCE_LIMIT_ORDERS, 50, 10, 'S', 10000000000LL};
    f->b->limits[1] = (binance_limit){BINANCE_LIMIT_REQUEST_WEIGHT, 1200, 1,
                                      'M', 60000000000LL};
    f->b->limits[2] = (binance_limit){BINANCE_LIMIT_REQUEST_WEIGHT, 100, 1, 'S',
                                      1000000000LL};
    f->b->n_limits = 3;

    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->ins, "gw1"), XG_OK);
    assert_int_equal(f->req->n_costs, 3);
    assert_int_equal(cost_of(f->req, 0), 1);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(cost_of(f->req, 2), 1);
    assert_int_equal(build(f, XG_OP_QUERY_ORDER, &f->ins, "gw1"), XG_OK);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(cost_of(f->req, 0), 0);
    assert_int_equal(cost_of(f->req, 1), 4);
    assert_int_equal(cost_of(f->req, 2), 4);
}

/* An amend of f->order (sell 0.25 at 42000.00, client id gw1). */
static xg_err
build_amend(fixture *f, const xg_instrument *ins, const char *client_id,
            const xg_amend *amend)
{
    xg_op op = {
        XG_OP_AMEND_ORDER, ins, &f->order, client_id, NULL, NULL, amend, NULL};
    memset(f->req, 0, sizeof(*f->req));
    return xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req);
}

static const char *
header_of(const xg_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    return NULL;
}

/* keepPriority: the order by its client id, which it keeps, and its new
 * total quantity, in a signed form body; weight 4, no unfilled-order
 * count, queued with the new orders. */
static void
test_amend_keep_priority_is_put_keeping_the_client_id(void **state)
{
    fixture *f = *state;
    char buf[1024];
    xg_amend a = {f->order.price, {20, 2}, {5, 2}, 0, NULL};

    assert_int_equal(build_amend(f, &f->ins, "gw1", &a), XG_OK);
    assert_string_equal(f->req->method, "PUT");
    assert_string_equal(f->req->target, "/api/v3/order/amend/keepPriority");
    assert_string_equal(signed_payload(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT"
                        "&origClientOrderId=gw1&newClientOrderId=gw1"
                        "&newQty=0.20&recvWindow=5000");
    assert_string_equal(header_of(f->req, "Content-Type"),
                        "application/x-www-form-urlencoded");
    assert_string_equal(header_of(f->req, "X-MBX-APIKEY"), "apikey123");
    assert_int_equal(f->req->is_signed, 1);
    assert_int_equal(f->req->priority, XG_PRIO_NEW);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(cost_of(f->req, 0), 4);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(cost_of(f->req, 2), 0);
    assert_int_equal(cost_of(f->req, 3), 0);
}

/* cancelReplace: a new order for what is left (0.25 - 0.05), the old one
 * canceled first or not at all; weight 1 and one unfilled order. */
static void
test_amend_replace_is_cancel_replace_for_what_is_left(void **state)
{
    fixture *f = *state;
    char buf[1024];
    xg_amend a = {{4100000, 2}, {25, 2}, {5, 2}, 1, "gw2"};

    assert_int_equal(build_amend(f, &f->ins, "gw1", &a), XG_OK);
    assert_string_equal(f->req->method, "POST");
    assert_string_equal(f->req->target, "/api/v3/order/cancelReplace");
    assert_string_equal(
        signed_payload(f, buf, sizeof(buf)),
        "timestamp=1700000000000&symbol=BTCUSDT&side=SELL&type=LIMIT"
        "&timeInForce=GTC&quantity=0.20&price=41000.00"
        "&cancelReplaceMode=STOP_ON_FAILURE&cancelOrigClientOrderId=gw1"
        "&newClientOrderId=gw2&newOrderRespType=RESULT&recvWindow=5000");
    assert_int_equal(f->req->priority, XG_PRIO_NEW);
    assert_int_equal(f->req->n_costs, 4);
    assert_int_equal(cost_of(f->req, 0), 1);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(cost_of(f->req, 2), 1);
    assert_int_equal(cost_of(f->req, 3), 1);

    /* Post-only stays post-only: LIMIT_MAKER, without timeInForce. */
    f->order.tif = XG_TIF_POST_ONLY;
    a.filled_qty = (xg_decimal){0, 0};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &a), XG_OK);
    assert_string_equal(
        signed_payload(f, buf, sizeof(buf)),
        "timestamp=1700000000000&symbol=BTCUSDT&side=SELL&type=LIMIT_MAKER"
        "&quantity=0.25&price=41000.00&cancelReplaceMode=STOP_ON_FAILURE"
        "&cancelOrigClientOrderId=gw1&newClientOrderId=gw2"
        "&newOrderRespType=RESULT&recvWindow=5000");
}

static void
test_amend_refuses_what_binance_cannot_express(void **state)
{
    fixture *f = *state;
    xg_instrument nosym = f->ins;
    xg_amend keep = {f->order.price, {20, 2}, {0, 0}, 0, NULL};
    xg_amend repl = {{4100000, 2}, {25, 2}, {5, 2}, 1, "gw2"};
    nosym.venue_symbol[0] = '\0';

    assert_int_equal(build_amend(f, &f->ins, "gw1", NULL), XG_ERR_INVALID);
    assert_int_equal(build_amend(f, NULL, "gw1", &keep), XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build_amend(f, &nosym, "gw1", &repl),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build_amend(f, &f->ins, "gw 1", &keep),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build_amend(f, &f->ins, NULL, &repl),
                     XG_ERR_BAD_CLIENT_ID);
    keep.qty = (xg_decimal){0, 0};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &keep), XG_ERR_BAD_QTY);

    /* The replacement needs its own id, a price, and something left. */
    repl.new_client_id = NULL;
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl),
                     XG_ERR_BAD_CLIENT_ID);
    repl.new_client_id = "gw/2";
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl),
                     XG_ERR_BAD_CLIENT_ID);
    repl.new_client_id = "gw2";
    repl.filled_qty = (xg_decimal){25, 2};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_ERR_BAD_QTY);
    repl.filled_qty = (xg_decimal){3, 1};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_ERR_BAD_QTY);
    repl.filled_qty = (xg_decimal){-1, 2};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_ERR_BAD_QTY);
    repl.filled_qty = (xg_decimal){INT64_MIN, 0};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_ERR_BAD_QTY);
    repl.filled_qty = (xg_decimal){0, 0};
    repl.price = (xg_decimal){0, 0};
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_ERR_BAD_PRICE);
    repl.price = (xg_decimal){4100000, 2};
    f->order.type = XG_TYPE_MARKET;
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_ERR_BAD_TYPE);
    f->order.type = XG_TYPE_LIMIT;
    assert_int_equal(build_amend(f, &f->ins, "gw1", &repl), XG_OK);

    xg_op op = {
        XG_OP_AMEND_ORDER, &f->ins, NULL, "gw1", NULL, NULL, &repl, NULL};
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req),
                     XG_ERR_INVALID);
}

/* DELETE /api/v3/openOrders for the symbol: weight 1, nothing on the
 * unfilled-order count, queued with the cancels. */
static void
test_cancel_symbol_is_delete_open_orders_weight_1(void **state)
{
    fixture *f = *state;
    char buf[1024];
    xg_instrument nosym = f->ins;
    nosym.venue_symbol[0] = '\0';

    assert_int_equal(build(f, XG_OP_CANCEL_SYMBOL, &f->ins, NULL), XG_OK);
    assert_string_equal(f->req->method, "DELETE");
    assert_int_equal(strncmp(f->req->target, "/api/v3/openOrders?", 19), 0);
    assert_string_equal(
        signed_payload(f, buf, sizeof(buf)),
        "timestamp=1700000000000&symbol=BTCUSDT&recvWindow=5000");
    assert_int_equal(f->req->body_len, 0);
    assert_string_equal(header_of(f->req, "X-MBX-APIKEY"), "apikey123");
    assert_int_equal(f->req->is_signed, 1);
    assert_int_equal(f->req->priority, XG_PRIO_CANCEL);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(cost_of(f->req, 0), 1);
    assert_int_equal(cost_of(f->req, 1), 1);
    assert_int_equal(cost_of(f->req, 2), 0);
    assert_int_equal(cost_of(f->req, 3), 0);

    assert_int_equal(build(f, XG_OP_CANCEL_SYMBOL, NULL, NULL),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build(f, XG_OP_CANCEL_SYMBOL, &nosym, NULL),
                     XG_ERR_UNKNOWN_SYMBOL);
    xg_op op = {
        XG_OP_CANCEL_SYMBOL, &f->ins, NULL, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, 0, f->req),
                     XG_ERR_INVALID);
}

/* GET /api/v3/account with omitZeroBalances=true: weight 20, a read. */
static void
test_balances_is_get_account_weight_20(void **state)
{
    fixture *f = *state;
    char buf[1024];

    assert_int_equal(build(f, XG_OP_BALANCES, NULL, NULL), XG_OK);
    assert_string_equal(f->req->method, "GET");
    assert_int_equal(strncmp(f->req->target, "/api/v3/account?", 16), 0);
    assert_string_equal(
        signed_payload(f, buf, sizeof(buf)),
        "timestamp=1700000000000&omitZeroBalances=true&recvWindow=5000");
    assert_int_equal(f->req->body_len, 0);
    assert_int_equal(f->req->is_signed, 1);
    assert_int_equal(f->req->priority, XG_PRIO_QUERY);
    assert_int_equal(f->req->n_costs, 2);
    assert_int_equal(cost_of(f->req, 0), 20);
    assert_int_equal(cost_of(f->req, 1), 1);
}

/* Spot has no batch endpoint: nothing is built, nothing charged. */
static void
test_batches_are_unsupported(void **state)
{
    fixture *f = *state;
    xg_batch_item items[2] = {{&f->order, "gw1", NULL}, {&f->order, "gw2", NULL}};
    xg_result results[2];
    xg_batch batch = {items, 2, results};
    xg_op op = {XG_OP_BATCH_NEW, &f->ins, NULL, NULL, NULL, NULL, NULL, &batch};

    memset(f->req, 0, sizeof(*f->req));
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req),
                     XG_ERR_UNSUPPORTED);
    assert_int_equal(f->req->n_costs, 0);
    op.kind = XG_OP_BATCH_CANCEL;
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, NOW_MS, f->req),
                     XG_ERR_UNSUPPORTED);
    assert_int_equal(xg_adapter_entry()->caps.batch_new_max, 0);
    assert_int_equal(xg_adapter_entry()->caps.batch_cancel_max, 0);
    assert_int_equal(xg_adapter_entry()->caps.cancel_symbol, 1);
}

static void
test_op_weights_match_fact_sheet(void **state)
{
    (void)state;
    xg_instrument ins;
    memset(&ins, 0, sizeof(ins));
    xg_op op = {XG_OP_SERVER_TIME, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    assert_int_equal(binance_op_weight(&op), 1);
    op.kind = XG_OP_INSTRUMENTS;
    assert_int_equal(binance_op_weight(&op), 20);
    op.kind = XG_OP_NEW_ORDER;
    assert_int_equal(binance_op_weight(&op), 1);
    op.kind = XG_OP_CANCEL_ORDER;
    assert_int_equal(binance_op_weight(&op), 1);
    op.kind = XG_OP_QUERY_ORDER;
    assert_int_equal(binance_op_weight(&op), 4);
    op.kind = XG_OP_OPEN_ORDERS;
    assert_int_equal(binance_op_weight(&op), 80);
    op.instrument = &ins;
    assert_int_equal(binance_op_weight(&op), 6);
    xg_amend a = {{1, 0}, {1, 0}, {0, 0}, 0, NULL};
    op.kind = XG_OP_AMEND_ORDER;
    op.amend = &a;
    assert_int_equal(binance_op_weight(&op), 4);
    a.is_replace = 1;
    assert_int_equal(binance_op_weight(&op), 1);
    op.amend = NULL;
    op.kind = XG_OP_CANCEL_SYMBOL;
    assert_int_equal(binance_op_weight(&op), 1);
    op.kind = XG_OP_BALANCES;
    op.instrument = NULL;
    assert_int_equal(binance_op_weight(&op), 20);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_limit_order_sends_time_in_force,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_post_only_becomes_limit_maker_without_time_in_force, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_market_order_sends_quantity_only,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_new_order_refuses_what_binance_cannot_express, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_new_order_costs_weight_raw_and_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cancel_is_delete_by_orig_client_id_with_cancel_priority, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_query_is_get_by_orig_client_id_weight_4, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_open_orders_weight_depends_on_symbol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_requests_are_unsigned,
                                        setup, teardown),
        cmocka_unit_test(test_recv_window_option_is_sent),
        cmocka_unit_test_setup_teardown(test_costs_follow_venue_buckets, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_amend_keep_priority_is_put_keeping_the_client_id, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_amend_replace_is_cancel_replace_for_what_is_left, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_amend_refuses_what_binance_cannot_express, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cancel_symbol_is_delete_open_orders_weight_1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balances_is_get_account_weight_20,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_are_unsupported, setup,
                                        teardown),
        cmocka_unit_test(test_op_weights_match_fact_sheet),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
