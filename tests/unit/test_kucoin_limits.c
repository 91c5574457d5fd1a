/*
 * test_kucoin_limits.c - the KuCoin pools as limiter buckets, checked
 * against a model of the venue's pool: a FIXED window that starts when the
 * venue receives the first request after the previous window ended
 * (fact sheet, "Rate-limit model").
 *
 * The limiter is driven with a fake clock; every admitted request reaches
 * the modelled venue after a one-way delay that varies by less than the
 * core's clock guard. The tests assert the two properties limits.c argues
 * for: the venue's window is never overdrawn, wherever it is anchored,
 * and a saturating burst gets at least 97 % of what the venue allows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kucoin.h"
#include "xgate/limiter.h"

#define MS       1000000LL
#define GUARD_NS (50 * MS) /* the core's default clock_guard_ms */

static kucoin *
make(const xg_kv *opts, size_t n)
{
    xg_adapter_config cfg = {"key", "secret", "pass", opts, n};
    void *inst = NULL;
    assert_int_equal(kucoin_create(&cfg, &inst, NULL, 0), XG_OK);
    return inst;
}

static xg_limiter *
limiter_for(kucoin *k)
{
    xg_bucket_spec specs[4];
    size_t n = 0;
    assert_int_equal(kucoin_limits(k, specs, 4, &n), XG_OK);
    xg_limiter *l = xg_limiter_new(specs, n, GUARD_NS);
    assert_non_null(l);
    return l;
}

static void
test_pools_are_sliding_windows_with_fact_sheet_limits(void **state)
{
    (void)state;
    kucoin *k = make(NULL, 0);
    xg_bucket_spec specs[4];
    size_t n = 0;

    assert_int_equal(kucoin_limits(k, specs, 1, &n), XG_ERR_TRUNCATED);
    assert_int_equal(n, 3);
    assert_int_equal(kucoin_limits(k, specs, 4, &n), XG_OK);
    assert_int_equal(n, 3);
    assert_string_equal(specs[KUCOIN_BUCKET_SPOT].name, "SPOT_POOL");
    assert_int_equal(specs[KUCOIN_BUCKET_SPOT].kind, XG_LIMIT_SLIDING_WINDOW);
    assert_int_equal(specs[KUCOIN_BUCKET_SPOT].limit, 4000);
    assert_int_equal(specs[KUCOIN_BUCKET_SPOT].window_ns, 30000 * MS);
    assert_int_equal(specs[KUCOIN_BUCKET_SPOT].reserve_cancel, 80);
    assert_int_equal(specs[KUCOIN_BUCKET_SPOT].reserve_new, 200);
    assert_string_equal(specs[KUCOIN_BUCKET_PUBLIC].name, "PUBLIC_POOL");
    assert_int_equal(specs[KUCOIN_BUCKET_PUBLIC].kind, XG_LIMIT_SLIDING_WINDOW);
    assert_int_equal(specs[KUCOIN_BUCKET_PUBLIC].limit, 2000);
    assert_int_equal(specs[KUCOIN_BUCKET_PUBLIC].reserve_cancel, 0);
    assert_int_equal(specs[KUCOIN_BUCKET_PUBLIC].reserve_new, 0);
    /* Balances read from the Management pool, 2000 / 30 s per UID. */
    assert_string_equal(specs[KUCOIN_BUCKET_MANAGEMENT].name,
                        "MANAGEMENT_POOL");
    assert_int_equal(specs[KUCOIN_BUCKET_MANAGEMENT].kind,
                     XG_LIMIT_SLIDING_WINDOW);
    assert_int_equal(specs[KUCOIN_BUCKET_MANAGEMENT].limit, 2000);
    assert_int_equal(specs[KUCOIN_BUCKET_MANAGEMENT].window_ns, 30000 * MS);
    assert_int_equal(specs[KUCOIN_BUCKET_MANAGEMENT].reserve_cancel, 0);
    assert_int_equal(specs[KUCOIN_BUCKET_MANAGEMENT].reserve_new, 0);
    kucoin_destroy(k);
}

static void
test_options_override_pools_and_reserves(void **state)
{
    (void)state;
    xg_kv opts[] = {
        {"spot_pool_limit", "16000"},      {"public_pool_limit", "30"},
        {"management_pool_limit", "7000"}, {"pool_window_ms", "2000"},
        {"cancel_reserve_pct", "10"},      {"query_reserve_pct", "0"}};
    kucoin *k = make(opts, 6);
    xg_bucket_spec specs[3];
    size_t n = 0;

    assert_int_equal(kucoin_limits(k, specs, 3, &n), XG_OK);
    assert_int_equal(specs[0].limit, 16000);
    assert_int_equal(specs[0].window_ns, 2000 * MS);
    assert_int_equal(specs[0].reserve_cancel, 1600);
    assert_int_equal(specs[0].reserve_new, 0);
    assert_int_equal(specs[1].limit, 30);
    assert_int_equal(specs[1].window_ns, 2000 * MS);
    assert_int_equal(specs[2].limit, 7000);
    assert_int_equal(specs[2].window_ns, 2000 * MS);
    kucoin_destroy(k);
}

