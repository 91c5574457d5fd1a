/*
 * test_bybit_limits.c - Bybit's buckets as specs, the usage headers, and
 * the core limiter built from them driven by a fake clock: the per-second
 * endpoint limits slide, the IP layer holds its reserves, and the venue's
 * X-Bapi-Limit-Status corrects the local count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bybit.h"
#include "xgate/limiter.h"

#define MS    1000000LL
#define S     (1000 * MS)
#define T0    (1700000000000LL * MS)
#define GUARD (50 * MS)

static void *
make(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"key", "secret", NULL, opts, n};
    char err[128];
    void *inst = NULL;
    assert_int_equal(bybit_create(&cfg, &inst, err, sizeof(err)), XG_OK);
    return inst;
}

static void
test_default_specs_follow_the_fact_sheet(void **state)
{
    (void)state;
    void *inst = make(NULL, 0);
    xg_bucket_spec specs[12];
    size_t n = 0;

    assert_int_equal(bybit_limits(inst, specs, 12, &n), XG_OK);
    assert_int_equal(n, 11);
    assert_string_equal(specs[BYBIT_BUCKET_IP].name, "IP_REQUESTS");
    assert_int_equal(specs[BYBIT_BUCKET_IP].kind, XG_LIMIT_SLIDING_WINDOW);
    assert_int_equal(specs[BYBIT_BUCKET_IP].limit, 600);
    assert_int_equal(specs[BYBIT_BUCKET_IP].window_ns, 5 * S);
    assert_int_equal(specs[BYBIT_BUCKET_IP].reserve_cancel, 30);
    assert_int_equal(specs[BYBIT_BUCKET_IP].reserve_new, 60);
    assert_string_equal(specs[BYBIT_BUCKET_CREATE].name, "ORDER_CREATE_1S");
    assert_int_equal(specs[BYBIT_BUCKET_CREATE].limit, 20);
    assert_string_equal(specs[BYBIT_BUCKET_CANCEL].name, "ORDER_CANCEL_1S");
    assert_int_equal(specs[BYBIT_BUCKET_CANCEL].limit, 20);
    assert_string_equal(specs[BYBIT_BUCKET_REALTIME].name, "ORDER_REALTIME_1S");
    assert_int_equal(specs[BYBIT_BUCKET_REALTIME].limit, 50);
    /* Not in the fact sheet: Bybit's rate-limit table, spot amend 10/s. */
    assert_string_equal(specs[BYBIT_BUCKET_AMEND].name, "ORDER_AMEND_1S");
    assert_int_equal(specs[BYBIT_BUCKET_AMEND].limit, 10);
    /* The batch endpoints' own limits, counted per order; cancel-all and
     * the wallet. */
    assert_string_equal(specs[BYBIT_BUCKET_BATCH_CREATE].name,
                        "BATCH_CREATE_1S");
    assert_int_equal(specs[BYBIT_BUCKET_BATCH_CREATE].limit, 20);
    assert_string_equal(specs[BYBIT_BUCKET_BATCH_CANCEL].name,
                        "BATCH_CANCEL_1S");
    assert_int_equal(specs[BYBIT_BUCKET_BATCH_CANCEL].limit, 20);
    assert_string_equal(specs[BYBIT_BUCKET_CANCEL_ALL].name,
                        "ORDER_CANCEL_ALL_1S");
    assert_int_equal(specs[BYBIT_BUCKET_CANCEL_ALL].limit, 20);
    assert_string_equal(specs[BYBIT_BUCKET_WALLET].name, "WALLET_BALANCE_1S");
    assert_int_equal(specs[BYBIT_BUCKET_WALLET].limit, 50);
    /* An order's fills: /v5/execution/list, 50/s of its own. */
    assert_string_equal(specs[BYBIT_BUCKET_EXECUTIONS].name,
                        "EXECUTION_LIST_1S");
    assert_int_equal(specs[BYBIT_BUCKET_EXECUTIONS].limit, 50);
    /* The key's account: /v5/user/query-api, 10/s. */
    assert_string_equal(specs[BYBIT_BUCKET_API_INFO].name, "API_KEY_INFO_1S");
    assert_int_equal(specs[BYBIT_BUCKET_API_INFO].limit, 10);
    for (size_t i = 1; i < BYBIT_BUCKET_COUNT; i++) {
        assert_int_equal(specs[i].kind, XG_LIMIT_SLIDING_WINDOW);
        assert_int_equal(specs[i].window_ns, S);
        assert_int_equal(specs[i].reserve_cancel, 0);
        assert_int_equal(specs[i].reserve_new, 0);
        /* Per UID: shared limits key them by account. */
        assert_int_equal(specs[i].flags, XG_BUCKET_PER_ACCOUNT);
    }
    assert_int_equal(specs[BYBIT_BUCKET_IP].flags, 0);
    assert_int_equal(bybit_limits(inst, specs, 4, &n), XG_ERR_TRUNCATED);
    assert_int_equal(n, 11);
    assert_int_equal(bybit_limits(NULL, specs, 12, &n), XG_ERR_INVALID);
    assert_int_equal(bybit_limits(inst, NULL, 12, &n), XG_ERR_INVALID);
    bybit_destroy(inst);
}

