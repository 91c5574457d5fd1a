/*
 * test_okx_requests.c - what build() sends for each operation and order
 * type, what it charges the limiter, and what it refuses to send,
 * including the open-orders cursor ("after", an ordId) and its signature,
 * and the amend in place (new total size and price, by clOrdId), the
 * batches of places, cancels and amends (arrays of the single objects,
 * costed per order) and balances.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "okx.h"

#define NOW_MS 1700000000000LL

typedef struct fixture {
    void *inst;
    xg_http_request req;
    xg_instrument btc;
    xg_instrument eth;
    xg_order ord;
    xg_amend am; /* what AMEND_ORDER asks for */
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xg_adapter_config cfg = {"key", "secret", "pass", NULL, 0};
    char err[128];
    if (f == NULL ||
        xg_adapter_entry()->create(&cfg, &f->inst, err, sizeof(err)) != XG_OK) {
        free(f);
        return -1;
    }
    memcpy(f->btc.symbol, "BTC/USDT", 9);
    memcpy(f->btc.venue_symbol, "BTC-USDT", 9);
    f->btc.scope = 3;
    memcpy(f->eth.symbol, "ETH/USDT", 9);
    memcpy(f->eth.venue_symbol, "ETH-USDT", 9);
    f->eth.scope = 4;
    memcpy(f->ord.client_id, "gwABC1", 7);
    memcpy(f->ord.symbol, "BTC/USDT", 9);
    f->ord.side = XG_SIDE_SELL;
    f->ord.type = XG_TYPE_LIMIT;
    f->ord.tif = XG_TIF_GTC;
    f->ord.price = (xg_decimal){350000, 1};
    f->ord.qty = (xg_decimal){25, 3};
    f->am.price = (xg_decimal){351005, 1};
    f->am.qty = (xg_decimal){40, 3};
    f->am.filled_qty = (xg_decimal){1, 2};
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

static xg_err
build(fixture *f, xg_op_kind kind, const xg_instrument *ins, const char *id)
{
    xg_op op = {.kind = kind,
                .instrument = ins,
                .order = &f->ord,
                .client_id = id,
                .amend = kind == XG_OP_AMEND_ORDER ? &f->am : NULL};
    memset(&f->req, 0, sizeof(f->req));
    return xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req);
}

static void
assert_order_type(fixture *f, xg_tif tif, const char *want_body)
{
    f->ord.tif = tif;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gwABC1"), XG_OK);
    assert_string_equal(f->req.body, want_body);
}

static void
test_limit_time_in_force_maps_to_ord_type(void **state)
{
    fixture *f = *state;
    assert_order_type(
        f, XG_TIF_GTC,
        "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"sell\","
        "\"ordType\":\"limit\",\"px\":\"35000.0\",\"sz\":\"0.025\","
        "\"clOrdId\":\"gwABC1\"}");
    assert_order_type(
        f, XG_TIF_IOC,
        "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"sell\","
        "\"ordType\":\"ioc\",\"px\":\"35000.0\",\"sz\":\"0.025\","
        "\"clOrdId\":\"gwABC1\"}");
    assert_order_type(
        f, XG_TIF_FOK,
        "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"sell\","
        "\"ordType\":\"fok\",\"px\":\"35000.0\",\"sz\":\"0.025\","
        "\"clOrdId\":\"gwABC1\"}");
    assert_order_type(
        f, XG_TIF_POST_ONLY,
        "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"sell\","
        "\"ordType\":\"post_only\",\"px\":\"35000.0\",\"sz\":\"0.025\","
        "\"clOrdId\":\"gwABC1\"}");
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/api/v5/trade/order");
}

/* Market orders are sized in the base asset (tgtCcy=base_ccy), even for
 * buys, where OKX's default would be the quote. */
