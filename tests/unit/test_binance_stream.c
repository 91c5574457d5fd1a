/*
 * test_binance_stream.c - the Binance private stream: the plan from the
 * default URL and from stream_url, the signed userDataStream.subscribe.
 * signature login (its signature recomputed here with OpenSSL from the
 * fact sheet's recipe), truncation, the subscription's answers matched by
 * id, every executionReport field of the fact sheet's examples (new,
 * partial fill, fill, cancel with its original client id, amend, expiry,
 * a fill without fee), the closing, ignored and malformed messages, a
 * sink's error, and every cut of every fixture.
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
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "binance.h"

#define DATA XG_TEST_DATA_DIR "/binance/"
#define NOW  1767225600000LL

static binance *
make_with(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"key", "secret", NULL, opts, n};
    void *inst = NULL;
    assert_int_equal(binance_create(&cfg, &inst, NULL, 0), XG_OK);
    return inst;
}

static binance *
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

typedef struct collected {
    xg_stream_update u[4];
    size_t n;
    int fail; /* answer every update with an error */
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

/* Parse fixture name; what reached the sink goes to c. */
static xg_stream_kind
parse_file(binance *b, const char *name, collected *c, xg_stream_result *res)
{
    size_t len = 0;
    char *text = load(name, &len);
    xg_stream_sink sink = {c, on_update};
    memset(c, 0, sizeof(*c));
    assert_int_equal(binance_stream_parse(b, text, len, &sink, res), XG_OK);
    free(text);
    return res->kind;
}