static void
test_options_override_limits_and_reserves(void **state)
{
    (void)state;
    xg_kv opts[] = {{"create_per_s", "40"},       {"cancel_per_s", "30"},
                    {"query_per_s", "100"},       {"ip_limit", "1000"},
                    {"ip_window_ms", "2000"},     {"cancel_reserve_pct", "10"},
                    {"query_reserve_pct", "20"},  {"amend_per_s", "25"},
                    {"batch_create_per_s", "30"}, {"batch_cancel_per_s", "35"},
                    {"cancel_all_per_s", "5"},    {"wallet_per_s", "60"},
                    {"executions_per_s", "70"}};
    void *inst = make(opts, 13);
    xg_bucket_spec specs[BYBIT_BUCKET_COUNT];
    size_t n = 0;

    assert_int_equal(bybit_limits(inst, specs, BYBIT_BUCKET_COUNT, &n), XG_OK);
    assert_int_equal(specs[BYBIT_BUCKET_AMEND].limit, 25);
    assert_int_equal(specs[BYBIT_BUCKET_BATCH_CREATE].limit, 30);
    assert_int_equal(specs[BYBIT_BUCKET_BATCH_CANCEL].limit, 35);
    assert_int_equal(specs[BYBIT_BUCKET_CANCEL_ALL].limit, 5);
    assert_int_equal(specs[BYBIT_BUCKET_WALLET].limit, 60);
    assert_int_equal(specs[BYBIT_BUCKET_EXECUTIONS].limit, 70);
    assert_int_equal(specs[BYBIT_BUCKET_CREATE].limit, 40);
    assert_int_equal(specs[BYBIT_BUCKET_CANCEL].limit, 30);
    assert_int_equal(specs[BYBIT_BUCKET_REALTIME].limit, 100);
    assert_int_equal(specs[BYBIT_BUCKET_IP].limit, 1000);
    assert_int_equal(specs[BYBIT_BUCKET_IP].window_ns, 2 * S);
    assert_int_equal(specs[BYBIT_BUCKET_IP].reserve_cancel, 100);
    assert_int_equal(specs[BYBIT_BUCKET_IP].reserve_new, 200);
    bybit_destroy(inst);
}

/* A tiny IP limit keeps a unit for queries: the reserves go. */
static void
test_tiny_ip_limit_drops_reserves_so_the_spec_is_valid(void **state)
{
    (void)state;
    xg_kv opts[] = {{"ip_limit", "2"},
                    {"cancel_reserve_pct", "50"},
                    {"query_reserve_pct", "50"}};
    void *inst = make(opts, 3);
    xg_bucket_spec specs[BYBIT_BUCKET_COUNT];
    size_t n = 0;
    xg_limiter *l = NULL;

    assert_int_equal(bybit_limits(inst, specs, BYBIT_BUCKET_COUNT, &n), XG_OK);
    assert_int_equal(specs[BYBIT_BUCKET_IP].reserve_cancel, 0);
    assert_int_equal(specs[BYBIT_BUCKET_IP].reserve_new, 0);
    l = xg_limiter_new(specs, n, GUARD);
    assert_non_null(l);
    xg_limiter_destroy(&l);
    assert_int_equal(bybit_bucket_spec(inst, (bybit_bucket)BYBIT_BUCKET_COUNT, specs),
                     XG_ERR_INVALID);
    bybit_destroy(inst);
}

