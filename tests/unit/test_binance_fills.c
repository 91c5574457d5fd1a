/*
 * test_binance_fills.c - one order's fills (XG_OP_ORDER_FILLS) on
 * Binance: the myTrades request build() makes (by symbol and orderId,
 * from fromId 0, then from the cursor; signed; weight 5), the answer read
 * into xg_fill values the private stream's reader gives for the same
 * trades, a full page cut with the next fromId, error answers through the
 * error table as reads, and bodies that must reach the sink with nothing.
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

#define DATA   XG_TEST_DATA_DIR "/binance/"
#define NOW_MS 1700000000000LL

/* What a sink received: every fill, and how many. */
typedef struct collected {
    xg_fill fills[4];
    size_t n;
    size_t fail_at; /* refuse the call with this number (0: never) */
} collected;

typedef struct fixture {
    binance *b;
    xg_instrument ins;
    xg_http_request req;
    collected got;
    xg_result res;
} fixture;

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    xg_adapter_config cfg = {"apikey123", "secret456", NULL, NULL, 0};
    char err[128];
    void *inst = NULL;

    if (f == NULL ||
        xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)) != XG_OK) {
        free(f);
        return -1;
    }
    f->b = inst;
    xg_strlcpy(f->ins.symbol, "BTC/USDT", sizeof(f->ins.symbol));
    xg_strlcpy(f->ins.venue_symbol, "BTCUSDT", sizeof(f->ins.venue_symbol));
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    xg_adapter_entry()->destroy(f->b);
    free(f);
    return 0;
}

