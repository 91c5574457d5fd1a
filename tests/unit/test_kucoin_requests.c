/*
 * test_kucoin_requests.c - build() for every operation: endpoint, query,
 * JSON body per order type and time in force, the amend's Modify Order
 * with its cost and priority, the batch of new orders, the mass cancel and
 * the balances with their pools and weights, the private stream's token,
 * signing headers, and the refusals (bad client ids, symbols, orders,
 * amends, batches) that must never reach the venue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kucoin.h"
#include "xgate/adapter_util.h"

#define NOW 1700000000000LL

static kucoin *
make(void)
{
    xg_adapter_config cfg = {"key", "secret", "pass", NULL, 0};
    void *inst = NULL;
    assert_int_equal(kucoin_create(&cfg, &inst, NULL, 0), XG_OK);
    return inst;
}

static xg_instrument ins;

static xg_order
order(xg_side side, xg_order_type type, xg_tif tif, const char *qty,
      const char *price)
{
    xg_order o;
    memset(&o, 0, sizeof(o));
    o.side = side;
    o.type = type;
    o.tif = tif;
    assert_int_equal(xg_decimal_parse(qty, strlen(qty), &o.qty), XG_OK);
    if (price != NULL) {
        assert_int_equal(xg_decimal_parse(price, strlen(price), &o.price),
                         XG_OK);
    }
    return o;
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
build(kucoin *k, xg_op_kind kind, const xg_order *o, const char *cid,
      xg_http_request *req)
{
    xg_op op = {kind, &ins, o, cid, NULL, NULL, NULL, NULL};
    memset(req, 0, sizeof(*req));
    return kucoin_build(k, &op, NOW, req);
}

static void
test_public_requests_are_unsigned_gets(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    assert_int_equal(build(k, XG_OP_SERVER_TIME, NULL, NULL, &req), XG_OK);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.target, "/api/v1/timestamp");
    assert_false(req.is_signed);
    assert_int_equal(req.n_headers, 0);
    assert_int_equal(build(k, XG_OP_INSTRUMENTS, NULL, NULL, &req), XG_OK);
    assert_string_equal(req.target, "/api/v2/symbols");
    kucoin_destroy(k);
}

static void
test_order_bodies_per_type_and_tif(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    static const struct {
        xg_side side;
        xg_order_type type;
        xg_tif tif;
        const char *price;
        const char *body;
    } cases[] = {
        {XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_IOC, "35000",
         "{\"clientOid\":\"abc1\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
         "\"type\":\"limit\",\"price\":\"35000\",\"size\":\"0.5\","
         "\"timeInForce\":\"IOC\"}"},
        {XG_SIDE_SELL, XG_TYPE_LIMIT, XG_TIF_FOK, "0.01",
         "{\"clientOid\":\"abc1\",\"side\":\"sell\",\"symbol\":\"BTC-USDT\","
         "\"type\":\"limit\",\"price\":\"0.01\",\"size\":\"0.5\","
         "\"timeInForce\":\"FOK\"}"},
        {XG_SIDE_SELL, XG_TYPE_LIMIT, XG_TIF_POST_ONLY, "36000.1",
         "{\"clientOid\":\"abc1\",\"side\":\"sell\",\"symbol\":\"BTC-USDT\","
         "\"type\":\"limit\",\"price\":\"36000.1\",\"size\":\"0.5\","
         "\"timeInForce\":\"GTC\",\"postOnly\":true}"},
        {XG_SIDE_BUY, XG_TYPE_MARKET, XG_TIF_IOC, NULL,
         "{\"clientOid\":\"abc1\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
         "\"type\":\"market\",\"size\":\"0.5\"}"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xg_order o = order(cases[i].side, cases[i].type, cases[i].tif, "0.5",
                           cases[i].price);
        assert_int_equal(build(k, XG_OP_NEW_ORDER, &o, "abc1", &req), XG_OK);
        assert_string_equal(req.method, "POST");
        assert_string_equal(req.target, "/api/v1/hf/orders");
        assert_string_equal(req.body, cases[i].body);
        assert_int_equal(req.body_len, strlen(cases[i].body));
        assert_string_equal(header(&req, "Content-Type"), "application/json");
        assert_string_equal(header(&req, "KC-API-TIMESTAMP"), "1700000000000");
        assert_string_equal(header(&req, "KC-API-KEY-VERSION"), "2");
        assert_non_null(header(&req, "KC-API-SIGN"));
        assert_true(req.is_signed);
    }
    kucoin_destroy(k);
}

static void
test_cancel_query_and_open_orders_targets(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    assert_int_equal(build(k, XG_OP_CANCEL_ORDER, NULL, "Ab9", &req), XG_OK);
    assert_string_equal(req.method, "DELETE");
    assert_string_equal(req.target,
                        "/api/v1/hf/orders/client-order/Ab9?symbol=BTC-USDT");
    assert_int_equal(req.body_len, 0);
    assert_null(header(&req, "Content-Type"));
    assert_int_equal(build(k, XG_OP_QUERY_ORDER, NULL, "Ab9", &req), XG_OK);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.target,
                        "/api/v1/hf/orders/client-order/Ab9?symbol=BTC-USDT");
    assert_int_equal(build(k, XG_OP_OPEN_ORDERS, NULL, NULL, &req), XG_OK);
    assert_string_equal(req.target, "/api/v1/hf/orders/active?symbol=BTC-USDT");
    kucoin_destroy(k);
}

static void
test_build_refuses_what_the_venue_would_misread(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    xg_order o = order(XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_GTC, "1", "2");

    /* Client ids that would change the path or the signed query. */
    assert_int_equal(build(k, XG_OP_CANCEL_ORDER, NULL, "a/b", &req),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(k, XG_OP_QUERY_ORDER, NULL, "a?b", &req),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &o, "", &req),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &o, NULL, &req),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &o,
                           "123456789012345678901234567890123", &req),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(k, XG_OP_NEW_ORDER, NULL, "a", &req),
                     XG_ERR_INVALID);

    xg_order bad = o;
    bad.side = (xg_side)7;
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &bad, "a", &req),
                     XG_ERR_BAD_SIDE);
    bad = o;
    bad.type = (xg_order_type)7;
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &bad, "a", &req),
                     XG_ERR_BAD_TYPE);
    bad = o;
    bad.tif = (xg_tif)9;
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &bad, "a", &req),
                     XG_ERR_BAD_TIF);
    bad = o;
    bad.qty.units = 0;
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &bad, "a", &req),
                     XG_ERR_BAD_QTY);
    bad = o;
    bad.price.units = -1;
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &bad, "a", &req),
                     XG_ERR_BAD_PRICE);
    bad = order(XG_SIDE_BUY, XG_TYPE_MARKET, XG_TIF_POST_ONLY, "1", NULL);
    assert_int_equal(build(k, XG_OP_NEW_ORDER, &bad, "a", &req),
                     XG_ERR_BAD_TIF);

    /* Symbols: none, or one that would need encoding. */
    xg_op op = {XG_OP_OPEN_ORDERS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    memset(&req, 0, sizeof(req));
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_ERR_UNKNOWN_SYMBOL);
    xg_instrument odd = ins;
    memcpy(odd.venue_symbol, "BTC&x=1", 8);
    op.instrument = &odd;
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_ERR_UNKNOWN_SYMBOL);
    op.instrument = &ins;
    assert_int_equal(kucoin_build(k, &op, 0, &req), XG_ERR_INVALID);
    op.kind = (xg_op_kind)42;
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_ERR_INVALID);
    assert_int_equal(kucoin_build(NULL, &op, NOW, &req), XG_ERR_INVALID);
    kucoin_destroy(k);
}

