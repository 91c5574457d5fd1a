/*
 * test_okx_limits.c - OKX's bucket specs, their options, and the limiter
 * the core builds from them, driven by a hand-moved clock: 60 places per
 * 2 s per instrument, other instruments and endpoints (amends included)
 * independent, the batch buckets (place, cancel, amend) counting orders
 * (300 per 2 s per instrument), and the retry hint of a 50011.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "okx.h"
#include "xgate/limiter.h"

#define MS 1000000LL

static void *
create_with(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"key", "secret", "pass", opts, n};
    char err[128];
    void *inst = NULL;
    assert_int_equal(xg_adapter_entry()->create(&cfg, &inst, err, sizeof(err)),
                     XG_OK);
    return inst;
}

static void
test_default_specs_follow_fact_sheet(void **state)
{
    (void)state;
    void *inst = create_with(NULL, 0);
    xg_bucket_spec specs[OKX_N_BUCKETS];
    size_t n = 0;
    static const int64_t want[OKX_N_BUCKETS] = {10,  20,  60, 60,  60, 60, 60,
                                                300, 300, 10, 300, 60, 5};
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, OKX_N_BUCKETS, &n),
                     XG_OK);
    assert_int_equal(n, OKX_N_BUCKETS);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(specs[i].kind, XG_LIMIT_SLIDING_WINDOW);
        assert_int_equal(specs[i].window_ns, 2000 * MS);
        assert_int_equal(specs[i].limit, want[i]);
        assert_int_equal(specs[i].reserve_cancel, 0);
        assert_int_equal(specs[i].reserve_new, 0);
        int per_inst = i == OKX_B_PLACE || i == OKX_B_CANCEL ||
                       i == OKX_B_QUERY || i == OKX_B_AMEND ||
                       i == OKX_B_BATCH_PLACE || i == OKX_B_BATCH_CANCEL ||
                       i == OKX_B_BATCH_AMEND;
        /* Public endpoints per IP, the rest per user ID. */
        int is_public = i == OKX_B_TIME || i == OKX_B_INSTRUMENTS;
        assert_int_equal(specs[i].flags,
                         (per_inst ? XG_BUCKET_PER_SCOPE : 0u) |
                             (is_public ? 0u : XG_BUCKET_PER_ACCOUNT));
    }
    assert_string_equal(specs[OKX_B_PLACE].name, "PLACE_PER_INST_2S");
    assert_string_equal(specs[OKX_B_AMEND].name, "AMEND_PER_INST_2S");
    assert_string_equal(specs[OKX_B_BATCH_PLACE].name,
                        "BATCH_PLACE_PER_INST_2S");
    assert_string_equal(specs[OKX_B_BATCH_CANCEL].name,
                        "BATCH_CANCEL_PER_INST_2S");
    assert_string_equal(specs[OKX_B_BALANCE].name, "BALANCE_2S");
    assert_string_equal(specs[OKX_B_BATCH_AMEND].name,
                        "BATCH_AMEND_PER_INST_2S");
    /* An order's fills: "60 requests per 2 seconds", per user. */
    assert_string_equal(specs[OKX_B_FILLS].name, "FILLS_2S");
    /* The account's configuration, asked for its uid: 5 per 2 s. */
    assert_string_equal(specs[OKX_B_CONFIG].name, "CONFIG_2S");
    /* Too small an array: the count, and a refusal. */
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, 3, &n),
                     XG_ERR_TRUNCATED);
    assert_int_equal(n, OKX_N_BUCKETS);
    assert_int_equal(xg_adapter_entry()->limits(NULL, specs, OKX_N_BUCKETS, &n),
                     XG_ERR_INVALID);
    xg_adapter_entry()->destroy(inst);
}

