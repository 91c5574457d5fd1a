/*
 * test_kucoin_stream.c - the KuCoin private stream: the plan asks for a
 * token first, makes the URL of the bullet answer's endpoint (or of
 * stream_url) with the token once, and takes its timing from the answer;
 * no login, the subscription and ping messages and their ids,
 * truncation; the welcome, the ack matched by id, pong, refusals, every
 * field of the fact sheet's order pushes (received, open, maker and taker
 * fills, filled, canceled, an update that ends the order, an IOC's
 * remainder), ignored and malformed messages, a sink's error, and every
 * cut of every fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "kucoin.h"

#define DATA XG_TEST_DATA_DIR "/kucoin/"
#define NOW  1767225600000LL

static kucoin *
make_with(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"key", "secret", "pass", opts, n};
    void *inst = NULL;
    assert_int_equal(kucoin_create(&cfg, &inst, NULL, 0), XG_OK);
    return inst;
}

static kucoin *
make(void)
{
    return make_with(NULL, 0);
}

static char *
load(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", DATA, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, fp);
    fclose(fp);
    return buf;
}

/* The bullet answer of the fixture, through the adapter's REST parse. */
static void
take_token(kucoin *k)
{
    size_t len = 0;
    char *body = load("bullet_private.json", &len);
    xg_op op = {XG_OP_STREAM_TOKEN, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response resp = {200, NULL, 0, body, len};
    xg_result res;
    assert_int_equal(kucoin_parse(k, &op, &resp, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    free(body);
}

typedef struct collected {
    xg_stream_update u[4];
    size_t n;
    int fail;
} collected;

static xg_err
on_update(void *ctx, const xg_stream_update *u)
{
    collected *c = ctx;
    if (c->fail) {
        return XG_ERR_NOMEM;
    }
    assert_true(c->n < 4);
    c->u[c->n++] = *u;
    return XG_OK;
}

static xg_stream_kind
parse_file(kucoin *k, const char *name, collected *c, xg_stream_result *res)
{
    size_t len = 0;
    char *text = load(name, &len);
    xg_stream_sink sink = {c, on_update};
    memset(c, 0, sizeof(*c));
    assert_int_equal(kucoin_stream_parse(k, text, len, &sink, res), XG_OK);
    free(text);
    return res->kind;
}

static xg_stream_kind
parse_text(kucoin *k, const char *text, collected *c)
{
    xg_stream_result res;
    xg_stream_sink sink = {c, on_update};
    memset(c, 0, sizeof(*c));
    assert_int_equal(kucoin_stream_parse(k, text, strlen(text), &sink, &res),
                     XG_OK);
    return res.kind;
}

static void
assert_decimal(xg_decimal d, const char *want)
{
    xg_decimal w;
    assert_int_equal(xg_decimal_parse(want, strlen(want), &w), XG_OK);
    if (xg_decimal_cmp(d, w) != 0) {
        char got[64];
        (void)xg_decimal_format(d, got, sizeof got);
        fail_msg("decimal %s, expected %s", got, want);
    }
}

static void
test_plan_needs_a_token_first_and_uses_it_once(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_stream_plan plan;

    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 1);
    assert_string_equal(plan.url, "");

    take_token(k);
    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 0);
    /* '+' and '=' of the token are percent-encoded. */
    assert_string_equal(plan.url,
                        "wss://ws-api-spot.kucoin.com/?token="
                        "2neAiuYvAU737TOajb2U3uT8AEVqfx8nNhB%2Bf9xz4RQaU5I%3D."
                        "jQuH0aPlNmt0uAMtpaIdzQ%3D%3D&connectId=1");
    assert_int_equal(plan.ping_every_ms, 18000);
    assert_int_equal(plan.silence_max_ms, 28000);
    assert_int_equal(plan.lifetime_ms, 24LL * 3600 * 1000);
    assert_int_equal(plan.connect_gap_ms, 2000);
    /* The token is forgotten: a reconnect fetches a new one. */
    assert_string_equal(k->stream_token, "");
    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 1);

    /* The next connection has another connectId. */
    take_token(k);
    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_non_null(strstr(plan.url, "&connectId=2"));
    kucoin_destroy(k);
}

