/*
 * test_bybit_requests.c - what build() sends for each operation: method,
 * target, JSON body, limiter charges and priority, and what it refuses;
 * an amend with only what changes; batches charged one unit per order;
 * the cancel-all of a symbol and the wallet read; the open-orders cursor
 * sent verbatim, as the venue handed it out; both signed as sent (checked
 * with an HMAC computed here with OpenSSL, not the adapter's).
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

#include "bybit.h"

#define NOW 1700000000000LL

typedef struct fixture {
    void *inst;
    xg_instrument btc;
    xg_order order;
    xg_http_request req;
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
    f->order.side = XG_SIDE_SELL;
    f->order.type = XG_TYPE_LIMIT;
    f->order.tif = XG_TIF_GTC;
    f->order.qty = (xg_decimal){15, 1};       /* 1.5 */
    f->order.price = (xg_decimal){350001, 1}; /* 35000.1 */
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

static xg_err
build(fixture *f, xg_op_kind kind, const char *id)
{
    xg_op op = {kind, &f->btc, &f->order, id, NULL, NULL, NULL, NULL};
    memset(&f->req, 0, sizeof(f->req));
    return bybit_build(f->inst, &op, NOW, &f->req);
}

static void
assert_costs(const xg_http_request *req, int endpoint, xg_priority prio)
{
    assert_int_equal(req->costs[0].bucket, BYBIT_BUCKET_IP);
    assert_int_equal(req->costs[0].units, 1);
    if (endpoint < 0) {
        assert_int_equal(req->n_costs, 1);
    } else {
        assert_int_equal(req->n_costs, 2);
        assert_int_equal(req->costs[1].bucket, endpoint);
        assert_int_equal(req->costs[1].units, 1);
    }
    assert_int_equal(req->priority, prio);
}

static void
test_limit_orders_carry_their_time_in_force(void **state)
{
    fixture *f = *state;
    const struct {
        xg_tif tif;
        const char *text;
    } cases[] = {{XG_TIF_GTC, "GTC"},
                 {XG_TIF_IOC, "IOC"},
                 {XG_TIF_FOK, "FOK"},
                 {XG_TIF_POST_ONLY, "PostOnly"}};
    char want[256];

    for (size_t i = 0; i < 4; i++) {
        f->order.tif = cases[i].tif;
        assert_int_equal(build(f, XG_OP_NEW_ORDER, "abc123"), XG_OK);
        snprintf(want, sizeof(want),
                 "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"side\":"
                 "\"Sell\",\"orderType\":\"Limit\",\"qty\":\"1.5\",\"price\":"
                 "\"35000.1\",\"timeInForce\":\"%s\",\"orderLinkId\":"
                 "\"abc123\"}",
                 cases[i].text);
        assert_string_equal(f->req.body, want);
        assert_int_equal(f->req.body_len, strlen(want));
        assert_string_equal(f->req.method, "POST");
        assert_string_equal(f->req.target, "/v5/order/create");
        assert_true(f->req.is_signed);
        assert_costs(&f->req, BYBIT_BUCKET_CREATE, XG_PRIO_NEW);
    }
}

/* Market orders send a base quantity explicitly: a spot market buy is in
 * quote units by default on Bybit. */
static void
test_market_order_is_in_base_units(void **state)
{
    fixture *f = *state;
    f->order.type = XG_TYPE_MARKET;
    f->order.side = XG_SIDE_BUY;
    f->order.price = (xg_decimal){0, 0};
    f->order.tif = XG_TIF_IOC;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "m1"), XG_OK);
    assert_string_equal(f->req.body,
                        "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\","
                        "\"side\":\"Buy\",\"orderType\":\"Market\",\"qty\":"
                        "\"1.5\",\"marketUnit\":\"baseCoin\",\"orderLinkId\":"
                        "\"m1\"}");
    f->order.tif = XG_TIF_POST_ONLY;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "m1"), XG_ERR_BAD_TIF);
    f->order.tif = XG_TIF_FOK;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "m1"), XG_ERR_BAD_TIF);
}