static void
test_options_override_limits_window_and_reserves(void **state)
{
    (void)state;
    xg_kv opts[] = {{"place_limit", "5"},        {"cancel_limit", "7"},
                    {"query_limit", "9"},        {"pending_limit", "11"},
                    {"time_limit", "2"},         {"instruments_limit", "3"},
                    {"window_ms", "500"},        {"cancel_reserve_pct", "50"},
                    {"query_reserve_pct", "50"}, {"amend_limit", "13"},
                    {"batch_place_limit", "15"}, {"batch_cancel_limit", "17"},
                    {"balance_limit", "19"},     {"batch_amend_limit", "21"},
                    {"fills_limit", "23"}};
    void *inst = create_with(opts, sizeof(opts) / sizeof(opts[0]));
    xg_bucket_spec specs[OKX_N_BUCKETS];
    size_t n = 0;
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, OKX_N_BUCKETS, &n),
                     XG_OK);
    assert_int_equal(specs[OKX_B_PLACE].limit, 5);
    assert_int_equal(specs[OKX_B_CANCEL].limit, 7);
    assert_int_equal(specs[OKX_B_QUERY].limit, 9);
    assert_int_equal(specs[OKX_B_PENDING].limit, 11);
    assert_int_equal(specs[OKX_B_TIME].limit, 2);
    assert_int_equal(specs[OKX_B_INSTRUMENTS].limit, 3);
    assert_int_equal(specs[OKX_B_AMEND].limit, 13);
    assert_int_equal(specs[OKX_B_BATCH_PLACE].limit, 15);
    assert_int_equal(specs[OKX_B_BATCH_CANCEL].limit, 17);
    assert_int_equal(specs[OKX_B_BALANCE].limit, 19);
    assert_int_equal(specs[OKX_B_BATCH_AMEND].limit, 21);
    assert_int_equal(specs[OKX_B_FILLS].limit, 23);
    assert_int_equal(specs[OKX_B_PLACE].window_ns, 500 * MS);
    /* 50 % + 50 % is clamped so queries keep one unit; the limiter takes
     * every spec. */
    for (size_t i = 0; i < n; i++) {
        assert_true(specs[i].reserve_cancel + specs[i].reserve_new <=
                    specs[i].limit - 1);
    }
    assert_int_equal(specs[OKX_B_PENDING].reserve_cancel, 5);
    assert_int_equal(specs[OKX_B_PENDING].reserve_new, 5);
    assert_int_equal(specs[OKX_B_TIME].reserve_cancel, 1);
    assert_int_equal(specs[OKX_B_TIME].reserve_new, 0);
    xg_limiter *l = xg_limiter_new(specs, n, 0);
    assert_non_null(l);
    xg_limiter_destroy(&l);
    xg_adapter_entry()->destroy(inst);
}

static int64_t
reserve(xg_limiter *l, uint16_t bucket, uint32_t scope, xg_priority prio,
        int64_t now_ns)
{
    xg_cost c = {bucket, scope, 1};
    int64_t at = 0;
    assert_int_equal(xg_limiter_reserve(l, &c, 1, prio, now_ns, &at), XG_OK);
    return at;
}

/* The built limiter: 60 places on BTC-USDT in one instant, the 61st not
 * before the first leaves the 2 s window, while ETH-USDT and BTC-USDT's
 * cancels, queries and amends are untouched; amends have their own 60. */
static void
test_limiter_counts_places_per_instrument(void **state)
{
    (void)state;
    void *inst = create_with(NULL, 0);
    xg_bucket_spec specs[OKX_N_BUCKETS];
    size_t n = 0;
    const int64_t t0 = 1700000000000LL * MS;
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, OKX_N_BUCKETS, &n),
                     XG_OK);
    xg_limiter *l = xg_limiter_new(specs, n, 0);
    assert_non_null(l);

    for (int i = 0; i < 60; i++) {
        assert_int_equal(reserve(l, OKX_B_PLACE, 1, XG_PRIO_NEW, t0 + i * MS),
                         t0 + i * MS);
    }
    int64_t at = reserve(l, OKX_B_PLACE, 1, XG_PRIO_NEW, t0 + 100 * MS);
    assert_true(at >= t0 + 2000 * MS);
    assert_true(at <= t0 + 2001 * MS);
    /* Another instrument and another endpoint are free. */
    assert_int_equal(reserve(l, OKX_B_PLACE, 2, XG_PRIO_NEW, t0 + 100 * MS),
                     t0 + 100 * MS);
    assert_int_equal(reserve(l, OKX_B_CANCEL, 1, XG_PRIO_CANCEL, t0 + 100 * MS),
                     t0 + 100 * MS);
    assert_int_equal(reserve(l, OKX_B_QUERY, 1, XG_PRIO_QUERY, t0 + 100 * MS),
                     t0 + 100 * MS);
    for (int i = 0; i < 60; i++) {
        assert_int_equal(reserve(l, OKX_B_AMEND, 1, XG_PRIO_NEW, t0 + 100 * MS),
                         t0 + 100 * MS);
    }
    assert_true(reserve(l, OKX_B_AMEND, 1, XG_PRIO_NEW, t0 + 100 * MS) >=
                t0 + 2100 * MS);
    assert_int_equal(reserve(l, OKX_B_AMEND, 2, XG_PRIO_NEW, t0 + 100 * MS),
                     t0 + 100 * MS);
    /* Sliding: at the answer's time one slot is free again, not 60. */
    assert_int_equal(reserve(l, OKX_B_PLACE, 1, XG_PRIO_NEW, at), at);
    assert_true(reserve(l, OKX_B_PLACE, 1, XG_PRIO_NEW, at) > at);
    xg_limiter_destroy(&l);
    xg_adapter_entry()->destroy(inst);
}

