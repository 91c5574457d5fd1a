/*
 * test_bybit_fills.c - one order's fills (XG_OP_ORDER_FILLS) on Bybit v5:
 * the /v5/execution/list request build() makes (by orderId, 100 a page,
 * the venue's cursor sent back verbatim; signed, checked with an HMAC
 * computed here with OpenSSL; one unit of its own 50/s bucket), the
 * answer read into xg_fill values the execution topic's reader gives for
 * the same executions, a page with a nextPageCursor cut with it, error
 * answers through the error table as reads, and bodies that must reach
 * the sink with nothing.
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

#define DATA  XG_TEST_DATA_DIR "/bybit/"
#define NOW   1700000000000LL
#define ORDER "2031000000000000001"

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
    xg_adapter_config cfg = {"key", "secret", NULL, NULL, 0};
    char err[128];

    assert_non_null(f);
    assert_int_equal(bybit_create(&cfg, &f->inst, err, sizeof(err)), XG_OK);
    memcpy(f->btc.symbol, "BTC/USDT", 9);
    memcpy(f->btc.venue_symbol, "BTCUSDT", 8);
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
                .client_id = "xg0003",
                .venue_order_id = venue_order_id,
                .cursor = cursor};
    return op;
}

static xg_err
build(fixture *f, const char *venue_order_id, const char *cursor)
{
    xg_op op = fills_op(f, venue_order_id, cursor);
    memset(&f->req, 0, sizeof(f->req));
    return bybit_build(f->inst, &op, NOW, &f->req);
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

/* Bybit's signature over timestamp + key + recv window + the query as
 * sent, computed here rather than by sign.c. */
