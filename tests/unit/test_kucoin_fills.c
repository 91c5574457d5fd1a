/*
 * test_kucoin_fills.c - one order's fills (XG_OP_ORDER_FILLS) on KuCoin:
 * the HF /api/v1/hf/fills request build() makes (by symbol and orderId,
 * 100 a page, lastId for the next; signed over exactly its query; weight
 * 2 of the Spot pool), the answer read into xg_fill values the order
 * push's reader gives for the same trades (an integer tradeId and the
 * push's string one the same text), a full page cut with data.lastId
 * unless the venue did not page as asked, error answers through the
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

#include "kucoin.h"

#define DATA  XG_TEST_DATA_DIR "/kucoin/"
#define NOW   1700000000000LL
#define ORDER "6720ecd9ec71f4000747731a"

typedef struct collected {
    xg_fill fills[4];
    size_t n;
    size_t fail_at; /* refuse the call with this number (0: never) */
} collected;

typedef struct fixture {
    kucoin *k;
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
    void *inst = NULL;

    assert_non_null(f);
    assert_int_equal(kucoin_create(&cfg, &inst, NULL, 0), XG_OK);
    f->k = inst;
    memcpy(f->btc.symbol, "BTC/USDT", 9);
    memcpy(f->btc.venue_symbol, "BTC-USDT", 9);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;
    kucoin_destroy(f->k);
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
                .client_id = "xg0005",
                .venue_order_id = venue_order_id,
                .cursor = cursor};
    return op;
}