/* A pool of 1 cannot hold reserves; the specs must still be accepted. */
static void
test_tiny_pool_drops_reserves_instead_of_failing(void **state)
{
    (void)state;
    xg_kv opts[] = {{"spot_pool_limit", "1"}, {"query_reserve_pct", "50"}};
    kucoin *k = make(opts, 2);
    xg_limiter *l = limiter_for(k);
    const xg_bucket_spec *s = xg_limiter_bucket_spec(l, 0);
    assert_int_equal(s->reserve_cancel, 0);
    assert_int_equal(s->reserve_new, 0);
    xg_limiter_destroy(&l);
    kucoin_destroy(k);
}

/* Costs and priorities per operation (fact sheet weights and pools). */
static void
test_each_op_charges_its_weight_to_its_pool(void **state)
{
    (void)state;
    kucoin *k = make(NULL, 0);
    xg_instrument ins;
    xg_order o;
    static const struct {
        xg_op_kind kind;
        uint16_t bucket;
        int64_t units;
        xg_priority prio;
    } want[] = {
        {XG_OP_SERVER_TIME, KUCOIN_BUCKET_PUBLIC, 3, XG_PRIO_QUERY},
        {XG_OP_INSTRUMENTS, KUCOIN_BUCKET_PUBLIC, 4, XG_PRIO_QUERY},
        {XG_OP_NEW_ORDER, KUCOIN_BUCKET_SPOT, 1, XG_PRIO_NEW},
        {XG_OP_CANCEL_ORDER, KUCOIN_BUCKET_SPOT, 1, XG_PRIO_CANCEL},
        {XG_OP_QUERY_ORDER, KUCOIN_BUCKET_SPOT, 2, XG_PRIO_QUERY},
        {XG_OP_OPEN_ORDERS, KUCOIN_BUCKET_SPOT, 2, XG_PRIO_QUERY},
    };

    memset(&ins, 0, sizeof(ins));
    memcpy(ins.venue_symbol, "BTC-USDT", 9);
    memset(&o, 0, sizeof(o));
    o.side = XG_SIDE_SELL;
    o.type = XG_TYPE_MARKET;
    o.tif = XG_TIF_IOC;
    o.qty.units = 1;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        xg_op op = {want[i].kind, &ins, &o, "abc123", NULL, NULL, NULL, NULL};
        xg_http_request req;
        memset(&req, 0, sizeof(req));
        assert_int_equal(kucoin_build(k, &op, 1700000000000, &req), XG_OK);
        assert_int_equal(req.n_costs, 1);
        assert_int_equal(req.costs[0].bucket, want[i].bucket);
        assert_int_equal(req.costs[0].units, want[i].units);
        assert_int_equal(req.priority, want[i].prio);
    }
    kucoin_destroy(k);
}

/* --- the venue model ----------------------------------------------------- */

typedef struct venue_pool {
    int64_t limit;
    int64_t window_ns;
    int64_t start_ns; /* INT64_MIN: no window open */
    int64_t used;
    int64_t max_used; /* the most any window held */
    int64_t windows;  /* windows opened */
} venue_pool;

static void
venue_arrive(venue_pool *p, int64_t at_ns, int64_t cost)
{
    if (p->start_ns == INT64_MIN || at_ns >= p->start_ns + p->window_ns) {
        p->start_ns = at_ns; /* anchored at the first arrival */
        p->used = 0;
        p->windows++;
    }
    p->used += cost;
    if (p->used > p->max_used) {
        p->max_used = p->used;
    }
}

static uint64_t rng_state = 88172645463325252ull;

static int64_t
rnd(int64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (int64_t)(rng_state % (uint64_t)n);
}

typedef struct arrival {
    int64_t at_ns;
    int64_t cost;
} arrival;

static int
cmp_arrival(const void *a, const void *b)
{
    int64_t x = ((const arrival *)a)->at_ns;
    int64_t y = ((const arrival *)b)->at_ns;
    return (x > y) - (x < y);
}

/*
 * Drive the Spot bucket for duration_ns: at each step ask for one request
 * of a random op (cost 1 or 2, priority by op); saturating demand asks
 * again at once or at the limiter's answer, bursty demand idles a random
 * time between bursts. Arrivals are sent through the venue model in
 * arrival order. Returns units admitted.
 */