static void
test_market_order_is_sized_in_base(void **state)
{
    fixture *f = *state;
    f->ord.type = XG_TYPE_MARKET;
    f->ord.side = XG_SIDE_BUY;
    f->ord.tif = XG_TIF_IOC;
    f->ord.price = (xg_decimal){0, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gwABC1"), XG_OK);
    assert_string_equal(f->req.body,
                        "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":"
                        "\"buy\",\"ordType\":\"market\",\"sz\":\"0.025\","
                        "\"tgtCcy\":\"base_ccy\",\"clOrdId\":\"gwABC1\"}");
    f->ord.tif = XG_TIF_POST_ONLY;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gwABC1"),
                     XG_ERR_BAD_TIF);
}

static void
test_new_order_refuses_what_okx_cannot_take(void **state)
{
    fixture *f = *state;
    /* '-' and '_' are refused by OKX's clOrdId; so is a 33rd char. */
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw-1"),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw_1"),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(
        build(f, XG_OP_NEW_ORDER, &f->btc, "A23456789012345678901234567890123"),
        XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, NULL),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, NULL, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build(f, XG_OP_CANCEL_ORDER, NULL, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    f->ord.qty = (xg_decimal){0, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw1"), XG_ERR_BAD_QTY);
    f->ord.qty = (xg_decimal){1, 0};
    f->ord.price = (xg_decimal){-1, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw1"),
                     XG_ERR_BAD_PRICE);
    f->ord.price = (xg_decimal){1, 0};
    f->ord.side = (xg_side)9;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw1"),
                     XG_ERR_BAD_SIDE);
    f->ord.side = XG_SIDE_BUY;
    f->ord.type = (xg_order_type)9;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw1"),
                     XG_ERR_BAD_TYPE);
    f->ord.type = XG_TYPE_LIMIT;
    f->ord.tif = (xg_tif)9;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, &f->btc, "gw1"), XG_ERR_BAD_TIF);
    /* A venue symbol without NUL inside its buffer is not read past. */
    xg_instrument odd = f->btc;
    memset(odd.venue_symbol, 'A', sizeof(odd.venue_symbol));
    assert_int_equal(build(f, XG_OP_QUERY_ORDER, &odd, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    /* No venue time, no signature. */
    xg_op op = {
        XG_OP_QUERY_ORDER, &f->btc, NULL, "gw1", NULL, NULL, NULL, NULL};
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, 0, &f->req),
                     XG_ERR_INVALID);
    xg_op bad = {(xg_op_kind)42, &f->btc, NULL, "gw1", NULL, NULL, NULL, NULL};
    assert_int_equal(xg_adapter_entry()->build(f->inst, &bad, NOW_MS, &f->req),
                     XG_ERR_INVALID);
}

static void
test_targets_of_every_operation(void **state)
{
    fixture *f = *state;
    assert_int_equal(build(f, XG_OP_SERVER_TIME, NULL, NULL), XG_OK);
    assert_string_equal(f->req.target, "/api/v5/public/time");
    assert_false(f->req.is_signed);
    assert_int_equal(f->req.n_headers, 0);

    assert_int_equal(build(f, XG_OP_INSTRUMENTS, NULL, NULL), XG_OK);
    assert_string_equal(f->req.target,
                        "/api/v5/public/instruments?instType=SPOT");
    assert_false(f->req.is_signed);

    assert_int_equal(build(f, XG_OP_CANCEL_ORDER, &f->eth, "gw9"), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/api/v5/trade/cancel-order");
    assert_string_equal(f->req.body,
                        "{\"instId\":\"ETH-USDT\",\"clOrdId\":\"gw9\"}");

    assert_int_equal(build(f, XG_OP_QUERY_ORDER, &f->eth, "gw9"), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target,
                        "/api/v5/trade/order?instId=ETH-USDT&clOrdId=gw9");
    assert_int_equal(f->req.body_len, 0);

    assert_int_equal(build(f, XG_OP_OPEN_ORDERS, NULL, NULL), XG_OK);
    assert_string_equal(f->req.target,
                        "/api/v5/trade/orders-pending?instType=SPOT&limit=100");
    assert_true(f->req.is_signed);
    assert_int_equal(build(f, XG_OP_OPEN_ORDERS, &f->btc, NULL), XG_OK);
    assert_string_equal(
        f->req.target,
        "/api/v5/trade/orders-pending?instType=SPOT&instId=BTC-USDT&limit=100");
}

static const char *
header(const xg_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    return NULL;
}

static xg_err
build_page(fixture *f, const xg_instrument *ins, const char *cursor)
{
    xg_op op = {XG_OP_OPEN_ORDERS, ins, NULL, NULL, NULL, cursor, NULL, NULL};
    memset(&f->req, 0, sizeof(f->req));
    return xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req);
}

