/*
 * test_protocol.c - request parsing and reply/event encoding of the
 * strategy API (core/protocol.c, wire format in docs/protocol.md).
 *
 * Parsing tests feed literal requests, good and hostile, and check the
 * error code and that the detail names the field at fault. Encoder tests
 * parse the output back with Jansson, so a malformed reply fails here and
 * not in a strategy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "protocol.h"

static const char START_ID[] = "00112233aabbccdd";
static const xg_stamp STAMP = {START_ID, 1700000000123};

/* Parse a NUL-terminated literal. */
static xg_err
parse(const char *json, xg_msg *m, char *detail)
{
    return xg__msg_parse(json, strlen(json), m, detail, XG_DETAIL_MAX);
}

/* The reject code and a detail that mentions `needle`, printable ASCII. */
static void
expect_reject(const char *json, xg_err want, const char *needle)
{
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    xg_err err = parse(json, &m, detail);
    if (err != want) {
        print_error("request %s: got %s (%s), want %s\n", json,
                    xg_err_name(err), detail, xg_err_name(want));
    }
    assert_int_equal(err, want);
    if (strstr(detail, needle) == NULL) {
        print_error("detail \"%s\" does not mention \"%s\"\n", detail, needle);
        fail();
    }
    for (const char *p = detail; *p != '\0'; p++) {
        assert_true(*p >= 0x20 && *p < 0x7f);
    }
}

static int
dec_eq(xg_decimal d, int64_t units, unsigned scale)
{
    return d.units == units && d.scale == scale;
}

/* ---------------------------------------------------------------- */
/* Good requests                                                    */
/* ---------------------------------------------------------------- */

static void
test_new_limit_order_parses_every_field(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    const char *json =
        "{\"type\":\"new_order\",\"req_id\":\"r-1 x\",\"strategy\":\"mm_1\","
        "\"client_order_id\":\"abc123\",\"symbol\":\"BTC/USDT\","
        "\"side\":\"SELL\",\"order_type\":\"LIMIT\",\"tif\":\"POST_ONLY\","
        "\"qty\":\"0.0010\",\"price\":\"35000.5\","
        "\"venues\":[\"okx\",\"binance\"],\"requantize\":true,"
        "\"max_wait_ms\":2500}";

    assert_int_equal(parse(json, &m, detail), XG_OK);
    assert_string_equal(detail, "");
    assert_int_equal(m.kind, XG_MSG_NEW_ORDER);
    assert_string_equal(m.req_id, "r-1 x");
    assert_string_equal(m.order.strategy_id, "mm_1");
    assert_string_equal(m.order.client_id, "abc123");
    assert_string_equal(m.order.symbol, "BTC/USDT");
    assert_int_equal(m.order.side, XG_SIDE_SELL);
    assert_int_equal(m.order.type, XG_TYPE_LIMIT);
    assert_int_equal(m.order.tif, XG_TIF_POST_ONLY);
    assert_true(dec_eq(m.order.qty, 10, 4));
    assert_true(dec_eq(m.order.price, 350005, 1));
    assert_int_equal(m.n_venues, 2);
    assert_string_equal(m.venues[0], "okx");
    assert_string_equal(m.venues[1], "binance");
    assert_int_equal(m.requantize, 1);
    assert_int_equal(m.max_wait_ms, 2500);
}

static void
test_new_order_defaults_when_optional_fields_absent(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(parse("{\"type\":\"new_order\",\"strategy\":\"s\","
                           "\"symbol\":\"ETH/BTC\",\"side\":\"BUY\","
                           "\"order_type\":\"LIMIT\",\"qty\":\"1\","
                           "\"price\":\"0.05\"}",
                           &m, detail),
                     XG_OK);
    assert_string_equal(m.req_id, "");
    assert_string_equal(m.order.client_id, ""); /* gateway generates */
    assert_int_equal(m.order.tif, XG_TIF_GTC);
    assert_int_equal(m.n_venues, 0);
    assert_int_equal(m.requantize, 0);
    assert_int_equal(m.max_wait_ms, 0);
}

