/*
 * example_test.c - unit tests of the example adapter through its entry
 * table, the way the core reaches it: no network, no clock, no loader.
 * Built by this folder's CMakeLists.txt against the installed xgate only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xgate/adapter.h>

const xg_adapter *xg_adapter_entry(void);

typedef struct fixture {
    const xg_adapter *api;
    void *inst;
    size_t n_instruments;
    xg_instrument last;
} fixture;

static int
setup(void **state)
{
    static const char key[] = "exampleKEY0123456789";
    static const char secret[] = "exampleSECRETfake0123456789abcdef";
    xg_adapter_config cfg = {key, secret, NULL, NULL, 0};
    char err[128];
    fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->api = xg_adapter_entry();
    assert_int_equal(f->api->create(&cfg, &f->inst, err, sizeof(err)), XG_OK);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture *f = *state;

    f->api->destroy(f->inst);
    free(f);
    return 0;
}

static xg_err
count_instrument(void *ctx, const xg_instrument *ins)
{
    fixture *f = ctx;

    f->n_instruments++;
    f->last = *ins;
    return XG_OK;
}

static xg_err
refuse_instrument(void *ctx, const xg_instrument *ins)
{
    (void)ctx;
    (void)ins;
    return XG_ERR_NOMEM;
}

static xg_http_response
response(int status, const char *body, const xg_http_header_view *h, size_t n_h)
{
    xg_http_response r = {status, h, n_h, body, strlen(body)};
    return r;
}

static void
test_table_matches_the_abi(void **state)
{
    const xg_adapter *api = xg_adapter_entry();

    (void)state;
    assert_int_equal(api->abi_version, XG_ADAPTER_ABI_VERSION);
    assert_int_equal(api->struct_size, sizeof(xg_adapter));
    assert_string_equal(api->venue, "example");
    /* The gateway's venue client ids are 17 of [0-9a-z]. */
    assert_true(api->caps.client_id_max >= 17);
    assert_true((api->caps.client_id_chars & XG_ID_CHARS_DIGIT) != 0);
    assert_true((api->caps.client_id_chars & XG_ID_CHARS_LOWER) != 0);
    assert_true(api->caps.default_ban_ms >= 1);
}

static void
test_create_refuses_missing_secret_without_echoing_key(void **state)
{
    xg_adapter_config cfg = {"someKEY", "", NULL, NULL, 0};
    const xg_adapter *api = xg_adapter_entry();
    char err[128] = "";
    void *inst = &cfg;

    (void)state;
    assert_int_equal(api->create(&cfg, &inst, err, sizeof(err)), XG_ERR_SECRET);
    assert_null(inst);
    assert_null(strstr(err, "someKEY"));
}

static void
test_new_order_is_a_signed_form_post_charged_once(void **state)
{
    fixture *f = *state;
    xg_instrument ins = {.symbol = "BTC/USDT", .venue_symbol = "BTCUSDT"};
    xg_order o = {.client_id = "xg0001A",
                  .symbol = "BTC/USDT",
                  .side = XG_SIDE_BUY,
                  .type = XG_TYPE_LIMIT,
                  .tif = XG_TIF_GTC,
                  .qty = {1, 3},
                  .price = {350005, 1}};
    xg_op op = {XG_OP_NEW_ORDER, &ins, &o, "xg0001A", NULL, NULL, NULL, NULL};
    xg_http_request req;

    memset(&req, 0, sizeof(req));
    assert_int_equal(f->api->build(f->inst, &op, 1700000000000, &req), XG_OK);
    assert_string_equal(req.method, "POST");
    assert_string_equal(req.target, "/v1/order");
    /* The same bytes as vector example-01 of example.json. */
    assert_string_equal(req.body, "symbol=BTCUSDT&side=BUY&type=LIMIT&tif=GTC&"
                                  "qty=0.001&price=35000.5&cid=xg0001A");
    assert_true(req.is_signed);
    assert_int_equal(req.priority, XG_PRIO_NEW);
    assert_int_equal(req.n_costs, 1);
    assert_int_equal(req.costs[0].units, 1);
    assert_string_equal(req.headers[2].name, "X-EX-SIGN");
    assert_string_equal(req.headers[2].value,
                        "e6e47fdd6d93d56a4895153934ad20dc"
                        "8e549f12acf29a63e59f994cc6786c12");
}