/* A next page is asked for "after" the cursor (an ordId), and the query
 * with it is what is signed: the signature is recomputed here with
 * OpenSSL over timestamp + GET + target, independently of sign.c. */
static void
test_open_orders_cursor_is_sent_as_after_and_signed(void **state)
{
    fixture *f = *state;
    static const char want[] = "/api/v5/trade/orders-pending?instType=SPOT"
                               "&instId=BTC-USDT&after=590908157585625111"
                               "&limit=100";
    static const char ts[] = "2023-11-14T22:13:20.000Z";
    char pre[512];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    char sig[64];

    assert_int_equal(build_page(f, &f->btc, "590908157585625111"), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target, want);
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_string_equal(header(&f->req, "OK-ACCESS-TIMESTAMP"), ts);
    snprintf(pre, sizeof(pre), "%sGET%s", ts, want);
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    assert_int_equal(mac_len, 32);
    EVP_EncodeBlock((unsigned char *)sig, mac, (int)mac_len);
    assert_string_equal(header(&f->req, "OK-ACCESS-SIGN"), sig);
    /* Still one unit of the pending bucket, like the first page. */
    assert_int_equal(f->req.n_costs, 1);
    assert_int_equal(f->req.costs[0].bucket, OKX_B_PENDING);

    /* All symbols: the cursor still follows instType. */
    assert_int_equal(build_page(f, NULL, "7"), XG_OK);
    assert_string_equal(
        f->req.target,
        "/api/v5/trade/orders-pending?instType=SPOT&after=7&limit=100");
}

/* The cursor is an ordId: anything but 1..127 digits is refused before a
 * request exists, so a corrupted cursor never reaches the venue or the
 * query string. */
static void
test_open_orders_refuses_a_cursor_that_is_not_an_ord_id(void **state)
{
    fixture *f = *state;
    static const char *const bad[] = {"",           "12a",  "-5", "1 2",
                                      "12&limit=1", "1%26", "+1", "1.5",
                                      "\x01",       "12\n"};
    char long_ok[XG_CURSOR_MAX];
    char too_long[XG_CURSOR_MAX + 8];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(build_page(f, &f->btc, bad[i]), XG_ERR_INVALID);
        assert_int_equal(f->req.target[0], '\0');
    }
    memset(long_ok, '9', sizeof(long_ok) - 1);
    long_ok[sizeof(long_ok) - 1] = '\0';
    assert_int_equal(build_page(f, &f->btc, long_ok), XG_OK);
    assert_non_null(strstr(f->req.target, long_ok));
    memset(too_long, '9', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    assert_int_equal(build_page(f, &f->btc, too_long), XG_ERR_INVALID);
    /* Exactly XG_CURSOR_MAX digits and no NUL within them: not read past
     * the bound (ASan would see it), refused. */
    char no_nul[XG_CURSOR_MAX];
    memset(no_nul, '1', sizeof(no_nul));
    xg_op op = {XG_OP_OPEN_ORDERS, &f->btc, NULL, NULL, NULL, NULL, NULL, NULL};
    op.cursor = no_nul;
    memset(&f->req, 0, sizeof(f->req));
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
    /* The unknown-symbol check still comes first. */
    xg_instrument odd = f->btc;
    odd.venue_symbol[0] = '\0';
    assert_int_equal(build_page(f, &odd, "12"), XG_ERR_UNKNOWN_SYMBOL);
}