static void
test_bad_orders_are_refused(void **state)
{
    fixture *f = *state;
    xg_order good = f->order;

    f->order.side = (xg_side)9;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "a"), XG_ERR_BAD_SIDE);
    f->order = good;
    f->order.type = (xg_order_type)9;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "a"), XG_ERR_BAD_TYPE);
    f->order = good;
    f->order.tif = (xg_tif)9;
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "a"), XG_ERR_BAD_TIF);
    f->order = good;
    f->order.qty = (xg_decimal){0, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "a"), XG_ERR_BAD_QTY);
    f->order = good;
    f->order.price = (xg_decimal){-1, 0};
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "a"), XG_ERR_BAD_PRICE);
    f->order = good;
    f->order.price = (xg_decimal){1, 30}; /* scale beyond any format */
    assert_int_not_equal(build(f, XG_OP_NEW_ORDER, "a"), XG_OK);
    f->order = good;
}

static void
test_client_ids_outside_bybit_charset_are_refused(void **state)
{
    fixture *f = *state;
    const char *bad[] = {"",         "a b",
                         "a\"b",     "abc{}",
                         "\xc3\xa9", "0123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(build(f, XG_OP_NEW_ORDER, bad[i]),
                         XG_ERR_BAD_CLIENT_ID);
        assert_int_equal(build(f, XG_OP_CANCEL_ORDER, bad[i]),
                         XG_ERR_BAD_CLIENT_ID);
        assert_int_equal(build(f, XG_OP_QUERY_ORDER, bad[i]),
                         XG_ERR_BAD_CLIENT_ID);
    }
    assert_int_equal(build(f, XG_OP_NEW_ORDER, NULL), XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build(f, XG_OP_NEW_ORDER, "A_b-9"), XG_OK);
    assert_int_equal(
        build(f, XG_OP_NEW_ORDER, "01234567890123456789012345678901"), XG_OK);
}