static xg_stream_kind
parse_text(binance *b, const char *text, collected *c)
{
    xg_stream_result res;
    xg_stream_sink sink = {c, on_update};
    memset(c, 0, sizeof(*c));
    assert_int_equal(binance_stream_parse(b, text, strlen(text), &sink, &res),
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

/* Send the login, so that answers to id "1" are the instance's own. */
static void
login(binance *b)
{
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 0;
    assert_int_equal(binance_stream_login(b, NOW, out, sizeof out, &len),
                     XG_OK);
}

static void
test_plan_defaults_to_the_ws_api(void **state)
{
    (void)state;
    binance *b = make();
    xg_stream_plan plan;

    assert_int_equal(binance_stream_plan(b, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 0);
    assert_string_equal(
        plan.url,
        "wss://ws-api.binance.com:443/ws-api/v3?returnRateLimits=false");
    assert_int_equal(plan.ping_every_ms, 0);
    /* More than two of the server's 20 s pings, less than its minute. */
    assert_true(plan.silence_max_ms > 40000 && plan.silence_max_ms < 60000);
    assert_int_equal(plan.lifetime_ms, 24LL * 3600 * 1000);
    assert_int_equal(plan.connect_gap_ms, 1000);
    binance_destroy(b);
}

static void
test_plan_takes_stream_url(void **state)
{
    (void)state;
    const xg_kv opt = {"stream_url", "ws://127.0.0.1:9100/ws-api/v3"};
    binance *b = make_with(&opt, 1);
    xg_stream_plan plan;

    assert_int_equal(binance_stream_plan(b, &plan), XG_OK);
    assert_string_equal(plan.url, "ws://127.0.0.1:9100/ws-api/v3");
    binance_destroy(b);

    const xg_kv bad = {"stream_url", "http://127.0.0.1:9100/"};
    xg_adapter_config cfg = {"key", "secret", NULL, &bad, 1};
    void *inst = NULL;
    char err[128];
    assert_int_equal(binance_create(&cfg, &inst, err, sizeof err),
                     XG_ERR_CONFIG);
    assert_null(inst);
    assert_non_null(strstr(err, "stream_url"));
}

/* Fact sheet 1.3: hex HMAC-SHA256 over the parameters but the signature,
 * sorted by name, joined name=value with '&'. */
static void
test_login_is_the_signed_subscription(void **state)
{
    (void)state;
    const xg_kv opt = {"recv_window_ms", "7000"};
    binance *b = make_with(&opt, 1);
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 0;

    assert_int_equal(binance_stream_login(b, NOW, out, sizeof out, &len),
                     XG_OK);
    assert_int_equal(len, strlen(out));

    json_error_t jerr;
    json_t *msg = json_loadb(out, len, 0, &jerr);
    assert_non_null(msg);
    assert_string_equal(json_string_value(json_object_get(msg, "id")), "1");
    assert_string_equal(json_string_value(json_object_get(msg, "method")),
                        "userDataStream.subscribe.signature");
    json_t *params = json_object_get(msg, "params");
    assert_int_equal(json_object_size(params), 4);
    assert_string_equal(json_string_value(json_object_get(params, "apiKey")),
                        "key");
    assert_int_equal(json_integer_value(json_object_get(params, "timestamp")),
                     NOW);
    assert_int_equal(json_integer_value(json_object_get(params, "recvWindow")),
                     7000);

    const char *payload = "apiKey=key&recvWindow=7000&timestamp=1767225600000";
    unsigned char mac[32];
    unsigned int mac_len = 0;
    char hex[65];
    assert_non_null(HMAC(EVP_sha256(), "secret", 6,
                         (const unsigned char *)payload, strlen(payload), mac,
                         &mac_len));
    for (unsigned int i = 0; i < mac_len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    assert_string_equal(json_string_value(json_object_get(params, "signature")),
                        hex);
    json_decref(msg);

    /* Every request gets the next id. */
    assert_int_equal(binance_stream_login(b, NOW + 1, out, sizeof out, &len),
                     XG_OK);
    assert_non_null(strstr(out, "{\"id\":\"2\","));
    binance_destroy(b);
}

static void
test_login_that_does_not_fit_is_truncated(void **state)
{
    (void)state;
    binance *b = make();
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 99;

    assert_int_equal(binance_stream_login(b, NOW, out, 64, &len),
                     XG_ERR_TRUNCATED);
    assert_int_equal(len, 0);
    /* The id of a message never sent is not used up, nor awaited. */
    assert_int_equal(binance_stream_login(b, NOW, out, sizeof out, &len),
                     XG_OK);
    assert_non_null(strstr(out, "{\"id\":\"1\","));
    assert_int_equal(binance_stream_login(b, 0, out, sizeof out, &len),
                     XG_ERR_INVALID);
    binance_destroy(b);
}

static void
test_subscribe_and_ping_send_nothing(void **state)
{
    (void)state;
    binance *b = make();
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 99;

    assert_int_equal(binance_stream_subscribe(b, NOW, out, sizeof out, &len),
                     XG_OK);
    assert_int_equal(len, 0);
    len = 99;
    assert_int_equal(binance_stream_ping(b, NOW, out, sizeof out, &len), XG_OK);
    assert_int_equal(len, 0);
    binance_destroy(b);
}

static void
test_subscription_answer_matches_the_login_id(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    /* Before any login, no answer is the instance's. */
    assert_int_equal(parse_file(b, "stream_subscribed.json", &c, &res),
                     XG_STREAM_MALFORMED);
    login(b);
    assert_int_equal(parse_file(b, "stream_subscribed.json", &c, &res),
                     XG_STREAM_SUBSCRIBED);
    assert_string_equal(res.venue_code, "");
    assert_int_equal(c.n, 0);

    login(b); /* id "2" now */
    assert_int_equal(parse_text(b,
                                "{\"id\":\"1\",\"status\":200,\"result\":"
                                "{\"subscriptionId\":0}}",
                                &c),
                     XG_STREAM_MALFORMED);
    assert_int_equal(parse_text(b,
                                "{\"id\":2,\"status\":200,\"result\":"
                                "{\"subscriptionId\":0}}",
                                &c),
                     XG_STREAM_MALFORMED);
    assert_int_equal(
        parse_text(b, "{\"id\":\"2\",\"status\":200,\"result\":{}}", &c),
        XG_STREAM_MALFORMED);
    assert_int_equal(parse_text(b,
                                "{\"id\":\"2\",\"status\":200,\"result\":"
                                "{\"subscriptionId\":-1}}",
                                &c),
                     XG_STREAM_MALFORMED);
    assert_int_equal(parse_text(b,
                                "{\"id\":\"2\",\"status\":\"200\",\"result\":"
                                "{\"subscriptionId\":0}}",
                                &c),
                     XG_STREAM_MALFORMED);
    assert_int_equal(parse_text(b,
                                "{\"id\":\"2\",\"status\":200,\"result\":"
                                "{\"subscriptionId\":3}}",
                                &c),
                     XG_STREAM_SUBSCRIBED);
    /* Answered once: a second answer is no longer awaited. */
    assert_int_equal(parse_text(b,
                                "{\"id\":\"2\",\"status\":200,\"result\":"
                                "{\"subscriptionId\":3}}",
                                &c),
                     XG_STREAM_MALFORMED);
    binance_destroy(b);
}

static void
test_refusals_carry_code_and_text(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    login(b);
    assert_int_equal(parse_file(b, "stream_refused.json", &c, &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "-1022");
    assert_string_equal(res.venue_msg,
                        "Signature for this request is not valid.");

    /* A revoked key ends the session with id null (fact sheet 1.3). */
    assert_int_equal(parse_file(b, "stream_revoked.json", &c, &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "-2015");
    assert_string_equal(res.venue_msg,
                        "Invalid API-key, IP, or permissions for action.");

    /* Without an error object, the status is the code. */
    login(b);
    assert_int_equal(parse_text(b, "{\"id\":\"2\",\"status\":503}", &c),
                     XG_STREAM_REFUSED);
    /* Another request's refusal is not the instance's. */
    login(b);
    assert_int_equal(
        parse_text(b,
                   "{\"id\":\"9\",\"status\":400,\"error\":{\"code\":-1,"
                   "\"msg\":\"x\"}}",
                   &c),
        XG_STREAM_MALFORMED);
    xg_stream_sink sink = {&c, on_update};
    const char *t = "{\"id\":\"3\",\"status\":503,\"error\":{\"msg\":"
                    "\"down\\u0001\"}}";
    assert_int_equal(binance_stream_parse(b, t, strlen(t), &sink, &res), XG_OK);
    assert_int_equal(res.kind, XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "503");
    assert_string_equal(res.venue_msg, "down?");
    binance_destroy(b);
}

static void
test_new_order_report(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(b, "stream_new.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.n, 1);
    const xg_stream_update *u = &c.u[0];
    assert_true(u->has_report);
    assert_false(u->has_fill);
    assert_string_equal(u->order.client_id, "xg0001");
    assert_string_equal(u->order.venue_order_id, "28457");
    assert_string_equal(u->order.venue_symbol, "BTCUSDT");
    assert_int_equal(u->order.status, XG_STATUS_NEW);
    assert_decimal(u->order.price, "60000");
    assert_decimal(u->order.qty, "1");
    assert_decimal(u->order.exec.filled_qty, "0");
    assert_decimal(u->order.exec.filled_quote, "0");
    assert_string_equal(u->order.exec.fee_currency, "");
    binance_destroy(b);
}

static void
test_trade_is_a_report_and_a_fill(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(b, "stream_partial_fill.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.n, 1);
    const xg_stream_update *u = &c.u[0];
    assert_true(u->has_report);
    assert_int_equal(u->order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_decimal(u->order.exec.filled_qty, "0.4");
    assert_decimal(u->order.exec.filled_quote, "24000");
    assert_true(u->has_fill);
    assert_string_equal(u->fill.trade_id, "9001");
    assert_decimal(u->fill.qty, "0.4");
    assert_decimal(u->fill.price, "60000");
    assert_decimal(u->fill.fee, "0.0004");
    assert_string_equal(u->fill.fee_currency, "BTC");
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_MAKER);
    assert_int_equal(u->fill.time_ms, 1767225660450LL);

    assert_int_equal(parse_file(b, "stream_fill.json", &c, &res),
                     XG_STREAM_UPDATES);
    u = &c.u[0];
    assert_int_equal(u->order.status, XG_STATUS_FILLED);
    assert_decimal(u->order.exec.filled_qty, "1");
    assert_decimal(u->order.exec.filled_quote, "60000");
    assert_string_equal(u->fill.trade_id, "9002");
    assert_decimal(u->fill.qty, "0.6");
    assert_decimal(u->fill.fee, "0.0006");

    /* A taker fill of a market order without a fee (N null). */
    assert_int_equal(parse_file(b, "stream_fill_no_fee.json", &c, &res),
                     XG_STREAM_UPDATES);
    u = &c.u[0];
    assert_int_equal(u->order.status, XG_STATUS_FILLED);
    assert_decimal(u->order.price, "0");
    assert_decimal(u->order.exec.filled_quote, "300.15");
    assert_true(u->has_fill);
    assert_string_equal(u->fill.trade_id, "777");
    assert_decimal(u->fill.price, "3001.5");
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_TAKER);
    assert_decimal(u->fill.fee, "0");
    assert_string_equal(u->fill.fee_currency, "");
    binance_destroy(b);
}

static void
test_cancel_names_the_original_client_id(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(b, "stream_canceled.json", &c, &res),
                     XG_STREAM_UPDATES);
    const xg_stream_update *u = &c.u[0];
    assert_string_equal(u->order.client_id, "xg0002"); /* C, not c */
    assert_string_equal(u->order.venue_order_id, "28458");
    assert_int_equal(u->order.status, XG_STATUS_CANCELED);
    assert_decimal(u->order.exec.filled_qty, "0.25");
    assert_decimal(u->order.exec.filled_quote, "14750");
    assert_false(u->has_fill);

    /* A cancel without an original id keeps c. */
    assert_int_equal(
        parse_text(b,
                   "{\"subscriptionId\":0,\"event\":{\"e\":\"executionReport\","
                   "\"s\":\"BTCUSDT\",\"c\":\"xg0009\",\"C\":\"\",\"x\":"
                   "\"CANCELED\",\"X\":\"CANCELED\",\"i\":1,\"q\":\"1\",\"p\":"
                   "\"1\",\"z\":\"0\",\"Z\":\"0\"}}",
                   &c),
        XG_STREAM_UPDATES);
    assert_string_equal(c.u[0].order.client_id, "xg0009");
    binance_destroy(b);
}

static void
test_amend_and_expiry_are_reports(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(b, "stream_replaced.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_string_equal(c.u[0].order.client_id, "xg0003");
    assert_int_equal(c.u[0].order.status, XG_STATUS_NEW);
    assert_decimal(c.u[0].order.qty, "0.5");
    assert_decimal(c.u[0].order.price, "61000");
    assert_false(c.u[0].has_fill);

    assert_int_equal(parse_file(b, "stream_expired.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(c.u[0].order.status, XG_STATUS_EXPIRED);
    assert_string_equal(c.u[0].order.venue_symbol, "ETHUSDT");
    assert_decimal(c.u[0].order.exec.filled_qty, "0.5");
    assert_decimal(c.u[0].order.exec.filled_quote, "1500");
    binance_destroy(b);
}

static void
test_others_orders_reach_the_sink_when_nameable(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;

    assert_int_equal(parse_file(b, "stream_foreign.json", &c, &res),
                     XG_STREAM_UPDATES);
    assert_string_equal(c.u[0].order.client_id, "and_manual_order_1");
    /* 36 characters: longer than any report can carry, and than any the
     * gateway sends. */
    assert_int_equal(parse_file(b, "stream_foreign_long_id.json", &c, &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(c.n, 0);
    binance_destroy(b);
}

static void
test_closing_and_ignored_events(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;
    static const char *ignored[] = {
        "stream_account_position.json", "stream_balance_update.json",
        "stream_external_lock.json", "stream_list_status.json"};

    assert_int_equal(parse_file(b, "stream_server_shutdown.json", &c, &res),
                     XG_STREAM_CLOSING);
    assert_int_equal(parse_file(b, "stream_terminated.json", &c, &res),
                     XG_STREAM_CLOSING);
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) {
        assert_int_equal(parse_file(b, ignored[i], &c, &res),
                         XG_STREAM_IGNORED);
        assert_int_equal(c.n, 0);
    }
    assert_int_equal(
        parse_text(
            b, "{\"subscriptionId\":0,\"event\":{\"e\":\"newEvent2027\"}}", &c),
        XG_STREAM_IGNORED);
    binance_destroy(b);
}

static void
test_malformed_messages(void **state)
{
    (void)state;
    binance *b = make();
    collected c;
    xg_stream_result res;
    static const char *files[] = {
        "stream_bad_negative_qty.json",    "stream_bad_no_client_id.json",
        "stream_bad_status.json",          "stream_bad_fee_number.json",
        "stream_bad_string_order_id.json", "stream_bad_truncated.json",
        "stream_bad_bare_event.json"};
    static const char *texts[] = {
        "",
        "[]",
        "null",
        "{}",
        "{\"event\":[]}",
        "{\"event\":{\"e\":7}}",
        "{\"event\":{}}",
        /* An order event must name its subscription. */
        "{\"event\":{\"e\":\"executionReport\",\"s\":\"BTCUSDT\",\"c\":\"x\","
        "\"x\":\"NEW\",\"X\":\"NEW\",\"i\":1,\"q\":\"1\",\"p\":\"1\",\"z\":"
        "\"0\",\"Z\":\"0\"}}",
        /* A trade without its trade id, or with a zero quantity. */
        "{\"subscriptionId\":0,\"event\":{\"e\":\"executionReport\",\"s\":"
        "\"BTCUSDT\",\"c\":\"x\",\"x\":\"TRADE\",\"X\":\"FILLED\",\"i\":1,"
        "\"q\":\"1\",\"p\":\"1\",\"z\":\"1\",\"Z\":\"1\",\"l\":\"1\",\"L\":"
        "\"1\",\"n\":\"0\",\"N\":null,\"T\":1,\"m\":false}}",
        "{\"subscriptionId\":0,\"event\":{\"e\":\"executionReport\",\"s\":"
        "\"BTCUSDT\",\"c\":\"x\",\"x\":\"TRADE\",\"X\":\"FILLED\",\"i\":1,"
        "\"q\":\"1\",\"p\":\"1\",\"z\":\"1\",\"Z\":\"1\",\"l\":\"0\",\"L\":"
        "\"1\",\"n\":\"0\",\"N\":null,\"T\":1,\"t\":5,\"m\":false}}",
        /* A client id given twice says neither. */
        "{\"subscriptionId\":0,\"event\":{\"e\":\"executionReport\",\"s\":"
        "\"BTCUSDT\",\"c\":\"x\",\"c\":\"y\",\"x\":\"NEW\",\"X\":\"NEW\","
        "\"i\":1,\"q\":\"1\",\"p\":\"1\",\"z\":\"0\",\"Z\":\"0\"}}",
    };

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (parse_file(b, files[i], &c, &res) != XG_STREAM_MALFORMED) {
            fail_msg("%s: kind %d", files[i], (int)res.kind);
        }
        assert_int_equal(c.n, 0);
    }
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (parse_text(b, texts[i], &c) != XG_STREAM_MALFORMED) {
            fail_msg("text %zu not malformed", i);
        }
        assert_int_equal(c.n, 0);
    }
    binance_destroy(b);
}

static void
test_sink_error_stops_the_parse(void **state)
{
    (void)state;
    binance *b = make();
    size_t len = 0;
    char *text = load("stream_fill.json", &len);
    collected c;
    xg_stream_result res;
    xg_stream_sink sink = {&c, on_update};

    memset(&c, 0, sizeof c);
    c.fail = 1;
    assert_int_equal(binance_stream_parse(b, text, len, &sink, &res),
                     XG_ERR_NOMEM);
    assert_int_equal(binance_stream_parse(NULL, text, len, &sink, &res),
                     XG_ERR_INVALID);
    free(text);
    binance_destroy(b);
}

/* Every cut of every fixture reads as something, never past its end: the
 * text is copied into a buffer of exactly the cut's size. */
static void
test_every_cut_of_every_fixture(void **state)
{
    (void)state;
    binance *b = make();
    static const char *files[] = {
        "stream_subscribed.json",   "stream_refused.json",
        "stream_revoked.json",      "stream_new.json",
        "stream_partial_fill.json", "stream_fill.json",
        "stream_canceled.json",     "stream_server_shutdown.json",
        "stream_list_status.json"};

    login(b);
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
            assert_int_equal(binance_stream_parse(b, piece, cut, &sink, &res),
                             XG_OK);
            assert_int_equal(res.kind, XG_STREAM_MALFORMED);
            assert_int_equal(c.n, 0);
            free(piece);
        }
        free(text);
    }
    binance_destroy(b);
}

static void
test_table_declares_the_stream(void **state)
{
    (void)state;
    const xg_adapter *a = xg_adapter_entry();
    assert_int_equal(a->caps.streams,
                     XG_STREAM_ORDERS | XG_STREAM_FILLS | XG_STREAM_FEES);
    assert_ptr_equal(a->stream_plan, binance_stream_plan);
    assert_ptr_equal(a->stream_login, binance_stream_login);
    assert_ptr_equal(a->stream_subscribe, binance_stream_subscribe);
    assert_ptr_equal(a->stream_ping, binance_stream_ping);
    assert_ptr_equal(a->stream_parse, binance_stream_parse);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_defaults_to_the_ws_api),
        cmocka_unit_test(test_plan_takes_stream_url),
        cmocka_unit_test(test_login_is_the_signed_subscription),
        cmocka_unit_test(test_login_that_does_not_fit_is_truncated),
        cmocka_unit_test(test_subscribe_and_ping_send_nothing),
        cmocka_unit_test(test_subscription_answer_matches_the_login_id),
        cmocka_unit_test(test_refusals_carry_code_and_text),
        cmocka_unit_test(test_new_order_report),
        cmocka_unit_test(test_trade_is_a_report_and_a_fill),
        cmocka_unit_test(test_cancel_names_the_original_client_id),
        cmocka_unit_test(test_amend_and_expiry_are_reports),
        cmocka_unit_test(test_others_orders_reach_the_sink_when_nameable),
        cmocka_unit_test(test_closing_and_ignored_events),
        cmocka_unit_test(test_malformed_messages),
        cmocka_unit_test(test_sink_error_stops_the_parse),
        cmocka_unit_test(test_every_cut_of_every_fixture),
        cmocka_unit_test(test_table_declares_the_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