static void
test_market_order_defaults_to_ioc_without_price(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(parse("{\"type\":\"new_order\",\"strategy\":\"s\","
                           "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                           "\"order_type\":\"MARKET\",\"qty\":\"0.5\","
                           "\"venues\":[],\"requantize\":false}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.order.type, XG_TYPE_MARKET);
    assert_int_equal(m.order.tif, XG_TIF_IOC);
    assert_true(dec_eq(m.order.price, 0, 0));
    assert_int_equal(m.requantize, 0);

    assert_int_equal(parse("{\"type\":\"new_order\",\"strategy\":\"s\","
                           "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                           "\"order_type\":\"MARKET\",\"tif\":\"FOK\","
                           "\"qty\":\"0.5\"}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.order.tif, XG_TIF_FOK);
}

static void
test_cancel_and_query_parse_client_id_and_strategy(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(parse("{\"type\":\"cancel_order\",\"req_id\":\"c1\","
                           "\"client_order_id\":\"X1\",\"strategy\":\"a-b\"}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.kind, XG_MSG_CANCEL_ORDER);
    assert_string_equal(m.order.client_id, "X1");
    assert_string_equal(m.order.strategy_id, "a-b");
    assert_string_equal(m.req_id, "c1");

    assert_int_equal(parse("{\"client_order_id\":\"Q9\",\"type\":"
                           "\"query_order\",\"strategy\":\"s\"}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.kind, XG_MSG_QUERY_ORDER);
    assert_string_equal(m.order.client_id, "Q9");
    assert_string_equal(m.order.strategy_id, "s");

    /* Whose order it is decides who may touch it: the strategy is
     * required. */
    expect_reject("{\"client_order_id\":\"Q9\",\"type\":\"query_order\"}",
                  XG_ERR_BAD_FIELD, "strategy");
    expect_reject("{\"client_order_id\":\"Q9\",\"type\":\"cancel_order\"}",
                  XG_ERR_BAD_FIELD, "strategy");
}

static void
test_hello_parses_and_requires_strategy(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(
        parse("{\"type\":\"hello\",\"req_id\":\"h\",\"strategy\":\"mm\"}", &m,
              detail),
        XG_OK);
    assert_int_equal(m.kind, XG_MSG_HELLO);
    assert_string_equal(m.req_id, "h");
    assert_string_equal(m.order.strategy_id, "mm");
    expect_reject("{\"type\":\"hello\"}", XG_ERR_BAD_FIELD, "strategy");
    expect_reject("{\"type\":\"hello\",\"strategy\":\"mm\",\"symbol\":\"X\"}",
                  XG_ERR_BAD_FIELD, "symbol");
}

static void
test_amend_parses_price_qty_or_both(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(parse("{\"type\":\"amend_order\",\"req_id\":\"a1\","
                           "\"client_order_id\":\"Q1\",\"strategy\":\"mm\","
                           "\"price\":\"100.5\"}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.kind, XG_MSG_AMEND_ORDER);
    assert_string_equal(m.order.client_id, "Q1");
    assert_string_equal(m.order.strategy_id, "mm");
    assert_int_equal(m.order.price.units, 1005);
    assert_int_equal(m.order.price.scale, 1);
    assert_int_equal(m.order.qty.units, 0);

    assert_int_equal(parse("{\"type\":\"amend_order\",\"client_order_id\":"
                           "\"Q1\",\"strategy\":\"mm\",\"qty\":\"2\","
                           "\"requantize\":true}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.order.qty.units, 2);
    assert_int_equal(m.order.price.units, 0);
    assert_int_equal(m.requantize, 1);

    /* Nothing to change, a bad value, a field amend does not take. */
    assert_int_equal(parse("{\"type\":\"amend_order\",\"client_order_id\":"
                           "\"Q1\",\"strategy\":\"mm\"}",
                           &m, detail),
                     XG_ERR_BAD_FIELD);
    assert_non_null(strstr(detail, "price"));
    assert_int_equal(parse("{\"type\":\"amend_order\",\"client_order_id\":"
                           "\"Q1\",\"strategy\":\"mm\",\"qty\":\"-1\"}",
                           &m, detail),
                     XG_ERR_BAD_QTY);
    assert_int_equal(parse("{\"type\":\"amend_order\",\"client_order_id\":"
                           "\"Q1\",\"strategy\":\"mm\",\"price\":\"0\"}",
                           &m, detail),
                     XG_ERR_BAD_PRICE);
    assert_int_equal(parse("{\"type\":\"amend_order\",\"client_order_id\":"
                           "\"Q1\",\"strategy\":\"mm\",\"price\":\"1\","
                           "\"side\":\"SELL\"}",
                           &m, detail),
                     XG_ERR_BAD_FIELD);
    assert_non_null(strstr(detail, "side"));
    assert_int_equal(parse("{\"type\":\"amend_order\",\"strategy\":\"mm\","
                           "\"price\":\"1\"}",
                           &m, detail),
                     XG_ERR_BAD_FIELD);
}

/* batch_new keeps each order's text; each is then read alone, so one bad
 * order refuses only itself. */
static void
test_batch_new_orders_read_one_by_one(void **state)
{
    (void)state;
    xg_msg m;
    xg_msg one;
    char detail[XG_DETAIL_MAX];
    const char *req =
        "{\"type\":\"batch_new\",\"req_id\":\"b1\",\"orders\":["
        "{\"strategy\":\"mm\",\"client_order_id\":\"q1\",\"symbol\":"
        "\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":\"LIMIT\","
        "\"tif\":\"GTC\",\"qty\":\"0.01\",\"price\":\"30000\"},"
        "{\"strategy\":\"mm\",\"symbol\":\"BTC/USDT\",\"side\":\"SELL\","
        "\"order_type\":\"LIMIT\",\"qty\":\"0.01\"},"
        "{\"req_id\":\"x\",\"strategy\":\"mm\"}]}";
    assert_int_equal(parse(req, &m, detail), XG_OK);
    assert_int_equal(m.kind, XG_MSG_BATCH_NEW);
    assert_string_equal(m.req_id, "b1");
    assert_int_equal(m.n_orders, 3);
    const xg_msg_span *s = &m.orders[0];
    assert_int_equal(req[s->start], '{');
    assert_int_equal(req[s->start + s->len - 1], '}');
    assert_int_equal(xg__msg_parse_order(req + s->start, s->len, &one, detail,
                                         sizeof detail),
                     XG_OK);
    assert_int_equal(one.kind, XG_MSG_NEW_ORDER);
    assert_string_equal(one.order.client_id, "q1");
    assert_string_equal(one.order.strategy_id, "mm");
    s = &m.orders[1];
    assert_int_equal(xg__msg_parse_order(req + s->start, s->len, &one, detail,
                                         sizeof detail),
                     XG_ERR_BAD_FIELD);
    assert_non_null(strstr(detail, "price"));
    s = &m.orders[2];
    assert_int_equal(xg__msg_parse_order(req + s->start, s->len, &one, detail,
                                         sizeof detail),
                     XG_ERR_BAD_FIELD);
    assert_non_null(strstr(detail, "batch_new"));
    /* The request itself: an array of 1..50 objects. */
    assert_int_equal(
        parse("{\"type\":\"batch_new\",\"orders\":[]}", &m, detail),
        XG_ERR_BAD_FIELD);
    assert_int_equal(
        parse("{\"type\":\"batch_new\",\"orders\":[1]}", &m, detail),
        XG_ERR_BAD_FIELD);
    assert_int_equal(
        parse("{\"type\":\"batch_new\",\"orders\":{}}", &m, detail),
        XG_ERR_BAD_FIELD);
    assert_int_equal(parse("{\"type\":\"batch_new\"}", &m, detail),
                     XG_ERR_BAD_FIELD);
    char big[8192];
    xg_buf b;
    xg_buf_init(&b, big, sizeof big);
    xg_buf_puts(&b, "{\"type\":\"batch_new\",\"orders\":[");
    for (int i = 0; i <= XG_BATCH_NEW_MAX; i++) {
        xg_buf_puts(&b, i > 0 ? ",{}" : "{}");
    }
    xg_buf_puts(&b, "]}");
    assert_int_equal(parse(big, &m, detail), XG_ERR_BAD_FIELD);
    assert_non_null(strstr(detail, "50"));
}

static void
test_batch_reply_says_each_outcome(void **state)
{
    (void)state;
    xg_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.client_id, sizeof o.client_id, "%s", "q1");
    snprintf(o.symbol, sizeof o.symbol, "%s", "BTC/USDT");
    o.qty = (xg_decimal){1, 2};
    o.price = (xg_decimal){30000, 0};
    xg_order_view v = {.order = &o,
                       .venue = "okx",
                       .venue_client_id = "x",
                       .venue_order_id = "",
                       .status = XG_STATUS_PENDING,
                       .detail = "",
                       .venue_code = "",
                       .venue_msg = ""};
    xg_placed_view r[2] = {{&v, "q1", XG_OK, ""},
                           {NULL, "q2", XG_ERR_BAD_PRICE, "price is required"}};
    char out[4096];
    xg_buf b;
    xg_buf_init(&b, out, sizeof out);
    assert_int_equal(xg__encode_reply_batch(&b, "b1", START_ID, r, 2), XG_OK);
    json_error_t jerr;
    json_t *doc = json_loads(out, 0, &jerr);
    assert_non_null(doc);
    json_t *results = json_object_get(doc, "results");
    assert_int_equal(json_array_size(results), 2);
    assert_true(
        json_is_true(json_object_get(json_array_get(results, 0), "ok")));
    json_t *bad = json_array_get(results, 1);
    assert_true(json_is_false(json_object_get(bad, "ok")));
    assert_string_equal(
        json_string_value(json_object_get(bad, "client_order_id")), "q2");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(bad, "error"), "message")),
                        "price is required");
    json_decref(doc);
}

static void
test_balances_request_and_reply(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    assert_int_equal(
        parse("{\"type\":\"balances\",\"req_id\":\"w\"}", &m, detail), XG_OK);
    assert_int_equal(m.kind, XG_MSG_BALANCES);
    assert_int_equal(m.n_venues, 0);
    assert_int_equal(m.max_age_ms, XG_BALANCES_MAX_AGE_MS);
    assert_int_equal(parse("{\"type\":\"balances\",\"venue\":\"okx\","
                           "\"max_age_ms\":0}",
                           &m, detail),
                     XG_OK);
    assert_string_equal(m.venues[0], "okx");
    assert_int_equal(m.max_age_ms, 0);
    assert_int_equal(
        parse("{\"type\":\"balances\",\"max_age_ms\":-1}", &m, detail),
        XG_ERR_BAD_FIELD);
    assert_int_equal(
        parse("{\"type\":\"balances\",\"max_age_ms\":\"1\"}", &m, detail),
        XG_ERR_BAD_FIELD);
    assert_int_equal(
        parse("{\"type\":\"balances\",\"strategy\":\"s\"}", &m, detail),
        XG_ERR_BAD_FIELD);

    const xg_balance assets[2] = {{"BTC", {15, 1}, {5, 1}},
                                  {"USDT", {100000, 2}, {0, 0}}};
    xg_balances_view v = {"okx", assets, 2, 1200, 1700000000000, 1};
    char out[4096];
    xg_buf b;
    xg_buf_init(&b, out, sizeof out);
    assert_int_equal(xg__encode_reply_balances(&b, "w", START_ID, &v, 1),
                     XG_OK);
    assert_non_null(strstr(out,
                           "\"balances\":[{\"venue\":\"okx\",\"ts_ms\":"
                           "1700000000000,\"age_ms\":1200,"
                           "\"refreshing\":true,\"assets\":[{\"asset\":"
                           "\"BTC\",\"free\":\"1.5\",\"locked\":\"0.5\"},"));
    xg_buf_init(&b, out, sizeof out);
    assert_int_equal(xg__encode_balances_event(&b, &v, &STAMP), XG_OK);
    assert_non_null(strstr(out, "\"type\":\"balances\""));
    assert_non_null(strstr(out, "\"venue\":\"okx\",\"assets\":["));
    assert_null(strstr(out, "age_ms"));
}

static void
test_amend_reply_says_how(void **state)
{
    (void)state;
    xg_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.client_id, sizeof o.client_id, "%s", "Q1");
    snprintf(o.strategy_id, sizeof o.strategy_id, "%s", "mm");
    snprintf(o.symbol, sizeof o.symbol, "%s", "BTC/USDT");
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    o.qty = (xg_decimal){2, 0};
    o.price = (xg_decimal){1005, 1};
    xg_order_view v = {.order = &o,
                       .venue = "okx",
                       .venue_client_id = "x",
                       .venue_order_id = "",
                       .status = XG_STATUS_NEW,
                       .detail = "",
                       .venue_code = "",
                       .venue_msg = ""};
    char out[4096];
    xg_buf b;
    xg_buf_init(&b, out, sizeof out);
    assert_int_equal(xg__encode_reply_amend(&b, "a1", "0123456789abcdef", &v,
                                            "cancel_replace"),
                     XG_OK);
    assert_non_null(strstr(out, "\"amend\":\"cancel_replace\""));
    assert_non_null(strstr(out, "\"price\":\"100.5\""));
    xg_buf_init(&b, out, sizeof out);
    assert_int_equal(xg__encode_reply_order(&b, "a1", "0123456789abcdef", &v),
                     XG_OK);
    assert_null(strstr(out, "\"amend\""));
}

static void
test_open_orders_parses_filters_and_page(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(
        parse("{\"type\":\"open_orders\",\"strategy\":\"mm\"}", &m, detail),
        XG_OK);
    assert_int_equal(m.kind, XG_MSG_OPEN_ORDERS);
    assert_string_equal(m.order.strategy_id, "mm");
    assert_string_equal(m.order.symbol, "");
    assert_int_equal(m.n_venues, 0);
    assert_int_equal(m.cursor, 0);
    assert_int_equal(m.limit, XG_OPEN_ORDERS_PAGE);

    assert_int_equal(parse("{\"type\":\"open_orders\",\"strategy\":\"mm\","
                           "\"symbol\":\"ETH/USDT\",\"venue\":\"okx\","
                           "\"cursor\":\"4294967295\",\"limit\":200}",
                           &m, detail),
                     XG_OK);
    assert_string_equal(m.order.symbol, "ETH/USDT");
    assert_int_equal(m.n_venues, 1);
    assert_string_equal(m.venues[0], "okx");
    assert_int_equal(m.cursor, 4294967295u);
    assert_int_equal(m.limit, 200);

#define OPEN_HEAD "{\"type\":\"open_orders\",\"strategy\":\"mm\","
    expect_reject("{\"type\":\"open_orders\"}", XG_ERR_BAD_FIELD, "strategy");
    expect_reject(OPEN_HEAD "\"limit\":0}", XG_ERR_BAD_FIELD, "limit");
    expect_reject(OPEN_HEAD "\"limit\":201}", XG_ERR_BAD_FIELD, "limit");
    expect_reject(OPEN_HEAD "\"limit\":\"5\"}", XG_ERR_BAD_FIELD, "limit");
    expect_reject(OPEN_HEAD "\"cursor\":\"4294967296\"}", XG_ERR_BAD_FIELD,
                  "cursor");
    expect_reject(OPEN_HEAD "\"cursor\":\"12a\"}", XG_ERR_BAD_FIELD, "cursor");
    expect_reject(OPEN_HEAD "\"cursor\":7}", XG_ERR_BAD_FIELD, "cursor");
    expect_reject(OPEN_HEAD "\"venue\":\"OKX\"}", XG_ERR_BAD_FIELD, "venue");
    expect_reject(OPEN_HEAD "\"venue\":\"\"}", XG_ERR_BAD_FIELD, "venue");
    expect_reject(OPEN_HEAD "\"symbol\":\"btcusdt\"}", XG_ERR_BAD_SYMBOL,
                  "symbol");
    expect_reject(OPEN_HEAD "\"client_order_id\":\"a\"}", XG_ERR_BAD_FIELD,
                  "client_order_id");
#undef OPEN_HEAD
}

static void
test_order_fills_parses_its_order_and_page(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    assert_int_equal(parse("{\"type\":\"order_fills\",\"strategy\":\"mm\","
                           "\"client_order_id\":\"a1\",\"cursor\":\"3\","
                           "\"limit\":10}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.kind, XG_MSG_ORDER_FILLS);
    assert_string_equal(m.order.client_id, "a1");
    assert_string_equal(m.order.strategy_id, "mm");
    assert_int_equal(m.cursor, 3);
    assert_int_equal(m.limit, 10);
    expect_reject("{\"type\":\"order_fills\",\"strategy\":\"mm\"}",
                  XG_ERR_BAD_FIELD, "client_order_id");
    expect_reject("{\"type\":\"order_fills\",\"client_order_id\":\"a1\"}",
                  XG_ERR_BAD_FIELD, "strategy");
    expect_reject("{\"type\":\"order_fills\",\"strategy\":\"mm\","
                  "\"client_order_id\":\"a1\",\"limit\":201}",
                  XG_ERR_BAD_FIELD, "limit");
    expect_reject("{\"type\":\"order_fills\",\"strategy\":\"mm\","
                  "\"client_order_id\":\"a1\",\"symbol\":\"BTC/USDT\"}",
                  XG_ERR_BAD_FIELD, "symbol");
}

static void
test_venue_status_parses(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(
        parse(" {\"type\":\"venue_status\",\"req_id\":\"v\"}\n", &m, detail),
        XG_OK);
    assert_int_equal(m.kind, XG_MSG_VENUE_STATUS);
    assert_string_equal(m.req_id, "v");
}

static void
test_parse_accepts_data_without_terminating_nul(void **state)
{
    (void)state;
    /* The bytes after the message must not be read. */
    const char raw[] = "{\"type\":\"venue_status\"}GARBAGE";
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(xg__msg_parse(raw, strlen("{\"type\":\"venue_status\"}"),
                                   &m, detail, sizeof(detail)),
                     XG_OK);
    assert_int_equal(
        xg__msg_parse(raw, sizeof(raw) - 1, &m, detail, sizeof(detail)),
        XG_ERR_BAD_JSON);
}

/* ---------------------------------------------------------------- */
/* Rejects                                                          */
/* ---------------------------------------------------------------- */

#define NEW_HEAD "{\"type\":\"new_order\",\"strategy\":\"s\","
#define LIMIT_BODY                                                             \
    "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\",\"order_type\":\"LIMIT\","

static void
test_malformed_json_is_bad_json(void **state)
{
    (void)state;
    expect_reject("{\"type\":\"venue_status\"", XG_ERR_BAD_JSON, "JSON");
    expect_reject("{'type':'venue_status'}", XG_ERR_BAD_JSON, "JSON");
    expect_reject("{\"type\":\"venue_status\"} {}", XG_ERR_BAD_JSON, "JSON");
    expect_reject("[\"venue_status\"]", XG_ERR_BAD_JSON, "object");
    expect_reject("\"venue_status\"", XG_ERR_BAD_JSON, "JSON");
    expect_reject("", XG_ERR_BAD_JSON, "empty");
}

static void
test_binary_garbage_is_bad_json_with_printable_detail(void **state)
{
    (void)state;
    unsigned char junk[300];
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = (unsigned char)(i * 97u + 13u);
    }
    assert_int_equal(
        xg__msg_parse(junk, sizeof(junk), &m, detail, sizeof(detail)),
        XG_ERR_BAD_JSON);
    for (const char *p = detail; *p != '\0'; p++) {
        assert_true(*p >= 0x20 && *p < 0x7f);
    }
    /* A string full of invalid UTF-8 is refused by the parser too. */
    const char bad_utf8[] = "{\"type\":\"\xff\xfe\xc0\x80\"}";
    assert_int_equal(xg__msg_parse(bad_utf8, sizeof(bad_utf8) - 1, &m, detail,
                                   sizeof(detail)),
                     XG_ERR_BAD_JSON);
}

static void
test_embedded_nul_is_bad_json(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    const char raw_in_string[] = "{\"type\":\"venue\0_status\"}";
    const char raw_outside[] = "{\"type\":\"venue_status\"\0}";
    const char escaped[] = "{\"type\":\"venue_status\\u0000x\"}";

    assert_int_equal(xg__msg_parse(raw_in_string, sizeof(raw_in_string) - 1, &m,
                                   detail, sizeof(detail)),
                     XG_ERR_BAD_JSON);
    assert_int_equal(xg__msg_parse(raw_outside, sizeof(raw_outside) - 1, &m,
                                   detail, sizeof(detail)),
                     XG_ERR_BAD_JSON);
    /* \u0000 would let "venue_status\0x" pass as "venue_status". */
    assert_int_equal(
        xg__msg_parse(escaped, sizeof(escaped) - 1, &m, detail, sizeof(detail)),
        XG_ERR_BAD_JSON);
}

static void
test_duplicate_keys_are_refused(void **state)
{
    (void)state;
    expect_reject("{\"type\":\"query_order\",\"client_order_id\":\"A\","
                  "\"client_order_id\":\"B\"}",
                  XG_ERR_BAD_JSON, "duplicate");
}

static void
test_deep_nesting_is_refused(void **state)
{
    (void)state;
    enum { DEPTH = 5000 };
    size_t len = 2 * DEPTH + 64;
    char *json = malloc(len);
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_non_null(json);
    size_t n = 0;
    const char head[] = "{\"type\":\"venue_status\",\"x\":";
    memcpy(json, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    for (int i = 0; i < DEPTH; i++) {
        json[n++] = '[';
    }
    for (int i = 0; i < DEPTH; i++) {
        json[n++] = ']';
    }
    json[n++] = '}';
    assert_int_equal(xg__msg_parse(json, n, &m, detail, sizeof(detail)),
                     XG_ERR_BAD_JSON);
    assert_non_null(strstr(detail, "depth"));
    free(json);

    /* Shallow enough to parse: still refused, as an unknown field. */
    expect_reject("{\"type\":\"venue_status\",\"x\":[[[[{}]]]]}",
                  XG_ERR_BAD_FIELD, "\"x\"");
}

static void
test_message_over_limit_is_too_large_before_parsing(void **state)
{
    (void)state;
    size_t len = 1024 * 1024;
    char *big = malloc(len);
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_non_null(big);
    memset(big, ' ', len);
    const char msg[] = "{\"type\":\"venue_status\"}";
    memcpy(big, msg, sizeof(msg) - 1);
    assert_int_equal(xg__msg_parse(big, len, &m, detail, sizeof(detail)),
                     XG_ERR_TOO_LARGE);
    assert_non_null(strstr(detail, "1048576"));
    /* Exactly the limit is still parsed. */
    assert_int_equal(
        xg__msg_parse(big, XG_MSG_MAX_BYTES, &m, detail, sizeof(detail)),
        XG_OK);
    assert_int_equal(
        xg__msg_parse(big, XG_MSG_MAX_BYTES + 1, &m, detail, sizeof(detail)),
        XG_ERR_TOO_LARGE);
    free(big);
}

static void
test_missing_type_or_unknown_type(void **state)
{
    (void)state;
    expect_reject("{\"req_id\":\"1\"}", XG_ERR_BAD_FIELD, "\"type\"");
    expect_reject("{\"type\":7}", XG_ERR_BAD_FIELD, "\"type\"");
    expect_reject("{\"type\":\"new_ordr\"}", XG_ERR_BAD_REQUEST, "new_ordr");
    expect_reject("{\"type\":\"New_Order\"}", XG_ERR_BAD_REQUEST, "\"type\"");
}

static void
test_unknown_field_is_named(void **state)
{
    (void)state;
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"requantise\":true}",
                  XG_ERR_BAD_FIELD, "\"requantise\"");
    expect_reject("{\"type\":\"venue_status\",\"client_order_id\":\"A\"}",
                  XG_ERR_BAD_FIELD, "\"client_order_id\"");
    expect_reject("{\"type\":\"cancel_order\",\"client_order_id\":\"A\","
                  "\"qty\":\"1\"}",
                  XG_ERR_BAD_FIELD, "\"qty\"");
}

static void
test_unknown_field_detail_is_bounded_and_printable(void **state)
{
    (void)state;
    char json[512];
    char key[200];
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    key[3] = '\t'; /* control character, escaped in JSON */
    size_t n = 0;
    const char head[] = "{\"type\":\"venue_status\",\"";
    memcpy(json, head, sizeof(head) - 1);
    n += sizeof(head) - 1;
    memcpy(json + n, "kkk\\t", 5);
    n += 5;
    memset(json + n, 'k', 150);
    n += 150;
    memcpy(json + n, "\":1}", 4);
    n += 4;
    assert_int_equal(xg__msg_parse(json, n, &m, detail, sizeof(detail)),
                     XG_ERR_BAD_FIELD);
    assert_non_null(strstr(detail, "kkk?kkk"));
    assert_non_null(strstr(detail, "..."));
    assert_true(strlen(detail) < 100);
}

static void
test_missing_required_fields_are_named(void **state)
{
    (void)state;
    expect_reject("{\"type\":\"new_order\",\"symbol\":\"BTC/USDT\"}",
                  XG_ERR_BAD_FIELD, "\"strategy\" is required");
    expect_reject(NEW_HEAD "\"side\":\"BUY\"}", XG_ERR_BAD_FIELD,
                  "\"symbol\" is required");
    expect_reject(NEW_HEAD "\"symbol\":\"BTC/USDT\"}", XG_ERR_BAD_FIELD,
                  "\"side\" is required");
    expect_reject(NEW_HEAD "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\"}",
                  XG_ERR_BAD_FIELD, "\"order_type\" is required");
    expect_reject(NEW_HEAD LIMIT_BODY "\"price\":\"1\"}", XG_ERR_BAD_FIELD,
                  "\"qty\" is required");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\"}", XG_ERR_BAD_FIELD,
                  "\"price\" is required");
    expect_reject("{\"type\":\"cancel_order\"}", XG_ERR_BAD_FIELD,
                  "\"client_order_id\" is required");
    expect_reject("{\"type\":\"query_order\",\"strategy\":\"s\"}",
                  XG_ERR_BAD_FIELD, "\"client_order_id\" is required");
}

static void
test_wrong_types_are_named(void **state)
{
    (void)state;
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":1,\"price\":\"1\"}",
                  XG_ERR_BAD_FIELD, "\"qty\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":0.001,\"price\":\"1\"}",
                  XG_ERR_BAD_FIELD, "not a JSON number");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":30000}",
                  XG_ERR_BAD_FIELD, "\"price\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":null,\"price\":\"1\"}",
                  XG_ERR_BAD_FIELD, "not null");
    expect_reject("{\"type\":\"new_order\",\"strategy\":[\"s\"]}",
                  XG_ERR_BAD_FIELD, "\"strategy\" must be a string");
    expect_reject(NEW_HEAD "\"symbol\":{}}", XG_ERR_BAD_FIELD,
                  "\"symbol\" must be a string, not an object");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"requantize\":1}",
                  XG_ERR_BAD_FIELD, "\"requantize\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"max_wait_ms\":\"5\"}",
                  XG_ERR_BAD_FIELD, "\"max_wait_ms\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"max_wait_ms\":1.5}",
                  XG_ERR_BAD_FIELD, "\"max_wait_ms\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"venues\":\"okx\"}",
                  XG_ERR_BAD_FIELD, "\"venues\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"venues\":[1]}",
                  XG_ERR_BAD_FIELD, "\"venues\"");
    expect_reject("{\"type\":\"venue_status\",\"req_id\":5}", XG_ERR_BAD_FIELD,
                  "\"req_id\"");
    expect_reject("{\"type\":\"cancel_order\",\"client_order_id\":12}",
                  XG_ERR_BAD_FIELD, "\"client_order_id\"");
}

static void
test_bad_enum_values_get_their_codes(void **state)
{
    (void)state;
    expect_reject(NEW_HEAD "\"symbol\":\"btc/usdt\",\"side\":\"BUY\"}",
                  XG_ERR_BAD_SYMBOL, "\"symbol\": \"btc/usdt\"");
    expect_reject(NEW_HEAD "\"symbol\":\"BTCUSDT\",\"side\":\"BUY\"}",
                  XG_ERR_BAD_SYMBOL, "\"symbol\"");
    expect_reject(NEW_HEAD "\"symbol\":\"AAAAAAAAAAAAAAAA/USDT\"}",
                  XG_ERR_BAD_SYMBOL, "\"symbol\"");
    expect_reject(NEW_HEAD "\"symbol\":\"BTC/USDT\",\"side\":\"buy\"}",
                  XG_ERR_BAD_SIDE, "\"side\": \"buy\"");
    expect_reject(NEW_HEAD "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                           "\"order_type\":\"STOP\"}",
                  XG_ERR_BAD_TYPE, "\"order_type\": \"STOP\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"tif\":\"GTD\",\"qty\":\"1\",\"price\":\"1\"}",
                  XG_ERR_BAD_TIF, "\"tif\": \"GTD\"");
}

static void
test_market_order_refuses_resting_tif_and_price(void **state)
{
    (void)state;
    const char *mkt = "\"symbol\":\"BTC/USDT\",\"side\":\"BUY\","
                      "\"order_type\":\"MARKET\",";
    char json[256];
    xg_buf b;

    xg_buf_init(&b, json, sizeof(json));
    xg_buf_puts(&b, NEW_HEAD);
    xg_buf_puts(&b, mkt);
    xg_buf_puts(&b, "\"tif\":\"GTC\",\"qty\":\"1\"}");
    expect_reject(json, XG_ERR_BAD_TIF, "\"tif\"");

    xg_buf_reset(&b);
    xg_buf_puts(&b, NEW_HEAD);
    xg_buf_puts(&b, mkt);
    xg_buf_puts(&b, "\"tif\":\"POST_ONLY\",\"qty\":\"1\"}");
    expect_reject(json, XG_ERR_BAD_TIF, "MARKET");

    xg_buf_reset(&b);
    xg_buf_puts(&b, NEW_HEAD);
    xg_buf_puts(&b, mkt);
    xg_buf_puts(&b, "\"qty\":\"1\",\"price\":\"30000\"}");
    expect_reject(json, XG_ERR_BAD_FIELD, "\"price\" is not allowed");
}

static void
test_bad_quantities_and_prices(void **state)
{
    (void)state;
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"0\",\"price\":\"1\"}",
                  XG_ERR_BAD_QTY, "\"qty\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"0.000\",\"price\":\"1\"}",
                  XG_ERR_BAD_QTY, "\"qty\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"-1\",\"price\":\"1\"}",
                  XG_ERR_BAD_QTY, "\"qty\": \"-1\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"0.0.1\",\"price\":\"1\"}",
                  XG_ERR_BAD_DECIMAL, "\"qty\": \"0.0.1\" is not a decimal");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1e3\",\"price\":\"1\"}",
                  XG_ERR_BAD_DECIMAL, "\"qty\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"\",\"price\":\"1\"}",
                  XG_ERR_BAD_DECIMAL, "\"qty\"");
    /* 19 fraction digits: one more than XG_DECIMAL_MAX_SCALE. */
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"0.0000000000000000001\",\"price\":\"1\"}",
                  XG_ERR_BAD_DECIMAL, "\"qty\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"99999999999999999999\",\"price\":\"1\"}",
                  XG_ERR_OVERFLOW, "\"qty\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":\"0\"}",
                  XG_ERR_BAD_PRICE, "\"price\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":\"-5.5\"}",
                  XG_ERR_BAD_PRICE, "\"price\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":\" 5\"}",
                  XG_ERR_BAD_DECIMAL, "\"price\"");

    /* 18 fraction digits is the most that is accepted. */
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    assert_int_equal(parse(NEW_HEAD LIMIT_BODY
                           "\"qty\":\"0.000000000000000001\",\"price\":\"1\"}",
                           &m, detail),
                     XG_OK);
    assert_true(dec_eq(m.order.qty, 1, 18));
}

static void
test_bad_ids_and_names(void **state)
{
    (void)state;
    expect_reject("{\"type\":\"cancel_order\",\"client_order_id\":\"a-b\"}",
                  XG_ERR_BAD_CLIENT_ID, "\"client_order_id\": \"a-b\"");
    expect_reject("{\"type\":\"query_order\",\"client_order_id\":\"\"}",
                  XG_ERR_BAD_CLIENT_ID, "\"client_order_id\"");
    expect_reject("{\"type\":\"query_order\",\"client_order_id\":"
                  "\"123456789012345678901234567890123\"}",
                  XG_ERR_BAD_CLIENT_ID, "\"client_order_id\"");
    expect_reject("{\"type\":\"new_order\",\"strategy\":\"a b\"}",
                  XG_ERR_BAD_FIELD, "\"strategy\"");
    expect_reject("{\"type\":\"new_order\",\"strategy\":"
                  "\"s23456789012345678901234567890123\"}",
                  XG_ERR_BAD_FIELD, "\"strategy\"");
    expect_reject("{\"type\":\"venue_status\",\"req_id\":\"\"}",
                  XG_ERR_BAD_FIELD, "\"req_id\"");
    expect_reject("{\"type\":\"venue_status\",\"req_id\":\"a\\nb\"}",
                  XG_ERR_BAD_FIELD, "\"req_id\"");
    expect_reject("{\"type\":\"venue_status\",\"req_id\":"
                  "\"12345678901234567890123456789012345678901234567890"
                  "123456789012345\"}",
                  XG_ERR_BAD_FIELD, "\"req_id\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"max_wait_ms\":-1}",
                  XG_ERR_BAD_FIELD, "\"max_wait_ms\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"max_wait_ms\":86400001}",
                  XG_ERR_BAD_FIELD, "\"max_wait_ms\"");
}

static void
test_venue_lists_too_long_duplicate_or_malformed(void **state)
{
    (void)state;
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"venues\":"
                  "[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
                  XG_ERR_BAD_FIELD, "\"venues\"");
    expect_reject(NEW_HEAD LIMIT_BODY
                  "\"qty\":\"1\",\"price\":\"1\",\"venues\":"
                  "[\"okx\",\"bybit\",\"okx\"]}",
                  XG_ERR_BAD_FIELD, "twice");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":\"1\","
                                      "\"venues\":[\"Binance\"]}",
                  XG_ERR_BAD_FIELD, "\"Binance\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":\"1\","
                                      "\"venues\":[\"\"]}",
                  XG_ERR_BAD_FIELD, "\"venues\"");
    expect_reject(NEW_HEAD LIMIT_BODY "\"qty\":\"1\",\"price\":\"1\","
                                      "\"venues\":[\"abcdefghijklmnop\"]}",
                  XG_ERR_BAD_FIELD, "\"venues\"");

    xg_msg m;
    char detail[XG_DETAIL_MAX];
    assert_int_equal(parse(NEW_HEAD LIMIT_BODY
                           "\"qty\":\"1\",\"price\":\"1\",\"venues\":"
                           "[\"a\",\"b\",\"c\",\"abcdefghijklmno\"]}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.n_venues, 4);
    assert_string_equal(m.venues[3], "abcdefghijklmno");
}

static void
test_reject_still_reports_req_id_and_client_id(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];

    assert_int_equal(parse("{\"type\":\"new_order\",\"req_id\":\"r7\","
                           "\"client_order_id\":\"C7\",\"strategy\":\"s\","
                           "\"symbol\":\"BTC/USDT\",\"side\":\"HOLD\"}",
                           &m, detail),
                     XG_ERR_BAD_SIDE);
    assert_string_equal(m.req_id, "r7");
    assert_string_equal(m.order.client_id, "C7");

    /* Even with an unknown type, the ids can be matched. */
    assert_int_equal(parse("{\"req_id\":\"r8\",\"client_order_id\":\"C8\","
                           "\"type\":\"replace_order\"}",
                           &m, detail),
                     XG_ERR_BAD_REQUEST);
    assert_string_equal(m.req_id, "r8");
    assert_string_equal(m.order.client_id, "C8");
}