static void
test_cancel_is_a_json_post_with_cancel_priority(void **state)
{
    fixture *f = *state;
    assert_int_equal(build(f, XG_OP_CANCEL_ORDER, "c1"), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/v5/order/cancel");
    assert_string_equal(f->req.body, "{\"category\":\"spot\",\"symbol\":"
                                     "\"BTCUSDT\",\"orderLinkId\":\"c1\"}");
    assert_costs(&f->req, BYBIT_BUCKET_CANCEL, XG_PRIO_CANCEL);
}

static void
test_query_and_open_orders_share_the_realtime_endpoint(void **state)
{
    fixture *f = *state;
    xg_op all = {XG_OP_OPEN_ORDERS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};

    assert_int_equal(build(f, XG_OP_QUERY_ORDER, "q1"), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(
        f->req.target,
        "/v5/order/realtime?category=spot&symbol=BTCUSDT&orderLinkId=q1");
    assert_int_equal(f->req.body_len, 0);
    assert_costs(&f->req, BYBIT_BUCKET_REALTIME, XG_PRIO_QUERY);

    assert_int_equal(build(f, XG_OP_OPEN_ORDERS, NULL), XG_OK);
    assert_string_equal(
        f->req.target,
        "/v5/order/realtime?category=spot&symbol=BTCUSDT&limit=50");
    assert_costs(&f->req, BYBIT_BUCKET_REALTIME, XG_PRIO_QUERY);

    memset(&f->req, 0, sizeof(f->req));
    assert_int_equal(bybit_build(f->inst, &all, NOW, &f->req), XG_OK);
    assert_string_equal(f->req.target,
                        "/v5/order/realtime?category=spot&limit=50");
}

static const char *
header_of(const xg_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    fail_msg("no header %s", name);
    return NULL;
}

/* The signature Bybit expects: lower-case hex HMAC-SHA256 of timestamp +
 * key + recv window + the query exactly as sent (GET) or the body (POST). */
static void
assert_signed_as_sent(const xg_http_request *req)
{
    const char *query = strchr(req->target, '?');
    char pre[XG_HTTP_TARGET_MAX + XG_HTTP_BODY_MAX + 64];
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;

    if (strcmp(req->method, "POST") == 0) {
        snprintf(pre, sizeof(pre), "%lldkey5000%.*s", (long long)NOW,
                 (int)req->body_len, req->body);
    } else {
        assert_non_null(query);
        snprintf(pre, sizeof(pre), "%lldkey5000%s", (long long)NOW, query + 1);
    }
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    for (unsigned int i = 0; i < mac_len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    assert_string_equal(header_of(req, "X-BAPI-SIGN"), hex);
    assert_string_equal(header_of(req, "X-BAPI-TIMESTAMP"), "1700000000000");
}

static xg_err
build_amend(fixture *f, const xg_amend *amend, const char *id)
{
    xg_op op = {
        XG_OP_AMEND_ORDER, &f->btc, &f->order, id, NULL, NULL, amend, NULL};
    memset(&f->req, 0, sizeof(f->req));
    return bybit_build(f->inst, &op, NOW, &f->req);
}

/* An amend names the order by orderLinkId and sends only what changes
 * (Bybit: "Do not pass it if not modify"), qty as the new total; it is
 * charged to the amend bucket and ranked with new orders. The order
 * stands at 1.5 @ 35000.1; the same value at another scale is no change. */
static void
test_amend_sends_only_what_changes(void **state)
{
    fixture *f = *state;
    const struct {
        xg_amend amend;
        const char *body;
    } cases[] = {
        {{{350002, 1}, {150, 2}, {0, 0}, 0, NULL},
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
         "\"am1\",\"price\":\"35000.2\"}"},
        {{{3500010, 2}, {2, 0}, {5, 1}, 0, NULL},
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
         "\"am1\",\"qty\":\"2\"}"},
        {{{34999, 0}, {12, 1}, {0, 0}, 0, NULL},
         "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"orderLinkId\":"
         "\"am1\",\"qty\":\"1.2\",\"price\":\"34999\"}"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(build_amend(f, &cases[i].amend, "am1"), XG_OK);
        assert_string_equal(f->req.method, "POST");
        assert_string_equal(f->req.target, "/v5/order/amend");
        assert_string_equal(f->req.body, cases[i].body);
        assert_int_equal(f->req.body_len, strlen(cases[i].body));
        assert_true(f->req.is_signed);
        assert_signed_as_sent(&f->req);
        assert_costs(&f->req, BYBIT_BUCKET_AMEND, XG_PRIO_NEW);
    }
}

/* What an amend cannot be: Bybit has no cancel-replace, a market order
 * never rests, an amend to the same price and quantity has nothing to
 * send, and the new values must be positive. */
static void
test_amends_bybit_cannot_send_are_refused(void **state)
{
    fixture *f = *state;
    const xg_amend same = {{350001, 1}, {15, 1}, {0, 0}, 0, NULL};
    const xg_amend up = {{35001, 0}, {15, 1}, {0, 0}, 0, NULL};
    const xg_amend replace = {{35001, 0}, {15, 1}, {0, 0}, 1, "new1"};
    const xg_amend no_qty = {{35001, 0}, {0, 0}, {0, 0}, 0, NULL};
    const xg_amend no_price = {{0, 0}, {2, 0}, {0, 0}, 0, NULL};
    xg_op no_amend = {
        XG_OP_AMEND_ORDER, &f->btc, &f->order, "am1", NULL, NULL, NULL, NULL};
    xg_op no_order = {
        XG_OP_AMEND_ORDER, &f->btc, NULL, "am1", NULL, NULL, &up, NULL};
    xg_op no_symbol = {
        XG_OP_AMEND_ORDER, NULL, &f->order, "am1", NULL, NULL, &up, NULL};

    assert_int_equal(build_amend(f, &replace, "am1"), XG_ERR_UNSUPPORTED);
    assert_int_equal(build_amend(f, &same, "am1"), XG_ERR_INVALID);
    assert_int_equal(build_amend(f, &no_qty, "am1"), XG_ERR_BAD_QTY);
    assert_int_equal(build_amend(f, &no_price, "am1"), XG_ERR_BAD_PRICE);
    assert_int_equal(build_amend(f, &up, "a b"), XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build_amend(f, &up, NULL), XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(bybit_build(f->inst, &no_amend, NOW, &f->req),
                     XG_ERR_INVALID);
    assert_int_equal(bybit_build(f->inst, &no_order, NOW, &f->req),
                     XG_ERR_INVALID);
    assert_int_equal(bybit_build(f->inst, &no_symbol, NOW, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(bybit_build(f->inst, &no_amend, 0, &f->req),
                     XG_ERR_INVALID);
    f->order.type = XG_TYPE_MARKET;
    assert_int_equal(build_amend(f, &up, "am1"), XG_ERR_BAD_TYPE);
}

static xg_err
build_page(fixture *f, const xg_instrument *ins, const char *cursor)
{
    xg_op op = {XG_OP_OPEN_ORDERS, ins, NULL, NULL, NULL, cursor, NULL, NULL};
    memset(&f->req, 0, sizeof(f->req));
    return bybit_build(f->inst, &op, NOW, &f->req);
}

/* A next page carries the venue's cursor verbatim, as Bybit's own client
 * sends it: the venue hands it out already percent-encoded, and a comma or
 * colon in it stays as it is. The signature covers those same bytes.
 * limit=50 stays. */
static void
test_next_page_sends_the_cursor_verbatim_and_signed(void **state)
{
    fixture *f = *state;
    const char *cursors[] = {
        "3:0%2C3:0",
        "page_args%3D1234%26symbol%3DBTCUSDT",
        "1251:1,1251:1",
        "Az09-._~",
    };
    char want[512];

    for (size_t i = 0; i < sizeof(cursors) / sizeof(cursors[0]); i++) {
        assert_int_equal(build_page(f, &f->btc, cursors[i]), XG_OK);
        snprintf(want, sizeof(want),
                 "/v5/order/realtime?category=spot&symbol=BTCUSDT&limit=50&"
                 "cursor=%s",
                 cursors[i]);
        assert_string_equal(f->req.target, want);
        assert_string_equal(f->req.method, "GET");
        assert_int_equal(f->req.body_len, 0);
        assert_signed_as_sent(&f->req);
        assert_costs(&f->req, BYBIT_BUCKET_REALTIME, XG_PRIO_QUERY);
    }
    /* Without a symbol (all open orders) the cursor follows limit too. */
    assert_int_equal(build_page(f, NULL, "3:0%2C3:0"), XG_OK);
    assert_string_equal(
        f->req.target,
        "/v5/order/realtime?category=spot&limit=50&cursor=3:0%2C3:0");
    assert_signed_as_sent(&f->req);
    /* The first page has no cursor parameter at all. */
    assert_int_equal(build_page(f, &f->btc, NULL), XG_OK);
    assert_null(strstr(f->req.target, "cursor"));
}

/* The longest cursor an answer can hand out (XG_CURSOR_MAX - 1 bytes)
 * fits the target and is signed. */
static void
test_longest_cursor_fits(void **state)
{
    fixture *f = *state;
    char cursor[XG_CURSOR_MAX];
    const char *wire = NULL;

    memset(cursor, '%', sizeof(cursor) - 1);
    cursor[sizeof(cursor) - 1] = '\0';
    assert_int_equal(build_page(f, &f->btc, cursor), XG_OK);
    wire = strstr(f->req.target, "&cursor=");
    assert_non_null(wire);
    assert_string_equal(wire + strlen("&cursor="), cursor);
    assert_signed_as_sent(&f->req);
}

/* Cursors no answer could have handed out are refused, not sent. */
static void
test_cursors_no_answer_gave_are_refused(void **state)
{
    fixture *f = *state;
    char long_cursor[XG_CURSOR_MAX + 1];
    /* Control bytes, non-ASCII, and bytes that would change the query's
     * structure or be decoded differently if sent verbatim. */
    const char *bad[] = {"",
                         "abc\x01",
                         "tab\there",
                         "del\x7f",
                         "\xc3\xa9t\xc3\xa9",
                         "line\nbreak",
                         "a&b",
                         "a=b",
                         "a+b",
                         "a b",
                         "a#b",
                         "a/b"};

    memset(long_cursor, 'a', sizeof(long_cursor) - 1);
    long_cursor[sizeof(long_cursor) - 1] = '\0';
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(build_page(f, &f->btc, bad[i]), XG_ERR_INVALID);
    }
    assert_int_equal(build_page(f, &f->btc, long_cursor), XG_ERR_INVALID);
    long_cursor[XG_CURSOR_MAX - 1] = '\0';
    assert_int_equal(build_page(f, &f->btc, long_cursor), XG_OK);
}

static void
test_public_requests_are_unsigned_and_charge_ip_only(void **state)
{
    fixture *f = *state;
    assert_int_equal(build(f, XG_OP_SERVER_TIME, NULL), XG_OK);
    assert_string_equal(f->req.target, "/v5/market/time");
    assert_false(f->req.is_signed);
    assert_int_equal(f->req.n_headers, 0);
    assert_costs(&f->req, -1, XG_PRIO_QUERY);
    assert_int_equal(build(f, XG_OP_INSTRUMENTS, NULL), XG_OK);
    assert_string_equal(f->req.target,
                        "/v5/market/instruments-info?category=spot");
    assert_costs(&f->req, -1, XG_PRIO_QUERY);
}

static void
test_missing_or_odd_symbols_are_refused(void **state)
{
    fixture *f = *state;
    xg_op op = {XG_OP_NEW_ORDER, NULL, &f->order, "a", NULL, NULL, NULL, NULL};

    assert_int_equal(bybit_build(f->inst, &op, NOW, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
    memcpy(f->btc.venue_symbol, "BTC&USDT", 9);
    assert_int_equal(build(f, XG_OP_QUERY_ORDER, "a"), XG_ERR_UNKNOWN_SYMBOL);
    assert_int_equal(build(f, XG_OP_OPEN_ORDERS, NULL), XG_ERR_UNKNOWN_SYMBOL);
    memset(f->btc.venue_symbol, 'A', sizeof(f->btc.venue_symbol));
    assert_int_equal(build(f, XG_OP_CANCEL_ORDER, "a"), XG_ERR_UNKNOWN_SYMBOL);
    memcpy(f->btc.venue_symbol, "BTCUSDT", 8);
}

static void
test_signed_requests_need_a_time_and_valid_input(void **state)
{
    fixture *f = *state;
    xg_op op = {XG_OP_QUERY_ORDER, &f->btc, NULL, "a", NULL, NULL, NULL, NULL};
    xg_op bad_kind = {(xg_op_kind)99, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_op no_order = {
        XG_OP_NEW_ORDER, &f->btc, NULL, "a", NULL, NULL, NULL, NULL};

    assert_int_equal(bybit_build(f->inst, &op, 0, &f->req), XG_ERR_INVALID);
    assert_int_equal(bybit_build(f->inst, &bad_kind, NOW, &f->req),
                     XG_ERR_INVALID);
    assert_int_equal(bybit_build(f->inst, &no_order, NOW, &f->req),
                     XG_ERR_INVALID);
    assert_int_equal(bybit_build(NULL, &op, NOW, &f->req), XG_ERR_INVALID);
    assert_int_equal(bybit_build(f->inst, NULL, NOW, &f->req), XG_ERR_INVALID);
}

/* --- batches, cancel-all, balances --------------------------------------- */

/* Build a batch of the first n of ids, each as f->order. */
static xg_err
build_batch(fixture *f, xg_op_kind kind, const char *const *ids, size_t n)
{
    xg_batch_item items[12];
    xg_result results[12];
    xg_batch batch = {items, n, results};
    xg_op op = {kind, &f->btc, NULL, NULL, NULL, NULL, NULL, &batch};

    assert_true(n <= 12);
    for (size_t i = 0; i < n; i++) {
        items[i] = (xg_batch_item){&f->order, ids[i], NULL};
    }
    memset(&f->req, 0, sizeof(f->req));
    return bybit_build(f->inst, &op, NOW, &f->req);
}

/* Each order as the single create's fields without the category, which
 * the batch states once (Bybit v5 docs, "Batch Place Order"); one unit
 * of the IP bucket and one per order of the batch endpoint's. */
static void
test_batch_new_carries_each_order_and_costs_one_per_order(void **state)
{
    fixture *f = *state;
    const char *ids[] = {"gw0001", "gw0002"};

    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, ids, 2), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/v5/order/create-batch");
    assert_string_equal(
        f->req.body,
        "{\"category\":\"spot\",\"request\":["
        "{\"symbol\":\"BTCUSDT\",\"side\":\"Sell\",\"orderType\":\"Limit\","
        "\"qty\":\"1.5\",\"price\":\"35000.1\",\"timeInForce\":\"GTC\","
        "\"orderLinkId\":\"gw0001\"},"
        "{\"symbol\":\"BTCUSDT\",\"side\":\"Sell\",\"orderType\":\"Limit\","
        "\"qty\":\"1.5\",\"price\":\"35000.1\",\"timeInForce\":\"GTC\","
        "\"orderLinkId\":\"gw0002\"}]}");
    assert_int_equal(f->req.body_len, strlen(f->req.body));
    assert_true(f->req.is_signed);
    assert_int_equal(f->req.n_costs, 2);
    assert_int_equal(f->req.costs[0].bucket, BYBIT_BUCKET_IP);
    assert_int_equal(f->req.costs[0].units, 1);
    assert_int_equal(f->req.costs[1].bucket, BYBIT_BUCKET_BATCH_CREATE);
    assert_int_equal(f->req.costs[1].units, 2);
    assert_int_equal(f->req.priority, XG_PRIO_NEW);
}

static void
test_batch_cancel_names_each_order_with_cancel_priority(void **state)
{
    fixture *f = *state;
    const char *ids[] = {"a1", "a2", "a3"};

    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, ids, 3), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/v5/order/cancel-batch");
    assert_string_equal(f->req.body,
                        "{\"category\":\"spot\",\"request\":["
                        "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"a1\"},"
                        "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"a2\"},"
                        "{\"symbol\":\"BTCUSDT\",\"orderLinkId\":\"a3\"}]}");
    assert_int_equal(f->req.n_costs, 2);
    assert_int_equal(f->req.costs[1].bucket, BYBIT_BUCKET_BATCH_CANCEL);
    assert_int_equal(f->req.costs[1].units, 3);
    assert_int_equal(f->req.priority, XG_PRIO_CANCEL);
}

/* Ten orders fit a request (Bybit's spot maximum) and its body; eleven,
 * none, a repeated or odd client id, a bad order or an unknown symbol do
 * not. */
static void
test_batches_bybit_cannot_take_are_refused(void **state)
{
    fixture *f = *state;
    const char *ids[] = {"gw000000000000000000000000000001",
                         "gw000000000000000000000000000002",
                         "gw000000000000000000000000000003",
                         "gw000000000000000000000000000004",
                         "gw000000000000000000000000000005",
                         "gw000000000000000000000000000006",
                         "gw000000000000000000000000000007",
                         "gw000000000000000000000000000008",
                         "gw000000000000000000000000000009",
                         "gw000000000000000000000000000010",
                         "gw000000000000000000000000000011"};
    const char *repeated[] = {"a1", "a2", "a1"};
    const char *odd[] = {"a1", "a 2"};

    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, ids, 10), XG_OK);
    assert_int_equal(f->req.costs[1].units, 10);
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, ids, 11), XG_ERR_INVALID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, ids, 11),
                     XG_ERR_INVALID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, ids, 0), XG_ERR_INVALID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, repeated, 3),
                     XG_ERR_BAD_CLIENT_ID);
    assert_int_equal(build_batch(f, XG_OP_BATCH_CANCEL, odd, 2),
                     XG_ERR_BAD_CLIENT_ID);
    f->order.tif = (xg_tif)99;
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, ids, 2), XG_ERR_BAD_TIF);
    f->order.tif = XG_TIF_GTC;
    f->btc.venue_symbol[0] = '\0';
    assert_int_equal(build_batch(f, XG_OP_BATCH_NEW, ids, 2),
                     XG_ERR_UNKNOWN_SYMBOL);

    xg_op no_batch = {
        XG_OP_BATCH_NEW, &f->btc, NULL, NULL, NULL, NULL, NULL, NULL};
    memcpy(f->btc.venue_symbol, "BTCUSDT", 8);
    assert_int_equal(bybit_build(f->inst, &no_batch, NOW, &f->req),
                     XG_ERR_INVALID);
}