static void
test_unknown_symbol_is_refused_before_signing(void **state)
{
    fixture *f = *state;
    xg_op op = {
        XG_OP_CANCEL_ORDER, NULL, NULL, "xg0001A", NULL, NULL, NULL, NULL};
    xg_http_request req;

    memset(&req, 0, sizeof(req));
    assert_int_equal(f->api->build(f->inst, &op, 1, &req),
                     XG_ERR_UNKNOWN_SYMBOL);
    assert_false(req.is_signed);
}

static void
test_instruments_answer_sets_the_advertised_limit(void **state)
{
    fixture *f = *state;
    xg_sink sink = {f, count_instrument, NULL, NULL, NULL};
    xg_op op = {XG_OP_INSTRUMENTS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response r = response(200,
                                  "instrument=BTC/USDT BTCUSDT 0.01 0.001\n"
                                  "instrument=ETH/USDT ETHUSDT 0.1 0.01\n"
                                  "limit=600 60\n",
                                  NULL, 0);
    xg_bucket_spec spec;
    xg_result res;
    size_t n = 0;

    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &r, &sink, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_int_equal(f->n_instruments, 2);
    assert_string_equal(f->last.venue_symbol, "ETHUSDT");
    assert_int_equal(f->api->limits(f->inst, &spec, 1, &n), XG_OK);
    assert_int_equal(n, 1);
    assert_int_equal(spec.limit, 600);
    assert_int_equal(spec.window_ns, 60000000000LL);
    assert_int_equal(spec.reserve_cancel, 30);
    assert_int_equal(spec.reserve_new, 60);
}

static void
test_sink_error_stops_the_parse(void **state)
{
    fixture *f = *state;
    xg_sink sink = {f, refuse_instrument, NULL, NULL, NULL};
    xg_op op = {XG_OP_INSTRUMENTS, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_response r =
        response(200, "instrument=BTC/USDT BTCUSDT 0.01 0.001\n", NULL, 0);
    xg_result res;

    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &r, &sink, &res),
                     XG_ERR_NOMEM);
}

static void
test_rate_limited_answer_carries_wait_and_usage(void **state)
{
    fixture *f = *state;
    xg_http_header_view h[2] = {{"Retry-After", 11, "3", 1},
                                {"X-EX-USED", 9, "97", 2}};
    xg_op op = {XG_OP_QUERY_ORDER, NULL, NULL, "x", NULL, NULL, NULL, NULL};
    xg_http_response r = response(429, "code=LIMIT\n", h, 2);
    xg_result res;

    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &r, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(res.retry_after_ms, 3000);
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(res.usage[0].used, 97);
}

static void
test_truncated_order_answer_is_unknown_not_rejected(void **state)
{
    fixture *f = *state;
    xg_op op = {XG_OP_NEW_ORDER, NULL, NULL, "xg0001A", NULL, NULL, NULL, NULL};
    xg_http_response r = response(200, "cid=xg0001A\nid=77\nsta", NULL, 0);
    xg_result res;

    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &r, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
}

static void
test_error_words_map_to_outcomes(void **state)
{
    fixture *f = *state;
    xg_op op = {XG_OP_NEW_ORDER, NULL, NULL, "xg0001A", NULL, NULL, NULL, NULL};
    xg_http_response funds =
        response(400, "code=NO_FUNDS\nmsg=balance too low\n", NULL, 0);
    xg_http_response ts = response(400, "code=TIMESTAMP\n", NULL, 0);
    xg_http_response banned = response(418, "", NULL, 0);
    xg_result res;

    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &funds, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_INSUFFICIENT_FUNDS);
    assert_string_equal(res.venue_msg, "balance too low");
    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &ts, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_RESYNC);
    memset(&res, 0, sizeof(res));
    assert_int_equal(f->api->parse(f->inst, &op, &banned, NULL, &res), XG_OK);
    assert_int_equal(res.outcome, XG_OUTCOME_BANNED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_the_abi),
        cmocka_unit_test(
            test_create_refuses_missing_secret_without_echoing_key),
        cmocka_unit_test_setup_teardown(
            test_new_order_is_a_signed_form_post_charged_once, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_unknown_symbol_is_refused_before_signing, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_instruments_answer_sets_the_advertised_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sink_error_stops_the_parse, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_rate_limited_answer_carries_wait_and_usage, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_truncated_order_answer_is_unknown_not_rejected, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_error_words_map_to_outcomes, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