/* An amend is POST /trade/amend-order naming the order by clOrdId, with
 * the new total size (filled part included, as OKX counts it: a total of
 * 0.040 of which 0.01 filled is sent as 0.040, not 0.030) and the new
 * price; the body sent is the one signed (recomputed here with
 * OpenSSL). */
static void
test_amend_sends_new_total_size_and_price_by_client_id(void **state)
{
    fixture *f = *state;
    static const char want[] =
        "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"gwABC1\",\"newSz\":"
        "\"0.040\",\"newPx\":\"35100.5\"}";
    static const char ts[] = "2023-11-14T22:13:20.000Z";
    char pre[512];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    char sig[64];

    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gwABC1"), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/api/v5/trade/amend-order");
    assert_string_equal(f->req.body, want);
    assert_int_equal(f->req.body_len, strlen(want));
    assert_true(f->req.is_signed);
    assert_string_equal(header(&f->req, "Content-Type"), "application/json");
    snprintf(pre, sizeof(pre), "%sPOST/api/v5/trade/amend-order%s", ts, want);
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    EVP_EncodeBlock((unsigned char *)sig, mac, (int)mac_len);
    assert_string_equal(header(&f->req, "OK-ACCESS-SIGN"), sig);

    /* Only the size or only the price moving: both are still sent, the
     * unchanged one as it stands. */
    f->am.price = f->ord.price;
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->eth, "gw9"), XG_OK);
    assert_string_equal(f->req.body,
                        "{\"instId\":\"ETH-USDT\",\"clOrdId\":\"gw9\","
                        "\"newSz\":\"0.040\",\"newPx\":\"35000.0\"}");
}

/* What an amend cannot say on OKX is refused before a request exists:
 * a cancel-replace (OKX amends in place only), a market order, a size or
 * price that is not positive, a client id OKX refuses, no instrument, no
 * amend at all. */
static void
test_amend_refuses_what_okx_cannot_take(void **state)
{
    fixture *f = *state;
    f->am.is_replace = 1;
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gw1"),
                     XG_ERR_UNSUPPORTED);
    f->am.is_replace = 0;
    f->ord.type = XG_TYPE_MARKET;
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gw1"),
                     XG_ERR_BAD_TYPE);
    f->ord.type = XG_TYPE_LIMIT;
    f->am.qty = (xg_decimal){0, 0};
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gw1"),
                     XG_ERR_BAD_QTY);
    f->am.qty = (xg_decimal){1, 0};
    f->am.price = (xg_decimal){-5, 1};
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gw1"),
                     XG_ERR_BAD_PRICE);
    f->am.price = (xg_decimal){1, 0};
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gw-1"),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, NULL, "gw1"),
                     XG_ERR_UNKNOWN_SYMBOL);
    xg_op op = {
        XG_OP_AMEND_ORDER, &f->btc, &f->ord, "gw1", NULL, NULL, NULL, NULL};
    memset(&f->req, 0, sizeof(f->req));
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
    op.amend = &f->am;
    op.order = NULL;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
    op.order = &f->ord;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, 0, &f->req),
                     XG_ERR_INVALID);
    assert_int_equal(build(f, XG_OP_AMEND_ORDER, &f->btc, "gw1"), XG_OK);
}

static void
assert_cost(fixture *f, xg_op_kind kind, const xg_instrument *ins,
            uint16_t bucket, uint32_t scope, xg_priority prio)
{
    assert_int_equal(build(f, kind, ins, "gw1"), XG_OK);
    assert_int_equal(f->req.n_costs, 1);
    assert_int_equal(f->req.costs[0].bucket, bucket);
    assert_int_equal(f->req.costs[0].scope, scope);
    assert_int_equal(f->req.costs[0].units, 1);
    assert_int_equal(f->req.priority, prio);
}