static void
test_plan_takes_stream_url_with_the_token_query(void **state)
{
    (void)state;
    const xg_kv opt = {"stream_url", "ws://127.0.0.1:9200/ws?drop=1"};
    kucoin *k = make_with(&opt, 1);
    xg_stream_plan plan;

    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 1);
    take_token(k);
    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_true(strncmp(plan.url, "ws://127.0.0.1:9200/ws?token=2neA", 33) ==
                0);
    assert_non_null(strstr(plan.url, "&connectId=1"));
    assert_null(strstr(plan.url, "drop"));
    kucoin_destroy(k);

    const xg_kv bad = {"stream_url", "127.0.0.1:9200"};
    xg_adapter_config cfg = {"key", "secret", "pass", &bad, 1};
    void *inst = NULL;
    char err[128];
    assert_int_equal(kucoin_create(&cfg, &inst, err, sizeof err),
                     XG_ERR_CONFIG);
    assert_null(inst);
}

static void
test_plan_that_does_not_fit_is_truncated(void **state)
{
    (void)state;
    kucoin *k = make();
    xg_stream_plan plan;

    take_token(k);
    /* 383 '+' become 1149 bytes: no URL can hold them. */
    memset(k->stream_token, '+', sizeof(k->stream_token) - 1);
    k->stream_token[sizeof(k->stream_token) - 1] = '\0';
    assert_int_equal(kucoin_stream_plan(k, &plan), XG_ERR_TRUNCATED);
    assert_string_equal(plan.url, "");
    assert_int_equal(kucoin_stream_plan(k, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 1);
    kucoin_destroy(k);
}

static void
test_login_waits_for_the_welcome(void **state)
{
    (void)state;
    kucoin *k = make();
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 99;

    assert_int_equal(kucoin_stream_login(k, NOW, out, sizeof out, &len), XG_OK);
    assert_int_equal(len, 0);
    kucoin_destroy(k);
}

static void
test_subscribe_and_ping_messages(void **state)
{
    (void)state;
    kucoin *k = make();
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 0;
    json_error_t jerr;

    assert_int_equal(kucoin_stream_subscribe(k, NOW, out, sizeof out, &len),
                     XG_OK);
    assert_int_equal(len, strlen(out));
    json_t *msg = json_loadb(out, len, 0, &jerr);
    assert_non_null(msg);
    assert_int_equal(json_object_size(msg), 5);
    assert_string_equal(json_string_value(json_object_get(msg, "id")), "1");
    assert_string_equal(json_string_value(json_object_get(msg, "type")),
                        "subscribe");
    assert_string_equal(json_string_value(json_object_get(msg, "topic")),
                        "/spotMarket/tradeOrdersV2");
    assert_true(json_is_true(json_object_get(msg, "privateChannel")));
    assert_true(json_is_true(json_object_get(msg, "response")));
    json_decref(msg);

    assert_int_equal(kucoin_stream_ping(k, NOW, out, sizeof out, &len), XG_OK);
    assert_string_equal(out, "{\"id\":\"2\",\"type\":\"ping\"}");
    assert_int_equal(len, strlen(out));

    /* A message that does not fit uses up no id. */
    assert_int_equal(kucoin_stream_ping(k, NOW, out, 10, &len),
                     XG_ERR_TRUNCATED);
    assert_int_equal(len, 0);
    assert_int_equal(kucoin_stream_subscribe(k, NOW, out, 40, &len),
                     XG_ERR_TRUNCATED);
    assert_int_equal(kucoin_stream_ping(k, NOW, out, sizeof out, &len), XG_OK);
    assert_string_equal(out, "{\"id\":\"3\",\"type\":\"ping\"}");
    kucoin_destroy(k);
}

static void
test_welcome_ack_pong_and_refusals(void **state)
{
    (void)state;
    kucoin *k = make();
    collected c;
    xg_stream_result res;
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 0;

    assert_int_equal(parse_file(k, "stream_welcome.json", &c, &res),
                     XG_STREAM_WELCOME);
    /* No subscription sent: no ack is the instance's. */
    assert_int_equal(parse_file(k, "stream_ack.json", &c, &res),
                     XG_STREAM_MALFORMED);
    assert_int_equal(kucoin_stream_subscribe(k, NOW, out, sizeof out, &len),
                     XG_OK);
    assert_int_equal(parse_text(k, "{\"id\":\"7\",\"type\":\"ack\"}", &c),
                     XG_STREAM_MALFORMED);
    assert_int_equal(parse_text(k, "{\"id\":1,\"type\":\"ack\"}", &c),
                     XG_STREAM_MALFORMED);
    assert_int_equal(parse_file(k, "stream_ack.json", &c, &res),
                     XG_STREAM_SUBSCRIBED);
    assert_int_equal(parse_file(k, "stream_ack.json", &c, &res),
                     XG_STREAM_MALFORMED);
    assert_int_equal(parse_file(k, "stream_pong.json", &c, &res),
                     XG_STREAM_PONG);

    assert_int_equal(parse_file(k, "stream_token_expired.json", &c, &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "401");
    assert_string_equal(res.venue_msg, "token is expired");
    assert_int_equal(parse_file(k, "stream_error_type.json", &c, &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "415");
    assert_string_equal(res.venue_msg, "type is not supported");
    xg_stream_sink sink = {&c, on_update};
    const char *t =
        "{\"type\":\"error\",\"code\":\"500\",\"data\":\"a\\u0007\"}";
    assert_int_equal(kucoin_stream_parse(k, t, strlen(t), &sink, &res), XG_OK);
    assert_int_equal(res.kind, XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "500");
    assert_string_equal(res.venue_msg, "a?");
    kucoin_destroy(k);
}

static void
test_received_and_open_are_reports(void **state)
{
    (void)state;
    kucoin *k = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(k, "stream_received.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.n, 1);
    const xg_stream_update *u = &c.u[0];
    assert_true(u->has_report);
    assert_false(u->has_fill);
    assert_string_equal(u->order.client_id, "xg0005");
    assert_string_equal(u->order.venue_order_id, "6720ecd9ec71f4000747731a");
    assert_string_equal(u->order.venue_symbol, "BTC-USDT");
    assert_int_equal(u->order.status, XG_STATUS_NEW);
    assert_decimal(u->order.price, "60000");
    assert_decimal(u->order.qty, "0.01");
    assert_decimal(u->order.exec.filled_qty, "0");
    /* KuCoin pushes neither the quote executed nor a fee. */
    assert_decimal(u->order.exec.filled_quote, "0");
    assert_string_equal(u->order.exec.fee_currency, "");

    assert_int_equal(parse_file(k, "stream_open.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_NEW);
    assert_decimal(c.u[0].order.qty, "0.01");
    kucoin_destroy(k);
}

static void
test_matches_are_reports_and_fills(void **state)
{
    (void)state;
    kucoin *k = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(k, "stream_partial_fill.json", &c, &res),
                     XG_STREAM_UPDATES);
    const xg_stream_update *u = &c.u[0];
    assert_true(u->has_report);
    assert_int_equal(u->order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_decimal(u->order.exec.filled_qty, "0.004");
    assert_true(u->has_fill);
    assert_string_equal(u->fill.trade_id, "11116472408");
    assert_decimal(u->fill.qty, "0.004");
    assert_decimal(u->fill.price, "60000");
    assert_decimal(u->fill.fee, "0");
    assert_string_equal(u->fill.fee_currency, "");
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_MAKER);
    assert_int_equal(u->fill.time_ms, 1767225660450LL);

    /* The last match leaves the order open until its filled push. */
    assert_int_equal(parse_file(k, "stream_last_match.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_decimal(c.u[0].order.exec.filled_qty, "0.01");
    assert_string_equal(c.u[0].fill.trade_id, "11116472409");
    assert_decimal(c.u[0].fill.qty, "0.006");

    assert_int_equal(parse_file(k, "stream_filled.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_FILLED);
    assert_false(c.u[0].has_fill);

    assert_int_equal(parse_file(k, "stream_taker_match.json", &c, &res),
                     XG_STREAM_UPDATES);
    u = &c.u[0];
    assert_int_equal(u->order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_string_equal(u->order.venue_symbol, "ETH-USDT");
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_TAKER);
    assert_decimal(u->fill.price, "3001.5");
    assert_decimal(u->fill.qty, "0.5");

    /* A numeric trade id, no liquidity said. */
    assert_int_equal(
        parse_text(
            k,
            "{\"topic\":\"/spotMarket/tradeOrders\",\"type\":\"message\","
            "\"subject\":\"orderChange\",\"data\":{\"symbol\":\"BTC-"
            "USDT\",\"orderId\":\"a1\",\"type\":\"match\",\"status\":"
            "\"match\",\"price\":\"1\",\"size\":\"2\",\"filledSize\":"
            "\"1\",\"matchPrice\":\"1\",\"matchSize\":\"1\","
            "\"tradeId\":42,\"clientOid\":\"xg1\"}}",
            &c),
        XG_STREAM_UPDATES);
    assert_string_equal(c.u[0].fill.trade_id, "42");
    assert_int_equal(c.u[0].fill.liquidity, XG_LIQUIDITY_UNKNOWN);
    assert_int_equal(c.u[0].fill.time_ms, 0);
    assert_decimal(c.u[0].order.qty, "2");
    kucoin_destroy(k);
}

static void
test_endings_map_as_the_rest_query_does(void **state)
{
    (void)state;
    kucoin *k = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(k, "stream_canceled.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_string_equal(c.u[0].order.client_id, "xg0006");
    assert_int_equal(c.u[0].order.status, XG_STATUS_CANCELED);
    assert_decimal(c.u[0].order.exec.filled_qty, "0.004");

    /* An update that ended the order with part of it unfilled. */
    assert_int_equal(parse_file(k, "stream_update_done.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_CANCELED);
    assert_decimal(c.u[0].order.qty, "1"); /* originSize, not size */
    assert_decimal(c.u[0].order.exec.filled_qty, "0.5");

    /* What was left of an IOC order: expired, as the REST query says. */
    assert_int_equal(parse_file(k, "stream_ioc_canceled.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_EXPIRED);

    /* A match that ends the order with all of it filled. */
    assert_int_equal(
        parse_text(k,
                   "{\"topic\":\"/spotMarket/tradeOrdersV2\",\"type\":"
                   "\"message\",\"subject\":\"orderChange\",\"data\":{"
                   "\"symbol\":\"BTC-USDT\",\"orderId\":\"a1\",\"type\":"
                   "\"match\",\"status\":\"done\",\"price\":\"1\","
                   "\"originSize\":\"2\",\"filledSize\":\"2\",\"matchPrice\":"
                   "\"1\",\"matchSize\":\"1\",\"tradeId\":\"t9\","
                   "\"clientOid\":\"xg1\"}}",
                   &c),
        XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_FILLED);
    assert_true(c.u[0].has_fill);
    kucoin_destroy(k);
}

static void
test_ignored_messages(void **state)
{
    (void)state;
    kucoin *k = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(k, "stream_balance.json", &c, &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(parse_file(k, "stream_notice.json", &c, &res),
                     XG_STREAM_IGNORED);
    /* A clientOid of 40 characters is nobody the gateway or a report
     * can name. */
    assert_int_equal(parse_file(k, "stream_foreign_long_id.json", &c, &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(c.n, 0);
    assert_int_equal(
        parse_text(k,
                   "{\"topic\":\"/spotMarket/advancedOrders\",\"type\":"
                   "\"message\",\"subject\":\"orderChange\",\"data\":{}}",
                   &c),
        XG_STREAM_IGNORED);
    kucoin_destroy(k);
}

static void
test_malformed_messages(void **state)
{
    (void)state;
    kucoin *k = make();
    collected c;
    xg_stream_result res;
    static const char *files[] = {"stream_bad_negative_filled.json",
                                  "stream_bad_no_client_id.json",
                                  "stream_bad_type.json",
                                  "stream_bad_match_no_trade.json",
                                  "stream_bad_data_array.json",
                                  "stream_bad_truncated.json"};
    static const char *texts[] = {
        "",
        "pong",
        "[]",
        "{}",
        "{\"type\":7}",
        "{\"type\":\"message\",\"subject\":\"orderChange\",\"data\":{}}",
        /* An open order without its filled size. */
        "{\"topic\":\"/spotMarket/tradeOrdersV2\",\"type\":\"message\","
        "\"subject\":\"orderChange\",\"data\":{\"symbol\":\"BTC-USDT\","
        "\"orderId\":\"a1\",\"type\":\"open\",\"status\":\"open\",\"price\":"
        "\"1\",\"size\":\"2\",\"clientOid\":\"xg1\"}}",
        /* An unknown status of an open order. */
        "{\"topic\":\"/spotMarket/tradeOrdersV2\",\"type\":\"message\","
        "\"subject\":\"orderChange\",\"data\":{\"symbol\":\"BTC-USDT\","
        "\"orderId\":\"a1\",\"type\":\"open\",\"status\":\"limbo\",\"price\":"
        "\"1\",\"size\":\"2\",\"filledSize\":\"0\",\"clientOid\":\"xg1\"}}",
        /* A fill of nothing. */
        "{\"topic\":\"/spotMarket/tradeOrdersV2\",\"type\":\"message\","
        "\"subject\":\"orderChange\",\"data\":{\"symbol\":\"BTC-USDT\","
        "\"orderId\":\"a1\",\"type\":\"match\",\"status\":\"open\",\"price\":"
        "\"1\",\"size\":\"2\",\"filledSize\":\"0\",\"matchPrice\":\"1\","
        "\"matchSize\":\"0\",\"tradeId\":\"t\",\"clientOid\":\"xg1\"}}",
        /* Two filled sizes say neither. */
        "{\"topic\":\"/spotMarket/tradeOrdersV2\",\"type\":\"message\","
        "\"subject\":\"orderChange\",\"data\":{\"symbol\":\"BTC-USDT\","
        "\"orderId\":\"a1\",\"type\":\"open\",\"status\":\"open\",\"price\":"
        "\"1\",\"size\":\"2\",\"filledSize\":\"0\",\"filledSize\":\"2\","
        "\"clientOid\":\"xg1\"}}",
    };

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (parse_file(k, files[i], &c, &res) != XG_STREAM_MALFORMED) {
            fail_msg("%s: kind %d", files[i], (int)res.kind);
        }
        assert_int_equal(c.n, 0);
    }
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (parse_text(k, texts[i], &c) != XG_STREAM_MALFORMED) {
            fail_msg("text %zu not malformed", i);
        }
        assert_int_equal(c.n, 0);
    }
    kucoin_destroy(k);
}

static void
test_sink_error_stops_the_parse(void **state)
{
    (void)state;
    kucoin *k = make();
    size_t len = 0;
    char *text = load("stream_partial_fill.json", &len);
    collected c;
    xg_stream_result res;
    xg_stream_sink sink = {&c, on_update};

    memset(&c, 0, sizeof c);
    c.fail = 1;
    assert_int_equal(kucoin_stream_parse(k, text, len, &sink, &res),
                     XG_ERR_NOMEM);
    assert_int_equal(kucoin_stream_parse(NULL, text, len, &sink, &res),
                     XG_ERR_INVALID);
    free(text);
    kucoin_destroy(k);
}

static void
test_every_cut_of_every_fixture(void **state)
{
    (void)state;
    kucoin *k = make();
    char out[XG_STREAM_TEXT_MAX];
    size_t out_len = 0;
    static const char *files[] = {
        "stream_welcome.json",       "stream_ack.json",
        "stream_token_expired.json", "stream_received.json",
        "stream_partial_fill.json",  "stream_canceled.json",
        "stream_balance.json"};

    assert_int_equal(kucoin_stream_subscribe(k, NOW, out, sizeof out, &out_len),
                     XG_OK);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len = 0;
        char *text = load(files[f], &len);
        for (size_t cut = 0; cut < len; cut++) {
            char *piece = malloc(cut + 1);
            assert_non_null(piece);
            memcpy(piece, text, cut);
            collected c;
            xg_stream_result res;
            xg_stream_sink sink = {&c, on_update};
            memset(&c, 0, sizeof c);
            assert_int_equal(kucoin_stream_parse(k, piece, cut, &sink, &res),
                             XG_OK);
            assert_int_equal(res.kind, XG_STREAM_MALFORMED);
            assert_int_equal(c.n, 0);
            free(piece);
        }
        free(text);
    }
    kucoin_destroy(k);
}

static void
test_table_declares_the_stream(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    assert_int_equal(a->caps.streams, XG_STREAM_ORDERS | XG_STREAM_FILLS);
    assert_ptr_equal(a->stream_plan, kucoin_stream_plan);
    assert_ptr_equal(a->stream_login, kucoin_stream_login);
    assert_ptr_equal(a->stream_subscribe, kucoin_stream_subscribe);
    assert_ptr_equal(a->stream_ping, kucoin_stream_ping);
    assert_ptr_equal(a->stream_parse, kucoin_stream_parse);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_needs_a_token_first_and_uses_it_once),
        cmocka_unit_test(test_plan_takes_stream_url_with_the_token_query),
        cmocka_unit_test(test_plan_that_does_not_fit_is_truncated),
        cmocka_unit_test(test_login_waits_for_the_welcome),
        cmocka_unit_test(test_subscribe_and_ping_messages),
        cmocka_unit_test(test_welcome_ack_pong_and_refusals),
        cmocka_unit_test(test_received_and_open_are_reports),
        cmocka_unit_test(test_matches_are_reports_and_fills),
        cmocka_unit_test(test_endings_map_as_the_rest_query_does),
        cmocka_unit_test(test_ignored_messages),
        cmocka_unit_test(test_malformed_messages),
        cmocka_unit_test(test_sink_error_stops_the_parse),
        cmocka_unit_test(test_every_cut_of_every_fixture),
        cmocka_unit_test(test_table_declares_the_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