static void
assert_signed_as_sent(const xg_http_request *req)
{
    const char *query = strchr(req->target, '?');
    char pre[XG_HTTP_TARGET_MAX + 64];
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;

    assert_non_null(query);
    snprintf(pre, sizeof(pre), "%lldkey5000%s", (long long)NOW, query + 1);
    assert_non_null(HMAC(EVP_sha256(), "secret", 6, (unsigned char *)pre,
                         strlen(pre), mac, &mac_len));
    for (unsigned int i = 0; i < mac_len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    assert_string_equal(header_of(req, "X-BAPI-SIGN"), hex);
    assert_string_equal(header_of(req, "X-BAPI-API-KEY"), "key");
    assert_string_equal(header_of(req, "X-BAPI-TIMESTAMP"), "1700000000000");
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

/* Parse body as the answer to ORDER_FILLS of ORDER (headers optional),
 * copied to exactly len bytes so ASan sees any read past it. */
static xg_err
parse_h(fixture *f, int status, const char *body, const xg_http_header_view *h,
        size_t n_h)
{
    size_t len = strlen(body);
    xg_op op = fills_op(f, ORDER, NULL);
    xg_sink sink = {.ctx = &f->got, .fill = collect_fill};
    char *copy = malloc(len > 0 ? len : 1);
    assert_non_null(copy);
    memcpy(copy, body, len);
    xg_http_response resp = {status, h, n_h, copy, len};
    f->got.n = 0;
    memset(&f->res, 0x5a, sizeof(f->res)); /* parse must set everything */
    xg_err rc = bybit_parse(f->inst, &op, &resp, &sink, &f->res);
    free(copy);
    return rc;
}

static void
parse_ok(fixture *f, int status, const char *body)
{
    assert_int_equal(parse_h(f, status, body, NULL, 0), XG_OK);
}

static void
expect_decimal(xg_decimal d, int64_t units, unsigned scale)
{
    assert_int_equal(d.units, units);
    assert_int_equal(d.scale, scale);
}

/* --- the request ---------------------------------------------------------- */

static void
test_fills_ask_the_execution_list_by_order_id(void **state)
{
    fixture *f = *state;

    assert_int_equal(build(f, ORDER, NULL), XG_OK);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.target,
                        "/v5/execution/list?category=spot&symbol=BTCUSDT"
                        "&orderId=" ORDER "&limit=100");
    assert_int_equal(f->req.body_len, 0);
    assert_true(f->req.is_signed);
    assert_signed_as_sent(&f->req);
    assert_int_equal(f->req.priority, XG_PRIO_QUERY);
    /* One unit of the IP layer, one of the endpoint's own 50/s. */
    assert_int_equal(f->req.n_costs, 2);
    assert_int_equal(f->req.costs[0].bucket, BYBIT_BUCKET_IP);
    assert_int_equal(f->req.costs[0].units, 1);
    assert_int_equal(f->req.costs[1].bucket, BYBIT_BUCKET_EXECUTIONS);
    assert_int_equal(f->req.costs[1].units, 1);
}

/* Bybit hands its cursor out percent-encoded; it goes back verbatim, and
 * is what gets signed. */
static void
test_next_page_sends_the_cursor_verbatim(void **state)
{
    fixture *f = *state;
    static const char cursor[] =
        "page_args%3D2100000000000000101%26symbol%3DBTCUSDT";

    assert_int_equal(build(f, ORDER, cursor), XG_OK);
    assert_string_equal(f->req.target,
                        "/v5/execution/list?category=spot&symbol=BTCUSDT"
                        "&orderId=" ORDER "&limit=100&cursor=page_args%"
                        "3D2100000000000000101%26symbol%3DBTCUSDT");
    assert_signed_as_sent(&f->req);
}

static void
test_fills_refuse_what_bybit_cannot_take(void **state)
{
    fixture *f = *state;
    char no_nul[XG_CURSOR_MAX];
    memset(no_nul, 'a', sizeof(no_nul));

    assert_int_equal(build(f, NULL, NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, "", NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, "20310&x=1", NULL), XG_ERR_INVALID);
    assert_int_equal(build(f, ORDER, ""), XG_ERR_INVALID);
    assert_int_equal(build(f, ORDER, "a b"), XG_ERR_INVALID);
    assert_int_equal(build(f, ORDER, no_nul), XG_ERR_INVALID);

    xg_op op = fills_op(f, ORDER, NULL);
    op.instrument = NULL;
    assert_int_equal(bybit_build(f->inst, &op, NOW, &f->req),
                     XG_ERR_UNKNOWN_SYMBOL);
    op = fills_op(f, ORDER, NULL);
    assert_int_equal(bybit_build(f->inst, &op, 0, &f->req), XG_ERR_INVALID);
}

/* --- the answer ---------------------------------------------------------- */

static void
test_executions_become_fills_in_the_venues_order(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("executions.json", &len);
    xg_http_header_view h[2] = {{"X-Bapi-Limit", 12, "50", 2},
                                {"X-Bapi-Limit-Status", 19, "49", 2}};

    assert_int_equal(parse_h(f, 200, body, h, 2), XG_OK);
    free(body);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.err, XG_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    assert_string_equal(f->res.next_cursor, "");
    /* The endpoint's own bucket is corrected from its header. */
    assert_int_equal(f->res.n_usage, 1);
    assert_int_equal(f->res.usage[0].bucket, BYBIT_BUCKET_EXECUTIONS);
    assert_int_equal(f->res.usage[0].remaining, 49);
    assert_int_equal(f->got.n, 2);

    /* Newest first, as Bybit sorts them. */
    const xg_fill *a = &f->got.fills[0];
    assert_string_equal(a->trade_id, "2100000000000000102");
    expect_decimal(a->qty, 6, 3);
    expect_decimal(a->price, 600015, 1);
    expect_decimal(a->fee, 6, 6);
    assert_string_equal(a->fee_currency, "BTC");
    assert_int_equal(a->liquidity, XG_LIQUIDITY_TAKER);
    assert_int_equal(a->time_ms, 1767225690450LL);

    const xg_fill *b = &f->got.fills[1];
    assert_string_equal(b->trade_id, "2100000000000000101");
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

/* The core counts a fill once by (venue, trade id): the execution topic's
 * message of the same execution gives the same execId, and the same
 * values. */
static void
test_fills_match_what_the_stream_said(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("executions.json", &len);
    xg_fill pushed;
    xg_stream_sink sink = {&pushed, collect_update};
    xg_stream_result sres;

    assert_int_equal(parse_h(f, 200, body, NULL, 0), XG_OK);
    free(body);
    assert_int_equal(f->got.n, 2);
    char *text = read_file("stream_execution.json", &len);
    memset(&pushed, 0, sizeof(pushed));
    assert_int_equal(bybit_stream_parse(f->inst, text, len, &sink, &sres),
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

/* An answer of one execution of ORDER and the given nextPageCursor
 * member (its JSON value, or NULL for none). */
static void
parse_page(fixture *f, const char *cursor_json)
{
    char member[256] = "";
    char body[1024];
    if (cursor_json != NULL) {
        snprintf(member, sizeof(member), "\"nextPageCursor\":%s,", cursor_json);
    }
    snprintf(body, sizeof(body),
             "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{%s"
             "\"category\":\"spot\",\"list\":[{\"symbol\":\"BTCUSDT\","
             "\"orderId\":\"" ORDER "\",\"orderLinkId\":\"xg0003\","
             "\"execId\":\"7\",\"execQty\":\"0.001\",\"execPrice\":\"1\","
             "\"execFee\":\"0\",\"feeCurrency\":\"BTC\",\"isMaker\":true,"
             "\"execTime\":\"1\"}]},\"retExtInfo\":{},\"time\":1}",
             member);
    parse_ok(f, 200, body);
}

/* A nextPageCursor means more pages: cut, with the cursor to hand back
 * when it can travel verbatim; "" or none is the last page. */
static void
test_a_next_page_cursor_cuts_the_list(void **state)
{
    fixture *f = *state;

    parse_page(f, "\"2100000000000000101%3A0%2C2100000000000000101%3A0\"");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 1);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor,
                        "2100000000000000101%3A0%2C2100000000000000101%3A0");
    assert_int_equal(build(f, ORDER, f->res.next_cursor), XG_OK);
    assert_non_null(strstr(f->req.target, "&cursor=2100000000000000101%3A0"));

    parse_page(f, "\"a cursor with spaces\"");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 1);
    assert_string_equal(f->res.next_cursor, "");

    parse_page(f, "\"\"");
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 0);
    parse_page(f, NULL);
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->res.is_list_cut, 0);
}