static int64_t
drive(kucoin *k, int64_t duration_ns, int64_t base_delay_ns, int64_t jitter_ns,
      int bursty, int only_new, venue_pool *pool)
{
    xg_limiter *l = limiter_for(k);
    size_t cap = 400000;
    arrival *arr = calloc(cap, sizeof(*arr));
    size_t n = 0;
    int64_t now = 1700000000000LL * MS + rnd(1000) * MS; /* any anchor */
    int64_t end = now + duration_ns;
    int64_t admitted = 0;

    assert_non_null(arr);
    while (now < end && n < cap) {
        int64_t r = only_new ? 0 : rnd(10);
        xg_cost c = {KUCOIN_BUCKET_SPOT, 0, r < 7 ? 1 : 2};
        xg_priority prio =
            r < 5 ? XG_PRIO_NEW : (r < 7 ? XG_PRIO_CANCEL : XG_PRIO_QUERY);
        int64_t at = 0;
        assert_int_equal(xg_limiter_reserve(l, &c, 1, prio, now, &at), XG_OK);
        if (at > now) {
            now = at;
            continue;
        }
        arr[n].at_ns = now + base_delay_ns + rnd(jitter_ns);
        arr[n].cost = c.units;
        n++;
        admitted += c.units;
        if (bursty && rnd(50) == 0) {
            now += rnd(40000) * MS; /* idle up to 40 s */
        } else {
            now += rnd(3) * 100000; /* 0-0.2 ms between requests */
        }
    }
    qsort(arr, n, sizeof(*arr), cmp_arrival);
    for (size_t i = 0; i < n; i++) {
        venue_arrive(pool, arr[i].at_ns, arr[i].cost);
    }
    free(arr);
    xg_limiter_destroy(&l);
    return admitted;
}

/* Saturating demand for ten windows: never above the pool, and at least
 * 97 % of the units the venue would have allowed in that time. */
static void
test_saturating_burst_never_overdraws_and_keeps_goodput(void **state)
{
    (void)state;
    kucoin *k = make(NULL, 0);
    venue_pool pool = {4000, 30000 * MS, INT64_MIN, 0, 0, 0};
    int64_t duration = 10 * 30000 * MS;

    int64_t admitted = drive(k, duration, 20 * MS, 40 * MS, 0, 1, &pool);
    assert_true(pool.max_used <= 4000);
    /* The venue allows 4000 per window, 10 windows in the run; new orders
     * leave the 2 % cancel reserve. */
    assert_true(admitted * 100 >= 97 * 4000 * 10);
    assert_int_equal(pool.windows, 10);

    /* Mixed demand (new, cancel, query) stays within the pool too. */
    memset(&pool, 0, sizeof(pool));
    pool.limit = 4000;
    pool.window_ns = 30000 * MS;
    pool.start_ns = INT64_MIN;
    admitted = drive(k, duration, 20 * MS, 40 * MS, 0, 0, &pool);
    assert_true(pool.max_used <= 4000);
    assert_true(admitted * 100 >= 90 * 4000 * 10);
    kucoin_destroy(k);
}

/* Bursts separated by random idle times put the venue's anchor anywhere
 * relative to our sends; the pool must still never be overdrawn, with
 * delays from 0 to 2 s as long as they vary by less than the guard. */
static void
test_bursty_demand_never_overdraws_any_anchor(void **state)
{
    (void)state;
    xg_kv opts[] = {{"spot_pool_limit", "200"}, {"pool_window_ms", "3000"}};
    kucoin *k = make(opts, 2);
    const int64_t delays[] = {0, 1 * MS, 30 * MS, 300 * MS, 2000 * MS};

    for (size_t d = 0; d < sizeof(delays) / sizeof(delays[0]); d++) {
        for (int run = 0; run < 20; run++) {
            venue_pool pool = {200, 3000 * MS, INT64_MIN, 0, 0, 0};
            int64_t admitted =
                drive(k, 120000 * MS, delays[d], 49 * MS, 1, 0, &pool);
            assert_true(admitted > 0);
            assert_true(pool.max_used <= 200);
        }
    }
    kucoin_destroy(k);
}

/*
 * The case that rules out a first-use fixed window kept on our side: a
 * window nearly unused until its last guard interval, whose late requests
 * reach the venue after its window ended and so open the venue's next
 * window, which our next local window would then fill again. Here one
 * request at 0, 199 at 3049 ms (arriving at once: the venue's window 2
 * opens at 3049 ms) and then as many as we may: the venue's window 2 must
 * hold at most 200.
 */