/* Place, cancel, query and amend are charged in the instrument's own
 * scope; each endpoint has its own bucket. An amend moves a quote: it
 * queues with new orders. */
static void
test_costs_charge_endpoint_bucket_in_instrument_scope(void **state)
{
    fixture *f = *state;
    assert_cost(f, XG_OP_SERVER_TIME, NULL, OKX_B_TIME, 0, XG_PRIO_QUERY);
    assert_cost(f, XG_OP_INSTRUMENTS, NULL, OKX_B_INSTRUMENTS, 0,
                XG_PRIO_QUERY);
    assert_cost(f, XG_OP_NEW_ORDER, &f->btc, OKX_B_PLACE, 3, XG_PRIO_NEW);
    assert_cost(f, XG_OP_NEW_ORDER, &f->eth, OKX_B_PLACE, 4, XG_PRIO_NEW);
    assert_cost(f, XG_OP_CANCEL_ORDER, &f->btc, OKX_B_CANCEL, 3,
                XG_PRIO_CANCEL);
    assert_cost(f, XG_OP_QUERY_ORDER, &f->eth, OKX_B_QUERY, 4, XG_PRIO_QUERY);
    assert_cost(f, XG_OP_OPEN_ORDERS, &f->btc, OKX_B_PENDING, 0, XG_PRIO_QUERY);
    assert_cost(f, XG_OP_AMEND_ORDER, &f->btc, OKX_B_AMEND, 3, XG_PRIO_NEW);
    assert_cost(f, XG_OP_AMEND_ORDER, &f->eth, OKX_B_AMEND, 4, XG_PRIO_NEW);
}

/* A batch of n orders on ins, the i-th under client id ids[i], all the
 * fixture's order (and, for a batch of amends, the fixture's amend). */
static xg_err
build_batch(fixture *f, xg_op_kind kind, const xg_instrument *ins,
            const char *const *ids, size_t n)
{
    xg_batch_item items[XG_BATCH_MAX + 2];
    xg_result results[XG_BATCH_MAX + 2];
    xg_batch b = {items, n, results};
    xg_op op = {kind, ins, NULL, NULL, NULL, NULL, NULL, &b};
    for (size_t i = 0; i < n && i < XG_BATCH_MAX + 2; i++) {
        items[i].order = &f->ord;
        items[i].client_id = ids[i];
        items[i].amend = kind == XG_OP_BATCH_AMEND ? &f->am : NULL;
    }
    memset(&f->req, 0, sizeof(f->req));
    return xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req);
}

static void
assert_one_cost(const xg_http_request *req, uint16_t bucket, uint32_t scope,
                uint32_t units, xg_priority prio)
{
    assert_int_equal(req->n_costs, 1);
    assert_int_equal(req->costs[0].bucket, bucket);
    assert_int_equal(req->costs[0].scope, scope);
    assert_int_equal(req->costs[0].units, units);
    assert_int_equal(req->priority, prio);
}

/* POST /trade/batch-orders: a JSON array of the single place's objects,
 * in order, signed as sent; n orders cost n units of the batch bucket in
 * the instrument's scope, and a batch of one order one unit of the
 * single place's bucket ("it will consume the rate limit of Place
 * order"). */