static xg_err
build(fixture *f, const char *venue_order_id, const char *cursor)
{
    xg_op op = fills_op(f, venue_order_id, cursor);
    memset(&f->req, 0, sizeof(f->req));
    return kucoin_build(f->k, &op, NOW, &f->req);
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

/* The request is signed over timestamp + GET + path?query, no body. */
static void
assert_signed_as_sent(fixture *f, const char *query)
{
    char prehash[XG_HTTP_TARGET_MAX + 64];
    char sig[XG_B64_SHA256_LEN + 1];
    xg_http_request again;

    memset(&again, 0, sizeof(again));
    assert_int_equal(kucoin_finish_signed(f->k, "GET", "/api/v1/hf/fills",
                                          query, "", 0, NOW, &again, prehash,
                                          sizeof(prehash), sig),
                     XG_OK);
    assert_string_equal(header(&f->req, "KC-API-SIGN"), sig);
    assert_string_equal(again.target, f->req.target);
    assert_int_equal(strncmp(prehash, "1700000000000GET/api/v1/hf/fills?", 33),
                     0);
    assert_string_equal(header(&f->req, "KC-API-TIMESTAMP"), "1700000000000");
    assert_string_equal(header(&f->req, "KC-API-KEY"), "key");
    assert_string_equal(header(&f->req, "KC-API-KEY-VERSION"), "2");
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

/* Parse body[0..len) as the answer to ORDER_FILLS of ORDER (page cursor
 * as asked), copied to exactly len bytes so ASan sees any read past it. */
static xg_err
parse_n(fixture *f, const char *cursor, int status, const char *body,
        size_t len)
{
    xg_op op = fills_op(f, ORDER, cursor);
    xg_sink sink = {.ctx = &f->got, .fill = collect_fill};
    char *copy = malloc(len > 0 ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    xg_http_response resp = {status, NULL, 0, copy, len};
    f->got.n = 0;
    memset(&f->res, 0x5a, sizeof(f->res)); /* parse must set everything */
    xg_err rc = kucoin_parse(f->k, &op, &resp, &sink, &f->res);
    free(copy);
    return rc;
}

static void
parse_ok(fixture *f, int status, const char *body)
{
    assert_int_equal(parse_n(f, NULL, status, body, strlen(body)), XG_OK);
}

static void
expect_decimal(xg_decimal d, int64_t units, unsigned scale)
{
    assert_int_equal(d.units, units);
    assert_int_equal(d.scale, scale);
}

/* --- the request ---------------------------------------------------------- */

static void
test_fills_ask_hf_fills_by_order_id(void **state)
{
    fixture *f = *state;
    static const char query[] = "symbol=BTC-USDT&orderId=" ORDER "&limit=100";

    assert_int_equal(build(f, ORDER, NULL), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target, "/api/v1/hf/fills?symbol=BTC-USDT"
                                       "&orderId=" ORDER "&limit=100");
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_signed_as_sent(f, query);
    assert_int_equal(f->req.priority, XG_PRIO_QUERY);
    /* Weight 2 of the Spot pool. */
    assert_int_equal(f->req.n_costs, 1);
    assert_int_equal(f->req.costs[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(f->req.costs[0].units, 2);
}

static void
test_next_page_sends_the_last_id(void **state)
{
    fixture *f = *state;

    assert_int_equal(build(f, ORDER, "19814995255305"), XG_OK);
    assert_string_equal(f->req.target,
                        "/api/v1/hf/fills?symbol=BTC-USDT&orderId=" ORDER
                        "&lastId=19814995255305&limit=100");
    assert_signed_as_sent(f, "symbol=BTC-USDT&orderId=" ORDER
                             "&lastId=19814995255305&limit=100");
}

static void
test_fills_refuse_what_kucoin_cannot_take(void **state)
{
    fixture *f = *state;
    static const char *const bad_cursors[] = {
        "", "0", "12a", "-5", "1 2", "1&x", "99999999999999999999"};
    char no_nul[XG_CURSOR_MAX];
    memset(no_nul, '1', sizeof(no_nul));

    assert_int_equal(build(f, NULL, NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, "", NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, "6720ecd9&x=1", NULL), XG_ERR_INVALID);
    for (size_t i = 0; i < sizeof(bad_cursors) / sizeof(bad_cursors[0]); i++) {
        assert_int_equal(build(f, ORDER, bad_cursors[i]), XG_ERR_INVALID);
    }
    assert_int_equal(build(f, ORDER, no_nul), XG_ERR_INVALID);

    xg_op op = fills_op(f, ORDER, NULL);
    op.instrument = NULL;
    assert_int_equal(kucoin_build(f->k, &op, NOW, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
    op = fills_op(f, ORDER, NULL);
    assert_int_equal(kucoin_build(f->k, &op, 0, &f->req), XG_ERR_INVALID);
}

/* --- the answer ---------------------------------------------------------- */

static void
test_fills_read_in_the_venues_order_with_their_fee(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("hf_fills.json", &len);

    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
    assert_int_equal(f->got.n, 2);

    /* Newest first, as KuCoin lists them. */
    const xg_fill *a = &f->got.fills[0];
    assert_string_equal(a->trade_id, "11116472409");
    expect_decimal(a->qty, 6, 3);
    expect_decimal(a->price, 600015, 1);
    expect_decimal(a->fee, 360009, 6);
    assert_string_equal(a->fee_currency, "USDT");
    assert_int_equal(a->liquidity, XG_LIQUIDITY_TAKER);
    assert_int_equal(a->time_ms, 1767225690450LL);

    const xg_fill *b = &f->got.fills[1];
    assert_string_equal(b->trade_id, "11116472408");
    expect_decimal(b->qty, 4, 3);
    expect_decimal(b->price, 60000, 0);
    expect_decimal(b->fee, 24, 2);
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

/* The core counts a fill once by (venue, trade id): the match push of the
 * same trade (tradeId a string there, an integer in the list) gives the
 * same id and values; the push says no fee. */
static void
test_fills_match_what_the_stream_said(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("hf_fills.json", &len);
    xg_fill pushed;
    xg_stream_sink sink = {&pushed, collect_update};
    xg_stream_result sres;

    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->got.n, 2);
    char *text = read_file("stream_partial_fill.json", &len);
    memset(&pushed, 0, sizeof(pushed));
    assert_int_equal(kucoin_stream_parse(f->k, text, len, &sink, &sres), XG_OK);
    free(text);
    assert_int_equal(sres.kind, XG_STREAM_UPDATES);
    const xg_fill *got = &f->got.fills[1];
    assert_string_equal(got->trade_id, pushed.trade_id);
    assert_int_equal(xg_decimal_cmp(got->qty, pushed.qty), 0);
    assert_int_equal(xg_decimal_cmp(got->price, pushed.price), 0);
    assert_int_equal(got->liquidity, pushed.liquidity);
    assert_int_equal(got->time_ms, pushed.time_ms);
    assert_string_equal(pushed.fee_currency, "");
}

/* An answer of n fills of ORDER, ids from top down, and its lastId (JSON
 * text, NULL: none). */
static char *
fills_body(size_t n, int64_t top, const char *last_id, size_t *len)
{
    size_t cap = 128 + n * 320;
    char *body = malloc(cap);
    size_t at = 0;
    assert_non_null(body);
    at += (size_t)snprintf(body, cap,
                           "{\"code\":\"200000\",\"data\":{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(
            body + at, cap - at,
            "%s{\"id\":%lld,\"orderId\":\"" ORDER "\",\"tradeId\":%lld,"
            "\"symbol\":\"BTC-USDT\",\"side\":\"buy\",\"liquidity\":\"taker\","
            "\"price\":\"60000\",\"size\":\"0.0001\",\"funds\":\"6\","
            "\"fee\":\"0.006\",\"feeCurrency\":\"USDT\",\"createdAt\":1}",
            i > 0 ? "," : "", (long long)(top - (int64_t)i),
            (long long)(5000 + top - (int64_t)i));
        assert_true(k > 0 && (size_t)k < cap - at);
        at += (size_t)k;
    }
    at += (size_t)snprintf(body + at, cap - at, "]%s%s}}",
                           last_id != NULL ? ",\"lastId\":" : "",
                           last_id != NULL ? last_id : "");
    *len = at;
    return body;
}

/* A page as full as asked (100) is cut, and its lastId is the next
 * page's; a next page that does not lie below the lastId it was asked
 * with (KuCoin may ignore lastId beside an orderId) is cut with no way
 * on, so the same page is not asked for again. */
static void
test_full_page_is_cut_with_its_last_id(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = fills_body(KUCOIN_FILLS_PAGE, 900, "801", &len);

    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, KUCOIN_FILLS_PAGE);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "801");
    assert_int_equal(build(f, ORDER, f->res.next_cursor), XG_OK);
    assert_non_null(strstr(f->req.target, "&lastId=801&"));

    /* The same page again for lastId 801: the venue did not page. */
    assert_int_equal(parse_n(f, "801", 200, body, len), XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, KUCOIN_FILLS_PAGE);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "");
    /* The page below 901 is what was asked for. */
    assert_int_equal(parse_n(f, "901", 200, body, len), XG_OK);
    assert_string_equal(f->res.next_cursor, "801");
    free(body);

    /* Without a usable lastId: cut, no way on. */
    body = fills_body(KUCOIN_FILLS_PAGE, 900, NULL, &len);
    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "");
    body = fills_body(KUCOIN_FILLS_PAGE, 900, "\"801\"", &len);
    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_string_equal(f->res.next_cursor, "");

    body = fills_body(KUCOIN_FILLS_PAGE - 1, 900, "802", &len);
    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_OK);
    free(body);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");

    parse_ok(f, 200,
             "{\"code\":\"200000\",\"data\":{\"items\":[],"
             "\"lastId\":0}}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 0);
    assert_int_equal(f->res.is_list_cut, 0);
}

/* Errors go through the table as any read's. */
static void
test_error_answers_are_a_read_refused(void **state)
{
    fixture *f = *state;

    parse_ok(f, 500, "{\"code\":\"500000\",\"msg\":\"Internal Server Error\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);
    assert_string_equal(f->res.venue_code, "500000");
    assert_int_equal(f->got.n, 0);

    parse_ok(f, 429, "{\"code\":\"429000\",\"msg\":\"Too Many Requests\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.err, XG_ERR_RATE_LIMITED);

    parse_ok(f, 401,
             "{\"code\":\"400001\",\"msg\":\"Please check the header "
             "of your request for KC-API-KEY\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_AUTH);
}

#define FILLS(items)                                                           \
    "{\"code\":\"200000\",\"data\":{\"items\":[" items "],\"lastId\":1}}"
#define FILL(ord, trade, size)                                                 \
    "{\"id\":1,\"orderId\":\"" ord "\",\"tradeId\":" trade ",\"price\":"       \
    "\"1\",\"size\":" size ",\"fee\":\"0\",\"feeCurrency\":\"USDT\"}"

/* A body that does not say the fills, or names another order's, is
 * refused whole: the sink hears nothing of it. */
static void
test_malformed_answers_reach_the_sink_with_nothing(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "{\"code\":\"200000\",\"data\":[]}",
        "{\"code\":\"200000\",\"data\":{\"items\":{}}}",
        "{\"code\":\"200000\",\"data\":{}}",
        "{\"code\":\"200000\"}",
        FILLS("1"),
        FILLS(FILL(ORDER, "7", "\"1\"") "," FILL("6720ecd9ec71f4000747731b",
                                                 "8", "\"1\"")),
        FILLS(FILL(ORDER, "-7", "\"1\"")),
        FILLS(FILL(ORDER, "\"\"", "\"1\"")),
        FILLS(FILL(ORDER, "7.5", "\"1\"")),
        FILLS(FILL(ORDER, "7", "\"0\"")),
        FILLS(FILL(ORDER, "7", "1")),
        FILLS("{\"id\":\"1\",\"orderId\":\"" ORDER "\",\"tradeId\":7,"
              "\"price\":\"1\",\"size\":\"1\"}"),
        FILLS("{\"orderId\":\"" ORDER "\",\"tradeId\":7,\"tradeId\":8,"
              "\"price\":\"1\",\"size\":\"1\"}"),
        "{\"code\":\"200000\",\"data\":{\"items\":[",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.is_list_cut, 0);
        assert_int_equal(f->got.n, 0);
    }
    /* The same good entry alone reads, its tradeId a string or not. */
    parse_ok(f, 200, FILLS(FILL(ORDER, "\"7\"", "\"1\"")));
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 1);
    assert_string_equal(f->got.fills[0].trade_id, "7");
    assert_int_equal(f->got.fills[0].liquidity, XG_LIQUIDITY_UNKNOWN);
}

static void
test_sink_error_stops_the_parse(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("hf_fills.json", &len);

    f->got.fail_at = 2;
    assert_int_equal(parse_n(f, NULL, 200, body, len), XG_ERR_NOMEM);
    assert_int_equal(f->got.n, 2);
    f->got.fail_at = 0;

    xg_op op = fills_op(f, NULL, NULL);
    xg_http_response resp = {200, NULL, 0, body, len};
    assert_int_equal(kucoin_parse(f->k, &op, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
    free(body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fills_ask_hf_fills_by_order_id,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_page_sends_the_last_id, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_fills_refuse_what_kucoin_cannot_take, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fills_read_in_the_venues_order_with_their_fee, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_fills_match_what_the_stream_said,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_page_is_cut_with_its_last_id,
                                        setup, teardown),
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
