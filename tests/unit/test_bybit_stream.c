/*
 * test_bybit_stream.c - Bybit's private stream: caps and entries, the
 * plan (default and stream_url), the auth's exact text with its expires
 * and signature recomputed here with OpenSSL, subscription and ping
 * texts, truncation of each, and every kind stream_parse tells from the
 * fixtures in tests/data/bybit/stream_*: auth accepted and refused,
 * subscription acknowledged and refused, pong, other topics, order
 * messages (new, partial fill, fill, cancel after a partial fill,
 * rejected, several orders with one placed elsewhere and one of another
 * category) with every field of the report, execution messages (one
 * fill, several fills of one order as maker and taker, a rebate) with
 * every field of the fill, malformed messages (nothing reaches the sink
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

#include "bybit.h"

#define DATA XG_TEST_DATA_DIR "/bybit/"

/* 2026-01-01T00:00:00.123Z */
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
    xg_adapter_config cfg = {"key-bybit", "secret-bybit", NULL, opts, n};
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
test_bybit_stream_caps_and_entries(void **state)
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
test_bybit_stream_plan_default_is_mainnet(void **state)
{
    fixture *f = *state;
    xg_stream_plan plan;

    assert_int_equal(xg_adapter_entry()->stream_plan(f->inst, &plan), XG_OK);
    assert_int_equal(plan.needs_token, 0);
    assert_string_equal(plan.url, "wss://stream.bybit.com/v5/private");
    assert_int_equal(plan.ping_every_ms, 20000);
    assert_int_equal(plan.silence_max_ms, 40000);
    assert_int_equal(plan.lifetime_ms, 0);
    assert_int_equal(plan.connect_gap_ms, 1000);
    /* Well inside Bybit's 10-minute idle cut. */
    assert_true(plan.silence_max_ms < 600000);
}

static void
test_bybit_stream_plan_from_stream_url(void **state)
{
    xg_kv opts[] = {{"stream_url", "ws://127.0.0.1:9200/v5/private"}};
    void *inst = make(opts, 1);
    xg_stream_plan plan;

    (void)state;
    assert_int_equal(xg_adapter_entry()->stream_plan(inst, &plan), XG_OK);
    assert_string_equal(plan.url, "ws://127.0.0.1:9200/v5/private");
    xg_adapter_entry()->destroy(inst);
}