static void
test_cancel_symbol_is_cancel_all_of_the_symbol(void **state)
{
    fixture *f = *state;
    xg_op op = {
        XG_OP_CANCEL_SYMBOL, &f->btc, NULL, NULL, NULL, NULL, NULL, NULL};

    assert_int_equal(bybit_build(f->inst, &op, NOW, &f->req), XG_OK);
    assert_string_equal(f->req.method, "POST");
    assert_string_equal(f->req.target, "/v5/order/cancel-all");
    assert_string_equal(f->req.body,
                        "{\"category\":\"spot\",\"symbol\":\"BTCUSDT\"}");
    assert_true(f->req.is_signed);
    assert_costs(&f->req, BYBIT_BUCKET_CANCEL_ALL, XG_PRIO_CANCEL);
    op.instrument = NULL;
    assert_int_equal(bybit_build(f->inst, &op, NOW, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
}

static void
test_balances_read_the_unified_wallet(void **state)
{
    fixture *f = *state;
    xg_op op = {XG_OP_BALANCES, NULL, NULL, NULL, NULL, NULL, NULL, NULL};

    memset(&f->req, 0, sizeof(f->req));
    assert_int_equal(bybit_build(f->inst, &op, NOW, &f->req), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target,
                        "/v5/account/wallet-balance?accountType=UNIFIED");
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_costs(&f->req, BYBIT_BUCKET_WALLET, XG_PRIO_QUERY);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_limit_orders_carry_their_time_in_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_market_order_is_in_base_units,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_orders_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_client_ids_outside_bybit_charset_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cancel_is_a_json_post_with_cancel_priority, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_query_and_open_orders_share_the_realtime_endpoint, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_amend_sends_only_what_changes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_amends_bybit_cannot_send_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_next_page_sends_the_cursor_verbatim_and_signed, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_longest_cursor_fits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cursors_no_answer_gave_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_public_requests_are_unsigned_and_charge_ip_only, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_missing_or_odd_symbols_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_signed_requests_need_a_time_and_valid_input, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_batch_new_carries_each_order_and_costs_one_per_order, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_batch_cancel_names_each_order_with_cancel_priority, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_batches_bybit_cannot_take_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_cancel_symbol_is_cancel_all_of_the_symbol, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balances_read_the_unified_wallet,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