typedef struct rig {
    void *inst;
    xg_limiter *lim;
    xg_instrument ins;
    xg_order order;
} rig;

static void
rig_init(rig *r, const xg_kv *opts, size_t n_opts)
{
    xg_bucket_spec specs[BYBIT_BUCKET_COUNT];
    size_t n = 0;

    memset(r, 0, sizeof(*r));
    r->inst = make(opts, n_opts);
    assert_int_equal(bybit_limits(r->inst, specs, BYBIT_BUCKET_COUNT, &n),
                     XG_OK);
    r->lim = xg_limiter_new(specs, n, GUARD);
    assert_non_null(r->lim);
    memcpy(r->ins.symbol, "BTC/USDT", 9);
    memcpy(r->ins.venue_symbol, "BTCUSDT", 8);
    r->order.side = XG_SIDE_BUY;
    r->order.type = XG_TYPE_LIMIT;
    r->order.tif = XG_TIF_GTC;
    r->order.qty = (xg_decimal){1, 3};
    r->order.price = (xg_decimal){30000, 0};
}

static void
rig_fini(rig *r)
{
    xg_limiter_destroy(&r->lim);
    bybit_destroy(r->inst);
}

/* Build op at now_ns and ask the limiter; returns when it may go. */
static int64_t
rig_try(rig *r, xg_op_kind kind, int64_t now_ns)
{
    /* For amends: the price one up, the quantity as it is. */
    const xg_amend amend = {{30001, 0}, r->order.qty, {0, 0}, 0, NULL};
    xg_op op = {kind, &r->ins, &r->order, "id1", NULL, NULL, &amend, NULL};
    xg_http_request req;
    int64_t at = 0;

    memset(&req, 0, sizeof(req));
    assert_int_equal(bybit_build(r->inst, &op, now_ns / MS, &req), XG_OK);
    assert_int_equal(xg_limiter_reserve(r->lim, req.costs, req.n_costs,
                                        req.priority, now_ns, &at),
                     XG_OK);
    return at;
}

/* 20 creates in a second, the 21st only once the first slid out (plus
 * the clock guard); cancels have their own 20 meanwhile. */
static void
test_create_bucket_slides_over_one_second(void **state)
{
    (void)state;
    rig r;
    rig_init(&r, NULL, 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + i * 10 * MS),
                         T0 + i * 10 * MS);
    }
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + 500 * MS),
                     T0 + S + GUARD);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(rig_try(&r, XG_OP_CANCEL_ORDER, T0 + 500 * MS),
                         T0 + 500 * MS);
    }
    assert_true(rig_try(&r, XG_OP_CANCEL_ORDER, T0 + 500 * MS) > T0 + 500 * MS);
    /* Sliding: at T0 + 1 s + guard exactly one create has left. */
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + S + GUARD),
                     T0 + S + GUARD);
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + S + GUARD),
                     T0 + S + 10 * MS + GUARD);
    rig_fini(&r);
}

/* Queries and open-order lists draw on one 50/s bucket. */
static void
test_query_and_open_orders_share_fifty_per_second(void **state)
{
    (void)state;
    rig r;
    rig_init(&r, NULL, 0);
    for (int i = 0; i < 25; i++) {
        assert_int_equal(rig_try(&r, XG_OP_QUERY_ORDER, T0), T0);
        assert_int_equal(rig_try(&r, XG_OP_OPEN_ORDERS, T0), T0);
    }
    assert_int_equal(rig_try(&r, XG_OP_QUERY_ORDER, T0), T0 + S + GUARD);
    rig_fini(&r);
}