static void
test_short_or_missing_detail_buffer_is_safe(void **state)
{
    (void)state;
    xg_msg m;
    char tiny[8];

    assert_int_equal(xg__msg_parse("{}", 2, &m, NULL, 0), XG_ERR_BAD_FIELD);
    assert_int_equal(xg__msg_parse("{}", 2, &m, tiny, sizeof(tiny)),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
    assert_int_equal(xg__msg_parse(NULL, 0, &m, tiny, sizeof(tiny)),
                     XG_ERR_BAD_JSON);
}

/* ---------------------------------------------------------------- */
/* Encoders                                                         */
/* ---------------------------------------------------------------- */

static json_t *
load(const xg_buf *b)
{
    json_error_t jerr;
    json_t *root = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        print_error("not JSON (%s): %s\n", jerr.text, b->data);
    }
    assert_non_null(root);
    return root;
}

static const char *
str_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    assert_true(json_is_string(v));
    return json_string_value(v);
}

static json_int_t
int_at(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static xg_order
sample_order(void)
{
    xg_order o;
    memset(&o, 0, sizeof(o));
    xg_strlcpy(o.client_id, "abc123", sizeof(o.client_id));
    xg_strlcpy(o.strategy_id, "mm_1", sizeof(o.strategy_id));
    xg_strlcpy(o.symbol, "BTC/USDT", sizeof(o.symbol));
    o.side = XG_SIDE_BUY;
    o.type = XG_TYPE_LIMIT;
    o.tif = XG_TIF_GTC;
    o.qty = (xg_decimal){10, 4};
    o.price = (xg_decimal){350005, 1};
    return o;
}

static void
test_error_reply_round_trips_and_escapes(void **state)
{
    (void)state;
    char mem[512];
    xg_buf b;

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_error(&b, "r\"1", START_ID, "C1",
                                            XG_ERR_BAD_QTY,
                                            "field \"qty\" must be positive"),
                     XG_OK);
    json_t *root = load(&b);
    assert_string_equal(str_at(root, "type"), "reply");
    assert_string_equal(str_at(root, "req_id"), "r\"1");
    assert_true(json_is_false(json_object_get(root, "ok")));
    assert_string_equal(str_at(root, "client_order_id"), "C1");
    json_t *e = json_object_get(root, "error");
    assert_int_equal(int_at(e, "code"), 25);
    assert_string_equal(str_at(e, "name"), "BAD_QTY");
    assert_string_equal(str_at(e, "message"), "field \"qty\" must be positive");
    json_decref(root);

    /* No detail: the generic message; NULL ids become "". */
    xg_buf_reset(&b);
    assert_int_equal(
        xg__encode_reply_error(&b, NULL, START_ID, NULL, XG_ERR_TOO_LARGE, ""),
        XG_OK);
    root = load(&b);
    assert_string_equal(str_at(root, "req_id"), "");
    assert_string_equal(str_at(root, "client_order_id"), "");
    e = json_object_get(root, "error");
    assert_string_equal(str_at(e, "message"), "message too large");
    json_decref(root);
}