/* The batch buckets count orders: 15 batches of 20 orders on BTC-USDT
 * (300) pass at once, the 16th waits out the window, while ETH-USDT's
 * batches and BTC-USDT's single places, cancel batches and amend
 * batches are untouched. */
static void
test_limiter_counts_batch_orders_per_instrument(void **state)
{
    (void)state;
    void *inst = create_with(NULL, 0);
    xg_bucket_spec specs[OKX_N_BUCKETS];
    size_t n = 0;
    const int64_t t0 = 1700000000000LL * MS;
    xg_cost twenty = {OKX_B_BATCH_PLACE, 1, 20};
    int64_t at = 0;
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, OKX_N_BUCKETS, &n),
                     XG_OK);
    xg_limiter *l = xg_limiter_new(specs, n, 0);
    assert_non_null(l);

    for (int i = 0; i < 15; i++) {
        assert_int_equal(
            xg_limiter_reserve(l, &twenty, 1, XG_PRIO_NEW, t0, &at), XG_OK);
        assert_int_equal(at, t0);
    }
    assert_int_equal(
        xg_limiter_reserve(l, &twenty, 1, XG_PRIO_NEW, t0 + MS, &at), XG_OK);
    assert_true(at >= t0 + 2000 * MS);
    twenty.scope = 2;
    assert_int_equal(
        xg_limiter_reserve(l, &twenty, 1, XG_PRIO_NEW, t0 + MS, &at), XG_OK);
    assert_int_equal(at, t0 + MS);
    assert_int_equal(reserve(l, OKX_B_PLACE, 1, XG_PRIO_NEW, t0 + MS), t0 + MS);
    assert_int_equal(reserve(l, OKX_B_BATCH_CANCEL, 1, XG_PRIO_CANCEL, t0 + MS),
                     t0 + MS);
    assert_int_equal(reserve(l, OKX_B_BATCH_AMEND, 1, XG_PRIO_NEW, t0 + MS),
                     t0 + MS);

    /* The amend batch's own 300 orders on another instrument, then a
     * wait. */
    xg_cost amends = {OKX_B_BATCH_AMEND, 5, 20};
    for (int i = 0; i < 15; i++) {
        assert_int_equal(
            xg_limiter_reserve(l, &amends, 1, XG_PRIO_NEW, t0 + MS, &at),
            XG_OK);
        assert_int_equal(at, t0 + MS);
    }
    assert_int_equal(
        xg_limiter_reserve(l, &amends, 1, XG_PRIO_NEW, t0 + MS, &at), XG_OK);
    assert_true(at >= t0 + 2000 * MS);
    xg_limiter_destroy(&l);
    xg_adapter_entry()->destroy(inst);
}

/* Over any 2 s interval the limiter never lets more than the limit
 * through, whatever the arrival pattern (a greedy sender on one
 * instrument for 20 simulated seconds). */
static void
test_limiter_never_exceeds_limit_in_any_window(void **state)
{
    (void)state;
    xg_kv opts[] = {{"place_limit", "7"}, {"window_ms", "300"}};
    void *inst = create_with(opts, 2);
    xg_bucket_spec specs[OKX_N_BUCKETS];
    size_t n = 0;
    int64_t sent[2000];
    size_t n_sent = 0;
    int64_t now = 5 * MS;
    assert_int_equal(xg_adapter_entry()->limits(inst, specs, OKX_N_BUCKETS, &n),
                     XG_OK);
    xg_limiter *l = xg_limiter_new(specs, n, 0);
    assert_non_null(l);
    while (now < 20000 * MS && n_sent < 2000) {
        int64_t at = reserve(l, OKX_B_PLACE, 9, XG_PRIO_NEW, now);
        if (at == now) {
            sent[n_sent++] = now;
            now += (int64_t)(n_sent % 3) * MS / 2;
        } else {
            now = at;
        }
    }
    for (size_t i = 0; i + 7 < n_sent; i++) {
        assert_true(sent[i + 7] - sent[i] >= 300 * MS);
    }
    /* Goodput: close to 7 per 300 ms over 20 s. */
    assert_true(n_sent >= 7 * (20000 / 300) - 7);
    xg_limiter_destroy(&l);
    xg_adapter_entry()->destroy(inst);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_specs_follow_fact_sheet),
        cmocka_unit_test(test_options_override_limits_window_and_reserves),
        cmocka_unit_test(test_limiter_counts_places_per_instrument),
        cmocka_unit_test(test_limiter_counts_batch_orders_per_instrument),
        cmocka_unit_test(test_limiter_never_exceeds_limit_in_any_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
