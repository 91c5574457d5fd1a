/*
 * test_okx_stream.c - OKX's private stream: caps and entries, the plan
 * (default, demo and stream_url hosts), the login's exact text and its
 * signature recomputed here with OpenSSL, subscription and ping texts,
 * truncation of each, and every kind stream_parse tells from the
 * fixtures in tests/data/okx/stream_*: login accepted and refused,
 * subscription acknowledged and refused, the connection-count refusal,
 * pong, the service notice, other channels, order pushes (new, partial
 * fill as maker, fill as taker, cancel after a partial fill, several
 * orders in one push with one placed elsewhere) with every field of the
 * report and the fill, and malformed messages (nothing reaches the sink
 * from them), and a sink's error passed on.
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

#define DATA XG_TEST_DATA_DIR "/okx/"

/* 2026-01-01T00:00:00.123Z: the login must send whole seconds. */
#define NOW_MS 1767225600123LL

#define MAX_UPDATES 8

typedef struct fixture {
    void *inst;
    xg_stream_update ups[MAX_UPDATES];
    size_t n_ups;
    xg_err fail_with; /* the sink's answer from its second call on */
} fixture;

static xg_err
on_update(void *ctx, const xg_stream_update *u)
{
    fixture *f = ctx;

    if (f->n_ups >= 1 && f->fail_with != XG_OK) {
        return f->fail_with;
    }
    assert_true(f->n_ups < MAX_UPDATES);
    f->ups[f->n_ups++] = *u;
    return XG_OK;
}

static void *
make(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"key-okx", "secret-okx", "pass\"word", opts, n};
    char err[160];
    void *inst = NULL;

    assert_int_equal(xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)),
                     XG_OK);
    return inst;
}

static int
setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    f->inst = make(NULL, 0);
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
slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), DATA "%s", name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fail_msg("cannot open %s", path);
    }
    char *buf = malloc(65536);
    assert_non_null(buf);
    *len = fread(buf, 1, 65535, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

/* The kind parse gives the fixture name; updates land in f->ups. */
static xg_stream_kind
parse_file(fixture *f, const char *name, xg_stream_result *res)
{
    xg_stream_sink sink = {f, on_update};
    size_t len = 0;
    char *text = slurp(name, &len);

    f->n_ups = 0;
    memset(res, 0, sizeof(*res));
    assert_int_equal(
        xg_adapter_entry()->stream_parse(f->inst, text, len, &sink, res),
        XG_OK);
    free(text);
    return res->kind;
}

static void
assert_decimal(xg_decimal d, int64_t units, int scale)
{
    xg_decimal want = {units, (uint8_t)scale};
    assert_int_equal(xg_decimal_cmp(d, want), 0);
}

/* --- caps, plan ------------------------------------------------------------
 */

static void
test_okx_stream_caps_and_entries(void **state)
{
    const xg_adapter *a = xg_adapter_entry();

    (void)state;
    assert_int_equal(a->caps.streams,
                     XG_STREAM_ORDERS | XG_STREAM_FILLS | XG_STREAM_FEES);
    assert_non_null(a->stream_plan);
    assert_non_null(a->stream_login);
    assert_non_null(a->stream_subscribe);
    assert_non_null(a->stream_ping);
    assert_non_null(a->stream_parse);
}

static void
test_okx_stream_plan_default_is_production(void **state)
{
    fixture *f = *state;
    xg_stream_plan plan;

    assert_int_equal(xg_adapter_entry()->stream_plan(f->inst, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 0);
    assert_string_equal(plan.url, "wss://ws.okx.com:8443/ws/v5/private");
    assert_int_equal(plan.ping_every_ms, 20000);
    assert_int_equal(plan.silence_max_ms, 30000);
    assert_int_equal(plan.lifetime_ms, 0);
    assert_int_equal(plan.connect_gap_ms, 1000);
    /* Inside OKX's 30 s idle cut. */
    assert_true(plan.ping_every_ms < 30000);
}

static void
test_okx_stream_plan_demo_host(void **state)
{
    xg_kv opts[] = {{"simulated_trading", "true"}};
    void *inst = make(opts, 1);
    xg_stream_plan plan;

    (void)state;
    assert_int_equal(xg_adapter_entry()->stream_plan(inst, &plan), XG_OK);
    assert_string_equal(plan.url, "wss://wspap.okx.com:8443/ws/v5/private");
    xg_adapter_entry()->destroy(inst);
}

static void
test_okx_stream_plan_stream_url_wins(void **state)
{
    xg_kv opts[] = {{"stream_url", "ws://127.0.0.1:9100/ws/v5/private"},
                    {"simulated_trading", "1"}};
    void *inst = make(opts, 2);
    xg_stream_plan plan;

    (void)state;
    assert_int_equal(xg_adapter_entry()->stream_plan(inst, &plan), XG_OK);
    assert_string_equal(plan.url, "ws://127.0.0.1:9100/ws/v5/private");
    xg_adapter_entry()->destroy(inst);
}

static void
test_okx_stream_url_option_refused(void **state)
{
    xg_kv opts[] = {{"stream_url", "https://www.okx.com"}};
    xg_adapter_config cfg = {"key-okx", "secret-okx", "pass", opts, 1};
    char err[160];
    void *inst = NULL;

    (void)state;
    assert_int_equal(xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)),
                     XG_ERR_CONFIG);
    assert_null(inst);
    assert_non_null(strstr(err, "stream_url"));
}