static void
test_order_reply_has_every_field(void **state)
{
    (void)state;
    char mem[1024];
    xg_buf b;
    xg_order o = sample_order();
    xg_order_view v = {.order = &o,
                       .venue = "binance",
                       .venue_client_id = "xgabc123",
                       .venue_order_id = "987654",
                       .status = XG_STATUS_PARTIALLY_FILLED,
                       .exec = {{5, 4}, {0, 0}, {0, 0}, ""},
                       .err = XG_OK,
                       .detail = "",
                       .venue_code = "",
                       .venue_msg = ""};

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_order(&b, "q1", START_ID, &v), XG_OK);
    json_t *root = load(&b);
    assert_true(json_is_true(json_object_get(root, "ok")));
    assert_string_equal(str_at(root, "req_id"), "q1");
    json_t *ord = json_object_get(root, "order");
    assert_string_equal(str_at(ord, "client_order_id"), "abc123");
    assert_string_equal(str_at(ord, "strategy"), "mm_1");
    assert_string_equal(str_at(ord, "symbol"), "BTC/USDT");
    assert_string_equal(str_at(ord, "side"), "BUY");
    assert_string_equal(str_at(ord, "order_type"), "LIMIT");
    assert_string_equal(str_at(ord, "tif"), "GTC");
    assert_string_equal(str_at(ord, "qty"), "0.0010");
    assert_string_equal(str_at(ord, "price"), "35000.5");
    assert_string_equal(str_at(ord, "status"), "PARTIALLY_FILLED");
    assert_string_equal(str_at(ord, "venue"), "binance");
    assert_string_equal(str_at(ord, "venue_client_order_id"), "xgabc123");
    assert_string_equal(str_at(ord, "venue_order_id"), "987654");
    assert_string_equal(str_at(ord, "filled_qty"), "0.0005");
    assert_null(json_object_get(ord, "error"));
    assert_int_equal(json_object_size(ord), 13);
    json_decref(root);
}