static xg_amend
amend_to(const char *price, const char *qty)
{
    xg_amend a;
    memset(&a, 0, sizeof(a));
    assert_int_equal(xg_decimal_parse(price, strlen(price), &a.price), XG_OK);
    assert_int_equal(xg_decimal_parse(qty, strlen(qty), &a.qty), XG_OK);
    a.is_replace = 1;
    return a;
}

static xg_err
build_amend(kucoin *k, const xg_order *o, const char *cid, const xg_amend *a,
            xg_http_request *req)
{
    xg_op op = {XG_OP_AMEND_ORDER, &ins, o, cid, NULL, NULL, a, NULL};
    memset(req, 0, sizeof(*req));
    return kucoin_build(k, &op, NOW, req);
}

/* An amend is KuCoin's Modify Order: a signed POST of symbol, clientOid,
 * the new price and the new total size (what filled included, not what
 * is left), weight 1 in the Spot pool, ranked with new orders. */
static void
test_amend_is_a_modify_order_post(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    char prehash[256];
    xg_http_request again;
    char sig[XG_B64_SHA256_LEN + 1];
    xg_order o =
        order(XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_GTC, "0.002", "35000");
    xg_amend a = amend_to("35000.5", "0.003");
    const char *want = "{\"symbol\":\"BTC-USDT\",\"clientOid\":\"Ab9\","
                       "\"newPrice\":\"35000.5\",\"newSize\":\"0.003\"}";

    assert_int_equal(xg_decimal_parse("0.001", 5, &a.filled_qty), XG_OK);
    assert_int_equal(build_amend(k, &o, "Ab9", &a, &req), XG_OK);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.target, "/api/v1/hf/orders/alter");
    assert_string_equal(req.body, want);
    assert_int_equal(req.body_len, strlen(want));
    assert_string_equal(header(&req, "Content-Type"), "application/json");
    assert_string_equal(header(&req, "KC-API-TIMESTAMP"), "1700000000000");
    assert_true(req.is_signed);
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(req.costs[0].units, 1);
    assert_int_equal(req.priority, XG_PRIO_NEW);

    /* Signed over exactly that path and body. */
    memset(&again, 0, sizeof(again));
    assert_int_equal(kucoin_finish_signed(k, "POST", "/api/v1/hf/orders/alter",
                                          "", want, strlen(want), NOW, &again,
                                          prehash, sizeof(prehash), sig),
                     XG_OK);
    assert_string_equal(sig, header(&req, "KC-API-SIGN"));
    assert_true(
        strncmp(prehash, "1700000000000POST/api/v1/hf/orders/alter{", 41) == 0);

    /* A post-only sell moved to a smaller size: the same shape. */
    o = order(XG_SIDE_SELL, XG_TYPE_LIMIT, XG_TIF_POST_ONLY, "2", "0.01");
    a = amend_to("0.01", "1.5");
    assert_int_equal(build_amend(k, &o, "q_1-x", &a, &req), XG_OK);
    assert_string_equal(req.body, "{\"symbol\":\"BTC-USDT\",\"clientOid\":"
                                  "\"q_1-x\",\"newPrice\":\"0.01\","
                                  "\"newSize\":\"1.5\"}");
    kucoin_destroy(k);
}