/* Errors go through the table as any read's: a server error changed
 * nothing and is asked again; the endpoint's limit waits for its reset. */
static void
test_error_answers_are_a_read_refused(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[1] = {
        {"X-Bapi-Limit-Reset-Timestamp", 28, "1767225700500", 13}};

    parse_ok(f, 200, "{\"retCode\":10016,\"retMsg\":\"Server error.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);
    assert_string_equal(f->res.venue_code, "10016");
    assert_int_equal(f->got.n, 0);

    assert_int_equal(
        parse_h(f, 200, "{\"retCode\":10006,\"retMsg\":\"Too many visits!\"}",
                h, 1),
        XG_OK);
    assert_int_equal(f->res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(f->res.retry_at_ms, 1767225700500LL);

    parse_ok(f, 503, "<html>Service Unavailable</html>");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_VENUE_DOWN);

    parse_ok(f, 200, "{\"retCode\":10003,\"retMsg\":\"API key is invalid.\"}");
    assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(f->res.err, XG_ERR_AUTH);
}

#define ENTRY(fields)                                                          \
    "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"nextPageCursor\":\"\","    \
    "\"list\":[" fields "]},\"time\":1}"
#define GOOD                                                                   \
    "{\"orderId\":\"" ORDER "\",\"execId\":\"7\",\"execQty\":\"0.001\","       \
    "\"execPrice\":\"1\",\"execFee\":\"0\",\"feeCurrency\":\"BTC\","           \
    "\"execTime\":\"1\"}"

/* A body that does not say the executions, or names another order's, is
 * refused whole: the sink hears nothing of it. */
static void
test_malformed_answers_reach_the_sink_with_nothing(void **state)
{
    fixture *f = *state;
    static const char *const bodies[] = {
        "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{}}",
        "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"list\":{}}}",
        "{\"retMsg\":\"OK\",\"result\":{\"list\":[]}}",
        ENTRY(GOOD ",1"),
        ENTRY(GOOD ",{\"orderId\":\"2031000000000000002\",\"execId\":\"8\","
                   "\"execQty\":\"0.001\",\"execPrice\":\"1\"}"),
        ENTRY("{\"orderId\":\"" ORDER "\",\"execQty\":\"0.001\","
              "\"execPrice\":\"1\"}"),
        ENTRY("{\"orderId\":\"" ORDER "\",\"execId\":\"7\",\"execQty\":\"0\","
              "\"execPrice\":\"1\"}"),
        ENTRY("{\"orderId\":\"" ORDER "\",\"execId\":\"7\",\"execQty\":"
              "\"0.001\",\"execPrice\":\"1\",\"isMaker\":\"yes\"}"),
        ENTRY("{\"orderId\":\"" ORDER "\",\"execId\":\"7\",\"execQty\":"
              "\"0.001\",\"execPrice\":\"1\",\"execTime\":\"soon\"}"),
        ENTRY("{\"orderId\":\"" ORDER "\",\"execId\":\"7\",\"execId\":\"8\","
              "\"execQty\":\"0.001\",\"execPrice\":\"1\"}"),
        "{\"retCode\":0,\"result\":{\"list\":[",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        parse_ok(f, 200, bodies[i]);
        assert_int_equal(f->res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(f->res.err, XG_ERR_BAD_RESPONSE);
        assert_int_equal(f->res.is_list_cut, 0);
        assert_int_equal(f->got.n, 0);
    }
    /* The same good entry alone reads. */
    parse_ok(f, 200, ENTRY(GOOD));
    assert_int_equal(f->res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->got.n, 1);
    assert_int_equal(f->got.fills[0].liquidity, XG_LIQUIDITY_UNKNOWN);
}

static void
test_sink_error_stops_the_parse(void **state)
{
    fixture *f = *state;
    size_t len = 0;
    char *body = read_file("executions.json", &len);

    f->got.fail_at = 2;
    assert_int_equal(parse_h(f, 200, body, NULL, 0), XG_ERR_NOMEM);
    assert_int_equal(f->got.n, 2);
    f->got.fail_at = 0;

    xg_op op = fills_op(f, NULL, NULL);
    xg_http_response resp = {200, NULL, 0, body, len};
    assert_int_equal(bybit_parse(f->inst, &op, &resp, NULL, &f->res),
                     XG_ERR_INVALID);
    free(body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_fills_ask_the_execution_list_by_order_id, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_next_page_sends_the_cursor_verbatim, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fills_refuse_what_bybit_cannot_take, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_executions_become_fills_in_the_venues_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fills_match_what_the_stream_said,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_next_page_cursor_cuts_the_list,
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
