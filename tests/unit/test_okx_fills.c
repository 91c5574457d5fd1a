/*
 * test_okx_fills.c - one order's fills (XG_OP_ORDER_FILLS) on OKX v5: the
 * /trade/fills request build() makes (by instId and ordId, 100 a page,
 * "after" the billId the previous page ended on; signed, checked with an
 * HMAC computed here with OpenSSL; one unit of its own per-user bucket),
 * the answer read into xg_fill values the orders channel's reader gives
 * for the same fills (OKX's negative fee turned into the gateway's
 * positive one), a full page cut with its last billId, error answers
 * through the error table as reads, and bodies that must reach the sink
 * with nothing.
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

#define DATA   XG_TEST_DATA_DIR "/okx/"
#define NOW_MS 1700000000000LL
#define ORDER  "452197707845865472"

typedef struct collected {
    xg_fill fills[4];
    size_t n;
    size_t fail_at; /* refuse the call with this number (0: never) */
} collected;

typedef struct fixture {
    void *inst;
    xg_instrument btc;
    xg_http_request req;
    collected got;
    xg_result res;
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
                .instrument = &f->btc,
                .client_id = "xg0004",
                .venue_order_id = venue_order_id,
                .cursor = cursor};
    return op;
}

static xg_err
build(fixture *f, const char *venue_order_id, const char *cursor)
{
    xg_op op = fills_op(f, venue_order_id, cursor);
    memset(&f->req, 0, sizeof(f->req));
    return xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req);
}

static const char *
header(const xg_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcmp(req->headers[i].name, name) == 0) {
            return req->headers[i].value;
        }
    }
    fail_msg("no header %s", name);
    return NULL;
}

/* OKX's signature over timestamp + GET + the target as sent, computed
 * here rather than by sign.c. */