static void
test_late_requests_of_a_window_count_in_the_next(void **state)
{
    (void)state;
    xg_kv opts[] = {{"spot_pool_limit", "200"},
                    {"pool_window_ms", "3000"},
                    {"cancel_reserve_pct", "0"},
                    {"query_reserve_pct", "0"}};
    kucoin *k = make(opts, 4);
    xg_limiter *l = limiter_for(k);
    venue_pool pool = {200, 3000 * MS, INT64_MIN, 0, 0, 0};
    xg_cost one = {KUCOIN_BUCKET_SPOT, 0, 1};
    xg_cost many = {KUCOIN_BUCKET_SPOT, 0, 199};
    int64_t at = 0;

    assert_int_equal(xg_limiter_reserve(l, &one, 1, XG_PRIO_NEW, 0, &at),
                     XG_OK);
    assert_int_equal(at, 0);
    venue_arrive(&pool, 0, 1);
    assert_int_equal(
        xg_limiter_reserve(l, &many, 1, XG_PRIO_NEW, 3049 * MS, &at), XG_OK);
    assert_int_equal(at, 3049 * MS);
    venue_arrive(&pool, 3049 * MS, 199);
    for (int64_t t = 3050 * MS; t < 6000 * MS; t += MS) {
        if (xg_limiter_reserve(l, &one, 1, XG_PRIO_NEW, t, &at) == XG_OK &&
            at == t) {
            venue_arrive(&pool, t, 1);
        }
    }
    assert_int_equal(pool.windows, 2);
    assert_true(pool.max_used <= 200);
    xg_limiter_destroy(&l);
    kucoin_destroy(k);
}

/* gw-ratelimit-remaining spent by someone else (another key of the UID)
 * is booked: the limiter then holds our requests back. */
static void
test_remaining_header_corrects_the_pool(void **state)
{
    (void)state;
    xg_kv opts[] = {{"cancel_reserve_pct", "0"}, {"query_reserve_pct", "0"}};
    kucoin *k = make(opts, 2);
    xg_limiter *l = limiter_for(k);
    xg_op op = {XG_OP_QUERY_ORDER, NULL, NULL, "x", NULL, NULL, NULL, NULL};
    xg_http_header_view h[] = {{"gw-ratelimit-remaining", 22, "10", 2},
                               {"gw-ratelimit-reset", 18, "12000", 5}};
    xg_http_response resp = {200, h, 2, "", 0};
    xg_result res;
    int64_t now = 1000 * MS;
    int64_t at = 0;
    xg_cost c = {KUCOIN_BUCKET_SPOT, 0, 2};

    memset(&res, 0, sizeof(res));
    kucoin_parse_usage(&op, &resp, &res);
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(res.usage[0].bucket, KUCOIN_BUCKET_SPOT);
    assert_int_equal(res.usage[0].remaining, 10);
    assert_int_equal(res.usage[0].used, -1);
    xg_limiter_observe(l, res.usage, res.n_usage, now);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_QUERY, now, &at),
                         XG_OK);
        assert_int_equal(at, now);
    }
    assert_int_equal(xg_limiter_reserve(l, &c, 1, XG_PRIO_QUERY, now, &at),
                     XG_OK);
    assert_true(at > now);
    /* Spent by someone else in the venue's window, which ends in 12 s
     * (gw-ratelimit-reset): held that long, not a whole 30 s window. */
    assert_int_equal(at, now + 12000 * MS + GUARD_NS);

    /* A malformed or absent header corrects nothing. */
    h[0].value = "-1";
    memset(&res, 0, sizeof(res));
    kucoin_parse_usage(&op, &resp, &res);
    assert_int_equal(res.n_usage, 0);
    resp.n_headers = 0;
    kucoin_parse_usage(&op, &resp, &res);
    assert_int_equal(res.n_usage, 0);
    xg_limiter_destroy(&l);
    kucoin_destroy(k);
}

/* Public endpoints' headers belong to the Public pool. */
static void
test_public_usage_goes_to_public_pool(void **state)
{
    (void)state;
    xg_op op = {XG_OP_SERVER_TIME, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    xg_http_header_view h[] = {{"GW-RateLimit-Remaining", 22, " 1999 ", 6}};
    xg_http_response resp = {200, h, 1, "", 0};
    xg_result res;
    memset(&res, 0, sizeof(res));
    kucoin_parse_usage(&op, &resp, &res);
    assert_int_equal(res.n_usage, 1);
    assert_int_equal(res.usage[0].bucket, KUCOIN_BUCKET_PUBLIC);
    assert_int_equal(res.usage[0].remaining, 1999);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pools_are_sliding_windows_with_fact_sheet_limits),
        cmocka_unit_test(test_options_override_pools_and_reserves),
        cmocka_unit_test(test_tiny_pool_drops_reserves_instead_of_failing),
        cmocka_unit_test(test_each_op_charges_its_weight_to_its_pool),
        cmocka_unit_test(
            test_saturating_burst_never_overdraws_and_keeps_goodput),
        cmocka_unit_test(test_bursty_demand_never_overdraws_any_anchor),
        cmocka_unit_test(test_late_requests_of_a_window_count_in_the_next),
        cmocka_unit_test(test_remaining_header_corrects_the_pool),
        cmocka_unit_test(test_public_usage_goes_to_public_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