static void
test_batch_new_sends_place_objects_and_costs_per_order(void **state)
{
    fixture *f = *state;
    static const char *const ids[] = {"gw0001", "gw0002"};
    static const char want[] =
        "[{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"sell\","
        "\"ordType\":\"limit\",\"px\":\"35000.0\",\"sz\":\"0.025\","
        "\"clOrdId\":\"gw0001\"},"
        "{\"instId\":\"BTC-USDT\",\"tdMode\":\"cash\",\"side\":\"sell\","
        "\"ordType\":\"limit\",\"px\":\"35000.0\",\"sz\":\"0.025\","
        "\"clOrdId\":\"gw0002\"}]";
    static const char ts[] = "2023-11-14T22:13:20.000Z";
    char pre[1024];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    char sig[64];

    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 2), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/api/v5/trade/batch-orders");
    assert_string_equal(f->req.body, want);
    assert_int_equal(f->req.body_len, strlen(want));
    assert_true(f->req.is_signed);
    assert_string_equal(header(&f->req, "Content-Type"), "application/json");
    snprintf(pre, sizeof(pre), "%sPOST/api/v5/trade/batch-orders%s", ts, want);
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    EVP_EncodeBlock((unsigned char *)sig, mac, (int)mac_len);
    assert_string_equal(header(&f->req, "OK-ACCESS-SIGN"), sig);
    assert_one_cost(&f->req, OKX_B_BATCH_PLACE, 3, 2, XG_PRIO_NEW);

    /* One order: the single place's bucket, one unit. */
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->eth, ids, 1), XG_OK);
    assert_one_cost(&f->req, OKX_B_PLACE, 4, 1, XG_PRIO_NEW);
    assert_non_null(strstr(f->req.body, "[{\"instId\":\"ETH-USDT\""));

    /* Twenty orders (OKX's most) fit in one body and cost 20. */
    const char *many[XG_BATCH_MAX];
    char names[XG_BATCH_MAX][16];
    for (size_t i = 0; i < XG_BATCH_MAX; i++) {
        snprintf(names[i], sizeof(names[i]), "gwBatch%02zu", i);
        many[i] = names[i];
    }
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, many, 20), XG_OK);
    assert_one_cost(&f->req, OKX_B_BATCH_PLACE, 3, 20, XG_PRIO_NEW);
    assert_non_null(strstr(f->req.body, "\"clOrdId\":\"gwBatch19\"}]"));
}

/* POST /trade/cancel-batch-orders: an array of {instId, clOrdId}, n
 * units of the cancel batch's bucket at cancel priority; one order is
 * one unit of the single cancel's bucket. */
static void
test_batch_cancel_sends_client_ids_and_costs_per_order(void **state)
{
    fixture *f = *state;
    static const char *const ids[] = {"gw0001", "gw0002", "gw0003"};

    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, &f->eth, ids, 3),
                     XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/api/v5/trade/cancel-batch-orders");
    assert_string_equal(f->req.body,
                        "[{\"instId\":\"ETH-USDT\",\"clOrdId\":\"gw0001\"},"
                        "{\"instId\":\"ETH-USDT\",\"clOrdId\":\"gw0002\"},"
                        "{\"instId\":\"ETH-USDT\",\"clOrdId\":\"gw0003\"}]");
    assert_one_cost(&f->req, OKX_B_BATCH_CANCEL, 4, 3, XG_PRIO_CANCEL);
    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, &f->btc, ids, 1),
                     XG_OK);
    assert_string_equal(f->req.body,
                        "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"gw0001\"}]");
    assert_one_cost(&f->req, OKX_B_CANCEL, 3, 1, XG_PRIO_CANCEL);
}

/* What a batch cannot say on OKX is refused before a request exists: no
 * order or more than 20, a client id OKX refuses in any item, an item
 * without its order, an order the single place refuses, no instrument,
 * no batch at all. */
static void
test_batch_refuses_what_okx_cannot_take(void **state)
{
    fixture *f = *state;
    const char *ids[XG_BATCH_MAX + 1];
    for (size_t i = 0; i < XG_BATCH_MAX + 1; i++) {
        ids[i] = "gw1";
    }
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 0),
                     XG_ERR_INVALID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 21),
                     XG_ERR_INVALID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, &f->btc, ids, 21),
                     XG_ERR_INVALID);
    ids[1] = "gw-2";
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 2),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, &f->btc, ids, 2),
                     XG_ERR_BAD_CLIENT_ID);
    ids[1] = NULL;
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 2),
                     XG_ERR_BAD_CLIENT_ID);
    ids[1] = "gw2";
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, NULL, ids, 2),
                     XG_ERR_UNKNOWN_SYMBOL);
    f->ord.qty = (xg_decimal){0, 0};
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 2),
                     XG_ERR_BAD_QTY);
    f->ord.qty = (xg_decimal){1, 0};
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, &f->btc, ids, 2), XG_OK);

    xg_batch_item items[2] = {{&f->ord, "gw1", NULL}, {NULL, "gw2", NULL}};
    xg_result results[2];
    xg_batch b = {items, 2, results};
    xg_op op = {XG_OP_BATCH_NEW, &f->btc, NULL, NULL, NULL, NULL, NULL, &b};
    memset(&f->req, 0, sizeof(f->req));
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
    op.batch = NULL;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
}