/* Amends draw on their own 10/s, apart from creates, and rank with new
 * orders. */
static void
test_amend_bucket_is_its_own_ten_per_second(void **state)
{
    (void)state;
    rig r;
    rig_init(&r, NULL, 0);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(rig_try(&r, XG_OP_AMEND_ORDER, T0), T0);
    }
    assert_int_equal(rig_try(&r, XG_OP_AMEND_ORDER, T0), T0 + S + GUARD);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0), T0);
    }
    rig_fini(&r);
}

/* The IP layer: queries stop at 600 - 30 - 60, new orders at 570, and
 * cancels may use all 600. */
static void
test_ip_bucket_keeps_cancel_reserve(void **state)
{
    (void)state;
    xg_kv opts[] = {{"create_per_s", "1000"},
                    {"cancel_per_s", "1000"},
                    {"query_per_s", "1000"}};
    rig r;
    rig_init(&r, opts, 3);
    for (int i = 0; i < 510; i++) {
        assert_int_equal(rig_try(&r, XG_OP_SERVER_TIME, T0 + i * MS),
                         T0 + i * MS);
    }
    assert_true(rig_try(&r, XG_OP_QUERY_ORDER, T0 + 600 * MS) > T0 + 600 * MS);
    for (int i = 0; i < 60; i++) {
        assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + 600 * MS),
                         T0 + 600 * MS);
    }
    assert_true(rig_try(&r, XG_OP_NEW_ORDER, T0 + 600 * MS) > T0 + 600 * MS);
    for (int i = 0; i < 30; i++) {
        assert_int_equal(rig_try(&r, XG_OP_CANCEL_ORDER, T0 + 600 * MS),
                         T0 + 600 * MS);
    }
    /* 600 in the window: even a cancel waits until the first slides out
     * five seconds (plus guard) later. */
    assert_int_equal(rig_try(&r, XG_OP_CANCEL_ORDER, T0 + 600 * MS),
                     T0 + 5 * S + GUARD);
    rig_fini(&r);
}

static xg_http_response
resp_with(const xg_http_header_view *h, size_t n)
{
    xg_http_response resp = {200, h, n, "", 0};
    return resp;
}

#define HV(n, v)                                                               \
    {                                                                          \
        (n), sizeof(n) - 1, (v), sizeof(v) - 1                                 \
    }

static void
test_limit_status_header_reports_remaining_for_the_endpoint(void **state)
{
    (void)state;
    xg_http_header_view h[] = {
        HV("x-bapi-limit-status", "7"), HV("X-Bapi-Limit", "20"),
        HV("X-Bapi-Limit-Reset-Timestamp", "1700000000123")};
    xg_http_response resp = resp_with(h, 3);
    const struct {
        xg_op_kind kind;
        int bucket;
    } cases[] = {{XG_OP_NEW_ORDER, BYBIT_BUCKET_CREATE},
                 {XG_OP_CANCEL_ORDER, BYBIT_BUCKET_CANCEL},
                 {XG_OP_QUERY_ORDER, BYBIT_BUCKET_REALTIME},
                 {XG_OP_OPEN_ORDERS, BYBIT_BUCKET_REALTIME},
                 {XG_OP_AMEND_ORDER, BYBIT_BUCKET_AMEND}};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        xg_result res;
        memset(&res, 0, sizeof(res));
        bybit_parse_usage(cases[i].kind, &resp, 0, &res);
        assert_int_equal(res.n_usage, 1);
        assert_int_equal(res.usage[0].bucket, cases[i].bucket);
        assert_int_equal(res.usage[0].remaining, 7);
        assert_int_equal(res.usage[0].used, -1);
    }
}