/* --- messages sent -----------------------------------------------------------
 */

static void
test_okx_stream_login_text_and_signature(void **state)
{
    fixture *f = *state;
    char out[XG_STREAM_TEXT_MAX];
    char want[XG_STREAM_TEXT_MAX];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    unsigned char b64[64];
    const char *prehash = "1767225600GET/users/self/verify";
    size_t len = 0;

    /* The signature, step by step as streams.md 3.2 gives it. */
    assert_non_null(HMAC(EVP_sha256(), "secret-okx", 10,
                         (const unsigned char *)prehash, strlen(prehash), mac,
                         &mac_len));
    assert_int_equal(EVP_EncodeBlock(b64, mac, (int)mac_len), 44);
    snprintf(want, sizeof(want),
             "{\"op\":\"login\",\"args\":[{\"apiKey\":\"key-okx\","
             "\"passphrase\":\"pass\\\"word\",\"timestamp\":\"1767225600\","
             "\"sign\":\"%s\"}]}",
             (const char *)b64);

    assert_int_equal(xg_adapter_entry()->stream_login(f->inst, NOW_MS, out,
                                                      sizeof(out), &len),
                     XG_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
}

static void
test_okx_stream_login_truncated(void **state)
{
    fixture *f = *state;
    char out[64];
    size_t len = 99;

    assert_int_equal(xg_adapter_entry()->stream_login(f->inst, NOW_MS, out,
                                                      sizeof(out), &len),
                     XG_ERR_TRUNCATED);
    assert_int_equal(len, 0);
    /* The passphrase is not left in a half-written buffer. */
    assert_null(memchr(out, 'w', sizeof(out)));
}

static void
test_okx_stream_login_refuses_negative_time(void **state)
{
    fixture *f = *state;
    char out[XG_STREAM_TEXT_MAX];
    size_t len = 0;

    assert_int_equal(
        xg_adapter_entry()->stream_login(f->inst, -1, out, sizeof(out), &len),
        XG_ERR_INVALID);
}

static void
test_okx_stream_subscribe_and_ping_texts(void **state)
{
    fixture *f = *state;
    const xg_adapter *a = xg_adapter_entry();
    const char *sub = "{\"op\":\"subscribe\",\"args\":[{\"channel\":"
                      "\"orders\",\"instType\":\"SPOT\"}]}";
    char out[XG_STREAM_TEXT_MAX];
    char small[4];
    size_t len = 0;

    assert_int_equal(
        a->stream_subscribe(f->inst, NOW_MS, out, sizeof(out), &len), XG_OK);
    assert_int_equal(len, strlen(sub));
    assert_memory_equal(out, sub, len);
    assert_int_equal(a->stream_ping(f->inst, NOW_MS, out, sizeof(out), &len),
                     XG_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(out, "ping", 4);

    assert_int_equal(
        a->stream_subscribe(f->inst, NOW_MS, small, sizeof(small), &len),
        XG_ERR_TRUNCATED);
    assert_int_equal(
        a->stream_ping(f->inst, NOW_MS, small, sizeof(small), &len),
        XG_ERR_TRUNCATED);
}

/* --- messages received -------------------------------------------------------
 */

static void
test_okx_stream_control_messages(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_login_ok.json", &res),
                     XG_STREAM_AUTHED);
    assert_int_equal(parse_file(f, "stream_subscribe_ack.json", &res),
                     XG_STREAM_SUBSCRIBED);
    assert_int_equal(parse_file(f, "stream_pong.txt", &res), XG_STREAM_PONG);
    assert_int_equal(parse_file(f, "stream_notice.json", &res),
                     XG_STREAM_CLOSING);
    assert_int_equal(parse_file(f, "stream_conn_count.json", &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(parse_file(f, "stream_account.json", &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(f->n_ups, 0);
}

static void
test_okx_stream_refusals_carry_code_and_text(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_login_error.json", &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "60009");
    assert_string_equal(res.venue_msg, "Login failed.");

    assert_int_equal(parse_file(f, "stream_subscribe_error.json", &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "60012");
    assert_non_null(strstr(res.venue_msg, "Invalid request"));

    assert_int_equal(parse_file(f, "stream_conn_count_error.json", &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_msg, "channel-conn-count-error");
}

static void
test_okx_stream_login_with_error_code_is_refused(void **state)
{
    fixture *f = *state;
    const char *text = "{\"event\":\"login\",\"code\":\"60024\","
                       "\"msg\":\"Wrong passphrase\"}";
    xg_stream_sink sink = {f, on_update};
    xg_stream_result res;

    assert_int_equal(xg_adapter_entry()->stream_parse(
                         f->inst, text, strlen(text), &sink, &res),
                     XG_OK);
    assert_int_equal(res.kind, XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "60024");
    assert_string_equal(res.venue_msg, "Wrong passphrase");
}

static void
test_okx_stream_new_order(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_order_new.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(f->n_ups, 1);
    const xg_stream_update *u = &f->ups[0];
    assert_int_equal(u->has_report, 1);
    assert_int_equal(u->has_fill, 0);
    assert_string_equal(u->order.client_id, "xg0004");
    assert_string_equal(u->order.venue_order_id, "452197707845865472");
    assert_string_equal(u->order.venue_symbol, "BTC-USDT");
    assert_int_equal(u->order.status, XG_STATUS_NEW);
    assert_decimal(u->order.price, 60000, 0);
    assert_decimal(u->order.qty, 1, 2);
    assert_decimal(u->order.exec.filled_qty, 0, 0);
    assert_decimal(u->order.exec.filled_quote, 0, 0);
    /* fee "0" in BTC: said, nothing paid yet */
    assert_string_equal(u->order.exec.fee_currency, "BTC");
    assert_decimal(u->order.exec.fee, 0, 0);
}

static void
test_okx_stream_partial_fill_as_maker(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_order_partial.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(f->n_ups, 1);
    const xg_stream_update *u = &f->ups[0];
    assert_int_equal(u->order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_decimal(u->order.exec.filled_qty, 4, 3);
    assert_decimal(u->order.exec.filled_quote, 240, 0);
    /* OKX's "-0.000004" charged is 0.000004 paid */
    assert_decimal(u->order.exec.fee, 4, 6);
    assert_string_equal(u->order.exec.fee_currency, "BTC");
    assert_int_equal(u->has_fill, 1);
    assert_string_equal(u->fill.trade_id, "242589207");
    assert_decimal(u->fill.qty, 4, 3);
    assert_decimal(u->fill.price, 60000, 0);
    assert_decimal(u->fill.fee, 4, 6);
    assert_string_equal(u->fill.fee_currency, "BTC");
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_MAKER);
    assert_int_equal(u->fill.time_ms, 1767225660450LL);
}

static void
test_okx_stream_fill_as_taker(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_order_filled.json", &res),
                     XG_STREAM_UPDATES);
    const xg_stream_update *u = &f->ups[0];
    assert_int_equal(u->order.status, XG_STATUS_FILLED);
    assert_decimal(u->order.exec.filled_qty, 1, 2);
    /* accFillSz 0.01 * avgPx 60006 */
    assert_decimal(u->order.exec.filled_quote, 60006, 2);
    assert_decimal(u->order.exec.fee, 16, 6);
    assert_int_equal(u->has_fill, 1);
    assert_string_equal(u->fill.trade_id, "242589208");
    assert_decimal(u->fill.qty, 6, 3);
    assert_decimal(u->fill.price, 60010, 0);
    assert_decimal(u->fill.fee, 12, 6);
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_TAKER);
    assert_int_equal(u->fill.time_ms, 1767225720450LL);
}

static void
test_okx_stream_cancel_after_partial_fill(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_order_canceled.json", &res),
                     XG_STREAM_UPDATES);
    const xg_stream_update *u = &f->ups[0];
    assert_int_equal(u->order.status, XG_STATUS_CANCELED);
    assert_decimal(u->order.exec.filled_qty, 4, 3);
    assert_decimal(u->order.exec.filled_quote, 240, 0);
    assert_int_equal(u->has_fill, 0);
}

static void
test_okx_stream_several_orders_in_order(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_orders_batch.json", &res),
                     XG_STREAM_UPDATES);
    /* The order placed without a client id cannot be named: skipped. */
    assert_int_equal(f->n_ups, 2);
    assert_string_equal(f->ups[0].order.client_id, "xg0004");
    assert_string_equal(f->ups[1].order.client_id, "xg0005");
    assert_string_equal(f->ups[1].order.venue_symbol, "ETH-USDT");
    assert_string_equal(f->ups[1].fill.trade_id, "77001");
    /* fillFee "0.0001" positive is a rebate: negative in xgate's sign */
    assert_decimal(f->ups[1].fill.fee, -1, 4);
    assert_string_equal(f->ups[1].fill.fee_currency, "ETH");
    assert_decimal(f->ups[1].order.exec.fee, -1, 4);

    assert_int_equal(parse_file(f, "stream_order_no_client_id.json", &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(f->n_ups, 0);
}

static void
test_okx_stream_malformed_messages(void **state)
{
    fixture *f = *state;
    xg_stream_result res;
    static const char *const bad[] = {
        "stream_bad_negative_fill.json", "stream_bad_fill_no_size.json",
        "stream_bad_state.json",         "stream_bad_no_ordid.json",
        "stream_bad_empty_data.json",    "stream_bad_truncated.json",
        "stream_bad_repeated_key.json",  "stream_bad_one_of_two.json",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_file(f, bad[i], &res), XG_STREAM_MALFORMED);
        /* Not even the good first order of a bad push reaches the sink. */
        assert_int_equal(f->n_ups, 0);
    }
    static const char *const texts[] = {
        "",     "PONG",          "pong ", "[]",
        "null", "{\"event\":5}", "{}",    "{\"arg\":{},\"data\":[]}"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        xg_stream_sink sink = {f, on_update};
        assert_int_equal(xg_adapter_entry()->stream_parse(
                             f->inst, texts[i], strlen(texts[i]), &sink, &res),
                         XG_OK);
        assert_int_equal(res.kind, XG_STREAM_MALFORMED);
    }
}

static void
test_okx_stream_sink_error_is_passed_on(void **state)
{
    fixture *f = *state;
    xg_stream_sink sink = {f, on_update};
    xg_stream_result res;
    size_t len = 0;
    char *text = slurp("stream_orders_batch.json", &len);

    f->fail_with = XG_ERR_BUSY;
    assert_int_equal(
        xg_adapter_entry()->stream_parse(f->inst, text, len, &sink, &res),
        XG_ERR_BUSY);
    assert_int_equal(f->n_ups, 1);
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_okx_stream_caps_and_entries),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_plan_default_is_production, setup, teardown),
        cmocka_unit_test(test_okx_stream_plan_demo_host),
        cmocka_unit_test(test_okx_stream_plan_stream_url_wins),
        cmocka_unit_test(test_okx_stream_url_option_refused),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_login_text_and_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_login_truncated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_login_refuses_negative_time, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_subscribe_and_ping_texts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_control_messages, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_refusals_carry_code_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_login_with_error_code_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_new_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_partial_fill_as_maker,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_fill_as_taker, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_okx_stream_cancel_after_partial_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_several_orders_in_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_malformed_messages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_okx_stream_sink_error_is_passed_on,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