/* With the quote amount and fee said: filled_quote, avg_price (12
 * decimals at most, rounded down, fewer for a price too large to hold
 * them), fee and fee_currency. */
static void
test_cancel_all_parses_filters_and_reply_lists_ids(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    char mem[512];
    xg_buf b;

    assert_int_equal(parse("{\"type\":\"cancel_all\",\"strategy\":\"mm\","
                           "\"symbol\":\"BTC/USDT\",\"venue\":\"okx\"}",
                           &m, detail),
                     XG_OK);
    assert_int_equal(m.kind, XG_MSG_CANCEL_ALL);
    assert_string_equal(m.order.symbol, "BTC/USDT");
    assert_string_equal(m.venues[0], "okx");
    expect_reject("{\"type\":\"cancel_all\"}", XG_ERR_BAD_FIELD, "strategy");
    expect_reject("{\"type\":\"cancel_all\",\"strategy\":\"mm\","
                  "\"limit\":5}",
                  XG_ERR_BAD_FIELD, "limit");

    const char *ids[] = {"a1", "b2"};
    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_cancel_all(&b, "c1", START_ID, ids, 2, 1),
                     XG_OK);
    json_t *root = load(&b);
    json_t *list = json_object_get(root, "client_order_ids");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_array_get(list, 1)), "b2");
    assert_true(json_is_true(json_object_get(root, "more")));
    json_decref(root);
}