static char *
read_file(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", DATA, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long n = ftell(fp);
    assert_true(n >= 0);
    assert_int_equal(fseek(fp, 0, SEEK_SET), 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static xg_op
fills_op(fixture *f, const char *venue_order_id, const char *cursor)
{
    xg_op op = {.kind = XG_OP_ORDER_FILLS,
                .instrument = &f->ins,
                .client_id = "xg0001",
                .venue_order_id = venue_order_id,
                .cursor = cursor};
    return op;
}

static xg_err
build(fixture *f, const char *venue_order_id, const char *cursor)
{
    xg_op op = fills_op(f, venue_order_id, cursor);
    memset(&f->req, 0, sizeof(f->req));
    return xg_adapter_entry()->build(f->b, &op, NOW_MS, &f->req);
}

static xg_err
collect_fill(void *ctx, const xg_fill *fill)
{
    collected *c = ctx;
    c->n++;
    if (c->fail_at != 0 && c->n == c->fail_at) {
        return XG_ERR_NOMEM;
    }
    if (c->n <= sizeof(c->fills) / sizeof(c->fills[0])) {
        c->fills[c->n - 1] = *fill;
    }
    return XG_OK;
}

/* Parse body[0..len) as the answer to ORDER_FILLS of order 28457, copied
 * to a buffer of exactly len bytes so ASan sees any read past it. */
static xg_err
parse_n(fixture *f, int status, const char *body, size_t len)
{
    xg_op op = fills_op(f, "28457", NULL);
    xg_sink sink = {.ctx = &f->got, .fill = collect_fill};
    char *copy = malloc(len > 0 ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    xg_http_response resp = {status, NULL, 0, copy, len};
    f->got.n = 0;
    memset(&f->res, 0x5a, sizeof(f->res)); /* parse must set everything */
    xg_err rc = xg_adapter_entry()->parse(f->b, &op, &resp, &sink, &f->res);
    free(copy);
    return rc;
}

static void
parse_ok(fixture *f, int status, const char *body)
{
    assert_int_equal(parse_n(f, status, body, strlen(body)), XG_OK);
}

static void
expect_decimal(xg_decimal d, int64_t units, unsigned scale)
{
    assert_int_equal(d.units, units);
    assert_int_equal(d.scale, scale);
}

static int64_t
cost_of(const xg_http_request *req, uint16_t bucket)
{
    for (size_t i = 0; i < req->n_costs; i++) {
        if (req->costs[i].bucket == bucket) {
            return req->costs[i].units;
        }
    }
    return 0;
}

/* The signed query before "&signature=", with the signature checked to be
 * the HMAC of exactly it. */
static const char *
signed_query(fixture *f, char *buf, size_t cap)
{
    const char *q = strchr(f->req.target, '?');
    assert_non_null(q);
    const char *sig = strstr(q + 1, "&signature=");
    char expect[XG_HEX_SHA256_LEN + 1];
    assert_non_null(sig);
    size_t n = (size_t)(sig - (q + 1));
    assert_true(n < cap);
    memcpy(buf, q + 1, n);
    buf[n] = '\0';
    assert_int_equal(binance_signature(f->b, buf, n, expect), XG_OK);
    assert_string_equal(sig + strlen("&signature="), expect);
    return buf;
}

/* --- the request ---------------------------------------------------------- */

/* rest-api.md: "symbol + orderId + fromId" is a combination myTrades
 * takes; fromId 0 makes the first page the order's oldest trades. */
static void
test_fills_ask_my_trades_by_order_from_the_first_trade(void **state)
{
    fixture *f = *state;
    char buf[512];

    assert_int_equal(build(f, "28457", NULL), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_int_equal(strncmp(f->req.target, "/api/v3/myTrades?", 17), 0);
    assert_string_equal(signed_query(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT&orderId=28457"
                        "&fromId=0&limit=1000&recvWindow=5000");
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_string_equal(f->req.headers[0].name, "X-MBX-APIKEY");
    assert_string_equal(f->req.headers[0].value, "apikey123");
    assert_int_equal(f->req.priority, XG_PRIO_QUERY);
    /* Weight 5 with orderId (20 without), one raw request, no order. */
    assert_int_equal(f->req.n_costs, 2);
    assert_int_equal(cost_of(&f->req, 0), 5);
    assert_int_equal(cost_of(&f->req, 1), 1);
    assert_int_equal(binance_op_weight(&(xg_op){.kind = XG_OP_ORDER_FILLS}), 5);
}

static void
test_next_page_starts_from_the_cursor(void **state)
{
    fixture *f = *state;
    char buf[512];

    assert_int_equal(build(f, "28457", "9003"), XG_OK);
    assert_string_equal(signed_query(f, buf, sizeof(buf)),
                        "timestamp=1700000000000&symbol=BTCUSDT&orderId=28457"
                        "&fromId=9003&limit=1000&recvWindow=5000");
}

/* Binance's order ids and trade ids are LONGs: anything else, and an
 * empty or missing order id, is refused before a request exists. */
static void
test_fills_refuse_what_binance_cannot_take(void **state)
{
    fixture *f = *state;
    static const char *const bad_ids[] = {
        "", "12a", "-5", "1 2", "1&x=2", "+1", "1.5", "99999999999999999999"};
    char no_nul[XG_CURSOR_MAX];
    memset(no_nul, '1', sizeof(no_nul));

    assert_int_equal(build(f, NULL, NULL), XG_ERR_INVALID);
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        assert_int_equal(build(f, bad_ids[i], NULL), XG_ERR_INVALID);
        assert_int_equal(build(f, "28457", bad_ids[i]), XG_ERR_INVALID);
    }
    assert_int_equal(build(f, "28457", no_nul), XG_ERR_INVALID);

    xg_op op = fills_op(f, "28457", NULL);
    op.instrument = NULL;
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, NOW_MS, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
    op = fills_op(f, "28457", NULL);
    assert_int_equal(xg_adapter_entry()->build(f->b, &op, 0, &f->req),
                     XG_ERR_INVALID);
}

/* --- the answer ---------------------------------------------------------- */

static void
test_trades_become_fills_oldest_first(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("my_trades.json", &len);

    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
    assert_int_equal(f->got.n, 2);

    const xg_fill *a = &f->got.fills[0];
    assert_string_equal(a->trade_id, "9001");
    expect_decimal(a->qty, 4, 1);
    expect_decimal(a->price, 60000, 0);
    expect_decimal(a->fee, 4, 4);
    assert_string_equal(a->fee_currency, "BTC");
    assert_int_equal(a->liquidity, XG_LIQUIDITY_MAKER);
    assert_int_equal(a->time_ms, 1767225660450LL);

    const xg_fill *b = &f->got.fills[1];
    assert_string_equal(b->trade_id, "9002");
    expect_decimal(b->qty, 6, 1);
    expect_decimal(b->fee, 6, 4);
    assert_int_equal(b->time_ms, 1767225690450LL);
}

static xg_err
collect_update(void *ctx, const xg_stream_update *u)
{
    xg_fill *out = ctx;
    assert_true(u->has_fill);
    *out = u->fill;
    return XG_OK;
}

/* The core counts a fill once by (venue, trade id), whether the stream or
 * myTrades told it: the executionReports of the same two trades give the
 * same ids, and the same values. */
static void
test_fills_match_what_the_stream_said(void **state)
{
    fixture *f = *state;
    static const char *const pushes[] = {"stream_partial_fill.json",
                                         "stream_fill.json"};
    size_t len = 0;
    char *body = read_file("my_trades.json", &len);

    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->got.n, 2);
    for (size_t i = 0; i < 2; i++) {
        xg_fill pushed;
        xg_stream_sink sink = {&pushed, collect_update};
        xg_stream_result sres;
        char *text = read_file(pushes[i], &len);
        memset(&pushed, 0, sizeof(pushed));
        assert_int_equal(binance_stream_parse(f->b, text, len, &sink, &sres),
                         XG_OK);
        free(text);
        assert_int_equal(sres.kind, XG_STREAM_UPDATES);
        const xg_fill *got = &f->got.fills[i];
        assert_string_equal(got->trade_id, pushed.trade_id);
        assert_int_equal(xg_decimal_cmp(got->qty, pushed.qty), 0);
        assert_int_equal(xg_decimal_cmp(got->price, pushed.price), 0);
        assert_int_equal(xg_decimal_cmp(got->fee, pushed.fee), 0);
        assert_string_equal(got->fee_currency, pushed.fee_currency);
        assert_int_equal(got->liquidity, pushed.liquidity);
        assert_int_equal(got->time_ms, pushed.time_ms);
    }
}

/* A myTrades answer of n trades of order 28457, ids first.. ascending. */
static char *
trades_body(size_t n, int64_t first, size_t *len)
{
    size_t cap = 64 + n * 256;
    char *body = malloc(cap);
    size_t at = 0;
    assert_non_null(body);
    body[at++] = '[';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(
            body + at, cap - at,
            "%s{\"symbol\":\"BTCUSDT\",\"id\":%lld,\"orderId\":28457,"
            "\"orderListId\":-1,\"price\":\"60000.00\",\"qty\":\"0.001\","
            "\"quoteQty\":\"60\",\"commission\":\"0.06\","
            "\"commissionAsset\":\"USDT\",\"time\":1767225660450,"
            "\"isBuyer\":false,\"isMaker\":false,\"isBestMatch\":true}",
            i > 0 ? "," : "", (long long)(first + (int64_t)i));
        assert_true(k > 0 && (size_t)k < cap - at);
        at += (size_t)k;
    }
    body[at++] = ']';
    body[at] = '\0';
    *len = at;
    return body;
}

/* A page as full as asked (1000) may have more behind it: cut, and the
 * next fromId is one past its largest trade id. */
static void
test_full_page_is_cut_with_the_next_from_id(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = trades_body(BINANCE_MY_TRADES_PAGE, 5000, &len);

    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, BINANCE_MY_TRADES_PAGE);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "6000");
    assert_string_equal(f->got.fills[0].trade_id, "5000");
    assert_int_equal(f->got.fills[0].liquidity, XG_LIQUIDITY_TAKER);
    expect_decimal(f->got.fills[0].fee, 6, 2);
    assert_string_equal(f->got.fills[0].fee_currency, "USDT");

    /* What build() makes of that cursor. */
    assert_int_equal(build(f, "28457", f->res.next_cursor), XG_OK);
    assert_non_null(strstr(f->req.target, "&fromId=6000&"));

    body = trades_body(BINANCE_MY_TRADES_PAGE - 1, 5000, &len);
    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");

    parse_ok(f, 200, "[]");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 0);
    assert_int_equal(f->res.is_list_cut, 0);
}