static void
assert_signed_as_sent(const xg_http_request *req)
{
    static const char ts[] = "2023-11-14T22:13:20.000Z";
    char pre[XG_HTTP_TARGET_MAX + 64];
    unsigned char mac[32];
    unsigned int mac_len = 0;
    char sig[64];

    snprintf(pre, sizeof(pre), "%sGET%s", ts, req->target);
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (const unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    EVP_EncodeBlock((unsigned char *)sig, mac, (int)mac_len);
    assert_string_equal(header(req, "OK-ACCESS-SIGN"), sig);
    assert_string_equal(header(req, "OK-ACCESS-TIMESTAMP"), ts);
    assert_string_equal(header(req, "OK-ACCESS-KEY"), "key");
    assert_string_equal(header(req, "OK-ACCESS-PASSPHRASE"), "pass");
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

/* Parse body[0..len) as the answer to ORDER_FILLS of ORDER, copied to a
 * buffer of exactly len bytes so ASan sees any read past it. */
static xg_err
parse_n(fixture *f, int status, const char *body, size_t len)
{
    xg_op op = fills_op(f, ORDER, NULL);
    xg_sink sink = {.ctx = &f->got, .fill = collect_fill};
    char *copy = malloc(len > 0 ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    xg_http_response resp = {status, NULL, 0, copy, len};
    f->got.n = 0;
    memset(&f->res, 0x5a, sizeof(f->res)); /* parse must set everything */
    xg_err rc = xg_adapter_entry()->parse(f->inst, &op, &resp, &sink, &f->res);
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

/* --- the request ---------------------------------------------------------- */

static void
test_fills_ask_trade_fills_by_ord_id(void **state)
{
    fixture *f = *state;

    assert_int_equal(build(f, ORDER, NULL), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target,
                        "/api/v5/trade/fills?instType=SPOT"
                        "&instId=BTC-USDT&ordId=" ORDER "&limit=100");
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_signed_as_sent(&f->req);
    assert_int_equal(f->req.priority, XG_PRIO_QUERY);
    /* One request of its own bucket, per user: no instrument scope. */
    assert_int_equal(f->req.n_costs, 1);
    assert_int_equal(f->req.costs[0].bucket, OKX_B_FILLS);
    assert_int_equal(f->req.costs[0].scope, 0);
    assert_int_equal(f->req.costs[0].units, 1);
}

static void
test_next_page_is_after_the_bill_id(void **state)
{
    fixture *f = *state;

    assert_int_equal(build(f, ORDER, "452197711931613184"), XG_OK);
    assert_string_equal(f->req.target,
                        "/api/v5/trade/fills?instType=SPOT&instId=BTC-USDT"
                        "&ordId=" ORDER "&after=452197711931613184&limit=100");
    assert_signed_as_sent(&f->req);
}

static void
test_fills_refuse_what_okx_cannot_take(void **state)
{
    fixture *f = *state;
    static const char *const bad_cursors[] = {"", "12a", "-5", "1 2",
                                              "12&limit=1"};
    char no_nul[XG_CURSOR_MAX];
    memset(no_nul, '1', sizeof(no_nul));

    assert_int_equal(build(f, NULL, NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, "", NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, "4521&x=1", NULL), XG_ERR_INVALID);
    for (size_t i = 0; i < sizeof(bad_cursors) / sizeof(bad_cursors[0]); i++) {
        assert_int_equal(build(f, ORDER, bad_cursors[i]), XG_ERR_INVALID);
    }
    assert_int_equal(build(f, ORDER, no_nul), XG_ERR_INVALID);

    xg_op op = fills_op(f, ORDER, NULL);
    op.instrument = NULL;
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, NOW_MS, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
    op = fills_op(f, ORDER, NULL);
    assert_int_equal(xg_adapter_entry()->build(f->inst, &op, 0, &f->req),
                     XG_ERR_INVALID);
}

/* --- the answer ---------------------------------------------------------- */

static void
test_fills_read_in_the_venues_order_with_the_fee_paid_positive(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("fills.json", &len);

    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
    assert_int_equal(f->got.n, 2);

    /* Newest first, as OKX lists them. */
    const xg_fill *a = &f->got.fills[0];
    assert_string_equal(a->trade_id, "242589208");
    expect_decimal(a->qty, 6, 3);
    expect_decimal(a->price, 60002, 0);
    expect_decimal(a->fee, 9, 6); /* "-0.000009": charged */
    assert_string_equal(a->fee_currency, "BTC");
    assert_int_equal(a->liquidity, XG_LIQUIDITY_TAKER);
    assert_int_equal(a->time_ms, 1767225690450LL);

    const xg_fill *b = &f->got.fills[1];
    assert_string_equal(b->trade_id, "242589207");
    expect_decimal(b->qty, 4, 3);
    expect_decimal(b->price, 60000, 0);
    expect_decimal(b->fee, 4, 6);
    assert_int_equal(b->liquidity, XG_LIQUIDITY_MAKER);
    assert_int_equal(b->time_ms, 1767225660450LL);
}

static xg_err
collect_update(void *ctx, const xg_stream_update *u)
{
    xg_fill *out = ctx;
    assert_true(u->has_fill);
    assert_string_equal(u->order.venue_order_id, ORDER);
    *out = u->fill;
    return XG_OK;
}

/* The core counts a fill once by (venue, trade id): the orders push that
 * carried the same fill gives the same tradeId, and the same values, the
 * fee's sign turned the same way. */
static void
test_fills_match_what_the_stream_said(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("fills.json", &len);
    xg_fill pushed;
    xg_stream_sink sink = {&pushed, collect_update};
    xg_stream_result sres;

    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->got.n, 2);
    char *text = read_file("stream_order_partial.json", &len);
    memset(&pushed, 0, sizeof(pushed));
    assert_int_equal(
        xg_adapter_entry()->stream_parse(f->inst, text, len, &sink, &sres),
        XG_OK);
    free(text);
    assert_int_equal(sres.kind, XG_STREAM_UPDATES);
    const xg_fill *got = &f->got.fills[1];
    assert_string_equal(got->trade_id, pushed.trade_id);
    assert_int_equal(xg_decimal_cmp(got->qty, pushed.qty), 0);
    assert_int_equal(xg_decimal_cmp(got->price, pushed.price), 0);
    assert_int_equal(xg_decimal_cmp(got->fee, pushed.fee), 0);
    assert_string_equal(got->fee_currency, pushed.fee_currency);
    assert_int_equal(got->liquidity, pushed.liquidity);
    assert_int_equal(got->time_ms, pushed.time_ms);
}

/* An answer of n fills of ORDER, billIds from top down; the last one's
 * billId as given (JSON text). */
static char *
fills_body(size_t n, int64_t top, const char *last_bill, size_t *len)
{
    size_t cap = 128 + n * 256;
    char *body = malloc(cap);
    size_t at = 0;
    assert_non_null(body);
    at +=
        (size_t)snprintf(body, cap, "{\"code\":\"0\",\"msg\":\"\",\"data\":[");
    for (size_t i = 0; i < n; i++) {
        char bill[32];
        snprintf(bill, sizeof(bill), "\"%lld\"", (long long)(top - (int64_t)i));
        int k = snprintf(
            body + at, cap - at,
            "%s{\"instType\":\"SPOT\",\"instId\":\"BTC-USDT\",\"tradeId\":"
            "\"%zu\",\"ordId\":\"" ORDER "\",\"clOrdId\":\"xg0004\","
            "\"billId\":%s,\"fillPx\":\"60000\",\"fillSz\":\"0.0001\","
            "\"side\":\"buy\",\"execType\":\"T\",\"feeCcy\":\"BTC\","
            "\"fee\":\"-0.0000001\",\"ts\":\"1\",\"fillTime\":\"1\"}",
            i > 0 ? "," : "", 1000 + n - i,
            i + 1 == n && last_bill != NULL ? last_bill : bill);
        assert_true(k > 0 && (size_t)k < cap - at);
        at += (size_t)k;
    }
    at += (size_t)snprintf(body + at, cap - at, "]}");
    *len = at;
    return body;
}

/* OKX says nothing of more pages: a page as full as asked (100) is cut,
 * and the next one is "after" its last (oldest) billId. */
static void
test_full_page_is_cut_after_its_last_bill_id(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = fills_body(OKX_FILLS_PAGE, 900, NULL, &len);

    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, OKX_FILLS_PAGE);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "801");
    assert_int_equal(build(f, ORDER, f->res.next_cursor), XG_OK);
    assert_non_null(strstr(f->req.target, "&after=801&"));

    /* A billId that cannot travel back: cut, no way on. */
    body = fills_body(OKX_FILLS_PAGE, 900, "\"80a\"", &len);
    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "");

    body = fills_body(OKX_FILLS_PAGE - 1, 900, NULL, &len);
    assert_int_equal(parse_n(f, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");

    parse_ok(f, 200, "{\"code\":\"0\",\"msg\":\"\",\"data\":[]}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 0);
    assert_int_equal(f->res.is_list_cut, 0);
}

/* Errors go through the table as any read's. */
static void
test_error_answers_are_a_read_refused(void **state)
{
    fixture *f = *state;

    parse_ok(f, 503,
             "{\"code\":\"50001\",\"msg\":\"Service temporarily "
             "unavailable\",\"data\":[]}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);
    assert_string_equal(f->res.venue_code, "50001");
    assert_int_equal(f->got.n, 0);

    parse_ok(f, 429,
             "{\"code\":\"50011\",\"msg\":\"Rate limit reached.\","
             "\"data\":[]}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.err, XG_ERR_RATE_LIMITED);

    parse_ok(f, 200,
             "{\"code\":\"51001\",\"msg\":\"Instrument ID does not "
             "exist\",\"data\":[]}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_UNKNOWN_SYMBOL);
}

#define FILLS(entries) "{\"code\":\"0\",\"msg\":\"\",\"data\":[" entries "]}"
#define FILL(ord, trade, sz)                                                   \
    "{\"tradeId\":" trade ",\"ordId\":\"" ord "\",\"billId\":\"1\","           \
    "\"fillPx\":\"1\",\"fillSz\":" sz ",\"execType\":\"T\",\"feeCcy\":"        \
    "\"BTC\",\"fee\":\"-0.1\",\"fillTime\":\"1\"}"

/* A body that does not say the fills, or names another order's, is
 * refused whole: the sink hears nothing of it. */
static void
test_malformed_answers_reach_the_sink_with_nothing(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "{\"code\":\"0\",\"msg\":\"\"}",
        "{\"code\":\"0\",\"msg\":\"\",\"data\":{}}",
        "{\"msg\":\"\",\"data\":[]}",
        FILLS("1"),
        FILLS(FILL(ORDER, "\"7\"", "\"1\"") "," FILL("452197707845865473",
                                                     "\"8\"", "\"1\"")),
        FILLS(FILL(ORDER, "\"\"", "\"1\"")),
        FILLS(FILL(ORDER, "7", "\"1\"")),
        FILLS(FILL(ORDER, "\"7\"", "\"0\"")),
        FILLS(FILL(ORDER, "\"7\"", "\"-1\"")),
        FILLS(FILL(ORDER, "\"a b\"", "\"1\"")),
        ("{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"tradeId\":\"7\","
         "\"tradeId\":\"8\"}]}"),
        "{\"code\":\"0\",\"data\":[",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.is_list_cut, 0);
        assert_int_equal(f->got.n, 0);
    }
    parse_ok(f, 200, FILLS(FILL(ORDER, "\"7\"", "\"1\"")));
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 1);
    expect_decimal(f->got.fills[0].fee, 1, 1);
}

static void
test_sink_error_stops_the_parse(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("fills.json", &len);

    f->got.fail_at = 1;
    assert_int_equal(parse_n(f, 200, body, len), XG_ERR_NOMEM);
    assert_int_equal(f->got.n, 1);
    f->got.fail_at = 0;

    xg_op op = fills_op(f, NULL, NULL);
    xg_http_response resp = {200, NULL, 0, body, len};
    assert_int_equal(
        xg_adapter_entry()->parse(f->inst, &op, &resp, NULL, &f->res),
        XG_ERR_INVALID);
    free(body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fills_ask_trade_fills_by_ord_id,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_page_is_after_the_bill_id,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fills_refuse_what_okx_cannot_take,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fills_read_in_the_venues_order_with_the_fee_paid_positive,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_fills_match_what_the_stream_said,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_full_page_is_cut_after_its_last_bill_id, setup, teardown),
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