/* POST /trade/amend-batch-orders: an array of the single amend's objects
 * (by clOrdId, new total size, new price), signed as sent; n orders cost
 * n units of the amend batch's own bucket in the instrument's scope, at
 * the priority of new orders, and a batch of one order one unit of the
 * single amend's bucket ("it will consume the rate limit of Amend
 * order"). */
static void
test_batch_amend_sends_amend_objects_and_costs_per_order(void **state)
{
    fixture *f = *state;
    static const char *const ids[] = {"gw0001", "gw0002"};
    static const char want[] =
        "[{\"instId\":\"BTC-USDT\",\"clOrdId\":\"gw0001\","
        "\"newSz\":\"0.040\",\"newPx\":\"35100.5\"},"
        "{\"instId\":\"BTC-USDT\",\"clOrdId\":\"gw0002\","
        "\"newSz\":\"0.040\",\"newPx\":\"35100.5\"}]";
    static const char ts[] = "2023-11-14T22:13:20.000Z";
    char pre[1024];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    char sig[64];

    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/api/v5/trade/amend-batch-orders");
    assert_string_equal(f->req.body, want);
    assert_int_equal(f->req.body_len, strlen(want));
    assert_true(f->req.is_signed);
    assert_string_equal(header(&f->req, "Content-Type"), "application/json");
    snprintf(pre, sizeof(pre), "%sPOST/api/v5/trade/amend-batch-orders%s", ts,
             want);
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    EVP_EncodeBlock((unsigned char *)sig, mac, (int)mac_len);
    assert_string_equal(header(&f->req, "OK-ACCESS-SIGN"), sig);
    assert_one_cost(&f->req, OKX_B_BATCH_AMEND, 3, 2, XG_PRIO_NEW);

    /* One order: the single amend's bucket, one unit. */
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->eth, ids, 1), XG_OK);
    assert_string_equal(f->req.body,
                        "[{\"instId\":\"ETH-USDT\",\"clOrdId\":\"gw0001\","
                        "\"newSz\":\"0.040\",\"newPx\":\"35100.5\"}]");
    assert_one_cost(&f->req, OKX_B_AMEND, 4, 1, XG_PRIO_NEW);

    /* Twenty orders (OKX's most) fit in one body and cost 20. */
    const char *many[XG_BATCH_MAX];
    char names[XG_BATCH_MAX][16];
    for (size_t i = 0; i < XG_BATCH_MAX; i++) {
        snprintf(names[i], sizeof(names[i]), "gwAmend%02zu", i);
        many[i] = names[i];
    }
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, many, 20),
                     XG_OK);
    assert_one_cost(&f->req, OKX_B_BATCH_AMEND, 3, 20, XG_PRIO_NEW);
    assert_non_null(strstr(f->req.body, "\"clOrdId\":\"gwAmend19\""));
    assert_int_equal(xg_adapter_entry()->caps.batch_amend_max, 20u);
}

/* What the single amend refuses, a batch of amends refuses before a
 * request exists, whichever item says it: a cancel-replace, a market
 * order, a size or price that is not positive, an item without its
 * amend or its order; and what any batch refuses: no order or more than
 * 20, a client id OKX refuses, no instrument. */