static void
test_amend_refuses_what_kucoin_cannot_do(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    xg_order o = order(XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_GTC, "1", "2");
    xg_amend a = amend_to("3", "1");
    xg_amend bad = a;

    /* No amend in place, and the replacement keeps the clientOid. */
    bad.is_replace = 0;
    assert_int_equal(build_amend(k, &o, "a1", &bad, &req), XG_ERR_UNSUPPORTED);
    bad = a;
    bad.new_client_id = "b2";
    assert_int_equal(build_amend(k, &o, "a1", &bad, &req), XG_ERR_UNSUPPORTED);
    /* What to change, and the order, must be given. */
    assert_int_equal(build_amend(k, &o, "a1", NULL, &req), XG_ERR_INVALID);
    assert_int_equal(build_amend(k, NULL, "a1", &a, &req), XG_ERR_INVALID);
    assert_int_equal(build_amend(k, &o, "a/1", &a, &req), XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build_amend(k, &o, NULL, &a, &req), XG_ERR_BAD_CLIENT_ID);
    /* Only a limit order rests; price and size must be positive. */
    xg_order market = order(XG_SIDE_BUY, XG_TYPE_MARKET, XG_TIF_IOC, "1", NULL);
    assert_int_equal(build_amend(k, &market, "a1", &a, &req), XG_ERR_BAD_TYPE);
    bad = a;
    bad.price.units = 0;
    assert_int_equal(build_amend(k, &o, "a1", &bad, &req), XG_ERR_BAD_PRICE);
    bad = a;
    bad.qty.units = -1;
    assert_int_equal(build_amend(k, &o, "a1", &bad, &req), XG_ERR_BAD_QTY);
    /* The HF paths all want the symbol. */
    xg_op op = {XG_OP_AMEND_ORDER, NULL, &o, "a1", NULL, NULL, &a, NULL};
    memset(&req, 0, sizeof(req));
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_ERR_UNKNOWN_SYMBOL);
    kucoin_destroy(k);
}

/* The signature covers exactly the target and body that are sent. */
static void
test_signature_covers_target_and_body(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    xg_http_request again;
    char prehash[256];
    char sig[XG_B64_SHA256_LEN + 1];
    xg_order o = order(XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_GTC, "1", "2");

    assert_int_equal(build(k, XG_OP_NEW_ORDER, &o, "a1", &req), XG_OK);
    memset(&again, 0, sizeof(again));
    assert_int_equal(kucoin_finish_signed(k, "POST", "/api/v1/hf/orders", "",
                                          req.body, req.body_len, NOW, &again,
                                          prehash, sizeof(prehash), sig),
                     XG_OK);
    assert_string_equal(sig, header(&req, "KC-API-SIGN"));
    assert_true(strncmp(prehash, "1700000000000POST/api/v1/hf/orders{", 35) ==
                0);
    assert_int_equal(kucoin_finish_signed(k, "POST", "/x", "", "{}", 2, NOW,
                                          &again, prehash, 4, sig),
                     XG_ERR_TRUNCATED);
    kucoin_destroy(k);
}