static void
test_bybit_stream_url_option_refused(void **state)
{
    xg_kv opts[] = {{"stream_url", "ws://has space"}};
    xg_adapter_config cfg = {"key-bybit", "secret-bybit", NULL, opts, 1};
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
test_bybit_stream_auth_text_and_signature(void **state)
{
    fixture *f = *state;
    char out[XG_STREAM_TEXT_MAX];
    char want[XG_STREAM_TEXT_MAX];
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    /* expires = now + 10 s, signed after "GET/realtime" (streams.md 2.2) */
    const char *prehash = "GET/realtime1767225610123";
    size_t len = 0;

    assert_non_null(HMAC(EVP_sha256(), "secret-bybit", 12,
                         (const unsigned char *)prehash, strlen(prehash), mac,
                         &mac_len));
    for (unsigned int i = 0; i < mac_len; i++) {
        snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    snprintf(want, sizeof(want),
             "{\"op\":\"auth\",\"args\":[\"key-bybit\",1767225610123,\"%s\"]}",
             hex);

    assert_int_equal(xg_adapter_entry()->stream_login(f->inst, NOW_MS, out,
                                                      sizeof(out), &len),
                     XG_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);

    assert_int_equal(
        xg_adapter_entry()->stream_login(f->inst, NOW_MS, out, 40, &len),
        XG_ERR_TRUNCATED);
    assert_int_equal(len, 0);
    assert_int_equal(xg_adapter_entry()->stream_login(f->inst, INT64_MAX, out,
                                                      sizeof(out), &len),
                     XG_ERR_INVALID);
}

static void
test_bybit_stream_subscribe_and_ping_texts(void **state)
{
    fixture *f = *state;
    const xg_adapter *a = xg_adapter_entry();
    const char *sub = "{\"op\":\"subscribe\",\"args\":[\"order\","
                      "\"execution\"]}";
    const char *ping = "{\"op\":\"ping\"}";
    char out[XG_STREAM_TEXT_MAX];
    char small[8];
    size_t len = 0;

    assert_int_equal(
        a->stream_subscribe(f->inst, NOW_MS, out, sizeof(out), &len), XG_OK);
    assert_int_equal(len, strlen(sub));
    assert_memory_equal(out, sub, len);
    assert_int_equal(a->stream_ping(f->inst, NOW_MS, out, sizeof(out), &len),
                     XG_OK);
    assert_int_equal(len, strlen(ping));
    assert_memory_equal(out, ping, len);

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
test_bybit_stream_control_messages(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_auth_ok.json", &res),
                     XG_STREAM_AUTHED);
    assert_int_equal(parse_file(f, "stream_subscribe_ack.json", &res),
                     XG_STREAM_SUBSCRIBED);
    assert_int_equal(parse_file(f, "stream_pong.json", &res), XG_STREAM_PONG);
    assert_int_equal(parse_file(f, "stream_wallet.json", &res),
                     XG_STREAM_IGNORED);
    assert_int_equal(f->n_ups, 0);
}

static void
test_bybit_stream_refusals_carry_code_and_text(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_auth_refused.json", &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "");
    assert_string_equal(res.venue_msg, "Params Error");

    assert_int_equal(parse_file(f, "stream_subscribe_refused.json", &res),
                     XG_STREAM_REFUSED);
    assert_string_equal(res.venue_code, "10001");
    assert_string_equal(res.venue_msg, "error:handler not found,topic:orders");
}

static void
test_bybit_stream_new_order(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_order_new.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(f->n_ups, 1);
    const xg_stream_update *u = &f->ups[0];
    assert_int_equal(u->has_report, 1);
    assert_int_equal(u->has_fill, 0);
    assert_string_equal(u->order.client_id, "xg0003");
    assert_string_equal(u->order.venue_order_id, "2031000000000000001");
    assert_string_equal(u->order.venue_symbol, "BTCUSDT");
    assert_int_equal(u->order.status, XG_STATUS_NEW);
    assert_decimal(u->order.price, 60000, 0);
    assert_decimal(u->order.qty, 1, 2);
    assert_decimal(u->order.exec.filled_qty, 0, 0);
    assert_decimal(u->order.exec.filled_quote, 0, 0);
    /* cumFeeDetail {}: no fee said yet */
    assert_string_equal(u->order.exec.fee_currency, "");
}

static void
test_bybit_stream_order_progress(void **state)
{
    fixture *f = *state;
    xg_stream_result res;
    const xg_stream_update *u = &f->ups[0];

    assert_int_equal(parse_file(f, "stream_order_partial.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(u->order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_decimal(u->order.exec.filled_qty, 4, 3);
    assert_decimal(u->order.exec.filled_quote, 240, 0);
    assert_decimal(u->order.exec.fee, 4, 6);
    assert_string_equal(u->order.exec.fee_currency, "BTC");
    assert_int_equal(u->has_fill, 0);

    assert_int_equal(parse_file(f, "stream_order_filled.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(u->order.status, XG_STATUS_FILLED);
    assert_decimal(u->order.exec.filled_qty, 1, 2);
    assert_decimal(u->order.exec.filled_quote, 60003, 2);
    assert_decimal(u->order.exec.fee, 1, 5);

    assert_int_equal(parse_file(f, "stream_order_canceled.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(u->order.status, XG_STATUS_CANCELED);
    assert_decimal(u->order.exec.filled_qty, 4, 3);

    assert_int_equal(parse_file(f, "stream_order_rejected.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(u->order.status, XG_STATUS_REJECTED);
}

static void
test_bybit_stream_several_orders_in_order(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_orders_batch.json", &res),
                     XG_STREAM_UPDATES);
    /* The one placed without a client id and the linear one are not
     * this spot adapter's to name. */
    assert_int_equal(f->n_ups, 2);
    assert_string_equal(f->ups[0].order.client_id, "xg0003");
    assert_int_equal(f->ups[0].order.status, XG_STATUS_PARTIALLY_FILLED);
    assert_string_equal(f->ups[1].order.client_id, "xg0006");
    assert_string_equal(f->ups[1].order.venue_symbol, "ETHUSDT");
    assert_int_equal(f->ups[1].order.status, XG_STATUS_CANCELED);
    assert_decimal(f->ups[1].order.price, 3000, 0);
    assert_decimal(f->ups[1].order.qty, 5, 1);
}

static void
test_bybit_stream_execution_is_a_fill(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_execution.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(f->n_ups, 1);
    const xg_stream_update *u = &f->ups[0];
    assert_int_equal(u->has_report, 0);
    assert_int_equal(u->has_fill, 1);
    assert_string_equal(u->order.client_id, "xg0003");
    assert_string_equal(u->order.venue_order_id, "2031000000000000001");
    assert_string_equal(u->order.venue_symbol, "BTCUSDT");
    assert_string_equal(u->fill.trade_id, "2100000000000000101");
    assert_decimal(u->fill.qty, 4, 3);
    assert_decimal(u->fill.price, 60000, 0);
    assert_decimal(u->fill.fee, 4, 6);
    assert_string_equal(u->fill.fee_currency, "BTC");
    assert_int_equal(u->fill.liquidity, XG_LIQUIDITY_MAKER);
    assert_int_equal(u->fill.time_ms, 1767225660450LL);
}

static void
test_bybit_stream_several_executions_in_order(void **state)
{
    fixture *f = *state;
    xg_stream_result res;

    assert_int_equal(parse_file(f, "stream_executions_batch.json", &res),
                     XG_STREAM_UPDATES);
    assert_int_equal(f->n_ups, 2);
    assert_string_equal(f->ups[0].fill.trade_id, "2100000000000000101");
    assert_string_equal(f->ups[1].fill.trade_id, "2100000000000000102");
    assert_decimal(f->ups[1].fill.qty, 6, 3);
    assert_decimal(f->ups[1].fill.price, 60005, 0);
    /* a negative execFee is a rebate, negative in xgate's sign too */
    assert_decimal(f->ups[1].fill.fee, -6, 7);
    assert_int_equal(f->ups[1].fill.liquidity, XG_LIQUIDITY_TAKER);
    assert_int_equal(f->ups[1].fill.time_ms, 1767225660451LL);
}

static void
test_bybit_stream_malformed_messages(void **state)
{
    fixture *f = *state;
    xg_stream_result res;
    static const char *const bad[] = {
        "stream_bad_negative_qty.json",    "stream_bad_status.json",
        "stream_bad_exec_zero_qty.json",   "stream_bad_exec_no_id.json",
        "stream_bad_is_maker.json",        "stream_bad_one_of_two.json",
        "stream_bad_auth_no_success.json", "stream_bad_truncated.json",
        "stream_bad_empty_data.json",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_file(f, bad[i], &res), XG_STREAM_MALFORMED);
        /* Not even the good first entry of a bad message reaches the
         * sink. */
        assert_int_equal(f->n_ups, 0);
    }
    static const char *const texts[] = {
        "",
        "pong",
        "[]",
        "null",
        "{}",
        "{\"op\":5}",
        "{\"topic\":\"order\"}",
        "{\"op\":\"auth\",\"success\":\"true\"}",
        "{\"topic\":\"order\",\"data\":[1]}"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        xg_stream_sink sink = {f, on_update};
        assert_int_equal(xg_adapter_entry()->stream_parse(
                             f->inst, texts[i], strlen(texts[i]), &sink, &res),
                         XG_OK);
        assert_int_equal(res.kind, XG_STREAM_MALFORMED);
    }
}

static void
test_bybit_stream_sink_error_is_passed_on(void **state)
{
    fixture *f = *state;
    xg_stream_sink sink = {f, on_update};
    xg_stream_result res;
    size_t len = 0;
    char *text = slurp("stream_executions_batch.json", &len);

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
        cmocka_unit_test(test_bybit_stream_caps_and_entries),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_plan_default_is_mainnet, setup, teardown),
        cmocka_unit_test(test_bybit_stream_plan_from_stream_url),
        cmocka_unit_test(test_bybit_stream_url_option_refused),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_auth_text_and_signature, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_subscribe_and_ping_texts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bybit_stream_control_messages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_refusals_carry_code_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bybit_stream_new_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bybit_stream_order_progress, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_several_orders_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bybit_stream_execution_is_a_fill,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_several_executions_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bybit_stream_malformed_messages,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_bybit_stream_sink_error_is_passed_on, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