static void
test_batch_amend_refuses_what_the_single_amend_refuses(void **state)
{
    fixture *f = *state;
    const char *ids[XG_BATCH_MAX + 1];
    for (size_t i = 0; i < XG_BATCH_MAX + 1; i++) {
        ids[i] = "gw1";
    }
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 0),
                     XG_ERR_INVALID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 21),
                     XG_ERR_INVALID);
    f->am.is_replace = 1;
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2),
                     XG_ERR_UNSUPPORTED);
    f->am.is_replace = 0;
    f->ord.type = XG_TYPE_MARKET;
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2),
                     XG_ERR_BAD_TYPE);
    f->ord.type = XG_TYPE_LIMIT;
    f->am.qty = (xg_decimal){0, 0};
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2),
                     XG_ERR_BAD_QTY);
    f->am.qty = (xg_decimal){1, 0};
    f->am.price = (xg_decimal){-5, 1};
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2),
                     XG_ERR_BAD_PRICE);
    f->am.price = (xg_decimal){1, 0};
    ids[1] = "gw-2";
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2),
                     XG_ERR_BAD_CLIENT_ID);
    ids[1] = NULL;
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2),
                     XG_ERR_BAD_CLIENT_ID);
    ids[1] = "gw2";
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, NULL, ids, 2),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build_batch(f, XG_OP_BATCH_AMEND, &f->btc, ids, 2), XG_OK);

    /* The second item without its amend, then without its order. */
    xg_batch_item items[2] = {{&f->ord, "gw1", &f->am}, {&f->ord, "gw2", NULL}};
    xg_result results[2];
    xg_batch b = {items, 2, results};
    xg_op op = {XG_OP_BATCH_AMEND, &f->btc, NULL, NULL, NULL, NULL, NULL, &b};
    memset(&f->req, 0, sizeof(f->req));
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
    items[1].amend = &f->am;
    items[1].order = NULL;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
    items[1].order = &f->ord;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, 0, &f->req),
                     XG_ERR_INVALID);
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_OK);
    op.batch = NULL;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_INVALID);
}

/* Balances: a signed GET of every asset, one unit of the balance bucket
 * (10 per 2 s per user, no instrument scope), queued with the reads. OKX
 * spot has no mass cancel: CANCEL_SYMBOL is unsupported. */
static void
test_balances_and_no_cancel_symbol(void **state)
{
    fixture *f = *state;
    assert_int_equal(build(f, XG_OP_BALANCES, NULL, NULL), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target, "/api/v5/account/balance");
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_non_null(header(&f->req, "OK-ACCESS-SIGN"));
    assert_one_cost(&f->req, OKX_B_BALANCE, 0, 1, XG_PRIO_QUERY);

    assert_int_equal(build(f, XG_OP_CANCEL_SYMBOL, &f->btc, NULL),
                     XG_ERR_UNSUPPORTED);
    assert_int_equal(xg_adapter_entry()->caps.cancel_symbol, 0u);
    assert_int_equal(xg_adapter_entry()->caps.batch_new_max, 20u);
    assert_int_equal(xg_adapter_entry()->caps.batch_cancel_max, 20u);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_limit_time_in_force_maps_to_ord_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_market_order_is_sized_in_base,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_new_order_refuses_what_okx_cannot_take, setup, teardown),
        cmocka_unit_test_setup_teardown(test_targets_of_every_operation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_open_orders_cursor_is_sent_as_after_and_signed, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_open_orders_refuses_a_cursor_that_is_not_an_ord_id, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_costs_charge_endpoint_bucket_in_instrument_scope, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_amend_sends_new_total_size_and_price_by_client_id, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_amend_refuses_what_okx_cannot_take,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_batch_new_sends_place_objects_and_costs_per_order, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_batch_amend_sends_amend_objects_and_costs_per_order, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_batch_amend_refuses_what_the_single_amend_refuses, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_batch_cancel_sends_client_ids_and_costs_per_order, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_batch_refuses_what_okx_cannot_take,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_balances_and_no_cancel_symbol,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