static xg_err
build_batch(kucoin *k, xg_op_kind kind, const xg_batch *b, xg_http_request *req)
{
    xg_op op = {kind, &ins, NULL, NULL, NULL, NULL, NULL, b};
    memset(req, 0, sizeof(*req));
    return kucoin_build(k, &op, NOW, req);
}

/* Batch Add Orders: one signed POST of {"orderList":[...]}, each order the
 * single place's body, weight 1 in the Spot pool for the whole batch
 * (KuCoin counts requests), ranked with new orders. */
static void
test_batch_new_is_one_multi_post_of_weight_one(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    xg_http_request again;
    char prehash[1024];
    char sig[XG_B64_SHA256_LEN + 1];
    xg_order a = order(XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_GTC, "0.5", "35000");
    xg_order b =
        order(XG_SIDE_SELL, XG_TYPE_LIMIT, XG_TIF_POST_ONLY, "0.25", "36000.1");
    xg_batch_item items[2] = {{&a, "gw0001", NULL}, {&b, "gw0002", NULL}};
    xg_result results[2];
    xg_batch batch = {items, 2, results};
    const char *want =
        "{\"orderList\":["
        "{\"clientOid\":\"gw0001\",\"side\":\"buy\",\"symbol\":\"BTC-USDT\","
        "\"type\":\"limit\",\"price\":\"35000\",\"size\":\"0.5\","
        "\"timeInForce\":\"GTC\"},"
        "{\"clientOid\":\"gw0002\",\"side\":\"sell\",\"symbol\":\"BTC-USDT\","
        "\"type\":\"limit\",\"price\":\"36000.1\",\"size\":\"0.25\","
        "\"timeInForce\":\"GTC\",\"postOnly\":true}]}";

    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &batch, &req), XG_OK);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.target, "/api/v1/hf/orders/multi");
    assert_string_equal(req.body, want);
    assert_int_equal(req.body_len, strlen(want));
    assert_string_equal(header(&req, "Content-Type"), "application/json");
    assert_true(req.is_signed);
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(req.costs[0].units, 1);
    assert_int_equal(req.priority, XG_PRIO_NEW);
    memset(&again, 0, sizeof(again));
    assert_int_equal(kucoin_finish_signed(k, "POST", "/api/v1/hf/orders/multi",
                                          "", want, strlen(want), NOW, &again,
                                          prehash, sizeof(prehash), sig),
                     XG_OK);
    assert_string_equal(sig, header(&req, "KC-API-SIGN"));

    /* Five orders, the venue's most, still cost one. */
    xg_batch_item five[KUCOIN_BATCH_NEW_MAX];
    static const char *const ids[] = {"c1", "c2", "c3", "c4", "c5"};
    for (size_t i = 0; i < KUCOIN_BATCH_NEW_MAX; i++) {
        five[i].order = &a;
        five[i].client_id = ids[i];
    }
    xg_result five_res[KUCOIN_BATCH_NEW_MAX];
    xg_batch full = {five, KUCOIN_BATCH_NEW_MAX, five_res};
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &full, &req), XG_OK);
    assert_int_equal(req.costs[0].units, 1);
    kucoin_destroy(k);
}

static void
test_batch_new_refuses_what_the_venue_cannot_take(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    xg_order a = order(XG_SIDE_BUY, XG_TYPE_LIMIT, XG_TIF_GTC, "0.5", "35000");
    xg_order m = order(XG_SIDE_BUY, XG_TYPE_MARKET, XG_TIF_IOC, "0.5", NULL);
    xg_batch_item items[6] = {{&a, "c1", NULL}, {&a, "c2", NULL},
                              {&a, "c3", NULL}, {&a, "c4", NULL},
                              {&a, "c5", NULL}, {&a, "c6", NULL}};
    xg_result results[6];
    xg_batch batch = {items, 6, results};

    /* More than 5, or none. */
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &batch, &req),
                     XG_ERR_INVALID);
    batch.n = 0;
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &batch, &req),
                     XG_ERR_INVALID);
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, NULL, &req),
                     XG_ERR_INVALID);
    /* Limit orders only, and client ids that need no encoding. */
    batch.n = 2;
    items[1].order = &m;
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &batch, &req),
                     XG_ERR_BAD_TYPE);
    items[1].order = &a;
    items[1].client_id = "c\"2";
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &batch, &req),
                     XG_ERR_BAD_CLIENT_ID);
    items[1].client_id = "c2";
    items[1].order = NULL;
    assert_int_equal(build_batch(k, XG_OP_BATCH_NEW, &batch, &req),
                     XG_ERR_INVALID);
    /* The HF API has no batch cancel. */
    items[1].order = &a;
    assert_int_equal(build_batch(k, XG_OP_BATCH_CANCEL, &batch, &req),
                     XG_ERR_UNSUPPORTED);
    kucoin_destroy(k);
}