static void
test_orders_reply_lists_a_page(void **state)
{
    (void)state;
    char mem[4096];
    xg_buf b;
    xg_order o = sample_order();
    xg_order_view v[2];
    for (size_t i = 0; i < 2; i++) {
        v[i] = (xg_order_view){.order = &o,
                               .venue = "okx",
                               .venue_client_id = "abc123",
                               .venue_order_id = i == 0 ? "1" : "2",
                               .status = XG_STATUS_NEW,
                               .err = XG_OK,
                               .detail = "",
                               .venue_code = "",
                               .venue_msg = ""};
    }
    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_orders(&b, "p1", START_ID, v, 2, 17),
                     XG_OK);
    json_t *root = load(&b);
    assert_true(json_is_true(json_object_get(root, "ok")));
    json_t *orders = json_object_get(root, "orders");
    assert_int_equal(json_array_size(orders), 2);
    assert_string_equal(str_at(json_array_get(orders, 1), "venue_order_id"),
                        "2");
    assert_string_equal(str_at(root, "next_cursor"), "17");
    json_decref(root);

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_orders(&b, "p2", START_ID, NULL, 0, 0),
                     XG_OK);
    root = load(&b);
    assert_int_equal(json_array_size(json_object_get(root, "orders")), 0);
    assert_string_equal(str_at(root, "next_cursor"), "");
    json_decref(root);
}

static void
test_order_reply_with_quote_and_fee(void **state)
{
    (void)state;
    char mem[1024];
    xg_buf b;
    xg_order o = sample_order();
    const struct {
        xg_execution exec;
        const char *quote, *avg, *fee, *fee_currency;
    } cases[] = {
        {{{5, 4}, {1750025, 5}, {5, 7}, "BTC"},
         "17.50025",
         "35000.5",
         "0.0000005",
         "BTC"},
        {{{3, 3}, {100, 0}, {-12, 2}, "USDT"},
         "100",
         "33333.333333333333",
         "-0.12",
         "USDT"},
        /* A product's trailing zeros (0.001 * 34000.0) go. */
        {{{1, 3}, {34000000, 6}, {8000, 10}, "BTC"},
         "34",
         "34000",
         "0.0000008",
         "BTC"},
        {{{1, 0}, {9000000000LL, 0}, {0, 0}, ""},
         "9000000000",
         "9000000000",
         NULL,
         NULL},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xg_order_view v = {.order = &o,
                           .venue = "okx",
                           .venue_client_id = "abc123",
                           .venue_order_id = "1",
                           .status = XG_STATUS_PARTIALLY_FILLED,
                           .exec = cases[i].exec,
                           .err = XG_OK,
                           .detail = "",
                           .venue_code = "",
                           .venue_msg = ""};
        xg_buf_init(&b, mem, sizeof(mem));
        assert_int_equal(xg__encode_reply_order(&b, "q1", START_ID, &v), XG_OK);
        json_t *root = load(&b);
        json_t *ord = json_object_get(root, "order");
        assert_string_equal(str_at(ord, "filled_quote"), cases[i].quote);
        assert_string_equal(str_at(ord, "avg_price"), cases[i].avg);
        if (cases[i].fee != NULL) {
            assert_string_equal(str_at(ord, "fee"), cases[i].fee);
            assert_string_equal(str_at(ord, "fee_currency"),
                                cases[i].fee_currency);
        } else {
            assert_null(json_object_get(ord, "fee"));
            assert_null(json_object_get(ord, "fee_currency"));
        }
        json_decref(root);
    }
}

static void
test_order_event_for_rejected_market_order(void **state)
{
    (void)state;
    char mem[1024];
    xg_buf b;
    xg_order o = sample_order();
    o.type = XG_TYPE_MARKET;
    o.tif = XG_TIF_IOC;
    o.price = (xg_decimal){0, 0};
    /* Venue text with a control character and invalid UTF-8. */
    xg_order_view v = {.order = &o,
                       .venue = "okx",
                       .venue_client_id = "abc123",
                       .venue_order_id = "",
                       .status = XG_STATUS_REJECTED,
                       .exec = {{0, 0}, {0, 0}, {0, 0}, ""},
                       .err = XG_ERR_INSUFFICIENT_FUNDS,
                       .detail = NULL,
                       .venue_code = "51008",
                       .venue_msg = "Insufficient\tbalance \xff\xc3\xa9"};

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_order_event(&b, "rejected", &v, &STAMP), XG_OK);
    json_t *root = load(&b);
    assert_string_equal(str_at(root, "type"), "order");
    assert_string_equal(str_at(root, "event"), "rejected");
    assert_int_equal(int_at(root, "ts_ms"), 1700000000123);
    assert_string_equal(str_at(root, "start_id"), START_ID);
    json_t *ord = json_object_get(root, "order");
    assert_null(json_object_get(ord, "price"));
    assert_string_equal(str_at(ord, "order_type"), "MARKET");
    assert_string_equal(str_at(ord, "status"), "REJECTED");
    assert_string_equal(str_at(ord, "filled_qty"), "0");
    json_t *e = json_object_get(ord, "error");
    assert_int_equal(int_at(e, "code"), 44);
    assert_string_equal(str_at(e, "name"), "INSUFFICIENT_FUNDS");
    assert_string_equal(str_at(e, "message"), "insufficient balance");
    assert_string_equal(str_at(e, "venue_code"), "51008");
    assert_string_equal(str_at(e, "venue_msg"),
                        "Insufficient\tbalance ?\xc3\xa9");
    json_decref(root);
}

/* A fill event: the trade (its fee only when the venue said it, the
 * liquidity by name) and the order as it stands after it. */