static void
test_unusable_limit_headers_give_no_usage(void **state)
{
    (void)state;
    xg_http_header_view over[] = {HV("X-Bapi-Limit-Status", "30"),
                                  HV("X-Bapi-Limit", "20")};
    xg_http_header_view junk[] = {HV("X-Bapi-Limit-Status", "-1")};
    xg_http_header_view huge[] = {
        HV("X-Bapi-Limit-Status", "99999999999999999999999")};
    xg_http_header_view alone[] = {HV("X-Bapi-Limit-Status", " 3 ")};
    xg_result res;
    xg_http_response r;

    memset(&res, 0, sizeof(res));
    r = resp_with(over, 2);
    bybit_parse_usage(XG_OP_NEW_ORDER, &r, 0, &res);
    r = resp_with(junk, 1);
    bybit_parse_usage(XG_OP_NEW_ORDER, &r, 0, &res);
    r = resp_with(huge, 1);
    bybit_parse_usage(XG_OP_NEW_ORDER, &r, 0, &res);
    r = resp_with(NULL, 0);
    bybit_parse_usage(XG_OP_NEW_ORDER, &r, 0, &res);
    r = resp_with(alone, 1);
    bybit_parse_usage(XG_OP_SERVER_TIME, &r, 0, &res);
    assert_int_equal(res.n_usage, 0);
    /* Without X-Bapi-Limit the remaining count stands. */
    bybit_parse_usage(XG_OP_QUERY_ORDER, &r, 0, &res);
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(res.usage[0].remaining, 3);
}

/* The venue says 2 left after our first create (someone else spent 17):
 * two more go, the third waits for the window to slide. */
static void
test_reported_remaining_corrects_the_local_count(void **state)
{
    (void)state;
    xg_http_header_view h[] = {HV("X-Bapi-Limit-Status", "2"),
                               HV("X-Bapi-Limit", "20")};
    xg_http_response resp = resp_with(h, 2);
    rig r;
    xg_result res;

    rig_init(&r, NULL, 0);
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0), T0);
    memset(&res, 0, sizeof(res));
    bybit_parse_usage(XG_OP_NEW_ORDER, &resp, 0, &res);
    xg_limiter_observe(r.lim, res.usage, res.n_usage, T0 + 5 * MS);
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + 6 * MS), T0 + 6 * MS);
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + 7 * MS), T0 + 7 * MS);
    assert_true(rig_try(&r, XG_OP_NEW_ORDER, T0 + 8 * MS) > T0 + S);
    rig_fini(&r);
}

/* A higher venue limit (VIP uplift) never loosens ours. */
static void
test_higher_venue_limit_does_not_loosen_ours(void **state)
{
    (void)state;
    xg_http_header_view h[] = {HV("X-Bapi-Limit-Status", "39"),
                               HV("X-Bapi-Limit", "40")};
    xg_http_response resp = resp_with(h, 2);
    rig r;
    xg_result res;

    rig_init(&r, NULL, 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0), T0);
    }
    memset(&res, 0, sizeof(res));
    bybit_parse_usage(XG_OP_NEW_ORDER, &resp, 0, &res);
    xg_limiter_observe(r.lim, res.usage, res.n_usage, T0 + MS);
    assert_int_equal(rig_try(&r, XG_OP_NEW_ORDER, T0 + MS), T0 + S + GUARD);
    rig_fini(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_specs_follow_the_fact_sheet),
        cmocka_unit_test(test_options_override_limits_and_reserves),
        cmocka_unit_test(
            test_tiny_ip_limit_drops_reserves_so_the_spec_is_valid),
        cmocka_unit_test(test_create_bucket_slides_over_one_second),
        cmocka_unit_test(test_query_and_open_orders_share_fifty_per_second),
        cmocka_unit_test(test_amend_bucket_is_its_own_ten_per_second),
        cmocka_unit_test(test_ip_bucket_keeps_cancel_reserve),
        cmocka_unit_test(
            test_limit_status_header_reports_remaining_for_the_endpoint),
        cmocka_unit_test(test_unusable_limit_headers_give_no_usage),
        cmocka_unit_test(test_reported_remaining_corrects_the_local_count),
        cmocka_unit_test(test_higher_venue_limit_does_not_loosen_ours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