/* Errors go through the table as any read's: a 5xx changed nothing and
 * is asked again (never UNKNOWN, which is for orders that may have
 * changed). */
static void
test_error_answers_are_a_read_refused(void **state)
{
    fixture *f = *state;

    parse_ok(f, 500, "{\"code\":-1000,\"msg\":\"An unknown error occurred.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);
    assert_string_equal(f->res.venue_code, "-1000");
    assert_int_equal(f->got.n, 0);

    parse_ok(f, 400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_UNKNOWN_SYMBOL);
    assert_string_equal(f->res.venue_msg, "Invalid symbol.");

    parse_ok(f, 429, "{\"code\":-1003,\"msg\":\"Too much request weight.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.err, XG_ERR_RATE_LIMITED);
    assert_int_equal(f->got.n, 0);
}

/* A body that does not say the trades, or names another order's or
 * symbol's, is refused whole: the sink hears nothing of it. */
static void
test_malformed_answers_reach_the_sink_with_nothing(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "{}",
        "null",
        "[1]",
        "[{\"symbol\":\"BTCUSDT\",\"id\":1,\"orderId\":28457}]",
        /* a good trade, then one of another order */
        "[{\"symbol\":\"BTCUSDT\",\"id\":1,\"orderId\":28457,\"price\":\"1\","
        "\"qty\":\"1\",\"commission\":\"0\",\"commissionAsset\":\"BTC\","
        "\"time\":1,\"isMaker\":true},"
        "{\"symbol\":\"BTCUSDT\",\"id\":2,\"orderId\":28458,\"price\":\"1\","
        "\"qty\":\"1\",\"commission\":\"0\",\"commissionAsset\":\"BTC\","
        "\"time\":1,\"isMaker\":true}]",
        /* another symbol */
        "[{\"symbol\":\"ETHUSDT\",\"id\":1,\"orderId\":28457,\"price\":\"1\","
        "\"qty\":\"1\",\"commission\":\"0\",\"commissionAsset\":\"BTC\","
        "\"time\":1,\"isMaker\":true}]",
        /* a trade id as a string, a zero quantity, a fee as a number */
        "[{\"symbol\":\"BTCUSDT\",\"id\":\"1\",\"orderId\":28457,\"price\":"
        "\"1\",\"qty\":\"1\",\"commission\":\"0\",\"commissionAsset\":\"BTC\","
        "\"time\":1,\"isMaker\":true}]",
        ("[{\"symbol\":\"BTCUSDT\",\"id\":1,\"orderId\":28457,\"price\":\"1\","
         "\"qty\":\"0\",\"commission\":\"0\",\"commissionAsset\":\"BTC\","
         "\"time\":1,\"isMaker\":true}]"),
        ("[{\"symbol\":\"BTCUSDT\",\"id\":1,\"orderId\":28457,\"price\":\"1\","
         "\"qty\":\"1\",\"commission\":0.5,\"commissionAsset\":\"BTC\","
         "\"time\":1,\"isMaker\":true}]"),
        /* a repeated member */
        "[{\"symbol\":\"BTCUSDT\",\"id\":1,\"id\":2,\"orderId\":28457,"
        "\"price\":\"1\",\"qty\":\"1\",\"commission\":\"0\","
        "\"commissionAsset\":\"BTC\",\"time\":1,\"isMaker\":true}]",
        "[{\"symbol\":\"BTCUSDT\"",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.is_list_cut, 0);
        assert_int_equal(f->got.n, 0);
    }
    parse_ok(f, 200, "<html>gateway</html>");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
}

/* The sink's error stops the parse and is what parse returns; an op
 * without its order id is the caller's error. */
static void
test_sink_error_stops_the_parse(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("my_trades.json", &len);

    f->got.fail_at = 1;
    assert_int_equal(parse_n(f, 200, body, len), XG_ERR_NOMEM);
    assert_int_equal(f->got.n, 1);
    f->got.fail_at = 0;

    xg_op op = fills_op(f, NULL, NULL);
    xg_http_response resp = {200, NULL, 0, body, len};
    assert_int_equal(xg_adapter_entry()->parse(f->b, &op, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
    free(body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_fills_ask_my_trades_by_order_from_the_first_trade, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_next_page_starts_from_the_cursor,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fills_refuse_what_binance_cannot_take, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trades_become_fills_oldest_first,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fills_match_what_the_stream_said,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_full_page_is_cut_with_the_next_from_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_answers_are_a_read_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_malformed_answers_reach_the_sink_with_nothing, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_sink_error_stops_the_parse, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