static void
test_fill_event_carries_the_trade_and_the_order_after_it(void **state)
{
    (void)state;
    char mem[2048];
    xg_buf b;
    xg_order o = sample_order();
    xg_order_view v = {.order = &o,
                       .venue = "okx",
                       .venue_client_id = "lq0abcde000000011",
                       .venue_order_id = "6720ecd9",
                       .status = XG_STATUS_PARTIALLY_FILLED,
                       .exec = {{4, 3}, {140000, 3}, {4, 6}, "BTC"}};
    xg_fill fill;
    memset(&fill, 0, sizeof fill);
    snprintf(fill.trade_id, sizeof fill.trade_id, "11116472408");
    fill.qty = (xg_decimal){4000, 6};
    fill.price = (xg_decimal){3500000, 2};
    fill.fee = (xg_decimal){4, 6};
    snprintf(fill.fee_currency, sizeof fill.fee_currency, "BTC");
    fill.liquidity = XG_LIQUIDITY_MAKER;
    fill.time_ms = 1796640000450;

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_fill_event(&b, &fill, &v, &STAMP), XG_OK);
    json_t *root = load(&b);
    assert_string_equal(str_at(root, "type"), "fill");
    assert_string_equal(str_at(root, "start_id"), START_ID);
    json_t *f = json_object_get(root, "fill");
    assert_string_equal(str_at(f, "trade_id"), "11116472408");
    assert_string_equal(str_at(f, "qty"), "0.004");
    assert_string_equal(str_at(f, "price"), "35000");
    assert_string_equal(str_at(f, "fee"), "0.000004");
    assert_string_equal(str_at(f, "fee_currency"), "BTC");
    assert_string_equal(str_at(f, "liquidity"), "maker");
    assert_int_equal(int_at(f, "time_ms"), 1796640000450);
    json_t *ord = json_object_get(root, "order");
    assert_string_equal(str_at(ord, "status"), "PARTIALLY_FILLED");
    assert_string_equal(str_at(ord, "filled_qty"), "0.004");
    assert_string_equal(str_at(ord, "avg_price"), "35000");
    json_decref(root);

    /* No fee said (KuCoin's stream), no liquidity said. */
    fill.fee_currency[0] = '\0';
    fill.liquidity = XG_LIQUIDITY_UNKNOWN;
    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_fill_event(&b, &fill, &v, &STAMP), XG_OK);
    root = load(&b);
    f = json_object_get(root, "fill");
    assert_null(json_object_get(f, "fee"));
    assert_null(json_object_get(f, "fee_currency"));
    assert_string_equal(str_at(f, "liquidity"), "");
    json_decref(root);
}

/* An order_fills reply: the order, then its fills as fill events show
 * them, and where the next page starts. */
static void
test_fills_reply_lists_the_trades_and_the_next_page(void **state)
{
    (void)state;
    char mem[2048];
    xg_buf b;
    xg_order o = sample_order();
    xg_order_view v = {.order = &o,
                       .venue = "okx",
                       .venue_client_id = "lq0abcde000000011",
                       .venue_order_id = "6720ecd9",
                       .status = XG_STATUS_PARTIALLY_FILLED,
                       .exec = {{2, 3}, {70000, 3}, {0, 0}, ""}};
    xg_fill f1, f2;
    memset(&f1, 0, sizeof f1);
    snprintf(f1.trade_id, sizeof f1.trade_id, "t1");
    f1.qty = (xg_decimal){1, 3};
    f1.price = (xg_decimal){35000, 0};
    f1.liquidity = XG_LIQUIDITY_TAKER;
    f2 = f1;
    snprintf(f2.trade_id, sizeof f2.trade_id, "t2");
    f2.fee = (xg_decimal){-1, 6};
    snprintf(f2.fee_currency, sizeof f2.fee_currency, "USDT");
    const xg_fill *fills[] = {&f1, &f2};

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(
        xg__encode_reply_fills(&b, "r4", START_ID, &v, fills, 2, 7), XG_OK);
    json_t *root = load(&b);
    assert_true(json_is_true(json_object_get(root, "ok")));
    assert_string_equal(str_at(root, "req_id"), "r4");
    assert_string_equal(str_at(json_object_get(root, "order"), "filled_qty"),
                        "0.002");
    json_t *arr = json_object_get(root, "fills");
    assert_int_equal(json_array_size(arr), 2);
    assert_string_equal(str_at(json_array_get(arr, 0), "trade_id"), "t1");
    assert_null(json_object_get(json_array_get(arr, 0), "fee"));
    assert_string_equal(str_at(json_array_get(arr, 0), "liquidity"), "taker");
    assert_string_equal(str_at(json_array_get(arr, 1), "fee"), "-0.000001");
    assert_string_equal(str_at(root, "next_cursor"), "7");
    json_decref(root);

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_fills(&b, NULL, START_ID, &v, NULL, 0, 0),
                     XG_OK);
    root = load(&b);
    assert_int_equal(json_array_size(json_object_get(root, "fills")), 0);
    assert_string_equal(str_at(root, "next_cursor"), "");
    json_decref(root);
}

static void
test_venue_reply_and_event_round_trip(void **state)
{
    (void)state;
    char mem[1024];
    xg_buf b;
    xg_bucket_view buckets[] = {{"weight_1m", 120, 6000},
                                {"orders_10s", 3, 100}};
    xg_venue_view venues[] = {
        {"binance", "BANNED", 1700000060000, "HTTP 418", 2, 1, 5, buckets, 2,
         NULL, NULL, NULL, NULL, NULL, NULL},
        {"okx", "UP", 0, "", 0, 0, 0, NULL, 0, "IDLE", "silent for 31000 ms",
         "fallback", "Redis: closed", "gw-2", "614488474791936"}};

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_venues(&b, "v1", START_ID, venues, 2),
                     XG_OK);
    json_t *root = load(&b);
    json_t *arr = json_object_get(root, "venues");
    assert_int_equal(json_array_size(arr), 2);
    json_t *v0 = json_array_get(arr, 0);
    assert_string_equal(str_at(v0, "name"), "binance");
    assert_string_equal(str_at(v0, "state"), "BANNED");
    assert_int_equal(int_at(v0, "until_ms"), 1700000060000);
    assert_string_equal(str_at(v0, "reason"), "HTTP 418");
    assert_null(json_object_get(v0, "stream"));
    json_t *v1 = json_array_get(arr, 1);
    assert_string_equal(str_at(v1, "stream"), "IDLE");
    assert_string_equal(str_at(v1, "stream_reason"), "silent for 31000 ms");
    assert_null(json_object_get(v0, "limits"));
    assert_string_equal(str_at(v1, "limits"), "fallback");
    assert_string_equal(str_at(v1, "limits_reason"), "Redis: closed");
    assert_string_equal(str_at(v1, "gateway"), "gw-2");
    assert_string_equal(str_at(v1, "account"), "614488474791936");
    assert_int_equal(int_at(v0, "queued"), 2);
    assert_int_equal(int_at(v0, "in_flight"), 1);
    assert_int_equal(int_at(v0, "open_orders"), 5);
    json_t *bk = json_array_get(json_object_get(v0, "buckets"), 1);
    assert_string_equal(str_at(bk, "name"), "orders_10s");
    assert_int_equal(int_at(bk, "used"), 3);
    assert_int_equal(int_at(bk, "limit"), 100);
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(arr, 1), "buckets")), 0);
    json_decref(root);

    xg_buf_reset(&b);
    assert_int_equal(xg__encode_venue_event(&b, &venues[1], &STAMP), XG_OK);
    root = load(&b);
    assert_string_equal(str_at(root, "type"), "venue");
    assert_int_equal(int_at(root, "ts_ms"), 1700000000123);
    assert_string_equal(str_at(json_object_get(root, "venue"), "state"), "UP");
    json_decref(root);

    xg_buf_reset(&b);
    assert_int_equal(xg__encode_reply_venues(&b, "", START_ID, NULL, 0), XG_OK);
    root = load(&b);
    assert_int_equal(json_array_size(json_object_get(root, "venues")), 0);
    json_decref(root);
}

static void
test_rerouted_and_wait_events_round_trip(void **state)
{
    (void)state;
    char mem[512];
    xg_buf b;
    xg_order o = sample_order();

    xg_buf_init(&b, mem, sizeof(mem));
    const xg_skip_view skipped[] = {{"binance", "banned", 1700000060000},
                                    {"kucoin", "filters", 0}};
    const xg_reroute_view rr = {"binance",     "okx",   "banned",
                                1700000060000, skipped, 2};
    assert_int_equal(xg__encode_rerouted_event(&b, &o, &rr, &STAMP), XG_OK);
    json_t *root = load(&b);
    assert_string_equal(str_at(root, "type"), "rerouted");
    assert_string_equal(str_at(root, "client_order_id"), "abc123");
    assert_string_equal(str_at(root, "strategy"), "mm_1");
    assert_string_equal(str_at(root, "from"), "binance");
    assert_string_equal(str_at(root, "to"), "okx");
    assert_string_equal(str_at(root, "reason"), "banned");
    assert_int_equal(int_at(root, "ban_until_ms"), 1700000060000);
    assert_int_equal(int_at(root, "ts_ms"), 1700000000123);
    json_t *sk = json_object_get(root, "skipped");
    assert_int_equal(json_array_size(sk), 2);
    assert_string_equal(str_at(json_array_get(sk, 0), "venue"), "binance");
    assert_int_equal(int_at(json_array_get(sk, 0), "until_ms"), 1700000060000);
    assert_string_equal(str_at(json_array_get(sk, 1), "reason"), "filters");
    json_decref(root);

    xg_buf_reset(&b);
    assert_int_equal(
        xg__encode_wait_event(&b, "binance", &o, 850, "weight_1m", &STAMP),
        XG_OK);
    root = load(&b);
    assert_string_equal(str_at(root, "type"), "rate_limit_wait");
    assert_string_equal(str_at(root, "venue"), "binance");
    assert_string_equal(str_at(root, "client_order_id"), "abc123");
    assert_string_equal(str_at(root, "strategy"), "mm_1");
    assert_int_equal(int_at(root, "wait_ms"), 850);
    assert_string_equal(str_at(root, "reason"), "weight_1m");
    json_decref(root);
}