/* Cancel All Orders By Symbol (Spot, 2, ranked with cancels) and the
 * trade account's balances (Management, 5, a read). */
static void
test_cancel_symbol_and_balances_requests(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;

    assert_int_equal(build(k, XG_OP_CANCEL_SYMBOL, NULL, NULL, &req), XG_OK);
    assert_string_equal(req.method, "DELETE");
    assert_string_equal(req.target, "/api/v1/hf/orders?symbol=BTC-USDT");
    assert_int_equal(req.body_len, 0);
    assert_true(req.is_signed);
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(req.costs[0].units, 2);
    assert_int_equal(req.priority, XG_PRIO_CANCEL);

    xg_op op = {XG_OP_BALANCES, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    memset(&req, 0, sizeof(req));
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_OK);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.target, "/api/v1/accounts?type=trade");
    assert_true(req.is_signed);
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].bucket, KUCOIN_BUCKET_MANAGEMENT);
    assert_int_equal(req.costs[0].units, 5);
    assert_int_equal(req.priority, xg_op_priority(XG_OP_BALANCES));

    /* A mass cancel must name its symbol. */
    op.kind = XG_OP_CANCEL_SYMBOL;
    memset(&req, 0, sizeof(req));
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_ERR_UNKNOWN_SYMBOL);
    kucoin_destroy(k);
}

/* The private stream's token (streams.md 4.1): POST
 * /api/v1/bullet-private, signed like any private call over an empty
 * body, weight 10 in the Spot pool, ranked with reads; no symbol. */
static void
test_stream_token_is_a_signed_bullet_post(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_http_request req;
    xg_http_request again;
    char prehash[128];
    char sig[XG_B64_SHA256_LEN + 1];
    xg_op op = {XG_OP_STREAM_TOKEN, NULL, NULL, NULL, NULL, NULL, NULL, NULL};

    memset(&req, 0, sizeof(req));
    assert_int_equal(kucoin_build(k, &op, NOW, &req), XG_OK);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.target, "/api/v1/bullet-private");
    assert_int_equal(req.body_len, 0);
    assert_true(req.is_signed);
    assert_string_equal(header(&req, "KC-API-KEY"), "key");
    assert_null(header(&req, "Content-Type"));
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(req.costs[0].units, 10);
    assert_int_equal(req.priority, XG_PRIO_QUERY);

    memset(&again, 0, sizeof(again));
    assert_int_equal(kucoin_finish_signed(k, "POST", "/api/v1/bullet-private",
                                          "", "", 0, NOW, &again, prehash,
                                          sizeof(prehash), sig),
                     XG_OK);
    assert_string_equal(prehash, "1700000000000POST/api/v1/bullet-private");
    assert_string_equal(header(&req, "KC-API-SIGN"), sig);
    kucoin_destroy(k);
}

static int
group_setup(void **state)
{
    (void)state;
    memset(&ins, 0, sizeof(ins));
    memcpy(ins.symbol, "BTC/USDT", 9);
    memcpy(ins.venue_symbol, "BTC-USDT", 9);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_requests_are_unsigned_gets),
        cmocka_unit_test(test_order_bodies_per_type_and_tif),
        cmocka_unit_test(test_cancel_query_and_open_orders_targets),
        cmocka_unit_test(test_build_refuses_what_the_venue_would_misread),
        cmocka_unit_test(test_signature_covers_target_and_body),
        cmocka_unit_test(test_amend_is_a_modify_order_post),
        cmocka_unit_test(test_amend_refuses_what_kucoin_cannot_do),
        cmocka_unit_test(test_batch_new_is_one_multi_post_of_weight_one),
        cmocka_unit_test(test_batch_new_refuses_what_the_venue_cannot_take),
        cmocka_unit_test(test_cancel_symbol_and_balances_requests),
        cmocka_unit_test(test_stream_token_is_a_signed_bullet_post),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