static void
test_hello_started_and_ok_carry_the_start_id(void **state)
{
    (void)state;
    char mem[256];
    xg_buf b;

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_hello_event(&b, "h1", &STAMP), XG_OK);
    json_t *root = load(&b);
    assert_string_equal(str_at(root, "type"), "hello");
    assert_string_equal(str_at(root, "req_id"), "h1");
    assert_string_equal(str_at(root, "start_id"), START_ID);
    assert_int_equal(int_at(root, "ts_ms"), 1700000000123);
    json_decref(root);

    xg_buf_reset(&b);
    assert_int_equal(xg__encode_started_event(&b, &STAMP), XG_OK);
    root = load(&b);
    assert_string_equal(str_at(root, "type"), "gateway_started");
    assert_string_equal(str_at(root, "start_id"), START_ID);
    json_decref(root);

    xg_buf_reset(&b);
    assert_int_equal(xg__encode_reply_ok(&b, "h1", START_ID), XG_OK);
    root = load(&b);
    assert_true(json_is_true(json_object_get(root, "ok")));
    assert_string_equal(str_at(root, "req_id"), "h1");
    assert_string_equal(str_at(root, "start_id"), START_ID);
    assert_int_equal(json_object_size(root), 4);
    json_decref(root);
}

static void
test_encoders_report_truncation_on_small_buffer(void **state)
{
    (void)state;
    char mem[40];
    xg_buf b;
    xg_order o = sample_order();
    xg_order_view v = {
        .order = &o, .venue = "binance", .status = XG_STATUS_NEW};
    xg_venue_view vv = {"binance", "UP", 0,    "",   0,    0,    0,   NULL,
                        0,         NULL, NULL, NULL, NULL, NULL, NULL};

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_order(&b, "r", START_ID, &v),
                     XG_ERR_TRUNCATED);
    xg_buf_reset(&b);
    assert_int_equal(xg__encode_order_event(&b, "acked", &v, &STAMP),
                     XG_ERR_TRUNCATED);
    xg_buf_reset(&b);
    assert_int_equal(xg__encode_reply_error(&b, "r", START_ID, "C",
                                            XG_ERR_BAD_JSON,
                                            "malformed JSON at byte 3"),
                     XG_ERR_TRUNCATED);
    xg_buf_reset(&b);
    assert_int_equal(xg__encode_reply_venues(&b, "r", START_ID, &vv, 1),
                     XG_ERR_TRUNCATED);
    xg_buf_reset(&b);
    assert_int_equal(xg__encode_venue_event(&b, &vv, &STAMP), XG_ERR_TRUNCATED);
    xg_buf_reset(&b);
    const xg_reroute_view rr = {"a", "b", "r", 0, NULL, 0};
    assert_int_equal(xg__encode_rerouted_event(&b, &o, &rr, &STAMP),
                     XG_ERR_TRUNCATED);
    xg_buf_reset(&b);
    assert_int_equal(xg__encode_wait_event(&b, "a", &o, 1, "r", &STAMP),
                     XG_ERR_TRUNCATED);
}

static void
test_encoder_refuses_unformattable_decimal(void **state)
{
    (void)state;
    char mem[512];
    xg_buf b;
    xg_order o = sample_order();
    o.qty.scale = 40;
    xg_order_view v = {.order = &o, .status = XG_STATUS_NEW};

    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_reply_order(&b, "r", START_ID, &v),
                     XG_ERR_INVALID);
    assert_int_equal(xg__encode_reply_order(&b, "r", START_ID, NULL),
                     XG_ERR_INVALID);
}

static void
test_parsed_order_encodes_back_to_same_values(void **state)
{
    (void)state;
    xg_msg m;
    char detail[XG_DETAIL_MAX];
    char mem[1024];
    xg_buf b;

    assert_int_equal(parse(NEW_HEAD "\"client_order_id\":\"Z1\"," LIMIT_BODY
                                    "\"qty\":\"0.00100\",\"price\":\"30000\"}",
                           &m, detail),
                     XG_OK);
    xg_order_view v = {.order = &m.order, .status = XG_STATUS_PENDING};
    xg_buf_init(&b, mem, sizeof(mem));
    assert_int_equal(xg__encode_order_event(&b, "acked", &v, &STAMP), XG_OK);
    json_t *root = load(&b);
    json_t *ord = json_object_get(root, "order");
    assert_string_equal(str_at(ord, "qty"), "0.00100");
    assert_string_equal(str_at(ord, "price"), "30000");
    assert_string_equal(str_at(ord, "status"), "PENDING");
    assert_string_equal(str_at(ord, "venue"), "");
    json_decref(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_limit_order_parses_every_field),
        cmocka_unit_test(test_new_order_defaults_when_optional_fields_absent),
        cmocka_unit_test(test_market_order_defaults_to_ioc_without_price),
        cmocka_unit_test(test_cancel_and_query_parse_client_id_and_strategy),
        cmocka_unit_test(test_hello_parses_and_requires_strategy),
        cmocka_unit_test(test_venue_status_parses),
        cmocka_unit_test(test_parse_accepts_data_without_terminating_nul),
        cmocka_unit_test(test_malformed_json_is_bad_json),
        cmocka_unit_test(test_binary_garbage_is_bad_json_with_printable_detail),
        cmocka_unit_test(test_embedded_nul_is_bad_json),
        cmocka_unit_test(test_duplicate_keys_are_refused),
        cmocka_unit_test(test_deep_nesting_is_refused),
        cmocka_unit_test(test_message_over_limit_is_too_large_before_parsing),
        cmocka_unit_test(test_missing_type_or_unknown_type),
        cmocka_unit_test(test_unknown_field_is_named),
        cmocka_unit_test(test_unknown_field_detail_is_bounded_and_printable),
        cmocka_unit_test(test_missing_required_fields_are_named),
        cmocka_unit_test(test_wrong_types_are_named),
        cmocka_unit_test(test_bad_enum_values_get_their_codes),
        cmocka_unit_test(test_market_order_refuses_resting_tif_and_price),
        cmocka_unit_test(test_bad_quantities_and_prices),
        cmocka_unit_test(test_bad_ids_and_names),
        cmocka_unit_test(test_venue_lists_too_long_duplicate_or_malformed),
        cmocka_unit_test(test_reject_still_reports_req_id_and_client_id),
        cmocka_unit_test(test_short_or_missing_detail_buffer_is_safe),
        cmocka_unit_test(test_error_reply_round_trips_and_escapes),
        cmocka_unit_test(test_order_reply_has_every_field),
        cmocka_unit_test(test_order_reply_with_quote_and_fee),
        cmocka_unit_test(test_amend_parses_price_qty_or_both),
        cmocka_unit_test(test_amend_reply_says_how),
        cmocka_unit_test(test_batch_new_orders_read_one_by_one),
        cmocka_unit_test(test_batch_reply_says_each_outcome),
        cmocka_unit_test(test_balances_request_and_reply),
        cmocka_unit_test(test_open_orders_parses_filters_and_page),
        cmocka_unit_test(test_order_fills_parses_its_order_and_page),
        cmocka_unit_test(test_fills_reply_lists_the_trades_and_the_next_page),
        cmocka_unit_test(test_orders_reply_lists_a_page),
        cmocka_unit_test(test_cancel_all_parses_filters_and_reply_lists_ids),
        cmocka_unit_test(test_order_event_for_rejected_market_order),
        cmocka_unit_test(
            test_fill_event_carries_the_trade_and_the_order_after_it),
        cmocka_unit_test(test_venue_reply_and_event_round_trip),
        cmocka_unit_test(test_rerouted_and_wait_events_round_trip),
        cmocka_unit_test(test_hello_started_and_ok_carry_the_start_id),
        cmocka_unit_test(test_encoders_report_truncation_on_small_buffer),
        cmocka_unit_test(test_encoder_refuses_unformattable_decimal),
        cmocka_unit_test(test_parsed_order_encodes_back_to_same_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
